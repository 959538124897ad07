/*
** store_adexcl.c — advisory exclusions (migration 0011's
** advisory_exclusion) and the product-asset reads advisory targeting needs
** (migration 0012's index).
**
** An exclusion is an analyst's decision that an organisation the preview
** found is not to be warned (a reason kept with who and when); targeting
** lists it with its reason and leaves it out of the counts and of
** publishing. The product-asset range read lets targeting ask for the
** assets of one CPE vendor:product prefix instead of scanning every asset.
*/
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

int store_adexcl_set(struct store *st, const struct store_adexcl *x, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "INSERT INTO advisory_exclusion(advisory_id, org_id, "
				      "reason, actor, created_ms) VALUES (?, ?, ?, ?, ?) "
				      "ON CONFLICT(advisory_id, org_id) DO UPDATE SET "
				      "reason = excluded.reason, actor = excluded.actor, "
				      "created_ms = excluded.created_ms",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, x->advisory_id);
	sqlite3_bind_int64(s, 2, x->org_id);
	sq_bind_text(s, 3, x->reason);
	sq_bind_text(s, 4, x->actor);
	sqlite3_bind_int64(s, 5, x->created_ms);
	/* the only conflict an upsert can meet is a foreign key: the advisory
	** or the organisation is missing */
	if (sq_exec_step(st, s, err, "advisory exclusion") != 0) {
		if (err && err->kind == PERR_CONFLICT)
			perr_set(err, PERR_NOTFOUND, "id", "advisory or organisation not found");
		return -1;
	}
	return 0;
}

int store_adexcl_delete(struct store *st, int64_t advisory_id, int64_t org_id,
			struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "DELETE FROM advisory_exclusion WHERE advisory_id = ? "
				      "AND org_id = ?",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, advisory_id);
	sqlite3_bind_int64(s, 2, org_id);
	return sq_exec_one(st, s, err, "advisory exclusion");
}

#define ADEXCL_COLS "advisory_id, org_id, reason, actor, created_ms"

static void adexcl_from(sqlite3_stmt *s, void *out)
{
	struct store_adexcl *x = out;
	memset(x, 0, sizeof(*x));
	x->advisory_id = sqlite3_column_int64(s, 0);
	x->org_id = sqlite3_column_int64(s, 1);
	sq_col_text(s, 2, x->reason, sizeof(x->reason));
	sq_col_text(s, 3, x->actor, sizeof(x->actor));
	x->created_ms = sqlite3_column_int64(s, 4);
}

int store_adexcl_get(struct store *st, int64_t advisory_id, int64_t org_id,
		     struct store_adexcl *out, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " ADEXCL_COLS " FROM advisory_exclusion "
				      "WHERE advisory_id = ? AND org_id = ?",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, advisory_id);
	sqlite3_bind_int64(s, 2, org_id);
	return sq_one_row(st, s, adexcl_from, out, err, "advisory exclusion");
}

ROW_CALLBACK(adexcl_row, struct store_adexcl, adexcl_from, store_adexcl_fn)

int store_adexcl_list(struct store *st, int64_t advisory_id, store_adexcl_fn fn, void *ud,
		      struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " ADEXCL_COLS " FROM advisory_exclusion "
				      "WHERE advisory_id = ? ORDER BY org_id",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, advisory_id);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, adexcl_row, &c, err, "advisory exclusions");
}

static void product_from(sqlite3_stmt *s, void *out)
{
	struct store_asset *a = out;
	a->id = sqlite3_column_int64(s, 0);
	a->org_id = sqlite3_column_int64(s, 1);
	memcpy(a->type, "product", sizeof("product"));
	sq_col_text(s, 2, a->value, sizeof(a->value));
	a->created_ms = 0; /* not in the covering index; targeting does not need it */
}

ROW_CALLBACK(product_row, struct store_asset, product_from, store_asset_fn)

int store_asset_products_list(struct store *st, const char *from, const char *to,
			      store_asset_fn fn, void *ud, struct perr *err)
{
	/* One statement per shape of bounds: "(? IS NULL OR value >= ?)" would
	** make the planner scan the whole index instead of seeking the range.
	** "type = 'product'" is literal so the partial index applies. */
	sqlite3_stmt *s;
	if (from && to)
		s = sq_prep(st, "SELECT id, org_id, value FROM asset "
				"WHERE type = 'product' AND value >= ?1 AND value < ?2 "
				"ORDER BY value, id",
			    err);
	else if (from)
		s = sq_prep(st, "SELECT id, org_id, value FROM asset "
				"WHERE type = 'product' AND value >= ?1 ORDER BY value, id",
			    err);
	else if (to)
		s = sq_prep(st, "SELECT id, org_id, value FROM asset "
				"WHERE type = 'product' AND value < ?2 ORDER BY value, id",
			    err);
	else
		s = sq_prep(st, "SELECT id, org_id, value FROM asset "
				"WHERE type = 'product' ORDER BY value, id",
			    err);
	if (!s)
		return -1;
	if (from)
		sq_bind_text(s, 1, from);
	if (to)
		sq_bind_text(s, 2, to);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, product_row, &c, err, "product assets");
}

/* What targeting shows of a host product; the rest of the row stays 0. */
static void evidence_from(sqlite3_stmt *s, void *out)
{
	struct store_host_product *h = out;
	h->org_id = sqlite3_column_int64(s, 0);
	sq_col_text(s, 1, h->ip, sizeof(h->ip));
	h->port = sqlite3_column_int64(s, 2);
	sq_col_text(s, 3, h->type, sizeof(h->type));
	sq_col_text(s, 4, h->version, sizeof(h->version));
	h->last_ms = h->first_ms = sqlite3_column_int64(s, 5);
}

struct evidence_cb {
	store_host_product_fn fn;
	void *ud;
	struct store_host_product h; /* vendor, product, exposure as asked */
};

static int evidence_row(sqlite3_stmt *s, void *ctx)
{
	struct evidence_cb *c = ctx;
	evidence_from(s, &c->h);
	return c->fn(c->ud, &c->h);
}

int store_host_product_evidence_list(struct store *st, const char *vendor, const char *product,
				     const char *exposure, store_host_product_fn fn, void *ud,
				     struct perr *err)
{
	/* the columns of the covering indexes of migration 0012 only */
	sqlite3_stmt *s;
	if (exposure)
		s = sq_prep(st, "SELECT org_id, ip, port, type, version, last_ms FROM host_product "
				"WHERE exposure = ?1 AND exposure <> ''",
			    err);
	else
		s = sq_prep(st, "SELECT org_id, ip, port, type, version, last_ms FROM host_product "
				"WHERE vendor = ?1 AND product = ?2",
			    err);
	if (!s)
		return -1;
	struct evidence_cb *c = calloc(1, sizeof(*c));
	if (!c) {
		sq_done(st, s);
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	}
	c->fn = fn;
	c->ud = ud;
	if (exposure) {
		sq_bind_text(s, 1, exposure);
		pstrtrunc(c->h.exposure, exposure, sizeof(c->h.exposure));
	} else {
		sq_bind_text(s, 1, vendor);
		sq_bind_text(s, 2, product);
		pstrtrunc(c->h.vendor, vendor, sizeof(c->h.vendor));
		pstrtrunc(c->h.product, product, sizeof(c->h.product));
	}
	int rc = sq_each_row(st, s, evidence_row, c, err, "host products");
	free(c);
	return rc;
}
