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
**   sflow.c   sFlow v5: flow samples, counter samples, the sampling rate;
**   pkt.c     the raw packet headers sFlow samples (Ethernet, VLAN, MPLS,
**             IPv4, IPv6 with extension headers, TCP, UDP, ICMP);
**   gen_nf.c, gen_sflow.c  generators of each format, for the tests and
**             the benchmark's sender (the tests also use exporters written
**             by others: softflowd, pmacct);
**   hosts.c, count.c, hh.c, detect.c  protected hosts, per-thread counters
**             merged on a 100 ms tick, heavy hitters, thresholds (static
**             and learned) and attack classification;
**   fnm.c, bgp.c, notify.c  FastNetMon's configuration read as is, ExaBGP
**             API lines, the notify script run under its contract;
**   fnm_import.c  `flow import-fastnetmon`: the files read and mapped, the
**             networks added as the organisation's CIDR assets;
**   flow.c    what the parts share (reject names).
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
	uint64_t packets, bytes; /* as exported; bytes count the IP packet (NetFlow's
				  ** dOctets, IPFIX's octetDeltaCount; for sFlow the IP
				  ** length, not the frame with its FCS), so a host's
				  ** bits/s do not depend on the export protocol */
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
	/* v9/IPFIX: the data records the datagram's data sets held, options
	** data and records that are not flows included (what an IPFIX
	** header's sequence number counts, RFC 7011 3.1); valid only when
	** !uncounted: a set held for its template, or cut short, has a count
	** nobody can know yet. Records decoded later from held data count in
	** the datagram that carried them, never in a later one. */
	uint32_t data_records;
	bool uncounted;
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

/* The raw packet header of an sFlow flow sample (pkt.c), as a sampler
** keeps it: the first N bytes of a frame (N is the agent's header length,
** 128 by default), so a header is often cut inside its IP options, IPv6
** extension headers or transport header. The parser reads Ethernet II,
** 802.1Q / 802.1ad / QinQ tags, MPLS labels, IPv4, IPv6 with its extension
** headers, and the TCP, UDP, SCTP, ICMP and ICMPv6 headers, each within
** the bounds below: a frame is outside data (an attacker crafts it, the
** router samples it), and a chain of tags, labels or extension headers
** that never ends must stop, not loop. */

/* sFlow's header_protocol values the parser reads. */
enum flow_pkt_proto {
	FLOW_PKT_ETHERNET = 1, /* ETHERNET-ISO88023 */
	FLOW_PKT_IPV4 = 11,
	FLOW_PKT_IPV6 = 12,
};

#define FLOW_PKT_VLAN_MAX 4 /* 802.1Q/802.1ad tags: QinQ is 2; providers stack 3 */
#define FLOW_PKT_MPLS_MAX 8 /* MPLS labels before the IP header */
#define FLOW_PKT_EXT_MAX 8  /* IPv6 extension headers: RFC 8200 allows each once
			    ** (destination options twice), so 8 is past any
			    ** honest chain; RFC 7112 asks the whole chain to sit
			    ** in the first fragment */

/* What the parser made of a header. OK, CUT and BAD deliver a record;
** NOT_IP and MALFORMED do not. */
enum flow_pkt_status {
	FLOW_PKT_OK = 0,   /* addresses, protocol and (where it has them) ports */
	FLOW_PKT_CUT,      /* the sampler cut the header short after the IP
			   ** addresses: what was there, no ports (or no flags) */
	FLOW_PKT_BAD,      /* addresses read, then a malformed IP length, option
			   ** or extension chain -- the extension-header maze --
			   ** stopped the parse: delivered with addresses and no
			   ** ports, counted as malformed */
	FLOW_PKT_NOT_IP,   /* ARP, LLDP, an unknown EtherType or header protocol */
	FLOW_PKT_MALFORMED /* not readable as IP up to its addresses: no record */
};

/* Parse the raw header hdr[0..caplen) of header protocol hdr_proto (enum
** flow_pkt_proto) into r. wire_len is the frame's length on the wire from
** hdr[0] on, without the octets the sampler stripped (the FCS); 0 when
** unknown. Writes r's family, proto, tcp_flags, frag, src, dst, sport,
** dport, packets (1) and bytes, and leaves its other fields as the caller
** set them. bytes is the IP packet's length -- what NetFlow and IPFIX
** count (dOctets, octetDeltaCount), so that a host's bits/s mean the same
** whichever protocol carried them: the IP length field, bounded by what
** the wire held after the link header (an Ethernet frame pads a 40-byte
** SYN to 46 bytes of payload; a forged length claims more than was sent).
** Ports only from a first fragment; ICMP type << 8 | code in dport. No
** allocation, no read outside hdr[0..caplen). */
enum flow_pkt_status flow_pkt_parse(const uint8_t *hdr, size_t caplen, unsigned hdr_proto,
				    uint32_t wire_len, struct flow_rec *r);

/* The sFlow v5 decoder (sflow.c): one call per datagram, one flow_rec per
** sampled packet (packets 1, bytes its IP length as above, sampling the
** sample's rate, exporter4 the agent's IPv4 address, first_ms = last_ms
** the agent's uptime), counter samples counted and, when asked, handed
** over. Every length and count is checked against the datagram before it
** is used; unknown sample and record formats are skipped by their length. */

#define FLOW_SFLOW_SAMPLES_MAX 4096 /* samples per datagram: a 64 KiB datagram
				    ** holds at most 8191 8-byte samples, an
				    ** honest one a few dozen */
#define FLOW_SFLOW_RECORDS_MAX 64   /* flow or counter records per sample */

/* The datagram's header, as the agent wrote it. */
struct flow_sflow_hdr {
	uint8_t agent_family; /* 4 or 6 */
	uint8_t agent[16];    /* network order; IPv4 in the first 4 bytes */
	uint32_t sub_agent, sequence, uptime_ms, samples;
};

/* Generic interface counters (sFlow counter record 0:1), the part a DDoS
** view reads: an interface's octets and discards beside the sampled flows. */
struct flow_sflow_ifctr {
	uint8_t agent_family;
	uint8_t agent[16];
	uint32_t sub_agent;
	uint32_t source_id;        /* the counter sample's source (type << 24 | index) */
	uint32_t ifindex, iftype;
	uint64_t ifspeed;          /* bits/s */
	uint32_t direction, status;
	uint64_t in_octets, out_octets;
	uint32_t in_ucast, in_mcast, in_bcast, in_discards, in_errors, in_unknown;
	uint32_t out_ucast, out_mcast, out_bcast, out_discards, out_errors;
	uint32_t promisc;
};
typedef void (*flow_sflow_ctr_fn)(void *ctx, const struct flow_sflow_ifctr *c);

/* Counts a collector prints per exporter; flow_sflow_decode ADDS to them
** (the caller zeroes them once). */
struct flow_sflow_stats {
	uint64_t datagrams;      /* decoded (accepted) */
	uint64_t flow_samples, counter_samples;
	uint64_t unknown_samples;/* enterprise or format we do not read, skipped */
	uint64_t unknown_records;/* flow/counter records skipped by length */
	uint64_t zero_rate;      /* flow samples with sampling rate 0, taken as 1 */
	uint64_t agent_drops;    /* the agent's own dropped samples (its drops field) */
	uint64_t non_ip;         /* sampled frames that carry no IP (ARP, ...) */
	uint64_t hdr_cut;        /* headers cut by the sampler before the ports */
	uint64_t hdr_malformed;  /* FLOW_PKT_BAD and FLOW_PKT_MALFORMED headers */
	uint64_t if_counters;    /* generic interface counter records */
};

/* Where the decoder delivers. rec is required; ctr and stats may be NULL. */
struct flow_sflow_sink {
	flow_rec_fn rec;
	flow_sflow_ctr_fn ctr;
	void *ctx; /* handed to rec and ctr */
	struct flow_sflow_stats *stats;
};

/* Decode one sFlow v5 datagram d[0..n). The datagram's frame -- header,
** sample count, each sample's format and length -- is checked whole before
** anything is delivered: if it does not hold together, nothing is
** delivered, res->reject names why and -1 is returned. Inside an accepted
** datagram a sample that does not hold together is skipped alone
** (res->rejected_parts, res->reject FLOW_REJ_SAMPLE) and 0 is returned;
** a delivered record whose header was malformed (FLOW_PKT_BAD, or one
** unreadable that the sample's sampled IP record stood in for) also sets
** res->reject FLOW_REJ_SAMPLE. res->sampling is the first flow sample's
** rate (0 taken as 1), 0 when the datagram held none. hdr (may be NULL)
** gets the datagram's header once it is read. No allocation. */
int flow_sflow_decode(const uint8_t *d, size_t n, const struct flow_sflow_sink *sink,
		      struct flow_sflow_hdr *hdr, struct flow_result *res);

/* The sFlow generator (gen_sflow.c), for the tests, the fuzz seeds and the
** benchmark's sender: an agent that samples the packets described by
** flow_recs and writes them as a switch would (Ethernet frames, header
** length N, frame_length with the FCS and stripped = 4). */
struct flow_sflow_gen {
	uint8_t agent_family;   /* 4 or 6 */
	uint8_t agent[16];
	uint32_t sub_agent;
	uint32_t sequence;      /* the next datagram's sequence; incremented */
	uint32_t uptime_ms;
	uint32_t sample_seq;    /* the next sample's sequence; incremented */
	uint32_t source_id;     /* type << 24 | ifindex */
	uint32_t rate;          /* written as is: 0 is allowed (a broken agent) */
	uint32_t pool;          /* the sample pool; grows by rate per sample */
	uint32_t drops;
	uint32_t header_max;    /* header bytes kept; 0 = 128, at most 256 */
	uint32_t hdr_proto;     /* enum flow_pkt_proto; 0 = Ethernet */
	unsigned vlans;         /* 802.1Q tags (the first 802.1ad when 2 or more) */
	bool expanded;          /* expanded flow and counter samples (formats 3, 4) */
	bool sampled_ip;        /* add a sampled IPv4/IPv6 record (0:3, 0:4) */
};

/* The frame that r describes into out[0..cap): r's family, proto, src,
** dst, sport, dport (ICMP type << 8 | code), tcp_flags, and frag (a
** non-first fragment: no transport header), with r->bytes as the IP
** packet's length (raised to the headers' length when smaller), the
** payload zeros, a short Ethernet frame padded to 60 bytes. Writes
** min(cap, frame) bytes; returns the frame's full length (without FCS). */
size_t flow_sflow_gen_frame(const struct flow_sflow_gen *g, const struct flow_rec *r, uint8_t *out,
			    size_t cap);

/* One datagram into out[0..cap): one flow sample per record of recs (one
** sampled packet each, as flow_sflow_gen_frame builds it), then one
** counter sample (generic interface counters) per ctrs entry. Advances
** g's sequences and pool. Returns the datagram's length, 0 when it does
** not fit in cap (g unchanged). */
size_t flow_sflow_gen_datagram(struct flow_sflow_gen *g, const struct flow_rec *recs, size_t nrec,
			       const struct flow_sflow_ifctr *ctrs, size_t nctr, uint8_t *out,
			       size_t cap);

/* ------------------------------------------------------------ generators (gen.c)
** (v5, v9, IPFIX and sFlow datagrams from struct flow_rec lists, for the
** tests and the benchmark's sender; templates before or after data) */

/* --------------------------------------------- counting and detection (count.c, detect.c)
** (per-host counters on a dense host index, per-thread shards merged on a
** 100 ms tick, 1 s sliding rates, static and learned thresholds, attack
** classification, heavy hitters; the clock is an argument) */

/* Protected hosts (hosts.c). The constituency's CIDR assets become an
** immutable table mapping an address to a dense host index 0..N-1, N
** bounded (max_hosts, default FLOW_HOSTS_DEFAULT), so that every counter
** downstream is an array slot and never a hash lookup.
** Slots: a nested prefix inside a listed one adds nothing (its addresses
** are already the outer prefix's); every remaining prefix of at most
** FLOW_HOSTS_DENSE_MAX addresses (a v4 /10 or a v6 /106 or longer) gets a
** contiguous run, host index = run base + offset in the prefix, smallest
** prefixes first while the budget lasts. Larger prefixes, and those the
** budget has no room left for (a v4 /8, a v6 /48 holds more hosts than
** any budget), share the rest of the budget as a
** bounded open-addressing table of the addresses actually seen: the
** first record for an address claims a slot with one compare-and-swap
** (lock-free, so collector threads may look up concurrently); when the
** table is full the address is "not protected" and counted in
** flow_hosts_overflow(). The table is immutable otherwise: on an asset
** change build a new one and swap the pointer; the counters of the old
** one restart cleanly (struct flow_count is bound to one table), while
** attacks and learned baselines are keyed by address and survive. */
#define FLOW_HOSTS_DEFAULT 1000000u
#define FLOW_HOSTS_DENSE_MAX (1u << 22)
#define FLOW_HOST_NONE UINT32_MAX

struct flow_prefix {
	uint8_t family; /* 4 or 6 */
	uint8_t len;    /* 0..32 or 0..128 */
	uint8_t addr[16];
};

struct flow_hosts;

/* Builds the table from n prefixes (bits past len ignored). max_hosts 0
** means FLOW_HOSTS_DEFAULT. Returns a table the caller frees with
** flow_hosts_free, or NULL with err (PERR_INVALID for a bad prefix,
** PERR_INTERNAL out of memory). */
struct flow_hosts *flow_hosts_build(const struct flow_prefix *p, size_t n,
				    uint32_t max_hosts, struct perr *err);
void flow_hosts_free(struct flow_hosts *h);
/* The host index of an address (4 or 16 bytes by family, network order),
** or FLOW_HOST_NONE. May claim a slot for an address in a large prefix
** (see above); safe from any number of threads. */
uint32_t flow_hosts_lookup(struct flow_hosts *h, uint8_t family,
			   const uint8_t *addr);
/* The same in two steps, for a pipeline over many records: find answers
** as lookup does, except for an address of a large prefix, where it
** returns FLOW_HOST_PENDING, sets *slot and prefetches that slot of the
** seen-address table; claim(slot) then gives what lookup would, once the
** slot's cache line came in while other records were worked on. */
#define FLOW_HOST_PENDING (UINT32_MAX - 1)
uint32_t flow_hosts_find(struct flow_hosts *h, uint8_t family, const uint8_t *addr,
			 uint32_t *slot);
/* Only with the slot of a find that returned FLOW_HOST_PENDING for addr. */
uint32_t flow_hosts_claim(struct flow_hosts *h, uint8_t family, const uint8_t *addr,
			  uint32_t slot);
/* Host slots (N): every index returned is < this. */
uint32_t flow_hosts_size(const struct flow_hosts *h);
/* The address of a host index: 0 and *family/addr[16] filled, or -1 for
** an index not (yet) given to an address. */
int flow_hosts_addr(const struct flow_hosts *h, uint32_t idx, uint8_t *family,
		    uint8_t addr[16]);
/* Addresses refused because the seen-address table was full. */
uint64_t flow_hosts_overflow(const struct flow_hosts *h);
size_t flow_hosts_memory(const struct flow_hosts *h);

/* Heavy hitters (hh.c): Space-Saving (Metwally et al.) with FLOW_HH_K
** counters: any key whose weight exceeds total/K is in it; each count is
** over by at most its err. Keys are 16 bytes (an address; an ASN or a port
** in the first 4 bytes, big-endian). */
#define FLOW_HH_K 16
struct flow_hh_item {
	uint8_t key[16];
	uint64_t count, err;
};
struct flow_hh {
	uint32_t n;
	struct flow_hh_item it[FLOW_HH_K];
};
void flow_hh_add(struct flow_hh *h, const uint8_t key[16], uint64_t w);
/* Folds src into dst as weighted additions (the errors add up). */
void flow_hh_merge(struct flow_hh *dst, const struct flow_hh *src);
/* Up to n items, heaviest first, copied to out; returns how many. */
size_t flow_hh_top(const struct flow_hh *h, struct flow_hh_item *out, size_t n);
/* A key from a 32-bit number (ASN, port). */
void flow_hh_key32(uint8_t key[16], uint32_t v);

/* Counting (count.c). Each collector thread owns one shard and adds every
** record to it without locks or allocation; a tick every 100 ms folds the
** shards into a global ring of 10 slots of 100 ms per active (host,
** direction), so the window sums are the exact counts of the last second
** at each tick. Only (host, direction) pairs with traffic in the window
** hold a ring entry (bounded by max_active); see count.c for the memory
** figure. */
enum flow_dir { FLOW_IN = 0, FLOW_OUT = 1 };

/* The counters: packets, bytes and flows in all, per protocol and for
** fragments; TCP SYN packets (SYN without ACK); UDP packets from an
** amplification source port (flow_amp_port). Scaled by sampling. */
enum flow_ctr {
	FLOW_C_PKTS, FLOW_C_BYTES, FLOW_C_FLOWS,
	FLOW_C_TCP_PKTS, FLOW_C_TCP_BYTES, FLOW_C_TCP_FLOWS,
	FLOW_C_UDP_PKTS, FLOW_C_UDP_BYTES, FLOW_C_UDP_FLOWS,
	FLOW_C_ICMP_PKTS, FLOW_C_ICMP_BYTES, FLOW_C_ICMP_FLOWS,
	FLOW_C_FRAG_PKTS, FLOW_C_FRAG_BYTES, FLOW_C_FRAG_FLOWS,
	FLOW_C_SYN_PKTS,
	FLOW_C_AMP_PKTS,
	FLOW_C_N
};
/* "pps", "bps", "flows", "tcp_pps", ... (bytes counters read as bits/s). */
const char *flow_ctr_name(enum flow_ctr c);

/* The heavy-hitter sketches of a watched (host, direction). */
enum flow_top { FLOW_TOP_SRC, FLOW_TOP_ASN, FLOW_TOP_SPORT, FLOW_TOP_DPORT,
		FLOW_TOP_N };
#define FLOW_WATCH_MAX 254u /* watched (host, direction) pairs at once */

struct flow_count_cfg {
	uint32_t shards;     /* collector threads, 1..64 */
	uint32_t max_active; /* ring entries, 0 = min(2 N, 131072) */
};

struct flow_count;
struct flow_shard;

/* A counter state bound to hosts (which must outlive it). NULL + err. */
struct flow_count *flow_count_new(struct flow_hosts *hosts,
				  const struct flow_count_cfg *cfg,
				  struct perr *err);
void flow_count_free(struct flow_count *c);
struct flow_shard *flow_count_shard(struct flow_count *c, unsigned i);

/* The hot path: counts r for its protected destination (inbound) and
** source (outbound). Only the shard's own thread may call it. */
void flow_shard_add(struct flow_shard *s, const struct flow_rec *r);
/* The same for n records at once, faster: the cache misses of different
** records overlap (a collector buffers a recvmmsg batch's records). */
void flow_shard_add_batch(struct flow_shard *s, const struct flow_rec *r,
			  size_t n);
/* The writer's side of the handoff: call between batches (and on idle
** wake-ups); switches to the buffer the tick asked for. Cheap. */
void flow_shard_sync(struct flow_shard *s);

/* The tick, in two steps so that writers never wait: flow_count_flip asks
** every shard to switch buffers; once they synced (a collector batch
** later), flow_count_tick folds the retired buffers into the ring at
** now_ms (tick = now_ms / 100) and advances every active entry. A shard
** that has not synced yet is folded on a later tick (counted in
** flow_count_late) and is not flipped again before that. Only one thread
** ticks. */
void flow_count_flip(struct flow_count *c);
void flow_count_tick(struct flow_count *c, uint64_t now_ms);
/* flip + sync of every shard + tick: for callers whose writers are not
** running (tests, a single-threaded collector). */
void flow_count_tick_quiescent(struct flow_count *c, uint64_t now_ms);
uint64_t flow_count_late(const struct flow_count *c);
/* Has every shard switched to the buffer the last flip asked for? A ticker
** that flips on the 100 ms boundary and ticks as soon as this holds folds
** the 100 ms just ended at once instead of one tick later. */
bool flow_count_synced(const struct flow_count *c);
/* Records whose (host, direction) found no free ring / shard entry. */
uint64_t flow_count_dropped(const struct flow_count *c);

/* One active (host, direction) as the tick left it. sum[] are the counts
** of the last second (bytes counters in bytes). user is a word the
** detector keeps per entry (0 when the entry is new). */
struct flow_entry_view {
	uint32_t host;
	enum flow_dir dir;
	const uint64_t *sum;  /* FLOW_C_N */
	const uint32_t *slot; /* FLOW_C_N: this tick's 100 ms alone (what a
			      ** caller adds up for totals since start) */
	uint8_t amp_port_id;  /* last amplification port seen, 0 none */
	uint32_t *user;
};
typedef void (*flow_entry_fn)(void *ctx, const struct flow_entry_view *e);
void flow_count_each(struct flow_count *c, flow_entry_fn fn, void *ctx);
/* The window sums of (host, dir), or NULL when it is not active. */
const uint64_t *flow_count_sums(const struct flow_count *c, uint32_t host,
				enum flow_dir dir);
/* Watching: the hot path feeds sketches only for watched pairs. Returns
** 0, or -1 when FLOW_WATCH_MAX pairs are watched already. */
int flow_count_watch(struct flow_count *c, uint32_t host, enum flow_dir dir,
		     bool on);
/* The sketches of a watched pair, accumulated since the watch began
** (FLOW_TOP_N of them), or NULL. */
const struct flow_hh *flow_count_hh(const struct flow_count *c, uint32_t host,
				    enum flow_dir dir);
/* The evidence's sample of flows of a watched pair: up to n of the latest
** FLOW_SAMPLE_MAX (a few per tick, as exported), newest first. */
#define FLOW_SAMPLE_MAX 16
size_t flow_count_sample(const struct flow_count *c, uint32_t host,
			 enum flow_dir dir, struct flow_rec *out, size_t n);
size_t flow_count_memory(const struct flow_count *c);
struct flow_hosts *flow_count_hosts(const struct flow_count *c);

/* Amplification source ports (reflection of UDP services that answer a
** small spoofed request with a large reply): the id (1..) of a UDP source
** port, 0 when it is none; the service's name of an id. */
uint8_t flow_amp_port(uint16_t port);
const char *flow_amp_name(uint8_t id);
uint16_t flow_amp_port_of(uint8_t id);

/* Detection (detect.c). */
enum flow_attack_type {
	FLOW_ATK_SYN_FLOOD, FLOW_ATK_UDP_FLOOD, FLOW_ATK_ICMP_FLOOD,
	FLOW_ATK_FRAGMENTS, FLOW_ATK_AMPLIFICATION, FLOW_ATK_TCP_FLOOD,
	FLOW_ATK_MIXED
};
const char *flow_attack_type_name(enum flow_attack_type t);

/* Thresholds per second, one per counter, 0 = off; the bytes counters'
** thresholds are in bits/s (FastNetMon's mbps x 1e6). */
struct flow_thresholds {
	uint64_t v[FLOW_C_N];
};

/* A hostgroup: its own thresholds for the hosts under its prefix (the
** longest group prefix wins). */
struct flow_hostgroup {
	char name[64];
	struct flow_prefix prefix;
	struct flow_thresholds in, out;
};

#define FLOW_TIMELINE_MAX 600 /* seconds kept per attack (the last ones) */
#define FLOW_LEARN_HOSTS_DEFAULT 32768u

struct flow_detect_cfg {
	struct flow_thresholds in, out; /* static, for hosts of no group */
	const struct flow_hostgroup *groups; /* copied */
	size_t ngroups;
	bool learned;          /* learned thresholds for pps, bps, flows */
	double learn_factor;   /* threshold = 7-day peak x factor, >= 1 (0: 2) */
	struct flow_thresholds learn_floor; /* never below (pps, bps, flows) */
	uint32_t learn_hosts;  /* baselines kept, 0 = FLOW_LEARN_HOSTS_DEFAULT */
	uint64_t quiet_ms;     /* under threshold this long ends an attack */
	uint64_t ban_ms;       /* FastNetMon's ban_time; 0 = none */
	bool unban_only_if_finished; /* with ban_ms: also wait for quiet */
	uint32_t max_attacks;  /* open at once, 0 = 4096 */
	int64_t clock_offset_ms; /* added to now_ms for the hour of the week the
				 ** baselines learn in: a caller ticking on a
				 ** monotonic clock passes (wall - monotonic), so
				 ** saved baselines keep to the calendar across a
				 ** reboot; 0 when now_ms is Unix time already */
};

struct flow_tl_point {
	uint64_t t_ms;
	uint64_t pps, bps, flows;
};

struct flow_attack {
	uint8_t family, addr[16];
	enum flow_dir dir;
	enum flow_attack_type type;
	uint16_t amp_port;        /* the reflected service's port, 0 if none */
	enum flow_ctr metric;     /* the threshold crossed first */
	uint64_t threshold, value;/* of that metric at the start (bits/s for bytes) */
	bool learned;             /* the threshold was a learned one */
	uint64_t start_ms, end_ms, last_over_ms;
	uint64_t peak_pps, peak_bps, peak_flows;
	uint64_t sum[FLOW_C_N];   /* the window at the last tick */
	struct flow_hh top[FLOW_TOP_N];
	struct flow_rec sample[FLOW_SAMPLE_MAX]; /* flows seen, newest first */
	size_t nsample;
	const struct flow_tl_point *timeline; /* oldest first */
	size_t ntimeline;
};

enum flow_event_kind { FLOW_EV_START, FLOW_EV_UPDATE, FLOW_EV_END };
/* a and its arrays are valid only during the call. UPDATE comes once a
** second while the attack lasts (the sketches fill after the start). */
typedef void (*flow_event_fn)(void *ctx, enum flow_event_kind kind,
			      const struct flow_attack *a);

struct flow_detect;

/* A detector (its config copied). NULL + err on a bad config. */
struct flow_detect *flow_detect_new(const struct flow_detect_cfg *cfg,
				    flow_event_fn fn, void *ctx,
				    struct perr *err);
void flow_detect_free(struct flow_detect *d);
/* After flow_count_tick at now_ms: evaluates every active pair, opens,
** updates and ends attacks, learns baselines, sets the watch list. */
void flow_detect_tick(struct flow_detect *d, struct flow_count *c,
		      uint64_t now_ms);
/* After a host-table rebuild (a new struct flow_count): re-keys the open
** attacks by their addresses. flow_detect_tick does it by itself when it
** sees another count; call it when the new count may sit at the freed
** one's address (freed before the new one was made). */
void flow_detect_rehost(struct flow_detect *d, struct flow_count *c);
size_t flow_detect_open(const struct flow_detect *d);
/* The thresholds in force for (address, dir) at now_ms (learned or
** static), for display and tests. */
void flow_detect_thresholds(struct flow_detect *d, uint8_t family,
			    const uint8_t addr[16], enum flow_dir dir,
			    uint64_t now_ms, struct flow_thresholds *out);
/* Baselines as bytes (for the store) and back. save: a malloc'd buffer
** the caller frees, or NULL when out of memory. load replaces the
** baselines; 0, or -1 + err on a malformed buffer (nothing changed). */
uint8_t *flow_detect_save(const struct flow_detect *d, size_t *len);
int flow_detect_load(struct flow_detect *d, const uint8_t *buf, size_t len,
		     struct perr *err);

/* ------------------------------------------------------------ the collector (collector.c)
** (this part does I/O: sockets, threads and the real clock, joining the
** pure parts above) N collector threads, each with its own UDP socket per
** listen address bound with SO_REUSEPORT to the same address, so that the
** kernel spreads exporters over threads by their 4-tuple and one exporter
** stays on one thread (its templates live in that thread's flow_nf_cache).
** Each thread reads with recvmmsg in batches, decodes, and counts into its
** own shard; a ticker thread runs the 100 ms merge and detection. */

#define FLOW_COLL_THREADS_MAX 64
#define FLOW_COLL_BATCH 32          /* receives per recvmmsg: a datagram each, or up
				     ** to 44 coalesced by UDP_GRO (64 KiB buffers) */
#define FLOW_COLL_EXPORTERS 1024    /* per-exporter rows kept per thread */

enum flow_proto_kind { FLOW_KIND_NETFLOW = 0, FLOW_KIND_SFLOW = 1, FLOW_KIND_N };
const char *flow_kind_name(enum flow_proto_kind k);

struct flow_collector_cfg {
	const char *listen[FLOW_KIND_N]; /* "ADDR:PORT" per protocol (core_listen_parse;
					 ** port 0: the kernel picks, flow_collector_port
					 ** says which); NULL or "" = none */
	uint32_t threads;       /* 1..FLOW_COLL_THREADS_MAX (0: 1) */
	int rcvbuf;             /* SO_RCVBUF bytes asked; 0 = the kernel's default */
	struct flow_hosts *hosts; /* the caller's; outlives the collector */
	const struct flow_detect_cfg *detect; /* copied */
	flow_event_fn on_event; /* from the ticker thread; may be NULL */
	void *ctx;
	bool totals;            /* keep per-host totals since start (flow_collector_totals) */
	uint32_t exporters;     /* rows per thread, 0 = FLOW_COLL_EXPORTERS */
};

/* One exporter's counters (keyed by its UDP source address and protocol). */
struct flow_exporter_stats {
	enum flow_proto_kind kind;
	uint8_t addr[16];       /* IPv4-mapped for IPv4, as flow_exporter_v4 */
	uint64_t datagrams, flows;
	uint64_t malformed[FLOW_REJ_COUNT_MAX]; /* per reason (datagrams or parts) */
	uint64_t template_misses; /* datagrams that met data without its template */
	uint32_t sampling;      /* the last rate seen, 0 none */
	uint64_t sequence_failures; /* datagrams whose sequence number was not the
				     ** one expected: loss on the way (or a
				     ** restart); v5, v9 and sFlow (collector.c) */
};

/* What the whole collector counted. */
struct flow_collector_stats {
	uint64_t datagrams, records;
	uint64_t kernel_drops;      /* the sockets' drops (SO_RXQ_OVFL, SO_MEMINFO); a
				    ** buffer of datagrams coalesced by UDP_GRO counts once */
	uint64_t exporters_refused; /* datagrams of exporters beyond the table bound */
	uint64_t truncated;         /* datagrams over 9216 bytes (no exporter's): dropped */
	uint64_t templates;         /* v9/IPFIX templates cached now, all threads */
	uint64_t templates_refused; /* a template flood: over a cache bound */
	uint64_t pending_dropped;   /* data held for a template that never came */
	uint64_t ticks, late_ticks; /* count ticks; shards folded a tick late */
	uint64_t count_dropped;     /* records with no free counter entry */
	uint64_t hosts_overflow;    /* lookups of addresses of large prefixes refused:
				    ** their seen-address table was full or its probes
				    ** ran out (flow_hosts_overflow; per host table, so
				    ** it restarts when the assets change) */
	int rcvbuf_granted;         /* SO_RCVBUF as the kernel reports it (twice what
				    ** it grants for data, socket(7)), per socket */
};

struct flow_collector;

/* Bind every socket (threads x listen addresses), start the threads and
** the ticker. Logs the receive buffer the kernel granted, with a warning
** when it is below cfg->rcvbuf (SO_RCVBUFFORCE is tried first, which
** works as root). 0 and *out, or -1 with err (PERR_INVALID for a bad
** address, PERR_INTERNAL when a socket cannot be bound). */
int flow_collector_start(const struct flow_collector_cfg *cfg, struct flow_collector **out,
			 struct perr *err);
/* New protected hosts, without stopping collection (the constituency's
** assets changed): counting moves to a new counter state bound to hosts;
** open attacks and learned baselines are keyed by address and carry over,
** the last <= 100 ms of counts of the old hosts are dropped. Blocks until
** the move is done (a tick, about 100 ms); then the old hosts are no
** longer read and the caller may free them. hosts must outlive the
** collector (or the next change). Not with cfg.totals (PERR_INVALID: the
** totals are per host slot). 0, or -1 with err. */
int flow_collector_set_hosts(struct flow_collector *c, struct flow_hosts *hosts,
			     struct perr *err);
/* The bound port of kind (0 when not listening). */
int flow_collector_port(const struct flow_collector *c, enum flow_proto_kind kind);
/* Stop the threads and the ticker (a stop flag and a wake-up, then join);
** each thread first reads what its sockets hold, then what the shards
** hold is folded into a last tick. Idempotent;
** the counters stay readable until flow_collector_free. */
void flow_collector_stop(struct flow_collector *c);
void flow_collector_free(struct flow_collector *c);
void flow_collector_stats(struct flow_collector *c, struct flow_collector_stats *st);
/* A snapshot of up to n exporter rows (threads merged), busiest first;
** returns how many. Safe while running. */
size_t flow_collector_exporters(struct flow_collector *c, struct flow_exporter_stats *out,
				size_t n);
/* Per-host totals since start (cfg.totals; complete after
** flow_collector_stop; never from the event callback, which runs under
** the tick's lock): the top n (host, direction) by packets. */
struct flow_host_total {
	uint8_t family, addr[16];
	enum flow_dir dir;
	uint64_t packets, bytes, flows;
};
size_t flow_collector_totals(struct flow_collector *c, struct flow_host_total *out, size_t n);
/* The detector's learned baselines (flow_detect_save / flow_detect_load),
** taken under the tick's lock so that a running collector can be saved and
** loaded. save: a malloc'd buffer (the caller frees) or NULL when out of
** memory; load: 0, or -1 with err (nothing changed: a malformed file, or
** learned thresholds off). */
uint8_t *flow_collector_baselines_save(struct flow_collector *c, size_t *len);
int flow_collector_baselines_load(struct flow_collector *c, const uint8_t *buf, size_t len,
				  struct perr *err);

/* ------------------------------- FastNetMon's configuration and contracts (fnm.c, bgp.c)
** (fastnetmon.conf and networks_list read as is and mapped to [flow];
** the notify script's arguments and stdin; ExaBGP API lines) */

/* fastnetmon.conf is "key = value" lines; a line whose first non-blank
** byte is '#' is a comment (FastNetMon 1.2.4 reads only those as
** comments: a '#' later in a line is part of the value). networks_list
** is one network per line, IPv4 or IPv6, with or without a prefix
** length. Both are operators' files that may carry anything: each bound
** below refuses a file rather than grow memory. */
#define FLOW_FNM_LINE_MAX 4096          /* bytes of one line, newline excluded */
#define FLOW_FNM_CONF_BYTES (1u << 20)  /* fastnetmon.conf: the stock one is 12 KiB */
#define FLOW_FNM_NETS_BYTES (64u << 20) /* networks_list: a million /32s fit */
#define FLOW_FNM_KEYS_MAX 4096          /* key lines in fastnetmon.conf */
#define FLOW_FNM_NETS_MAX 1000000       /* networks in networks_list (issue 16's scale) */
#define FLOW_FNM_GROUPS_MAX 256         /* hostgroups */
#define FLOW_FNM_GROUP_NETS_MAX 4096    /* networks of one hostgroup */
#define FLOW_FNM_NAME_MAX 64            /* a hostgroup's name, NUL included */
#define FLOW_FNM_PATH_MAX 1024
#define FLOW_FNM_TEXT_MAX 128           /* next hops, communities */

enum flow_fnm_file { FLOW_FNM_CONF, FLOW_FNM_NETWORKS };

/* One line as read: for FLOW_FNM_CONF key and value trimmed of blanks;
** for FLOW_FNM_NETWORKS the network in value, key empty. malformed: a
** configuration line FastNetMon cannot split into one key and one value
** (no '=', or a second '=': FastNetMon logs "Can't parse config line"
** and skips it); key then holds the whole line. Views valid only during
** the callback. */
struct flow_fnm_item {
	uint32_t line;
	bool malformed;
	struct pstr key, value;
};
/* Return 0 to go on, or -1 with err filled to stop the parse. */
typedef int (*flow_fnm_item_fn)(void *ctx, const struct flow_fnm_item *it, struct perr *err);

/* The push parser: feed the file in pieces of any size, then finish. No
** I/O: the caller reads. State lives here, owned by the caller. */
struct flow_fnm_parser {
	enum flow_fnm_file kind;
	flow_fnm_item_fn fn;
	void *ctx;
	uint32_t lineno;
	uint64_t bytes;
	uint32_t items;
	size_t len;
	bool failed;
	char line[FLOW_FNM_LINE_MAX];
};
void flow_fnm_parser_init(struct flow_fnm_parser *p, enum flow_fnm_file kind, flow_fnm_item_fn fn,
			  void *ctx);
/* 0, or -1 with err (PERR_LIMIT naming the line for an over-long line, a
** file or item count over its bound; a NUL byte is PERR_INVALID; or the
** callback's error). After -1 every call fails. */
int flow_fnm_feed(struct flow_fnm_parser *p, const void *data, size_t n, struct perr *err);
/* Deliver a last line without its newline. 0 or -1 as flow_fnm_feed. */
int flow_fnm_finish(struct flow_fnm_parser *p, struct perr *err);

/* The lines of one file, kept (heap copies) for the mapping below, which
** must see all keys before it reads any: hostgroup keys may come before
** their "hostgroup =" line, and FastNetMon keeps the last of repeated
** keys. */
struct flow_fnm_kv {
	uint32_t line;
	bool malformed;
	char *key, *value;
};
struct flow_fnm_doc {
	enum flow_fnm_file kind;
	struct flow_fnm_kv *kv;
	size_t n, cap;
};
/* Parse data[0..n) whole into doc (initialised here; free with
** flow_fnm_doc_free, also after an error). 0, or -1 with err. */
int flow_fnm_doc_parse(struct flow_fnm_doc *doc, enum flow_fnm_file kind, const void *data,
		       size_t n, struct perr *err);
/* The item callback that flow_fnm_doc_parse uses, for a caller that feeds
** a flow_fnm_parser itself (ctx: a doc with kind set, n = 0). */
int flow_fnm_doc_add(void *ctx, const struct flow_fnm_item *it, struct perr *err);
void flow_fnm_doc_free(struct flow_fnm_doc *doc);

/* One network, canonical (host bits clear, as the constituency stores an
** asset: constituency_asset_canon). */
struct flow_fnm_net {
	uint8_t family; /* 4 or 6 */
	uint8_t prefix;
	uint8_t addr[16];
	char text[52]; /* "192.0.2.0/24", "2001:db8::/32" */
};

/* Per-protocol thresholds: FastNetMon's threshold_tcp_pps, ..._mbps,
** ban_for_tcp_pps, ban_for_tcp_bandwidth, and likewise udp and icmp.
** tcp_syn is Parapet's: FastNetMon 1.2.4 counts SYNs but has no key for
** them (its users ask for one, #815); the keys follow its pattern
** (threshold_tcp_syn_pps, ban_for_tcp_syn_pps, ...). */
enum flow_fnm_proto { FLOW_FNM_TCP, FLOW_FNM_UDP, FLOW_FNM_ICMP, FLOW_FNM_TCP_SYN,
		      FLOW_FNM_PROTO_COUNT };
struct flow_fnm_proto_th {
	bool ban_for_pps, ban_for_bandwidth;
	uint64_t threshold_pps, threshold_mbps;
};
/* A set of ban settings, the global one or a hostgroup's. FastNetMon's
** defaults: everything off and 0, for a hostgroup too (a hostgroup does
** NOT inherit the global values). A threshold counts only when its
** ban_for_* flag is on. */
struct flow_fnm_ban {
	bool enable_ban, enable_ban_ipv6;
	bool ban_for_pps, ban_for_bandwidth, ban_for_flows;
	uint64_t threshold_pps, threshold_mbps, threshold_flows;
	struct flow_fnm_proto_th proto[FLOW_FNM_PROTO_COUNT];
};
struct flow_fnm_group {
	char name[FLOW_FNM_NAME_MAX];
	uint32_t line;
	struct flow_fnm_net *nets; /* owned */
	size_t n_nets;
	struct flow_fnm_ban ban;
};
/* A key Parapet read but does not act on (or a line it skipped), with
** why: the import lists these so that an operator sees what changes. */
struct flow_fnm_note {
	uint32_t line;
	char key[80];
	const char *why; /* static text */
};

/* fastnetmon.conf (and networks_list) as Parapet understands them. Text
** fields are "" when absent. */
struct flow_fnm_conf {
	struct flow_fnm_ban ban;        /* global */
	int64_t ban_time;               /* seconds; 0: never unban (FastNetMon's default 1800) */
	bool unban_only_if_attack_finished; /* default on */
	bool process_incoming_traffic, process_outgoing_traffic; /* default on */
	char notify_script_path[FLOW_FNM_PATH_MAX];
	char networks_list_path[FLOW_FNM_PATH_MAX], white_list_path[FLOW_FNM_PATH_MAX];
	/* ExaBGP: community lists as written ("65001:666" or "[65001:666 65001:777]") */
	bool exabgp, exabgp_announce_host, exabgp_announce_whole_subnet;
	bool exabgp_flow_spec_announces; /* FastNetMon 1.1 to 1.2.2 */
	char exabgp_command_pipe[FLOW_FNM_PATH_MAX];
	char exabgp_community[FLOW_FNM_TEXT_MAX], exabgp_community_host[FLOW_FNM_TEXT_MAX],
		exabgp_community_subnet[FLOW_FNM_TEXT_MAX];
	char exabgp_next_hop[FLOW_FNM_TEXT_MAX];
	/* GoBGP (FastNetMon's gRPC client) */
	bool gobgp, gobgp_announce_host, gobgp_announce_whole_subnet, gobgp_announce_host_ipv6,
		gobgp_announce_whole_subnet_ipv6;
	char gobgp_next_hop[FLOW_FNM_TEXT_MAX], gobgp_next_hop_ipv6[FLOW_FNM_TEXT_MAX];
	char gobgp_community_host[FLOW_FNM_TEXT_MAX], gobgp_community_subnet[FLOW_FNM_TEXT_MAX],
		gobgp_community_host_ipv6[FLOW_FNM_TEXT_MAX],
		gobgp_community_subnet_ipv6[FLOW_FNM_TEXT_MAX];
	struct flow_fnm_group *groups; /* owned */
	size_t n_groups;
	struct flow_fnm_net *nets;     /* networks_list, owned */
	size_t n_nets;
	struct flow_fnm_note *notes;   /* owned */
	size_t n_notes;
};

/* Map a parsed fastnetmon.conf (and, unless NULL, a parsed networks_list)
** to out (initialised here; free with flow_fnm_conf_free, also after an
** error). Keys are read with FastNetMon 1.2.4's meaning: the last of
** repeated keys wins, "on" and "off" are the only switch values (FastNetMon
** reads anything but "on" as off, so "yes" would silently disable: it is
** refused), numbers are decimal digits (FastNetMon's atoi read "10k" as
** 10: refused). An unknown key, a key Parapet does not use, a hostgroup
** key of an undefined hostgroup, a line FastNetMon skips: each becomes a
** note (not an error). A malformed value of a key Parapet uses is an
** error: PERR_INVALID, field the key, the message naming the line. */
int flow_fnm_map(const struct flow_fnm_doc *conf, const struct flow_fnm_doc *networks,
		 struct flow_fnm_conf *out, struct perr *err);
void flow_fnm_conf_free(struct flow_fnm_conf *c);

/* The [flow] configuration text (INI, docs/flow.md names each key) with
** the same meaning, followed by one [flow.hostgroup.NAME] section per
** hostgroup; notes become comments at the top. Appends to out; 0, or -1
** when out fails. */
int flow_fnm_to_ini(const struct flow_fnm_conf *c, struct pbuf *out);

/* ----- `parapet flow import-fastnetmon` (fnm_import.c; this part does I/O:
** it reads the two files, and writes assets through the constituency) */
struct flow_fnm_import {
	struct flow_fnm_conf conf;    /* mapped when mapped is true */
	struct flow_fnm_doc nets_doc; /* networks_list's lines: conf.nets[i] is nets_doc.kv[i] */
	bool have_nets, mapped;
};
/* Read fastnetmon.conf at conf_path and (unless NULL or "") networks_list
** at nets_path, and map them (flow_fnm_map) into im (initialised here;
** free with flow_fnm_import_free). 0, or -1 with err whose message names
** the file and the line. */
int flow_fnm_import_read(const char *conf_path, const char *nets_path,
			 struct flow_fnm_import *im, struct perr *err);
void flow_fnm_import_free(struct flow_fnm_import *im);
struct flow_fnm_assets {
	size_t added;    /* new CIDR assets of the organisation */
	size_t existing; /* networks the organisation held already: skipped */
};
/* Add every network of im's networks_list as a CIDR asset of org_id
** (constituency_asset_add, its scope and overlap rules, audited); one the
** organisation holds already is skipped and counted. Call in a
** transaction: on -1 (err naming the networks_list line) roll back. */
struct principal;
struct store;
int flow_fnm_import_assets(struct store *st, const struct principal *p, const char *actor,
			   int64_t org_id, const struct flow_fnm_import *im, bool confirm_overlap,
			   struct flow_fnm_assets *res, struct perr *err);

/* ----- the notify script, FastNetMon's contract (fnm.c builds, notify.c runs)
** argv: SCRIPT IP DIRECTION PPS ACTION, with DIRECTION "incoming" or
** "outgoing" and ACTION "ban", "unban" or "attack_details" (FastNetMon
** 1.2.4's words); the details on stdin for ban and attack_details, nothing
** for unban (the stock script does not read stdin then). */
/* direction: enum flow_dir (FLOW_IN, FLOW_OUT) of the counting section */
enum flow_action { FLOW_ACT_BAN, FLOW_ACT_UNBAN, FLOW_ACT_DETAILS };
#define FLOW_TOP_MAX 10
struct flow_top_source {
	char ip[46];
	uint16_t port; /* source port, 0 when not one */
	uint64_t pps;
};
/* What the detector knows of one attack on one host, for the script. Rates
** are per second, scaled by sampling. type is Parapet's class name
** ("syn_flood", "udp_flood", "icmp_flood", "ip_fragmentation",
** "amplification_dns", ..., "unknown": FastNetMon's words where it has
** them). */
struct flow_attack_info {
	char ip[46];                  /* IPv4 or IPv6 text */
	enum flow_dir dir;
	char type[32];
	uint64_t pps, peak_pps, bps, flows;
	uint8_t protocol;             /* the dominant IP protocol; 0 unknown */
	/* per protocol, in the attack's direction */
	uint64_t tcp_pps, tcp_bps, syn_pps, syn_bps, udp_pps, udp_bps, icmp_pps, icmp_bps,
		frag_pps, frag_bps;
	struct flow_top_source top[FLOW_TOP_MAX];
	size_t n_top;
};
const char *flow_dir_name(enum flow_dir d);
const char *flow_action_name(enum flow_action a);
#define FLOW_NOTIFY_ARGS 6 /* script, 4 arguments, NULL */
/* Build argv (pointers into bufs, which the caller owns: argv stays valid
** while script and bufs do) and the stdin text into in (appended; nothing
** for unban). The IP is checked with inet_pton: it goes to someone else's
** script, which may pass it to a shell. 0, or -1 with err. */
struct flow_notify_bufs {
	char ip[46], pps[24];
};
int flow_notify_build(const char *script, enum flow_action act, const struct flow_attack_info *a,
		      struct flow_notify_bufs *bufs, const char *argv[FLOW_NOTIFY_ARGS],
		      struct pbuf *in, struct perr *err);

/* Run argv[0] with argv (notify.c; this one does I/O): no shell, the
** child in its own process group with a minimal environment (PATH, LANG=C)
** and no inherited descriptors but stdin (in[0..n_in) written to it, then
** closed; a script that does not read is not an error), stdout and stderr
** (their first out->max bytes kept in out when out is not NULL, the rest
** read and dropped). After timeout_ms the group is killed. Returns the exit
** status (0..255), or -1 with err: PERR_BUSY on timeout (the group
** killed), PERR_INTERNAL when it cannot start or was killed by a signal. */
int flow_notify_run(const char *const argv[], const void *in, size_t n_in, int64_t timeout_ms,
		    struct pbuf *out, struct perr *err);

/* ----- ExaBGP's API (bgp.c): one text line per announcement, for the
** process that feeds ExaBGP (FastNetMon's exabgp_command_pipe). Pure
** formatting; every field is validated, because a newline or a brace in a
** field would be a second command to a router. */
struct flow_bgp_route {
	char prefix[52];       /* "192.0.2.1/32", "2001:db8::1/128"; a bare address gets /32 or /128 */
	char next_hop[46];     /* an address, or "self" */
	char communities[FLOW_FNM_TEXT_MAX]; /* "65535:666" or "[65535:666 65001:1]"; "" none */
};
/* "announce route P next-hop N community [C...]\n" or, when announce is
** false, "withdraw route P next-hop N\n" (ExaBGP 4 matches the withdrawn
** route by prefix and next hop). Appends to out; 0, or -1 with err. */
int flow_bgp_route_line(bool announce, const struct flow_bgp_route *r, struct pbuf *out,
			struct perr *err);
/* A BGP community list written back canonically into out: "ASN:VALUE"
** (each 0 to 65535) separated by spaces, with or without the brackets of
** "[A:B C:D]", becomes "[A:B C:D]" (numbers without leading zeros). What a
** route line sends, and what the FastNetMon import accepts (fnm.c), so that
** a community that imports is one that can be announced. 0, or -1 with err
** (field "community"); out needs at most strlen(in) + 3 bytes. */
int flow_bgp_communities(const char *in, char *out, size_t outsz, struct perr *err);
/* A FlowSpec rule (RFC 8955/8956) in ExaBGP 4's API: "announce flow route {
** match { destination D; [source S;] [protocol P;] [source-port =N;]
** [destination-port =N;] [fragment is-fragment;] [tcp-flags [syn];] } then
** { discard; | rate-limit R; } }". 0 fields are absent. */
struct flow_bgp_flowspec {
	char destination[52];  /* required: the attacked host */
	char source[52];       /* "" any */
	uint8_t protocol;      /* 0 any; 6 tcp, 17 udp, 1 icmp, 58 ipv6-icmp, others by number */
	uint16_t source_port, destination_port; /* 0 any */
	bool fragment;         /* is-fragment */
	bool tcp_syn;          /* tcp-flags [syn] */
	uint64_t rate_limit;   /* bytes/s; 0 = discard */
};
int flow_bgp_flowspec_line(bool announce, const struct flow_bgp_flowspec *f, struct pbuf *out,
			   struct perr *err);

/* ------------------------------------------------- the live view (collector.c, live.c)
** What people see of the collector: the busiest hosts now, attacks, and a
** host's last hour. The ticker keeps, after every tick, the top
** FLOW_LIVE_TOP (host, direction) pairs by each figure of enum flow_by; the
** job writes their union to the store once a second (flow_live) and one
** point per FLOW_HISTORY_STEP_S for each of them (flow_history, kept
** FLOW_HISTORY_KEEP_S), and every attack to flow_attack. The CLI and the API
** read those through the flow_live_* functions below, so both see the same
** rows under the same scope. */
enum flow_by { FLOW_BY_PPS, FLOW_BY_BPS, FLOW_BY_FLOWS, FLOW_BY_SYN, FLOW_BY_N };
/* "pps", "bps", "flows", "syn". */
const char *flow_by_name(enum flow_by b);
/* 0, or -1 with err (PERR_INVALID, field "by") for another word. */
int flow_by_parse(const char *s, enum flow_by *out, struct perr *err);

#define FLOW_LIVE_TOP 50
#define FLOW_HISTORY_STEP_S 10
#define FLOW_HISTORY_KEEP_S 3600

/* One (host, direction) and its rates per second over the last 1 s window,
** scaled by sampling; bps in bits/s. */
struct flow_live_host {
	uint8_t family, addr[16];
	enum flow_dir dir;
	uint64_t pps, bps, flows, syn_pps, tcp_pps, udp_pps, icmp_pps, frag_pps;
};
/* The top n (<= FLOW_LIVE_TOP) pairs by `by` as of the last tick, busiest
** first; returns how many. Safe while running (a copy under a lock the
** ticker holds only to publish). */
size_t flow_collector_top(struct flow_collector *c, enum flow_by by, struct flow_live_host *out,
			  size_t n);

/* The reads, for the CLI and the API alike (live.c). p's scope applies: a
** constituent sees the hosts of their organisation, a provincial analyst
** those of their province's organisations (identity_list_scope). Each
** returns 0 and *out a new JSON array (the caller's), or -1 with err
** (PERR_INVALID naming the field: by, host, direction, limit). */
struct principal;
struct store;
struct json_t;
struct flow_live_query {
	const char *by;        /* NULL/"" = "pps" */
	const char *host;      /* NULL/"" = any; an IPv4 or IPv6 address, any spelling */
	const char *direction; /* NULL/"" = both; "incoming" or "outgoing" */
	int64_t limit;         /* 0 = 20; 1..1000 */
	bool open_only;        /* attacks: only those still open */
	int64_t since_ms;      /* history: from (0 = now - FLOW_HISTORY_KEEP_S);
			       ** attacks: started at or after (0 = any) */
};
/* The busiest hosts now: objects {host, direction, org_id, at, pps, bps,
** flows, syn_pps, tcp_pps, udp_pps, icmp_pps, frag_pps}, ordered by q->by. */
int flow_live_top(struct store *st, const struct principal *p, const struct flow_live_query *q,
		  struct json_t **out, struct perr *err);
/* Attacks newest first: {id, host, direction, org_id, incident_id, type,
** amplification_port, metric, threshold, value, learned, start, end (null
** while open), open, peak_pps, peak_bps, peak_flows, announced, banned}. */
int flow_live_attacks(struct store *st, const struct principal *p,
		      const struct flow_live_query *q, struct json_t **out, struct perr *err);
/* One host's points of the last hour, oldest first (q->host required:
** PERR_INVALID otherwise): {at, direction, pps, bps, flows, syn_pps, ...}. */
int flow_live_history(struct store *st, const struct principal *p,
		      const struct flow_live_query *q, struct json_t **out, struct perr *err);

/* Prometheus text for the running job (metrics.c): per exporter
** (datagrams, flows, malformed by reason, template misses, sampling rate),
** the collector's totals and kernel drops, and the top hosts by pps and bps.
** Appends nothing when no flow job runs. */
void flow_metrics(struct pbuf *out);
/* The collector flow_metrics reads: the job registers its own once
** started and unregisters it before freeing it (unregister waits for a
** scrape in progress; a collector not registered is left alone). */
void flow_metrics_register(struct flow_collector *c);
void flow_metrics_unregister(struct flow_collector *c);
/* The kernel's drops per socket (the "per-socket drops"): one row
** per (thread, kind) listened to, as flow_collector_stats sums them
** (collector.c). Returns how many rows (at most n); safe while running. */
struct flow_socket_stats {
	enum flow_proto_kind kind;
	uint32_t thread;
	uint64_t drops;
};
size_t flow_collector_sockets(struct flow_collector *c, struct flow_socket_stats *out, size_t n);

/* ------------------------------------------------- inside `parapet serve` (job.c)
** (this part does I/O: the store, the collector, scripts and ExaBGP's pipe)
** The collector with the [flow] configuration, the constituency's CIDR
** assets as protected hosts, and attacks handed to the incident hub: a
** start opens an incident of kind "ddos" (key "IP/DIRECTION") for the
** host's owner with the attack's evidence, runs the notify script (ban)
** and writes the ExaBGP announce line when configured, each recorded on
** the incident; the end adds the final evidence, moves the incident to
** recovered and withdraws. */
struct config;
struct flow_job;
/* Start on a store connection of its own to db_path; cfg must outlive the
** job. 0 and *out, or -1 with err (a bad listen address, a port taken). */
int flow_job_start(const struct config *cfg, const char *db_path, struct flow_job **out,
		   struct perr *err);
/* The bound UDP port of kind, 0 when not listening. */
int flow_job_port(const struct flow_job *j, enum flow_proto_kind kind);
/* Stop collecting, report what the last tick found, free. NULL: no-op. */
void flow_job_stop(struct flow_job *j);

#endif /* PARAPET_FLOW_H */
