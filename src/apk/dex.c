/*
** dex.c — the string table of a dex file (issue 15): every string constant
** of an app's code, where the URLs, host names and addresses it talks to
** sit, read without running it; and the scan of one string for those
** candidate indicators.
**
** A walk over the header's string_ids and each string_data_item (ULEB128
** length, MUTF-8 bytes, a NUL), every offset checked against the file and
** the count and decoded size bounded (apk.h): a dex in a malicious APK is
** made to break readers. No I/O; the caller hands the bytes.
*/
#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libpsl.h>

#include "apk/apk.h"

#define DEX_HEADER 0x70u

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ULEB128 at p[*i..end): at most 5 bytes, a value that fits 32 bits (the
** dex format's limit). 0, or -1 for a truncated or overlong encoding. */
static int uleb128(const uint8_t *p, size_t end, size_t *i, uint32_t *v)
{
	uint32_t r = 0;
	for (int k = 0; k < 5; k++) {
		if (*i >= end)
			return -1;
		uint8_t b = p[(*i)++];
		if (k == 4 && (b & 0xf0))
			return -1;
		r |= (uint32_t)(b & 0x7f) << (7 * k);
		if (!(b & 0x80)) {
			*v = r;
			return 0;
		}
	}
	return -1;
}

static size_t put_utf8(char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (char)(0x80 | (c >> 6 & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* One MUTF-8 unit (1..3 bytes) at p[*i..end) as a UTF-16 code unit; a
** malformed one reads as U+FFFD, one byte consumed. */
static uint32_t mutf8_unit(const uint8_t *p, size_t end, size_t *i)
{
	uint8_t b = p[*i];
	if (b < 0x80) {
		(*i)++;
		return b;
	}
	if ((b & 0xe0) == 0xc0 && *i + 1 < end && (p[*i + 1] & 0xc0) == 0x80) {
		uint32_t c = (uint32_t)(b & 0x1f) << 6 | (p[*i + 1] & 0x3f);
		*i += 2;
		return c;
	}
	if ((b & 0xf0) == 0xe0 && *i + 2 < end && (p[*i + 1] & 0xc0) == 0x80 && (p[*i + 2] & 0xc0) == 0x80) {
		uint32_t c = (uint32_t)(b & 0x0f) << 12 | (uint32_t)(p[*i + 1] & 0x3f) << 6 | (p[*i + 2] & 0x3f);
		*i += 3;
		return c;
	}
	(*i)++;
	return 0xfffd;
}

/* Decode p[0..n) (MUTF-8, no NUL inside) into o, which holds 3 n + 1
** bytes at least: a malformed byte becomes U+FFFD, 3 bytes (units and
** surrogate pairs never grow). Returns the length written, o
** NUL-terminated. */
static size_t mutf8_decode(const uint8_t *p, size_t n, char *o)
{
	size_t i = 0, w = 0;
	while (i < n) {
		uint32_t c = mutf8_unit(p, n, &i);
		if (c >= 0xd800 && c < 0xdc00) {
			size_t j = i;
			uint32_t d = j < n ? mutf8_unit(p, n, &j) : 0;
			if (d >= 0xdc00 && d < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
				i = j;
			} else {
				c = 0xfffd;
			}
		} else if (c >= 0xdc00 && c < 0xe000) {
			c = 0xfffd;
		}
		w += put_utf8(o + w, c);
	}
	o[w] = '\0';
	return w;
}

long apk_dex_strings(const uint8_t *dex, size_t len, const struct apk_dex_limits *limits,
		     apk_dex_string_fn fn, void *ctx, struct perr *err)
{
	uint32_t max_strings = limits && limits->max_strings ? limits->max_strings : APK_DEX_MAX_STRINGS;
	size_t max_bytes = limits && limits->max_bytes ? limits->max_bytes : APK_DEX_MAX_BYTES;
	long delivered = -1;
	char *buf = NULL;
	size_t bufsz = 0, total = 0;

	if (!dex || len < DEX_HEADER) {
		perr_set(err, PERR_INVALID, "dex", "dex file of %zu bytes is shorter than its header", len);
		goto out;
	}
	if (memcmp(dex, "dex\n03", 6) != 0 || dex[6] < '5' || dex[6] > '9' || dex[7] != 0) {
		perr_set(err, PERR_INVALID, "dex", "not a dex file (magic dex\\n035..039)");
		goto out;
	}
	if (le32(dex + 0x24) < DEX_HEADER) {
		perr_set(err, PERR_INVALID, "dex", "header_size %u is below 0x70", le32(dex + 0x24));
		goto out;
	}
	uint32_t count = le32(dex + 0x38), ids = le32(dex + 0x3c);
	if (count > max_strings) {
		perr_set(err, PERR_LIMIT, "dex", "%u strings (limit %u)", count, max_strings);
		goto out;
	}
	if (count > 0 && (ids < DEX_HEADER || ids > len || (size_t)count > (len - ids) / 4)) {
		perr_set(err, PERR_INVALID, "dex", "string_ids (%u at offset %u) overrun the file", count, ids);
		goto out;
	}
	delivered = 0;
	for (uint32_t k = 0; k < count; k++) {
		size_t i = le32(dex + ids + 4 * (size_t)k);
		uint32_t u16;
		if (i >= len || uleb128(dex, len, &i, &u16) != 0) {
			perr_set(err, PERR_INVALID, "dex", "string %u: offset out of the file or bad ULEB128 length", k);
			delivered = -1;
			goto out;
		}
		const uint8_t *s = dex + i;
		const uint8_t *nul = memchr(s, 0, len - i);
		if (!nul) {
			perr_set(err, PERR_INVALID, "dex", "string %u is not terminated", k);
			delivered = -1;
			goto out;
		}
		size_t n = (size_t)(nul - s);
		/* Bound the decoded text, not only the count: one string may
		** claim the whole file, and a million strings may overlap. */
		total += n;
		if (total > max_bytes) {
			perr_set(err, PERR_LIMIT, "dex", "string data over %zu bytes", max_bytes);
			delivered = -1;
			goto out;
		}
		size_t need = 3 * n + 1;
		if (need > bufsz) {
			size_t nsz = need < 256 ? 256 : need;
			char *nb = realloc(buf, nsz);
			if (!nb) {
				perr_set(err, PERR_INTERNAL, "dex", "out of memory");
				delivered = -1;
				goto out;
			}
			buf = nb;
			bufsz = nsz;
		}
		size_t w = mutf8_decode(s, n, buf);
		delivered++;
		if (fn && fn(ctx, k, buf, w) != 0)
			goto out;
	}
out:
	free(buf);
	return delivered;
}

/* ------------------------------------------------------------ candidates */

const char *apk_cand_kind_name(enum apk_cand_kind k)
{
	switch (k) {
	case APK_CAND_URL: return "url";
	case APK_CAND_DOMAIN: return "domain";
	case APK_CAND_IPV4: return "ipv4";
	case APK_CAND_IPV6: return "ipv6";
	}
	return "?";
}

static const psl_ctx_t *psl;
static pthread_once_t psl_once = PTHREAD_ONCE_INIT;

/* Debian's packaged list when present (newer than the built-in one). */
static void psl_load(void)
{
	const psl_ctx_t *latest = psl_latest(NULL);
	psl = latest ? latest : psl_builtin();
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

/* Extensions of files an app carries that are also country TLDs: a
** two-label string ending in one is a file name far more often than a
** host (libnative.so, payload.zip, run.sh). */
static const char *const file_tlds[] = { "so", "zip", "sh", "py", "pl", "md", "rs", "ps", "mov", "cc",
					 "db", "ai", "js", "gz", "jar", "properties", "cfg" };

/* The first labels of Java and Android package names that are also TLDs
** (Java's own, the usual reverse domains, and the country roots apps of
** the constituency's region are packaged under). */
static const char *const package_roots[] = { "com", "org", "net", "io", "edu", "gov", "me", "co",
					     "android", "androidx", "java", "javax", "kotlin", "kotlinx",
					     "dalvik", "google", "de", "ru", "cn", "ir" };

/* h[0..n) as a host name with a registrable domain: labels of letters,
** digits and inner hyphens (1..63 bytes, 253 in all), a non-numeric TLD,
** and a public suffix under libpsl with at least one label before it.
** strict adds the rules for a bare string (no URL around it). */
static bool host_ok(const char *h, size_t n, bool strict)
{
	if (n < 3 || n > 253)
		return false;
	char low[256];
	size_t labels = 1, lab = 0, first_end = 0, last = 0;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];
		if (c == '.') {
			if (lab == 0 || h[i - 1] == '-')
				return false;
			if (labels == 1)
				first_end = i;
			labels++;
			lab = 0;
			last = i + 1;
		} else if (is_alnum(c) || c == '-') {
			if (c == '-' && lab == 0)
				return false;
			if (++lab > 63)
				return false;
		} else {
			return false;
		}
		low[i] = (char)(is_upper(c) ? c + 32 : c);
	}
	low[n] = '\0';
	if (labels < 2 || lab == 0 || h[n - 1] == '-')
		return false;
	const char *tld = h + last;
	size_t tlen = n - last;
	bool alpha = false, lo = false, up = false;
	for (size_t i = 0; i < tlen; i++) {
		alpha |= !(tld[i] >= '0' && tld[i] <= '9');
		lo |= is_lower(tld[i]);
		up |= is_upper(tld[i]);
	}
	if (!alpha)
		return false;
	pthread_once(&psl_once, psl_load);
	if (!psl)
		return false;
	/* The suffix must be a known one: psl's "*" default rule would make
	** every last label a suffix, so the TLD itself is looked up with
	** PSL_TYPE_NO_STAR_RULE. */
	if (!psl_is_public_suffix2(psl, low + last, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE))
		return false;
	const char *reg = psl_registrable_domain(psl, low);
	if (!reg)
		return false;
	if (strict) {
		/* CamelCase in the TLD: identifiers (R.id.Main, Foo.Bar). */
		if (lo && up)
			return false;
		/* Reverse-DNS Java and Android names (com.example.app,
		** org.apache.http.client, ir.bank.mobile): they start with a
		** TLD that code is packaged under. Not every TLD: pay.example.ir
		** is a host (.pay is a gTLD, no package root). */
		char first[64];
		memcpy(first, low, first_end);
		first[first_end] = '\0';
		if (labels > 2)
			for (size_t k = 0; k < sizeof(package_roots) / sizeof(package_roots[0]); k++)
				if (strcmp(first, package_roots[k]) == 0)
					return false;
		if (labels == 2)
			for (size_t k = 0; k < sizeof(file_tlds) / sizeof(file_tlds[0]); k++)
				if (strcmp(low + last, file_tlds[k]) == 0)
					return false;
	}
	return true;
}

static bool ipv4_ok(const char *s, size_t n)
{
	char b[16];
	if (n < 7 || n > 15)
		return false;
	memcpy(b, s, n);
	b[n] = '\0';
	struct in_addr a;
	return inet_pton(AF_INET, b, &a) == 1;
}

static bool ipv6_ok(const char *s, size_t n)
{
	char b[48];
	size_t colons = 0, hexd = 0;
	if (n < 3 || n > 45)
		return false;
	for (size_t i = 0; i < n; i++) {
		colons += s[i] == ':';
		hexd += s[i] != ':' && s[i] != '.';
	}
	/* "::", "::1" and "a::b" (C++ and Kotlin scope operators) parse as
	** addresses but are text; an address worth a look has 4 digits. */
	if (colons < 2 || hexd < 4)
		return false;
	memcpy(b, s, n);
	b[n] = '\0';
	struct in6_addr a;
	return inet_pton(AF_INET6, b, &a) == 1;
}

static bool url_end(unsigned char c)
{
	return c <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`' || c == 0x7f ||
	       c == '\\' || c == '{' || c == '}' || c == '|' || c == '^';
}

/* Emit the host h[0..n) of a URL: an address or a domain. */
static size_t emit_host(const char *h, size_t n, apk_cand_fn fn, void *ctx, int *stop)
{
	enum apk_cand_kind k;
	if (n >= 2 && h[0] == '[' && h[n - 1] == ']' && ipv6_ok(h + 1, n - 2)) {
		h++;
		n -= 2;
		k = APK_CAND_IPV6;
	} else if (ipv4_ok(h, n)) {
		k = APK_CAND_IPV4;
	} else if (host_ok(h, n, false)) {
		k = APK_CAND_DOMAIN;
	} else {
		return 0;
	}
	if (fn && fn(ctx, k, h, n) != 0)
		*stop = 1;
	return 1;
}

static const char *const schemes[] = { "https://", "http://", "wss://", "ws://", "ftp://" };

size_t apk_dex_candidates(const char *s, size_t len, apk_cand_fn fn, void *ctx)
{
	size_t found = 0, i = 0;
	int stop = 0;
	while (i < len && !stop) {
		/* A URL: a scheme at a word's start. */
		if (i == 0 || !is_alnum(s[i - 1])) {
			size_t sl = 0;
			for (size_t k = 0; k < sizeof(schemes) / sizeof(schemes[0]) && !sl; k++) {
				size_t l = strlen(schemes[k]);
				if (len - i >= l && strncasecmp(s + i, schemes[k], l) == 0)
					sl = l;
			}
			if (sl) {
				size_t e = i + sl;
				while (e < len && !url_end((unsigned char)s[e]))
					e++;
				/* the authority: up to / ? #; userinfo and port cut */
				size_t hs = i + sl, he = hs;
				while (he < e && s[he] != '/' && s[he] != '?' && s[he] != '#')
					he++;
				for (size_t q = he; q > hs; q--)
					if (s[q - 1] == '@') {
						hs = q;
						break;
					}
				size_t pe = he;
				if (hs < he && s[hs] == '[') {
					const char *rb = memchr(s + hs, ']', he - hs);
					pe = rb ? (size_t)(rb - s) + 1 : he;
				} else {
					const char *colon = memchr(s + hs, ':', he - hs);
					if (colon)
						pe = (size_t)(colon - s);
				}
				/* trailing punctuation of prose: "see https://x.ir/a." */
				while (e > he && (s[e - 1] == '.' || s[e - 1] == ',' || s[e - 1] == ')' || s[e - 1] == ';'))
					e--;
				int dummy = 0;
				if (pe > hs && emit_host(s + hs, pe - hs, NULL, NULL, &dummy)) {
					found++;
					if (fn && fn(ctx, APK_CAND_URL, s + i, e - i) != 0)
						break;
					found += emit_host(s + hs, pe - hs, fn, ctx, &stop);
				}
				i = e > i ? e : i + 1;
				continue;
			}
		}
		/* A token of host or address characters. */
		unsigned char c = (unsigned char)s[i];
		if (is_alnum((char)c) || c == ':' || c == '[') {
			size_t e = i;
			bool has_colon = false;
			while (e < len && (is_alnum(s[e]) || s[e] == '.' || s[e] == '-' || s[e] == ':')) {
				has_colon |= s[e] == ':';
				e++;
			}
			if (c == '[')
				e = i + 1;
			size_t te = e;
			while (te > i && (s[te - 1] == '.' || s[te - 1] == '-'))
				te--;
			size_t n = te - i;
			enum apk_cand_kind k = 0;
			if (has_colon && ipv6_ok(s + i, n))
				k = APK_CAND_IPV6;
			else if (!has_colon && ipv4_ok(s + i, n))
				k = APK_CAND_IPV4;
			else if (!has_colon && host_ok(s + i, n, true))
				k = APK_CAND_DOMAIN;
			else if (has_colon) {
				/* host:port */
				const char *colon = memchr(s + i, ':', n);
				size_t hn = (size_t)(colon - (s + i));
				if (ipv4_ok(s + i, hn)) {
					k = APK_CAND_IPV4;
					n = hn;
				} else if (host_ok(s + i, hn, true)) {
					k = APK_CAND_DOMAIN;
					n = hn;
				}
			}
			if (k) {
				found++;
				if (fn && fn(ctx, k, s + i, n) != 0)
					break;
			}
			i = e > i ? e : i + 1;
			continue;
		}
		i++;
	}
	return found;
}
