/*
** test_flow_exabgp.c — Parapet's ExaBGP lines through real BGP speakers
** (issue 16, src/flow/bgp.c): Debian's exabgp peers with Debian's gobgpd
** on loopback, on high ports (no privilege needed). ExaBGP's API process
** reads the lines the test writes into a named pipe (as FastNetMon's
** exabgp_command_pipe is fed); the test reads GoBGP's RIB with `gobgp
** global rib` until the blackhole /32 and /128 with community 65535:666 and
** the FlowSpec rule are there, then withdraws them and sees them gone.
** Every wait is a bounded poll of the real state, never a fixed sleep.
**
** The next hop is 192.0.2.254 (TEST-NET-1), not a loopback address:
** GoBGP treats an update whose next hop is 127.0.0.0/8 as a withdrawal
** ("invalid nexthop address").
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "flow/flow.h"

static char dir[] = "/tmp/parapet-exabgp-XXXXXX";
static pid_t gobgpd_pid = -1, exabgp_pid = -1;
static int api_port, bgp_port, pipe_fd = -1;

static int free_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t n = sizeof(a);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(s, (struct sockaddr *)&a, &n) != 0)
		return -1;
	close(s);
	return ntohs(a.sin_port);
}

static void write_file(const char *name, const char *text, mode_t mode)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static pid_t spawn(const char *const argv[], const char *log, char *const envp[])
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, log);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (chdir(dir) != 0)
			_exit(126);
		setpgid(0, 0);
		if (envp)
			execve(argv[0], (char *const *)argv, envp);
		else
			execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static void show_log(const char *name)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "echo '--- %s'; tail -n 30 %s/%s", name, dir, name);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot show %s\n", name);
}

/* `gobgp global rib -a family` (or `neighbor`) output into out */
static void gobgp(const char *args, struct pbuf *out)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "gobgp -u 127.0.0.1 -p %d %s 2>&1", api_port, args);
	pbuf_reset(out);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		pbuf_add(out, buf, n);
	pclose(p);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Poll `gobgp args` until every one of want[] is (present) or none is
** (!present); 30 s at most, which only a broken setup reaches. */
static bool wait_rib(const char *args, const char *const want[], size_t n_want, bool present)
{
	struct pbuf out;
	pbuf_init(&out, 0);
	int64_t end = now_ms() + 30000;
	bool ok = false;
	while (!ok && now_ms() < end) {
		gobgp(args, &out);
		const char *s = pbuf_cstr(&out);
		size_t hits = 0;
		for (size_t i = 0; i < n_want; i++)
			hits += s && strstr(s, want[i]) != NULL;
		ok = present ? hits == n_want : hits == 0;
		if (!ok)
			usleep(100000); /* the next look at the RIB */
	}
	if (!ok)
		fprintf(stderr, "gobgp %s after 30 s:\n%s\n", args, pbuf_cstr(&out));
	pbuf_free(&out);
	return ok;
}

static void send_line(const struct pbuf *line)
{
	assert_int_equal(write(pipe_fd, line->ptr, line->len), (ssize_t)line->len);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	api_port = free_port();
	bgp_port = free_port();
	if (api_port <= 0 || bgp_port <= 0 || api_port == bgp_port)
		return -1;
	char text[4096];
	snprintf(text, sizeof(text),
		 "[global.config]\n  as = 65001\n  router-id = \"127.0.0.1\"\n  port = %d\n"
		 "  local-address-list = [\"127.0.0.1\"]\n"
		 "[[neighbors]]\n  [neighbors.config]\n    neighbor-address = \"127.0.0.1\"\n"
		 "    peer-as = 65002\n  [neighbors.transport.config]\n    passive-mode = true\n"
		 "  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n"
		 "      afi-safi-name = \"ipv4-unicast\"\n"
		 "  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n"
		 "      afi-safi-name = \"ipv6-unicast\"\n"
		 "  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n"
		 "      afi-safi-name = \"ipv4-flowspec\"\n"
		 "  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n"
		 "      afi-safi-name = \"ipv6-flowspec\"\n",
		 bgp_port);
	write_file("gobgpd.toml", text, 0644);
	/* ExaBGP's API process: cat of the pipe, opened read-write so that it
	** never sees end-of-file between the test's writes */
	write_file("feed.sh", "#!/bin/sh\nexec cat 0<>\"$1\"\n", 0755);
	snprintf(text, sizeof(text),
		 "process feed {\n    run %s/feed.sh %s/api.pipe;\n    encoder text;\n}\n"
		 "neighbor 127.0.0.1 {\n    router-id 127.0.0.2;\n    local-address 127.0.0.1;\n"
		 "    local-as 65002;\n    peer-as 65001;\n    connect %d;\n"
		 "    family {\n        ipv4 unicast;\n        ipv6 unicast;\n        ipv4 flow;\n        ipv6 flow;\n    }\n"
		 "    api {\n        processes [ feed ];\n    }\n}\n",
		 dir, dir, bgp_port);
	write_file("exabgp.conf", text, 0644);
	char pipe_path[512];
	snprintf(pipe_path, sizeof(pipe_path), "%s/api.pipe", dir);
	if (mkfifo(pipe_path, 0600) != 0)
		return -1;
	/* read-write: the open does not wait for ExaBGP's reader */
	pipe_fd = open(pipe_path, O_RDWR | O_CLOEXEC);
	if (pipe_fd < 0)
		return -1;

	char api[64];
	snprintf(api, sizeof(api), "127.0.0.1:%d", api_port);
	const char *g[] = { "/usr/bin/gobgpd", "-f", "gobgpd.toml", "--api-hosts", api,
			    "-l", "info", NULL };
	gobgpd_pid = spawn(g, "gobgpd.log", NULL);
	/* ExaBGP drops root to "nobody", who cannot read the test's
	** directory: run it as whoever runs the test; no listening socket
	** (it connects to GoBGP's port), no CLI pipes in /run */
	struct passwd *pw = getpwuid(getuid());
	char user[128];
	snprintf(user, sizeof(user), "exabgp.daemon.user=%s", pw ? pw->pw_name : "root");
	char *env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", user, "exabgp.api.cli=false",
			"exabgp.tcp.bind=", "exabgp.log.level=INFO", NULL };
	const char *e[] = { "/usr/sbin/exabgp", "exabgp.conf", NULL };
	exabgp_pid = spawn(e, "exabgp.log", env);
	return gobgpd_pid > 0 && exabgp_pid > 0 ? 0 : -1;
}

static void stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(-pid, SIGTERM);
	int64_t end = now_ms() + 10000;
	while (waitpid(pid, NULL, WNOHANG) == 0) {
		if (now_ms() > end) {
			kill(-pid, SIGKILL);
			waitpid(pid, NULL, 0);
			break;
		}
		usleep(20000);
	}
}

static int teardown(void **state)
{
	(void)state;
	stop(exabgp_pid);
	stop(gobgpd_pid);
	if (pipe_fd >= 0)
		close(pipe_fd);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_blackhole_and_flowspec(void **state)
{
	(void)state;
	const char *up[] = { "Establ" };
	if (!wait_rib("neighbor", up, 1, true)) {
		show_log("gobgpd.log");
		show_log("exabgp.log");
		fail_msg("ExaBGP and GoBGP did not peer");
	}
	struct pbuf line;
	struct perr err = { 0 };
	pbuf_init(&line, 0);
	struct flow_bgp_route v4 = { .prefix = "192.0.2.1/32", .next_hop = "192.0.2.254",
				     .communities = "65535:666" };
	struct flow_bgp_route v6 = { .prefix = "2001:db8::1/128", .next_hop = "2001:db8::fe",
				     .communities = "65535:666" };
	struct flow_bgp_flowspec fs = { .destination = "192.0.2.1/32", .protocol = 17,
					.source_port = 53 };
	/* an NTP reflection at an IPv6 host, rate-limited rather than dropped */
	struct flow_bgp_flowspec fs6 = { .destination = "2001:db8::1/128", .protocol = 17,
					 .source_port = 123, .rate_limit = 125000 };
	assert_int_equal(flow_bgp_route_line(true, &v4, &line, &err), 0);
	assert_int_equal(flow_bgp_route_line(true, &v6, &line, &err), 0);
	assert_int_equal(flow_bgp_flowspec_line(true, &fs, &line, &err), 0);
	assert_int_equal(flow_bgp_flowspec_line(true, &fs6, &line, &err), 0);
	send_line(&line);
	/* GoBGP prints 65535:666 by its RFC 7999 name, and as the number
	** 0xFFFF029A in JSON */
	const char *v4_json[] = { "\"192.0.2.1/32\"", "\"nexthop\":\"192.0.2.254\"",
				  "4294902426" };
	const char *v6_text[] = { "2001:db8::1/128", "2001:db8::fe", "blackhole" };
	const char *fs_text[] = { "[destination: 192.0.2.1/32][protocol: ==udp][source-port: ==53]",
				  "discard" };
	/* GoBGP prints IPv6's next-header as "protocol" and the prefix
	** with its offset (RFC 8956) */
	const char *fs6_text[] = { "[destination: 2001:db8::1/128/0][protocol: ==udp][source-port: ==123]",
				   "rate: 125000" };
	bool ok = wait_rib("global rib -a ipv4 -j", v4_json, ARRAY_SIZE(v4_json), true) &&
		  wait_rib("global rib -a ipv6", v6_text, ARRAY_SIZE(v6_text), true) &&
		  wait_rib("global rib -a ipv4-flowspec", fs_text, ARRAY_SIZE(fs_text), true) &&
		  wait_rib("global rib -a ipv6-flowspec", fs6_text, ARRAY_SIZE(fs6_text), true);
	if (!ok)
		show_log("exabgp.log");
	assert_true(ok);

	/* unban: withdraw all three, and nothing is left */
	pbuf_reset(&line);
	assert_int_equal(flow_bgp_route_line(false, &v4, &line, &err), 0);
	assert_int_equal(flow_bgp_route_line(false, &v6, &line, &err), 0);
	assert_int_equal(flow_bgp_flowspec_line(false, &fs, &line, &err), 0);
	assert_int_equal(flow_bgp_flowspec_line(false, &fs6, &line, &err), 0);
	send_line(&line);
	/* GoBGP's own words for an empty table: a dead gobgpd (whose error
	** names no prefix either) cannot pass for a withdrawal */
	const char *gone[] = { "Network not in table" };
	ok = wait_rib("global rib -a ipv4", gone, 1, true) &&
	     wait_rib("global rib -a ipv6", gone, 1, true) &&
	     wait_rib("global rib -a ipv4-flowspec", gone, 1, true) &&
	     wait_rib("global rib -a ipv6-flowspec", gone, 1, true);
	if (!ok)
		show_log("exabgp.log");
	assert_true(ok);
	pbuf_free(&line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_blackhole_and_flowspec, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
