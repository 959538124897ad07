/*
** store_hostprod.c — products seen on constituents' hosts by report feeds
** (migration 0011), and the newest file of each report type.
**
** Every feed import refreshes one host_product row per (organisation, host,
** port, report type) it sees; advisory targeting reads them by vendor and
** product (or by the service exposure a report type reveals), and scan
** verification asks whether the newest file of a type still saw a host
** (host_product.file_id against that file). Rows only move forward in time:
** an older report imported late refreshes nothing it would set back.
*/
#include <string.h>

#include "store/store_internal.h"

int store_host_product_upsert(struct store *st, const struct store_host_product *h,
			      struct perr *err)
{
	/* an older report never sets the product back, and a report without a
	** banner (an exposure only) keeps the product a banner gave */
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO host_product(org_id, ip, port, type, vendor, product, version, cpe, "
		"exposure, first_ms, last_ms, file_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		"ON CONFLICT(org_id, ip, port, type) DO UPDATE SET "
		"vendor = CASE WHEN excluded.last_ms >= last_ms AND (excluded.vendor <> '' OR excluded.product <> '') "
		"  THEN excluded.vendor ELSE vendor END, "
		"product = CASE WHEN excluded.last_ms >= last_ms AND (excluded.vendor <> '' OR excluded.product <> '') "
		"  THEN excluded.product ELSE product END, "
		"version = CASE WHEN excluded.last_ms >= last_ms AND (excluded.vendor <> '' OR excluded.product <> '') "
		"  THEN excluded.version ELSE version END, "
		"cpe = CASE WHEN excluded.last_ms >= last_ms AND (excluded.vendor <> '' OR excluded.product <> '') "
		"  THEN excluded.cpe ELSE cpe END, "
		"exposure = CASE WHEN excluded.last_ms >= last_ms AND excluded.exposure <> '' "
		"  THEN excluded.exposure ELSE exposure END, "
		"file_id = CASE WHEN excluded.last_ms >= last_ms THEN excluded.file_id "
		"  ELSE file_id END, "
		"first_ms = MIN(first_ms, excluded.first_ms), "
		"last_ms = MAX(last_ms, excluded.last_ms)",
		err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, h->org_id);
	sq_bind_text(s, 2, h->ip);
	sqlite3_bind_int64(s, 3, h->port);
	sq_bind_text(s, 4, h->type);
	sq_bind_text(s, 5, h->vendor);
	sq_bind_text(s, 6, h->product);
	sq_bind_text(s, 7, h->version);
	sq_bind_text(s, 8, h->cpe);
	sq_bind_text(s, 9, h->exposure);
	sqlite3_bind_int64(s, 10, h->first_ms ? h->first_ms : h->last_ms);
	sqlite3_bind_int64(s, 11, h->last_ms);
	sqlite3_bind_int64(s, 12, h->file_id);
	return sq_exec_step(st, s, err, "host product");
}

#define HP_COLS \
	"org_id, ip, port, type, vendor, product, version, cpe, exposure, first_ms, last_ms, " \
	"file_id"

static void hp_fill(sqlite3_stmt *s, void *out)
{
	struct store_host_product *h = out;
	memset(h, 0, sizeof(*h));
	h->org_id = sqlite3_column_int64(s, 0);
	sq_col_text(s, 1, h->ip, sizeof(h->ip));
	h->port = sqlite3_column_int64(s, 2);
	sq_col_text(s, 3, h->type, sizeof(h->type));
	sq_col_text(s, 4, h->vendor, sizeof(h->vendor));
	sq_col_text(s, 5, h->product, sizeof(h->product));
	sq_col_text(s, 6, h->version, sizeof(h->version));
	sq_col_text(s, 7, h->cpe, sizeof(h->cpe));
	sq_col_text(s, 8, h->exposure, sizeof(h->exposure));
	h->first_ms = sqlite3_column_int64(s, 9);
	h->last_ms = sqlite3_column_int64(s, 10);
	h->file_id = sqlite3_column_int64(s, 11);
}

static int hp_row(sqlite3_stmt *s, void *ctx)
{
	struct cb *c = ctx;
	struct store_host_product h;
	hp_fill(s, &h);
	return ((store_host_product_fn)c->fn)(c->ud, &h);
}

int store_host_product_find(struct store *st, const char *vendor, const char *product,
			    const char *exposure, int64_t org, store_host_product_fn fn, void *ud,
			    struct perr *err)
{
	/* one statement per shape: "(? = 0 OR org_id = ?)" would keep the
	** planner from seeking one organisation's rows */
	sqlite3_stmt *s;
	if (exposure && org)
		s = sq_prep(st, "SELECT " HP_COLS " FROM host_product WHERE exposure = ?1 "
				"AND exposure <> '' AND org_id = ?2 ORDER BY org_id, ip, port", err);
	else if (exposure)
		s = sq_prep(st, "SELECT " HP_COLS " FROM host_product WHERE exposure = ?1 "
				"AND exposure <> '' ORDER BY org_id, ip, port", err);
	else if (org)
		s = sq_prep(st, "SELECT " HP_COLS " FROM host_product WHERE vendor = ?1 "
				"AND product = ?3 AND org_id = ?2 ORDER BY org_id, ip, port", err);
	else
		s = sq_prep(st, "SELECT " HP_COLS " FROM host_product WHERE vendor = ?1 "
				"AND product = ?3 ORDER BY org_id, ip, port", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, exposure ? exposure : vendor);
	if (org)
		sqlite3_bind_int64(s, 2, org);
	if (!exposure)
		sq_bind_text(s, 3, product);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, hp_row, &c, err, "host products");
}

int store_host_product_get(struct store *st, int64_t org, const char *ip, int64_t port,
			   const char *type, struct store_host_product *out, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " HP_COLS " FROM host_product WHERE org_id = ? "
				      "AND ip = ? AND port = ? AND type = ?",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, org);
	sq_bind_text(s, 2, ip);
	sqlite3_bind_int64(s, 3, port);
	sq_bind_text(s, 4, type);
	return sq_one_row(st, s, hp_fill, out, err, "host product");
}

int store_feed_type_mark_seen(struct store *st, const char *type, int64_t file_id, int64_t last_ms,
			 struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "INSERT INTO feed_type_seen(type, file_id, last_ms) "
				      "VALUES (?, ?, ?) ON CONFLICT(type) DO UPDATE SET "
				      "file_id = excluded.file_id, last_ms = excluded.last_ms "
				      "WHERE excluded.last_ms >= last_ms",
				  err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, type);
	sqlite3_bind_int64(s, 2, file_id);
	sqlite3_bind_int64(s, 3, last_ms);
	return sq_exec_step(st, s, err, "feed type seen");
}

static void seen_fill(sqlite3_stmt *s, void *out)
{
	int64_t *v = out;
	v[0] = sqlite3_column_int64(s, 0);
	v[1] = sqlite3_column_int64(s, 1);
}

int store_feed_type_seen_get(struct store *st, const char *type, int64_t *file_id,
			     int64_t *last_ms, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT file_id, last_ms FROM feed_type_seen WHERE type = ?",
				  err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, type);
	int64_t v[2] = { 0, 0 };
	if (sq_one_row(st, s, seen_fill, v, err, "feed type seen") != 0)
		return -1;
	*file_id = v[0];
	*last_ms = v[1];
	return 0;
}
