/*
** fuzz_axml.c -- libFuzzer target for Android's binary XML (src/apk/
** axml.c): the AndroidManifest.xml of an APK someone sent us, built to
** crash or mislead analysis tools.
**
** The input is read three ways and checked:
**   1. axml_manifest_parse: refused with a kind, field "axml" (or out of
**      memory) and a message; accepted with every string non-NULL, each
**      component of a known kind with exported in {-1, 0, 1}, and facts
**      that render as JSON;
**   2. axml_dump_json: when accepted, the text is balanced ({} and [] in
**      step outside strings), so the dump is always one JSON value;
**   3. the push parser fed in two pieces (split at a point taken from the
**      input) yields the same item count and the same verdict as the
**      manifest reader's single feed, with small limits so the limit
**      paths run too.
** Seeds in fuzz/corpus/axml/ are the manifests aapt builds in
** test_apk_androguard (full_stripped: attribute names emptied, as packers
** ship them). A broken check calls abort().
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apk/apk.h"

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "fuzz_axml: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                           \
			abort();                                                     \
		}                                                                    \
	} while (0)

static bool balanced(const char *s)
{
	int depth = 0;
	bool in_str = false;
	for (; *s; s++) {
		if (in_str) {
			if (*s == '\\')
				s++;
			else if (*s == '"')
				in_str = false;
			continue;
		}
		if (*s == '"')
			in_str = true;
		else if (*s == '{' || *s == '[')
			depth++;
		else if (*s == '}' || *s == ']')
			depth--;
		if (depth < 0)
			return false;
	}
	return depth == 0 && !in_str;
}

/* Items of data fed whole (split == size) or in two pieces: the count, or
** -1 when refused. */
static long items(const uint8_t *data, size_t size, size_t split, const struct axml_limits *lim)
{
	struct axml_parser *p;
	struct axml_item it;
	struct perr err = { 0 };
	long n = 0;
	int r;
	CHECK(axml_parser_new(&p, lim, &err) == 0);
	if (axml_feed(p, data, split, &err) != 0)
		goto refused;
	while ((r = axml_next(p, &it, &err)) == 1 && it.kind != AXML_END_DOCUMENT)
		n++;
	if (r < 0)
		goto refused;
	if (r == 1) /* ended within the first piece */
		goto done;
	if (axml_feed(p, data + split, size - split, &err) != 0)
		goto refused;
	axml_finish(p);
	while ((r = axml_next(p, &it, &err)) == 1 && it.kind != AXML_END_DOCUMENT)
		n++;
	if (r < 0)
		goto refused;
	CHECK(r == 1);
done:
	axml_parser_free(p);
	return n;
refused:
	CHECK(err.msg[0] != '\0');
	axml_parser_free(p);
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct axml_manifest m;
	struct perr err = { 0 };
	struct pbuf b;
	struct axml_limits small = { .max_size = 1 << 16, .max_strings = 512,
				     .max_string_len = 256, .max_depth = 8, .max_attrs = 16,
				     .max_elements = 256 };

	if (axml_manifest_parse(data, size, NULL, &m, &err) == 0) {
		CHECK(m.package && m.version_code && m.version_name && m.min_sdk &&
		      m.target_sdk && m.max_sdk && m.label);
		for (size_t i = 0; i < m.ncomps; i++) {
			CHECK(m.comps[i].name && m.comps[i].permission);
			CHECK(m.comps[i].exported >= -1 && m.comps[i].exported <= 1);
		}
		pbuf_init(&b, 0);
		CHECK(axml_manifest_json(&m, &b) == 0);
		CHECK(balanced(pbuf_cstr(&b)));
		pbuf_free(&b);
	} else {
		CHECK(err.kind != PERR_OK && err.msg[0]);
		CHECK(!strcmp(err.field, "axml") || err.kind == PERR_INTERNAL);
	}
	axml_manifest_free(&m);

	pbuf_init(&b, 0);
	memset(&err, 0, sizeof(err));
	if (axml_dump_json(data, size, NULL, &b, &err) == 0)
		CHECK(balanced(pbuf_cstr(&b)));
	pbuf_free(&b);

	{
		size_t split = size ? data[0] % (size + 1) : 0;
		long whole = items(data, size, size, &small);
		long parts = items(data, size, split, &small);
		CHECK(whole == parts);
	}
	return 0;
}
