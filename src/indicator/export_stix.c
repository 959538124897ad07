/*
** export_stix.c — the registry as a STIX 2.1 bundle (OASIS STIX 2.1, the
** format CERTs exchange indicators in: OpenCTI, MISP, TAXII servers).
**
** Each indicator is an Indicator SDO whose STIX pattern names the value:
**   ipv4 / ipv6         [ipv4-addr:value = '192.0.2.1'] / [ipv6-addr:value = ..]
**   cidr                the same object with the network as its value
**                       ('198.51.100.0/24': STIX 2.1 section 6.4.1 allows CIDR)
**   domain, url, email  [domain-name:value = ..], [url:value = ..],
**                       [email-addr:value = ..]
**   sha256, sha1, md5   [file:hashes.'SHA-256' = ..], 'SHA-1', MD5
**   tls                 [x509-certificate:hashes.'SHA-256' = ..]
**   asn                 [autonomous-system:number = 64500]
**   app                 a Malware SDO (is_family false, name = the package),
**                       an Indicator on its signing certificate, and an
**                       "indicates" Relationship from one to the other: the
**                       certificate is what a mobile-security product can
**                       check on a device, the package name alone is forged
**                       by any repackager.
** String literals of a pattern escape '\' and ''' (STIX 2.1 patterning,
** section 9.3), and the whole pattern is then JSON-escaped.
**
** Ids are deterministic (UUIDv5 of the producer, the type and the value
** in Parapet's namespace), so a consumer that loads Monday's and Tuesday's bundles
** updates one object per indicator instead of keeping two. valid_from is
** first seen, valid_until the expiry; labels are the RSIT class and the
** tags; confidence is the registry's 0-100 (STIX's scale too). TLP is
** marked with the official TLP 2.0 marking definitions (the ids OASIS
** published in cti-stix-common-objects), each included once in the bundle
** when first used.
*/
#include "indicator/export_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The TLP 2.0 marking definitions, as OASIS publishes them
** (cti-stix-common-objects, extension-definition-specifications/tlp-2.0),
** by export_tlp_level. */
static const char *const tlp_id[5] = {
	"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", /* CLEAR */
	"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", /* GREEN */
	"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", /* AMBER */
	"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", /* AMBER+STRICT */
	"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", /* RED */
};
static const char *const tlp_label[5] = { "TLP:CLEAR", "TLP:GREEN", "TLP:AMBER",
					  "TLP:AMBER+STRICT", "TLP:RED" };

struct stix_state {
	unsigned tlp_written; /* bit per level: its marking definition is in */
	char identity[64];    /* "identity--..." of the producer */
};

static void sep(struct indicator_export *x)
{
	pbuf_add(x->out, x->first ? "\n" : ",\n", x->first ? 1 : 2);
	x->first = false;
}

static int stix_open(struct indicator_export *x, struct perr *err)
{
	struct stix_state *s = calloc(1, sizeof(*s));
	if (!s)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	x->state = s;
	char uuid[37], ts[32], now[24];
	export_uuid5(export_uuid_ns, x->producer, "identity", "", uuid);
	snprintf(s->identity, sizeof(s->identity), "identity--%s", uuid);
	snprintf(now, sizeof(now), "%lld", (long long)x->now_ms);
	export_uuid5(export_uuid_ns, x->producer, "bundle", now, uuid);
	export_time(x->now_ms, ts);
	struct pbuf *b = x->out;
	pbuf_addf(b, "{\"type\":\"bundle\",\"id\":\"bundle--%s\",\"objects\":[", uuid);
	sep(x);
	pbuf_addf(b,
		  "{\"type\":\"identity\",\"spec_version\":\"2.1\",\"id\":\"%s\","
		  "\"created\":\"%s\",\"modified\":\"%s\",\"identity_class\":\"organization\","
		  "\"name\":",
		  s->identity, ts, ts);
	pjson_str(b, x->producer);
	pbuf_add(b, "}", 1);
	return 0;
}

/* The marking definition of level, the first time it is used. */
static void stix_marking(struct indicator_export *x, struct stix_state *s, int level)
{
	if (s->tlp_written & (1u << level))
		return;
	s->tlp_written |= 1u << level;
	sep(x);
	pbuf_addf(x->out,
		  "{\"type\":\"marking-definition\",\"spec_version\":\"2.1\",\"id\":\"%s\","
		  "\"created_by_ref\":\"identity--b3bca3c2-1f3d-4b54-b44f-dac42c3a8f01\","
		  "\"created\":\"2022-10-01T00:00:00.000Z\",\"extensions\":{"
		  "\"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d\":{"
		  "\"extension_type\":\"property-extension\",\"tlp_2_0\":\"%s\"}},"
		  "\"name\":\"%s\"}",
		  tlp_id[level], export_tlp_name(level), tlp_label[level]);
}

/* A STIX pattern string literal: value between quotes, '\' and '''
** escaped. */
static void pat_lit(struct pbuf *b, const char *v)
{
	pbuf_add(b, "'", 1);
	for (const char *p = v; *p; p++) {
		if (*p == '\\' || *p == '\'')
			pbuf_add(b, "\\", 1);
		pbuf_add(b, p, 1);
	}
	pbuf_add(b, "'", 1);
}

/* The pattern of a value of type t (for an app: of its certificate). 0, or
** -1 when the value cannot be spelled (an app without ':', a bad ASN). */
static int stix_pattern(enum indicator_type t, const char *v, struct pbuf *p)
{
	switch (t) {
	case INDICATOR_IPV4:
		pbuf_adds(p, "[ipv4-addr:value = ");
		break;
	case INDICATOR_IPV6:
		pbuf_adds(p, "[ipv6-addr:value = ");
		break;
	case INDICATOR_CIDR:
		pbuf_adds(p, strchr(v, ':') ? "[ipv6-addr:value = " : "[ipv4-addr:value = ");
		break;
	case INDICATOR_DOMAIN:
		pbuf_adds(p, "[domain-name:value = ");
		break;
	case INDICATOR_URL:
		pbuf_adds(p, "[url:value = ");
		break;
	case INDICATOR_EMAIL:
		pbuf_adds(p, "[email-addr:value = ");
		break;
	case INDICATOR_SHA256:
		pbuf_adds(p, "[file:hashes.'SHA-256' = ");
		break;
	case INDICATOR_SHA1:
		pbuf_adds(p, "[file:hashes.'SHA-1' = ");
		break;
	case INDICATOR_MD5:
		pbuf_adds(p, "[file:hashes.MD5 = ");
		break;
	case INDICATOR_TLS:
		pbuf_adds(p, "[x509-certificate:hashes.'SHA-256' = ");
		break;
	case INDICATOR_APP: {
		const char *c = strrchr(v, ':');
		if (!c || !c[1])
			return -1;
		pbuf_adds(p, "[x509-certificate:hashes.'SHA-256' = ");
		v = c + 1;
		break;
	}
	case INDICATOR_ASN: {
		int64_t n;
		if ((v[0] != 'A' && v[0] != 'a') || (v[1] != 'S' && v[1] != 's') ||
		    parse_i64(v + 2, 1, 4294967295LL, &n) != 0)
			return -1;
		pbuf_addf(p, "[autonomous-system:number = %lld]", (long long)n);
		return 0;
	}
	default:
		return -1;
	}
	pat_lit(p, v);
	pbuf_add(p, "]", 1);
	return 0;
}

/* What every SDO of row r carries: created_by_ref, times, marking. */
static void stix_common(struct indicator_export *x, struct stix_state *s,
			const struct store_indicator *r, int level, const char *id)
{
	char c[32], m[32];
	int64_t created = r->created_ms ? r->created_ms : r->first_seen_ms ? r->first_seen_ms
									    : x->now_ms;
	int64_t modified = r->updated_ms > created ? r->updated_ms : created;
	export_time(created, c);
	export_time(modified, m);
	pbuf_addf(x->out,
		  "\"spec_version\":\"2.1\",\"id\":\"%s\",\"created_by_ref\":\"%s\","
		  "\"created\":\"%s\",\"modified\":\"%s\",\"object_marking_refs\":[\"%s\"]",
		  id, s->identity, c, m, tlp_id[level]);
}

static int stix_add(struct indicator_export *x, const struct store_indicator *r,
		    enum indicator_type t, struct perr *err)
{
	struct stix_state *s = x->state;
	char pbufmem[2 * INDICATOR_VALUE_SIZE + 64];
	struct pbuf pat = pbuf_fixed(pbufmem, sizeof(pbufmem));
	if (stix_pattern(t, r->value, &pat) != 0 || pbuf_failed(&pat)) {
		x->n.skipped++;
		return 0;
	}
	int level = export_tlp_level(r->tlp);
	stix_marking(x, s, level);
	struct pbuf *b = x->out;
	char uuid[37], ind_id[64], mal_id[64];
	export_uuid5(export_uuid_ns, x->producer, r->type, r->value, uuid);
	snprintf(ind_id, sizeof(ind_id), "indicator--%s", uuid);

	sep(x);
	pbuf_adds(b, "{\"type\":\"indicator\",");
	stix_common(x, s, r, level, ind_id);
	pbuf_adds(b, ",\"name\":");
	char name[INDICATOR_VALUE_SIZE + 16];
	snprintf(name, sizeof(name), "%s %s", r->type, r->value);
	pjson_str(b, name);
	if (r->reason[0] || r->attribution[0]) {
		char desc[1400];
		struct pbuf d = pbuf_fixed(desc, sizeof(desc));
		pbuf_adds(&d, r->reason);
		if (r->attribution[0])
			pbuf_addf(&d, "%s(attribution: %s)", r->reason[0] ? " " : "", r->attribution);
		pbuf_keep_prefix(&d); /* a description cut at 1,400 bytes is still one */
		pbuf_adds(b, ",\"description\":");
		pjson_str(b, desc);
	}
	pbuf_adds(b, ",\"indicator_types\":[\"malicious-activity\"],\"pattern\":");
	pjson_str(b, pbuf_cstr(&pat));
	pbuf_adds(b, ",\"pattern_type\":\"stix\",\"pattern_version\":\"2.1\",\"valid_from\":");
	int64_t from = r->first_seen_ms ? r->first_seen_ms : r->created_ms ? r->created_ms
									   : x->now_ms;
	pjson_time(b, from);
	/* STIX 2.1 section 4.7: valid_until MUST be later than valid_from */
	if (r->expires_ms > from) {
		pbuf_adds(b, ",\"valid_until\":");
		pjson_time(b, r->expires_ms);
	}
	if (r->confidence >= 0 && r->confidence <= 100)
		pbuf_addf(b, ",\"confidence\":%d", r->confidence);
	if (r->class_[0] || r->tags[0]) {
		pbuf_adds(b, ",\"labels\":");
		char tags[600];
		snprintf(tags, sizeof(tags), ",%s%s", r->class_, r->tags[0] ? r->tags : ",");
		export_json_tags(b, tags);
	}
	pbuf_add(b, "}", 1);

	if (t == INDICATOR_APP) {
		char pkg[300];
		const char *c = strrchr(r->value, ':');
		size_t n = (size_t)(c - r->value);
		if (n >= sizeof(pkg))
			n = sizeof(pkg) - 1;
		memcpy(pkg, r->value, n);
		pkg[n] = 0;
		export_uuid5(export_uuid_ns, x->producer, "malware", r->value, uuid);
		snprintf(mal_id, sizeof(mal_id), "malware--%s", uuid);
		sep(x);
		pbuf_adds(b, "{\"type\":\"malware\",");
		stix_common(x, s, r, level, mal_id);
		pbuf_adds(b, ",\"name\":");
		pjson_str(b, pkg);
		pbuf_adds(b, ",\"is_family\":false");
		if (r->reason[0]) {
			pbuf_adds(b, ",\"description\":");
			pjson_str(b, r->reason);
		}
		if (r->first_seen_ms) {
			pbuf_adds(b, ",\"first_seen\":");
			pjson_time(b, r->first_seen_ms);
		}
		pbuf_add(b, "}", 1);
		export_uuid5(export_uuid_ns, x->producer, "indicates", r->value, uuid);
		char rel_id[64];
		snprintf(rel_id, sizeof(rel_id), "relationship--%s", uuid);
		sep(x);
		pbuf_adds(b, "{\"type\":\"relationship\",");
		stix_common(x, s, r, level, rel_id);
		pbuf_addf(b,
			  ",\"relationship_type\":\"indicates\",\"source_ref\":\"%s\","
			  "\"target_ref\":\"%s\"}",
			  ind_id, mal_id);
	}
	(void)err;
	x->n.written++;
	return 0;
}

static int stix_close(struct indicator_export *x, struct perr *err)
{
	(void)err;
	pbuf_adds(x->out, "\n]}\n");
	return 0;
}

static void stix_free(struct indicator_export *x)
{
	free(x->state);
	x->state = NULL;
}

const struct export_ops export_stix_ops = { stix_open, stix_add, stix_close, stix_free };
