/*
** test_watch.c — the website watch's content analysis: URL hosts as a
** browser resolves them, folding, feature extraction (and its caps on
** hostile bodies), baseline learning, each signal on its own, the
** corroboration rule of weak signatures, score and severity, the JSON.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "watch/watch.h"

/* ------------------------------------------------------------- helpers */

static void host_is(const char *url, const char *want)
{
	char out[WATCH_HOST_MAX];
	enum watch_url_kind k = watch_url_host(url, strlen(url), "site.example", out);
	if (!want) {
		if (k != WATCH_URL_BAD)
			fail_msg("%s: expected bad, got %s", url, out);
		return;
	}
	if (k == WATCH_URL_BAD || strcmp(out, want) != 0)
		fail_msg("%s: expected %s, got %s (kind %d)", url, want, out, (int)k);
}

static void extract(const char *html, struct watch_features *f)
{
	struct perr e;
	perr_clear(&e);
	if (watch_extract(html, strlen(html), "https://www.site.example/", f, &e) != 0)
		fail_msg("extract: %s", e.msg);
}

static bool has(const struct watch_verdict *v, const char *name)
{
	for (size_t i = 0; i < v->nsig; i++)
		if (strcmp(v->sig[i].name, name) == 0)
			return true;
	return false;
}

/* Verdict of now against bases learned from base pages. */
static void judge(const char *const *base, size_t n, const char *now, struct watch_verdict *v)
{
	struct watch_page pages[8], page = { now, strlen(now) };
	for (size_t i = 0; i < n; i++) {
		pages[i].body = base[i];
		pages[i].len = strlen(base[i]);
	}
	struct perr e;
	perr_clear(&e);
	if (watch_analyze_pages(pages, n, &page, "https://www.site.example/", NULL, v, &e) != 0)
		fail_msg("analyze: %s", e.msg);
	assert_true(v->score >= 0 && v->score <= 100);
}

#define PAGE(title, body)                                                                       \
	"<!DOCTYPE html><html><head><title>" title "</title></head><body>" body "</body></html>"

#define TEXT                                                                                    \
	"<h1>Ministry of Roads</h1><p>The ministry builds and maintains the national road "       \
	"network, railways and ports, and sets the rules for urban development across all "       \
	"provinces of the country.</p><ul><li><a href=\"/news/1\">New highway section opened "     \
	"in the north</a></li><li><a href=\"/news/2\">Housing plan registration extended by "      \
	"two weeks</a></li></ul><footer>Copyright the Ministry of Roads and Urban "              \
	"Development</footer>"

/* ---------------------------------------------------------------- URLs */

static void url_hosts(void **state)
{
	(void)state;
	host_is("https://Evil.Example/x.js", "evil.example");
	host_is("//cdn.example/a.js", "cdn.example");
	host_is("/static/a.js", "site.example");
	host_is("a.js", "site.example");
	host_is("", "site.example");
	host_is("#top", "site.example");
	host_is("  https://a.example:8443/x", "a.example");
	host_is("https://user:pw@b.example/", "b.example");
	host_is("ht\ttp://c.example/", "c.example");
	host_is("https:\\\\d.example\\x", "d.example");
	host_is("https:///e.example/", "e.example");
	host_is("https:f.example", "f.example");
	host_is("http://%65vil.example/", "evil.example");
	host_is("http://g.example./", "g.example");
	host_is("http://[2001:DB8::1]:80/", "[2001:db8::1]");
	host_is("http://bad host/", NULL);
	host_is("http:///", NULL);
	char out[WATCH_HOST_MAX];
	assert_int_equal(watch_url_host("javascript:alert(1)", 19, "s", out), WATCH_URL_OTHER);
	assert_string_equal(out, "javascript:");
	assert_int_equal(watch_url_host("DATA:text/html,x", 16, "s", out), WATCH_URL_OTHER);
	assert_string_equal(out, "data:");
	assert_int_equal(watch_url_host("mailto:a@b", 10, "s", out), WATCH_URL_OTHER);
	assert_int_equal(watch_url_host("x", 1, NULL, out), WATCH_URL_BAD);

	assert_true(watch_same_site("www.mof.example", "www.mof.example"));
	assert_true(watch_same_site("mof.example", "www.mof.example"));
	assert_true(watch_same_site("cdn.mof.example", "www.mof.example"));
	assert_true(watch_same_site("a.site.example", "site.example"));
	assert_false(watch_same_site("evilmof.example", "www.mof.example"));
	assert_false(watch_same_site("mof.example.evil.example", "www.mof.example"));
	assert_false(watch_same_site("example", "www.example"));
}

static void folding(void **state)
{
	(void)state;
	size_t n;
	/* Arabic yeh and kaf fold to Persian; ZWNJ splits words; case. */
	char *s = watch_fold("HACKED  by\xe2\x80\x8c\xd9\x83\xd9\x8a", 18, false, &n);
	assert_string_equal(s, "hacked by \xda\xa9\xdb\x8c");
	free(s);
	const char *digits = "visits: 12345, today \xdb\xb1\xdb\xb4\xdb\xb0\xdb\xb5/09/03";
	s = watch_fold(digits, strlen(digits), true, &n);
	assert_string_equal(s, "visits 0 today 0 0 0");
	free(s);
	s = watch_fold("h\xe2\x80\x8b" "4ck3d", 9, false, &n);
	assert_string_equal(s, "h4ck3d");
	free(s);
}

/* ------------------------------------------------------------ features */

static void features(void **state)
{
	(void)state;
	struct watch_features f;
	extract("<html><head><title>  Home \n Page </title>"
		"<script src=\"https://CDN.example/a.js\"></script>"
		"<script>var x = 1;</script>"
		"<script type=\"application/ld+json\">{\"a\":1}</script>"
		"<style>body{color:red}</style>"
		"<meta http-equiv=\"Refresh\" content=\"3; URL='https://away.example/'\">"
		"</head><body><div>Hello<span> big</span></div><div>world</div>"
		"<noscript>enable js</noscript><template>hidden</template><!-- note -->"
		"<iframe src=\"//frame.example/x\" width=\"0\" height=\"0\"></iframe>"
		"<iframe src=\"https://video.example/e\" width=\"560\"></iframe>"
		"<form action=\"https://collect.example/p\"></form><form></form>"
		"<a href=\"/a\">a</a><a href=\"https://out.example/\">b</a>"
		"<a href=\"https://www.site.example/c\">c</a><a href=\"mailto:x@y\">m</a>"
		"<script>if (1) { window.location.href = 'https://jump.example/?q'; }</script>"
		"</body></html>",
		&f);
	assert_string_equal(f.title, "Home Page");
	/* Inline elements join as a browser shows them; blocks separate.
	** <noscript> is text a crawler indexes (kept, as a hidden block, like
	** display:none text); a template's is not. */
	assert_string_equal(f.text, "Hello big world enable js abcm");
	assert_int_equal(f.script_hosts.n, 1);
	assert_string_equal(f.script_hosts.v[0], "cdn.example");
	assert_int_equal(f.scripts_external, 1);
	assert_int_equal(f.scripts_inline, 2); /* ld+json is data, not code */
	assert_int_equal(f.inline_hashes.n, 2);
	assert_int_equal(strlen(f.inline_hashes.v[0]), 64);
	assert_string_equal(f.refresh_host, "away.example");
	assert_string_equal(f.js_host, "jump.example");
	assert_int_equal(f.iframe_hosts.n, 2);
	assert_int_equal(f.hidden_iframe_hosts.n, 1);
	assert_string_equal(f.hidden_iframe_hosts.v[0], "frame.example");
	assert_true(watch_set_has(&f.form_hosts, "collect.example"));
	assert_true(watch_set_has(&f.form_hosts, "www.site.example"));
	assert_int_equal(f.links, 3);
	assert_int_equal(f.outbound_links, 1);
	assert_string_equal(f.link_hosts.v[0], "out.example");
	assert_true(f.nshingles > 0);
	assert_int_equal(f.flags, 0);
	watch_features_free(&f);

	/* <base href> moves every relative URL, as in a browser. */
	extract("<head><base href=\"https://evil.example/\"></head><body>"
		"<script src=\"/x.js\"></script></body>",
		&f);
	assert_string_equal(f.script_hosts.v[0], "evil.example");
	watch_features_free(&f);

	/* A bare host name is a URL too; a broken one is refused. */
	struct perr e;
	assert_int_equal(watch_extract("x", 1, "Site.Example", &f, &e), 0);
	assert_string_equal(f.host, "site.example");
	watch_features_free(&f);
	assert_int_equal(watch_extract("x", 1, "http://bad host/", &f, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	assert_string_equal(e.field, "url");
	watch_features_free(&f);
}

static void hostile_bodies(void **state)
{
	(void)state;
	struct watch_features f;
	struct perr e;
	/* Binary: NUL bytes and invalid UTF-8 are a flag, not a failure. */
	const char bin[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe<title>x</title>";
	assert_int_equal(watch_extract(bin, sizeof(bin) - 1, NULL, &f, &e), 0);
	assert_true(f.flags & WATCH_F_BINARY);
	assert_true(utf8_valid(f.text, f.text_len));
	watch_features_free(&f);

	/* Larger than the cap: cut and flagged. */
	size_t big = (size_t)WATCH_BODY_MAX + 4096;
	char *b = malloc(big);
	assert_non_null(b);
	for (size_t i = 0; i < big; i++)
		b[i] = "<p>word "[i % 8];
	assert_int_equal(watch_extract(b, big, NULL, &f, &e), 0);
	assert_true(f.flags & WATCH_F_TRUNCATED);
	assert_true(f.flags & WATCH_F_TEXT_CUT);
	assert_true(f.text_len <= WATCH_TEXT_MAX);
	watch_features_free(&f);

	/* Deep nesting, the parser's quadratic case: cut, and fast. Also the
	** misnesting the adoption agency keeps open, which the pre-scan must
	** not mistake for closed elements. */
	const char *units[] = { "<div>", "<b><div></b>", "<div></body>", "<font><font>",
				"<table><td><div>", "<svg><g/>" };
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		size_t ul = strlen(units[u]), reps = 100000;
		if (ul * reps > big)
			reps = big / ul;
		for (size_t i = 0; i < reps; i++)
			memcpy(b + i * ul, units[u], ul);
		clock_t t0 = clock();
		assert_int_equal(watch_extract(b, reps * ul, NULL, &f, &e), 0);
		double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
		if (secs > 5.0)
			fail_msg("%s x %zu took %.1f s", units[u], reps, secs);
		watch_features_free(&f);
	}

	/* Quadratic in gumbo without being deep, which the pre-scan cannot see
	** (2 MiB of "<select><option><b>" take it 19 s): the CPU budget ends
	** the parse and the arena is freed whole (ASan checks nothing leaks).
	** The budget is shrunk so that this takes a moment, not seconds. */
	for (size_t i = 0; i < 50000; i++)
		memcpy(b + i * 19, "<select><option><b>", 19);
	watch_set_parse_budget(20000000LL, 0); /* 20 ms */
	clock_t t0 = clock();
	assert_int_equal(watch_extract(b, 50000 * 19, NULL, &f, &e), 0);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	watch_set_parse_budget(1000000000LL, 3815LL);
	if (secs > 2.0)
		fail_msg("<select><option><b> took %.1f s", secs);
	assert_true(f.flags & WATCH_F_BUDGET);
	assert_int_equal(f.text_len, 0);
	assert_int_equal(f.elements, 0);
	watch_features_free(&f);
	free(b);

	/* Many hosts: the set is capped and says so. */
	struct pbuf p;
	pbuf_init(&p, 0);
	for (int i = 0; i < WATCH_SET_MAX + 50; i++)
		pbuf_addf(&p, "<a href=\"https://h%d.example/\">x</a>", i);
	assert_int_equal(watch_extract(p.ptr, p.len, NULL, &f, &e), 0);
	assert_int_equal(f.link_hosts.n, WATCH_SET_MAX);
	assert_true(f.flags & WATCH_F_CAPPED);
	watch_features_free(&f);
	pbuf_free(&p);
}

/* ------------------------------------------------------------ baseline */

static void learning(void **state)
{
	(void)state;
	struct watch_features obs[3];
	extract(PAGE("Home", TEXT "<p>Visits today 120, updated Monday morning</p>"
			       "<script>var t='a1';</script>"),
		&obs[0]);
	extract(PAGE("Home", TEXT "<p>Visits today 180, updated Monday evening</p>"
			       "<script>var t='b2';</script>"),
		&obs[1]);
	extract(PAGE("Home", TEXT "<p>Visits today 99, updated Tuesday noon</p>"
			       "<script>var t='c3';</script>"),
		&obs[2]);
	struct watch_baseline b;
	struct perr e;
	assert_int_equal(watch_learn(obs, 3, &b, &e), 0);
	assert_true(b.title_stable);
	assert_string_equal(b.title, "Home");
	assert_true(b.nvolatile > 0);
	assert_true(b.nstable > 0);
	assert_true(b.min_pairwise < 1.0);
	assert_true(b.floor >= 0 && b.floor <= WATCH_FLOOR_MAX);
	assert_true(b.inline_volatile); /* the token differs: inline scripts are volatile */
	/* Every observation is close to what was learned from it. */
	for (int i = 0; i < 3; i++)
		assert_true(watch_baseline_similarity(&b, &obs[i]) >= b.floor);
	watch_baseline_free(&b);

	assert_int_equal(watch_learn(obs, 1, &b, &e), 0);
	assert_true(b.floor == WATCH_FLOOR_DEFAULT);
	watch_baseline_free(&b);
	/* A page without any text (no shingles at all) is learnable too. */
	struct watch_features empty[2];
	extract("", &empty[0]);
	extract("<p>only words here</p>", &empty[1]);
	assert_null(empty[0].shingles);
	assert_int_equal(watch_learn(empty, 2, &b, &e), 0);
	assert_true(b.min_pairwise == 0.0);
	watch_baseline_free(&b);
	watch_features_free(&empty[0]);
	watch_features_free(&empty[1]);
	assert_int_equal(watch_learn(obs, 0, &b, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	watch_baseline_free(&b);
	for (int i = 0; i < 3; i++)
		watch_features_free(&obs[i]);
}

/* -------------------------------------------------------------- signals */

static const char *const base3[] = {
	PAGE("Ministry of Roads", TEXT "<p>Updated Monday</p><script src=\"/js/site.js\"></script>"
				       "<script>init();</script>"),
	PAGE("Ministry of Roads", TEXT "<p>Updated Tuesday</p><script src=\"/js/site.js\"></script>"
				       "<script>init();</script>"),
	PAGE("Ministry of Roads", TEXT "<p>Updated Wednesday</p><script src=\"/js/site.js\"></script>"
				       "<script>init();</script>"),
};

/* The signal or observation named name about host, NULL when none. */
static const struct watch_signal *entry(const struct watch_verdict *v, bool obs, const char *name)
{
	const struct watch_signal *a = obs ? v->obs : v->sig;
	size_t n = obs ? v->nobs : v->nsig;
	for (size_t i = 0; i < n; i++)
		if (strcmp(a[i].name, name) == 0)
			return &a[i];
	return NULL;
}

/* A verdict explains itself: each signal and observation names the element,
** the host and its category; what governments add every week (a video,
** their own statistics subdomain) is recorded without alarm, an imitation
** of a known service alarms. */
static void verdict_explains(void **state)
{
	(void)state;
	struct watch_verdict v;
	judge(base3, 3,
	      PAGE("Ministry of Roads",
		   TEXT "<iframe width=\"560\" height=\"315\" "
			"src=\"https://www.youtube-nocookie.com/embed/abc\"></iframe>"
			"<script src=\"https://stats.site.example/matomo.js\"></script>"),
	      &v);
	assert_int_equal(v.nsig, 0);
	assert_int_equal(v.score, 0);
	const struct watch_signal *o = entry(&v, true, "third_party_added");
	assert_non_null(o);
	assert_string_equal(o->element, "iframe");
	assert_string_equal(o->host, "www.youtube-nocookie.com");
	assert_string_equal(o->category, "video");
	assert_non_null(strstr(o->detail, "video"));

	judge(base3, 3,
	      PAGE("Ministry of Roads",
		   TEXT "<script src=\"https://www.googletagmanager.com.cdn-x.top/gtm.js\"></script>"),
	      &v);
	const struct watch_signal *s = entry(&v, false, "lookalike_host");
	assert_non_null(s);
	assert_string_equal(s->element, "script");
	assert_string_equal(s->host, "www.googletagmanager.com.cdn-x.top");
	assert_string_equal(s->category, "look-alike");
	assert_non_null(strstr(s->detail, "googletagmanager.com"));
	assert_true(v.score >= 30);
	/* an attack on visitors is high at least */
	assert_true(!strcmp(v.severity, "high") || !strcmp(v.severity, "critical"));

	/* the same hidden a thousand times is one signal that says how many */
	struct pbuf p;
	pbuf_init(&p, 0);
	pbuf_adds(&p, "<!DOCTYPE html><html><head><title>Ministry of Roads</title></head><body>" TEXT);
	char frame[160];
	for (int i = 0; i < 1000; i++) {
		snprintf(frame, sizeof(frame),
			 "<iframe width=\"1\" height=\"1\" src=\"https://h%d.spam.example/\"></iframe>", i);
		pbuf_adds(&p, frame);
	}
	pbuf_adds(&p, "</body></html>");
	judge(base3, 3, pbuf_cstr(&p), &v);
	s = entry(&v, false, "new_iframe_host");
	assert_non_null(s);
	assert_int_equal(s->weight, 60);
	assert_non_null(strstr(s->detail, "more)"));
	pbuf_free(&p);
}

static void each_signal(void **state)
{
	(void)state;
	struct watch_verdict v;

	judge(base3, 3, base3[1], &v);
	assert_int_equal(v.nsig, 0);
	assert_int_equal(v.score, 0);
	assert_string_equal(v.severity, "none");

	judge(base3, 3, PAGE("Ministry of Roads", TEXT "<p>Hacked by Nobody</p>"), &v);
	assert_true(has(&v, "defacement_signature"));
	assert_string_equal(v.severity, "critical");
	assert_string_equal(v.sig[0].name, "defacement_signature"); /* strongest first */

	judge(base3, 3, PAGE("Ministry of Roads", TEXT "<p>\xd9\x87\xda\xa9 \xd8\xb4\xd8\xaf</p>"), &v);
	assert_true(has(&v, "defacement_signature")); /* هک شد */

	judge(base3, 3, PAGE("Cheap followers", TEXT), &v);
	assert_true(has(&v, "title_replaced"));
	judge(base3, 3, PAGE("Ministry of Roads | Home", TEXT), &v);
	assert_false(has(&v, "title_replaced")); /* an edit, not a replacement */

	judge(base3, 3, PAGE("Ministry of Roads", "<h1>Our message</h1><p>Completely other words "
						  "written by somebody else entirely here.</p>"),
	      &v);
	assert_true(has(&v, "text_changed"));
	assert_true(v.similarity < v.floor);

	judge(base3, 3, PAGE("Ministry of Roads", TEXT "<script src=\"https://x.example/m.js\"></script>"),
	      &v);
	assert_true(has(&v, "new_script_host"));
	assert_string_equal(v.severity, "high");

	judge(base3, 3, PAGE("Ministry of Roads", TEXT "<script src=\"https://cdn.www.site.example/a.js\"></script>"),
	      &v);
	assert_false(has(&v, "new_script_host")); /* the site's own subdomain */

	judge(base3, 3, PAGE("Ministry of Roads", TEXT "<iframe src=\"https://f.example/\"></iframe>"), &v);
	assert_true(has(&v, "new_iframe_host"));
	int visible = v.sig[0].weight;
	judge(base3, 3,
	      PAGE("Ministry of Roads",
		   TEXT "<div style=\"display: none\"><iframe src=\"https://f.example/\"></iframe></div>"),
	      &v);
	assert_true(has(&v, "new_iframe_host"));
	assert_true(v.sig[0].weight > visible);

	judge(base3, 3, PAGE("Ministry of Roads", TEXT "<form action=\"https://phish.example/\"></form>"),
	      &v);
	assert_true(has(&v, "form_action_offsite"));

	judge(base3, 3,
	      PAGE("Ministry of Roads",
		   TEXT "<meta http-equiv=\"refresh\" content=\"0;url=https://away.example/\">"),
	      &v);
	assert_true(has(&v, "redirect_offsite"));
	judge(base3, 3, PAGE("Ministry of Roads", TEXT "<script>location.replace(\"//away.example\")</script>"),
	      &v);
	assert_true(has(&v, "redirect_offsite"));
	/* inline scripts were stable: the new one is recorded, what it does judged */
	bool seen = false;
	for (size_t i = 0; i < v.nobs; i++)
		seen |= strcmp(v.obs[i].name, "inline_script_added") == 0;
	assert_true(seen);

	struct pbuf p;
	pbuf_init(&p, 0);
	pbuf_adds(&p, "<!DOCTYPE html><html><head><title>Ministry of Roads</title></head><body>" TEXT
		      "<div>");
	for (int i = 0; i < 8; i++)
		pbuf_addf(&p, "<a href=\"https://casino%d.example/\">casino %d</a>", i, i);
	pbuf_adds(&p, "</div></body></html>");
	judge(base3, 3, p.ptr, &v);
	assert_true(has(&v, "seo_spam"));
	pbuf_free(&p);

	/* Severity climbs with the evidence; the score stays within 0..100. */
	judge(base3, 3,
	      PAGE("Hacked", "<h1>h4ck3d by x</h1><script src=\"https://a.example/\"></script>"
			     "<iframe src=\"https://b.example/\" hidden></iframe>"
			     "<form action=\"https://c.example/\"></form>"
			     "<meta http-equiv=\"refresh\" content=\"0;url=https://d.example/\">"),
	      &v);
	assert_true(v.nsig >= 6);
	assert_true(v.score > 95 && v.score <= 100);
	assert_string_equal(v.severity, "critical");
}

static void weak_signatures(void **state)
{
	(void)state;
	struct watch_verdict v;
	/* "was here" alone is news ("the minister was here"). */
	judge(base3, 3, PAGE("Ministry of Roads", TEXT "<p>The minister was here on Monday.</p>"), &v);
	assert_int_equal(v.nsig, 0);
	/* With a second weak phrase it is a defacement. */
	judge(base3, 3, PAGE("Ministry of Roads", TEXT "<p>sorry admin, x was here</p>"), &v);
	assert_true(has(&v, "defacement_signature"));
	/* With another signal too. */
	judge(base3, 3,
	      PAGE("Ministry of Roads", TEXT "<p>x was here</p><script src=\"https://q.example/\"></script>"),
	      &v);
	assert_true(has(&v, "defacement_signature"));

	/* A phrase the site already showed (a CERT's own news) is no alarm. */
	const char *cert[] = { PAGE("CERT news", TEXT "<p>Portal X was hacked by a group.</p>") };
	judge(cert, 1, PAGE("CERT news", TEXT "<p>Portal X was hacked by a group.</p><p>More.</p>"), &v);
	assert_false(has(&v, "defacement_signature"));
	judge(cert, 1,
	      PAGE("CERT news", TEXT "<p>Portal X was hacked by a group.</p><p>Y hacked by Z.</p>"), &v);
	assert_true(has(&v, "defacement_signature"));
}

static void signature_file(void **state)
{
	(void)state;
	size_t n = watch_signature_count();
	assert_true(n >= 40 && n <= WATCH_SIG_MAX);
	bool found_en = false, found_fa = false, weak_fa = false;
	for (size_t i = 0; i < n; i++) {
		bool weak;
		const char *p = watch_signature(i, &weak);
		assert_non_null(p);
		assert_true(p[0] != '\0' && utf8_valid(p, strlen(p)));
		found_en |= !weak && strcmp(p, "hacked by") == 0;
		found_fa |= !weak && strcmp(p, "\xd9\x87\xda\xa9 \xd8\xb4\xd8\xaf") == 0;
		weak_fa |= weak && strcmp(p, "\xd9\x87\xda\xa9\xd8\xb1") == 0;
	}
	assert_true(found_en && found_fa && weak_fa);
	assert_null(watch_signature(n, NULL));
}

static void verdict_json(void **state)
{
	(void)state;
	struct watch_verdict v;
	judge(base3, 3, PAGE("\xd9\x87\xda\xa9\xd8\xb1 title", "<p>Hacked by \xd9\x87\xda\xa9\xd8\xb1</p>"),
	      &v);
	json_t *j = watch_verdict_json(&v);
	assert_non_null(j);
	json_t *sigs = json_object_get(j, "signals");
	assert_true(json_is_array(sigs) && json_array_size(sigs) == v.nsig);
	json_t *s0 = json_array_get(sigs, 0);
	assert_true(json_is_string(json_object_get(s0, "name")));
	assert_true(json_is_string(json_object_get(s0, "detail")));
	assert_true(json_is_integer(json_object_get(s0, "weight")));
	assert_int_equal(json_integer_value(json_object_get(j, "score")), v.score);
	assert_string_equal(json_string_value(json_object_get(j, "severity")), "critical");
	assert_true(json_is_real(json_object_get(j, "similarity")));
	assert_true(json_is_real(json_object_get(j, "floor")));
	assert_true(json_is_array(json_object_get(j, "flags")));
	json_decref(j);

	struct watch_page none = { "", 0 };
	struct perr e;
	assert_int_equal(watch_analyze_pages(NULL, 0, &none, NULL, NULL, &v, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
}

/* The monitor stores baselines packed: unpacked, a baseline judges exactly
** as before; damaged bytes are refused, never trusted. */
static void baseline_packing(void **state)
{
	(void)state;
	const char *pages[2] = { PAGE("Ministry of Roads", TEXT "<p>News of Monday</p>"),
				 PAGE("Ministry of Roads", TEXT "<p>News of Tuesday</p>") };
	struct watch_features obs[2], now;
	extract(pages[0], &obs[0]);
	extract(pages[1], &obs[1]);
	extract(PAGE("Hacked by X", "<h1>Hacked by X</h1><script src=\"https://evil.example/x.js\">"
			"</script>"), &now);
	struct watch_baseline b, back;
	struct perr e;
	assert_int_equal(watch_learn(obs, 2, &b, &e), 0);
	unsigned char *packed;
	size_t len;
	assert_int_equal(watch_baseline_pack(&b, &packed, &len, &e), 0);
	assert_int_equal(watch_baseline_unpack(packed, len, &back, &e), 0);
	struct watch_verdict v1, v2;
	watch_judge(&b, &now, NULL, &v1);
	watch_judge(&back, &now, NULL, &v2);
	assert_true(v1.score >= 60);
	assert_int_equal(v1.score, v2.score);
	assert_int_equal(v1.nsig, v2.nsig);
	for (size_t i = 0; i < v1.nsig; i++)
		assert_string_equal(v1.sig[i].name, v2.sig[i].name);
	watch_judge(&back, &obs[1], NULL, &v2);
	assert_string_equal(v2.severity, "none");
	watch_baseline_free(&back);
	/* cut short, one byte flipped in the magic, trailing garbage */
	assert_int_equal(watch_baseline_unpack(packed, len - 3, &back, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	packed[0] ^= 1;
	assert_int_equal(watch_baseline_unpack(packed, len, &back, &e), -1);
	packed[0] ^= 1;
	unsigned char *longer = malloc(len + 1);
	memcpy(longer, packed, len);
	longer[len] = 7;
	assert_int_equal(watch_baseline_unpack(longer, len + 1, &back, &e), -1);
	free(longer);
	free(packed);
	watch_baseline_free(&b);
	watch_features_free(&obs[0]);
	watch_features_free(&obs[1]);
	watch_features_free(&now);
}

/* The evidence diff shows the sentences that went and came, with context,
** and a page replaced whole as all removed, all added. */
static void text_diff(void **state)
{
	(void)state;
	const char *before = "Welcome to the ministry. Our mission is roads. News one. News two. "
			     "Contact us at the office. Opening hours are nine to five.";
	const char *after = "Welcome to the ministry. Our mission is roads. News zero. News one. "
			    "News two. Contact us at the office. Opening hours are nine to five.";
	struct pbuf out;
	struct perr e;
	pbuf_init(&out, 1 << 16);
	assert_int_equal(watch_text_diff(before, strlen(before), after, strlen(after), &out, &e), 0);
	assert_non_null(strstr(out.ptr, "--- before\n+++ after\n@@\n"));
	assert_non_null(strstr(out.ptr, "\n+News zero.\n"));
	assert_non_null(strstr(out.ptr, "\n News one.\n"));
	assert_null(strstr(out.ptr, "-News"));
	assert_null(strstr(out.ptr, "Opening hours")); /* beyond the context */
	pbuf_reset(&out);
	const char *hacked = "Hacked by Team X! We were here. \xd9\x87\xda\xa9 \xd8\xb4\xd8\xaf\xd8\x9f";
	assert_int_equal(watch_text_diff(before, strlen(before), hacked, strlen(hacked), &out, &e), 0);
	assert_non_null(strstr(out.ptr, "\n-Welcome to the ministry.\n"));
	assert_non_null(strstr(out.ptr, "\n+Hacked by Team X!\n"));
	assert_non_null(strstr(out.ptr, "\n+\xd9\x87\xda\xa9 \xd8\xb4\xd8\xaf\xd8\x9f\n"));
	/* bounded output: a small buffer is filled, never overrun */
	struct pbuf small;
	pbuf_init(&small, 40);
	assert_int_equal(watch_text_diff(before, strlen(before), hacked, strlen(hacked), &small, &e), 0);
	assert_true(small.len <= 40);
	pbuf_free(&small);
	pbuf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(url_hosts),	   cmocka_unit_test(folding),
		cmocka_unit_test(features),	   cmocka_unit_test(hostile_bodies),
		cmocka_unit_test(learning),	   cmocka_unit_test(each_signal),
		cmocka_unit_test(verdict_explains),
		cmocka_unit_test(weak_signatures), cmocka_unit_test(signature_file),
		cmocka_unit_test(verdict_json),     cmocka_unit_test(baseline_packing),
		cmocka_unit_test(text_diff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
