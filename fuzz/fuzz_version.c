/*
** fuzz_version.c -- libFuzzer target for the version order advisories
** target by (src/advisory/version.c): any bytes, as a scan report's banner
** or a hostile advisory's range may carry.
**
** The input is cut at its first two newlines into three versions a, b, c
** (missing parts are empty), each copied into a buffer of exactly its
** length so that a read past len is ASan's to see. Checked:
**
**   1. reflexivity: cmp(x, x) == 0 for each;
**   2. antisymmetry: sign(cmp(x, y)) == -sign(cmp(y, x)) for every pair;
**   3. transitivity: x <= y and y <= z imply x <= z, and x == y implies x
**      and y compare alike against z, for every ordered triple;
**   4. the comparison is a function of its input (the same answer twice);
**   5. advisory_version_in agrees with cmp: with a (NUL-free) as start and
**      c as end, b is in the including range exactly when a <= b <= c, and
**      in the excluding one exactly when a < b < c.
** Seeds in fuzz/corpus/version/ are real vendor versions in threes. A
** broken check calls abort().
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
			fprintf(stderr, "fuzz_version: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                               \
			abort();                                                         \
		}                                                                        \
	} while (0)

static int sgn(int v)
{
	return (v > 0) - (v < 0);
}

static int cmp(char *const *v, const size_t *n, int i, int j)
{
	return sgn(advisory_version_cmp(v[i], n[i], v[j], n[j]));
}

/* A NUL-terminated copy of v, or NULL when v holds a NUL (the range API
** takes C strings, so such inputs only exercise cmp). */
static char *cstr(const char *v, size_t n)
{
	if (memchr(v, '\0', n))
		return NULL;
	char *s = malloc(n + 1);
	if (!s)
		return NULL;
	memcpy(s, v, n);
	s[n] = '\0';
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *v[3] = {NULL, NULL, NULL};
	size_t n[3] = {0, 0, 0};
	size_t off = 0;
	for (int k = 0; k < 3; k++) {
		size_t end = off;
		if (k < 2)
			while (end < size && data[end] != '\n')
				end++;
		else
			end = size;
		n[k] = end - off;
		v[k] = malloc(n[k] ? n[k] : 1);
		if (!v[k])
			goto out;
		if (n[k])
			memcpy(v[k], data + off, n[k]);
		off = end < size ? end + 1 : size;
	}

	for (int i = 0; i < 3; i++) {
		CHECK(cmp(v, n, i, i) == 0);
		for (int j = 0; j < 3; j++) {
			int ij = cmp(v, n, i, j);
			CHECK(ij == -cmp(v, n, j, i));
			CHECK(ij == cmp(v, n, i, j));
			for (int k = 0; k < 3; k++) {
				int jk = cmp(v, n, j, k), ik = cmp(v, n, i, k);
				if (ij <= 0 && jk <= 0)
					CHECK(ik <= 0);
				if (ij == 0)
					CHECK(jk == ik);
			}
		}
	}

	char *a = cstr(v[0], n[0]), *b = cstr(v[1], n[1]), *c = cstr(v[2], n[2]);
	if (a && b && c && a[0] && b[0] && c[0] && strcmp(a, "*") && strcmp(a, "-") &&
	    strcmp(b, "*") && strcmp(b, "-") && strcmp(c, "*") && strcmp(c, "-")) {
		int ab = cmp(v, n, 0, 1), bc = cmp(v, n, 1, 2);
		struct advisory_range r = {.start = a, .start_incl = true, .end = c, .end_incl = true};
		CHECK(advisory_version_in(b, &r) == (ab <= 0 && bc <= 0));
		r.start_incl = r.end_incl = false;
		CHECK(advisory_version_in(b, &r) == (ab < 0 && bc < 0));
		struct advisory_range e = {.exact = a};
		CHECK(advisory_version_in(b, &e) == (ab == 0));
	}
	free(a);
	free(b);
	free(c);
out:
	for (int k = 0; k < 3; k++)
		free(v[k]);
	return 0;
}
