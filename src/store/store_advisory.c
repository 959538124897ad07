/*
** store_advisory.c — advisory rows and their versions (migration 0011).
**
** An advisory is kept whole as its JSON document plus the columns a list
** filters and sorts on (ref, status, title, TLP, CVSS, deadline). Every
** change writes a new advisory_version row beside the updated advisory row,
** in the caller's transaction, so the history cannot miss a change: version
** 1 is written with the advisory itself, and a version's number is its
** primary key, so two writers racing to the same number conflict instead of
** one overwriting the other. Constituents read advisories only through
** their organisation's target rows (advisory_target, written by
** store_adtarget.c); this file only reads those.
*/
#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"

#define ADV_COLS \
	"a.id, a.ref, a.version, a.status, a.title, a.tlp, a.cvss_base, a.severity, " \
	"a.exploited, a.deadline_ms, a.doc, a.actor, a.created_ms, a.updated_ms, " \
	"a.published_ms"

/* Decode a row of ADV_COLS (plus, at column 15 when present, a target
** state). doc points into the statement: valid during the callback. */
static void adv_fill(sqlite3_stmt *s, struct store_advisory *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(s, 0);
	sq_col_text(s, 1, a->ref, sizeof(a->ref));
	a->version = sqlite3_column_int64(s, 2);
	sq_col_text(s, 3, a->status, sizeof(a->status));
	sq_col_text(s, 4, a->title, sizeof(a->title));
	sq_col_text(s, 5, a->tlp, sizeof(a->tlp));
	a->cvss_base = sqlite3_column_double(s, 6);
	sq_col_text(s, 7, a->severity, sizeof(a->severity));
	a->exploited = sqlite3_column_int64(s, 8) != 0;
	a->deadline_ms = sqlite3_column_int64(s, 9);
	const unsigned char *d = sqlite3_column_text(s, 10);
	a->doc = d ? (const char *)d : "";
	sq_col_text(s, 11, a->actor, sizeof(a->actor));
	a->created_ms = sqlite3_column_int64(s, 12);
	a->updated_ms = sqlite3_column_int64(s, 13);
	a->published_ms = sqlite3_column_int64(s, 14);
	if (sqlite3_column_count(s) > 15)
		sq_col_text(s, 15, a->target_state, sizeof(a->target_state));
}

static int adv_row(sqlite3_stmt *s, void *ctx)
{
	struct cb *c = ctx;
	struct store_advisory a;
	adv_fill(s, &a);
	return ((store_advisory_fn)c->fn)(c->ud, &a);
}

/* The version row of a's current version, with changes. */
static int version_insert(struct store *st, const struct store_advisory *a, const char *changes,
			  int64_t at_ms, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "INSERT INTO advisory_version(advisory_id, version, doc, "
				      "changes, actor, created_ms) VALUES (?, ?, ?, ?, ?, ?)",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, a->id);
	sqlite3_bind_int64(s, 2, a->version);
	sq_bind_text(s, 3, a->doc);
	sq_bind_text(s, 4, changes);
	sq_bind_text(s, 5, a->actor);
	sqlite3_bind_int64(s, 6, at_ms);
	return sq_exec_step(st, s, err, "advisory version");
}

int store_advisory_insert(struct store *st, struct store_advisory *a, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO advisory(ref, version, status, title, tlp, cvss_base, severity, "
		"exploited, deadline_ms, doc, actor, created_ms, updated_ms, published_ms) "
		"VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, a->ref);
	sq_bind_text(s, 2, a->status[0] ? a->status : "draft");
	sq_bind_text(s, 3, a->title);
	sq_bind_text(s, 4, a->tlp);
	sqlite3_bind_double(s, 5, a->cvss_base);
	sq_bind_text(s, 6, a->severity);
	sqlite3_bind_int64(s, 7, a->exploited ? 1 : 0);
	sqlite3_bind_int64(s, 8, a->deadline_ms);
	sq_bind_text(s, 9, a->doc);
	sq_bind_text(s, 10, a->actor);
	sqlite3_bind_int64(s, 11, a->created_ms);
	sqlite3_bind_int64(s, 12, a->updated_ms ? a->updated_ms : a->created_ms);
	sqlite3_bind_int64(s, 13, a->published_ms);
	if (sq_exec_step(st, s, err, "advisory") != 0) {
		if (err && err->kind == PERR_CONFLICT)
			perr_set(err, PERR_CONFLICT, "ref", "an advisory with ref %s exists",
				 a->ref);
		return -1;
	}
	a->id = sqlite3_last_insert_rowid(st->db);
	a->version = 1;
	return version_insert(st, a, "created", a->created_ms, err);
}

int store_advisory_update(struct store *st, const struct store_advisory *a, const char *changes,
			  struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"UPDATE advisory SET ref = ?, version = ?, status = ?, title = ?, tlp = ?, "
		"cvss_base = ?, severity = ?, exploited = ?, deadline_ms = ?, doc = ?, actor = ?, "
		"updated_ms = ?, published_ms = ? WHERE id = ?",
		err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, a->ref);
	sqlite3_bind_int64(s, 2, a->version);
	sq_bind_text(s, 3, a->status);
	sq_bind_text(s, 4, a->title);
	sq_bind_text(s, 5, a->tlp);
	sqlite3_bind_double(s, 6, a->cvss_base);
	sq_bind_text(s, 7, a->severity);
	sqlite3_bind_int64(s, 8, a->exploited ? 1 : 0);
	sqlite3_bind_int64(s, 9, a->deadline_ms);
	sq_bind_text(s, 10, a->doc);
	sq_bind_text(s, 11, a->actor);
	sqlite3_bind_int64(s, 12, a->updated_ms);
	sqlite3_bind_int64(s, 13, a->published_ms);
	sqlite3_bind_int64(s, 14, a->id);
	if (sq_exec_one(st, s, err, "advisory") != 0) {
		if (err && err->kind == PERR_CONFLICT)
			perr_set(err, PERR_CONFLICT, "ref", "an advisory with ref %s exists",
				 a->ref);
		return -1;
	}
	return version_insert(st, a, changes, a->updated_ms, err);
}

int store_advisory_get(struct store *st, int64_t id, int64_t version, store_advisory_fn fn,
		       void *ud, struct perr *err)
{
	sqlite3_stmt *s;
	if (version <= 0) {
		s = sq_prep(st, "SELECT " ADV_COLS " FROM advisory a WHERE a.id = ?", err);
		if (!s)
			return -1;
		sqlite3_bind_int64(s, 1, id);
	} else {
		/* the row as it is now, with that version's number, document,
		** author and time: a version is only its document */
		s = sq_prep(st,
			"SELECT a.id, a.ref, v.version, a.status, a.title, a.tlp, a.cvss_base, "
			"a.severity, a.exploited, a.deadline_ms, v.doc, v.actor, a.created_ms, "
			"v.created_ms, a.published_ms FROM advisory a JOIN advisory_version v "
			"ON v.advisory_id = a.id WHERE a.id = ? AND v.version = ?",
			err);
		if (!s)
			return -1;
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, version);
	}
	struct cb c = { (void *)fn, ud };
	int n = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		n++;
		int r = adv_row(s, &c);
		if (r != 0) {
			sq_done(st, s);
			return r;
		}
	}
	if (rc != SQLITE_DONE) {
		sq_db_fail(st, err, "advisory");
		sq_done(st, s);
		return -1;
	}
	sq_done(st, s);
	if (n == 0)
		return perr_set(err, PERR_NOTFOUND, NULL, version > 0 ? "advisory version not found"
								 : "advisory not found");
	return 0;
}

int store_advisory_next_ref(struct store *st, int64_t year, int64_t *n, struct perr *err)
{
	/* the highest number of this year's PARAPET refs, plus one: refs are
	** never reused, and an imported vendor ref (another prefix) does not
	** count */
	char pattern[32];
	snprintf(pattern, sizeof(pattern), "PARAPET-%04lld-", (long long)year);
	sqlite3_stmt *s = sq_prep(st,
		"SELECT COALESCE(MAX(CAST(substr(ref, length(?1) + 1) AS INTEGER)), 0) "
		"FROM advisory WHERE substr(ref, 1, length(?1)) = ?1",
		err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, pattern);
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sq_db_fail(st, err, "advisory ref");
		sq_done(st, s);
		return -1;
	}
	*n = sqlite3_column_int64(s, 0) + 1;
	sq_done(st, s);
	return 0;
}

int store_advisory_list(struct store *st, const struct store_advisory_query *q,
			store_advisory_fn fn, void *ud, struct perr *err)
{
	/* the words match the title, the ref or one of the CVE ids (the
	** document's cves array) as a substring, case-insensitively */
	sqlite3_stmt *s = sq_prep(st,
		"SELECT " ADV_COLS ", COALESCE(t.state, '') FROM advisory a "
		"LEFT JOIN advisory_target t ON t.advisory_id = a.id AND t.org_id = ?1 "
		"WHERE (?1 = 0 OR t.org_id IS NOT NULL) "
		"AND (?2 IS NULL OR a.status = ?2) "
		"AND (?3 = 0 OR a.id < ?3) "
		"AND (?4 IS NULL OR instr(lower(a.title), lower(?4)) > 0 "
		"  OR instr(lower(a.ref), lower(?4)) > 0 "
		"  OR EXISTS (SELECT 1 FROM json_each(a.doc, '$.cves') c "
		"             WHERE instr(lower(c.value), lower(?4)) > 0)) "
		"ORDER BY a.id DESC LIMIT ?5",
		err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, q->org);
	if (q->status && q->status[0])
		sq_bind_text(s, 2, q->status);
	else
		sqlite3_bind_null(s, 2);
	sqlite3_bind_int64(s, 3, q->before_id);
	if (q->q && q->q[0])
		sq_bind_text(s, 4, q->q);
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_int64(s, 5, q->limit > 0 ? q->limit : 100);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, adv_row, &c, err, "advisories");
}

int store_advisory_target_state_get(struct store *st, int64_t id, int64_t org,
				    char state[16], struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT state FROM advisory_target WHERE advisory_id = ? "
				      "AND org_id = ?",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, org);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		sq_col_text(s, 0, state, 16);
		sq_done(st, s);
		return 0;
	}
	if (rc != SQLITE_DONE) {
		sq_db_fail(st, err, "advisory target");
		sq_done(st, s);
		return -1;
	}
	sq_done(st, s);
	state[0] = '\0';
	return perr_set(err, PERR_NOTFOUND, NULL, "advisory not found");
}

static int version_row(sqlite3_stmt *s, void *ctx)
{
	struct cb *c = ctx;
	struct store_advisory_version v;
	memset(&v, 0, sizeof(v));
	v.version = sqlite3_column_int64(s, 0);
	const unsigned char *ch = sqlite3_column_text(s, 1);
	v.changes = ch ? (const char *)ch : "";
	sq_col_text(s, 2, v.actor, sizeof(v.actor));
	v.created_ms = sqlite3_column_int64(s, 3);
	return ((store_advisory_version_fn)c->fn)(c->ud, &v);
}

int store_advisory_version_list(struct store *st, int64_t id, store_advisory_version_fn fn,
				void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT version, changes, actor, created_ms FROM "
				      "advisory_version WHERE advisory_id = ? ORDER BY version DESC",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, version_row, &c, err, "advisory versions");
}
