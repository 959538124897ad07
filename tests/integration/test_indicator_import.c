/*
** test_indicator_import.c — bulk import of indicators, held indicators and
** the warninglists update, through the real server and the real CLI on one
** data directory (issue 15).
**
** What an analyst relies on: a preview says what each row would do (new,
** changed and which fields, unchanged, held with the warninglist named,
** invalid with its line) and writes nothing, not even an audit entry; the
** import then does exactly that; a file with no valid row is refused (CLI
** exit 65, API 422) and a CSV header with an unknown column is named; a held
** indicator is confirmed (active, the lists it overrode kept) or rejected
** (retired) once, by CERT staff only; `parapet indicator warninglists
** update DIR` installs MISP lists (a broken list named and left out, a
** directory that is not MISP's or holds no good list refused whole,
** changing nothing), keeps the previous set, tells how many active
** indicators now hit a list, and the server matches against the new lists
** without a restart.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define PW "import-password-1"

static char *dir;
static struct h_server srv;
static char *tok, *ctok, *atok; /* analyst, constituent, admin (the audit log) */
static struct h_cred an, co, ad;

static int setup(void **state)
{
	(void)state;
	dir = h_tmpdir("indicator-import");
	h_migrate(dir);
	int64_t org = h_org_add(dir, "Org A", "Tehran");
	h_user_add(dir, "analyst", "analyst", 0, NULL, PW);
	h_user_add(dir, "cons", "constituent", org, NULL, PW);
	h_user_add(dir, "admin", "admin", 0, NULL, PW);
	atok = h_token_add(dir, "admin", "--name", "t", NULL);
	tok = h_token_add(dir, "analyst", "--name", "t", NULL);
	ctok = h_token_add(dir, "cons", "--name", "t", NULL);
	an = (struct h_cred){ .token = tok };
	co = (struct h_cred){ .token = ctok };
	ad = (struct h_cred){ .token = atok };
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

/* POST an import as the analyst; the answer (caller frees). */
static void import(struct h_resp *r, const char *query, const char *body)
{
	char *path = h_fmt("/api/v1/indicators/import?%s", query);
	h_http_ex(&srv, r, "POST", path, &an, "text/plain", body, strlen(body), false, NULL);
	free(path);
}

static json_t *item(const struct h_resp *r, size_t i)
{
	return json_array_get(json_object_get(r->json, "items"), i);
}

static int64_t total(const struct h_resp *r, const char *k)
{
	return h_jint(json_object_get(r->json, "totals"), k);
}

/* Does JSON array a hold the string s? */
static bool has(const json_t *a, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
		return true;
	return false;
}

static size_t held_count(void)
{
	struct h_resp r;
	h_http(&srv, &r, "GET", "/api/v1/warninglists/held?limit=1000", &an, NULL);
	H_STATUS(&r, 200);
	size_t n = json_array_size(json_object_get(r.json, "items"));
	h_resp_free(&r);
	return n;
}

static void preview_then_commit(void **state)
{
	(void)state;
	static const char list[] = "# a blocklist from a peer\n"
				   "evil-one.example\n"
				   "\n"
				   "8.8.8.8   # a public resolver: a warninglist holds it\n"
				   "bad_label.example\n"
				   "http://phish.evil-one.example/login\n";
	int64_t audit = h_audit_count(&srv, &ad);
	struct h_resp r;
	import(&r, "format=plain&preview=true", list);
	H_STATUS(&r, 200);
	assert_true(json_is_true(json_object_get(r.json, "preview")));
	assert_int_equal(total(&r, "rows"), 4);
	assert_int_equal(total(&r, "new"), 2);
	assert_int_equal(total(&r, "held"), 1);
	assert_int_equal(total(&r, "invalid"), 1);
	assert_string_equal(h_jstr(item(&r, 0), "status"), "new");
	assert_string_equal(h_jstr(item(&r, 0), "type"), "domain");
	assert_int_equal(h_jint(item(&r, 0), "line"), 2);
	assert_string_equal(h_jstr(item(&r, 1), "status"), "held");
	assert_true(has(json_object_get(item(&r, 1), "lists"),
			"List of known IPv4 public DNS resolvers"));
	assert_string_equal(h_jstr(item(&r, 2), "status"), "invalid");
	assert_int_equal(h_jint(item(&r, 2), "line"), 5);
	assert_non_null(strstr(h_jstr(item(&r, 2), "error"), "bad_label"));
	assert_string_equal(h_jstr(item(&r, 3), "type"), "url");
	h_resp_free(&r);
	/* a preview writes nothing: no row, no audit entry */
	assert_int_equal(h_audit_count(&srv, &ad), audit);
	assert_int_equal(held_count(), 0);

	import(&r, "format=plain", list);
	H_STATUS(&r, 200);
	assert_int_equal(total(&r, "new"), 2);
	assert_int_equal(total(&r, "held"), 1);
	assert_true(h_jint(item(&r, 0), "id") > 0);
	h_resp_free(&r);
	assert_true(h_audit_count(&srv, &ad) >= audit + 3);
	assert_int_equal(held_count(), 1);

	/* again, as CSV: listed values are unchanged or changed, with the fields */
	import(&r, "format=csv&preview=true",
	       "value,reason,tags\n"
	       "evil-one.example,c2 of the campaign,c2\n"
	       "http://phish.evil-one.example/login,,\n"
	       "8.8.8.8,,\n");
	H_STATUS(&r, 200);
	assert_string_equal(h_jstr(item(&r, 0), "status"), "changed");
	assert_true(has(json_object_get(item(&r, 0), "changes"), "reason"));
	assert_true(has(json_object_get(item(&r, 0), "changes"), "tags"));
	assert_string_equal(h_jstr(item(&r, 1), "status"), "unchanged");
	assert_string_equal(h_jstr(item(&r, 2), "status"), "held"); /* still waiting */
	h_resp_free(&r);

	/* a value twice in one file: the preview says what the import will do */
	import(&r, "format=plain&preview=true", "twice.evil-one.example\nTWICE.evil-one.example.\n");
	H_STATUS(&r, 200);
	assert_string_equal(h_jstr(item(&r, 0), "status"), "new");
	assert_string_equal(h_jstr(item(&r, 1), "status"), "unchanged");
	h_resp_free(&r);

	/* a URL is held for its host as the registry holds it, the lists named */
	import(&r, "format=plain&preview=true", "https://www.google.com/search?q=x\n");
	H_STATUS(&r, 200);
	assert_string_equal(h_jstr(item(&r, 0), "status"), "held");
	assert_true(has(json_object_get(item(&r, 0), "lists"), "List of known google domains"));
	h_resp_free(&r);

	/* no valid row: 422 with the rows; an unknown column: 400 naming it */
	int64_t before = h_audit_count(&srv, &ad);
	import(&r, "format=plain", "# only\nnot a value\n");
	H_STATUS(&r, 422);
	assert_int_equal(total(&r, "invalid"), 1);
	h_resp_free(&r);
	import(&r, "format=csv", "value,colour\nred.example,red\n");
	H_PROBLEM(&r, 400, "header");
	assert_non_null(strstr(r.body, "'colour'"));
	h_resp_free(&r);
	assert_int_equal(h_audit_count(&srv, &ad), before);
	/* a constituent imports nothing */
	h_http_ex(&srv, &r, "POST", "/api/v1/indicators/import?format=plain", &co, "text/plain",
		  "x.example\n", 10, false, NULL);
	H_STATUS(&r, 403);
	h_resp_free(&r);
}

static void cli_import(void **state)
{
	(void)state;
	struct h_proc p;
	char *csv = h_write_file(dir, "list.csv",
				 "type,value,tlp,confidence,expires\n"
				 "domain,cli-evil.example,green,90,2030-01-01T00:00:00Z\n"
				 "ipv4,203.0.113.010,,,\n"
				 "sha256,E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855,,,\n");
	h_cli(&p, dir, NULL, "indicator", "import", csv, "--preview", NULL);
	assert_int_equal(p.status, 0);
	H_CONTAINS(p.out, "new        domain  cli-evil.example");
	H_CONTAINS(p.out, "leading zero");
	h_expect_contains(p.out, "rows 3: new 1, changed 0, unchanged 0, held 1, invalid 1",
			  __FILE__, __LINE__); /* the empty file's hash is on a list */
	h_proc_free(&p);
	h_cli(&p, dir, NULL, "indicator", "import", csv, NULL);
	assert_int_equal(p.status, 0);
	h_expect_contains(p.out, "rows 3: new 1, changed 0, unchanged 0, held 1, invalid 1",
			  __FILE__, __LINE__);
	H_CONTAINS(p.err, "3  invalid"); /* line 3 named */
	h_proc_free(&p);
	h_cli(&p, dir, NULL, "indicator", "import", csv, "--preview", NULL);
	H_CONTAINS(p.out, "unchanged  domain  cli-evil.example");
	h_proc_free(&p);

	char *bad = h_write_file(dir, "bad.txt", "# nothing good\nnot a value\n");
	h_cli(&p, dir, NULL, "indicator", "import", bad, NULL);
	assert_int_equal(p.status, 65);
	h_proc_free(&p);
	char *cols = h_write_file(dir, "cols.csv", "value,severity\nx.example,high\n");
	h_cli(&p, dir, NULL, "indicator", "import", cols, NULL);
	assert_int_equal(p.status, 65);
	H_CONTAINS(p.err, "'severity'");
	h_proc_free(&p);
	/* --type: a plain list of one type; a value of another is that row's fault */
	char *hashes = h_write_file(dir, "h.txt", "da39a3ee5e6b4b0d3255bfef95601890afd80709\n"
						  "not-a-sha1.example\n");
	h_cli(&p, dir, NULL, "--json", "indicator", "import", hashes, "--type", "sha1", "--confirm",
	      "--preview", NULL);
	assert_int_equal(p.status, 0);
	json_t *j = json_loads(p.out, 0, NULL);
	assert_non_null(j);
	json_t *it0 = json_array_get(json_object_get(j, "items"), 0);
	/* the empty file's SHA-1 is on a list; --confirm lists it, naming the list */
	assert_string_equal(h_jstr(it0, "status"), "new");
	assert_true(json_array_size(json_object_get(it0, "lists")) > 0);
	assert_string_equal(h_jstr(json_array_get(json_object_get(j, "items"), 1), "status"),
			    "invalid");
	json_decref(j);
	h_proc_free(&p);
	/* the import itself lists only the rows a person must act on */
	h_cli(&p, dir, NULL, "--json", "indicator", "import", hashes, "--type", "sha1", "--confirm",
	      NULL);
	assert_int_equal(p.status, 0);
	j = json_loads(p.out, 0, NULL);
	assert_non_null(j);
	assert_int_equal(h_jint(json_object_get(j, "totals"), "new"), 1);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	assert_string_equal(h_jstr(json_array_get(json_object_get(j, "items"), 0), "status"),
			    "invalid");
	json_decref(j);
	h_proc_free(&p);
	free(csv);
	free(bad);
	free(cols);
	free(hashes);
}

/* The id of the held indicator of value v (0 when none). */
static int64_t held_id(const char *v)
{
	struct h_resp r;
	h_http(&srv, &r, "GET", "/api/v1/warninglists/held?limit=1000", &an, NULL);
	int64_t id = 0;
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(r.json, "items"), i, it) if (strcmp(h_jstr(it, "value"),
									      v) == 0) id =
		h_jint(it, "id");
	h_resp_free(&r);
	return id;
}

static void confirm_and_reject(void **state)
{
	(void)state;
	struct h_resp r;
	import(&r, "format=plain", "9.9.9.9\n192.168.7.7\n");
	H_STATUS(&r, 200);
	assert_int_equal(total(&r, "held"), 2);
	h_resp_free(&r);
	int64_t quad9 = held_id("9.9.9.9"), lan = held_id("192.168.7.7");
	assert_true(quad9 > 0 && lan > 0);

	char *path = h_fmt("/api/v1/indicators/%lld/confirm", (long long)quad9);
	h_http(&srv, &r, "POST", path, &co, NULL);
	H_STATUS(&r, 403);
	h_resp_free(&r);
	int64_t audit = h_audit_count(&srv, &ad);
	h_http(&srv, &r, "POST", path, &an, NULL);
	H_STATUS(&r, 200);
	assert_string_equal(h_jstr(r.json, "status"), "active");
	/* the lists it overrode stay on the record */
	assert_true(json_array_size(json_object_get(r.json, "held_lists")) > 0);
	h_resp_free(&r);
	assert_int_equal(h_audit_count(&srv, &ad), audit + 1);
	h_http(&srv, &r, "POST", path, &an, NULL);
	H_PROBLEM(&r, 409, "status");
	h_resp_free(&r);
	free(path);
	assert_int_equal(held_id("9.9.9.9"), 0);

	/* reject through the CLI: retired, and no longer held */
	struct h_proc p;
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)lan);
	h_cli(&p, dir, NULL, "indicator", "reject", id, "--reason", "our own LAN", NULL);
	assert_int_equal(p.status, 0);
	char *want = h_fmt("%lld retired", (long long)lan);
	H_CONTAINS(p.out, want);
	free(want);
	h_proc_free(&p);
	assert_int_equal(held_id("192.168.7.7"), 0);
	h_cli(&p, dir, NULL, "indicator", "confirm", id, NULL);
	assert_int_equal(p.status, 65); /* retired, not held */
	h_proc_free(&p);
	h_http(&srv, &r, "POST", "/api/v1/indicators/999999/reject", &an, "{\"reason\":\"x\"}");
	H_STATUS(&r, 404);
	h_resp_free(&r);
}

/* Copy the test list src_name (tests/data/warninglists) into d/src_name. */
static void copy_list(const char *d, const char *src_name)
{
	char *from = h_fmt("%s/tests/data/warninglists/%s/list.json", getenv("SRC_ROOT"), src_name);
	char *text = h_slurp(from);
	assert_non_null(text);
	char *sub = h_fmt("%s/%s", d, src_name);
	mkdir(sub, 0755);
	free(h_write_file(sub, "list.json", text));
	free(sub);
	free(text);
	free(from);
}

static json_t *wl_show(void)
{
	struct h_resp r;
	h_http(&srv, &r, "GET", "/api/v1/warninglists", &an, NULL);
	H_STATUS(&r, 200);
	json_t *j = json_incref(r.json);
	h_resp_free(&r);
	return j;
}

static void warninglists_update(void **state)
{
	(void)state;
	assert_non_null(getenv("SRC_ROOT"));
	json_t *j = wl_show();
	assert_string_equal(h_jstr(j, "source"), "shipped");
	assert_true(h_jint(json_object_get(j, "stats"), "lists") > 100);
	json_decref(j);

	/* an active indicator inside RFC 1918, listed knowingly */
	struct h_resp r;
	import(&r, "format=plain&confirm=true", "10.9.9.9\n");
	H_STATUS(&r, 200);
	assert_int_equal(total(&r, "new"), 1);
	h_resp_free(&r);

	char *src = h_fmt("%s/misp", dir);
	mkdir(src, 0755);
	copy_list(src, "rfc1918");
	char *broken = h_fmt("%s/broken", src);
	mkdir(broken, 0755);
	free(h_write_file(broken, "list.json",
			  "{\"name\":\"broken\",\"type\":\"cidr\",\"list\":[\"10.0.0.0/33\"]}"));

	struct h_proc p;
	h_cli(&p, dir, NULL, "--json", "indicator", "warninglists", "update", src, NULL);
	assert_int_equal(p.status, 0);
	json_t *rep = json_loads(p.out, 0, NULL);
	assert_non_null(rep);
	assert_int_equal(h_jint(rep, "lists"), 1);
	assert_int_equal(json_array_size(json_object_get(rep, "refused")), 1);
	assert_string_equal(h_jstr(json_array_get(json_object_get(rep, "refused"), 0), "list"),
			    "broken");
	/* 10.9.9.9 now hits rfc1918; nothing else active does; none changed */
	assert_int_equal(h_jint(rep, "active_hits"), 1);
	assert_string_equal(h_jstr(json_array_get(json_object_get(rep, "hits"), 0), "value"),
			    "10.9.9.9");
	json_decref(rep);
	h_proc_free(&p);

	/* the running server sees the new directory and matches against the
	** new lists, without a restart (it looks again every few seconds: a
	** bounded wait for that, not a sleep the result depends on) */
	for (int tries = 0;; tries++) {
		j = wl_show();
		if (strcmp(h_jstr(j, "source"), "installed") == 0 &&
		    h_jint(json_object_get(j, "stats"), "lists") == 1)
			break;
		json_decref(j);
		if (tries == 150)
			fail_msg("serve did not load the installed warninglists within 15 s");
		usleep(100 * 1000);
	}
	assert_string_equal(h_jstr(j, "source"), "installed");
	assert_int_equal(h_jint(json_object_get(j, "stats"), "lists"), 1);
	json_t *l0 = json_array_get(json_object_get(j, "lists"), 0);
	assert_string_equal(h_jstr(l0, "dir"), "rfc1918");
	assert_string_equal(h_jstr(l0, "type"), "cidr");
	assert_int_equal(h_jint(l0, "entries"), 3);
	json_decref(j);
	import(&r, "format=plain&preview=true", "149.112.112.112\n172.16.5.5\n");
	H_STATUS(&r, 200);
	assert_string_equal(h_jstr(item(&r, 0), "status"), "new"); /* no resolver list now */
	assert_string_equal(h_jstr(item(&r, 1), "status"), "held");
	h_resp_free(&r);

	/* refused whole, nothing changed: not MISP's layout, no list that loads */
	h_cli(&p, dir, NULL, "indicator", "warninglists", "update", broken, NULL);
	assert_int_equal(p.status, 65);
	H_CONTAINS(p.err, "not MISP's layout");
	h_proc_free(&p);
	char *allbad = h_fmt("%s/allbad", dir);
	mkdir(allbad, 0755);
	char *sub = h_fmt("%s/x", allbad);
	mkdir(sub, 0755);
	free(h_write_file(sub, "list.json", "{\"name\":"));
	h_cli(&p, dir, NULL, "indicator", "warninglists", "update", allbad, NULL);
	assert_int_equal(p.status, 65);
	H_CONTAINS(p.err, "no list");
	H_CONTAINS(p.err, "warninglist x refused");
	h_proc_free(&p);
	j = wl_show();
	assert_int_equal(h_jint(json_object_get(j, "stats"), "lists"), 1);
	json_decref(j);

	/* a second update keeps the first as warninglists.old */
	copy_list(src, "public-dns-v4");
	h_cli(&p, dir, NULL, "indicator", "warninglists", "update", src, NULL);
	assert_int_equal(p.status, 0);
	H_CONTAINS(p.out, "lists 2 (refused 1)");
	h_proc_free(&p);
	char *old = h_fmt("%s/warninglists.old/rfc1918/list.json", dir);
	struct stat sb;
	assert_int_equal(stat(old, &sb), 0);
	char *olddns = h_fmt("%s/warninglists.old/public-dns-v4", dir);
	assert_int_not_equal(stat(olddns, &sb), 0);
	h_cli(&p, dir, NULL, "indicator", "warninglists", NULL);
	assert_int_equal(p.status, 0);
	H_CONTAINS(p.out, "(installed)");
	H_CONTAINS(p.out, "lists 2,");
	h_proc_free(&p);
	free(olddns);
	free(old);
	free(sub);
	free(allbad);
	free(broken);
	free(src);
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(preview_then_commit),
		cmocka_unit_test(cli_import),
		cmocka_unit_test(confirm_and_reject),
		cmocka_unit_test(warninglists_update),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
