/*
** test_advisory_csaf.c — CSAF 2.0 in and out (src/advisory/csaf.c) on the
** OASIS examples in tests/data/csaf/: Cisco's Smart Install advisory comes
** in with its CVE, score, IOS and IOS XE versions and the service exposure
** its words name; BSI's with CPE 2.2 helpers, TLP 1.0's WHITE as CLEAR and
** a vendor fix; Red Hat's without affected products; synthetic documents
** for ranges, first-fixed ends, the exposure table applied by words and
** vendor (not by file), and hostile input refused with the field named.
** Export writes what the mapping promises and survives a round trip (the
** OASIS schema itself is checked by tests/integration/test_advisory.c).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"

static char *slurp(const char *name, size_t *len)
{
	const char *dir = getenv("CSAF_DATA");
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/data/csaf", name);
	struct pbuf b;
	struct perr e;
	if (core_file_read(path, 0, &b, &e) != 0)
		fail_msg("%s: %s", path, e.msg);
	*len = b.len;
	return pbuf_take(&b);
}

static json_t *import_file(const char *name)
{
	size_t len;
	char *text = slurp(name, &len);
	json_t *out = NULL;
	struct perr e = { 0 };
	if (advisory_csaf_import(text, len, &out, &e) != 0)
		fail_msg("%s: %s: %s", name, e.field, e.msg);
	free(text);
	return out;
}

static json_t *import_text(const char *text, struct perr *e)
{
	json_t *out = NULL;
	if (advisory_csaf_import(text, strlen(text), &out, e) != 0)
		return NULL;
	return out;
}

static const char *s_of(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static json_t *product_with_version(const json_t *doc, const char *cpe, const char *version)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(doc, "products"), i, p)
		if (strcmp(s_of(p, "cpe"), cpe) == 0 && strcmp(s_of(p, "version"), version) == 0)
			return p;
	return NULL;
}

#define IOS "cpe:2.3:o:cisco:ios:*:*:*:*:*:*:*:*"
#define IOS_XE "cpe:2.3:o:cisco:ios_xe:*:*:*:*:*:*:*:*"

static void test_cisco_smart_install(void **state)
{
	(void)state;
	json_t *d = import_file("cisco-sa-20180328-smi2.json");
	assert_string_equal(s_of(d, "ref"), "cisco-sa-20180328-smi2");
	assert_non_null(strstr(s_of(json_object_get(d, "title"), "en"), "Smart Install"));
	assert_non_null(strstr(s_of(json_object_get(d, "summary"), "en"), "TCP port 4786"));
	json_t *cves = json_object_get(d, "cves");
	assert_int_equal(json_array_size(cves), 1);
	assert_string_equal(json_string_value(json_array_get(cves, 0)), "CVE-2018-0171");
	assert_string_equal(s_of(d, "cvss"), "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
	assert_true(json_number_value(json_object_get(d, "cvss_score")) > 9.79);
	assert_string_equal(s_of(d, "severity"), "critical");
	/* no distribution in the file: our conservative default */
	assert_string_equal(s_of(d, "tlp"), "AMBER");
	assert_true(json_is_false(json_object_get(d, "exploited")));
	/* every affected release, IOS and IOS XE, by exact version, each with
	** the exposure the advisory's words name */
	json_t *prods = json_object_get(d, "products");
	assert_int_equal(json_array_size(prods), 259);
	size_t i, ios = 0, xe = 0;
	json_t *p;
	json_array_foreach(prods, i, p) {
		assert_string_equal(s_of(p, "exposure"), "cisco-smart-install");
		assert_true(s_of(p, "version")[0] != '\0');
		ios += strcmp(s_of(p, "cpe"), IOS) == 0;
		xe += strcmp(s_of(p, "cpe"), IOS_XE) == 0;
	}
	assert_int_equal(ios + xe, 259);
	assert_true(ios > 100 && xe > 50);
	assert_non_null(product_with_version(d, IOS, "15.2(4)E1"));
	assert_non_null(product_with_version(d, IOS, "12.2(55)SE"));
	assert_non_null(product_with_version(d, IOS_XE, "3.6.5bE"));
	assert_non_null(product_with_version(d, IOS_XE, "16.3.1a"));
	/* the workaround, and the references once each */
	json_t *act = json_array_get(json_object_get(d, "actions"), 0);
	assert_string_equal(s_of(act, "kind"), "workaround");
	assert_non_null(strstr(s_of(json_object_get(act, "text"), "en"), "no vstack"));
	assert_int_equal(json_array_size(json_object_get(d, "references")), 3);
	json_t *src = json_object_get(d, "source");
	assert_string_equal(s_of(src, "publisher"), "Cisco PSIRT");
	assert_string_equal(s_of(src, "tracking_id"), "cisco-sa-20180328-smi2");
	assert_string_equal(s_of(src, "format"), "csaf");
	json_decref(d);
}

static void test_bsi_and_redhat(void **state)
{
	(void)state;
	json_t *d = import_file("bsi-2022-0001.json");
	/* TLP 1.0's WHITE is TLP 2.0's CLEAR */
	assert_string_equal(s_of(d, "tlp"), "CLEAR");
	assert_string_equal(s_of(d, "severity"), "medium");
	/* CPE 2.2 helpers, bound as 2.3; the five affected pre-releases, not
	** the fixed rc2 */
	const char *cpe = "cpe:2.3:a:csaf-tools:cvrf-csaf-converter:*:*:*:*:*:*:*:*";
	assert_int_equal(json_array_size(json_object_get(d, "products")), 5);
	assert_non_null(product_with_version(d, cpe, "1.0.0-alpha"));
	assert_non_null(product_with_version(d, cpe, "1.0.0-rc1"));
	assert_null(product_with_version(d, cpe, "1.0.0-rc2"));
	/* no exposure: the table's phrases are not in its words */
	assert_null(json_object_get(json_array_get(json_object_get(d, "products"), 0),
				    "exposure"));
	json_t *act = json_array_get(json_object_get(d, "actions"), 0);
	assert_string_equal(s_of(act, "kind"), "patch");
	assert_string_equal(s_of(act, "url"),
			    "https://github.com/csaf-tools/CVRF-CSAF-Converter/releases/tag/1.0.0-rc2");
	json_decref(d);

	/* Red Hat: fixed and not affected only, so nothing to target; the
	** errata are the patch, both CVEs kept */
	d = import_file("rhsa-2021_5186.json");
	assert_int_equal(json_array_size(json_object_get(d, "products")), 0);
	assert_int_equal(json_array_size(json_object_get(d, "cves")), 2);
	assert_string_equal(s_of(json_array_get(json_object_get(d, "actions"), 0), "kind"),
			    "patch");
	json_decref(d);
	/* every example imports */
	const char *more[] = { "rhsa-2019_1862.json", "rhsa-2021_5217.json",
			       "rhsa-2022_0011.json" };
	for (size_t i = 0; i < 3; i++)
		json_decref(import_file(more[i]));
}

/* A CSAF document with one vendor/product branch holding leaf (a branch
** object's inner text), the vulnerability's product_status and a title. */
static char *synth(const char *title, const char *vendor, const char *product,
		   const char *leaves, const char *status)
{
	char *s = malloc(8192);
	snprintf(s, 8192,
		 "{\"document\": {\"category\": \"csaf_security_advisory\", \"csaf_version\": "
		 "\"2.0\", \"title\": \"%s\", \"publisher\": {\"category\": \"vendor\", \"name\": "
		 "\"V\", \"namespace\": \"https://v.example\"}, \"tracking\": {\"id\": "
		 "\"V-1\", \"status\": \"final\", \"version\": \"1\"}},"
		 " \"product_tree\": {\"branches\": [{\"category\": \"vendor\", \"name\": \"%s\","
		 " \"branches\": [{\"category\": \"product_name\", \"name\": \"%s\", "
		 "\"branches\": [%s]}]}]},"
		 " \"vulnerabilities\": [{\"cve\": \"CVE-2023-21554\", \"product_status\": %s}]}",
		 title, vendor, product, leaves, status);
	return s;
}

static void test_ranges_and_fixed(void **state)
{
	(void)state;
	struct perr e = { 0 };
	char *s = synth("RouterOS flaw", "MikroTik", "RouterOS",
			"{\"category\": \"product_version_range\", \"name\": "
			"\"vers:generic/>=6.29|<6.42.1\", \"product\": {\"product_id\": \"A\", "
			"\"name\": \"RouterOS 6.29 to 6.42.1\"}},"
			"{\"category\": \"product_version_range\", \"name\": \"<= 6.48.6\", "
			"\"product\": {\"product_id\": \"B\", \"name\": \"RouterOS LTS\"}}",
			"{\"known_affected\": [\"A\", \"B\"]}");
	json_t *d = import_text(s, &e);
	free(s);
	if (!d)
		fail_msg("%s: %s", e.field, e.msg);
	json_t *a = json_array_get(json_object_get(d, "products"), 0);
	json_t *b = json_array_get(json_object_get(d, "products"), 1);
	assert_string_equal(s_of(a, "cpe"), "cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*");
	assert_string_equal(s_of(a, "start"), "6.29");
	assert_true(json_is_true(json_object_get(a, "start_incl")));
	assert_string_equal(s_of(a, "end"), "6.42.1");
	assert_true(json_is_false(json_object_get(a, "end_incl")));
	assert_null(json_object_get(b, "start"));
	assert_string_equal(s_of(b, "end"), "6.48.6");
	assert_true(json_is_true(json_object_get(b, "end_incl")));
	json_decref(d);

	/* a product named without versions, fixed in 7.1.2 and 7.2: affected
	** below the first fix */
	s = synth("Flaw", "Acme Networks", "Edge Gateway",
		  "{\"category\": \"product_version\", \"name\": \"7.2\", \"product\": "
		  "{\"product_id\": \"F2\", \"name\": \"Edge 7.2\"}},"
		  "{\"category\": \"product_version\", \"name\": \"7.1.2\", \"product\": "
		  "{\"product_id\": \"F1\", \"name\": \"Edge 7.1.2\"}},"
		  "{\"category\": \"architecture\", \"name\": \"x86_64\", \"product\": "
		  "{\"product_id\": \"ALL\", \"name\": \"Edge Gateway (x86_64)\"}}",
		  "{\"known_affected\": [\"ALL\"], \"fixed\": [\"F1\", \"F2\"]}");
	d = import_text(s, &e);
	free(s);
	if (!d)
		fail_msg("%s: %s", e.field, e.msg);
	assert_int_equal(json_array_size(json_object_get(d, "products")), 1);
	a = json_array_get(json_object_get(d, "products"), 0);
	/* an unknown vendor's product gets a CPE-style name from its words */
	assert_string_equal(s_of(a, "cpe"), "cpe:2.3:*:acme_networks:edge_gateway:*:*:*:*:*:*:*:*");
	assert_string_equal(s_of(a, "end"), "7.1.2");
	assert_true(json_is_false(json_object_get(a, "end_incl")));
	json_decref(d);
}

static void test_exposure_by_words_and_vendor(void **state)
{
	(void)state;
	struct perr e = { 0 };
	assert_true(advisory_exposure_count() >= 1);
	const char *leaf = "{\"category\": \"product_version\", \"name\": \"15.2(4)E7\", "
			   "\"product\": {\"product_id\": \"P\", \"name\": \"IOS 15.2(4)E7\"}}";
	/* Cisco IOS, a flaw elsewhere: no exposure */
	char *s = synth("Cisco IOS Software IKEv1 Denial of Service", "Cisco", "IOS", leaf,
			"{\"known_affected\": [\"P\"]}");
	json_t *d = import_text(s, &e);
	free(s);
	assert_non_null(d);
	json_t *p = json_array_get(json_object_get(d, "products"), 0);
	assert_string_equal(s_of(p, "cpe"), IOS);
	assert_null(json_object_get(p, "exposure"));
	json_decref(d);
	/* the feature named in any case, another Cisco advisory: exposure */
	s = synth("Cisco IOS smart install protocol misuse", "Cisco", "IOS", leaf,
		  "{\"known_affected\": [\"P\"]}");
	d = import_text(s, &e);
	free(s);
	assert_non_null(d);
	p = json_array_get(json_object_get(d, "products"), 0);
	assert_string_equal(s_of(p, "exposure"), "cisco-smart-install");
	json_decref(d);
	/* the words, but another vendor's product: the row is Cisco's */
	s = synth("Smart Install of Acme routers", "Acme", "Router", leaf,
		  "{\"known_affected\": [\"P\"]}");
	d = import_text(s, &e);
	free(s);
	assert_non_null(d);
	assert_null(json_object_get(json_array_get(json_object_get(d, "products"), 0),
				    "exposure"));
	json_decref(d);
	/* a part of a word is not the phrase ("Smart Installer") */
	s = synth("Cisco Smart Installer", "Cisco", "IOS", leaf, "{\"known_affected\": [\"P\"]}");
	d = import_text(s, &e);
	free(s);
	assert_null(json_object_get(json_array_get(json_object_get(d, "products"), 0),
				    "exposure"));
	json_decref(d);
}

static void refused(const char *text, enum perr_kind kind, const char *field)
{
	struct perr e = { 0 };
	json_t *d = import_text(text, &e);
	if (d)
		fail_msg("accepted: %.80s", text);
	assert_int_equal(e.kind, kind);
	if (field)
		assert_string_equal(e.field, field);
}

static void test_refused(void **state)
{
	(void)state;
	refused("{\"document\": ", PERR_INVALID, NULL);
	refused("[1, 2]", PERR_INVALID, "document");
	refused("{\"document\": {\"csaf_version\": \"1.2\", \"title\": \"x\", \"tracking\": "
		"{\"id\": \"x\"}}}",
		PERR_INVALID, "document.csaf_version");
	refused("{\"document\": {\"csaf_version\": \"2.0\", \"title\": \"x\", \"tracking\": "
		"{}}}",
		PERR_INVALID, "document.tracking.id");
	refused("{\"document\": {\"csaf_version\": \"2.0\", \"tracking\": {\"id\": \"x\"}}}",
		PERR_INVALID, "document.title");
	/* a CVE id that is not one is named in our terms */
	refused("{\"document\": {\"csaf_version\": \"2.0\", \"title\": \"x\", \"tracking\": "
		"{\"id\": \"x\"}}, \"vulnerabilities\": [{\"cve\": \"CVE-99\"}]}",
		PERR_INVALID, "cves[0]");
	/* branches nested past the bound */
	struct pbuf b;
	pbuf_init(&b, 0);
	pbuf_adds(&b, "{\"document\": {\"csaf_version\": \"2.0\", \"title\": \"x\", "
		      "\"tracking\": {\"id\": \"x\"}}, \"product_tree\": {\"branches\": ");
	for (int i = 0; i < 40; i++)
		pbuf_adds(&b, "[{\"category\": \"vendor\", \"name\": \"v\", \"branches\": ");
	pbuf_adds(&b, "[]");
	for (int i = 0; i < 40; i++)
		pbuf_adds(&b, "}]");
	pbuf_adds(&b, "}}");
	refused(pbuf_cstr(&b), PERR_LIMIT, "product_tree");
	pbuf_free(&b);
	/* more bytes than an advisory may have */
	json_t *out = NULL;
	struct perr e = { 0 };
	assert_int_equal(advisory_csaf_import("{}", ADVISORY_DOC_MAX + 1, &out, &e), -1);
	assert_int_equal(e.kind, PERR_LIMIT);
}

static json_t *as_stored(json_t *doc, const char *status)
{
	json_object_set_new(doc, "id", json_integer(3));
	json_object_set_new(doc, "version", json_integer(2));
	json_object_set_new(doc, "status", json_string(status));
	json_object_set_new(doc, "created", json_string("2026-12-01T10:00:00.000Z"));
	json_object_set_new(doc, "updated", json_string("2026-12-02T10:00:00.000Z"));
	json_object_set_new(doc, "published", json_string("2026-12-01T12:00:00.000Z"));
	return doc;
}

static void test_export(void **state)
{
	(void)state;
	struct perr e = { 0 };
	json_t *d = as_stored(import_file("cisco-sa-20180328-smi2.json"), "published");
	json_t *c = NULL;
	assert_int_equal(advisory_csaf_export(d, NULL, &c, &e), 0);
	json_t *doc = json_object_get(c, "document");
	assert_string_equal(s_of(doc, "category"), "csaf_security_advisory");
	assert_string_equal(s_of(doc, "csaf_version"), "2.0");
	json_t *tr = json_object_get(doc, "tracking");
	assert_string_equal(s_of(tr, "id"), "cisco-sa-20180328-smi2");
	assert_string_equal(s_of(tr, "status"), "final");
	assert_string_equal(s_of(tr, "version"), "2");
	assert_string_equal(s_of(tr, "initial_release_date"), "2026-12-01T12:00:00.000Z");
	assert_string_equal(s_of(json_object_get(json_object_get(doc, "distribution"), "tlp"),
				 "label"),
			    "AMBER");
	json_t *v = json_array_get(json_object_get(c, "vulnerabilities"), 0);
	assert_string_equal(s_of(v, "cve"), "CVE-2018-0171");
	json_t *ka = json_object_get(json_object_get(v, "product_status"), "known_affected");
	assert_int_equal(json_array_size(ka), 259);
	json_t *c3 = json_object_get(json_array_get(json_object_get(v, "scores"), 0), "cvss_v3");
	assert_string_equal(s_of(c3, "version"), "3.0");
	assert_string_equal(s_of(c3, "baseSeverity"), "CRITICAL");
	assert_string_equal(s_of(json_array_get(json_object_get(v, "remediations"), 0),
				 "category"),
			    "workaround");

	/* round trip: what came in comes out and back the same */
	char *text = json_dumps(c, JSON_COMPACT);
	json_t *back = NULL;
	assert_int_equal(advisory_csaf_import(text, strlen(text), &back, &e), 0);
	free(text);
	assert_int_equal(json_array_size(json_object_get(back, "products")), 259);
	assert_non_null(product_with_version(back, IOS, "15.2(4)E1"));
	assert_true(json_equal(json_object_get(back, "cves"), json_object_get(d, "cves")));
	assert_string_equal(s_of(back, "cvss"), s_of(d, "cvss"));
	json_decref(back);
	json_decref(c);
	json_decref(d);

	/* TLP 2.0 labels CSAF 2.0 cannot name, CVSS 4.0, a range, exploited */
	d = json_pack("{ss s{ss ss} ss ss sb s[{ss ss sb ss sb}] s[ss]}", "ref", "PARAPET-2026-0009",
		      "title", "en", "Strict", "fa", "\xd9\x85\xd8\xad\xd8\xb1\xd9\x85\xd8\xa7\xd9\x86\xd9\x87",
		      "tlp", "AMBER+STRICT", "cvss",
		      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
		      "exploited", 1, "products", "cpe",
		      "cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*", "start", "6.29", "start_incl",
		      1, "end", "6.42.1", "end_incl", 0, "cves", "CVE-2018-14847", "CVE-2019-3924");
	assert_int_equal(advisory_normalise(d, &e), 0);
	as_stored(d, "draft");
	assert_int_equal(advisory_csaf_export(d, NULL, &c, &e), 0);
	doc = json_object_get(c, "document");
	json_t *dist = json_object_get(doc, "distribution");
	assert_string_equal(s_of(json_object_get(dist, "tlp"), "label"), "AMBER");
	assert_non_null(strstr(s_of(dist, "text"), "AMBER+STRICT"));
	assert_string_equal(s_of(json_object_get(doc, "tracking"), "status"), "draft");
	assert_int_equal(json_array_size(json_object_get(c, "vulnerabilities")), 2);
	v = json_array_get(json_object_get(c, "vulnerabilities"), 1);
	assert_string_equal(s_of(v, "cve"), "CVE-2019-3924");
	assert_null(json_object_get(v, "scores")); /* 4.0 has no place in CSAF 2.0 ... */
	size_t i;
	json_t *n;
	bool v4 = false, fa = false;
	json_array_foreach(json_object_get(doc, "notes"), i, n) {
		v4 |= strstr(s_of(n, "text"), "CVSS:4.0/") != NULL; /* ... it is kept as a note */
		fa |= strcmp(s_of(n, "title"), "Title (Persian)") == 0;
	}
	assert_true(v4 && fa);
	assert_string_equal(s_of(json_array_get(json_object_get(v, "threats"), 0), "category"),
			    "exploit_status");
	json_t *leaf = json_array_get(
		json_object_get(json_array_get(json_object_get(json_array_get(
							   json_object_get(json_object_get(
										   c, "product_tree"),
									   "branches"),
							   0),
						   "branches"),
					   0),
				"branches"),
		0);
	assert_string_equal(s_of(leaf, "category"), "product_version_range");
	assert_string_equal(s_of(leaf, "name"), "vers:generic/>=6.29|<6.42.1");
	/* and back: the range again */
	text = json_dumps(c, JSON_COMPACT);
	assert_int_equal(advisory_csaf_import(text, strlen(text), &back, &e), 0);
	free(text);
	json_t *p = json_array_get(json_object_get(back, "products"), 0);
	assert_string_equal(s_of(p, "start"), "6.29");
	assert_string_equal(s_of(p, "end"), "6.42.1");
	assert_true(json_is_true(json_object_get(back, "exploited")));
	json_decref(back);
	json_decref(c);
	json_decref(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cisco_smart_install),
		cmocka_unit_test(test_bsi_and_redhat),
		cmocka_unit_test(test_ranges_and_fixed),
		cmocka_unit_test(test_exposure_by_words_and_vendor),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_export),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
