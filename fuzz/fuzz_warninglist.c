/*
** fuzz_warninglist.c -- libFuzzer target for MISP warninglists
** (src/indicator/warninglist.c): the list files an operator installs with
** `parapet indicator warninglists update DIR`, from upstream or from a
** peer, and the values matched against them.
**
** Input: a list's JSON, optionally followed by "\n#\n" and values to match,
** one a line. The harness first adds a fixed anchor list (192.0.2.0/24,
** hostname anchor.example), then the fuzzed list, freezes and matches.
** Checks:
**   1. add: 0, or -1 with a kind and a message; a refused list leaves the
**      set as it was (same stats);
**   2. the anchor still answers after any fuzzed list, accepted or not;
**   3. an accepted list of type string, substring or cidr hits each of its
**      own entries (matched whole, no type hint), and a hostname list each
**      entry that is a plain host name;
**   4. every match returns distinct, named lists, no more than the set has.
** Seeds in fuzz/corpus/warninglist/ are lists of each type from MISP's
** repository (CC0) and malformed ones. A broken check calls abort().
*/
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indicator/indicator.h"

#define CHECK(cond)                                                                       \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "fuzz_warninglist: check failed: %s (line %d)\n", \
				#cond, __LINE__);                                         \
			abort();                                                          \
		}                                                                         \
	} while (0)

#define ANCHOR "{\"name\":\"anchor\",\"type\":\"cidr\",\"list\":[\"192.0.2.0/24\"]}"
#define ANCHOR_H "{\"name\":\"anchor-h\",\"type\":\"hostname\",\"list\":[\"anchor.example\"]}"

static bool has_list(const struct indicator_wl_set *s, const char *v, size_t n, const char *name)
{
	struct indicator_wl_hit h[INDICATOR_WL_MAX_LISTS];
	struct indicator_wl_stats st;
	indicator_wl_stats(s, &st);
	size_t c = indicator_wl_match(s, NULL, v, n, h, INDICATOR_WL_MAX_LISTS);
	CHECK(c <= st.lists);
	bool found = false;
	for (size_t i = 0; i < c; i++) {
		CHECK(h[i].name && h[i].source);
		for (size_t j = 0; j < i; j++)
			CHECK(h[i].name != h[j].name);
		if (strcmp(h[i].name, name) == 0)
			found = true;
	}
	return found;
}

/* A host name as the hostname matcher reads it back whole. */
static bool plain_host(const char *v, size_t n)
{
	while (n && v[n - 1] == '.')
		n--;
	while (n && v[0] == '.') {
		v++;
		n--;
	}
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strchr("/?#@:|", v[i]))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	size_t jlen = size;
	const char *vals = NULL;
	for (size_t i = 0; i + 3 <= size; i++)
		if (memcmp(in + i, "\n#\n", 3) == 0) {
			jlen = i;
			vals = in + i + 3;
			break;
		}

	struct indicator_wl_set *s = indicator_wl_set_new();
	struct perr err = { 0 };
	CHECK(s);
	CHECK(indicator_wl_add_json(s, ANCHOR, strlen(ANCHOR), "anchor", &err) == 0);
	CHECK(indicator_wl_add_json(s, ANCHOR_H, strlen(ANCHOR_H), "anchor-h", &err) == 0);
	struct indicator_wl_stats before, after;
	indicator_wl_stats(s, &before);
	int rc = indicator_wl_add_json(s, in, jlen, "fuzz", &err);
	indicator_wl_stats(s, &after);
	if (rc != 0) {
		CHECK(rc == -1 && err.kind != PERR_OK && err.msg[0]);
		CHECK(memcmp(&before, &after, sizeof(before)) == 0);
	} else {
		CHECK(after.lists == before.lists + 1);
	}
	CHECK(indicator_wl_freeze(s, &err) == 0);
	CHECK(has_list(s, "192.0.2.77", 10, "anchor"));
	CHECK(has_list(s, "www.anchor.example", 18, "anchor-h"));

	if (rc == 0) {
		json_t *doc = json_loadb(in, jlen, 0, NULL);
		const char *name = json_string_value(json_object_get(doc, "name"));
		const char *type = json_string_value(json_object_get(doc, "type"));
		json_t *list = json_object_get(doc, "list");
		CHECK(name && type && json_is_array(list));
		char kept[INDICATOR_WL_NAME_MAX];
		snprintf(kept, sizeof(kept), "%s", name);
		size_t i;
		json_t *e;
		json_array_foreach(list, i, e)
		{
			if (i >= 64)
				break;
			const char *v = json_string_value(e);
			size_t n = json_string_length(e);
			if (n == 0)
				continue;
			if (strcmp(type, "string") == 0 || strcmp(type, "substring") == 0 ||
			    strcmp(type, "cidr") == 0 ||
			    (strcmp(type, "hostname") == 0 && plain_host(v, n)))
				CHECK(has_list(s, v, n, kept));
		}
		json_decref(doc);
	}

	/* the values after the separator, one a line, with and without hints */
	static const char *const hints[] = { NULL, "ip-dst", "domain", "url", "md5", "email-src" };
	for (const char *p = vals; p && p < in + size;) {
		const char *nl = memchr(p, '\n', (size_t)(in + size - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(in + size - p);
		for (size_t h = 0; h < sizeof(hints) / sizeof(hints[0]); h++) {
			struct indicator_wl_hit hit[4];
			size_t c = indicator_wl_match(s, hints[h], p, n, hit, 4);
			CHECK(c <= after.lists);
		}
		p = nl ? nl + 1 : in + size;
	}
	indicator_wl_free(s);
	return 0;
}
