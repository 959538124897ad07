/*
** advisories.c — HTTP handlers for advisories (issue 14): the record and its
** versions, CSAF 2.0 in and out, the target preview (of a stored advisory,
** and of a draft as the editor types), exclusions, publishing, the tracking
** view, a target's state, and the signed links of advisory mails.
**
** As everywhere, a handler decodes the request, calls one domain function of
** src/advisory and renders what it returns: every rule (validation, scope,
** audit, mail) lives there and is shared with `parapet advisory ...`. The
** route table (routes.c) keeps the writes that act for the whole country
** (create, update, import, the draft preview, exclusions, publish) to
** national staff with an unnarrowed credential; reads are open to every
** signed-in role and scoped by the domain (a constituent sees the advisories
** that target their organisation, a provincial analyst their province's
** targets).
*/
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"
#include "http/handlers.h"

/* A JSON document body (an advisory or a CSAF file), parsed strictly:
** within ADVISORY_DOC_MAX, duplicate keys refused, an object. 0, or -1
** with rs holding the problem. */
static int doc_body(struct http_req *rq, struct http_resp *rs, json_t **doc)
{
	struct perr e;
	*doc = NULL;
	if (rq->body_len == 0)
		return http_bad(rs, NULL, "the body is the advisory, a JSON object"), -1;
	if (rq->body_len > ADVISORY_DOC_MAX) {
		perr_set(&e, PERR_LIMIT, NULL, "an advisory is at most %u bytes",
			 (unsigned)ADVISORY_DOC_MAX);
		return http_problem(rs, &e), -1;
	}
	json_error_t je;
	*doc = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!*doc) {
		perr_set(&e, PERR_INVALID, NULL, "malformed JSON at line %d column %d: %s", je.line,
			 je.column, je.text);
		return http_problem(rs, &e), -1;
	}
	if (!json_is_object(*doc)) {
		json_decref(*doc);
		*doc = NULL;
		return http_bad(rs, NULL, "the body must be a JSON object"), -1;
	}
	return 0;
}

/* rs's body: advisory id as advisory_get shows it to the caller. */
static int advisory_body(struct http_req *rq, struct http_resp *rs, int64_t id)
{
	struct perr e;
	if (advisory_get(rq->st, rq->who, id, 0, &rs->body, &e) != 0)
		return http_problem(rs, &e);
	return 0;
}

/* GET /api/v1/advisories?status=&q=&limit=&cursor= */
int h_advisory_list(struct http_req *rq, struct http_resp *rs)
{
	struct advisory_filter f;
	memset(&f, 0, sizeof(f));
	if (http_list_page(rq, rs, &f.before_id, &f.limit) != 0)
		return 0;
	f.status = http_query(rq, "status"); /* checked by advisory_list */
	f.q = http_query(rq, "q");
	if (f.q && !f.q[0])
		f.q = NULL;
	if (f.status && !f.status[0])
		f.status = NULL;
	struct perr e;
	if (advisory_list(rq->st, rq->who, &f, &rs->body, &e) != 0)
		return http_problem(rs, &e);
	http_next_as_string(rs->body);
	return 0;
}

/* POST /api/v1/advisories: the body is the advisory document. */
int h_advisory_create(struct http_req *rq, struct http_resp *rs)
{
	json_t *doc;
	if (doc_body(rq, rs, &doc) != 0)
		return 0;
	int64_t id = 0;
	struct perr e;
	int rc = advisory_create(rq->st, rq->cfg, rq->who, rq->actor, doc, &id, &e);
	json_decref(doc);
	if (rc != 0)
		return http_problem(rs, &e);
	rs->status = 201;
	return advisory_body(rq, rs, id);
}

/* GET /api/v1/advisories/{id}[?version=N] */
int h_advisory_get(struct http_req *rq, struct http_resp *rs)
{
	int64_t version = 0;
	const char *v = http_query(rq, "version");
	if (v && parse_i64(v, 1, INT64_MAX, &version) != 0)
		return http_bad(rs, "version", "version must be a positive integer");
	struct perr e;
	if (advisory_get(rq->st, rq->who, rq->ids[0], version, &rs->body, &e) != 0)
		return http_problem(rs, &e);
	return 0;
}

/* Fields advisory_get adds around the document: the server's own, so a
** client may PUT back what it got without editing them out. */
static const char *const server_fields[] = { "id",	"version",   "status", "created",
					     "updated", "published", "target" };

/* PUT /api/v1/advisories/{id}: the body is the new document, with an
** optional "changes" (what changed, for the targets' mail). */
int h_advisory_update(struct http_req *rq, struct http_resp *rs)
{
	json_t *doc;
	if (doc_body(rq, rs, &doc) != 0)
		return 0;
	char *changes = NULL;
	json_t *ch = json_object_get(doc, "changes");
	if (ch && !json_is_null(ch)) {
		if (!json_is_string(ch) || json_string_length(ch) > 4000) {
			json_decref(doc);
			return http_bad(rs, "changes", "changes must be a text of at most 4000 bytes");
		}
		changes = strdup(json_string_value(ch));
		if (!changes) {
			json_decref(doc);
			struct perr e;
			perr_set(&e, PERR_INTERNAL, NULL, "out of memory");
			return http_problem(rs, &e);
		}
	}
	json_object_del(doc, "changes");
	for (size_t k = 0; k < ARRAY_SIZE(server_fields); k++)
		json_object_del(doc, server_fields[k]);
	struct perr e;
	int rc = advisory_update(rq->st, rq->cfg, rq->who, rq->actor, rq->ids[0], doc,
				 changes && changes[0] ? changes : NULL, &e);
	json_decref(doc);
	free(changes);
	if (rc != 0)
		return http_problem(rs, &e);
	rq->notify = true; /* a published advisory's targets are mailed the change */
	return advisory_body(rq, rs, rq->ids[0]);
}

/* GET /api/v1/advisories/{id}/history */
int h_advisory_history(struct http_req *rq, struct http_resp *rs)
{
	json_t *items = NULL;
	struct perr e;
	if (advisory_history(rq->st, rq->who, rq->ids[0], &items, &e) != 0)
		return http_problem(rs, &e);
	/* the versions are an array; wrapped as every list is */
	rs->body = json_is_array(items) ? json_pack("{so}", "items", items) : items;
	return 0;
}

/* POST /api/v1/advisories/import: the body is a vendor's CSAF 2.0 file; it
** becomes a draft advisory (201, as GET shows it). */
int h_advisory_import(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	if (rq->body_len == 0)
		return http_bad(rs, NULL, "the body is the CSAF 2.0 document");
	if (rq->body_len > ADVISORY_DOC_MAX) {
		perr_set(&e, PERR_LIMIT, NULL, "a CSAF document is at most %u bytes",
			 (unsigned)ADVISORY_DOC_MAX);
		return http_problem(rs, &e);
	}
	json_t *doc = NULL;
	if (advisory_csaf_import(rq->body, rq->body_len, &doc, &e) != 0)
		return http_problem(rs, &e);
	int64_t id = 0;
	int rc = advisory_create(rq->st, rq->cfg, rq->who, rq->actor, doc, &id, &e);
	json_decref(doc);
	if (rc != 0)
		return http_problem(rs, &e);
	rs->status = 201;
	return advisory_body(rq, rs, id);
}

/* GET /api/v1/advisories/{id}/csaf: a download, named after the ref. */
int h_advisory_csaf(struct http_req *rq, struct http_resp *rs)
{
	json_t *adv = NULL;
	struct perr e;
	if (advisory_get(rq->st, rq->who, rq->ids[0], 0, &adv, &e) != 0)
		return http_problem(rs, &e);
	int rc = advisory_csaf_export(adv, rq->cfg, &rs->body, &e);
	/* the file name: the ref, reduced to a safe alphabet */
	char name[96];
	const char *ref = json_string_value(json_object_get(adv, "ref"));
	size_t n = 0;
	for (const char *p = ref ? ref : ""; *p && n + 6 < sizeof(name); p++)
		name[n++] = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
					    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
					    *p == '.'
				    ? *p
				    : '_';
	if (n == 0)
		n = (size_t)snprintf(name, sizeof(name), "advisory-%lld", (long long)rq->ids[0]);
	name[n] = '\0';
	json_decref(adv);
	if (rc != 0)
		return http_problem(rs, &e);
	snprintf(rs->disposition, sizeof(rs->disposition), "attachment; filename=\"%s.json\"",
		 name);
	return 0;
}

/* POST /api/v1/advisories/preview: the editor's live preview. The body is a
** draft (not stored): normalised, as saving would (so the computed CVSS
** score and the field at fault show while typing), then its targets. The
** answer is the targets with "document", the normalised draft. */
int h_advisory_preview_draft(struct http_req *rq, struct http_resp *rs)
{
	json_t *doc;
	if (doc_body(rq, rs, &doc) != 0)
		return 0;
	for (size_t k = 0; k < ARRAY_SIZE(server_fields); k++)
		json_object_del(doc, server_fields[k]);
	json_object_del(doc, "changes");
	struct perr e;
	if (advisory_preview_draft(rq->st, rq->who, doc, &rs->body, &e) != 0) {
		json_decref(doc);
		return http_problem(rs, &e);
	}
	json_object_set_new(rs->body, "document", doc);
	return 0;
}

/* GET /api/v1/advisories/{id}/preview */
int h_advisory_preview(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	if (advisory_preview(rq->st, rq->who, rq->ids[0], &rs->body, &e) != 0)
		return http_problem(rs, &e);
	return 0;
}

/* POST (with {"reason"}) or DELETE /api/v1/advisories/{id}/exclusions/{org}:
** take an organisation out of the targets, or put it back. Answers the
** preview as it is now. */
int h_advisory_exclusion(struct http_req *rq, struct http_resp *rs)
{
	const char *reason = NULL;
	json_t *doc = NULL;
	struct perr e;
	if (!rq->ids[1])
		return http_bad(rs, "org", "org must be an organisation id");
	if (strcmp(rq->method, "POST") == 0) {
		struct jfield f[] = {
			{ .name = "reason", .type = JF_STRING, .required = true, .maxlen = 500,
			  .out = &reason },
		};
		if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
			return http_problem(rs, &e);
	}
	int rc = advisory_exclude(rq->st, rq->who, rq->actor, rq->ids[0], rq->ids[1], reason, &e);
	json_decref(doc);
	if (rc != 0 || advisory_preview(rq->st, rq->who, rq->ids[0], &rs->body, &e) != 0)
		return http_problem(rs, &e);
	return 0;
}

/* POST /api/v1/advisories/{id}/publish */
int h_advisory_publish(struct http_req *rq, struct http_resp *rs)
{
	struct advisory_publish_result res;
	memset(&res, 0, sizeof(res));
	struct perr e;
	if (advisory_publish(rq->st, rq->cfg, rq->who, rq->actor, rq->ids[0], core_now_ms(), &res,
			     &e) != 0)
		return http_problem(rs, &e);
	rq->notify = true;
	rs->body = json_pack("{sI sI sI}", "id", (json_int_t)rq->ids[0], "targets",
			     (json_int_t)res.targets, "mails", (json_int_t)res.mails);
	return 0;
}

/* GET /api/v1/advisories/{id}/targets: the tracking view. */
int h_advisory_targets(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	if (advisory_targets(rq->st, rq->who, rq->ids[0], &rs->body, &e) != 0)
		return http_problem(rs, &e);
	return 0;
}

/* POST /api/v1/advisories/{id}/targets/{org}: {"state", "reason"} — the
** constituent's acknowledge / patched / not affected, or staff recording
** one. Answers the advisory as the caller sees it. */
int h_advisory_target_set(struct http_req *rq, struct http_resp *rs)
{
	const char *state = NULL, *reason = NULL;
	struct jfield f[] = {
		{ .name = "state", .type = JF_STRING, .required = true, .maxlen = 32, .out = &state },
		{ .name = "reason", .type = JF_STRING, .maxlen = 500, .out = &reason },
	};
	json_t *doc;
	struct perr e;
	if (!rq->ids[1])
		return http_bad(rs, "org", "org must be an organisation id");
	if (http_decode(rq->body, rq->body_len, f, ARRAY_SIZE(f), &doc, &e) != 0)
		return http_problem(rs, &e);
	int rc = advisory_target_set(rq->st, rq->cfg, rq->who, rq->actor, rq->ids[0], rq->ids[1],
				     state, reason && reason[0] ? reason : NULL, core_now_ms(), &e);
	json_decref(doc);
	if (rc != 0)
		return http_problem(rs, &e);
	rq->notify = true;
	return advisory_body(rq, rs, rq->ids[0]);
}

/* DATA, the directory that holds the link key: blob_dir is DATA/blobs. */
static void data_dir_of(const struct http_req *rq, char *out, size_t n)
{
	pstrtrunc(out, rq->blob_dir ? rq->blob_dir : "", n);
	size_t l = strlen(out);
	if (l >= 6 && strcmp(out + l - 6, "/blobs") == 0)
		out[l - 6] = '\0';
}

/* GET /api/v1/advisory-links/{token}: what a mail's link does (a read
** link is done by opening it; an acknowledge link only shown). POST does
** the link's action. A signed-in caller must be in the target's scope
** (advisory_link_use). Answers {advisory, org, action, done}. */
int h_advisory_link(struct http_req *rq, struct http_resp *rs)
{
	char dir[1100], action[8] = "";
	int64_t id = 0, org = 0;
	struct perr e;
	perr_clear(&e);
	data_dir_of(rq, dir, sizeof(dir));
	bool confirm = strcmp(rq->method, "POST") == 0;
	/* POST runs in the request's transaction; a GET has none, and opening
	** a read link writes: its own */
	if (!confirm && store_begin(rq->st, &e) != 0)
		return http_problem(rs, &e);
	int rc = advisory_link_use(rq->st, rq->cfg, dir, rq->who, rq->params[0], confirm,
				   core_now_ms(), &id, &org, action, &e);
	if (!confirm) {
		if (rc == 0 && store_commit(rq->st, &e) != 0)
			rc = -1;
		if (rc != 0)
			store_rollback(rq->st);
	}
	if (rc != 0)
		return http_problem(rs, &e);
	bool done = confirm || strcmp(action, "read") == 0;
	rq->notify = done;
	rs->body = json_pack("{sI sI ss sb}", "advisory", (json_int_t)id, "org", (json_int_t)org,
			     "action", action, "done", done);
	return 0;
}
