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

/* Each part below is one file (or a few) with its own section, written by
** its own hand; the sections only share struct flow_rec, enum flow_reject
** and struct flow_result above.
**
** ------------------------------------------- NetFlow v5, v9 and IPFIX (nf5.c, nf9.c)
** (decoders: one call per datagram, the template cache the caller's) */

#define FLOW_NF5_HDR 24
#define FLOW_NF5_REC 48
#define FLOW_NF5_MAX_RECS 30

/* The exporter, as the decoders key it: its address as 16 bytes, an IPv4
** exporter written IPv4-mapped (::ffff:a.b.c.d), as a dual-stack socket
** gives it. Records get exporter4 from a mapped address.
** Fill a 16-byte exporter key from an IPv4 address in host order. */
void flow_exporter_v4(uint8_t key[16], uint32_t ip4);

/* Decode one NetFlow v5 datagram: header of 24 bytes, then count records
** of 48 bytes; count in 1..30 and len == 24 + 48 * count exactly, else
** FLOW_REJ_COUNT (nothing delivered: a datagram whose size disagrees with
** its header is not trusted in part). The header's sampling interval (low
** 14 bits; the top 2 are the mode) goes into every record, 0 read as 1.
** Calls fn once per record; fills *out (never NULL). Reads nothing past
** len; no allocation. */
void flow_nf5_decode(const uint8_t *buf, size_t len, const uint8_t exporter[16],
		     flow_rec_fn fn, void *ctx, struct flow_result *out);

/* The bounds of a template cache; 0 in a field takes its default. */
struct flow_nf_limits {
	uint32_t templates;      /* per exporter (all domains): 256 */
	uint32_t exporters;      /* 4096 */
	uint32_t pending_bytes;  /* data held per exporter before its template: 64 KiB */
	uint32_t pending_ms;     /* held data older than this is dropped: 10000 */
	uint32_t pending_total;  /* held data over all exporters: 8 MiB */
	uint32_t template_bytes; /* template memory over all exporters: 32 MiB */
	uint32_t fields;         /* fields per template: 512 */
	uint32_t domains;        /* sampling rates kept per exporter: 64 */
};

/* Counters of a cache, for the metrics (totals over its exporters). */
struct flow_nf_stats {
	uint32_t exporters;          /* now */
	uint32_t templates;          /* now, all exporters */
	uint64_t template_bytes;     /* now, all exporters (bounded by the limit) */
	uint64_t pending_bytes;      /* now, all exporters */
	uint64_t templates_refused;  /* template flood: over the per-exporter or memory bound */
	uint64_t templates_withdrawn;
	uint64_t exporters_refused;  /* over the exporter bound */
	uint64_t pending_replayed;   /* data sets held, then decoded when the template came */
	uint64_t pending_dropped;    /* data sets held too long, or beyond the byte bound */
	uint64_t sampling_zero;      /* a sampling rate of 0 read as 1 */
};

/* The template cache of one collector thread (an exporter's datagrams
** reach one SO_REUSEPORT socket, so its templates live in one cache).
** Owned by the caller; not thread-safe. */
struct flow_nf_cache;

/* A cache with the bounds lim (NULL: every default); NULL on no memory.
** Memory grows with what is cached, never past the bounds. */
struct flow_nf_cache *flow_nf_cache_new(const struct flow_nf_limits *lim);
void flow_nf_cache_free(struct flow_nf_cache *c);
void flow_nf_cache_stats(const struct flow_nf_cache *c, struct flow_nf_stats *st);
/* Templates cached now for (exporter, domain), options templates included. */
uint32_t flow_nf_cache_templates(const struct flow_nf_cache *c,
				 const uint8_t exporter[16], uint32_t domain);

/* Decode one NetFlow v9 (RFC 3954) or IPFIX (RFC 7011) datagram; the
** version comes from its first two bytes (9 or 10, else FLOW_REJ_VERSION).
** Templates and options templates update the cache; options data carrying
** a sampling interval (34, 50, 305; with samplingPacketSpace 306 the
** rate is (interval + space) / interval) sets the rate of (exporter,
** domain) for later records, 0 read as 1 and counted. Data for a template not yet
** known is held (pending_bytes per exporter) and decoded when the template
** comes, through this call's fn; held data older than now_ms - pending_ms
** or over the bound is dropped and counted as FLOW_REJ_NO_TEMPLATE in *out
** (the datagram that met it). A malformed set is skipped and counted in
** out->rejected_parts (reject = its reason); a malformed header or set
** length ends the datagram. Records already delivered stay delivered.
** A new template beyond the per-exporter count or the memory bound is
** refused (FLOW_REJ_LIMIT; a refresh of a known one still works), as is
** every datagram of an exporter beyond the exporter bound. Records come
** in the order of their sets. now_ms is the caller's clock (any monotonic
** ms). No allocation per datagram or record: only a new exporter,
** template or held data set. */
void flow_nf9_decode(struct flow_nf_cache *c, const uint8_t *buf, size_t len,
		     const uint8_t exporter[16], uint64_t now_ms,
		     flow_rec_fn fn, void *ctx, struct flow_result *out);

/* Generators (gen_nf.c), for the tests and the benchmark's sender. Each
** writes ONE datagram into out (cap bytes) and returns its length, 0 when
** cap is too small or the arguments are out of range; *used (may be NULL)
** gets the number of records of r it holds (the first *used). v9/IPFIX
** write the IPv4 records' set, then the IPv6 records' set. */
size_t flow_gen_nf5(uint8_t *out, size_t cap, const struct flow_rec *r, size_t n,
		    uint32_t sampling, uint32_t seq, size_t *used);

enum flow_gen_tmpl {
	FLOW_GEN_TMPL_NONE = 0, /* data only: the template went earlier (or never) */
	FLOW_GEN_TMPL_BEFORE,   /* templates, then data */
	FLOW_GEN_TMPL_AFTER,    /* data, then templates (the collector must hold it) */
	FLOW_GEN_TMPL_ONLY,     /* templates (and sampling options), no data */
};

struct flow_gen_nf {
	uint16_t version;        /* 9 or 10 (IPFIX) */
	uint32_t domain;         /* source id / observation domain */
	uint32_t seq;
	uint32_t export_secs;
	enum flow_gen_tmpl tmpl;
	uint16_t tid4, tid6;     /* template ids of IPv4 and IPv6 records (0: 256, 257) */
	uint16_t tid_opt;        /* the options template's id (0: 258) */
	uint32_t sampling;       /* > 0: an options template + record with samplingInterval
				 ** (34; 50 with opt_random; 305 with opt_packet) */
	bool opt_random, opt_packet;
	uint8_t count_len;       /* bytes of packets/octets: 1..8 (0: 8 for IPFIX, 4 for v9) */
	bool extras;             /* IPFIX: an enterprise field and a variable-length
				 ** field (interfaceName 82) in each data record */
	bool long_varlen;        /* extras: the variable length in the 3-byte form */
};

size_t flow_gen_nf9(uint8_t *out, size_t cap, const struct flow_gen_nf *g,
		    const struct flow_rec *r, size_t n, size_t *used);

/* ------------------------------------------------------------ sFlow v5 (sflow.c, pkt.c)
** (decoder of one datagram; the raw-header parser Ethernet..L4) */

/* ------------------------------------------------------------ generators (gen.c)
** (v5, v9, IPFIX and sFlow datagrams from struct flow_rec lists, for the
** tests and the benchmark's sender; templates before or after data) */

/* --------------------------------------------- counting and detection (count.c, detect.c)
** (per-host counters on a dense host index, per-thread shards merged on a
** 100 ms tick, 1 s sliding rates, static and learned thresholds, attack
** classification, heavy hitters; the clock is an argument) */

/* ------------------------------- FastNetMon's configuration and contracts (fnm.c, bgp.c)
** (fastnetmon.conf and networks_list read as is and mapped to [flow];
** the notify script's arguments and stdin; ExaBGP API lines) */

#endif /* PARAPET_FLOW_H */
