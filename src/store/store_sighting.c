/*
** store_sighting.c — the reads behind sightings and the dashboard's
** registry figures (issue 15): whether a sighting was recorded already, and
** the counts of a period (malware incidents countered, apps blacklisted,
** indicators added, sightings).
**
** Each figure is one aggregate query. Apps use their partial index on
** blacklisted_ms; the indicator and sighting counts scan their table (no
** index on created_ms or seen_ms alone: at a million rows a scan is tens
** of milliseconds, cheaper than an index every insert would pay for).
*/
#include <string.h>

#include "store/store_internal.h"

int store_indicator_sighting_exists(struct store *st, int64_t indicator_id, const char *kind,
				    int64_t ref, struct perr *err)
{
	/* indicator_sighting_ind (indicator_id, seen_ms) narrows to the
	** indicator's own sightings */
	sqlite3_stmt *s = sq_prep(st, "SELECT 1 FROM indicator_sighting WHERE indicator_id = ? "
				      "AND kind = ? AND ref = ? LIMIT 1",
				  err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, indicator_id);
	sq_bind_text(s, 2, kind);
	sqlite3_bind_int64(s, 3, ref);
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_done(st, s);
		return sq_db_fail(st, err, "sighting");
	}
	sq_done(st, s);
	return rc == SQLITE_ROW ? 1 : 0;
}

/* One count(*) with the period bound as ?1, ?2 (and the scope as ?3..?5
** when the statement names them). */
static int count_one(struct store *st, const char *sql, int64_t from, int64_t to,
		     const char *prov, int64_t org, int64_t resp, int64_t *out, struct perr *err)
{
	sqlite3_stmt *s = sq_prep(st, sql, err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	if (sqlite3_bind_parameter_count(s) >= 5) {
		sq_bind_text(s, 3, prov ? prov : "");
		sqlite3_bind_int64(s, 4, org);
		sqlite3_bind_int64(s, 5, resp);
	}
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sq_done(st, s);
		return sq_db_fail(st, err, "counts");
	}
	*out = sqlite3_column_int64(s, 0);
	sq_done(st, s);
	return 0;
}

int store_indicator_counts(struct store *st, int64_t from_ms, int64_t to_ms,
			   const char *scope_province, int64_t scope_org, int64_t scope_responder,
			   struct store_indicator_counts *c, struct perr *err)
{
	memset(c, 0, sizeof(*c));
	if (count_one(st,
		      "SELECT count(*) FROM incident i JOIN org o ON o.id = i.org_id "
		      "WHERE i.class = 'malicious-code' AND i.status IN ('recovered', 'closed') "
		      "AND i.recovered_ms >= ?1 AND i.recovered_ms < ?2 "
		      "AND (?3 = '' OR o.province = ?3) AND (?4 = 0 OR i.org_id = ?4) "
		      "AND (?5 = 0 OR i.assignee_id = ?5 OR i.team_id IN "
		      "(SELECT team_id FROM team_member WHERE user_id = ?5))",
		      from_ms, to_ms, scope_province, scope_org, scope_responder,
		      &c->malware_countered, err) != 0 ||
	    count_one(st,
		      "SELECT count(*) FROM apk_app WHERE blacklisted_ms != 0 AND "
		      "blacklisted_ms >= ?1 AND blacklisted_ms < ?2",
		      from_ms, to_ms, NULL, 0, 0, &c->apps_blacklisted, err) != 0 ||
	    count_one(st, "SELECT count(*) FROM indicator WHERE created_ms >= ?1 AND created_ms < ?2",
		      from_ms, to_ms, NULL, 0, 0, &c->indicators_added, err) != 0 ||
	    count_one(st,
		      "SELECT count(*) FROM indicator_sighting WHERE seen_ms >= ?1 AND seen_ms < ?2",
		      from_ms, to_ms, NULL, 0, 0, &c->sightings, err) != 0)
		return -1;
	return 0;
}
