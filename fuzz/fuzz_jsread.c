/*
** fuzz_jsread.c -- libFuzzer target for the static read of inline scripts
** (src/watch/jsread.c).
**
** An inline script comes from a page that may be hostile, and an injected
** one is by definition. The input is read as a script and must give a
** sane result: at most WATCH_JS_DEST_MAX destinations (WATCH_JSF_FULL
** when the count reached it), each of a known kind, with only the flags
** the reader sets, and a non-empty, NUL-terminated, valid UTF-8 URL within
** WATCH_JS_URL_MAX; only the WATCH_JSF_* flags that exist; the same result
** when read twice (a function of its input); CUT exactly when the input is
** longer than WATCH_JS_MAX. Out-of-bounds reads are ASan's, hangs
** libFuzzer's -timeout. Seeds in fuzz/corpus/jsread/ are vendor snippets
** and loaders of the kinds the unit test reads.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch/watch.h"

#define CHECK(cond)                                                                       \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "fuzz_jsread: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                                \
			abort();                                                          \
		}                                                                         \
	} while (0)

static struct watch_js_read a, b;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly size bytes, so ASan sees any read past the end */
	char *s = malloc(size ? size : 1);
	CHECK(s != NULL);
	if (size)
		memcpy(s, data, size);
	watch_js_read(s, size, &a);
	CHECK(a.ndest <= WATCH_JS_DEST_MAX);
	CHECK((a.flags & ~0xffu) == 0);
	CHECK(!(a.flags & WATCH_JSF_FULL) || a.ndest == WATCH_JS_DEST_MAX);
	CHECK(((a.flags & WATCH_JSF_CUT) != 0) == (size > WATCH_JS_MAX));
	const unsigned known = WATCH_RF_FROM_JS | WATCH_RF_OBFUSCATED | WATCH_RF_CONDITIONAL |
			       WATCH_RF_PROTO_REL | WATCH_RF_HIDDEN | WATCH_RF_TINY | WATCH_RF_META;
	for (size_t i = 0; i < a.ndest; i++) {
		const struct watch_js_dest *d = &a.dest[i];
		CHECK(d->kind < WATCH_REF_KINDS);
		CHECK((d->flags & ~known) == 0 && (d->flags & WATCH_RF_FROM_JS));
		size_t n = strnlen(d->url, sizeof(d->url));
		CHECK(n > 0 && n < sizeof(d->url));
		CHECK(utf8_valid(d->url, n));
		for (size_t k = 0; k < n; k++)
			CHECK((unsigned char)d->url[k] > 0x04); /* no marker leaks out */
		for (size_t j = 0; j < i; j++)
			CHECK(a.dest[j].kind != d->kind || strcmp(a.dest[j].url, d->url) != 0);
	}
	watch_js_read(s, size, &b);
	CHECK(a.ndest == b.ndest && a.flags == b.flags);
	for (size_t i = 0; i < a.ndest; i++)
		CHECK(a.dest[i].kind == b.dest[i].kind && a.dest[i].flags == b.dest[i].flags &&
		      strcmp(a.dest[i].url, b.dest[i].url) == 0);
	free(s);
	return 0;
}
