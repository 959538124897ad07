/*
** test_core.c — the bounded buffer, string views, strict integer parsing and
** UTF-8 validation: the pieces every parser of outside data relies on. The
** buffer's sticky failure is also tried where it matters most, in the
** store's incident queries, whose appended fragments carry the scope
** filters that enforce access: past the bound a query fails, never runs
** shorter.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <pthread.h>
#include <stdbool.h>
#include <jansson.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "incident/incident.h"
#include "testutil.h"

static void pbuf_respects_max(void **state)
{
	(void)state;
	struct pbuf b;
	pbuf_init(&b, 10);
	assert_int_equal(pbuf_add(&b, "0123456789", 10), 0);
	assert_int_equal(b.len, 10);
	/* one byte over the limit is refused and leaves the bytes intact */
	assert_int_equal(pbuf_add(&b, "x", 1), -1);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.ptr, "0123456789");
	pbuf_reset(&b);
	assert_int_equal(pbuf_addf(&b, "%d-%s", 42, "ab"), 0);
	assert_string_equal(b.ptr, "42-ab");
	char *s = pbuf_take(&b);
	assert_string_equal(s, "42-ab");
	assert_null(b.ptr);
	free(s);
	assert_int_equal(pbuf_addf(&b, "%d-%s", 42, "ab"), 0);
	assert_int_equal(pbuf_addf(&b, "%s", "too long now"), -1);
	assert_string_equal(b.ptr, "42-ab");
	pbuf_free(&b);
}

/* A failed append sticks: later appends that would fit are no-ops, and
** the finishers refuse the text, so a run of unchecked appends can never
** come out shorter but whole-looking. Reset (or free) starts afresh. */
static void pbuf_failure_is_sticky(void **state)
{
	(void)state;
	struct pbuf b;
	pbuf_init(&b, 16);
	assert_int_equal(pbuf_adds(&b, "SELECT x"), 0);
	assert_false(pbuf_failed(&b));
	assert_string_equal(pbuf_cstr(&b), "SELECT x");
	assert_int_equal(pbuf_adds(&b, " AND org = ?"), -1); /* 20 > 16 */
	assert_true(pbuf_failed(&b));
	assert_int_equal(pbuf_adds(&b, " LIMIT 1"), -1);     /* would fit: still refused */
	assert_int_equal(pbuf_addf(&b, "%d", 1), -1);
	assert_int_equal(pjson_i64(&b, 7), -1);
	assert_int_equal(pjson_str(&b, "a"), -1);
	assert_int_equal(pjson_time(&b, 1), -1);
	assert_string_equal(b.ptr, "SELECT x");              /* nothing after the failure */
	assert_null(pbuf_cstr(&b));
	/* a fragment built apart fails the whole it goes into */
	struct pbuf whole;
	pbuf_init(&whole, 0);
	assert_int_equal(pbuf_adds(&whole, "SELECT y"), 0);
	assert_int_equal(pbuf_addb(&whole, &b), -1);
	assert_null(pbuf_cstr(&whole));
	assert_null(pbuf_take(&whole));
	assert_null(pbuf_take(&b));
	/* emptied: usable again */
	assert_int_equal(pbuf_adds(&b, "ok"), 0);
	assert_string_equal(pbuf_cstr(&b), "ok");
	assert_int_equal(pbuf_adds(&b, "0123456789abcdef"), -1);
	pbuf_reset(&b);
	assert_false(pbuf_failed(&b));
	assert_string_equal(pbuf_cstr(&b), "");
	pbuf_free(&b);
	pbuf_free(&whole);
}

/* Over the caller's array: at most size - 1 bytes; exactly filling it (no
** room for the NUL) fails instead of reallocating the array. */
static void pbuf_fixed_array(void **state)
{
	(void)state;
	char a[8];
	struct pbuf b = pbuf_fixed(a, sizeof(a));
	assert_int_equal(pbuf_adds(&b, "1234567"), 0);
	assert_string_equal(a, "1234567");
	pbuf_reset(&b);
	assert_int_equal(pbuf_adds(&b, "12345678"), -1);
	assert_true(pbuf_failed(&b));
	char *t = pbuf_take(&b);
	assert_null(t);
	b = pbuf_fixed(a, sizeof(a));
	assert_int_equal(pbuf_addf(&b, "%s", "abc"), 0);
	t = pbuf_take(&b); /* a heap copy; the array stays the caller's */
	assert_string_equal(t, "abc");
	assert_true(t != a);
	free(t);
	pbuf_free(&b);
}

/* The three copies into fixed fields: pstrlcpy reports a cut, PSTRCPY_OR_ERR
** refuses it naming the field, pstrtrunc cuts on purpose but never inside a
** UTF-8 character (the routing rule of issue 13: 62 x "k" then "é" into a
** 64-byte field kept half a character). */
static void fixed_field_copies(void **state)
{
	(void)state;
	char f[64];
	char kind[70];
	memset(kind, 'k', 62);
	memcpy(kind + 62, "\xc3\xa9", 3); /* 62 x k, é: 64 bytes */
	assert_int_equal(pstrlcpy(f, kind, sizeof(f)), -1);
	struct perr e;
	perr_clear(&e);
	assert_int_equal(PSTRCPY_OR_ERR(f, kind, "kind", &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	assert_string_equal(e.field, "kind");
	assert_string_equal(f, "");
	assert_int_equal(PSTRCPY_OR_ERR(f, "short", "kind", &e), 0);
	assert_string_equal(f, "short");
	assert_int_equal(PSTRCPY_OR_ERR(f, NULL, "kind", &e), 0);
	assert_string_equal(f, "");
	pstrtrunc(f, kind, sizeof(f));
	assert_int_equal(strlen(f), 62); /* the é is dropped whole */
	assert_true(utf8_valid(f, strlen(f)));
	char g[5];
	pstrtrunc(g, "ab\xe2\x82\xac", sizeof(g)); /* "ab€" is 5 bytes */
	assert_string_equal(g, "ab");
	pstrtrunc(g, "abcd", sizeof(g));
	assert_string_equal(g, "abcd");
	pstrtrunc(g, NULL, sizeof(g));
	assert_string_equal(g, "");
	PSTRCPY(g, "abcd");
	assert_string_equal(g, "abcd");
	assert_int_equal(ARRAY_SIZE(g), 5);
}

/* The one "replace a file whole" helper (blobs, the installed feeds
** schema): the new bytes or the old, no temporary file left behind, and a
** file read back whole or refused when larger than asked. */
static void file_write_atomic(void **state)
{
	(void)state;
	char dir[] = "/tmp/parapet-core-XXXXXX", path[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f.json", dir);
	struct perr e;
	assert_int_equal(core_file_write_atomic(path, "old", 3, 0640, &e), 0);
	assert_int_equal(core_file_write_atomic(path, "newer", 5, 0640, &e), 0);
	struct pbuf b;
	assert_int_equal(core_file_read(path, 0, &b, &e), 0);
	assert_string_equal(pbuf_cstr(&b), "newer");
	pbuf_free(&b);
	assert_int_equal(core_file_read(path, 4, &b, &e), -1);
	assert_int_equal(e.kind, PERR_LIMIT);
	assert_null(b.ptr);
	char missing[80];
	snprintf(missing, sizeof(missing), "%s/none/f", dir);
	assert_int_equal(core_file_write_atomic(missing, "x", 1, 0640, &e), -1);
	DIR *d = opendir(dir);
	assert_non_null(d);
	int entries = 0;
	for (struct dirent *de; (de = readdir(d));)
		entries += de->d_name[0] != '.';
	closedir(d);
	assert_int_equal(entries, 1); /* f.json, no temporary file left */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* ------------------------------------------- the store's built queries */

static int64_t q_org(struct tdb *t, const char *name, const char *prov)
{
	struct org_spec s = { name, NULL, prov, 0 };
	struct store_org o;
	struct perr e;
	if (constituency_org_add(t->st, NULL, "test", &s, &o, &e) != 0)
		fail_msg("org %s: %s", name, e.msg);
	return o.id;
}

static void q_report(struct tdb *t, int64_t org, const char *key)
{
	struct incident_report_spec s;
	struct incident_report_result r;
	struct perr e;
	memset(&s, 0, sizeof(s));
	s.org_id = org;
	s.kind = "defacement";
	s.key = key;
	s.severity = "high";
	s.summary = "scoped words";
	if (incident_report(t->st, &t->cfg, NULL, "detector", &s, &r, &e) != 0)
		fail_msg("report %s: %s", key, e.msg);
}

struct q_seen {
	int64_t org_a;
	int n, foreign;
};

static int q_row(void *ud, const struct store_incident *i)
{
	struct q_seen *s = ud;
	s->n++;
	s->foreign += i->org_id != s->org_a;
	return 0;
}

static int q_count(void *ud, const char *key, int64_t n)
{
	(void)key;
	struct q_seen *s = ud;
	s->n += (int)n;
	return 0;
}

/* Every bound from 1 byte up to one the whole query fits: the list (one
** status, several statuses, free text) and the counts scoped to Org A
** either fail with PERR_LIMIT or answer exactly Org A's incidents; never
** Org B's, whichever fragment the bound cut. At least one bound fails and
** the unbounded query answers, so the loop crosses the failing range. */
static void built_query_fails_never_shorter(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	int64_t a = q_org(t, "Org A", "Tehran"), b = q_org(t, "Org B", "Fars");
	q_report(t, a, "a1");
	q_report(t, b, "b1");
	q_report(t, b, "b2");
	static const char *const one[8] = { "new" };
	static const char *const two[8] = { "new", "triaged", "in_progress" };
	for (int shape = 0; shape < 4; shape++) {
		int failed = 0, answered = 0;
		for (size_t max = 1; max <= 8192; max += max < 2048 ? 1 : 64) {
			struct store_incident_filter f;
			memset(&f, 0, sizeof(f));
			f.scope_org = a;
			f.scope_province = "Tehran";
			f.severity = "high";
			memcpy(f.status, shape == 1 ? two : one, sizeof(f.status));
			f.q = shape == 2 ? "scoped words" : NULL;
			struct q_seen seen = { a, 0, 0 };
			struct perr e;
			perr_clear(&e);
			store_set_query_max(t->st, max);
			int rc = shape == 3 ? store_incident_group_count(t->st, &f, STORE_GROUP_ALL,
									 q_count, &seen, &e)
					    : store_incident_list(t->st, &f, q_row, &seen, &e);
			if (rc != 0) {
				assert_int_equal(e.kind, PERR_LIMIT);
				assert_int_equal(seen.n, 0);
				failed++;
				continue;
			}
			assert_int_equal(seen.foreign, 0);
			assert_int_equal(seen.n, 1); /* Org A's one incident, counted or listed */
			answered++;
		}
		assert_true(failed > 0);
		assert_true(answered > 0);
	}
	store_set_query_max(t->st, 0);
	tdb_close(t);
}

static void pbuf_grows(void **state)
{
	(void)state;
	struct pbuf b;
	pbuf_init(&b, 0);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(pbuf_add(&b, "abc", 3), 0);
	assert_int_equal(b.len, 30000);
	assert_int_equal(b.ptr[b.len], '\0');
	pbuf_free(&b);
}

static void strict_integers(void **state)
{
	(void)state;
	int64_t v;
	assert_int_equal(parse_i64("123", 0, 1000, &v), 0);
	assert_int_equal(v, 123);
	assert_int_equal(parse_i64("-5", -10, 10, &v), 0);
	assert_int_equal(v, -5);
	assert_int_equal(parse_i64("9223372036854775807", 0, INT64_MAX, &v), 0);
	assert_int_equal(v, INT64_MAX);
	assert_int_equal(parse_i64("-9223372036854775808", INT64_MIN, 0, &v), 0);
	assert_true(v == INT64_MIN);
	const char *bad[] = { "", " 1", "1 ", "1x", "0x10", "+1", "-", "9223372036854775808",
			      "99999999999999999999999", "1.0" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_i64(bad[i], INT64_MIN, INT64_MAX, &v), -1);
	assert_int_equal(parse_i64("11", 0, 10, &v), -1);
	assert_int_equal(parse_i64(NULL, 0, 10, &v), -1);
}

static void string_views(void **state)
{
	(void)state;
	struct pstr h, t;
	assert_true(pstr_cut(pstr_c("a/b/c"), '/', &h, &t));
	assert_true(pstr_eqc(h, "a"));
	assert_true(pstr_eqc(t, "b/c"));
	assert_false(pstr_cut(pstr_c("abc"), '/', &h, &t));
	assert_true(pstr_eqc(h, "abc"));
	assert_null(t.p);
	assert_true(pstr_eqc(pstr_trim(pstr_c("  x y \r\n")), "x y"));
	assert_true(pstr_ieqc(pstr_c("HTTPS://"), "https://"));
	char small[4];
	assert_int_equal(pstr_copy(pstr_c("abcdef"), small, sizeof(small)), -1);
	assert_string_equal(small, "abc");
	assert_int_equal(pstrlcpy(small, "ab", sizeof(small)), 0);
	assert_string_equal(small, "ab");
}

static void utf8(void **state)
{
	(void)state;
	const char *good[] = { "", "plain", "وزارت نیرو", "日本", "\xf0\x9f\x98\x80" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(utf8_valid(good[i], strlen(good[i])));
	const char *badv[] = { "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
			       "\xff", "\x80", "\xe2\x82" };
	for (size_t i = 0; i < sizeof(badv) / sizeof(badv[0]); i++)
		assert_false(utf8_valid(badv[i], strlen(badv[i])));
	assert_false(utf8_valid("a\0b", 3)); /* NUL is never text */
}

static void time_format(void **state)
{
	(void)state;
	char buf[40];
	core_iso8601(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
	core_iso8601(1795845545123LL, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-28T05:59:05.123Z");
}

/* The hand-written formatter agrees with the C library over four centuries,
** around leap days and before 1970. */
static void time_format_matches_libc(void **state)
{
	(void)state;
	uint64_t x = 88172645463325252ull;
	for (int k = 0; k < 20000; k++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		int64_t ms = (int64_t)(x % 16000000000000ull) - 2000000000000ll;
		if (k < 4)
			ms = (int64_t[]){ 951782400000, 951868799999, -1, 4107542399999 }[k];
		char got[40], want[80];
		core_iso8601(ms, got, sizeof(got));
		time_t secs = (time_t)(ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000));
		struct tm tm;
		gmtime_r(&secs, &tm);
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (int)(((ms % 1000) + 1000) % 1000));
		assert_string_equal(got, want);
	}
}

/* JSON text written without jansson must read back, through jansson, as
** the same strings: quotes, backslashes, control bytes, Persian text; a
** byte that is not UTF-8 becomes U+FFFD instead of breaking the document. */
static void json_writer(void **state)
{
	(void)state;
	const char *in[] = { "plain", "a \"quoted\" \\ back\\slash", "tab\tnl\nrr\r\x01\x1f",
			     "\xd8\xb3\xd8\xa7\xdb\x8c\xd8\xaa \xd9\x87\xda\xa9 \xd8\xb4\xd8\xaf",
			     "", "\xf0\x9f\x94\x92 lock" };
	for (size_t k = 0; k < sizeof(in) / sizeof(in[0]); k++) {
		struct pbuf b;
		pbuf_init(&b, 4096);
		assert_int_equal(pbuf_add(&b, "[", 1), 0);
		assert_int_equal(pjson_str(&b, in[k]), 0);
		assert_int_equal(pbuf_add(&b, ",", 1), 0);
		assert_int_equal(pjson_i64(&b, INT64_MIN), 0);
		assert_int_equal(pbuf_add(&b, ",", 1), 0);
		assert_int_equal(pjson_time(&b, 0), 0);
		assert_int_equal(pbuf_add(&b, "]", 1), 0);
		json_error_t je;
		json_t *j = json_loadb(b.ptr, b.len, 0, &je);
		assert_non_null(j);
		assert_string_equal(json_string_value(json_array_get(j, 0)), in[k]);
		assert_true(json_integer_value(json_array_get(j, 1)) == INT64_MIN);
		assert_true(json_is_null(json_array_get(j, 2)));
		json_decref(j);
		pbuf_free(&b);
	}
	struct pbuf b;
	pbuf_init(&b, 4096);
	assert_int_equal(pjson_str(&b, "ab\xff\xc3(c"), 0);
	json_t *j = json_loadb(b.ptr, b.len, JSON_DECODE_ANY, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(j), "ab\xef\xbf\xbd\xef\xbf\xbd(c");
	json_decref(j);
	pbuf_free(&b);
	/* a full buffer is an error, never an overrun */
	pbuf_init(&b, 8);
	assert_int_equal(pjson_str(&b, "0123456789"), -1);
	assert_true(b.len <= 8);
	pbuf_free(&b);
}

static void time_parse(void **state)
{
	(void)state;
	int64_t ms;
	assert_int_equal(core_parse_iso8601("2026-11-28T05:59:05.123Z", &ms), 0);
	assert_true(ms == 1795845545123LL);
	assert_int_equal(core_parse_iso8601("2026-11-28T09:29:05.123+03:30", &ms), 0);
	assert_true(ms == 1795845545123LL); /* Tehran time */
	assert_int_equal(core_parse_iso8601("1970-01-01", &ms), 0);
	assert_true(ms == 0);
	assert_int_equal(core_parse_iso8601("2024-02-29T00:00:00Z", &ms), 0);
	const char *bad[] = { "", "2026-13-01", "2026-02-30", "2023-02-29", "2026-11-28T25:00:00Z",
			      "2026-11-28T05:59:05", "2026-11-28T05:59:05.Z", "2026-11-28T05:59:05Zx",
			      "26-11-28", "2026/11/28" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (core_parse_iso8601(bad[i], &ms) == 0)
			fail_msg("accepted %s", bad[i]);
	/* a formatted time parses back to itself */
	char buf[40];
	core_iso8601(1795845545123LL, buf, sizeof(buf));
	assert_int_equal(core_parse_iso8601(buf, &ms), 0);
	assert_true(ms == 1795845545123LL);
}

static void sha256_known_answer(void **state)
{
	(void)state;
	uint8_t d[32];
	char hex[65];
	core_sha256("abc", 3, d);
	core_hex(d, 32, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* An error read by a person names its field once. */
static void perr_text_names_field_once(void **state)
{
	(void)state;
	struct perr e;
	char b[128];
	perr_set(&e, PERR_INVALID, "password", "password must have at least 12 characters");
	assert_string_equal(perr_text(&e, b, sizeof(b)), "password must have at least 12 characters");
	/* the field as written: "URL" is not the field url */
	perr_set(&e, PERR_INVALID, "url", "webhook URL must be http:// or https://");
	assert_string_equal(perr_text(&e, b, sizeof(b)), "url: webhook URL must be http:// or https://");
	perr_set(&e, PERR_NOTFOUND, "token", "not found");
	assert_string_equal(perr_text(&e, b, sizeof(b)), "token: not found");
	/* a word, not a piece of one */
	perr_set(&e, PERR_INVALID, "id", "invalid value");
	assert_string_equal(perr_text(&e, b, sizeof(b)), "id: invalid value");
	perr_set(&e, PERR_INTERNAL, NULL, "disk full");
	assert_string_equal(perr_text(&e, b, sizeof(b)), "disk full");
	perr_clear(&e);
	assert_string_equal(perr_text(&e, b, sizeof(b)), "failed");
}

/* A blob written without waiting for the disk is whole when it appears,
** is found under its sha like any blob, and one sync makes the batch durable
** (a directory never written to syncs as nothing to do). */
static void blob_lazy_then_sync(void **state)
{
	(void)state;
	char dir[] = "/tmp/parapet-blob-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char blobs[64];
	snprintf(blobs, sizeof(blobs), "%s/blobs", dir);
	struct perr e;
	perr_clear(&e);
	assert_int_equal(core_blob_sync(blobs, &e), 0);
	const char *page = "<html><body>a page learned by the watch</body></html>";
	uint8_t d[32];
	char sha[65];
	core_sha256(page, strlen(page), d);
	core_hex(d, sizeof(d), sha);
	assert_int_equal(core_blob_write_lazy(blobs, sha, page, strlen(page), &e), 0);
	assert_int_equal(core_blob_sync(blobs, &e), 0);
	char path[256];
	assert_int_equal(core_blob_path(blobs, sha, path, sizeof(path)), 0);
	struct pbuf b;
	assert_int_equal(core_file_read(path, 1 << 20, &b, &e), 0);
	assert_int_equal(b.len, strlen(page));
	assert_memory_equal(b.ptr, page, b.len);
	pbuf_free(&b);
	/* written again: already there, still 0 */
	assert_int_equal(core_blob_write_lazy(blobs, sha, page, strlen(page), &e), 0);
	unlink(path);
	path[strlen(path) - 63] = '\0'; /* the ab/ directory */
	rmdir(path);
	rmdir(blobs);
	rmdir(dir);
}

/* Solar Hijri dates of days people know: Nowruz of several years (a day
** after a leap year's end too), the last day of a leap and a common year,
** the first day of the autumn months, and a day before 1970. */
static void jalali_dates(void **state)
{
	(void)state;
	static const struct {
		const char *iso;
		int y, m, d;
	} cases[] = {
		{ "2026-03-21", 1405, 1, 1 },   { "2025-03-21", 1404, 1, 1 },
		{ "2024-03-20", 1403, 1, 1 },   { "2025-03-20", 1403, 12, 30 },
		{ "2026-03-20", 1404, 12, 29 }, { "2026-12-10", 1405, 9, 19 },
		{ "2026-09-23", 1405, 7, 1 },   { "1979-02-11", 1357, 11, 22 },
		{ "1970-01-01", 1348, 10, 11 }, { "2000-01-01", 1378, 10, 11 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int64_t ms;
		assert_int_equal(core_parse_iso8601(cases[i].iso, &ms), 0);
		/* any time of the UTC day gives the same date */
		for (int64_t off = 0; off < 86400000; off += 43200000 - 1) {
			int y, m, d;
			core_jalali(ms + off, &y, &m, &d);
			if (y != cases[i].y || m != cases[i].m || d != cases[i].d)
				fail_msg("%s: %d/%d/%d, want %d/%d/%d", cases[i].iso, y, m, d,
					 cases[i].y, cases[i].m, cases[i].d);
		}
	}
}

/* TLP labels as people write them map to one canonical label, and a
** stored label ranks from CLEAR (0) to RED (4): exports and visibility
** compare ranks, so a lower-case or prefixed label must not slip past. */
/* A ticker's kick runs the next pass at once instead of at the end of the
** interval (the flow job drains an attack's start this way): with an
** interval of an hour, a second pass can only come from the kick. The
** deadline bounds a broken run; it is not a measure of speed. */
struct kick_count {
	pthread_mutex_t lock;
	int passes;
};
static void kick_pass(void *ud)
{
	struct kick_count *k = ud;
	pthread_mutex_lock(&k->lock);
	k->passes++;
	pthread_mutex_unlock(&k->lock);
}
static int kick_passes(struct kick_count *k)
{
	pthread_mutex_lock(&k->lock);
	int n = k->passes;
	pthread_mutex_unlock(&k->lock);
	return n;
}
static bool kick_wait(struct kick_count *k, int want)
{
	for (int i = 0; i < 3000 && kick_passes(k) < want; i++) {
		struct timespec ts = { 0, 10 * 1000000L };
		nanosleep(&ts, NULL);
	}
	return kick_passes(k) >= want;
}
static void ticker_kick_runs_a_pass(void **state)
{
	(void)state;
	struct kick_count k = { .passes = 0 };
	pthread_mutex_init(&k.lock, NULL);
	struct core_ticker *t = NULL;
	struct perr err;
	assert_int_equal(core_ticker_start(3600 * 1000, kick_pass, &k, "test", &t, &err), 0);
	assert_true(kick_wait(&k, 1)); /* the first pass runs at once */
	core_ticker_kick(t);
	assert_true(kick_wait(&k, 2));
	core_ticker_kick(t);
	assert_true(kick_wait(&k, 3));
	core_ticker_stop(t);
	assert_int_equal(kick_passes(&k), 3); /* no pass but the asked ones */
	core_ticker_kick(NULL);
	pthread_mutex_destroy(&k.lock);
}

static void tlp_labels_parse_and_rank(void **state)
{
	(void)state;
	assert_string_equal(core_tlp_parse("amber+strict", 12), "AMBER+STRICT");
	assert_string_equal(core_tlp_parse("TLP:red", 7), "RED");
	assert_string_equal(core_tlp_parse("Clear", 5), "CLEAR");
	assert_null(core_tlp_parse("WHITE", 5)); /* TLP 1.0, retired by 2.0 */
	assert_null(core_tlp_parse("AMBER+", 6));
	assert_null(core_tlp_parse("AMBERX", 5 + 1));
	assert_null(core_tlp_parse(NULL, 0));
	assert_int_equal(core_tlp_rank("CLEAR"), 0);
	assert_int_equal(core_tlp_rank("AMBER+STRICT"), 3);
	assert_int_equal(core_tlp_rank("RED"), 4);
	assert_int_equal(core_tlp_rank("red"), -1); /* stored labels are canonical */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pbuf_respects_max), cmocka_unit_test(pbuf_grows),
		cmocka_unit_test(pbuf_failure_is_sticky), cmocka_unit_test(pbuf_fixed_array),
		cmocka_unit_test(built_query_fails_never_shorter), cmocka_unit_test(fixed_field_copies),
		cmocka_unit_test(file_write_atomic),
		cmocka_unit_test(strict_integers),   cmocka_unit_test(string_views),
		cmocka_unit_test(utf8),              cmocka_unit_test(time_format),
		cmocka_unit_test(time_parse),        cmocka_unit_test(time_format_matches_libc),
		cmocka_unit_test(json_writer),
		cmocka_unit_test(sha256_known_answer),
		cmocka_unit_test(perr_text_names_field_once),
		cmocka_unit_test(blob_lazy_then_sync),
		cmocka_unit_test(jalali_dates),
		cmocka_unit_test(tlp_labels_parse_and_rank),
		cmocka_unit_test(ticker_kick_runs_a_pass),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
