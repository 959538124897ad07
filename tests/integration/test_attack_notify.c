/*
** test_attack_notify.c — attacks on notifications and on the data directory
** (issue 11, items 7, 8 and 15), against the real `parapet` binary, a real
** SMTP server (smtp_sink.py, python3-aiosmtpd) and a real HTTP webhook
** receiver (webhook_sink.py, Python's http.server), all on loopback.
**
** - Two servers, one database, 20 mails: exactly 20 arrive. `serve` now locks
**   its data directory, so two servers can no longer share one directory;
**   the race this test makes is the one still possible, and the one a
**   multi-node deployment has: two data directories whose parapet.db is the
**   same file (the second directory's parapet.db is a symbolic link to the
**   first's; SQLite follows it and shares the WAL). Each server has its own
**   lock, so both run their sender over one outbox; only the outbox claims
**   (migration 0010) keep them from sending each mail twice. Before the
**   claims, both sent all 20 (40 received). The SMTP server is slow (0.1 s
**   a mail) so the two passes overlap.
** - A second `serve` on the same data directory exits non-zero at once,
**   naming the first one's pid.
** - Webhooks: an incident change is POSTed to a receiver that answers 500
**   twice: the three requests carry the same delivery id, a valid
**   X-Parapet-Signature (HMAC-SHA-256 of the body under the webhook's
**   secret, recomputed here) and the incident's new state; the outbox entry
**   ends sent after 3 attempts. Then ten deliveries to a slow receiver,
**   `kill -9` of the server in the middle, a restart: every delivery id in
**   the outbox reaches the receiver at least once.
** - SMTP AUTH: with smtp.username set and the defaults, a server offering no
**   STARTTLS (the sink, which advertises AUTH without TLS and records every
**   AUTH it gets) receives no AUTH and no password; the mail stays pending
**   with a reason saying so. With smtp.allow_plain_auth = true it is sent,
**   and the server warned at start.
** - A read-only data directory is reported as read-only, with its path, not
**   as "unable to open database file". The tests run as root, for whom
**   chmod 0555 stops nothing; the directory is made read-only by a bind
**   mount in a private mount namespace (`unshare -m`, util-linux), so the
**   host sees no mount. Skipped, with a message, where unshare is refused.
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static char *dir; /* per-test temporary directory */

static int setup(void **state)
{
	(void)state;
	dir = h_tmpdir("attack-notify");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_rmdir(dir);
	dir = NULL;
	return 0;
}

static void cli_ok(struct h_proc *p, const char *what)
{
	if (p->status != 0)
		fail_msg("%s: exit %d\nstdout: %s\nstderr: %s", what, p->status, p->out, p->err);
}

/* `parapet --data DATA [ENV] ARGS...` that must succeed; its stdout parsed
** as JSON when json is true (caller decrefs), else NULL. */
static json_t *run_ok(const char *data, const char *const *env, bool json,
		      const char *const *args)
{
	const char *argv[24] = { h_bin(), "--data", data };
	int n = 3;
	if (json)
		argv[n++] = "--json";
	for (const char *const *a = args; *a && n < 23; a++)
		argv[n++] = *a;
	argv[n] = NULL;
	struct h_proc p;
	if (h_run(&p, NULL, env, argv) != 0)
		fail_msg("cannot run %s", h_bin());
	cli_ok(&p, args[0]);
	json_t *j = NULL;
	if (json) {
		json_error_t je;
		j = json_loads(p.out, 0, &je);
		if (!j)
			fail_msg("%s printed no JSON: %s", args[0], p.out);
	}
	h_proc_free(&p);
	return j;
}

/* The outbox as `parapet --json outbox --limit 0 [--status S]` prints it. */
static json_t *outbox(const char *data, const char *status)
{
	const char *a[] = { "outbox", "--limit", "0", status ? "--status" : NULL, status, NULL };
	return run_ok(data, NULL, true, a);
}

static size_t pending_count(const char *data)
{
	json_t *j = outbox(data, "pending");
	size_t n = json_array_size(j);
	json_decref(j);
	return n;
}

/* ------------------------------------------------------- webhook sink */

struct hook_sink {
	pid_t pid;
	int port;
	char *dir;
};

static void hook_start(struct hook_sink *k, const char *sinkdir, const char *fail_first,
		       const char *delay)
{
	/* beside smtp_sink.py, whose path the build gives */
	const char *smtp = getenv("SMTP_SINK");
	char *copy = strdup(smtp && *smtp ? smtp : "tests/integration/smtp_sink.py");
	char *script = h_fmt("%s/webhook_sink.py", dirname(copy));
	free(copy);
	const char *py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
	const char *argv[] = { py, script, sinkdir, "--fail-first", fail_first, "--delay", delay,
			       NULL };
	char said[64];
	k->pid = h_spawn_port(argv, &k->port, said, sizeof(said));
	free(script);
	k->dir = strdup(sinkdir);
	if (k->port <= 0) {
		kill(k->pid, SIGKILL);
		waitpid(k->pid, NULL, 0);
		fail_msg("webhook_sink.py did not start (said \"%s\")", said);
	}
}

static void hook_stop(struct hook_sink *k)
{
	if (k->pid > 0) {
		kill(k->pid, SIGTERM);
		waitpid(k->pid, NULL, 0);
	}
	k->pid = 0;
	free(k->dir);
	k->dir = NULL;
}

/* Record i (1-based) of the receiver, parsed (caller decrefs), or NULL. */
static json_t *hook_record(const struct hook_sink *k, int i)
{
	char *p = h_fmt("%s/%06d.json", k->dir, i);
	json_error_t je;
	json_t *j = json_load_file(p, 0, &je);
	free(p);
	return j;
}

static int hook_count(const struct hook_sink *k)
{
	int n = 0;
	for (;; n++) {
		char *p = h_fmt("%s/%06d.json", k->dir, n + 1);
		bool there = access(p, F_OK) == 0;
		free(p);
		if (!there)
			return n;
	}
}

static int hook_wait(const struct hook_sink *k, int want, int ms)
{
	int64_t t0 = h_now_ms();
	int n;
	while ((n = hook_count(k)) < want && h_now_ms() - t0 < ms)
		usleep(20000);
	return n;
}

static const char *rec_header(json_t *rec, const char *name)
{
	return json_string_value(json_object_get(json_object_get(rec, "headers"), name));
}

/* ---------------------------------------------------------------- tests */

/* Item 7: two servers on one database send each of 20 mails once. */
static void two_servers_one_database(void **state)
{
	(void)state;
	char *a = h_fmt("%s/a", dir), *maildir = h_fmt("%s/mail", dir);
	mkdir(a, 0700);
	h_migrate(a);
	char *b = h_data_twin(a); /* b/parapet.db -> a/parapet.db */
	struct h_sink k;
	h_sink_start(&k, maildir, 0, "0.1");
	const char *q[] = { "notify", "test", "ops@org.example", "--count", "20", NULL };
	run_ok(a, NULL, false, q);
	assert_int_equal(pending_count(b), 20); /* b sees a's database */
	char *port = h_fmt("PARAPET_SMTP_PORT=%d", k.port);
	const char *env[] = { "PARAPET_SMTP_HOST=127.0.0.1", port, "PARAPET_NOTIFY_POLL_MS=50",
			      NULL };
	struct h_server sa, sb;
	h_server_start(&sa, a, env);
	h_server_start(&sb, b, env);
	int n = h_sink_wait(&k, 20, 30000);
	if (n < 20)
		fail_msg("%d of 20 mails arrived", n);
	int64_t t0 = h_now_ms();
	while (pending_count(a) && h_now_ms() - t0 < 20000)
		usleep(100000);
	usleep(1000000); /* a duplicate would be on its way by now */
	assert_int_equal(h_server_stop(&sa), 0);
	assert_int_equal(h_server_stop(&sb), 0);
	h_sink_stop(&k);
	struct h_sink view = { 0, 0, maildir };
	n = h_sink_count(&view);
	if (n != 20)
		fail_msg("%d mails received for 20 queued: sent twice", n);
	/* twenty different Message-IDs */
	char *ids[20];
	for (int i = 0; i < 20; i++) {
		char *msg = h_sink_message(&view, i + 1, NULL);
		char *mid = strstr(msg, "\r\nMessage-ID: ");
		assert_non_null(mid);
		char *end = strstr(mid + 2, "\r\n");
		ids[i] = strndup(mid + 14, (size_t)(end - mid - 14));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(ids[i], ids[j]);
		free(msg);
	}
	for (int i = 0; i < 20; i++)
		free(ids[i]);
	json_t *sent = outbox(a, "sent");
	assert_int_equal(json_array_size(sent), 20);
	json_decref(sent);
	free(port);
	free(a);
	h_rmdir(b);
	free(maildir);
}

/* Item 7: a second `serve` on the same data directory refuses to start and
** names the first one's pid. */
static void second_serve_refused(void **state)
{
	(void)state;
	h_migrate(dir);
	struct h_server s;
	h_server_start(&s, dir, NULL);
	/* timeout(1): were the lock missing, this serve would run for ever */
	const char *argv[] = { "timeout", "20", h_bin(), "--data", dir, "serve", "--listen",
			       "127.0.0.1:0", NULL };
	struct h_proc p;
	if (h_run(&p, NULL, NULL, argv) != 0)
		fail_msg("cannot run timeout");
	assert_int_equal(p.status, EX_DATAERR);
	char *want = h_fmt("in use by process %d", (int)s.pid);
	H_CONTAINS(p.err, want);
	free(want);
	h_proc_free(&p);
	/* the first one is unharmed, and once it is gone a new one starts */
	struct h_resp r;
	h_http(&s, &r, "GET", "/healthz", NULL, NULL);
	H_STATUS(&r, 200);
	h_resp_free(&r);
	assert_int_equal(h_server_stop(&s), 0);
	h_server_start(&s, dir, NULL);
	assert_int_equal(h_server_stop(&s), 0);
	/* the lock goes with the process however it ends: kill -9 leaves none */
	h_server_start(&s, dir, NULL);
	h_server_stop_sig(&s, SIGKILL);
	h_server_start(&s, dir, NULL);
	assert_int_equal(h_server_stop(&s), 0);
}

/* Item 7: a webhook for an incident change, signed, retried after 500. */
static void webhook_signed_and_retried(void **state)
{
	(void)state;
	static const char secret[] = "attack-notify-webhook-secret";
	char *hookdir = h_fmt("%s/hooks", dir);
	struct hook_sink k;
	hook_start(&k, hookdir, "2", "0");
	h_migrate(dir);
	char *url = h_fmt("http://127.0.0.1:%d/parapet", k.port);
	const char *wa[] = { "webhook", "add", url, "--secret", secret, "--events",
			     "incident.transition", NULL };
	run_ok(dir, NULL, false, wa);
	int64_t org = h_org_add(dir, "Ministry of Hooks", "Tehran");
	char *orgs = h_fmt("%lld", (long long)org);
	const char *ia[] = { "incident", "add", orgs, "Defaced portal", "--severity", "high",
			     NULL };
	json_t *inc = run_ok(dir, NULL, true, ia);
	int64_t id = h_jint(inc, "id");
	assert_true(id > 0);
	json_decref(inc);
	char *ids = h_fmt("%lld", (long long)id);
	const char *tr[] = { "incident", "transition", ids, "triaged", NULL };
	json_decref(run_ok(dir, NULL, true, tr));
	json_t *q = outbox(dir, "pending");
	assert_int_equal(json_array_size(q), 1); /* the transition only: created is not subscribed */
	const char *delivery = h_jstr(json_array_get(q, 0), "message_id");
	char *want_id = strdup(delivery);
	json_decref(q);
	const char *env[] = { "PARAPET_NOTIFY_POLL_MS=50", "PARAPET_NOTIFY_RETRY_BASE=1", NULL };
	struct h_server s;
	h_server_start(&s, dir, env);
	int n = hook_wait(&k, 3, 30000);
	if (n < 3)
		fail_msg("%d of 3 requests (500, 500, 200) reached the receiver", n);
	int64_t t0 = h_now_ms();
	json_t *sent = NULL;
	while (h_now_ms() - t0 < 10000) {
		json_decref(sent);
		sent = outbox(dir, "sent");
		if (json_array_size(sent) == 1)
			break;
		usleep(100000);
	}
	assert_int_equal(json_array_size(sent), 1);
	assert_int_equal(h_jint(json_array_get(sent, 0), "attempts"), 3);
	json_decref(sent);
	assert_int_equal(h_server_stop(&s), 0);
	assert_int_equal(hook_count(&k), 3); /* no fourth once it was accepted */
	for (int i = 1; i <= 3; i++) {
		json_t *rec = hook_record(&k, i);
		assert_non_null(rec);
		assert_int_equal(h_jint(rec, "status"), i < 3 ? 500 : 200);
		assert_string_equal(h_jstr(rec, "path"), "/parapet");
		assert_string_equal(rec_header(rec, "x-parapet-delivery"), want_id);
		assert_string_equal(rec_header(rec, "x-parapet-event"), "incident.transition");
		H_CONTAINS(rec_header(rec, "content-type"), "application/json");
		/* the signature, recomputed over the body as received */
		const char *body = h_jstr(rec, "body");
		uint8_t mac[crypto_auth_hmacsha256_BYTES];
		crypto_auth_hmacsha256_state hs;
		crypto_auth_hmacsha256_init(&hs, (const unsigned char *)secret, strlen(secret));
		crypto_auth_hmacsha256_update(&hs, (const unsigned char *)body, strlen(body));
		crypto_auth_hmacsha256_final(&hs, mac);
		char hex[2 * sizeof(mac) + 1];
		sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
		char *sig = h_fmt("sha256=%s", hex);
		assert_string_equal(rec_header(rec, "x-parapet-signature"), sig);
		free(sig);
		/* and the payload: the incident in its new state */
		json_error_t je;
		json_t *pl = json_loads(body, 0, &je);
		assert_non_null(pl);
		assert_string_equal(h_jstr(pl, "event"), "incident.transition");
		json_t *pi = json_object_get(pl, "incident");
		assert_int_equal(h_jint(pi, "id"), id);
		assert_int_equal(h_jint(pi, "org"), org);
		assert_string_equal(h_jstr(pi, "status"), "triaged");
		assert_string_equal(h_jstr(pi, "title"), "Defaced portal");
		assert_string_equal(h_jstr(pi, "severity"), "high");
		json_decref(pl);
		json_decref(rec);
	}
	/* a forged body does not match its signature: the check above means
	** something */
	{
		json_t *rec = hook_record(&k, 3);
		const char *body = h_jstr(rec, "body");
		char *forged = strdup(body);
		char *st = strstr(forged, "triaged");
		assert_non_null(st);
		memcpy(st, "closed!", 7);
		uint8_t mac[crypto_auth_hmacsha256_BYTES];
		crypto_auth_hmacsha256_state hs;
		crypto_auth_hmacsha256_init(&hs, (const unsigned char *)secret, strlen(secret));
		crypto_auth_hmacsha256_update(&hs, (const unsigned char *)forged, strlen(forged));
		crypto_auth_hmacsha256_final(&hs, mac);
		char hex[2 * sizeof(mac) + 1];
		sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
		assert_null(strstr(rec_header(rec, "x-parapet-signature"), hex));
		free(forged);
		json_decref(rec);
	}
	hook_stop(&k);
	free(want_id);
	free(ids);
	free(orgs);
	free(url);
	free(hookdir);
}

/* Item 7: every webhook at least once across a kill -9 of the server. */
static void webhooks_survive_kill9(void **state)
{
	(void)state;
	char *hookdir = h_fmt("%s/hooks", dir);
	struct hook_sink k;
	hook_start(&k, hookdir, "0", "0.4"); /* 0.4 s a delivery: 4 s for ten */
	h_migrate(dir);
	char *url = h_fmt("http://127.0.0.1:%d/h", k.port);
	const char *wa[] = { "webhook", "add", url, "--secret", "kill-nine-webhook-secret", NULL };
	run_ok(dir, NULL, false, wa);
	int64_t org = h_org_add(dir, "Ministry of Kills", "Fars");
	char *orgs = h_fmt("%lld", (long long)org);
	for (int i = 0; i < 10; i++) {
		char *title = h_fmt("Incident %d", i);
		const char *ia[] = { "incident", "add", orgs, title, NULL };
		json_decref(run_ok(dir, NULL, true, ia));
		free(title);
	}
	json_t *all = outbox(dir, "pending");
	assert_int_equal(json_array_size(all), 10);
	/* smtp.timeout (the webhook timeout too) 3 s: the delivery in flight at
	** the kill stays claimed 13 s before the restarted server takes it */
	const char *env[] = { "PARAPET_NOTIFY_POLL_MS=50", "PARAPET_NOTIFY_RETRY_BASE=1",
			      "PARAPET_SMTP_TIMEOUT=3", NULL };
	struct h_server s;
	h_server_start(&s, dir, env);
	if (hook_wait(&k, 3, 20000) < 3)
		fail_msg("the webhooks did not start arriving");
	assert_int_equal(h_server_stop_sig(&s, SIGKILL), 128 + SIGKILL);
	size_t left = pending_count(dir);
	if (left == 0)
		fail_msg("the server finished before it was killed; the test proves nothing");
	h_server_start(&s, dir, env);
	int64_t t0 = h_now_ms();
	while ((left = pending_count(dir)) > 0 && h_now_ms() - t0 < 60000)
		usleep(200000);
	if (left)
		fail_msg("%zu webhooks still pending a minute after the restart", left);
	assert_int_equal(h_server_stop(&s), 0);
	hook_stop(&k);
	struct hook_sink view = { 0, 0, hookdir };
	int n = hook_count(&view);
	assert_true(n >= 10);
	for (size_t r = 0; r < json_array_size(all); r++) {
		const char *want = h_jstr(json_array_get(all, r), "message_id");
		bool seen = false;
		for (int i = 1; i <= n && !seen; i++) {
			json_t *rec = hook_record(&view, i);
			seen = rec && strcmp(rec_header(rec, "x-parapet-delivery"), want) == 0;
			json_decref(rec);
		}
		if (!seen)
			fail_msg("webhook %s never reached the receiver", want);
	}
	json_decref(all);
	free(orgs);
	free(url);
	free(hookdir);
}

/* Item 8: no password to a server that offers no STARTTLS, unless allowed. */
static void smtp_auth_never_in_clear(void **state)
{
	(void)state;
	static const char password[] = "Sm7p-Pa55word-Never-In-Clear";
	char *maildir = h_fmt("%s/mail", dir);
	struct h_sink k;
	const char *auth[] = { "--auth", NULL };
	h_sink_start_ex(&k, maildir, 0, NULL, auth);
	h_migrate(dir);
	const char *q[] = { "notify", "test", "soc@org.example", NULL };
	run_ok(dir, NULL, false, q);
	char *port = h_fmt("PARAPET_SMTP_PORT=%d", k.port);
	char *pw = h_fmt("PARAPET_SMTP_PASSWORD=%s", password);
	const char *env[] = { "PARAPET_SMTP_HOST=127.0.0.1", port, "PARAPET_SMTP_USERNAME=parapet",
			      pw, "PARAPET_NOTIFY_POLL_MS=50", "PARAPET_NOTIFY_RETRY_BASE=1",
			      "PARAPET_SMTP_TIMEOUT=5", NULL };
	struct h_server s;
	h_server_start(&s, dir, env);
	/* wait for two failed attempts: the refusal is not a one-off */
	int64_t t0 = h_now_ms();
	json_t *q1 = NULL;
	for (;;) {
		json_decref(q1);
		q1 = outbox(dir, NULL);
		if (h_jint(json_array_get(q1, 0), "attempts") >= 2)
			break;
		if (h_now_ms() - t0 > 20000)
			fail_msg("the mail was not attempted twice: %s",
				 h_jstr(json_array_get(q1, 0), "last_error"));
		usleep(100000);
	}
	json_t *row = json_array_get(q1, 0);
	assert_string_equal(h_jstr(row, "status"), "pending");
	const char *why = h_jstr(row, "last_error");
	H_CONTAINS(why, "no STARTTLS");
	H_CONTAINS(why, "password was not sent");
	H_CONTAINS(why, "smtp.allow_plain_auth");
	json_decref(q1);
	assert_int_equal(h_server_stop(&s), 0);
	char *authlog = h_fmt("%s/auth.jsonl", maildir);
	if (access(authlog, F_OK) == 0)
		fail_msg("the SMTP server received AUTH: %s", h_slurp(authlog));
	assert_int_equal(h_sink_count(&k), 0);
	char *log = h_slurp(s.log);
	assert_null(strstr(log, password));
	free(log);
	/* allowed explicitly: sent, with AUTH in the clear, and a warning at
	** start */
	const char *env2[] = { "PARAPET_SMTP_HOST=127.0.0.1", port,
			       "PARAPET_SMTP_USERNAME=parapet", pw,
			       "PARAPET_SMTP_ALLOW_PLAIN_AUTH=true", "PARAPET_NOTIFY_POLL_MS=50",
			       "PARAPET_NOTIFY_RETRY_BASE=1", NULL };
	h_server_start(&s, dir, env2);
	int n = h_sink_wait(&k, 1, 30000);
	assert_int_equal(h_server_stop(&s), 0);
	assert_int_equal(n, 1);
	char *al = h_slurp(authlog);
	H_CONTAINS(al, password);
	H_CONTAINS(al, "\"login\": \"parapet\"");
	free(al);
	log = h_slurp(s.log);
	H_CONTAINS(log, "warn notify: smtp.allow_plain_auth = true");
	free(log);
	h_sink_stop(&k);
	free(authlog);
	free(pw);
	free(port);
	free(maildir);
}

/* Item 15: a read-only data directory is named as read-only. */
static void read_only_data_directory(void **state)
{
	(void)state;
	const char *probe[] = { "unshare", "-m", "true", NULL };
	struct h_proc p;
	if (h_run(&p, NULL, NULL, probe) != 0 || p.status != 0) {
		h_proc_free(&p);
		print_message("unshare -m is refused here: read-only directory not tested\n");
		skip();
	}
	h_proc_free(&p);
	char *data = h_fmt("%s/var", dir);
	mkdir(data, 0700);
	h_migrate(data);
	/* an existing database in a directory mounted read-only */
	char *cmd = h_fmt("mount --bind -o ro '%s' '%s' && exec '%s' --data '%s' org list", data,
			  data, h_bin(), data);
	const char *a1[] = { "unshare", "-m", "sh", "-c", cmd, NULL };
	if (h_run(&p, NULL, NULL, a1) != 0)
		fail_msg("cannot run unshare");
	assert_int_equal(p.status, EX_DATAERR);
	char *want = h_fmt("data directory %s is read-only", data);
	H_CONTAINS(p.err, want);
	assert_null(strstr(p.err, "unable to open database file"));
	h_proc_free(&p);
	free(cmd);
	/* a new data directory on a read-only file system: serve says so too */
	char *fresh = h_fmt("%s/ro", dir);
	mkdir(fresh, 0700);
	cmd = h_fmt("mount -t tmpfs -o ro tmpfs '%s' && exec '%s' --data '%s' serve --create "
		    "--listen 127.0.0.1:0",
		    fresh, h_bin(), fresh);
	const char *a2[] = { "timeout", "20", "unshare", "-m", "sh", "-c", cmd, NULL };
	if (h_run(&p, NULL, NULL, a2) != 0)
		fail_msg("cannot run unshare");
	assert_int_equal(p.status, EX_DATAERR);
	free(want);
	want = h_fmt("data directory %s is read-only", fresh);
	H_CONTAINS(p.err, want);
	h_proc_free(&p);
	free(want);
	free(cmd);
	free(fresh);
	free(data);
}

int main(void)
{
	h_init();
	atexit(h_sink_kill_all);
	if (sodium_init() < 0)
		return 1;
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(second_serve_refused),
		T(two_servers_one_database),
		T(webhook_signed_and_retried),
		T(webhooks_survive_kill9),
		T(smtp_auth_never_in_clear),
		T(read_only_data_directory),
	};
	return cmocka_run_group_tests_name("attack_notify", tests, NULL, NULL);
}
