/*
** fuzz_csaf.c -- libFuzzer target for CSAF 2.0 documents
** (src/advisory/csaf.c: advisory_csaf_import and advisory_csaf_export).
**
** A CSAF advisory comes from a vendor's feed or a peer CERT: any bytes.
** The input is imported as given (its length is the bound) and checked:
**
**   1. refused: PERR_INVALID or PERR_LIMIT with a message, and no document;
**   2. accepted: a document that advisory_normalise accepts again unchanged
**      (import hands over only what the record would store), with at most
**      ADVISORY_PRODUCTS_MAX products;
**   3. that document exports as CSAF 2.0 (csaf_security_advisory), and the
**      export imports again with the same CVE ids and as many products: what
**      Parapet writes, Parapet (and a peer running it) reads back.
** Seeds in fuzz/corpus/csaf/ are the OASIS examples (tests/data/csaf/:
** Cisco, BSI, Red Hat) and a few small hand-made documents. A broken check
** calls abort().
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "fuzz_csaf: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                           \
			abort();                                                     \
		}                                                                    \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = NULL;
	struct perr err = { 0 };
	if (advisory_csaf_import((const char *)data, size, &doc, &err) != 0) {
		CHECK(doc == NULL);
		CHECK(err.kind == PERR_INVALID || err.kind == PERR_LIMIT);
		CHECK(err.msg[0] != '\0');
		return 0;
	}
	CHECK(doc != NULL);
	CHECK(json_array_size(json_object_get(doc, "products")) <= ADVISORY_PRODUCTS_MAX);
	json_t *again = json_deep_copy(doc);
	CHECK(again && advisory_normalise(again, &err) == 0);
	CHECK(json_equal(again, doc));
	json_decref(again);

	json_object_set_new(doc, "id", json_integer(1));
	json_object_set_new(doc, "version", json_integer(1));
	json_object_set_new(doc, "status", json_string("published"));
	json_t *csaf = NULL;
	CHECK(advisory_csaf_export(doc, NULL, &csaf, &err) == 0);
	CHECK(strcmp(json_string_value(json_object_get(json_object_get(csaf, "document"),
						       "category")),
		     "csaf_security_advisory") == 0);
	char *text = json_dumps(csaf, JSON_COMPACT);
	CHECK(text != NULL);
	json_t *back = NULL;
	if (strlen(text) <= ADVISORY_DOC_MAX) {
		CHECK(advisory_csaf_import(text, strlen(text), &back, &err) == 0);
		CHECK(json_equal(json_object_get(back, "cves"), json_object_get(doc, "cves")));
		CHECK(json_array_size(json_object_get(back, "products")) ==
		      json_array_size(json_object_get(doc, "products")));
	}
	free(text);
	json_decref(back);
	json_decref(csaf);
	json_decref(doc);
	return 0;
}
