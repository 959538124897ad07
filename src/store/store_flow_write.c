/*
** store_flow_write.c — the writes of the flow live view (migration 0014):
** the snapshot of the busiest protected hosts (flow_live), their history
** (flow_history) and the attacks (flow_attack).
**
** Only the flow job inside `parapet serve` calls these, from its drain
** thread and its own connection; the reads (store_flow_read.c) serve the
** CLI, the API and the UI. The snapshot is replaced once a second, so the
** whole replace is one transaction: a reader sees the old snapshot or the
** new one, never a half-written one. The attack rows outlive a restart of
** serve, which is how an attack that ended while serve was down still ends
** (its incident recovered, its blackhole withdrawn).
*/
#include <string.h>

#include "store/store_internal.h"

/* Is direction one of the two the schema admits? Checked here so that a
** bad row fails with a message naming the field, not a CHECK failure. */
static int dir_ok(const char *d, struct perr *err)
{
	if (strcmp(d, "incoming") == 0 || strcmp(d, "outgoing") == 0)
		return 0;
	return perr_set(err, PERR_INVALID, "direction", "direction must be incoming or outgoing");
}

/* Bind r's figures from column `first` on: pps, bps, flows, syn_pps,
** tcp_pps, udp_pps, icmp_pps, frag_pps (the order of both tables). */
static void bind_rates(sqlite3_stmt *s, int first, const struct store_flow_rate *r)
{
	const int64_t v[] = { r->pps,	  r->bps,     r->flows,	   r->syn_pps,
			      r->tcp_pps, r->udp_pps, r->icmp_pps, r->frag_pps };
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		sqlite3_bind_int64(s, first + (int)i, v[i]);
}

/* Begin a transaction unless the caller holds one; *own says whether this
** call must commit (or roll back) it. */
static int tx_begin(struct store *st, bool *own, struct perr *err)
{
	*own = sqlite3_get_autocommit(st->db) != 0;
	return *own ? store_begin(st, err) : 0;
}

static int tx_end(struct store *st, bool own, int rc, struct perr *err)
{
	if (!own)
		return rc;
	if (rc != 0) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err);
}

int store_flow_live_replace(struct store *st, const struct store_flow_rate *r, size_t n,
			    struct perr *err)
{
	bool own;
	int rc = -1;
	if (tx_begin(st, &own, err) != 0)
		return -1;
	sqlite3_stmt *s = sq_prep(st, "DELETE FROM flow_live", err);
	if (!s || sq_exec_step(st, s, err, "flow live") != 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (dir_ok(r[i].direction, err) != 0)
			goto out;
		/* a pair listed twice (it is in the top by two figures) is
		** written once: the union of the tops */
		s = sq_prep(st,
			"INSERT OR REPLACE INTO flow_live(host, direction, org_id, at_ms, pps, bps, "
			"flows, syn_pps, tcp_pps, udp_pps, icmp_pps, frag_pps) "
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			err);
		if (!s)
			goto out;
		sq_bind_text(s, 1, r[i].host);
		sq_bind_text(s, 2, r[i].direction);
		sq_bind_opt_id(s, 3, r[i].org_id);
		sqlite3_bind_int64(s, 4, r[i].at_ms);
		bind_rates(s, 5, &r[i]);
		if (sq_exec_step(st, s, err, "flow live") != 0)
			goto out;
	}
	rc = 0;
out:
	return tx_end(st, own, rc, err);
}

int store_flow_history_add(struct store *st, const struct store_flow_rate *r, size_t n,
			   int64_t keep_from_ms, struct perr *err)
{
	bool own;
	int rc = -1;
	if (tx_begin(st, &own, err) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (dir_ok(r[i].direction, err) != 0)
			goto out;
		/* a point written again for its step (a restart within the
		** step) keeps the peak: the chart shows the busiest second */
		sqlite3_stmt *s = sq_prep(st,
			"INSERT INTO flow_history(host, direction, org_id, at_ms, pps, bps, flows, "
			"syn_pps, tcp_pps, udp_pps, icmp_pps, frag_pps) "
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
			"ON CONFLICT(host, direction, at_ms) DO UPDATE SET "
			"org_id = excluded.org_id, "
			"pps = MAX(pps, excluded.pps), bps = MAX(bps, excluded.bps), "
			"flows = MAX(flows, excluded.flows), syn_pps = MAX(syn_pps, excluded.syn_pps), "
			"tcp_pps = MAX(tcp_pps, excluded.tcp_pps), "
			"udp_pps = MAX(udp_pps, excluded.udp_pps), "
			"icmp_pps = MAX(icmp_pps, excluded.icmp_pps), "
			"frag_pps = MAX(frag_pps, excluded.frag_pps)",
			err);
		if (!s)
			goto out;
		sq_bind_text(s, 1, r[i].host);
		sq_bind_text(s, 2, r[i].direction);
		sq_bind_opt_id(s, 3, r[i].org_id);
		sqlite3_bind_int64(s, 4, r[i].at_ms);
		bind_rates(s, 5, &r[i]);
		if (sq_exec_step(st, s, err, "flow history") != 0)
			goto out;
	}
	sqlite3_stmt *d = sq_prep(st, "DELETE FROM flow_history WHERE at_ms < ?", err);
	if (!d)
		goto out;
	sqlite3_bind_int64(d, 1, keep_from_ms);
	if (sq_exec_step(st, d, err, "flow history") != 0)
		goto out;
	rc = 0;
out:
	return tx_end(st, own, rc, err);
}

/* Bind every field of a but id, host and direction from column `first`
** on, in the order of the INSERT and UPDATE below. */
static void bind_attack(sqlite3_stmt *s, int first, const struct store_flow_attack *a)
{
	int i = first;
	sq_bind_opt_id(s, i++, a->org_id);
	sq_bind_opt_id(s, i++, a->incident_id);
	sq_bind_text(s, i++, a->type);
	sqlite3_bind_int64(s, i++, a->amp_port);
	sq_bind_text(s, i++, a->metric);
	sqlite3_bind_int64(s, i++, a->threshold);
	sqlite3_bind_int64(s, i++, a->value);
	sqlite3_bind_int(s, i++, a->learned);
	sqlite3_bind_int64(s, i++, a->start_ms);
	if (a->end_ms)
		sqlite3_bind_int64(s, i++, a->end_ms);
	else
		sqlite3_bind_null(s, i++);
	sqlite3_bind_int64(s, i++, a->peak_pps);
	sqlite3_bind_int64(s, i++, a->peak_bps);
	sqlite3_bind_int64(s, i++, a->peak_flows);
	sqlite3_bind_int(s, i++, a->announced);
	sqlite3_bind_int(s, i, a->banned);
}

int store_flow_attack_insert(struct store *st, struct store_flow_attack *a, struct perr *err)
{
	if (dir_ok(a->direction, err) != 0)
		return -1;
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO flow_attack(host, direction, org_id, incident_id, type, amp_port, "
		"metric, threshold, value, learned, start_ms, end_ms, peak_pps, peak_bps, "
		"peak_flows, announced, banned) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, a->host);
	sq_bind_text(s, 2, a->direction);
	bind_attack(s, 3, a);
	if (sq_exec_step(st, s, err, "flow attack") != 0)
		return -1;
	a->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_flow_attack_update(struct store *st, const struct store_flow_attack *a,
			     struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"UPDATE flow_attack SET org_id = ?, incident_id = ?, type = ?, amp_port = ?, "
		"metric = ?, threshold = ?, value = ?, learned = ?, start_ms = ?, end_ms = ?, "
		"peak_pps = ?, peak_bps = ?, peak_flows = ?, announced = ?, banned = ? "
		"WHERE id = ?",
		err);
	if (!s)
		return -1;
	bind_attack(s, 1, a);
	sqlite3_bind_int64(s, 16, a->id);
	return sq_exec_one(st, s, err, "flow attack");
}
