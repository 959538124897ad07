/*
** test_lpm.c — unit tests for the longest-prefix-match tables.
**
** The hand-written cases pin down the edges where DIR-24-8 and range tables
** usually break: the /0 route, nested prefixes added in any order, the first
** and last address of a prefix and their neighbours just outside, prefixes
** longer than /24 that live in second-level groups, odd IPv6 lengths and the
** ends of the address space. The randomized cases then compare every lookup
** with a linear scan over the same prefixes (fixed seed, so a failure is
** reproducible), which catches what the hand-written cases did not think of.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lpm.h"

/* ------------------------------------------------------------- helpers */

static uint32_t ip4(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d;
}

static void add4(struct lpm_builder *b, uint32_t addr, unsigned len,
		 uint64_t value)
{
	uint8_t raw[4] = {(uint8_t)(addr >> 24), (uint8_t)(addr >> 16),
			  (uint8_t)(addr >> 8), (uint8_t)addr};
	assert_int_equal(lpm_builder_add(b, 4, raw, len, value), 0);
}

/* An IPv6 address from its eight 16-bit groups. */
struct a6 {
	uint8_t b[16];
};

static struct a6 ip6(unsigned g0, unsigned g1, unsigned g2, unsigned g3,
		     unsigned g4, unsigned g5, unsigned g6, unsigned g7)
{
	unsigned g[8] = {g0, g1, g2, g3, g4, g5, g6, g7};
	struct a6 a;
	for (int i = 0; i < 8; i++) {
		a.b[2 * i] = (uint8_t)(g[i] >> 8);
		a.b[2 * i + 1] = (uint8_t)g[i];
	}
	return a;
}

static void add6(struct lpm_builder *b, struct a6 a, unsigned len,
		 uint64_t value)
{
	assert_int_equal(lpm_builder_add(b, 6, a.b, len, value), 0);
}

static void expect4(const struct lpm *t, uint32_t addr, uint64_t value,
		    unsigned len)
{
	unsigned plen = 999;
	assert_int_equal(lpm_lookup4(t, addr, &plen), value);
	assert_int_equal(plen, len);
	assert_int_equal(lpm_lookup4(t, addr, NULL), value);
}

static void expect6(const struct lpm *t, struct a6 a, uint64_t value,
		    unsigned len)
{
	unsigned plen = 999;
	assert_int_equal(lpm_lookup6(t, a.b, &plen), value);
	assert_int_equal(plen, len);
	assert_int_equal(lpm_lookup6(t, a.b, NULL), value);
}

/* splitmix64: small, fast and good enough for test data. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* --------------------------------------------------------------- cases */

static void test_bad_arguments(void **state)
{
	(void)state;
	uint8_t a[16] = {10};
	assert_int_equal(lpm_builder_add(NULL, 4, a, 8, 1), -1);
	struct lpm_builder *b = lpm_builder_new();
	assert_non_null(b);
	assert_int_equal(lpm_builder_add(b, 4, NULL, 8, 1), -1);
	assert_int_equal(lpm_builder_add(b, 4, a, 8, 0), -1);
	assert_int_equal(lpm_builder_add(b, 4, a, 33, 1), -1);
	assert_int_equal(lpm_builder_add(b, 6, a, 129, 1), -1);
	assert_int_equal(lpm_builder_add(b, 5, a, 8, 1), -1);
	assert_int_equal(lpm_builder_add(b, 0, a, 8, 1), -1);
	/* The builder stays usable after rejected calls. */
	assert_int_equal(lpm_builder_add(b, 4, a, 32, 1), 0);
	assert_int_equal(lpm_builder_add(b, 6, a, 128, 2), 0);
	struct lpm *t = lpm_build(b);
	assert_non_null(t);
	expect4(t, ip4(10, 0, 0, 0), 1, 32);
	expect4(t, ip4(10, 0, 0, 1), 0, 0);
	lpm_free(t);

	assert_null(lpm_build(NULL));
	lpm_free(NULL);
	lpm_builder_free(NULL);
	lpm_builder_free(lpm_builder_new());
	assert_int_equal(lpm_memory(NULL), 0);
}

static void test_empty(void **state)
{
	(void)state;
	struct lpm *t = lpm_build(lpm_builder_new());
	assert_non_null(t);
	expect4(t, 0, 0, 0);
	expect4(t, ip4(10, 1, 2, 3), 0, 0);
	expect4(t, UINT32_MAX, 0, 0);
	expect6(t, ip6(0, 0, 0, 0, 0, 0, 0, 0), 0, 0);
	expect6(t, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), 0, 0);
	/* No first-level table is allocated for an empty family. */
	assert_true(lpm_memory(t) > 0);
	assert_true(lpm_memory(t) < 4096);
	lpm_free(t);
}

static void test_default_route4(void **state)
{
	(void)state;
	struct lpm_builder *b = lpm_builder_new();
	add4(b, 0, 0, 7);
	add4(b, ip4(10, 0, 0, 0), 8, 8);
	struct lpm *t = lpm_build(b);
	assert_non_null(t);
	expect4(t, 0, 7, 0);
	expect4(t, UINT32_MAX, 7, 0);
	expect4(t, ip4(9, 255, 255, 255), 7, 0);
	expect4(t, ip4(10, 0, 0, 0), 8, 8);
	expect4(t, ip4(10, 255, 255, 255), 8, 8);
	expect4(t, ip4(11, 0, 0, 0), 7, 0);
	/* Families are separate: a v4 default route says nothing about v6. */
	expect6(t, ip6(0, 0, 0, 0, 0, 0, 0, 0), 0, 0);
	/* two prefixes are not worth the 64 MiB first level of DIR-24-8 */
	assert_true(lpm_memory(t) < 4096);
	lpm_free(t);
}

static void test_nested4(void **state)
{
	(void)state;
	struct lpm_builder *b = lpm_builder_new();
	/* Deliberately not in length order. */
	add4(b, ip4(10, 1, 2, 0), 24, 24);
	add4(b, ip4(10, 1, 2, 3), 32, 32);
	add4(b, ip4(10, 0, 0, 0), 8, 8);
	add4(b, ip4(10, 1, 0, 0), 16, 16);
	struct lpm *t = lpm_build(b);
	assert_non_null(t);
	expect4(t, ip4(10, 1, 2, 3), 32, 32);
	expect4(t, ip4(10, 1, 2, 2), 24, 24);
	expect4(t, ip4(10, 1, 2, 4), 24, 24);
	expect4(t, ip4(10, 1, 2, 0), 24, 24);
	expect4(t, ip4(10, 1, 2, 255), 24, 24);
	expect4(t, ip4(10, 1, 3, 0), 16, 16);
	expect4(t, ip4(10, 1, 1, 255), 16, 16);
	expect4(t, ip4(10, 1, 255, 255), 16, 16);
	expect4(t, ip4(10, 2, 0, 0), 8, 8);
	expect4(t, ip4(10, 0, 255, 255), 8, 8);
	expect4(t, ip4(11, 0, 0, 0), 0, 0);
	expect4(t, ip4(9, 255, 255, 255), 0, 0);
	lpm_free(t);
}

static void test_boundaries4(void **state)
{
	(void)state;
	struct lpm_builder *b = lpm_builder_new();
	add4(b, ip4(192, 168, 0, 0), 16, 1);
	add4(b, ip4(172, 16, 5, 0), 24, 2);
	add4(b, ip4(128, 0, 0, 0), 1, 3);
	add4(b, ip4(0, 0, 0, 0), 32, 4);
	add4(b, ip4(255, 255, 255, 255), 32, 5);
	add4(b, ip4(100, 64, 0, 0), 10, 6);
	add4(b, ip4(203, 0, 113, 7), 32, 7);
	struct lpm *t = lpm_build(b);
	assert_non_null(t);

	expect4(t, ip4(192, 168, 0, 0), 1, 16);
	expect4(t, ip4(192, 168, 255, 255), 1, 16);
	expect4(t, ip4(192, 167, 255, 255), 3, 1);
	expect4(t, ip4(192, 169, 0, 0), 3, 1);

	expect4(t, ip4(172, 16, 5, 0), 2, 24);
	expect4(t, ip4(172, 16, 5, 255), 2, 24);
	expect4(t, ip4(172, 16, 4, 255), 3, 1);
	expect4(t, ip4(172, 16, 6, 0), 3, 1);

	expect4(t, ip4(128, 0, 0, 0), 3, 1);
	expect4(t, ip4(127, 255, 255, 255), 0, 0);

	expect4(t, 0, 4, 32);
	expect4(t, 1, 0, 0);
	expect4(t, UINT32_MAX, 5, 32);
	expect4(t, UINT32_MAX - 1, 3, 1);

	/* /10 is not byte aligned: 100.64.0.0 - 100.127.255.255. */
	expect4(t, ip4(100, 64, 0, 0), 6, 10);
	expect4(t, ip4(100, 127, 255, 255), 6, 10);
	expect4(t, ip4(100, 63, 255, 255), 0, 0);
	expect4(t, ip4(100, 128, 0, 0), 0, 0);

	expect4(t, ip4(203, 0, 113, 7), 7, 32);
	expect4(t, ip4(203, 0, 113, 6), 3, 1);
	expect4(t, ip4(203, 0, 113, 8), 3, 1);
	lpm_free(t);
}

static void test_second_level4(void **state)
{
	(void)state;
	struct lpm_builder *b = lpm_builder_new();
	/* A ladder /25../32 inside one /24, added longest first. */
	add4(b, ip4(198, 51, 100, 255), 32, 32);
	add4(b, ip4(198, 51, 100, 254), 31, 31);
	add4(b, ip4(198, 51, 100, 252), 30, 30);
	add4(b, ip4(198, 51, 100, 248), 29, 29);
	add4(b, ip4(198, 51, 100, 240), 28, 28);
	add4(b, ip4(198, 51, 100, 224), 27, 27);
	add4(b, ip4(198, 51, 100, 192), 26, 26);
	add4(b, ip4(198, 51, 100, 128), 25, 25);
	add4(b, ip4(198, 51, 100, 0), 24, 24);
	add4(b, ip4(198, 0, 0, 0), 8, 8);
	/* A /25 with no covering /24 but a covering /8, and one with no
	** covering prefix at all. */
	add4(b, ip4(198, 51, 101, 0), 25, 125);
	add4(b, ip4(11, 22, 33, 128), 25, 225);
	struct lpm *t = lpm_build(b);
	assert_non_null(t);

	expect4(t, ip4(198, 51, 100, 0), 24, 24);
	expect4(t, ip4(198, 51, 100, 127), 24, 24);
	expect4(t, ip4(198, 51, 100, 128), 25, 25);
	expect4(t, ip4(198, 51, 100, 191), 25, 25);
	expect4(t, ip4(198, 51, 100, 192), 26, 26);
	expect4(t, ip4(198, 51, 100, 223), 26, 26);
	expect4(t, ip4(198, 51, 100, 224), 27, 27);
	expect4(t, ip4(198, 51, 100, 239), 27, 27);
	expect4(t, ip4(198, 51, 100, 240), 28, 28);
	expect4(t, ip4(198, 51, 100, 247), 28, 28);
	expect4(t, ip4(198, 51, 100, 248), 29, 29);
	expect4(t, ip4(198, 51, 100, 251), 29, 29);
	expect4(t, ip4(198, 51, 100, 252), 30, 30);
	expect4(t, ip4(198, 51, 100, 253), 30, 30);
	expect4(t, ip4(198, 51, 100, 254), 31, 31);
	expect4(t, ip4(198, 51, 100, 255), 32, 32);
	expect4(t, ip4(198, 51, 99, 255), 8, 8);

	expect4(t, ip4(198, 51, 101, 0), 125, 25);
	expect4(t, ip4(198, 51, 101, 127), 125, 25);
	expect4(t, ip4(198, 51, 101, 128), 8, 8);
	expect4(t, ip4(198, 51, 102, 0), 8, 8);

	expect4(t, ip4(11, 22, 33, 127), 0, 0);
	expect4(t, ip4(11, 22, 33, 128), 225, 25);
	expect4(t, ip4(11, 22, 33, 255), 225, 25);
	expect4(t, ip4(11, 22, 34, 0), 0, 0);
	lpm_free(t);
}

static void test_duplicates_and_host_bits(void **state)
{
	(void)state;
	struct lpm_builder *b = lpm_builder_new();
	add4(b, ip4(10, 0, 0, 0), 8, 1);
	add4(b, ip4(10, 9, 9, 9), 8, 2); /* same /8: host bits ignored */
	add4(b, ip4(10, 1, 1, 0), 28, 3);
	add4(b, ip4(10, 1, 1, 15), 28, 4);
	add6(b, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32, 5);
	add6(b, ip6(0x2001, 0xdb8, 0xffff, 0, 0, 0, 0, 1), 32, 6);
	add6(b, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32, 7);
	add6(b, ip6(0x2001, 0xdb8, 1, 2, 3, 4, 5, 6), 64, 8);
	struct lpm *t = lpm_build(b);
	assert_non_null(t);
	expect4(t, ip4(10, 0, 0, 0), 2, 8);
	expect4(t, ip4(10, 255, 255, 255), 2, 8);
	expect4(t, ip4(10, 1, 1, 0), 4, 28);
	expect4(t, ip4(10, 1, 1, 15), 4, 28);
	expect4(t, ip4(10, 1, 1, 16), 2, 8);
	expect6(t, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 7, 32);
	expect6(t, ip6(0x2001, 0xdb8, 1, 2, 0, 0, 0, 0), 8, 64);
	expect6(t, ip6(0x2001, 0xdb8, 1, 2, 0xffff, 0xffff, 0xffff, 0xffff),
		8, 64);
	expect6(t, ip6(0x2001, 0xdb8, 1, 3, 0, 0, 0, 0), 7, 32);
	lpm_free(t);
}

static void test_nested6(void **state)
{
	(void)state;
	struct lpm_builder *b = lpm_builder_new();
	add6(b, ip6(0x2001, 0xdb8, 0, 1, 0, 0, 0, 0), 64, 64);
	add6(b, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), 128, 128);
	add6(b, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 48, 48);
	add6(b, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32, 32);
	add6(b, ip6(0, 0, 0, 0, 0, 0, 0, 0), 0, 1);
	add6(b, ip6(0x2001, 0xdb8, 0x8000, 0, 0, 0, 0, 0), 33, 33);
	add6(b, ip6(0x2001, 0xdb8, 2, 0, 0, 0, 0, 0), 47, 47);
	add6(b, ip6(0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
		    0xffff),
	     128, 1128);
	add6(b, ip6(0, 0, 0, 0, 0, 0, 0, 0), 128, 2128);
	add6(b, ip6(0x2001, 0xdb8, 0xabcd, 0x1200, 0, 0, 0, 0), 55, 55);
	struct lpm *t = lpm_build(b);
	assert_non_null(t);

	/* /128 inside /48 inside /32 inside /0. */
	expect6(t, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), 128, 128);
	expect6(t, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 48, 48);
	expect6(t, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2), 48, 48);
	expect6(t, ip6(0x2001, 0xdb8, 0, 0xffff, 0xffff, 0xffff, 0xffff,
		       0xffff),
		48, 48);
	expect6(t, ip6(0x2001, 0xdb8, 0, 1, 0, 0, 0, 0), 64, 64);
	expect6(t, ip6(0x2001, 0xdb8, 0, 1, 0xffff, 0xffff, 0xffff, 0xffff),
		64, 64);
	expect6(t, ip6(0x2001, 0xdb8, 1, 0, 0, 0, 0, 0), 32, 32);
	expect6(t, ip6(0x2001, 0xdb7, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
		       0xffff),
		1, 0);
	expect6(t, ip6(0x2001, 0xdb9, 0, 0, 0, 0, 0, 0), 1, 0);

	/* /47: 2001:db8:2:: - 2001:db8:3:ffff:ffff:ffff:ffff:ffff. */
	expect6(t, ip6(0x2001, 0xdb8, 2, 0, 0, 0, 0, 0), 47, 47);
	expect6(t, ip6(0x2001, 0xdb8, 3, 0xffff, 0xffff, 0xffff, 0xffff,
		       0xffff),
		47, 47);
	expect6(t, ip6(0x2001, 0xdb8, 4, 0, 0, 0, 0, 0), 32, 32);
	expect6(t, ip6(0x2001, 0xdb8, 1, 0xffff, 0xffff, 0xffff, 0xffff,
		       0xffff),
		32, 32);

	/* /33: the upper half of the /32. */
	expect6(t, ip6(0x2001, 0xdb8, 0x7fff, 0xffff, 0xffff, 0xffff, 0xffff,
		       0xffff),
		32, 32);
	expect6(t, ip6(0x2001, 0xdb8, 0x8000, 0, 0, 0, 0, 0), 33, 33);
	expect6(t, ip6(0x2001, 0xdb8, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
		       0xffff),
		33, 33);

	/* /55 inside /33: 2001:db8:abcd:1200:: - 2001:db8:abcd:13ff:... */
	expect6(t, ip6(0x2001, 0xdb8, 0xabcd, 0x11ff, 0xffff, 0xffff, 0xffff,
		       0xffff),
		33, 33);
	expect6(t, ip6(0x2001, 0xdb8, 0xabcd, 0x1200, 0, 0, 0, 0), 55, 55);
	expect6(t, ip6(0x2001, 0xdb8, 0xabcd, 0x13ff, 0xffff, 0xffff, 0xffff,
		       0xffff),
		55, 55);
	expect6(t, ip6(0x2001, 0xdb8, 0xabcd, 0x1400, 0, 0, 0, 0), 33, 33);

	/* The two ends of the address space. */
	expect6(t, ip6(0, 0, 0, 0, 0, 0, 0, 0), 2128, 128);
	expect6(t, ip6(0, 0, 0, 0, 0, 0, 0, 1), 1, 0);
	expect6(t, ip6(0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
		       0xffff),
		1128, 128);
	expect6(t, ip6(0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
		       0xfffe),
		1, 0);
	/* No v4 prefixes: v4 lookups miss even with a v6 default route. */
	expect4(t, ip4(10, 0, 0, 1), 0, 0);
	lpm_free(t);
}

static void test_no_default6(void **state)
{
	(void)state;
	struct lpm_builder *b = lpm_builder_new();
	add6(b, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32, 1);
	add6(b, ip6(0x2a00, 0, 0, 0, 0, 0, 0, 0), 12, 2);
	add6(b, ip6(0x8000, 0, 0, 0, 0, 0, 0, 0), 1, 3);
	struct lpm *t = lpm_build(b);
	assert_non_null(t);
	expect6(t, ip6(0, 0, 0, 0, 0, 0, 0, 0), 0, 0);
	expect6(t, ip6(0x2001, 0xdb7, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
		       0xffff),
		0, 0);
	expect6(t, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 1, 32);
	expect6(t, ip6(0x2001, 0xdb8, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
		       0xffff),
		1, 32);
	expect6(t, ip6(0x2001, 0xdb9, 0, 0, 0, 0, 0, 0), 0, 0);
	expect6(t, ip6(0x29ff, 0xffff, 0, 0, 0, 0, 0, 0), 0, 0);
	expect6(t, ip6(0x2a00, 0, 0, 0, 0, 0, 0, 0), 2, 12);
	expect6(t, ip6(0x2a0f, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
		       0xffff),
		2, 12);
	expect6(t, ip6(0x2a10, 0, 0, 0, 0, 0, 0, 0), 0, 0);
	expect6(t, ip6(0x7fff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
		       0xffff),
		0, 0);
	expect6(t, ip6(0x8000, 0, 0, 0, 0, 0, 0, 0), 3, 1);
	expect6(t, ip6(0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
		       0xffff),
		3, 1);
	lpm_free(t);
}

/* ---------------------------------------------- randomized cross-check */

#define RAND_PREFIXES 2000
#define RAND_LOOKUPS 100000

struct ref4 {
	uint32_t addr;
	unsigned len;
	uint64_t value;
};

static uint32_t rmask4(unsigned len)
{
	return len == 0 ? 0 : UINT32_MAX << (32 - len);
}

/* Naive reference: the longest matching prefix, the later one on ties
** (a tie can only be the same prefix added twice: last wins). */
static uint64_t ref_lookup4(const struct ref4 *p, size_t n, uint32_t a,
			    unsigned *plen)
{
	uint64_t v = 0;
	int best = -1;
	for (size_t i = 0; i < n; i++) {
		if (((a ^ p[i].addr) & rmask4(p[i].len)) == 0 &&
		    (int)p[i].len >= best) {
			best = (int)p[i].len;
			v = p[i].value;
		}
	}
	*plen = best < 0 ? 0 : (unsigned)best;
	return v;
}

static unsigned random_len4(uint64_t *s)
{
	/* Short prefixes are costly to paint and soon cover everything (no
	** misses left to check), so keep them rare and no shorter than /3;
	** favour the second level, where bugs hide. */
	unsigned r = (unsigned)(rnd(s) % 100);
	if (r < 1)
		return 3 + (unsigned)(rnd(s) % 5);
	if (r < 45)
		return 8 + (unsigned)(rnd(s) % 17);
	return 25 + (unsigned)(rnd(s) % 8);
}

/* The same random prefixes and lookups against the naive reference, with
** the IPv4 table laid out as layout. */
static void random4(enum lpm_layout layout)
{
	uint64_t seed = 42;
	uint32_t pool[48];
	for (size_t i = 0; i < 48; i++)
		pool[i] = (uint32_t)rnd(&seed);

	struct ref4 *p = malloc(RAND_PREFIXES * sizeof(*p));
	assert_non_null(p);
	struct lpm_builder *b = lpm_builder_new();
	assert_non_null(b);
	lpm_builder_layout(b, layout);
	for (size_t i = 0; i < RAND_PREFIXES; i++) {
		/* Perturb a pool address below a random bit so that prefixes
		** nest and share /24s. */
		uint32_t base = pool[rnd(&seed) % 48];
		unsigned keep = (unsigned)(rnd(&seed) % 33);
		uint32_t a = (base & rmask4(keep)) |
			     ((uint32_t)rnd(&seed) & ~rmask4(keep));
		unsigned len = random_len4(&seed);
		/* Few distinct values so that the value table is shared, and
		** a few exact duplicates with new values. */
		uint64_t v = 1 + rnd(&seed) % 500;
		if (i > 0 && rnd(&seed) % 50 == 0) {
			a = p[i - 1].addr;
			len = p[i - 1].len;
		}
		uint8_t raw[4] = {(uint8_t)(a >> 24), (uint8_t)(a >> 16),
				  (uint8_t)(a >> 8), (uint8_t)a};
		assert_int_equal(lpm_builder_add(b, 4, raw, len, v), 0);
		p[i].addr = a & rmask4(len);
		p[i].len = len;
		p[i].value = v;
	}
	struct lpm *t = lpm_build(b);
	assert_non_null(t);

	size_t hits = 0;
	for (size_t i = 0; i < RAND_LOOKUPS; i++) {
		uint32_t a;
		const struct ref4 *q = &p[rnd(&seed) % RAND_PREFIXES];
		uint32_t host = ~rmask4(q->len);
		switch (rnd(&seed) % 6) {
		case 0:
			a = (uint32_t)rnd(&seed);
			break;
		case 1:
			a = q->addr; /* first address */
			break;
		case 2:
			a = q->addr | host; /* last address */
			break;
		case 3:
			a = q->addr - 1; /* just below */
			break;
		case 4:
			a = (q->addr | host) + 1; /* just above */
			break;
		default:
			a = q->addr | ((uint32_t)rnd(&seed) & host);
			break;
		}
		unsigned want_len, got_len;
		uint64_t want = ref_lookup4(p, RAND_PREFIXES, a, &want_len);
		uint64_t got = lpm_lookup4(t, a, &got_len);
		if (want != got || want_len != got_len)
			fail_msg("v4 %08x: want %llu/%u got %llu/%u",
				 (unsigned)a, (unsigned long long)want,
				 want_len, (unsigned long long)got, got_len);
		hits += want != 0;
	}
	/* The generator must exercise both hits and misses. */
	assert_true(hits > RAND_LOOKUPS / 4);
	assert_true(hits < RAND_LOOKUPS);
	size_t mem = lpm_memory(t);
	if (layout == LPM_LAYOUT_DIR24)
		assert_true(mem >= ((size_t)64 << 20));
	else
		assert_true(mem < ((size_t)1 << 20));
	lpm_free(t);
	free(p);
}

static void test_random4(void **state)
{
	(void)state;
	random4(LPM_LAYOUT_AUTO); /* 2000 prefixes: ranges */
	random4(LPM_LAYOUT_DIR24);
}

/* A registry of a few dozen networks (the demo's 45 assets) holds a table
** of kilobytes, not DIR-24-8's 64 MiB, and still answers. */
static void test_small_registry_small_table(void **state)
{
	(void)state;
	struct lpm_builder *b = lpm_builder_new();
	for (unsigned i = 0; i < 40; i++)
		add4(b, ip4(10, i, 0, 0), 16 + i % 9, 100 + i);
	for (unsigned i = 0; i < 5; i++)
		add6(b, ip6(0x2001, 0xdb8, i, 0, 0, 0, 0, 0), 48, 200 + i);
	struct lpm *t = lpm_build(b);
	assert_non_null(t);
	assert_true(lpm_memory(t) < ((size_t)64 << 10));
	expect4(t, ip4(10, 3, 0, 1), 103, 19);
	expect4(t, ip4(10, 41, 0, 1), 0, 0);
	expect6(t, ip6(0x2001, 0xdb8, 4, 0, 0, 0, 0, 9), 204, 48);
	lpm_free(t);
}

struct ref6 {
	uint64_t hi, lo;
	unsigned len;
	uint64_t value;
};

static void rmask6(unsigned len, uint64_t *hi, uint64_t *lo)
{
	*hi = len >= 64 ? UINT64_MAX : len == 0 ? 0 : UINT64_MAX << (64 - len);
	*lo = len <= 64 ? 0 : UINT64_MAX << (128 - len);
}

static uint64_t ref_lookup6(const struct ref6 *p, size_t n, uint64_t hi,
			    uint64_t lo, unsigned *plen)
{
	uint64_t v = 0;
	int best = -1;
	for (size_t i = 0; i < n; i++) {
		uint64_t mh, ml;
		rmask6(p[i].len, &mh, &ml);
		if (((hi ^ p[i].hi) & mh) == 0 && ((lo ^ p[i].lo) & ml) == 0 &&
		    (int)p[i].len >= best) {
			best = (int)p[i].len;
			v = p[i].value;
		}
	}
	*plen = best < 0 ? 0 : (unsigned)best;
	return v;
}

static void put64(uint8_t *d, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		d[i] = (uint8_t)v;
		v >>= 8;
	}
}

static void test_random6(void **state)
{
	(void)state;
	uint64_t seed = 4242;
	uint64_t pool[32][2];
	for (size_t i = 0; i < 32; i++) {
		pool[i][0] = rnd(&seed);
		pool[i][1] = rnd(&seed);
	}
	/* A few pool entries at the ends of the address space. */
	pool[0][0] = pool[0][1] = 0;
	pool[1][0] = pool[1][1] = UINT64_MAX;

	struct ref6 *p = malloc(RAND_PREFIXES * sizeof(*p));
	assert_non_null(p);
	struct lpm_builder *b = lpm_builder_new();
	assert_non_null(b);
	for (size_t i = 0; i < RAND_PREFIXES; i++) {
		const uint64_t *base = pool[rnd(&seed) % 32];
		uint64_t kh, kl;
		rmask6((unsigned)(rnd(&seed) % 129), &kh, &kl);
		uint64_t hi = (base[0] & kh) | (rnd(&seed) & ~kh);
		uint64_t lo = (base[1] & kl) | (rnd(&seed) & ~kl);
		unsigned len;
		unsigned r = (unsigned)(rnd(&seed) % 100);
		if (r < 2)
			len = 3 + (unsigned)(rnd(&seed) % 13);
		else if (r < 60)
			len = 16 + (unsigned)(rnd(&seed) % 49);
		else
			len = 65 + (unsigned)(rnd(&seed) % 64);
		uint64_t v = 1 + rnd(&seed) % 500;
		if (i > 0 && rnd(&seed) % 50 == 0) {
			hi = p[i - 1].hi;
			lo = p[i - 1].lo;
			len = p[i - 1].len;
		}
		uint8_t raw[16];
		put64(raw, hi);
		put64(raw + 8, lo);
		assert_int_equal(lpm_builder_add(b, 6, raw, len, v), 0);
		uint64_t mh, ml;
		rmask6(len, &mh, &ml);
		p[i].hi = hi & mh;
		p[i].lo = lo & ml;
		p[i].len = len;
		p[i].value = v;
	}
	struct lpm *t = lpm_build(b);
	assert_non_null(t);

	size_t hits = 0;
	for (size_t i = 0; i < RAND_LOOKUPS; i++) {
		const struct ref6 *q = &p[rnd(&seed) % RAND_PREFIXES];
		uint64_t mh, ml;
		rmask6(q->len, &mh, &ml);
		uint64_t hi = q->hi, lo = q->lo;
		switch (rnd(&seed) % 6) {
		case 0:
			hi = rnd(&seed);
			lo = rnd(&seed);
			break;
		case 1:
			break; /* first address */
		case 2:
			hi |= ~mh; /* last address */
			lo |= ~ml;
			break;
		case 3:
			hi -= lo == 0; /* just below (wraps at ::) */
			lo--;
			break;
		case 4:
			hi |= ~mh; /* just above (wraps at the top) */
			lo |= ~ml;
			lo++;
			hi += lo == 0;
			break;
		default:
			hi |= rnd(&seed) & ~mh;
			lo |= rnd(&seed) & ~ml;
			break;
		}
		uint8_t raw[16];
		put64(raw, hi);
		put64(raw + 8, lo);
		unsigned want_len, got_len;
		uint64_t want = ref_lookup6(p, RAND_PREFIXES, hi, lo, &want_len);
		uint64_t got = lpm_lookup6(t, raw, &got_len);
		if (want != got || want_len != got_len)
			fail_msg("v6 %016llx%016llx: want %llu/%u got %llu/%u",
				 (unsigned long long)hi, (unsigned long long)lo,
				 (unsigned long long)want, want_len,
				 (unsigned long long)got, got_len);
		hits += want != 0;
	}
	assert_true(hits > RAND_LOOKUPS / 4);
	assert_true(hits < RAND_LOOKUPS);
	lpm_free(t);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_default_route4),
		cmocka_unit_test(test_nested4),
		cmocka_unit_test(test_boundaries4),
		cmocka_unit_test(test_second_level4),
		cmocka_unit_test(test_duplicates_and_host_bits),
		cmocka_unit_test(test_nested6),
		cmocka_unit_test(test_no_default6),
		cmocka_unit_test(test_random4),
		cmocka_unit_test(test_small_registry_small_table),
		cmocka_unit_test(test_random6),
	};
	return cmocka_run_group_tests_name("lpm", tests, NULL, NULL);
}
