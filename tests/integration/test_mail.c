/*
** test_mail.c — notifications end to end: the real `parapet serve` delivers
** its outbox to a real SMTP server (tests/integration/smtp_sink.py, on
** Debian's python3-aiosmtpd) on a loopback port.
**
** - Mail queued by a separate CLI process (`parapet notify test`) is picked
**   up by the server's worker by polling, and arrives with the right
**   envelope, headers and a Persian subject that decodes back to the text.
** - At least once: 50 mails are queued, the SMTP server is slow, the server
**   is killed with SIGKILL in the middle and started again; every one of the
**   50 Message-IDs arrives at least once (duplicates allowed) and the outbox
**   drains.
** - Failures are visible: with nothing listening on the SMTP port, rows get
**   attempts and last_error (never the SMTP password) in `parapet --json
**   outbox`, and are marked failed after notify.max_attempts.
*/
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static char *dir; /* per-test data directory */

static int setup(void **state)
{
	(void)state;
	dir = h_tmpdir("mail");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_rmdir(dir);
	dir = NULL;
	return 0;
}

/* Header value (unfolded) of a raw message; malloc'd, or NULL. */
static char *mail_header(const char *msg, const char *name)
{
	size_t nl = strlen(name);
	const char *end = strstr(msg, "\r\n\r\n");
	for (const char *p = msg; p && end && p < end;) {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			char *out = calloc(1, (size_t)(end - v) + 1);
			size_t o = 0;
			for (;;) {
				const char *e = strstr(v, "\r\n");
				memcpy(out + o, v, (size_t)(e - v));
				o += (size_t)(e - v);
				if (e[2] == ' ' || e[2] == '\t') {
					v = e + 2;
					continue;
				}
				break;
			}
			out[o] = '\0';
			return out;
		}
		const char *e = strstr(p, "\r\n");
		p = e ? e + 2 : NULL;
	}
	return NULL;
}

/* RFC 2047 B-words (UTF-8) to text; malloc'd. */
static char *decode_subject(const char *v)
{
	char *out = calloc(1, strlen(v) + 1);
	size_t o = 0;
	const char *p = v;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (strncasecmp(p, "=?UTF-8?B?", 10) != 0)
			fail_msg("subject is not encoded-words: %s", v);
		p += 10;
		const char *e = strstr(p, "?=");
		if (!e)
			fail_msg("unterminated encoded-word: %s", v);
		size_t bl = 0;
		if (sodium_base642bin((unsigned char *)out + o, strlen(v) - o, p, (size_t)(e - p),
				      NULL, &bl, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
			fail_msg("bad base64 in %s", v);
		o += bl;
		p = e + 2;
	}
	out[o] = '\0';
	return out;
}

/* ------------------------------------------------------------- helpers */

static void cli_ok(struct h_proc *p, const char *what)
{
	if (p->status != 0)
		fail_msg("%s: exit %d\nstdout: %s\nstderr: %s", what, p->status, p->out, p->err);
}

/* `parapet --json outbox ARGS...`, parsed. */
static json_t *outbox(const char *status)
{
	struct h_proc p;
	if (status)
		h_cli(&p, dir, NULL, "--json", "outbox", "--limit", "0", "--status", status, NULL);
	else
		h_cli(&p, dir, NULL, "--json", "outbox", "--limit", "0", NULL);
	cli_ok(&p, "parapet --json outbox");
	json_error_t je;
	json_t *j = json_loads(p.out, 0, &je);
	if (!j || !json_is_array(j))
		fail_msg("outbox --json printed no array: %s", p.out);
	h_proc_free(&p);
	return j;
}

/* `parapet notify test`, with the server's environment: the mail is
** rendered (From, Message-ID domain) by the process that queues it. */
static void queue_test_mail(const char *const *env, const char *to, const char *count,
			    const char *lang)
{
	struct h_proc p;
	const char *argv[] = { h_bin(), "--data", dir,  "notify", "test", to,
			       "--count", count, "--lang", lang,     NULL };
	if (h_run(&p, NULL, env, argv) != 0)
		fail_msg("cannot run %s", h_bin());
	cli_ok(&p, "parapet notify test");
	h_proc_free(&p);
}

/* Wait (up to 5 s) until /metrics (on the metrics listener, as Prometheus
** reads it) contains every needle: the worker refreshes its gauges just
** after the pass that changed the outbox. */
static void metrics_wait(const struct h_server *s, const char *const *needles)
{
	int64_t t0 = h_now_ms();
	for (;;) {
		struct h_resp r;
		h_metrics(s, &r);
		H_STATUS(&r, 200);
		bool all = true;
		for (const char *const *n = needles; *n; n++)
			all = all && strstr(r.body, *n) != NULL;
		if (all) {
			h_resp_free(&r);
			return;
		}
		if (h_now_ms() - t0 > 5000) {
			for (const char *const *n = needles; *n; n++)
				H_CONTAINS(r.body, *n);
		}
		h_resp_free(&r);
		usleep(50000);
	}
}

/* A loopback port with nothing listening on it. */
static int dead_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) != 0)
		fail_msg("bind: %s", strerror(errno));
	getsockname(s, (struct sockaddr *)&a, &al);
	close(s);
	return ntohs(a.sin_port);
}

/* ---------------------------------------------------------------- tests */

static void test_cli_mail_delivered_by_server(void **state)
{
	(void)state;
	char *maildir = h_fmt("%s/mail", dir);
	struct h_sink k;
	h_sink_start(&k, maildir, 0, NULL);
	h_migrate(dir);
	char *port = h_fmt("PARAPET_SMTP_PORT=%d", k.port);
	const char *env[] = { "PARAPET_SMTP_HOST=127.0.0.1", port, "PARAPET_SMTP_STARTTLS=none",
			      "PARAPET_NOTIFY_POLL_MS=50", "PARAPET_SMTP_FROM=cert@parapet.example",
			      "PARAPET_NOTIFY_MESSAGE_ID_DOMAIN=parapet.example", NULL };
	struct h_server s;
	h_server_start(&s, dir, env);
	/* Another process queues; the server finds the rows by polling. */
	queue_test_mail(env, "a@b.example", "3", "fa");
	int n = h_sink_wait(&k, 3, 20000);
	if (n != 3)
		fail_msg("%d of 3 mails arrived", n);
	usleep(300000);
	assert_int_equal(h_sink_count(&k), 3); /* and no more */
	const char *subject = "پیام آزمایشی پاراپت";
	json_t *sent = NULL;
	for (int tries = 0; tries < 100; tries++) {
		json_decref(sent);
		sent = outbox("sent");
		if (json_array_size(sent) == 3)
			break;
		usleep(50000);
	}
	assert_int_equal(json_array_size(sent), 3);
	for (int i = 1; i <= 3; i++) {
		json_t *envl;
		char *msg = h_sink_message(&k, i, &envl);
		assert_string_equal(h_jstr(envl, "mail_from"), "cert@parapet.example");
		json_t *rcpt = json_object_get(envl, "rcpt_tos");
		assert_int_equal(json_array_size(rcpt), 1);
		assert_string_equal(json_string_value(json_array_get(rcpt, 0)), "a@b.example");
		json_decref(envl);
		char *v = mail_header(msg, "To");
		assert_string_equal(v, "a@b.example");
		free(v);
		v = mail_header(msg, "From");
		assert_string_equal(v, "cert@parapet.example");
		free(v);
		v = mail_header(msg, "Subject");
		assert_non_null(v);
		assert_int_equal(strncmp(v, "=?UTF-8?B?", 10), 0);
		char *dec = decode_subject(v);
		assert_string_equal(dec, subject);
		free(dec);
		free(v);
		static const char *const present[][2] = {
			{ "MIME-Version", "1.0" },
			{ "Content-Type", "text/plain; charset=UTF-8" },
			{ "Content-Transfer-Encoding", "8bit" },
			{ "Auto-Submitted", "auto-generated" },
		};
		for (size_t h = 0; h < sizeof(present) / sizeof(present[0]); h++) {
			v = mail_header(msg, present[h][0]);
			if (!v || strcmp(v, present[h][1]) != 0)
				fail_msg("header %s: \"%s\", expected \"%s\"", present[h][0],
					 v ? v : "(absent)", present[h][1]);
			free(v);
		}
		v = mail_header(msg, "Date");
		assert_non_null(v);
		assert_non_null(strstr(v, " +0000"));
		free(v);
		/* The Message-ID is one of the outbox's, and the body is Persian. */
		v = mail_header(msg, "Message-ID");
		assert_non_null(v);
		bool known = false;
		for (size_t r = 0; r < json_array_size(sent); r++) {
			char *want = h_fmt("<%s>", h_jstr(json_array_get(sent, r), "message_id"));
			known |= strcmp(want, v) == 0;
			free(want);
		}
		if (!known)
			fail_msg("Message-ID %s is not in the outbox", v);
		assert_non_null(strstr(v, "@parapet.example>"));
		free(v);
		H_CONTAINS(msg, "\r\n\r\nاین یک پیام آزمایشی از پاراپت");
		free(msg);
	}
	json_decref(sent);
	/* The server counts what it sent. */
	const char *want[] = { "\nparapet_notify_sent_total 3\n", "\nparapet_outbox_pending 0\n",
			       NULL };
	metrics_wait(&s, want);
	assert_int_equal(h_server_stop(&s), 0);
	h_sink_stop(&k);
	free(port);
	free(maildir);
}

static void test_kill9_loses_nothing(void **state)
{
	(void)state;
	char *maildir = h_fmt("%s/mail", dir);
	struct h_sink k;
	/* A slow server: 50 ms per message, 2.5 s for all. */
	h_sink_start(&k, maildir, 0, "0.05");
	h_migrate(dir);
	queue_test_mail(NULL, "ops@org.example", "50", "en");
	json_t *all = outbox("pending");
	assert_int_equal(json_array_size(all), 50);
	char *port = h_fmt("PARAPET_SMTP_PORT=%d", k.port);
	/* smtp.timeout 5: the mail in flight at the kill stays claimed for
	** smtp.timeout + 10 s (its lease) before the restarted server sends it */
	const char *env[] = { "PARAPET_SMTP_HOST=127.0.0.1", port, "PARAPET_SMTP_STARTTLS=none",
			      "PARAPET_NOTIFY_POLL_MS=50", "PARAPET_SMTP_TIMEOUT=5", NULL };
	struct h_server s;
	h_server_start(&s, dir, env);
	int got = h_sink_wait(&k, 10, 20000);
	if (got < 10)
		fail_msg("only %d mails arrived before the kill", got);
	assert_int_equal(h_server_stop_sig(&s, SIGKILL), 128 + SIGKILL);
	json_t *pending = outbox("pending");
	size_t left = json_array_size(pending);
	json_decref(pending);
	if (left == 0)
		fail_msg("the server finished before it was killed; the test proves nothing");
	/* Start again: the rest, and anything in flight at the kill, goes out. */
	h_server_start(&s, dir, env);
	int64_t t0 = h_now_ms();
	for (;;) {
		pending = outbox("pending");
		left = json_array_size(pending);
		json_decref(pending);
		if (left == 0)
			break;
		if (h_now_ms() - t0 > 60000)
			fail_msg("%zu mails still pending after a minute", left);
		usleep(100000);
	}
	assert_int_equal(h_server_stop(&s), 0);
	h_sink_stop(&k);
	struct h_sink view = { 0, 0, maildir };
	int n = h_sink_count(&view);
	assert_true(n >= 50);
	/* Every one of the 50 Message-IDs arrived at least once. */
	char **ids = calloc((size_t)n, sizeof(*ids));
	for (int i = 1; i <= n; i++) {
		char *msg = h_sink_message(&view, i, NULL);
		ids[i - 1] = mail_header(msg, "Message-ID");
		free(msg);
	}
	for (size_t r = 0; r < json_array_size(all); r++) {
		char *want = h_fmt("<%s>", h_jstr(json_array_get(all, r), "message_id"));
		bool found = false;
		for (int i = 0; i < n && !found; i++)
			found = ids[i] && strcmp(ids[i], want) == 0;
		if (!found)
			fail_msg("%s never arrived (%d messages received)", want, n);
		free(want);
	}
	print_message("kill -9: %d messages received for 50 queued (%d duplicates)\n", n, n - 50);
	json_t *sent = outbox("sent");
	assert_int_equal(json_array_size(sent), 50);
	json_decref(sent);
	for (int i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	json_decref(all);
	free(port);
	free(maildir);
}

static void test_failures_visible(void **state)
{
	(void)state;
	h_migrate(dir);
	char *port = h_fmt("PARAPET_SMTP_PORT=%d", dead_port());
	const char *env[] = { "PARAPET_SMTP_HOST=127.0.0.1", port, "PARAPET_SMTP_STARTTLS=none",
			      "PARAPET_NOTIFY_POLL_MS=50", "PARAPET_NOTIFY_RETRY_BASE=1",
			      "PARAPET_NOTIFY_MAX_ATTEMPTS=2", "PARAPET_SMTP_USERNAME=parapet",
			      "PARAPET_SMTP_PASSWORD=Sup3r-s3cret-pw", NULL };
	struct h_server s;
	h_server_start(&s, dir, env);
	queue_test_mail(env, "a@b.example", "2", "en");
	/* First: attempts counted and the error kept, still pending. */
	int64_t t0 = h_now_ms();
	json_t *rows = NULL;
	for (;;) {
		json_decref(rows);
		rows = outbox(NULL);
		json_t *o = json_array_get(rows, 0);
		if (h_jint(o, "attempts") >= 1 && h_jstr(o, "last_error")[0])
			break;
		if (h_now_ms() - t0 > 20000)
			fail_msg("no failed attempt recorded");
		usleep(50000);
	}
	/* Then, after notify.max_attempts (2, one second apart), failed. */
	for (;;) {
		json_decref(rows);
		rows = outbox("failed");
		if (json_array_size(rows) == 2)
			break;
		if (h_now_ms() - t0 > 30000)
			fail_msg("rows not marked failed after max_attempts");
		usleep(100000);
	}
	for (size_t i = 0; i < 2; i++) {
		json_t *o = json_array_get(rows, i);
		assert_string_equal(h_jstr(o, "status"), "failed");
		assert_int_equal(h_jint(o, "attempts"), 2);
		const char *e = h_jstr(o, "last_error");
		H_CONTAINS(e, "smtp");
		assert_null(strstr(e, "Sup3r-s3cret-pw"));
	}
	json_decref(rows);
	/* The text listing shows them too. */
	struct h_proc p;
	h_cli(&p, dir, NULL, "outbox", "--status", "failed", NULL);
	cli_ok(&p, "parapet outbox");
	H_CONTAINS(p.out, "failed");
	H_CONTAINS(p.out, "a@b.example");
	h_proc_free(&p);
	const char *want[] = { "\nparapet_notify_failed_total 4\n", "\nparapet_outbox_failed 2\n",
			       NULL };
	metrics_wait(&s, want);
	/* The server log never carries the password either. */
	assert_int_equal(h_server_stop(&s), 0);
	char *log = h_slurp(s.log);
	assert_null(strstr(log, "Sup3r-s3cret-pw"));
	free(log);
	free(port);
}

static void test_cli_usage_and_webhooks(void **state)
{
	(void)state;
	h_migrate(dir);
	struct h_proc p;
	h_cli(&p, dir, NULL, "notify", "test", "not an address", NULL);
	assert_int_equal(p.status, EX_USAGE);
	h_proc_free(&p);
	h_cli(&p, dir, NULL, "notify", "test", "a@b.example", "--count", "0", NULL);
	assert_int_equal(p.status, EX_USAGE);
	h_proc_free(&p);
	h_cli(&p, dir, NULL, "notify", "test", "a@b.example", "--lang", "de", NULL);
	assert_int_equal(p.status, EX_USAGE);
	h_proc_free(&p);
	h_cli(&p, dir, NULL, "outbox", "--status", "lost", NULL);
	assert_int_equal(p.status, EX_USAGE);
	h_proc_free(&p);
	h_cli(&p, dir, NULL, "--json", "webhook", "add", "https://soc.example/hook", "--secret",
	      "0123456789abcdef-hook", "--events", "incident.created,incident.transition", NULL);
	cli_ok(&p, "webhook add");
	json_t *j = json_loads(p.out, 0, NULL);
	int64_t id = h_jint(j, "id");
	assert_true(id > 0);
	json_decref(j);
	h_proc_free(&p);
	h_cli(&p, dir, NULL, "webhook", "add", "ftp://x.example/", "--secret",
	      "0123456789abcdef-hook", NULL);
	assert_int_equal(p.status, EX_DATAERR);
	H_CONTAINS(p.err, "url");
	h_proc_free(&p);
	h_cli(&p, dir, NULL, "webhook", "add", "https://x.example/", NULL);
	assert_int_equal(p.status, EX_USAGE);
	h_proc_free(&p);
	h_cli(&p, dir, NULL, "webhook", "list", NULL);
	cli_ok(&p, "webhook list");
	H_CONTAINS(p.out, "https://soc.example/hook");
	H_CONTAINS(p.out, "incident.created,incident.transition");
	assert_null(strstr(p.out, "0123456789abcdef-hook")); /* secrets are not shown */
	h_proc_free(&p);
	char *ids = h_fmt("%lld", (long long)id);
	h_cli(&p, dir, NULL, "webhook", "rm", ids, NULL);
	cli_ok(&p, "webhook rm");
	h_proc_free(&p);
	h_cli(&p, dir, NULL, "webhook", "rm", ids, NULL);
	assert_int_equal(p.status, EX_NOINPUT);
	h_proc_free(&p);
	free(ids);
	/* Both changes are in the audit log, without the secret. */
	h_cli(&p, dir, NULL, "audit", "list", NULL);
	cli_ok(&p, "audit list");
	H_CONTAINS(p.out, "webhook.add");
	H_CONTAINS(p.out, "webhook.remove");
	assert_null(strstr(p.out, "0123456789abcdef-hook"));
	h_proc_free(&p);
}

int main(void)
{
	h_init();
	if (sodium_init() < 0)
		return 1;
	atexit(h_sink_kill_all);
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_cli_mail_delivered_by_server),
		T(test_kill9_loses_nothing),
		T(test_failures_visible),
		T(test_cli_usage_and_webhooks),
	};
	return cmocka_run_group_tests_name("mail", tests, NULL, NULL);
}
