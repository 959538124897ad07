/*
** fuzz_flow_baseline.c -- libFuzzer target for the learned-threshold
** baselines as stored bytes (flow_detect_load, src/flow/detect.c): the
** serve step keeps them in the store and reads them back at start-up, so a
** truncated or corrupted row must be refused whole, never read past.
**
** Checks:
**   1. a refused buffer: -1 with PERR_INVALID, and the detector's saved
**      state is what it was (an empty baseline);
**   2. an accepted one: saving gives bytes that load again, and saving
**      those gives the same bytes (a fixed point after one round).
** Seeds in fuzz/corpus/flow_baseline/. A broken check calls abort().
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"

#define CHECK(cond)                                                                      \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "fuzz_flow_baseline: check failed: %s (line %d)\n", \
				#cond, __LINE__);                                        \
			abort();                                                         \
		}                                                                        \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct flow_detect_cfg cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.learned = true;
	cfg.learn_hosts = 64;
	cfg.max_attacks = 1; /* only the baselines are under test */
	struct perr err;
	struct flow_detect *d = flow_detect_new(&cfg, NULL, NULL, &err);
	CHECK(d != NULL);
	size_t n0, n1, n2;
	uint8_t *empty = flow_detect_save(d, &n0);
	CHECK(empty != NULL && n0 == 8);
	if (flow_detect_load(d, data, size, &err) != 0) {
		CHECK(err.kind == PERR_INVALID);
		uint8_t *again = flow_detect_save(d, &n1);
		CHECK(again != NULL && n1 == n0 && memcmp(again, empty, n0) == 0);
		free(again);
	} else {
		uint8_t *a = flow_detect_save(d, &n1);
		CHECK(a != NULL);
		CHECK(flow_detect_load(d, a, n1, &err) == 0);
		uint8_t *b = flow_detect_save(d, &n2);
		CHECK(b != NULL && n2 == n1 && memcmp(a, b, n1) == 0);
		free(a);
		free(b);
	}
	free(empty);
	flow_detect_free(d);
	return 0;
}
