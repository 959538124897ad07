/*
** hosts.c — protected hosts: the constituency's CIDR assets as a dense
** host index, so that the counters (count.c) are arrays indexed by host and
** the hot path pays one longest-prefix match per address, never a hash of
** an address into a growing map.
**
** Slot allocation (the issue leaves it open; see flow.h): nested prefixes
** are dropped (the outer prefix covers their addresses); a prefix of at most
** FLOW_HOSTS_DENSE_MAX addresses gets a contiguous run (host = base +
** offset), smallest first while the budget lasts, because a /24 of web
** servers is the common asset and its hosts are all worth a slot. What does
** not fit (a v4 /8, any v6 /64: more addresses than any budget) shares the
** rest of the budget as a table of the addresses actually seen, claimed
** lock-free on the first record. The matcher is the constituency's LPM
** (src/constituency/lpm.h) in its range layout: a few KiB for thousands of
** prefixes instead of DIR-24-8's 64 MiB, which the 200 MB budget of the
** issue cannot afford beside the counters. In front of it, for IPv4 (the
** hot path asks twice per record): a bit per /16 (8 KiB) rejects most
** outside addresses at once, and a /24 table for up to 4,096 protected
** /16s (1 KiB each) answers the rest in two loads; measured, this halved
** the cost of a record (bench/bench_flow_count.c). A /24 that holds
** prefixes longer than /24 (a constituency listing its servers as /32s)
** gets a leaf of 256 entries, one per address, up to V4_LEAVES of them:
** with a million /32s the range search over a million ranges missed the
** cache some twenty times per address and the collector fell to 0.4 M
** flows/s.
**
** After the build only what the lookups and flow_hosts_addr read is kept,
** 12 bytes a prefix (struct hkept; an IPv6 prefix's address beside it)
** and 4 for a dense run's base, not the 72 of the build's struct hpfx:
** 56 MB less with a million prefixes.
*/
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"
#include "constituency/lpm.h"

/* Most hosts a table may hold: keys are host * 2 + direction in 32 bits. */
#define HOSTS_HARD_MAX (1u << 30)
#define PROBE_MAX 64u

struct hpfx {
	uint8_t family, len;
	uint8_t addr[16];
	uint64_t hi, lo;     /* first address as a 128-bit number (v4: lo) */
	uint64_t ehi, elo;   /* last address */
	uint64_t size;       /* addresses, saturated at 2^63 */
	uint32_t base;       /* first host index (dense prefixes) */
	bool hashed;
	bool tabled;         /* the /24 table (and a leaf) answer for all of it */
};

/* A kept prefix as the lookups read it: 12 bytes. */
struct hkept {
	uint32_t base; /* first host index (dense prefixes) */
	uint32_t a;    /* IPv4: the first address (host order); IPv6: its index in a6 */
	uint8_t family, len;
	bool hashed;
};

struct hslot {
	_Atomic uint32_t state; /* 0 free, 1 being written, 2 ready */
	uint8_t family;
	uint8_t addr[16];
};

struct flow_hosts {
	struct lpm *lpm;
	struct hpfx *p;       /* kept prefixes while building, then NULL */
	struct hkept *k;      /* the same after the build; lpm value = index + 1 */
	uint8_t (*a6)[16];    /* the IPv6 prefixes' first addresses */
	size_t np;
	uint32_t *dense;      /* indices into k of dense prefixes, by base */
	uint32_t *dense_base; /* their bases, ascending (flow_hosts_addr's search) */
	size_t ndense;
	uint32_t dense_total; /* host indices 0..dense_total-1 are dense */
	uint32_t nslots;      /* seen-address table, indices dense_total.. */
	struct hslot *tab;
	_Atomic uint64_t overflow;
	/* One bit per IPv4 /16 that holds any protected address: most
	** sources of an inbound flood are outside, and 8 KiB in L1/L2 answer
	** "not protected" for them before the prefix search. */
	uint64_t v4_16[1024];
	/* Then a direct table per /16 that has a block (up to V4_BLOCKS):
	** 256 entries, one per /24: 0 none, V4_LPM when prefixes longer than
	** /24 share it (ask the LPM), else the index + 1 of the prefix that
	** covers the whole /24. A binary search over the ranges costs about
	** ten mispredicted branches per address; this costs two loads. */
	uint16_t v4_blk[65536];   /* block + 1 per /16, 0 = none */
	uint32_t *v4_24;
	uint32_t nblk;
	uint32_t *v4_leaf;  /* 256 entries per leaf: the index + 1 of an address's prefix */
	uint32_t nleaf;
};

#define V4_BLOCKS 4096u  /* 4 MiB of /24 entries at most */
#define V4_LEAVES 16384u /* 16 MiB of per-address entries at most */
#define V4_LPM UINT32_MAX
#define V4_LEAF 0x80000000u /* a /24 entry with this bit: leaf number (low bits) */

static void span(struct hpfx *q)
{
	unsigned hl = q->family == 4 ? 32 : 128;
	uint64_t hi = 0, lo = 0;
	if (q->family == 4) {
		lo = (uint64_t)q->addr[0] << 24 | (uint64_t)q->addr[1] << 16 |
		     (uint64_t)q->addr[2] << 8 | q->addr[3];
	} else {
		for (int i = 0; i < 8; i++) {
			hi = hi << 8 | q->addr[i];
			lo = lo << 8 | q->addr[8 + i];
		}
	}
	unsigned host = hl - q->len; /* host bits */
	uint64_t mhi = 0, mlo = 0;   /* host-bit masks */
	if (q->family == 4) {
		mlo = host >= 64 ? ~0ull : ((1ull << host) - 1);
	} else if (host >= 64) {
		mlo = ~0ull;
		mhi = host - 64 >= 64 ? ~0ull : ((1ull << (host - 64)) - 1);
	} else {
		mlo = host == 0 ? 0 : ((1ull << host) - 1);
	}
	q->hi = hi & ~mhi;
	q->lo = lo & ~mlo;
	q->ehi = q->hi | mhi;
	q->elo = q->lo | mlo;
	q->size = host >= 63 ? (1ull << 63) : (1ull << host);
	memset(q->addr, 0, 16); /* the prefix's own first address */
	for (int i = 0; i < 8; i++) {
		if (q->family == 4) {
			if (i < 4)
				q->addr[i] = (uint8_t)(q->lo >> (24 - 8 * i));
		} else {
			q->addr[i] = (uint8_t)(q->hi >> (56 - 8 * i));
			q->addr[8 + i] = (uint8_t)(q->lo >> (56 - 8 * i));
		}
	}
}

static int cmp_addr(const void *a, const void *b)
{
	const struct hpfx *x = a, *y = b;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->len < y->len ? -1 : x->len > y->len; /* container first */
}

struct by_size {
	uint64_t size;
	uint32_t idx;
};

static int cmp_size(const void *a, const void *b)
{
	const struct by_size *x = a, *y = b;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

void flow_hosts_free(struct flow_hosts *h)
{
	if (!h)
		return;
	lpm_free(h->lpm);
	free(h->v4_24);
	free(h->v4_leaf);
	free(h->p);
	free(h->k);
	free(h->a6);
	free(h->dense);
	free(h->dense_base);
	free(h->tab);
	free(h);
}

/* Whether the /24 blocks answer for prefix q: one of /16 or longer, or a
** dense one shorter than /16 (a /15 of a ministry's network, up to the
** /10 FLOW_HOSTS_DENSE_MAX allows: 64 blocks). A hashed short prefix (a
** /8) stays with the LPM: its blocks would only say "ask the table". */
static bool blocked(const struct hpfx *q)
{
	return q->family == 4 && (q->len >= 16 || !q->hashed);
}

/* The /24 blocks: a /16 gets one when a prefix blocked() lies in it or
** covers it, while blocks last. A short prefix is tabled only when every
** /16 of it got a block; otherwise the LPM answers for all of it. (Measured: a
** /15 left to the seen-address table cost a miss into that 24 MB table
** and a memcmp per record, 73% of the collector's CPU at 9.6 M flows/s.) */
static int build_v4_blocks(struct flow_hosts *h)
{
	for (size_t i = 0; i < h->np; i++) {
		const struct hpfx *q = &h->p[i];
		if (!blocked(q))
			continue;
		/* a short prefix gets all of its /16s (they are its alone) or
		** none: given some, it would be left to the LPM while the
		** entries of those blocks said "nothing protected here" */
		uint64_t need = (q->elo >> 16) - (q->lo >> 16) + 1;
		if (q->len < 16 && h->nblk + need > V4_BLOCKS)
			continue;
		for (uint64_t s16 = q->lo >> 16; s16 <= q->elo >> 16; s16++)
			if (!h->v4_blk[s16] && h->nblk < V4_BLOCKS)
				h->v4_blk[s16] = (uint16_t)++h->nblk;
	}
	if (!h->nblk)
		return 0;
	h->v4_24 = calloc((size_t)h->nblk * 256, sizeof *h->v4_24);
	if (!h->v4_24)
		return -1;
	for (size_t i = 0; i < h->np; i++) {
		const struct hpfx *q = &h->p[i];
		if (!blocked(q))
			continue;
		if (q->len < 16) {
			bool all = true;
			for (uint64_t s16 = q->lo >> 16; s16 <= q->elo >> 16; s16++)
				all = all && h->v4_blk[s16];
			if (!all)
				continue; /* the LPM answers for all of it */
			for (uint64_t s16 = q->lo >> 16; s16 <= q->elo >> 16; s16++) {
				uint32_t *e = &h->v4_24[(size_t)(h->v4_blk[s16] - 1) * 256];
				for (unsigned k = 0; k < 256; k++)
					e[k] = (uint32_t)i + 1;
			}
			h->p[i].tabled = true;
			continue;
		}
		uint32_t blk = h->v4_blk[q->lo >> 16];
		if (!blk)
			continue; /* no block left: the LPM answers */
		uint32_t *e = &h->v4_24[(size_t)(blk - 1) * 256];
		uint32_t first = (uint32_t)(q->lo >> 8) & 255;
		if (q->len > 24) {
			/* prefixes are disjoint: the /24 is 0, a leaf or V4_LPM */
			if (e[first] == 0 && h->nleaf < V4_LEAVES) {
				if (h->nleaf % 256 == 0) { /* grow 256 leaves at a time */
					uint32_t *nl = realloc(h->v4_leaf,
							       ((size_t)h->nleaf + 256) * 256 *
								       sizeof *nl);
					if (!nl)
						return -1;
					h->v4_leaf = nl;
				}
				memset(&h->v4_leaf[(size_t)h->nleaf * 256], 0,
				       256 * sizeof *h->v4_leaf);
				e[first] = V4_LEAF | h->nleaf++;
			} else if (e[first] == 0) {
				e[first] = V4_LPM; /* no leaf left: the LPM answers */
			}
			if (e[first] != V4_LPM) {
				uint32_t *l = &h->v4_leaf[(size_t)(e[first] & ~V4_LEAF) * 256];
				for (uint32_t a = (uint32_t)q->lo & 255; a <= ((uint32_t)q->elo & 255);
				     a++)
					l[a] = (uint32_t)i + 1;
				h->p[i].tabled = true;
			}
			continue;
		}
		h->p[i].tabled = true;
		for (uint32_t k = first; k <= ((uint32_t)(q->elo >> 8) & 255); k++)
			e[k] = (uint32_t)i + 1;
	}
	return 0;
}

struct flow_hosts *flow_hosts_build(const struct flow_prefix *in, size_t n,
				    uint32_t max_hosts, struct perr *err)
{
	struct flow_hosts *h = NULL;
	struct hpfx *all = NULL;
	struct lpm_builder *b = NULL;
	if (max_hosts == 0)
		max_hosts = FLOW_HOSTS_DEFAULT;
	if (max_hosts > HOSTS_HARD_MAX) {
		perr_set(err, PERR_INVALID, "max_hosts", "max_hosts is above %u",
			 HOSTS_HARD_MAX);
		return NULL;
	}
	if (n > LPM_MAX_PREFIXES) {
		perr_set(err, PERR_LIMIT, "prefixes", "too many prefixes");
		return NULL;
	}
	h = calloc(1, sizeof *h);
	all = calloc(n ? n : 1, sizeof *all);
	if (!h || !all)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		const struct flow_prefix *q = &in[i];
		if ((q->family != 4 && q->family != 6) ||
		    q->len > (q->family == 4 ? 32 : 128)) {
			perr_set(err, PERR_INVALID, "prefix",
				 "prefix %zu: bad family or length", i);
			goto fail;
		}
		all[i].family = q->family;
		all[i].len = q->len;
		memcpy(all[i].addr, q->addr, 16);
		span(&all[i]);
	}
	/* Nested and duplicate prefixes: in address order a container comes
	** right before what it holds, and CIDR prefixes are either nested or
	** disjoint, so a start inside the last kept prefix means "inside". */
	qsort(all, n, sizeof *all, cmp_addr);
	h->p = calloc(n ? n : 1, sizeof *h->p);
	if (!h->p)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		if (h->np) {
			const struct hpfx *k = &h->p[h->np - 1];
			if (k->family == all[i].family &&
			    (all[i].hi < k->ehi ||
			     (all[i].hi == k->ehi && all[i].lo <= k->elo)))
				continue;
		}
		h->p[h->np++] = all[i];
	}
	/* Dense runs, smallest prefixes first while the budget lasts. */
	struct by_size *order = calloc(h->np ? h->np : 1, sizeof *order);
	h->dense = calloc(h->np ? h->np : 1, sizeof *h->dense);
	if (!order || !h->dense) {
		free(order);
		goto oom;
	}
	for (size_t i = 0; i < h->np; i++)
		order[i] = (struct by_size){h->p[i].size, (uint32_t)i};
	qsort(order, h->np, sizeof *order, cmp_size);
	bool any_hashed = false;
	for (size_t j = 0; j < h->np; j++) {
		struct hpfx *q = &h->p[order[j].idx];
		if (q->size <= FLOW_HOSTS_DENSE_MAX &&
		    h->dense_total + q->size <= max_hosts) {
			q->base = h->dense_total;
			h->dense_total += (uint32_t)q->size;
			h->dense[h->ndense++] = order[j].idx;
		} else {
			q->hashed = true;
			any_hashed = true;
		}
	}
	free(order);
	if (any_hashed && h->dense_total < max_hosts) {
		h->nslots = max_hosts - h->dense_total;
		h->tab = calloc(h->nslots, sizeof *h->tab);
		if (!h->tab)
			goto oom;
	}
	for (size_t i = 0; i < h->np; i++) {
		const struct hpfx *q = &h->p[i];
		if (q->family != 4)
			continue;
		for (uint64_t x = q->lo >> 16; x <= q->elo >> 16; x++)
			h->v4_16[x >> 6] |= 1ull << (x & 63);
	}
	if (build_v4_blocks(h) != 0)
		goto oom;
	b = lpm_builder_new();
	if (!b)
		goto oom;
	lpm_builder_layout(b, LPM_LAYOUT_RANGES);
	/* The LPM holds only what the tables do not answer (IPv6, IPv4
	** shorter than /16, past the blocks or the leaves): a million /32s
	** in leaves would cost it tens of MB for nothing. */
	for (size_t i = 0; i < h->np; i++)
		if (!h->p[i].tabled &&
		    lpm_builder_add(b, h->p[i].family, h->p[i].addr, h->p[i].len, i + 1) != 0)
			goto oom;
	h->lpm = lpm_build(b);
	b = NULL;
	if (!h->lpm)
		goto oom;
	size_t n6 = 0;
	for (size_t i = 0; i < h->np; i++)
		n6 += h->p[i].family == 6;
	h->k = calloc(h->np ? h->np : 1, sizeof *h->k);
	h->a6 = calloc(n6 ? n6 : 1, sizeof *h->a6);
	h->dense_base = calloc(h->ndense ? h->ndense : 1, sizeof *h->dense_base);
	if (!h->k || !h->a6 || !h->dense_base)
		goto oom;
	n6 = 0;
	for (size_t i = 0; i < h->np; i++) {
		const struct hpfx *q = &h->p[i];
		h->k[i] = (struct hkept){.base = q->base, .family = q->family, .len = q->len,
					 .hashed = q->hashed, .a = (uint32_t)q->lo};
		if (q->family == 6) {
			h->k[i].a = (uint32_t)n6;
			memcpy(h->a6[n6++], q->addr, 16);
		}
	}
	for (size_t j = 0; j < h->ndense; j++)
		h->dense_base[j] = h->p[h->dense[j]].base;
	free(h->p);
	h->p = NULL;
	free(all);
	return h;
oom:
	perr_set(err, PERR_INTERNAL, NULL, "out of memory building hosts");
fail:
	lpm_builder_free(b);
	free(all);
	flow_hosts_free(h);
	return NULL;
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t hash_addr(uint8_t family, const uint8_t *a)
{
	uint64_t x = 0, y = 0;
	memcpy(&x, a, 8);
	if (family == 6)
		memcpy(&y, a + 8, 8);
	x ^= y * 0x9e3779b97f4a7c15ull;
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 29;
	return (uint32_t)(x >> 32);
}

/* Where addr's probe sequence starts in the seen-address table. */
static inline uint32_t slot_of(const struct flow_hosts *h, uint8_t family, const uint8_t *a)
{
	return (uint32_t)(((uint64_t)hash_addr(family, a) * h->nslots) >> 32);
}

/* Whether slot s (published) holds addr. The lengths are constants in each
** branch so that the compiler inlines the compares: a call to memcmp per
** probe was 7% of the collector's CPU with a /15 in the table. */
static inline bool slot_is(const struct hslot *s, uint8_t family, const uint8_t *a)
{
	if (s->family != family)
		return false;
	return family == 4 ? memcmp(s->addr, a, 4) == 0 : memcmp(s->addr, a, 16) == 0;
}

/* The seen-address table: linear probing from slot i (slot_of); a free
** slot is claimed with a CAS (0 -> 1), written, then published (2) with
** release order, so that a reader never compares a half-written address. */
static uint32_t claim(struct flow_hosts *h, uint8_t family, const uint8_t *a, uint32_t i)
{
	size_t alen = family == 4 ? 4 : 16;
	uint32_t probes = h->nslots < PROBE_MAX ? h->nslots : PROBE_MAX;
	for (uint32_t k = 0; k < probes; k++) {
		struct hslot *s = &h->tab[i];
		uint32_t st = atomic_load_explicit(&s->state, memory_order_acquire);
		if (st == 0) {
			uint32_t zero = 0;
			if (atomic_compare_exchange_strong_explicit(
				    &s->state, &zero, 1, memory_order_acq_rel,
				    memory_order_acquire)) {
				s->family = family;
				memset(s->addr, 0, 16);
				memcpy(s->addr, a, alen);
				atomic_store_explicit(&s->state, 2,
						      memory_order_release);
				return h->dense_total + i;
			}
			st = zero;
		}
		while (st == 1) /* another thread is writing this slot */
			st = atomic_load_explicit(&s->state, memory_order_acquire);
		if (slot_is(s, family, a))
			return h->dense_total + i;
		if (++i == h->nslots)
			i = 0;
	}
	atomic_fetch_add_explicit(&h->overflow, 1, memory_order_relaxed);
	return FLOW_HOST_NONE;
}

uint32_t flow_hosts_find(struct flow_hosts *h, uint8_t family, const uint8_t *a,
			 uint32_t *slot)
{
	uint64_t v;
	if (family == 4) {
		uint32_t x = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
			     (uint32_t)a[2] << 8 | a[3];
		if (!(h->v4_16[x >> 22] >> ((x >> 16) & 63) & 1))
			return FLOW_HOST_NONE;
		uint32_t blk = h->v4_blk[x >> 16];
		uint32_t e = blk ? h->v4_24[(size_t)(blk - 1) * 256 +
					    ((x >> 8) & 255)]
				 : V4_LPM;
		if (e == 0)
			return FLOW_HOST_NONE;
		if (e == V4_LPM)
			v = lpm_lookup4(h->lpm, x, NULL);
		else if (e & V4_LEAF)
			v = h->v4_leaf[(size_t)(e & ~V4_LEAF) * 256 + (x & 255)];
		else
			v = e;
		if (!v)
			return FLOW_HOST_NONE;
		const struct hkept *q = &h->k[v - 1];
		if (!q->hashed) /* dense v4 prefixes are /10 or longer */
			return q->base + (x & ((1u << (32 - q->len)) - 1));
	} else if (family == 6) {
		v = lpm_lookup6(h->lpm, a, NULL);
		if (!v)
			return FLOW_HOST_NONE;
		const struct hkept *q = &h->k[v - 1];
		if (!q->hashed) /* dense v6 prefixes are /106 or longer */
			return q->base + (rd32(a + 12) & ((1u << (128 - q->len)) - 1));
	} else {
		return FLOW_HOST_NONE;
	}
	if (!h->nslots) { /* a hashed prefix and no budget left for its table */
		atomic_fetch_add_explicit(&h->overflow, 1, memory_order_relaxed);
		return FLOW_HOST_NONE;
	}
	*slot = slot_of(h, family, a);
	__builtin_prefetch(&h->tab[*slot]);
	return FLOW_HOST_PENDING;
}

uint32_t flow_hosts_claim(struct flow_hosts *h, uint8_t family, const uint8_t *a,
			  uint32_t slot)
{
	return claim(h, family, a, slot);
}

uint32_t flow_hosts_lookup(struct flow_hosts *h, uint8_t family, const uint8_t *a)
{
	uint32_t slot, x = flow_hosts_find(h, family, a, &slot);
	return x == FLOW_HOST_PENDING ? claim(h, family, a, slot) : x;
}

uint32_t flow_hosts_size(const struct flow_hosts *h)
{
	return h->dense_total + h->nslots;
}

int flow_hosts_addr(const struct flow_hosts *h, uint32_t idx, uint8_t *family,
		    uint8_t addr[16])
{
	if (idx < h->dense_total) {
		size_t lo = 0, hi = h->ndense; /* last dense run with base <= idx */
		while (hi - lo > 1) {
			size_t mid = (lo + hi) / 2;
			if (h->dense_base[mid] <= idx)
				lo = mid;
			else
				hi = mid;
		}
		const struct hkept *q = &h->k[h->dense[lo]];
		uint32_t off = idx - q->base;
		*family = q->family;
		memset(addr, 0, 16);
		if (q->family == 4) {
			uint32_t x = q->a + off;
			addr[0] = (uint8_t)(x >> 24);
			addr[1] = (uint8_t)(x >> 16);
			addr[2] = (uint8_t)(x >> 8);
			addr[3] = (uint8_t)x;
		} else {
			memcpy(addr, h->a6[q->a], 16);
			uint32_t low = rd32(addr + 12) + off;
			for (int i = 0; i < 4; i++)
				addr[12 + i] = (uint8_t)(low >> (24 - 8 * i));
		}
		return 0;
	}
	if (idx - h->dense_total >= h->nslots)
		return -1;
	const struct hslot *s = &h->tab[idx - h->dense_total];
	if (atomic_load_explicit(&((struct hslot *)s)->state,
				 memory_order_acquire) != 2)
		return -1;
	*family = s->family;
	memcpy(addr, s->addr, 16);
	return 0;
}

uint64_t flow_hosts_overflow(const struct flow_hosts *h)
{
	return atomic_load_explicit(&((struct flow_hosts *)h)->overflow,
				    memory_order_relaxed);
}

size_t flow_hosts_memory(const struct flow_hosts *h)
{
	size_t n6 = 0;
	for (size_t i = 0; i < h->np; i++)
		n6 += h->k[i].family == 6;
	return sizeof *h + lpm_memory(h->lpm) + h->np * sizeof *h->k + n6 * sizeof *h->a6 +
	       (size_t)h->nblk * 256 * sizeof *h->v4_24 +
	       (size_t)h->nleaf * 256 * sizeof *h->v4_leaf +
	       h->ndense * (sizeof *h->dense + sizeof *h->dense_base) +
	       (size_t)h->nslots * sizeof *h->tab;
}
