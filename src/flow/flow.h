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

/* ------------------------------------------------------------ sFlow v5 (sflow.c, pkt.c)
** (decoder of one datagram; the raw-header parser Ethernet..L4) */

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
** FLOW_HOSTS_DENSE_MAX addresses (a v4 /16 or a v6 /112 or longer) gets a
** contiguous run, host index = run base + offset in the prefix, smallest
** prefixes first while the budget lasts. Larger prefixes (a v4 /8, a v6
** /48 holds more hosts than any budget) share the rest of the budget as a
** bounded open-addressing table of the addresses actually seen: the
** first record for an address claims a slot with one compare-and-swap
** (lock-free, so collector threads may look up concurrently); when the
** table is full the address is "not protected" and counted in
** flow_hosts_overflow(). The table is immutable otherwise: on an asset
** change build a new one and swap the pointer; the counters of the old
** one restart cleanly (struct flow_count is bound to one table), while
** attacks and learned baselines are keyed by address and survive. */
#define FLOW_HOSTS_DEFAULT 1000000u
#define FLOW_HOSTS_DENSE_MAX 65536u
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
** flow_count_late). Only one thread ticks. */
void flow_count_flip(struct flow_count *c);
void flow_count_tick(struct flow_count *c, uint64_t now_ms);
/* flip + sync of every shard + tick: for callers whose writers are not
** running (tests, a single-threaded collector). */
void flow_count_tick_quiescent(struct flow_count *c, uint64_t now_ms);
uint64_t flow_count_late(const struct flow_count *c);
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

/* ------------------------------- FastNetMon's configuration and contracts (fnm.c, bgp.c)
** (fastnetmon.conf and networks_list read as is and mapped to [flow];
** the notify script's arguments and stdin; ExaBGP API lines) */

#endif /* PARAPET_FLOW_H */
