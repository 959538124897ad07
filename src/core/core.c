/*
** core.c — errors, the bounded buffer, string views, strict number parsing,
** UTF-8 validation, time, digests and logging.
**
** Everything here is small and leaf-level; the rest of Parapet builds on it so
** that no module grows its own buffer type or its own atoi. Logging writes one
** line per event to stderr with a UTC timestamp, the level and the request id
** of the calling thread, so an operator can grep one request end to end.
*/
#include "core/core.h"
#include <ctype.h>

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <sodium.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <idn2.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- errors */

int perr_set(struct perr *err, enum perr_kind kind, const char *field,
	     const char *fmt, ...)
{
	if (!err)
		return -1;
	err->kind = kind;
	/* field names are the program's own short names; a cut one still
	** points a reader at the field */
	pstrtrunc(err->field, field, sizeof(err->field));
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Does text contain word, as written (a field name, which scripts and
** tests look for), with no letter, digit or '_' on either side? */
static bool names_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = text; n && (p = strstr(p, word)) != NULL; p++) {
		bool before = p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
		bool after = isalnum((unsigned char)p[n]) || p[n] == '_';
		if (!before && !after)
			return true;
	}
	return false;
}

const char *perr_text(const struct perr *err, char *buf, size_t n)
{
	const char *msg = err->msg[0] ? err->msg : "failed";
	if (err->field[0] && !names_word(msg, err->field))
		snprintf(buf, n, "%s: %s", err->field, msg);
	else
		snprintf(buf, n, "%s", msg);
	return buf;
}

void perr_clear(struct perr *err)
{
	if (!err)
		return;
	err->kind = PERR_OK;
	err->field[0] = '\0';
	err->msg[0] = '\0';
}

const char *perr_kind_name(enum perr_kind kind)
{
	switch (kind) {
	case PERR_OK: return "ok";
	case PERR_INVALID: return "invalid";
	case PERR_NOTFOUND: return "not found";
	case PERR_CONFLICT: return "conflict";
	case PERR_FORBIDDEN: return "forbidden";
	case PERR_AUTH: return "unauthenticated";
	case PERR_LIMIT: return "too large";
	case PERR_BUSY: return "busy";
	case PERR_INTERNAL: return "internal error";
	}
	return "error";
}

/* ---------------------------------------------------------------- buffers */

#define PBUF_DEFAULT_MAX ((size_t)64 << 20)

void pbuf_init(struct pbuf *b, size_t max)
{
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max ? max : PBUF_DEFAULT_MAX;
	b->failed = false;
	b->fixed = false;
}

struct pbuf pbuf_fixed(char *buf, size_t size)
{
	if (size)
		buf[0] = '\0';
	return (struct pbuf){ .ptr = buf, .cap = size, .max = size ? size - 1 : 0,
			      .failed = size == 0, .fixed = true };
}

/* Make room for need more bytes plus the terminating NUL; the one place a
** buffer fails, so every writer below gets the sticky error. */
static int pbuf_reserve(struct pbuf *b, size_t need)
{
	if (b->failed)
		return -1;
	if (need > b->max || b->len > b->max - need)
		goto fail;
	size_t want = b->len + need + 1;
	if (want <= b->cap)
		return 0;
	if (b->fixed)
		goto fail;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	char *p = realloc(b->ptr, cap);
	if (!p)
		goto fail;
	b->ptr = p;
	b->cap = cap;
	return 0;
fail:
	b->failed = true;
	return -1;
}

int pbuf_add(struct pbuf *b, const void *data, size_t n)
{
	if (pbuf_reserve(b, n) != 0)
		return -1;
	if (n)
		memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return 0;
}

int pbuf_adds(struct pbuf *b, const char *s)
{
	return pbuf_add(b, s, strlen(s));
}

int pbuf_vaddf(struct pbuf *b, const char *fmt, va_list ap)
{
	if (b->failed)
		return -1;
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->failed = true;
		return -1;
	}
	if (pbuf_reserve(b, (size_t)n) != 0)
		return -1;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int pbuf_addf(struct pbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = pbuf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

int pbuf_addb(struct pbuf *b, const struct pbuf *src)
{
	if (src->failed) {
		b->failed = true;
		return -1;
	}
	return pbuf_add(b, src->ptr ? src->ptr : "", src->len);
}

bool pbuf_failed(const struct pbuf *b)
{
	return b->failed;
}

bool pbuf_keep_prefix(struct pbuf *b)
{
	bool cut = b->failed;
	b->failed = false;
	return cut;
}

const char *pbuf_cstr(const struct pbuf *b)
{
	if (b->failed)
		return NULL;
	return b->ptr ? b->ptr : "";
}

void pbuf_reset(struct pbuf *b)
{
	b->len = 0;
	b->failed = false;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void pbuf_free(struct pbuf *b)
{
	if (!b->fixed)
		free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->failed = false;
	b->fixed = false;
}

char *pbuf_take(struct pbuf *b)
{
	char *p;
	if (b->failed)
		p = NULL;
	else if (b->fixed)
		p = strdup(b->ptr);
	else
		p = b->ptr ? b->ptr : calloc(1, 1);
	if (b->failed || b->fixed)
		pbuf_free(b);
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->failed = false;
	b->fixed = false;
	return p;
}

/* ------------------------------------------------------------ string views */

struct pstr pstr_c(const char *s)
{
	return (struct pstr){ s, s ? strlen(s) : 0 };
}

bool pstr_eq(struct pstr a, struct pstr b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

bool pstr_eqc(struct pstr a, const char *s)
{
	return pstr_eq(a, pstr_c(s));
}

bool pstr_ieqc(struct pstr a, const char *s)
{
	size_t n = strlen(s);
	if (n != a.n)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a.p[i], y = (unsigned char)s[i];
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y + 32);
		if (x != y)
			return false;
	}
	return true;
}

struct pstr pstr_trim(struct pstr s)
{
	while (s.n && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '\r' ||
		       s.p[0] == '\n')) {
		s.p++;
		s.n--;
	}
	while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' ||
		       s.p[s.n - 1] == '\r' || s.p[s.n - 1] == '\n'))
		s.n--;
	return s;
}

bool pstr_cut(struct pstr s, char sep, struct pstr *head, struct pstr *tail)
{
	const char *q = s.n ? memchr(s.p, sep, s.n) : NULL;
	if (!q) {
		*head = s;
		*tail = (struct pstr){ NULL, 0 };
		return false;
	}
	*head = (struct pstr){ s.p, (size_t)(q - s.p) };
	*tail = (struct pstr){ q + 1, s.n - (size_t)(q - s.p) - 1 };
	return true;
}

int pstr_copy(struct pstr s, char *dst, size_t dstsz)
{
	if (dstsz == 0)
		return -1;
	size_t n = s.n < dstsz - 1 ? s.n : dstsz - 1;
	if (n)
		memcpy(dst, s.p, n);
	dst[n] = '\0';
	return n == s.n ? 0 : -1;
}

char *pstr_dup(struct pstr s)
{
	char *p = malloc(s.n + 1);
	if (!p)
		return NULL;
	if (s.n)
		memcpy(p, s.p, s.n);
	p[s.n] = '\0';
	return p;
}

int pstrlcpy(char *dst, const char *src, size_t dstsz)
{
	return pstr_copy(pstr_c(src), dst, dstsz);
}

int pstrcpy_or_err(char *dst, size_t dstsz, const char *src, const char *field,
		   struct perr *err)
{
	if (pstrlcpy(dst, src ? src : "", dstsz) == 0)
		return 0;
	if (dstsz)
		dst[0] = '\0';
	return perr_set(err, PERR_INVALID, field, "%s is longer than %zu bytes", field,
			dstsz ? dstsz - 1 : 0);
}

void pstrtrunc(char *dst, const char *src, size_t dstsz)
{
	if (!dstsz)
		return;
	size_t n = src ? strlen(src) : 0;
	if (n >= dstsz) {
		n = dstsz - 1;
		/* src[n] is the first byte dropped: when it continues a UTF-8
		** sequence, back off to the sequence's first byte (at most 3) */
		for (int k = 0; k < 3 && n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80; k++)
			n--;
	}
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

int pstr_to_i64(struct pstr s, int64_t min, int64_t max, int64_t *out)
{
	if (s.n == 0 || s.n > 20)
		return -1;
	size_t i = 0;
	bool neg = false;
	if (s.p[0] == '-') {
		neg = true;
		i = 1;
		if (s.n == 1)
			return -1;
	}
	uint64_t v = 0;
	for (; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		unsigned d = (unsigned)(s.p[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	int64_t r;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return -1;
		r = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > (uint64_t)INT64_MAX)
			return -1;
		r = (int64_t)v;
	}
	if (r < min || r > max)
		return -1;
	*out = r;
	return 0;
}

int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	return s ? pstr_to_i64(pstr_c(s), min, max, out) : -1;
}

/* Length of the valid UTF-8 sequence at p (n bytes available), or 0 when
** the bytes there are not one (overlong, surrogate, past U+10FFFF, cut, NUL). */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	if (c == 0)
		return 0;
	if (c < 0x80)
		return 1;
	size_t len;
	uint32_t cp;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[k] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		size_t len = utf8_seq(p + i, n - i);
		if (!len)
			return false;
		i += len;
	}
	return true;
}

/* ------------------------------------------------------ JSON text writing */

int pjson_str(struct pbuf *b, const char *s)
{
	if (!s)
		return pbuf_add(b, "null", 4);
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	/* Measure first and reserve exactly: reserving the worst case (6 bytes
	** a byte) for every 4 KB summary made the buffer grow in big steps.
	** A byte >= 0x80 costs at most 3 (U+FFFD for a stray byte). */
	size_t need = 2;
	for (size_t k = 0; k < n; k++) {
		unsigned c = p[k];
		need += c >= 0x80 ? 3
		      : c >= 0x20 && c != '"' && c != '\\' ? 1
		      : c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' ? 2 : 6;
	}
	if (pbuf_reserve(b, need) != 0)
		return -1;
	char *o = b->ptr + b->len;
	*o++ = '"';
	size_t i = 0;
	while (i < n) {
		unsigned c = p[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			*o++ = (char)c;
			i++;
			continue;
		}
		if (c >= 0x80) {
			size_t len = utf8_seq(p + i, n - i);
			if (len) {
				memcpy(o, p + i, len);
				o += len;
				i += len;
			} else { /* U+FFFD for a byte that is not UTF-8 */
				memcpy(o, "\xef\xbf\xbd", 3);
				o += 3;
				i++;
			}
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		default:
			memcpy(o, "u00", 3);
			o[3] = hex[c >> 4];
			o[4] = hex[c & 15];
			o += 5;
		}
		i++;
	}
	*o++ = '"';
	b->len = (size_t)(o - b->ptr);
	b->ptr[b->len] = '\0';
	return 0;
}

int pjson_i64(struct pbuf *b, int64_t v)
{
	char tmp[24];
	char *e = tmp + sizeof(tmp), *o = e;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		*--o = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--o = '-';
	return pbuf_add(b, o, (size_t)(e - o));
}

int pjson_time(struct pbuf *b, int64_t ms)
{
	if (!ms)
		return pbuf_add(b, "null", 4);
	char ts[40];
	core_iso8601(ms, ts, sizeof(ts));
	size_t n = strlen(ts);
	if (pbuf_reserve(b, n + 2) != 0)
		return -1;
	b->ptr[b->len++] = '"';
	memcpy(b->ptr + b->len, ts, n);
	b->len += n;
	b->ptr[b->len++] = '"';
	b->ptr[b->len] = '\0';
	return 0;
}

struct json_t *core_json_time(int64_t ms)
{
	if (!ms)
		return json_null();
	char ts[40];
	core_iso8601(ms, ts, sizeof(ts));
	return json_string(ts);
}

bool core_email_ok(const char *addr)
{
	if (!addr)
		return false;
	size_t n = strlen(addr);
	if (n < 3 || n > 254)
		return false;
	const char *at = NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)addr[i];
		/* Printable ASCII without space and without the characters that
		** delimit or list addresses in a header. */
		if (ch <= 0x20 || ch >= 0x7f || strchr("<>()[],;:\\\"", ch))
			return false;
		if (ch == '@') {
			if (at)
				return false;
			at = addr + i;
		}
	}
	if (!at || at == addr || at[1] == '\0' || at - addr > 64)
		return false;
	/* The domain: labels of letters, digits, '-', separated by single dots. */
	const char *d = at + 1;
	if (*d == '.' || d[strlen(d) - 1] == '.' || strstr(d, ".."))
		return false;
	for (; *d; d++)
		if (!(*d == '.' || *d == '-' || (*d >= '0' && *d <= '9') ||
		      (*d >= 'a' && *d <= 'z') || (*d >= 'A' && *d <= 'Z')))
			return false;
	return true;
}

/* ------------------------------------------------------------------ time */

int64_t core_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t core_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Written by hand rather than with gmtime_r and snprintf: list responses
** format eight times per incident, and this is several times cheaper. */
/* floor(a / b) for b > 0 */
static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

/* Days since 1970-01-01 of 1 Farvardin of year jy. */
static int64_t jalali_year_start(int64_t jy)
{
	return -492268 + 365 * (jy - 1) + floor_div(8 * jy + 21, 33);
}

void core_jalali(int64_t ms, int *jy, int *jm, int *jd)
{
	int64_t days = floor_div(ms, 86400000);
	int64_t y = 1 + floor_div(33 * (days + 492268) + 3, 12053);
	while (jalali_year_start(y) > days)
		y--;
	while (jalali_year_start(y + 1) <= days)
		y++;
	int64_t doy = days - jalali_year_start(y); /* 0-based */
	*jy = (int)y;
	*jm = (int)(doy < 186 ? 1 + doy / 31 : 7 + (doy - 186) / 30);
	*jd = (int)(doy < 186 ? doy % 31 + 1 : (doy - 186) % 30 + 1);
}

void core_iso8601(int64_t ms, char *out, size_t outsz)
{
	int64_t secs = ms / 1000, frac = ms % 1000;
	if (frac < 0) {
		frac += 1000;
		secs -= 1;
	}
	int64_t days = secs / 86400, sod = secs % 86400;
	if (sod < 0) {
		sod += 86400;
		days -= 1;
	}
	/* civil from days (H. Hinnant's algorithm, proleptic Gregorian) */
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (outsz < 25 || y < 0 || y > 9999) {
		if (outsz)
			snprintf(out, outsz, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ",
				 (long long)y, (long long)m, (long long)d, (long long)(sod / 3600),
				 (long long)(sod / 60 % 60), (long long)(sod % 60), (long long)frac);
		return;
	}
	int64_t v[7] = { y, m, d, sod / 3600, sod / 60 % 60, sod % 60, frac };
	static const char seps[] = "--T::.Z";
	static const int widths[] = { 4, 2, 2, 2, 2, 2, 3 };
	char *o = out;
	for (int k = 0; k < 7; k++) {
		for (int w = widths[k] - 1; w >= 0; w--) {
			o[w] = (char)('0' + v[k] % 10);
			v[k] /= 10;
		}
		o += widths[k];
		*o++ = seps[k];
	}
	*o = '\0';
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int digits(const char *s, int n, int64_t *out)
{
	int64_t v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int core_parse_iso8601(const char *s, int64_t *ms)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t y, mo, d, h = 0, mi = 0, se = 0, frac = 0, off = 0;
	size_t n = s ? strlen(s) : 0;
	if (n < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)))
		return -1;
	const char *p = s + 10;
	if (*p) {
		if ((*p != 'T' && *p != ' ') || strlen(p) < 9 || digits(p + 1, 2, &h) ||
		    p[3] != ':' || digits(p + 4, 2, &mi) || p[6] != ':' || digits(p + 7, 2, &se))
			return -1;
		if (h > 23 || mi > 59 || se > 60)
			return -1;
		p += 9;
		if (*p == '.') {
			int k = 0;
			p++;
			while (*p >= '0' && *p <= '9') {
				if (k < 3)
					frac = frac * 10 + (*p - '0');
				k++;
				p++;
			}
			if (k == 0)
				return -1;
			for (; k < 3; k++)
				frac *= 10;
		}
		if (*p == 'Z') {
			p++;
		} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
			int64_t oh, om;
			if (digits(p + 1, 2, &oh) || digits(p + 4, 2, &om) || oh > 23 || om > 59)
				return -1;
			off = (oh * 60 + om) * 60000 * (*p == '+' ? 1 : -1);
			p += 6;
		} else {
			return -1;
		}
		if (*p)
			return -1;
	}
	*ms = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se) * 1000 + frac) - off;
	return 0;
}

/* ------------------------------------------------------------ digests, hex */

void core_sha256(const void *data, size_t n, uint8_t out[32])
{
	crypto_hash_sha256(out, data, n);
}

void core_hex(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* ---------------------------------------------------------------- logging */

static enum plog_level log_level = PLOG_INFO;
static _Thread_local char log_rid[40];
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void plog_set_level(enum plog_level lvl)
{
	log_level = lvl;
}

void plog_set_request_id(const char *rid)
{
	pstrtrunc(log_rid, rid, sizeof(log_rid)); /* a label in log lines */
}

const char *plog_request_id(void)
{
	return log_rid;
}

void plog(enum plog_level lvl, const char *fmt, ...)
{
	static const char *names[] = { "debug", "info", "warn", "error" };
	if (lvl < log_level)
		return;
	char ts[40];
	core_iso8601(core_now_ms(), ts, sizeof(ts));
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One line per event: fold any newline a message might carry so that a
	** crafted value cannot forge a second log line. */
	for (char *c = msg; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	pthread_mutex_lock(&log_lock);
	if (log_rid[0])
		fprintf(stderr, "%s %s rid=%s %s\n", ts, names[lvl], log_rid, msg);
	else
		fprintf(stderr, "%s %s %s\n", ts, names[lvl], msg);
	pthread_mutex_unlock(&log_lock);
}

/* ------------------------------------------------------------------ blobs */

void core_blob_dir(const char *db_path, char *out, size_t n)
{
	const char *slash = strrchr(db_path, '/');
	snprintf(out, n, "%.*s/blobs", slash ? (int)(slash - db_path) : 1, slash ? db_path : ".");
}

int core_blob_path(const char *blob_dir, const char *sha, char *out, size_t n)
{
	int w = snprintf(out, n, "%s/%.2s/%s", blob_dir, sha, sha + 2);
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* The write goes to a temporary name and is renamed, so a crash never
** leaves a truncated blob under a valid hash. */
/* core_file_write_atomic, with the fsync of the file left to the caller
** when sync is false (see core_blob_write_lazy). */
static int write_atomic(const char *path, const void *data, size_t len, unsigned mode, bool sync,
			struct perr *err);

int core_file_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
			   struct perr *err)
{
	return write_atomic(path, data, len, mode, true, err);
}

static int write_atomic(const char *path, const void *data, size_t len, unsigned mode, bool sync,
			struct perr *err)
{
	char tmp[1400];
	int rc = -1, fd = -1;
	int n = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return perr_set(err, PERR_INTERNAL, NULL, "path too long: %s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode);
	if (fd < 0) {
		perr_set(err, PERR_INTERNAL, NULL, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			perr_set(err, PERR_INTERNAL, NULL, "cannot write %s: %s", tmp, strerror(errno));
			goto out;
		}
		p += w;
		left -= (size_t)w;
	}
	int synced = sync ? fsync(fd) : 0, closed = close(fd);
	fd = -1;
	if (synced != 0 || closed != 0) {
		perr_set(err, PERR_INTERNAL, NULL, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (rename(tmp, path) != 0) {
		perr_set(err, PERR_INTERNAL, NULL, "cannot replace %s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		unlink(tmp);
	return rc;
}

int core_file_read(const char *path, size_t max, struct pbuf *out, struct perr *err)
{
	pbuf_init(out, max);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return perr_set(err, PERR_INVALID, NULL, "cannot read %s: %s", path, strerror(errno));
	char buf[65536];
	int rc = 0;
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = perr_set(err, PERR_INTERNAL, NULL, "cannot read %s: %s", path,
				      strerror(errno));
			break;
		}
		if (r == 0)
			break;
		if (pbuf_add(out, buf, (size_t)r) != 0) {
			rc = perr_set(err, PERR_LIMIT, NULL, "%s is larger than %zu bytes", path, max);
			break;
		}
	}
	close(fd);
	if (rc != 0)
		pbuf_free(out);
	return rc;
}

static int blob_write(const char *blob_dir, const char *sha, const void *data, size_t len,
		      bool sync, struct perr *err);

int core_blob_write(const char *blob_dir, const char *sha, const void *data, size_t len,
		    struct perr *err)
{
	return blob_write(blob_dir, sha, data, len, true, err);
}

int core_blob_write_lazy(const char *blob_dir, const char *sha, const void *data, size_t len,
			 struct perr *err)
{
	return blob_write(blob_dir, sha, data, len, false, err);
}

int core_blob_sync(const char *blob_dir, struct perr *err)
{
	int fd = open(blob_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0; /* nothing written yet */
		return perr_set(err, PERR_INTERNAL, NULL, "cannot open %s: %s", blob_dir,
				strerror(errno));
	}
	int r = syncfs(fd);
	int e = errno;
	close(fd);
	if (r != 0)
		return perr_set(err, PERR_INTERNAL, NULL, "cannot sync %s: %s", blob_dir,
				strerror(e));
	return 0;
}

static int blob_write(const char *blob_dir, const char *sha, const void *data, size_t len,
		      bool sync, struct perr *err)
{
	char dir[1200], path[1300];
	snprintf(dir, sizeof(dir), "%s/%.2s", blob_dir, sha);
	if (core_blob_path(blob_dir, sha, path, sizeof(path)) != 0)
		return perr_set(err, PERR_INTERNAL, NULL, "blob path too long");
	if (access(path, F_OK) == 0)
		return 0;
	if ((mkdir(blob_dir, 0700) != 0 && errno != EEXIST) ||
	    (mkdir(dir, 0700) != 0 && errno != EEXIST))
		return perr_set(err, PERR_INTERNAL, NULL, "cannot create %s: %s", dir, strerror(errno));
	/* content-addressed: two writers of the same sha write the same bytes,
	** and the rename makes whichever comes last the (identical) file */
	return write_atomic(path, data, len, 0600, sync, err);
}

/* --------------------------------------------------------------- memory */

void core_malloc_tune(void)
{
#ifdef __GLIBC__
	/* Requests and checks allocate and free tens of KB per thread; with
	** glibc's defaults the arenas are trimmed back to the kernel after each
	** (madvise and page faults were a third of the CPU of the incident list
	** benchmark and of the fetcher). Keep up to 32 MB per arena instead. */
	mallopt(M_TRIM_THRESHOLD, 32 << 20);
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	/* ... so the number of arenas bounds what is kept: one per core (no
	** more threads run at once), not glibc's eight per core. The website
	** monitor's threads (fetch, DNS, analysis of two batches) each got an
	** arena of their own and kept their peaks: 193 MB at 10,000 sites
	** instead of 136 MB (issue 12). */
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	mallopt(M_ARENA_MAX, cores > 2 ? (int)cores : 2);
#endif
}

int core_idna_label(const char *label, char *out, size_t outsz)
{
	char *ace = NULL;
	int r = idn2_lookup_u8((const uint8_t *)label, (uint8_t **)&ace,
			       IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
	if (r != IDN2_OK) {
		idn2_free(ace);
		ace = NULL;
		r = idn2_lookup_u8((const uint8_t *)label, (uint8_t **)&ace,
				   IDN2_NFC_INPUT | IDN2_TRANSITIONAL);
	}
	int rc = -1;
	if (r == IDN2_OK && ace && !strchr(ace, '.') && strlen(ace) < outsz) {
		memcpy(out, ace, strlen(ace) + 1);
		rc = 0;
	}
	idn2_free(ace);
	return rc;
}

/* ------------------------------------------------------------------ TLP */

static const char *const tlp_labels[] = { "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" };

const char *core_tlp_parse(const char *s, size_t n)
{
	if (!s)
		return NULL;
	if (n >= 4 && strncasecmp(s, "TLP:", 4) == 0) {
		s += 4;
		n -= 4;
	}
	for (size_t i = 0; i < ARRAY_SIZE(tlp_labels); i++)
		if (strlen(tlp_labels[i]) == n && strncasecmp(s, tlp_labels[i], n) == 0)
			return tlp_labels[i];
	return NULL;
}

int core_tlp_rank(const char *canon)
{
	for (size_t i = 0; canon && i < ARRAY_SIZE(tlp_labels); i++)
		if (strcmp(canon, tlp_labels[i]) == 0)
			return (int)i;
	return -1;
}

int core_listen_parse(const char *spec, const char *what, struct sockaddr_storage *sa,
		      struct perr *err)
{
	char host[128];
	const char *colon = spec ? strrchr(spec, ':') : NULL;
	int64_t port;
	if (!colon || parse_i64(colon + 1, 0, 65535, &port) != 0)
		return perr_set(err, PERR_INVALID, what, "%s must be ADDR:PORT, got %s", what,
				spec ? spec : "nothing");
	struct pstr h = { spec, (size_t)(colon - spec) };
	if (h.n >= 2 && h.p[0] == '[' && h.p[h.n - 1] == ']') {
		h.p++;
		h.n -= 2;
	}
	if (pstr_copy(h, host, sizeof host) != 0)
		return perr_set(err, PERR_INVALID, what, "%s: address too long", what);
	if (strcmp(host, "localhost") == 0)
		PSTRCPY(host, "127.0.0.1");
	memset(sa, 0, sizeof *sa);
	struct sockaddr_in *v4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)sa;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
	} else {
		return perr_set(err, PERR_INVALID, what, "%s: %s is not an IP address", what,
				host);
	}
	return 0;
}
