/*
** test_flow_api.c — the flow live view read through the real server and the
** real binary (issue 16): what the DDoS page, a script and an operator at
** the console rely on.
**
** The three tables the flow job writes (migration 0014) are seeded with the
** sqlite3 CLI, with figures chosen so that each order (pps, bps, flows,
** syn) ranks the hosts differently. Over HTTP: /api/v1/flow/top lists them
** busiest first by the figure asked; a host given as "2001:DB8::1" or
** "2001:db8:0::1" is the one host the job wrote as "2001:db8::1"; a
** constituent of Org A never sees Org B's host in top, attacks or history,
** and a provincial analyst of Tehran sees the hosts of Tehran's
** organisations only (nor one no organisation owns); attacks come newest
** first, open=true keeps the open one (end null), since= cuts the older;
** history gives a host's points of the last hour oldest first (an older
** point left out unless since= asks for it). Bad input is an RFC 9457
** problem naming the parameter: by=xyz, host=999.1.1.1, limit=0,
** direction, open, since, history without host.
**
** On the command line: `flow top` prints a table with rates in units
** (kpps, Mbit/s) in the order asked, --json the API's objects, `flow
** attacks --open` and `flow history`; bad input exits 65 naming the option.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define PW "flow-api-password-1"

static char *dir;
static struct h_server srv;
static char *tok_an, *tok_prov, *tok_a, *tok_b; /* analyst, Tehran, Org A, Org B */
static int64_t org_a, org_b, org_c;               /* Tehran, Fars, Tehran */
static int64_t now_ms, t0;

/* ISO 8601 of ms (whole seconds), as the API takes since=. */
static char *iso(int64_t ms)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&s, &tm);
	char buf[32];
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return h_fmt("%s", buf);
}

static void sql(const char *stmt)
{
	char *db = h_fmt("%s/parapet.db", dir);
	const char *argv[] = { "sqlite3", db, stmt, NULL };
	struct h_proc p;
	if (h_run(&p, NULL, NULL, argv) != 0 || p.status != 0)
		fail_msg("sqlite3 %s: %s", stmt, p.err ? p.err : "did not run");
	h_proc_free(&p);
	free(db);
}

static void live(const char *host, const char *dirn, int64_t org, int64_t pps, int64_t bps,
		 int64_t flows, int64_t syn)
{
	char o[24] = "NULL";
	if (org)
		snprintf(o, sizeof(o), "%lld", (long long)org);
	char *s = h_fmt("INSERT INTO flow_live VALUES ('%s', '%s', %s, %lld, %lld, %lld, %lld, "
			"%lld, %lld, 0, 0, 0)",
			host, dirn, o,
			(long long)now_ms, (long long)pps, (long long)bps, (long long)flows,
			(long long)syn, (long long)syn);
	sql(s);
	free(s);
}

static void point(const char *host, const char *dirn, int64_t org, int64_t at, int64_t pps)
{
	char *s = h_fmt("INSERT INTO flow_history VALUES ('%s', '%s', %lld, %lld, %lld, %lld, 1, "
			"0, %lld, 0, 0, 0)",
			host, dirn, (long long)org, (long long)at, (long long)pps,
			(long long)pps * 8000, (long long)pps);
	sql(s);
	free(s);
}

static void attack(int64_t id, const char *host, int64_t org, const char *type, int64_t amp,
		   int64_t start, int64_t end, int announced, int banned)
{
	char e[24] = "NULL";
	if (end)
		snprintf(e, sizeof(e), "%lld", (long long)end);
	char *s = h_fmt("INSERT INTO flow_attack (id, host, direction, org_id, type, amp_port, "
			"metric, threshold, value, learned, start_ms, end_ms, peak_pps, peak_bps, "
			"peak_flows, announced, banned) VALUES (%lld, '%s', 'incoming', %lld, '%s', "
			"%lld, 'packets', 1000, 5000, %d, %lld, %s, 6000, 48000000, 7, %d, %d)",
			(long long)id, host, (long long)org, type, (long long)amp, amp ? 1 : 0,
			(long long)start, e, announced,
			banned);
	sql(s);
	free(s);
}

static int setup(void **state)
{
	(void)state;
	dir = h_tmpdir("flow-api");
	h_migrate(dir);
	org_a = h_org_add(dir, "Org A", "Tehran");
	org_b = h_org_add(dir, "Org B", "Fars");
	org_c = h_org_add(dir, "Org C", "Tehran");
	h_user_add(dir, "analyst", "analyst", 0, NULL, PW);
	h_user_add(dir, "prov", "provincial", 0, "Tehran", PW);
	h_user_add(dir, "consa", "constituent", org_a, NULL, PW);
	h_user_add(dir, "consb", "constituent", org_b, NULL, PW);
	tok_an = h_token_add(dir, "analyst", "--name", "t", NULL);
	tok_prov = h_token_add(dir, "prov", "--name", "t", NULL);
	tok_a = h_token_add(dir, "consa", "--name", "t", NULL);
	tok_b = h_token_add(dir, "consb", "--name", "t", NULL);

	/* each figure ranks the five pairs differently:
	**   pps:   B A none C-in C-out     bps:  A C-in B none C-out
	**   flows: C-in B A none C-out     syn:  C-in A B none C-out */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	now_ms = (int64_t)ts.tv_sec * 1000;
	live("192.0.2.10", "incoming", org_a, 5000, 900000000, 10, 100);
	live("192.0.2.20", "incoming", org_b, 9000, 100000000, 40, 10);
	live("2001:db8::1", "incoming", org_c, 1000, 500000000, 90, 8000);
	live("2001:db8::1", "outgoing", org_c, 200, 1000000, 1, 0);
	live("198.51.100.7", "incoming", 0, 3000, 50000000, 5, 5);

	/* attacks: C's ended first, then B's ended, A's still open */
	t0 = now_ms - 600000;
	attack(1, "2001:db8::1", org_c, "amplification", 123, t0, t0 + 60000, 1, 1);
	attack(2, "192.0.2.20", org_b, "udp_flood", 0, t0 + 100000, t0 + 200000, 0, 0);
	attack(3, "192.0.2.10", org_a, "syn_flood", 0, t0 + 300000, 0, 1, 0);

	/* history: C's three points of the hour and one two hours old; A's one */
	point("2001:db8::1", "incoming", org_c, now_ms - 7200000, 1);
	point("2001:db8::1", "incoming", org_c, now_ms - 120000, 900);
	point("2001:db8::1", "outgoing", org_c, now_ms - 60000, 150);
	point("2001:db8::1", "incoming", org_c, now_ms - 60000, 1000);
	point("192.0.2.10", "incoming", org_a, now_ms - 30000, 5000);
	h_server_start(&srv, dir, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	int rc = h_server_stop(&srv);
	free(tok_an);
	free(tok_prov);
	free(tok_a);
	free(tok_b);
	h_rmdir(dir);
	return rc == 0 ? 0 : -1;
}

/* GET path as tok, 200 expected; the items as "host/direction" (top,
** attacks) or "at-offset/direction" joined with spaces (malloc'd). */
static char *rows(const char *tok, const char *path)
{
	struct h_cred c = { .token = tok };
	struct h_resp r;
	h_http(&srv, &r, "GET", path, &c, NULL);
	H_STATUS(&r, 200);
	json_t *items = json_object_get(r.json, "items");
	assert_true(json_is_array(items));
	char out[2048] = "";
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		size_t n = strlen(out);
		const char *host = h_jstr(it, "host");
		if (host)
			snprintf(out + n, sizeof(out) - n, "%s%s/%s", n ? " " : "", host,
				 h_jstr(it, "direction"));
		else
			snprintf(out + n, sizeof(out) - n, "%s%lld/%s", n ? " " : "",
				 (long long)h_jint(it, "pps"), h_jstr(it, "direction"));
	}
	h_resp_free(&r);
	return h_fmt("%s", out);
}

#define ROWS(tok, path, want)                                   \
	do {                                                    \
		char *got_ = rows((tok), (path));               \
		assert_string_equal(got_, (want));              \
		free(got_);                                     \
	} while (0)

static void top_orders_and_hosts(void **state)
{
	(void)state;
	ROWS(tok_an, "/api/v1/flow/top",
	     "192.0.2.20/incoming 192.0.2.10/incoming 198.51.100.7/incoming "
	     "2001:db8::1/incoming 2001:db8::1/outgoing");
	ROWS(tok_an, "/api/v1/flow/top?by=bps",
	     "192.0.2.10/incoming 2001:db8::1/incoming 192.0.2.20/incoming "
	     "198.51.100.7/incoming 2001:db8::1/outgoing");
	ROWS(tok_an, "/api/v1/flow/top?by=flows",
	     "2001:db8::1/incoming 192.0.2.20/incoming 192.0.2.10/incoming "
	     "198.51.100.7/incoming 2001:db8::1/outgoing");
	ROWS(tok_an, "/api/v1/flow/top?by=syn",
	     "2001:db8::1/incoming 192.0.2.10/incoming 192.0.2.20/incoming "
	     "198.51.100.7/incoming 2001:db8::1/outgoing");
	ROWS(tok_an, "/api/v1/flow/top?by=bps&limit=2", "192.0.2.10/incoming 2001:db8::1/incoming");
	/* one host, two spellings; a direction */
	ROWS(tok_an, "/api/v1/flow/top?host=2001:DB8::1",
	     "2001:db8::1/incoming 2001:db8::1/outgoing");
	ROWS(tok_an, "/api/v1/flow/top?host=2001:db8:0::1&direction=outgoing",
	     "2001:db8::1/outgoing");
	ROWS(tok_an, "/api/v1/flow/top?host=::ffff:192.0.2.10", "192.0.2.10/incoming");
	ROWS(tok_an, "/api/v1/flow/top?direction=outgoing", "2001:db8::1/outgoing");

	/* the fields the page reads */
	struct h_cred c = { .token = tok_an };
	struct h_resp r;
	h_http(&srv, &r, "GET", "/api/v1/flow/top?by=bps&limit=1", &c, NULL);
	H_STATUS(&r, 200);
	json_t *it = json_array_get(json_object_get(r.json, "items"), 0);
	assert_int_equal(h_jint(it, "org_id"), org_a);
	assert_int_equal(h_jint(it, "bps"), 900000000);
	assert_int_equal(h_jint(it, "pps"), 5000);
	assert_int_equal(h_jint(it, "syn_pps"), 100);
	char *at = iso(now_ms);
	assert_memory_equal(h_jstr(it, "at"), at, 19); /* the same second */
	free(at);
	h_resp_free(&r);
	h_http(&srv, &r, "GET", "/api/v1/flow/top?host=198.51.100.7", &c, NULL);
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(r.json, "items"), 0),
						 "org_id")));
	h_resp_free(&r);
}

static void attacks_newest_open_since(void **state)
{
	(void)state;
	ROWS(tok_an, "/api/v1/flow/attacks",
	     "192.0.2.10/incoming 192.0.2.20/incoming 2001:db8::1/incoming");
	ROWS(tok_an, "/api/v1/flow/attacks?open=true", "192.0.2.10/incoming");
	char *since = iso(t0 + 50000);
	char *path = h_fmt("/api/v1/flow/attacks?since=%s", since);
	ROWS(tok_an, path, "192.0.2.10/incoming 192.0.2.20/incoming");
	free(path);
	free(since);
	ROWS(tok_an, "/api/v1/flow/attacks?host=2001:0DB8::0:1", "2001:db8::1/incoming");
	ROWS(tok_an, "/api/v1/flow/attacks?limit=1", "192.0.2.10/incoming");

	struct h_cred c = { .token = tok_an };
	struct h_resp r;
	h_http(&srv, &r, "GET", "/api/v1/flow/attacks", &c, NULL);
	H_STATUS(&r, 200);
	json_t *items = json_object_get(r.json, "items");
	json_t *open = json_array_get(items, 0), *amp = json_array_get(items, 2);
	assert_true(json_is_null(json_object_get(open, "end")));
	assert_true(json_is_true(json_object_get(open, "open")));
	assert_true(json_is_true(json_object_get(open, "announced")));
	assert_true(json_is_false(json_object_get(open, "banned")));
	assert_true(json_is_null(json_object_get(open, "incident_id")));
	assert_string_equal(h_jstr(open, "type"), "syn_flood");
	assert_int_equal(h_jint(open, "id"), 3);
	assert_string_equal(h_jstr(amp, "type"), "amplification");
	assert_int_equal(h_jint(amp, "amplification_port"), 123);
	assert_true(json_is_true(json_object_get(amp, "learned")));
	assert_true(json_is_false(json_object_get(amp, "open")));
	char *s = iso(t0), *e = iso(t0 + 60000);
	assert_memory_equal(h_jstr(amp, "start"), s, 19);
	assert_memory_equal(h_jstr(amp, "end"), e, 19);
	free(s);
	free(e);
	assert_int_equal(h_jint(amp, "peak_bps"), 48000000);
	assert_int_equal(h_jint(amp, "threshold"), 1000);
	h_resp_free(&r);
}

static void history_of_a_host(void **state)
{
	(void)state;
	/* oldest first; the point two hours old is outside the hour */
	ROWS(tok_an, "/api/v1/flow/history?host=2001:DB8::1",
	     "900/incoming 1000/incoming 150/outgoing");
	ROWS(tok_an, "/api/v1/flow/history?host=2001:db8:0::1&direction=incoming",
	     "900/incoming 1000/incoming");
	char *since = iso(now_ms - 3 * 3600000);
	char *path = h_fmt("/api/v1/flow/history?host=2001:db8::1&since=%s", since);
	ROWS(tok_an, path, "1/incoming 900/incoming 1000/incoming 150/outgoing");
	free(path);
	free(since);
	ROWS(tok_an, "/api/v1/flow/history?host=203.0.113.9", "");
	struct h_cred c = { .token = tok_an };
	struct h_resp r;
	h_http(&srv, &r, "GET", "/api/v1/flow/history?host=192.0.2.10", &c, NULL);
	H_STATUS(&r, 200);
	json_t *p = json_array_get(json_object_get(r.json, "items"), 0);
	assert_int_equal(h_jint(p, "bps"), 40000000);
	char *at = iso(now_ms - 30000);
	assert_memory_equal(h_jstr(p, "at"), at, 19);
	free(at);
	h_resp_free(&r);
}

static void scope(void **state)
{
	(void)state;
	/* a constituent: their organisation's host only, everywhere */
	ROWS(tok_a, "/api/v1/flow/top", "192.0.2.10/incoming");
	ROWS(tok_a, "/api/v1/flow/top?host=192.0.2.20", "");
	ROWS(tok_a, "/api/v1/flow/attacks", "192.0.2.10/incoming");
	ROWS(tok_a, "/api/v1/flow/attacks?host=192.0.2.20", "");
	ROWS(tok_a, "/api/v1/flow/history?host=2001:db8::1", "");
	ROWS(tok_a, "/api/v1/flow/history?host=192.0.2.10", "5000/incoming");
	ROWS(tok_b, "/api/v1/flow/top?by=syn", "192.0.2.20/incoming");
	ROWS(tok_b, "/api/v1/flow/attacks", "192.0.2.20/incoming");
	ROWS(tok_b, "/api/v1/flow/history?host=192.0.2.10", "");
	/* a provincial analyst of Tehran: Org A and Org C, not Fars's Org B
	** nor a host nobody owns */
	ROWS(tok_prov, "/api/v1/flow/top",
	     "192.0.2.10/incoming 2001:db8::1/incoming 2001:db8::1/outgoing");
	ROWS(tok_prov, "/api/v1/flow/attacks", "192.0.2.10/incoming 2001:db8::1/incoming");
	ROWS(tok_prov, "/api/v1/flow/history?host=2001:db8::1",
	     "900/incoming 1000/incoming 150/outgoing");
	ROWS(tok_prov, "/api/v1/flow/top?host=198.51.100.7", "");
	/* a scoped limit counts only the rows in scope */
	ROWS(tok_prov, "/api/v1/flow/top?limit=1", "192.0.2.10/incoming");
}

static void bad_input(void **state)
{
	(void)state;
	struct h_cred c = { .token = tok_an };
	static const struct {
		const char *path, *field;
	} bad[] = {
		{ "/api/v1/flow/top?by=xyz", "by" },
		{ "/api/v1/flow/top?host=999.1.1.1", "host" },
		{ "/api/v1/flow/top?host=example.org", "host" },
		{ "/api/v1/flow/top?limit=0", "limit" },
		{ "/api/v1/flow/top?limit=1001", "limit" },
		{ "/api/v1/flow/top?limit=ten", "limit" },
		{ "/api/v1/flow/top?direction=sideways", "direction" },
		{ "/api/v1/flow/attacks?open=maybe", "open" },
		{ "/api/v1/flow/attacks?since=yesterday", "since" },
		{ "/api/v1/flow/attacks?host=1.2.3", "host" },
		{ "/api/v1/flow/history", "host" },
		{ "/api/v1/flow/history?host=2001:db8::1::2", "host" },
		{ "/api/v1/flow/history?host=192.0.2.10&direction=in", "direction" },
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct h_resp r;
		h_http(&srv, &r, "GET", bad[k].path, &c, NULL);
		H_PROBLEM(&r, 400, bad[k].field);
		h_resp_free(&r);
	}
}

/* `parapet flow ...` args (NULL-terminated): its result, exit status asserted. */
static struct h_proc cli(int want, const char *const *args)
{
	struct h_proc p;
	if (h_cliv(&p, dir, NULL, args) != 0)
		fail_msg("parapet did not run");
	if (p.status != want)
		fail_msg("parapet %s %s: exit %d, want %d: %s", args[0], args[1], p.status, want,
			 p.err);
	return p;
}

static void cli_reads(void **state)
{
	(void)state;
	/* a table in the order asked, rates with units */
	const char *top_bps[] = { "flow", "top", "--by", "bps", NULL };
	struct h_proc p = cli(0, top_bps);
	H_CONTAINS(p.out, "HOST");
	char *a = strstr(p.out, "192.0.2.10"), *c6 = strstr(p.out, "2001:db8::1"),
	     *b = strstr(p.out, "192.0.2.20");
	assert_non_null(a);
	assert_non_null(c6);
	assert_non_null(b);
	assert_true(a < c6 && c6 < b);
	H_CONTAINS(p.out, "900.0 Mbit/s");
	H_CONTAINS(p.out, "5.0 kpps");
	h_proc_free(&p);

	/* --json: the API's objects */
	const char *top_json[] = { "flow", "top", "--by", "syn", "--host", "2001:DB8:0::1",
				   "--json", NULL };
	p = cli(0, top_json);
	json_t *j = json_loads(p.out, 0, NULL);
	assert_true(json_is_array(j));
	assert_int_equal(json_array_size(j), 2);
	assert_string_equal(h_jstr(json_array_get(j, 0), "host"), "2001:db8::1");
	assert_string_equal(h_jstr(json_array_get(j, 0), "direction"), "incoming");
	assert_int_equal(h_jint(json_array_get(j, 0), "syn_pps"), 8000);
	json_decref(j);
	h_proc_free(&p);

	const char *att[] = { "flow", "attacks", "--open", NULL };
	p = cli(0, att);
	H_CONTAINS(p.out, "192.0.2.10");
	H_CONTAINS(p.out, "syn_flood");
	H_CONTAINS(p.out, "open");
	H_CONTAINS(p.out, "announced");
	assert_null(strstr(p.out, "192.0.2.20"));
	assert_null(strstr(p.out, "2001:db8::1"));
	h_proc_free(&p);

	const char *hist[] = { "flow", "history", "--host", "2001:DB8::1", "--json", NULL };
	p = cli(0, hist);
	j = json_loads(p.out, 0, NULL);
	assert_int_equal(json_array_size(j), 3);
	assert_int_equal(h_jint(json_array_get(j, 0), "pps"), 900);
	json_decref(j);
	h_proc_free(&p);
	const char *hist_t[] = { "flow", "history", "--host", "2001:db8::1", "--direction",
				 "outgoing", NULL };
	p = cli(0, hist_t);
	H_CONTAINS(p.out, "150 pps");
	H_CONTAINS(p.out, "1.2 Mbit/s");
	assert_null(strstr(p.out, "incoming"));
	h_proc_free(&p);

	/* nothing to list is said, not an empty table */
	const char *none[] = { "flow", "attacks", "--host", "203.0.113.9", NULL };
	p = cli(0, none);
	H_CONTAINS(p.out, "no attacks");
	assert_null(strstr(p.out, "HOST"));
	h_proc_free(&p);

	/* bad input: a message naming the option, exit 65 (EX_DATAERR) */
	const char *bad_by[] = { "flow", "top", "--by", "xyz", NULL };
	p = cli(EX_DATAERR, bad_by);
	H_CONTAINS(p.err, "by");
	h_proc_free(&p);
	const char *bad_host[] = { "flow", "attacks", "--host", "999.1.1.1", NULL };
	p = cli(EX_DATAERR, bad_host);
	H_CONTAINS(p.err, "host");
	h_proc_free(&p);
	const char *bad_limit[] = { "flow", "top", "--limit", "0", NULL };
	p = cli(EX_DATAERR, bad_limit);
	H_CONTAINS(p.err, "limit");
	h_proc_free(&p);
	const char *bad_since[] = { "flow", "attacks", "--since", "soon", NULL };
	p = cli(EX_DATAERR, bad_since);
	H_CONTAINS(p.err, "since");
	h_proc_free(&p);
	const char *no_host[] = { "flow", "history", NULL };
	p = cli(EX_USAGE, no_host);
	H_CONTAINS(p.err, "--host");
	h_proc_free(&p);
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(top_orders_and_hosts),
		cmocka_unit_test(attacks_newest_open_since),
		cmocka_unit_test(history_of_a_host),
		cmocka_unit_test(scope),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(cli_reads),
	};
	return cmocka_run_group_tests_name("flow_api", tests, setup, teardown);
}
