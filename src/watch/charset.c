/*
** charset.c — which character encoding a fetched page is written in, and
** its bytes as UTF-8, so that the analysis (gumbo, the signatures, the
** shingles) sees the text a browser would show.
**
** Many Iranian government sites still serve windows-1256 (the Arabic and
** Persian Windows code page), some ISO-8859-6 or windows-1252. Read as
** UTF-8, such a page is invalid bytes: its Persian text is lost and a
** defacement written in Persian goes unseen. Two steps fix that:
**
**   watch_charset_sniff()  the encoding, decided as the HTML standard does
**                          it (a simplified "determine the character
**                          encoding"): a byte order mark, else the charset
**                          parameter of the Content-Type header (combined
**                          values handled as Fetch's "extract a MIME type"),
**                          else the HTML prescan of the first 1024 bytes
**                          (<meta charset>, <meta http-equiv content>, with
**                          comments, quotes, case and whitespace handled as
**                          the standard's byte-level algorithm does), else
**                          UTF-8;
**   watch_to_utf8()        the conversion, from 128-entry tables of the
**                          upper half (bytes below 0x80 are ASCII in all
**                          three), written out here from the WHATWG
**                          Encoding Standard's index files; bytes an index
**                          leaves unmapped become U+FFFD, as its decoder
**                          does.
**
** Only the encodings we convert are known; every label of theirs in the
** WHATWG label table is accepted. No iconv and no locale: the result is a
** function of the bytes alone, the same on every machine. Nothing here does
** I/O or allocates, but for the output buffer.
*/
#include "watch/watch.h"

#include <string.h>

/* Bytes of the body the <meta> prescan looks at (the standard's figure). */
#define PRESCAN_MAX 1024
/* Bytes of a Content-Type header value looked at (fetch keeps fewer). */
#define CTYPE_MAX 4096

enum cs {
	CS_NONE = -1, /* no label, or one we do not know */
	CS_UTF8,
	CS_W1256,
	CS_8859_6,
	CS_W1252,
};

static const char *const cs_name[] = { "utf-8", "windows-1256", "iso-8859-6", "windows-1252" };

/* ------------------------------------------------------------------ labels */

struct label {
	const char *label;
	enum cs cs;
	bool meta_only; /* an override the prescan applies, not a real label of cs */
};

/* The WHATWG Encoding Standard's labels of the four encodings, and the two
** overrides of the HTML prescan: a <meta> that names UTF-16 means UTF-8 (the
** page was read as ASCII to find it, so it is not UTF-16), x-user-defined
** means windows-1252. Note that latin1, ascii and us-ascii are windows-1252
** for the web, not ISO-8859-1. */
static const struct label labels[] = {
	{ "unicode-1-1-utf-8", CS_UTF8, false },
	{ "unicode11utf8", CS_UTF8, false },
	{ "unicode20utf8", CS_UTF8, false },
	{ "utf-8", CS_UTF8, false },
	{ "utf8", CS_UTF8, false },
	{ "x-unicode20utf8", CS_UTF8, false },
	{ "cp1256", CS_W1256, false },
	{ "windows-1256", CS_W1256, false },
	{ "x-cp1256", CS_W1256, false },
	{ "arabic", CS_8859_6, false },
	{ "asmo-708", CS_8859_6, false },
	{ "csiso88596e", CS_8859_6, false },
	{ "csiso88596i", CS_8859_6, false },
	{ "csisolatinarabic", CS_8859_6, false },
	{ "ecma-114", CS_8859_6, false },
	{ "iso-8859-6", CS_8859_6, false },
	{ "iso-8859-6-e", CS_8859_6, false },
	{ "iso-8859-6-i", CS_8859_6, false },
	{ "iso-ir-127", CS_8859_6, false },
	{ "iso8859-6", CS_8859_6, false },
	{ "iso88596", CS_8859_6, false },
	{ "iso_8859-6", CS_8859_6, false },
	{ "iso_8859-6:1987", CS_8859_6, false },
	{ "ansi_x3.4-1968", CS_W1252, false },
	{ "ascii", CS_W1252, false },
	{ "cp1252", CS_W1252, false },
	{ "cp819", CS_W1252, false },
	{ "csisolatin1", CS_W1252, false },
	{ "ibm819", CS_W1252, false },
	{ "iso-8859-1", CS_W1252, false },
	{ "iso-ir-100", CS_W1252, false },
	{ "iso8859-1", CS_W1252, false },
	{ "iso88591", CS_W1252, false },
	{ "iso_8859-1", CS_W1252, false },
	{ "iso_8859-1:1987", CS_W1252, false },
	{ "l1", CS_W1252, false },
	{ "latin1", CS_W1252, false },
	{ "us-ascii", CS_W1252, false },
	{ "windows-1252", CS_W1252, false },
	{ "x-cp1252", CS_W1252, false },
	/* prescan overrides: UTF-16LE and UTF-16BE labels, x-user-defined */
	{ "csunicode", CS_UTF8, true },
	{ "iso-10646-ucs-2", CS_UTF8, true },
	{ "ucs-2", CS_UTF8, true },
	{ "unicode", CS_UTF8, true },
	{ "unicodefeff", CS_UTF8, true },
	{ "unicodefffe", CS_UTF8, true },
	{ "utf-16", CS_UTF8, true },
	{ "utf-16be", CS_UTF8, true },
	{ "utf-16le", CS_UTF8, true },
	{ "x-user-defined", CS_W1252, true },
};

static bool ascii_ws(unsigned char c)
{
	return c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D || c == 0x20;
}

static unsigned char ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static bool ascii_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The encoding a label names ("get an encoding": ASCII whitespace around it
** ignored, ASCII case-insensitive), or CS_NONE. meta: the prescan's
** overrides apply. */
static enum cs label_find(const char *s, size_t n, bool meta)
{
	struct pstr p = { s, n };
	while (p.n && ascii_ws((unsigned char)p.p[0])) {
		p.p++;
		p.n--;
	}
	while (p.n && ascii_ws((unsigned char)p.p[p.n - 1]))
		p.n--;
	for (size_t i = 0; i < ARRAY_SIZE(labels); i++)
		if ((meta || !labels[i].meta_only) && pstr_ieqc(p, labels[i].label))
			return labels[i].cs;
	return CS_NONE;
}

/* ---------------------------------------------------------- Content-Type */

static bool http_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* An HTTP token character (RFC 9110), as type and subtype must be made of. */
static bool token_char(unsigned char c)
{
	return c > 0x20 && c < 0x7F && !strchr("\"(),/:;<=>?@[\\]{}", c);
}

/* A parameter value as a view into the header: the bytes between the
** quotes of a quoted string (backslash escapes still in), or a token. */
struct pval {
	struct pstr v;
	bool quoted;
};

/* One MIME type of a Content-Type value, s[0..n): its essence
** ("type/subtype" as written) and the value of its first charset parameter
** (v.p == NULL when it has none), as views into s. Returns -1 when s is no
** MIME type. Single quotes around a token value, which no standard allows
** but some servers send, are taken off. */
static int mime_parse(const char *s, size_t n, struct pstr *essence, struct pval *charset)
{
	size_t i = 0;
	while (i < n && http_ws((unsigned char)s[i]))
		i++;
	size_t t0 = i;
	while (i < n && token_char((unsigned char)s[i]))
		i++;
	if (i == t0 || i >= n || s[i] != '/')
		return -1;
	i++;
	size_t s0 = i;
	while (i < n && token_char((unsigned char)s[i]))
		i++;
	if (i == s0)
		return -1;
	*essence = (struct pstr){ s + t0, i - t0 };
	*charset = (struct pval){ { NULL, 0 }, false };
	while (i < n && http_ws((unsigned char)s[i]))
		i++;
	if (i < n && s[i] != ';')
		return -1; /* "text/html x" */
	bool have = false;
	while (i < n) {
		i++; /* past ';' */
		while (i < n && http_ws((unsigned char)s[i]))
			i++;
		size_t k0 = i;
		while (i < n && s[i] != ';' && s[i] != '=')
			i++;
		struct pstr name = { s + k0, i - k0 };
		if (i >= n || s[i] == ';')
			continue;
		i++; /* past '=' */
		struct pval val = { { NULL, 0 }, false };
		if (i < n && s[i] == '"') {
			/* a quoted string; one left open runs to the end */
			size_t v0 = ++i;
			while (i < n && s[i] != '"') {
				if (s[i] == '\\' && i + 1 < n)
					i++;
				i++;
			}
			val = (struct pval){ { s + v0, (i < n ? i : n) - v0 }, true };
			while (i < n && s[i] != ';')
				i++;
		} else {
			size_t v0 = i;
			while (i < n && s[i] != ';')
				i++;
			val.v = (struct pstr){ s + v0, i - v0 };
			while (val.v.n && http_ws((unsigned char)val.v.p[val.v.n - 1]))
				val.v.n--;
			if (val.v.n >= 2 && val.v.p[0] == '\'' && val.v.p[val.v.n - 1] == '\'') {
				val.v.p++;
				val.v.n -= 2;
			}
		}
		if (!have && pstr_ieqc(name, "charset")) {
			*charset = val;
			have = true;
		}
	}
	return 0;
}

/* The charset a Content-Type value declares, as Fetch's "extract a MIME
** type" finds it in a value that may join repeated headers with commas: the
** last MIME type wins, and a charset given earlier for the same essence
** carries over to it. CS_NONE when there is none or it is unknown. */
static enum cs header_charset(const char *ct)
{
	size_t n = strnlen(ct, CTYPE_MAX), i = 0;
	struct pstr essence = { NULL, 0 };
	struct pval charset = { { NULL, 0 }, false };
	while (i <= n) {
		/* one comma-separated value; commas inside quotes do not split */
		size_t b = i;
		bool q = false;
		while (i < n && (q || ct[i] != ',')) {
			if (ct[i] == '"')
				q = !q;
			else if (q && ct[i] == '\\' && i + 1 < n)
				i++;
			i++;
		}
		struct pstr e;
		struct pval c;
		if (mime_parse(ct + b, i - b, &e, &c) == 0 && !pstr_eqc(e, "*/*")) {
			bool same = essence.p && e.n == essence.n;
			for (size_t k = 0; same && k < e.n; k++)
				same = ascii_lower((unsigned char)e.p[k]) ==
				       ascii_lower((unsigned char)essence.p[k]);
			if (!same) {
				essence = e;
				charset = c;
			} else if (c.v.p) {
				charset = c;
			}
		}
		i++; /* past ',' (or the end) */
	}
	if (!charset.v.p)
		return CS_NONE;
	if (!charset.quoted)
		return label_find(charset.v.p, charset.v.n, false);
	/* a quoted string: its escapes taken off ("win\dows" is "windows") */
	char buf[64];
	size_t k = 0;
	for (size_t j = 0; j < charset.v.n; j++) {
		if (charset.v.p[j] == '\\' && j + 1 < charset.v.n)
			j++;
		if (k == sizeof(buf))
			return CS_NONE; /* longer than any label */
		buf[k++] = charset.v.p[j];
	}
	return label_find(buf, k, false);
}

/* ---------------------------------------------------------------- prescan */

/* An attribute as the prescan reads it: name and value lower-cased (values
** too, as the standard does). The value can be no longer than the 1024
** bytes scanned; a name only matters when it is one of ours, so a longer
** one is marked rather than kept. */
struct attr {
	char name[16];
	size_t nlen;
	bool name_long;
	char value[PRESCAN_MAX];
	size_t vlen;
};

static void attr_name_add(struct attr *a, unsigned char c)
{
	if (a->nlen + 1 < sizeof(a->name))
		a->name[a->nlen++] = (char)ascii_lower(c);
	else
		a->name_long = true;
}

static void attr_value_add(struct attr *a, unsigned char c)
{
	if (a->vlen < sizeof(a->value))
		a->value[a->vlen++] = (char)ascii_lower(c);
}

static bool attr_is(const struct attr *a, const char *name)
{
	return !a->name_long && strlen(name) == a->nlen && memcmp(a->name, name, a->nlen) == 0;
}

/* The standard's "get an attribute" at *pos: 1 with a filled, 0 when there
** is none (*pos then at the '>' that ends the tag), -1 when the bytes ran
** out first (the tag is incomplete: the prescan stops). */
static int get_attr(const unsigned char *b, size_t n, size_t *pos, struct attr *a)
{
	size_t i = *pos;
	a->nlen = a->vlen = 0;
	a->name_long = false;
	while (i < n && (ascii_ws(b[i]) || b[i] == '/'))
		i++;
	if (i >= n)
		return -1;
	if (b[i] == '>') {
		*pos = i;
		return 0;
	}
	for (;;) { /* the name */
		if (i >= n)
			return -1;
		unsigned char c = b[i];
		if (c == '=' && (a->nlen || a->name_long)) {
			i++;
			break;
		}
		if (ascii_ws(c)) {
			while (i < n && ascii_ws(b[i]))
				i++;
			if (i >= n)
				return -1;
			if (b[i] != '=') {
				*pos = i; /* a name without a value */
				return 1;
			}
			i++;
			break;
		}
		if (c == '/' || c == '>') {
			*pos = i;
			return 1;
		}
		attr_name_add(a, c);
		i++;
	}
	while (i < n && ascii_ws(b[i])) /* the value */
		i++;
	if (i >= n)
		return -1;
	if (b[i] == '"' || b[i] == '\'') {
		unsigned char q = b[i++];
		while (i < n && b[i] != q)
			attr_value_add(a, b[i++]);
		if (i >= n)
			return -1;
		*pos = i + 1;
		return 1;
	}
	if (b[i] == '>') {
		*pos = i;
		return 1;
	}
	while (i < n && !ascii_ws(b[i]) && b[i] != '>')
		attr_value_add(a, b[i++]);
	if (i >= n)
		return -1;
	*pos = i;
	return 1;
}

/* Does b[i..n) start with lit (lower case), ASCII case-insensitively
** (no locale: strncasecmp would use one)? */
static bool starts_ci(const unsigned char *b, size_t n, size_t i, const char *lit)
{
	size_t m = strlen(lit);
	if (n - i < m)
		return false;
	for (size_t k = 0; k < m; k++)
		if (ascii_lower(b[i + k]) != (unsigned char)lit[k])
			return false;
	return true;
}

/* The standard's "extract a character encoding from a meta element": the
** label after the first "charset" followed by '=' in a content attribute
** ("text/html; charset=windows-1256"). CS_NONE when there is none or it is
** unknown. */
static enum cs content_charset(const char *s, size_t n)
{
	size_t i = 0;
	for (;;) {
		size_t j = i;
		while (j + 7 <= n && !starts_ci((const unsigned char *)s, n, j, "charset"))
			j++;
		if (j + 7 > n)
			return CS_NONE;
		i = j + 7;
		while (i < n && ascii_ws((unsigned char)s[i]))
			i++;
		if (i < n && s[i] == '=')
			break;
	}
	i++;
	while (i < n && ascii_ws((unsigned char)s[i]))
		i++;
	if (i >= n)
		return CS_NONE;
	if (s[i] == '"' || s[i] == '\'') {
		const char *q = memchr(s + i + 1, s[i], n - i - 1);
		if (!q)
			return CS_NONE; /* an unmatched quote */
		return label_find(s + i + 1, (size_t)(q - (s + i + 1)), true);
	}
	size_t e = i;
	while (e < n && !ascii_ws((unsigned char)s[e]) && s[e] != ';')
		e++;
	return label_find(s + i, e - i, true);
}

/* One <meta>'s attributes from *pos to its '>': the encoding it declares
** (the standard's charset / http-equiv / content rules, the first of each
** attribute counting), CS_NONE when it declares none we know, or -2 when
** the bytes ran out inside it. */
static int meta_charset(const unsigned char *b, size_t n, size_t *pos, struct attr *a)
{
	bool seen_he = false, seen_content = false, seen_charset = false, got_pragma = false;
	enum { NP_NULL, NP_TRUE, NP_FALSE } need_pragma = NP_NULL;
	enum { CH_NULL, CH_FAILURE, CH_SET } ch = CH_NULL;
	enum cs charset = CS_NONE;
	int r;
	while ((r = get_attr(b, n, pos, a)) == 1) {
		if (attr_is(a, "http-equiv") && !seen_he) {
			seen_he = true;
			struct pstr v = { a->value, a->vlen };
			if (pstr_eqc(v, "content-type"))
				got_pragma = true;
		} else if (attr_is(a, "content") && !seen_content) {
			seen_content = true;
			enum cs c = content_charset(a->value, a->vlen);
			if (c != CS_NONE && ch == CH_NULL) {
				charset = c;
				ch = CH_SET;
				need_pragma = NP_TRUE;
			}
		} else if (attr_is(a, "charset") && !seen_charset) {
			seen_charset = true;
			charset = label_find(a->value, a->vlen, true);
			ch = charset == CS_NONE ? CH_FAILURE : CH_SET;
			need_pragma = NP_FALSE;
		}
	}
	if (r < 0)
		return -2;
	if (need_pragma == NP_NULL || (need_pragma == NP_TRUE && !got_pragma) || ch != CH_SET)
		return CS_NONE;
	return charset;
}

/* The HTML standard's "prescan a byte stream to determine its encoding"
** over b[0..n), n <= PRESCAN_MAX: CS_NONE when it finds no known label. */
static enum cs prescan(const unsigned char *b, size_t n)
{
	struct attr a;
	size_t i = 0;
	while (i < n) {
		if (starts_ci(b, n, i, "<!--")) {
			/* to the '>' of the first "-->", whose dashes may be those
			** of "<!--" itself ("<!-->" is a whole comment) */
			size_t j = i + 4;
			while (j < n && !(b[j] == '>' && b[j - 1] == '-' && b[j - 2] == '-'))
				j++;
			if (j >= n)
				return CS_NONE;
			i = j + 1;
		} else if (starts_ci(b, n, i, "<meta") && i + 5 < n &&
			   (ascii_ws(b[i + 5]) || b[i + 5] == '/')) {
			i += 6;
			int c = meta_charset(b, n, &i, &a);
			if (c == -2)
				return CS_NONE;
			if (c != CS_NONE)
				return (enum cs)c;
			i++; /* past the '>' */
		} else if (b[i] == '<' && i + 1 < n &&
			   (ascii_alpha(b[i + 1]) ||
			    (b[i + 1] == '/' && i + 2 < n && ascii_alpha(b[i + 2])))) {
			/* any other tag: skip its name, then its attributes, so
			** that a '>' or "<meta" inside a quoted value is no tag */
			while (i < n && !ascii_ws(b[i]) && b[i] != '>')
				i++;
			int r;
			while ((r = get_attr(b, n, &i, &a)) == 1)
				;
			if (r < 0)
				return CS_NONE;
			i++;
		} else if (starts_ci(b, n, i, "<!") || starts_ci(b, n, i, "</") ||
			   starts_ci(b, n, i, "<?")) {
			const unsigned char *gt = memchr(b + i + 2, '>', n - i - 2);
			if (!gt)
				return CS_NONE;
			i = (size_t)(gt - b) + 1;
		} else {
			i++;
		}
	}
	return CS_NONE;
}

const char *watch_charset_sniff(const char *content_type, const char *body, size_t len,
				char out[WATCH_CHARSET_MAX])
{
	const unsigned char *b = (const unsigned char *)body;
	enum cs cs = CS_NONE;
	if (!body)
		len = 0;
	if ((len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) ||
	    (len >= 2 && ((b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE))))
		cs = CS_UTF8; /* a UTF-16 BOM too: see the contract */
	if (cs == CS_NONE && content_type)
		cs = header_charset(content_type);
	if (cs == CS_NONE)
		cs = prescan(b, len < PRESCAN_MAX ? len : PRESCAN_MAX);
	if (cs == CS_NONE)
		cs = CS_UTF8;
	pstrtrunc(out, cs_name[cs], WATCH_CHARSET_MAX); /* the table's short names fit */
	return out;
}

/* ----------------------------------------------------------------- tables */

/* Code points of bytes 0x80..0xFF, from the WHATWG indexes
** (index-windows-1256.txt, index-iso-8859-6.txt, index-windows-1252.txt);
** 0xFFFD where an index has no entry. Sixteen bytes a row, the row's first
** byte in the comment. */
static const uint16_t t_w1256[128] = {
	/* 0x80 */ 0x20AC, 0x067E, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
		   0x02C6, 0x2030, 0x0679, 0x2039, 0x0152, 0x0686, 0x0698, 0x0688,
	/* 0x90 */ 0x06AF, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
		   0x06A9, 0x2122, 0x0691, 0x203A, 0x0153, 0x200C, 0x200D, 0x06BA,
	/* 0xA0 */ 0x00A0, 0x060C, 0x00A2, 0x00A3, 0x00A4, 0x00A5, 0x00A6, 0x00A7,
		   0x00A8, 0x00A9, 0x06BE, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF,
	/* 0xB0 */ 0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7,
		   0x00B8, 0x00B9, 0x061B, 0x00BB, 0x00BC, 0x00BD, 0x00BE, 0x061F,
	/* 0xC0 */ 0x06C1, 0x0621, 0x0622, 0x0623, 0x0624, 0x0625, 0x0626, 0x0627,
		   0x0628, 0x0629, 0x062A, 0x062B, 0x062C, 0x062D, 0x062E, 0x062F,
	/* 0xD0 */ 0x0630, 0x0631, 0x0632, 0x0633, 0x0634, 0x0635, 0x0636, 0x00D7,
		   0x0637, 0x0638, 0x0639, 0x063A, 0x0640, 0x0641, 0x0642, 0x0643,
	/* 0xE0 */ 0x00E0, 0x0644, 0x00E2, 0x0645, 0x0646, 0x0647, 0x0648, 0x00E7,
		   0x00E8, 0x00E9, 0x00EA, 0x00EB, 0x0649, 0x064A, 0x00EE, 0x00EF,
	/* 0xF0 */ 0x064B, 0x064C, 0x064D, 0x064E, 0x00F4, 0x064F, 0x0650, 0x00F7,
		   0x0651, 0x00F9, 0x0652, 0x00FB, 0x00FC, 0x200E, 0x200F, 0x06D2,
};

static const uint16_t t_8859_6[128] = {
	/* 0x80 */ 0x0080, 0x0081, 0x0082, 0x0083, 0x0084, 0x0085, 0x0086, 0x0087,
		   0x0088, 0x0089, 0x008A, 0x008B, 0x008C, 0x008D, 0x008E, 0x008F,
	/* 0x90 */ 0x0090, 0x0091, 0x0092, 0x0093, 0x0094, 0x0095, 0x0096, 0x0097,
		   0x0098, 0x0099, 0x009A, 0x009B, 0x009C, 0x009D, 0x009E, 0x009F,
	/* 0xA0 */ 0x00A0, 0xFFFD, 0xFFFD, 0xFFFD, 0x00A4, 0xFFFD, 0xFFFD, 0xFFFD,
		   0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0x060C, 0x00AD, 0xFFFD, 0xFFFD,
	/* 0xB0 */ 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD,
		   0xFFFD, 0xFFFD, 0xFFFD, 0x061B, 0xFFFD, 0xFFFD, 0xFFFD, 0x061F,
	/* 0xC0 */ 0xFFFD, 0x0621, 0x0622, 0x0623, 0x0624, 0x0625, 0x0626, 0x0627,
		   0x0628, 0x0629, 0x062A, 0x062B, 0x062C, 0x062D, 0x062E, 0x062F,
	/* 0xD0 */ 0x0630, 0x0631, 0x0632, 0x0633, 0x0634, 0x0635, 0x0636, 0x0637,
		   0x0638, 0x0639, 0x063A, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD,
	/* 0xE0 */ 0x0640, 0x0641, 0x0642, 0x0643, 0x0644, 0x0645, 0x0646, 0x0647,
		   0x0648, 0x0649, 0x064A, 0x064B, 0x064C, 0x064D, 0x064E, 0x064F,
	/* 0xF0 */ 0x0650, 0x0651, 0x0652, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD,
		   0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD,
};

/* windows-1252 is ISO-8859-1 (byte = code point) from 0xA0 up; the WHATWG
** index keeps the five bytes Microsoft leaves undefined (0x81, 0x8D, 0x8F,
** 0x90, 0x9D) as the C1 controls of the same value. */
static const uint16_t t_w1252[128] = {
	/* 0x80 */ 0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
		   0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	/* 0x90 */ 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
		   0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
	/* 0xA0 */ 0x00A0, 0x00A1, 0x00A2, 0x00A3, 0x00A4, 0x00A5, 0x00A6, 0x00A7,
		   0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF,
	/* 0xB0 */ 0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7,
		   0x00B8, 0x00B9, 0x00BA, 0x00BB, 0x00BC, 0x00BD, 0x00BE, 0x00BF,
	/* 0xC0 */ 0x00C0, 0x00C1, 0x00C2, 0x00C3, 0x00C4, 0x00C5, 0x00C6, 0x00C7,
		   0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x00CC, 0x00CD, 0x00CE, 0x00CF,
	/* 0xD0 */ 0x00D0, 0x00D1, 0x00D2, 0x00D3, 0x00D4, 0x00D5, 0x00D6, 0x00D7,
		   0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x00DD, 0x00DE, 0x00DF,
	/* 0xE0 */ 0x00E0, 0x00E1, 0x00E2, 0x00E3, 0x00E4, 0x00E5, 0x00E6, 0x00E7,
		   0x00E8, 0x00E9, 0x00EA, 0x00EB, 0x00EC, 0x00ED, 0x00EE, 0x00EF,
	/* 0xF0 */ 0x00F0, 0x00F1, 0x00F2, 0x00F3, 0x00F4, 0x00F5, 0x00F6, 0x00F7,
		   0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x00FD, 0x00FE, 0x00FF,
};

static const uint16_t *const tables[] = { NULL, t_w1256, t_8859_6, t_w1252 };

/* ---------------------------------------------------------------- convert */

/* Code point cp (< 0x10000, not a surrogate) as UTF-8 into o; its length. */
static size_t utf8_put(unsigned cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	o[0] = (char)(0xE0 | (cp >> 12));
	o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

/* The longest prefix of s[0..n) not ending inside a UTF-8 sequence: the cut
** backs off over at most three continuation bytes. */
static size_t utf8_cut(const char *s, size_t n, size_t len)
{
	if (n >= len)
		return len;
	size_t k = n;
	while (k > 0 && n - k < 3 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return ((unsigned char)s[k] & 0xC0) == 0x80 ? n : k;
}

int watch_to_utf8(const char *charset, const char *body, size_t len, struct pbuf *out,
		  struct perr *err)
{
	enum cs cs = charset ? label_find(charset, strlen(charset), false) : CS_NONE;
	if (cs == CS_NONE)
		return perr_set(err, PERR_INVALID, "charset", "unsupported encoding: %.40s",
				charset ? charset : "(none)");
	if (!body)
		len = 0;
	size_t room = out->max > out->len ? out->max - out->len : 0;
	int rc = 0;
	if (cs == CS_UTF8) {
		size_t n = len;
		if (n > room) {
			n = utf8_cut(body, room, len);
			rc = 1;
		}
		if (pbuf_add(out, body, n) != 0)
			return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		return rc;
	}
	const uint16_t *t = tables[cs];
	char chunk[4096];
	size_t k = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)body[i];
		char u[3];
		size_t m = utf8_put(c < 0x80 ? c : t[c - 0x80], u);
		if (m > room) {
			rc = 1; /* whole characters only: stop before this one */
			break;
		}
		room -= m;
		if (k + m > sizeof(chunk)) {
			if (pbuf_add(out, chunk, k) != 0)
				return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
			k = 0;
		}
		memcpy(chunk + k, u, m);
		k += m;
	}
	if (pbuf_add(out, chunk, k) != 0)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	return rc;
}
