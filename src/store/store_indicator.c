/*
** store_indicator.c — the indicator registry's rows (migration 0013):
** indicators, their sightings and the incidents they are linked to.
**
** The store keeps what the domain (src/indicator) decided: values arrive
** canonical and validated, TLP and status checked. Address indicators carry
** their first and last address as 16-byte blobs (network order) so that a
** search by containment is an index range on (family, lo) rather than a
** parse of every row. Exports and match structures read every row in one
** pass through the callbacks here.
*/
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

static void blob16(sqlite3_stmt *s, int i, uint8_t out[16])
{
	memset(out, 0, 16);
	const void *b = sqlite3_column_blob(s, i);
	int n = sqlite3_column_bytes(s, i);
	if (b && n == 16)
		memcpy(out, b, 16);
}

/* Fill one struct store_indicator from a row selected with IND_COLS. Also
** used by the search builder (store_indicator_query.c) through the
** internal header. */
void sq_indicator_from(sqlite3_stmt *s, void *out)
{
	struct store_indicator *r = out;
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(s, 0);
	sq_col_text(s, 1, r->type, sizeof(r->type));
	sq_col_text(s, 2, r->value, sizeof(r->value));
	sq_col_text(s, 3, r->status, sizeof(r->status));
	sq_col_text(s, 4, r->held_lists, sizeof(r->held_lists));
	sq_col_text(s, 5, r->class_, sizeof(r->class_));
	sq_col_text(s, 6, r->reason, sizeof(r->reason));
	sq_col_text(s, 7, r->tlp, sizeof(r->tlp));
	sq_col_text(s, 8, r->source, sizeof(r->source));
	sq_col_text(s, 9, r->source_ref, sizeof(r->source_ref));
	r->confidence = sqlite3_column_int(s, 10);
	sq_col_text(s, 11, r->attribution, sizeof(r->attribution));
	sq_col_text(s, 12, r->tags, sizeof(r->tags));
	r->org_id = sqlite3_column_int64(s, 13);
	r->family = sqlite3_column_int(s, 14);
	blob16(s, 15, r->lo);
	blob16(s, 16, r->hi);
	r->first_seen_ms = sqlite3_column_int64(s, 17);
	r->last_seen_ms = sqlite3_column_int64(s, 18);
	r->expires_ms = sqlite3_column_int64(s, 19);
	r->sightings = sqlite3_column_int64(s, 20);
	sq_col_text(s, 21, r->actor, sizeof(r->actor));
	r->created_ms = sqlite3_column_int64(s, 22);
	r->updated_ms = sqlite3_column_int64(s, 23);
}

/* Bind the mutable fields shared by insert and update at 1..19 (status
** .. updated_ms, in IND_COLS order without id, type, value, sightings,
** actor's position kept). */
static void bind_mutable(sqlite3_stmt *s, const struct store_indicator *r)
{
	sq_bind_text(s, 1, r->status);
	sq_bind_text(s, 2, r->held_lists);
	sq_bind_text(s, 3, r->class_);
	sq_bind_text(s, 4, r->reason);
	sq_bind_text(s, 5, r->tlp);
	sq_bind_text(s, 6, r->source);
	sq_bind_text(s, 7, r->source_ref);
	sqlite3_bind_int(s, 8, r->confidence);
	sq_bind_text(s, 9, r->attribution);
	sq_bind_text(s, 10, r->tags);
	sq_bind_opt_id(s, 11, r->org_id);
	sqlite3_bind_int(s, 12, r->family);
	if (r->family) {
		sqlite3_bind_blob(s, 13, r->lo, 16, SQLITE_STATIC);
		sqlite3_bind_blob(s, 14, r->hi, 16, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(s, 13);
		sqlite3_bind_null(s, 14);
	}
	sqlite3_bind_int64(s, 15, r->first_seen_ms);
	sqlite3_bind_int64(s, 16, r->last_seen_ms);
	sqlite3_bind_int64(s, 17, r->expires_ms);
	sq_bind_text(s, 18, r->actor);
	sqlite3_bind_int64(s, 19, r->updated_ms);
}

int store_indicator_insert(struct store *st, struct store_indicator *r, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "INSERT INTO indicator(status, held_lists, class, reason, "
				      "tlp, source, source_ref, confidence, attribution, tags, "
				      "org_id, family, lo, hi, first_seen_ms, last_seen_ms, "
				      "expires_ms, actor, updated_ms, type, value, sightings, "
				      "created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
				      "?, ?, ?, ?, ?, ?, ?, ?, ?)",
				  err);
	if (!s)
		return -1;
	bind_mutable(s, r);
	sq_bind_text(s, 20, r->type);
	sq_bind_text(s, 21, r->value);
	sqlite3_bind_int64(s, 22, r->sightings);
	sqlite3_bind_int64(s, 23, r->created_ms);
	if (sq_exec_step(st, s, err, "indicator") != 0) {
		/* the unique key is the only conflict a valid row can meet,
		** besides an organisation that does not exist */
		if (err && err->kind == PERR_CONFLICT && r->org_id == 0)
			perr_set(err, PERR_CONFLICT, "value", "%s %s is listed already", r->type,
				 r->value);
		return -1;
	}
	r->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_indicator_update(struct store *st, const struct store_indicator *r, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "UPDATE indicator SET status = ?, held_lists = ?, "
				      "class = ?, reason = ?, tlp = ?, source = ?, source_ref = ?, "
				      "confidence = ?, attribution = ?, tags = ?, org_id = ?, "
				      "family = ?, lo = ?, hi = ?, first_seen_ms = ?, "
				      "last_seen_ms = ?, expires_ms = ?, actor = ?, updated_ms = ? "
				      "WHERE id = ?",
				  err);
	if (!s)
		return -1;
	bind_mutable(s, r);
	sqlite3_bind_int64(s, 20, r->id);
	return sq_exec_one(st, s, err, "indicator");
}

int store_indicator_get(struct store *st, int64_t id, struct store_indicator *out,
			struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " IND_COLS " FROM indicator WHERE id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return sq_one_row(st, s, sq_indicator_from, out, err, "indicator");
}

int store_indicator_find(struct store *st, const char *type, const char *value,
			 struct store_indicator *out, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " IND_COLS " FROM indicator WHERE type = ? AND "
				      "value = ?",
				  err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, type);
	sq_bind_text(s, 2, value);
	return sq_one_row(st, s, sq_indicator_from, out, err, "indicator");
}

ROW_CALLBACK(indicator_row, struct store_indicator, sq_indicator_from, store_indicator_fn)

int store_indicator_export_each(struct store *st, int64_t now_ms, store_indicator_fn fn,
				void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " IND_COLS " FROM indicator WHERE status = "
				      "'active' AND expires_ms > ? ORDER BY id",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, now_ms);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, indicator_row, &c, err, "indicators");
}

int store_indicator_active_each(struct store *st, store_indicator_fn fn, void *ud,
				struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " IND_COLS " FROM indicator WHERE status = "
				      "'active' ORDER BY id",
				  err);
	if (!s)
		return -1;
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, indicator_row, &c, err, "indicators");
}

int store_indicator_version(struct store *st, int64_t *max_updated_ms, int64_t *rows,
			    struct perr *err)
{
	/* two index probes, not count(*): a consumer's poll that ends in 304
	** must not scan a million rows. Indicators are never deleted
	** (retiring is an update), so the highest id moves with every insert
	** as the count would. */
	sqlite3_stmt *s = sq_prep(st, "SELECT (SELECT coalesce(max(updated_ms), 0) FROM "
				      "indicator), (SELECT coalesce(max(id), 0) FROM indicator)",
				  err);
	if (!s)
		return -1;
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sq_done(st, s);
		return sq_db_fail(st, err, "indicator version");
	}
	*max_updated_ms = sqlite3_column_int64(s, 0);
	*rows = sqlite3_column_int64(s, 1);
	sq_done(st, s);
	return 0;
}

int store_indicator_sighting_add(struct store *st, struct store_indicator_sighting *x,
				 struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "UPDATE indicator SET sightings = sightings + 1, "
				      "last_seen_ms = max(last_seen_ms, ?) WHERE id = ?",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, x->seen_ms);
	sqlite3_bind_int64(s, 2, x->indicator_id);
	if (sq_exec_one(st, s, err, "indicator") != 0) {
		if (err && err->kind == PERR_NOTFOUND)
			perr_set(err, PERR_NOTFOUND, "indicator_id", "indicator %lld not found",
				 (long long)x->indicator_id);
		return -1;
	}
	s = sq_prep(st, "INSERT INTO indicator_sighting(indicator_id, kind, ref, org_id, detail, "
			"seen_ms) VALUES (?, ?, ?, ?, ?, ?)",
		    err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, x->indicator_id);
	sq_bind_text(s, 2, x->kind);
	sqlite3_bind_int64(s, 3, x->ref);
	sq_bind_opt_id(s, 4, x->org_id);
	sq_bind_text(s, 5, x->detail);
	sqlite3_bind_int64(s, 6, x->seen_ms);
	if (sq_exec_step(st, s, err, "sighting") != 0)
		return -1;
	x->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

static void sighting_from(sqlite3_stmt *s, void *out)
{
	struct store_indicator_sighting *x = out;
	memset(x, 0, sizeof(*x));
	x->id = sqlite3_column_int64(s, 0);
	x->indicator_id = sqlite3_column_int64(s, 1);
	sq_col_text(s, 2, x->kind, sizeof(x->kind));
	x->ref = sqlite3_column_int64(s, 3);
	x->org_id = sqlite3_column_int64(s, 4);
	sq_col_text(s, 5, x->detail, sizeof(x->detail));
	x->seen_ms = sqlite3_column_int64(s, 6);
}

ROW_CALLBACK(sighting_row, struct store_indicator_sighting, sighting_from,
	     store_indicator_sighting_fn)

int store_indicator_sighting_list(struct store *st, int64_t indicator_id, int64_t limit,
				  store_indicator_sighting_fn fn, void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT id, indicator_id, kind, ref, org_id, detail, "
				      "seen_ms FROM indicator_sighting WHERE indicator_id = ? "
				      "ORDER BY seen_ms DESC, id DESC LIMIT ?",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, indicator_id);
	sqlite3_bind_int64(s, 2, limit > 0 ? limit : 100);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, sighting_row, &c, err, "sightings");
}

int store_indicator_incident_link(struct store *st, int64_t indicator_id, int64_t incident_id,
				  int64_t now_ms, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "INSERT INTO indicator_incident(indicator_id, incident_id, "
				      "created_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, indicator_id);
	sqlite3_bind_int64(s, 2, incident_id);
	sqlite3_bind_int64(s, 3, now_ms);
	if (sq_exec_step(st, s, err, "indicator link") != 0) {
		if (err && err->kind == PERR_CONFLICT)
			perr_set(err, PERR_NOTFOUND, "incident_id", "indicator or incident not found");
		return -1;
	}
	return 0;
}

static int id_row(sqlite3_stmt *s, void *ctx)
{
	struct cb *c = ctx;
	return ((store_id_fn)c->fn)(c->ud, sqlite3_column_int64(s, 0));
}

int store_indicator_incident_list(struct store *st, int64_t indicator_id, store_id_fn fn,
				  void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT incident_id FROM indicator_incident WHERE "
				      "indicator_id = ? ORDER BY incident_id",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, indicator_id);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, id_row, &c, err, "indicator incidents");
}
