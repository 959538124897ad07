/*
** test_incident.c — the incident hub against a real migrated store: the
** lifecycle (every pair of the eight states, checked against a table written
** here from the issue, not read from incident.c), milestone times and
** durations, reports with dedup and re-opening, merge, SLA clocks and the
** sweep with an injected time (never a sleep), routing to the on-call
** responder, lists with filters, scopes and cursor pages, and the thread:
** internal notes never reach a constituent, shared messages are mailed to
** the organisation's contacts in their language.
**
** Mail is checked where it lands first: the outbox rows the change queued
** in its own transaction (X-Parapet-Template names the template).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "identity/identity.h"
#include "incident/incident.h"
#include "testutil.h"

#define PW "long enough password"

/* ------------------------------------------------------------- fixture */

struct fx {
	struct tdb *t;
	char blobs[128];
	int64_t org_a, org_b; /* Org A in Tehran, Org B in Fars */
	struct principal analyst, cons_a, cons_b, prov_fars, resp, resp_out;
	int64_t team, lead_id, resp_id;
	int seq;
};

static int64_t add_org(struct fx *f, const char *name, const char *prov)
{
	struct org_spec s = { name, NULL, prov, 0 };
	struct store_org o;
	struct perr e;
	if (constituency_org_add(f->t->st, NULL, "test", &s, &o, &e) != 0)
		fail_msg("org %s: %s", name, e.msg);
	return o.id;
}

static struct principal add_user(struct fx *f, const char *login, const char *role,
				 int64_t org, const char *prov, const char *email)
{
	struct user_spec s = { login, role, org, prov, PW };
	struct store_user u;
	struct principal p;
	struct perr e;
	if (identity_user_add(f->t->st, &f->t->cfg, "test", &s, &u, &e) != 0)
		fail_msg("user %s: %s", login, e.msg);
	if (email) {
		assert_int_equal(store_user_set_email(f->t->st, u.id, email, &e), 0);
		pstrlcpy(u.email, email, sizeof(u.email));
	}
	assert_int_equal(identity_principal_from_user(f->t->st, &u, &p, &e), 0);
	return p;
}

/* Reload a principal (its teams change when memberships do). */
static void reload(struct fx *f, struct principal *p)
{
	struct store_user u;
	struct perr e;
	assert_int_equal(store_user_get(f->t->st, p->user_id, &u, &e), 0);
	assert_int_equal(identity_principal_from_user(f->t->st, &u, p, &e), 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct perr e;
	f->t = tdb_open();
	snprintf(f->blobs, sizeof(f->blobs), "%s/blobs", f->t->dir);
	f->org_a = add_org(f, "Org A", "Tehran");
	f->org_b = add_org(f, "Org B", "Fars");
	f->analyst = add_user(f, "analyst", "analyst", 0, NULL, NULL);
	f->cons_a = add_user(f, "cons_a", "constituent", f->org_a, NULL, NULL);
	f->cons_b = add_user(f, "cons_b", "constituent", f->org_b, NULL, NULL);
	f->prov_fars = add_user(f, "prov_fars", "provincial", 0, "Fars", NULL);
	f->resp = add_user(f, "resp", "responder", 0, NULL, "resp@cert.example");
	f->resp_out = add_user(f, "resp_out", "responder", 0, NULL, NULL);
	struct principal lead = add_user(f, "lead", "responder", 0, NULL, "lead@cert.example");
	f->lead_id = lead.user_id;
	f->resp_id = f->resp.user_id;
	struct store_team tm;
	memset(&tm, 0, sizeof(tm));
	pstrlcpy(tm.name, "rapid", sizeof(tm.name));
	assert_int_equal(store_team_insert(f->t->st, &tm, &e), 0);
	f->team = tm.id;
	assert_int_equal(store_team_add_member(f->t->st, f->team, f->resp_id, &e), 0);
	assert_int_equal(store_team_set_lead(f->t->st, f->team, f->lead_id, &e), 0);
	reload(f, &f->resp);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->blobs);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", f->blobs);
	tdb_close(f->t);
	free(f);
	return 0;
}

/* A report for org; returns the incident id. */
static int64_t report(struct fx *f, int64_t org, const char *kind, const char *key,
		      const char *sev, bool want_created)
{
	struct incident_report_spec s;
	struct incident_report_result r;
	struct perr e;
	memset(&s, 0, sizeof(s));
	s.org_id = org;
	s.kind = kind;
	s.key = key;
	s.severity = sev;
	s.summary = "seen by the test";
	if (incident_report(f->t->st, &f->t->cfg, NULL, "detector", &s, &r, &e) != 0)
		fail_msg("report %s/%s: %s", kind, key, e.msg);
	assert_int_equal(r.created, want_created);
	return r.id;
}

/* A fresh incident of org (severity sev) opened by a detector. */
static int64_t fresh(struct fx *f, int64_t org, const char *sev)
{
	char key[32];
	snprintf(key, sizeof(key), "k%d", ++f->seq);
	return report(f, org, "scan", key, sev, true);
}

static struct store_incident get(struct fx *f, int64_t id)
{
	struct store_incident i;
	struct perr e;
	assert_int_equal(store_incident_get(f->t->st, id, &i, &e), 0);
	return i;
}

static void move(struct fx *f, int64_t id, const char *to)
{
	struct perr e;
	if (incident_transition(f->t->st, &f->t->cfg, &f->analyst, "user:analyst", id, to, NULL,
				&e) != 0)
		fail_msg("transition of %lld to %s: %s", (long long)id, to, e.msg);
}

/* Outbox rows of an incident (0 = all). */
struct mail {
	char to[320], tmpl[32], subject[400];
	bool body_has; /* body contains the needle */
};
struct mails {
	struct mail m[64];
	int n;
	const char *needle;
};

static int add_mail(void *ud, const struct store_outbox *o)
{
	struct mails *x = ud;
	if (x->n == 64 || strcmp(o->kind, "mail") != 0)
		return 0;
	struct mail *m = &x->m[x->n++];
	memset(m, 0, sizeof(*m));
	pstrlcpy(m->to, o->recipient, sizeof(m->to));
	pstrlcpy(m->subject, o->subject ? o->subject : "", sizeof(m->subject));
	const char *t = o->headers ? strstr(o->headers, "X-Parapet-Template: ") : NULL;
	if (t) {
		t += strlen("X-Parapet-Template: ");
		size_t k = 0;
		while (t[k] && t[k] != '\r' && t[k] != '\n' && k + 1 < sizeof(m->tmpl)) {
			m->tmpl[k] = t[k];
			k++;
		}
	}
	m->body_has = x->needle && o->body && strstr(o->body, x->needle);
	return 0;
}

static void mails_of(struct fx *f, int64_t incident, const char *needle, struct mails *x)
{
	struct perr e;
	memset(x, 0, sizeof(*x));
	x->needle = needle;
	assert_int_equal(store_outbox_list(f->t->st, NULL, incident, 1000, add_mail, x, &e), 0);
}

/* ----------------------------------------------------------- lifecycle */

/* Written from the issue ("new -> triaged -> in progress -> contained ->
** recovered -> closed, plus rejected and duplicate") and incident.c's
** comment on its moves: skipping ahead is allowed, stepping back where
** reality does (failed containment, a relapse after recovery, a wrong
** rejection); closed and duplicate are final; duplicate only by merge. */
enum { S_NEW, S_TRI, S_PROG, S_CONT, S_REC, S_CLOSED, S_REJ, S_DUP, NSTATES };
static const char *const st_name[NSTATES] = { "new",       "triaged",   "in_progress",
					       "contained", "recovered", "closed",
					       "rejected",  "duplicate" };
static const bool legal[NSTATES][NSTATES] = {
	/*            new  tri  prog cont rec  clos rej  dup */
	[S_NEW] = { 0, 1, 1, 0, 0, 0, 1, 0 },
	[S_TRI] = { 0, 0, 1, 1, 0, 0, 1, 0 },
	[S_PROG] = { 0, 0, 0, 1, 1, 0, 0, 0 },
	[S_CONT] = { 0, 0, 1, 0, 1, 0, 0, 0 },
	[S_REC] = { 0, 0, 1, 0, 0, 1, 0, 0 },
	[S_CLOSED] = { 0 },
	[S_REJ] = { 0, 1, 0, 0, 0, 0, 0, 0 },
	[S_DUP] = { 0 },
};

/* A fresh incident brought to state s by legal moves (duplicate: merge). */
static int64_t incident_in(struct fx *f, int s)
{
	static const char *const path[NSTATES][5] = {
		[S_NEW] = { NULL },
		[S_TRI] = { "triaged", NULL },
		[S_PROG] = { "in_progress", NULL },
		[S_CONT] = { "triaged", "contained", NULL },
		[S_REC] = { "in_progress", "recovered", NULL },
		[S_CLOSED] = { "in_progress", "recovered", "closed", NULL },
		[S_REJ] = { "rejected", NULL },
		[S_DUP] = { NULL },
	};
	int64_t id = fresh(f, f->org_a, "medium");
	for (int k = 0; path[s][k]; k++)
		move(f, id, path[s][k]);
	if (s == S_DUP) {
		struct perr e;
		int64_t into = fresh(f, f->org_a, "medium");
		assert_int_equal(incident_merge(f->t->st, &f->t->cfg, &f->analyst, "t", id, into, &e), 0);
	}
	assert_string_equal(get(f, id).status, st_name[s]);
	return id;
}

struct tlist {
	char from[16], to[16], actor[128];
	int n;
};

static int last_transition(void *ud, const struct store_transition *t)
{
	struct tlist *l = ud;
	pstrlcpy(l->from, t->from, sizeof(l->from));
	pstrlcpy(l->to, t->to, sizeof(l->to));
	pstrlcpy(l->actor, t->actor, sizeof(l->actor));
	l->n++;
	return 0;
}

static void lifecycle_every_pair(void **state)
{
	struct fx *f = *state;
	struct perr e;
	store_begin(f->t->st, &e);
	int legal_seen = 0;
	for (int a = 0; a < NSTATES; a++) {
		for (int b = 0; b < NSTATES; b++) {
			/* the predicate and the real transition agree with the table */
			bool want = legal[a][b];
			if (incident_transition_legal(st_name[a], st_name[b]) != want)
				fail_msg("incident_transition_legal(%s, %s) is %d", st_name[a],
					 st_name[b], !want);
			int64_t id = incident_in(f, a);
			struct tlist before = { .n = 0 }, after = { .n = 0 };
			assert_int_equal(store_transition_list(f->t->st, id, last_transition, &before, &e), 0);
			struct store_incident out;
			perr_clear(&e);
			int rc = incident_transition(f->t->st, &f->t->cfg, &f->analyst, "user:analyst",
						     id, st_name[b], &out, &e);
			assert_int_equal(store_transition_list(f->t->st, id, last_transition, &after, &e), 0);
			if (want) {
				if (rc != 0)
					fail_msg("%s -> %s refused: %s", st_name[a], st_name[b], e.msg);
				assert_string_equal(out.status, st_name[b]);
				assert_string_equal(get(f, id).status, st_name[b]);
				/* who and when are recorded */
				assert_int_equal(after.n, before.n + 1);
				assert_string_equal(after.from, st_name[a]);
				assert_string_equal(after.to, st_name[b]);
				assert_string_equal(after.actor, "user:analyst");
				legal_seen++;
				continue;
			}
			if (rc == 0)
				fail_msg("%s -> %s was allowed", st_name[a], st_name[b]);
			/* duplicate is reached only by merge: asking for it is a bad
			** request, not a conflict with the current state */
			if (b == S_DUP) {
				assert_int_equal(e.kind, PERR_INVALID);
				assert_string_equal(e.field, "to");
			} else if (e.kind != PERR_CONFLICT) {
				fail_msg("%s -> %s refused with kind %d, not CONFLICT", st_name[a],
					 st_name[b], (int)e.kind);
			}
			assert_string_equal(get(f, id).status, st_name[a]);
			assert_int_equal(after.n, before.n);
		}
	}
	assert_int_equal(legal_seen, 13);
	/* unknown states are bad requests */
	int64_t id = fresh(f, f->org_a, "low");
	assert_int_equal(incident_transition(f->t->st, &f->t->cfg, &f->analyst, "t", id, "solved",
					     NULL, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	store_commit(f->t->st, &e);
}

static void lifecycle_who_may_move(void **state)
{
	struct fx *f = *state;
	struct perr e;
	int64_t a = fresh(f, f->org_a, "medium");
	/* the victim organisation talks, it does not move the state */
	assert_int_equal(incident_transition(f->t->st, &f->t->cfg, &f->cons_a, "c", a, "triaged",
					     NULL, &e), -1);
	assert_int_equal(e.kind, PERR_FORBIDDEN);
	/* outside one's scope the incident does not exist */
	assert_int_equal(incident_transition(f->t->st, &f->t->cfg, &f->cons_b, "c", a, "triaged",
					     NULL, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	assert_int_equal(incident_transition(f->t->st, &f->t->cfg, &f->prov_fars, "p", a,
					     "triaged", NULL, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	assert_int_equal(incident_transition(f->t->st, &f->t->cfg, &f->resp_out, "r", a, "triaged",
					     NULL, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	assert_string_equal(get(f, a).status, "new");
	/* a responder of the incident's team may */
	assert_int_equal(incident_assign(f->t->st, &f->t->cfg, &f->analyst, "t", a, 0, f->team,
					 NULL, &e), 0);
	assert_int_equal(incident_transition(f->t->st, &f->t->cfg, &f->resp, "r", a, "triaged",
					     NULL, &e), 0);
	assert_string_equal(get(f, a).status, "triaged");
}

static void milestones_and_durations(void **state)
{
	struct fx *f = *state;
	struct perr e;
	int64_t id = fresh(f, f->org_a, "high");
	struct store_incident i = get(f, id);
	int64_t d[4];
	incident_durations(&i, d);
	for (int k = 0; k < 4; k++)
		assert_int_equal(d[k], -1);
	assert_int_equal(i.acknowledged_ms, 0);

	/* the first move out of new acknowledges */
	move(f, id, "triaged");
	i = get(f, id);
	assert_true(i.acknowledged_ms >= i.opened_ms);
	assert_int_equal(i.contained_ms, 0);
	/* pin each milestone to a known time (ms after opening): later moves
	** must keep it */
	int64_t ack = i.opened_ms + 1000;
	i.acknowledged_ms = ack;
	assert_int_equal(store_incident_update(f->t->st, &i, &e), 0);
	move(f, id, "contained");
	i = get(f, id);
	assert_int_equal(i.acknowledged_ms, ack);
	assert_true(i.contained_ms > 0);
	int64_t cont = i.opened_ms + 5000;
	i.contained_ms = cont;
	assert_int_equal(store_incident_update(f->t->st, &i, &e), 0);
	/* containment failed: back to work, contained again later; the first
	** containment time stays */
	move(f, id, "in_progress");
	move(f, id, "contained");
	i = get(f, id);
	assert_int_equal(i.contained_ms, cont);
	assert_int_equal(i.acknowledged_ms, ack);
	move(f, id, "recovered");
	i = get(f, id);
	assert_true(i.recovered_ms > 0);
	int64_t rec = i.opened_ms + 9000;
	i.recovered_ms = rec;
	assert_int_equal(store_incident_update(f->t->st, &i, &e), 0);
	/* a relapse after recovery keeps the first recovery */
	move(f, id, "in_progress");
	move(f, id, "recovered");
	i = get(f, id);
	assert_int_equal(i.recovered_ms, rec);
	assert_int_equal(i.closed_ms, 0);
	move(f, id, "closed");
	i = get(f, id);
	assert_true(i.closed_ms >= i.opened_ms);
	assert_int_equal(i.recovered_ms, rec);
	int64_t clo = i.opened_ms + 20000;
	i.closed_ms = clo;
	assert_int_equal(store_incident_update(f->t->st, &i, &e), 0);
	/* durations are from opening to each milestone */
	i = get(f, id);
	incident_durations(&i, d);
	assert_int_equal(d[0], 1000);
	assert_int_equal(d[1], 5000);
	assert_int_equal(d[2], 9000);
	assert_int_equal(d[3], 20000);

	/* recovering straight from in_progress also marks it contained */
	int64_t j = fresh(f, f->org_a, "low");
	move(f, j, "in_progress");
	move(f, j, "recovered");
	i = get(f, j);
	assert_true(i.contained_ms > 0 && i.recovered_ms > 0);

	/* a rejection closes; taking it back reopens the clock */
	int64_t r = fresh(f, f->org_a, "low");
	move(f, r, "rejected");
	i = get(f, r);
	assert_true(i.closed_ms > 0);
	assert_true(i.acknowledged_ms > 0);
	move(f, r, "triaged");
	i = get(f, r);
	assert_int_equal(i.closed_ms, 0);
	incident_durations(&i, d);
	assert_int_equal(d[3], -1);
}

/* ------------------------------------------------------------- reports */

static int count_obs(void *ud, const struct store_observation *o)
{
	(void)o;
	(*(int *)ud)++;
	return 0;
}

static void report_dedup(void **state)
{
	struct fx *f = *state;
	struct perr e;
	int64_t id = report(f, f->org_a, "defacement", "https://a.example/", "low", true);
	struct store_incident i = get(f, id);
	assert_string_equal(i.status, "new");
	assert_string_equal(i.source, "report");
	assert_string_equal(i.severity, "low");
	assert_int_equal(i.observations, 1);
	/* the same kind and key while open: one more observation */
	assert_int_equal(report(f, f->org_a, "defacement", "https://a.example/", "high", false), id);
	i = get(f, id);
	assert_int_equal(i.observations, 2);
	assert_string_equal(i.severity, "high");
	/* severity only rises */
	assert_int_equal(report(f, f->org_a, "defacement", "https://a.example/", "medium", false), id);
	i = get(f, id);
	assert_int_equal(i.observations, 3);
	assert_string_equal(i.severity, "high");
	int n = 0;
	assert_int_equal(store_observation_list(f->t->st, id, 100, count_obs, &n, &e), 0);
	assert_int_equal(n, 3);
	/* still open after triage: still the same incident */
	move(f, id, "triaged");
	assert_int_equal(report(f, f->org_a, "defacement", "https://a.example/", "low", false), id);
	/* another kind, or another organisation, is another problem */
	int64_t other_kind = report(f, f->org_a, "phishing", "https://a.example/", "low", true);
	int64_t other_org = report(f, f->org_b, "defacement", "https://a.example/", "low", true);
	assert_int_not_equal(other_kind, id);
	assert_int_not_equal(other_org, id);
	assert_int_not_equal(other_kind, other_org);

	/* refusals */
	struct incident_report_spec s = { 0 };
	struct incident_report_result r;
	s.org_id = f->org_a;
	s.kind = "defacement";
	s.key = "x";
	s.severity = "severe";
	assert_int_equal(incident_report(f->t->st, &f->t->cfg, NULL, "d", &s, &r, &e), -1);
	assert_string_equal(e.field, "severity");
	s.severity = "low";
	s.evidence = "[1,2]";
	assert_int_equal(incident_report(f->t->st, &f->t->cfg, NULL, "d", &s, &r, &e), -1);
	assert_string_equal(e.field, "evidence");
	s.evidence = NULL;
	s.org_id = 999999;
	assert_int_equal(incident_report(f->t->st, &f->t->cfg, NULL, "d", &s, &r, &e), -1);
	assert_string_equal(e.field, "org_id");
	/* a detector's principal must see the organisation */
	s.org_id = f->org_a;
	assert_int_equal(incident_report(f->t->st, &f->t->cfg, &f->prov_fars, "p", &s, &r, &e), -1);
}

struct links {
	int64_t other[8];
	char kind[8][16];
	int n;
};

static int add_link(void *ud, int64_t other, const char *kind)
{
	struct links *l = ud;
	if (l->n < 8) {
		l->other[l->n] = other;
		pstrlcpy(l->kind[l->n], kind, sizeof(l->kind[0]));
		l->n++;
	}
	return 0;
}

static void report_reopens_after_close(void **state)
{
	struct fx *f = *state;
	struct perr e;
	struct incident_report_spec s = { 0 };
	struct incident_report_result r;
	int64_t old = report(f, f->org_a, "defacement", "https://reopen.example/", "medium", true);
	move(f, old, "in_progress");
	move(f, old, "recovered");
	move(f, old, "closed");
	s.org_id = f->org_a;
	s.kind = "defacement";
	s.key = "https://reopen.example/";
	s.severity = "medium";
	assert_int_equal(incident_report(f->t->st, &f->t->cfg, NULL, "d", &s, &r, &e), 0);
	assert_true(r.created);
	assert_int_not_equal(r.id, old);
	assert_int_equal(r.reopened_from, old);
	struct store_incident n = get(f, r.id);
	assert_string_equal(n.status, "new");
	assert_int_equal(n.reopened_from, old);
	assert_int_equal(n.observations, 1);
	struct links l = { .n = 0 };
	assert_int_equal(store_link_list(f->t->st, r.id, add_link, &l, &e), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.other[0], old);
	assert_string_equal(l.kind[0], "reopened");
	/* the closed one stays closed and untouched */
	struct store_incident o = get(f, old);
	assert_string_equal(o.status, "closed");
	assert_int_equal(o.observations, 1);
	/* and the key now belongs to the new incident */
	assert_int_equal(report(f, f->org_a, "defacement", "https://reopen.example/", "low", false),
			 r.id);
}

/* --------------------------------------------------------------- merge */

struct texts {
	char s[16][128];
	int n;
};

static int add_msg(void *ud, const struct store_message *m)
{
	struct texts *t = ud;
	if (t->n < 16)
		pstrlcpy(t->s[t->n++], m->body, sizeof(t->s[0]));
	return 0;
}

static int add_ev(void *ud, const struct store_evidence *ev)
{
	struct texts *t = ud;
	if (t->n < 16)
		pstrlcpy(t->s[t->n++], ev->name, sizeof(t->s[0]));
	return 0;
}

static bool has(const struct texts *t, const char *s)
{
	for (int k = 0; k < t->n; k++)
		if (strcmp(t->s[k], s) == 0)
			return true;
	return false;
}

static void merge_moves_everything(void **state)
{
	struct fx *f = *state;
	struct perr e;
	int64_t a = report(f, f->org_a, "malware", "host-1", "critical", true);
	report(f, f->org_a, "malware", "host-1", "critical", false);
	int64_t b = report(f, f->org_a, "malware", "host-2", "low", true);
	assert_int_equal(incident_message(f->t->st, &f->t->cfg, &f->analyst, "t", a,
					  "note on the first report", "internal", NULL, &e), 0);
	assert_int_equal(incident_message(f->t->st, &f->t->cfg, &f->analyst, "t", b,
					  "note on the second report", "internal", NULL, &e), 0);
	assert_int_equal(incident_evidence_add(f->t->st, &f->t->cfg, &f->analyst, "t", f->blobs, a,
					       "dropper.bin", "MZ\x90\x00", 4, "internal", NULL, &e),
			 0);

	assert_int_equal(incident_merge(f->t->st, &f->t->cfg, &f->analyst, "t", a, b, &e), 0);
	struct store_incident ia = get(f, a), ib = get(f, b);
	assert_string_equal(ia.status, "duplicate");
	assert_int_equal(ia.merged_into, b);
	assert_true(ia.closed_ms > 0);
	/* the kept incident has the thread, the evidence and the observations
	** of both, and the worse severity */
	assert_int_equal(ib.observations, 3);
	assert_string_equal(ib.severity, "critical");
	assert_string_equal(ib.status, "new");
	struct texts t = { .n = 0 };
	assert_int_equal(incident_messages(f->t->st, &f->analyst, b, add_msg, &t, &e), 0);
	assert_int_equal(t.n, 2);
	assert_true(has(&t, "note on the first report"));
	memset(&t, 0, sizeof(t));
	assert_int_equal(incident_messages(f->t->st, &f->analyst, a, add_msg, &t, &e), 0);
	assert_int_equal(t.n, 0);
	memset(&t, 0, sizeof(t));
	assert_int_equal(incident_evidence_list(f->t->st, &f->analyst, b, add_ev, &t, &e), 0);
	assert_int_equal(t.n, 1);
	assert_true(has(&t, "dropper.bin"));
	int n = 0;
	assert_int_equal(store_observation_list(f->t->st, b, 100, count_obs, &n, &e), 0);
	assert_int_equal(n, 3);
	n = 0;
	assert_int_equal(store_observation_list(f->t->st, a, 100, count_obs, &n, &e), 0);
	assert_int_equal(n, 0);
	struct links l = { .n = 0 };
	assert_int_equal(store_link_list(f->t->st, a, add_link, &l, &e), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.other[0], b);
	assert_string_equal(l.kind[0], "duplicate");
	struct tlist tl = { .n = 0 };
	assert_int_equal(store_transition_list(f->t->st, a, last_transition, &tl, &e), 0);
	assert_string_equal(tl.to, "duplicate");

	/* a duplicate is final */
	assert_int_equal(incident_merge(f->t->st, &f->t->cfg, &f->analyst, "t", a, b, &e), -1);
	assert_int_equal(e.kind, PERR_CONFLICT);
	int64_t c = fresh(f, f->org_a, "low");
	assert_int_equal(incident_merge(f->t->st, &f->t->cfg, &f->analyst, "t", c, a, &e), -1);
	assert_int_equal(e.kind, PERR_CONFLICT);
	assert_int_equal(incident_merge(f->t->st, &f->t->cfg, &f->analyst, "t", c, c, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	/* a constituent cannot merge; another org's incident is not found */
	assert_int_equal(incident_merge(f->t->st, &f->t->cfg, &f->cons_a, "t", c, b, &e), -1);
	assert_int_equal(e.kind, PERR_FORBIDDEN);
	assert_int_equal(incident_merge(f->t->st, &f->t->cfg, &f->cons_b, "t", c, b, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	assert_string_equal(get(f, c).status, "new");
}

/* ----------------------------------------------------------------- SLA */

static void sla_state_clock(void **state)
{
	struct fx *f = *state;
	const struct config *cfg = &f->t->cfg;
	int64_t id = fresh(f, f->org_a, "high");
	struct store_incident i = get(f, id);
	int64_t ack = cfg->sla_ack[2] * 1000, contain = cfg->sla_contain[2] * 1000;
	assert_int_equal(ack, 3600 * 1000);       /* defaults of the issue: high 1 h / 24 h */
	assert_int_equal(contain, 86400 * 1000);
	assert_int_equal(incident_sla_state(cfg, &i, i.opened_ms), 0);
	assert_int_equal(incident_sla_state(cfg, &i, i.opened_ms + ack - 1), 0);
	assert_int_equal(incident_sla_state(cfg, &i, i.opened_ms + ack + 1), 1);
	assert_int_equal(incident_sla_state(cfg, &i, i.opened_ms + contain - 1), 1);
	assert_int_equal(incident_sla_state(cfg, &i, i.opened_ms + contain + 1), 3);
	/* acknowledged: only the contain clock runs */
	move(f, id, "triaged");
	i = get(f, id);
	assert_int_equal(incident_sla_state(cfg, &i, i.opened_ms + ack + 1), 0);
	assert_int_equal(incident_sla_state(cfg, &i, i.opened_ms + contain + 1), 2);
	move(f, id, "contained");
	i = get(f, id);
	assert_int_equal(incident_sla_state(cfg, &i, i.opened_ms + contain * 10), 0);
	/* critical: 15 minutes to acknowledge */
	int64_t c = fresh(f, f->org_a, "critical");
	i = get(f, c);
	assert_int_equal(incident_sla_state(cfg, &i, i.opened_ms + 15 * 60000 - 1), 0);
	assert_int_equal(incident_sla_state(cfg, &i, i.opened_ms + 15 * 60000 + 1), 1);
	/* closed incidents have no clock */
	move(f, c, "rejected");
	i = get(f, c);
	assert_int_equal(incident_sla_state(cfg, &i, i.opened_ms + contain * 10), 0);
}

/* Runs in a store of its own (per-test fixture): the sweep looks at every
** incident. */
static void sla_sweep_escalates_once(void **state)
{
	struct fx *f = *state;
	struct perr e;
	const struct config *cfg = &f->t->cfg;
	int64_t id = fresh(f, f->org_a, "high");
	assert_int_equal(incident_assign(f->t->st, cfg, &f->analyst, "t", id, 0, f->team, NULL, &e), 0);
	struct store_incident i = get(f, id);
	int64_t ack = cfg->sla_ack[2] * 1000, contain = cfg->sla_contain[2] * 1000;
	int n = -1;
	struct mails m;

	/* before the deadline: nothing */
	assert_int_equal(incident_sla_sweep(f->t->st, cfg, i.opened_ms + ack - 1, &n, &e), 0);
	assert_int_equal(n, 0);
	mails_of(f, id, NULL, &m);
	assert_int_equal(m.n, 0);

	/* past it: flagged, and the team lead hears of it */
	assert_int_equal(incident_sla_sweep(f->t->st, cfg, i.opened_ms + ack + 1, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(get(f, id).sla_flags, 1);
	mails_of(f, id, NULL, &m);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.m[0].to, "lead@cert.example");
	assert_string_equal(m.m[0].tmpl, "sla");

	/* a later sweep, still before the contain deadline: nothing new */
	assert_int_equal(incident_sla_sweep(f->t->st, cfg, i.opened_ms + ack + 3600000, &n, &e), 0);
	assert_int_equal(n, 0);
	mails_of(f, id, NULL, &m);
	assert_int_equal(m.n, 1);

	/* the contain deadline is a second escalation, once */
	assert_int_equal(incident_sla_sweep(f->t->st, cfg, i.opened_ms + contain + 1, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(get(f, id).sla_flags, 3);
	assert_int_equal(incident_sla_sweep(f->t->st, cfg, i.opened_ms + contain * 2, &n, &e), 0);
	assert_int_equal(n, 0);
	mails_of(f, id, NULL, &m);
	assert_int_equal(m.n, 2);
	for (int k = 0; k < m.n; k++) {
		assert_string_equal(m.m[k].to, "lead@cert.example");
		assert_string_equal(m.m[k].tmpl, "sla");
	}

	/* without a team the escalation goes to the admins with an address */
	add_user(f, "boss", "admin", 0, NULL, "boss@cert.example");
	int64_t lone = fresh(f, f->org_b, "critical");
	i = get(f, lone);
	assert_int_equal(incident_sla_sweep(f->t->st, cfg, i.opened_ms + 15 * 60000 + 1, &n, &e), 0);
	assert_int_equal(n, 1);
	mails_of(f, lone, NULL, &m);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.m[0].to, "boss@cert.example");
	assert_string_equal(m.m[0].tmpl, "sla");

	/* an acknowledged incident is not escalated for acknowledgement */
	int64_t ok = fresh(f, f->org_a, "critical");
	move(f, ok, "triaged");
	i = get(f, ok);
	assert_int_equal(incident_sla_sweep(f->t->st, cfg, i.opened_ms + 15 * 60000 + 1, &n, &e), 0);
	assert_int_equal(n, 0);
}

/* ------------------------------------------------------------- routing */

/* A routing rule's text is refused, never cut, naming the field (issue 13:
** the CLI cut a 64-byte kind to 63 bytes ending in half a character). */
static void routing_rule_text_refused(void **state)
{
	struct fx *f = *state;
	struct perr e;
	struct store_route_rule r;
	int64_t seq0, seq1;
	char h[65], k[70];
	assert_int_equal(store_audit_last(f->t->st, &seq0, h, &e), 0);
	memset(k, 'k', 62);
	memcpy(k + 62, "\xc3\xa9", 3); /* 64 bytes: one more than the store keeps */
	struct route_rule_spec s = { 100, NULL, k, NULL, f->team };
	assert_int_equal(incident_route_rule_add(f->t->st, "t", &s, &r, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	assert_string_equal(e.field, "kind");
	memcpy(k + 61, "\xc3", 2); /* 62 bytes ending in half a character */
	assert_int_equal(incident_route_rule_add(f->t->st, "t", &s, &r, &e), -1);
	assert_string_equal(e.field, "kind");
	char cls[49];
	memset(cls, 'c', 48);
	cls[48] = '\0';
	struct route_rule_spec c = { 100, NULL, NULL, cls, f->team };
	assert_int_equal(incident_route_rule_add(f->t->st, "t", &c, &r, &e), -1);
	assert_string_equal(e.field, "class");
	struct route_rule_spec nl = { 100, "Teh\nran", NULL, NULL, f->team };
	assert_int_equal(incident_route_rule_add(f->t->st, "t", &nl, &r, &e), -1);
	assert_string_equal(e.field, "province");
	struct route_rule_spec noteam = { 100, NULL, NULL, NULL, 999999 };
	assert_int_equal(incident_route_rule_add(f->t->st, "t", &noteam, &r, &e), -1);
	assert_string_equal(e.field, "team");
	struct route_rule_spec prio = { 1000001, NULL, NULL, NULL, f->team };
	assert_int_equal(incident_route_rule_add(f->t->st, "t", &prio, &r, &e), -1);
	assert_string_equal(e.field, "priority");
	/* nothing refused was written or audited */
	assert_int_equal(store_audit_last(f->t->st, &seq1, h, &e), 0);
	assert_int_equal(seq1, seq0);
	/* 63 bytes fit and are kept whole; adding and deleting are audited */
	memset(k, 'k', 61);
	memcpy(k + 61, "\xc3\xa9", 3);
	assert_int_equal(incident_route_rule_add(f->t->st, "t", &s, &r, &e), 0);
	assert_string_equal(r.kind, k);
	assert_int_equal(incident_route_rule_delete(f->t->st, "t", r.id, &e), 0);
	assert_int_equal(store_audit_last(f->t->st, &seq1, h, &e), 0);
	assert_int_equal(seq1, seq0 + 2);
	assert_int_equal(incident_route_rule_delete(f->t->st, "t", r.id, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
}


static void routing_to_oncall(void **state)
{
	struct fx *f = *state;
	struct perr e;
	struct store_route_rule rule;
	memset(&rule, 0, sizeof(rule));
	rule.priority = 10;
	pstrlcpy(rule.province, "Tehran", sizeof(rule.province));
	pstrlcpy(rule.kind, "defacement", sizeof(rule.kind));
	rule.team_id = f->team;
	assert_int_equal(store_route_rule_insert(f->t->st, &rule, &e), 0);
	int64_t slot;
	/* the responder is on call all week */
	assert_int_equal(store_rota_add_slot(f->t->st, f->team, f->resp_id, 0, 10080, &slot, &e), 0);

	int64_t hi = report(f, f->org_a, "defacement", "https://gov-a.example/", "high", true);
	struct store_incident i = get(f, hi);
	assert_int_equal(i.team_id, f->team);
	assert_int_equal(i.assignee_id, f->resp_id);
	struct mails m;
	mails_of(f, hi, NULL, &m);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.m[0].to, "resp@cert.example");
	assert_string_equal(m.m[0].tmpl, "assigned");
	/* the responder now sees it, the one outside the team does not */
	assert_int_equal(incident_get(f->t->st, &f->resp, hi, &i, &e), 0);
	assert_int_equal(incident_get(f->t->st, &f->resp_out, hi, &i, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);

	/* low and medium are triaged by analysts first: no routing */
	int64_t lo = report(f, f->org_a, "defacement", "https://gov-a.example/low", "medium", true);
	i = get(f, lo);
	assert_int_equal(i.team_id, 0);
	assert_int_equal(i.assignee_id, 0);
	mails_of(f, lo, NULL, &m);
	assert_int_equal(m.n, 0);
	/* no rule for the province or the kind: no team */
	int64_t fars = report(f, f->org_b, "defacement", "https://gov-b.example/", "critical", true);
	assert_int_equal(get(f, fars).team_id, 0);
	int64_t other = report(f, f->org_a, "ddos", "198.51.100.7", "critical", true);
	assert_int_equal(get(f, other).team_id, 0);
	/* an incident opened by a person is routed the same way */
	struct incident_spec s = { f->org_a, "site down", NULL, NULL, NULL, "critical", NULL };
	struct store_incident out;
	struct store_route_rule any;
	memset(&any, 0, sizeof(any));
	any.priority = 50;
	pstrlcpy(any.province, "Tehran", sizeof(any.province));
	any.team_id = f->team;
	assert_int_equal(store_route_rule_insert(f->t->st, &any, &e), 0);
	assert_int_equal(incident_create(f->t->st, &f->t->cfg, &f->analyst, "t", &s, &out, &e), 0);
	assert_int_equal(get(f, out.id).team_id, f->team);
	assert_int_equal(get(f, out.id).assignee_id, f->resp_id);
}

/* --------------------------------------------------------------- lists */

struct ids {
	int64_t id[600];
	int n;
};

static int add_id(void *ud, const struct store_incident *i)
{
	struct ids *x = ud;
	if (x->n < 600)
		x->id[x->n++] = i->id;
	return 0;
}

/* List for p with f (copied, so the caller's filter stays as it was). */
static int list(struct fx *fx, const struct principal *p, const struct store_incident_filter *f,
		const char *cursor, char next[64], struct ids *out)
{
	struct store_incident_filter c = *f;
	struct perr e;
	memset(out, 0, sizeof(*out));
	int rc = incident_list(fx->t->st, &fx->t->cfg, p, &c, cursor, next, add_id, out, &e);
	if (rc != 0)
		fail_msg("incident_list: %s", e.msg);
	return out->n;
}

static bool contains(const struct ids *x, int64_t id)
{
	for (int k = 0; k < x->n; k++)
		if (x->id[k] == id)
			return true;
	return false;
}

static void list_pages(void **state)
{
	struct fx *f = *state;
	struct perr e;
	int64_t made[25];
	store_begin(f->t->st, &e);
	for (int k = 0; k < 25; k++)
		made[k] = fresh(f, k % 2 ? f->org_b : f->org_a, "low");
	store_commit(f->t->st, &e);
	struct store_incident_filter flt;
	memset(&flt, 0, sizeof(flt));
	flt.limit = 10;
	char cur[64] = "", next[64];
	int sizes[3];
	static int64_t seen[40];
	int nseen = 0;
	for (int page = 0; page < 3; page++) {
		struct ids x;
		sizes[page] = list(f, &f->analyst, &flt, cur, next, &x);
		for (int k = 0; k < x.n; k++) {
			for (int s = 0; s < nseen; s++)
				if (seen[s] == x.id[k])
					fail_msg("incident %lld on two pages", (long long)x.id[k]);
			seen[nseen++] = x.id[k];
		}
		pstrlcpy(cur, next, sizeof(cur));
	}
	assert_int_equal(sizes[0], 10);
	assert_int_equal(sizes[1], 10);
	assert_int_equal(sizes[2], 5);
	assert_string_equal(next, "");
	assert_int_equal(nseen, 25);
	for (int k = 0; k < 25; k++) {
		bool found = false;
		for (int s = 0; s < nseen; s++)
			found |= seen[s] == made[k];
		assert_true(found);
	}
	/* newest first by default: the last made comes first */
	struct ids x;
	list(f, &f->analyst, &flt, "", next, &x);
	assert_int_equal(x.id[0], made[24]);
	flt.oldest_first = true;
	list(f, &f->analyst, &flt, "", next, &x);
	assert_int_equal(x.id[0], made[0]);
	/* a cursor that is not one of ours is refused */
	struct store_incident_filter c = flt;
	assert_int_equal(incident_list(f->t->st, &f->t->cfg, &f->analyst, &c, "x.y", next, add_id,
				       &x, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	assert_string_equal(e.field, "cursor");
}

static void list_filters_and_scopes(void **state)
{
	struct fx *f = *state;
	struct perr e;
	int64_t a_new = fresh(f, f->org_a, "low");
	int64_t a_hi = fresh(f, f->org_a, "high");
	int64_t b_tri = fresh(f, f->org_b, "medium");
	int64_t b_team = fresh(f, f->org_b, "critical");
	move(f, b_tri, "triaged");
	assert_int_equal(incident_assign(f->t->st, &f->t->cfg, &f->analyst, "t", b_team, 0, f->team,
					 NULL, &e), 0);
	int64_t a_mine = fresh(f, f->org_a, "low");
	assert_int_equal(incident_assign(f->t->st, &f->t->cfg, &f->analyst, "t", a_mine,
					 f->resp_out.user_id, 0, NULL, &e), 0);
	assert_int_equal(incident_message(f->t->st, &f->t->cfg, &f->analyst, "t", a_hi,
					  "the attacker used a webshell called zephyrgate", "shared",
					  NULL, &e), 0);

	struct store_incident_filter flt;
	struct ids x;
	char next[64];
	memset(&flt, 0, sizeof(flt));
	flt.status[0] = "triaged";
	assert_int_equal(list(f, &f->analyst, &flt, "", next, &x), 1);
	assert_int_equal(x.id[0], b_tri);
	flt.status[1] = "new";
	assert_int_equal(list(f, &f->analyst, &flt, "", next, &x), 5);
	memset(&flt, 0, sizeof(flt));
	flt.severity = "critical";
	assert_int_equal(list(f, &f->analyst, &flt, "", next, &x), 1);
	assert_int_equal(x.id[0], b_team);
	memset(&flt, 0, sizeof(flt));
	flt.org_id = f->org_a;
	assert_int_equal(list(f, &f->analyst, &flt, "", next, &x), 3);
	assert_true(contains(&x, a_new) && contains(&x, a_hi) && contains(&x, a_mine));
	memset(&flt, 0, sizeof(flt));
	flt.team_id = f->team;
	assert_int_equal(list(f, &f->analyst, &flt, "", next, &x), 1);
	/* free text finds a word of a message body */
	memset(&flt, 0, sizeof(flt));
	flt.q = "zephyrgate";
	assert_int_equal(list(f, &f->analyst, &flt, "", next, &x), 1);
	assert_int_equal(x.id[0], a_hi);
	flt.q = "nosuchwordanywhere";
	assert_int_equal(list(f, &f->analyst, &flt, "", next, &x), 0);

	/* scopes: a constituent its organisation, whatever it asks for */
	memset(&flt, 0, sizeof(flt));
	assert_int_equal(list(f, &f->cons_a, &flt, "", next, &x), 3);
	for (int k = 0; k < x.n; k++)
		assert_int_equal(get(f, x.id[k]).org_id, f->org_a);
	flt.org_id = f->org_b;
	assert_int_equal(list(f, &f->cons_a, &flt, "", next, &x), 0);
	/* a provincial analyst its province */
	memset(&flt, 0, sizeof(flt));
	assert_int_equal(list(f, &f->prov_fars, &flt, "", next, &x), 2);
	assert_true(contains(&x, b_tri) && contains(&x, b_team));
	/* a responder its team's and those assigned to it */
	assert_int_equal(list(f, &f->resp, &flt, "", next, &x), 1);
	assert_int_equal(x.id[0], b_team);
	assert_int_equal(list(f, &f->resp_out, &flt, "", next, &x), 1);
	assert_int_equal(x.id[0], a_mine);
}

/* Free text must not let a constituent probe the words of internal notes:
** "internal notes never reach a constituent". */
static void search_does_not_reveal_internal_notes(void **state)
{
	struct fx *f = *state;
	struct perr e;
	int64_t id = fresh(f, f->org_a, "medium");
	assert_int_equal(incident_message(f->t->st, &f->t->cfg, &f->analyst, "t", id,
					  "suspect the insider quintessa", "internal", NULL, &e), 0);
	struct store_incident_filter flt;
	struct ids x;
	char next[64];
	memset(&flt, 0, sizeof(flt));
	flt.q = "quintessa";
	/* staff find it by the note */
	assert_int_equal(list(f, &f->analyst, &flt, "", next, &x), 1);
	/* the constituent sees the incident, but not by the note's words */
	memset(&flt, 0, sizeof(flt));
	assert_int_equal(list(f, &f->cons_a, &flt, "", next, &x), 1);
	flt.q = "quintessa";
	assert_int_equal(list(f, &f->cons_a, &flt, "", next, &x), 0);
}

/* -------------------------------------------------------------- thread */

static void thread_visibility_and_mail(void **state)
{
	struct fx *f = *state;
	struct perr e;
	struct contact_spec en = { "Sara", "sara@a.example", NULL, NULL, "en", NULL };
	struct contact_spec fa = { "Reza", "reza@a.example", NULL, NULL, "fa", NULL };
	struct store_contact c;
	assert_int_equal(constituency_contact_add(f->t->st, NULL, "t", f->org_a, &en, &c, &e), 0);
	assert_int_equal(constituency_contact_add(f->t->st, NULL, "t", f->org_a, &fa, &c, &e), 0);
	int64_t id = fresh(f, f->org_a, "medium");
	struct mails m;
	mails_of(f, id, NULL, &m);
	assert_int_equal(m.n, 0);

	/* an internal note: no mail at all */
	struct store_message msg;
	assert_int_equal(incident_message(f->t->st, &f->t->cfg, &f->analyst, "t", id,
					  "internal: attribution unclear", "internal", &msg, &e), 0);
	assert_string_equal(msg.visibility, "internal");
	mails_of(f, id, NULL, &m);
	assert_int_equal(m.n, 0);
	/* a shared message: one mail per contact, each in their language */
	assert_int_equal(incident_message(f->t->st, &f->t->cfg, &f->analyst, "t", id,
					  "please rotate the admin passwords", "shared", &msg, &e), 0);
	mails_of(f, id, "please rotate the admin passwords", &m);
	assert_int_equal(m.n, 2);
	int got_en = 0, got_fa = 0;
	for (int k = 0; k < m.n; k++) {
		assert_string_equal(m.m[k].tmpl, "message");
		assert_true(m.m[k].body_has);
		if (strcmp(m.m[k].to, "sara@a.example") == 0) {
			got_en++;
			assert_non_null(strstr(m.m[k].subject, "New message"));
		} else if (strcmp(m.m[k].to, "reza@a.example") == 0) {
			got_fa++;
			assert_non_null(strstr(m.m[k].subject, "پاراپت"));
		} else {
			fail_msg("mail to %s", m.m[k].to);
		}
	}
	assert_int_equal(got_en, 1);
	assert_int_equal(got_fa, 1);
	/* no mail ever carries the internal note */
	mails_of(f, 0, "attribution unclear", &m);
	for (int k = 0; k < m.n; k++)
		assert_false(m.m[k].body_has);

	/* the thread as each side reads it */
	struct texts t = { .n = 0 };
	assert_int_equal(incident_messages(f->t->st, &f->cons_a, id, add_msg, &t, &e), 0);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.s[0], "please rotate the admin passwords");
	memset(&t, 0, sizeof(t));
	assert_int_equal(incident_messages(f->t->st, &f->analyst, id, add_msg, &t, &e), 0);
	assert_int_equal(t.n, 2);
	assert_true(has(&t, "internal: attribution unclear"));
	/* another organisation's constituent: not found */
	assert_int_equal(incident_messages(f->t->st, &f->cons_b, id, add_msg, &t, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);

	/* a constituent answers in shared messages only */
	assert_int_equal(incident_message(f->t->st, &f->t->cfg, &f->cons_a, "c", id, "done",
					  "internal", NULL, &e), -1);
	assert_int_equal(e.kind, PERR_FORBIDDEN);
	assert_int_equal(incident_message(f->t->st, &f->t->cfg, &f->cons_b, "c", id, "hi", "shared",
					  NULL, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	/* its answer goes to the assignee, not back to its own contacts */
	assert_int_equal(incident_assign(f->t->st, &f->t->cfg, &f->analyst, "t", id, f->resp_id, 0,
					 NULL, &e), 0);
	mails_of(f, id, NULL, &m);
	int before = m.n;
	assert_int_equal(incident_message(f->t->st, &f->t->cfg, &f->cons_a, "c", id,
					  "passwords rotated", NULL, &msg, &e), 0);
	assert_string_equal(msg.visibility, "shared");
	mails_of(f, id, "passwords rotated", &m);
	assert_int_equal(m.n, before + 1);
	int to_resp = 0;
	for (int k = 0; k < m.n; k++)
		if (m.m[k].body_has) {
			assert_string_equal(m.m[k].to, "resp@cert.example");
			to_resp++;
		}
	assert_int_equal(to_resp, 1);

	/* containment is news the organisation hears of, in its language */
	move(f, id, "triaged");
	mails_of(f, id, NULL, &m);
	before = m.n;
	move(f, id, "contained");
	mails_of(f, id, NULL, &m);
	assert_int_equal(m.n, before + 2);
}

static void constituent_reports_and_evidence(void **state)
{
	struct fx *f = *state;
	struct perr e;
	struct store_incident i;
	/* a constituent reports for its own organisation: new, source report */
	struct incident_spec s = { f->org_a, "phishing mail to staff", "see attachment", NULL,
				   NULL, NULL, NULL };
	assert_int_equal(incident_create(f->t->st, &f->t->cfg, &f->cons_a, "c", &s, &i, &e), 0);
	assert_string_equal(i.status, "new");
	assert_string_equal(i.source, "report");
	assert_string_equal(i.severity, "medium");
	assert_string_equal(i.tlp, "AMBER");
	/* not for another organisation */
	struct incident_spec o = s;
	o.org_id = f->org_b;
	assert_int_equal(incident_create(f->t->st, &f->t->cfg, &f->cons_a, "c", &o, NULL, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID); /* as for a missing organisation */
	/* staff-made incidents are manual */
	struct store_incident m;
	assert_int_equal(incident_create(f->t->st, &f->t->cfg, &f->analyst, "a", &o, &m, &e), 0);
	assert_string_equal(m.source, "manual");

	/* evidence: content-addressed, internal hidden from the constituent */
	struct store_evidence ev, ev2, ev3;
	const char data[] = "GET /shell.php HTTP/1.1";
	assert_int_equal(incident_evidence_add(f->t->st, &f->t->cfg, &f->cons_a, "c", f->blobs,
					       i.id, "../../etc/access.log", data, sizeof(data) - 1,
					       NULL, &ev, &e), 0);
	assert_string_equal(ev.name, "access.log");
	assert_string_equal(ev.visibility, "shared");
	uint8_t d[32];
	char hex[65];
	core_sha256(data, sizeof(data) - 1, d);
	core_hex(d, 32, hex);
	assert_string_equal(ev.sha256, hex);
	assert_int_equal(incident_evidence_add(f->t->st, &f->t->cfg, &f->analyst, "a", f->blobs,
					       i.id, "copy.log", data, sizeof(data) - 1, "internal",
					       &ev2, &e), 0);
	assert_string_equal(ev2.sha256, ev.sha256);
	assert_int_equal(incident_evidence_add(f->t->st, &f->t->cfg, &f->cons_a, "c", f->blobs,
					       i.id, "x", data, 3, "internal", &ev3, &e), -1);
	assert_int_equal(e.kind, PERR_FORBIDDEN);
	char path[1400];
	assert_int_equal(incident_evidence_get(f->t->st, &f->cons_a, f->blobs, i.id, ev.id, &ev3,
					       path, sizeof(path), &e), 0);
	assert_int_equal(access(path, R_OK), 0);
	assert_int_equal(incident_evidence_get(f->t->st, &f->cons_a, f->blobs, i.id, ev2.id, &ev3,
					       path, sizeof(path), &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	assert_int_equal(incident_evidence_get(f->t->st, &f->cons_b, f->blobs, i.id, ev.id, &ev3,
					       path, sizeof(path), &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	struct texts t = { .n = 0 };
	assert_int_equal(incident_evidence_list(f->t->st, &f->cons_a, i.id, add_ev, &t, &e), 0);
	assert_int_equal(t.n, 1);
	/* the size limit */
	struct config small = f->t->cfg;
	small.evidence_max = 4;
	assert_int_equal(incident_evidence_add(f->t->st, &small, &f->analyst, "a", f->blobs, i.id,
					       "big", data, 5, NULL, NULL, &e), -1);
	assert_int_equal(e.kind, PERR_LIMIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lifecycle_every_pair),
		cmocka_unit_test(lifecycle_who_may_move),
		cmocka_unit_test(milestones_and_durations),
		cmocka_unit_test(report_dedup),
		cmocka_unit_test(report_reopens_after_close),
		cmocka_unit_test(merge_moves_everything),
		cmocka_unit_test(sla_state_clock),
		cmocka_unit_test_setup_teardown(sla_sweep_escalates_once, setup, teardown),
		cmocka_unit_test_setup_teardown(routing_to_oncall, setup, teardown),
		cmocka_unit_test_setup_teardown(routing_rule_text_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(list_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(list_filters_and_scopes, setup, teardown),
		cmocka_unit_test_setup_teardown(search_does_not_reveal_internal_notes, setup, teardown),
		cmocka_unit_test_setup_teardown(thread_visibility_and_mail, setup, teardown),
		cmocka_unit_test(constituent_reports_and_evidence),
	};
	return cmocka_run_group_tests_name("incident", tests, setup, teardown);
}
