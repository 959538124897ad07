/*
** fuzz_apk_sign.c -- libFuzzer target for who signed an app
** (src/apk/sign.c): the APK bytes a malicious app's author controls, read
** for its APK Signing Block (v2, v3, v3.1), and the same bytes as a v1
** PKCS#7 signature file and as an X.509 certificate.
**
** Checks:
**   1. apk_sign_block returns 0, 1 or -1; on 1, out is untouched; on -1,
**      err names a kind and a message;
**   2. every signer found (by either reader) holds at most
**      APK_SIGN_MAX_SIGNERS entries, a 64-digit lower-case hex SHA-256,
**      NUL-terminated subject, issuer, serial and key type, and at least
**      one scheme bit; no two signers share a certificate (merging);
**   3. the same input read as a v1 file merges into the block's signers
**      without breaking 2.
** Seeds in fuzz/corpus/apk_sign/ are APKs apksigner signed (v2 only, v1
** with v2 and v3, two signers) and a v1 signature file. A broken check
** calls abort().
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apk/apk.h"

#define CHECK(cond)                                                                           \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "fuzz_apk_sign: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                                    \
			abort();                                                              \
		}                                                                             \
	} while (0)

static void check_signers(const struct apk_signers *o)
{
	CHECK(o->n <= APK_SIGN_MAX_SIGNERS);
	for (size_t i = 0; i < o->n; i++) {
		const struct apk_signer *s = &o->s[i];
		CHECK(strlen(s->sha256) == 64);
		CHECK(strspn(s->sha256, "0123456789abcdef") == 64);
		CHECK(memchr(s->subject, 0, sizeof(s->subject)));
		CHECK(memchr(s->issuer, 0, sizeof(s->issuer)));
		CHECK(memchr(s->serial, 0, sizeof(s->serial)));
		CHECK(memchr(s->key_alg, 0, sizeof(s->key_alg)));
		CHECK(s->schemes != 0 && (s->schemes & ~0xfu) == 0);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(o->s[j].sha256, s->sha256) != 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct apk_signers out;
	struct perr err = { 0 };

	memset(&out, 0, sizeof(out));
	int rc = apk_sign_block(data, size, &out, &err);
	CHECK(rc == 0 || rc == 1 || rc == -1);
	if (rc == 1)
		CHECK(out.n == 0);
	if (rc == -1)
		CHECK(err.kind != PERR_OK && err.msg[0] != '\0');
	check_signers(&out);

	if (apk_sign_v1(data, size, &out, &err) != 0)
		CHECK(err.kind != PERR_OK);
	check_signers(&out);

	struct apk_signer s;
	memset(&s, 0, sizeof(s));
	if (apk_sign_cert(data, size, &s, &err) == 0)
		CHECK(strlen(s.sha256) == 64);
	return 0;
}
