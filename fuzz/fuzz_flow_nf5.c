/*
** fuzz_flow_nf5.c — libFuzzer target for the NetFlow v5 decoder
** (src/flow/nf5.c).
**
** The collector's port takes datagrams from anyone; FastNetMon's v5 path
** crashed on malformed ones (CVE-2024-56072). The input is one datagram.
** Checks: a refused datagram delivers nothing; an accepted one delivers
** exactly its header's count (1..30) of IPv4 records whose sampling is at
** least 1, and its length is 24 + 48 * count. Out-of-bounds reads are
** ASan's. Seeds in fuzz/corpus/flow_nf5/ are flow_gen_nf5() datagrams.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"

#define CHECK(cond)                                                                    \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "fuzz_flow_nf5: check failed: %s (line %d)\n", \
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
	CHECK(r->family == 4);
	CHECK(r->sampling >= 1 && r->sampling <= 0x3fff);
	for (int i = 4; i < 16; i++)
		CHECK(r->src[i] == 0 && r->dst[i] == 0);
	s->n++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t exp[16];
	flow_exporter_v4(exp, 0x0a000001);
	struct seen s = {0};
	struct flow_result res;
	flow_nf5_decode(data, size, exp, on_rec, &s, &res);
	CHECK(res.records == s.n);
	if (res.reject != FLOW_REJ_NONE) {
		CHECK(s.n == 0);
	} else {
		CHECK(s.n >= 1 && s.n <= FLOW_NF5_MAX_RECS);
		CHECK(size == FLOW_NF5_HDR + (size_t)FLOW_NF5_REC * s.n);
	}
	return 0;
}
