/*
** test_watch_charset.c — pages in the legacy encodings of Iranian government
** sites (windows-1256, ISO-8859-6, windows-1252): how their encoding is
** sniffed (byte order mark, Content-Type header, <meta> prescan, and the
** order of the three), the conversion to UTF-8 and its bound, and the whole
** path: a windows-1256 page gives the right Persian title and text, and a
** defacement written in Persian on such a site is detected.
**
** Byte strings are written out: the short ones by hand from the WHATWG
** index (each byte named in a comment), the page's sentences in W_ (the
** windows-1256 bytes) and U_ (the same text in UTF-8) pairs below. Note that
** windows-1256 has no Persian yeh (U+06CC): Persian pages write ی as 0xED,
** which is ARABIC LETTER YEH (U+064A), so the UTF-8 of a converted page
** carries U+064A; watch_fold folds it to ی for the signatures.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch/watch.h"

/* ----------------------------------------------------- the page's text */

/* وزارت نيرو */
#define W_TITLE \
	"\xe6\xd2\xc7\xd1\xca \xe4\xed\xd1\xe6"
#define U_TITLE \
	"\xd9\x88\xd8\xb2\xd8\xa7\xd8\xb1\xd8\xaa \xd9\x86\xd9\x8a\xd8\xb1\xd9\x88"
/* وزارت نيرو جمهوري اسلامي ايران */
#define W_H1 \
	"\xe6\xd2\xc7\xd1\xca \xe4\xed\xd1\xe6 \xcc\xe3\xe5\xe6\xd1\xed \xc7\xd3\xe1" \
	"\xc7\xe3\xed \xc7\xed\xd1\xc7\xe4"
#define U_H1 \
	"\xd9\x88\xd8\xb2\xd8\xa7\xd8\xb1\xd8\xaa \xd9\x86\xd9\x8a\xd8\xb1\xd9\x88 \xd8" \
	"\xac\xd9\x85\xd9\x87\xd9\x88\xd8\xb1\xd9\x8a \xd8\xa7\xd8\xb3\xd9\x84\xd8\xa7" \
	"\xd9\x85\xd9\x8a \xd8\xa7\xd9\x8a\xd8\xb1\xd8\xa7\xd9\x86"
/* وزارت نيرو مسئول تامين آب و برق کشور است و طرح<ZWNJ>هاي توسعه شبکه
** انتقال و توزيع را در همه استان<ZWNJ>ها اجرا مي<ZWNJ>کند. */
#define W_P1 \
	"\xe6\xd2\xc7\xd1\xca \xe4\xed\xd1\xe6 \xe3\xd3\xc6\xe6\xe1 \xca\xc7\xe3\xed" \
	"\xe4 \xc2\xc8 \xe6 \xc8\xd1\xde \x98\xd4\xe6\xd1 \xc7\xd3\xca \xe6 \xd8\xd1" \
	"\xcd\x9d\xe5\xc7\xed \xca\xe6\xd3\xda\xe5 \xd4\xc8\x98\xe5 \xc7\xe4\xca\xde" \
	"\xc7\xe1 \xe6 \xca\xe6\xd2\xed\xda \xd1\xc7 \xcf\xd1 \xe5\xe3\xe5 \xc7\xd3\xca" \
	"\xc7\xe4\x9d\xe5\xc7 \xc7\xcc\xd1\xc7 \xe3\xed\x9d\x98\xe4\xcf."
#define U_P1 \
	"\xd9\x88\xd8\xb2\xd8\xa7\xd8\xb1\xd8\xaa \xd9\x86\xd9\x8a\xd8\xb1\xd9\x88 \xd9" \
	"\x85\xd8\xb3\xd8\xa6\xd9\x88\xd9\x84 \xd8\xaa\xd8\xa7\xd9\x85\xd9\x8a\xd9\x86 " \
	"\xd8\xa2\xd8\xa8 \xd9\x88 \xd8\xa8\xd8\xb1\xd9\x82 \xda\xa9\xd8\xb4\xd9\x88" \
	"\xd8\xb1 \xd8\xa7\xd8\xb3\xd8\xaa \xd9\x88 \xd8\xb7\xd8\xb1\xd8\xad\xe2\x80" \
	"\x8c\xd9\x87\xd8\xa7\xd9\x8a \xd8\xaa\xd9\x88\xd8\xb3\xd8\xb9\xd9\x87 \xd8\xb4" \
	"\xd8\xa8\xda\xa9\xd9\x87 \xd8\xa7\xd9\x86\xd8\xaa\xd9\x82\xd8\xa7\xd9\x84 \xd9" \
	"\x88 \xd8\xaa\xd9\x88\xd8\xb2\xd9\x8a\xd8\xb9 \xd8\xb1\xd8\xa7 \xd8\xaf\xd8" \
	"\xb1 \xd9\x87\xd9\x85\xd9\x87 \xd8\xa7\xd8\xb3\xd8\xaa\xd8\xa7\xd9\x86\xe2\x80" \
	"\x8c\xd9\x87\xd8\xa7 \xd8\xa7\xd8\xac\xd8\xb1\xd8\xa7 \xd9\x85\xd9\x8a\xe2\x80" \
	"\x8c\xda\xa9\xd9\x86\xd8\xaf."
/* افتتاح نيروگاه خورشيدي در استان يزد */
#define W_N1 \
	"\xc7\xdd\xca\xca\xc7\xcd \xe4\xed\xd1\xe6\x90\xc7\xe5 \xce\xe6\xd1\xd4\xed\xcf" \
	"\xed \xcf\xd1 \xc7\xd3\xca\xc7\xe4 \xed\xd2\xcf"
/* پروژه مديريت مصرف برق در تابستان آغاز شد */
#define W_N2 \
	"\x81\xd1\xe6\x8e\xe5 \xe3\xcf\xed\xd1\xed\xca \xe3\xd5\xd1\xdd \xc8\xd1\xde " \
	"\xcf\xd1 \xca\xc7\xc8\xd3\xca\xc7\xe4 \xc2\xdb\xc7\xd2 \xd4\xcf"
#define U_N2 \
	"\xd9\xbe\xd8\xb1\xd9\x88\xda\x98\xd9\x87 \xd9\x85\xd8\xaf\xd9\x8a\xd8\xb1\xd9" \
	"\x8a\xd8\xaa \xd9\x85\xd8\xb5\xd8\xb1\xd9\x81 \xd8\xa8\xd8\xb1\xd9\x82 \xd8" \
	"\xaf\xd8\xb1 \xd8\xaa\xd8\xa7\xd8\xa8\xd8\xb3\xd8\xaa\xd8\xa7\xd9\x86 \xd8\xa2" \
	"\xd8\xba\xd8\xa7\xd8\xb2 \xd8\xb4\xd8\xaf"
/* نشست خبري وزير نيرو روز چهارشنبه برگزار مي<ZWNJ>شود */
#define W_N3 \
	"\xe4\xd4\xd3\xca \xce\xc8\xd1\xed \xe6\xd2\xed\xd1 \xe4\xed\xd1\xe6 \xd1\xe6" \
	"\xd2 \x8d\xe5\xc7\xd1\xd4\xe4\xc8\xe5 \xc8\xd1\x90\xd2\xc7\xd1 \xe3\xed\x9d" \
	"\xd4\xe6\xcf"
#define U_N3 \
	"\xd9\x86\xd8\xb4\xd8\xb3\xd8\xaa \xd8\xae\xd8\xa8\xd8\xb1\xd9\x8a \xd9\x88\xd8" \
	"\xb2\xd9\x8a\xd8\xb1 \xd9\x86\xd9\x8a\xd8\xb1\xd9\x88 \xd8\xb1\xd9\x88\xd8\xb2" \
	" \xda\x86\xd9\x87\xd8\xa7\xd8\xb1\xd8\xb4\xd9\x86\xd8\xa8\xd9\x87 \xd8\xa8\xd8" \
	"\xb1\xda\xaf\xd8\xb2\xd8\xa7\xd8\xb1 \xd9\x85\xd9\x8a\xe2\x80\x8c\xd8\xb4\xd9" \
	"\x88\xd8\xaf"
/* تماس با ما */
#define W_CONTACT \
	"\xca\xe3\xc7\xd3 \xc8\xc7 \xe3\xc7"
/* کليه حقوق اين پايگاه متعلق به وزارت نيرو است. */
#define W_FOOT \
	"\x98\xe1\xed\xe5 \xcd\xde\xe6\xde \xc7\xed\xe4 \x81\xc7\xed\x90\xc7\xe5 \xe3" \
	"\xca\xda\xe1\xde \xc8\xe5 \xe6\xd2\xc7\xd1\xca \xe4\xed\xd1\xe6 \xc7\xd3\xca."
/* هک شد توسط تيم سايبري */
#define W_D_TITLE \
	"\xe5\x98 \xd4\xcf \xca\xe6\xd3\xd8 \xca\xed\xe3 \xd3\xc7\xed\xc8\xd1\xed"
#define U_D_TITLE \
	"\xd9\x87\xda\xa9 \xd8\xb4\xd8\xaf \xd8\xaa\xd9\x88\xd8\xb3\xd8\xb7 \xd8\xaa" \
	"\xd9\x8a\xd9\x85 \xd8\xb3\xd8\xa7\xd9\x8a\xd8\xa8\xd8\xb1\xd9\x8a"
/* اين سايت هک شد توسط تيم سايبري */
#define W_D_H1 \
	"\xc7\xed\xe4 \xd3\xc7\xed\xca \xe5\x98 \xd4\xcf \xca\xe6\xd3\xd8 \xca\xed\xe3 " \
	"\xd3\xc7\xed\xc8\xd1\xed"
#define U_D_H1 \
	"\xd8\xa7\xd9\x8a\xd9\x86 \xd8\xb3\xd8\xa7\xd9\x8a\xd8\xaa \xd9\x87\xda\xa9 " \
	"\xd8\xb4\xd8\xaf \xd8\xaa\xd9\x88\xd8\xb3\xd8\xb7 \xd8\xaa\xd9\x8a\xd9\x85 " \
	"\xd8\xb3\xd8\xa7\xd9\x8a\xd8\xa8\xd8\xb1\xd9\x8a"
/* امنيت شما پايين است. به مدير سايت بگوييد. */
#define W_D_P \
	"\xc7\xe3\xe4\xed\xca \xd4\xe3\xc7 \x81\xc7\xed\xed\xe4 \xc7\xd3\xca. \xc8\xe5 " \
	"\xe3\xcf\xed\xd1 \xd3\xc7\xed\xca \xc8\x90\xe6\xed\xed\xcf."

/* A ministry's home page in windows-1256, its encoding declared by meta
** (the http-equiv form, the most common on these old sites), by header only
** (no meta), and a second observation with other news. */
#define META_HTTP_EQUIV \
	"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1256\">"
#define PAGE(meta, title, body)                                                          \
	"<!DOCTYPE html><html lang=\"fa\" dir=\"rtl\"><head>" meta "<title>" title         \
	"</title></head><body>" body "</body></html>"
#define MINISTRY_BODY(news)                                                              \
	"<h1>" W_H1 "</h1><p>" W_P1 "</p><ul><li><a href=\"/news/1\">" news                \
	"</a></li><li><a href=\"/news/2\">" W_N2 "</a></li></ul><p><a href=\"/contact\">"   \
	W_CONTACT "</a></p><footer>" W_FOOT "</footer>"

static const char ministry[] = PAGE(META_HTTP_EQUIV, W_TITLE, MINISTRY_BODY(W_N1));
static const char ministry2[] = PAGE(META_HTTP_EQUIV, W_TITLE, MINISTRY_BODY(W_N3));
static const char ministry_nometa[] = PAGE("", W_TITLE, MINISTRY_BODY(W_N1));
/* The defacement, in windows-1256 as well (meta charset form). */
static const char defaced[] = PAGE("<meta charset=\"windows-1256\">", W_D_TITLE,
				   "<h1>" W_D_H1 "</h1><p>" W_D_P "</p>");
/* The same defacement as a UTF-8 page, uploaded to a server that still
** sends "charset=windows-1256" for every page. */
static const char defaced_utf8[] = PAGE("<meta charset=\"utf-8\">", U_D_TITLE,
					"<h1>" U_D_H1 "</h1>");

#define URL "https://www.moe.example/"
#define CT_1256 "text/html; charset=windows-1256"

/* ------------------------------------------------------------- helpers */

static void sniff_is(const char *ct, const char *body, const char *want)
{
	char out[WATCH_CHARSET_MAX];
	size_t n = body ? strlen(body) : 0;
	const char *got = watch_charset_sniff(ct, body, n, out);
	if (got != out)
		fail_msg("sniff did not return out");
	if (strcmp(got, want) != 0)
		fail_msg("ct %s, body %.60s: expected %s, got %s", ct ? ct : "(null)",
			 body ? body : "(null)", want, got);
}

/* body (n bytes) in charset converted without bound must equal want. */
static void conv_is(const char *charset, const char *body, size_t n, const char *want,
		    size_t wn)
{
	struct pbuf b;
	struct perr e;
	pbuf_init(&b, 0);
	perr_clear(&e);
	int r = watch_to_utf8(charset, body, n, &b, &e);
	if (r != 0)
		fail_msg("%s: rc %d %s", charset, r, e.msg);
	if (b.len != wn || memcmp(b.ptr, want, wn) != 0) {
		char hex[256] = "";
		for (size_t i = 0; i < b.len && i < 60; i++)
			snprintf(hex + 3 * i, sizeof(hex) - 3 * i, "%02x ",
				 (unsigned char)b.ptr[i]);
		pbuf_free(&b);
		fail_msg("%s: got %s", charset, hex);
	}
	pbuf_free(&b);
}
#define CONV(cs, in, want) conv_is(cs, in, sizeof(in) - 1, want, sizeof(want) - 1)

static void extract_ct(const char *page, size_t n, const char *ct, struct watch_features *f)
{
	struct perr e;
	perr_clear(&e);
	if (watch_extract_ct(page, n, URL, ct, f, &e) != 0)
		fail_msg("extract: %s", e.msg);
	assert_true(utf8_valid(f->text, f->text_len));
	assert_true(utf8_valid(f->title, strlen(f->title)));
}

static bool has(const struct watch_verdict *v, const char *name)
{
	for (size_t i = 0; i < v->nsig; i++)
		if (strcmp(v->sig[i].name, name) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------- sniffing */

static void sniff_header(void **state)
{
	(void)state;
	sniff_is(CT_1256, "<p>x</p>", "windows-1256");
	sniff_is("text/html;charset=\"CP1256\"", "", "windows-1256");
	sniff_is("TEXT/HTML; CHARSET=X-CP1256", "", "windows-1256");
	sniff_is("text/html; charset=ISO-8859-6", "", "iso-8859-6");
	sniff_is("text/html; charset=arabic", "", "iso-8859-6");
	sniff_is("text/html; charset=latin1", "", "windows-1252");
	sniff_is("text/html; charset=us-ascii", "", "windows-1252");
	sniff_is("text/html; charset=utf8", "", "utf-8");
	sniff_is("text/html ; charset=windows-1256 ", "", "windows-1256");
	sniff_is("text/html; q=\"a;charset=utf-8\"; charset=asmo-708", "", "iso-8859-6");
	sniff_is("text/html; charset=windows-1256; charset=utf-8", "", "windows-1256");
	/* an unterminated quoted string runs to the end, as MIME parsing reads it */
	sniff_is("text/html; charset=\"windows-1256", "", "windows-1256");
	sniff_is("text/html; charset=\"win\\dows-1256\"", "", "windows-1256");
	sniff_is("text/html; charset=\"windows-1256\\\"", "", "utf-8"); /* ends in a quote */
	sniff_is("text/html; charset=\"utf-8\" junk; charset=cp1256", "", "utf-8");
	/* not allowed by any standard, sent by some servers */
	sniff_is("text/html; charset='windows-1256'", "", "windows-1256");
	/* "charset =" is a parameter named "charset ", not charset */
	sniff_is("text/html; charset =windows-1256", "", "utf-8");
	/* repeated headers joined with commas (fetch does): the last MIME
	** type counts; the same essence keeps an earlier charset */
	sniff_is("text/html; charset=utf-8, text/html; charset=windows-1256", "", "windows-1256");
	sniff_is("text/html; charset=windows-1256, text/html", "", "windows-1256");
	sniff_is("text/plain; charset=windows-1256, text/html", "", "utf-8");
	sniff_is("text/html; charset=windows-1256, */*", "", "windows-1256");
	sniff_is("text/html; charset=windows-1256, garbage", "", "windows-1256");
	/* no charset, or no MIME type at all */
	sniff_is("text/html", "", "utf-8");
	sniff_is("", "", "utf-8");
	sniff_is("charset=windows-1256", "", "utf-8");
}

static void sniff_meta(void **state)
{
	(void)state;
	sniff_is(NULL, "<meta charset=\"windows-1256\">", "windows-1256");
	sniff_is(NULL, "<HTML><HEAD><META CHARSET=Windows-1256></HEAD>", "windows-1256");
	sniff_is(NULL, "<meta charset='cp1256'/>", "windows-1256");
	sniff_is(NULL, "<meta\tcharset = \" windows-1256 \" >", "windows-1256");
	sniff_is(NULL, "<meta/charset=windows-1256>", "windows-1256");
	sniff_is(NULL, "<meta charset=iso-8859-6>", "iso-8859-6");
	sniff_is(NULL, "<meta charset=ascii>", "windows-1252");
	sniff_is(NULL, "<meta charset=x-user-defined>", "windows-1252");
	sniff_is(NULL, "<meta charset=utf-16le>", "utf-8");
	/* http-equiv, either order, any case, content's own quoting */
	sniff_is(NULL, META_HTTP_EQUIV, "windows-1256");
	sniff_is(NULL, "<meta content=\"text/html; charset=windows-1256\" http-equiv=content-type>",
		 "windows-1256");
	sniff_is(NULL,
		 "<META HTTP-EQUIV=\"CONTENT-TYPE\" CONTENT=\"TEXT/HTML;CHARSET=WINDOWS-1256\">",
		 "windows-1256");
	sniff_is(NULL,
		 "<meta http-equiv='Content-Type' content='text/html; charset = \"iso-8859-6\"'>",
		 "iso-8859-6");
	sniff_is(NULL, "<meta http-equiv=Content-Type content=\"charsetx; charset=cp1256\">",
		 "windows-1256");
	/* content without the pragma counts for nothing */
	sniff_is(NULL, "<meta content=\"text/html; charset=windows-1256\">", "utf-8");
	sniff_is(NULL, "<meta http-equiv=refresh content=\"0; charset=windows-1256\">", "utf-8");
	/* an unmatched quote in content: nothing */
	sniff_is(NULL, "<meta http-equiv=content-type content='charset=\"windows-1256'>", "utf-8");
	/* the first of a repeated attribute counts; charset beats content */
	sniff_is(NULL, "<meta charset=windows-1256 charset=utf-8>", "windows-1256");
	sniff_is(NULL,
		 "<meta http-equiv=content-type content=\"text/html; charset=iso-8859-6\" "
		 "charset=windows-1256>",
		 "windows-1256");
	/* an unknown label fails that meta; a later one can still decide */
	sniff_is(NULL, "<meta charset=klingon><meta charset=windows-1256>", "windows-1256");
	sniff_is(NULL,
		 "<meta charset=klingon content=\"text/html; charset=windows-1256\" "
		 "http-equiv=content-type>",
		 "utf-8");
	/* the first meta that decides wins */
	sniff_is(NULL, "<meta charset=windows-1256><meta charset=iso-8859-6>", "windows-1256");
	/* not a meta */
	sniff_is(NULL, "<metacharset=windows-1256>", "utf-8");
	sniff_is(NULL, "<meta>charset=windows-1256", "utf-8");
	sniff_is(NULL, "<p>charset=windows-1256</p>", "utf-8");
}

static void sniff_robust(void **state)
{
	(void)state;
	/* comments hide a meta; "<!-->" and "<!--->" are whole comments */
	sniff_is(NULL, "<!-- <meta charset=windows-1256> --><meta charset=iso-8859-6>",
		 "iso-8859-6");
	sniff_is(NULL, "<!--><meta charset=windows-1256>", "windows-1256");
	sniff_is(NULL, "<!---><meta charset=windows-1252>-->", "windows-1252");
	sniff_is(NULL, "<!-- -- > <meta charset=windows-1256> -- --><meta charset=latin1>",
		 "windows-1252");
	sniff_is(NULL, "<!-- unterminated <meta charset=windows-1256>", "utf-8");
	/* a meta inside another tag's quoted value is no tag */
	sniff_is(NULL, "<div title=\"<meta charset=windows-1256>\"><meta charset=windows-1252>",
		 "windows-1252");
	sniff_is(NULL, "<a title='x>'><meta charset=windows-1256>", "windows-1256");
	/* doctype, processing instruction, end tags */
	sniff_is(NULL, "<?xml version=\"1.0\" encoding=\"utf-8\"?><!DOCTYPE html></x>"
		       "<meta charset=windows-1256>",
		 "windows-1256");
	/* only the first 1024 bytes are looked at, and a meta cut there is
	** ignored */
	char buf[2048];
	memset(buf, ' ', sizeof(buf));
	const char *m = "<meta charset=\"windows-1256\">";
	memcpy(buf + 1024 - strlen(m), m, strlen(m));
	buf[1024] = '\0';
	sniff_is(NULL, buf, "windows-1256");
	memset(buf, ' ', sizeof(buf));
	memcpy(buf + 1010, m, strlen(m));
	buf[1100] = '\0';
	sniff_is(NULL, buf, "utf-8");
	memset(buf, ' ', sizeof(buf));
	memcpy(buf + 1030, m, strlen(m));
	buf[1100] = '\0';
	sniff_is(NULL, buf, "utf-8");
	/* an attribute value as long as the window */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "<div x=\"", 8);
	buf[2047] = '\0';
	sniff_is(NULL, buf, "utf-8");
	/* garbage: binary bytes, NULs, a lone '<' at the end */
	static const char bin[] = "\x00\xff<\x00meta charset=windows-1256>\x80\x81<";
	char out[WATCH_CHARSET_MAX];
	assert_string_equal(watch_charset_sniff(NULL, bin, sizeof(bin) - 1, out), "utf-8");
	assert_string_equal(watch_charset_sniff(NULL, "<", 1, out), "utf-8");
	assert_string_equal(watch_charset_sniff(NULL, "<meta ", 6, out), "utf-8");
	assert_string_equal(watch_charset_sniff(NULL, NULL, 10, out), "utf-8");
	/* the body is bytes, not a C string: a NUL does not end it */
	static const char nul[] = "\0<meta charset=windows-1256>";
	assert_string_equal(watch_charset_sniff(NULL, nul, sizeof(nul) - 1, out), "windows-1256");
}

static void sniff_bom_and_order(void **state)
{
	(void)state;
	/* a BOM beats the header and the meta */
	sniff_is(CT_1256, "\xef\xbb\xbf<meta charset=windows-1256>", "utf-8");
	/* a UTF-16 BOM: not converted (see the contract), never windows-1256 */
	sniff_is(CT_1256, "\xff\xfe<\x00", "utf-8");
	sniff_is(CT_1256, "\xfe\xff\x00<", "utf-8");
	/* the header beats the meta, either way */
	sniff_is(CT_1256, "<meta charset=utf-8>", "windows-1256");
	sniff_is("text/html; charset=utf-8", "<meta charset=windows-1256>", "utf-8");
	/* an unknown label in the header is no declaration: the meta decides */
	sniff_is("text/html; charset=klingon", "<meta charset=windows-1256>", "windows-1256");
	sniff_is("text/html", "<meta charset=windows-1256>", "windows-1256");
}

static void sniff_unknown(void **state)
{
	(void)state;
	/* labels we do not convert, or no encoding at all: utf-8 */
	sniff_is("text/html; charset=klingon", "", "utf-8");
	sniff_is("text/html; charset=windows-1251", "<meta charset=koi8-r>", "utf-8");
	sniff_is("text/html; charset=", "<meta charset=>", "utf-8");
	sniff_is(NULL, "<meta charset=\"windows 1256\">", "utf-8");
	sniff_is(NULL, "<meta charset=\"windows-1256x\">", "utf-8");
	sniff_is(NULL, "", "utf-8");
	sniff_is(NULL, "plain text", "utf-8");
	/* every label of the brief, to its canonical name */
	static const char *const lab[][2] = {
		{ "utf-8", "utf-8" },		     { "UTF8", "utf-8" },
		{ "unicode-1-1-utf-8", "utf-8" },    { "windows-1256", "windows-1256" },
		{ "cp1256", "windows-1256" },	     { "x-cp1256", "windows-1256" },
		{ "iso-8859-6", "iso-8859-6" },	     { "arabic", "iso-8859-6" },
		{ "iso_8859-6", "iso-8859-6" },	     { "asmo-708", "iso-8859-6" },
		{ "ecma-114", "iso-8859-6" },	     { "iso-ir-127", "iso-8859-6" },
		{ "csisolatinarabic", "iso-8859-6" }, { "iso_8859-6:1987", "iso-8859-6" },
		{ "windows-1252", "windows-1252" },  { "iso-8859-1", "windows-1252" },
		{ "latin1", "windows-1252" },	     { "us-ascii", "windows-1252" },
		{ "ascii", "windows-1252" },	     { "cp1252", "windows-1252" },
		{ "l1", "windows-1252" },	     { "\t Windows-1256\n", "windows-1256" },
	};
	for (size_t i = 0; i < sizeof(lab) / sizeof(lab[0]); i++) {
		char ct[64];
		snprintf(ct, sizeof(ct), "text/html; charset=\"%s\"", lab[i][0]);
		sniff_is(ct, "", lab[i][1]);
	}
}

/* ----------------------------------------------------------- conversion */

static void convert_persian(void **state)
{
	(void)state;
	/* وزارت نیرو: waw E6, zain D2, alef C7, reh D1, teh CA, space, noon E4,
	** yeh ED (U+064A, see the top), reh D1, waw E6 */
	CONV("windows-1256", "\xe6\xd2\xc7\xd1\xca \xe4\xed\xd1\xe6",
	     "\xd9\x88\xd8\xb2\xd8\xa7\xd8\xb1\xd8\xaa \xd9\x86\xd9\x8a\xd8\xb1\xd9\x88");
	/* هک شد: heh E5, keheh 98 (U+06A9), space, sheen D4, dal CF */
	CONV("windows-1256", "\xe5\x98 \xd4\xcf", "\xd9\x87\xda\xa9 \xd8\xb4\xd8\xaf");
	CONV("cp1256", "\xe5\x98 \xd4\xcf", "\xd9\x87\xda\xa9 \xd8\xb4\xd8\xaf");
	/* the code points of the brief, one by one */
	CONV("windows-1256", "\xc7", "\xd8\xa7");     /* U+0627 ALEF */
	CONV("windows-1256", "\x81", "\xd9\xbe");     /* U+067E PEH */
	CONV("windows-1256", "\x8d", "\xda\x86");     /* U+0686 TCHEH */
	CONV("windows-1256", "\x8e", "\xda\x98");     /* U+0698 JEH */
	CONV("windows-1256", "\x90", "\xda\xaf");     /* U+06AF GAF */
	CONV("windows-1256", "\x98", "\xda\xa9");     /* U+06A9 KEHEH */
	CONV("windows-1256", "\xed", "\xd9\x8a");     /* U+064A YEH */
	CONV("windows-1256", "\xec", "\xd9\x89");     /* U+0649 ALEF MAKSURA */
	CONV("windows-1256", "\x9d", "\xe2\x80\x8c"); /* U+200C ZWNJ */
	CONV("windows-1256", "\x9e", "\xe2\x80\x8d"); /* U+200D ZWJ */
	CONV("windows-1256", "\x80", "\xe2\x82\xac"); /* U+20AC EURO SIGN */
	CONV("windows-1256", "\xff", "\xdb\x92");     /* U+06D2 YEH BARREE */
	CONV("windows-1256", "\xa1\xbf", "\xd8\x8c\xd8\x9f"); /* ARABIC COMMA, QUESTION MARK */
	/* ISO-8859-6 places letters elsewhere: سلام is seen D3, lam E4, alef
	** C7, meem E5; its yeh is EA and ED is KASRATAN */
	CONV("iso-8859-6", "\xd3\xe4\xc7\xe5", "\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85");
	CONV("asmo-708", "\xea\xed", "\xd9\x8a\xd9\x8d");
	CONV("iso-8859-6", "\xac\xbb\xbf", "\xd8\x8c\xd8\x9b\xd8\x9f"); /* comma, semicolon, ? */
	/* bytes the ISO-8859-6 index leaves unmapped become U+FFFD */
	CONV("iso-8859-6", "a\xa1\xc0\xdb\xf3\xff" "b",
	     "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "b");
	/* windows-1252 (also latin1 and ascii): € and é; the five bytes
	** Microsoft leaves undefined are C1 controls in the WHATWG index */
	CONV("windows-1252", "Caf\xe9 \x80", "Caf\xc3\xa9 \xe2\x82\xac");
	CONV("latin1", "\x8a\x9f", "\xc5\xa0\xc5\xb8");
	CONV("us-ascii", "\x81\x8d\x8f\x90\x9d", "\xc2\x81\xc2\x8d\xc2\x8f\xc2\x90\xc2\x9d");
	/* ASCII is ASCII in all three; a NUL stays a NUL */
	CONV("windows-1256", "<p a=\"b\">\t\n\x7f</p>", "<p a=\"b\">\t\n\x7f</p>");
	CONV("iso-8859-6", "a\0b", "a\0b");
	/* UTF-8 is copied as it is, invalid bytes too */
	CONV("utf-8", "\xd9\x87\xda\xa9 \xff\xc0", "\xd9\x87\xda\xa9 \xff\xc0");
	CONV("windows-1256", "", "");
}

/* Every byte of every table gives one valid UTF-8 character. */
static void convert_tables(void **state)
{
	(void)state;
	static const char *const cs[] = { "windows-1256", "iso-8859-6", "windows-1252" };
	for (size_t t = 0; t < 3; t++)
		for (unsigned c = 1; c < 256; c++) {
			char in = (char)c;
			struct pbuf b;
			struct perr e;
			pbuf_init(&b, 0);
			assert_int_equal(watch_to_utf8(cs[t], &in, 1, &b, &e), 0);
			assert_true(b.len >= 1 && b.len <= 3);
			assert_true(utf8_valid(b.ptr, b.len));
			assert_true(c >= 0x80 || (b.len == 1 && b.ptr[0] == in));
			pbuf_free(&b);
		}
}

static void convert_bounds(void **state)
{
	(void)state;
	struct pbuf b;
	struct perr e;
	/* unknown, missing, or an encoding we only sniff */
	pbuf_init(&b, 0);
	assert_int_equal(watch_to_utf8("klingon", "x", 1, &b, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	assert_string_equal(e.field, "charset");
	assert_int_equal(watch_to_utf8(NULL, "x", 1, &b, &e), -1);
	assert_int_equal(watch_to_utf8("utf-16le", "x", 1, &b, &e), -1);
	assert_int_equal(b.len, 0);
	pbuf_free(&b);

	/* out's max cuts before a character that does not fit whole: هک شد
	** is 2+2+1+2+2 bytes; 6 bytes of room take "هک " and stop */
	static const char w[] = "\xe5\x98 \xd4\xcf";
	for (size_t max = 1; max <= 9; max++) {
		pbuf_init(&b, max);
		int r = watch_to_utf8("windows-1256", w, 5, &b, &e);
		static const size_t fits[10] = { 0, 0, 2, 2, 4, 5, 5, 7, 7, 9 };
		assert_int_equal(r, max == 9 ? 0 : 1);
		assert_int_equal(b.len, fits[max]);
		assert_true(b.len == 0 || utf8_valid(b.ptr, b.len));
		assert_true(b.len == 0 ||
			    memcmp(b.ptr, "\xd9\x87\xda\xa9 \xd8\xb4\xd8\xaf", b.len) == 0);
		pbuf_free(&b);
	}
	/* appending: the room is what is left of max */
	pbuf_init(&b, 8);
	assert_int_equal(pbuf_add(&b, "abcde", 5), 0);
	assert_int_equal(watch_to_utf8("windows-1256", "\xc7\xc7", 2, &b, &e), 1);
	assert_int_equal(b.len, 7);
	assert_memory_equal(b.ptr, "abcde\xd8\xa7", 7);
	pbuf_free(&b);
	/* UTF-8 copied as is is cut on a character boundary too */
	pbuf_init(&b, 3);
	assert_int_equal(watch_to_utf8("utf-8", "\xd9\x87\xda\xa9", 4, &b, &e), 1);
	assert_int_equal(b.len, 2);
	pbuf_free(&b);
	pbuf_init(&b, 4);
	assert_int_equal(watch_to_utf8("utf-8", "a\xe2\x80\x8c", 4, &b, &e), 0);
	assert_int_equal(b.len, 4);
	pbuf_free(&b);
	pbuf_init(&b, 3);
	assert_int_equal(watch_to_utf8("utf-8", "a\xe2\x80\x8c", 4, &b, &e), 1);
	assert_int_equal(b.len, 1);
	pbuf_free(&b);
	/* a run of continuation bytes (invalid) is cut where max says */
	pbuf_init(&b, 5);
	assert_int_equal(watch_to_utf8("utf-8", "\x80\x80\x80\x80\x80\x80\x80", 7, &b, &e), 1);
	assert_int_equal(b.len, 5);
	pbuf_free(&b);
	/* a large conversion goes through whole */
	size_t n = 100000;
	char *big = malloc(n);
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = (char)(i % 3 == 2 ? ' ' : 0xc7 + (int)(i % 2));
	pbuf_init(&b, 0);
	assert_int_equal(watch_to_utf8("windows-1256", big, n, &b, &e), 0);
	assert_true(utf8_valid(b.ptr, b.len));
	assert_int_equal(b.len, n / 3 * 5 + (n % 3 ? (n % 3) * 2 : 0));
	pbuf_free(&b);
	free(big);
}

/* ----------------------------------------------------------- extraction */

static void extract_page(void **state)
{
	(void)state;
	struct watch_features f;
	/* the page's bytes are not UTF-8: before charset.c, WATCH_F_BINARY */
	assert_false(utf8_valid(ministry, sizeof(ministry) - 1));

	/* declared by meta: watch_extract (no header) reads it right */
	struct perr e;
	assert_int_equal(watch_extract(ministry, sizeof(ministry) - 1, URL, &f, &e), 0);
	assert_string_equal(f.charset, "windows-1256");
	assert_false(f.flags & WATCH_F_BINARY);
	assert_int_equal(f.flags, 0);
	assert_string_equal(f.title, U_TITLE);
	assert_non_null(strstr(f.text, U_H1));
	assert_non_null(strstr(f.text, U_P1)); /* ZWNJs, keheh, alef with madda */
	assert_non_null(strstr(f.text, U_N2)); /* peh, jeh */
	assert_true(utf8_valid(f.text, f.text_len));
	assert_true(f.nshingles > 10);
	assert_int_equal(f.links, 3);
	watch_features_free(&f);

	/* declared by the header only: watch_extract_ct with the header */
	extract_ct(ministry_nometa, sizeof(ministry_nometa) - 1, CT_1256, &f);
	assert_string_equal(f.charset, "windows-1256");
	assert_int_equal(f.flags, 0);
	assert_string_equal(f.title, U_TITLE);
	assert_non_null(strstr(f.text, U_P1));
	watch_features_free(&f);
	/* ... and without it, what it was before: binary, text lost */
	extract_ct(ministry_nometa, sizeof(ministry_nometa) - 1, NULL, &f);
	assert_string_equal(f.charset, "utf-8");
	assert_true(f.flags & WATCH_F_BINARY);
	assert_null(strstr(f.text, U_H1));
	watch_features_free(&f);

	/* another observation, chahar-shanbe and all */
	extract_ct(ministry2, sizeof(ministry2) - 1, NULL, &f);
	assert_non_null(strstr(f.text, U_N3)); /* tcheh, gaf, ZWNJ */
	watch_features_free(&f);

	/* a UTF-8 page stays as it is: the same features as before */
	static const char utf8page[] = PAGE("<meta charset=\"utf-8\">", U_TITLE, "<p>" U_P1 "</p>");
	extract_ct(utf8page, sizeof(utf8page) - 1, "text/html", &f);
	assert_string_equal(f.charset, "utf-8");
	assert_int_equal(f.flags, 0);
	assert_string_equal(f.title, U_TITLE);
	assert_string_equal(f.text, U_P1);
	watch_features_free(&f);

	/* pure ASCII under a legacy declaration is read as is */
	static const char ascii[] = "<title>Home</title><p>Hello</p>";
	extract_ct(ascii, sizeof(ascii) - 1, CT_1256, &f);
	assert_string_equal(f.charset, "windows-1256");
	assert_string_equal(f.title, "Home");
	assert_string_equal(f.text, "Hello");
	watch_features_free(&f);

	/* a bad URL fails before the body is looked at */
	assert_int_equal(watch_extract_ct(ministry, 10, "http://bad host/", CT_1256, &f, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	assert_string_equal(f.charset, "");
	watch_features_free(&f);
}

/* A UTF-8 page under the site's usual "charset=windows-1256" header, as a
** defacer's upload is: read as UTF-8, so its Persian is seen. */
static void extract_utf8_under_legacy_header(void **state)
{
	(void)state;
	struct watch_features f;
	extract_ct(defaced_utf8, sizeof(defaced_utf8) - 1, CT_1256, &f);
	assert_string_equal(f.charset, "utf-8");
	assert_int_equal(f.flags, 0);
	assert_string_equal(f.title, U_D_TITLE);
	assert_non_null(strstr(f.text, U_D_H1));
	watch_features_free(&f);
}

static void extract_bounds(void **state)
{
	(void)state;
	struct watch_features f;
	/* more than WATCH_BODY_MAX bytes of windows-1256: cut, converted */
	size_t n = WATCH_BODY_MAX + 1000;
	char *b = malloc(n);
	assert_non_null(b);
	memset(b, ' ', n);
	static const char head[] = "<meta charset=windows-1256><p>";
	memcpy(b, head, sizeof(head) - 1);
	memcpy(b + 100, W_D_H1, sizeof(W_D_H1) - 1);
	extract_ct(b, n, NULL, &f);
	assert_string_equal(f.charset, "windows-1256");
	assert_true(f.flags & WATCH_F_TRUNCATED);
	assert_false(f.flags & WATCH_F_BINARY);
	assert_non_null(strstr(f.text, U_D_H1));
	watch_features_free(&f);
	/* 1.5 MiB of Arabic letters grow to 3 MiB of UTF-8: the conversion
	** is cut at WATCH_BODY_MAX on a character boundary */
	n = 3 * (WATCH_BODY_MAX / 4);
	for (size_t i = 100 + sizeof(W_D_H1); i < n; i++)
		b[i] = (char)(i % 7 == 0 ? ' ' : 0xc7 + (int)(i % 5));
	extract_ct(b, n, NULL, &f);
	assert_true(f.flags & WATCH_F_TRUNCATED);
	assert_false(f.flags & WATCH_F_BINARY);
	assert_true(f.text_len > 0 && utf8_valid(f.text, f.text_len));
	watch_features_free(&f);
	/* NUL bytes in a windows-1256 body: still binary, as before */
	static const char nul[] = "<meta charset=windows-1256><p>\xe5\x98\0\xd4\xcf</p>";
	extract_ct(nul, sizeof(nul) - 1, NULL, &f);
	assert_string_equal(f.charset, "windows-1256");
	assert_true(f.flags & WATCH_F_BINARY);
	watch_features_free(&f);
	free(b);
}

/* ------------------------------------------------------------ judgement */

static void defacement_detected(void **state)
{
	(void)state;
	struct watch_page base[2] = {
		{ ministry, sizeof(ministry) - 1 },
		{ ministry2, sizeof(ministry2) - 1 },
	};
	struct watch_page now = { defaced, sizeof(defaced) - 1 };
	struct watch_verdict v;
	struct perr e;
	/* the site as usual: nothing */
	struct watch_page same = { ministry, sizeof(ministry) - 1 };
	assert_int_equal(watch_analyze_pages(base, 2, &same, URL, NULL, &v, &e), 0);
	assert_string_equal(v.severity, "none");
	assert_int_equal(v.flags, 0);
	/* "هک شد توسط" in windows-1256: the Persian signature, critical */
	assert_int_equal(watch_analyze_pages(base, 2, &now, URL, NULL, &v, &e), 0);
	assert_true(has(&v, "defacement_signature"));
	assert_true(has(&v, "title_replaced"));
	assert_string_equal(v.severity, "critical");
	assert_false(v.flags & WATCH_F_BINARY);
	/* the detail quotes the phrase: هک شد */
	static const char hack[] = "\xd9\x87\xda\xa9 \xd8\xb4\xd8\xaf";
	bool named = false;
	for (size_t i = 0; i < v.nsig; i++)
		if (strcmp(v.sig[i].name, "defacement_signature") == 0)
			named = strstr(v.sig[i].detail, hack) != NULL;
	assert_true(named);
}

/* The header-only site, with features extracted by the monitor's path
** (watch_extract_ct, then learn and judge), against the defacer's UTF-8
** page under the same header. */
static void defacement_detected_header_only(void **state)
{
	(void)state;
	struct watch_features obs, now;
	struct watch_baseline b;
	struct watch_verdict v;
	struct perr e;
	extract_ct(ministry_nometa, sizeof(ministry_nometa) - 1, CT_1256, &obs);
	assert_int_equal(watch_learn(&obs, 1, &b, &e), 0);
	extract_ct(ministry_nometa, sizeof(ministry_nometa) - 1, CT_1256, &now);
	watch_judge(&b, &now, NULL, &v);
	assert_string_equal(v.severity, "none");
	watch_features_free(&now);
	extract_ct(defaced_utf8, sizeof(defaced_utf8) - 1, CT_1256, &now);
	watch_judge(&b, &now, NULL, &v);
	assert_true(has(&v, "defacement_signature"));
	assert_string_equal(v.severity, "critical");
	watch_features_free(&now);
	extract_ct(defaced, sizeof(defaced) - 1, CT_1256, &now);
	watch_judge(&b, &now, NULL, &v);
	assert_true(has(&v, "defacement_signature"));
	watch_features_free(&now);
	watch_baseline_free(&b);
	watch_features_free(&obs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sniff_header),
		cmocka_unit_test(sniff_meta),
		cmocka_unit_test(sniff_robust),
		cmocka_unit_test(sniff_bom_and_order),
		cmocka_unit_test(sniff_unknown),
		cmocka_unit_test(convert_persian),
		cmocka_unit_test(convert_tables),
		cmocka_unit_test(convert_bounds),
		cmocka_unit_test(extract_page),
		cmocka_unit_test(extract_utf8_under_legacy_header),
		cmocka_unit_test(extract_bounds),
		cmocka_unit_test(defacement_detected),
		cmocka_unit_test(defacement_detected_header_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
