/*
** fuzz_flow_nf9.c — libFuzzer target for the NetFlow v9 and IPFIX decoder
** and its template cache (src/flow/nf9.c).
**
** The cache is state that outlives a datagram, so one input is a session:
** byte 0 chooses the version (bit 0: 9 or IPFIX 10, written over each
** datagram's version field so that no run is wasted on a wrong one) and
** the bounds (bit 1: tiny bounds, so that the template, exporter and held
** data limits are reached within one input); the rest is datagrams, each
** behind a 2-byte big-endian length. Datagrams alternate between two
** exporters by bit 2 of their index and a clock advances 300 ms per
** datagram, so held data expires. Checks: records delivered match the
** result's count, addresses are of family 4 or 6, sampling is >= 1; the
** cache never exceeds its bounds (templates per exporter, held bytes).
** Out-of-bounds reads are ASan's, leaks LeakSanitizer's. Seeds in
** fuzz/corpus/flow_nf9/ are sessions of flow_gen_nf9() datagrams
** (templates before and after data, options with a sampling rate,
** enterprise and variable-length fields).
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"

#define CHECK(cond)                                                                    \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "fuzz_flow_nf9: check failed: %s (line %d)\n", \
				#cond, __LINE__);                                      \
			abort();                                                       \
		}                                                                      \
	} while (0)

struct seen {
	uint32_t n;
};

static void on_rec(void *ctx, const struct flow_rec *r)
{
	struct seen *s = ctx;
	CHECK(r->family == 4 || r->family == 6);
	CHECK(r->sampling >= 1);
	if (r->family == 4)
		for (int i = 4; i < 16; i++)
			CHECK(r->src[i] == 0 && r->dst[i] == 0);
	s->n++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned version = data[0] & 1 ? 10 : 9;
	struct flow_nf_limits tiny = {.templates = 4, .exporters = 1, .pending_bytes = 512,
				      .pending_total = 768, .template_bytes = 8192,
				      .pending_ms = 1000, .fields = 16, .domains = 2};
	const struct flow_nf_limits *lim = data[0] & 2 ? &tiny : NULL;
	struct flow_nf_cache *c = flow_nf_cache_new(lim);
	CHECK(c != NULL);
	uint8_t exp[2][16];
	flow_exporter_v4(exp[0], 0x0a000001);
	memset(exp[1], 0, 16);
	exp[1][0] = 0x20;
	exp[1][1] = 0x01;
	exp[1][15] = 1; /* an IPv6 exporter */
	size_t off = 1;
	uint64_t now = 0;
	unsigned idx = 0;
	while (off + 2 <= size) {
		size_t n = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (n > size - off)
			n = size - off;
		/* an exact-size copy: a read past n is ASan's to see */
		uint8_t *d = malloc(n ? n : 1);
		CHECK(d != NULL);
		memcpy(d, data + off, n);
		if (n >= 2) {
			d[0] = 0;
			d[1] = (uint8_t)version;
		}
		off += n;
		struct seen s = {0};
		struct flow_result res;
		flow_nf9_decode(c, d, n, exp[(idx >> 2) & 1], now, on_rec, &s, &res);
		CHECK(res.records == s.n);
		CHECK(res.reject < FLOW_REJ_COUNT_MAX);
		if (res.reject == FLOW_REJ_NONE)
			CHECK(res.rejected_parts == 0);
		free(d);
		struct flow_nf_stats st;
		flow_nf_cache_stats(c, &st);
		uint32_t nex = lim ? tiny.exporters : 4096;
		uint32_t ntpl = lim ? tiny.templates : 256;
		uint32_t npend = lim ? tiny.pending_bytes : 64 * 1024;
		uint32_t ntotal = lim ? tiny.pending_total : 8u << 20;
		CHECK(st.exporters <= nex);
		CHECK(st.templates <= (uint64_t)ntpl * st.exporters);
		CHECK(st.pending_bytes <= (uint64_t)npend * st.exporters);
		CHECK(st.pending_bytes <= ntotal);
		CHECK(st.template_bytes <= (lim ? tiny.template_bytes : 32u << 20));
		now += 300;
		idx++;
	}
	flow_nf_cache_free(c);
	return 0;
}
