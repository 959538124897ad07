/*
** fuzz_textsig.c -- libFuzzer target for what the website watch reads in a
** block of new text (src/watch/textsig.c): letters by script and the
** defacers' marks.
**
** The text is a hostile page's visible text, any bytes. The input is read
** whole, by both functions, twice each (they must be functions of their
** input), and checked:
**
**   1. watch_lang_count: every letter takes at least one byte (latin +
**      arabic + cyrillic + other <= len), Persian letters are Arabic-script
**      letters (persian <= arabic), Turkish ones Latin (turkish <= latin),
**      and each word holds a letter (words <= letters); watch_lang_unlike
**      of the input's two halves (as site and block) is NULL or a known name;
**   2. watch_text_marks: known flags only; a handle is a messenger handle
**      or an address and the reverse; first is NUL-terminated within its
**      array, valid UTF-8, and set exactly when a flag is.
** The first half of the input is also read alone, to reach the scanners'
** stops at the end of a text (a handle or an address cut short). Seeds in
** fuzz/corpus/textsig/ are defacement blocks and government text in the
** languages the marks cover. A broken check calls abort().
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch/watch.h"

#define CHECK(cond)                                                                      \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "fuzz_textsig: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                               \
			abort();                                                         \
		}                                                                        \
	} while (0)

#define KNOWN_FLAGS                                                                  \
	(WATCH_TX_HANDLE | WATCH_TX_GREETS | WATCH_TX_RANSOM | WATCH_TX_WALLET |     \
	 WATCH_TX_GAMBLING | WATCH_TX_PHARMA | WATCH_TX_SPAM | WATCH_TX_MESSENGER | \
	 WATCH_TX_EMAIL)

static void one(const char *s, size_t n)
{
	struct watch_lang l, l2;
	watch_lang_count(s, n, &l);
	watch_lang_count(s, n, &l2);
	CHECK(memcmp(&l, &l2, sizeof(l)) == 0);
	uint64_t letters = (uint64_t)l.latin + l.arabic + l.cyrillic + l.other;
	CHECK(letters <= n);
	CHECK(l.persian <= l.arabic);
	CHECK(l.turkish <= l.latin);
	CHECK(l.words <= letters);

	/* The two halves as a site's text and a block's: NULL or a known name. */
	struct watch_lang a, b;
	watch_lang_count(s, n / 2, &a);
	watch_lang_count(s + n / 2, n - n / 2, &b);
	bool other_script = false;
	const char *u = watch_lang_unlike(&a, &b, &other_script);
	static const char *const names[] = { "latin",	 "english",  "turkish", "arabic",
					     "persian", "arabic-script", "cyrillic", "other" };
	CHECK(u || !other_script);
	bool known = u == NULL;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !known; i++)
		known = strcmp(u, names[i]) == 0;
	CHECK(known);

	struct watch_text_marks m, m2;
	watch_text_marks(s, n, &m);
	watch_text_marks(s, n, &m2);
	CHECK(m.flags == m2.flags && strcmp(m.first, m2.first) == 0);
	CHECK((m.flags & ~(unsigned)KNOWN_FLAGS) == 0);
	CHECK(memchr(m.first, '\0', sizeof(m.first)) != NULL);
	CHECK(utf8_valid(m.first, strlen(m.first)));
	CHECK((m.flags != 0) == (m.first[0] != '\0'));
	/* A messenger handle or an address is a handle. */
	CHECK(!(m.flags & (WATCH_TX_MESSENGER | WATCH_TX_EMAIL)) || (m.flags & WATCH_TX_HANDLE));
	CHECK(!(m.flags & WATCH_TX_HANDLE) || (m.flags & (WATCH_TX_MESSENGER | WATCH_TX_EMAIL)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so reading past it is ASan's to see. */
	char *s = malloc(size ? size : 1);
	if (!s)
		return 0;
	if (size)
		memcpy(s, data, size);
	one(s, size);
	one(s, size / 2);
	free(s);
	return 0;
}
