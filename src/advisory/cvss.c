/*
** cvss.c — CVSS vectors as advisories carry them (issue 14): the FIRST
** Common Vulnerability Scoring System, versions 3.1 (and 3.0, which has the
** same metrics) and 4.0. A vendor bulletin, NVD or a CERT gives a vector
** string; we parse it strictly (a malformed or doctored vector must not
** become a wrong severity in a warning sent to a constituent), compute the
** base score exactly as the specification defines it, and write the vector
** back in the specification's metric order so equal vectors compare equal.
**
** 3.1: the base equations of the CVSS v3.1 specification (section 7.1) with
** its integer-based Roundup (Appendix A), which avoids the floating point
** errors of 3.0's ceil(x*10)/10; a "CVSS:3.0/" vector is scored with the
** same equations (its base metrics are 3.1's) and keeps its prefix.
** 4.0: the MacroVector lookup table and the severity-distance interpolation
** of FIRST's reference calculator (github.com/FIRSTdotorg/cvss-v4-calculator,
** cvss_lookup.js, max_composed.js, max_severity.js, cvss_score.js); the
** table is data from the standard, transcribed. The final rounding is the
** one of the calculator first.org serves since November 2024
** (RedHatProductSecurity/cvss-v4-calculator cvss40.js, issue #66: half up
** with a 1e-6 lift), which moves 522 base vectors a tenth up from the older
** FIRSTdotorg copy's plain Math.round; the Python "cvss" library agrees. The base score (CVSS-B) is
** computed with the threat and environmental metrics at their defaults
** (E:X as E:A, CR/IR/AR:X as H, no modified metrics), as the header's
** contract says: optional metrics are validated, not scored.
**
** Pure: no I/O, no globals written, bounded by ADVISORY_CVSS_VECTOR_MAX.
*/
#include <stdio.h>
#include <string.h>

#include "advisory/advisory.h"

#define MAX_METRICS 32 /* 4.0 has 32 metrics, 3.1 has 22 */

struct cvss_metric {
	const char *name;
	bool base;               /* required exactly once */
	const char *values[8];   /* NULL-terminated; index is the metric's value code */
};

/* CVSS v3.1 specification, section 6 (vector string) order. */
static const struct cvss_metric v3_metrics[] = {
	{ "AV", true, { "N", "A", "L", "P" } },
	{ "AC", true, { "L", "H" } },
	{ "PR", true, { "N", "L", "H" } },
	{ "UI", true, { "N", "R" } },
	{ "S", true, { "U", "C" } },
	{ "C", true, { "H", "L", "N" } },
	{ "I", true, { "H", "L", "N" } },
	{ "A", true, { "H", "L", "N" } },
	{ "E", false, { "X", "U", "P", "F", "H" } },
	{ "RL", false, { "X", "O", "T", "W", "U" } },
	{ "RC", false, { "X", "U", "R", "C" } },
	{ "CR", false, { "X", "L", "M", "H" } },
	{ "IR", false, { "X", "L", "M", "H" } },
	{ "AR", false, { "X", "L", "M", "H" } },
	{ "MAV", false, { "X", "N", "A", "L", "P" } },
	{ "MAC", false, { "X", "L", "H" } },
	{ "MPR", false, { "X", "N", "L", "H" } },
	{ "MUI", false, { "X", "N", "R" } },
	{ "MS", false, { "X", "U", "C" } },
	{ "MC", false, { "X", "N", "L", "H" } },
	{ "MI", false, { "X", "N", "L", "H" } },
	{ "MA", false, { "X", "N", "L", "H" } },
};
enum { V3_AV, V3_AC, V3_PR, V3_UI, V3_S, V3_C, V3_I, V3_A, V3_N = 22 };

/* CVSS v4.0 specification, section 7 (vector string) order. */
static const struct cvss_metric v4_metrics[] = {
	{ "AV", true, { "N", "A", "L", "P" } },
	{ "AC", true, { "L", "H" } },
	{ "AT", true, { "N", "P" } },
	{ "PR", true, { "N", "L", "H" } },
	{ "UI", true, { "N", "P", "A" } },
	{ "VC", true, { "H", "L", "N" } },
	{ "VI", true, { "H", "L", "N" } },
	{ "VA", true, { "H", "L", "N" } },
	{ "SC", true, { "H", "L", "N" } },
	{ "SI", true, { "H", "L", "N" } },
	{ "SA", true, { "H", "L", "N" } },
	{ "E", false, { "X", "A", "P", "U" } },
	{ "CR", false, { "X", "H", "M", "L" } },
	{ "IR", false, { "X", "H", "M", "L" } },
	{ "AR", false, { "X", "H", "M", "L" } },
	{ "MAV", false, { "X", "N", "A", "L", "P" } },
	{ "MAC", false, { "X", "L", "H" } },
	{ "MAT", false, { "X", "N", "P" } },
	{ "MPR", false, { "X", "N", "L", "H" } },
	{ "MUI", false, { "X", "N", "P", "A" } },
	{ "MVC", false, { "X", "H", "L", "N" } },
	{ "MVI", false, { "X", "H", "L", "N" } },
	{ "MVA", false, { "X", "H", "L", "N" } },
	{ "MSC", false, { "X", "H", "L", "N" } },
	{ "MSI", false, { "X", "S", "H", "L", "N" } },
	{ "MSA", false, { "X", "S", "H", "L", "N" } },
	{ "S", false, { "X", "N", "P" } },
	{ "AU", false, { "X", "N", "Y" } },
	{ "R", false, { "X", "A", "U", "I" } },
	{ "V", false, { "X", "D", "C" } },
	{ "RE", false, { "X", "L", "M", "H" } },
	{ "U", false, { "X", "Clear", "Green", "Amber", "Red" } },
};
enum { V4_AV, V4_AC, V4_AT, V4_PR, V4_UI, V4_VC, V4_VI, V4_VA, V4_SC, V4_SI, V4_SA, V4_N = 32 };

/* ------------------------------------------------------------- 3.1 score */

/* The specification's Roundup (CVSS v3.1, Appendix A): the smallest number
** with one decimal >= x, computed on integers so that 4.000000000000001
** (a floating point artefact) rounds to 4.0 and not 4.1. */
static double v3_roundup(double x)
{
	long long i = (long long)(x * 100000.0 + 0.5); /* x >= 0: round to nearest */
	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (double)(i / 10000 + 1) / 10.0;
}

static double v3_base(const int *v)
{
	static const double av[] = { 0.85, 0.62, 0.55, 0.2 };
	static const double ac[] = { 0.77, 0.44 };
	static const double pr_u[] = { 0.85, 0.62, 0.27 };
	static const double pr_c[] = { 0.85, 0.68, 0.5 };
	static const double ui[] = { 0.85, 0.62 };
	static const double cia[] = { 0.56, 0.22, 0.0 };
	bool changed = v[V3_S] == 1;
	double iss = 1.0 - (1.0 - cia[v[V3_C]]) * (1.0 - cia[v[V3_I]]) * (1.0 - cia[v[V3_A]]);
	double p15 = 1.0; /* (ISS - 0.02)^15, without libm */
	for (int k = 0; k < 15; k++)
		p15 *= iss - 0.02;
	double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * p15 : 6.42 * iss;
	double expl = 8.22 * av[v[V3_AV]] * ac[v[V3_AC]] *
		      (changed ? pr_c : pr_u)[v[V3_PR]] * ui[v[V3_UI]];
	if (impact <= 0)
		return 0.0;
	double sum = changed ? 1.08 * (impact + expl) : impact + expl;
	return v3_roundup(sum < 10.0 ? sum : 10.0);
}

/* ------------------------------------------------------------- 4.0 score */

/* MacroVector scores in tenths, indexed [eq1][eq2][eq3][eq4][eq5][eq6]
** (3x2x3x3x3x2); -1 where the standard defines no MacroVector (eq3=2 with
** eq6=0, which no vector reaches). Transcribed from cvss_lookup.js. */
static const signed char v4_lookup[324] = {
	100,  99,  98,  95,  95,  92, 100,  96,  93,  87,  91,  81,  93,  90,  89,  80,  81,  68,
	 98,  95,  95,  92,  90,  84,  93,  92,  89,  81,  81,  65,  88,  80,  78,  70,  69,  48,
	 -1,  92,  -1,  82,  -1,  72,  -1,  79,  -1,  69,  -1,  50,  -1,  69,  -1,  55,  -1,  27,
	 99,  97,  95,  92,  92,  85,  95,  91,  90,  83,  84,  71,  92,  81,  82,  71,  72,  53,
	 95,  93,  92,  85,  85,  73,  92,  82,  80,  72,  70,  59,  84,  70,  71,  52,  50,  30,
	 -1,  86,  -1,  75,  -1,  52,  -1,  71,  -1,  52,  -1,  29,  -1,  63,  -1,  29,  -1,  17,
	 98,  95,  94,  87,  91,  81,  94,  89,  86,  74,  77,  64,  87,  75,  74,  63,  63,  49,
	 94,  89,  88,  77,  76,  67,  86,  76,  74,  58,  59,  50,  72,  57,  57,  52,  52,  25,
	 -1,  83,  -1,  70,  -1,  54,  -1,  65,  -1,  58,  -1,  26,  -1,  53,  -1,  21,  -1,  13,
	 95,  90,  88,  76,  76,  70,  90,  77,  75,  62,  61,  53,  77,  66,  68,  59,  52,  30,
	 89,  78,  76,  67,  62,  58,  74,  59,  57,  57,  47,  23,  61,  52,  57,  29,  24,  16,
	 -1,  71,  -1,  59,  -1,  30,  -1,  58,  -1,  26,  -1,  15,  -1,  23,  -1,  13,  -1,   6,
	 93,  87,  86,  72,  75,  58,  86,  74,  74,  61,  56,  34,  70,  54,  52,  40,  40,  22,
	 85,  75,  74,  55,  62,  51,  72,  57,  55,  41,  46,  19,  53,  36,  34,  19,  19,   8,
	 -1,  64,  -1,  51,  -1,  20,  -1,  47,  -1,  21,  -1,  11,  -1,  24,  -1,   9,  -1,   4,
	 88,  75,  73,  53,  60,  50,  73,  55,  59,  40,  41,  20,  54,  43,  45,  22,  20,  11,
	 75,  55,  58,  45,  40,  21,  61,  51,  48,  18,  20,   9,  46,  18,  17,   7,   8,   2,
	 -1,  53,  -1,  24,  -1,  14,  -1,  24,  -1,  12,  -1,   5,  -1,  10,  -1,   3,  -1,   1,
};

static int v4_lut(int e1, int e2, int e3, int e4, int e5, int e6)
{
	if (e1 > 2 || e2 > 1 || e3 > 2 || e4 > 2 || e5 > 2 || e6 > 1)
		return -1;
	return v4_lookup[((((e1 * 2 + e2) * 3 + e3) * 3 + e4) * 3 + e5) * 2 + e6];
}

/* The metrics the interpolation measures distance on, as the reference's
** level tables (cvss_score.js) index them: value letters and their levels
** in tenths. */
enum { D_AV, D_PR, D_UI, D_AC, D_AT, D_VC, D_VI, D_VA, D_SC, D_SI, D_SA, D_CR, D_IR, D_AR, D_N };

static int v4_level(int d, char c)
{
	switch (d) {
	case D_AV: return c == 'N' ? 0 : c == 'A' ? 1 : c == 'L' ? 2 : 3;
	case D_PR: return c == 'N' ? 0 : c == 'L' ? 1 : 2;
	case D_UI: return c == 'N' ? 0 : c == 'P' ? 1 : 2;
	case D_AC: return c == 'L' ? 0 : 1;
	case D_AT: return c == 'N' ? 0 : 1;
	case D_VC: case D_VI: case D_VA: return c == 'H' ? 0 : c == 'L' ? 1 : 2;
	case D_SC: return c == 'H' ? 1 : c == 'L' ? 2 : 3;
	case D_SI: case D_SA: return c == 'S' ? 0 : c == 'H' ? 1 : c == 'L' ? 2 : 3;
	default: return c == 'H' ? 0 : c == 'M' ? 1 : 2; /* CR, IR, AR */
	}
}

/* Highest-severity vectors of each MacroVector class (max_composed.js),
** as the value letters of the metrics each equivalence set covers. */
static const char *const eq1_max[3][3] = { { "NNN" }, { "ANN", "NLN", "NNP" }, { "PNN", "ALP" } };
static const char *const eq2_max[2][2] = { { "LN" }, { "HN", "LP" } };
/* VC VI VA CR IR AR, by eq3 then eq6 */
static const char *const eq36_max[3][2][5] = {
	{ { "HHHHHH" }, { "HHLMMH", "HHHMMM" } },
	{ { "LHHHHH", "HLHHHH" }, { "LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM" } },
	{ { NULL }, { "LLLHHH" } },
};
static const char *const eq4_max[3] = { "HSS", "HHH", "LLL" };
/* Depth of each MacroVector class in severity steps (max_severity.js). */
static const int eq1_depth[3] = { 1, 4, 5 };
static const int eq2_depth[2] = { 1, 2 };
static const int eq36_depth[3][2] = { { 7, 6 }, { 8, 8 }, { 0, 10 } };
static const int eq4_depth[3] = { 6, 5, 4 };

static int count_of(const char *const *list, int max)
{
	int n = 0;
	while (n < max && list[n])
		n++;
	return n;
}

/* The base score of a 4.0 vector: the MacroVector's score lowered by the
** mean, over the equivalence sets that have a lower MacroVector, of the
** score gap to it times the vector's share of the set's depth. Mirrors
** cvss_score.js step by step (levels as tenths in doubles, the same sums in
** the same order, the same final rounding) so every vector gets the
** reference's score: all 104,976 base vectors were checked against it. */
static double v4_base(const int *v)
{
	char c[D_N];
	/* the metric letters; threat/environmental at their defaults */
	c[D_AV] = v4_metrics[V4_AV].values[v[V4_AV]][0];
	c[D_PR] = v4_metrics[V4_PR].values[v[V4_PR]][0];
	c[D_UI] = v4_metrics[V4_UI].values[v[V4_UI]][0];
	c[D_AC] = v4_metrics[V4_AC].values[v[V4_AC]][0];
	c[D_AT] = v4_metrics[V4_AT].values[v[V4_AT]][0];
	c[D_VC] = v4_metrics[V4_VC].values[v[V4_VC]][0];
	c[D_VI] = v4_metrics[V4_VI].values[v[V4_VI]][0];
	c[D_VA] = v4_metrics[V4_VA].values[v[V4_VA]][0];
	c[D_SC] = v4_metrics[V4_SC].values[v[V4_SC]][0];
	c[D_SI] = v4_metrics[V4_SI].values[v[V4_SI]][0];
	c[D_SA] = v4_metrics[V4_SA].values[v[V4_SA]][0];
	c[D_CR] = c[D_IR] = c[D_AR] = 'H';
	char e = 'A';

	if (c[D_VC] == 'N' && c[D_VI] == 'N' && c[D_VA] == 'N' && c[D_SC] == 'N' &&
	    c[D_SI] == 'N' && c[D_SA] == 'N')
		return 0.0;

	int eq1, eq2, eq3, eq4, eq5, eq6;
	if (c[D_AV] == 'N' && c[D_PR] == 'N' && c[D_UI] == 'N')
		eq1 = 0;
	else if ((c[D_AV] == 'N' || c[D_PR] == 'N' || c[D_UI] == 'N') && c[D_AV] != 'P')
		eq1 = 1;
	else
		eq1 = 2;
	eq2 = (c[D_AC] == 'L' && c[D_AT] == 'N') ? 0 : 1;
	if (c[D_VC] == 'H' && c[D_VI] == 'H')
		eq3 = 0;
	else if (c[D_VC] == 'H' || c[D_VI] == 'H' || c[D_VA] == 'H')
		eq3 = 1;
	else
		eq3 = 2;
	if (c[D_SI] == 'S' || c[D_SA] == 'S') /* only MSI/MSA can say S */
		eq4 = 0;
	else if (c[D_SC] == 'H' || c[D_SI] == 'H' || c[D_SA] == 'H')
		eq4 = 1;
	else
		eq4 = 2;
	eq5 = e == 'A' ? 0 : e == 'P' ? 1 : 2;
	eq6 = ((c[D_CR] == 'H' && c[D_VC] == 'H') || (c[D_IR] == 'H' && c[D_VI] == 'H') ||
	       (c[D_AR] == 'H' && c[D_VA] == 'H')) ? 0 : 1;

	int tenths = v4_lut(eq1, eq2, eq3, eq4, eq5, eq6);
	if (tenths < 0)
		return 0.0; /* unreachable: every vector falls in a defined MacroVector */
	double value = tenths / 10.0;

	/* the next lower MacroVector of each set; -1: none */
	int low1 = v4_lut(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
	int low2 = v4_lut(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
	int low36;
	if (eq3 == 0 && eq6 == 0) {
		int left = v4_lut(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
		int right = v4_lut(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
		low36 = left > right ? left : right;
	} else if (eq3 == 1 && eq6 == 0) {
		low36 = v4_lut(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
	} else if (eq3 == 2 && eq6 == 1) {
		low36 = -1; /* 21 -> 32 does not exist */
	} else {
		low36 = v4_lut(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
	}
	int low4 = v4_lut(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
	int low5 = v4_lut(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

	/* the first highest-severity vector the scored one is no more severe
	** than, in max_composed's order; its distances per metric */
	double dist[D_N] = { 0 };
	int n1 = count_of(eq1_max[eq1], 3), n2 = count_of(eq2_max[eq2], 2);
	int n36 = count_of(eq36_max[eq3][eq6], 5);
	for (int a = 0; a < n1; a++)
		for (int b = 0; b < n2; b++)
			for (int k = 0; k < n36; k++) {
				char mx[D_N];
				mx[D_AV] = eq1_max[eq1][a][0];
				mx[D_PR] = eq1_max[eq1][a][1];
				mx[D_UI] = eq1_max[eq1][a][2];
				mx[D_AC] = eq2_max[eq2][b][0];
				mx[D_AT] = eq2_max[eq2][b][1];
				const char *m36 = eq36_max[eq3][eq6][k];
				mx[D_VC] = m36[0];
				mx[D_VI] = m36[1];
				mx[D_VA] = m36[2];
				mx[D_CR] = m36[3];
				mx[D_IR] = m36[4];
				mx[D_AR] = m36[5];
				mx[D_SC] = eq4_max[eq4][0];
				mx[D_SI] = eq4_max[eq4][1];
				mx[D_SA] = eq4_max[eq4][2];
				bool ok = true;
				for (int d = 0; d < D_N; d++) {
					/* the reference subtracts levels held as
					** 0.1, 0.2, 0.3: the same doubles here */
					dist[d] = v4_level(d, c[d]) / 10.0 - v4_level(d, mx[d]) / 10.0;
					if (dist[d] < 0)
						ok = false;
				}
				if (ok)
					goto found;
			}
found:;
	double cur1 = dist[D_AV] + dist[D_PR] + dist[D_UI];
	double cur2 = dist[D_AC] + dist[D_AT];
	double cur36 = dist[D_VC] + dist[D_VI] + dist[D_VA] + dist[D_CR] + dist[D_IR] + dist[D_AR];
	double cur4 = dist[D_SC] + dist[D_SI] + dist[D_SA];
	const double step = 0.1;

	int n = 0;
	double sum = 0;
	if (low1 >= 0) {
		n++;
		sum += (value - low1 / 10.0) * (cur1 / (eq1_depth[eq1] * step));
	}
	if (low2 >= 0) {
		n++;
		sum += (value - low2 / 10.0) * (cur2 / (eq2_depth[eq2] * step));
	}
	if (low36 >= 0) {
		n++;
		sum += (value - low36 / 10.0) * (cur36 / (eq36_depth[eq3][eq6] * step));
	}
	if (low4 >= 0) {
		n++;
		sum += (value - low4 / 10.0) * (cur4 / (eq4_depth[eq4] * step));
	}
	if (low5 >= 0)
		n++; /* eq5's share is always 0 */
	if (n > 0)
		value -= sum / n;
	if (value < 0)
		value = 0.0;
	if (value > 10)
		value = 10.0;
	/* The calculator's roundToDecimalPlaces: JavaScript's Math.round of
	** (value + 1e-6) * 10, the epsilon so that a tie the doubles above left
	** one ulp short of x.x5 (8.6 - 7.15 = 1.4499999999999993) rounds half
	** up as exact arithmetic would. */
	return (double)(long long)((value + 1e-6) * 10 + 0.5) / 10; /* value >= 0 */
}

/* ---------------------------------------------------------------- parse */

static const char *severity_of(double s)
{
	if (s <= 0.0)
		return "none";
	if (s < 3.95)
		return "low";
	if (s < 6.95)
		return "medium";
	if (s < 8.95)
		return "high";
	return "critical";
}

static int find_metric(const struct cvss_metric *m, int n, const char *s, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(m[i].name) == len && memcmp(m[i].name, s, len) == 0)
			return i;
	return -1;
}

static int find_value(const struct cvss_metric *m, const char *s, size_t len)
{
	for (int i = 0; i < 8 && m->values[i]; i++)
		if (strlen(m->values[i]) == len && memcmp(m->values[i], s, len) == 0)
			return i;
	return -1;
}

/* Print at most 16 bytes of an outside token, non-printables as '?', so an
** error message stays short and clean whatever the vector held. */
static void token(char out[20], const char *s, size_t len)
{
	size_t n = len > 16 ? 16 : len, i;
	for (i = 0; i < n; i++)
		out[i] = (s[i] > 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (len > 16) {
		out[i++] = '.';
		out[i++] = '.';
	}
	out[i] = '\0';
}

int advisory_cvss_parse(const char *vector, size_t len, struct advisory_cvss *out,
			struct perr *err)
{
	char tok[20];
	memset(out, 0, sizeof *out);
	if (!vector)
		return perr_set(err, PERR_INVALID, "cvss", "no CVSS vector");
	if (len >= ADVISORY_CVSS_VECTOR_MAX)
		return perr_set(err, PERR_INVALID, "cvss",
				"CVSS vector longer than %d bytes", ADVISORY_CVSS_VECTOR_MAX - 1);

	const struct cvss_metric *metrics;
	int nmetrics;
	const char *prefix;
	if (len >= 9 && memcmp(vector, "CVSS:3.1/", 9) == 0) {
		metrics = v3_metrics, nmetrics = V3_N, prefix = "CVSS:3.1";
		out->version = ADVISORY_CVSS_31;
	} else if (len >= 9 && memcmp(vector, "CVSS:3.0/", 9) == 0) {
		metrics = v3_metrics, nmetrics = V3_N, prefix = "CVSS:3.0";
		out->version = ADVISORY_CVSS_31;
	} else if (len >= 9 && memcmp(vector, "CVSS:4.0/", 9) == 0) {
		metrics = v4_metrics, nmetrics = V4_N, prefix = "CVSS:4.0";
		out->version = ADVISORY_CVSS_40;
	} else {
		return perr_set(err, PERR_INVALID, "cvss",
				"CVSS vector must start with CVSS:3.1/, CVSS:3.0/ or CVSS:4.0/");
	}

	int val[MAX_METRICS];
	for (int i = 0; i < MAX_METRICS; i++)
		val[i] = -1;
	size_t pos = 9;
	for (;;) {
		const char *part = vector + pos;
		const char *slash = memchr(part, '/', len - pos);
		size_t plen = slash ? (size_t)(slash - part) : len - pos;
		if (plen == 0)
			return perr_set(err, PERR_INVALID, "cvss",
					"CVSS vector has an empty metric (a doubled or trailing '/')");
		const char *colon = memchr(part, ':', plen);
		if (!colon) {
			token(tok, part, plen);
			return perr_set(err, PERR_INVALID, "cvss",
					"CVSS metric '%s' is not METRIC:VALUE", tok);
		}
		size_t nlen = (size_t)(colon - part), vlen = plen - nlen - 1;
		int mi = find_metric(metrics, nmetrics, part, nlen);
		if (mi < 0) {
			token(tok, part, nlen);
			return perr_set(err, PERR_INVALID, "cvss", "unknown CVSS metric '%s' in %s",
					tok, prefix);
		}
		if (val[mi] >= 0)
			return perr_set(err, PERR_INVALID, "cvss", "CVSS metric %s given twice",
					metrics[mi].name);
		int vi = find_value(&metrics[mi], colon + 1, vlen);
		if (vi < 0) {
			token(tok, colon + 1, vlen);
			return perr_set(err, PERR_INVALID, "cvss",
					"CVSS metric %s has no value '%s'", metrics[mi].name, tok);
		}
		val[mi] = vi;
		if (!slash)
			break;
		pos += plen + 1;
	}
	for (int i = 0; i < nmetrics; i++)
		if (metrics[i].base && val[i] < 0)
			return perr_set(err, PERR_INVALID, "cvss",
					"CVSS base metric %s is missing", metrics[i].name);

	/* The normalised vector has the same pairs as the input (no longer),
	** so it fits; snprintf's return is checked all the same. */
	size_t o = (size_t)snprintf(out->vector, sizeof out->vector, "%s", prefix);
	for (int i = 0; i < nmetrics; i++) {
		if (val[i] < 0)
			continue;
		int w = snprintf(out->vector + o, sizeof out->vector - o, "/%s:%s",
				 metrics[i].name, metrics[i].values[val[i]]);
		if (w < 0 || (size_t)w >= sizeof out->vector - o)
			return perr_set(err, PERR_INVALID, "cvss", "CVSS vector too long");
		o += (size_t)w;
	}

	out->base = out->version == ADVISORY_CVSS_40 ? v4_base(val) : v3_base(val);
	out->severity = severity_of(out->base);
	return 0;
}
