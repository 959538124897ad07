/*
** notify_cmds.c — the notification commands of `parapet`: queue test mail,
** inspect the outbox, manage webhooks.
**
** These commands only write the outbox and the webhook table; delivery is
** the business of the notify worker inside `parapet serve`, which polls the
** database, so mail queued here goes out within notify.poll_ms of being
** committed while a server runs (and waits in the outbox while none does).
** Output is plain text for people or one JSON document with --json.
*/
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "notify/notify.h"

/* Each command runs in the dispatcher (dispatch.c) from its entry in the
** table in commands.c: options parsed and checked (--lang, --status), the
** store open, a writing command inside its one transaction. */

/* ---------------------------------------------------------- notify test */

int cmd_notify_test(struct cli_call *x, struct perr *err)
{
	const char *lang = cli_val(x, "--lang");
	const char *count_s = cli_val(x, "--count");
	const char *to = x->pos[0];
	int64_t count = 1;
	if (count_s && parse_i64(count_s, 1, 1000, &count) != 0) {
		fprintf(stderr, "parapet: --count must be a number from 1 to 1000\n");
		return EX_USAGE;
	}
	if (!notify_address_ok(to)) {
		fprintf(stderr, "parapet: %s is not a single e-mail address\n", to);
		return EX_USAGE;
	}
	char when[40];
	core_iso8601(core_now_ms(), when, sizeof(when));
	struct notify_var vars[] = { { "time", when } };
	struct notify_mail m = { .to = to, .lang = lang ? lang : "en", .tmpl = "test",
				 .vars = vars, .nvars = 1 };
	for (int64_t i = 0; i < count; i++)
		if (notify_mail(x->st, &x->c->cfg, &m, err) != 0)
			return -1;
	if (x->c->json)
		cli_print_json(json_pack("{sI ss ss}", "queued", (json_int_t)count, "to", to, "lang",
					 m.lang));
	else
		printf("%lld test mail%s queued for %s\n", (long long)count, count == 1 ? "" : "s",
		       to);
	if (!x->c->cfg.smtp_host[0])
		fprintf(stderr, "parapet: note: smtp.host is not set; the mail waits in the outbox "
				"until it is\n");
	return 0;
}

/* -------------------------------------------------------------- outbox */

static int outbox_row(void *ud, const struct store_outbox *o)
{
	struct cli *c = ((void **)ud)[0];
	if (c->json) {
		char created[40], next[40], sent[40];
		core_iso8601(o->created_ms, created, sizeof(created));
		core_iso8601(o->next_ms, next, sizeof(next));
		core_iso8601(o->sent_ms, sent, sizeof(sent));
		json_t *j = json_pack("{sI ss ss ss ss sI ss sI ss ss ss}", "id", (json_int_t)o->id,
				      "kind", o->kind, "recipient", o->recipient, "subject",
				      o->subject ? o->subject : "", "message_id", o->message_id,
				      "incident_id", (json_int_t)o->incident_id, "status", o->status,
				      "attempts", (json_int_t)o->attempts, "created", created,
				      "next_attempt", o->status[0] == 'p' ? next : "", "sent",
				      o->sent_ms ? sent : "");
		if (!j)
			return -1;
		json_object_set_new(j, "last_error", json_string(o->last_error));
		json_array_append_new(((void **)ud)[1], j);
		return 0;
	}
	printf("%-6lld %-7s %-7s %3lld  %s  %s%s%s\n", (long long)o->id, o->status, o->kind,
	       (long long)o->attempts, o->recipient, o->subject ? o->subject : "",
	       o->last_error[0] ? "  -- " : "", o->last_error);
	return 0;
}

int cmd_outbox(struct cli_call *x, struct perr *err)
{
	const char *inc_s = cli_val(x, "--incident");
	const char *limit_s = cli_val(x, "--limit");
	int64_t incident = 0, limit = 100;
	if (inc_s && parse_i64(inc_s, 1, INT64_MAX, &incident) != 0) {
		fprintf(stderr, "parapet: --incident must be an incident id\n");
		return EX_USAGE;
	}
	if (limit_s && parse_i64(limit_s, 0, INT64_MAX, &limit) != 0) {
		fprintf(stderr, "parapet: --limit must be a number (0 = all)\n");
		return EX_USAGE;
	}
	json_t *arr = json_array();
	void *ud[2] = { x->c, arr };
	int rc = store_outbox_list(x->st, cli_val(x, "--status"), incident, limit, outbox_row, ud,
				   err);
	if (rc > 0) /* a row's JSON could not be built */
		rc = perr_set(err, PERR_INTERNAL, "", "out of memory");
	else if (rc == 0 && x->c->json)
		cli_print_json(json_incref(arr));
	json_decref(arr);
	return rc;
}

/* ------------------------------------------------------------ webhooks */

int cmd_webhook_add(struct cli_call *x, struct perr *err)
{
	const char *secret = cli_val(x, "--secret");
	bool from_stdin = cli_val(x, "--secret-stdin") != NULL;
	if (!secret == !from_stdin)
		return cli_usage(x->cmd);
	char buf[256];
	if (from_stdin) {
		if (cli_read_line(buf, sizeof(buf), "secret", err) != 0)
			return -1;
		secret = buf;
	}
	struct store_webhook w;
	int rc = notify_webhook_add(x->st, x->actor, x->pos[0], secret, cli_val(x, "--events"), &w,
				    err);
	sodium_memzero(buf, sizeof(buf));
	if (rc != 0)
		return -1;
	if (x->c->json)
		cli_print_json(json_pack("{sI ss ss}", "id", (json_int_t)w.id, "url", w.url, "events",
					 w.events));
	else
		printf("webhook %lld added: %s (events %s)\n", (long long)w.id, w.url, w.events);
	return 0;
}

static int webhook_row(void *ud, const struct store_webhook *w)
{
	struct cli *c = ((void **)ud)[0];
	/* The secret is never printed. */
	if (c->json)
		json_array_append_new(((void **)ud)[1],
				      json_pack("{sI ss ss}", "id", (json_int_t)w->id, "url", w->url,
						"events", w->events));
	else
		printf("%-6lld %s  events %s\n", (long long)w->id, w->url, w->events);
	return 0;
}

int cmd_webhook_list(struct cli_call *x, struct perr *err)
{
	json_t *arr = json_array();
	void *ud[2] = { x->c, arr };
	int rc = store_webhook_list(x->st, webhook_row, ud, err);
	if (rc == 0 && x->c->json)
		cli_print_json(json_incref(arr));
	json_decref(arr);
	return rc;
}

int cmd_webhook_rm(struct cli_call *x, struct perr *err)
{
	int64_t id;
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	if (notify_webhook_remove(x->st, x->actor, id, err) != 0)
		return -1;
	if (x->c->json)
		cli_print_json(json_pack("{sI sb}", "id", (json_int_t)id, "removed", 1));
	else
		printf("webhook %lld removed\n", (long long)id);
	return 0;
}
