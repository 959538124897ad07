/*
** test_flow_live.c — the flow live view's reads (src/flow/live.c over
** src/store/store_flow_read.c) against rows written by the flow job's own
** store writes (store_flow_write.c), on a real store: what the CLI and the
** API both show.
**
** Rows written are read back with every field the page uses (an owner of
** none is null, an open attack's end null, the owner's province joined);
** a list is 20 rows unless asked, 1..1000; each scope sees its rows only
** (a constituent their organisation's, a constituent without one nothing,
** a provincial analyst their province's, a token narrowed to an
** organisation that organisation's); a host in any spelling finds the row
** the job wrote canonical; the history is the last hour unless since says
** otherwise; every bad field is refused and named.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/core.h"
#include "flow/flow.h"
#include "identity/identity.h"
#include "testutil.h"

struct fx {
	struct tdb *t;
	int64_t org_a, org_b; /* Tehran, Fars */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct perr e = { 0 };
	f->t = tdb_open();
	struct org_spec a = { "Org A", NULL, "Tehran", 0 }, b = { "Org B", NULL, "Fars", 0 };
	struct store_org o;
	if (constituency_org_add(f->t->st, NULL, "test", &a, &o, &e) != 0)
		fail_msg("org: %s", e.msg);
	f->org_a = o.id;
	if (constituency_org_add(f->t->st, NULL, "test", &b, &o, &e) != 0)
		fail_msg("org: %s", e.msg);
	f->org_b = o.id;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	tdb_close(f->t);
	free(f);
	return 0;
}

static struct principal who(enum role r, int64_t org, const char *province)
{
	struct principal p;
	memset(&p, 0, sizeof(p));
	p.role = r;
	p.org_id = org;
	if (province)
		pstrtrunc(p.province, province, sizeof(p.province));
	PSTRCPY(p.login, "t");
	return p;
}

static struct store_flow_rate rate(const char *host, const char *dir, int64_t org, int64_t at,
				   int64_t pps)
{
	struct store_flow_rate r;
	memset(&r, 0, sizeof(r));
	pstrtrunc(r.host, host, sizeof(r.host));
	pstrtrunc(r.direction, dir, sizeof(r.direction));
	r.org_id = org;
	r.at_ms = at;
	r.pps = pps;
	r.bps = pps * 8000;
	r.flows = pps / 10;
	r.syn_pps = pps / 2;
	r.udp_pps = 7;
	return r;
}

/* The hosts of a top or attacks answer, "host/direction" joined by spaces. */
static void hosts_of(const json_t *arr, char *out, size_t n)
{
	out[0] = '\0';
	size_t i;
	json_t *it;
	json_array_foreach(arr, i, it) {
		size_t l = strlen(out);
		snprintf(out + l, n - l, "%s%s/%s", l ? " " : "",
			 json_string_value(json_object_get(it, "host")),
			 json_string_value(json_object_get(it, "direction")));
	}
}

static void expect_top(struct store *st, const struct principal *p,
		       const struct flow_live_query *q, const char *want)
{
	json_t *out = NULL;
	struct perr e = { 0 };
	if (flow_live_top(st, p, q, &out, &e) != 0)
		fail_msg("top: %s", e.msg);
	char got[1024];
	hosts_of(out, got, sizeof(got));
	assert_string_equal(got, want);
	json_decref(out);
}

static void test_round_trip_and_scope(void **state)
{
	struct fx *f = *state;
	struct store *st = f->t->st;
	struct perr e = { 0 };
	int64_t now = core_now_ms();
	struct store_flow_rate r[] = {
		rate("192.0.2.1", "incoming", f->org_a, now, 5000),
		rate("2001:db8::5", "incoming", f->org_b, now, 9000),
		rate("2001:db8::5", "outgoing", f->org_b, now, 100),
		rate("198.51.100.1", "incoming", 0, now, 7000),
	};
	assert_int_equal(store_flow_live_replace(st, r, 4, &e), 0);

	struct principal an = who(ROLE_ANALYST, 0, NULL);
	struct flow_live_query q = { 0 };
	expect_top(st, &an, &q,
		   "2001:db8::5/incoming 198.51.100.1/incoming 192.0.2.1/incoming "
		   "2001:db8::5/outgoing");
	/* the local operator (NULL) reads unscoped, as the analyst */
	expect_top(st, NULL, &q,
		   "2001:db8::5/incoming 198.51.100.1/incoming 192.0.2.1/incoming "
		   "2001:db8::5/outgoing");

	/* fields */
	json_t *out = NULL;
	q.host = "2001:0db8:0000::0005";
	q.direction = "outgoing";
	assert_int_equal(flow_live_top(st, &an, &q, &out, &e), 0);
	assert_int_equal(json_array_size(out), 1);
	json_t *it = json_array_get(out, 0);
	assert_int_equal(json_integer_value(json_object_get(it, "org_id")), f->org_b);
	assert_int_equal(json_integer_value(json_object_get(it, "bps")), 800000);
	assert_int_equal(json_integer_value(json_object_get(it, "flows")), 10);
	assert_int_equal(json_integer_value(json_object_get(it, "syn_pps")), 50);
	assert_int_equal(json_integer_value(json_object_get(it, "udp_pps")), 7);
	char iso[32];
	core_iso8601(now, iso, sizeof(iso));
	assert_string_equal(json_string_value(json_object_get(it, "at")), iso);
	json_decref(out);
	memset(&q, 0, sizeof(q));
	q.host = "198.51.100.1";
	assert_int_equal(flow_live_top(st, &an, &q, &out, &e), 0);
	assert_true(json_is_null(json_object_get(json_array_get(out, 0), "org_id")));
	json_decref(out);

	/* scopes */
	memset(&q, 0, sizeof(q));
	struct principal ca = who(ROLE_CONSTITUENT, f->org_a, NULL);
	struct principal cb = who(ROLE_CONSTITUENT, f->org_b, NULL);
	struct principal orphan = who(ROLE_CONSTITUENT, 0, NULL);
	struct principal tehran = who(ROLE_PROVINCIAL, 0, "Tehran");
	struct principal fars = who(ROLE_PROVINCIAL, 0, "Fars");
	struct principal narrowed = who(ROLE_ANALYST, 0, NULL);
	narrowed.scope_org = f->org_b;
	expect_top(st, &ca, &q, "192.0.2.1/incoming");
	expect_top(st, &cb, &q, "2001:db8::5/incoming 2001:db8::5/outgoing");
	expect_top(st, &orphan, &q, "");
	expect_top(st, &tehran, &q, "192.0.2.1/incoming");
	expect_top(st, &fars, &q, "2001:db8::5/incoming 2001:db8::5/outgoing");
	expect_top(st, &narrowed, &q, "2001:db8::5/incoming 2001:db8::5/outgoing");
	q.host = "192.0.2.1";
	expect_top(st, &cb, &q, "");
}

static void test_limits(void **state)
{
	struct fx *f = *state;
	struct store *st = f->t->st;
	struct perr e = { 0 };
	struct store_flow_rate r[25];
	for (int i = 0; i < 25; i++) {
		char host[46];
		snprintf(host, sizeof(host), "10.0.0.%d", i + 1);
		r[i] = rate(host, "incoming", f->org_a, 1000, 100 + i);
	}
	assert_int_equal(store_flow_live_replace(st, r, 25, &e), 0);
	struct principal an = who(ROLE_ANALYST, 0, NULL);
	json_t *out = NULL;
	struct flow_live_query q = { 0 };
	assert_int_equal(flow_live_top(st, &an, &q, &out, &e), 0);
	assert_int_equal(json_array_size(out), 20);
	assert_string_equal(json_string_value(json_object_get(json_array_get(out, 0), "host")),
			    "10.0.0.25");
	json_decref(out);
	q.limit = 1000;
	assert_int_equal(flow_live_top(st, &an, &q, &out, &e), 0);
	assert_int_equal(json_array_size(out), 25);
	json_decref(out);
	q.limit = 1001;
	assert_int_equal(flow_live_top(st, &an, &q, &out, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	assert_string_equal(e.field, "limit");
	q.limit = -1;
	assert_int_equal(flow_live_attacks(st, &an, &q, &out, &e), -1);
	assert_string_equal(e.field, "limit");
}

static void test_attacks(void **state)
{
	struct fx *f = *state;
	struct store *st = f->t->st;
	struct perr e = { 0 };
	struct store_flow_attack a;
	memset(&a, 0, sizeof(a));
	PSTRCPY(a.host, "192.0.2.1");
	PSTRCPY(a.direction, "incoming");
	a.org_id = f->org_a;
	PSTRCPY(a.type, "amplification");
	a.amp_port = 53;
	PSTRCPY(a.metric, "bps");
	a.threshold = 1000;
	a.value = 5000;
	a.start_ms = 1000000;
	a.peak_bps = 2000000000;
	assert_int_equal(store_flow_attack_insert(st, &a, &e), 0);
	int64_t first = a.id;
	a.end_ms = 2000000; /* ended */
	a.banned = true;
	assert_int_equal(store_flow_attack_update(st, &a, &e), 0);
	struct store_flow_attack b = a;
	PSTRCPY(b.host, "2001:db8::5");
	b.org_id = f->org_b;
	b.start_ms = 3000000;
	b.end_ms = 0;
	b.banned = false;
	b.announced = true;
	PSTRCPY(b.type, "syn_flood");
	b.amp_port = 0;
	assert_int_equal(store_flow_attack_insert(st, &b, &e), 0);

	struct store_flow_attack got;
	assert_int_equal(store_flow_attack_get(st, first, &got, &e), 0);
	assert_string_equal(got.province, "Tehran");
	assert_int_equal(got.end_ms, 2000000);
	assert_true(got.banned);

	struct principal an = who(ROLE_ANALYST, 0, NULL);
	struct flow_live_query q = { 0 };
	json_t *out = NULL;
	char hosts[256];
	assert_int_equal(flow_live_attacks(st, &an, &q, &out, &e), 0);
	hosts_of(out, hosts, sizeof(hosts));
	assert_string_equal(hosts, "2001:db8::5/incoming 192.0.2.1/incoming");
	json_t *open = json_array_get(out, 0), *ended = json_array_get(out, 1);
	assert_true(json_is_null(json_object_get(open, "end")));
	assert_true(json_is_true(json_object_get(open, "open")));
	assert_true(json_is_true(json_object_get(open, "announced")));
	assert_true(json_is_false(json_object_get(ended, "open")));
	assert_true(json_is_true(json_object_get(ended, "banned")));
	assert_int_equal(json_integer_value(json_object_get(ended, "amplification_port")), 53);
	assert_string_equal(json_string_value(json_object_get(ended, "metric")), "bps");
	assert_true(json_is_null(json_object_get(ended, "incident_id")));
	json_decref(out);

	q.open_only = true;
	assert_int_equal(flow_live_attacks(st, &an, &q, &out, &e), 0);
	hosts_of(out, hosts, sizeof(hosts));
	assert_string_equal(hosts, "2001:db8::5/incoming");
	json_decref(out);
	q.open_only = false;
	q.since_ms = 2500000;
	assert_int_equal(flow_live_attacks(st, &an, &q, &out, &e), 0);
	hosts_of(out, hosts, sizeof(hosts));
	assert_string_equal(hosts, "2001:db8::5/incoming");
	json_decref(out);

	struct principal ca = who(ROLE_CONSTITUENT, f->org_a, NULL);
	q.since_ms = 0;
	assert_int_equal(flow_live_attacks(st, &ca, &q, &out, &e), 0);
	hosts_of(out, hosts, sizeof(hosts));
	assert_string_equal(hosts, "192.0.2.1/incoming");
	json_decref(out);
}

static void test_history(void **state)
{
	struct fx *f = *state;
	struct store *st = f->t->st;
	struct perr e = { 0 };
	int64_t now = core_now_ms();
	struct store_flow_rate r[] = {
		rate("2001:db8::5", "incoming", f->org_b, now - 2 * 3600000, 1),
		rate("2001:db8::5", "incoming", f->org_b, now - 20000, 300),
		rate("2001:db8::5", "outgoing", f->org_b, now - 10000, 20),
		rate("2001:db8::5", "incoming", f->org_b, now - 10000, 400),
		rate("192.0.2.1", "incoming", f->org_a, now - 10000, 9),
	};
	/* keep_from far back: the old point stays, for since= to reach */
	assert_int_equal(store_flow_history_add(st, r, 5, 0, &e), 0);
	struct principal an = who(ROLE_ANALYST, 0, NULL);
	struct flow_live_query q = { .host = "2001:DB8::5" };
	json_t *out = NULL;
	assert_int_equal(flow_live_history(st, &an, &q, &out, &e), 0);
	assert_int_equal(json_array_size(out), 3);
	int64_t want[] = { 300, 400, 20 };
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(json_integer_value(json_object_get(json_array_get(out, i), "pps")),
				 want[i]);
	assert_null(json_object_get(json_array_get(out, 0), "host"));
	json_decref(out);
	q.since_ms = now - 3 * 3600000;
	q.direction = "incoming";
	assert_int_equal(flow_live_history(st, &an, &q, &out, &e), 0);
	assert_int_equal(json_array_size(out), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(out, 0), "pps")), 1);
	json_decref(out);
	struct principal ca = who(ROLE_CONSTITUENT, f->org_a, NULL);
	assert_int_equal(flow_live_history(st, &ca, &q, &out, &e), 0);
	assert_int_equal(json_array_size(out), 0);
	json_decref(out);
}

static void expect_refused(struct store *st, const struct flow_live_query *q, int which,
			   const char *field)
{
	struct principal an = who(ROLE_ANALYST, 0, NULL);
	json_t *out = NULL;
	struct perr e = { 0 };
	int rc = which == 0   ? flow_live_top(st, &an, q, &out, &e)
		 : which == 1 ? flow_live_attacks(st, &an, q, &out, &e)
			      : flow_live_history(st, &an, q, &out, &e);
	assert_int_equal(rc, -1);
	assert_null(out);
	assert_int_equal(e.kind, PERR_INVALID);
	assert_string_equal(e.field, field);
}

static void test_refusals(void **state)
{
	struct fx *f = *state;
	struct store *st = f->t->st;
	enum flow_by b;
	struct perr e = { 0 };
	for (int k = 0; k < FLOW_BY_N; k++) {
		assert_int_equal(flow_by_parse(flow_by_name((enum flow_by)k), &b, &e), 0);
		assert_int_equal(b, k);
	}
	assert_int_equal(flow_by_parse("PPS", &b, &e), -1);
	assert_string_equal(e.field, "by");
	expect_refused(st, &(struct flow_live_query){ .by = "xyz" }, 0, "by");
	expect_refused(st, &(struct flow_live_query){ .host = "999.1.1.1" }, 0, "host");
	expect_refused(st, &(struct flow_live_query){ .host = "2001:db8::1::" }, 1, "host");
	expect_refused(st, &(struct flow_live_query){ .host = "192.0.2.1/32" }, 2, "host");
	expect_refused(st,
		       &(struct flow_live_query){ .host = "0000:0000:0000:0000:0000:0000:0000:0000:1" },
		       0, "host");
	expect_refused(st, &(struct flow_live_query){ .direction = "in" }, 1, "direction");
	expect_refused(st, &(struct flow_live_query){ 0 }, 2, "host");
	expect_refused(st, &(struct flow_live_query){ .host = "192.0.2.1", .since_ms = -5 }, 2,
		       "since");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip_and_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attacks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	};
	return cmocka_run_group_tests_name("flow_live", tests, NULL, NULL);
}
