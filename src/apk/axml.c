/*
** axml.c — Android's binary XML (AXML), the form AndroidManifest.xml takes
** inside an APK, and the manifest facts triage reads from it.
**
** The format (ResourceTypes.h in the Android framework): little-endian
** chunks, each {u16 type, u16 header size, u32 size}. The document is one
** RES_XML_TYPE chunk holding a string pool, a resource map (the android
** resource id of each attribute name, by string index) and a flat stream of
** namespace, element and CDATA nodes. The parser is push style: bytes are
** appended (axml_feed) and a node is turned into an item only once its
** whole chunk is present, every offset checked against the chunk that
** declares it. Strings are decoded once, when the pool is complete, into an
** arena; a string that cannot be decoded (offset or length out of bounds)
** is remembered as bad and is an error only when a node uses it, because
** the platform itself reads pool strings lazily and packers put unused
** garbage in the pool to break eager tools.
**
** What a malformed manifest gets here is what the platform's own parser
** (ResXMLTree) accepts or refuses, as closely as we can read it: chunk
** sizes must be 4-aligned and fit their parent; unknown chunks are
** skipped; a pool or map after the first node is ignored.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apk/apk.h"

#define RES_STRING_POOL_TYPE 0x0001
#define RES_XML_TYPE 0x0003
#define RES_XML_START_NAMESPACE_TYPE 0x0100
#define RES_XML_END_NAMESPACE_TYPE 0x0101
#define RES_XML_START_ELEMENT_TYPE 0x0102
#define RES_XML_END_ELEMENT_TYPE 0x0103
#define RES_XML_CDATA_TYPE 0x0104
#define RES_XML_RESOURCE_MAP_TYPE 0x0180

#define POOL_UTF8 0x100u
#define NO_INDEX 0xffffffffu
#define NODE_HEADER 16u /* chunk header + line number + comment */

#define ANDROID_NS "http://schemas.android.com/apk/res/android"

/* Android's attribute resource ids (framework public.xml, stable since
** API 1-4): the platform matches manifest attributes by these, not names. */
#define ATTR_LABEL 0x01010001u
#define ATTR_NAME 0x01010003u
#define ATTR_PERMISSION 0x01010006u
#define ATTR_EXPORTED 0x01010010u
#define ATTR_MIN_SDK 0x0101020cu
#define ATTR_VERSION_CODE 0x0101021bu
#define ATTR_VERSION_NAME 0x0101021cu
#define ATTR_TARGET_SDK 0x01010270u
#define ATTR_MAX_SDK 0x01010271u

struct axml_parser {
	struct axml_limits lim;
	struct pbuf in;        /* every byte fed (bounded by lim.max_size) */
	size_t pos;            /* next chunk inside the document */
	size_t doc_end;        /* end of the RES_XML_TYPE chunk, 0 before known */
	bool eof, done, failed, seen_node;
	struct perr ferr;      /* the sticky error */

	/* string pool, decoded: strings[i] is an offset into arena, or
	** bad[i] tells why it could not be decoded */
	uint32_t nstrings;
	size_t *soff;
	const char **bad;
	struct pbuf arena;
	/* resource map */
	uint32_t *resmap;
	uint32_t nresmap;

	struct axml_attr *attrs; /* the current element's, lim.max_attrs */
	unsigned depth;
	uint32_t elements;
};

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void limits_fill(struct axml_limits *l, const struct axml_limits *in)
{
	if (in)
		*l = *in;
	else
		memset(l, 0, sizeof(*l));
	if (!l->max_size)
		l->max_size = 8u << 20;
	if (!l->max_strings)
		l->max_strings = 65536;
	if (!l->max_string_len)
		l->max_string_len = 64u << 10;
	if (!l->max_depth)
		l->max_depth = 64;
	if (!l->max_attrs)
		l->max_attrs = 256;
	if (!l->max_elements)
		l->max_elements = 100000;
}

int axml_parser_new(struct axml_parser **out, const struct axml_limits *lim,
		    struct perr *err)
{
	struct axml_parser *p = calloc(1, sizeof(*p));
	*out = NULL;
	if (!p)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	limits_fill(&p->lim, lim);
	pbuf_init(&p->in, p->lim.max_size + 1);
	/* decoded strings: UTF-16 to UTF-8 at most triples the bytes */
	pbuf_init(&p->arena, p->lim.max_size * 3 + 1);
	p->attrs = calloc(p->lim.max_attrs, sizeof(*p->attrs));
	if (!p->attrs) {
		axml_parser_free(p);
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	}
	*out = p;
	return 0;
}

static void pool_free(struct axml_parser *p)
{
	free(p->soff);
	free(p->bad);
	p->soff = NULL;
	p->bad = NULL;
	p->nstrings = 0;
	pbuf_reset(&p->arena);
}

void axml_parser_free(struct axml_parser *p)
{
	if (!p)
		return;
	pool_free(p);
	pbuf_free(&p->in);
	pbuf_free(&p->arena);
	free(p->resmap);
	free(p->attrs);
	free(p);
}

int axml_feed(struct axml_parser *p, const void *data, size_t n, struct perr *err)
{
	if (p->failed) {
		if (err)
			*err = p->ferr;
		return -1;
	}
	if (n > p->lim.max_size - p->in.len || pbuf_add(&p->in, data, n) != 0) {
		p->failed = true;
		perr_set(&p->ferr, PERR_LIMIT, "axml", "document exceeds %zu bytes",
			 p->lim.max_size);
		if (err)
			*err = p->ferr;
		return -1;
	}
	return 0;
}

void axml_finish(struct axml_parser *p) { p->eof = true; }

/* Record the sticky error; returns -1. */
static int fail(struct axml_parser *p, enum perr_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct axml_parser *p, enum perr_kind kind, const char *fmt, ...)
{
	va_list ap;
	char msg[200];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->failed = true;
	perr_set(&p->ferr, kind, "axml", "%s", msg);
	return -1;
}

/* ------------------------------------------------------------ string pool */

static void utf8_put(struct pbuf *b, uint32_t c)
{
	char s[4];
	size_t n;
	if (c < 0x80) {
		s[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		s[0] = (char)(0xc0 | c >> 6);
		s[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		s[0] = (char)(0xe0 | c >> 12);
		s[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		s[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		s[0] = (char)(0xf0 | c >> 18);
		s[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		s[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		s[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	pbuf_add(b, s, n);
}

/* Decode string at data[off..end) into the arena; NULL or why not. */
static const char *pool_decode(struct axml_parser *p, const uint8_t *data, size_t off,
			       size_t end, bool utf8)
{
	size_t start = p->arena.len;
	if (utf8) {
		/* u16 length (1 or 2 bytes), then byte length, then bytes */
		size_t len = 0;
		for (int k = 0; k < 2; k++) {
			if (off >= end)
				return "length out of bounds";
			len = data[off++];
			if (len & 0x80) {
				if (off >= end)
					return "length out of bounds";
				len = (len & 0x7f) << 8 | data[off++];
			}
		}
		if (len > end - off)
			return "bytes out of bounds";
		if (len > p->lim.max_string_len)
			return "longer than the limit";
		pbuf_add(&p->arena, data + off, len);
	} else {
		size_t len;
		if (off >= end || end - off < 2)
			return "length out of bounds";
		len = rd16(data + off);
		off += 2;
		if (len & 0x8000) {
			if (end - off < 2)
				return "length out of bounds";
			len = (len & 0x7fff) << 16 | rd16(data + off);
			off += 2;
		}
		if (len > (end - off) / 2)
			return "characters out of bounds";
		if (len > p->lim.max_string_len)
			return "longer than the limit";
		for (size_t i = 0; i < len; i++) {
			uint32_t c = rd16(data + off + 2 * i);
			if (c >= 0xd800 && c < 0xdc00 && i + 1 < len) {
				uint32_t d = rd16(data + off + 2 * i + 2);
				if (d >= 0xdc00 && d < 0xe000) {
					c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
					i++;
				} else {
					c = 0xfffd;
				}
			} else if (c >= 0xd800 && c < 0xe000) {
				c = 0xfffd; /* a lone surrogate */
			}
			utf8_put(&p->arena, c);
		}
		if (p->arena.len - start > p->lim.max_string_len)
			return "longer than the limit";
	}
	pbuf_add(&p->arena, "", 1);
	if (pbuf_failed(&p->arena))
		return "no room for the strings";
	return NULL;
}

/* A complete RES_STRING_POOL_TYPE chunk c of size sz, header hs. */
static int pool_read(struct axml_parser *p, const uint8_t *c, size_t hs, size_t sz,
		     size_t at)
{
	uint32_t count, styles, flags, sstart;
	if (hs < 28)
		return fail(p, PERR_INVALID, "string pool at %zu: header of %zu bytes, want 28", at, hs);
	count = rd32(c + 8);
	styles = rd32(c + 12);
	flags = rd32(c + 16);
	sstart = rd32(c + 20);
	if (count > p->lim.max_strings)
		return fail(p, PERR_LIMIT, "string pool at %zu: %u strings, limit %u", at, count,
			    p->lim.max_strings);
	if ((uint64_t)hs + 4ull * count + 4ull * styles > sz)
		return fail(p, PERR_INVALID,
			    "string pool at %zu: %u string and %u style offsets overrun the chunk of %zu bytes",
			    at, count, styles, sz);
	if (count && (sstart < hs || sstart > sz))
		return fail(p, PERR_INVALID, "string pool at %zu: strings start %u outside the chunk",
			    at, sstart);
	pool_free(p);
	p->soff = calloc(count ? count : 1, sizeof(*p->soff));
	p->bad = calloc(count ? count : 1, sizeof(*p->bad));
	if (!p->soff || !p->bad)
		return fail(p, PERR_INTERNAL, "out of memory");
	p->nstrings = count;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t o = rd32(c + hs + 4 * (size_t)i);
		size_t off = (size_t)sstart + o;
		p->soff[i] = p->arena.len;
		if (o >= sz - sstart) {
			p->bad[i] = "offset out of bounds";
			continue;
		}
		p->bad[i] = pool_decode(p, c, off, sz, (flags & POOL_UTF8) != 0);
		if (p->bad[i] && pbuf_failed(&p->arena))
			return fail(p, PERR_LIMIT, "string pool at %zu: decoded strings exceed the limit", at);
		if (p->bad[i])
			p->arena.len = p->soff[i]; /* drop a partial string */
	}
	pbuf_add(&p->arena, "", 1); /* keeps ptr non-NULL for an empty pool */
	return 0;
}

/* String idx for a node at offset at; "" for NO_INDEX. NULL (and the
** sticky error) for an index out of range or a bad string. */
static const char *str_get(struct axml_parser *p, uint32_t idx, size_t at, const char *what)
{
	if (idx == NO_INDEX)
		return "";
	if (idx >= p->nstrings) {
		fail(p, PERR_INVALID, "%s at %zu: string %u out of range (pool has %u)", what, at,
		     idx, p->nstrings);
		return NULL;
	}
	if (p->bad[idx]) {
		fail(p, PERR_INVALID, "%s at %zu: string %u: %s", what, at, idx, p->bad[idx]);
		return NULL;
	}
	return p->arena.ptr + p->soff[idx];
}

/* ------------------------------------------------------------------ nodes */

static int read_element(struct axml_parser *p, const uint8_t *c, size_t hs, size_t sz,
			size_t at, struct axml_item *it)
{
	const uint8_t *e = c + hs;
	size_t ext = sz - hs;
	uint16_t astart, asize, acount;
	if (ext < 20)
		return fail(p, PERR_INVALID, "element at %zu: %zu bytes, want 20", at, ext);
	astart = rd16(e + 8);
	asize = rd16(e + 10);
	acount = rd16(e + 12);
	if (acount > p->lim.max_attrs)
		return fail(p, PERR_LIMIT, "element at %zu: %u attributes, limit %u", at, acount,
			    p->lim.max_attrs);
	if (acount && (asize < 20 || (size_t)astart + (size_t)asize * acount > ext))
		return fail(p, PERR_INVALID,
			    "element at %zu: %u attributes of %u bytes from %u overrun the chunk", at,
			    acount, asize, astart);
	if (p->depth >= p->lim.max_depth)
		return fail(p, PERR_LIMIT, "element at %zu: nesting deeper than %u", at,
			    p->lim.max_depth);
	if (p->elements >= p->lim.max_elements)
		return fail(p, PERR_LIMIT, "element at %zu: more than %u elements", at,
			    p->lim.max_elements);
	if (!(it->ns = str_get(p, rd32(e), at, "element")) ||
	    !(it->name = str_get(p, rd32(e + 4), at, "element")))
		return -1;
	for (size_t i = 0; i < acount; i++) {
		const uint8_t *a = e + astart + i * asize;
		struct axml_attr *x = &p->attrs[i];
		uint32_t nidx = rd32(a + 4);
		if (!(x->ns = str_get(p, rd32(a), at, "attribute")) ||
		    !(x->name = str_get(p, nidx, at, "attribute")) ||
		    !(x->raw = str_get(p, rd32(a + 8), at, "attribute")))
			return -1;
		x->res_id = nidx < p->nresmap ? p->resmap[nidx] : 0;
		x->type = a[15];
		x->data = rd32(a + 16);
		x->str = "";
		if (x->type == AXML_T_STRING && !(x->str = str_get(p, x->data, at, "attribute value")))
			return -1;
	}
	it->kind = AXML_START_ELEMENT;
	it->attrs = p->attrs;
	it->nattrs = acount;
	p->depth++;
	p->elements++;
	it->depth = p->depth;
	return 1;
}

/* One complete node chunk c (type t) into it: 1, 0 to skip, -1. */
static int read_node(struct axml_parser *p, uint16_t t, const uint8_t *c, size_t hs,
		     size_t sz, size_t at, struct axml_item *it)
{
	memset(it, 0, sizeof(*it));
	it->ns = it->name = it->text = "";
	if (hs < NODE_HEADER)
		return fail(p, PERR_INVALID, "node at %zu: header of %zu bytes, want 16", at, hs);
	it->line = rd32(c + 8);
	p->seen_node = true;
	switch (t) {
	case RES_XML_START_NAMESPACE_TYPE:
	case RES_XML_END_NAMESPACE_TYPE:
		if (sz - hs < 8)
			return fail(p, PERR_INVALID, "namespace at %zu: %zu bytes, want 8", at, sz - hs);
		if (!(it->name = str_get(p, rd32(c + hs), at, "namespace")) ||
		    !(it->ns = str_get(p, rd32(c + hs + 4), at, "namespace")))
			return -1;
		it->kind = t == RES_XML_START_NAMESPACE_TYPE ? AXML_START_NS : AXML_END_NS;
		it->depth = p->depth;
		return 1;
	case RES_XML_START_ELEMENT_TYPE:
		return read_element(p, c, hs, sz, at, it);
	case RES_XML_END_ELEMENT_TYPE:
		if (sz - hs < 8)
			return fail(p, PERR_INVALID, "end element at %zu: %zu bytes, want 8", at, sz - hs);
		if (p->depth == 0)
			return fail(p, PERR_INVALID, "end element at %zu closes no element", at);
		if (!(it->ns = str_get(p, rd32(c + hs), at, "end element")) ||
		    !(it->name = str_get(p, rd32(c + hs + 4), at, "end element")))
			return -1;
		it->kind = AXML_END_ELEMENT;
		it->depth = p->depth--;
		return 1;
	case RES_XML_CDATA_TYPE:
		if (sz - hs < 12)
			return fail(p, PERR_INVALID, "CDATA at %zu: %zu bytes, want 12", at, sz - hs);
		if (!(it->text = str_get(p, rd32(c + hs), at, "CDATA")))
			return -1;
		it->kind = AXML_CDATA;
		it->depth = p->depth;
		return 1;
	default:
		return 0; /* another node type: skipped as the platform does */
	}
}

int axml_next(struct axml_parser *p, struct axml_item *it, struct perr *err)
{
	const uint8_t *d;
	int r;
	for (;;) {
		size_t have = p->in.len;
		uint16_t t, hs;
		uint32_t sz;
		if (p->failed)
			goto failed;
		if (p->done)
			return 0;
		d = (const uint8_t *)p->in.ptr;
		if (!p->doc_end) {
			/* the outer RES_XML_TYPE header */
			if (have < 8)
				goto more;
			t = rd16(d);
			hs = rd16(d + 2);
			sz = rd32(d + 4);
			if (t != RES_XML_TYPE) {
				fail(p, PERR_INVALID, "not binary XML: first chunk type 0x%04x, want 0x0003", t);
				goto failed;
			}
			if (hs < 8 || hs > sz || ((hs | sz) & 3)) {
				fail(p, PERR_INVALID, "XML chunk: header %u, size %u do not fit", hs, sz);
				goto failed;
			}
			if (sz > p->lim.max_size) {
				fail(p, PERR_LIMIT, "XML chunk declares %u bytes, limit %zu", sz,
				     p->lim.max_size);
				goto failed;
			}
			p->doc_end = sz;
			p->pos = hs;
		}
		if (p->pos >= p->doc_end) {
			memset(it, 0, sizeof(*it));
			it->ns = it->name = it->text = "";
			it->kind = AXML_END_DOCUMENT;
			it->depth = p->depth;
			p->done = true;
			return 1;
		}
		if (p->doc_end - p->pos < 8) {
			if (have >= p->doc_end) {
				fail(p, PERR_INVALID, "chunk at %zu: %zu bytes left, a header needs 8",
				     p->pos, p->doc_end - p->pos);
				goto failed;
			}
			goto more;
		}
		if (have < p->pos || have - p->pos < 8)
			goto more;
		t = rd16(d + p->pos);
		hs = rd16(d + p->pos + 2);
		sz = rd32(d + p->pos + 4);
		if (hs < 8 || hs > sz || ((hs | sz) & 3)) {
			fail(p, PERR_INVALID, "chunk 0x%04x at %zu: header %u, size %u do not fit", t,
			     p->pos, hs, sz);
			goto failed;
		}
		if (sz > p->doc_end - p->pos) {
			fail(p, PERR_INVALID,
			     "chunk 0x%04x at %zu: size %u runs past the document's end (%zu)", t,
			     p->pos, sz, p->doc_end);
			goto failed;
		}
		if (have - p->pos < sz)
			goto more;
		{
			const uint8_t *c = d + p->pos;
			size_t at = p->pos;
			p->pos += sz;
			if (t == RES_STRING_POOL_TYPE) {
				if (!p->seen_node && pool_read(p, c, hs, sz, at) != 0)
					goto failed;
				continue;
			}
			if (t == RES_XML_RESOURCE_MAP_TYPE) {
				if (!p->seen_node) {
					uint32_t n = (sz - hs) / 4;
					free(p->resmap);
					p->resmap = NULL;
					p->nresmap = 0;
					if (n > p->lim.max_strings) {
						fail(p, PERR_LIMIT, "resource map at %zu: %u ids, limit %u",
						     at, n, p->lim.max_strings);
						goto failed;
					}
					if (n && !(p->resmap = malloc(n * sizeof(uint32_t)))) {
						fail(p, PERR_INTERNAL, "out of memory");
						goto failed;
					}
					for (uint32_t i = 0; i < n; i++)
						p->resmap[i] = rd32(c + hs + 4 * (size_t)i);
					p->nresmap = n;
				}
				continue;
			}
			if (t < RES_XML_START_NAMESPACE_TYPE || t > 0x017f)
				continue; /* not a node: skipped */
			r = read_node(p, t, c, hs, sz, at, it);
			if (r < 0)
				goto failed;
			if (r > 0)
				return 1;
		}
	}
more:
	if (!p->eof)
		return 0;
	if (!p->doc_end)
		fail(p, PERR_INVALID, "truncated: %zu bytes, the XML header needs 8", p->in.len);
	else
		fail(p, PERR_INVALID, "truncated: the chunk at %zu ends past the %zu bytes given",
		     p->pos, p->in.len);
failed:
	if (err)
		*err = p->ferr;
	return -1;
}

/* ----------------------------------------------------------------- values */

static const char *complex_text(uint32_t data, bool fraction, char *buf, size_t n)
{
	static const char *dim_units[] = { "px", "dip", "sp", "pt", "in", "mm" };
	static const double radix[] = { 1.0, 1.0 / (1 << 7), 1.0 / (1 << 15), 1.0 / (1 << 23) };
	double v = (double)(int32_t)(data & 0xffffff00u) / 256.0 * radix[(data >> 4) & 3];
	unsigned unit = data & 0xf;
	const char *u;
	if (fraction) {
		v *= 100.0;
		u = unit == 0 ? "%" : unit == 1 ? "%p" : "?";
	} else {
		u = unit < 6 ? dim_units[unit] : "?";
	}
	snprintf(buf, n, "%f%s", v, u);
	return buf;
}

const char *axml_value_text(const struct axml_attr *a, char *buf, size_t n)
{
	uint32_t d = a->data;
	const char *pre;
	if (!n)
		return buf;
	switch (a->type) {
	case AXML_T_STRING:
		snprintf(buf, n, "%s", a->str);
		break;
	case AXML_T_NULL:
		snprintf(buf, n, "%s", a->raw);
		break;
	case AXML_T_REFERENCE:
	case AXML_T_DYN_REFERENCE:
	case AXML_T_ATTRIBUTE:
	case AXML_T_DYN_ATTRIBUTE:
		pre = a->type == AXML_T_ATTRIBUTE || a->type == AXML_T_DYN_ATTRIBUTE ? "?" : "@";
		snprintf(buf, n, "%s%s0x%08x", pre, d >> 24 == 1 ? "android:" : "", d);
		break;
	case AXML_T_FLOAT: {
		float f;
		memcpy(&f, &d, sizeof(f));
		snprintf(buf, n, "%g", (double)f);
		break;
	}
	case AXML_T_DIMENSION:
	case AXML_T_FRACTION:
		complex_text(d, a->type == AXML_T_FRACTION, buf, n);
		break;
	case AXML_T_INT_DEC:
		snprintf(buf, n, "%d", (int32_t)d);
		break;
	case AXML_T_INT_HEX:
		snprintf(buf, n, "0x%08x", d);
		break;
	case AXML_T_BOOLEAN:
		snprintf(buf, n, "%s", d ? "true" : "false");
		break;
	default:
		if (a->type >= AXML_T_COLOR_ARGB8 && a->type <= AXML_T_COLOR_RGB4)
			snprintf(buf, n, "#%08x", d);
		else
			snprintf(buf, n, "<0x%02x>0x%08x", a->type, d);
		break;
	}
	return buf;
}

/* -------------------------------------------------------------- manifest */

/* The attribute the platform would read for id. The platform matches by id
** alone; a document with no resource map at all (hand-made, or an old
** tool's) gives no ids, and there the android: attribute called name
** stands in. With a map, a same-named attribute without the id is a decoy
** the platform never reads, and so is ignored here. */
static const struct axml_attr *attr_find(const struct axml_item *it, bool by_name,
					 uint32_t id, const char *name)
{
	for (size_t i = 0; i < it->nattrs; i++)
		if (it->attrs[i].res_id == id)
			return &it->attrs[i];
	for (size_t i = 0; by_name && i < it->nattrs; i++)
		if (!it->attrs[i].res_id && !strcmp(it->attrs[i].name, name) &&
		    (!strcmp(it->attrs[i].ns, ANDROID_NS) || !*it->attrs[i].ns))
			return &it->attrs[i];
	return NULL;
}

/* <manifest package>: the platform reads it by name, in no namespace. */
static const struct axml_attr *attr_package(const struct axml_item *it)
{
	for (size_t i = 0; i < it->nattrs; i++)
		if (!*it->attrs[i].ns && !strcmp(it->attrs[i].name, "package"))
			return &it->attrs[i];
	return NULL;
}

static char *xdup(const char *s) { return strdup(s ? s : ""); }

/* The attribute's value as text, heap copy; "" when a is NULL. */
static char *attr_text(const struct axml_attr *a)
{
	char buf[512];
	if (!a)
		return xdup("");
	if (a->type == AXML_T_STRING)
		return xdup(a->str);
	if (a->type == AXML_T_NULL)
		return xdup(a->raw);
	return xdup(axml_value_text(a, buf, sizeof(buf)));
}

static int strv_push(struct axml_strv *v, char *s)
{
	char **nv;
	if (!s)
		return -1;
	nv = realloc(v->v, (v->n + 1) * sizeof(*nv));
	if (!nv) {
		free(s);
		return -1;
	}
	v->v = nv;
	v->v[v->n++] = s;
	return 0;
}

static void strv_free(struct axml_strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

/* A component class name as the platform resolves it against the package:
** ".Main" and "Main" (no dot) both mean package.Main. */
static char *class_name(const char *pkg, const char *n)
{
	struct pbuf b;
	if (!*n || !*pkg || (n[0] != '.' && strchr(n, '.')))
		return xdup(n);
	pbuf_init(&b, 0);
	pbuf_adds(&b, pkg);
	if (n[0] != '.')
		pbuf_adds(&b, ".");
	pbuf_adds(&b, n);
	return pbuf_take(&b);
}

static bool is_component(const char *tag)
{
	return !strcmp(tag, "activity") || !strcmp(tag, "activity-alias") ||
	       !strcmp(tag, "service") || !strcmp(tag, "receiver") || !strcmp(tag, "provider");
}

void axml_manifest_free(struct axml_manifest *m)
{
	if (!m)
		return;
	free(m->package);
	free(m->version_code);
	free(m->version_name);
	free(m->min_sdk);
	free(m->target_sdk);
	free(m->max_sdk);
	free(m->label);
	strv_free(&m->permissions);
	strv_free(&m->permissions_declared);
	for (size_t i = 0; i < m->ncomps; i++) {
		free(m->comps[i].name);
		free(m->comps[i].permission);
		strv_free(&m->comps[i].actions);
		strv_free(&m->comps[i].categories);
	}
	free(m->comps);
	memset(m, 0, sizeof(*m));
}

/* Replace *dst by a heap copy of the attribute's text. */
static int set_text(char **dst, const struct axml_attr *a)
{
	char *s = attr_text(a);
	if (!s)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

/* The facts of one start element at depth it->depth, whose ancestors'
** names are path[1..depth-1]. */
static int manifest_element(struct axml_manifest *m, const struct axml_item *it,
			    char path[][24], bool by_name, struct perr *err)
{
	unsigned d = it->depth;
	const char *tag = it->name;
	const struct axml_attr *a;
	int r = 0;
#define FIND(id, name) attr_find(it, by_name, id, name)
	if (d == 1) {
		if (strcmp(tag, "manifest"))
			return perr_set(err, PERR_INVALID, "axml", "the root element is <%s>, not <manifest>",
					tag);
		r |= set_text(&m->package, attr_package(it));
		r |= set_text(&m->version_code, FIND(ATTR_VERSION_CODE, "versionCode"));
		r |= set_text(&m->version_name, FIND(ATTR_VERSION_NAME, "versionName"));
	} else if (d == 2 && !strcmp(path[1], "manifest")) {
		if (!strcmp(tag, "uses-sdk")) {
			r |= set_text(&m->min_sdk, FIND(ATTR_MIN_SDK, "minSdkVersion"));
			r |= set_text(&m->target_sdk, FIND(ATTR_TARGET_SDK, "targetSdkVersion"));
			r |= set_text(&m->max_sdk, FIND(ATTR_MAX_SDK, "maxSdkVersion"));
		} else if (!strcmp(tag, "uses-permission") || !strcmp(tag, "uses-permission-sdk-23") ||
			   !strcmp(tag, "uses-permission-sdk-m")) {
			if ((a = FIND(ATTR_NAME, "name")))
				r |= strv_push(&m->permissions, attr_text(a));
		} else if (!strcmp(tag, "permission")) {
			if ((a = FIND(ATTR_NAME, "name")))
				r |= strv_push(&m->permissions_declared, attr_text(a));
		} else if (!strcmp(tag, "application")) {
			a = FIND(ATTR_LABEL, "label");
			r |= set_text(&m->label, a);
			if (a && (a->type == AXML_T_REFERENCE || a->type == AXML_T_DYN_REFERENCE)) {
				m->label_is_ref = true;
				m->label_ref = a->data;
			}
		}
	} else if (d == 3 && !strcmp(path[2], "application") && is_component(tag)) {
		struct axml_component *nc = realloc(m->comps, (m->ncomps + 1) * sizeof(*nc));
		struct axml_component *c;
		if (!nc)
			return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		m->comps = nc;
		c = &m->comps[m->ncomps++];
		memset(c, 0, sizeof(*c));
		pstrtrunc(c->kind, tag, sizeof(c->kind));
		c->exported = -1;
		a = FIND(ATTR_NAME, "name");
		{
			char *raw = attr_text(a);
			c->name = raw ? class_name(m->package ? m->package : "", raw) : NULL;
			free(raw);
		}
		c->permission = attr_text(FIND(ATTR_PERMISSION, "permission"));
		if ((a = FIND(ATTR_EXPORTED, "exported"))) {
			if (a->type == AXML_T_BOOLEAN || a->type == AXML_T_INT_DEC ||
			    a->type == AXML_T_INT_HEX)
				c->exported = a->data != 0;
			else if (a->type == AXML_T_STRING)
				c->exported = !strcmp(a->str, "true");
		}
		if (!c->name || !c->permission)
			r = -1;
	} else if (d == 4 && !strcmp(path[2], "application") && is_component(path[3]) &&
		   !strcmp(tag, "intent-filter") && m->ncomps) {
		m->comps[m->ncomps - 1].intent_filters++;
	} else if (d == 5 && !strcmp(path[4], "intent-filter") && is_component(path[3]) &&
		   !strcmp(path[2], "application") && m->ncomps) {
		struct axml_component *c = &m->comps[m->ncomps - 1];
		a = FIND(ATTR_NAME, "name");
		if (a && !strcmp(tag, "action"))
			r |= strv_push(&c->actions, attr_text(a));
		else if (a && !strcmp(tag, "category"))
			r |= strv_push(&c->categories, attr_text(a));
	}
#undef FIND
	if (r)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	return 0;
}

int axml_manifest_parse(const void *data, size_t n, const struct axml_limits *lim,
			struct axml_manifest *out, struct perr *err)
{
	struct axml_parser *p = NULL;
	struct axml_item it;
	char(*path)[24] = NULL;
	bool root_done = false;
	int rc = -1;
	memset(out, 0, sizeof(*out));
	if (axml_parser_new(&p, lim, err) != 0)
		goto out;
	path = calloc(p->lim.max_depth + 1, sizeof(*path));
	if (!path) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	if (axml_feed(p, data, n, err) != 0)
		goto out;
	axml_finish(p);
	for (;;) {
		int r = axml_next(p, &it, err);
		if (r <= 0)
			goto out; /* 0 cannot happen after finish but is not success */
		if (it.kind == AXML_END_DOCUMENT)
			break;
		/* the platform reads the first root element to its end tag and
		** stops: a second root is not the manifest */
		if (it.kind == AXML_END_ELEMENT && it.depth == 1)
			root_done = true;
		if (it.kind != AXML_START_ELEMENT || root_done)
			continue;
		pstrtrunc(path[it.depth], it.name, sizeof(path[0]));
		if (manifest_element(out, &it, path, p->nresmap == 0, err) != 0)
			goto out;
	}
	if (!out->package) {
		perr_set(err, PERR_INVALID, "axml", "the document has no <manifest> element");
		goto out;
	}
#define FILL(f)                                      \
	if (!out->f && !(out->f = xdup(""))) {        \
		perr_set(err, PERR_INTERNAL, NULL, "out of memory"); \
		goto out;                               \
	}
	FILL(version_code) FILL(version_name) FILL(min_sdk) FILL(target_sdk) FILL(max_sdk)
	FILL(label)
#undef FILL
	rc = 0;
out:
	free(path);
	axml_parser_free(p);
	return rc;
}

static void json_strv(struct pbuf *b, const char *key, const struct axml_strv *v)
{
	pbuf_addf(b, "\"%s\":[", key);
	for (size_t i = 0; i < v->n; i++) {
		if (i)
			pbuf_adds(b, ",");
		pjson_str(b, v->v[i]);
	}
	pbuf_adds(b, "]");
}

int axml_manifest_json(const struct axml_manifest *m, struct pbuf *b)
{
	pbuf_adds(b, "{\"package\":");
	pjson_str(b, m->package);
	pbuf_adds(b, ",\"version_code\":");
	pjson_str(b, m->version_code);
	pbuf_adds(b, ",\"version_name\":");
	pjson_str(b, m->version_name);
	pbuf_adds(b, ",\"min_sdk\":");
	pjson_str(b, m->min_sdk);
	pbuf_adds(b, ",\"target_sdk\":");
	pjson_str(b, m->target_sdk);
	pbuf_adds(b, ",\"max_sdk\":");
	pjson_str(b, m->max_sdk);
	pbuf_adds(b, ",");
	json_strv(b, "permissions", &m->permissions);
	pbuf_adds(b, ",");
	json_strv(b, "permissions_declared", &m->permissions_declared);
	pbuf_adds(b, ",\"label\":");
	pjson_str(b, m->label);
	pbuf_addf(b, ",\"label_is_ref\":%s,\"components\":[", m->label_is_ref ? "true" : "false");
	for (size_t i = 0; i < m->ncomps; i++) {
		const struct axml_component *c = &m->comps[i];
		pbuf_adds(b, i ? ",{\"kind\":" : "{\"kind\":");
		pjson_str(b, c->kind);
		pbuf_adds(b, ",\"name\":");
		pjson_str(b, c->name);
		pbuf_addf(b, ",\"exported\":%s,\"permission\":",
			  c->exported < 0 ? "null" : c->exported ? "true" : "false");
		pjson_str(b, c->permission);
		pbuf_addf(b, ",\"intent_filters\":%zu,", c->intent_filters);
		json_strv(b, "actions", &c->actions);
		pbuf_adds(b, ",");
		json_strv(b, "categories", &c->categories);
		pbuf_adds(b, "}");
	}
	pbuf_adds(b, "]}");
	return pbuf_failed(b) ? -1 : 0;
}

/* ------------------------------------------------------------ JSON dump */

int axml_dump_json(const void *data, size_t n, const struct axml_limits *lim,
		   struct pbuf *b, struct perr *err)
{
	struct axml_parser *p = NULL;
	struct axml_item it;
	bool *first = NULL; /* per depth: no child written yet */
	bool ns_first = true, root = false;
	char val[512];
	int rc = -1;
	if (axml_parser_new(&p, lim, err) != 0)
		goto out;
	if (!(first = calloc(p->lim.max_depth + 2, sizeof(*first)))) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	if (axml_feed(p, data, n, err) != 0)
		goto out;
	axml_finish(p);
	pbuf_adds(b, "{\"namespaces\":[");
	for (;;) {
		if (axml_next(p, &it, err) <= 0)
			goto out;
		if (it.kind == AXML_END_DOCUMENT)
			break;
		switch (it.kind) {
		case AXML_START_NS:
			pbuf_adds(b, ns_first ? "{\"prefix\":" : ",{\"prefix\":");
			ns_first = false;
			pjson_str(b, it.name);
			pbuf_adds(b, ",\"uri\":");
			pjson_str(b, it.ns);
			pbuf_adds(b, "}");
			break;
		case AXML_START_ELEMENT:
			if (it.depth == 1) {
				if (root) {
					/* a second root: XML has one; the first is the document */
					perr_set(err, PERR_INVALID, "axml", "a second root element <%s>",
						 it.name);
					goto out;
				}
				root = true;
				pbuf_adds(b, "],\"root\":");
			} else {
				if (!first[it.depth - 1])
					pbuf_adds(b, ",");
				first[it.depth - 1] = false;
			}
			first[it.depth] = true;
			pbuf_adds(b, "{\"name\":");
			pjson_str(b, it.name);
			pbuf_adds(b, ",\"ns\":");
			pjson_str(b, it.ns);
			pbuf_adds(b, ",\"attrs\":[");
			for (size_t i = 0; i < it.nattrs; i++) {
				const struct axml_attr *a = &it.attrs[i];
				pbuf_adds(b, i ? ",{\"ns\":" : "{\"ns\":");
				pjson_str(b, a->ns);
				pbuf_adds(b, ",\"name\":");
				pjson_str(b, a->name);
				pbuf_addf(b, ",\"res_id\":%u,\"type\":%u,\"value\":", a->res_id, a->type);
				/* strings whole: val is for the short typed values */
				pjson_str(b, a->type == AXML_T_STRING ? a->str
					     : a->type == AXML_T_NULL ? a->raw
					     : axml_value_text(a, val, sizeof(val)));
				pbuf_adds(b, "}");
			}
			pbuf_adds(b, "],\"children\":[");
			break;
		case AXML_END_ELEMENT:
			pbuf_adds(b, "]}");
			break;
		case AXML_CDATA:
			if (it.depth == 0)
				break; /* text outside the root has no place in the tree */
			if (!first[it.depth])
				pbuf_adds(b, ",");
			first[it.depth] = false;
			pbuf_adds(b, "{\"text\":");
			pjson_str(b, it.text);
			pbuf_adds(b, "}");
			break;
		default:
			break;
		}
	}
	for (unsigned d = p->depth; d > 0; d--)
		pbuf_adds(b, "]}");
	if (!root)
		pbuf_adds(b, "],\"root\":null");
	pbuf_adds(b, "}");
	if (pbuf_failed(b)) {
		perr_set(err, PERR_LIMIT, "axml", "the JSON dump exceeds its buffer");
		goto out;
	}
	rc = 0;
out:
	free(first);
	axml_parser_free(p);
	return rc;
}
