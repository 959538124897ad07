/*
** feeds.c — HTTP handlers for report feeds: upload a report, list imported
** files with their counts and rejects, and the "no owner" view analysts
** grow the registry from.
**
** These are national routes (ROLES_NATIONAL in the route table: admins and
** national analysts, with a credential not narrowed to an organisation or
** province; identity_allow_route decides); the handlers decode and render,
** the feeds module does the work.
*/
#include <stdlib.h>
#include <string.h>

#include "feeds/feeds.h"
#include "http/handlers.h"

static json_t *file_json(const struct store_feed_file *f)
{
	char rec[32], fin[32];
	core_iso8601(f->received_ms, rec, sizeof(rec));
	core_iso8601(f->finished_ms, fin, sizeof(fin));
	return json_pack("{sI ss ss ss ss ss ss ss ss ss so sI sI sI sI sI sI sI sI}",
			 "id", (json_int_t)f->id, "sha256", f->sha256, "name", f->name, "type",
			 f->type, "feed", f->feed, "source", f->source, "actor", f->actor, "status",
			 f->status, "error", f->error, "received", rec, "finished",
			 f->finished_ms ? json_string(fin) : json_null(), "rows", (json_int_t)f->rows,
			 "parsed", (json_int_t)f->parsed, "rejected", (json_int_t)f->rejected,
			 "owners", (json_int_t)f->owners, "new", (json_int_t)f->new_events,
			 "duplicate", (json_int_t)f->duplicates, "unowned", (json_int_t)f->unowned,
			 "incidents", (json_int_t)f->incidents);
}

static int add_reject(void *ud, int64_t line, const char *reason)
{
	json_array_append_new(ud, json_pack("{sI ss}", "line", (json_int_t)line, "reason", reason));
	return 0;
}

/* The file with its first rejects, as the body of rs. */
static int file_body(struct http_req *rq, struct http_resp *rs, int64_t id)
{
	struct store_feed_file f;
	struct perr e;
	if (store_feed_file_get(rq->st, id, &f, &e) != 0)
		return http_problem(rs, &e);
	json_t *rej = json_array();
	if (store_feed_rejects(rq->st, id, 1000, add_reject, rej, &e) != 0) {
		json_decref(rej);
		return http_problem(rs, &e);
	}
	rs->body = file_json(&f);
	json_object_set_new(rs->body, "rejects", rej);
	return 0;
}

int h_feed_upload(struct http_req *rq, struct http_resp *rs)
{
	const char *type = http_query(rq, "type");
	const char *name = http_query(rq, "name");
	if (!name || !name[0])
		return http_bad(rs, "name", "give the report's file name as ?name=");
	if (strlen(name) > 200 || !utf8_valid(name, strlen(name)) || strchr(name, '/'))
		return http_bad(rs, "name", "name must be a file name of at most 200 bytes");
	if (type && (!type[0] || strlen(type) > 64))
		return http_bad(rs, "type", "type must be a report type, auto, csv or jsonl");
	if (type && (strcmp(type, "csv") == 0 || strcmp(type, "jsonl") == 0))
		return http_bad(rs, "type",
				"generic csv and jsonl feeds need a mapping: drop the file and "
				"its NAME.mapping.json in the watched directory");
	if (rq->body_len == 0)
		return http_bad(rs, "body", "the request body is the report file; it is empty");
	struct feeds_result res;
	struct perr e;
	perr_clear(&e);
	if (feeds_import_upload(rq->st, rq->cfg, rq->db_path, name, type ? type : "auto", rq->body,
				rq->body_len, rq->actor, &res, &e) != 0) {
		feeds_result_free(&res);
		return http_problem(rs, &e);
	}
	bool already = res.already;
	int64_t id = res.file_id;
	feeds_result_free(&res);
	if (file_body(rq, rs, id) != 0)
		return 0;
	json_object_set_new(rs->body, "already", json_boolean(already));
	rs->status = already ? 200 : 201;
	rq->notify = true;
	return 0;
}

static int add_file(void *ud, const struct store_feed_file *f)
{
	json_array_append_new(ud, file_json(f));
	return 0;
}

int h_feed_files(struct http_req *rq, struct http_resp *rs)
{
	int64_t before = 0, limit = 50;
	const char *c = http_query(rq, "cursor"), *l = http_query(rq, "limit");
	if (c && parse_i64(c, 1, INT64_MAX, &before) != 0)
		return http_bad(rs, "cursor", "malformed cursor");
	if (l && parse_i64(l, 1, 500, &limit) != 0)
		return http_bad(rs, "limit", "limit must be from 1 to 500");
	json_t *items = json_array();
	struct perr e;
	if (store_feed_files(rq->st, before, limit, add_file, items, &e) != 0) {
		json_decref(items);
		return http_problem(rs, &e);
	}
	size_t n = json_array_size(items);
	json_t *last = n == (size_t)limit ? json_array_get(items, n - 1) : NULL;
	char nt[32];
	struct pbuf b = pbuf_fixed(nt, sizeof(nt));
	(void)pbuf_addf(&b, "%lld", (long long)json_integer_value(json_object_get(last, "id")));
	rs->body = json_pack("{so}", "items", items);
	json_object_set_new(rs->body, "next", last ? json_string(nt) : json_null());
	return 0;
}

int h_feed_file(struct http_req *rq, struct http_resp *rs)
{
	return file_body(rq, rs, rq->ids[0]);
}

static int add_unowned(void *ud, const char *key, int64_t asn, int64_t events, int64_t hosts)
{
	json_array_append_new(ud, json_pack("{ss sI sI sI}", "key", key, "asn", (json_int_t)asn,
					    "events", (json_int_t)events, "hosts",
					    (json_int_t)hosts));
	return 0;
}

int h_feed_unowned(struct http_req *rq, struct http_resp *rs)
{
	const char *by = http_query(rq, "by");
	if (by && strcmp(by, "asn") != 0 && strcmp(by, "prefix") != 0)
		return http_bad(rs, "by", "by must be asn or prefix");
	json_t *items = json_array();
	struct perr e;
	if (store_feed_unowned(rq->st, by ? by : "asn", 500, add_unowned, items, &e) != 0) {
		json_decref(items);
		return http_problem(rs, &e);
	}
	rs->body = json_pack("{ss so}", "by", by ? by : "asn", "items", items);
	return 0;
}
