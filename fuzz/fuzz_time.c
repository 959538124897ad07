/*
** fuzz_time.c — libFuzzer target for core_parse_iso8601(), the parser of
** every time a client sends (list filters, rota overrides).
**
** Invariants: no crash or overread on any input; an accepted time formats
** back (core_iso8601) to a string that parses to the same instant, so what
** the API echoes is what it understood.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	int64_t ms;
	if (core_parse_iso8601(s, &ms) == 0 && ms >= 0 && ms < 253402300800000LL) {
		char back[40];
		int64_t again;
		core_iso8601(ms, back, sizeof(back));
		if (core_parse_iso8601(back, &again) != 0 || again != ms)
			abort();
	}
	free(s);
	return 0;
}
