/*
** store_incident.c — SQL for incidents, their observations, transitions,
** messages, links and evidence, the free-text index, on-call rotas and
** routing rules.
**
** The incident list is the hot query of the analyst console: it is
** assembled from the filters in use (fixed fragments, values bound) so each
** shape gets its own plan, with keyset pagination on (updated_ms, id): page
** N costs the same as page 1, whatever the table size. Free text goes through an FTS5 table; the
** user's words are quoted one by one before they reach MATCH, so no input can
** be read as FTS query syntax.
*/
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_internal.h"

#define INC_COLS                                                                        \
	"i.id, i.org_id, i.title, i.summary, i.class, i.type, i.severity, i.tlp, i.source, " \
	"i.status, i.kind, IFNULL(i.dedup_key, ''), IFNULL(i.assignee_id, 0), "             \
	"IFNULL(i.team_id, 0), IFNULL(i.merged_into, 0), IFNULL(i.reopened_from, 0), "      \
	"i.observations, i.created_by, i.detected_ms, i.opened_ms, i.acknowledged_ms, "     \
	"i.contained_ms, i.recovered_ms, i.closed_ms, i.updated_ms, i.sla_flags, o.name, "  \
	"o.province"

static void inc_from(sqlite3_stmt *s, void *out)
{
	struct store_incident *i = out;
	i->id = sqlite3_column_int64(s, 0);
	i->org_id = sqlite3_column_int64(s, 1);
	sq_col_text(s, 2, i->title, sizeof(i->title));
	sq_col_text(s, 3, i->summary, sizeof(i->summary));
	sq_col_text(s, 4, i->class_, sizeof(i->class_));
	sq_col_text(s, 5, i->type, sizeof(i->type));
	sq_col_text(s, 6, i->severity, sizeof(i->severity));
	sq_col_text(s, 7, i->tlp, sizeof(i->tlp));
	sq_col_text(s, 8, i->source, sizeof(i->source));
	sq_col_text(s, 9, i->status, sizeof(i->status));
	sq_col_text(s, 10, i->kind, sizeof(i->kind));
	sq_col_text(s, 11, i->dedup_key, sizeof(i->dedup_key));
	i->assignee_id = sqlite3_column_int64(s, 12);
	i->team_id = sqlite3_column_int64(s, 13);
	i->merged_into = sqlite3_column_int64(s, 14);
	i->reopened_from = sqlite3_column_int64(s, 15);
	i->observations = sqlite3_column_int64(s, 16);
	sq_col_text(s, 17, i->created_by, sizeof(i->created_by));
	i->detected_ms = sqlite3_column_int64(s, 18);
	i->opened_ms = sqlite3_column_int64(s, 19);
	i->acknowledged_ms = sqlite3_column_int64(s, 20);
	i->contained_ms = sqlite3_column_int64(s, 21);
	i->recovered_ms = sqlite3_column_int64(s, 22);
	i->closed_ms = sqlite3_column_int64(s, 23);
	i->updated_ms = sqlite3_column_int64(s, 24);
	i->sla_flags = sqlite3_column_int64(s, 25);
	sq_col_text(s, 26, i->org_name, sizeof(i->org_name));
	sq_col_text(s, 27, i->province, sizeof(i->province));
}

ROW_CALLBACK(inc_row, struct store_incident, inc_from, store_incident_fn)

static void bind_opt_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v && v[0])
		sq_bind_text(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

int store_incident_insert(struct store *st, struct store_incident *i, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO incident(org_id, title, summary, class, type, severity, tlp, source, "
		"status, kind, dedup_key, assignee_id, team_id, reopened_from, observations, "
		"created_by, detected_ms, opened_ms, updated_ms, province) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		"(SELECT province FROM org WHERE id = ?1))", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, i->org_id);
	sq_bind_text(s, 2, i->title);
	sq_bind_text(s, 3, i->summary);
	sq_bind_text(s, 4, i->class_);
	sq_bind_text(s, 5, i->type);
	sq_bind_text(s, 6, i->severity);
	sq_bind_text(s, 7, i->tlp);
	sq_bind_text(s, 8, i->source);
	sq_bind_text(s, 9, i->status);
	sq_bind_text(s, 10, i->kind);
	bind_opt_text(s, 11, i->dedup_key);
	sq_bind_opt_id(s, 12, i->assignee_id);
	sq_bind_opt_id(s, 13, i->team_id);
	sq_bind_opt_id(s, 14, i->reopened_from);
	sqlite3_bind_int64(s, 15, i->observations);
	sq_bind_text(s, 16, i->created_by);
	sqlite3_bind_int64(s, 17, i->detected_ms);
	sqlite3_bind_int64(s, 18, i->opened_ms);
	sqlite3_bind_int64(s, 19, i->updated_ms);
	if (sq_exec_step(st, s, err, "incident") != 0)
		return -1;
	i->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_incident_get(struct store *st, int64_t id, struct store_incident *i, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " INC_COLS
				  " FROM incident i JOIN org o ON o.id = i.org_id WHERE i.id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return sq_one_row(st, s, inc_from, i, err, "incident");
}

int store_incident_update(struct store *st, const struct store_incident *i, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"UPDATE incident SET title = ?, summary = ?, class = ?, type = ?, severity = ?, "
		"tlp = ?, status = ?, assignee_id = ?, team_id = ?, merged_into = ?, "
		"observations = ?, acknowledged_ms = ?, contained_ms = ?, recovered_ms = ?, "
		"closed_ms = ?, updated_ms = ?, sla_flags = ? WHERE id = ?", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, i->title);
	sq_bind_text(s, 2, i->summary);
	sq_bind_text(s, 3, i->class_);
	sq_bind_text(s, 4, i->type);
	sq_bind_text(s, 5, i->severity);
	sq_bind_text(s, 6, i->tlp);
	sq_bind_text(s, 7, i->status);
	sq_bind_opt_id(s, 8, i->assignee_id);
	sq_bind_opt_id(s, 9, i->team_id);
	sq_bind_opt_id(s, 10, i->merged_into);
	sqlite3_bind_int64(s, 11, i->observations);
	sqlite3_bind_int64(s, 12, i->acknowledged_ms);
	sqlite3_bind_int64(s, 13, i->contained_ms);
	sqlite3_bind_int64(s, 14, i->recovered_ms);
	sqlite3_bind_int64(s, 15, i->closed_ms);
	sqlite3_bind_int64(s, 16, i->updated_ms);
	sqlite3_bind_int64(s, 17, i->sla_flags);
	sqlite3_bind_int64(s, 18, i->id);
	return sq_exec_one(st, s, err, "incident");
}

int store_incident_open_by_key(struct store *st, int64_t org_id, const char *key,
			       struct store_incident *i, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " INC_COLS
		" FROM incident i JOIN org o ON o.id = i.org_id WHERE i.org_id = ? "
		"AND i.dedup_key = ? AND i.status NOT IN ('closed', 'rejected', 'duplicate')", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, org_id);
	sq_bind_text(s, 2, key);
	return sq_one_row(st, s, inc_from, i, err, "incident");
}

int store_incident_closed_by_key(struct store *st, int64_t org_id, const char *key,
				 struct store_incident *i, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " INC_COLS
		" FROM incident i JOIN org o ON o.id = i.org_id WHERE i.org_id = ? "
		"AND i.dedup_key = ? AND i.status = 'closed' ORDER BY i.closed_ms DESC, i.id DESC "
		"LIMIT 1", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, org_id);
	sq_bind_text(s, 2, key);
	return sq_one_row(st, s, inc_from, i, err, "incident");
}

/* Quote each word of q for FTS5 ("a b" -> "\"a\" \"b\"": all words, any
** order); returns a heap string the caller frees, or NULL: no words, or
** (*failed set) more than fits or no memory. */
static char *fts_query(const char *q, bool *failed)
{
	*failed = false;
	struct pbuf b;
	pbuf_init(&b, 4096);
	struct pstr rest = pstr_c(q), w;
	while (rest.p && rest.n) {
		pstr_cut(rest, ' ', &w, &rest);
		w = pstr_trim(w);
		if (!w.n)
			continue;
		if (b.len)
			pbuf_adds(&b, " ");
		pbuf_adds(&b, "\"");
		for (size_t k = 0; k < w.n; k++)
			pbuf_add(&b, w.p[k] == '"' ? "\"\"" : &w.p[k], w.p[k] == '"' ? 2 : 1);
		pbuf_adds(&b, "\"");
	}
	/* the failures above are sticky: pbuf_take answers NULL for them */
	if (!b.len && !pbuf_failed(&b)) {
		pbuf_free(&b);
		return NULL;
	}
	char *out = pbuf_take(&b);
	*failed = !out;
	return out;
}

/* The overdue condition, shared by the list filter and the SLA queries:
** ?A = now, ?B.. = thresholds in ms per severity (low, medium, high,
** critical) for acknowledge then contain. */
#define SLA_ACK_LIMIT \
	"(CASE i.severity WHEN 'low' THEN ?21 WHEN 'medium' THEN ?22 WHEN 'high' THEN ?23 ELSE ?24 END)"
#define SLA_CONTAIN_LIMIT \
	"(CASE i.severity WHEN 'low' THEN ?25 WHEN 'medium' THEN ?26 WHEN 'high' THEN ?27 ELSE ?28 END)"
#define SLA_OPEN "i.status NOT IN ('closed', 'rejected', 'duplicate')"
/* The condition of the partial index incident_sla_awaiting (migration
** 0007), implied by the lateness tests below but spelled out so that the
** planner uses the index. */
#define SLA_AWAITING "(i.acknowledged_ms = 0 OR (i.contained_ms = 0 AND i.recovered_ms = 0))"
#define SLA_ACK_LATE "(i.acknowledged_ms = 0 AND ?20 > i.opened_ms + " SLA_ACK_LIMIT ")"
#define SLA_CONTAIN_LATE \
	"(i.contained_ms = 0 AND i.recovered_ms = 0 AND ?20 > i.opened_ms + " SLA_CONTAIN_LIMIT ")"

static void bind_sla(sqlite3_stmt *s, int64_t now, const int64_t *ack, const int64_t *contain)
{
	sqlite3_bind_int64(s, 20, now);
	for (int k = 0; k < 4; k++) {
		sqlite3_bind_int64(s, 21 + k, ack ? ack[k] : INT64_MAX / 4);
		sqlite3_bind_int64(s, 25 + k, contain ? contain[k] : INT64_MAX / 4);
	}
}

/* The values of a query being assembled, bound in order to "?"s. Like the
** text's pbuf, a value that does not fit marks the set failed (over), and
** prep_list refuses the query: a "?" never goes unbound. */
struct binds {
	int n;
	bool over;
	struct {
		bool text;
		int64_t i;
		const char *s;
	} v[256];
};

static void add_i(struct binds *b, int64_t v)
{
	if (b->n < 256) {
		b->v[b->n].text = false;
		b->v[b->n++].i = v;
	} else {
		b->over = true;
	}
}

static void add_s(struct binds *b, const char *v)
{
	if (b->n < 256) {
		b->v[b->n].text = true;
		b->v[b->n++].s = v;
	} else {
		b->over = true;
	}
}

/* Append the values of from to b (a fragment's, built apart). */
static void add_all(struct binds *b, const struct binds *from)
{
	b->over |= from->over;
	for (int k = 0; k < from->n; k++) {
		if (b->n < 256)
			b->v[b->n++] = from->v[k];
		else
			b->over = true;
	}
}

/* The WHERE conditions of a list other than status and free text, as SQL
** fragments with "?" into q and their values into b. The appends are not
** checked one by one: a failure sticks to q (and to b), and prep_list
** refuses the whole query, so no scope condition can fall off silently. */
static void list_conditions(const struct store_incident_filter *f, struct pbuf *q,
			    struct binds *b)
{
	if (f->org_id) {
		pbuf_adds(q, " AND i.org_id = ?");
		add_i(b, f->org_id);
	}
	if (f->province) {
		pbuf_adds(q, " AND i.province = ?");
		add_s(b, f->province);
	}
	if (f->severity) {
		pbuf_adds(q, " AND i.severity = ?");
		add_s(b, f->severity);
	}
	if (f->class_) {
		pbuf_adds(q, " AND i.class = ?");
		add_s(b, f->class_);
	}
	if (f->source) {
		pbuf_adds(q, " AND i.source = ?");
		add_s(b, f->source);
	}
	if (f->assignee_id) {
		pbuf_adds(q, " AND i.assignee_id = ?");
		add_i(b, f->assignee_id);
	}
	if (f->team_id) {
		pbuf_adds(q, " AND i.team_id = ?");
		add_i(b, f->team_id);
	}
	static const char *const ranges[4] = { " AND i.opened_ms >= ?", " AND i.opened_ms < ?",
					       " AND i.updated_ms >= ?", " AND i.updated_ms < ?" };
	const int64_t rv[4] = { f->created_from, f->created_to, f->updated_from, f->updated_to };
	for (int k = 0; k < 4; k++)
		if (rv[k]) {
			pbuf_adds(q, ranges[k]);
			add_i(b, rv[k]);
		}
	if (f->overdue) {
		pbuf_adds(q, " AND i.status NOT IN ('closed', 'rejected', 'duplicate') AND ("
			     "(i.acknowledged_ms = 0 AND ? > i.opened_ms + (CASE i.severity "
			     "WHEN 'low' THEN ? WHEN 'medium' THEN ? WHEN 'high' THEN ? ELSE ? END)) OR "
			     "(i.contained_ms = 0 AND i.recovered_ms = 0 AND ? > i.opened_ms + (CASE "
			     "i.severity WHEN 'low' THEN ? WHEN 'medium' THEN ? WHEN 'high' THEN ? "
			     "ELSE ? END)))");
		add_i(b, f->now_ms);
		for (int k = 0; k < 4; k++)
			add_i(b, f->sla_ack ? f->sla_ack[k] : INT64_MAX / 4);
		add_i(b, f->now_ms);
		for (int k = 0; k < 4; k++)
			add_i(b, f->sla_contain ? f->sla_contain[k] : INT64_MAX / 4);
	}
	if (f->scope_province) {
		pbuf_adds(q, " AND i.province = ?");
		add_s(b, f->scope_province);
	}
	if (f->scope_org) {
		pbuf_adds(q, " AND i.org_id = ?");
		add_i(b, f->scope_org);
	}
	if (f->scope_responder) {
		pbuf_adds(q, " AND (i.assignee_id = ? OR i.team_id IN "
			     "(SELECT team_id FROM team_member WHERE user_id = ?))");
		add_i(b, f->scope_responder);
		add_i(b, f->scope_responder);
	}
}

static void bind_all(sqlite3_stmt *s, const struct binds *b)
{
	for (int k = 0; k < b->n; k++) {
		if (b->v[k].text)
			sq_bind_text(s, k + 1, b->v[k].s);
		else
			sqlite3_bind_int64(s, k + 1, b->v[k].i);
	}
}

/* Prepare the query built in q with the values in b bound: NULL with
** PERR_LIMIT when either did not fit (the query is never run shorter). */
static sqlite3_stmt *prep_list(struct store *st, const struct pbuf *q, const struct binds *b,
			       struct perr *err)
{
	if (b->over) {
		perr_set(err, PERR_LIMIT, NULL, "query has too many values");
		return NULL;
	}
	sqlite3_stmt *s = sq_prep_built(st, q, err);
	if (s)
		bind_all(s, b);
	return s;
}

/* Free text: walk the index newest text first (FTS5 reads rowids in
** descending order without sorting) and check each incident against the
** other filters, stopping at limit incidents or SEARCH_SCAN matches. Cost
** follows the page size, not how common the words are. The cursor is the
** rowid of the last match used. */
#define SEARCH_SCAN 20000

static int search_list(struct store *st, const struct store_incident_filter *f,
		       store_incident_fn fn, void *ud, int64_t *cursor_out, struct perr *err)
{
	struct pbuf q;
	struct binds b = { 0 };
	bool words_failed;
	char *words = fts_query(f->q, &words_failed);
	int rc = -1;
	int64_t *seen = NULL;
	size_t nseen = 0;
	int64_t limit = f->limit > 0 ? f->limit : 50;
	*cursor_out = 0;
	pbuf_init(&q, sq_query_max(st, 16384));
	if (!words) {
		rc = words_failed ? perr_set(err, PERR_LIMIT, "q", "search text too long") : 0;
		goto out;
	}
	seen = calloc((size_t)limit * 4 + 16, sizeof(*seen));
	pbuf_adds(&q, "SELECT " INC_COLS " FROM incident i JOIN org o ON o.id = i.org_id "
		      "WHERE i.id = ?");
	add_i(&b, 0);
	if (f->status[0]) {
		pbuf_adds(&q, " AND i.status IN (?");
		add_s(&b, f->status[0]);
		for (int k = 1; k < 8 && f->status[k]; k++) {
			pbuf_adds(&q, ", ?");
			add_s(&b, f->status[k]);
		}
		pbuf_adds(&q, ")");
	}
	list_conditions(f, &q, &b);
	if (!seen) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	sqlite3_stmt *m = sq_prep(st,
		"SELECT incident_id, internal, rowid FROM incident_fts WHERE incident_fts MATCH ?1 "
		"AND (?2 = 0 OR rowid < ?2) ORDER BY rowid DESC", err);
	if (!m)
		goto out;
	sq_bind_text(m, 1, words);
	sqlite3_bind_int64(m, 2, f->search_after);
	sqlite3_stmt *one = prep_list(st, &q, &b, err);
	if (!one) {
		sq_done(st, m);
		goto out;
	}
	int64_t emitted = 0, scanned = 0;
	int step;
	rc = 0;
	while (emitted < limit && scanned < SEARCH_SCAN && (step = sqlite3_step(m)) == SQLITE_ROW) {
		scanned++;
		int64_t id = sqlite3_column_int64(m, 0);
		int64_t rowid = sqlite3_column_int64(m, 2);
		if (f->q_shared_only && sqlite3_column_int(m, 1))
			continue;
		bool dup = false;
		for (size_t k = 0; k < nseen && !dup; k++)
			dup = seen[k] == id;
		if (dup)
			continue;
		if (nseen < (size_t)limit * 4 + 16)
			seen[nseen++] = id;
		sqlite3_reset(one);
		b.v[0].i = id;
		bind_all(one, &b);
		int r1 = sqlite3_step(one);
		if (r1 == SQLITE_ROW) {
			struct store_incident inc;
			inc_from(one, &inc);
			*cursor_out = rowid;
			emitted++;
			if (fn(ud, &inc) != 0)
				break;
		} else if (r1 != SQLITE_DONE) {
			rc = sq_db_fail(st, err, "search");
			break;
		}
	}
	if (rc == 0 && emitted < limit)
		*cursor_out = 0; /* the index is exhausted: no next page */
	sq_done(st, one);
	sq_done(st, m);
out:
	free(seen);
	free(words);
	pbuf_free(&q);
	return rc;
}

int store_incident_list(struct store *st, struct store_incident_filter *f,
			store_incident_fn fn, void *ud, struct perr *err)
{
	/* Only the filters in use go into the statement, each as a fixed SQL
	** fragment with "?" for its values, so SQLite can plan each shape with
	** the index that fits it (by organisation, by status, by time) instead
	** of one catch-all plan. Several statuses become one ordered branch each,
	** merged: every branch walks its (status, updated, id) index and stops
	** at the page size, instead of collecting every match and sorting. */
	if (f->q)
		return search_list(st, f, fn, ud, &f->search_next, err);
	struct pbuf q, tail;
	struct binds b = { 0 }, tb = { 0 };
	int rc = -1;
	int64_t limit = f->limit > 0 ? f->limit : 50;
	pbuf_init(&q, sq_query_max(st, 32768));
	pbuf_init(&tail, sq_query_max(st, 16384));
	list_conditions(f, &tail, &tb);
	if (f->after_id) {
		pbuf_adds(&tail, f->oldest_first ? " AND (i.updated_ms, i.id) > (?, ?)"
						 : " AND (i.updated_ms, i.id) < (?, ?)");
		add_i(&tb, f->after_updated);
		add_i(&tb, f->after_id);
	}
	const char *dir = f->oldest_first ? "ASC" : "DESC";
	int nstatus = 0;
	while (nstatus < 8 && f->status[nstatus])
		nstatus++;
	/* An organisation or a province narrows far more than a status, but
	** without statistics the planner cannot know it; name the index that
	** walks that organisation's or province's incidents in list order. */
	int64_t org = f->org_id ? f->org_id : f->scope_org;
	const char *prov = f->province ? f->province : f->scope_province;
	const char *from = "FROM incident i JOIN org o ON o.id = i.org_id";
	if (org > 0)
		from = nstatus ? "FROM incident i INDEXED BY incident_org_status JOIN org o ON o.id = i.org_id"
			       : "FROM incident i INDEXED BY incident_org JOIN org o ON o.id = i.org_id";
	else if (prov)
		from = nstatus ? "FROM incident i INDEXED BY incident_province_status JOIN org o ON "
				 "o.id = i.org_id"
			       : "FROM incident i INDEXED BY incident_province JOIN org o ON o.id = i.org_id";
	if (nstatus <= 1) {
		pbuf_addf(&q, "SELECT " INC_COLS " %s WHERE 1", from);
		if (nstatus == 1) {
			pbuf_adds(&q, " AND i.status = ?");
			add_s(&b, f->status[0]);
		}
		pbuf_addb(&q, &tail);
		add_all(&b, &tb);
		pbuf_addf(&q, " ORDER BY i.updated_ms %s, i.id %s LIMIT ?", dir, dir);
		add_i(&b, limit);
	} else {
		pbuf_adds(&q, "SELECT * FROM (");
		for (int k = 0; k < nstatus; k++) {
			pbuf_addf(&q, "%sSELECT * FROM (SELECT " INC_COLS " %s WHERE i.status = ?",
				  k ? " UNION ALL " : "", from);
			pbuf_addb(&q, &tail);
			pbuf_addf(&q, " ORDER BY i.updated_ms %s, i.id %s LIMIT ?)", dir, dir);
			add_s(&b, f->status[k]);
			add_all(&b, &tb);
			add_i(&b, limit);
		}
		/* columns 25 and 1 are updated_ms and id in INC_COLS */
		pbuf_addf(&q, ") ORDER BY 25 %s, 1 %s LIMIT ?", dir, dir);
		add_i(&b, limit);
	}
	sqlite3_stmt *s = prep_list(st, &q, &b, err);
	if (!s)
		goto out;
	struct cb c = { (void *)fn, ud };
	rc = sq_each_row(st, s, inc_row, &c, err, "incidents");
out:
	pbuf_free(&q);
	pbuf_free(&tail);
	return rc;
}

int store_incident_sla_due(struct store *st, int64_t now_ms, const int64_t *ack,
			   const int64_t *contain, store_incident_fn fn, void *ud,
			   struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT " INC_COLS
		" FROM incident i JOIN org o ON o.id = i.org_id WHERE " SLA_OPEN " AND " SLA_AWAITING
		" AND ((" SLA_ACK_LATE " AND (i.sla_flags & 1) = 0) OR (" SLA_CONTAIN_LATE
		" AND (i.sla_flags & 2) = 0)) ORDER BY i.opened_ms LIMIT 500", err);
	if (!s)
		return -1;
	bind_sla(s, now_ms, ack, contain);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, inc_row, &c, err, "incidents");
}

int store_incident_group_count(struct store *st, const struct store_incident_filter *f,
			       enum store_incident_group by, store_incident_count_fn fn, void *ud,
			       struct perr *err)
{
	/* the grouping expression is one of these literals, never data */
	static const char *const exprs[] = {
		[STORE_GROUP_ALL] = "'all'",
		[STORE_GROUP_SEVERITY] = "i.severity",
		[STORE_GROUP_STATUS] = "i.status",
		[STORE_GROUP_PROVINCE] = "i.province",
		[STORE_GROUP_DAY] = "strftime('%Y-%m-%d', i.opened_ms / 1000, 'unixepoch')",
	};
	int rc = -1;
	struct pbuf q;
	struct binds b = { 0 };
	pbuf_init(&q, sq_query_max(st, 16384));
	pbuf_addf(&q, "SELECT %s, count(*) FROM incident i WHERE 1", exprs[by]);
	int nstatus = 0;
	while (nstatus < 8 && f->status[nstatus])
		nstatus++;
	if (nstatus) {
		pbuf_adds(&q, " AND i.status IN (");
		for (int k = 0; k < nstatus; k++) {
			pbuf_adds(&q, k ? ", ?" : "?");
			add_s(&b, f->status[k]);
		}
		pbuf_adds(&q, ")");
	}
	list_conditions(f, &q, &b);
	pbuf_adds(&q, " GROUP BY 1 ORDER BY 1");
	sqlite3_stmt *s = prep_list(st, &q, &b, err);
	if (!s)
		goto out;
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *k = sqlite3_column_text(s, 0);
		if (fn(ud, k ? (const char *)k : "", sqlite3_column_int64(s, 1)) != 0)
			break;
	}
	rc = r == SQLITE_ROW || r == SQLITE_DONE ? 0 : sq_db_fail(st, err, "incident counts");
	sq_done(st, s);
out:
	pbuf_free(&q);
	return rc;
}

int64_t store_incident_count_overdue(struct store *st, int64_t now_ms, const int64_t *ack,
				     const int64_t *contain)
{
	sqlite3_stmt *s = sq_prep(st, "SELECT count(*) FROM incident i WHERE " SLA_OPEN
				  " AND (" SLA_ACK_LATE " OR " SLA_CONTAIN_LATE ")", NULL);
	if (!s)
		return -1;
	bind_sla(s, now_ms, ack, contain);
	int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sq_done(st, s);
	return n;
}

/* ---------------------------------------------------------- observations */

int store_observation_insert(struct store *st, struct store_observation *o, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO incident_observation(incident_id, ts_ms, severity, summary, evidence) "
		"VALUES (?, ?, ?, ?, ?)", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, o->incident_id);
	sqlite3_bind_int64(s, 2, o->ts_ms);
	sq_bind_text(s, 3, o->severity);
	sq_bind_text(s, 4, o->summary);
	sq_bind_text(s, 5, o->evidence && o->evidence[0] ? o->evidence : "{}");
	if (sq_exec_step(st, s, err, "observation") != 0)
		return -1;
	o->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

static int obs_row(sqlite3_stmt *s, void *ctx)
{
	struct cb *c = ctx;
	struct store_observation o;
	o.id = sqlite3_column_int64(s, 0);
	o.incident_id = sqlite3_column_int64(s, 1);
	o.ts_ms = sqlite3_column_int64(s, 2);
	sq_col_text(s, 3, o.severity, sizeof(o.severity));
	o.summary = (const char *)sqlite3_column_text(s, 4);
	o.evidence = (const char *)sqlite3_column_text(s, 5);
	return ((store_observation_fn)c->fn)(c->ud, &o);
}

int store_observation_list(struct store *st, int64_t incident_id, int64_t limit,
			   store_observation_fn fn, void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT id, incident_id, ts_ms, severity, summary, evidence FROM "
		"incident_observation WHERE incident_id = ? ORDER BY ts_ms DESC, id DESC LIMIT ?",
		err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, incident_id);
	sqlite3_bind_int64(s, 2, limit > 0 ? limit : -1);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, obs_row, &c, err, "observations");
}

/* ----------------------------------------------------------- transitions */

int store_transition_insert(struct store *st, struct store_transition *t, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO incident_transition(incident_id, ts_ms, actor, from_status, to_status) "
		"VALUES (?, ?, ?, ?, ?)", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, t->incident_id);
	sqlite3_bind_int64(s, 2, t->ts_ms);
	sq_bind_text(s, 3, t->actor);
	sq_bind_text(s, 4, t->from);
	sq_bind_text(s, 5, t->to);
	if (sq_exec_step(st, s, err, "transition") != 0)
		return -1;
	t->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

static void transition_from(sqlite3_stmt *s, void *out)
{
	struct store_transition *t = out;
	t->id = sqlite3_column_int64(s, 0);
	t->incident_id = sqlite3_column_int64(s, 1);
	t->ts_ms = sqlite3_column_int64(s, 2);
	sq_col_text(s, 3, t->actor, sizeof(t->actor));
	sq_col_text(s, 4, t->from, sizeof(t->from));
	sq_col_text(s, 5, t->to, sizeof(t->to));
}

ROW_CALLBACK(transition_row, struct store_transition, transition_from, store_transition_fn)

int store_transition_list(struct store *st, int64_t incident_id, store_transition_fn fn,
			  void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT id, incident_id, ts_ms, actor, from_status, to_status FROM "
		"incident_transition WHERE incident_id = ? ORDER BY ts_ms, id", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, incident_id);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, transition_row, &c, err, "transitions");
}

/* -------------------------------------------------------------- messages */

int store_message_insert(struct store *st, struct store_message *m, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO incident_message(incident_id, ts_ms, author_id, author, visibility, "
		"body) VALUES (?, ?, ?, ?, ?, ?)", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, m->incident_id);
	sqlite3_bind_int64(s, 2, m->ts_ms);
	sq_bind_opt_id(s, 3, m->author_id);
	sq_bind_text(s, 4, m->author);
	sq_bind_text(s, 5, m->visibility);
	sq_bind_text(s, 6, m->body);
	if (sq_exec_step(st, s, err, "message") != 0)
		return -1;
	m->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

static int message_row(sqlite3_stmt *s, void *ctx)
{
	struct cb *c = ctx;
	struct store_message m;
	m.id = sqlite3_column_int64(s, 0);
	m.incident_id = sqlite3_column_int64(s, 1);
	m.ts_ms = sqlite3_column_int64(s, 2);
	m.author_id = sqlite3_column_int64(s, 3);
	sq_col_text(s, 4, m.author, sizeof(m.author));
	sq_col_text(s, 5, m.visibility, sizeof(m.visibility));
	m.body = (const char *)sqlite3_column_text(s, 6);
	if (!m.body)
		m.body = "";
	return ((store_message_fn)c->fn)(c->ud, &m);
}

int store_message_list(struct store *st, int64_t incident_id, bool shared_only,
		       store_message_fn fn, void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT id, incident_id, ts_ms, IFNULL(author_id, 0), author, visibility, body "
		"FROM incident_message WHERE incident_id = ? AND (?2 = 0 OR visibility = 'shared') "
		"ORDER BY ts_ms, id", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, incident_id);
	sqlite3_bind_int(s, 2, shared_only);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, message_row, &c, err, "messages");
}

int store_incident_index(struct store *st, int64_t incident_id, const char *text,
			 bool internal, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO incident_fts(incident_id, internal, body) VALUES (?, ?, ?)", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, incident_id);
	sqlite3_bind_int(s, 2, internal);
	sq_bind_text(s, 3, text);
	return sq_exec_step(st, s, err, "search index");
}

int store_incident_move_children(struct store *st, int64_t from, int64_t to, struct perr *err)
{
	static const char *const moves[] = {
		"UPDATE incident_message SET incident_id = ?2 WHERE incident_id = ?1",
		"UPDATE evidence SET incident_id = ?2 WHERE incident_id = ?1",
		"UPDATE incident_observation SET incident_id = ?2 WHERE incident_id = ?1",
		"UPDATE incident_fts SET incident_id = ?2 WHERE incident_id = ?1",
	};
	for (size_t k = 0; k < ARRAY_SIZE(moves); k++) {
		sqlite3_stmt *s = sq_prep(st, moves[k], err);
		if (!s)
			return -1;
		sqlite3_bind_int64(s, 1, from);
		sqlite3_bind_int64(s, 2, to);
		if (sq_exec_step(st, s, err, "merge") != 0)
			return -1;
	}
	return 0;
}

/* ----------------------------------------------------------------- links */

int store_link_insert(struct store *st, int64_t a, int64_t b, const char *kind, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, "INSERT INTO incident_link(a, b, kind) VALUES (?, ?, ?)", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, a < b ? a : b);
	sqlite3_bind_int64(s, 2, a < b ? b : a);
	sq_bind_text(s, 3, kind);
	return sq_exec_step(st, s, err, "link");
}

static int link_row(sqlite3_stmt *s, void *ctx)
{
	struct cb *c = ctx;
	return ((store_link_fn)c->fn)(c->ud, sqlite3_column_int64(s, 0),
				      (const char *)sqlite3_column_text(s, 1));
}

int store_link_list(struct store *st, int64_t id, store_link_fn fn, void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT CASE WHEN a = ?1 THEN b ELSE a END, kind FROM incident_link "
		"WHERE a = ?1 OR b = ?1 ORDER BY 1", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, link_row, &c, err, "links");
}

/* -------------------------------------------------------------- evidence */

static void evidence_from(sqlite3_stmt *s, void *out)
{
	struct store_evidence *e = out;
	e->id = sqlite3_column_int64(s, 0);
	e->incident_id = sqlite3_column_int64(s, 1);
	sq_col_text(s, 2, e->sha256, sizeof(e->sha256));
	sq_col_text(s, 3, e->name, sizeof(e->name));
	e->size = sqlite3_column_int64(s, 4);
	sq_col_text(s, 5, e->visibility, sizeof(e->visibility));
	sq_col_text(s, 6, e->author, sizeof(e->author));
	e->ts_ms = sqlite3_column_int64(s, 7);
}

ROW_CALLBACK(evidence_row, struct store_evidence, evidence_from, store_evidence_fn)

int store_evidence_insert(struct store *st, struct store_evidence *e, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO evidence(incident_id, sha256, name, size, visibility, author, ts_ms) "
		"VALUES (?, ?, ?, ?, ?, ?, ?)", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, e->incident_id);
	sq_bind_text(s, 2, e->sha256);
	sq_bind_text(s, 3, e->name);
	sqlite3_bind_int64(s, 4, e->size);
	sq_bind_text(s, 5, e->visibility);
	sq_bind_text(s, 6, e->author);
	sqlite3_bind_int64(s, 7, e->ts_ms);
	if (sq_exec_step(st, s, err, "evidence") != 0)
		return -1;
	e->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_evidence_get(struct store *st, int64_t id, struct store_evidence *e, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT id, incident_id, sha256, name, size, visibility, author, ts_ms FROM evidence "
		"WHERE id = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return sq_one_row(st, s, evidence_from, e, err, "evidence");
}

int store_evidence_list(struct store *st, int64_t incident_id, bool shared_only,
			store_evidence_fn fn, void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT id, incident_id, sha256, name, size, visibility, author, ts_ms FROM evidence "
		"WHERE incident_id = ? AND (?2 = 0 OR visibility = 'shared') ORDER BY id", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, incident_id);
	sqlite3_bind_int(s, 2, shared_only);
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, evidence_row, &c, err, "evidence");
}

/* ------------------------------------------------------------ rota, rules */

int store_rota_add_slot(struct store *st, int64_t team, int64_t user, int64_t start_min,
			int64_t end_min, int64_t *id, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO rota_slot(team_id, user_id, start_min, end_min) VALUES (?, ?, ?, ?)",
		err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, team);
	sqlite3_bind_int64(s, 2, user);
	sqlite3_bind_int64(s, 3, start_min);
	sqlite3_bind_int64(s, 4, end_min);
	if (sq_exec_step(st, s, err, "rota slot") != 0)
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_rota_add_override(struct store *st, int64_t team, int64_t user, int64_t start_ms,
			    int64_t end_ms, int64_t *id, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO rota_override(team_id, user_id, start_ms, end_ms) VALUES (?, ?, ?, ?)",
		err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, team);
	sqlite3_bind_int64(s, 2, user);
	sqlite3_bind_int64(s, 3, start_ms);
	sqlite3_bind_int64(s, 4, end_ms);
	if (sq_exec_step(st, s, err, "rota override") != 0)
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_rota_oncall(struct store *st, int64_t team, int64_t now_ms, int64_t *user,
		      struct perr *err)
{
	/* Minute of the week, Monday 00:00 UTC = 0: 1970-01-01 was a Thursday,
	** so shift by three days. The newest override wins; then the slot that
	** started last. */
	sqlite3_stmt *s = sq_prep(st,
		"SELECT user_id FROM (SELECT user_id, 1 AS rank, id FROM rota_override "
		"WHERE team_id = ?1 AND start_ms <= ?2 AND ?2 < end_ms "
		"UNION ALL SELECT user_id, 2, id FROM rota_slot WHERE team_id = ?1 AND "
		"start_min <= ?3 AND ?3 < end_min) ORDER BY rank, id DESC LIMIT 1", err);
	if (!s)
		return -1;
	int64_t minute = ((now_ms / 60000) + 3 * 1440) % 10080;
	sqlite3_bind_int64(s, 1, team);
	sqlite3_bind_int64(s, 2, now_ms);
	sqlite3_bind_int64(s, 3, minute);
	int rc = sqlite3_step(s), r = 0;
	*user = 0;
	if (rc == SQLITE_ROW)
		*user = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		r = sq_db_fail(st, err, "rota");
	sq_done(st, s);
	return r;
}

static void rule_from(sqlite3_stmt *s, void *out)
{
	struct store_route_rule *r = out;
	r->id = sqlite3_column_int64(s, 0);
	r->priority = sqlite3_column_int64(s, 1);
	sq_col_text(s, 2, r->province, sizeof(r->province));
	sq_col_text(s, 3, r->kind, sizeof(r->kind));
	sq_col_text(s, 4, r->class_, sizeof(r->class_));
	r->team_id = sqlite3_column_int64(s, 5);
}

ROW_CALLBACK(rule_row, struct store_route_rule, rule_from, store_route_rule_fn)

int store_route_rule_insert(struct store *st, struct store_route_rule *r, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"INSERT INTO route_rule(priority, province, kind, class, team_id) "
		"VALUES (?, ?, ?, ?, ?)", err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, r->priority);
	sq_bind_text(s, 2, r->province);
	sq_bind_text(s, 3, r->kind);
	sq_bind_text(s, 4, r->class_);
	sqlite3_bind_int64(s, 5, r->team_id);
	if (sq_exec_step(st, s, err, "routing rule") != 0)
		return -1;
	r->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_route_rule_delete(struct store *st, int64_t id, struct perr *err)
{
	return sq_exec_id(st, "DELETE FROM route_rule WHERE id = ?", id, err, "routing rule");
}

int store_route_rule_list(struct store *st, store_route_rule_fn fn, void *ud, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT id, priority, province, kind, class, team_id FROM route_rule "
		"ORDER BY priority, id", err);
	if (!s)
		return -1;
	struct cb c = { (void *)fn, ud };
	return sq_each_row(st, s, rule_row, &c, err, "routing rules");
}

int store_route_match(struct store *st, const char *province, const char *kind,
		      const char *class_, int64_t *team, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st,
		"SELECT team_id FROM route_rule WHERE (province = '' OR province = ?1) "
		"AND (kind = '' OR kind = ?2) AND (class = '' OR class = ?3) "
		"ORDER BY priority, id LIMIT 1", err);
	if (!s)
		return -1;
	sq_bind_text(s, 1, province);
	sq_bind_text(s, 2, kind);
	sq_bind_text(s, 3, class_);
	int rc = sqlite3_step(s), r = 0;
	*team = 0;
	if (rc == SQLITE_ROW)
		*team = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		r = sq_db_fail(st, err, "routing rules");
	sq_done(st, s);
	return r;
}
