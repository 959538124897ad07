/*
** test_flow_detect.c — counting and detection (src/flow/count.c,
** detect.c, hh.c) on an injected clock: a tick is a call with a time, the
** test never sleeps. What an operator relies on: an attack at 1.2x, 2x or
** 5x a threshold is reported on the 100 ms tick that completes the
** crossing (within 1 s of its first packet, where FastNetMon took 8.9 s at
** 1.2x); 0.9x is never an attack; the vector is named; sampled flows count
** as what they stand for; a learned threshold follows the hour of the
** week; an attack ends after the quiet time; traffic of hosts outside the
** constituency is never counted; per-thread shards sum to one count.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <stdio.h>

#include <cmocka.h>

#include "flow/flow.h"

#define MONDAY_MS 1796601600000ull /* 2026-12-07 00:00 UTC, a Monday */

struct ev {
	enum flow_event_kind kind;
	struct flow_attack a;
	size_t ntl;
};

struct env {
	struct flow_hosts *hosts;
	struct flow_count *count;
	struct flow_detect *det;
	struct ev ev[64];
	size_t nev;
	uint64_t now;
};

static void on_event(void *ctx, enum flow_event_kind kind,
		     const struct flow_attack *a)
{
	struct env *e = ctx;
	if (e->nev < 64) {
		e->ev[e->nev].kind = kind;
		e->ev[e->nev].a = *a;
		e->ev[e->nev].ntl = a->ntimeline;
		e->nev++;
	}
}

static struct flow_prefix pfx4(unsigned a, unsigned b, unsigned c,
			       unsigned d, unsigned len)
{
	struct flow_prefix p = {.family = 4, .len = (uint8_t)len};
	p.addr[0] = (uint8_t)a;
	p.addr[1] = (uint8_t)b;
	p.addr[2] = (uint8_t)c;
	p.addr[3] = (uint8_t)d;
	return p;
}

static struct flow_detect_cfg base_cfg(void)
{
	struct flow_detect_cfg c;
	memset(&c, 0, sizeof c);
	c.in.v[FLOW_C_PKTS] = 10000;
	c.out.v[FLOW_C_PKTS] = 10000;
	c.quiet_ms = 5000;
	return c;
}

static void env_init(struct env *e, const struct flow_detect_cfg *cfg,
		     unsigned shards)
{
	memset(e, 0, sizeof *e);
	struct flow_prefix ps[] = {pfx4(203, 0, 113, 0, 24),
				   pfx4(198, 51, 100, 0, 24)};
	struct perr err;
	e->hosts = flow_hosts_build(ps, 2, 0, &err);
	assert_non_null(e->hosts);
	struct flow_count_cfg cc = {.shards = shards};
	e->count = flow_count_new(e->hosts, &cc, &err);
	assert_non_null(e->count);
	e->det = flow_detect_new(cfg, on_event, e, &err);
	assert_non_null(e->det);
	e->now = MONDAY_MS + 10 * 3600000ull; /* a tick boundary */
}

static void env_free(struct env *e)
{
	flow_detect_free(e->det);
	flow_count_free(e->count);
	flow_hosts_free(e->hosts);
}

static struct flow_rec rec(const uint8_t src[4], const uint8_t dst[4],
			   uint8_t proto, uint64_t packets)
{
	struct flow_rec r;
	memset(&r, 0, sizeof r);
	r.family = 4;
	r.proto = proto;
	memcpy(r.src, src, 4);
	memcpy(r.dst, dst, 4);
	r.packets = packets;
	r.bytes = packets * 100;
	r.sampling = 1;
	r.sport = 40000;
	r.dport = 80;
	return r;
}

static const uint8_t VICTIM[4] = {203, 0, 113, 10};
static const uint8_t OUTSIDE[4] = {8, 8, 8, 8};

/* One 100 ms tick: the records of the tick, then the tick at its end. */
static void tick(struct env *e)
{
	e->now += 100;
	flow_count_tick_quiescent(e->count, e->now);
	flow_detect_tick(e->det, e->count, e->now);
}

/* pps for ms milliseconds of records shaped like tmpl (packets per record
** = pps / 100, ten records per tick), ticking as time passes. */
static void feed(struct env *e, const struct flow_rec *tmpl, uint64_t pps,
		 uint64_t ms)
{
	struct flow_shard *s = flow_count_shard(e->count, 0);
	bool inbound = flow_hosts_lookup(e->hosts, 4, tmpl->src) == FLOW_HOST_NONE;
	for (uint64_t t = 0; t < ms; t += 100) {
		struct flow_rec r = *tmpl;
		for (int k = 0; k < 10; k++) {
			r.packets = pps / 100;
			r.bytes = r.packets * 100;
			if (inbound)
				r.src[3] = (uint8_t)(k + 1); /* a few sources */
			flow_shard_add(s, &r);
		}
		tick(e);
	}
}

static size_t count_kind(const struct env *e, enum flow_event_kind k)
{
	size_t n = 0;
	for (size_t i = 0; i < e->nev; i++)
		n += e->ev[i].kind == k;
	return n;
}

/* Ramp at x times the threshold: reported on the first tick whose 1 s sum
** exceeds the threshold, never later, and within 1 s of the first packet. */
static void ramp(unsigned tenths, uint64_t expect_ms)
{
	struct env e;
	struct flow_detect_cfg cfg = base_cfg();
	env_init(&e, &cfg, 1);
	struct flow_rec r = rec(OUTSIDE, VICTIM, 17, 0);
	uint64_t first = e.now; /* the first record goes into this tick */
	feed(&e, &r, 10000ull * tenths / 10, 2000);
	assert_int_equal(count_kind(&e, FLOW_EV_START), 1);
	const struct flow_attack *a = &e.ev[0].a;
	assert_int_equal(e.ev[0].kind, FLOW_EV_START);
	assert_int_equal(a->start_ms - first, expect_ms);
	assert_true(a->start_ms - first <= 1000);
	assert_int_equal(a->dir, FLOW_IN);
	assert_int_equal(a->metric, FLOW_C_PKTS);
	assert_int_equal(a->threshold, 10000);
	assert_true(a->value > 10000);
	assert_memory_equal(a->addr, VICTIM, 4);
	assert_true(e.ev[0].ntl >= 1);
	env_free(&e);
}

static void test_ramp_1_2x(void **state)
{
	(void)state;
	ramp(12, 900); /* 9 ticks x 1,200 = 10,800 > 10,000; 8 ticks: 9,600 */
}

static void test_ramp_2x(void **state)
{
	(void)state;
	ramp(20, 600); /* 6 x 2,000 = 12,000; 5 ticks = 10,000, not over */
}

static void test_ramp_5x(void **state)
{
	(void)state;
	ramp(50, 300); /* 3 x 5,000; 2 ticks = 10,000, not over */
}

static void test_below_threshold(void **state)
{
	(void)state;
	struct env e;
	struct flow_detect_cfg cfg = base_cfg();
	env_init(&e, &cfg, 1);
	struct flow_rec r = rec(OUTSIDE, VICTIM, 6, 0);
	feed(&e, &r, 9000, 10000);
	assert_int_equal(e.nev, 0);
	const uint64_t *s = flow_count_sums(e.count,
					    flow_hosts_lookup(e.hosts, 4, VICTIM),
					    FLOW_IN);
	assert_non_null(s);
	assert_int_equal(s[FLOW_C_PKTS], 9000);
	assert_int_equal(s[FLOW_C_TCP_PKTS], 9000);
	assert_int_equal(s[FLOW_C_FLOWS], 100);
	env_free(&e);
}

/* The class of a 5x flood shaped like r. */
static enum flow_attack_type classify_one(struct flow_rec r, uint16_t *amp,
					  enum flow_dir *dir)
{
	struct env e;
	struct flow_detect_cfg cfg = base_cfg();
	env_init(&e, &cfg, 1);
	feed(&e, &r, 50000, 1000);
	assert_int_equal(count_kind(&e, FLOW_EV_START), 1);
	enum flow_attack_type t = e.ev[0].a.type;
	*amp = e.ev[0].a.amp_port;
	*dir = e.ev[0].a.dir;
	env_free(&e);
	return t;
}

static void test_classes(void **state)
{
	(void)state;
	uint16_t amp;
	enum flow_dir dir;
	struct flow_rec r = rec(OUTSIDE, VICTIM, 6, 0);
	r.tcp_flags = 0x02;
	assert_int_equal(classify_one(r, &amp, &dir), FLOW_ATK_SYN_FLOOD);
	assert_int_equal(dir, FLOW_IN);
	r.tcp_flags = 0x12; /* SYN-ACK reflection is not a SYN flood */
	assert_int_equal(classify_one(r, &amp, &dir), FLOW_ATK_TCP_FLOOD);
	r = rec(OUTSIDE, VICTIM, 17, 0);
	assert_int_equal(classify_one(r, &amp, &dir), FLOW_ATK_UDP_FLOOD);
	r = rec(OUTSIDE, VICTIM, 1, 0);
	r.sport = r.dport = 0;
	assert_int_equal(classify_one(r, &amp, &dir), FLOW_ATK_ICMP_FLOOD);
	r = rec(OUTSIDE, VICTIM, 17, 0);
	r.frag = 1;
	r.sport = r.dport = 0;
	assert_int_equal(classify_one(r, &amp, &dir), FLOW_ATK_FRAGMENTS);

	static const struct {
		uint16_t port;
		const char *name;
	} amps[] = {{53, "dns"}, {123, "ntp"}, {1900, "ssdp"},
		    {11211, "memcached"}, {389, "cldap"}, {19, "chargen"}};
	for (size_t i = 0; i < sizeof amps / sizeof amps[0]; i++) {
		r = rec(OUTSIDE, VICTIM, 17, 0);
		r.sport = amps[i].port;
		r.dport = 4444;
		assert_int_equal(classify_one(r, &amp, &dir),
				 FLOW_ATK_AMPLIFICATION);
		assert_int_equal(amp, amps[i].port);
		assert_string_equal(flow_amp_name(flow_amp_port(amp)),
				    amps[i].name);
	}
	/* A constituent's host flooding someone outside: outbound. */
	r = rec(VICTIM, OUTSIDE, 17, 0);
	r.sport = 53; /* leaving FROM 53 is not a reflection we receive */
	assert_int_equal(classify_one(r, &amp, &dir), FLOW_ATK_UDP_FLOOD);
	assert_int_equal(dir, FLOW_OUT);
	assert_int_equal(amp, 0);
}

/* 1-in-100 sampled flows count as 100 flows of 100x the packets. */
static void test_sampling_scales(void **state)
{
	(void)state;
	struct env e;
	struct flow_detect_cfg cfg = base_cfg();
	env_init(&e, &cfg, 1);
	struct flow_rec r = rec(OUTSIDE, VICTIM, 17, 6);
	r.sampling = 100;
	for (int i = 0; i < 10; i++)
		flow_shard_add(flow_count_shard(e.count, 0), &r);
	tick(&e);
	const uint64_t *s = flow_count_sums(e.count,
					    flow_hosts_lookup(e.hosts, 4, VICTIM),
					    FLOW_IN);
	assert_non_null(s);
	assert_int_equal(s[FLOW_C_PKTS], 6000);
	assert_int_equal(s[FLOW_C_BYTES], 600000); /* 10 x 600 B x 100 */
	assert_int_equal(s[FLOW_C_FLOWS], 1000);
	assert_int_equal(s[FLOW_C_UDP_FLOWS], 1000);
	assert_int_equal(e.nev, 0);
	/* A sampling rate of 0 (unknown) counts as 1, never as 0. */
	r.sampling = 0;
	flow_shard_add(flow_count_shard(e.count, 0), &r);
	tick(&e);
	s = flow_count_sums(e.count, flow_hosts_lookup(e.hosts, 4, VICTIM),
			    FLOW_IN);
	assert_int_equal(s[FLOW_C_PKTS], 6006);
	/* 2x the threshold carried by sampled records is an attack. */
	r.sampling = 1000;
	r.packets = 3; /* 3,000 per record, 10 a tick: 30,000 pps */
	for (int t = 0; t < 10; t++) {
		for (int i = 0; i < 10; i++)
			flow_shard_add(flow_count_shard(e.count, 0), &r);
		tick(&e);
	}
	assert_int_equal(count_kind(&e, FLOW_EV_START), 1);
	env_free(&e);
}

static void test_end_after_quiet(void **state)
{
	(void)state;
	struct env e;
	struct flow_detect_cfg cfg = base_cfg();
	env_init(&e, &cfg, 1);
	struct flow_rec r = rec(OUTSIDE, VICTIM, 17, 0);
	feed(&e, &r, 50000, 3000);
	assert_int_equal(count_kind(&e, FLOW_EV_START), 1);
	/* Once a second while it lasts. */
	assert_true(count_kind(&e, FLOW_EV_UPDATE) >= 2);
	uint64_t last_over = 0;
	for (int i = 0; i < 100 && !count_kind(&e, FLOW_EV_END); i++) {
		tick(&e);
		if (!last_over) { /* the window drains over 1 s */
			const uint64_t *s = flow_count_sums(
				e.count, flow_hosts_lookup(e.hosts, 4, VICTIM),
				FLOW_IN);
			if (!s || s[FLOW_C_PKTS] <= 10000)
				last_over = e.now - 100;
		}
	}
	assert_int_equal(count_kind(&e, FLOW_EV_END), 1);
	const struct ev *end = &e.ev[e.nev - 1];
	assert_int_equal(end->kind, FLOW_EV_END);
	assert_int_equal(end->a.end_ms - end->a.last_over_ms, 5000);
	assert_int_equal(end->a.last_over_ms, last_over);
	assert_int_equal(end->a.peak_pps, 50000);
	assert_int_equal(end->a.peak_bps, 50000ull * 100 * 8);
	assert_true(end->ntl >= 7);
	/* The sketch names the sources that carried it. */
	struct flow_hh_item top[4];
	size_t n = flow_hh_top(&end->a.top[FLOW_TOP_SRC], top, 4);
	assert_true(n >= 1);
	assert_int_equal(top[0].key[0], 8);
	/* ... and carries flows as exported, for the incident's evidence. */
	assert_true(end->a.nsample >= 1);
	assert_memory_equal(end->a.sample[0].dst, VICTIM, 4);
	assert_int_equal(end->a.sample[0].proto, 17);
	assert_int_equal(flow_detect_open(e.det), 0);

	/* FastNetMon's ban_time without unban_only_if_attack_finished: the
	** attack ends when ban_time is over, even while it goes on. */
	env_free(&e);
	cfg.ban_ms = 2000;
	cfg.unban_only_if_finished = false;
	env_init(&e, &cfg, 1);
	feed(&e, &r, 50000, 4000);
	assert_true(count_kind(&e, FLOW_EV_END) >= 1);
	for (size_t i = 0; i < e.nev; i++)
		if (e.ev[i].kind == FLOW_EV_END)
			assert_int_equal(e.ev[i].a.end_ms - e.ev[i].a.start_ms,
					 2000);
	env_free(&e);
	/* ... and with it: not before the traffic has stopped. */
	cfg.unban_only_if_finished = true;
	cfg.quiet_ms = 1000;
	env_init(&e, &cfg, 1);
	feed(&e, &r, 50000, 4000);
	assert_int_equal(count_kind(&e, FLOW_EV_END), 0);
	for (int i = 0; i < 40; i++)
		tick(&e);
	assert_int_equal(count_kind(&e, FLOW_EV_END), 1);
	env_free(&e);
}

static void count_cb(void *ctx, const struct flow_entry_view *v)
{
	(void)v;
	(*(int *)ctx)++;
}

static void test_outside_never_counts(void **state)
{
	(void)state;
	struct env e;
	struct flow_detect_cfg cfg = base_cfg();
	env_init(&e, &cfg, 1);
	const uint8_t other[4] = {1, 1, 1, 1};
	struct flow_rec r = rec(other, OUTSIDE, 17, 0);
	feed(&e, &r, 1000000, 2000);
	/* Just outside the protected /24s too. */
	const uint8_t near[4] = {203, 0, 114, 0};
	r = rec(other, near, 17, 0);
	feed(&e, &r, 1000000, 1000);
	int n = 0;
	flow_count_each(e.count, count_cb, &n);
	assert_int_equal(n, 0);
	assert_int_equal(e.nev, 0);
	env_free(&e);
}

/* Hostgroups: a group's own thresholds for its prefix. */
static void test_hostgroup(void **state)
{
	(void)state;
	struct flow_hostgroup g;
	memset(&g, 0, sizeof g);
	snprintf(g.name, sizeof g.name, "%s", "cdn");
	g.prefix = pfx4(198, 51, 100, 0, 24);
	g.in.v[FLOW_C_PKTS] = 100000;
	g.in.v[FLOW_C_SYN_PKTS] = 1000;
	struct flow_detect_cfg cfg = base_cfg();
	cfg.groups = &g;
	cfg.ngroups = 1;
	struct env e;
	env_init(&e, &cfg, 1);
	const uint8_t cdn[4] = {198, 51, 100, 7};
	struct flow_rec r = rec(OUTSIDE, cdn, 17, 0);
	feed(&e, &r, 50000, 2000); /* over the global, under the group's */
	assert_int_equal(e.nev, 0);
	feed(&e, &r, 0, 1500); /* the UDP leaves the window */
	r.proto = 6;
	r.tcp_flags = 0x02;
	feed(&e, &r, 2000, 2000); /* the group's SYN threshold */
	assert_int_equal(count_kind(&e, FLOW_EV_START), 1);
	assert_int_equal(e.ev[0].a.metric, FLOW_C_SYN_PKTS);
	assert_int_equal(e.ev[0].a.type, FLOW_ATK_SYN_FLOOD);
	env_free(&e);
}

/* A synthetic week: 2,000 pps during business hours, 500 pps otherwise.
** The next week, 3,000 pps at Monday 10:00 is normal (threshold ~4,000)
** while the same 3,000 pps at Monday 02:00 is an attack (~1,000). */
static void test_learned_week(void **state)
{
	(void)state;
	struct flow_detect_cfg cfg = base_cfg();
	cfg.in.v[FLOW_C_PKTS] = 1000000; /* the static ones while learning */
	cfg.learned = true;
	cfg.learn_factor = 2.0;
	cfg.learn_floor.v[FLOW_C_PKTS] = 1000;
	cfg.learn_floor.v[FLOW_C_BYTES] = 1000000;
	cfg.learn_floor.v[FLOW_C_FLOWS] = 100;
	struct env e;
	env_init(&e, &cfg, 1);
	struct flow_rec r = rec(OUTSIDE, VICTIM, 6, 0);
	for (unsigned h = 0; h < 168; h++) {
		e.now = MONDAY_MS + h * 3600000ull;
		unsigned day = h / 24, hod = h % 24;
		bool busy = day < 5 && hod >= 9 && hod < 17;
		feed(&e, &r, busy ? 2000 : 500, 1000);
	}
	assert_int_equal(e.nev, 0);
	struct flow_thresholds th;
	uint8_t a16[16] = {0};
	memcpy(a16, VICTIM, 4);
	uint64_t mon10 = MONDAY_MS + 7 * 24 * 3600000ull + 10 * 3600000ull;
	uint64_t mon02 = MONDAY_MS + 7 * 24 * 3600000ull + 2 * 3600000ull;
	/* Learning ends with the hour that closes the week. */
	e.now = mon02;
	feed(&e, &r, 100, 100);
	flow_detect_thresholds(e.det, 4, a16, FLOW_IN, mon10, &th);
	assert_true(th.v[FLOW_C_PKTS] >= 4000 && th.v[FLOW_C_PKTS] < 4400);
	flow_detect_thresholds(e.det, 4, a16, FLOW_IN, mon02, &th);
	assert_true(th.v[FLOW_C_PKTS] >= 1000 && th.v[FLOW_C_PKTS] < 1100);
	/* The floor holds where the week was quieter than it. */
	assert_int_equal(th.v[FLOW_C_BYTES] >= 1000000, 1);

	e.now = mon02 + 60000;
	feed(&e, &r, 3000, 2000);
	assert_int_equal(count_kind(&e, FLOW_EV_START), 1);
	assert_true(e.ev[0].a.learned);
	feed(&e, &r, 0, 20000);
	assert_int_equal(count_kind(&e, FLOW_EV_END), 1);
	e.now = mon10 + 60000;
	feed(&e, &r, 3000, 2000);
	assert_int_equal(count_kind(&e, FLOW_EV_START), 1);

	/* The baseline saved and loaded gives the same thresholds. */
	size_t len;
	uint8_t *buf = flow_detect_save(e.det, &len);
	assert_non_null(buf);
	struct perr err;
	struct flow_detect *d2 = flow_detect_new(&cfg, NULL, NULL, &err);
	assert_non_null(d2);
	assert_int_equal(flow_detect_load(d2, buf, len, &err), 0);
	struct flow_thresholds t2;
	flow_detect_thresholds(e.det, 4, a16, FLOW_IN, mon10, &th);
	flow_detect_thresholds(d2, 4, a16, FLOW_IN, mon10, &t2);
	assert_memory_equal(&th, &t2, sizeof th);
	/* After a reboot the collector's monotonic clock starts again near 0:
	** with its offset to the wall clock, the loaded baseline still answers
	** for Monday 10:00 (and not for whatever hour the raw clock says). */
	struct flow_detect_cfg c3 = cfg;
	uint64_t mono_now = 5 * 3600000ull;
	c3.clock_offset_ms = (int64_t)(mon10 - mono_now);
	struct flow_detect *d3 = flow_detect_new(&c3, NULL, NULL, &err);
	assert_non_null(d3);
	assert_int_equal(flow_detect_load(d3, buf, len, &err), 0);
	flow_detect_thresholds(d3, 4, a16, FLOW_IN, mono_now, &t2);
	assert_memory_equal(&th, &t2, sizeof th);
	flow_detect_free(d3);
	/* A truncated or forged buffer changes nothing. */
	assert_int_equal(flow_detect_load(d2, buf, len - 1, &err), -1);
	buf[8] = 9;
	assert_int_equal(flow_detect_load(d2, buf, len, &err), -1);
	flow_detect_thresholds(d2, 4, a16, FLOW_IN, mon10, &t2);
	assert_memory_equal(&th, &t2, sizeof th);
	free(buf);
	flow_detect_free(d2);
	env_free(&e);

	/* A factor of 0 is the default (2); below 1 would flag normal peaks. */
	cfg.learn_factor = 0;
	d2 = flow_detect_new(&cfg, NULL, NULL, &err);
	assert_non_null(d2);
	flow_detect_free(d2);
	cfg.learn_factor = 0.5;
	assert_null(flow_detect_new(&cfg, NULL, NULL, &err));
	assert_int_equal(err.kind, PERR_INVALID);
}

/* Assets change during an attack: the host table is rebuilt (a prefix
** added) and the counters restart on it; the open attack is keyed by
** address, so it is neither lost nor reported twice, and it ends after
** the quiet time as before. */
static void test_rebuild_keeps_attack(void **state)
{
	(void)state;
	struct env e;
	struct flow_detect_cfg cfg = base_cfg();
	env_init(&e, &cfg, 1);
	struct flow_rec r = rec(OUTSIDE, VICTIM, 17, 0);
	feed(&e, &r, 50000, 1000);
	assert_int_equal(count_kind(&e, FLOW_EV_START), 1);

	struct flow_prefix ps[] = {pfx4(192, 0, 2, 0, 24), /* new, first */
				   pfx4(203, 0, 113, 0, 24),
				   pfx4(198, 51, 100, 0, 24)};
	struct perr err;
	struct flow_hosts *h2 = flow_hosts_build(ps, 3, 0, &err);
	assert_non_null(h2);
	struct flow_count_cfg cc = {.shards = 1};
	struct flow_count *c2 = flow_count_new(h2, &cc, &err);
	assert_non_null(c2);
	flow_count_free(e.count);
	flow_hosts_free(e.hosts);
	e.hosts = h2;
	e.count = c2;
	flow_detect_rehost(e.det, c2);
	feed(&e, &r, 50000, 2000);
	assert_int_equal(count_kind(&e, FLOW_EV_START), 1);
	assert_int_equal(flow_detect_open(e.det), 1);
	for (int i = 0; i < 80; i++)
		tick(&e);
	assert_int_equal(count_kind(&e, FLOW_EV_END), 1);
	assert_memory_equal(e.ev[e.nev - 1].a.addr, VICTIM, 4);
	env_free(&e);
}

/* ---------------------------------------------- shards vs one count */

struct writer {
	struct flow_shard *s;
	const struct flow_rec *recs;
	size_t n;
};

static void *write_all(void *arg)
{
	struct writer *w = arg;
	for (size_t i = 0; i < w->n; i++) {
		flow_shard_add(w->s, &w->recs[i]);
		if (i % 64 == 63)
			flow_shard_sync(w->s); /* a collector batch ends */
	}
	return NULL;
}

static void test_shards_equal_single(void **state)
{
	(void)state;
	size_t n = 200000;
	struct flow_rec *recs = calloc(n, sizeof *recs);
	assert_non_null(recs);
	uint64_t x = 88172645463325252ull;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		uint8_t dst[4] = {203, 0, 113, (uint8_t)x};
		uint8_t src[4] = {(uint8_t)(x >> 8), 2, 3, 4};
		if ((x >> 40) % 5 == 0) { /* some outbound */
			src[0] = 198, src[1] = 51, src[2] = 100;
			dst[0] = 9;
		}
		static const uint8_t protos[] = {6, 17, 1, 47};
		recs[i] = rec(src, dst, protos[(x >> 20) & 3], 1 + (x >> 50) % 9);
		recs[i].tcp_flags = (uint8_t)(x >> 30);
		recs[i].frag = (x >> 33) % 7 == 0;
		recs[i].sampling = 1 + (uint32_t)((x >> 36) % 3);
		recs[i].sport = (uint16_t)((x >> 44) % 2 ? 53 : 1234);
	}
	struct perr err;
	struct flow_prefix ps[] = {pfx4(203, 0, 113, 0, 24),
				   pfx4(198, 51, 100, 0, 24)};
	struct flow_hosts *h = flow_hosts_build(ps, 2, 0, &err);
	struct flow_count_cfg c1 = {.shards = 1}, c2 = {.shards = 2};
	struct flow_count *one = flow_count_new(h, &c1, &err);
	struct flow_count *two = flow_count_new(h, &c2, &err);
	assert_non_null(one);
	assert_non_null(two);
	/* The single count takes the batch path, in uneven batches; the
	** threads below take one record at a time: both must agree. */
	for (size_t i = 0; i < n; i += 37)
		flow_shard_add_batch(flow_count_shard(one, 0), &recs[i],
				     n - i < 37 ? n - i : 37);
	flow_count_tick_quiescent(one, 100);

	/* Two writer threads while this thread flips and ticks: the handoff
	** must neither lose nor double a record. */
	struct writer w[2] = {{flow_count_shard(two, 0), recs, n / 2},
			      {flow_count_shard(two, 1), recs + n / 2, n - n / 2}};
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, write_all, &w[i]), 0);
	for (int k = 0; k < 200; k++) {
		flow_count_flip(two);
		flow_count_tick(two, 100); /* the same slot: sums accumulate */
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	flow_count_tick_quiescent(two, 100);
	flow_count_tick_quiescent(two, 100); /* a shard late at the last one */

	for (uint32_t host = 0; host < flow_hosts_size(h); host++)
		for (int dir = 0; dir < 2; dir++) {
			const uint64_t *a = flow_count_sums(one, host, dir);
			const uint64_t *b = flow_count_sums(two, host, dir);
			assert_true((a == NULL) == (b == NULL));
			if (a)
				assert_memory_equal(a, b, FLOW_C_N * 8);
		}
	const uint64_t *v = flow_count_sums(
		one, flow_hosts_lookup(h, 4, (const uint8_t[]){203, 0, 113, 1}),
		FLOW_IN);
	assert_non_null(v);
	assert_true(v[FLOW_C_PKTS] > 0);
	flow_count_free(one);
	flow_count_free(two);
	flow_hosts_free(h);
	free(recs);
}

/* A writer that misses a tick (descheduled on a busy machine, or deep in
** a long batch) must not be flipped back onto the buffer no tick folded:
** its map names the other buffer's entries, so every pair would get a
** second entry there, and with the buffer's cap reached the counts of a
** whole /24 would be dropped. Every record must reach the ring once. */
static void test_late_writer_keeps_counts(void **state)
{
	(void)state;
	struct perr err;
	struct flow_prefix ps[] = {pfx4(203, 0, 113, 0, 24)};
	struct flow_hosts *h = flow_hosts_build(ps, 1, 0, &err);
	assert_non_null(h);
	/* room for the 256 inbound pairs of the /24, no more */
	struct flow_count_cfg cfg = {.shards = 1, .max_active = 256};
	struct flow_count *c = flow_count_new(h, &cfg, &err);
	assert_non_null(c);
	struct flow_shard *s = flow_count_shard(c, 0);
	const uint8_t src[4] = {192, 0, 2, 1};
	for (int round = 0; round < 3; round++) {
		for (unsigned i = 0; i < 256; i++) {
			/* in another order each round, as traffic comes */
			uint8_t a = (uint8_t)(round == 1 ? 255 - i : i);
			struct flow_rec r = rec(src, (const uint8_t[]){203, 0, 113, a}, 17, 2);
			flow_shard_add(s, &r);
		}
		if (round == 0) {
			flow_count_flip(c);
			flow_count_tick(c, 100); /* the writer has not synced: late */
			assert_int_equal(flow_count_late(c), 1);
			flow_shard_sync(s);
		} else if (round == 1) {
			flow_count_flip(c); /* the retired buffer is not folded yet */
			flow_shard_sync(s);
			flow_count_tick(c, 100); /* now it is */
		}
	}
	flow_count_tick_quiescent(c, 100);
	flow_count_tick_quiescent(c, 100);
	assert_int_equal(flow_count_dropped(c), 0);
	for (unsigned a = 0; a < 256; a++) {
		uint32_t host = flow_hosts_lookup(h, 4, (const uint8_t[]){203, 0, 113, (uint8_t)a});
		const uint64_t *v = flow_count_sums(c, host, FLOW_IN);
		assert_non_null(v);
		assert_int_equal(v[FLOW_C_PKTS], 3 * 2);
		assert_int_equal(v[FLOW_C_FLOWS], 3);
	}
	flow_count_free(c);
	flow_hosts_free(h);
}

static void test_hh(void **state)
{
	(void)state;
	struct flow_hh h;
	memset(&h, 0, sizeof h);
	uint8_t k[16];
	/* One heavy key among 1,000 light ones survives and leads. */
	for (uint32_t i = 0; i < 1000; i++) {
		flow_hh_key32(k, 1000 + i);
		flow_hh_add(&h, k, 1);
		flow_hh_key32(k, 53);
		flow_hh_add(&h, k, 3);
	}
	struct flow_hh_item top[3];
	assert_int_equal(flow_hh_top(&h, top, 3), 3);
	flow_hh_key32(k, 53);
	assert_memory_equal(top[0].key, k, 16);
	assert_true(top[0].count >= 3000);
	assert_true(top[0].count - top[0].err <= 3000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ramp_1_2x),
		cmocka_unit_test(test_ramp_2x),
		cmocka_unit_test(test_ramp_5x),
		cmocka_unit_test(test_below_threshold),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_sampling_scales),
		cmocka_unit_test(test_end_after_quiet),
		cmocka_unit_test(test_outside_never_counts),
		cmocka_unit_test(test_hostgroup),
		cmocka_unit_test(test_learned_week),
		cmocka_unit_test(test_rebuild_keeps_attack),
		cmocka_unit_test(test_shards_equal_single),
		cmocka_unit_test(test_late_writer_keeps_counts),
		cmocka_unit_test(test_hh),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
