/*
** test_watch_services.c — the well-known services list (data/watch/services.csv,
** src/watch/services.c) that keeps the website watch from opening an
** incident each time a government page adds a YouTube video, a map or an
** analytics tag: the shipped file parses with no bad row and covers every
** category of issue 12; lookups match the host itself first, then the
** longest parent domain at a label boundary (never a look-alike that only
** contains a known name); a host serving two services is told apart by
** path; a public CDN's user-content path names its publication (a new
** GitHub repository or npm package is not "known", a new version of one is
** the same); and an operator's replacement list (watch.services) is refused
** whole, naming the line, when a row breaks a rule.
**
** The replacement test runs last: it changes the process's list.
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

static void shipped_file_has_no_bad_rows(void **state)
{
	(void)state;
	size_t line = 0;
	char why[128] = "";
	size_t bad = watch_services_bad(&line, why);
	if (bad)
		fprintf(stderr, "services.csv line %zu: %s\n", line, why);
	assert_int_equal(bad, 0);
	assert_string_equal(watch_services_origin(), "built-in");
	/* broad: the issue names over a hundred hosts across its categories */
	assert_true(watch_service_count() >= 100);
	assert_null(watch_service_at(watch_service_count()));
}

static void every_category_is_listed(void **state)
{
	(void)state;
	static const char *const want[] = { "video", "maps", "analytics", "tagmanager", "cdn",
					    "fonts", "captcha", "chat", "social", "payment",
					    "consent", "accessibility" };
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		size_t n = 0;
		for (size_t i = 0; i < watch_service_count(); i++)
			n += strcmp(watch_service_at(i)->category, want[k]) == 0;
		if (n < 3)
			fprintf(stderr, "category %s: %zu rows\n", want[k], n);
		assert_true(n >= 3);
	}
}

static void exact_then_longest_suffix(void **state)
{
	(void)state;
	const struct watch_service *s = watch_service_find("www.youtube-nocookie.com");
	assert_non_null(s);
	assert_string_equal(s->name, "YouTube");
	assert_string_equal(s->category, "video");
	assert_true(s->roles & (1u << WATCH_REF_IFRAME));
	assert_false(s->roles & (1u << WATCH_REF_FORM));
	/* subdomains of a suffix row; case and a trailing dot do not matter */
	s = watch_service_find("I.YTIMG.com.");
	assert_non_null(s);
	assert_string_equal(s->name, "YouTube");
	s = watch_service_find("www.aparat.com");
	assert_non_null(s);
	assert_string_equal(s->name, "Aparat");
	s = watch_service_find("static.cloudflareinsights.com");
	assert_non_null(s);
	assert_string_equal(s->category, "analytics");
	s = watch_service_find("www.googletagmanager.com");
	assert_non_null(s);
	assert_string_equal(s->category, "tagmanager");
	/* every payment gateway of Iran's card switch */
	s = watch_service_find("sep.shaparak.ir");
	assert_non_null(s);
	assert_string_equal(s->category, "payment");
	assert_true(s->roles & (1u << WATCH_REF_FORM));
	/* the longest listed parent wins: fastly.jsdelivr.net is jsDelivr */
	s = watch_service_find("fastly.jsdelivr.net");
	assert_non_null(s);
	assert_string_equal(s->category, "cdn");
	/* an exact row covers its host alone */
	assert_null(watch_service_find("x.code.jquery.com"));
	assert_non_null(watch_service_find("code.jquery.com"));
	/* label boundaries: a known name inside another domain is not known */
	assert_null(watch_service_find("notyoutube.com"));
	assert_null(watch_service_find("youtube.com.evil.top"));
	assert_null(watch_service_find("cdn.jsdelivr.net.x.top"));
	assert_null(watch_service_find("code-jquery.cc"));
	assert_null(watch_service_find("evil-shaparak.ir"));
	/* hosts where anyone publishes are never services */
	assert_null(watch_service_find("attacker.github.io"));
	assert_null(watch_service_find("storage.googleapis.com"));
	assert_null(watch_service_find("sites.google.com"));
	assert_null(watch_service_find("polyfill.io"));
	assert_null(watch_service_find(""));
	assert_null(watch_service_find("."));
}

static void one_host_two_services_by_path(void **state)
{
	(void)state;
	const struct watch_service *s = watch_service_find_path("www.google.com", "/maps/embed");
	assert_non_null(s);
	assert_string_equal(s->category, "maps");
	s = watch_service_find_path("www.google.com", "/recaptcha/api.js");
	assert_non_null(s);
	assert_string_equal(s->category, "captcha");
	assert_true(s->roles & (1u << WATCH_REF_SCRIPT));
	/* the rest of www.google.com is no service; without a path the host
	** is still a listed one (never a look-alike of itself) */
	assert_null(watch_service_find_path("www.google.com", "/search"));
	assert_null(watch_service_find_path("www.google.com", "/"));
	s = watch_service_find("www.google.com");
	assert_non_null(s);
	assert_string_equal(s->host, "www.google.com");
	assert_ptr_equal(watch_service_find_path("www.google.com", NULL), s);
	/* a host with a default row and a path row */
	s = watch_service_find_path("www.gstatic.com", "/recaptcha/releases/x/recaptcha__en.js");
	assert_non_null(s);
	assert_string_equal(s->category, "captcha");
	s = watch_service_find_path("www.gstatic.com", "/charts/loader.js");
	assert_non_null(s);
	assert_string_equal(s->category, "cdn");
	s = watch_service_find("www.gstatic.com");
	assert_non_null(s);
	assert_string_equal(s->category, "cdn");
}

static const char *pub(const char *host, const char *path, char out[WATCH_PATH_MAX])
{
	const struct watch_service *s = watch_service_find_path(host, path);
	assert_non_null(s);
	return watch_service_publication(s, path, out);
}

static void user_content_names_its_publication(void **state)
{
	(void)state;
	char a[WATCH_PATH_MAX], b[WATCH_PATH_MAX];
	/* GitHub through jsDelivr: user/repo, whatever the version and file */
	assert_string_equal(pub("cdn.jsdelivr.net", "/gh/rastikerdar/vazir-font@v30.1.0/dist/font-face.css", a),
			    "/gh/rastikerdar/vazir-font");
	assert_string_equal(pub("cdn.jsdelivr.net", "/gh/Rastikerdar/Vazir-Font/dist/x.css", b), a);
	/* a new repository of the same user is a new publication */
	assert_string_not_equal(pub("cdn.jsdelivr.net", "/gh/rastikerdar/miner/x.js", b), a);
	/* npm: the package, a scope joining its name */
	assert_string_equal(pub("cdn.jsdelivr.net", "/npm/jquery@3.7.1/dist/jquery.min.js", a),
			    "/npm/jquery");
	assert_string_equal(pub("cdn.jsdelivr.net", "/npm/@popperjs/core@2.11.8/dist/umd/popper.min.js", a),
			    "/npm/@popperjs/core");
	assert_string_equal(pub("cdn.jsdelivr.net", "/npm/bootstrap@5/dist/js/bootstrap.js?x=1", a),
			    "/npm/bootstrap");
	/* any other jsDelivr path is user content too */
	assert_string_equal(pub("cdn.jsdelivr.net", "/combine/npm/a@1,npm/b@2", a),
			    "/combine/npm/a@1,npm/b@2");
	assert_string_equal(pub("cdn.jsdelivr.net", "/esm/evil/x.js", a), "/esm/evil");
	/* unpkg: the package is the first segment */
	assert_string_equal(pub("unpkg.com", "/leaflet@1.9.4/dist/leaflet.js", a), "/leaflet");
	assert_string_equal(pub("unpkg.com", "/@turf/turf@6/turf.min.js", a), "/@turf/turf");
	/* the host's default row, as watch_service_find gives it, answers for
	** the path's own row */
	const struct watch_service *d = watch_service_find("cdn.jsdelivr.net");
	assert_non_null(d);
	assert_string_equal(watch_service_publication(d, "/gh/u/r@1/x.js", a), "/gh/u/r");
	/* dot segments: decided after the browser resolves them, so never an
	** ordinary publication */
	assert_string_equal(pub("cdn.jsdelivr.net", "/npm/jquery/../../gh/evil/x/y.js", a),
			    "/npm/jquery/../../gh/evil/x/y.js");
	assert_string_not_equal(pub("cdn.jsdelivr.net", "/npm/jquery/%2e%2e/evil/y.js", a),
				"/npm/jquery");
	/* curated CDNs have no user content */
	assert_string_equal(pub("code.jquery.com", "/jquery-3.7.1.min.js", a), "");
	assert_string_equal(pub("cdnjs.cloudflare.com", "/ajax/libs/jquery/3.7.1/jquery.min.js", a), "");
	/* the prefix alone names nothing */
	assert_string_equal(pub("cdn.jsdelivr.net", "/gh/", a), "");
	assert_string_equal(watch_service_publication(NULL, "/gh/a/b", a), "");
}

/* Replace the list with text; 0 or -1 with err. */
static int use(const char *text, struct perr *err)
{
	perr_clear(err);
	return watch_services_use(text, strlen(text), "test.csv", err);
}

#define HEADER "host,match,category,roles,name,user_content,path\n"

static void bad_rows_refuse_a_replacement(void **state)
{
	(void)state;
	struct perr err;
	size_t before = watch_service_count();
	struct {
		const char *row, *says;
	} bad[] = {
		{ "github.io,suffix,cdn,script,Pages,,\n", "public suffix" },
		{ "gov.ir,suffix,payment,form,All of it,,\n", "public suffix" },
		{ "ir,suffix,payment,form,All of Iran,,\n", "host" },
		{ "10.0.0.1,exact,cdn,script,An address,,\n", "host" },
		{ "Ex.example.org,exact,cdn,script,Upper case,,\n", "host" },
		{ "ex.example.org,exact,ads,script,No such category,,\n", "category" },
		{ "ex.example.org,exact,cdn,object,No such role,,\n", "roles" },
		{ "ex.example.org,exact,cdn,,No role,,\n", "roles" },
		{ "ex.example.org,prefix,cdn,script,No such match,,\n", "match" },
		{ "ex.example.org,exact,cdn,script,,,\n", "name" },
		{ "ex.example.org,exact,cdn,script,X,/gh/:two,\n", "user_content" },
		{ "ex.example.org,exact,cdn,script,X,/gh/:17,\n", "user_content" },
		{ "ex.example.org,exact,cdn,script,X,,maps\n", "path" },
		{ "ex.example.org,exact,cdn,script,X,,,extra\n", "more fields" },
		{ "ex.example.org,exact,cdn,script\n", "fewer fields" },
		{ "ok.example.org,exact,cdn,script,X,,\nok.example.org,exact,cdn,img,Y,,\n",
		  "second row" },
		{ "ok.example.org,exact,cdn,script,X,,\nok.example.org,suffix,cdn,img,Y,,/p\n",
		  "match" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[512];
		snprintf(text, sizeof(text), HEADER "good.example.org,exact,cdn,script,Good,,\n%s",
			 bad[i].row);
		assert_int_equal(use(text, &err), -1);
		if (!strstr(err.msg, bad[i].says) || !strstr(err.msg, "test.csv:"))
			fprintf(stderr, "row %zu: %s\n", i, err.msg);
		assert_int_equal(err.kind, PERR_INVALID);
		assert_non_null(strstr(err.msg, bad[i].says));
		/* the list in use is unchanged */
		assert_int_equal(watch_service_count(), before);
	}
	/* the line is named, comments counted */
	assert_int_equal(use("# c\n" HEADER "# c\nbad,exact,cdn,script,X,,\n", &err), -1);
	assert_non_null(strstr(err.msg, "test.csv:4:"));
	/* a header naming an unknown column, or without a required one */
	assert_int_equal(use("host,match,category,roles,name,colour\n", &err), -1);
	assert_int_equal(use("host,match,category,roles\n", &err), -1);
	/* no rows at all */
	assert_int_equal(use(HEADER, &err), -1);
	assert_int_equal(use("", &err), -1);
	/* bounded: a field over its length, more rows than the list holds, a
	** file over 256 KiB */
	char name[300];
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	char text[600];
	snprintf(text, sizeof(text), HEADER "ex.example.org,exact,cdn,script,%s,,\n", name);
	assert_int_equal(use(text, &err), -1);
	struct pbuf b;
	pbuf_init(&b, 1 << 20);
	pbuf_adds(&b, HEADER);
	for (int i = 0; i < WATCH_SERVICES_MAX + 5; i++)
		pbuf_addf(&b, "h%d.example.org,exact,cdn,script,X,,\n", i);
	assert_int_equal(watch_services_use(pbuf_cstr(&b), b.len, "many.csv", &err), -1);
	assert_non_null(strstr(err.msg, "(5 bad row(s))"));
	pbuf_reset(&b);
	while (b.len <= (256u << 10))
		pbuf_adds(&b, "# padding padding padding padding padding padding padding\n");
	assert_int_equal(watch_services_use(pbuf_cstr(&b), b.len, "big.csv", &err), -1);
	assert_int_equal(err.kind, PERR_LIMIT);
	pbuf_free(&b);
	assert_int_equal(watch_service_count(), before);
	assert_string_equal(watch_services_origin(), "built-in");
}

static void a_good_replacement_is_used(void **state)
{
	(void)state;
	struct perr err;
	/* columns in another order; quoted names; path and user_content
	** optional */
	const char *text = "# our own list\n"
			   "name,host,match,roles,category\n"
			   "\"Video, national\",video.example.org,suffix,iframe|script,video\n"
			   "Stats,stats.example.org,exact,script|img,analytics\n";
	assert_int_equal(use(text, &err), 0);
	assert_int_equal(watch_service_count(), 2);
	assert_string_equal(watch_services_origin(), "test.csv");
	assert_int_equal(watch_services_bad(NULL, NULL), 0);
	const struct watch_service *s = watch_service_find("cdn.video.example.org");
	assert_non_null(s);
	assert_string_equal(s->name, "Video, national");
	assert_string_equal(s->path, "");
	assert_string_equal(s->user_prefix, "");
	assert_null(watch_service_find("www.youtube-nocookie.com"));
	/* a host that another listed host begins with, whichever comes
	** first in the file (the binary search's order; found by fuzzing) */
	assert_int_equal(use(HEADER "a.example.org.uk,exact,cdn,script,Longer,,\n"
				    "a.example.org,exact,cdn,script,Shorter,,\n"
				    "a.example.org-x.net,exact,cdn,script,Dash,,\n"
				    "a.example.or,exact,cdn,script,Prefix,,\n", &err), 0);
	static const char *const hosts[] = { "a.example.org.uk", "a.example.org",
					     "a.example.org-x.net", "a.example.or" };
	static const char *const names[] = { "Longer", "Shorter", "Dash", "Prefix" };
	for (size_t i = 0; i < 4; i++) {
		s = watch_service_find(hosts[i]);
		assert_non_null(s);
		assert_string_equal(s->name, names[i]);
	}
	/* replaced again */
	assert_int_equal(use(HEADER "www.youtube-nocookie.com,exact,video,iframe,YouTube,,\n", &err), 0);
	assert_int_equal(watch_service_count(), 1);
	assert_null(watch_service_find("cdn.video.example.org"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_file_has_no_bad_rows),
		cmocka_unit_test(every_category_is_listed),
		cmocka_unit_test(exact_then_longest_suffix),
		cmocka_unit_test(one_host_two_services_by_path),
		cmocka_unit_test(user_content_names_its_publication),
		cmocka_unit_test(bad_rows_refuse_a_replacement),
		cmocka_unit_test(a_good_replacement_is_used),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
