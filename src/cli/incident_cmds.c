/*
** incident_cmds.c — `parapet incident ...`, `team ...`, `route ...` and
** `sla sweep`: the incident hub from the command line.
**
** Same functions as the API, run as the local operator (no scope limits);
** the dispatcher runs each write in one transaction. Output is a line per item for people, or
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

/* ------------------------------------------------------------- incidents */

/* Each command runs in the dispatcher (dispatch.c): options are parsed and
** checked against the table in commands.c, the store is open, and a
** writing command is inside its one transaction. */

int cmd_incident_report(struct cli_call *x, struct perr *err)
{
	struct incident_report_spec s;
	struct incident_report_result r;
	memset(&s, 0, sizeof(s));
	if (cli_id(x->pos[0], &s.org_id) != 0)
		return EX_USAGE;
	s.kind = x->pos[1];
	s.key = x->pos[2];
	s.severity = cli_val(x, "--severity");
	s.summary = cli_val(x, "--summary");
	s.title = cli_val(x, "--title");
	s.evidence = cli_val(x, "--evidence");
	if (incident_report(x->st, &x->c->cfg, NULL, x->actor, &s, &r, err) != 0)
		return -1;
	if (x->c->json)
		cli_print_json(json_pack("{s{sI} sb}", "incident", "id", (json_int_t)r.id, "created",
					 r.created));
	else
		printf("incident %lld %s\n", (long long)r.id, r.created ? "opened" : "observed again");
	return 0;
}

int cmd_incident_create(struct cli_call *x, struct perr *err)
{
	struct incident_spec s;
	struct store_incident i;
	memset(&s, 0, sizeof(s));
	if (cli_id(x->pos[0], &s.org_id) != 0)
		return EX_USAGE;
	s.title = x->pos[1];
	s.severity = cli_val(x, "--severity");
	s.summary = cli_val(x, "--summary");
	s.class_ = cli_val(x, "--class");
	s.type = cli_val(x, "--type");
	s.tlp = cli_val(x, "--tlp");
	if (incident_create(x->st, &x->c->cfg, NULL, x->actor, &s, &i, err) != 0)
		return -1;
	print_inc(x->c, &i);
	return 0;
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

int cmd_incident_list(struct cli_call *x, struct perr *err)
{
	struct store_incident_filter f;
	memset(&f, 0, sizeof(f));
	const char *status = cli_val(x, "--status");
	const char *org = cli_val(x, "--org");
	const char *limit = cli_val(x, "--limit");
	f.q = cli_val(x, "--search");
	f.overdue = cli_val(x, "--overdue") != NULL;
	/* the API's rule: a state, a list of states or "open" */
	if (incident_filter_set(&f, status, cli_val(x, "--severity"), err) != 0)
		return -1;
	if (org && cli_id(org, &f.org_id) != 0)
		return EX_USAGE;
	f.limit = 100;
	if (limit && parse_i64(limit, 1, 100000, &f.limit) != 0)
		return cli_usage(x->cmd);
	char next[64];
	json_t *arr = json_array();
	void *ud[2] = { x->c, arr };
	int rc = incident_list(x->st, &x->c->cfg, NULL, &f, NULL, next, list_row, ud, err);
	if (rc == 0 && x->c->json)
		cli_print_json(json_incref(arr));
	json_decref(arr);
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

int cmd_incident_show(struct cli_call *x, struct perr *err)
{
	int64_t id;
	struct store_incident i;
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	if (incident_get(x->st, NULL, id, &i, err) != 0)
		return -1;
	print_inc(x->c, &i);
	if (x->c->json)
		return 0;
	printf("  %s/%s, source %s, %lld observation(s)\n  %s\n", i.class_, i.type, i.source,
	       (long long)i.observations, i.summary);
	return store_message_list(x->st, id, false, show_message, NULL, err);
}

int cmd_incident_transition(struct cli_call *x, struct perr *err)
{
	int64_t id;
	struct store_incident i;
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	if (incident_transition(x->st, &x->c->cfg, NULL, x->actor, id, x->pos[1], &i, err) != 0)
		return -1;
	print_inc(x->c, &i);
	return 0;
}

/* "shared" unless --internal: who sees a message or evidence. */
static const char *visibility(const struct cli_call *x)
{
	return cli_val(x, "--internal") ? "internal" : "shared";
}

int cmd_incident_message(struct cli_call *x, struct perr *err)
{
	int64_t id;
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	if (incident_message(x->st, &x->c->cfg, NULL, x->actor, id, x->pos[1], visibility(x), NULL,
			     err) != 0)
		return -1;
	if (!x->c->json)
		printf("message posted to incident %lld\n", (long long)id);
	return 0;
}

int cmd_incident_assign(struct cli_call *x, struct perr *err)
{
	int64_t id, team = 0;
	const char *login = cli_val(x, "--user");
	const char *tm = cli_val(x, "--team");
	if (cli_id(x->pos[0], &id) != 0 || (tm && cli_id(tm, &team) != 0))
		return EX_USAGE;
	struct store_incident i;
	struct store_user u;
	memset(&u, 0, sizeof(u));
	if (login && store_user_by_login(x->st, login, &u, err) != 0)
		return -1;
	if (incident_assign(x->st, &x->c->cfg, NULL, x->actor, id, login ? u.id : 0, team, &i,
			    err) != 0)
		return -1;
	print_inc(x->c, &i);
	return 0;
}

int cmd_incident_merge(struct cli_call *x, struct perr *err)
{
	int64_t id, into;
	if (cli_id(x->pos[0], &id) != 0 || cli_id(x->pos[1], &into) != 0)
		return EX_USAGE;
	if (incident_merge(x->st, &x->c->cfg, NULL, x->actor, id, into, err) != 0)
		return -1;
	if (!x->c->json)
		printf("incident %lld merged into %lld\n", (long long)id, (long long)into);
	return 0;
}

int cmd_incident_link(struct cli_call *x, struct perr *err)
{
	int64_t a, b;
	if (cli_id(x->pos[0], &a) != 0 || cli_id(x->pos[1], &b) != 0)
		return EX_USAGE;
	if (incident_link(x->st, NULL, x->actor, a, b, err) != 0)
		return -1;
	if (!x->c->json)
		printf("incidents %lld and %lld linked\n", (long long)a, (long long)b);
	return 0;
}

int cmd_incident_evidence(struct cli_call *x, struct perr *err)
{
	int64_t id;
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	const char *path = x->pos[1];
	const struct config *cfg = &x->c->cfg;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0) {
		perr_set(err, PERR_NOTFOUND, "", "cannot read %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (sb.st_size > cfg->evidence_max) {
		close(fd);
		return perr_set(err, PERR_LIMIT, "", "%s is larger than evidence.max_size (%lld bytes)",
				path, (long long)cfg->evidence_max);
	}
	struct pbuf b;
	pbuf_init(&b, (size_t)cfg->evidence_max);
	char chunk[65536];
	ssize_t got;
	while ((got = read(fd, chunk, sizeof(chunk))) > 0)
		if (pbuf_add(&b, chunk, (size_t)got) != 0)
			break;
	close(fd);
	char blobs[1200];
	core_blob_dir(x->c->db_path, blobs, sizeof(blobs));
	struct store_evidence ev;
	int rc = incident_evidence_add(x->st, cfg, NULL, x->actor, blobs, id, path,
				       b.ptr ? b.ptr : "", b.len, visibility(x), &ev, err);
	pbuf_free(&b);
	if (rc == 0)
		printf("evidence %lld: %s sha256 %s (%lld bytes)\n", (long long)ev.id, ev.name,
		       ev.sha256, (long long)ev.size);
	return rc;
}

int cmd_sla_sweep(struct cli_call *x, struct perr *err)
{
	int n = 0;
	if (incident_sla_sweep(x->st, &x->c->cfg, core_now_ms(), &n, err) != 0)
		return -1;
	if (!x->c->json)
		printf("%d incident(s) newly overdue and escalated\n", n);
	return 0;
}

/* ---------------------------------------------------------- teams, rules */

int cmd_team_add(struct cli_call *x, struct perr *err)
{
	struct store_team tm;
	if (identity_team_add(x->st, x->actor, x->pos[0], cli_val(x, "--province"), &tm, err) != 0)
		return -1;
	printf("team %lld: %s\n", (long long)tm.id, tm.name);
	return 0;
}

/* "team member TEAM LOGIN" and "team lead TEAM LOGIN". */
static int team_user(struct cli_call *x, struct perr *err, bool lead)
{
	int64_t team;
	struct store_user u;
	if (cli_id(x->pos[0], &team) != 0)
		return EX_USAGE;
	if (store_user_by_login(x->st, x->pos[1], &u, err) != 0)
		return -1;
	if ((lead ? identity_team_set_lead(x->st, x->actor, team, u.id, err)
		  : identity_team_member_add(x->st, x->actor, team, u.id, err)) != 0)
		return -1;
	printf("%s is %s of team %lld\n", x->pos[1], lead ? "the lead" : "a member",
	       (long long)team);
	return 0;
}

int cmd_team_member(struct cli_call *x, struct perr *err)
{
	return team_user(x, err, false);
}

int cmd_team_lead(struct cli_call *x, struct perr *err)
{
	return team_user(x, err, true);
}

/* "rota add TEAM LOGIN --weekly MIN-MIN" or "--from ISO --to ISO". */
int cmd_rota_add(struct cli_call *x, struct perr *err)
{
	int64_t team, id = 0, a1 = 0, a2 = 0;
	const char *weekly = cli_val(x, "--weekly");
	const char *from = cli_val(x, "--from");
	const char *to = cli_val(x, "--to");
	if (cli_id(x->pos[0], &team) != 0)
		return EX_USAGE;
	if ((!weekly == !from) || (from && !to))
		return cli_usage(x->cmd);
	if (weekly) {
		struct pstr p, q;
		if (!pstr_cut(pstr_c(weekly), '-', &p, &q) || pstr_to_i64(p, 0, 10079, &a1) != 0 ||
		    pstr_to_i64(q, 1, 10080, &a2) != 0 || a2 <= a1) {
			fprintf(stderr, "parapet: --weekly is START-END in minutes from Monday 00:00 "
					"UTC (0-10080), e.g. 0-1440 for Mondays\n");
			return EX_USAGE;
		}
	} else if (core_parse_iso8601(from, &a1) != 0 || core_parse_iso8601(to, &a2) != 0 ||
		   a2 <= a1) {
		fprintf(stderr, "parapet: --from and --to are ISO 8601 times, --to after --from\n");
		return EX_USAGE;
	}
	struct store_user u;
	if (store_user_by_login(x->st, x->pos[1], &u, err) != 0)
		return -1;
	struct rota_spec spec = { team, u.id, weekly != NULL, a1, a2 };
	if (identity_rota_add(x->st, x->actor, &spec, &id, err) != 0)
		return -1;
	printf("on-call entry %lld added\n", (long long)id);
	return 0;
}

int cmd_route_add(struct cli_call *x, struct perr *err)
{
	struct route_rule_spec spec = { .priority = 100 };
	struct store_route_rule r;
	const char *prio = cli_val(x, "--priority");
	spec.province = cli_val(x, "--province");
	spec.kind = cli_val(x, "--kind");
	spec.class_ = cli_val(x, "--class");
	if (cli_id(cli_val(x, "--team"), &spec.team_id) != 0 ||
	    (prio && parse_i64(prio, 0, 1000000, &spec.priority) != 0))
		return cli_usage(x->cmd);
	if (incident_route_rule_add(x->st, x->actor, &spec, &r, err) != 0)
		return -1;
	printf("routing rule %lld: province=%s kind=%s class=%s -> team %lld\n", (long long)r.id,
	       r.province[0] ? r.province : "*", r.kind[0] ? r.kind : "*",
	       r.class_[0] ? r.class_ : "*", (long long)r.team_id);
	return 0;
}

int cmd_user_email(struct cli_call *x, struct perr *err)
{
	struct store_user u;
	if (store_user_by_login(x->st, x->pos[0], &u, err) != 0 ||
	    notify_user_email_set(x->st, x->actor, u.id, x->pos[1], err) != 0)
		return -1;
	printf("notifications for %s go to %s\n", x->pos[0], x->pos[1]);
	return 0;
}
