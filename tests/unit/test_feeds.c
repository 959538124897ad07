/*
** test_feeds.c -- unit tests for the report feeds' schema, push parser and
** dedup window (src/feeds/schema.c, parse.c, pipeline.c).
**
** A CERT acts on what this parser makes of a report: a row it loses is a
** vulnerable host nobody is told about, a row it invents or misreads is a
** mail to the wrong ministry. So the main test runs every fixture in
** tests/data/feeds/ (synthetic Shadowserver reports of each shipped type, a
** report whose columns were renamed, a generic CSV blocklist and a partner's
** JSON Lines feed) and holds the parser to the fixture's expectations: the
** events, in order, with the values of F.expected.jsonl, compared as JSON
** with jansson on the event JSON that is stored (feeds_event_json), and the
** rejected records of F.rejects with their physical line and reason. The
** Shadowserver files are run twice, with the shipped schema and with
** Shadowserver's full published schema of 2026-03-24, because an operator
** may install the latter and today's reports must read the same.
**
** The other tests pin the promises the importer builds on: the split of a
** file into chunks never changes the result (files arrive over HTTP in
** arbitrary pieces); a renamed column is a data change (a schema file), and
** the old schema refuses such a file with an error naming the column rather
** than rejecting every row; the published schema loads whole and report
** types are found by file name; a schema we cannot run is refused at load
** time with the type named; the record limits reject only the oversized
** record and the file goes on; resuming after a crash (skip_to) neither
** delivers nor counts what was already imported; dedup counts a host once
** per window in bounded memory; and MikroTik banners name the product,
** which is what the RouterOS advisories are matched on.
**
** The fixtures are found through FEEDS_DATA (set by tests/meson.build).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds/feeds.h"

/* ------------------------------------------------------------- fixtures */

static const char *data_dir(void)
{
	const char *d = getenv("FEEDS_DATA");
	if (!d || !*d)
		fail_msg("FEEDS_DATA is not set (tests/meson.build sets it)");
	return d;
}

static char *data_path(const char *name)
{
	size_t n = strlen(data_dir()) + strlen(name) + 2;
	char *p = malloc(n);
	assert_non_null(p);
	snprintf(p, n, "%s/%s", data_dir(), name);
	return p;
}

/* The whole file, NUL-terminated; NULL when it does not exist. */
static char *slurp(const char *name, size_t *len)
{
	char *path = data_path(name);
	FILE *f = fopen(path, "rb");
	free(path);
	if (!f)
		return NULL;
	struct pbuf b;
	pbuf_init(&b, 0);
	char tmp[8192];
	size_t n;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		assert_int_equal(pbuf_add(&b, tmp, n), 0);
	fclose(f);
	if (len)
		*len = b.len;
	return pbuf_take(&b);
}

static char *must_slurp(const char *name, size_t *len)
{
	char *s = slurp(name, len);
	if (!s)
		fail_msg("%s/%s: cannot read", data_dir(), name);
	return s;
}

/* ------------------------------------------------------------- harness */

struct rej {
	size_t line;
	char reason[256];
};

/* What the callbacks saw: every event as its JSON, every reject. */
struct run {
	char **ev;      /* feeds_event_json of each event */
	size_t *ev_line;
	size_t nev, evcap;
	struct rej *rj;
	size_t nrej, rjcap;
	struct pbuf log; /* events and rejects in order, one per line */
	struct feeds_counts counts;
	int rc;          /* first non-zero feed rc, else finish's */
	char error[300];
};

static int on_event(void *ud, const struct feeds_event *ev)
{
	struct run *r = ud;
	struct pbuf b;
	pbuf_init(&b, 0);
	assert_int_equal(feeds_event_json(&b, ev), 0);
	if (r->nev == r->evcap) {
		r->evcap = r->evcap ? r->evcap * 2 : 16;
		r->ev = realloc(r->ev, r->evcap * sizeof(*r->ev));
		r->ev_line = realloc(r->ev_line, r->evcap * sizeof(*r->ev_line));
		assert_non_null(r->ev);
		assert_non_null(r->ev_line);
	}
	/* classification.identifier is promised never NULL */
	assert_non_null(ev->identifier);
	assert_int_equal(pbuf_addf(&r->log, "%zu %s\n", ev->line, b.ptr), 0);
	r->ev_line[r->nev] = ev->line;
	r->ev[r->nev++] = pbuf_take(&b);
	return 0;
}

static void on_reject(void *ud, size_t line, const char *reason)
{
	struct run *r = ud;
	assert_non_null(reason);
	assert_true(reason[0] != '\0');
	if (r->nrej == r->rjcap) {
		r->rjcap = r->rjcap ? r->rjcap * 2 : 16;
		r->rj = realloc(r->rj, r->rjcap * sizeof(*r->rj));
		assert_non_null(r->rj);
	}
	r->rj[r->nrej].line = line;
	snprintf(r->rj[r->nrej].reason, sizeof(r->rj[r->nrej].reason), "%s", reason);
	r->nrej++;
	assert_int_equal(pbuf_addf(&r->log, "!%zu %s\n", line, reason), 0);
}

static void run_free(struct run *r)
{
	for (size_t i = 0; i < r->nev; i++)
		free(r->ev[i]);
	free(r->ev);
	free(r->ev_line);
	free(r->rj);
	pbuf_free(&r->log);
	memset(r, 0, sizeof(*r));
}

/* Parse data as type t, pushing chunks of `chunk` bytes (0: all at once),
** after skip_to(skip) when skip > 0. Fills *r (which the caller frees). */
static void parse(const struct feeds_type *t, const struct feeds_limits *lim, const char *data,
		  size_t len, size_t chunk, size_t skip, struct run *r)
{
	memset(r, 0, sizeof(*r));
	pbuf_init(&r->log, 0);
	struct feeds_parser *p = feeds_parser_new(t, lim, on_event, on_reject, r);
	assert_non_null(p);
	if (skip)
		feeds_parser_skip_to(p, skip);
	if (!chunk)
		chunk = len ? len : 1;
	for (size_t off = 0; off < len && r->rc == 0; off += chunk) {
		size_t k = len - off < chunk ? len - off : chunk;
		r->rc = feeds_parser_feed(p, data + off, k);
	}
	if (r->rc == 0)
		r->rc = feeds_parser_finish(p);
	snprintf(r->error, sizeof(r->error), "%s", feeds_parser_error(p));
	feeds_parser_counts(p, &r->counts);
	feeds_parser_free(p);
}

/* -------------------------------------------------------- schema choice */

enum how {
	BUILTIN,   /* Shadowserver file, shipped schema, type by file name */
	PUBLISHED, /* Shadowserver file, full published schema, type by file name */
	RENAMED,   /* schema-renamed.json, its only type */
	MAP_CSV,   /* FILE.mapping.json, generic CSV */
	MAP_JSONL, /* FILE.mapping.json, JSON Lines */
};

static const char PUBLISHED_SCHEMA[] = "shadowserver-schema-2026-03-24.json";

static struct feeds_schema *schema_for(enum how how, const char *file)
{
	struct feeds_schema *s = NULL;
	struct perr e = { 0 };
	int rc = -1;
	char *path = NULL;
	switch (how) {
	case BUILTIN:
		rc = feeds_schema_builtin(&s, &e);
		break;
	case PUBLISHED:
		path = data_path(PUBLISHED_SCHEMA);
		rc = feeds_schema_load(path, &s, &e);
		break;
	case RENAMED:
		path = data_path("schema-renamed.json");
		rc = feeds_schema_load(path, &s, &e);
		break;
	case MAP_CSV:
	case MAP_JSONL: {
		/* partner.jsonl -> partner.mapping.json */
		char m[256];
		const char *dot = strrchr(file, '.');
		snprintf(m, sizeof(m), "%.*s.mapping.json", (int)(dot - file), file);
		path = data_path(m);
		rc = feeds_mapping_load(path, how == MAP_CSV ? FEEDS_CSV : FEEDS_JSONL, &s, &e);
		break;
	}
	}
	if (rc != 0)
		fail_msg("%s: schema for it does not load: %s", file, e.msg);
	free(path);
	assert_non_null(s);
	return s;
}

static const struct feeds_type *type_for(enum how how, const struct feeds_schema *s,
					 const char *file)
{
	const struct feeds_type *t = NULL;
	if (how == BUILTIN || how == PUBLISHED)
		t = feeds_schema_detect(s, file);
	else
		t = feeds_schema_at(s, 0);
	if (!t)
		fail_msg("%s: no report type found for it", file);
	return t;
}

/* ------------------------------------------------------ 1. expectations */

static void check_fixture(const char *file, const struct run *r)
{
	char name[256];
	const char *dot = strrchr(file, '.');
	int stem = (int)(dot - file);

	/* the events, in order, with the expected values */
	snprintf(name, sizeof(name), "%.*s.expected.jsonl", stem, file);
	char *exp = must_slurp(name, NULL);
	size_t i = 0;
	for (char *save = NULL, *ln = strtok_r(exp, "\n", &save); ln;
	     ln = strtok_r(NULL, "\n", &save)) {
		if (!*ln)
			continue;
		json_error_t je;
		json_t *want = json_loads(ln, 0, &je);
		if (!json_is_object(want))
			fail_msg("%s: line %zu is not a JSON object: %s", name, i + 1, je.text);
		if (i >= r->nev)
			fail_msg("%s: %zu events, %s expects more (next: %s)", file, r->nev, name,
				 ln);
		json_t *got = json_loads(r->ev[i], 0, &je);
		if (!json_is_object(got))
			fail_msg("%s: event %zu (line %zu) is not a JSON object: %s\n%s", file,
				 i + 1, r->ev_line[i], je.text, r->ev[i]);
		const char *k;
		json_t *v;
		json_object_foreach(want, k, v)
		{
			json_t *g = json_object_get(got, k);
			if (!g || !json_equal(g, v)) {
				char *ws = json_dumps(v, JSON_ENCODE_ANY);
				char *gs = g ? json_dumps(g, JSON_ENCODE_ANY) : NULL;
				fail_msg("%s: event %zu (line %zu): %s is %s, expected %s\nevent: %s",
					 file, i + 1, r->ev_line[i], k, gs ? gs : "absent", ws,
					 r->ev[i]);
			}
		}
		json_decref(got);
		json_decref(want);
		i++;
	}
	free(exp);
	if (i != r->nev)
		fail_msg("%s: %zu events, %s expects %zu (first extra: line %zu %s)", file, r->nev,
			 name, i, r->ev_line[i], r->ev[i]);

	/* the rejects, in order, with their line and reason */
	snprintf(name, sizeof(name), "%.*s.rejects", stem, file);
	char *rej = must_slurp(name, NULL);
	i = 0;
	for (char *save = NULL, *ln = strtok_r(rej, "\n", &save); ln;
	     ln = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(ln, '\t');
		if (!tab)
			fail_msg("%s: '%s' is not LINE<TAB>WORD", name, ln);
		*tab = '\0';
		size_t line = strtoul(ln, NULL, 10);
		const char *word = tab + 1;
		if (i >= r->nrej)
			fail_msg("%s: %zu rejects, %s also expects line %zu (%s)", file, r->nrej,
				 name, line, word);
		if (r->rj[i].line != line || !strstr(r->rj[i].reason, word))
			fail_msg("%s: reject %zu is line %zu '%s', expected line %zu with '%s'", file,
				 i + 1, r->rj[i].line, r->rj[i].reason, line, word);
		i++;
	}
	free(rej);
	if (i != r->nrej)
		fail_msg("%s: %zu rejects, %s expects %zu (first extra: line %zu '%s')", file,
			 r->nrej, name, i, r->rj[i].line, r->rj[i].reason);

	/* the counts the import records agree with what was delivered */
	assert_int_equal(r->counts.parsed, r->nev);
	assert_int_equal(r->counts.rejected, r->nrej);
	assert_int_equal(r->counts.rows, r->counts.parsed + r->counts.rejected);
}

struct fixture {
	const char *file;
	enum how how;
};

static const struct fixture fixtures[] = {
	{ "2026-11-27-compromised_website-ir-geo.csv", BUILTIN },
	{ "2026-11-27-event4_sinkhole-ir-geo.csv", BUILTIN },
	{ "2026-11-27-scan_cisco_smart_install-ir-geo.csv", BUILTIN },
	{ "2026-11-27-scan_dns-ir-geo.csv", BUILTIN },
	{ "2026-11-27-scan_http-ir-geo.csv", BUILTIN },
	{ "2026-11-27-scan_http_vulnerable-ir-geo.csv", BUILTIN },
	{ "2026-11-27-scan_rdp-ir-geo.csv", BUILTIN },
	{ "2026-11-27-scan_smb-ir-geo.csv", BUILTIN },
	{ "2026-11-27-scan_snmp-ir-geo.csv", BUILTIN },
	{ "2026-11-27-scan_ssh-ir-geo.csv", BUILTIN },
	{ "2026-11-27-scan_ssl-ir-geo.csv", BUILTIN },
	{ "2026-11-27-scan_telnet-ir-geo.csv", BUILTIN },
	{ "2026-11-27-scan_telnet-renamed.csv", RENAMED },
	{ "generic-blocklist.csv", MAP_CSV },
	{ "partner.jsonl", MAP_JSONL },
};
#define NFIXTURES (sizeof(fixtures) / sizeof(fixtures[0]))

static void run_fixture(const char *file, enum how how)
{
	size_t len;
	char *data = must_slurp(file, &len);
	struct feeds_schema *s = schema_for(how, file);
	const struct feeds_type *t = type_for(how, s, file);
	struct run r;
	parse(t, NULL, data, len, 0, 0, &r);
	if (r.rc != 0)
		fail_msg("%s: the parser returned %d: %s", file, r.rc, r.error);
	check_fixture(file, &r);
	run_free(&r);
	feeds_schema_free(s);
	free(data);
}

static void test_fixture(void **state)
{
	const struct fixture *f = *state;
	run_fixture(f->file, f->how);
}

/* The same Shadowserver files under the full published schema: installing
** it (feeds schema update) must not change how today's reports read. */
static void test_fixtures_published_schema(void **state)
{
	(void)state;
	for (size_t i = 0; i < NFIXTURES; i++)
		if (fixtures[i].how == BUILTIN)
			run_fixture(fixtures[i].file, PUBLISHED);
}

/* A fixture added to tests/data/feeds/ without a line above would never be
** checked: every data file must be in the table. */
static void test_every_fixture_is_run(void **state)
{
	(void)state;
	DIR *d = opendir(data_dir());
	if (!d)
		fail_msg("%s: cannot open", data_dir());
	struct dirent *de;
	size_t seen = 0;
	while ((de = readdir(d)) != NULL) {
		const char *dot = strrchr(de->d_name, '.');
		if (!dot || (strcmp(dot, ".csv") != 0 && strcmp(dot, ".jsonl") != 0) ||
		    strstr(de->d_name, ".expected."))
			continue;
		size_t i;
		for (i = 0; i < NFIXTURES; i++)
			if (strcmp(fixtures[i].file, de->d_name) == 0)
				break;
		if (i == NFIXTURES)
			fail_msg("%s is in tests/data/feeds but not in test_feeds.c's fixtures",
				 de->d_name);
		seen++;
	}
	closedir(d);
	assert_int_equal(seen, NFIXTURES);
}

/* ---------------------------------------------------------- 2. chunking */

static const char TELNET[] = "2026-11-27-scan_telnet-ir-geo.csv";

static void test_chunking_does_not_matter(void **state)
{
	(void)state;
	size_t len;
	char *data = must_slurp(TELNET, &len);
	struct feeds_schema *s = schema_for(BUILTIN, TELNET);
	const struct feeds_type *t = type_for(BUILTIN, s, TELNET);
	struct run whole, one, seven;

	parse(t, NULL, data, len, 0, 0, &whole);
	assert_int_equal(whole.rc, 0);
	assert_true(whole.nev > 0 && whole.nrej > 0);
	parse(t, NULL, data, len, 1, 0, &one);
	parse(t, NULL, data, len, 7, 0, &seven);
	assert_int_equal(one.rc, 0);
	assert_int_equal(seven.rc, 0);
	assert_string_equal(one.log.ptr, whole.log.ptr);
	assert_string_equal(seven.log.ptr, whole.log.ptr);
	assert_memory_equal(&one.counts, &whole.counts, sizeof(whole.counts));
	assert_memory_equal(&seven.counts, &whole.counts, sizeof(whole.counts));
	/* and the same for JSON Lines, whose line splitting is the parser's own */
	run_free(&whole);
	run_free(&one);
	run_free(&seven);
	feeds_schema_free(s);
	free(data);

	data = must_slurp("partner.jsonl", &len);
	s = schema_for(MAP_JSONL, "partner.jsonl");
	t = type_for(MAP_JSONL, s, "partner.jsonl");
	parse(t, NULL, data, len, 0, 0, &whole);
	parse(t, NULL, data, len, 1, 0, &one);
	parse(t, NULL, data, len, 7, 0, &seven);
	assert_true(whole.nev > 0 && whole.nrej > 0);
	assert_string_equal(one.log.ptr, whole.log.ptr);
	assert_string_equal(seven.log.ptr, whole.log.ptr);
	assert_memory_equal(&one.counts, &whole.counts, sizeof(whole.counts));
	assert_memory_equal(&seven.counts, &whole.counts, sizeof(whole.counts));
	run_free(&whole);
	run_free(&one);
	run_free(&seven);
	feeds_schema_free(s);
	free(data);
}

/* ----------------------------------------------------- 3. renamed columns */

static const char RENAMED_FILE[] = "2026-11-27-scan_telnet-renamed.csv";

static void test_renamed_columns(void **state)
{
	(void)state;
	size_t len;
	char *data = must_slurp(RENAMED_FILE, &len);

	/* the schema file alone reads it (what it reads is test_fixture's) */
	struct feeds_schema *s = schema_for(RENAMED, RENAMED_FILE);
	assert_int_equal(feeds_schema_count(s), 1);
	const struct feeds_type *t = feeds_schema_find(s, "scan_telnet");
	assert_non_null(t);
	struct run r;
	parse(t, NULL, data, len, 0, 0, &r);
	assert_int_equal(r.rc, 0);
	assert_true(r.nev > 0);
	run_free(&r);
	feeds_schema_free(s);

	/* the shipped schema refuses the whole file, naming the column, and
	** neither delivers nor rejects any row of it */
	s = schema_for(BUILTIN, RENAMED_FILE);
	t = feeds_schema_detect(s, RENAMED_FILE);
	assert_non_null(t);
	assert_string_equal(feeds_type_name(t), "scan_telnet");
	for (size_t chunk = 0; chunk <= 1; chunk++) {
		parse(t, NULL, data, len, chunk, 0, &r);
		assert_int_equal(r.rc, -1);
		if (!strstr(r.error, "'ip'"))
			fail_msg("the error does not name the missing column 'ip': %s", r.error);
		assert_int_equal(r.nev, 0);
		assert_int_equal(r.nrej, 0);
		assert_int_equal(r.counts.rows, 0);
		run_free(&r);
	}

	/* and once failed, the parser stays failed */
	struct feeds_parser *p = feeds_parser_new(t, NULL, on_event, on_reject, &r);
	memset(&r, 0, sizeof(r));
	pbuf_init(&r.log, 0);
	assert_non_null(p);
	assert_int_equal(feeds_parser_feed(p, data, len), -1);
	assert_int_equal(feeds_parser_feed(p, "x\n", 2), -1);
	assert_int_equal(feeds_parser_finish(p), -1);
	assert_non_null(strstr(feeds_parser_error(p), "'ip'"));
	feeds_parser_free(p);
	run_free(&r);
	feeds_schema_free(s);
	free(data);
}

/* -------------------------------------------------- 4. published schema */

static void test_published_schema(void **state)
{
	(void)state;
	struct feeds_schema *s = schema_for(PUBLISHED, PUBLISHED_SCHEMA);
	assert_int_equal(feeds_schema_count(s), 170);
	assert_string_equal(feeds_schema_date(s), "2026-03-24T15:31:20Z");
	for (size_t i = 0; i < feeds_schema_count(s); i++) {
		const struct feeds_type *t = feeds_schema_at(s, i);
		assert_non_null(t);
		assert_true(feeds_type_name(t)[0] != '\0');
		assert_int_equal(feeds_type_format(t), FEEDS_CSV);
	}
	assert_null(feeds_schema_at(s, 170));

	const struct feeds_type *telnet = feeds_schema_find(s, "scan_telnet");
	assert_non_null(telnet);
	assert_string_equal(feeds_type_name(telnet), "scan_telnet");
	assert_string_equal(feeds_type_feed_name(telnet), "Accessible-Telnet");
	/* event_sinkhole is the key, event4_sinkhole the file name: both find it */
	const struct feeds_type *sink = feeds_schema_find(s, "event4_sinkhole");
	assert_non_null(sink);
	assert_string_equal(feeds_type_name(sink), "event4_sinkhole");
	assert_ptr_equal(feeds_schema_find(s, "event_sinkhole"), sink);
	assert_null(feeds_schema_find(s, "scan_nothing"));
	assert_null(feeds_schema_find(s, ""));

	/* file names as Shadowserver writes them */
	static const struct {
		const char *fname, *type;
	} det[] = {
		{ "2026-11-27-event4_sinkhole-ir-geo.csv", "event4_sinkhole" },
		{ "2026-11-27-scan6_telnet-ir-geo.csv", "scan6_telnet" },
		{ "2026-11-27-scan_telnet-ir-geo.csv", "scan_telnet" },
		{ "/var/spool/reports/2026-11-27-scan_telnet-ir-geo.csv", "scan_telnet" },
		/* the longest type named wins over one it contains */
		{ "2026-11-27-event4_sinkhole_http-ir-geo.csv", "event4_sinkhole_http" },
		{ "2026-11-27-event4_sinkhole_http_referer-ir-geo.csv",
		  "event4_sinkhole_http_referer" },
		/* the details after the type are free: a type's name there is not
		** the report's type (Shadowserver's DATE-TYPE-DETAILS rule) */
		{ "2026-11-27-scan_ftp-blocklist-asn.csv", "scan_ftp" },
		{ "2026-11-27-scan_telnet-special-geo.csv", "scan_telnet" },
		{ "2026-11-27-event4_sinkhole-123-sample-asn-delayed.csv", "event4_sinkhole" },
		/* not dated so: the longest type named */
		{ "reports/scan_http_vulnerable-2026-11-27.csv", "scan_http_vulnerable" },
		{ "report.csv", NULL },
		{ "2026-11-27-telnet-ir-geo.csv", NULL },
		{ "", NULL },
	};
	for (size_t i = 0; i < sizeof(det) / sizeof(det[0]); i++) {
		const struct feeds_type *t = feeds_schema_detect(s, det[i].fname);
		const char *got = t ? feeds_type_name(t) : NULL;
		if ((got == NULL) != (det[i].type == NULL) ||
		    (got && strcmp(got, det[i].type) != 0))
			fail_msg("detect(%s) = %s, expected %s", det[i].fname, got ? got : "NULL",
				 det[i].type ? det[i].type : "NULL");
	}
	feeds_schema_free(s);
}

/* The schema Parapet ships is Shadowserver's whole published one: every
** report type a CERT receives is known by --type, and every published
** report name (reports.json) is found in the file names Shadowserver
** writes, whatever follows the type (report-filename.md: the date, the
** type, then a variable number of details). */
static void test_shipped_schema_is_published(void **state)
{
	(void)state;
	struct feeds_schema *b = schema_for(BUILTIN, "shadowserver.json");
	struct feeds_schema *pub = schema_for(PUBLISHED, PUBLISHED_SCHEMA);
	assert_int_equal(feeds_schema_count(b), feeds_schema_count(pub));
	for (size_t i = 0; i < feeds_schema_count(pub); i++) {
		const char *name = feeds_type_name(feeds_schema_at(pub, i));
		const struct feeds_type *t = feeds_schema_find(b, name);
		if (!t)
			fail_msg("published type %s is not shipped", name);
		assert_string_equal(feeds_type_feed_name(t),
				    feeds_type_feed_name(feeds_schema_at(pub, i)));
	}
	/* Accessible HTTP, one of the commonest reports, once refused */
	const struct feeds_type *http = feeds_schema_find(b, "scan_http");
	assert_non_null(http);
	assert_string_equal(feeds_type_feed_name(http), "Accessible-HTTP");

	char *path = data_path("shadowserver-reports-2026-03-24.json");
	json_error_t je;
	json_t *reports = json_load_file(path, 0, &je);
	if (!reports)
		fail_msg("%s: %s", path, je.text);
	assert_true(json_object_size(reports) >= 170);
	const char *name;
	json_t *v;
	json_object_foreach(reports, name, v)
	{
		static const char *const forms[] = {
			"2026-11-27-%s-ir-geo.csv",
			"2026-11-27-%s-123-sample-asn-delayed.csv",
			"/var/spool/parapet/2026-11-27-%s-ir.csv",
		};
		for (size_t k = 0; k < sizeof(forms) / sizeof(forms[0]); k++) {
			char fname[300];
			snprintf(fname, sizeof(fname), forms[k], name);
			const struct feeds_type *t = feeds_schema_detect(b, fname);
			if (!t || strcmp(feeds_type_name(t), name) != 0)
				fail_msg("detect(%s) = %s, want %s", fname,
					 t ? feeds_type_name(t) : "NULL", name);
		}
	}
	json_decref(reports);
	free(path);
	feeds_schema_free(b);
	feeds_schema_free(pub);
}

/* ------------------------------------------------- 5. schema validation */

/* A minimal runnable entry, with one replaceable extra field. */
#define ENTRY(name, fields)                                                              \
	"{\"" name "\": {\"feed_name\": \"X\", \"file_name\": \"" name "\","              \
	"\"constant_fields\": {\"classification.type\": \"vulnerable-system\"},"           \
	"\"required_fields\": [[\"time.source\", \"timestamp\", \"add_UTC_to_timestamp\"]," \
	"[\"source.ip\", \"ip\", \"validate_ip\"]" fields "]}}"

static void refused(const char *json, const char *want1, const char *want2)
{
	struct feeds_schema *s = NULL;
	struct perr e = { 0 };
	if (feeds_schema_parse(json, strlen(json), &s, &e) != -1)
		fail_msg("schema accepted: %s", json);
	assert_null(s);
	if (!strstr(e.msg, want1) || (want2 && !strstr(e.msg, want2)))
		fail_msg("error '%s' lacks '%s'%s%s", e.msg, want1, want2 ? " or " : "",
			 want2 ? want2 : "");
}

static void test_schema_validation(void **state)
{
	(void)state;
	struct feeds_schema *s = NULL;
	struct perr e = { 0 };
	const char *ok = ENTRY("scan_ok", ", [\"extra.\", \"banner\", \"\"]");
	if (feeds_schema_parse(ok, strlen(ok), &s, &e) != 0)
		fail_msg("a minimal schema is refused: %s", e.msg);
	assert_int_equal(feeds_schema_count(s), 1);
	feeds_schema_free(s);

	/* an unknown conversion: the type and the conversion are named */
	refused(ENTRY("scan_new", ", [\"extra.x\", \"x\", \"convert_quantum\"]"), "scan_new",
		"convert_quantum");
	/* a type without source.ip or time.source loads (compromised_account
	** reports accounts, owned by ASN, FQDN or URL): what loads is
	** test_published_schema's; here it must not be refused */
	const char *noip = "{\"scan_noip\": {\"required_fields\": [[\"time.source\", "
			   "\"timestamp\", \"add_UTC_to_timestamp\"]], \"optional_fields\": "
			   "[[\"source.ip\", \"ip\", \"validate_ip\"]]}}";
	if (feeds_schema_parse(noip, strlen(noip), &s, &e) != 0)
		fail_msg("a type without a required source.ip is refused: %s", e.msg);
	feeds_schema_free(s);
	/* but a broken entry among loadable ones is named */
	refused("{\"scan_noip\": {\"required_fields\": [[\"time.source\", \"timestamp\", "
		"\"add_UTC_to_timestamp\"]], \"optional_fields\": [[\"source.ip\", \"ip\", "
		"\"validate_ip\"], [\"Source.Port\", \"port\", \"convert_int\"]]}}",
		"scan_noip", NULL);
	/* a field that is not an array */
	refused(ENTRY("scan_flat", ", \"source.port\""), "scan_flat", NULL);
	refused(ENTRY("scan_short", ", [\"source.port\"]"), "scan_short", NULL);
	/* required_fields not an array */
	refused("{\"scan_obj\": {\"required_fields\": {\"source.ip\": \"ip\"}}}", "scan_obj",
		"required_fields");
	/* a bad type among good ones sinks the schema, naming the bad one */
	refused("{\"scan_a\": {\"required_fields\": [[\"time.source\", \"timestamp\", "
		"\"add_UTC_to_timestamp\"], [\"source.ip\", \"ip\", \"validate_ip\"]]},"
		"\"scan_b\": {\"required_fields\": [[\"time.source\", \"t\", \"nope\"]]}}",
		"scan_b", "nope");
	/* a type that is not an object, constant fields that are not strings */
	refused("{\"scan_str\": \"hello\"}", "scan_str", NULL);
	refused("{\"scan_c\": {\"required_fields\": [[\"time.source\", \"timestamp\", "
		"\"add_UTC_to_timestamp\"], [\"source.ip\", \"ip\", \"validate_ip\"]],"
		"\"constant_fields\": {\"classification.type\": 3}}}",
		"scan_c", NULL);
	/* not JSON, not an object, nothing in it */
	refused("{\"scan_x\": {", "schema", NULL);
	refused("", "schema", NULL);
	refused("[1, 2]", "object", NULL);
	refused("{\"_meta\": {\"date_created\": \"2026-03-24\"}}", "no report type", NULL);
	/* duplicate keys are a broken file, not "the last one wins" */
	refused("{\"scan_ok\": {}, \"scan_ok\": {}}", "schema", NULL);
}

/* ------------------------------------------------------------ 6. limits */

static const char TELNET_HEADER[] =
	"timestamp,severity,ip,protocol,port,hostname,tag,asn,geo,region,city,naics,"
	"hostname_source,sector,banner\n";

static char *telnet_row(const char *ip, const char *banner)
{
	struct pbuf b;
	pbuf_init(&b, 0);
	assert_int_equal(pbuf_addf(&b,
				   "2026-11-27 03:12:45,medium,%s,tcp,23,,telnet,58224,IR,TEHRAN,"
				   "TEHRAN,921130,,Government,\"%s\"\n",
				   ip, banner),
			 0);
	return pbuf_take(&b);
}

static void test_limits(void **state)
{
	(void)state;
	struct feeds_schema *s = schema_for(BUILTIN, TELNET);
	const struct feeds_type *t = feeds_schema_find(s, "scan_telnet");
	assert_non_null(t);
	struct feeds_limits lim = { .max_record = 512, .max_fields = 0 };
	char big[2048];
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';

	/* CSV: the oversized record (line 3) is rejected, its neighbours read */
	struct pbuf in;
	pbuf_init(&in, 0);
	char *r1 = telnet_row("10.20.0.1", "login: ");
	char *r2 = telnet_row("10.20.0.2", big);
	char *r3 = telnet_row("10.20.0.3", "login: ");
	assert_int_equal(pbuf_adds(&in, TELNET_HEADER), 0);
	assert_int_equal(pbuf_adds(&in, r1), 0);
	assert_int_equal(pbuf_adds(&in, r2), 0);
	assert_int_equal(pbuf_adds(&in, r3), 0);
	for (size_t chunk = 0; chunk <= 100; chunk += 100) {
		struct run r;
		parse(t, &lim, in.ptr, in.len, chunk, 0, &r);
		assert_int_equal(r.rc, 0);
		assert_int_equal(r.nev, 2);
		assert_int_equal(r.ev_line[0], 2);
		assert_int_equal(r.ev_line[1], 4);
		assert_non_null(strstr(r.ev[1], "\"10.20.0.3\""));
		assert_int_equal(r.nrej, 1);
		assert_int_equal(r.rj[0].line, 3);
		assert_int_equal(r.counts.rows, 3);
		assert_int_equal(r.counts.parsed, 2);
		assert_int_equal(r.counts.rejected, 1);
		run_free(&r);
	}
	/* the same record is read under the default limit */
	struct run r;
	parse(t, NULL, in.ptr, in.len, 0, 0, &r);
	assert_int_equal(r.nev, 3);
	assert_int_equal(r.nrej, 0);
	run_free(&r);
	free(r1);
	free(r2);
	free(r3);
	pbuf_free(&in);

	/* too many fields: that record only */
	struct feeds_limits few = { .max_record = 0, .max_fields = 20 };
	pbuf_init(&in, 0);
	assert_int_equal(pbuf_adds(&in, TELNET_HEADER), 0);
	r1 = telnet_row("10.20.0.1", "a");
	assert_int_equal(pbuf_adds(&in, r1), 0);
	assert_int_equal(pbuf_adds(&in, "2026-11-27 03:12:45,medium,10.20.0.9,tcp,23"
					",,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n"),
			 0);
	assert_int_equal(pbuf_adds(&in, r1), 0);
	parse(t, &few, in.ptr, in.len, 0, 0, &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.nev, 2);
	assert_int_equal(r.nrej, 1);
	assert_int_equal(r.rj[0].line, 3);
	run_free(&r);
	free(r1);
	pbuf_free(&in);

	/* a header alone: no rows, no error (with and without its newline) */
	parse(t, NULL, TELNET_HEADER, strlen(TELNET_HEADER), 0, 0, &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.nev + r.nrej, 0);
	assert_int_equal(r.counts.rows, 0);
	run_free(&r);
	parse(t, NULL, TELNET_HEADER, strlen(TELNET_HEADER) - 1, 0, 0, &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.counts.rows, 0);
	run_free(&r);

	/* an empty file is an error (a truncated download), not "0 rows" */
	parse(t, NULL, "", 0, 0, 0, &r);
	assert_int_equal(r.rc, -1);
	assert_true(r.error[0] != '\0');
	assert_non_null(strstr(r.error, "empty"));
	run_free(&r);
	feeds_schema_free(s);

	/* JSON Lines: a line over the limit is rejected by its number and the
	** next lines read; the long line is never buffered whole */
	s = schema_for(MAP_JSONL, "partner.jsonl");
	t = feeds_schema_at(s, 0);
	assert_int_equal(feeds_type_format(t), FEEDS_JSONL);
	pbuf_init(&in, 0);
	const char *ok =
		"{\"ts\": \"2026-11-27 09:00:01\", \"ip\": \"10.20.4.1\", \"port\": 23}\n";
	assert_int_equal(pbuf_adds(&in, ok), 0);
	assert_int_equal(pbuf_addf(&in,
				   "{\"ts\": \"2026-11-27 09:00:02\", \"ip\": \"10.20.4.2\", "
				   "\"port\": 23, \"fqdn\": \"%s\"}\n",
				   big),
			 0);
	assert_int_equal(pbuf_adds(&in, ok), 0);
	for (size_t chunk = 0; chunk <= 7; chunk += 7) {
		parse(t, &lim, in.ptr, in.len, chunk, 0, &r);
		assert_int_equal(r.rc, 0);
		assert_int_equal(r.nev, 2);
		assert_int_equal(r.ev_line[0], 1);
		assert_int_equal(r.ev_line[1], 3);
		assert_int_equal(r.nrej, 1);
		assert_int_equal(r.rj[0].line, 2);
		assert_non_null(strstr(r.rj[0].reason, "limit"));
		assert_int_equal(r.counts.rows, 3);
		run_free(&r);
	}
	/* an overlong last line without its newline is still reported */
	in.len -= strlen(ok);
	in.ptr[--in.len] = '\0';
	parse(t, &lim, in.ptr, in.len, 0, 0, &r);
	assert_int_equal(r.nev, 1);
	assert_int_equal(r.nrej, 1);
	assert_int_equal(r.rj[0].line, 2);
	run_free(&r);
	/* an empty JSON Lines file is simply empty */
	parse(t, NULL, "", 0, 0, 0, &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.counts.rows, 0);
	run_free(&r);
	pbuf_free(&in);
	feeds_schema_free(s);
}

/* ----------------------------------------------------------- 7. skip_to */

static void test_skip_to(void **state)
{
	(void)state;
	size_t len;
	char *data = must_slurp(TELNET, &len);
	struct feeds_schema *s = schema_for(BUILTIN, TELNET);
	const struct feeds_type *t = type_for(BUILTIN, s, TELNET);
	struct run all, rest;

	parse(t, NULL, data, len, 0, 0, &all);
	for (size_t chunk = 0; chunk <= 7; chunk += 7) {
		parse(t, NULL, data, len, chunk, 5, &rest);
		assert_int_equal(rest.rc, 0);
		/* exactly the events and rejects of the full run after line 5 */
		size_t k = 0;
		for (size_t i = 0; i < all.nev; i++) {
			if (all.ev_line[i] <= 5)
				continue;
			assert_true(k < rest.nev);
			assert_int_equal(rest.ev_line[k], all.ev_line[i]);
			assert_string_equal(rest.ev[k], all.ev[i]);
			k++;
		}
		assert_int_equal(k, rest.nev);
		k = 0;
		for (size_t i = 0; i < all.nrej; i++) {
			if (all.rj[i].line <= 5)
				continue;
			assert_true(k < rest.nrej);
			assert_int_equal(rest.rj[k].line, all.rj[i].line);
			k++;
		}
		assert_int_equal(k, rest.nrej);
		/* the telnet file: records at 6 (to 7), 8, 9 (rejected), 10, 11 */
		assert_int_equal(rest.nev, 4);
		assert_int_equal(rest.nrej, 1);
		assert_int_equal(rest.counts.rows, 5);
		assert_int_equal(rest.counts.parsed, 4);
		assert_int_equal(rest.counts.rejected, 1);
		run_free(&rest);
	}
	/* a record is skipped by the line it starts on: 6-7 goes with skip 6 */
	parse(t, NULL, data, len, 0, 6, &rest);
	assert_int_equal(rest.nev, 3);
	assert_int_equal(rest.ev_line[0], 8);
	assert_int_equal(rest.counts.rows, 4);
	run_free(&rest);
	/* skipping past the end: nothing delivered, nothing counted */
	parse(t, NULL, data, len, 0, 1000, &rest);
	assert_int_equal(rest.rc, 0);
	assert_int_equal(rest.nev + rest.nrej, 0);
	assert_int_equal(rest.counts.rows, 0);
	run_free(&rest);
	run_free(&all);
	feeds_schema_free(s);
	free(data);

	/* JSON Lines resume the same way */
	data = must_slurp("partner.jsonl", &len);
	s = schema_for(MAP_JSONL, "partner.jsonl");
	t = feeds_schema_at(s, 0);
	parse(t, NULL, data, len, 0, 5, &rest);
	assert_int_equal(rest.rc, 0);
	for (size_t i = 0; i < rest.nev; i++)
		assert_true(rest.ev_line[i] > 5);
	for (size_t i = 0; i < rest.nrej; i++)
		assert_true(rest.rj[i].line > 5);
	assert_int_equal(rest.counts.rows, 3);
	assert_int_equal(rest.counts.rows, rest.counts.parsed + rest.counts.rejected);
	run_free(&rest);
	feeds_schema_free(s);
	free(data);
}

/* ------------------------------------------------------------- 8. dedup */

#define HOUR_MS (3600LL * 1000)

static void ip4(uint8_t a[16], uint32_t v)
{
	memset(a, 0, 16);
	a[0] = (uint8_t)(v >> 24);
	a[1] = (uint8_t)(v >> 16);
	a[2] = (uint8_t)(v >> 8);
	a[3] = (uint8_t)v;
}

static void test_dedup_window(void **state)
{
	(void)state;
	struct feeds_dedup *d = feeds_dedup_new(24 * HOUR_MS, 100000);
	assert_non_null(d);
	uint8_t a[16], b[16], v6[16];
	ip4(a, 0x0a140401); /* 10.20.4.1 */
	ip4(b, 0x0a140402);
	memset(v6, 0, sizeof(v6));
	memcpy(v6, a, 4); /* same leading bytes, but an IPv6 address */
	const int64_t t0 = 1795748000000LL;

	assert_false(feeds_dedup_seen(d, 1, "open-telnet", 4, a, 23, t0));
	assert_true(feeds_dedup_seen(d, 1, "open-telnet", 4, a, 23, t0 + 2 * HOUR_MS));
	/* an earlier sighting inside the window (reports arrive out of order) */
	assert_true(feeds_dedup_seen(d, 1, "open-telnet", 4, a, 23, t0 - HOUR_MS));
	/* every part of the key tells hosts apart */
	assert_false(feeds_dedup_seen(d, 1, "open-telnet", 4, a, 2323, t0));
	assert_false(feeds_dedup_seen(d, 1, "open-telnet", 4, b, 23, t0));
	assert_false(feeds_dedup_seen(d, 2, "open-telnet", 4, a, 23, t0));
	assert_false(feeds_dedup_seen(d, 1, "open-rdp", 4, a, 23, t0));
	assert_false(feeds_dedup_seen(d, 1, "open-telnet", 6, v6, 23, t0));
	assert_false(feeds_dedup_seen(d, 1, "open-telnet", 4, a, -1, t0));
	assert_true(feeds_dedup_seen(d, 1, "open-telnet", 4, a, -1, t0));
	assert_int_equal(feeds_dedup_size(d), 7);

	/* the window runs from the last sighting (t0 + 2h): just inside, then
	** just past it a new sighting period begins, which is then seen */
	assert_true(feeds_dedup_seen(d, 1, "open-telnet", 4, a, 23, t0 + 26 * HOUR_MS));
	int64_t later = t0 + 26 * HOUR_MS + 24 * HOUR_MS + 1;
	assert_false(feeds_dedup_seen(d, 1, "open-telnet", 4, a, 23, later));
	assert_true(feeds_dedup_seen(d, 1, "open-telnet", 4, a, 23, later + 1000));
	assert_int_equal(feeds_dedup_size(d), 7);
	feeds_dedup_free(d);
}

static void test_dedup_bounded(void **state)
{
	(void)state;
	const size_t max = 1024;
	struct feeds_dedup *d = feeds_dedup_new(HOUR_MS, max);
	assert_non_null(d);
	uint8_t a[16];
	const int64_t t0 = 1795748000000LL;
	/* a bound proportional to max_keys, whatever the table layout */
	const size_t bound = 4096 + max * 64;

	/* many more live keys than max_keys: memory stops growing */
	size_t mem_at_4max = 0;
	for (uint32_t i = 0; i < 20 * max; i++) {
		ip4(a, 0x0a000000 + i);
		assert_false(feeds_dedup_seen(d, 1, "open-telnet", 4, a, 23, t0));
		assert_true(feeds_dedup_memory(d) <= bound);
		assert_true(feeds_dedup_size(d) <= 2 * max);
		if (i + 1 == 4 * max)
			mem_at_4max = feeds_dedup_memory(d);
	}
	assert_int_equal(feeds_dedup_memory(d), mem_at_4max);
	/* the keys it holds are still recognised */
	ip4(a, 0x0a000000);
	assert_true(feeds_dedup_seen(d, 1, "open-telnet", 4, a, 23, t0 + 1000));

	/* once they are older than the window they are evicted to make room:
	** the next day's hosts are recorded again */
	const int64_t t1 = t0 + 3 * HOUR_MS;
	for (uint32_t i = 0; i < max; i++) {
		ip4(a, 0x0b000000 + i);
		assert_false(feeds_dedup_seen(d, 1, "open-telnet", 4, a, 23, t1));
	}
	for (uint32_t i = 0; i < max; i++) {
		ip4(a, 0x0b000000 + i);
		if (!feeds_dedup_seen(d, 1, "open-telnet", 4, a, 23, t1 + 1000))
			fail_msg("key %u of the new window was not recorded (size %zu)", i,
				 feeds_dedup_size(d));
	}
	assert_true(feeds_dedup_size(d) <= 2 * max);
	assert_true(feeds_dedup_memory(d) <= bound);
	feeds_dedup_free(d);
}

/* ----------------------------------------------------------- 9. product */

static void test_mikrotik_banner(void **state)
{
	(void)state;
	struct feeds_schema *s = schema_for(BUILTIN, TELNET);
	const struct feeds_type *t = feeds_schema_find(s, "scan_telnet");
	assert_non_null(t);
	struct pbuf in;
	pbuf_init(&in, 0);
	char *r1 = telnet_row("10.20.4.1", "MikroTik v6.49.7 (long-term)\\r\\nLogin: ");
	char *r2 = telnet_row("10.20.4.2", "\\r\\nMikroTik v7.12.\\r\\nLogin: ");
	char *r3 = telnet_row("10.20.4.3", "Debian GNU/Linux 9\\r\\nlogin: ");
	char *r4 = telnet_row("10.20.4.4", "MikroTik vX (broken)");
	assert_int_equal(pbuf_adds(&in, TELNET_HEADER), 0);
	assert_int_equal(pbuf_adds(&in, r1), 0);
	assert_int_equal(pbuf_adds(&in, r2), 0);
	assert_int_equal(pbuf_adds(&in, r3), 0);
	assert_int_equal(pbuf_adds(&in, r4), 0);
	struct run r;
	parse(t, NULL, in.ptr, in.len, 0, 0, &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.nev, 4);

	static const struct {
		const char *vendor, *name, *version;
	} want[] = {
		{ "MikroTik", "RouterOS", "6.49.7" },
		{ "MikroTik", "RouterOS", "7.12" },
		{ NULL, NULL, NULL },
		{ NULL, NULL, NULL },
	};
	for (size_t i = 0; i < 4; i++) {
		json_t *o = json_loads(r.ev[i], 0, NULL);
		assert_non_null(o);
		const char *keys[] = { "product.vendor", "product.name", "product.version" };
		const char *vals[] = { want[i].vendor, want[i].name, want[i].version };
		for (size_t k = 0; k < 3; k++) {
			const char *got = json_string_value(json_object_get(o, keys[k]));
			if ((got == NULL) != (vals[k] == NULL) || (got && strcmp(got, vals[k])))
				fail_msg("row %zu: %s is %s, expected %s\n%s", i + 1, keys[k],
					 got ? got : "absent", vals[k] ? vals[k] : "absent",
					 r.ev[i]);
		}
		json_decref(o);
	}
	run_free(&r);
	free(r1);
	free(r2);
	free(r3);
	free(r4);
	pbuf_free(&in);
	feeds_schema_free(s);
}

/* --------------------------------------------------- 11. host products */

/* Every exposure names a type the shipped schema has (a row for a type
** that does not exist would never apply), in the [a-z0-9-] form advisories
** target; the types that reveal a service reveal the right one, and
** reports of compromises or events reveal none. */
static void test_exposures(void **state)
{
	(void)state;
	struct feeds_schema *s = schema_for(BUILTIN, "shadowserver.json");
	size_t n = feeds_exposure_count();
	assert_true(n >= 100);
	for (size_t i = 0; i < n; i++) {
		const char *type = NULL, *service = NULL;
		const char *name = feeds_exposure_at(i, &type, &service);
		assert_non_null(name);
		if (!feeds_schema_find(s, type))
			fail_msg("exposures.csv: %s is not a report type of the schema", type);
		assert_true(service && *service);
		for (const char *c = name; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
				fail_msg("exposure %s of %s is not [a-z0-9-]", name, type);
		/* one row per type: the first would hide the others */
		const char *svc2 = NULL;
		assert_string_equal(feeds_exposure_of(type, &svc2), name);
		assert_ptr_equal(svc2, service);
	}
	assert_null(feeds_exposure_at(n, NULL, NULL));

	static const struct {
		const char *type, *exposure;
	} want[] = {
		{ "scan_cisco_smart_install", "cisco-smart-install" },
		{ "scan_telnet", "telnet" },
		{ "scan6_telnet", "telnet" },
		{ "scan_rdp", "rdp" },
		{ "scan_http", "http" },
		{ "scan_ssh", "ssh" },
		{ "scan_smb", "smb" },
		{ "scan_dns", "dns" },
		{ "scan_ntpmonitor", "ntp" },
		{ "scan_http_vulnerable", "vulnerable-http" },
		{ "event4_sinkhole", NULL },
		{ "compromised_website", NULL },
		{ "blocklist", NULL },
		{ "scan_nothing", NULL },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *svc = "x";
		const char *got = feeds_exposure_of(want[i].type, &svc);
		if ((got == NULL) != (want[i].exposure == NULL) ||
		    (got && strcmp(got, want[i].exposure) != 0))
			fail_msg("exposure of %s: %s, want %s", want[i].type, got ? got : "none",
				 want[i].exposure ? want[i].exposure : "none");
		if (!got)
			assert_null(svc);
	}
	const char *svc = NULL;
	assert_non_null(feeds_exposure_of("scan_cisco_smart_install", &svc));
	assert_non_null(strstr(svc, "4786/tcp"));
	feeds_schema_free(s);
}

/* What a report says a host runs, as advisories match it: the device
** columns when the CPE table knows the product, the banner when it names
** one, else the columns in their own words (no CPE, so no advisory matches
** a guess). */
static void test_product_of(void **state)
{
	(void)state;
	static const struct {
		const char *vendor, *product, *version, *banner;
		int found;
		const char *w_vendor, *w_product, *w_version, *w_cpe;
	} c[] = {
		/* the telnet banner, normalised by the parser */
		{ "MikroTik", "RouterOS", "6.38.4", "MikroTik v6.38.4 (bugfix)\\r\\nLogin: ", 1,
		  "mikrotik", "routeros", "6.38.4", "cpe:2.3:o:mikrotik:routeros:6.38.4:*:*:*:*:*:*:*" },
		/* SNMP: the model is hardware, the version RouterOS's */
		{ "MikroTik", "RB951Ui-2HnD", "6.40.5", "RouterOS RB951Ui-2HnD", 1, "mikrotik",
		  "routeros", "6.40.5", "cpe:2.3:o:mikrotik:routeros:6.40.5:*:*:*:*:*:*:*" },
		/* a vendor of many products is not read as its best known one */
		{ "Apache", "Tomcat", "9.0.31", NULL, 1, "apache", "tomcat", "9.0.31", "" },
		/* HTTP: the realm and the proxy name RouterOS, without a version */
		{ NULL, NULL, NULL, "Basic realm=\"RouterOS\"", 1, "mikrotik", "routeros", "",
		  "cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*" },
		{ "", "", "", "Mikrotik HttpProxy", 1, "mikrotik", "routeros", "",
		  "cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*" },
		{ NULL, NULL, NULL, "nginx/1.18.0", 1, "f5", "nginx", "1.18.0",
		  "cpe:2.3:a:f5:nginx:1.18.0:*:*:*:*:*:*:*" },
		/* SSH identification strings */
		{ NULL, NULL, NULL, "SSH-2.0-ROSSSH", 1, "mikrotik", "routeros", "",
		  "cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*" },
		{ "Ubiquiti", "EdgeRouter X", "v2.0.9", "SSH-2.0-dropbear_2019.78", 1,
		  "dropbear_ssh_project", "dropbear_ssh", "2019.78",
		  "cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:2019.78:*:*:*:*:*:*:*" },
		/* unknown to the table: the report's words, no CPE */
		{ "Cisco", "WS-C2960X-48TS-L", "15.2(2)E7", NULL, 1, "cisco", "ws-c2960x-48ts-l",
		  "15.2(2)e7", "" },
		{ "Hikvision", "DS-2CD2042WD", NULL, NULL, 1, "hikvision", "ds-2cd2042wd", "", "" },
		/* nothing named */
		{ NULL, NULL, NULL, "\\r\\n\\r\\nUser Access Verification\\r\\n\\r\\nUsername: ", 0,
		  "", "", "", "" },
		{ NULL, NULL, NULL, NULL, 0, "", "", "", "" },
		/* a product column without a vendor (scan_vnc's) */
		{ NULL, "RouterOS", "6.42", NULL, 1, "mikrotik", "routeros", "6.42",
		  "cpe:2.3:o:mikrotik:routeros:6.42:*:*:*:*:*:*:*" },
		{ NULL, "RealVNC Enterprise", "5.3", NULL, 0, "", "", "", "" },
		/* a vendor column of blanks (found by fuzz_feeds_product) */
		{ "  ", "X", "1", NULL, 0, "", "", "", "" },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct feeds_product p;
		int got = feeds_product_of(c[i].vendor, c[i].product, c[i].version, c[i].banner,
					   &p);
		if (got != c[i].found || strcmp(p.vendor, c[i].w_vendor) != 0 ||
		    strcmp(p.product, c[i].w_product) != 0 ||
		    strcmp(p.version, c[i].w_version) != 0 || strcmp(p.cpe, c[i].w_cpe) != 0)
			fail_msg("case %zu: %d %s|%s|%s|%s, want %d %s|%s|%s|%s", i, got, p.vendor,
				 p.product, p.version, p.cpe, c[i].found, c[i].w_vendor,
				 c[i].w_product, c[i].w_version, c[i].w_cpe);
	}
	/* a banner longer than the table reads is read by its start */
	char big[8192];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "nginx/1.24.0 ", 13);
	struct feeds_product p;
	assert_int_equal(feeds_product_of(NULL, NULL, NULL, big, &p), 1);
	assert_string_equal(p.version, "1.24.0");
}

/* The event carries the text that best names the host's software:
** scan_http's Server header, else its authentication realm; scan_ssh's
** identification string before its pre-login banner. */
struct banners {
	char got[8][128];
	size_t n;
};

static int keep_banner(void *ud, const struct feeds_event *ev)
{
	struct banners *b = ud;
	if (b->n < 8)
		snprintf(b->got[b->n++], sizeof(b->got[0]), "%s", ev->banner ? ev->banner : "-");
	return 0;
}

static void test_event_banner(void **state)
{
	(void)state;
	struct feeds_schema *s = schema_for(BUILTIN, "shadowserver.json");
	static const struct {
		const char *file;
		const char *want[8];
	} f[] = {
		{ "2026-11-27-scan_http-ir-geo.csv",
		  { "nginx/1.18.0", "Apache/2.4.29 (Ubuntu)", "Basic realm=\"RouterOS\"",
		    "Mikrotik HttpProxy", "Microsoft-IIS/10.0", "lighttpd/1.4.45" } },
		{ "2026-11-27-scan_ssh-ir-geo.csv",
		  { "SSH-2.0-ROSSSH", "SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7",
		    "SSH-2.0-dropbear_2019.78", "SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5" } },
		{ "2026-11-27-scan_cisco_smart_install-ir-geo.csv", { "-", "-", "-", "-", "-" } },
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		size_t len;
		char *data = must_slurp(f[i].file, &len);
		const struct feeds_type *t = feeds_schema_detect(s, f[i].file);
		assert_non_null(t);
		struct banners b = { 0 };
		struct feeds_parser *p = feeds_parser_new(t, NULL, keep_banner, NULL, &b);
		assert_non_null(p);
		assert_int_equal(feeds_parser_feed(p, data, len), 0);
		assert_int_equal(feeds_parser_finish(p), 0);
		feeds_parser_free(p);
		size_t nwant = 0;
		while (nwant < 8 && f[i].want[nwant])
			nwant++;
		assert_int_equal(b.n, nwant);
		for (size_t k = 0; k < nwant; k++)
			if (strcmp(b.got[k], f[i].want[k]) != 0)
				fail_msg("%s event %zu: banner %s, want %s", f[i].file, k + 1,
					 b.got[k], f[i].want[k]);
		free(data);
	}
	feeds_schema_free(s);
}

/* The commonest report types a national CERT receives each have their own
** remediation text in English and Persian (not the default one), found by
** the classification the published schema gives them; and every shipped
** text follows data/feeds/remediation/README.md: both languages, 6 to 20
** lines of at most 76 characters. */
static size_t utf8_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

static void test_remediation_texts(void **state)
{
	(void)state;
	static const char *const common[] = {
		"scan_http", "scan_ssl", "scan_ssh", "scan_telnet", "scan_ftp", "scan_rdp",
		"scan_smb", "scan_snmp", "scan_dns", "scan_ntp", "scan_ntpmonitor", "scan_ssdp",
		"scan_mdns", "scan_portmapper", "scan_netbios", "scan_memcached", "scan_ldap_tcp",
		"scan_ldap_udp", "scan_mssql", "scan_mysql", "scan_postgres",
		"scan_elasticsearch", "scan_mongodb", "scan_redis", "scan_vnc",
		"scan_cisco_smart_install", "scan_http_vulnerable", "scan_ssl_poodle",
		"event_sinkhole", "compromised_website", "blocklist", "scan_isakmp", "scan_ipp",
		"scan_docker", "scan_adb", "scan_cwmp", "scan_tftp",
	};
	char *path = data_path(PUBLISHED_SCHEMA);
	json_t *schema = json_load_file(path, 0, NULL);
	assert_non_null(schema);
	free(path);
	for (int l = 0; l < 2; l++) {
		const char *lang = l ? "fa" : "en";
		char *dflt = feeds_remediation(lang, "no-such-class", "no-such-type");
		for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
			json_t *c = json_object_get(json_object_get(schema, common[i]),
						    "constant_fields");
			const char *ident =
				json_string_value(json_object_get(c, "classification.identifier"));
			const char *type =
				json_string_value(json_object_get(c, "classification.type"));
			assert_non_null(type);
			char *t = feeds_remediation(lang, ident ? ident : type, type);
			if (strcmp(t, dflt) == 0)
				fail_msg("%s (%s): no %s remediation text of its own", common[i],
					 ident ? ident : type, lang);
			free(t);
		}
		free(dflt);
	}
	json_decref(schema);

	/* the shipped texts, from the source tree beside tests/data/feeds */
	char *en_dir = data_path("../../../data/feeds/remediation/en");
	DIR *d = opendir(en_dir);
	if (!d)
		fail_msg("%s: cannot open", en_dir);
	struct dirent *de;
	size_t n = 0;
	while ((de = readdir(d)) != NULL) {
		const char *dot = strrchr(de->d_name, '.');
		if (!dot || strcmp(dot, ".txt") != 0)
			continue;
		n++;
		for (int l = 0; l < 2; l++) {
			char rel[400];
			snprintf(rel, sizeof(rel), "../../../data/feeds/remediation/%s/%s",
				 l ? "fa" : "en", de->d_name);
			size_t len;
			char *text = slurp(rel, &len);
			if (!text)
				fail_msg("%s has no %s version", de->d_name, l ? "Persian" : "English");
			size_t lines = 0;
			for (char *ln = text; *ln;) {
				char *nl = strchr(ln, '\n');
				size_t ll = nl ? (size_t)(nl - ln) : strlen(ln);
				if (utf8_chars(ln, ll) > 76)
					fail_msg("%s: line %zu is longer than 76 characters", rel,
						 lines + 1);
				lines++;
				ln = nl ? nl + 1 : ln + ll;
			}
			if (lines < 6 || lines > 20)
				fail_msg("%s: %zu lines (6 to 20)", rel, lines);
			/* compiled in: what a digest sends is this file */
			char *name = strdup(de->d_name);
			name[strlen(name) - 4] = '\0';
			if (strncmp(name, "product-", 8) != 0) {
				char *emb = feeds_remediation(l ? "fa" : "en", name, NULL);
				if (strcmp(emb, text) != 0)
					fail_msg("%s is not the compiled-in text (meson.build's list)",
						 rel);
				free(emb);
			}
			free(name);
			free(text);
		}
	}
	closedir(d);
	free(en_dir);
	assert_true(n >= 30);
}

/* The broken-out fields the pipeline reads agree with the event JSON. */
static int check_broken_out(void *ud, const struct feeds_event *ev)
{
	(void)ud;
	if (ev->line != 2)
		return 0;
	assert_int_equal(ev->family, 4);
	assert_memory_equal(ev->ip, "\x0a\x14\x04\x01", 4);
	assert_string_equal(ev->ip_text, "10.20.4.1");
	assert_int_equal(ev->port, 23);
	assert_int_equal(ev->asn, 58224);
	assert_string_equal(ev->identifier, "open-telnet");
	assert_string_equal(ev->feed, "Accessible-Telnet");
	assert_string_equal(ev->vendor, "MikroTik");
	assert_string_equal(ev->product, "RouterOS");
	assert_string_equal(ev->version, "6.38.4");
	assert_int_equal(ev->time_ms, 1795749165000LL); /* 2026-11-27T03:12:45Z */
	return 7; /* and a non-zero return stops the parser with that value */
}

static void test_event_fields_and_stop(void **state)
{
	(void)state;
	size_t len;
	char *data = must_slurp(TELNET, &len);
	struct feeds_schema *s = schema_for(BUILTIN, TELNET);
	struct feeds_parser *p =
		feeds_parser_new(type_for(BUILTIN, s, TELNET), NULL, check_broken_out, NULL, NULL);
	assert_non_null(p);
	assert_int_equal(feeds_parser_feed(p, data, len), 7);
	assert_int_equal(feeds_parser_finish(p), 7);
	struct feeds_counts c;
	feeds_parser_counts(p, &c);
	assert_int_equal(c.parsed, 1);
	feeds_parser_free(p);
	feeds_schema_free(s);
	free(data);
}

int main(void)
{
	const struct CMUnitTest rest[] = {
		cmocka_unit_test(test_fixtures_published_schema),
		cmocka_unit_test(test_every_fixture_is_run),
		cmocka_unit_test(test_chunking_does_not_matter),
		cmocka_unit_test(test_renamed_columns),
		cmocka_unit_test(test_published_schema),
		cmocka_unit_test(test_shipped_schema_is_published),
		cmocka_unit_test(test_schema_validation),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_skip_to),
		cmocka_unit_test(test_dedup_window),
		cmocka_unit_test(test_dedup_bounded),
		cmocka_unit_test(test_mikrotik_banner),
		cmocka_unit_test(test_exposures),
		cmocka_unit_test(test_product_of),
		cmocka_unit_test(test_event_banner),
		cmocka_unit_test(test_remediation_texts),
		cmocka_unit_test(test_event_fields_and_stop),
	};
	/* sized by both lists, so a test added to either always fits */
	struct CMUnitTest tests[NFIXTURES + sizeof(rest) / sizeof(rest[0])];
	size_t n = 0;
	for (size_t i = 0; i < NFIXTURES; i++) {
		struct CMUnitTest u = cmocka_unit_test_prestate(test_fixture, (void *)&fixtures[i]);
		u.name = fixtures[i].file;
		tests[n++] = u;
	}
	for (size_t i = 0; i < sizeof(rest) / sizeof(rest[0]); i++)
		tests[n++] = rest[i];
	return _cmocka_run_group_tests("feeds", tests, n, NULL, NULL);
}
