/*
** test_audit.c — the hash chain finds an edited, a deleted and an inserted
** entry, and says which.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "audit/audit.h"
#include "testutil.h"

static struct tdb *seeded(int n)
{
	struct tdb *t = tdb_open();
	struct perr e;
	for (int i = 0; i < n; i++) {
		char obj[32];
		snprintf(obj, sizeof(obj), "org:%d", i + 1);
		assert_int_equal(audit_append(t->st, "user:alice", "org.create", obj, NULL,
					      "{\"name\":\"x\"}", &e), 0);
	}
	return t;
}

static void tamper(struct tdb *t, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void intact(void **state)
{
	(void)state;
	struct tdb *t = seeded(5);
	struct audit_report r;
	struct perr e;
	assert_int_equal(audit_verify(t->st, &r, &e), 0);
	assert_int_equal(r.entries, 5);
	assert_int_equal(r.bad_seq, 0);
	tdb_close(t);
}

static void edited(void **state)
{
	(void)state;
	struct tdb *t = seeded(5);
	tamper(t, "UPDATE audit SET after = '{\"name\":\"y\"}' WHERE seq = 3");
	struct audit_report r;
	struct perr e;
	assert_int_equal(audit_verify(t->st, &r, &e), 0);
	assert_int_equal(r.bad_seq, 3);
	assert_non_null(strstr(r.problem, "edited"));
	tdb_close(t);
}

static void deleted(void **state)
{
	(void)state;
	struct tdb *t = seeded(5);
	tamper(t, "DELETE FROM audit WHERE seq = 2");
	struct audit_report r;
	struct perr e;
	assert_int_equal(audit_verify(t->st, &r, &e), 0);
	assert_int_equal(r.bad_seq, 3);
	assert_non_null(strstr(r.problem, "deleted"));
	tdb_close(t);
}

static void inserted(void **state)
{
	(void)state;
	struct tdb *t = seeded(3);
	/* A forger who recomputes the hash of a replaced entry still breaks the
	** link from the next entry. */
	struct store_audit a;
	memset(&a, 0, sizeof(a));
	a.seq = 2;
	a.ts_ms = 1;
	PSTRCPY(a.actor, "user:mallory");
	PSTRCPY(a.action, "org.create");
	PSTRCPY(a.object, "org:99");
	a.before = "";
	a.after = "";
	char prev[65];
	int64_t seq;
	struct perr e;
	sqlite3 *db;
	sqlite3_open(t->path, &db);
	sqlite3_stmt *s;
	sqlite3_prepare_v2(db, "SELECT hash FROM audit WHERE seq = 1", -1, &s, NULL);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(pstrlcpy(prev, (const char *)sqlite3_column_text(s, 0), sizeof(prev)), 0);
	sqlite3_finalize(s);
	PSTRCPY(a.prev_hash, prev);
	assert_int_equal(audit_hash(&a, a.hash), 0);
	sqlite3_prepare_v2(db, "UPDATE audit SET ts_ms=?, actor=?, object=?, after='', hash=? WHERE seq=2",
			   -1, &s, NULL);
	sqlite3_bind_int64(s, 1, a.ts_ms);
	sqlite3_bind_text(s, 2, a.actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, a.object, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, a.hash, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	sqlite3_close(db);
	(void)seq;
	struct audit_report r;
	assert_int_equal(audit_verify(t->st, &r, &e), 0);
	assert_int_equal(r.bad_seq, 3);
	assert_non_null(strstr(r.problem, "inserted or replaced"));
	tdb_close(t);
}

static void appends_continue_chain(void **state)
{
	(void)state;
	struct tdb *t = seeded(2);
	struct perr e;
	char h[65];
	int64_t seq;
	assert_int_equal(store_audit_last(t->st, &seq, h, &e), 0);
	assert_int_equal(seq, 2);
	assert_int_equal(strlen(h), 64);
	assert_int_equal(audit_append(t->st, "cli:root", "x", "y", "", "", &e), 0);
	assert_int_equal(store_audit_last(t->st, &seq, h, &e), 0);
	assert_int_equal(seq, 3);
	tdb_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(intact), cmocka_unit_test(edited), cmocka_unit_test(deleted),
		cmocka_unit_test(inserted), cmocka_unit_test(appends_continue_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
