/*
** incident.c — incidents: reports from detectors, the lifecycle, assignment
** and routing, the thread, evidence, lists and SLA clocks.
**
** Shape of every write: load the incident through incident_get() (which
** applies the caller's scope, so another organisation's incident is simply
** "not found"), check the caller may do this particular thing, validate,
** write through the store, append the audit entry and queue notifications,
** all inside the caller's transaction.
**
** The taxonomy (data/rsit.csv) and the detector-kind defaults
** (data/kinds.csv) are compiled in and parsed once.
*/
#include "incident/incident.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "constituency/constituency.h"
#include "indicator/indicator.h"
#include "notify/notify.h"

struct embed_file {
	const char *name;
	const unsigned char *data;
	size_t len;
};
extern const struct embed_file incident_data[]; /* rsit.csv, kinds.csv */

const char *const incident_states[8] = { "new",       "triaged",   "in_progress",
					 "contained", "recovered", "closed",
					 "rejected",  "duplicate" };

const char *const incident_open_states[6] = { "new",       "triaged",   "in_progress",
					      "contained", "recovered", NULL };

static const char *const severities[4] = { "low", "medium", "high", "critical" };

/* ------------------------------------------------------------ taxonomy */

#define MAX_RSIT 128
#define MAX_KINDS 128

struct pair {
	char a[64], b[64], c[64];
};

static struct pair rsit[MAX_RSIT], kinds[MAX_KINDS];
static size_t nrsit, nkinds;
static pthread_once_t data_once = PTHREAD_ONCE_INIT;

/* Parse "a,b[,c]" lines, skipping blanks and # comments. */
static size_t parse_pairs(const struct embed_file *f, struct pair *out, size_t max)
{
	size_t n = 0;
	struct pstr rest = { (const char *)f->data, f->len }, line;
	while (rest.p && rest.n && n < max) {
		pstr_cut(rest, '\n', &line, &rest);
		line = pstr_trim(line);
		if (!line.n || line.p[0] == '#')
			continue;
		struct pstr a, bc, b, c;
		pstr_cut(line, ',', &a, &bc);
		pstr_cut(bc, ',', &b, &c);
		pstr_copy(a, out[n].a, sizeof(out[n].a));
		pstr_copy(b, out[n].b, sizeof(out[n].b));
		pstr_copy(c, out[n].c, sizeof(out[n].c));
		n++;
	}
	return n;
}

static void load_data(void)
{
	for (const struct embed_file *f = incident_data; f->name; f++) {
		if (strcmp(f->name, "rsit.csv") == 0)
			nrsit = parse_pairs(f, rsit, MAX_RSIT);
		else if (strcmp(f->name, "kinds.csv") == 0)
			nkinds = parse_pairs(f, kinds, MAX_KINDS);
	}
}

bool incident_rsit_valid(const char *class_, const char *type)
{
	pthread_once(&data_once, load_data);
	for (size_t i = 0; i < nrsit; i++)
		if (strcmp(rsit[i].a, class_) == 0 && strcmp(rsit[i].b, type) == 0)
			return true;
	return false;
}

bool incident_rsit_class_valid(const char *class_)
{
	pthread_once(&data_once, load_data);
	for (size_t i = 0; class_ && i < nrsit; i++)
		if (strcmp(rsit[i].a, class_) == 0)
			return true;
	return false;
}

static void kind_default(const char *kind, const char **class_, const char **type)
{
	pthread_once(&data_once, load_data);
	*class_ = "other";
	*type = "undetermined";
	for (size_t i = 0; i < nkinds; i++)
		if (strcmp(kinds[i].a, kind) == 0) {
			*class_ = kinds[i].b;
			*type = kinds[i].c;
			return;
		}
}

int incident_severity_rank(const char *severity)
{
	for (int i = 0; i < 4; i++)
		if (severity && strcmp(severity, severities[i]) == 0)
			return i;
	return -1;
}

static bool tlp_valid(const char *t)
{
	return core_tlp_rank(t) >= 0; /* stored labels are canonical: exact case */
}

/* ----------------------------------------------------------- lifecycle */

/* Legal moves. The main path may skip ahead (a report that arrives already
** contained) and step back where reality does: containment that failed,
** an incident that came back after recovery, a rejection that was wrong. */
static const struct {
	const char *from;
	const char *to[5];
} moves[] = {
	{ "new", { "triaged", "in_progress", "rejected", NULL } },
	{ "triaged", { "in_progress", "contained", "rejected", NULL } },
	{ "in_progress", { "contained", "recovered", NULL } },
	{ "contained", { "recovered", "in_progress", NULL } },
	{ "recovered", { "closed", "in_progress", NULL } },
	{ "rejected", { "triaged", NULL } },
	{ "closed", { NULL } },
	{ "duplicate", { NULL } },
};

bool incident_transition_legal(const char *from, const char *to)
{
	for (size_t i = 0; i < ARRAY_SIZE(moves); i++) {
		if (strcmp(moves[i].from, from) != 0)
			continue;
		for (size_t k = 0; moves[i].to[k]; k++)
			if (strcmp(moves[i].to[k], to) == 0)
				return true;
	}
	return false;
}

static bool terminal(const char *status)
{
	return strcmp(status, "closed") == 0 || strcmp(status, "rejected") == 0 ||
	       strcmp(status, "duplicate") == 0;
}

/* ---------------------------------------------------------------- access */

static int check_visible(const struct principal *p, const struct store_incident *i,
			 struct perr *err)
{
	if (!p)
		return 0;
	struct target t = { i->org_id, i->province, true, i->team_id, i->assignee_id };
	if (identity_allow_object(p, &t, err) != 0)
		return perr_set(err, PERR_NOTFOUND, NULL, "incident %lld not found",
				(long long)i->id);
	return 0;
}

/* Work on the incident itself (state, assignment, edits) is for CERT staff. */
static int check_staff(const struct principal *p, struct perr *err)
{
	if (p && !identity_is_staff(p))
		return perr_set(err, PERR_FORBIDDEN, NULL,
				"only CERT staff can do this; post a message instead");
	return 0;
}

int incident_get(struct store *st, const struct principal *p, int64_t id,
		 struct store_incident *out, struct perr *err)
{
	struct perr e;
	if (store_incident_get(st, id, out, &e) != 0) {
		if (e.kind == PERR_NOTFOUND)
			return perr_set(err, PERR_NOTFOUND, NULL, "incident %lld not found",
					(long long)id);
		if (err)
			*err = e;
		return -1;
	}
	return check_visible(p, out, err);
}

/* ---------------------------------------------------------------- helpers */

static int text(const char *field, const char *v, bool required, size_t max, bool multiline,
		struct perr *err)
{
	if (!v || !v[0])
		return required ? perr_set(err, PERR_INVALID, field, "%s is required", field) : 0;
	size_t n = strlen(v);
	if (n > max)
		return perr_set(err, PERR_INVALID, field, "%s is longer than %zu bytes", field, max);
	if (!utf8_valid(v, n))
		return perr_set(err, PERR_INVALID, field, "%s is not valid UTF-8", field);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if ((c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7f)
			return perr_set(err, PERR_INVALID, field, "%s contains a control character",
					field);
	}
	return 0;
}

static json_t *incident_json_min(const struct store_incident *i)
{
	return json_pack("{sI sI ss ss ss ss ss ss sI sI}", "id", (json_int_t)i->id, "org",
			 (json_int_t)i->org_id, "title", i->title, "status", i->status, "severity",
			 i->severity, "tlp", i->tlp, "class", i->class_, "type", i->type,
			 "assignee", (json_int_t)i->assignee_id, "team", (json_int_t)i->team_id);
}

static int audit_inc(struct store *st, const char *actor, const char *action,
		     const struct store_incident *before, const struct store_incident *after,
		     struct perr *err)
{
	char obj[48];
	snprintf(obj, sizeof(obj), "incident:%lld", (long long)(after ? after->id : before->id));
	json_t *jb = before ? incident_json_min(before) : NULL;
	json_t *ja = after ? incident_json_min(after) : NULL;
	char *b = jb ? json_dumps(jb, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *a = ja ? json_dumps(ja, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = audit_append(st, actor ? actor : "parapet", action, obj, b, a, err);
	free(b);
	free(a);
	json_decref(jb);
	json_decref(ja);
	return rc;
}

static void link_for(const struct config *cfg, int64_t id, char *out, size_t n)
{
	snprintf(out, n, "%s/#/incidents/%lld", cfg->public_url, (long long)id);
}

/* Mail one user (assignee, team lead) if they have an address. */
static int mail_user(struct store *st, const struct config *cfg, int64_t user_id,
		     const char *tmpl, const struct store_incident *i,
		     const struct notify_var *extra, size_t nextra, struct perr *err)
{
	struct store_user u;
	if (!user_id || store_user_get(st, user_id, &u, NULL) != 0 || !u.email[0] || u.disabled)
		return 0;
	char id[24], link[400];
	snprintf(id, sizeof(id), "%lld", (long long)i->id);
	link_for(cfg, i->id, link, sizeof(link));
	struct notify_var vars[12] = {
		{ "incident_id", id }, { "title", i->title },      { "severity", i->severity },
		{ "org", i->org_name }, { "link", link },           { "name", u.login },
	};
	size_t n = 6;
	for (size_t k = 0; k < nextra && n < 12; k++)
		vars[n++] = extra[k];
	struct notify_mail m = { u.email, "en", tmpl, vars, n, i->id, NULL };
	return notify_mail(st, cfg, &m, err);
}

struct contacts_ctx {
	struct store *st;
	const struct config *cfg;
	const struct store_incident *i;
	const char *tmpl;
	const struct notify_var *extra;
	size_t nextra;
	struct perr *err;
	int failed;
};

/* State names as Persian-speaking contacts read them. */
static const char *state_fa(const char *state)
{
	static const char *const fa[8] = { "جدید", "بررسی‌شده", "در حال رسیدگی", "مهارشده",
					   "بازیابی‌شده", "بسته", "ردشده", "تکراری" };
	for (int k = 0; k < 8; k++)
		if (strcmp(state, incident_states[k]) == 0)
			return fa[k];
	return state;
}

static int mail_contact(void *ud, const struct store_contact *c)
{
	struct contacts_ctx *x = ud;
	char id[24], link[400];
	snprintf(id, sizeof(id), "%lld", (long long)x->i->id);
	link_for(x->cfg, x->i->id, link, sizeof(link));
	struct notify_var vars[12] = {
		{ "incident_id", id }, { "title", x->i->title }, { "severity", x->i->severity },
		{ "org", x->i->org_name }, { "link", link },      { "name", c->name },
	};
	size_t n = 6;
	bool fa = strcmp(c->lang, "fa") == 0;
	for (size_t k = 0; k < x->nextra && n < 12; k++) {
		vars[n] = x->extra[k];
		if (fa && (strcmp(vars[n].name, "from") == 0 || strcmp(vars[n].name, "to") == 0))
			vars[n].value = state_fa(vars[n].value);
		n++;
	}
	struct notify_mail m = { c->email, c->lang, x->tmpl, vars, n, x->i->id, NULL };
	if (notify_mail(x->st, x->cfg, &m, x->err) != 0) {
		x->failed = 1;
		return 1;
	}
	return 0;
}

/* Mail every contact of the incident's organisation, each in their language. */
static int mail_contacts(struct store *st, const struct config *cfg,
			 const struct store_incident *i, const char *tmpl,
			 const struct notify_var *extra, size_t nextra, struct perr *err)
{
	struct contacts_ctx x = { st, cfg, i, tmpl, extra, nextra, err, 0 };
	if (store_contact_list(st, i->org_id, mail_contact, &x, err) != 0 && !x.failed)
		return -1;
	return x.failed ? -1 : 0;
}

static int webhook(struct store *st, const char *event, const struct store_incident *i,
		   struct perr *err)
{
	json_t *j = json_pack("{ss so}", "event", event, "incident", incident_json_min(i));
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	int rc = s ? notify_webhooks(st, event, s, err)
		   : perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	free(s);
	return rc;
}

/* Route a new high or critical incident to a team and its on-call
** responder, and tell the responder. */
static int route_new(struct store *st, const struct config *cfg, struct store_incident *i,
		     struct perr *err)
{
	if (incident_severity_rank(i->severity) < 2 || i->team_id)
		return 0;
	int64_t team = 0, user = 0;
	if (store_route_match(st, i->province, i->kind, i->class_, &team, err) != 0)
		return -1;
	if (!team)
		return 0;
	if (store_rota_oncall(st, team, core_now_ms(), &user, err) != 0)
		return -1;
	i->team_id = team;
	if (!i->assignee_id)
		i->assignee_id = user;
	if (store_incident_update(st, i, err) != 0)
		return -1;
	return i->assignee_id ? mail_user(st, cfg, i->assignee_id, "assigned", i, NULL, 0, err) : 0;
}

/* --------------------------------------------------------------- reports */

/* An observation names what was seen: each listed value in its summary or
** evidence is a sighting of that indicator, linked to the incident
** (indicator_sight_text decides what counts). */
static int sight(struct store *st, int64_t id, int64_t org, const struct store_observation *ob,
		 int64_t now, struct perr *err)
{
	if (indicator_sight_text(st, id, org, ob->summary, strlen(ob->summary), now, NULL, err) != 0)
		return -1;
	return indicator_sight_text(st, id, org, ob->evidence, strlen(ob->evidence), now, NULL, err);
}

int incident_report(struct store *st, const struct config *cfg, const struct principal *p,
		    const char *actor, const struct incident_report_spec *spec,
		    struct incident_report_result *res, struct perr *err)
{
	int rc = -1;
	json_t *ev = NULL;
	char *evtext = NULL;
	struct store_org o;
	memset(res, 0, sizeof(*res));
	if (p && !identity_is_analyst(p)) {
		perr_set(err, PERR_FORBIDDEN, NULL,
			 "only analysts, admins and their detectors' tokens report detections");
		goto out;
	}
	if (constituency_org_get(st, p, spec->org_id, &o, err) != 0) {
		perr_set(err, PERR_INVALID, "org_id", "organisation %lld not found",
			 (long long)spec->org_id);
		goto out;
	}
	if (text("kind", spec->kind, true, STORE_TEXT_MAX(store_incident, kind), false, err) ||
	    text("key", spec->key, true, INCIDENT_KEY_MAX, false, err) ||
	    text("summary", spec->summary, false, STORE_TEXT_MAX(store_incident, summary), true,
		 err) ||
	    text("title", spec->title, false, STORE_TEXT_MAX(store_incident, title), false, err))
		goto out;
	if (incident_severity_rank(spec->severity) < 0) {
		perr_set(err, PERR_INVALID, "severity", "severity must be low, medium, high or critical");
		goto out;
	}
	if (spec->tlp && !tlp_valid(spec->tlp)) {
		perr_set(err, PERR_INVALID, "tlp", "tlp must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED");
		goto out;
	}
	const char *source = spec->source ? spec->source : "report";
	if (strcmp(source, "monitor") != 0 && strcmp(source, "feed") != 0 &&
	    strcmp(source, "flow") != 0 && strcmp(source, "report") != 0) {
		perr_set(err, PERR_INVALID, "source", "source must be monitor, feed, flow or report");
		goto out;
	}
	const char *cls = spec->class_, *typ = spec->type;
	if (!cls || !typ)
		kind_default(spec->kind, &cls, &typ);
	if (!incident_rsit_valid(cls, typ)) {
		perr_set(err, PERR_INVALID, "class", "%s/%s is not in the RSIT taxonomy", cls, typ);
		goto out;
	}
	if (spec->evidence && spec->evidence[0]) {
		json_error_t je;
		ev = json_loads(spec->evidence, JSON_REJECT_DUPLICATES, &je);
		if (!ev || !json_is_object(ev)) {
			perr_set(err, PERR_INVALID, "evidence", "evidence must be a JSON object");
			goto out;
		}
		evtext = json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS);
		if (!evtext || strlen(evtext) > 65536) {
			perr_set(err, PERR_LIMIT, "evidence", "evidence is larger than 64 KiB");
			goto out;
		}
	}
	char key[256];
	snprintf(key, sizeof(key), "%s/%s", spec->kind, spec->key);
	int64_t now = core_now_ms();
	struct store_observation ob = { 0, 0, now, "", spec->summary ? spec->summary : "",
					evtext ? evtext : "{}" };
	if (PSTRCPY_OR_ERR(ob.severity, spec->severity, "severity", err))
		goto out;
	struct store_incident i;
	struct perr e;
	if (store_incident_open_by_key(st, o.id, key, &i, &e) == 0) {
		/* The same problem again: one more observation, and the incident
		** takes the highest severity seen. */
		ob.incident_id = i.id;
		if (store_observation_insert(st, &ob, err) != 0 ||
		    sight(st, i.id, i.org_id, &ob, now, err) != 0)
			goto out;
		i.observations++;
		i.updated_ms = now;
		bool raised = incident_severity_rank(spec->severity) > incident_severity_rank(i.severity);
		struct store_incident before = i;
		if (raised)
			PSTRCPY(i.severity, ob.severity);
		if (store_incident_update(st, &i, err) != 0)
			goto out;
		if (raised && audit_inc(st, actor, "incident.severity", &before, &i, err) != 0)
			goto out;
		res->id = i.id;
		res->created = false;
		rc = 0;
		goto out;
	} else if (e.kind != PERR_NOTFOUND) {
		if (err)
			*err = e;
		goto out;
	}
	struct store_incident old;
	int64_t reopened = store_incident_closed_by_key(st, o.id, key, &old, NULL) == 0 ? old.id : 0;
	memset(&i, 0, sizeof(i));
	i.org_id = o.id;
	if (spec->title && spec->title[0]) {
		if (PSTRCPY_OR_ERR(i.title, spec->title, "title", err))
			goto out;
	} else {
		snprintf(i.title, sizeof(i.title), "%s: %.200s", spec->kind, spec->key);
	}
	if (PSTRCPY_OR_ERR(i.summary, spec->summary, "summary", err) ||
	    PSTRCPY_OR_ERR(i.class_, cls, "class", err) || PSTRCPY_OR_ERR(i.type, typ, "type", err) ||
	    PSTRCPY_OR_ERR(i.tlp, spec->tlp ? spec->tlp : "AMBER", "tlp", err) ||
	    PSTRCPY_OR_ERR(i.source, source, "source", err) ||
	    PSTRCPY_OR_ERR(i.kind, spec->kind, "kind", err) ||
	    PSTRCPY_OR_ERR(i.created_by, actor ? actor : "parapet", "actor", err))
		goto out;
	PSTRCPY(i.severity, ob.severity);
	PSTRCPY(i.status, "new");
	PSTRCPY(i.dedup_key, key);
	PSTRCPY(i.org_name, o.name);
	PSTRCPY(i.province, o.province);
	i.reopened_from = reopened;
	i.observations = 1;
	i.detected_ms = spec->detected_ms ? spec->detected_ms : now;
	i.opened_ms = i.updated_ms = now;
	if (store_incident_insert(st, &i, err) != 0)
		goto out;
	ob.incident_id = i.id;
	char idx[4400];
	snprintf(idx, sizeof(idx), "%s %s", i.title, i.summary);
	if (store_observation_insert(st, &ob, err) != 0 ||
	    sight(st, i.id, i.org_id, &ob, now, err) != 0 ||
	    store_incident_index(st, i.id, idx, false, err) != 0 ||
	    (reopened && store_link_insert(st, reopened, i.id, "reopened", err) != 0) ||
	    audit_inc(st, actor, "incident.create", NULL, &i, err) != 0 ||
	    route_new(st, cfg, &i, err) != 0 || webhook(st, "incident.created", &i, err) != 0)
		goto out;
	res->id = i.id;
	res->created = true;
	res->reopened_from = reopened;
	rc = 0;
out:
	json_decref(ev);
	free(evtext);
	return rc;
}

int incident_create(struct store *st, const struct config *cfg, const struct principal *p,
		    const char *actor, const struct incident_spec *spec,
		    struct store_incident *out, struct perr *err)
{
	struct store_org o;
	struct store_incident i;
	memset(&i, 0, sizeof(i));
	if (p && p->role == ROLE_RESPONDER)
		return perr_set(err, PERR_FORBIDDEN, NULL,
				"responders work the incidents of their teams; an analyst opens "
				"new ones");
	/* An organisation outside p's scope gets the very answer a missing one
	** gets, so that the answer does not tell which ids exist. */
	struct target t = { 0, NULL, false, 0, 0 };
	if (store_org_get(st, spec->org_id, &o, NULL) == 0) {
		t.org_id = o.id;
		t.province = o.province;
	}
	if (!t.org_id || (p && identity_allow_object(p, &t, NULL) != 0))
		return perr_set(err, PERR_INVALID, "org_id", "organisation %lld not found",
				(long long)spec->org_id);
	if (text("title", spec->title, true, STORE_TEXT_MAX(store_incident, title), false, err) ||
	    text("summary", spec->summary, false, STORE_TEXT_MAX(store_incident, summary), true,
		 err))
		return -1;
	const char *sev = spec->severity ? spec->severity : "medium";
	if (incident_severity_rank(sev) < 0)
		return perr_set(err, PERR_INVALID, "severity",
				"severity must be low, medium, high or critical");
	const char *tlp = spec->tlp ? spec->tlp : "AMBER";
	if (!tlp_valid(tlp))
		return perr_set(err, PERR_INVALID, "tlp",
				"tlp must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED");
	const char *cls = spec->class_ ? spec->class_ : "other";
	const char *typ = spec->type ? spec->type : "undetermined";
	if (!incident_rsit_valid(cls, typ))
		return perr_set(err, PERR_INVALID, "class", "%s/%s is not in the RSIT taxonomy",
				cls, typ);
	bool constituent = p && p->role == ROLE_CONSTITUENT;
	int64_t now = core_now_ms();
	i.org_id = o.id;
	if (PSTRCPY_OR_ERR(i.title, spec->title, "title", err) ||
	    PSTRCPY_OR_ERR(i.summary, spec->summary, "summary", err) ||
	    PSTRCPY_OR_ERR(i.class_, cls, "class", err) || PSTRCPY_OR_ERR(i.type, typ, "type", err) ||
	    PSTRCPY_OR_ERR(i.severity, sev, "severity", err) ||
	    PSTRCPY_OR_ERR(i.tlp, tlp, "tlp", err) ||
	    PSTRCPY_OR_ERR(i.created_by, actor ? actor : "parapet", "actor", err))
		return -1;
	if (constituent)
		PSTRCPY(i.source, "report");
	else
		PSTRCPY(i.source, "manual");
	PSTRCPY(i.status, "new");
	PSTRCPY(i.org_name, o.name);
	PSTRCPY(i.province, o.province);
	i.observations = 0;
	i.detected_ms = i.opened_ms = i.updated_ms = now;
	char idx[4400];
	snprintf(idx, sizeof(idx), "%s %s", i.title, i.summary);
	if (store_incident_insert(st, &i, err) != 0 ||
	    store_incident_index(st, i.id, idx, false, err) != 0 ||
	    indicator_sight_text(st, i.id, i.org_id, idx, strlen(idx), i.opened_ms, NULL, err) != 0 ||
	    audit_inc(st, actor, "incident.create", NULL, &i, err) != 0 ||
	    route_new(st, cfg, &i, err) != 0 || webhook(st, "incident.created", &i, err) != 0)
		return -1;
	if (out)
		*out = i;
	return 0;
}

/* ------------------------------------------------------------- lifecycle */

static int record_transition(struct store *st, const char *actor, int64_t id, const char *from,
			     const char *to, int64_t now, struct perr *err)
{
	struct store_transition t;
	memset(&t, 0, sizeof(t));
	t.incident_id = id;
	t.ts_ms = now;
	if (PSTRCPY_OR_ERR(t.actor, actor ? actor : "parapet", "actor", err) ||
	    PSTRCPY_OR_ERR(t.from, from, "from", err) || PSTRCPY_OR_ERR(t.to, to, "to", err))
		return -1;
	return store_transition_insert(st, &t, err);
}

int incident_transition(struct store *st, const struct config *cfg, const struct principal *p,
			const char *actor, int64_t id, const char *to,
			struct store_incident *out, struct perr *err)
{
	struct store_incident i, before;
	if (incident_get(st, p, id, &i, err) != 0 || check_staff(p, err) != 0)
		return -1;
	bool known = false;
	for (int k = 0; k < 8; k++)
		known |= to && strcmp(to, incident_states[k]) == 0;
	if (!known)
		return perr_set(err, PERR_INVALID, "to", "unknown state: use one of new, triaged, "
				"in_progress, contained, recovered, closed, rejected");
	if (strcmp(to, "duplicate") == 0)
		return perr_set(err, PERR_INVALID, "to", "use merge to mark a duplicate");
	if (!incident_transition_legal(i.status, to))
		return perr_set(err, PERR_CONFLICT, "to", "an incident cannot go from %s to %s",
				i.status, to);
	before = i;
	int64_t now = core_now_ms();
	if (PSTRCPY_OR_ERR(i.status, to, "to", err))
		return -1;
	/* Milestones keep their first time: reopening work does not erase
	** when the organisation was first told, contained or recovered. */
	if (!i.acknowledged_ms)
		i.acknowledged_ms = now;
	if (strcmp(to, "contained") == 0 && !i.contained_ms)
		i.contained_ms = now;
	if (strcmp(to, "recovered") == 0) {
		if (!i.recovered_ms)
			i.recovered_ms = now;
		if (!i.contained_ms)
			i.contained_ms = now;
	}
	if (strcmp(to, "closed") == 0 || strcmp(to, "rejected") == 0)
		i.closed_ms = now;
	if (strcmp(before.status, "rejected") == 0)
		i.closed_ms = 0;
	i.updated_ms = now;
	if (store_incident_update(st, &i, err) != 0 ||
	    record_transition(st, actor, id, before.status, to, now, err) != 0 ||
	    audit_inc(st, actor, "incident.transition", &before, &i, err) != 0 ||
	    webhook(st, "incident.transition", &i, err) != 0)
		return -1;
	/* The organisation hears of the milestones that matter to it. */
	if (strcmp(to, "contained") == 0 || strcmp(to, "recovered") == 0 ||
	    strcmp(to, "closed") == 0) {
		struct notify_var v[2] = { { "from", before.status }, { "to", to } };
		if (mail_contacts(st, cfg, &i, "state", v, 2, err) != 0)
			return -1;
	}
	if (out)
		*out = i;
	return 0;
}

int incident_detector_recovered(struct store *st, const struct config *cfg, const char *actor,
				int64_t id, bool *moved, struct perr *err)
{
	struct store_incident i;
	*moved = false;
	if (incident_get(st, NULL, id, &i, err) != 0)
		return -1;
	/* Settled by people already (recovered, closed, rejected, merged): the
	** detector has nothing to add. */
	if (strcmp(i.status, "new") != 0 && strcmp(i.status, "triaged") != 0 &&
	    strcmp(i.status, "in_progress") != 0 && strcmp(i.status, "contained") != 0)
		return 0;
	if ((strcmp(i.status, "new") == 0 || strcmp(i.status, "triaged") == 0) &&
	    incident_transition(st, cfg, NULL, actor, id, "in_progress", NULL, err) != 0)
		return -1;
	if (incident_transition(st, cfg, NULL, actor, id, "recovered", NULL, err) != 0)
		return -1;
	*moved = true;
	return 0;
}

int incident_merge(struct store *st, const struct config *cfg, const struct principal *p,
		   const char *actor, int64_t id, int64_t into, struct perr *err)
{
	(void)cfg;
	struct store_incident a, b, before;
	if (id == into)
		return perr_set(err, PERR_INVALID, "into", "an incident cannot be merged into itself");
	if (incident_get(st, p, id, &a, err) != 0 || check_staff(p, err) != 0)
		return -1;
	if (incident_get(st, p, into, &b, err) != 0)
		return perr_set(err, PERR_INVALID, "into", "incident %lld not found", (long long)into);
	/* A merge moves the thread and the evidence into the kept incident:
	** across organisations that would hand one organisation's messages and
	** files to another and take them from their owner. Related incidents
	** of different organisations are linked instead, by everyone. */
	if (a.org_id != b.org_id)
		return perr_set(err, PERR_CONFLICT, "into",
				"incidents %lld and %lld belong to different organisations: "
				"link them instead of merging",
				(long long)id, (long long)into);
	if (strcmp(a.status, "duplicate") == 0 || strcmp(a.status, "closed") == 0)
		return perr_set(err, PERR_CONFLICT, NULL, "incident %lld is %s already",
				(long long)id, a.status);
	if (strcmp(b.status, "duplicate") == 0)
		return perr_set(err, PERR_CONFLICT, "into",
				"incident %lld is itself a duplicate of %lld", (long long)into,
				(long long)b.merged_into);
	before = a;
	int64_t now = core_now_ms();
	PSTRCPY(a.status, "duplicate");
	a.merged_into = into;
	a.closed_ms = now;
	a.updated_ms = now;
	b.observations += a.observations;
	b.updated_ms = now;
	/* The kept incident takes the worse severity of the two. */
	if (incident_severity_rank(a.severity) > incident_severity_rank(b.severity))
		PSTRCPY(b.severity, a.severity);
	if (store_incident_move_children(st, id, into, err) != 0 ||
	    store_incident_update(st, &a, err) != 0 || store_incident_update(st, &b, err) != 0 ||
	    store_link_insert(st, id, into, "duplicate", err) != 0 ||
	    record_transition(st, actor, id, before.status, "duplicate", now, err) != 0 ||
	    audit_inc(st, actor, "incident.merge", &before, &a, err) != 0)
		return -1;
	return 0;
}

int incident_link(struct store *st, const struct principal *p, const char *actor, int64_t a,
		  int64_t b, struct perr *err)
{
	struct store_incident x, y;
	if (a == b)
		return perr_set(err, PERR_INVALID, "incident", "an incident is not related to itself");
	if (incident_get(st, p, a, &x, err) != 0 || check_staff(p, err) != 0)
		return -1;
	if (incident_get(st, p, b, &y, err) != 0)
		return perr_set(err, PERR_INVALID, "incident", "incident %lld not found", (long long)b);
	if (store_link_insert(st, a, b, "related", err) != 0) {
		if (err && err->kind == PERR_CONFLICT)
			perr_set(err, PERR_CONFLICT, "incident", "the incidents are linked already");
		return -1;
	}
	char obj[48], after[64];
	snprintf(obj, sizeof(obj), "incident:%lld", (long long)a);
	snprintf(after, sizeof(after), "{\"related\":%lld}", (long long)b);
	return audit_append(st, actor, "incident.link", obj, NULL, after, err);
}

int incident_assign(struct store *st, const struct config *cfg, const struct principal *p,
		    const char *actor, int64_t id, int64_t user_id, int64_t team_id,
		    struct store_incident *out, struct perr *err)
{
	struct store_incident i, before;
	if (incident_get(st, p, id, &i, err) != 0 || check_staff(p, err) != 0)
		return -1;
	if (user_id) {
		struct store_user u;
		if (store_user_get(st, user_id, &u, NULL) != 0 || u.disabled)
			return perr_set(err, PERR_INVALID, "user", "user %lld not found",
					(long long)user_id);
		if (strcmp(u.role, "constituent") == 0)
			return perr_set(err, PERR_INVALID, "user",
					"incidents are assigned to CERT staff, not constituents");
	}
	if (team_id) {
		struct store_team t;
		if (store_team_get(st, team_id, &t, NULL) != 0)
			return perr_set(err, PERR_INVALID, "team", "team %lld not found",
					(long long)team_id);
	}
	before = i;
	i.assignee_id = user_id;
	i.team_id = team_id;
	i.updated_ms = core_now_ms();
	if (store_incident_update(st, &i, err) != 0 ||
	    audit_inc(st, actor, "incident.assign", &before, &i, err) != 0)
		return -1;
	if (user_id && user_id != before.assignee_id &&
	    mail_user(st, cfg, user_id, "assigned", &i, NULL, 0, err) != 0)
		return -1;
	if (out)
		*out = i;
	return 0;
}

int incident_update(struct store *st, const struct principal *p, const char *actor,
		    int64_t id, const struct incident_edit *e, struct store_incident *out,
		    struct perr *err)
{
	struct store_incident i, before;
	if (incident_get(st, p, id, &i, err) != 0 || check_staff(p, err) != 0)
		return -1;
	before = i;
	if (text("title", e->title, false, STORE_TEXT_MAX(store_incident, title), false, err) ||
	    text("summary", e->summary, false, STORE_TEXT_MAX(store_incident, summary), true, err))
		return -1;
	if (e->title && !e->title[0])
		return perr_set(err, PERR_INVALID, "title", "title cannot be empty");
	if ((e->title && PSTRCPY_OR_ERR(i.title, e->title, "title", err)) ||
	    (e->summary && PSTRCPY_OR_ERR(i.summary, e->summary, "summary", err)))
		return -1;
	if (e->severity) {
		if (incident_severity_rank(e->severity) < 0)
			return perr_set(err, PERR_INVALID, "severity",
					"severity must be low, medium, high or critical");
		if (PSTRCPY_OR_ERR(i.severity, e->severity, "severity", err))
			return -1;
	}
	if (e->tlp) {
		if (!tlp_valid(e->tlp))
			return perr_set(err, PERR_INVALID, "tlp",
					"tlp must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED");
		if (PSTRCPY_OR_ERR(i.tlp, e->tlp, "tlp", err))
			return -1;
	}
	if (e->class_ || e->type) {
		const char *c = e->class_ ? e->class_ : i.class_, *t = e->type ? e->type : i.type;
		if (!incident_rsit_valid(c, t))
			return perr_set(err, PERR_INVALID, "class", "%s/%s is not in the RSIT taxonomy",
					c, t);
		char cb[48], tb[64];
		/* through copies: c or t may be i's own field */
		if (PSTRCPY_OR_ERR(cb, c, "class", err) || PSTRCPY_OR_ERR(tb, t, "type", err))
			return -1;
		PSTRCPY(i.class_, cb);
		PSTRCPY(i.type, tb);
	}
	i.updated_ms = core_now_ms();
	if (store_incident_update(st, &i, err) != 0)
		return -1;
	if ((e->title || e->summary) &&
	    store_incident_index(st, i.id, e->title ? e->title : e->summary, false, err) != 0)
		return -1;
	if (audit_inc(st, actor, "incident.update", &before, &i, err) != 0)
		return -1;
	if (out)
		*out = i;
	return 0;
}

/* ---------------------------------------------------------------- thread */

int incident_message(struct store *st, const struct config *cfg, const struct principal *p,
		     const char *actor, int64_t id, const char *body, const char *visibility,
		     struct store_message *out, struct perr *err)
{
	struct store_incident i;
	if (incident_get(st, p, id, &i, err) != 0)
		return -1;
	const char *vis = visibility ? visibility : "shared";
	if (strcmp(vis, "internal") != 0 && strcmp(vis, "shared") != 0)
		return perr_set(err, PERR_INVALID, "visibility", "visibility must be internal or shared");
	if (strcmp(vis, "internal") == 0 && p && !identity_is_staff(p))
		return perr_set(err, PERR_FORBIDDEN, "visibility",
				"internal notes are for CERT staff");
	if (text("body", body, true, INCIDENT_MESSAGE_MAX, true, err) != 0)
		return -1;
	struct store_message m;
	memset(&m, 0, sizeof(m));
	m.incident_id = id;
	m.ts_ms = core_now_ms();
	m.author_id = p ? p->user_id : 0;
	if (PSTRCPY_OR_ERR(m.author, p ? p->login : (actor ? actor : "parapet"), "actor", err) ||
	    PSTRCPY_OR_ERR(m.visibility, vis, "visibility", err))
		return -1;
	m.body = body;
	i.updated_ms = m.ts_ms;
	if (store_message_insert(st, &m, err) != 0 ||
	    indicator_sight_text(st, id, i.org_id, body, strlen(body), m.ts_ms, NULL, err) != 0 ||
	    store_incident_index(st, id, body, strcmp(vis, "internal") == 0, err) != 0 ||
	    store_incident_update(st, &i, err) != 0)
		return -1;
	char obj[48], after[96];
	snprintf(obj, sizeof(obj), "incident:%lld", (long long)id);
	snprintf(after, sizeof(after), "{\"message\":%lld,\"visibility\":\"%s\"}", (long long)m.id, vis);
	if (audit_append(st, actor, "incident.message", obj, NULL, after, err) != 0)
		return -1;
	if (strcmp(vis, "shared") == 0) {
		struct notify_var v[2] = { { "author", m.author }, { "body", body } };
		/* The other side hears of it: a constituent's message goes to the
		** assignee, staff's message to the organisation's contacts. */
		int rc = p && p->role == ROLE_CONSTITUENT
				 ? mail_user(st, cfg, i.assignee_id, "message", &i, v, 2, err)
				 : mail_contacts(st, cfg, &i, "message", v, 2, err);
		if (rc != 0)
			return -1;
	}
	if (out) {
		*out = m;
		out->body = NULL; /* the caller's text; do not keep a pointer into it */
	}
	return 0;
}

int incident_messages(struct store *st, const struct principal *p, int64_t id,
		      store_message_fn fn, void *ud, struct perr *err)
{
	struct store_incident i;
	if (incident_get(st, p, id, &i, err) != 0)
		return -1;
	return store_message_list(st, id, p && !identity_is_staff(p), fn, ud, err);
}

/* -------------------------------------------------------------- evidence */

/* A file name fit for Content-Disposition: the last path component, no
** control characters or quotes, at most 200 bytes, never empty. */
static void clean_name(const char *in, char *out, size_t n)
{
	const char *base = in;
	for (const char *c = in; *c; c++)
		if (*c == '/' || *c == '\\')
			base = c + 1;
	size_t o = 0;
	for (const char *c = base; *c && o + 1 < n && o < 200; c++) {
		unsigned char ch = (unsigned char)*c;
		out[o++] = (ch < 0x20 || ch == 0x7f || ch == '"' || ch == ';') ? '_' : (char)ch;
	}
	out[o] = '\0';
	/* never cut a UTF-8 sequence in half */
	while (o && !utf8_valid(out, o))
		out[--o] = '\0';
	if (!o || strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
		pstrtrunc(out, "evidence.bin", n); /* n is the evidence name's size: fits */
}


int incident_evidence_add(struct store *st, const struct config *cfg,
			  const struct principal *p, const char *actor, const char *blob_dir,
			  int64_t id, const char *name, const void *data, size_t len,
			  const char *visibility, struct store_evidence *out, struct perr *err)
{
	struct store_incident i;
	if (incident_get(st, p, id, &i, err) != 0)
		return -1;
	const char *vis = visibility ? visibility : "shared";
	if (strcmp(vis, "internal") != 0 && strcmp(vis, "shared") != 0)
		return perr_set(err, PERR_INVALID, "visibility", "visibility must be internal or shared");
	if (strcmp(vis, "internal") == 0 && p && !identity_is_staff(p))
		return perr_set(err, PERR_FORBIDDEN, "visibility", "internal evidence is for CERT staff");
	if (len == 0)
		return perr_set(err, PERR_INVALID, NULL, "evidence is empty");
	if ((int64_t)len > cfg->evidence_max)
		return perr_set(err, PERR_LIMIT, NULL, "evidence is larger than %lld bytes",
				(long long)cfg->evidence_max);
	struct store_evidence e;
	memset(&e, 0, sizeof(e));
	uint8_t d[32];
	core_sha256(data, len, d);
	core_hex(d, 32, e.sha256);
	clean_name(name ? name : "", e.name, sizeof(e.name));
	e.incident_id = id;
	e.size = (int64_t)len;
	if (PSTRCPY_OR_ERR(e.visibility, vis, "visibility", err) ||
	    PSTRCPY_OR_ERR(e.author, p ? p->login : (actor ? actor : "parapet"), "actor", err))
		return -1;
	e.ts_ms = core_now_ms();
	if (core_blob_write(blob_dir, e.sha256, data, len, err) != 0 ||
	    store_evidence_insert(st, &e, err) != 0)
		return -1;
	char obj[48];
	snprintf(obj, sizeof(obj), "incident:%lld", (long long)id);
	json_t *ja = json_pack("{sI ss ss sI}", "evidence", (json_int_t)e.id, "sha256", e.sha256,
			       "name", e.name, "size", (json_int_t)e.size);
	char *a = json_dumps(ja, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(ja);
	if (!a)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	/* the whole JSON text: a copy into a fixed array could cut it */
	int arc = audit_append(st, actor, "incident.evidence", obj, NULL, a, err);
	free(a);
	if (arc != 0)
		return -1;
	if (out)
		*out = e;
	return 0;
}

int incident_evidence_get(struct store *st, const struct principal *p, const char *blob_dir,
			  int64_t id, int64_t eid, struct store_evidence *out, char *path,
			  size_t pathsz, struct perr *err)
{
	struct store_incident i;
	if (incident_get(st, p, id, &i, err) != 0)
		return -1;
	if (store_evidence_get(st, eid, out, NULL) != 0 || out->incident_id != id ||
	    (strcmp(out->visibility, "internal") == 0 && p && !identity_is_staff(p)))
		return perr_set(err, PERR_NOTFOUND, NULL, "evidence %lld not found", (long long)eid);
	if (core_blob_path(blob_dir, out->sha256, path, pathsz) != 0)
		return perr_set(err, PERR_INTERNAL, NULL, "blob path too long");
	return 0;
}

int incident_evidence_list(struct store *st, const struct principal *p, int64_t id,
			   store_evidence_fn fn, void *ud, struct perr *err)
{
	struct store_incident i;
	if (incident_get(st, p, id, &i, err) != 0)
		return -1;
	return store_evidence_list(st, id, p && !identity_is_staff(p), fn, ud, err);
}

/* ------------------------------------------------------------------ lists */

struct list_ctx {
	store_incident_fn fn;
	void *ud;
	int64_t n, last_updated, last_id;
};

static int list_row(void *ud, const struct store_incident *i)
{
	struct list_ctx *c = ud;
	c->n++;
	c->last_updated = i->updated_ms;
	c->last_id = i->id;
	return c->fn(c->ud, i);
}

int incident_filter_set(struct store_incident_filter *f, const char *status,
			const char *severity, struct perr *err)
{
	enum { NSTATES = sizeof(incident_states) / sizeof(incident_states[0]) };
	memset(f->status, 0, sizeof(f->status));
	f->severity = NULL;
	if (status && strcmp(status, "open") == 0) {
		memcpy(f->status, incident_open_states, sizeof(incident_open_states));
	} else if (status) {
		bool seen[NSTATES] = { false };
		int n = 0;
		struct pstr rest = pstr_c(status), w;
		bool more;
		do {
			more = pstr_cut(rest, ',', &w, &rest);
			int k = 0;
			while (k < NSTATES && !pstr_eqc(w, incident_states[k]))
				k++;
			if (k == NSTATES)
				return perr_set(err, PERR_INVALID, "status",
						"status must be open (every state but closed, "
						"rejected and duplicate) or states, comma-separated: "
						"new, triaged, in_progress, contained, recovered, "
						"closed, rejected, duplicate");
			n += !seen[k];
			seen[k] = true;
		} while (more);
		/* every state is no filter (and would not fit with its NULL) */
		for (int k = 0, o = 0; n < NSTATES && k < NSTATES; k++)
			if (seen[k])
				f->status[o++] = incident_states[k];
	}
	if (severity) {
		int r = incident_severity_rank(severity);
		if (r < 0)
			return perr_set(err, PERR_INVALID, "severity",
					"severity must be low, medium, high or critical");
		f->severity = severities[r];
	}
	return 0;
}

int incident_list(struct store *st, const struct config *cfg, const struct principal *p,
		  struct store_incident_filter *f, const char *cursor_in, char cursor_out[64],
		  store_incident_fn fn, void *ud, struct perr *err)
{
	int64_t ack[4], contain[4];
	cursor_out[0] = '\0';
	for (int k = 0; k < 4; k++) {
		ack[k] = cfg->sla_ack[k] * 1000;
		contain[k] = cfg->sla_contain[k] * 1000;
	}
	f->sla_ack = ack;
	f->sla_contain = contain;
	if (!f->now_ms)
		f->now_ms = core_now_ms();
	if (cursor_in && cursor_in[0] && f->q) {
		/* search pages follow the index: "sROWID" */
		if (cursor_in[0] != 's' || parse_i64(cursor_in + 1, 1, INT64_MAX, &f->search_after) != 0)
			return perr_set(err, PERR_INVALID, "cursor", "malformed cursor");
	} else if (cursor_in && cursor_in[0]) {
		/* "UPDATED.ID", both decimal: opaque to clients, trivial to check */
		struct pstr a, b;
		if (!pstr_cut(pstr_c(cursor_in), '.', &a, &b) ||
		    pstr_to_i64(a, 0, INT64_MAX, &f->after_updated) != 0 ||
		    pstr_to_i64(b, 1, INT64_MAX, &f->after_id) != 0)
			return perr_set(err, PERR_INVALID, "cursor", "malformed cursor");
	}
	if (p) {
		const char *prov;
		int64_t org;
		identity_list_scope(p, &prov, &org);
		f->scope_province = prov;
		f->scope_org = org;
		if (p->role == ROLE_RESPONDER)
			f->scope_responder = p->user_id;
		f->q_shared_only = !identity_is_staff(p);
	}
	if (f->limit <= 0)
		f->limit = 50;
	struct list_ctx c = { fn, ud, 0, 0, 0 };
	if (store_incident_list(st, f, list_row, &c, err) != 0)
		return -1;
	if (f->q) {
		if (f->search_next)
			snprintf(cursor_out, 64, "s%lld", (long long)f->search_next);
	} else if (c.n == f->limit) {
		snprintf(cursor_out, 64, "%lld.%lld", (long long)c.last_updated, (long long)c.last_id);
	}
	return 0;
}

/* -------------------------------------------------------------------- SLA */

void incident_durations(const struct store_incident *i, int64_t out[4])
{
	const int64_t m[4] = { i->acknowledged_ms, i->contained_ms, i->recovered_ms, i->closed_ms };
	for (int k = 0; k < 4; k++)
		out[k] = m[k] ? m[k] - i->opened_ms : -1;
}

int incident_sla_state(const struct config *cfg, const struct store_incident *i, int64_t now_ms)
{
	int r = incident_severity_rank(i->severity), s = 0;
	if (r < 0 || terminal(i->status))
		return 0;
	if (!i->acknowledged_ms && now_ms > i->opened_ms + cfg->sla_ack[r] * 1000)
		s |= 1;
	if (!i->contained_ms && !i->recovered_ms && now_ms > i->opened_ms + cfg->sla_contain[r] * 1000)
		s |= 2;
	return s;
}

struct sweep {
	struct store *st;
	const struct config *cfg;
	int64_t now;
	struct store_incident *due;
	size_t n, cap;
};

static int collect_due(void *ud, const struct store_incident *i)
{
	struct sweep *s = ud;
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 16;
		struct store_incident *p = realloc(s->due, nc * sizeof(*p));
		if (!p)
			return 1;
		s->due = p;
		s->cap = nc;
	}
	s->due[s->n++] = *i;
	return 0;
}

struct admins {
	struct store *st;
	const struct config *cfg;
	const struct store_incident *i;
	const struct notify_var *v;
	struct perr *err;
	int failed;
};

static int mail_admin(void *ud, const struct store_user *u)
{
	struct admins *a = ud;
	if (strcmp(u->role, "admin") != 0 || !u->email[0] || u->disabled)
		return 0;
	if (mail_user(a->st, a->cfg, u->id, "sla", a->i, a->v, 2, a->err) != 0) {
		a->failed = 1;
		return 1;
	}
	return 0;
}

int incident_sla_sweep(struct store *st, const struct config *cfg, int64_t now_ms,
		       int *escalated, struct perr *err)
{
	int64_t ack[4], contain[4];
	for (int k = 0; k < 4; k++) {
		ack[k] = cfg->sla_ack[k] * 1000;
		contain[k] = cfg->sla_contain[k] * 1000;
	}
	struct sweep s = { st, cfg, now_ms, NULL, 0, 0 };
	int rc = -1;
	*escalated = 0;
	if (store_incident_sla_due(st, now_ms, ack, contain, collect_due, &s, err) != 0)
		goto out;
	for (size_t k = 0; k < s.n; k++) {
		struct store_incident *i = &s.due[k];
		int state = incident_sla_state(cfg, i, now_ms);
		int fresh = state & ~(int)i->sla_flags;
		if (!fresh)
			continue;
		int r = incident_severity_rank(i->severity);
		int64_t deadline = i->opened_ms + ((fresh & 1) ? ack[r] : contain[r]);
		char late[48];
		snprintf(late, sizeof(late), "%lld minutes", (long long)((now_ms - deadline) / 60000));
		struct notify_var v[2] = { { "deadline", (fresh & 1) ? "acknowledge" : "contain" },
					   { "late", late } };
		i->sla_flags |= fresh;
		if (store_incident_update(st, i, err) != 0)
			goto out;
		struct store_team t;
		if (i->team_id && store_team_get(st, i->team_id, &t, NULL) == 0 && t.lead_id) {
			if (mail_user(st, cfg, t.lead_id, "sla", i, v, 2, err) != 0)
				goto out;
		} else {
			struct admins a = { st, cfg, i, v, err, 0 };
			if (store_user_list(st, mail_admin, &a, err) != 0 || a.failed)
				goto out;
		}
		if (webhook(st, "incident.sla", i, err) != 0)
			goto out;
		(*escalated)++;
	}
	rc = 0;
out:
	free(s.due);
	return rc;
}

/* -------------------------------------------------------- routing rules */

/* Validated by text() against the member's size, then copied: the copy
** cannot be cut. */
static int rule_text(const char *field, const char *v, char *dst, size_t n, struct perr *err)
{
	if (text(field, v, false, n - 1, false, err) != 0)
		return -1;
	return pstrcpy_or_err(dst, n, v, field, err);
}

int incident_route_rule_add(struct store *st, const char *actor,
			    const struct route_rule_spec *spec, struct store_route_rule *out,
			    struct perr *err)
{
	struct store_route_rule r;
	struct store_team t;
	memset(&r, 0, sizeof(r));
	if (spec->priority < 0 || spec->priority > 1000000)
		return perr_set(err, PERR_INVALID, "priority", "priority is 0 to 1000000");
	r.priority = spec->priority;
	r.team_id = spec->team_id;
	if (rule_text("province", spec->province, r.province, sizeof(r.province), err) != 0 ||
	    rule_text("kind", spec->kind, r.kind, sizeof(r.kind), err) != 0 ||
	    rule_text("class", spec->class_, r.class_, sizeof(r.class_), err) != 0)
		return -1;
	if (r.province[0] && !store_province_exists(st, r.province))
		return perr_set(err, PERR_INVALID, "province", "unknown province %s", r.province);
	if (r.team_id <= 0 || store_team_get(st, r.team_id, &t, NULL) != 0)
		return perr_set(err, PERR_INVALID, "team", "no such team");
	if (store_route_rule_insert(st, &r, err) != 0)
		return -1;
	char obj[48];
	snprintf(obj, sizeof(obj), "route_rule:%lld", (long long)r.id);
	json_t *a = json_pack("{sI ss ss ss sI}", "priority", (json_int_t)r.priority, "province",
			      r.province, "kind", r.kind, "class", r.class_, "team",
			      (json_int_t)r.team_id);
	int rc = a ? audit_append_json(st, actor, "route_rule.create", obj, NULL, a, err)
		   : perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	if (rc == 0 && out)
		*out = r;
	return rc;
}

int incident_route_rule_delete(struct store *st, const char *actor, int64_t id,
			       struct perr *err)
{
	if (id <= 0 || store_route_rule_delete(st, id, NULL) != 0)
		return perr_set(err, PERR_NOTFOUND, NULL, "no such rule");
	char obj[48];
	snprintf(obj, sizeof(obj), "route_rule:%lld", (long long)id);
	return audit_append(st, actor, "route_rule.delete", obj, NULL, NULL, err);
}
