/*
** flow.h — DDoS detection from flow telemetry (issue 16): a collector of
** NetFlow v5, NetFlow v9, IPFIX and sFlow v5 inside `parapet serve`, per-host
** counters of the constituency's protected addresses, and detection that
** hands attacks to the incident hub.
**
** This first part holds the pure foundations, each a function of its
** arguments and of state the caller owns (no sockets, no clocks, no
** globals), bounded on hostile input and fuzzed. Exporters are outside
** data: a router sends what its firmware writes, and an attacker who can
** reach the collector's port sends anything. FastNetMon's collector
** crashed on malformed packets (CVE-2024-56072, CVE-2024-56073) and its
** template cache grew without bound under a template flood (#653); every
** decoder here counts a malformed datagram per reason and drops it, never
** reading outside it, and every cache is bounded.
**
**   nf5.c     NetFlow v5: header and 48-byte records;
**   nf9.c     NetFlow v9 (RFC 3954) and IPFIX (RFC 7011): templates and
**             options templates kept per (exporter, observation domain,
**             template id), bounded per exporter; variable-length and
**             enterprise fields; the sampling rate from options data; data
**             that arrives before its template held within a bound;
**   sflow.c   sFlow v5: flow samples with raw packet headers (Ethernet,
**             VLAN, IPv4, IPv6 with extension headers, TCP, UDP, ICMP),
**             counter samples, the sampling rate;
**   gen.c     generators of each format, for the tests and the benchmark's
**             sender (the tests also use exporters written by others).
**
** Every decoder delivers the same record, struct flow_rec, through a
** callback: the counters downstream never know which protocol carried it.
*/
#ifndef PARAPET_FLOW_H
#define PARAPET_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* ---------------------------------------------------------------- records */

/* One flow (or one sampled packet, for sFlow), as every decoder delivers
** it. Addresses in network order; an IPv4 address in the first 4 bytes,
** the rest zero. Counts are as exported (NOT scaled): sampling says by how
** much the counters multiply them, so that the raw figures stay
** comparable with what the exporter and other collectors print. */
struct flow_rec {
	uint8_t family;          /* 4 or 6 */
	uint8_t proto;           /* IP protocol: 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ... */
	uint8_t tcp_flags;       /* OR of the flow's TCP flags (0x02 SYN); 0 when absent */
	uint8_t frag;            /* 1 when the flow/packet is a fragment (non-first or MF) */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;   /* 0 for protocols without ports; ICMP type/code in dport */
	uint32_t src_as, dst_as; /* 0 when the exporter gave none */
	uint64_t packets, bytes; /* as exported */
	uint32_t sampling;       /* 1 in N; 1 when unsampled or unknown */
	uint32_t first_ms, last_ms; /* exporter's uptime-relative or absolute ms; 0 = unknown */
	uint32_t exporter4;      /* the exporter's IPv4 address (host order), 0 for IPv6 */
};

/* Why a datagram (or a part of it) was dropped. Counted per exporter and
** per reason in the metrics; the names are what the metrics print. */
enum flow_reject {
	FLOW_REJ_NONE = 0,
	FLOW_REJ_SHORT,        /* shorter than its header or a record it announces */
	FLOW_REJ_VERSION,      /* not the version the decoder reads */
	FLOW_REJ_COUNT,        /* record count / length fields disagree with the size */
	FLOW_REJ_TEMPLATE,     /* malformed template: zero or too many fields, bad lengths */
	FLOW_REJ_NO_TEMPLATE,  /* data for an unknown template, beyond the pending bound */
	FLOW_REJ_LIMIT,        /* a bound (templates per exporter, pending bytes) hit */
	FLOW_REJ_SAMPLE,       /* malformed sFlow sample or raw header */
	FLOW_REJ_ADDRESS,      /* an address of an unknown family / length */
	FLOW_REJ_COUNT_MAX
};
/* The reject's metric name ("short", "version", ...); "none" for 0. */
const char *flow_reject_name(enum flow_reject r);

/* Called once per decoded record; r valid only during the call. */
typedef void (*flow_rec_fn)(void *ctx, const struct flow_rec *r);

/* What one decoded datagram gave: the records delivered, and whether (and
** why) the datagram or a part of it was refused. */
struct flow_result {
	uint32_t records;
	enum flow_reject reject; /* FLOW_REJ_NONE, or the first reason met */
	uint32_t rejected_parts; /* flowsets/samples refused inside an accepted datagram */
	uint32_t sampling;       /* the sampling rate this datagram carried, 0 if none */
};

#endif /* PARAPET_FLOW_H */
