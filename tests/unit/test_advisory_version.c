/*
** test_advisory_version.c — the version order advisories target by
** (src/advisory/version.c) and NVD's ranges over it.
**
** Each vendor scheme the centre warns about is tried in both orders:
** MikroTik RouterOS (6.42.1, 6.49.10, 7.1beta3, 7.1rc1), Cisco IOS and IOS
** XE (15.2(4)E7, 15.2(4)E10, 16.3.1a), OpenSSL's patch letters (1.1.1k),
** Fortinet (7.0.12), a distribution's suffix (2.4.41-ubuntu) and semver's
** pre-releases and build metadata. Then the properties the targeting code
** relies on: equal spellings compare equal, the sign is antisymmetric, and
** 37 real versions shuffled and sorted with the comparison come back in the
** vendors' order. Hostile input: digit runs thousands of digits long and
** buffers without a terminating NUL (ASan sees a read past len). Ranges:
** each bound kind at, below and above the bound, exact versions and
** wildcards, and the empty range.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"

static bool in(const char *v, const char *start, bool si, const char *end, bool ei);

static int vcmp(const char *a, const char *b)
{
	return advisory_version_cmp(a, strlen(a), b, strlen(b));
}

/* a < b, checked in both orders. */
static void less(const char *a, const char *b)
{
	int r = vcmp(a, b), s = vcmp(b, a);
	if (!(r < 0 && s > 0))
		fail_msg("expected %s < %s, got cmp=%d and reversed %d", a, b, r, s);
}

static void same(const char *a, const char *b)
{
	int r = vcmp(a, b), s = vcmp(b, a);
	if (r != 0 || s != 0)
		fail_msg("expected %s == %s, got cmp=%d and reversed %d", a, b, r, s);
}

/* ----------------------------------------------------------- schemes */

static void test_dotted_numeric(void **state)
{
	(void)state;
	less("6.42", "6.42.1");
	less("6.42.1", "6.42.12");
	less("6.42.9", "6.42.10"); /* numbers, not text */
	less("6.49.10", "7.0");
	less("6.9", "6.10");
	less("1.2.3", "1.2.3.1");
	less("7.0.9", "7.0.12"); /* Fortinet */
	less("7.0.12", "7.2.0");
	same("6.42", "6.42.0"); /* trailing zero components are equal */
	same("6.42", "6.42.0.0");
	same("7.0.12", "7.00.012"); /* leading zeros are ignored */
	same("06.042.01", "6.42.1");
	same("0", "");
	same("v7.0.12", "7.0.12");
	less("6.42.0.1", "6.42.1");
}

static void test_mikrotik_prerelease(void **state)
{
	(void)state;
	less("7.1beta3", "7.1rc1");
	less("7.1rc1", "7.1");
	less("7.1beta3", "7.1");
	less("7.1beta3", "7.1beta10");
	less("7.1rc1", "7.1rc2");
	less("7.1rc1", "7.1.0"); /* 7.1.0 is 7.1 */
	less("7.1", "7.1.1");
	less("7.0.12", "7.1beta3");
	less("6.49.10", "7.1beta3");
	same("7.1RC1", "7.1rc1");
	same("7.1 rc1", "7.1rc1");
}

static void test_cisco(void **state)
{
	(void)state;
	less("15.2(4)E7", "15.2(4)E10");
	less("15.2(4)E10", "15.2(5)E");
	less("15.2(4)E", "15.2(4)E7");
	less("15.2(4)", "15.2(4)E");
	less("12.2(55)SE", "12.2(55)SE12");
	less("15.2(4)E7", "15.2(5)E");
	less("16.3.1", "16.3.1a"); /* IOS XE rebuild */
	less("16.3.1a", "16.3.2");
	less("16.3.1a", "16.3.1b");
	less("16.3.9", "16.12.4");
	same("15.2(4)E7", "15.2(4)e7");
}

static void test_openssl_letters(void **state)
{
	(void)state;
	less("1.1.1", "1.1.1a"); /* a single letter is a patch, not alpha */
	less("1.1.1j", "1.1.1k");
	less("1.1.1", "1.1.1k");
	less("1.1.1k", "1.1.2");
	less("1.1.0l", "1.1.1");
	less("1.0.2z", "1.0.2za");
	less("1.0.2za", "1.0.2zb");
	less("1.1.1-pre9", "1.1.1");
	less("1.1.1-pre9", "1.1.1a");
	less("0.9.8zh", "1.0.0");
	same("1.1.1K", "1.1.1k");
	less("7.4p1", "7.4p2"); /* OpenSSH */
	less("7.4", "7.4p1");
}

static void test_distro_and_semver(void **state)
{
	(void)state;
	less("2.4.41", "2.4.41-ubuntu");
	less("2.4.41-ubuntu", "2.4.42");
	less("2.4.41-ubuntu", "2.4.49");
	less("2.4.41", "2.4.41-4ubuntu3");
	/* semver 2.0.0 section 11's own example order */
	less("1.0.0-alpha", "1.0.0-alpha.1");
	less("1.0.0-alpha.1", "1.0.0-alpha.beta");
	less("1.0.0-alpha.beta", "1.0.0-beta");
	less("1.0.0-beta", "1.0.0-beta.2");
	less("1.0.0-beta.2", "1.0.0-beta.11");
	less("1.0.0-beta.11", "1.0.0-rc.1");
	less("1.0.0-rc.1", "1.0.0");
	less("0.9.9", "1.0.0-alpha");
	same("1.0.0+build5", "1.0.0");
	same("1.0.0+build5", "1.0.0+build6"); /* build metadata is ignored */
	same("1.0.0-alpha+001", "1.0.0-alpha");
	same("7.0.12 build0523", "7.0.12"); /* FortiOS */
	same("1.0-final", "1.0");
	/* RouterOS prints its release channel after the version. */
	same("6.48.6 (long-term)", "6.48.6");
	same("6.49.10 (stable)", "6.49.10");
	same("7.1rc1 (testing)", "7.1rc1");
	less("7.1rc1 (testing)", "7.1 (stable)");
	assert_true(in("6.48.6 (long-term)", NULL, false, "6.48.6", true));
	less("1.0.0-dev", "1.0.0-alpha");
	less("2.0.0-snapshot", "2.0.0");
}

/* ----------------------------------------------------- order properties */

/* In the order the vendors mean; no two compare equal. */
static const char *const sorted[] = {
	"0.9.8zh",      "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
	"1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",  "1.0.0",            "1.0.2u",
	"1.1.0l",       "1.1.1-pre9",  "1.1.1",         "1.1.1j",           "1.1.1k",
	"1.1.1w",       "2.4.41",      "2.4.41-ubuntu", "2.4.49",           "6.40.9",
	"6.42",         "6.42.1",      "6.42.12",       "6.49.10",          "7.0.1",
	"7.0.12",       "7.1beta3",    "7.1rc1",        "7.1",              "7.1.1",
	"15.2(4)E",     "15.2(4)E7",   "15.2(4)E10",    "15.2(5)E",         "16.3.1",
	"16.3.1a",      "16.12.4",
};
#define NSORTED (sizeof(sorted) / sizeof(sorted[0]))

static int qcmp(const void *x, const void *y)
{
	return vcmp(*(const char *const *)x, *(const char *const *)y);
}

static void test_sort_real_versions(void **state)
{
	(void)state;
	assert_true(NSORTED >= 30);
	const char *v[NSORTED];
	memcpy(v, sorted, sizeof(v));
	/* A deterministic shuffle (Fisher-Yates over a fixed LCG), four times. */
	uint32_t seed = 14;
	for (int round = 0; round < 4; round++) {
		for (size_t i = NSORTED - 1; i > 0; i--) {
			seed = seed * 1103515245u + 12345u;
			size_t j = (seed >> 8) % (i + 1);
			const char *t = v[i];
			v[i] = v[j];
			v[j] = t;
		}
		qsort(v, NSORTED, sizeof(v[0]), qcmp);
		for (size_t i = 0; i < NSORTED; i++)
			if (strcmp(v[i], sorted[i]) != 0)
				fail_msg("round %d: position %zu is %s, expected %s", round, i, v[i],
					 sorted[i]);
	}
}

static void test_antisymmetry_transitivity(void **state)
{
	(void)state;
	/* Every pair and triple of the list, plus spellings that compare equal. */
	const char *extra[] = {"6.42.0", "7.1.0", "1.0.0+b", "v6.42.1", "15.2(4)e7", "", "0",
			       "*",      "1.1.1K", "x",      "rc",      "1..2",    "1.2",  "a.b"};
	enum { NE = sizeof(extra) / sizeof(extra[0]) };
	const char *all[NSORTED + NE];
	size_t n = 0;
	for (size_t i = 0; i < NSORTED; i++)
		all[n++] = sorted[i];
	for (size_t i = 0; i < NE; i++)
		all[n++] = extra[i];
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(vcmp(all[i], all[i]), 0);
		for (size_t j = 0; j < n; j++) {
			int ij = vcmp(all[i], all[j]), ji = vcmp(all[j], all[i]);
			if ((ij > 0) != (ji < 0) || (ij == 0) != (ji == 0))
				fail_msg("antisymmetry: %s vs %s: %d, %d", all[i], all[j], ij, ji);
			for (size_t k = 0; k < n; k++) {
				int jk = vcmp(all[j], all[k]), ik = vcmp(all[i], all[k]);
				if (ij <= 0 && jk <= 0 && ik > 0)
					fail_msg("transitivity: %s <= %s <= %s but %s > %s", all[i],
						 all[j], all[k], all[i], all[k]);
				if (ij == 0 && (jk > 0) != (ik > 0))
					fail_msg("equality: %s == %s but differ against %s", all[i],
						 all[j], all[k]);
			}
		}
	}
	same("6.42.0", "6.42");
	same("6.42.1", "v6.42.1");
}

/* --------------------------------------------------------- hostile input */

/* "1." then n copies of d, then a NUL, in a fresh buffer. */
static char *digits(const char *head, char d, size_t n)
{
	size_t h = strlen(head);
	char *p = malloc(h + n + 1);
	assert_non_null(p);
	memcpy(p, head, h);
	memset(p + h, d, n);
	p[h + n] = '\0';
	return p;
}

static void test_long_digit_runs(void **state)
{
	(void)state;
	enum { N = 5000 };
	char *nines = digits("1.", '9', N);        /* 1.99..9, 5000 digits */
	char *ten = digits("1.1", '0', N);         /* 1.10..0, 5001 digits */
	char *ten_short = digits("1.1", '0', N - 1); /* 1.10..0, 5000 digits */
	char *zeros7 = digits("", '0', N);
	zeros7[N - 1] = '7';                       /* 00..07 */
	less(nines, ten);      /* a longer number is larger, whatever its digits */
	less(ten_short, nines);
	same(zeros7, "7");    /* leading zeros are ignored, however many */
	less(zeros7, "8");
	/* A number past 2^64 does not wrap around to a small one. */
	less("18446744073709551615", nines + 2);
	less("18446744073709551616", "18446744073709551617");
	less("1.18446744073709551615", "1.18446744073709551616");
	free(nines);
	free(ten);
	free(ten_short);
	free(zeros7);
}

static void test_never_reads_past_len(void **state)
{
	(void)state;
	/* Exactly len bytes, no NUL after them: ASan flags any read past. */
	const char *src[] = {"6.42.1", "15.2(4)E10", "1.1.1k", "7.1rc1", "1.0.0+build5", "v7",
			     "build", "0000"};
	for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
		size_t n = strlen(src[i]);
		for (size_t cut = 0; cut <= n; cut++) {
			char *p = malloc(cut ? cut : 1);
			assert_non_null(p);
			memcpy(p, src[i], cut);
			int r = advisory_version_cmp(p, cut, src[i], n);
			assert_int_equal(r, -advisory_version_cmp(src[i], n, p, cut));
			assert_int_equal(advisory_version_cmp(p, cut, p, cut), 0);
			free(p);
		}
	}
	/* A prefix of the buffer is what is compared. */
	assert_int_equal(advisory_version_cmp("6.42.1", 4, "6.42", 4), 0);
	assert_int_equal(advisory_version_cmp("7.1rc1", 3, "7.1", 3), 0);
	assert_true(advisory_version_cmp(NULL, 0, "1", 1) < 0);
	assert_int_equal(advisory_version_cmp(NULL, 0, "0.0", 3), 0);
	/* Bytes that are neither letters nor digits only separate. */
	same("6.42\xff" "1", "6.42.1");
	/* A NUL inside len separates, it does not end the version. */
	assert_int_equal(advisory_version_cmp("6.42\0" "1", 6, "6.42.1", 6), 0);
}

/* --------------------------------------------------------------- ranges */

static bool in(const char *v, const char *start, bool si, const char *end, bool ei)
{
	struct advisory_range r = {.start = start, .start_incl = si, .end = end, .end_incl = ei};
	return advisory_version_in(v, &r);
}

static void test_range_bounds(void **state)
{
	(void)state;
	/* versionEndExcluding 6.42.1: RouterOS "before 6.42.1". */
	assert_true(in("6.42", NULL, false, "6.42.1", false));
	assert_true(in("6.41.3", NULL, false, "6.42.1", false));
	assert_false(in("6.42.1", NULL, false, "6.42.1", false)); /* the fix itself is out */
	assert_false(in("6.42.1.0", NULL, false, "6.42.1", false));
	assert_false(in("6.49.10", NULL, false, "6.42.1", false));
	assert_true(in("6.42.1rc3", NULL, false, "6.42.1", false)); /* pre-release of the fix */
	/* versionEndIncluding 1.1.1j: OpenSSL "up to 1.1.1j". */
	assert_true(in("1.1.1j", NULL, false, "1.1.1j", true));
	assert_true(in("1.1.1", NULL, false, "1.1.1j", true));
	assert_false(in("1.1.1k", NULL, false, "1.1.1j", true));
	/* versionStartIncluding 15.2(4)E, versionEndExcluding 15.2(4)E7. */
	assert_true(in("15.2(4)E", "15.2(4)E", true, "15.2(4)E7", false)); /* start incl: in */
	assert_true(in("15.2(4)E5", "15.2(4)E", true, "15.2(4)E7", false));
	assert_false(in("15.2(4)E7", "15.2(4)E", true, "15.2(4)E7", false));
	assert_false(in("15.2(4)E10", "15.2(4)E", true, "15.2(4)E7", false));
	assert_false(in("15.2(3)E9", "15.2(4)E", true, "15.2(4)E7", false));
	/* versionStartExcluding 7.0.0, versionEndIncluding 7.0.12 (Fortinet). */
	assert_false(in("7.0.0", "7.0.0", false, "7.0.12", true)); /* start excl: out */
	assert_false(in("7.0", "7.0.0", false, "7.0.12", true));   /* the same version */
	assert_true(in("7.0.1", "7.0.0", false, "7.0.12", true));
	assert_true(in("7.0.12", "7.0.0", false, "7.0.12", true));
	assert_false(in("7.0.13", "7.0.0", false, "7.0.12", true));
	assert_false(in("7.2.4", "7.0.0", false, "7.0.12", true));
	/* Start only. */
	assert_true(in("7.1", "7.1beta3", true, NULL, false));
	assert_true(in("7.1beta3", "7.1beta3", true, "", false));
	assert_false(in("7.1beta2", "7.1beta3", true, NULL, false));
	assert_false(in("6.49.10", "7.1beta3", false, "*", false));
	/* No bounds at all: every version, and an unknown one. */
	assert_true(in("6.42.1", NULL, false, NULL, false));
	assert_true(in("", NULL, false, NULL, false));
	assert_true(advisory_version_in("1.0", NULL));
	/* An unknown version is inside only a range that constrains nothing. */
	assert_false(in(NULL, NULL, false, "6.42.1", false));
	assert_false(in("*", "1.0", true, NULL, false));
	assert_false(in("-", NULL, false, "2.0", true));
}

static void test_range_exact(void **state)
{
	(void)state;
	struct advisory_range r = {.exact = "6.42.1"};
	assert_true(advisory_version_in("6.42.1", &r));
	assert_true(advisory_version_in("6.42.1.0", &r));
	assert_false(advisory_version_in("6.42.10", &r));
	assert_false(advisory_version_in("6.42", &r));
	assert_false(advisory_version_in(NULL, &r));
	r.exact = "*"; /* any version */
	assert_true(advisory_version_in("6.42.10", &r));
	assert_true(advisory_version_in("", &r));
	r.exact = "-";
	assert_true(advisory_version_in("1.0", &r));
	/* A wildcard version with bounds: the bounds decide (NVD's usual shape). */
	r.exact = "*";
	r.end = "6.42.1";
	r.end_incl = false;
	assert_true(advisory_version_in("6.40", &r));
	assert_false(advisory_version_in("6.43", &r));
	/* An exact version and bounds: both must hold. */
	r.exact = "6.42";
	r.start = "6.40";
	r.start_incl = true;
	assert_true(advisory_version_in("6.42.0", &r));
	r.end = "6.42";
	assert_false(advisory_version_in("6.42", &r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dotted_numeric),
		cmocka_unit_test(test_mikrotik_prerelease),
		cmocka_unit_test(test_cisco),
		cmocka_unit_test(test_openssl_letters),
		cmocka_unit_test(test_distro_and_semver),
		cmocka_unit_test(test_sort_real_versions),
		cmocka_unit_test(test_antisymmetry_transitivity),
		cmocka_unit_test(test_long_digit_runs),
		cmocka_unit_test(test_never_reads_past_len),
		cmocka_unit_test(test_range_bounds),
		cmocka_unit_test(test_range_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
