/*
** store_outbox.c — the SQLite backend of the notification outbox and of the
** webhook subscriptions (the "outbox, webhooks" section of store.h).
**
** The outbox is the hand-over point between a change and the notifications
** it causes: rows are inserted inside the caller's transaction, so a
** notification exists exactly when its change committed, and the notify
** worker reads due rows, sends them and only then marks them sent. Every
** statement is a string literal cached by the connection (sq_prep) and every
** value is bound; no SQL is assembled from data.
*/
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_internal.h"

/* ---------------------------------------------------------------- outbox */

#define OUTBOX_COLS                                                           \
	"id, kind, recipient, subject, body, headers, message_id, "           \
	"IFNULL(incident_id, 0), status, attempts, next_ms, created_ms, "      \
	"sent_ms, last_error"

/* Decode one outbox row. The text pointers (subject, body, headers) point
** into the statement and stay valid only until it steps again. */
static void outbox_from(sqlite3_stmt *s, void *out)
{
	struct store_outbox *o = out;
	const unsigned char *t;
	o->id = sqlite3_column_int64(s, 0);
	sq_col_text(s, 1, o->kind, sizeof(o->kind));
	sq_col_text(s, 2, o->recipient, sizeof(o->recipient));
	t = sqlite3_column_text(s, 3);
	o->subject = t ? (const char *)t : "";
	t = sqlite3_column_text(s, 4);
	o->body = t ? (const char *)t : "";
	t = sqlite3_column_text(s, 5);
	o->headers = t ? (const char *)t : "";
	sq_col_text(s, 6, o->message_id, sizeof(o->message_id));
	o->incident_id = sqlite3_column_int64(s, 7);
	sq_col_text(s, 8, o->status, sizeof(o->status));
	o->attempts = sqlite3_column_int64(s, 9);
	o->next_ms = sqlite3_column_int64(s, 10);
	o->created_ms = sqlite3_column_int64(s, 11);
	o->sent_ms = sqlite3_column_int64(s, 12);
	sq_col_text(s, 13, o->last_error, sizeof(o->last_error));
}

ROW_CALLBACK(outbox_row, struct store_outbox, outbox_from, store_outbox_fn)

int store_outbox_insert(struct store *st, struct store_outbox *o, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO outbox(kind, recipient, subject, body, headers, message_id, "
		"incident_id, status, attempts, next_ms, created_ms) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, o->kind);
	sq_bind_text(s, 2, o->recipient);
	sq_bind_text(s, 3, o->subject);
	sq_bind_text(s, 4, o->body);
	sq_bind_text(s, 5, o->headers);
	sq_bind_text(s, 6, o->message_id);
	sq_bind_opt_id(s, 7, o->incident_id);
	sqlite3_bind_int64(s, 8, o->next_ms);
	sqlite3_bind_int64(s, 9, o->created_ms);
	if (sq_exec_step(st, s, err, "outbox") != 0)
		return -1;
	o->id = sqlite3_last_insert_rowid(st->db);
	PSTRCPY(o->status, "pending");
	o->attempts = 0;
	o->sent_ms = 0;
	o->last_error[0] = '\0';
	return 0;
}

int store_outbox_due(struct store *st, int64_t now_ms, int64_t limit, store_outbox_fn fn,
		     void *ud, struct perr *err)
{
	/* Walks the outbox_due(status, next_ms) index; entries another sender
	** holds under a live lease are left to it. Reading is not claiming:
	** store_outbox_claim decides, entry by entry. */
	sqlite3_stmt *s = sq_prep(st,
		"SELECT " OUTBOX_COLS " FROM outbox WHERE status = 'pending' AND next_ms <= ?1 "
		"AND claimed_until <= ?1 ORDER BY next_ms, id LIMIT ?2", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, now_ms);
	sqlite3_bind_int64(s, 2, limit > 0 ? limit : -1);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, outbox_row, &c, err, "outbox");
}

int store_outbox_claim(struct store *st, int64_t id, const char *who, int64_t now_ms,
		       int64_t until_ms, bool *got, struct perr *err)
{
	/* One statement, so the check and the claim cannot be split by another
	** sender: SQLite runs it under the database's write lock, and of two
	** senders racing for one entry the second finds claimed_until in the
	** future and changes nothing.
	** PostgreSQL: the same UPDATE is safe there too under READ COMMITTED
	** (the second updater waits on the row lock and re-checks the WHERE
	** on the committed row), but a PostgreSQL backend should claim a batch
	** at once and skip rows others are claiming instead of waiting on them:
	**   UPDATE outbox SET claimed_by = $1, claimed_until = $2
	**   WHERE id IN (SELECT id FROM outbox WHERE status = 'pending'
	**                AND next_ms <= $3 AND claimed_until <= $3
	**                ORDER BY next_ms, id LIMIT $4 FOR UPDATE SKIP LOCKED)
	**   RETURNING ...
	** with the lease then covering the whole batch's sending time. */
	*got = false;
	sqlite3_stmt *s = sq_prep(st,
		"UPDATE outbox SET claimed_by = ?1, claimed_until = ?2 WHERE id = ?3 "
		"AND status = 'pending' AND next_ms <= ?4 AND claimed_until <= ?4", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, who);
	sqlite3_bind_int64(s, 2, until_ms);
	sqlite3_bind_int64(s, 3, id);
	sqlite3_bind_int64(s, 4, now_ms);
	if (sq_exec_step(st, s, err, "outbox entry") != 0)
		return -1;
	*got = sqlite3_changes(st->db) == 1;
	return 0;
}

int store_outbox_mark_sent(struct store *st, int64_t id, int64_t now_ms, struct perr *err)
{
	/* Sent is final whoever holds the claim: a sender whose lease ran out
	** while its peer was slow still delivered the entry. */
	sqlite3_stmt *s = sq_prep(st,
		"UPDATE outbox SET status = 'sent', sent_ms = ?, attempts = attempts + 1, "
		"last_error = '', claimed_by = '', claimed_until = 0 WHERE id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, now_ms);
	sqlite3_bind_int64(s, 2, id);
	return sq_exec_one(st, s, err, "outbox entry");
}

int store_outbox_mark_retry(struct store *st, int64_t id, const char *who, int64_t attempts,
			    int64_t next_ms, const char *error, bool failed, struct perr *err)
{
	/* Only while who still holds the entry: once its lease ran out another
	** sender may have taken it over, or sent it, and a late failure must
	** not turn a sent entry back into a pending one. */
	sqlite3_stmt *s = sq_prep(st,
		"UPDATE outbox SET attempts = ?, next_ms = ?, last_error = ?, "
		"status = CASE WHEN ? THEN 'failed' ELSE 'pending' END, "
		"claimed_by = '', claimed_until = 0 "
		"WHERE id = ? AND status = 'pending' AND claimed_by = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, attempts);
	sqlite3_bind_int64(s, 2, next_ms);
	sq_bind_text(s, 3, error);
	sqlite3_bind_int(s, 4, failed ? 1 : 0);
	sqlite3_bind_int64(s, 5, id);
	sq_bind_text(s, 6, who);
	return sq_exec_step(st, s, err, "outbox entry");
}

int store_outbox_list(struct store *st, const char *status, int64_t incident_id,
		      int64_t limit, store_outbox_fn fn, void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT " OUTBOX_COLS " FROM outbox WHERE (?1 IS NULL OR status = ?1) "
		"AND (?2 = 0 OR incident_id = ?2) ORDER BY id DESC LIMIT ?3", err);
	if (!s)
		return -1;
	if (status)
		sq_bind_text(s, 1, status);
	sqlite3_bind_int64(s, 2, incident_id);
	sqlite3_bind_int64(s, 3, limit > 0 ? limit : -1);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, outbox_row, &c, err, "outbox");
}

struct counts {
	int64_t pending, sent, failed;
};

static int count_row(sqlite3_stmt *s, void *ctx)
{
	struct counts *c = ctx;
	const unsigned char *status = sqlite3_column_text(s, 0);
	int64_t n = sqlite3_column_int64(s, 1);
	if (!status)
		return 0;
	if (strcmp((const char *)status, "pending") == 0)
		c->pending = n;
	else if (strcmp((const char *)status, "sent") == 0)
		c->sent = n;
	else if (strcmp((const char *)status, "failed") == 0)
		c->failed = n;
	return 0;
}

int store_outbox_counts(struct store *st, int64_t *pending, int64_t *sent, int64_t *failed,
			struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT status, count(*) FROM outbox GROUP BY status", err);
	if (!s)
		return -1;
	struct counts c = { 0, 0, 0 };
	if (sq_each_row(st, s, count_row, &c, err, "outbox") != 0)
		return -1;
	if (pending)
		*pending = c.pending;
	if (sent)
		*sent = c.sent;
	if (failed)
		*failed = c.failed;
	return 0;
}

/* -------------------------------------------------------------- webhooks */

static void webhook_from(sqlite3_stmt *s, void *out)
{
	struct store_webhook *w = out;
	w->id = sqlite3_column_int64(s, 0);
	sq_col_text(s, 1, w->url, sizeof(w->url));
	sq_col_text(s, 2, w->secret, sizeof(w->secret));
	sq_col_text(s, 3, w->events, sizeof(w->events));
}

ROW_CALLBACK(webhook_row, struct store_webhook, webhook_from, store_webhook_fn)

int store_webhook_insert(struct store *st, struct store_webhook *w, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO webhook(url, secret, events) VALUES (?, ?, ?)", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, w->url);
	sq_bind_text(s, 2, w->secret);
	sq_bind_text(s, 3, w->events[0] ? w->events : "*");
	if (sq_exec_step(st, s, err, "webhook") != 0)
		return -1;
	w->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_webhook_delete(struct store *st, int64_t id, struct perr *err)
{
	return sq_exec_id(st, "DELETE FROM webhook WHERE id = ?", id, err, "webhook");
}

int store_webhook_list(struct store *st, store_webhook_fn fn, void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT id, url, secret, events FROM webhook ORDER BY id",
				  err);
	if (!s)
		return -1;
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, webhook_row, &c, err, "webhooks");
}
