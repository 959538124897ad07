/*
** test_apk_api.c — triaged apps over HTTP (issue 15), on the real server:
** an analyst uploads a signed app (tests/data/apk/sample.apk, built by
** mkapks.py with aapt and apksigner), gets its verdict, sends it again and
** gets the same record; confirms it malicious choosing two candidates, and
** the registry (read straight from the database) then holds the app
** indicator "package:signer SHA-256" attributed to the author, the file's
** hash, the C2 URL active and the popular domain held by its warninglist;
** reads the takedown letter in English and Persian; compares two apps;
** marks another benign. Refusals (bytes that are no APK, an upload over
** apk.max_size, a value that is no candidate, an unknown incident, a
** letter for an app not confirmed, a constituent) change nothing.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "store/store.h"

#define PW "apk-api-password-1"

static char *dir;
static struct h_server srv;
static char *tok, *ctok, *atok; /* analyst, constituent, admin (the audit log) */
static struct pbuf sample;

static int setup(void **state)
{
	struct perr e;
	const char *path = getenv("APK_SAMPLE");
	(void)state;
	if (core_file_read(path ? path : "tests/data/apk/sample.apk", 1 << 20, &sample, &e) != 0)
		return -1;
	dir = h_tmpdir("apk-api");
	h_migrate(dir);
	int64_t org = h_org_add(dir, "Org A", "Tehran");
	h_user_add(dir, "analyst", "analyst", 0, NULL, PW);
	h_user_add(dir, "cons", "constituent", org, NULL, PW);
	h_user_add(dir, "admin", "admin", 0, NULL, PW);
	atok = h_token_add(dir, "admin", "--name", "t", NULL);
	tok = h_token_add(dir, "analyst", "--name", "t", NULL);
	ctok = h_token_add(dir, "cons", "--name", "t", NULL);
	const char *env[] = { "PARAPET_APK_MAX_SIZE=65536", NULL };
	h_server_start(&srv, dir, env);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	int rc = h_server_stop(&srv);
	free(tok);
	free(ctok);
	free(atok);
	pbuf_free(&sample);
	h_rmdir(dir);
	return rc == 0 ? 0 : -1;
}

static void upload(struct h_resp *r, const char *body, size_t len)
{
	struct h_cred an = { .token = tok };
	h_http_ex(&srv, r, "POST", "/api/v1/apps", &an, "application/vnd.android.package-archive",
		  body, len, false, NULL);
}

/* One refused request by the analyst: status and field, the audit log unchanged. */
static void refused(const char *method, const char *path, const char *body, long status,
		    const char *field)
{
	struct h_cred an = { .token = tok }, ad = { .token = atok };
	int64_t audit = h_audit_count(&srv, &ad);
	struct h_resp r;
	h_http(&srv, &r, method, path, &an, body);
	if (r.status != status)
		fail_msg("%s %s: HTTP %ld, expected %ld: %s", method, path, r.status, status,
			 r.body ? r.body : "");
	H_PROBLEM(&r, status, field);
	h_resp_free(&r);
	assert_int_equal(h_audit_count(&srv, &ad), audit);
}

static void upload_confirm_takedown(void **state)
{
	struct h_cred an = { .token = tok }, ad = { .token = atok }, co = { .token = ctok };
	struct h_resp r;
	(void)state;

	/* the upload: the record and its verdict */
	upload(&r, sample.ptr, sample.len);
	H_STATUS(&r, 201);
	int64_t id = h_jint(r.json, "id");
	json_t *v = json_object_get(r.json, "verdict");
	assert_string_equal(h_jstr(r.json, "package"), "ir.example.flashlight");
	assert_string_equal(h_jstr(v, "package"), "ir.example.flashlight");
	assert_string_equal(h_jstr(r.json, "status"), "triaged");
	assert_string_equal(h_jstr(r.json, "author"), "Alice Dev (Test Org)");
	char signer[65], sha[65];
	snprintf(signer, sizeof(signer), "%s", h_jstr(r.json, "signer_sha256"));
	snprintf(sha, sizeof(sha), "%s", h_jstr(r.json, "sha256"));
	assert_int_equal(strlen(signer), 64);
	assert_string_equal(signer,
			    h_jstr(json_array_get(json_object_get(v, "signers"), 0), "sha256"));
	assert_true(json_array_size(json_object_get(v, "candidates")) > 0);
	h_resp_free(&r);

	/* the same file again: the same record, not a second one */
	int64_t audit = h_audit_count(&srv, &ad);
	upload(&r, sample.ptr, sample.len);
	H_STATUS(&r, 200);
	assert_int_equal(h_jint(r.json, "id"), id);
	assert_true(json_is_false(json_object_get(r.json, "new")));
	h_resp_free(&r);
	assert_int_equal(h_audit_count(&srv, &ad), audit);

	/* bytes that are no APK; an upload over apk.max_size */
	upload(&r, "hello, not an app", 17);
	H_PROBLEM(&r, 400, "apk");
	h_resp_free(&r);
	char *big = calloc(1, 70000);
	memcpy(big, "PK\3\4", 4);
	upload(&r, big, 70000);
	assert_int_equal(r.status, 413);
	h_resp_free(&r);
	free(big);
	assert_int_equal(h_audit_count(&srv, &ad), audit);

	/* a constituent neither reads nor writes apps */
	h_http(&srv, &r, "GET", "/api/v1/apps", &co, NULL);
	assert_int_equal(r.status, 403);
	h_resp_free(&r);

	/* no letter before the app is confirmed */
	char *p = h_fmt("/api/v1/apps/%lld/takedown", (long long)id);
	refused("GET", p, NULL, 409, "status");
	char *cp = h_fmt("/api/v1/apps/%lld/confirm", (long long)id);
	refused("POST", cp, "{\"candidates\":[\"https://not-in-the-app.example/\"]}", 400,
		"candidates");
	refused("POST", cp, "{\"incident_id\":999999}", 400, "incident_id");
	refused("POST", cp, "{\"candidates\":\"https://evil-c2.example.ir/gate.php?id=1\"}", 400,
		"candidates");
	refused("POST", cp, "{\"surprise\":1}", 400, "surprise");

	/* confirmed: the app, its hash and the chosen candidates listed */
	h_http(&srv, &r, "POST", cp, &an,
	       "{\"candidates\":[\"https://evil-c2.example.ir/gate.php?id=1\","
	       "\"api.telegram.org\"],\"reason\":\"SMS stealer: forwards one-time passwords\"}");
	H_STATUS(&r, 200);
	assert_string_equal(h_jstr(r.json, "status"), "malicious");
	assert_int_equal(json_array_size(json_object_get(r.json, "indicators")), 4);
	h_resp_free(&r);

	struct store *st;
	struct perr e;
	char *db = h_fmt("%s/parapet.db", dir), app[200];
	assert_int_equal(store_open(db, &st, &e), 0);
	struct store_indicator ind;
	snprintf(app, sizeof(app), "ir.example.flashlight:%s", signer);
	assert_int_equal(store_indicator_find(st, "app", app, &ind, &e), 0);
	assert_string_equal(ind.status, "active");
	assert_string_equal(ind.source, "apk");
	assert_string_equal(ind.attribution, "Alice Dev (Test Org)");
	assert_non_null(strstr(ind.reason, "SMS stealer"));
	assert_int_equal(store_indicator_find(st, "url", "https://evil-c2.example.ir/gate.php?id=1",
					      &ind, &e),
			 0);
	assert_string_equal(ind.status, "active");
	/* a popular domain is held by its warninglist, as any value is */
	assert_int_equal(store_indicator_find(st, "domain", "api.telegram.org", &ind, &e), 0);
	assert_string_equal(ind.status, "held");
	assert_true(ind.held_lists[0] != '\0');
	store_close(st);
	free(db);

	h_httpf(&srv, &r, "GET", &an, NULL, "/api/v1/apps/%lld", (long long)id);
	H_STATUS(&r, 200);
	assert_string_equal(h_jstr(r.json, "status"), "malicious");
	assert_true(json_is_string(json_object_get(r.json, "blacklisted")));
	h_resp_free(&r);

	/* the letter, in English and in Persian */
	h_http(&srv, &r, "GET", p, &an, NULL);
	H_STATUS(&r, 200);
	const char *body = h_jstr(r.json, "body");
	h_expect_contains(h_jstr(r.json, "subject"), "ir.example.flashlight", __FILE__, __LINE__);
	h_expect_contains(body, sha, __FILE__, __LINE__);
	h_expect_contains(body, signer, __FILE__, __LINE__);
	h_expect_contains(body, "Alice Dev (Test Org)", __FILE__, __LINE__);
	h_expect_contains(body, "SMS stealer", __FILE__, __LINE__);
	h_expect_contains(body, "https://evil-c2.example.ir/gate.php?id=1", __FILE__, __LINE__);
	h_expect_contains(body, "2.7.1-beta", __FILE__, __LINE__);
	assert_null(strstr(body, "api.telegram.org")); /* held: not claimed */
	h_resp_free(&r);
	h_httpf(&srv, &r, "GET", &an, NULL, "/api/v1/apps/%lld/takedown?lang=fa", (long long)id);
	H_STATUS(&r, 200);
	h_expect_contains(h_jstr(r.json, "subject"), "\u062f\u0631\u062e\u0648\u0627\u0633\u062a",
			  __FILE__, __LINE__);
	h_expect_contains(h_jstr(r.json, "body"), signer, __FILE__, __LINE__);
	h_resp_free(&r);
	char *de = h_fmt("/api/v1/apps/%lld/takedown?lang=de", (long long)id);
	refused("GET", de, NULL, 400, "lang");
	free(de);

	/* another app: a file that ends short, recorded with its error */
	upload(&r, "PK\3\4 cut short", 15);
	H_STATUS(&r, 201);
	int64_t other = h_jint(r.json, "id");
	assert_true(json_array_size(json_object_get(json_object_get(r.json, "verdict"), "errors")) >
		    0);
	h_resp_free(&r);
	/* it cannot be an app indicator: no package, no signer */
	char *oc = h_fmt("/api/v1/apps/%lld/confirm", (long long)other);
	refused("POST", oc, "{}", 400, "signer");
	free(oc);
	h_httpf(&srv, &r, "GET", &an, NULL, "/api/v1/apps/diff?a=%lld&b=%lld", (long long)id,
		(long long)other);
	H_STATUS(&r, 200);
	assert_true(json_is_false(json_object_get(r.json, "same_signer")));
	assert_int_equal(json_array_size(json_object_get(r.json, "signers_removed")), 1);
	h_resp_free(&r);
	h_httpf(&srv, &r, "POST", &an, NULL, "/api/v1/apps/%lld/benign", (long long)other);
	H_STATUS(&r, 200);
	assert_string_equal(h_jstr(r.json, "status"), "benign");
	h_resp_free(&r);

	/* the list, and its filter */
	h_http(&srv, &r, "GET", "/api/v1/apps?status=malicious", &an, NULL);
	H_STATUS(&r, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	assert_int_equal(h_jint(json_array_get(json_object_get(r.json, "items"), 0), "id"), id);
	h_resp_free(&r);
	refused("GET", "/api/v1/apps?status=evil", NULL, 400, "status");
	free(p);
	free(cp);
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(upload_confirm_takedown, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
