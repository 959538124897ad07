/*
** routes.c — the route table and its handlers.
**
** The table at the bottom is data: method, path pattern, handler, the roles
** allowed and the scope rule. server.c enforces roles and scope before a
** handler runs; handlers parse the request, call one domain function and
** render its result. docs/openapi.yaml describes exactly these routes, and a
** test fails when the two disagree.
*/
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "constituency/constituency.h"
#include "feeds/feeds.h"
#include "flow/flow.h"
#include "http/handlers.h"
#include "monitor/monitor.h"
#include "http/http.h"
#include "notify/notify.h"

struct embed_file {
	const char *name;
	const unsigned char *data;
	size_t len;
};
extern const struct embed_file web_assets[];

/* ------------------------------------------------------------ rendering */

static json_t *org_json(const struct store_org *o)
{
	char ts[40];
	core_iso8601(o->created_ms, ts, sizeof(ts));
	json_t *j = json_pack("{sI ss ss ss ss}", "id", (json_int_t)o->id, "name", o->name,
			      "sector", o->sector, "province", o->province, "created", ts);
	json_object_set_new(j, "parent", o->parent_id ? json_integer(o->parent_id) : json_null());
	return j;
}

static json_t *asset_json(const struct store_asset *a)
{
	char ts[40];
	core_iso8601(a->created_ms, ts, sizeof(ts));
	return json_pack("{sI sI ss ss ss}", "id", (json_int_t)a->id, "org",
			 (json_int_t)a->org_id, "type", a->type, "value", a->value, "created", ts);
}

static json_t *contact_json(const struct store_contact *c)
{
	return json_pack("{sI sI ss ss ss ss ss ss}", "id", (json_int_t)c->id, "org",
			 (json_int_t)c->org_id, "name", c->name, "email", c->email, "phone",
			 c->phone, "role", c->role, "lang", c->lang, "pgp", c->pgp);
}

static json_t *user_json(const struct store_user *u)
{
	char ts[40];
	core_iso8601(u->created_ms, ts, sizeof(ts));
	json_t *j = json_pack("{sI ss ss sb ss}", "id", (json_int_t)u->id, "login", u->login,
			      "role", u->role, "disabled", u->disabled, "created", ts);
	json_object_set_new(j, "org", u->org_id ? json_integer(u->org_id) : json_null());
	json_object_set_new(j, "province", u->province[0] ? json_string(u->province) : json_null());
	return j;
}

static json_t *token_json(const struct store_token *t)
{
	char c[40], l[40], r[40];
	core_iso8601(t->created_ms, c, sizeof(c));
	core_iso8601(t->last_used_ms, l, sizeof(l));
	core_iso8601(t->revoked_ms, r, sizeof(r));
	json_t *j = json_pack("{sI sI ss sb ss}", "id", (json_int_t)t->id, "user",
			      (json_int_t)t->user_id, "name", t->name, "readonly", t->readonly,
			      "created", c);
	json_object_set_new(j, "org", t->org_id ? json_integer(t->org_id) : json_null());
	json_object_set_new(j, "province", t->province[0] ? json_string(t->province) : json_null());
	json_object_set_new(j, "last_used", t->last_used_ms ? json_string(l) : json_null());
	json_object_set_new(j, "revoked", t->revoked_ms ? json_string(r) : json_null());
	return j;
}

/* Decode a query integer in [min, max] with a default. -1 on a bad value. */
static int query_int(struct http_req *rq, const char *key, int64_t def, int64_t min,
		     int64_t max, int64_t *out)
{
	const char *v = http_query(rq, key);
	*out = def;
	if (!v)
		return 0;
	return parse_i64(v, min, max, out);
}

/* ------------------------------------------------------------ plumbing */

static int h_healthz(struct http_req *rq, struct http_resp *rs)
{
	int db, known;
	struct perr e;
	if (store_schema_version(rq->st, &db, &known, &e) != 0 || db != known) {
		rs->status = 503;
		rs->body = json_pack("{ss}", "status", "unavailable");
		return 0;
	}
	rs->body = json_pack("{ss si}", "status", "ok", "schema", db);
	return 0;
}

static int h_metrics(struct http_req *rq, struct http_resp *rs)
{
	struct pbuf b;
	pbuf_init(&b, 4 << 20);
	metrics_render(&b);
	notify_metrics(&b);
	int64_t ack[4], contain[4];
	for (int k = 0; k < 4; k++) {
		ack[k] = rq->cfg->sla_ack[k] * 1000;
		contain[k] = rq->cfg->sla_contain[k] * 1000;
	}
	pbuf_addf(&b, "# HELP parapet_incidents_overdue Open incidents past an SLA deadline.\n"
		      "# TYPE parapet_incidents_overdue gauge\nparapet_incidents_overdue %lld\n",
		  (long long)store_incident_count_overdue(rq->st, core_now_ms(), ack, contain));
	monitor_metrics(&b);
	feeds_metrics(&b);
	flow_metrics(&b);
	int64_t wc[MONITOR_NSTATES], missed;
	struct perr we;
	if (monitor_site_counts(rq->st, 0, NULL, wc, &missed, &we) == 0) {
		pbuf_adds(&b, "# HELP parapet_watch_sites Watched websites by state.\n"
			      "# TYPE parapet_watch_sites gauge\n");
		for (int k = 0; k < MONITOR_NSTATES; k++)
			pbuf_addf(&b, "parapet_watch_sites{state=\"%s\"} %lld\n",
				  monitor_state_names[k], (long long)wc[k]);
		pbuf_addf(&b, "# HELP parapet_watch_sites_missed Websites whose check is overdue "
			      "by more than an interval.\n# TYPE parapet_watch_sites_missed gauge\n"
			      "parapet_watch_sites_missed %lld\n", (long long)missed);
	}
	/* the appends above are unchecked: a failure sticks and is seen here,
	** so a scrape gets all the series or an error, never some of them */
	if (pbuf_failed(&b)) {
		pbuf_free(&b);
		struct perr e;
		perr_set(&e, PERR_INTERNAL, NULL, "metrics too large to render");
		return http_problem(rs, &e);
	}
	rs->raw_len = b.len;
	rs->raw = pbuf_take(&b);
	rs->raw_free = true;
	rs->ctype = "text/plain; version=0.0.4";
	return 0;
}

static int serve_asset(const char *name, struct http_resp *rs)
{
	for (const struct embed_file *f = web_assets; f->name; f++) {
		if (strcmp(f->name, name) != 0)
			continue;
		rs->raw = (const char *)f->data;
		rs->raw_len = f->len;
		const char *dot = strrchr(name, '.');
		rs->ctype = !dot ? "application/octet-stream"
			    : strcmp(dot, ".html") == 0 ? "text/html; charset=utf-8"
			    : strcmp(dot, ".css") == 0 ? "text/css; charset=utf-8"
			    : strcmp(dot, ".js") == 0 ? "text/javascript; charset=utf-8"
			    : "application/octet-stream";
		return 0;
	}
	struct perr e;
	perr_set(&e, PERR_NOTFOUND, NULL, "no such file");
	return http_problem(rs, &e);
}

static int h_index(struct http_req *rq, struct http_resp *rs)
{
	(void)rq;
	return serve_asset("index.html", rs);
}

static int h_asset(struct http_req *rq, struct http_resp *rs)
{
	return serve_asset(rq->params[0], rs);
}

/* ------------------------------------------------------------ sessions */

static int h_login(struct http_req *rq, struct http_resp *rs)
{
	const char *login = NULL, *password = NULL;
	struct jfield f[] = {
		{ .name = "login", .type = JF_STRING, .required = true,
		  .maxlen = STORE_TEXT_MAX(store_user, login), .out = &login },
		{ .name = "password", .type = JF_STRING, .required = true,
		  .maxlen = IDENTITY_PASSWORD_MAX, .out = &password },
	};
	json_t *doc;
	struct perr e;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	struct store_user u;
	char cookie[65], csrf[65];
	int64_t retry = 0;
	int rc = identity_login(rq->st, rq->cfg, login, password, rq->client_addr, &u, &retry, &e);
	json_decref(doc);
	if (rc != 0) {
		rs->retry_after = retry;
		/* a failure is counted in the store: keep it despite the 401 */
		rs->keep_writes = e.kind == PERR_AUTH || e.kind == PERR_BUSY;
		return http_problem(rs, &e);
	}
	if (identity_session_create(rq->st, rq->cfg, &u, cookie, csrf, &e) != 0)
		return http_problem(rs, &e);
	snprintf(rs->set_cookie, sizeof(rs->set_cookie),
		 "parapet_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s", cookie,
		 (long long)rq->cfg->session_ttl, rq->cfg->cookie_secure ? "; Secure" : "");
	rs->status = 201;
	rs->body = json_pack("{so ss}", "user", user_json(&u), "csrf", csrf);
	return 0;
}

static int h_whoami(struct http_req *rq, struct http_resp *rs)
{
	const struct principal *p = rq->who;
	rs->body = json_pack("{sI ss ss sb}", "id", (json_int_t)p->user_id, "login", p->login,
			     "role", identity_role_name(p->role), "readonly", p->readonly);
	json_object_set_new(rs->body, "org", p->org_id ? json_integer(p->org_id) : json_null());
	json_object_set_new(rs->body, "province",
			    p->province[0] ? json_string(p->province) : json_null());
	if (p->csrf[0])
		json_object_set_new(rs->body, "csrf", json_string(p->csrf));
	json_object_set_new(rs->body, "lang", p->lang[0] ? json_string(p->lang) : json_null());
	json_object_set_new(rs->body, "calendar",
			    p->calendar[0] ? json_string(p->calendar) : json_null());
	return 0;
}

/* The caller's own preferences; answers as GET does, with the new values. */
static int h_prefs(struct http_req *rq, struct http_resp *rs)
{
	const char *lang = NULL, *calendar = NULL;
	struct jfield f[] = {
		{ .name = "lang", .type = JF_STRING, .maxlen = STORE_TEXT_MAX(store_user, lang),
		  .out = &lang },
		{ .name = "calendar", .type = JF_STRING,
		  .maxlen = STORE_TEXT_MAX(store_user, calendar), .out = &calendar },
	};
	json_t *doc;
	struct perr e;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	int rc = identity_prefs_set(rq->st, rq->who, rq->actor, lang, calendar, &e);
	struct principal p = *rq->who;
	if (rc == 0 && ((lang && PSTRCPY_OR_ERR(p.lang, lang, "lang", &e)) ||
			(calendar && PSTRCPY_OR_ERR(p.calendar, calendar, "calendar", &e))))
		rc = -1;
	json_decref(doc);
	if (rc != 0)
		return http_problem(rs, &e);
	struct http_req copy = *rq;
	copy.who = &p;
	return h_whoami(&copy, rs);
}

static int h_logout(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	if (!rq->session_cookie || rq->who->token_id)
		return http_bad(rs, NULL, "not a browser session");
	if (identity_session_end(rq->st, rq->session_cookie, &e) != 0)
		return http_problem(rs, &e);
	snprintf(rs->set_cookie, sizeof(rs->set_cookie),
		 "parapet_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
		 rq->cfg->cookie_secure ? "; Secure" : "");
	rs->status = 204;
	return 0;
}

static int h_password(struct http_req *rq, struct http_resp *rs)
{
	const char *cur = NULL, *fresh = NULL;
	bool revoke = true;
	struct jfield f[] = {
		{ .name = "current", .type = JF_STRING, .required = true,
		  .maxlen = IDENTITY_PASSWORD_MAX, .out = &cur },
		{ .name = "new", .type = JF_STRING, .required = true,
		  .maxlen = IDENTITY_PASSWORD_MAX, .out = &fresh },
		{ .name = "revoke_tokens", .type = JF_BOOL, .out = &revoke },
	};
	json_t *doc;
	struct perr e;
	if (rq->who->token_id) {
		perr_set(&e, PERR_FORBIDDEN, NULL, "log in to change your password");
		return http_problem(rs, &e);
	}
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	/* this session stays; the user's others end */
	int rc = identity_password_change(rq->st, rq->cfg, rq->actor, rq->who->login, cur, fresh,
					  rq->client_addr, rq->session_cookie, !revoke, &e);
	json_decref(doc);
	if (rc != 0) {
		/* a wrong current password is a failed log-in: keep its count */
		rs->keep_writes = e.kind == PERR_BUSY ||
				  (e.kind == PERR_FORBIDDEN && strcmp(e.field, "current") == 0);
		return http_problem(rs, &e);
	}
	rs->status = 204;
	return 0;
}

/* ----------------------------------------------------------- provinces */

static int add_province(void *ud, const struct store_province *p)
{
	json_array_append_new(ud, json_pack("{ss ss}", "name", p->name, "name_fa", p->name_fa));
	return 0;
}

static int h_provinces(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	json_t *items = json_array();
	if (store_province_list(rq->st, add_province, items, &e) != 0) {
		json_decref(items);
		return http_problem(rs, &e);
	}
	rs->body = json_pack("{so}", "items", items);
	return 0;
}

/* -------------------------------------------------------- organisations */

static int add_org(void *ud, const struct store_org *o)
{
	json_array_append_new(ud, org_json(o));
	return 0;
}

static int h_org_list(struct http_req *rq, struct http_resp *rs)
{
	struct store_org_filter f;
	memset(&f, 0, sizeof(f));
	if (query_int(rq, "limit", 100, 1, 1000, &f.limit) != 0)
		return http_bad(rs, "limit", "limit must be from 1 to 1000");
	if (query_int(rq, "offset", 0, 0, INT64_MAX, &f.offset) != 0)
		return http_bad(rs, "offset", "offset must be a non-negative integer");
	f.q = http_query(rq, "q");
	const char *prov = http_query(rq, "province");
	identity_list_scope(rq->who, &f.province, &f.org_id);
	if (prov && f.province && strcmp(prov, f.province) != 0) {
		rs->body = json_pack("{s[] sI}", "items", "total", (json_int_t)0);
		return 0;
	}
	if (prov)
		f.province = prov;
	struct perr e;
	int64_t total = 0;
	json_t *items = json_array();
	if (store_org_list(rq->st, &f, add_org, items, &total, &e) != 0) {
		json_decref(items);
		return http_problem(rs, &e);
	}
	rs->body = json_pack("{so sI}", "items", items, "total", (json_int_t)total);
	return 0;
}

static int decode_org(struct http_req *rq, struct org_spec *spec, bool partial,
		      const struct store_org *base, json_t **doc, struct perr *e)
{
	bool has_parent = false;
	int64_t parent = 0;
	memset(spec, 0, sizeof(*spec));
	struct jfield f[] = {
		{ .name = "name", .type = JF_STRING, .required = !partial,
		  .maxlen = STORE_TEXT_MAX(store_org, name), .out = &spec->name },
		{ .name = "sector", .type = JF_STRING, .maxlen = STORE_TEXT_MAX(store_org, sector),
		  .out = &spec->sector },
		{ .name = "province", .type = JF_STRING, .required = !partial,
		  .maxlen = STORE_TEXT_MAX(store_org, province), .out = &spec->province },
		{ .name = "parent", .type = JF_INT, .min = 1, .max = INT64_MAX, .out = &parent,
		  .present = &has_parent },
	};
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), doc, e) != 0)
		return -1;
	if (base) {
		if (!spec->name)
			spec->name = base->name;
		if (!spec->sector)
			spec->sector = base->sector;
		if (!spec->province)
			spec->province = base->province;
		spec->parent_id = base->parent_id;
		/* "parent": null removes the parent; absent keeps it */
		json_t *pv = json_object_get(*doc, "parent");
		if (pv && json_is_null(pv))
			spec->parent_id = 0;
	}
	if (has_parent)
		spec->parent_id = parent;
	return 0;
}

static int h_org_create(struct http_req *rq, struct http_resp *rs)
{
	struct org_spec spec;
	json_t *doc;
	struct perr e;
	struct store_org o;
	if (decode_org(rq, &spec, false, NULL, &doc, &e) != 0)
		return http_problem(rs, &e);
	int rc = constituency_org_add(rq->st, rq->who, rq->actor, &spec, &o, &e);
	json_decref(doc);
	if (rc != 0)
		return http_problem(rs, &e);
	rs->status = 201;
	rs->body = org_json(&o);
	return 0;
}

static int h_org_get(struct http_req *rq, struct http_resp *rs)
{
	struct store_org o;
	struct perr e;
	if (constituency_org_get(rq->st, rq->who, rq->ids[0], &o, &e) != 0)
		return http_problem(rs, &e);
	rs->body = org_json(&o);
	return 0;
}

static int h_org_update(struct http_req *rq, struct http_resp *rs)
{
	struct store_org base, o;
	struct org_spec spec;
	json_t *doc;
	struct perr e;
	if (constituency_org_get(rq->st, rq->who, rq->ids[0], &base, &e) != 0)
		return http_problem(rs, &e);
	if (decode_org(rq, &spec, true, &base, &doc, &e) != 0)
		return http_problem(rs, &e);
	int rc = constituency_org_update(rq->st, rq->who, rq->actor, rq->ids[0], &spec, &o, &e);
	json_decref(doc);
	if (rc != 0)
		return http_problem(rs, &e);
	rs->body = org_json(&o);
	return 0;
}

static int h_org_delete(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	if (constituency_org_delete(rq->st, rq->who, rq->actor, rq->ids[0], &e) != 0)
		return http_problem(rs, &e);
	rq->assets_changed = true;
	rs->status = 204;
	return 0;
}

/* --------------------------------------------------------------- assets */

static int add_asset(void *ud, const struct store_asset *a)
{
	json_array_append_new(ud, asset_json(a));
	return 0;
}

static int h_asset_list(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	json_t *items = json_array();
	if (store_asset_list(rq->st, rq->ids[0], add_asset, items, &e) != 0) {
		json_decref(items);
		return http_problem(rs, &e);
	}
	rs->body = json_pack("{so}", "items", items);
	return 0;
}

static int h_asset_create(struct http_req *rq, struct http_resp *rs)
{
	const char *type = NULL, *value = NULL;
	bool confirm = false;
	struct jfield f[] = {
		{ .name = "type", .type = JF_STRING, .required = true,
		  .maxlen = STORE_TEXT_MAX(store_asset, type), .out = &type },
		{ .name = "value", .type = JF_STRING, .required = true,
		  .maxlen = CONSTITUENCY_VALUE_MAX, .out = &value },
		{ .name = "confirm_overlap", .type = JF_BOOL, .out = &confirm },
	};
	json_t *doc;
	struct perr e;
	struct store_asset a;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	int rc = constituency_asset_add(rq->st, rq->who, rq->actor, rq->ids[0], type, value,
					confirm, &a, &e);
	json_decref(doc);
	if (rc != 0)
		return http_problem(rs, &e);
	rq->assets_changed = true;
	rs->status = 201;
	rs->body = asset_json(&a);
	return 0;
}

static int h_asset_delete(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	if (!rq->ids[1])
		return http_bad(rs, NULL, "asset id must be a positive integer");
	if (constituency_asset_delete(rq->st, rq->who, rq->actor, rq->ids[0], rq->ids[1], &e) != 0)
		return http_problem(rs, &e);
	rq->assets_changed = true;
	rs->status = 204;
	return 0;
}

/* ------------------------------------------------------------- contacts */

static int add_contact(void *ud, const struct store_contact *c)
{
	json_array_append_new(ud, contact_json(c));
	return 0;
}

static int h_contact_list(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	json_t *items = json_array();
	if (store_contact_list(rq->st, rq->ids[0], add_contact, items, &e) != 0) {
		json_decref(items);
		return http_problem(rs, &e);
	}
	rs->body = json_pack("{so}", "items", items);
	return 0;
}

static int h_contact_create(struct http_req *rq, struct http_resp *rs)
{
	struct contact_spec spec;
	memset(&spec, 0, sizeof(spec));
	struct jfield f[] = {
		{ .name = "name", .type = JF_STRING, .required = true,
		  .maxlen = STORE_TEXT_MAX(store_contact, name), .out = &spec.name },
		{ .name = "email", .type = JF_STRING, .required = true,
		  .maxlen = STORE_TEXT_MAX(store_contact, email), .out = &spec.email },
		{ .name = "phone", .type = JF_STRING,
		  .maxlen = STORE_TEXT_MAX(store_contact, phone), .out = &spec.phone },
		{ .name = "role", .type = JF_STRING, .maxlen = STORE_TEXT_MAX(store_contact, role),
		  .out = &spec.role },
		{ .name = "lang", .type = JF_STRING, .maxlen = STORE_TEXT_MAX(store_contact, lang),
		  .out = &spec.lang },
		{ .name = "pgp", .type = JF_STRING, .maxlen = STORE_TEXT_MAX(store_contact, pgp),
		  .out = &spec.pgp },
	};
	json_t *doc;
	struct perr e;
	struct store_contact c;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	int rc = constituency_contact_add(rq->st, rq->who, rq->actor, rq->ids[0], &spec, &c, &e);
	json_decref(doc);
	if (rc != 0)
		return http_problem(rs, &e);
	rs->status = 201;
	rs->body = contact_json(&c);
	return 0;
}

static int h_contact_delete(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	if (!rq->ids[1])
		return http_bad(rs, NULL, "contact id must be a positive integer");
	if (constituency_contact_delete(rq->st, rq->who, rq->actor, rq->ids[0], rq->ids[1], &e) != 0)
		return http_problem(rs, &e);
	rs->status = 204;
	return 0;
}

/* --------------------------------------------------------------- lookup */

static int h_lookup(struct http_req *rq, struct http_resp *rs)
{
	static const struct {
		const char *key;
		enum lookup_kind kind;
	} kinds[] = { { "ip", LOOKUP_IP }, { "domain", LOOKUP_DOMAIN },
		      { "asn", LOOKUP_ASN }, { "url", LOOKUP_URL } };
	const char *q = NULL;
	enum lookup_kind kind = LOOKUP_IP;
	int given = 0;
	for (size_t i = 0; i < 4; i++) {
		const char *v = http_query(rq, kinds[i].key);
		if (v) {
			q = v;
			kind = kinds[i].kind;
			given++;
		}
	}
	if (given != 1)
		return http_bad(rs, NULL, "give exactly one of ip, domain, asn or url");
	struct lookup_result r;
	struct perr e;
	int rc = constituency_lookup(rq->st, kind, q, &r, &e);
	if (rc < 0)
		return http_problem(rs, &e);
	struct store_org o;
	/* An owner outside the caller's scope is reported as no owner. */
	if (rc == 0 || constituency_org_get(rq->st, rq->who, r.org_id, &o, &e) != 0) {
		perr_set(&e, PERR_NOTFOUND, NULL, "no organisation owns %.200s", q);
		return http_problem(rs, &e);
	}
	rs->body = json_pack("{s{sI ss ss} ss ss}", "org", "id", (json_int_t)o.id, "name", o.name,
			     "province", o.province, "matched", r.matched, "type", r.type);
	return 0;
}

/* ---------------------------------------------------------------- users */

static int add_user(void *ud, const struct store_user *u)
{
	json_array_append_new(ud, user_json(u));
	return 0;
}

static int h_user_list(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	json_t *items = json_array();
	if (store_user_list(rq->st, add_user, items, &e) != 0) {
		json_decref(items);
		return http_problem(rs, &e);
	}
	rs->body = json_pack("{so}", "items", items);
	return 0;
}

static int h_user_create(struct http_req *rq, struct http_resp *rs)
{
	struct user_spec spec;
	memset(&spec, 0, sizeof(spec));
	struct jfield f[] = {
		{ .name = "login", .type = JF_STRING, .required = true,
		  .maxlen = STORE_TEXT_MAX(store_user, login), .out = &spec.login },
		{ .name = "role", .type = JF_STRING, .required = true,
		  .maxlen = STORE_TEXT_MAX(store_user, role), .out = &spec.role },
		{ .name = "org", .type = JF_INT, .min = 1, .max = INT64_MAX, .out = &spec.org_id },
		{ .name = "province", .type = JF_STRING,
		  .maxlen = STORE_TEXT_MAX(store_user, province), .out = &spec.province },
		{ .name = "password", .type = JF_STRING, .required = true,
		  .maxlen = IDENTITY_PASSWORD_MAX, .out = &spec.password },
	};
	json_t *doc;
	struct perr e;
	struct store_user u;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	int rc = identity_user_add(rq->st, rq->cfg, rq->actor, &spec, &u, &e);
	json_decref(doc);
	if (rc != 0)
		return http_problem(rs, &e);
	rs->status = 201;
	rs->body = user_json(&u);
	return 0;
}

/* An admin disables or enables a user: {"disabled": true|false}. */
static int h_user_update(struct http_req *rq, struct http_resp *rs)
{
	bool disabled = false;
	struct jfield f[] = {
		{ .name = "disabled", .type = JF_BOOL, .required = true, .out = &disabled },
	};
	json_t *doc;
	struct perr e;
	struct store_user u;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	json_decref(doc);
	if (!rq->ids[0] || identity_user_set_disabled(rq->st, rq->actor, rq->who->user_id,
						      rq->ids[0], disabled, &u, &e) != 0) {
		if (!rq->ids[0] || e.kind == PERR_NOTFOUND)
			perr_set(&e, PERR_NOTFOUND, NULL, "no such user");
		return http_problem(rs, &e);
	}
	rs->body = user_json(&u);
	return 0;
}

static int h_user_delete(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	if (identity_user_delete(rq->st, rq->actor, rq->who->user_id, rq->ids[0], &e) != 0)
		return http_problem(rs, &e);
	rs->status = 204;
	return 0;
}

/* ---------------------------------------------------------------- teams */

struct team_ctx {
	struct store *st;
	json_t *items;
};

static int add_member(void *ud, int64_t id, const char *login)
{
	json_array_append_new(ud, json_pack("{sI ss}", "id", (json_int_t)id, "login", login));
	return 0;
}

static int add_team(void *ud, const struct store_team *t)
{
	struct team_ctx *c = ud;
	json_t *members = json_array();
	(void)store_team_members(c->st, t->id, add_member, members, NULL);
	json_t *j = json_pack("{sI ss so}", "id", (json_int_t)t->id, "name", t->name, "members",
			      members);
	json_object_set_new(j, "province", t->province[0] ? json_string(t->province) : json_null());
	json_array_append_new(c->items, j);
	return 0;
}

static int h_team_list(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	struct team_ctx c = { rq->st, json_array() };
	if (store_team_list(rq->st, add_team, &c, &e) != 0) {
		json_decref(c.items);
		return http_problem(rs, &e);
	}
	rs->body = json_pack("{so}", "items", c.items);
	return 0;
}

static int h_team_create(struct http_req *rq, struct http_resp *rs)
{
	const char *name = NULL, *province = NULL;
	struct jfield f[] = {
		{ .name = "name", .type = JF_STRING, .required = true,
		  .maxlen = STORE_TEXT_MAX(store_team, name), .out = &name },
		{ .name = "province", .type = JF_STRING,
		  .maxlen = STORE_TEXT_MAX(store_team, province), .out = &province },
	};
	json_t *doc;
	struct perr e;
	struct store_team t;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	int rc = identity_team_add(rq->st, rq->actor, name, province, &t, &e);
	json_decref(doc);
	if (rc != 0)
		return http_problem(rs, &e);
	rs->status = 201;
	rs->body = json_pack("{sI ss s[]}", "id", (json_int_t)t.id, "name", t.name, "members");
	json_object_set_new(rs->body, "province", t.province[0] ? json_string(t.province) : json_null());
	return 0;
}

static int h_team_add_member(struct http_req *rq, struct http_resp *rs)
{
	int64_t user = 0;
	struct jfield f[] = {
		{ .name = "user", .type = JF_INT, .required = true, .min = 1, .max = INT64_MAX,
		  .out = &user },
	};
	json_t *doc;
	struct perr e;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	json_decref(doc);
	if (identity_team_member_add(rq->st, rq->actor, rq->ids[0], user, &e) != 0)
		return http_problem(rs, &e);
	rs->status = 204;
	return 0;
}

static int h_team_remove_member(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	if (identity_team_member_remove(rq->st, rq->actor, rq->ids[0], rq->ids[1], &e) != 0)
		return http_problem(rs, &e);
	rs->status = 204;
	return 0;
}

/* --------------------------------------------------------------- tokens */

static int add_token(void *ud, const struct store_token *t)
{
	json_array_append_new(ud, token_json(t));
	return 0;
}

static int h_token_list(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	json_t *items = json_array();
	bool all = identity_is_national_admin(rq->who) && http_query(rq, "all");
	int64_t uid = all ? 0 : rq->who->user_id;
	if (store_token_list(rq->st, uid, add_token, items, &e) != 0) {
		json_decref(items);
		return http_problem(rs, &e);
	}
	rs->body = json_pack("{so}", "items", items);
	return 0;
}

static int h_token_create(struct http_req *rq, struct http_resp *rs)
{
	struct token_spec spec;
	memset(&spec, 0, sizeof(spec));
	struct jfield f[] = {
		{ .name = "name", .type = JF_STRING, .maxlen = STORE_TEXT_MAX(store_token, name),
		  .out = &spec.name },
		{ .name = "readonly", .type = JF_BOOL, .out = &spec.readonly },
		{ .name = "org", .type = JF_INT, .min = 1, .max = INT64_MAX, .out = &spec.org_id },
		{ .name = "province", .type = JF_STRING,
		  .maxlen = STORE_TEXT_MAX(store_token, province), .out = &spec.province },
	};
	json_t *doc;
	struct perr e;
	struct store_user u;
	struct store_token t;
	char secret[80];
	if (rq->who->token_id) {
		perr_set(&e, PERR_FORBIDDEN, NULL, "an API token cannot create tokens; log in");
		return http_problem(rs, &e);
	}
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	int rc = store_user_get(rq->st, rq->who->user_id, &u, &e);
	if (rc == 0)
		rc = identity_token_create(rq->st, rq->actor, &u, &spec, secret, &t, &e);
	json_decref(doc);
	if (rc != 0)
		return http_problem(rs, &e);
	rs->status = 201;
	rs->body = token_json(&t);
	json_object_set_new(rs->body, "token", json_string(secret));
	sodium_memzero(secret, sizeof(secret));
	return 0;
}

static int h_token_revoke(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	if (identity_token_revoke(rq->st, rq->actor, rq->who, rq->ids[0], &e) != 0)
		return http_problem(rs, &e);
	rs->status = 204;
	return 0;
}

/* ---------------------------------------------------------------- audit */

static int add_audit(void *ud, const struct store_audit *a)
{
	char ts[40];
	core_iso8601(a->ts_ms, ts, sizeof(ts));
	json_t *b = a->before[0] ? json_loads(a->before, 0, NULL) : NULL;
	json_t *af = a->after[0] ? json_loads(a->after, 0, NULL) : NULL;
	json_array_append_new(ud, json_pack("{sI ss ss ss ss so so ss}", "seq", (json_int_t)a->seq,
					    "time", ts, "actor", a->actor, "action", a->action,
					    "object", a->object, "before", b ? b : json_null(),
					    "after", af ? af : json_null(), "hash", a->hash));
	return 0;
}

static int h_audit_list(struct http_req *rq, struct http_resp *rs)
{
	int64_t after, limit;
	if (query_int(rq, "after", 0, 0, INT64_MAX, &after) != 0)
		return http_bad(rs, "after", "after must be a non-negative integer");
	if (query_int(rq, "limit", 100, 1, 1000, &limit) != 0)
		return http_bad(rs, "limit", "limit must be from 1 to 1000");
	struct perr e;
	json_t *items = json_array();
	if (store_audit_list(rq->st, after, limit, add_audit, items, &e) != 0) {
		json_decref(items);
		return http_problem(rs, &e);
	}
	rs->body = json_pack("{so}", "items", items);
	return 0;
}

static int h_audit_verify(struct http_req *rq, struct http_resp *rs)
{
	struct audit_report r;
	struct perr e;
	if (audit_verify(rq->st, &r, &e) != 0)
		return http_problem(rs, &e);
	rs->body = json_pack("{sb sI}", "intact", r.bad_seq == 0, "entries", (json_int_t)r.entries);
	if (r.bad_seq) {
		json_object_set_new(rs->body, "bad_seq", json_integer(r.bad_seq));
		json_object_set_new(rs->body, "problem", json_string(r.problem));
	}
	return 0;
}

/* ---------------------------------------------------------------- table */

/* Who may call a route (http.h: struct route). Fields left out of an entry
** are zero: scope SCOPE_NONE, no raw body, no upload. */
#define PUBLIC 0 /* no session or token needed */
#define ALL ROLES_ALL
#define CERT ROLES_CERT
#define STAFF ROLES_STAFF
#define ADMIN ROLES_ADMIN_WORK
#define NATIONAL ROLES_NATIONAL

const struct route http_routes[] = {
	{ .method = "GET", .pattern = "/", .fn = h_index, .roles = PUBLIC,
	  .summary = "web interface" },
	{ .method = "GET", .pattern = "/ui/{file}", .fn = h_asset, .roles = PUBLIC,
	  .summary = "web interface assets" },
	{ .method = "GET", .pattern = "/healthz", .fn = h_healthz, .roles = PUBLIC,
	  .summary = "liveness and schema check" },
	{ .method = "GET", .pattern = "/metrics", .fn = h_metrics, .roles = NATIONAL,
	  .summary = "Prometheus metrics" },
	{ .method = "POST", .pattern = "/api/v1/session", .fn = h_login, .roles = PUBLIC,
	  .summary = "log in" },
	{ .method = "GET", .pattern = "/api/v1/session", .fn = h_whoami, .roles = ALL,
	  .summary = "who am I" },
	{ .method = "DELETE", .pattern = "/api/v1/session", .fn = h_logout, .roles = ALL,
	  .summary = "log out" },
	{ .method = "PATCH", .pattern = "/api/v1/session", .fn = h_prefs, .roles = ALL,
	  .summary = "set my interface language and calendar" },
	{ .method = "POST", .pattern = "/api/v1/session/password", .fn = h_password, .roles = ALL,
	  .summary = "change my password" },
	{ .method = "GET", .pattern = "/api/v1/provinces", .fn = h_provinces, .roles = ALL,
	  .summary = "list provinces" },
	{ .method = "GET", .pattern = "/api/v1/orgs", .fn = h_org_list, .roles = ALL,
	  .summary = "list organisations" },
	{ .method = "POST", .pattern = "/api/v1/orgs", .fn = h_org_create, .roles = CERT,
	  .summary = "create an organisation" },
	{ .method = "GET", .pattern = "/api/v1/orgs/{id}", .fn = h_org_get, .roles = ALL,
	  .scope = SCOPE_ORG, .summary = "get an organisation" },
	{ .method = "PATCH", .pattern = "/api/v1/orgs/{id}", .fn = h_org_update, .roles = CERT,
	  .scope = SCOPE_ORG, .summary = "update an organisation" },
	{ .method = "DELETE", .pattern = "/api/v1/orgs/{id}", .fn = h_org_delete, .roles = CERT,
	  .scope = SCOPE_ORG, .summary = "delete an organisation" },
	{ .method = "GET", .pattern = "/api/v1/orgs/{id}/assets", .fn = h_asset_list, .roles = ALL,
	  .scope = SCOPE_ORG, .summary = "list assets" },
	{ .method = "POST", .pattern = "/api/v1/orgs/{id}/assets", .fn = h_asset_create,
	  .roles = CERT, .scope = SCOPE_ORG, .summary = "add an asset" },
	{ .method = "DELETE", .pattern = "/api/v1/orgs/{id}/assets/{asset}", .fn = h_asset_delete,
	  .roles = CERT, .scope = SCOPE_ORG, .summary = "remove an asset" },
	{ .method = "GET", .pattern = "/api/v1/orgs/{id}/contacts", .fn = h_contact_list,
	  .roles = ALL, .scope = SCOPE_ORG, .summary = "list contacts" },
	{ .method = "POST", .pattern = "/api/v1/orgs/{id}/contacts", .fn = h_contact_create,
	  .roles = CERT | ROLE_CONSTITUENT, .scope = SCOPE_ORG, .summary = "add a contact" },
	{ .method = "DELETE", .pattern = "/api/v1/orgs/{id}/contacts/{contact}",
	  .fn = h_contact_delete, .roles = CERT | ROLE_CONSTITUENT, .scope = SCOPE_ORG,
	  .summary = "remove a contact" },
	{ .method = "GET", .pattern = "/api/v1/lookup", .fn = h_lookup, .roles = STAFF,
	  .summary = "who owns an IP, domain, ASN or URL" },
	{ .method = "GET", .pattern = "/api/v1/users", .fn = h_user_list, .roles = ADMIN,
	  .summary = "list users" },
	{ .method = "POST", .pattern = "/api/v1/users", .fn = h_user_create, .roles = ADMIN,
	  .summary = "create a user" },
	{ .method = "DELETE", .pattern = "/api/v1/users/{id}", .fn = h_user_delete, .roles = ADMIN,
	  .summary = "delete a user" },
	{ .method = "PATCH", .pattern = "/api/v1/users/{id}", .fn = h_user_update, .roles = ADMIN,
	  .summary = "disable or enable a user (disabling ends their sessions and tokens)" },
	{ .method = "GET", .pattern = "/api/v1/teams", .fn = h_team_list, .roles = STAFF,
	  .summary = "list teams" },
	{ .method = "POST", .pattern = "/api/v1/teams", .fn = h_team_create, .roles = ADMIN,
	  .summary = "create a team" },
	{ .method = "POST", .pattern = "/api/v1/teams/{id}/members", .fn = h_team_add_member,
	  .roles = ADMIN, .summary = "add a team member" },
	{ .method = "DELETE", .pattern = "/api/v1/teams/{id}/members/{user}",
	  .fn = h_team_remove_member, .roles = ADMIN, .summary = "remove a team member" },
	{ .method = "GET", .pattern = "/api/v1/tokens", .fn = h_token_list, .roles = ALL,
	  .summary = "list my API tokens" },
	{ .method = "POST", .pattern = "/api/v1/tokens", .fn = h_token_create, .roles = ALL,
	  .summary = "create an API token" },
	{ .method = "DELETE", .pattern = "/api/v1/tokens/{id}", .fn = h_token_revoke, .roles = ALL,
	  .summary = "revoke an API token" },
	{ .method = "POST", .pattern = "/api/v1/teams/{id}", .fn = h_team_update, .roles = ADMIN,
	  .summary = "set a team's lead" },
	{ .method = "POST", .pattern = "/api/v1/teams/{id}/rota", .fn = h_rota_add, .roles = ADMIN,
	  .summary = "add an on-call slot or override" },
	{ .method = "GET", .pattern = "/api/v1/teams/{id}/oncall", .fn = h_oncall, .roles = STAFF,
	  .summary = "who is on call" },
	{ .method = "GET", .pattern = "/api/v1/routing-rules", .fn = h_rule_list, .roles = STAFF,
	  .summary = "list routing rules" },
	{ .method = "POST", .pattern = "/api/v1/routing-rules", .fn = h_rule_create,
	  .roles = ADMIN, .summary = "add a routing rule" },
	{ .method = "DELETE", .pattern = "/api/v1/routing-rules/{id}", .fn = h_rule_delete,
	  .roles = ADMIN, .summary = "remove a routing rule" },
	{ .method = "POST", .pattern = "/api/v1/reports", .fn = h_report, .roles = CERT,
	  .summary = "report a detection: opens an incident or adds an observation" },
	{ .method = "GET", .pattern = "/api/v1/incidents", .fn = h_incident_list, .roles = ALL,
	  .summary = "list and search incidents" },
	{ .method = "POST", .pattern = "/api/v1/incidents", .fn = h_incident_create,
	  .roles = CERT | ROLE_CONSTITUENT, .summary = "open an incident" },
	{ .method = "GET", .pattern = "/api/v1/incidents/{id}", .fn = h_incident_get, .roles = ALL,
	  .summary = "get an incident" },
	{ .method = "PATCH", .pattern = "/api/v1/incidents/{id}", .fn = h_incident_update,
	  .roles = STAFF, .summary = "edit an incident" },
	{ .method = "POST", .pattern = "/api/v1/incidents/{id}/transitions",
	  .fn = h_incident_transition, .roles = STAFF, .summary = "change an incident's state" },
	{ .method = "GET", .pattern = "/api/v1/incidents/{id}/transitions",
	  .fn = h_incident_transitions, .roles = ALL, .summary = "an incident's state history" },
	{ .method = "POST", .pattern = "/api/v1/incidents/{id}/assign", .fn = h_incident_assign,
	  .roles = STAFF, .summary = "assign an incident" },
	{ .method = "POST", .pattern = "/api/v1/incidents/{id}/merge", .fn = h_incident_merge,
	  .roles = STAFF, .summary = "merge an incident into another" },
	{ .method = "POST", .pattern = "/api/v1/incidents/{id}/links", .fn = h_incident_link,
	  .roles = STAFF, .summary = "relate two incidents" },
	{ .method = "GET", .pattern = "/api/v1/incidents/{id}/messages", .fn = h_message_list,
	  .roles = ALL, .summary = "an incident's thread" },
	{ .method = "POST", .pattern = "/api/v1/incidents/{id}/messages", .fn = h_message_create,
	  .roles = ALL, .summary = "post to an incident's thread" },
	{ .method = "GET", .pattern = "/api/v1/incidents/{id}/observations",
	  .fn = h_observation_list, .roles = ALL, .summary = "an incident's observations" },
	{ .method = "GET", .pattern = "/api/v1/incidents/{id}/evidence", .fn = h_evidence_list,
	  .roles = ALL, .summary = "list evidence" },
	{ .method = "POST", .pattern = "/api/v1/incidents/{id}/evidence", .fn = h_evidence_upload,
	  .roles = ALL, .raw_body = true, .summary = "attach evidence (the body is the file)" },
	{ .method = "GET", .pattern = "/api/v1/incidents/{id}/evidence/{evidence}",
	  .fn = h_evidence_download, .roles = ALL, .summary = "download evidence" },
	{ .method = "POST", .pattern = "/api/v1/feeds/uploads", .fn = h_feed_upload,
	  .roles = NATIONAL, .raw_body = true, .upload = true,
	  .summary = "upload a report file (Shadowserver CSV) and import it" },
	{ .method = "GET", .pattern = "/api/v1/feeds/files", .fn = h_feed_files, .roles = NATIONAL,
	  .summary = "imported report files and their counts" },
	{ .method = "GET", .pattern = "/api/v1/feeds/files/{id}", .fn = h_feed_file,
	  .roles = NATIONAL, .summary = "an imported report file with its rejected lines" },
	{ .method = "GET", .pattern = "/api/v1/feeds/unowned", .fn = h_feed_unowned,
	  .roles = NATIONAL, .summary = "reported hosts no organisation owns, by AS or prefix" },
	{ .method = "GET", .pattern = "/api/v1/stats", .fn = h_stats, .roles = ALL,
	  .summary = "the dashboard's figures, within the caller's scope" },
	{ .method = "GET", .pattern = "/api/v1/orgs/{id}/digests", .fn = h_org_digests,
	  .roles = ALL, .scope = SCOPE_ORG,
	  .summary = "report digests mailed to an organisation" },
	{ .method = "GET", .pattern = "/api/v1/sites", .fn = h_site_list, .roles = ALL,
	  .summary = "list watched websites" },
	{ .method = "GET", .pattern = "/api/v1/sites/{id}", .fn = h_site_get, .roles = ALL,
	  .summary = "get a watched website" },
	{ .method = "PATCH", .pattern = "/api/v1/sites/{id}", .fn = h_site_update, .roles = CERT,
	  .summary = "set a website's check interval or pause it" },
	{ .method = "GET", .pattern = "/api/v1/sites/{id}/checks", .fn = h_site_checks,
	  .roles = ALL, .summary = "a website's checks, newest first" },
	{ .method = "POST", .pattern = "/api/v1/sites/{id}/baseline", .fn = h_site_accept,
	  .roles = CERT, .summary = "accept a website's current page as its new baseline" },
	{ .method = "POST", .pattern = "/api/v1/sites/{id}/dns", .fn = h_site_dns, .roles = CERT,
	  .summary = "declare the DNS answers a website must give" },
	{ .method = "DELETE", .pattern = "/api/v1/sites/{id}/dns", .fn = h_site_dns, .roles = CERT,
	  .summary = "forget declared DNS answers: learn them again" },
	{ .method = "GET", .pattern = "/api/v1/sites/{id}/posture", .fn = h_site_posture,
	  .roles = ALL, .summary = "a website's security posture grade" },
	{ .method = "GET", .pattern = "/api/v1/orgs/{id}/posture", .fn = h_org_posture,
	  .roles = ALL, .scope = SCOPE_ORG,
	  .summary = "an organisation's security posture grade" },
	{ .method = "GET", .pattern = "/api/v1/watch/services", .fn = h_watch_services,
	  .roles = ALL, .summary = "the well-known third-party services a page may add" },
	{ .method = "GET", .pattern = "/api/v1/outbox", .fn = h_outbox_list, .roles = ADMIN,
	  .summary = "notifications: pending, sent, failed" },
	{ .method = "GET", .pattern = "/api/v1/audit", .fn = h_audit_list, .roles = ADMIN,
	  .summary = "read the audit log" },
	{ .method = "GET", .pattern = "/api/v1/audit/verify", .fn = h_audit_verify, .roles = ADMIN,
	  .summary = "verify the audit hash chain" },
	/* Advisories (issue 14, advisories.c). Writes that act for the whole
	** country are national work (NATIONAL: admins and analysts, with a
	** credential not narrowed); reads are scoped by the domain. */
	{ .method = "GET", .pattern = "/api/v1/advisories", .fn = h_advisory_list, .roles = ALL,
	  .summary = "list advisories (a constituent: those that target its organisation)" },
	{ .method = "POST", .pattern = "/api/v1/advisories", .fn = h_advisory_create,
	  .roles = NATIONAL, .summary = "create an advisory (a draft)" },
	{ .method = "POST", .pattern = "/api/v1/advisories/import", .fn = h_advisory_import,
	  .roles = NATIONAL, .summary = "import a vendor's CSAF 2.0 advisory as a draft" },
	{ .method = "POST", .pattern = "/api/v1/advisories/preview",
	  .fn = h_advisory_preview_draft, .roles = NATIONAL,
	  .summary = "the targets of a draft advisory (the editor's live preview)" },
	{ .method = "GET", .pattern = "/api/v1/advisories/{id}", .fn = h_advisory_get, .roles = ALL,
	  .summary = "get an advisory" },
	{ .method = "PUT", .pattern = "/api/v1/advisories/{id}", .fn = h_advisory_update,
	  .roles = NATIONAL, .summary = "update an advisory: a new version" },
	{ .method = "GET", .pattern = "/api/v1/advisories/{id}/history", .fn = h_advisory_history,
	  .roles = ALL, .summary = "an advisory's versions" },
	{ .method = "GET", .pattern = "/api/v1/advisories/{id}/csaf", .fn = h_advisory_csaf,
	  .roles = ALL, .summary = "an advisory as a CSAF 2.0 document" },
	{ .method = "GET", .pattern = "/api/v1/advisories/{id}/preview", .fn = h_advisory_preview,
	  .roles = CERT, .summary = "an advisory's targets and why, before publishing" },
	{ .method = "POST", .pattern = "/api/v1/advisories/{id}/exclusions/{org}",
	  .fn = h_advisory_exclusion, .roles = NATIONAL,
	  .summary = "take an organisation out of an advisory's targets, with a reason" },
	{ .method = "DELETE", .pattern = "/api/v1/advisories/{id}/exclusions/{org}",
	  .fn = h_advisory_exclusion, .roles = NATIONAL,
	  .summary = "put an excluded organisation back among an advisory's targets" },
	{ .method = "POST", .pattern = "/api/v1/advisories/{id}/publish", .fn = h_advisory_publish,
	  .roles = NATIONAL, .summary = "publish an advisory: notify its targets" },
	{ .method = "GET", .pattern = "/api/v1/advisories/{id}/targets", .fn = h_advisory_targets,
	  .roles = CERT, .summary = "track an advisory: every target's state and the totals" },
	{ .method = "POST", .pattern = "/api/v1/advisories/{id}/targets/{org}",
	  .fn = h_advisory_target_set, .roles = CERT | ROLE_CONSTITUENT,
	  .summary = "set a target's state: read, acknowledged, patched or not affected" },
	{ .method = "GET", .pattern = "/api/v1/advisory-links/{token}", .fn = h_advisory_link,
	  .roles = PUBLIC, .summary = "what an advisory mail's link does (a read link marks read)" },
	{ .method = "POST", .pattern = "/api/v1/advisory-links/{token}", .fn = h_advisory_link,
	  .roles = PUBLIC, .summary = "do what an advisory mail's link says (acknowledge)" },
	/* Indicator exports (issue 15, indicator_exports.c). A consumer polls
	** with its own token, which the handler checks (PUBLIC here: a user's
	** credential is no consumer's); choosing who receives the country's
	** indicators, and under which TLP, is national work. Listed before the
	** registry's /api/v1/indicators/{id}: routes match in table order. */
	{ .method = "GET", .pattern = "/api/v1/export/indicators",
	  .fn = h_indicator_export_consumer, .roles = PUBLIC,
	  .summary = "a consumer's export (Authorization: Bearer <consumer token>; ETag, 304)" },
	{ .method = "GET", .pattern = "/api/v1/indicators/export", .fn = h_indicator_export_staff,
	  .roles = STAFF, .summary = "download an export of the indicator registry" },
	{ .method = "GET", .pattern = "/api/v1/indicator-consumers",
	  .fn = h_indicator_consumer_list, .roles = NATIONAL,
	  .summary = "list export consumers" },
	{ .method = "POST", .pattern = "/api/v1/indicator-consumers",
	  .fn = h_indicator_consumer_create, .roles = NATIONAL,
	  .summary = "create an export consumer (its token is shown once)" },
	{ .method = "GET", .pattern = "/api/v1/indicator-consumers/{id}",
	  .fn = h_indicator_consumer_get, .roles = NATIONAL, .summary = "get an export consumer" },
	{ .method = "PATCH", .pattern = "/api/v1/indicator-consumers/{id}",
	  .fn = h_indicator_consumer_update, .roles = NATIONAL,
	  .summary = "change an export consumer's format, filter or marks" },
	{ .method = "DELETE", .pattern = "/api/v1/indicator-consumers/{id}",
	  .fn = h_indicator_consumer_delete, .roles = NATIONAL,
	  .summary = "delete an export consumer" },
	{ .method = "POST", .pattern = "/api/v1/indicator-consumers/{id}/rotate",
	  .fn = h_indicator_consumer_rotate, .roles = NATIONAL,
	  .summary = "give an export consumer a new token (the old one stops working)" },

	/* The indicator registry (issue 15, indicators.c): every signed-in role
	** reads, scoped by TLP (indicator_visible); CERT analysts write. */
	{ .method = "GET", .pattern = "/api/v1/indicators", .fn = h_indicator_list, .roles = ALL,
	  .summary = "search indicators (a constituent: what TLP lets it see)" },
	{ .method = "POST", .pattern = "/api/v1/indicators", .fn = h_indicator_create,
	  .roles = CERT, .summary = "list an indicator (held when a warninglist hits it)" },
	{ .method = "GET", .pattern = "/api/v1/indicators/{id}", .fn = h_indicator_get,
	  .roles = ALL, .summary = "an indicator with its incidents and recent sightings" },
	{ .method = "PATCH", .pattern = "/api/v1/indicators/{id}", .fn = h_indicator_update,
	  .roles = CERT, .summary = "change an indicator (TLP, expiry, status, ...)" },
	{ .method = "DELETE", .pattern = "/api/v1/indicators/{id}", .fn = h_indicator_delete,
	  .roles = CERT, .summary = "retire an indicator (kept and searchable, out of exports)" },
	{ .method = "GET", .pattern = "/api/v1/indicators/{id}/sightings",
	  .fn = h_indicator_sightings, .roles = ALL, .summary = "an indicator's sightings" },
	/* Triaged Android apps (issue 15, apps.c): analysts upload and decide,
	** staff read. The upload's body is the APK, up to apk.max_size. */
	{ .method = "POST", .pattern = "/api/v1/apps", .fn = h_app_submit, .roles = CERT,
	  .raw_body = true, .apk = true,
	  .summary = "upload an APK: triage it and record the app (the same file: the same record)" },
	{ .method = "GET", .pattern = "/api/v1/apps", .fn = h_app_list, .roles = STAFF,
	  .summary = "list triaged apps, newest first" },
	{ .method = "GET", .pattern = "/api/v1/apps/diff", .fn = h_app_diff, .roles = STAFF,
	  .summary = "two versions of an app side by side (same signer? new permissions?)" },
	{ .method = "GET", .pattern = "/api/v1/apps/{id}", .fn = h_app_get, .roles = STAFF,
	  .summary = "a triaged app and its verdict" },
	{ .method = "POST", .pattern = "/api/v1/apps/{id}/confirm", .fn = h_app_confirm,
	  .roles = CERT,
	  .summary = "confirm an app malicious: blacklist it, list its indicators" },
	{ .method = "POST", .pattern = "/api/v1/apps/{id}/benign", .fn = h_app_benign,
	  .roles = CERT, .summary = "mark an app benign" },
	{ .method = "GET", .pattern = "/api/v1/apps/{id}/takedown", .fn = h_app_takedown,
	  .roles = STAFF, .summary = "the takedown letter for an app store (lang=en or fa)" },
	/* Bulk import of indicators, held indicators, the warninglists in
	** force (issue 15, indicator_import.c): CERT work; the import's body is
	** the file (CSV or a plain list), hence a raw body. */
	{ .method = "POST", .pattern = "/api/v1/indicators/import", .fn = h_indicator_import,
	  .roles = CERT, .raw_body = true,
	  .summary = "bulk import of indicators (CSV or a plain list), or its preview" },
	{ .method = "POST", .pattern = "/api/v1/indicators/{id}/confirm", .fn = h_indicator_confirm,
	  .roles = CERT, .summary = "list a held indicator active (the warninglists overridden)" },
	{ .method = "POST", .pattern = "/api/v1/indicators/{id}/reject", .fn = h_indicator_reject,
	  .roles = CERT, .summary = "retire a held indicator (a false positive)" },
	{ .method = "GET", .pattern = "/api/v1/warninglists", .fn = h_warninglists, .roles = CERT,
	  .summary = "the MISP warninglists in force: directory, stats, lists" },
	{ .method = "GET", .pattern = "/api/v1/warninglists/held", .fn = h_warninglists_held,
	  .roles = CERT, .summary = "indicators held by a warninglist, waiting for a decision" },
	/* The flow live view (issue 16, flow.c): read by every role that reads
	** incidents, each within its scope (flow_live_*: a constituent sees the
	** hosts of their organisation, a provincial analyst their province's). */
	{ .method = "GET", .pattern = "/api/v1/flow/top", .fn = h_flow_top, .roles = ALL,
	  .summary = "the busiest protected hosts now, by pps, bps, flows or SYN/s" },
	{ .method = "GET", .pattern = "/api/v1/flow/attacks", .fn = h_flow_attacks, .roles = ALL,
	  .summary = "DDoS attacks the flow detector reported, newest first" },
	{ .method = "GET", .pattern = "/api/v1/flow/history", .fn = h_flow_history, .roles = ALL,
	  .summary = "one protected host's traffic over the last hour" },
	{ .method = NULL }, /* the end */
};

size_t http_route_count(void)
{
	return ARRAY_SIZE(http_routes) - 1;
}
