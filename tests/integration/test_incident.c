/*
** test_incident.c — incidents over HTTP against the real server: the
** contract scripts rely on (POST /api/v1/reports, GET /api/v1/incidents/{id},
** the list with filters and cursor, transitions, the thread), evidence
** uploads and downloads byte for byte with their hash and as attachments,
** the evidence size limit (evidence.max_size set to 4096 through
** PARAPET_EVIDENCE_MAX_SIZE), and access: a constituent of another
** organisation, a provincial analyst of another province and a responder
** outside the team get 404 (never 403) on the incident, its thread and its
** evidence, and internal notes never reach a constituent.
**
** One server for the whole group; every caller uses its own API token.
*/
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define PW "incident-password-1"

enum { U_ADMIN, U_ANALYST, U_PROV_TEH, U_PROV_FARS, U_RESP_IN, U_RESP_OUT, U_CONS_A,
       U_CONS_B, NUSERS };
static const char *const login_of[NUSERS] = { "admin",   "analyst", "prov_teh", "prov_fars",
					      "resp_in", "resp_out", "cons_a",  "cons_b" };

static struct {
	char *dir;
	struct h_server srv;
	int64_t org_a, org_b; /* Tehran, Fars */
	int64_t uid[NUSERS];
	char *tok[NUSERS];
	struct h_cred c[NUSERS];
	int64_t team;
	int seq;
} G;

static int group_setup(void **state)
{
	(void)state;
	memset(&G, 0, sizeof(G));
	G.dir = h_tmpdir("incident");
	h_migrate(G.dir);
	G.org_a = h_org_add(G.dir, "Org A", "Tehran");
	G.org_b = h_org_add(G.dir, "Org B", "Fars");
	G.uid[U_ADMIN] = h_user_add(G.dir, "admin", "admin", 0, NULL, PW);
	G.uid[U_ANALYST] = h_user_add(G.dir, "analyst", "analyst", 0, NULL, PW);
	G.uid[U_PROV_TEH] = h_user_add(G.dir, "prov_teh", "provincial", 0, "Tehran", PW);
	G.uid[U_PROV_FARS] = h_user_add(G.dir, "prov_fars", "provincial", 0, "Fars", PW);
	G.uid[U_RESP_IN] = h_user_add(G.dir, "resp_in", "responder", 0, NULL, PW);
	G.uid[U_RESP_OUT] = h_user_add(G.dir, "resp_out", "responder", 0, NULL, PW);
	G.uid[U_CONS_A] = h_user_add(G.dir, "cons_a", "constituent", G.org_a, NULL, PW);
	G.uid[U_CONS_B] = h_user_add(G.dir, "cons_b", "constituent", G.org_b, NULL, PW);
	for (int u = 0; u < NUSERS; u++) {
		G.tok[u] = h_token_add(G.dir, login_of[u], NULL);
		G.c[u].token = G.tok[u];
	}
	static const char *const env[] = { "PARAPET_EVIDENCE_MAX_SIZE=4096", NULL };
	h_server_start(&G.srv, G.dir, env);
	struct h_resp r;
	h_http(&G.srv, &r, "POST", "/api/v1/teams", &G.c[U_ADMIN], "{\"name\":\"rapid\"}");
	H_STATUS(&r, 201);
	G.team = h_jint(r.json, "id");
	h_resp_free(&r);
	char *b = h_fmt("{\"user\":%lld}", (long long)G.uid[U_RESP_IN]);
	h_httpf(&G.srv, &r, "POST", &G.c[U_ADMIN], b, "/api/v1/teams/%lld/members",
		(long long)G.team);
	free(b);
	H_STATUS(&r, 204);
	h_resp_free(&r);
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

/* POST /api/v1/reports; returns the incident id and checks created. */
static int64_t report(int64_t org, const char *key, const char *sev, bool created)
{
	struct h_resp r;
	char *b = h_fmt("{\"org_id\":%lld,\"kind\":\"defacement\",\"key\":\"%s\","
			"\"severity\":\"%s\",\"summary\":\"front page replaced\"}",
			(long long)org, key, sev);
	h_http(&G.srv, &r, "POST", "/api/v1/reports", &G.c[U_ANALYST], b);
	free(b);
	H_STATUS(&r, created ? 201 : 200);
	assert_true(json_is_boolean(json_object_get(r.json, "created")));
	assert_int_equal(json_is_true(json_object_get(r.json, "created")), created);
	int64_t id = h_jint(json_object_get(r.json, "incident"), "id");
	assert_true(id > 0);
	h_resp_free(&r);
	return id;
}

static int64_t fresh(int64_t org)
{
	char key[64];
	snprintf(key, sizeof(key), "https://site%d.example/", ++G.seq);
	return report(org, key, "medium", true);
}

static long call(int who, const char *method, const char *body, struct h_resp *r,
		 const char *fmt, long long id)
{
	h_httpf(&G.srv, r, method, &G.c[who], body, fmt, id);
	return r->status;
}

/* status of a call, response freed */
static long status_of(int who, const char *method, const char *body, const char *fmt,
		      long long id)
{
	struct h_resp r;
	long s = call(who, method, body, &r, fmt, id);
	h_resp_free(&r);
	return s;
}

static void transition(int64_t id, const char *to, long want)
{
	struct h_resp r;
	char *b = h_fmt("{\"to\":\"%s\"}", to);
	call(U_ANALYST, "POST", b, &r, "/api/v1/incidents/%lld/transitions", (long long)id);
	free(b);
	if (want >= 400)
		H_PROBLEM(&r, want, NULL);
	else
		H_STATUS(&r, want);
	h_resp_free(&r);
}

static int64_t upload(int who, int64_t id, const char *name, const char *vis, const void *data,
		      size_t len, long want)
{
	struct h_resp r;
	char *path = h_fmt("/api/v1/incidents/%lld/evidence?name=%s%s%s", (long long)id, name,
			   vis ? "&visibility=" : "", vis ? vis : "");
	h_http_ex(&G.srv, &r, "POST", path, &G.c[who], "application/octet-stream", data, len,
		  false, NULL);
	free(path);
	if (want >= 400)
		H_PROBLEM(&r, want, NULL);
	else
		H_STATUS(&r, want);
	int64_t eid = r.json ? h_jint(r.json, "id") : 0;
	h_resp_free(&r);
	return eid;
}

static bool items_have(const json_t *items, const char *key, int64_t v)
{
	for (size_t k = 0; k < json_array_size(items); k++)
		if (h_jint(json_array_get(items, k), key) == v)
			return true;
	return false;
}

/* --------------------------------------------------------------- tests */

static void report_contract(void **state)
{
	(void)state;
	struct h_resp r;
	const char *body =
		"{\"org_id\":%lld,\"kind\":\"defacement\",\"key\":\"https://mof.example/\","
		"\"severity\":\"%s\",\"summary\":\"%s\",\"evidence\":{\"url\":\"https://mof.example/\","
		"\"sha256\":\"%s\"}}";
	char *b = h_fmt(body, (long long)G.org_a, "high", "defaced at 06:00", "aa11");
	h_http(&G.srv, &r, "POST", "/api/v1/reports", &G.c[U_ANALYST], b);
	free(b);
	H_STATUS(&r, 201);
	json_t *inc = json_object_get(r.json, "incident");
	assert_true(json_is_object(inc));
	int64_t id = h_jint(inc, "id");
	assert_true(id > 0);
	assert_true(json_is_true(json_object_get(r.json, "created")));
	h_resp_free(&r);
	/* the same key again: an observation of the same incident */
	b = h_fmt(body, (long long)G.org_a, "medium", "still defaced at 07:00", "bb22");
	h_http(&G.srv, &r, "POST", "/api/v1/reports", &G.c[U_ANALYST], b);
	free(b);
	H_STATUS(&r, 200);
	assert_int_equal(h_jint(json_object_get(r.json, "incident"), "id"), id);
	assert_true(json_is_false(json_object_get(r.json, "created")));
	h_resp_free(&r);
	/* refusals: a severity that is not one, a missing key, unknown fields,
	** a constituent (reports are for detectors and staff) */
	b = h_fmt(body, (long long)G.org_a, "severe", "x", "cc");
	h_http(&G.srv, &r, "POST", "/api/v1/reports", &G.c[U_ANALYST], b);
	free(b);
	H_PROBLEM(&r, 400, "severity");
	h_resp_free(&r);
	h_http(&G.srv, &r, "POST", "/api/v1/reports", &G.c[U_ANALYST],
	       "{\"org_id\":1,\"kind\":\"defacement\",\"severity\":\"low\"}");
	H_PROBLEM(&r, 400, "key");
	h_resp_free(&r);
	h_http(&G.srv, &r, "POST", "/api/v1/reports", &G.c[U_ANALYST],
	       "{\"org_id\":1,\"kind\":\"d\",\"key\":\"k\",\"severity\":\"low\",\"colour\":1}");
	H_PROBLEM(&r, 400, "colour");
	h_resp_free(&r);
	b = h_fmt(body, (long long)G.org_a, "low", "x", "dd");
	h_http(&G.srv, &r, "POST", "/api/v1/reports", &G.c[U_CONS_A], b);
	free(b);
	H_PROBLEM(&r, 403, NULL);
	h_resp_free(&r);

	/* the incident as scripts read it */
	call(U_ANALYST, "GET", NULL, &r, "/api/v1/incidents/%lld", (long long)id);
	H_STATUS(&r, 200);
	assert_string_equal(h_jstr(r.json, "status"), "new");
	assert_string_equal(h_jstr(r.json, "severity"), "high"); /* never lowered */
	assert_int_equal(h_jint(r.json, "org_id"), G.org_a);
	assert_string_equal(h_jstr(r.json, "tlp"), "AMBER");
	assert_int_equal(h_jint(r.json, "observations"), 2);
	assert_string_equal(h_jstr(r.json, "source"), "report");
	h_resp_free(&r);
	/* each observation keeps its evidence object */
	call(U_ANALYST, "GET", NULL, &r, "/api/v1/incidents/%lld/observations", (long long)id);
	H_STATUS(&r, 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 2);
	int seen = 0;
	for (size_t k = 0; k < 2; k++) {
		json_t *ev = json_object_get(json_array_get(items, k), "evidence");
		assert_true(json_is_object(ev));
		assert_string_equal(h_jstr(ev, "url"), "https://mof.example/");
		seen |= strcmp(h_jstr(ev, "sha256"), "aa11") == 0 ? 1 : 0;
		seen |= strcmp(h_jstr(ev, "sha256"), "bb22") == 0 ? 2 : 0;
	}
	assert_int_equal(seen, 3);
	h_resp_free(&r);
}

static void list_filters_and_cursor(void **state)
{
	(void)state;
	struct h_resp r;
	/* an organisation of its own, so the counts are exact */
	h_http(&G.srv, &r, "POST", "/api/v1/orgs", &G.c[U_ADMIN],
	       "{\"name\":\"Org L\",\"province\":\"Fars\"}");
	H_STATUS(&r, 201);
	int64_t org = h_jint(r.json, "id");
	h_resp_free(&r);
	int64_t ids[5];
	for (int k = 0; k < 5; k++)
		ids[k] = fresh(org);
	transition(ids[1], "triaged", 200);
	transition(ids[3], "triaged", 200);
	char *b = h_fmt("{\"body\":\"the defacer signed as marblecat\",\"visibility\":\"shared\"}");
	call(U_ANALYST, "POST", b, &r, "/api/v1/incidents/%lld/messages", (long long)ids[4]);
	free(b);
	H_STATUS(&r, 201);
	h_resp_free(&r);

	/* status and org */
	call(U_ANALYST, "GET", NULL, &r, "/api/v1/incidents?status=triaged&org_id=%lld",
	     (long long)org);
	H_STATUS(&r, 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_true(items_have(items, "id", ids[1]) && items_have(items, "id", ids[3]));
	for (size_t k = 0; k < 2; k++)
		assert_string_equal(h_jstr(json_array_get(items, k), "status"), "triaged");
	assert_true(json_is_null(json_object_get(r.json, "next")));
	h_resp_free(&r);
	call(U_ANALYST, "GET", NULL, &r, "/api/v1/incidents?status=new,triaged&org_id=%lld",
	     (long long)org);
	H_STATUS(&r, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 5);
	h_resp_free(&r);
	/* free text over messages */
	call(U_ANALYST, "GET", NULL, &r, "/api/v1/incidents?q=marblecat&org_id=%lld",
	     (long long)org);
	H_STATUS(&r, 200);
	items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(h_jint(json_array_get(items, 0), "id"), ids[4]);
	h_resp_free(&r);
	/* pages of two: 2, 2, 1, each id once */
	char cursor[128] = "";
	int sizes[3], total = 0;
	int64_t seen[5];
	for (int page = 0; page < 3; page++) {
		if (cursor[0])
			h_httpf(&G.srv, &r, "GET", &G.c[U_ANALYST], NULL,
				"/api/v1/incidents?org_id=%lld&limit=2&cursor=%s", (long long)org,
				cursor);
		else
			h_httpf(&G.srv, &r, "GET", &G.c[U_ANALYST], NULL,
				"/api/v1/incidents?org_id=%lld&limit=2", (long long)org);
		H_STATUS(&r, 200);
		items = json_object_get(r.json, "items");
		sizes[page] = (int)json_array_size(items);
		for (size_t k = 0; k < json_array_size(items); k++) {
			int64_t id = h_jint(json_array_get(items, k), "id");
			for (int s = 0; s < total; s++)
				assert_int_not_equal(seen[s], id);
			if (total < 5)
				seen[total++] = id;
		}
		json_t *next = json_object_get(r.json, "next");
		if (page < 2) {
			assert_true(json_is_string(next));
			snprintf(cursor, sizeof(cursor), "%s", json_string_value(next));
		} else {
			assert_true(json_is_null(next));
		}
		h_resp_free(&r);
	}
	assert_int_equal(sizes[0], 2);
	assert_int_equal(sizes[1], 2);
	assert_int_equal(sizes[2], 1);
	assert_int_equal(total, 5);
	/* bad filters are 400s */
	h_http(&G.srv, &r, "GET", "/api/v1/incidents?status=solved", &G.c[U_ANALYST], NULL);
	H_PROBLEM(&r, 400, "status");
	h_resp_free(&r);
	h_http(&G.srv, &r, "GET", "/api/v1/incidents?limit=501", &G.c[U_ANALYST], NULL);
	H_PROBLEM(&r, 400, "limit");
	h_resp_free(&r);
	h_http(&G.srv, &r, "GET", "/api/v1/incidents?cursor=bogus", &G.c[U_ANALYST], NULL);
	H_PROBLEM(&r, 400, "cursor");
	h_resp_free(&r);
}

static json_t *stats(int u);
static int64_t sum_of(json_t *obj);

/* status=open is the dashboard's open (one definition in incident); a
** status or severity the list does not know is a 400 naming the values,
** never an empty list. */
static void list_status_open_and_unknown_values(void **state)
{
	(void)state;
	struct h_resp r;
	int64_t org = h_org_add(G.dir, "Org O", "Fars"); /* its own: exact counts */
	int64_t ids[3];
	for (int k = 0; k < 3; k++)
		ids[k] = fresh(org);
	transition(ids[1], "rejected", 200);
	transition(ids[2], "triaged", 200);
	call(U_ANALYST, "GET", NULL, &r, "/api/v1/incidents?status=open&org_id=%lld",
	     (long long)org);
	H_STATUS(&r, 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_true(items_have(items, "id", ids[0]) && items_have(items, "id", ids[2]));
	h_resp_free(&r);
	/* the same count as the organisation's dashboard */
	call(U_ANALYST, "GET", NULL, &r, "/api/v1/incidents?status=open&limit=500&org_id=%lld",
	     (long long)G.org_a);
	H_STATUS(&r, 200);
	size_t listed = json_array_size(json_object_get(r.json, "items"));
	h_resp_free(&r);
	json_t *a = stats(U_CONS_A);
	assert_int_equal((int64_t)listed,
			 sum_of(json_object_get(json_object_get(a, "incidents"), "open_by_severity")));
	json_decref(a);
	static const struct {
		const char *query, *field, *says;
	} bad[] = {
		{ "status=bogus", "status", "in_progress" },
		{ "status=new,bogus", "status", "open" },
		{ "severity=urgent", "severity", "low, medium, high or critical" },
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		char *path = h_fmt("/api/v1/incidents?%s", bad[k].query);
		h_http(&G.srv, &r, "GET", path, &G.c[U_ANALYST], NULL);
		H_PROBLEM(&r, 400, bad[k].field);
		H_CONTAINS(h_jstr(r.json, "detail"), bad[k].says);
		h_resp_free(&r);
		free(path);
	}
}

static void transitions_legal_and_illegal(void **state)
{
	(void)state;
	struct h_resp r;
	int64_t id = fresh(G.org_a);
	transition(id, "triaged", 200);
	/* straight from triaged to closed skips the work: 409 */
	transition(id, "closed", 409);
	transition(id, "duplicate", 400);
	transition(id, "solved", 400);
	transition(id, "contained", 200);
	transition(id, "recovered", 200);
	transition(id, "closed", 200);
	transition(id, "in_progress", 409);
	call(U_ANALYST, "GET", NULL, &r, "/api/v1/incidents/%lld", (long long)id);
	H_STATUS(&r, 200);
	assert_string_equal(h_jstr(r.json, "status"), "closed");
	json_t *tt = json_object_get(r.json, "time_to");
	assert_true(json_is_integer(json_object_get(tt, "acknowledge")));
	assert_true(json_is_integer(json_object_get(tt, "close")));
	h_resp_free(&r);
	/* the history: who and when, in order */
	call(U_CONS_A, "GET", NULL, &r, "/api/v1/incidents/%lld/transitions", (long long)id);
	H_STATUS(&r, 200);
	json_t *items = json_object_get(r.json, "items");
	static const char *const to[] = { "triaged", "contained", "recovered", "closed" };
	assert_int_equal(json_array_size(items), 4);
	for (size_t k = 0; k < 4; k++) {
		json_t *t = json_array_get(items, k);
		assert_string_equal(h_jstr(t, "to"), to[k]);
		H_CONTAINS(h_jstr(t, "actor"), "analyst");
		assert_true(json_is_string(json_object_get(t, "time")));
	}
	h_resp_free(&r);
	/* a constituent reads the history but does not move the state */
	assert_int_equal(status_of(U_CONS_A, "POST", "{\"to\":\"triaged\"}",
				   "/api/v1/incidents/%lld/transitions", (long long)fresh(G.org_a)),
			 403);
}

static bool thread_has(int who, int64_t id, const char *needle)
{
	struct h_resp r;
	call(who, "GET", NULL, &r, "/api/v1/incidents/%lld/messages", (long long)id);
	H_STATUS(&r, 200);
	bool found = strstr(r.body, needle) != NULL;
	h_resp_free(&r);
	return found;
}

static void messages_internal_and_shared(void **state)
{
	(void)state;
	struct h_resp r;
	int64_t id = fresh(G.org_a);
	call(U_ANALYST, "POST", "{\"body\":\"internal: likely the same group as last week\","
	     "\"visibility\":\"internal\"}", &r, "/api/v1/incidents/%lld/messages", (long long)id);
	H_STATUS(&r, 201);
	assert_string_equal(h_jstr(r.json, "visibility"), "internal");
	h_resp_free(&r);
	call(U_ANALYST, "POST", "{\"body\":\"Please take the server offline.\"}", &r,
	     "/api/v1/incidents/%lld/messages", (long long)id);
	H_STATUS(&r, 201);
	assert_string_equal(h_jstr(r.json, "visibility"), "shared");
	h_resp_free(&r);
	/* the constituent reads the shared message only */
	call(U_CONS_A, "GET", NULL, &r, "/api/v1/incidents/%lld/messages", (long long)id);
	H_STATUS(&r, 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(h_jstr(json_array_get(items, 0), "body"),
			    "Please take the server offline.");
	assert_null(strstr(r.body, "same group"));
	assert_null(strstr(r.body, "internal"));
	h_resp_free(&r);
	assert_true(thread_has(U_ANALYST, id, "same group as last week"));
	/* and answers in the thread, shared only */
	call(U_CONS_A, "POST", "{\"body\":\"done\",\"visibility\":\"internal\"}", &r,
	     "/api/v1/incidents/%lld/messages", (long long)id);
	H_PROBLEM(&r, 403, "visibility");
	h_resp_free(&r);
	call(U_CONS_A, "POST", "{\"body\":\"Server is offline now.\"}", &r,
	     "/api/v1/incidents/%lld/messages", (long long)id);
	H_STATUS(&r, 201);
	h_resp_free(&r);
	assert_true(thread_has(U_ANALYST, id, "Server is offline now."));
	/* the constituent's incident view carries no internal text either */
	call(U_CONS_A, "GET", NULL, &r, "/api/v1/incidents/%lld", (long long)id);
	H_STATUS(&r, 200);
	assert_null(strstr(r.body, "same group"));
	h_resp_free(&r);
}

static void evidence_round_trip(void **state)
{
	(void)state;
	struct h_resp r;
	int64_t id = fresh(G.org_a);
	/* binary, with NULs and high bytes */
	unsigned char data[3000];
	for (size_t k = 0; k < sizeof(data); k++)
		data[k] = (unsigned char)((k * 7 + 3) % 256);
	int64_t eid = upload(U_CONS_A, id, "capture%201.pcap", NULL, data, sizeof(data), 201);
	assert_true(eid > 0);
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(d, data, sizeof(data));
	char hex[65];
	sodium_bin2hex(hex, sizeof(hex), d, sizeof(d));

	call(U_ANALYST, "GET", NULL, &r, "/api/v1/incidents/%lld/evidence", (long long)id);
	H_STATUS(&r, 200);
	json_t *it = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(h_jstr(it, "name"), "capture 1.pcap");
	assert_string_equal(h_jstr(it, "sha256"), hex);
	assert_int_equal(h_jint(it, "size"), sizeof(data));
	h_resp_free(&r);

	const int readers[] = { U_ANALYST, U_CONS_A };
	for (size_t w = 0; w < 2; w++) {
		int who = readers[w];
		h_httpf(&G.srv, &r, "GET", &G.c[who], NULL, "/api/v1/incidents/%lld/evidence/%lld",
			(long long)id, (long long)eid);
		H_STATUS(&r, 200);
		assert_int_equal(r.body_len, sizeof(data));
		assert_memory_equal(r.body, data, sizeof(data));
		char *ct = h_header(&r, "Content-Type");
		char *cd = h_header(&r, "Content-Disposition");
		char *sha = h_header(&r, "X-Evidence-SHA256");
		assert_non_null(ct);
		assert_non_null(cd);
		assert_non_null(sha);
		assert_string_equal(ct, "application/octet-stream");
		assert_int_equal(strncmp(cd, "attachment;", 11), 0);
		H_CONTAINS(cd, "filename=\"capture 1.pcap\"");
		assert_string_equal(sha, hex);
		free(ct);
		free(cd);
		free(sha);
		h_resp_free(&r);
	}
	/* internal evidence does not exist for the constituent */
	int64_t hidden = upload(U_ANALYST, id, "notes.txt", "internal", "internal only", 13, 201);
	char *p = h_fmt("/api/v1/incidents/%lld/evidence/%lld", (long long)id, (long long)hidden);
	h_http(&G.srv, &r, "GET", p, &G.c[U_ANALYST], NULL);
	H_STATUS(&r, 200);
	h_resp_free(&r);
	h_http(&G.srv, &r, "GET", p, &G.c[U_CONS_A], NULL);
	free(p);
	H_PROBLEM(&r, 404, NULL);
	h_resp_free(&r);
	call(U_CONS_A, "GET", NULL, &r, "/api/v1/incidents/%lld/evidence", (long long)id);
	H_STATUS(&r, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	assert_null(strstr(r.body, "notes.txt"));
	h_resp_free(&r);
	/* a constituent cannot upload internal evidence */
	upload(U_CONS_A, id, "x.txt", "internal", "abc", 3, 403);
	/* evidence of another incident is not found under this one */
	int64_t other = fresh(G.org_a);
	p = h_fmt("/api/v1/incidents/%lld/evidence/%lld", (long long)other, (long long)eid);
	h_http(&G.srv, &r, "GET", p, &G.c[U_ANALYST], NULL);
	free(p);
	H_PROBLEM(&r, 404, NULL);
	h_resp_free(&r);
}

static void evidence_size_limit(void **state)
{
	(void)state;
	int64_t id = fresh(G.org_a);
	static unsigned char big[5000];
	memset(big, 'x', sizeof(big));
	upload(U_ANALYST, id, "big.bin", NULL, big, sizeof(big), 413);
	/* exactly the limit is accepted */
	upload(U_ANALYST, id, "max.bin", NULL, big, 4096, 201);
	upload(U_ANALYST, id, "empty.bin", NULL, "", 0, 400);
	struct h_resp r;
	call(U_ANALYST, "GET", NULL, &r, "/api/v1/incidents/%lld/evidence", (long long)id);
	H_STATUS(&r, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	h_resp_free(&r);
}

/* Outsiders get 404 on everything of the incident, never 403. */
static void outsiders_get_404(void **state)
{
	(void)state;
	struct h_resp r;
	int64_t id = fresh(G.org_a); /* Org A, Tehran */
	char *b = h_fmt("{\"team\":%lld}", (long long)G.team);
	assert_int_equal(status_of(U_ANALYST, "POST", b, "/api/v1/incidents/%lld/assign",
				   (long long)id), 200);
	free(b);
	call(U_ANALYST, "POST", "{\"body\":\"shared hello\"}", &r,
	     "/api/v1/incidents/%lld/messages", (long long)id);
	H_STATUS(&r, 201);
	h_resp_free(&r);
	int64_t eid = upload(U_ANALYST, id, "e.txt", NULL, "evidence", 8, 201);
	char *ev = h_fmt("/api/v1/incidents/%%lld/evidence/%lld", (long long)eid);
	const struct {
		const char *method, *fmt, *body;
	} reqs[] = {
		{ "GET", "/api/v1/incidents/%lld", NULL },
		{ "GET", "/api/v1/incidents/%lld/messages", NULL },
		{ "POST", "/api/v1/incidents/%lld/messages", "{\"body\":\"hi\"}" },
		{ "GET", "/api/v1/incidents/%lld/observations", NULL },
		{ "GET", "/api/v1/incidents/%lld/transitions", NULL },
		{ "GET", "/api/v1/incidents/%lld/evidence", NULL },
		{ "GET", ev, NULL },
	};
	const int outsiders[] = { U_CONS_B, U_PROV_FARS, U_RESP_OUT };
	for (size_t o = 0; o < 3; o++) {
		for (size_t k = 0; k < sizeof(reqs) / sizeof(reqs[0]); k++) {
			call(outsiders[o], reqs[k].method, reqs[k].body, &r, reqs[k].fmt,
			     (long long)id);
			if (r.status != 404)
				fail_msg("%s %s as %s: %ld, expected 404", reqs[k].method,
					 reqs[k].fmt, login_of[outsiders[o]], r.status);
			H_PROBLEM(&r, 404, NULL);
			assert_null(strstr(r.body, "Org A"));
			h_resp_free(&r);
		}
		/* the upload, too */
		upload(outsiders[o], id, "x.txt", NULL, "abc", 3, 404);
		/* and the list does not show it */
		h_http(&G.srv, &r, "GET", "/api/v1/incidents?limit=500", &G.c[outsiders[o]], NULL);
		H_STATUS(&r, 200);
		assert_false(items_have(json_object_get(r.json, "items"), "id", id));
		h_resp_free(&r);
	}
	/* insiders: the team's responder, Tehran's analyst, Org A's constituent */
	const int insiders[] = { U_CONS_A, U_PROV_TEH, U_RESP_IN };
	for (size_t o = 0; o < 3; o++) {
		for (size_t k = 0; k < sizeof(reqs) / sizeof(reqs[0]); k++) {
			call(insiders[o], reqs[k].method, reqs[k].body, &r, reqs[k].fmt,
			     (long long)id);
			long want = strcmp(reqs[k].method, "POST") == 0 ? 201 : 200;
			if (r.status != want)
				fail_msg("%s %s as %s: %ld, expected %ld", reqs[k].method,
					 reqs[k].fmt, login_of[insiders[o]], r.status, want);
			h_resp_free(&r);
		}
	}
	free(ev);
}

static void constituent_opens_incident(void **state)
{
	(void)state;
	struct h_resp r;
	char *b = h_fmt("{\"org_id\":%lld,\"title\":\"Ransom note on the file server\","
			"\"summary\":\"found this morning\"}", (long long)G.org_a);
	h_http(&G.srv, &r, "POST", "/api/v1/incidents", &G.c[U_CONS_A], b);
	free(b);
	H_STATUS(&r, 201);
	int64_t id = h_jint(r.json, "id");
	assert_string_equal(h_jstr(r.json, "status"), "new");
	assert_string_equal(h_jstr(r.json, "source"), "report");
	assert_int_equal(h_jint(r.json, "org_id"), G.org_a);
	h_resp_free(&r);
	/* it is in the constituent's list and the analysts' triage queue */
	h_http(&G.srv, &r, "GET", "/api/v1/incidents?status=new&limit=500", &G.c[U_CONS_A], NULL);
	H_STATUS(&r, 200);
	assert_true(items_have(json_object_get(r.json, "items"), "id", id));
	h_resp_free(&r);
	h_http(&G.srv, &r, "GET", "/api/v1/incidents?status=new&source=report&limit=500",
	       &G.c[U_ANALYST], NULL);
	H_STATUS(&r, 200);
	assert_true(items_have(json_object_get(r.json, "items"), "id", id));
	h_resp_free(&r);
	/* not for another organisation */
	b = h_fmt("{\"org_id\":%lld,\"title\":\"not mine\"}", (long long)G.org_b);
	h_http(&G.srv, &r, "POST", "/api/v1/incidents", &G.c[U_CONS_A], b);
	free(b);
	H_PROBLEM(&r, 400, "org_id"); /* as for a missing organisation */
	h_resp_free(&r);
	/* nor edit, assign, merge or link its own */
	assert_int_equal(status_of(U_CONS_A, "PATCH", "{\"severity\":\"critical\"}",
				   "/api/v1/incidents/%lld", (long long)id), 403);
	assert_int_equal(status_of(U_CONS_A, "POST", "{}", "/api/v1/incidents/%lld/assign",
				   (long long)id), 403);
}

/* A list asked again at once answers from the worker's cache, which must
** never be stale or cross scopes: after a change (a new incident, a state,
** a shared message found by search, an organisation renamed) the same list
** asked within the same second shows it, and the same URL asked by another
** scope gets that scope's answer. */
static struct h_server reader; /* one worker thread: every list hits its cache */

static bool list_has(int who, const char *path, int64_t id, const char *field, const char *want)
{
	struct h_resp r;
	h_http(&reader, &r, "GET", path, &G.c[who], NULL);
	H_STATUS(&r, 200);
	bool found = false;
	json_t *items = json_object_get(r.json, "items");
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		if (h_jint(it, "id") == id && (!field || strcmp(h_jstr(it, field), want) == 0))
			found = true;
	}
	h_resp_free(&r);
	return found;
}

static void list_cache_never_stale(void **state)
{
	(void)state;
	/* Lists are read from a second server process with a single worker
	** (so the cache is always the same one) while every change goes
	** through the first: the generation must cross processes too. */
	static const char *const env[] = { "PARAPET_HTTP_THREADS=1", NULL };
	/* a second data directory on the same database: serve locks its own */
	char *twin = h_data_twin(G.dir);
	h_server_start(&reader, twin, env);
	char *path = h_fmt("/api/v1/incidents?org_id=%lld&limit=500", (long long)G.org_a);
	int64_t before = fresh(G.org_a);
	assert_true(list_has(U_ANALYST, path, before, NULL, NULL));
	assert_true(list_has(U_ANALYST, path, before, NULL, NULL)); /* twice: cached */
	int64_t added = fresh(G.org_a);
	assert_true(list_has(U_ANALYST, path, added, NULL, NULL));
	transition(added, "triaged", 200);
	assert_true(list_has(U_ANALYST, path, added, "status", "triaged"));
	/* search reads the thread: a new shared message is found at once */
	char *q = h_fmt("/api/v1/incidents?q=quokka%d&limit=500", G.seq);
	assert_false(list_has(U_ANALYST, q, added, NULL, NULL));
	char *body = h_fmt("{\"body\":\"seen a quokka%d here\",\"visibility\":\"shared\"}", G.seq);
	assert_int_equal(status_of(U_ANALYST, "POST", body, "/api/v1/incidents/%lld/messages",
				   (long long)added), 201);
	assert_true(list_has(U_ANALYST, q, added, NULL, NULL));
	/* the organisation's name is in every item */
	struct h_resp r;
	h_httpf(&G.srv, &r, "PATCH", &G.c[U_ADMIN], "{\"name\":\"Org A renamed\"}",
		"/api/v1/orgs/%lld", (long long)G.org_a);
	H_STATUS(&r, 200);
	h_resp_free(&r);
	assert_true(list_has(U_ANALYST, path, added, "org_name", "Org A renamed"));
	/* the same URL by other scopes: Org B's constituent sees none of Org
	** A's incidents, Org A's constituent does */
	assert_true(list_has(U_CONS_A, path, added, NULL, NULL));
	assert_false(list_has(U_CONS_B, path, added, NULL, NULL));
	assert_false(list_has(U_PROV_FARS, path, added, NULL, NULL));
	assert_true(list_has(U_CONS_A, path, added, NULL, NULL));
	free(body);
	free(q);
	free(path);
	assert_int_equal(h_server_stop(&reader), 0);
	h_rmdir(twin);
}


/* A link may join incidents of two organisations: each side's viewers see
** the link only when they may see the other incident, so a constituent
** never learns that another organisation's incident exists. */
static void links_only_to_visible(void **state)
{
	(void)state;
	int64_t a = fresh(G.org_a), b = fresh(G.org_b);
	struct h_resp r;
	char *p = h_fmt("/api/v1/incidents/%lld/links", (long long)a);
	char *body = h_fmt("{\"incident\":%lld}", (long long)b);
	h_http(&G.srv, &r, "POST", p, &G.c[U_ANALYST], body);
	assert_true(r.status == 200 || r.status == 201 || r.status == 204);
	h_resp_free(&r);
	free(p);
	free(body);
	p = h_fmt("/api/v1/incidents/%lld", (long long)a);
	h_http(&G.srv, &r, "GET", p, &G.c[U_ANALYST], NULL);
	H_STATUS(&r, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "links")), 1);
	h_resp_free(&r);
	h_http(&G.srv, &r, "GET", p, &G.c[U_CONS_A], NULL);
	H_STATUS(&r, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "links")), 0);
	h_resp_free(&r);
	free(p);
}

/* The dashboard's figures are counted within the caller's scope: a
** constituent's add up to its organisation's open incidents only, a
** provincial analyst sees only its province, and the national figures of
** the report feeds are for national staff (not a provincial analyst). */
static json_t *stats(int u)
{
	struct h_resp r;
	h_http(&G.srv, &r, "GET", "/api/v1/stats", &G.c[u], NULL);
	h_expect_status(&r, 200, __FILE__, __LINE__);
	json_t *j = json_incref(r.json);
	h_resp_free(&r);
	return j;
}

static int64_t sum_of(json_t *obj)
{
	int64_t n = 0;
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v)
		n += json_integer_value(v);
	return n;
}

static void dashboard_stats_scoped(void **state)
{
	(void)state;
	json_t *an = stats(U_ANALYST), *a = stats(U_CONS_A), *b = stats(U_CONS_B),
	       *pf = stats(U_PROV_FARS);
	json_t *by_prov = json_object_get(json_object_get(an, "incidents"), "open_by_province");
	int64_t teh = json_integer_value(json_object_get(by_prov, "Tehran"));
	int64_t fars = json_integer_value(json_object_get(by_prov, "Fars"));
	int64_t a_open = sum_of(json_object_get(json_object_get(a, "incidents"), "open_by_severity"));
	int64_t b_open = sum_of(json_object_get(json_object_get(b, "incidents"), "open_by_severity"));
	assert_int_equal(a_open, teh); /* org A is Tehran's only organisation here */
	assert_true(b_open <= fars);   /* Fars has another organisation (Org L) */
	assert_true(a_open > 0);
	json_t *pf_prov = json_object_get(json_object_get(pf, "incidents"), "open_by_province");
	assert_int_equal(json_object_size(pf_prov), 1);
	assert_non_null(json_object_get(pf_prov, "Fars"));
	assert_non_null(json_object_get(an, "feeds"));
	assert_null(json_object_get(a, "feeds"));
	assert_null(json_object_get(pf, "feeds"));
	json_t *days = json_object_get(json_object_get(an, "incidents"), "opened_per_day");
	assert_int_equal(json_array_size(days), 30);
	assert_true(json_integer_value(json_object_get(json_array_get(days, 29), "count")) > 0);
	/* one more in B: B's figures move, A's do not */
	int64_t b_high = json_integer_value(json_object_get(
		json_object_get(json_object_get(b, "incidents"), "open_by_severity"), "high"));
	report(G.org_b, "stats-new", "high", true);
	json_t *a2 = stats(U_CONS_A), *b2 = stats(U_CONS_B);
	assert_int_equal(sum_of(json_object_get(json_object_get(a2, "incidents"),
						"open_by_severity")),
			 a_open);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_object_get(b2, "incidents"), "open_by_severity"),
				 "high")),
			 b_high + 1);
	json_decref(an);
	json_decref(a);
	json_decref(b);
	json_decref(pf);
	json_decref(a2);
	json_decref(b2);
}

int main(void)
{
	h_init();
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(report_contract),
		cmocka_unit_test(list_filters_and_cursor),
		cmocka_unit_test(list_status_open_and_unknown_values),
		cmocka_unit_test(transitions_legal_and_illegal),
		cmocka_unit_test(messages_internal_and_shared),
		cmocka_unit_test(evidence_round_trip),
		cmocka_unit_test(evidence_size_limit),
		cmocka_unit_test(outsiders_get_404),
		cmocka_unit_test(constituent_opens_incident),
		cmocka_unit_test(list_cache_never_stale),
		cmocka_unit_test(dashboard_stats_scoped),
		cmocka_unit_test(links_only_to_visible),
	};
	return cmocka_run_group_tests_name("incident", tests, group_setup, group_teardown);
}
