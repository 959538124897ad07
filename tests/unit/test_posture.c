/*
** test_posture.c — the security-posture grade as an analyst reads it: a
** well-run government site gets A+, each missing protection costs what the
** rules table in posture.c says, the caps (old TLS, bad certificates, no
** redirect) hold whatever the score, expiring certificates and version
** banners are named, security.txt files (valid, expired, without Contact,
** signed, HTML error pages) are judged as RFC 9116 asks, malformed HSTS and
** CSP headers are read as browsers read them, and an organisation's grade
** follows its worst site. Also hostile bytes in every header and file: no
** crash, and the JSON stays valid.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "posture/posture.h"

#define DAY (86400000LL)

static int64_t NOW; /* 2026-03-01T12:00:00Z, set in main() */

static const char good_stxt[] =
	"# Ministry of Roads - security contact (RFC 9116)\n"
	"Contact: mailto:security@roads.gov.example\n"
	"Contact: https://roads.gov.example/report\n"
	"Expires: 2026-12-31T23:59:59Z\n"
	"Encryption: https://roads.gov.example/pgp-key.asc\n"
	"Preferred-Languages: fa, en\n"
	"Canonical: https://roads.gov.example/.well-known/security.txt\n"
	"Policy: https://roads.gov.example/disclosure-policy\n";

/* A site the CERT would hold up as an example. */
static struct posture_input good(void)
{
	struct posture_input in = {
		.tls_versions = POSTURE_TLS12 | POSTURE_TLS13,
		.cert_not_after_ms = NOW + 60 * DAY,
		.cert_not_before_ms = NOW - 30 * DAY,
		.cert_chain_valid = true,
		.cert_hostname_ok = true,
		.http = POSTURE_HTTP_REDIRECTS,
		.hsts = "max-age=63072000; includeSubDomains; preload",
		.csp = "default-src 'self'; script-src 'self' 'nonce-r4nd0mN0nce'; "
		       "object-src 'none'; frame-ancestors 'none'; base-uri 'self'",
		.xfo = "DENY",
		.xcto = "nosniff",
		.server = "nginx",
		.securitytxt = good_stxt,
		.securitytxt_len = sizeof(good_stxt) - 1,
		.securitytxt_type = "text/plain; charset=utf-8",
		.now_ms = NOW,
	};
	return in;
}

static void judge(const struct posture_input *in, struct posture_result *r)
{
	struct perr e;
	perr_clear(&e);
	if (posture_judge(in, r, &e) != 0)
		fail_msg("posture_judge: %s", e.msg);
	/* invariants every result keeps */
	int sum = 0;
	for (size_t i = 0; i < r->nfindings; i++)
		sum += r->findings[i].penalty;
	assert_int_equal(r->score, sum >= 100 ? 0 : 100 - sum);
	if (r->grade == POSTURE_A_PLUS)
		assert_int_equal(r->nfindings, 0);
}

static bool has(const struct posture_result *r, const char *id)
{
	return posture_find(r, id) != NULL;
}

static void ids_are(const struct posture_result *r, const char *const *want, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!has(r, want[i]))
			fail_msg("missing finding %s", want[i]);
	if (r->nfindings != n) {
		for (size_t i = 0; i < r->nfindings; i++)
			print_message("  got %s: %s\n", r->findings[i].id, r->findings[i].text);
		fail_msg("expected %zu findings, got %zu", n, r->nfindings);
	}
}

static void stxt(const char *body, struct posture_stxt *s)
{
	posture_stxt_parse(body, strlen(body), NOW, s);
}

static void hsts(const char *v, struct posture_hsts *h)
{
	posture_hsts_parse(v, strlen(v), h);
}

static void csp(const char *v, struct posture_csp *c)
{
	posture_csp_parse(v, strlen(v), c);
}

/* ------------------------------------------------------------- grading */

static void well_configured_site_is_a_plus(void **state)
{
	(void)state;
	struct posture_input in = good();
	struct posture_result r;
	judge(&in, &r);
	assert_int_equal(r.nfindings, 0);
	assert_int_equal(r.score, 100);
	assert_int_equal(r.grade, POSTURE_A_PLUS);
	assert_null(r.capped_by);
	assert_true(r.frame_protected);
	assert_true(r.hsts.valid && r.hsts.include_subdomains && r.hsts.preload);
	assert_int_equal(r.stxt.ncontacts, 2);

	/* An informational finding costs nothing but keeps the site from A+. */
	in.tls_versions = POSTURE_TLS12;
	judge(&in, &r);
	assert_int_equal(r.score, 100);
	assert_int_equal(r.grade, POSTURE_A);
	const struct posture_finding *f = posture_find(&r, "tls.no_tls13");
	assert_non_null(f);
	assert_int_equal(f->severity, POSTURE_INFO);
	assert_int_equal(f->penalty, 0);

	in = good();
	in.hsts = "max-age=31536000";
	judge(&in, &r);
	assert_int_equal(r.grade, POSTURE_A);
	assert_true(has(&r, "hsts.no_subdomains"));

	/* A plain "Server: nginx" is not a version banner; neither is port 80
	** closed a missing redirect. */
	in = good();
	in.http = POSTURE_HTTP_CLOSED;
	judge(&in, &r);
	assert_int_equal(r.grade, POSTURE_A_PLUS);
}

static void missing_hsts_and_csp_lower_the_grade(void **state)
{
	(void)state;
	struct posture_input in = good();
	struct posture_result r;

	in.hsts = NULL;
	judge(&in, &r);
	const char *want1[] = { "hsts.missing" };
	ids_are(&r, want1, 1);
	assert_int_equal(r.score, 80);
	assert_int_equal(r.grade, POSTURE_B);
	assert_int_equal(posture_find(&r, "hsts.missing")->severity, POSTURE_HIGH);

	in = good();
	in.csp = NULL; /* X-Frame-Options: DENY still protects against framing */
	judge(&in, &r);
	const char *want2[] = { "csp.missing" };
	ids_are(&r, want2, 1);
	assert_int_equal(r.score, 85);
	assert_int_equal(r.grade, POSTURE_B);

	in.hsts = NULL;
	judge(&in, &r);
	assert_int_equal(r.score, 65);
	assert_int_equal(r.grade, POSTURE_C);

	/* The usual neglected site: sound HTTPS, no header, no security.txt. */
	in = good();
	in.hsts = in.csp = in.xfo = in.xcto = NULL;
	in.server = "Apache/2.4.41 (Ubuntu)";
	in.securitytxt = NULL;
	in.securitytxt_len = 0;
	judge(&in, &r);
	const char *want3[] = { "hsts.missing", "csp.missing", "frame.missing", "xcto.missing",
				"banner.version", "securitytxt.missing" };
	ids_are(&r, want3, 6);
	assert_int_equal(r.score, 40);
	assert_int_equal(r.grade, POSTURE_D);
	/* ... and without the redirect to HTTPS it fails. */
	in.http = POSTURE_HTTP_PLAIN;
	judge(&in, &r);
	assert_int_equal(r.grade, POSTURE_F);
	assert_true(has(&r, "https.no_redirect"));
}

static void old_tls_caps_at_b_and_no_modern_tls_at_c(void **state)
{
	(void)state;
	struct posture_input in = good();
	struct posture_result r;

	in.tls_versions = POSTURE_TLS10 | POSTURE_TLS11 | POSTURE_TLS12 | POSTURE_TLS13;
	judge(&in, &r);
	assert_int_equal(r.score, 90); /* the score alone would be A */
	assert_int_equal(r.grade, POSTURE_B);
	assert_string_equal(r.capped_by, "tls.old_versions");
	assert_string_equal(r.findings[0].id, "tls.old_versions");
	assert_int_equal(r.findings[0].cap, POSTURE_B);
	assert_non_null(strstr(r.findings[0].text, "TLS 1.0 and 1.1"));

	in.tls_versions = POSTURE_TLS11 | POSTURE_TLS12;
	judge(&in, &r);
	assert_int_equal(r.grade, POSTURE_B);
	assert_non_null(strstr(posture_find(&r, "tls.old_versions")->text, "TLS 1.1"));

	in.tls_versions = POSTURE_TLS10;
	judge(&in, &r);
	assert_int_equal(r.score, 70); /* C by the score already: no cap needed */
	assert_int_equal(r.grade, POSTURE_C);
	assert_null(r.capped_by);
	assert_int_equal(posture_find(&r, "tls.no_tls12")->cap, POSTURE_C);
	assert_true(has(&r, "tls.old_versions"));
	assert_false(has(&r, "tls.no_tls13"));

	/* Not measured: no TLS finding at all. */
	in.tls_versions = 0;
	judge(&in, &r);
	assert_int_equal(r.grade, POSTURE_A_PLUS);

	/* A missing redirect caps at B too (its 20 points alone make a B). */
	in = good();
	in.http = POSTURE_HTTP_PLAIN;
	judge(&in, &r);
	assert_int_equal(r.grade, POSTURE_B);
	assert_int_equal(posture_find(&r, "https.no_redirect")->cap, POSTURE_B);
}

static void expired_or_untrusted_certificate_is_f(void **state)
{
	(void)state;
	struct posture_input in = good();
	struct posture_result r;

	in.cert_not_after_ms = NOW - 3 * DAY;
	in.cert_chain_valid = false; /* the verifier fails it for the expiry */
	in.cert_chain_error = "certificate has expired";
	judge(&in, &r);
	assert_int_equal(r.grade, POSTURE_F);
	assert_string_equal(r.capped_by, "cert.expired");
	assert_non_null(strstr(posture_find(&r, "cert.expired")->text, "3 days ago"));
	assert_false(has(&r, "cert.invalid_chain")); /* said once, not twice */
	assert_int_equal(r.score, 40);

	/* Expired and self-signed: both are said. */
	in.cert_chain_error = "self-signed certificate";
	judge(&in, &r);
	assert_true(has(&r, "cert.expired") && has(&r, "cert.invalid_chain"));

	in = good();
	in.cert_chain_valid = false;
	in.cert_chain_error = "unable to get local issuer certificate\r\n\x1b[31m";
	judge(&in, &r);
	assert_int_equal(r.grade, POSTURE_F);
	const struct posture_finding *f = posture_find(&r, "cert.invalid_chain");
	assert_non_null(f);
	assert_non_null(strstr(f->text, "unable to get local issuer certificate"));
	assert_null(strchr(f->text, '\x1b')); /* outside bytes are shown safely */

	in = good();
	in.cert_hostname_ok = false;
	judge(&in, &r);
	assert_int_equal(r.grade, POSTURE_F);
	assert_string_equal(r.capped_by, "cert.hostname_mismatch");

	/* No HTTPS at all: F, and no TLS, certificate or HSTS findings that mean
	** nothing without it; the headers are still judged. */
	in = good();
	in.https_missing = true;
	in.tls_versions = POSTURE_TLS10;
	in.cert_chain_valid = false;
	in.hsts = NULL;
	in.xcto = NULL;
	judge(&in, &r);
	const char *want[] = { "https.missing", "xcto.missing" };
	ids_are(&r, want, 2);
	assert_int_equal(r.grade, POSTURE_F);
	assert_false(r.https);
}

static void certificate_expiring_soon_is_named(void **state)
{
	(void)state;
	struct posture_input in = good();
	struct posture_result r;

	in.cert_not_after_ms = NOW + 10 * DAY + 3600000;
	in.cert_not_before_ms = NOW - 80 * DAY; /* a 90-day certificate not renewed */
	judge(&in, &r);
	const struct posture_finding *f = posture_find(&r, "cert.expires_soon");
	assert_non_null(f);
	assert_int_equal(f->severity, POSTURE_MEDIUM);
	assert_int_equal(f->penalty, 5);
	assert_non_null(strstr(f->text, "in 10 day(s)"));
	assert_int_equal(r.grade, POSTURE_A);

	in.cert_not_after_ms = NOW + 2 * DAY;
	judge(&in, &r);
	f = posture_find(&r, "cert.expires_soon");
	assert_non_null(f);
	assert_int_equal(f->severity, POSTURE_HIGH);
	assert_int_equal(r.grade, POSTURE_B);

	in.cert_not_after_ms = NOW + 20 * DAY;
	judge(&in, &r);
	assert_false(has(&r, "cert.expires_soon"));

	/* A 6-day certificate with 3 days left is healthy: the thresholds
	** follow its lifetime. Without notBefore it would be named. */
	in.cert_not_before_ms = NOW - 3 * DAY;
	in.cert_not_after_ms = NOW + 3 * DAY;
	judge(&in, &r);
	assert_false(has(&r, "cert.expires_soon"));
	in.cert_not_before_ms = 0;
	judge(&in, &r);
	assert_true(has(&r, "cert.expires_soon"));
}

static void version_banners_are_named(void **state)
{
	(void)state;
	static const struct {
		const char *server, *powered, *token;
	} cases[] = {
		{ "nginx/1.18.0", NULL, "nginx/1.18.0" },
		{ "Apache/2.4.41 (Ubuntu)", NULL, "Apache/2.4.41" },
		{ "Microsoft-IIS/8.5", "ASP.NET", "Microsoft-IIS/8.5" },
		{ NULL, "PHP/7.4.3", "PHP/7.4.3" },
		{ "openresty", "PHP/8.1.2-1ubuntu2.14", "PHP/8.1.2-1ubuntu2.14" },
		{ "Jetty(9.4.z-SNAPSHOT)", NULL, "Jetty(9.4.z-SNAPSHOT)" },
		{ "MyServer v2.3", NULL, "v2.3" },
	};
	static const struct {
		const char *server, *powered;
	} quiet[] = {
		{ "nginx", "ASP.NET" }, { "cloudflare", "Express" }, { "Apache", NULL },
		{ "ECS (dcb/7F84)", NULL }, { "Apache-Coyote/1.1", NULL },
		{ "Microsoft-HTTPAPI/2.0", NULL }, { "AmazonS3", "Next.js" },
	};
	struct posture_result r;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct posture_input in = good();
		in.server = cases[i].server;
		in.powered_by = cases[i].powered;
		judge(&in, &r);
		const struct posture_finding *f = posture_find(&r, "banner.version");
		if (!f)
			fail_msg("%s / %s: no banner.version", cases[i].server, cases[i].powered);
		if (!strstr(f->text, cases[i].token))
			fail_msg("%s: token %s not in \"%s\"", cases[i].server, cases[i].token, f->text);
		assert_int_equal(f->severity, POSTURE_LOW);
		assert_int_equal(r.score, 95);
	}
	for (size_t i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++) {
		struct posture_input in = good();
		in.server = quiet[i].server;
		in.powered_by = quiet[i].powered;
		judge(&in, &r);
		if (has(&r, "banner.version"))
			fail_msg("%s / %s: unexpected banner.version", quiet[i].server,
				 quiet[i].powered);
	}
	/* Both headers: one finding naming both. */
	struct posture_input in = good();
	in.server = "nginx/1.18.0";
	in.powered_by = "PHP/7.4.3";
	judge(&in, &r);
	const struct posture_finding *f = posture_find(&r, "banner.version");
	assert_non_null(strstr(f->text, "Server: nginx/1.18.0, X-Powered-By: PHP/7.4.3"));
	assert_int_equal(r.score, 95);
}

/* ---------------------------------------------------------- security.txt */

static void securitytxt_valid_file_is_read(void **state)
{
	(void)state;
	struct posture_stxt s;
	stxt(good_stxt, &s);
	assert_true(s.present);
	assert_false(s.signed_msg);
	assert_int_equal(s.errors, 0);
	assert_int_equal(s.ncontacts, 2);
	assert_string_equal(s.contacts[0], "mailto:security@roads.gov.example");
	assert_string_equal(s.contacts[1], "https://roads.gov.example/report");
	int64_t want;
	assert_int_equal(core_parse_iso8601("2026-12-31T23:59:59Z", &want), 0);
	assert_true(s.has_expires);
	assert_true(s.expires_ms == want);
	assert_string_equal(s.encryption, "https://roads.gov.example/pgp-key.asc");
	assert_string_equal(s.languages, "fa, en");
	assert_string_equal(s.policy, "https://roads.gov.example/disclosure-policy");

	/* CRLF, a BOM, lower-case names and 't'/'z', an offset, unknown fields
	** ignored (CSAF is not in RFC 9116). */
	stxt("\xEF\xBB\xBF" "contact: tel:+98-21-5555-0100\r\n"
	     "EXPIRES: 2026-06-30t20:30:00+03:30\r\n"
	     "CSAF: https://gov.example/.well-known/csaf/provider-metadata.json\r\n", &s);
	assert_int_equal(s.errors, 0);
	assert_int_equal(s.ncontacts, 1);
	assert_int_equal(s.nunknown, 1);
	assert_int_equal(core_parse_iso8601("2026-06-30T17:00:00Z", &want), 0);
	assert_true(s.expires_ms == want);

	/* As the grade sees it: served with the right type, nothing to say. */
	struct posture_input in = good();
	struct posture_result r;
	in.securitytxt_type = "text/plain";
	judge(&in, &r);
	const char *w[] = { "securitytxt.bad_type" };
	ids_are(&r, w, 1);
	assert_int_equal(r.grade, POSTURE_A);
}

static void securitytxt_expired_or_without_contact(void **state)
{
	(void)state;
	struct posture_stxt s;
	stxt("Contact: mailto:cert@agency.gov.example\nExpires: 2025-01-31T00:00:00Z\n", &s);
	assert_int_equal(s.errors, POSTURE_STXT_E_EXPIRED);

	stxt("# only a comment\nExpires: 2026-12-31T23:59:59Z\nPolicy: https://x.example/p\n",
	     &s);
	assert_int_equal(s.errors, POSTURE_STXT_E_NO_CONTACT);
	assert_int_equal(s.ncontacts, 0);

	/* Expires problems: absent, a bare date (RFC 3339 needs a time), too far
	** ahead, twice. */
	stxt("Contact: mailto:a@b.example\n", &s);
	assert_int_equal(s.errors, POSTURE_STXT_E_NO_EXPIRES);
	stxt("Contact: mailto:a@b.example\nExpires: 2026-12-31\n", &s);
	assert_int_equal(s.errors, POSTURE_STXT_E_BAD_EXPIRES);
	assert_false(s.has_expires);
	stxt("Contact: mailto:a@b.example\nExpires: 2029-01-01T00:00:00Z\n", &s);
	assert_int_equal(s.errors, POSTURE_STXT_E_EXPIRES_FAR);
	stxt("Contact: mailto:a@b.example\nExpires: 2026-12-31T00:00:00Z\n"
	     "Expires: 2027-12-31T00:00:00Z\n", &s);
	assert_int_equal(s.errors, POSTURE_STXT_E_REPEATED);

	/* A bare address and an http:// form are common mistakes: kept, flagged. */
	stxt("Contact: security@agency.gov.example\nContact: http://agency.gov.example/r\n"
	     "Expires: 2026-12-31T23:59:59Z\n", &s);
	assert_int_equal(s.errors, POSTURE_STXT_E_BAD_CONTACT);
	assert_int_equal(s.ncontacts, 2);

	/* The grade: an expired file without Contact costs what a missing file
	** does (the group is capped at 5), and both are said. */
	static const char bad[] = "Expires: 2025-01-31T00:00:00Z\nHiring: https://x.example/jobs\n";
	struct posture_input in = good();
	struct posture_result r;
	in.securitytxt = bad;
	in.securitytxt_len = sizeof(bad) - 1;
	judge(&in, &r);
	const char *w[] = { "securitytxt.expired", "securitytxt.no_contact" };
	ids_are(&r, w, 2);
	assert_int_equal(r.score, 95);
	assert_int_equal(posture_find(&r, "securitytxt.expired")->penalty, 5);
	assert_int_equal(posture_find(&r, "securitytxt.no_contact")->penalty, 0);
	assert_non_null(strstr(posture_find(&r, "securitytxt.expired")->text, "2025-01-31"));
}

static void securitytxt_signed_file_is_read_through_its_framing(void **state)
{
	(void)state;
	static const char signed_txt[] =
		"-----BEGIN PGP SIGNED MESSAGE-----\n"
		"Hash: SHA512\n"
		"\n"
		"- # dash-escaped comment\n"
		"Contact: mailto:csirt@cert.gov.example\n"
		"Expires: 2026-12-31T23:59:59Z\n"
		"Encryption: openpgp4fpr:5f2de18d3afe0fd7a1f2f5a2a4ef1d6ee4c3a3b1\n"
		"-----BEGIN PGP SIGNATURE-----\n"
		"\n"
		"iQIzBAEBCgAdFiEEXy3hjTr+D9eh8vWipO8dbuTDo7EFAmWbQ2UACgkQpO8dbuTD\n"
		"o7F1xw/+Lp0Hh8v=\n"
		"=abcd\n"
		"-----END PGP SIGNATURE-----\n";
	struct posture_stxt s;
	stxt(signed_txt, &s);
	assert_true(s.signed_msg);
	assert_int_equal(s.errors, 0);
	assert_int_equal(s.ncontacts, 1);
	assert_string_equal(s.contacts[0], "mailto:csirt@cert.gov.example");
	assert_int_equal(s.nunknown, 0); /* "Hash:" is armor, not a field */
	assert_true(s.has_expires);

	/* Cut before its signature, or with unsigned text after it: flagged. */
	stxt("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"
	     "Contact: mailto:a@b.example\nExpires: 2026-12-31T23:59:59Z\n", &s);
	assert_int_equal(s.errors, POSTURE_STXT_E_SIGNATURE);
	assert_int_equal(s.ncontacts, 1);
	/* Without the Hash header and blank line the fields are still read. */
	stxt("-----BEGIN PGP SIGNED MESSAGE-----\nContact: mailto:a@b.example\n"
	     "Expires: 2026-12-31T23:59:59Z\n-----BEGIN PGP SIGNATURE-----\nx\n"
	     "-----END PGP SIGNATURE-----\n", &s);
	assert_int_equal(s.errors, POSTURE_STXT_E_SIGNATURE);
	assert_int_equal(s.ncontacts, 1);
	assert_true(s.has_expires);
	char tail[sizeof(signed_txt) + 64];
	snprintf(tail, sizeof(tail), "%sContact: mailto:evil@attacker.example\n", signed_txt);
	stxt(tail, &s);
	assert_int_equal(s.errors, POSTURE_STXT_E_SIGNATURE);
	assert_int_equal(s.ncontacts, 1); /* the unsigned contact is not taken */

	/* As the grade sees it: a signed, valid file raises nothing. */
	struct posture_input in = good();
	struct posture_result r;
	in.securitytxt = signed_txt;
	in.securitytxt_len = sizeof(signed_txt) - 1;
	judge(&in, &r);
	assert_int_equal(r.grade, POSTURE_A_PLUS);
	assert_true(r.stxt.signed_msg);
}

static void securitytxt_error_pages_count_as_missing(void **state)
{
	(void)state;
	static const char html[] = "<!DOCTYPE html><html><head><title>Not found</title></head>"
				   "<body>Page not found</body></html>";
	struct posture_input in = good();
	struct posture_result r;
	in.securitytxt = html;
	in.securitytxt_len = sizeof(html) - 1;
	in.securitytxt_type = "text/html; charset=utf-8";
	judge(&in, &r);
	const char *w[] = { "securitytxt.missing" };
	ids_are(&r, w, 1);
	assert_non_null(strstr(r.findings[0].text, "text/html"));
	assert_false(r.stxt.present);

	/* A soft 404 labelled text/plain, or with no type at all. */
	in.securitytxt_type = "TEXT/PLAIN; charset=\"UTF-8\"";
	judge(&in, &r);
	ids_are(&r, w, 1);
	in.securitytxt_type = NULL;
	judge(&in, &r);
	ids_are(&r, w, 1);

	/* A plain 404. */
	in.securitytxt = NULL;
	in.securitytxt_len = 0;
	judge(&in, &r);
	ids_are(&r, w, 1);
	assert_int_equal(r.score, 95);
}

/* ----------------------------------------------------------------- HSTS */

static void hsts_is_read_as_browsers_read_it(void **state)
{
	(void)state;
	struct posture_hsts h;
	hsts("max-age=31536000; includeSubDomains; preload", &h);
	assert_true(h.valid && h.include_subdomains && h.preload);
	assert_true(h.max_age == 31536000);
	hsts("  MAX-AGE=\"15768000\" ;includesubdomains;;", &h);
	assert_true(h.valid && h.include_subdomains && !h.preload);
	assert_true(h.max_age == 15768000);
	hsts("max-age=63072000; report-uri=\"https://x.example/r\"; future-thing", &h);
	assert_true(h.valid); /* unknown directives are ignored */
	hsts("max-age=99999999999999999999999", &h);
	assert_true(h.valid && h.max_age == 1000000000000LL);

	static const char *const bad[] = {
		"", "includeSubDomains", "max-age", "max-age=", "max-age=abc", "max-age=-1",
		"max-age=1e6", "max-age=31536000 includeSubDomains",
		"max-age=31536000; max-age=31536000",
		"max-age=31536000, max-age=31536000", "max-age=31536000; includeSubDomains=yes",
		"max-age=\"3153600", "max-age=31536000; includeSubDomains; includeSubDomains",
		"=31536000", "max-age=31536000;\x01", "max-age=\"31536000\\",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hsts(bad[i], &h);
		if (h.valid || !h.error || h.max_age != -1)
			fail_msg("\"%s\" should be malformed", bad[i]);
	}
	hsts("max-age=31536000, max-age=31536000", &h);
	assert_non_null(strstr(h.error, "more than once"));
	posture_hsts_parse(NULL, 0, &h);
	assert_false(h.valid);

	/* The grade: max-age=0 withdraws HSTS, garbage is ignored by browsers,
	** a short max-age is named with its length. */
	struct posture_input in = good();
	struct posture_result r;
	in.hsts = "max-age=0";
	judge(&in, &r);
	const char *w0[] = { "hsts.disabled" };
	ids_are(&r, w0, 1);
	assert_int_equal(r.grade, POSTURE_B);

	in.hsts = "max-age=1 year; includeSubDomains";
	judge(&in, &r);
	const char *w1[] = { "hsts.malformed" };
	ids_are(&r, w1, 1);
	assert_non_null(strstr(r.findings[0].text, "max-age=1 year"));
	assert_int_equal(r.score, 80);

	in.hsts = "max-age=86400; includeSubDomains";
	judge(&in, &r);
	const char *w2[] = { "hsts.short_max_age" };
	ids_are(&r, w2, 1);
	assert_non_null(strstr(r.findings[0].text, "(1 days)"));
	assert_int_equal(r.score, 90);
}

/* ------------------------------------------------------------------ CSP */

static void csp_is_read_as_browsers_read_it(void **state)
{
	(void)state;
	struct posture_csp c;

	csp("default-src 'self'; frame-ancestors 'none'", &c);
	assert_true(c.present && c.default_src && c.script_restricted && c.frame_protected);
	assert_false(c.unsafe_inline || c.unsafe_eval || c.script_any_host);

	/* 'unsafe-inline' is ignored next to a nonce, a hash or 'strict-dynamic'. */
	csp("script-src 'self' 'unsafe-inline'", &c);
	assert_true(c.unsafe_inline);
	csp("script-src 'self' 'unsafe-inline' 'nonce-abc123'", &c);
	assert_false(c.unsafe_inline);
	csp("script-src 'UNSAFE-INLINE' 'sha256-B2yPHKaXnvFWtRChIbabYmUBFZdVfKKXHbWtWidDVF8='",
	    &c);
	assert_false(c.unsafe_inline);
	csp("script-src 'unsafe-inline' 'strict-dynamic' https:", &c);
	assert_false(c.unsafe_inline || c.script_any_host);
	/* ... but not for event handlers with their own directive */
	csp("script-src 'nonce-abc123'; script-src-attr 'unsafe-inline'", &c);
	assert_true(c.unsafe_inline);

	/* script-src falls back to default-src; the first of a repeated
	** directive wins. */
	csp("default-src * 'unsafe-inline' 'unsafe-eval'", &c);
	assert_true(c.script_restricted && c.unsafe_inline && c.unsafe_eval && c.script_any_host);
	csp("default-src * 'unsafe-inline'; script-src 'self'", &c);
	assert_false(c.unsafe_inline || c.script_any_host);
	csp("script-src 'self'; script-src 'unsafe-inline'", &c);
	assert_false(c.unsafe_inline);

	/* Several policies: a script runs only when all allow it. */
	csp("script-src 'unsafe-inline' https:, script-src 'self'", &c);
	assert_int_equal(c.npolicies, 2);
	assert_false(c.unsafe_inline || c.script_any_host);

	/* Only frame-ancestors, or only upgrade-insecure-requests. */
	csp("frame-ancestors 'self'", &c);
	assert_true(c.present && c.frame_protected && !c.script_restricted);
	csp("frame-ancestors *", &c);
	assert_true(c.frame_ancestors && !c.frame_protected);
	csp(" ; , ;", &c);
	assert_false(c.present);

	/* The grade: CSP problems never cost more than no CSP. */
	struct posture_input in = good();
	struct posture_result r;
	in.csp = "default-src * data: 'unsafe-inline' 'unsafe-eval'";
	judge(&in, &r);
	const char *w[] = { "csp.unsafe_inline", "csp.script_wildcard", "csp.unsafe_eval" };
	ids_are(&r, w, 3);
	assert_int_equal(r.score, 85);
	in.csp = "upgrade-insecure-requests";
	judge(&in, &r);
	const char *w2[] = { "csp.no_script_restriction" };
	ids_are(&r, w2, 1);
	assert_true(r.frame_protected); /* by X-Frame-Options: DENY */
}

static void framing_and_nosniff(void **state)
{
	(void)state;
	struct posture_input in = good();
	struct posture_result r;
	in.csp = "default-src 'self'"; /* no frame-ancestors: XFO decides */

	static const char *const protects[] = { "DENY", "sameorigin", " SameOrigin ",
						"DENY, SAMEORIGIN", "deny,deny" };
	for (size_t i = 0; i < sizeof(protects) / sizeof(protects[0]); i++) {
		in.xfo = protects[i];
		judge(&in, &r);
		if (has(&r, "frame.missing"))
			fail_msg("X-Frame-Options \"%s\" should protect", protects[i]);
	}
	static const char *const open[] = { "ALLOW-FROM https://portal.gov.example", "allowall",
					    "", "DENYY" };
	for (size_t i = 0; i < sizeof(open) / sizeof(open[0]); i++) {
		in.xfo = open[i];
		judge(&in, &r);
		if (!has(&r, "frame.missing"))
			fail_msg("X-Frame-Options \"%s\" should not protect", open[i]);
	}
	in.xfo = NULL;
	judge(&in, &r);
	assert_true(has(&r, "frame.missing"));
	assert_int_equal(r.score, 90);

	/* frame-ancestors overrides X-Frame-Options, both ways. */
	in.csp = "default-src 'self'; frame-ancestors 'self' https://portal.gov.example";
	judge(&in, &r);
	assert_false(has(&r, "frame.missing"));
	in.csp = "default-src 'self'; frame-ancestors *";
	in.xfo = "DENY";
	judge(&in, &r);
	assert_true(has(&r, "frame.missing"));

	/* X-Content-Type-Options: the first value must be nosniff. */
	in = good();
	in.xcto = "NoSniff";
	judge(&in, &r);
	assert_false(has(&r, "xcto.missing"));
	in.xcto = "nosniff, nosniff";
	judge(&in, &r);
	assert_false(has(&r, "xcto.missing"));
	in.xcto = "no-sniff";
	judge(&in, &r);
	assert_true(has(&r, "xcto.missing"));
	assert_int_equal(r.score, 95);
}

/* --------------------------------------------------------- organisation */

static void organisation_grade_follows_its_worst_site(void **state)
{
	(void)state;
	struct posture_org o;
	struct perr e;

	struct posture_site_grade all_top[] = { { 100, POSTURE_A_PLUS }, { 100, POSTURE_A_PLUS } };
	assert_int_equal(posture_org_grade(all_top, 2, &o, &e), 0);
	assert_int_equal(o.grade, POSTURE_A_PLUS);

	struct posture_site_grade mixed[] = { { 100, POSTURE_A_PLUS }, { 100, POSTURE_A },
					       { 80, POSTURE_B } };
	assert_int_equal(posture_org_grade(mixed, 3, &o, &e), 0);
	assert_int_equal(o.mean_score, 93);
	assert_int_equal(o.grade, POSTURE_A);
	assert_false(o.capped);

	/* Nine sound sites and one with an expired certificate: the mean is an
	** A, but the organisation is held at D until the F site is fixed. */
	struct posture_site_grade one_f[10];
	for (int i = 0; i < 9; i++)
		one_f[i] = (struct posture_site_grade){ 100, POSTURE_A_PLUS };
	one_f[9] = (struct posture_site_grade){ 85, POSTURE_F };
	assert_int_equal(posture_org_grade(one_f, 10, &o, &e), 0);
	assert_int_equal(o.mean_score, 99);
	assert_int_equal(o.worst, POSTURE_F);
	assert_int_equal(o.grade, POSTURE_D);
	assert_true(o.capped);
	assert_int_equal(o.count[POSTURE_A_PLUS], 9);
	assert_int_equal(o.count[POSTURE_F], 1);

	/* Poor on average: the mean decides. */
	struct posture_site_grade poor[] = { { 45, POSTURE_D }, { 35, POSTURE_F }, { 60, POSTURE_C } };
	assert_int_equal(posture_org_grade(poor, 3, &o, &e), 0);
	assert_int_equal(o.mean_score, 47);
	assert_int_equal(o.grade, POSTURE_D);
	assert_false(o.capped);

	/* From real results. */
	struct posture_input in = good();
	struct posture_result r1, r2;
	judge(&in, &r1);
	in.tls_versions |= POSTURE_TLS10;
	judge(&in, &r2);
	struct posture_site_grade from[] = { { r1.score, r1.grade }, { r2.score, r2.grade } };
	assert_int_equal(posture_org_grade(from, 2, &o, &e), 0);
	assert_int_equal(o.grade, POSTURE_A); /* mean 95, one letter above B */

	json_t *j = posture_org_json(&o);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "grade")), "A");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "count"), "B")), 1);
	json_decref(j);

	assert_int_equal(posture_org_grade(from, 0, &o, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	struct posture_site_grade bad[] = { { 101, POSTURE_A } };
	assert_int_equal(posture_org_grade(bad, 1, &o, &e), -1);
	assert_string_equal(e.field, "score");
	bad[0] = (struct posture_site_grade){ 50, (enum posture_grade)9 };
	assert_int_equal(posture_org_grade(bad, 1, &o, &e), -1);
}

/* ------------------------------------------------------------ JSON, input */

static void result_json_is_what_the_api_serves(void **state)
{
	(void)state;
	struct posture_input in = good();
	struct posture_result r;
	in.tls_versions |= POSTURE_TLS11;
	in.server = "nginx/1.18.0 \xff\xfe\x01";
	judge(&in, &r);
	json_t *j = posture_result_json(&r);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "score")), 85);
	assert_string_equal(json_string_value(json_object_get(j, "grade")), "B");
	/* 85 is a B by the score: capped_by names a cap only when it bit */
	assert_true(json_is_null(json_object_get(j, "capped_by")));
	json_t *f = json_array_get(json_object_get(j, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(f, "id")), "tls.old_versions");
	assert_string_equal(json_string_value(json_object_get(f, "severity")), "medium");
	assert_string_equal(json_string_value(json_object_get(f, "caps_grade")), "B");
	assert_non_null(json_string_value(json_object_get(f, "remediation")));
	assert_int_equal(json_array_size(json_object_get(j, "tls_versions")), 3);
	json_t *s = json_object_get(j, "securitytxt");
	assert_int_equal(json_array_size(json_object_get(s, "contacts")), 2);
	assert_string_equal(json_string_value(json_object_get(s, "expires")),
			    "2026-12-31T23:59:59.000Z");
	assert_true(json_is_true(json_object_get(json_object_get(j, "hsts"), "preload")));
	char *txt = json_dumps(j, JSON_COMPACT);
	assert_non_null(txt);
	free(txt);
	json_decref(j);

	/* Unusable input is refused with the field named. */
	struct perr e;
	in = good();
	in.now_ms = 0;
	assert_int_equal(posture_judge(&in, &r, &e), -1);
	assert_string_equal(e.field, "now_ms");
	assert_int_equal(r.grade, POSTURE_F);
	in = good();
	in.tls_versions = 0x10;
	assert_int_equal(posture_judge(&in, &r, &e), -1);
	assert_string_equal(e.field, "tls_versions");
	in = good();
	in.securitytxt = NULL;
	assert_int_equal(posture_judge(&in, &r, &e), -1);
	assert_int_equal(posture_judge(NULL, &r, &e), -1);
}

/* jansson allocations that fail after a budget, to walk every error path
** of the renderers (ASan reports a leak or double free on the way). */
static long alloc_budget = -1;

static void *budget_malloc(size_t n)
{
	if (alloc_budget == 0)
		return NULL;
	if (alloc_budget > 0)
		alloc_budget--;
	return malloc(n);
}

static void json_survives_out_of_memory(void **state)
{
	(void)state;
	struct posture_input in = good();
	struct posture_result r;
	in.tls_versions |= POSTURE_TLS10;
	in.server = "nginx/1.18.0";
	judge(&in, &r);
	struct posture_site_grade sites[] = { { r.score, r.grade }, { 100, POSTURE_A_PLUS } };
	struct posture_org o;
	struct perr e;
	assert_int_equal(posture_org_grade(sites, 2, &o, &e), 0);

	json_set_alloc_funcs(budget_malloc, free);
	bool done_r = false, done_o = false;
	for (long budget = 0; budget < 100000 && !(done_r && done_o); budget++) {
		alloc_budget = budget;
		json_t *j = posture_result_json(&r);
		done_r = done_r || j != NULL;
		json_decref(j);
		alloc_budget = budget;
		j = posture_org_json(&o);
		done_o = done_o || j != NULL;
		json_decref(j);
	}
	alloc_budget = -1;
	json_set_alloc_funcs(malloc, free);
	assert_true(done_r && done_o);
}

static void hostile_bytes_never_break_it(void **state)
{
	(void)state;
	/* security.txt: NUL bytes, invalid UTF-8, an endless line, a million
	** lines, values too long to keep. */
	size_t n = 3u << 20;
	char *big = malloc(n);
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = i % 7 == 6 ? '\n' : "Cx:\0\xff"[i % 5];
	struct posture_stxt s;
	posture_stxt_parse(big, n, NOW, &s);
	assert_true(s.errors & POSTURE_STXT_E_TOO_BIG);
	assert_true(s.errors & POSTURE_STXT_E_NOT_UTF8);
	assert_true(s.nlines <= POSTURE_STXT_LINES_MAX);

	memset(big, 'a', n);
	posture_stxt_parse(big, 10000, NOW, &s);
	assert_int_equal(s.errors & POSTURE_STXT_E_LONG_LINE, POSTURE_STXT_E_LONG_LINE);

	char line[1200];
	memcpy(line, "Contact: https://", 17);
	memset(line + 17, 'x', 700);
	memcpy(line + 717, "\nExpires: 2026-12-31T23:59:59Z\n", 32);
	stxt(line, &s);
	assert_int_equal(s.errors, POSTURE_STXT_E_LONG_VALUE);
	assert_int_equal(s.contact_fields, 1);
	assert_int_equal(s.ncontacts, 0);

	/* Headers: huge, binary, only separators. */
	memset(big, ';', POSTURE_HEADER_MAX + 10);
	big[POSTURE_HEADER_MAX + 10] = '\0';
	struct posture_csp c;
	posture_csp_parse(big, POSTURE_HEADER_MAX + 10, &c);
	assert_true(c.cut);
	struct posture_hsts h;
	posture_hsts_parse(big, POSTURE_HEADER_MAX + 10, &h);
	assert_false(h.valid);

	struct posture_input in = good();
	struct posture_result r;
	in.csp = big;
	in.hsts = big;
	in.xfo = "\xc3\x28";
	in.powered_by = "\xe2\x82\x28 PHP/5.6.40";
	static const char weird[] = "Contact: mailto:\xc3\xa9t\xc3\xa9@gov.example\nExpires: x\n\0\0";
	in.securitytxt = weird;
	in.securitytxt_len = sizeof(weird) - 1;
	judge(&in, &r);
	assert_true(has(&r, "hsts.malformed") && has(&r, "csp.missing") &&
		    has(&r, "banner.version") && has(&r, "securitytxt.no_expires"));
	assert_string_equal(r.stxt.contacts[0], "mailto:\xc3\xa9t\xc3\xa9@gov.example");
	for (size_t i = 0; i < r.nfindings; i++)
		for (const char *p = r.findings[i].text; *p; p++)
			assert_true(*p >= 0x20 && *p < 0x7f);
	json_t *j = posture_result_json(&r);
	assert_non_null(j);
	json_decref(j);
	free(big);
}

int main(void)
{
	if (core_parse_iso8601("2026-03-01T12:00:00Z", &NOW) != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(well_configured_site_is_a_plus),
		cmocka_unit_test(missing_hsts_and_csp_lower_the_grade),
		cmocka_unit_test(old_tls_caps_at_b_and_no_modern_tls_at_c),
		cmocka_unit_test(expired_or_untrusted_certificate_is_f),
		cmocka_unit_test(certificate_expiring_soon_is_named),
		cmocka_unit_test(version_banners_are_named),
		cmocka_unit_test(securitytxt_valid_file_is_read),
		cmocka_unit_test(securitytxt_expired_or_without_contact),
		cmocka_unit_test(securitytxt_signed_file_is_read_through_its_framing),
		cmocka_unit_test(securitytxt_error_pages_count_as_missing),
		cmocka_unit_test(hsts_is_read_as_browsers_read_it),
		cmocka_unit_test(csp_is_read_as_browsers_read_it),
		cmocka_unit_test(framing_and_nosniff),
		cmocka_unit_test(organisation_grade_follows_its_worst_site),
		cmocka_unit_test(result_json_is_what_the_api_serves),
		cmocka_unit_test(json_survives_out_of_memory),
		cmocka_unit_test(hostile_bytes_never_break_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
