/*
** apps.c — HTTP handlers for triaged Android apps (issue 15): an APK
** uploaded as the raw request body (bounded by apk.max_size) is analysed
** and recorded, the records are listed and read, an analyst confirms an
** app malicious (choosing which candidate indicators enter the registry)
** or benign, reads the takedown letter for an app store in English or
** Persian, and compares two versions of an app.
**
** As everywhere, a handler decodes the request, calls one domain function
** of src/apk (record.c) and renders what it returns; who may do what,
** validation and the audit live there, shared with the CLI. The route
** table gives the writes to ROLES_CERT and the reads to staff.
*/
#include <stdlib.h>
#include <string.h>

#include "apk/apk.h"
#include "http/handlers.h"
#include "indicator/indicator.h"

/* The server's warninglists (http_warninglists: loaded once, shared). An
** upload without them still triages, its candidates shown unchecked (the
** registry checks each again when one is confirmed); a confirmation
** without them is refused, as the registry refuses to list unchecked. */
static const struct indicator_wl_set *wl_get(struct http_req *rq, struct perr *e)
{
	const struct indicator_wl_set *wl = NULL;
	if (http_warninglists(rq, &wl, e) != 0)
		return NULL;
	return wl;
}

static int problem(struct http_resp *rs, const struct perr *e)
{
	return http_problem(rs, e);
}

/* POST /api/v1/apps: the body is the APK. 201 with the record and its
** verdict; 200 with the existing record when the file was sent before. */
int h_app_submit(struct http_req *rq, struct http_resp *rs)
{
	struct apk_opts o = { .lim = { .max_size = (size_t)rq->cfg->apk_max_size,
				       .max_uncompressed = (uint64_t)rq->cfg->apk_max_uncompressed,
				       .max_entries = (uint32_t)rq->cfg->apk_max_entries } };
	struct apk_yara *y = NULL;
	struct perr e;
	int rc;

	if (rq->body_len == 0)
		return http_bad(rs, NULL, "the body is the APK file");
	/* the rules are compiled per upload: an analyst's edit of the rules
	** directory takes effect at the next sample, and a broken rule set is
	** said in the log rather than refusing the triage */
	if (rq->cfg->apk_yara_rules[0] && apk_yara_load(rq->cfg->apk_yara_rules, &y, &e) != 0)
		plog(PLOG_WARN, "apps: YARA rules %s: %s", rq->cfg->apk_yara_rules, e.msg);
	o.wl = wl_get(rq, &e);
	if (!o.wl)
		plog(PLOG_WARN, "apps: warninglists: %s (candidates shown unchecked)", e.msg);
	o.yara = y;
	rc = apk_submit(rq->st, &o, rq->who, rq->actor, (const uint8_t *)rq->body, rq->body_len,
			core_now_ms(), &rs->body, &e);
	apk_yara_free(y);
	if (rc != 0)
		return problem(rs, &e);
	rs->status = json_is_true(json_object_get(rs->body, "new")) ? 201 : 200;
	return 0;
}

/* GET /api/v1/apps?status=&limit=&cursor= */
int h_app_list(struct http_req *rq, struct http_resp *rs)
{
	int64_t before = 0, limit = 100;
	struct perr e;
	if (http_list_page(rq, rs, &before, &limit) != 0)
		return 0;
	if (apk_list(rq->st, rq->who, http_query(rq, "status"), before, (int)limit, &rs->body,
		     &e) != 0)
		return problem(rs, &e);
	http_next_as_string(rs->body);
	return 0;
}

/* GET /api/v1/apps/{id} */
int h_app_get(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	if (apk_get(rq->st, rq->who, rq->ids[0], &rs->body, &e) != 0)
		return problem(rs, &e);
	return 0;
}

#define MAX_CHOSEN 1000

/* POST /api/v1/apps/{id}/confirm {"candidates":[values], "incident_id",
** "reason"} */
int h_app_confirm(struct http_req *rq, struct http_resp *rs)
{
	json_t *root = NULL, *cands, *inc, *rsn, *x;
	const char *reason = NULL, *key;
	int64_t incident = 0;
	const char *chosen[MAX_CHOSEN];
	size_t n = 0, i;
	const struct indicator_wl_set *wl = NULL;
	struct perr e;
	json_error_t je;
	int rc;

	/* http_decode takes no arrays: the same strictness by hand (an
	** object, duplicate keys refused, only the three members) */
	if (rq->body_len) {
		root = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je);
		if (!root) {
			perr_set(&e, PERR_INVALID, NULL, "malformed JSON at line %d column %d: %s",
				 je.line, je.column, je.text);
			return problem(rs, &e);
		}
	} else {
		root = json_object();
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return http_bad(rs, NULL, "the body must be a JSON object");
	}
	json_object_foreach(root, key, x)
	{
		if (strcmp(key, "candidates") && strcmp(key, "incident_id") && strcmp(key, "reason")) {
			perr_set(&e, PERR_INVALID, key, "unknown field %s", key);
			json_decref(root);
			return problem(rs, &e);
		}
	}
	cands = json_object_get(root, "candidates");
	inc = json_object_get(root, "incident_id");
	rsn = json_object_get(root, "reason");
	if ((inc && !json_is_null(inc) && (!json_is_integer(inc) || json_integer_value(inc) < 1)) ||
	    (rsn && !json_is_null(rsn) && (!json_is_string(rsn) || json_string_length(rsn) > 4000)) ||
	    (cands && !json_is_null(cands) && !json_is_array(cands))) {
		const char *field = cands && !json_is_null(cands) && !json_is_array(cands) ? "candidates"
				    : rsn && !json_is_null(rsn) && !json_is_string(rsn)   ? "reason"
				    : inc && !json_is_integer(inc)			   ? "incident_id"
				    : rsn && json_is_string(rsn)			   ? "reason"
											   : "incident_id";
		json_decref(root);
		return http_bad(rs, field,
				"candidates is an array of values, incident_id a positive integer, "
				"reason a text of at most 4000 bytes");
	}
	incident = json_is_integer(inc) ? json_integer_value(inc) : 0;
	reason = json_is_string(rsn) ? json_string_value(rsn) : NULL;
	json_array_foreach(cands, i, x)
	{
		if (!json_is_string(x) || n == MAX_CHOSEN) {
			json_decref(root);
			return http_bad(rs, "candidates",
					"candidates is an array of at most 1000 strings");
		}
		chosen[n++] = json_string_value(x);
	}
	wl = wl_get(rq, &e);
	if (!wl) {
		json_decref(root);
		return problem(rs, &e);
	}
	rc = apk_confirm(rq->st, wl, rq->who, rq->actor, rq->ids[0], chosen, n, incident,
			 reason, core_now_ms(), &rs->body, &e);
	json_decref(root);
	if (rc != 0)
		return problem(rs, &e);
	return 0;
}

/* POST /api/v1/apps/{id}/benign */
int h_app_benign(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	if (apk_mark_benign(rq->st, rq->who, rq->actor, rq->ids[0], core_now_ms(), &e) != 0)
		return problem(rs, &e);
	if (apk_get(rq->st, rq->who, rq->ids[0], &rs->body, &e) != 0)
		return problem(rs, &e);
	return 0;
}

/* GET /api/v1/apps/{id}/takedown?lang=en|fa: {"lang","subject","body"} */
int h_app_takedown(struct http_req *rq, struct http_resp *rs)
{
	const char *lang = http_query(rq, "lang");
	char *subject = NULL, *body = NULL;
	struct perr e;
	if (!lang || !lang[0])
		lang = "en";
	if (apk_takedown(rq->st, rq->cfg, rq->who, rq->ids[0], lang, &subject, &body, &e) != 0)
		return problem(rs, &e);
	rs->body = json_pack("{s:s, s:s, s:s}", "lang", lang, "subject", subject, "body", body);
	free(subject);
	free(body);
	return 0;
}

/* GET /api/v1/apps/diff?a=ID&b=ID */
int h_app_diff(struct http_req *rq, struct http_resp *rs)
{
	int64_t a, b;
	const char *qa = http_query(rq, "a"), *qb = http_query(rq, "b");
	struct perr e;
	if (!qa || parse_i64(qa, 1, INT64_MAX, &a) != 0)
		return http_bad(rs, "a", "a is the id of an app");
	if (!qb || parse_i64(qb, 1, INT64_MAX, &b) != 0)
		return http_bad(rs, "b", "b is the id of an app");
	if (apk_diff_records(rq->st, rq->who, a, b, &rs->body, &e) != 0)
		return problem(rs, &e);
	return 0;
}
