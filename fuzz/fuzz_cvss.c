/*
** fuzz_cvss.c -- libFuzzer target for the CVSS vectors advisories carry
** (src/advisory/cvss.c, advisory_cvss_parse).
**
** A vector comes from a vendor bulletin or a feed: any bytes. The input is
** parsed as given (its length is the bound; no NUL needed) and checked:
**
**   1. refused: PERR_INVALID on field "cvss" with a message;
**   2. accepted: a known version, the base score in 0.0..10.0 with one
**      decimal, the severity the score's band names, and a NUL-terminated
**      normalised vector no longer than the input;
**   3. the normalised vector parses again to the same version, score,
**      severity and vector (normalising is idempotent), so a stored vector
**      always reads back as the score shown with it.
** Seeds in fuzz/corpus/cvss/ are 3.0, 3.1 and 4.0 vectors with temporal,
** threat, environmental and supplemental metrics. A broken check calls
** abort().
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "fuzz_cvss: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                           \
			abort();                                                     \
		}                                                                    \
	} while (0)

static const char *band(double s)
{
	int t = (int)(s * 10 + 0.5);
	return t == 0 ? "none" : t < 40 ? "low" : t < 70 ? "medium" : t < 90 ? "high" : "critical";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct advisory_cvss a, b;
	struct perr err = { 0 };
	if (advisory_cvss_parse((const char *)data, size, &a, &err) != 0) {
		CHECK(err.kind == PERR_INVALID);
		CHECK(strcmp(err.field, "cvss") == 0);
		CHECK(err.msg[0] != '\0');
		return 0;
	}
	CHECK(a.version == ADVISORY_CVSS_31 || a.version == ADVISORY_CVSS_40);
	CHECK(a.base >= 0.0 && a.base <= 10.0);
	double tenths = a.base * 10;
	long t = (long)(tenths + 0.5);
	CHECK(tenths - (double)t < 1e-9 && (double)t - tenths < 1e-9);
	CHECK(a.severity && strcmp(a.severity, band(a.base)) == 0);
	size_t vlen = strnlen(a.vector, sizeof a.vector);
	CHECK(vlen < sizeof a.vector);
	CHECK(vlen <= size);

	struct perr err2 = { 0 };
	CHECK(advisory_cvss_parse(a.vector, vlen, &b, &err2) == 0);
	CHECK(b.version == a.version);
	CHECK(b.base == a.base);
	CHECK(strcmp(b.severity, a.severity) == 0);
	CHECK(strcmp(b.vector, a.vector) == 0);
	return 0;
}
