/*
** fuzz_feeds_product.c -- libFuzzer target for what a report says a host
** runs (src/feeds/product.c: feeds_product_of), fed by report columns and
** banners from outside (Shadowserver's device_* columns, service banners,
** HTTP headers, SNMP sysDescr).
**
** The input is split at NUL bytes into vendor, product, version and banner
** (a missing part is NULL, an empty one ""). Checks:
**   - every output field is NUL-terminated within its array;
**   - nothing found (0): every field is empty;
**   - found (1): the vendor is not empty; a CPE, when given, parses back
**     and names the same vendor, product and version ("" for ANY);
**   - the same input gives the same answer (no state between calls).
** Seeds in fuzz/corpus/feeds_product/ are banners and device columns of the
** fixtures in tests/data/feeds/. A broken check calls abort().
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"
#include "feeds/feeds.h"

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_feeds_product: check failed: %s (line %d)\n", \
				#cond, __LINE__);                                          \
			abort();                                                           \
		}                                                                          \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 16384)
		return 0;
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	const char *part[4] = { NULL, NULL, NULL, NULL };
	size_t np = 0, at = 0;
	while (np < 4 && at <= size) {
		part[np++] = buf + at;
		at += strlen(buf + at) + 1;
	}
	struct feeds_product p, q;
	int found = feeds_product_of(part[0], part[1], part[2], part[3], &p);
	CHECK(found == 0 || found == 1);
	CHECK(terminated(p.vendor, sizeof(p.vendor)) && terminated(p.product, sizeof(p.product)) &&
	      terminated(p.version, sizeof(p.version)) && terminated(p.cpe, sizeof(p.cpe)));
	if (!found) {
		CHECK(!p.vendor[0] && !p.product[0] && !p.version[0] && !p.cpe[0]);
	} else {
		CHECK(p.vendor[0] != '\0');
		if (p.cpe[0]) {
			struct advisory_cpe c;
			CHECK(advisory_cpe_parse(p.cpe, strlen(p.cpe), &c, NULL) == 0);
			CHECK(strcmp(c.f[ADVISORY_CPE_VENDOR], p.vendor) == 0);
			CHECK(strcmp(c.f[ADVISORY_CPE_PRODUCT], p.product) == 0);
			const char *v = c.f[ADVISORY_CPE_VERSION];
			CHECK(strcmp(strcmp(v, "*") == 0 ? "" : v, p.version) == 0);
		}
	}
	CHECK(feeds_product_of(part[0], part[1], part[2], part[3], &q) == found);
	CHECK(memcmp(&p, &q, sizeof(p)) == 0);
	free(buf);
	return 0;
}
