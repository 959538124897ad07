/*
** incidents.c — HTTP handlers for incidents, reports from tools, the
** thread, evidence, on-call rotas, routing rules and the outbox.
**
** Each handler decodes the request, calls one function of the incident,
** identity (teams, rotas) or notify module and renders the result; scope and permission checks are in
** the domain functions, so the CLI gets the same answers.
*/
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/handlers.h"
#include "http/listcache.h"
#include "incident/incident.h"
#include "notify/notify.h"

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

/* The incident as the API shows it, as JSON text appended to b (durations
** in seconds). The list renders 50 of these a request, so this writes text
** straight from the row instead of building a jansson tree; single-incident
** answers parse the same text back (incident_json) so that there is one
** rendering of an incident. SLA flags are as of now_ms. Returns 0, or -1
** when b is full. */
static int incident_write(struct pbuf *b, const struct config *cfg, const struct store_incident *i,
			  int64_t now_ms)
{
	int rc = 0;
	rc |= pbuf_add(b, "{\"id\":", 6) | pjson_i64(b, i->id);
	rc |= pbuf_adds(b, ",\"org_id\":") | pjson_i64(b, i->org_id);
	rc |= pbuf_adds(b, ",\"org_name\":") | pjson_str(b, i->org_name);
	rc |= pbuf_adds(b, ",\"province\":") | pjson_str(b, i->province);
	rc |= pbuf_adds(b, ",\"title\":") | pjson_str(b, i->title);
	rc |= pbuf_adds(b, ",\"summary\":") | pjson_str(b, i->summary);
	rc |= pbuf_adds(b, ",\"class\":") | pjson_str(b, i->class_);
	rc |= pbuf_adds(b, ",\"type\":") | pjson_str(b, i->type);
	rc |= pbuf_adds(b, ",\"severity\":") | pjson_str(b, i->severity);
	rc |= pbuf_adds(b, ",\"tlp\":") | pjson_str(b, i->tlp);
	rc |= pbuf_adds(b, ",\"source\":") | pjson_str(b, i->source);
	rc |= pbuf_adds(b, ",\"status\":") | pjson_str(b, i->status);
	rc |= pbuf_adds(b, ",\"observations\":") | pjson_i64(b, i->observations);
	rc |= pbuf_adds(b, ",\"kind\":") | pjson_str(b, i->kind);
	const struct { const char *key; int64_t v; } ids[] = {
		{ ",\"assignee\":", i->assignee_id }, { ",\"team\":", i->team_id },
		{ ",\"merged_into\":", i->merged_into }, { ",\"reopened_from\":", i->reopened_from },
	};
	for (size_t k = 0; k < ARRAY_SIZE(ids); k++) {
		rc |= pbuf_adds(b, ids[k].key);
		rc |= ids[k].v ? pjson_i64(b, ids[k].v) : pbuf_add(b, "null", 4);
	}
	const struct { const char *key; int64_t ms; } times[] = {
		{ ",\"detected\":", i->detected_ms }, { ",\"opened\":", i->opened_ms },
		{ ",\"acknowledged\":", i->acknowledged_ms }, { ",\"contained\":", i->contained_ms },
		{ ",\"recovered\":", i->recovered_ms }, { ",\"closed\":", i->closed_ms },
		{ ",\"updated\":", i->updated_ms },
	};
	for (size_t k = 0; k < ARRAY_SIZE(times); k++)
		rc |= pbuf_adds(b, times[k].key) | pjson_time(b, times[k].ms);
	int64_t d[4];
	incident_durations(i, d);
	static const char *names[4] = { "{\"acknowledge\":", ",\"contain\":", ",\"recover\":",
					",\"close\":" };
	rc |= pbuf_adds(b, ",\"time_to\":");
	for (int k = 0; k < 4; k++)
		rc |= pbuf_adds(b, names[k]) |
		      (d[k] < 0 ? pbuf_add(b, "null", 4) : pjson_i64(b, d[k] / 1000));
	int sla = incident_sla_state(cfg, i, now_ms);
	rc |= pbuf_adds(b, "},\"sla\":{\"acknowledge_overdue\":");
	rc |= pbuf_adds(b, sla & 1 ? "true" : "false");
	rc |= pbuf_adds(b, ",\"contain_overdue\":");
	rc |= pbuf_adds(b, sla & 2 ? "true" : "false");
	rc |= pbuf_add(b, "}}", 2);
	return rc ? -1 : 0;
}

/* The incident as a jansson object (the caller owns it), for answers that
** add fields to it; NULL when out of memory. */
static json_t *incident_json(const struct config *cfg, const struct store_incident *i)
{
	struct pbuf b;
	pbuf_init(&b, 1 << 20);
	json_t *j = NULL;
	if (incident_write(&b, cfg, i, core_now_ms()) == 0)
		j = json_loadb(b.ptr, b.len, 0, NULL);
	pbuf_free(&b);
	return j;
}

/* ------------------------------------------------------------- reports */

int h_report(struct http_req *rq, struct http_resp *rs)
{
	struct incident_report_spec spec;
	json_t *evidence = NULL;
	memset(&spec, 0, sizeof(spec));
	struct jfield f[] = {
		{ .name = "org_id", .type = JF_INT, .required = true, .min = 1, .max = INT64_MAX,
		  .out = &spec.org_id },
		{ .name = "kind", .type = JF_STRING, .required = true,
		  .maxlen = STORE_TEXT_MAX(store_incident, kind), .out = &spec.kind },
		{ .name = "key", .type = JF_STRING, .required = true, .maxlen = INCIDENT_KEY_MAX,
		  .out = &spec.key },
		{ .name = "severity", .type = JF_STRING, .required = true,
		  .maxlen = STORE_TEXT_MAX(store_incident, severity), .out = &spec.severity },
		{ .name = "summary", .type = JF_STRING,
		  .maxlen = STORE_TEXT_MAX(store_incident, summary), .out = &spec.summary },
		{ .name = "evidence", .type = JF_OBJECT, .out = &evidence },
		{ .name = "title", .type = JF_STRING,
		  .maxlen = STORE_TEXT_MAX(store_incident, title), .out = &spec.title },
		{ .name = "class", .type = JF_STRING,
		  .maxlen = STORE_TEXT_MAX(store_incident, class_), .out = &spec.class_ },
		{ .name = "type", .type = JF_STRING, .maxlen = STORE_TEXT_MAX(store_incident, type),
		  .out = &spec.type },
		{ .name = "tlp", .type = JF_STRING, .maxlen = STORE_TEXT_MAX(store_incident, tlp),
		  .out = &spec.tlp },
		{ .name = "source", .type = JF_STRING,
		  .maxlen = STORE_TEXT_MAX(store_incident, source), .out = &spec.source },
	};
	json_t *doc;
	struct perr e;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	char *ev = evidence ? json_dumps(evidence, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	spec.evidence = ev;
	struct incident_report_result r;
	int rc = incident_report(rq->st, rq->cfg, rq->who, rq->actor, &spec, &r, &e);
	free(ev);
	json_decref(doc);
	if (rc != 0)
		return http_problem(rs, &e);
	rq->notify = true;
	rs->status = r.created ? 201 : 200;
	rs->body = json_pack("{s{sI} sb}", "incident", "id", (json_int_t)r.id, "created", r.created);
	if (r.reopened_from)
		json_object_set_new(rs->body, "reopened_from", json_integer(r.reopened_from));
	return 0;
}

/* ------------------------------------------------------------ incidents */

int h_incident_create(struct http_req *rq, struct http_resp *rs)
{
	struct incident_spec spec;
	memset(&spec, 0, sizeof(spec));
	struct jfield f[] = {
		{ .name = "org_id", .type = JF_INT, .required = true, .min = 1, .max = INT64_MAX,
		  .out = &spec.org_id },
		{ .name = "title", .type = JF_STRING, .required = true,
		  .maxlen = STORE_TEXT_MAX(store_incident, title), .out = &spec.title },
		{ .name = "summary", .type = JF_STRING,
		  .maxlen = STORE_TEXT_MAX(store_incident, summary), .out = &spec.summary },
		{ .name = "class", .type = JF_STRING,
		  .maxlen = STORE_TEXT_MAX(store_incident, class_), .out = &spec.class_ },
		{ .name = "type", .type = JF_STRING, .maxlen = STORE_TEXT_MAX(store_incident, type),
		  .out = &spec.type },
		{ .name = "severity", .type = JF_STRING,
		  .maxlen = STORE_TEXT_MAX(store_incident, severity), .out = &spec.severity },
		{ .name = "tlp", .type = JF_STRING, .maxlen = STORE_TEXT_MAX(store_incident, tlp),
		  .out = &spec.tlp },
	};
	json_t *doc;
	struct perr e;
	struct store_incident i;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	int rc = incident_create(rq->st, rq->cfg, rq->who, rq->actor, &spec, &i, &e);
	json_decref(doc);
	if (rc != 0)
		return http_problem(rs, &e);
	rq->notify = true;
	rs->status = 201;
	rs->body = incident_json(rq->cfg, &i);
	return 0;
}

struct link_ctx {
	struct http_req *rq;
	json_t *items;
	struct perr err; /* why the walk stopped, when it did */
};

/* A linked incident is listed only when the caller may see it: a link may
** join incidents of two organisations, and a constituent must not learn
** that the other one exists (the rule that makes outsiders get 404). */
static int add_link(void *ud, int64_t other, const char *kind)
{
	struct link_ctx *c = ud;
	struct store_incident o;
	perr_clear(&c->err);
	if (incident_get(c->rq->st, c->rq->who, other, &o, &c->err) != 0)
		return c->err.kind == PERR_NOTFOUND ? 0 : -1;
	json_array_append_new(c->items,
			      json_pack("{sI ss}", "incident", (json_int_t)other, "kind", kind));
	return 0;
}

int h_incident_get(struct http_req *rq, struct http_resp *rs)
{
	struct store_incident i;
	struct perr e;
	if (incident_get(rq->st, rq->who, rq->ids[0], &i, &e) != 0)
		return http_problem(rs, &e);
	rs->body = incident_json(rq->cfg, &i);
	json_t *links = json_array();
	struct link_ctx lc = { rq, links, { 0 } };
	perr_clear(&e);
	if (store_link_list(rq->st, i.id, add_link, &lc, &e) != 0) {
		json_decref(links);
		return http_problem(rs, e.kind != PERR_OK ? &e : &lc.err);
	}
	json_object_set_new(rs->body, "links", links);
	return 0;
}

int h_incident_update(struct http_req *rq, struct http_resp *rs)
{
	struct incident_edit ed;
	memset(&ed, 0, sizeof(ed));
	struct jfield f[] = {
		{ .name = "title", .type = JF_STRING,
		  .maxlen = STORE_TEXT_MAX(store_incident, title), .out = &ed.title },
		{ .name = "summary", .type = JF_STRING,
		  .maxlen = STORE_TEXT_MAX(store_incident, summary), .out = &ed.summary },
		{ .name = "class", .type = JF_STRING,
		  .maxlen = STORE_TEXT_MAX(store_incident, class_), .out = &ed.class_ },
		{ .name = "type", .type = JF_STRING, .maxlen = STORE_TEXT_MAX(store_incident, type),
		  .out = &ed.type },
		{ .name = "severity", .type = JF_STRING,
		  .maxlen = STORE_TEXT_MAX(store_incident, severity), .out = &ed.severity },
		{ .name = "tlp", .type = JF_STRING, .maxlen = STORE_TEXT_MAX(store_incident, tlp),
		  .out = &ed.tlp },
	};
	json_t *doc;
	struct perr e;
	struct store_incident i;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	int rc = incident_update(rq->st, rq->who, rq->actor, rq->ids[0], &ed, &i, &e);
	json_decref(doc);
	if (rc != 0)
		return http_problem(rs, &e);
	rs->body = incident_json(rq->cfg, &i);
	return 0;
}

/* A query time: ISO 8601 (or a date). 0 when absent; -1 when malformed. */
static int query_time(struct http_req *rq, const char *key, int64_t *out)
{
	const char *v = http_query(rq, key);
	*out = 0;
	if (!v)
		return 0;
	return core_parse_iso8601(v, out) == 0 && *out > 0 ? 0 : -1;
}

static int query_id(struct http_req *rq, const char *key, int64_t *out)
{
	const char *v = http_query(rq, key);
	*out = 0;
	return v ? parse_i64(v, 1, INT64_MAX, out) : 0;
}

struct list_out {
	struct pbuf b;
	const struct config *cfg;
	int64_t now;   /* the SLA flags are rendered as of now */
	int64_t until; /* ... and stay so while the clock reads at most until */
	int n;
	bool full;
};

/* Lower lo->until to the first SLA deadline of i not passed at lo->now:
** there its flags turn (incident_sla_state: overdue once the clock is past
** the deadline). Deadlines of acknowledged, contained or closed incidents
** count too; that can only end the entry early. */
static void sla_until(struct list_out *lo, const struct store_incident *i)
{
	int r = incident_severity_rank(i->severity);
	if (r < 0)
		return;
	const int64_t d[2] = { i->opened_ms + lo->cfg->sla_ack[r] * 1000,
			       i->opened_ms + lo->cfg->sla_contain[r] * 1000 };
	for (int k = 0; k < 2; k++)
		if (d[k] >= lo->now && d[k] < lo->until)
			lo->until = d[k];
}

static int add_incident(void *ud, const struct store_incident *i)
{
	struct list_out *lo = ud;
	if ((lo->n++ && pbuf_add(&lo->b, ",", 1) != 0) ||
	    incident_write(&lo->b, lo->cfg, i, lo->now) != 0) {
		lo->full = true;
		return -1;
	}
	sla_until(lo, i);
	return 0;
}

/* Answer with a body kept in the list cache: the reference passes to the
** server (listcache_hold), which sends the text without copying it. */
static int answer_kept(struct http_resp *rs, struct listcache_body *b)
{
	listcache_hold(b);
	rs->raw = listcache_text(b);
	rs->raw_len = listcache_len(b);
	rs->raw_free = false;
	rs->ctype = "application/json";
	return 0;
}

int h_incident_list(struct http_req *rq, struct http_resp *rs)
{
	struct store_incident_filter f;
	memset(&f, 0, sizeof(f));
	struct perr fe;
	if (incident_filter_set(&f, http_query(rq, "status"), http_query(rq, "severity"), &fe) != 0)
		return http_problem(rs, &fe);
	f.class_ = http_query(rq, "class");
	f.source = http_query(rq, "source");
	f.province = http_query(rq, "province");
	f.q = http_query(rq, "q");
	if (f.q && (strlen(f.q) > 500 || !utf8_valid(f.q, strlen(f.q))))
		return http_bad(rs, "q", "q must be UTF-8 of at most 500 bytes");
	if (query_id(rq, "org_id", &f.org_id) || query_id(rq, "assignee", &f.assignee_id) ||
	    query_id(rq, "team", &f.team_id))
		return http_bad(rs, NULL, "org_id, assignee and team must be positive integers");
	if (query_time(rq, "created_from", &f.created_from) ||
	    query_time(rq, "created_to", &f.created_to) ||
	    query_time(rq, "updated_from", &f.updated_from) ||
	    query_time(rq, "updated_to", &f.updated_to))
		return http_bad(rs, NULL, "times must be ISO 8601, e.g. 2026-11-28T06:00:00Z");
	const char *od = http_query(rq, "overdue");
	f.overdue = od && strcmp(od, "true") == 0;
	const char *order = http_query(rq, "order");
	if (order && strcmp(order, "oldest") != 0 && strcmp(order, "newest") != 0)
		return http_bad(rs, "order", "order must be newest or oldest");
	f.oldest_first = order && strcmp(order, "oldest") == 0;
	const char *lim = http_query(rq, "limit");
	f.limit = 50;
	if (lim && parse_i64(lim, 1, 500, &f.limit) != 0)
		return http_bad(rs, "limit", "limit must be from 1 to 500");
	char next[64];
	struct perr e;
	/* The same list asked again by the same scope within a second, with no
	** change to incidents since, is answered from the worker's cache. */
	static const char *const params[] = { "status", "severity", "class", "source", "province",
					      "q", "org_id", "assignee", "team", "created_from",
					      "created_to", "updated_from", "updated_to", "overdue",
					      "order", "limit", "cursor" };
	struct pbuf key;
	int64_t gen = 0, now = core_now_ms();
	bool cache = rq->cfg->list_cache && store_incident_generation(rq->st, &gen, &e) == 0;
	pbuf_init(&key, 8192);
	if (cache) {
		listcache_key(&key, rq->who);
		for (size_t k = 0; k < ARRAY_SIZE(params); k++) {
			const char *v = http_query(rq, params[k]);
			size_t n = v ? strlen(v) : 0;
			char len[24];
			int ln = snprintf(len, sizeof(len), "%zu:", n);
			pbuf_add(&key, len, (size_t)ln);
			pbuf_add(&key, v ? v : "", n);
			pbuf_add(&key, ";", 1);
		}
		/* a key that did not fit is NULL (sticky failure), never a
		** shorter key that could name another scope's list */
		struct listcache_body *hit = pbuf_cstr(&key) ? listcache_get(key.ptr, gen, now) : NULL;
		if (hit) {
			pbuf_free(&key);
			return answer_kept(rs, hit);
		}
	}
	/* Written as text: a jansson tree of 50 incidents cost more than the
	** query (issue 3's list benchmark). 500 incidents with 4 KB summaries
	** fit well inside the cap. */
	/* which incidents are overdue moves with the clock: such a list is kept
	** for a second; any other until the first SLA flag in it turns */
	struct list_out lo = { .cfg = rq->cfg, .now = now,
			       .until = f.overdue ? now + 1000 : INT64_MAX };
	f.now_ms = now;
	pbuf_init(&lo.b, 64u << 20);
	pbuf_add(&lo.b, "{\"items\":[", 10);
	perr_clear(&e);
	int rc = incident_list(rq->st, rq->cfg, rq->who, &f, http_query(rq, "cursor"), next,
			       add_incident, &lo, &e);
	if (rc != 0 && lo.full)
		perr_set(&e, PERR_INTERNAL, NULL, "incident list too large to render");
	if (rc != 0) {
		pbuf_free(&lo.b);
		pbuf_free(&key);
		return http_problem(rs, &e);
	}
	rc = pbuf_adds(&lo.b, "],\"next\":");
	rc |= next[0] ? pjson_str(&lo.b, next) : pbuf_add(&lo.b, "null", 4);
	rc |= pbuf_add(&lo.b, "}", 1);
	if (rc != 0) {
		pbuf_free(&lo.b);
		pbuf_free(&key);
		perr_set(&e, PERR_INTERNAL, NULL, "incident list too large to render");
		return http_problem(rs, &e);
	}
	struct listcache_body *kept =
		cache && pbuf_cstr(&key) ? listcache_put(key.ptr, gen, now, lo.until, lo.b.ptr, lo.b.len)
					 : NULL;
	pbuf_free(&key);
	if (kept) {
		pbuf_free(&lo.b);
		return answer_kept(rs, kept);
	}
	rs->raw_len = lo.b.len;
	rs->raw = pbuf_take(&lo.b);
	rs->raw_free = true;
	rs->ctype = "application/json";
	return 0;
}

int h_incident_transition(struct http_req *rq, struct http_resp *rs)
{
	const char *to = NULL;
	struct jfield f[] = {
		{ .name = "to", .type = JF_STRING, .required = true,
		  .maxlen = STORE_TEXT_MAX(store_incident, status), .out = &to },
	};
	json_t *doc;
	struct perr e;
	struct store_incident i;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	int rc = incident_transition(rq->st, rq->cfg, rq->who, rq->actor, rq->ids[0], to, &i, &e);
	json_decref(doc);
	if (rc != 0)
		return http_problem(rs, &e);
	rq->notify = true;
	rs->body = incident_json(rq->cfg, &i);
	return 0;
}

static int add_transition(void *ud, const struct store_transition *t)
{
	json_t *j = json_pack("{ss ss ss}", "from", t->from, "to", t->to, "actor", t->actor);
	json_object_set_new(j, "time", core_json_time(t->ts_ms));
	json_array_append_new(ud, j);
	return 0;
}

int h_incident_transitions(struct http_req *rq, struct http_resp *rs)
{
	struct store_incident i;
	struct perr e;
	if (incident_get(rq->st, rq->who, rq->ids[0], &i, &e) != 0)
		return http_problem(rs, &e);
	json_t *items = json_array();
	if (store_transition_list(rq->st, i.id, add_transition, items, &e) != 0) {
		json_decref(items);
		return http_problem(rs, &e);
	}
	rs->body = json_pack("{so}", "items", items);
	return 0;
}

int h_incident_assign(struct http_req *rq, struct http_resp *rs)
{
	int64_t user = 0, team = 0;
	struct jfield f[] = {
		{ .name = "user", .type = JF_INT, .min = 1, .max = INT64_MAX, .out = &user },
		{ .name = "team", .type = JF_INT, .min = 1, .max = INT64_MAX, .out = &team },
	};
	json_t *doc;
	struct perr e;
	struct store_incident i;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	json_decref(doc);
	if (incident_assign(rq->st, rq->cfg, rq->who, rq->actor, rq->ids[0], user, team, &i, &e) != 0)
		return http_problem(rs, &e);
	rq->notify = true;
	rs->body = incident_json(rq->cfg, &i);
	return 0;
}

int h_incident_merge(struct http_req *rq, struct http_resp *rs)
{
	int64_t into = 0;
	struct jfield f[] = {
		{ .name = "into", .type = JF_INT, .required = true, .min = 1, .max = INT64_MAX,
		  .out = &into },
	};
	json_t *doc;
	struct perr e;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	json_decref(doc);
	if (incident_merge(rq->st, rq->cfg, rq->who, rq->actor, rq->ids[0], into, &e) != 0)
		return http_problem(rs, &e);
	struct store_incident i;
	if (incident_get(rq->st, rq->who, rq->ids[0], &i, &e) != 0)
		return http_problem(rs, &e);
	rs->body = incident_json(rq->cfg, &i);
	return 0;
}

int h_incident_link(struct http_req *rq, struct http_resp *rs)
{
	int64_t other = 0;
	struct jfield f[] = {
		{ .name = "incident", .type = JF_INT, .required = true, .min = 1, .max = INT64_MAX,
		  .out = &other },
	};
	json_t *doc;
	struct perr e;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	json_decref(doc);
	if (incident_link(rq->st, rq->who, rq->actor, rq->ids[0], other, &e) != 0)
		return http_problem(rs, &e);
	rs->status = 204;
	return 0;
}

/* --------------------------------------------------------------- thread */

static json_t *message_json(const struct store_message *m, const char *body)
{
	json_t *j = json_pack("{sI ss ss ss}", "id", (json_int_t)m->id, "author", m->author,
			      "visibility", m->visibility, "body", body);
	json_object_set_new(j, "time", core_json_time(m->ts_ms));
	return j;
}

int h_message_create(struct http_req *rq, struct http_resp *rs)
{
	const char *body = NULL, *vis = NULL;
	struct jfield f[] = {
		{ .name = "body", .type = JF_STRING, .required = true,
		  .maxlen = INCIDENT_MESSAGE_MAX, .out = &body },
		{ .name = "visibility", .type = JF_STRING,
		  .maxlen = STORE_TEXT_MAX(store_message, visibility), .out = &vis },
	};
	json_t *doc;
	struct perr e;
	struct store_message m;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	if (incident_message(rq->st, rq->cfg, rq->who, rq->actor, rq->ids[0], body, vis, &m, &e) != 0) {
		json_decref(doc);
		return http_problem(rs, &e);
	}
	rq->notify = true;
	rs->status = 201;
	rs->body = message_json(&m, body);
	json_decref(doc);
	return 0;
}

static int add_message(void *ud, const struct store_message *m)
{
	json_array_append_new(ud, message_json(m, m->body));
	return 0;
}

int h_message_list(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	json_t *items = json_array();
	if (incident_messages(rq->st, rq->who, rq->ids[0], add_message, items, &e) != 0) {
		json_decref(items);
		return http_problem(rs, &e);
	}
	rs->body = json_pack("{so}", "items", items);
	return 0;
}

static int add_observation(void *ud, const struct store_observation *o)
{
	json_t *ev = json_loads(o->evidence ? o->evidence : "{}", 0, NULL);
	json_t *j = json_pack("{sI ss ss so}", "id", (json_int_t)o->id, "severity", o->severity,
			      "summary", o->summary ? o->summary : "", "evidence",
			      ev ? ev : json_object());
	json_object_set_new(j, "time", core_json_time(o->ts_ms));
	json_array_append_new(ud, j);
	return 0;
}

int h_observation_list(struct http_req *rq, struct http_resp *rs)
{
	struct store_incident i;
	struct perr e;
	if (incident_get(rq->st, rq->who, rq->ids[0], &i, &e) != 0)
		return http_problem(rs, &e);
	json_t *items = json_array();
	if (store_observation_list(rq->st, i.id, 1000, add_observation, items, &e) != 0) {
		json_decref(items);
		return http_problem(rs, &e);
	}
	rs->body = json_pack("{so}", "items", items);
	return 0;
}

/* ------------------------------------------------------------- evidence */

static json_t *evidence_json(int64_t incident, const struct store_evidence *ev)
{
	char url[96];
	snprintf(url, sizeof(url), "/api/v1/incidents/%lld/evidence/%lld", (long long)incident,
		 (long long)ev->id);
	json_t *j = json_pack("{sI ss ss sI ss ss ss}", "id", (json_int_t)ev->id, "name", ev->name,
			      "sha256", ev->sha256, "size", (json_int_t)ev->size, "visibility",
			      ev->visibility, "author", ev->author, "download", url);
	json_object_set_new(j, "time", core_json_time(ev->ts_ms));
	return j;
}

int h_evidence_upload(struct http_req *rq, struct http_resp *rs)
{
	const char *name = http_query(rq, "name");
	const char *vis = http_query(rq, "visibility");
	struct perr e;
	struct store_evidence ev;
	if (!name || !name[0])
		return http_bad(rs, "name", "give the file name as ?name=");
	if (strlen(name) > 1000 || !utf8_valid(name, strlen(name)))
		return http_bad(rs, "name", "name must be UTF-8 of at most 1000 bytes");
	if (incident_evidence_add(rq->st, rq->cfg, rq->who, rq->actor, rq->blob_dir, rq->ids[0],
				  name, rq->body, rq->body_len, vis, &ev, &e) != 0)
		return http_problem(rs, &e);
	rs->status = 201;
	rs->body = evidence_json(rq->ids[0], &ev);
	return 0;
}

static int add_evidence(void *ud, const struct store_evidence *ev)
{
	json_array_append_new(((void **)ud)[0], evidence_json(*(int64_t *)((void **)ud)[1], ev));
	return 0;
}

int h_evidence_list(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	json_t *items = json_array();
	void *ud[2] = { items, &rq->ids[0] };
	if (incident_evidence_list(rq->st, rq->who, rq->ids[0], add_evidence, ud, &e) != 0) {
		json_decref(items);
		return http_problem(rs, &e);
	}
	rs->body = json_pack("{so}", "items", items);
	return 0;
}

/* RFC 6266/5987: an ASCII fallback name and the exact UTF-8 name. */
static void disposition(const char *name, char *out, size_t n)
{
	char ascii[256], enc[700];
	size_t a = 0, x = 0;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
		if (a + 1 < sizeof(ascii))
			ascii[a++] = (*c >= 0x20 && *c < 0x7f && *c != '"' && *c != '\\' && *c != '%')
					     ? (char)*c
					     : '_';
		bool plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			     (*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == '_';
		if (x + 4 >= sizeof(enc))
			break;
		if (plain) {
			enc[x++] = (char)*c;
		} else {
			snprintf(enc + x, 4, "%%%02X", *c);
			x += 3;
		}
	}
	ascii[a] = '\0';
	enc[x] = '\0';
	snprintf(out, n, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, enc);
}

int h_evidence_download(struct http_req *rq, struct http_resp *rs)
{
	struct store_evidence ev;
	struct perr e;
	char path[1400];
	if (!rq->ids[1]) {
		perr_set(&e, PERR_NOTFOUND, NULL, "no such evidence");
		return http_problem(rs, &e);
	}
	if (incident_evidence_get(rq->st, rq->who, rq->blob_dir, rq->ids[0], rq->ids[1], &ev, path,
				  sizeof(path), &e) != 0)
		return http_problem(rs, &e);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0 || sb.st_size != ev.size) {
		if (fd >= 0)
			close(fd);
		plog(PLOG_ERROR, "evidence: blob %s missing or damaged", ev.sha256);
		perr_set(&e, PERR_INTERNAL, NULL, "evidence file missing");
		return http_problem(rs, &e);
	}
	rs->fd = fd;
	rs->fd_size = ev.size;
	rs->ctype = "application/octet-stream";
	disposition(ev.name, rs->disposition, sizeof(rs->disposition));
	PSTRCPY(rs->extra_name, "X-Evidence-SHA256");
	PSTRCPY(rs->extra_value, ev.sha256);
	return 0;
}

/* ---------------------------------------------------- teams: rota, lead */

int h_team_update(struct http_req *rq, struct http_resp *rs)
{
	int64_t lead = 0;
	struct jfield f[] = {
		{ .name = "lead", .type = JF_INT, .min = 1, .max = INT64_MAX, .out = &lead },
	};
	json_t *doc;
	struct perr e;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	json_decref(doc);
	if (identity_team_set_lead(rq->st, rq->actor, rq->ids[0], lead, &e) != 0)
		return http_problem(rs, &e);
	rs->status = 204;
	return 0;
}

int h_rota_add(struct http_req *rq, struct http_resp *rs)
{
	int64_t smin = -1, emin = -1;
	const char *start = NULL, *end = NULL;
	bool has_min = false, has_start = false;
	struct rota_spec spec = { .team_id = rq->ids[0] };
	struct jfield f[] = {
		{ .name = "user", .type = JF_INT, .required = true, .min = 1, .max = INT64_MAX,
		  .out = &spec.user_id },
		{ .name = "start_minute", .type = JF_INT, .max = 10079, .out = &smin,
		  .present = &has_min },
		{ .name = "end_minute", .type = JF_INT, .min = 1, .max = 10080, .out = &emin },
		{ .name = "start", .type = JF_STRING, .maxlen = 40, .out = &start,
		  .present = &has_start },
		{ .name = "end", .type = JF_STRING, .maxlen = 40, .out = &end },
	};
	json_t *doc;
	struct perr e;
	int64_t id = 0;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	int rc = -1;
	if (has_min == has_start) {
		perr_set(&e, PERR_INVALID, NULL,
			 "give either start_minute/end_minute (a weekly slot, minutes from Monday "
			 "00:00 UTC) or start/end (a dated override, ISO 8601)");
		goto out;
	}
	spec.weekly = has_min;
	if (has_min) {
		spec.start = smin;
		spec.end = emin;
	} else if (!end || core_parse_iso8601(start, &spec.start) != 0 ||
		   core_parse_iso8601(end, &spec.end) != 0) {
		perr_set(&e, PERR_INVALID, "end", "start and end must be ISO 8601 times, end after start");
		goto out;
	}
	rc = identity_rota_add(rq->st, rq->actor, &spec, &id, &e);
out:
	json_decref(doc);
	if (rc != 0)
		return http_problem(rs, &e);
	rs->status = 201;
	rs->body = json_pack("{sI}", "id", (json_int_t)id);
	return 0;
}

int h_oncall(struct http_req *rq, struct http_resp *rs)
{
	struct store_team t;
	struct perr e;
	int64_t user = 0, at = 0;
	if (query_time(rq, "at", &at) != 0)
		return http_bad(rs, "at", "at must be ISO 8601");
	if (!rq->ids[0] || store_team_get(rq->st, rq->ids[0], &t, NULL) != 0) {
		perr_set(&e, PERR_NOTFOUND, NULL, "no such team");
		return http_problem(rs, &e);
	}
	if (store_rota_oncall(rq->st, t.id, at ? at : core_now_ms(), &user, &e) != 0)
		return http_problem(rs, &e);
	rs->body = json_pack("{sI}", "team", (json_int_t)t.id);
	json_object_set_new(rs->body, "user", id_or_null(user));
	return 0;
}

/* -------------------------------------------------------- routing rules */

struct rule_ctx {
	json_t *items;
	struct perr *err;
};

/* A rule that cannot be rendered (text that is not UTF-8, stored before the
** domain refused it) fails the whole list: leaving it out would hide a rule
** that still routes incidents. */
static int add_rule(void *ud, const struct store_route_rule *r)
{
	struct rule_ctx *c = ud;
	json_t *j = json_pack("{sI sI ss ss ss sI}", "id", (json_int_t)r->id, "priority",
			      (json_int_t)r->priority, "province", r->province, "kind", r->kind,
			      "class", r->class_, "team", (json_int_t)r->team_id);
	if (!j || json_array_append_new(c->items, j) != 0) {
		plog(PLOG_ERROR, "routing rule %lld cannot be rendered", (long long)r->id);
		return perr_set(c->err, PERR_INTERNAL, NULL, "routing rule %lld cannot be rendered",
				(long long)r->id);
	}
	return 0;
}

int h_rule_list(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	perr_clear(&e);
	struct rule_ctx c = { json_array(), &e };
	if (store_route_rule_list(rq->st, add_rule, &c, &e) != 0) {
		json_decref(c.items);
		return http_problem(rs, &e);
	}
	rs->body = json_pack("{so}", "items", c.items);
	return 0;
}

int h_rule_create(struct http_req *rq, struct http_resp *rs)
{
	struct route_rule_spec spec = { .priority = 100 };
	struct jfield f[] = {
		{ .name = "priority", .type = JF_INT, .max = 1000000, .out = &spec.priority },
		{ .name = "province", .type = JF_STRING,
		  .maxlen = STORE_TEXT_MAX(store_route_rule, province), .out = &spec.province },
		{ .name = "kind", .type = JF_STRING, .maxlen = STORE_TEXT_MAX(store_route_rule, kind),
		  .out = &spec.kind },
		{ .name = "class", .type = JF_STRING,
		  .maxlen = STORE_TEXT_MAX(store_route_rule, class_), .out = &spec.class_ },
		{ .name = "team", .type = JF_INT, .required = true, .min = 1, .max = INT64_MAX,
		  .out = &spec.team_id },
	};
	json_t *doc;
	struct perr e;
	struct store_route_rule r;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	int rc = incident_route_rule_add(rq->st, rq->actor, &spec, &r, &e);
	json_decref(doc);
	if (rc != 0)
		return http_problem(rs, &e);
	struct rule_ctx c = { json_array(), &e };
	if (add_rule(&c, &r) != 0) {
		json_decref(c.items);
		return http_problem(rs, &e);
	}
	rs->status = 201;
	rs->body = json_incref(json_array_get(c.items, 0));
	json_decref(c.items);
	return 0;
}

int h_rule_delete(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	if (incident_route_rule_delete(rq->st, rq->actor, rq->ids[0], &e) != 0)
		return http_problem(rs, &e);
	rs->status = 204;
	return 0;
}

/* --------------------------------------------------------------- outbox */

static int add_outbox(void *ud, const struct store_outbox *o)
{
	json_t *j = json_pack("{sI ss ss ss ss sI ss}", "id", (json_int_t)o->id, "kind", o->kind,
			      "recipient", o->recipient, "message_id", o->message_id, "status",
			      o->status, "attempts", (json_int_t)o->attempts, "last_error",
			      o->last_error);
	json_object_set_new(j, "incident", id_or_null(o->incident_id));
	json_object_set_new(j, "created", core_json_time(o->created_ms));
	json_object_set_new(j, "sent", core_json_time(o->sent_ms));
	json_object_set_new(j, "next_attempt", o->status[0] == 'p' ? core_json_time(o->next_ms)
								   : json_null());
	json_array_append_new(ud, j);
	return 0;
}

int h_outbox_list(struct http_req *rq, struct http_resp *rs)
{
	const char *status = http_query(rq, "status");
	if (status && strcmp(status, "pending") != 0 && strcmp(status, "sent") != 0 &&
	    strcmp(status, "failed") != 0)
		return http_bad(rs, "status", "status must be pending, sent or failed");
	struct perr e;
	int64_t pending = 0, sent = 0, failed = 0;
	json_t *items = json_array();
	if (store_outbox_list(rq->st, status, 0, 200, add_outbox, items, &e) != 0 ||
	    store_outbox_counts(rq->st, &pending, &sent, &failed, &e) != 0) {
		json_decref(items);
		return http_problem(rs, &e);
	}
	rs->body = json_pack("{so s{sI sI sI}}", "items", items, "counts", "pending",
			     (json_int_t)pending, "sent", (json_int_t)sent, "failed",
			     (json_int_t)failed);
	return 0;
}
