/*
** parse.c — the fetch module's parsers of outside data (see fetch.h): one
** response header line at a time into the block of headers kept, one DER
** certificate into the record an analyst reads, one Location value against
** the URL it came from. All are pure (no I/O, no clock, no globals) and
** bounded: every limit that bites is a flag in the result, not a failure.
** Everything they keep is valid UTF-8, ready for JSON, through
** fetch_text_add(). fuzz/fuzz_fetch.c drives all three.
**
** The certificate bytes are decoded by OpenSSL (d2i_X509): a certificate
** parser of our own would be more code to get wrong than the one libcurl
** already loads. What is ours is the rendering and its limits.
*/
#include "fetch/internal.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ------------------------------------------------------------------- text */

/* Length of the valid UTF-8 sequence at p (n bytes available): 1..4, or 0
** when the bytes there are no valid sequence (overlong, surrogate, past
** U+10FFFF, truncated, stray continuation). */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	if (c < 0x80)
		return 1;
	size_t len;
	unsigned lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < len)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

int fetch_text_add(struct pbuf *b, const char *s, size_t n, size_t cap, bool *bad, bool *cut)
{
	static const char repl[] = "\xef\xbf\xbd";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		size_t l = utf8_seq(p + i, n - i);
		const char *out = s + i;
		size_t ol = l;
		if (l == 0 || (l == 1 && ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f))) {
			out = repl;
			ol = 3;
			l = 1;
			*bad = true;
		}
		if (b->len + ol > cap) {
			*cut = true;
			return 0;
		}
		if (pbuf_add(b, out, ol) != 0)
			return -1;
		i += l;
	}
	return 0;
}

char *fetch_text_dup(const char *s, size_t n, size_t cap)
{
	struct pbuf b;
	bool bad = false, cut = false;
	pbuf_init(&b, 0);
	if (fetch_text_add(&b, s, n, cap, &bad, &cut) != 0) {
		pbuf_free(&b);
		return NULL;
	}
	return pbuf_take(&b);
}

/* ----------------------------------------------------------------- headers */

static const char *const hdr_names[FETCH_H_COUNT] = {
	[FETCH_H_STS] = "strict-transport-security",
	[FETCH_H_CSP] = "content-security-policy",
	[FETCH_H_XFO] = "x-frame-options",
	[FETCH_H_XCTO] = "x-content-type-options",
	[FETCH_H_REFERRER_POLICY] = "referrer-policy",
	[FETCH_H_PERMISSIONS_POLICY] = "permissions-policy",
	[FETCH_H_SERVER] = "server",
	[FETCH_H_POWERED_BY] = "x-powered-by",
	[FETCH_H_CONTENT_TYPE] = "content-type",
	[FETCH_H_LAST_MODIFIED] = "last-modified",
	[FETCH_H_ETAG] = "etag",
	[FETCH_H_LOCATION] = "location",
};

/* h->last when the previous field line was one not kept (its
** continuation lines are skipped too). */
#define LAST_NONE (-1)
#define LAST_SKIPPED (-2)

const char *fetch_header_name(enum fetch_hdr_id id)
{
	return (unsigned)id < FETCH_H_COUNT ? hdr_names[id] : "";
}

void fetch_headers_init(struct fetch_headers *h)
{
	memset(h, 0, sizeof(*h));
	h->last = LAST_NONE;
}

void fetch_headers_free(struct fetch_headers *h)
{
	for (int i = 0; i < FETCH_H_COUNT; i++)
		free(h->v[i]);
	fetch_headers_init(h);
}

/* RFC 9110 token characters. */
static bool tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* "HTTP/x[.y] NNN[ reason]": 0 and the parts, or -1. */
static int status_line(struct pstr s, int *status, char *version, size_t vsz)
{
	struct pstr v, rest;
	if (s.n < 5 || memcmp(s.p, "HTTP/", 5) != 0)
		return -1;
	s.p += 5;
	s.n -= 5;
	if (!pstr_cut(s, ' ', &v, &rest))
		return -1;
	if (v.n == 0 || v.n >= vsz)
		return -1;
	for (size_t i = 0; i < v.n; i++)
		if (!((v.p[i] >= '0' && v.p[i] <= '9') || v.p[i] == '.'))
			return -1;
	if (rest.n < 3 || (rest.n > 3 && rest.p[3] != ' '))
		return -1;
	int64_t code;
	if (pstr_to_i64((struct pstr){ rest.p, 3 }, 100, 999, &code) != 0)
		return -1;
	*status = (int)code;
	pstr_copy(v, version, vsz);
	return 0;
}

/* Append val to the value kept for header id (joined with sep when one is
** there already), the whole within FETCH_HDR_VALUE_MAX bytes; a separator
** with nothing after it is not kept. */
static int keep_value(struct fetch_headers *h, int id, const char *sep, struct pstr val)
{
	struct pbuf b;
	bool bad = false, cut = false;
	size_t have = h->v[id] ? strlen(h->v[id]) : 0;
	if (have && val.n == 0)
		return 0;
	if (have && have + strlen(sep) >= FETCH_HDR_VALUE_MAX) {
		h->flags |= FETCH_HF_VALUE_CUT;
		return 0;
	}
	pbuf_init(&b, 0);
	int rc = -1;
	if (have && (pbuf_add(&b, h->v[id], have) != 0 || pbuf_adds(&b, sep) != 0))
		goto out;
	size_t before = b.len;
	if (fetch_text_add(&b, val.p, val.n, FETCH_HDR_VALUE_MAX, &bad, &cut) != 0)
		goto out;
	if (have && b.len == before) {
		b.len = have; /* nothing fitted after the separator */
		b.ptr[have] = '\0';
	}
	char *nv = pbuf_take(&b);
	if (!nv)
		goto out;
	free(h->v[id]);
	h->v[id] = nv;
	if (bad)
		h->flags |= FETCH_HF_BAD_BYTES;
	if (cut)
		h->flags |= FETCH_HF_VALUE_CUT;
	rc = 0;
out:
	pbuf_free(&b);
	return rc;
}

int fetch_headers_line(struct fetch_headers *h, const char *line, size_t n)
{
	struct pstr s = { line, n };
	/* Strip the line end: CRLF, or a bare LF. */
	if (s.n && s.p[s.n - 1] == '\n')
		s.n--;
	if (s.n && s.p[s.n - 1] == '\r')
		s.n--;

	if (s.n >= 5 && memcmp(s.p, "HTTP/", 5) == 0) {
		int status;
		char version[sizeof(h->version)];
		if (s.n <= FETCH_HDR_LINE_MAX &&
		    status_line(s, &status, version, sizeof(version)) == 0) {
			fetch_headers_free(h);
			h->status = status;
			memcpy(h->version, version, sizeof(version));
			return 0;
		}
		if (h->status == 0 || h->done) {
			/* An unreadable status line still starts a response. */
			fetch_headers_free(h);
			h->flags |= FETCH_HF_MALFORMED;
			return 0;
		}
	}
	if (h->done)
		return 0; /* trailers, or anything after the block: not kept */
	if (s.n == 0) {
		h->done = true;
		return 0;
	}
	if (h->lines >= FETCH_HDR_LINES_MAX) {
		h->flags |= FETCH_HF_TOO_MANY;
		return 0;
	}
	h->lines++;
	if (s.n > FETCH_HDR_LINE_MAX) {
		h->flags |= FETCH_HF_LONG_LINE;
		h->last = LAST_SKIPPED;
		return 0;
	}
	if (s.p[0] == ' ' || s.p[0] == '\t') {
		/* obs-fold: a continuation of the previous field (RFC 9112 5.2
		** lets a recipient replace it with one space). */
		if (h->last == LAST_NONE) {
			h->flags |= FETCH_HF_MALFORMED;
			return 0;
		}
		if (h->last == LAST_SKIPPED)
			return 0;
		return keep_value(h, h->last, " ", pstr_trim(s));
	}
	struct pstr name, val;
	if (!pstr_cut(s, ':', &name, &val) || name.n == 0) {
		h->flags |= FETCH_HF_MALFORMED;
		h->last = LAST_SKIPPED;
		return 0;
	}
	for (size_t i = 0; i < name.n; i++)
		if (!tchar((unsigned char)name.p[i])) {
			h->flags |= FETCH_HF_MALFORMED;
			h->last = LAST_SKIPPED;
			return 0;
		}
	h->last = LAST_SKIPPED;
	for (int id = 0; id < FETCH_H_COUNT; id++) {
		if (!pstr_ieqc(name, hdr_names[id]))
			continue;
		if (h->count[id] < UINT16_MAX)
			h->count[id]++;
		if (h->count[id] > 1)
			h->flags |= FETCH_HF_REPEATED;
		h->last = id;
		return keep_value(h, id, ", ", pstr_trim(val));
	}
	return 0;
}

/* ------------------------------------------------------------ certificate */

/* A copy of an OpenSSL name in RFC 2253 form, UTF-8 left readable. */
static int name_text(const X509_NAME *name, char **out, unsigned *flags)
{
	int rc = -1;
	BIO *b = BIO_new(BIO_s_mem());
	if (!b)
		goto out;
	if (name &&
	    X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~(unsigned long)ASN1_STRFLGS_ESC_MSB) < 0)
		goto out;
	char *data = NULL;
	long len = BIO_get_mem_data(b, &data);
	struct pbuf t;
	bool bad = false, cut = false;
	pbuf_init(&t, 0);
	if (fetch_text_add(&t, data ? data : "", len > 0 ? (size_t)len : 0, FETCH_CERT_NAME_MAX,
			   &bad, &cut) != 0) {
		pbuf_free(&t);
		goto out;
	}
	if (cut)
		*flags |= FETCH_CF_NAME_CUT;
	*out = pbuf_take(&t);
	rc = *out ? 0 : -1;
out:
	BIO_free(b);
	return rc;
}

static int asn1_time_ms(const ASN1_TIME *t, int64_t *ms)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return -1;
	time_t s = timegm(&tm);
	if (s == (time_t)-1 && !(tm.tm_year == 69 && tm.tm_mon == 11 && tm.tm_mday == 31))
		return -1;
	*ms = (int64_t)s * 1000;
	return 0;
}

static int push_str(char ***v, size_t *n, char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv) {
		free(s);
		return -1;
	}
	*v = nv;
	nv[(*n)++] = s;
	return 0;
}

static int sans(X509 *x, struct fetch_cert *c)
{
	int crit = 0;
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, &crit, NULL);
	if (!gens)
		return 0;
	int rc = -1, num = sk_GENERAL_NAME_num(gens);
	for (int i = 0; i < num; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		if (g->type != GEN_DNS && g->type != GEN_IPADD)
			continue;
		if (c->n_san_dns + c->n_san_ip >= FETCH_SAN_MAX) {
			c->flags |= FETCH_CF_SAN_CUT;
			break;
		}
		const ASN1_STRING *s = g->type == GEN_DNS ? g->d.dNSName : g->d.iPAddress;
		const unsigned char *d = ASN1_STRING_get0_data(s);
		int len = ASN1_STRING_length(s);
		if (!d || len < 0)
			continue;
		if (g->type == GEN_DNS) {
			if ((size_t)len > FETCH_SAN_LEN_MAX) {
				c->flags |= FETCH_CF_SAN_CUT;
				continue;
			}
			char *v = fetch_text_dup((const char *)d, (size_t)len, FETCH_SAN_LEN_MAX * 3);
			if (!v || push_str(&c->san_dns, &c->n_san_dns, v) != 0)
				goto out;
		} else {
			char txt[FETCH_IP_MAX];
			if (len == 4)
				inet_ntop(AF_INET, d, txt, sizeof(txt));
			else if (len == 16)
				inet_ntop(AF_INET6, d, txt, sizeof(txt));
			else
				continue; /* a name constraint's address/mask does not belong here */
			char *v = strdup(txt);
			if (!v || push_str(&c->san_ip, &c->n_san_ip, v) != 0)
				goto out;
		}
	}
	rc = 0;
out:
	GENERAL_NAMES_free(gens);
	return rc;
}

static void key_text(X509 *x, struct fetch_cert *c)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	if (!k) {
		PSTRCPY(c->key_type, "unknown");
		return;
	}
	const char *tn = EVP_PKEY_get0_type_name(k);
	char group[32];
	size_t gl = 0;
	if (EVP_PKEY_get_base_id(k) == EVP_PKEY_EC &&
	    EVP_PKEY_get_group_name(k, group, sizeof(group), &gl) == 1 && gl < sizeof(group)) {
		char both[sizeof(c->key_type) + sizeof(group) + 2];
		snprintf(both, sizeof(both), "%.*s %s", (int)sizeof(c->key_type) - 1,
			 tn ? tn : "EC", group);
		pstrtrunc(c->key_type, both, sizeof(c->key_type)); /* shown: cut is fine */
	} else
		pstrtrunc(c->key_type, tn ? tn : "unknown", sizeof(c->key_type));
	c->key_bits = EVP_PKEY_get_bits(k);
}

int fetch_cert_parse(const uint8_t *der, size_t n, struct fetch_cert *c, struct perr *e)
{
	memset(c, 0, sizeof(*c));
	X509 *x = NULL;
	unsigned char *spki = NULL;
	int rc = -1;
	if (n == 0 || n > FETCH_CERT_DER_MAX) {
		perr_set(e, PERR_INVALID, "cert", "certificate of %zu bytes", n);
		goto out;
	}
	const unsigned char *p = der;
	x = d2i_X509(NULL, &p, (long)n);
	if (!x) {
		perr_set(e, PERR_INVALID, "cert", "not a DER certificate");
		goto out;
	}
	size_t used = (size_t)(p - der);
	if (used < n)
		c->flags |= FETCH_CF_TRAILING;

	uint8_t md[32];
	core_sha256(der, used, md);
	core_hex(md, 32, c->sha256);
	int sl = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &spki);
	if (sl > 0) {
		core_sha256(spki, (size_t)sl, md);
		core_hex(md, 32, c->spki_sha256);
	}

	if (name_text(X509_get_subject_name(x), &c->subject, &c->flags) != 0 ||
	    name_text(X509_get_issuer_name(x), &c->issuer, &c->flags) != 0) {
		perr_set(e, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	if (asn1_time_ms(X509_get0_notBefore(x), &c->not_before_ms) != 0 ||
	    asn1_time_ms(X509_get0_notAfter(x), &c->not_after_ms) != 0)
		c->flags |= FETCH_CF_BAD_TIME;

	const ASN1_INTEGER *sn = X509_get0_serialNumber(x);
	const unsigned char *sd = sn ? ASN1_STRING_get0_data(sn) : NULL;
	int snl = sn ? ASN1_STRING_length(sn) : 0;
	if (sd && snl > 0) {
		size_t k = (size_t)snl < (sizeof(c->serial) - 1) / 2 ? (size_t)snl
								    : (sizeof(c->serial) - 1) / 2;
		core_hex(sd, k, c->serial);
	}

	int nid = X509_get_signature_nid(x);
	if (nid != NID_undef)
		pstrtrunc(c->sig_alg, OBJ_nid2ln(nid), sizeof(c->sig_alg)); /* shown */
	else {
		const X509_ALGOR *alg = NULL;
		const ASN1_OBJECT *obj = NULL;
		X509_get0_signature(NULL, &alg, x);
		if (alg)
			X509_ALGOR_get0(&obj, NULL, NULL, alg);
		if (!obj || OBJ_obj2txt(c->sig_alg, sizeof(c->sig_alg), obj, 1) <= 0)
			PSTRCPY(c->sig_alg, "unknown");
	}
	key_text(x, c);
	if (sans(x, c) != 0) {
		perr_set(e, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	rc = 0;
out:
	OPENSSL_free(spki);
	X509_free(x);
	ERR_clear_error();
	if (rc != 0)
		fetch_cert_free(c);
	return rc;
}

void fetch_cert_free(struct fetch_cert *c)
{
	free(c->subject);
	free(c->issuer);
	for (size_t i = 0; i < c->n_san_dns; i++)
		free(c->san_dns[i]);
	for (size_t i = 0; i < c->n_san_ip; i++)
		free(c->san_ip[i]);
	free(c->san_dns);
	free(c->san_ip);
	memset(c, 0, sizeof(*c));
}

/* ------------------------------------------------------------------- URLs */

/* Length of a leading "scheme:" (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" /
** "-" / "." ) ":"), without the colon; 0 when there is none. */
static size_t scheme_len(const char *s)
{
	size_t i = 0;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (i = 1; s[i]; i++) {
		char ch = s[i];
		if (ch == ':')
			return i;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '+' || ch == '-' || ch == '.'))
			return 0;
	}
	return 0;
}

static bool http_scheme(const char *s, size_t n)
{
	return (n == 4 && strncasecmp(s, "http", 4) == 0) ||
	       (n == 5 && strncasecmp(s, "https", 5) == 0);
}

enum fetch_redir fetch_redirect_target(const char *base, const char *location, char **out)
{
	*out = NULL;
	enum fetch_redir rc = FETCH_REDIR_BAD;
	CURLU *u = NULL;
	char *full = NULL, *scheme = NULL, *host = NULL;
	if (!location || !location[0] || !base)
		goto out;
	size_t sl = scheme_len(location);
	if (sl && !http_scheme(location, sl)) {
		/* javascript:, data:, ftp:... recorded as sent, never followed. */
		*out = fetch_text_dup(location, strlen(location), FETCH_HDR_VALUE_MAX);
		rc = *out ? FETCH_REDIR_SCHEME : FETCH_REDIR_OOM;
		goto out;
	}
	u = curl_url();
	if (!u) {
		rc = FETCH_REDIR_OOM;
		goto out;
	}
	if (curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK)
		goto out;
	if (curl_url_set(u, CURLUPART_URL, location,
			 CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE | CURLU_ALLOW_SPACE) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
		goto out;
	/* Host names compare without case: lower-case it, so that a loop
	** through "Example.test" and "example.test" is seen as one. (On
	** failure libcurl may leave a copy in host: free it in all cases.) */
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto out;
	bool upper = false;
	for (char *p = host; *p; p++)
		if (*p >= 'A' && *p <= 'Z') {
			*p = (char)(*p - 'A' + 'a');
			upper = true;
		}
	if (upper && curl_url_set(u, CURLUPART_HOST, host, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK)
		goto out;
	*out = fetch_text_dup(full, strlen(full), FETCH_HDR_VALUE_MAX * 3);
	if (!*out)
		rc = FETCH_REDIR_OOM;
	else
		rc = http_scheme(scheme, strlen(scheme)) ? FETCH_REDIR_OK : FETCH_REDIR_SCHEME;
out:
	curl_free(full);
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

static bool ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* The ASCII form of an internationalized host name, converted as libcurl
** 7.88 converts it before DNS and TLS (IDNA 2008 with NFC, non-transitional,
** then transitional for names that rejects). libcurl's own
** curl_url_get(CURLU_PUNYCODE) fails on every IDN in 7.88.1 (and leaves its
** copy allocated), hence libidn2 here. *out: free with idn2_free(). */
static int idn_ascii(const char *host, char **out)
{
	*out = NULL;
	int r = idn2_lookup_u8((const uint8_t *)host, (uint8_t **)out,
			       IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
	if (r == IDN2_DISALLOWED) {
		idn2_free(*out);
		*out = NULL;
		r = idn2_lookup_u8((const uint8_t *)host, (uint8_t **)out,
				   IDN2_NFC_INPUT | IDN2_TRANSITIONAL);
	}
	if (r != IDN2_OK) {
		idn2_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int fetch_url_parts(const char *url, char *host, size_t hostsz, int *port, bool *https)
{
	int rc = -1;
	CURLU *u = curl_url();
	char *h = NULL, *sch = NULL, *p = NULL, *ace = NULL;
	host[0] = '\0';
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_SCHEME, &sch, 0) != CURLUE_OK ||
	    !http_scheme(sch, strlen(sch)))
		goto out;
	if (curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) != CURLUE_OK)
		goto out;
	*https = strcasecmp(sch, "https") == 0;
	int64_t pv;
	if (parse_i64(p, 1, 65535, &pv) != 0)
		goto out;
	*port = (int)pv;
	const char *hs = h;
	size_t hl = strlen(h);
	if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
		hs++;
		hl -= 2;
	} else if (!ascii(h)) {
		if (idn_ascii(h, &ace) != 0)
			goto out;
		hs = ace;
		hl = strlen(ace);
	}
	if (hl == 0 || hl >= hostsz)
		goto out;
	for (size_t i = 0; i < hl; i++) {
		char ch = hs[i];
		host[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
	}
	host[hl] = '\0';
	rc = 0;
out:
	if (rc != 0)
		host[0] = '\0';
	idn2_free(ace);
	curl_free(h);
	curl_free(sch);
	curl_free(p);
	curl_url_cleanup(u);
	return rc;
}

char *fetch_url_ascii(const char *url)
{
	CURLU *u = NULL;
	char *h = NULL, *ace = NULL, *full = NULL, *out = NULL;
	u = curl_url();
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK)
		goto out;
	if (ascii(h)) {
		out = strdup(url);
		goto out;
	}
	if (idn_ascii(h, &ace) != 0 || curl_url_set(u, CURLUPART_HOST, ace, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK)
		goto out;
	out = strdup(full);
out:
	curl_free(full);
	idn2_free(ace);
	curl_free(h);
	curl_url_cleanup(u);
	return out;
}
