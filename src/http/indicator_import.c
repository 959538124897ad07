/*
** indicator_import.c — HTTP handlers for the bulk import of indicators
** (with its preview), the decision on held indicators, and the MISP
** warninglists in force (issue 15).
**
** As everywhere, a handler decodes the request, calls one domain function
** of src/indicator (import.c, hold.c, wlinstall.c) and renders what it
** returns; the rules (who may curate, what a row does, the audit) live
** there and are shared with `parapet indicator import|confirm|reject|
** warninglists`. The import's body is the file itself (CSV or a plain
** list, any content type), so its route takes a raw body; it still runs
** in the request's transaction, which a preview leaves unchanged.
*/
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"
#include "indicator/indicator.h"

/* A boolean query argument: absent = dflt; "true"/"1" or "false"/"0". */
static int query_bool(struct http_req *rq, const char *key, bool dflt, bool *out)
{
	const char *v = http_query(rq, key);
	*out = dflt;
	if (!v || !v[0])
		return 0;
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*out = true;
	else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*out = false;
	else
		return -1;
	return 0;
}

/* A query argument, NULL when absent or empty. */
static const char *query_opt(struct http_req *rq, const char *key)
{
	const char *v = http_query(rq, key);
	return v && v[0] ? v : NULL;
}

/* POST /api/v1/indicators/import?format=csv|plain&type=&preview=&confirm=
** &tlp=&reason=&class=: the body is the file. 200 with the result
** (indicator_import_run's object: a preview lists every row, an import
** the invalid and held ones), 422 with the same object when no row is
** valid. */
int h_indicator_import(struct http_req *rq, struct http_resp *rs)
{
	struct indicator_import_opts o = {
		.tlp = query_opt(rq, "tlp"),
		.reason = query_opt(rq, "reason"),
		.class_ = query_opt(rq, "class"),
		.source = query_opt(rq, "source"),
		.source_ref = query_opt(rq, "source_ref"),
	};
	bool preview;
	const char *f = query_opt(rq, "format"), *t = query_opt(rq, "type");
	if (query_bool(rq, "preview", false, &preview) != 0)
		return http_bad(rs, "preview", "preview is true or false");
	if (query_bool(rq, "confirm", false, &o.confirm) != 0)
		return http_bad(rs, "confirm", "confirm is true or false");
	o.notable_only = !preview; /* an import lists what needs a person */
	o.format = f ? indicator_import_format_parse(f) : INDICATOR_IMPORT_CSV;
	if (!o.format)
		return http_bad(rs, "format", "format is csv or plain");
	if (t && (o.type = indicator_type_parse(t)) == INDICATOR_NONE)
		return http_bad(rs, "type", "unknown indicator type");
	if (rq->body_len == 0)
		return http_bad(rs, NULL, "the body is the list to import (CSV or plain)");
	struct perr e;
	const struct indicator_wl_set *wl = NULL;
	json_t *res = NULL;
	/* the server's one set (POST /api/v1/indicators checks the same) */
	if (http_warninglists(rq, &wl, &e) != 0)
		return http_problem(rs, &e);
	int rc = indicator_import_run(rq->st, wl, rq->who, rq->actor, &o, rq->body, rq->body_len,
				      preview, core_now_ms(), &res, &e);
	if (rc != 0)
		return http_problem(rs, &e);
	if (!indicator_import_valid(res))
		rs->status = 422;
	rs->body = res;
	return 0;
}

/* POST /api/v1/indicators/{id}/confirm and /reject (body optional:
** {"reason"} for a rejection). Answers the indicator as the registry
** shows it. */
static int decide(struct http_req *rq, struct http_resp *rs, bool confirm)
{
	char *reason = NULL;
	struct perr e;
	if (!rq->ids[0])
		return http_bad(rs, "id", "id must be a positive integer");
	if (rq->body_len) {
		json_error_t je;
		json_t *b = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je);
		json_t *r = json_object_get(b, "reason");
		if (!json_is_object(b) || (r && !json_is_string(r) && !json_is_null(r))) {
			json_decref(b);
			return http_bad(rs, "reason", "the body is {\"reason\": text}");
		}
		if (json_is_string(r) && !(reason = strdup(json_string_value(r)))) {
			json_decref(b);
			perr_set(&e, PERR_INTERNAL, NULL, "out of memory");
			return http_problem(rs, &e);
		}
		json_decref(b);
	}
	int rc = confirm ? indicator_confirm(rq->st, rq->who, rq->actor, rq->ids[0],
					     core_now_ms(), &e)
			 : indicator_reject(rq->st, rq->who, rq->actor, rq->ids[0], reason,
					    core_now_ms(), &e);
	free(reason);
	if (rc != 0 || indicator_get(rq->st, rq->who, rq->ids[0], &rs->body, &e) != 0)
		return http_problem(rs, &e);
	return 0;
}

int h_indicator_confirm(struct http_req *rq, struct http_resp *rs)
{
	return decide(rq, rs, true);
}

int h_indicator_reject(struct http_req *rq, struct http_resp *rs)
{
	return decide(rq, rs, false);
}

/* GET /api/v1/warninglists: the directory in force, the stats of the set
** the server matches against, each list. */
int h_warninglists(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	char dir[1100];
	const struct indicator_wl_set *wl = NULL;
	if (store_data_dir_get(rq->st, dir, sizeof(dir), &e) != 0 ||
	    http_warninglists(rq, &wl, &e) != 0 ||
	    indicator_wl_show(rq->cfg, dir, wl, true, &rs->body, &e) != 0)
		return http_problem(rs, &e);
	return 0;
}

/* GET /api/v1/warninglists/held?limit=: the indicators the lists hold. */
int h_warninglists_held(struct http_req *rq, struct http_resp *rs)
{
	int64_t limit = 100;
	const char *l = http_query(rq, "limit");
	if (l && parse_i64(l, 1, 1000, &limit) != 0)
		return http_bad(rs, "limit", "limit must be from 1 to 1000");
	struct perr e;
	if (indicator_held_list(rq->st, rq->who, limit, &rs->body, &e) != 0)
		return http_problem(rs, &e);
	return 0;
}
