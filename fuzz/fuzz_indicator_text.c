/*
** fuzz_indicator_text.c -- libFuzzer target for the values read out of free
** text (src/indicator/sighting.c, indicator_text_values): what analysts and
** victims write in incident notes and what detectors put in observations,
** read for listed indicators on every note.
**
** The input, whole (a view, not a C string: the length is passed), is read
** for values. Checks on each value given to the callback:
**   1. its type is a type, its text NUL-terminated, at most
**      INDICATOR_VALUE_MAX bytes, and canonical: canonicalising it as its
**      type gives the same bytes;
**   2. at most 2 * INDICATOR_SIGHT_TOKENS values come out (a token and the
**      host of a URL or an e-mail address), whatever the input's size;
**   3. a callback's non-zero return stops the walk and comes back.
** Seeds in fuzz/corpus/indicator_text/ are notes with plain and defanged
** values. A broken check calls abort().
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indicator/indicator.h"

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "fuzz_indicator_text: check failed: %s (line %d)\n", \
				#cond, __LINE__);                                            \
			abort();                                                             \
		}                                                                            \
	} while (0)

struct seen {
	size_t n;
	size_t stop_at; /* return 7 on this value (0: never) */
};

static int one(void *ud, enum indicator_type t, const char *canon)
{
	struct seen *s = ud;
	CHECK(t > INDICATOR_NONE && t < INDICATOR_TYPE_COUNT);
	size_t n = strlen(canon);
	CHECK(n > 0 && n <= INDICATOR_VALUE_MAX);
	char *o = malloc(INDICATOR_VALUE_SIZE);
	CHECK(o);
	CHECK(indicator_value_canon(t, canon, n, o, INDICATOR_VALUE_SIZE, NULL) == 0);
	CHECK(strcmp(o, canon) == 0);
	free(o);
	s->n++;
	CHECK(s->n <= 2 * INDICATOR_SIGHT_TOKENS);
	return s->stop_at && s->n == s->stop_at ? 7 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = { 0, 0 };
	int rc = indicator_text_values((const char *)data, size, one, &s);
	CHECK(rc == 0 || rc == -1);
	if (s.n > 0) {
		struct seen t = { 0, 1 };
		CHECK(indicator_text_values((const char *)data, size, one, &t) == 7);
		CHECK(t.n == 1);
	}
	return 0;
}
