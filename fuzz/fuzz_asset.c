/*
** fuzz_asset.c -- libFuzzer target for asset validation and canonical form.
**
** constituency_asset_canon() decides what an organisation owns: the stored
** canonical value is the key of the owner index and of the uniqueness rule
** ("10.0.0.0/8" and "010.0.0.0/8" must not both be owned).  If the canonical
** form of a value were not itself canonical, the same asset could be stored
** twice, or a stored asset could no longer be looked up or re-imported.
**
** Input: the first byte picks the type (byte % 8: '0' cidr, '1' domain,
** '2' url, '3' asn, '4' product, then three types that must be refused: a
** wrongly-cased type, an empty type and no type at all); the rest is the
** value, cut at the first NUL as any C caller would see it.  Seeds in
** fuzz/corpus/asset/ follow that layout.
**
** Checked on success: the output is NUL-terminated inside the buffer,
** printable ASCII (it goes into URLs, CSV exports and log lines), and
** canonicalising it again succeeds and gives the same bytes; a product
** splits back into the form it was stored in.  Checked on
** failure: the error names a field ("type" or "value") and has a message,
** since both reach the API client as the problem document.  A broken check
** calls abort().
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "constituency/constituency.h"

#define CHECK(cond)                                                               \
	do {                                                                      \
		if (!(cond)) {                                                    \
			fprintf(stderr, "fuzz_asset: check failed: %s (line %d)\n", \
				#cond, __LINE__);                                 \
			abort();                                                  \
		}                                                                 \
	} while (0)

/* The header asks for outsz >= 512; give exactly that, on the heap, so any
** write past it is caught. */
#define OUTSZ 512

static const char *const types[8] = {
	"cidr", "domain", "url", "asn", "product", "Domain", "", NULL,
};

static void check_failure(const struct perr *err)
{
	CHECK(err->kind == PERR_INVALID);
	CHECK(memchr(err->field, '\0', sizeof(err->field)) != NULL);
	CHECK(memchr(err->msg, '\0', sizeof(err->msg)) != NULL);
	CHECK(err->field[0] != '\0');
	CHECK(strcmp(err->field, "type") == 0 || strcmp(err->field, "value") == 0);
	CHECK(err->msg[0] != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const char *type = types[data[0] % 8];
	size_t len = size - 1;
	char *value = malloc(len + 1);
	char *out = malloc(OUTSZ);
	char *again = malloc(OUTSZ);
	CHECK(value && out && again);
	if (len)
		memcpy(value, data + 1, len);
	value[len] = '\0';
	/* Poison the outputs so a missing terminator shows up. */
	memset(out, 0xA5, OUTSZ);
	memset(again, 0x5A, OUTSZ);

	struct perr err;
	memset(&err, 0, sizeof(err));
	if (constituency_asset_canon(type, value, out, OUTSZ, &err) != 0) {
		check_failure(&err);
	} else {
		const char *nul = memchr(out, '\0', OUTSZ);
		CHECK(nul != NULL);
		size_t n = (size_t)(nul - out);
		CHECK(n > 0 && n < OUTSZ);
		for (size_t i = 0; i < n; i++)
			CHECK(out[i] >= 0x20 && out[i] < 0x7f);

		struct perr err2;
		memset(&err2, 0, sizeof(err2));
		int rc = constituency_asset_canon(type, out, again, OUTSZ, &err2);
		if (rc != 0)
			fprintf(stderr, "fuzz_asset: canonical %s \"%s\" refused: %s\n", type,
				out, err2.msg);
		CHECK(rc == 0);
		if (strcmp(out, again) != 0)
			fprintf(stderr, "fuzz_asset: %s \"%s\" -> \"%s\"\n", type, out, again);
		CHECK(strcmp(out, again) == 0);
		/* a product reads back as the form it was stored in: the CPE
		** form exactly when it starts with the CPE prefix (issue 14) */
		if (type && strcmp(type, "product") == 0) {
			struct constituency_product p;
			int cpe = constituency_product_split(out, &p);
			CHECK(cpe == (strncmp(out, "cpe:2.3:", 8) == 0));
			CHECK(p.name.n > 0 && p.name.n <= n);
			CHECK(p.count >= 0);
		}
	}
	free(again);
	free(out);
	free(value);
	return 0;
}
