/*
** store_indicator_hold.c — the indicators waiting for an analyst: rows of
** one status (held ones, the review queue of the bulk import and of
** `parapet indicator add` on a warninglisted value), newest first.
**
** Kept apart from store_indicator.c (the registry's rows) so the hold
** queue's one query lives beside the code that serves it (issue 15's
** import and confirmation).
*/
#include "store/store_internal.h"

ROW_CALLBACK(hold_row, struct store_indicator, sq_indicator_from, store_indicator_fn)

int store_indicator_status_each(struct store *st, const char *status, int64_t limit,
				store_indicator_fn fn, void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " IND_COLS " FROM indicator WHERE status = ? "
				      "ORDER BY updated_ms DESC, id DESC LIMIT ?",
				  err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, status);
	sqlite3_bind_int64(s, 2, limit > 0 ? limit : 100);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, hold_row, &c, err, "indicators");
}
