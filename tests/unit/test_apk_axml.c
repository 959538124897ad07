/*
** test_apk_axml.c — the AXML parser (src/apk/axml.c) on byte streams made
** by hand, for what aapt never writes: UTF-8 string pools, attribute names
** stripped by an obfuscator (only the resource map tells them apart),
** every typed value kind, bytes fed one at a time, and each kind of
** malformed document (named after the fault) refused with the fault named
** in the message and nothing read outside the input (ASan checks that).
** Real aapt output is compared with androguard in tests/integration.
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

#define ANDROID_NS "http://schemas.android.com/apk/res/android"

/* ------------------------------------------------------------ the builder */

struct doc {
	uint8_t b[8192];
	size_t n;
};

static void u8(struct doc *d, uint8_t v) { d->b[d->n++] = v; }
static void u16(struct doc *d, uint16_t v)
{
	u8(d, (uint8_t)v);
	u8(d, (uint8_t)(v >> 8));
}
static void u32(struct doc *d, uint32_t v)
{
	u16(d, (uint16_t)v);
	u16(d, (uint16_t)(v >> 16));
}
static void put32(struct doc *d, size_t at, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		d->b[at + i] = (uint8_t)(v >> (8 * i));
}
static void align4(struct doc *d)
{
	while (d->n & 3)
		u8(d, 0);
}

static void doc_begin(struct doc *d)
{
	d->n = 0;
	u16(d, 0x0003);
	u16(d, 8);
	u32(d, 0); /* patched by doc_end */
}
static void doc_end(struct doc *d) { put32(d, 4, (uint32_t)d->n); }

/* A string pool of n strings (UTF-8 or UTF-16; ASCII and, in UTF-16, any
** UTF-8 input decoded to code units). */
static void pool(struct doc *d, const char *const *s, uint32_t n, bool utf8)
{
	size_t at = d->n, start;
	u16(d, 0x0001);
	u16(d, 28);
	u32(d, 0);
	u32(d, n);
	u32(d, 0);
	u32(d, utf8 ? 0x100 : 0);
	u32(d, 28 + 4 * n);
	u32(d, 0);
	size_t offs = d->n;
	for (uint32_t i = 0; i < n; i++)
		u32(d, 0);
	start = d->n;
	for (uint32_t i = 0; i < n; i++) {
		size_t len = strlen(s[i]);
		put32(d, offs + 4 * i, (uint32_t)(d->n - start));
		if (utf8) {
			u8(d, (uint8_t)len);
			u8(d, (uint8_t)len);
			memcpy(d->b + d->n, s[i], len);
			d->n += len;
			u8(d, 0);
		} else {
			/* code units from UTF-8 (4-byte sequences as surrogate pairs) */
			uint16_t units[1024];
			size_t k = 0;
			const unsigned char *p = (const unsigned char *)s[i];
			while (*p) {
				uint32_t c;
				if (*p < 0x80) {
					c = *p++;
				} else if (*p < 0xe0) {
					c = (uint32_t)(*p & 0x1f) << 6 | (p[1] & 0x3f);
					p += 2;
				} else if (*p < 0xf0) {
					c = (uint32_t)(*p & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
					p += 3;
				} else {
					c = (uint32_t)(*p & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 |
					    (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
					p += 4;
				}
				if (c >= 0x10000) {
					c -= 0x10000;
					units[k++] = (uint16_t)(0xd800 + (c >> 10));
					units[k++] = (uint16_t)(0xdc00 + (c & 0x3ff));
				} else {
					units[k++] = (uint16_t)c;
				}
			}
			u16(d, (uint16_t)k);
			for (size_t j = 0; j < k; j++)
				u16(d, units[j]);
			u16(d, 0);
		}
	}
	align4(d);
	put32(d, at + 4, (uint32_t)(d->n - at));
}

static void resmap(struct doc *d, const uint32_t *ids, uint32_t n)
{
	u16(d, 0x0180);
	u16(d, 8);
	u32(d, 8 + 4 * n);
	for (uint32_t i = 0; i < n; i++)
		u32(d, ids[i]);
}

static void node_head(struct doc *d, uint16_t type, uint32_t size)
{
	u16(d, type);
	u16(d, 16);
	u32(d, size);
	u32(d, 1);           /* line */
	u32(d, 0xffffffff); /* comment */
}

static void ns_node(struct doc *d, uint16_t type, uint32_t prefix, uint32_t uri)
{
	node_head(d, type, 24);
	u32(d, prefix);
	u32(d, uri);
}

struct a {
	uint32_t ns, name, raw;
	uint8_t type;
	uint32_t data;
};

static void start_el(struct doc *d, uint32_t ns, uint32_t name, const struct a *at, uint16_t n)
{
	node_head(d, 0x0102, 16 + 20 + 20u * n);
	u32(d, ns);
	u32(d, name);
	u16(d, 20);
	u16(d, 20);
	u16(d, n);
	u16(d, 0);
	u16(d, 0);
	u16(d, 0);
	for (uint16_t i = 0; i < n; i++) {
		u32(d, at[i].ns);
		u32(d, at[i].name);
		u32(d, at[i].raw);
		u16(d, 8);
		u8(d, 0);
		u8(d, at[i].type);
		u32(d, at[i].data);
	}
}

static void end_el(struct doc *d, uint32_t ns, uint32_t name)
{
	node_head(d, 0x0103, 24);
	u32(d, ns);
	u32(d, name);
}

static void cdata(struct doc *d, uint32_t s)
{
	node_head(d, 0x0104, 28);
	u32(d, s);
	u16(d, 8);
	u8(d, 0);
	u8(d, 0x03);
	u32(d, s);
}

#define NONE 0xffffffffu

/* The strings of the sample manifest. Attribute name strings 0..5 map to
** android ids through the resource map; `blank` empties them, as
** obfuscators do (the platform reads only the ids). */
enum {
	S_NAME, S_VCODE, S_VNAME, S_MIN, S_LABEL, S_EXPORTED,
	S_ANDROID, S_URI, S_MANIFEST, S_PACKAGE, S_PKG, S_VN, S_USES_SDK,
	S_USES_PERM, S_PERM1, S_PERM2, S_APP, S_APPLABEL, S_RECEIVER, S_RCV,
	S_FILTER, S_ACTION, S_BOOT, S_DECOY, S_DECOY_NAME, S_COUNT
};

static void manifest_doc_map(struct doc *d, bool utf8, bool blank, bool map)
{
	const char *s[S_COUNT] = {
		"name", "versionCode", "versionName", "minSdkVersion", "label", "exported",
		"android", ANDROID_NS, "manifest", "package", "ir.test.app", "1.0",
		"uses-sdk", "uses-permission", "android.permission.READ_SMS",
		"android.permission.INTERNET", "application", "Test App", "receiver",
		".Boot", "intent-filter", "action", "android.intent.action.BOOT_COMPLETED",
		"6.6.6", "versionName",
	};
	static const uint32_t ids[] = { 0x01010003, 0x0101021b, 0x0101021c, 0x0101020c,
					0x01010001, 0x01010010 };
	if (blank)
		for (int i = S_NAME; i <= S_EXPORTED; i++)
			s[i] = "";
	doc_begin(d);
	pool(d, s, S_COUNT, utf8);
	if (map)
		resmap(d, ids, 6);
	ns_node(d, 0x0100, S_ANDROID, S_URI);
	{
		/* a decoy versionName with no resource id comes first: the
		** platform ignores it, so must we */
		struct a at[] = {
			{ S_URI, S_DECOY_NAME, S_DECOY, 0x03, S_DECOY },
			{ NONE, S_PACKAGE, S_PKG, 0x03, S_PKG },
			{ S_URI, S_VCODE, NONE, 0x10, 7 },
			{ S_URI, S_VNAME, S_VN, 0x03, S_VN },
		};
		start_el(d, NONE, S_MANIFEST, at, 4);
	}
	{
		struct a at[] = { { S_URI, S_MIN, NONE, 0x10, 21 } };
		start_el(d, NONE, S_USES_SDK, at, 1);
		end_el(d, NONE, S_USES_SDK);
	}
	for (uint32_t p = S_PERM1; p <= S_PERM2; p++) {
		struct a at[] = { { S_URI, S_NAME, p, 0x03, p } };
		start_el(d, NONE, S_USES_PERM, at, 1);
		end_el(d, NONE, S_USES_PERM);
	}
	{
		struct a at[] = { { S_URI, S_LABEL, S_APPLABEL, 0x03, S_APPLABEL } };
		start_el(d, NONE, S_APP, at, 1);
	}
	{
		struct a at[] = { { S_URI, S_NAME, S_RCV, 0x03, S_RCV },
				  { S_URI, S_EXPORTED, NONE, 0x12, 0xffffffff } };
		start_el(d, NONE, S_RECEIVER, at, 2);
	}
	start_el(d, NONE, S_FILTER, NULL, 0);
	{
		struct a at[] = { { S_URI, S_NAME, S_BOOT, 0x03, S_BOOT } };
		start_el(d, NONE, S_ACTION, at, 1);
		cdata(d, S_APPLABEL);
		end_el(d, NONE, S_ACTION);
	}
	end_el(d, NONE, S_FILTER);
	end_el(d, NONE, S_RECEIVER);
	end_el(d, NONE, S_APP);
	end_el(d, NONE, S_MANIFEST);
	ns_node(d, 0x0101, S_ANDROID, S_URI);
	doc_end(d);
}

static void manifest_doc(struct doc *d, bool utf8, bool blank)
{
	manifest_doc_map(d, utf8, blank, true);
}

static void check_facts(const struct doc *d)
{
	struct axml_manifest m;
	struct perr err = { 0 };
	if (axml_manifest_parse(d->b, d->n, NULL, &m, &err) != 0)
		fail_msg("refused: %s", err.msg);
	assert_string_equal(m.package, "ir.test.app");
	assert_string_equal(m.version_code, "7");
	assert_string_equal(m.version_name, "1.0");
	assert_string_equal(m.min_sdk, "21");
	assert_string_equal(m.target_sdk, "");
	assert_int_equal(m.permissions.n, 2);
	assert_string_equal(m.permissions.v[0], "android.permission.READ_SMS");
	assert_string_equal(m.permissions.v[1], "android.permission.INTERNET");
	assert_string_equal(m.label, "Test App");
	assert_false(m.label_is_ref);
	assert_int_equal(m.ncomps, 1);
	assert_string_equal(m.comps[0].kind, "receiver");
	assert_string_equal(m.comps[0].name, "ir.test.app.Boot");
	assert_int_equal(m.comps[0].exported, 1);
	assert_int_equal(m.comps[0].intent_filters, 1);
	assert_int_equal(m.comps[0].actions.n, 1);
	assert_string_equal(m.comps[0].actions.v[0], "android.intent.action.BOOT_COMPLETED");
	axml_manifest_free(&m);
}

/* UTF-8 and UTF-16 pools give the same facts. */
static void facts_utf8_and_utf16(void **state)
{
	static struct doc d;
	(void)state;
	manifest_doc(&d, true, false);
	check_facts(&d);
	manifest_doc(&d, false, false);
	check_facts(&d);
}

/* Attribute names blanked by an obfuscator: the resource ids still name
** them, and the decoy "versionName" without an id is ignored. */
static void facts_by_resource_id(void **state)
{
	static struct doc d;
	(void)state;
	manifest_doc(&d, false, true);
	check_facts(&d);
}

/* A document without a resource map (no ids at all) is read by the
** android: attribute names; with a map, a name without its id is ignored
** (the decoy here: with no map it is read, and the real one after it is
** never reached). */
static void facts_by_name_without_map(void **state)
{
	static struct doc d;
	struct axml_manifest m;
	struct perr err = { 0 };
	(void)state;
	manifest_doc_map(&d, true, false, false);
	if (axml_manifest_parse(d.b, d.n, NULL, &m, &err) != 0)
		fail_msg("%s", err.msg);
	assert_string_equal(m.version_code, "7");
	assert_string_equal(m.version_name, "6.6.6");
	assert_string_equal(m.min_sdk, "21");
	assert_int_equal(m.permissions.n, 2);
	axml_manifest_free(&m);
}

/* Only the first root is the manifest: a second <manifest> after it (a
** trick to feed tools a different package) is not read. */
static void second_root_ignored(void **state)
{
	static struct doc d;
	static const char *s[] = { "manifest", "package", "real.app", "fake.app" };
	struct axml_manifest m;
	struct perr err = { 0 };
	(void)state;
	doc_begin(&d);
	pool(&d, s, 4, true);
	for (uint32_t v = 2; v <= 3; v++) {
		struct a at[] = { { NONE, 1, v, 0x03, v } };
		start_el(&d, NONE, 0, at, 1);
		end_el(&d, NONE, 0);
	}
	doc_end(&d);
	assert_int_equal(axml_manifest_parse(d.b, d.n, NULL, &m, &err), 0);
	assert_string_equal(m.package, "real.app");
	axml_manifest_free(&m);
}

/* Fed one byte at a time, the parser asks for more until each chunk is
** whole and yields the same items as a single feed. */
static void push_byte_by_byte(void **state)
{
	static struct doc d;
	struct axml_parser *p;
	struct axml_item it;
	struct perr err = { 0 };
	unsigned starts = 0, ends = 0, cdatas = 0, waits = 0;
	bool end = false;
	(void)state;
	manifest_doc(&d, true, false);
	assert_int_equal(axml_parser_new(&p, NULL, &err), 0);
	for (size_t i = 0; i <= d.n && !end; i++) {
		int r;
		if (i < d.n)
			assert_int_equal(axml_feed(p, d.b + i, 1, &err), 0);
		else
			axml_finish(p);
		while ((r = axml_next(p, &it, &err)) == 1) {
			if (it.kind == AXML_START_ELEMENT)
				starts++;
			else if (it.kind == AXML_END_ELEMENT)
				ends++;
			else if (it.kind == AXML_CDATA) {
				assert_string_equal(it.text, "Test App");
				cdatas++;
			} else if (it.kind == AXML_END_DOCUMENT) {
				end = true;
				break;
			}
		}
		if (r < 0)
			fail_msg("error at byte %zu: %s", i, err.msg);
		if (r == 0)
			waits++;
	}
	assert_true(end);
	assert_int_equal(starts, 8);
	assert_int_equal(ends, 8);
	assert_int_equal(cdatas, 1);
	assert_true(waits > 100);
	axml_parser_free(p);
}

static const char *vt(uint8_t type, uint32_t data)
{
	static char buf[64];
	struct axml_attr a = { .ns = "", .name = "", .raw = "", .str = "", .type = type, .data = data };
	return axml_value_text(&a, buf, sizeof(buf));
}

/* Every typed value as analysts read it. */
static void typed_values(void **state)
{
	(void)state;
	assert_string_equal(vt(0x10, (uint32_t)-5), "-5");
	assert_string_equal(vt(0x11, 0x1f), "0x0000001f");
	assert_string_equal(vt(0x12, 0xffffffff), "true");
	assert_string_equal(vt(0x12, 0), "false");
	assert_string_equal(vt(0x01, 0x7f040001), "@0x7f040001");
	assert_string_equal(vt(0x01, 0x01080001), "@android:0x01080001");
	assert_string_equal(vt(0x02, 0x01010036), "?android:0x01010036");
	assert_string_equal(vt(0x05, 16 << 8 | 1), "16.000000dip");
	assert_string_equal(vt(0x05, 3 << 8 | 0), "3.000000px");
	assert_string_equal(vt(0x06, 0x40000030), "50.000000%"); /* 0.5 at radix 0p23 */
	assert_string_equal(vt(0x04, 0x3fc00000), "1.5");
	assert_string_equal(vt(0x1c, 0xff00ff00), "#ff00ff00");
}

/* A surrogate pair in a UTF-16 pool comes out as one 4-byte UTF-8
** character; Persian text as its UTF-8. */
static void utf16_decoding(void **state)
{
	static struct doc d;
	static const char *s[] = { "manifest", "package", "\xd8\xa8\xd8\xa7\xd9\x86\xda\xa9\xf0\x9f\x98\x80" };
	struct axml_manifest m;
	struct perr err = { 0 };
	(void)state;
	doc_begin(&d);
	pool(&d, s, 3, false);
	{
		struct a at[] = { { NONE, 1, 2, 0x03, 2 } };
		start_el(&d, NONE, 0, at, 1);
	}
	end_el(&d, NONE, 0);
	doc_end(&d);
	assert_int_equal(axml_manifest_parse(d.b, d.n, NULL, &m, &err), 0);
	assert_string_equal(m.package, s[2]);
	axml_manifest_free(&m);
}

/* The whole document as JSON: namespaces, nesting, CDATA as text. */
static void dump_json(void **state)
{
	static struct doc d;
	struct pbuf b;
	struct perr err = { 0 };
	(void)state;
	manifest_doc(&d, true, false);
	pbuf_init(&b, 0);
	if (axml_dump_json(d.b, d.n, NULL, &b, &err) != 0)
		fail_msg("%s", err.msg);
	const char *j = pbuf_cstr(&b);
	assert_non_null(strstr(j, "{\"namespaces\":[{\"prefix\":\"android\",\"uri\":\"" ANDROID_NS "\"}],\"root\":{\"name\":\"manifest\""));
	assert_non_null(strstr(j, "\"name\":\"action\""));
	assert_non_null(strstr(j, "\"children\":[{\"text\":\"Test App\"}]"));
	assert_non_null(strstr(j, "\"res_id\":16843291,\"type\":16,\"value\":\"7\""));
	pbuf_free(&b);
}

/* A long label (a phishing app's full-sentence name) comes out whole in
** the facts and in the dump, not cut to a display buffer. */
static void long_string_whole(void **state)
{
	static struct doc d;
	static char label[700];
	const char *s[] = { "manifest", "package", label };
	struct axml_manifest m;
	struct perr err = { 0 };
	struct pbuf b;
	(void)state;
	memset(label, 'x', sizeof(label) - 1);
	doc_begin(&d);
	pool(&d, s, 3, false);
	{
		struct a at[] = { { NONE, 1, 2, 0x03, 2 } };
		start_el(&d, NONE, 0, at, 1);
	}
	end_el(&d, NONE, 0);
	doc_end(&d);
	assert_int_equal(axml_manifest_parse(d.b, d.n, NULL, &m, &err), 0);
	assert_string_equal(m.package, label);
	axml_manifest_free(&m);
	pbuf_init(&b, 0);
	assert_int_equal(axml_dump_json(d.b, d.n, NULL, &b, &err), 0);
	assert_non_null(strstr(pbuf_cstr(&b), label));
	pbuf_free(&b);
}

/* ------------------------------------------------------------- malformed */

/* d refused by the manifest reader (with limits lim, NULL: defaults) with
** kind and a message containing what. */
static void refused(const struct doc *d, const struct axml_limits *lim, enum perr_kind kind,
		    const char *what)
{
	struct axml_manifest m;
	struct pbuf b;
	struct perr err = { 0 };
	if (axml_manifest_parse(d->b, d->n, lim, &m, &err) == 0)
		fail_msg("accepted (wanted '%s')", what);
	axml_manifest_free(&m);
	if (!strstr(err.msg, what))
		fail_msg("message '%s' does not name '%s'", err.msg, what);
	assert_int_equal(err.kind, kind);
	/* the dump refuses it too, without crashing */
	pbuf_init(&b, 0);
	memset(&err, 0, sizeof(err));
	assert_int_equal(axml_dump_json(d->b, d->n, lim, &b, &err), -1);
	pbuf_free(&b);
}

static void bad_not_axml(void **state)
{
	static struct doc d;
	(void)state;
	memcpy(d.b, "PK\3\4abcdefgh", 12);
	d.n = 12;
	refused(&d, NULL, PERR_INVALID, "not binary XML");
}

/* Every prefix of a valid document is a truncated one. */
static void bad_truncated(void **state)
{
	static struct doc d;
	size_t full;
	(void)state;
	manifest_doc(&d, true, false);
	full = d.n;
	for (d.n = 0; d.n < full; d.n += 1 + d.n / 16)
		refused(&d, NULL, PERR_INVALID, "truncated");
}

/* The outer chunk says it is bigger than what we hold. */
static void bad_xml_size_lies(void **state)
{
	static struct doc d;
	(void)state;
	manifest_doc(&d, true, false);
	put32(&d, 4, (uint32_t)d.n + 64);
	refused(&d, NULL, PERR_INVALID, "truncated");
	put32(&d, 4, 0xfffffff0u);
	refused(&d, NULL, PERR_LIMIT, "limit");
}

/* An inner chunk whose size runs past the document's end. */
static void bad_chunk_past_end(void **state)
{
	static struct doc d;
	(void)state;
	manifest_doc(&d, true, false);
	put32(&d, 8 + 4, (uint32_t)d.n); /* the pool's size */
	refused(&d, NULL, PERR_INVALID, "runs past the document's end");
}

static void bad_header_size(void **state)
{
	static struct doc d;
	(void)state;
	manifest_doc(&d, true, false);
	d.b[8 + 2] = 0x40; /* the pool's header: 0x7f40 bytes, more than its size */
	d.b[8 + 3] = 0x7f;
	refused(&d, NULL, PERR_INVALID, "do not fit");
}

static void bad_unaligned_size(void **state)
{
	static struct doc d;
	(void)state;
	manifest_doc(&d, true, false);
	d.b[8 + 4] += 2;
	refused(&d, NULL, PERR_INVALID, "do not fit");
}

/* A document holding only a pool with one bad string, then a root. */
static void one_bad_string(struct doc *d, uint32_t off_or_len, bool bad_len, bool referenced)
{
	static const char *s[] = { "manifest", "package", "x.y" };
	doc_begin(d);
	pool(d, s, 3, true);
	if (bad_len)
		d->b[8 + 28 + 12 + off_or_len] = 0x7f; /* string 2's byte length */
	else
		put32(d, 8 + 28 + 8, off_or_len);      /* string 2's offset */
	{
		struct a at[] = { { NONE, 1, referenced ? 2 : NONE, 0x10, 3 } };
		start_el(d, NONE, 0, at, 1);
	}
	end_el(d, NONE, 0);
	doc_end(d);
}

static void bad_string_offset(void **state)
{
	static struct doc d;
	(void)state;
	one_bad_string(&d, 0x7ffffff0u, false, true);
	refused(&d, NULL, PERR_INVALID, "string 2: offset out of bounds");
}

static void bad_string_length(void **state)
{
	static struct doc d;
	(void)state;
	one_bad_string(&d, 22, true, true);
	refused(&d, NULL, PERR_INVALID, "string 2: bytes out of bounds");
}

/* The platform reads strings lazily: garbage nobody uses is no error. */
static void unused_bad_string_accepted(void **state)
{
	static struct doc d;
	struct axml_manifest m;
	struct perr err = { 0 };
	(void)state;
	one_bad_string(&d, 0x7ffffff0u, false, false);
	if (axml_manifest_parse(d.b, d.n, NULL, &m, &err) != 0)
		fail_msg("%s", err.msg);
	axml_manifest_free(&m);
}

static void bad_string_index(void **state)
{
	static struct doc d;
	static const char *s[] = { "manifest" };
	(void)state;
	doc_begin(&d);
	pool(&d, s, 1, true);
	start_el(&d, NONE, 9, NULL, 0);
	doc_end(&d);
	refused(&d, NULL, PERR_INVALID, "string 9 out of range");
}

static void bad_string_count_huge(void **state)
{
	static struct doc d;
	struct axml_limits lim = { .max_strings = 1000 };
	(void)state;
	manifest_doc(&d, true, false);
	put32(&d, 8 + 8, 0x10000000u);
	refused(&d, NULL, PERR_LIMIT, "limit");
	put32(&d, 8 + 8, 200); /* under the limit, but the offsets overrun */
	refused(&d, &lim, PERR_INVALID, "overrun the chunk");
}

static void bad_string_too_long(void **state)
{
	static struct doc d;
	struct axml_limits lim = { .max_string_len = 8 };
	(void)state;
	manifest_doc(&d, true, false);
	refused(&d, &lim, PERR_INVALID, "longer than the limit");
}

static void bad_attributes_overrun(void **state)
{
	static struct doc d;
	static const char *s[] = { "manifest", "package" };
	struct a at[] = { { NONE, 1, NONE, 0x10, 1 } };
	(void)state;
	doc_begin(&d);
	pool(&d, s, 2, true);
	size_t el = d.n;
	start_el(&d, NONE, 0, at, 1);
	d.b[el + 16 + 12] = 50; /* attributeCount 50 in a chunk with room for 1 */
	doc_end(&d);
	refused(&d, NULL, PERR_INVALID, "overrun the chunk");
}

static void bad_too_many_attributes(void **state)
{
	static struct doc d;
	struct axml_limits lim = { .max_attrs = 3 };
	(void)state;
	manifest_doc(&d, true, false);
	refused(&d, &lim, PERR_LIMIT, "4 attributes, limit 3");
}

static void bad_deep_nesting(void **state)
{
	static struct doc d;
	static const char *s[] = { "manifest" };
	(void)state;
	doc_begin(&d);
	pool(&d, s, 1, true);
	for (int i = 0; i < 100; i++)
		start_el(&d, NONE, 0, NULL, 0);
	doc_end(&d);
	refused(&d, NULL, PERR_LIMIT, "nesting deeper than 64");
}

static void bad_too_many_elements(void **state)
{
	static struct doc d;
	struct axml_limits lim = { .max_elements = 5 };
	(void)state;
	manifest_doc(&d, true, false);
	refused(&d, &lim, PERR_LIMIT, "more than 5 elements");
}

static void bad_end_without_start(void **state)
{
	static struct doc d;
	static const char *s[] = { "manifest" };
	(void)state;
	doc_begin(&d);
	pool(&d, s, 1, true);
	end_el(&d, NONE, 0);
	doc_end(&d);
	refused(&d, NULL, PERR_INVALID, "closes no element");
}

static void bad_document_too_big(void **state)
{
	static struct doc d;
	struct axml_limits lim = { .max_size = 256 };
	(void)state;
	manifest_doc(&d, true, false);
	refused(&d, &lim, PERR_LIMIT, "exceeds 256 bytes");
}

static void bad_root_not_manifest(void **state)
{
	static struct doc d;
	static const char *s[] = { "resources" };
	struct axml_manifest m;
	struct perr err = { 0 };
	(void)state;
	doc_begin(&d);
	pool(&d, s, 1, true);
	start_el(&d, NONE, 0, NULL, 0);
	end_el(&d, NONE, 0);
	doc_end(&d);
	assert_int_equal(axml_manifest_parse(d.b, d.n, NULL, &m, &err), -1);
	assert_non_null(strstr(err.msg, "root element is <resources>"));
	axml_manifest_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(facts_utf8_and_utf16),
		cmocka_unit_test(facts_by_resource_id),
		cmocka_unit_test(facts_by_name_without_map),
		cmocka_unit_test(second_root_ignored),
		cmocka_unit_test(push_byte_by_byte),
		cmocka_unit_test(typed_values),
		cmocka_unit_test(utf16_decoding),
		cmocka_unit_test(dump_json),
		cmocka_unit_test(long_string_whole),
		cmocka_unit_test(bad_not_axml),
		cmocka_unit_test(bad_truncated),
		cmocka_unit_test(bad_xml_size_lies),
		cmocka_unit_test(bad_chunk_past_end),
		cmocka_unit_test(bad_header_size),
		cmocka_unit_test(bad_unaligned_size),
		cmocka_unit_test(bad_string_offset),
		cmocka_unit_test(bad_string_length),
		cmocka_unit_test(unused_bad_string_accepted),
		cmocka_unit_test(bad_string_index),
		cmocka_unit_test(bad_string_count_huge),
		cmocka_unit_test(bad_string_too_long),
		cmocka_unit_test(bad_attributes_overrun),
		cmocka_unit_test(bad_too_many_attributes),
		cmocka_unit_test(bad_deep_nesting),
		cmocka_unit_test(bad_too_many_elements),
		cmocka_unit_test(bad_end_without_start),
		cmocka_unit_test(bad_document_too_big),
		cmocka_unit_test(bad_root_not_manifest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
