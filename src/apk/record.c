/*
** record.c — the malicious-app record: a triaged APK kept by the CERT
** (one record per file SHA-256), the analyst's decision on it, and what a
** decision sets going: a confirmed app is blacklisted, its app indicator
** ("package:signer_sha256", what a mobile-device manager or a store blocks
** by) and the candidate indicators the analyst chose enter the registry
** through indicator_add, and a takedown letter for the app store is
** written from a template in English or Persian. Every rule of the apps'
** API and CLI (who may, what is valid, the audit) lives here.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apk/apk.h"
#include "audit/audit.h"
#include "identity/identity.h"
#include "indicator/indicator.h"
#include "notify/notify.h"
#include "store/store.h"

#define VERDICT_MAX ((size_t)64 << 20)

static int may_read(const struct principal *p, struct perr *err)
{
	if (!p || identity_is_staff(p))
		return 0;
	return perr_set(err, PERR_FORBIDDEN, NULL, "triaged apps are for CERT staff");
}

/* The blacklist of apps is national, as the registry it feeds (the same
** rule as indicator_add's): a credential narrowed to one organisation or
** province acts for that part of the country, and may not list an app for
** everyone. */
static int may_write(const struct principal *p, struct perr *err)
{
	if (!p || (identity_is_analyst(p) && !p->scope_org && !p->scope_province[0]))
		return 0;
	return perr_set(err, PERR_FORBIDDEN, NULL,
			"only CERT analysts (not a credential narrowed to one organisation or "
			"province) triage and decide on apps");
}

static json_t *time_or_null(int64_t ms)
{
	return ms ? core_json_time(ms) : json_null();
}

static json_t *record_json(const struct store_apk *r, json_t *verdict)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:o, s:s, s:o, s:o, s:o}",
			      "id", (json_int_t)r->id, "sha256", r->sha256, "package", r->package,
			      "version_name", r->version_name, "version_code", r->version_code,
			      "signer_sha256", r->signer_sha256, "author", r->author, "size",
			      (json_int_t)r->size, "status", r->status, "incident_id",
			      r->incident_id ? json_integer(r->incident_id) : json_null(), "actor",
			      r->actor, "created", core_json_time(r->created_ms), "updated",
			      core_json_time(r->updated_ms), "blacklisted",
			      time_or_null(r->blacklisted_ms));
	if (o && verdict)
		json_object_set(o, "verdict", verdict);
	return o;
}

/* The row and its parsed verdict (*v a new reference). */
static int load(struct store *st, int64_t id, struct store_apk *r, json_t **v, struct perr *err)
{
	struct pbuf b;
	int rc = -1;
	pbuf_init(&b, VERDICT_MAX);
	*v = NULL;
	if (store_apk_get(st, id, r, &b, err) != 0)
		goto out;
	*v = json_loadb(b.ptr ? b.ptr : "", b.len, 0, NULL);
	if (!*v) {
		perr_set(err, PERR_INTERNAL, "verdict", "app %lld: the stored verdict is not JSON",
			 (long long)id);
		goto out;
	}
	rc = 0;
out:
	pbuf_free(&b);
	return rc;
}

static void pstr_of(char *dst, size_t n, json_t *v, const char *key)
{
	const char *s = json_string_value(json_object_get(v, key));
	pstrtrunc(dst, s ? s : "", n);
}

int apk_submit(struct store *st, const struct apk_opts *o, const struct principal *p,
	       const char *actor, const uint8_t *apk, size_t len, int64_t now_ms, json_t **out,
	       struct perr *err)
{
	uint8_t d[32];
	char sha[65];
	int64_t id = 0;
	struct store_apk r;
	json_t *v = NULL;
	char *text = NULL;
	int rc = -1;

	*out = NULL;
	if (may_write(p, err) != 0)
		return -1;
	core_sha256(apk, len, d);
	core_hex(d, 32, sha);
	sha[64] = '\0';
	/* the same file is the same app: no second record, no second analysis */
	if (store_apk_find(st, sha, &id, err) == 0) {
		if (load(st, id, &r, &v, err) != 0)
			return -1;
		*out = record_json(&r, v);
		json_object_set_new(*out, "new", json_false());
		json_decref(v);
		return 0;
	}
	if (err->kind != PERR_NOTFOUND)
		return -1;
	perr_clear(err);
	if (apk_analyze(apk, len, o, &v, err) != 0)
		return -1;
	memset(&r, 0, sizeof(r));
	PSTRCPY(r.sha256, sha);
	pstr_of(r.package, sizeof(r.package), v, "package");
	pstr_of(r.version_name, sizeof(r.version_name), v, "version_name");
	pstr_of(r.version_code, sizeof(r.version_code), v, "version_code");
	pstr_of(r.signer_sha256, sizeof(r.signer_sha256),
		json_array_get(json_object_get(v, "signers"), 0), "sha256");
	pstr_of(r.author, sizeof(r.author), v, "author");
	r.size = (int64_t)len;
	PSTRCPY(r.status, "triaged");
	pstrtrunc(r.actor, actor ? actor : "", sizeof(r.actor));
	r.created_ms = r.updated_ms = now_ms;
	text = json_dumps(v, JSON_COMPACT);
	if (!text) {
		perr_set(err, PERR_INTERNAL, "verdict", "out of memory");
		goto out;
	}
	if (store_apk_insert(st, &r, text, err) != 0)
		goto out;
	{
		char object[32];
		snprintf(object, sizeof(object), "apk/%lld", (long long)r.id);
		if (audit_append_json(st, actor, "apk.submit", object, NULL,
				      json_pack("{s:s, s:s, s:s, s:s}", "sha256", r.sha256, "package",
						r.package, "version", r.version_name, "signer",
						r.signer_sha256),
				      err) != 0)
			goto out;
	}
	*out = record_json(&r, v);
	json_object_set_new(*out, "new", json_true());
	rc = 0;
out:
	free(text);
	json_decref(v);
	return rc;
}

int apk_get(struct store *st, const struct principal *p, int64_t id, json_t **out,
	    struct perr *err)
{
	struct store_apk r;
	json_t *v;
	*out = NULL;
	if (may_read(p, err) != 0 || load(st, id, &r, &v, err) != 0)
		return -1;
	*out = record_json(&r, v);
	json_decref(v);
	return 0;
}

struct list_ctx {
	json_t *items;
	int64_t last;
};

static int list_row(void *ud, const struct store_apk *r)
{
	struct list_ctx *c = ud;
	json_array_append_new(c->items, record_json(r, NULL));
	c->last = r->id;
	return 0;
}

int apk_list(struct store *st, const struct principal *p, const char *status, int64_t before_id,
	     int limit, json_t **out, struct perr *err)
{
	struct list_ctx c = { json_array(), 0 };
	*out = NULL;
	if (limit < 1 || limit > 1000)
		limit = 100;
	if (may_read(p, err) != 0)
		goto fail;
	if (status && status[0] && strcmp(status, "triaged") && strcmp(status, "malicious") &&
	    strcmp(status, "benign")) {
		perr_set(err, PERR_INVALID, "status", "'%s' is not triaged, malicious or benign",
			 status);
		goto fail;
	}
	/* one row more than asked tells whether a next page exists */
	if (store_apk_list(st, status, before_id, limit + 1, list_row, &c, err) != 0)
		goto fail;
	json_int_t next = 0;
	if (json_array_size(c.items) > (size_t)limit) {
		json_array_remove(c.items, (size_t)limit);
		next = json_integer_value(json_object_get(json_array_get(c.items, (size_t)limit - 1),
							  "id"));
	}
	*out = json_pack("{s:o, s:o}", "items", c.items, "next",
			 next ? json_integer(next) : json_null());
	return 0;
fail:
	json_decref(c.items);
	return -1;
}

/* The verdict's candidate whose value is v, or NULL. */
static json_t *candidate(json_t *verdict, const char *v)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(verdict, "candidates"), i, c)
	{
		if (!strcmp(json_string_value(json_object_get(c, "value")), v))
			return c;
	}
	return NULL;
}

/* List one value through the registry; its result appended to list. */
static int add_indicator(struct store *st, const struct indicator_wl_set *wl,
			 const struct principal *p, const char *actor, struct indicator_spec *spec,
			 int64_t now_ms, json_t *list, struct perr *err)
{
	int64_t iid = 0;
	char held[1024] = "";
	int rc = indicator_add(st, wl, p, actor, spec, now_ms, &iid, held, sizeof(held), err);
	if (rc < 0)
		return -1;
	json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:o}", "type", spec->type, "value",
					      spec->value, "id", (json_int_t)iid, "held",
					      rc == 1 ? json_string(held) : json_null()));
	return 0;
}

int apk_confirm(struct store *st, const struct indicator_wl_set *wl, const struct principal *p,
		const char *actor, int64_t id, const char *const *cands, size_t n,
		int64_t incident_id, const char *reason, int64_t now_ms, json_t **out,
		struct perr *err)
{
	struct store_apk r;
	json_t *v = NULL, *list = json_array(), *chosen = json_array();
	char app[INDICATOR_VALUE_SIZE], why[1024], ref[32];
	char *text = NULL;
	int rc = -1;

	*out = NULL;
	if (may_write(p, err) != 0 || load(st, id, &r, &v, err) != 0)
		goto out;
	if (!r.package[0] || !r.signer_sha256[0]) {
		perr_set(err, PERR_INVALID, "signer",
			 "an app indicator is a package and its signing certificate: this app has "
			 "%s",
			 r.package[0] ? "no signer" : "no package name read");
		goto out;
	}
	if (incident_id) {
		struct store_incident inc;
		if (store_incident_get(st, incident_id, &inc, err) != 0) {
			if (err->kind == PERR_NOTFOUND)
				perr_set(err, PERR_INVALID, "incident_id", "no incident %lld",
					 (long long)incident_id);
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!candidate(v, cands[i])) {
			perr_set(err, PERR_INVALID, "candidates",
				 "'%s' is not a candidate of this app's verdict", cands[i]);
			goto out;
		}
	snprintf(why, sizeof(why), "%s%sMalicious Android app %s %s (file SHA-256 %s), confirmed "
				   "by APK triage",
		 reason && reason[0] ? reason : "", reason && reason[0] ? ". " : "", r.package,
		 r.version_name, r.sha256);
	snprintf(ref, sizeof(ref), "apk:%lld", (long long)id);
	snprintf(app, sizeof(app), "%s:%s", r.package, r.signer_sha256);
	struct indicator_spec spec = { .type = "app", .value = app, .class_ = "malicious-code",
				       .reason = why, .source = "apk", .source_ref = ref,
				       .confidence = 90, .attribution = r.author,
				       .incident_id = incident_id };
	spec.confidence = 90;
	/* the analyst confirmed the app itself: no warninglist holds it back */
	spec.confirm = true;
	if (add_indicator(st, wl, p, actor, &spec, now_ms, list, err) != 0)
		goto out;
	spec.type = "sha256";
	spec.value = r.sha256;
	if (add_indicator(st, wl, p, actor, &spec, now_ms, list, err) != 0)
		goto out;
	/* the candidates go through the warninglists like any value */
	spec.confirm = false;
	spec.confidence = 70;
	for (size_t i = 0; i < n; i++) {
		json_t *c = candidate(v, cands[i]);
		spec.type = json_string_value(json_object_get(c, "type"));
		spec.value = cands[i];
		if (add_indicator(st, wl, p, actor, &spec, now_ms, list, err) != 0)
			goto out;
		json_array_append_new(chosen, json_string(cands[i]));
	}
	json_object_set_new(v, "confirmation",
			    json_pack("{s:s, s:O, s:O, s:s, s:o}", "reason", reason ? reason : "",
				      "candidates", chosen, "indicators", list, "actor",
				      actor ? actor : "", "at", core_json_time(now_ms)));
	text = json_dumps(v, JSON_COMPACT);
	if (!text) {
		perr_set(err, PERR_INTERNAL, "verdict", "out of memory");
		goto out;
	}
	json_t *before = json_pack("{s:s}", "status", r.status);
	PSTRCPY(r.status, "malicious");
	if (!r.blacklisted_ms)
		r.blacklisted_ms = now_ms;
	if (incident_id)
		r.incident_id = incident_id;
	pstrtrunc(r.actor, actor ? actor : "", sizeof(r.actor));
	r.updated_ms = now_ms;
	if (store_apk_set_status(st, &r, text, err) != 0) {
		json_decref(before);
		goto out;
	}
	{
		char object[32];
		snprintf(object, sizeof(object), "apk/%lld", (long long)id);
		if (audit_append_json(st, actor, "apk.confirm", object, before,
				      json_pack("{s:s, s:O, s:O}", "status", r.status, "candidates",
						chosen, "indicators", list),
				      err) != 0)
			goto out;
	}
	*out = json_pack("{s:I, s:s, s:O}", "id", (json_int_t)id, "status", r.status, "indicators",
			 list);
	rc = 0;
out:
	free(text);
	json_decref(chosen);
	json_decref(list);
	json_decref(v);
	return rc;
}

int apk_mark_benign(struct store *st, const struct principal *p, const char *actor, int64_t id,
		    int64_t now_ms, struct perr *err)
{
	struct store_apk r;
	char object[32];
	if (may_write(p, err) != 0 || store_apk_get(st, id, &r, NULL, err) != 0)
		return -1;
	json_t *before = json_pack("{s:s}", "status", r.status);
	PSTRCPY(r.status, "benign");
	r.blacklisted_ms = 0;
	pstrtrunc(r.actor, actor ? actor : "", sizeof(r.actor));
	r.updated_ms = now_ms;
	if (store_apk_set_status(st, &r, NULL, err) != 0) {
		json_decref(before);
		return -1;
	}
	snprintf(object, sizeof(object), "apk/%lld", (long long)id);
	return audit_append_json(st, actor, "apk.benign", object, before,
				 json_pack("{s:s}", "status", "benign"), err);
}

/* "  - a\n  - b" of the strings (or members key of objects) of arr. */
static char *bullet_list(json_t *arr, const char *key, const char *none)
{
	struct pbuf b;
	size_t i;
	json_t *x;
	pbuf_init(&b, (size_t)1 << 20);
	json_array_foreach(arr, i, x)
	{
		const char *s = key ? json_string_value(json_object_get(x, key))
				    : json_string_value(x);
		if (s)
			pbuf_addf(&b, "%s  - %s", b.len ? "\n" : "", s);
	}
	if (!b.len)
		pbuf_addf(&b, "  %s", none);
	pbuf_keep_prefix(&b); /* a letter cut at 1 MiB of list still reads */
	return pbuf_take(&b);
}

int apk_takedown(struct store *st, const struct config *cfg, const struct principal *p,
		 int64_t id, const char *lang, char **subject, char **body, struct perr *err)
{
	struct store_apk r;
	json_t *v = NULL, *conf, *signer;
	char date[40], size[32], incident[32];
	char *perms = NULL, *inds = NULL;
	bool fa = lang && !strcmp(lang, "fa");
	int rc = -1;

	*subject = *body = NULL;
	if (lang && lang[0] && strcmp(lang, "en") && !fa)
		return perr_set(err, PERR_INVALID, "lang", "'%s': the letter is written in en or fa",
				lang);
	if (may_read(p, err) != 0 || load(st, id, &r, &v, err) != 0)
		return -1;
	if (strcmp(r.status, "malicious")) {
		perr_set(err, PERR_CONFLICT, "status",
			 "app %lld is %s: a takedown is asked for an app confirmed malicious",
			 (long long)id, r.status);
		goto out;
	}
	if (fa) {
		int y, m, d;
		core_jalali(r.blacklisted_ms, &y, &m, &d);
		snprintf(date, sizeof(date), "%04d/%02d/%02d", y, m, d);
	} else {
		core_iso8601(r.blacklisted_ms, date, sizeof(date));
		date[10] = '\0';
	}
	snprintf(size, sizeof(size), "%lld", (long long)r.size);
	if (r.incident_id)
		snprintf(incident, sizeof(incident), "#%lld", (long long)r.incident_id);
	else
		PSTRCPY(incident, "-");
	conf = json_object_get(v, "confirmation");
	signer = json_array_get(json_object_get(v, "signers"), 0);
	perms = bullet_list(json_object_get(v, "permissions"), NULL, "-");
	{
		/* the addresses the registry lists now: a candidate a warninglist
		** holds is not (yet) the CERT's claim, and the app and its hash
		** are named above */
		json_t *listed = json_array(), *x;
		size_t i;
		json_array_foreach(json_object_get(conf, "indicators"), i, x)
		{
			const char *t = json_string_value(json_object_get(x, "type"));
			if (json_is_null(json_object_get(x, "held")) && t && strcmp(t, "app") &&
			    strcmp(t, "sha256"))
				json_array_append(listed, json_object_get(x, "value"));
		}
		inds = bullet_list(listed, NULL, "-");
		json_decref(listed);
	}
	const char *reason = json_string_value(json_object_get(conf, "reason"));
	const char *label = json_string_value(json_object_get(v, "label"));
	const char *subj = json_string_value(json_object_get(signer, "subject"));
	if (!reason || !reason[0])
		reason = fa ? "تحلیلگران مرکز مخرب بودن این برنامه را تأیید کرده‌اند."
			    : "The centre's analysts confirmed that the app is malicious.";
	struct notify_var vars[] = {
		{ "package", r.package },
		{ "version", r.version_name[0] ? r.version_name : "-" },
		{ "version_code", r.version_code[0] ? r.version_code : "-" },
		{ "label", label && label[0] ? label : "-" },
		{ "sha256", r.sha256 },
		{ "sha1", json_string_value(json_object_get(v, "sha1")) },
		{ "md5", json_string_value(json_object_get(v, "md5")) },
		{ "size", size },
		{ "signer", r.signer_sha256 },
		{ "signer_subject", subj ? subj : "-" },
		{ "author", r.author[0] ? r.author : "-" },
		{ "date", date },
		{ "incident", incident },
		{ "reason", reason },
		{ "permissions", perms ? perms : "" },
		{ "indicators", inds ? inds : "" },
		{ "url", cfg && cfg->public_url[0] ? cfg->public_url : "" },
	};
	rc = notify_render(fa ? "fa" : "en", "apk_takedown", vars, sizeof(vars) / sizeof(vars[0]),
			   subject, body, err);
out:
	free(perms);
	free(inds);
	json_decref(v);
	return rc;
}

int apk_diff_records(struct store *st, const struct principal *p, int64_t a, int64_t b,
		     json_t **out, struct perr *err)
{
	struct store_apk ra, rb;
	json_t *va = NULL, *vb = NULL;
	int rc = -1;
	*out = NULL;
	if (may_read(p, err) != 0 || load(st, a, &ra, &va, err) != 0 ||
	    load(st, b, &rb, &vb, err) != 0)
		goto out;
	if (apk_diff(va, vb, out, err) != 0)
		goto out;
	json_object_set_new(*out, "a", json_integer(a));
	json_object_set_new(*out, "b", json_integer(b));
	rc = 0;
out:
	json_decref(va);
	json_decref(vb);
	return rc;
}
