/*
** store_internal.h — what the SQLite backend's files share, and nothing
** outside src/store/ may include.
**
** The store is split into one file per area (store_sqlite.c for the
** foundation, store_outbox.c for notifications, store_incident.c for
** incidents); they share the connection struct and the statement helpers
** declared here. All of them bind every value: no SQL is built from data.
*/
#ifndef PARAPET_STORE_INTERNAL_H
#define PARAPET_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store/store.h"

#define STMT_CACHE 160

struct store {
	sqlite3 *db;
	struct {
		const char *sql;
		sqlite3_stmt *stmt;
	} cache[STMT_CACHE];
	int ncache;
	/* statements whose text is built at run time (with bound values
	** only), cached by their text */
	struct {
		char *sql;
		sqlite3_stmt *stmt;
	} dyn[32];
	int ndyn, next_dyn;
	bool in_tx;
	size_t query_max; /* store_set_query_max; 0: each builder's own bound */
};

/* A list call's typed callback and its argument, for sq_each_row. */
struct cb {
	void *fn;
	void *ud;
};

typedef int (*row_fn)(sqlite3_stmt *s, void *ctx);
typedef void (*fill_fn)(sqlite3_stmt *s, void *out);

/* Turn the connection's last error into err (constraint -> CONFLICT or
** INVALID, busy -> BUSY, else INTERNAL, logged and counted); returns -1. */
int sq_db_fail(struct store *st, struct perr *err, const char *what);
/* Cached prepared statement for sql (a string literal: cached by address),
** reset, bindings cleared; NULL with err on failure. The store owns it. */
sqlite3_stmt *sq_prep(struct store *st, const char *sql, struct perr *err);
/* Like sq_prep for SQL text assembled at run time in q from fixed fragments
** (never from data: values are always bound). Cached by text, 32 at most.
** A failed q (a fragment did not fit) is refused with PERR_LIMIT: the query
** runs whole or not at all, never without the fragments that fell off. */
sqlite3_stmt *sq_prep_built(struct store *st, const struct pbuf *q, struct perr *err);
/* The bound for a query built at run time: def, or the lower bound a test
** set with store_set_query_max. */
size_t sq_query_max(const struct store *st, size_t def);
/* Reset (cached) or finalize a statement after use. */
void sq_done(struct store *st, sqlite3_stmt *s);
void sq_bind_text(sqlite3_stmt *s, int i, const char *v);  /* NULL binds "" */
void sq_bind_opt_id(sqlite3_stmt *s, int i, int64_t v);    /* 0 binds NULL */
void sq_col_text(sqlite3_stmt *s, int i, char *dst, size_t n);
/* Step a statement that returns no rows (0 or -1), then sq_done it. */
int sq_exec_step(struct store *st, sqlite3_stmt *s, struct perr *err, const char *what);
/* Like sq_exec_step; touching no row is NOTFOUND. */
int sq_exec_one(struct store *st, sqlite3_stmt *s, struct perr *err, const char *what);
/* Prepare sql with one "?" bound to id and run it with sq_exec_one. */
int sq_exec_id(struct store *st, const char *sql, int64_t id, struct perr *err,
	       const char *what);
/* At most one row: fill(out) on a row, NOTFOUND "WHAT not found" on none. */
int sq_one_row(struct store *st, sqlite3_stmt *s, fill_fn fill, void *out,
	       struct perr *err, const char *what);
/* Every row to row(); its non-zero return stops the walk and is returned. */
int sq_each_row(struct store *st, sqlite3_stmt *s, row_fn row, void *ctx,
		struct perr *err, const char *what);
/* Run literal SQL (no parameters) such as BEGIN or a migration. */
int sq_exec_sql(struct store *st, const char *sql, struct perr *err);

/* A row callback for list calls: decode one row with FROM into a TYPE and
** hand it to the caller's typed callback. */
#define ROW_CALLBACK(name, type, from, fntype)            \
	static int name(sqlite3_stmt *s, void *ctx)       \
	{                                                 \
		struct cb *c = ctx;                       \
		type row;                                 \
		from(s, &row);                            \
		return ((fntype)c->fn)(c->ud, &row);      \
	}

/* The columns of an indicator row, in the order sq_indicator_from reads
** them (store_indicator.c), for every query that returns whole rows. */
#define IND_COLS                                                                        \
	"id, type, value, status, held_lists, class, reason, tlp, source, source_ref, "   \
	"confidence, attribution, tags, org_id, family, lo, hi, first_seen_ms, "          \
	"last_seen_ms, expires_ms, sightings, actor, created_ms, updated_ms"
void sq_indicator_from(sqlite3_stmt *s, void *out);

#endif
