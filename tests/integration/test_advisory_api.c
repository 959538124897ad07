/*
** test_advisory_api.c — the advisory routes through the real server (issue
** 14): what the HTTP layer itself decides, and a round trip through every
** route as the web UI and a script use them.
**
** Decoding is the handlers' own job and holds whatever the domain does: a
** body that is not a JSON object, a field of the wrong type, an unknown
** field, a missing reason, a malformed cursor or version are refused with
** 400 naming the field, before any domain function runs, and the audit log
** does not move. The round trip (create, read, a new version with its
** "changes", the draft preview with the computed CVSS score, a target
** removed and put back, publish, the tracking view, the constituent's
** acknowledgement, the CSAF export) needs the advisory domain built.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define PW "advisory-password-1"

static char *dir;
static struct h_server srv;
static char *tok, *ctok, *atok; /* analyst, constituent of Org A, admin (the audit log) */
static int64_t org_a, org_b;

static int setup(void **state)
{
	(void)state;
	dir = h_tmpdir("advisory-api");
	h_migrate(dir);
	org_a = h_org_add(dir, "Org A", "Tehran");
	org_b = h_org_add(dir, "Org B", "Fars");
	h_user_add(dir, "analyst", "analyst", 0, NULL, PW);
	h_user_add(dir, "cons", "constituent", org_a, NULL, PW);
	h_user_add(dir, "admin", "admin", 0, NULL, PW);
	atok = h_token_add(dir, "admin", "--name", "t", NULL);
	tok = h_token_add(dir, "analyst", "--name", "t", NULL);
	ctok = h_token_add(dir, "cons", "--name", "t", NULL);
	h_server_start(&srv, dir, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	int rc = h_server_stop(&srv);
	free(tok);
	free(ctok);
	free(atok);
	h_rmdir(dir);
	return rc == 0 ? 0 : -1;
}

/* One refused request: status and field as given, the audit log unchanged. */
static void refused(const char *method, const char *path, const char *body, long status,
		    const char *field)
{
	struct h_cred an = { .token = tok }, ad = { .token = atok };
	int64_t audit = h_audit_count(&srv, &ad);
	struct h_resp r;
	h_http(&srv, &r, method, path, &an, body);
	if (r.status != status)
		fail_msg("%s %s %s: HTTP %ld, expected %ld: %s", method, path, body ? body : "",
			 r.status, status, r.body ? r.body : "");
	H_PROBLEM(&r, status, field);
	h_resp_free(&r);
	assert_int_equal(h_audit_count(&srv, &ad), audit);
}

static void requests_are_decoded_strictly(void **state)
{
	(void)state;
	/* the document must be a JSON object */
	refused("POST", "/api/v1/advisories", "[1]", 400, NULL);
	refused("POST", "/api/v1/advisories", "{\"title\":", 400, NULL);
	refused("POST", "/api/v1/advisories", "{\"a\":1,\"a\":2}", 400, NULL);
	refused("POST", "/api/v1/advisories/preview", "\"draft\"", 400, NULL);
	refused("POST", "/api/v1/advisories/import", "", 400, NULL);
	refused("PUT", "/api/v1/advisories/1", "{\"title\":{\"en\":\"x\"},\"changes\":5}", 400,
		"changes");
	/* a reason to remove a target, and nothing else */
	char *p = h_fmt("/api/v1/advisories/1/exclusions/%lld", (long long)org_b);
	refused("POST", p, "{}", 400, "reason");
	refused("POST", p, "{\"reason\":\"\"}", 400, "reason");
	refused("POST", p, "{\"reason\":\"not theirs\",\"force\":true}", 400, "force");
	refused("POST", p, "{\"reason\":7}", 400, "reason");
	free(p);
	refused("POST", "/api/v1/advisories/1/exclusions/abc", "{\"reason\":\"x\"}", 400, "org");
	/* a target's state: a state, an optional reason */
	p = h_fmt("/api/v1/advisories/1/targets/%lld", (long long)org_a);
	refused("POST", p, "{\"reason\":\"x\"}", 400, "state");
	refused("POST", p, "{\"state\":\"acknowledged\",\"by\":\"me\"}", 400, "by");
	free(p);
	/* list and read parameters */
	refused("GET", "/api/v1/advisories?limit=0", NULL, 400, "limit");
	refused("GET", "/api/v1/advisories?limit=1001", NULL, 400, "limit");
	refused("GET", "/api/v1/advisories?cursor=abc", NULL, 400, "cursor");
	refused("GET", "/api/v1/advisories/1?version=first", NULL, 400, "version");
	/* the body is JSON (the server's own rule) */
	struct h_cred an = { .token = tok };
	struct h_resp r;
	h_http_ex(&srv, &r, "POST", "/api/v1/advisories", &an, "text/plain", "{}", 2, false, NULL);
	H_PROBLEM(&r, 415, NULL);
	h_resp_free(&r);
}

static int64_t target_count(json_t *preview, bool excluded)
{
	int64_t n = 0;
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(preview, "targets"), i, t)
		n += (json_object_get(t, "excluded") != NULL) == excluded;
	return n;
}

static void round_trip(void **state)
{
	(void)state;
	struct h_cred an = { .token = tok }, co = { .token = ctok };
	struct h_resp r;
	char *doc = h_fmt("{\"title\":{\"en\":\"Smart Install\",\"fa\":\"\\u0646\\u0635\\u0628\"},"
			  "\"cves\":[\"CVE-2018-0171\"],"
			  "\"cvss\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\","
			  "\"tlp\":\"AMBER\",\"deadline\":\"2031-01-01T00:00:00Z\","
			  "\"audience\":{\"orgs\":[%lld,%lld]}}",
			  (long long)org_a, (long long)org_b);

	/* the editor's live preview: nothing stored, the score computed */
	h_http(&srv, &r, "POST", "/api/v1/advisories/preview", &an, doc);
	H_STATUS(&r, 200);
	json_t *d = json_object_get(r.json, "document");
	assert_true(json_real_value(json_object_get(d, "cvss_score")) > 9.7);
	assert_string_equal(h_jstr(d, "severity"), "critical");
	assert_int_equal(target_count(r.json, false), 2);
	h_resp_free(&r);
	h_http(&srv, &r, "GET", "/api/v1/advisories", &an, NULL);
	H_STATUS(&r, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	h_resp_free(&r);

	/* created, then a new version with what changed */
	h_http(&srv, &r, "POST", "/api/v1/advisories", &an, doc);
	H_STATUS(&r, 201);
	int64_t id = h_jint(r.json, "id");
	assert_string_equal(h_jstr(r.json, "status"), "draft");
	assert_true(strncmp(h_jstr(r.json, "ref"), "PARAPET-", 8) == 0);
	/* what GET returned, edited and sent back */
	json_t *back = json_deep_copy(r.json);
	h_resp_free(&r);
	json_object_set_new(json_object_get(back, "title"), "en", json_string("Smart Install, again"));
	json_object_set_new(back, "changes", json_string("a clearer title"));
	char *bb = json_dumps(back, JSON_COMPACT);
	json_decref(back);
	char *path = h_fmt("/api/v1/advisories/%lld", (long long)id);
	h_http(&srv, &r, "PUT", path, &an, bb);
	free(bb);
	H_STATUS(&r, 200);
	assert_int_equal(h_jint(r.json, "version"), 2);
	h_resp_free(&r);
	h_httpf(&srv, &r, "GET", &an, NULL, "%s/history", path);
	H_STATUS(&r, 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_string_equal(h_jstr(json_array_get(items, 0), "changes"), "a clearer title");
	h_resp_free(&r);

	/* a target removed with its reason, and put back */
	char *ex = h_fmt("%s/exclusions/%lld", path, (long long)org_b);
	h_http(&srv, &r, "POST", ex, &an, "{\"reason\":\"their own CERT handles it\"}");
	H_STATUS(&r, 200);
	assert_int_equal(target_count(r.json, true), 1);
	h_resp_free(&r);
	h_http(&srv, &r, "DELETE", ex, &an, NULL);
	H_STATUS(&r, 200);
	assert_int_equal(target_count(r.json, true), 0);
	h_resp_free(&r);
	free(ex);

	/* the constituent sees nothing before it is published */
	h_http(&srv, &r, "GET", path, &co, NULL);
	H_PROBLEM(&r, 404, NULL);
	h_resp_free(&r);
	h_httpf(&srv, &r, "POST", &an, NULL, "%s/publish", path);
	H_STATUS(&r, 200);
	assert_int_equal(h_jint(r.json, "targets"), 2);
	assert_true(h_jint(r.json, "mails") >= 0);
	h_resp_free(&r);

	/* the constituent acknowledges its own target, not another's */
	h_httpf(&srv, &r, "POST", &co, "{\"state\":\"acknowledged\"}", "%s/targets/%lld", path,
		(long long)org_a);
	H_STATUS(&r, 200);
	h_resp_free(&r);
	h_httpf(&srv, &r, "POST", &co, "{\"state\":\"acknowledged\"}", "%s/targets/%lld", path,
		(long long)org_b);
	H_PROBLEM(&r, 404, NULL);
	h_resp_free(&r);
	h_httpf(&srv, &r, "GET", &an, NULL, "%s/targets", path);
	H_STATUS(&r, 200);
	assert_int_equal(h_jint(json_object_get(r.json, "totals"), "acknowledged"), 1);
	assert_int_equal(h_jint(json_object_get(r.json, "summary"), "warned"), 2);
	h_resp_free(&r);

	/* CSAF 2.0 out, as a download */
	h_httpf(&srv, &r, "GET", &co, NULL, "%s/csaf", path);
	H_STATUS(&r, 200);
	assert_string_equal(h_jstr(json_object_get(r.json, "document"), "csaf_version"), "2.0");
	char *cd = h_header(&r, "Content-Disposition");
	assert_non_null(cd);
	assert_non_null(strstr(cd, "attachment; filename=\"PARAPET-"));
	free(cd);
	h_resp_free(&r);
	free(path);
	free(doc);
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(requests_are_decoded_strictly),
		cmocka_unit_test(round_trip),
	};
	return cmocka_run_group_tests_name("advisory_api", tests, setup, teardown);
}
