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

static const char *const tlps[] = { "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" };
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
	char up[32];
	size_t len = in ? strlen(in) : 0;
	if (len == 0) {
		pstrtrunc(out, "AMBER", n);
		return 0;
	}
	if (len >= sizeof(up))
		goto bad;
	for (size_t i = 0; i <= len; i++)
		up[i] = (char)toupper((unsigned char)in[i]);
	/* "TLP:AMBER" is how the label is written on documents: accepted */
	const char *tail = strncmp(up, "TLP:", 4) == 0 ? up + 4 : up;
	if (!in_list(tail, tlps, ARRAY_SIZE(tlps)))
		goto bad;
	pstrtrunc(out, tail, n);
	return 0;
bad:
	return perr_set(err, PERR_INVALID, "tlp",
			"tlp must be one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED");
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
			char c = (char)tolower((unsigned char)t.p[i]);
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
	if (!tlp)
		return false;
	if (strcmp(tlp, "CLEAR") == 0 || strcmp(tlp, "GREEN") == 0)
		return true;
	if (strcmp(tlp, "AMBER") == 0 || strcmp(tlp, "AMBER+STRICT") == 0)
		return org_id != 0 && p->org_id != 0 && org_id == p->org_id;
	return false;
}

/* Writing the registry is CERT work: analysts, provincial analysts and
** admins (ROLES_CERT); NULL is the local operator or a job. */
static bool may_write(const struct principal *p)
{
	return !p || identity_is_analyst(p);
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
