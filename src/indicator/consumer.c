/*
** consumer.c — the export consumers of the indicator registry (issue 15):
** resolvers, firewalls and peers that poll a blocklist with their own
** token through a saved filter, and the one rule of what any export may
** carry (indicator_export_allows), which every export path -- the
** consumers' HTTP route, the staff API, `parapet indicator export` --
** reaches through indicator_export_run.
**
** Tokens are made and hashed by identity (identity_secret_new: 256 random
** bits, SHA-256 stored), shown once, never logged or audited. A token has
** its own prefix (pcx_), so it can never be mistaken for a user's API token
** (prt_) by the server's authentication, and a user's token is never a
** consumer's.
**
** The export's entity tag (indicator_export_etag) is computed from what the
** export stands on, not from its bytes, so a poller's unchanged request is
** answered 304 without reading a row: see its contract in indicator.h.
*/
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit/audit.h"
#include "config/config.h"
#include "identity/identity.h"
#include "indicator/indicator.h"
#include "store/store.h"

/* -------------------------------------------------------------- filter */

/* A class or tag of a filter: what the registry stores for them (RSIT
** classes are lower-case words joined by '-'; tags are kept as given but
** never hold the ',' that separates them in the store). */
static bool word_ok(const char *s, size_t max, bool tag)
{
	size_t n = strlen(s);
	if (n == 0 || n >= max)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x21 || ch == ',' || ch == '"' || ch == '\\' || ch == 0x7f)
			return false;
		if (!tag && !((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
			return false;
	}
	return true;
}

/* Add one entry of list member (types, classes or tags) to f. */
static int filter_add(struct indicator_consumer_filter *f, const char *member, const char *v,
		      struct perr *err)
{
	if (strcmp(member, "types") == 0) {
		enum indicator_type t = indicator_type_parse(v);
		if (t == INDICATOR_NONE)
			return perr_set(err, PERR_INVALID, "types", "unknown indicator type '%.64s'",
					v);
		f->types |= 1u << t;
		return 0;
	}
	bool tag = strcmp(member, "tags") == 0;
	size_t *n = tag ? &f->ntags : &f->nclasses;
	size_t max = tag ? sizeof(f->tags[0]) : sizeof(f->classes[0]);
	if (!word_ok(v, max, tag))
		return perr_set(err, PERR_INVALID, member, "'%.64s' is not a valid %s", v,
				tag ? "tag" : "class");
	for (size_t i = 0; i < *n; i++)
		if (strcmp(tag ? f->tags[i] : f->classes[i], v) == 0)
			return 0; /* once is enough */
	if (*n >= INDICATOR_FILTER_MAX)
		return perr_set(err, PERR_LIMIT, member, "at most %d %s", INDICATOR_FILTER_MAX,
				member);
	if (tag)
		pstrtrunc(f->tags[(*n)++], v, sizeof(f->tags[0]));
	else
		pstrtrunc(f->classes[(*n)++], v, sizeof(f->classes[0]));
	return 0;
}

int indicator_filter_parse(const char *text, struct indicator_consumer_filter *f, struct perr *err)
{
	memset(f, 0, sizeof(*f));
	if (!text || !text[0])
		return 0;
	if (strlen(text) > 8192)
		return perr_set(err, PERR_LIMIT, "filter", "a filter is at most 8192 bytes");
	json_error_t je;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	int rc = -1;
	if (!j || !json_is_object(j)) {
		perr_set(err, PERR_INVALID, "filter", "a filter is a JSON object");
		goto out;
	}
	const char *k;
	json_t *v;
	json_object_foreach(j, k, v) {
		if (strcmp(k, "min_confidence") == 0) {
			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) > 100) {
				perr_set(err, PERR_INVALID, "min_confidence",
					 "min_confidence is an integer from 0 to 100");
				goto out;
			}
			f->min_confidence = (int)json_integer_value(v);
			continue;
		}
		if (strcmp(k, "types") != 0 && strcmp(k, "classes") != 0 &&
		    strcmp(k, "tags") != 0) {
			perr_set(err, PERR_INVALID, "filter", "unknown filter member '%.64s'", k);
			goto out;
		}
		if (!json_is_array(v) || json_array_size(v) > 4 * INDICATOR_FILTER_MAX) {
			perr_set(err, PERR_INVALID, k, "%s is a list of strings", k);
			goto out;
		}
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			if (!json_is_string(e)) {
				perr_set(err, PERR_INVALID, k, "%s is a list of strings", k);
				goto out;
			}
			if (filter_add(f, k, json_string_value(e), err) != 0)
				goto out;
		}
	}
	rc = 0;
out:
	json_decref(j);
	if (rc != 0)
		memset(f, 0, sizeof(*f));
	return rc;
}

int indicator_filter_json(const struct indicator_consumer_filter *f, char *out, size_t n,
			  struct perr *err)
{
	struct pbuf b = pbuf_fixed(out, n);
	pbuf_adds(&b, "{");
	bool any = false;
	if (f->types) {
		pbuf_adds(&b, "\"types\":[");
		bool first = true;
		for (int t = 1; t < INDICATOR_TYPE_COUNT; t++)
			if (f->types & (1u << t)) {
				pbuf_adds(&b, first ? "" : ",");
				pjson_str(&b, indicator_type_name((enum indicator_type)t));
				first = false;
			}
		pbuf_adds(&b, "]");
		any = true;
	}
	if (f->nclasses) {
		pbuf_adds(&b, any ? ",\"classes\":[" : "\"classes\":[");
		for (size_t i = 0; i < f->nclasses; i++) {
			pbuf_adds(&b, i ? "," : "");
			pjson_str(&b, f->classes[i]);
		}
		pbuf_adds(&b, "]");
		any = true;
	}
	if (f->ntags) {
		pbuf_adds(&b, any ? ",\"tags\":[" : "\"tags\":[");
		for (size_t i = 0; i < f->ntags; i++) {
			pbuf_adds(&b, i ? "," : "");
			pjson_str(&b, f->tags[i]);
		}
		pbuf_adds(&b, "]");
		any = true;
	}
	if (f->min_confidence)
		pbuf_addf(&b, "%s\"min_confidence\":%d", any ? "," : "", f->min_confidence);
	pbuf_adds(&b, "}");
	if (!pbuf_cstr(&b))
		return perr_set(err, PERR_LIMIT, "filter", "the filter is too long");
	return 0;
}

/* Does the filter pass r? */
static bool filter_pass(const struct indicator_consumer_filter *f, const struct store_indicator *r)
{
	if (f->types) {
		enum indicator_type t = indicator_type_parse(r->type);
		if (t == INDICATOR_NONE || !(f->types & (1u << t)))
			return false;
	}
	if (r->confidence < f->min_confidence)
		return false;
	if (f->nclasses) {
		bool hit = false;
		for (size_t i = 0; i < f->nclasses && !hit; i++)
			hit = strcmp(f->classes[i], r->class_) == 0;
		if (!hit)
			return false;
	}
	if (f->ntags) {
		/* the store keeps tags as ",a,b,": a tag is ",tag," in it */
		bool hit = false;
		for (size_t i = 0; i < f->ntags && !hit; i++) {
			char needle[80];
			snprintf(needle, sizeof(needle), ",%s,", f->tags[i]);
			hit = strstr(r->tags, needle) != NULL;
		}
		if (!hit)
			return false;
	}
	return true;
}

/* ---------------------------------------------------------- the rule */

bool indicator_export_allows(const struct indicator_consumer *c,
			     const struct store_indicator *r, int64_t now_ms)
{
	if (strcmp(r->status, "active") != 0 || r->expires_ms <= now_ms)
		return false;
	/* TLP 2.0's levels are ordered by how far a recipient may pass them
	** on; a consumer reaches up to one level: GREEN, AMBER as a member,
	** AMBER+STRICT when named for it (one trusted with the stricter level
	** is trusted with AMBER). The staff default reaches AMBER. */
	int reach = !c ? 2 : c->strict ? 3 : c->member ? 2 : 1;
	int level;
	if (strcasecmp(r->tlp, "CLEAR") == 0)
		level = 0;
	else if (strcasecmp(r->tlp, "GREEN") == 0)
		level = 1;
	else if (strcasecmp(r->tlp, "AMBER") == 0)
		level = 2;
	else if (strcasecmp(r->tlp, "AMBER+STRICT") == 0)
		level = 3;
	else
		return false; /* RED, and anything unknown: fail closed */
	if (level > reach)
		return false;
	return c ? filter_pass(&c->filter, r) : true;
}

/* ------------------------------------------------------------ records */

/* Who may manage consumers: the CLI operator (p NULL) and national staff.
** A consumer receives the whole country's indicators, so choosing who gets
** AMBER is a national decision, not a province's. */
static int may_manage(const struct principal *p, bool write, struct perr *err)
{
	if (!p)
		return 0;
	return identity_allow_route(p, ROLES_NATIONAL, write, err);
}

static int from_store(const struct store_indconsumer *s, struct indicator_consumer *c,
		      struct perr *err)
{
	memset(c, 0, sizeof(*c));
	c->id = s->id;
	PSTRCPY(c->name, s->name);
	PSTRCPY(c->format, s->format);
	PSTRCPY(c->filter_json, s->filter);
	c->member = s->member;
	c->strict = s->strict;
	c->disabled = s->disabled;
	c->created_ms = s->created_ms;
	c->last_fetch_ms = s->last_fetch_ms;
	/* a row the domain wrote always parses; one that does not is refused
	** rather than exported unfiltered */
	if (indicator_filter_parse(s->filter, &c->filter, err) != 0)
		return perr_set(err, PERR_INTERNAL, "filter", "consumer %s has a broken filter",
				s->name);
	return 0;
}

static bool name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 127)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
			return false;
	}
	/* it names files and appears in URLs and logs: no "." or ".." */
	return strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

/* Apply a comma-separated list to member of f (replacing what it held). */
static int list_apply(struct indicator_consumer_filter *f, const char *member, const char *csv,
		      struct perr *err)
{
	if (strcmp(member, "types") == 0)
		f->types = 0;
	else if (strcmp(member, "tags") == 0)
		f->ntags = 0;
	else
		f->nclasses = 0;
	const char *p = csv;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char item[80];
		while (n && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n >= sizeof(item))
			return perr_set(err, PERR_INVALID, member, "an entry of %s is too long",
					member);
		if (n) {
			memcpy(item, p, n);
			item[n] = '\0';
			if (filter_add(f, member, item, err) != 0)
				return -1;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

/* Apply spec's given fields to c (format, filter, marks). */
static int spec_apply(const struct indicator_consumer_spec *spec, struct store_indconsumer *c,
		      bool create, struct perr *err)
{
	struct indicator_consumer_filter f;
	if (indicator_filter_parse(spec->filter ? spec->filter : c->filter, &f, err) != 0)
		return -1;
	if (spec->format || create) {
		if (indicator_export_format_parse(spec->format) == INDICATOR_EXPORT_NONE)
			return perr_set(err, PERR_INVALID, "format",
					"format is one of plain, csv, json, stix, misp, rpz, "
					"suricata, nft");
		pstrtrunc(c->format,
			  indicator_export_format_name(indicator_export_format_parse(spec->format)),
			  sizeof(c->format));
	}
	if (spec->types && list_apply(&f, "types", spec->types, err) != 0)
		return -1;
	if (spec->classes && list_apply(&f, "classes", spec->classes, err) != 0)
		return -1;
	if (spec->tags && list_apply(&f, "tags", spec->tags, err) != 0)
		return -1;
	if (spec->min_confidence >= 0) {
		if (spec->min_confidence > 100)
			return perr_set(err, PERR_INVALID, "min_confidence",
					"min_confidence is from 0 to 100");
		f.min_confidence = spec->min_confidence;
	}
	if (spec->member >= 0)
		c->member = spec->member != 0;
	if (spec->strict >= 0)
		c->strict = spec->strict != 0;
	if (spec->disabled >= 0)
		c->disabled = spec->disabled != 0;
	return indicator_filter_json(&f, c->filter, sizeof(c->filter), err);
}

/* The audited state of a consumer (never its token or hash). */
static json_t *audit_state(const struct store_indconsumer *c)
{
	json_t *f = json_loads(c->filter, 0, NULL);
	return json_pack("{ss ss so sb sb sb}", "name", c->name, "format", c->format, "filter",
			 f ? f : json_object(), "member", c->member, "strict", c->strict,
			 "disabled", c->disabled);
}

static int audit_change(struct store *st, const char *actor, const char *action, int64_t id,
			const struct store_indconsumer *before,
			const struct store_indconsumer *after, struct perr *err)
{
	char obj[48];
	snprintf(obj, sizeof(obj), "indicator_consumer:%lld", (long long)id);
	return audit_append_json(st, actor, action, obj, before ? audit_state(before) : NULL,
				 after ? audit_state(after) : NULL, err);
}

int indicator_consumer_create(struct store *st, const struct principal *p, const char *actor,
			      const struct indicator_consumer_spec *spec, int64_t now_ms,
			      char token[INDICATOR_CONSUMER_TOKEN_SIZE],
			      struct indicator_consumer *out, struct perr *err)
{
	token[0] = '\0';
	if (may_manage(p, true, err) != 0)
		return -1;
	if (!name_ok(spec->name))
		return perr_set(err, PERR_INVALID, "name",
				"a name is 1-127 letters, digits, '.', '_' or '-'");
	struct store_indconsumer c;
	memset(&c, 0, sizeof(c));
	PSTRCPY(c.filter, "{}");
	if (spec_apply(spec, &c, true, err) != 0)
		return -1;
	pstrtrunc(c.name, spec->name, sizeof(c.name));
	pstrtrunc(c.actor, actor ? actor : "", sizeof(c.actor));
	c.created_ms = now_ms;
	identity_secret_new(INDICATOR_CONSUMER_TOKEN_PREFIX, token, INDICATOR_CONSUMER_TOKEN_SIZE,
			    c.token_hash);
	if (store_indconsumer_insert(st, &c, err) != 0 ||
	    audit_change(st, actor, "indicator_consumer.create", c.id, NULL, &c, err) != 0) {
		sodium_memzero(token, INDICATOR_CONSUMER_TOKEN_SIZE);
		return -1;
	}
	if (out && from_store(&c, out, err) != 0)
		return -1;
	return 0;
}

int indicator_consumer_update(struct store *st, const struct principal *p, const char *actor,
			      int64_t id, const struct indicator_consumer_spec *spec,
			      struct indicator_consumer *out, struct perr *err)
{
	if (may_manage(p, true, err) != 0)
		return -1;
	struct store_indconsumer before, c;
	if (store_indconsumer_get(st, id, &before, err) != 0)
		return -1;
	c = before;
	if (spec_apply(spec, &c, false, err) != 0 || store_indconsumer_update(st, &c, err) != 0 ||
	    audit_change(st, actor, "indicator_consumer.update", id, &before, &c, err) != 0)
		return -1;
	if (out && from_store(&c, out, err) != 0)
		return -1;
	return 0;
}

int indicator_consumer_rotate(struct store *st, const struct principal *p, const char *actor,
			      int64_t id, char token[INDICATOR_CONSUMER_TOKEN_SIZE],
			      struct perr *err)
{
	token[0] = '\0';
	if (may_manage(p, true, err) != 0)
		return -1;
	struct store_indconsumer c;
	if (store_indconsumer_get(st, id, &c, err) != 0)
		return -1;
	identity_secret_new(INDICATOR_CONSUMER_TOKEN_PREFIX, token, INDICATOR_CONSUMER_TOKEN_SIZE,
			    c.token_hash);
	char obj[48];
	snprintf(obj, sizeof(obj), "indicator_consumer:%lld", (long long)id);
	if (store_indconsumer_update(st, &c, err) != 0 ||
	    audit_append(st, actor, "indicator_consumer.rotate", obj, NULL, NULL, err) != 0) {
		sodium_memzero(token, INDICATOR_CONSUMER_TOKEN_SIZE);
		return -1;
	}
	return 0;
}

int indicator_consumer_delete(struct store *st, const struct principal *p, const char *actor,
			      int64_t id, struct perr *err)
{
	if (may_manage(p, true, err) != 0)
		return -1;
	struct store_indconsumer c;
	if (store_indconsumer_get(st, id, &c, err) != 0 ||
	    store_indconsumer_delete(st, id, err) != 0)
		return -1;
	return audit_change(st, actor, "indicator_consumer.delete", id, &c, NULL, err);
}

int indicator_consumer_get(struct store *st, const struct principal *p, int64_t id,
			   struct indicator_consumer *out, struct perr *err)
{
	if (may_manage(p, false, err) != 0)
		return -1;
	struct store_indconsumer c;
	if (store_indconsumer_get(st, id, &c, err) != 0)
		return -1;
	return from_store(&c, out, err);
}

int indicator_consumer_find(struct store *st, const struct principal *p, const char *ref,
			    struct indicator_consumer *out, struct perr *err)
{
	if (may_manage(p, false, err) != 0)
		return -1;
	struct store_indconsumer c;
	int64_t id;
	/* a name is tried first: "42" may well be a consumer's name */
	if (store_indconsumer_by_name(st, ref, &c, NULL) == 0)
		return from_store(&c, out, err);
	if (parse_i64(ref, 1, INT64_MAX, &id) == 0 && store_indconsumer_get(st, id, &c, NULL) == 0)
		return from_store(&c, out, err);
	return perr_set(err, PERR_NOTFOUND, "consumer", "no consumer %.128s", ref);
}

struct list_ctx {
	indicator_consumer_fn fn;
	void *ud;
	struct perr *err;
};

static int list_row(void *ud, const struct store_indconsumer *s)
{
	struct list_ctx *l = ud;
	struct indicator_consumer c;
	if (from_store(s, &c, l->err) != 0)
		return -1;
	return l->fn(l->ud, &c);
}

int indicator_consumer_list(struct store *st, const struct principal *p,
			    indicator_consumer_fn fn, void *ud, struct perr *err)
{
	if (may_manage(p, false, err) != 0)
		return -1;
	struct list_ctx l = { fn, ud, err };
	return store_indconsumer_list(st, list_row, &l, err) != 0 ? -1 : 0;
}

int indicator_consumer_auth(struct store *st, const char *token, int64_t now_ms,
			    struct indicator_consumer *out, struct perr *err)
{
	/* malformed, unknown and disabled get the same answer: it tells a
	** guesser nothing */
	if (!identity_secret_wellformed(INDICATOR_CONSUMER_TOKEN_PREFIX, token))
		return perr_set(err, PERR_AUTH, NULL, "invalid token");
	char h[65];
	identity_secret_hash(token, h);
	struct store_indconsumer c;
	struct perr e;
	if (store_indconsumer_by_hash(st, h, &c, &e) != 0) {
		if (e.kind != PERR_NOTFOUND) {
			if (err)
				*err = e;
			return -1;
		}
		return perr_set(err, PERR_AUTH, NULL, "invalid token");
	}
	/* found by hash; compare again in constant time (as API tokens are) */
	if (sodium_memcmp(h, c.token_hash, 64) != 0 || c.disabled)
		return perr_set(err, PERR_AUTH, NULL, "invalid token");
	if (now_ms - c.last_fetch_ms >= 60000) {
		(void)store_indconsumer_touch(st, c.id, now_ms, NULL);
		c.last_fetch_ms = now_ms;
	}
	return from_store(&c, out, err);
}

json_t *indicator_consumer_json(const struct indicator_consumer *c)
{
	char cr[40], lf[40];
	core_iso8601(c->created_ms, cr, sizeof(cr));
	core_iso8601(c->last_fetch_ms, lf, sizeof(lf));
	json_t *f = json_loads(c->filter_json, 0, NULL);
	json_t *j = json_pack("{sI ss ss so sb sb sb ss}", "id", (json_int_t)c->id, "name",
			      c->name, "format", c->format, "filter", f ? f : json_object(),
			      "member", c->member, "strict", c->strict, "disabled", c->disabled,
			      "created", cr);
	if (j)
		json_object_set_new(j, "last_fetch", c->last_fetch_ms ? json_string(lf) : json_null());
	return j;
}

/* ------------------------------------------------------------- export */

/* The format of rq: given, else the consumer's. */
static enum indicator_export_format req_format(const struct indicator_export_req *rq,
					       struct perr *err)
{
	const char *name = rq->format && rq->format[0] ? rq->format
			   : rq->consumer		   ? rq->consumer->format
							   : NULL;
	enum indicator_export_format f = indicator_export_format_parse(name);
	if (f == INDICATOR_EXPORT_NONE)
		perr_set(err, PERR_INVALID, "format",
			 "format is one of plain, csv, json, stix, misp, rpz, suricata, nft");
	return f;
}

int indicator_export_etag(struct store *st, const struct config *cfg,
			  const struct indicator_export_req *rq, int64_t now_ms, char etag[72],
			  struct perr *err)
{
	etag[0] = '\0';
	enum indicator_export_format f = req_format(rq, err);
	if (f == INDICATOR_EXPORT_NONE)
		return -1;
	int64_t updated = 0, rows = 0, next = 0;
	if (store_indicator_version(st, &updated, &rows, err) != 0 ||
	    store_indicator_expiry_due(st, now_ms, &next, err) != 0)
		return -1;
	const struct indicator_consumer *c = rq->consumer;
	char text[4096];
	/* v1: bump when the writers' output changes for the same rows, so
	** that pollers fetch once after an upgrade */
	int n = snprintf(text, sizeof(text),
			 "parapet-export v1\n%s\n%s\n%s\n%lld %d %d\n%s\n%lld %lld %lld\n",
			 indicator_export_format_name(f), cfg ? cfg->indicator_rpz_origin : "",
			 cfg ? cfg->indicator_rpz_action : "", c ? (long long)c->id : 0LL,
			 c ? c->member : 1, c ? c->strict : 0, c ? c->filter_json : "-",
			 (long long)updated, (long long)rows, (long long)next);
	if (n < 0 || (size_t)n >= sizeof(text))
		return perr_set(err, PERR_INTERNAL, NULL, "export tag: too long");
	uint8_t d[32];
	core_sha256(text, (size_t)n, d);
	etag[0] = '"';
	core_hex(d, 32, etag + 1);
	etag[65] = '"';
	etag[66] = '\0';
	return 0;
}

struct run_ctx {
	const struct indicator_export_req *rq;
	struct indicator_export *x;
	struct pbuf *out;
	int64_t now_ms;
	struct perr *err;
};

/* Hand out's bytes to the request's drain (when it has one) once at least
** min have gathered. */
static int drain(struct run_ctx *k, size_t min)
{
	if (!k->rq->drain || k->out->len < min || k->out->len == 0)
		return 0;
	if (k->rq->drain(k->rq->drain_ud, k->out->ptr, k->out->len, k->err) != 0)
		return -1;
	pbuf_reset(k->out);
	return 0;
}

static int run_row(void *ud, const struct store_indicator *r)
{
	struct run_ctx *k = ud;
	if (!indicator_export_allows(k->rq->consumer, r, k->now_ms))
		return 0;
	if (indicator_export_add(k->x, r, k->err) != 0)
		return -1;
	return drain(k, INDICATOR_EXPORT_CHUNK);
}

int indicator_export_run(struct store *st, const struct config *cfg,
			 const struct principal *p, const struct indicator_export_req *rq,
			 int64_t now_ms, struct pbuf *out, const char **ctype, char etag[72],
			 int64_t *count, struct perr *err)
{
	if (p && !identity_is_staff(p))
		return perr_set(err, PERR_FORBIDDEN, NULL, "exports are for CERT staff");
	enum indicator_export_format f = req_format(rq, err);
	if (f == INDICATOR_EXPORT_NONE)
		return -1;
	/* the tag before the rows: the body is never older than its tag */
	if (etag && indicator_export_etag(st, cfg, rq, now_ms, etag, err) != 0)
		return -1;
	struct indicator_export_opts o;
	memset(&o, 0, sizeof(o));
	o.now_ms = now_ms;
	o.rpz_origin = cfg ? cfg->indicator_rpz_origin : NULL;
	o.rpz_action = cfg ? cfg->indicator_rpz_action : NULL;
	if (rq->consumer && f == INDICATOR_EXPORT_PLAIN)
		o.types = rq->consumer->filter.types;
	struct run_ctx k = { rq, NULL, out, now_ms, err };
	if (indicator_export_open(f, &o, out, &k.x, err) != 0)
		return -1;
	struct perr e;
	perr_clear(&e);
	int rc = store_indicator_export_each(st, now_ms, run_row, &k, &e);
	if (rc != 0) {
		/* a writer's failure is already in err; the store's is in e */
		if (e.kind != PERR_OK && err)
			*err = e;
		indicator_export_close(k.x, NULL);
		return -1;
	}
	struct indicator_export_counts n;
	indicator_export_counts(k.x, &n);
	if (indicator_export_close(k.x, err) != 0 || drain(&k, 1) != 0)
		return -1;
	if (count)
		*count = n.written;
	if (ctype)
		*ctype = indicator_export_media_type(f);
	return 0;
}

struct feed_ctx {
	const struct indicator_consumer *c;
	struct indicator_misp_feed *f;
	int64_t now_ms;
	struct perr *err;
};

static int feed_row(void *ud, const struct store_indicator *r)
{
	struct feed_ctx *k = ud;
	if (!indicator_export_allows(k->c, r, k->now_ms))
		return 0;
	return indicator_misp_feed_add(k->f, r, k->err) != 0 ? -1 : 0;
}

int indicator_export_misp_dir(struct store *st, const struct config *cfg,
			      const struct principal *p, const struct indicator_export_req *rq,
			      int64_t now_ms, const char *dir, int64_t *count, struct perr *err)
{
	if (p && !identity_is_staff(p))
		return perr_set(err, PERR_FORBIDDEN, NULL, "exports are for CERT staff");
	if (req_format(rq, err) != INDICATOR_EXPORT_MISP)
		return err && err->kind != PERR_OK
			       ? -1
			       : perr_set(err, PERR_INVALID, "format",
					  "a directory export is a MISP feed: --format misp");
	struct indicator_export_opts o;
	memset(&o, 0, sizeof(o));
	o.now_ms = now_ms;
	o.rpz_origin = cfg ? cfg->indicator_rpz_origin : NULL;
	o.rpz_action = cfg ? cfg->indicator_rpz_action : NULL;
	struct feed_ctx k = { rq->consumer, NULL, now_ms, err };
	if (indicator_misp_feed_open(dir, &o, &k.f, err) != 0)
		return -1;
	struct perr e;
	perr_clear(&e);
	if (store_indicator_export_each(st, now_ms, feed_row, &k, &e) != 0) {
		if (e.kind != PERR_OK && err)
			*err = e;
		/* a writer's failure marks the feed broken and close then
		** keeps the previous feed; the feed writer has no abort for a
		** store failure midway, so that one closes what was read
		** (fewer indicators, never one the rule refused) */
		indicator_misp_feed_close(k.f, NULL, NULL);
		return -1;
	}
	struct indicator_export_counts n;
	if (indicator_misp_feed_close(k.f, &n, err) != 0)
		return -1;
	if (count)
		*count = n.written;
	return 0;
}
