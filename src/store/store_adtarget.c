/*
** store_adtarget.c — the organisations an advisory was published to
** (advisory_target, migration 0011), the hosts that made each one a target
** (advisory_target_host), and the few reads publishing, the timed sweep
** and scan verification need around them.
**
** A target's whole tracking state is in its row (state, the time of each
** step, reminded_ms and escalated_ms), so the sweep that runs in `serve`
** loses nothing across a restart and never mails twice: it writes the
** time it reminded or escalated in the same transaction as the mail.
*/
#include <libgen.h>
#include <string.h>

#include "store/store_internal.h"

#define AT_COLS                                                                                \
	"t.advisory_id, t.org_id, t.state, t.hosts, t.why, t.reason, t.version, t.notified_ms, " \
	"t.read_ms, t.ack_ms, t.patched_ms, t.verified_ms, t.reminded_ms, t.escalated_ms, "     \
	"t.updated_ms, o.name, o.province, o.sector"

/* The row into t; t->why points into the statement (valid until its next
** step or reset). */
static void at_fill(sqlite3_stmt *s, void *out)
{
	struct store_advisory_target *t = out;
	memset(t, 0, sizeof(*t));
	t->advisory_id = sqlite3_column_int64(s, 0);
	t->org_id = sqlite3_column_int64(s, 1);
	sq_col_text(s, 2, t->state, sizeof(t->state));
	t->hosts = sqlite3_column_int64(s, 3);
	const unsigned char *why = sqlite3_column_text(s, 4);
	t->why = why ? (const char *)why : "[]";
	sq_col_text(s, 5, t->reason, sizeof(t->reason));
	t->version = sqlite3_column_int64(s, 6);
	t->notified_ms = sqlite3_column_int64(s, 7);
	t->read_ms = sqlite3_column_int64(s, 8);
	t->ack_ms = sqlite3_column_int64(s, 9);
	t->patched_ms = sqlite3_column_int64(s, 10);
	t->verified_ms = sqlite3_column_int64(s, 11);
	t->reminded_ms = sqlite3_column_int64(s, 12);
	t->escalated_ms = sqlite3_column_int64(s, 13);
	t->updated_ms = sqlite3_column_int64(s, 14);
	sq_col_text(s, 15, t->org_name, sizeof(t->org_name));
	sq_col_text(s, 16, t->province, sizeof(t->province));
	sq_col_text(s, 17, t->sector, sizeof(t->sector));
}

ROW_CALLBACK(at_row, struct store_advisory_target, at_fill, store_advisory_target_fn)

int store_advisory_target_insert(struct store *st, const struct store_advisory_target *t,
				 struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO advisory_target(advisory_id, org_id, state, hosts, why, reason, version, "
		"notified_ms, read_ms, ack_ms, patched_ms, verified_ms, reminded_ms, escalated_ms, "
		"updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, t->advisory_id);
	sqlite3_bind_int64(s, 2, t->org_id);
	sq_bind_text(s, 3, t->state);
	sqlite3_bind_int64(s, 4, t->hosts);
	sq_bind_text(s, 5, t->why ? t->why : "[]");
	sq_bind_text(s, 6, t->reason);
	sqlite3_bind_int64(s, 7, t->version);
	sqlite3_bind_int64(s, 8, t->notified_ms);
	sqlite3_bind_int64(s, 9, t->read_ms);
	sqlite3_bind_int64(s, 10, t->ack_ms);
	sqlite3_bind_int64(s, 11, t->patched_ms);
	sqlite3_bind_int64(s, 12, t->verified_ms);
	sqlite3_bind_int64(s, 13, t->reminded_ms);
	sqlite3_bind_int64(s, 14, t->escalated_ms);
	sqlite3_bind_int64(s, 15, t->updated_ms);
	return sq_exec_step(st, s, err, "advisory target");
}

int store_advisory_target_update(struct store *st, const struct store_advisory_target *t,
				 struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"UPDATE advisory_target SET state = ?, hosts = ?, why = COALESCE(?, why), reason = ?, "
		"version = ?, "
		"notified_ms = ?, read_ms = ?, ack_ms = ?, patched_ms = ?, verified_ms = ?, "
		"reminded_ms = ?, escalated_ms = ?, updated_ms = ? "
		"WHERE advisory_id = ? AND org_id = ?",
		err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, t->state);
	sqlite3_bind_int64(s, 2, t->hosts);
	if (t->why)
		sq_bind_text(s, 3, t->why);
	else
		sqlite3_bind_null(s, 3);
	sq_bind_text(s, 4, t->reason);
	sqlite3_bind_int64(s, 5, t->version);
	sqlite3_bind_int64(s, 6, t->notified_ms);
	sqlite3_bind_int64(s, 7, t->read_ms);
	sqlite3_bind_int64(s, 8, t->ack_ms);
	sqlite3_bind_int64(s, 9, t->patched_ms);
	sqlite3_bind_int64(s, 10, t->verified_ms);
	sqlite3_bind_int64(s, 11, t->reminded_ms);
	sqlite3_bind_int64(s, 12, t->escalated_ms);
	sqlite3_bind_int64(s, 13, t->updated_ms);
	sqlite3_bind_int64(s, 14, t->advisory_id);
	sqlite3_bind_int64(s, 15, t->org_id);
	return sq_exec_one(st, s, err, "advisory target");
}

struct get_ctx {
	struct store_advisory_target *t;
	char *why;
	size_t why_sz;
	bool found;
};

static int get_row(void *ud, const struct store_advisory_target *t)
{
	struct get_ctx *g = ud;
	*g->t = *t;
	if (g->why && g->why_sz) {
		pstrtrunc(g->why, t->why, g->why_sz);
		g->t->why = g->why;
	} else {
		g->t->why = NULL; /* an update then keeps the stored evidence */
	}
	g->found = true;
	return 0;
}

int store_advisory_target_get(struct store *st, int64_t id, int64_t org,
			      struct store_advisory_target *t, char *why_buf, size_t why_sz,
			      struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " AT_COLS " FROM advisory_target t "
				      "JOIN org o ON o.id = t.org_id "
				      "WHERE t.advisory_id = ? AND t.org_id = ?",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, org);
	struct get_ctx g = { t, why_buf, why_sz, false };
	struct cb c = { (void *)get_row, &g };
	if (sq_each_row(st, s, at_row, &c, err, "advisory target") != 0)
		return -1;
	if (!g.found)
		return perr_set(err, PERR_NOTFOUND, NULL, "advisory target not found");
	return 0;
}

int store_advisory_target_list(struct store *st, int64_t id, const char *province, int64_t org,
			       store_advisory_target_fn fn, void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " AT_COLS " FROM advisory_target t "
				      "JOIN org o ON o.id = t.org_id WHERE t.advisory_id = ?1 "
				      "AND (?2 = '' OR o.province = ?2) AND (?3 = 0 OR t.org_id = ?3) "
				      "ORDER BY t.org_id",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sq_bind_text(s, 2, province);
	sqlite3_bind_int64(s, 3, org);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, at_row, &c, err, "advisory targets");
}

int store_advisory_target_due(struct store *st, int64_t now_ms, int64_t remind_ms,
			      store_advisory_target_fn fn, void *ud, struct perr *err)
{
	/* a reminder only before the deadline: after it, escalation says more */
	sqlite3_stmt *s = sq_prep(st, "SELECT " AT_COLS " FROM advisory_target t "
		"JOIN org o ON o.id = t.org_id JOIN advisory a ON a.id = t.advisory_id "
		"WHERE a.status = 'published' AND a.deadline_ms > 0 AND ("
		" (t.reminded_ms = 0 AND t.state IN ('notified', 'read') "
		"  AND ?1 >= a.deadline_ms - ?2 AND ?1 < a.deadline_ms) OR "
		" (t.escalated_ms = 0 AND t.state NOT IN ('patched', 'not_affected', 'verified') "
		"  AND ?1 >= a.deadline_ms)) "
		"ORDER BY t.advisory_id, t.org_id",
		err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, now_ms);
	sqlite3_bind_int64(s, 2, remind_ms);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, at_row, &c, err, "advisory targets due");
}

int store_advisory_target_host_add(struct store *st, int64_t id, int64_t org, const char *ip,
				   int64_t port, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "INSERT OR IGNORE INTO advisory_target_host(advisory_id, "
				      "org_id, ip, port) VALUES (?, ?, ?, ?)",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, org);
	sq_bind_text(s, 3, ip);
	sqlite3_bind_int64(s, 4, port);
	return sq_exec_step(st, s, err, "advisory target host");
}

static int host_row(sqlite3_stmt *s, void *ctx)
{
	struct cb *c = ctx;
	const unsigned char *ip = sqlite3_column_text(s, 0);
	return ((store_advisory_host_fn)c->fn)(c->ud, ip ? (const char *)ip : "",
					       sqlite3_column_int64(s, 1));
}

int store_advisory_target_host_list(struct store *st, int64_t id, int64_t org,
				    store_advisory_host_fn fn, void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT ip, port FROM advisory_target_host "
				      "WHERE advisory_id = ? AND org_id = ? ORDER BY ip, port",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, org);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, host_row, &c, err, "advisory target hosts");
}

static int pair_row(sqlite3_stmt *s, void *ctx)
{
	struct cb *c = ctx;
	return ((store_advisory_pair_fn)c->fn)(c->ud, sqlite3_column_int64(s, 0),
					       sqlite3_column_int64(s, 1));
}

int store_advisory_target_seen_list(struct store *st, const char *type,
				    store_advisory_pair_fn fn, void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT DISTINCT t.advisory_id, t.org_id FROM advisory_target t "
		"JOIN advisory a ON a.id = t.advisory_id "
		"JOIN advisory_target_host h ON h.advisory_id = t.advisory_id AND h.org_id = t.org_id "
		"JOIN host_product p ON p.org_id = h.org_id AND p.ip = h.ip AND p.port = h.port "
		"AND p.type = ? WHERE a.status = 'published' "
		"AND t.state NOT IN ('not_affected', 'verified') ORDER BY t.advisory_id, t.org_id",
		err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, type);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, pair_row, &c, err, "advisory targets seen");
}

static void exists_fill(sqlite3_stmt *s, void *out)
{
	*(bool *)out = sqlite3_column_int64(s, 0) != 0;
}

int store_host_product_file_exists(struct store *st, const char *type, int64_t file_id,
				   bool *yes, struct perr *err)
{
	/* stops at the first row: a file that saw products finds one at once */
	sqlite3_stmt *s = sq_prep(st, "SELECT EXISTS (SELECT 1 FROM host_product WHERE type = ? "
				      "AND file_id = ?)",
				  err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, type);
	sqlite3_bind_int64(s, 2, file_id);
	return sq_one_row(st, s, exists_fill, yes, err, "host products");
}

int store_advisory_status_set(struct store *st, int64_t id, int64_t now_ms, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "UPDATE advisory SET status = 'published', "
				      "published_ms = CASE WHEN published_ms = 0 THEN ?1 "
				      "ELSE published_ms END WHERE id = ?2",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, now_ms);
	sqlite3_bind_int64(s, 2, id);
	return sq_exec_one(st, s, err, "advisory");
}

int store_data_dir_get(struct store *st, char *out, size_t n, struct perr *err)
{
	const char *f = sqlite3_db_filename(st->db, "main");
	char path[1100];
	if (!f || !*f || pstrlcpy(path, f, sizeof(path)) != 0)
		return perr_set(err, PERR_INTERNAL, "data", "the database has no file name");
	if (pstrlcpy(out, dirname(path), n) != 0)
		return perr_set(err, PERR_LIMIT, "data", "data directory name too long");
	return 0;
}

