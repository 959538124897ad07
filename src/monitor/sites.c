/*
** sites.c — watched sites as people see them: listed, shown, configured and
** their checks read, each under the caller's scope (a constituent sees the
** sites of their organisation, a provincial analyst those of their
** province; anything else is "not found", never "forbidden", so existence
** does not leak). The API and the CLI both call these.
*/
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "dns/dns.h"
#include "monitor/monitor.h"
#include "posture/posture.h"
#include "watch/watch.h"

static json_t *time_or_null(int64_t ms)
{
	if (!ms)
		return json_null();
	char ts[40];
	core_iso8601(ms, ts, sizeof(ts));
	return json_string(ts);
}

json_t *monitor_site_json(const struct store_watch_site *w)
{
	json_t *j = json_pack("{sI sI ss ss ss sI sb ss sI sI sI}", "id", (json_int_t)w->id,
			      "org_id", (json_int_t)w->org_id, "org_name", w->org_name, "province",
			      w->province, "url", w->url, "interval", (json_int_t)w->interval_s,
			      "enabled", w->enabled, "state", w->state, "checks",
			      (json_int_t)w->checks, "ok_streak", (json_int_t)w->ok_streak,
			      "asset_id", (json_int_t)w->asset_id);
	if (!j)
		return NULL;
	json_object_set_new(j, "next_check", time_or_null(w->next_due_ms));
	json_object_set_new(j, "last_check", time_or_null(w->last_check_ms));
	json_object_set_new(j, "missed_since", time_or_null(w->missed_ms));
	json_object_set_new(j, "incident", w->incident_id ? json_integer(w->incident_id)
							  : json_null());
	json_object_set_new(j, "alert_kind", w->alert_kind[0] ? json_string(w->alert_kind)
							      : json_null());
	json_object_set_new(j, "baseline_learned", json_boolean(w->baseline != NULL));
	json_t *dns = w->dns_expected ? json_loads(w->dns_expected, 0, NULL) : NULL;
	json_object_set_new(j, "dns_expected", dns ? dns : json_null());
	json_object_set_new(j, "dns_declared", json_boolean(w->dns_declared));
	json_t *cert = w->cert_expected ? json_loads(w->cert_expected, 0, NULL) : NULL;
	json_object_set_new(j, "certificate", cert ? cert : json_null());
	return j;
}

static int visible(const struct principal *p, const struct store_watch_site *w,
		   struct perr *err)
{
	if (!p)
		return 0;
	struct target t = { w->org_id, w->province, false, 0, 0 };
	if (identity_allow_object(p, &t, err) != 0)
		return perr_set(err, PERR_NOTFOUND, NULL, "site %lld not found", (long long)w->id);
	return 0;
}

struct list_ctx {
	json_t *items;
	int64_t n, last;
};

static int list_row(void *ud, const struct store_watch_site *w)
{
	struct list_ctx *c = ud;
	json_t *j = monitor_site_json(w);
	if (!j)
		return -1;
	json_array_append_new(c->items, j);
	c->n++;
	c->last = w->id;
	return 0;
}

int monitor_site_list(struct store *st, const struct principal *p, int64_t org_id,
		      const char *state, int64_t after_id, int64_t limit, json_t *items,
		      int64_t *next, struct perr *err)
{
	const char *prov = NULL;
	int64_t sorg = 0;
	enum monitor_state want;
	*next = 0;
	if (state && monitor_state_parse(state, &want) != 0)
		return perr_set(err, PERR_INVALID, "state", "state must be learning, ok, alert or down");
	if (p)
		identity_list_scope(p, &prov, &sorg);
	if (sorg && org_id && sorg != org_id)
		return 0; /* another organisation's: an empty page, as for incidents */
	if (sorg)
		org_id = sorg;
	struct list_ctx c = { items, 0, 0 };
	if (store_watch_list(st, org_id, prov, state, after_id, limit, list_row, &c, err) != 0)
		return -1;
	if (c.n == limit)
		*next = c.last;
	return 0;
}

struct counts {
	int64_t *counts, *missed;
};

static int count_row(void *ud, const char *state, int64_t sites, int64_t missed)
{
	struct counts *c = ud;
	enum monitor_state s;
	if (monitor_state_parse(state, &s) == 0)
		c->counts[s] = sites;
	*c->missed += missed;
	return 0;
}

int monitor_site_counts(struct store *st, int64_t org, const char *province,
			int64_t counts[MONITOR_NSTATES], int64_t *missed, struct perr *err)
{
	struct counts c = { counts, missed };
	memset(counts, 0, MONITOR_NSTATES * sizeof(counts[0]));
	*missed = 0;
	return store_watch_counts(st, org, province, count_row, &c, err);
}

struct one {
	const struct principal *p;
	json_t *j;
	struct perr *err;
	int rc;
	struct store_watch_site w;
};

static int one_row(void *ud, const struct store_watch_site *w)
{
	struct one *o = ud;
	o->w = *w;
	o->w.samples = NULL;
	o->w.baseline = w->baseline ? "" : NULL; /* only whether there is one */
	o->w.dns_expected = NULL;
	o->w.cert_expected = NULL;
	if (visible(o->p, w, o->err) != 0) {
		o->rc = -1;
		return 0;
	}
	o->j = monitor_site_json(w);
	if (!o->j)
		o->rc = perr_set(o->err, PERR_INTERNAL, NULL, "out of memory");
	return 0;
}

int monitor_site_get(struct store *st, const struct principal *p, int64_t id, json_t **out,
		     struct perr *err)
{
	struct one o = { p, NULL, err, 0, { 0 } };
	*out = NULL;
	if (store_watch_get(st, id, one_row, &o, err) != 0)
		return -1;
	if (o.rc != 0) {
		json_decref(o.j);
		return -1;
	}
	*out = o.j;
	return 0;
}

int monitor_site_configure(struct store *st, const struct principal *p, const char *actor,
			   int64_t id, int64_t interval_s, int enabled, json_t **out,
			   struct perr *err)
{
	*out = NULL;
	if (p && !identity_is_analyst(p))
		return perr_set(err, PERR_FORBIDDEN, NULL,
				"only analysts and admins can configure a site");
	if (interval_s != 0 && (interval_s < 30 || interval_s > 86400))
		return perr_set(err, PERR_INVALID, "interval",
				"interval must be from 30 to 86400 seconds");
	json_t *before;
	if (monitor_site_get(st, p, id, &before, err) != 0)
		return -1;
	int rc = -1;
	char *bt = NULL, *at = NULL, obj[48];
	if (store_watch_configure(st, id, interval_s, enabled, core_now_ms(), err) != 0 ||
	    monitor_site_get(st, p, id, out, err) != 0)
		goto out;
	bt = json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS);
	at = json_dumps(*out, JSON_COMPACT | JSON_SORT_KEYS);
	snprintf(obj, sizeof(obj), "site:%lld", (long long)id);
	rc = audit_append(st, actor, "watch.configure", obj, bt, at, err);
out:
	json_decref(before);
	free(bt);
	free(at);
	if (rc != 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static int check_row(void *ud, const struct store_watch_check *c)
{
	json_t *items = ud;
	json_t *j = json_pack("{sI ss sI sI ss ss sI}", "id", (json_int_t)c->id, "outcome",
			      c->outcome, "http_status", (json_int_t)c->http_status, "score",
			      (json_int_t)c->score, "severity", c->severity, "body_sha256",
			      c->body_sha256, "duration_ms", (json_int_t)c->duration_ms);
	if (!j)
		return -1;
	json_object_set_new(j, "time", time_or_null(c->ts_ms));
	json_t *d = json_loads(c->detail ? c->detail : "{}", 0, NULL);
	json_object_set_new(j, "detail", d ? d : json_object());
	json_array_append_new(items, j);
	return 0;
}

int monitor_site_checks(struct store *st, const struct principal *p, int64_t id,
			int64_t before_id, int64_t limit, json_t *items, struct perr *err)
{
	json_t *site;
	if (monitor_site_get(st, p, id, &site, err) != 0)
		return -1;
	json_decref(site);
	return store_watch_checks(st, id, before_id, limit, check_row, items, err);
}

/* ----------------------------------------------------------------- posture */

int monitor_site_posture(struct store *st, const struct principal *p, int64_t id, json_t **out,
			 struct perr *err)
{
	json_t *site;
	*out = NULL;
	if (monitor_site_get(st, p, id, &site, err) != 0)
		return -1;
	json_decref(site);
	char grade[8];
	int64_t score, ts;
	char *detail;
	if (store_watch_posture_get(st, id, grade, &score, &detail, &ts, err) != 0) {
		if (err->kind != PERR_NOTFOUND)
			return -1;
		/* not graded yet: said plainly, not as a 404 that would read as
		** "no such site" */
		*out = json_pack("{sI sn sn sn}", "site", (json_int_t)id, "grade", "score", "graded");
		return *out ? 0 : perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	}
	json_t *d = json_loads(detail, 0, NULL);
	free(detail);
	*out = json_pack("{sI ss sI}", "site", (json_int_t)id, "grade", grade, "score",
			 (json_int_t)score);
	json_object_set_new(*out, "graded", time_or_null(ts));
	json_object_set_new(*out, "detail", d ? d : json_object());
	return 0;
}

struct grades {
	struct posture_site_grade *v;
	json_t *sites;
	size_t n, cap;
};

static int add_grade(void *ud, int64_t site_id, const char *grade, int64_t score)
{
	struct grades *g = ud;
	if (g->n == g->cap) {
		size_t nc = g->cap ? g->cap * 2 : 64;
		struct posture_site_grade *nv = realloc(g->v, nc * sizeof(*nv));
		if (!nv)
			return -1;
		g->v = nv;
		g->cap = nc;
	}
	enum posture_grade pg = POSTURE_F;
	for (int k = 0; k < POSTURE_GRADES; k++)
		if (strcmp(posture_grade_name((enum posture_grade)k), grade) == 0)
			pg = (enum posture_grade)k;
	g->v[g->n].score = (int)score;
	g->v[g->n].grade = pg;
	g->n++;
	json_array_append_new(g->sites, json_pack("{sI ss sI}", "site", (json_int_t)site_id,
						  "grade", grade, "score", (json_int_t)score));
	return 0;
}

int monitor_org_posture(struct store *st, int64_t org_id, json_t **out, struct perr *err)
{
	struct grades g = { NULL, json_array(), 0, 0 };
	struct posture_org o;
	int rc = -1;
	*out = NULL;
	if (store_watch_posture_org(st, org_id, add_grade, &g, err) != 0)
		goto out;
	if (g.n == 0) {
		*out = json_pack("{sI sn sI so}", "org_id", (json_int_t)org_id, "grade", "sites",
				 (json_int_t)0, "per_site", g.sites);
		g.sites = NULL;
		rc = 0;
		goto out;
	}
	if (posture_org_grade(g.v, g.n, &o, err) != 0)
		goto out;
	*out = posture_org_json(&o);
	if (!*out) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	json_object_set_new(*out, "org_id", json_integer(org_id));
	json_object_set_new(*out, "per_site", g.sites);
	g.sites = NULL;
	rc = 0;
out:
	json_decref(g.sites);
	free(g.v);
	return rc;
}

/* ------------------------------------------------------------ declared DNS */

int monitor_site_declare_dns(struct store *st, const struct principal *p, const char *actor,
			     int64_t id, const json_t *decl, json_t **out, struct perr *err)
{
	*out = NULL;
	if (p && !identity_is_analyst(p))
		return perr_set(err, PERR_FORBIDDEN, NULL,
				"only analysts and admins can declare DNS answers");
	json_t *site;
	if (monitor_site_get(st, p, id, &site, err) != 0)
		return -1;
	int rc = -1;
	char *text = NULL, *bt = NULL, obj[48];
	json_t *doc = NULL, *canon = NULL;
	struct dns_result r;
	bool have_r = false;
	if (decl) {
		/* {"a":[...],"ns":[...]} becomes the stored form: a type given
		** empty is expected to have no records, a type left out is not
		** compared at all */
		/* the host as the monitor resolves it */
		char host[WATCH_HOST_MAX];
		const char *url = json_string_value(json_object_get(site, "url"));
		if (!url || watch_url_host(url, strlen(url), "", host) != WATCH_URL_HOST)
			host[0] = '\0';
		doc = json_pack("{ss}", "name", host);
		const char *key;
		json_t *v;
		json_object_foreach((json_t *)decl, key, v) {
			if (dns_type_from_name(key) < 0 || !json_is_array(v)) {
				perr_set(err, PERR_INVALID, key,
					 "%s: give a list of values for a, aaaa, ns, ns_parent, mx or caa",
					 key);
				goto out;
			}
			json_object_set_new(doc, key,
					    json_pack("{ss sO}", "status",
						      json_array_size(v) ? "ok" : "nodata", "values", v));
		}
		if (dns_result_from_json(doc, &r, err) != 0) {
			have_r = true;
			goto out;
		}
		have_r = true;
		if (dns_result_json(&r, &canon, err) != 0)
			goto out;
		text = json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS);
		if (!text) {
			perr_set(err, PERR_INTERNAL, NULL, "out of memory");
			goto out;
		}
	}
	if (store_watch_set_dns(st, id, text, decl != NULL, core_now_ms(), err) != 0 ||
	    monitor_site_get(st, p, id, out, err) != 0)
		goto out;
	bt = json_dumps(json_object_get(site, "dns_expected"), JSON_COMPACT | JSON_ENCODE_ANY);
	snprintf(obj, sizeof(obj), "site:%lld", (long long)id);
	rc = audit_append(st, actor, decl ? "watch.dns.declare" : "watch.dns.learn", obj, bt, text,
			  err);
out:
	if (have_r)
		dns_result_free(&r);
	json_decref(doc);
	json_decref(canon);
	json_decref(site);
	free(text);
	free(bt);
	if (rc != 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}
