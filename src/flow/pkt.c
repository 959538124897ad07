/*
** pkt.c — the raw packet header that an sFlow flow sample carries, read
** from the link layer to the transport ports (issue 16).
**
** A switch or router samples one packet in N and sends its first bytes
** (128 by default) to the collector. The DDoS counters need only the
** addresses, the IP protocol, the ports, the TCP flags and whether the
** packet is a fragment; this file finds them under whatever encapsulation
** the link carried: Ethernet II, 802.1Q / 802.1ad / QinQ tags, MPLS
** labels, IPv4 with options, IPv6 with its extension headers.
**
** The frame was written by whoever sent the packet -- in a DDoS, the
** attacker -- so every step is bounded: tags, labels and extension headers
** by count (flow.h), every read by the captured length. A chain that runs
** past its bound (the "extension-header maze": IPv6 headers chained to
** hide the transport header from a filter, or to make a parser loop) stops
** there and is reported as malformed, but the addresses already read are
** still delivered: the packet crossed the link and its volume is real, and
** an attacker must not hide a flood behind a header no parser likes.
**
** The sampler's cut is not an error: a header cut inside the IPv6 chain or
** the TCP header gives the addresses without the ports (FLOW_PKT_CUT).
** Pure function, no allocation: it runs once per sampled packet.
*/
#include <string.h>

#include "flow/flow.h"

#define ET_IPV4 0x0800
#define ET_IPV6 0x86DD
#define ET_VLAN 0x8100 /* 802.1Q */
#define ET_QINQ 0x88A8 /* 802.1ad service tag */
#define ET_QINQ_OLD 0x9100 /* pre-standard QinQ, still in the field */
#define ET_MPLS 0x8847
#define ET_MPLS_MC 0x8848

#define IPP_HOPOPT 0
#define IPP_ICMP 1
#define IPP_TCP 6
#define IPP_UDP 17
#define IPP_ROUTING 43
#define IPP_FRAGMENT 44
#define IPP_AH 51
#define IPP_ICMPV6 58
#define IPP_DSTOPTS 60
#define IPP_SCTP 132
#define IPP_MOBILITY 135
#define IPP_HIP 139
#define IPP_SHIM6 140

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* The transport header at p[0..avail) of protocol proto: ports, flags,
** ICMP type/code. Returns OK, or CUT when the sampler's cut fell inside it
** (what was there is kept: TCP ports without flags). */
static enum flow_pkt_status l4(const uint8_t *p, size_t avail, struct flow_rec *r)
{
	switch (r->proto) {
	case IPP_TCP:
		if (avail < 4)
			return FLOW_PKT_CUT;
		r->sport = rd16(p);
		r->dport = rd16(p + 2);
		if (avail < 14)
			return FLOW_PKT_CUT;
		r->tcp_flags = p[13];
		return FLOW_PKT_OK;
	case IPP_UDP:
	case IPP_SCTP:
		if (avail < 4)
			return FLOW_PKT_CUT;
		r->sport = rd16(p);
		r->dport = rd16(p + 2);
		return FLOW_PKT_OK;
	case IPP_ICMP:
	case IPP_ICMPV6:
		if (avail < 2)
			return FLOW_PKT_CUT;
		/* NetFlow's convention (ICMP_TYPE in the destination port) */
		r->dport = (uint16_t)(p[0] << 8 | p[1]);
		return FLOW_PKT_OK;
	default:
		return FLOW_PKT_OK;
	}
}

/* The IP packet's length as counted: the header's own length field,
** bounded by what the wire held after the link header (l3_wire, 0 when
** unknown); when the field says nothing (an IPv6 jumbogram) the wire's
** length, else what was captured. */
static uint64_t ip_bytes(uint32_t ip_len, uint32_t l3_wire, size_t captured)
{
	if (ip_len && l3_wire)
		return ip_len < l3_wire ? ip_len : l3_wire;
	if (ip_len)
		return ip_len;
	if (l3_wire)
		return l3_wire;
	return captured;
}

static enum flow_pkt_status ipv4(const uint8_t *p, size_t n, uint32_t l3_wire, struct flow_rec *r)
{
	if (n < 20 || (p[0] >> 4) != 4)
		return FLOW_PKT_MALFORMED;
	size_t ihl = (size_t)(p[0] & 0x0f) * 4;
	if (ihl < 20)
		return FLOW_PKT_MALFORMED;
	r->family = 4;
	memcpy(r->src, p + 12, 4);
	memcpy(r->dst, p + 16, 4);
	r->proto = p[9];
	uint16_t tot = rd16(p + 2);
	uint16_t fo = rd16(p + 6);
	r->frag = (fo & 0x3fff) != 0; /* MF, or an offset */
	if (tot < ihl) {
		/* a length shorter than its own header: the wire says how
		** much was there */
		r->bytes = ip_bytes(0, l3_wire, n);
		return FLOW_PKT_BAD;
	}
	r->bytes = ip_bytes(tot, l3_wire, n);
	if (fo & 0x1fff)
		return FLOW_PKT_OK; /* a later fragment: no transport header */
	if (ihl > n)
		return FLOW_PKT_CUT; /* cut inside the options */
	/* what follows the header, within both the capture and the packet */
	size_t avail = n - ihl;
	if (avail > (size_t)(tot - ihl))
		avail = (size_t)(tot - ihl);
	return l4(p + ihl, avail, r);
}

static enum flow_pkt_status ipv6(const uint8_t *p, size_t n, uint32_t l3_wire, struct flow_rec *r)
{
	if (n < 40 || (p[0] >> 4) != 6)
		return FLOW_PKT_MALFORMED;
	r->family = 6;
	memcpy(r->src, p + 8, 16);
	memcpy(r->dst, p + 24, 16);
	uint32_t plen = rd16(p + 4);
	/* payload length 0 is a jumbogram (RFC 2675): its length is in a
	** hop-by-hop option; the wire's length stands in for it */
	uint32_t ip_len = plen ? plen + 40 : 0;
	r->bytes = ip_bytes(ip_len, l3_wire, n);
	/* the end of the packet as far as it can be known: the extension
	** chain must stay inside it */
	size_t end = ip_len ? ip_len : (size_t)-1;
	uint8_t nh = p[6];
	size_t off = 40;
	for (unsigned ext = 0;; ext++) {
		size_t len;
		r->proto = nh;
		switch (nh) {
		case IPP_HOPOPT:
			/* only right after the fixed header (RFC 8200 4.1) */
			if (ext > 0)
				return FLOW_PKT_BAD;
			/* fallthrough */
		case IPP_ROUTING:
		case IPP_DSTOPTS:
		case IPP_MOBILITY:
		case IPP_HIP:
		case IPP_SHIM6:
			if (off + 2 > n)
				return off + 2 > end ? FLOW_PKT_BAD : FLOW_PKT_CUT;
			len = ((size_t)p[off + 1] + 1) * 8;
			break;
		case IPP_AH:
			if (off + 2 > n)
				return off + 2 > end ? FLOW_PKT_BAD : FLOW_PKT_CUT;
			len = ((size_t)p[off + 1] + 2) * 4;
			break;
		case IPP_FRAGMENT:
			if (off + 8 > n)
				return off + 8 > end ? FLOW_PKT_BAD : FLOW_PKT_CUT;
			len = 8;
			{
				uint16_t fo = rd16(p + off + 2);
				/* offset or M; an atomic fragment (RFC 6946:
				** neither) is a whole packet */
				if (fo & 0xfff9)
					r->frag = 1;
				if (fo & 0xfff8) {
					/* a later fragment: what follows is
					** payload, not a header */
					r->proto = p[off];
					return FLOW_PKT_OK;
				}
			}
			break;
		default: {
			/* the transport header (or ESP, no-next-header, an
			** unknown protocol: no ports) */
			if (off > end)
				return FLOW_PKT_BAD;
			if (off > n)
				return FLOW_PKT_CUT;
			size_t avail = n - off;
			if (end != (size_t)-1 && avail > end - off)
				avail = end - off;
			return l4(p + off, avail, r);
		}
		}
		if (ext + 1 > FLOW_PKT_EXT_MAX)
			return FLOW_PKT_BAD; /* the maze: stop at the bound */
		nh = p[off];
		off += len;
		if (off > end)
			return FLOW_PKT_BAD; /* a header longer than its packet */
	}
}

/* The IP packet at p[0..n), by its version nibble (after MPLS, which does
** not say what it carries). */
static enum flow_pkt_status ip_any(const uint8_t *p, size_t n, uint32_t l3_wire, struct flow_rec *r)
{
	if (n < 1)
		return FLOW_PKT_MALFORMED;
	if ((p[0] >> 4) == 4)
		return ipv4(p, n, l3_wire, r);
	if ((p[0] >> 4) == 6)
		return ipv6(p, n, l3_wire, r);
	return FLOW_PKT_NOT_IP;
}

enum flow_pkt_status flow_pkt_parse(const uint8_t *hdr, size_t caplen, unsigned hdr_proto,
				    uint32_t wire_len, struct flow_rec *r)
{
	r->family = 0;
	r->proto = 0;
	r->tcp_flags = 0;
	r->frag = 0;
	memset(r->src, 0, sizeof(r->src));
	memset(r->dst, 0, sizeof(r->dst));
	r->sport = r->dport = 0;
	r->packets = 1;
	r->bytes = 0;

	if (hdr_proto == FLOW_PKT_IPV4)
		return ipv4(hdr, caplen, wire_len, r);
	if (hdr_proto == FLOW_PKT_IPV6)
		return ipv6(hdr, caplen, wire_len, r);
	if (hdr_proto != FLOW_PKT_ETHERNET)
		return FLOW_PKT_NOT_IP;

	if (caplen < 14)
		return FLOW_PKT_MALFORMED;
	uint16_t et = rd16(hdr + 12);
	size_t off = 14;
	for (unsigned tags = 0; et == ET_VLAN || et == ET_QINQ || et == ET_QINQ_OLD; tags++) {
		if (tags >= FLOW_PKT_VLAN_MAX || off + 4 > caplen)
			return FLOW_PKT_MALFORMED;
		et = rd16(hdr + off + 2);
		off += 4;
	}
	uint32_t l3_wire = 0;
	if (et == ET_MPLS || et == ET_MPLS_MC) {
		for (unsigned labels = 0;; labels++) {
			if (labels >= FLOW_PKT_MPLS_MAX || off + 4 > caplen)
				return FLOW_PKT_MALFORMED;
			int bottom = hdr[off + 2] & 1;
			off += 4;
			if (bottom)
				break;
		}
		if (wire_len > off)
			l3_wire = wire_len - (uint32_t)off;
		return ip_any(hdr + off, caplen - off, l3_wire, r);
	}
	if (wire_len > off)
		l3_wire = wire_len - (uint32_t)off;
	if (et == ET_IPV4)
		return ipv4(hdr + off, caplen - off, l3_wire, r);
	if (et == ET_IPV6)
		return ipv6(hdr + off, caplen - off, l3_wire, r);
	return FLOW_PKT_NOT_IP;
}
