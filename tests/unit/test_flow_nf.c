/*
** test_flow_nf.c — unit tests of the NetFlow v5, v9 and IPFIX decoders
** (src/flow/nf5.c, nf9.c) through the generators (gen_nf.c) and through
** hand-made hostile datagrams.
**
** A collector's user relies on two things: every flow a router exports
** is counted once with its numbers intact (round trips in every encoding
** a router may choose: templates before or after data, reduced-size
** counters, enterprise and variable-length fields, IPv4 and IPv6, a
** sampling rate from options data), and nothing a sender writes can crash
** the collector or grow its memory (truncations, field counts of zero or
** thousands, template floods, data with no template, a rate of 0).
** softflowd's exports are checked in tests/integration/test_flow_softflowd.c.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flow/flow.h"

/* ------------------------------------------------------------- helpers */

#define MAXR 512

struct got {
	struct flow_rec r[MAXR];
	size_t n;
};

static void collect(void *ctx, const struct flow_rec *r)
{
	struct got *g = ctx;
	if (g->n < MAXR)
		g->r[g->n] = *r;
	g->n++;
}

static uint64_t rng_state = 0x1234567887654321ull;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)rng_state;
}

/* n random records; family 4, 6 or mixed (0). Counters fit 32 bits so
** that every encoding can carry them, unless big. */
static void make_recs(struct flow_rec *r, size_t n, int family, bool big)
{
	static const uint8_t protos[] = {6, 17, 1, 58};
	for (size_t i = 0; i < n; i++) {
		memset(&r[i], 0, sizeof r[i]);
		r[i].family = family ? (uint8_t)family : (i % 3 == 2 ? 6 : 4);
		size_t al = r[i].family == 6 ? 16 : 4;
		for (size_t b = 0; b < al; b++) {
			r[i].src[b] = (uint8_t)rnd();
			r[i].dst[b] = (uint8_t)rnd();
		}
		r[i].proto = protos[rnd() % 4];
		r[i].tcp_flags = r[i].proto == 6 ? (uint8_t)rnd() : 0;
		r[i].sport = (uint16_t)rnd();
		r[i].dport = (uint16_t)rnd();
		r[i].src_as = rnd() & 0xffff;
		r[i].dst_as = rnd() & 0xffff;
		r[i].packets = 1 + rnd() % 100000;
		r[i].bytes = r[i].packets * (40 + rnd() % 1460);
		if (big)
			r[i].bytes += (uint64_t)1 << 40;
		r[i].first_ms = rnd();
		r[i].last_ms = rnd();
		r[i].frag = (uint8_t)(rnd() % 5 == 0);
	}
}

/* The fields a decoder must give back as they were sent. */
static void same_rec(const struct flow_rec *a, const struct flow_rec *b, bool v5)
{
	assert_int_equal(a->family, b->family);
	assert_memory_equal(a->src, b->src, 16);
	assert_memory_equal(a->dst, b->dst, 16);
	assert_int_equal(a->proto, b->proto);
	assert_int_equal(a->tcp_flags, b->tcp_flags);
	assert_int_equal(a->sport, b->sport);
	assert_int_equal(a->dport, b->dport);
	assert_int_equal(a->src_as, b->src_as);
	assert_int_equal(a->dst_as, b->dst_as);
	assert_int_equal(a->packets, b->packets);
	assert_int_equal(a->bytes, b->bytes);
	assert_int_equal(a->first_ms, b->first_ms);
	assert_int_equal(a->last_ms, b->last_ms);
	if (!v5)
		assert_int_equal(a->frag, b->frag);
}

/* Records come back per family (v4 set, then v6): find each sent one. */
static void same_set(const struct flow_rec *sent, size_t n, const struct got *g)
{
	assert_int_equal(g->n, n);
	size_t k = 0;
	for (int fam = 4; fam <= 6; fam += 2)
		for (size_t i = 0; i < n; i++)
			if (sent[i].family == fam)
				same_rec(&sent[i], &g->r[k++], false);
	assert_int_equal(k, n);
}

static uint8_t EXP[16];
static uint8_t EXP2[16];

static int setup(void **state)
{
	(void)state;
	flow_exporter_v4(EXP, 0xc0000201);  /* 192.0.2.1 */
	flow_exporter_v4(EXP2, 0xc0000202);
	return 0;
}

/* A hand-made datagram writer. */
struct msg {
	uint8_t b[70000];
	size_t n;
	size_t set_at;
	int version;
};

static void m8(struct msg *m, unsigned v) { m->b[m->n++] = (uint8_t)v; }
static void m16(struct msg *m, unsigned v) { m8(m, v >> 8); m8(m, v & 0xff); }
static void m32(struct msg *m, uint32_t v) { m16(m, v >> 16); m16(m, v & 0xffff); }

static void msg_begin(struct msg *m, int version, uint32_t domain)
{
	m->n = 0;
	m->version = version;
	m16(m, (unsigned)version);
	m16(m, 0);
	m32(m, 1);
	m32(m, 2);
	if (version == 9)
		m32(m, 3);
	m32(m, domain);
}

static void set_begin(struct msg *m, unsigned id)
{
	m->set_at = m->n;
	m16(m, id);
	m16(m, 0);
}

static void set_end(struct msg *m)
{
	size_t l = m->n - m->set_at;
	m->b[m->set_at + 2] = (uint8_t)(l >> 8);
	m->b[m->set_at + 3] = (uint8_t)l;
}

static void msg_end(struct msg *m)
{
	if (m->version == 10) {
		m->b[2] = (uint8_t)(m->n >> 8);
		m->b[3] = (uint8_t)m->n;
	}
}

/* ------------------------------------------------------------- NetFlow v5 */

static void test_nf5_round_trip(void **state)
{
	(void)state;
	struct flow_rec r[30];
	make_recs(r, 30, 4, false);
	uint8_t buf[2000];
	size_t used;
	size_t len = flow_gen_nf5(buf, sizeof buf, r, 30, 0, 7, &used);
	assert_int_equal(len, 24 + 48 * 30);
	assert_int_equal(used, 30);
	struct got *g = calloc(1, sizeof *g);
	struct flow_result res;
	flow_nf5_decode(buf, len, EXP, collect, g, &res);
	assert_int_equal(res.reject, FLOW_REJ_NONE);
	assert_int_equal(res.records, 30);
	assert_int_equal(g->n, 30);
	for (size_t i = 0; i < 30; i++) {
		same_rec(&r[i], &g->r[i], true);
		assert_int_equal(g->r[i].sampling, 1); /* unsampled */
		assert_int_equal(g->r[i].exporter4, 0xc0000201);
	}
	/* sampled 1 in 1000: the interval is the low 14 bits, the mode above */
	g->n = 0;
	len = flow_gen_nf5(buf, sizeof buf, r, 5, 1000, 8, &used);
	assert_int_equal(buf[22] >> 6, 1);
	flow_nf5_decode(buf, len, EXP, collect, g, &res);
	assert_int_equal(res.records, 5);
	assert_int_equal(res.sampling, 1000);
	assert_int_equal(g->r[4].sampling, 1000);
	free(g);
}

static void test_nf5_malformed(void **state)
{
	(void)state;
	struct flow_rec r[3];
	make_recs(r, 3, 4, false);
	uint8_t buf[24 + 48 * 31 + 1];
	size_t len = flow_gen_nf5(buf, sizeof buf, r, 3, 0, 1, NULL);
	struct got g0 = {0};
	struct got *g = &g0;
	struct flow_result res;
	/* truncated anywhere: nothing delivered, nothing read past the end
	** (each prefix is copied to a buffer of exactly its size for ASan) */
	for (size_t l = 0; l < len; l++) {
		uint8_t *cut = malloc(l ? l : 1);
		memcpy(cut, buf, l);
		flow_nf5_decode(cut, l, EXP, collect, g, &res);
		assert_int_equal(res.records, 0);
		assert_true(res.reject == (l < 24 ? FLOW_REJ_SHORT : FLOW_REJ_COUNT));
		free(cut);
	}
	assert_int_equal(g->n, 0);
	/* a trailing byte */
	flow_nf5_decode(buf, len + 1, EXP, collect, g, &res);
	assert_int_equal(res.reject, FLOW_REJ_COUNT);
	/* count 0 and 31 */
	buf[2] = 0, buf[3] = 0;
	flow_nf5_decode(buf, 24, EXP, collect, g, &res);
	assert_int_equal(res.reject, FLOW_REJ_COUNT);
	buf[3] = 31;
	memset(buf + 24, 0, 48 * 31);
	flow_nf5_decode(buf, 24 + 48 * 31, EXP, collect, g, &res);
	assert_int_equal(res.reject, FLOW_REJ_COUNT);
	/* count says 3 but 2 records follow */
	buf[3] = 3;
	flow_nf5_decode(buf, 24 + 48 * 2, EXP, collect, g, &res);
	assert_int_equal(res.reject, FLOW_REJ_COUNT);
	/* another version */
	buf[1] = 9;
	flow_nf5_decode(buf, 24 + 48 * 3, EXP, collect, g, &res);
	assert_int_equal(res.reject, FLOW_REJ_VERSION);
	assert_int_equal(g->n, 0);
}

/* ------------------------------------------------------------- v9 / IPFIX */

static void decode(struct flow_nf_cache *c, const uint8_t *b, size_t n, struct got *g,
		   struct flow_result *res, uint64_t now)
{
	flow_nf9_decode(c, b, n, EXP, now, collect, g, res);
}

static void round_trip(int version, unsigned count_len, bool extras, bool long_varlen)
{
	struct flow_rec r[40];
	make_recs(r, 40, 0, count_len == 8);
	if (count_len && count_len < 8)
		for (size_t i = 0; i < 40; i++) {
			/* values that fit the reduced size */
			uint64_t m = count_len >= 8 ? UINT64_MAX : (((uint64_t)1 << (8 * count_len)) - 1);
			r[i].packets &= m;
			r[i].bytes &= m;
		}
	struct flow_nf_cache *c = flow_nf_cache_new(NULL);
	assert_non_null(c);
	static uint8_t buf[9000];
	struct flow_gen_nf gn = {.version = (uint16_t)version, .domain = 42, .tmpl = FLOW_GEN_TMPL_BEFORE,
				 .count_len = (uint8_t)count_len, .extras = extras,
				 .long_varlen = long_varlen};
	size_t used;
	size_t len = flow_gen_nf9(buf, sizeof buf, &gn, r, 40, &used);
	assert_true(len > 0);
	assert_int_equal(used, 40);
	struct got *g = calloc(1, sizeof *g);
	struct flow_result res;
	decode(c, buf, len, g, &res, 1000);
	assert_int_equal(res.reject, FLOW_REJ_NONE);
	assert_int_equal(res.records, 40);
	same_set(r, 40, g);
	for (size_t i = 0; i < g->n; i++) {
		assert_int_equal(g->r[i].sampling, 1);
		assert_int_equal(g->r[i].exporter4, 0xc0000201);
	}
	/* the next datagram has data only: the cached template reads it */
	g->n = 0;
	gn.tmpl = FLOW_GEN_TMPL_NONE;
	len = flow_gen_nf9(buf, sizeof buf, &gn, r, 40, &used);
	decode(c, buf, len, g, &res, 1001);
	assert_int_equal(res.records, 40);
	same_set(r, 40, g);
	free(g);
	flow_nf_cache_free(c);
}

static void test_v9_round_trip(void **state)
{
	(void)state;
	round_trip(9, 0, false, false);
	for (unsigned cl = 1; cl <= 8; cl++)
		round_trip(9, cl, false, false);
}

static void test_ipfix_round_trip(void **state)
{
	(void)state;
	round_trip(10, 0, false, false);
	for (unsigned cl = 1; cl <= 8; cl++)
		round_trip(10, cl, false, false); /* reduced-size encoding, RFC 7011 6.2 */
	round_trip(10, 8, true, false);        /* enterprise + variable length (1 byte) */
	round_trip(10, 4, true, true);         /* variable length in the 3-byte form */
}

/* Data first, template after: in one datagram, and over two. */
static void test_data_before_template(void **state)
{
	(void)state;
	for (int version = 9; version <= 10; version++) {
		struct flow_rec r[10];
		make_recs(r, 10, 0, false);
		struct flow_nf_cache *c = flow_nf_cache_new(NULL);
		uint8_t buf[4000];
		struct got *g = calloc(1, sizeof *g);
		struct flow_result res;
		struct flow_gen_nf gn = {.version = (uint16_t)version, .domain = 1,
					 .tmpl = FLOW_GEN_TMPL_AFTER};
		size_t len = flow_gen_nf9(buf, sizeof buf, &gn, r, 10, NULL);
		decode(c, buf, len, g, &res, 0);
		assert_int_equal(res.reject, FLOW_REJ_NONE);
		same_set(r, 10, g);

		/* a router restarting: data of a template not yet sent */
		flow_nf_cache_free(c);
		c = flow_nf_cache_new(NULL);
		g->n = 0;
		gn.tmpl = FLOW_GEN_TMPL_NONE;
		len = flow_gen_nf9(buf, sizeof buf, &gn, r, 10, NULL);
		decode(c, buf, len, g, &res, 0);
		assert_int_equal(res.records, 0);
		assert_int_equal(res.reject, FLOW_REJ_NONE); /* held, not dropped */
		struct flow_nf_stats st;
		flow_nf_cache_stats(c, &st);
		assert_true(st.pending_bytes > 0);
		gn.tmpl = FLOW_GEN_TMPL_ONLY;
		len = flow_gen_nf9(buf, sizeof buf, &gn, r, 0, NULL);
		decode(c, buf, len, g, &res, 500);
		assert_int_equal(res.records, 10);
		same_set(r, 10, g);
		flow_nf_cache_stats(c, &st);
		assert_int_equal(st.pending_bytes, 0);
		assert_int_equal(st.pending_replayed, 2); /* the v4 set and the v6 set */
		free(g);
		flow_nf_cache_free(c);
	}
}

/* Held data is bounded in bytes and in age; beyond, it is dropped and
** counted as NO_TEMPLATE against the exporter. */
static void test_pending_bounds(void **state)
{
	(void)state;
	struct flow_nf_limits lim = {.pending_bytes = 4096, .pending_ms = 1000};
	struct flow_nf_cache *c = flow_nf_cache_new(&lim);
	struct flow_rec r[10];
	make_recs(r, 10, 4, false);
	uint8_t buf[4000];
	struct got g0 = {0};
	struct flow_result res;
	struct flow_gen_nf gn = {.version = 10, .domain = 1, .tmpl = FLOW_GEN_TMPL_NONE};
	size_t len = flow_gen_nf9(buf, sizeof buf, &gn, r, 10, NULL);
	int dropped = 0;
	for (int i = 0; i < 40; i++) {
		decode(c, buf, len, &g0, &res, 100);
		if (res.reject == FLOW_REJ_NO_TEMPLATE)
			dropped++;
	}
	struct flow_nf_stats st;
	flow_nf_cache_stats(c, &st);
	assert_true(st.pending_bytes <= 4096);
	assert_true(dropped > 0);
	assert_int_equal(st.pending_dropped, (uint64_t)dropped);
	/* too old: dropped (and counted) at the exporter's next datagram */
	gn.tmpl = FLOW_GEN_TMPL_ONLY;
	len = flow_gen_nf9(buf, sizeof buf, &gn, r, 0, NULL);
	decode(c, buf, len, &g0, &res, 100 + 1001);
	assert_int_equal(res.reject, FLOW_REJ_NO_TEMPLATE);
	assert_int_equal(res.records, 0);
	assert_int_equal(g0.n, 0);
	flow_nf_cache_stats(c, &st);
	assert_int_equal(st.pending_bytes, 0);
	assert_int_equal(st.pending_replayed, 0);
	flow_nf_cache_free(c);

	/* many exporters (spoofed sources) share one bound over them all */
	struct flow_nf_limits lim2 = {.pending_total = 8192};
	c = flow_nf_cache_new(&lim2);
	gn.tmpl = FLOW_GEN_TMPL_NONE;
	len = flow_gen_nf9(buf, sizeof buf, &gn, r, 10, NULL);
	dropped = 0;
	for (uint32_t e = 0; e < 100; e++) {
		uint8_t ex[16];
		flow_exporter_v4(ex, 0x0a000000 + e);
		flow_nf9_decode(c, buf, len, ex, 0, collect, &g0, &res);
		if (res.reject == FLOW_REJ_NO_TEMPLATE)
			dropped++;
	}
	flow_nf_cache_stats(c, &st);
	assert_true(st.pending_bytes <= 8192);
	assert_true(st.pending_bytes > 4096);
	assert_true(dropped > 50); /* each holds ~0.5 KiB: ~15 fit */
	flow_nf_cache_free(c);
}

/* IPFIX withdrawal of one template, and of all; a refresh that changes
** the layout replaces the old one. */
static void test_withdraw_and_refresh(void **state)
{
	(void)state;
	struct flow_nf_cache *c = flow_nf_cache_new(NULL);
	struct flow_rec r[4];
	make_recs(r, 4, 4, false);
	uint8_t buf[4000];
	struct got *g = calloc(1, sizeof *g);
	struct flow_result res;
	struct flow_gen_nf gn = {.version = 10, .domain = 5, .tmpl = FLOW_GEN_TMPL_ONLY, .sampling = 10};
	size_t len = flow_gen_nf9(buf, sizeof buf, &gn, r, 0, NULL);
	decode(c, buf, len, g, &res, 0);
	assert_int_equal(flow_nf_cache_templates(c, EXP, 5), 3);

	struct msg *m = calloc(1, sizeof *m);
	msg_begin(m, 10, 5);
	set_begin(m, 2);
	m16(m, 256); /* withdraw template 256 */
	m16(m, 0);
	set_end(m);
	msg_end(m);
	decode(c, m->b, m->n, g, &res, 0);
	assert_int_equal(res.reject, FLOW_REJ_NONE);
	assert_int_equal(flow_nf_cache_templates(c, EXP, 5), 2);
	/* data of the withdrawn template is not decoded with it any more */
	gn.tmpl = FLOW_GEN_TMPL_NONE;
	len = flow_gen_nf9(buf, sizeof buf, &gn, r, 4, NULL);
	decode(c, buf, len, g, &res, 0);
	assert_int_equal(res.records, 0);

	/* withdraw all templates (set 2, id 2), then all options templates */
	msg_begin(m, 10, 5);
	set_begin(m, 2);
	m16(m, 2);
	m16(m, 0);
	set_end(m);
	msg_end(m);
	decode(c, m->b, m->n, g, &res, 0);
	assert_int_equal(flow_nf_cache_templates(c, EXP, 5), 1); /* the options one stays */
	msg_begin(m, 10, 5);
	set_begin(m, 3);
	m16(m, 3);
	m16(m, 0);
	set_end(m);
	msg_end(m);
	decode(c, m->b, m->n, g, &res, 0);
	assert_int_equal(flow_nf_cache_templates(c, EXP, 5), 0);

	/* refresh: template 256 with 4-byte counters, then with 2-byte ones */
	flow_nf_cache_free(c);
	c = flow_nf_cache_new(NULL);
	for (size_t i = 0; i < 4; i++) {
		r[i].packets = 1000 + i;
		r[i].bytes = 60000 + i;
	}
	for (unsigned cl = 4; cl >= 2; cl -= 2) {
		g->n = 0;
		gn.tmpl = FLOW_GEN_TMPL_BEFORE;
		gn.sampling = 0;
		gn.count_len = (uint8_t)cl;
		len = flow_gen_nf9(buf, sizeof buf, &gn, r, 4, NULL);
		decode(c, buf, len, g, &res, 0);
		same_set(r, 4, g);
		/* and a data-only datagram read with the layout now in force */
		g->n = 0;
		gn.tmpl = FLOW_GEN_TMPL_NONE;
		len = flow_gen_nf9(buf, sizeof buf, &gn, r, 4, NULL);
		decode(c, buf, len, g, &res, 0);
		same_set(r, 4, g);
	}
	assert_int_equal(flow_nf_cache_templates(c, EXP, 5), 2);
	free(m);
	free(g);
	flow_nf_cache_free(c);
}

/* A template of n fields of type 1, length flen each. */
static void bad_template(struct msg *m, int version, unsigned nf, unsigned flen)
{
	msg_begin(m, version, 1);
	set_begin(m, version == 9 ? 0 : 2);
	m16(m, 300);
	m16(m, nf);
	for (unsigned i = 0; i < nf && m->n < 60000; i++) {
		m16(m, 1);
		m16(m, flen);
	}
	set_end(m);
	msg_end(m);
}

static void test_bad_templates(void **state)
{
	(void)state;
	struct flow_nf_cache *c = flow_nf_cache_new(NULL);
	struct msg *m = calloc(1, sizeof *m);
	struct got g0 = {0};
	struct flow_result res;
	/* v9: zero fields */
	bad_template(m, 9, 0, 4);
	decode(c, m->b, m->n, &g0, &res, 0);
	assert_int_equal(res.reject, FLOW_REJ_TEMPLATE);
	/* more fields than the bound (512) */
	for (int v = 9; v <= 10; v++) {
		bad_template(m, v, 600, 4);
		decode(c, m->b, m->n, &g0, &res, 0);
		assert_int_equal(res.reject, FLOW_REJ_TEMPLATE);
		/* a field count of thousands */
		bad_template(m, v, 60000, 4);
		decode(c, m->b, m->n, &g0, &res, 0);
		assert_int_equal(res.reject, FLOW_REJ_TEMPLATE);
		/* 10 fields announced, 3 in the set */
		bad_template(m, v, 10, 4);
		m->n -= 7 * 4;
		set_end(m);
		msg_end(m);
		decode(c, m->b, m->n, &g0, &res, 0);
		assert_int_equal(res.reject, FLOW_REJ_SHORT);
		/* a record length of 0 */
		bad_template(m, v, 3, 0);
		decode(c, m->b, m->n, &g0, &res, 0);
		assert_int_equal(res.reject, FLOW_REJ_TEMPLATE);
	}
	/* the bound itself is fine */
	bad_template(m, 10, 512, 1);
	decode(c, m->b, m->n, &g0, &res, 0);
	assert_int_equal(res.reject, FLOW_REJ_NONE);
	assert_int_equal(flow_nf_cache_templates(c, EXP, 1), 1);
	/* a set length under 4, and one past the datagram */
	msg_begin(m, 10, 1);
	set_begin(m, 256);
	m32(m, 0);
	set_end(m);
	m->b[m->set_at + 3] = 2;
	msg_end(m);
	decode(c, m->b, m->n, &g0, &res, 0);
	assert_int_equal(res.reject, FLOW_REJ_COUNT);
	m->b[m->set_at + 3] = 200;
	decode(c, m->b, m->n, &g0, &res, 0);
	assert_int_equal(res.reject, FLOW_REJ_SHORT);
	/* IPFIX message length past the datagram, other version */
	m->b[2] = 0xff;
	decode(c, m->b, m->n, &g0, &res, 0);
	assert_int_equal(res.reject, FLOW_REJ_SHORT);
	m->b[1] = 11;
	decode(c, m->b, m->n, &g0, &res, 0);
	assert_int_equal(res.reject, FLOW_REJ_VERSION);
	assert_int_equal(g0.n, 0);
	free(m);
	flow_nf_cache_free(c);
}

/* A flood of distinct templates: refused past the per-exporter bound,
** counted, and the cache holds no more than the bound; another exporter
** is not affected. */
static void test_template_flood(void **state)
{
	(void)state;
	struct flow_nf_cache *c = flow_nf_cache_new(NULL);
	struct msg *m = calloc(1, sizeof *m);
	struct got g0 = {0};
	struct flow_result res;
	unsigned limited = 0;
	for (unsigned dg = 0; dg < 100; dg++) {
		msg_begin(m, 10, dg % 3);
		set_begin(m, 2);
		for (unsigned t = 0; t < 20; t++) {
			m16(m, 256 + dg * 20 + t);
			m16(m, 2);
			m16(m, 8);
			m16(m, 4);
			m16(m, 12);
			m16(m, 4);
		}
		set_end(m);
		msg_end(m);
		decode(c, m->b, m->n, &g0, &res, dg);
		if (res.reject == FLOW_REJ_LIMIT)
			limited += res.rejected_parts;
	}
	struct flow_nf_stats st;
	flow_nf_cache_stats(c, &st);
	assert_int_equal(st.templates, 256);
	assert_int_equal(st.templates_refused, 2000 - 256);
	assert_int_equal(limited, 2000 - 256);
	/* refreshing a known template still works at the bound */
	msg_begin(m, 10, 0);
	set_begin(m, 2);
	m16(m, 256);
	m16(m, 2);
	m16(m, 8);
	m16(m, 4);
	m16(m, 12);
	m16(m, 4);
	set_end(m);
	msg_end(m);
	decode(c, m->b, m->n, &g0, &res, 0);
	assert_int_equal(res.reject, FLOW_REJ_NONE);
	/* another exporter has its own bound */
	flow_nf9_decode(c, m->b, m->n, EXP2, 0, collect, &g0, &res);
	assert_int_equal(res.reject, FLOW_REJ_NONE);
	assert_int_equal(flow_nf_cache_templates(c, EXP2, 0), 1);
	free(m);
	flow_nf_cache_free(c);

	/* the exporter bound */
	struct flow_nf_limits lim = {.exporters = 2};
	c = flow_nf_cache_new(&lim);
	uint8_t e3[16];
	flow_exporter_v4(e3, 0x0a000003);
	uint8_t buf[400];
	struct flow_gen_nf gn = {.version = 9, .tmpl = FLOW_GEN_TMPL_ONLY};
	size_t len = flow_gen_nf9(buf, sizeof buf, &gn, NULL, 0, NULL);
	flow_nf9_decode(c, buf, len, EXP, 0, collect, &g0, &res);
	flow_nf9_decode(c, buf, len, EXP2, 0, collect, &g0, &res);
	assert_int_equal(res.reject, FLOW_REJ_NONE);
	flow_nf9_decode(c, buf, len, e3, 0, collect, &g0, &res);
	assert_int_equal(res.reject, FLOW_REJ_LIMIT);
	flow_nf_cache_free(c);

	/* template memory over all exporters: 1000 exporters each flooding
	** templates of 400 fields stay within template_bytes */
	struct flow_nf_limits lim3 = {.template_bytes = 1 << 20};
	c = flow_nf_cache_new(&lim3);
	m = calloc(1, sizeof *m);
	uint64_t refused = 0;
	for (uint32_t e = 0; e < 1000; e++) {
		uint8_t ex[16];
		flow_exporter_v4(ex, 0x0a000000 + e);
		for (unsigned k = 0; k < 3; k++) {
			bad_template(m, 10, 400, 2);
			m->b[16 + 4] = (uint8_t)(1 + k); /* template id 256 * (1 + k) + 44 */
			flow_nf9_decode(c, m->b, m->n, ex, 0, collect, &g0, &res);
			if (res.reject == FLOW_REJ_LIMIT)
				refused++;
		}
	}
	struct flow_nf_stats st2;
	flow_nf_cache_stats(c, &st2);
	assert_true(st2.template_bytes <= (1 << 20));
	assert_true(refused > 0);
	assert_int_equal(st2.templates_refused, refused);
	assert_true(st2.templates > 100);
	free(m);
	flow_nf_cache_free(c);
}

/* The sampling rate from options data applies to later records of the
** (exporter, domain); 0 reads as 1 and is counted. */
static void test_sampling(void **state)
{
	(void)state;
	struct flow_rec r[6];
	make_recs(r, 6, 0, false);
	uint8_t buf[4000];
	struct got *g = calloc(1, sizeof *g);
	struct flow_result res;
	for (int version = 9; version <= 10; version++)
		for (int ie = 0; ie < 3; ie++) {
			struct flow_nf_cache *c = flow_nf_cache_new(NULL);
			struct flow_gen_nf gn = {.version = (uint16_t)version, .domain = 3,
						 .tmpl = FLOW_GEN_TMPL_BEFORE, .sampling = 512,
						 .opt_random = ie == 1, .opt_packet = ie == 2};
			g->n = 0;
			size_t len = flow_gen_nf9(buf, sizeof buf, &gn, r, 6, NULL);
			decode(c, buf, len, g, &res, 0);
			assert_int_equal(res.sampling, 512);
			same_set(r, 6, g);
			for (size_t i = 0; i < 6; i++)
				assert_int_equal(g->r[i].sampling, 512);
			/* later datagrams, no options: the rate stays */
			g->n = 0;
			gn.tmpl = FLOW_GEN_TMPL_NONE;
			len = flow_gen_nf9(buf, sizeof buf, &gn, r, 6, NULL);
			decode(c, buf, len, g, &res, 0);
			assert_int_equal(g->r[5].sampling, 512);
			/* another domain of the same exporter is unsampled */
			g->n = 0;
			gn.domain = 4;
			gn.tmpl = FLOW_GEN_TMPL_BEFORE;
			gn.sampling = 0;
			len = flow_gen_nf9(buf, sizeof buf, &gn, r, 6, NULL);
			decode(c, buf, len, g, &res, 0);
			assert_int_equal(g->r[0].sampling, 1);
			/* a rate of 0 */
			g->n = 0;
			gn.domain = 3;
			gn.tmpl = FLOW_GEN_TMPL_BEFORE;
			/* the generator writes no options for 0: patch one in */
			gn.sampling = 77;
			len = flow_gen_nf9(buf, sizeof buf, &gn, r, 6, NULL);
			for (size_t i = 0; i + 4 <= len; i++)
				if (buf[i] == 0 && buf[i + 1] == 0 && buf[i + 2] == 0 && buf[i + 3] == 77)
					buf[i + 3] = 0;
			decode(c, buf, len, g, &res, 0);
			assert_int_equal(res.sampling, 1);
			assert_int_equal(g->r[0].sampling, 1);
			struct flow_nf_stats st;
			flow_nf_cache_stats(c, &st);
			assert_int_equal(st.sampling_zero, 1);
			flow_nf_cache_free(c);
		}
	free(g);
}

/* Every prefix of real datagrams, and every single-byte corruption of a
** header field, in a cache that keeps its state: no crash, no read past
** the end (ASan), bounded output. */
static void test_truncated_and_corrupt(void **state)
{
	(void)state;
	struct flow_rec r[12];
	make_recs(r, 12, 0, false);
	static uint8_t buf[4000];
	struct got *g = calloc(1, sizeof *g);
	struct flow_result res;
	for (int version = 9; version <= 10; version++) {
		struct flow_nf_cache *c = flow_nf_cache_new(NULL);
		struct flow_gen_nf gn = {.version = (uint16_t)version, .domain = 9,
					 .tmpl = FLOW_GEN_TMPL_AFTER, .sampling = 4,
					 .extras = true};
		size_t len = flow_gen_nf9(buf, sizeof buf, &gn, r, 12, NULL);
		for (size_t l = 0; l <= len; l++) {
			uint8_t *cut = malloc(l ? l : 1);
			memcpy(cut, buf, l);
			g->n = 0;
			flow_nf9_decode(c, cut, l, EXP, l, collect, g, &res);
			/* held prefixes replay when a template comes: bounded by
			** the held bytes, not by this datagram */
			assert_true(res.records <= 12 + 64 * 1024 / 8);
			free(cut);
		}
		for (size_t at = 0; at < len; at++) {
			uint8_t *cp = malloc(len);
			memcpy(cp, buf, len);
			cp[at] ^= (uint8_t)(1u << (at % 8));
			g->n = 0;
			flow_nf9_decode(c, cp, len, EXP, at, collect, g, &res);
			assert_true(res.records <= 12 + 64 * 1024 / 8);
			free(cp);
		}
		struct flow_nf_stats st;
		flow_nf_cache_stats(c, &st);
		assert_true(st.templates <= 256);
		flow_nf_cache_free(c);
	}
	free(g);
}

/* One template carrying both IPv4 and IPv6 address fields (some routers
** export that way), with ipVersion (60) saying which one a record uses,
** and ICMP type/code (32) where the destination port would be. */
static void test_dual_stack_template(void **state)
{
	(void)state;
	struct flow_nf_cache *c = flow_nf_cache_new(NULL);
	struct msg *m = calloc(1, sizeof *m);
	struct got *g = calloc(1, sizeof *g);
	struct flow_result res;
	msg_begin(m, 10, 1);
	set_begin(m, 2);
	m16(m, 300);
	m16(m, 8);
	static const unsigned f[8][2] = {{8, 4}, {12, 4}, {27, 16}, {28, 16}, {60, 1}, {4, 1},
					 {32, 2}, {2, 4}};
	for (int i = 0; i < 8; i++) {
		m16(m, f[i][0]);
		m16(m, f[i][1]);
	}
	set_end(m);
	set_begin(m, 300);
	for (int k = 0; k < 2; k++) {
		m32(m, k ? 0 : 0x0a000001);
		m32(m, k ? 0 : 0x0a000002);
		for (int b = 0; b < 16; b++)
			m8(m, k ? (b == 0 ? 0x20 : b == 15 ? 1 : 0) : 0);
		for (int b = 0; b < 16; b++)
			m8(m, k ? (b == 0 ? 0x20 : b == 15 ? 2 : 0) : 0);
		m8(m, k ? 6 : 4);
		m8(m, k ? 58 : 1);
		m16(m, 0x0800); /* echo request */
		m32(m, 7 + (uint32_t)k);
	}
	set_end(m);
	msg_end(m);
	decode(c, m->b, m->n, g, &res, 0);
	assert_int_equal(res.reject, FLOW_REJ_NONE);
	assert_int_equal(g->n, 2);
	assert_int_equal(g->r[0].family, 4);
	assert_int_equal(g->r[0].dst[3], 2);
	assert_int_equal(g->r[0].proto, 1);
	assert_int_equal(g->r[0].dport, 0x0800);
	assert_int_equal(g->r[0].packets, 7);
	assert_int_equal(g->r[1].family, 6);
	assert_int_equal(g->r[1].dst[0], 0x20);
	assert_int_equal(g->r[1].dst[15], 2);
	assert_int_equal(g->r[1].packets, 8);
	free(g);
	free(m);
	flow_nf_cache_free(c);
}

/* PSAMP systematic sampling in options data: samplingPacketInterval (305)
** packets taken, samplingPacketSpace (306) skipped, so 1 in 1 + 99. */
static void test_sampling_packet_space(void **state)
{
	(void)state;
	struct flow_nf_cache *c = flow_nf_cache_new(NULL);
	struct msg *m = calloc(1, sizeof *m);
	struct got *g = calloc(1, sizeof *g);
	struct flow_result res;
	msg_begin(m, 10, 8);
	set_begin(m, 3);
	m16(m, 400);
	m16(m, 3);
	m16(m, 1);
	m16(m, 149), m16(m, 4);
	m16(m, 305), m16(m, 4);
	m16(m, 306), m16(m, 4);
	set_end(m);
	set_begin(m, 400);
	m32(m, 8);
	m32(m, 1);
	m32(m, 99);
	set_end(m);
	msg_end(m);
	decode(c, m->b, m->n, g, &res, 0);
	assert_int_equal(res.reject, FLOW_REJ_NONE);
	assert_int_equal(res.sampling, 100);
	/* flows of that domain are now 1 in 100 */
	struct flow_rec r[2];
	make_recs(r, 2, 4, false);
	uint8_t buf[2000];
	struct flow_gen_nf gn = {.version = 10, .domain = 8, .tmpl = FLOW_GEN_TMPL_BEFORE};
	size_t len = flow_gen_nf9(buf, sizeof buf, &gn, r, 2, NULL);
	decode(c, buf, len, g, &res, 0);
	assert_int_equal(g->n, 2);
	assert_int_equal(g->r[0].sampling, 100);
	assert_int_equal(g->r[1].sampling, 100);
	free(g);
	free(m);
	flow_nf_cache_free(c);
}

/* The metrics label a refused datagram by its reason's name: a truncated
** v5 export and a wrong version must read as such per exporter, and every
** reason has a name of its own (an operator's alert keys on them). */
static void test_reject_names(void **state)
{
	(void)state;
	uint8_t buf[24 + 48];
	struct flow_rec r[1];
	memset(r, 0, sizeof r);
	r[0].family = 4;
	size_t used;
	size_t len = flow_gen_nf5(buf, sizeof buf, r, 1, 0, 1, &used);
	struct got *g = calloc(1, sizeof *g);
	struct flow_result res;
	flow_nf5_decode(buf, len - 1, EXP, collect, g, &res);
	assert_string_equal(flow_reject_name(res.reject), "count");
	flow_nf5_decode(buf, 10, EXP, collect, g, &res);
	assert_string_equal(flow_reject_name(res.reject), "short");
	buf[1] = 9;
	flow_nf5_decode(buf, len, EXP, collect, g, &res);
	assert_string_equal(flow_reject_name(res.reject), "version");
	for (int a = 0; a < FLOW_REJ_COUNT_MAX; a++)
		for (int b = a + 1; b < FLOW_REJ_COUNT_MAX; b++)
			assert_string_not_equal(flow_reject_name((enum flow_reject)a),
						flow_reject_name((enum flow_reject)b));
	assert_string_equal(flow_reject_name(FLOW_REJ_COUNT_MAX), "unknown");
	free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_nf5_round_trip, setup),
		cmocka_unit_test_setup(test_nf5_malformed, setup),
		cmocka_unit_test_setup(test_reject_names, setup),
		cmocka_unit_test_setup(test_v9_round_trip, setup),
		cmocka_unit_test_setup(test_ipfix_round_trip, setup),
		cmocka_unit_test_setup(test_data_before_template, setup),
		cmocka_unit_test_setup(test_pending_bounds, setup),
		cmocka_unit_test_setup(test_withdraw_and_refresh, setup),
		cmocka_unit_test_setup(test_bad_templates, setup),
		cmocka_unit_test_setup(test_template_flood, setup),
		cmocka_unit_test_setup(test_sampling, setup),
		cmocka_unit_test_setup(test_truncated_and_corrupt, setup),
		cmocka_unit_test_setup(test_dual_stack_template, setup),
		cmocka_unit_test_setup(test_sampling_packet_space, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
