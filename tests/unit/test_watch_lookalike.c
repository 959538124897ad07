/*
** test_watch_lookalike.c — hosts that imitate a well-known service or the
** site's own domain (src/watch/lookalike.c), each class with the kinds of
** names public reporting on Magecart skimmers and malvertising loaders
** describes (typosquats and compounds of google-analytics, googletagmanager,
** jquery, jsdelivr, cloudflare, bootstrapcdn; the genuine name as a
** subdomain of the attacker's; digits, Cyrillic letters and punycode), and
** the names that must stay quiet: the genuine hosts and their subdomains,
** unrelated real names near a brand (go.dev, query.com, video.ir), other
** state bodies one letter away (mcud.gov.ir, isna.ir), Persian IDN names.
**
** The brands are passed as the well-known hosts (watch_lookalike_known), so
** the tests do not depend on the contents of data/watch/services.csv; one
** test checks a real service entry through watch_lookalike() and skips
** while the list lacks it. Tests whose answer needs the Public
** Suffix List (a host with a subdomain part) skip when watch_registrable
** does not give PSL answers.
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

/* Brands of the libraries and tags skimmers imitate most (their genuine
** registrable domains). */
static const char *const brands[] = {
	"google-analytics.com", "googletagmanager.com", "jquery.com",   "jsdelivr.net",
	"cloudflare.com",       "bootstrapcdn.com",     "google.com",   "apple.com",
	"aparat.com",           "vimeo.com",            "splus.ir",
};
#define NBRANDS (sizeof(brands) / sizeof(brands[0]))

static bool psl; /* watch_registrable answers by the Public Suffix List */

/* watch_lookalike_known() with the brands as the well-known hosts when
** known, else with none; checks what every answer must satisfy. */
static enum watch_lookalike la_k(const char *host, const char *const *own, size_t nown,
				 bool known, char out[WATCH_HOST_MAX])
{
	memset(out, 'X', WATCH_HOST_MAX);
	enum watch_lookalike c = watch_lookalike_known(host, own, nown, known ? brands : NULL,
						       known ? NBRANDS : 0, out);
	/* imitates names the imitated exactly when there is a finding */
	assert_true(memchr(out, '\0', WATCH_HOST_MAX) != NULL);
	assert_int_equal(c == WATCH_LA_NONE, out[0] == '\0');
	return c;
}

static enum watch_lookalike la(const char *host, const char *const *own, size_t nown,
			       char out[WATCH_HOST_MAX])
{
	return la_k(host, own, nown, false, out);
}

static void expect(const char *host, enum watch_lookalike want, const char *imitated)
{
	char out[WATCH_HOST_MAX];
	enum watch_lookalike got = la_k(host, NULL, 0, true, out);
	if (got != want)
		fail_msg("%s: class %d, want %d (imitates \"%s\")", host, got, want, out);
	if (imitated)
		assert_string_equal(out, imitated);
}

static void expect_own(const char *host, const char *own, enum watch_lookalike want)
{
	char out[WATCH_HOST_MAX];
	const char *list[] = { own };
	enum watch_lookalike got = la(host, list, 1, out);
	if (got != want)
		fail_msg("%s (own %s): class %d, want %d", host, own, got, want);
	if (want != WATCH_LA_NONE)
		assert_string_equal(out, own);
}

/* ------------------------------------------------------------ embedded */

/* The genuine name as a subdomain of the attacker's domain. */
static void embedded_whole_name(void **state)
{
	(void)state;
	expect("cdn.jsdelivr.net.x.top", WATCH_LA_EMBEDDED, "jsdelivr.net");
	expect("www.google-analytics.com.evil.io", WATCH_LA_EMBEDDED, "google-analytics.com");
	expect("code.jquery.com.static-files.ru", WATCH_LA_EMBEDDED, "jquery.com");
	/* dots turned into hyphens: the own name of a ministry */
	expect_own("mrud-gov.ir", "mrud.gov.ir", WATCH_LA_EMBEDDED);
	expect_own("portal.mrud-gov-ir.com", "mrud.gov.ir", WATCH_LA_EMBEDDED);
}

/* Needs the PSL: the host's registrable label differs from the brand's
** only once the registrable domain is known. */
static void embedded_whole_name_psl(void **state)
{
	(void)state;
	if (!psl)
		skip();
	expect("jquery.com-cdn.info", WATCH_LA_EMBEDDED, "jquery.com");
	expect_own("mrud.gov.ir.example.com", "mrud.gov.ir", WATCH_LA_EMBEDDED);
	/* a service's label as a subdomain label of another domain */
	expect("google-analytics.stat-counter.top", WATCH_LA_EMBEDDED, "google-analytics.com");
	expect("jquery.cdn-host.net", WATCH_LA_EMBEDDED, "jquery.com");
}

/* The brand's label glued to a word in another registrable domain. */
static void embedded_label(void **state)
{
	(void)state;
	expect("code-jquery.cc", WATCH_LA_EMBEDDED, "jquery.com");
	expect("jquery-cdn.com", WATCH_LA_EMBEDDED, "jquery.com");
	expect("jquery-min.su", WATCH_LA_EMBEDDED, "jquery.com");
	expect("googletagmanager-cdn.net", WATCH_LA_EMBEDDED, "googletagmanager.com");
	expect("js-cloudflare.com", WATCH_LA_EMBEDDED, "cloudflare.com");
	expect("bootstrapcdn-js.top", WATCH_LA_EMBEDDED, "bootstrapcdn.com");
	expect("jsdelivr-statics.xyz", WATCH_LA_EMBEDDED, "jsdelivr.net");
	/* glued, with a short or generic rest */
	expect("jquerycdn.su", WATCH_LA_EMBEDDED, "jquery.com");
	expect("cdnjquery.com", WATCH_LA_EMBEDDED, "jquery.com");
	expect("googleanalytics.top", WATCH_LA_EMBEDDED, "google.com");
	/* own acronyms of 4 letters, as a hyphen-separated part */
	expect_own("e-mrud.com", "mrud.gov.ir", WATCH_LA_EMBEDDED);
	expect_own("mrud-portal.ir", "mrud.gov.ir", WATCH_LA_EMBEDDED);
	/* beside the words phishing names use */
	expect_own("secure-tax-golestan.com", "tax-golestan.ir", WATCH_LA_EMBEDDED);
	expect_own("irna-news.ir", "irna.ir", WATCH_LA_EMBEDDED);
	expect_own("tehran-login.com", "tehran.ir", WATCH_LA_EMBEDDED);
	expect_own("tehranlogin.com", "tehran.ir", WATCH_LA_EMBEDDED);
}

/* ---------------------------------------------------------------- edit */

static void edit_distance(void **state)
{
	(void)state;
	expect("googletagmanger.com", WATCH_LA_EDIT, "googletagmanager.com");
	expect("googel-analytics.com", WATCH_LA_EDIT, "google-analytics.com");
	expect("gooogle-analytics.com", WATCH_LA_EDIT, "google-analytics.com");
	expect("jqeury.com", WATCH_LA_EDIT, "jquery.com");
	expect("jsdeliver.net", WATCH_LA_EDIT, "jsdelivr.net");
	expect("spluss.ir", WATCH_LA_EDIT, "splus.ir");
	expect("cloudfare.com", WATCH_LA_EDIT, "cloudflare.com");
	expect("bootstrapcnd.com", WATCH_LA_EDIT, "bootstrapcdn.com");
	/* distance 2 for names of 10 or more */
	expect("clodflaire.com", WATCH_LA_EDIT, "cloudflare.com");
	/* the same label under another public suffix */
	expect("jsdelivr.top", WATCH_LA_EDIT, "jsdelivr.net");
	expect("google-analytics.cm", WATCH_LA_EDIT, "google-analytics.com");
	expect_own("tavanir.ir", "tavanir.org.ir", WATCH_LA_EDIT);
	expect_own("mrud.ir", "mrud.gov.ir", WATCH_LA_EDIT);
	/* own names of 6 letters or more, any suffix */
	expect_own("tavaniir.com", "tavanir.org.ir", WATCH_LA_EDIT);
	expect_own("tavnir.org.ir", "tavanir.org.ir", WATCH_LA_EDIT);
}

/* Within the distance but too far for a short name: distance 2 on a name
** under 10 letters, 3 on a longer one. */
static void edit_distance_bounds(void **state)
{
	(void)state;
	expect("jqeuyr.com", WATCH_LA_NONE, NULL);
	expect("clodflaireq.com", WATCH_LA_NONE, NULL);
	expect("vimeo-video.tv", WATCH_LA_EMBEDDED, "vimeo.com");
}

/* ----------------------------------------------------------- homoglyphs */

static void homoglyph(void **state)
{
	(void)state;
	expect("g00gle-analytics.com", WATCH_LA_HOMOGLYPH, "google-analytics.com");
	/* an upper-case I, lower-cased by every browser */
	expect("googIe-analytics.com", WATCH_LA_HOMOGLYPH, "google-analytics.com");
	expect("google-anaiytics.com", WATCH_LA_HOMOGLYPH, "google-analytics.com");
	expect("jsdellvr.net", WATCH_LA_HOMOGLYPH, "jsdelivr.net");
	expect("c1oudflare.com", WATCH_LA_HOMOGLYPH, "cloudflare.com");
	expect("googletagrnanager.com", WATCH_LA_HOMOGLYPH, "googletagmanager.com");
	expect("vvimeo.com", WATCH_LA_EDIT, "vimeo.com"); /* vv -> w: not vimeo's skeleton */
	expect("arparat.com", WATCH_LA_EDIT, "aparat.com");
	expect_own("rnrud.ir", "mrud.gov.ir", WATCH_LA_HOMOGLYPH);
	/* the whole name as a subdomain, in look-alike characters */
	expect("www.g00gle-analytics.com.x.top", WATCH_LA_HOMOGLYPH, "google-analytics.com");
	expect("cdn.jsdeIivr.net.cdn-x.top", WATCH_LA_HOMOGLYPH, "jsdelivr.net");
	expect("xn--ggle-55da.com.x.top", WATCH_LA_PUNYCODE, "google.com");
	expect_own("rnrud.gov.ir.ws", "mrud.gov.ir", WATCH_LA_HOMOGLYPH);
	/* UTF-8 hosts: Cyrillic о (U+043E) and ј (U+0458) */
	expect("g\xd0\xbe\xd0\xbegle.com", WATCH_LA_HOMOGLYPH, "google.com");
	expect("\xd1\x98query.com", WATCH_LA_HOMOGLYPH, "jquery.com");
	/* Greek ο (U+03BF) and a fullwidth l (U+FF4C) */
	expect("cl\xce\xbfudf\xef\xbd\x8c" "are.com", WATCH_LA_HOMOGLYPH, "cloudflare.com");
	/* Persian: Arabic yeh (U+064A) for the Persian one (U+06CC) in
	** وزارت-نیرو.ایران */
	expect_own("\xd9\x88\xd8\xb2\xd8\xa7\xd8\xb1\xd8\xaa-\xd9\x86\xd9\x8a\xd8\xb1\xd9\x88"
		   ".\xd8\xa7\xdb\x8c\xd8\xb1\xd8\xa7\xd9\x86",
		   "\xd9\x88\xd8\xb2\xd8\xa7\xd8\xb1\xd8\xaa-\xd9\x86\xdb\x8c\xd8\xb1\xd9\x88"
		   ".\xd8\xa7\xdb\x8c\xd8\xb1\xd8\xa7\xd9\x86",
		   WATCH_LA_HOMOGLYPH);
	/* a zero-width joiner inside the brand */
	expect("jque\xe2\x80\x8dry.com", WATCH_LA_HOMOGLYPH, "jquery.com");
}

/* ------------------------------------------------------------ punycode */

#define FA_MINISTRY "\xd9\x88\xd8\xb2\xd8\xa7\xd8\xb1\xd8\xaa-\xd9\x86\xdb\x8c\xd8\xb1\xd9\x88" \
		    ".\xd8\xa7\xdb\x8c\xd8\xb1\xd8\xa7\xd9\x86" /* وزارت-نیرو.ایران */
#define FA_MINISTRY_ACE "xn----ymcj1acb8lkh23k.xn--mgba3a4f16a"

static void punycode(void **state)
{
	(void)state;
	expect("xn--ggle-55da.com", WATCH_LA_PUNYCODE, "google.com");     /* gооgle */
	expect("xn--80ak6aa92e.com", WATCH_LA_PUNYCODE, "apple.com");     /* аррӏе */
	expect("xn--jsdlivr-9gg.net", WATCH_LA_PUNYCODE, "jsdelivr.net"); /* jsdеlivr */
	expect("XN--GGLE-55DA.COM", WATCH_LA_PUNYCODE, "google.com");
	/* the ministry's Persian name with an Arabic yeh, in ACE */
	expect_own("xn----ymcj1acb8lkhs.xn--mgba3a4f16a", FA_MINISTRY, WATCH_LA_PUNYCODE);
	/* an xn-- label that is not valid punycode is no finding by itself */
	expect("xn--zzzzzzzzzzzzzzz.com", WATCH_LA_NONE, NULL);
}

/* ------------------------------------------------------------ negatives */

/* The genuine names, their subdomains, any spelling of them. */
static void genuine_hosts(void **state)
{
	(void)state;
	for (size_t i = 0; i < NBRANDS; i++)
		expect(brands[i], WATCH_LA_NONE, NULL);
	expect("code.jquery.com", WATCH_LA_NONE, NULL);
	expect("cdn.jsdelivr.net", WATCH_LA_NONE, NULL);
	expect("fastly.jsdelivr.net", WATCH_LA_NONE, NULL);
	expect("stackpath.bootstrapcdn.com", WATCH_LA_NONE, NULL);
	expect("www.googletagmanager.com", WATCH_LA_NONE, NULL);
	expect("CODE.JQUERY.COM.", WATCH_LA_NONE, NULL);
	expect_own("www.mrud.gov.ir", "mrud.gov.ir", WATCH_LA_NONE);
	expect_own("www.mrud.gov.ir", "MRUD.GOV.IR.", WATCH_LA_NONE);
	expect_own("mrud.gov.ir", "mrud.gov.ir", WATCH_LA_NONE);
	/* the same IDN name in ACE and in UTF-8, either way round */
	expect_own(FA_MINISTRY_ACE, FA_MINISTRY, WATCH_LA_NONE);
	expect_own(FA_MINISTRY, FA_MINISTRY_ACE, WATCH_LA_NONE);
	expect_own("www." FA_MINISTRY_ACE, FA_MINISTRY, WATCH_LA_NONE);
}

/* Hosts under the same registrable domain belong to its owner. */
static void genuine_same_registrable(void **state)
{
	(void)state;
	if (!psl)
		skip();
	const char *known[] = { "www.google-analytics.com" };
	char out[WATCH_HOST_MAX];
	assert_int_equal(watch_lookalike_known("region1.google-analytics.com", NULL, 0, known, 1,
					       out),
			 WATCH_LA_NONE);
	assert_int_equal(watch_lookalike_known("google-analytics.com", NULL, 0, known, 1, out),
			 WATCH_LA_NONE);
	expect_own("stats.mrud.gov.ir", "www.mrud.gov.ir", WATCH_LA_NONE);
}

/* Real names near a brand or an own name that imitate nothing. */
static void unrelated_names(void **state)
{
	(void)state;
	expect("go.dev", WATCH_LA_NONE, NULL);
	expect("query.com", WATCH_LA_NONE, NULL);  /* a word, one letter from jquery */
	expect("video.ir", WATCH_LA_NONE, NULL);   /* a word, one letter from vimeo */
	expect("aparatchik.com", WATCH_LA_NONE, NULL); /* a brand inside a longer word */
	expect("youtube.com", WATCH_LA_NONE, NULL);
	expect("plus.ir", WATCH_LA_NONE, NULL);   /* a word, splus less one letter */
	expect("static.cdn.ir", WATCH_LA_NONE, NULL);
	expect("code.cc", WATCH_LA_NONE, NULL);
	expect("maps-api.ir", WATCH_LA_NONE, NULL);
	/* other state bodies: a name under gov.ir is another real body */
	expect_own("mcud.gov.ir", "mrud.gov.ir", WATCH_LA_NONE);
	expect_own("mrudd.gov.ir", "mrud.gov.ir", WATCH_LA_NONE);
	expect_own("tavanirr.ac.ir", "tavanir.org.ir", WATCH_LA_NONE);
	/* four Iranian news agencies one letter apart: short names take no
	** edit distance */
	expect_own("isna.ir", "irna.ir", WATCH_LA_NONE);
	expect_own("iqna.ir", "irna.ir", WATCH_LA_NONE);
	expect_own("mrad.ir", "mrud.gov.ir", WATCH_LA_NONE);
	/* an own acronym glued inside a word is that word */
	expect_own("mrudgovernance.ir", "mrud.gov.ir", WATCH_LA_NONE);
	/* own names are places and words: other real names are made of them */
	expect_own("tehran-metro.ir", "tehran.ir", WATCH_LA_NONE);
	expect_own("isfahan-tourism.ir", "isfahan.ir", WATCH_LA_NONE);
	expect_own("tehran24.ir", "tehran.ir", WATCH_LA_NONE);
	expect_own("tehrantimes.com", "tehran.ir", WATCH_LA_NONE);
	/* two different Persian IDN names: پست.ایران, the ministry */
	expect_own("xn--pgbr8t.xn--mgba3a4f16a", FA_MINISTRY, WATCH_LA_NONE);
	expect_own("xn----ymcc8iee70e1i.xn--mgba3a4f16a", FA_MINISTRY_ACE, WATCH_LA_NONE);
}

/* What is not a domain name imitates nothing. */
static void not_names(void **state)
{
	(void)state;
	char out[WATCH_HOST_MAX];
	expect("93.184.216.34", WATCH_LA_NONE, NULL);
	expect("[2001:db8::1]", WATCH_LA_NONE, NULL);
	expect("", WATCH_LA_NONE, NULL);
	expect(".", WATCH_LA_NONE, NULL);
	expect("jquery..com", WATCH_LA_NONE, NULL);
	expect("jq\xffuery.com", WATCH_LA_NONE, NULL); /* not UTF-8 */
	expect("code-jquery.cc/x", WATCH_LA_NONE, NULL); /* not a host */
	assert_int_equal(la_k(NULL, NULL, 0, true, out), WATCH_LA_NONE);
	/* no own names, a NULL list, NULL entries */
	assert_int_equal(la("mrud-gov.ir", NULL, 3, out), WATCH_LA_NONE);
	const char *holes[] = { NULL, "jquery.com", NULL };
	assert_int_equal(la("code-jquery.cc", holes, 3, out), WATCH_LA_EMBEDDED);
	assert_string_equal(out, "jquery.com");
	/* a 300-byte host is cut nowhere and judged as no name */
	char big[301];
	memset(big, 'a', 300);
	big[300] = '\0';
	assert_int_equal(la_k(big, NULL, 0, true, out), WATCH_LA_NONE);
}

/* The strongest finding wins over the order of the names. */
static void strongest_finding(void **state)
{
	(void)state;
	char out[WATCH_HOST_MAX];
	const char *known[] = { "jquery.com", "google.com" };
	/* jquery-g00gle-cdn: embeds jquery, and no skeleton of google's */
	assert_int_equal(watch_lookalike_known("jquery-g00gle-cdn.com", NULL, 0, known, 2, out),
			 WATCH_LA_EMBEDDED);
	assert_string_equal(out, "jquery.com");
	/* jquery-g00gle.com: embeds jquery, and google.com in look-alike
	** characters, the stronger */
	assert_int_equal(watch_lookalike_known("jquery-g00gle.com", NULL, 0, known, 2, out),
			 WATCH_LA_HOMOGLYPH);
	assert_string_equal(out, "google.com");
	/* of two of one strength, the longer name: google-analytics, not google */
	const char *known3[] = { "google.com", "google-analytics.com" };
	assert_int_equal(watch_lookalike_known("google-analytics-cdn.top", NULL, 0, known3, 2, out),
			 WATCH_LA_EMBEDDED);
	assert_string_equal(out, "google-analytics.com");
	/* the same label under another suffix names it better than a brand
	** embedded in it */
	assert_int_equal(watch_lookalike_known("google-analytics.cm", NULL, 0, known3, 2, out),
			 WATCH_LA_EDIT);
	assert_string_equal(out, "google-analytics.com");
	const char *own2[] = { "jquery.com", "jqueri.com" };
	/* jqueri.com is an own name: one letter from jquery.com is still edit */
	assert_int_equal(la("jquerl.com", own2, 2, out), WATCH_LA_HOMOGLYPH);
	assert_string_equal(out, "jqueri.com");
}

/* A known host whose registrable label is a generic word: the PSL makes
** ajax.googleapis.com its own registrable domain (googleapis.com is a
** private suffix), and the name imitated is googleapis. */
static void brand_in_suffix(void **state)
{
	(void)state;
	const char *known[] = { "ajax.googleapis.com", "fonts.googleapis.com" };
	char out[WATCH_HOST_MAX];
	/* the parent of a known host is its owner's */
	assert_int_equal(watch_lookalike_known("googleapis.com", NULL, 0, known, 2, out),
			 WATCH_LA_NONE);
	assert_int_equal(watch_lookalike_known("ajax-googleapis.com", NULL, 0, known, 2, out),
			 WATCH_LA_EMBEDDED);
	assert_string_equal(out, "ajax.googleapis.com");
	assert_int_equal(watch_lookalike_known("fonts.googleapis.com.cdn-x.top", NULL, 0, known, 2,
					       out),
			 WATCH_LA_EMBEDDED);
	assert_string_equal(out, "fonts.googleapis.com");
	assert_int_equal(watch_lookalike_known("googleapis-cdn.com", NULL, 0, known, 2, out),
			 WATCH_LA_EMBEDDED);
	assert_string_equal(out, "googleapis.com");
	assert_int_equal(watch_lookalike_known("googleapis.net", NULL, 0, known, 2, out),
			 WATCH_LA_EDIT);
	/* the reported name is the imitated registrable domain */
	const char *cdn[] = { "code.jquery.com" };
	assert_int_equal(watch_lookalike_known("code-jquery.cc", NULL, 0, cdn, 1, out),
			 WATCH_LA_EMBEDDED);
	assert_string_equal(out, "jquery.com");
}

/* Each xn-- label is decoded on its own: one that does not decode hides
** no other. */
static void punycode_per_label(void **state)
{
	(void)state;
	if (!psl)
		skip();
	expect("xn--zz.xn--ggle-55da.com", WATCH_LA_PUNYCODE, "google.com");
	expect_own("xn--zz." FA_MINISTRY_ACE, FA_MINISTRY, WATCH_LA_NONE);
}

/* A real entry of data/watch/services.csv, once the list has it. */
static void real_service(void **state)
{
	(void)state;
	if (!watch_service_find("code.jquery.com"))
		skip();
	char out[WATCH_HOST_MAX];
	assert_int_equal(watch_lookalike("code-jquery.cc", NULL, 0, out), WATCH_LA_EMBEDDED);
	assert_int_equal(watch_lookalike("code.jquery.com", NULL, 0, out), WATCH_LA_NONE);
	assert_int_equal(watch_lookalike("jqeury.com", NULL, 0, out), WATCH_LA_EDIT);
	assert_int_equal(watch_lookalike("cdn.jsdelivr.net.x.top", NULL, 0, out),
			 WATCH_LA_EMBEDDED);
}

/* A list replaced with watch_services_use (the watch.services key) is the
** one judged against, even after calls with the built-in one. Runs last:
** the list stays replaced. */
static void replaced_services(void **state)
{
	(void)state;
	char out[WATCH_HOST_MAX];
	struct perr err;
	watch_lookalike("code-jquery.cc", NULL, 0, out); /* the built-in list in use */
	static const char csv[] = "host,match,category,roles,name,user_content,path\n"
				  "cdn.examplebrand.com,exact,cdn,script,Example CDN,,\n";
	assert_int_equal(watch_services_use(csv, strlen(csv), "test.csv", &err), 0);
	assert_int_equal(watch_lookalike("examplebrand-cdn.com", NULL, 0, out), WATCH_LA_EMBEDDED);
	assert_string_equal(out, "examplebrand.com");
	assert_int_equal(watch_lookalike("static.examplebrand.com", NULL, 0, out), WATCH_LA_NONE);
	/* what only the old list knew imitates nothing now */
	assert_int_equal(watch_lookalike("code-jquery.cc", NULL, 0, out), WATCH_LA_NONE);
}

int main(void)
{
	char r[WATCH_HOST_MAX];
	psl = strcmp(watch_registrable("www.mrud.gov.ir", r), "mrud.gov.ir") == 0 &&
	      strcmp(watch_registrable("cdn.jsdelivr.net.x.top", r), "x.top") == 0;
	if (!psl)
		fprintf(stderr, "watch_registrable gives no PSL answers: PSL tests skipped\n");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(embedded_whole_name),
		cmocka_unit_test(embedded_whole_name_psl),
		cmocka_unit_test(embedded_label),
		cmocka_unit_test(edit_distance),
		cmocka_unit_test(edit_distance_bounds),
		cmocka_unit_test(homoglyph),
		cmocka_unit_test(punycode),
		cmocka_unit_test(genuine_hosts),
		cmocka_unit_test(genuine_same_registrable),
		cmocka_unit_test(unrelated_names),
		cmocka_unit_test(not_names),
		cmocka_unit_test(strongest_finding),
		cmocka_unit_test(brand_in_suffix),
		cmocka_unit_test(punycode_per_label),
		cmocka_unit_test(real_service),
		cmocka_unit_test(replaced_services), /* last: it replaces the list */
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
