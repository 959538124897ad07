/*
** fuzz_indicator_filter.c -- libFuzzer target for an export consumer's saved
** filter (src/indicator/consumer.c), the JSON an analyst sends in POST and
** PATCH /api/v1/indicator-consumers and that decides which indicators a
** resolver, firewall or peer receives.
**
** The input, as a C string, is parsed as a filter. Checks:
**   1. on failure: the filter is left empty (nothing half-parsed reaches an
**      export) and the error is PERR_INVALID or PERR_LIMIT naming a field;
**   2. on success: the lists are within INDICATOR_FILTER_MAX and the
**      confidence within 0..100; the canonical JSON renders, parses back,
**      and renders to the same bytes (the stored filter and the ETag that
**      hashes it are stable);
**   3. a filter never lets a TLP:RED indicator, or an expired one, through,
**      and never lets through an indicator the empty filter would refuse.
** Seeds in fuzz/corpus/indicator_filter/ are filters as the API and the CLI
** make them, valid and broken. A broken check calls abort().
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indicator/indicator.h"
#include "store/store.h"

#define CHECK(cond)                                                                           \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "fuzz_indicator_filter: check failed: %s (line %d)\n", \
				#cond, __LINE__);                                             \
			abort();                                                              \
		}                                                                             \
	} while (0)

static struct store_indicator rows[4];

static void init_rows(void)
{
	static const char *const tlp[4] = { "GREEN", "RED", "AMBER", "GREEN" };
	static const char *const type[4] = { "domain", "ipv4", "url", "sha256" };
	for (int i = 0; i < 4; i++) {
		struct store_indicator *r = &rows[i];
		memset(r, 0, sizeof(*r));
		snprintf(r->type, sizeof(r->type), "%s", type[i]);
		snprintf(r->status, sizeof(r->status), "active");
		snprintf(r->tlp, sizeof(r->tlp), "%s", tlp[i]);
		snprintf(r->class_, sizeof(r->class_), "%s", i % 2 ? "fraud" : "malicious-code");
		snprintf(r->tags, sizeof(r->tags), ",botnet,t%d,", i);
		r->confidence = 25 * i;
		r->expires_ms = i == 3 ? 999 : 2000;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	if (!ready) {
		init_rows();
		ready = true;
	}
	char *text = malloc(size + 1);
	CHECK(text);
	memcpy(text, data, size);
	text[size] = '\0';
	struct indicator_consumer c;
	memset(&c, 0, sizeof(c));
	c.member = true;
	c.strict = true;
	struct perr err;
	memset(&err, 0, sizeof(err));
	if (indicator_filter_parse(text, &c.filter, &err) != 0) {
		CHECK(err.kind == PERR_INVALID || err.kind == PERR_LIMIT);
		CHECK(err.field[0]);
		CHECK(c.filter.types == 0 && c.filter.nclasses == 0 && c.filter.ntags == 0 &&
		      c.filter.min_confidence == 0);
		free(text);
		return 0;
	}
	CHECK(c.filter.nclasses <= INDICATOR_FILTER_MAX && c.filter.ntags <= INDICATOR_FILTER_MAX);
	CHECK(c.filter.min_confidence >= 0 && c.filter.min_confidence <= 100);
	char a[2048], b[2048];
	struct indicator_consumer_filter again;
	CHECK(indicator_filter_json(&c.filter, a, sizeof(a), &err) == 0);
	CHECK(indicator_filter_parse(a, &again, &err) == 0);
	CHECK(indicator_filter_json(&again, b, sizeof(b), &err) == 0);
	CHECK(strcmp(a, b) == 0);
	struct indicator_consumer wide = c;
	memset(&wide.filter, 0, sizeof(wide.filter));
	for (int i = 0; i < 4; i++) {
		bool got = indicator_export_allows(&c, &rows[i], 1000);
		if (i == 1 || i == 3)
			CHECK(!got); /* RED; expired */
		if (got)
			CHECK(indicator_export_allows(&wide, &rows[i], 1000));
	}
	free(text);
	return 0;
}
