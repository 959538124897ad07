/*
** test_apk_sign.c — who signed an app and what its code names (issue 15:
** src/apk/sign.c, src/apk/dex.c), checked against the tools analysts use.
**
** The group setup runs tests/data/apk/mkapks.py: Debian's apksigner signs
** sample APKs (v1 only, v2 only, v3 only, all three, two signers) with keys
** openssl made, and apksigner's `verify --print-certs -v` and androguard
** report their signers; a hand-laid classes.dex and androguard's reading of
** its strings sit beside them. Parapet must find the same signers (SHA-256,
** subject, validity, serial, key type, schemes) and the same strings, field
** by field. Then malformed input, made by breaking those real files the way
** a hostile APK would (truncated end record, lying offsets, disagreeing
** size fields, huge counts, bad ULEB128), each refused with its fault, and
** the candidate indicators found in strings of app code.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apk/apk.h"

static char dir[] = "/tmp/test_apk_sign.XXXXXX";

static int group_setup(void **state)
{
	(void)state;
	const char *script = getenv("APK_MKAPKS");
	if (!script || !mkdtemp(dir))
		return -1;
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s' '%s'", script, dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "mkapks.py failed\n");
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void read_file(const char *path, struct pbuf *b)
{
	struct perr err = { 0 };
	if (core_file_read(path, 64u << 20, b, &err) != 0)
		fail_msg("read %s: %s", path, err.msg);
}

static void read_named(const char *name, struct pbuf *b)
{
	char p[1024];
	snprintf(p, sizeof(p), "%s/%.512s", dir, name);
	read_file(p, b);
}

/* expect.tsv's rows, split on tabs (at most 9 fields). */
struct row {
	char buf[2048];
	char *f[9];
	int n;
};

static FILE *open_expect(void)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/expect.tsv", dir);
	FILE *f = fopen(p, "r");
	assert_non_null(f);
	return f;
}

static bool next_row(FILE *f, struct row *r)
{
	if (!fgets(r->buf, sizeof(r->buf), f))
		return false;
	r->buf[strcspn(r->buf, "\n")] = '\0';
	r->n = 0;
	char *save = NULL;
	for (char *t = strtok_r(r->buf, "\t", &save); t && r->n < 9; t = strtok_r(NULL, "\t", &save))
		r->f[r->n++] = t;
	return true;
}

/* Parapet's reading of one sample: the block, then each v1 file. */
static void parse_sample(const char *name, struct apk_signers *out, int *block_rc)
{
	struct pbuf b;
	struct perr err = { 0 };
	char p[128];
	memset(out, 0, sizeof(*out));
	snprintf(p, sizeof(p), "%.64s.apk", name);
	read_named(p, &b);
	*block_rc = apk_sign_block((const uint8_t *)b.ptr, b.len, out, &err);
	if (*block_rc < 0)
		fail_msg("%s: %s", name, err.msg);
	pbuf_free(&b);

	FILE *f = open_expect();
	struct row r;
	while (next_row(f, &r)) {
		if (r.n == 3 && strcmp(r.f[0], "v1file") == 0 && strcmp(r.f[1], name) == 0) {
			read_file(r.f[2], &b);
			if (apk_sign_v1((const uint8_t *)b.ptr, b.len, out, &err) != 0)
				fail_msg("%s: v1 %s: %s", name, r.f[2], err.msg);
			pbuf_free(&b);
		}
	}
	fclose(f);
}

/* Every sample: the signers apksigner and androguard see, field by field. */
static void signers_match_apksigner_and_androguard(void **state)
{
	(void)state;
	FILE *f = open_expect();
	struct row r;
	struct apk_signers got;
	int block_rc = 0, samples = 0, v3rows = 0;
	unsigned seen_schemes = 0;
	char cur[64] = "";
	while (next_row(f, &r)) {
		if (r.n == 5 && strcmp(r.f[0], "apk") == 0) {
			samples++;
			snprintf(cur, sizeof(cur), "%s", r.f[1]);
			parse_sample(cur, &got, &block_rc);
			unsigned want = (unsigned)atoi(r.f[2]), ag = (unsigned)atoi(r.f[3]);
			assert_int_equal(want, ag); /* the two tools agree */
			unsigned mine = 0;
			for (size_t i = 0; i < got.n; i++)
				mine |= got.s[i].schemes;
			if (mine != want)
				fail_msg("%s: schemes %#x, apksigner %#x", cur, mine, want);
			seen_schemes |= mine;
			assert_int_equal(got.n, (size_t)atoi(r.f[4]));
			/* no signing block in a v1-only APK, one in every other */
			assert_int_equal(block_rc, want == APK_SCHEME_V1 ? 1 : 0);
		} else if (r.n == 9 && strcmp(r.f[0], "signer") == 0) {
			assert_string_equal(r.f[1], cur);
			const struct apk_signer *s = NULL;
			for (size_t i = 0; i < got.n; i++)
				if (strcmp(got.s[i].sha256, r.f[2]) == 0)
					s = &got.s[i];
			if (!s)
				fail_msg("%s: signer %s not found", cur, r.f[2]);
			assert_string_equal(s->subject, r.f[3]); /* androguard's */
			if (!strchr(r.f[8], '"'))
				assert_string_equal(s->subject, r.f[8]); /* apksigner's */
			assert_string_equal(s->issuer, r.f[3]); /* self-signed, as apps are */
			assert_int_equal(s->not_before, strtoll(r.f[4], NULL, 10));
			assert_int_equal(s->not_after, strtoll(r.f[5], NULL, 10));
			assert_string_equal(s->serial, r.f[6]);
			assert_string_equal(s->key_alg, r.f[7]);
			assert_true(s->key_bits == (strcmp(r.f[7], "EC") == 0 ? 256 : 2048));
			if (strcmp(cur, "utf8") == 0) /* UTF-8 kept, the comma escaped */
				assert_string_equal(s->subject, "CN=Dev\\, Inc.,O=\xd8\xb4\xd8\xb1\xda\xa9\xd8\xaa "
								"\xd9\x86\xd9\x85\xd9\x88\xd9\x86\xd9\x87,C=IR");
			if (s->schemes & (APK_SCHEME_V2 | APK_SCHEME_V3)) {
				assert_true(s->key_matches);
				assert_true(s->sig_ok);
			}
			if (!(s->schemes & APK_SCHEME_V3))
				assert_int_equal(s->min_sdk, 0);
		} else if (r.n == 4 && strcmp(r.f[0], "v3sdk") == 0) {
			/* single-signer samples: the v3 signer's SDK range */
			assert_int_equal(got.n, 1);
			assert_true(got.s[0].schemes & APK_SCHEME_V3);
			assert_int_equal(got.s[0].min_sdk, strtoul(r.f[2], NULL, 10));
			assert_int_equal(got.s[0].max_sdk, strtoul(r.f[3], NULL, 10));
			v3rows++;
		}
	}
	fclose(f);
	assert_int_equal(samples, 6);
	assert_int_equal(v3rows, 2); /* v3only, all */
	assert_int_equal(seen_schemes, APK_SCHEME_V1 | APK_SCHEME_V2 | APK_SCHEME_V3);
}

/* The two-signer APK lists each certificate once, with both schemes. */
static void two_signers_merged_by_certificate(void **state)
{
	(void)state;
	struct apk_signers got;
	int rc;
	parse_sample("two", &got, &rc);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.s[0].schemes, APK_SCHEME_V1 | APK_SCHEME_V2);
	assert_int_equal(got.s[1].schemes, APK_SCHEME_V1 | APK_SCHEME_V2);
	assert_string_not_equal(got.s[0].sha256, got.s[1].sha256);
}

/* ------------------------------------------------------ malformed blocks */

static size_t find_eocd(const uint8_t *p, size_t n)
{
	for (size_t i = n - 22 + 1; i-- > 0;)
		if (p[i] == 0x50 && p[i + 1] == 0x4b && p[i + 2] == 5 && p[i + 3] == 6)
			return i;
	fail_msg("no EOCD");
	return 0;
}

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static void wr32(uint8_t *p, uint32_t v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }

/* Parse a copy of buf mutated by fn; expect refusal naming what. */
static void refused(const struct pbuf *b, size_t len, const char *what, void (*fn)(uint8_t *, size_t))
{
	uint8_t *c = malloc(b->len);
	assert_non_null(c);
	memcpy(c, b->ptr, b->len);
	if (fn)
		fn(c, b->len);
	struct apk_signers out;
	struct perr err = { 0 };
	memset(&out, 0, sizeof(out));
	int rc = apk_sign_block(c, len, &out, &err);
	if (rc != -1 || !strstr(err.msg, what))
		fail_msg("want refusal '%s', got rc %d '%s'", what, rc, err.msg);
	free(c);
}

static void lie_cd_offset(uint8_t *p, size_t n)
{
	size_t e = find_eocd(p, n);
	wr32(p + e + 16, rd32(p + e + 16) + 100);
}

static void lie_cd_offset_huge(uint8_t *p, size_t n)
{
	size_t e = find_eocd(p, n);
	wr32(p + e + 16, 0xfffffff0u);
}

static void lie_comment_len(uint8_t *p, size_t n)
{
	size_t e = find_eocd(p, n);
	p[e + 20] = 7;
}

/* The footer's size field (just before the magic) grows; the header's stays. */
static void sizes_disagree(uint8_t *p, size_t n)
{
	size_t e = find_eocd(p, n), cd = rd32(p + e + 16);
	p[cd - 24] += 8;
}

static void footer_size_huge(uint8_t *p, size_t n)
{
	size_t e = find_eocd(p, n), cd = rd32(p + e + 16);
	memset(p + cd - 24, 0xff, 8);
}

/* Block start, from a valid footer. */
static size_t block_start(const uint8_t *p, size_t n)
{
	size_t e = find_eocd(p, n), cd = rd32(p + e + 16);
	return cd - (size_t)rd32(p + cd - 24) - 8;
}

static void pair_len_huge(uint8_t *p, size_t n)
{
	size_t s = block_start(p, n);
	wr32(p + s + 8, 0x7fffffffu);
}

/* The v2 value: u32 length of the signer sequence, then the first
** signer's u32 length: both lie. */
static void signer_seq_huge(uint8_t *p, size_t n)
{
	size_t s = block_start(p, n);
	assert_int_equal(rd32(p + s + 16), 0x7109871au);
	wr32(p + s + 20, 0xfffffff0u);
}

static void signer_len_huge(uint8_t *p, size_t n)
{
	size_t s = block_start(p, n);
	wr32(p + s + 24, 0xfffffff0u);
}

/* The first signer's signed data: its length lies by one byte. */
static void signed_data_len_lies(uint8_t *p, size_t n)
{
	size_t s = block_start(p, n);
	wr32(p + s + 28, rd32(p + s + 28) + 1);
}

static void bad_magic(uint8_t *p, size_t n)
{
	size_t e = find_eocd(p, n), cd = rd32(p + e + 16);
	p[cd - 1] = 'x';
}

static void malformed_signing_blocks_are_refused(void **state)
{
	(void)state;
	struct pbuf b;
	read_named("v2only.apk", &b);
	refused(&b, 21, "not a ZIP", NULL);
	refused(&b, b.len - 3, "no ZIP end of central directory", NULL); /* truncated EOCD */
	refused(&b, b.len, "does not end at the end record", lie_cd_offset);
	refused(&b, b.len, "does not end at the end record", lie_cd_offset_huge);
	refused(&b, b.len, "no ZIP end of central directory", lie_comment_len);
	refused(&b, b.len, "two size fields disagree", sizes_disagree);
	refused(&b, b.len, "does not fit before offset", footer_size_huge);
	refused(&b, b.len, "overruns the block", pair_len_huge);
	refused(&b, b.len, "signer sequence overruns", signer_seq_huge);
	refused(&b, b.len, "signer overruns", signer_len_huge);
	refused(&b, b.len, "overrun", signed_data_len_lies);

	/* Without the magic, the APK has no block (v1-only reading): not an error. */
	uint8_t *c = malloc(b.len);
	assert_non_null(c);
	memcpy(c, b.ptr, b.len);
	bad_magic(c, b.len);
	struct apk_signers out;
	memset(&out, 0, sizeof(out));
	assert_int_equal(apk_sign_block(c, b.len, &out, NULL), 1);
	assert_int_equal(out.n, 0);
	free(c);
	pbuf_free(&b);
}

/* A byte of the first signer's signed data changed (its first digest):
** the block still reads, the certificate is still there, but the
** signature no longer verifies -- as with a pasted certificate. */
static void tampered_signed_data_fails_signature(void **state)
{
	(void)state;
	struct pbuf b;
	read_named("v2only.apk", &b);
	uint8_t *p = (uint8_t *)b.ptr;
	size_t s = block_start(p, b.len);
	struct apk_signers out;
	memset(&out, 0, sizeof(out));
	assert_int_equal(apk_sign_block(p, b.len, &out, NULL), 0);
	assert_true(out.s[0].sig_ok);
	char sha[65];
	memcpy(sha, out.s[0].sha256, sizeof(sha));

	p[s + 44] ^= 1; /* signer +28: signed data; +32 digests; +44 first digest byte */
	memset(&out, 0, sizeof(out));
	assert_int_equal(apk_sign_block(p, b.len, &out, NULL), 0);
	assert_int_equal(out.n, 1);
	assert_string_equal(out.s[0].sha256, sha);
	assert_true(out.s[0].key_matches);
	assert_false(out.s[0].sig_ok);
	pbuf_free(&b);
}

/* v3.1 (Android 13's rotation block) has v3's format under its own id;
** apksigner 31 in Debian does not write it, so the v3 sample's block is
** relabelled: its signer reads as v3.1, with v3's fields. */
static void v31_block_reads_as_v31(void **state)
{
	(void)state;
	struct pbuf b;
	read_named("v3only.apk", &b);
	uint8_t *p = (uint8_t *)b.ptr;
	size_t s = block_start(p, b.len);
	assert_int_equal(rd32(p + s + 16), 0xf05368c0u);
	wr32(p + s + 16, 0x1b93ad61u);
	struct apk_signers out;
	memset(&out, 0, sizeof(out));
	assert_int_equal(apk_sign_block(p, b.len, &out, NULL), 0);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.s[0].schemes, APK_SCHEME_V31);
	assert_true(out.s[0].sig_ok);
	assert_true(out.s[0].min_sdk > 0);
	pbuf_free(&b);
}

/* A block of 1,025 empty pairs (ids nobody knows) in a minimal ZIP end:
** refused at the limit, not walked without end; 1,024 are accepted. */
static void too_many_pairs_are_refused(void **state)
{
	(void)state;
	for (int npairs = 1024; npairs <= 1025; npairs++) {
		size_t size = 8 + 12 * (size_t)npairs + 24 - 8; /* after the leading size field */
		size_t len = 8 + size + 22;
		uint8_t *p = calloc(1, len);
		assert_non_null(p);
		wr32(p, (uint32_t)size);
		for (int i = 0; i < npairs; i++) {
			wr32(p + 8 + 12 * (size_t)i, 4); /* u64 length 4 */
			wr32(p + 8 + 12 * (size_t)i + 8, 0x42424242u);
		}
		size_t foot = 8 + 12 * (size_t)npairs;
		wr32(p + foot, (uint32_t)size);
		memcpy(p + foot + 8, "APK Sig Block 42", 16);
		size_t e = foot + 24;
		assert_int_equal(e, 8 + size);
		wr32(p + e, 0x06054b50u);
		wr32(p + e + 16, (uint32_t)e); /* empty central directory at e */
		struct apk_signers out;
		struct perr err = { 0 };
		memset(&out, 0, sizeof(out));
		int rc = apk_sign_block(p, len, &out, &err);
		if (npairs == 1024) {
			assert_int_equal(rc, 0);
			assert_int_equal(out.n, 0);
		} else {
			assert_int_equal(rc, -1);
			assert_int_equal(err.kind, PERR_LIMIT);
		}
		free(p);
	}
}

static void malformed_v1_and_certificates_are_refused(void **state)
{
	(void)state;
	struct pbuf b;
	struct apk_signers out;
	struct perr err = { 0 };
	memset(&out, 0, sizeof(out));
	read_named("v1only.v1.0", &b);
	assert_int_equal(apk_sign_v1((const uint8_t *)b.ptr, b.len / 2, &out, &err), -1);
	assert_non_null(strstr(err.msg, "PKCS#7"));
	assert_int_equal(apk_sign_v1((const uint8_t *)"\x30\x03\x02\x01\x01", 5, &out, &err), -1);
	assert_int_equal(apk_sign_v1(NULL, 0, &out, &err), -1);
	assert_int_equal(out.n, 0);
	pbuf_free(&b);

	struct apk_signer s;
	assert_int_equal(apk_sign_cert((const uint8_t *)"\x30\x82\xff\xff", 4, &s, &err), -1);
	assert_int_equal(err.kind, PERR_INVALID);
}

/* ------------------------------------------------------------------- dex */

struct collect {
	FILE *want;
	int n;
	char line[4096];
};

static int cmp_string(void *ctx, uint32_t idx, const char *s, size_t len)
{
	struct collect *c = ctx;
	assert_int_equal(idx, (uint32_t)c->n);
	assert_non_null(fgets(c->line, sizeof(c->line), c->want));
	char hexs[4096] = "";
	for (size_t i = 0; i < len && 2 * i + 2 < sizeof(hexs); i++)
		snprintf(hexs + 2 * i, 3, "%02x", (unsigned char)s[i]);
	c->line[strcspn(c->line, "\n")] = '\0';
	if (strcmp(hexs, c->line) != 0)
		fail_msg("string %u: parapet %s, androguard %s", idx, hexs, c->line);
	assert_int_equal(s[len], '\0');
	c->n++;
	return 0;
}

static void dex_strings_match_androguard(void **state)
{
	(void)state;
	struct pbuf b;
	struct perr err = { 0 };
	char p[512];
	read_named("classes.dex", &b);
	snprintf(p, sizeof(p), "%s/dex.tsv", dir);
	struct collect c = { fopen(p, "r"), 0, "" };
	assert_non_null(c.want);
	long n = apk_dex_strings((const uint8_t *)b.ptr, b.len, NULL, cmp_string, &c, &err);
	if (n < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(n, 12);
	assert_int_equal(c.n, 12);
	assert_null(fgets(c.line, sizeof(c.line), c.want)); /* androguard has no more */
	fclose(c.want);
	pbuf_free(&b);
}

static int count_only(void *ctx, uint32_t idx, const char *s, size_t len)
{
	(void)idx, (void)s, (void)len;
	(*(int *)ctx)++;
	return 0;
}

static void dex_refused(const struct pbuf *b, size_t len, const struct apk_dex_limits *lim, void (*fn)(uint8_t *),
			enum perr_kind kind, const char *what)
{
	uint8_t *c = malloc(b->len);
	assert_non_null(c);
	memcpy(c, b->ptr, b->len);
	if (fn)
		fn(c);
	struct perr err = { 0 };
	int k = 0;
	long n = apk_dex_strings(c, len, lim, count_only, &k, &err);
	if (n != -1 || err.kind != kind || !strstr(err.msg, what))
		fail_msg("want '%s', got %ld '%s'", what, n, err.msg);
	free(c);
}

static void dex_bad_magic(uint8_t *p) { p[6] = '4'; }
static void dex_huge_count(uint8_t *p) { wr32(p + 0x38, 0x7fffffff); }
static void dex_ids_past_end(uint8_t *p) { wr32(p + 0x3c, 0xfffffff0u); }
/* string 3's offset points past the file; string 5's length is a
** ULEB128 of five bytes all with the high bit set. */
static void dex_lying_offset(uint8_t *p) { wr32(p + 0x70 + 12, 0x7ffffff0u); }
static void dex_bad_uleb(uint8_t *p)
{
	uint32_t off = rd32(p + 0x70 + 20);
	memset(p + off, 0xff, 5);
}
static void dex_overlong_uleb(uint8_t *p)
{
	uint32_t off = rd32(p + 0x70 + 20);
	memcpy(p + off, "\x80\x80\x80\x80\x10", 5);
}
/* Every string_id points at the one string: the text is bounded in total. */
static void dex_same_string(uint8_t *p)
{
	uint32_t off = rd32(p + 0x70 + 4 * 11);
	for (int i = 0; i < 12; i++)
		wr32(p + 0x70 + 4 * i, off);
}
static void dex_unterminated(uint8_t *p)
{
	(void)p;
}

static void malformed_dex_is_refused(void **state)
{
	(void)state;
	struct pbuf b;
	read_named("classes.dex", &b);
	dex_refused(&b, 0x6f, NULL, NULL, PERR_INVALID, "shorter than its header");
	dex_refused(&b, b.len, NULL, dex_bad_magic, PERR_INVALID, "not a dex file");
	dex_refused(&b, b.len, NULL, dex_huge_count, PERR_LIMIT, "strings (limit");
	struct apk_dex_limits big = { 0xffffffffu, 0 };
	dex_refused(&b, b.len, &big, dex_huge_count, PERR_INVALID, "overrun the file");
	dex_refused(&b, b.len, NULL, dex_ids_past_end, PERR_INVALID, "overrun the file");
	dex_refused(&b, b.len, NULL, dex_lying_offset, PERR_INVALID, "offset out of the file");
	dex_refused(&b, b.len, NULL, dex_bad_uleb, PERR_INVALID, "bad ULEB128");
	dex_refused(&b, b.len, NULL, dex_overlong_uleb, PERR_INVALID, "bad ULEB128");
	struct apk_dex_limits small = { 0, 100 };
	dex_refused(&b, b.len, &small, dex_same_string, PERR_LIMIT, "string data over 100 bytes");
	struct apk_dex_limits few = { 5, 0 };
	dex_refused(&b, b.len, &few, NULL, PERR_LIMIT, "12 strings (limit 5)");
	/* the file cut inside the string data: the last string has no end */
	uint32_t last = rd32((const uint8_t *)b.ptr + 0x70 + 4 * 11);
	dex_refused(&b, last + 3, NULL, dex_unterminated, PERR_INVALID, "not terminated");

	pbuf_free(&b);
}

struct last {
	char s[1024];
	size_t len;
	uint32_t calls;
};

static int keep_last(void *ctx, uint32_t idx, const char *s, size_t len)
{
	struct last *l = ctx;
	(void)idx;
	l->calls++;
	assert_true(len < sizeof(l->s));
	memcpy(l->s, s, len);
	l->len = len;
	return l->calls == 3; /* stop after the third */
}

/* Bytes that are no MUTF-8 (a hostile string) read as U+FFFD each, three
** bytes of output for one of input; a callback can stop the walk. */
static void dex_bad_mutf8_and_stop(void **state)
{
	(void)state;
	struct pbuf b;
	read_named("classes.dex", &b);
	uint8_t *p = (uint8_t *)b.ptr;
	uint32_t off = rd32(p + 0x70 + 4 * 11) + 1; /* after the 1-byte ULEB128 */
	size_t n = strlen((const char *)p + off);
	assert_true(n > 10);
	memset(p + off, 0x80, n);
	struct last l = { "", 0, 0 };
	struct perr err = { 0 };
	/* every string: the callback never stops before the last */
	l.calls = 100;
	assert_int_equal(apk_dex_strings(p, b.len, NULL, keep_last, &l, &err), 12);
	assert_int_equal(l.len, 3 * n);
	for (size_t i = 0; i < n; i++)
		assert_memory_equal(l.s + 3 * i, "\xef\xbf\xbd", 3);
	l.calls = 0;
	assert_int_equal(apk_dex_strings(p, b.len, NULL, keep_last, &l, &err), 3);
	pbuf_free(&b);
}

/* ------------------------------------------------------------ candidates */

struct cands {
	char got[2048];
};

static int add_cand(void *ctx, enum apk_cand_kind k, const char *v, size_t n)
{
	struct cands *c = ctx;
	size_t l = strlen(c->got);
	snprintf(c->got + l, sizeof(c->got) - l, "%s%s=%.*s", l ? " " : "", apk_cand_kind_name(k), (int)n, v);
	return 0;
}

static void cands(const char *s, const char *want)
{
	struct cands c = { "" };
	size_t n = apk_dex_candidates(s, strlen(s), add_cand, &c);
	if (strcmp(c.got, want) != 0)
		fail_msg("'%s': got '%s', want '%s'", s, c.got, want);
	size_t w = *want ? 1 : 0; /* one candidate per space-separated item */
	for (const char *q = want; *q; q++)
		w += *q == ' ';
	assert_int_equal(n, w);
}

static void candidates_in_app_strings(void **state)
{
	(void)state;
	/* URLs and their hosts */
	cands("https://evil-c2.example.ir/gate.php?id=1",
	      "url=https://evil-c2.example.ir/gate.php?id=1 domain=evil-c2.example.ir");
	cands("http://185.143.232.10:8080/upload", "url=http://185.143.232.10:8080/upload ipv4=185.143.232.10");
	cands("GET wss://user@[2001:db8::5]:443/ws\"", "url=wss://user@[2001:db8::5]:443/ws ipv6=2001:db8::5");
	cands("see HTTPS://Api.Example.COM/x.", "url=HTTPS://Api.Example.COM/x domain=Api.Example.COM");
	/* a URL whose host is no host is not a candidate */
	cands("http://localhost/ http://%s/", "");
	/* bare hosts and addresses */
	cands("api.telegram.org", "domain=api.telegram.org");
	cands("c2=10.20.30.40;port=443", "ipv4=10.20.30.40");
	cands("backup 2001:db8:85a3::8a2e:370:7334 end", "ipv6=2001:db8:85a3::8a2e:370:7334");
	cands("mqtt.example.co.uk:1883", "domain=mqtt.example.co.uk");
	cands("پیام به pay.example.ir برای", "domain=pay.example.ir");
	/* the noise of app code: no candidates */
	cands("com.example.app", "");
	cands("org.apache.http.client.methods", "");
	cands("Lcom/example/Main;", "");
	cands("libnative.so", "");
	cands("payload.zip", "");
	cands("R.id.Main", "");
	cands("version 1.2.3 or 1.2.3.4.5", "");
	cands("999.1.1.1", "");
	cands("std::vector a::b", "");
	cands("file.unknowntld", "");
	cands("", "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signers_match_apksigner_and_androguard),
		cmocka_unit_test(two_signers_merged_by_certificate),
		cmocka_unit_test(malformed_signing_blocks_are_refused),
		cmocka_unit_test(tampered_signed_data_fails_signature),
		cmocka_unit_test(v31_block_reads_as_v31),
		cmocka_unit_test(too_many_pairs_are_refused),
		cmocka_unit_test(malformed_v1_and_certificates_are_refused),
		cmocka_unit_test(dex_strings_match_androguard),
		cmocka_unit_test(malformed_dex_is_refused),
		cmocka_unit_test(dex_bad_mutf8_and_stop),
		cmocka_unit_test(candidates_in_app_strings),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
