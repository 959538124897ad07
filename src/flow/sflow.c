/*
** sflow.c — the sFlow v5 datagram decoder (issue 16; sFlow.org, "sFlow
** Version 5", 2004): one call per datagram, one struct flow_rec per sampled
** packet, generic interface counters handed over on request.
**
** sFlow is XDR: every sample and record says its format and its length,
** so a decoder can skip what it does not read. It is also outside data: a
** switch's firmware writes it, and anyone who reaches the collector's port
** can send it, with a sample count of four billion or a record length
** that points past the datagram. So the datagram's frame (header, sample
** count, each sample's length) is walked and checked before anything is
** delivered -- a datagram that does not hold together gives nothing and is
** counted per reason -- and inside it each sample is checked whole before
** its record is delivered: a broken sample is skipped alone, its
** neighbours kept (they were sampled and sent by the same agent; losing
** them would under-count the host they hit).
**
** A flow sample becomes one record: its raw packet header parsed by pkt.c
** (the usual case), or, when an agent sends none or an unreadable one, its
** sampled IPv4/IPv6 record. The extended gateway record gives the source
** and destination ASNs (top source ASNs of an attack). A sampling rate of
** 0 would scale every count to nothing: it is counted and taken as 1.
** Counter samples are counted; their generic interface counters (octets
** and discards of the port the attack arrives on) go to an optional
** callback. No allocation: this runs for every datagram the collector
** reads.
*/
#include <string.h>

#include "flow/flow.h"

/* sample formats (enterprise 0) */
#define SF_FLOW 1
#define SF_COUNTER 2
#define SF_FLOW_EXP 3
#define SF_COUNTER_EXP 4
/* flow record formats (enterprise 0) */
#define FR_RAW 1
#define FR_IPV4 3
#define FR_IPV6 4
#define FR_GATEWAY 1003
/* counter record formats (enterprise 0) */
#define CR_GENERIC 1
#define CR_GENERIC_LEN 88

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint64_t be64(const uint8_t *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

struct dctx {
	const struct flow_sflow_sink *sink;
	struct flow_sflow_stats *st;
	struct flow_result *res;
	const struct flow_sflow_hdr *hdr;
	uint32_t exporter4;
};

static void reject_part(struct dctx *c)
{
	c->res->rejected_parts++;
	if (c->res->reject == FLOW_REJ_NONE)
		c->res->reject = FLOW_REJ_SAMPLE;
}

/* The extended gateway record g[0..n): the source AS and the destination
** AS (the last of its path; the router's own when the path is empty: the
** destination is local). Returns 0, or -1 when its lengths do not hold. */
static int gateway(const uint8_t *g, size_t n, uint32_t *src_as, uint32_t *dst_as)
{
	if (n < 4)
		return -1;
	uint32_t at = be32(g);
	if (at != 1 && at != 2)
		return -1;
	size_t off = 4 + (at == 1 ? 4 : 16);
	if (off + 16 > n)
		return -1;
	uint32_t own = be32(g + off);
	*src_as = be32(g + off + 4);
	uint32_t nseg = be32(g + off + 12);
	off += 16;
	*dst_as = own;
	/* each segment is at least 8 bytes: the count is bounded by the
	** length, so the loop is too */
	if (nseg > (n - off) / 8)
		return -1;
	for (uint32_t i = 0; i < nseg; i++) {
		if (n - off < 8)
			return -1;
		uint32_t cnt = be32(g + off + 4);
		off += 8;
		if (cnt > (n - off) / 4)
			return -1;
		if (cnt)
			*dst_as = be32(g + off + (size_t)(cnt - 1) * 4);
		off += (size_t)cnt * 4;
	}
	return 0;
}

/* A sampled IPv4 (v6 false) or IPv6 record into r: the agent's own
** summary of the packet, used when it sent no readable raw header. */
static void sampled_ip(const uint8_t *b, bool v6, struct flow_rec *r)
{
	size_t a = v6 ? 16 : 4;
	r->family = v6 ? 6 : 4;
	r->bytes = be32(b);
	r->packets = 1;
	r->proto = (uint8_t)be32(b + 4);
	memcpy(r->src, b + 8, a);
	memcpy(r->dst, b + 8 + a, a);
	r->sport = (uint16_t)be32(b + 8 + 2 * a);
	r->dport = (uint16_t)be32(b + 12 + 2 * a);
	r->tcp_flags = (uint8_t)be32(b + 16 + 2 * a);
}

static void flow_sample(struct dctx *c, const uint8_t *s, size_t n, bool expanded)
{
	size_t fixed = expanded ? 44 : 32;
	if (n < fixed) {
		reject_part(c);
		return;
	}
	uint32_t rate = be32(s + (expanded ? 12 : 8));
	uint32_t drops = be32(s + (expanded ? 20 : 16));
	uint32_t nrec = be32(s + fixed - 4);
	if (nrec > FLOW_SFLOW_RECORDS_MAX || nrec > (n - fixed) / 8) {
		reject_part(c);
		return;
	}
	const uint8_t *raw = NULL, *ip = NULL;
	uint32_t raw_proto = 0, raw_len = 0, frame_len = 0, stripped = 0;
	bool ip6 = false;
	uint32_t src_as = 0, dst_as = 0;
	size_t off = fixed;
	uint64_t unknown = 0;
	for (uint32_t i = 0; i < nrec; i++) {
		if (n - off < 8) {
			reject_part(c);
			return;
		}
		uint32_t fmt = be32(s + off), len = be32(s + off + 4);
		off += 8;
		if (len > n - off) {
			reject_part(c);
			return;
		}
		const uint8_t *b = s + off;
		switch (fmt) {
		case FR_RAW:
			if (len < 16 || be32(b + 12) > len - 16) {
				reject_part(c);
				return;
			}
			raw_proto = be32(b);
			frame_len = be32(b + 4);
			stripped = be32(b + 8);
			raw_len = be32(b + 12);
			raw = b + 16;
			break;
		case FR_IPV4:
		case FR_IPV6:
			if (len < (fmt == FR_IPV4 ? 32u : 56u)) {
				reject_part(c);
				return;
			}
			ip = b;
			ip6 = fmt == FR_IPV6;
			break;
		case FR_GATEWAY:
			if (gateway(b, len, &src_as, &dst_as) < 0) {
				reject_part(c);
				return;
			}
			break;
		default:
			unknown++; /* switch, router, user, URL...: not ours */
			break;
		}
		off += len;
	}
	if (off != n) { /* bytes the records do not account for */
		reject_part(c);
		return;
	}

	struct flow_sflow_stats *st = c->st;
	st->flow_samples++;
	st->unknown_records += unknown;
	st->agent_drops += drops;
	if (rate == 0) {
		st->zero_rate++;
		rate = 1;
	}
	if (c->res->sampling == 0)
		c->res->sampling = rate;

	struct flow_rec r;
	memset(&r, 0, sizeof(r));
	bool have = false;
	if (raw) {
		uint32_t wire = frame_len > stripped ? frame_len - stripped : 0;
		switch (flow_pkt_parse(raw, raw_len, raw_proto, wire, &r)) {
		case FLOW_PKT_OK:
			have = true;
			break;
		case FLOW_PKT_CUT:
			st->hdr_cut++;
			have = true;
			break;
		case FLOW_PKT_BAD:
			st->hdr_malformed++;
			if (c->res->reject == FLOW_REJ_NONE)
				c->res->reject = FLOW_REJ_SAMPLE;
			have = true;
			break;
		case FLOW_PKT_NOT_IP:
			st->non_ip++;
			return;
		case FLOW_PKT_MALFORMED:
			st->hdr_malformed++;
			if (!ip) {
				reject_part(c);
				return;
			}
			/* the agent's sampled IP record stands in for it */
			if (c->res->reject == FLOW_REJ_NONE)
				c->res->reject = FLOW_REJ_SAMPLE;
			memset(&r, 0, sizeof(r));
			break;
		}
	}
	if (!have && ip) {
		sampled_ip(ip, ip6, &r);
		have = true;
	}
	if (!have)
		return; /* a sample of extended records alone: nothing to count */
	r.sampling = rate;
	r.src_as = src_as;
	r.dst_as = dst_as;
	r.first_ms = r.last_ms = c->hdr->uptime_ms;
	r.exporter4 = c->exporter4;
	c->res->records++;
	c->sink->rec(c->sink->ctx, &r);
}

static void ifctr(struct dctx *c, const uint8_t *b, uint32_t source_id)
{
	struct flow_sflow_ifctr k;
	k.agent_family = c->hdr->agent_family;
	memcpy(k.agent, c->hdr->agent, sizeof(k.agent));
	k.sub_agent = c->hdr->sub_agent;
	k.source_id = source_id;
	k.ifindex = be32(b);
	k.iftype = be32(b + 4);
	k.ifspeed = be64(b + 8);
	k.direction = be32(b + 16);
	k.status = be32(b + 20);
	k.in_octets = be64(b + 24);
	k.in_ucast = be32(b + 32);
	k.in_mcast = be32(b + 36);
	k.in_bcast = be32(b + 40);
	k.in_discards = be32(b + 44);
	k.in_errors = be32(b + 48);
	k.in_unknown = be32(b + 52);
	k.out_octets = be64(b + 56);
	k.out_ucast = be32(b + 64);
	k.out_mcast = be32(b + 68);
	k.out_bcast = be32(b + 72);
	k.out_discards = be32(b + 76);
	k.out_errors = be32(b + 80);
	k.promisc = be32(b + 84);
	c->sink->ctr(c->sink->ctx, &k);
}

static void counter_sample(struct dctx *c, const uint8_t *s, size_t n, bool expanded)
{
	size_t fixed = expanded ? 16 : 12;
	if (n < fixed) {
		reject_part(c);
		return;
	}
	uint32_t source_id = expanded ? (be32(s + 4) << 24 | (be32(s + 8) & 0xffffff)) : be32(s + 4);
	uint32_t nrec = be32(s + fixed - 4);
	if (nrec > FLOW_SFLOW_RECORDS_MAX || nrec > (n - fixed) / 8) {
		reject_part(c);
		return;
	}
	/* checked whole first, then handed over: a sample whose third
	** record is broken gives none of its counters */
	size_t off = fixed;
	uint64_t generic = 0, unknown = 0;
	for (uint32_t i = 0; i < nrec; i++) {
		if (n - off < 8) {
			reject_part(c);
			return;
		}
		uint32_t fmt = be32(s + off), len = be32(s + off + 4);
		off += 8;
		if (len > n - off || (fmt == CR_GENERIC && len < CR_GENERIC_LEN)) {
			reject_part(c);
			return;
		}
		if (fmt == CR_GENERIC)
			generic++;
		else
			unknown++; /* ethernet, processor, host...: counted, skipped */
		off += len;
	}
	if (off != n) {
		reject_part(c);
		return;
	}
	c->st->counter_samples++;
	c->st->if_counters += generic;
	c->st->unknown_records += unknown;
	if (!generic || !c->sink->ctr)
		return;
	off = fixed;
	for (uint32_t i = 0; i < nrec; i++) {
		uint32_t fmt = be32(s + off), len = be32(s + off + 4);
		off += 8;
		if (fmt == CR_GENERIC)
			ifctr(c, s + off, source_id);
		off += len;
	}
}

int flow_sflow_decode(const uint8_t *d, size_t n, const struct flow_sflow_sink *sink,
		      struct flow_sflow_hdr *hdr, struct flow_result *res)
{
	struct flow_sflow_stats dummy;
	struct flow_sflow_hdr h;
	memset(res, 0, sizeof(*res));
	memset(&h, 0, sizeof(h));

	if (n < 8) {
		res->reject = FLOW_REJ_SHORT;
		return -1;
	}
	if (be32(d) != 5) {
		res->reject = FLOW_REJ_VERSION;
		return -1;
	}
	uint32_t at = be32(d + 4);
	size_t alen = at == 1 ? 4 : at == 2 ? 16 : 0;
	if (!alen) {
		res->reject = FLOW_REJ_ADDRESS;
		return -1;
	}
	size_t off = 8 + alen;
	if (n < off + 16) {
		res->reject = FLOW_REJ_SHORT;
		return -1;
	}
	h.agent_family = at == 1 ? 4 : 6;
	memcpy(h.agent, d + 8, alen);
	h.sub_agent = be32(d + off);
	h.sequence = be32(d + off + 4);
	h.uptime_ms = be32(d + off + 8);
	h.samples = be32(d + off + 12);
	off += 16;
	if (hdr)
		*hdr = h;

	/* The frame first: every sample's 8-byte head and its length must
	** fit, and the samples must fill the datagram exactly. The count is
	** bounded before the walk, so four billion samples cost nothing. */
	if (h.samples > FLOW_SFLOW_SAMPLES_MAX || h.samples > (n - off) / 8) {
		res->reject = FLOW_REJ_COUNT;
		return -1;
	}
	size_t at0 = off;
	for (uint32_t i = 0; i < h.samples; i++) {
		if (n - off < 8) {
			res->reject = FLOW_REJ_SHORT;
			return -1;
		}
		uint32_t len = be32(d + off + 4);
		off += 8;
		if (len > n - off) {
			res->reject = FLOW_REJ_SHORT;
			return -1;
		}
		off += len;
	}
	if (off != n) {
		res->reject = FLOW_REJ_COUNT;
		return -1;
	}

	struct dctx c = { sink, sink->stats, res, &h, 0 };
	if (!c.st) {
		memset(&dummy, 0, sizeof(dummy));
		c.st = &dummy;
	}
	if (h.agent_family == 4)
		c.exporter4 = be32(h.agent);
	c.st->datagrams++;
	off = at0;
	for (uint32_t i = 0; i < h.samples; i++) {
		uint32_t fmt = be32(d + off), len = be32(d + off + 4);
		const uint8_t *s = d + off + 8;
		off += 8 + (size_t)len;
		switch (fmt) { /* enterprise 0 in the top 20 bits */
		case SF_FLOW:
			flow_sample(&c, s, len, false);
			break;
		case SF_FLOW_EXP:
			flow_sample(&c, s, len, true);
			break;
		case SF_COUNTER:
			counter_sample(&c, s, len, false);
			break;
		case SF_COUNTER_EXP:
			counter_sample(&c, s, len, true);
			break;
		default:
			c.st->unknown_samples++;
			break;
		}
	}
	return 0;
}
