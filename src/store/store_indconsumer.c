/*
** store_indconsumer.c — the export consumers of the indicator registry
** (migration 0013's indicator_consumer): resolvers, firewalls and peers
** that poll one export with their own token through a saved filter.
**
** The store keeps what the domain (src/indicator/consumer.c) decided: the
** token arrives as its SHA-256 only, the filter as checked JSON. A token is
** found by its hash (a unique column, so the lookup is one index probe); the
** domain compares the hash again in constant time.
*/
#include <string.h>

#include "store/store_internal.h"

#define CONS_COLS                                                                      \
	"id, name, token_hash, format, filter, member, strict, disabled, actor, "       \
	"created_ms, last_fetch_ms"

static void cons_from(sqlite3_stmt *s, void *out)
{
	struct store_indconsumer *c = out;
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(s, 0);
	sq_col_text(s, 1, c->name, sizeof(c->name));
	sq_col_text(s, 2, c->token_hash, sizeof(c->token_hash));
	sq_col_text(s, 3, c->format, sizeof(c->format));
	sq_col_text(s, 4, c->filter, sizeof(c->filter));
	c->member = sqlite3_column_int(s, 5) != 0;
	c->strict = sqlite3_column_int(s, 6) != 0;
	c->disabled = sqlite3_column_int(s, 7) != 0;
	sq_col_text(s, 8, c->actor, sizeof(c->actor));
	c->created_ms = sqlite3_column_int64(s, 9);
	c->last_fetch_ms = sqlite3_column_int64(s, 10);
}

int store_indconsumer_insert(struct store *st, struct store_indconsumer *c, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "INSERT INTO indicator_consumer(name, token_hash, format, "
				      "filter, member, strict, disabled, actor, created_ms, "
				      "last_fetch_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				  err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, c->name);
	sq_bind_text(s, 2, c->token_hash);
	sq_bind_text(s, 3, c->format);
	sq_bind_text(s, 4, c->filter[0] ? c->filter : "{}");
	sqlite3_bind_int(s, 5, c->member);
	sqlite3_bind_int(s, 6, c->strict);
	sqlite3_bind_int(s, 7, c->disabled);
	sq_bind_text(s, 8, c->actor);
	sqlite3_bind_int64(s, 9, c->created_ms);
	sqlite3_bind_int64(s, 10, c->last_fetch_ms);
	if (sq_exec_step(st, s, err, "consumer") != 0) {
		/* a fresh random token cannot collide: the name is the clash */
		if (err && err->kind == PERR_CONFLICT)
			perr_set(err, PERR_CONFLICT, "name", "a consumer named %s exists", c->name);
		return -1;
	}
	c->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_indconsumer_update(struct store *st, const struct store_indconsumer *c,
			     struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "UPDATE indicator_consumer SET format = ?, filter = ?, "
				      "member = ?, strict = ?, disabled = ?, token_hash = ? "
				      "WHERE id = ?",
				  err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, c->format);
	sq_bind_text(s, 2, c->filter[0] ? c->filter : "{}");
	sqlite3_bind_int(s, 3, c->member);
	sqlite3_bind_int(s, 4, c->strict);
	sqlite3_bind_int(s, 5, c->disabled);
	sq_bind_text(s, 6, c->token_hash);
	sqlite3_bind_int64(s, 7, c->id);
	return sq_exec_one(st, s, err, "consumer");
}

int store_indconsumer_get(struct store *st, int64_t id, struct store_indconsumer *out,
			  struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " CONS_COLS " FROM indicator_consumer WHERE id = ?",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return sq_one_row(st, s, cons_from, out, err, "consumer");
}

int store_indconsumer_by_name(struct store *st, const char *name,
			      struct store_indconsumer *out, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " CONS_COLS " FROM indicator_consumer WHERE "
				      "name = ?",
				  err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, name);
	return sq_one_row(st, s, cons_from, out, err, "consumer");
}

int store_indconsumer_by_hash(struct store *st, const char *hash,
			      struct store_indconsumer *out, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " CONS_COLS " FROM indicator_consumer WHERE "
				      "token_hash = ?",
				  err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, hash);
	return sq_one_row(st, s, cons_from, out, err, "consumer");
}

ROW_CALLBACK(cons_row, struct store_indconsumer, cons_from, store_indconsumer_fn)

int store_indconsumer_list(struct store *st, store_indconsumer_fn fn, void *ud,
			   struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " CONS_COLS " FROM indicator_consumer ORDER BY "
				      "name",
				  err);
	if (!s)
		return -1;
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, cons_row, &c, err, "consumers");
}

int store_indconsumer_delete(struct store *st, int64_t id, struct perr *err)
{
	return sq_exec_id(st, "DELETE FROM indicator_consumer WHERE id = ?", id, err, "consumer");
}

int store_indconsumer_touch(struct store *st, int64_t id, int64_t now_ms, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "UPDATE indicator_consumer SET last_fetch_ms = ? WHERE "
				      "id = ?",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, now_ms);
	sqlite3_bind_int64(s, 2, id);
	return sq_exec_step(st, s, err, "consumer");
}

int store_indicator_expiry_due(struct store *st, int64_t now_ms, int64_t *next,
				struct perr *err)
{
	/* indicator_expires makes this one index probe */
	sqlite3_stmt *s = sq_prep(st, "SELECT coalesce(min(expires_ms), 0) FROM indicator WHERE "
				      "status = 'active' AND expires_ms > ?",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, now_ms);
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sq_done(st, s);
		return sq_db_fail(st, err, "indicator expiry");
	}
	*next = sqlite3_column_int64(s, 0);
	sq_done(st, s);
	return 0;
}
