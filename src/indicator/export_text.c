/*
** export_text.c — the three simple export formats of the indicator
** registry: plain lists (one value a line, what firewalls, proxies and
** Pi-hole-style blockers read), CSV (RFC 4180, for spreadsheets and
** SIEM lookups) and JSON (Parapet's own shape, for scripts). Each row is
** written as it comes and forgotten.
*/
#include "indicator/export_internal.h"

#include <stdio.h>
#include <string.h>

/* A value a line: a byte below 0x20 would split it into two lines a
** blocker reads as two values, so such a value (never canonical, but the
** store does not validate) is skipped rather than written. */
static bool one_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* ------------------------------------------------------------------ plain */

static int plain_open(struct indicator_export *x, struct perr *err)
{
	(void)x;
	(void)err;
	/* no header: several consumers (ipset restore scripts, Squid ACL
	** files) take every line for a value */
	return 0;
}

static int plain_add(struct indicator_export *x, const struct store_indicator *r,
		     enum indicator_type t, struct perr *err)
{
	(void)err;
	if (x->types && !(x->types & (1u << t))) {
		x->n.ignored++;
		return 0;
	}
	if (!one_line(r->value) || !*r->value) {
		x->n.skipped++;
		return 0;
	}
	pbuf_adds(x->out, r->value);
	pbuf_add(x->out, "\n", 1);
	x->n.written++;
	return 0;
}

static int noop(struct indicator_export *x, struct perr *err)
{
	(void)x;
	(void)err;
	return 0;
}

const struct export_ops export_plain_ops = { plain_open, plain_add, noop, NULL };

/* -------------------------------------------------------------------- csv */

/* One RFC 4180 field. A field a spreadsheet would run as a formula (it
** starts with = + - @, tab or CR: "CSV injection", OWASP) gets a leading
** apostrophe, as the feeds' CSV exports do -- a reason text is an
** analyst's or a feed's words and may carry one. A value of the registry
** never starts so except a reason or tag. */
static void csv_field(struct pbuf *b, const char *s, bool guard)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	bool formula = guard && (*s == '=' || *s == '+' || *s == '-' || *s == '@' ||
				 *s == '\t' || *s == '\r');
	if (!quote && !formula) {
		pbuf_adds(b, s);
		return;
	}
	pbuf_add(b, "\"", 1);
	if (formula)
		pbuf_add(b, "'", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			pbuf_add(b, "\"\"", 2);
		else
			pbuf_add(b, p, 1);
	}
	pbuf_add(b, "\"", 1);
}

static int csv_open(struct indicator_export *x, struct perr *err)
{
	(void)err;
	pbuf_adds(x->out, "id,type,value,class,reason,tlp,source,source_ref,confidence,"
			  "attribution,tags,first_seen,last_seen,expires,sightings\r\n");
	return 0;
}

/* ",a,b," as "a;b" (a comma-separated list inside one CSV field reads as
** columns to a careless splitter) */
static void csv_tags(struct pbuf *b, const char *tags)
{
	char buf[512];
	size_t k = 0;
	for (const char *p = tags; *p && k + 1 < sizeof(buf); p++) {
		if (*p == ',') {
			if (k && buf[k - 1] != ';' && p[1])
				buf[k++] = ';';
		} else {
			buf[k++] = *p;
		}
	}
	buf[k] = 0;
	csv_field(b, buf, true);
}

static void csv_time(struct pbuf *b, int64_t ms)
{
	if (!ms)
		return;
	char ts[32];
	export_time(ms, ts);
	pbuf_adds(b, ts);
}

static int csv_add(struct indicator_export *x, const struct store_indicator *r,
		   enum indicator_type t, struct perr *err)
{
	(void)t;
	(void)err;
	struct pbuf *b = x->out;
	pbuf_addf(b, "%lld,%s,", (long long)r->id, r->type);
	csv_field(b, r->value, false);
	pbuf_add(b, ",", 1);
	csv_field(b, r->class_, true);
	pbuf_add(b, ",", 1);
	csv_field(b, r->reason, true);
	pbuf_addf(b, ",%s,%s,", export_tlp_name(export_tlp_level(r->tlp)), r->source);
	csv_field(b, r->source_ref, true);
	pbuf_addf(b, ",%d,", r->confidence);
	csv_field(b, r->attribution, true);
	pbuf_add(b, ",", 1);
	csv_tags(b, r->tags);
	pbuf_add(b, ",", 1);
	csv_time(b, r->first_seen_ms);
	pbuf_add(b, ",", 1);
	csv_time(b, r->last_seen_ms);
	pbuf_add(b, ",", 1);
	csv_time(b, r->expires_ms);
	pbuf_addf(b, ",%lld\r\n", (long long)r->sightings);
	x->n.written++;
	return 0;
}

const struct export_ops export_csv_ops = { csv_open, csv_add, noop, NULL };

/* ------------------------------------------------------------------- json */

static int json_open(struct indicator_export *x, struct perr *err)
{
	(void)err;
	pbuf_adds(x->out, "{\"producer\":");
	pjson_str(x->out, x->producer);
	pbuf_adds(x->out, ",\"generated\":");
	pjson_time(x->out, x->now_ms);
	pbuf_adds(x->out, ",\"indicators\":[");
	return 0;
}

static int json_add(struct indicator_export *x, const struct store_indicator *r,
		    enum indicator_type t, struct perr *err)
{
	(void)t;
	(void)err;
	struct pbuf *b = x->out;
	pbuf_addf(b, "%s\n{\"id\":%lld,\"type\":", x->first ? "" : ",", (long long)r->id);
	x->first = false;
	pjson_str(b, r->type);
	pbuf_adds(b, ",\"value\":");
	pjson_str(b, r->value);
	pbuf_adds(b, ",\"class\":");
	pjson_str(b, r->class_);
	pbuf_adds(b, ",\"reason\":");
	pjson_str(b, r->reason);
	pbuf_adds(b, ",\"tlp\":");
	pjson_str(b, export_tlp_name(export_tlp_level(r->tlp)));
	pbuf_adds(b, ",\"source\":");
	pjson_str(b, r->source);
	pbuf_adds(b, ",\"source_ref\":");
	pjson_str(b, r->source_ref);
	pbuf_addf(b, ",\"confidence\":%d,\"attribution\":", r->confidence);
	pjson_str(b, r->attribution);
	pbuf_adds(b, ",\"tags\":");
	export_json_tags(b, r->tags);
	pbuf_adds(b, ",\"first_seen\":");
	pjson_time(b, r->first_seen_ms);
	pbuf_adds(b, ",\"last_seen\":");
	pjson_time(b, r->last_seen_ms);
	pbuf_adds(b, ",\"expires\":");
	pjson_time(b, r->expires_ms);
	pbuf_addf(b, ",\"sightings\":%lld}", (long long)r->sightings);
	x->n.written++;
	return 0;
}

static int json_close(struct indicator_export *x, struct perr *err)
{
	(void)err;
	pbuf_addf(x->out, "%s],\"count\":%lld}\n", x->first ? "" : "\n", (long long)x->n.written);
	return 0;
}

const struct export_ops export_json_ops = { json_open, json_add, json_close, NULL };
