/*
** advisory_track_cmds.c — publishing and tracking advisories on the command
** line (the local operator acts with every scope: the domain functions take
** no principal from here):
**
**   advisory publish ID              store the targets, mail their contacts;
**                                    prints "published ID: N targets, M mails"
**   advisory targets ID [--json]     every target with its state, the totals
**                                    and the summary sentence
**   advisory target ID ORG STATE     move a target (read, acknowledged,
**      [--reason R]                  patched, not_affected with --reason)
**   advisory sweep [--at ISO]        reminders and escalations due at that
**                                    time (default now), as `serve` does
**   advisory link TOKEN [--at ISO]   use a mailed link as its portal page does
**
** Each runs in one transaction (CLI_WRITE in commands.c's table): the
** change, its audit entry and its mail commit together; the server's
** notifier sends the mail.
*/
#include <stdio.h>
#include <string.h>

#include "advisory/advisory.h"
#include "cli/cli.h"

static int at_opt(struct cli_call *x, int64_t *ms)
{
	const char *at = cli_val(x, "--at");
	*ms = core_now_ms();
	if (at && (core_parse_iso8601(at, ms) != 0 || *ms <= 0)) {
		fprintf(stderr, "parapet: --at must be an ISO 8601 time\n");
		return EX_USAGE;
	}
	return 0;
}

int cmd_advisory_publish(struct cli_call *x, struct perr *err)
{
	int64_t id, now;
	int rc;
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	if ((rc = at_opt(x, &now)) != 0)
		return rc;
	struct advisory_publish_result r;
	if (advisory_publish(x->st, &x->c->cfg, NULL, x->actor, id, now, &r, err) != 0)
		return -1;
	if (x->c->json)
		cli_print_json(json_pack("{sI sI sI}", "id", (json_int_t)id, "targets",
					 (json_int_t)r.targets, "mails", (json_int_t)r.mails));
	else
		printf("published %lld: %lld targets, %lld mails\n", (long long)id,
		       (long long)r.targets, (long long)r.mails);
	return 0;
}

int cmd_advisory_targets(struct cli_call *x, struct perr *err)
{
	int64_t id;
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	json_t *j;
	if (advisory_targets(x->st, NULL, id, &j, err) != 0)
		return -1;
	if (x->c->json) {
		cli_print_json(j);
		return 0;
	}
	size_t k;
	json_t *t;
	json_array_foreach(json_object_get(j, "targets"), k, t)
	{
		json_t *o = json_object_get(t, "org");
		const char *flag = json_string_value(json_object_get(t, "flag"));
		printf("%lld\t%s\t%s\t%lld hosts%s%s\n", (long long)json_integer_value(json_object_get(o, "id")),
		       json_string_value(json_object_get(o, "name")),
		       json_string_value(json_object_get(t, "state")),
		       (long long)json_integer_value(json_object_get(t, "hosts")), flag ? "\t" : "",
		       flag ? flag : "");
	}
	printf("%s\n", json_string_value(json_object_get(json_object_get(j, "summary"), "text")));
	json_decref(j);
	return 0;
}

int cmd_advisory_target(struct cli_call *x, struct perr *err)
{
	int64_t id, org;
	if (cli_id(x->pos[0], &id) != 0 || cli_id(x->pos[1], &org) != 0)
		return EX_USAGE;
	if (advisory_target_set(x->st, &x->c->cfg, NULL, x->actor, id, org, x->pos[2],
				cli_val(x, "--reason"), core_now_ms(), err) != 0)
		return -1;
	if (!x->c->json)
		printf("advisory %lld, organisation %lld: %s\n", (long long)id, (long long)org,
		       x->pos[2]);
	return 0;
}

int cmd_advisory_sweep(struct cli_call *x, struct perr *err)
{
	int64_t now;
	int rc;
	if ((rc = at_opt(x, &now)) != 0)
		return rc;
	struct advisory_sweep_counts n;
	if (advisory_sweep(x->st, &x->c->cfg, now, &n, err) != 0)
		return -1;
	if (x->c->json)
		cli_print_json(json_pack("{sI sI sI}", "reminded", (json_int_t)n.reminded,
					 "overdue", (json_int_t)n.overdue, "escalated",
					 (json_int_t)n.escalated));
	else
		printf("%lld reminded, %lld newly overdue, %lld escalated\n",
		       (long long)n.reminded, (long long)n.overdue, (long long)n.escalated);
	return 0;
}

int cmd_advisory_link(struct cli_call *x, struct perr *err)
{
	int64_t now, id, org;
	char action[8];
	int rc;
	if ((rc = at_opt(x, &now)) != 0)
		return rc;
	if (advisory_link_use(x->st, &x->c->cfg, x->c->data_dir, NULL, x->pos[0], true, now, &id, &org,
			      action, err) != 0)
		return -1;
	if (x->c->json)
		cli_print_json(json_pack("{sI sI ss}", "advisory", (json_int_t)id, "org",
					 (json_int_t)org, "action", action));
	else
		printf("advisory %lld, organisation %lld: %s\n", (long long)id, (long long)org,
		       action);
	return 0;
}
