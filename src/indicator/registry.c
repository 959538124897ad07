/*
** registry.c — the indicator record: listing a value (indicator_add), who
** may see it (indicator_visible), and reading, changing, retiring and
** searching indicators, each one domain function that the API, the CLI,
** the bulk import and the detectors call alike.
**
** Every rule of the record lives here once: the value canonicalised (so one
** domain cannot be listed twice under two spellings), the RSIT class, the
** TLP 2.0 label, the source, confidence and tags checked, the default
** expiry per type (value.c's figures), the address range kept for
** containment searches, and the MISP warninglists consulted before a value
** can block something the whole country uses (8.8.8.8, google.com): a hit
** holds the indicator for an analyst's confirmation, with the lists named.
** A value listed again refreshes the row it has (last seen, expiry, links)
** rather than adding a second one, because feeds and peers report the same
** values day after day. Every change is audited in the caller's
** transaction.
**
** Visibility follows TLP 2.0 as the CERT shares with its constituency:
** CERT staff see every indicator; a constituent sees CLEAR and GREEN, AMBER
** and AMBER+STRICT only for their own organisation, never RED (RED is for
** the named recipients of one conversation, not an organisation's portal).
** Out of scope reads as absent (PERR_NOTFOUND), so ids do not leak what
** exists.
*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "identity/identity.h"
#include "incident/incident.h"
#include "indicator/indicator.h"
#include "store/store.h"

#define REASON_MAX 1023      /* bytes; the store row holds 1023 */
#define ATTRIBUTION_MAX 255
#define SOURCE_REF_MAX 255
#define TAG_MAX 64           /* bytes of one tag */
#define TAGS_MAX 32          /* tags of one indicator */
#define WL_HITS_MAX 16       /* lists named in held_lists */

static const char *const sources[] = { "analyst", "feed", "peer", "apk" };

static bool in_list(const char *s, const char *const *l, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(s, l[i]) == 0)
			return true;
	return false;
}

int indicator_tlp_norm(const char *in, char *out, size_t n, struct perr *err)
{
	/* core's one TLP list: "amber", "TLP:AMBER" and "Amber" are one label */
	const char *canon = in && in[0] ? core_tlp_parse(in, strlen(in)) : "AMBER";
	if (!canon)
		return perr_set(err, PERR_INVALID, "tlp",
				"tlp must be one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED");
	pstrtrunc(out, canon, n);
	return 0;
}

int indicator_tags_norm(const char *in, char *out, size_t n, struct perr *err)
{
	struct pbuf b = pbuf_fixed(out, n);
	size_t count = 0;
	out[0] = 0;
	const char *q = in ? in : "";
	while (*q) {
		const char *e = strchr(q, ',');
		struct pstr t = pstr_trim((struct pstr){ q, e ? (size_t)(e - q) : strlen(q) });
		q = e ? e + 1 : q + strlen(q);
		if (t.n == 0)
			continue;
		if (t.n > TAG_MAX)
			return perr_set(err, PERR_INVALID, "tags", "a tag is at most %d bytes",
					TAG_MAX);
		char tag[TAG_MAX + 3];
		tag[0] = ',';
		for (size_t i = 0; i < t.n; i++) {
			char c = core_lower(t.p[i]);
			if (!(islower((unsigned char)c) || isdigit((unsigned char)c) || c == ':' ||
			      c == '_' || c == '.' || c == '-'))
				return perr_set(err, PERR_INVALID, "tags",
						"tag '%.*s': only a-z, 0-9, ':', '_', '.' and '-'",
						(int)t.n, t.p);
			tag[i + 1] = c;
		}
		tag[t.n + 1] = ',';
		tag[t.n + 2] = 0;
		/* once each: ",a," found in ",a,b," means listed already */
		if (b.len && strstr(out, tag))
			continue;
		if (++count > TAGS_MAX)
			return perr_set(err, PERR_LIMIT, "tags", "at most %d tags", TAGS_MAX);
		if (b.len)
			b.len--; /* the separator is shared: ",a," + ",b," = ",a,b," */
		if (pbuf_adds(&b, tag) != 0)
			return perr_set(err, PERR_LIMIT, "tags", "tags are longer than %zu bytes",
					n - 1);
	}
	return 0;
}

bool indicator_visible(const struct principal *p, const char *tlp, int64_t org_id)
{
	if (!p || identity_is_staff(p))
		return true;
	/* by rank, never by text: 0 CLEAR, 1 GREEN, 2 AMBER, 3 AMBER+STRICT,
	** 4 RED, -1 for a label that is none of them (never shown) */
	int rank = core_tlp_rank(tlp);
	if (rank == 0 || rank == 1)
		return true;
	if (rank == 2 || rank == 3)
		return org_id != 0 && p->org_id != 0 && org_id == p->org_id;
	return false;
}

/* Writing the registry is CERT work: analysts, provincial analysts and
** admins (ROLES_CERT); NULL is the local operator or a job. The registry is
** national (every resolver and peer loads it), so a credential narrowed to
** one organisation or province may not change it: what it writes could not
** be cut down to that scope. */
static bool may_write(const struct principal *p)
{
	return !p || (identity_is_analyst(p) && !p->scope_org && !p->scope_province[0]);
}

/* A free text field from outside: valid UTF-8, at most max bytes. */
static int text_ok(const char *s, size_t max, const char *field, struct perr *err)
{
	size_t n = s ? strlen(s) : 0;
	if (n > max)
		return perr_set(err, PERR_INVALID, field, "%s is longer than %zu bytes", field, max);
	if (n && !utf8_valid(s, n))
		return perr_set(err, PERR_INVALID, field, "%s is not valid UTF-8", field);
	return 0;
}

/* The warninglists value of type t hits, "; " separated in held (size n).
** A URL's or e-mail address's host is also matched on its own, as a domain
** (or address): MISP's hostname lists (top domains, cloud providers)
** rarely name "url" or "email-dst" among their matching attributes, and
** phishing mail from gmail.com must still be held. Returns the number of
** distinct lists hit. */
static size_t wl_check(const struct indicator_wl_set *wl, enum indicator_type t,
		       const char *canon, char *held, size_t n)
{
	struct indicator_wl_hit hits[WL_HITS_MAX * 2];
	size_t nh = indicator_wl_match(wl, indicator_wl_hint(t), canon, strlen(canon), hits,
				       WL_HITS_MAX);
	if (nh > WL_HITS_MAX)
		nh = WL_HITS_MAX;
	if (t == INDICATOR_URL || t == INDICATOR_EMAIL) {
		struct pstr h = indicator_value_host(t, canon);
		char host[INDICATOR_VALUE_SIZE];
		if (h.n && pstr_copy(h, host, sizeof(host)) == 0) {
			enum indicator_type ht = indicator_type_guess(host, h.n);
			const char *hint = indicator_wl_hint(ht == INDICATOR_NONE ? INDICATOR_DOMAIN
										  : ht);
			size_t more = indicator_wl_match(wl, hint, host, h.n, hits + nh,
							 WL_HITS_MAX);
			if (more > WL_HITS_MAX)
				more = WL_HITS_MAX;
			nh += more;
		}
	}
	struct pbuf b = pbuf_fixed(held, n);
	held[0] = 0;
	size_t distinct = 0;
	for (size_t i = 0; i < nh; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(hits[i].name, hits[j].name) == 0;
		if (seen)
			continue;
		distinct++;
		/* a list name cut short still names it; the row's field is finite */
		if (pbuf_addf(&b, "%s%s", b.len ? "; " : "", hits[i].name) != 0)
			pbuf_keep_prefix(&b);
	}
	return distinct;
}

/* The audit record of a row: what it is and how it is shared, no more. */
static json_t *audit_min(const struct store_indicator *r)
{
	return json_pack("{sIsssssssssssssisIss}", "id", (json_int_t)r->id, "type", r->type,
			 "value", r->value, "status", r->status, "tlp", r->tlp, "class",
			 r->class_, "source", r->source, "confidence", r->confidence, "expires",
			 (json_int_t)r->expires_ms, "held_lists", r->held_lists);
}

static int audit_ind(struct store *st, const char *actor, const char *action,
		     const struct store_indicator *before, const struct store_indicator *after,
		     struct perr *err)
{
	char obj[48];
	snprintf(obj, sizeof(obj), "indicator:%lld", (long long)after->id);
	return audit_append_json(st, actor ? actor : "parapet", action, obj,
				 before ? audit_min(before) : NULL, audit_min(after), err);
}

/* The organisation and incident a record names must exist: named as the
** caller's field, not as a foreign-key failure. */
static int refs_ok(struct store *st, int64_t org_id, int64_t incident_id, struct perr *err)
{
	if (org_id < 0)
		return perr_set(err, PERR_INVALID, "org_id", "org_id must be positive");
	if (org_id) {
		struct store_org o;
		if (store_org_get(st, org_id, &o, err) != 0) {
			if (err && err->kind == PERR_NOTFOUND)
				perr_set(err, PERR_INVALID, "org_id", "no organisation %lld",
					 (long long)org_id);
			return -1;
		}
	}
	if (incident_id < 0)
		return perr_set(err, PERR_INVALID, "incident", "incident must be positive");
	if (incident_id) {
		struct store_incident *inc = malloc(sizeof(*inc));
		if (!inc)
			return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		int rc = store_incident_get(st, incident_id, inc, err);
		free(inc);
		if (rc != 0) {
			if (err && err->kind == PERR_NOTFOUND)
				perr_set(err, PERR_INVALID, "incident", "no incident %lld",
					 (long long)incident_id);
			return -1;
		}
	}
	return 0;
}

/* Tags of b merged into a's (",x," lists), a's first. */
static void tags_merge(char *a, size_t n, const char *b)
{
	struct pbuf o = pbuf_fixed(a, n);
	o.len = strlen(a);
	const char *p = b;
	while (p && *p) {
		if (*p == ',') {
			p++;
			continue;
		}
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char tag[TAG_MAX + 3];
		if (len <= TAG_MAX) {
			snprintf(tag, sizeof(tag), ",%.*s,", (int)len, p);
			if (!strstr(a, tag)) {
				size_t keep = o.len;
				if (o.len)
					o.len--;
				if (pbuf_adds(&o, tag) != 0) {
					o.len = keep; /* full: the tags kept are a's */
					a[keep] = 0;
					break;
				}
			}
		}
		p += len;
	}
}

int indicator_add(struct store *st, const struct indicator_wl_set *wl,
		  const struct principal *p, const char *actor, const struct indicator_spec *spec,
		  int64_t now_ms, int64_t *id, char *held, size_t heldsz, struct perr *err)
{
	struct store_indicator *r = NULL, *old = NULL;
	int rc = -1;
	if (held && heldsz)
		held[0] = 0;
	if (!may_write(p))
		return perr_set(err, PERR_FORBIDDEN, NULL, "only CERT analysts list indicators");
	if (!spec || !spec->value || !spec->value[0])
		return perr_set(err, PERR_INVALID, "value", "value is required");
	r = calloc(1, sizeof(*r));
	old = calloc(1, sizeof(*old));
	if (!r || !old) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}

	/* the value: typed, canonical */
	enum indicator_type t;
	size_t vlen = strlen(spec->value);
	if (spec->type && spec->type[0]) {
		t = indicator_type_parse(spec->type);
		if (t == INDICATOR_NONE) {
			perr_set(err, PERR_INVALID, "type", "unknown indicator type '%.40s'",
				 spec->type);
			goto out;
		}
	} else {
		t = indicator_type_guess(spec->value, vlen);
		if (t == INDICATOR_NONE) {
			perr_set(err, PERR_INVALID, "value",
				 "not a value of any indicator type (give the type)");
			goto out;
		}
	}
	if (indicator_value_canon(t, spec->value, vlen, r->value, sizeof(r->value), err) != 0)
		goto out;
	if (PSTRCPY_OR_ERR(r->type, indicator_type_name(t), "type", err))
		goto out;

	/* the record's fields */
	const char *cls = spec->class_ ? spec->class_ : "";
	if (cls[0] && !incident_rsit_class_valid(cls)) {
		perr_set(err, PERR_INVALID, "class", "class '%.48s' is not an RSIT class", cls);
		goto out;
	}
	if (PSTRCPY_OR_ERR(r->class_, cls, "class", err) ||
	    indicator_tlp_norm(spec->tlp, r->tlp, sizeof(r->tlp), err) != 0 ||
	    text_ok(spec->reason, REASON_MAX, "reason", err) != 0 ||
	    text_ok(spec->attribution, ATTRIBUTION_MAX, "attribution", err) != 0 ||
	    text_ok(spec->source_ref, SOURCE_REF_MAX, "source_ref", err) != 0 ||
	    PSTRCPY_OR_ERR(r->reason, spec->reason, "reason", err) ||
	    PSTRCPY_OR_ERR(r->attribution, spec->attribution, "attribution", err) ||
	    PSTRCPY_OR_ERR(r->source_ref, spec->source_ref, "source_ref", err) ||
	    indicator_tags_norm(spec->tags, r->tags, sizeof(r->tags), err) != 0)
		goto out;
	const char *src = spec->source && spec->source[0] ? spec->source : "analyst";
	if (!in_list(src, sources, ARRAY_SIZE(sources))) {
		perr_set(err, PERR_INVALID, "source", "source must be analyst, feed, peer or apk");
		goto out;
	}
	if (PSTRCPY_OR_ERR(r->source, src, "source", err))
		goto out;
	if (spec->confidence < -1 || spec->confidence > 100) {
		perr_set(err, PERR_INVALID, "confidence", "confidence is 0 to 100");
		goto out;
	}
	r->confidence = spec->confidence < 0 ? 50 : spec->confidence;
	if (spec->expires_ms < 0 || (spec->expires_ms && spec->expires_ms <= now_ms)) {
		/* an indicator born expired would never reach an export */
		perr_set(err, PERR_INVALID, "expires", "expires must be in the future");
		goto out;
	}
	r->expires_ms = spec->expires_ms ? spec->expires_ms : now_ms + indicator_default_ttl_ms(t);
	if (refs_ok(st, spec->org_id, spec->incident_id, err) != 0)
		goto out;
	r->org_id = spec->org_id;
	struct indicator_range range;
	if (indicator_value_range(t, r->value, &range) == 0) {
		r->family = range.family;
		memcpy(r->lo, range.first, 16);
		memcpy(r->hi, range.last, 16);
	}

	/* the warninglists */
	char lists[sizeof(r->held_lists)] = "";
	size_t nhit = wl ? wl_check(wl, t, r->value, lists, sizeof(lists)) : 0;
	bool hold = nhit > 0 && !spec->confirm;

	int held_now = 0;
	struct perr e2 = { 0 };
	if (store_indicator_find(st, r->type, r->value, old, &e2) == 0) {
		/* listed already: refresh, never duplicate */
		struct store_indicator before = *old;
		struct store_indicator *u = old;
		u->last_seen_ms = now_ms > u->last_seen_ms ? now_ms : u->last_seen_ms;
		if (r->expires_ms > u->expires_ms)
			u->expires_ms = r->expires_ms;
		/* fill what the row lacks; never widen its sharing (TLP kept) */
		if (!u->class_[0])
			PSTRCPY(u->class_, r->class_);
		if (!u->reason[0])
			PSTRCPY(u->reason, r->reason);
		if (!u->attribution[0])
			PSTRCPY(u->attribution, r->attribution);
		if (!u->org_id)
			u->org_id = r->org_id;
		if (r->confidence > u->confidence && spec->confidence >= 0)
			u->confidence = r->confidence;
		tags_merge(u->tags, sizeof(u->tags), r->tags);
		if (strcmp(u->status, "held") == 0 && !hold) {
			/* confirmed, or the lists no longer hit it */
			PSTRCPY(u->status, "active");
			u->held_lists[0] = 0;
		} else if (strcmp(u->status, "retired") == 0 && strcmp(r->source, "analyst") == 0) {
			/* an analyst listing a retired value again decides anew;
			** a feed or peer repeating it does not undo a retirement */
			if (hold) {
				PSTRCPY(u->status, "held");
				PSTRCPY(u->held_lists, lists);
			} else {
				PSTRCPY(u->status, "active");
				u->held_lists[0] = 0;
			}
		} else if (strcmp(u->status, "held") == 0) {
			PSTRCPY(u->held_lists, lists);
		}
		pstrtrunc(u->actor, actor ? actor : "parapet", sizeof(u->actor));
		u->updated_ms = now_ms;
		if (store_indicator_update(st, u, err) != 0 ||
		    audit_ind(st, actor, "indicator.refresh", &before, u, err) != 0)
			goto out;
		*r = *u;
	} else if (e2.kind == PERR_NOTFOUND) {
		if (hold) {
			PSTRCPY(r->status, "held");
			PSTRCPY(r->held_lists, lists);
		} else {
			PSTRCPY(r->status, "active");
		}
		r->first_seen_ms = r->last_seen_ms = now_ms;
		r->created_ms = r->updated_ms = now_ms;
		pstrtrunc(r->actor, actor ? actor : "parapet", sizeof(r->actor));
		if (store_indicator_insert(st, r, err) != 0 ||
		    audit_ind(st, actor, "indicator.add", NULL, r, err) != 0)
			goto out;
	} else {
		if (err)
			*err = e2;
		goto out;
	}
	if (spec->incident_id &&
	    store_indicator_incident_link(st, r->id, spec->incident_id, now_ms, err) != 0)
		goto out;
	held_now = strcmp(r->status, "held") == 0;
	if (held_now && held && heldsz)
		pstrtrunc(held, r->held_lists, heldsz);
	if (id)
		*id = r->id;
	rc = held_now;
out:
	free(r);
	free(old);
	return rc;
}

/* ------------------------------------------------ reading, changing, searching */

/* ",a,b," (or "a; b" with sep ';') as a JSON array of names. */
static json_t *list_json(const char *s, char sep)
{
	json_t *a = json_array();
	const char *p = s;
	while (a && p && *p) {
		while (*p == sep || *p == ' ')
			p++;
		const char *e = strchr(p, sep);
		size_t n = e ? (size_t)(e - p) : strlen(p);
		while (n && p[n - 1] == ' ')
			n--;
		if (n)
			json_array_append_new(a, json_stringn(p, n));
		p = e ? e + 1 : p + strlen(p);
	}
	return a;
}

json_t *indicator_json(const struct store_indicator *r)
{
	json_t *j = json_object();
	if (!j)
		return NULL;
	json_object_set_new(j, "id", json_integer(r->id));
	json_object_set_new(j, "type", json_string(r->type));
	json_object_set_new(j, "value", json_string(r->value));
	json_object_set_new(j, "status", json_string(r->status));
	json_object_set_new(j, "held_lists", list_json(r->held_lists, ';'));
	json_object_set_new(j, "class", json_string(r->class_));
	json_object_set_new(j, "reason", json_string(r->reason));
	json_object_set_new(j, "tlp", json_string(r->tlp));
	json_object_set_new(j, "source", json_string(r->source));
	json_object_set_new(j, "source_ref", json_string(r->source_ref));
	json_object_set_new(j, "confidence", json_integer(r->confidence));
	json_object_set_new(j, "attribution", json_string(r->attribution));
	json_object_set_new(j, "tags", list_json(r->tags, ','));
	json_object_set_new(j, "org_id", r->org_id ? json_integer(r->org_id) : json_null());
	json_object_set_new(j, "first_seen", core_json_time(r->first_seen_ms));
	json_object_set_new(j, "last_seen", core_json_time(r->last_seen_ms));
	json_object_set_new(j, "expires", core_json_time(r->expires_ms));
	/* rendering, not a rule: exports decide with their own clock reading */
	json_object_set_new(j, "expired", json_boolean(r->expires_ms <= core_now_ms()));
	json_object_set_new(j, "sightings", json_integer(r->sightings));
	json_object_set_new(j, "actor", json_string(r->actor));
	json_object_set_new(j, "created", core_json_time(r->created_ms));
	json_object_set_new(j, "updated", core_json_time(r->updated_ms));
	return j;
}

/* Row id when p may see it; else NOTFOUND, as if absent. */
static int load_visible(struct store *st, const struct principal *p, int64_t id,
			struct store_indicator *r, struct perr *err)
{
	if (store_indicator_get(st, id, r, err) != 0)
		return -1;
	if (!indicator_visible(p, r->tlp, r->org_id))
		return perr_set(err, PERR_NOTFOUND, NULL, "indicator not found");
	return 0;
}

struct sight_ctx {
	const struct principal *p;
	json_t *arr;
};

static int sight_one(void *ud, const struct store_indicator_sighting *s)
{
	struct sight_ctx *c = ud;
	/* a constituent sees the sightings in their own organisation only:
	** another's would tell them who else was hit */
	if (c->p && !identity_is_staff(c->p) && (!s->org_id || s->org_id != c->p->org_id))
		return 0;
	json_array_append_new(c->arr, json_pack("{sIsssIsossso}", "id", (json_int_t)s->id,
						"kind", s->kind, "ref", (json_int_t)s->ref,
						"org_id",
						s->org_id ? json_integer(s->org_id) : json_null(),
						"detail", s->detail, "seen",
						core_json_time(s->seen_ms)));
	return 0;
}

struct inc_ctx {
	struct store *st;
	const struct principal *p;
	json_t *arr;
};

static int inc_one(void *ud, int64_t id)
{
	struct inc_ctx *c = ud;
	if (c->p && !identity_is_staff(c->p)) {
		struct store_incident *inc = malloc(sizeof(*inc));
		struct perr e = { 0 };
		bool own = inc && store_incident_get(c->st, id, inc, &e) == 0 &&
			   inc->org_id == c->p->org_id;
		free(inc);
		if (!own)
			return 0;
	}
	json_array_append_new(c->arr, json_integer(id));
	return 0;
}

int indicator_sightings(struct store *st, const struct principal *p, int64_t id, int64_t limit,
			json_t **out, struct perr *err)
{
	struct store_indicator *r = malloc(sizeof(*r));
	int rc = -1;
	*out = NULL;
	if (!r)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	if (limit < 0 || limit > 1000) {
		perr_set(err, PERR_INVALID, "limit", "limit is 1 to 1000");
		goto out;
	}
	if (load_visible(st, p, id, r, err) != 0)
		goto out;
	struct sight_ctx c = { p, json_array() };
	if (!c.arr) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	if (store_indicator_sighting_list(st, id, limit ? limit : 100, sight_one, &c, err) != 0) {
		json_decref(c.arr);
		goto out;
	}
	*out = c.arr;
	rc = 0;
out:
	free(r);
	return rc;
}

int indicator_get(struct store *st, const struct principal *p, int64_t id, json_t **out,
		  struct perr *err)
{
	struct store_indicator *r = malloc(sizeof(*r));
	json_t *j = NULL, *sightings = NULL;
	int rc = -1;
	*out = NULL;
	if (!r)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	if (load_visible(st, p, id, r, err) != 0)
		goto out;
	j = indicator_json(r);
	struct inc_ctx ic = { st, p, json_array() };
	if (!j || !ic.arr) {
		json_decref(ic.arr);
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	json_object_set_new(j, "incidents", ic.arr);
	if (store_indicator_incident_list(st, id, inc_one, &ic, err) != 0 ||
	    indicator_sightings(st, p, id, 20, &sightings, err) != 0)
		goto out;
	json_object_set_new(j, "recent_sightings", sightings);
	*out = j;
	j = NULL;
	rc = 0;
out:
	json_decref(j);
	free(r);
	return rc;
}

int indicator_update(struct store *st, const struct principal *p, const char *actor, int64_t id,
		     const struct indicator_patch *patch, int64_t now_ms, struct perr *err)
{
	struct store_indicator *r = malloc(sizeof(*r)), *before = malloc(sizeof(*before));
	int rc = -1;
	if (!r || !before) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	if (!may_write(p)) {
		perr_set(err, PERR_FORBIDDEN, NULL, "only CERT analysts change indicators");
		goto out;
	}
	if (store_indicator_get(st, id, r, err) != 0)
		goto out;
	*before = *r;
	if (patch->reason && (text_ok(patch->reason, REASON_MAX, "reason", err) != 0 ||
			      PSTRCPY_OR_ERR(r->reason, patch->reason, "reason", err)))
		goto out;
	if (patch->attribution &&
	    (text_ok(patch->attribution, ATTRIBUTION_MAX, "attribution", err) != 0 ||
	     PSTRCPY_OR_ERR(r->attribution, patch->attribution, "attribution", err)))
		goto out;
	if (patch->class_) {
		if (patch->class_[0] && !incident_rsit_class_valid(patch->class_)) {
			perr_set(err, PERR_INVALID, "class", "class '%.48s' is not an RSIT class",
				 patch->class_);
			goto out;
		}
		if (PSTRCPY_OR_ERR(r->class_, patch->class_, "class", err))
			goto out;
	}
	if (patch->tlp && indicator_tlp_norm(patch->tlp[0] ? patch->tlp : "-", r->tlp,
					     sizeof(r->tlp), err) != 0)
		goto out;
	if (patch->tags && indicator_tags_norm(patch->tags, r->tags, sizeof(r->tags), err) != 0)
		goto out;
	if (patch->confidence < -1 || patch->confidence > 100) {
		perr_set(err, PERR_INVALID, "confidence", "confidence is 0 to 100");
		goto out;
	}
	if (patch->confidence >= 0)
		r->confidence = patch->confidence;
	if (patch->expires_ms < 0) {
		perr_set(err, PERR_INVALID, "expires", "expires must be a time");
		goto out;
	}
	/* a past expiry is allowed here: it is how an analyst ends an
	** indicator's export now while keeping it active for matching */
	if (patch->expires_ms)
		r->expires_ms = patch->expires_ms;
	if (patch->org_id < -1) {
		perr_set(err, PERR_INVALID, "org_id", "org_id must be positive");
		goto out;
	}
	if (patch->org_id >= 0) {
		if (refs_ok(st, patch->org_id, 0, err) != 0)
			goto out;
		r->org_id = patch->org_id;
	}
	if (patch->status) {
		if (strcmp(patch->status, "active") != 0 && strcmp(patch->status, "retired") != 0) {
			perr_set(err, PERR_INVALID, "status", "status must be active or retired");
			goto out;
		}
		if (PSTRCPY_OR_ERR(r->status, patch->status, "status", err))
			goto out;
		if (strcmp(r->status, "active") == 0)
			r->held_lists[0] = 0; /* an analyst confirmed it */
	}
	pstrtrunc(r->actor, actor ? actor : "parapet", sizeof(r->actor));
	r->updated_ms = now_ms > r->updated_ms ? now_ms : r->updated_ms + 1;
	if (store_indicator_update(st, r, err) != 0 ||
	    audit_ind(st, actor, "indicator.update", before, r, err) != 0)
		goto out;
	rc = 0;
out:
	free(r);
	free(before);
	return rc;
}

int indicator_retire(struct store *st, const struct principal *p, const char *actor, int64_t id,
		     int64_t now_ms, struct perr *err)
{
	struct store_indicator *r = malloc(sizeof(*r));
	int rc = -1;
	if (!r)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	if (!may_write(p)) {
		perr_set(err, PERR_FORBIDDEN, NULL, "only CERT analysts retire indicators");
		goto out;
	}
	if (store_indicator_get(st, id, r, err) != 0)
		goto out;
	if (strcmp(r->status, "retired") != 0) {
		struct store_indicator before = *r;
		PSTRCPY(r->status, "retired");
		pstrtrunc(r->actor, actor ? actor : "parapet", sizeof(r->actor));
		r->updated_ms = now_ms > r->updated_ms ? now_ms : r->updated_ms + 1;
		if (store_indicator_update(st, r, err) != 0 ||
		    audit_ind(st, actor, "indicator.retire", &before, r, err) != 0)
			goto out;
	}
	rc = 0;
out:
	free(r);
	return rc;
}

/* An address or network text as the first and last address it covers. */
static int range_of(const char *text, const char *field, struct indicator_range *rg,
		    struct perr *err)
{
	char canon[INDICATOR_VALUE_SIZE];
	enum indicator_type t = indicator_type_guess(text, strlen(text));
	if ((t != INDICATOR_IPV4 && t != INDICATOR_IPV6 && t != INDICATOR_CIDR) ||
	    indicator_value_canon(t, text, strlen(text), canon, sizeof(canon), NULL) != 0 ||
	    indicator_value_range(t, canon, rg) != 0)
		return perr_set(err, PERR_INVALID, field, "%s must be an IP address or a CIDR",
				field);
	return 0;
}

struct search_ctx {
	json_t *items;
	int64_t last_id, n, want;
	bool more;
};

static int search_one(void *ud, const struct store_indicator *r)
{
	struct search_ctx *c = ud;
	if (c->n == c->want) {
		c->more = true; /* the one row past the page: there is a next page */
		return 1;
	}
	json_t *j = indicator_json(r);
	if (!j || json_array_append_new(c->items, j) != 0)
		return -1;
	c->last_id = r->id;
	c->n++;
	return 0;
}

static const char *const statuses[] = { "active", "held", "retired" };

int indicator_search(struct store *st, const struct principal *p,
		     const struct indicator_filter *f, int64_t now_ms, json_t **out,
		     struct perr *err)
{
	struct store_indicator_filter sf;
	char canon[INDICATOR_VALUE_SIZE], tlp[16];
	*out = NULL;
	memset(&sf, 0, sizeof(sf));
	sf.expired = -1;
	sf.now_ms = now_ms;
	if (f->limit < 0 || f->limit > 1000)
		return perr_set(err, PERR_INVALID, "limit", "limit is 1 to 1000");
	if (f->cursor < 0)
		return perr_set(err, PERR_INVALID, "cursor", "cursor must be positive");
	sf.limit = f->limit ? f->limit : 100;
	sf.before_id = f->cursor;
	enum indicator_type t = INDICATOR_NONE;
	if (f->type && f->type[0]) {
		t = indicator_type_parse(f->type);
		if (t == INDICATOR_NONE)
			return perr_set(err, PERR_INVALID, "type", "unknown indicator type '%.40s'",
					f->type);
		sf.type = indicator_type_name(t);
	}
	if (f->value && f->value[0]) {
		/* the value as it is stored: "Evil.Example." finds evil.example */
		size_t n = strlen(f->value);
		enum indicator_type vt = t ? t : indicator_type_guess(f->value, n);
		if (vt == INDICATOR_NONE)
			return perr_set(err, PERR_INVALID, "value",
					"not a value of any indicator type (give the type)");
		if (indicator_value_canon(vt, f->value, n, canon, sizeof(canon), err) != 0)
			return -1;
		sf.value = canon;
	}
	if (f->prefix && f->prefix[0]) {
		if (strlen(f->prefix) > INDICATOR_VALUE_MAX)
			return perr_set(err, PERR_INVALID, "prefix", "prefix is too long");
		sf.prefix = f->prefix;
	}
	/* a value or prefix without a type: every type, so that the (type,
	** value) key finds it rather than a scan of the registry */
	const char *all[INDICATOR_TYPE_COUNT];
	size_t nall = 0;
	if (!sf.type && (sf.value || (f->prefix && f->prefix[0]))) {
		for (int k = INDICATOR_NONE + 1; k < INDICATOR_TYPE_COUNT; k++)
			all[nall++] = indicator_type_name((enum indicator_type)k);
		sf.types = all;
		sf.ntypes = nall;
	}
	struct indicator_range rg;
	if (f->contains && f->contains[0]) {
		if (range_of(f->contains, "contains", &rg, err) != 0)
			return -1;
		if (rg.prefix != (rg.family == 4 ? 32u : 128u))
			return perr_set(err, PERR_INVALID, "contains",
					"contains takes one address (use within for a network)");
		sf.contains_family = rg.family;
		memcpy(sf.contains, rg.first, 16);
		/* the broadest network indicator_value_canon accepts is a /8
		** (IPv4) or a /16 (IPv6): none covering this address starts
		** below the address masked to that */
		memcpy(sf.contains_floor, rg.first, 16);
		memset(sf.contains_floor + (rg.family == 4 ? 1 : 2), 0,
		       rg.family == 4 ? 15 : 14);
	}
	if (f->within && f->within[0]) {
		if (range_of(f->within, "within", &rg, err) != 0)
			return -1;
		sf.within_family = rg.family;
		memcpy(sf.within_first, rg.first, 16);
		memcpy(sf.within_last, rg.last, 16);
	}
	if (f->class_ && f->class_[0]) {
		if (!incident_rsit_class_valid(f->class_))
			return perr_set(err, PERR_INVALID, "class", "not an RSIT class");
		sf.class_ = f->class_;
	}
	char tagbuf[TAG_MAX + 3];
	if (f->tag && f->tag[0]) {
		if (indicator_tags_norm(f->tag, tagbuf, sizeof(tagbuf), NULL) != 0 ||
		    strchr(f->tag, ','))
			return perr_set(err, PERR_INVALID, "tag", "tag is one tag (a-z 0-9 : _ . -)");
		tagbuf[strlen(tagbuf) - 1] = 0; /* ",a," -> "a" */
		sf.tag = tagbuf + 1;
	}
	if (f->source && f->source[0]) {
		if (!in_list(f->source, sources, ARRAY_SIZE(sources)))
			return perr_set(err, PERR_INVALID, "source",
					"source must be analyst, feed, peer or apk");
		sf.source = f->source;
	}
	if (f->tlp && f->tlp[0]) {
		if (indicator_tlp_norm(f->tlp, tlp, sizeof(tlp), err) != 0)
			return -1;
		sf.tlp = tlp;
	}
	if (f->status && f->status[0]) {
		if (!in_list(f->status, statuses, ARRAY_SIZE(statuses)))
			return perr_set(err, PERR_INVALID, "status",
					"status must be active, held or retired");
		sf.status = f->status;
	}
	if (f->expired && f->expired[0]) {
		if (strcmp(f->expired, "true") == 0)
			sf.expired = 1;
		else if (strcmp(f->expired, "false") == 0)
			sf.expired = 0;
		else
			return perr_set(err, PERR_INVALID, "expired", "expired is true or false");
	}
	if (f->org_id < 0)
		return perr_set(err, PERR_INVALID, "org", "org must be positive");
	sf.org_id = f->org_id;
	if (p && !identity_is_staff(p)) {
		sf.scope_constituent = true;
		sf.scope_org = p->org_id;
	}
	struct search_ctx c = { json_array(), 0, 0, sf.limit, false };
	if (!c.items)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	sf.limit++; /* one more than the page, to know whether another follows */
	if (store_indicator_list(st, &sf, search_one, &c, err) < 0) {
		json_decref(c.items);
		if (err && err->kind == PERR_OK)
			perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		return -1;
	}
	*out = json_pack("{soso}", "items", c.items, "next",
			 c.more ? json_integer(c.last_id) : json_null());
	if (!*out)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	return 0;
}
