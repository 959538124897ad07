/*
** export_misp_feed.c — the MISP export as a feed directory, the layout a
** MISP instance fetches with "Feeds" (MISP's own feed generator,
** tools/misp_feed_generator, writes the same): manifest.json, an object
** keyed by event uuid holding each event's Orgc, Tag, info, date,
** analysis, threat_level_id and timestamp; and <uuid>.json, one MISP event
** each. Events group the indicators by RSIT class: a SOC subscribing to
** the feed decides per class what to do (block phishing, hunt for
** malicious code), and a class is stable, so each day's file replaces the
** day before's event instead of adding one. This file does the I/O; the
** event text is export_misp.c's writer, one per event, flushed to its
** file whenever it holds 64 KiB.
*/
#include "indicator/export_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FLUSH_AT (64 << 10)

struct feed_event {
	char group[64];
	char tmp[PATH_MAX], final[PATH_MAX];
	FILE *f;
	struct pbuf buf;
	struct indicator_export *x;
};

struct indicator_misp_feed {
	char dir[PATH_MAX - 64];
	struct indicator_export_opts o;
	char producer[128];
	struct feed_event ev[INDICATOR_MISP_FEED_MAX_EVENTS];
	size_t nev;
	struct indicator_export_counts n;
	bool broken;
};

int indicator_misp_feed_open(const char *dir, const struct indicator_export_opts *o,
			     struct indicator_misp_feed **fp, struct perr *err)
{
	*fp = NULL;
	struct indicator_misp_feed *f = calloc(1, sizeof(*f));
	if (!f)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	if (pstrlcpy(f->dir, dir, sizeof(f->dir)) != 0) {
		free(f);
		return perr_set(err, PERR_INVALID, "out", "the feed directory's path is too long");
	}
	if (o)
		f->o = *o;
	pstrtrunc(f->producer, o && o->producer ? o->producer : "", sizeof(f->producer));
	f->o.producer = f->producer;
	f->o.rpz_origin = f->o.rpz_action = NULL; /* not the feed's */
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		int e = errno;
		free(f);
		return perr_set(err, PERR_INTERNAL, "out", "cannot create %s: %s", dir, strerror(e));
	}
	*fp = f;
	return 0;
}

static int event_flush(struct feed_event *e, struct perr *err)
{
	if (e->buf.len && fwrite(e->buf.ptr, 1, e->buf.len, e->f) != e->buf.len)
		return perr_set(err, PERR_INTERNAL, "out", "cannot write %s: %s", e->tmp,
				strerror(errno));
	pbuf_reset(&e->buf);
	return 0;
}

/* The event of group, opened on first use. */
static struct feed_event *event_for(struct indicator_misp_feed *f, const char *group,
				    struct perr *err)
{
	for (size_t i = 0; i < f->nev; i++)
		if (!strcmp(f->ev[i].group, group))
			return &f->ev[i];
	if (f->nev == INDICATOR_MISP_FEED_MAX_EVENTS - 1 && strcmp(group, "other") != 0)
		return event_for(f, "other", err);
	struct feed_event *e = &f->ev[f->nev];
	memset(e, 0, sizeof(*e));
	pstrtrunc(e->group, group, sizeof(e->group));
	pbuf_init(&e->buf, 0);
	if (export_open_misp_event(&f->o, e->group, &e->buf, &e->x, err) != 0) {
		pbuf_free(&e->buf);
		return NULL;
	}
	char uuid[37];
	pstrtrunc(uuid, export_misp_uuid(e->x), sizeof(uuid));
	/* built in a local first: e lies inside f, beside f->dir */
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s.json", f->dir, uuid);
	memcpy(e->final, path, sizeof(path));
	snprintf(path, sizeof(path), "%s/.%s.json.tmp", f->dir, uuid);
	memcpy(e->tmp, path, sizeof(path));
	e->f = fopen(e->tmp, "w");
	if (!e->f) {
		perr_set(err, PERR_INTERNAL, "out", "cannot write %s: %s", e->tmp, strerror(errno));
		indicator_export_close(e->x, NULL);
		pbuf_free(&e->buf);
		return NULL;
	}
	f->nev++;
	return e;
}

int indicator_misp_feed_add(struct indicator_misp_feed *f, const struct store_indicator *r,
			    struct perr *err)
{
	if (f->broken)
		return perr_set(err, PERR_INTERNAL, "out", "the feed could not be written");
	struct feed_event *e = event_for(f, r->class_[0] ? r->class_ : "unclassified", err);
	if (!e || indicator_export_add(e->x, r, err) != 0 ||
	    (e->buf.len >= FLUSH_AT && event_flush(e, err) != 0)) {
		f->broken = true;
		return -1;
	}
	return 0;
}

static void manifest_entry(struct pbuf *m, struct feed_event *e, const struct indicator_misp_feed *f,
			   bool first)
{
	int dist, tlp;
	export_misp_event_meta(e->x, &dist, &tlp);
	char org[37], ts[32];
	export_uuid5(export_uuid_ns, f->producer[0] ? f->producer : "Parapet", "misp-org", "", org);
	export_time(f->o.now_ms, ts);
	pbuf_addf(m, "%s\n\"%s\":{\"Orgc\":{\"uuid\":\"%s\",\"name\":", first ? "" : ",",
		  export_misp_uuid(e->x), org);
	pjson_str(m, f->producer[0] ? f->producer : "Parapet");
	pbuf_addf(m, "},\"Tag\":[{\"name\":\"tlp:%s\",\"colour\":\"%s\"}],\"info\":",
		  export_tlp_name(tlp), export_misp_tlp_colour(tlp));
	pjson_str(m, export_misp_info(e->x));
	pbuf_addf(m,
		  ",\"date\":\"%.10s\",\"analysis\":\"2\",\"threat_level_id\":\"2\","
		  "\"timestamp\":\"%lld\"}",
		  ts, (long long)(f->o.now_ms / 1000));
}

int indicator_misp_feed_close(struct indicator_misp_feed *f, struct indicator_export_counts *counts,
			      struct perr *err)
{
	if (!f)
		return 0;
	int rc = f->broken ? -1 : 0;
	if (rc)
		perr_set(err, PERR_INTERNAL, "out", "the feed could not be written");
	struct pbuf m;
	pbuf_init(&m, 0);
	pbuf_add(&m, "{", 1);
	struct indicator_export_counts total = { 0 };
	for (size_t i = 0; i < f->nev; i++) {
		struct feed_event *e = &f->ev[i];
		struct indicator_export_counts c;
		indicator_export_counts(e->x, &c);
		total.written += c.written;
		total.ignored += c.ignored;
		total.skipped += c.skipped;
		if (rc == 0)
			manifest_entry(&m, e, f, i == 0);
		if (indicator_export_close(e->x, rc ? NULL : err) != 0 ||
		    (rc == 0 && event_flush(e, err) != 0))
			rc = -1;
		if (fclose(e->f) != 0 && rc == 0)
			rc = perr_set(err, PERR_INTERNAL, "out", "cannot write %s", e->tmp);
		if (rc == 0 && rename(e->tmp, e->final) != 0)
			rc = perr_set(err, PERR_INTERNAL, "out", "cannot rename %s: %s", e->tmp,
				      strerror(errno));
		if (rc != 0)
			unlink(e->tmp);
		pbuf_free(&e->buf);
	}
	pbuf_adds(&m, "\n}\n");
	if (rc == 0) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/manifest.json", f->dir);
		const char *text = pbuf_cstr(&m);
		if (!text)
			rc = perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		else if (core_file_write_atomic(path, text, m.len, 0644, err) != 0)
			rc = -1;
	}
	if (counts)
		*counts = total;
	pbuf_free(&m);
	free(f);
	return rc;
}
