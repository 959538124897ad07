/*
** lpm.c — longest-prefix-match tables for IPv4 and IPv6 owner lookup.
**
** IPv4 uses the DIR-24-8 layout: a first-level table of 2^24 32-bit entries
** indexed by the top 24 bits of the address, and 256-entry second-level
** groups for the few /24s that contain longer prefixes. Every lookup is one
** load from the big table (plus one from a group when the entry says so)
** and one from the small value table, so throughput is bounded by a single
** DRAM miss per address, with no data-dependent loop. The first level is
** 64 MiB whatever the prefix count; we ask for transparent huge pages on it
** so the random accesses do not also miss the TLB. The table is built by
** "painting": prefixes are applied in order of increasing length, so a
** longer prefix overwrites the slots of any shorter prefix that covers it.
** That 64 MiB pays for itself only on a large registry: up to
** LPM_SMALL4 IPv4 prefixes (a centre with tens of thousands of networks),
** IPv4 uses the range table below instead, whose size follows the registry
** (a few kilobytes for a few dozen assets) and which answers from cache.
**
** IPv6 uses a sorted range table. Nested prefixes are flattened into
** disjoint address ranges, each described by its first address and the
** prefix that owns it; a lookup finds the last range start <= the address.
** An index on the top bits (up to 16, about log2 of the range count) narrows
** the binary search to the ranges of one slice of the address space. This
** costs ~20 bytes per prefix, where a multibit trie over random /48s would
** cost kilobytes per prefix, and is far simpler to get right; IPv6 lookups
** are rarer than IPv4 ones in our feeds. A small IPv4 table is the same
** thing with the address in the top 32 bits.
**
** Both families share one value table: the distinct caller values, with
** index 0 holding 0 so that "no match" needs no branch. An IPv4 entry
** packs (group flag, prefix length, value index) into 32 bits:
**
**     bit 31       1 = bits 0..30 are a second-level group number
**     bits 25..30  prefix length 0..32
**     bits 0..24   index into the value table (0 = no prefix)
*/
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 /* madvise() under -std=c17 on glibc */
#endif

#include "lpm.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#define TBL24_ENTRIES ((size_t)1 << 24)
#define GROUP_FLAG UINT32_C(0x80000000)
#define PLEN_SHIFT 25
#define VIDX_MASK ((UINT32_C(1) << PLEN_SHIFT) - 1)
#define HUGE_ALIGN ((size_t)2 << 20)
/* Most IPv4 prefixes kept in a range table rather than DIR-24-8: at most
** 2 * 65536 + 1 ranges of 21 bytes, under 3 MiB against 64 MiB. */
#define LPM_SMALL4 ((size_t)1 << 16)

/* An unsigned 128-bit IPv6 address as two host-order halves. */
struct u128 {
	uint64_t hi;
	uint64_t lo;
};

/* value holds the caller's value until build_values() replaces it with
** its index in lpm.values. */
struct item4 {
	uint64_t value;
	uint32_t addr; /* host order, host bits cleared */
	uint8_t len;
};

struct item6 {
	struct u128 addr; /* host bits cleared */
	uint64_t value;   /* as in item4 */
	uint32_t seq; /* insertion order, so that the last duplicate wins */
	uint8_t len;
};

struct lpm_builder {
	struct item4 *v4;
	size_t n4, cap4;
	struct item6 *v6;
	size_t n6, cap6;
	enum lpm_layout layout4;
};

/* Sorted disjoint address ranges: range i covers [start[i], start[i+1]).
** idx[b] is the first range whose start has top ibits bits >= b, for b in
** 0..2^ibits. All NULL when the family has no prefix. */
struct ranges {
	struct u128 *start;
	uint32_t *vidx;
	uint8_t *plen;
	uint32_t *idx;
	unsigned ibits;
	size_t n;
};

struct lpm {
	/* IPv4, either DIR-24-8 (tbl24, tbl8) or ranges (r4); tbl24 and r4
	** are both empty when no IPv4 prefix was added. */
	uint32_t *tbl24;
	uint32_t *tbl8; /* ngroups * 256 entries */
	size_t ngroups, capgroups;
	struct ranges r4; /* addresses in the top 32 bits of start.hi */

	/* Shared values; values[0] == 0. */
	uint64_t *values;
	size_t nvalues;

	struct ranges r6;
};

/* ------------------------------------------------------------- helpers */

static uint32_t mask4(unsigned len)
{
	/* A shift by 32 is undefined, hence the special case. */
	return len == 0 ? 0 : UINT32_MAX << (32 - len);
}

static struct u128 mask6(unsigned len)
{
	struct u128 m;
	m.hi = len >= 64 ? UINT64_MAX : len == 0 ? 0 : UINT64_MAX << (64 - len);
	m.lo = len <= 64 ? 0 : UINT64_MAX << (128 - len);
	return m;
}

static uint64_t load_be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

static int cmp128(struct u128 a, struct u128 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

/* Makes room for element n of arr (elements of size elem, *cap of them
** allocated). Returns the possibly moved array, or NULL when out of memory
** with arr still valid and *cap unchanged. */
static void *grow(void *arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return arr;
	size_t ncap = *cap ? *cap * 2 : 64;
	if (ncap > SIZE_MAX / elem)
		return NULL;
	void *p = realloc(arr, ncap * elem);
	if (p)
		*cap = ncap;
	return p;
}

/* Allocates bytes (a multiple of HUGE_ALIGN) aligned for huge pages and
** asks the kernel to back them with huge pages; the advice is best effort.
** Returns memory to release with free(), or NULL. */
static void *huge_alloc(size_t bytes)
{
	void *p = aligned_alloc(HUGE_ALIGN, bytes);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
	if (p)
		(void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}

/* ------------------------------------------------------------- builder */

struct lpm_builder *lpm_builder_new(void)
{
	return calloc(1, sizeof(struct lpm_builder));
}

void lpm_builder_layout(struct lpm_builder *b, enum lpm_layout layout4)
{
	if (b)
		b->layout4 = layout4;
}

void lpm_builder_free(struct lpm_builder *b)
{
	if (!b)
		return;
	free(b->v4);
	free(b->v6);
	free(b);
}

int lpm_builder_add(struct lpm_builder *b, int family, const uint8_t *addr,
		    unsigned len, uint64_t value)
{
	if (!b || !addr || value == 0)
		return -1;
	if (b->n4 + b->n6 >= LPM_MAX_PREFIXES)
		return -1;
	if (family == 4) {
		if (len > 32)
			return -1;
		struct item4 *v = grow(b->v4, &b->cap4, b->n4, sizeof(*v));
		if (!v)
			return -1;
		b->v4 = v;
		uint32_t a = (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 |
			     (uint32_t)addr[2] << 8 | addr[3];
		struct item4 *it = &b->v4[b->n4++];
		it->value = value;
		it->addr = a & mask4(len);
		it->len = (uint8_t)len;
		return 0;
	}
	if (family == 6) {
		if (len > 128)
			return -1;
		struct item6 *v = grow(b->v6, &b->cap6, b->n6, sizeof(*v));
		if (!v)
			return -1;
		b->v6 = v;
		struct u128 m = mask6(len);
		struct item6 *it = &b->v6[b->n6];
		it->addr.hi = load_be64(addr) & m.hi;
		it->addr.lo = load_be64(addr + 8) & m.lo;
		it->value = value;
		it->seq = (uint32_t)b->n6;
		it->len = (uint8_t)len;
		b->n6++;
		return 0;
	}
	return -1;
}

/* ------------------------------------------------------------- values */

/* Open-addressing map from a caller value to its index in lpm.values;
** value 0 marks an empty slot (callers may not use 0). */
struct vslot {
	uint64_t value;
	uint32_t idx;
};

static uint32_t intern(struct lpm *t, struct vslot *h, unsigned shift,
		       uint64_t v)
{
	size_t mask = ((size_t)1 << (64 - shift)) - 1;
	size_t i = (size_t)((v * UINT64_C(0x9e3779b97f4a7c15)) >> shift);
	for (;;) {
		if (h[i].value == v)
			return h[i].idx;
		if (h[i].value == 0) {
			h[i].value = v;
			h[i].idx = (uint32_t)t->nvalues;
			t->values[t->nvalues++] = v;
			return h[i].idx;
		}
		i = (i + 1) & mask;
	}
}

/* Fills t->values with 0 followed by the distinct values of b (in order
** of first appearance) and replaces each item's value in b by its index
** there. Hashing rather than sorting keeps this linear, and for a real
** constituency (a few thousand organisations) the map stays in cache.
** Returns 0 or -1 when out of memory. */
static int build_values(struct lpm *t, struct lpm_builder *b)
{
	int rc = -1;
	struct vslot *h = NULL;
	size_t n = b->n4 + b->n6; /* <= LPM_MAX_PREFIXES, so no overflow */
	unsigned bits = 6;
	while (((size_t)1 << bits) < 2 * n)
		bits++;

	h = calloc((size_t)1 << bits, sizeof(*h));
	t->values = malloc((n + 1) * sizeof(*t->values));
	if (!h || !t->values)
		goto out;
	t->values[0] = 0;
	t->nvalues = 1;
	for (size_t i = 0; i < b->n4; i++)
		b->v4[i].value = intern(t, h, 64 - bits, b->v4[i].value);
	for (size_t i = 0; i < b->n6; i++)
		b->v6[i].value = intern(t, h, 64 - bits, b->v6[i].value);
	uint64_t *shrunk = realloc(t->values, t->nvalues * sizeof(*shrunk));
	if (shrunk)
		t->values = shrunk;
	rc = 0;
out:
	free(h);
	return rc;
}

/* -------------------------------------------------------------- ranges */

static int cmp_item6(const void *a, const void *b)
{
	const struct item6 *x = a, *y = b;
	int c = cmp128(x->addr, y->addr);
	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Appends the range boundary (s, vidx, plen) to r. Boundaries arrive in
** non-decreasing order of s; a boundary at the same address as the previous
** one replaces it, and one that changes nothing is dropped. */
static void emit(struct ranges *r, struct u128 s, uint32_t vidx, uint8_t plen)
{
	size_t n = r->n;
	if (n > 0 && cmp128(r->start[n - 1], s) == 0) {
		r->vidx[n - 1] = vidx;
		r->plen[n - 1] = plen;
		return;
	}
	if (n > 0 && r->vidx[n - 1] == vidx && r->plen[n - 1] == plen)
		return;
	r->start[n] = s;
	r->vidx[n] = vidx;
	r->plen[n] = plen;
	r->n = n + 1;
}

struct open6 {
	struct u128 end; /* last address covered */
	uint32_t vidx;
	uint8_t plen;
};

/* Flattens the n prefixes v (values already indices, lengths 0..128 over
** the 128-bit address) into sorted disjoint ranges in r. Sorts v in place.
** Returns 0 or -1 when out of memory (lpm_free() releases what r holds). */
static int build_ranges(struct ranges *r, struct item6 *v, size_t n_in)
{
	/* Sort by (address, length, insertion) and keep the last of each run
	** of equal prefixes: that gives "last wins" and lets the sweep below
	** see an enclosing prefix before the prefixes it encloses. */
	qsort(v, n_in, sizeof(*v), cmp_item6);
	size_t n = 0;
	for (size_t i = 0; i < n_in; i++) {
		if (n > 0 && v[n - 1].len == v[i].len && cmp128(v[n - 1].addr, v[i].addr) == 0)
			n--;
		v[n++] = v[i];
	}

	/* Each prefix opens at most one range and closes at most one, plus
	** the "no prefix" range at address 0. */
	size_t cap = 2 * n + 1;
	r->start = malloc(cap * sizeof(*r->start));
	r->vidx = malloc(cap * sizeof(*r->vidx));
	r->plen = malloc(cap * sizeof(*r->plen));
	if (!r->start || !r->vidx || !r->plen)
		return -1;

	/* Sweep in address order with a stack of the open (enclosing)
	** prefixes. Distinct nested prefixes have strictly increasing
	** lengths, so at most 129 are open at once. */
	struct open6 stack[129];
	size_t sp = 0;
	struct u128 zero = {0, 0};
	emit(r, zero, 0, 0);
	for (size_t i = 0; i < n; i++) {
		const struct item6 *it = &v[i];
		while (sp > 0 && cmp128(stack[sp - 1].end, it->addr) < 0) {
			struct u128 next = stack[--sp].end;
			next.lo++;
			next.hi += next.lo == 0;
			emit(r, next, sp ? stack[sp - 1].vidx : 0, sp ? stack[sp - 1].plen : 0);
		}
		struct open6 o;
		struct u128 m = mask6(it->len);
		o.end.hi = it->addr.hi | ~m.hi;
		o.end.lo = it->addr.lo | ~m.lo;
		o.vidx = (uint32_t)it->value;
		o.plen = it->len;
		emit(r, it->addr, o.vidx, o.plen);
		stack[sp++] = o;
	}
	while (sp > 0) {
		struct u128 next = stack[--sp].end;
		if (next.hi == UINT64_MAX && next.lo == UINT64_MAX)
			continue; /* runs to the end of the address space */
		next.lo++;
		next.hi += next.lo == 0;
		emit(r, next, sp ? stack[sp - 1].vidx : 0, sp ? stack[sp - 1].plen : 0);
	}

	/* The index: about one bucket per range, at most 2^16 of them. */
	r->ibits = 1;
	while (r->ibits < 16 && ((size_t)1 << r->ibits) < r->n)
		r->ibits++;
	size_t nb = (size_t)1 << r->ibits;
	r->idx = malloc((nb + 1) * sizeof(*r->idx));
	if (!r->idx)
		return -1;
	size_t j = 0;
	for (size_t bkt = 0; bkt <= nb; bkt++) {
		while (j < r->n && (r->start[j].hi >> (64 - r->ibits)) < bkt)
			j++;
		r->idx[bkt] = (uint32_t)j;
	}

	/* Give back the slack of the worst-case estimate; failure to shrink
	** is harmless. */
	struct u128 *s = realloc(r->start, r->n * sizeof(*s));
	if (s)
		r->start = s;
	uint32_t *vi = realloc(r->vidx, r->n * sizeof(*vi));
	if (vi)
		r->vidx = vi;
	uint8_t *p = realloc(r->plen, r->n * sizeof(*p));
	if (p)
		r->plen = p;
	return 0;
}

/* The value index and prefix length of the range holding (hi, lo); r must
** hold ranges. */
static uint32_t ranges_find(const struct ranges *r, uint64_t hi, uint64_t lo, unsigned *plen)
{
	size_t bkt = (size_t)(hi >> (64 - r->ibits));
	size_t base = r->idx[bkt];
	size_t n = r->idx[bkt + 1] - base;
	/* Upper bound: the first range start > addr within this bucket.
	** Starts before the bucket are all <= addr and starts after it all >
	** addr, so base ends as the global upper bound; the range at 0
	** guarantees base >= 1. */
	while (n > 0) {
		size_t half = n / 2;
		const struct u128 *s = &r->start[base + half];
		if (s->hi < hi || (s->hi == hi && s->lo <= lo)) {
			base += half + 1;
			n -= half + 1;
		} else {
			n = half;
		}
	}
	size_t i = base - 1;
	if (plen)
		*plen = r->plen[i];
	return r->vidx[i];
}

static void ranges_free(struct ranges *r)
{
	free(r->start);
	free(r->vidx);
	free(r->plen);
	free(r->idx);
}

static size_t ranges_memory(const struct ranges *r)
{
	if (!r->start)
		return 0;
	return r->n * (sizeof(*r->start) + sizeof(*r->vidx) + sizeof(*r->plen)) +
	       (((size_t)1 << r->ibits) + 1) * sizeof(*r->idx);
}

/* IPv4 prefixes of b as ranges: each one an IPv6-shaped item with the
** address in the top 32 bits. Returns 0 or -1 when out of memory. */
static int build4_ranges(struct lpm *t, const struct lpm_builder *b)
{
	struct item6 *v = malloc(b->n4 * sizeof(*v));
	if (!v)
		return -1;
	for (size_t i = 0; i < b->n4; i++) {
		v[i].addr.hi = (uint64_t)b->v4[i].addr << 32;
		v[i].addr.lo = 0;
		v[i].value = b->v4[i].value;
		v[i].seq = (uint32_t)i;
		v[i].len = b->v4[i].len;
	}
	int rc = build_ranges(&t->r4, v, b->n4);
	free(v);
	return rc;
}

/* ---------------------------------------------------------------- IPv4 */

/* Returns the number of a new second-level group whose 256 entries are all
** `fill`, or -1 when out of memory. */
static int64_t new_group(struct lpm *t, uint32_t fill)
{
	if (t->ngroups == t->capgroups) {
		size_t ncap = t->capgroups ? t->capgroups * 2 : 256;
		if (ncap > (size_t)(GROUP_FLAG - 1))
			ncap = (size_t)(GROUP_FLAG - 1);
		if (ncap <= t->ngroups || ncap > SIZE_MAX / (256 * sizeof(uint32_t)))
			return -1;
		uint32_t *p = realloc(t->tbl8, ncap * 256 * sizeof(*p));
		if (!p)
			return -1;
		t->tbl8 = p;
		t->capgroups = ncap;
	}
	uint32_t *g = t->tbl8 + t->ngroups * 256;
	for (size_t i = 0; i < 256; i++)
		g[i] = fill;
	return (int64_t)t->ngroups++;
}

/* Paints the IPv4 prefixes of b into t. Returns 0 or -1 when out of
** memory (t then holds partial tables that lpm_free() releases). */
static int build4(struct lpm *t, const struct lpm_builder *b)
{
	int rc = -1;
	uint32_t *order = NULL;

	if (b->n4 == 0)
		return 0;
	if (b->layout4 == LPM_LAYOUT_RANGES ||
	    (b->layout4 == LPM_LAYOUT_AUTO && b->n4 <= LPM_SMALL4))
		return build4_ranges(t, b);

	/* Stable counting sort by length: shorter prefixes are painted first
	** so longer ones overwrite them, and equal prefixes keep insertion
	** order so the last duplicate wins. */
	size_t start[34] = {0};
	for (size_t i = 0; i < b->n4; i++)
		start[b->v4[i].len + 1]++;
	for (size_t l = 1; l < 34; l++)
		start[l] += start[l - 1];
	order = malloc(b->n4 * sizeof(*order));
	if (!order)
		goto out;
	for (size_t i = 0; i < b->n4; i++)
		order[start[b->v4[i].len]++] = (uint32_t)i;

	t->tbl24 = huge_alloc(TBL24_ENTRIES * sizeof(*t->tbl24));
	if (!t->tbl24)
		goto out;
	memset(t->tbl24, 0, TBL24_ENTRIES * sizeof(*t->tbl24));

	for (size_t k = 0; k < b->n4; k++) {
		const struct item4 *it = &b->v4[order[k]];
		uint32_t e = (uint32_t)it->len << PLEN_SHIFT | (uint32_t)it->value;
		if (it->len <= 24) {
			uint32_t *p = t->tbl24 + (it->addr >> 8);
			size_t n = (size_t)1 << (24 - it->len);
			for (size_t i = 0; i < n; i++)
				p[i] = e;
			continue;
		}
		size_t slot = it->addr >> 8;
		uint32_t cur = t->tbl24[slot];
		size_t g;
		if (cur & GROUP_FLAG) {
			g = cur & ~GROUP_FLAG;
		} else {
			/* The group inherits the covering <= /24 prefix. */
			int64_t ng = new_group(t, cur);
			if (ng < 0)
				goto out;
			g = (size_t)ng;
			t->tbl24[slot] = GROUP_FLAG | (uint32_t)g;
		}
		uint32_t *p = t->tbl8 + g * 256 + (it->addr & 0xff);
		size_t n = (size_t)1 << (32 - it->len);
		for (size_t i = 0; i < n; i++)
			p[i] = e;
	}
	if (t->ngroups > 0 && t->ngroups < t->capgroups) {
		/* Give back the doubling slack; failure to shrink is harmless. */
		uint32_t *p = realloc(t->tbl8, t->ngroups * 256 * sizeof(*p));
		if (p) {
			t->tbl8 = p;
			t->capgroups = t->ngroups;
		}
	}
	rc = 0;
out:
	free(order);
	return rc;
}

void lpm_prefetch4(const struct lpm *t, uint32_t addr)
{
	if (t->tbl24)
		__builtin_prefetch(&t->tbl24[addr >> 8]);
}

uint64_t lpm_lookup4(const struct lpm *t, uint32_t addr, unsigned *plen)
{
	uint32_t e = 0;
	if (t->tbl24) {
		e = t->tbl24[addr >> 8];
		if (e & GROUP_FLAG)
			e = t->tbl8[(size_t)(e & ~GROUP_FLAG) << 8 | (addr & 0xff)];
	} else if (t->r4.start) {
		return t->values[ranges_find(&t->r4, (uint64_t)addr << 32, 0, plen)];
	}
	if (plen)
		*plen = e >> PLEN_SHIFT;
	return t->values[e & VIDX_MASK];
}

/* ---------------------------------------------------------------- IPv6 */

/* Builds the IPv6 ranges of b. Sorts b's IPv6 items in place. Returns 0
** or -1 when out of memory. */
static int build6(struct lpm *t, struct lpm_builder *b)
{
	return b->n6 == 0 ? 0 : build_ranges(&t->r6, b->v6, b->n6);
}

uint64_t lpm_lookup6(const struct lpm *t, const uint8_t addr[16],
		     unsigned *plen)
{
	if (!t->r6.start) {
		if (plen)
			*plen = 0;
		return 0;
	}
	return t->values[ranges_find(&t->r6, load_be64(addr), load_be64(addr + 8), plen)];
}

/* --------------------------------------------------------------- table */

struct lpm *lpm_build(struct lpm_builder *b)
{
	struct lpm *t = NULL;
	bool ok = false;

	if (!b)
		goto out;
	t = calloc(1, sizeof(*t));
	if (!t)
		goto out;
	if (build_values(t, b) || build4(t, b) || build6(t, b))
		goto out;
	ok = true;
out:
	lpm_builder_free(b);
	if (!ok) {
		lpm_free(t);
		t = NULL;
	}
	return t;
}

void lpm_free(struct lpm *t)
{
	if (!t)
		return;
	free(t->tbl24);
	free(t->tbl8);
	free(t->values);
	ranges_free(&t->r4);
	ranges_free(&t->r6);
	free(t);
}

size_t lpm_memory(const struct lpm *t)
{
	if (!t)
		return 0;
	size_t m = sizeof(*t);
	m += t->nvalues * sizeof(*t->values);
	if (t->tbl24)
		m += TBL24_ENTRIES * sizeof(*t->tbl24);
	m += t->capgroups * 256 * sizeof(*t->tbl8);
	return m + ranges_memory(&t->r4) + ranges_memory(&t->r6);
}
