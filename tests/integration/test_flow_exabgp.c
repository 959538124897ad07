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

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow/flow.h"
#include "flow_lab.h"

static char dir[] = "/tmp/parapet-exabgp-XXXXXX";
static struct flow_bgp_lab lab = { .gobgpd = -1, .exabgp = -1 };
static int pipe_fd = -1;

static bool wait_rib(const char *args, const char *const want[], size_t n_want, bool present)
{
	return flow_bgp_lab_wait(&lab, args, want, n_want, present);
}

static void show_log(const char *name)
{
	flow_bgp_lab_show(&lab, name);
}

static void send_line(const struct pbuf *line)
{
	assert_int_equal(write(pipe_fd, line->ptr, line->len), (ssize_t)line->len);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir) || flow_bgp_lab_start(&lab, dir) != 0)
		return -1;
	/* read-write: the open does not wait for ExaBGP's reader */
	pipe_fd = open(lab.pipe, O_RDWR | O_CLOEXEC);
	return pipe_fd >= 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	flow_bgp_lab_stop(&lab);
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
