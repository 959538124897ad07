/*
** store_sqlite.c — the SQLite backend of the store interface.
**
** One struct store is one SQLite connection used by one thread. The
** connection runs in WAL mode with foreign keys on and a busy timeout, so
** concurrent readers never block the writer and a second writer waits instead
** of failing at once. Prepared statements are cached per connection, keyed by
** the address of their SQL text (every statement is a string literal here),
** so the hot lookups pay for parsing once. All values are bound parameters:
** no SQL is ever assembled from data.
**
** Migrations are the files under src/store/migrations, compiled into the
** binary by scripts/embed.py; the schema version lives in PRAGMA user_version.
*/
#include "store/store.h"
#include "store/store_internal.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct embed_file {
	const char *name;
	const unsigned char *data;
	size_t len;
};
extern const struct embed_file store_migrations[];


static atomic_uint_fast64_t store_errors;

uint64_t store_error_count(void)
{
	return atomic_load(&store_errors);
}

/* Turn the connection's last error into a perr. Constraint failures are the
** caller's conflict or invalid reference, not our fault. */
int sq_db_fail(struct store *st, struct perr *err, const char *what)
{
	int ext = sqlite3_extended_errcode(st->db);
	const char *m = sqlite3_errmsg(st->db);
	switch (ext) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return perr_set(err, PERR_CONFLICT, NULL, "%s: already exists", what);
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return perr_set(err, PERR_CONFLICT, NULL,
				"%s: refers to, or is referred to by, another record", what);
	case SQLITE_CONSTRAINT_CHECK:
	case SQLITE_CONSTRAINT_NOTNULL:
		return perr_set(err, PERR_INVALID, NULL, "%s: value not allowed", what);
	default:
		break;
	}
	atomic_fetch_add(&store_errors, 1);
	if ((ext & 0xff) == SQLITE_BUSY || (ext & 0xff) == SQLITE_LOCKED)
		return perr_set(err, PERR_BUSY, NULL, "%s: database busy", what);
	plog(PLOG_ERROR, "store: %s: %s", what, m);
	return perr_set(err, PERR_INTERNAL, NULL, "%s: database error", what);
}

/* A cached prepared statement for sql (a string literal), reset and with
** bindings cleared. NULL on error (err filled). The store keeps ownership. */
sqlite3_stmt *sq_prep(struct store *st, const char *sql, struct perr *err)
{
	for (int i = 0; i < st->ncache; i++) {
		if (st->cache[i].sql == sql) {
			sqlite3_stmt *s = st->cache[i].stmt;
			sqlite3_reset(s);
			sqlite3_clear_bindings(s);
			return s;
		}
	}
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s,
			       NULL) != SQLITE_OK) {
		sq_db_fail(st, err, "prepare");
		return NULL;
	}
	if (st->ncache < STMT_CACHE) {
		st->cache[st->ncache].sql = sql;
		st->cache[st->ncache].stmt = s;
		st->ncache++;
	}
	return s;
}

sqlite3_stmt *sq_prep_built(struct store *st, const struct pbuf *q, struct perr *err)
{
	const char *sql = pbuf_cstr(q);
	if (!sql) {
		perr_set(err, PERR_LIMIT, NULL, "query too large");
		return NULL;
	}
	for (int i = 0; i < st->ndyn; i++) {
		if (strcmp(st->dyn[i].sql, sql) == 0) {
			sqlite3_stmt *s = st->dyn[i].stmt;
			sqlite3_reset(s);
			sqlite3_clear_bindings(s);
			return s;
		}
	}
	sqlite3_stmt *s = NULL;
	char *copy = strdup(sql);
	if (!copy) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		return NULL;
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
		free(copy);
		sq_db_fail(st, err, "prepare");
		return NULL;
	}
	int slot;
	if (st->ndyn < 32) {
		slot = st->ndyn++;
	} else {
		slot = st->next_dyn;
		st->next_dyn = (st->next_dyn + 1) % 32;
		sqlite3_finalize(st->dyn[slot].stmt);
		free(st->dyn[slot].sql);
	}
	st->dyn[slot].sql = copy;
	st->dyn[slot].stmt = s;
	return s;
}

size_t sq_query_max(const struct store *st, size_t def)
{
	return st->query_max && st->query_max < def ? st->query_max : def;
}

void store_set_query_max(struct store *st, size_t max)
{
	st->query_max = max;
}

/* Statements beyond the cache are finalized by their callers through this. */
void sq_done(struct store *st, sqlite3_stmt *s)
{
	for (int i = 0; i < st->ndyn; i++)
		if (st->dyn[i].stmt == s) {
			sqlite3_reset(s);
			return;
		}
	for (int i = 0; i < st->ncache; i++)
		if (st->cache[i].stmt == s) {
			sqlite3_reset(s);
			return;
		}
	sqlite3_finalize(s);
}

void sq_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_TRANSIENT);
}

void sq_bind_opt_id(sqlite3_stmt *s, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

void sq_col_text(sqlite3_stmt *s, int i, char *dst, size_t n)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	/* Rows are written through the same struct sizes and over-long text is
	** refused on the way in, so a cut happens only to a row written by
	** hand or by an older version: shown cut (at a character boundary)
	** rather than failing every list that meets it. */
	pstrtrunc(dst, (const char *)t, n);
}

/* Run a statement that returns no rows; returns 0 or -1. */
int sq_exec_step(struct store *st, sqlite3_stmt *s, struct perr *err,
		     const char *what)
{
	int rc = sqlite3_step(s);
	int out = 0;
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		out = sq_db_fail(st, err, what);
	sq_done(st, s);
	return out;
}

/* Like exec_step, but a statement that touched no row is NOTFOUND. */
int sq_exec_one(struct store *st, sqlite3_stmt *s, struct perr *err,
		    const char *what)
{
	if (sq_exec_step(st, s, err, what) != 0)
		return -1;
	if (sqlite3_changes(st->db) == 0)
		return perr_set(err, PERR_NOTFOUND, NULL, "%s: not found", what);
	return 0;
}

int sq_exec_sql(struct store *st, const char *sql, struct perr *err)
{
	char *m = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &m) != SQLITE_OK) {
		int r = perr_set(err, PERR_INTERNAL, NULL, "database: %s",
				 m ? m : "error");
		atomic_fetch_add(&store_errors, 1);
		sqlite3_free(m);
		return r;
	}
	return 0;
}

/* ---------------------------------------------------------- connection */

/* Process-wide SQLite settings, made once before the first connection.
** Memory statistics take one global mutex on every SQLite allocation, which
** all HTTP worker threads then queue on (a tenth of the CPU of the incident
** list benchmark); Parapet never reads them. */
static void sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* store_open and store_create: create says whether a missing database file
** may be made. */
static int open_db(const char *path, bool create, struct store **out, struct perr *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sqlite_setup);
	int rc = -1;
	/* A mistyped --data must not start an empty database that every later
	** command then reads as "no such user": only the commands that make a
	** database (migrate, serve --create) may. */
	if (!create && access(path, F_OK) != 0) {
		if (errno == ENOENT)
			return perr_set(err, PERR_NOTFOUND, "data",
					"no database at %s (check --data; `parapet migrate` "
					"creates one)",
					path);
		return perr_set(err, PERR_INVALID, "data", "cannot open database %s: %s", path,
				strerror(errno));
	}
	/* SQLite writes its journal beside the database (WAL, -shm): a
	** read-only directory fails there with "unable to open database file",
	** which names neither the cause nor the path. Say it first. */
	char dir[1100];
	const char *slash = strrchr(path, '/');
	if (slash && (size_t)(slash - path) < sizeof(dir)) {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		if (!dir[0])
			PSTRCPY(dir, "/");
	} else {
		PSTRCPY(dir, ".");
	}
	if (store_dir_writable(dir, err) != 0)
		return -1;
	struct store *st = calloc(1, sizeof(*st));
	if (!st)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	if (sqlite3_open_v2(path, &st->db,
			    SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) |
				    SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		perr_set(err, PERR_INTERNAL, NULL, "cannot open database %s: %s",
			 path, st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto out;
	}
	if (sqlite3_db_readonly(st->db, "main") == 1) {
		/* the directory is writable but the file is not (chattr +i, a
		** read-only bind mount of the file, or its mode) */
		perr_set(err, PERR_INVALID, "data", "database file %s is read-only: %s", path,
			 access(path, W_OK) != 0 ? strerror(errno) : "SQLite opened it read-only");
		goto out;
	}
	sqlite3_busy_timeout(st->db, 10000);
	sqlite3_extended_result_codes(st->db, 1);
	/* The database is read far more than written: map it (the OS page
	** cache is shared by every connection; 2 GB is the most Debian's SQLite
	** maps) and let each connection keep up to 128 MB of pages on top, for
	** what lies past the map: with a 4 GB store of a million incidents, the
	** default 2 MB cache made every list read its rows again with pread
	** (incident list 2.2k -> 3.1k req/s). The cache grows only as used. */
	if (sq_exec_sql(st, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
			 "PRAGMA synchronous=NORMAL; PRAGMA mmap_size=2147418112;"
			 "PRAGMA cache_size=-131072;",
		     err) != 0)
		goto out;
	*out = st;
	st = NULL;
	rc = 0;
out:
	if (st) {
		sqlite3_close(st->db);
		free(st);
	}
	return rc;
}

int store_open(const char *path, struct store **out, struct perr *err)
{
	return open_db(path, false, out, err);
}

int store_create(const char *path, struct store **out, struct perr *err)
{
	return open_db(path, true, out, err);
}

void store_close(struct store *st)
{
	if (!st)
		return;
	for (int i = 0; i < st->ncache; i++)
		sqlite3_finalize(st->cache[i].stmt);
	for (int i = 0; i < st->ndyn; i++) {
		sqlite3_finalize(st->dyn[i].stmt);
		free(st->dyn[i].sql);
	}
	sqlite3_close(st->db);
	free(st);
}

int store_begin(struct store *st, struct perr *err)
{
	if (sq_exec_sql(st, "BEGIN IMMEDIATE", err) != 0)
		return -1;
	st->in_tx = true;
	return 0;
}

int store_commit(struct store *st, struct perr *err)
{
	if (sq_exec_sql(st, "COMMIT", err) != 0) {
		store_rollback(st);
		return -1;
	}
	st->in_tx = false;
	return 0;
}

int store_savepoint(struct store *st, struct perr *err)
{
	return sq_exec_sql(st, "SAVEPOINT part", err);
}

void store_savepoint_end(struct store *st, bool keep)
{
	sqlite3_exec(st->db, keep ? "RELEASE part" : "ROLLBACK TO part; RELEASE part", NULL, NULL,
		     NULL);
}

void store_rollback(struct store *st)
{
	if (sqlite3_get_autocommit(st->db) == 0)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_tx = false;
}

/* ---------------------------------------------------------- migrations */

static int known_version(void)
{
	int n = 0;
	while (store_migrations[n].name)
		n++;
	return n;
}

static int get_user_version(struct store *st, int *v, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "PRAGMA user_version", err);
	if (!s)
		return -1;
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sq_db_fail(st, err, "schema version");
		sq_done(st, s);
		return -1;
	}
	*v = sqlite3_column_int(s, 0);
	sq_done(st, s);
	return 0;
}

int store_schema_version(struct store *st, int *db, int *known, struct perr *err)
{
	*known = known_version();
	return get_user_version(st, db, err);
}

int store_migrate(struct store *st, int *applied, struct perr *err)
{
	int cur, known = known_version();
	if (applied)
		*applied = 0;
	if (get_user_version(st, &cur, err) != 0)
		return -1;
	if (cur > known)
		return perr_set(err, PERR_CONFLICT, NULL,
				"database schema version %d is newer than this parapet "
				"(knows up to %d): run a newer parapet binary",
				cur, known);
	for (int v = cur; v < known; v++) {
		/* Re-read the version inside the write lock: two processes may
		** migrate at once, and a migration must never run twice. */
		if (store_begin(st, err) != 0)
			return -1;
		int now;
		if (get_user_version(st, &now, err) != 0)
			goto fail;
		if (now > v) {
			store_rollback(st);
			v = now - 1;
			continue;
		}
		if (sq_exec_sql(st, (const char *)store_migrations[v].data, err) != 0)
			goto fail;
		char pragma[64];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", v + 1);
		if (sq_exec_sql(st, pragma, err) != 0)
			goto fail;
		if (store_commit(st, err) != 0)
			return -1;
		plog(PLOG_INFO, "store: applied migration %s", store_migrations[v].name);
		if (applied)
			(*applied)++;
		continue;
fail:
		store_rollback(st);
		{
			struct perr why = { PERR_INTERNAL, "", "" };
			if (err)
				why = *err;
			return perr_set(err, why.kind, NULL, "migration %s failed: %s",
					store_migrations[v].name, why.msg);
		}
	}
	return 0;
}

/* A counter of the meta table (key bound, so one cached statement). */
static int meta_value(struct store *st, const char *key, int64_t *v, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT value FROM meta WHERE key = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sq_done(st, s);
		return sq_db_fail(st, err, key);
	}
	*v = sqlite3_column_int64(s, 0);
	sq_done(st, s);
	return 0;
}

void store_lean(struct store *st)
{
	sqlite3_exec(st->db, "PRAGMA mmap_size=0; PRAGMA cache_size=-8192", NULL, NULL, NULL);
}

int store_asset_generation(struct store *st, int64_t *gen, struct perr *err)
{
	return meta_value(st, "asset_generation", gen, err);
}

int store_incident_generation(struct store *st, int64_t *gen, struct perr *err)
{
	return meta_value(st, "incident_generation", gen, err);
}

static int bump_generation(struct store *st, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"UPDATE meta SET value = value + 1 WHERE key = 'asset_generation'", err);
	return s ? sq_exec_step(st, s, err, "asset generation") : -1;
}

/* Iterate rows of a prepared, bound statement, handing each to row(). The
** callback's non-zero return stops the walk and is returned. */
int sq_each_row(struct store *st, sqlite3_stmt *s, row_fn row, void *ctx,
		    struct perr *err, const char *what)
{
	int rc, r = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r = row(s, ctx);
		if (r)
			break;
	}
	if (!r && rc != SQLITE_DONE)
		r = sq_db_fail(st, err, what);
	sq_done(st, s);
	return r;
}

/* Step a statement expected to return at most one row: fill(out) on a row,
** NOTFOUND ("WHAT not found") on none. */
int sq_one_row(struct store *st, sqlite3_stmt *s, fill_fn fill, void *out,
		   struct perr *err, const char *what)
{
	int rc = sqlite3_step(s), r = 0;
	if (rc == SQLITE_ROW)
		fill(s, out);
	else if (rc == SQLITE_DONE)
		r = perr_set(err, PERR_NOTFOUND, NULL, "%s not found", what);
	else
		r = sq_db_fail(st, err, what);
	sq_done(st, s);
	return r;
}


/* Run sql (one "?" for an id) that must touch exactly one row. */
int sq_exec_id(struct store *st, const char *sql, int64_t id, struct perr *err,
		   const char *what)
{
	sqlite3_stmt *s = sq_prep(st, sql, err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return sq_exec_one(st, s, err, what);
}

/* ------------------------------------------------------------ provinces */

static int province_row(sqlite3_stmt *s, void *ctx)
{
	struct cb *c = ctx;
	struct store_province p;
	sq_col_text(s, 0, p.name, sizeof(p.name));
	sq_col_text(s, 1, p.name_fa, sizeof(p.name_fa));
	return ((store_province_fn)c->fn)(c->ud, &p);
}

int store_province_list(struct store *st, store_province_fn fn, void *ud,
			struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT name, name_fa FROM province ORDER BY name", err);
	if (!s)
		return -1;
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, province_row, &c, err, "provinces");
}

bool store_province_exists(struct store *st, const char *name)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT 1 FROM province WHERE name = ?", NULL);
	if (!s)
		return false;
	sq_bind_text(s, 1, name);
	bool found = sqlite3_step(s) == SQLITE_ROW;
	sq_done(st, s);
	return found;
}

int store_province_clear(struct store *st, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"DELETE FROM province WHERE name NOT IN (SELECT province FROM org) "
		"AND name NOT IN (SELECT province FROM user WHERE province IS NOT NULL) "
		"AND name NOT IN (SELECT province FROM team WHERE province IS NOT NULL)",
		err);
	return s ? sq_exec_step(st, s, err, "provinces") : -1;
}

int store_province_add(struct store *st, const struct store_province *p,
		       struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO province(name, name_fa) VALUES (?, ?) "
		"ON CONFLICT(name) DO UPDATE SET name_fa = excluded.name_fa", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, p->name);
	sq_bind_text(s, 2, p->name_fa);
	return sq_exec_step(st, s, err, "province");
}

/* -------------------------------------------------------- organisations */

#define ORG_COLS "id, name, sector, province, IFNULL(parent_id, 0), created_ms"

static void org_from(sqlite3_stmt *s, void *out)
{
	struct store_org *o = out;
	o->id = sqlite3_column_int64(s, 0);
	sq_col_text(s, 1, o->name, sizeof(o->name));
	sq_col_text(s, 2, o->sector, sizeof(o->sector));
	sq_col_text(s, 3, o->province, sizeof(o->province));
	o->parent_id = sqlite3_column_int64(s, 4);
	o->created_ms = sqlite3_column_int64(s, 5);
}

int store_org_insert(struct store *st, struct store_org *o, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO org(name, sector, province, parent_id, created_ms) "
		"VALUES (?, ?, ?, ?, ?)", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, o->name);
	sq_bind_text(s, 2, o->sector);
	sq_bind_text(s, 3, o->province);
	sq_bind_opt_id(s, 4, o->parent_id);
	sqlite3_bind_int64(s, 5, o->created_ms);
	if (sq_exec_step(st, s, err, "organisation") != 0)
		return -1;
	o->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_org_update(struct store *st, const struct store_org *o, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"UPDATE org SET name = ?, sector = ?, province = ?, parent_id = ? "
		"WHERE id = ?", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, o->name);
	sq_bind_text(s, 2, o->sector);
	sq_bind_text(s, 3, o->province);
	sq_bind_opt_id(s, 4, o->parent_id);
	sqlite3_bind_int64(s, 5, o->id);
	if (sq_exec_one(st, s, err, "organisation") != 0)
		return -1;
	/* incidents carry their organisation's province for fast lists */
	s = sq_prep(st, "UPDATE incident SET province = ? WHERE org_id = ? AND province <> ?", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, o->province);
	sqlite3_bind_int64(s, 2, o->id);
	sq_bind_text(s, 3, o->province);
	return sq_exec_step(st, s, err, "organisation");
}

int store_org_get(struct store *st, int64_t id, struct store_org *o, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " ORG_COLS " FROM org WHERE id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return sq_one_row(st, s, org_from, o, err, "organisation");
}

int store_org_by_name(struct store *st, const char *name, struct store_org *o,
		      struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " ORG_COLS " FROM org WHERE name = ?", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, name);
	return sq_one_row(st, s, org_from, o, err, "organisation");
}

int store_org_delete(struct store *st, int64_t id, struct perr *err)
{
	if (sq_exec_id(st, "DELETE FROM org WHERE id = ?", id, err, "organisation") != 0)
		return -1;
	return bump_generation(st, err);
}

ROW_CALLBACK(org_row, struct store_org, org_from, store_org_fn)

int store_org_list(struct store *st, const struct store_org_filter *f,
		   store_org_fn fn, void *ud, int64_t *total, struct perr *err)
{
	sqlite3_stmt *s;
	if (total) {
		s = sq_prep(st, "SELECT count(*) FROM org"
			 " WHERE (?1 IS NULL OR province = ?1) AND (?2 = 0 OR id = ?2)"
			 " AND (?3 IS NULL OR instr(lower(name), lower(?3)) > 0)", err);
		if (!s)
			return -1;
		if (f->province)
			sq_bind_text(s, 1, f->province);
		sqlite3_bind_int64(s, 2, f->org_id);
		if (f->q)
			sq_bind_text(s, 3, f->q);
		if (sqlite3_step(s) != SQLITE_ROW) {
			sq_done(st, s);
			return sq_db_fail(st, err, "organisations");
		}
		*total = sqlite3_column_int64(s, 0);
		sq_done(st, s);
	}
	s = sq_prep(st, "SELECT " ORG_COLS " FROM org"
		 " WHERE (?1 IS NULL OR province = ?1) AND (?2 = 0 OR id = ?2)"
		 " AND (?3 IS NULL OR instr(lower(name), lower(?3)) > 0)"
		 " ORDER BY id LIMIT ?4 OFFSET ?5", err);
	if (!s)
		return -1;
	if (f->province)
		sq_bind_text(s, 1, f->province);
	sqlite3_bind_int64(s, 2, f->org_id);
	if (f->q)
		sq_bind_text(s, 3, f->q);
	sqlite3_bind_int64(s, 4, f->limit > 0 ? f->limit : -1);
	sqlite3_bind_int64(s, 5, f->offset);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, org_row, &c, err, "organisations");
}

/* --------------------------------------------------------------- assets */

static void asset_from(sqlite3_stmt *s, void *out)
{
	struct store_asset *a = out;
	a->id = sqlite3_column_int64(s, 0);
	a->org_id = sqlite3_column_int64(s, 1);
	sq_col_text(s, 2, a->type, sizeof(a->type));
	sq_col_text(s, 3, a->value, sizeof(a->value));
	a->created_ms = sqlite3_column_int64(s, 4);
}

int store_asset_insert(struct store *st, struct store_asset *a, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO asset(org_id, type, value, created_ms) VALUES (?, ?, ?, ?)",
		err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, a->org_id);
	sq_bind_text(s, 2, a->type);
	sq_bind_text(s, 3, a->value);
	sqlite3_bind_int64(s, 4, a->created_ms);
	if (sq_exec_step(st, s, err, "asset") != 0)
		return -1;
	a->id = sqlite3_last_insert_rowid(st->db);
	return bump_generation(st, err);
}

int store_asset_get(struct store *st, int64_t id, struct store_asset *a, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT id, org_id, type, value, created_ms FROM asset WHERE id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return sq_one_row(st, s, asset_from, a, err, "asset");
}

int store_asset_find(struct store *st, const char *type, const char *value,
		     struct store_asset *a, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT id, org_id, type, value, created_ms FROM asset "
		"WHERE type = ? AND value = ? LIMIT 1", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, type);
	sq_bind_text(s, 2, value);
	return sq_one_row(st, s, asset_from, a, err, "asset");
}

int store_asset_delete(struct store *st, int64_t id, struct perr *err)
{
	if (sq_exec_id(st, "DELETE FROM asset WHERE id = ?", id, err, "asset") != 0)
		return -1;
	return bump_generation(st, err);
}

ROW_CALLBACK(asset_row, struct store_asset, asset_from, store_asset_fn)

int store_asset_list(struct store *st, int64_t org_id, store_asset_fn fn, void *ud,
		     struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT id, org_id, type, value, created_ms FROM asset "
		"WHERE ?1 = 0 OR org_id = ?1 ORDER BY id", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, org_id);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, asset_row, &c, err, "assets");
}

/* ------------------------------------------------------------- contacts */

static void contact_from(sqlite3_stmt *s, void *out)
{
	struct store_contact *c = out;
	c->id = sqlite3_column_int64(s, 0);
	c->org_id = sqlite3_column_int64(s, 1);
	sq_col_text(s, 2, c->name, sizeof(c->name));
	sq_col_text(s, 3, c->email, sizeof(c->email));
	sq_col_text(s, 4, c->phone, sizeof(c->phone));
	sq_col_text(s, 5, c->role, sizeof(c->role));
	sq_col_text(s, 6, c->lang, sizeof(c->lang));
	sq_col_text(s, 7, c->pgp, sizeof(c->pgp));
}

#define CONTACT_COLS "id, org_id, name, email, phone, role, lang, pgp"

int store_contact_insert(struct store *st, struct store_contact *c, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO contact(org_id, name, email, phone, role, lang, pgp) "
		"VALUES (?, ?, ?, ?, ?, ?, ?)", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, c->org_id);
	sq_bind_text(s, 2, c->name);
	sq_bind_text(s, 3, c->email);
	sq_bind_text(s, 4, c->phone);
	sq_bind_text(s, 5, c->role);
	sq_bind_text(s, 6, c->lang);
	sq_bind_text(s, 7, c->pgp);
	if (sq_exec_step(st, s, err, "contact") != 0)
		return -1;
	c->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_contact_get(struct store *st, int64_t id, struct store_contact *c,
		      struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " CONTACT_COLS " FROM contact WHERE id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return sq_one_row(st, s, contact_from, c, err, "contact");
}

int store_contact_delete(struct store *st, int64_t id, struct perr *err)
{
	return sq_exec_id(st, "DELETE FROM contact WHERE id = ?", id, err, "contact");
}

ROW_CALLBACK(contact_row, struct store_contact, contact_from, store_contact_fn)

int store_contact_list(struct store *st, int64_t org_id, store_contact_fn fn,
		       void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " CONTACT_COLS
			       " FROM contact WHERE org_id = ? ORDER BY id", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, org_id);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, contact_row, &c, err, "contacts");
}

/* ---------------------------------------------------------------- users */

#define USER_COLS \
	"id, login, role, IFNULL(org_id, 0), IFNULL(province, ''), pwhash, disabled, " \
	"created_ms, email, lang, calendar, login_failures, login_locked_until_ms"

static void user_from(sqlite3_stmt *s, void *out)
{
	struct store_user *u = out;
	u->id = sqlite3_column_int64(s, 0);
	sq_col_text(s, 1, u->login, sizeof(u->login));
	sq_col_text(s, 2, u->role, sizeof(u->role));
	u->org_id = sqlite3_column_int64(s, 3);
	sq_col_text(s, 4, u->province, sizeof(u->province));
	sq_col_text(s, 5, u->pwhash, sizeof(u->pwhash));
	u->disabled = sqlite3_column_int(s, 6) != 0;
	u->created_ms = sqlite3_column_int64(s, 7);
	sq_col_text(s, 8, u->email, sizeof(u->email));
	sq_col_text(s, 9, u->lang, sizeof(u->lang));
	sq_col_text(s, 10, u->calendar, sizeof(u->calendar));
	u->login_failures = sqlite3_column_int64(s, 11);
	u->login_locked_until_ms = sqlite3_column_int64(s, 12);
}

int store_user_insert(struct store *st, struct store_user *u, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO user(login, role, org_id, province, pwhash, disabled, created_ms, "
		"email) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, u->login);
	sq_bind_text(s, 2, u->role);
	sq_bind_opt_id(s, 3, u->org_id);
	if (u->province[0])
		sq_bind_text(s, 4, u->province);
	else
		sqlite3_bind_null(s, 4);
	sq_bind_text(s, 5, u->pwhash);
	sqlite3_bind_int(s, 6, u->disabled);
	sqlite3_bind_int64(s, 7, u->created_ms);
	sq_bind_text(s, 8, u->email);
	if (sq_exec_step(st, s, err, "user") != 0)
		return -1;
	u->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

static int user_one(struct store *st, sqlite3_stmt *s, struct store_user *u,
		    struct perr *err)
{
	return sq_one_row(st, s, user_from, u, err, "user");
}

int store_user_get(struct store *st, int64_t id, struct store_user *u, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " USER_COLS " FROM user WHERE id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return user_one(st, s, u, err);
}

int store_user_by_login(struct store *st, const char *login, struct store_user *u,
			struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " USER_COLS " FROM user WHERE login = ?", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, login);
	return user_one(st, s, u, err);
}

int store_user_set_password(struct store *st, int64_t id, const char *pwhash,
			    struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "UPDATE user SET pwhash = ? WHERE id = ?", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, pwhash);
	sqlite3_bind_int64(s, 2, id);
	return sq_exec_one(st, s, err, "user");
}

int store_user_set_disabled(struct store *st, int64_t id, bool disabled,
			    struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "UPDATE user SET disabled = ? WHERE id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int(s, 1, disabled);
	sqlite3_bind_int64(s, 2, id);
	return sq_exec_one(st, s, err, "user");
}

int store_user_set_login_state(struct store *st, int64_t id, int64_t failures,
			       int64_t locked_until_ms, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"UPDATE user SET login_failures = ?, login_locked_until_ms = ? WHERE id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, failures);
	sqlite3_bind_int64(s, 2, locked_until_ms);
	sqlite3_bind_int64(s, 3, id);
	return sq_exec_one(st, s, err, "user");
}

int store_user_delete(struct store *st, int64_t id, struct perr *err)
{
	return sq_exec_id(st, "DELETE FROM user WHERE id = ?", id, err, "user");
}

ROW_CALLBACK(user_row, struct store_user, user_from, store_user_fn)

int store_user_list(struct store *st, store_user_fn fn, void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " USER_COLS " FROM user ORDER BY id", err);
	if (!s)
		return -1;
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, user_row, &c, err, "users");
}

int store_user_set_email(struct store *st, int64_t id, const char *email, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "UPDATE user SET email = ? WHERE id = ?", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, email);
	sqlite3_bind_int64(s, 2, id);
	return sq_exec_one(st, s, err, "user");
}

int store_user_set_prefs(struct store *st, int64_t id, const char *lang, const char *calendar,
			 struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "UPDATE user SET lang = ?, calendar = ? WHERE id = ?", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, lang);
	sq_bind_text(s, 2, calendar);
	sqlite3_bind_int64(s, 3, id);
	return sq_exec_one(st, s, err, "user");
}

struct team_ids {
	int64_t *ids;
	int max, n;
};

static int team_id_row(sqlite3_stmt *s, void *ctx)
{
	struct team_ids *t = ctx;
	if (t->n < t->max)
		t->ids[t->n++] = sqlite3_column_int64(s, 0);
	return 0;
}

int store_user_teams(struct store *st, int64_t user_id, int64_t *ids, int max, int *n,
		     struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT team_id FROM team_member WHERE user_id = ? ORDER BY team_id", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, user_id);
	struct team_ids t = { ids, max, 0 };
	int rc = sq_each_row(st, s, team_id_row, &t, err, "teams");
	*n = t.n;
	return rc;
}

int store_team_set_lead(struct store *st, int64_t id, int64_t user_id, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "UPDATE team SET lead_id = ? WHERE id = ?", err);
	if (!s)
		return -1;
	sq_bind_opt_id(s, 1, user_id);
	sqlite3_bind_int64(s, 2, id);
	return sq_exec_one(st, s, err, "team");
}

int64_t store_user_count(struct store *st)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT count(*) FROM user", NULL);
	if (!s)
		return -1;
	int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sq_done(st, s);
	return n;
}

/* ---------------------------------------------------------------- teams */

static void team_from(sqlite3_stmt *s, void *out)
{
	struct store_team *t = out;
	t->id = sqlite3_column_int64(s, 0);
	sq_col_text(s, 1, t->name, sizeof(t->name));
	sq_col_text(s, 2, t->province, sizeof(t->province));
	t->lead_id = sqlite3_column_int64(s, 3);
}

int store_team_insert(struct store *st, struct store_team *t, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "INSERT INTO team(name, province) VALUES (?, ?)", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, t->name);
	if (t->province[0])
		sq_bind_text(s, 2, t->province);
	else
		sqlite3_bind_null(s, 2);
	if (sq_exec_step(st, s, err, "team") != 0)
		return -1;
	t->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_team_get(struct store *st, int64_t id, struct store_team *t, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT id, name, IFNULL(province, ''), IFNULL(lead_id, 0) FROM team WHERE id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return sq_one_row(st, s, team_from, t, err, "team");
}

int store_team_delete(struct store *st, int64_t id, struct perr *err)
{
	return sq_exec_id(st, "DELETE FROM team WHERE id = ?", id, err, "team");
}

ROW_CALLBACK(team_row, struct store_team, team_from, store_team_fn)

int store_team_list(struct store *st, store_team_fn fn, void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT id, name, IFNULL(province, ''), IFNULL(lead_id, 0) FROM team ORDER BY id", err);
	if (!s)
		return -1;
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, team_row, &c, err, "teams");
}

int store_team_add_member(struct store *st, int64_t team, int64_t user, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO team_member(team_id, user_id) VALUES (?, ?)", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, team);
	sqlite3_bind_int64(s, 2, user);
	return sq_exec_step(st, s, err, "team member");
}

int store_team_remove_member(struct store *st, int64_t team, int64_t user,
			     struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"DELETE FROM team_member WHERE team_id = ? AND user_id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, team);
	sqlite3_bind_int64(s, 2, user);
	return sq_exec_one(st, s, err, "team member");
}

static int member_row(sqlite3_stmt *s, void *ctx)
{
	struct cb *c = ctx;
	return ((store_member_fn)c->fn)(c->ud, sqlite3_column_int64(s, 0),
					(const char *)sqlite3_column_text(s, 1));
}

int store_team_members(struct store *st, int64_t team, store_member_fn fn, void *ud,
		       struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT u.id, u.login FROM team_member m JOIN user u ON u.id = m.user_id "
		"WHERE m.team_id = ? ORDER BY u.id", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, team);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, member_row, &c, err, "team members");
}

/* ------------------------------------------------------------- sessions */

int store_session_insert(struct store *st, const struct store_session *ss,
			 struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO session(id_hash, user_id, csrf, created_ms, expires_ms) "
		"VALUES (?, ?, ?, ?, ?)", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, ss->id_hash);
	sqlite3_bind_int64(s, 2, ss->user_id);
	sq_bind_text(s, 3, ss->csrf);
	sqlite3_bind_int64(s, 4, ss->created_ms);
	sqlite3_bind_int64(s, 5, ss->expires_ms);
	return sq_exec_step(st, s, err, "session");
}

int store_session_get(struct store *st, const char *id_hash, struct store_session *ss,
		      struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT id_hash, user_id, csrf, created_ms, expires_ms FROM session "
		"WHERE id_hash = ?", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, id_hash);
	int rc = sqlite3_step(s), r = 0;
	if (rc == SQLITE_ROW) {
		sq_col_text(s, 0, ss->id_hash, sizeof(ss->id_hash));
		ss->user_id = sqlite3_column_int64(s, 1);
		sq_col_text(s, 2, ss->csrf, sizeof(ss->csrf));
		ss->created_ms = sqlite3_column_int64(s, 3);
		ss->expires_ms = sqlite3_column_int64(s, 4);
	} else if (rc == SQLITE_DONE) {
		r = perr_set(err, PERR_AUTH, NULL, "no such session");
	} else {
		r = sq_db_fail(st, err, "session");
	}
	sq_done(st, s);
	return r;
}

int store_session_delete(struct store *st, const char *id_hash, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "DELETE FROM session WHERE id_hash = ?", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, id_hash);
	return sq_exec_step(st, s, err, "session");
}

int store_session_delete_user(struct store *st, int64_t user_id, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "DELETE FROM session WHERE user_id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, user_id);
	return sq_exec_step(st, s, err, "sessions");
}

int store_session_delete_user_except(struct store *st, int64_t user_id, const char *keep_hash,
				     struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "DELETE FROM session WHERE user_id = ? AND id_hash <> ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, user_id);
	sq_bind_text(s, 2, keep_hash ? keep_hash : "");
	return sq_exec_step(st, s, err, "sessions");
}

int store_session_purge(struct store *st, int64_t now_ms, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "DELETE FROM session WHERE expires_ms <= ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, now_ms);
	return sq_exec_step(st, s, err, "sessions");
}

/* --------------------------------------------------------------- tokens */

#define TOKEN_COLS \
	"id, user_id, name, hash, readonly, IFNULL(org_id, 0), province, created_ms, " \
	"last_used_ms, revoked_ms"

static void token_from(sqlite3_stmt *s, void *out)
{
	struct store_token *t = out;
	t->id = sqlite3_column_int64(s, 0);
	t->user_id = sqlite3_column_int64(s, 1);
	sq_col_text(s, 2, t->name, sizeof(t->name));
	sq_col_text(s, 3, t->hash, sizeof(t->hash));
	t->readonly = sqlite3_column_int(s, 4) != 0;
	t->org_id = sqlite3_column_int64(s, 5);
	sq_col_text(s, 6, t->province, sizeof(t->province));
	t->created_ms = sqlite3_column_int64(s, 7);
	t->last_used_ms = sqlite3_column_int64(s, 8);
	t->revoked_ms = sqlite3_column_int64(s, 9);
}

int store_token_insert(struct store *st, struct store_token *t, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO token(user_id, name, hash, readonly, org_id, province, created_ms) "
		"VALUES (?, ?, ?, ?, ?, ?, ?)", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, t->user_id);
	sq_bind_text(s, 2, t->name);
	sq_bind_text(s, 3, t->hash);
	sqlite3_bind_int(s, 4, t->readonly);
	sq_bind_opt_id(s, 5, t->org_id);
	sq_bind_text(s, 6, t->province);
	sqlite3_bind_int64(s, 7, t->created_ms);
	if (sq_exec_step(st, s, err, "token") != 0)
		return -1;
	t->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

static int token_one(struct store *st, sqlite3_stmt *s, struct store_token *t,
		     struct perr *err)
{
	return sq_one_row(st, s, token_from, t, err, "token");
}

int store_token_by_hash(struct store *st, const char *hash, struct store_token *t,
			struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " TOKEN_COLS " FROM token WHERE hash = ?", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, hash);
	return token_one(st, s, t, err);
}

int store_token_get(struct store *st, int64_t id, struct store_token *t, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " TOKEN_COLS " FROM token WHERE id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return token_one(st, s, t, err);
}

int store_token_touch(struct store *st, int64_t id, int64_t now_ms, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "UPDATE token SET last_used_ms = ? WHERE id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, now_ms);
	sqlite3_bind_int64(s, 2, id);
	return sq_exec_step(st, s, err, "token");
}

int store_token_revoke(struct store *st, int64_t id, int64_t now_ms, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"UPDATE token SET revoked_ms = ? WHERE id = ? AND revoked_ms = 0", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, now_ms);
	sqlite3_bind_int64(s, 2, id);
	return sq_exec_one(st, s, err, "token");
}

int store_token_revoke_user(struct store *st, int64_t user_id, int64_t now_ms, int64_t *n,
			    struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"UPDATE token SET revoked_ms = ? WHERE user_id = ? AND revoked_ms = 0", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, now_ms);
	sqlite3_bind_int64(s, 2, user_id);
	if (sq_exec_step(st, s, err, "tokens") != 0)
		return -1;
	if (n)
		*n = sqlite3_changes(st->db);
	return 0;
}

ROW_CALLBACK(token_row, struct store_token, token_from, store_token_fn)

int store_token_list(struct store *st, int64_t user_id, store_token_fn fn, void *ud,
		     struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " TOKEN_COLS
			       " FROM token WHERE ?1 = 0 OR user_id = ?1 ORDER BY id", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, user_id);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, token_row, &c, err, "tokens");
}

/* ---------------------------------------------------------------- audit */

int store_audit_last(struct store *st, int64_t *seq, char hash[65], struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", err);
	if (!s)
		return -1;
	int rc = sqlite3_step(s), r = 0;
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(s, 0);
		sq_col_text(s, 1, hash, 65);
	} else if (rc == SQLITE_DONE) {
		*seq = 0;
		hash[0] = '\0';
	} else {
		r = sq_db_fail(st, err, "audit");
	}
	sq_done(st, s);
	return r;
}

int store_audit_insert(struct store *st, const struct store_audit *a, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO audit(seq, ts_ms, actor, action, object, before, after, "
		"prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, a->seq);
	sqlite3_bind_int64(s, 2, a->ts_ms);
	sq_bind_text(s, 3, a->actor);
	sq_bind_text(s, 4, a->action);
	sq_bind_text(s, 5, a->object);
	sq_bind_text(s, 6, a->before);
	sq_bind_text(s, 7, a->after);
	sq_bind_text(s, 8, a->prev_hash);
	sq_bind_text(s, 9, a->hash);
	return sq_exec_step(st, s, err, "audit");
}

static int audit_row(sqlite3_stmt *s, void *ctx)
{
	struct cb *c = ctx;
	struct store_audit a;
	a.seq = sqlite3_column_int64(s, 0);
	a.ts_ms = sqlite3_column_int64(s, 1);
	sq_col_text(s, 2, a.actor, sizeof(a.actor));
	sq_col_text(s, 3, a.action, sizeof(a.action));
	sq_col_text(s, 4, a.object, sizeof(a.object));
	a.before = (const char *)sqlite3_column_text(s, 5);
	a.after = (const char *)sqlite3_column_text(s, 6);
	if (!a.before)
		a.before = "";
	if (!a.after)
		a.after = "";
	sq_col_text(s, 7, a.prev_hash, sizeof(a.prev_hash));
	sq_col_text(s, 8, a.hash, sizeof(a.hash));
	return ((store_audit_fn)c->fn)(c->ud, &a);
}

int store_audit_list(struct store *st, int64_t after, int64_t limit, store_audit_fn fn,
		     void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT seq, ts_ms, actor, action, object, before, after, prev_hash, hash "
		"FROM audit WHERE seq > ? ORDER BY seq LIMIT ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int64(s, 2, limit > 0 ? limit : -1);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, audit_row, &c, err, "audit");
}
