/*
** track.c — publishing and tracking: targets stored and mailed, their
** states, reminders and escalation, and verification by later scans.
**
** This is where the centre learns, per organisation, whether a warning
** reached someone, was acknowledged and acted on, and whether the
** internet still sees the vulnerable host afterwards. Every rule about a
** target's state lives in one function here (target_apply, through
** advisory_target_set), which the API, the CLI, the signed links, the
** timed sweep and scan verification all go through or mirror:
**
**   notified -> read -> acknowledged -> patched | not_affected | overdue
**
** A target only moves forward: asking for a step it has passed is refused
** (PERR_CONFLICT), asking for the state it has is a no-op, so a replayed
** link or a double click changes nothing. A late target (overdue) still
** gets its read and acknowledge times recorded, and may still say patched
** or not affected. Scans then give the verdict the organisation cannot
** give about itself: verified ("fixed, verified by scan") when the report
** type that saw the vulnerable hosts no longer sees them vulnerable, or
** still_seen ("claimed patched, still seen") when the organisation said
** patched and the scan disagrees — the analyst's flag in the tracking view.
**
** Timed work keeps its state in the target rows (reminded_ms,
** escalated_ms), written in the transaction that queues the mail, so a
** restart never loses or repeats a reminder or an escalation.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "advisory/advisory.h"
#include "audit/audit.h"
#include "notify/notify.h"

const char *const advisory_states[9] = { "notified", "read", "acknowledged", "patched",
					  "not_affected", "overdue", "verified", "still_seen", NULL };

/* State names as Persian-speaking contacts read them, in advisory_states order. */
static const char *const states_fa[8] = {
	"اطلاع‌رسانی‌شده", "خوانده‌شده", "دریافت تأییدشده", "وصله‌شده",
	"آسیب‌پذیر نیست", "گذشته از مهلت", "رفع‌شده به تأیید پویش",
	"وصله اعلام‌شده، هنوز دیده می‌شود",
};

static int state_index(const char *s)
{
	for (int k = 0; s && advisory_states[k]; k++)
		if (strcmp(s, advisory_states[k]) == 0)
			return k;
	return -1;
}

static const char *state_text(const char *state, bool fa)
{
	int k = state_index(state);
	return fa && k >= 0 ? states_fa[k] : state;
}

static bool is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* ------------------------------------------------------------ the advisory */

/* What mails and rules need of one advisory, in both languages. */
struct adv {
	int64_t id, version, deadline_ms;
	char ref[64], status[12], severity[12];
	double cvss;
	bool exploited;
	json_t *doc;
	char *title[2], *summary[2], *actions[2]; /* [0] English, [1] Persian */
	char cves[1024], score[16];
	char deadline[2][96]; /* [1]: the Solar Hijri date first, Persian digits */
};

static void adv_free(struct adv *a)
{
	json_decref(a->doc);
	for (int k = 0; k < 2; k++) {
		free(a->title[k]);
		free(a->summary[k]);
		free(a->actions[k]);
	}
	memset(a, 0, sizeof(*a));
}

/* {"en": ..., "fa": ...}: the language's text, else the English. */
static const char *lang_text(const json_t *o, bool fa)
{
	const char *s = fa ? json_string_value(json_object_get(o, "fa")) : NULL;
	if (!s || !*s)
		s = json_string_value(json_object_get(o, "en"));
	if (!s && json_is_string(o))
		s = json_string_value(o);
	return s ? s : "";
}

static char *actions_text(const json_t *doc, bool fa)
{
	struct pbuf b;
	pbuf_init(&b, 64 * 1024);
	size_t k;
	json_t *a;
	json_array_foreach(json_object_get(doc, "actions"), k, a)
	{
		const char *kind = json_string_value(json_object_get(a, "kind"));
		const char *url = json_string_value(json_object_get(a, "url"));
		const char *text = lang_text(json_object_get(a, "text"), fa);
		static const char *const kinds[3][3] = { { "patch", "Patch", "وصله" },
							 { "workaround", "Workaround", "راه موقت" },
							 { "mitigation", "Mitigation", "کاهش خطر" } };
		const char *label = kind ? kind : "";
		for (int i = 0; i < 3; i++)
			if (kind && is(kind, kinds[i][0]))
				label = kinds[i][fa ? 2 : 1];
		pbuf_addf(&b, "- %s:", label);
		if (text && *text)
			pbuf_addf(&b, " %s", text);
		if (url && *url)
			pbuf_addf(&b, "\n  %s", url);
		pbuf_adds(&b, "\n");
	}
	if (b.len == 0)
		pbuf_adds(&b, fa ? "- دستورالعمل‌های سازنده را در مراجع ببینید.\n"
				 : "- See the vendor's instructions in the references.\n");
	/* a mail carries the first 64 KiB of actions; the advisory page has all */
	(void)pbuf_keep_prefix(&b);
	return pbuf_take(&b);
}

struct adv_load {
	struct adv *a;
	struct perr *err;
	int failed;
};

static int adv_row(void *ud, const struct store_advisory *r)
{
	struct adv_load *l = ud;
	struct adv *a = l->a;
	a->id = r->id;
	a->version = r->version;
	a->deadline_ms = r->deadline_ms;
	a->cvss = r->cvss_base;
	a->exploited = r->exploited;
	PSTRCPY(a->ref, r->ref);
	PSTRCPY(a->status, r->status);
	PSTRCPY(a->severity, r->severity);
	json_error_t je;
	a->doc = json_loads(r->doc ? r->doc : "{}", 0, &je);
	if (!json_is_object(a->doc)) {
		l->failed = 1;
		perr_set(l->err, PERR_INTERNAL, NULL, "advisory %lld: its document is not JSON",
			 (long long)r->id);
		return 1;
	}
	return 0;
}

/* Load advisory id: 0, or -1 (PERR_NOTFOUND when absent). */
static int adv_load(struct store *st, int64_t id, struct adv *a, struct perr *err)
{
	memset(a, 0, sizeof(*a));
	struct adv_load l = { a, err, 0 };
	if (store_advisory_get(st, id, 0, adv_row, &l, err) != 0 || l.failed) {
		adv_free(a);
		return -1;
	}
	if (!a->doc) {
		adv_free(a);
		return perr_set(err, PERR_NOTFOUND, NULL, "advisory not found");
	}
	for (int k = 0; k < 2; k++) {
		a->title[k] = strdup(lang_text(json_object_get(a->doc, "title"), k));
		a->summary[k] = strdup(lang_text(json_object_get(a->doc, "summary"), k));
		a->actions[k] = actions_text(a->doc, k);
		if (!a->title[k] || !a->summary[k] || !a->actions[k]) {
			adv_free(a);
			return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		}
	}
	struct pbuf c = pbuf_fixed(a->cves, sizeof(a->cves));
	size_t k;
	json_t *v;
	json_array_foreach(json_object_get(a->doc, "cves"), k, v)
		pbuf_addf(&c, "%s%s", k ? ", " : "", json_string_value(v) ? json_string_value(v) : "");
	(void)pbuf_keep_prefix(&c); /* a mail names the first CVEs; the advisory has all */
	if (!a->cves[0])
		PSTRCPY(a->cves, "-");
	if (a->cvss > 0)
		snprintf(a->score, sizeof(a->score), "%.1f", a->cvss);
	else
		PSTRCPY(a->score, "-"); /* no vector given */
	if (a->deadline_ms > 0) {
		char iso[40];
		core_iso8601(a->deadline_ms, iso, sizeof(iso));
		/* "2026-12-20T00:00:00.000Z" -> "2026-12-20 00:00 UTC" */
		snprintf(a->deadline[0], sizeof(a->deadline[0]), "%.10s %.5s UTC", iso, iso + 11);
		/* a reader in Iran dates by the Solar Hijri calendar: "۱۴۰۵/۰۹/۲۹
		** (2026-12-20 00:00 UTC)" */
		int jy, jm, jd;
		core_jalali(a->deadline_ms, &jy, &jm, &jd);
		char ascii[16];
		snprintf(ascii, sizeof(ascii), "%04d/%02d/%02d", jy, jm, jd);
		struct pbuf b = pbuf_fixed(a->deadline[1], sizeof(a->deadline[1]));
		for (const char *q = ascii; *q; q++) {
			/* a digit as U+06F0..U+06F9 (extended Arabic-Indic), in UTF-8 */
			char u[2] = { (char)0xdb, (char)(0xb0 + (*q - '0')) };
			if (*q >= '0' && *q <= '9')
				pbuf_add(&b, u, 2);
			else
				pbuf_add(&b, q, 1);
		}
		pbuf_addf(&b, " (%s)", a->deadline[0]);
	} else {
		PSTRCPY(a->deadline[0], "-");
		PSTRCPY(a->deadline[1], "-");
	}
	return 0;
}

static const char *severity_text(const char *sev, bool fa)
{
	static const char *const en[4] = { "low", "medium", "high", "critical" };
	static const char *const tr[4] = { "پایین", "متوسط", "بالا", "بحرانی" };
	for (int k = 0; k < 4; k++)
		if (is(sev, en[k]))
			return fa ? tr[k] : en[k];
	return *sev ? sev : "-";
}

/* Targets copied out of a list (the callers write the store while walking
** them); why is kept (heap) only when asked. */
struct tvec {
	struct store_advisory_target *v;
	char **why;
	size_t n, cap;
	bool keep_why;
};

static int tvec_push(void *ud, const struct store_advisory_target *t)
{
	struct tvec *tv = ud;
	if (tv->n == tv->cap) {
		size_t nc = tv->cap ? tv->cap * 2 : 16;
		struct store_advisory_target *p = realloc(tv->v, nc * sizeof(*p));
		if (!p)
			return 1;
		tv->v = p;
		char **w = realloc(tv->why, nc * sizeof(*w));
		if (!w)
			return 1;
		tv->why = w;
		tv->cap = nc;
	}
	tv->v[tv->n] = *t;
	tv->why[tv->n] = tv->keep_why ? strdup(t->why ? t->why : "[]") : NULL;
	if (tv->keep_why && !tv->why[tv->n])
		return 1;
	tv->v[tv->n].why = tv->why[tv->n];
	tv->n++;
	return 0;
}

static void tvec_free(struct tvec *tv)
{
	for (size_t k = 0; k < tv->n; k++)
		free(tv->why[k]);
	free(tv->why);
	free(tv->v);
	memset(tv, 0, sizeof(*tv));
}

/* A list walk that stopped in tvec_push ran out of memory. */
static int list_fail(int rc, struct perr *err)
{
	if (rc > 0)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	return -1;
}

/* --------------------------------------------------------- affected hosts */

/* Does the host product h fall under one of the advisory's products? The
** same reading of a product entry as targeting's: a service exposure alone
** (Smart Install reachable) makes a host affected; otherwise the CPE's
** vendor and product must be h's and h's version inside the range (an
** unknown version is inside only an unbounded range). 1 when it does, 0
** when a product names h's vendor and product and h's known version is
** outside every range (fixed), -1 when nothing in the advisory speaks of h. */
static int host_verdict(const json_t *doc, const struct store_host_product *h)
{
	int verdict = -1;
	size_t k;
	json_t *p;
	json_array_foreach(json_object_get(doc, "products"), k, p)
	{
		const char *exp = json_string_value(json_object_get(p, "exposure"));
		if (exp && *exp && h->exposure[0] && is(exp, h->exposure))
			return 1;
		const char *cpe = json_string_value(json_object_get(p, "cpe"));
		struct advisory_cpe c;
		struct perr e;
		if (!cpe || advisory_cpe_parse(cpe, strlen(cpe), &c, &e) != 0)
			continue;
		const char *vendor = c.f[ADVISORY_CPE_VENDOR], *product = c.f[ADVISORY_CPE_PRODUCT];
		if (is(vendor, "*") || is(product, "*") || !is(vendor, h->vendor) ||
		    !is(product, h->product))
			continue;
		struct advisory_range r = {
			.start = json_string_value(json_object_get(p, "start")),
			.start_incl = json_is_true(json_object_get(p, "start_incl")),
			.end = json_string_value(json_object_get(p, "end")),
			.end_incl = json_is_true(json_object_get(p, "end_incl")),
			.exact = json_string_value(json_object_get(p, "version")),
		};
		const char *cv = c.f[ADVISORY_CPE_VERSION];
		if (!r.exact && !r.start && !r.end && !is(cv, "*") && !is(cv, "-"))
			r.exact = cv;
		if (advisory_version_in(h->version, &r))
			return 1;
		if (h->version[0])
			verdict = 0;
	}
	return verdict;
}

static bool host_matches(const json_t *doc, const struct store_host_product *h)
{
	return host_verdict(doc, h) == 1;
}

/* Is an evidence host that a report saw again still vulnerable? When the
** advisory judges it, that verdict; when it says nothing of it (targeting
** counted the host by a service exposure the advisory's products do not
** name, e.g. a CSAF advisory whose product tree knows no "exposure"), the
** exposure that made it a target being still there is the vulnerability
** still there; a bare banner the advisory does not name is not. */
static bool host_still_vulnerable(const json_t *doc, const struct store_host_product *h)
{
	int v = host_verdict(doc, h);
	return v == 1 || (v < 0 && h->exposure[0]);
}

struct host { char ip[64]; int64_t port; };
struct hosts {
	struct host *v;
	size_t n, cap;
	const json_t *doc;
};

static int hosts_push(struct hosts *hs, const char *ip, int64_t port)
{
	if (hs->n == hs->cap) {
		size_t nc = hs->cap ? hs->cap * 2 : 16;
		struct host *p = realloc(hs->v, nc * sizeof(*p));
		if (!p)
			return 1;
		hs->v = p;
		hs->cap = nc;
	}
	pstrtrunc(hs->v[hs->n].ip, ip, sizeof(hs->v[hs->n].ip));
	hs->v[hs->n++].port = port;
	return 0;
}

static int collect_match(void *ud, const struct store_host_product *h)
{
	struct hosts *hs = ud;
	return host_matches(hs->doc, h) ? hosts_push(hs, h->ip, h->port) : 0;
}

/* The organisation's hosts a later scan must no longer see: those
** targeting's evidence (why) names, and, since it lists at most 20, every
** host product of any report type that the advisory's products cover. */
static int evidence_hosts(struct store *st, const json_t *doc, const json_t *why, int64_t org,
			  struct hosts *hs, struct perr *err)
{
	hs->doc = doc;
	size_t k;
	json_t *p;
	/* the hosts targeting named (host and exposure evidence: ip, port),
	** whatever product rule it applied */
	json_array_foreach(why, k, p)
	{
		const char *ip = json_string_value(json_object_get(p, "ip"));
		json_t *port = json_object_get(p, "port");
		if (ip && *ip && hosts_push(hs, ip, json_is_integer(port) ? json_integer_value(port)
									 : -1) != 0)
			return list_fail(1, err);
	}
	json_array_foreach(json_object_get(doc, "products"), k, p)
	{
		const char *exp = json_string_value(json_object_get(p, "exposure"));
		int r;
		if (exp && *exp &&
		    (r = store_host_product_find(st, NULL, NULL, exp, org, collect_match, hs, err)) != 0)
			return list_fail(r, err);
		const char *cpe = json_string_value(json_object_get(p, "cpe"));
		struct advisory_cpe c;
		struct perr e;
		if (!cpe || advisory_cpe_parse(cpe, strlen(cpe), &c, &e) != 0 ||
		    is(c.f[ADVISORY_CPE_VENDOR], "*") || is(c.f[ADVISORY_CPE_PRODUCT], "*"))
			continue;
		if ((r = store_host_product_find(st, c.f[ADVISORY_CPE_VENDOR],
						 c.f[ADVISORY_CPE_PRODUCT], NULL, org, collect_match,
						 hs, err)) != 0)
			return list_fail(r, err);
	}
	return 0;
}

/* ------------------------------------------------------------------ mail */

struct mailer {
	struct store *st;
	const struct config *cfg;
	const struct adv *a;
	const char *tmpl;
	const char *org;
	const char *read_link, *ack_link;
	const char *changes; /* advisory_update */
	const char *state;   /* advisory_reminder */
	int64_t left_h;      /* advisory_reminder: hours to the deadline */
	int64_t mails;
	struct perr *err;
	int failed;
};

static int mail_one(struct mailer *m, const char *to, const char *lang, const char *name)
{
	bool fa = lang && is(lang, "fa");
	char thread[40], version[24], left[48];
	snprintf(thread, sizeof(thread), "advisory-%lld", (long long)m->a->id);
	snprintf(version, sizeof(version), "%lld", (long long)m->a->version);
	snprintf(left, sizeof(left), fa ? "%lld ساعت" : "%lld hours", (long long)m->left_h);
	const char *exploited =
		m->a->exploited ? (fa ? "بله: هم‌اکنون در حملات واقعی از آن بهره‌برداری می‌شود"
				      : "yes: it is being exploited in the wild")
				: (fa ? "بهره‌برداری شناخته‌شده‌ای گزارش نشده است"
				      : "no exploitation known so far");
	struct notify_var vars[] = {
		{ "ref", m->a->ref },
		{ "title", m->a->title[fa] },
		{ "summary", m->a->summary[fa] },
		{ "severity", severity_text(m->a->severity, fa) },
		{ "score", m->a->score },
		{ "cves", m->a->cves },
		{ "exploited", exploited },
		{ "deadline", m->a->deadline[fa] },
		{ "actions", m->a->actions[fa] },
		{ "version", version },
		{ "org", m->org },
		{ "name", name && *name ? name : (fa ? "همکار" : "colleague") },
		{ "read_link", m->read_link ? m->read_link : "" },
		{ "ack_link", m->ack_link ? m->ack_link : "" },
		{ "changes", m->changes && *m->changes ? m->changes
			     : (fa ? "جزئیات را در خود اطلاعیه ببینید." : "see the advisory.") },
		{ "state", m->state ? state_text(m->state, fa) : "" },
		{ "left", left },
	};
	struct notify_mail nm = { .to = to, .lang = fa ? "fa" : "en", .tmpl = m->tmpl,
				  .vars = vars, .nvars = ARRAY_SIZE(vars), .thread = thread };
	if (notify_mail(m->st, m->cfg, &nm, m->err) != 0) {
		m->failed = 1;
		return 1;
	}
	m->mails++;
	return 0;
}

static int mail_contact(void *ud, const struct store_contact *c)
{
	struct mailer *m = ud;
	if (!c->email[0])
		return 0;
	return mail_one(m, c->email, c->lang, c->name);
}

/* Mail every contact of org in their language. 0 or -1. */
static int mail_org(struct mailer *m, int64_t org)
{
	/* contacts are few per organisation; collected first would only
	** matter if mailing reused the contact statement, which it does not */
	if (store_contact_list(m->st, org, mail_contact, m, m->err) != 0 && !m->failed)
		return -1;
	return m->failed ? -1 : 0;
}

/* The read and ack links of (id, org), as addresses. */
static int links_for(const struct config *cfg, const uint8_t *key, int64_t id, int64_t org,
		     int64_t now_ms, char *read, char *ack, size_t n, struct perr *err)
{
	char tok[ADVISORY_LINK_MAX];
	int64_t exp = now_ms + cfg->advisory_link_days * 86400000LL;
	if (advisory_link_sign(key, id, org, "read", exp, tok, sizeof(tok), err) != 0)
		return -1;
	advisory_link_url(cfg, tok, read, n);
	if (advisory_link_sign(key, id, org, "ack", exp, tok, sizeof(tok), err) != 0)
		return -1;
	advisory_link_url(cfg, tok, ack, n);
	return 0;
}

static int load_key(struct store *st, uint8_t key[ADVISORY_LINK_KEY_LEN], struct perr *err)
{
	char dir[1100];
	if (store_data_dir_get(st, dir, sizeof(dir), err) != 0)
		return -1;
	return advisory_link_key_load(dir, key, err);
}

static void audit_obj(int64_t id, int64_t org, char *out, size_t n)
{
	snprintf(out, n, "advisory:%lld/org:%lld", (long long)id, (long long)org);
}

static int audit_state(struct store *st, const char *actor, const char *action, int64_t id,
		       int64_t org, const char *from, const struct store_advisory_target *t,
		       struct perr *err)
{
	char obj[64];
	audit_obj(id, org, obj, sizeof(obj));
	json_t *after = json_pack("{ss}", "state", t->state);
	if (t->reason[0])
		json_object_set_new(after, "reason", json_string(t->reason));
	return audit_append_json(st, actor ? actor : "parapet", action, obj,
				 json_pack("{ss}", "state", from), after, err);
}

/* ------------------------------------------------------------- publishing */

static bool may_publish(const struct principal *p)
{
	return !p || p->role == ROLE_ADMIN || p->role == ROLE_ANALYST;
}

int advisory_publish(struct store *st, const struct config *cfg, const struct principal *p,
		     const char *actor, int64_t id, int64_t now_ms,
		     struct advisory_publish_result *res, struct perr *err)
{
	struct adv a;
	json_t *tj = NULL;
	struct hosts hs = { 0 };
	uint8_t key[ADVISORY_LINK_KEY_LEN];
	int rc = -1;
	memset(res, 0, sizeof(*res));
	if (!may_publish(p))
		return perr_set(err, PERR_FORBIDDEN, NULL, "only analysts publish advisories");
	if (adv_load(st, id, &a, err) != 0)
		return -1;
	if (is(a.status, "withdrawn")) {
		perr_set(err, PERR_CONFLICT, "status", "a withdrawn advisory is not published");
		goto out;
	}
	if (advisory_targets_compute(st, a.doc, id, &tj, err) != 0 || load_key(st, key, err) != 0)
		goto out;
	size_t k;
	json_t *t;
	json_array_foreach(json_object_get(tj, "targets"), k, t)
	{
		if (json_object_get(t, "excluded"))
			continue; /* the analyst took it out of the preview */
		json_t *o = json_object_get(t, "org");
		int64_t org = json_integer_value(json_object_get(o, "id"));
		if (org <= 0)
			continue;
		json_t *wj = json_object_get(t, "why");
		char *why = wj ? json_dumps(wj, JSON_COMPACT) : strdup("[]");
		if (!why) {
			perr_set(err, PERR_INTERNAL, NULL, "out of memory");
			goto out;
		}
		struct store_advisory_target row, old;
		struct perr ge;
		bool fresh = store_advisory_target_get(st, id, org, &old, NULL, 0, &ge) != 0;
		if (fresh && ge.kind != PERR_NOTFOUND) {
			if (err)
				*err = ge;
			free(why);
			goto out;
		}
		memset(&row, 0, sizeof(row));
		if (!fresh)
			row = old;
		row.advisory_id = id;
		row.org_id = org;
		row.hosts = json_integer_value(json_object_get(t, "hosts"));
		row.why = why;
		row.updated_ms = now_ms;
		bool send = fresh || old.version < a.version;
		row.version = a.version;
		int w;
		if (fresh) {
			PSTRCPY(row.state, "notified");
			row.notified_ms = now_ms;
			w = store_advisory_target_insert(st, &row, err);
		} else {
			w = store_advisory_target_update(st, &row, err);
		}
		free(why);
		if (w != 0)
			goto out;
		hs.n = 0;
		if (evidence_hosts(st, a.doc, wj, org, &hs, err) != 0)
			goto out;
		for (size_t i = 0; i < hs.n; i++)
			if (store_advisory_target_host_add(st, id, org, hs.v[i].ip, hs.v[i].port,
							   err) != 0)
				goto out;
		res->targets++;
		if (!send)
			continue; /* it has this version already */
		char read[600], ack[600];
		if (links_for(cfg, key, id, org, now_ms, read, ack, sizeof(read), err) != 0)
			goto out;
		struct mailer m = { .st = st, .cfg = cfg, .a = &a, .tmpl = "advisory",
				    .org = json_string_value(json_object_get(o, "name")),
				    .read_link = read, .ack_link = ack, .err = err };
		if (!m.org)
			m.org = "";
		if (mail_org(&m, org) != 0)
			goto out;
		res->mails += m.mails;
	}
	if (store_advisory_status_set(st, id, now_ms, err) != 0)
		goto out;
	char obj[40];
	snprintf(obj, sizeof(obj), "advisory:%lld", (long long)id);
	if (audit_append_json(st, actor ? actor : "parapet", "advisory.publish", obj,
			      json_pack("{ss}", "status", a.status),
			      json_pack("{ss sI sI sI}", "status", "published", "version",
					(json_int_t)a.version, "targets", (json_int_t)res->targets,
					"mails", (json_int_t)res->mails),
			      err) != 0)
		goto out;
	rc = 0;
out:
	sodium_memzero(key, sizeof(key));
	free(hs.v);
	json_decref(tj);
	adv_free(&a);
	return rc;
}

int advisory_notify_update(struct store *st, const struct config *cfg, int64_t id,
			   int64_t version, const char *changes, struct perr *err)
{
	struct adv a;
	struct tvec tv = { 0 };
	uint8_t key[ADVISORY_LINK_KEY_LEN];
	int rc = -1, r;
	if (changes && (strlen(changes) > 4000 || !utf8_valid(changes, strlen(changes))))
		return perr_set(err, PERR_INVALID, "changes", "changes must be 1-4000 bytes of UTF-8");
	if (adv_load(st, id, &a, err) != 0)
		return -1;
	if (version > 0)
		a.version = version;
	if (load_key(st, key, err) != 0)
		goto out;
	if ((r = store_advisory_target_list(st, id, NULL, 0, tvec_push, &tv, err)) != 0) {
		list_fail(r, err);
		goto out;
	}
	int64_t now = core_now_ms();
	for (size_t k = 0; k < tv.n; k++) {
		struct store_advisory_target *t = &tv.v[k];
		if (t->version >= a.version)
			continue; /* told already (a publish after the update) */
		char read[600], ack[600];
		if (links_for(cfg, key, id, t->org_id, now, read, ack, sizeof(read), err) != 0)
			goto out;
		struct mailer m = { .st = st, .cfg = cfg, .a = &a, .tmpl = "advisory_update",
				    .org = t->org_name, .read_link = read, .ack_link = ack,
				    .changes = changes, .err = err };
		if (mail_org(&m, t->org_id) != 0)
			goto out;
		t->version = a.version;
		t->updated_ms = now;
		if (store_advisory_target_update(st, t, err) != 0)
			goto out;
	}
	rc = 0;
out:
	tvec_free(&tv);
	sodium_memzero(key, sizeof(key));
	adv_free(&a);
	return rc;
}

/* ------------------------------------------------------------------ states */

/* The one rule of a target's steps (see the top of the file): move t to
** state at now_ms. 1 when t changed, 0 when there is nothing to do (the
** state it has; a late target's read or acknowledge time recorded only
** once), -1 with PERR_CONFLICT for a step back. */
static int target_apply(struct store_advisory_target *t, const char *state, const char *reason,
			int64_t now_ms, struct perr *err)
{
	const char *cur = t->state;
	if (is(cur, state))
		return 0;
	bool early = is(cur, "notified") || is(cur, "read");
	bool late = is(cur, "overdue");
	if (is(state, "read") && is(cur, "notified")) {
		t->read_ms = now_ms;
	} else if (is(state, "acknowledged") && early) {
		if (!t->read_ms)
			t->read_ms = now_ms;
		t->ack_ms = now_ms;
	} else if ((is(state, "read") || is(state, "acknowledged")) && late) {
		/* past the deadline the state stays overdue; the times still
		** tell the tracking view when the organisation reacted */
		int64_t *slot = is(state, "read") ? &t->read_ms : &t->ack_ms;
		if (*slot)
			return 0;
		*slot = now_ms;
		if (!t->read_ms)
			t->read_ms = now_ms;
		t->updated_ms = now_ms;
		return 1;
	} else if (is(state, "patched") &&
		   (early || late || is(cur, "acknowledged") || is(cur, "still_seen"))) {
		/* still_seen -> patched: fixed again after the scan disagreed;
		** the next scan judges the new claim */
		t->patched_ms = now_ms;
	} else if (is(state, "not_affected") && (early || late || is(cur, "acknowledged"))) {
		if (PSTRCPY_OR_ERR(t->reason, reason, "reason", err) != 0)
			return -1;
		t->patched_ms = now_ms;
	} else {
		return perr_set(err, PERR_CONFLICT, "state",
				"the target is %s already: it does not go back to %s", cur, state);
	}
	pstrtrunc(t->state, state, sizeof(t->state));
	t->updated_ms = now_ms;
	return 1;
}

int advisory_target_set(struct store *st, const struct config *cfg, const struct principal *p,
			const char *actor, int64_t id, int64_t org, const char *state,
			const char *reason, int64_t now_ms, struct perr *err)
{
	(void)cfg;
	int k = state_index(state);
	if (k < 0)
		return perr_set(err, PERR_INVALID, "state",
				"state must be read, acknowledged, patched or not_affected");
	if (!(is(state, "read") || is(state, "acknowledged") || is(state, "patched") ||
	      is(state, "not_affected")))
		return perr_set(err, PERR_INVALID, "state",
				"%s is set by the deadline or by scans, not by hand", state);
	if (is(state, "not_affected")) {
		size_t n = reason ? strlen(reason) : 0;
		if (n == 0 || n > 500 || !utf8_valid(reason, n))
			return perr_set(err, PERR_INVALID, "reason",
					"not_affected needs a reason (1-500 bytes)");
	}
	struct store_advisory_target t;
	if (store_advisory_target_get(st, id, org, &t, NULL, 0, err) != 0)
		return -1;
	if (p) {
		struct target scope = { .org_id = t.org_id, .province = t.province };
		if (identity_allow_object(p, &scope, err) != 0)
			return -1;
	}
	char from[16];
	PSTRCPY(from, t.state);
	int rc = target_apply(&t, state, reason, now_ms, err);
	if (rc <= 0)
		return rc;
	t.why = NULL; /* a state change keeps the evidence */
	if (store_advisory_target_update(st, &t, err) != 0)
		return -1;
	return audit_state(st, actor, "advisory.target", id, org, from, &t, err);
}

/* --------------------------------------------------------- tracking view */

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a < b ? -1 : a > b;
}

static json_t *target_json(const struct store_advisory_target *t)
{
	json_error_t je;
	json_t *why = json_loads(t->why ? t->why : "[]", 0, &je);
	json_t *j = json_pack("{s{sI ss ss ss} ss sI so ss sI}", "org", "id",
			      (json_int_t)t->org_id, "name", t->org_name, "province", t->province,
			      "sector", t->sector, "state", t->state, "hosts", (json_int_t)t->hosts,
			      "why", why ? why : json_array(), "reason", t->reason, "version",
			      (json_int_t)t->version);
	if (!j)
		return NULL;
	json_object_set_new(j, "notified", core_json_time(t->notified_ms));
	json_object_set_new(j, "read", core_json_time(t->read_ms));
	json_object_set_new(j, "acknowledged", core_json_time(t->ack_ms));
	json_object_set_new(j, "patched", core_json_time(t->patched_ms));
	json_object_set_new(j, "verified", core_json_time(t->verified_ms));
	json_object_set_new(j, "reminded", core_json_time(t->reminded_ms));
	json_object_set_new(j, "escalated", core_json_time(t->escalated_ms));
	/* the analyst's flag: the organisation says patched, the scans disagree */
	json_object_set_new(j, "flag", is(t->state, "still_seen")
					       ? json_string("claimed patched, still seen")
					       : json_null());
	return j;
}

int advisory_targets(struct store *st, const struct principal *p, int64_t id, json_t **out,
		     struct perr *err)
{
	*out = NULL;
	const char *province = NULL;
	int64_t org = 0;
	if (p)
		identity_list_scope(p, &province, &org);
	struct adv a;
	if (adv_load(st, id, &a, err) != 0)
		return -1;
	struct tvec tv = { .keep_why = true };
	int64_t *acks = NULL;
	json_t *list = json_array(), *totals = json_object(), *res = NULL;
	int rc = -1, r;
	if (org < 0 || (r = store_advisory_target_list(st, id, province, org, tvec_push, &tv,
						       err)) != 0) {
		if (org < 0)
			perr_set(err, PERR_NOTFOUND, NULL, "advisory not found");
		else
			list_fail(r, err);
		goto out;
	}
	/* a constituent sees only advisories published to their organisation */
	if (org && tv.n == 0) {
		perr_set(err, PERR_NOTFOUND, NULL, "advisory not found");
		goto out;
	}
	int64_t count[8] = { 0 }, first = 0, nack = 0, patched = 0;
	acks = calloc(tv.n ? tv.n : 1, sizeof(*acks));
	if (!acks || !list || !totals) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < tv.n; k++) {
		const struct store_advisory_target *t = &tv.v[k];
		int s = state_index(t->state);
		if (s >= 0)
			count[s]++;
		if (!first || t->notified_ms < first)
			first = t->notified_ms;
		if (t->ack_ms)
			acks[nack++] = t->ack_ms - t->notified_ms;
		/* said patched, whatever scans said since (not "not affected") */
		if (t->patched_ms && !is(t->state, "not_affected"))
			patched++;
		json_array_append_new(list, target_json(t));
	}
	for (int s = 0; s < 8; s++)
		json_object_set_new(totals, advisory_states[s], json_integer(count[s]));
	qsort(acks, (size_t)nack, sizeof(*acks), cmp_i64);
	double median_h = 0;
	if (nack)
		median_h = (nack % 2 ? (double)acks[nack / 2]
				     : ((double)acks[nack / 2 - 1] + (double)acks[nack / 2]) / 2) /
			   3600000.0;
	json_t *days = json_null();
	int64_t d = 0;
	if (a.deadline_ms > 0 && first > 0) {
		d = (a.deadline_ms - first) / 86400000;
		json_decref(days);
		days = json_integer(d);
	}
	char text[512], when[64] = "", median[64] = "";
	if (!json_is_null(days))
		snprintf(when, sizeof(when), " %lld days before the deadline", (long long)d);
	if (nack)
		snprintf(median, sizeof(median), " within a median of %.1f hours", median_h);
	snprintf(text, sizeof(text),
		 "warned %lld organisations%s; %lld acknowledged%s; %lld patched, %lld verified "
		 "by scan",
		 (long long)tv.n, when, (long long)nack, median, (long long)patched,
		 (long long)count[6]);
	res = json_pack("{so so s{sI so sI so sI sI ss}}", "targets", list, "totals", totals,
			"summary", "warned", (json_int_t)tv.n, "days_before_deadline", days,
			"acknowledged", (json_int_t)nack, "ack_median_hours",
			nack ? json_real((double)(int64_t)(median_h * 10 + 0.5) / 10) : json_null(),
			"patched", (json_int_t)patched, "verified", (json_int_t)count[6], "text",
			text);
	list = totals = NULL;
	if (!res) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	*out = res;
	rc = 0;
out:
	json_decref(list);
	json_decref(totals);
	free(acks);
	tvec_free(&tv);
	adv_free(&a);
	return rc;
}

/* ------------------------------------------------------------- timed work */

struct people {
	struct store_user *users;
	size_t nu, capu;
	struct store_team *teams;
	size_t nt, capt;
};

static int people_user(void *ud, const struct store_user *u)
{
	struct people *pp = ud;
	if (pp->nu == pp->capu) {
		size_t nc = pp->capu ? pp->capu * 2 : 16;
		struct store_user *p = realloc(pp->users, nc * sizeof(*p));
		if (!p)
			return 1;
		pp->users = p;
		pp->capu = nc;
	}
	pp->users[pp->nu++] = *u;
	return 0;
}

static int people_team(void *ud, const struct store_team *t)
{
	struct people *pp = ud;
	if (pp->nt == pp->capt) {
		size_t nc = pp->capt ? pp->capt * 2 : 8;
		struct store_team *p = realloc(pp->teams, nc * sizeof(*p));
		if (!p)
			return 1;
		pp->teams = p;
		pp->capt = nc;
	}
	pp->teams[pp->nt++] = *t;
	return 0;
}

static bool mailable(const struct store_user *u)
{
	return !u->disabled && u->email[0];
}

/* Escalate target t: its province's provincial analysts and the leads of
** the teams that serve its province or the whole country, as the SLA
** escalation of incidents goes to team leads; the admins when nobody of
** those can be mailed, so an escalation never goes nowhere. */
static int escalate(struct mailer *m, const struct people *pp,
		    const struct store_advisory_target *t)
{
	char link[400];
	snprintf(link, sizeof(link), "%s/#/advisories/%lld", m->cfg->public_url,
		 (long long)m->a->id);
	m->read_link = link;
	m->ack_link = link;
	m->state = t->state;
	m->org = t->org_name;
	int sent = 0;
	for (int pass = 0; pass < 2 && !sent; pass++) {
		for (size_t k = 0; k < pp->nu; k++) {
			const struct store_user *u = &pp->users[k];
			if (!mailable(u))
				continue;
			bool to;
			if (pass == 0) {
				to = is(u->role, "provincial") && is(u->province, t->province);
				for (size_t i = 0; !to && i < pp->nt; i++)
					to = pp->teams[i].lead_id == u->id &&
					     (!pp->teams[i].province[0] ||
					      is(pp->teams[i].province, t->province));
			} else {
				to = is(u->role, "admin");
			}
			if (!to)
				continue;
			if (mail_one(m, u->email, u->lang, u->login) != 0)
				return -1;
			sent++;
		}
	}
	if (!sent) /* recorded as escalated all the same: the tracking view shows it */
		plog(PLOG_WARN, "advisory %lld: nobody with an address to escalate %s to",
		     (long long)m->a->id, t->org_name);
	return 0;
}

int advisory_sweep(struct store *st, const struct config *cfg, int64_t now_ms,
		   struct advisory_sweep_counts *n, struct perr *err)
{
	struct tvec tv = { 0 };
	struct people pp = { 0 };
	struct adv a = { 0 };
	uint8_t key[ADVISORY_LINK_KEY_LEN];
	bool have_key = false;
	int rc = -1, r;
	memset(n, 0, sizeof(*n));
	int64_t remind_ms = cfg->advisory_remind_before * 3600000LL;
	if ((r = store_advisory_target_due(st, now_ms, remind_ms, tvec_push, &tv, err)) != 0) {
		list_fail(r, err);
		goto out;
	}
	if (tv.n == 0)
		return 0;
	if ((r = store_user_list(st, people_user, &pp, err)) != 0 ||
	    (r = store_team_list(st, people_team, &pp, err)) != 0) {
		list_fail(r, err);
		goto out;
	}
	if (load_key(st, key, err) != 0)
		goto out;
	have_key = true;
	for (size_t k = 0; k < tv.n; k++) {
		struct store_advisory_target *t = &tv.v[k];
		if (a.id != t->advisory_id) {
			adv_free(&a);
			if (adv_load(st, t->advisory_id, &a, err) != 0)
				goto out;
		}
		bool changed = false;
		if (!t->reminded_ms && (is(t->state, "notified") || is(t->state, "read")) &&
		    now_ms < a.deadline_ms && now_ms >= a.deadline_ms - remind_ms) {
			char read[600], ack[600];
			if (links_for(cfg, key, a.id, t->org_id, now_ms, read, ack, sizeof(read),
				      err) != 0)
				goto out;
			struct mailer m = { .st = st, .cfg = cfg, .a = &a,
					    .tmpl = "advisory_reminder", .org = t->org_name,
					    .read_link = read, .ack_link = ack, .state = t->state,
					    .left_h = (a.deadline_ms - now_ms + 3599999) / 3600000,
					    .err = err };
			char obj[64];
			audit_obj(a.id, t->org_id, obj, sizeof(obj));
			if (mail_org(&m, t->org_id) != 0 ||
			    audit_append_json(st, "parapet:sweep", "advisory.remind", obj, NULL,
					      json_pack("{sI}", "mails", (json_int_t)m.mails),
					      err) != 0)
				goto out;
			t->reminded_ms = now_ms;
			n->reminded++;
			changed = true;
		}
		if (!t->escalated_ms && now_ms >= a.deadline_ms &&
		    !(is(t->state, "patched") || is(t->state, "not_affected") ||
		      is(t->state, "verified"))) {
			char from[16];
			PSTRCPY(from, t->state);
			/* still_seen keeps its name (the analyst's flag) and is
			** escalated as late as any other unfixed target */
			if (!is(t->state, "still_seen") && !is(t->state, "overdue")) {
				PSTRCPY(t->state, "overdue");
				n->overdue++;
				if (audit_state(st, "parapet:sweep", "advisory.target", a.id, t->org_id,
						from, t, err) != 0)
					goto out;
			}
			struct mailer m = { .st = st, .cfg = cfg, .a = &a,
					    .tmpl = "advisory_escalation", .err = err };
			char obj[64];
			audit_obj(a.id, t->org_id, obj, sizeof(obj));
			if (escalate(&m, &pp, t) != 0 ||
			    audit_append_json(st, "parapet:sweep", "advisory.escalate", obj, NULL,
					      json_pack("{ss sI}", "state", t->state, "mails",
							(json_int_t)m.mails),
					      err) != 0)
				goto out;
			t->escalated_ms = now_ms;
			n->escalated++;
			changed = true;
		}
		if (changed) {
			t->updated_ms = now_ms;
			t->why = NULL;
			if (store_advisory_target_update(st, t, err) != 0)
				goto out;
		}
	}
	rc = 0;
out:
	if (have_key)
		sodium_memzero(key, sizeof(key));
	adv_free(&a);
	free(pp.users);
	free(pp.teams);
	tvec_free(&tv);
	return rc;
}

/* -------------------------------------------------- verification by scan */

struct pairs {
	int64_t (*v)[2];
	size_t n, cap;
};

static int pair_push(void *ud, int64_t id, int64_t org)
{
	struct pairs *ps = ud;
	if (ps->n == ps->cap) {
		size_t nc = ps->cap ? ps->cap * 2 : 16;
		int64_t(*p)[2] = realloc(ps->v, nc * sizeof(*p));
		if (!p)
			return 1;
		ps->v = p;
		ps->cap = nc;
	}
	ps->v[ps->n][0] = id;
	ps->v[ps->n++][1] = org;
	return 0;
}

static int host_push(void *ud, const char *ip, int64_t port)
{
	return hosts_push(ud, ip, port);
}

int advisory_scan_verify(struct store *st, const struct config *cfg, const char *type,
			 int64_t file_id, int64_t now_ms, struct perr *err)
{
	(void)cfg;
	if (!type || !*type || file_id <= 0)
		return 0;
	struct pairs ps = { 0 };
	struct hosts hs = { 0 };
	struct adv a = { 0 };
	int rc = -1, r;
	bool saw = false;
	if ((r = store_advisory_target_seen_list(st, type, pair_push, &ps, err)) != 0) {
		list_fail(r, err);
		goto out;
	}
	/* A file that refreshed no host product of its type (an empty report,
	** or one older than what is known: upserts never move back) says
	** nothing about who is still vulnerable: judging by it would verify
	** every target at once. */
	/* (asked only when some target is concerned: most imports touch none) */
	if (ps.n && store_host_product_file_exists(st, type, file_id, &saw, err) != 0)
		goto out;
	if (!saw)
		ps.n = 0;
	for (size_t k = 0; k < ps.n; k++) {
		int64_t id = ps.v[k][0], org = ps.v[k][1];
		if (a.id != id) {
			adv_free(&a);
			if (adv_load(st, id, &a, err) != 0)
				goto out;
		}
		hs.n = 0;
		if ((r = store_advisory_target_host_list(st, id, org, host_push, &hs, err)) != 0) {
			list_fail(r, err);
			goto out;
		}
		bool judged = false, vulnerable = false;
		for (size_t i = 0; i < hs.n && !vulnerable; i++) {
			struct store_host_product h;
			struct perr e;
			if (store_host_product_get(st, org, hs.v[i].ip, hs.v[i].port, type, &h, &e) !=
			    0) {
				if (e.kind != PERR_NOTFOUND) {
					if (err)
						*err = e;
					goto out;
				}
				continue; /* another report type's host */
			}
			judged = true;
			/* still seen by this very file, and not seen fixed */
			vulnerable = h.file_id == file_id && host_still_vulnerable(a.doc, &h);
		}
		if (!judged)
			continue;
		struct store_advisory_target t;
		if (store_advisory_target_get(st, id, org, &t, NULL, 0, err) != 0)
			goto out;
		char from[16];
		PSTRCPY(from, t.state);
		if (vulnerable && is(t.state, "patched")) {
			PSTRCPY(t.state, "still_seen");
		} else if (!vulnerable && !is(t.state, "verified") && !is(t.state, "not_affected")) {
			PSTRCPY(t.state, "verified");
		} else {
			continue;
		}
		t.verified_ms = now_ms;
		t.updated_ms = now_ms;
		if (store_advisory_target_update(st, &t, err) != 0 ||
		    audit_state(st, "parapet:scan", "advisory.scan", id, org, from, &t, err) != 0)
			goto out;
	}
	rc = 0;
out:
	adv_free(&a);
	free(hs.v);
	free(ps.v);
	return rc;
}
