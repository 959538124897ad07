/*
** test_advisory_track.c — advisory tracking on a real store: the signed
** links of advisory mails (tampered, expired, replayed, used by another
** organisation, malformed), the target state rule (forward only, scope,
** reasons), the sweep's reminders and escalations on an injected clock,
** and verification by later scans.
**
** Advisory rows are written with plain SQL (a second connection): the
** record part of issue 14 (store_advisory_insert) is built in parallel.
** Targets are written through store_adtarget.c as publishing writes them,
** so none of this needs targeting (advisory_targets_compute); publishing
** itself is tested end to end in tests/integration/test_advisory_track.c.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <sys/stat.h>

#include "advisory/advisory.h"
#include "identity/identity.h"
#include "testutil.h"

#define HOUR 3600000LL
#define DEADLINE 1800000000000LL /* 2027-01-15T08:00:00Z */

struct fx {
	struct tdb *t;
	int64_t org_a, org_b; /* Tehran, Yazd */
	int64_t adv;
};

static void sql(struct fx *f, const char *q)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->t->path, &db), SQLITE_OK);
	char *msg = NULL;
	if (sqlite3_exec(db, q, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("sql: %s: %s", q, msg);
	sqlite3_close(db);
}

static int64_t add_org(struct fx *f, const char *name, const char *prov)
{
	struct store_org o = { 0 };
	struct perr e;
	snprintf(o.name, sizeof(o.name), "%s", name);
	snprintf(o.province, sizeof(o.province), "%s", prov);
	if (store_org_insert(f->t->st, &o, &e) != 0)
		fail_msg("org: %s", e.msg);
	return o.id;
}

static void add_contact(struct fx *f, int64_t org, const char *email, const char *lang)
{
	struct store_contact c = { .org_id = org };
	struct perr e;
	snprintf(c.name, sizeof(c.name), "%s", email);
	snprintf(c.email, sizeof(c.email), "%s", email);
	snprintf(c.lang, sizeof(c.lang), "%s", lang);
	if (store_contact_insert(f->t->st, &c, &e) != 0)
		fail_msg("contact: %s", e.msg);
}

static int64_t add_user(struct fx *f, const char *login, const char *role, int64_t org,
			const char *prov, const char *email)
{
	struct store_user u = { .org_id = org };
	struct perr e;
	snprintf(u.login, sizeof(u.login), "%s", login);
	snprintf(u.role, sizeof(u.role), "%s", role);
	snprintf(u.province, sizeof(u.province), "%s", prov ? prov : "");
	snprintf(u.email, sizeof(u.email), "%s", email ? email : "");
	snprintf(u.pwhash, sizeof(u.pwhash), "x");
	if (store_user_insert(f->t->st, &u, &e) != 0)
		fail_msg("user: %s", e.msg);
	return u.id;
}

static void principal(struct fx *f, const char *login, struct principal *p)
{
	struct store_user u;
	struct perr e;
	assert_int_equal(store_user_by_login(f->t->st, login, &u, &e), 0);
	assert_int_equal(identity_principal_from_user(f->t->st, &u, p, &e), 0);
}

/* A published advisory on MikroTik RouterOS below 6.42.1, and org_a as its
** target (state notified) with one evidence host. */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	f->t = tdb_open();
	f->org_a = add_org(f, "Ministry of Roads", "Tehran");
	f->org_b = add_org(f, "Yazd Water", "Yazd");
	add_contact(f, f->org_a, "soc@roads.example", "en");
	add_contact(f, f->org_a, "amniat@roads.example", "fa");
	add_contact(f, f->org_b, "soc@water.example", "en");
	char q[2048];
	snprintf(q, sizeof(q),
		 "INSERT INTO advisory(id, ref, version, status, title, tlp, cvss_base, severity, "
		 "exploited, deadline_ms, doc, actor, created_ms, updated_ms, published_ms) VALUES "
		 "(1, 'PARAPET-2026-0001', 1, 'published', 'RouterOS Winbox flaw', 'AMBER', 9.1, "
		 "'critical', 1, %lld, '{\"title\": {\"en\": \"RouterOS Winbox flaw\", \"fa\": "
		 "\"آسیب‌پذیری وین‌باکس روترOS\"}, \"summary\": {\"en\": \"Upgrade.\"}, \"cves\": "
		 "[\"CVE-2018-14847\"], \"products\": [{\"cpe\": "
		 "\"cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*\", \"end\": \"6.42.1\", "
		 "\"end_incl\": false}], \"actions\": [{\"kind\": \"patch\", \"url\": "
		 "\"https://mikrotik.com/download\"}]}', 'user:ana', 1, 1, 1)",
		 (long long)DEADLINE);
	sql(f, q);
	f->adv = 1;
	struct store_advisory_target t = { .advisory_id = 1, .org_id = f->org_a, .version = 1,
					   .notified_ms = DEADLINE - 240 * HOUR,
					   .updated_ms = DEADLINE - 240 * HOUR, .hosts = 1 };
	snprintf(t.state, sizeof(t.state), "notified");
	struct perr e;
	assert_int_equal(store_advisory_target_insert(f->t->st, &t, &e), 0);
	assert_int_equal(store_advisory_target_host_add(f->t->st, 1, f->org_a, "192.0.2.10", 8291,
							&e), 0);
	add_user(f, "ana", "analyst", 0, NULL, "ana@cert.example");
	add_user(f, "teh", "provincial", 0, "Tehran", "teh@cert.example");
	add_user(f, "yzd", "provincial", 0, "Yazd", "yzd@cert.example");
	add_user(f, "roads", "constituent", f->org_a, NULL, NULL);
	add_user(f, "water", "constituent", f->org_b, NULL, NULL);
	int64_t lead = add_user(f, "lead", "responder", 0, NULL, "lead@cert.example");
	struct store_team tm = { 0 };
	snprintf(tm.name, sizeof(tm.name), "national");
	assert_int_equal(store_team_insert(f->t->st, &tm, &e), 0);
	assert_int_equal(store_team_set_lead(f->t->st, tm.id, lead, &e), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char key[160];
	snprintf(key, sizeof(key), "%s/advisory-link.key", f->t->dir);
	unlink(key);
	tdb_close(f->t);
	free(f);
	return 0;
}

static struct store_advisory_target get(struct fx *f, int64_t org)
{
	struct store_advisory_target t;
	struct perr e;
	if (store_advisory_target_get(f->t->st, f->adv, org, &t, NULL, 0, &e) != 0)
		fail_msg("target: %s", e.msg);
	return t;
}

static int set(struct fx *f, const struct principal *p, int64_t org, const char *state,
	       const char *reason, struct perr *e)
{
	perr_clear(e);
	return advisory_target_set(f->t->st, &f->t->cfg, p, "test", f->adv, org, state, reason,
				   DEADLINE - 100 * HOUR, e);
}

/* ---------------------------------------------------------------- links */

static void link_make(struct fx *f, const char *action, int64_t org, int64_t exp, char *tok)
{
	struct perr e;
	if (advisory_link_make(f->t->dir, f->adv, org, action, exp, tok, ADVISORY_LINK_MAX, &e) != 0)
		fail_msg("link: %s", e.msg);
}

static void test_link_key_private(void **state)
{
	struct fx *f = *state;
	char tok[ADVISORY_LINK_MAX], path[256];
	link_make(f, "ack", f->org_a, DEADLINE, tok);
	snprintf(path, sizeof(path), "%s/advisory-link.key", f->t->dir);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, 32);
	/* the same key next time: an old mail's link still works */
	char again[ADVISORY_LINK_MAX];
	link_make(f, "ack", f->org_a, DEADLINE, again);
	assert_string_equal(tok, again);
	/* a key others may read is refused, not used */
	chmod(path, 0644);
	struct perr e;
	assert_int_equal(advisory_link_make(f->t->dir, 1, f->org_a, "ack", DEADLINE, again,
					    sizeof(again), &e), -1);
	chmod(path, 0600);
}

static void test_link_check(void **state)
{
	struct fx *f = *state;
	char tok[ADVISORY_LINK_MAX], action[8];
	int64_t id, org;
	struct perr e;
	link_make(f, "ack", f->org_a, DEADLINE, tok);
	assert_int_equal(advisory_link_check(f->t->dir, tok, DEADLINE - 1, &id, &org, action, &e), 0);
	assert_int_equal(id, f->adv);
	assert_int_equal(org, f->org_a);
	assert_string_equal(action, "ack");
	/* expired: the moment it ends and after */
	assert_int_equal(advisory_link_check(f->t->dir, tok, DEADLINE, &id, &org, action, &e), -1);
	assert_int_equal(e.kind, PERR_FORBIDDEN);
	/* tampered: each byte of the payload and of the signature */
	size_t n = strlen(tok);
	for (size_t i = 0; i < n; i++) {
		if (tok[i] == '.')
			continue;
		char bad[ADVISORY_LINK_MAX];
		memcpy(bad, tok, n + 1);
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		perr_clear(&e);
		assert_int_equal(advisory_link_check(f->t->dir, bad, 1, &id, &org, action, &e), -1);
		assert_int_equal(e.kind, PERR_INVALID);
	}
	/* another organisation's link cannot be made from this one: the payload
	** of org_b's link with org_a's signature is refused */
	char other[ADVISORY_LINK_MAX], mixed[2 * ADVISORY_LINK_MAX];
	link_make(f, "ack", f->org_b, DEADLINE, other);
	snprintf(mixed, sizeof(mixed), "%.*s%s", (int)(strchr(other, '.') - other), other,
		 strchr(tok, '.'));
	assert_int_equal(advisory_link_check(f->t->dir, mixed, 1, &id, &org, action, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	/* malformed */
	const char *junk[] = { "", "nodot", ".", "a.b", "!!!.###", tok + 1,
			       "djE6MTox.AAAA" };
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		perr_clear(&e);
		assert_int_equal(advisory_link_check(f->t->dir, junk[i], 1, &id, &org, action, &e),
				 -1);
		assert_int_equal(e.kind, PERR_INVALID);
	}
	char longer[600];
	memset(longer, 'A', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = 0;
	longer[10] = '.';
	assert_int_equal(advisory_link_check(f->t->dir, longer, 1, &id, &org, action, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	/* a key from another deployment does not sign for this one */
	char dir2[64];
	snprintf(dir2, sizeof(dir2), "/tmp/parapet-unit-XXXXXX");
	assert_non_null(mkdtemp(dir2));
	char foreign[ADVISORY_LINK_MAX], kp[128];
	assert_int_equal(advisory_link_make(dir2, 1, f->org_a, "ack", DEADLINE, foreign,
					    sizeof(foreign), &e), 0);
	assert_int_equal(advisory_link_check(f->t->dir, foreign, 1, &id, &org, action, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	snprintf(kp, sizeof(kp), "%s/advisory-link.key", dir2);
	unlink(kp);
	rmdir(dir2);
}

static void test_link_use(void **state)
{
	struct fx *f = *state;
	char read[ADVISORY_LINK_MAX], ack[ADVISORY_LINK_MAX], action[8];
	int64_t id, org;
	struct perr e;
	struct principal water, roads, yzd;
	principal(f, "water", &water);
	principal(f, "roads", &roads);
	principal(f, "yzd", &yzd);
	link_make(f, "read", f->org_a, DEADLINE, read);
	link_make(f, "ack", f->org_a, DEADLINE, ack);
	/* another organisation's signed-in user, or another province's analyst */
	assert_int_equal(advisory_link_use(f->t->st, &f->t->cfg, f->t->dir, &water, ack, true, 5, &id,
					   &org, action, &e), -1);
	assert_int_equal(e.kind, PERR_FORBIDDEN);
	assert_int_equal(advisory_link_use(f->t->st, &f->t->cfg, f->t->dir, &yzd, ack, true, 5, &id,
					   &org, action, &e), -1);
	assert_int_equal(e.kind, PERR_FORBIDDEN);
	assert_string_equal(get(f, f->org_a).state, "notified");
	/* the organisation's own user, then an anonymous holder of the mail */
	assert_int_equal(advisory_link_use(f->t->st, &f->t->cfg, f->t->dir, &roads, read, true, 5, &id,
					   &org, action, &e), 0);
	assert_string_equal(action, "read");
	assert_string_equal(get(f, f->org_a).state, "read");
	/* opening the acknowledge link (a person reading, or a mail scanner
	** following it) only says what it does; the click acknowledges */
	assert_int_equal(advisory_link_use(f->t->st, &f->t->cfg, f->t->dir, NULL, ack, false, 6,
					   &id, &org, action, &e), 0);
	assert_string_equal(action, "ack");
	assert_string_equal(get(f, f->org_a).state, "read");
	assert_int_equal(advisory_link_use(f->t->st, &f->t->cfg, f->t->dir, NULL, ack, true, 7, &id,
					   &org, action, &e), 0);
	struct store_advisory_target t = get(f, f->org_a);
	assert_string_equal(t.state, "acknowledged");
	assert_int_equal(t.ack_ms, 7);
	assert_int_equal(t.read_ms, 5);
	/* replays, and the read link after the acknowledgement: nothing moves */
	assert_int_equal(advisory_link_use(f->t->st, &f->t->cfg, f->t->dir, NULL, ack, true, 9, &id,
					   &org, action, &e), 0);
	assert_int_equal(advisory_link_use(f->t->st, &f->t->cfg, f->t->dir, NULL, read, true, 9, &id,
					   &org, action, &e), 0);
	t = get(f, f->org_a);
	assert_string_equal(t.state, "acknowledged");
	assert_int_equal(t.ack_ms, 7);
	/* a link for an organisation that is no target */
	char none[ADVISORY_LINK_MAX];
	link_make(f, "ack", f->org_b, DEADLINE, none);
	assert_int_equal(advisory_link_use(f->t->st, &f->t->cfg, f->t->dir, NULL, none, true, 5, &id,
					   &org, action, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
}

/* ------------------------------------------------------------- states */

static void test_states_forward_only(void **state)
{
	struct fx *f = *state;
	struct perr e;
	assert_int_equal(set(f, NULL, f->org_a, "read", NULL, &e), 0);
	assert_int_equal(set(f, NULL, f->org_a, "read", NULL, &e), 0); /* no-op */
	assert_int_equal(set(f, NULL, f->org_a, "acknowledged", NULL, &e), 0);
	assert_int_equal(set(f, NULL, f->org_a, "read", NULL, &e), -1);
	assert_int_equal(e.kind, PERR_CONFLICT);
	assert_int_equal(set(f, NULL, f->org_a, "patched", NULL, &e), 0);
	struct store_advisory_target t = get(f, f->org_a);
	assert_string_equal(t.state, "patched");
	assert_true(t.patched_ms > 0 && t.ack_ms > 0 && t.read_ms > 0);
	assert_int_equal(set(f, NULL, f->org_a, "acknowledged", NULL, &e), -1);
	assert_int_equal(e.kind, PERR_CONFLICT);
	assert_int_equal(set(f, NULL, f->org_a, "not_affected", "no such router", &e), -1);
	assert_int_equal(e.kind, PERR_CONFLICT);
	/* the deadline's and the scans' states are not set by hand */
	const char *machine[] = { "overdue", "verified", "still_seen", "notified", "bogus", "" };
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(set(f, NULL, f->org_a, machine[i], NULL, &e), -1);
		assert_int_equal(e.kind, PERR_INVALID);
		assert_string_equal(e.field, "state");
	}
	assert_string_equal(get(f, f->org_a).state, "patched");
}

static void test_states_not_affected_reason(void **state)
{
	struct fx *f = *state;
	struct perr e;
	assert_int_equal(set(f, NULL, f->org_a, "not_affected", NULL, &e), -1);
	assert_string_equal(e.field, "reason");
	assert_int_equal(set(f, NULL, f->org_a, "not_affected", "", &e), -1);
	char big[600];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_int_equal(set(f, NULL, f->org_a, "not_affected", big, &e), -1);
	assert_string_equal(e.field, "reason");
	assert_string_equal(get(f, f->org_a).state, "notified");
	assert_int_equal(set(f, NULL, f->org_a, "not_affected", "the routers were replaced in 2025",
			     &e), 0);
	struct store_advisory_target t = get(f, f->org_a);
	assert_string_equal(t.state, "not_affected");
	assert_string_equal(t.reason, "the routers were replaced in 2025");
}

static void test_states_scope(void **state)
{
	struct fx *f = *state;
	struct perr e;
	struct principal water, roads, yzd, teh;
	principal(f, "water", &water);
	principal(f, "roads", &roads);
	principal(f, "yzd", &yzd);
	principal(f, "teh", &teh);
	/* another organisation's constituent, another province's analyst:
	** the target is not theirs to see */
	assert_int_equal(set(f, &water, f->org_a, "acknowledged", NULL, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	assert_int_equal(set(f, &yzd, f->org_a, "acknowledged", NULL, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	assert_string_equal(get(f, f->org_a).state, "notified");
	assert_int_equal(set(f, &roads, f->org_a, "acknowledged", NULL, &e), 0);
	assert_int_equal(set(f, &teh, f->org_a, "patched", NULL, &e), 0);
	assert_string_equal(get(f, f->org_a).state, "patched");
	/* each change is in the audit log with who made it */
	json_t *v;
	assert_int_equal(advisory_targets(f->t->st, &water, f->adv, &v, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	assert_int_equal(advisory_targets(f->t->st, &yzd, f->adv, &v, &e), 0);
	assert_int_equal(json_array_size(json_object_get(v, "targets")), 0);
	json_decref(v);
	assert_int_equal(advisory_targets(f->t->st, &roads, f->adv, &v, &e), 0);
	assert_int_equal(json_array_size(json_object_get(v, "targets")), 1);
	json_decref(v);
}

struct mails { int n; char to[8][320]; char subj[8][400]; };

static int count_outbox(void *ud, const struct store_outbox *o)
{
	struct mails *c = ud;
	if (c->n < 8) {
		snprintf(c->to[c->n], sizeof(c->to[0]), "%s", o->recipient);
		snprintf(c->subj[c->n], sizeof(c->subj[0]), "%s", o->subject);
	}
	c->n++;
	return 0;
}

static struct mails outbox(struct fx *f)
{
	struct mails m = { 0 };
	struct perr e;
	if (store_outbox_list(f->t->st, NULL, 0, 100, count_outbox, &m, &e) != 0)
		fail_msg("outbox: %s", e.msg);
	return m;
}

static bool mailed(const struct mails *m, const char *to, const char *subj)
{
	for (int i = 0; i < m->n && i < 8; i++)
		if (strcmp(m->to[i], to) == 0 && strstr(m->subj[i], subj))
			return true;
	return false;
}

static void sweep(struct fx *f, int64_t at, struct advisory_sweep_counts *n)
{
	struct perr e;
	assert_int_equal(store_begin(f->t->st, &e), 0);
	if (advisory_sweep(f->t->st, &f->t->cfg, at, n, &e) != 0)
		fail_msg("sweep: %s", e.msg);
	assert_int_equal(store_commit(f->t->st, &e), 0);
}

static void test_sweep_remind_escalate(void **state)
{
	struct fx *f = *state;
	struct advisory_sweep_counts n;
	sweep(f, DEADLINE - 72 * HOUR, &n); /* before the reminder window (48 h) */
	assert_int_equal(n.reminded + n.overdue + n.escalated, 0);
	assert_int_equal(outbox(f).n, 0);
	sweep(f, DEADLINE - 24 * HOUR, &n);
	assert_int_equal(n.reminded, 1);
	struct mails m = outbox(f);
	assert_int_equal(m.n, 2); /* both contacts, each in their language */
	assert_true(mailed(&m, "soc@roads.example", "Reminder: 24 hours left"));
	assert_true(mailed(&m, "amniat@roads.example", "یادآوری"));
	sweep(f, DEADLINE - 23 * HOUR, &n); /* once */
	assert_int_equal(n.reminded, 0);
	assert_int_equal(outbox(f).n, 2);
	sweep(f, DEADLINE + HOUR, &n);
	assert_int_equal(n.overdue, 1);
	assert_int_equal(n.escalated, 1);
	assert_string_equal(get(f, f->org_a).state, "overdue");
	m = outbox(f);
	/* the province's analyst and the team lead; not the other province's */
	assert_int_equal(m.n, 4);
	assert_true(mailed(&m, "teh@cert.example", "Deadline passed: Ministry of Roads"));
	assert_true(mailed(&m, "lead@cert.example", "Deadline passed"));
	assert_false(mailed(&m, "yzd@cert.example", ""));
	sweep(f, DEADLINE + 48 * HOUR, &n); /* once, across any number of passes */
	assert_int_equal(n.overdue + n.escalated + n.reminded, 0);
	assert_int_equal(outbox(f).n, 4);
	/* late, the organisation still acknowledges (recorded) and patches */
	struct perr e;
	assert_int_equal(set(f, NULL, f->org_a, "acknowledged", NULL, &e), 0);
	struct store_advisory_target t = get(f, f->org_a);
	assert_string_equal(t.state, "overdue");
	assert_true(t.ack_ms > 0);
	assert_int_equal(set(f, NULL, f->org_a, "patched", NULL, &e), 0);
	assert_string_equal(get(f, f->org_a).state, "patched");
}

static void test_sweep_spares_patched(void **state)
{
	struct fx *f = *state;
	struct perr e;
	assert_int_equal(set(f, NULL, f->org_a, "patched", NULL, &e), 0);
	struct advisory_sweep_counts n;
	sweep(f, DEADLINE - 24 * HOUR, &n);
	sweep(f, DEADLINE + HOUR, &n);
	assert_int_equal(n.overdue + n.escalated, 0);
	assert_int_equal(outbox(f).n, 0);
	assert_string_equal(get(f, f->org_a).state, "patched");
}

/* ------------------------------------------------------------ scans */

static void seen(struct fx *f, const char *ip, int64_t port, const char *version, int64_t file,
		 int64_t at)
{
	struct store_host_product h = { .org_id = f->org_a, .port = port, .first_ms = at,
					.last_ms = at, .file_id = file };
	snprintf(h.ip, sizeof(h.ip), "%s", ip);
	snprintf(h.type, sizeof(h.type), "scan_telnet");
	snprintf(h.vendor, sizeof(h.vendor), "mikrotik");
	snprintf(h.product, sizeof(h.product), "routeros");
	snprintf(h.version, sizeof(h.version), "%s", version);
	struct perr e;
	if (store_host_product_upsert(f->t->st, &h, &e) != 0)
		fail_msg("host product: %s", e.msg);
}

static void verify(struct fx *f, int64_t file, int64_t at)
{
	struct perr e;
	if (advisory_scan_verify(f->t->st, &f->t->cfg, "scan_telnet", file, at, &e) != 0)
		fail_msg("verify: %s", e.msg);
}

static void test_scan_still_seen_then_verified(void **state)
{
	struct fx *f = *state;
	struct perr e;
	seen(f, "192.0.2.10", 8291, "6.42", 1, 1000);
	verify(f, 1, 1000);
	assert_string_equal(get(f, f->org_a).state, "notified"); /* still vulnerable, no claim */
	assert_int_equal(set(f, NULL, f->org_a, "patched", NULL, &e), 0);
	/* the next day's report still sees the host at a vulnerable version */
	seen(f, "192.0.2.10", 8291, "6.42", 2, 2000);
	verify(f, 2, 2000);
	struct store_advisory_target t = get(f, f->org_a);
	assert_string_equal(t.state, "still_seen");
	assert_int_equal(t.verified_ms, 2000);
	json_t *v;
	assert_int_equal(advisory_targets(f->t->st, NULL, f->adv, &v, &e), 0);
	json_t *t0 = json_array_get(json_object_get(v, "targets"), 0);
	assert_string_equal(json_string_value(json_object_get(t0, "flag")),
			    "claimed patched, still seen");
	json_decref(v);
	/* a report that saw another host only says nothing of this one... */
	seen(f, "192.0.2.99", 23, "6.40", 3, 3000);
	verify(f, 3, 3000);
	t = get(f, f->org_a);
	assert_string_equal(t.state, "verified");
	assert_int_equal(t.verified_ms, 3000);
}

static void test_scan_fixed_version(void **state)
{
	struct fx *f = *state;
	seen(f, "192.0.2.10", 8291, "6.42", 1, 1000);
	/* seen again, upgraded past the range's end (excluding 6.42.1) */
	seen(f, "192.0.2.10", 8291, "6.42.1", 2, 2000);
	verify(f, 2, 2000);
	assert_string_equal(get(f, f->org_a).state, "verified");
}

static void test_scan_ignores_empty_or_old_file(void **state)
{
	struct fx *f = *state;
	seen(f, "192.0.2.10", 8291, "6.42", 5, 5000);
	/* an older file imported late refreshes nothing: it must not verify */
	seen(f, "192.0.2.10", 8291, "6.41", 4, 4000);
	verify(f, 4, 4000);
	verify(f, 99, 6000); /* a file that saw no product */
	assert_string_equal(get(f, f->org_a).state, "notified");
}

static void exposed(struct fx *f, const char *ip, int64_t file, int64_t at)
{
	struct store_host_product h = { .org_id = f->org_a, .port = 4786, .first_ms = at,
					.last_ms = at, .file_id = file };
	snprintf(h.ip, sizeof(h.ip), "%s", ip);
	snprintf(h.type, sizeof(h.type), "scan_cisco_smart_install");
	snprintf(h.exposure, sizeof(h.exposure), "cisco-smart-install");
	struct perr e;
	if (store_host_product_upsert(f->t->st, &h, &e) != 0)
		fail_msg("host product: %s", e.msg);
}

/* A host that targeting counted by its service exposure, which the
** advisory's products do not name (a CSAF product tree has no exposure):
** still exposed is still vulnerable; gone is verified. */
static void test_scan_exposure_evidence(void **state)
{
	struct fx *f = *state;
	struct perr e;
	assert_int_equal(store_advisory_target_host_add(f->t->st, 1, f->org_a, "192.0.2.20", 4786,
							&e), 0);
	exposed(f, "192.0.2.20", 1, 1000);
	assert_int_equal(set(f, NULL, f->org_a, "patched", NULL, &e), 0);
	exposed(f, "192.0.2.20", 2, 2000);
	assert_int_equal(advisory_scan_verify(f->t->st, &f->t->cfg, "scan_cisco_smart_install", 2,
					      2000, &e), 0);
	assert_string_equal(get(f, f->org_a).state, "still_seen");
	/* the RouterOS evidence host is another report type's: not judged here */
	exposed(f, "192.0.2.77", 3, 3000);
	assert_int_equal(advisory_scan_verify(f->t->st, &f->t->cfg, "scan_cisco_smart_install", 3,
					      3000, &e), 0);
	assert_string_equal(get(f, f->org_a).state, "verified");
}

static void test_summary(void **state)
{
	struct fx *f = *state;
	struct perr e;
	/* a second target, acknowledged after 10 hours and verified */
	struct store_advisory_target t = { .advisory_id = 1, .org_id = f->org_b, .version = 1,
					   .notified_ms = DEADLINE - 240 * HOUR,
					   .ack_ms = DEADLINE - 230 * HOUR,
					   .read_ms = DEADLINE - 231 * HOUR,
					   .patched_ms = DEADLINE - 200 * HOUR,
					   .verified_ms = DEADLINE - 100 * HOUR,
					   .updated_ms = DEADLINE - 100 * HOUR };
	snprintf(t.state, sizeof(t.state), "verified");
	assert_int_equal(store_advisory_target_insert(f->t->st, &t, &e), 0);
	json_t *v;
	assert_int_equal(advisory_targets(f->t->st, NULL, f->adv, &v, &e), 0);
	json_t *s = json_object_get(v, "summary");
	assert_int_equal(json_integer_value(json_object_get(s, "warned")), 2);
	assert_int_equal(json_integer_value(json_object_get(s, "days_before_deadline")), 10);
	assert_int_equal(json_integer_value(json_object_get(s, "acknowledged")), 1);
	assert_true(json_real_value(json_object_get(s, "ack_median_hours")) == 10.0);
	assert_int_equal(json_integer_value(json_object_get(s, "patched")), 1);
	assert_int_equal(json_integer_value(json_object_get(s, "verified")), 1);
	assert_string_equal(json_string_value(json_object_get(s, "text")),
			    "warned 2 organisations 10 days before the deadline; 1 acknowledged "
			    "within a median of 10.0 hours; 1 patched, 1 verified by scan");
	json_t *tot = json_object_get(v, "totals");
	assert_int_equal(json_integer_value(json_object_get(tot, "notified")), 1);
	assert_int_equal(json_integer_value(json_object_get(tot, "verified")), 1);
	assert_int_equal(json_integer_value(json_object_get(tot, "overdue")), 0);
	json_decref(v);
}

/* advisory_update's mail: every target told once what changed, in its
** contacts' languages; the version recorded so a publish does not resend. */
static void test_notify_update(void **state)
{
	struct fx *f = *state;
	struct perr e;
	sql(f, "UPDATE advisory SET version = 2");
	assert_int_equal(advisory_notify_update(f->t->st, &f->t->cfg, f->adv, 2,
						"Version 6.42.1 is also affected.", &e), 0);
	struct mails m = outbox(f);
	assert_int_equal(m.n, 2);
	assert_true(mailed(&m, "soc@roads.example", "Advisory updated (version 2)"));
	assert_true(mailed(&m, "amniat@roads.example", "به‌روزرسانی اطلاعیه (نسخهٔ 2)"));
	assert_int_equal(get(f, f->org_a).version, 2);
	assert_string_equal(get(f, f->org_a).state, "notified");
	assert_int_equal(advisory_notify_update(f->t->st, &f->t->cfg, f->adv, 2, NULL, &e), 0);
	assert_int_equal(outbox(f).n, 2);
	char big[4100];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_int_equal(advisory_notify_update(f->t->st, &f->t->cfg, f->adv, 3, big, &e), -1);
	assert_string_equal(e.field, "changes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_link_key_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_use, setup, teardown),
		cmocka_unit_test_setup_teardown(test_states_forward_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_states_not_affected_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(test_states_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_remind_escalate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_spares_patched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_still_seen_then_verified, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_fixed_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_ignores_empty_or_old_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_exposure_evidence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_summary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify_update, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
