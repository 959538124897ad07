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
**
** IPv6 uses a sorted range table. Nested prefixes are flattened into
** disjoint address ranges, each described by its first address and the
** prefix that owns it; a lookup finds the last range start <= the address.
** A 2^16-entry index on the top 16 bits narrows the binary search to the
** ranges of one /16. This costs ~20 bytes per prefix, where a multibit trie
** over random /48s would cost kilobytes per prefix, and is far simpler to
** get right; IPv6 lookups are rarer than IPv4 ones in our feeds.
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
};

struct lpm {
	/* IPv4: tbl24 is NULL when no IPv4 prefix was added. */
	uint32_t *tbl24;
	uint32_t *tbl8; /* ngroups * 256 entries */
	size_t ngroups, capgroups;

	/* Shared values; values[0] == 0. */
	uint64_t *values;
	size_t nvalues;

	/* IPv6: nranges ranges, range i covers [start6[i], start6[i+1]).
	** idx6[b] is the first range whose start has top 16 bits >= b, for
	** b in 0..65536. All NULL when no IPv6 prefix was added. */
	struct u128 *start6;
	uint32_t *vidx6;
	uint8_t *plen6;
	uint32_t *idx6;
	size_t nranges;
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
	}
	if (plen)
		*plen = e >> PLEN_SHIFT;
	return t->values[e & VIDX_MASK];
}

/* ---------------------------------------------------------------- IPv6 */

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

/* Appends the range boundary (s, vidx, plen) to t. Boundaries arrive in
** non-decreasing order of s; a boundary at the same address as the previous
** one replaces it, and one that changes nothing is dropped. */
static void emit6(struct lpm *t, struct u128 s, uint32_t vidx, uint8_t plen)
{
	size_t n = t->nranges;
	if (n > 0 && cmp128(t->start6[n - 1], s) == 0) {
		t->vidx6[n - 1] = vidx;
		t->plen6[n - 1] = plen;
		return;
	}
	if (n > 0 && t->vidx6[n - 1] == vidx && t->plen6[n - 1] == plen)
		return;
	t->start6[n] = s;
	t->vidx6[n] = vidx;
	t->plen6[n] = plen;
	t->nranges = n + 1;
}

struct open6 {
	struct u128 end; /* last address covered */
	uint32_t vidx;
	uint8_t plen;
};

/* Flattens the IPv6 prefixes of b into sorted disjoint ranges. Sorts b's
** IPv6 items in place. Returns 0 or -1 when out of memory. */
static int build6(struct lpm *t, struct lpm_builder *b)
{
	int rc = -1;

	if (b->n6 == 0)
		return 0;

	/* Sort by (address, length, insertion) and keep the last of each run
	** of equal prefixes: that gives "last wins" and lets the sweep below
	** see an enclosing prefix before the prefixes it encloses. */
	qsort(b->v6, b->n6, sizeof(*b->v6), cmp_item6);
	size_t n = 0;
	for (size_t i = 0; i < b->n6; i++) {
		if (n > 0 && b->v6[n - 1].len == b->v6[i].len &&
		    cmp128(b->v6[n - 1].addr, b->v6[i].addr) == 0)
			n--;
		b->v6[n++] = b->v6[i];
	}

	/* Each prefix opens at most one range and closes at most one, plus
	** the "no prefix" range at address 0. */
	size_t cap = 2 * n + 1;
	t->start6 = malloc(cap * sizeof(*t->start6));
	t->vidx6 = malloc(cap * sizeof(*t->vidx6));
	t->plen6 = malloc(cap * sizeof(*t->plen6));
	t->idx6 = malloc(65537 * sizeof(*t->idx6));
	if (!t->start6 || !t->vidx6 || !t->plen6 || !t->idx6)
		goto out; /* lpm_free() releases what was allocated */

	/* Sweep in address order with a stack of the open (enclosing)
	** prefixes. Distinct nested prefixes have strictly increasing
	** lengths, so at most 129 are open at once. */
	struct open6 stack[129];
	size_t sp = 0;
	struct u128 zero = {0, 0};
	emit6(t, zero, 0, 0);
	for (size_t i = 0; i < n; i++) {
		const struct item6 *it = &b->v6[i];
		while (sp > 0 && cmp128(stack[sp - 1].end, it->addr) < 0) {
			struct u128 next = stack[--sp].end;
			next.lo++;
			next.hi += next.lo == 0;
			emit6(t, next, sp ? stack[sp - 1].vidx : 0,
			      sp ? stack[sp - 1].plen : 0);
		}
		struct open6 o;
		struct u128 m = mask6(it->len);
		o.end.hi = it->addr.hi | ~m.hi;
		o.end.lo = it->addr.lo | ~m.lo;
		o.vidx = (uint32_t)it->value;
		o.plen = it->len;
		emit6(t, it->addr, o.vidx, o.plen);
		stack[sp++] = o;
	}
	while (sp > 0) {
		struct u128 next = stack[--sp].end;
		if (next.hi == UINT64_MAX && next.lo == UINT64_MAX)
			continue; /* runs to the end of the address space */
		next.lo++;
		next.hi += next.lo == 0;
		emit6(t, next, sp ? stack[sp - 1].vidx : 0,
		      sp ? stack[sp - 1].plen : 0);
	}

	size_t j = 0;
	for (size_t bkt = 0; bkt <= 65536; bkt++) {
		while (j < t->nranges && (t->start6[j].hi >> 48) < bkt)
			j++;
		t->idx6[bkt] = (uint32_t)j;
	}

	/* Give back the slack of the worst-case estimate; failure to shrink
	** is harmless. */
	struct u128 *s = realloc(t->start6, t->nranges * sizeof(*s));
	if (s)
		t->start6 = s;
	uint32_t *v = realloc(t->vidx6, t->nranges * sizeof(*v));
	if (v)
		t->vidx6 = v;
	uint8_t *p = realloc(t->plen6, t->nranges * sizeof(*p));
	if (p)
		t->plen6 = p;
	rc = 0;
out:
	return rc;
}

uint64_t lpm_lookup6(const struct lpm *t, const uint8_t addr[16],
		     unsigned *plen)
{
	if (!t->start6) {
		if (plen)
			*plen = 0;
		return 0;
	}
	uint64_t hi = load_be64(addr), lo = load_be64(addr + 8);
	size_t bkt = (size_t)(hi >> 48);
	size_t base = t->idx6[bkt];
	size_t n = t->idx6[bkt + 1] - base;
	/* Upper bound: the first range start > addr within this /16. Starts
	** before the bucket are all <= addr and starts after it all > addr,
	** so base ends as the global upper bound; the range at 0 guarantees
	** base >= 1. */
	while (n > 0) {
		size_t half = n / 2;
		const struct u128 *s = &t->start6[base + half];
		if (s->hi < hi || (s->hi == hi && s->lo <= lo)) {
			base += half + 1;
			n -= half + 1;
		} else {
			n = half;
		}
	}
	size_t i = base - 1;
	if (plen)
		*plen = t->plen6[i];
	return t->values[t->vidx6[i]];
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
	free(t->start6);
	free(t->vidx6);
	free(t->plen6);
	free(t->idx6);
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
	if (t->start6)
		m += t->nranges * (sizeof(*t->start6) + sizeof(*t->vidx6) +
				   sizeof(*t->plen6)) +
		     65537 * sizeof(*t->idx6);
	return m;
}
