/*
** store_watch.c — the website watch's tables: watched sites (one per URL
** asset, with the durable schedule and the packed baseline), their checks
** and their posture grades.
**
** The monitor reads due sites, checks them outside any transaction, then
** writes each result back with store_watch_save and store_watch_check_insert
** inside one transaction per batch, together with the incident it reports:
** a check is either recorded with its consequences or not at all.
*/
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

#define SITE_COLS                                                                              \
	"w.id, w.asset_id, w.org_id, w.url, w.interval_s, w.enabled, w.next_due_ms, "          \
	"w.last_check_ms, w.state, w.ok_streak, w.incident_id, w.alert_kind, w.missed_ms, "     \
	"w.samples, w.baseline, w.last_good, w.dns_expected, w.dns_declared, w.cert_expected, " \
	"w.checks, w.created_ms, w.updated_ms, o.name, o.province, w.fail_streak, w.posture_ms"
#define SITE_FROM " FROM watch_site w JOIN org o ON o.id = w.org_id"

static void site_from(sqlite3_stmt *s, void *out)
{
	struct store_watch_site *w = out;
	w->id = sqlite3_column_int64(s, 0);
	w->asset_id = sqlite3_column_int64(s, 1);
	w->org_id = sqlite3_column_int64(s, 2);
	sq_col_text(s, 3, w->url, sizeof(w->url));
	w->interval_s = sqlite3_column_int64(s, 4);
	w->enabled = sqlite3_column_int64(s, 5) != 0;
	w->next_due_ms = sqlite3_column_int64(s, 6);
	w->last_check_ms = sqlite3_column_int64(s, 7);
	sq_col_text(s, 8, w->state, sizeof(w->state));
	w->ok_streak = sqlite3_column_int64(s, 9);
	w->incident_id = sqlite3_column_int64(s, 10);
	sq_col_text(s, 11, w->alert_kind, sizeof(w->alert_kind));
	w->missed_ms = sqlite3_column_int64(s, 12);
	const unsigned char *t = sqlite3_column_text(s, 13);
	w->samples = t ? (const char *)t : "[]";
	w->baseline = sqlite3_column_blob(s, 14);
	w->baseline_len = (size_t)sqlite3_column_bytes(s, 14);
	sq_col_text(s, 15, w->last_good, sizeof(w->last_good));
	w->dns_expected = (const char *)sqlite3_column_text(s, 16);
	w->dns_declared = sqlite3_column_int64(s, 17) != 0;
	w->cert_expected = (const char *)sqlite3_column_text(s, 18);
	w->checks = sqlite3_column_int64(s, 19);
	w->created_ms = sqlite3_column_int64(s, 20);
	w->updated_ms = sqlite3_column_int64(s, 21);
	sq_col_text(s, 22, w->org_name, sizeof(w->org_name));
	sq_col_text(s, 23, w->province, sizeof(w->province));
	w->fail_streak = sqlite3_column_int64(s, 24);
	w->posture_ms = sqlite3_column_int64(s, 25);
}

/* The row callbacks: the site struct is large (URL and names inline), so it
** lives on the heap rather than on the walker's stack. */
static int site_row(sqlite3_stmt *s, void *ctx)
{
	struct cb *c = ctx;
	struct store_watch_site *w = malloc(sizeof(*w));
	if (!w)
		return -1;
	site_from(s, w);
	int r = ((store_watch_site_fn)c->fn)(c->ud, w);
	free(w);
	return r;
}

int store_watch_due(struct store *st, int64_t due_ms, int64_t checked_before, int64_t limit,
		    store_watch_site_fn fn, void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " SITE_COLS SITE_FROM
		" WHERE w.enabled = 1 AND w.next_due_ms <= ? AND w.last_check_ms < ?"
		" ORDER BY w.next_due_ms LIMIT ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, due_ms);
	sqlite3_bind_int64(s, 2, checked_before);
	sqlite3_bind_int64(s, 3, limit);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, site_row, &c, err, "watch sites");
}

int store_watch_list(struct store *st, int64_t org_id, const char *province, const char *state,
		     int64_t after_id, int64_t limit, store_watch_site_fn fn, void *ud,
		     struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " SITE_COLS SITE_FROM
		" WHERE w.id > ?1 AND (?2 = 0 OR w.org_id = ?2) AND (?3 = '' OR o.province = ?3)"
		" AND (?4 = '' OR w.state = ?4) ORDER BY w.id LIMIT ?5", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, after_id);
	sqlite3_bind_int64(s, 2, org_id);
	sq_bind_text(s, 3, province);
	sq_bind_text(s, 4, state);
	sqlite3_bind_int64(s, 5, limit);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, site_row, &c, err, "watch sites");
}

struct found {
	store_watch_site_fn fn;
	void *ud;
	bool seen;
};

static int found_one(void *ud, const struct store_watch_site *w)
{
	struct found *f = ud;
	f->seen = true;
	return f->fn(f->ud, w);
}

int store_watch_get(struct store *st, int64_t id, store_watch_site_fn fn, void *ud,
		    struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " SITE_COLS SITE_FROM " WHERE w.id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	struct found f = { fn, ud, false };
	struct cb c = { (void *)found_one, &f };
	int r = sq_each_row(st, s, site_row, &c, err, "watch site");
	if (r == 0 && !f.seen)
		return perr_set(err, PERR_NOTFOUND, NULL, "site not found");
	return r;
}

int store_watch_save(struct store *st, const struct store_watch_site *w, bool heavy,
		     struct perr *err)
{
	if (!heavy) {
		sqlite3_stmt *s = sq_prep(st,
			"UPDATE watch_site SET next_due_ms = ?, last_check_ms = ?, state = ?, "
			"ok_streak = ?, incident_id = ?, alert_kind = ?, missed_ms = ?, last_good = ?, "
			"checks = ?, updated_ms = ?, fail_streak = ? WHERE id = ?", err);
		if (!s)
			return -1;
		sqlite3_bind_int64(s, 1, w->next_due_ms);
		sqlite3_bind_int64(s, 2, w->last_check_ms);
		sq_bind_text(s, 3, w->state);
		sqlite3_bind_int64(s, 4, w->ok_streak);
		sq_bind_opt_id(s, 5, w->incident_id);
		sq_bind_text(s, 6, w->alert_kind);
		sqlite3_bind_int64(s, 7, w->missed_ms);
		sq_bind_text(s, 8, w->last_good);
		sqlite3_bind_int64(s, 9, w->checks);
		sqlite3_bind_int64(s, 10, w->updated_ms);
		sqlite3_bind_int64(s, 11, w->fail_streak);
		sqlite3_bind_int64(s, 12, w->id);
		return sq_exec_one(st, s, err, "site");
	}
	sqlite3_stmt *s = sq_prep(st,
		"UPDATE watch_site SET next_due_ms = ?, last_check_ms = ?, state = ?, ok_streak = ?, "
		"incident_id = ?, alert_kind = ?, missed_ms = ?, samples = ?, baseline = ?, "
		"last_good = ?, dns_expected = ?, dns_declared = ?, cert_expected = ?, checks = ?, "
		"updated_ms = ?, fail_streak = ? WHERE id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, w->next_due_ms);
	sqlite3_bind_int64(s, 2, w->last_check_ms);
	sq_bind_text(s, 3, w->state);
	sqlite3_bind_int64(s, 4, w->ok_streak);
	sq_bind_opt_id(s, 5, w->incident_id);
	sq_bind_text(s, 6, w->alert_kind);
	sqlite3_bind_int64(s, 7, w->missed_ms);
	sq_bind_text(s, 8, w->samples ? w->samples : "[]");
	if (w->baseline && w->baseline_len)
		sqlite3_bind_blob(s, 9, w->baseline, (int)w->baseline_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 9);
	sq_bind_text(s, 10, w->last_good);
	if (w->dns_expected)
		sqlite3_bind_text(s, 11, w->dns_expected, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 11);
	sqlite3_bind_int64(s, 12, w->dns_declared);
	if (w->cert_expected)
		sqlite3_bind_text(s, 13, w->cert_expected, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 13);
	sqlite3_bind_int64(s, 14, w->checks);
	sqlite3_bind_int64(s, 15, w->updated_ms);
	sqlite3_bind_int64(s, 16, w->fail_streak);
	sqlite3_bind_int64(s, 17, w->id);
	return sq_exec_one(st, s, err, "site");
}

int store_watch_configure(struct store *st, int64_t id, int64_t interval_s, int enabled,
			  int64_t now_ms, struct perr *err)
{
	/* A shorter interval takes effect at once: the next check moves up to
	** at most one new interval from now. */
	sqlite3_stmt *s = sq_prep(st,
		"UPDATE watch_site SET interval_s = CASE WHEN ?1 > 0 THEN ?1 ELSE interval_s END, "
		"enabled = CASE WHEN ?2 >= 0 THEN ?2 ELSE enabled END, "
		"next_due_ms = CASE WHEN ?1 > 0 THEN min(next_due_ms, ?3 + ?1 * 1000) "
		"ELSE next_due_ms END, missed_ms = 0, updated_ms = ?3 WHERE id = ?4", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, interval_s);
	sqlite3_bind_int64(s, 2, enabled);
	sqlite3_bind_int64(s, 3, now_ms);
	sqlite3_bind_int64(s, 4, id);
	return sq_exec_one(st, s, err, "site");
}

int store_watch_missed(struct store *st, int64_t now_ms, int64_t limit, store_watch_site_fn fn,
		       void *ud, struct perr *err)
{
	/* Late by more than one interval past its due time: the last check (or
	** the site's creation) is more than two intervals ago. */
	sqlite3_stmt *s = sq_prep(st, "SELECT " SITE_COLS SITE_FROM
		" WHERE w.enabled = 1 AND w.missed_ms = 0 AND w.next_due_ms < ?1 - w.interval_s * 1000"
		" ORDER BY w.next_due_ms LIMIT ?2", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, now_ms);
	sqlite3_bind_int64(s, 2, limit);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, site_row, &c, err, "watch sites");
}

int store_watch_set_dns(struct store *st, int64_t id, const char *expected, bool declared,
			int64_t now_ms, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"UPDATE watch_site SET dns_expected = ?, dns_declared = ?, updated_ms = ? WHERE id = ?",
		err);
	if (!s)
		return -1;
	if (expected)
		sqlite3_bind_text(s, 1, expected, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 1);
	sqlite3_bind_int64(s, 2, declared);
	sqlite3_bind_int64(s, 3, now_ms);
	sqlite3_bind_int64(s, 4, id);
	return sq_exec_one(st, s, err, "site");
}

int store_watch_mark_missed(struct store *st, int64_t id, int64_t now_ms, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "UPDATE watch_site SET missed_ms = ? WHERE id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, now_ms);
	sqlite3_bind_int64(s, 2, id);
	return sq_exec_one(st, s, err, "site");
}

int store_watch_counts(struct store *st, int64_t org, const char *province,
		       store_watch_count_fn fn, void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT w.state, count(*), sum(w.missed_ms > 0) FROM watch_site w "
		"JOIN org o ON o.id = w.org_id WHERE w.enabled = 1 "
		"AND (?1 = 0 OR w.org_id = ?1) AND (?2 IS NULL OR o.province = ?2) "
		"GROUP BY w.state", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, org);
	if (province)
		sqlite3_bind_text(s, 2, province, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, 2);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *k = sqlite3_column_text(s, 0);
		if (fn(ud, k ? (const char *)k : "", sqlite3_column_int64(s, 1),
		       sqlite3_column_int64(s, 2)) != 0)
			break;
	}
	int r = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sq_db_fail(st, err, "watch sites");
	sq_done(st, s);
	return r;
}

int store_watch_conditions(struct store *st, int64_t org, const char *province,
			   store_watch_condition_fn fn, void *ud, struct perr *err)
{
	/* what an analyst calls a site's condition: an open detection by its
	** kind (a DNS answer outside the organisation, an outage, a certificate
	** replaced, or the page itself: defaced, injected, redirected), else
	** the last check's verdict (changed: a difference below the alert
	** score) */
	sqlite3_stmt *s = sq_prep(st,
		"SELECT CASE "
		"WHEN w.state = 'alert' AND w.alert_kind = 'dns-hijack' THEN 'dns_changed' "
		"WHEN w.state = 'alert' AND w.alert_kind = 'outage' THEN 'down' "
		"WHEN w.state = 'alert' AND w.alert_kind = 'certificate-change' THEN 'changed' "
		"WHEN w.state = 'alert' THEN 'defaced' "
		"WHEN w.state = 'down' THEN 'down' "
		"WHEN w.state = 'learning' THEN 'learning' "
		"WHEN (SELECT c.outcome FROM watch_check c WHERE c.site_id = w.id "
		"      ORDER BY c.ts_ms DESC LIMIT 1) = 'changed' THEN 'changed' "
		"ELSE 'ok' END, count(*) "
		"FROM watch_site w JOIN org o ON o.id = w.org_id WHERE w.enabled = 1 "
		"AND (?1 = 0 OR w.org_id = ?1) AND (?2 IS NULL OR o.province = ?2) "
		"GROUP BY 1 ORDER BY 1", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, org);
	if (province)
		sqlite3_bind_text(s, 2, province, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, 2);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *k = sqlite3_column_text(s, 0);
		if (fn(ud, k ? (const char *)k : "", sqlite3_column_int64(s, 1)) != 0)
			break;
	}
	int r = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sq_db_fail(st, err, "watch sites");
	sq_done(st, s);
	return r;
}

/* ------------------------------------------------------------------ checks */

int store_watch_check_insert(struct store *st, struct store_watch_check *c, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO watch_check(site_id, ts_ms, outcome, http_status, score, severity, "
		"body_sha256, duration_ms, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, c->site_id);
	sqlite3_bind_int64(s, 2, c->ts_ms);
	sq_bind_text(s, 3, c->outcome);
	sqlite3_bind_int64(s, 4, c->http_status);
	sqlite3_bind_int64(s, 5, c->score);
	sq_bind_text(s, 6, c->severity);
	sq_bind_text(s, 7, c->body_sha256);
	sqlite3_bind_int64(s, 8, c->duration_ms);
	sq_bind_text(s, 9, c->detail ? c->detail : "{}");
	if (sq_exec_step(st, s, err, "check") != 0)
		return -1;
	c->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

static void check_from(sqlite3_stmt *s, void *out)
{
	struct store_watch_check *c = out;
	c->id = sqlite3_column_int64(s, 0);
	c->site_id = sqlite3_column_int64(s, 1);
	c->ts_ms = sqlite3_column_int64(s, 2);
	sq_col_text(s, 3, c->outcome, sizeof(c->outcome));
	c->http_status = sqlite3_column_int64(s, 4);
	c->score = sqlite3_column_int64(s, 5);
	sq_col_text(s, 6, c->severity, sizeof(c->severity));
	sq_col_text(s, 7, c->body_sha256, sizeof(c->body_sha256));
	c->duration_ms = sqlite3_column_int64(s, 8);
	const unsigned char *t = sqlite3_column_text(s, 9);
	c->detail = t ? (const char *)t : "{}";
}

ROW_CALLBACK(check_row, struct store_watch_check, check_from, store_watch_check_fn)

int store_watch_checks(struct store *st, int64_t site_id, int64_t before_id, int64_t limit,
		       store_watch_check_fn fn, void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT id, site_id, ts_ms, outcome, http_status, score, severity, body_sha256, "
		"duration_ms, detail FROM watch_check WHERE site_id = ?1 AND (?2 = 0 OR id < ?2) "
		"ORDER BY id DESC LIMIT ?3", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, site_id);
	sqlite3_bind_int64(s, 2, before_id);
	sqlite3_bind_int64(s, 3, limit);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, check_row, &c, err, "checks");
}

/* ----------------------------------------------------------------- posture */

int store_watch_posture_insert(struct store *st, int64_t site_id, int64_t ts_ms,
			       const char *grade, int64_t score, const char *detail,
			       struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT OR REPLACE INTO watch_posture(site_id, ts_ms, grade, score, detail) "
		"VALUES (?, ?, ?, ?, ?)", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, site_id);
	sqlite3_bind_int64(s, 2, ts_ms);
	sq_bind_text(s, 3, grade);
	sqlite3_bind_int64(s, 4, score);
	sq_bind_text(s, 5, detail);
	if (sq_exec_step(st, s, err, "posture") != 0)
		return -1;
	s = sq_prep(st, "UPDATE watch_site SET posture_ms = ? WHERE id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, ts_ms);
	sqlite3_bind_int64(s, 2, site_id);
	return sq_exec_step(st, s, err, "posture");
}

int store_watch_posture_org(struct store *st, int64_t org_id, store_watch_grade_fn fn, void *ud,
			    struct perr *err)
{
	/* the latest grade of each graded, enabled site of the organisation */
	sqlite3_stmt *s = sq_prep(st,
		"SELECT p.site_id, p.grade, p.score FROM watch_posture p JOIN watch_site w "
		"ON w.id = p.site_id WHERE w.org_id = ? AND w.enabled = 1 AND p.ts_ms = "
		"(SELECT max(ts_ms) FROM watch_posture q WHERE q.site_id = p.site_id) "
		"ORDER BY p.site_id", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, org_id);
	int rc, r = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char grade[8];
		sq_col_text(s, 1, grade, sizeof(grade));
		if ((r = fn(ud, sqlite3_column_int64(s, 0), grade, sqlite3_column_int64(s, 2))) != 0)
			break;
	}
	if (!r && rc != SQLITE_DONE)
		r = sq_db_fail(st, err, "posture");
	sq_done(st, s);
	return r;
}

int store_watch_posture_get(struct store *st, int64_t site_id, char grade[8], int64_t *score,
			    char **detail, int64_t *ts_ms, struct perr *err)
{
	*detail = NULL;
	sqlite3_stmt *s = sq_prep(st,
		"SELECT grade, score, detail, ts_ms FROM watch_posture WHERE site_id = ? "
		"ORDER BY ts_ms DESC LIMIT 1", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, site_id);
	int rc = sqlite3_step(s), r = 0;
	if (rc == SQLITE_ROW) {
		sq_col_text(s, 0, grade, 8);
		*score = sqlite3_column_int64(s, 1);
		const unsigned char *t = sqlite3_column_text(s, 2);
		*detail = strdup(t ? (const char *)t : "{}");
		*ts_ms = sqlite3_column_int64(s, 3);
		if (!*detail)
			r = perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	} else if (rc == SQLITE_DONE) {
		r = perr_set(err, PERR_NOTFOUND, NULL, "site not graded yet");
	} else {
		r = sq_db_fail(st, err, "posture");
	}
	sq_done(st, s);
	return r;
}
