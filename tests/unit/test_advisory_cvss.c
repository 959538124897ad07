/*
** test_advisory_cvss.c — CVSS vectors as advisories carry them
** (src/advisory/cvss.c): the base score and severity a warning to a
** constituent shows, and the vectors refused.
**
** The expected scores are not ours: 3.1/3.0 ones are NVD's and FIRST's
** published examples (CVE-2018-0171, Cisco Smart Install: 9.8) and values
** of the base-vector table of the Python "cvss" library
** (RedHatProductSecurity/cvss tests/vectors_simple31), which agreed with
** this code on all 2,592 base vectors; 4.0 ones are FIRST's calculator's
** (cvss40.js as first.org serves it), which agreed on all 104,976 base
** vectors. Among them a 4.0 vector whose interpolated score is a tie that
** floating point leaves one ulp short (8.55 -> 8.6) and vectors from every
** MacroVector class. Then malformed vectors, each refused naming the metric
** at fault, and the normalised order.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "advisory/advisory.h"

static double dabs(double x)
{
	return x < 0 ? -x : x;
}

static void scores(const char *vector, double want, const char *severity)
{
	struct advisory_cvss c;
	struct perr err = { 0 };
	if (advisory_cvss_parse(vector, strlen(vector), &c, &err) != 0)
		fail_msg("refused %s: %s", vector, err.msg);
	if (dabs(c.base - want) > 1e-9)
		fail_msg("%s scored %.1f, want %.1f", vector, c.base, want);
	if (strcmp(c.severity, severity) != 0)
		fail_msg("%s is %s, want %s", vector, c.severity, severity);
}

/* vector refused with PERR_INVALID on field "cvss", the message holding
** every word of names (the metric and value at fault). */
static void refused(const char *vector, size_t len, const char *name1, const char *name2)
{
	struct advisory_cvss c;
	struct perr err = { 0 };
	if (advisory_cvss_parse(vector, len, &c, &err) == 0)
		fail_msg("accepted %.*s (score %.1f)", (int)len, vector ? vector : "", c.base);
	assert_int_equal(err.kind, PERR_INVALID);
	assert_string_equal(err.field, "cvss");
	if (name1 && !strstr(err.msg, name1))
		fail_msg("error for %.*s does not name %s: %s", (int)len, vector ? vector : "", name1, err.msg);
	if (name2 && !strstr(err.msg, name2))
		fail_msg("error for %.*s does not name %s: %s", (int)len, vector ? vector : "", name2, err.msg);
}

static void v31_known_scores(void **state)
{
	(void)state;
	/* CVE-2018-0171 (Cisco Smart Install), as NVD gives it */
	scores("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "critical");
	scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "critical");
	scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, "critical");
	scores("CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.8, "low");
	scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, "none");
	scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N", 0.0, "none");
	/* CVE-2021-44228 (Log4Shell) */
	scores("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H", 9.0, "critical");
	/* a stored XSS as NVD usually scores it: scope changed, PR:L 0.68 */
	scores("CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", 5.4, "medium");
	/* from the base-vector table */
	scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H", 10.0, "critical");
	scores("CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:N/A:N", 3.5, "low");
	scores("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:L", 7.1, "high");
	scores("CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:C/C:L/I:L/A:H", 6.8, "medium");
	scores("CVSS:3.1/AV:A/AC:L/PR:L/UI:N/S:U/C:N/I:L/A:N", 3.5, "low");
	scores("CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:L", 5.9, "medium");
	scores("CVSS:3.1/AV:A/AC:H/PR:H/UI:N/S:C/C:N/I:H/A:H", 7.3, "high");
	scores("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:N", 8.4, "high");
	scores("CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:L/I:L/A:L", 4.0, "medium");
	scores("CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:C/C:N/I:N/A:H", 5.3, "medium");
	scores("CVSS:3.1/AV:P/AC:L/PR:N/UI:R/S:C/C:H/I:N/A:N", 5.1, "medium");
	scores("CVSS:3.1/AV:P/AC:L/PR:H/UI:N/S:U/C:N/I:H/A:L", 4.6, "medium");
	scores("CVSS:3.1/AV:P/AC:H/PR:L/UI:N/S:U/C:H/I:L/A:H", 5.9, "medium");
}

static void v31_optional_metrics_do_not_move_base(void **state)
{
	(void)state;
	/* temporal and environmental metrics are validated, not scored */
	scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U", 9.8, "critical");
	scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/CR:L/IR:L/AR:L/MAV:P/MAC:H/MPR:H/"
	       "MUI:R/MS:C/MC:N/MI:N/MA:N",
	       9.8, "critical");
}

static void v40_known_scores(void **state)
{
	(void)state;
	scores("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, "critical");
	scores("CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.5, "high");
	scores("CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.7, "high");
	scores("CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.5, "high");
	scores("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", 6.9, "medium");
	/* only the subsequent system is hit */
	scores("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:H/SA:H", 7.9, "high");
	/* no impact at all */
	scores("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0, "none");
	/* the lowest classes */
	scores("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:N/VI:N/VA:N/SC:L/SI:N/SA:N", 1.0, "low");
	scores("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", 1.0, "low");
	/* 8.55 computed as 8.549999...: the calculator rounds it half up */
	scores("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H/SI:H/SA:H", 8.6, "high");
	scores("CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:H/VA:L/SC:N/SI:N/SA:L", 5.7, "medium");
	/* one from each corner of the MacroVector space */
	scores("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:L/SC:H/SI:H/SA:H", 7.9, "high");
	scores("CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:L/VI:N/VA:N/SC:H/SI:H/SA:L", 5.6, "medium");
	scores("CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:N/VC:L/VI:N/VA:H/SC:L/SI:H/SA:N", 7.0, "high");
	scores("CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:P/VC:L/VI:N/VA:L/SC:L/SI:H/SA:H", 6.3, "medium");
	scores("CVSS:4.0/AV:A/AC:L/AT:P/PR:L/UI:P/VC:L/VI:N/VA:N/SC:L/SI:H/SA:L", 2.1, "low");
	scores("CVSS:4.0/AV:A/AC:H/AT:N/PR:H/UI:P/VC:L/VI:N/VA:H/SC:N/SI:H/SA:N", 5.6, "medium");
	scores("CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:L/VI:N/VA:L/SC:N/SI:H/SA:H", 6.0, "medium");
	scores("CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:A/VC:L/VI:N/VA:N/SC:N/SI:H/SA:L", 2.0, "low");
	scores("CVSS:4.0/AV:L/AC:H/AT:N/PR:H/UI:A/VC:L/VI:N/VA:H/SC:H/SI:L/SA:N", 5.7, "medium");
	scores("CVSS:4.0/AV:P/AC:L/AT:N/PR:L/UI:N/VC:L/VI:N/VA:L/SC:H/SI:L/SA:H", 4.5, "medium");
	scores("CVSS:4.0/AV:P/AC:L/AT:P/PR:H/UI:N/VC:L/VI:N/VA:N/SC:H/SI:L/SA:L", 2.1, "low");
	scores("CVSS:4.0/AV:P/AC:H/AT:P/PR:N/UI:N/VC:L/VI:N/VA:H/SC:L/SI:L/SA:N", 4.3, "medium");
	/* threat, environmental and supplemental metrics: validated, base unmoved */
	scores("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/CR:L/IR:L/AR:L/"
	       "MAV:P/MAC:H/MAT:P/MPR:H/MUI:A/MVC:N/MVI:N/MVA:N/MSC:N/MSI:S/MSA:S/S:P/AU:Y/R:I/V:C/"
	       "RE:H/U:Amber",
	       9.3, "critical");
}

static void normalised_in_spec_order(void **state)
{
	(void)state;
	struct advisory_cvss c;
	struct perr err = { 0 };
	const char *v3 = "CVSS:3.1/A:H/E:P/S:U/C:H/I:H/AV:N/AC:L/PR:N/UI:N";
	assert_int_equal(advisory_cvss_parse(v3, strlen(v3), &c, &err), 0);
	assert_int_equal(c.version, ADVISORY_CVSS_31);
	assert_string_equal(c.vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P");
	assert_true(dabs(c.base - 9.8) < 1e-9);

	const char *v30 = "CVSS:3.0/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H";
	assert_int_equal(advisory_cvss_parse(v30, strlen(v30), &c, &err), 0);
	assert_int_equal(c.version, ADVISORY_CVSS_31);
	assert_string_equal(c.vector, "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");

	const char *v4 = "CVSS:4.0/U:Red/SA:N/SI:N/SC:N/VA:H/VI:H/VC:H/UI:N/PR:N/AT:N/AC:L/AV:N/E:A";
	assert_int_equal(advisory_cvss_parse(v4, strlen(v4), &c, &err), 0);
	assert_int_equal(c.version, ADVISORY_CVSS_40);
	assert_string_equal(c.vector,
			    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/U:Red");
	assert_true(dabs(c.base - 9.3) < 1e-9);

	/* len bounds the vector: what follows is not read */
	const char *cut = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/garbage";
	assert_int_equal(advisory_cvss_parse(cut, strlen(cut) - 8, &c, &err), 0);
}

static void malformed_vectors_refused(void **state)
{
	(void)state;
#define R(v, a, b) refused(v, strlen(v), a, b)
	/* a base metric missing */
	R("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "A", "missing");
	R("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H", "S", "missing");
	R("CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "AT", "missing");
	/* a metric twice, even with the same value */
	R("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:N", "AV", "twice");
	R("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/E:U", "E", "twice");
	/* a value the metric does not have (values are case-sensitive) */
	R("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV", "'X'");
	R("CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV", "'n'");
	R("CVSS:3.1/AV:N/AC:L/PR:N/UI:P/S:U/C:H/I:H/A:H", "UI", "'P'");
	R("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "UI", "'R'");
	R("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N", "SI", "'S'");
	R("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:red", "U", "'red'");
	R("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:A", "E", "'A'");
	R("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:", "A", "''");
	/* a metric of the other version, or none at all */
	R("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AT:N", "AT", "unknown");
	R("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/RL:O", "RL", "unknown");
	R("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:Y", "ZZ", "unknown");
	R("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/AH", "AH", NULL);
	/* the prefix */
	R("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/", NULL);
	R("CVSS:2.0/AV:N/AC:L/Au:N/C:C/I:C/A:C", "CVSS:3.1/", NULL);
	R("cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/", NULL);
	R("CVSS:3.1", "CVSS:3.1/", NULL);
	R("", "CVSS:3.1/", NULL);
	/* empty metrics: trailing, doubled slash, spaces */
	R("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", "trailing", NULL);
	R("CVSS:3.1/AV:N/AC:L//PR:N/UI:N/S:U/C:H/I:H/A:H", "empty", NULL);
	R("CVSS:3.1/", "empty", NULL);
	R("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H ", "A", "'H?'");
	/* a NUL inside the given length */
	refused("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\0/E:X", 50, "A", NULL);
#undef R
	/* over-long: optional metrics repeated past the limit */
	char big[600];
	int n = snprintf(big, sizeof big, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
	while (n < 400)
		n += snprintf(big + n, sizeof big - (size_t)n, "/E:X");
	refused(big, (size_t)n, "longer", "255");
	refused(NULL, 0, NULL, NULL);
}

/* The longest valid vectors fit the normalised buffer. */
static void longest_vectors_fit(void **state)
{
	(void)state;
	const char *v4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/CR:L/"
			 "IR:L/AR:L/MAV:P/MAC:H/MAT:P/MPR:H/MUI:A/MVC:N/MVI:N/MVA:N/MSC:N/MSI:S/MSA:S/"
			 "S:P/AU:Y/R:I/V:C/RE:H/U:Amber";
	struct advisory_cvss c;
	struct perr err = { 0 };
	assert_int_equal(advisory_cvss_parse(v4, strlen(v4), &c, &err), 0);
	assert_string_equal(c.vector, v4);
}

/* Every base vector of each version, scored and summed in tenths, against
** the same sum over the reference calculators' scores (3.1: the 2,592
** vectors of the Python "cvss" library's vectors_simple31; 4.0: the
** 104,976 vectors scored by FIRST's cvss40.js, whose older plain
** Math.round would give 5,964,361). One wrong MacroVector entry, level or
** rounding moves the sum. Each vector also reads back from its normalised
** form with the same score. */
static long sweep(const char *prefix, const char *const *metric, const char *const *values, int n)
{
	int idx[16] = { 0 };
	long sum = 0;
	for (;;) {
		char v[ADVISORY_CVSS_VECTOR_MAX];
		int o = snprintf(v, sizeof v, "%s", prefix);
		for (int i = 0; i < n; i++)
			o += snprintf(v + o, sizeof v - (size_t)o, "/%s:%c", metric[i], values[i][idx[i]]);
		struct advisory_cvss c, again;
		struct perr err = { 0 };
		if (advisory_cvss_parse(v, (size_t)o, &c, &err) != 0)
			fail_msg("refused %s: %s", v, err.msg);
		assert_true(c.base >= 0.0 && c.base <= 10.0);
		assert_int_equal(advisory_cvss_parse(c.vector, strlen(c.vector), &again, &err), 0);
		assert_true(again.base == c.base);
		sum += (long)(c.base * 10 + 0.5);
		int i = n - 1;
		while (i >= 0 && values[i][++idx[i]] == '\0')
			idx[i--] = 0;
		if (i < 0)
			return sum;
	}
}

static void every_base_vector_scores_as_the_reference(void **state)
{
	(void)state;
	static const char *const m3[] = { "AV", "AC", "PR", "UI", "S", "C", "I", "A" };
	static const char *const v3[] = { "NALP", "LH", "NLH", "NR", "UC", "HLN", "HLN", "HLN" };
	assert_int_equal(sweep("CVSS:3.1", m3, v3, 8), 142706);
	static const char *const m4[] = { "AV", "AC", "AT", "PR", "UI", "VC",
					  "VI", "VA", "SC", "SI", "SA" };
	static const char *const v4[] = { "NALP", "LH", "NP", "NLH", "NPA", "HLN",
					  "HLN", "HLN", "HLN", "HLN", "HLN" };
	assert_int_equal(sweep("CVSS:4.0", m4, v4, 11), 5964883);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(v31_known_scores),
		cmocka_unit_test(v31_optional_metrics_do_not_move_base),
		cmocka_unit_test(v40_known_scores),
		cmocka_unit_test(normalised_in_spec_order),
		cmocka_unit_test(malformed_vectors_refused),
		cmocka_unit_test(longest_vectors_fit),
		cmocka_unit_test(every_base_vector_scores_as_the_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
