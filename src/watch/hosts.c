/*
** hosts.c — whose a host is (issue 12): the site's, its organisation's,
** another organisation's of the constituency, a well-known service, or
** foreign. A government page loads from its own statistics and CDN
** subdomains, from a shared service another state body runs (the payment
** gateway, a ministry's CDN) and from the big public services (video, maps,
** analytics); only a host that is none of these is "new and foreign", and
** only such a host is worth asking whether it imitates one of them.
**
** Registrable domains come from the Public Suffix List through libpsl, with
** the list Debian packages (the publicsuffix package, newer than libpsl's
** built-in copy when the distribution updates it), loaded once per process:
** "which part of a name one registrant controls" is exactly what the list
** exists to answer (co.uk, gov.ir, github.io, blogspot.com), and a hand-made
** rule would get the private suffixes wrong. Names are compared in their
** ASCII (punycode) form, converted with libidn2 as libcurl converts them
** before DNS, so a page that writes a host in UTF-8 and one that writes its
** xn-- form name the same host.
*/
#include "watch/watch.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <idn2.h>
#include <libpsl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ the list */

static const psl_ctx_t *psl;
static pthread_once_t psl_once = PTHREAD_ONCE_INIT;

/* The newest of the packaged list (/usr/share/publicsuffix) and libpsl's
** built-in one; the built-in one alone when the file is missing or
** unreadable. Kept for the life of the process (a few hundred KB). */
static void psl_load(void)
{
	psl = psl_latest(NULL);
	if (!psl)
		psl = psl_builtin();
}

/* ------------------------------------------------------------- names */

static bool ascii_only(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* One number of a WHATWG IPv4 address part: decimal, 0x hex or 0 octal.
** -1 when it is not a number. */
static long long ipv4_number(const char *s, size_t n)
{
	int base = 10;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		n -= 2;
	} else if (n >= 2 && s[0] == '0') {
		base = 8;
		s++;
		n--;
	}
	if (n == 0)
		return base == 16 ? 0 : -1; /* "0x" is 0 for a browser */
	if (n > 12)
		return -1; /* beyond 2^32 in any base: not an address */
	long long v = 0;
	for (size_t i = 0; i < n; i++) {
		int d = isdigit((unsigned char)s[i]) ? s[i] - '0'
			: base == 16 && isxdigit((unsigned char)s[i]) ? tolower((unsigned char)s[i]) - 'a' + 10
								       : -1;
		if (d < 0 || d >= base)
			return -1;
		v = v * base + d;
	}
	return v;
}

/* Would a browser take host (no brackets, no trailing dot) as an IPv4
** address? The WHATWG URL standard does whenever the last label is a
** number: "3232235777", "0x7f.1" and "127.1" are all addresses there, and
** a defacer who writes one is hiding a bare IP. */
static bool whatwg_ipv4(const char *host)
{
	const char *last = strrchr(host, '.');
	last = last ? last + 1 : host;
	if (!*last || ipv4_number(last, strlen(last)) < 0)
		return false;
	/* every part a number, at most four, each within its range */
	long long part[4];
	size_t np = 0;
	for (const char *p = host;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (np == 4)
			return false;
		long long v = ipv4_number(p, n);
		if (v < 0)
			return false;
		part[np++] = v;
		if (!dot)
			break;
		p = dot + 1;
	}
	for (size_t i = 0; i + 1 < np; i++)
		if (part[i] > 255)
			return false;
	return part[np - 1] < (1LL << (8 * (5 - (long long)np)));
}

bool watch_host_is_ip(const char *host)
{
	if (!host || !host[0])
		return false;
	char h[WATCH_HOST_MAX];
	size_t n = strlen(host);
	if (host[0] == '[') {
		/* "[v6]": the brackets a URL writes around an IPv6 address */
		if (n < 3 || host[n - 1] != ']' || n - 2 >= sizeof(h))
			return false;
		memcpy(h, host + 1, n - 2);
		h[n - 2] = '\0';
	} else {
		if (n >= sizeof(h))
			return false;
		memcpy(h, host, n + 1);
		if (n > 1 && h[n - 1] == '.')
			h[n - 1] = '\0'; /* "1.2.3.4." resolves as "1.2.3.4" */
	}
	unsigned char addr[16];
	if (inet_pton(AF_INET, h, addr) == 1 || inet_pton(AF_INET6, h, addr) == 1)
		return true;
	return host[0] != '[' && whatwg_ipv4(h);
}


/* host in the form names are compared in: ASCII lower case, no trailing
** dot, an internationalized name in its xn-- form (core_idna_label), an IPv6
** address without brackets in inet_ntop's form. A label libidn2 refuses
** is kept lower-cased as given (such a name cannot be resolved, but it is
** still compared consistently). Returns false when the xn-- form would not
** fit WATCH_HOST_MAX: out is then the whole name lower-cased as given,
** which no resolver takes either. */
static bool canon_host(const char *host, char out[WATCH_HOST_MAX])
{
	size_t n = 0;
	for (; host[n] && n + 1 < WATCH_HOST_MAX; n++)
		out[n] = (char)tolower((unsigned char)host[n]);
	out[n] = '\0';
	while (n > 1 && out[n - 1] == '.')
		out[--n] = '\0';
	if (strchr(out, ':')) {
		/* IPv6, with or without the brackets of a URL: one spelling */
		char a[WATCH_HOST_MAX];
		unsigned char bin[16];
		bool br = n > 2 && out[0] == '[' && out[n - 1] == ']';
		memcpy(a, out + br, n - 2 * br);
		a[n - 2 * br] = '\0';
		if (inet_pton(AF_INET6, a, bin) == 1) {
			inet_ntop(AF_INET6, bin, out, WATCH_HOST_MAX);
			return true;
		}
		/* not an address: a (broken) name like any other */
	}
	if (ascii_only(out))
		return true;
	/* each label libidn2 takes in its xn-- form, the others (a byte no
	** name may hold) as they are */
	char res[WATCH_HOST_MAX];
	size_t k = 0;
	for (const char *p = out;;) {
		size_t ln0 = strcspn(p, ".");
		char label[WATCH_HOST_MAX];
		memcpy(label, p, ln0);
		label[ln0] = '\0';
		if (!ascii_only(label))
			core_idna_label(label, label, sizeof(label));
		size_t ln = strlen(label);
		if (k + ln + 2 > sizeof(res))
			return false;
		memcpy(res + k, label, ln);
		k += ln;
		if (!p[ln0])
			break;
		res[k++] = '.';
		p += ln0 + 1;
	}
	res[k] = '\0';
	memcpy(out, res, k + 1);
	return true;
}

const char *watch_registrable(const char *host, char out[WATCH_HOST_MAX])
{
	pthread_once(&psl_once, psl_load);
	char h[WATCH_HOST_MAX];
	bool name = canon_host(host ? host : "", h);
	/* an address is not a name: libpsl would call "1.2.3.4" "3.4"; nor is
	** an overlong one, whose suffixes would read otherwise than itself */
	if (!name || !h[0] || watch_host_is_ip(h) || !psl) {
		pstrtrunc(out, h, WATCH_HOST_MAX);
		return out;
	}
	/* NULL for a public suffix itself ("gov.ir", "github.io"), which is
	** then its own registrable domain: nobody owns it but it still names
	** one place */
	const char *r = psl_registrable_domain(psl, h);
	/* a suffix of h: canonical already, label by label */
	pstrtrunc(out, r ? r : h, WATCH_HOST_MAX);
	return out;
}

/* Is host (canonical) dom or under it at a label boundary? dom is compared
** without regard to ASCII case or a trailing dot; "notmof.ir" is not under
** "mof.ir". */
static bool under(const char *host, size_t hl, const char *dom)
{
	size_t dl = strlen(dom);
	while (dl > 1 && dom[dl - 1] == '.')
		dl--;
	if (dl == 0 || dl > hl || strncasecmp(host + hl - dl, dom, dl) != 0)
		return false;
	return hl == dl || host[hl - dl - 1] == '.';
}

/* How many bytes of host (canonical, hl bytes) the domain d matches (its
** length when host is d or under it), 0 when it does not. A domain not in
** canonical form (UTF-8, upper case) is made canonical first. */
static size_t match_len(const char *host, size_t hl, const char *d)
{
	if (!d || !d[0])
		return 0;
	char c[WATCH_HOST_MAX];
	if (!ascii_only(d)) {
		canon_host(d, c);
		d = c;
	}
	if (!under(host, hl, d))
		return 0;
	size_t dl = strlen(d);
	while (dl > 1 && d[dl - 1] == '.')
		dl--;
	return dl;
}

/* The longest of ctx->others that host is or is under, NULL when none. By
** bisection over each of host's parents when the caller sorted the list
** (the monitor's list of every organisation's domains), by a scan
** otherwise. */
static const struct watch_owner *other_owner(const struct watch_context *ctx, const char *host,
					     size_t hl, size_t *len)
{
	*len = 0;
	if (!ctx || !ctx->others || !ctx->nothers)
		return NULL;
	if (ctx->sorted) {
		for (const char *p = host; p && *p; p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL) {
			size_t lo = 0, hi = ctx->nothers;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				int c = strcmp(ctx->others[mid].domain, p);
				if (c == 0) {
					*len = hl - (size_t)(p - host);
					return &ctx->others[mid];
				}
				if (c < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
		}
		return NULL;
	}
	const struct watch_owner *best = NULL;
	for (size_t i = 0; i < ctx->nothers; i++) {
		size_t l = match_len(host, hl, ctx->others[i].domain);
		if (l > *len) {
			*len = l;
			best = &ctx->others[i];
		}
	}
	return best;
}

/* watch_registrable of the page's site, remembered per thread: the judge
** asks about every reference of one page with the same site, and the list
** lookup is most of what a classification costs (2 us of 5). */
static void site_registrable(const char *site, char out[WATCH_HOST_MAX])
{
	static _Thread_local char last[WATCH_HOST_MAX], last_reg[WATCH_HOST_MAX];
	static _Thread_local bool have;
	if (have && strcmp(site, last) == 0) {
		memcpy(out, last_reg, WATCH_HOST_MAX);
		return;
	}
	watch_registrable(site, out);
	if (strlen(site) < WATCH_HOST_MAX) {
		memcpy(last, site, strlen(site) + 1);
		memcpy(last_reg, out, WATCH_HOST_MAX);
		have = true;
	}
}

/* The names a foreign host may imitate: the site's registrable domain and
** the organisation's domains. At most LOOKALIKE_OWN_MAX on the stack; an
** organisation with more is asked about with its first ones (watch_lookalike
** compares each name, so the cost grows with the list). */
#define LOOKALIKE_OWN_MAX 64

void watch_host_classify(const struct watch_context *ctx, const char *site, const char *host,
			 const char *path, struct watch_host_info *out)
{
	memset(out, 0, sizeof(*out));
	out->cls = WATCH_HC_FOREIGN;
	/* a non-network URL (data:, javascript:) names no host: nothing is
	** known of it, and the judge decides about such URLs itself */
	if (!host || !host[0])
		return;
	char h[WATCH_HOST_MAX], site_reg[WATCH_HOST_MAX], host_reg[WATCH_HOST_MAX];
	canon_host(host, h);
	size_t hl = strlen(h);
	out->ip = watch_host_is_ip(h);
	/* site is the page's host; a caller that hands the page's URL means
	** its host */
	char site_host[WATCH_HOST_MAX];
	if (site && strstr(site, "://") &&
	    watch_url_host(site, strlen(site), "", site_host) == WATCH_URL_HOST)
		site = site_host;
	site_registrable(site ? site : "", site_reg);
	watch_registrable(h, host_reg);

	/* The site's own registrable domain: stats.mrud.gov.ir and
	** cdn.mrud.gov.ir on www.mrud.gov.ir are the site's own services. */
	if (site_reg[0] && strcmp(site_reg, host_reg) == 0) {
		out->cls = WATCH_HC_SITE;
		return;
	}

	/* The organisation's domains, then other organisations': the longest
	** match wins, as in the owner lookup, so a subdomain another body was
	** given inside the owner's domain is that body's, and an "others" list
	** that also holds the owner's own domains (one list for a whole pass)
	** still says OWN for them. */
	size_t own_len = 0;
	for (size_t i = 0; ctx && ctx->own && i < ctx->nown; i++) {
		size_t l = match_len(h, hl, ctx->own[i]);
		if (l > own_len)
			own_len = l;
	}
	size_t oth_len = 0;
	const struct watch_owner *o = out->ip ? NULL : other_owner(ctx, h, hl, &oth_len);
	if (own_len && own_len >= oth_len) {
		out->cls = WATCH_HC_OWN;
		return;
	}
	if (o) {
		out->cls = WATCH_HC_CONSTITUENCY;
		pstrtrunc(out->who, o->org ? o->org : "", sizeof(out->who));
		return;
	}

	/* A well-known service; a public CDN's user-content path (anyone's
	** repository or package) is marked, for the judge does not call that
	** "known". */
	/* by path too: one host may serve two services (www.google.com/maps
	** is maps, /recaptcha/ CAPTCHA, the rest of it none) */
	const struct watch_service *svc = out->ip ? NULL : watch_service_find_path(h, path);
	if (svc) {
		out->cls = WATCH_HC_SERVICE;
		pstrtrunc(out->who, svc->name ? svc->name : "", sizeof(out->who));
		pstrtrunc(out->category, svc->category ? svc->category : "", sizeof(out->category));
		out->roles = svc->roles;
		char pub[WATCH_PATH_MAX];
		out->user_content = watch_service_publication(svc, path ? path : "", pub)[0] != '\0';
		return;
	}

	/* Foreign: does it imitate the site, the organisation or a known
	** service? An address imitates nothing (being one is its signal). */
	if (out->ip)
		return;
	const char *names[LOOKALIKE_OWN_MAX];
	size_t nn = 0;
	if (site_reg[0])
		names[nn++] = site_reg;
	for (size_t i = 0; ctx && ctx->own && i < ctx->nown && nn < LOOKALIKE_OWN_MAX; i++)
		if (ctx->own[i] && ctx->own[i][0])
			names[nn++] = ctx->own[i];
	/* the host as the page wrote it (lower case): a UTF-8 homoglyph and
	** an xn-- form are different kinds of imitation */
	char given[WATCH_HOST_MAX];
	size_t gn = 0;
	for (; host[gn] && gn + 1 < sizeof(given); gn++)
		given[gn] = (char)tolower((unsigned char)host[gn]);
	given[gn] = '\0';
	while (gn > 1 && given[gn - 1] == '.')
		given[--gn] = '\0';
	out->lookalike = watch_lookalike(given, names, nn, out->imitates);
}
