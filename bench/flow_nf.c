/*
** flow_nf.c — decoding speed of the NetFlow v5, v9 and IPFIX decoders on
** one core (src/flow/nf5.c, nf9.c), without sockets: the ceiling the
** collector's threads work under (issue 16 asks >= 9 M flows/s on 2 cores
** with the sender, counting included).
**
** The datagrams are the benchmark's stream: 30 records each (v5's most),
** destinations spread over 130,000 addresses, random sources, a TCP/UDP
** mix; v9 and IPFIX with their template sent once, as a router does. 4,096
** distinct datagrams are decoded round-robin for about 2 s per format, the
** callback summing packets so the work cannot be optimised away. Prints
** "bench flow_nf5_decode: N Mflows/s" (likewise flow_nf9_decode,
** flow_ipfix_decode).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flow/flow.h"

#define NDG 4096
#define RECS 30

static uint64_t total;

static void on_rec(void *ctx, const struct flow_rec *r)
{
	(void)ctx;
	total += r->packets + r->dst[3];
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t rs = 88172645463325252ull;

static uint32_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)rs;
}

static void fill(struct flow_rec *r)
{
	memset(r, 0, sizeof *r);
	r->family = 4;
	uint32_t d = 0x0a000000u + rnd() % 130000, s = rnd();
	for (int i = 0; i < 4; i++) {
		r->dst[i] = (uint8_t)(d >> (24 - 8 * i));
		r->src[i] = (uint8_t)(s >> (24 - 8 * i));
	}
	r->proto = rnd() % 3 ? 6 : 17;
	r->tcp_flags = r->proto == 6 ? 0x02 : 0;
	r->sport = (uint16_t)rnd();
	r->dport = r->proto == 6 ? 80 : 53;
	r->packets = 1 + rnd() % 4;
	r->bytes = r->packets * 64;
}

int main(void)
{
	static uint8_t dg[NDG][1600];
	static size_t len[NDG];
	struct flow_rec r[RECS];
	uint8_t exp[16];
	flow_exporter_v4(exp, 0x7f000001);
	for (int fmt = 5; fmt <= 10; fmt++) {
		if (fmt != 5 && fmt != 9 && fmt != 10)
			continue;
		struct flow_nf_cache *c = fmt == 5 ? NULL : flow_nf_cache_new(NULL);
		struct flow_result res;
		for (int i = 0; i < NDG; i++) {
			for (int k = 0; k < RECS; k++)
				fill(&r[k]);
			if (fmt == 5) {
				len[i] = flow_gen_nf5(dg[i], sizeof dg[i], r, RECS, 0, (uint32_t)i, NULL);
			} else {
				struct flow_gen_nf g = {.version = (uint16_t)fmt, .seq = (uint32_t)i,
							.tmpl = i == 0 ? FLOW_GEN_TMPL_BEFORE
								       : FLOW_GEN_TMPL_NONE};
				len[i] = flow_gen_nf9(dg[i], sizeof dg[i], &g, r, RECS, NULL);
			}
			if (!len[i]) {
				fprintf(stderr, "bench_flow_nf: generator failed\n");
				return 1;
			}
		}
		uint64_t flows = 0;
		double t0 = now_s(), t = 0;
		do {
			for (int i = 0; i < NDG; i++) {
				if (fmt == 5)
					flow_nf5_decode(dg[i], len[i], exp, on_rec, NULL, &res);
				else
					flow_nf9_decode(c, dg[i], len[i], exp, 0, on_rec, NULL, &res);
				flows += res.records;
			}
			t = now_s() - t0;
		} while (t < 2.0);
		printf("bench %s_decode: %.1f Mflows/s\n",
		       fmt == 5 ? "flow_nf5" : fmt == 9 ? "flow_nf9" : "flow_ipfix",
		       (double)flows / t / 1e6);
		flow_nf_cache_free(c);
	}
	return total == 42 ? 1 : 0;
}
