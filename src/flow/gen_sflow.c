/*
** gen_sflow.c — an sFlow v5 agent on paper (issue 16): the frames a switch
** would sample, built from struct flow_rec, and the datagrams it would send
** with them (flow samples, expanded or not, counter samples, a chosen
** sampling rate -- 0 included, as a broken agent sends it). The unit tests
** round-trip through it, the fuzz targets are seeded from it and the
** benchmark's sender can use it. It writes what real agents write (hsflowd
** and pmacct's sfprobe: frame_length with the 4-byte FCS, stripped = 4, a
** short frame padded to 60 bytes), so the decoder meets those here first;
** the integration test meets the real pmacct.
**
** Written apart from the decoder's reading code on purpose: the frames are
** laid out field by field from the RFCs, and nothing here calls pkt.c.
*/
#include <string.h>

#include "flow/flow.h"

#define GEN_VLANS_MAX 8 /* more than the parser reads, to test its bound */

struct w {
	uint8_t *p;
	size_t n, cap;
	bool over;
};

static void put(struct w *w, const void *b, size_t n)
{
	if (w->over || n > w->cap - w->n) {
		w->over = true;
		return;
	}
	memcpy(w->p + w->n, b, n);
	w->n += n;
}
static void put32(struct w *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	put(w, b, 4);
}
static void put64(struct w *w, uint64_t v)
{
	put32(w, (uint32_t)(v >> 32));
	put32(w, (uint32_t)v);
}
static void pad4(struct w *w)
{
	static const uint8_t z[4];
	put(w, z, (4 - (w->n & 3)) & 3);
}

static void be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t ip4_checksum(const uint8_t *h)
{
	uint32_t s = 0;
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The headers of the frame r describes into h (at least 160 bytes);
** returns their length, with *l2 the link header's and *ip_len the IP
** packet's length. */
static size_t frame_headers(const struct flow_sflow_gen *g, const struct flow_rec *r, uint8_t *h,
			    size_t *l2, size_t *ip_len)
{
	size_t o = 0;
	unsigned proto = g->hdr_proto ? g->hdr_proto : FLOW_PKT_ETHERNET;
	if (proto == FLOW_PKT_ETHERNET) {
		static const uint8_t mac[12] = { 0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02 };
		memcpy(h, mac, 12);
		o = 12;
		unsigned vlans = g->vlans < GEN_VLANS_MAX ? g->vlans : GEN_VLANS_MAX;
		for (unsigned i = 0; i < vlans; i++) {
			/* the outer tag of a stack is 802.1ad's service tag */
			be16(h + o, vlans >= 2 && i == 0 ? 0x88a8 : 0x8100);
			be16(h + o + 2, 100 + i);
			o += 4;
		}
		be16(h + o, r->family == 6 ? 0x86dd : 0x0800);
		o += 2;
	}
	*l2 = o;
	size_t ip = o;
	size_t l4 = 0;
	if (!r->frag) {
		if (r->proto == 6)
			l4 = 20;
		else if (r->proto == 17 || r->proto == 1 || r->proto == 58)
			l4 = 8;
	}
	size_t iph = r->family == 6 ? 40 + (r->frag ? 8 : 0) : 20;
	size_t len = r->bytes;
	if (len < iph + l4)
		len = iph + l4;
	if (len > 65535 + (r->family == 6 ? 40u : 0u))
		len = 65535 + (r->family == 6 ? 40u : 0u);
	*ip_len = len;
	if (r->family == 6) {
		memset(h + ip, 0, 40);
		h[ip] = 0x60;
		be16(h + ip + 4, (uint32_t)(len - 40));
		h[ip + 6] = r->frag ? 44 : r->proto;
		h[ip + 7] = 64;
		memcpy(h + ip + 8, r->src, 16);
		memcpy(h + ip + 24, r->dst, 16);
		o = ip + 40;
		if (r->frag) {
			/* a non-first fragment: offset 185 (1480 bytes), M set */
			h[o] = r->proto;
			h[o + 1] = 0;
			be16(h + o + 2, 185u << 3 | 1);
			memcpy(h + o + 4, "\x12\x34\x56\x78", 4);
			o += 8;
		}
	} else {
		memset(h + ip, 0, 20);
		h[ip] = 0x45;
		be16(h + ip + 2, (uint32_t)len);
		be16(h + ip + 4, 0x1234);
		if (r->frag)
			be16(h + ip + 6, 0x2000 | 185); /* MF, offset 1480 */
		h[ip + 8] = 64;
		h[ip + 9] = r->proto;
		memcpy(h + ip + 12, r->src, 4);
		memcpy(h + ip + 16, r->dst, 4);
		be16(h + ip + 10, ip4_checksum(h + ip));
		o = ip + 20;
	}
	if (l4 == 20) {
		memset(h + o, 0, 20);
		be16(h + o, r->sport);
		be16(h + o + 2, r->dport);
		h[o + 12] = 5 << 4;
		h[o + 13] = r->tcp_flags;
		be16(h + o + 14, 65535);
	} else if (l4 == 8) {
		memset(h + o, 0, 8);
		if (r->proto == 17) {
			be16(h + o, r->sport);
			be16(h + o + 2, r->dport);
			be16(h + o + 4, (uint32_t)(len - iph));
		} else {
			h[o] = (uint8_t)(r->dport >> 8); /* type */
			h[o + 1] = (uint8_t)r->dport;    /* code */
		}
	}
	return o + l4;
}

size_t flow_sflow_gen_frame(const struct flow_sflow_gen *g, const struct flow_rec *r, uint8_t *out,
			    size_t cap)
{
	uint8_t h[160];
	size_t l2, ip_len;
	size_t hl = frame_headers(g, r, h, &l2, &ip_len);
	size_t frame = l2 + ip_len;
	if (l2 && frame < 60)
		frame = 60;
	size_t n = frame < cap ? frame : cap;
	memset(out, 0, n);
	memcpy(out, h, hl < n ? hl : n);
	return frame;
}

static void flow_sample(struct w *w, struct flow_sflow_gen *g, const struct flow_rec *r)
{
	uint8_t frame[256];
	size_t hmax = g->header_max ? g->header_max : 128;
	if (hmax > sizeof(frame))
		hmax = sizeof(frame);
	size_t flen = flow_sflow_gen_frame(g, r, frame, sizeof(frame));
	size_t hl = flen < hmax ? flen : hmax;
	bool eth = !g->hdr_proto || g->hdr_proto == FLOW_PKT_ETHERNET;

	size_t rec_raw = 8 + 16 + ((hl + 3) & ~(size_t)3);
	size_t rec_ip = g->sampled_ip ? 8 + (r->family == 6 ? 56 : 32) : 0;
	size_t body = (g->expanded ? 44 : 32) + rec_raw + rec_ip;
	put32(w, g->expanded ? 3 : 1);
	put32(w, (uint32_t)body);
	put32(w, g->sample_seq++);
	if (g->expanded) {
		put32(w, g->source_id >> 24);
		put32(w, g->source_id & 0xffffff);
	} else {
		put32(w, g->source_id);
	}
	g->pool += g->rate ? g->rate : 1;
	put32(w, g->rate);
	put32(w, g->pool);
	put32(w, g->drops);
	if (g->expanded) {
		put32(w, 0);
		put32(w, g->source_id & 0xffffff);
		put32(w, 0);
		put32(w, 0);
	} else {
		put32(w, g->source_id & 0xffffff);
		put32(w, 0);
	}
	put32(w, g->sampled_ip ? 2 : 1);
	/* raw packet header */
	put32(w, 1);
	put32(w, (uint32_t)(rec_raw - 8));
	put32(w, eth ? FLOW_PKT_ETHERNET : g->hdr_proto);
	put32(w, (uint32_t)flen + (eth ? 4 : 0)); /* frame_length counts the FCS */
	put32(w, eth ? 4 : 0);                    /* which the header lacks */
	put32(w, (uint32_t)hl);
	put(w, frame, hl);
	pad4(w);
	if (g->sampled_ip) {
		size_t l2, ip_len;
		uint8_t h[160];
		frame_headers(g, r, h, &l2, &ip_len);
		size_t a = r->family == 6 ? 16 : 4;
		put32(w, r->family == 6 ? 4 : 3);
		put32(w, (uint32_t)(rec_ip - 8));
		put32(w, (uint32_t)ip_len);
		put32(w, r->proto);
		put(w, r->src, a);
		put(w, r->dst, a);
		put32(w, r->sport);
		put32(w, r->dport);
		put32(w, r->tcp_flags);
		put32(w, 0);
	}
}

static void counter_sample(struct w *w, struct flow_sflow_gen *g, const struct flow_sflow_ifctr *k)
{
	put32(w, g->expanded ? 4 : 2);
	put32(w, (g->expanded ? 16 : 12) + 8 + 88);
	put32(w, g->sample_seq++);
	if (g->expanded) {
		put32(w, k->source_id >> 24);
		put32(w, k->source_id & 0xffffff);
	} else {
		put32(w, k->source_id);
	}
	put32(w, 1);
	put32(w, 1);
	put32(w, 88);
	put32(w, k->ifindex);
	put32(w, k->iftype);
	put64(w, k->ifspeed);
	put32(w, k->direction);
	put32(w, k->status);
	put64(w, k->in_octets);
	put32(w, k->in_ucast);
	put32(w, k->in_mcast);
	put32(w, k->in_bcast);
	put32(w, k->in_discards);
	put32(w, k->in_errors);
	put32(w, k->in_unknown);
	put64(w, k->out_octets);
	put32(w, k->out_ucast);
	put32(w, k->out_mcast);
	put32(w, k->out_bcast);
	put32(w, k->out_discards);
	put32(w, k->out_errors);
	put32(w, k->promisc);
}

size_t flow_sflow_gen_datagram(struct flow_sflow_gen *g, const struct flow_rec *recs, size_t nrec,
			       const struct flow_sflow_ifctr *ctrs, size_t nctr, uint8_t *out,
			       size_t cap)
{
	struct flow_sflow_gen save = *g;
	struct w w = { out, 0, cap, false };
	put32(&w, 5);
	put32(&w, g->agent_family == 6 ? 2 : 1);
	put(&w, g->agent, g->agent_family == 6 ? 16 : 4);
	put32(&w, g->sub_agent);
	put32(&w, g->sequence++);
	put32(&w, g->uptime_ms);
	put32(&w, (uint32_t)(nrec + nctr));
	for (size_t i = 0; i < nrec && !w.over; i++)
		flow_sample(&w, g, &recs[i]);
	for (size_t i = 0; i < nctr && !w.over; i++)
		counter_sample(&w, g, &ctrs[i]);
	if (w.over) {
		*g = save;
		return 0;
	}
	return w.n;
}
