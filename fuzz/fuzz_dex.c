/*
** fuzz_dex.c -- libFuzzer target for the string table of a dex file and
** the candidate indicators in its strings (src/apk/dex.c): classes.dex of
** a malicious app is made by its author.
**
** Checks:
**   1. apk_dex_strings returns -1 (with err) or the number of strings it
**      delivered, which equals the callbacks made, with idx counting up
**      from 0; each string is NUL-terminated at s[len], and the text
**      delivered in all stays within 3 x the limit (a small max_bytes set
**      here, so the bound is exercised; U+FFFD triples a bad byte);
**   2. every candidate found in a string (and in the raw input) lies inside
**      the scanned text and is non-empty; the count returned equals the
**      callbacks.
** Seeds in fuzz/corpus/dex/ are the hand-laid dex of test_apk_sign (the
** strings androguard reads) and app strings. A broken check calls abort().
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apk/apk.h"

#define CHECK(cond)                                                                       \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "fuzz_dex: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                                \
			abort();                                                          \
		}                                                                         \
	} while (0)

#define MAX_BYTES 4096

struct scan {
	const char *s;
	size_t len, calls;
};

static int on_cand(void *ctx, enum apk_cand_kind k, const char *v, size_t n)
{
	struct scan *c = ctx;
	CHECK(k >= APK_CAND_URL && k <= APK_CAND_IPV6);
	CHECK(n > 0 && v >= c->s && v + n <= c->s + c->len);
	c->calls++;
	return 0;
}

static void scan(const char *s, size_t len)
{
	struct scan c = { s, len, 0 };
	size_t n = apk_dex_candidates(s, len, on_cand, &c);
	CHECK(n == c.calls);
}

struct walk {
	uint32_t next;
	size_t total;
};

static int on_string(void *ctx, uint32_t idx, const char *s, size_t len)
{
	struct walk *w = ctx;
	CHECK(idx == w->next);
	w->next++;
	CHECK(s[len] == '\0');
	/* the bound is on the MUTF-8 bytes read; decoding at most triples
	** them (a malformed byte becomes U+FFFD) */
	w->total += len;
	CHECK(w->total <= 3 * MAX_BYTES);
	scan(s, len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct apk_dex_limits lim = { 1000, MAX_BYTES };
	struct walk w = { 0, 0 };
	struct perr err = { 0 };
	long n = apk_dex_strings(data, size, &lim, on_string, &w, &err);
	if (n < 0)
		CHECK(err.kind == PERR_INVALID || err.kind == PERR_LIMIT);
	else
		CHECK((uint32_t)n == w.next);
	scan((const char *)data, size);
	return 0;
}
