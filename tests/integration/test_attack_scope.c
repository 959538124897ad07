/*
** test_attack_scope.c — attacks on the constituency's and the incidents'
** scope, as the security review of issue 11 made them, against the real
** binary on loopback.
**
** - A provincial analyst of Tehran takes over Fars's hosts by registering a
**   network inside, or a domain under, a Fars organisation's asset for a
**   Tehran organisation (the owner lookup takes the most specific match):
**   refused, naming the province only; for analysts an overlap needs
**   confirm_overlap and is audited; within one organisation it is allowed.
**   The CLI (`asset add`, `import constituency`) applies the same rule.
** - A provincial analyst hangs a Tehran organisation under a Fars one
**   (PATCH parent): refused as if the parent did not exist.
** - Organisation ids in request bodies are no existence oracle: an
**   organisation outside one's scope gets the bytes a missing one gets.
** - A merge across organisations would hand one organisation's thread and
**   evidence to another: refused for everyone (link instead).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define PW "scope-password-1"

enum { U_ADMIN, U_ANALYST, U_PROV, U_CONS_TEH, U_CONS_FARS, NUSERS };
static const char *const login_of[NUSERS] = { "admin", "analyst", "prov_teh", "cons_teh",
					      "cons_fars" };

static struct {
	char *dir;
	struct h_server srv;
	int64_t teh, teh2, fars; /* Tehran Roads, Tehran Water, Fars Gas */
	char *tok[NUSERS];
	struct h_cred c[NUSERS];
} G;

static int group_setup(void **state)
{
	(void)state;
	memset(&G, 0, sizeof(G));
	G.dir = h_tmpdir("attack-scope");
	h_migrate(G.dir);
	G.teh = h_org_add(G.dir, "Tehran Roads", "Tehran");
	G.teh2 = h_org_add(G.dir, "Tehran Water", "Tehran");
	G.fars = h_org_add(G.dir, "Fars Gas", "Fars");
	h_user_add(G.dir, "admin", "admin", 0, NULL, PW);
	h_user_add(G.dir, "analyst", "analyst", 0, NULL, PW);
	h_user_add(G.dir, "prov_teh", "provincial", 0, "Tehran", PW);
	h_user_add(G.dir, "cons_teh", "constituent", G.teh, NULL, PW);
	h_user_add(G.dir, "cons_fars", "constituent", G.fars, NULL, PW);
	for (int u = 0; u < NUSERS; u++) {
		G.tok[u] = h_token_add(G.dir, login_of[u], NULL);
		G.c[u].token = G.tok[u];
	}
	h_server_start(&G.srv, G.dir, NULL);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	int rc = h_server_stop(&G.srv);
	for (int u = 0; u < NUSERS; u++)
		free(G.tok[u]);
	h_rmdir(G.dir);
	return rc == 0 ? 0 : -1;
}

/* ------------------------------------------------------------- helpers */

/* POST an asset as who; returns the response (caller frees). */
static void post_asset(struct h_resp *r, int who, int64_t org, const char *type,
		       const char *value, bool confirm)
{
	json_t *j = json_pack("{ss ss}", "type", type, "value", value);
	if (confirm)
		json_object_set_new(j, "confirm_overlap", json_true());
	char *body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	h_httpf(&G.srv, r, "POST", &G.c[who], body, "/api/v1/orgs/%lld/assets", (long long)org);
	free(body);
}

static void asset_ok(int who, int64_t org, const char *type, const char *value, bool confirm)
{
	struct h_resp r;
	post_asset(&r, who, org, type, value, confirm);
	if (r.status != 201)
		fail_msg("%s adding %s %s to org %lld: expected 201, got %ld: %s", login_of[who],
			 type, value, (long long)org, r.status, r.body);
	h_resp_free(&r);
}

/* The takeover is refused: 403, naming Fars but neither the owning
** organisation's name nor its id. */
static void takeover_refused(int64_t org, const char *type, const char *value)
{
	struct h_resp r;
	post_asset(&r, U_PROV, org, type, value, false);
	H_PROBLEM(&r, 403, "value");
	const char *d = h_jstr(r.json, "detail");
	H_CONTAINS(d, "province Fars");
	if (strstr(d, "Fars Gas") || strstr(d, "organisation"))
		fail_msg("the refusal of %s %s names the owner: %s", type, value, d);
	h_resp_free(&r);
	/* confirming does not help below the national centre */
	post_asset(&r, U_PROV, org, type, value, true);
	H_PROBLEM(&r, 403, "value");
	h_resp_free(&r);
}

/* Who owns q ("ip=...", "domain=...") by the API's lookup; 0 = no one. */
static int64_t owner(const char *q)
{
	struct h_resp r;
	h_httpf(&G.srv, &r, "GET", &G.c[U_ANALYST], NULL, "/api/v1/lookup?%s", q);
	int64_t org = r.status == 200 ? h_jint(json_object_get(r.json, "org"), "id") : 0;
	if (r.status != 200 && r.status != 404)
		fail_msg("lookup %s: %ld %s", q, r.status, r.body);
	h_resp_free(&r);
	return org;
}

/* owner(q) once the server has seen a change the CLI made: its owner index
** re-reads the store's asset generation at most a second after a change
** made by another process. */
static int64_t owner_after_cli(const char *q, int64_t want)
{
	int64_t got = owner(q);
	for (int i = 0; i < 50 && got != want; i++) {
		struct timespec ts = { 0, 100 * 1000000L };
		nanosleep(&ts, NULL);
		got = owner(q);
	}
	return got;
}

/* The assets of org, as one text, to see that nothing changed. */
static char *assets_of(int64_t org)
{
	struct h_resp r;
	h_httpf(&G.srv, &r, "GET", &G.c[U_ANALYST], NULL, "/api/v1/orgs/%lld/assets",
		(long long)org);
	H_STATUS(&r, 200);
	char *s = json_dumps(json_object_get(r.json, "items"), JSON_COMPACT);
	h_resp_free(&r);
	return s;
}

/* The audit log's entries of action, each as one JSON text, joined. */
static char *audit_of(const char *action)
{
	char *all = h_fmt("%s", "");
	int64_t after = 0;
	for (;;) {
		struct h_resp r;
		h_httpf(&G.srv, &r, "GET", &G.c[U_ADMIN], NULL,
			"/api/v1/audit?limit=1000&after=%lld", (long long)after);
		H_STATUS(&r, 200);
		json_t *items = json_object_get(r.json, "items");
		size_t n = json_array_size(items);
		for (size_t i = 0; i < n; i++) {
			json_t *it = json_array_get(items, i);
			if (strcmp(h_jstr(it, "action"), action) != 0)
				continue;
			char *one = json_dumps(it, JSON_COMPACT);
			char *cat = h_fmt("%s%s\n", all, one);
			free(one);
			free(all);
			all = cat;
		}
		if (n)
			after = h_jint(json_array_get(items, n - 1), "seq");
		h_resp_free(&r);
		if (n < 1000)
			break;
	}
	return all;
}

/* r's body with every occurrence of the decimal id replaced by "ID" and the
** instance dropped: what two answers must share byte for byte. */
static char *normalised(const struct h_resp *r, int64_t id)
{
	json_t *j = json_deep_copy(r->json);
	assert_non_null(j);
	json_object_del(j, "instance");
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	char num[32];
	snprintf(num, sizeof(num), "%lld", (long long)id);
	char *out = h_fmt("%s", "");
	for (char *p = s; *p;) {
		char *hit = strstr(p, num);
		size_t k = hit ? (size_t)(hit - p) : strlen(p);
		char *cat = h_fmt("%s%.*s%s", out, (int)k, p, hit ? "ID" : "");
		free(out);
		out = cat;
		p += k + (hit ? strlen(num) : 0);
	}
	free(s);
	return out;
}

/* ------------------------------------------------------- item 2: assets */

static void test_provincial_cannot_take_fars_hosts(void **state)
{
	(void)state;
	asset_ok(U_ANALYST, G.fars, "cidr", "198.51.100.0/24", false);
	asset_ok(U_ANALYST, G.fars, "domain", "fars.example", false);
	asset_ok(U_ANALYST, G.fars, "cidr", "2001:db8:fa::/48", false);
	asset_ok(U_ANALYST, G.fars, "asn", "AS64510", false);
	char *before = assets_of(G.teh);

	/* the attack of the report, then its variants */
	takeover_refused(G.teh, "cidr", "198.51.100.10/32");
	takeover_refused(G.teh, "domain", "fars.example");
	takeover_refused(G.teh, "domain", "mail.fars.example");  /* under */
	takeover_refused(G.teh, "cidr", "198.51.0.0/16");        /* around */
	takeover_refused(G.teh, "cidr", "2001:db8:fa:1::/64");   /* IPv6 inside */
	takeover_refused(G.teh, "cidr", "2001:db8::/32");        /* IPv6 around */
	takeover_refused(G.teh, "asn", "AS64510");
	takeover_refused(G.teh, "url", "https://portal.fars.example/login");
	takeover_refused(G.teh, "url", "http://198.51.100.20/");
	char *after = assets_of(G.teh);
	assert_string_equal(after, before);
	free(after);
	free(before);

	/* the same letters without the label boundary are another name */
	asset_ok(U_PROV, G.teh, "domain", "notfars.example", false);
	asset_ok(U_PROV, G.teh, "cidr", "198.51.101.0/24", false);

	/* Fars's hosts are still Fars's: the lookup and a report of them */
	assert_int_equal(owner("ip=198.51.100.10"), G.fars);
	assert_int_equal(owner("domain=fars.example"), G.fars);
	assert_int_equal(owner("domain=mail.fars.example"), G.fars);
	assert_int_equal(owner("ip=2001:db8:fa:1::1"), G.fars);
	assert_int_equal(owner("domain=notfars.example"), G.teh);
	char *sink = h_fmt("timestamp,protocol,src_ip,src_port,src_asn,infection\n"
			   "2026-12-01 00:00:01,tcp,198.51.100.10,49152,64510,andromeda\n");
	char *sf = h_write_file(G.dir, "2026-12-01-event4_sinkhole.csv", sink);
	struct h_proc p;
	h_cli(&p, G.dir, NULL, "import", "report", "--type", "event4_sinkhole", sf, NULL);
	if (p.status != 0)
		fail_msg("import report: %s", p.err);
	h_proc_free(&p);
	free(sink);
	free(sf);
	struct h_resp r;
	h_httpf(&G.srv, &r, "GET", &G.c[U_CONS_FARS], NULL, "/api/v1/incidents");
	H_STATUS(&r, 200);
	H_CONTAINS(r.body, "198.51.100.10");
	h_resp_free(&r);
	h_httpf(&G.srv, &r, "GET", &G.c[U_PROV], NULL, "/api/v1/incidents");
	H_STATUS(&r, 200);
	assert_null(strstr(r.body, "198.51.100.10"));
	h_resp_free(&r);
}

static void test_analyst_confirms_overlap(void **state)
{
	(void)state;
	asset_ok(U_ANALYST, G.fars, "cidr", "203.0.113.0/24", false);
	char *before = audit_of("asset.overlap");
	struct h_resp r;
	/* without confirmation: 409 naming the asset and its organisation */
	post_asset(&r, U_ANALYST, G.teh, "cidr", "203.0.113.128/25", false);
	H_PROBLEM(&r, 409, "confirm_overlap");
	H_CONTAINS(h_jstr(r.json, "detail"), "203.0.113.0/24");
	H_CONTAINS(h_jstr(r.json, "detail"), "Fars Gas");
	h_resp_free(&r);
	char *mid = audit_of("asset.overlap");
	assert_string_equal(mid, before);
	/* confirmed: registered, and the audit entry names what it overlaps */
	post_asset(&r, U_ANALYST, G.teh, "cidr", "203.0.113.128/25", true);
	H_STATUS(&r, 201);
	h_resp_free(&r);
	char *after = audit_of("asset.overlap");
	assert_true(strlen(after) > strlen(before));
	H_CONTAINS(after + strlen(before), "203.0.113.128/25");
	H_CONTAINS(after + strlen(before), "203.0.113.0/24");
	assert_int_equal(owner("ip=203.0.113.200"), G.teh);
	assert_int_equal(owner("ip=203.0.113.1"), G.fars);
	/* an admin the same, for a domain under another organisation's */
	asset_ok(U_ANALYST, G.fars, "domain", "gas.example", false);
	post_asset(&r, U_ADMIN, G.teh, "domain", "pipes.gas.example", false);
	H_PROBLEM(&r, 409, "confirm_overlap");
	h_resp_free(&r);
	asset_ok(U_ADMIN, G.teh, "domain", "pipes.gas.example", true);
	free(before);
	free(mid);
	free(after);
}

static void test_overlap_within_scope(void **state)
{
	(void)state;
	/* within one organisation: allowed, no confirmation */
	asset_ok(U_PROV, G.teh, "cidr", "10.40.0.0/16", false);
	asset_ok(U_PROV, G.teh, "cidr", "10.40.3.0/24", false);
	asset_ok(U_PROV, G.teh, "domain", "roads.example", false);
	asset_ok(U_PROV, G.teh, "url", "https://www.roads.example/", false);
	/* another organisation of one's own province: visible, so confirmable */
	struct h_resp r;
	post_asset(&r, U_PROV, G.teh2, "cidr", "10.40.9.0/24", false);
	H_PROBLEM(&r, 409, "confirm_overlap");
	H_CONTAINS(h_jstr(r.json, "detail"), "Tehran Roads");
	h_resp_free(&r);
	asset_ok(U_PROV, G.teh2, "cidr", "10.40.9.0/24", true);
	assert_int_equal(owner("ip=10.40.9.1"), G.teh2);
}

static void test_cli_overlap(void **state)
{
	(void)state;
	asset_ok(U_ANALYST, G.fars, "cidr", "192.0.2.0/24", false);
	char *org = h_fmt("%lld", (long long)G.teh);
	struct h_proc p;
	h_cli(&p, G.dir, NULL, "asset", "add", org, "cidr", "192.0.2.64/26", NULL);
	assert_int_not_equal(p.status, 0);
	H_CONTAINS(p.err, "192.0.2.0/24");
	H_CONTAINS(p.err, "Fars Gas");
	h_proc_free(&p);
	assert_int_equal(owner("ip=192.0.2.65"), G.fars);
	h_cli(&p, G.dir, NULL, "asset", "add", org, "cidr", "192.0.2.64/26", "--confirm-overlap",
	      NULL);
	if (p.status != 0)
		fail_msg("asset add --confirm-overlap: %s", p.err);
	h_proc_free(&p);
	assert_int_equal(owner_after_cli("ip=192.0.2.65", G.teh), G.teh);
	/* an import: rows over another organisation's assets are rejected, and
	** nothing is imported, unless confirmed */
	char *csv = h_write_file(G.dir, "over.csv",
				 "organisation,province,sector,parent,kind,value,name,email,phone,"
				 "role,lang,pgp\n"
				 "Tehran Gas,Tehran,,,domain,tehrangas.example,,,,,,\n"
				 "Tehran Gas,,,,asn,AS64510,,,,,,\n"
				 "Tehran Gas,,,,domain,www.fars.example,,,,,,\n");
	h_cli(&p, G.dir, NULL, "import", "constituency", csv, NULL);
	assert_int_not_equal(p.status, 0);
	H_CONTAINS(p.err, "line 3: value: asn AS64510 belongs to organisation");
	H_CONTAINS(p.err, "line 4: domain www.fars.example overlaps domain fars.example");
	H_CONTAINS(p.err, "nothing was imported");
	h_proc_free(&p);
	assert_int_equal(owner("domain=www.fars.example"), G.fars);
	assert_int_equal(owner("domain=tehrangas.example"), 0);
	/* the ASN is somebody's already (an exact duplicate, never importable);
	** the overlapping domain is imported when confirmed */
	free(csv);
	csv = h_write_file(G.dir, "over.csv",
			   "organisation,province,sector,parent,kind,value,name,email,phone,role,"
			   "lang,pgp\n"
			   "Tehran Gas,Tehran,,,domain,tehrangas.example,,,,,,\n"
			   "Tehran Gas,,,,domain,www.fars.example,,,,,,\n");
	h_cli(&p, G.dir, NULL, "import", "constituency", csv, "--confirm-overlap", NULL);
	if (p.status != 0)
		fail_msg("import --confirm-overlap: %s", p.err);
	H_CONTAINS(p.out, "1 assets overlap");
	h_proc_free(&p);
	struct h_resp r;
	h_http(&G.srv, &r, "GET", "/api/v1/orgs?q=Tehran%20Gas", &G.c[U_ANALYST], NULL);
	H_STATUS(&r, 200);
	int64_t gas = h_jint(json_array_get(json_object_get(r.json, "items"), 0), "id");
	h_resp_free(&r);
	assert_true(gas > 0);
	assert_int_equal(owner_after_cli("domain=www.fars.example", gas), gas);
	char *audit = audit_of("asset.overlap");
	H_CONTAINS(audit, "www.fars.example");
	free(audit);
	free(csv);
	free(org);
}

/* ------------------------------------------------------ item 12: parent */

static void test_parent_out_of_scope(void **state)
{
	(void)state;
	struct h_resp r, m;
	/* a Fars parent and a missing one get the same answer */
	char *b = h_fmt("{\"parent\":%lld}", (long long)G.fars);
	h_httpf(&G.srv, &r, "PATCH", &G.c[U_PROV], b, "/api/v1/orgs/%lld", (long long)G.teh2);
	free(b);
	H_PROBLEM(&r, 400, "parent");
	h_httpf(&G.srv, &m, "PATCH", &G.c[U_PROV], "{\"parent\":987654}", "/api/v1/orgs/%lld",
		(long long)G.teh2);
	H_PROBLEM(&m, 400, "parent");
	char *a1 = normalised(&r, G.fars), *a2 = normalised(&m, 987654);
	assert_string_equal(a1, a2);
	free(a1);
	free(a2);
	h_resp_free(&r);
	h_resp_free(&m);
	/* ... and at creation */
	b = h_fmt("{\"name\":\"Tehran Gas Branch\",\"province\":\"Tehran\",\"parent\":%lld}",
		  (long long)G.fars);
	h_http(&G.srv, &r, "POST", "/api/v1/orgs", &G.c[U_PROV], b);
	free(b);
	H_PROBLEM(&r, 400, "parent");
	h_resp_free(&r);
	h_httpf(&G.srv, &r, "GET", &G.c[U_ANALYST], NULL, "/api/v1/orgs/%lld", (long long)G.teh2);
	assert_true(json_is_null(json_object_get(r.json, "parent")));
	h_resp_free(&r);
	/* a parent in one's own province is fine */
	b = h_fmt("{\"parent\":%lld}", (long long)G.teh);
	h_httpf(&G.srv, &r, "PATCH", &G.c[U_PROV], b, "/api/v1/orgs/%lld", (long long)G.teh2);
	free(b);
	H_STATUS(&r, 200);
	h_resp_free(&r);
	/* a parent the national centre set stays when the province edits the
	** name */
	b = h_fmt("{\"parent\":%lld}", (long long)G.fars);
	h_httpf(&G.srv, &r, "PATCH", &G.c[U_ANALYST], b, "/api/v1/orgs/%lld", (long long)G.teh2);
	free(b);
	H_STATUS(&r, 200);
	h_resp_free(&r);
	h_httpf(&G.srv, &r, "PATCH", &G.c[U_PROV], "{\"sector\":\"water\"}", "/api/v1/orgs/%lld",
		(long long)G.teh2);
	H_STATUS(&r, 200);
	assert_int_equal(h_jint(r.json, "parent"), G.fars);
	h_resp_free(&r);
	h_httpf(&G.srv, &r, "PATCH", &G.c[U_ANALYST], "{\"parent\":null}", "/api/v1/orgs/%lld",
		(long long)G.teh2);
	H_STATUS(&r, 200);
	h_resp_free(&r);
}

/* ----------------------------------------------------- item 13: oracle */

/* POST path with body fmt (one %lld: the organisation) as who, for Fars's
** organisation and for a missing one: the same answer. */
static void same_answer(int who, const char *path, const char *fmt, const char *field)
{
	struct h_resp r, m;
	char *b1 = h_fmt(fmt, (long long)G.fars), *b2 = h_fmt(fmt, 987654LL);
	h_http(&G.srv, &r, "POST", path, &G.c[who], b1);
	h_http(&G.srv, &m, "POST", path, &G.c[who], b2);
	H_PROBLEM(&r, 400, field);
	H_PROBLEM(&m, 400, field);
	char *a1 = normalised(&r, G.fars), *a2 = normalised(&m, 987654);
	if (strcmp(a1, a2) != 0)
		fail_msg("%s as %s: an existing out-of-scope organisation answers\n%s\n"
			 "a missing one\n%s", path, login_of[who], a1, a2);
	free(a1);
	free(a2);
	free(b1);
	free(b2);
	h_resp_free(&r);
	h_resp_free(&m);
}

static void test_no_org_oracle(void **state)
{
	(void)state;
	const char *inc = "{\"org_id\":%lld,\"title\":\"probe\"}";
	same_answer(U_PROV, "/api/v1/incidents", inc, "org_id");
	same_answer(U_CONS_TEH, "/api/v1/incidents", inc, "org_id");
	const char *rep = "{\"org_id\":%lld,\"kind\":\"defacement\",\"key\":\"k\","
			  "\"severity\":\"low\"}";
	same_answer(U_PROV, "/api/v1/reports", rep, "org_id");
	/* a token narrowed to an organisation: only sessions may ask */
	char cookie[128], csrf[128];
	h_login(&G.srv, "prov_teh", PW, cookie, csrf);
	struct h_cred sess = { NULL, cookie, csrf };
	struct h_resp r, m;
	char *b1 = h_fmt("{\"org\":%lld}", (long long)G.fars);
	h_http(&G.srv, &r, "POST", "/api/v1/tokens", &sess, b1);
	h_http(&G.srv, &m, "POST", "/api/v1/tokens", &sess, "{\"org\":987654}");
	H_PROBLEM(&r, 400, "org");
	H_PROBLEM(&m, 400, "org");
	char *a1 = normalised(&r, G.fars), *a2 = normalised(&m, 987654);
	assert_string_equal(a1, a2);
	free(a1);
	free(a2);
	free(b1);
	h_resp_free(&r);
	h_resp_free(&m);
}

/* ------------------------------------------------------ item 4: merge */

static int64_t open_incident(int64_t org, const char *title)
{
	struct h_resp r;
	char *b = h_fmt("{\"org_id\":%lld,\"title\":\"%s\"}", (long long)org, title);
	h_http(&G.srv, &r, "POST", "/api/v1/incidents", &G.c[U_ANALYST], b);
	free(b);
	H_STATUS(&r, 201);
	int64_t id = h_jint(r.json, "id");
	h_resp_free(&r);
	return id;
}

static void say(int who, int64_t id, const char *text)
{
	struct h_resp r;
	char *b = h_fmt("{\"body\":\"%s\"}", text);
	h_httpf(&G.srv, &r, "POST", &G.c[who], b, "/api/v1/incidents/%lld/messages", (long long)id);
	free(b);
	H_STATUS(&r, 201);
	h_resp_free(&r);
}

static void attach(int who, int64_t id, const char *name, const char *data)
{
	struct h_resp r;
	char *path = h_fmt("/api/v1/incidents/%lld/evidence?name=%s", (long long)id, name);
	h_http_ex(&G.srv, &r, "POST", path, &G.c[who], "application/octet-stream", data,
		  strlen(data), false, NULL);
	free(path);
	H_STATUS(&r, 201);
	h_resp_free(&r);
}

/* The thread and the evidence of id as who sees them, one text. */
static char *seen(int who, int64_t id)
{
	struct h_resp r, e;
	h_httpf(&G.srv, &r, "GET", &G.c[who], NULL, "/api/v1/incidents/%lld/messages",
		(long long)id);
	H_STATUS(&r, 200);
	h_httpf(&G.srv, &e, "GET", &G.c[who], NULL, "/api/v1/incidents/%lld/evidence",
		(long long)id);
	H_STATUS(&e, 200);
	char *s = h_fmt("%s\n%s", r.body, e.body);
	h_resp_free(&r);
	h_resp_free(&e);
	return s;
}

static void test_merge_across_orgs_refused(void **state)
{
	(void)state;
	int64_t t = open_incident(G.teh, "phishing at roads"), f = open_incident(G.fars, "phishing at gas");
	say(U_CONS_TEH, t, "roads-secret-thread");
	attach(U_CONS_TEH, t, "roads.txt", "roads-secret-file");
	say(U_CONS_FARS, f, "gas-secret-thread");
	attach(U_CONS_FARS, f, "gas.txt", "gas-secret-file");
	char *st = seen(U_CONS_TEH, t), *sf = seen(U_CONS_FARS, f);
	H_CONTAINS(sf, "gas-secret-thread");
	H_CONTAINS(sf, "gas.txt");

	/* Fars's incident into Tehran's: refused for analysts and admins */
	const int who[] = { U_ANALYST, U_ADMIN };
	for (size_t k = 0; k < 2; k++) {
		struct h_resp r;
		char *b = h_fmt("{\"into\":%lld}", (long long)t);
		h_httpf(&G.srv, &r, "POST", &G.c[who[k]], b, "/api/v1/incidents/%lld/merge",
			(long long)f);
		free(b);
		H_PROBLEM(&r, 409, "into");
		H_CONTAINS(h_jstr(r.json, "detail"), "link");
		h_resp_free(&r);
	}
	/* ... and at the CLI */
	char *fs = h_fmt("%lld", (long long)f), *ts = h_fmt("%lld", (long long)t);
	struct h_proc p;
	h_cli(&p, G.dir, NULL, "incident", "merge", fs, ts, NULL);
	assert_int_not_equal(p.status, 0);
	H_CONTAINS(p.err, "link");
	h_proc_free(&p);

	/* each constituent still sees exactly its own thread and evidence */
	char *st2 = seen(U_CONS_TEH, t), *sf2 = seen(U_CONS_FARS, f);
	assert_string_equal(st2, st);
	assert_string_equal(sf2, sf);
	assert_null(strstr(st2, "gas-secret"));
	assert_null(strstr(st2, "gas.txt"));
	struct h_resp r;
	h_httpf(&G.srv, &r, "GET", &G.c[U_CONS_FARS], NULL, "/api/v1/incidents/%lld",
		(long long)f);
	H_STATUS(&r, 200);
	assert_string_not_equal(h_jstr(r.json, "status"), "duplicate");
	h_resp_free(&r);

	/* linking them is the way, and a merge within one organisation works */
	char *b = h_fmt("{\"incident\":%lld}", (long long)t);
	h_httpf(&G.srv, &r, "POST", &G.c[U_ANALYST], b, "/api/v1/incidents/%lld/links",
		(long long)f);
	free(b);
	assert_true(r.status == 201 || r.status == 204 || r.status == 200);
	h_resp_free(&r);
	int64_t t2 = open_incident(G.teh, "phishing at roads, again");
	say(U_CONS_TEH, t2, "roads-second-thread");
	b = h_fmt("{\"into\":%lld}", (long long)t);
	h_httpf(&G.srv, &r, "POST", &G.c[U_ANALYST], b, "/api/v1/incidents/%lld/merge",
		(long long)t2);
	free(b);
	assert_true(r.status >= 200 && r.status < 300);
	h_resp_free(&r);
	char *st3 = seen(U_CONS_TEH, t);
	H_CONTAINS(st3, "roads-second-thread");
	H_CONTAINS(st3, "roads-secret-thread");
	free(st3);
	free(st);
	free(sf);
	free(st2);
	free(sf2);
	free(fs);
	free(ts);
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_provincial_cannot_take_fars_hosts),
		cmocka_unit_test(test_analyst_confirms_overlap),
		cmocka_unit_test(test_overlap_within_scope),
		cmocka_unit_test(test_cli_overlap),
		cmocka_unit_test(test_parent_out_of_scope),
		cmocka_unit_test(test_no_org_oracle),
		cmocka_unit_test(test_merge_across_orgs_refused),
	};
	return cmocka_run_group_tests_name("attack_scope", tests, group_setup, group_teardown);
}
