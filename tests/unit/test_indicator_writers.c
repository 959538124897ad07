/*
** test_indicator_writers.c — the export writers (src/indicator/export*.c)
** as a consumer reads them: format names round-trip; a plain list holds
** one value a line and only the types asked for; CSV quotes what must be
** quoted and defuses spreadsheet formulas; JSON parses (jansson) with
** every field; and the output is the same whether the caller drains the
** buffer after every row (streaming) or not.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indicator/indicator.h"
#include "store/store.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */

static struct store_indicator row(int64_t id, const char *type, const char *value)
{
	struct store_indicator r;
	memset(&r, 0, sizeof(r));
	r.id = id;
	pstrtrunc(r.type, type, sizeof(r.type));
	pstrtrunc(r.value, value, sizeof(r.value));
	PSTRCPY(r.status, "active");
	PSTRCPY(r.tlp, "GREEN");
	PSTRCPY(r.source, "analyst");
	PSTRCPY(r.class_, "malicious-code");
	PSTRCPY(r.reason, "C2 of a banking trojan");
	r.confidence = 80;
	r.first_seen_ms = T0;
	r.last_seen_ms = T0 + 1000;
	r.expires_ms = T0 + 86400000LL * 30;
	return r;
}

/* Export rows[0..n) as fmt; drain: empty the buffer after every call as a
** streaming caller does. Returns the whole text (caller frees). */
static char *export_all(enum indicator_export_format fmt, const struct indicator_export_opts *o,
			const struct store_indicator *rows, size_t n, bool drain,
			struct indicator_export_counts *counts)
{
	struct pbuf out, all;
	pbuf_init(&out, 0);
	pbuf_init(&all, 0);
	struct indicator_export *x;
	struct perr err = { 0 };
	if (indicator_export_open(fmt, o, &out, &x, &err) != 0)
		fail_msg("open %s: %s", indicator_export_format_name(fmt), err.msg);
	for (size_t i = 0; i < n; i++) {
		if (drain) {
			pbuf_addb(&all, &out);
			pbuf_reset(&out);
		}
		if (indicator_export_add(x, &rows[i], &err) != 0)
			fail_msg("add: %s", err.msg);
	}
	if (counts)
		indicator_export_counts(x, counts);
	if (indicator_export_close(x, &err) != 0)
		fail_msg("close: %s", err.msg);
	pbuf_addb(&all, &out);
	pbuf_free(&out);
	char *s = pbuf_take(&all);
	assert_non_null(s);
	return s;
}

static void format_names(void **state)
{
	(void)state;
	for (int f = 1; f < INDICATOR_EXPORT_FORMAT_COUNT; f++) {
		const char *n = indicator_export_format_name((enum indicator_export_format)f);
		assert_non_null(n);
		assert_int_equal(indicator_export_format_parse(n), f);
		assert_non_null(indicator_export_media_type((enum indicator_export_format)f));
		assert_non_null(indicator_export_extension((enum indicator_export_format)f));
	}
	assert_int_equal(indicator_export_format_parse("RPZ"), INDICATOR_EXPORT_RPZ);
	assert_int_equal(indicator_export_format_parse("stix2"), INDICATOR_EXPORT_NONE);
	assert_int_equal(indicator_export_format_parse(NULL), INDICATOR_EXPORT_NONE);
	assert_null(indicator_export_format_name(INDICATOR_EXPORT_NONE));
	assert_null(indicator_export_format_name(INDICATOR_EXPORT_FORMAT_COUNT));
	struct pbuf out;
	pbuf_init(&out, 0);
	struct indicator_export *x = (void *)1;
	struct perr err = { 0 };
	assert_int_equal(indicator_export_open(INDICATOR_EXPORT_NONE, NULL, &out, &x, &err), -1);
	assert_null(x);
	assert_string_equal(err.field, "format");
	pbuf_free(&out);
}

static void plain_types(void **state)
{
	(void)state;
	struct store_indicator rows[] = {
		row(1, "ipv4", "192.0.2.1"),
		row(2, "domain", "evil.example"),
		row(3, "cidr", "198.51.100.0/24"),
		row(4, "sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
		row(5, "domain", "bad\nname.example"), /* not canonical: never a line of its own */
	};
	struct indicator_export_counts c;
	char *s = export_all(INDICATOR_EXPORT_PLAIN, NULL, rows, 5, true, &c);
	assert_string_equal(s, "192.0.2.1\nevil.example\n198.51.100.0/24\n"
			       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n");
	assert_int_equal(c.written, 4);
	assert_int_equal(c.skipped, 1);
	free(s);
	struct indicator_export_opts o = { .types = 1u << INDICATOR_DOMAIN };
	s = export_all(INDICATOR_EXPORT_PLAIN, &o, rows, 4, false, &c);
	assert_string_equal(s, "evil.example\n");
	assert_int_equal(c.ignored, 3);
	free(s);
}

static void csv_quoting(void **state)
{
	(void)state;
	struct store_indicator rows[] = { row(7, "domain", "evil.example"),
					  row(8, "url", "http://evil.example/a,b?x=\"1\"") };
	PSTRCPY(rows[0].reason, "=HYPERLINK(\"http://x\")");
	PSTRCPY(rows[0].tags, ",phishing,bank,");
	char *s = export_all(INDICATOR_EXPORT_CSV, NULL, rows, 2, true, NULL);
	char *l1 = strchr(s, '\n') + 1;
	assert_true(strncmp(s, "id,type,value,class,reason,tlp,", 31) == 0);
	assert_string_equal(l1, "7,domain,evil.example,malicious-code,\"'=HYPERLINK(\"\"http://x\"\")\","
				"green,analyst,,80,,phishing;bank,2026-01-01T00:00:00.000Z,"
				"2026-01-01T00:00:01.000Z,2026-01-31T00:00:00.000Z,0\r\n"
				"8,url,\"http://evil.example/a,b?x=\"\"1\"\"\",malicious-code,"
				"C2 of a banking trojan,green,analyst,,80,,,2026-01-01T00:00:00.000Z,"
				"2026-01-01T00:00:01.000Z,2026-01-31T00:00:00.000Z,0\r\n");
	free(s);
}

static void json_parses(void **state)
{
	(void)state;
	struct store_indicator rows[] = { row(1, "ipv4", "192.0.2.1"),
					  row(2, "email", "phish@evil.example") };
	PSTRCPY(rows[1].tags, ",a,b,");
	PSTRCPY(rows[1].reason, "quote \" backslash \\ and \xff");
	struct indicator_export_opts o = { .now_ms = T0, .producer = "CERT-Test" };
	char *streamed = export_all(INDICATOR_EXPORT_JSON, &o, rows, 2, true, NULL);
	char *whole = export_all(INDICATOR_EXPORT_JSON, &o, rows, 2, false, NULL);
	assert_string_equal(streamed, whole);
	json_error_t je;
	json_t *j = json_loads(streamed, 0, &je);
	if (!j)
		fail_msg("invalid JSON: %s\n%s", je.text, streamed);
	assert_string_equal(json_string_value(json_object_get(j, "producer")), "CERT-Test");
	assert_int_equal(json_integer_value(json_object_get(j, "count")), 2);
	json_t *a = json_object_get(j, "indicators");
	assert_int_equal(json_array_size(a), 2);
	json_t *e = json_array_get(a, 1);
	assert_string_equal(json_string_value(json_object_get(e, "value")), "phish@evil.example");
	assert_string_equal(json_string_value(json_object_get(e, "tlp")), "green");
	assert_string_equal(json_string_value(json_object_get(e, "expires")),
			    "2026-01-31T00:00:00.000Z");
	assert_int_equal(json_array_size(json_object_get(e, "tags")), 2);
	assert_string_equal(json_string_value(json_object_get(e, "reason")),
			    "quote \" backslash \\ and \xef\xbf\xbd");
	json_decref(j);
	free(whole);
	free(streamed);
	/* no rows: still a whole document */
	char *empty = export_all(INDICATOR_EXPORT_JSON, &o, NULL, 0, false, NULL);
	j = json_loads(empty, 0, &je);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "indicators")), 0);
	json_decref(j);
	free(empty);
}

/* An output too small fails the export with PERR_LIMIT, never a cut
** document that looks whole. */
static void full_output(void **state)
{
	(void)state;
	struct pbuf out;
	pbuf_init(&out, 64);
	struct indicator_export *x;
	struct perr err = { 0 };
	assert_int_equal(indicator_export_open(INDICATOR_EXPORT_JSON, NULL, &out, &x, &err), 0);
	struct store_indicator r = row(1, "ipv4", "192.0.2.1");
	assert_int_equal(indicator_export_add(x, &r, &err), -1);
	assert_int_equal(err.kind, PERR_LIMIT);
	assert_int_equal(indicator_export_close(x, &err), -1);
	pbuf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_names), cmocka_unit_test(plain_types),
		cmocka_unit_test(csv_quoting),  cmocka_unit_test(json_parses),
		cmocka_unit_test(full_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
