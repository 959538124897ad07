/*
** fuzz_indicator_import.c -- libFuzzer target for the bulk import parser
** (src/indicator/import.c): a CSV file or a plain list of indicators, as an
** analyst or a peer hands it over, so any bytes at all.
**
** The first byte picks the format (bit 0), whether a type is forced for the
** whole list (bits 1-4: 0 = guess, else a type) and the chunk size the rest
** is fed in (bits 5-7: whole, or 1..7 bytes at a time). Checked for every
** row: its line is at least 1 and never goes back; an invalid row has a
** reason; a valid one has a type name and a value that is
** its own canonical form, a TLP among the five or none, a confidence of -1
** or 0..100, tags in the ",a,b," form; the rows never pass the row bound;
** the parse gives the same rows whole and in chunks (counted). A broken
** check calls abort(); leaks are LeakSanitizer's. Seeds in
** fuzz/corpus/indicator_import/ start with the byte that picks their format.
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indicator/indicator.h"

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_indicator_import: check failed: %s (line %d)\n", \
				#cond, __LINE__);                                          \
			abort();                                                           \
		}                                                                          \
	} while (0)

struct seen {
	size_t rows, invalid, last_line;
	uint64_t sum; /* over the values: the two parses must agree */
};

static int row(void *ud, const struct indicator_import_row *r)
{
	struct seen *s = ud;
	CHECK(r->line >= 1 && r->line >= s->last_line);
	s->last_line = r->line;
	s->rows++;
	for (const char *p = r->value; *p; p++)
		s->sum = s->sum * 31 + (unsigned char)*p;
	if (r->invalid) {
		s->invalid++;
		CHECK(r->error[0] != '\0');
		return 0;
	}
	CHECK(r->error[0] == '\0');
	enum indicator_type t = indicator_type_parse(r->type);
	CHECK(t != INDICATOR_NONE);
	char *o = malloc(INDICATOR_VALUE_SIZE);
	CHECK(o);
	CHECK(indicator_value_canon(t, r->value, strlen(r->value), o, INDICATOR_VALUE_SIZE,
				    NULL) == 0);
	CHECK(strcmp(o, r->value) == 0);
	free(o);
	CHECK(!r->tlp[0] || strcmp(r->tlp, "CLEAR") == 0 || strcmp(r->tlp, "GREEN") == 0 ||
	      strcmp(r->tlp, "AMBER") == 0 || strcmp(r->tlp, "AMBER+STRICT") == 0 ||
	      strcmp(r->tlp, "RED") == 0);
	CHECK(r->confidence >= -1 && r->confidence <= 100);
	size_t tl = strlen(r->tags);
	CHECK(tl == 0 || (tl >= 3 && r->tags[0] == ',' && r->tags[tl - 1] == ','));
	CHECK(strstr(r->tags, ",,") == NULL);
	return 0;
}

static int run(enum indicator_import_format fmt, enum indicator_type t, const uint8_t *d,
	       size_t n, size_t chunk, struct seen *s, struct perr *e)
{
	struct indicator_import_limits lim = { .max_rows = 200, .max_line = 512 };
	memset(s, 0, sizeof(*s));
	struct indicator_import *im = indicator_import_new(fmt, t, &lim, row, s);
	CHECK(im);
	int rc = 0;
	for (size_t off = 0; rc == 0 && off < n;) {
		size_t k = chunk && chunk < n - off ? chunk : n - off;
		rc = indicator_import_feed(im, (const char *)d + off, k, e);
		off += k;
	}
	if (rc == 0)
		rc = indicator_import_finish(im, e);
	CHECK(indicator_import_rows(im) == s->rows);
	CHECK(s->rows <= 200);
	indicator_import_free(im);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	uint8_t sel = data[0];
	enum indicator_import_format fmt = sel & 1 ? INDICATOR_IMPORT_PLAIN : INDICATOR_IMPORT_CSV;
	unsigned tt = (sel >> 1) & 15;
	enum indicator_type t = tt < INDICATOR_TYPE_COUNT ? (enum indicator_type)tt : INDICATOR_NONE;
	size_t chunk = (sel >> 5) & 7;
	struct seen a, b;
	struct perr ea = { 0 }, eb = { 0 };
	int ra = run(fmt, t, data + 1, size - 1, 0, &a, &ea);
	int rb = run(fmt, t, data + 1, size - 1, chunk, &b, &eb);
	/* a fatal error stops at the row it is found: the same in any chunks */
	CHECK(ra == rb && a.rows == b.rows && a.invalid == b.invalid && a.sum == b.sum);
	if (ra != 0)
		CHECK(ea.kind == eb.kind && ea.kind != PERR_OK && strcmp(ea.msg, eb.msg) == 0);
	return 0;
}
