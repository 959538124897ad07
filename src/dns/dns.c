/*
** dns.c — DNS lookups of the website watch with c-ares: reply parsing into
** canonical record lists, the batch resolver, JSON and comparison.
**
** Parsing (dns_parse_reply) checks the header and the one question itself,
** maps the rcode, lets c-ares' ares_parse_*_reply read the answer section
** and walks the authority section of referrals for NS_PARENT. Values are
** then canonicalised (rrset_take): lower-cased names, canonical address
** text, escapes for unusual bytes, sorted with a per-type order, distinct,
** cut at DNS_RR_MAX.
**
** The batch resolver keeps one c-ares channel towards the resolver(s) and
** one per parent zone towards that zone's servers (non-recursive, on
** auth_port), and runs one poll() loop over all their sockets and timers.
** Work comes from two places: a cursor over (name, type) pairs, and a FIFO
** of follow-up queries that replies create (a parent zone's NS set, then its
** servers' addresses, then the delegation query of each name waiting for
** that zone). The FIFO goes first, and nothing is sent while max_inflight
** queries are out. Names are visited grouped by parent zone, so a zone's
** channel lives only while its names are being asked, and at most
** PZ_LIVE_MAX zones are being worked on at once. Every (name, type) pair is
** settled exactly once: by a reply, by a failure of its parent zone, by a
** circuit breaker (a resolver that has not answered one of its first
** BREAKER_MAIN queries is taken as dead and the rest are TIMEOUT at once),
** or at the deadline, when the channels are destroyed and whatever is still
** open becomes TIMEOUT.
**
** c-ares 1.18 facts this relies on: every query's callback runs exactly
** once (ares_destroy() runs the pending ones with ARES_EDESTRUCTION);
** ares_query() hands the reply to the callback also for NXDOMAIN, NODATA and
** referrals (status ENOTFOUND/ENODATA, abuf set); a UDP port where nothing
** listens gives ECONNREFUSED at once (ICMP), not a timeout. Without
** ARES_FLAG_NOCHECKRESP, c-ares would answer SERVFAIL or REFUSED by trying
** the next server and, when none is left, end with ECONNREFUSED and no
** reply, indistinguishable from a dead port; the channels set that flag, so
** the server's own rcode is what a result says (a validating resolver's
** SERVFAIL after a hijack is a signal, not noise). Failing over to the next
** server is then left to timeouts.
*/
#include <arpa/inet.h>
#include <ares.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/dns.h"

#define VLIST_HARD 4096   /* values collected from one reply before sorting */
#define PZ_LIVE_MAX 64    /* parent zones worked on at once */
#define PZ_WALK_MAX 4     /* labels walked up looking for the parent zone */
#define BREAKER_MAIN 16   /* unanswered queries before the resolver counts as dead */
#define BREAKER_PZ 8      /* the same for a parent zone's servers */
#define NO_PZ UINT32_MAX
/* Socket receive buffer asked for (the kernel caps it at rmem_max): replies
** to a burst of queries must not be dropped before the loop reads them. */
#define DNS_RCVBUF (1 << 20)

/* ------------------------------------------------------------------ names */

static const char *const type_names[DNS_NTYPES] = { "a", "aaaa", "ns", "ns_parent", "mx",
						    "caa" };
static const int type_wire[DNS_NTYPES] = { 1, 28, 2, 2, 15, 257 };
static const char *const status_names[DNS_ST_COUNT] = { "none",	    "ok",      "nodata",
							"nxdomain", "timeout", "servfail",
							"refused",  "error" };

const char *dns_type_name(enum dns_type t)
{
	return (unsigned)t < DNS_NTYPES ? type_names[t] : NULL;
}

int dns_type_from_name(const char *s)
{
	for (int i = 0; s && i < DNS_NTYPES; i++)
		if (strcmp(s, type_names[i]) == 0)
			return i;
	return -1;
}

const char *dns_status_name(enum dns_status st)
{
	return (unsigned)st < DNS_ST_COUNT ? status_names[st] : NULL;
}

int dns_status_from_name(const char *s)
{
	for (int i = 0; s && i < DNS_ST_COUNT; i++)
		if (strcmp(s, status_names[i]) == 0)
			return i;
	return -1;
}

int dns_name_canon(const char *name, char out[DNS_NAME_MAX])
{
	if (!name)
		return -1;
	size_t n = strnlen(name, DNS_NAME_MAX + 1);
	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return -1;
	size_t label = 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (c == '.') {
			if (label == 0)
				return -1;
			label = 0;
		} else {
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
				   c == '_'))
				return -1;
			if (++label > 63)
				return -1;
		}
		out[i] = c;
	}
	if (label == 0)
		return -1;
	out[n] = '\0';
	return 0;
}

/* ---------------------------------------------------------------- results */

static void rrset_clear(struct dns_rrset *rs)
{
	for (uint32_t i = 0; i < rs->n; i++)
		free(rs->v[i]);
	free(rs->v);
	memset(rs, 0, sizeof(*rs));
}

void dns_result_init(struct dns_result *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	/* the name asked for, as a label of the result: the lookups refuse
	** names longer than a DNS name before they get here */
	if (name)
		pstrtrunc(r->name, name, sizeof(r->name));
}

void dns_result_free(struct dns_result *r)
{
	if (!r)
		return;
	for (int t = 0; t < DNS_NTYPES; t++)
		rrset_clear(&r->rr[t]);
}

static void rrset_status(struct dns_rrset *rs, enum dns_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Replace rs by an empty set of status st with a detail. */
static void rrset_status(struct dns_rrset *rs, enum dns_status st, const char *fmt, ...)
{
	rrset_clear(rs);
	rs->status = st;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(rs->text, sizeof(rs->text), fmt, ap);
		va_end(ap);
	}
}

/* ------------------------------------------------------- canonical values */

/* Values collected before sorting: heap strings, at most VLIST_HARD. */
struct vlist {
	char **v;
	size_t n, cap;
	bool cut;
};

static int vl_add(struct vlist *l, const char *s, size_t len)
{
	if (len == 0 || len >= DNS_VALUE_MAX || l->n >= VLIST_HARD) {
		l->cut = true;
		return 0;
	}
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 8;
		char **nv = realloc(l->v, nc * sizeof(*nv));
		if (!nv)
			return -1;
		l->v = nv;
		l->cap = nc;
	}
	char *c = malloc(len + 1);
	if (!c)
		return -1;
	memcpy(c, s, len);
	c[len] = '\0';
	l->v[l->n++] = c;
	return 0;
}

static void vl_free(struct vlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* MX "PREF HOST": the preference, or -1. */
static long mx_pref(const char *s, const char **host)
{
	long p = 0;
	size_t i = 0;
	for (; s[i] >= '0' && s[i] <= '9' && i < 6; i++)
		p = p * 10 + (s[i] - '0');
	if (i == 0 || s[i] != ' ')
		return -1;
	*host = s + i + 1;
	return p;
}

/* The canonical order of two values of type t (both canonical). */
static int val_cmp(enum dns_type t, const char *a, const char *b)
{
	if (t == DNS_A) {
		struct in_addr x, y;
		if (inet_pton(AF_INET, a, &x) == 1 && inet_pton(AF_INET, b, &y) == 1) {
			uint32_t u = ntohl(x.s_addr), v = ntohl(y.s_addr);
			return u < v ? -1 : u > v;
		}
	} else if (t == DNS_AAAA) {
		struct in6_addr x, y;
		if (inet_pton(AF_INET6, a, &x) == 1 && inet_pton(AF_INET6, b, &y) == 1)
			return memcmp(&x, &y, sizeof(x));
	} else if (t == DNS_MX) {
		const char *ha, *hb;
		long pa = mx_pref(a, &ha), pb = mx_pref(b, &hb);
		if (pa >= 0 && pb >= 0) {
			if (pa != pb)
				return pa < pb ? -1 : 1;
			return strcmp(ha, hb);
		}
	}
	return strcmp(a, b);
}

static int sort_cmp(const void *x, const void *y, void *arg)
{
	return val_cmp(*(const enum dns_type *)arg, *(char *const *)x, *(char *const *)y);
}

/* Move the collected values into rs, sorted, distinct, cut at DNS_RR_MAX;
** status OK when at least one value is kept, else ERROR (every record was
** unusable; NODATA when there was none). l is emptied. Returns -1 on out of memory (rs is then ERROR). */
static int rrset_take(struct dns_rrset *rs, enum dns_type t, struct vlist *l)
{
	rrset_clear(rs);
	if (l->n > 1)
		qsort_r(l->v, l->n, sizeof(*l->v), sort_cmp, &t);
	size_t k = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (k > 0 && strcmp(l->v[k - 1], l->v[i]) == 0) {
			free(l->v[i]);
			continue;
		}
		l->v[k++] = l->v[i];
	}
	l->n = k;
	bool cut = l->cut;
	if (l->n > DNS_RR_MAX) {
		for (size_t i = DNS_RR_MAX; i < l->n; i++)
			free(l->v[i]);
		l->n = DNS_RR_MAX;
		cut = true;
	}
	if (l->n == 0) {
		vl_free(l);
		if (cut) {
			rrset_status(rs, DNS_ST_ERROR, "no usable record");
			rs->cut = true;
		} else {
			rrset_status(rs, DNS_ST_NODATA, "no %s record", type_names[t]);
		}
		return 0;
	}
	rs->v = malloc(l->n * sizeof(*rs->v));
	if (!rs->v) {
		vl_free(l);
		rrset_status(rs, DNS_ST_ERROR, "out of memory");
		return -1;
	}
	memcpy(rs->v, l->v, l->n * sizeof(*rs->v));
	rs->n = (uint32_t)l->n;
	rs->cut = cut;
	rs->status = DNS_ST_OK;
	free(l->v);
	memset(l, 0, sizeof(*l));
	return 0;
}

/* One byte of a label, canonically: A-Z lowered, a-z 0-9 - _ as they are,
** anything else (a dot inside a label, backslash, quote, space, control and
** 8-bit bytes) as \DDD. */
static int host_byte(struct pbuf *out, unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		c = (unsigned char)(c - 'A' + 'a');
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
		return pbuf_add(out, &c, 1);
	return pbuf_addf(out, "\\%03u", c);
}

/* A host name in presentation form (as c-ares prints it, or as stored) to
** its canonical form: the escapes \DDD and \X decoded, then every label
** byte re-encoded by host_byte(), labels joined by dots, the trailing dot
** dropped, "." for the root. So two spellings of one name give one string.
** -1 on an empty label, a bad escape or when too long. */
static int canon_host(const char *in, struct pbuf *out)
{
	pbuf_reset(out);
	size_t n = strlen(in);
	if (n == 0 || (n == 1 && in[0] == '.'))
		return pbuf_adds(out, ".");
	size_t label = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '.') {
			if (label == 0)
				return -1;
			if (i + 1 == n)
				break; /* the trailing dot */
			if (pbuf_add(out, ".", 1) != 0)
				return -1;
			label = 0;
			continue;
		}
		if (c == '\\') {
			if (i + 1 >= n)
				return -1;
			if (in[i + 1] >= '0' && in[i + 1] <= '9') {
				unsigned v = 0;
				if (i + 3 >= n)
					return -1;
				for (size_t k = 1; k <= 3; k++) {
					if (in[i + k] < '0' || in[i + k] > '9')
						return -1;
					v = v * 10 + (unsigned)(in[i + k] - '0');
				}
				if (v > 255)
					return -1;
				c = (unsigned char)v;
				i += 3;
			} else {
				c = (unsigned char)in[++i];
			}
		}
		if (host_byte(out, c) != 0)
			return -1;
		label++;
	}
	return out->len < DNS_VALUE_MAX ? 0 : -1;
}

/* Bytes of a CAA tag (tag = true: [a-z0-9] literal, A-Z lowered, the rest
** \DDD) or value (printable ASCII literal but " and \ escaped, the rest
** \DDD). */
static int caa_escape(struct pbuf *b, const unsigned char *p, size_t n, bool tag)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		int rc;
		if (tag && c >= 'A' && c <= 'Z')
			rc = pbuf_add(b, &(char){ (char)(c - 'A' + 'a') }, 1);
		else if (tag ? ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			     : (c >= 0x20 && c < 0x7f && c != '"' && c != '\\'))
			rc = pbuf_add(b, &p[i], 1);
		else if (!tag && (c == '"' || c == '\\'))
			rc = pbuf_addf(b, "\\%c", c);
		else
			rc = pbuf_addf(b, "\\%03u", c);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* The inverse of caa_escape over s[0..n): \DDD (<= 255) and \X. -1 on a
** bad escape or an unescaped '"'. */
static int caa_unescape(const char *s, size_t n, struct pbuf *out)
{
	pbuf_reset(out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"')
			return -1;
		if (c == '\\') {
			if (i + 1 >= n)
				return -1;
			if (s[i + 1] >= '0' && s[i + 1] <= '9') {
				if (i + 3 >= n)
					return -1;
				unsigned v = 0;
				for (int k = 1; k <= 3; k++) {
					char d = s[i + (size_t)k];
					if (d < '0' || d > '9')
						return -1;
					v = v * 10 + (unsigned)(d - '0');
				}
				if (v > 255)
					return -1;
				c = (unsigned char)v;
				i += 3;
			} else {
				c = (unsigned char)s[++i];
			}
		}
		if (pbuf_add(out, &c, 1) != 0)
			return -1;
	}
	return 0;
}

static int caa_format(struct pbuf *b, int flags, const unsigned char *tag, size_t tlen,
		      const unsigned char *val, size_t vlen)
{
	pbuf_reset(b);
	if (pbuf_addf(b, "%d ", flags) != 0 || caa_escape(b, tag, tlen, true) != 0 ||
	    pbuf_adds(b, " \"") != 0 || caa_escape(b, val, vlen, false) != 0 ||
	    pbuf_adds(b, "\"") != 0)
		return -1;
	return 0;
}

/* Re-canonicalise a value of type t given as text (from JSON) into out.
** -1 when it is not a valid value of that type. */
static int canon_value(enum dns_type t, const char *s, struct pbuf *out)
{
	char buf[INET6_ADDRSTRLEN];
	pbuf_reset(out);
	switch (t) {
	case DNS_A: {
		struct in_addr a;
		if (inet_pton(AF_INET, s, &a) != 1 || !inet_ntop(AF_INET, &a, buf, sizeof(buf)))
			return -1;
		return pbuf_adds(out, buf);
	}
	case DNS_AAAA: {
		struct in6_addr a;
		if (inet_pton(AF_INET6, s, &a) != 1 || !inet_ntop(AF_INET6, &a, buf, sizeof(buf)))
			return -1;
		return pbuf_adds(out, buf);
	}
	case DNS_NS:
	case DNS_NS_PARENT:
		for (const char *p = s; *p; p++)
			if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
				return -1;
		return canon_host(s, out);
	case DNS_MX: {
		const char *host;
		long pref = mx_pref(s, &host);
		int64_t v;
		struct pstr ps = { s, (size_t)(host - s) - 1 };
		if (pref < 0 || pstr_to_i64(ps, 0, 65535, &v) != 0 || (ps.n > 1 && s[0] == '0'))
			return -1;
		for (const char *p = host; *p; p++)
			if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
				return -1;
		struct pbuf h;
		pbuf_init(&h, DNS_VALUE_MAX * 4);
		int rc = canon_host(host, &h);
		if (rc == 0)
			rc = pbuf_addf(out, "%ld %s", pref, h.ptr);
		pbuf_free(&h);
		return rc;
	}
	case DNS_CAA: {
		struct pstr all = pstr_c(s), fl, rest, tag, val;
		int64_t flags;
		if (!pstr_cut(all, ' ', &fl, &rest) || !pstr_cut(rest, ' ', &tag, &val) ||
		    pstr_to_i64(fl, 0, 255, &flags) != 0 || (fl.n > 1 && fl.p[0] == '0') ||
		    tag.n == 0 || val.n < 2 || val.p[0] != '"' || val.p[val.n - 1] != '"')
			return -1;
		struct pbuf tb, vb;
		pbuf_init(&tb, DNS_VALUE_MAX);
		pbuf_init(&vb, DNS_VALUE_MAX);
		int rc = -1;
		/* the closing quote must not be escaped: count the backslashes */
		size_t bs = 0;
		for (size_t i = val.n - 1; i > 1 && val.p[i - 1] == '\\'; i--)
			bs++;
		if (bs % 2 == 0 && caa_unescape(tag.p, tag.n, &tb) == 0 && tb.len > 0 &&
		    tb.len < 256 && caa_unescape(val.p + 1, val.n - 2, &vb) == 0)
			rc = caa_format(out, (int)flags, (const unsigned char *)tb.ptr, tb.len,
					(const unsigned char *)(vb.ptr ? vb.ptr : ""), vb.len);
		pbuf_free(&tb);
		pbuf_free(&vb);
		return rc;
	}
	default:
		return -1;
	}
}

/* ------------------------------------------------------------------ parsing */

static int get16(const unsigned char *p)
{
	return (p[0] << 8) | p[1];
}

/* Expand the name at off: its canonical text into out (may be NULL) and its
** encoded length. -1 when malformed or outside the packet. */
static int wire_name(const unsigned char *buf, size_t len, size_t off, struct pbuf *out,
		     size_t *enc)
{
	char *s = NULL;
	long el = 0;
	if (off >= len || ares_expand_name(buf + off, buf, (int)len, &s, &el) != ARES_SUCCESS)
		return -1;
	int rc = 0;
	if (el <= 0 || off + (size_t)el > len)
		rc = -1;
	else if (out)
		rc = canon_host(s, out);
	ares_free_string(s);
	*enc = (size_t)el;
	return rc;
}

/* Is name equal to anc or below it? Both canonical. */
static bool name_under(const char *name, const char *anc)
{
	size_t n = strlen(name), a = strlen(anc);
	if (strcmp(anc, ".") == 0)
		return false; /* an upward referral to the root delegates nothing */
	if (a > n)
		return false;
	if (strcmp(name + n - a, anc) != 0)
		return false;
	return a == n || name[n - a - 1] == '.';
}

/* NS records of a referral's authority section whose owner is qname or an
** ancestor, into l. off is the start of the answer section. */
static int authority_ns(const unsigned char *buf, size_t len, size_t off, const char *qname,
			struct vlist *l, const char **why)
{
	int an = get16(buf + 6), ns = get16(buf + 8);
	struct pbuf owner, target;
	pbuf_init(&owner, DNS_VALUE_MAX * 4);
	pbuf_init(&target, DNS_VALUE_MAX * 4);
	int rc = -1;
	*why = "truncated record";
	for (int i = 0; i < an + ns; i++) {
		size_t el;
		bool auth = i >= an;
		if (wire_name(buf, len, off, auth ? &owner : NULL, &el) != 0) {
			*why = "bad owner name";
			goto out;
		}
		off += el;
		if (off + 10 > len)
			goto out;
		int type = get16(buf + off), cls = get16(buf + off + 2);
		size_t rdlen = (size_t)get16(buf + off + 8);
		off += 10;
		if (off + rdlen > len)
			goto out;
		if (auth && type == 2 && cls == 1 && name_under(qname, owner.ptr)) {
			size_t tl;
			if (wire_name(buf, len, off, &target, &tl) != 0 || tl > rdlen) {
				*why = "bad NS name";
				goto out;
			}
			if (vl_add(l, target.ptr, target.len) != 0) {
				*why = "out of memory";
				goto out;
			}
		}
		off += rdlen;
	}
	rc = 0;
out:
	pbuf_free(&owner);
	pbuf_free(&target);
	return rc;
}

static int bad_reply(struct dns_rrset *rs, struct perr *e, const char *why)
{
	rrset_status(rs, DNS_ST_ERROR, "malformed reply: %s", why);
	return perr_set(e, strcmp(why, "out of memory") == 0 ? PERR_INTERNAL : PERR_INVALID,
			NULL, "malformed DNS reply: %s", why);
}

static const char *ares_why(int rc)
{
	return rc == ARES_ENOMEM ? "out of memory" : ares_strerror(rc);
}

int dns_parse_reply(enum dns_type t, const unsigned char *buf, size_t len,
		    struct dns_result *into, struct perr *e)
{
	if ((unsigned)t >= DNS_NTYPES || !into)
		return perr_set(e, PERR_INVALID, "type", "bad record type");
	struct dns_rrset *rs = &into->rr[t];
	struct vlist l = { 0 };
	struct pbuf qname, val;
	pbuf_init(&qname, DNS_VALUE_MAX * 4);
	pbuf_init(&val, DNS_VALUE_MAX * 4);
	const char *why = NULL;
	int rc = -1;

	if (!buf || len < 12)
		why = "shorter than a header";
	else if (len > 65535)
		why = "longer than 65535 bytes";
	else if (!(buf[2] & 0x80))
		why = "not a response";
	else if ((buf[2] >> 3 & 0x0f) != 0)
		why = "not a standard query";
	else if (get16(buf + 4) != 1)
		why = "not exactly one question";
	if (why)
		goto bad;
	size_t qlen;
	if (wire_name(buf, len, 12, &qname, &qlen) != 0 || 12 + qlen + 4 > len) {
		why = "bad question";
		goto bad;
	}
	if (get16(buf + 12 + qlen) != type_wire[t] || get16(buf + 12 + qlen + 2) != 1) {
		why = "question of another type or class";
		goto bad;
	}
	int rcode = buf[3] & 0x0f;
	switch (rcode) {
	case 0:
		break;
	case 2:
		rrset_status(rs, DNS_ST_SERVFAIL, "SERVFAIL");
		rc = 0;
		goto out;
	case 3:
		rrset_status(rs, DNS_ST_NXDOMAIN, "NXDOMAIN");
		rc = 0;
		goto out;
	case 5:
		rrset_status(rs, DNS_ST_REFUSED, "REFUSED");
		rc = 0;
		goto out;
	default:
		rrset_status(rs, DNS_ST_ERROR, "rcode %d", rcode);
		rc = 0;
		goto out;
	}

	int arc = ARES_SUCCESS;
	switch (t) {
	case DNS_A:
	case DNS_AAAA: {
		struct hostent *he = NULL;
		arc = t == DNS_A ? ares_parse_a_reply(buf, (int)len, &he, NULL, NULL)
				 : ares_parse_aaaa_reply(buf, (int)len, &he, NULL, NULL);
		if (arc != ARES_SUCCESS)
			break;
		int fam = t == DNS_A ? AF_INET : AF_INET6;
		char a[INET6_ADDRSTRLEN];
		for (char **p = he->h_addr_list; he->h_addrtype == fam && p && *p; p++)
			if (inet_ntop(fam, *p, a, sizeof(a)) && vl_add(&l, a, strlen(a)) != 0) {
				arc = ARES_ENOMEM;
				break;
			}
		ares_free_hostent(he);
		break;
	}
	case DNS_NS:
	case DNS_NS_PARENT: {
		struct hostent *he = NULL;
		arc = ares_parse_ns_reply(buf, (int)len, &he);
		if (arc == ARES_SUCCESS) {
			for (char **p = he->h_aliases; p && *p; p++) {
				if (canon_host(*p, &val) != 0) {
					l.cut = true; /* too long */
					continue;
				}
				if (vl_add(&l, val.ptr, val.len) != 0) {
					arc = ARES_ENOMEM;
					break;
				}
			}
			ares_free_hostent(he);
		} else if (arc == ARES_ENODATA && t == DNS_NS_PARENT && !(buf[2] & 0x04)) {
			/* No answer, not authoritative: a referral, NS in the authority
			** section. (With AA set, authority NS are the zone's own.) */
			if (authority_ns(buf, len, 12 + qlen + 4, qname.ptr, &l, &why) != 0)
				goto bad;
			arc = l.n == 0 && !l.cut ? ARES_ENODATA : ARES_SUCCESS;
		}
		break;
	}
	case DNS_MX: {
		struct ares_mx_reply *mx = NULL;
		arc = ares_parse_mx_reply(buf, (int)len, &mx);
		if (arc != ARES_SUCCESS)
			break;
		for (struct ares_mx_reply *m = mx; m; m = m->next) {
			if (canon_host(m->host, &val) != 0) {
				l.cut = true;
				continue;
			}
			char pre[8];
			int pn = snprintf(pre, sizeof(pre), "%u ", (unsigned)m->priority);
			struct pbuf mv;
			pbuf_init(&mv, DNS_VALUE_MAX * 4);
			int ok = pbuf_add(&mv, pre, (size_t)pn) == 0 &&
				 pbuf_add(&mv, val.ptr, val.len) == 0 &&
				 vl_add(&l, mv.ptr, mv.len) == 0;
			pbuf_free(&mv);
			if (!ok) {
				arc = ARES_ENOMEM;
				break;
			}
		}
		ares_free_data(mx);
		break;
	}
	case DNS_CAA: {
		struct ares_caa_reply *caa = NULL;
		arc = ares_parse_caa_reply(buf, (int)len, &caa);
		if (arc != ARES_SUCCESS)
			break;
		for (struct ares_caa_reply *c = caa; c; c = c->next) {
			if (caa_format(&val, c->critical & 0xff, c->property, c->plength, c->value,
				       c->length) != 0) {
				l.cut = true; /* longer than the buffer allows */
				continue;
			}
			if (vl_add(&l, val.ptr, val.len) != 0) {
				arc = ARES_ENOMEM;
				break;
			}
		}
		ares_free_data(caa);
		break;
	}
	default:
		break;
	}
	if (arc == ARES_ENODATA) {
		rrset_status(rs, DNS_ST_NODATA, "no %s record", type_names[t]);
		rc = 0;
		goto out;
	}
	if (arc != ARES_SUCCESS) {
		why = ares_why(arc);
		goto bad;
	}
	if (rrset_take(rs, t, &l) != 0) {
		why = "out of memory";
		goto bad;
	}
	if (buf[2] & 0x02)
		rs->cut = true; /* TC: the server left records out */
	rc = 0;
	goto out;
bad:
	rc = bad_reply(rs, e, why);
out:
	vl_free(&l);
	pbuf_free(&qname);
	pbuf_free(&val);
	return rc;
}

/* --------------------------------------------------------------------- JSON */

static int rrset_json(const struct dns_rrset *rs, json_t **out)
{
	json_t *o = json_object(), *vals = json_array();
	int rc = -1;
	if (!o || !vals)
		goto out;
	if (rs->cut && json_object_set_new(o, "cut", json_true()) != 0)
		goto out;
	if (rs->text[0] && json_object_set_new(o, "detail", json_string(rs->text)) != 0)
		goto out;
	if (json_object_set_new(o, "status", json_string(status_names[rs->status])) != 0)
		goto out;
	for (uint32_t i = 0; i < rs->n; i++)
		if (json_array_append_new(vals, json_string(rs->v[i])) != 0)
			goto out;
	if (json_object_set(o, "values", vals) != 0)
		goto out;
	*out = o;
	o = NULL;
	rc = 0;
out:
	json_decref(vals);
	json_decref(o);
	return rc;
}

int dns_result_json(const struct dns_result *r, json_t **out, struct perr *e)
{
	/* keys in sorted order: a aaaa caa mx name ns ns_parent */
	static const int order[] = { DNS_A, DNS_AAAA, DNS_CAA, DNS_MX, -1, DNS_NS, DNS_NS_PARENT };
	*out = NULL;
	json_t *o = json_object();
	if (!o)
		return perr_set(e, PERR_INTERNAL, NULL, "out of memory");
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		int t = order[i];
		json_t *v = NULL;
		if (t < 0) {
			v = json_string(r->name);
			if (!v || json_object_set_new(o, "name", v) != 0)
				goto oom;
			continue;
		}
		if (r->rr[t].status == DNS_ST_NONE)
			continue;
		if ((unsigned)r->rr[t].status >= DNS_ST_COUNT || rrset_json(&r->rr[t], &v) != 0 ||
		    json_object_set_new(o, type_names[t], v) != 0)
			goto oom;
	}
	*out = o;
	return 0;
oom:
	json_decref(o);
	return perr_set(e, PERR_INTERNAL, NULL, "out of memory or bad status");
}

static int rrset_from_json(enum dns_type t, const json_t *j, struct dns_rrset *rs,
			   struct perr *e)
{
	const char *f = type_names[t];
	struct vlist l = { 0 };
	struct pbuf v;
	pbuf_init(&v, DNS_VALUE_MAX * 4);
	int rc = -1;
	if (!json_is_object(j)) {
		perr_set(e, PERR_INVALID, f, "%s: not an object", f);
		goto out;
	}
	const char *key;
	json_t *x;
	json_object_foreach((json_t *)j, key, x)
	{
		if (strcmp(key, "cut") && strcmp(key, "detail") && strcmp(key, "status") &&
		    strcmp(key, "values")) {
			perr_set(e, PERR_INVALID, f, "%s: unknown key %.40s", f, key);
			goto out;
		}
	}
	int st = dns_status_from_name(json_string_value(json_object_get(j, "status")));
	if (st <= DNS_ST_NONE) {
		perr_set(e, PERR_INVALID, f, "%s: bad status", f);
		goto out;
	}
	const json_t *cut = json_object_get(j, "cut"), *det = json_object_get(j, "detail");
	const json_t *vals = json_object_get(j, "values");
	if ((cut && !json_is_boolean(cut)) || (det && !json_is_string(det)) ||
	    (vals && !json_is_array(vals)) || (vals && json_array_size(vals) > DNS_RR_MAX)) {
		perr_set(e, PERR_INVALID, f, "%s: bad cut, detail or values", f);
		goto out;
	}
	const char *ds = det ? json_string_value(det) : "";
	if (strlen(ds) >= DNS_TEXT_MAX || !utf8_valid(ds, strlen(ds))) {
		perr_set(e, PERR_INVALID, f, "%s: detail too long", f);
		goto out;
	}
	size_t i;
	json_t *s;
	json_array_foreach(vals, i, s)
	{
		if (!json_is_string(s) || canon_value(t, json_string_value(s), &v) != 0 ||
		    v.len >= DNS_VALUE_MAX) {
			perr_set(e, PERR_INVALID, f, "%s: bad value #%zu", f, i);
			goto out;
		}
		if (vl_add(&l, v.ptr, v.len) != 0) {
			perr_set(e, PERR_INTERNAL, f, "out of memory");
			goto out;
		}
	}
	if ((st == DNS_ST_OK) != (l.n > 0)) {
		perr_set(e, PERR_INVALID, f, "%s: values do not match status", f);
		goto out;
	}
	if (st == DNS_ST_OK) {
		if (rrset_take(rs, t, &l) != 0) {
			perr_set(e, PERR_INTERNAL, f, "out of memory");
			goto out;
		}
	} else {
		rrset_clear(rs);
		rs->status = (enum dns_status)st;
	}
	rs->cut = rs->cut || json_is_true(cut);
	pstrtrunc(rs->text, ds, sizeof(rs->text)); /* a summary for humans */
	rc = 0;
out:
	vl_free(&l);
	pbuf_free(&v);
	return rc;
}

int dns_result_from_json(const json_t *j, struct dns_result *out, struct perr *e)
{
	dns_result_init(out, NULL);
	if (!json_is_object(j))
		return perr_set(e, PERR_INVALID, NULL, "DNS result: not an object");
	if (dns_name_canon(json_string_value(json_object_get(j, "name")), out->name) != 0)
		return perr_set(e, PERR_INVALID, "name", "DNS result: bad name");
	const char *key;
	json_t *x;
	json_object_foreach((json_t *)j, key, x)
	{
		if (strcmp(key, "name") == 0)
			continue;
		int t = dns_type_from_name(key);
		if (t < 0)
			return perr_set(e, PERR_INVALID, NULL, "DNS result: unknown key %.40s", key);
		if (rrset_from_json((enum dns_type)t, x, &out->rr[t], e) != 0)
			return -1;
	}
	return 0;
}

/* --------------------------------------------------------------------- diff */

size_t dns_diff(const struct dns_result *expected, const struct dns_result *observed,
		struct dns_diff *d)
{
	memset(d, 0, sizeof(*d));
	for (int t = 0; t < DNS_NTYPES; t++) {
		const struct dns_rrset *x = &expected->rr[t], *y = &observed->rr[t];
		if (x->status == DNS_ST_NONE || y->status == DNS_ST_NONE ||
		    x->status == DNS_ST_TIMEOUT || y->status == DNS_ST_TIMEOUT)
			continue;
		struct dns_change *c = &d->ch[d->n];
		memset(c, 0, sizeof(*c));
		uint32_t i = 0, k = 0;
		while (i < x->n || k < y->n) {
			int cmp = i >= x->n ? 1 : k >= y->n ? -1 : val_cmp((enum dns_type)t, x->v[i], y->v[k]);
			if (cmp == 0 && strcmp(x->v[i], y->v[k]) != 0)
				cmp = strcmp(x->v[i], y->v[k]);
			if (cmp < 0) {
				if (c->nremoved < DNS_RR_MAX)
					c->removed[c->nremoved++] = x->v[i];
				i++;
			} else if (cmp > 0) {
				if (c->nadded < DNS_RR_MAX)
					c->added[c->nadded++] = y->v[k];
				k++;
			} else {
				i++;
				k++;
			}
		}
		if (x->status == y->status && c->nadded == 0 && c->nremoved == 0)
			continue;
		c->type = (enum dns_type)t;
		c->was = x->status;
		c->now = y->status;
		c->cut = x->cut || y->cut;
		d->n++;
	}
	return d->n;
}

static json_t *str_array(const char *const *v, uint32_t n)
{
	json_t *a = json_array();
	for (uint32_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(v[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *dns_diff_json(const struct dns_diff *d)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < d->n; i++) {
		const struct dns_change *c = &d->ch[i];
		json_t *o = json_object();
		if (!o || json_array_append_new(arr, o) != 0 ||
		    json_object_set_new(o, "added", str_array(c->added, c->nadded)) != 0 ||
		    (c->cut && json_object_set_new(o, "cut", json_true()) != 0) ||
		    json_object_set_new(o, "now", json_string(status_names[c->now])) != 0 ||
		    json_object_set_new(o, "removed", str_array(c->removed, c->nremoved)) != 0 ||
		    json_object_set_new(o, "type", json_string(type_names[c->type])) != 0 ||
		    json_object_set_new(o, "was", json_string(status_names[c->was])) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* ---------------------------------------------------------------- resolving */

enum job_kind {
	J_MAIN,    /* name, type: to the resolver */
	J_PZ_NS,   /* pz: the parent zone's NS set, to the resolver */
	J_PZ_ADDR, /* pz, host, type A/AAAA: a parent server's address */
	J_PARENT,  /* name, pz: NS name, to the parent zone's servers */
};

struct job {
	uint32_t name, pz;
	uint16_t host;
	uint8_t kind, type;
};

enum pz_state { PZ_NEW, PZ_NS, PZ_ADDR, PZ_READY, PZ_FAILED, PZ_GONE };

/* A parent zone, shared by the names under it. */
struct pzone {
	const char *zone; /* the zone asked for: a suffix of a result's name */
	enum pz_state state;
	ares_channel ch;
	char *hosts[DNS_SERVERS_MAX];
	uint32_t nhosts;
	struct ares_addr_port_node addr[2 * DNS_SERVERS_MAX];
	uint32_t naddr;
	uint32_t pending;      /* address lookups out */
	bool addr_answered;    /* one of them got an answer */
	uint32_t remaining;    /* names whose NS_PARENT is not settled */
	uint32_t answered, noanswer;
	uint32_t walk;
	uint32_t wait_head;    /* names waiting for READY, through next_wait */
	enum dns_status fail_st;
	char fail_text[DNS_TEXT_MAX];
};

struct batch {
	struct dns_result *out;
	size_t n;
	unsigned types;
	int timeout_ms, tries, auth_port, cap;
	ares_channel main;
	uint32_t main_answered, main_noanswer;
	uint32_t *pz_of, *order, *next_wait, *live;
	size_t nlive;
	struct pzone *pz;
	size_t npz;
	struct job *fifo;
	size_t fhead, ftail, fcap;
	size_t cur_k;
	int cur_t;
	size_t unsettled;
	int inflight;
	bool stopping, stalled;
};

struct qctx {
	struct batch *b;
	struct job j;
};

static pthread_once_t ares_once = PTHREAD_ONCE_INIT;
static int ares_init_rc = -1;

static void ares_lib_init(void)
{
	ares_init_rc = ares_library_init(ARES_LIB_INIT_ALL);
}

static enum dns_status map_ares(int st, const char **text)
{
	switch (st) {
	case ARES_ENODATA:
		*text = "no record";
		return DNS_ST_NODATA;
	case ARES_ENOTFOUND:
		*text = "NXDOMAIN";
		return DNS_ST_NXDOMAIN;
	case ARES_ETIMEOUT:
		*text = "timeout";
		return DNS_ST_TIMEOUT;
	case ARES_ECONNREFUSED:
		*text = "no answer (connection refused)";
		return DNS_ST_TIMEOUT;
	case ARES_ECANCELLED:
	case ARES_EDESTRUCTION:
		*text = "deadline reached";
		return DNS_ST_TIMEOUT;
	case ARES_ESERVFAIL:
		*text = "SERVFAIL";
		return DNS_ST_SERVFAIL;
	case ARES_EREFUSED:
		*text = "REFUSED";
		return DNS_ST_REFUSED;
	default:
		*text = ares_strerror(st);
		return DNS_ST_ERROR;
	}
}

static bool no_answer(int st, const unsigned char *abuf)
{
	return !abuf && (st == ARES_ETIMEOUT || st == ARES_ECONNREFUSED);
}

static void pz_name_done(struct batch *b, uint32_t i)
{
	uint32_t p = b->pz_of[i];
	if (p != NO_PZ && b->pz[p].remaining > 0)
		b->pz[p].remaining--;
}

/* Settle (name, type) with a status, once. */
static void settle(struct batch *b, uint32_t i, int t, enum dns_status st, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void settle(struct batch *b, uint32_t i, int t, enum dns_status st, const char *fmt, ...)
{
	struct dns_rrset *rs = &b->out[i].rr[t];
	if (rs->status != DNS_ST_NONE)
		return;
	rrset_clear(rs);
	rs->status = st;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rs->text, sizeof(rs->text), fmt, ap);
	va_end(ap);
	b->unsettled--;
	if (t == DNS_NS_PARENT)
		pz_name_done(b, i);
}

/* Settle (name, type) from a reply (abuf) or a c-ares status. */
static void settle_reply(struct batch *b, uint32_t i, int t, int st, const unsigned char *abuf,
			 int alen)
{
	struct dns_rrset *rs = &b->out[i].rr[t];
	if (rs->status != DNS_ST_NONE)
		return;
	if (abuf && alen > 0) {
		struct perr e;
		dns_parse_reply((enum dns_type)t, abuf, (size_t)alen, &b->out[i], &e);
		if (rs->status == DNS_ST_NONE)
			rs->status = DNS_ST_ERROR;
		b->unsettled--;
		if (t == DNS_NS_PARENT)
			pz_name_done(b, i);
		return;
	}
	const char *text;
	enum dns_status s = map_ares(st, &text);
	settle(b, i, t, s, "%s", text);
}

static int fifo_push(struct batch *b, struct job j)
{
	if (b->ftail == b->fcap) {
		if (b->fhead > 0) {
			memmove(b->fifo, b->fifo + b->fhead, (b->ftail - b->fhead) * sizeof(*b->fifo));
			b->ftail -= b->fhead;
			b->fhead = 0;
		}
		if (b->ftail == b->fcap) {
			size_t nc = b->fcap ? b->fcap * 2 : 64;
			struct job *nf = realloc(b->fifo, nc * sizeof(*nf));
			if (!nf)
				return -1;
			b->fifo = nf;
			b->fcap = nc;
		}
	}
	b->fifo[b->ftail++] = j;
	return 0;
}

static void pz_fail(struct batch *b, uint32_t p, enum dns_status st, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The parent zone cannot be asked: every name waiting for it, and every
** one that comes later, gets st. */
static void pz_fail(struct batch *b, uint32_t p, enum dns_status st, const char *fmt, ...)
{
	struct pzone *z = &b->pz[p];
	z->state = PZ_FAILED;
	z->fail_st = st;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(z->fail_text, sizeof(z->fail_text), fmt, ap);
	va_end(ap);
	for (uint32_t i = z->wait_head; i != NO_PZ; i = b->next_wait[i])
		settle(b, i, DNS_NS_PARENT, st, "%s", z->fail_text);
	z->wait_head = NO_PZ;
}

static int addr_cmp(const void *x, const void *y)
{
	const struct ares_addr_port_node *a = x, *c = y;
	if (a->family != c->family)
		return a->family == AF_INET ? -1 : 1;
	return a->family == AF_INET ? memcmp(&a->addr.addr4, &c->addr.addr4, 4)
				    : memcmp(&a->addr.addr6, &c->addr.addr6, 16);
}

/* All addresses of the zone's servers are in: open its channel and queue
** the names waiting for it. */
static void pz_ready(struct batch *b, uint32_t p)
{
	struct pzone *z = &b->pz[p];
	if (z->naddr == 0) {
		if (!z->addr_answered)
			pz_fail(b, p, DNS_ST_TIMEOUT, "parent zone %s: no answer for its servers' addresses",
				z->zone);
		else
			pz_fail(b, p, DNS_ST_ERROR, "parent zone %s: no address for its servers", z->zone);
		return;
	}
	qsort(z->addr, z->naddr, sizeof(z->addr[0]), addr_cmp);
	uint32_t k = 0;
	for (uint32_t i = 0; i < z->naddr; i++)
		if (k == 0 || addr_cmp(&z->addr[k - 1], &z->addr[i]) != 0)
			z->addr[k++] = z->addr[i];
	z->naddr = k > DNS_SERVERS_MAX ? DNS_SERVERS_MAX : k;
	for (uint32_t i = 0; i < z->naddr; i++) {
		z->addr[i].udp_port = z->addr[i].tcp_port = b->auth_port;
		z->addr[i].next = i + 1 < z->naddr ? &z->addr[i + 1] : NULL;
	}
	struct ares_options ao;
	memset(&ao, 0, sizeof(ao));
	ao.flags = ARES_FLAG_NORECURSE | ARES_FLAG_NOSEARCH | ARES_FLAG_NOCHECKRESP;
	ao.timeout = b->timeout_ms;
	ao.tries = b->tries;
	ao.socket_receive_buffer_size = DNS_RCVBUF;
	int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_NOROTATE |
		   ARES_OPT_SOCK_RCVBUF;
	int rc = ares_init_options(&z->ch, &ao, mask);
	if (rc == ARES_SUCCESS && (rc = ares_set_servers_ports(z->ch, &z->addr[0])) != ARES_SUCCESS) {
		ares_destroy(z->ch);
		z->ch = NULL;
	}
	if (rc != ARES_SUCCESS) {
		z->ch = NULL;
		pz_fail(b, p, DNS_ST_ERROR, "parent zone %s: %s", z->zone, ares_strerror(rc));
		return;
	}
	z->state = PZ_READY;
	for (uint32_t i = z->wait_head; i != NO_PZ; i = b->next_wait[i])
		if (fifo_push(b, (struct job){ .name = i, .pz = p, .kind = J_PARENT }) != 0)
			settle(b, i, DNS_NS_PARENT, DNS_ST_ERROR, "out of memory");
	z->wait_head = NO_PZ;
}

static void on_pz_ns(struct batch *b, uint32_t p, int st, const unsigned char *abuf, int alen)
{
	struct pzone *z = &b->pz[p];
	if (z->state != PZ_NS)
		return;
	struct dns_result tmp;
	dns_result_init(&tmp, z->zone);
	struct dns_rrset *rs = &tmp.rr[DNS_NS];
	struct perr e;
	const char *text = NULL;
	if (abuf && alen > 0)
		dns_parse_reply(DNS_NS, abuf, (size_t)alen, &tmp, &e);
	else
		rs->status = map_ares(st, &text);
	if (!text)
		text = rs->text;
	if (rs->status == DNS_ST_OK) {
		for (uint32_t i = 0; i < rs->n && z->nhosts < DNS_SERVERS_MAX; i++)
			if (strcmp(rs->v[i], ".") != 0) {
				z->hosts[z->nhosts] = rs->v[i];
				rs->v[i] = NULL; /* moved */
				z->nhosts++;
			}
		for (uint32_t i = 0; i < rs->n; i++)
			free(rs->v[i]);
		rs->n = 0;
		if (z->nhosts == 0) {
			pz_fail(b, p, DNS_ST_ERROR, "parent zone %s: no usable NS", z->zone);
		} else {
			z->state = PZ_ADDR;
			for (uint32_t h = 0; h < z->nhosts; h++)
				for (int t = DNS_A; t <= DNS_AAAA; t++) {
					if (fifo_push(b, (struct job){ .pz = p, .host = (uint16_t)h,
								       .kind = J_PZ_ADDR,
								       .type = (uint8_t)t }) == 0)
						z->pending++;
				}
			if (z->pending == 0)
				pz_fail(b, p, DNS_ST_ERROR, "out of memory");
		}
	} else if (rs->status == DNS_ST_NODATA && z->walk < PZ_WALK_MAX && strchr(z->zone, '.')) {
		/* not a zone apex: the zone is further up */
		z->zone = strchr(z->zone, '.') + 1;
		z->walk++;
		if (fifo_push(b, (struct job){ .pz = p, .kind = J_PZ_NS }) != 0)
			pz_fail(b, p, DNS_ST_ERROR, "out of memory");
	} else if (rs->status == DNS_ST_NODATA) {
		pz_fail(b, p, DNS_ST_ERROR, "no parent zone found up to %s", z->zone);
	} else {
		pz_fail(b, p, rs->status, "parent zone %s: %s", z->zone, text);
	}
	dns_result_free(&tmp);
}

static void on_pz_addr(struct batch *b, const struct job *j, int st, const unsigned char *abuf,
		       int alen)
{
	struct pzone *z = &b->pz[j->pz];
	if (z->state != PZ_ADDR)
		return;
	if (abuf && alen > 0) {
		struct dns_result tmp;
		struct perr e;
		dns_result_init(&tmp, NULL);
		z->addr_answered = true;
		if (dns_parse_reply((enum dns_type)j->type, abuf, (size_t)alen, &tmp, &e) == 0) {
			const struct dns_rrset *rs = &tmp.rr[j->type];
			for (uint32_t i = 0; i < rs->n && z->naddr < 2 * DNS_SERVERS_MAX; i++) {
				struct ares_addr_port_node *a = &z->addr[z->naddr];
				memset(a, 0, sizeof(*a));
				a->family = j->type == DNS_A ? AF_INET : AF_INET6;
				if (inet_pton(a->family, rs->v[i], &a->addr) == 1)
					z->naddr++;
			}
		}
		dns_result_free(&tmp);
	} else if (!no_answer(st, abuf)) {
		z->addr_answered = true;
	}
	if (--z->pending == 0)
		pz_ready(b, j->pz);
}

/* The one callback of every query. */
static void on_reply(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	(void)timeouts;
	struct qctx *c = arg;
	struct batch *b = c->b;
	struct job j = c->j;
	free(c);
	b->inflight--;
	if (b->stopping)
		return;
	bool none = no_answer(status, abuf);
	switch (j.kind) {
	case J_MAIN:
	case J_PZ_NS:
	case J_PZ_ADDR:
		if (none)
			b->main_noanswer++;
		else if (status != ARES_ECANCELLED && status != ARES_EDESTRUCTION)
			b->main_answered++;
		break;
	case J_PARENT:
		if (none)
			b->pz[j.pz].noanswer++;
		else if (status != ARES_ECANCELLED && status != ARES_EDESTRUCTION)
			b->pz[j.pz].answered++;
		break;
	}
	switch (j.kind) {
	case J_MAIN:
		settle_reply(b, j.name, j.type, status, abuf, alen);
		break;
	case J_PZ_NS:
		on_pz_ns(b, j.pz, status, abuf, alen);
		break;
	case J_PZ_ADDR:
		on_pz_addr(b, &j, status, abuf, alen);
		break;
	case J_PARENT:
		settle_reply(b, j.name, DNS_NS_PARENT, status, abuf, alen);
		break;
	}
}

static bool main_dead(const struct batch *b)
{
	return b->main_answered == 0 && b->main_noanswer >= BREAKER_MAIN;
}

/* Send one job's query, or settle it at once when its server is known
** dead or memory is short. */
static void launch(struct batch *b, const struct job *j)
{
	ares_channel ch = b->main;
	const char *qname = NULL;
	int qtype = 0;
	struct pzone *z = j->kind == J_MAIN ? NULL : &b->pz[j->pz];
	switch (j->kind) {
	case J_MAIN:
		qname = b->out[j->name].name;
		qtype = type_wire[j->type];
		if (main_dead(b)) {
			settle(b, j->name, j->type, DNS_ST_TIMEOUT, "no answer (resolver not answering)");
			return;
		}
		break;
	case J_PZ_NS:
		qname = z->zone;
		qtype = 2;
		if (main_dead(b)) {
			pz_fail(b, j->pz, DNS_ST_TIMEOUT, "no answer (resolver not answering)");
			return;
		}
		break;
	case J_PZ_ADDR:
		if (main_dead(b) || z->state != PZ_ADDR) {
			if (z->state == PZ_ADDR && --z->pending == 0)
				pz_ready(b, j->pz);
			return;
		}
		qname = z->hosts[j->host];
		qtype = type_wire[j->type];
		break;
	case J_PARENT:
		qname = b->out[j->name].name;
		qtype = 2;
		ch = z->ch;
		if (z->answered == 0 && z->noanswer >= BREAKER_PZ) {
			settle(b, j->name, DNS_NS_PARENT, DNS_ST_TIMEOUT,
			       "no answer (parent zone %s servers not answering)", z->zone);
			return;
		}
		break;
	default:
		return;
	}
	struct qctx *c = malloc(sizeof(*c));
	if (!c) {
		if (j->kind == J_MAIN || j->kind == J_PARENT)
			settle(b, j->name, j->kind == J_MAIN ? j->type : DNS_NS_PARENT, DNS_ST_ERROR,
			       "out of memory");
		else if (j->kind == J_PZ_NS)
			pz_fail(b, j->pz, DNS_ST_ERROR, "out of memory");
		else if (--z->pending == 0)
			pz_ready(b, j->pz);
		return;
	}
	c->b = b;
	c->j = *j;
	b->inflight++;
	ares_query(ch, qname, 1 /* IN */, qtype, on_reply, c);
}

/* Advance the cursor over (name, type) by one step. Returns 1 on progress,
** 0 when it is at the end, -1 when it waits for a parent-zone slot. */
static int advance(struct batch *b)
{
	while (b->cur_k < b->n) {
		while (b->cur_t < DNS_NTYPES && !(b->types & DNS_BIT(b->cur_t)))
			b->cur_t++;
		if (b->cur_t >= DNS_NTYPES) {
			b->cur_k++;
			b->cur_t = 0;
			continue;
		}
		uint32_t i = b->order[b->cur_k];
		int t = b->cur_t;
		if (b->out[i].rr[t].status != DNS_ST_NONE) {
			b->cur_t++;
			continue;
		}
		if (t != DNS_NS_PARENT) {
			launch(b, &(struct job){ .name = i, .kind = J_MAIN, .type = (uint8_t)t });
			b->cur_t++;
			return 1;
		}
		uint32_t p = b->pz_of[i];
		if (p == NO_PZ) { /* cannot happen: such names are settled up front */
			settle(b, i, t, DNS_ST_ERROR, "no parent zone");
			b->cur_t++;
			return 1;
		}
		struct pzone *z = &b->pz[p];
		switch (z->state) {
		case PZ_NEW:
			if (b->nlive >= PZ_LIVE_MAX)
				return -1;
			if (fifo_push(b, (struct job){ .pz = p, .kind = J_PZ_NS }) != 0) {
				settle(b, i, t, DNS_ST_ERROR, "out of memory");
				break;
			}
			b->live[b->nlive++] = p;
			z->state = PZ_NS;
			/* fall through */
		case PZ_NS:
		case PZ_ADDR:
			b->next_wait[i] = z->wait_head;
			z->wait_head = i;
			break;
		case PZ_READY:
			launch(b, &(struct job){ .name = i, .pz = p, .kind = J_PARENT });
			break;
		case PZ_FAILED:
		case PZ_GONE:
			settle(b, i, t, z->fail_st ? z->fail_st : DNS_ST_ERROR, "%s",
			       z->fail_text[0] ? z->fail_text : "parent zone unavailable");
			break;
		}
		b->cur_t++;
		return 1;
	}
	return 0;
}

static void pump(struct batch *b)
{
	while (!b->stopping && b->inflight < b->cap) {
		if (b->fhead < b->ftail) {
			struct job j = b->fifo[b->fhead++];
			launch(b, &j);
			continue;
		}
		if (advance(b) <= 0)
			break;
	}
}

/* Close the channels of parent zones none of whose names is still open. */
static void reap(struct batch *b)
{
	size_t k = 0;
	for (size_t i = 0; i < b->nlive; i++) {
		struct pzone *z = &b->pz[b->live[i]];
		if (z->remaining > 0) {
			b->live[k++] = b->live[i];
			continue;
		}
		if (z->ch)
			ares_destroy(z->ch);
		z->ch = NULL;
		for (uint32_t h = 0; h < z->nhosts; h++)
			free(z->hosts[h]);
		z->nhosts = 0;
		if (z->state != PZ_FAILED)
			z->state = PZ_GONE;
	}
	b->nlive = k;
}

struct keyed {
	const char *key;
	uint32_t idx;
};

static int keyed_cmp(const void *x, const void *y)
{
	const struct keyed *a = x, *c = y;
	if (!a->key || !c->key) {
		if (a->key != c->key)
			return a->key ? 1 : -1;
	} else {
		int r = strcmp(a->key, c->key);
		if (r)
			return r;
	}
	return a->idx < c->idx ? -1 : a->idx > c->idx;
}

/* Results initialised, names checked, parent zones found, visiting order
** set. */
static int batch_prepare(struct batch *b, const char *const *names, struct perr *e)
{
	struct keyed *k = NULL;
	int rc = -1;
	b->order = calloc(b->n, sizeof(*b->order));
	b->pz_of = calloc(b->n, sizeof(*b->pz_of));
	b->next_wait = calloc(b->n, sizeof(*b->next_wait));
	k = calloc(b->n, sizeof(*k));
	if (!b->order || !b->pz_of || !b->next_wait || !k) {
		perr_set(e, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < b->n; i++) {
		struct dns_result *r = &b->out[i];
		b->pz_of[i] = NO_PZ;
		b->next_wait[i] = NO_PZ;
		k[i].idx = (uint32_t)i;
		for (int t = 0; t < DNS_NTYPES; t++)
			if (b->types & DNS_BIT(t))
				b->unsettled++;
		if (dns_name_canon(names[i], r->name) != 0) {
			/* keep what can be shown of it: printable ASCII, '?' for the rest */
			dns_result_init(r, names[i]);
			for (char *c = r->name; *c; c++)
				if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
					*c = '?';
			for (int t = 0; t < DNS_NTYPES; t++)
				if (b->types & DNS_BIT(t))
					settle(b, (uint32_t)i, t, DNS_ST_ERROR, "invalid name");
			continue;
		}
		if (!(b->types & DNS_BIT(DNS_NS_PARENT)))
			continue;
		const char *dot = strchr(r->name, '.');
		if (!dot) {
			settle(b, (uint32_t)i, DNS_NS_PARENT, DNS_ST_ERROR, "no parent zone");
			continue;
		}
		k[i].key = dot + 1;
	}
	qsort(k, b->n, sizeof(*k), keyed_cmp);
	size_t npz = 0;
	for (size_t i = 0; i < b->n; i++)
		if (k[i].key && (i == 0 || !k[i - 1].key || strcmp(k[i - 1].key, k[i].key) != 0))
			npz++;
	b->pz = calloc(npz ? npz : 1, sizeof(*b->pz));
	b->live = calloc(PZ_LIVE_MAX, sizeof(*b->live));
	if (!b->pz || !b->live) {
		perr_set(e, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < b->n; i++) {
		b->order[i] = k[i].idx;
		if (!k[i].key)
			continue;
		if (i == 0 || !k[i - 1].key || strcmp(k[i - 1].key, k[i].key) != 0) {
			struct pzone *z = &b->pz[b->npz++];
			z->zone = k[i].key;
			z->wait_head = NO_PZ;
		}
		b->pz_of[k[i].idx] = (uint32_t)(b->npz - 1);
		b->pz[b->npz - 1].remaining++;
	}
	rc = 0;
out:
	free(k);
	return rc;
}

static int check_opts(const struct dns_opts *o, struct perr *e)
{
	if (o->timeout_ms < 0 || o->timeout_ms > 60000)
		return perr_set(e, PERR_INVALID, "timeout_ms", "timeout_ms must be 0..60000");
	if (o->tries < 0 || o->tries > 10)
		return perr_set(e, PERR_INVALID, "tries", "tries must be 0..10");
	if (o->auth_port < 0 || o->auth_port > 65535)
		return perr_set(e, PERR_INVALID, "auth_port", "auth_port must be 0..65535");
	if (o->max_inflight < 0 || o->max_inflight > DNS_INFLIGHT_MAX)
		return perr_set(e, PERR_INVALID, "max_inflight", "max_inflight must be 0..%d",
				DNS_INFLIGHT_MAX);
	if (o->deadline_ms < 0 || o->deadline_ms > 3600000)
		return perr_set(e, PERR_INVALID, "deadline_ms", "deadline_ms must be 0..3600000");
	if (o->servers && o->servers[0]) {
		size_t n = 1;
		if (strlen(o->servers) > 1024)
			return perr_set(e, PERR_INVALID, "servers", "servers string too long");
		for (const char *p = o->servers; *p; p++)
			n += *p == ',';
		if (n > DNS_SERVERS_MAX)
			return perr_set(e, PERR_INVALID, "servers", "at most %d servers",
					DNS_SERVERS_MAX);
	}
	return 0;
}

/* Sockets of one channel into fds (at most ARES_GETSOCK_MAXNUM). */
static size_t channel_fds(ares_channel ch, struct pollfd *fds, ares_channel *owner)
{
	ares_socket_t s[ARES_GETSOCK_MAXNUM];
	/* unsigned: c-ares' ARES_GETSOCK_WRITABLE() shifts 1 into the sign bit */
	unsigned bits = (unsigned)ares_getsock(ch, s, ARES_GETSOCK_MAXNUM);
	size_t n = 0;
	for (unsigned i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
		short ev = 0;
		if (bits & (1u << i))
			ev |= POLLIN;
		if (bits & (1u << (i + ARES_GETSOCK_MAXNUM)))
			ev |= POLLOUT;
		if (!ev)
			continue;
		fds[n].fd = s[i];
		fds[n].events = ev;
		fds[n].revents = 0;
		owner[n] = ch;
		n++;
	}
	return n;
}

static int timeout_of(ares_channel ch, int max_ms)
{
	struct timeval maxtv = { max_ms / 1000, (max_ms % 1000) * 1000 }, tv;
	struct timeval *t = ares_timeout(ch, &maxtv, &tv);
	long ms = t->tv_sec * 1000 + (t->tv_usec + 999) / 1000;
	return ms < max_ms ? (int)ms : max_ms;
}

/* The poll loop until everything is settled, the deadline passes or
** nothing can move any more. */
static void batch_run(struct batch *b, int64_t deadline)
{
	size_t maxfds = (1 + PZ_LIVE_MAX) * ARES_GETSOCK_MAXNUM;
	struct pollfd *fds = calloc(maxfds, sizeof(*fds));
	ares_channel *owner = calloc(maxfds, sizeof(*owner));
	if (!fds || !owner)
		goto out;
	for (;;) {
		reap(b);
		pump(b);
		if (b->unsettled == 0)
			break;
		if (b->inflight == 0) {
			reap(b);
			pump(b);
			if (b->unsettled == 0)
				break;
			if (b->inflight == 0) {
				b->stalled = true; /* nothing can move: a bug, settled below */
				break;
			}
		}
		int64_t now = core_mono_ms();
		if (now >= deadline)
			break;
		int wait = (int)(deadline - now < 60000 ? deadline - now : 60000);
		size_t nfds = channel_fds(b->main, fds, owner);
		wait = timeout_of(b->main, wait);
		for (size_t i = 0; i < b->nlive; i++) {
			struct pzone *z = &b->pz[b->live[i]];
			if (!z->ch)
				continue;
			nfds += channel_fds(z->ch, fds + nfds, owner + nfds);
			wait = timeout_of(z->ch, wait);
		}
		if (poll(fds, nfds, wait) < 0)
			continue; /* EINTR: the deadline check bounds this */
		for (size_t i = 0; i < nfds; i++) {
			short r = fds[i].revents;
			if (!r)
				continue;
			ares_socket_t rd = (r & (POLLIN | POLLERR | POLLHUP)) ? fds[i].fd : ARES_SOCKET_BAD;
			ares_socket_t wr = (r & POLLOUT) ? fds[i].fd : ARES_SOCKET_BAD;
			ares_process_fd(owner[i], rd, wr);
		}
		/* timeouts; channels opened by the callbacks above start here */
		ares_process_fd(b->main, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
		for (size_t i = 0; i < b->nlive; i++)
			if (b->pz[b->live[i]].ch)
				ares_process_fd(b->pz[b->live[i]].ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	}
out:
	free(fds);
	free(owner);
}

int dns_resolve_batch(const struct dns_opts *opts, const char *const *names, size_t n,
		      unsigned types, struct dns_result *out, struct perr *e)
{
	struct dns_opts dflt = { 0 };
	struct batch b;
	memset(&b, 0, sizeof(b));
	int rc = -1;
	if (!opts)
		opts = &dflt;
	if (!out || (n > 0 && !names))
		return perr_set(e, PERR_INVALID, NULL, "no names or no results");
	for (size_t i = 0; i < n; i++)
		dns_result_init(&out[i], NULL);
	if (n > DNS_BATCH_MAX)
		return perr_set(e, PERR_LIMIT, NULL, "at most %d names per batch", DNS_BATCH_MAX);
	if (types == 0 || (types & ~DNS_ALL))
		return perr_set(e, PERR_INVALID, "types", "bad record type mask");
	if (check_opts(opts, e) != 0)
		return -1;
	if (n == 0)
		return 0;
	pthread_once(&ares_once, ares_lib_init);
	if (ares_init_rc != ARES_SUCCESS)
		return perr_set(e, PERR_INTERNAL, NULL, "c-ares: %s", ares_strerror(ares_init_rc));

	b.out = out;
	b.n = n;
	b.types = types;
	b.timeout_ms = opts->timeout_ms ? opts->timeout_ms : 2000;
	b.tries = opts->tries ? opts->tries : 2;
	b.auth_port = opts->auth_port ? opts->auth_port : 53;
	b.cap = opts->max_inflight ? opts->max_inflight : DNS_INFLIGHT_DEFAULT;

	struct ares_options ao;
	memset(&ao, 0, sizeof(ao));
	ao.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOCHECKRESP;
	ao.timeout = b.timeout_ms;
	ao.tries = b.tries;
	ao.socket_receive_buffer_size = DNS_RCVBUF;
	int arc = ares_init_options(&b.main, &ao,
				    ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_NOROTATE |
					    ARES_OPT_SOCK_RCVBUF);
	if (arc != ARES_SUCCESS) {
		b.main = NULL;
		perr_set(e, PERR_INTERNAL, NULL, "c-ares: %s", ares_strerror(arc));
		goto out;
	}
	if (opts->servers && opts->servers[0] &&
	    (arc = ares_set_servers_ports_csv(b.main, opts->servers)) != ARES_SUCCESS) {
		perr_set(e, PERR_INVALID, "servers", "bad servers \"%.100s\": %s", opts->servers,
			 ares_strerror(arc));
		goto out;
	}
	if (batch_prepare(&b, names, e) != 0)
		goto out;

	int64_t deadline = opts->deadline_ms;
	if (!deadline) {
		/* A query makes `tries` rounds over the servers, the timeout
		** doubling after each round; NS_PARENT is up to four queries in a
		** row (more when it walks up). Plus room for the queue. */
		int nserv = 0;
		struct ares_addr_port_node *sv = NULL;
		if (ares_get_servers_ports(b.main, &sv) == ARES_SUCCESS)
			for (struct ares_addr_port_node *x = sv; x; x = x->next)
				nserv++;
		ares_free_data(sv);
		nserv = nserv < 1 ? 1 : nserv > DNS_SERVERS_MAX ? DNS_SERVERS_MAX : nserv;
		int64_t per = 0;
		for (int r = 0; r < b.tries; r++)
			per += ((int64_t)b.timeout_ms << (r < 6 ? r : 6)) * nserv;
		int64_t total = (int64_t)n * __builtin_popcount(types);
		deadline = per * ((types & DNS_BIT(DNS_NS_PARENT)) ? 4 : 1) + 5000 +
			   (total / b.cap + 1) * 100;
	}
	batch_run(&b, core_mono_ms() + deadline);
	rc = 0;
out:
	b.stopping = true;
	for (size_t i = 0; i < b.npz; i++) {
		struct pzone *z = &b.pz[i];
		if (z->ch)
			ares_destroy(z->ch);
		for (uint32_t h = 0; h < z->nhosts; h++)
			free(z->hosts[h]);
	}
	if (b.main)
		ares_destroy(b.main);
	if (rc == 0) {
		for (size_t i = 0; i < n; i++)
			for (int t = 0; t < DNS_NTYPES; t++)
				if ((types & DNS_BIT(t)) && out[i].rr[t].status == DNS_ST_NONE) {
					if (b.stalled)
						rrset_status(&out[i].rr[t], DNS_ST_ERROR, "resolver stalled");
					else
						rrset_status(&out[i].rr[t], DNS_ST_TIMEOUT,
							     "deadline reached");
				}
	}
	free(b.order);
	free(b.pz_of);
	free(b.next_wait);
	free(b.live);
	free(b.pz);
	free(b.fifo);
	return rc;
}
