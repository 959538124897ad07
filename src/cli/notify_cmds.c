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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "notify/notify.h"

/* ------------------------------------------------------------- helpers */







/* ---------------------------------------------------------- notify test */

int cmd_notify_test(struct cli *c, int argc, char **argv)
{
	static const char *const valued[] = { "--lang", "--count", NULL };
	bool bad = false;
	char *pos[2];
	const char *lang = cli_opt(argc, argv, "--lang", &bad);
	const char *count_s = cli_opt(argc, argv, "--count", &bad);
	int np = cli_positional(argc, argv, valued, NULL, pos, 2, &bad);
	int64_t count = 1;
	if (bad || np != 1)
		return cli_usage_of("notify test");
	if (count_s && parse_i64(count_s, 1, 1000, &count) != 0) {
		fprintf(stderr, "parapet: --count must be a number from 1 to 1000\n");
		return 2;
	}
	if (lang && strcmp(lang, "en") != 0 && strcmp(lang, "fa") != 0) {
		fprintf(stderr, "parapet: --lang must be en or fa\n");
		return 2;
	}
	if (!notify_address_ok(pos[0])) {
		fprintf(stderr, "parapet: %s is not a single e-mail address\n", pos[0]);
		return 2;
	}
	struct store *st;
	struct perr err;
	perr_clear(&err);
	if (cli_open(c, &st) != 0)
		return 1;
	char when[40];
	core_iso8601(core_now_ms(), when, sizeof(when));
	struct notify_var vars[] = { { "time", when } };
	struct notify_mail m = { .to = pos[0], .lang = lang ? lang : "en", .tmpl = "test",
				 .vars = vars, .nvars = 1 };
	int rc = 0;
	if (store_begin(st, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	for (int64_t i = 0; i < count; i++)
		if (notify_mail(st, &c->cfg, &m, &err) != 0) {
			store_rollback(st);
			rc = cli_fail(&err);
			goto out;
		}
	if (store_commit(st, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (c->json)
		cli_print_json(json_pack("{sI ss ss}", "queued", (json_int_t)count, "to", pos[0],
				     "lang", m.lang));
	else
		printf("%lld test mail%s queued for %s\n", (long long)count, count == 1 ? "" : "s",
		       pos[0]);
	if (!c->cfg.smtp_host[0])
		fprintf(stderr, "parapet: note: smtp.host is not set; the mail waits in the outbox "
				"until it is\n");
out:
	store_close(st);
	return rc;
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

int cmd_outbox(struct cli *c, int argc, char **argv)
{
	static const char *const valued[] = { "--status", "--incident", "--limit", NULL };
	bool bad = false;
	char *pos[1];
	const char *status = cli_opt(argc, argv, "--status", &bad);
	const char *inc_s = cli_opt(argc, argv, "--incident", &bad);
	const char *limit_s = cli_opt(argc, argv, "--limit", &bad);
	if (cli_positional(argc, argv, valued, NULL, pos, 1, &bad) != 0 || bad)
		return cli_usage_of("outbox");
	if (status && strcmp(status, "pending") != 0 && strcmp(status, "sent") != 0 &&
	    strcmp(status, "failed") != 0) {
		fprintf(stderr, "parapet: --status must be pending, sent or failed\n");
		return 2;
	}
	int64_t incident = 0, limit = 100;
	if (inc_s && parse_i64(inc_s, 1, INT64_MAX, &incident) != 0) {
		fprintf(stderr, "parapet: --incident must be an incident id\n");
		return 2;
	}
	if (limit_s && parse_i64(limit_s, 0, INT64_MAX, &limit) != 0) {
		fprintf(stderr, "parapet: --limit must be a number (0 = all)\n");
		return 2;
	}
	struct store *st;
	struct perr err;
	perr_clear(&err);
	if (cli_open(c, &st) != 0)
		return 1;
	json_t *arr = json_array();
	void *ud[2] = { c, arr };
	int rc = store_outbox_list(st, status, incident, limit, outbox_row, ud, &err);
	if (rc < 0)
		rc = cli_fail(&err);
	else if (rc > 0)
		rc = cli_fail(&(struct perr){ PERR_INTERNAL, "", "out of memory" });
	else if (c->json)
		cli_print_json(json_incref(arr));
	json_decref(arr);
	store_close(st);
	return rc;
}

/* ------------------------------------------------------------ webhooks */

/* Read the secret from standard input: the first line, newline stripped. */
static int read_secret(char *buf, size_t n)
{
	if (!fgets(buf, (int)n, stdin)) {
		fprintf(stderr, "parapet: no secret on standard input\n");
		return -1;
	}
	size_t l = strlen(buf);
	if (l == n - 1 && buf[l - 1] != '\n') {
		fprintf(stderr, "parapet: secret too long\n");
		return -1;
	}
	while (l && (buf[l - 1] == '\n' || buf[l - 1] == '\r'))
		buf[--l] = '\0';
	return 0;
}

int cmd_webhook_add(struct cli *c, int argc, char **argv)
{
	static const char *const valued[] = { "--secret", "--events", NULL };
	static const char *const flags[] = { "--secret-stdin", NULL };
	bool bad = false;
	char *pos[2];
	const char *secret = cli_opt(argc, argv, "--secret", &bad);
	const char *events = cli_opt(argc, argv, "--events", &bad);
	bool from_stdin = cli_flag(argc, argv, "--secret-stdin");
	int np = cli_positional(argc, argv, valued, flags, pos, 2, &bad);
	if (bad || np != 1 || (!secret == !from_stdin))
		return cli_usage_of("webhook add");
	char buf[256];
	if (from_stdin) {
		if (read_secret(buf, sizeof(buf)) != 0)
			return 1;
		secret = buf;
	}
	struct store *st;
	struct perr err;
	perr_clear(&err);
	if (cli_open(c, &st) != 0)
		return 1;
	char who[96];
	cli_actor(who, sizeof(who));
	struct store_webhook w;
	int rc = 0;
	if (store_begin(st, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (notify_webhook_add(st, who, pos[0], secret, events, &w, &err) != 0) {
		store_rollback(st);
		rc = cli_fail(&err);
		goto out;
	}
	if (store_commit(st, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (c->json)
		cli_print_json(json_pack("{sI ss ss}", "id", (json_int_t)w.id, "url", w.url, "events",
				     w.events));
	else
		printf("webhook %lld added: %s (events %s)\n", (long long)w.id, w.url, w.events);
out:
	store_close(st);
	return rc;
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

int cmd_webhook_list(struct cli *c, int argc, char **argv)
{
	bool bad = false;
	char *pos[1];
	if (cli_positional(argc, argv, NULL, NULL, pos, 1, &bad) != 0 || bad)
		return cli_usage_of("webhook list");
	struct store *st;
	struct perr err;
	perr_clear(&err);
	if (cli_open(c, &st) != 0)
		return 1;
	json_t *arr = json_array();
	void *ud[2] = { c, arr };
	int rc = store_webhook_list(st, webhook_row, ud, &err);
	if (rc != 0)
		rc = cli_fail(&err);
	else if (c->json)
		cli_print_json(json_incref(arr));
	json_decref(arr);
	store_close(st);
	return rc;
}

int cmd_webhook_rm(struct cli *c, int argc, char **argv)
{
	bool bad = false;
	char *pos[2];
	int64_t id;
	if (cli_positional(argc, argv, NULL, NULL, pos, 2, &bad) != 1 || bad)
		return cli_usage_of("webhook rm");
	if (parse_i64(pos[0], 1, INT64_MAX, &id) != 0) {
		fprintf(stderr, "parapet: %s is not an id (a positive integer)\n", pos[0]);
		return 2;
	}
	struct store *st;
	struct perr err;
	perr_clear(&err);
	if (cli_open(c, &st) != 0)
		return 1;
	char who[96];
	cli_actor(who, sizeof(who));
	int rc = 0;
	if (store_begin(st, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (notify_webhook_remove(st, who, id, &err) != 0) {
		store_rollback(st);
		rc = cli_fail(&err);
		goto out;
	}
	if (store_commit(st, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (c->json)
		cli_print_json(json_pack("{sI sb}", "id", (json_int_t)id, "removed", 1));
	else
		printf("webhook %lld removed\n", (long long)id);
out:
	store_close(st);
	return rc;
}
