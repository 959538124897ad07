/*
** count.c — per-host counters of the protected hosts, per direction, on
** a 100 ms tick with exact 1 s sliding sums.
**
** The collector path must count 9 M flows/s on 2 cores, so a record costs
** two host lookups (destination for inbound, source for outbound) and a
** few saturating adds into the thread's own shard: no lock, no atomic
** read-modify-write, no allocation. A shard holds two buffers; the ticker
** asks a shard to switch (flow_count_flip), the writer switches between
** two batches (flow_shard_sync: one acquire load), and the ticker folds the
** retired buffer into the global ring. Neither side ever waits.
**
** Memory (the budget: 200 MB RSS with 1,000,000 protected hosts).
** Only a (host, direction) with traffic in the last second holds a ring
** entry: 10 slots x 17 uint32 counters + 17 uint64 sums + a header = 840
** bytes, plus 76 for its key and stage (below). Fixed parts are 4 bytes
** per (host, direction) for the global map and per shard, and 1 byte for
** the watch flags: 18 MB for 1,000,000 hosts and 2 shards, half of it
** outbound (keys are direction-major, key_of: a one-directional flood
** leaves most of that half untouched). A shard buffer entry is one
** 64-byte line (+12 bytes where fragments were counted), two buffers per
** shard. So the state is 18 MB + about 1.17 KB per active (host,
** direction) with 2 shards; max_active (default min(2 N, 131,072)) bounds
** it near 172 MB, and only what is touched is resident (mmap'd zero
** pages). Measured by bench/bench_flow_count.c: 162 MB with 130,048 hosts
** all active, 176 MB with 999,936 protected of which 130,048 active;
** `parapet flow run --top 0` with 999,424 protected hosts under the
** benchmark's stream: 197 MB in all. The 100 ms counters are
** uint32 and saturate at 4.29e9 per slot (343 Gbit/s to ONE host): far
** above any threshold, so saturation never hides an attack. A pair that
** finds no free entry is dropped and counted (flow_count_dropped): a
** carpet-bombing sweep wider than max_active loses its tail, not the
** collector.
*/
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "flow/flow.h"

#define RING 10u
#define FREE_KEY UINT32_MAX

/* A shard entry is one cache line: a record's adds touch one line, not
** two (76 bytes with all 17 counters, most entries straddled two lines
** and a record wrote both). The fragment counters, which only fragments
** touch, live beside it in sh_buf.frag, valid when has_frag is set. */
#define SH_HOT (FLOW_C_N - 3) /* c[]: every counter but the 3 of fragments */
#define SH_SYN 12             /* FLOW_C_SYN_PKTS in c[] */
#define SH_AMP 13             /* FLOW_C_AMP_PKTS in c[] */
struct sh_ent {
	uint32_t key; /* dir * hosts + host (key_of) */
	uint8_t amp;
	uint8_t ws;   /* the pair's watch slot + 1 when the entry was made */
	uint8_t has_frag;
	uint32_t c[SH_HOT]; /* FLOW_C_PKTS .. FLOW_C_ICMP_FLOWS, then SYN, AMP */
} __attribute__((aligned(64)));
_Static_assert(sizeof(struct sh_ent) == 64, "a shard entry is one cache line");
_Static_assert(FLOW_C_FRAG_PKTS == 12 && FLOW_C_SYN_PKTS == 15 && FLOW_C_AMP_PKTS == 16 &&
		       FLOW_C_N == 17,
	       "sh_ent's layout follows enum flow_ctr");

struct sh_buf {
	uint32_t used;
	uint64_t dropped;
	struct sh_ent *ent;
	uint32_t (*frag)[3]; /* per entry: FLOW_C_FRAG_PKTS, _BYTES, _FLOWS */
	struct flow_hh *hh; /* FLOW_WATCH_MAX x FLOW_TOP_N */
	uint8_t hh_dirty[FLOW_WATCH_MAX];
	struct flow_rec *smp; /* FLOW_WATCH_MAX x SMP_TICK: flows kept as is */
	uint8_t smp_n[FLOW_WATCH_MAX];
};

#define SMP_TICK 4 /* flows sampled per watched pair per shard and tick */

struct flow_shard {
	struct flow_count *c;
	uint32_t *map; /* key -> index into the current buffer (checked) */
	struct sh_buf buf[2];
	unsigned w;    /* the buffer the writer fills (writer's own) */
	_Atomic unsigned req, ack;
	/* The ticker's own: a flip retired a buffer that no tick folded yet.
	** Such a shard is not flipped again until it is: flipped back, its
	** writer would add to that buffer with a map that names the other
	** one's entries, make a second entry for every pair, and fill the
	** buffer's cap (measured: 39,294 records dropped in 3 s at 6.4 M
	** flows/s when a writer missed one tick). */
	bool retired;
} __attribute__((aligned(64)));

/* A ring entry is split by what the tick's sweep reads, each part an
** array in entry order: the header, the sums (17 x 8 bytes) and the ring
** slot-major (ring[slot][entry][17]). A sweep then reads three sequential
** streams -- the headers, the sums and the one slot this tick recycles --
** which the hardware prefetcher follows at full memory bandwidth; with
** the slots of an entry side by side (840 bytes an entry) every entry
** cost several cache misses in a row, and the sweep was half the tick. */
struct g_hdr {
	uint32_t user;
	uint8_t amp;
	uint64_t last_tick, last_data_tick;
};

/* What the shards gave an entry this tick, folded in at random into this
** small array (72 bytes an entry, mostly in cache) rather than into the
** big ring entries; the sweep then moves it into the ring in index order,
** which the hardware prefetcher follows. */
struct stage {
	uint32_t c[FLOW_C_N];
	uint8_t amp, touched, fresh;
};

struct wslot {
	bool used;
	uint32_t key;
	struct flow_hh hh[FLOW_TOP_N];
	struct flow_rec smp[FLOW_SAMPLE_MAX]; /* the latest, a ring */
	uint32_t nsmp;
};

struct flow_count {
	struct flow_hosts *hosts;
	uint32_t nkeys, nhosts, cap, nshards;
	uint32_t *gmap;
	uint32_t *gkey; /* per entry: its key, FREE_KEY when free */
	struct stage *stage;
	struct g_hdr *g;
	uint64_t *gsum;  /* cap x FLOW_C_N */
	uint32_t *gring; /* RING x cap x FLOW_C_N */
	uint32_t ghigh, nfree;
	uint32_t *freel;
	struct flow_shard **sh;
	_Atomic uint8_t *watch;
	struct wslot ws[FLOW_WATCH_MAX];
	uint64_t tick, late, dropped;
};

/* ------------------------------------------------------------ memory */

/* The big arrays (maps, ring entries, shard buffers) are read at random:
** with 4 KiB pages every access is also a TLB miss, which the prefetches
** cannot hide, so they ask for transparent huge pages. mmap gives zeroed
** pages on first touch, so an array sized for the worst case costs RSS
** only where it is used (in 2 MiB steps once huge). */
static void *big_alloc(size_t bytes)
{
	if (bytes == 0)
		bytes = 1;
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (bytes >= (2u << 20))
		(void)madvise(p, bytes, MADV_HUGEPAGE);
	return p;
}

static void big_free(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes ? bytes : 1);
}

/* ------------------------------------------------------------ names */

static const char *const ctr_names[FLOW_C_N] = {
	"pps", "bps", "flows", "tcp_pps", "tcp_bps", "tcp_flows",
	"udp_pps", "udp_bps", "udp_flows", "icmp_pps", "icmp_bps",
	"icmp_flows", "frag_pps", "frag_bps", "frag_flows", "syn_pps",
	"amp_pps"};

const char *flow_ctr_name(enum flow_ctr c)
{
	return (unsigned)c < FLOW_C_N ? ctr_names[c] : "?";
}

/* Reflection/amplification services (US-CERT TA14-017A and its
** successors): UDP services that answer a small spoofed request with a
** reply many times larger, so their replies arrive at the victim FROM
** these source ports. UDP 443 (QUIC) is left out: legitimate replies. */
static const struct {
	uint16_t port;
	const char *name;
} amp_tab[] = {
	{0, ""},          {53, "dns"},        {123, "ntp"},
	{1900, "ssdp"},   {11211, "memcached"}, {389, "cldap"},
	{19, "chargen"},  {161, "snmp"},      {137, "netbios"},
	{111, "portmap"}, {17, "qotd"},       {1434, "mssql"},
	{3702, "ws-discovery"}, {5683, "coap"}, {10001, "ubiquiti"},
	{3283, "ard"},    {520, "ripv1"},     {69, "tftp"},
	{5353, "mdns"},   {37810, "dvr-dhcpdiscover"}, {33848, "jenkins"},
	{27015, "steam"}, {1194, "openvpn"},  {3478, "stun"},
};
#define NAMP (sizeof amp_tab / sizeof amp_tab[0])

uint8_t flow_amp_port(uint16_t port)
{
	switch (port) {
	case 53: return 1;
	case 123: return 2;
	case 1900: return 3;
	case 11211: return 4;
	case 389: return 5;
	case 19: return 6;
	case 161: return 7;
	case 137: return 8;
	case 111: return 9;
	case 17: return 10;
	case 1434: return 11;
	case 3702: return 12;
	case 5683: return 13;
	case 10001: return 14;
	case 3283: return 15;
	case 520: return 16;
	case 69: return 17;
	case 5353: return 18;
	case 37810: return 19;
	case 33848: return 20;
	case 27015: return 21;
	case 1194: return 22;
	case 3478: return 23;
	default: return 0;
	}
}

const char *flow_amp_name(uint8_t id)
{
	return id < NAMP ? amp_tab[id].name : "";
}

uint16_t flow_amp_port_of(uint8_t id)
{
	return id < NAMP ? amp_tab[id].port : 0;
}

/* ------------------------------------------------------------ keys */

/* A (host, direction) pair's key, the index of every per-pair array (the
** maps, the watch flags). Direction-major, all inbound pairs first: a
** flood is mostly one direction, and the pages of the other half of each
** array are then never touched, so never resident (with 1,000,000 hosts
** the three maps and the flags are 26 MB, half of it outbound). */
static inline uint32_t key_of(const struct flow_count *c, uint32_t host, enum flow_dir d)
{
	return (uint32_t)d * c->nhosts + host;
}

/* ------------------------------------------------------------ lifecycle */

static void shard_free(struct flow_shard *s)
{
	if (!s)
		return;
	const struct flow_count *c = s->c;
	big_free(s->map, (size_t)c->nkeys * sizeof *s->map);
	for (int i = 0; i < 2; i++) {
		big_free(s->buf[i].ent, (size_t)c->cap * sizeof *s->buf[i].ent);
		big_free(s->buf[i].frag, (size_t)c->cap * sizeof *s->buf[i].frag);
		free(s->buf[i].hh);
		free(s->buf[i].smp);
	}
	free(s);
}

void flow_count_free(struct flow_count *c)
{
	if (!c)
		return;
	for (uint32_t i = 0; c->sh && i < c->nshards; i++)
		shard_free(c->sh[i]);
	free(c->sh);
	big_free(c->gmap, (size_t)c->nkeys * sizeof *c->gmap);
	big_free(c->g, (size_t)c->cap * sizeof *c->g);
	big_free(c->gsum, (size_t)c->cap * FLOW_C_N * sizeof *c->gsum);
	big_free(c->gring, (size_t)RING * c->cap * FLOW_C_N * sizeof *c->gring);
	big_free(c->gkey, (size_t)c->cap * sizeof *c->gkey);
	big_free(c->stage, (size_t)c->cap * sizeof *c->stage);
	free(c->freel);
	big_free((void *)c->watch, c->nkeys);
	free(c);
}

struct flow_count *flow_count_new(struct flow_hosts *hosts,
				  const struct flow_count_cfg *cfg,
				  struct perr *err)
{
	if (!hosts || !cfg || cfg->shards < 1 || cfg->shards > 64) {
		perr_set(err, PERR_INVALID, "shards", "shards must be 1..64");
		return NULL;
	}
	struct flow_count *c = calloc(1, sizeof *c);
	if (!c)
		goto oom;
	c->hosts = hosts;
	c->nhosts = flow_hosts_size(hosts);
	c->nkeys = c->nhosts * 2;
	c->cap = cfg->max_active;
	if (c->cap == 0)
		c->cap = c->nkeys < 131072 ? c->nkeys : 131072;
	if (c->cap == 0)
		c->cap = 1;
	c->nshards = cfg->shards;
	size_t nk = c->nkeys;
	c->gmap = big_alloc(nk * sizeof *c->gmap);
	c->g = big_alloc((size_t)c->cap * sizeof *c->g);
	c->gsum = big_alloc((size_t)c->cap * FLOW_C_N * sizeof *c->gsum);
	c->gring = big_alloc((size_t)RING * c->cap * FLOW_C_N * sizeof *c->gring);
	c->gkey = big_alloc((size_t)c->cap * sizeof *c->gkey);
	c->stage = big_alloc((size_t)c->cap * sizeof *c->stage);
	c->freel = calloc(c->cap, sizeof *c->freel);
	c->watch = big_alloc(nk);
	c->sh = calloc(c->nshards, sizeof *c->sh);
	if (!c->gmap || !c->g || !c->gsum || !c->gring || !c->gkey || !c->stage || !c->freel ||
	    !c->watch || !c->sh)
		goto oom;
	for (uint32_t i = 0; i < c->nshards; i++) {
		struct flow_shard *s = aligned_alloc(64, sizeof *s);
		if (!s)
			goto oom;
		memset(s, 0, sizeof *s);
		c->sh[i] = s;
		s->c = c;
		s->map = big_alloc(nk * sizeof *s->map);
		if (!s->map)
			goto oom;
		for (int b = 0; b < 2; b++) {
			s->buf[b].ent = big_alloc((size_t)c->cap *
						  sizeof *s->buf[b].ent);
			s->buf[b].frag = big_alloc((size_t)c->cap *
						   sizeof *s->buf[b].frag);
			s->buf[b].hh = calloc((size_t)FLOW_WATCH_MAX * FLOW_TOP_N,
					      sizeof *s->buf[b].hh);
			s->buf[b].smp = calloc((size_t)FLOW_WATCH_MAX * SMP_TICK,
					       sizeof *s->buf[b].smp);
			if (!s->buf[b].ent || !s->buf[b].frag || !s->buf[b].hh ||
			    !s->buf[b].smp)
				goto oom;
		}
	}
	return c;
oom:
	flow_count_free(c);
	perr_set(err, PERR_INTERNAL, NULL, "out of memory for counters");
	return NULL;
}

struct flow_shard *flow_count_shard(struct flow_count *c, unsigned i)
{
	return i < c->nshards ? c->sh[i] : NULL;
}

struct flow_hosts *flow_count_hosts(const struct flow_count *c)
{
	return c->hosts;
}

/* ------------------------------------------------------------ hot path */

static inline void sadd(uint32_t *a, uint32_t v)
{
	uint32_t r = *a + v;
	*a = r < v ? UINT32_MAX : r;
}

static inline uint32_t clamp32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

struct deltas {
	uint32_t pk, by, fl;
	int cls;       /* FLOW_C_TCP_PKTS, _UDP_, _ICMP_ or -1 */
	bool frag, syn;
	uint8_t amp;
};

static void feed_hh(struct sh_buf *b, uint8_t ws, const struct flow_rec *r,
		    uint32_t w)
{
	unsigned slot = ws - 1u;
	struct flow_hh *hh = &b->hh[slot * FLOW_TOP_N];
	uint8_t key[16];
	memset(key, 0, 16);
	memcpy(key, r->src, r->family == 4 ? 4 : 16);
	flow_hh_add(&hh[FLOW_TOP_SRC], key, w);
	flow_hh_key32(key, r->src_as);
	flow_hh_add(&hh[FLOW_TOP_ASN], key, w);
	flow_hh_key32(key, r->sport);
	flow_hh_add(&hh[FLOW_TOP_SPORT], key, w);
	flow_hh_key32(key, r->dport);
	flow_hh_add(&hh[FLOW_TOP_DPORT], key, w);
	b->hh_dirty[slot] = 1;
	if (b->smp_n[slot] < SMP_TICK) /* the evidence's sample of flows */
		b->smp[slot * SMP_TICK + b->smp_n[slot]++] = *r;
}

static inline void bump(struct flow_shard *s, uint32_t key,
			const struct deltas *d, const struct flow_rec *r)
{
	struct sh_buf *b = &s->buf[s->w];
	uint32_t idx = s->map[key];
	struct sh_ent *e;
	if (idx < b->used && b->ent[idx].key == key) {
		e = &b->ent[idx];
	} else {
		if (b->used == s->c->cap) {
			b->dropped++;
			return;
		}
		idx = b->used++;
		s->map[key] = idx;
		e = &b->ent[idx];
		memset(e, 0, sizeof *e);
		e->key = key;
		/* The watch flag is read once per entry, not per record: a
		** random read of a byte per (host, direction), it missed the
		** cache on most records. A buffer lives one tick, so a watch set
		** or cleared by the detector reaches the sketches within a tick,
		** the slack flow_count_watch already allows. */
		e->ws = atomic_load_explicit(&s->c->watch[key], memory_order_relaxed);
	}
	sadd(&e->c[FLOW_C_PKTS], d->pk);
	sadd(&e->c[FLOW_C_BYTES], d->by);
	sadd(&e->c[FLOW_C_FLOWS], d->fl);
	if (d->cls >= 0) {
		sadd(&e->c[d->cls], d->pk);
		sadd(&e->c[d->cls + 1], d->by);
		sadd(&e->c[d->cls + 2], d->fl);
	}
	if (d->frag) {
		uint32_t *f = b->frag[idx];
		if (!e->has_frag) {
			e->has_frag = 1;
			memset(f, 0, sizeof b->frag[idx]);
		}
		sadd(&f[0], d->pk);
		sadd(&f[1], d->by);
		sadd(&f[2], d->fl);
	}
	if (d->syn)
		sadd(&e->c[SH_SYN], d->pk);
	if (d->amp) {
		sadd(&e->c[SH_AMP], d->pk);
		e->amp = d->amp;
	}
	if (__builtin_expect(e->ws != 0, 0))
		feed_hh(b, e->ws, r, d->pk);
}

static inline void add_hosts(struct flow_shard *s, const struct flow_rec *r,
			     uint32_t hd, uint32_t hs)
{
	uint64_t m = r->sampling ? r->sampling : 1; /* 0 = unknown = 1 */
	uint64_t pk, by;
	if (__builtin_mul_overflow(r->packets, m, &pk))
		pk = UINT64_MAX;
	if (__builtin_mul_overflow(r->bytes, m, &by))
		by = UINT64_MAX;
	struct deltas d;
	d.pk = clamp32(pk);
	d.by = clamp32(by);
	d.fl = clamp32(m);
	d.cls = r->proto == 6 ? FLOW_C_TCP_PKTS
		: r->proto == 17 ? FLOW_C_UDP_PKTS
		: (r->proto == 1 || r->proto == 58) ? FLOW_C_ICMP_PKTS
		: -1;
	d.frag = r->frag != 0;
	d.syn = r->proto == 6 && (r->tcp_flags & 0x12) == 0x02;
	d.amp = r->proto == 17 ? flow_amp_port(r->sport) : 0;
	if (hd != FLOW_HOST_NONE)
		bump(s, key_of(s->c, hd, FLOW_IN), &d, r);
	if (hs != FLOW_HOST_NONE) {
		d.amp = 0; /* replies leave FROM the port; that is inbound only */
		bump(s, key_of(s->c, hs, FLOW_OUT), &d, r);
	}
}

void flow_shard_add(struct flow_shard *s, const struct flow_rec *r)
{
	struct flow_hosts *h = s->c->hosts;
	uint32_t hd = flow_hosts_lookup(h, r->family, r->dst);
	uint32_t hs = flow_hosts_lookup(h, r->family, r->src);
	if (hd != FLOW_HOST_NONE || hs != FLOW_HOST_NONE)
		add_hosts(s, r, hd, hs);
}

/* The same for n records, as a software pipeline so that the cache
** misses of different records overlap: PF_LOOK records ahead, the host
** lookups (the prefix tables are small and stay in cache) and a prefetch
** of each map slot, or for an address of a large prefix a prefetch of its
** seen-address slot; PF_CLAIM ahead, the claim of those slots and the
** prefetch of their map slots; PF_AHEAD ahead, the map slot's read and a
** prefetch of the shard entry it names; then the adds. With destinations
** spread over 130,000 hosts the map and the entries do not fit in cache,
** and one record at a time would wait for two misses in a row (three with
** a large prefix). (Three passes over blocks of 32 records, before, gave
** the first records of a block too little time: their entry was still in
** flight at the add.) The distances were measured (bench_flow_count):
** 16/8 too short, 32/16 and 48/24 alike. */
#define PF_LOOK 32
#define PF_CLAIM 24
#define PF_AHEAD 16
#define PF_RING 32 /* >= PF_LOOK, a power of 2 */

/* Prefetch the entry a pair's map slot names. A slot not written this
** tick may hold any index below cap (a compare, not a division). Forced
** inline: GCC takes a function whose only effect is a prefetch for one
** without effects and drops the calls before inlining (seen with GCC 12
** at -O2: the loop of calls below was gone from the object code). */
static inline __attribute__((always_inline)) void prefetch_ent(const struct flow_shard *s,
								 const struct sh_buf *b, uint32_t key)
{
	uint32_t idx = s->map[key];
	__builtin_prefetch(&b->ent[idx < s->c->cap ? idx : 0], 1);
}

/* A looked-up host's map slot, when it is one (not NONE, not PENDING). */
static inline __attribute__((always_inline)) void prefetch_map(const struct flow_shard *s,
								 uint32_t host, enum flow_dir d)
{
	if (host < FLOW_HOST_PENDING)
		__builtin_prefetch(&s->map[key_of(s->c, host, d)]);
}

void flow_shard_add_batch(struct flow_shard *s, const struct flow_rec *r,
			  size_t n)
{
	struct flow_hosts *h = s->c->hosts;
	const struct sh_buf *b = &s->buf[s->w];
	uint32_t hd[PF_RING], hs[PF_RING], sd[PF_RING], ss[PF_RING];
	size_t look = 0, cl = 0, ahead = 0;
	for (size_t i = 0; i < n; i++) {
		for (; look < n && look < i + PF_LOOK; look++) {
			size_t k = look & (PF_RING - 1);
			hd[k] = flow_hosts_find(h, r[look].family, r[look].dst, &sd[k]);
			hs[k] = flow_hosts_find(h, r[look].family, r[look].src, &ss[k]);
			prefetch_map(s, hd[k], FLOW_IN);
			prefetch_map(s, hs[k], FLOW_OUT);
		}
		for (; cl < look && cl < i + PF_CLAIM; cl++) {
			size_t k = cl & (PF_RING - 1);
			if (__builtin_expect(hd[k] == FLOW_HOST_PENDING, 0)) {
				hd[k] = flow_hosts_claim(h, r[cl].family, r[cl].dst, sd[k]);
				prefetch_map(s, hd[k], FLOW_IN);
			}
			if (__builtin_expect(hs[k] == FLOW_HOST_PENDING, 0)) {
				hs[k] = flow_hosts_claim(h, r[cl].family, r[cl].src, ss[k]);
				prefetch_map(s, hs[k], FLOW_OUT);
			}
		}
		for (; ahead < cl && ahead < i + PF_AHEAD; ahead++) {
			size_t k = ahead & (PF_RING - 1);
			if (hd[k] != FLOW_HOST_NONE)
				prefetch_ent(s, b, key_of(s->c, hd[k], FLOW_IN));
			if (hs[k] != FLOW_HOST_NONE)
				prefetch_ent(s, b, key_of(s->c, hs[k], FLOW_OUT));
		}
		size_t k = i & (PF_RING - 1);
		if (hd[k] != FLOW_HOST_NONE || hs[k] != FLOW_HOST_NONE)
			add_hosts(s, &r[i], hd[k], hs[k]);
	}
}

void flow_shard_sync(struct flow_shard *s)
{
	unsigned r = atomic_load_explicit(&s->req, memory_order_acquire);
	if (r != s->w) {
		s->w = r;
		atomic_store_explicit(&s->ack, r, memory_order_release);
	}
}

/* ------------------------------------------------------------ tick */

static inline uint64_t *gsum(const struct flow_count *c, uint32_t i)
{
	return &c->gsum[(size_t)i * FLOW_C_N];
}

static inline uint32_t *gslot(const struct flow_count *c, uint64_t tick, uint32_t i)
{
	return &c->gring[((size_t)(tick % RING) * c->cap + i) * FLOW_C_N];
}

/* Entry i's window emptied: every slot and the sums zero. */
static void clear_ring(struct flow_count *c, uint32_t i)
{
	for (unsigned k = 0; k < RING; k++)
		memset(gslot(c, k, i), 0, FLOW_C_N * sizeof(uint32_t));
	memset(gsum(c, i), 0, FLOW_C_N * sizeof(uint64_t));
}

static void advance(struct flow_count *c, uint32_t i, uint64_t t)
{
	struct g_hdr *g = &c->g[i];
	uint64_t *sum = gsum(c, i);
	if (g->last_tick >= t)
		return;
	if (t - g->last_tick >= RING) {
		clear_ring(c, i);
	} else {
		for (uint64_t k = g->last_tick + 1; k <= t; k++) {
			uint32_t *sl = gslot(c, k, i);
			for (unsigned m = 0; m < FLOW_C_N; m++) {
				sum[m] -= sl[m];
				sl[m] = 0;
			}
		}
	}
	g->last_tick = t;
}

static uint32_t gfind(const struct flow_count *c, uint32_t key)
{
	uint32_t idx = c->gmap[key];
	if (idx < c->ghigh && c->gkey[idx] == key)
		return idx;
	return FREE_KEY;
}

/* The entry of key, or a new one (its ring is set up by the sweep), or
** FREE_KEY when max_active are in use. */
static uint32_t gget(struct flow_count *c, uint32_t key)
{
	uint32_t idx = gfind(c, key);
	if (idx != FREE_KEY)
		return idx;
	if (c->nfree)
		idx = c->freel[--c->nfree];
	else if (c->ghigh < c->cap)
		idx = c->ghigh++;
	else
		return FREE_KEY;
	c->gkey[idx] = key;
	c->gmap[key] = idx;
	memset(&c->stage[idx], 0, sizeof c->stage[idx]);
	c->stage[idx].fresh = 1;
	return idx;
}

/* Shard entries land at random: prefetch the map 32 entries ahead and
** the stage entry 12 ahead, so that the misses overlap. */
#define PF_MAP 32
#define PF_ENT 12

static void fold(struct flow_count *c, struct sh_buf *b)
{
	for (uint32_t i = 0; i < b->used; i++) {
		if (i + PF_MAP < b->used)
			__builtin_prefetch(&c->gmap[b->ent[i + PF_MAP].key]);
		if (i + PF_ENT < b->used) {
			uint32_t pi = c->gmap[b->ent[i + PF_ENT].key];
			if (pi < c->cap) {
				__builtin_prefetch(&c->gkey[pi]);
				__builtin_prefetch(&c->stage[pi], 1);
			}
		}
		const struct sh_ent *e = &b->ent[i];
		uint32_t idx = gget(c, e->key);
		if (idx == FREE_KEY) {
			c->dropped++;
			continue;
		}
		struct stage *st = &c->stage[idx];
		for (unsigned k = 0; k < FLOW_C_FRAG_PKTS; k++)
			sadd(&st->c[k], e->c[k]);
		sadd(&st->c[FLOW_C_SYN_PKTS], e->c[SH_SYN]);
		sadd(&st->c[FLOW_C_AMP_PKTS], e->c[SH_AMP]);
		if (e->has_frag)
			for (unsigned k = 0; k < 3; k++)
				sadd(&st->c[FLOW_C_FRAG_PKTS + k], b->frag[i][k]);
		st->touched = 1;
		if (e->amp)
			st->amp = e->amp;
	}
	b->used = 0;
	c->dropped += b->dropped;
	b->dropped = 0;
	for (unsigned s = 0; s < FLOW_WATCH_MAX; s++) {
		if (!b->hh_dirty[s])
			continue;
		b->hh_dirty[s] = 0;
		for (unsigned k = 0; k < b->smp_n[s]; k++)
			if (c->ws[s].used)
				c->ws[s].smp[c->ws[s].nsmp++ % FLOW_SAMPLE_MAX] =
					b->smp[s * SMP_TICK + k];
		b->smp_n[s] = 0;
		struct flow_hh *src = &b->hh[s * FLOW_TOP_N];
		for (unsigned t = 0; t < FLOW_TOP_N; t++) {
			if (c->ws[s].used)
				flow_hh_merge(&c->ws[s].hh[t], &src[t]);
			memset(&src[t], 0, sizeof src[t]);
		}
	}
}

void flow_count_flip(struct flow_count *c)
{
	for (uint32_t i = 0; i < c->nshards; i++) {
		struct flow_shard *s = c->sh[i];
		unsigned r = atomic_load_explicit(&s->req, memory_order_relaxed);
		if (!s->retired && atomic_load_explicit(&s->ack, memory_order_acquire) == r) {
			atomic_store_explicit(&s->req, r ^ 1u,
					      memory_order_release);
			s->retired = true;
		}
	}
}

void flow_count_tick(struct flow_count *c, uint64_t now_ms)
{
	uint64_t t = now_ms / 100;
	if (t > c->tick)
		c->tick = t;
	for (uint32_t i = 0; i < c->nshards; i++) {
		struct flow_shard *s = c->sh[i];
		if (!s->retired)
			continue; /* late at the last flip: nothing retired since */
		unsigned r = atomic_load_explicit(&s->req, memory_order_relaxed);
		if (atomic_load_explicit(&s->ack, memory_order_acquire) != r) {
			c->late++;
			continue;
		}
		fold(c, &s->buf[r ^ 1u]);
		s->retired = false;
	}
	/* In index order: set up new entries, advance every entry, add what
	** the shards gave it, free those with nothing in the window. */
	for (uint32_t i = 0; i < c->ghigh; i++) {
		uint32_t key = c->gkey[i];
		if (key == FREE_KEY)
			continue;
		struct g_hdr *g = &c->g[i];
		struct stage *st = &c->stage[i];
		if (st->fresh) { /* a new pair: its ring starts empty */
			memset(g, 0, sizeof *g);
			clear_ring(c, i);
			g->last_tick = c->tick;
			g->last_data_tick = c->tick;
			st->fresh = 0;
		}
		advance(c, i, c->tick);
		if (st->touched) {
			uint32_t *sl = gslot(c, c->tick, i);
			uint64_t *sum = gsum(c, i);
			for (unsigned k = 0; k < FLOW_C_N; k++) {
				uint32_t before = sl[k];
				sadd(&sl[k], st->c[k]);
				sum[k] += sl[k] - before;
			}
			g->last_data_tick = c->tick;
			if (st->amp)
				g->amp = st->amp;
			memset(st, 0, sizeof *st);
		}
		if (c->tick - g->last_data_tick >= RING) {
			uint8_t ws = atomic_load_explicit(&c->watch[key],
							  memory_order_relaxed);
			if (ws) { /* a quiet pair needs no sketch any more */
				atomic_store_explicit(&c->watch[key], 0,
						      memory_order_relaxed);
				c->ws[ws - 1].used = false;
			}
			c->gkey[i] = FREE_KEY;
			c->freel[c->nfree++] = i;
		}
	}
}

void flow_count_tick_quiescent(struct flow_count *c, uint64_t now_ms)
{
	/* a buffer an earlier flip retired and no tick folded goes first,
	** so that one call folds everything written (flow.h) */
	bool retired = false;
	for (uint32_t i = 0; i < c->nshards; i++)
		retired = retired || c->sh[i]->retired;
	if (retired) {
		for (uint32_t i = 0; i < c->nshards; i++)
			flow_shard_sync(c->sh[i]);
		flow_count_tick(c, now_ms);
	}
	flow_count_flip(c);
	for (uint32_t i = 0; i < c->nshards; i++)
		flow_shard_sync(c->sh[i]);
	flow_count_tick(c, now_ms);
}

bool flow_count_synced(const struct flow_count *c)
{
	for (uint32_t i = 0; i < c->nshards; i++) {
		struct flow_shard *s = c->sh[i];
		if (atomic_load_explicit(&s->ack, memory_order_acquire) !=
		    atomic_load_explicit(&s->req, memory_order_relaxed))
			return false;
	}
	return true;
}

uint64_t flow_count_late(const struct flow_count *c)
{
	return c->late;
}

uint64_t flow_count_dropped(const struct flow_count *c)
{
	return c->dropped;
}

void flow_count_each(struct flow_count *c, flow_entry_fn fn, void *ctx)
{
	for (uint32_t i = 0; i < c->ghigh; i++) {
		uint32_t key = c->gkey[i];
		if (key == FREE_KEY)
			continue;
		struct g_hdr *g = &c->g[i];
		struct flow_entry_view v = {
			.host = key >= c->nhosts ? key - c->nhosts : key,
			.dir = key >= c->nhosts ? FLOW_OUT : FLOW_IN,
			.sum = gsum(c, i), .slot = gslot(c, c->tick, i),
			.amp_port_id = g->amp, .user = &g->user};
		fn(ctx, &v);
	}
}

const uint64_t *flow_count_sums(const struct flow_count *c, uint32_t host,
				enum flow_dir dir)
{
	uint64_t key = (uint64_t)dir * c->nhosts + host;
	if (host >= c->nhosts || (unsigned)dir > FLOW_OUT)
		return NULL;
	uint32_t idx = gfind(c, (uint32_t)key);
	return idx == FREE_KEY ? NULL : gsum(c, idx);
}

/* A slot given to a new pair may still receive, at the next fold, what a
** shard's buffer held for its previous owner (at most one tick's worth):
** sketches name the heavy sources, they are not an account. */
int flow_count_watch(struct flow_count *c, uint32_t host, enum flow_dir dir,
		     bool on)
{
	uint64_t key = (uint64_t)dir * c->nhosts + host;
	if (host >= c->nhosts || (unsigned)dir > FLOW_OUT)
		return -1;
	uint8_t cur = atomic_load_explicit(&c->watch[key], memory_order_relaxed);
	if (!on) {
		if (cur) {
			atomic_store_explicit(&c->watch[key], 0,
					      memory_order_relaxed);
			c->ws[cur - 1].used = false;
		}
		return 0;
	}
	if (cur)
		return 0;
	for (unsigned s = 0; s < FLOW_WATCH_MAX; s++) {
		if (c->ws[s].used)
			continue;
		c->ws[s].used = true;
		c->ws[s].key = (uint32_t)key;
		memset(c->ws[s].hh, 0, sizeof c->ws[s].hh);
		c->ws[s].nsmp = 0;
		atomic_store_explicit(&c->watch[key], (uint8_t)(s + 1),
				      memory_order_relaxed);
		return 0;
	}
	return -1;
}

const struct flow_hh *flow_count_hh(const struct flow_count *c, uint32_t host,
				    enum flow_dir dir)
{
	uint64_t key = (uint64_t)dir * c->nhosts + host;
	if (host >= c->nhosts || (unsigned)dir > FLOW_OUT)
		return NULL;
	uint8_t cur = atomic_load_explicit(&((struct flow_count *)c)->watch[key],
					   memory_order_relaxed);
	return cur ? c->ws[cur - 1].hh : NULL;
}

size_t flow_count_sample(const struct flow_count *c, uint32_t host,
			 enum flow_dir dir, struct flow_rec *out, size_t n)
{
	uint64_t key = (uint64_t)dir * c->nhosts + host;
	if (host >= c->nhosts || (unsigned)dir > FLOW_OUT)
		return 0;
	uint8_t cur = atomic_load_explicit(&((struct flow_count *)c)->watch[key],
					   memory_order_relaxed);
	if (!cur)
		return 0;
	const struct wslot *w = &c->ws[cur - 1];
	size_t have = w->nsmp < FLOW_SAMPLE_MAX ? w->nsmp : FLOW_SAMPLE_MAX;
	if (n > have)
		n = have;
	for (size_t i = 0; i < n; i++) /* newest first */
		out[i] = w->smp[(w->nsmp - 1 - i) % FLOW_SAMPLE_MAX];
	return n;
}

size_t flow_count_memory(const struct flow_count *c)
{
	size_t n = sizeof *c + (size_t)c->nkeys * (sizeof *c->gmap + 1) +
		   (size_t)c->cap * (sizeof *c->g + (RING * 4 + 8) * FLOW_C_N + sizeof *c->freel +
				     sizeof *c->gkey + sizeof *c->stage);
	for (uint32_t i = 0; i < c->nshards; i++)
		n += sizeof(struct flow_shard) + (size_t)c->nkeys * 4 +
		     2 * ((size_t)c->cap * (sizeof(struct sh_ent) + 3 * sizeof(uint32_t)) +
			  (size_t)FLOW_WATCH_MAX * FLOW_TOP_N *
				  sizeof(struct flow_hh));
	return n;
}
