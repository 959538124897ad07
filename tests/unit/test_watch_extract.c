/*
** test_watch_extract.c — what the page walk says about each element
** (issue 12, items 4 and 5): the references (what a page loads, submits to
** or sends its visitor to) with their host, path and context flags, and
** the blocks of text with theirs. Each way of hiding an injected iframe or
** spam block, the overlay, marquee and blink, the top of the page, the
** protocol-relative form, the caps on hostile pages; and that the text
** itself is still what it was (similarity depends on it).
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

/* ------------------------------------------------------------- helpers */

#define SITE "https://www.site.example/fa/news/list.html"

static void extract(const char *html, struct watch_features *f)
{
	struct perr e;
	perr_clear(&e);
	if (watch_extract(html, strlen(html), SITE, f, &e) != 0)
		fail_msg("extract: %s", e.msg);
	/* What every caller may rely on, whatever the page. */
	assert_true(f->nrefs <= WATCH_REF_MAX);
	assert_true(f->nblocks <= WATCH_BLOCK_MAX);
	uint32_t prev_end = 0;
	for (uint32_t i = 0; i < f->nblocks; i++) {
		const struct watch_block *b = &f->blocks[i];
		assert_true(b->off >= prev_end);
		assert_true((size_t)b->off + b->len <= f->text_len);
		assert_true(utf8_valid(f->text + b->off, b->len));
		assert_true(memchr(b->tag, '\0', sizeof(b->tag)) != NULL);
		prev_end = b->off + b->len;
	}
	for (uint32_t i = 0; i < f->nrefs; i++) {
		const struct watch_ref *r = &f->refs[i];
		assert_true(r->kind < WATCH_REF_KINDS);
		assert_true(memchr(r->path, '\0', sizeof(r->path)) != NULL);
		assert_true(utf8_valid(r->path, strlen(r->path)));
	}
}

#define PAGE(body) \
	"<!DOCTYPE html><html><head><title>t</title></head><body>" body "</body></html>"

/* The first reference to host (of any kind), or a failure. */
static const struct watch_ref *ref_to(const struct watch_features *f, const char *host)
{
	for (uint32_t i = 0; i < f->nrefs; i++)
		if (strcmp(f->refs[i].host, host) == 0)
			return &f->refs[i];
	fail_msg("no reference to %s among %u", host, f->nrefs);
	return NULL;
}

/* The block whose text contains s, or a failure. */
static const struct watch_block *block_with(const struct watch_features *f, const char *s)
{
	for (uint32_t i = 0; i < f->nblocks; i++) {
		const struct watch_block *b = &f->blocks[i];
		if (memmem(f->text + b->off, b->len, s, strlen(s)))
			return b;
	}
	fail_msg("no block holds \"%s\" (%u blocks, text \"%s\")", s, f->nblocks, f->text);
	return NULL;
}

/* ---------------------------------------------------------- references */

static void references_in_order(void **state)
{
	(void)state;
	struct watch_features f;
	extract("<!DOCTYPE html><html><head><title>t</title>"
		"<link rel=\"stylesheet\" href=\"/css/site.css?v=3\">"
		"<link rel=\"icon\" href=\"/favicon.ico\">"
		"<link rel=\"Preload StyleSheet\" href=\"https://fonts.example/css2?family=Vazir\">"
		"<style>@import url(\"https://cdn.css.example/reset.css\"); p{color:red}</style>"
		"<script src=\"js/app.js#x\"></script>"
		"<script src=\"js/app.js#x\"></script>"
		"<meta http-equiv=\"refresh\" content=\"5; url=https://go.example/there?a=1\">"
		"</head><body>"
		"<img src=\"/img/logo.png\"><img src=\"https://counter.example/c.gif?id=7\">"
		"<iframe src=\"https://www.youtube-nocookie.example/embed/xyz\" width=\"560\" "
		"height=\"315\"></iframe><iframe src=\"about:blank\"></iframe>"
		"<object data=\"https://obj.example/movie.swf\"></object>"
		"<embed src=\"https://emb.example/e.swf\">"
		"<form action=\"https://pay.example/gateway\"><button formaction=\"//other.example/p\">"
		"Pay</button></form><form><input name=\"q\"></form>"
		"<script src=\"data:text/javascript,alert(1)\"></script>"
		"</body></html>",
		&f);
	static const struct {
		int kind;
		const char *host, *path;
	} want[] = {
		{ WATCH_REF_STYLE, "www.site.example", "/css/site.css" },
		{ WATCH_REF_STYLE, "fonts.example", "/css2" },
		{ WATCH_REF_STYLE, "cdn.css.example", "/reset.css" },
		{ WATCH_REF_SCRIPT, "www.site.example", "/fa/news/js/app.js" },
		{ WATCH_REF_REDIRECT, "go.example", "/there" },
		{ WATCH_REF_IMG, "counter.example", "/c.gif" },
		{ WATCH_REF_IFRAME, "www.youtube-nocookie.example", "/embed/xyz" },
		{ WATCH_REF_IFRAME, "obj.example", "/movie.swf" },
		{ WATCH_REF_IFRAME, "emb.example", "/e.swf" },
		{ WATCH_REF_FORM, "pay.example", "/gateway" },
		{ WATCH_REF_FORM, "other.example", "/p" },
		{ WATCH_REF_FORM, "www.site.example", "" },
		{ WATCH_REF_SCRIPT, "", "data:" },
	};
	if (f.nrefs != sizeof(want) / sizeof(want[0])) {
		for (uint32_t i = 0; i < f.nrefs; i++)
			print_message("ref %u: %d %s %s\n", i, f.refs[i].kind, f.refs[i].host,
				      f.refs[i].path);
		fail_msg("%u references, want %zu", f.nrefs, sizeof(want) / sizeof(want[0]));
	}
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(f.refs[i].kind, want[i].kind);
		assert_string_equal(f.refs[i].host, want[i].host);
		assert_string_equal(f.refs[i].path, want[i].path);
	}
	assert_true(f.refs[4].flags & WATCH_RF_META);
	assert_false(f.refs[6].flags & (WATCH_RF_HIDDEN | WATCH_RF_TINY | WATCH_RF_PROTO_REL));
	assert_true(f.refs[10].flags & WATCH_RF_PROTO_REL);
	assert_false(f.refs[9].flags & WATCH_RF_PROTO_REL);
	/* The host sets the baseline learns are what they were: objects,
	** embeds and images are references only. */
	assert_int_equal(f.iframe_hosts.n, 1);
	assert_true(watch_set_has(&f.iframe_hosts, "www.youtube-nocookie.example"));
	assert_true(watch_set_has(&f.form_hosts, "other.example"));
	assert_string_equal(f.refresh_host, "go.example");
	watch_features_free(&f);

	/* A <base href> moves relative URLs, paths included. */
	extract("<html><head><base href=\"https://static.site.example/v2/\"></head><body>"
		"<script src=\"a/b.js\"></script><script src=\"/root.js\"></script></body></html>",
		&f);
	assert_int_equal(f.nrefs, 2);
	assert_string_equal(f.refs[0].host, "static.site.example");
	assert_string_equal(f.refs[0].path, "/v2/a/b.js");
	assert_string_equal(f.refs[1].path, "/root.js");
	watch_features_free(&f);
}

static void reference_paths(void **state)
{
	(void)state;
	struct watch_features f;
	/* A long path of Persian letters is cut on a character boundary; a
	** host without a path has "/"; backslashes read as slashes. */
	char page[4096], path[1024];
	size_t k = 0;
	for (int i = 0; i < 150; i++)
		k += (size_t)snprintf(path + k, sizeof(path) - k, "ب");
	snprintf(page, sizeof(page),
		 PAGE("<script src=\"https://long.example/%s.js\"></script>"
		      "<script src=\"https://bare.example\"></script>"
		      "<script src=\"https:\\\\back.example\\x\\y.js\"></script>"
		      "<script src=\" //\tspaced.example/s.js \"></script>"),
		 path);
	extract(page, &f);
	const struct watch_ref *r = ref_to(&f, "long.example");
	assert_true(strlen(r->path) < WATCH_PATH_MAX);
	assert_true(strlen(r->path) > WATCH_PATH_MAX - 4);
	assert_int_equal(strncmp(r->path, "/ب", 3), 0);
	assert_string_equal(ref_to(&f, "bare.example")->path, "/");
	assert_string_equal(ref_to(&f, "back.example")->path, "/x/y.js");
	assert_true(ref_to(&f, "spaced.example")->flags & WATCH_RF_PROTO_REL);
	watch_features_free(&f);
}

/* ------------------------------------------------------------- hiding */

/* Each way a spammer hides an iframe (issue 12: "hidden iframes, one case
** for each hiding method"): the reference is hidden; the visible one next
** to it is not. */
static void hidden_iframes(void **state)
{
	(void)state;
	static const struct {
		const char *name, *style, *html;
	} ways[] = {
		{ "inline display", "", "<iframe src=\"https://h.example/\" style=\"display: none\">" },
		{ "inline visibility", "",
		  "<iframe src=\"https://h.example/\" style=\"VISIBILITY:hidden !important\">" },
		{ "inline opacity", "", "<iframe src=\"https://h.example/\" style=\"opacity:.0\">" },
		{ "hidden attribute", "", "<iframe src=\"https://h.example/\" hidden>" },
		{ "zero width attribute", "", "<iframe src=\"https://h.example/\" width=\"0\">" },
		{ "one pixel style", "",
		  "<iframe src=\"https://h.example/\" style=\"width:1px;height:1px;border:0\">" },
		{ "off-screen", "",
		  "<iframe src=\"https://h.example/\" style=\"position:absolute;left:-9999px\">" },
		{ "class in a style block", "<style>.ad-frame { display : none }</style>",
		  "<iframe class=\"wide ad-frame\" src=\"https://h.example/\">" },
		{ "id in a style block", "<style>/* x */ iframe#f1{visibility:hidden}</style>",
		  "<iframe id=\"f1\" src=\"https://h.example/\">" },
		{ "class inside @media", "<style>@media screen{.z{opacity:0}}</style>",
		  "<iframe class=\"z\" src=\"https://h.example/\">" },
		{ "parent hidden by class", "<style>.w{position:absolute;top:-2000px}</style>",
		  "<div class=\"w\"><p><iframe src=\"https://h.example/\"></p></div>" },
		{ "parent hidden attribute", "",
		  "<div hidden><div><div><div><div><div><div><div><div><div><div><div><div><div>"
		  "<div><div><div><div><iframe src=\"https://h.example/\">" },
		{ "zero scale", "", "<iframe src=\"https://h.example/\" style=\"transform:scale(0)\">" },
		{ "clipped", "<style>.sr{position:absolute;clip:rect(0,0,0,0)}</style>",
		  "<iframe class=\"sr\" src=\"https://h.example/\">" },
	};
	for (size_t i = 0; i < sizeof(ways) / sizeof(ways[0]); i++) {
		char page[2048];
		/* The rules come after the element too: a <style> applies to the
		** whole page wherever it is. */
		snprintf(page, sizeof(page),
			 "<html><head>%s</head><body><iframe src=\"https://v.example/\" "
			 "width=\"560\" height=\"315\"></iframe>%s</iframe>%s</body></html>",
			 i % 2 ? ways[i].style : "", ways[i].html, i % 2 ? "" : ways[i].style);
		struct watch_features f;
		extract(page, &f);
		const struct watch_ref *h = ref_to(&f, "h.example");
		if (!(h->flags & WATCH_RF_HIDDEN))
			fail_msg("%s: not hidden (flags %x)", ways[i].name, h->flags);
		assert_int_equal(h->kind, WATCH_REF_IFRAME);
		if (ref_to(&f, "v.example")->flags & WATCH_RF_HIDDEN)
			fail_msg("%s: the visible iframe is hidden", ways[i].name);
		watch_features_free(&f);
	}
}

/* What does not hide: partial opacity, a small negative offset, a rule
** overridden later or by the style attribute, a hiding rule for a selector
** the page does not use on the element. */
static void visible_iframes(void **state)
{
	(void)state;
	static const char *const pages[] = {
		PAGE("<iframe src=\"https://v.example/\" style=\"opacity:0.5\"></iframe>"),
		PAGE("<iframe src=\"https://v.example/\" style=\"position:relative;right:-20px\"></iframe>"),
		"<html><head><style>.a{display:none}.a{display:block}</style></head><body>"
		"<iframe class=\"a\" src=\"https://v.example/\"></iframe></body></html>",
		"<html><head><style>.a{display:none}</style></head><body>"
		"<iframe class=\"a\" style=\"display:block\" src=\"https://v.example/\"></iframe>"
		"</body></html>",
		"<html><head><style>.menu .a{display:none} .a:hover{opacity:0} .b{display:none}"
		"</style></head><body><iframe class=\"a ab\" src=\"https://v.example/\"></iframe>"
		"</body></html>",
		"<html><head><style>@font-face{font-family:x;src:url(x.woff)} .a{color:red}"
		"</style></head><body><iframe class=\"a\" src=\"https://v.example/\" "
		"style=\"width:100%;height:400px\"></iframe></body></html>",
	};
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		struct watch_features f;
		extract(pages[i], &f);
		const struct watch_ref *r = ref_to(&f, "v.example");
		if (r->flags & (WATCH_RF_HIDDEN | WATCH_RF_TINY | WATCH_RF_OVERLAY))
			fail_msg("page %zu: flags %x", i, r->flags);
		watch_features_free(&f);
	}
}

static void tiny_boxes(void **state)
{
	(void)state;
	struct watch_features f;
	extract(PAGE("<iframe src=\"https://a.example/\" width=\"1\" height=\"1\"></iframe>"
		     "<iframe src=\"https://b.example/\" style=\"height:0\"></iframe>"
		     "<img src=\"https://pixel.example/p.gif\" width=\"1\" height=\"1\">"
		     "<img src=\"https://banner.example/b.png\" width=\"468\" height=\"60\">"
		     "<iframe src=\"https://c.example/\" width=\"100%\" height=\"10\"></iframe>"),
		&f);
	assert_true(ref_to(&f, "a.example")->flags & WATCH_RF_TINY);
	assert_true(ref_to(&f, "a.example")->flags & WATCH_RF_HIDDEN);
	assert_true(ref_to(&f, "b.example")->flags & WATCH_RF_TINY);
	assert_true(ref_to(&f, "pixel.example")->flags & WATCH_RF_TINY);
	assert_int_equal(ref_to(&f, "banner.example")->flags, 0);
	assert_int_equal(ref_to(&f, "c.example")->flags, 0);
	/* The hidden iframe host set (the baseline's) is as before. */
	assert_true(watch_set_has(&f.hidden_iframe_hosts, "a.example"));
	assert_false(watch_set_has(&f.hidden_iframe_hosts, "c.example"));
	watch_features_free(&f);
}

/* SEO spam hidden each way: the block holding it is hidden, the text is
** still in the page's text (similarity is computed as before). */
static void hidden_blocks(void **state)
{
	(void)state;
	static const struct {
		const char *name, *html;
	} ways[] = {
		{ "display", "<div style=\"display:none\">casino bonus</div>" },
		{ "class", "<style>.seo{visibility:hidden}</style><div class=\"seo\">casino bonus</div>" },
		{ "id", "<style>#s{font-size:0}</style><p id=\"s\">casino bonus</p>" },
		{ "text-indent", "<h2 style=\"text-indent:-9999px\">casino bonus</h2>" },
		{ "tiny box", "<div style=\"height:1px;width:1px;overflow:hidden\">casino bonus</div>" },
		{ "off-screen", "<div style=\"position:absolute;top:-500px\">casino bonus</div>" },
		{ "negative margin",
		  "<style>.m{margin-left:-3000px}</style><div class=\"m\">casino bonus</div>" },
		{ "opacity", "<section style=\"opacity:0\">casino bonus</section>" },
		{ "hidden attribute", "<div hidden>casino bonus</div>" },
		{ "hidden span", "<p>Our ministry <span style=\"display:none\">casino bonus</span></p>" },
		{ "hidden link", "<p>Roads <a href=\"https://spam.example/\" "
				 "style=\"display:none\">casino bonus</a></p>" },
	};
	for (size_t i = 0; i < sizeof(ways) / sizeof(ways[0]); i++) {
		char page[2048];
		snprintf(page, sizeof(page),
			 PAGE("<header>Ministry</header><p>The ministry builds roads.</p>%s"
			      "<p>Visible news.</p>"),
			 ways[i].html);
		struct watch_features f;
		extract(page, &f);
		assert_non_null(strstr(f.text, "casino bonus"));
		const struct watch_block *b = block_with(&f, "casino");
		if (!(b->flags & WATCH_BF_HIDDEN))
			fail_msg("%s: not hidden (flags %x, tag %s)", ways[i].name, b->flags, b->tag);
		assert_null(memmem(f.text + b->off, b->len, "news", 4));
		if (block_with(&f, "Visible news")->flags & WATCH_BF_HIDDEN)
			fail_msg("%s: the next paragraph is hidden", ways[i].name);
		if (block_with(&f, "builds roads")->flags & WATCH_BF_HIDDEN)
			fail_msg("%s: the paragraph before is hidden", ways[i].name);
		watch_features_free(&f);
	}
	/* The hidden span is a block of its own, named by its element; the
	** paragraph's visible text is its own. */
	struct watch_features f;
	extract(PAGE("<p>Our ministry <span style=\"display:none\">casino bonus</span> serves</p>"),
		&f);
	const struct watch_block *b = block_with(&f, "casino");
	assert_string_equal(b->tag, "span");
	assert_int_equal(b->len, strlen("casino bonus"));
	assert_false(block_with(&f, "Our ministry")->flags & WATCH_BF_HIDDEN);
	assert_false(block_with(&f, "serves")->flags & WATCH_BF_HIDDEN);
	assert_string_equal(block_with(&f, "serves")->tag, "p");
	watch_features_free(&f);
}

/* ------------------------------------------------------ where it sits */

static void overlay(void **state)
{
	(void)state;
	struct watch_features f;
	extract(PAGE("<p>The ministry builds roads.</p>"
		     "<div style=\"position:fixed;top:0;left:0;width:100%;height:100%;"
		     "z-index:99999;background:#000\"><h1>Hacked by X</h1>"
		     "<iframe src=\"https://music.example/\"></iframe>"
		     "<form action=\"https://phish.example/\"><input name=p></form></div>"),
		&f);
	const struct watch_block *b = block_with(&f, "Hacked by X");
	assert_true(b->flags & WATCH_BF_OVERLAY);
	assert_true(b->flags & WATCH_BF_HEADING);
	assert_string_equal(b->tag, "h1");
	assert_false(block_with(&f, "builds roads")->flags & WATCH_BF_OVERLAY);
	assert_true(ref_to(&f, "music.example")->flags & WATCH_RF_OVERLAY);
	assert_true(ref_to(&f, "phish.example")->flags & WATCH_RF_OVERLAY);
	watch_features_free(&f);

	/* Through a class, pinned by its four edges. */
	extract("<html><head><style>.lock{position:fixed;inset:0;z-index:1000}</style></head>"
		"<body><div class=\"lock\"><p>Your files are encrypted</p></div></body></html>",
		&f);
	assert_true(block_with(&f, "encrypted")->flags & WATCH_BF_OVERLAY);
	watch_features_free(&f);

	/* A cookie banner or a chat button is fixed but covers nothing. */
	extract(PAGE("<div style=\"position:fixed;bottom:0;left:0;width:100%;z-index:9999\">"
		     "We use cookies</div><div style=\"position:fixed;right:20px;bottom:20px;"
		     "width:60px;height:60px\">Chat</div>"
		     "<div style=\"position:absolute;top:0;left:0;width:100%;height:100%\">"
		     "Video</div>"),
		&f);
	assert_false(block_with(&f, "cookies")->flags & WATCH_BF_OVERLAY);
	assert_false(block_with(&f, "Chat")->flags & WATCH_BF_OVERLAY);
	assert_false(block_with(&f, "Video")->flags & WATCH_BF_OVERLAY);
	watch_features_free(&f);
}

static void marquee_and_blink(void **state)
{
	(void)state;
	struct watch_features f;
	extract(PAGE("<p>Welcome <blink>to the site</blink> of roads</p>"
		     "<marquee behavior=\"alternate\"><font color=red>Greetz: crew1, crew2</font>"
		     "</marquee><p style=\"text-decoration:underline blink\">old style</p>"
		     "<p>plain</p>"),
		&f);
	const struct watch_block *m = block_with(&f, "Greetz");
	assert_true(m->flags & WATCH_BF_MARQUEE);
	assert_string_equal(m->tag, "marquee");
	const struct watch_block *b = block_with(&f, "to the site");
	assert_true(b->flags & WATCH_BF_BLINK);
	assert_string_equal(b->tag, "blink");
	assert_false(block_with(&f, "Welcome")->flags & WATCH_BF_BLINK);
	assert_false(block_with(&f, "of roads")->flags & WATCH_BF_BLINK);
	assert_true(block_with(&f, "old style")->flags & WATCH_BF_BLINK);
	assert_int_equal(block_with(&f, "plain")->flags, 0);
	watch_features_free(&f);
}

static void top_of_body(void **state)
{
	(void)state;
	struct watch_features f;
	/* A defacer's banner before the site's <header>. */
	extract(PAGE("<div><h2>Hacked by X</h2></div><header><a href=\"/\">Ministry</a></header>"
		     "<main><p>News of the week</p></main>"),
		&f);
	assert_true(block_with(&f, "Hacked")->flags & WATCH_BF_TOP);
	assert_false(block_with(&f, "Ministry")->flags & WATCH_BF_TOP);
	assert_false(block_with(&f, "News")->flags & WATCH_BF_TOP);
	watch_features_free(&f);

	/* The header named by a class (legacy and CMS themes); a wrapper that
	** only says the page has a header image does not count. */
	extract(PAGE("<div class=\"has-header-image\"><p>Owned by crew</p>"
		     "<table><tr><td id=\"Top-Banner\" class=\"site-masthead\">Ministry of Roads</td>"
		     "</tr></table><p>News</p></div>"),
		&f);
	assert_true(block_with(&f, "Owned")->flags & WATCH_BF_TOP);
	assert_false(block_with(&f, "Ministry")->flags & WATCH_BF_TOP);
	assert_false(block_with(&f, "News")->flags & WATCH_BF_TOP);
	watch_features_free(&f);

	/* The site's own top bar (links to the organisation's other hosts)
	** is the landmark when it comes first: the site's blocks are then
	** not "top", so a banner put above them still is. */
	extract(PAGE("<div class=\"topbar\"><a href=\"https://mail.site.example/\">Webmail</a></div>"
		     "<header><a href=\"/\">Ministry</a></header><p>News</p>"),
		&f);
	for (uint32_t i = 0; i < f.nblocks; i++)
		assert_false(f.blocks[i].flags & WATCH_BF_TOP);
	watch_features_free(&f);

	/* No header or navigation at all: no block is said to be on top. */
	extract(PAGE("<p>Hacked by X</p><p>News</p>"), &f);
	for (uint32_t i = 0; i < f.nblocks; i++)
		assert_false(f.blocks[i].flags & WATCH_BF_TOP);
	watch_features_free(&f);
}

/* ---------------------------------------------------------- the blocks */

static void blocks_cover_text(void **state)
{
	(void)state;
	struct watch_features f;
	extract(PAGE("<div>Intro <b>bold</b> words<p>First para</p>tail of div"
		     "<ul><li>one <a href=\"https://out.example/\">out</a> "
		     "<a href=\"/in\">in</a> <a href=\"https://www.site.example/x\">self</a></li>"
		     "<li><a href=\"https://a.example/\">a</a><a href=\"https://b.example/\">b</a>"
		     "</li></ul></div><table><tr><td>cell 1</td><td>cell 2</td></tr></table>"),
		&f);
	/* The text is as it always was. */
	assert_string_equal(f.text, "Intro bold words First para tail of div one out in self ab "
				    "cell 1 cell 2");
	static const struct {
		const char *text, *tag;
		int links;
	} want[] = {
		{ "Intro bold words", "div", 0 }, { "First para", "p", 0 },
		{ "tail of div", "div", 0 },      { "one out in self", "li", 1 },
		{ "ab", "li", 2 },                { "cell 1", "td", 0 },
		{ "cell 2", "td", 0 },
	};
	assert_int_equal(f.nblocks, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct watch_block *b = &f.blocks[i];
		if (b->len != strlen(want[i].text) ||
		    memcmp(f.text + b->off, want[i].text, b->len) != 0)
			fail_msg("block %zu: \"%.*s\", want \"%s\"", i, (int)b->len,
				 f.text + b->off, want[i].text);
		assert_string_equal(b->tag, want[i].tag);
		assert_int_equal(b->links_out, want[i].links);
		assert_int_equal(b->flags, 0);
	}
	watch_features_free(&f);
}

/* ------------------------------------------------------ inline scripts */

/* The script reader's destinations join the references, each naming the
** inline script it came from; until the reader is real (and afterwards
** for what it does not follow) a literal location assignment still sets
** js_host. */
static void inline_script_redirect(void **state)
{
	(void)state;
	struct watch_features f;
	extract(PAGE("<script>location.href=\"https://x.example/\";</script><p>hi</p>"), &f);
	assert_string_equal(f.js_host, "x.example");
	assert_int_equal(f.inline_hashes.n, 1);
	for (uint32_t i = 0; i < f.nrefs; i++) {
		if (!(f.refs[i].flags & WATCH_RF_FROM_JS))
			continue;
		assert_int_equal(f.refs[i].kind, WATCH_REF_REDIRECT);
		assert_string_equal(f.refs[i].host, "x.example");
		assert_int_equal(f.refs[i].script, 1); /* the page's only inline script */
	}
	watch_features_free(&f);

	/* A handler that runs by itself redirects like a script; one that
	** waits for a click is a link. */
	extract(PAGE("<img src=\"x.gif\" onerror=\"location.href='https://y.example/'\">"), &f);
	assert_string_equal(f.js_host, "y.example");
	watch_features_free(&f);
	extract(PAGE("<button onclick=\"location.href='https://partner.example/'\">Go</button>"),
		&f);
	assert_string_equal(f.js_host, "");
	watch_features_free(&f);

	/* On-site navigation is no js_host. */
	extract(PAGE("<script>location.href=\"/fa/\";</script>"), &f);
	assert_string_equal(f.js_host, "");
	watch_features_free(&f);
}

/* ------------------------------------------------------------- bounds */

static void many_iframes(void **state)
{
	(void)state;
	size_t cap = 5000 * 64 + 256, k = 0;
	char *page = malloc(cap);
	assert_non_null(page);
	k += (size_t)snprintf(page + k, cap - k, "<html><body>");
	for (int i = 0; i < 5000; i++)
		k += (size_t)snprintf(page + k, cap - k,
				      "<iframe src=\"https://h%d.example/x\" width=0></iframe>", i);
	snprintf(page + k, cap - k, "</body></html>");
	struct watch_features f;
	extract(page, &f);
	assert_int_equal(f.nrefs, WATCH_REF_MAX);
	assert_true(f.flags & WATCH_F_CAPPED);
	assert_string_equal(f.refs[0].host, "h0.example");
	assert_string_equal(f.refs[WATCH_REF_MAX - 1].host, "h511.example");
	assert_int_equal(f.iframes, 5000);
	watch_features_free(&f);

	/* The same iframe 5000 times is one reference. */
	k = (size_t)snprintf(page, cap, "<html><body>");
	for (int i = 0; i < 5000; i++)
		k += (size_t)snprintf(page + k, cap - k,
				      "<iframe src=\"https://same.example/x?%d\"></iframe>", i);
	snprintf(page + k, cap - k, "</body></html>");
	extract(page, &f);
	assert_int_equal(f.nrefs, 1);
	assert_false(f.flags & WATCH_F_CAPPED);
	watch_features_free(&f);

	/* Padding with the site's own scripts leaves room for the injected
	** one after them. */
	k = (size_t)snprintf(page, cap, "<html><body>");
	for (int i = 0; i < 3000; i++)
		k += (size_t)snprintf(page + k, cap - k, "<script src=\"/js/m%d.js\"></script>", i);
	snprintf(page + k, cap - k,
		 "<script src=\"https://evil.example/x.js\"></script></body></html>");
	extract(page, &f);
	assert_true(f.flags & WATCH_F_CAPPED);
	assert_true(f.nrefs > 1 && f.nrefs < WATCH_REF_MAX);
	assert_string_equal(f.refs[f.nrefs - 1].host, "evil.example");
	watch_features_free(&f);
	free(page);
}

static void many_blocks(void **state)
{
	(void)state;
	size_t cap = 6000 * 40 + 256, k = 0;
	char *page = malloc(cap);
	assert_non_null(page);
	k += (size_t)snprintf(page + k, cap - k, "<html><body>");
	for (int i = 0; i < 6000; i++)
		k += (size_t)snprintf(page + k, cap - k, "<p>para %d</p>", i);
	snprintf(page + k, cap - k, "<marquee>last words</marquee></body></html>");
	struct watch_features f;
	extract(page, &f);
	assert_int_equal(f.nblocks, WATCH_BLOCK_MAX);
	assert_true(f.flags & WATCH_F_CAPPED);
	/* The rest of the text joined the last block, flags included. */
	const struct watch_block *last = &f.blocks[WATCH_BLOCK_MAX - 1];
	assert_int_equal(last->off + last->len, f.text_len);
	assert_true(last->flags & WATCH_BF_MARQUEE);
	assert_non_null(memmem(f.text + last->off, last->len, "para 5999", 9));
	watch_features_free(&f);
	free(page);
}

/* More hiding rules than are kept: the first ones still apply, the page
** says it was capped. A <style> bigger than the read budget too. */
static void css_bounds(void **state)
{
	(void)state;
	size_t cap = (600u << 10) + 4096, k = 0;
	char *page = malloc(cap);
	assert_non_null(page);
	k += (size_t)snprintf(page + k, cap - k, "<html><head><style>");
	for (int i = 0; i < 1100; i++)
		k += (size_t)snprintf(page + k, cap - k, ".c%d{display:none}", i);
	snprintf(page + k, cap - k,
		 "</style></head><body><div class=\"c5\">early</div><div class=\"c1099\">late</div>"
		 "</body></html>");
	struct watch_features f;
	extract(page, &f);
	assert_true(f.flags & WATCH_F_CAPPED);
	assert_true(block_with(&f, "early")->flags & WATCH_BF_HIDDEN);
	watch_features_free(&f);

	k = (size_t)snprintf(page, cap, "<html><head><style>");
	while (k < (560u << 10))
		k += (size_t)snprintf(page + k, cap - k, "p{color:red}/* padding */\n");
	snprintf(page + k, cap - k,
		 ".late{display:none}</style></head><body><div class=\"late\">x</div></body></html>");
	extract(page, &f);
	assert_true(f.flags & WATCH_F_CAPPED);
	watch_features_free(&f);
	free(page);
}

/* A realistic page: blocks and references stay sane (extract() checks),
** and deep nesting keeps within the frames. */
static void deep_and_odd(void **state)
{
	(void)state;
	size_t cap = 700 * 40 + 256, k = 0;
	char *page = malloc(cap);
	assert_non_null(page);
	k += (size_t)snprintf(page + k, cap - k, "<html><body><header>h</header>");
	for (int i = 0; i < 700; i++)
		k += (size_t)snprintf(page + k, cap - k, "<div style=\"opacity:1\">%d", i);
	snprintf(page + k, cap - k, "<iframe src=\"https://deep.example/\"></iframe></body></html>");
	struct watch_features f;
	extract(page, &f);
	assert_true(f.flags & WATCH_F_DEEP);
	assert_true(f.nblocks > 0);
	watch_features_free(&f);
	free(page);

	/* Unknown elements, unclosed styles, CSS junk. */
	extract("<html><head><style>}}{{ .a{display:none .b{ ;;: x:}</style><style>.c{"
		"</style></head><body><my-widget-element hidden>w</my-widget-element>"
		"<p class=\"a b c\" style=\"::;display\">p</p></body></html>",
		&f);
	const struct watch_block *b = block_with(&f, "w");
	assert_string_equal(b->tag, "my-widget-e");
	assert_true(b->flags & WATCH_BF_HIDDEN);
	watch_features_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(references_in_order),
		cmocka_unit_test(reference_paths),
		cmocka_unit_test(hidden_iframes),
		cmocka_unit_test(visible_iframes),
		cmocka_unit_test(tiny_boxes),
		cmocka_unit_test(hidden_blocks),
		cmocka_unit_test(overlay),
		cmocka_unit_test(marquee_and_blink),
		cmocka_unit_test(top_of_body),
		cmocka_unit_test(blocks_cover_text),
		cmocka_unit_test(inline_script_redirect),
		cmocka_unit_test(many_iframes),
		cmocka_unit_test(many_blocks),
		cmocka_unit_test(css_bounds),
		cmocka_unit_test(deep_and_odd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
