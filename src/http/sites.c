/*
** sites.c — HTTP handlers for the website watch: watched sites, their
** checks, accepting a redesign as the new baseline, posture grades, and
** the well-known services list.
**
** As everywhere, the handler decodes and renders; the scope and role
** checks are in the monitor module's functions, which the CLI shares.
*/
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"
#include "monitor/monitor.h"
#include "watch/watch.h"

static int query_int(struct http_req *rq, const char *key, int64_t min, int64_t max,
		     int64_t dflt, int64_t *out)
{
	const char *v = http_query(rq, key);
	*out = dflt;
	return v ? parse_i64(v, min, max, out) : 0;
}

int h_site_list(struct http_req *rq, struct http_resp *rs)
{
	int64_t org, after, limit;
	if (query_int(rq, "org_id", 1, INT64_MAX, 0, &org) != 0)
		return http_bad(rs, "org_id", "org_id must be a positive integer");
	if (query_int(rq, "cursor", 1, INT64_MAX, 0, &after) != 0)
		return http_bad(rs, "cursor", "malformed cursor");
	if (query_int(rq, "limit", 1, 500, 100, &limit) != 0)
		return http_bad(rs, "limit", "limit must be from 1 to 500");
	const char *state = http_query(rq, "state"); /* checked by monitor_site_list */
	json_t *items = json_array();
	int64_t next;
	struct perr e;
	if (monitor_site_list(rq->st, rq->who, org, state, after, limit, items, &next, &e) != 0) {
		json_decref(items);
		return http_problem(rs, &e);
	}
	rs->body = json_pack("{so}", "items", items);
	char nt[32];
	snprintf(nt, sizeof(nt), "%lld", (long long)next);
	json_object_set_new(rs->body, "next", next ? json_string(nt) : json_null());
	return 0;
}

int h_site_get(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	if (monitor_site_get(rq->st, rq->who, rq->ids[0], &rs->body, &e) != 0)
		return http_problem(rs, &e);
	return 0;
}

int h_site_update(struct http_req *rq, struct http_resp *rs)
{
	int64_t interval = 0;
	bool enabled = false, has_enabled = false;
	struct jfield f[] = {
		{ .name = "interval", .type = JF_INT, .min = 30, .max = 86400, .out = &interval },
		{ .name = "enabled", .type = JF_BOOL, .out = &enabled, .present = &has_enabled },
	};
	json_t *doc;
	struct perr e;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	json_decref(doc);
	if (monitor_site_configure(rq->st, rq->who, rq->actor, rq->ids[0], interval,
				   has_enabled ? enabled : -1, &rs->body, &e) != 0)
		return http_problem(rs, &e);
	return 0;
}

int h_site_checks(struct http_req *rq, struct http_resp *rs)
{
	int64_t before, limit;
	if (query_int(rq, "cursor", 1, INT64_MAX, 0, &before) != 0)
		return http_bad(rs, "cursor", "malformed cursor");
	if (query_int(rq, "limit", 1, 200, 20, &limit) != 0)
		return http_bad(rs, "limit", "limit must be from 1 to 200");
	json_t *items = json_array();
	struct perr e;
	if (monitor_site_checks(rq->st, rq->who, rq->ids[0], before, limit, items, &e) != 0) {
		json_decref(items);
		return http_problem(rs, &e);
	}
	size_t n = json_array_size(items);
	json_t *last = n == (size_t)limit ? json_array_get(items, n - 1) : NULL;
	char nt[32];
	snprintf(nt, sizeof(nt), "%lld", (long long)json_integer_value(json_object_get(last, "id")));
	rs->body = json_pack("{so}", "items", items);
	json_object_set_new(rs->body, "next", last ? json_string(nt) : json_null());
	return 0;
}

int h_site_accept(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	if (monitor_accept_baseline(rq->st, rq->cfg, rq->blob_dir, rq->who, rq->actor, rq->ids[0],
				    &e) != 0 ||
	    monitor_site_get(rq->st, rq->who, rq->ids[0], &rs->body, &e) != 0)
		return http_problem(rs, &e);
	return 0;
}

int h_site_posture(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	if (monitor_site_posture(rq->st, rq->who, rq->ids[0], &rs->body, &e) != 0)
		return http_problem(rs, &e);
	return 0;
}

/* The route is SCOPE_ORG: the server has checked the organisation. */
int h_org_posture(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	if (monitor_org_posture(rq->st, rq->ids[0], &rs->body, &e) != 0)
		return http_problem(rs, &e);
	return 0;
}

/* POST: the body is the declaration; DELETE: learn the answers again. */
int h_site_dns(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	json_t *decl = NULL;
	if (strcmp(rq->method, "POST") == 0) {
		json_error_t je;
		decl = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je);
		if (!json_is_object(decl)) {
			json_decref(decl);
			return http_bad(rs, NULL, "send a JSON object such as {\"a\":[\"192.0.2.1\"]}");
		}
	}
	int rc = monitor_site_declare_dns(rq->st, rq->who, rq->actor, rq->ids[0], decl, &rs->body,
					  &e);
	json_decref(decl);
	return rc != 0 ? http_problem(rs, &e) : 0;
}

/* GET /api/v1/watch/services[?category=C]: the list the judge uses, the
** same rendering as `parapet watch services --json`. */
int h_watch_services(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	rs->body = watch_services_json(http_query(rq, "category"), &e);
	if (!rs->body)
		return http_problem(rs, &e);
	return 0;
}
