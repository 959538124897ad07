/*
** test_csv.c -- unit tests for the streaming CSV parser (src/core/csv.c).
**
** Every test drives the parser through a small harness that renders what
** the callbacks saw into one text log: a record is "LINE:f1|f2|...\n" and a
** reject is "!LINE:reason\n".  Field bytes outside printable ASCII, and the
** '|' and '\' characters, are escaped (\xHH, \|, \\), so the log is
** unambiguous and two runs agree exactly when their callbacks saw the same
** thing.  Comparing whole logs keeps the expectations readable and makes
** the chunking-equivalence checks a plain string comparison.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "core.h"

struct log {
	char *s;
	size_t len, cap;
	int stop_after;  /* >0: record callback returns stop_code at this record */
	int stop_code;
	int nrec;
	struct csv_parser *self;  /* for the re-entrancy test */
	int reentry_rc;
};

static void log_putc(struct log *l, char c)
{
	if (l->len + 2 > l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 256;
		char *n = realloc(l->s, ncap);
		assert_non_null(n);
		l->s = n;
		l->cap = ncap;
	}
	l->s[l->len++] = c;
	l->s[l->len] = '\0';
}

static void log_puts(struct log *l, const char *s)
{
	while (*s)
		log_putc(l, *s++);
}

static void log_size(struct log *l, size_t v)
{
	char tmp[32];
	snprintf(tmp, sizeof(tmp), "%zu", v);
	log_puts(l, tmp);
}

static int on_record(void *ud, size_t line, size_t nfields,
                     const char *const *fields, const size_t *lens)
{
	struct log *l = ud;
	size_t i, j;

	log_size(l, line);
	log_putc(l, ':');
	for (i = 0; i < nfields; i++) {
		/* The contract promises a NUL right after every field. */
		assert_int_equal(fields[i][lens[i]], '\0');
		if (i)
			log_putc(l, '|');
		for (j = 0; j < lens[i]; j++) {
			unsigned char c = (unsigned char)fields[i][j];
			if (c == '|' || c == '\\') {
				log_putc(l, '\\');
				log_putc(l, (char)c);
			} else if (c < 0x20 || c >= 0x7f) {
				char tmp[8];
				snprintf(tmp, sizeof(tmp), "\\x%02x", c);
				log_puts(l, tmp);
			} else {
				log_putc(l, (char)c);
			}
		}
	}
	log_putc(l, '\n');
	l->nrec++;
	if (l->self)
		l->reentry_rc = csv_feed(l->self, "x", 1);
	if (l->stop_after && l->nrec == l->stop_after)
		return l->stop_code;
	return 0;
}

static void on_reject(void *ud, size_t line, const char *reason)
{
	struct log *l = ud;

	log_putc(l, '!');
	log_size(l, line);
	log_putc(l, ':');
	log_puts(l, reason);
	log_putc(l, '\n');
}

/* Parse in[0..n) with the given limits, feeding chunks of `chunk` bytes
** (0 = all at once).  Returns the malloc'ed log; *nrec and *nrej get counts. */
static char *run_chunked(const char *in, size_t n, const struct csv_limits *lim,
                         char sep, size_t chunk, size_t *nrec, size_t *nrej)
{
	struct log l = { 0 };
	struct csv_parser *p = csv_new(lim, on_record, on_reject, &l);
	size_t off = 0;

	assert_non_null(p);
	if (sep)
		assert_int_equal(csv_set_separator(p, sep), CSV_OK);
	if (!chunk)
		chunk = n ? n : 1;
	while (off < n) {
		size_t k = n - off < chunk ? n - off : chunk;
		assert_int_equal(csv_feed(p, in + off, k), CSV_OK);
		off += k;
		assert_true(csv_memory(p) <= csv_memory_bound(lim));
	}
	assert_int_equal(csv_finish(p), CSV_OK);
	if (nrec)
		*nrec = csv_records(p);
	if (nrej)
		*nrej = csv_rejects(p);
	csv_free(p);
	if (!l.s) {  /* nothing was logged: return "" rather than NULL */
		log_putc(&l, 'x');
		l.len = 0;
		l.s[0] = '\0';
	}
	return l.s;
}

/* Parse in one go and compare against the expected log; also checks that
** byte-by-byte feeding agrees, since every test doubles as a chunking test. */
static void expect_lim(const char *in, size_t n, const struct csv_limits *lim,
                       char sep, const char *want)
{
	char *whole = run_chunked(in, n, lim, sep, 0, NULL, NULL);
	char *bytes = run_chunked(in, n, lim, sep, 1, NULL, NULL);

	assert_string_equal(whole, want);
	assert_string_equal(bytes, want);
	free(whole);
	free(bytes);
}

#define EXPECT(in, want) expect_lim((in), sizeof(in) - 1, NULL, 0, (want))
#define EXPECT_LIM(in, lim, want) expect_lim((in), sizeof(in) - 1, (lim), 0, (want))

static void test_simple(void **state)
{
	(void)state;
	EXPECT("a,b,c\n1,2,3\n", "1:a|b|c\n2:1|2|3\n");
	EXPECT("single\n", "1:single\n");
	EXPECT("  spaced , kept \n", "1:  spaced | kept \n");
}

static void test_empty_fields(void **state)
{
	(void)state;
	EXPECT(",,\n", "1:||\n");
	EXPECT("a,,b\n", "1:a||b\n");
	EXPECT("\"\"\n", "1:\n");          /* one empty quoted field */
	EXPECT("\"\",\"\"\n", "1:|\n");
	EXPECT("a,\n", "1:a|\n");
}

static void test_quoted_separator(void **state)
{
	(void)state;
	EXPECT("\"a,b\",c\n", "1:a,b|c\n");
	EXPECT("x,\"1,2,3\"\n", "1:x|1,2,3\n");
}

static void test_escaped_quotes(void **state)
{
	(void)state;
	EXPECT("\"he said \"\"hi\"\"\",2\n", "1:he said \"hi\"|2\n");
	EXPECT("\"\"\"\"\n", "1:\"\n");
	EXPECT("\"a\"\"\",b\n", "1:a\"|b\n");
}

static void test_embedded_newlines(void **state)
{
	(void)state;
	/* The record spans lines 1-3; the next one starts on line 4. */
	EXPECT("\"x\ny\nz\",w\nnext,1\n", "1:x\\x0ay\\x0az|w\n4:next|1\n");
	/* A quoted CRLF is kept verbatim and counts as one line. */
	EXPECT("\"a\r\nb\"\r\nc\r\n", "1:a\\x0d\\x0ab\n3:c\n");
	/* A quoted lone CR also counts as a line. */
	EXPECT("\"a\rb\"\nc\n", "1:a\\x0db\n3:c\n");
}

static void test_crlf(void **state)
{
	(void)state;
	EXPECT("a,b\r\nc,d\r\n", "1:a|b\n2:c|d\n");
	EXPECT("\"q\"\r\nx\r\n", "1:q\n2:x\n");
	/* A lone CR ends a line too (classic Mac exports). */
	EXPECT("a\rb\rc", "1:a\n2:b\n3:c\n");
	/* Mixed endings and blank lines in all styles. */
	EXPECT("a\r\n\r\n\n\rb\n", "1:a\n5:b\n");
}

static void test_bom(void **state)
{
	(void)state;
	EXPECT("\xEF\xBB\xBFid,name\n1,x\n", "1:id|name\n2:1|x\n");
	EXPECT("\xEF\xBB\xBF", "");
	EXPECT("\xEF\xBB\xBF\"q\"\n", "1:q\n");
	/* Only at the very start: later it is data. */
	EXPECT("a\n\xEF\xBB\xBF\n", "1:a\n2:\\xef\\xbb\\xbf\n");
	/* A partial BOM is data, replayed intact. */
	EXPECT("\xEF\xBBx\n", "1:\\xef\\xbbx\n");
	EXPECT("\xEF\xBB", "1:\\xef\\xbb\n");
	EXPECT("\xEF,a\n", "1:\\xef|a\n");
	/* Only one BOM is dropped. */
	EXPECT("\xEF\xBB\xBF\xEF\xBB\xBF\n", "1:\\xef\\xbb\\xbf\n");
}

static void test_blank_lines(void **state)
{
	(void)state;
	EXPECT("\n\na\n\r\n\nb\n\n", "3:a\n6:b\n");
	EXPECT("\n\n\n", "");
	EXPECT("", "");
}

static void test_missing_final_newline(void **state)
{
	size_t nrec = 0, nrej = 0;
	char *got;

	(void)state;
	EXPECT("a,b\nc,d", "1:a|b\n2:c|d\n");
	EXPECT("a,", "1:a|\n");
	EXPECT("\"quoted\"", "1:quoted\n");
	EXPECT("\"x\"\"\"", "1:x\"\n");
	got = run_chunked("a\nb", 3, NULL, 0, 0, &nrec, &nrej);
	assert_string_equal(got, "1:a\n2:b\n");
	assert_int_equal(nrec, 2);
	assert_int_equal(nrej, 0);
	free(got);
}

static void test_separator(void **state)
{
	struct csv_parser *p;

	(void)state;
	expect_lim("a;b,c;\"d;e\"\n", 12, NULL, ';', "1:a|b,c|d;e\n");
	expect_lim("a\tb\t\n", 5, NULL, '\t', "1:a|b|\n");

	p = csv_new(NULL, NULL, NULL, NULL);
	assert_non_null(p);
	assert_int_equal(csv_set_separator(p, '"'), CSV_EINVAL);
	assert_int_equal(csv_set_separator(p, '\n'), CSV_EINVAL);
	assert_int_equal(csv_set_separator(p, '\r'), CSV_EINVAL);
	assert_int_equal(csv_set_separator(p, '\0'), CSV_EINVAL);
	assert_int_equal(csv_set_separator(p, '|'), CSV_OK);
	assert_int_equal(csv_feed(p, "a|b\n", 4), CSV_OK);
	/* Frozen once data has been seen. */
	assert_int_equal(csv_set_separator(p, ','), CSV_EINVAL);
	assert_int_equal(csv_finish(p), CSV_OK);
	assert_int_equal(csv_records(p), 1);
	csv_free(p);
}

static void test_limit_field(void **state)
{
	struct csv_limits lim = { .max_field = 4 };

	(void)state;
	EXPECT_LIM("ok,1\ntoolong,2\nfine,3\n", &lim,
	           "1:ok|1\n!2:field 1 exceeds 4 bytes\n3:fine|3\n");
	/* Exactly at the limit is fine; escapes count once. */
	EXPECT_LIM("abcd,\"a\"\"bc\"\n", &lim, "1:abcd|a\"bc\n");
	/* A long quoted field spanning lines: the reject names the start line
	** and the following record keeps its true line number. */
	EXPECT_LIM("a\nb,\"12345\n6\n7\",x\nc\n", &lim,
	           "1:a\n!2:field 2 exceeds 4 bytes\n5:c\n");
	/* A quoted separator or newline after the overflow must not resync. */
	EXPECT_LIM("\"12345,\nzz\",y\nnext\n", &lim,
	           "!1:field 1 exceeds 4 bytes\n3:next\n");
}

static void test_limit_fields(void **state)
{
	struct csv_limits lim = { .max_fields = 3 };

	(void)state;
	EXPECT_LIM("a,b,c\na,b,c,d\nx\n", &lim,
	           "1:a|b|c\n!2:record has more than 3 fields\n3:x\n");
	EXPECT_LIM("a,b,c,\n,,\n", &lim,
	           "!1:record has more than 3 fields\n2:||\n");
	/* Quoted newline inside the over-wide record. */
	EXPECT_LIM("1,2,3,\"4\n5\"\ny\n", &lim,
	           "!1:record has more than 3 fields\n3:y\n");
}

static void test_limit_record(void **state)
{
	struct csv_limits lim = { .max_record = 8 };

	(void)state;
	/* The line end does not count: 8 bytes plus CRLF is accepted. */
	EXPECT_LIM("12345678\r\n123456789\r\nab,cd\r\n", &lim,
	           "1:12345678\n!2:record exceeds 8 bytes\n3:ab|cd\n");
	/* Quotes and separators count as raw bytes. */
	EXPECT_LIM("\"a\",\"b\",c\n\"a\",\"b\"\n", &lim,
	           "!1:record exceeds 8 bytes\n2:a|b\n");
	EXPECT_LIM("\"1\n2\n3\n4\n5\"\nz\n", &lim,
	           "!1:record exceeds 8 bytes\n6:z\n");
}

static void test_stray_quotes(void **state)
{
	(void)state;
	EXPECT("ab\"c,d\nok\n", "!1:stray quote in unquoted field 1\n2:ok\n");
	EXPECT("x,y\"\nok\n", "!1:stray quote in unquoted field 2\n2:ok\n");
	EXPECT("\"ab\"c,d\nok\n", "!1:text after closing quote in field 1\n2:ok\n");
	EXPECT("\"ab\" ,d\nok\n", "!1:text after closing quote in field 1\n2:ok\n");
	/* Further quotes in a rejected line do not swallow the next line. */
	EXPECT("a\"b\"c\"\nok\n", "!1:stray quote in unquoted field 1\n2:ok\n");
	EXPECT("\"a\"b\"c\nok\n", "!1:text after closing quote in field 1\n2:ok\n");
}

static void test_unterminated_quote(void **state)
{
	size_t nrec, nrej;
	char *got;

	(void)state;
	EXPECT("a\n\"abc\ndef", "1:a\n!2:unterminated quoted field 1 at end of input\n");
	EXPECT("x,\"", "!1:unterminated quoted field 2 at end of input\n");
	/* A record already rejected is not reported twice at EOF. */
	got = run_chunked("\"ab\"x,\"open", 11, NULL, 0, 0, &nrec, &nrej);
	assert_string_equal(got, "!1:text after closing quote in field 1\n");
	assert_int_equal(nrec, 0);
	assert_int_equal(nrej, 1);
	free(got);
}

static void test_nul_bytes(void **state)
{
	(void)state;
	EXPECT("a\0b,c\nd\n", "!1:NUL byte in field 1\n2:d\n");
	EXPECT("x,\"q\0\"\nd\n", "!1:NUL byte in field 2\n2:d\n");
	EXPECT("\0\n\0", "!1:NUL byte in field 1\n!2:NUL byte in field 1\n");
}

/* A varied input mixing every feature and every reject, parsed with tight
** limits; every chunk size from 1 to past the input length, plus uneven
** chunk patterns, must give the log of the one-shot parse. */
static const char varied[] =
	"\xEF\xBB\xBFid,name,note\r\n"
	"1,plain,text\r\n"
	"2,\"quoted, comma\",\"multi\r\nline\"\r\n"
	"\r\n"
	"3,\"esc \"\"q\"\"\",\n"
	"4,bad\"quote,x\n"
	"5,\"closed\"junk,x\n"
	"6,toolongfieldvalue_xxxxxxxxxxxxxxx,x\n"
	"7,a,b,c,d,e,f,g,h\n"
	"8,nul\0byte,x\n"
	"\n\n"
	"9,\"\",\"\"\"\"\rlast-cr\n"
	"10,\"op\nen,\nclosed";

static void test_chunk_equivalence(void **state)
{
	struct csv_limits lim = { .max_field = 16, .max_fields = 6, .max_record = 60 };
	size_t n = sizeof(varied) - 1;
	size_t rec0, rej0, rec, rej, chunk;
	char *ref, *got;

	(void)state;
	ref = run_chunked(varied, n, &lim, 0, 0, &rec0, &rej0);
	/* Pin the reference itself so equivalence is not vacuous. */
	assert_string_equal(ref,
		"1:id|name|note\n"
		"2:1|plain|text\n"
		"3:2|quoted, comma|multi\\x0d\\x0aline\n"
		"6:3|esc \"q\"|\n"
		"!7:stray quote in unquoted field 2\n"
		"!8:text after closing quote in field 2\n"
		"!9:field 2 exceeds 16 bytes\n"
		"!10:record has more than 6 fields\n"
		"!11:NUL byte in field 2\n"
		"14:9||\"\n"
		"15:last-cr\n"
		"!16:unterminated quoted field 2 at end of input\n");
	assert_int_equal(rec0, 6);
	assert_int_equal(rej0, 6);

	for (chunk = 1; chunk <= n + 1; chunk++) {
		got = run_chunked(varied, n, &lim, 0, chunk, &rec, &rej);
		assert_string_equal(got, ref);
		assert_int_equal(rec, rec0);
		assert_int_equal(rej, rej0);
		free(got);
	}

	/* Uneven chunks, including empty feeds, from a fixed pseudo-random
	** sequence so failures reproduce. */
	for (int round = 0; round < 50; round++) {
		struct log l = { 0 };
		struct csv_parser *p = csv_new(&lim, on_record, on_reject, &l);
		uint32_t x = 2463534242u + (uint32_t)round;
		size_t off = 0;

		assert_non_null(p);
		while (off < n) {
			size_t k;
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			k = x % 9;  /* 0..8, zero-length feeds included */
			if (k > n - off)
				k = n - off;
			assert_int_equal(csv_feed(p, varied + off, k), CSV_OK);
			off += k;
		}
		assert_int_equal(csv_finish(p), CSV_OK);
		assert_string_equal(l.s, ref);
		csv_free(p);
		free(l.s);
	}
	free(ref);
}

static int count_only(void *ud, size_t line, size_t nfields,
                      const char *const *fields, const size_t *lens)
{
	(void)line; (void)nfields; (void)fields; (void)lens;
	(*(size_t *)ud)++;
	return 0;
}

static void test_stop_value(void **state)
{
	struct log l = { .stop_after = 2, .stop_code = 7 };
	struct csv_parser *p;

	(void)state;
	p = csv_new(NULL, on_record, on_reject, &l);
	assert_non_null(p);
	assert_int_equal(csv_feed(p, "a\nb\nc\nd\n", 8), 7);
	assert_string_equal(l.s, "1:a\n2:b\n");
	assert_int_equal(csv_records(p), 2);
	/* Sticky: nothing more is parsed. */
	assert_int_equal(csv_feed(p, "e\n", 2), 7);
	assert_int_equal(csv_finish(p), 7);
	assert_string_equal(l.s, "1:a\n2:b\n");
	csv_free(p);
	free(l.s);

	/* Stop delivered by the record flushed in csv_finish(). */
	memset(&l, 0, sizeof(l));
	l.stop_after = 1;
	l.stop_code = 42;
	p = csv_new(NULL, on_record, on_reject, &l);
	assert_non_null(p);
	assert_int_equal(csv_feed(p, "tail", 4), CSV_OK);
	assert_int_equal(csv_finish(p), 42);
	assert_string_equal(l.s, "1:tail\n");
	csv_free(p);
	free(l.s);

	/* Byte-by-byte stops at the same record. */
	memset(&l, 0, sizeof(l));
	l.stop_after = 3;
	l.stop_code = 5;
	p = csv_new(NULL, on_record, on_reject, &l);
	assert_non_null(p);
	{
		const char *in = "a\n\"b\nb\"\nc\nd\n";
		size_t i, n = strlen(in);
		int rc = 0;
		for (i = 0; i < n && rc == 0; i++)
			rc = csv_feed(p, in + i, 1);
		assert_int_equal(rc, 5);
		assert_int_equal(i, 10);  /* stopped on the LF ending "c" */
	}
	assert_string_equal(l.s, "1:a\n2:b\\x0ab\n4:c\n");
	csv_free(p);
	free(l.s);
}

static void test_api_misuse(void **state)
{
	struct log l = { 0 };
	struct csv_parser *p;
	size_t cnt = 0;
	struct csv_limits huge = { .max_record = SIZE_MAX };

	(void)state;
	assert_null(csv_new(&huge, NULL, NULL, NULL));
	assert_int_equal(csv_memory_bound(&huge), SIZE_MAX);
	csv_free(NULL);
	assert_int_equal(csv_feed(NULL, "a", 1), CSV_EINVAL);
	assert_int_equal(csv_finish(NULL), CSV_EINVAL);

	p = csv_new(NULL, count_only, NULL, &cnt);
	assert_non_null(p);
	assert_int_equal(csv_feed(p, NULL, 1), CSV_EINVAL);
	assert_int_equal(csv_feed(p, NULL, 0), CSV_OK);
	assert_int_equal(csv_feed(p, "a\n", 2), CSV_OK);
	assert_int_equal(csv_finish(p), CSV_OK);
	assert_int_equal(csv_feed(p, "b\n", 2), CSV_EINVAL);
	assert_int_equal(csv_finish(p), CSV_EINVAL);
	assert_int_equal(cnt, 1);
	assert_int_equal(csv_records(p), 1);
	assert_int_equal(csv_line(p), 2);
	csv_free(p);

	/* Feeding from inside a callback is refused, not recursed into. */
	p = csv_new(NULL, on_record, on_reject, &l);
	assert_non_null(p);
	l.self = p;
	l.reentry_rc = 0;
	assert_int_equal(csv_feed(p, "a\n", 2), CSV_OK);
	assert_int_equal(l.reentry_rc, CSV_EBUSY);
	csv_free(p);
	free(l.s);
}

/* Memory stays within the bound however much data a single record holds. */
static void test_bounded_memory(void **state)
{
	struct csv_limits lim = { .max_field = 1000, .max_fields = 10, .max_record = 4096 };
	size_t cnt = 0, i;
	struct csv_parser *p = csv_new(&lim, count_only, NULL, &cnt);
	char chunk[4096];

	(void)state;
	assert_non_null(p);
	/* An 8 MiB quoted field that never closes, then (after finish) nothing. */
	assert_int_equal(csv_feed(p, "\"", 1), CSV_OK);
	memset(chunk, 'x', sizeof(chunk));
	for (i = 0; i < 2048; i++) {
		assert_int_equal(csv_feed(p, chunk, sizeof(chunk)), CSV_OK);
		assert_true(csv_memory(p) <= csv_memory_bound(&lim));
	}
	/* Endless commas: the field array is capped too. */
	memset(chunk, ',', sizeof(chunk));
	assert_int_equal(csv_feed(p, "\"\n", 2), CSV_OK);
	for (i = 0; i < 256; i++)
		assert_int_equal(csv_feed(p, chunk, sizeof(chunk)), CSV_OK);
	assert_true(csv_memory(p) <= csv_memory_bound(&lim));
	assert_int_equal(csv_feed(p, "\nok\n", 4), CSV_OK);
	assert_int_equal(csv_finish(p), CSV_OK);
	assert_int_equal(cnt, 1);
	assert_int_equal(csv_rejects(p), 2);
	csv_free(p);

	/* Default limits: a big file of normal records does not grow memory
	** past what one record needs. */
	cnt = 0;
	p = csv_new(NULL, count_only, NULL, &cnt);
	assert_non_null(p);
	for (i = 0; i < 100000; i++) {
		static const char row[] = "org,192.0.2.1,\"note, with comma\"\n";
		assert_int_equal(csv_feed(p, row, sizeof(row) - 1), CSV_OK);
	}
	assert_int_equal(csv_finish(p), CSV_OK);
	assert_int_equal(cnt, 100000);
	assert_true(csv_memory(p) <= 4096);
	csv_free(p);
}

/* The CSV writer (csv_write_field), used by every CSV Parapet writes (the
** feed digests' attachment): each character of OWASP's CSV-injection list
** at the start of a field is neutralised with a leading ', a TAB and a CR
** included; the same character elsewhere in the field is left alone. */
static void test_write_formula_guard(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "=1+2", "'=1+2" },
		{ "+1", "'+1" },
		{ "-1", "'-1" },
		{ "@SUM(A1)", "'@SUM(A1)" },
		{ "\t=cmd|' /C calc'!A0", "'\t=cmd|' /C calc'!A0" },
		{ "\r=1", "\"'\r=1\"" }, /* CR also needs quoting */
		{ "a=b", "a=b" },
		{ "x\t-y", "x\t-y" },
		{ "", "" },
		{ "plain", "plain" },
		{ "a,b", "\"a,b\"" },
		{ "=a,\"b\"", "\"'=a,\"\"b\"\"\"" },
		{ "line\nbreak", "\"line\nbreak\"" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pbuf b;
		pbuf_init(&b, 0);
		assert_int_equal(csv_write_field(&b, cases[i].in), 0);
		assert_string_equal(b.ptr ? b.ptr : "", cases[i].out);
		pbuf_free(&b);
	}
	/* a full buffer is an error, not a silently cut field */
	struct pbuf small;
	pbuf_init(&small, 4);
	assert_int_equal(csv_write_field(&small, "=too long for four bytes"), -1);
	pbuf_free(&small);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_empty_fields),
		cmocka_unit_test(test_quoted_separator),
		cmocka_unit_test(test_escaped_quotes),
		cmocka_unit_test(test_embedded_newlines),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_blank_lines),
		cmocka_unit_test(test_missing_final_newline),
		cmocka_unit_test(test_separator),
		cmocka_unit_test(test_limit_field),
		cmocka_unit_test(test_limit_fields),
		cmocka_unit_test(test_limit_record),
		cmocka_unit_test(test_stray_quotes),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_chunk_equivalence),
		cmocka_unit_test(test_stop_value),
		cmocka_unit_test(test_api_misuse),
		cmocka_unit_test(test_bounded_memory),
		cmocka_unit_test(test_write_formula_guard),
	};
	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
