/*
** store_apk.c — the triaged apps (migration 0013's apk_app): one row per
** APK file (its SHA-256 unique), the verdict kept as the JSON text the
** triage produced, and the analyst's decision (malicious, benign) with
** when the app was blacklisted. The domain (src/apk/record.c) decides;
** this file only reads and writes rows.
*/
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

#define APK_COLS                                                                          \
	"id, sha256, package, version_name, version_code, signer_sha256, author, size, " \
	"status, coalesce(incident_id, 0), actor, created_ms, updated_ms, blacklisted_ms"

static void apk_from(sqlite3_stmt *s, void *out)
{
	struct store_apk *r = out;
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(s, 0);
	sq_col_text(s, 1, r->sha256, sizeof(r->sha256));
	sq_col_text(s, 2, r->package, sizeof(r->package));
	sq_col_text(s, 3, r->version_name, sizeof(r->version_name));
	sq_col_text(s, 4, r->version_code, sizeof(r->version_code));
	sq_col_text(s, 5, r->signer_sha256, sizeof(r->signer_sha256));
	sq_col_text(s, 6, r->author, sizeof(r->author));
	r->size = sqlite3_column_int64(s, 7);
	sq_col_text(s, 8, r->status, sizeof(r->status));
	r->incident_id = sqlite3_column_int64(s, 9);
	sq_col_text(s, 10, r->actor, sizeof(r->actor));
	r->created_ms = sqlite3_column_int64(s, 11);
	r->updated_ms = sqlite3_column_int64(s, 12);
	r->blacklisted_ms = sqlite3_column_int64(s, 13);
}

int store_apk_insert(struct store *st, struct store_apk *r, const char *verdict,
		     struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "INSERT INTO apk_app(sha256, package, version_name, "
				      "version_code, signer_sha256, author, size, status, verdict, "
				      "incident_id, actor, created_ms, updated_ms, blacklisted_ms) "
				      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				  err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, r->sha256);
	sq_bind_text(s, 2, r->package);
	sq_bind_text(s, 3, r->version_name);
	sq_bind_text(s, 4, r->version_code);
	sq_bind_text(s, 5, r->signer_sha256);
	sq_bind_text(s, 6, r->author);
	sqlite3_bind_int64(s, 7, r->size);
	sq_bind_text(s, 8, r->status[0] ? r->status : "triaged");
	sq_bind_text(s, 9, verdict);
	sq_bind_opt_id(s, 10, r->incident_id);
	sq_bind_text(s, 11, r->actor);
	sqlite3_bind_int64(s, 12, r->created_ms);
	sqlite3_bind_int64(s, 13, r->updated_ms);
	sqlite3_bind_int64(s, 14, r->blacklisted_ms);
	if (sq_exec_step(st, s, err, "apk_app") != 0) {
		if (err && err->kind == PERR_CONFLICT && r->incident_id == 0)
			perr_set(err, PERR_CONFLICT, "sha256", "the app %s is recorded already",
				 r->sha256);
		return -1;
	}
	r->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

struct with_verdict {
	struct store_apk *r;
	struct pbuf *v;
};

static void apk_verdict_from(sqlite3_stmt *s, void *out)
{
	struct with_verdict *w = out;
	apk_from(s, w->r);
	if (w->v) {
		const void *t = sqlite3_column_text(s, 14);
		pbuf_add(w->v, t ? t : "", (size_t)sqlite3_column_bytes(s, 14));
	}
}

int store_apk_get(struct store *st, int64_t id, struct store_apk *out, struct pbuf *verdict,
		  struct perr *err)
{
	struct with_verdict w = { out, verdict };
	sqlite3_stmt *s = sq_prep(st, "SELECT " APK_COLS ", verdict FROM apk_app WHERE id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (sq_one_row(st, s, apk_verdict_from, &w, err, "app") != 0)
		return -1;
	if (verdict && pbuf_failed(verdict))
		return perr_set(err, PERR_LIMIT, "verdict", "the app's verdict does not fit");
	return 0;
}

static void id_from(sqlite3_stmt *s, void *out)
{
	*(int64_t *)out = sqlite3_column_int64(s, 0);
}

int store_apk_find(struct store *st, const char *sha256, int64_t *id, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT id FROM apk_app WHERE sha256 = ?", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, sha256);
	return sq_one_row(st, s, id_from, id, err, "app");
}

ROW_CALLBACK(apk_row, struct store_apk, apk_from, store_apk_fn)

int store_apk_list(struct store *st, const char *status, int64_t before_id, int limit,
		   store_apk_fn fn, void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " APK_COLS " FROM apk_app WHERE (? = '' OR "
				      "status = ?) AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?",
				  err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, status ? status : "");
	sq_bind_text(s, 2, status ? status : "");
	sqlite3_bind_int64(s, 3, before_id);
	sqlite3_bind_int64(s, 4, before_id);
	sqlite3_bind_int(s, 5, limit < 1 ? 1 : limit > 1000 ? 1000 : limit);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, apk_row, &c, err, "apps");
}

int store_apk_set_status(struct store *st, const struct store_apk *r, const char *verdict,
			 struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "UPDATE apk_app SET status = ?, incident_id = ?, "
				      "blacklisted_ms = ?, actor = ?, updated_ms = ?, "
				      "verdict = coalesce(?, verdict) WHERE id = ?",
				  err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, r->status);
	sq_bind_opt_id(s, 2, r->incident_id);
	sqlite3_bind_int64(s, 3, r->blacklisted_ms);
	sq_bind_text(s, 4, r->actor);
	sqlite3_bind_int64(s, 5, r->updated_ms);
	if (verdict)
		sq_bind_text(s, 6, verdict);
	else
		sqlite3_bind_null(s, 6);
	sqlite3_bind_int64(s, 7, r->id);
	return sq_exec_one(st, s, err, "app");
}
