/*
** stats.c — the figures of the dashboard in one request, and an
** organisation's digests ("notifications we received").
**
** Every count is taken within the caller's scope, with the same conditions
** the incident list applies (identity_list_scope; a responder's teams), so a
** dashboard never reveals how many incidents another organisation or
** province has. Feed figures are national and shown to CERT staff only; so
** are the registry's figures of a period (?from, ?to: indicators added,
** sightings, apps blacklisted) beside the malware incidents countered in
** it, which are scoped (indicator_period_counts).
*/
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"
#include "incident/incident.h"
#include "indicator/indicator.h"
#include "monitor/monitor.h"

#define DAY_MS 86400000LL

static int put_count(void *ud, const char *key, int64_t n)
{
	json_object_set_new(ud, key, json_integer(n));
	return 0;
}

struct days {
	json_t *map; /* "YYYY-MM-DD" -> count */
};

static int put_day(void *ud, const char *key, int64_t n)
{
	json_object_set_new(((struct days *)ud)->map, key, json_integer(n));
	return 0;
}

/* The period of the registry's figures: ?from= and ?to= (ISO 8601), by
** default the 30 days up to now. */
static int period(struct http_req *rq, int64_t now, int64_t *from, int64_t *to)
{
	const char *f = http_query(rq, "from"), *t = http_query(rq, "to");
	*to = now;
	*from = now - 30 * DAY_MS;
	if (t && (core_parse_iso8601(t, to) != 0 || *to <= 0))
		return -1;
	if (f && (core_parse_iso8601(f, from) != 0 || *from < 0))
		return -1;
	if (!f && t)
		*from = *to - 30 * DAY_MS;
	return 0;
}

/* "indicators": the period's malware incidents countered (in the caller's
** scope) and, for national staff, apps blacklisted, indicators added and
** sightings (indicator_period_counts decides who sees what). */
static int period_counts(struct http_req *rq, int64_t from, int64_t to, json_t *body,
			 struct perr *e)
{
	struct indicator_period_counts c;
	if (indicator_period_counts(rq->st, rq->who, from, to, &c, e) != 0)
		return -1;
	json_t *o = json_pack("{so so sI}", "from", core_json_time(from), "to", core_json_time(to),
			      "malware_countered", (json_int_t)c.malware_countered);
	if (c.registry) {
		json_object_set_new(o, "apps_blacklisted", json_integer(c.apps_blacklisted));
		json_object_set_new(o, "indicators_added", json_integer(c.indicators_added));
		json_object_set_new(o, "sightings", json_integer(c.sightings));
	}
	json_object_set_new(body, "indicators", o);
	return 0;
}

int h_stats(struct http_req *rq, struct http_resp *rs)
{
	const struct principal *p = rq->who;
	int64_t now = core_now_ms();
	int64_t pfrom, pto;
	if (period(rq, now, &pfrom, &pto) != 0)
		return http_bad(rs, "from", "from and to are ISO 8601 times");
	struct store_incident_filter f;
	memset(&f, 0, sizeof(f));
	identity_list_scope(p, &f.scope_province, &f.scope_org);
	if (p->role == ROLE_RESPONDER)
		f.scope_responder = p->user_id;
	for (int k = 0; incident_open_states[k]; k++)
		f.status[k] = incident_open_states[k];

	json_t *inc = json_object(), *sev = json_object(), *status = json_object(),
	       *prov = json_object(), *over = json_object();
	json_object_set_new(inc, "open_by_severity", sev);
	json_object_set_new(inc, "open_by_status", status);
	json_object_set_new(inc, "open_by_province", prov);
	rs->body = json_pack("{so}", "incidents", inc);
	struct perr e;
	if (store_incident_group_count(rq->st, &f, STORE_GROUP_SEVERITY, put_count, sev, &e) ||
	    store_incident_group_count(rq->st, &f, STORE_GROUP_STATUS, put_count, status, &e) ||
	    store_incident_group_count(rq->st, &f, STORE_GROUP_PROVINCE, put_count, prov, &e))
		goto fail;

	/* breached now: the list's own overdue condition */
	int64_t ack[4], contain[4];
	for (int k = 0; k < 4; k++) {
		ack[k] = rq->cfg->sla_ack[k] * 1000;
		contain[k] = rq->cfg->sla_contain[k] * 1000;
	}
	struct store_incident_filter o = f;
	o.overdue = true;
	o.now_ms = now;
	o.sla_ack = ack;
	o.sla_contain = contain;
	if (store_incident_group_count(rq->st, &o, STORE_GROUP_ALL, put_count, over, &e))
		goto fail;
	json_object_set_new(inc, "overdue",
			    json_integer(json_integer_value(json_object_get(over, "all"))));
	json_decref(over);
	over = NULL;

	/* detections: incidents opened per day over the last 30 days (UTC),
	** every day present, whatever their status now */
	int64_t first = (now / DAY_MS - 29) * DAY_MS;
	struct store_incident_filter d;
	memset(&d, 0, sizeof(d));
	d.scope_province = f.scope_province;
	d.scope_org = f.scope_org;
	d.scope_responder = f.scope_responder;
	d.created_from = first;
	struct days days = { json_object() };
	if (store_incident_group_count(rq->st, &d, STORE_GROUP_DAY, put_day, &days, &e)) {
		json_decref(days.map);
		goto fail;
	}
	json_t *per_day = json_array();
	for (int i = 0; i < 30; i++) {
		char iso[32];
		core_iso8601(first + i * DAY_MS, iso, sizeof(iso));
		iso[10] = '\0';
		json_array_append_new(per_day,
				      json_pack("{ss sI}", "day", iso, "count",
						(json_int_t)json_integer_value(
							json_object_get(days.map, iso))));
	}
	json_decref(days.map);
	json_object_set_new(inc, "opened_per_day", per_day);

	/* detections: the same, of incidents a detector opened (website
	** monitor, report feeds, flow), not people */
	static const char *const detectors[] = { "monitor", "feed", "flow" };
	struct days det = { json_object() };
	for (size_t k = 0; k < 3; k++) {
		struct days one = { json_object() };
		d.source = detectors[k];
		if (store_incident_group_count(rq->st, &d, STORE_GROUP_DAY, put_day, &one, &e)) {
			json_decref(one.map);
			json_decref(det.map);
			goto fail;
		}
		const char *key;
		json_t *v;
		json_object_foreach(one.map, key, v)
			json_object_set_new(det.map, key,
					    json_integer(json_integer_value(json_object_get(det.map, key)) +
							 json_integer_value(v)));
		json_decref(one.map);
	}
	json_t *det_day = json_array();
	int64_t today = 0;
	for (int i = 0; i < 30; i++) {
		char iso[32];
		core_iso8601(first + i * DAY_MS, iso, sizeof(iso));
		iso[10] = '\0';
		int64_t n = json_integer_value(json_object_get(det.map, iso));
		json_array_append_new(det_day, json_pack("{ss sI}", "day", iso, "count", (json_int_t)n));
		if (i == 29)
			today = n;
	}
	json_decref(det.map);
	json_object_set_new(inc, "detections_per_day", det_day);
	json_object_set_new(inc, "detections_today", json_integer(today));

	/* watched sites by state, within the same scope (a responder sees
	** what the sites list shows them: all) */
	int64_t wc[MONITOR_NSTATES], missed;
	if (monitor_site_counts(rq->st, f.scope_org, f.scope_province, wc, &missed, &e) != 0)
		goto fail;
	json_t *by_state = json_object();
	for (int k = 0; k < MONITOR_NSTATES; k++)
		json_object_set_new(by_state, monitor_state_names[k], json_integer(wc[k]));
	json_object_set_new(rs->body, "sites",
			    json_pack("{so sI}", "by_state", by_state, "missed", (json_int_t)missed));

	json_t *cond = json_object();
	static const char *const conds[] = { "ok", "changed", "defaced", "dns_changed", "down",
					     "learning" };
	for (size_t k = 0; k < ARRAY_SIZE(conds); k++)
		json_object_set_new(cond, conds[k], json_integer(0));
	json_object_set_new(json_object_get(rs->body, "sites"), "by_condition", cond);
	if (store_watch_conditions(rq->st, f.scope_org, f.scope_province, put_count, cond, &e) != 0)
		goto fail;

	/* The report feeds' figures are national: for those who may use the
	** national feed routes (identity decides), not a provincial analyst
	** or a narrowed token. */
	if (identity_allow_route(p, ROLES_NATIONAL, false, NULL) == 0) {
		struct store_feed_stats fs;
		if (store_feed_stats(rq->st, now / DAY_MS * DAY_MS, now - 30 * DAY_MS, &fs, &e) != 0)
			goto fail;
		json_object_set_new(rs->body, "feeds",
				    json_pack("{sI sI sI sI}", "files_today",
					      (json_int_t)fs.files_today, "events_today",
					      (json_int_t)fs.events_today, "digests_30d",
					      (json_int_t)fs.digests, "owners_notified_30d",
					      (json_int_t)fs.owners_notified));
	}
	if (period_counts(rq, pfrom, pto, rs->body, &e) != 0)
		goto fail;
	return 0;
fail:
	json_decref(over);
	json_decref(rs->body);
	rs->body = NULL;
	return http_problem(rs, &e);
}

static int put_digest(void *ud, const struct store_feed_digest *dg)
{
	char period[32], created[32];
	core_iso8601(dg->period_ms, period, sizeof(period));
	core_iso8601(dg->created_ms, created, sizeof(created));
	json_array_append_new(ud, json_pack("{sI ss ss sI sI sI ss}", "id", (json_int_t)dg->id,
					    "feed", dg->feed, "period", period, "events",
					    (json_int_t)dg->events, "hosts", (json_int_t)dg->hosts,
					    "mails", (json_int_t)dg->mails, "created", created));
	return 0;
}

int h_org_digests(struct http_req *rq, struct http_resp *rs)
{
	/* the route's SCOPE_ORG check has already refused an organisation
	** outside the caller's scope (404) */
	json_t *items = json_array();
	struct perr e;
	if (store_feed_digests(rq->st, rq->ids[0], 200, put_digest, items, &e) != 0) {
		json_decref(items);
		return http_problem(rs, &e);
	}
	rs->body = json_pack("{so}", "items", items);
	return 0;
}
