/*
** export_misp.c — the registry as MISP events (MISP core format, the JSON
** a MISP instance imports with "Import from... MISP JSON" and fetches
** from a feed: draft-dulaunoy-misp-core-format).
**
** One event, streamed: the event's header, its attributes one per row,
** and at the end what only the whole set knows (its distribution and TLP
** tag: the most restrictive of its attributes, so an event is never
** shared wider than its most restricted part). The HTTP export serves one
** such event; the feed directory (export_misp_feed.c) writes one event per
** RSIT class through the same writer.
**
** Types (MISP's describeTypes), each with its category:
**   ipv4, ipv6, cidr    ip-dst            Network activity (MISP's ip-dst
**                                         takes a CIDR as its value)
**   domain              domain            Network activity
**   url                 url               Network activity
**   email               email-src         Payload delivery (the sender of
**                                         the phishing mail)
**   sha256, sha1, md5   sha256, sha1, md5 Payload delivery
**   tls                 x509-fingerprint-sha256  Network activity
**   asn                 AS (the number)   Network activity
**   app                 text              Other, to_ids false, with a
**                                         comment naming the package and
**                                         the certificate: MISP has no
**                                         attribute type for an Android app
**                                         (its "android-app" object would
**                                         need the object templates)
** Each attribute carries its own "tlp:..." tag (MISP's tlp taxonomy),
** to_ids (true where an IDS can match the value), distribution 5 (as the
** event), the class and reason as its comment, first_seen and last_seen.
** uuids are UUIDv5 of the type and value, so a re-import updates.
*/
#include "indicator/export_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct misp_state {
	char uuid[37];
	char info[256];
	int max_tlp; /* most restrictive level seen, -1 = none */
};

/* MISP's distribution levels by TLP: clear = all communities (3), green =
** connected communities (2), amber and amber+strict = this community only
** (1), red = your organisation only (0). */
static int tlp_distribution(int level)
{
	static const int d[5] = { 3, 2, 1, 1, 0 };
	return level >= 0 && level <= 4 ? d[level] : 1;
}

/* The colour MISP's tlp taxonomy gives each tag (what its UI shows). */
static const char *tlp_colour(int level)
{
	static const char *const c[5] = { "#ffffff", "#33ff00", "#ffc000", "#ffc000", "#ff2b2b" };
	return level >= 0 && level <= 4 ? c[level] : "#ffc000";
}

int export_misp_event_open(struct indicator_export *x, const char *group, struct perr *err);

static int misp_open(struct indicator_export *x, struct perr *err)
{
	return export_misp_event_open(x, NULL, err);
}

/* The event of group (NULL: the whole registry in one event). */
int export_misp_event_open(struct indicator_export *x, const char *group, struct perr *err)
{
	struct misp_state *s = calloc(1, sizeof(*s));
	if (!s)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	x->state = s;
	s->max_tlp = -1;
	export_uuid5(export_uuid_ns, x->producer, "misp-event", group ? group : "", s->uuid);
	snprintf(s->info, sizeof(s->info), "%s indicators%s%s", x->producer, group ? ": " : "",
		 group ? group : "");
	char org[37], ts[32];
	export_uuid5(export_uuid_ns, x->producer, "misp-org", "", org);
	export_time(x->now_ms, ts);
	struct pbuf *b = x->out;
	pbuf_addf(b, "{\"Event\":{\"uuid\":\"%s\",\"info\":", s->uuid);
	pjson_str(b, s->info);
	/* analysis 2 = completed (the registry holds what analysts confirmed);
	** threat level 2 = medium (the registry has no per-event level) */
	pbuf_addf(b,
		  ",\"date\":\"%.10s\",\"analysis\":\"2\",\"threat_level_id\":\"2\","
		  "\"published\":true,\"timestamp\":\"%lld\",\"publish_timestamp\":\"%lld\","
		  "\"Orgc\":{\"uuid\":\"%s\",\"name\":",
		  ts, (long long)(x->now_ms / 1000), (long long)(x->now_ms / 1000), org);
	pjson_str(b, x->producer);
	pbuf_adds(b, "},\"Attribute\":[");
	return 0;
}

static int misp_add(struct indicator_export *x, const struct store_indicator *r,
		    enum indicator_type t, struct perr *err)
{
	(void)err;
	struct misp_state *s = x->state;
	const char *type = NULL, *cat = "Network activity", *value = r->value;
	bool ids = true;
	switch (t) {
	case INDICATOR_IPV4:
	case INDICATOR_IPV6:
	case INDICATOR_CIDR:
		type = "ip-dst";
		break;
	case INDICATOR_DOMAIN:
		type = "domain";
		break;
	case INDICATOR_URL:
		type = "url";
		break;
	case INDICATOR_EMAIL:
		type = "email-src";
		cat = "Payload delivery";
		break;
	case INDICATOR_SHA256:
	case INDICATOR_SHA1:
	case INDICATOR_MD5:
		type = r->type;
		cat = "Payload delivery";
		break;
	case INDICATOR_TLS:
		type = "x509-fingerprint-sha256";
		break;
	case INDICATOR_ASN:
		type = "AS";
		/* MISP stores the number; "AS64500" is our canonical text */
		if ((value[0] == 'A' || value[0] == 'a') && (value[1] == 'S' || value[1] == 's'))
			value += 2;
		break;
	case INDICATOR_APP:
		type = "text";
		cat = "Other";
		ids = false;
		break;
	default:
		x->n.ignored++;
		return 0;
	}
	int level = export_tlp_level(r->tlp);
	if (level > s->max_tlp)
		s->max_tlp = level;
	char uuid[37];
	export_uuid5(export_uuid_ns, x->producer, r->type, r->value, uuid);
	struct pbuf *b = x->out;
	pbuf_addf(b,
		  "%s\n{\"uuid\":\"%s\",\"type\":\"%s\",\"category\":\"%s\",\"to_ids\":%s,"
		  "\"distribution\":\"5\",\"timestamp\":\"%lld\",\"value\":",
		  x->first ? "" : ",", uuid, type, cat, ids ? "true" : "false",
		  (long long)((r->updated_ms ? r->updated_ms : x->now_ms) / 1000));
	x->first = false;
	pjson_str(b, value);
	char comment[1600];
	struct pbuf c = pbuf_fixed(comment, sizeof(comment));
	if (t == INDICATOR_APP) {
		const char *colon = strrchr(r->value, ':');
		int pn = colon ? (int)(colon - r->value) : (int)strlen(r->value);
		pbuf_addf(&c, "Android app %.*s signed by the certificate with SHA-256 %s", pn,
			  r->value, colon ? colon + 1 : "?");
		if (r->attribution[0])
			pbuf_addf(&c, " (author: %s)", r->attribution);
		pbuf_adds(&c, "; ");
	}
	if (r->class_[0])
		pbuf_addf(&c, "%s: ", r->class_);
	pbuf_adds(&c, r->reason);
	pbuf_keep_prefix(&c); /* a comment cut at 1,600 bytes is still one */
	pbuf_adds(b, ",\"comment\":");
	pjson_str(b, comment);
	if (r->first_seen_ms) {
		pbuf_adds(b, ",\"first_seen\":");
		pjson_time(b, r->first_seen_ms);
	}
	if (r->last_seen_ms >= r->first_seen_ms && r->last_seen_ms) {
		pbuf_adds(b, ",\"last_seen\":");
		pjson_time(b, r->last_seen_ms);
	}
	pbuf_addf(b, ",\"Tag\":[{\"name\":\"tlp:%s\",\"colour\":\"%s\"}]}", export_tlp_name(level),
		  tlp_colour(level));
	x->n.written++;
	return 0;
}

/* The event's distribution and its TLP tag, by the most restrictive
** attribute (an empty event: clear, all communities). */
void export_misp_event_meta(const struct indicator_export *x, int *distribution, int *tlp)
{
	const struct misp_state *s = x->state;
	int level = s->max_tlp < 0 ? 0 : s->max_tlp;
	*tlp = level;
	*distribution = tlp_distribution(level);
}

const char *export_misp_uuid(const struct indicator_export *x)
{
	return ((const struct misp_state *)x->state)->uuid;
}

const char *export_misp_info(const struct indicator_export *x)
{
	return ((const struct misp_state *)x->state)->info;
}

const char *export_misp_tlp_colour(int level)
{
	return tlp_colour(level);
}

static int misp_close(struct indicator_export *x, struct perr *err)
{
	(void)err;
	int dist, level;
	export_misp_event_meta(x, &dist, &level);
	pbuf_addf(x->out,
		  "%s],\"distribution\":\"%d\",\"Tag\":[{\"name\":\"tlp:%s\",\"colour\":\"%s\"}]}}\n",
		  x->first ? "" : "\n", dist, export_tlp_name(level), tlp_colour(level));
	return 0;
}

static void misp_free(struct indicator_export *x)
{
	free(x->state);
	x->state = NULL;
}

const struct export_ops export_misp_ops = { misp_open, misp_add, misp_close, misp_free };
