/*
** incident_cmds.c — `parapet incident ...`, `team ...`, `route ...` and
** `sla sweep`: the incident hub from the command line.
**
** Same functions as the API, run as the local operator (no scope limits),
** each write in one transaction. Output is a line per item for people, or
** JSON with --json.
*/
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "incident/incident.h"
#include "notify/notify.h"








static json_t *inc_json(const struct store_incident *i)
{
	return json_pack("{sI sI ss ss ss ss ss ss sI ss ss ss}", "id", (json_int_t)i->id,
			 "org_id", (json_int_t)i->org_id, "org_name", i->org_name, "title",
			 i->title, "status", i->status, "severity", i->severity, "tlp", i->tlp,
			 "class", i->class_, "observations", (json_int_t)i->observations, "kind",
			 i->kind, "source", i->source, "type", i->type);
}

static void print_inc(const struct cli *c, const struct store_incident *i)
{
	if (c->json) {
		cli_print_json(inc_json(i));
		return;
	}
	printf("#%-6lld %-11s %-8s %-12s %s — %s\n", (long long)i->id, i->status, i->severity,
	       i->tlp, i->org_name, i->title);
}

/* Open the store, run body inside a transaction, commit, close. */
struct txn {
	struct store *st;
	struct perr err;
};

static int txn_begin(struct cli *c, struct txn *t)
{
	perr_clear(&t->err);
	if (cli_open(c, &t->st) != 0)
		return -1;
	if (store_begin(t->st, &t->err) != 0) {
		cli_fail(&t->err);
		store_close(t->st);
		return -1;
	}
	return 0;
}

/* Commit when ok, otherwise roll back and report; closes the store.
** Returns the exit status. */
static int txn_end(struct txn *t, bool ok)
{
	int rc = 0;
	if (ok && store_commit(t->st, &t->err) == 0) {
		rc = 0;
	} else {
		if (ok)
			ok = false;
		store_rollback(t->st);
		rc = cli_fail(&t->err);
	}
	store_close(t->st);
	return rc;
}

/* ------------------------------------------------------------- incidents */

int cmd_incident_report(struct cli *c, int argc, char **argv)
{
	static const char *valued[] = { "--severity", "--summary", "--title", "--evidence", NULL };
	char *pos[3];
	bool bad = false;
	struct incident_report_spec s;
	memset(&s, 0, sizeof(s));
	if (cli_positional(argc, argv, valued, NULL, pos, 3, NULL) != 3 || cli_id(pos[0], &s.org_id) != 0)
		return cli_usage_of("incident report");
	s.kind = pos[1];
	s.key = pos[2];
	s.severity = cli_opt(argc, argv, "--severity", &bad);
	s.summary = cli_opt(argc, argv, "--summary", &bad);
	s.title = cli_opt(argc, argv, "--title", &bad);
	s.evidence = cli_opt(argc, argv, "--evidence", &bad);
	if (bad || !s.severity)
		return cli_usage_of("incident report");
	char a[96];
	cli_actor(a, sizeof(a));
	struct txn t;
	struct incident_report_result r;
	if (txn_begin(c, &t) != 0)
		return 1;
	bool ok = incident_report(t.st, &c->cfg, NULL, a, &s, &r, &t.err) == 0;
	int rc = txn_end(&t, ok);
	if (rc == 0) {
		if (c->json)
			cli_print_json(json_pack("{s{sI} sb}", "incident", "id", (json_int_t)r.id, "created",
					     r.created));
		else
			printf("incident %lld %s\n", (long long)r.id,
			       r.created ? "opened" : "observed again");
	}
	return rc;
}

int cmd_incident_create(struct cli *c, int argc, char **argv)
{
	static const char *valued[] = { "--severity", "--summary", "--class", "--type", "--tlp",
					NULL };
	char *pos[2];
	bool bad = false;
	struct incident_spec s;
	memset(&s, 0, sizeof(s));
	if (cli_positional(argc, argv, valued, NULL, pos, 2, NULL) != 2 || cli_id(pos[0], &s.org_id) != 0)
		return cli_usage_of("incident add");
	s.title = pos[1];
	s.severity = cli_opt(argc, argv, "--severity", &bad);
	s.summary = cli_opt(argc, argv, "--summary", &bad);
	s.class_ = cli_opt(argc, argv, "--class", &bad);
	s.type = cli_opt(argc, argv, "--type", &bad);
	s.tlp = cli_opt(argc, argv, "--tlp", &bad);
	if (bad)
		return cli_usage_of("incident add");
	char a[96];
	cli_actor(a, sizeof(a));
	struct txn t;
	struct store_incident i;
	if (txn_begin(c, &t) != 0)
		return 1;
	bool ok = incident_create(t.st, &c->cfg, NULL, a, &s, &i, &t.err) == 0;
	int rc = txn_end(&t, ok);
	if (rc == 0)
		print_inc(c, &i);
	return rc;
}

static int list_row(void *ud, const struct store_incident *i)
{
	struct cli *c = ((void **)ud)[0];
	if (c->json)
		json_array_append_new(((void **)ud)[1], inc_json(i));
	else
		print_inc(c, i);
	return 0;
}

int cmd_incident_list(struct cli *c, int argc, char **argv)
{
	bool bad = false;
	struct store_incident_filter f;
	memset(&f, 0, sizeof(f));
	const char *status = cli_opt(argc, argv, "--status", &bad);
	const char *org = cli_opt(argc, argv, "--org", &bad);
	f.q = cli_opt(argc, argv, "--search", &bad);
	const char *severity = cli_opt(argc, argv, "--severity", &bad);
	f.overdue = cli_flag(argc, argv, "--overdue");
	const char *limit = cli_opt(argc, argv, "--limit", &bad);
	if (bad)
		return cli_usage_of("incident list");
	struct perr ferr;
	if (incident_filter_set(&f, status, severity, &ferr) != 0) {
		cli_fail(&ferr);
		return 2;
	}
	if (org && cli_id(org, &f.org_id) != 0)
		return 2;
	f.limit = 100;
	if (limit && parse_i64(limit, 1, 100000, &f.limit) != 0)
		return cli_usage_of("incident list");
	struct store *st;
	struct perr err;
	char next[64];
	if (cli_open(c, &st) != 0)
		return 1;
	json_t *arr = json_array();
	void *ud[2] = { c, arr };
	int rc = incident_list(st, &c->cfg, NULL, &f, NULL, next, list_row, ud, &err);
	if (rc != 0)
		rc = cli_fail(&err);
	else if (c->json)
		cli_print_json(json_incref(arr));
	json_decref(arr);
	store_close(st);
	return rc;
}

static int show_message(void *ud, const struct store_message *m)
{
	(void)ud;
	char ts[40];
	core_iso8601(m->ts_ms, ts, sizeof(ts));
	printf("  %s %s [%s]: %s\n", ts, m->author, m->visibility, m->body);
	return 0;
}

int cmd_incident_show(struct cli *c, int argc, char **argv)
{
	char *pos[2];
	int64_t id;
	if (cli_positional(argc, argv, NULL, NULL, pos, 2, NULL) != 1 || cli_id(pos[0], &id) != 0)
		return cli_usage_of("incident show");
	struct store *st;
	struct perr err;
	struct store_incident i;
	if (cli_open(c, &st) != 0)
		return 1;
	int rc = 0;
	if (incident_get(st, NULL, id, &i, &err) != 0) {
		rc = cli_fail(&err);
	} else if (c->json) {
		print_inc(c, &i);
	} else {
		print_inc(c, &i);
		printf("  %s/%s, source %s, %lld observation(s)\n  %s\n", i.class_, i.type, i.source,
		       (long long)i.observations, i.summary);
		if (store_message_list(st, id, false, show_message, NULL, &err) != 0)
			rc = cli_fail(&err);
	}
	store_close(st);
	return rc;
}

int cmd_incident_transition(struct cli *c, int argc, char **argv)
{
	char *pos[3];
	int64_t id;
	if (cli_positional(argc, argv, NULL, NULL, pos, 3, NULL) != 2 || cli_id(pos[0], &id) != 0)
		return cli_usage_of("incident transition");
	char a[96];
	cli_actor(a, sizeof(a));
	struct txn t;
	struct store_incident i;
	if (txn_begin(c, &t) != 0)
		return 1;
	bool ok = incident_transition(t.st, &c->cfg, NULL, a, id, pos[1], &i, &t.err) == 0;
	int rc = txn_end(&t, ok);
	if (rc == 0)
		print_inc(c, &i);
	return rc;
}

int cmd_incident_message(struct cli *c, int argc, char **argv)
{
	char *pos[3];
	int64_t id;
	if (cli_positional(argc, argv, NULL, NULL, pos, 3, NULL) != 2 || cli_id(pos[0], &id) != 0)
		return cli_usage_of("incident message");
	char a[96];
	cli_actor(a, sizeof(a));
	struct txn t;
	if (txn_begin(c, &t) != 0)
		return 1;
	bool ok = incident_message(t.st, &c->cfg, NULL, a, id, pos[1],
				   cli_flag(argc, argv, "--internal") ? "internal" : "shared", NULL,
				   &t.err) == 0;
	int rc = txn_end(&t, ok);
	if (rc == 0 && !c->json)
		printf("message posted to incident %lld\n", (long long)id);
	return rc;
}

int cmd_incident_assign(struct cli *c, int argc, char **argv)
{
	static const char *valued[] = { "--user", "--team", NULL };
	char *pos[2];
	int64_t id, team = 0;
	bool bad = false;
	if (cli_positional(argc, argv, valued, NULL, pos, 2, NULL) != 1 || cli_id(pos[0], &id) != 0)
		return cli_usage_of("incident assign");
	const char *login = cli_opt(argc, argv, "--user", &bad);
	const char *tm = cli_opt(argc, argv, "--team", &bad);
	if (bad || (tm && cli_id(tm, &team) != 0))
		return cli_usage_of("incident assign");
	char a[96];
	cli_actor(a, sizeof(a));
	struct txn t;
	struct store_incident i;
	struct store_user u;
	if (txn_begin(c, &t) != 0)
		return 1;
	bool ok = true;
	memset(&u, 0, sizeof(u));
	if (login && store_user_by_login(t.st, login, &u, &t.err) != 0)
		ok = false;
	if (ok)
		ok = incident_assign(t.st, &c->cfg, NULL, a, id, login ? u.id : 0, team, &i,
				     &t.err) == 0;
	int rc = txn_end(&t, ok);
	if (rc == 0)
		print_inc(c, &i);
	return rc;
}

int cmd_incident_merge(struct cli *c, int argc, char **argv)
{
	char *pos[3];
	int64_t id, into;
	if (cli_positional(argc, argv, NULL, NULL, pos, 3, NULL) != 2 || cli_id(pos[0], &id) != 0 ||
	    cli_id(pos[1], &into) != 0)
		return cli_usage_of("incident merge");
	char a[96];
	cli_actor(a, sizeof(a));
	struct txn t;
	if (txn_begin(c, &t) != 0)
		return 1;
	bool ok = incident_merge(t.st, &c->cfg, NULL, a, id, into, &t.err) == 0;
	int rc = txn_end(&t, ok);
	if (rc == 0 && !c->json)
		printf("incident %lld merged into %lld\n", (long long)id, (long long)into);
	return rc;
}

int cmd_incident_link(struct cli *c, int argc, char **argv)
{
	char *pos[3];
	int64_t x, y;
	if (cli_positional(argc, argv, NULL, NULL, pos, 3, NULL) != 2 || cli_id(pos[0], &x) != 0 ||
	    cli_id(pos[1], &y) != 0)
		return cli_usage_of("incident link");
	char a[96];
	cli_actor(a, sizeof(a));
	struct txn t;
	if (txn_begin(c, &t) != 0)
		return 1;
	bool ok = incident_link(t.st, NULL, a, x, y, &t.err) == 0;
	int rc = txn_end(&t, ok);
	if (rc == 0 && !c->json)
		printf("incidents %lld and %lld linked\n", (long long)x, (long long)y);
	return rc;
}

int cmd_incident_evidence(struct cli *c, int argc, char **argv)
{
	char *pos[3];
	int64_t id;
	if (cli_positional(argc, argv, NULL, NULL, pos, 3, NULL) != 2 || cli_id(pos[0], &id) != 0)
		return cli_usage_of("incident evidence");
	int fd = open(pos[1], O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0) {
		fprintf(stderr, "parapet: cannot read %s: %s\n", pos[1], strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	if (sb.st_size > c->cfg.evidence_max) {
		fprintf(stderr, "parapet: %s is larger than evidence.max_size (%lld bytes)\n", pos[1],
			(long long)c->cfg.evidence_max);
		close(fd);
		return 1;
	}
	struct pbuf b;
	pbuf_init(&b, (size_t)c->cfg.evidence_max);
	char chunk[65536];
	ssize_t got;
	while ((got = read(fd, chunk, sizeof(chunk))) > 0)
		if (pbuf_add(&b, chunk, (size_t)got) != 0)
			break;
	close(fd);
	char a[96], blobs[1200];
	cli_actor(a, sizeof(a));
	core_blob_dir(c->db_path, blobs, sizeof(blobs));
	struct txn t;
	struct store_evidence ev;
	if (txn_begin(c, &t) != 0) {
		pbuf_free(&b);
		return 1;
	}
	bool ok = incident_evidence_add(t.st, &c->cfg, NULL, a, blobs, id, pos[1],
					b.ptr ? b.ptr : "", b.len,
					cli_flag(argc, argv, "--internal") ? "internal" : "shared", &ev,
					&t.err) == 0;
	pbuf_free(&b);
	int rc = txn_end(&t, ok);
	if (rc == 0)
		printf("evidence %lld: %s sha256 %s (%lld bytes)\n", (long long)ev.id, ev.name,
		       ev.sha256, (long long)ev.size);
	return rc;
}

int cmd_sla_sweep(struct cli *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct txn t;
	int n = 0;
	if (txn_begin(c, &t) != 0)
		return 1;
	bool ok = incident_sla_sweep(t.st, &c->cfg, core_now_ms(), &n, &t.err) == 0;
	int rc = txn_end(&t, ok);
	if (rc == 0 && !c->json)
		printf("%d incident(s) newly overdue and escalated\n", n);
	return rc;
}

/* ---------------------------------------------------------- teams, rules */

int cmd_team_add(struct cli *c, int argc, char **argv)
{
	static const char *valued[] = { "--province", NULL };
	char *pos[2];
	bool bad = false;
	if (cli_positional(argc, argv, valued, NULL, pos, 2, NULL) != 1)
		return cli_usage_of("team add");
	const char *prov = cli_opt(argc, argv, "--province", &bad);
	if (bad)
		return cli_usage_of("team add");
	char a[96];
	cli_actor(a, sizeof(a));
	struct txn t;
	struct store_team tm;
	if (txn_begin(c, &t) != 0)
		return 1;
	bool ok = identity_team_add(t.st, a, pos[0], prov, &tm, &t.err) == 0;
	int rc = txn_end(&t, ok);
	if (rc == 0)
		printf("team %lld: %s\n", (long long)tm.id, tm.name);
	return rc;
}

/* "team member TEAM LOGIN" and "team lead TEAM LOGIN". */
static int team_user(struct cli *c, int argc, char **argv, const char *name, bool lead)
{
	char *pos[3];
	int64_t team;
	if (cli_positional(argc, argv, NULL, NULL, pos, 3, NULL) != 2 || cli_id(pos[0], &team) != 0)
		return cli_usage_of(name);
	char a[96];
	cli_actor(a, sizeof(a));
	struct txn t;
	struct store_user u;
	if (txn_begin(c, &t) != 0)
		return 1;
	bool ok = store_user_by_login(t.st, pos[1], &u, &t.err) == 0;
	if (ok)
		ok = (lead ? identity_team_set_lead(t.st, a, team, u.id, &t.err)
			   : identity_team_member_add(t.st, a, team, u.id, &t.err)) == 0;
	int rc = txn_end(&t, ok);
	if (rc == 0)
		printf("%s is %s of team %lld\n", pos[1], lead ? "the lead" : "a member",
		       (long long)team);
	return rc;
}

int cmd_team_member(struct cli *c, int argc, char **argv)
{
	return team_user(c, argc, argv, "team member", false);
}

int cmd_team_lead(struct cli *c, int argc, char **argv)
{
	return team_user(c, argc, argv, "team lead", true);
}

/* "rota add TEAM LOGIN --weekly MIN-MIN" or "--from ISO --to ISO". */
int cmd_rota_add(struct cli *c, int argc, char **argv)
{
	static const char *valued[] = { "--weekly", "--from", "--to", NULL };
	char *pos[3];
	int64_t team, id = 0;
	bool bad = false;
	if (cli_positional(argc, argv, valued, NULL, pos, 3, NULL) != 2 || cli_id(pos[0], &team) != 0)
		return cli_usage_of("rota add");
	const char *weekly = cli_opt(argc, argv, "--weekly", &bad);
	const char *from = cli_opt(argc, argv, "--from", &bad);
	const char *to = cli_opt(argc, argv, "--to", &bad);
	int64_t a1 = 0, a2 = 0;
	if (bad || (!weekly == !from) || (from && !to))
		return cli_usage_of("rota add");
	if (weekly) {
		struct pstr x, y;
		if (!pstr_cut(pstr_c(weekly), '-', &x, &y) || pstr_to_i64(x, 0, 10079, &a1) != 0 ||
		    pstr_to_i64(y, 1, 10080, &a2) != 0 || a2 <= a1) {
			fprintf(stderr, "parapet: --weekly is START-END in minutes from Monday 00:00 "
					"UTC (0-10080), e.g. 0-1440 for Mondays\n");
			return 2;
		}
	} else if (core_parse_iso8601(from, &a1) != 0 || core_parse_iso8601(to, &a2) != 0 ||
		   a2 <= a1) {
		fprintf(stderr, "parapet: --from and --to are ISO 8601 times, --to after --from\n");
		return 2;
	}
	struct txn t;
	struct store_user u;
	if (txn_begin(c, &t) != 0)
		return 1;
	bool ok = store_user_by_login(t.st, pos[1], &u, &t.err) == 0;
	if (ok) {
		char a[96];
		cli_actor(a, sizeof(a));
		struct rota_spec spec = { team, u.id, weekly != NULL, a1, a2 };
		ok = identity_rota_add(t.st, a, &spec, &id, &t.err) == 0;
	}
	int rc = txn_end(&t, ok);
	if (rc == 0)
		printf("on-call entry %lld added\n", (long long)id);
	return rc;
}

int cmd_route_add(struct cli *c, int argc, char **argv)
{
	bool bad = false;
	struct route_rule_spec spec = { .priority = 100 };
	struct store_route_rule r;
	const char *team = cli_opt(argc, argv, "--team", &bad);
	spec.province = cli_opt(argc, argv, "--province", &bad);
	spec.kind = cli_opt(argc, argv, "--kind", &bad);
	spec.class_ = cli_opt(argc, argv, "--class", &bad);
	const char *prio = cli_opt(argc, argv, "--priority", &bad);
	if (bad || !team || cli_id(team, &spec.team_id) != 0 ||
	    (prio && parse_i64(prio, 0, 1000000, &spec.priority) != 0))
		return cli_usage_of("route add");
	char a[96];
	cli_actor(a, sizeof(a));
	struct txn t;
	if (txn_begin(c, &t) != 0)
		return 1;
	bool ok = incident_route_rule_add(t.st, a, &spec, &r, &t.err) == 0;
	int rc = txn_end(&t, ok);
	if (rc == 0)
		printf("routing rule %lld: province=%s kind=%s class=%s -> team %lld\n",
		       (long long)r.id, r.province[0] ? r.province : "*", r.kind[0] ? r.kind : "*",
		       r.class_[0] ? r.class_ : "*", (long long)r.team_id);
	return rc;
}

int cmd_user_email(struct cli *c, int argc, char **argv)
{
	char *pos[3];
	if (cli_positional(argc, argv, NULL, NULL, pos, 3, NULL) != 2)
		return cli_usage_of("user email");
	char a[96];
	cli_actor(a, sizeof(a));
	struct txn t;
	struct store_user u;
	if (txn_begin(c, &t) != 0)
		return 1;
	bool ok = store_user_by_login(t.st, pos[0], &u, &t.err) == 0 &&
		  notify_user_email_set(t.st, a, u.id, pos[1], &t.err) == 0;
	int rc = txn_end(&t, ok);
	if (rc == 0)
		printf("notifications for %s go to %s\n", pos[0], pos[1]);
	return rc;
}
