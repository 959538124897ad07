/*
** fuzz_csv.c -- libFuzzer target for the streaming CSV parser.
**
** The property under test is the one importers rely on most: the result
** of parsing must not depend on how the input was split into chunks.  Each
** input is parsed whole, byte by byte, and in uneven chunks whose sizes
** come from the input bytes themselves (so the fuzzer steers the split
** points), and the runs must agree on record count, reject count and a
** checksum over every line number, field and reject reason.  Any
** disagreement calls abort() so libFuzzer records it as a crash.
**
** Each input is tried under two configurations: default limits with ','
** and tiny limits (derived from the first byte) with a separator also
** chosen by that byte, so the limit and skip paths get as much exercise as
** the normal ones.  The callbacks also check the contract on every record:
** NUL-terminated fields without embedded NULs, and no limit exceeded.
** Finally a run whose callback asks to stop must stop exactly there.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"

struct tally {
	struct csv_limits lim;
	size_t records, rejects;
	uint64_t sum;
	size_t stop_at;  /* >0: return 1 from the record callback at this record */
};

#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "fuzz_csv: check failed: %s (line %d)\n", \
			        #cond, __LINE__);                       \
			abort();                                        \
		}                                                       \
	} while (0)

/* FNV-1a, 64 bit: order-sensitive and cheap. */
static uint64_t mix(uint64_t h, const void *data, size_t n)
{
	const unsigned char *s = data;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static int on_record(void *ud, size_t line, size_t nfields,
                     const char *const *fields, const size_t *lens)
{
	struct tally *t = ud;
	size_t total = 0;

	CHECK(nfields >= 1 && nfields <= t->lim.max_fields);
	t->sum = mix(t->sum, "R", 1);
	t->sum = mix(t->sum, &line, sizeof(line));
	t->sum = mix(t->sum, &nfields, sizeof(nfields));
	for (size_t i = 0; i < nfields; i++) {
		CHECK(lens[i] <= t->lim.max_field);
		CHECK(fields[i][lens[i]] == '\0');
		CHECK(memchr(fields[i], '\0', lens[i]) == NULL);
		total += lens[i];
		t->sum = mix(t->sum, &lens[i], sizeof(lens[i]));
		t->sum = mix(t->sum, fields[i], lens[i]);
	}
	/* Decoded bytes never exceed the raw record, separators included. */
	CHECK(total + (nfields - 1) <= t->lim.max_record);
	t->records++;
	if (t->stop_at && t->records == t->stop_at)
		return 1;
	return 0;
}

static void on_reject(void *ud, size_t line, const char *reason)
{
	struct tally *t = ud;

	CHECK(reason && reason[0]);
	t->sum = mix(t->sum, "J", 1);
	t->sum = mix(t->sum, &line, sizeof(line));
	t->sum = mix(t->sum, reason, strlen(reason));
	t->rejects++;
}

enum split { SPLIT_WHOLE, SPLIT_BYTES, SPLIT_DATA };

/* Parse data under one configuration and split strategy; returns the
** tally.  Every call on the parser must succeed unless a stop was asked. */
static struct tally run(const uint8_t *data, size_t size,
                        const struct csv_limits *lim, char sep,
                        enum split how, size_t stop_at, int *stop_rc)
{
	struct tally t = { .lim = *lim, .sum = 0xcbf29ce484222325ull, .stop_at = stop_at };
	struct csv_parser *p = csv_new(lim, on_record, on_reject, &t);
	const char *in = (const char *)data;
	size_t off = 0, salt = 0;
	int rc = 0;

	CHECK(p != NULL);
	CHECK(csv_set_separator(p, sep) == CSV_OK);
	while (off < size && rc == 0) {
		size_t k;

		switch (how) {
		case SPLIT_WHOLE:
			k = size;
			break;
		case SPLIT_BYTES:
			k = 1;
			break;
		default:
			/* 0..15 bytes, steered by the data; zero-length feeds are
			** legal and must be harmless. */
			k = (size_t)((data[off] + salt++) % 16u);
			break;
		}
		if (k > size - off)
			k = size - off;
		rc = csv_feed(p, in + off, k);
		off += k;
		CHECK(csv_memory(p) <= csv_memory_bound(lim));
	}
	if (rc == 0)
		rc = csv_finish(p);
	if (stop_rc)
		*stop_rc = rc;
	else
		CHECK(rc == CSV_OK);
	CHECK(csv_records(p) == t.records);
	CHECK(csv_rejects(p) == t.rejects);
	csv_free(p);
	return t;
}

static void same(const struct tally *a, const struct tally *b)
{
	CHECK(a->records == b->records);
	CHECK(a->rejects == b->rejects);
	CHECK(a->sum == b->sum);
}

static void check_config(const uint8_t *data, size_t size,
                         const struct csv_limits *lim, char sep)
{
	struct tally whole = run(data, size, lim, sep, SPLIT_WHOLE, 0, NULL);
	struct tally bytes = run(data, size, lim, sep, SPLIT_BYTES, 0, NULL);
	struct tally split = run(data, size, lim, sep, SPLIT_DATA, 0, NULL);

	same(&whole, &bytes);
	same(&whole, &split);

	/* Asking to stop at the last record must deliver exactly that many
	** records, and the stop value must come back out. */
	if (whole.records > 0) {
		int rc = 0;
		struct tally st = run(data, size, lim, sep, SPLIT_DATA, whole.records, &rc);
		CHECK(rc == 1);
		CHECK(st.records == whole.records);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char seps[4] = { ',', ';', '\t', '|' };
	struct csv_limits dflt = { 0 };
	struct csv_limits tiny;
	uint8_t b = size ? data[0] : 0;

	dflt.max_field = CSV_DEFAULT_MAX_FIELD;
	dflt.max_fields = CSV_DEFAULT_MAX_FIELDS;
	dflt.max_record = CSV_DEFAULT_MAX_RECORD;
	check_config(data, size, &dflt, ',');

	tiny.max_field = 1 + (b & 7u);
	tiny.max_fields = 1 + ((b >> 3) & 3u);
	tiny.max_record = 2 + (size_t)(b % 29u);
	check_config(data, size, &tiny, seps[(b >> 5) & 3u]);
	return 0;
}
