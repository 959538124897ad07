/*
** test_flow_hosts.c — the protected-host table (src/flow/hosts.c): every
** counter of the DDoS detector is indexed by what it returns, so an index
** given twice, or given to an address outside the constituency, would
** charge one host's traffic to another or count the whole Internet.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flow/flow.h"

static struct flow_prefix p4(unsigned a, unsigned b, unsigned c, unsigned d,
			     unsigned len)
{
	struct flow_prefix p = {.family = 4, .len = (uint8_t)len};
	p.addr[0] = (uint8_t)a;
	p.addr[1] = (uint8_t)b;
	p.addr[2] = (uint8_t)c;
	p.addr[3] = (uint8_t)d;
	return p;
}

static struct flow_prefix p6(uint16_t g0, uint16_t g1, uint16_t g2,
			     uint16_t last, unsigned len)
{
	struct flow_prefix p = {.family = 6, .len = (uint8_t)len};
	p.addr[0] = (uint8_t)(g0 >> 8);
	p.addr[1] = (uint8_t)g0;
	p.addr[2] = (uint8_t)(g1 >> 8);
	p.addr[3] = (uint8_t)g1;
	p.addr[4] = (uint8_t)(g2 >> 8);
	p.addr[5] = (uint8_t)g2;
	p.addr[14] = (uint8_t)(last >> 8);
	p.addr[15] = (uint8_t)last;
	return p;
}

static uint32_t look(struct flow_hosts *h, struct flow_prefix a)
{
	return flow_hosts_lookup(h, a.family, a.addr);
}

static void test_v4_nested_and_dense(void **state)
{
	(void)state;
	struct flow_prefix ps[] = {
		p4(10, 0, 0, 0, 24), p4(10, 0, 0, 128, 25), /* nested */
		p4(192, 168, 0, 0, 16), p4(10, 0, 0, 0, 24), /* duplicate */
		p4(172, 16, 5, 77, 32),
	};
	struct perr err;
	struct flow_hosts *h = flow_hosts_build(ps, 5, 0, &err);
	assert_non_null(h);
	/* The nested /25 and the duplicate add no slots. */
	assert_int_equal(flow_hosts_size(h), 256 + 65536 + 1);
	uint8_t seen[256 + 65536 + 1] = {0};
	for (unsigned i = 0; i < 256; i++) {
		uint32_t x = look(h, p4(10, 0, 0, i, 32));
		assert_true(x < flow_hosts_size(h));
		assert_int_equal(seen[x], 0);
		seen[x] = 1;
		uint8_t fam, a[16];
		assert_int_equal(flow_hosts_addr(h, x, &fam, a), 0);
		assert_int_equal(fam, 4);
		assert_memory_equal(a, p4(10, 0, 0, i, 32).addr, 16);
	}
	for (unsigned i = 0; i < 65536; i += 257) {
		uint32_t x = look(h, p4(192, 168, i >> 8, i & 255, 32));
		assert_true(x < flow_hosts_size(h));
		assert_int_equal(seen[x], 0);
		seen[x] = 1;
	}
	assert_int_not_equal(look(h, p4(172, 16, 5, 77, 32)), FLOW_HOST_NONE);
	/* Just outside each prefix. */
	assert_int_equal(look(h, p4(10, 0, 1, 0, 32)), FLOW_HOST_NONE);
	assert_int_equal(look(h, p4(9, 255, 255, 255, 32)), FLOW_HOST_NONE);
	assert_int_equal(look(h, p4(192, 169, 0, 0, 32)), FLOW_HOST_NONE);
	assert_int_equal(look(h, p4(172, 16, 5, 76, 32)), FLOW_HOST_NONE);
	assert_int_equal(look(h, p4(172, 16, 5, 78, 32)), FLOW_HOST_NONE);
	/* An IPv6 address with the same leading bytes is not a v4 host. */
	struct flow_prefix v6 = p4(10, 0, 0, 1, 32);
	assert_int_equal(flow_hosts_lookup(h, 6, v6.addr), FLOW_HOST_NONE);
	assert_int_equal(flow_hosts_overflow(h), 0);
	flow_hosts_free(h);
}

static void test_v6_dense_and_hashed(void **state)
{
	(void)state;
	struct flow_prefix ps[] = {
		p6(0x2001, 0xdb8, 0, 0, 120),      /* 256 dense slots */
		p6(0x2001, 0xdb8, 1, 0, 48),       /* far too big: seen table */
		p6(0x2001, 0xdb8, 1, 0x1234, 128), /* nested in the /48 */
	};
	struct perr err;
	struct flow_hosts *h = flow_hosts_build(ps, 3, 10000, &err);
	assert_non_null(h);
	assert_int_equal(flow_hosts_size(h), 10000);
	uint32_t d = look(h, p6(0x2001, 0xdb8, 0, 0x00ff, 128));
	assert_true(d < 256);
	assert_int_equal(look(h, p6(0x2001, 0xdb8, 0, 0x0100, 128)),
			 FLOW_HOST_NONE);
	uint32_t a = look(h, p6(0x2001, 0xdb8, 1, 0x1234, 128));
	uint32_t b = look(h, p6(0x2001, 0xdb8, 1, 0x9999, 128));
	assert_true(a >= 256 && a < 10000);
	assert_true(b >= 256 && b < 10000);
	assert_int_not_equal(a, b);
	/* The same address finds its slot again; its address reads back. */
	assert_int_equal(look(h, p6(0x2001, 0xdb8, 1, 0x1234, 128)), a);
	uint8_t fam, addr[16];
	assert_int_equal(flow_hosts_addr(h, b, &fam, addr), 0);
	assert_int_equal(fam, 6);
	assert_memory_equal(addr, p6(0x2001, 0xdb8, 1, 0x9999, 128).addr, 16);
	assert_int_equal(flow_hosts_addr(h, d, &fam, addr), 0);
	assert_memory_equal(addr, p6(0x2001, 0xdb8, 0, 0x00ff, 128).addr, 16);
	/* An index never given out has no address. */
	assert_int_equal(flow_hosts_addr(h, 9999, &fam, addr), -1);
	assert_int_equal(look(h, p6(0x2001, 0xdb9, 1, 1, 128)), FLOW_HOST_NONE);
	flow_hosts_free(h);
}

/* The budget bounds the table: a /24 and a /16 under max_hosts 300 leave
** 44 seen-address slots for the /16, then addresses are refused and
** counted; nothing ever maps outside 0..N-1. */
static void test_bounds(void **state)
{
	(void)state;
	struct flow_prefix ps[] = {p4(10, 1, 0, 0, 16), p4(10, 2, 3, 0, 24)};
	struct perr err;
	struct flow_hosts *h = flow_hosts_build(ps, 2, 300, &err);
	assert_non_null(h);
	assert_int_equal(flow_hosts_size(h), 300);
	uint8_t used[300] = {0};
	unsigned given = 0, refused = 0;
	for (unsigned i = 0; i < 100; i++) {
		uint32_t x = look(h, p4(10, 1, i, 7, 32));
		if (x == FLOW_HOST_NONE) {
			refused++;
			continue;
		}
		assert_true(x >= 256 && x < 300);
		assert_int_equal(used[x], 0);
		used[x] = 1;
		given++;
	}
	assert_int_equal(given, 44);
	assert_int_equal(refused, 56);
	assert_int_equal(flow_hosts_overflow(h), 56);
	assert_true(look(h, p4(10, 2, 3, 255, 32)) < 256);
	flow_hosts_free(h);

	/* Bad prefixes are refused with a reason. */
	struct flow_prefix bad = p4(10, 0, 0, 0, 33);
	assert_null(flow_hosts_build(&bad, 1, 0, &err));
	assert_int_equal(err.kind, PERR_INVALID);
	bad.family = 5;
	bad.len = 8;
	assert_null(flow_hosts_build(&bad, 1, 0, &err));
	/* No prefixes: a valid table where nothing is protected. */
	h = flow_hosts_build(NULL, 0, 0, &err);
	assert_non_null(h);
	assert_int_equal(look(h, p4(1, 2, 3, 4, 32)), FLOW_HOST_NONE);
	flow_hosts_free(h);
}

/* A prefix shorter than /16 that fits the budget (a ministry's /15, an
** operator's /13) is dense like a /24: each address its own index, read
** back as itself, one past either end outside. A v6 /110 likewise. */
static void test_short_dense(void **state)
{
	(void)state;
	struct flow_prefix ps[] = {p4(10, 0, 0, 0, 15), p4(100, 64, 0, 0, 13),
				   p6(0x2001, 0xdb8, 7, 0, 110)};
	struct perr err;
	struct flow_hosts *h = flow_hosts_build(ps, 3, 0, &err);
	assert_non_null(h);
	uint32_t n = (1u << 17) + (1u << 19) + (1u << 18);
	assert_int_equal(flow_hosts_size(h), n);
	uint8_t *seen = calloc(n, 1);
	assert_non_null(seen);
	const struct {
		struct flow_prefix first;
		uint32_t size;
	} runs[] = {{p4(10, 0, 0, 0, 32), 1u << 17}, {p4(100, 64, 0, 0, 32), 1u << 19}};
	for (size_t r = 0; r < 2; r++)
		for (uint32_t off = 0; off < runs[r].size; off += 251) {
			struct flow_prefix a = runs[r].first;
			uint32_t x = ((uint32_t)a.addr[0] << 24 | (uint32_t)a.addr[1] << 16) + off;
			for (int i = 0; i < 4; i++)
				a.addr[i] = (uint8_t)(x >> (24 - 8 * i));
			uint32_t idx = look(h, a);
			assert_true(idx < n);
			assert_int_equal(seen[idx], 0);
			seen[idx] = 1;
			uint8_t fam, back[16];
			assert_int_equal(flow_hosts_addr(h, idx, &fam, back), 0);
			assert_int_equal(fam, 4);
			assert_memory_equal(back, a.addr, 16);
		}
	struct flow_prefix v6 = p6(0x2001, 0xdb8, 7, 0, 128);
	v6.addr[13] = 0x03; /* the /110's last 18 bits: 3.ab.cd */
	v6.addr[14] = 0xab;
	v6.addr[15] = 0xcd;
	uint32_t idx = look(h, v6);
	assert_true(idx < n);
	assert_int_equal(seen[idx], 0);
	uint8_t fam, back[16];
	assert_int_equal(flow_hosts_addr(h, idx, &fam, back), 0);
	assert_int_equal(fam, 6);
	assert_memory_equal(back, v6.addr, 16);
	v6.addr[13] = 0x04; /* past the /110 */
	assert_int_equal(look(h, v6), FLOW_HOST_NONE);
	assert_int_equal(look(h, p4(10, 2, 0, 0, 32)), FLOW_HOST_NONE);
	assert_int_equal(look(h, p4(9, 255, 255, 255, 32)), FLOW_HOST_NONE);
	assert_int_equal(look(h, p4(100, 72, 0, 0, 32)), FLOW_HOST_NONE);
	assert_int_equal(look(h, p4(100, 63, 255, 255, 32)), FLOW_HOST_NONE);
	assert_int_equal(flow_hosts_overflow(h), 0); /* none went to the seen table */
	free(seen);
	flow_hosts_free(h);
}

/* The /24 blocks run out (4,096) partway: 4,095 /24s in /16s of their
** own take all but one, then a /14 needs four. It must get all four or
** none (the LPM answers), never some: a block of its own with every /24
** "nothing protected" would leave a quarter of the /14 uncounted. */
static void test_blocks_run_out(void **state)
{
	(void)state;
	size_t n = 4096;
	struct flow_prefix *ps = calloc(n, sizeof *ps);
	assert_non_null(ps);
	for (size_t i = 0; i < 4095; i++)
		ps[i] = p4(20 + (unsigned)(i >> 8), (unsigned)(i & 255), 0, 0, 24);
	ps[4095] = p4(100, 0, 0, 0, 14);
	struct perr err;
	struct flow_hosts *h = flow_hosts_build(ps, n, 2000000, &err);
	assert_non_null(h);
	uint8_t *seen = calloc(flow_hosts_size(h), 1);
	assert_non_null(seen);
	for (uint32_t off = 0; off < (1u << 18); off += 97) {
		uint32_t x = (100u << 24) + off;
		uint32_t idx = look(h, p4(x >> 24, (x >> 16) & 255, (x >> 8) & 255, x & 255, 32));
		assert_true(idx < flow_hosts_size(h));
		assert_int_equal(seen[idx], 0);
		seen[idx] = 1;
	}
	assert_true(look(h, p4(20, 7, 0, 9, 32)) < flow_hosts_size(h));
	assert_int_equal(look(h, p4(100, 4, 0, 0, 32)), FLOW_HOST_NONE);
	free(seen);
	free(ps);
	flow_hosts_free(h);
}

/* A million-host budget of /24s: dense and within bounds. */
static void test_million(void **state)
{
	(void)state;
	size_t n = 3906; /* 3906 x 256 = 999,936 hosts */
	struct flow_prefix *ps = calloc(n, sizeof *ps);
	assert_non_null(ps);
	for (size_t i = 0; i < n; i++)
		ps[i] = p4(100, (unsigned)(i >> 8), (unsigned)(i & 255), 0, 24);
	struct perr err;
	struct flow_hosts *h = flow_hosts_build(ps, n, 0, &err);
	assert_non_null(h);
	assert_int_equal(flow_hosts_size(h), 999936);
	uint32_t last = look(h, p4(100, 15, 65, 255, 32));
	assert_true(last < 999936);
	assert_int_equal(look(h, p4(100, 15, 66, 0, 32)), FLOW_HOST_NONE);
	assert_true(flow_hosts_memory(h) < 1u << 20);
	free(ps);
	flow_hosts_free(h);
}

/* More /16s than the direct table has blocks for: the rest are answered
** by the prefix search, with the same answers. */
static void test_many_slash16(void **state)
{
	(void)state;
	size_t n = 5000;
	struct flow_prefix *ps = calloc(n, sizeof *ps);
	assert_non_null(ps);
	for (size_t i = 0; i < n; i++)
		ps[i] = p4(20 + (unsigned)(i >> 8), (unsigned)(i & 255), 7, 0,
			   i % 3 ? 24 : 28);
	struct perr err;
	struct flow_hosts *h = flow_hosts_build(ps, n, 0, &err);
	assert_non_null(h);
	uint8_t *seen = calloc(flow_hosts_size(h), 1);
	for (size_t i = 0; i < n; i++) {
		unsigned a = 20 + (unsigned)(i >> 8), b = (unsigned)(i & 255);
		uint32_t x = look(h, p4(a, b, 7, 9, 32));
		assert_true(x < flow_hosts_size(h));
		assert_int_equal(seen[x], 0);
		seen[x] = 1;
		/* past a /28's end, and the /24 next door */
		assert_int_equal(look(h, p4(a, b, 7, 16, 32)) == FLOW_HOST_NONE,
				 i % 3 == 0);
		assert_int_equal(look(h, p4(a, b, 8, 9, 32)), FLOW_HOST_NONE);
	}
	free(seen);
	free(ps);
	flow_hosts_free(h);
}

/* Hosts listed one by one (a constituency's servers as /32s), as many as
** the budget: every /24 that holds them gets a per-address leaf while
** leaves last (V4_LEAVES, 16,384), the rest are answered by the prefix
** search, with the same answers either way: each listed address its own
** index, its neighbours not protected, the index back to the address. A
** /26, a /30 and a /32 share one /24 beside them. */
static void test_slash32s(void **state)
{
	(void)state;
	size_t n1 = 500000, n2 = 20000, n = n1 + n2 + 3;
	struct flow_prefix *ps = calloc(n, sizeof *ps);
	assert_non_null(ps);
	for (size_t i = 0; i < n1; i++) { /* every other address from 30.0.0.0 */
		uint32_t x = (uint32_t)(2 * i);
		ps[i] = p4(30, (x >> 16) & 255, (x >> 8) & 255, x & 255, 32);
	}
	for (size_t j = 0; j < n2; j++) /* one in each of 20,000 /24s */
		ps[n1 + j] = p4(40, (unsigned)(j >> 8), (unsigned)(j & 255), 1, 32);
	ps[n1 + n2] = p4(50, 0, 0, 0, 26);
	ps[n1 + n2 + 1] = p4(50, 0, 0, 64, 30);
	ps[n1 + n2 + 2] = p4(50, 0, 0, 77, 32);
	struct perr err;
	struct flow_hosts *h = flow_hosts_build(ps, n, 0, &err);
	assert_non_null(h);
	assert_int_equal(flow_hosts_size(h), n1 + n2 + 64 + 4 + 1);
	uint8_t *seen = calloc(flow_hosts_size(h), 1);
	assert_non_null(seen);
	for (size_t i = 0; i < n1 + n2; i++) {
		const struct flow_prefix *q = &ps[i];
		uint32_t x = look(h, *q);
		assert_true(x < flow_hosts_size(h));
		assert_int_equal(seen[x], 0);
		seen[x] = 1;
		struct flow_prefix next = *q;
		next.addr[3]++; /* the odd neighbour, or .2 of a 40.x.y.0/24 */
		assert_int_equal(look(h, next), FLOW_HOST_NONE);
		if (i % 997 == 0 || i >= n1) {
			uint8_t fam, a[16];
			assert_int_equal(flow_hosts_addr(h, x, &fam, a), 0);
			assert_int_equal(fam, 4);
			assert_memory_equal(a, q->addr, 16);
		}
	}
	assert_int_not_equal(look(h, p4(50, 0, 0, 63, 32)), FLOW_HOST_NONE);
	assert_int_not_equal(look(h, p4(50, 0, 0, 67, 32)), FLOW_HOST_NONE);
	assert_int_equal(look(h, p4(50, 0, 0, 68, 32)), FLOW_HOST_NONE);
	assert_int_not_equal(look(h, p4(50, 0, 0, 77, 32)), FLOW_HOST_NONE);
	assert_int_equal(look(h, p4(50, 0, 0, 76, 32)), FLOW_HOST_NONE);
	assert_int_equal(look(h, p4(50, 0, 0, 128, 32)), FLOW_HOST_NONE);
	assert_int_equal(look(h, p4(40, 0, 0, 0, 32)), FLOW_HOST_NONE);
	assert_int_equal(flow_hosts_overflow(h), 0);
	free(seen);
	free(ps);
	flow_hosts_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_nested_and_dense),
		cmocka_unit_test(test_v6_dense_and_hashed),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_short_dense),
		cmocka_unit_test(test_blocks_run_out),
		cmocka_unit_test(test_million),
		cmocka_unit_test(test_slash32s),
		cmocka_unit_test(test_many_slash16),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
