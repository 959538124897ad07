/*
** test_flow_store_write.c — the flow live view's writes (store_flow_write.c,
** migration 0014) on a real SQLite store: what `parapet flow top`, `flow
** attacks` and the per-host chart rely on. The snapshot is replaced whole
** (a host that left the top is gone); a history point written twice for
** one step keeps the peak of each figure and points older than the kept
** hour go; an attack row is written, its end and mitigation rewritten, and
** an update of a row that does not exist is refused. The rows are read
** back with SQLite itself, so that these checks do not lean on the reads.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "testutil.h"

/* One integer the query gives (its first column of its first row), -1
** when it gives no row. */
static int64_t q1(const struct tdb *t, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int64_t v = -1;
	assert_int_equal(sqlite3_open_v2(t->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_type(s, 0) == SQLITE_NULL ? 0 : sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static struct store_flow_rate rate(const char *host, const char *dir, int64_t at, int64_t pps,
				   int64_t bps)
{
	struct store_flow_rate r = { .at_ms = at, .pps = pps, .bps = bps, .flows = pps / 10,
				     .syn_pps = pps / 2 };
	snprintf(r.host, sizeof r.host, "%s", host);
	snprintf(r.direction, sizeof r.direction, "%s", dir);
	return r;
}

static void live_replace_is_whole(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	struct store_flow_rate r[3] = { rate("192.0.2.1", "incoming", 1000, 500, 4000),
					rate("2001:db8::1", "outgoing", 1000, 70, 560),
					rate("192.0.2.2", "incoming", 1000, 9, 72) };
	assert_int_equal(store_flow_live_replace(t->st, r, 3, &e), 0);
	assert_int_equal(q1(t, "SELECT COUNT(*) FROM flow_live"), 3);
	assert_int_equal(q1(t, "SELECT pps FROM flow_live WHERE host = '2001:db8::1' AND "
			       "direction = 'outgoing'"), 70);
	/* the next second: one host left the top, one changed */
	struct store_flow_rate r2[2] = { rate("192.0.2.1", "incoming", 2000, 800, 6400),
					 rate("2001:db8::1", "outgoing", 2000, 60, 480) };
	assert_int_equal(store_flow_live_replace(t->st, r2, 2, &e), 0);
	assert_int_equal(q1(t, "SELECT COUNT(*) FROM flow_live"), 2);
	assert_int_equal(q1(t, "SELECT pps FROM flow_live WHERE host = '192.0.2.1'"), 800);
	assert_int_equal(q1(t, "SELECT COUNT(*) FROM flow_live WHERE host = '192.0.2.2'"), 0);
	/* inside the caller's transaction: rolled back with it */
	assert_int_equal(store_begin(t->st, &e), 0);
	assert_int_equal(store_flow_live_replace(t->st, NULL, 0, &e), 0);
	store_rollback(t->st);
	assert_int_equal(q1(t, "SELECT COUNT(*) FROM flow_live"), 2);
	/* a bad direction is refused, the snapshot kept */
	struct store_flow_rate bad = rate("192.0.2.9", "sideways", 3000, 1, 8);
	assert_int_equal(store_flow_live_replace(t->st, &bad, 1, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	assert_int_equal(q1(t, "SELECT COUNT(*) FROM flow_live"), 2);
	tdb_close(t);
}

static void history_keeps_peak_and_prunes(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	int64_t hour = 3600 * 1000;
	struct store_flow_rate old = rate("192.0.2.1", "incoming", 10000, 5, 40);
	assert_int_equal(store_flow_history_add(t->st, &old, 1, 0, &e), 0);
	struct store_flow_rate a = rate("192.0.2.1", "incoming", 10000 + hour, 900, 100);
	assert_int_equal(store_flow_history_add(t->st, &a, 1, 0, &e), 0);
	/* the same step again (a restart within it): the larger of each figure */
	struct store_flow_rate b = rate("192.0.2.1", "incoming", 10000 + hour, 300, 7200);
	assert_int_equal(store_flow_history_add(t->st, &b, 1, 10000 + 1, &e), 0);
	assert_int_equal(q1(t, "SELECT COUNT(*) FROM flow_history"), 1); /* the old one pruned */
	assert_int_equal(q1(t, "SELECT pps FROM flow_history"), 900);
	assert_int_equal(q1(t, "SELECT bps FROM flow_history"), 7200);
	assert_int_equal(q1(t, "SELECT syn_pps FROM flow_history"), 450);
	tdb_close(t);
}

static void attack_row_lifecycle(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	struct store_flow_attack a = { .start_ms = 5000, .threshold = 10000, .value = 90000,
				       .peak_pps = 90000, .peak_bps = 28800000 };
	snprintf(a.host, sizeof a.host, "192.0.2.7");
	snprintf(a.direction, sizeof a.direction, "incoming");
	snprintf(a.type, sizeof a.type, "syn_flood");
	snprintf(a.metric, sizeof a.metric, "syn_pps");
	assert_int_equal(store_flow_attack_insert(t->st, &a, &e), 0);
	assert_true(a.id > 0);
	assert_int_equal(q1(t, "SELECT COUNT(*) FROM flow_attack WHERE end_ms IS NULL"), 1);
	assert_int_equal(q1(t, "SELECT org_id IS NULL AND incident_id IS NULL FROM flow_attack"), 1);
	/* mitigation done, a higher peak, then the end */
	a.banned = a.announced = true;
	a.peak_pps = 120000;
	assert_int_equal(store_flow_attack_update(t->st, &a, &e), 0);
	assert_int_equal(q1(t, "SELECT banned + announced FROM flow_attack"), 2);
	a.end_ms = 9000;
	a.banned = a.announced = false;
	assert_int_equal(store_flow_attack_update(t->st, &a, &e), 0);
	assert_int_equal(q1(t, "SELECT end_ms FROM flow_attack"), 9000);
	assert_int_equal(q1(t, "SELECT peak_pps FROM flow_attack"), 120000);
	assert_int_equal(q1(t, "SELECT banned + announced FROM flow_attack"), 0);
	assert_int_equal(q1(t, "SELECT COUNT(*) FROM flow_attack WHERE end_ms IS NULL"), 0);
	a.id += 100;
	assert_int_equal(store_flow_attack_update(t->st, &a, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	tdb_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(live_replace_is_whole),
		cmocka_unit_test(history_keeps_peak_and_prunes),
		cmocka_unit_test(attack_row_lifecycle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
