/*
** store_indicator_query.c — the indicator registry's search (issue 15):
** one SELECT assembled from fixed fragments for the filters a caller set,
** every value bound, newest first with a cursor on the id.
**
** Address filters read the (family, lo, hi) columns that store_indicator.c
** keeps as 16-byte blobs in network order, so SQLite's blob comparison
** (memcmp) is the address order: "indicators covering this address" is
** lo <= a AND hi >= a, "indicators inside this network" is lo >= first AND
** hi <= last, both within one family and helped by the (family, lo) index.
** The constituent scope is indicator_visible's rule (registry.c) written in
** SQL, so that paging never returns a short page of what the caller may
** not see.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

#define Q_BINDS 48
/* the longest prefix searched (INDICATOR_VALUE_MAX; the store does not
** include the domain's header) */
#define INDICATOR_PREFIX_MAX 2048

struct qbinds {
	int n;
	bool over;
	struct {
		int kind; /* 0 integer, 1 text, 2 blob of 16 bytes */
		int64_t i;
		const char *s;
		const uint8_t *b;
	} v[Q_BINDS];
};

static void bi(struct qbinds *b, int kind, int64_t i, const char *s, const uint8_t *blob)
{
	if (b->n >= Q_BINDS) {
		b->over = true;
		return;
	}
	b->v[b->n].kind = kind;
	b->v[b->n].i = i;
	b->v[b->n].s = s;
	b->v[b->n].b = blob;
	b->n++;
}

/* Append " AND <sql>" with one text value, when v is set. */
static void cond_s(struct pbuf *q, struct qbinds *b, const char *sql, const char *v)
{
	if (!v || !v[0])
		return;
	pbuf_adds(q, " AND ");
	pbuf_adds(q, sql);
	bi(b, 1, 0, v, NULL);
}

struct ind_walk {
	store_indicator_fn fn;
	void *ud;
};

static int ind_row(sqlite3_stmt *s, void *ctx)
{
	struct ind_walk *w = ctx;
	struct store_indicator *r = malloc(sizeof(*r));
	if (!r)
		return -1;
	sq_indicator_from(s, r);
	int rc = w->fn(w->ud, r);
	free(r);
	return rc;
}

int store_indicator_list(struct store *st, const struct store_indicator_filter *f,
			   store_indicator_fn fn, void *ud, struct perr *err)
{
	struct pbuf q;
	struct qbinds b = { 0 };
	int rc = -1;
	pbuf_init(&q, sq_query_max(st, 4096));
	pbuf_adds(&q, "SELECT " IND_COLS " FROM indicator WHERE 1");
	char upper[INDICATOR_PREFIX_MAX + 8];
	cond_s(&q, &b, "type = ?", f->type);
	if (f->ntypes) {
		pbuf_adds(&q, " AND type IN (?");
		bi(&b, 1, 0, f->types[0], NULL);
		for (size_t k = 1; k < f->ntypes; k++) {
			pbuf_adds(&q, ", ?");
			bi(&b, 1, 0, f->types[k], NULL);
		}
		pbuf_adds(&q, ")");
	}
	cond_s(&q, &b, "value = ?", f->value);
	if (f->prefix && f->prefix[0]) {
		/* a range on the (type, value) key: values from the prefix up to
		** the prefix followed by U+10FFFF, the greatest UTF-8 character
		** (text compares bytewise); then substr, not LIKE, for exactness:
		** a value's '%' and '_' are literal here */
		if (snprintf(upper, sizeof(upper), "%s\xf4\x8f\xbf\xbf", f->prefix) >=
		    (int)sizeof(upper)) {
			perr_set(err, PERR_LIMIT, "prefix", "prefix is too long");
			goto out;
		}
		pbuf_adds(&q, " AND value >= ? AND value < ? AND substr(value, 1, ?) = ?");
		bi(&b, 1, 0, f->prefix, NULL);
		bi(&b, 1, 0, upper, NULL);
		bi(&b, 0, (int64_t)strlen(f->prefix), NULL, NULL);
		bi(&b, 1, 0, f->prefix, NULL);
	}
	cond_s(&q, &b, "class = ?", f->class_);
	cond_s(&q, &b, "source = ?", f->source);
	cond_s(&q, &b, "tlp = ?", f->tlp);
	cond_s(&q, &b, "status = ?", f->status);
	if (f->tag && f->tag[0]) {
		/* tags are stored ",a,b,": ",a," found means tagged a */
		pbuf_adds(&q, " AND instr(tags, ',' || ? || ',') > 0");
		bi(&b, 1, 0, f->tag, NULL);
	}
	/* "family != 0" is the partial index's own condition, written out so
	** that the planner may use it (a bound family does not prove it); lo
	** is then an index range, not a scan of every row below the address */
	if (f->contains_family) {
		pbuf_adds(&q, " AND family != 0 AND family = ? AND lo >= ? AND lo <= ? AND hi >= ?");
		bi(&b, 0, f->contains_family, NULL, NULL);
		bi(&b, 2, 0, NULL, f->contains_floor);
		bi(&b, 2, 0, NULL, f->contains);
		bi(&b, 2, 0, NULL, f->contains);
	}
	if (f->within_family) {
		pbuf_adds(&q, " AND family != 0 AND family = ? AND lo >= ? AND lo <= ? AND hi <= ?");
		bi(&b, 0, f->within_family, NULL, NULL);
		bi(&b, 2, 0, NULL, f->within_first);
		bi(&b, 2, 0, NULL, f->within_last);
		bi(&b, 2, 0, NULL, f->within_last);
	}
	if (f->expired > 0) {
		pbuf_adds(&q, " AND expires_ms <= ?");
		bi(&b, 0, f->now_ms, NULL, NULL);
	} else if (f->expired == 0) {
		pbuf_adds(&q, " AND expires_ms > ?");
		bi(&b, 0, f->now_ms, NULL, NULL);
	}
	if (f->org_id) {
		pbuf_adds(&q, " AND org_id = ?");
		bi(&b, 0, f->org_id, NULL, NULL);
	}
	if (f->scope_constituent) {
		/* indicator_visible: CLEAR and GREEN to all, AMBER and
		** AMBER+STRICT to the organisation concerned, RED to none */
		pbuf_adds(&q, " AND (tlp IN ('CLEAR', 'GREEN') OR (tlp IN ('AMBER', "
			      "'AMBER+STRICT') AND org_id IS NOT NULL AND org_id = ?))");
		bi(&b, 0, f->scope_org, NULL, NULL);
	}
	if (f->before_id > 0) {
		pbuf_adds(&q, " AND id < ?");
		bi(&b, 0, f->before_id, NULL, NULL);
	}
	pbuf_adds(&q, " ORDER BY id DESC LIMIT ?");
	bi(&b, 0, f->limit > 0 ? f->limit : 100, NULL, NULL);
	if (b.over) {
		perr_set(err, PERR_LIMIT, NULL, "query has too many values");
		goto out;
	}
	sqlite3_stmt *s = sq_prep_built(st, &q, err);
	if (!s)
		goto out;
	for (int k = 0; k < b.n; k++) {
		if (b.v[k].kind == 1)
			sq_bind_text(s, k + 1, b.v[k].s);
		else if (b.v[k].kind == 2)
			sqlite3_bind_blob(s, k + 1, b.v[k].b, 16, SQLITE_TRANSIENT);
		else
			sqlite3_bind_int64(s, k + 1, b.v[k].i);
	}
	struct ind_walk w = { fn, ud };
	rc = sq_each_row(st, s, ind_row, &w, err, "indicator");
out:
	pbuf_free(&q);
	return rc;
}
