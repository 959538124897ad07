/*
** test_dns.c — the DNS module without a network: dns_parse_reply() on
** replies built byte by byte (A with CNAME, AAAA, NS, MX, CAA, negative
** answers and rcodes, referrals for NS_PARENT, the cap of DNS_RR_MAX, and
** truncated or malformed packets that must be rejected), name
** canonicalisation, the JSON round trip and its validation, dns_diff(), and
** the argument checks of dns_resolve_batch().
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"

/* ------------------------------------------------------ packet builder */

struct pkt {
	unsigned char b[8192];
	size_t n;
};

static void p8(struct pkt *p, unsigned v)
{
	assert_true(p->n < sizeof(p->b));
	p->b[p->n++] = (unsigned char)v;
}

static void p16(struct pkt *p, unsigned v)
{
	p8(p, v >> 8);
	p8(p, v & 0xff);
}

static void p32(struct pkt *p, uint32_t v)
{
	p16(p, v >> 16);
	p16(p, v & 0xffff);
}

static void pbytes(struct pkt *p, const void *d, size_t n)
{
	assert_true(p->n + n <= sizeof(p->b));
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

/* An uncompressed name ("" is the root). */
static void pname(struct pkt *p, const char *name)
{
	const char *s = name;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		p8(p, (unsigned)l);
		pbytes(p, s, l);
		s += l;
		if (*s == '.')
			s++;
	}
	p8(p, 0);
}

/* Header (flags: 0x8180 = response, RD, RA; rcode in the low bits) and one
** question. */
static void phead(struct pkt *p, unsigned flags, unsigned an, unsigned ns, unsigned ar,
		  const char *qname, unsigned qtype)
{
	p->n = 0;
	p16(p, 0x1234);
	p16(p, flags);
	p16(p, 1);
	p16(p, an);
	p16(p, ns);
	p16(p, ar);
	pname(p, qname);
	p16(p, qtype);
	p16(p, 1);
}

/* A record header; the owner is a pointer to the question name (offset 12)
** when owner is NULL. rdlen is patched by prr_end(). */
static size_t prr(struct pkt *p, const char *owner, unsigned type)
{
	if (owner)
		pname(p, owner);
	else
		p16(p, 0xc00c);
	p16(p, type);
	p16(p, 1);
	p32(p, 300);
	size_t at = p->n;
	p16(p, 0);
	return at;
}

static void prr_end(struct pkt *p, size_t at)
{
	size_t len = p->n - at - 2;
	p->b[at] = (unsigned char)(len >> 8);
	p->b[at + 1] = (unsigned char)(len & 0xff);
}

static void prr_a(struct pkt *p, const char *owner, unsigned a, unsigned b, unsigned c,
		  unsigned d)
{
	size_t at = prr(p, owner, 1);
	p8(p, a);
	p8(p, b);
	p8(p, c);
	p8(p, d);
	prr_end(p, at);
}

static void prr_name(struct pkt *p, const char *owner, unsigned type, const char *target)
{
	size_t at = prr(p, owner, type);
	pname(p, target);
	prr_end(p, at);
}

static void prr_mx(struct pkt *p, unsigned pref, const char *host)
{
	size_t at = prr(p, NULL, 15);
	p16(p, pref);
	pname(p, host);
	prr_end(p, at);
}

static void prr_caa(struct pkt *p, unsigned flags, const char *tag, const void *val, size_t vlen)
{
	size_t at = prr(p, NULL, 257);
	p8(p, flags);
	p8(p, (unsigned)strlen(tag));
	pbytes(p, tag, strlen(tag));
	pbytes(p, val, vlen);
	prr_end(p, at);
}

/* ------------------------------------------------------------- helpers */

static void parse_ok(enum dns_type t, const struct pkt *p, struct dns_result *r)
{
	struct perr e;
	perr_clear(&e);
	if (dns_parse_reply(t, p->b, p->n, r, &e) != 0)
		fail_msg("parse %s: %s", dns_type_name(t), e.msg);
}

/* values of r->rr[t] joined by '|' */
static void values_are(const struct dns_result *r, enum dns_type t, const char *want)
{
	char got[4096] = "";
	size_t n = 0;
	for (uint32_t i = 0; i < r->rr[t].n; i++)
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s", i ? "|" : "", r->rr[t].v[i]);
	if (strcmp(got, want) != 0)
		fail_msg("%s values: got [%s], want [%s]", dns_type_name(t), got, want);
}

static void rejected(enum dns_type t, const unsigned char *b, size_t n, const char *what)
{
	struct dns_result r;
	struct perr e;
	dns_result_init(&r, "x.test");
	perr_clear(&e);
	if (dns_parse_reply(t, b, n, &r, &e) != -1)
		fail_msg("%s: accepted", what);
	assert_int_equal(e.kind, PERR_INVALID);
	assert_int_equal(r.rr[t].status, DNS_ST_ERROR);
	assert_int_equal(r.rr[t].n, 0);
	assert_true(r.rr[t].text[0] != '\0');
	dns_result_free(&r);
}

/* ------------------------------------------------------------- parsing */

static void parse_a(void **state)
{
	(void)state;
	struct pkt p;
	struct dns_result r;
	dns_result_init(&r, "www.site.test");
	/* unsorted, one duplicate, one address of another name (ignored) */
	phead(&p, 0x8180, 5, 0, 0, "www.site.test", 1);
	prr_a(&p, NULL, 192, 0, 2, 10);
	prr_a(&p, NULL, 192, 0, 2, 9);
	prr_a(&p, NULL, 192, 0, 2, 10);
	prr_a(&p, NULL, 10, 0, 0, 1);
	prr_a(&p, "other.test", 203, 0, 113, 7);
	parse_ok(DNS_A, &p, &r);
	assert_int_equal(r.rr[DNS_A].status, DNS_ST_OK);
	assert_false(r.rr[DNS_A].cut);
	/* numeric order, not text order (192.0.2.9 before 192.0.2.10) */
	values_are(&r, DNS_A, "10.0.0.1|192.0.2.9|192.0.2.10");
	assert_string_equal(r.rr[DNS_A].text, "");

	/* through a CNAME: the target's addresses */
	phead(&p, 0x8180, 2, 0, 0, "www.site.test", 1);
	prr_name(&p, NULL, 5, "Edge.CDN.test");
	prr_a(&p, "edge.cdn.test", 198, 51, 100, 1);
	parse_ok(DNS_A, &p, &r);
	values_are(&r, DNS_A, "198.51.100.1");

	/* only a CNAME: no address */
	phead(&p, 0x8180, 1, 0, 0, "www.site.test", 1);
	prr_name(&p, NULL, 5, "edge.cdn.test");
	parse_ok(DNS_A, &p, &r);
	assert_int_equal(r.rr[DNS_A].status, DNS_ST_NODATA);
	assert_int_equal(r.rr[DNS_A].n, 0);
	dns_result_free(&r);
}

static void parse_aaaa(void **state)
{
	(void)state;
	struct pkt p;
	struct dns_result r;
	dns_result_init(&r, "site.test");
	static const unsigned char a1[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 };
	static const unsigned char a2[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const unsigned char a3[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1 };
	phead(&p, 0x8180, 3, 0, 0, "site.test", 28);
	const unsigned char *v[3] = { a2, a3, a1 };
	for (int i = 0; i < 3; i++) {
		size_t at = prr(&p, NULL, 28);
		pbytes(&p, v[i], 16);
		prr_end(&p, at);
	}
	parse_ok(DNS_AAAA, &p, &r);
	values_are(&r, DNS_AAAA, "::ffff:192.0.2.1|2001:db8::1|2001:db8:1::");
	dns_result_free(&r);
}

static void parse_ns_mx_caa(void **state)
{
	(void)state;
	struct pkt p;
	struct dns_result r;
	dns_result_init(&r, "site.test");

	phead(&p, 0x8180, 3, 0, 0, "site.test", 2);
	prr_name(&p, NULL, 2, "NS2.Provider.TEST");
	prr_name(&p, NULL, 2, "ns1.provider.test");
	prr_name(&p, NULL, 2, "ns2.provider.test");
	parse_ok(DNS_NS, &p, &r);
	values_are(&r, DNS_NS, "ns1.provider.test|ns2.provider.test");

	/* unusual label bytes (quote, space, a dot inside a label, 8-bit):
	** c-ares rejects them in answer sections (host names are validated), the
	** authority walk of NS_PARENT keeps them as \DDD, letters lower-cased */
	static const unsigned char odd[] = "\x08Q\"x y.\\\xe9\x04test";
	phead(&p, 0x8180, 1, 0, 0, "site.test", 2);
	size_t at = prr(&p, NULL, 2);
	pbytes(&p, odd, sizeof(odd)); /* with the final zero label */
	prr_end(&p, at);
	rejected(DNS_NS, p.b, p.n, "odd NS name");
	phead(&p, 0x8000, 0, 1, 0, "site.test", 2);
	at = prr(&p, "site.test", 2);
	pbytes(&p, odd, sizeof(odd));
	prr_end(&p, at);
	parse_ok(DNS_NS_PARENT, &p, &r);
	values_are(&r, DNS_NS_PARENT, "q\\034x\\032y\\046\\092\\233.test");

	/* MX by preference, numerically, then host; null MX is "0 ." */
	phead(&p, 0x8180, 4, 0, 0, "site.test", 15);
	prr_mx(&p, 20, "b.mail.test");
	prr_mx(&p, 5, "z.mail.test");
	prr_mx(&p, 10, "C.mail.test");
	prr_mx(&p, 10, "a.mail.test");
	parse_ok(DNS_MX, &p, &r);
	values_are(&r, DNS_MX, "5 z.mail.test|10 a.mail.test|10 c.mail.test|20 b.mail.test");
	phead(&p, 0x8180, 1, 0, 0, "site.test", 15);
	prr_mx(&p, 0, "");
	parse_ok(DNS_MX, &p, &r);
	values_are(&r, DNS_MX, "0 .");

	/* CAA: flags, tag lower-cased, value quoted with escapes */
	phead(&p, 0x8180, 4, 0, 0, "site.test", 257);
	prr_caa(&p, 0, "issue", "letsencrypt.org", 15);
	prr_caa(&p, 128, "Issue", "ca.test; x=\"1\"", 14);
	prr_caa(&p, 0, "iodef", "mailto:sec@site.test", 20);
	prr_caa(&p, 0, "issuewild", "a\\b\001", 4);
	parse_ok(DNS_CAA, &p, &r);
	values_are(&r, DNS_CAA,
		   "0 iodef \"mailto:sec@site.test\"|0 issue \"letsencrypt.org\"|"
		   "0 issuewild \"a\\\\b\\001\"|128 issue \"ca.test; x=\\\"1\\\"\"");
	dns_result_free(&r);
}

static void parse_negative(void **state)
{
	(void)state;
	struct pkt p;
	struct dns_result r;
	dns_result_init(&r, "site.test");

	phead(&p, 0x8180, 0, 0, 0, "site.test", 1);
	parse_ok(DNS_A, &p, &r);
	assert_int_equal(r.rr[DNS_A].status, DNS_ST_NODATA);

	/* NXDOMAIN with an SOA in the authority section */
	phead(&p, 0x8183, 0, 1, 0, "nope.site.test", 15);
	size_t at = prr(&p, "site.test", 6);
	pname(&p, "ns1.site.test");
	pname(&p, "hostmaster.site.test");
	for (int i = 0; i < 5; i++)
		p32(&p, 1);
	prr_end(&p, at);
	parse_ok(DNS_MX, &p, &r);
	assert_int_equal(r.rr[DNS_MX].status, DNS_ST_NXDOMAIN);

	phead(&p, 0x8182, 0, 0, 0, "site.test", 2);
	parse_ok(DNS_NS, &p, &r);
	assert_int_equal(r.rr[DNS_NS].status, DNS_ST_SERVFAIL);
	phead(&p, 0x8185, 0, 0, 0, "site.test", 257);
	parse_ok(DNS_CAA, &p, &r);
	assert_int_equal(r.rr[DNS_CAA].status, DNS_ST_REFUSED);
	phead(&p, 0x8184, 0, 0, 0, "site.test", 28);
	parse_ok(DNS_AAAA, &p, &r);
	assert_int_equal(r.rr[DNS_AAAA].status, DNS_ST_ERROR);
	assert_string_equal(r.rr[DNS_AAAA].text, "rcode 4");

	/* a reply replaces what was there */
	phead(&p, 0x8180, 1, 0, 0, "site.test", 1);
	prr_a(&p, NULL, 192, 0, 2, 1);
	parse_ok(DNS_A, &p, &r);
	phead(&p, 0x8183, 0, 0, 0, "site.test", 1);
	parse_ok(DNS_A, &p, &r);
	assert_int_equal(r.rr[DNS_A].status, DNS_ST_NXDOMAIN);
	assert_int_equal(r.rr[DNS_A].n, 0);
	dns_result_free(&r);
}

static void parse_cap(void **state)
{
	(void)state;
	struct pkt p;
	struct dns_result r;
	dns_result_init(&r, "big.test");
	phead(&p, 0x8180, 40, 0, 0, "big.test", 1);
	for (int i = 40; i > 0; i--)
		prr_a(&p, NULL, 10, 0, 0, (unsigned)i);
	parse_ok(DNS_A, &p, &r);
	assert_int_equal(r.rr[DNS_A].status, DNS_ST_OK);
	assert_int_equal(r.rr[DNS_A].n, DNS_RR_MAX);
	assert_true(r.rr[DNS_A].cut);
	assert_string_equal(r.rr[DNS_A].v[0], "10.0.0.1");
	assert_string_equal(r.rr[DNS_A].v[DNS_RR_MAX - 1], "10.0.0.32");
	dns_result_free(&r);
}

static void parse_ns_parent(void **state)
{
	(void)state;
	struct pkt p;
	struct dns_result r;
	dns_result_init(&r, "site.gov.test");

	/* referral: no answer, AA clear, NS of the name in the authority
	** section (and of an unrelated owner and the root, both ignored), glue */
	phead(&p, 0x8000, 0, 4, 1, "site.gov.test", 2);
	prr_name(&p, "site.gov.test", 2, "NS1.Site.gov.test");
	prr_name(&p, "site.gov.test", 2, "ns.provider.test");
	prr_name(&p, "other.gov.test", 2, "ns.evil.test");
	prr_name(&p, "", 2, "a.root-servers.net");
	prr_a(&p, "ns1.site.gov.test", 192, 0, 2, 53);
	parse_ok(DNS_NS_PARENT, &p, &r);
	assert_int_equal(r.rr[DNS_NS_PARENT].status, DNS_ST_OK);
	values_are(&r, DNS_NS_PARENT, "ns.provider.test|ns1.site.gov.test");

	/* a referral to an ancestor below the parent counts too */
	phead(&p, 0x8000, 0, 1, 0, "www.site.gov.test", 2);
	prr_name(&p, "site.gov.test", 2, "ns1.site.gov.test");
	parse_ok(DNS_NS_PARENT, &p, &r);
	values_are(&r, DNS_NS_PARENT, "ns1.site.gov.test");

	/* authoritative answer section */
	phead(&p, 0x8400, 1, 0, 0, "site.gov.test", 2);
	prr_name(&p, NULL, 2, "ns9.site.gov.test");
	parse_ok(DNS_NS_PARENT, &p, &r);
	values_are(&r, DNS_NS_PARENT, "ns9.site.gov.test");

	/* authoritative NODATA: the zone's own NS in the authority section
	** are not a delegation of the name */
	phead(&p, 0x8400, 0, 1, 0, "site.gov.test", 2);
	prr_name(&p, "site.gov.test", 2, "ns1.gov.test");
	parse_ok(DNS_NS_PARENT, &p, &r);
	assert_int_equal(r.rr[DNS_NS_PARENT].status, DNS_ST_NODATA);

	/* the plain NS type never reads the authority section */
	phead(&p, 0x8000, 0, 1, 0, "site.gov.test", 2);
	prr_name(&p, "site.gov.test", 2, "ns1.site.gov.test");
	parse_ok(DNS_NS, &p, &r);
	assert_int_equal(r.rr[DNS_NS].status, DNS_ST_NODATA);

	/* a referral whose authority record is cut short */
	phead(&p, 0x8000, 0, 1, 0, "site.gov.test", 2);
	prr_name(&p, "site.gov.test", 2, "ns1.site.gov.test");
	rejected(DNS_NS_PARENT, p.b, p.n - 3, "truncated authority");
	dns_result_free(&r);
}

static void parse_garbage(void **state)
{
	(void)state;
	struct pkt p;
	static const unsigned char junk[] = "\x12\x34\x81\x80\x00\x01\x00\x01";
	rejected(DNS_A, junk, 0, "empty");
	rejected(DNS_A, junk, sizeof(junk) - 1, "short header");
	rejected(DNS_A, NULL, 0, "NULL");

	/* a good reply, then broken in each way */
	phead(&p, 0x8180, 1, 0, 0, "site.test", 1);
	prr_a(&p, NULL, 192, 0, 2, 1);
	struct dns_result r;
	dns_result_init(&r, "site.test");
	parse_ok(DNS_A, &p, &r);
	dns_result_free(&r);
	for (size_t cut = 12; cut < p.n; cut++)
		if (cut != 12 + 11 + 4) /* header + question alone is a valid NODATA */
			rejected(DNS_A, p.b, cut, "truncated");

	struct pkt q = p;
	q.b[2] &= 0x7f; /* a query, not a response */
	rejected(DNS_A, q.b, q.n, "query");
	q = p;
	q.b[5] = 2; /* two questions */
	rejected(DNS_A, q.b, q.n, "two questions");
	q = p;
	rejected(DNS_AAAA, q.b, q.n, "question of another type");
	rejected(DNS_NS_PARENT, q.b, q.n, "question of another type");
	q = p;
	q.b[12 + 11 + 3] = 3; /* class CH */
	rejected(DNS_A, q.b, q.n, "class");
	q = p;
	q.b[2] |= 0x10; /* opcode 2 */
	rejected(DNS_A, q.b, q.n, "opcode");
	q = p;
	q.b[12 + 11 + 4 + 11] = 0x40; /* rdlength beyond the end */
	rejected(DNS_A, q.b, q.n, "rdlength");

	/* compression loop and a pointer beyond the end in the question */
	phead(&p, 0x8180, 0, 0, 0, "site.test", 1);
	p.n = 12;
	p16(&p, 0xc00c);
	p16(&p, 1);
	p16(&p, 1);
	rejected(DNS_A, p.b, p.n, "compression loop");
	p.n = 12;
	p16(&p, 0xcfff);
	p16(&p, 1);
	p16(&p, 1);
	rejected(DNS_A, p.b, p.n, "pointer out of range");

	/* an NS answer whose target is a pointer loop */
	phead(&p, 0x8180, 1, 0, 0, "site.test", 2);
	size_t at = prr(&p, NULL, 2);
	p16(&p, (unsigned)(0xc000 | p.n));
	prr_end(&p, at);
	rejected(DNS_NS, p.b, p.n, "NS loop");

	/* CAA record too short for its tag length */
	phead(&p, 0x8180, 1, 0, 0, "site.test", 257);
	at = prr(&p, NULL, 257);
	p8(&p, 0);
	p8(&p, 30);
	pbytes(&p, "issue", 5);
	prr_end(&p, at);
	rejected(DNS_CAA, p.b, p.n, "CAA tag length");

	/* random bytes with a plausible header */
	unsigned seed = 7;
	for (int round = 0; round < 2000; round++) {
		unsigned char b[128];
		size_t n = 12 + (size_t)(round % 100);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			b[i] = (unsigned char)(seed >> 16);
		}
		b[2] = 0x81;
		b[3] = 0x80;
		b[4] = 0;
		b[5] = 1;
		dns_result_init(&r, "x");
		struct perr e;
		enum dns_type t = (enum dns_type)(round % DNS_NTYPES);
		int rc = dns_parse_reply(t, b, n, &r, &e);
		assert_true(rc == 0 || rc == -1);
		assert_true(r.rr[t].status != DNS_ST_NONE);
		assert_true(r.rr[t].n <= DNS_RR_MAX);
		dns_result_free(&r);
	}
}

/* ------------------------------------------------------------ canonical */

static void name_canon(void **state)
{
	(void)state;
	char out[DNS_NAME_MAX];
	assert_int_equal(dns_name_canon("WWW.Site.GOV.test.", out), 0);
	assert_string_equal(out, "www.site.gov.test");
	assert_int_equal(dns_name_canon("xn--mgbai9azgqp6j.ir", out), 0);
	assert_int_equal(dns_name_canon("_dmarc.site.test", out), 0);
	const char *bad[] = { "", ".", "a..b", ".a", "a b.test", "a/b", "سایت.ir", "a.test..", NULL };
	for (int i = 0; bad[i]; i++)
		if (dns_name_canon(bad[i], out) == 0)
			fail_msg("accepted bad name \"%s\"", bad[i]);
	assert_int_equal(dns_name_canon(NULL, out), -1);
	char longl[80];
	memset(longl, 'a', 64);
	memcpy(longl + 64, ".test", 6);
	assert_int_equal(dns_name_canon(longl, out), -1); /* a 64-byte label */
	longl[1] = '.';
	assert_int_equal(dns_name_canon(longl, out), 0);
	char longn[300];
	for (int i = 0; i < 126; i++)
		memcpy(longn + 2 * i, "a.", 2);
	memcpy(longn + 252, "b", 2);
	assert_int_equal(dns_name_canon(longn, out), 0); /* 253 bytes */
	memcpy(longn + 252, "bc", 3);
	assert_int_equal(dns_name_canon(longn, out), -1); /* 254 bytes */
	memcpy(longn + 252, "b.", 3);
	assert_int_equal(dns_name_canon(longn, out), 0); /* 253 and the root dot */

	assert_string_equal(dns_type_name(DNS_NS_PARENT), "ns_parent");
	assert_int_equal(dns_type_from_name("caa"), DNS_CAA);
	assert_int_equal(dns_type_from_name("txt"), -1);
	assert_string_equal(dns_status_name(DNS_ST_NXDOMAIN), "nxdomain");
	assert_int_equal(dns_status_from_name("timeout"), DNS_ST_TIMEOUT);
	assert_null(dns_status_name(DNS_ST_COUNT));
}

/* A result with every type, from packets. */
static void sample(struct dns_result *r, int variant)
{
	struct pkt p;
	dns_result_init(r, "site.test");
	phead(&p, 0x8180, 2, 0, 0, "site.test", 1);
	prr_a(&p, NULL, 192, 0, 2, 1);
	prr_a(&p, NULL, 192, 0, 2, variant ? 3 : 2);
	parse_ok(DNS_A, &p, r);
	phead(&p, 0x8180, 0, 0, 0, "site.test", 28);
	parse_ok(DNS_AAAA, &p, r);
	phead(&p, 0x8180, 2, 0, 0, "site.test", 2);
	prr_name(&p, NULL, 2, "ns1.provider.test");
	prr_name(&p, NULL, 2, variant ? "ns.evil.test" : "ns2.provider.test");
	parse_ok(DNS_NS, &p, r);
	phead(&p, 0x8180, 1, 0, 0, "site.test", 15);
	prr_mx(&p, 10, "mail.site.test");
	parse_ok(DNS_MX, &p, r);
	phead(&p, 0x8180, variant ? 0 : 1, 0, 0, "site.test", 257);
	if (!variant)
		prr_caa(&p, 0, "issue", "ca.test; \"q\" \\", 14);
	parse_ok(DNS_CAA, &p, r);
}

static char *dump(const struct dns_result *r)
{
	json_t *j;
	struct perr e;
	if (dns_result_json(r, &j, &e) != 0)
		fail_msg("json: %s", e.msg);
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	char *u = json_dumps(j, JSON_COMPACT);
	/* keys are inserted in sorted order already */
	assert_string_equal(s, u);
	free(u);
	json_decref(j);
	return s;
}

static void json_round_trip(void **state)
{
	(void)state;
	struct dns_result r, back;
	struct perr e;
	sample(&r, 0);
	r.rr[DNS_A].cut = true;
	char *s = dump(&r);
	assert_non_null(strstr(s, "\"name\":\"site.test\""));
	assert_non_null(strstr(s, "\"a\":{\"cut\":true,\"status\":\"ok\","
				  "\"values\":[\"192.0.2.1\",\"192.0.2.2\"]}"));
	assert_non_null(strstr(s, "\"aaaa\":{\"detail\":\"no aaaa record\",\"status\":\"nodata\","
				  "\"values\":[]}"));
	assert_null(strstr(s, "ns_parent")); /* not asked */
	json_error_t je;
	json_t *j = json_loads(s, 0, &je);
	assert_non_null(j);
	if (dns_result_from_json(j, &back, &e) != 0)
		fail_msg("from_json: %s", e.msg);
	char *s2 = dump(&back);
	assert_string_equal(s, s2);
	json_decref(j);
	free(s);
	free(s2);
	dns_result_free(&back);
	dns_result_free(&r);

	/* values are re-canonicalised, sorted and deduplicated */
	j = json_loads("{\"name\":\"Site.Test.\",\"aaaa\":{\"status\":\"ok\",\"values\":"
		       "[\"2001:DB8:0:0::1\",\"::1\",\"2001:db8::1\"]},"
		       "\"mx\":{\"status\":\"ok\",\"values\":[\"20 B.test.\",\"3 a.test\"]},"
		       "\"caa\":{\"status\":\"ok\",\"values\":[\"0 ISSUE \\\"x\\\\065\\\"\"]},"
		       "\"ns\":{\"status\":\"nxdomain\",\"values\":[]}}",
		       0, &je);
	assert_non_null(j);
	if (dns_result_from_json(j, &back, &e) != 0)
		fail_msg("from_json: %s", e.msg);
	assert_string_equal(back.name, "site.test");
	values_are(&back, DNS_AAAA, "::1|2001:db8::1");
	values_are(&back, DNS_MX, "3 a.test|20 b.test");
	values_are(&back, DNS_CAA, "0 issue \"xA\"");
	assert_int_equal(back.rr[DNS_NS].status, DNS_ST_NXDOMAIN);
	assert_int_equal(back.rr[DNS_A].status, DNS_ST_NONE);
	dns_result_free(&back);
	json_decref(j);

	/* bad documents */
	static const struct {
		const char *doc, *field;
	} bad[] = {
		{ "[]", "" },
		{ "{\"a\":{\"status\":\"ok\",\"values\":[\"1.2.3.4\"]}}", "name" },
		{ "{\"name\":\"a b\"}", "name" },
		{ "{\"name\":\"s.test\",\"txt\":{}}", "" },
		{ "{\"name\":\"s.test\",\"a\":{\"status\":\"ok\",\"values\":[\"300.1.1.1\"]}}", "a" },
		{ "{\"name\":\"s.test\",\"a\":{\"status\":\"ok\",\"values\":[\"::1\"]}}", "a" },
		{ "{\"name\":\"s.test\",\"a\":{\"status\":\"ok\",\"values\":[]}}", "a" },
		{ "{\"name\":\"s.test\",\"a\":{\"status\":\"nodata\",\"values\":[\"1.2.3.4\"]}}", "a" },
		{ "{\"name\":\"s.test\",\"a\":{\"status\":\"none\",\"values\":[]}}", "a" },
		{ "{\"name\":\"s.test\",\"a\":{\"status\":\"weird\",\"values\":[]}}", "a" },
		{ "{\"name\":\"s.test\",\"a\":{\"status\":\"ok\",\"values\":[1]}}", "a" },
		{ "{\"name\":\"s.test\",\"a\":{\"status\":\"ok\",\"values\":[\"1.2.3.4\"],\"x\":1}}", "a" },
		{ "{\"name\":\"s.test\",\"a\":{\"status\":\"ok\",\"values\":[\"1.2.3.4\"],\"cut\":1}}", "a" },
		{ "{\"name\":\"s.test\",\"mx\":{\"status\":\"ok\",\"values\":[\"70000 a.test\"]}}", "mx" },
		{ "{\"name\":\"s.test\",\"mx\":{\"status\":\"ok\",\"values\":[\"a.test\"]}}", "mx" },
		{ "{\"name\":\"s.test\",\"mx\":{\"status\":\"ok\",\"values\":[\"010 a.test\"]}}", "mx" },
		{ "{\"name\":\"s.test\",\"ns\":{\"status\":\"ok\",\"values\":[\"a b\"]}}", "ns" },
		{ "{\"name\":\"s.test\",\"caa\":{\"status\":\"ok\",\"values\":[\"0 issue x\"]}}", "caa" },
		{ "{\"name\":\"s.test\",\"caa\":{\"status\":\"ok\",\"values\":[\"256 issue \\\"x\\\"\"]}}", "caa" },
		{ "{\"name\":\"s.test\",\"caa\":{\"status\":\"ok\",\"values\":[\"0 issue \\\"x\\\\\\\"\"]}}", "caa" },
		{ "{\"name\":\"s.test\",\"caa\":{\"status\":\"ok\",\"values\":[\"0 issue \\\"a\\\"b\\\"\"]}}", "caa" },
		{ "{\"name\":\"s.test\",\"caa\":{\"status\":\"ok\",\"values\":[\"0 issue \\\"\\\\999\\\"\"]}}", "caa" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = json_loads(bad[i].doc, JSON_DECODE_ANY, &je);
		if (!j)
			fail_msg("test doc %zu does not parse", i);
		perr_clear(&e);
		if (dns_result_from_json(j, &back, &e) == 0)
			fail_msg("accepted %s", bad[i].doc);
		assert_int_equal(e.kind, PERR_INVALID);
		if (strcmp(e.field, bad[i].field) != 0)
			fail_msg("%s: field \"%s\", want \"%s\"", bad[i].doc, e.field, bad[i].field);
		dns_result_free(&back);
		json_decref(j);
	}
}

/* ----------------------------------------------------------------- diff */

static void diff(void **state)
{
	(void)state;
	struct dns_result x, y;
	struct dns_diff d;
	sample(&x, 0);
	sample(&y, 0);
	assert_int_equal(dns_diff(&x, &y, &d), 0);

	dns_result_free(&y);
	sample(&y, 1);
	assert_int_equal(dns_diff(&x, &y, &d), 3);
	assert_int_equal(d.ch[0].type, DNS_A);
	assert_int_equal(d.ch[0].nadded, 1);
	assert_string_equal(d.ch[0].added[0], "192.0.2.3");
	assert_int_equal(d.ch[0].nremoved, 1);
	assert_string_equal(d.ch[0].removed[0], "192.0.2.2");
	assert_int_equal(d.ch[1].type, DNS_NS);
	assert_string_equal(d.ch[1].added[0], "ns.evil.test");
	assert_string_equal(d.ch[1].removed[0], "ns2.provider.test");
	assert_int_equal(d.ch[2].type, DNS_CAA);
	assert_int_equal(d.ch[2].was, DNS_ST_OK);
	assert_int_equal(d.ch[2].now, DNS_ST_NODATA);
	assert_int_equal(d.ch[2].nadded, 0);
	assert_int_equal(d.ch[2].nremoved, 1);

	json_t *j = dns_diff_json(&d);
	assert_non_null(j);
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, "[{\"added\":[\"192.0.2.3\"],\"now\":\"ok\",\"removed\":[\"192.0.2.2\"],"
			       "\"type\":\"a\",\"was\":\"ok\"},"
			       "{\"added\":[\"ns.evil.test\"],\"now\":\"ok\",\"removed\":"
			       "[\"ns2.provider.test\"],\"type\":\"ns\",\"was\":\"ok\"},"
			       "{\"added\":[],\"now\":\"nodata\",\"removed\":"
			       "[\"0 issue \\\"ca.test; \\\\\\\"q\\\\\\\" \\\\\\\\\\\"\"],"
			       "\"type\":\"caa\",\"was\":\"ok\"}]");
	free(s);
	json_decref(j);

	/* a timeout is not a change, in either direction */
	struct dns_result z;
	dns_result_init(&z, "site.test");
	for (int t = 0; t < DNS_NTYPES; t++)
		if (t != DNS_NS_PARENT)
			z.rr[t].status = DNS_ST_TIMEOUT;
	assert_int_equal(dns_diff(&x, &z, &d), 0);
	assert_int_equal(dns_diff(&z, &x, &d), 0);
	/* status changes without values count */
	z.rr[DNS_AAAA].status = DNS_ST_NXDOMAIN;
	z.rr[DNS_MX].status = DNS_ST_SERVFAIL;
	assert_int_equal(dns_diff(&x, &z, &d), 2);
	assert_int_equal(d.ch[0].type, DNS_AAAA);
	assert_int_equal(d.ch[0].was, DNS_ST_NODATA);
	assert_int_equal(d.ch[0].now, DNS_ST_NXDOMAIN);
	assert_int_equal(d.ch[1].type, DNS_MX);
	assert_int_equal(d.ch[1].nremoved, 1);
	/* a type asked on one side only is not compared */
	x.rr[DNS_NS_PARENT].status = DNS_ST_NODATA;
	assert_int_equal(dns_diff(&x, &y, &d), 3);
	dns_result_free(&x);
	dns_result_free(&y);
	dns_result_free(&z);
}

/* ------------------------------------------------------------ arguments */

static void batch_args(void **state)
{
	(void)state;
	struct dns_result r[2];
	struct perr e;
	const char *names[] = { "a.test", "b.test" };
	struct dns_opts o = { 0 };
	assert_int_equal(dns_resolve_batch(&o, names, 2, 0, r, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	assert_int_equal(dns_resolve_batch(&o, names, 2, 1u << 12, r, &e), -1);
	o.timeout_ms = -1;
	assert_int_equal(dns_resolve_batch(&o, names, 2, DNS_ALL, r, &e), -1);
	assert_string_equal(e.field, "timeout_ms");
	o.timeout_ms = 0;
	o.servers = "1.1.1.1,2.2.2.2,3.3.3.3,4.4.4.4,5.5.5.5,6.6.6.6,7.7.7.7,8.8.8.8,9.9.9.9";
	assert_int_equal(dns_resolve_batch(&o, names, 2, DNS_ALL, r, &e), -1);
	assert_string_equal(e.field, "servers");
	o.servers = "not an address";
	assert_int_equal(dns_resolve_batch(&o, names, 2, DNS_ALL, r, &e), -1);
	assert_string_equal(e.field, "servers");
	assert_int_equal(dns_resolve_batch(&o, NULL, 2, DNS_ALL, r, &e), -1);
	for (int i = 0; i < 2; i++)
		dns_result_free(&r[i]);

	/* an empty batch is fine; invalid names are per-result errors and
	** need no network */
	o.servers = "127.0.0.1:9";
	assert_int_equal(dns_resolve_batch(&o, names, 0, DNS_ALL, r, &e), 0);
	const char *badnames[] = { "a b", "\x01\xff..x" };
	assert_int_equal(dns_resolve_batch(&o, badnames, 2, DNS_BIT(DNS_A) | DNS_BIT(DNS_MX), r, &e),
			 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(r[i].rr[DNS_A].status, DNS_ST_ERROR);
		assert_string_equal(r[i].rr[DNS_A].text, "invalid name");
		assert_int_equal(r[i].rr[DNS_MX].status, DNS_ST_ERROR);
		assert_int_equal(r[i].rr[DNS_NS].status, DNS_ST_NONE);
		json_t *j;
		assert_int_equal(dns_result_json(&r[i], &j, &e), 0);
		json_decref(j);
		dns_result_free(&r[i]);
	}
	assert_string_equal(r[0].name, "a b");
	assert_string_equal(r[1].name, "??..x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_a),
		cmocka_unit_test(parse_aaaa),
		cmocka_unit_test(parse_ns_mx_caa),
		cmocka_unit_test(parse_negative),
		cmocka_unit_test(parse_cap),
		cmocka_unit_test(parse_ns_parent),
		cmocka_unit_test(parse_garbage),
		cmocka_unit_test(name_canon),
		cmocka_unit_test(json_round_trip),
		cmocka_unit_test(diff),
		cmocka_unit_test(batch_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
