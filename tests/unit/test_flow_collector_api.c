/*
** test_flow_collector_api.c — the collector library (src/flow/collector.c)
** through its API, on loopback sockets: listen addresses as operators
** write them, the exporter table's bound (a spoofed-source flood must not
** grow it: datagrams beyond it are counted, not kept per exporter), the
** snapshot a metrics page reads while the threads run, and SO_REUSEPORT
** (several threads share one port), the top hosts the live view reads
** after each tick, and datagrams that reach it coalesced (UDP_GRO). Waits
** are bounded and end on the
** counters, never on elapsed time.
*/
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "flow/flow.h"

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_listen_parse(void **state)
{
	(void)state;
	struct sockaddr_storage sa;
	struct perr err;
	assert_int_equal(core_listen_parse("0.0.0.0:2055", "netflow", &sa, &err), 0);
	assert_int_equal(sa.ss_family, AF_INET);
	assert_int_equal(ntohs(((struct sockaddr_in *)&sa)->sin_port), 2055);
	assert_int_equal(core_listen_parse("[::]:6343", "sflow", &sa, &err), 0);
	assert_int_equal(sa.ss_family, AF_INET6);
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&sa)->sin6_port), 6343);
	assert_int_equal(core_listen_parse("localhost:0", "netflow", &sa, &err), 0);
	assert_int_equal(sa.ss_family, AF_INET);
	/* what an operator mistypes: each refused naming the option */
	const char *bad[] = {"2055", "0.0.0.0", "0.0.0.0:65536", "0.0.0.0:-1", "router:2055",
			     "0.0.0.0:20x", "[::1:2055", ""};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		perr_clear(&err);
		assert_int_equal(core_listen_parse(bad[i], "netflow", &sa, &err), -1);
		assert_string_equal(err.field, "netflow");
	}
}

struct env {
	struct flow_hosts *hosts;
	struct flow_detect_cfg dc;
	struct flow_collector *c;
};

static void start(struct env *e, uint32_t threads, uint32_t exporters)
{
	memset(e, 0, sizeof *e);
	struct flow_prefix p = {.family = 4, .len = 24, .addr = {10, 9, 0, 0}};
	struct perr err;
	e->hosts = flow_hosts_build(&p, 1, 0, &err);
	assert_non_null(e->hosts);
	struct flow_collector_cfg cfg = {.listen = {"127.0.0.1:0", NULL},
					 .threads = threads,
					 .hosts = e->hosts,
					 .detect = &e->dc,
					 .totals = true,
					 .exporters = exporters};
	assert_int_equal(flow_collector_start(&cfg, &e->c, &err), 0);
	assert_true(flow_collector_port(e->c, FLOW_KIND_NETFLOW) > 0);
	assert_int_equal(flow_collector_port(e->c, FLOW_KIND_SFLOW), 0);
}

static void stop(struct env *e)
{
	flow_collector_free(e->c);
	flow_hosts_free(e->hosts);
}

/* One v5 datagram of n records to 10.9.0.1 from a socket bound to src. */
static void send_from(struct env *e, const char *src, int n)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	inet_pton(AF_INET, src, &a.sin_addr);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	struct flow_rec r[30];
	memset(r, 0, sizeof r);
	for (int i = 0; i < n; i++) {
		r[i].family = 4;
		r[i].proto = 17;
		r[i].dst[0] = 10, r[i].dst[1] = 9, r[i].dst[3] = 1;
		r[i].packets = 2;
		r[i].bytes = 200;
	}
	uint8_t b[2000];
	size_t len = flow_gen_nf5(b, sizeof b, r, (size_t)n, 1, 0, NULL);
	assert_true(len > 0);
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)flow_collector_port(e->c, FLOW_KIND_NETFLOW))};
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	assert_int_equal(sendto(fd, b, len, 0, (struct sockaddr *)&to, sizeof to), (ssize_t)len);
	close(fd);
}

/* Wait (at most 10 s) until the collector has read want datagrams. */
static void wait_datagrams(struct env *e, uint64_t want)
{
	int64_t t0 = now_ms();
	struct flow_collector_stats st;
	for (;;) {
		flow_collector_stats(e->c, &st);
		if (st.datagrams >= want)
			break;
		assert_true(now_ms() - t0 < 10000);
		poll(NULL, 0, 10);
	}
	assert_int_equal(st.datagrams, want);
}

/* 6 exporters (loopback addresses 127.0.0.2..7) against a table of 3:
** the first 3 are kept with their counts, the datagrams of the others
** are still decoded and counted, and counted as refused rows. */
static void test_exporter_bound(void **state)
{
	(void)state;
	struct env e;
	start(&e, 1, 3);
	for (int k = 0; k < 2; k++)
		for (int i = 2; i <= 7; i++) {
			char a[32];
			snprintf(a, sizeof a, "127.0.0.%d", i);
			send_from(&e, a, i);
		}
	wait_datagrams(&e, 12);
	struct flow_exporter_stats ex[8];
	size_t n = flow_collector_exporters(e.c, ex, 8);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		uint8_t want[16];
		flow_exporter_v4(want, 0x7f000002u + (uint32_t)i);
		size_t j = 0;
		while (j < n && memcmp(ex[j].addr, want, 16) != 0)
			j++;
		assert_true(j < n);
		assert_int_equal(ex[j].kind, FLOW_KIND_NETFLOW);
		assert_int_equal(ex[j].datagrams, 2);
		assert_int_equal(ex[j].flows, 2 * (2 + i));
	}
	struct flow_collector_stats st;
	flow_collector_stats(e.c, &st);
	assert_int_equal(st.exporters_refused, 6);
	assert_int_equal(st.records, 2 * (2 + 3 + 4 + 5 + 6 + 7));
	flow_collector_stop(e.c);
	struct flow_host_total t[4];
	assert_int_equal(flow_collector_totals(e.c, t, 4), 1);
	assert_int_equal(t[0].packets, 2 * 2 * (2 + 3 + 4 + 5 + 6 + 7));
	assert_int_equal(t[0].addr[3], 1);
	stop(&e);
}

/* Four threads bound to one port (SO_REUSEPORT, which a second bind
** without it would refuse): one exporter sending from 16 source ports
** reaches whichever threads the kernel hashes them to, and the snapshot
** shows it as one row with every datagram counted once. */
static void test_reuseport(void **state)
{
	(void)state;
	struct env e;
	start(&e, 4, 0);
	for (int i = 0; i < 16; i++)
		send_from(&e, "127.0.0.1", 30);
	wait_datagrams(&e, 16);
	struct flow_exporter_stats ex[4];
	assert_int_equal(flow_collector_exporters(e.c, ex, 4), 1);
	assert_int_equal(ex[0].datagrams, 16);
	assert_int_equal(ex[0].flows, 16 * 30);
	stop(&e);
}

/* One v5 datagram of n copies of r (sampling 1 in sampling) from the
** collector's own loopback. */
static void send_recs(struct env *e, const struct flow_rec *r, int n, uint32_t sampling)
{
	struct flow_rec rs[30];
	for (int i = 0; i < n; i++)
		rs[i] = *r;
	uint8_t b[2000];
	size_t len = flow_gen_nf5(b, sizeof b, rs, (size_t)n, sampling, 0, NULL);
	assert_true(len > 0);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)flow_collector_port(e->c, FLOW_KIND_NETFLOW))};
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	assert_int_equal(sendto(fd, b, len, 0, (struct sockaddr *)&to, sizeof to), (ssize_t)len);
	close(fd);
}

struct want_top {
	uint8_t last;          /* 10.9.0.last */
	enum flow_dir dir;
	uint64_t pps, bps, flows, syn_pps;
};

/* The published list of `by` is exactly w[0..n), in that order. */
static bool top_is(struct env *e, enum flow_by by, const struct want_top *w, size_t n)
{
	struct flow_live_host h[FLOW_LIVE_TOP];
	size_t m = flow_collector_top(e->c, by, h, FLOW_LIVE_TOP);
	if (m != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		const uint8_t a[4] = {10, 9, 0, w[i].last};
		if (h[i].family != 4 || memcmp(h[i].addr, a, 4) != 0 || h[i].dir != w[i].dir ||
		    h[i].pps != w[i].pps || h[i].bps != w[i].bps || h[i].flows != w[i].flows ||
		    h[i].syn_pps != w[i].syn_pps)
			return false;
	}
	return true;
}

/* The live view's top hosts: after a tick, the busiest (host, direction)
** pairs of the last second by packets, bits, flows and SYNs, each list
** in its own order, rates scaled by the exporter's sampling -- what an
** operator reads to see who is hit during an attack. A UDP host with many
** small packets tops pps; one with few large packets tops bps; a sampled
** SYN flood counts sampling x its packets; an outbound host is listed
** with its direction; a figure a host has none of leaves it out of that
** list. */
static void test_top(void **state)
{
	(void)state;
	struct env e;
	start(&e, 2, 0);
	struct flow_live_host none[4];
	assert_int_equal(flow_collector_top(e.c, FLOW_BY_PPS, none, 4), 0);
	struct flow_rec r;
	memset(&r, 0, sizeof r);
	r.family = 4;
	r.src[0] = 192, r.src[1] = 0, r.src[2] = 2, r.src[3] = 9;
	r.dst[0] = 10, r.dst[1] = 9;
	/* .1: 3 x 30 UDP flows of 10 packets, 400 bytes */
	r.proto = 17;
	r.dst[3] = 1;
	r.packets = 10;
	r.bytes = 400;
	for (int i = 0; i < 3; i++)
		send_recs(&e, &r, 30, 1);
	/* .2: 10 UDP flows of 5 packets of 1500 bytes */
	r.dst[3] = 2;
	r.packets = 5;
	r.bytes = 7500;
	send_recs(&e, &r, 10, 1);
	/* .3: 20 SYN flows of 2 packets, 100 bytes, sampled 1 in 10 */
	r.proto = 6;
	r.tcp_flags = 0x02;
	r.dst[3] = 3;
	r.packets = 2;
	r.bytes = 100;
	send_recs(&e, &r, 20, 10);
	/* .4 sends: 30 flows of 1 packet, 60 bytes, to an outside host */
	r.tcp_flags = 0x10;
	memcpy(r.src, (uint8_t[4]){10, 9, 0, 4}, 4);
	memcpy(r.dst, (uint8_t[4]){198, 51, 100, 1}, 4);
	r.packets = 1;
	r.bytes = 60;
	send_recs(&e, &r, 30, 1);
	wait_datagrams(&e, 6);

	const struct want_top h1 = {1, FLOW_IN, 900, 3 * 30 * 400 * 8, 90, 0};
	const struct want_top h2 = {2, FLOW_IN, 50, 10 * 7500 * 8, 10, 0};
	const struct want_top h3 = {3, FLOW_IN, 400, 20 * 100 * 10 * 8, 200, 400};
	const struct want_top h4 = {4, FLOW_OUT, 30, 30 * 60 * 8, 30, 0};
	const struct want_top pps[] = {h1, h3, h2, h4}, bps[] = {h2, h1, h3, h4},
			      flows[] = {h3, h1, h4, h2}, syn[] = {h3};
	/* the window holds everything sent for about a second after the
	** last datagram's tick: wait (bounded) for a tick that folded all */
	int64_t t0 = now_ms();
	bool ok = false;
	struct flow_live_host two[2];
	while (!ok && now_ms() - t0 < 10000) {
		ok = top_is(&e, FLOW_BY_PPS, pps, 4) && top_is(&e, FLOW_BY_BPS, bps, 4) &&
		     top_is(&e, FLOW_BY_FLOWS, flows, 4) && top_is(&e, FLOW_BY_SYN, syn, 1) &&
		     /* n bounds the copy: the busiest n */
		     flow_collector_top(e.c, FLOW_BY_BPS, two, 2) == 2 && two[0].bps == h2.bps &&
		     two[1].bps == h1.bps;
		if (!ok)
			poll(NULL, 0, 5);
	}
	assert_true(ok);
	/* a figure out of range gives nothing */
	assert_int_equal(flow_collector_top(e.c, FLOW_BY_N, two, 2), 0);
	stop(&e);
}

/* From fd (one exporting process: one source port) to port. */
static void send_raw(int fd, int port, const uint8_t *b, size_t len)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	assert_int_equal(sendto(fd, b, len, 0, (struct sockaddr *)&to, sizeof to), (ssize_t)len);
}

/* Loss between a router and the collector shows only in the exports'
** sequence numbers: a NetFlow v9 stream (source id) that skips export
** packet 3, two IPFIX domains that skip 4 data records (each numbered
** by another convention), and an sFlow agent that skips 5 datagrams,
** each count one sequence failure for their exporter row; a second v9
** source id from the same address has its own sequence and counts none. */
static void test_sequence_failures(void **state)
{
	(void)state;
	struct env e;
	memset(&e, 0, sizeof e);
	struct flow_prefix p = {.family = 4, .len = 24, .addr = {10, 9, 0, 0}};
	struct perr err;
	e.hosts = flow_hosts_build(&p, 1, 0, &err);
	struct flow_collector_cfg cfg = {.listen = {"127.0.0.1:0", "127.0.0.1:0"},
					 .hosts = e.hosts, .detect = &e.dc};
	assert_int_equal(flow_collector_start(&cfg, &e.c, &err), 0);
	int nf = flow_collector_port(e.c, FLOW_KIND_NETFLOW);
	int sf = flow_collector_port(e.c, FLOW_KIND_SFLOW);
	struct flow_rec r;
	memset(&r, 0, sizeof r);
	r.family = 4;
	r.proto = 17;
	r.dst[0] = 10, r.dst[1] = 9, r.dst[3] = 1;
	r.packets = 1;
	r.bytes = 100;
	uint8_t b[9000];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	/* v9, source id 7: export packets 1, 2, 4; source id 8: 1, 2 */
	const uint32_t seq7[] = {1, 2, 4}, seq8[] = {1, 2};
	for (size_t i = 0; i < 3; i++) {
		struct flow_gen_nf g = {.version = 9, .domain = 7, .seq = seq7[i],
					.tmpl = FLOW_GEN_TMPL_BEFORE};
		size_t len = flow_gen_nf9(b, sizeof b, &g, &r, 1, NULL);
		assert_true(len > 0);
		send_raw(fd, nf, b, len);
	}
	for (size_t i = 0; i < 2; i++) {
		struct flow_gen_nf g = {.version = 9, .domain = 8, .seq = seq8[i],
					.tmpl = FLOW_GEN_TMPL_BEFORE};
		size_t len = flow_gen_nf9(b, sizeof b, &g, &r, 1, NULL);
		send_raw(fd, nf, b, len);
	}
	/* IPFIX counts data records (RFC 7011 3.1). Domain 9 numbers as the
	** RFC says (the records before the message): 0, 3, 5, then 10 where
	** 6 was due (4 records lost). Domain 10 as softflowd does (the records
	** up to and including the message): 3, 5, 6, then 12 where 8 was due.
	** Domain 11's first message holds its data before its template: the
	** count is unknown, so its next message is not judged. */
	const struct { uint32_t domain, seq; size_t n; enum flow_gen_tmpl tmpl; } ipfix[] = {
		{9, 0, 3, FLOW_GEN_TMPL_BEFORE}, {9, 3, 2, FLOW_GEN_TMPL_NONE},
		{9, 5, 1, FLOW_GEN_TMPL_NONE},   {9, 10, 2, FLOW_GEN_TMPL_NONE},
		{10, 3, 3, FLOW_GEN_TMPL_BEFORE}, {10, 5, 2, FLOW_GEN_TMPL_NONE},
		{10, 6, 1, FLOW_GEN_TMPL_NONE},   {10, 12, 2, FLOW_GEN_TMPL_NONE},
		{11, 0, 2, FLOW_GEN_TMPL_AFTER},  {11, 2, 1, FLOW_GEN_TMPL_NONE},
		{11, 3, 1, FLOW_GEN_TMPL_NONE},
	};
	struct flow_rec rs[3] = {r, r, r};
	for (size_t i = 0; i < sizeof ipfix / sizeof *ipfix; i++) {
		struct flow_gen_nf g = {.version = 10, .domain = ipfix[i].domain,
					.seq = ipfix[i].seq, .tmpl = ipfix[i].tmpl};
		size_t len = flow_gen_nf9(b, sizeof b, &g, rs, ipfix[i].n, NULL);
		assert_true(len > 0);
		send_raw(fd, nf, b, len);
	}
	/* sFlow: datagrams 1, 2, then 8 */
	struct flow_sflow_gen sg;
	memset(&sg, 0, sizeof sg);
	sg.agent_family = 4;
	sg.agent[0] = 127, sg.agent[3] = 1;
	sg.sequence = 1;
	sg.rate = 1;
	for (int i = 0; i < 3; i++) {
		if (i == 2)
			sg.sequence += 5;
		size_t len = flow_sflow_gen_datagram(&sg, &r, 1, NULL, 0, b, sizeof b);
		assert_true(len > 0);
		send_raw(fd, sf, b, len);
	}
	wait_datagrams(&e, 19);
	close(fd);
	struct flow_exporter_stats ex[4];
	assert_int_equal(flow_collector_exporters(e.c, ex, 4), 2);
	for (int i = 0; i < 2; i++) {
		bool nfl = ex[i].kind == FLOW_KIND_NETFLOW;
		/* v9 source id 7's gap, IPFIX domains 9 and 10's; sFlow's gap */
		assert_int_equal(ex[i].sequence_failures, nfl ? 3 : 1);
		assert_int_equal(ex[i].datagrams, nfl ? 16 : 3);
		if (nfl) /* every IPFIX record decoded, the held ones too */
			assert_int_equal(ex[i].flows, 5 + (3 + 2 + 1 + 2) * 2 + 2 + 1 + 1);
	}
	stop(&e);
}

/* An exporter whose datagrams reach the collector coalesced -- a NIC's
** GRO at high rates, or a sender's UDP_SEGMENT as here: one buffer the
** kernel hands over whole to a UDP_GRO socket -- is counted datagram by
** datagram: 3 of 30 records, one of another version in the middle
** (refused alone, as malformed), and a shorter last one of 2 records. */
static void test_coalesced(void **state)
{
	(void)state;
	struct env e;
	start(&e, 1, 0);
	struct flow_rec r[30];
	memset(r, 0, sizeof r);
	for (int i = 0; i < 30; i++) {
		r[i].family = 4;
		r[i].proto = 6;
		r[i].dst[0] = 10, r[i].dst[1] = 9, r[i].dst[3] = (uint8_t)(1 + i % 3);
		r[i].packets = 3;
		r[i].bytes = 120;
	}
	enum { SEG = FLOW_NF5_HDR + 30 * FLOW_NF5_REC };
	static uint8_t b[5 * SEG];
	size_t off = 0;
	for (int d = 0; d < 4; d++) {
		assert_int_equal(flow_gen_nf5(b + off, SEG, r, 30, 1, (uint32_t)d * 30, NULL), SEG);
		if (d == 2)
			b[off + 1] = 7; /* version 7: not v5 */
		off += SEG;
	}
	size_t last = flow_gen_nf5(b + off, SEG, r, 2, 1, 120, NULL);
	assert_int_equal(last, FLOW_NF5_HDR + 2 * FLOW_NF5_REC);
	off += last;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int seg = SEG;
	assert_int_equal(setsockopt(fd, SOL_UDP, UDP_SEGMENT, &seg, sizeof seg), 0);
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)flow_collector_port(e.c, FLOW_KIND_NETFLOW))};
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	assert_int_equal(sendto(fd, b, off, 0, (struct sockaddr *)&to, sizeof to), (ssize_t)off);
	close(fd);
	wait_datagrams(&e, 5);
	struct flow_exporter_stats ex[2];
	assert_int_equal(flow_collector_exporters(e.c, ex, 2), 1);
	assert_int_equal(ex[0].datagrams, 5);
	assert_int_equal(ex[0].flows, 3 * 30 + 2);
	assert_int_equal(ex[0].malformed[FLOW_REJ_VERSION], 1);
	flow_collector_stop(e.c);
	struct flow_collector_stats st;
	flow_collector_stats(e.c, &st);
	assert_int_equal(st.records, 3 * 30 + 2);
	assert_int_equal(st.truncated, 0);
	struct flow_host_total t[4];
	assert_int_equal(flow_collector_totals(e.c, t, 4), 3);
	assert_int_equal(t[0].packets + t[1].packets + t[2].packets, 3 * (3 * 30 + 2));
	stop(&e);
}

/* A bad listen address or thread count fails the start with the field. */
static void test_bad_config(void **state)
{
	(void)state;
	struct flow_prefix p = {.family = 4, .len = 24, .addr = {10, 9, 0, 0}};
	struct perr err;
	struct flow_hosts *h = flow_hosts_build(&p, 1, 0, &err);
	struct flow_detect_cfg dc;
	memset(&dc, 0, sizeof dc);
	struct flow_collector *c = NULL;
	struct flow_collector_cfg cfg = {.listen = {"127.0.0.1:99999", NULL}, .hosts = h,
					 .detect = &dc};
	assert_int_equal(flow_collector_start(&cfg, &c, &err), -1);
	assert_string_equal(err.field, "netflow");
	cfg.listen[0] = NULL;
	assert_int_equal(flow_collector_start(&cfg, &c, &err), -1);
	assert_string_equal(err.field, "listen");
	cfg.listen[0] = "127.0.0.1:0";
	cfg.threads = FLOW_COLL_THREADS_MAX + 1;
	assert_int_equal(flow_collector_start(&cfg, &c, &err), -1);
	assert_string_equal(err.field, "threads");
	flow_hosts_free(h);
}

/* A constituency's /16 with a budget of 40 host slots: the /16 is larger
** than the budget, so its addresses take a slot when first seen. 60
** addresses come; 40 are counted and 20 refused, and the operator sees
** the refusals in the collector's counters (hosts_overflow, the metric
** parapet_flow_hosts_overflow_total), not a silent undercount. */
static void test_hosts_overflow(void **state)
{
	(void)state;
	struct env e;
	memset(&e, 0, sizeof e);
	struct flow_prefix p = {.family = 4, .len = 16, .addr = {10, 9, 0, 0}};
	struct perr err;
	e.hosts = flow_hosts_build(&p, 1, 40, &err);
	assert_non_null(e.hosts);
	struct flow_collector_cfg cfg = {.listen = {"127.0.0.1:0", NULL},
					 .threads = 1,
					 .hosts = e.hosts,
					 .detect = &e.dc};
	assert_int_equal(flow_collector_start(&cfg, &e.c, &err), 0);
	struct flow_rec r;
	memset(&r, 0, sizeof r);
	r.family = 4;
	r.proto = 17;
	r.packets = 1;
	r.bytes = 100;
	r.src[0] = 192, r.src[1] = 0, r.src[2] = 2, r.src[3] = 9;
	r.dst[0] = 10, r.dst[1] = 9, r.dst[3] = 1;
	for (int i = 0; i < 60; i++) {
		r.dst[2] = (uint8_t)i;
		send_recs(&e, &r, 1, 1);
	}
	wait_datagrams(&e, 60);
	struct flow_collector_stats st;
	flow_collector_stats(e.c, &st);
	assert_int_equal(st.records, 60);
	assert_int_equal(st.hosts_overflow, 20);
	stop(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listen_parse),
		cmocka_unit_test(test_exporter_bound),
		cmocka_unit_test(test_reuseport),
		cmocka_unit_test(test_coalesced),
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_top),
		cmocka_unit_test(test_sequence_failures),
		cmocka_unit_test(test_hosts_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
