/*
** nf5.c — the NetFlow v5 decoder (issue 16).
**
** v5 is the format most routers and every software exporter still speak,
** and the one the benchmark floods: a 24-byte header and up to 30 fixed
** records of 48 bytes. Its only defence against a hostile or broken sender
** is that the size must agree with the header, so a datagram whose length
** is not exactly 24 + 48 * count is refused whole (FastNetMon's v5 path
** trusted the count: CVE-2024-56072). The loop below is the hot path of
** the collector: no allocation, no lookup, fixed offsets.
*/
#include <string.h>

#include "flow/flow.h"

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void flow_exporter_v4(uint8_t key[16], uint32_t ip4)
{
	memset(key, 0, 16);
	key[10] = 0xff;
	key[11] = 0xff;
	key[12] = (uint8_t)(ip4 >> 24);
	key[13] = (uint8_t)(ip4 >> 16);
	key[14] = (uint8_t)(ip4 >> 8);
	key[15] = (uint8_t)ip4;
}

/* The IPv4 address (host order) of an IPv4-mapped key, 0 for IPv6. */
static uint32_t exporter4_of(const uint8_t k[16])
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	return k && memcmp(k, mapped, 12) == 0 ? rd32(k + 12) : 0;
}

void flow_nf5_decode(const uint8_t *buf, size_t len, const uint8_t exporter[16],
		     flow_rec_fn fn, void *ctx, struct flow_result *out)
{
	memset(out, 0, sizeof *out);
	if (len < FLOW_NF5_HDR) {
		out->reject = len >= 2 && rd16(buf) != 5 ? FLOW_REJ_VERSION : FLOW_REJ_SHORT;
		return;
	}
	if (rd16(buf) != 5) {
		out->reject = FLOW_REJ_VERSION;
		return;
	}
	unsigned count = rd16(buf + 2);
	if (count < 1 || count > FLOW_NF5_MAX_RECS ||
	    len != FLOW_NF5_HDR + (size_t)FLOW_NF5_REC * count) {
		out->reject = FLOW_REJ_COUNT;
		return;
	}
	/* sampling_interval: 2 bits of mode, 14 of interval; 0 = not sampled. */
	uint32_t interval = rd16(buf + 22) & 0x3fff;
	out->sampling = interval;
	struct flow_rec r;
	memset(&r, 0, sizeof r);
	r.family = 4;
	r.sampling = interval ? interval : 1;
	r.exporter4 = exporter4_of(exporter);
	const uint8_t *p = buf + FLOW_NF5_HDR;
	for (unsigned i = 0; i < count; i++, p += FLOW_NF5_REC) {
		memcpy(r.src, p, 4);
		memcpy(r.dst, p + 4, 4);
		r.packets = rd32(p + 16);
		r.bytes = rd32(p + 20);
		r.first_ms = rd32(p + 24);
		r.last_ms = rd32(p + 28);
		r.sport = rd16(p + 32);
		r.dport = rd16(p + 34);
		r.tcp_flags = p[37];
		r.proto = p[38];
		r.src_as = rd16(p + 40);
		r.dst_as = rd16(p + 42);
		if (fn)
			fn(ctx, &r);
	}
	out->records = count;
}
