/*
** test_indicator_import_parser.c — the bulk import parser (src/indicator/import.c):
** a CSV file with a header and a plain list each become rows an analyst can
** read back (canonical values, checked columns, the line of each row), a bad
** row is reported with its line and reason without stopping the others, a
** header that is not ours is refused naming the column, chunk boundaries
** never change the rows, and every bound (bytes, rows, line length) holds.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indicator/indicator.h"

struct got {
	size_t line;
	bool invalid;
	char error[256], type[8], value[256], tlp[16], tags[64], reason[64], attribution[64];
	int confidence;
	int64_t expires_ms;
};

struct rows {
	struct got r[64];
	size_t n;
};

static int collect(void *ud, const struct indicator_import_row *r)
{
	struct rows *rs = ud;
	if (rs->n == 64)
		return 0;
	struct got *g = &rs->r[rs->n++];
	g->line = r->line;
	g->invalid = r->invalid;
	pstrtrunc(g->error, r->error, sizeof(g->error));
	pstrtrunc(g->type, r->type, sizeof(g->type));
	pstrtrunc(g->value, r->value, sizeof(g->value));
	pstrtrunc(g->tlp, r->tlp, sizeof(g->tlp));
	pstrtrunc(g->tags, r->tags, sizeof(g->tags));
	pstrtrunc(g->reason, r->reason, sizeof(g->reason));
	pstrtrunc(g->attribution, r->attribution, sizeof(g->attribution));
	g->confidence = r->confidence;
	g->expires_ms = r->expires_ms;
	return 0;
}

/* Parse text whole (chunk 0) or chunk bytes at a time; the finish's rc. */
static int parse(enum indicator_import_format fmt, enum indicator_type t, const char *text,
		 size_t chunk, const struct indicator_import_limits *lim, struct rows *rs,
		 struct perr *err)
{
	memset(rs, 0, sizeof(*rs));
	struct indicator_import *im = indicator_import_new(fmt, t, lim, collect, rs);
	assert_non_null(im);
	size_t len = strlen(text), off = 0;
	int rc = 0;
	while (rc == 0 && off < len) {
		size_t n = chunk && chunk < len - off ? chunk : len - off;
		rc = indicator_import_feed(im, text + off, n, err);
		off += n;
	}
	if (rc == 0)
		rc = indicator_import_finish(im, err);
	indicator_import_free(im);
	return rc;
}

static const char csv_text[] =
	"Value,type,TLP,confidence,tags,reason,expires,attribution\r\n"
	"evil.EXAMPLE.,domain,amber,80,\"c2, botnet\",seen in incident 12,2027-01-01T00:00:00Z,"
	"APT-X\r\n"
	"192.0.2.010,ipv4,,,,,,\n"                  /* leading zero: refused */
	"198.51.100.7,,tlp:red,,,,,\n"              /* type guessed */
	"\"http://Bad.example/a?b=1#frag\",url,,,,\"a \"\"quoted\"\" reason\",,\n"
	"d41d8cd98f00b204e9800998ecf8427e,hash,,,,,,\n" /* unknown type */
	"203.0.113.9,ipv4,purple,101,,,never,\n"    /* bad tlp (first reason wins) */
	",domain,,,,,,\n"                           /* empty value */
	"2001:DB8::1,,,,,,,\n";

static void test_csv_rows(void **state)
{
	(void)state;
	struct rows rs;
	struct perr err = { 0 };
	assert_int_equal(parse(INDICATOR_IMPORT_CSV, INDICATOR_NONE, csv_text, 0, NULL, &rs, &err),
			 0);
	assert_int_equal(rs.n, 8);
	struct got *g = &rs.r[0];
	assert_false(g->invalid);
	assert_int_equal(g->line, 2);
	assert_string_equal(g->type, "domain");
	assert_string_equal(g->value, "evil.example");
	assert_string_equal(g->tlp, "AMBER");
	assert_int_equal(g->confidence, 80);
	assert_string_equal(g->tags, ",c2,botnet,");
	assert_string_equal(g->reason, "seen in incident 12");
	assert_string_equal(g->attribution, "APT-X");
	assert_int_equal(g->expires_ms, 1798761600000LL);

	assert_true(rs.r[1].invalid);
	assert_int_equal(rs.r[1].line, 3);
	assert_non_null(strstr(rs.r[1].error, "value: "));
	assert_non_null(strstr(rs.r[1].error, "leading zero"));
	assert_string_equal(rs.r[1].value, "192.0.2.010"); /* as given */

	assert_false(rs.r[2].invalid);
	assert_string_equal(rs.r[2].type, "ipv4");
	assert_string_equal(rs.r[2].tlp, "RED");
	assert_int_equal(rs.r[2].confidence, -1);

	assert_false(rs.r[3].invalid);
	assert_string_equal(rs.r[3].value, "http://bad.example/a?b=1");
	assert_string_equal(rs.r[3].reason, "a \"quoted\" reason");

	assert_true(rs.r[4].invalid);
	assert_non_null(strstr(rs.r[4].error, "type: unknown type 'hash'"));
	assert_true(rs.r[5].invalid);
	assert_non_null(strstr(rs.r[5].error, "tlp must be one of"));
	assert_true(rs.r[6].invalid);
	assert_string_equal(rs.r[6].error, "value: empty");
	assert_false(rs.r[7].invalid);
	assert_string_equal(rs.r[7].type, "ipv6");
	assert_string_equal(rs.r[7].value, "2001:db8::1");
	assert_int_equal(rs.r[7].line, 9);
}

/* Any chunking gives the same rows, the CSV's and the plain list's. */
static void test_chunks(void **state)
{
	(void)state;
	static const char plain[] = "\xEF\xBB\xBF# list\r\nevil.example\r\n\n10.0.0.0/8 # rfc1918\n"
				    "bad_label.example\nAS64500";
	struct rows whole, bytes;
	struct perr err;
	for (int f = 0; f < 2; f++) {
		enum indicator_import_format fmt = f ? INDICATOR_IMPORT_PLAIN : INDICATOR_IMPORT_CSV;
		const char *t = f ? plain : csv_text;
		assert_int_equal(parse(fmt, INDICATOR_NONE, t, 0, NULL, &whole, &err), 0);
		for (size_t c = 1; c < 8; c++) {
			assert_int_equal(parse(fmt, INDICATOR_NONE, t, c, NULL, &bytes, &err), 0);
			assert_int_equal(bytes.n, whole.n);
			for (size_t i = 0; i < whole.n; i++) {
				assert_int_equal(bytes.r[i].line, whole.r[i].line);
				assert_string_equal(bytes.r[i].value, whole.r[i].value);
				assert_string_equal(bytes.r[i].error, whole.r[i].error);
			}
		}
	}
}

static void test_header(void **state)
{
	(void)state;
	struct rows rs;
	struct perr err = { 0 };
	assert_int_equal(parse(INDICATOR_IMPORT_CSV, INDICATOR_NONE,
			       "value,colour,severity\nevil.example,red,high\n", 0, NULL, &rs,
			       &err),
			 -1);
	assert_int_equal(err.kind, PERR_INVALID);
	assert_string_equal(err.field, "header");
	assert_non_null(strstr(err.msg, "'colour', 'severity'"));
	assert_int_equal(rs.n, 0);

	assert_int_equal(parse(INDICATOR_IMPORT_CSV, INDICATOR_NONE, "type,reason\nipv4,x\n", 0,
			       NULL, &rs, &err),
			 -1);
	assert_non_null(strstr(err.msg, "no value column"));
	assert_int_equal(parse(INDICATOR_IMPORT_CSV, INDICATOR_NONE, "value,Value\n1.2.3.4,\n", 0,
			       NULL, &rs, &err),
			 -1);
	assert_non_null(strstr(err.msg, "value is given twice"));
	assert_int_equal(parse(INDICATOR_IMPORT_CSV, INDICATOR_NONE, "", 0, NULL, &rs, &err), -1);
	assert_non_null(strstr(err.msg, "no header"));
	/* a header alone is an empty import, not an error */
	assert_int_equal(parse(INDICATOR_IMPORT_CSV, INDICATOR_NONE, "value\n", 0, NULL, &rs, &err),
			 0);
	assert_int_equal(rs.n, 0);
	/* too many fields in a row: that row only */
	assert_int_equal(parse(INDICATOR_IMPORT_CSV, INDICATOR_NONE,
			       "value,type\n1.2.3.4,ipv4,extra\n5.6.7.8\n", 0, NULL, &rs, &err),
			 0);
	assert_int_equal(rs.n, 2);
	assert_true(rs.r[0].invalid);
	assert_non_null(strstr(rs.r[0].error, "3 fields, the header has 2"));
	assert_false(rs.r[1].invalid);
	assert_string_equal(rs.r[1].value, "5.6.7.8");
}

static void test_plain(void **state)
{
	(void)state;
	struct rows rs;
	struct perr err = { 0 };
	static const char t[] = "\xEF\xBB\xBF# blocklist of 2026-12-07\r\n"
				"  \r\n"
				"Evil.Example\r\n"
				"10.0.0.0/8   # whole RFC 1918 net\n"
				"1.2.3.4 5.6.7.8\n"
				"\t# indented comment\n"
				"not a value\n"
				"AS64500";
	assert_int_equal(parse(INDICATOR_IMPORT_PLAIN, INDICATOR_NONE, t, 0, NULL, &rs, &err), 0);
	assert_int_equal(rs.n, 5);
	assert_string_equal(rs.r[0].value, "evil.example");
	assert_string_equal(rs.r[0].type, "domain");
	assert_int_equal(rs.r[0].line, 3);
	assert_string_equal(rs.r[1].type, "cidr");
	assert_true(rs.r[2].invalid);
	assert_int_equal(rs.r[2].line, 5);
	assert_non_null(strstr(rs.r[2].error, "one value per line"));
	assert_true(rs.r[3].invalid);
	assert_string_equal(rs.r[4].type, "asn");
	assert_string_equal(rs.r[4].value, "AS64500");
	assert_int_equal(rs.r[4].line, 8);

	/* --type: every value is read as that type, and one that is not fails */
	assert_int_equal(parse(INDICATOR_IMPORT_PLAIN, INDICATOR_SHA256,
			       "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855\n"
			       "evil.example\n",
			       0, NULL, &rs, &err),
			 0);
	assert_int_equal(rs.n, 2);
	assert_string_equal(rs.r[0].type, "sha256");
	assert_string_equal(rs.r[0].value,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_true(rs.r[1].invalid);
	assert_non_null(strstr(rs.r[1].error, "value: "));
	/* a NUL byte is that line's fault only */
	static const char nul[] = "a.example\nb\0.example\nc.example\n";
	struct indicator_import *im =
		indicator_import_new(INDICATOR_IMPORT_PLAIN, INDICATOR_NONE, NULL, collect, &rs);
	memset(&rs, 0, sizeof(rs));
	assert_int_equal(indicator_import_feed(im, nul, sizeof(nul) - 1, &err), 0);
	assert_int_equal(indicator_import_finish(im, &err), 0);
	indicator_import_free(im);
	assert_int_equal(rs.n, 3);
	assert_true(rs.r[1].invalid);
	assert_non_null(strstr(rs.r[1].error, "NUL"));
	assert_false(rs.r[2].invalid);
}

static void test_limits(void **state)
{
	(void)state;
	struct rows rs;
	struct perr err = { 0 };
	struct indicator_import_limits lim = { .max_line = 32 };
	char t[256];
	snprintf(t, sizeof(t), "a.example\n%s.example\nb.example\n",
		 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	for (int f = 0; f < 2; f++) {
		char in[300];
		snprintf(in, sizeof(in), "%s%s", f ? "" : "value\n", t);
		enum indicator_import_format fmt = f ? INDICATOR_IMPORT_PLAIN : INDICATOR_IMPORT_CSV;
		assert_int_equal(parse(fmt, INDICATOR_NONE, in, 3, &lim, &rs, &err), 0);
		assert_int_equal(rs.n, 3);
		assert_false(rs.r[0].invalid);
		assert_true(rs.r[1].invalid);
		assert_false(rs.r[2].invalid);
		assert_string_equal(rs.r[2].value, "b.example");
	}
	assert_non_null(strstr(rs.r[1].error, "longer than 32 bytes"));

	struct indicator_import_limits rows = { .max_rows = 2 };
	assert_int_equal(parse(INDICATOR_IMPORT_PLAIN, INDICATOR_NONE,
			       "# c\na.example\n\nb.example\nc.example\n", 0, &rows, &rs, &err),
			 -1);
	assert_int_equal(err.kind, PERR_LIMIT);
	assert_non_null(strstr(err.msg, "more than 2 rows"));
	assert_int_equal(rs.n, 2);

	struct indicator_import_limits bytes = { .max_bytes = 20 };
	assert_int_equal(parse(INDICATOR_IMPORT_PLAIN, INDICATOR_NONE,
			       "a.example\nb.example\nc.example\n", 4, &bytes, &rs, &err),
			 -1);
	assert_int_equal(err.kind, PERR_LIMIT);
	assert_non_null(strstr(err.msg, "larger than 20 bytes"));
	/* sticky: a later feed fails the same way */
	struct indicator_import *im =
		indicator_import_new(INDICATOR_IMPORT_PLAIN, INDICATOR_NONE, &bytes, NULL, NULL);
	assert_int_equal(indicator_import_feed(im, t, strlen(t), &err), -1);
	assert_int_equal(indicator_import_feed(im, "x", 1, &err), -1);
	assert_int_equal(err.kind, PERR_LIMIT);
	indicator_import_free(im);
}

static void test_formats(void **state)
{
	(void)state;
	assert_int_equal(indicator_import_format_parse("CSV"), INDICATOR_IMPORT_CSV);
	assert_int_equal(indicator_import_format_parse("plain"), INDICATOR_IMPORT_PLAIN);
	assert_int_equal(indicator_import_format_parse("stix"), 0);
	assert_null(indicator_import_new(0, INDICATOR_NONE, NULL, NULL, NULL));
	assert_string_equal(indicator_import_status_name(INDICATOR_IMPORT_HELD), "held");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_rows), cmocka_unit_test(test_chunks),
		cmocka_unit_test(test_header),   cmocka_unit_test(test_plain),
		cmocka_unit_test(test_limits),   cmocka_unit_test(test_formats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
