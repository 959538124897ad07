/*
** fuzz_indicator_tags.c -- libFuzzer target for the two free-form fields
** of an indicator that registry.c reads itself (src/indicator/registry.c):
** the comma-separated tag list and the TLP label, as analysts type them,
** CSV imports carry them and peers push them.
**
** The input, as a C string (the API's and the CLI's strings are), is read
** as a tag list and as a TLP label. Checks:
**   1. tags accepted: the stored form is "" or ",t1,...,tn," with 1..32
**      tags, each of 1..64 bytes of a-z 0-9 ':' '_' '.' '-', none twice,
**      and reading the stored form again gives the same bytes (the store
**      is searched with instr(",tag,"): a malformed list would hide one);
**   2. tags refused: PERR_INVALID or PERR_LIMIT with field "tags";
**   3. a TLP accepted is one of the five canonical labels, and reading it
**      again gives itself; refused: PERR_INVALID, field "tlp".
** Seeds in fuzz/corpus/indicator_tags/. A broken check calls abort().
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
			fprintf(stderr, "fuzz_indicator_tags: check failed: %s (line %d)\n", \
				#cond, __LINE__);                                            \
			abort();                                                             \
		}                                                                            \
	} while (0)

static bool tag_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ':' || c == '_' ||
	       c == '.' || c == '-';
}

static void check_tags(const char *out)
{
	size_t n = strlen(out);
	if (n == 0)
		return;
	CHECK(n >= 3 && out[0] == ',' && out[n - 1] == ',');
	int count = 0;
	const char *p = out + 1;
	while (*p) {
		const char *e = strchr(p, ',');
		CHECK(e);
		size_t len = (size_t)(e - p);
		CHECK(len >= 1 && len <= 64);
		for (size_t i = 0; i < len; i++)
			CHECK(tag_char(p[i]));
		/* once: ",tag," occurs once in the list */
		char tag[68];
		snprintf(tag, sizeof(tag), ",%.*s,", (int)len, p);
		const char *first = strstr(out, tag);
		CHECK(first == p - 1 && !strstr(first + 1, tag));
		count++;
		p = e + 1;
	}
	CHECK(count >= 1 && count <= 32);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *in = malloc(size + 1);
	CHECK(in);
	memcpy(in, data, size);
	in[size] = 0; /* a C string, as the front-ends pass it: stops at a NUL */

	char out[512], again[512];
	struct perr e;
	memset(&e, 0, sizeof(e));
	if (indicator_tags_norm(in, out, sizeof(out), &e) == 0) {
		check_tags(out);
		CHECK(indicator_tags_norm(out, again, sizeof(again), NULL) == 0);
		CHECK(strcmp(out, again) == 0);
	} else {
		CHECK(e.kind == PERR_INVALID || e.kind == PERR_LIMIT);
		CHECK(strcmp(e.field, "tags") == 0 && e.msg[0]);
	}

	char tlp[16], tlp2[16];
	memset(&e, 0, sizeof(e));
	if (indicator_tlp_norm(in, tlp, sizeof(tlp), &e) == 0) {
		static const char *const labels[] = { "CLEAR", "GREEN", "AMBER", "AMBER+STRICT",
						      "RED" };
		bool known = false;
		for (size_t i = 0; i < 5; i++)
			known |= strcmp(tlp, labels[i]) == 0;
		CHECK(known);
		CHECK(indicator_tlp_norm(tlp, tlp2, sizeof(tlp2), NULL) == 0 &&
		      strcmp(tlp, tlp2) == 0);
	} else {
		CHECK(e.kind == PERR_INVALID && strcmp(e.field, "tlp") == 0);
	}
	free(in);
	return 0;
}
