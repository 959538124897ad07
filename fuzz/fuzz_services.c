/*
** fuzz_services.c -- libFuzzer target for the well-known services list
** (src/watch/services.c): the parser of a watch.services file and the
** lookups over what it accepted.
**
** The file is an operator's, but it decides which third-party hosts the
** website watch records as harmless observations, so a row the rules
** should refuse (a public suffix, an unknown role) must never get in, and
** a lookup must never answer for a host the row does not cover. Input: the
** whole input is the file. Then:
**
**   1. watch_services_use() either refuses it (an error naming a field and
**      a message; the list in use is unchanged) or accepts it: 1 to
**      WATCH_SERVICES_MAX rows, each with a lower-case host of at least two
**      labels, a known category, at least one role and a name;
**   2. each accepted row is found by its own host (and path): the answer is
**      a row of that host, or of a parent of it for a path the row does not
**      cover;
**   3. every line of the input, taken as a host, is looked up: an answer's
**      host is the host itself or a parent domain of it at a label
**      boundary (the "youtube.com.evil.top" rule), and with the line as a
**      path too, the publication fits its buffer;
**   4. the listing has as many items as the list has rows.
** Seeds in fuzz/corpus/services/: the shipped file, a replacement with its
** columns reordered, and one with bad rows. A broken check calls abort().
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
			fprintf(stderr, "fuzz_services: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                               \
			abort();                                                         \
		}                                                                        \
	} while (0)

/* Is svc's host the host h itself, or a parent of it at a label boundary
** (only for a suffix row)? h is lower-cased without a trailing dot. */
static bool covers(const struct watch_service *svc, const char *h)
{
	size_t n = strlen(h), m = strlen(svc->host);
	if (n == m)
		return strcmp(h, svc->host) == 0;
	return svc->suffix && n > m && h[n - m - 1] == '.' && strcmp(h + n - m, svc->host) == 0;
}

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t before = watch_service_count();
	struct perr err;
	perr_clear(&err);
	if (watch_services_use((const char *)data, size, "fuzz", &err) != 0) {
		CHECK(err.kind != PERR_OK && err.msg[0] && strcmp(err.field, "services") == 0);
		CHECK(watch_service_count() == before);
		return 0;
	}
	size_t n = watch_service_count();
	CHECK(n >= 1 && n <= WATCH_SERVICES_MAX);
	CHECK(watch_service_at(n) == NULL);
	CHECK(watch_services_bad(NULL, NULL) == 0);
	for (size_t i = 0; i < n; i++) {
		const struct watch_service *s = watch_service_at(i);
		CHECK(s && s->host[0] && strchr(s->host, '.') && s->category && s->roles &&
		      s->name[0]);
		for (const char *c = s->host; *c; c++)
			CHECK((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' ||
			      *c == '.');
		CHECK(s->roles < (1u << WATCH_REF_KINDS));
		const struct watch_service *f = watch_service_find_path(s->host, s->path);
		CHECK(f && covers(f, s->host));
	}
	/* each line as a host, and as a path */
	char line[WATCH_HOST_MAX + 8];
	const char *p = (const char *)data, *end = p + size;
	for (int k = 0; p < end && k < 64; k++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		if (len < sizeof(line) && !memchr(p, '\0', len)) {
			memcpy(line, p, len);
			line[len] = '\0';
			const struct watch_service *f = watch_service_find_path(line, line);
			if (f) {
				char h[sizeof(line)];
				memcpy(h, line, len + 1);
				lower(h);
				while (len && h[len - 1] == '.')
					h[--len] = '\0';
				CHECK(covers(f, h));
				char pub[WATCH_PATH_MAX];
				watch_service_publication(f, line, pub);
				CHECK(strlen(pub) < WATCH_PATH_MAX);
			}
		}
		p = nl ? nl + 1 : end;
	}
	json_t *doc = watch_services_json(NULL, &err);
	CHECK(doc && json_array_size(json_object_get(doc, "items")) == n);
	json_decref(doc);
	return 0;
}
