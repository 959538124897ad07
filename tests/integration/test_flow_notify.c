/*
** test_flow_notify.c — the notify script contract through a real script
** (issue 16, src/flow/fnm.c builds, src/flow/notify.c runs): an operator's
** FastNetMon script keeps working. A shell script records its argv, its
** stdin and its environment into files; the test checks them against
** FastNetMon 1.2.4's contract (SCRIPT IP DIRECTION PPS ban|unban, details
** on stdin for ban), then what the runner promises: the exit status comes
** back, a script that does not read a large stdin is no error (and does
** not kill Parapet with SIGPIPE), a script that hangs is killed with what
** it started at the timeout, the server's environment does not leak.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flow/flow.h"

static char dir[] = "/tmp/parapet-notify-XXXXXX";

static void write_script(const char *name, const char *body, char *path, size_t n)
{
	snprintf(path, n, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s", body);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
}

static char *read_all(const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	struct pbuf b;
	struct perr err = { 0 };
	if (core_file_read(path, 1 << 20, &b, &err) != 0)
		fail_msg("%s: %s", path, err.msg);
	return pbuf_take(&b);
}

static const struct flow_attack_info attack = {
	.ip = "198.51.100.7", .dir = FLOW_DIR_IN, .type = "udp_flood", .pps = 250000,
	.peak_pps = 260000, .bps = 2000000000, .flows = 9000, .protocol = 17,
	.udp_pps = 249000, .udp_bps = 1990000000,
	.top = { { "203.0.113.53", 53, 200000 } }, .n_top = 1,
};

/* argv, stdin and the environment as the script sees them */
static void test_contract(void **state)
{
	(void)state;
	char script[512];
	char body[1024];
	snprintf(body, sizeof(body),
		 "printf '%%s\\n' \"$#\" \"$1\" \"$2\" \"$3\" \"$4\" > %s/argv\n"
		 "cat > %s/stdin\n"
		 "env > %s/env\n"
		 "echo done\n"
		 "exit 0\n",
		 dir, dir, dir);
	write_script("notify.sh", body, script, sizeof(script));
	setenv("PARAPET_DB_PASSWORD", "secret", 1);

	struct flow_notify_bufs bufs;
	const char *argv[FLOW_NOTIFY_ARGS];
	struct pbuf in, out;
	struct perr err = { 0 };
	pbuf_init(&in, 0);
	pbuf_init(&out, 4096);
	assert_int_equal(flow_notify_build(script, FLOW_ACT_BAN, &attack, &bufs, argv, &in, &err), 0);
	int rc = flow_notify_run(argv, in.ptr, in.len, 10000, &out, &err);
	if (rc != 0)
		fail_msg("run: %d %s", rc, err.msg);
	assert_string_equal(pbuf_cstr(&out), "done\n");
	char *a = read_all("argv");
	assert_string_equal(a, "4\n198.51.100.7\nincoming\n250000\nban\n");
	free(a);
	char *s = read_all("stdin");
	assert_string_equal(s, pbuf_cstr(&in)); /* byte for byte */
	assert_non_null(strstr(s, "IP: 198.51.100.7\nAttack type: udp_flood\n"));
	assert_non_null(strstr(s, "\nIncoming udp pps: 249000 packets per second\n"));
	free(s);
	char *e = read_all("env");
	assert_null(strstr(e, "PARAPET_DB_PASSWORD"));
	assert_non_null(strstr(e, "PATH=/usr/local/sbin:"));
	free(e);

	/* unban: FastNetMon's argv, nothing on stdin */
	pbuf_reset(&in);
	pbuf_reset(&out);
	assert_int_equal(flow_notify_build(script, FLOW_ACT_UNBAN, &attack, &bufs, argv, &in, &err),
			 0);
	assert_int_equal(flow_notify_run(argv, in.ptr, in.len, 10000, &out, &err), 0);
	a = read_all("argv");
	assert_string_equal(a, "4\n198.51.100.7\nincoming\n250000\nunban\n");
	free(a);
	s = read_all("stdin");
	assert_string_equal(s, "");
	free(s);
	pbuf_free(&in);
	pbuf_free(&out);
}

/* The exit status comes back; a script that ignores a large stdin is no
** error, and the caller survives (SIGPIPE is not ignored here). */
static void test_status_and_unread_stdin(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_DFL);
	char script[512];
	write_script("fail.sh", "echo oops >&2\nexit 3\n", script, sizeof(script));
	const char *argv[] = { script, "192.0.2.1", "incoming", "1", "ban", NULL };
	size_t n = 1 << 20;
	char *big = malloc(n);
	memset(big, 'x', n);
	struct pbuf out;
	struct perr err = { 0 };
	pbuf_init(&out, 64);
	assert_int_equal(flow_notify_run(argv, big, n, 10000, &out, &err), 3);
	assert_string_equal(pbuf_cstr(&out), "oops\n");
	free(big);
	pbuf_free(&out);

	/* a script that cannot start */
	const char *none[] = { "/nonexistent/notify.sh", "192.0.2.1", "incoming", "1", "ban", NULL };
	assert_int_equal(flow_notify_run(none, "", 0, 10000, NULL, &err), 127);
	const char *rel[] = { "notify.sh", NULL };
	assert_int_equal(flow_notify_run(rel, "", 0, 10000, NULL, &err), -1);
	assert_int_equal(err.kind, PERR_INVALID);
}

/* A hanging script and what it started are killed at the timeout. */
static void test_timeout(void **state)
{
	(void)state;
	char script[512], body[512];
	snprintf(body, sizeof(body), "sleep 600 &\necho $! > %s/child.pid\nwait\n", dir);
	write_script("hang.sh", body, script, sizeof(script));
	const char *argv[] = { script, "192.0.2.1", "incoming", "1", "ban", NULL };
	struct perr err = { 0 };
	assert_int_equal(flow_notify_run(argv, "", 0, 300, NULL, &err), -1);
	assert_int_equal(err.kind, PERR_BUSY);
	char *p = read_all("child.pid");
	pid_t child = (pid_t)atoi(p);
	free(p);
	assert_true(child > 1);
	/* the sleep was in the script's process group: killed with it (a
	** zombie until init reaps it, which kill(0) still finds, so look at
	** its state) */
	char stat_path[64];
	snprintf(stat_path, sizeof(stat_path), "/proc/%d/stat", (int)child);
	bool dead = false;
	for (int i = 0; i < 500 && !dead; i++) {
		char st[256] = "";
		FILE *f = fopen(stat_path, "r");
		if (!f) {
			dead = true; /* reaped */
			break;
		}
		if (!fgets(st, sizeof(st), f))
			st[0] = 0;
		fclose(f);
		const char *rp = strrchr(st, ')');
		dead = rp && (rp[2] == 'Z' || rp[2] == 'X');
		if (!dead)
			usleep(10000); /* SIGKILL is delivered, not yet acted on */
	}
	assert_true(dead);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contract),
		cmocka_unit_test(test_status_and_unread_stdin),
		cmocka_unit_test(test_timeout),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		rc = rc ? rc : 1;
	return rc;
}
