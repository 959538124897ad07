/*
** fuzz_apk_archive.c -- libFuzzer target for the whole triage of an app
** (src/apk/archive.c, verdict.c): the APK bytes a malicious app's author
** controls, read from memory as `parapet apk analyze` and the upload API
** read them (libzip, the manifest, the signers, every dex, the candidates),
** with small bounds so that bombs and limits are reached often.
**
** Checks:
**   1. apk_analyze returns 0 with a verdict or -1 with err and no verdict;
**   2. a verdict always holds the contract's members (package,
**      version_name, sha256 of 64 digits, permissions, signers,
**      candidates, errors), each error a part and a message;
**   3. every candidate is a type and a value that indicator_value_canon
**      keeps as it is (canonical), never listed twice;
**   4. apk_diff of the verdict with itself finds the same signer set
**      (when it has signers) and nothing added or removed.
** Seeds in fuzz/corpus/apk_archive/ are mkapks.py's signed samples. A
** broken check calls abort().
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apk/apk.h"
#include "indicator/indicator.h"

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "fuzz_apk_archive: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                                       \
			abort();                                                                 \
		}                                                                                \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct apk_opts o = { .lim = { .max_size = 4 << 20, .max_uncompressed = 8 << 20,
				       .max_entries = 512 },
			      .max_candidates = 200 };
	struct perr err = { 0 };
	json_t *v = NULL, *d = NULL, *x, *seen;
	size_t i;

	if (apk_analyze(data, size, &o, &v, &err) != 0) {
		CHECK(v == NULL && err.kind != PERR_OK && err.msg[0]);
		return 0;
	}
	CHECK(v != NULL);
	CHECK(json_is_string(json_object_get(v, "package")));
	CHECK(json_is_string(json_object_get(v, "version_name")));
	CHECK(strlen(json_string_value(json_object_get(v, "sha256"))) == 64);
	CHECK(json_is_array(json_object_get(v, "permissions")));
	CHECK(json_is_array(json_object_get(v, "signers")));
	json_array_foreach(json_object_get(v, "errors"), i, x)
	{
		CHECK(json_is_string(json_object_get(x, "part")));
		CHECK(json_is_string(json_object_get(x, "message")));
	}
	seen = json_object();
	json_array_foreach(json_object_get(v, "candidates"), i, x)
	{
		const char *t = json_string_value(json_object_get(x, "type"));
		const char *val = json_string_value(json_object_get(x, "value"));
		char canon[INDICATOR_VALUE_SIZE], key[INDICATOR_VALUE_SIZE + 16];
		CHECK(t && val);
		CHECK(indicator_value_canon(indicator_type_parse(t), val, strlen(val), canon,
					    sizeof(canon), &err) == 0);
		CHECK(!strcmp(canon, val));
		snprintf(key, sizeof(key), "%s %s", t, val);
		CHECK(!json_object_get(seen, key));
		json_object_set_new(seen, key, json_true());
	}
	json_decref(seen);
	CHECK(apk_diff(v, v, &d, &err) == 0);
	CHECK(json_array_size(json_object_get(d, "signers_added")) == 0);
	CHECK(json_array_size(json_object_get(d, "permissions_added")) == 0);
	CHECK(json_array_size(json_object_get(d, "components_removed")) == 0);
	if (json_array_size(json_object_get(v, "signers")))
		CHECK(json_is_true(json_object_get(d, "same_signer")));
	json_decref(d);
	json_decref(v);
	return 0;
}
