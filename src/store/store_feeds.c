/*
** store_feeds.c — the report feeds' tables: imported files with their counts
** and first rejects, events (one per affected host and dedup key) and the
** digests that told their owners.
**
** The feeds writer thread inserts a batch of events and the file's new
** done_line in one transaction, so a file's progress and its events can
** never disagree after a crash. Every statement is a literal cached by the
** connection; every value is bound.
*/
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

#define FILE_COLS                                                                         \
	"id, sha256, name, type, feed, source, actor, status, error, received_ms, "      \
	"started_ms, finished_ms, done_line, rows, parsed, rejected, owners, new_events, " \
	"duplicates, unowned, incidents"

static void file_from(sqlite3_stmt *s, void *out)
{
	struct store_feed_file *f = out;
	f->id = sqlite3_column_int64(s, 0);
	sq_col_text(s, 1, f->sha256, sizeof(f->sha256));
	sq_col_text(s, 2, f->name, sizeof(f->name));
	sq_col_text(s, 3, f->type, sizeof(f->type));
	sq_col_text(s, 4, f->feed, sizeof(f->feed));
	sq_col_text(s, 5, f->source, sizeof(f->source));
	sq_col_text(s, 6, f->actor, sizeof(f->actor));
	sq_col_text(s, 7, f->status, sizeof(f->status));
	sq_col_text(s, 8, f->error, sizeof(f->error));
	int64_t *n[] = { &f->received_ms, &f->started_ms, &f->finished_ms, &f->done_line,
			 &f->rows, &f->parsed, &f->rejected, &f->owners, &f->new_events,
			 &f->duplicates, &f->unowned, &f->incidents };
	for (int i = 0; i < 12; i++)
		*n[i] = sqlite3_column_int64(s, 9 + i);
}

ROW_CALLBACK(file_row, struct store_feed_file, file_from, store_feed_file_fn)

int store_feed_file_insert(struct store *st, struct store_feed_file *f, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO feed_file(sha256, name, type, feed, source, actor, status, "
		"received_ms, started_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, f->sha256);
	sq_bind_text(s, 2, f->name);
	sq_bind_text(s, 3, f->type);
	sq_bind_text(s, 4, f->feed);
	sq_bind_text(s, 5, f->source);
	sq_bind_text(s, 6, f->actor);
	sq_bind_text(s, 7, f->status);
	sqlite3_bind_int64(s, 8, f->received_ms);
	sqlite3_bind_int64(s, 9, f->started_ms);
	if (sq_exec_step(st, s, err, "feed file insert") != 0)
		return -1;
	f->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_feed_file_update(struct store *st, const struct store_feed_file *f, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"UPDATE feed_file SET status = ?, error = ?, finished_ms = ?, done_line = ?, "
		"rows = ?, parsed = ?, rejected = ?, owners = ?, new_events = ?, duplicates = ?, "
		"unowned = ?, incidents = ?, type = ?, feed = ? WHERE id = ?", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, f->status);
	sq_bind_text(s, 2, f->error);
	const int64_t n[] = { f->finished_ms, f->done_line, f->rows, f->parsed, f->rejected,
			      f->owners, f->new_events, f->duplicates, f->unowned, f->incidents };
	for (int i = 0; i < 10; i++)
		sqlite3_bind_int64(s, 3 + i, n[i]);
	sq_bind_text(s, 13, f->type);
	sq_bind_text(s, 14, f->feed);
	sqlite3_bind_int64(s, 15, f->id);
	return sq_exec_one(st, s, err, "feed file");
}

int store_feed_file_get(struct store *st, int64_t id, struct store_feed_file *out,
			struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " FILE_COLS " FROM feed_file WHERE id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return sq_one_row(st, s, file_from, out, err, "feed file");
}

int store_feed_file_by_sha(struct store *st, const char *sha, struct store_feed_file *out,
			   struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " FILE_COLS " FROM feed_file WHERE sha256 = ?",
				  err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, sha);
	return sq_one_row(st, s, file_from, out, err, "feed file");
}

int store_feed_files(struct store *st, int64_t before_id, int64_t limit, store_feed_file_fn fn,
		     void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " FILE_COLS " FROM feed_file WHERE id < ? "
				      "ORDER BY id DESC LIMIT ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, before_id > 0 ? before_id : INT64_MAX);
	sqlite3_bind_int64(s, 2, limit);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, file_row, &c, err, "feed files");
}

int store_feed_files_running(struct store *st, const char *source, int64_t before_ms,
			     store_feed_file_fn fn, void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " FILE_COLS " FROM feed_file WHERE status = 'running' "
				      "AND source = ? AND started_ms < ? ORDER BY id", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, source);
	sqlite3_bind_int64(s, 2, before_ms);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, file_row, &c, err, "feed files");
}

static void count_from(sqlite3_stmt *s, void *out)
{
	*(int64_t *)out = sqlite3_column_int64(s, 0);
}

int store_feed_file_owner_count(struct store *st, int64_t file_id, int64_t *n, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT count(*) FROM feed_file_org WHERE file_id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, file_id);
	return sq_one_row(st, s, count_from, n, err, "feed file");
}

int store_feed_file_org(struct store *st, int64_t file_id, int64_t org_id, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "INSERT OR IGNORE INTO feed_file_org(file_id, org_id) "
				      "VALUES (?, ?)", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, file_id);
	sqlite3_bind_int64(s, 2, org_id);
	return sq_exec_step(st, s, err, "feed file org");
}

int store_feed_reject_add(struct store *st, int64_t file_id, int64_t line, const char *reason,
			  struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "INSERT OR IGNORE INTO feed_reject(file_id, line, reason) "
				      "VALUES (?, ?, ?)", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, file_id);
	sqlite3_bind_int64(s, 2, line);
	sq_bind_text(s, 3, reason);
	return sq_exec_step(st, s, err, "feed reject");
}

static int reject_row(sqlite3_stmt *s, void *ctx)
{
	struct cb *c = ctx;
	const unsigned char *r = sqlite3_column_text(s, 1);
	return ((store_feed_reject_fn)c->fn)(c->ud, sqlite3_column_int64(s, 0),
					     r ? (const char *)r : "");
}

int store_feed_rejects(struct store *st, int64_t file_id, int64_t limit, store_feed_reject_fn fn,
		       void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT line, reason FROM feed_reject WHERE file_id = ? "
				      "ORDER BY line LIMIT ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, file_id);
	sqlite3_bind_int64(s, 2, limit);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, reject_row, &c, err, "feed rejects");
}

int store_feed_event_insert(struct store *st, struct store_feed_event *e, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO feed_event(org_id, feed, identifier, taxonomy, type, ip, port, asn, "
		"prefix, fqdn, product, severity, first_ms, period_ms, file_id, line, "
		"incident_id, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		err);
	if (!s)
		return -1;
	sq_bind_opt_id(s, 1, e->org_id);
	const char *t[] = { e->feed, e->identifier, e->taxonomy, e->type, e->ip };
	for (int i = 0; i < 5; i++)
		sq_bind_text(s, 2 + i, t[i]);
	sqlite3_bind_int64(s, 7, e->port);
	sqlite3_bind_int64(s, 8, e->asn);
	sq_bind_text(s, 9, e->prefix);
	sq_bind_text(s, 10, e->fqdn);
	sq_bind_text(s, 11, e->product);
	sq_bind_text(s, 12, e->severity);
	sqlite3_bind_int64(s, 13, e->first_ms);
	sqlite3_bind_int64(s, 14, e->period_ms);
	sqlite3_bind_int64(s, 15, e->file_id);
	sqlite3_bind_int64(s, 16, e->line);
	sq_bind_opt_id(s, 17, e->incident_id);
	sq_bind_text(s, 18, e->event);
	if (sq_exec_step(st, s, err, "feed event insert") != 0)
		return -1;
	e->id = sqlite3_last_insert_rowid(st->db);
	s = sq_prep(st, "INSERT INTO feed_seen(id, seen, last_ms) VALUES (?, 1, ?)", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, e->id);
	sqlite3_bind_int64(s, 2, e->last_ms);
	return sq_exec_step(st, s, err, "feed seen insert");
}

int store_feed_event_seen(struct store *st, int64_t org_id, const char *identifier,
			  const char *ip, int64_t port, int64_t since_ms, int64_t t_ms,
			  struct perr *err)
{
	/* the key's events are few (one per window it was seen in): the
	** key index finds them, their small feed_seen rows pick the newest */
	sqlite3_stmt *s = sq_prep(st,
		"UPDATE feed_seen SET seen = seen + 1, last_ms = max(last_ms, ?) WHERE id = "
		"(SELECT f.id FROM feed_event e JOIN feed_seen f ON f.id = e.id "
		"WHERE e.org_id IS ? AND e.identifier = ? AND e.ip = ? AND e.port = ? "
		"AND f.last_ms >= ? ORDER BY f.last_ms DESC LIMIT 1)", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, t_ms);
	sq_bind_opt_id(s, 2, org_id);
	sq_bind_text(s, 3, identifier);
	sq_bind_text(s, 4, ip);
	sqlite3_bind_int64(s, 5, port);
	sqlite3_bind_int64(s, 6, since_ms);
	if (sq_exec_step(st, s, err, "feed event seen") != 0)
		return -1;
	return sqlite3_changes(st->db) > 0 ? 1 : 0;
}

int store_feed_event_incident(struct store *st, int64_t event_id, int64_t incident_id,
			      struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "UPDATE feed_event SET incident_id = ? WHERE id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, incident_id);
	sqlite3_bind_int64(s, 2, event_id);
	return sq_exec_one(st, s, err, "feed event");
}

static int key_row(sqlite3_stmt *s, void *ctx)
{
	struct cb *c = ctx;
	return ((store_feed_key_fn)c->fn)(c->ud, sqlite3_column_int64(s, 0),
					  (const char *)sqlite3_column_text(s, 1),
					  (const char *)sqlite3_column_text(s, 2),
					  sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4));
}

int store_feed_keys(struct store *st, int64_t since_ms, store_feed_key_fn fn, void *ud,
		    struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT IFNULL(e.org_id, 0), e.identifier, e.ip, e.port, "
				      "f.last_ms FROM feed_seen f JOIN feed_event e ON e.id = f.id "
				      "WHERE f.last_ms >= ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, since_ms);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, key_row, &c, err, "feed keys");
}

static int due_row(sqlite3_stmt *s, void *ctx)
{
	struct cb *c = ctx;
	return ((store_feed_due_fn)c->fn)(c->ud, sqlite3_column_int64(s, 0),
					  (const char *)sqlite3_column_text(s, 1),
					  sqlite3_column_int64(s, 2));
}

int store_feed_due(struct store *st, int64_t before_ms, store_feed_due_fn fn, void *ud,
		   struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT DISTINCT org_id, feed, period_ms FROM feed_event "
		"WHERE digest_id IS NULL AND period_ms < ? AND org_id IS NOT NULL "
		"ORDER BY period_ms, org_id, feed", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, before_ms);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, due_row, &c, err, "feed digests due");
}

static const char *col_s(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? (const char *)t : "";
}

static int event_row(sqlite3_stmt *s, void *ctx)
{
	struct cb *c = ctx;
	struct store_feed_event e = {
		.id = sqlite3_column_int64(s, 0),
		.org_id = sqlite3_column_int64(s, 1),
		.feed = col_s(s, 2),
		.identifier = col_s(s, 3),
		.taxonomy = col_s(s, 4),
		.type = col_s(s, 5),
		.ip = col_s(s, 6),
		.port = sqlite3_column_int64(s, 7),
		.asn = sqlite3_column_int64(s, 8),
		.prefix = col_s(s, 9),
		.fqdn = col_s(s, 10),
		.product = col_s(s, 11),
		.severity = col_s(s, 12),
		.first_ms = sqlite3_column_int64(s, 13),
		.last_ms = sqlite3_column_int64(s, 14),
		.seen = sqlite3_column_int64(s, 15),
		.period_ms = sqlite3_column_int64(s, 16),
		.file_id = sqlite3_column_int64(s, 17),
		.line = sqlite3_column_int64(s, 18),
		.incident_id = sqlite3_column_int64(s, 19),
		.event = col_s(s, 20),
	};
	return ((store_feed_event_fn)c->fn)(c->ud, &e);
}

int store_feed_digest_events(struct store *st, int64_t org_id, const char *feed,
			     int64_t period_ms, store_feed_event_fn fn, void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT e.id, IFNULL(e.org_id, 0), e.feed, e.identifier, e.taxonomy, e.type, e.ip, "
		"e.port, e.asn, e.prefix, e.fqdn, e.product, e.severity, e.first_ms, f.last_ms, "
		"f.seen, e.period_ms, e.file_id, e.line, IFNULL(e.incident_id, 0), e.event "
		"FROM feed_event e JOIN feed_seen f ON f.id = e.id "
		"WHERE e.digest_id IS NULL AND e.period_ms = ? AND e.org_id = ? AND e.feed = ? "
		"ORDER BY e.identifier, e.ip, e.port", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, period_ms);
	sqlite3_bind_int64(s, 2, org_id);
	sq_bind_text(s, 3, feed);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, event_row, &c, err, "feed digest events");
}

int store_feed_digest_insert(struct store *st, int64_t org_id, const char *feed,
			     int64_t period_ms, int64_t events, int64_t hosts, int64_t mails,
			     int64_t now_ms, int64_t *id, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO feed_digest(org_id, feed, period_ms, events, hosts, mails, created_ms) "
		"VALUES (?, ?, ?, ?, ?, ?, ?)", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, org_id);
	sq_bind_text(s, 2, feed);
	sqlite3_bind_int64(s, 3, period_ms);
	sqlite3_bind_int64(s, 4, events);
	sqlite3_bind_int64(s, 5, hosts);
	sqlite3_bind_int64(s, 6, mails);
	sqlite3_bind_int64(s, 7, now_ms);
	if (sq_exec_step(st, s, err, "feed digest") != 0)
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	s = sq_prep(st, "UPDATE feed_event SET digest_id = ? WHERE digest_id IS NULL AND "
			"period_ms = ? AND org_id = ? AND feed = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, *id);
	sqlite3_bind_int64(s, 2, period_ms);
	sqlite3_bind_int64(s, 3, org_id);
	sq_bind_text(s, 4, feed);
	return sq_exec_step(st, s, err, "feed digest mark");
}

static int unowned_row(sqlite3_stmt *s, void *ctx)
{
	struct cb *c = ctx;
	return ((store_feed_unowned_fn)c->fn)(c->ud, col_s(s, 0), sqlite3_column_int64(s, 1),
					      sqlite3_column_int64(s, 2),
					      sqlite3_column_int64(s, 3));
}

int store_feed_unowned(struct store *st, const char *by, int64_t limit, store_feed_unowned_fn fn,
		       void *ud, struct perr *err)
{
	bool asn = strcmp(by, "asn") == 0;
	sqlite3_stmt *s = asn
		? sq_prep(st, "SELECT 'AS' || e.asn, e.asn, sum(f.seen), count(DISTINCT e.ip) "
			      "FROM feed_event e JOIN feed_seen f ON f.id = e.id "
			      "WHERE e.org_id IS NULL GROUP BY e.asn "
			      "ORDER BY sum(f.seen) DESC, e.asn LIMIT ?", err)
		: sq_prep(st, "SELECT e.prefix, max(e.asn), sum(f.seen), count(DISTINCT e.ip) "
			      "FROM feed_event e JOIN feed_seen f ON f.id = e.id "
			      "WHERE e.org_id IS NULL GROUP BY e.prefix "
			      "ORDER BY sum(f.seen) DESC, e.prefix LIMIT ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, limit);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, unowned_row, &c, err, "feed unowned");
}

int store_feed_stats(struct store *st, int64_t day_start_ms, int64_t since_ms,
		     struct store_feed_stats *out, struct perr *err)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s = sq_prep(st,
		"SELECT (SELECT count(*) FROM feed_file WHERE received_ms >= ?1), "
		"(SELECT IFNULL(sum(parsed), 0) FROM feed_file WHERE received_ms >= ?1), "
		"(SELECT count(*) FROM feed_digest WHERE created_ms >= ?2), "
		"(SELECT count(DISTINCT org_id) FROM feed_digest WHERE created_ms >= ?2 AND mails > 0)",
		err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, day_start_ms);
	sqlite3_bind_int64(s, 2, since_ms);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->files_today = sqlite3_column_int64(s, 0);
		out->events_today = sqlite3_column_int64(s, 1);
		out->digests = sqlite3_column_int64(s, 2);
		out->owners_notified = sqlite3_column_int64(s, 3);
	}
	int r = rc == SQLITE_ROW ? 0 : sq_db_fail(st, err, "feed stats");
	sq_done(st, s);
	return r;
}

static int digest_row(sqlite3_stmt *s, void *ctx)
{
	struct cb *c = ctx;
	struct store_feed_digest d = {
		.id = sqlite3_column_int64(s, 0),
		.org_id = sqlite3_column_int64(s, 1),
		.feed = col_s(s, 2),
		.period_ms = sqlite3_column_int64(s, 3),
		.events = sqlite3_column_int64(s, 4),
		.hosts = sqlite3_column_int64(s, 5),
		.mails = sqlite3_column_int64(s, 6),
		.created_ms = sqlite3_column_int64(s, 7),
	};
	return ((store_feed_digest_fn)c->fn)(c->ud, &d);
}

int store_feed_digests(struct store *st, int64_t org_id, int64_t limit, store_feed_digest_fn fn,
		       void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT id, org_id, feed, period_ms, events, hosts, mails, created_ms "
		"FROM feed_digest WHERE org_id = ? ORDER BY id DESC LIMIT ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_int64(s, 2, limit);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, digest_row, &c, err, "feed digests");
}
