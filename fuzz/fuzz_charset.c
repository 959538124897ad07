/*
** fuzz_charset.c -- libFuzzer target for the website watch's encoding
** sniffing and conversion (src/watch/charset.c) and the extraction path
** that uses them (watch_extract_ct).
**
** The body and its Content-Type header both come from a server that may be
** hostile. The first byte picks the header: one of eight fixed values (none,
** no charset, each encoding we convert, an unknown label, a joined repeated
** header), or, for the ninth, the input's first line (up to '\n', at most
** 255 bytes) is the header and the rest the body. Then:
**
**   1. sniffing gives one of the four canonical names, the same twice, and
**      "utf-8" whenever the body starts with a UTF-8 BOM;
**   2. every encoding converts the body whole (rc 0) into as many
**      characters as it has bytes (UTF-8: the same bytes), valid UTF-8 but
**      for NULs; bounded by a max taken from the input, the conversion
**      returns 1 exactly when the whole would not fit, and gives a prefix of
**      the whole, within max, on a character boundary;
**   3. watch_extract_ct() succeeds with sane features: text and title valid
**      UTF-8, a known charset, known flags only, and WATCH_F_BINARY never
**      for a body read in a single-byte encoding without NULs; with no
**      header it gives the same features as watch_extract().
** Seeds in fuzz/corpus/charset/ are pages in windows-1256, ISO-8859-6 and
** windows-1252 and prescan edge cases. A broken check calls abort().
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch/watch.h"

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "fuzz_charset: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                              \
			abort();                                                        \
		}                                                                       \
	} while (0)

static const char *const headers[8] = {
	NULL,
	"text/html",
	"text/html; charset=windows-1256",
	"text/html; charset=\"ISO-8859-6\"",
	"text/html;charset=latin1",
	"text/html; charset=utf-8",
	"text/html; charset=klingon",
	"text/html; charset=utf-8, text/html; charset=cp1256",
};

static const char *const names[4] = { "utf-8", "windows-1256", "iso-8859-6", "windows-1252" };

static bool known_name(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return true;
	return false;
}

/* UTF-8 validity with NULs allowed (utf8_valid refuses them). */
static bool utf8_valid_nul(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != '\0')
			j++;
		if (!utf8_valid(s + i, j - i))
			return false;
		i = j + 1;
	}
	return true;
}

/* Characters in s[0..n): bytes that are not UTF-8 continuation bytes. */
static size_t chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

static void check_convert(const char *cs, const char *body, size_t len, size_t max)
{
	struct perr err;
	struct pbuf whole, part;
	pbuf_init(&whole, 0);
	pbuf_init(&part, max);
	CHECK(watch_to_utf8(cs, body, len, &whole, &err) == 0);
	bool utf8 = strcmp(cs, "utf-8") == 0;
	if (utf8) {
		CHECK(whole.len == len && (len == 0 || memcmp(whole.ptr, body, len) == 0));
	} else {
		CHECK(chars(whole.ptr, whole.len) == len);
		CHECK(utf8_valid_nul(whole.ptr, whole.len));
	}
	int r = watch_to_utf8(cs, body, len, &part, &err);
	CHECK(r == 0 || r == 1);
	CHECK((r == 1) == (whole.len > max));
	CHECK(part.len <= max && part.len <= whole.len);
	CHECK(part.len == 0 || memcmp(part.ptr, whole.ptr, part.len) == 0);
	if (r == 1 && !utf8) {
		/* whole characters only: the next byte starts one, and it did
		** not fit */
		CHECK(((unsigned char)whole.ptr[part.len] & 0xC0) != 0x80);
		size_t next = part.len + 1;
		while (next < whole.len && ((unsigned char)whole.ptr[next] & 0xC0) == 0x80)
			next++;
		CHECK(next > max);
	}
	pbuf_free(&whole);
	pbuf_free(&part);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	char line[256];
	const char *ct;
	const char *body = (const char *)data + 1;
	size_t len = size - 1;
	unsigned sel = data[0] % 9;
	if (sel < 8) {
		ct = headers[sel];
	} else {
		const char *nl = memchr(body, '\n', len);
		size_t hl = nl ? (size_t)(nl - body) : len;
		if (hl >= sizeof(line))
			hl = sizeof(line) - 1;
		memcpy(line, body, hl);
		line[hl] = '\0'; /* a NUL inside ends the header early: fine */
		ct = line;
		body += nl && (size_t)(nl - body) == hl ? hl + 1 : hl;
		len = size - 1 - (size_t)(body - ((const char *)data + 1));
	}

	/* 1. sniffing */
	char cs[WATCH_CHARSET_MAX], again[WATCH_CHARSET_MAX];
	CHECK(watch_charset_sniff(ct, body, len, cs) == cs);
	CHECK(known_name(cs));
	watch_charset_sniff(ct, body, len, again);
	CHECK(strcmp(cs, again) == 0);
	if (len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0)
		CHECK(strcmp(cs, "utf-8") == 0);

	/* 2. conversion, whole and bounded by a max the input picks (at least
	** 1: pbuf_init takes 0 for its default) */
	size_t max = 1 + (size_t)data[size - 1] * 7 % (3 * len + 2);
	for (int i = 0; i < 4; i++)
		check_convert(names[i], body, len, max);

	/* 3. extraction */
	struct perr err;
	struct watch_features f;
	CHECK(watch_extract_ct(body, len, "https://www.site.example/", ct, &f, &err) == 0);
	CHECK(known_name(f.charset));
	CHECK(utf8_valid(f.text, f.text_len) && strlen(f.text) == f.text_len);
	CHECK(utf8_valid(f.title, strnlen(f.title, sizeof(f.title))));
	CHECK((f.flags & ~0x3fu) == 0);
	if (strcmp(f.charset, "utf-8") != 0) {
		size_t n = len < WATCH_BODY_MAX ? len : WATCH_BODY_MAX;
		if (!memchr(body, '\0', n))
			CHECK(!(f.flags & WATCH_F_BINARY));
	}
	if (!ct) {
		struct watch_features g;
		CHECK(watch_extract(body, len, "https://www.site.example/", &g, &err) == 0);
		CHECK(strcmp(f.charset, g.charset) == 0 && f.flags == g.flags);
		CHECK(f.text_len == g.text_len && memcmp(f.text, g.text, f.text_len) == 0);
		CHECK(strcmp(f.title, g.title) == 0 && f.nshingles == g.nshingles);
		watch_features_free(&g);
	}
	watch_features_free(&f);
	return 0;
}
