/*
** fuzz_indicator_value.c -- libFuzzer target for indicator values
** (src/indicator/value.c): the values analysts paste, feeds deliver and
** peers push, one per line of a bulk list.
**
** The input, whole (a view, not a C string: the length is passed), is
** canonicalised as every type in turn and its type guessed. Checks:
**   1. on success: the output is NUL-terminated inside its buffer, at most
**      INDICATOR_VALUE_MAX bytes of printable ASCII without spaces (it goes
**      into RPZ zones, Suricata rules and CSV lines), and canonicalising it
**      again gives the same bytes; its host, for the types that have one,
**      lies inside it and is itself a canonical domain or address; an ipv4,
**      ipv6 or cidr value has a range with first <= last;
**   2. on failure: out is "", the error is PERR_INVALID with field "value"
**      and a message (the problem document a client sees);
**   3. a guessed type is one whose canon accepts the input.
** Seeds in fuzz/corpus/indicator_value/ are values of every type, valid and
** broken. A broken check calls abort().
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indicator/indicator.h"

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "fuzz_indicator_value: check failed: %s (line %d)\n", \
				#cond, __LINE__);                                            \
			abort();                                                             \
		}                                                                            \
	} while (0)

static bool canon_self(enum indicator_type t, const char *s, size_t n)
{
	char *o = malloc(INDICATOR_VALUE_SIZE);
	CHECK(o);
	bool ok = indicator_value_canon(t, s, n, o, INDICATOR_VALUE_SIZE, NULL) == 0 &&
		  strlen(o) == n && memcmp(o, s, n) == 0;
	free(o);
	return ok;
}

static void check_value(enum indicator_type t, const char *out)
{
	size_t n = strlen(out);
	CHECK(n > 0 && n <= INDICATOR_VALUE_MAX);
	for (size_t i = 0; i < n; i++)
		CHECK(out[i] > 0x20 && out[i] < 0x7f);
	CHECK(canon_self(t, out, n));

	struct pstr h = indicator_value_host(t, out);
	if (t == INDICATOR_DOMAIN || t == INDICATOR_IPV4 || t == INDICATOR_IPV6 ||
	    t == INDICATOR_URL || t == INDICATOR_EMAIL) {
		CHECK(h.p && h.n > 0 && h.p >= out && h.p + h.n <= out + n);
		CHECK(canon_self(INDICATOR_DOMAIN, h.p, h.n) || canon_self(INDICATOR_IPV4, h.p, h.n) ||
		      canon_self(INDICATOR_IPV6, h.p, h.n) ||
		      /* an IPv4-mapped address is a URL host, not an ipv6 indicator */
		      (t == INDICATOR_URL && h.n > 7 && memcmp(h.p, "::ffff:", 7) == 0));
	} else {
		CHECK(h.p == NULL && h.n == 0);
	}

	struct indicator_range r;
	int rr = indicator_value_range(t, out, &r);
	if (t == INDICATOR_IPV4 || t == INDICATOR_IPV6 || t == INDICATOR_CIDR) {
		CHECK(rr == 0);
		CHECK(r.family == 4 || r.family == 6);
		CHECK(r.prefix <= (r.family == 4 ? 32u : 128u));
		CHECK(memcmp(r.first, r.last, 16) <= 0);
	} else {
		CHECK(rr == -1 && r.family == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly size bytes: a read past the view is caught */
	char *in = malloc(size ? size : 1);
	char *out = malloc(INDICATOR_VALUE_SIZE);
	CHECK(in && out);
	if (size)
		memcpy(in, data, size);
	for (int t = INDICATOR_NONE + 1; t < INDICATOR_TYPE_COUNT; t++) {
		struct perr err;
		memset(&err, 0, sizeof(err));
		memset(out, 0xA5, INDICATOR_VALUE_SIZE);
		if (indicator_value_canon((enum indicator_type)t, in, size, out,
					  INDICATOR_VALUE_SIZE, &err) == 0) {
			CHECK(memchr(out, '\0', INDICATOR_VALUE_SIZE) != NULL);
			check_value((enum indicator_type)t, out);
		} else {
			CHECK(out[0] == '\0');
			CHECK(err.kind == PERR_INVALID);
			CHECK(strcmp(err.field, "value") == 0);
			CHECK(err.msg[0] != '\0');
			CHECK(utf8_valid(err.msg, strlen(err.msg)));
		}
	}
	enum indicator_type g = indicator_type_guess(in, size);
	CHECK(g >= INDICATOR_NONE && g < INDICATOR_TYPE_COUNT);
	if (g != INDICATOR_NONE)
		CHECK(indicator_value_canon(g, in, size, out, INDICATOR_VALUE_SIZE, NULL) == 0);
	free(out);
	free(in);
	return 0;
}
