/*
** test_flow_metrics.c — the flow collector's Prometheus series on the real
** `parapet serve` /metrics (issue 16): what an operator's Prometheus
** scrapes to see that each router's exports arrive and decode, and which
** hosts are busiest. serve runs with [flow] enabled on a loopback port the
** kernel picks; two exporters (two sockets bound to 127.0.0.2 and
** 127.0.0.3, as two routers) send NetFlow v5 made by gen_nf.c, the first
** also one datagram whose record count disagrees with its length. The
** scrape must give each exporter's datagrams and flows exactly as sent,
** the malformed counter of that exporter for reason "count" at 1, a
** datagram lost on the way as a sequence failure of its exporter, the
** collector's totals, and the host sent to in the top-hosts gauges with
** its rates; serve without [flow] shows no flow series. Every wait is
** bounded; nothing asserts on elapsed time.
*/
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "flow/flow.h"
#include "harness.h"

/* A UDP socket bound to a loopback address: one router. */
static int exporter(const char *addr)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	inet_pton(AF_INET, addr, &a.sin_addr);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	return fd;
}

static void send_to(int fd, int port, const uint8_t *b, size_t n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				 .sin_port = htons((uint16_t)port) };
	assert_true(sendto(fd, b, n, 0, (struct sockaddr *)&a, sizeof a) == (ssize_t)n);
}

/* One v5 datagram of n UDP flows to host, each of pkts packets of size
** bytes, sampled 1 in sampling, the first flow's sequence number seq; its
** length. */
static size_t v5(uint8_t *b, size_t cap, const char *host, int n, uint64_t pkts, uint64_t size,
		 uint32_t sampling, uint32_t seq)
{
	struct flow_rec rec[30];
	memset(rec, 0, sizeof rec);
	for (int i = 0; i < n; i++) {
		rec[i].family = 4;
		rec[i].proto = 17;
		inet_pton(AF_INET, "198.51.100.7", rec[i].src);
		inet_pton(AF_INET, host, rec[i].dst);
		rec[i].sport = (uint16_t)(40000 + i);
		rec[i].dport = 80;
		rec[i].packets = pkts;
		rec[i].bytes = pkts * size;
	}
	size_t used = 0;
	size_t len = flow_gen_nf5(b, cap, rec, (size_t)n, sampling, seq, &used);
	assert_true(len > 0 && used == (size_t)n);
	return len;
}

/* The value of the series whose text up to the value is `series`, e.g.
** `parapet_flow_datagrams_total` or `name{a="b"}`; false when absent. */
static bool value_of(const char *body, const char *series, unsigned long long *v)
{
	size_t n = strlen(series);
	for (const char *l = body; l && *l;) {
		if (strncmp(l, series, n) == 0 && l[n] == ' ') {
			*v = strtoull(l + n + 1, NULL, 10);
			return true;
		}
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return false;
}

static bool has(const char *body, const char *series, unsigned long long want)
{
	unsigned long long v;
	return value_of(body, series, &v) && v == want;
}

#define TOP(unit, host)                                                                    \
	"parapet_flow_top_host_" unit "_per_second{host=\"" host "\",direction=\"incoming\"}"
#define EXP(name, addr) "parapet_flow_exporter_" name "{kind=\"netflow\",address=\"" addr "\""

static void exporters_and_top_hosts_on_metrics(void **state)
{
	(void)state;
	char *dir = h_tmpdir("flow-metrics");
	h_migrate(dir);
	h_user_add(dir, "ana", "analyst", 0, NULL, "analyst-password-1");
	char *tok = h_token_add(dir, "ana", "--name", "tests", NULL);
	struct h_cred cred = { .token = tok };
	h_asset_add(dir, h_org_add(dir, "Ministry of Energy", "Tehran"), "cidr", "10.20.0.0/24");
	const char *env[] = { "PARAPET_FLOW_ENABLED=true",
			      "PARAPET_FLOW_NETFLOW_LISTEN=127.0.0.1:0",
			      "PARAPET_FLOW_SFLOW_LISTEN=", /* none: no fixed port */
			      "PARAPET_FLOW_THREADS=2",
			      "PARAPET_WATCH_ENABLED=false",
			      NULL };
	struct h_server s;
	h_server_start(&s, dir, env);
	int port = h_flow_port(s.log, "netflow");
	if (port <= 0)
		fail_msg("serve did not log the flow collector's port (log %s)", s.log);

	/* before any datagram: the totals are there, at 0, with HELP and TYPE */
	struct h_resp r;
	h_http(&s, &r, "GET", "/metrics", &cred, NULL);
	H_STATUS(&r, 200);
	H_CONTAINS(r.body, "# TYPE parapet_flow_datagrams_total counter\n");
	H_CONTAINS(r.body, "# HELP parapet_flow_kernel_drops_total ");
	assert_true(has(r.body, "parapet_flow_datagrams_total", 0));
	h_resp_free(&r);

	int a = exporter("127.0.0.2"), b = exporter("127.0.0.3");
	uint8_t d[2048];
	/* router A, unsampled: 3 datagrams of 30 flows x 4 packets to .5
	** (360 packets of 500 bytes); router B, sampling 1 in 10: 2 datagrams
	** of 10 flows x 2 packets of 100 bytes to .6 (400 packets once
	** scaled). .6 tops the packets, .5 the bits. */
	/* A's flow sequence skips the 30 flows of a datagram lost on the way
	** (0, 30, then 90); B's follows on (0, 10) */
	const uint32_t seq_a[] = {0, 30, 90};
	for (int i = 0; i < 3; i++) {
		size_t na = v5(d, sizeof d, "10.20.0.5", 30, 4, 500, 1, seq_a[i]);
		send_to(a, port, d, na);
	}
	for (int i = 0; i < 2; i++) {
		size_t nb = v5(d, sizeof d, "10.20.0.6", 10, 2, 100, 10, 10u * (uint32_t)i);
		send_to(b, port, d, nb);
	}
	/* router A again: a header announcing 5 records over a datagram of 1 */
	size_t nm = v5(d, sizeof d, "10.20.0.5", 1, 1, 500, 1, 120);
	d[3] = 5;
	send_to(a, port, d, nm);

	/* the scrape shows it all once the collector read the datagrams and a
	** tick folded them (the top gauges hold the last second: bounded
	** polling, each scrape checked whole) */
	bool ok = false;
	char *body = NULL;
	for (int64_t t0 = h_now_ms(); !ok && h_now_ms() - t0 < 20000;) {
		h_http(&s, &r, "GET", "/metrics", &cred, NULL);
		H_STATUS(&r, 200);
		ok = has(r.body, EXP("datagrams_total", "127.0.0.2") "}", 4) &&
		     has(r.body, EXP("flows_total", "127.0.0.2") "}", 90) &&
		     has(r.body, EXP("datagrams_total", "127.0.0.3") "}", 2) &&
		     has(r.body, EXP("flows_total", "127.0.0.3") "}", 20) &&
		     has(r.body, TOP("packets", "10.20.0.5"), 360) &&
		     has(r.body, TOP("bits", "10.20.0.5"), 360ull * 500 * 8) &&
		     has(r.body, TOP("packets", "10.20.0.6"), 400) &&
		     has(r.body, TOP("bits", "10.20.0.6"), 400ull * 100 * 8);
		if (ok) {
			body = r.body;
			r.body = NULL;
		}
		h_resp_free(&r);
		if (!ok)
			poll(NULL, 0, 20);
	}
	if (!ok)
		fail_msg("the scrape never showed both exporters and the top host (log %s)", s.log);
	/* the malformed datagram: counted for its exporter and reason only */
	assert_true(has(body, EXP("malformed_total", "127.0.0.2") ",reason=\"count\"}", 1));
	assert_true(has(body, EXP("malformed_total", "127.0.0.2") ",reason=\"short\"}", 0));
	assert_true(has(body, EXP("malformed_total", "127.0.0.3") ",reason=\"count\"}", 0));
	assert_true(has(body, EXP("template_misses_total", "127.0.0.2") "}", 0));
	/* the lost datagram shows as one sequence failure of A, none of B (the
	** refused datagram's header is not read) */
	assert_true(has(body, EXP("sequence_failures_total", "127.0.0.2") "}", 1));
	assert_true(has(body, EXP("sequence_failures_total", "127.0.0.3") "}", 0));
	/* the rate each router's header announced (v5: 0 = unsampled) */
	assert_true(has(body, EXP("sampling_rate", "127.0.0.3") "}", 10));
	assert_true(has(body, EXP("sampling_rate", "127.0.0.2") "}", 0));
	/* the collector's totals: 6 datagrams read, 110 flows counted */
	assert_true(has(body, "parapet_flow_datagrams_total", 6));
	assert_true(has(body, "parapet_flow_flows_total", 110));
	assert_true(has(body, "parapet_flow_kernel_drops_total", 0));
	assert_true(has(body, "parapet_flow_exporters", 2));
	/* one drop counter per socket: 2 threads, NetFlow only */
	assert_true(has(body, "parapet_flow_socket_drops_total{kind=\"netflow\",thread=\"0\"}", 0));
	assert_true(has(body, "parapet_flow_socket_drops_total{kind=\"netflow\",thread=\"1\"}", 0));
	assert_null(strstr(body, "parapet_flow_socket_drops_total{kind=\"sflow\""));
	/* each gauge lists the busiest first */
	assert_true(strstr(body, TOP("packets", "10.20.0.6")) < strstr(body, TOP("packets", "10.20.0.5")));
	assert_true(strstr(body, TOP("bits", "10.20.0.5")) < strstr(body, TOP("bits", "10.20.0.6")));
	H_CONTAINS(body, "# TYPE parapet_flow_top_host_bits_per_second gauge\n");
	free(body);

	close(a);
	close(b);
	assert_int_equal(h_server_stop(&s), 0);

	/* serve without [flow]: no flow series at all (a dashboard shows the
	** collector absent, not a collector that counts nothing) */
	const char *off[] = { "PARAPET_WATCH_ENABLED=false", NULL };
	h_server_start(&s, dir, off);
	h_http(&s, &r, "GET", "/metrics", &cred, NULL);
	H_STATUS(&r, 200);
	H_CONTAINS(r.body, "parapet_http_requests_total");
	assert_null(strstr(r.body, "parapet_flow_"));
	h_resp_free(&r);
	assert_int_equal(h_server_stop(&s), 0);
	free(tok);
	h_rmdir(dir);
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exporters_and_top_hosts_on_metrics),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
