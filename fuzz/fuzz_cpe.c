/*
** fuzz_cpe.c -- libFuzzer target for CPE 2.3 names (src/advisory/cpe.c):
** the formatted strings an advisory feed (NVD, a vendor, a peer CERT)
** hands us, and the free-text product strings of the asset inventory.
**
** The input is read as a CPE name and, whole, as a product text. Checks:
**   1. parse: when accepted, every value is NUL-terminated within its
**      array and non-empty; format binds it (never NULL for a parsed
**      name), the result parses again to the very same struct (format
**      and parse are inverse), and formatting that gives the same string;
**      the name matches itself, with and without the version;
**   2. from_text: when it maps, the CPE it gives binds and parses back to
**      itself and matches itself; when it does not, out is all zero;
**   3. match of the input's two halves, each parsed, runs bounded (no
**      check but the sanitizers').
** Seeds in fuzz/corpus/cpe/ are NVD names and product banners. A broken
** check calls abort().
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"

#define CHECK(cond)                                                                      \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "fuzz_cpe: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                               \
			abort();                                                         \
		}                                                                        \
	} while (0)

static void check_bound(const struct advisory_cpe *c)
{
	char out[ADVISORY_CPE_MAX], out2[ADVISORY_CPE_MAX];
	struct advisory_cpe c2;
	struct perr err = { 0 };

	for (int i = 0; i < ADVISORY_CPE_FIELDS; i++) {
		CHECK(memchr(c->f[i], '\0', ADVISORY_CPE_FIELD_MAX) != NULL);
		CHECK(c->f[i][0] != '\0');
	}
	CHECK(advisory_cpe_format(c, out) != NULL);
	CHECK(advisory_cpe_parse(out, strlen(out), &c2, &err) == 0);
	CHECK(memcmp(c, &c2, sizeof(c2)) == 0);
	CHECK(advisory_cpe_format(&c2, out2) != NULL);
	CHECK(strcmp(out, out2) == 0);
	CHECK(advisory_cpe_match(c, c, false));
	CHECK(advisory_cpe_match(c, c, true));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct advisory_cpe c, a, b;
	struct perr err = { 0 };

	if (advisory_cpe_parse(s, size, &c, &err) == 0)
		check_bound(&c);
	else
		CHECK(err.kind == PERR_INVALID && strcmp(err.field, "cpe") == 0);

	if (advisory_cpe_from_text(s, size, &c) == 1) {
		check_bound(&c);
	} else {
		static const struct advisory_cpe zero;
		CHECK(memcmp(&c, &zero, sizeof(c)) == 0);
	}

	size_t half = size / 2;
	if (advisory_cpe_parse(s, half, &a, NULL) == 0 &&
	    advisory_cpe_parse(s + half, size - half, &b, NULL) == 0) {
		(void)advisory_cpe_match(&a, &b, false);
		(void)advisory_cpe_match(&b, &a, true);
	}
	return 0;
}
