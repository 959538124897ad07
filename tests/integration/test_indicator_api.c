/*
** test_indicator_api.c — the indicator registry through the real server and
** the real binary (issue 15): what a script and the web UI rely on.
**
** Over HTTP: POST /api/v1/indicators answers 201 {"id"} for a value it
** lists and 202 with the warninglists named for one it holds (8.8.8.8 is on
** MISP's public-resolver list shipped with Parapet); the same value again
** is the same id (refreshed, not duplicated); a bad value is a problem
** document naming the field, and the audit log does not move; a constituent
** sees CLEAR/GREEN and its own organisation's AMBER, never RED nor another
** organisation's AMBER, in search and by id (404, as absent); search by CIDR
** containment and within a network; cursor pages; PATCH of TLP and DELETE
** (retired, still searchable).
**
** On the command line (the contract): `indicator add` prints the id
** alone; a warninglisted value exits 3 with the list named on standard
** error, the id still printed and the indicator stored held; --confirm
** lists it; a bad value exits 65 naming the field.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define PW "indicator-password-1"

static char *dir;
static struct h_server srv;
static char *tok, *ctok, *atok; /* analyst, constituent of Org A, admin */
static int64_t org_a, org_b;

static int setup(void **state)
{
	(void)state;
	dir = h_tmpdir("indicator-api");
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

/* POST an indicator as the analyst; want the status; returns the id. */
static int64_t add(const char *body, long want)
{
	struct h_cred an = { .token = tok };
	struct h_resp r;
	h_http(&srv, &r, "POST", "/api/v1/indicators", &an, body);
	H_STATUS(&r, want);
	int64_t id = h_jint(r.json, "id");
	assert_true(id > 0);
	h_resp_free(&r);
	return id;
}

/* The values of a search, in order, joined by ' ' (malloc'd); *next the
** cursor (0 = last page). */
static char *search(const struct h_cred *c, const char *query, int64_t *next)
{
	struct h_resp r;
	h_httpf(&srv, &r, "GET", c, NULL, "/api/v1/indicators?%s", query);
	H_STATUS(&r, 200);
	char *out = h_fmt("%s", "");
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(r.json, "items"), i, it)
	{
		char *n = h_fmt("%s%s%s", out, out[0] ? " " : "", h_jstr(it, "value"));
		free(out);
		out = n;
	}
	if (next) {
		const char *s = h_jstr(r.json, "next");
		*next = s && s[0] ? strtoll(s, NULL, 10) : 0;
	}
	h_resp_free(&r);
	return out;
}

static void listed_held_refreshed(void **state)
{
	(void)state;
	struct h_cred an = { .token = tok };
	struct h_resp r;
	/* listed: 201 {"id"} */
	int64_t id = add("{\"type\":\"domain\",\"value\":\"Login-Bank.Example.\","
			 "\"reason\":\"phishing kit\",\"tlp\":\"green\"}",
			 201);
	h_httpf(&srv, &r, "GET", &an, NULL, "/api/v1/indicators/%lld", (long long)id);
	H_STATUS(&r, 200);
	assert_string_equal(h_jstr(r.json, "value"), "login-bank.example");
	assert_string_equal(h_jstr(r.json, "status"), "active");
	assert_string_equal(h_jstr(r.json, "tlp"), "GREEN");
	h_resp_free(&r);
	/* the same value in another spelling: the same row */
	assert_true(add("{\"value\":\"login-bank.example\"}", 201) == id);

	/* held: 202 with the list named; stored held */
	h_http(&srv, &r, "POST", "/api/v1/indicators", &an,
	       "{\"type\":\"ipv4\",\"value\":\"8.8.8.8\",\"reason\":\"seen in a sample\"}");
	H_STATUS(&r, 202);
	assert_string_equal(h_jstr(r.json, "status"), "held");
	int64_t held = h_jint(r.json, "id");
	json_t *lists = json_object_get(r.json, "warninglists");
	assert_true(json_array_size(lists) >= 1);
	bool resolvers = false;
	for (size_t i = 0; i < json_array_size(lists); i++)
		resolvers |= strstr(json_string_value(json_array_get(lists, i)), "DNS resolvers") != NULL;
	assert_true(resolvers);
	h_resp_free(&r);
	h_httpf(&srv, &r, "GET", &an, NULL, "/api/v1/indicators/%lld", (long long)held);
	assert_string_equal(h_jstr(r.json, "status"), "held");
	h_resp_free(&r);
	/* confirmed: listed, the same id */
	assert_true(add("{\"type\":\"ipv4\",\"value\":\"8.8.8.8\",\"confirm\":true}", 201) == held);
}

/* A refused request: status and field, the audit log unchanged. */
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

static void bad_values_named(void **state)
{
	(void)state;
	const char *p = "/api/v1/indicators";
	refused("POST", p, "{\"type\":\"cidr\",\"value\":\"10.1.2.3/16\"}", 400, "value");
	refused("POST", p, "{\"type\":\"domain\",\"value\":\"bad_label.example\"}", 400, "value");
	refused("POST", p, "{\"type\":\"sha256\",\"value\":\"abc123\"}", 400, "value");
	refused("POST", p, "{\"type\":\"hash\",\"value\":\"abc123\"}", 400, "type");
	refused("POST", p, "{\"type\":\"domain\",\"value\":\"ok.example\",\"tlp\":\"white\"}", 400,
		"tlp");
	refused("POST", p, "{\"type\":\"domain\",\"value\":\"ok.example\",\"class\":\"bad\"}", 400,
		"class");
	refused("POST", p, "{\"type\":\"domain\",\"value\":\"ok.example\",\"confidence\":101}", 400,
		"confidence");
	refused("POST", p, "{\"type\":\"domain\",\"value\":\"ok.example\",\"expires\":\"soon\"}",
		400, "expires");
	refused("POST", p, "{\"type\":\"domain\"}", 400, "value");
	refused("POST", p, "{\"value\":\"ok.example\",\"colour\":\"red\"}", 400, "colour");
	refused("GET", "/api/v1/indicators?contains=10.0.0.0/8", NULL, 400, "contains");
	refused("GET", "/api/v1/indicators?within=nonsense", NULL, 400, "within");
	refused("GET", "/api/v1/indicators?cursor=x", NULL, 400, "cursor");
}

static void scope_search_pages(void **state)
{
	(void)state;
	struct h_cred an = { .token = tok }, co = { .token = ctok };
	char *b;
	/* networks and addresses of each TLP, for Org A and Org B, from the
	** documentation ranges (on MISP's RFC 5735 list: confirmed) */
	b = h_fmt("{\"type\":\"cidr\",\"value\":\"198.51.100.0/24\",\"confirm\":true,\"tlp\":\"clear\"}");
	add(b, 201);
	free(b);
	b = h_fmt("{\"value\":\"198.51.100.77\",\"confirm\":true,\"tlp\":\"amber\",\"org_id\":%lld}",
		  (long long)org_a);
	int64_t amber_a = add(b, 201);
	free(b);
	b = h_fmt("{\"value\":\"198.51.100.78\",\"confirm\":true,\"tlp\":\"amber\",\"org_id\":%lld}",
		  (long long)org_b);
	int64_t amber_b = add(b, 201);
	free(b);
	int64_t red = add("{\"value\":\"198.51.100.79\",\"confirm\":true,\"tlp\":\"red\"}", 201);
	add("{\"value\":\"203.0.113.5\",\"confirm\":true,\"tlp\":\"clear\"}", 201);

	/* containment: everything covering 198.51.100.77 */
	char *got = search(&an, "contains=198.51.100.77", NULL);
	assert_string_equal(got, "198.51.100.77 198.51.100.0/24");
	free(got);
	got = search(&an, "within=198.51.100.0/24", NULL);
	assert_string_equal(got, "198.51.100.79 198.51.100.78 198.51.100.77 198.51.100.0/24");
	free(got);

	/* the constituent of Org A: CLEAR, its AMBER; not Org B's AMBER, not RED */
	got = search(&co, "within=198.51.0.0/16", NULL);
	assert_string_equal(got, "198.51.100.77 198.51.100.0/24");
	free(got);
	struct h_resp r;
	h_httpf(&srv, &r, "GET", &co, NULL, "/api/v1/indicators/%lld", (long long)amber_a);
	H_STATUS(&r, 200);
	h_resp_free(&r);
	const int64_t hidden[] = { amber_b, red };
	for (int k = 0; k < 2; k++) {
		h_httpf(&srv, &r, "GET", &co, NULL, "/api/v1/indicators/%lld", (long long)hidden[k]);
		H_PROBLEM(&r, 404, NULL);
		h_resp_free(&r);
		h_httpf(&srv, &r, "GET", &co, NULL, "/api/v1/indicators/%lld/sightings",
			(long long)hidden[k]);
		H_PROBLEM(&r, 404, NULL);
		h_resp_free(&r);
	}

	/* pages of 2 cover every address indicator once, newest first */
	char *all = h_fmt("%s", "");
	int64_t cursor = 0;
	int pages = 0;
	do {
		char *q = cursor ? h_fmt("type=ipv4&limit=2&cursor=%lld", (long long)cursor)
				 : h_fmt("type=ipv4&limit=2");
		got = search(&an, q, &cursor);
		char *n = h_fmt("%s%s%s", all, all[0] && got[0] ? " " : "", got);
		free(all);
		free(got);
		free(q);
		all = n;
	} while (cursor && ++pages < 10);
	assert_string_equal(all, "203.0.113.5 198.51.100.79 198.51.100.78 198.51.100.77 8.8.8.8");
	free(all);

	/* RED to GREEN: the constituent sees it now; then retired, still found */
	h_httpf(&srv, &r, "PATCH", &an, "{\"tlp\":\"green\"}", "/api/v1/indicators/%lld",
		(long long)red);
	H_STATUS(&r, 200);
	assert_string_equal(h_jstr(r.json, "tlp"), "GREEN");
	h_resp_free(&r);
	h_httpf(&srv, &r, "GET", &co, NULL, "/api/v1/indicators/%lld", (long long)red);
	H_STATUS(&r, 200);
	h_resp_free(&r);
	/* a constituent may not change it */
	h_httpf(&srv, &r, "PATCH", &co, "{\"tlp\":\"red\"}", "/api/v1/indicators/%lld",
		(long long)red);
	H_PROBLEM(&r, 403, NULL);
	h_resp_free(&r);
	h_httpf(&srv, &r, "DELETE", &an, NULL, "/api/v1/indicators/%lld", (long long)red);
	H_STATUS(&r, 200);
	assert_string_equal(h_jstr(r.json, "status"), "retired");
	h_resp_free(&r);
	got = search(&an, "status=retired", NULL);
	assert_string_equal(got, "198.51.100.79");
	free(got);
}

static void cli_contract(void **state)
{
	(void)state;
	struct h_proc p;
	/* listed: the id alone */
	h_cli(&p, dir, NULL, "indicator", "add", "domain", "c2.cli.example", "--reason",
	      "C2 of a sample", "--tlp", "amber", "--expires", "2031-01-01", NULL);
	assert_int_equal(p.status, 0);
	char *end;
	long long id = strtoll(p.out, &end, 10);
	assert_true(id > 0);
	assert_string_equal(end, "\n");
	h_proc_free(&p);

	/* warninglisted: exit 3, the list on stderr, the id printed, held */
	h_cli(&p, dir, NULL, "indicator", "add", "ipv4", "1.1.1.1", NULL);
	assert_int_equal(p.status, 3);
	long long held = strtoll(p.out, &end, 10);
	assert_true(held > 0);
	assert_string_equal(end, "\n");
	H_CONTAINS(p.err, "DNS resolvers");
	h_proc_free(&p);
	char num[32];
	snprintf(num, sizeof(num), "%lld", held);
	h_cli(&p, dir, NULL, "indicator", "show", num, NULL);
	assert_int_equal(p.status, 0);
	H_CONTAINS(p.out, "\"status\": \"held\"");
	h_proc_free(&p);
	/* --confirm: listed, exit 0, the same id */
	h_cli(&p, dir, NULL, "indicator", "add", "ipv4", "1.1.1.1", "--confirm", NULL);
	assert_int_equal(p.status, 0);
	assert_int_equal(strtoll(p.out, NULL, 10), held);
	h_proc_free(&p);

	/* a bad value: 65, the field named */
	h_cli(&p, dir, NULL, "indicator", "add", "cidr", "10.1.2.3/16", NULL);
	assert_int_equal(p.status, EX_DATAERR);
	H_CONTAINS(p.err, "value");
	H_CONTAINS(p.err, "10.1.0.0/16");
	h_proc_free(&p);
	h_cli(&p, dir, NULL, "indicator", "add", "domain", "x.example", "--tlp", "purple", NULL);
	assert_int_equal(p.status, EX_DATAERR);
	H_CONTAINS(p.err, "tlp");
	h_proc_free(&p);

	/* search by containment, JSON */
	h_cli(&p, dir, NULL, "--json", "indicator", "search", "--contains", "1.1.1.1", NULL);
	assert_int_equal(p.status, 0);
	H_CONTAINS(p.out, "\"value\": \"1.1.1.1\"");
	h_proc_free(&p);
	/* update and delete (retire) */
	snprintf(num, sizeof(num), "%lld", id);
	h_cli(&p, dir, NULL, "indicator", "update", num, "--tlp", "red", NULL);
	assert_int_equal(p.status, 0);
	H_CONTAINS(p.out, "\"tlp\": \"RED\"");
	h_proc_free(&p);
	h_cli(&p, dir, NULL, "indicator", "delete", num, NULL);
	assert_int_equal(p.status, 0);
	h_proc_free(&p);
	h_cli(&p, dir, NULL, "indicator", "search", "--status", "retired", "--value",
	      "C2.CLI.example", NULL);
	assert_int_equal(p.status, 0);
	H_CONTAINS(p.out, "c2.cli.example");
	h_proc_free(&p);
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(listed_held_refreshed),
		cmocka_unit_test(bad_values_named),
		cmocka_unit_test(scope_search_pages),
		cmocka_unit_test(cli_contract),
	};
	return cmocka_run_group_tests_name("indicator_api", tests, setup, teardown);
}
