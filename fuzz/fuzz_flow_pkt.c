/*
** fuzz_flow_pkt.c -- libFuzzer target for the raw packet header parser
** (src/flow/pkt.c): the first bytes of a frame an attacker wrote and a
** switch sampled (issue 16), with the IPv6 extension-header maze, VLAN and
** MPLS stacks, fragments and lying lengths.
**
** Input: byte 0 picks the header protocol (0 Ethernet, 1 IPv4, 2 IPv6,
** else the byte itself: an unknown protocol), bytes 1..4 the wire length
** (big-endian), the rest is the header.
** Checks:
**   1. the status is one of enum flow_pkt_status;
**   2. a delivered record (OK, CUT, BAD) is IPv4 or IPv6 (IPv4 addresses
**      in the first 4 bytes), one packet; a BAD one has no ports; bytes
**      never exceed a wire length at least the captured one;
**   3. NOT_IP and MALFORMED leave no family and no bytes;
**   4. the fields the parser does not own are left as they were.
** Seeds in fuzz/corpus/flow_pkt/ are frames of flow_sflow_gen_frame
** (src/flow/gen_sflow.c) and hand-laid mazes, stacks and fragments. A
** broken check calls abort().
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_flow_pkt: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                                 \
			abort();                                                           \
		}                                                                          \
	} while (0)

static const uint8_t zero[16];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 5)
		return 0;
	unsigned proto = data[0] == 0 ? FLOW_PKT_ETHERNET :
			 data[0] == 1 ? FLOW_PKT_IPV4 :
			 data[0] == 2 ? FLOW_PKT_IPV6 : data[0];
	uint32_t wire = (uint32_t)data[1] << 24 | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 8 |
			data[4];
	/* an exact-size copy: ASan catches a read one past the header */
	size_t n = size - 5;
	uint8_t *h = malloc(n ? n : 1);
	if (!h)
		return 0;
	memcpy(h, data + 5, n);
	struct flow_rec r;
	memset(&r, 0, sizeof(r));
	r.src_as = 11;
	r.dst_as = 22;
	r.sampling = 33;
	r.first_ms = 44;
	r.last_ms = 55;
	r.exporter4 = 66;
	enum flow_pkt_status s = flow_pkt_parse(h, n, proto, wire, &r);
	free(h);
	CHECK(s == FLOW_PKT_OK || s == FLOW_PKT_CUT || s == FLOW_PKT_BAD || s == FLOW_PKT_NOT_IP ||
	      s == FLOW_PKT_MALFORMED);
	CHECK(r.src_as == 11 && r.dst_as == 22 && r.sampling == 33 && r.first_ms == 44 &&
	      r.last_ms == 55 && r.exporter4 == 66);
	if (s == FLOW_PKT_OK || s == FLOW_PKT_CUT || s == FLOW_PKT_BAD) {
		CHECK(r.family == 4 || r.family == 6);
		if (r.family == 4) {
			CHECK(memcmp(r.src + 4, zero, 12) == 0);
			CHECK(memcmp(r.dst + 4, zero, 12) == 0);
		}
		CHECK(r.packets == 1);
		/* an agent's wire length is at least what it captured */
		if (wire >= n)
			CHECK(r.bytes <= wire);
		if (s == FLOW_PKT_BAD)
			CHECK(r.sport == 0 && r.dport == 0 && r.tcp_flags == 0);
	}
	if (s == FLOW_PKT_NOT_IP || s == FLOW_PKT_MALFORMED)
		CHECK(r.family == 0 && r.bytes == 0);
	return 0;
}
