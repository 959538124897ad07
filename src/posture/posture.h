/*
** posture.h — the daily security-posture grade of a watched website, as the
** CERT publishes it: named findings, a score 0..100 and a letter A+ .. F.
**
** The module does no I/O. The monitor gathers what its fetcher saw of one
** site (the TLS versions the server accepts, the certificate, the headers of
** the final HTTPS response, whether plain http:// redirects, the body of
** /.well-known/security.txt) into a struct posture_input; posture_judge()
** turns it into a struct posture_result, and posture_org_grade() turns the
** grades of an organisation's sites into one grade. The same calls serve the
** CLI and the tests, and the same input always gives the same result.
**
** Three parsers of outside data are public because the monitor and the
** fuzz target use them on their own: the Strict-Transport-Security header
** (RFC 6797), enough of Content-Security-Policy (CSP Level 3) to tell
** whether scripts and framing are restricted, and security.txt (RFC 9116).
** Every byte they read comes from a server that may be hostile: they take a
** pointer and a length (NUL bytes are data), bound what they read (header
** length, line length, line count, directives, values kept), never
** allocate, never fail, and record each cap that bites instead.
**
** The grading rules (points per finding, caps, letters) are documented at
** the top of posture.c; the finding ids are stable and published.
*/
#ifndef PARAPET_POSTURE_H
#define PARAPET_POSTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/core.h"

/* ------------------------------------------------------------------ limits */

#define POSTURE_HEADER_MAX (16u << 10)   /* bytes of one header value judged */
#define POSTURE_HSTS_DIRECTIVES_MAX 16   /* more: the HSTS header is malformed */
#define POSTURE_CSP_POLICIES_MAX 8       /* comma-separated policies read */
#define POSTURE_CSP_DIRECTIVES_MAX 128   /* directives read per policy */
#define POSTURE_STXT_MAX (32u << 10)     /* bytes of security.txt read */
#define POSTURE_STXT_LINE_MAX 2048       /* a longer line is skipped */
#define POSTURE_STXT_LINES_MAX 1000      /* lines read */
#define POSTURE_STXT_VALUE_MAX 512       /* a field value kept, NUL included */
#define POSTURE_STXT_CONTACTS_MAX 8      /* Contact values kept */
#define POSTURE_FINDINGS_MAX 32
#define POSTURE_TEXT_MAX 320             /* an explanation, NUL included */

/* ------------------------------------------------------------------ input */

/* TLS protocol versions the server accepts (posture_input.tls_versions). */
enum {
	POSTURE_TLS10 = 1 << 0,
	POSTURE_TLS11 = 1 << 1,
	POSTURE_TLS12 = 1 << 2,
	POSTURE_TLS13 = 1 << 3,
};

/* What plain http:// on port 80 does. Unknown (not measured) and closed
** (nothing listens) raise no finding: only a site that answers in clear
** text without sending the visitor to https:// does. */
enum posture_http {
	POSTURE_HTTP_UNKNOWN = 0,
	POSTURE_HTTP_REDIRECTS,   /* redirects to https:// (on the same host or another) */
	POSTURE_HTTP_PLAIN,       /* answers in clear text, or redirects to another http:// URL */
	POSTURE_HTTP_CLOSED,      /* connection refused: no clear-text site to strip */
};

struct posture_input {
	/* transport */
	bool https_missing;          /* nothing answers HTTPS: everything below but
				      * the HTTP headers and security.txt is ignored */
	unsigned tls_versions;       /* POSTURE_TLS* bits; 0 = not measured (no TLS finding) */
	int64_t cert_not_after_ms;   /* leaf certificate notAfter; 0 = unknown */
	int64_t cert_not_before_ms;  /* notBefore; 0 = unknown (used to scale "expires
				      * soon" for short-lived certificates) */
	bool cert_chain_valid;       /* the chain verifies to a trusted root */
	const char *cert_chain_error; /* the verifier's reason when not, or NULL */
	bool cert_hostname_ok;       /* the certificate names the site's host */
	enum posture_http http;      /* what http:// does */

	/* raw header values of the final HTTPS response, NULL when absent. A
	** header sent several times: CSP values joined with ", " (each is a
	** policy); for the others pass them joined the same way, as a proxy
	** would — HSTS sent twice is then reported malformed, as browsers treat
	** it. */
	const char *hsts;            /* Strict-Transport-Security */
	const char *csp;             /* Content-Security-Policy (enforced, not Report-Only) */
	const char *xfo;             /* X-Frame-Options */
	const char *xcto;            /* X-Content-Type-Options */
	const char *server;          /* Server */
	const char *powered_by;      /* X-Powered-By */

	/* GET /.well-known/security.txt: the body of a 200 response (NULL on
	** 404 or any error) and its Content-Type (NULL when absent). */
	const char *securitytxt;
	size_t securitytxt_len;
	const char *securitytxt_type;

	int64_t now_ms;              /* when the site was observed */
};

/* ------------------------------------------------------------------- HSTS */

struct posture_hsts {
	bool valid;               /* browsers would honour it */
	int64_t max_age;          /* seconds (saturates at 10^12); -1 when invalid */
	bool include_subdomains;
	bool preload;
	const char *error;        /* why it is invalid (static English), NULL when valid */
};

/* Parse one Strict-Transport-Security value (RFC 6797 6.1): directives
** separated by ';', names case-insensitive, values token or quoted-string,
** each directive at most once, max-age (digits) required,
** includeSubDomains and preload without a value, unknown directives
** ignored. Anything else makes it invalid, as browsers ignore such a header:
** a value longer than POSTURE_HEADER_MAX, more than
** POSTURE_HSTS_DIRECTIVES_MAX directives, a comma (the header sent twice).
** v may be NULL (invalid, "absent"). */
void posture_hsts_parse(const char *v, size_t n, struct posture_hsts *out);

/* -------------------------------------------------------------------- CSP */

/* What a Content-Security-Policy value does to scripts and framing. A value
** holds one or more policies separated by ','; a resource is allowed only
** when every policy allows it, so the script fields below are conjunctions
** over the policies and the framing field a disjunction. With no policy at
** all everything is allowed (unsafe_inline, unsafe_eval, script_any_host
** are true). */
struct posture_csp {
	bool present;             /* at least one policy with at least one directive */
	unsigned npolicies;       /* non-empty policies read */
	bool default_src;         /* some policy has default-src */
	bool script_restricted;   /* some policy has script-src(-elem/-attr) or default-src */
	bool unsafe_inline;       /* inline scripts or event handlers run under every policy:
				   * 'unsafe-inline' without a nonce, hash or 'strict-dynamic',
				   * or no script directive */
	bool unsafe_eval;         /* 'unsafe-eval' (or no script directive) everywhere */
	bool script_any_host;     /* scripts load from any host everywhere: *, http:, https:,
				   * data:, or http(s):// with the host * (without 'strict-dynamic') */
	bool frame_ancestors;     /* some policy has frame-ancestors */
	bool frame_protected;     /* ... that does not allow every site to frame the page */
	bool cut;                 /* longer than POSTURE_HEADER_MAX, or beyond the policy or
				   * directive caps: the rest was ignored */
};

/* Parse a Content-Security-Policy value as CSP3 2.2.1 does (directives
** split on ';', name up to the first whitespace, ASCII case-insensitive,
** the first of a repeated directive wins) and judge the directives that
** matter here: default-src, script-src, script-src-elem, script-src-attr
** (with their fallbacks) and frame-ancestors. v may be NULL (no policy). */
void posture_csp_parse(const char *v, size_t n, struct posture_csp *out);

/* ----------------------------------------------------------- security.txt */

/* Problems found in a security.txt file (posture_stxt.errors). */
enum {
	POSTURE_STXT_E_NO_CONTACT = 1 << 0,  /* no Contact field (it is required) */
	POSTURE_STXT_E_NO_EXPIRES = 1 << 1,  /* no Expires field (it is required) */
	POSTURE_STXT_E_BAD_EXPIRES = 1 << 2, /* Expires is not an RFC 3339 date-time */
	POSTURE_STXT_E_EXPIRED = 1 << 3,     /* Expires is in the past */
	POSTURE_STXT_E_EXPIRES_FAR = 1 << 4, /* Expires more than a year (366 days) ahead */
	POSTURE_STXT_E_REPEATED = 1 << 5,    /* Expires or Preferred-Languages given twice */
	POSTURE_STXT_E_BAD_LINE = 1 << 6,    /* a line neither field, comment nor blank */
	POSTURE_STXT_E_LONG_LINE = 1 << 7,   /* a line over POSTURE_STXT_LINE_MAX: skipped */
	POSTURE_STXT_E_TOO_BIG = 1 << 8,     /* over POSTURE_STXT_MAX bytes or
					      * POSTURE_STXT_LINES_MAX lines: rest ignored */
	POSTURE_STXT_E_NOT_UTF8 = 1 << 9,    /* a line not valid UTF-8 (or with NUL): skipped */
	POSTURE_STXT_E_BAD_CONTACT = 1 << 10, /* a Contact not a mailto:, tel: or https:// URI */
	POSTURE_STXT_E_BAD_URI = 1 << 11,    /* Encryption, Acknowledgments, Canonical, Policy or
					      * Hiring not an https:// URI (Encryption: or dns:,
					      * openpgp4fpr:) */
	POSTURE_STXT_E_LONG_VALUE = 1 << 12, /* a value over POSTURE_STXT_VALUE_MAX - 1: not kept */
	POSTURE_STXT_E_SIGNATURE = 1 << 13,  /* broken OpenPGP cleartext-signature framing,
					      * or text after the signature (ignored) */
};
#define POSTURE_STXT_E_ALL ((1u << 14) - 1)

struct posture_stxt {
	bool present;             /* a file was parsed */
	bool signed_msg;          /* framed as an OpenPGP cleartext-signed message (the
				   * signature is not verified) */
	char contacts[POSTURE_STXT_CONTACTS_MAX][POSTURE_STXT_VALUE_MAX]; /* in file order */
	unsigned ncontacts;       /* kept in contacts[] */
	unsigned contact_fields;  /* Contact fields seen, kept or not */
	bool has_expires;         /* a valid Expires was read (the first one) */
	int64_t expires_ms;
	/* the first value of each, "" when none (or too long) */
	char encryption[POSTURE_STXT_VALUE_MAX];
	char policy[POSTURE_STXT_VALUE_MAX];
	char canonical[POSTURE_STXT_VALUE_MAX];
	char languages[POSTURE_STXT_VALUE_MAX];
	unsigned nfields;         /* fields of the RFC 9116 registry read */
	unsigned nunknown;        /* other fields (ignored, as the RFC asks) */
	unsigned nlines;          /* lines read */
	unsigned errors;          /* POSTURE_STXT_E_* */
};

/* Parse a security.txt body (RFC 9116): "Name: value" lines (LF or CRLF),
** '#' comments, blank lines; an optional UTF-8 BOM; an OpenPGP
** cleartext-signed file is read through its framing (Hash armor headers,
** dash-escaped lines) and only its signed text counts. now_ms judges
** Expires. body NULL: nothing present. Never fails: problems are errors. */
void posture_stxt_parse(const char *body, size_t len, int64_t now_ms, struct posture_stxt *out);
/* "no_contact", "expired", ... for one POSTURE_STXT_E_* bit; NULL otherwise. */
const char *posture_stxt_error_name(unsigned bit);

/* ---------------------------------------------------------------- results */

enum posture_severity {
	POSTURE_INFO = 0,  /* costs no points, but keeps the site from A+ */
	POSTURE_LOW,
	POSTURE_MEDIUM,
	POSTURE_HIGH,
	POSTURE_CRITICAL,
};
const char *posture_severity_name(enum posture_severity s);

/* Best first, so that a lower value is a better grade. */
enum posture_grade {
	POSTURE_A_PLUS = 0,
	POSTURE_A,
	POSTURE_B,
	POSTURE_C,
	POSTURE_D,
	POSTURE_F,
};
#define POSTURE_GRADES 6
/* "A+", "A", "B", "C", "D", "F"; "?" out of range. */
const char *posture_grade_name(enum posture_grade g);
/* The letter of a score alone (A at best): A >= 90, B >= 75, C >= 60,
** D >= 40, F below. */
enum posture_grade posture_grade_of_score(int score);

struct posture_finding {
	const char *id;                 /* stable: "hsts.missing", ... (static) */
	enum posture_severity severity;
	int penalty;                    /* points taken from 100 (0 for info) */
	enum posture_grade cap;         /* best grade a site with it can get (A+: no cap) */
	char text[POSTURE_TEXT_MAX];    /* what is wrong, in English; printable ASCII
					 * (bytes from the site shown as '?' when not) */
	const char *fix;                /* what to do about it (static English) */
};

struct posture_result {
	int score;                      /* 0..100: 100 minus the penalties, at least 0 */
	enum posture_grade grade;
	const char *capped_by;          /* id of the finding whose cap lowered the grade below
					 * the score's letter, or NULL */
	struct posture_finding findings[POSTURE_FINDINGS_MAX]; /* capping first, then by penalty */
	size_t nfindings;

	/* what was judged, for the API */
	bool https;
	unsigned tls_versions;
	int64_t cert_not_after_ms;      /* 0 = unknown or no HTTPS */
	bool hsts_present;
	struct posture_hsts hsts;
	bool csp_present;               /* the header was sent */
	struct posture_csp csp;
	bool frame_protected;           /* by CSP frame-ancestors or X-Frame-Options */
	struct posture_stxt stxt;       /* present only when a plain-text file was served */
	int64_t judged_ms;
};

/* Judge one site. Deterministic; never fails on the site's data. Fails
** (PERR_INVALID, with the field) only on an unusable input: NULL, now_ms
** <= 0, unknown tls_versions bits or http value, securitytxt NULL with a
** length. r is filled completely in all cases (grade F on failure). */
int posture_judge(const struct posture_input *in, struct posture_result *r, struct perr *err);

/* The finding with that id, or NULL. */
const struct posture_finding *posture_find(const struct posture_result *r, const char *id);

/* {"score","grade","capped_by","findings":[{"id","severity","penalty",
** "explanation","remediation"}],"https","tls_versions":["1.2",...],
** "cert_not_after","hsts":{...},"csp":{...},"frame_protected",
** "securitytxt":{...},"judged_at"}; NULL on out of memory. */
json_t *posture_result_json(const struct posture_result *r);

/* --------------------------------------------------------- organisation */

/* What the organisation grade needs of each site (score and grade of its
** latest posture_result), so a caller can aggregate stored grades. */
struct posture_site_grade {
	int score;
	enum posture_grade grade;
};

struct posture_org {
	size_t nsites;
	int mean_score;                 /* mean of the site scores, rounded */
	enum posture_grade worst;       /* worst site grade */
	enum posture_grade grade;
	bool capped;                    /* the worst site held the grade down */
	size_t count[POSTURE_GRADES];   /* sites per grade */
};

/* Grade an organisation from its n >= 1 sites: the letter of the mean
** score (A+ only when every site is A+), but never more than one letter
** better than its worst site — an attacker picks the weakest site, so one F
** keeps the organisation at D or below however many sites are sound.
** PERR_INVALID on n == 0, a score outside 0..100 or an unknown grade. */
int posture_org_grade(const struct posture_site_grade *sites, size_t n, struct posture_org *out,
		      struct perr *err);
/* {"sites","mean_score","worst","grade","capped","count":{"A+":n,...}};
** NULL on out of memory. */
json_t *posture_org_json(const struct posture_org *o);

#endif /* PARAPET_POSTURE_H */
