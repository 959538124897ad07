/*
** indicators.c — HTTP handlers of the indicator registry (issue 15): search
** with a cursor, listing a value, reading, changing and retiring an
** indicator, and its sightings.
**
** As everywhere, a handler decodes the request, calls one domain function
** of src/indicator/registry.c and renders what it returns; every rule
** (canonical values, warninglists, TLP scope, audit) lives there and is
** shared with `parapet indicator ...`. The route table lets every signed-in
** role read (a constituent sees what TLP lets them: indicator_visible) and
** CERT analysts write. A value on a MISP warninglist is stored held and
** answered 202 with the lists named, so a client knows it is not yet
** blocking anything; listed, it is 201.
*/
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"
#include "indicator/indicator.h"

/* GET /api/v1/indicators?value=&prefix=&contains=&within=&type=&class=&tag=
** &source=&tlp=&status=&expired=&org=&limit=&cursor= */
int h_indicator_list(struct http_req *rq, struct http_resp *rs)
{
	struct indicator_filter f = {
		.value = http_query(rq, "value"),
		.prefix = http_query(rq, "prefix"),
		.contains = http_query(rq, "contains"),
		.within = http_query(rq, "within"),
		.type = http_query(rq, "type"),
		.class_ = http_query(rq, "class"),
		.tag = http_query(rq, "tag"),
		.source = http_query(rq, "source"),
		.tlp = http_query(rq, "tlp"),
		.status = http_query(rq, "status"),
		.expired = http_query(rq, "expired"),
	};
	const char *c = http_query(rq, "cursor"), *l = http_query(rq, "limit"),
		   *o = http_query(rq, "org");
	if (c && c[0] && parse_i64(c, 1, INT64_MAX, &f.cursor) != 0)
		return http_bad(rs, "cursor", "malformed cursor");
	if (l && l[0] && parse_i64(l, 1, 1000, &f.limit) != 0)
		return http_bad(rs, "limit", "limit must be from 1 to 1000");
	if (o && o[0] && parse_i64(o, 1, INT64_MAX, &f.org_id) != 0)
		return http_bad(rs, "org", "org must be an organisation id");
	struct perr e;
	if (indicator_search(rq->st, rq->who, &f, core_now_ms(), &rs->body, &e) != 0)
		return http_problem(rs, &e);
	http_next_as_string(rs->body);
	return 0;
}

/* An ISO 8601 time of a body field as ms; 0 when absent. */
static int body_time(const char *v, const char *field, int64_t *out, struct http_resp *rs)
{
	*out = 0;
	if (v && core_parse_iso8601(v, out) != 0) {
		http_bad(rs, field, "must be an ISO 8601 date or time (2027-01-31T00:00:00Z)");
		return -1;
	}
	return 0;
}

/* POST /api/v1/indicators {"type", "value", "reason", "tlp", "class",
** "confidence", "tags", "attribution", "source", "source_ref", "org_id",
** "incident_id", "expires", "confirm"} */
int h_indicator_create(struct http_req *rq, struct http_resp *rs)
{
	struct indicator_spec s;
	memset(&s, 0, sizeof(s));
	const char *expires = NULL;
	int64_t conf = -1;
	struct jfield f[] = {
		{ .name = "type", .type = JF_STRING, .maxlen = 16, .out = &s.type },
		{ .name = "value", .type = JF_STRING, .required = true,
		  .maxlen = INDICATOR_VALUE_MAX, .out = &s.value },
		{ .name = "reason", .type = JF_STRING, .maxlen = 1023, .out = &s.reason },
		{ .name = "tlp", .type = JF_STRING, .maxlen = 16, .out = &s.tlp },
		{ .name = "class", .type = JF_STRING, .maxlen = 47, .out = &s.class_ },
		{ .name = "confidence", .type = JF_INT, .min = 0, .max = 100, .out = &conf },
		{ .name = "tags", .type = JF_STRING, .maxlen = 511, .out = &s.tags },
		{ .name = "attribution", .type = JF_STRING, .maxlen = 255, .out = &s.attribution },
		{ .name = "source", .type = JF_STRING, .maxlen = 8, .out = &s.source },
		{ .name = "source_ref", .type = JF_STRING, .maxlen = 255, .out = &s.source_ref },
		{ .name = "org_id", .type = JF_INT, .min = 1, .max = INT64_MAX, .out = &s.org_id },
		{ .name = "incident_id", .type = JF_INT, .min = 1, .max = INT64_MAX,
		  .out = &s.incident_id },
		{ .name = "expires", .type = JF_STRING, .maxlen = 40, .out = &expires },
		{ .name = "confirm", .type = JF_BOOL, .out = &s.confirm },
	};
	json_t *doc = NULL;
	struct perr e;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	s.confidence = (int)conf;
	const struct indicator_wl_set *wl = NULL;
	int64_t id = 0;
	char held[512];
	int rc = -1;
	if (body_time(expires, "expires", &s.expires_ms, rs) != 0)
		goto out;
	if (http_warninglists(rq, &wl, &e) != 0) {
		http_problem(rs, &e);
		goto out;
	}
	rc = indicator_add(rq->st, wl, rq->who, rq->actor, &s, core_now_ms(), &id, held,
			   sizeof(held), &e);
	if (rc < 0) {
		http_problem(rs, &e);
		goto out;
	}
	if (rc == 0) {
		rs->status = 201;
		rs->body = json_pack("{sIss}", "id", (json_int_t)id, "status", "active");
	} else {
		/* stored, not yet blocking: an analyst confirms it */
		json_t *lists = json_array();
		for (char *p = held, *q; lists && *p; p = q ? q + 2 : p + strlen(p)) {
			q = strstr(p, "; ");
			json_array_append_new(lists, json_stringn(p, q ? (size_t)(q - p) : strlen(p)));
		}
		rs->status = 202;
		rs->body = json_pack("{sIssso}", "id", (json_int_t)id, "status", "held",
				     "warninglists", lists ? lists : json_array());
	}
out:
	json_decref(doc);
	return 0;
}

/* GET /api/v1/indicators/{id} */
int h_indicator_get(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	if (indicator_get(rq->st, rq->who, rq->ids[0], &rs->body, &e) != 0)
		return http_problem(rs, &e);
	return 0;
}

/* PATCH /api/v1/indicators/{id} {"reason", "class", "tlp", "confidence",
** "attribution", "tags", "expires", "org_id" (0: none), "status"} */
int h_indicator_update(struct http_req *rq, struct http_resp *rs)
{
	struct indicator_patch pt = { .confidence = -1, .org_id = -1 };
	const char *expires = NULL;
	int64_t conf = -1, org = -1;
	bool has_conf = false, has_org = false;
	struct jfield f[] = {
		{ .name = "reason", .type = JF_STRING, .maxlen = 1023, .out = &pt.reason },
		{ .name = "class", .type = JF_STRING, .maxlen = 47, .out = &pt.class_ },
		{ .name = "tlp", .type = JF_STRING, .maxlen = 16, .out = &pt.tlp },
		{ .name = "confidence", .type = JF_INT, .min = 0, .max = 100, .out = &conf,
		  .present = &has_conf },
		{ .name = "attribution", .type = JF_STRING, .maxlen = 255, .out = &pt.attribution },
		{ .name = "tags", .type = JF_STRING, .maxlen = 511, .out = &pt.tags },
		{ .name = "expires", .type = JF_STRING, .maxlen = 40, .out = &expires },
		{ .name = "org_id", .type = JF_INT, .min = 0, .max = INT64_MAX, .out = &org,
		  .present = &has_org },
		{ .name = "status", .type = JF_STRING, .maxlen = 16, .out = &pt.status },
	};
	json_t *doc = NULL;
	struct perr e;
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	if (has_conf)
		pt.confidence = (int)conf;
	if (has_org)
		pt.org_id = org;
	if (body_time(expires, "expires", &pt.expires_ms, rs) == 0) {
		if (indicator_update(rq->st, rq->who, rq->actor, rq->ids[0], &pt, core_now_ms(),
				     &e) != 0 ||
		    indicator_get(rq->st, rq->who, rq->ids[0], &rs->body, &e) != 0)
			http_problem(rs, &e);
	}
	json_decref(doc);
	return 0;
}

/* DELETE /api/v1/indicators/{id}: retired, kept and searchable. */
int h_indicator_delete(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	if (indicator_retire(rq->st, rq->who, rq->actor, rq->ids[0], core_now_ms(), &e) != 0 ||
	    indicator_get(rq->st, rq->who, rq->ids[0], &rs->body, &e) != 0)
		return http_problem(rs, &e);
	return 0;
}

/* GET /api/v1/indicators/{id}/sightings?limit= */
int h_indicator_sightings(struct http_req *rq, struct http_resp *rs)
{
	int64_t limit = 0;
	const char *l = http_query(rq, "limit");
	if (l && l[0] && parse_i64(l, 1, 1000, &limit) != 0)
		return http_bad(rs, "limit", "limit must be from 1 to 1000");
	struct perr e;
	json_t *items = NULL;
	if (indicator_sightings(rq->st, rq->who, rq->ids[0], limit, &items, &e) != 0)
		return http_problem(rs, &e);
	rs->body = json_pack("{so}", "items", items);
	return 0;
}
