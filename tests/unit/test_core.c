/*
** test_core.c — the bounded buffer, string views, strict integer parsing and
** UTF-8 validation: the pieces every parser of outside data relies on.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

static void pbuf_respects_max(void **state)
{
	(void)state;
	struct pbuf b;
	pbuf_init(&b, 10);
	assert_int_equal(pbuf_add(&b, "0123456789", 10), 0);
	assert_int_equal(b.len, 10);
	/* one byte over the limit is refused and leaves the buffer intact */
	assert_int_equal(pbuf_add(&b, "x", 1), -1);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.ptr, "0123456789");
	pbuf_reset(&b);
	assert_int_equal(pbuf_addf(&b, "%d-%s", 42, "ab"), 0);
	assert_string_equal(b.ptr, "42-ab");
	assert_int_equal(pbuf_addf(&b, "%s", "too long now"), -1);
	assert_string_equal(b.ptr, "42-ab");
	char *s = pbuf_take(&b);
	assert_string_equal(s, "42-ab");
	assert_null(b.ptr);
	free(s);
	pbuf_free(&b);
}

static void pbuf_grows(void **state)
{
	(void)state;
	struct pbuf b;
	pbuf_init(&b, 0);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(pbuf_add(&b, "abc", 3), 0);
	assert_int_equal(b.len, 30000);
	assert_int_equal(b.ptr[b.len], '\0');
	pbuf_free(&b);
}

static void strict_integers(void **state)
{
	(void)state;
	int64_t v;
	assert_int_equal(parse_i64("123", 0, 1000, &v), 0);
	assert_int_equal(v, 123);
	assert_int_equal(parse_i64("-5", -10, 10, &v), 0);
	assert_int_equal(v, -5);
	assert_int_equal(parse_i64("9223372036854775807", 0, INT64_MAX, &v), 0);
	assert_int_equal(v, INT64_MAX);
	assert_int_equal(parse_i64("-9223372036854775808", INT64_MIN, 0, &v), 0);
	assert_true(v == INT64_MIN);
	const char *bad[] = { "", " 1", "1 ", "1x", "0x10", "+1", "-", "9223372036854775808",
			      "99999999999999999999999", "1.0" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_i64(bad[i], INT64_MIN, INT64_MAX, &v), -1);
	assert_int_equal(parse_i64("11", 0, 10, &v), -1);
	assert_int_equal(parse_i64(NULL, 0, 10, &v), -1);
}

static void string_views(void **state)
{
	(void)state;
	struct pstr h, t;
	assert_true(pstr_cut(pstr_c("a/b/c"), '/', &h, &t));
	assert_true(pstr_eqc(h, "a"));
	assert_true(pstr_eqc(t, "b/c"));
	assert_false(pstr_cut(pstr_c("abc"), '/', &h, &t));
	assert_true(pstr_eqc(h, "abc"));
	assert_null(t.p);
	assert_true(pstr_eqc(pstr_trim(pstr_c("  x y \r\n")), "x y"));
	assert_true(pstr_ieqc(pstr_c("HTTPS://"), "https://"));
	char small[4];
	assert_int_equal(pstr_copy(pstr_c("abcdef"), small, sizeof(small)), -1);
	assert_string_equal(small, "abc");
	assert_int_equal(pstrlcpy(small, "ab", sizeof(small)), 0);
	assert_string_equal(small, "ab");
}

static void utf8(void **state)
{
	(void)state;
	const char *good[] = { "", "plain", "وزارت نیرو", "日本", "\xf0\x9f\x98\x80" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(utf8_valid(good[i], strlen(good[i])));
	const char *badv[] = { "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
			       "\xff", "\x80", "\xe2\x82" };
	for (size_t i = 0; i < sizeof(badv) / sizeof(badv[0]); i++)
		assert_false(utf8_valid(badv[i], strlen(badv[i])));
	assert_false(utf8_valid("a\0b", 3)); /* NUL is never text */
}

static void time_format(void **state)
{
	(void)state;
	char buf[40];
	core_iso8601(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
	core_iso8601(1795845545123LL, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-28T05:59:05.123Z");
}

static void time_parse(void **state)
{
	(void)state;
	int64_t ms;
	assert_int_equal(core_parse_iso8601("2026-11-28T05:59:05.123Z", &ms), 0);
	assert_true(ms == 1795845545123LL);
	assert_int_equal(core_parse_iso8601("2026-11-28T09:29:05.123+03:30", &ms), 0);
	assert_true(ms == 1795845545123LL); /* Tehran time */
	assert_int_equal(core_parse_iso8601("1970-01-01", &ms), 0);
	assert_true(ms == 0);
	assert_int_equal(core_parse_iso8601("2024-02-29T00:00:00Z", &ms), 0);
	const char *bad[] = { "", "2026-13-01", "2026-02-30", "2023-02-29", "2026-11-28T25:00:00Z",
			      "2026-11-28T05:59:05", "2026-11-28T05:59:05.Z", "2026-11-28T05:59:05Zx",
			      "26-11-28", "2026/11/28" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (core_parse_iso8601(bad[i], &ms) == 0)
			fail_msg("accepted %s", bad[i]);
	/* a formatted time parses back to itself */
	char buf[40];
	core_iso8601(1795845545123LL, buf, sizeof(buf));
	assert_int_equal(core_parse_iso8601(buf, &ms), 0);
	assert_true(ms == 1795845545123LL);
}

static void sha256_known_answer(void **state)
{
	(void)state;
	uint8_t d[32];
	char hex[65];
	core_sha256("abc", 3, d);
	core_hex(d, 32, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pbuf_respects_max), cmocka_unit_test(pbuf_grows),
		cmocka_unit_test(strict_integers),   cmocka_unit_test(string_views),
		cmocka_unit_test(utf8),              cmocka_unit_test(time_format),
		cmocka_unit_test(time_parse),
		cmocka_unit_test(sha256_known_answer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
