/*
** fuzz_advisory_link.c -- libFuzzer target for the signed links of advisory
** mails (src/advisory/link.c): the token in a link arrives from anyone who
** holds, forwards or forges a mail, so advisory_link_check must refuse any
** token it did not sign, and never read past one.
**
** The link key is a fixed 32 bytes written to a private temporary data
** directory once, so the seeds in fuzz/corpus/advisory_link/ (tokens
** signed with that key) verify and the fuzzer mutates real tokens. Checks:
**   1. check: accepted only with a positive advisory and organisation and
**      an action of read or ack; refused only as PERR_INVALID (malformed,
**      bad signature) or PERR_FORBIDDEN (expired);
**   2. a token signed from the input's first bytes verifies to the same
**      advisory, organisation and action, and stops verifying when any one
**      of its characters is changed.
** A broken check calls abort().
*/
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advisory/advisory.h"

#define CHECK(cond)                                                                         \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "fuzz_advisory_link: check failed: %s (line %d)\n", \
				#cond, __LINE__);                                           \
			abort();                                                            \
		}                                                                           \
	} while (0)

static char dir[64];
static uint8_t key[ADVISORY_LINK_KEY_LEN];

static char key_file[128];

static void cleanup(void)
{
	unlink(key_file);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "/tmp/parapet-fuzz-link-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	for (int i = 0; i < ADVISORY_LINK_KEY_LEN; i++)
		key[i] = (uint8_t)(0x5a ^ i);
	snprintf(key_file, sizeof(key_file), "%s/advisory-link.key", dir);
	atexit(cleanup);
	int fd = open(key_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, key, sizeof(key)) != (ssize_t)sizeof(key))
		abort();
	close(fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char tok[1024], action[8];
	int64_t id = 0, org = 0;
	struct perr err = { 0 };
	size_t n = size < sizeof(tok) - 1 ? size : sizeof(tok) - 1;
	memcpy(tok, data, n);
	tok[n] = 0;
	if (advisory_link_check(dir, tok, 1, &id, &org, action, &err) == 0) {
		CHECK(id > 0 && org > 0);
		CHECK(strcmp(action, "read") == 0 || strcmp(action, "ack") == 0);
	} else {
		CHECK(err.kind == PERR_INVALID || err.kind == PERR_FORBIDDEN);
	}

	if (size < 9)
		return 0;
	int64_t want_id = 1 + (data[0] | data[1] << 8 | data[2] << 16);
	int64_t want_org = 1 + (data[3] | data[4] << 8);
	int64_t exp = 2 + (int64_t)(data[5] | data[6] << 8) * 1000000;
	const char *want = data[7] & 1 ? "ack" : "read";
	char signed_tok[ADVISORY_LINK_MAX];
	CHECK(advisory_link_sign(key, want_id, want_org, want, exp, signed_tok,
				 sizeof(signed_tok), &err) == 0);
	CHECK(advisory_link_check(dir, signed_tok, 1, &id, &org, action, &err) == 0);
	CHECK(id == want_id && org == want_org && strcmp(action, want) == 0);
	size_t len = strlen(signed_tok), at = data[8] % len;
	char c = signed_tok[at];
	signed_tok[at] = c == 'A' ? 'B' : 'A';
	if (c != '.')
		CHECK(advisory_link_check(dir, signed_tok, 1, &id, &org, action, &err) != 0);
	return 0;
}
