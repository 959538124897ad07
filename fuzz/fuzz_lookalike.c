/*
** fuzz_lookalike.c -- libFuzzer target for look-alike hosts
** (src/watch/lookalike.c).
**
** The host comes from a page that may be hostile (any bytes the URL parser
** lets through, UTF-8 or xn-- labels that do not decode), and the own names
** from the constituency. The input is split at newlines: the first line is
** the host, the next ones (at most 8) the own names, and the same lines
** once more serve as the list of well-known hosts (watch_lookalike_known).
** For each of watch_lookalike() and watch_lookalike_known():
**
**   1. the class is one of the enum's; the imitated name is NUL-terminated
**      within WATCH_HOST_MAX, valid UTF-8, and empty exactly when the class
**      is WATCH_LA_NONE;
**   2. a second call gives the same answer (no hidden state);
**   3. an own name never imitates itself, and neither does "www." before it
**      when it is a name (not an address, which names nothing).
** Seeds in fuzz/corpus/lookalike/ are typosquats, embedded names, homoglyphs
** in UTF-8 and punycode, Persian IDN names. A broken check calls abort().
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch/watch.h"

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_lookalike: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                                 \
			abort();                                                           \
		}                                                                          \
	} while (0)

#define LINES 9
#define LINE_MAX_BYTES 300 /* beyond a host's 253: the too-long path too */

static void check_answer(enum watch_lookalike c, const char imitates[WATCH_HOST_MAX])
{
	CHECK(c == WATCH_LA_NONE || c == WATCH_LA_EDIT || c == WATCH_LA_HOMOGLYPH ||
	      c == WATCH_LA_PUNYCODE || c == WATCH_LA_EMBEDDED);
	size_t n = strnlen(imitates, WATCH_HOST_MAX);
	CHECK(n < WATCH_HOST_MAX);
	CHECK(utf8_valid(imitates, n));
	CHECK((c == WATCH_LA_NONE) == (n == 0));
}

/* Is s worth the "www." check: not an address (hosts.c's or all digits and
** dots), no byte the host parser would refuse before us? */
static bool a_name(const char *s)
{
	bool letter = false;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			letter = true;
	return letter && !watch_host_is_ip(s) && strlen(s) + 4 < LINE_MAX_BYTES;
}

static void judge(const char *host, const char *const *own, size_t nown, bool known)
{
	char a[WATCH_HOST_MAX], b[WATCH_HOST_MAX];
	memset(a, 'X', sizeof(a));
	memset(b, 'Y', sizeof(b));
	enum watch_lookalike c1 =
		known ? watch_lookalike_known(host, NULL, 0, own, nown, a)
		      : watch_lookalike(host, own, nown, a);
	check_answer(c1, a);
	enum watch_lookalike c2 =
		known ? watch_lookalike_known(host, NULL, 0, own, nown, b)
		      : watch_lookalike(host, own, nown, b);
	CHECK(c1 == c2 && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char lines[LINES][LINE_MAX_BYTES + 1];
	const char *ptr[LINES];
	size_t n = 0, at = 0;
	while (n < LINES && at <= size) {
		const uint8_t *nl = memchr(data + at, '\n', size - at);
		size_t len = nl ? (size_t)(nl - (data + at)) : size - at;
		size_t keep = len < LINE_MAX_BYTES ? len : LINE_MAX_BYTES;
		memcpy(lines[n], data + at, keep);
		lines[n][keep] = '\0'; /* a NUL inside ends the line early: fine */
		ptr[n] = lines[n];
		n++;
		at += len + 1;
		if (!nl)
			break;
	}
	if (n == 0)
		return 0;
	const char *host = ptr[0];
	const char *const *own = ptr + 1;
	size_t nown = n - 1;

	judge(host, own, nown, false);
	judge(host, own, nown, true);

	/* 3. an own name is never its own look-alike */
	char out[WATCH_HOST_MAX], www[LINE_MAX_BYTES + 8];
	for (size_t i = 0; i < nown; i++) {
		CHECK(watch_lookalike(own[i], own, nown, out) == WATCH_LA_NONE);
		CHECK(watch_lookalike_known(own[i], NULL, 0, own, nown, out) == WATCH_LA_NONE);
		if (a_name(own[i])) {
			snprintf(www, sizeof(www), "www.%s", own[i]);
			CHECK(watch_lookalike(www, own, nown, out) == WATCH_LA_NONE);
		}
	}
	return 0;
}
