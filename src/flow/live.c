/*
** live.c — what people read of the flow collector inside `parapet serve`:
** the busiest protected hosts now, the attacks, and one host's last hour
** (flow_live_top, flow_live_attacks, flow_live_history in flow.h).
**
** The CLI (`parapet flow top|attacks|history`) and the API
** (/api/v1/flow/...) both call these, so the rules live here once: the
** query is validated (a field named in every refusal), the host is read in
** any spelling and canonicalised the way the job writes it (inet_ntop: a
** responder pasting "2001:DB8::1" from one tool and "2001:db8:0::1" from
** another asks about one host), and the principal's scope is handed to the
** store as SQL conditions (identity_list_scope): a constituent sees the
** hosts their organisation owns, a provincial analyst those of their
** province, exactly as the incident list scopes them. The JSON written is
** the one shape the CLI's --json, the API and the UI share; times are ISO
** 8601 strings as everywhere else (core_json_time).
*/
#include <arpa/inet.h>
#include <string.h>

#include <jansson.h>

#include "core/core.h"
#include "flow/flow.h"
#include "identity/identity.h"
#include "store/store.h"

#define LIVE_LIMIT_DEFAULT 20
#define LIVE_LIMIT_MAX 1000

static const char *const by_names[FLOW_BY_N] = { "pps", "bps", "flows", "syn" };

const char *flow_by_name(enum flow_by b)
{
	return (unsigned)b < FLOW_BY_N ? by_names[b] : "?";
}

int flow_by_parse(const char *s, enum flow_by *out, struct perr *err)
{
	for (int k = 0; s && k < FLOW_BY_N; k++) {
		if (strcmp(s, by_names[k]) == 0) {
			*out = (enum flow_by)k;
			return 0;
		}
	}
	return perr_set(err, PERR_INVALID, "by", "by must be pps, bps, flows or syn");
}

/* The address text the job writes for host (inet_ntop of the family the
** address is in) into out. An IPv4-mapped IPv6 address ("::ffff:192.0.2.1")
** is the IPv4 host: a dual-stack tool prints it that way, and the
** collector counts IPv4 hosts in their own family. 0, or -1 with
** PERR_INVALID "host". */
static int canonical_host(const char *host, char out[46], struct perr *err)
{
	uint8_t a[16];
	if (strlen(host) < 46) {
		if (inet_pton(AF_INET, host, a) == 1 && inet_ntop(AF_INET, a, out, 46))
			return 0;
		if (inet_pton(AF_INET6, host, a) == 1) {
			static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
			const char *ok = memcmp(a, mapped, 12) == 0
						 ? inet_ntop(AF_INET, a + 12, out, 46)
						 : inet_ntop(AF_INET6, a, out, 46);
			if (ok)
				return 0;
		}
	}
	return perr_set(err, PERR_INVALID, "host", "host must be an IPv4 or IPv6 address");
}

static bool given(const char *s)
{
	return s && s[0];
}

/* q checked and turned into the store's query, scoped for p (NULL: the
** local operator, unscoped). host_buf holds the canonical host sq->host
** points to. */
static int store_query(const struct principal *p, const struct flow_live_query *q,
		       char host_buf[46], struct store_flow_query *sq, struct perr *err)
{
	memset(sq, 0, sizeof(*sq));
	enum flow_by by = FLOW_BY_PPS;
	if (given(q->by) && flow_by_parse(q->by, &by, err) != 0)
		return -1;
	sq->by = flow_by_name(by);
	host_buf[0] = '\0';
	if (given(q->host) && canonical_host(q->host, host_buf, err) != 0)
		return -1;
	sq->host = host_buf;
	sq->direction = "";
	if (given(q->direction)) {
		if (strcmp(q->direction, "incoming") != 0 && strcmp(q->direction, "outgoing") != 0)
			return perr_set(err, PERR_INVALID, "direction",
					"direction must be incoming or outgoing");
		sq->direction = q->direction;
	}
	if (q->limit < 0 || q->limit > LIVE_LIMIT_MAX)
		return perr_set(err, PERR_INVALID, "limit", "limit must be from 1 to %d",
				LIVE_LIMIT_MAX);
	sq->limit = q->limit ? q->limit : LIVE_LIMIT_DEFAULT;
	if (q->since_ms < 0)
		return perr_set(err, PERR_INVALID, "since", "since must be a time after 1970");
	sq->scope_province = "";
	if (p) {
		const char *prov = NULL;
		identity_list_scope(p, &prov, &sq->scope_org);
		if (prov)
			sq->scope_province = prov;
	}
	return 0;
}

static json_t *opt_id(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

/* The rates of r into j (the fields top and history share). */
static void put_rates(json_t *j, const struct store_flow_rate *r)
{
	json_object_set_new(j, "direction", json_string(r->direction));
	json_object_set_new(j, "at", core_json_time(r->at_ms));
	json_object_set_new(j, "pps", json_integer(r->pps));
	json_object_set_new(j, "bps", json_integer(r->bps));
	json_object_set_new(j, "flows", json_integer(r->flows));
	json_object_set_new(j, "syn_pps", json_integer(r->syn_pps));
	json_object_set_new(j, "tcp_pps", json_integer(r->tcp_pps));
	json_object_set_new(j, "udp_pps", json_integer(r->udp_pps));
	json_object_set_new(j, "icmp_pps", json_integer(r->icmp_pps));
	json_object_set_new(j, "frag_pps", json_integer(r->frag_pps));
}

static int top_row(void *ud, const struct store_flow_rate *r)
{
	json_t *j = json_object();
	if (!j)
		return -1;
	json_object_set_new(j, "host", json_string(r->host));
	json_object_set_new(j, "org_id", opt_id(r->org_id));
	put_rates(j, r);
	return json_array_append_new(ud, j);
}

static int history_row(void *ud, const struct store_flow_rate *r)
{
	json_t *j = json_object();
	if (!j)
		return -1;
	put_rates(j, r);
	return json_array_append_new(ud, j);
}

static int attack_row(void *ud, const struct store_flow_attack *a)
{
	json_t *j = json_object();
	if (!j)
		return -1;
	json_object_set_new(j, "id", json_integer(a->id));
	json_object_set_new(j, "host", json_string(a->host));
	json_object_set_new(j, "direction", json_string(a->direction));
	json_object_set_new(j, "org_id", opt_id(a->org_id));
	json_object_set_new(j, "incident_id", opt_id(a->incident_id));
	json_object_set_new(j, "type", json_string(a->type));
	json_object_set_new(j, "amplification_port", json_integer(a->amp_port));
	json_object_set_new(j, "metric", json_string(a->metric));
	json_object_set_new(j, "threshold", json_integer(a->threshold));
	json_object_set_new(j, "value", json_integer(a->value));
	json_object_set_new(j, "learned", json_boolean(a->learned));
	json_object_set_new(j, "start", core_json_time(a->start_ms));
	json_object_set_new(j, "end", core_json_time(a->end_ms)); /* 0: null, open */
	json_object_set_new(j, "open", json_boolean(a->end_ms == 0));
	json_object_set_new(j, "peak_pps", json_integer(a->peak_pps));
	json_object_set_new(j, "peak_bps", json_integer(a->peak_bps));
	json_object_set_new(j, "peak_flows", json_integer(a->peak_flows));
	json_object_set_new(j, "announced", json_boolean(a->announced));
	json_object_set_new(j, "banned", json_boolean(a->banned));
	return json_array_append_new(ud, j);
}

/* *out = arr on rc 0, else arr released; a callback's -1 (out of memory)
** without a store error is reported as such. */
static int finish(int rc, json_t *arr, json_t **out, struct perr *err)
{
	if (rc != 0) {
		json_decref(arr);
		if (rc > 0 || err->kind == PERR_OK)
			perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		return -1;
	}
	*out = arr;
	return 0;
}

int flow_live_top(struct store *st, const struct principal *p, const struct flow_live_query *q,
		  struct json_t **out, struct perr *err)
{
	char host[46];
	struct store_flow_query sq;
	perr_clear(err);
	if (store_query(p, q, host, &sq, err) != 0)
		return -1;
	json_t *arr = json_array();
	if (!arr)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	return finish(store_flow_live_list(st, &sq, top_row, arr, err), arr, out, err);
}

int flow_live_attacks(struct store *st, const struct principal *p,
		      const struct flow_live_query *q, struct json_t **out, struct perr *err)
{
	char host[46];
	struct store_flow_query sq;
	perr_clear(err);
	if (store_query(p, q, host, &sq, err) != 0)
		return -1;
	sq.from_ms = q->since_ms;
	json_t *arr = json_array();
	if (!arr)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	return finish(store_flow_attack_list(st, &sq, q->open_only, attack_row, arr, err), arr,
		      out, err);
}

int flow_live_history(struct store *st, const struct principal *p,
		      const struct flow_live_query *q, struct json_t **out, struct perr *err)
{
	char host[46];
	struct store_flow_query sq;
	perr_clear(err);
	/* a chart is of one host: the whole table of every host's hour is no
	** one's question and up to FLOW_LIVE_TOP * 4 times the rows */
	if (!given(q->host))
		return perr_set(err, PERR_INVALID, "host", "host is required");
	if (store_query(p, q, host, &sq, err) != 0)
		return -1;
	sq.from_ms = q->since_ms ? q->since_ms : core_now_ms() - FLOW_HISTORY_KEEP_S * 1000LL;
	/* every point of the kept hour, both directions: the job keeps
	** FLOW_HISTORY_KEEP_S / FLOW_HISTORY_STEP_S per direction */
	sq.limit = 2 * (FLOW_HISTORY_KEEP_S / FLOW_HISTORY_STEP_S) + 2;
	json_t *arr = json_array();
	if (!arr)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	return finish(store_flow_history_list(st, &sq, history_row, arr, err), arr, out, err);
}
