/*
** parse.c — the report push parser: bytes in, normalised events out.
**
** CSV reports go through core's CSV push parser; the first record is the
** header, and it is matched once against the type's mapping so that every
** later row is converted by column index. JSON Lines feeds are split at line
** ends here (a line longer than the limit is skipped whole, never buffered
** whole) and each line is one object whose keys play the role of columns.
**
** Per row, converted values are written into one arena sized at the start of
** the row from the row's own length, so no value moves while the event is
** being built and nothing is allocated per row once the arena has grown to
** the largest row seen: memory is bounded by the limits, not by the file.
** A row whose required field is missing or does not convert is rejected with
** its line and "field: reason"; an optional field that does not convert is
** left out, as IntelMQ does.
*/
#include <arpa/inet.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "feeds/internal.h"

#define DEFAULT_MAX_RECORD ((size_t)64 * 1024)
#define DEFAULT_MAX_FIELDS ((size_t)256)

struct feeds_parser {
	const struct feeds_type *t;
	struct feeds_limits lim;
	feeds_event_fn ev;
	feeds_reject_fn rej;
	void *ud;
	struct csv_parser *csv;

	/* header: column of each mapping entry (-1: the file lacks it) */
	bool have_header;
	int *col;
	int col_host, col_detail;
	/* columns no mapping entry names: kept as extra.<column> */
	int *xcol;
	char **xkey;
	unsigned char *xrank; /* feeds_banner_rank of each xkey */
	size_t nx;

	/* JSON Lines state */
	struct pbuf jline;
	size_t jl_lineno;   /* line number of the line being read */
	bool jl_overlong;   /* discarding the rest of a line over the limit */
	struct pstr *jcols; /* per mapping entry: value of its key in the line */

	/* per row */
	char *arena;
	size_t acap, alen;
	struct feeds_value *vals;
	size_t vcap;
	struct feeds_event e;
	const struct feeds_map *banner_m; /* the mapping entry of extra.banner */
	size_t banner_i;                  /* its value in this row, or SIZE_MAX */
	unsigned char banner_rank;        /* of e.banner in this row (0: none) */

	size_t skip_to;
	struct feeds_counts counts;
	bool failed;
	char error[300];
	int stop;
};

/* ------------------------------------------------------------------ arena */

static char *ar_alloc(struct feeds_parser *p, size_t n)
{
	if (p->alen + n + 1 > p->acap)
		return NULL;
	char *r = p->arena + p->alen;
	p->alen += n + 1;
	r[n] = '\0';
	return r;
}

static const char *ar_put(struct feeds_parser *p, const char *s, size_t n)
{
	char *r = ar_alloc(p, n);
	if (r)
		memcpy(r, s, n);
	return r;
}

/* Make room for a row of raw bytes: every conversion writes at most twice
** its input plus a host name, base64 4/3, the raw line twice its input. */
static int ar_reserve(struct feeds_parser *p, size_t row_bytes)
{
	size_t need = row_bytes * 6 + p->t->nmap * 96 + 4096;
	p->alen = 0;
	if (need <= p->acap)
		return 0;
	char *a = realloc(p->arena, need);
	if (!a)
		return -1;
	p->arena = a;
	p->acap = need;
	return 0;
}

/* ------------------------------------------------------------- converters */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *s, size_t n, unsigned *v)
{
	unsigned r = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		r = r * 10 + (unsigned)(s[i] - '0');
	}
	*v = r;
	return true;
}

/* "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" or with 'T', fractional seconds, and a
** trailing "Z", "+00", "+0000" or "+00:00" (UTC only: Shadowserver reports
** in UTC; another offset is refused rather than guessed). */
static int parse_time(const char *s, size_t n, bool date_only_ok, int64_t *ms)
{
	unsigned y, mo, d, h = 0, mi = 0, sec = 0;
	if (n < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d))
		return -1;
	size_t i = 10;
	if (n == 10) {
		if (!date_only_ok)
			return -1;
	} else {
		if (n < 19 || (s[10] != ' ' && s[10] != 'T') || !digits(s + 11, 2, &h) ||
		    s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
		    !digits(s + 17, 2, &sec))
			return -1;
		i = 19;
		if (i < n && s[i] == '.') {
			i++;
			while (i < n && s[i] >= '0' && s[i] <= '9')
				i++;
		}
		const char *z = s + i;
		size_t zn = n - i;
		if (!(zn == 0 || (zn == 1 && *z == 'Z') || (zn == 3 && memcmp(z, "+00", 3) == 0) ||
		      (zn == 5 && memcmp(z, "+0000", 5) == 0) ||
		      (zn == 6 && memcmp(z, "+00:00", 6) == 0)))
			return -1;
	}
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	int64_t days = days_from_civil(y, mo, d);
	*ms = ((days * 24 + h) * 60 + mi) * 60000 + (int64_t)sec * 1000;
	return 0;
}

static void iso_z(int64_t ms, char out[24])
{
	char buf[32];
	core_iso8601(ms, buf, sizeof(buf)); /* 2026-11-27T03:12:45.000Z */
	memcpy(out, buf, 19);
	out[19] = 'Z';
	out[20] = '\0';
}

static bool fqdn_ok(char *s, size_t *n)
{
	size_t len = *n;
	if (len && s[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return false;
	size_t lab = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			s[i] = c = (char)(c + 32);
		if (c == '.') {
			if (lab == 0)
				return false;
			lab = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
		if (++lab > 63)
			return false;
	}
	s[len] = '\0';
	*n = len;
	return true;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t base64(const unsigned char *in, size_t n, char *out)
{
	size_t o = 0, i = 0;
	for (; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
		out[o++] = b64[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0);
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	return o;
}

/* "cve-2018-14847" in any case: 4 digits of year, 4 or more of number. */
static bool is_cve(const char *s, size_t n)
{
	if (n < 13 || n > 24 || !(s[0] == 'c' || s[0] == 'C') || !(s[1] == 'v' || s[1] == 'V') ||
	    !(s[2] == 'e' || s[2] == 'E') || s[3] != '-' || s[8] != '-')
		return false;
	for (size_t i = 4; i < n; i++)
		if (i != 8 && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

enum { CV_ABSENT = 0, CV_SET = 1, CV_BAD = -1 };

/* The value of column c in the current row (an empty view when absent). */
struct row {
	const char *const *f;
	const size_t *l;
	size_t n;
};

static struct pstr row_col(const struct feeds_parser *p, const struct row *r, int c)
{
	if (p->t->fmt == FEEDS_JSONL)
		return c >= 0 ? p->jcols[c] : (struct pstr){ "", 0 };
	if (c < 0 || (size_t)c >= r->n)
		return (struct pstr){ "", 0 };
	return (struct pstr){ r->f[c], r->l[c] };
}

/* Convert v by m's conversion into *o. CV_SET, CV_ABSENT, or CV_BAD with
** *why; *o->s lives in the arena. */
static int convert(struct feeds_parser *p, const struct feeds_map *m, const struct row *r,
		   struct pstr v, struct feeds_value *o, const char **why)
{
	o->key = m->target;
	o->t = FEEDS_V_STR;
	if (v.n == 0 && m->conv != CONV_CAT_DETAIL)
		return CV_ABSENT;
	char *w;
	switch (m->conv) {
	case CONV_NONE:
	case CONV_TO_NONE:
	case CONV_VERBATIM:
		break;
	case CONV_INT:
	case CONV_ZERO: {
		if (m->conv == CONV_ZERO && v.n == 1 && v.p[0] == '0')
			return CV_ABSENT;
		int64_t x;
		if (pstr_to_i64(v, INT64_MIN, INT64_MAX, &x) == 0) {
			o->t = FEEDS_V_INT;
			o->i = x;
			return CV_SET;
		}
		if (m->conv == CONV_INT) {
			*why = "not an integer";
			return CV_BAD;
		}
		break;
	}
	case CONV_BOOL: {
		static const char *const yes[] = { "true", "1", "yes", "y" };
		static const char *const no[] = { "false", "0", "no", "n" };
		for (size_t i = 0; i < 4; i++) {
			if (pstr_ieqc(v, yes[i]) || pstr_ieqc(v, no[i])) {
				o->t = FEEDS_V_BOOL;
				o->i = pstr_ieqc(v, yes[i]);
				return CV_SET;
			}
		}
		return CV_ABSENT;
	}
	case CONV_FLOAT: {
		char tmp[64];
		if (pstr_copy(v, tmp, sizeof(tmp)) != 0) {
			*why = "not a number";
			return CV_BAD;
		}
		char *end;
		double d = strtod(tmp, &end);
		if (*end || end == tmp || !isfinite(d)) {
			*why = "not a number";
			return CV_BAD;
		}
		o->t = FEEDS_V_NUM;
		o->d = d;
		return CV_SET;
	}
	case CONV_IP: {
		char tmp[64];
		uint8_t a[16];
		int fam = 0;
		if (pstr_copy(v, tmp, sizeof(tmp)) == 0) {
			if (inet_pton(AF_INET, tmp, a) == 1)
				fam = 4;
			else if (inet_pton(AF_INET6, tmp, a) == 1)
				fam = 6;
		}
		if (!fam) {
			*why = "not an IP address";
			return CV_BAD;
		}
		if (fam == 4) {
			if (!(w = ar_alloc(p, v.n)))
				goto full;
			memcpy(w, tmp, v.n);
			o->s = w;
			o->n = v.n;
			if (m->slot == SLOT_IP) {
				p->e.family = 4;
				memcpy(p->e.ip, a, 4);
			}
			return CV_SET;
		}
		if (!(w = ar_alloc(p, 46)))
			goto full;
		if (!inet_ntop(fam == 4 ? AF_INET : AF_INET6, a, w, 46)) {
			*why = "not an IP address";
			return CV_BAD;
		}
		p->alen -= 46 - strlen(w);
		o->s = w;
		o->n = strlen(w);
		if (m->slot == SLOT_IP) {
			p->e.family = fam;
			memcpy(p->e.ip, a, fam == 4 ? 4 : 16);
		}
		return CV_SET;
	}
	case CONV_FQDN: {
		if (!(w = ar_alloc(p, v.n)))
			goto full;
		memcpy(w, v.p, v.n);
		size_t n = v.n;
		if (!fqdn_ok(w, &n)) {
			*why = "not a host name";
			return CV_BAD;
		}
		o->s = w;
		o->n = n;
		return CV_SET;
	}
	case CONV_UTC:
	case CONV_DATE: {
		int64_t ms;
		if (parse_time(v.p, v.n, m->conv == CONV_DATE, &ms) != 0) {
			*why = "not a UTC time (YYYY-MM-DD HH:MM:SS)";
			return CV_BAD;
		}
		if (!(w = ar_alloc(p, 20)))
			goto full;
		if (v.n == 19) {
			memcpy(w, v.p, 19);
			w[10] = 'T';
			w[19] = 'Z';
			w[20] = '\0';
		} else {
			iso_z(ms, w);
		}
		o->s = w;
		o->n = 20;
		if (m->slot == SLOT_TIME)
			p->e.time_ms = ms;
		return CV_SET;
	}
	case CONV_CVE: {
		if (!(w = ar_alloc(p, v.n)))
			goto full;
		size_t o_n = 0, i = 0;
		while (i < v.n) {
			size_t j = i;
			while (j < v.n && v.p[j] != ';' && v.p[j] != ',')
				j++;
			struct pstr tok = pstr_trim((struct pstr){ v.p + i, j - i });
			if (is_cve(tok.p, tok.n)) {
				if (o_n)
					w[o_n++] = ',';
				for (size_t k = 0; k < tok.n; k++) {
					char c = tok.p[k];
					w[o_n++] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
				}
			}
			i = j + 1;
		}
		if (o_n == 0) {
			p->alen -= v.n + 1;
			return CV_ABSENT;
		}
		w[o_n] = '\0';
		p->alen -= v.n - o_n;
		o->s = w;
		o->n = o_n;
		return CV_SET;
	}
	case CONV_HOST_URL: {
		if ((v.n >= 7 && strncmp(v.p, "http://", 7) == 0) ||
		    (v.n >= 8 && strncmp(v.p, "https://", 8) == 0))
			break;
		struct pstr host = row_col(p, r, p->col_host);
		if (host.n == 0 && v.p[0] == '/')
			return CV_ABSENT;
		size_t n = 7 + host.n + 1 + v.n;
		if (!(w = ar_alloc(p, n)))
			goto full;
		size_t k = 0;
		memcpy(w, "http://", 7);
		k = 7;
		memcpy(w + k, host.p, host.n);
		k += host.n;
		if (host.n && v.p[0] != '/')
			w[k++] = '/';
		memcpy(w + k, v.p, v.n);
		k += v.n;
		w[k] = '\0';
		p->alen -= n - k;
		o->s = w;
		o->n = k;
		return CV_SET;
	}
	case CONV_CAT_DETAIL:
		if (v.n == 0) {
			v = row_col(p, r, p->col_detail);
			if (v.n == 0)
				return CV_ABSENT;
		}
		break;
	case CONV_BASE64: {
		size_t n = (v.n + 2) / 3 * 4;
		if (!(w = ar_alloc(p, n)))
			goto full;
		base64((const unsigned char *)v.p, v.n, w);
		o->s = w;
		o->n = n;
		return CV_SET;
	}
	case CONV_NETWORK:
		if (!memchr(v.p, '/', v.n)) {
			*why = "not a network";
			return CV_BAD;
		}
		break;
	}
	/* The value as given, without a copy: a CSV field is NUL-terminated by
	** the CSV parser and a JSON value in the arena, and both stay put until
	** the event callback returns, which is as long as the event lives. */
	o->s = v.p;
	o->n = v.n;
	return CV_SET;
full:
	*why = "record too large";
	return CV_BAD;
}

/* ------------------------------------------------------------------- rows */

static void reject(struct feeds_parser *p, size_t line, const char *fmt, const char *a,
		   const char *b)
{
	p->counts.rejected++;
	if (!p->rej)
		return;
	char msg[256];
	struct pbuf m = pbuf_fixed(msg, sizeof(msg));
	(void)pbuf_addf(&m, fmt, a, b);
	p->rej(p->ud, line, msg);
}

static struct feeds_value *val_new(struct feeds_parser *p)
{
	/* vals was sized for every mapping entry, constant, extra column and
	** the few derived fields when the header was read */
	return (struct feeds_value *)&p->e.vals[p->e.nvals++];
}

static void set_slot(struct feeds_parser *p, enum feeds_slot slot, const struct feeds_value *v)
{
	switch (slot) {
	case SLOT_PORT:
		p->e.port = (int)v->i;
		break;
	case SLOT_ASN:
		p->e.asn = v->t == FEEDS_V_INT ? (uint32_t)v->i : 0;
		break;
	case SLOT_IP:
		p->e.ip_text = v->s;
		break;
	case SLOT_FQDN:
		p->e.fqdn = v->s;
		break;
	case SLOT_URL:
		p->e.url = v->s;
		break;
	case SLOT_IDENT:
		p->e.identifier = v->s;
		break;
	case SLOT_TAXONOMY:
		p->e.taxonomy = v->s;
		break;
	case SLOT_TYPE:
		p->e.type = v->s;
		break;
	case SLOT_SEVERITY:
		p->e.severity = v->s;
		break;
	case SLOT_VENDOR:
		p->e.vendor = v->s;
		break;
	case SLOT_PRODUCT:
		p->e.product = v->s;
		break;
	case SLOT_VERSION:
		p->e.version = v->s;
		break;
	case SLOT_TIME:
	case SLOT_OTHER:
		break;
	}
}

static void add_str(struct feeds_parser *p, const char *key, const char *s, enum feeds_slot slot)
{
	struct feeds_value *v = val_new(p);
	v->key = key;
	v->t = FEEDS_V_STR;
	v->s = s;
	v->n = strlen(s);
	set_slot(p, slot, v);
}

/* Keep v as the event's banner when it is text and better ranked than the
** one kept so far (feeds_banner_rank). */
static void note_banner(struct feeds_parser *p, unsigned char rank, const struct feeds_value *v)
{
	if (v->t == FEEDS_V_STR && v->n && (!p->banner_rank || rank < p->banner_rank)) {
		p->e.banner = v->s;
		p->banner_rank = rank;
	}
}

/* Devices that announce themselves in a banner but not in device_* columns:
** "MikroTik v6.38.4 (bugfix)" is RouterOS 6.38.4. */
static void banner_product(struct feeds_parser *p)
{
	size_t i0 = 0, i1 = p->e.nvals;
	if (p->banner_m) {
		if (p->banner_i == SIZE_MAX)
			return;
		i0 = p->banner_i;
		i1 = i0 + 1;
	}
	for (size_t i = i0; i < i1; i++) {
		const struct feeds_value *v = &p->e.vals[i];
		if (v->t != FEEDS_V_STR || strcmp(v->key, "extra.banner") != 0)
			continue;
		const char *m = strstr(v->s, "MikroTik v");
		if (!m)
			return;
		m += 10;
		size_t n = 0;
		while ((m[n] >= '0' && m[n] <= '9') || (m[n] == '.' && n > 0))
			n++;
		while (n && m[n - 1] == '.')
			n--;
		if (n == 0)
			return;
		const char *ver = ar_put(p, m, n);
		if (!ver)
			return;
		add_str(p, "product.vendor", "MikroTik", SLOT_VENDOR);
		if (!p->e.product)
			add_str(p, "product.name", "RouterOS", SLOT_PRODUCT);
		if (!p->e.version)
			add_str(p, "product.version", ver, SLOT_VERSION);
		return;
	}
}

/* The record as one CSV line, for the event's raw field. */
static void build_raw(struct feeds_parser *p, const struct row *r)
{
	size_t need = 0;
	for (size_t i = 0; i < r->n; i++)
		need += r->l[i] * 2 + 3;
	char *w = ar_alloc(p, need);
	if (!w)
		return;
	size_t k = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (i)
			w[k++] = p->t->sep;
		const char *f = r->f[i];
		size_t n = r->l[i];
		char sep = p->t->sep;
		bool q = false;
		for (size_t j = 0; j < n; j++) {
			char ch = f[j];
			q |= ch == '"' || ch == sep || ch == '\n' || ch == '\r';
		}
		if (q)
			w[k++] = '"';
		for (size_t j = 0; j < n; j++) {
			if (f[j] == '"')
				w[k++] = '"';
			w[k++] = f[j];
		}
		if (q)
			w[k++] = '"';
	}
	w[k] = '\0';
	p->alen -= need - k;
	p->e.raw = w;
	p->e.raw_len = k;
}

/* Turn one data row into an event and deliver it, or reject it. */
static int do_row(struct feeds_parser *p, size_t line, const struct row *r, size_t row_bytes,
		  const char *raw, size_t raw_len)
{
	const struct feeds_type *t = p->t;
	if (line <= p->skip_to)
		return 0;
	p->counts.rows++;
	if (raw) {
		p->alen = 0; /* JSON: the arena was sized by json_line */
	} else if (ar_reserve(p, row_bytes) != 0) {
		reject(p, line, "%s%s", "out of memory", "");
		return 0;
	}
	struct feeds_event *e = &p->e;
	struct feeds_value *vals = (struct feeds_value *)e->vals;
	memset(e, 0, sizeof(*e));
	e->vals = vals;
	e->line = line;
	e->port = -1;
	p->banner_i = SIZE_MAX;
	p->banner_rank = 0;
	for (size_t i = 0; i < t->nmap; i++) {
		const struct feeds_map *m = &t->map[i];
		struct pstr v = row_col(p, r, p->col[i]);
		struct feeds_value *o = &vals[e->nvals];
		const char *why = "missing";
		int c = convert(p, m, r, v, o, &why);
		if (c == CV_SET && m->slot == SLOT_PORT && (o->t != FEEDS_V_INT || o->i < 0 ||
							    o->i > 65535)) {
			c = CV_BAD;
			why = "not a port number";
		}
		if (c == CV_SET && m->slot == SLOT_ASN && o->t == FEEDS_V_INT &&
		    (o->i < 1 || o->i > 4294967295LL)) {
			c = CV_BAD;
			why = "not an AS number";
		}
		if (c == CV_SET) {
			if (m == p->banner_m)
				p->banner_i = e->nvals;
			if (m->banner)
				note_banner(p, m->banner, o);
			e->nvals++;
			set_slot(p, m->slot, o);
			continue;
		}
		if (m->required) {
			reject(p, line, "%s: %s", m->target, why);
			return 0;
		}
		if (m->slot == SLOT_TIME || m->slot == SLOT_IP) {
			/* a second, optional mapping of a required slot: ignore */
			continue;
		}
	}
	for (size_t i = 0; i < t->nconsts; i++)
		add_str(p, t->consts[i].key, t->consts[i].value, t->consts[i].slot);
	add_str(p, "feed.name", t->feed_name, SLOT_OTHER);
	e->feed = t->feed_name;
	if (!e->identifier)
		add_str(p, "classification.identifier", e->type ? e->type : "unknown", SLOT_IDENT);
	for (size_t i = 0; i < p->nx; i++) {
		struct pstr v = row_col(p, r, p->xcol[i]);
		if (v.n == 0)
			continue;
		add_str(p, p->xkey[i], v.p, SLOT_OTHER); /* NUL-terminated, as above */
		if (p->xrank[i])
			note_banner(p, p->xrank[i], &e->vals[e->nvals - 1]);
	}
	if (!e->vendor)
		banner_product(p);
	if (raw) {
		e->raw = raw;
		e->raw_len = raw_len;
	} else {
		build_raw(p, r);
	}
	p->counts.parsed++;
	if (p->ev)
		return p->ev(p->ud, e);
	return 0;
}

/* ------------------------------------------------------------------ CSV */

static int header(struct feeds_parser *p, size_t n, const char *const *f, const size_t *l)
{
	const struct feeds_type *t = p->t;
	p->have_header = true;
	/* A BOM was dropped by the CSV parser; headers may carry spaces. */
	for (size_t i = 0; i < t->nmap; i++) {
		p->col[i] = -1;
		for (size_t c = 0; c < n; c++) {
			struct pstr h = pstr_trim((struct pstr){ f[c], l[c] });
			if (pstr_eqc(h, t->map[i].column)) {
				p->col[i] = (int)c;
				break;
			}
		}
		if (p->col[i] < 0 && t->map[i].required) {
			struct pbuf m = pbuf_fixed(p->error, sizeof(p->error));
			(void)pbuf_addf(&m,
					"report type %s needs column '%s' (for %s), which the "
					"file's header lacks: is it another type, or did the "
					"source rename it? (a newer schema: parapet feeds schema "
					"update FILE)",
					t->file_name, t->map[i].column, t->map[i].target);
			p->failed = true;
			return -1;
		}
	}
	p->col_host = p->col_detail = -1;
	free(p->xcol);
	for (size_t i = 0; i < p->nx; i++)
		free(p->xkey[i]);
	free(p->xkey);
	free(p->xrank);
	p->xcol = calloc(n + 1, sizeof(*p->xcol));
	p->xkey = calloc(n + 1, sizeof(*p->xkey));
	p->xrank = calloc(n + 1, sizeof(*p->xrank));
	p->nx = 0;
	free((void *)p->e.vals);
	p->vcap = t->nmap + t->nconsts + n + 8;
	p->e.vals = calloc(p->vcap, sizeof(struct feeds_value));
	if (!p->xcol || !p->xkey || !p->xrank || !p->e.vals)
		goto oom;
	for (size_t c = 0; c < n; c++) {
		struct pstr h = pstr_trim((struct pstr){ f[c], l[c] });
		if (pstr_eqc(h, "http_host"))
			p->col_host = (int)c;
		if (pstr_eqc(h, "detail"))
			p->col_detail = (int)c;
		bool mapped = false;
		for (size_t i = 0; i < t->nmap && !mapped; i++)
			mapped = p->col[i] == (int)c;
		if (mapped || h.n == 0 || h.n > 64)
			continue;
		/* a column the mapping does not know (Shadowserver added one):
		** kept under extra so nothing in the report is lost */
		struct pbuf k;
		pbuf_init(&k, 128);
		if (pbuf_adds(&k, "extra.") || pbuf_add(&k, h.p, h.n)) {
			pbuf_free(&k);
			goto oom;
		}
		for (size_t j = 6; j < k.len; j++) {
			char ch = k.ptr[j];
			if (ch >= 'A' && ch <= 'Z')
				k.ptr[j] = (char)(ch + 32);
			else if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
				k.ptr[j] = '_';
		}
		p->xcol[p->nx] = (int)c;
		p->xrank[p->nx] = feeds_banner_rank(k.ptr);
		p->xkey[p->nx++] = pbuf_take(&k);
	}
	return 0;
oom:
	PSTRCPY(p->error, "out of memory");
	p->failed = true;
	return -1;
}

static int on_record(void *ud, size_t line, size_t n, const char *const *f, const size_t *l)
{
	struct feeds_parser *p = ud;
	if (p->failed)
		return 1; /* the header was unreadable: nothing after it is read */
	if (!p->have_header)
		return header(p, n, f, l) == 0 ? 0 : 1;
	size_t bytes = n;
	for (size_t i = 0; i < n; i++)
		bytes += l[i];
	struct row r = { f, l, n };
	int rc = do_row(p, line, &r, bytes, NULL, 0);
	if (rc)
		p->stop = rc;
	return rc;
}

static void on_reject(void *ud, size_t line, const char *reason)
{
	struct feeds_parser *p = ud;
	if (p->failed)
		return; /* the rest of a chunk after an unreadable header */
	if (!p->have_header && line == 1) {
		/* no header: nothing after it can be read either */
		struct pbuf m = pbuf_fixed(p->error, sizeof(p->error));
		(void)pbuf_addf(&m, "the header line is unreadable: %s", reason);
		p->failed = true;
		return;
	}
	if (line <= p->skip_to)
		return;
	p->counts.rows++;
	reject(p, line, "csv: %s%s", reason, "");
}

/* ------------------------------------------------------------ JSON Lines */

static void json_line(struct feeds_parser *p, size_t line, const char *s, size_t n)
{
	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0)
		return;
	if (line <= p->skip_to)
		return;
	json_error_t je;
	json_t *o = json_loadb(s, n, JSON_REJECT_DUPLICATES, &je);
	if (!o) {
		p->counts.rows++;
		reject(p, line, "json: %s%s", je.text, "");
		return;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		p->counts.rows++;
		reject(p, line, "json: the line is not an object%s%s", "", "");
		return;
	}
	/* values as text, in the arena; do_row reserves again from 0, so the
	** texts go to the arena's far end first: reserve for both */
	if (ar_reserve(p, n * 2) != 0) {
		json_decref(o);
		p->counts.rows++;
		reject(p, line, "%s%s", "out of memory", "");
		return;
	}
	size_t base = p->acap / 2;
	size_t used = 0;
	for (size_t i = 0; i < p->t->nmap; i++) {
		json_t *v = json_object_get(o, p->t->map[i].column);
		char num[64];
		const char *txt = NULL;
		size_t tn = 0;
		if (json_is_string(v)) {
			txt = json_string_value(v);
			tn = json_string_length(v);
		} else if (json_is_integer(v)) {
			struct pbuf b = pbuf_fixed(num, sizeof(num));
			(void)pbuf_addf(&b, "%lld", (long long)json_integer_value(v));
			txt = num;
			tn = b.len;
		} else if (json_is_real(v)) {
			struct pbuf b = pbuf_fixed(num, sizeof(num));
			(void)pbuf_addf(&b, "%.17g", json_real_value(v));
			txt = num;
			tn = b.len;
		} else if (json_is_boolean(v)) {
			txt = json_is_true(v) ? "true" : "false";
			tn = strlen(txt);
		}
		if (!txt || memchr(txt, '\0', tn) || base + used + tn + 1 > p->acap) {
			p->jcols[i] = (struct pstr){ "", 0 };
			continue;
		}
		char *w = p->arena + base + used;
		memcpy(w, txt, tn);
		w[tn] = '\0';
		p->jcols[i] = (struct pstr){ w, tn };
		used += tn + 1;
	}
	json_decref(o);
	/* do_row does not reserve for a JSON line (that could move the arena
	** the column values live in): it writes below base, and a conversion
	** that would not fit is a "record too large" reject, never an overrun */
	struct row r = { NULL, NULL, 0 };
	size_t keep_cap = p->acap;
	p->acap = base; /* the conversions may use the lower half only */
	int rc = do_row(p, line, &r, 0, s, n);
	p->acap = keep_cap;
	if (rc)
		p->stop = rc;
}

static int jsonl_feed(struct feeds_parser *p, const char *data, size_t len)
{
	size_t i = 0;
	while (i < len && !p->stop) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t chunk = nl ? (size_t)(nl - (data + i)) : len - i;
		if (!p->jl_overlong) {
			if (p->jline.len + chunk > p->lim.max_record) {
				p->jl_overlong = true;
				pbuf_reset(&p->jline);
			} else if (pbuf_add(&p->jline, data + i, chunk) != 0) {
				p->jl_overlong = true;
				pbuf_reset(&p->jline);
			}
		}
		i += chunk;
		if (!nl)
			break;
		i++; /* the '\n' */
		size_t line = ++p->jl_lineno;
		if (p->jl_overlong) {
			if (line > p->skip_to) {
				p->counts.rows++;
				reject(p, line, "json: line longer than the limit%s%s", "", "");
			}
			p->jl_overlong = false;
		} else {
			json_line(p, line, p->jline.ptr ? p->jline.ptr : "", p->jline.len);
		}
		pbuf_reset(&p->jline);
	}
	return p->stop;
}

/* ------------------------------------------------------------------ API */

struct feeds_parser *feeds_parser_new(const struct feeds_type *t, const struct feeds_limits *lim,
				      feeds_event_fn ev, feeds_reject_fn rej, void *ud)
{
	struct feeds_parser *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->t = t;
	p->ev = ev;
	p->rej = rej;
	p->ud = ud;
	p->lim.max_record = lim && lim->max_record ? lim->max_record : DEFAULT_MAX_RECORD;
	p->lim.max_fields = lim && lim->max_fields ? lim->max_fields : DEFAULT_MAX_FIELDS;
	for (size_t i = 0; i < t->nmap && !p->banner_m; i++)
		if (strcmp(t->map[i].target, "extra.banner") == 0)
			p->banner_m = &t->map[i];
	p->col = calloc(t->nmap + 1, sizeof(*p->col));
	if (!p->col)
		goto fail;
	if (t->fmt == FEEDS_CSV) {
		struct csv_limits cl = { p->lim.max_record, p->lim.max_fields, p->lim.max_record };
		p->csv = csv_new(&cl, on_record, on_reject, p);
		if (!p->csv || csv_set_separator(p->csv, t->sep) != 0)
			goto fail;
	} else {
		/* JSON: the keys are the columns, every mapping entry is its own */
		p->have_header = true;
		for (size_t i = 0; i < t->nmap; i++)
			p->col[i] = (int)i;
		p->col_host = p->col_detail = -1;
		for (size_t i = 0; i < t->nmap; i++) {
			if (strcmp(t->map[i].column, "http_host") == 0)
				p->col_host = (int)i;
			if (strcmp(t->map[i].column, "detail") == 0)
				p->col_detail = (int)i;
		}
		p->jcols = calloc(t->nmap + 1, sizeof(*p->jcols));
		p->vcap = t->nmap + t->nconsts + 8;
		p->e.vals = calloc(p->vcap, sizeof(struct feeds_value));
		pbuf_init(&p->jline, p->lim.max_record + 1);
		if (!p->jcols || !p->e.vals)
			goto fail;
	}
	return p;
fail:
	feeds_parser_free(p);
	return NULL;
}

void feeds_parser_skip_to(struct feeds_parser *p, size_t line)
{
	p->skip_to = line;
}

int feeds_parser_feed(struct feeds_parser *p, const char *data, size_t len)
{
	if (p->failed)
		return -1;
	if (p->stop)
		return p->stop;
	int rc;
	if (p->csv) {
		rc = csv_feed(p->csv, data, len);
		if (p->failed)
			return -1;
		if (rc < 0) {
			PSTRCPY(p->error, "out of memory");
			p->failed = true;
			return -1;
		}
		return rc;
	}
	return jsonl_feed(p, data, len);
}

int feeds_parser_finish(struct feeds_parser *p)
{
	if (p->failed)
		return -1;
	if (p->stop)
		return p->stop;
	if (p->csv) {
		int rc = csv_finish(p->csv);
		if (p->failed)
			return -1;
		if (!p->have_header) {
			PSTRCPY(p->error, "the file is empty: no header line");
			p->failed = true;
			return -1;
		}
		return rc < 0 ? -1 : rc;
	}
	if (p->jline.len || p->jl_overlong)
		(void)jsonl_feed(p, "\n", 1);
	return p->stop;
}

const char *feeds_parser_error(const struct feeds_parser *p)
{
	return p->error;
}

void feeds_parser_counts(const struct feeds_parser *p, struct feeds_counts *c)
{
	*c = p->counts;
}

void feeds_parser_free(struct feeds_parser *p)
{
	if (!p)
		return;
	csv_free(p->csv);
	free(p->col);
	free(p->xcol);
	for (size_t i = 0; i < p->nx; i++)
		free(p->xkey[i]);
	free(p->xkey);
	free(p->xrank);
	free(p->jcols);
	pbuf_free(&p->jline);
	free(p->arena);
	free((void *)p->e.vals);
	free(p);
}

/* ------------------------------------------------------------ event JSON */

int feeds_event_json(struct pbuf *b, const struct feeds_event *ev)
{
	if (pbuf_add(b, "{", 1))
		return -1;
	for (size_t i = 0; i < ev->nvals; i++) {
		const struct feeds_value *v = &ev->vals[i];
		if ((i && pbuf_add(b, ",", 1)) || pjson_str(b, v->key) || pbuf_add(b, ":", 1))
			return -1;
		int rc = 0;
		switch (v->t) {
		case FEEDS_V_STR:
			rc = pjson_str(b, v->s);
			break;
		case FEEDS_V_INT:
			rc = pjson_i64(b, v->i);
			break;
		case FEEDS_V_BOOL:
			rc = pbuf_adds(b, v->i ? "true" : "false");
			break;
		case FEEDS_V_NUM: {
			/* the shortest text that reads back as the same double */
			char t[40];
			for (int prec = 15; prec <= 17; prec++) {
				struct pbuf tb = pbuf_fixed(t, sizeof(t));
				(void)pbuf_addf(&tb, "%.*g", prec, v->d);
				if (strtod(t, NULL) == v->d)
					break;
			}
			rc = pbuf_adds(b, t);
			break;
		}
		}
		if (rc)
			return -1;
	}
	if (ev->raw) {
		if (pbuf_adds(b, ev->nvals ? ",\"raw\":\"" : "\"raw\":\""))
			return -1;
		size_t n = (ev->raw_len + 2) / 3 * 4;
		char *tmp = malloc(n + 1);
		if (!tmp)
			return -1;
		base64((const unsigned char *)ev->raw, ev->raw_len, tmp);
		int rc = pbuf_add(b, tmp, n);
		free(tmp);
		if (rc || pbuf_add(b, "\"", 1))
			return -1;
	}
	return pbuf_add(b, "}", 1);
}
