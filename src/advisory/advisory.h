/*
** advisory.h — advisories (issue 14): what a vendor or the centre announces
** about a vulnerable product, who in the constituency runs it, whether each
** organisation was warned, acknowledged and patched.
**
** This first part holds the pure functions every later part stands on, each
** a function of its arguments (no I/O, no globals), bounded on hostile
** input and fuzzed:
**
**   cvss.c     CVSS 3.1 and 4.0 vectors: parse, validate, base score;
**   version.c  comparing versions as vendors write them (6.42.1,
**              15.2(4)E7, 1.1.1k) and NVD-style ranges (start/end,
**              including or excluding);
**   cpe.c      CPE 2.3 formatted-string names: parse, bind, match.
*/
#ifndef PARAPET_ADVISORY_H
#define PARAPET_ADVISORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* ------------------------------------------------------------------- CVSS */

#define ADVISORY_CVSS_VECTOR_MAX 256 /* bytes of a vector accepted */

enum advisory_cvss_version { ADVISORY_CVSS_31 = 31, ADVISORY_CVSS_40 = 40 };

struct advisory_cvss {
	enum advisory_cvss_version version;
	double base;          /* 0.0 .. 10.0, one decimal, as the specification rounds */
	const char *severity; /* "none", "low", "medium", "high", "critical" (static) */
	char vector[ADVISORY_CVSS_VECTOR_MAX]; /* normalised: the specification's metric order */
};

/* Parse and score a CVSS vector: "CVSS:3.1/AV:N/AC:L/..." (3.0 accepted as
** 3.1's metrics) or "CVSS:4.0/AV:N/AC:L/AT:N/...". Every base metric must be
** present exactly once with a defined value; temporal/environmental (3.1)
** and threat/environmental/supplemental (4.0) metrics are accepted and
** validated but do not change the base score. 0, or -1 with err
** (PERR_INVALID, field "cvss", the message naming the metric at fault). */
int advisory_cvss_parse(const char *vector, size_t len, struct advisory_cvss *out,
			struct perr *err);

/* --------------------------------------------------------------- versions */

/* Compare two version strings as vendors write them: runs of digits
** compare as numbers of any length (leading zeros ignored, no overflow),
** runs of letters as text (ASCII case-insensitive), every other byte
** (. - _ ( ) space ...) only separates; missing trailing components are 0
** ("6.42" == "6.42.0"). The first pre-release word (dev, snapshot < alpha <
** beta < pre, preview < rc, cr) sorts before the release ("7.1beta3" <
** "7.1rc1" < "7.1"); any other letters, a single letter included, sort
** after it ("1.1.1" < "1.1.1k", OpenSSL's patch letter; "15.2(4)E" <
** "15.2(4)E7" < "15.2(4)E10", Cisco IOS by its parts; "2.4.41" <
** "2.4.41-ubuntu" < "2.4.42"). "+..." and "build..." are build metadata,
** ignored ("1.0.0+build5" == "1.0.0"), and so are release and channel
** words ("1.0-final", "6.48.6 (long-term)"); a leading "v" before a digit
** is dropped. Reads a[0..alen) and b[0..blen) only (NULL reads as ""). Returns
** -1, 0 or 1: a total preorder, deterministic, linear in alen + blen.
** version.c's opening comment gives the model and the choices. */
int advisory_version_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* A range as NVD writes it: each bound optional (NULL or ""). */
struct advisory_range {
	const char *start; /* versionStartIncluding or versionStartExcluding */
	bool start_incl;
	const char *end;   /* versionEndIncluding or versionEndExcluding */
	bool end_incl;
	const char *exact; /* a single version ("6.42.1"), or NULL; "*" or "-": any */
};

/* Is version inside r? NVD's semantics: a bound NULL, "", "*" or "-" is
** absent; an exact version must compare equal ("*" and "-" mean any); a
** start or end bound admits a version equal to it only when it is the
** including kind (versionEndExcluding 6.42.1 leaves 6.42.1 out); every
** bound set must hold; no bound at all admits every version. An unknown
** version (NULL, "", "*", "-") is inside only the unconstrained range; r
** NULL is that range. version and the bounds are NUL-terminated. */
bool advisory_version_in(const char *version, const struct advisory_range *r);

/* ------------------------------------------------------------------- CPE */

#define ADVISORY_CPE_MAX 512 /* bytes of a CPE 2.3 name accepted */
#define ADVISORY_CPE_FIELD_MAX 128

enum { ADVISORY_CPE_PART, ADVISORY_CPE_VENDOR, ADVISORY_CPE_PRODUCT, ADVISORY_CPE_VERSION,
       ADVISORY_CPE_UPDATE, ADVISORY_CPE_EDITION, ADVISORY_CPE_LANGUAGE, ADVISORY_CPE_SW_EDITION,
       ADVISORY_CPE_TARGET_SW, ADVISORY_CPE_TARGET_HW, ADVISORY_CPE_OTHER, ADVISORY_CPE_FIELDS };

/* A CPE 2.3 formatted string, unbound: "*" is ANY, "-" is NA, quoted
** characters unquoted, lower-cased. */
struct advisory_cpe {
	char f[ADVISORY_CPE_FIELDS][ADVISORY_CPE_FIELD_MAX];
};

/* Parse "cpe:2.3:a:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*" (13 fields,
** part one of a, o, h or *). 0, or -1 with err (PERR_INVALID, field "cpe"). */
int advisory_cpe_parse(const char *s, size_t len, struct advisory_cpe *out, struct perr *err);
/* Does name match pattern (the CPE matching rule: ANY in the pattern
** matches anything, NA only NA, otherwise equal; the version field is left
** to the caller when skip_version)? */
bool advisory_cpe_match(const struct advisory_cpe *pattern, const struct advisory_cpe *name,
			bool skip_version);
/* Write cpe as a formatted string into out (ADVISORY_CPE_MAX). */
const char *advisory_cpe_format(const struct advisory_cpe *cpe, char out[ADVISORY_CPE_MAX]);
/* (cpe.c) Stored values: the quoting backslash is dropped ("15.2(4)e7")
** except before a literal '\\', '*' or '?' and in a lone literal hyphen
** ("\-"), so ANY "*", NA "-" and the wildcards (an unquoted '*' or run of
** '?' at a value's ends, IR 7695) stay told apart from literals. match
** follows IR 7696: a pattern's wildcards cover a plain name value; a name
** value that is ANY or has wildcards matches only the same or ANY.
** format returns out, or NULL (out "") for a hand-filled struct too long
** to bind; whatever parse filled always fits. */

#define ADVISORY_CPE_TEXT_MAX 1024 /* bytes of a product text read by from_text */

/* Map a free-text product string as the `product` asset holds it
** ("mikrotik routeros 6.42", "Cisco IOS 15.2(4)E7", "OpenSSH_7.4",
** "Microsoft-IIS/10.0") to a CPE name with part, vendor, product and
** version (the rest ANY; version ANY when the text gives none), from a
** small table of NVD CPE dictionary names; a text that is a CPE 2.3 name
** already is parsed as one. 1 when mapped, 0 when not (the
** text is then for an analyst to map; out is all zero). */
int advisory_cpe_from_text(const char *text, size_t len, struct advisory_cpe *out);

#endif /* PARAPET_ADVISORY_H */
