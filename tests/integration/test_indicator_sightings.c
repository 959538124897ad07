/*
** test_indicator_sightings.c — sightings of listed indicators, end to end
** through the real binary (issue 15), and the dashboard's figures of a
** period:
**   - a Shadowserver sinkhole report imported with `parapet import report`
**     whose event addresses are listed (a host and its /24, an unowned
**     network) records one "feed" sighting per new event, naming the
**     event, its owner and the feed; the indicator's count and last seen
**     follow; importing the same file again adds none;
**   - an incident note naming a listed domain as analysts write it
**     (defanged, under a subdomain, in a URL) records an "incident"
**     sighting and links the indicator to the incident; a note naming
**     nothing listed records nothing;
**   - GET /api/v1/stats?from&to counts the malware incidents countered
**     (the sinkhole's infected-system incident once recovered), apps
**     blacklisted, indicators added and sightings in the period, and
**     nothing outside it; a constituent sees the incidents of their own
**     organisation only and none of the national figures.
** The indicators are listed through the store's own functions, dated a
** week before the report (so that last seen moving to the event's time is
** visible; `parapet indicator add` would date them now), and the results
** are read back with SQLite.
*/
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "harness.h"
#include "indicator/indicator.h"
#include "store/store.h"

#define PW "correct horse battery staple"

static char *dir;

static const char constituency[] =
	"organisation,province,sector,parent,kind,value,name,email,phone,role,lang,pgp\n"
	"Ministry of Finance,Tehran,government,,cidr,10.20.0.0/16,,,,,,\n"
	"Ministry of Finance,,,,domain,mof.example,,,,,,\n"
	"Tehran Water,Tehran,utility,,cidr,10.30.0.0/16,,,,,,\n";

static int64_t host_id, net_id, unowned_id, domain_id, other_id;

/* List a value as the registry stores it: canonical, with its range. */
static int64_t list(struct store *st, const char *type, const char *value, int64_t created)
{
	struct store_indicator *r = calloc(1, sizeof(*r));
	struct perr e = { 0 };
	enum indicator_type t = indicator_type_parse(type);
	if (!r || indicator_value_canon(t, value, strlen(value), r->value, sizeof(r->value), &e))
		fail_msg("canon %s: %s", value, e.msg);
	pstrtrunc(r->type, type, sizeof(r->type));
	PSTRCPY(r->status, "active");
	PSTRCPY(r->tlp, "AMBER");
	PSTRCPY(r->source, "analyst");
	PSTRCPY(r->actor, "test");
	PSTRCPY(r->class_, "malicious-code");
	r->confidence = 80;
	struct indicator_range rg;
	if (indicator_value_range(t, r->value, &rg) == 0) {
		r->family = rg.family;
		memcpy(r->lo, rg.first, 16);
		memcpy(r->hi, rg.last, 16);
	}
	r->first_seen_ms = r->last_seen_ms = r->created_ms = r->updated_ms = created;
	r->expires_ms = created + 30 * 86400000LL;
	if (store_indicator_insert(st, r, &e) != 0)
		fail_msg("insert %s: %s", value, e.msg);
	int64_t id = r->id;
	free(r);
	return id;
}

static int setup(void **state)
{
	(void)state;
	dir = h_tmpdir("sightings");
	h_migrate(dir);
	struct h_proc p;
	h_cli(&p, dir, constituency, "import", "constituency", "-", NULL);
	if (p.status != 0)
		fail_msg("constituency import: %s", p.err);
	h_proc_free(&p);
	char *db = h_fmt("%s/parapet.db", dir);
	struct store *st;
	struct perr e = { 0 };
	if (store_open(db, &st, &e) != 0)
		fail_msg("store: %s", e.msg);
	/* listed a week before the report's day (2026-11-27) */
	int64_t t0 = 1795737600000LL - 7 * 86400000LL;
	host_id = list(st, "ipv4", "10.20.14.33", t0);
	net_id = list(st, "cidr", "10.20.14.0/24", t0);
	unowned_id = list(st, "cidr", "198.51.100.0/24", t0);
	domain_id = list(st, "domain", "evil.example", t0);
	other_id = list(st, "sha256",
			"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", t0);
	store_close(st);
	free(db);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_rmdir(dir);
	return 0;
}

static sqlite3 *db_open(void)
{
	char *path = h_fmt("%s/parapet.db", dir);
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		fail_msg("sqlite3 %s", path);
	sqlite3_busy_timeout(db, 5000);
	free(path);
	return db;
}

/* One integer from a query with one optional integer parameter. */
static int64_t q1(sqlite3 *db, const char *sql, int64_t arg)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_bind_parameter_count(s) > 0)
		sqlite3_bind_int64(s, 1, arg);
	int64_t v = -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void import_sinkhole(const char *want_new)
{
	const char *d = getenv("FEEDS_DATA");
	char *file = h_fmt("%s/2026-11-27-event4_sinkhole-ir-geo.csv", d && *d ? d : "tests/data/feeds");
	struct h_proc p;
	h_cli(&p, dir, NULL, "import", "report", "--type", "auto", "--at", "2026-11-27T10:00:00Z",
	      file, NULL);
	if (p.status != 0)
		fail_msg("import: %s", p.err);
	h_expect_contains(p.out, want_new, __FILE__, __LINE__);
	h_proc_free(&p);
	free(file);
}

static void test_feed_sightings(void **state)
{
	(void)state;
	import_sinkhole("new 6");
	sqlite3 *db = db_open();
	/* 10.20.14.33's event (its second row has no usable port and is
	** rejected): one sighting, naming the event (the event's address is the
	** listed one), the owner and the feed */
	assert_int_equal(q1(db, "SELECT count(*) FROM indicator_sighting WHERE indicator_id = ? "
				"AND kind = 'feed'",
			    host_id),
			 1);
	assert_int_equal(q1(db, "SELECT count(*) FROM indicator_sighting s JOIN feed_event e ON "
				"e.id = s.ref WHERE s.indicator_id = ? AND s.kind = 'feed' AND "
				"e.ip = '10.20.14.33' AND s.org_id = e.org_id AND s.org_id = (SELECT id "
				"FROM org WHERE name = 'Ministry of Finance') AND s.detail LIKE "
				"'%sinkhole%'",
			    host_id),
			 1);
	/* the /24 holds three of the events (.33, .61, .90): its sightings
	** and those of the host are both counted */
	assert_int_equal(q1(db, "SELECT count(*) FROM indicator_sighting WHERE indicator_id = ? "
				"AND kind = 'feed'",
			    net_id),
			 3);
	/* an unowned host: a sighting without an organisation */
	assert_int_equal(q1(db, "SELECT count(*) FROM indicator_sighting WHERE indicator_id = ? "
				"AND kind = 'feed' AND org_id IS NULL",
			    unowned_id),
			 1);
	/* the count and last seen on the indicator: the event's time
	** (2026-11-27 00:04:17 UTC), not the import's; the incident the
	** sinkhole event opened names the address too (its own sighting) */
	assert_int_equal(q1(db, "SELECT sightings FROM indicator WHERE id = ?", host_id),
			 q1(db, "SELECT count(*) FROM indicator_sighting WHERE indicator_id = ?",
			    host_id));
	assert_int_equal(q1(db, "SELECT last_seen_ms FROM indicator WHERE id = ?", unowned_id),
			 1795738958000LL);
	assert_true(q1(db, "SELECT last_seen_ms FROM indicator WHERE id = ?", host_id) >=
		    1795737857000LL);
	assert_int_equal(q1(db, "SELECT count(*) FROM indicator_sighting WHERE indicator_id = ?",
			    other_id),
			 0);
	int64_t before = q1(db, "SELECT count(*) FROM indicator_sighting WHERE kind = 'feed'", 0);
	sqlite3_close(db);

	/* the same file again: no new event, no new sighting */
	import_sinkhole("new 0");
	db = db_open();
	assert_int_equal(q1(db, "SELECT count(*) FROM indicator_sighting WHERE kind = 'feed'", 0),
			 before);
	sqlite3_close(db);
}

static void test_incident_note(void **state)
{
	(void)state;
	/* an incident of its own, so that earlier sightings do not count */
	struct h_proc p;
	h_cli(&p, dir, NULL, "--json", "incident", "add", "1", "Phishing kit", "--severity",
	      "medium", "--class", "fraud", "--type", "phishing", NULL);
	if (p.status != 0)
		fail_msg("incident add: %s", p.err);
	json_error_t je;
	json_t *j = json_loads(p.out, 0, &je);
	json_t *inc = json_object_get(j, "incident");
	int64_t id = json_integer_value(json_object_get(inc ? inc : j, "id"));
	assert_true(id > 0);
	json_decref(j);
	h_proc_free(&p);
	char *ids = h_fmt("%lld", (long long)id);

	/* nothing listed in it: nothing recorded */
	h_cli(&p, dir, NULL, "incident", "message", ids, "Called the victim; example.org is fine.",
	      NULL);
	assert_int_equal(p.status, 0);
	h_proc_free(&p);
	sqlite3 *db = db_open();
	assert_int_equal(q1(db, "SELECT count(*) FROM indicator_sighting WHERE kind = 'incident' "
				"AND ref = ?",
			    id),
			 0);
	sqlite3_close(db);

	/* the domain defanged under a subdomain, and again in a URL: one
	** sighting of it, and the link */
	h_cli(&p, dir, NULL, "incident", "message", ids,
	      "Credentials posted to login.evil[.]example (see hxxps://login.evil[.]example/p.php).",
	      NULL);
	assert_int_equal(p.status, 0);
	h_proc_free(&p);
	db = db_open();
	assert_int_equal(q1(db, "SELECT count(*) FROM indicator_sighting WHERE kind = 'incident' "
				"AND indicator_id = (SELECT id FROM indicator WHERE value = "
				"'evil.example') AND ref = ?",
			    id),
			 1);
	assert_int_equal(q1(db, "SELECT count(*) FROM indicator_incident WHERE incident_id = ? "
				"AND indicator_id = (SELECT id FROM indicator WHERE value = "
				"'evil.example')",
			    id),
			 1);
	assert_int_equal(q1(db, "SELECT count(*) FROM indicator_sighting s JOIN incident i ON "
				"i.id = s.ref WHERE s.kind = 'incident' AND s.ref = ? AND s.org_id = "
				"i.org_id",
			    id),
			 1);
	sqlite3_close(db);
	free(ids);
}

static void test_dashboard_period(void **state)
{
	(void)state;
	/* the sinkhole's infected-system incident (RSIT malicious-code) is
	** worked to recovered: countered */
	struct h_proc p;
	h_cli(&p, dir, NULL, "--json", "incident", "list", "--search", "10.20.14.33", NULL);
	assert_int_equal(p.status, 0);
	json_error_t je;
	json_t *j = json_loads(p.out, 0, &je);
	json_t *items = json_is_array(j) ? j : json_object_get(j, "items");
	int64_t mal = 0;
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		if (strcmp(h_jstr(it, "class"), "malicious-code") == 0)
			mal = h_jint(it, "id");
	}
	json_decref(j);
	h_proc_free(&p);
	assert_true(mal > 0);
	char *ms = h_fmt("%lld", (long long)mal);
	const char *steps[] = { "triaged", "in_progress", "recovered" };
	for (int k = 0; k < 3; k++) {
		h_cli(&p, dir, NULL, "incident", "transition", ms, steps[k], NULL);
		if (p.status != 0)
			fail_msg("transition %s: %s", steps[k], p.err);
		h_proc_free(&p);
	}
	free(ms);
	/* one app confirmed malicious now, one long ago (the apk part writes
	** these rows; the table is migration 0013's) */
	sqlite3 *db = db_open();
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	char *sql = h_fmt("INSERT INTO apk_app(sha256, package, verdict, actor, created_ms, "
			  "updated_ms, status, blacklisted_ms) VALUES ('aa', 'com.evil.a', '{}', "
			  "'t', %lld, %lld, 'malicious', %lld), ('bb', 'com.evil.b', '{}', 't', 1, 1, "
			  "'malicious', 1000)",
			  (long long)now, (long long)now, (long long)now);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	free(sql);
	/* the period: from the month of the report to tomorrow */
	int64_t from = 1793491200000LL; /* 2026-11-01T00:00:00Z */
	int64_t sightings = q1(db, "SELECT count(*) FROM indicator_sighting WHERE seen_ms >= ?",
			       from);
	assert_true(sightings >= 6);
	sqlite3_close(db);

	h_user_add(dir, "admin", "admin", 0, NULL, PW);
	int64_t water = 0;
	h_cli(&p, dir, NULL, "--json", "org", "list", NULL);
	j = json_loads(p.out, 0, &je);
	items = json_is_array(j) ? j : json_object_get(j, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		if (strcmp(h_jstr(json_array_get(items, i), "name"), "Tehran Water") == 0)
			water = h_jint(json_array_get(items, i), "id");
	json_decref(j);
	h_proc_free(&p);
	assert_true(water > 0);
	h_user_add(dir, "cons", "constituent", water, NULL, PW);
	char *atok = h_token_add(dir, "admin", "--name", "t", NULL);
	char *ctok = h_token_add(dir, "cons", "--name", "t", NULL);
	struct h_server srv;
	h_server_start(&srv, dir, NULL);
	struct h_cred ad = { .token = atok }, co = { .token = ctok };
	struct h_resp r;

	time_t tomorrow = (time_t)(now / 1000 + 86400);
	struct tm tm;
	gmtime_r(&tomorrow, &tm);
	char to[32];
	strftime(to, sizeof(to), "%Y-%m-%dT00:00:00Z", &tm);
	h_httpf(&srv, &r, "GET", &ad, NULL, "/api/v1/stats?from=2026-11-01T00:00:00Z&to=%s", to);
	h_expect_status(&r, 200, __FILE__, __LINE__);
	json_t *ind = json_object_get(r.json, "indicators");
	assert_non_null(ind);
	assert_int_equal(h_jint(ind, "malware_countered"), 1);
	assert_int_equal(h_jint(ind, "apps_blacklisted"), 1);
	assert_int_equal(h_jint(ind, "indicators_added"), 5);
	assert_int_equal(h_jint(ind, "sightings"), sightings);
	h_resp_free(&r);

	/* the default period (the last 30 days) holds the recovery of today */
	h_http(&srv, &r, "GET", "/api/v1/stats", &ad, NULL);
	h_expect_status(&r, 200, __FILE__, __LINE__);
	ind = json_object_get(r.json, "indicators");
	assert_int_equal(h_jint(ind, "malware_countered"), 1);
	assert_int_equal(h_jint(ind, "apps_blacklisted"), 1);
	h_resp_free(&r);

	/* a period long past: nothing in it (the old app's day, 1970, aside) */
	h_http(&srv, &r, "GET", "/api/v1/stats?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z",
	       &ad, NULL);
	h_expect_status(&r, 200, __FILE__, __LINE__);
	ind = json_object_get(r.json, "indicators");
	assert_int_equal(h_jint(ind, "malware_countered"), 0);
	assert_int_equal(h_jint(ind, "apps_blacklisted"), 0);
	assert_int_equal(h_jint(ind, "indicators_added"), 0);
	assert_int_equal(h_jint(ind, "sightings"), 0);
	h_expect_contains(h_jstr(ind, "from"), "2020-01-01", __FILE__, __LINE__);
	h_resp_free(&r);
	h_http(&srv, &r, "GET", "/api/v1/stats?from=1970-01-01T00:00:00Z&to=1970-01-02T00:00:00Z",
	       &ad, NULL);
	h_expect_status(&r, 200, __FILE__, __LINE__);
	assert_int_equal(h_jint(json_object_get(r.json, "indicators"), "apps_blacklisted"), 1);
	h_resp_free(&r);

	/* a period that ends before it starts, and a time that is not one */
	h_http(&srv, &r, "GET", "/api/v1/stats?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
	       &ad, NULL);
	h_expect_problem(&r, 400, "from", __FILE__, __LINE__);
	h_resp_free(&r);
	h_http(&srv, &r, "GET", "/api/v1/stats?from=yesterday", &ad, NULL);
	h_expect_problem(&r, 400, "from", __FILE__, __LINE__);
	h_resp_free(&r);

	/* a constituent of Tehran Water: the Ministry's malware incident is
	** not theirs, and the national figures are not shown */
	h_http(&srv, &r, "GET", "/api/v1/stats", &co, NULL);
	h_expect_status(&r, 200, __FILE__, __LINE__);
	ind = json_object_get(r.json, "indicators");
	assert_non_null(ind);
	assert_int_equal(h_jint(ind, "malware_countered"), 0);
	assert_null(json_object_get(ind, "apps_blacklisted"));
	assert_null(json_object_get(ind, "sightings"));
	h_resp_free(&r);
	assert_int_equal(h_server_stop(&srv), 0);
	free(atok);
	free(ctok);
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feed_sightings),
		cmocka_unit_test(test_incident_note),
		cmocka_unit_test(test_dashboard_period),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
