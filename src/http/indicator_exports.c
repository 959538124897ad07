/*
** indicator_exports.c — HTTP handlers for the indicator registry's exports
** (issue 15): the consumers' poll route, the staff export, and the staff
** routes that manage consumers and their tokens.
**
** GET /api/v1/export/indicators is how a resolver, firewall or peer polls
** its blocklist. It is not a user's route: the route table declares it
** public, and this handler authenticates the consumer's own bearer token
** (indicator_consumer_auth; a user's API token or session is no consumer's
** and is refused like a bad token). Polls are made cheap with HTTP
** validation: the answer carries an ETag computed from what the export
** stands on (indicator_export_etag: no row read), and a request whose
** If-None-Match names it gets 304 with no body. Cache-Control max-age is
** indicator.export_max_age.
**
** As everywhere, the handlers decode, call one domain function of
** src/indicator and render: the TLP rule, the filters, the audit and the
** tokens live in consumer.c, shared with `parapet indicator export` and
** `parapet indicator consumer ...`.
*/
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/handlers.h"
#include "indicator/indicator.h"

/* An export leaves through an unlinked temporary file in DATA/tmp (beside
** the blobs, as large request bodies do), written in 1 MiB chunks and sent
** from the file: a million indicators in STIX (hundreds of MB) never sit in
** the server's memory, however many consumers poll at once. */
struct spool {
	int fd;
	int64_t size;
};

static int spool_write(void *ud, const char *p, size_t n, struct perr *err)
{
	struct spool *k = ud;
	while (n) {
		ssize_t w = write(k->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return perr_set(err, PERR_INTERNAL, NULL, "cannot spool the export: %s",
					strerror(errno));
		p += w;
		n -= (size_t)w;
		k->size += w;
	}
	return 0;
}

/* A new unlinked temporary file in DATA/tmp: its fd, or -1 with err. */
static int spool_open(const struct http_req *rq, struct perr *err)
{
	char dir[1100], path[1200];
	size_t bl = strlen(rq->blob_dir), sl = strlen("/blobs");
	snprintf(dir, sizeof(dir), "%.*s/tmp", (int)(bl > sl ? bl - sl : bl), rq->blob_dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return perr_set(err, PERR_INTERNAL, NULL, "cannot create %s: %s", dir,
				strerror(errno));
	if (snprintf(path, sizeof(path), "%s/export-XXXXXX", dir) >= (int)sizeof(path))
		return perr_set(err, PERR_INTERNAL, NULL, "temporary path too long");
	int fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return perr_set(err, PERR_INTERNAL, NULL, "cannot create a file in %s: %s", dir,
				strerror(errno));
	unlink(path); /* gone when closed, even if the process dies */
	return fd;
}

/* Does the If-None-Match header (a list of entity tags, or "*") name
** etag? Weak tags compare weakly (RFC 9110 13.1.2: If-None-Match uses the
** weak comparison). */
static bool none_match(const char *inm, const char *etag)
{
	if (!inm)
		return false;
	size_t el = strlen(etag);
	const char *p = inm;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return true;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		const char *e = p;
		if (*e == '"') {
			e = strchr(e + 1, '"');
			if (!e)
				return false;
			e++;
		} else {
			while (*e && *e != ',')
				e++;
		}
		if ((size_t)(e - p) == el && memcmp(p, etag, el) == 0)
			return true;
		p = e;
	}
	return false;
}

/* Answer an export request: 304 when If-None-Match names the tag, else
** the export itself. Both carry ETag and Cache-Control. */
static int export_answer(struct http_req *rq, struct http_resp *rs,
			 const struct indicator_export_req *x, const char *filename)
{
	struct perr e;
	int64_t now = core_now_ms();
	char etag[72];
	if (indicator_export_etag(rq->st, rq->cfg, x, now, etag, &e) != 0)
		return http_problem(rs, &e);
	PSTRCPY(rs->etag, etag);
	snprintf(rs->cache_control, sizeof(rs->cache_control), "private, max-age=%lld",
		 (long long)rq->cfg->indicator_export_max_age);
	/* the body depends on the credential: a client's cache keys by it */
	PSTRCPY(rs->extra_name, "Vary");
	PSTRCPY(rs->extra_value, "Authorization");
	if (none_match(http_header(rq, "If-None-Match"), etag)) {
		rs->status = 304;
		rs->raw = "";
		rs->raw_len = 0;
		rs->ctype = "text/plain";
		return 0;
	}
	struct spool k = { spool_open(rq, &e), 0 };
	if (k.fd < 0) {
		rs->etag[0] = rs->cache_control[0] = rs->extra_name[0] = '\0';
		return http_problem(rs, &e);
	}
	struct indicator_export_req xr = *x;
	xr.drain = spool_write;
	xr.drain_ud = &k;
	struct pbuf b;
	pbuf_init(&b, INDICATOR_EXPORT_CHUNK * 4);
	const char *ctype = NULL;
	/* the tag went out above: computed before the rows are read, so the
	** body is never older than it */
	int rc = indicator_export_run(rq->st, rq->cfg, rq->who, &xr, now, &b, &ctype, NULL, NULL,
				      &e);
	pbuf_free(&b);
	if (rc != 0) {
		close(k.fd);
		rs->etag[0] = rs->cache_control[0] = rs->extra_name[0] = '\0';
		return http_problem(rs, &e);
	}
	if (k.size == 0) {
		/* an empty export (plain, nothing listed): no file to send */
		close(k.fd);
		rs->raw = "";
		rs->raw_len = 0;
	} else {
		rs->fd = k.fd; /* the server sends it and closes it */
		rs->fd_size = k.size;
	}
	rs->ctype = ctype;
	if (filename)
		snprintf(rs->disposition, sizeof(rs->disposition),
			 "attachment; filename=\"%s\"", filename);
	return 0;
}

/* GET /api/v1/export/indicators: a consumer polls its export
** (Authorization: Bearer <consumer token>). */
int h_indicator_export_consumer(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	const char *auth = http_header(rq, "Authorization");
	struct indicator_consumer c;
	if (!auth || strncasecmp(auth, "Bearer ", 7) != 0) {
		perr_set(&e, PERR_AUTH, NULL, "use Authorization: Bearer <consumer token>");
		return http_problem(rs, &e);
	}
	if (indicator_consumer_auth(rq->st, auth + 7, core_now_ms(), &c, &e) != 0)
		return http_problem(rs, &e);
	/* the log names the consumer, never its token */
	snprintf(rq->actor, sizeof(rq->actor), "consumer:%.100s", c.name);
	struct indicator_export_req x = { .consumer = &c, .format = NULL };
	return export_answer(rq, rs, &x, NULL);
}

/* GET /api/v1/indicators/export?format=F[&consumer=NAME]: staff download
** an export, by the staff default rule or as a consumer would get it. */
int h_indicator_export_staff(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	const char *format = http_query(rq, "format");
	const char *cname = http_query(rq, "consumer");
	struct indicator_consumer c;
	memset(&c, 0, sizeof(c));
	struct indicator_export_req x = { .consumer = NULL, .format = format };
	if (cname && cname[0]) {
		if (indicator_consumer_find(rq->st, rq->who, cname, &c, &e) != 0)
			return http_problem(rs, &e);
		x.consumer = &c;
	} else if (!format || !format[0]) {
		return http_bad(rs, "format",
				"format is one of plain, csv, json, stix, misp, rpz, suricata, nft");
	}
	enum indicator_export_format f =
		indicator_export_format_parse(format && format[0] ? format : c.format);
	if (f == INDICATOR_EXPORT_NONE)
		return http_bad(rs, "format",
				"format is one of plain, csv, json, stix, misp, rpz, suricata, nft");
	char name[64];
	snprintf(name, sizeof(name), "indicators.%s", indicator_export_extension(f));
	return export_answer(rq, rs, &x, name);
}

/* ---------------------------------------------------------- consumers */

static int add_item(void *ud, const struct indicator_consumer *c)
{
	json_t *j = indicator_consumer_json(c);
	return j && json_array_append_new(ud, j) == 0 ? 0 : -1;
}

/* GET /api/v1/indicator-consumers */
int h_indicator_consumer_list(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	json_t *items = json_array();
	if (!items || indicator_consumer_list(rq->st, rq->who, add_item, items, &e) != 0) {
		json_decref(items);
		if (!items)
			perr_set(&e, PERR_INTERNAL, NULL, "out of memory");
		return http_problem(rs, &e);
	}
	rs->body = json_pack("{so}", "items", items);
	return 0;
}

/* The body of POST and PATCH: the fields a consumer is made of. */
struct cons_body {
	const char *name, *format;
	json_t *filter;
	bool member, strict, disabled;
	bool has_member, has_strict, has_disabled, has_filter;
};

static int cons_decode(struct http_req *rq, struct cons_body *b, bool create, json_t **root,
		       char **filter_text, struct perr *e)
{
	memset(b, 0, sizeof(*b));
	*filter_text = NULL;
	struct jfield f[] = {
		{ .name = "name", .type = JF_STRING, .required = create, .maxlen = 127,
		  .out = &b->name },
		{ .name = "format", .type = JF_STRING, .required = create, .maxlen = 15,
		  .out = &b->format },
		{ .name = "filter", .type = JF_OBJECT, .out = &b->filter, .present = &b->has_filter },
		{ .name = "member", .type = JF_BOOL, .out = &b->member, .present = &b->has_member },
		{ .name = "strict", .type = JF_BOOL, .out = &b->strict, .present = &b->has_strict },
		{ .name = "disabled", .type = JF_BOOL, .out = &b->disabled,
		  .present = &b->has_disabled },
	};
	/* a PATCH renames nothing: the name is what pollers' logs know */
	size_t n = ARRAY_SIZE(f);
	if (http_decode(rq->body, rq->body_len, create ? f : f + 1, create ? n : n - 1, root,
			e) != 0)
		return -1;
	if (b->has_filter) {
		*filter_text = json_dumps(b->filter, JSON_COMPACT);
		if (!*filter_text)
			return perr_set(e, PERR_INVALID, "filter", "filter is a JSON object");
	}
	return 0;
}

static void cons_spec(const struct cons_body *b, const char *filter_text,
		      struct indicator_consumer_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->name = b->name;
	s->format = b->format;
	s->filter = filter_text;
	s->min_confidence = -1;
	s->member = b->has_member ? b->member : -1;
	s->strict = b->has_strict ? b->strict : -1;
	s->disabled = b->has_disabled ? b->disabled : -1;
}

/* POST /api/v1/indicator-consumers: 201 with the consumer and its token
** (the only time the token is shown). */
int h_indicator_consumer_create(struct http_req *rq, struct http_resp *rs)
{
	struct cons_body b;
	json_t *root = NULL;
	char *ft = NULL;
	struct perr e;
	if (cons_decode(rq, &b, true, &root, &ft, &e) != 0) {
		json_decref(root);
		free(ft);
		return http_problem(rs, &e);
	}
	struct indicator_consumer_spec s;
	cons_spec(&b, ft, &s);
	char token[INDICATOR_CONSUMER_TOKEN_SIZE];
	struct indicator_consumer c;
	int rc = indicator_consumer_create(rq->st, rq->who, rq->actor, &s, core_now_ms(), token,
					   &c, &e);
	json_decref(root);
	free(ft);
	if (rc != 0)
		return http_problem(rs, &e);
	rs->status = 201;
	rs->body = indicator_consumer_json(&c);
	json_object_set_new(rs->body, "token", json_string(token));
	sodium_memzero(token, sizeof(token));
	return 0;
}

/* GET /api/v1/indicator-consumers/{id} */
int h_indicator_consumer_get(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	struct indicator_consumer c;
	if (indicator_consumer_get(rq->st, rq->who, rq->ids[0], &c, &e) != 0)
		return http_problem(rs, &e);
	rs->body = indicator_consumer_json(&c);
	return 0;
}

/* PATCH /api/v1/indicator-consumers/{id}: format, filter, member, strict,
** disabled. */
int h_indicator_consumer_update(struct http_req *rq, struct http_resp *rs)
{
	struct cons_body b;
	json_t *root = NULL;
	char *ft = NULL;
	struct perr e;
	if (cons_decode(rq, &b, false, &root, &ft, &e) != 0) {
		json_decref(root);
		free(ft);
		return http_problem(rs, &e);
	}
	struct indicator_consumer_spec s;
	cons_spec(&b, ft, &s);
	struct indicator_consumer c;
	int rc = indicator_consumer_update(rq->st, rq->who, rq->actor, rq->ids[0], &s, &c, &e);
	json_decref(root);
	free(ft);
	if (rc != 0)
		return http_problem(rs, &e);
	rs->body = indicator_consumer_json(&c);
	return 0;
}

/* DELETE /api/v1/indicator-consumers/{id} */
int h_indicator_consumer_delete(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	if (indicator_consumer_delete(rq->st, rq->who, rq->actor, rq->ids[0], &e) != 0)
		return http_problem(rs, &e);
	rs->status = 204;
	return 0;
}

/* POST /api/v1/indicator-consumers/{id}/rotate: {"id","token"}; the old
** token stops working with this commit. */
int h_indicator_consumer_rotate(struct http_req *rq, struct http_resp *rs)
{
	struct perr e;
	char token[INDICATOR_CONSUMER_TOKEN_SIZE];
	if (indicator_consumer_rotate(rq->st, rq->who, rq->actor, rq->ids[0], token, &e) != 0)
		return http_problem(rs, &e);
	rs->body = json_pack("{sI ss}", "id", (json_int_t)rq->ids[0], "token", token);
	sodium_memzero(token, sizeof(token));
	return 0;
}
