/*
** test_flow_sflow.c — the sFlow v5 decoder (src/flow/sflow.c), the raw
** header parser (src/flow/pkt.c) and the sFlow generator (gen_sflow.c),
** issue 16.
**
** What a collector relies on: every sampled packet the generator writes
** comes back as the same flow (addresses, protocol, ports, flags, fragment,
** IP length, sampling rate, agent) whatever the agent's choices (expanded
** samples, an IPv6 agent, VLAN stacks, a 64-byte header, a sampled IP
** record); a rate of 0 is counted and taken as 1; the headers an attacker
** writes -- the IPv6 extension-header maze, VLAN and MPLS stacks past their
** bound, fragments, lying lengths -- give the addresses or nothing, never
** a loop; and datagrams that do not hold together (cut anywhere, four
** billion samples, records longer than their sample, trailing bytes) are
** refused per reason without a byte read outside them (ASan checks that).
** The raw headers of the hostile cases are laid out by hand here, not by
** the generator, so that generator and parser cannot share a mistake.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"

/* ------------------------------------------------------------ collecting */

#define MAXREC 256

struct got {
	struct flow_rec r[MAXREC];
	size_t n;
	struct flow_sflow_ifctr c[8];
	size_t nc;
	struct flow_sflow_stats st;
};

static void on_rec(void *ctx, const struct flow_rec *r)
{
	struct got *g = ctx;
	assert_true(g->n < MAXREC);
	g->r[g->n++] = *r;
}
static void on_ctr(void *ctx, const struct flow_sflow_ifctr *c)
{
	struct got *g = ctx;
	assert_true(g->nc < 8);
	g->c[g->nc++] = *c;
}

static int decode(const uint8_t *d, size_t n, struct got *g, struct flow_result *res)
{
	struct flow_sflow_sink sink = { on_rec, on_ctr, g, &g->st };
	int rc = flow_sflow_decode(d, n, &sink, NULL, res);
	/* what the result says was delivered was delivered */
	assert_int_equal(res->records, g->n);
	return rc;
}

/* ------------------------------------------------------------ flows */

static void v4(uint8_t a[16], uint8_t x, uint8_t y, uint8_t z, uint8_t w)
{
	memset(a, 0, 16);
	a[0] = x;
	a[1] = y;
	a[2] = z;
	a[3] = w;
}
static void v6(uint8_t a[16], uint16_t last)
{
	static const uint8_t p[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	memcpy(a, p, 16);
	a[14] = (uint8_t)(last >> 8);
	a[15] = (uint8_t)last;
}

static struct flow_rec mk(int fam, uint8_t proto, uint16_t sp, uint16_t dp, uint8_t flags,
			  uint64_t bytes, int i)
{
	struct flow_rec r;
	memset(&r, 0, sizeof(r));
	r.family = (uint8_t)fam;
	r.proto = proto;
	r.sport = sp;
	r.dport = dp;
	r.tcp_flags = flags;
	r.bytes = bytes;
	r.packets = 1;
	if (fam == 4) {
		v4(r.src, 198, 51, 100, (uint8_t)(1 + i));
		v4(r.dst, 192, 0, 2, (uint8_t)(10 + i));
	} else {
		v6(r.src, (uint16_t)(0x100 + i));
		v6(r.dst, (uint16_t)(0x200 + i));
	}
	return r;
}

static void gen_init(struct flow_sflow_gen *g, int agent_fam, uint32_t rate)
{
	memset(g, 0, sizeof(*g));
	g->agent_family = (uint8_t)agent_fam;
	if (agent_fam == 4)
		v4(g->agent, 10, 9, 8, 7);
	else
		v6(g->agent, 0xa9e);
	g->sub_agent = 3;
	g->sequence = 41;
	g->uptime_ms = 123456;
	g->source_id = 7;
	g->rate = rate;
}

/* the flow r came back as want (sent with sampling rate rate) */
static void same(const struct flow_rec *got, const struct flow_rec *want, uint32_t rate,
		 uint32_t exporter4)
{
	assert_int_equal(got->family, want->family);
	assert_int_equal(got->proto, want->proto);
	assert_memory_equal(got->src, want->src, 16);
	assert_memory_equal(got->dst, want->dst, 16);
	assert_int_equal(got->sport, want->frag ? 0 : want->sport);
	assert_int_equal(got->dport, want->frag ? 0 : want->dport);
	assert_int_equal(got->tcp_flags, want->frag ? 0 : want->tcp_flags);
	assert_int_equal(got->frag, want->frag);
	assert_int_equal(got->packets, 1);
	assert_int_equal(got->bytes, want->bytes);
	assert_int_equal(got->sampling, rate);
	assert_int_equal(got->exporter4, exporter4);
	assert_int_equal(got->first_ms, 123456);
}

static const struct flow_rec *mix(size_t *n)
{
	static struct flow_rec f[12];
	f[0] = mk(4, 6, 40000, 443, 0x02, 40, 0);   /* a SYN: padded to 60 on the wire */
	f[1] = mk(4, 17, 53, 33333, 0, 1400, 1);    /* a DNS answer */
	f[2] = mk(4, 1, 0, 8 << 8, 0, 84, 2);       /* echo request */
	f[3] = mk(6, 6, 50000, 80, 0x12, 1500, 3);  /* SYN-ACK */
	f[4] = mk(6, 17, 123, 5555, 0, 468, 4);     /* NTP monlist answer */
	f[5] = mk(6, 58, 0, 128 << 8, 0, 104, 5);   /* ICMPv6 echo */
	f[6] = mk(4, 17, 0, 0, 0, 1480, 6);         /* a later fragment */
	f[6].frag = 1;
	f[7] = mk(6, 17, 0, 0, 0, 1280, 7);         /* a later IPv6 fragment */
	f[7].frag = 1;
	f[8] = mk(4, 47, 0, 0, 0, 576, 8);          /* GRE: no ports */
	f[9] = mk(4, 6, 1024, 22, 0x18, 9000, 9);   /* a jumbo frame, cut at 128 */
	*n = 10;
	return f;
}

static void round_trip(int agent_fam, bool expanded, unsigned vlans, bool sampled_ip,
		       uint32_t hmax)
{
	struct flow_sflow_gen g;
	gen_init(&g, agent_fam, 512);
	g.expanded = expanded;
	g.vlans = vlans;
	g.sampled_ip = sampled_ip;
	g.header_max = hmax;
	size_t n;
	const struct flow_rec *f = mix(&n);
	uint8_t d[9000];
	size_t len = flow_sflow_gen_datagram(&g, f, n, NULL, 0, d, sizeof(d));
	assert_true(len > 0);
	assert_int_equal(g.sequence, 42);

	static struct got got;
	memset(&got, 0, sizeof(got));
	struct flow_result res;
	struct flow_sflow_hdr h;
	struct flow_sflow_sink sink = { on_rec, NULL, &got, &got.st };
	assert_int_equal(flow_sflow_decode(d, len, &sink, &h, &res), 0);
	assert_int_equal(res.reject, FLOW_REJ_NONE);
	assert_int_equal(res.records, n);
	assert_int_equal(res.sampling, 512);
	assert_int_equal(h.agent_family, agent_fam);
	assert_memory_equal(h.agent, g.agent, 16);
	assert_int_equal(h.sub_agent, 3);
	assert_int_equal(h.sequence, 41);
	assert_int_equal(h.samples, n);
	uint32_t exp4 = agent_fam == 4 ? 0x0a090807u : 0;
	for (size_t i = 0; i < n; i++)
		same(&got.r[i], &f[i], 512, exp4);
	assert_int_equal(got.st.flow_samples, n);
	assert_int_equal(got.st.datagrams, 1);
	assert_int_equal(got.st.zero_rate, 0);
	assert_int_equal(got.st.hdr_malformed, 0);
}

static void test_round_trip(void **state)
{
	(void)state;
	round_trip(4, false, 0, false, 0);
	round_trip(6, false, 0, false, 0);
	round_trip(4, true, 0, false, 0);
	round_trip(6, true, 1, false, 0);
	round_trip(4, false, 2, false, 0); /* QinQ */
	round_trip(4, true, 4, true, 0);   /* four tags and a sampled IP record */
	round_trip(6, false, 3, false, 256);
}

/* the agent sends IP headers without a link layer (header protocols 11, 12) */
static void test_raw_ip_headers(void **state)
{
	(void)state;
	for (unsigned proto = FLOW_PKT_IPV4; proto <= FLOW_PKT_IPV6; proto++) {
		struct flow_sflow_gen g;
		gen_init(&g, 4, 1);
		g.hdr_proto = proto;
		struct flow_rec f[2] = { mk(proto == FLOW_PKT_IPV4 ? 4 : 6, 6, 1, 2, 0x10, 64, 0),
					 mk(proto == FLOW_PKT_IPV4 ? 4 : 6, 17, 3, 4, 0, 1000, 1) };
		uint8_t d[2048];
		size_t len = flow_sflow_gen_datagram(&g, f, 2, NULL, 0, d, sizeof(d));
		static struct got got;
		memset(&got, 0, sizeof(got));
		struct flow_result res;
		assert_int_equal(decode(d, len, &got, &res), 0);
		assert_int_equal(got.n, 2);
		same(&got.r[0], &f[0], 1, 0x0a090807u);
		same(&got.r[1], &f[1], 1, 0x0a090807u);
	}
}

/* A rate of 0 would scale every count to nothing (and divide by zero in
** a careless consumer): counted, taken as 1. */
static void test_zero_rate(void **state)
{
	(void)state;
	struct flow_sflow_gen g;
	gen_init(&g, 4, 0);
	size_t n;
	const struct flow_rec *f = mix(&n);
	uint8_t d[9000];
	size_t len = flow_sflow_gen_datagram(&g, f, 3, NULL, 0, d, sizeof(d));
	static struct got got;
	memset(&got, 0, sizeof(got));
	struct flow_result res;
	assert_int_equal(decode(d, len, &got, &res), 0);
	assert_int_equal(got.n, 3);
	assert_int_equal(got.st.zero_rate, 3);
	assert_int_equal(res.sampling, 1);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(got.r[i].sampling, 1);
}

static void test_counters(void **state)
{
	(void)state;
	struct flow_sflow_gen g;
	gen_init(&g, 4, 100);
	struct flow_sflow_ifctr k[2];
	memset(k, 0, sizeof(k));
	k[0].source_id = 5;
	k[0].ifindex = 5;
	k[0].ifspeed = 10000000000ull;
	k[0].in_octets = 0x123456789aull;
	k[0].out_octets = 77;
	k[0].in_discards = 9000;
	k[0].out_discards = 3;
	k[0].in_errors = 11;
	k[1] = k[0];
	k[1].ifindex = 6;
	k[1].source_id = 6;
	for (int expanded = 0; expanded < 2; expanded++) {
		g.expanded = expanded;
		struct flow_rec f = mk(4, 17, 1, 2, 0, 100, 0);
		uint8_t d[4096];
		size_t len = flow_sflow_gen_datagram(&g, &f, 1, k, 2, d, sizeof(d));
		assert_true(len > 0);
		static struct got got;
		memset(&got, 0, sizeof(got));
		struct flow_result res;
		assert_int_equal(decode(d, len, &got, &res), 0);
		assert_int_equal(got.n, 1);
		assert_int_equal(got.nc, 2);
		assert_int_equal(got.st.counter_samples, 2);
		assert_int_equal(got.st.if_counters, 2);
		assert_int_equal(got.c[0].ifindex, 5);
		assert_int_equal(got.c[0].source_id, 5);
		assert_int_equal(got.c[0].ifspeed, 10000000000ull);
		assert_int_equal(got.c[0].in_octets, 0x123456789aull);
		assert_int_equal(got.c[0].out_octets, 77);
		assert_int_equal(got.c[0].in_discards, 9000);
		assert_int_equal(got.c[0].out_discards, 3);
		assert_int_equal(got.c[0].in_errors, 11);
		assert_int_equal(got.c[1].ifindex, 6);
		assert_int_equal(got.c[0].agent_family, 4);
		assert_int_equal(got.c[0].sub_agent, 3);
		/* without a counter callback they are still counted */
		memset(&got, 0, sizeof(got));
		struct flow_sflow_sink sink = { on_rec, NULL, &got, &got.st };
		assert_int_equal(flow_sflow_decode(d, len, &sink, NULL, &res), 0);
		assert_int_equal(got.nc, 0);
		assert_int_equal(got.st.counter_samples, 2);
	}
}

/* ------------------------------------------------------------ hostile datagrams */

static size_t one_dgram(uint8_t *d, size_t cap, size_t nrec)
{
	struct flow_sflow_gen g;
	gen_init(&g, 4, 10);
	size_t n;
	const struct flow_rec *f = mix(&n);
	if (nrec < n)
		n = nrec;
	struct flow_sflow_ifctr k;
	memset(&k, 0, sizeof(k));
	return flow_sflow_gen_datagram(&g, f, n, &k, 1, d, cap);
}

/* Cut anywhere, a datagram is refused whole: nothing delivered. */
static void test_truncated_datagram(void **state)
{
	(void)state;
	uint8_t d[4096];
	size_t len = one_dgram(d, sizeof(d), 4);
	for (size_t cut = 0; cut < len; cut++) {
		/* a heap copy of exactly cut bytes: ASan sees a read past it */
		uint8_t *c = malloc(cut ? cut : 1);
		memcpy(c, d, cut);
		static struct got got;
		memset(&got, 0, sizeof(got));
		struct flow_result res;
		assert_int_equal(decode(c, cut, &got, &res), -1);
		assert_int_equal(got.n, 0);
		assert_true(res.reject == FLOW_REJ_SHORT || res.reject == FLOW_REJ_COUNT);
		assert_int_equal(got.st.datagrams, 0);
		free(c);
	}
	/* one byte too many: the lengths no longer add up */
	static struct got got;
	memset(&got, 0, sizeof(got));
	struct flow_result res;
	d[len] = 0;
	assert_int_equal(decode(d, len + 1, &got, &res), -1);
	assert_int_equal(res.reject, FLOW_REJ_COUNT);
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void test_header_faults(void **state)
{
	(void)state;
	uint8_t d[4096];
	size_t len = one_dgram(d, sizeof(d), 2);
	static struct got got;
	struct flow_result res;

	memset(&got, 0, sizeof(got));
	wr32(d, 4);
	assert_int_equal(decode(d, len, &got, &res), -1);
	assert_int_equal(res.reject, FLOW_REJ_VERSION);
	wr32(d, 5);

	wr32(d + 4, 3); /* agent address type 3 */
	assert_int_equal(decode(d, len, &got, &res), -1);
	assert_int_equal(res.reject, FLOW_REJ_ADDRESS);
	wr32(d + 4, 1);

	/* huge sample counts: refused before any walk */
	uint32_t counts[] = { 0xffffffffu, 0x80000000u, FLOW_SFLOW_SAMPLES_MAX + 1, 4 };
	for (size_t i = 0; i < 4; i++) {
		wr32(d + 24, counts[i]);
		assert_int_equal(decode(d, len, &got, &res), -1);
		assert_true(res.reject == FLOW_REJ_COUNT || res.reject == FLOW_REJ_SHORT);
	}
	wr32(d + 24, 3);
	assert_int_equal(decode(d, len, &got, &res), 0);
	assert_int_equal(got.n, 2);
}

/* Offsets inside the first flow sample of one_dgram (IPv4 agent,
** compact samples): the sample's head starts at 28. */
#define S0 28
#define S0_NREC (S0 + 8 + 28)
#define S0_REC0 (S0 + 8 + 32)

/* A broken sample is skipped alone; its neighbours are delivered. */
static void test_sample_faults(void **state)
{
	(void)state;
	uint8_t d[4096], o[4096];
	size_t len = one_dgram(o, sizeof(o), 3);
	static struct got got;
	struct flow_result res;
	struct {
		size_t at;
		uint32_t v;
	} faults[] = {
		{ S0_NREC, 0xffffffffu },        /* four billion records */
		{ S0_NREC, FLOW_SFLOW_RECORDS_MAX + 1 },
		{ S0_NREC, 2 },                  /* one record announced too many */
		{ S0_NREC, 0 },                  /* bytes no record accounts for */
		{ S0_REC0 + 4, 0xfffffff0u },    /* a record longer than its sample */
		{ S0_REC0 + 4, 12 },             /* a raw header record shorter than its head */
		{ S0_REC0 + 8 + 12, 0x7fffffff },/* a header longer than its record */
		{ S0 + 4, 20 },                  /* a flow sample shorter than its fields */
	};
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		memcpy(d, o, len);
		wr32(d + faults[i].at, faults[i].v);
		if (faults[i].at == S0 + 4) {
			/* keep the frame whole: the shortened sample is
			** followed by an unknown sample (enterprise 0xabc)
			** over the rest of its bytes */
			const uint8_t *p = o + S0 + 4;
			uint32_t was = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
			wr32(d + 24, 5);
			wr32(d + S0 + 8 + 20, 0xabc005);
			wr32(d + S0 + 8 + 24, was - 20 - 8);
		}
		memset(&got, 0, sizeof(got));
		assert_int_equal(decode(d, len, &got, &res), 0);
		assert_int_equal(res.reject, FLOW_REJ_SAMPLE);
		assert_int_equal(res.rejected_parts, 1);
		assert_int_equal(got.n, 2); /* the other two flow samples */
		assert_int_equal(got.nc, 1);
	}
}

/* Formats we do not read are skipped by their length. */
static void test_unknown_formats(void **state)
{
	(void)state;
	uint8_t d[4096];
	size_t len = one_dgram(d, sizeof(d), 2);
	static struct got got;
	memset(&got, 0, sizeof(got));
	struct flow_result res;
	wr32(d + S0, 0x0000f001); /* enterprise 15, format 1 */
	assert_int_equal(decode(d, len, &got, &res), 0);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.st.unknown_samples, 1);
	assert_int_equal(res.reject, FLOW_REJ_NONE);
	len = one_dgram(d, sizeof(d), 2);
	wr32(d + S0_REC0, 1001); /* the raw header record read as extended switch */
	memset(&got, 0, sizeof(got));
	assert_int_equal(decode(d, len, &got, &res), 0);
	assert_int_equal(got.n, 1); /* nothing to count in that sample */
	assert_int_equal(got.st.unknown_records, 1);
}

/* ------------------------------------------------------------ hand-laid frames */

struct fr {
	uint8_t b[4096];
	size_t n;
};
static void b8(struct fr *f, uint8_t v) { f->b[f->n++] = v; }
static void b16(struct fr *f, uint16_t v)
{
	b8(f, (uint8_t)(v >> 8));
	b8(f, (uint8_t)v);
}
static void bz(struct fr *f, size_t n)
{
	memset(f->b + f->n, 0, n);
	f->n += n;
}
static void eth(struct fr *f, uint16_t et)
{
	f->n = 0;
	bz(f, 12);
	b16(f, et);
}
static void ip4h(struct fr *f, uint8_t proto, uint16_t tot, uint16_t fo, uint8_t ihl)
{
	b8(f, (uint8_t)(0x40 | ihl));
	b8(f, 0);
	b16(f, tot);
	b16(f, 1);
	b16(f, fo);
	b8(f, 64);
	b8(f, proto);
	b16(f, 0);
	b8(f, 198), b8(f, 51), b8(f, 100), b8(f, 7);
	b8(f, 192), b8(f, 0), b8(f, 2), b8(f, 9);
	bz(f, (size_t)(ihl > 5 ? ihl - 5 : 0) * 4);
}
static void ip6h(struct fr *f, uint8_t nh, uint16_t plen)
{
	b8(f, 0x60);
	bz(f, 3);
	b16(f, plen);
	b8(f, nh);
	b8(f, 64);
	uint8_t a[16];
	v6(a, 1);
	memcpy(f->b + f->n, a, 16);
	f->n += 16;
	v6(a, 2);
	memcpy(f->b + f->n, a, 16);
	f->n += 16;
}
static void ports(struct fr *f, uint16_t s, uint16_t d, uint8_t flags)
{
	b16(f, s);
	b16(f, d);
	bz(f, 9);
	b8(f, flags);
	bz(f, 6);
}

static enum flow_pkt_status parse(const struct fr *f, size_t caplen, uint32_t wire, struct flow_rec *r)
{
	/* exactly caplen bytes on the heap: ASan sees any read past them */
	uint8_t *c = malloc(caplen ? caplen : 1);
	memcpy(c, f->b, caplen);
	memset(r, 0xee, sizeof(*r));
	enum flow_pkt_status s = flow_pkt_parse(c, caplen, FLOW_PKT_ETHERNET, wire, r);
	free(c);
	return s;
}

/* The extension-header maze: a chain of options headers ahead of the TCP
** header, the way an attacker hides the transport header from a filter.
** Up to the bound the ports are found; past it the parse stops, the
** addresses are kept and the header is counted as malformed. */
static void test_ipv6_maze(void **state)
{
	(void)state;
	struct fr f;
	struct flow_rec r;
	for (unsigned k = 0; k <= 300; k = k < 12 ? k + 1 : k * 5) {
		eth(&f, 0x86dd);
		ip6h(&f, k ? 60 : 6, (uint16_t)(k * 8 + 20));
		for (unsigned i = 0; i < k; i++) {
			b8(&f, i + 1 < k ? 60 : 6);
			b8(&f, 0);
			bz(&f, 6);
		}
		ports(&f, 1234, 80, 0x02);
		enum flow_pkt_status s = parse(&f, f.n, (uint32_t)f.n, &r);
		assert_int_equal(r.family, 6);
		assert_int_equal(r.dst[15], 2);
		assert_int_equal(r.bytes, 40 + k * 8 + 20);
		if (k <= FLOW_PKT_EXT_MAX) {
			assert_int_equal(s, FLOW_PKT_OK);
			assert_int_equal(r.proto, 6);
			assert_int_equal(r.dport, 80);
			assert_int_equal(r.tcp_flags, 0x02);
		} else {
			assert_int_equal(s, FLOW_PKT_BAD);
			assert_int_equal(r.dport, 0);
			assert_int_equal(r.tcp_flags, 0);
		}
	}
	/* the same maze cut by the sampler at 128 bytes: cut, not malformed,
	** while the bound is not reached within the cut */
	eth(&f, 0x86dd);
	ip6h(&f, 0, 400);
	b8(&f, 43), b8(&f, 0), bz(&f, 6); /* hop-by-hop */
	for (int i = 0; i < 6; i++)
		b8(&f, 60), b8(&f, 1), bz(&f, 14); /* routing, then dst opts of 16 bytes */
	assert_int_equal(parse(&f, 128, 454, &r), FLOW_PKT_CUT);
	assert_int_equal(r.family, 6);
	assert_int_equal(r.bytes, 440);
	/* hop-by-hop anywhere but first is malformed (RFC 8200 4.1) */
	eth(&f, 0x86dd);
	ip6h(&f, 60, 36);
	b8(&f, 0), b8(&f, 0), bz(&f, 6);
	b8(&f, 6), b8(&f, 0), bz(&f, 6);
	ports(&f, 1, 2, 0x10);
	assert_int_equal(parse(&f, f.n, 0, &r), FLOW_PKT_BAD);
	/* an extension header longer than its packet */
	eth(&f, 0x86dd);
	ip6h(&f, 60, 28);
	b8(&f, 6), b8(&f, 200), bz(&f, 6);
	ports(&f, 1, 2, 0x10);
	assert_int_equal(parse(&f, f.n, 0, &r), FLOW_PKT_BAD);
	assert_int_equal(r.dport, 0);
	/* AH counts its length in 4-byte words, plus 2 */
	eth(&f, 0x86dd);
	ip6h(&f, 51, 12 + 20);
	b8(&f, 6), b8(&f, 1), bz(&f, 10);
	ports(&f, 7, 8, 0x01);
	assert_int_equal(parse(&f, f.n, 0, &r), FLOW_PKT_OK);
	assert_int_equal(r.dport, 8);
	assert_int_equal(r.tcp_flags, 0x01);
	/* ESP: no ports to find, nothing wrong */
	eth(&f, 0x86dd);
	ip6h(&f, 50, 100);
	bz(&f, 8);
	assert_int_equal(parse(&f, f.n, 0, &r), FLOW_PKT_OK);
	assert_int_equal(r.proto, 50);
	assert_int_equal(r.sport, 0);
}

static void test_ipv6_fragments(void **state)
{
	(void)state;
	struct fr f;
	struct flow_rec r;
	struct {
		uint16_t fo;
		int frag, has_ports;
	} c[] = {
		{ 0x0001, 1, 1 },      /* first fragment: M, offset 0 */
		{ 185 << 3 | 1, 1, 0 },/* middle */
		{ 185 << 3, 1, 0 },    /* last */
		{ 0x0000, 0, 1 },      /* atomic (RFC 6946): a whole packet */
	};
	for (size_t i = 0; i < 4; i++) {
		eth(&f, 0x86dd);
		ip6h(&f, 0, 8 + 8 + 20);
		b8(&f, 44), b8(&f, 0), bz(&f, 6); /* hop-by-hop, then fragment */
		b8(&f, 17), b8(&f, 0), b16(&f, c[i].fo), bz(&f, 4);
		ports(&f, 53, 4444, 0);
		assert_int_equal(parse(&f, f.n, 0, &r), FLOW_PKT_OK);
		assert_int_equal(r.frag, c[i].frag);
		assert_int_equal(r.proto, 17);
		assert_int_equal(r.sport, c[i].has_ports ? 53 : 0);
		assert_int_equal(r.dport, c[i].has_ports ? 4444 : 0);
	}
}

static void test_ipv4(void **state)
{
	(void)state;
	struct fr f;
	struct flow_rec r;
	/* fragments: MF with offset 0 keeps its ports; a later one has none */
	eth(&f, 0x0800);
	ip4h(&f, 17, 1500, 0x2000, 5);
	ports(&f, 123, 9999, 0);
	assert_int_equal(parse(&f, f.n, 1514, &r), FLOW_PKT_OK);
	assert_int_equal(r.frag, 1);
	assert_int_equal(r.dport, 9999);
	assert_int_equal(r.bytes, 1500);
	eth(&f, 0x0800);
	ip4h(&f, 17, 1500, 185, 5);
	ports(&f, 123, 9999, 0);
	assert_int_equal(parse(&f, f.n, 1514, &r), FLOW_PKT_OK);
	assert_int_equal(r.frag, 1);
	assert_int_equal(r.sport, 0);
	assert_int_equal(r.dport, 0);
	/* DF alone is no fragment */
	eth(&f, 0x0800);
	ip4h(&f, 6, 40, 0x4000, 5);
	ports(&f, 5, 6, 0x02);
	assert_int_equal(parse(&f, f.n, 60, &r), FLOW_PKT_OK);
	assert_int_equal(r.frag, 0);
	assert_int_equal(r.tcp_flags, 0x02);
	assert_int_equal(r.bytes, 40); /* the padding of the 60-byte frame is not IP */
	/* a forged length claims more than the wire held */
	eth(&f, 0x0800);
	ip4h(&f, 6, 60000, 0, 5);
	ports(&f, 5, 6, 0x02);
	assert_int_equal(parse(&f, f.n, 60, &r), FLOW_PKT_OK);
	assert_int_equal(r.bytes, 46);
	/* options: IHL 15, then TCP */
	eth(&f, 0x0800);
	ip4h(&f, 6, 80, 0, 15);
	ports(&f, 77, 88, 0x11);
	assert_int_equal(parse(&f, f.n, 0, &r), FLOW_PKT_OK);
	assert_int_equal(r.sport, 77);
	assert_int_equal(r.tcp_flags, 0x11);
	/* the same cut inside the options, then inside the TCP header */
	assert_int_equal(parse(&f, 14 + 40, 0, &r), FLOW_PKT_CUT);
	assert_int_equal(r.dst[3], 9);
	assert_int_equal(r.sport, 0);
	assert_int_equal(parse(&f, 14 + 60 + 6, 0, &r), FLOW_PKT_CUT);
	assert_int_equal(r.dport, 88);
	assert_int_equal(r.tcp_flags, 0);
	/* cut before the addresses: nothing */
	assert_int_equal(parse(&f, 14 + 19, 0, &r), FLOW_PKT_MALFORMED);
	/* IHL below 5, a version that is not 4 */
	eth(&f, 0x0800);
	ip4h(&f, 6, 40, 0, 4);
	bz(&f, 40);
	assert_int_equal(parse(&f, f.n, 0, &r), FLOW_PKT_MALFORMED);
	f.b[14] = 0x65;
	assert_int_equal(parse(&f, f.n, 0, &r), FLOW_PKT_MALFORMED);
	/* a total length shorter than the header: addresses, malformed */
	eth(&f, 0x0800);
	ip4h(&f, 6, 12, 0, 5);
	ports(&f, 5, 6, 0x02);
	assert_int_equal(parse(&f, f.n, 54, &r), FLOW_PKT_BAD);
	assert_int_equal(r.family, 4);
	assert_int_equal(r.bytes, 40);
	/* ICMP type and code */
	eth(&f, 0x0800);
	ip4h(&f, 1, 28, 0, 5);
	b8(&f, 3), b8(&f, 4), bz(&f, 6);
	assert_int_equal(parse(&f, f.n, 0, &r), FLOW_PKT_OK);
	assert_int_equal(r.dport, 3 << 8 | 4);
	/* the L4 header is read within the IP packet only */
	eth(&f, 0x0800);
	ip4h(&f, 6, 22, 0, 5);
	ports(&f, 5, 6, 0x02);
	assert_int_equal(parse(&f, f.n, 0, &r), FLOW_PKT_CUT);
	assert_int_equal(r.sport, 0);
}

static void test_vlan_mpls(void **state)
{
	(void)state;
	struct fr f;
	struct flow_rec r;
	static const uint16_t tpid[] = { 0x8100, 0x88a8, 0x9100 };
	for (unsigned tags = 0; tags <= FLOW_PKT_VLAN_MAX + 2; tags++) {
		f.n = 0;
		bz(&f, 12);
		for (unsigned i = 0; i < tags; i++) {
			b16(&f, tpid[i % 3]);
			b16(&f, (uint16_t)(10 + i));
		}
		b16(&f, 0x0800);
		ip4h(&f, 17, 28, 0, 5);
		b16(&f, 1), b16(&f, 2), bz(&f, 4);
		enum flow_pkt_status s = parse(&f, f.n, (uint32_t)f.n, &r);
		if (tags <= FLOW_PKT_VLAN_MAX) {
			assert_int_equal(s, FLOW_PKT_OK);
			assert_int_equal(r.dport, 2);
			assert_int_equal(r.bytes, 28);
		} else {
			assert_int_equal(s, FLOW_PKT_MALFORMED);
		}
	}
	/* cut inside the tag stack */
	f.n = 0;
	bz(&f, 12);
	b16(&f, 0x8100), b16(&f, 1), b16(&f, 0x8100);
	assert_int_equal(parse(&f, f.n, 0, &r), FLOW_PKT_MALFORMED);
	/* MPLS: two labels, then IPv6; a stack without bottom of stack */
	eth(&f, 0x8847);
	b16(&f, 0x0001), b16(&f, 0x0040);
	b16(&f, 0x0002), b16(&f, 0x0140);
	ip6h(&f, 17, 8);
	b16(&f, 9), b16(&f, 10), bz(&f, 4);
	assert_int_equal(parse(&f, f.n, 0, &r), FLOW_PKT_OK);
	assert_int_equal(r.family, 6);
	assert_int_equal(r.dport, 10);
	eth(&f, 0x8847);
	for (int i = 0; i < 20; i++)
		b16(&f, 0x0001), b16(&f, 0x0040);
	assert_int_equal(parse(&f, f.n, 0, &r), FLOW_PKT_MALFORMED);
	/* ARP: no IP, no record */
	eth(&f, 0x0806);
	bz(&f, 28);
	assert_int_equal(parse(&f, f.n, 0, &r), FLOW_PKT_NOT_IP);
	/* an unknown header protocol (802.11 = 2) */
	assert_int_equal(flow_pkt_parse(f.b, f.n, 2, 0, &r), FLOW_PKT_NOT_IP);
}

/* The decoder's view of hostile headers: a maze is delivered and counted
** malformed, an unreadable header refused, ARP counted as non-IP. */
static void test_decoder_header_outcomes(void **state)
{
	(void)state;
	struct flow_sflow_gen g;
	gen_init(&g, 4, 64);
	struct flow_rec f = mk(4, 6, 1, 2, 0x02, 40, 0);
	uint8_t d[2048];
	size_t len = flow_sflow_gen_datagram(&g, &f, 1, NULL, 0, d, sizeof(d));
	/* the raw header sits after the record's 16-byte head */
	size_t hdr_at = S0_REC0 + 8 + 16;
	static struct got got;
	struct flow_result res;

	/* ARP */
	d[hdr_at + 12] = 0x08, d[hdr_at + 13] = 0x06;
	memset(&got, 0, sizeof(got));
	assert_int_equal(decode(d, len, &got, &res), 0);
	assert_int_equal(got.n, 0);
	assert_int_equal(got.st.non_ip, 1);
	assert_int_equal(res.reject, FLOW_REJ_NONE);
	/* not IPv4 after all */
	d[hdr_at + 12] = 0x08, d[hdr_at + 13] = 0x00;
	d[hdr_at + 14] = 0x35;
	memset(&got, 0, sizeof(got));
	assert_int_equal(decode(d, len, &got, &res), 0);
	assert_int_equal(got.n, 0);
	assert_int_equal(got.st.hdr_malformed, 1);
	assert_int_equal(res.reject, FLOW_REJ_SAMPLE);
	assert_int_equal(res.rejected_parts, 1);
	/* a total length below the header: delivered with addresses, flagged */
	d[hdr_at + 14] = 0x45;
	d[hdr_at + 16] = 0, d[hdr_at + 17] = 10;
	memset(&got, 0, sizeof(got));
	assert_int_equal(decode(d, len, &got, &res), 0);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.r[0].dst[3], 10);
	assert_int_equal(got.st.hdr_malformed, 1);
	assert_int_equal(res.reject, FLOW_REJ_SAMPLE);
	assert_int_equal(res.rejected_parts, 0);
	/* with a sampled IPv4 record, an unreadable header falls back to it */
	g.sampled_ip = true;
	len = flow_sflow_gen_datagram(&g, &f, 1, NULL, 0, d, sizeof(d));
	d[hdr_at + 14] = 0x35;
	memset(&got, 0, sizeof(got));
	assert_int_equal(decode(d, len, &got, &res), 0);
	assert_int_equal(got.n, 1);
	assert_memory_equal(got.r[0].dst, f.dst, 16);
	assert_int_equal(got.r[0].dport, 2);
	assert_int_equal(got.r[0].tcp_flags, 0x02);
	assert_int_equal(got.r[0].bytes, 40);
	assert_int_equal(got.st.hdr_malformed, 1);
	assert_int_equal(res.reject, FLOW_REJ_SAMPLE);
	assert_int_equal(res.rejected_parts, 0);
}

/* A short header (the agent's header length): addresses, no ports. */
static void test_short_sampler(void **state)
{
	(void)state;
	struct flow_sflow_gen g;
	gen_init(&g, 4, 1);
	struct flow_rec f[2] = { mk(4, 6, 1, 2, 0x02, 1000, 0), mk(6, 17, 3, 4, 0, 1000, 1) };
	struct {
		uint32_t hmax;
		int ports;
		uint64_t cut;
	} c[] = { { 14 + 20 + 2, 0, 1 }, { 14 + 20 + 4, 1, 1 }, { 14 + 40 + 3, 0, 1 },
		  { 14 + 40 + 8, 1, 0 } };
	for (size_t i = 0; i < 4; i++) {
		g.header_max = c[i].hmax;
		const struct flow_rec *one = &f[i < 2 ? 0 : 1];
		uint8_t d[2048];
		size_t len = flow_sflow_gen_datagram(&g, one, 1, NULL, 0, d, sizeof(d));
		static struct got got;
		memset(&got, 0, sizeof(got));
		struct flow_result res;
		assert_int_equal(decode(d, len, &got, &res), 0);
		assert_int_equal(got.n, 1);
		assert_memory_equal(got.r[0].dst, one->dst, 16);
		assert_int_equal(got.r[0].bytes, 1000);
		assert_int_equal(got.r[0].dport, c[i].ports ? one->dport : 0);
		assert_int_equal(got.st.hdr_cut, c[i].cut);
		assert_int_equal(res.reject, FLOW_REJ_NONE);
	}
}

/* Extended gateway: source AS and the last AS of the destination path. */
static void test_gateway(void **state)
{
	(void)state;
	struct flow_sflow_gen g;
	gen_init(&g, 4, 1);
	struct flow_rec f = mk(4, 17, 1, 2, 0, 100, 0);
	uint8_t d[2048];
	size_t len = flow_sflow_gen_datagram(&g, &f, 1, NULL, 0, d, sizeof(d));
	/* append a gateway record to the one flow sample by hand */
	uint8_t gw[] = { 0, 0, 0, 1, 10, 0, 0, 1, 0, 0, 0xfd, 0xe8, /* next hop, own AS 65000 */
			 0, 0, 0xcd, 0x59,                          /* src AS 52569 */
			 0, 0, 0, 9,                                /* src peer AS */
			 0, 0, 0, 2,                                /* two segments */
			 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 100,      /* seq [100] */
			 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 200, 0, 0, 0x30, 0x39, /* seq [200, 12345] */
			 0, 0, 0, 0,                                /* no communities */
			 0, 0, 0, 0 };                              /* localpref */
	uint8_t e[2048];
	memcpy(e, d, len);
	size_t at = len;
	wr32(e + at, 1003);
	wr32(e + at + 4, sizeof(gw));
	memcpy(e + at + 8, gw, sizeof(gw));
	size_t nlen = len + 8 + sizeof(gw);
	wr32(e + S0 + 4, (uint32_t)(nlen - S0 - 8));
	wr32(e + S0_NREC, 2);
	static struct got got;
	memset(&got, 0, sizeof(got));
	struct flow_result res;
	assert_int_equal(decode(e, nlen, &got, &res), 0);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.r[0].src_as, 52569);
	assert_int_equal(got.r[0].dst_as, 12345);
	/* a segment claiming more ASNs than the record holds: the sample goes */
	e[at + 8 + 43] = 0xff; /* the second segment's count */
	memset(&got, 0, sizeof(got));
	assert_int_equal(decode(e, nlen, &got, &res), 0);
	assert_int_equal(got.n, 0);
	assert_int_equal(res.rejected_parts, 1);
}

/* Deterministic mutations of real datagrams: whatever the bytes, the
** decoder returns, never delivers more records than samples, and reads
** only inside the datagram (ASan). A smoke test; fuzz_flow_sflow is the
** long run. */
static void test_mutations(void **state)
{
	(void)state;
	uint8_t o[4096];
	size_t len = one_dgram(o, sizeof(o), 10);
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (int it = 0; it < 20000; it++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		/* one in four also cut short */
		size_t n = len - (size_t)((x >> 40) % 4 == 0 ? (x >> 20) % len : 0);
		uint8_t *d = malloc(n);
		memcpy(d, o, n);
		int flips = 1 + it % 8;
		for (int k = 0; k < flips; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			d[(x >> 8) % n] = (uint8_t)x;
		}
		static struct got got;
		memset(&got, 0, sizeof(got));
		struct flow_result res;
		struct flow_sflow_hdr h;
		struct flow_sflow_sink sink = { on_rec, on_ctr, &got, &got.st };
		int rc = flow_sflow_decode(d, n, &sink, &h, &res);
		assert_true(rc == 0 || rc == -1);
		if (rc == -1)
			assert_int_equal(got.n, 0);
		else
			assert_true(got.n <= h.samples);
		assert_int_equal(res.records, got.n);
		free(d);
	}
}

static void test_generator_bounds(void **state)
{
	(void)state;
	struct flow_sflow_gen g;
	gen_init(&g, 6, 7);
	size_t n;
	const struct flow_rec *f = mix(&n);
	uint8_t d[256];
	assert_int_equal(flow_sflow_gen_datagram(&g, f, n, NULL, 0, d, sizeof(d)), 0);
	assert_int_equal(g.sequence, 41); /* unchanged when it did not fit */
	assert_int_equal(g.sample_seq, 0);
	/* a frame is at least 60 bytes, its IP length at least its headers */
	struct flow_rec r = mk(4, 6, 1, 2, 0, 0, 0);
	uint8_t fr[128];
	assert_int_equal(flow_sflow_gen_frame(&g, &r, fr, sizeof(fr)), 60);
	assert_int_equal(fr[16], 0);
	assert_int_equal(fr[17], 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_raw_ip_headers),
		cmocka_unit_test(test_zero_rate),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_truncated_datagram),
		cmocka_unit_test(test_header_faults),
		cmocka_unit_test(test_sample_faults),
		cmocka_unit_test(test_unknown_formats),
		cmocka_unit_test(test_ipv6_maze),
		cmocka_unit_test(test_ipv6_fragments),
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_vlan_mpls),
		cmocka_unit_test(test_decoder_header_outcomes),
		cmocka_unit_test(test_short_sampler),
		cmocka_unit_test(test_gateway),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_generator_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
