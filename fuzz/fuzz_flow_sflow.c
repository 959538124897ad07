/*
** fuzz_flow_sflow.c -- libFuzzer target for the sFlow v5 decoder
** (src/flow/sflow.c, with pkt.c under it): a whole datagram, as anyone who
** reaches the collector's UDP port can send it (issue 16; FastNetMon's
** collector crashed on such datagrams, CVE-2024-56072/56073).
**
** Checks:
**   1. flow_sflow_decode returns 0 or -1; on -1 nothing was delivered and
**      the reject is one of the datagram-level reasons;
**   2. res.records equals the records delivered, which never exceed the
**      samples the header announced (one record per flow sample);
**   3. every record is IPv4 or IPv6 (an IPv4 address in the first 4 bytes,
**      the rest zero), one packet, sampling >= 1 (a rate of 0 is taken as
**      1), exporter4 the agent's IPv4 address or 0;
**   4. the stats add up: flow + counter + unknown samples, and the
**      rejected parts, never exceed the samples announced.
** Seeds in fuzz/corpus/flow_sflow/ were written by flow_sflow_gen_datagram
** (src/flow/gen_sflow.c): IPv4 and IPv6 agents, compact and expanded
** samples, VLAN stacks, sampled IP records, counter samples, rate 0, short
** headers, IP header protocols. A broken check calls abort().
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "fuzz_flow_sflow: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                                   \
			abort();                                                             \
		}                                                                            \
	} while (0)

static const uint8_t zero[16];

struct seen {
	uint32_t recs, ctrs;
	uint32_t exporter4;
};

static void on_rec(void *ctx, const struct flow_rec *r)
{
	struct seen *s = ctx;
	s->recs++;
	CHECK(r->family == 4 || r->family == 6);
	if (r->family == 4) {
		CHECK(memcmp(r->src + 4, zero, 12) == 0);
		CHECK(memcmp(r->dst + 4, zero, 12) == 0);
	}
	CHECK(r->packets == 1);
	CHECK(r->sampling >= 1);
	CHECK(r->exporter4 == s->exporter4);
}

static void on_ctr(void *ctx, const struct flow_sflow_ifctr *c)
{
	struct seen *s = ctx;
	s->ctrs++;
	CHECK(c->agent_family == 4 || c->agent_family == 6);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = { 0, 0, 0 };
	/* the agent's IPv4 address, as the decoder will read it */
	if (size >= 12 && data[7] == 1)
		s.exporter4 = (uint32_t)data[8] << 24 | (uint32_t)data[9] << 16 |
			      (uint32_t)data[10] << 8 | data[11];
	struct flow_sflow_stats st;
	memset(&st, 0, sizeof(st));
	struct flow_sflow_sink sink = { on_rec, on_ctr, &s, &st };
	struct flow_result res;
	struct flow_sflow_hdr h;
	int rc = flow_sflow_decode(data, size, &sink, &h, &res);
	CHECK(rc == 0 || rc == -1);
	CHECK(res.records == s.recs);
	if (rc == -1) {
		CHECK(s.recs == 0 && s.ctrs == 0);
		CHECK(res.reject == FLOW_REJ_SHORT || res.reject == FLOW_REJ_VERSION ||
		      res.reject == FLOW_REJ_ADDRESS || res.reject == FLOW_REJ_COUNT);
		CHECK(st.datagrams == 0);
	} else {
		CHECK(st.datagrams == 1);
		CHECK(h.samples <= FLOW_SFLOW_SAMPLES_MAX);
		CHECK(s.recs <= h.samples);
		/* a flow sample whose header is unreadable is both a flow
		** sample and a rejected part */
		CHECK(st.flow_samples + st.counter_samples + st.unknown_samples <= h.samples);
		CHECK(res.rejected_parts <= h.samples);
		CHECK(s.recs <= st.flow_samples);
		CHECK(s.ctrs == st.if_counters);
		CHECK(res.reject == FLOW_REJ_NONE || res.reject == FLOW_REJ_SAMPLE);
		if (h.agent_family == 6)
			CHECK(s.exporter4 == 0 || data[7] == 1);
	}
	/* without the optional callback and stats, the same records */
	struct seen s2 = { 0, 0, s.exporter4 };
	struct flow_sflow_sink bare = { on_rec, NULL, &s2, NULL };
	struct flow_result res2;
	CHECK(flow_sflow_decode(data, size, &bare, NULL, &res2) == rc);
	CHECK(s2.recs == s.recs && s2.ctrs == 0);
	return 0;
}
