/*
** flow.c — HTTP handlers of the flow live view (issue 16): the busiest
** protected hosts now, the attacks the detector reported, and one host's
** last hour, for the DDoS page of the web interface and for scripts.
**
** Each handler decodes the query string, calls one of src/flow/live.c's
** reads (flow_live_top, flow_live_attacks, flow_live_history, which
** `parapet flow top|attacks|history` call too) and wraps the array it
** returns as {"items": [...]}, as every list of the API is. Validation of
** by, host, direction and the scope of the caller (a constituent sees the
** hosts of their organisation, a provincial analyst their province's)
** live there; what is decoded here (numbers, times, a flag) is refused
** with an RFC 9457 problem naming the parameter.
*/
#include <string.h>

#include "flow/flow.h"
#include "http/handlers.h"

/* The parameters every flow read shares: by, host, direction, limit,
** open, since. 0, or -1 with a 400 in rs naming the parameter. */
static int decode_query(struct http_req *rq, struct http_resp *rs, struct flow_live_query *q)
{
	memset(q, 0, sizeof(*q));
	q->by = http_query(rq, "by");
	q->host = http_query(rq, "host");
	q->direction = http_query(rq, "direction");
	const char *l = http_query(rq, "limit"), *o = http_query(rq, "open"),
		   *s = http_query(rq, "since");
	if (l && parse_i64(l, 1, 1000, &q->limit) != 0) {
		http_bad(rs, "limit", "limit must be from 1 to 1000");
		return -1;
	}
	if (o && o[0]) {
		if (strcmp(o, "true") == 0 || strcmp(o, "1") == 0) {
			q->open_only = true;
		} else if (strcmp(o, "false") != 0 && strcmp(o, "0") != 0) {
			http_bad(rs, "open", "open must be true or false");
			return -1;
		}
	}
	if (s && s[0] && (core_parse_iso8601(s, &q->since_ms) != 0 || q->since_ms <= 0)) {
		http_bad(rs, "since", "since must be an ISO 8601 time (2027-01-31T00:00:00Z)");
		return -1;
	}
	return 0;
}

typedef int (*live_read_fn)(struct store *st, const struct principal *p,
			    const struct flow_live_query *q, struct json_t **out, struct perr *err);

static int live_read(struct http_req *rq, struct http_resp *rs, live_read_fn read)
{
	struct flow_live_query q;
	if (decode_query(rq, rs, &q) != 0)
		return 0;
	json_t *items;
	struct perr e;
	if (read(rq->st, rq->who, &q, &items, &e) != 0)
		return http_problem(rs, &e);
	rs->body = json_pack("{so}", "items", items);
	return 0;
}

/* GET /api/v1/flow/top?by=&host=&direction=&limit= */
int h_flow_top(struct http_req *rq, struct http_resp *rs)
{
	return live_read(rq, rs, flow_live_top);
}

/* GET /api/v1/flow/attacks?open=&since=&host=&direction=&limit= */
int h_flow_attacks(struct http_req *rq, struct http_resp *rs)
{
	return live_read(rq, rs, flow_live_attacks);
}

/* GET /api/v1/flow/history?host=&direction=&since= */
int h_flow_history(struct http_req *rq, struct http_resp *rs)
{
	return live_read(rq, rs, flow_live_history);
}
