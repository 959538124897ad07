/*
** value.c — indicator values: the types an analyst blocks, each value
** validated and written in one canonical form, the guess of a bare value's
** type for plain bulk lists, the default validity per type, and what a
** value covers for matching (its host; its address range).
**
** Everything here is a function of its arguments: no I/O, no globals, no
** allocation except inside libidn2 (freed before return). Inputs come from
** analysts, feeds and peers, so every parser is bounded by
** INDICATOR_VALUE_MAX and refuses what it cannot read rather than guess:
** a blocklist entry read wrongly blocks the wrong thing, or nothing.
** The rules per type are in indicator.h (indicator_value_canon).
*/
#include "indicator/indicator.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS ((int64_t)24 * 3600 * 1000)

static const char *const type_names[INDICATOR_TYPE_COUNT] = {
	[INDICATOR_IPV4] = "ipv4",     [INDICATOR_IPV6] = "ipv6",
	[INDICATOR_CIDR] = "cidr",     [INDICATOR_DOMAIN] = "domain",
	[INDICATOR_URL] = "url",       [INDICATOR_EMAIL] = "email",
	[INDICATOR_SHA256] = "sha256", [INDICATOR_SHA1] = "sha1",
	[INDICATOR_MD5] = "md5",       [INDICATOR_TLS] = "tls",
	[INDICATOR_ASN] = "asn",       [INDICATOR_APP] = "app",
};

enum indicator_type indicator_type_parse(const char *name)
{
	if (!name)
		return INDICATOR_NONE;
	for (int t = INDICATOR_NONE + 1; t < INDICATOR_TYPE_COUNT; t++)
		if (pstr_ieqc(pstr_c(name), type_names[t]))
			return (enum indicator_type)t;
	return INDICATOR_NONE;
}

const char *indicator_type_name(enum indicator_type t)
{
	if ((int)t <= INDICATOR_NONE || t >= INDICATOR_TYPE_COUNT)
		return NULL;
	return type_names[t];
}

int64_t indicator_default_ttl_ms(enum indicator_type t)
{
	switch (t) {
	case INDICATOR_IPV4:
	case INDICATOR_IPV6:
		return 30 * DAY_MS;
	case INDICATOR_CIDR:
	case INDICATOR_URL:
		return 90 * DAY_MS;
	case INDICATOR_DOMAIN:
	case INDICATOR_ASN:
		return 180 * DAY_MS;
	case INDICATOR_EMAIL:
	case INDICATOR_SHA256:
	case INDICATOR_SHA1:
	case INDICATOR_MD5:
	case INDICATOR_TLS:
	case INDICATOR_APP:
		return 365 * DAY_MS;
	default:
		return 0;
	}
}

/* ------------------------------------------------------------ helpers */

/* At most this much of a refused value is quoted back in a message, cut
** before a UTF-8 sequence, never inside one (the message reaches a JSON
** problem document). */
#define QUOTE 64
#define Q(s) qn(s), (s).p

static int qn(struct pstr s)
{
	size_t n = s.n > QUOTE ? QUOTE : s.n;
	while (n > 0 && n < s.n && ((unsigned char)s.p[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

/* Refuse the value: PERR_INVALID on field "value". A message cut at the
** size of err->msg loses the partial UTF-8 sequence at its end too. */
static int fail(struct perr *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct perr *err, const char *fmt, ...)
{
	if (!err)
		return -1;
	char msg[sizeof(err->msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	size_t n = strlen(msg);
	for (int k = 0; k < 4 && n && !utf8_valid(msg, n); k++)
		n--;
	msg[n] = '\0';
	return perr_set(err, PERR_INVALID, "value", "%s", msg);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A decimal number of at most maxdigits digits, without sign or leading
** zero ("0" itself is fine). Returns 0 and *v, or -1. */
static int decimal(struct pstr s, size_t maxdigits, uint64_t *v)
{
	if (s.n == 0 || s.n > maxdigits || (s.n > 1 && s.p[0] == '0'))
		return -1;
	uint64_t x = 0;
	for (size_t i = 0; i < s.n; i++) {
		if (!is_digit(s.p[i]))
			return -1;
		x = x * 10 + (uint64_t)(s.p[i] - '0');
	}
	*v = x;
	return 0;
}

/* ------------------------------------------------------------ addresses */

/* Strict dotted-quad IPv4. On failure the message says what is wrong. */
static int parse_ipv4(struct pstr s, uint8_t a[4], struct perr *err)
{
	size_t dots = 0;
	for (size_t k = 0; k < s.n; k++)
		dots += s.p[k] == '.';
	if (dots != 3)
		return fail(err,
			    "an IPv4 address has four parts: %.*s", Q(s));
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		size_t j = i;
		while (j < s.n && s.p[j] != '.')
			j++;
		struct pstr d = { s.p + i, j - i };
		uint64_t v;
		if (d.n == 0)
			return fail(err,
				    "empty part in IPv4 address %.*s", Q(s));
		for (size_t k = 0; k < d.n; k++)
			if (!is_digit(d.p[k]))
				return fail(err,
					    "not an IPv4 address: %.*s", Q(s));
		if (d.n > 1 && d.p[0] == '0')
			return fail(err,
				    "leading zero in IPv4 part '%.*s' (octal or decimal?)",
				    Q(d));
		if (decimal(d, 3, &v) != 0 || v > 255)
			return fail(err,
				    "IPv4 part '%.*s' is above 255", Q(d));
		a[part] = (uint8_t)v;
		i = j + 1;
	}
	return 0;
}

static int parse_ipv6(struct pstr s, uint8_t a[16], struct perr *err)
{
	char tmp[INET6_ADDRSTRLEN + 8];
	if (pstr_copy(s, tmp, sizeof(tmp)) != 0 || inet_pton(AF_INET6, tmp, a) != 1)
		return fail(err, "not an IPv6 address: %.*s",
				Q(s));
	return 0;
}

static bool v4_mapped(const uint8_t a[16])
{
	static const uint8_t pre[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	return memcmp(a, pre, 12) == 0;
}

/* RFC 5952 text of an IPv6 address into out (>= INET6_ADDRSTRLEN): lower
** case, no leading zeros, the longest run of two or more zero words (the
** first of equals) as "::", dotted quad only for an IPv4-mapped address.
** Written here rather than by inet_ntop, which prints any address with
** six leading zero words in the deprecated ::a.b.c.d form. */
static void fmt_ipv6(const uint8_t a[16], char *out, size_t outsz)
{
	if (v4_mapped(a)) {
		snprintf(out, outsz, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
		return;
	}
	unsigned w[8];
	for (int i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	int best = -1, bestlen = 0;
	for (int i = 0; i < 8;) {
		if (w[i] != 0) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && w[j] == 0)
			j++;
		if (j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
		i = j;
	}
	if (bestlen < 2)
		best = -1;
	struct pbuf b = pbuf_fixed(out, outsz);
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			pbuf_adds(&b, "::");
			i += bestlen - 1;
			continue;
		}
		if (i > 0 && i != best + bestlen)
			pbuf_adds(&b, ":");
		pbuf_addf(&b, "%x", w[i]);
	}
}

static int canon_ipv4(struct pstr s, struct pbuf *o, struct perr *err)
{
	uint8_t a[4];
	if (parse_ipv4(s, a, err) != 0)
		return -1;
	return pbuf_addf(o, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

static int canon_ipv6(struct pstr s, struct pbuf *o, struct perr *err)
{
	uint8_t a[16];
	char txt[INET6_ADDRSTRLEN];
	if (parse_ipv6(s, a, err) != 0)
		return -1;
	if (v4_mapped(a))
		return fail(err,
			    "%.*s is an IPv4-mapped address: use the ipv4 indicator "
			    "%u.%u.%u.%u",
			    Q(s), a[12], a[13], a[14], a[15]);
	fmt_ipv6(a, txt, sizeof(txt));
	return pbuf_adds(o, txt);
}

/* The address and prefix of a network "ADDR/LEN" (the address v4 or v6). */
static int parse_cidr(struct pstr s, int *fam, uint8_t a[16], unsigned *len,
		      struct perr *err)
{
	struct pstr addr, l;
	if (!pstr_cut(s, '/', &addr, &l))
		return fail(err,
			    "bad CIDR %.*s: a network is ADDRESS/LENGTH (one address "
			    "is an ipv4 or ipv6 indicator)",
			    Q(s));
	memset(a, 0, 16);
	struct perr e = { 0 };
	if (memchr(addr.p, ':', addr.n)) {
		*fam = 6;
		if (parse_ipv6(addr, a, &e) != 0)
			return fail(err, "bad CIDR: %s", e.msg);
	} else {
		*fam = 4;
		if (parse_ipv4(addr, a, &e) != 0)
			return fail(err, "bad CIDR: %s", e.msg);
	}
	unsigned max = *fam == 4 ? 32 : 128, min = *fam == 4 ? 8 : 16;
	uint64_t v;
	if (decimal(l, 3, &v) != 0)
		return fail(err,
			    "bad CIDR %.*s: the prefix length is a number from %u to %u",
			    Q(s), min, max);
	if (v > max)
		return fail(err,
			    "bad CIDR %.*s: prefix /%u is longer than %u", Q(s), (unsigned)v,
			    max);
	if (v < min)
		return fail(err,
			    "bad CIDR %.*s: a /%u network is too broad to block (shortest "
			    "allowed: /%u)",
			    Q(s), (unsigned)v, min);
	*len = (unsigned)v;
	return 0;
}

/* Set last to the last address of the network first/len (nbytes bytes);
** returns true when first has host bits set (first is masked then). */
static bool mask_net(uint8_t first[16], uint8_t last[16], int nbytes, unsigned len)
{
	bool host = false;
	for (int i = 0; i < nbytes; i++) {
		int bits = (int)len - i * 8;
		uint8_t m = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
		host |= (first[i] & m) != first[i];
		first[i] &= m;
		last[i] = (uint8_t)(first[i] | (uint8_t)~m);
	}
	return host;
}

static int canon_cidr(struct pstr s, struct pbuf *o, struct perr *err)
{
	int fam;
	uint8_t a[16], last[16] = { 0 };
	unsigned len;
	char txt[INET6_ADDRSTRLEN];
	if (parse_cidr(s, &fam, a, &len, err) != 0)
		return -1;
	if (fam == 6 && v4_mapped(a) && len >= 96)
		return fail(err,
			    "bad CIDR %.*s: an IPv4-mapped network is a cidr of IPv4 "
			    "(%u.%u.%u.%u/%u)",
			    Q(s), a[12], a[13], a[14], a[15], len - 96);
	bool host = mask_net(a, last, fam == 4 ? 4 : 16, len);
	if (fam == 4)
		snprintf(txt, sizeof(txt), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	else
		fmt_ipv6(a, txt, sizeof(txt));
	if (host)
		return fail(err,
			    "bad CIDR %.*s: host bits set, did you mean %s/%u?", Q(s), txt,
			    len);
	return pbuf_addf(o, "%s/%u", txt, len);
}

/* ------------------------------------------------------------ domains */


/* An A-label ("xn--...") must decode to a valid U-label and encode back
** to itself: "xn--zz" is no name a registry could have delegated. */
static bool alabel_ok(const char *label)
{
	char *u = NULL, back[80];
	bool ok = false;
	if (idn2_to_unicode_8z8z(label, &u, 0) == IDN2_OK && u && u[0] &&
	    utf8_valid(u, strlen(u)) && core_idna_label(u, back, sizeof(back)) == 0)
		ok = strcmp(back, label) == 0;
	idn2_free(u);
	return ok;
}

/* Canonical domain of s into o: see indicator.h. what names the part in
** messages ("domain", "URL host", "e-mail domain"). */
static int canon_domain_as(struct pstr s, struct pbuf *o, const char *what,
			   struct perr *err)
{
	struct pstr name = s;
	if (name.n && name.p[name.n - 1] == '.')
		name.n--; /* the root's dot: "evil.example." is "evil.example" */
	if (name.n == 0)
		return fail(err, "empty %s", what);
	if (name.n > 4 * 253) /* the longest UTF-8 spelling of a 253-byte name */
		return fail(err,
			    "%s is longer than 253 bytes", what);
	size_t start = o->len, labels = 0;
	bool digits_only = false;
	size_t i = 0;
	for (;;) {
		size_t j = i;
		while (j < name.n && name.p[j] != '.')
			j++;
		struct pstr lab = { name.p + i, j - i };
		char raw[256], ace[80];
		if (lab.n == 0)
			return fail(err,
				    "invalid label: empty label in %s %.*s", what, Q(s));
		if (pstr_copy(lab, raw, sizeof(raw)) != 0)
			return fail(err,
				    "invalid label '%.*s...': longer than 63 bytes", Q(lab));
		bool ascii = true;
		for (size_t k = 0; k < lab.n; k++) {
			ascii &= (unsigned char)raw[k] < 0x80;
			raw[k] = (unsigned char)raw[k] < 0x80 ? core_lower(raw[k]) : raw[k];
		}
		if (!ascii) {
			if (core_idna_label(raw, ace, sizeof(ace)) != 0)
				return fail(err,
					    "invalid label '%.*s': not a valid "
					    "internationalized label (IDNA 2008)",
					    Q(lab));
		} else {
			if (pstrlcpy(ace, raw, sizeof(ace)) != 0)
				return fail(err,
					    "invalid label '%.*s': longer than 63 bytes",
					    Q(lab));
		}
		size_t an = strlen(ace);
		/* IDNA maps some labels to nothing (U+FEFF, a byte order mark
		** pasted mid-name): an empty label, never an index before ace */
		if (an == 0)
			return fail(err, "invalid label '%.*s': empty once converted (IDNA 2008)",
				    Q(lab));
		if (an > 63)
			return fail(err,
				    "invalid label '%.*s': longer than 63 bytes", Q(lab));
		digits_only = true;
		for (size_t k = 0; k < an; k++) {
			char c = ace[k];
			if (!is_alpha(c) && !is_digit(c) && c != '-')
				return fail(err,
					    "invalid label '%.*s' in %s: only letters, "
					    "digits and '-' (LDH)",
					    Q(lab), what);
			digits_only &= is_digit(c);
		}
		if (ace[0] == '-' || ace[an - 1] == '-')
			return fail(err,
				    "invalid label '%.*s' in %s: starts or ends with '-'",
				    Q(lab), what);
		if (ascii && an > 4 && memcmp(ace, "xn--", 4) == 0 && !alabel_ok(ace))
			return fail(err,
				    "invalid label '%.*s' in %s: an xn-- label that is "
				    "not valid punycode (IDNA 2008)",
				    Q(lab), what);
		if (labels++)
			pbuf_adds(o, ".");
		pbuf_adds(o, ace);
		if (j == name.n)
			break;
		i = j + 1;
	}
	if (pbuf_failed(o) || o->len - start > 253)
		return fail(err, "%s is longer than 253 bytes",
				what);
	if (labels < 2)
		return fail(err,
			    "%s %.*s has one label: a top-level name would block a whole "
			    "registry",
			    what, Q(s));
	if (digits_only)
		return fail(err,
			    "%s %.*s ends in an all-digit label: a broken address, not a "
			    "name",
			    what, Q(s));
	return 0;
}

/* ------------------------------------------------------------ URL, e-mail */

/* The host of a URL or an e-mail address: an IPv4 address (digits and
** dots only, read as one, so "010.1.1.1" is named a bad address), [IPv6]
** when brackets is set, else a domain. */
static int canon_host(struct pstr h, bool brackets, struct pbuf *o, const char *what,
		      struct perr *err)
{
	struct perr e = { 0 };
	if (brackets) {
		uint8_t a[16];
		char txt[INET6_ADDRSTRLEN];
		if (parse_ipv6(h, a, &e) != 0)
			return fail(err, "bad %s: %s", what, e.msg);
		fmt_ipv6(a, txt, sizeof(txt));
		return pbuf_addf(o, "[%s]", txt);
	}
	bool dotted = h.n > 0;
	for (size_t k = 0; k < h.n; k++)
		dotted &= is_digit(h.p[k]) || h.p[k] == '.';
	if (dotted) {
		if (canon_ipv4(h, o, &e) != 0)
			return fail(err, "bad %s: %s", what, e.msg);
		return 0;
	}
	return canon_domain_as(h, o, what, err);
}

static int canon_url(struct pstr s, struct pbuf *o, struct perr *err)
{
	static const struct {
		const char *name;
		unsigned port;
	} schemes[] = { { "http", 80 }, { "https", 443 }, { "ftp", 21 } };
	const char *sep = NULL;
	for (size_t k = 0; k + 3 <= s.n; k++)
		if (memcmp(s.p + k, "://", 3) == 0) {
			sep = s.p + k;
			break;
		}
	int sc = -1;
	struct pstr scheme = { s.p, sep ? (size_t)(sep - s.p) : 0 };
	for (size_t k = 0; sep && k < ARRAY_SIZE(schemes); k++)
		if (pstr_ieqc(scheme, schemes[k].name))
			sc = (int)k;
	if (sc < 0)
		return fail(err,
			    "a URL indicator starts with http://, https:// or ftp://");
	struct pstr rest = { sep + 3, s.n - scheme.n - 3 };
	size_t i = 0;
	while (i < rest.n && rest.p[i] != '/' && rest.p[i] != '?' && rest.p[i] != '#')
		i++;
	struct pstr auth = { rest.p, i }, path = { rest.p + i, rest.n - i };
	/* user info: up to the last '@' of the authority (a decoy name before
	** it is the phishing trick; the host is after it) */
	struct pstr user = { NULL, 0 };
	for (size_t k = auth.n; k > 0; k--)
		if (auth.p[k - 1] == '@') {
			user = (struct pstr){ auth.p, k };
			auth = (struct pstr){ auth.p + k, auth.n - k };
			break;
		}
	struct pstr host = auth, port = { NULL, 0 };
	bool v6 = auth.n && auth.p[0] == '[';
	if (v6) {
		const char *rb = memchr(auth.p, ']', auth.n);
		if (!rb)
			return fail(err, "unclosed [ in URL host");
		host = (struct pstr){ auth.p + 1, (size_t)(rb - auth.p - 1) };
		struct pstr after = { rb + 1, auth.n - (size_t)(rb + 1 - auth.p) };
		if (after.n && after.p[0] != ':')
			return fail(err,
				    "bad URL authority after ]: %.*s", Q(after));
		if (after.n)
			port = (struct pstr){ after.p + 1, after.n - 1 };
	} else {
		struct pstr hh;
		if (pstr_cut(auth, ':', &hh, &port)) {
			host = hh;
			if (!port.p)
				port = (struct pstr){ auth.p + auth.n, 0 };
		}
	}
	uint64_t pn = 0;
	if (port.p && (decimal(port, 5, &pn) != 0 || pn < 1 || pn > 65535))
		return fail(err,
			    "bad URL port '%.*s': a number from 1 to 65535", Q(port));
	if (host.n == 0)
		return fail(err, "a URL indicator needs a host");
	for (size_t k = 0; k < user.n; k++)
		if ((unsigned char)user.p[k] <= 0x20 || (unsigned char)user.p[k] >= 0x7f)
			return fail(err,
				    "bad URL user info: spaces, control bytes or "
				    "non-ASCII (percent-encode them)");
	pbuf_adds(o, schemes[sc].name);
	pbuf_adds(o, "://");
	pbuf_add(o, user.p, user.n);
	if (canon_host(host, v6, o, "URL host", err) != 0)
		return -1;
	if (port.p && pn != schemes[sc].port)
		pbuf_addf(o, ":%u", (unsigned)pn);
	const char *hash = path.n ? memchr(path.p, '#', path.n) : NULL;
	if (hash)
		path.n = (size_t)(hash - path.p);
	if (path.n == 0 || path.p[0] != '/')
		pbuf_adds(o, "/");
	size_t run = 0; /* start of the bytes not yet copied */
	for (size_t k = 0; k < path.n; k++) {
		unsigned char c = (unsigned char)path.p[k];
		if (c <= 0x20 || c == 0x7f)
			return fail(err,
				    "a URL path or query has no spaces or control bytes "
				    "(percent-encode them)");
		if (c >= 0x80) {
			pbuf_add(o, path.p + run, k - run);
			pbuf_addf(o, "%%%02X", c);
			run = k + 1;
		}
	}
	pbuf_add(o, path.p + run, path.n - run);
	return 0;
}

/* RFC 5322 atext: the characters of a dot-atom besides '.'. */
static bool atext(char c)
{
	return is_alpha(c) || is_digit(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static int canon_email(struct pstr s, struct pbuf *o, struct perr *err)
{
	struct pstr local, domain;
	const char *at = s.n ? memchr(s.p, '@', s.n) : NULL;
	if (!at)
		return fail(err,
			    "an e-mail address is local@domain: no '@' in %.*s", Q(s));
	local = (struct pstr){ s.p, (size_t)(at - s.p) };
	domain = (struct pstr){ at + 1, s.n - local.n - 1 };
	if (memchr(domain.p, '@', domain.n))
		return fail(err,
			    "an e-mail address has one '@' (quoted local parts are not "
			    "accepted)");
	if (local.n == 0 || local.n > 64)
		return fail(err,
			    "the local part of an e-mail address has 1 to 64 bytes");
	for (size_t k = 0; k < local.n; k++) {
		char c = local.p[k];
		if (c == '.') {
			if (k == 0 || k + 1 == local.n || local.p[k + 1] == '.')
				return fail(err,
					    "bad e-mail local part '%.*s': a '.' at an end "
					    "or doubled",
					    Q(local));
		} else if (!atext(c)) {
			return fail(err,
				    "bad e-mail local part '%.*s': letters, digits and "
				    "!#$%%&'*+-/=?^_`{|}~ only",
				    Q(local));
		}
	}
	if (domain.n && domain.p[0] == '[')
		return fail(err,
			    "an e-mail indicator names a domain, not an address literal");
	char low[64];
	for (size_t k = 0; k < local.n; k++)
		low[k] = core_lower(local.p[k]);
	pbuf_add(o, low, local.n);
	pbuf_adds(o, "@");
	if (canon_domain_as(domain, o, "e-mail domain", err) != 0)
		return -1;
	if (o->len > 254)
		return fail(err,
			    "an e-mail address has at most 254 bytes");
	return 0;
}

/* ------------------------------------------------------------ hashes, ASN, app */

static int canon_hex(struct pstr s, size_t digits, const char *what, struct pbuf *o,
		     struct perr *err)
{
	for (size_t k = 0; k < s.n; k++)
		if (core_hexval(s.p[k]) < 0)
			return fail(err,
				    "%s: '%c' at position %zu is not a hex digit", what,
				    (unsigned char)s.p[k] >= 0x20 &&
						    (unsigned char)s.p[k] < 0x7f ?
					    s.p[k] :
					    '?',
				    k + 1);
	if (s.n != digits)
		return fail(err,
			    "%s has %zu hex digits, not %zu: wrong length", what, digits,
			    s.n);
	char low[64];
	for (size_t k = 0; k < s.n; k++)
		low[k] = core_lower(s.p[k]);
	return pbuf_add(o, low, s.n);
}

/* A SHA-256 certificate fingerprint: 64 hex digits, or 32 pairs with ':'
** between them. */
static int canon_fingerprint(struct pstr s, const char *what, struct pbuf *o,
			     struct perr *err)
{
	if (!memchr(s.p, ':', s.n))
		return canon_hex(s, 64, what, o, err);
	if (s.n != 32 * 3 - 1)
		return fail(err,
			    "%s: 32 colon-separated hex pairs (95 characters), not %zu "
			    "characters: wrong length",
			    what, s.n);
	char plain[64];
	for (size_t k = 0; k < 32; k++) {
		if (k < 31 && s.p[3 * k + 2] != ':')
			return fail(err,
				    "%s: expected ':' after hex pair %zu", what, k + 1);
		plain[2 * k] = s.p[3 * k];
		plain[2 * k + 1] = s.p[3 * k + 1];
	}
	return canon_hex((struct pstr){ plain, 64 }, 64, what, o, err);
}

static int canon_asn(struct pstr s, struct pbuf *o, struct perr *err)
{
	struct pstr d = s;
	bool as = d.n >= 2 && pstr_ieqc((struct pstr){ d.p, 2 }, "as");
	if (as) {
		d.p += 2;
		d.n -= 2;
	}
	uint64_t v, hi, lo;
	struct pstr a, b;
	if (as && pstr_cut(d, '.', &a, &b)) {
		/* asdot (RFC 5396): high.low, each 16 bits */
		if (decimal(a, 5, &hi) != 0 || decimal(b, 5, &lo) != 0 || hi < 1 ||
		    hi > 65535 || lo > 65535)
			return fail(err,
				    "bad ASN %.*s: asdot is AS<1-65535>.<0-65535>", Q(s));
		v = hi << 16 | lo;
	} else if (decimal(d, 10, &v) != 0) {
		return fail(err,
			    "bad ASN %.*s: AS followed by a number from 1 to 4294967294",
			    Q(s));
	}
	if (v == 0 || v > 4294967294ULL)
		return fail(err,
			    "bad ASN %.*s: AS0 and AS4294967295 are reserved and an ASN has "
			    "32 bits",
			    Q(s));
	if (v == 23456 || v == 65535)
		return fail(err,
			    "bad ASN %.*s: AS%llu is reserved (%s) and originates no route",
			    Q(s), (unsigned long long)v,
			    v == 23456 ? "AS_TRANS, RFC 6793" : "RFC 7300");
	return pbuf_addf(o, "AS%llu", (unsigned long long)v);
}

/* Android's rule for a package name (PackageParser.validateName): two or
** more segments, each a letter then letters, digits or '_'. */
static int canon_package(struct pstr p, struct pbuf *o, struct perr *err)
{
	if (p.n == 0 || p.n > 255)
		return fail(err,
			    "an app's package name has 1 to 255 bytes");
	size_t segs = 1, seglen = 0;
	for (size_t k = 0; k < p.n; k++) {
		char c = p.p[k];
		if (c == '.') {
			if (seglen == 0)
				break;
			segs++;
			seglen = 0;
			continue;
		}
		if (!(is_alpha(c) || (seglen > 0 && (is_digit(c) || c == '_'))))
			return fail(err,
				    "bad package name '%.*s': each segment is a letter "
				    "then letters, digits or '_'",
				    Q(p));
		seglen++;
	}
	if (seglen == 0 || segs < 2)
		return fail(err,
			    "bad package name '%.*s': two or more non-empty segments "
			    "(com.example.app)",
			    Q(p));
	return pbuf_add(o, p.p, p.n);
}

static int canon_app(struct pstr s, struct pbuf *o, struct perr *err)
{
	struct pstr pkg, fp;
	if (!pstr_cut(s, ':', &pkg, &fp) || fp.n == 0)
		return fail(err,
			    "an app indicator is PACKAGE:SHA256 of its signing "
			    "certificate; no certificate fingerprint in %.*s",
			    Q(s));
	if (canon_package(pkg, o, err) != 0)
		return -1;
	pbuf_adds(o, ":");
	return canon_fingerprint(fp, "the app's signing certificate SHA-256", o, err);
}

/* ------------------------------------------------------------ canon */

int indicator_value_canon(enum indicator_type t, const char *text, size_t len, char *out,
			  size_t outsz, struct perr *err)
{
	struct pbuf o = pbuf_fixed(out, outsz);
	int rc = -1;
	if (!indicator_type_name(t)) {
		perr_set(err, PERR_INVALID, "type",
			 "indicator type must be ipv4, ipv6, cidr, domain, url, email, "
			 "sha256, sha1, md5, tls, asn or app");
		goto out;
	}
	struct pstr s = pstr_trim((struct pstr){ text ? text : "", text ? len : 0 });
	if (s.n == 0) {
		fail(err, "a %s indicator needs a value",
			 type_names[t]);
		goto out;
	}
	if (s.n > INDICATOR_VALUE_MAX || !utf8_valid(s.p, s.n)) {
		fail(err,
		     "an indicator value is valid UTF-8 of at most %d bytes",
		     INDICATOR_VALUE_MAX);
		goto out;
	}
	switch (t) {
	case INDICATOR_IPV4: rc = canon_ipv4(s, &o, err); break;
	case INDICATOR_IPV6: rc = canon_ipv6(s, &o, err); break;
	case INDICATOR_CIDR: rc = canon_cidr(s, &o, err); break;
	case INDICATOR_DOMAIN: rc = canon_domain_as(s, &o, "domain", err); break;
	case INDICATOR_URL: rc = canon_url(s, &o, err); break;
	case INDICATOR_EMAIL: rc = canon_email(s, &o, err); break;
	case INDICATOR_SHA256: rc = canon_hex(s, 64, "a SHA-256 hash", &o, err); break;
	case INDICATOR_SHA1: rc = canon_hex(s, 40, "a SHA-1 hash", &o, err); break;
	case INDICATOR_MD5: rc = canon_hex(s, 32, "an MD5 hash", &o, err); break;
	case INDICATOR_TLS:
		rc = canon_fingerprint(s, "a TLS certificate SHA-256 fingerprint", &o, err);
		break;
	case INDICATOR_ASN: rc = canon_asn(s, &o, err); break;
	case INDICATOR_APP: rc = canon_app(s, &o, err); break;
	default: break;
	}
	if (rc == 0 && (pbuf_failed(&o) || o.len > INDICATOR_VALUE_MAX)) {
		rc = fail(err,
			  "the canonical value is longer than %d bytes",
			  INDICATOR_VALUE_MAX);
	}
out:
	if (rc != 0) {
		rc = -1;
		if (outsz)
			out[0] = '\0';
	}
	return rc;
}

/* ------------------------------------------------------------ guess */

static bool all_hex(struct pstr s)
{
	for (size_t k = 0; k < s.n; k++)
		if (core_hexval(s.p[k]) < 0)
			return false;
	return true;
}

enum indicator_type indicator_type_guess(const char *text, size_t len)
{
	struct pstr s = pstr_trim((struct pstr){ text ? text : "", text ? len : 0 });
	if (s.n == 0 || s.n > INDICATOR_VALUE_MAX)
		return INDICATOR_NONE;
	bool colon = memchr(s.p, ':', s.n) != NULL, slash = memchr(s.p, '/', s.n) != NULL,
	     at = memchr(s.p, '@', s.n) != NULL, dot = memchr(s.p, '.', s.n) != NULL;
	bool scheme = false;
	for (size_t k = 0; k + 3 <= s.n && !scheme; k++)
		scheme = memcmp(s.p + k, "://", 3) == 0;
	/* the readings the value's shape allows, most specific first; the
	** first that canonicalises wins */
	enum indicator_type c[3] = { INDICATOR_NONE, INDICATOR_NONE, INDICATOR_NONE };
	if (scheme)
		c[0] = INDICATOR_URL;
	else if (slash)
		c[0] = INDICATOR_CIDR;
	else if (at)
		c[0] = INDICATOR_EMAIL;
	else if (all_hex(s) && s.n == 64)
		c[0] = INDICATOR_SHA256;
	else if (all_hex(s) && s.n == 40)
		c[0] = INDICATOR_SHA1;
	else if (all_hex(s) && s.n == 32)
		c[0] = INDICATOR_MD5;
	else if (colon) {
		/* a fingerprint's pairs, a package before its fingerprint, or an
		** address ("fe80::192.0.2.1" has the shape of a package too) */
		c[0] = INDICATOR_TLS;
		c[1] = INDICATOR_APP;
		c[2] = INDICATOR_IPV6;
	} else if (s.n > 2 && pstr_ieqc((struct pstr){ s.p, 2 }, "as") && is_digit(s.p[2]))
		c[0] = INDICATOR_ASN;
	else if (dot) {
		bool dotted = true;
		for (size_t k = 0; k < s.n; k++)
			dotted &= is_digit(s.p[k]) || s.p[k] == '.';
		c[0] = dotted ? INDICATOR_IPV4 : INDICATOR_DOMAIN;
	}
	char buf[INDICATOR_VALUE_SIZE];
	for (size_t k = 0; k < ARRAY_SIZE(c) && c[k] != INDICATOR_NONE; k++)
		if (indicator_value_canon(c[k], s.p, s.n, buf, sizeof(buf), NULL) == 0)
			return c[k];
	return INDICATOR_NONE;
}

/* ------------------------------------------------------------ matching */

struct pstr indicator_value_host(enum indicator_type t, const char *canon)
{
	struct pstr none = { NULL, 0 };
	if (!canon)
		return none;
	struct pstr s = pstr_c(canon), a, b;
	switch (t) {
	case INDICATOR_DOMAIN:
	case INDICATOR_IPV4:
	case INDICATOR_IPV6:
		return s;
	case INDICATOR_EMAIL: {
		const char *at = strrchr(canon, '@');
		return at ? pstr_c(at + 1) : none;
	}
	case INDICATOR_URL: {
		const char *p = strstr(canon, "://");
		if (!p)
			return none;
		p += 3;
		size_t n = strcspn(p, "/?#");
		struct pstr auth = { p, n };
		for (size_t k = n; k > 0; k--)
			if (p[k - 1] == '@') {
				auth = (struct pstr){ p + k, n - k };
				break;
			}
		if (auth.n && auth.p[0] == '[') {
			const char *rb = memchr(auth.p, ']', auth.n);
			return rb ? (struct pstr){ auth.p + 1, (size_t)(rb - auth.p - 1) } : none;
		}
		if (pstr_cut(auth, ':', &a, &b))
			return a;
		return auth;
	}
	default:
		return none;
	}
}

int indicator_value_range(enum indicator_type t, const char *canon, struct indicator_range *r)
{
	memset(r, 0, sizeof(*r));
	if (!canon)
		return -1;
	struct pstr s = pstr_c(canon);
	struct perr e = { 0 };
	if (t == INDICATOR_IPV4 && parse_ipv4(s, r->first, &e) == 0) {
		r->family = 4;
		r->prefix = 32;
	} else if (t == INDICATOR_IPV6 && parse_ipv6(s, r->first, &e) == 0) {
		r->family = 6;
		r->prefix = 128;
	} else if (t == INDICATOR_CIDR &&
		   parse_cidr(s, &r->family, r->first, &r->prefix, &e) == 0) {
		/* the prefix as canon wrote it; host bits were refused there */
	} else {
		memset(r, 0, sizeof(*r));
		return -1;
	}
	if (mask_net(r->first, r->last, r->family == 4 ? 4 : 16, r->prefix)) {
		memset(r, 0, sizeof(*r));
		return -1;
	}
	return 0;
}
