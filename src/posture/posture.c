/*
** posture.c — the security-posture grade of one website and of an
** organisation, and the three parsers of outside data it rests on (HSTS,
** CSP, security.txt). Pure functions: no I/O, no clock, no allocation but
** the JSON renderers'.
**
** Grading. Each check that fails adds one finding with a stable id, a
** severity and a penalty; the score is 100 minus the penalties (at least 0)
** and gives the letter; some findings also cap the letter, as SSL Labs caps
** a grade whatever the score. The score stays meaningful under a cap (an
** expired certificate on an otherwise sound site is F with a high score:
** renew it and the site is back at its score's letter).
**
**   id                          severity  points  cap  when
**   https.missing               critical    60     F   nothing answers HTTPS
**   cert.expired                critical    60     F   notAfter <= now
**   cert.invalid_chain          critical    60     F   chain does not verify (not
**                                                      raised again when the reason
**                                                      is only the expiry)
**   cert.hostname_mismatch      critical    60     F   certificate does not name the host
**   tls.no_tls12                high        20     C   neither TLS 1.2 nor 1.3
**   tls.old_versions            medium      10     B   TLS 1.0 or 1.1 accepted
**   https.no_redirect           high        20     B   http:// served without redirect
**   cert.expires_soon           high        15         <= 3 days left (*)
**                               medium       5         <= 14 days left (*)
**   hsts.missing                high        20         no HSTS header
**   hsts.malformed              high        20         browsers would ignore it
**   hsts.disabled               high        20         max-age=0
**   hsts.short_max_age          medium      10         max-age < 15768000 (6 months)
**   hsts.no_subdomains          info         0         no includeSubDomains
**   csp.missing                 medium      15   [csp] no CSP, or one with no directive
**   csp.no_script_restriction   medium      10   [csp] no script-src / default-src
**   csp.unsafe_inline           medium      10   [csp] inline scripts allowed
**   csp.script_wildcard         medium      10   [csp] scripts from any host
**   csp.unsafe_eval             low          5   [csp] 'unsafe-eval'
**   frame.missing               medium      10         neither frame-ancestors nor XFO
**                                                      protects against framing
**   xcto.missing                low          5         X-Content-Type-Options not nosniff
**   banner.version              low          5         Server / X-Powered-By has a version
**   tls.no_tls13                info         0         TLS 1.2 without 1.3
**   securitytxt.missing         low          5  [stxt] none, or an HTML / non-text page
**   securitytxt.expired         low          5  [stxt] Expires in the past
**   securitytxt.no_contact      low          5  [stxt] no Contact field
**   securitytxt.no_expires      low          2  [stxt] Expires absent or not RFC 3339
**   securitytxt.long_expiry     info         0  [stxt] Expires > 366 days ahead
**   securitytxt.invalid         info         0  [stxt] other format problems
**   securitytxt.bad_type        info         0  [stxt] text/plain without charset=utf-8
**
**   (*) for a certificate whose notBefore is known the thresholds shrink to a
**       third (14 days) and a tenth (3 days) of its lifetime, so a 6-day
**       certificate is not "expiring soon" all its life.
**
** Groups: the penalties of a group are capped so that a broken thing never
** costs more than a missing one — [csp] at most 15 points, [stxt] at most 5.
** The first findings of a group (in the order above) take the points; a
** later one then carries what is left, possibly 0. So the penalties of a
** result always add up to 100 - score (before the floor at 0).
**
** With https.missing only the HTTP headers and security.txt are judged: TLS,
** certificate, redirect and HSTS mean nothing without HTTPS.
**
**   letter from score: A >= 90, B >= 75, C >= 60, D >= 40, F below;
**   grade = the worse of that letter and the worst cap of any finding
**           (capped_by names that finding only when its cap lowered the
**           grade below the letter);
**   A+ = A with no finding at all (info findings cost nothing but keep a
**        site from A+: TLS 1.3, includeSubDomains, a tidy security.txt).
**
** Rationale, against the tools an analyst knows: SSL Labs caps TLS 1.0/1.1
** at B, no TLS 1.2 at C, and gives F (or T) for an untrusted, expired or
** mismatched certificate; Mozilla Observatory weighs HSTS (-20), CSP (-25,
** here 15 so that a site with sound transport and no CSP is B, not C),
** frame protection and nosniff. A site with sound HTTPS but none of the
** headers and no security.txt scores 45 (D), 40 with a version banner;
** without the redirect to HTTPS too, F.
**
** Organisation grade (posture_org_grade): the letter of the mean site score
** (A+ only when every site is A+), capped at one letter better than the
** worst site.
*/
#include "posture/posture.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS 86400000LL
#define SIX_MONTHS_S 15768000LL
#define AGE_CAP 1000000000000LL       /* max-age saturates here (~31,700 years) */
#define FAR_MS (366 * DAY_MS)         /* "less than a year" with a day of slack */
#define TIME_MAX_MS 253402300799999LL /* 9999-12-31T23:59:59.999Z */

/* -------------------------------------------------------------- helpers */

static bool sp_tab(char c)
{
	return c == ' ' || c == '\t';
}

/* ASCII whitespace as CSP and the WHATWG specs define it. */
static bool ascii_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* RFC 9110 tchar. */
static bool tchar(char c)
{
	return is_alnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static struct pstr trim_ws(struct pstr s)
{
	while (s.n && ascii_ws(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && ascii_ws(s.p[s.n - 1]))
		s.n--;
	return s;
}

static bool iprefix(struct pstr s, const char *pre)
{
	size_t n = strlen(pre);
	return s.n >= n && pstr_ieqc((struct pstr){ s.p, n }, pre);
}

/* A header value as a view, reading at most POSTURE_HEADER_MAX + 1 bytes so
** that the parsers see (and report) an over-long value without our scanning
** all of it. */
static struct pstr header_view(const char *v)
{
	return (struct pstr){ v, v ? strnlen(v, POSTURE_HEADER_MAX + 1) : 0 };
}

/* Outside bytes as they may appear in an explanation: printable ASCII kept,
** anything else '?', at most max bytes then "...". dstsz > 0. */
static void show(char *dst, size_t dstsz, const char *s, size_t n, size_t max)
{
	size_t o = 0;
	bool more = n > max;
	if (more)
		n = max;
	for (size_t i = 0; i < n && o + 1 < dstsz; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	for (int k = 0; more && k < 3 && o + 1 < dstsz; k++)
		dst[o++] = '.';
	dst[o] = '\0';
}

/* Does the C string s (first 512 bytes) contain word, ASCII case-insensitive? */
static bool contains_ci(const char *s, const char *word)
{
	struct pstr v = { s, strnlen(s, 512) };
	size_t wn = strlen(word);
	for (size_t i = 0; i + wn <= v.n; i++)
		if (pstr_ieqc((struct pstr){ v.p + i, wn }, word))
			return true;
	return false;
}

/* "2026-11-28" of ms into out (>= 32 bytes). */
static void date_of(int64_t ms, char *out, size_t outsz)
{
	core_iso8601(ms, out, outsz);
	if (outsz > 10)
		out[10] = '\0';
}

/* ----------------------------------------------------------------- HSTS */

/* delta-seconds: 1*DIGIT, saturating at AGE_CAP. */
static int parse_age(struct pstr v, int64_t *out)
{
	if (v.n == 0)
		return -1;
	int64_t a = 0;
	for (size_t i = 0; i < v.n; i++) {
		if (!is_digit(v.p[i]))
			return -1;
		if (a < AGE_CAP)
			a = a * 10 + (v.p[i] - '0');
	}
	*out = a < AGE_CAP ? a : AGE_CAP;
	return 0;
}

void posture_hsts_parse(const char *v, size_t n, struct posture_hsts *h)
{
	static const char comma[] =
		"several values separated by ',' (the header sent more than once?)";
	const char *error = NULL;
	bool seen_age = false, seen_sub = false, seen_pre = false;
	int64_t age = -1;
	unsigned ndir = 0;
	size_t i = 0;

	memset(h, 0, sizeof(*h));
	h->max_age = -1;
	if (!v) {
		error = "absent";
		goto out;
	}
	if (n > POSTURE_HEADER_MAX) {
		error = "longer than the header limit";
		goto out;
	}
	while (i < n) {
		while (i < n && sp_tab(v[i]))
			i++;
		if (i == n)
			break;
		if (v[i] == ';') {
			i++;
			continue;
		}
		size_t ns = i;
		while (i < n && tchar(v[i]))
			i++;
		if (i == ns) {
			error = v[i] == ',' ? comma : "a directive does not start with a name";
			goto out;
		}
		struct pstr name = { v + ns, i - ns }, val = { NULL, 0 };
		if (++ndir > POSTURE_HSTS_DIRECTIVES_MAX) {
			error = "too many directives";
			goto out;
		}
		while (i < n && sp_tab(v[i]))
			i++;
		bool has_val = false;
		if (i < n && v[i] == '=') {
			has_val = true;
			i++;
			while (i < n && sp_tab(v[i]))
				i++;
			if (i < n && v[i] == '"') {
				size_t vs = ++i;
				while (i < n && v[i] != '"') {
					unsigned char c = (unsigned char)v[i];
					if (c == '\\') {
						if (i + 1 >= n) {
							i = n; /* a lone backslash at the end */
							break;
						}
						c = (unsigned char)v[i + 1];
						i++;
					}
					if ((c < 0x20 && c != '\t') || c == 0x7f) {
						error = "control character in a quoted value";
						goto out;
					}
					i++;
				}
				if (i >= n) {
					error = "unterminated quoted value";
					goto out;
				}
				val = (struct pstr){ v + vs, i - vs };
				i++;
			} else {
				size_t vs = i;
				while (i < n && tchar(v[i]))
					i++;
				val = (struct pstr){ v + vs, i - vs };
				if (val.n == 0) {
					error = i < n && v[i] == ',' ? comma : "'=' without a value";
					goto out;
				}
			}
		}
		while (i < n && sp_tab(v[i]))
			i++;
		if (i < n && v[i] != ';') {
			error = v[i] == ',' ? comma : "unexpected character after a directive";
			goto out;
		}
		if (pstr_ieqc(name, "max-age")) {
			if (seen_age) {
				error = "max-age given more than once";
				goto out;
			}
			seen_age = true;
			if (!has_val || parse_age(val, &age) != 0) {
				error = "max-age is not a number of seconds";
				goto out;
			}
		} else if (pstr_ieqc(name, "includeSubDomains") || pstr_ieqc(name, "preload")) {
			bool *seen = pstr_ieqc(name, "preload") ? &seen_pre : &seen_sub;
			if (*seen) {
				error = "a directive given more than once";
				goto out;
			}
			*seen = true;
			if (has_val) {
				error = "includeSubDomains and preload take no value";
				goto out;
			}
		}
		/* other directives: ignored, as RFC 6797 6.1 asks */
	}
	if (!seen_age)
		error = "max-age missing";
out:
	if (error) {
		h->error = error;
		return;
	}
	h->valid = true;
	h->max_age = age;
	h->include_subdomains = seen_sub;
	h->preload = seen_pre;
}

/* ------------------------------------------------------------------ CSP */

/* What one source list allows, as far as the grade cares. */
struct srcinfo {
	bool inline_kw;      /* 'unsafe-inline' */
	bool nonce_hash;     /* a nonce or hash source: 'unsafe-inline' is then ignored */
	bool strict_dynamic; /* 'strict-dynamic': host, scheme and 'unsafe-inline' ignored */
	bool eval;           /* 'unsafe-eval' */
	bool wildcard;       /* *, http:, https:, or http(s):// with the host * */
	bool data;           /* data: */
};

static struct srcinfo src_scan(struct pstr list)
{
	static const char *const wild[] = { "*", "http:", "https:", "http://*", "https://*" };
	static const char *const nh[] = { "'nonce-", "'sha256-", "'sha384-", "'sha512-" };
	struct srcinfo s = { 0 };
	size_t i = 0;
	while (i < list.n) {
		while (i < list.n && ascii_ws(list.p[i]))
			i++;
		size_t ts = i;
		while (i < list.n && !ascii_ws(list.p[i]))
			i++;
		struct pstr t = { list.p + ts, i - ts };
		if (t.n == 0)
			break;
		if (pstr_ieqc(t, "'unsafe-inline'"))
			s.inline_kw = true;
		else if (pstr_ieqc(t, "'unsafe-eval'"))
			s.eval = true;
		else if (pstr_ieqc(t, "'strict-dynamic'"))
			s.strict_dynamic = true;
		else if (pstr_ieqc(t, "data:"))
			s.data = true;
		for (size_t k = 0; k < ARRAY_SIZE(wild); k++)
			if (pstr_ieqc(t, wild[k]))
				s.wildcard = true;
		for (size_t k = 0; k < ARRAY_SIZE(nh); k++)
			if (iprefix(t, nh[k]) && t.n > strlen(nh[k]) + 1 && t.p[t.n - 1] == '\'')
				s.nonce_hash = true;
	}
	return s;
}

enum { D_DEFAULT, D_SCRIPT, D_ELEM, D_ATTR, D_FRAME, D_N };
static const char *const dir_names[D_N] = { "default-src", "script-src", "script-src-elem",
					    "script-src-attr", "frame-ancestors" };

/* Does the list (NULL: no directive, anything goes) let inline code run? */
static bool allows_inline(const struct pstr *list)
{
	if (!list)
		return true;
	struct srcinfo s = src_scan(*list);
	return s.inline_kw && !s.nonce_hash && !s.strict_dynamic;
}

void posture_csp_parse(const char *v, size_t n, struct posture_csp *c)
{
	bool elem_inline = true, attr_inline = true, eval = true, any_host = true;

	memset(c, 0, sizeof(*c));
	if (v) {
		if (n > POSTURE_HEADER_MAX) {
			/* judge the whole directives of the first part only */
			c->cut = true;
			n = POSTURE_HEADER_MAX;
			while (n && v[n - 1] != ';' && v[n - 1] != ',')
				n--;
		}
		struct pstr rest = { v, n };
		bool more = true;
		while (more) {
			struct pstr pol;
			more = pstr_cut(rest, ',', &pol, &rest);
			struct pstr d[D_N];
			bool set[D_N] = { false };
			unsigned nd = 0;
			bool dmore = true;
			while (dmore) {
				struct pstr tok;
				dmore = pstr_cut(pol, ';', &tok, &pol);
				tok = trim_ws(tok);
				if (tok.n == 0)
					continue;
				if (nd == POSTURE_CSP_DIRECTIVES_MAX) {
					c->cut = true;
					break;
				}
				nd++;
				size_t k = 0;
				while (k < tok.n && !ascii_ws(tok.p[k]))
					k++;
				struct pstr name = { tok.p, k }, val = { tok.p + k, tok.n - k };
				for (int x = 0; x < D_N; x++)
					if (!set[x] && pstr_ieqc(name, dir_names[x])) {
						set[x] = true; /* the first of a repeated directive wins */
						d[x] = val;
					}
			}
			if (nd == 0)
				continue; /* an empty policy does nothing */
			if (c->npolicies == POSTURE_CSP_POLICIES_MAX) {
				c->cut = true;
				break;
			}
			c->npolicies++;
			const struct pstr *dflt = set[D_DEFAULT] ? &d[D_DEFAULT] : NULL;
			const struct pstr *script = set[D_SCRIPT] ? &d[D_SCRIPT] : dflt;
			const struct pstr *elem = set[D_ELEM] ? &d[D_ELEM] : script;
			const struct pstr *attr = set[D_ATTR] ? &d[D_ATTR] : script;
			if (dflt)
				c->default_src = true;
			if (elem || attr)
				c->script_restricted = true;
			elem_inline = elem_inline && allows_inline(elem);
			attr_inline = attr_inline && allows_inline(attr);
			if (script)
				eval = eval && src_scan(*script).eval;
			if (elem) {
				struct srcinfo s = src_scan(*elem);
				any_host = any_host && (s.wildcard || s.data) && !s.strict_dynamic;
			} else {
				/* no script directive: any host, as with no policy */
			}
			if (set[D_FRAME]) {
				c->frame_ancestors = true;
				if (!src_scan(d[D_FRAME]).wildcard)
					c->frame_protected = true;
			}
		}
	}
	c->present = c->npolicies > 0;
	c->unsafe_inline = elem_inline || attr_inline;
	c->unsafe_eval = eval;
	c->script_any_host = any_host;
}

/* ---------------------------------------------------------- security.txt */

static const char *const stxt_err_names[] = {
	"no_contact", "no_expires", "bad_expires", "expired",    "expires_far",
	"repeated_field", "bad_line", "long_line", "too_big",   "not_utf8",
	"bad_contact", "bad_uri",   "long_value", "signature",
};

const char *posture_stxt_error_name(unsigned bit)
{
	for (size_t i = 0; i < ARRAY_SIZE(stxt_err_names); i++)
		if (bit == 1u << i)
			return stxt_err_names[i];
	return NULL;
}

/* Keep v in dst when it fits; a longer value is flagged, not cut (a cut URI
** would be a wrong one). */
static void stxt_keep(struct posture_stxt *s, struct pstr v, char *dst)
{
	if (v.n >= POSTURE_STXT_VALUE_MAX) {
		s->errors |= POSTURE_STXT_E_LONG_VALUE;
		return;
	}
	pstr_copy(v, dst, POSTURE_STXT_VALUE_MAX);
}

/* RFC 3339 date-time (RFC 9116 2.5.5): a full date and time with seconds and
** a zone; 't' and 'z' may be lower case. core_parse_iso8601 does the rest. */
static int stxt_datetime(struct pstr v, int64_t *ms)
{
	char b[64];
	if (v.n < 20 || v.n >= sizeof(b))
		return -1;
	memcpy(b, v.p, v.n);
	b[v.n] = '\0';
	if (b[10] == 't')
		b[10] = 'T';
	if (b[v.n - 1] == 'z')
		b[v.n - 1] = 'Z';
	if (b[10] != 'T')
		return -1;
	return core_parse_iso8601(b, ms);
}

struct stxt_state {
	bool seen_expires, seen_lang;
	int64_t now_ms;
};

/* One line of the (signed) text: a field, a comment or a blank line. */
static void stxt_line(struct posture_stxt *s, struct stxt_state *st, struct pstr line)
{
	struct pstr l = pstr_trim(line), name, val;
	if (l.n == 0 || l.p[0] == '#')
		return;
	if (!pstr_cut(l, ':', &name, &val)) {
		s->errors |= POSTURE_STXT_E_BAD_LINE;
		return;
	}
	name = pstr_trim(name);
	val = pstr_trim(val);
	bool name_ok = name.n > 0;
	for (size_t i = 0; i < name.n; i++)
		name_ok = name_ok && (is_alnum(name.p[i]) || name.p[i] == '-');
	if (!name_ok) {
		s->errors |= POSTURE_STXT_E_BAD_LINE;
		return;
	}
	bool https = iprefix(val, "https://");
	if (pstr_ieqc(name, "Contact")) {
		s->nfields++;
		if (val.n == 0) {
			s->errors |= POSTURE_STXT_E_BAD_CONTACT;
			return;
		}
		s->contact_fields++;
		if (!https && !iprefix(val, "mailto:") && !iprefix(val, "tel:"))
			s->errors |= POSTURE_STXT_E_BAD_CONTACT;
		if (s->ncontacts < POSTURE_STXT_CONTACTS_MAX) {
			stxt_keep(s, val, s->contacts[s->ncontacts]);
			if (s->contacts[s->ncontacts][0])
				s->ncontacts++;
		}
	} else if (pstr_ieqc(name, "Expires")) {
		s->nfields++;
		if (st->seen_expires) {
			s->errors |= POSTURE_STXT_E_REPEATED;
			return;
		}
		st->seen_expires = true;
		int64_t ms;
		if (stxt_datetime(val, &ms) != 0) {
			s->errors |= POSTURE_STXT_E_BAD_EXPIRES;
			return;
		}
		s->has_expires = true;
		s->expires_ms = ms;
		if (ms <= st->now_ms)
			s->errors |= POSTURE_STXT_E_EXPIRED;
		else if (ms - FAR_MS > st->now_ms)
			s->errors |= POSTURE_STXT_E_EXPIRES_FAR;
	} else if (pstr_ieqc(name, "Encryption")) {
		s->nfields++;
		if (!https && !iprefix(val, "dns:") && !iprefix(val, "openpgp4fpr:"))
			s->errors |= POSTURE_STXT_E_BAD_URI;
		if (!s->encryption[0])
			stxt_keep(s, val, s->encryption);
	} else if (pstr_ieqc(name, "Policy") || pstr_ieqc(name, "Canonical") ||
		   pstr_ieqc(name, "Acknowledgments") || pstr_ieqc(name, "Hiring")) {
		s->nfields++;
		if (!https)
			s->errors |= POSTURE_STXT_E_BAD_URI;
		char *dst = pstr_ieqc(name, "Policy") ? s->policy
			  : pstr_ieqc(name, "Canonical") ? s->canonical : NULL;
		if (dst && !dst[0])
			stxt_keep(s, val, dst);
	} else if (pstr_ieqc(name, "Preferred-Languages")) {
		s->nfields++;
		if (st->seen_lang) {
			s->errors |= POSTURE_STXT_E_REPEATED;
			return;
		}
		st->seen_lang = true;
		stxt_keep(s, val, s->languages);
	} else {
		s->nunknown++; /* RFC 9116 2.4: ignore unknown fields */
	}
}

enum frame { F_PLAIN, F_ARMOR, F_TEXT, F_SIG, F_AFTER };

void posture_stxt_parse(const char *body, size_t len, int64_t now_ms, struct posture_stxt *s)
{
	static const char begin_msg[] = "-----BEGIN PGP SIGNED MESSAGE-----";
	static const char begin_sig[] = "-----BEGIN PGP SIGNATURE-----";
	static const char end_sig[] = "-----END PGP SIGNATURE-----";
	struct stxt_state st = { .now_ms = now_ms };
	enum frame fr = F_PLAIN;
	bool cut = false;

	memset(s, 0, sizeof(*s));
	if (!body)
		return;
	s->present = true;
	if (len > POSTURE_STXT_MAX) {
		len = POSTURE_STXT_MAX;
		cut = true;
		s->errors |= POSTURE_STXT_E_TOO_BIG;
	}
	const char *p = body, *end = body + len;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl && cut)
			break; /* the partial last line of a cut file */
		struct pstr line = { p, (size_t)((nl ? nl : end) - p) };
		p = nl ? nl + 1 : end;
		if (s->nlines == POSTURE_STXT_LINES_MAX) {
			s->errors |= POSTURE_STXT_E_TOO_BIG;
			break;
		}
		s->nlines++;
		if (line.n > POSTURE_STXT_LINE_MAX) {
			s->errors |= POSTURE_STXT_E_LONG_LINE;
			continue;
		}
		if (line.n && line.p[line.n - 1] == '\r')
			line.n--;
		if (!utf8_valid(line.p, line.n)) {
			s->errors |= POSTURE_STXT_E_NOT_UTF8;
			continue;
		}
		struct pstr t = pstr_trim(line);
		switch (fr) {
		case F_PLAIN:
			if (pstr_eqc(t, begin_msg)) {
				/* fields before the framing are not signed */
				if (s->nfields || s->nunknown)
					s->errors |= POSTURE_STXT_E_SIGNATURE;
				s->signed_msg = true;
				fr = F_ARMOR;
			} else if (pstr_eqc(t, begin_sig)) {
				s->errors |= POSTURE_STXT_E_SIGNATURE;
				fr = F_SIG;
			} else {
				stxt_line(s, &st, line);
			}
			break;
		case F_ARMOR: /* "Hash: SHA512" headers up to one blank line */
			if (t.n == 0) {
				fr = F_TEXT;
			} else if (!iprefix(t, "Hash:")) {
				/* the blank line is missing: read on as signed text */
				s->errors |= POSTURE_STXT_E_SIGNATURE;
				fr = F_TEXT;
				stxt_line(s, &st, line);
			}
			break;
		case F_TEXT:
			if (pstr_eqc(t, begin_sig)) {
				fr = F_SIG;
				break;
			}
			if (line.n >= 2 && line.p[0] == '-' && line.p[1] == ' ') {
				line.p += 2; /* dash-escaped (RFC 4880 7.1) */
				line.n -= 2;
			} else if (line.n && line.p[0] == '-') {
				s->errors |= POSTURE_STXT_E_SIGNATURE;
			}
			stxt_line(s, &st, line);
			break;
		case F_SIG:
			if (pstr_eqc(t, end_sig))
				fr = F_AFTER;
			break;
		case F_AFTER: /* unsigned text after the signature: not read */
			if (t.n)
				s->errors |= POSTURE_STXT_E_SIGNATURE;
			break;
		}
	}
	if (s->signed_msg && fr != F_AFTER)
		s->errors |= POSTURE_STXT_E_SIGNATURE;
	if (s->contact_fields == 0)
		s->errors |= POSTURE_STXT_E_NO_CONTACT;
	if (!st.seen_expires)
		s->errors |= POSTURE_STXT_E_NO_EXPIRES;
}

/* ------------------------------------------------------------- findings */

enum kind {
	K_HTTPS_MISSING, K_CERT_EXPIRED, K_CERT_CHAIN, K_CERT_HOST,
	K_TLS_NO12, K_TLS_OLD, K_HTTPS_NO_REDIRECT, K_CERT_VERY_SOON, K_CERT_SOON,
	K_HSTS_MISSING, K_HSTS_MALFORMED, K_HSTS_DISABLED, K_HSTS_SHORT, K_HSTS_NO_SUB,
	K_CSP_MISSING, K_CSP_NO_SCRIPT, K_CSP_INLINE, K_CSP_WILDCARD, K_CSP_EVAL,
	K_FRAME_MISSING, K_XCTO_MISSING, K_BANNER, K_TLS_NO13,
	K_STXT_MISSING, K_STXT_EXPIRED, K_STXT_NO_CONTACT, K_STXT_NO_EXPIRES, K_STXT_LONG,
	K_STXT_INVALID, K_STXT_TYPE,
	K_N
};

enum group { G_NONE, G_CSP, G_STXT, G_N };
static const int group_cap[G_N] = { 0, 15, 5 };

static const struct kind_def {
	const char *id;
	enum posture_severity sev;
	int penalty;
	enum posture_grade cap; /* POSTURE_A_PLUS: none */
	enum group group;
	const char *fix;
} kinds[K_N] = {
	[K_HTTPS_MISSING] = { "https.missing", POSTURE_CRITICAL, 60, POSTURE_F, G_NONE,
		"Serve the site over HTTPS with a certificate from a publicly trusted CA "
		"(ACME, e.g. Let's Encrypt, automates it) and redirect http:// to it." },
	[K_CERT_EXPIRED] = { "cert.expired", POSTURE_CRITICAL, 60, POSTURE_F, G_NONE,
		"Renew the certificate now, reload the server, and automate renewal (ACME)." },
	[K_CERT_CHAIN] = { "cert.invalid_chain", POSTURE_CRITICAL, 60, POSTURE_F, G_NONE,
		"Install a certificate from a publicly trusted CA and serve the full chain "
		"(leaf and intermediates, e.g. fullchain.pem)." },
	[K_CERT_HOST] = { "cert.hostname_mismatch", POSTURE_CRITICAL, 60, POSTURE_F, G_NONE,
		"Issue a certificate whose subjectAltName covers this host name (and the "
		"www. name if it is used)." },
	[K_TLS_NO12] = { "tls.no_tls12", POSTURE_HIGH, 20, POSTURE_C, G_NONE,
		"Enable TLS 1.2 and TLS 1.3; upgrade the server or its TLS library if it "
		"cannot." },
	[K_TLS_OLD] = { "tls.old_versions", POSTURE_MEDIUM, 10, POSTURE_B, G_NONE,
		"Disable TLS 1.0 and 1.1 (nginx: ssl_protocols TLSv1.2 TLSv1.3; Apache: "
		"SSLProtocol -all +TLSv1.2 +TLSv1.3; IIS: the SCHANNEL Protocols registry keys)." },
	[K_HTTPS_NO_REDIRECT] = { "https.no_redirect", POSTURE_HIGH, 20, POSTURE_B, G_NONE,
		"Answer every http:// request with a 301 redirect to the same URL over "
		"https://." },
	[K_CERT_VERY_SOON] = { "cert.expires_soon", POSTURE_HIGH, 15, POSTURE_A_PLUS, G_NONE,
		"Renew the certificate before it expires and automate renewal (ACME)." },
	[K_CERT_SOON] = { "cert.expires_soon", POSTURE_MEDIUM, 5, POSTURE_A_PLUS, G_NONE,
		"Renew the certificate before it expires and automate renewal (ACME)." },
	[K_HSTS_MISSING] = { "hsts.missing", POSTURE_HIGH, 20, POSTURE_A_PLUS, G_NONE,
		"Send Strict-Transport-Security: max-age=31536000; includeSubDomains on every "
		"HTTPS response." },
	[K_HSTS_MALFORMED] = { "hsts.malformed", POSTURE_HIGH, 20, POSTURE_A_PLUS, G_NONE,
		"Send exactly one Strict-Transport-Security header, e.g. max-age=31536000; "
		"includeSubDomains (browsers ignore a malformed one)." },
	[K_HSTS_DISABLED] = { "hsts.disabled", POSTURE_HIGH, 20, POSTURE_A_PLUS, G_NONE,
		"Set max-age to at least 31536000 (one year); max-age=0 is only for "
		"withdrawing HSTS." },
	[K_HSTS_SHORT] = { "hsts.short_max_age", POSTURE_MEDIUM, 10, POSTURE_A_PLUS, G_NONE,
		"Raise max-age to at least 15768000 (six months), better 31536000 (one year)." },
	[K_HSTS_NO_SUB] = { "hsts.no_subdomains", POSTURE_INFO, 0, POSTURE_A_PLUS, G_NONE,
		"Add includeSubDomains once every subdomain serves HTTPS." },
	[K_CSP_MISSING] = { "csp.missing", POSTURE_MEDIUM, 15, POSTURE_A_PLUS, G_CSP,
		"Send a Content-Security-Policy, e.g. default-src 'self'; object-src 'none'; "
		"frame-ancestors 'self'; tune it first with Content-Security-Policy-Report-Only." },
	[K_CSP_NO_SCRIPT] = { "csp.no_script_restriction", POSTURE_MEDIUM, 10, POSTURE_A_PLUS,
		G_CSP, "Add script-src (or default-src) to the policy, listing where scripts "
		"may come from." },
	[K_CSP_INLINE] = { "csp.unsafe_inline", POSTURE_MEDIUM, 10, POSTURE_A_PLUS, G_CSP,
		"Remove 'unsafe-inline' from script-src: move inline scripts and on* handlers "
		"into files, or allow them by nonce or hash." },
	[K_CSP_WILDCARD] = { "csp.script_wildcard", POSTURE_MEDIUM, 10, POSTURE_A_PLUS, G_CSP,
		"List the hosts scripts may come from instead of *, http:, https: or data:." },
	[K_CSP_EVAL] = { "csp.unsafe_eval", POSTURE_LOW, 5, POSTURE_A_PLUS, G_CSP,
		"Remove 'unsafe-eval' from script-src and replace eval() / new Function() in "
		"the site's scripts." },
	[K_FRAME_MISSING] = { "frame.missing", POSTURE_MEDIUM, 10, POSTURE_A_PLUS, G_NONE,
		"Send Content-Security-Policy: frame-ancestors 'self' (and X-Frame-Options: "
		"SAMEORIGIN for old browsers)." },
	[K_XCTO_MISSING] = { "xcto.missing", POSTURE_LOW, 5, POSTURE_A_PLUS, G_NONE,
		"Send X-Content-Type-Options: nosniff on every response." },
	[K_BANNER] = { "banner.version", POSTURE_LOW, 5, POSTURE_A_PLUS, G_NONE,
		"Hide version numbers: nginx server_tokens off; Apache ServerTokens Prod; PHP "
		"expose_php = Off; IIS removeServerHeader and remove X-Powered-By." },
	[K_TLS_NO13] = { "tls.no_tls13", POSTURE_INFO, 0, POSTURE_A_PLUS, G_NONE,
		"Enable TLS 1.3 (OpenSSL 1.1.1 or later; nginx: ssl_protocols TLSv1.2 "
		"TLSv1.3)." },
	[K_STXT_MISSING] = { "securitytxt.missing", POSTURE_LOW, 5, POSTURE_A_PLUS, G_STXT,
		"Publish /.well-known/security.txt (RFC 9116) as text/plain; charset=utf-8 "
		"with Contact and Expires fields." },
	[K_STXT_EXPIRED] = { "securitytxt.expired", POSTURE_LOW, 5, POSTURE_A_PLUS, G_STXT,
		"Review the contacts and set Expires less than a year ahead." },
	[K_STXT_NO_CONTACT] = { "securitytxt.no_contact", POSTURE_LOW, 5, POSTURE_A_PLUS,
		G_STXT, "Add at least one Contact field (a mailto:, tel: or https:// URI)." },
	[K_STXT_NO_EXPIRES] = { "securitytxt.no_expires", POSTURE_LOW, 2, POSTURE_A_PLUS,
		G_STXT, "Add one Expires field in RFC 3339 form, e.g. "
		"Expires: 2026-12-31T23:59:59Z." },
	[K_STXT_LONG] = { "securitytxt.long_expiry", POSTURE_INFO, 0, POSTURE_A_PLUS, G_STXT,
		"Set Expires less than a year ahead so the file is reviewed at least yearly." },
	[K_STXT_INVALID] = { "securitytxt.invalid", POSTURE_INFO, 0, POSTURE_A_PLUS, G_STXT,
		"Fix the problems listed (RFC 9116: one field per line, UTF-8, https:// URIs, "
		"Contact as mailto:, tel: or https://)." },
	[K_STXT_TYPE] = { "securitytxt.bad_type", POSTURE_INFO, 0, POSTURE_A_PLUS, G_STXT,
		"Serve the file as Content-Type: text/plain; charset=utf-8." },
};

struct judge {
	struct posture_result *r;
	int group_sum[G_N];
};

/* Add a finding of kind k with a printf-made explanation (which must show
** outside bytes only through show()). Each kind is added at most once per
** result, so the array cannot overflow; should it, the finding is dropped. */
static void add(struct judge *j, enum kind k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void add(struct judge *j, enum kind k, const char *fmt, ...)
{
	struct posture_result *r = j->r;
	if (r->nfindings == POSTURE_FINDINGS_MAX)
		return;
	const struct kind_def *d = &kinds[k];
	struct posture_finding *f = &r->findings[r->nfindings++];
	int pen = d->penalty;
	if (d->group != G_NONE) {
		int room = group_cap[d->group] - j->group_sum[d->group];
		if (pen > room)
			pen = room > 0 ? room : 0;
		j->group_sum[d->group] += pen;
	}
	f->id = d->id;
	f->severity = d->sev;
	f->penalty = pen;
	f->cap = d->cap;
	f->fix = d->fix;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
}

/* ----------------------------------------------------------- the checks */

static void judge_transport(struct judge *j, const struct posture_input *in)
{
	struct posture_result *r = j->r;
	char buf[200], date[32];

	if (in->https_missing) {
		add(j, K_HTTPS_MISSING, "The site does not answer over HTTPS: what visitors read and "
		    "send, logins and forms included, can be read and changed on the way.");
		return;
	}
	r->https = true;
	r->tls_versions = in->tls_versions;

	unsigned v = in->tls_versions;
	if (v & (POSTURE_TLS10 | POSTURE_TLS11))
		add(j, K_TLS_OLD, "The server accepts %s, deprecated by RFC 8996 and open to "
		    "downgrade and known protocol attacks.",
		    (v & POSTURE_TLS10) && (v & POSTURE_TLS11) ? "TLS 1.0 and 1.1"
		    : v & POSTURE_TLS10 ? "TLS 1.0" : "TLS 1.1");
	if (v && !(v & (POSTURE_TLS12 | POSTURE_TLS13)))
		add(j, K_TLS_NO12, "The server accepts neither TLS 1.2 nor TLS 1.3; current "
		    "browsers refuse old-only servers.");
	else if ((v & POSTURE_TLS12) && !(v & POSTURE_TLS13))
		add(j, K_TLS_NO13, "The server does not offer TLS 1.3 (faster handshakes, only "
		    "forward-secret ciphers).");

	int64_t na = in->cert_not_after_ms, now = in->now_ms;
	bool expired = false;
	if (na) {
		r->cert_not_after_ms = na;
		date_of(na, date, sizeof(date));
		if (na <= now) {
			expired = true;
			add(j, K_CERT_EXPIRED, "The certificate expired on %s (%lld days ago); "
			    "browsers show visitors a full-page security warning.",
			    date, (long long)((now - na) / DAY_MS));
		} else {
			int64_t left = na - now, soon = 14 * DAY_MS, very = 3 * DAY_MS;
			int64_t nb = in->cert_not_before_ms;
			if (nb > 0 && nb < na) {
				int64_t life = na - nb;
				soon = life / 3 < soon ? life / 3 : soon;
				very = life / 10 < very ? life / 10 : very;
			}
			if (left <= soon)
				add(j, left <= very ? K_CERT_VERY_SOON : K_CERT_SOON,
				    "The certificate expires on %s, in %lld day(s); if it is not "
				    "renewed browsers will refuse the site.",
				    date, (long long)(left / DAY_MS));
		}
	}
	if (!in->cert_chain_valid) {
		const char *why = in->cert_chain_error;
		/* an expired certificate fails verification for that reason alone:
		** cert.expired says it already */
		if (!(expired && why && contains_ci(why, "expire"))) {
			if (why)
				show(buf, sizeof(buf), why, strnlen(why, 512), 120);
			add(j, K_CERT_CHAIN, "The certificate chain does not verify%s%s%s; browsers "
			    "show visitors a full-page security warning.",
			    why ? " (" : "", why ? buf : "", why ? ")" : "");
		}
	}
	if (!in->cert_hostname_ok)
		add(j, K_CERT_HOST, "The certificate does not name this host; browsers show "
		    "visitors a full-page security warning.");

	if (in->http == POSTURE_HTTP_PLAIN)
		add(j, K_HTTPS_NO_REDIRECT, "http:// is served without a redirect to https://: a "
		    "visitor who types the address can be intercepted (SSL stripping).");

	if (!in->hsts) {
		posture_hsts_parse(NULL, 0, &r->hsts);
		add(j, K_HSTS_MISSING, "No Strict-Transport-Security header: browsers keep trying "
		    "plain http:// first, which an attacker on the network can intercept.");
		return;
	}
	r->hsts_present = true;
	struct pstr h = header_view(in->hsts);
	posture_hsts_parse(h.p, h.n, &r->hsts);
	if (!r->hsts.valid) {
		show(buf, sizeof(buf), h.p, h.n, 80);
		add(j, K_HSTS_MALFORMED, "Strict-Transport-Security \"%s\" is malformed (%s); "
		    "browsers ignore it.", buf, r->hsts.error);
	} else if (r->hsts.max_age == 0) {
		add(j, K_HSTS_DISABLED, "Strict-Transport-Security has max-age=0, which tells "
		    "browsers to forget that the site is HTTPS-only.");
	} else {
		if (r->hsts.max_age < SIX_MONTHS_S)
			add(j, K_HSTS_SHORT, "Strict-Transport-Security max-age is %lld seconds "
			    "(%lld days); at least six months (15768000) is expected.",
			    (long long)r->hsts.max_age, (long long)(r->hsts.max_age / 86400));
		if (!r->hsts.include_subdomains)
			add(j, K_HSTS_NO_SUB, "Strict-Transport-Security lacks includeSubDomains: "
			    "subdomains, and cookies set for them, stay open to SSL stripping.");
	}
}

/* X-Frame-Options as the HTML standard reads it ("check a navigation
** response's adherence to X-Frame-Options"): the comma-separated values as
** a set; one value protects when it is DENY or SAMEORIGIN, several when any
** of them is DENY, SAMEORIGIN or ALLOWALL (the conflict blocks framing);
** ALLOW-FROM and anything else protect nothing. */
static bool xfo_protects(const char *xfo)
{
	struct pstr rest = header_view(xfo);
	bool deny = false, same = false, allowall = false, other = false, more = true;
	while (more) {
		struct pstr t;
		more = pstr_cut(rest, ',', &t, &rest);
		t = pstr_trim(t);
		if (pstr_ieqc(t, "deny"))
			deny = true;
		else if (pstr_ieqc(t, "sameorigin"))
			same = true;
		else if (pstr_ieqc(t, "allowall"))
			allowall = true;
		else
			other = true;
	}
	int distinct = deny + same + allowall + other;
	return distinct > 1 ? deny || same || allowall : deny || same;
}

/* Fetch's "determine nosniff": the first comma-separated value is nosniff. */
static bool xcto_ok(const char *xcto)
{
	struct pstr v = header_view(xcto), first, rest;
	pstr_cut(v, ',', &first, &rest);
	return pstr_ieqc(pstr_trim(first), "nosniff");
}

/* The first token of a Server / X-Powered-By value that carries a version
** number: DIGITS.DIGIT at the start, after a separator (/ space ( - _ ; ,)
** or after such a separator and 'v'. The token is the surrounding run
** without spaces, ',' or ';' ("nginx/1.18.0", "Apache/2.4.41",
** "Jetty(9.4.z-SNAPSHOT)"). Names whose number is a fixed protocol label,
** not a software version, do not count. */
static bool banner_version(struct pstr v, struct pstr *tok)
{
	static const char seps[] = "/ \t(-_;,";
	static const char *const fixed[] = { "Apache-Coyote/1.1", "Microsoft-HTTPAPI/2.0" };
	for (size_t i = 0; i < v.n; i++) {
		if (!is_digit(v.p[i]))
			continue;
		if (i > 0) {
			char c = v.p[i - 1];
			bool ok = strchr(seps, c) != NULL && c != '\0';
			if (!ok && (c == 'v' || c == 'V'))
				ok = i == 1 || (v.p[i - 2] != '\0' && strchr(seps, v.p[i - 2]) != NULL);
			if (!ok)
				continue;
		}
		size_t k = i;
		while (k < v.n && is_digit(v.p[k]))
			k++;
		if (!(k + 1 < v.n && v.p[k] == '.' && is_digit(v.p[k + 1]))) {
			i = k;
			continue;
		}
		size_t s = i, e = k;
		while (s > 0 && !ascii_ws(v.p[s - 1]) && v.p[s - 1] != ',' && v.p[s - 1] != ';')
			s--;
		while (e < v.n && !ascii_ws(v.p[e]) && v.p[e] != ',' && v.p[e] != ';')
			e++;
		struct pstr t = { v.p + s, e - s };
		bool skip = false;
		for (size_t f = 0; f < ARRAY_SIZE(fixed); f++)
			skip = skip || pstr_ieqc(t, fixed[f]);
		if (skip) {
			i = e;
			continue;
		}
		*tok = t;
		return true;
	}
	return false;
}

static void judge_headers(struct judge *j, const struct posture_input *in)
{
	struct posture_result *r = j->r;
	char buf[200];

	/* CSP */
	struct pstr c = header_view(in->csp);
	r->csp_present = in->csp != NULL;
	posture_csp_parse(in->csp, c.n, &r->csp);
	if (!in->csp)
		add(j, K_CSP_MISSING, "No Content-Security-Policy: nothing limits what an injected "
		    "script (XSS) can load or do.");
	else if (!r->csp.present)
		add(j, K_CSP_MISSING, "The Content-Security-Policy header holds no directive.");
	else if (!r->csp.script_restricted)
		add(j, K_CSP_NO_SCRIPT, "The Content-Security-Policy has neither script-src nor "
		    "default-src, so scripts from any host run.");
	else {
		if (r->csp.unsafe_inline)
			add(j, K_CSP_INLINE, "The Content-Security-Policy allows inline scripts "
			    "('unsafe-inline' without a nonce or hash), so it does not stop injected "
			    "scripts (XSS).");
		if (r->csp.script_any_host)
			add(j, K_CSP_WILDCARD, "The Content-Security-Policy lets scripts load from "
			    "any host (*, http:, https: or data:).");
		if (r->csp.unsafe_eval)
			add(j, K_CSP_EVAL, "The Content-Security-Policy allows 'unsafe-eval', so "
			    "injected text can be run as code.");
	}

	/* Framing: a CSP frame-ancestors makes browsers ignore X-Frame-Options. */
	if (r->csp.frame_ancestors) {
		r->frame_protected = r->csp.frame_protected;
		if (!r->frame_protected)
			add(j, K_FRAME_MISSING, "The Content-Security-Policy frame-ancestors lets "
			    "every site frame the page (X-Frame-Options is then ignored): "
			    "clickjacking is possible.");
	} else if (in->xfo) {
		r->frame_protected = xfo_protects(in->xfo);
		if (!r->frame_protected) {
			struct pstr x = header_view(in->xfo);
			show(buf, sizeof(buf), x.p, x.n, 60);
			add(j, K_FRAME_MISSING, "X-Frame-Options \"%s\" is not DENY or SAMEORIGIN "
			    "(ALLOW-FROM is ignored by current browsers): any site can frame the "
			    "page (clickjacking).", buf);
		}
	} else {
		add(j, K_FRAME_MISSING, "Neither CSP frame-ancestors nor X-Frame-Options: any site "
		    "can frame the page and trick visitors into clicks (clickjacking).");
	}

	/* X-Content-Type-Options */
	if (!in->xcto) {
		add(j, K_XCTO_MISSING, "No X-Content-Type-Options: nosniff: browsers may guess "
		    "content types and run an uploaded file as a script.");
	} else if (!xcto_ok(in->xcto)) {
		struct pstr x = header_view(in->xcto);
		show(buf, sizeof(buf), x.p, x.n, 60);
		add(j, K_XCTO_MISSING, "X-Content-Type-Options is \"%s\", not nosniff: browsers "
		    "may guess content types.", buf);
	}

	/* Version banners */
	char sv[100] = "", pv[100] = "";
	struct pstr tok;
	if (in->server && banner_version(header_view(in->server), &tok))
		show(sv, sizeof(sv), tok.p, tok.n, 60);
	if (in->powered_by && banner_version(header_view(in->powered_by), &tok))
		show(pv, sizeof(pv), tok.p, tok.n, 60);
	if (sv[0] || pv[0])
		add(j, K_BANNER, "The response names software versions (%s%s%s%s%s); attackers "
		    "look them up in vulnerability lists.",
		    sv[0] ? "Server: " : "", sv, sv[0] && pv[0] ? ", " : "",
		    pv[0] ? "X-Powered-By: " : "", pv);
}

/* The media type and charset of a Content-Type value. */
static void content_type(const char *v, bool *text_plain, bool *utf8)
{
	struct pstr rest = { v, strnlen(v, 1024) }, t;
	bool more = pstr_cut(rest, ';', &t, &rest);
	*text_plain = pstr_ieqc(pstr_trim(t), "text/plain");
	*utf8 = false;
	while (more) {
		struct pstr param, name, val;
		more = pstr_cut(rest, ';', &param, &rest);
		pstr_cut(param, '=', &name, &val);
		val = pstr_trim(val);
		if (val.n >= 2 && val.p[0] == '"' && val.p[val.n - 1] == '"')
			val = (struct pstr){ val.p + 1, val.n - 2 };
		if (pstr_ieqc(pstr_trim(name), "charset") &&
		    (pstr_ieqc(val, "utf-8") || pstr_ieqc(val, "utf8")))
			*utf8 = true;
	}
}

/* An HTML page where the file should be (a soft 404): its first non-space
** byte is '<'; a security.txt line never starts so. */
static bool looks_html(const char *b, size_t n)
{
	size_t i = 0;
	if (n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < n && ascii_ws(b[i]))
		i++;
	return i < n && b[i] == '<';
}

static void judge_stxt(struct judge *j, const struct posture_input *in)
{
	struct posture_result *r = j->r;
	struct posture_stxt *s = &r->stxt;
	char buf[200], date[32];
	bool plain = true, utf8 = false;

	if (!in->securitytxt) {
		add(j, K_STXT_MISSING, "No /.well-known/security.txt: someone who finds a "
		    "vulnerability has no published way to report it.");
		return;
	}
	if (in->securitytxt_type) {
		content_type(in->securitytxt_type, &plain, &utf8);
		show(buf, sizeof(buf), in->securitytxt_type, strnlen(in->securitytxt_type, 1024), 60);
	}
	if (!plain) {
		add(j, K_STXT_MISSING, "/.well-known/security.txt is served as \"%s\", not "
		    "text/plain (an error or home page?); it counts as missing.", buf);
		return;
	}
	if (looks_html(in->securitytxt, in->securitytxt_len)) {
		add(j, K_STXT_MISSING, "/.well-known/security.txt returns an HTML page, not the "
		    "file; it counts as missing.");
		return;
	}
	posture_stxt_parse(in->securitytxt, in->securitytxt_len, in->now_ms, s);
	if (s->errors & POSTURE_STXT_E_EXPIRED) {
		date_of(s->expires_ms, date, sizeof(date));
		add(j, K_STXT_EXPIRED, "security.txt expired on %s; RFC 9116 says to treat its "
		    "contents as stale.", date);
	}
	if (s->contact_fields == 0)
		add(j, K_STXT_NO_CONTACT, "security.txt has no Contact field, so it does not say "
		    "how to report a vulnerability.");
	if (s->errors & POSTURE_STXT_E_NO_EXPIRES)
		add(j, K_STXT_NO_EXPIRES, "security.txt has no Expires field (RFC 9116 requires "
		    "one).");
	else if (s->errors & POSTURE_STXT_E_BAD_EXPIRES)
		add(j, K_STXT_NO_EXPIRES, "security.txt's Expires is not an RFC 3339 date-time "
		    "such as 2026-12-31T23:59:59Z.");
	if (s->errors & POSTURE_STXT_E_EXPIRES_FAR) {
		date_of(s->expires_ms, date, sizeof(date));
		add(j, K_STXT_LONG, "security.txt expires on %s, more than a year ahead; RFC 9116 "
		    "recommends less than a year.", date);
	}
	unsigned other = s->errors & ~(unsigned)(POSTURE_STXT_E_NO_CONTACT |
		POSTURE_STXT_E_NO_EXPIRES | POSTURE_STXT_E_BAD_EXPIRES | POSTURE_STXT_E_EXPIRED |
		POSTURE_STXT_E_EXPIRES_FAR);
	if (other) {
		char list[200];
		size_t o = 0;
		list[0] = '\0';
		for (unsigned bit = 1; bit <= other && bit; bit <<= 1) {
			const char *name = (other & bit) ? posture_stxt_error_name(bit) : NULL;
			if (!name)
				continue;
			int w = snprintf(list + o, sizeof(list) - o, "%s%s", o ? ", " : "", name);
			if (w < 0 || (size_t)w >= sizeof(list) - o)
				break;
			o += (size_t)w;
		}
		add(j, K_STXT_INVALID, "security.txt has format problems: %s.", list);
	}
	if (in->securitytxt_type && !utf8)
		add(j, K_STXT_TYPE, "security.txt is served as \"%s\", without charset=utf-8.", buf);
}

/* ----------------------------------------------------------------- grade */

enum posture_grade posture_grade_of_score(int score)
{
	return score >= 90 ? POSTURE_A
	     : score >= 75 ? POSTURE_B
	     : score >= 60 ? POSTURE_C
	     : score >= 40 ? POSTURE_D : POSTURE_F;
}

const char *posture_grade_name(enum posture_grade g)
{
	static const char *const names[POSTURE_GRADES] = { "A+", "A", "B", "C", "D", "F" };
	return (unsigned)g < POSTURE_GRADES ? names[g] : "?";
}

const char *posture_severity_name(enum posture_severity s)
{
	static const char *const names[] = { "info", "low", "medium", "high", "critical" };
	return (unsigned)s <= POSTURE_CRITICAL ? names[s] : "?";
}

/* Order (capping findings first, worst cap first; then by penalty, then
** severity), score, grade. */
static void finish(struct posture_result *r)
{
	for (size_t i = 1; i < r->nfindings; i++) {
		struct posture_finding f = r->findings[i];
		size_t k = i;
		while (k > 0) {
			const struct posture_finding *p = &r->findings[k - 1];
			bool before = f.cap != p->cap ? f.cap > p->cap
				    : f.penalty != p->penalty ? f.penalty > p->penalty
				    : f.severity > p->severity;
			if (!before)
				break;
			r->findings[k] = r->findings[k - 1];
			k--;
		}
		r->findings[k] = f;
	}
	int sum = 0;
	enum posture_grade cap = POSTURE_A_PLUS;
	for (size_t i = 0; i < r->nfindings; i++) {
		sum += r->findings[i].penalty;
		if (r->findings[i].cap > cap)
			cap = r->findings[i].cap;
	}
	r->score = sum >= 100 ? 0 : 100 - sum;
	r->grade = posture_grade_of_score(r->score);
	if (cap > r->grade) {
		r->grade = cap;
		r->capped_by = r->findings[0].id; /* sorted: it carries the worst cap */
	}
	if (r->grade == POSTURE_A && r->nfindings == 0)
		r->grade = POSTURE_A_PLUS;
}

int posture_judge(const struct posture_input *in, struct posture_result *r, struct perr *err)
{
	memset(r, 0, sizeof(*r));
	r->grade = POSTURE_F;
	r->hsts.max_age = -1;
	if (!in)
		return perr_set(err, PERR_INVALID, "input", "no input to judge");
	if (in->now_ms <= 0 || in->now_ms > TIME_MAX_MS)
		return perr_set(err, PERR_INVALID, "now_ms", "now_ms must be a time after 1970");
	if (in->cert_not_after_ms < 0 || in->cert_not_after_ms > TIME_MAX_MS ||
	    in->cert_not_before_ms < 0 || in->cert_not_before_ms > TIME_MAX_MS)
		return perr_set(err, PERR_INVALID, "cert_not_after_ms",
				"certificate times must be within 1970..9999 (0: unknown)");
	if (in->tls_versions & ~0xfu)
		return perr_set(err, PERR_INVALID, "tls_versions", "unknown TLS version bits %#x",
				in->tls_versions & ~0xfu);
	if ((unsigned)in->http > POSTURE_HTTP_CLOSED)
		return perr_set(err, PERR_INVALID, "http", "unknown http:// state %d", (int)in->http);
	if (!in->securitytxt && in->securitytxt_len)
		return perr_set(err, PERR_INVALID, "securitytxt", "a length without a body");

	struct judge j = { .r = r };
	r->judged_ms = in->now_ms;
	judge_transport(&j, in);
	judge_headers(&j, in);
	judge_stxt(&j, in);
	finish(r);
	return 0;
}

const struct posture_finding *posture_find(const struct posture_result *r, const char *id)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].id, id) == 0)
			return &r->findings[i];
	return NULL;
}

/* ------------------------------------------------------------------ JSON */

/* Set k on o to v, which is consumed in every case (jansson's _new calls
** release v on failure); -1 when o or v is NULL or the set fails, so that a
** chain of put()s can be or-ed and checked once. */
static int put(json_t *o, const char *k, json_t *v)
{
	if (!o) {
		json_decref(v);
		return -1;
	}
	return json_object_set_new(o, k, v) == 0 ? 0 : -1;
}

static json_t *str_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

static json_t *time_or_null(int64_t ms, bool have)
{
	char t[40];
	if (!have)
		return json_null();
	core_iso8601(ms, t, sizeof(t));
	return json_string(t);
}

/* o when rc is 0, else NULL with o released: the one exit of the small
** renderers below, whose only resource is o. */
static json_t *done(json_t *o, int rc)
{
	if (rc == 0 && o)
		return o;
	json_decref(o);
	return NULL;
}

static json_t *hsts_json(const struct posture_result *r)
{
	const struct posture_hsts *h = &r->hsts;
	json_t *o = json_object();
	int rc = put(o, "present", json_boolean(r->hsts_present));
	rc |= put(o, "valid", json_boolean(h->valid));
	rc |= put(o, "max_age", h->valid ? json_integer(h->max_age) : json_null());
	rc |= put(o, "include_subdomains", json_boolean(h->include_subdomains));
	rc |= put(o, "preload", json_boolean(h->preload));
	rc |= put(o, "error", r->hsts_present ? str_or_null(h->error) : json_null());
	return done(o, rc);
}

static json_t *csp_json(const struct posture_result *r)
{
	const struct posture_csp *c = &r->csp;
	json_t *o = json_object();
	int rc = put(o, "present", json_boolean(r->csp_present));
	rc |= put(o, "policies", json_integer(c->npolicies));
	rc |= put(o, "default_src", json_boolean(c->default_src));
	rc |= put(o, "script_restricted", json_boolean(c->script_restricted));
	rc |= put(o, "unsafe_inline", json_boolean(c->unsafe_inline));
	rc |= put(o, "unsafe_eval", json_boolean(c->unsafe_eval));
	rc |= put(o, "script_any_host", json_boolean(c->script_any_host));
	rc |= put(o, "frame_ancestors", json_boolean(c->frame_ancestors));
	rc |= put(o, "frame_protected", json_boolean(c->frame_protected));
	rc |= put(o, "cut", json_boolean(c->cut));
	return done(o, rc);
}

static json_t *stxt_json(const struct posture_stxt *s)
{
	json_t *o = json_object(), *contacts = json_array(), *errors = json_array();
	int rc = contacts && errors ? 0 : -1;
	for (unsigned i = 0; rc == 0 && i < s->ncontacts; i++)
		rc = json_array_append_new(contacts, json_string(s->contacts[i]));
	for (unsigned bit = 1; rc == 0 && bit <= POSTURE_STXT_E_ALL; bit <<= 1)
		if (s->errors & bit)
			rc = json_array_append_new(errors, json_string(posture_stxt_error_name(bit)));
	if (rc != 0)
		goto out;
	rc |= put(o, "present", json_boolean(s->present));
	rc |= put(o, "signed", json_boolean(s->signed_msg));
	rc |= put(o, "contacts", json_incref(contacts));
	rc |= put(o, "expires", time_or_null(s->expires_ms, s->has_expires));
	rc |= put(o, "encryption", str_or_null(s->encryption));
	rc |= put(o, "policy", str_or_null(s->policy));
	rc |= put(o, "canonical", str_or_null(s->canonical));
	rc |= put(o, "preferred_languages", str_or_null(s->languages));
	rc |= put(o, "errors", json_incref(errors));
out:
	json_decref(contacts);
	json_decref(errors);
	return done(o, rc);
}

static json_t *finding_json(const struct posture_finding *f)
{
	json_t *o = json_object();
	int rc = put(o, "id", json_string(f->id));
	rc |= put(o, "severity", json_string(posture_severity_name(f->severity)));
	rc |= put(o, "penalty", json_integer(f->penalty));
	rc |= put(o, "caps_grade", f->cap != POSTURE_A_PLUS ? json_string(posture_grade_name(f->cap))
							      : json_null());
	rc |= put(o, "explanation", json_string(f->text));
	rc |= put(o, "remediation", json_string(f->fix));
	return done(o, rc);
}

json_t *posture_result_json(const struct posture_result *r)
{
	static const char *const tls_names[] = { "1.0", "1.1", "1.2", "1.3" };
	json_t *o = json_object(), *findings = json_array(), *tls = json_array();
	int rc = findings && tls ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < r->nfindings; i++)
		rc = json_array_append_new(findings, finding_json(&r->findings[i]));
	for (unsigned i = 0; rc == 0 && i < 4; i++)
		if (r->tls_versions & (1u << i))
			rc = json_array_append_new(tls, json_string(tls_names[i]));
	if (rc != 0)
		goto out;
	rc |= put(o, "score", json_integer(r->score));
	rc |= put(o, "grade", json_string(posture_grade_name(r->grade)));
	rc |= put(o, "capped_by", str_or_null(r->capped_by));
	rc |= put(o, "findings", json_incref(findings));
	rc |= put(o, "https", json_boolean(r->https));
	rc |= put(o, "tls_versions", json_incref(tls));
	rc |= put(o, "cert_not_after", time_or_null(r->cert_not_after_ms, r->cert_not_after_ms != 0));
	rc |= put(o, "hsts", hsts_json(r));
	rc |= put(o, "csp", csp_json(r));
	rc |= put(o, "frame_protected", json_boolean(r->frame_protected));
	rc |= put(o, "securitytxt", stxt_json(&r->stxt));
	rc |= put(o, "judged_at", time_or_null(r->judged_ms, r->judged_ms != 0));
out:
	json_decref(findings);
	json_decref(tls);
	return done(o, rc);
}

/* ---------------------------------------------------------- organisation */

int posture_org_grade(const struct posture_site_grade *sites, size_t n, struct posture_org *o,
		      struct perr *err)
{
	memset(o, 0, sizeof(*o));
	o->grade = o->worst = POSTURE_F;
	if (!sites || n == 0)
		return perr_set(err, PERR_INVALID, "sites", "an organisation grade needs a site");
	uint64_t sum = 0;
	enum posture_grade worst = POSTURE_A_PLUS;
	size_t count[POSTURE_GRADES] = { 0 };
	for (size_t i = 0; i < n; i++) {
		if (sites[i].score < 0 || sites[i].score > 100)
			return perr_set(err, PERR_INVALID, "score", "site %zu: score %d not in 0..100",
					i, sites[i].score);
		if ((unsigned)sites[i].grade >= POSTURE_GRADES)
			return perr_set(err, PERR_INVALID, "grade", "site %zu: unknown grade %d", i,
					(int)sites[i].grade);
		sum += (uint64_t)sites[i].score;
		count[sites[i].grade]++;
		if (sites[i].grade > worst)
			worst = sites[i].grade;
	}
	o->nsites = n;
	o->mean_score = (int)((2 * sum + n) / (2 * (uint64_t)n));
	memcpy(o->count, count, sizeof(count));
	enum posture_grade g = posture_grade_of_score(o->mean_score);
	if (count[POSTURE_A_PLUS] == n)
		g = POSTURE_A_PLUS;
	enum posture_grade cap = worst == POSTURE_A_PLUS ? POSTURE_A_PLUS : worst - 1;
	if (cap > g) {
		g = cap;
		o->capped = true;
	}
	o->worst = worst;
	o->grade = g;
	return 0;
}

json_t *posture_org_json(const struct posture_org *o)
{
	json_t *j = json_object(), *count = json_object();
	int rc = count ? 0 : -1;
	for (int g = 0; rc == 0 && g < POSTURE_GRADES; g++)
		rc = put(count, posture_grade_name((enum posture_grade)g),
			 json_integer((json_int_t)o->count[g]));
	if (rc != 0)
		goto out;
	rc |= put(j, "sites", json_integer((json_int_t)o->nsites));
	rc |= put(j, "mean_score", json_integer(o->mean_score));
	rc |= put(j, "worst", json_string(posture_grade_name(o->worst)));
	rc |= put(j, "grade", json_string(posture_grade_name(o->grade)));
	rc |= put(j, "capped", json_boolean(o->capped));
	rc |= put(j, "count", json_incref(count));
out:
	json_decref(count);
	return done(j, rc);
}
