/*
** bench/lpm.c — throughput of the longest-prefix-match tables.
**
** Generates a synthetic constituency of random prefixes (70% IPv4 with a
** length mix shaped like a routing table — most at /24, many /16-/23, some
** longer than /24 — and 30% IPv6 in 2000::/3, most at /48 and /32-/64),
** times building the table, then times random IPv4 and IPv6 lookups on one
** core. To put the IPv4 figure in context it also measures dependent random
** reads through a 256 MiB pointer chain: each read must wait for the one
** before, so that rate is the DRAM latency floor, the speed of a lookup
** structure that needed one uncached access per address and could not
** overlap them. Independent lookups can overlap, so a ratio above 1 is
** possible and expected.
**
** Usage: bench_lpm [prefixes [lookups]]   (defaults 1000000 10000000)
** Prints only the "bench ..." lines on stdout; the checksum that keeps the
** compiler from discarding the work goes to stderr.
*/
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 /* clock_gettime() and madvise() under -std=c17 */
#endif

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "lpm.h"

#define CHASE_BYTES ((size_t)256 << 20)
#define HUGE_ALIGN ((size_t)2 << 20)

static uint64_t rng_state = UINT64_C(0x5eed1e55);

/* splitmix64: fast, fixed seed, so runs are comparable. */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Parses a positive decimal count; returns 0 on success. */
static int parse_count(const char *s, size_t *out)
{
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end != '\0' || v == 0 || s[0] == '-' ||
	    v > SIZE_MAX / 64)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* Picks a length from a table of (length, weight per mille). */
struct lenw {
	unsigned len;
	unsigned w;
};

static const struct lenw v4_lengths[] = {
	{8, 1},    {9, 1},   {10, 1},  {11, 2},  {12, 3},  {13, 5},
	{14, 7},   {15, 10}, {16, 20}, {17, 10}, {18, 20}, {19, 35},
	{20, 45},  {21, 50}, {22, 100}, {23, 80}, {24, 540}, {25, 15},
	{26, 12},  {27, 10}, {28, 8},  {29, 8},  {30, 7},  {31, 2},
	{32, 8},
};

static const struct lenw v6_lengths[] = {
	{20, 3},  {24, 5},  {28, 7},  {29, 30}, {32, 100}, {33, 10},
	{36, 15}, {40, 30}, {44, 40}, {46, 20}, {47, 20},  {48, 450},
	{52, 20}, {56, 100}, {60, 30}, {64, 90}, {96, 10},  {112, 5},
	{128, 15},
};

static unsigned pick_len(const struct lenw *t, size_t n)
{
	unsigned total = 0;
	for (size_t i = 0; i < n; i++)
		total += t[i].w;
	unsigned r = (unsigned)(rnd() % total);
	for (size_t i = 0; i < n; i++) {
		if (r < t[i].w)
			return t[i].len;
		r -= t[i].w;
	}
	return t[n - 1].len;
}

/* Allocates bytes aligned for huge pages and asks for them, the same
** treatment the IPv4 table gets, so the DRAM floor is not inflated by TLB
** misses the table does not suffer. */
static void *huge_alloc(size_t bytes)
{
	void *p = aligned_alloc(HUGE_ALIGN, bytes);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
	if (p)
		(void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}

struct pfx {
	uint8_t addr[16];
	unsigned len;
	int family;
	uint64_t value;
};

int main(int argc, char **argv)
{
	int rc = 1;
	size_t nprefix = 1000000, nlookup = 10000000;
	struct pfx *pf = NULL;
	uint32_t *a4 = NULL;
	uint8_t (*a6)[16] = NULL;
	size_t *chain = NULL;
	struct lpm *t = NULL;
	size_t n6 = 0;

	if ((argc > 1 && parse_count(argv[1], &nprefix)) ||
	    (argc > 2 && parse_count(argv[2], &nlookup)) || argc > 3) {
		fprintf(stderr, "usage: %s [prefixes [lookups]]\n", argv[0]);
		goto out;
	}

	/* ---- generate prefixes; values are organisation ids from a pool
	** the size of a national constituency. */
	pf = calloc(nprefix, sizeof(*pf));
	if (!pf)
		goto nomem;
	for (size_t i = 0; i < nprefix; i++) {
		struct pfx *p = &pf[i];
		p->value = 1 + rnd() % 50000;
		if (rnd() % 100 < 70) {
			p->family = 4;
			p->len = pick_len(v4_lengths,
					  sizeof(v4_lengths) / sizeof(v4_lengths[0]));
			uint32_t a = (uint32_t)rnd();
			for (int k = 0; k < 4; k++)
				p->addr[k] = (uint8_t)(a >> (24 - 8 * k));
		} else {
			p->family = 6;
			p->len = pick_len(v6_lengths,
					  sizeof(v6_lengths) / sizeof(v6_lengths[0]));
			uint64_t hi = rnd(), lo = rnd();
			hi = (hi & (UINT64_MAX >> 3)) | (UINT64_C(1) << 61);
			for (int k = 0; k < 8; k++) {
				p->addr[k] = (uint8_t)(hi >> (56 - 8 * k));
				p->addr[8 + k] = (uint8_t)(lo >> (56 - 8 * k));
			}
			n6++;
		}
		/* Clear host bits as a validating caller would. */
		unsigned bits = p->family == 4 ? 32 : 128;
		for (unsigned bit = p->len; bit < bits; bit++)
			p->addr[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
	}

	/* ---- build: the caller's cost, from adding to a usable table. */
	double t0 = now();
	struct lpm_builder *b = lpm_builder_new();
	if (!b)
		goto nomem;
	for (size_t i = 0; i < nprefix; i++) {
		if (lpm_builder_add(b, pf[i].family, pf[i].addr, pf[i].len,
				    pf[i].value)) {
			lpm_builder_free(b);
			goto nomem;
		}
	}
	t = lpm_build(b);
	double t1 = now();
	if (!t)
		goto nomem;
	printf("bench lpm_build: %.3f s\n", t1 - t0);
	printf("bench lpm_memory: %.1f MiB\n",
	       (double)lpm_memory(t) / (1024.0 * 1024.0));

	/* ---- IPv4: uniformly random addresses, generated beforehand. */
	a4 = malloc(nlookup * sizeof(*a4));
	if (!a4)
		goto nomem;
	for (size_t i = 0; i < nlookup; i++)
		a4[i] = (uint32_t)rnd();
	uint64_t sum = 0;
	t0 = now();
	for (size_t i = 0; i < nlookup; i++)
		sum += lpm_lookup4(t, a4[i], NULL);
	t1 = now();
	double rate4 = (double)nlookup / (t1 - t0);
	printf("bench lpm_lookup4: %.2f Mlookups/s\n", rate4 / 1e6);

	/* ---- IPv6: addresses inside random table prefixes (host bits
	** random), since uniform addresses would almost all miss at the
	** first step. A quarter as many lookups: they are slower. */
	size_t nl6 = nlookup / 4 ? nlookup / 4 : 1;
	double rate6 = 0;
	if (n6 > 0) {
		a6 = malloc(nl6 * sizeof(*a6));
		if (!a6)
			goto nomem;
		for (size_t i = 0; i < nl6; i++) {
			const struct pfx *p;
			do
				p = &pf[rnd() % nprefix];
			while (p->family != 6);
			for (int k = 0; k < 16; k++) {
				unsigned keep = p->len > 8u * (unsigned)k
					? p->len - 8u * (unsigned)k : 0;
				uint8_t m = keep >= 8 ? 0xff
					: (uint8_t)(0xff00u >> keep);
				a6[i][k] = (uint8_t)((p->addr[k] & m) |
						     ((uint8_t)rnd() & ~m));
			}
		}
		t0 = now();
		for (size_t i = 0; i < nl6; i++)
			sum += lpm_lookup6(t, a6[i], NULL);
		t1 = now();
		rate6 = (double)nl6 / (t1 - t0);
	}
	printf("bench lpm_lookup6: %.2f Mlookups/s\n", rate6 / 1e6);

	/* ---- DRAM floor: one random cycle through all slots (Sattolo's
	** shuffle), so the walk never settles into a cached sub-cycle. */
	size_t nslots = CHASE_BYTES / sizeof(*chain);
	chain = huge_alloc(CHASE_BYTES);
	if (!chain)
		goto nomem;
	for (size_t i = 0; i < nslots; i++)
		chain[i] = i;
	for (size_t i = nslots - 1; i > 0; i--) {
		size_t j = (size_t)(rnd() % i);
		size_t tmp = chain[i];
		chain[i] = chain[j];
		chain[j] = tmp;
	}
	size_t steps = nlookup, pos = 0;
	t0 = now();
	for (size_t i = 0; i < steps; i++)
		pos = chain[pos];
	t1 = now();
	double rate_dram = (double)steps / (t1 - t0);
	sum += pos;
	printf("bench lpm_dram_dependent: %.2f Maccesses/s\n", rate_dram / 1e6);
	printf("bench lpm_lookup4: %.2f x dram_dependent_access\n",
	       rate4 / rate_dram);
	fprintf(stderr, "checksum %llu\n", (unsigned long long)sum);
	rc = 0;
	goto out;
nomem:
	fprintf(stderr, "bench_lpm: out of memory\n");
out:
	lpm_free(t);
	free(chain);
	free(a6);
	free(a4);
	free(pf);
	return rc;
}
