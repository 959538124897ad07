/*
** store_flow_read.c — the reads of the flow live view (migration 0014):
** the busiest hosts now (flow_live), a host's last hour (flow_history) and
** the attacks the detector reported (flow_attack).
**
** The flow job inside `parapet serve` writes these tables (store_flow.c);
** the CLI, the API and the UI read them here, through src/flow/live.c,
** which validates the query and applies the principal's scope. Scope is a
** condition of the SQL itself (the owner's province joined from org, the
** owner's id), never a filter on rows already read, so a limit counts only
** rows the caller may see. Every value is bound; the statement text is
** built from fixed fragments only, one text per shape of query.
*/
#include <string.h>

#include "store/store_internal.h"

#define FLOW_READ_MAX 1000 /* rows of one read: the store.h contract's limit */

/* The columns of a rate row, in the order rate_fill reads them; t is the
** table (flow_live or flow_history), o the owner (LEFT JOIN: a host no
** organisation owns has none). */
#define RATE_COLS                                                                    \
	"t.host, t.direction, COALESCE(t.org_id, 0), COALESCE(o.province, ''), t.at_ms, " \
	"t.pps, t.bps, t.flows, t.syn_pps, t.tcp_pps, t.udp_pps, t.icmp_pps, t.frag_pps"

static void rate_fill(sqlite3_stmt *s, void *out)
{
	struct store_flow_rate *r = out;
	memset(r, 0, sizeof(*r));
	sq_col_text(s, 0, r->host, sizeof(r->host));
	sq_col_text(s, 1, r->direction, sizeof(r->direction));
	r->org_id = sqlite3_column_int64(s, 2);
	sq_col_text(s, 3, r->province, sizeof(r->province));
	r->at_ms = sqlite3_column_int64(s, 4);
	int64_t *v[] = { &r->pps,     &r->bps,     &r->flows,    &r->syn_pps,
			 &r->tcp_pps, &r->udp_pps, &r->icmp_pps, &r->frag_pps };
	for (int k = 0; k < 8; k++)
		*v[k] = sqlite3_column_int64(s, 5 + k);
}

ROW_CALLBACK(rate_row, struct store_flow_rate, rate_fill, store_flow_rate_fn)

#define ATTACK_COLS                                                                         \
	"t.id, t.host, t.direction, COALESCE(t.org_id, 0), COALESCE(o.province, ''), "     \
	"COALESCE(t.incident_id, 0), t.type, t.amp_port, t.metric, t.threshold, t.value, " \
	"t.learned, t.start_ms, COALESCE(t.end_ms, 0), t.peak_pps, t.peak_bps, "           \
	"t.peak_flows, t.announced, t.banned"

static void attack_fill(sqlite3_stmt *s, void *out)
{
	struct store_flow_attack *a = out;
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(s, 0);
	sq_col_text(s, 1, a->host, sizeof(a->host));
	sq_col_text(s, 2, a->direction, sizeof(a->direction));
	a->org_id = sqlite3_column_int64(s, 3);
	sq_col_text(s, 4, a->province, sizeof(a->province));
	a->incident_id = sqlite3_column_int64(s, 5);
	sq_col_text(s, 6, a->type, sizeof(a->type));
	a->amp_port = sqlite3_column_int64(s, 7);
	sq_col_text(s, 8, a->metric, sizeof(a->metric));
	a->threshold = sqlite3_column_int64(s, 9);
	a->value = sqlite3_column_int64(s, 10);
	a->learned = sqlite3_column_int64(s, 11) != 0;
	a->start_ms = sqlite3_column_int64(s, 12);
	a->end_ms = sqlite3_column_int64(s, 13);
	a->peak_pps = sqlite3_column_int64(s, 14);
	a->peak_bps = sqlite3_column_int64(s, 15);
	a->peak_flows = sqlite3_column_int64(s, 16);
	a->announced = sqlite3_column_int64(s, 17) != 0;
	a->banned = sqlite3_column_int64(s, 18) != 0;
}

ROW_CALLBACK(attack_row, struct store_flow_attack, attack_fill, store_flow_attack_fn)

static bool given(const char *s)
{
	return s && s[0];
}

/* The WHERE conditions every read shares, appended to q with numbered
** parameters (?1 host, ?2 direction, ?3 province, ?4 organisation; the
** caller binds them all with bind_common, used or not, and ?6 the limit
** is always in the text so each index is in range). A failed append
** sticks to q and sq_prep_built refuses the whole query: a scope
** condition never falls off. */
static void common_conditions(const struct store_flow_query *q, struct pbuf *sql)
{
	if (given(q->host))
		pbuf_adds(sql, " AND t.host = ?1");
	if (given(q->direction))
		pbuf_adds(sql, " AND t.direction = ?2");
	if (given(q->scope_province))
		pbuf_adds(sql, " AND o.province = ?3");
	if (q->scope_org)
		pbuf_adds(sql, " AND t.org_id = ?4");
}

static void bind_common(sqlite3_stmt *s, const struct store_flow_query *q)
{
	sq_bind_text(s, 1, q->host);
	sq_bind_text(s, 2, q->direction);
	sq_bind_text(s, 3, q->scope_province);
	sqlite3_bind_int64(s, 4, q->scope_org);
	sqlite3_bind_int64(s, 5, q->from_ms);
	sqlite3_bind_int64(s, 6, q->limit);
}

/* Run the query built in sql (freed here, whatever happens) with q's
** values bound, every row to row with the caller's fn and ud. */
static int run(struct store *st, struct pbuf *sql, const struct store_flow_query *q, row_fn row,
	       void *fn, void *ud, const char *what, struct perr *err)
{
	int rc = -1;
	sqlite3_stmt *s = sq_prep_built(st, sql, err);
	if (s) {
		bind_common(s, q);
		struct cb c = { fn, ud };
		rc = sq_each_row(st, s, row, &c, err, what);
	}
	pbuf_free(sql);
	return rc;
}

static int check_limit(const struct store_flow_query *q, struct perr *err)
{
	if (q->limit < 1 || q->limit > FLOW_READ_MAX)
		return perr_set(err, PERR_INVALID, "limit", "limit must be from 1 to %d",
				FLOW_READ_MAX);
	return 0;
}

/* The live view's order for by: the figure asked, busiest first, then the
** address so that equal rates list the same way every time. */
static const char *live_order(const char *by)
{
	static const struct {
		const char *by, *order;
	} orders[] = {
		{ "pps", " ORDER BY t.pps DESC, t.host, t.direction" },
		{ "bps", " ORDER BY t.bps DESC, t.host, t.direction" },
		{ "flows", " ORDER BY t.flows DESC, t.host, t.direction" },
		{ "syn", " ORDER BY t.syn_pps DESC, t.host, t.direction" },
	};
	if (!given(by))
		return orders[0].order;
	for (size_t k = 0; k < sizeof(orders) / sizeof(orders[0]); k++)
		if (strcmp(by, orders[k].by) == 0)
			return orders[k].order;
	return NULL;
}

int store_flow_live_list(struct store *st, const struct store_flow_query *q, store_flow_rate_fn fn,
			 void *ud, struct perr *err)
{
	const char *order = live_order(q->by);
	if (!order)
		return perr_set(err, PERR_INVALID, "by", "by must be pps, bps, flows or syn");
	if (check_limit(q, err) != 0)
		return -1;
	struct pbuf sql;
	pbuf_init(&sql, sq_query_max(st, 1024));
	pbuf_adds(&sql, "SELECT " RATE_COLS " FROM flow_live t LEFT JOIN org o ON o.id = t.org_id "
			"WHERE 1");
	common_conditions(q, &sql);
	pbuf_adds(&sql, order);
	pbuf_adds(&sql, " LIMIT ?6");
	return run(st, &sql, q, rate_row, (void *)fn, ud, "flow live view", err);
}

int store_flow_history_list(struct store *st, const struct store_flow_query *q,
			    store_flow_rate_fn fn, void *ud, struct perr *err)
{
	if (check_limit(q, err) != 0)
		return -1;
	struct pbuf sql;
	pbuf_init(&sql, sq_query_max(st, 1024));
	pbuf_adds(&sql, "SELECT " RATE_COLS " FROM flow_history t "
			"LEFT JOIN org o ON o.id = t.org_id WHERE t.at_ms >= ?5");
	common_conditions(q, &sql);
	pbuf_adds(&sql, " ORDER BY t.at_ms, t.host, t.direction LIMIT ?6");
	return run(st, &sql, q, rate_row, (void *)fn, ud, "flow history", err);
}

int store_flow_attack_list(struct store *st, const struct store_flow_query *q, bool open_only,
			   store_flow_attack_fn fn, void *ud, struct perr *err)
{
	if (check_limit(q, err) != 0)
		return -1;
	struct pbuf sql;
	pbuf_init(&sql, sq_query_max(st, 1024));
	pbuf_adds(&sql, "SELECT " ATTACK_COLS " FROM flow_attack t "
			"LEFT JOIN org o ON o.id = t.org_id WHERE 1");
	/* the partial index flow_attack_open holds exactly these rows */
	if (open_only)
		pbuf_adds(&sql, " AND t.end_ms IS NULL");
	if (q->from_ms > 0)
		pbuf_adds(&sql, " AND t.start_ms >= ?5");
	common_conditions(q, &sql);
	pbuf_adds(&sql, " ORDER BY t.start_ms DESC, t.id DESC LIMIT ?6");
	return run(st, &sql, q, attack_row, (void *)fn, ud, "flow attacks", err);
}

int store_flow_attack_get(struct store *st, int64_t id, struct store_flow_attack *a,
			  struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " ATTACK_COLS " FROM flow_attack t "
				      "LEFT JOIN org o ON o.id = t.org_id WHERE t.id = ?",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return sq_one_row(st, s, attack_fill, a, err, "flow attack");
}
