/*
** export.c — the one entry to the indicator export writers (issue 15):
** format names and media types, the options every writer shares (checked
** once here, so a bad rpz_action is refused the same way by the API and
** the CLI), the dispatch to each format's writer (export_<format>.c) and
** the helpers two formats need (deterministic UUIDs for STIX and MISP, TLP
** levels, ISO 8601 times). No I/O: the caller drains the output buffer.
*/
#include "indicator/export_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/sha.h>

static const struct {
	const char *name, *media, *ext;
	const struct export_ops *ops;
} formats[INDICATOR_EXPORT_FORMAT_COUNT] = {
	[INDICATOR_EXPORT_PLAIN] = { "plain", "text/plain; charset=utf-8", "txt", &export_plain_ops },
	[INDICATOR_EXPORT_CSV] = { "csv", "text/csv; charset=utf-8", "csv", &export_csv_ops },
	[INDICATOR_EXPORT_JSON] = { "json", "application/json", "json", &export_json_ops },
	[INDICATOR_EXPORT_STIX] = { "stix", "application/stix+json;version=2.1", "json",
				    &export_stix_ops },
	[INDICATOR_EXPORT_MISP] = { "misp", "application/json", "json", &export_misp_ops },
	/* a zone file is text; there is no registered media type for one */
	[INDICATOR_EXPORT_RPZ] = { "rpz", "text/dns; charset=utf-8", "rpz", &export_rpz_ops },
	[INDICATOR_EXPORT_SURICATA] = { "suricata", "text/plain; charset=utf-8", "rules",
					&export_suricata_ops },
	[INDICATOR_EXPORT_NFT] = { "nft", "text/plain; charset=utf-8", "nft", &export_nft_ops },
};

enum indicator_export_format indicator_export_format_parse(const char *name)
{
	if (!name)
		return INDICATOR_EXPORT_NONE;
	for (int f = 1; f < INDICATOR_EXPORT_FORMAT_COUNT; f++)
		if (strcasecmp(name, formats[f].name) == 0)
			return (enum indicator_export_format)f;
	return INDICATOR_EXPORT_NONE;
}

static bool fmt_ok(enum indicator_export_format f)
{
	return f > INDICATOR_EXPORT_NONE && f < INDICATOR_EXPORT_FORMAT_COUNT;
}

const char *indicator_export_format_name(enum indicator_export_format f)
{
	return fmt_ok(f) ? formats[f].name : NULL;
}

const char *indicator_export_media_type(enum indicator_export_format f)
{
	return fmt_ok(f) ? formats[f].media : NULL;
}

const char *indicator_export_extension(enum indicator_export_format f)
{
	return fmt_ok(f) ? formats[f].ext : NULL;
}

/* A zone's origin: a host name of LDH labels (lower-cased here), written
** with its trailing dot. The origin is the operator's, not outside data,
** but a typo here would make every resolver refuse the whole zone. */
static int origin_canon(const char *in, char *out, size_t outsz, struct perr *err)
{
	if (!in || !*in)
		in = "rpz.parapet.";
	size_t n = strlen(in);
	if (n && in[n - 1] == '.')
		n--;
	if (n == 0 || n > 200 || n + 2 > outsz)
		return perr_set(err, PERR_INVALID, "rpz_origin",
				"the RPZ origin must be a host name of 1-200 bytes");
	size_t lab = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '.') {
			if (lab == 0 || in[i - 1] == '-')
				return perr_set(err, PERR_INVALID, "rpz_origin",
						"the RPZ origin '%s' has an empty or invalid label",
						in);
			lab = 0;
		} else if (isalnum(c) || (c == '-' && lab > 0) || c == '_') {
			if (++lab > 63)
				return perr_set(err, PERR_INVALID, "rpz_origin",
						"a label of the RPZ origin is longer than 63 bytes");
		} else {
			return perr_set(err, PERR_INVALID, "rpz_origin",
					"the RPZ origin '%s' holds '%c': only letters, digits, '-' "
					"and '.' make a host name",
					in, isprint(c) ? c : '?');
		}
		out[i] = (char)tolower(c);
	}
	if (lab == 0 || in[n - 1] == '-')
		return perr_set(err, PERR_INVALID, "rpz_origin", "the RPZ origin '%s' ends badly", in);
	out[n] = '.';
	out[n + 1] = 0;
	return 0;
}

/* indicator.rpz_action: a policy keyword, or the walled garden's host name
** (canonicalised as a domain indicator is, so an IDN works). */
static int action_canon(const char *in, char *out, size_t outsz, struct perr *err)
{
	if (!in || !*in)
		in = "nxdomain";
	if (!strcasecmp(in, "nxdomain") || !strcasecmp(in, "nodata") || !strcasecmp(in, "drop")) {
		snprintf(out, outsz, "%s", in);
		for (char *p = out; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		return 0;
	}
	char canon[INDICATOR_VALUE_SIZE];
	struct perr e;
	if (indicator_value_canon(INDICATOR_DOMAIN, in, strlen(in), canon, sizeof(canon), &e) != 0)
		return perr_set(err, PERR_INVALID, "rpz_action",
				"rpz_action is nxdomain, nodata, drop or a host name to send "
				"resolvers to: '%s' is none (%s)",
				in, e.msg);
	if (strlen(canon) + 2 > outsz)
		return perr_set(err, PERR_INVALID, "rpz_action", "the walled garden's name is too long");
	snprintf(out, outsz, "%s.", canon);
	return 0;
}

/* A new export of fmt with the options checked, its header not written. */
static struct indicator_export *export_new(enum indicator_export_format fmt,
					   const struct indicator_export_opts *o, struct pbuf *out,
					   struct perr *err)
{
	if (!fmt_ok(fmt)) {
		perr_set(err, PERR_INVALID, "format",
			 "unknown export format (plain, csv, json, stix, misp, rpz, suricata, nft)");
		return NULL;
	}
	struct indicator_export_opts dflt = { 0 };
	if (!o)
		o = &dflt;
	struct indicator_export *x = calloc(1, sizeof(*x));
	if (!x) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		return NULL;
	}
	x->fmt = fmt;
	x->ops = formats[fmt].ops;
	x->out = out;
	x->now_ms = o->now_ms;
	x->first = true;
	x->types = o->types;
	x->sid_base = o->sid_base ? o->sid_base : 1000000000u;
	x->serial = o->serial ? o->serial : (uint32_t)((uint64_t)(o->now_ms / 1000) & 0xffffffffu);
	pstrtrunc(x->producer, o->producer && *o->producer ? o->producer : "Parapet",
		  sizeof(x->producer));
	/* the RPZ options are checked for the format that uses them only:
	** a bad walled garden must not break a CSV download */
	if (fmt == INDICATOR_EXPORT_RPZ &&
	    (origin_canon(o->rpz_origin, x->origin, sizeof(x->origin), err) != 0 ||
	     action_canon(o->rpz_action, x->action, sizeof(x->action), err) != 0)) {
		free(x);
		return NULL;
	}
	return x;
}

/* Write x's header with open (the format's, or the MISP group's); on
** failure x is freed. */
static int export_start(struct indicator_export *x, const char *group, bool misp_group,
			struct indicator_export **xp, struct perr *err)
{
	int rc = misp_group ? export_misp_event_open(x, group, err) : x->ops->open(x, err);
	if (rc != 0 || export_check(x, err) != 0) {
		if (x->ops->free)
			x->ops->free(x);
		free(x);
		return -1;
	}
	*xp = x;
	return 0;
}

int indicator_export_open(enum indicator_export_format fmt, const struct indicator_export_opts *o,
			  struct pbuf *out, struct indicator_export **xp, struct perr *err)
{
	*xp = NULL;
	struct indicator_export *x = export_new(fmt, o, out, err);
	return x ? export_start(x, NULL, false, xp, err) : -1;
}

int export_open_misp_event(const struct indicator_export_opts *o, const char *group,
			   struct pbuf *out, struct indicator_export **xp, struct perr *err)
{
	*xp = NULL;
	struct indicator_export *x = export_new(INDICATOR_EXPORT_MISP, o, out, err);
	return x ? export_start(x, group, true, xp, err) : -1;
}

int indicator_export_add(struct indicator_export *x, const struct store_indicator *r,
			 struct perr *err)
{
	if (x->broken)
		return perr_set(err, PERR_LIMIT, NULL, "the export's output is full");
	enum indicator_type t = indicator_type_parse(r->type);
	if (t == INDICATOR_NONE) {
		x->n.skipped++;
		return 0;
	}
	if (x->ops->add(x, r, t, err) != 0) {
		x->broken = true;
		return -1;
	}
	return export_check(x, err);
}

void indicator_export_counts(const struct indicator_export *x, struct indicator_export_counts *c)
{
	*c = x->n;
}

int indicator_export_close(struct indicator_export *x, struct perr *err)
{
	if (!x)
		return 0;
	int rc = -1;
	if (x->broken) {
		perr_set(err, PERR_LIMIT, NULL, "the export's output is full");
		goto out;
	}
	if (x->ops->close(x, err) != 0 || export_check(x, err) != 0)
		goto out;
	rc = 0;
out:
	if (x->ops->free)
		x->ops->free(x);
	free(x);
	return rc;
}

int export_check(struct indicator_export *x, struct perr *err)
{
	if (!pbuf_failed(x->out))
		return 0;
	x->broken = true;
	return perr_set(err, PERR_LIMIT, NULL, "the export's output is full");
}

/* 7c1e2d0b-5d2c-4b7e-9a51-6f1f3a529a31: Parapet's own, random once. */
const uint8_t export_uuid_ns[16] = { 0x7c, 0x1e, 0x2d, 0x0b, 0x5d, 0x2c, 0x4b, 0x7e,
				     0x9a, 0x51, 0x6f, 0x1f, 0x3a, 0x52, 0x9a, 0x31 };

void export_uuid5(const uint8_t ns[16], const char *producer, const char *a, const char *b,
		  char out[37])
{
	SHA_CTX c;
	uint8_t md[SHA_DIGEST_LENGTH];
	/* SHA1_Init & co. are deprecated in OpenSSL 3 but still the only
	** one-call-per-part interface without an allocation per UUID; the
	** EVP equivalent costs a context allocation per row. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	SHA1_Init(&c);
	SHA1_Update(&c, ns, 16);
	SHA1_Update(&c, producer, strlen(producer));
	SHA1_Update(&c, "\n", 1);
	SHA1_Update(&c, a, strlen(a));
	SHA1_Update(&c, "\n", 1);
	SHA1_Update(&c, b, strlen(b));
	SHA1_Final(md, &c);
#pragma GCC diagnostic pop
	md[6] = (uint8_t)((md[6] & 0x0f) | 0x50); /* version 5 */
	md[8] = (uint8_t)((md[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	static const char hex[] = "0123456789abcdef";
	char *o = out;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*o++ = '-';
		*o++ = hex[md[i] >> 4];
		*o++ = hex[md[i] & 15];
	}
	*o = 0;
}

int export_tlp_level(const char *tlp)
{
	if (!tlp)
		return 2;
	if (!strcasecmp(tlp, "clear") || !strcasecmp(tlp, "white"))
		return 0;
	if (!strcasecmp(tlp, "green"))
		return 1;
	if (!strcasecmp(tlp, "amber+strict"))
		return 3;
	if (!strcasecmp(tlp, "red"))
		return 4;
	return 2;
}

const char *export_tlp_name(int level)
{
	static const char *const names[] = { "clear", "green", "amber", "amber+strict", "red" };
	return level >= 0 && level <= 4 ? names[level] : "amber";
}

void export_time(int64_t ms, char out[32])
{
	core_iso8601(ms, out, 32);
}

int export_json_tags(struct pbuf *b, const char *tags)
{
	pbuf_add(b, "[", 1);
	bool first = true;
	const char *p = tags ? tags : "";
	while (*p) {
		while (*p == ',')
			p++;
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n) {
			char tag[512];
			if (n >= sizeof(tag))
				n = sizeof(tag) - 1;
			memcpy(tag, p, n);
			tag[n] = 0;
			if (!first)
				pbuf_add(b, ",", 1);
			pjson_str(b, tag);
			first = false;
		}
		p += n;
	}
	return pbuf_add(b, "]", 1);
}
