/*
** test_flow_collector_hosts.c — new protected hosts while the collector
** runs (flow_collector_set_hosts), what `parapet serve` does when the
** constituency's assets change: a host that was not protected becomes
** one without a restart (a flood to it is an attack after the change and
** was none before), a host no longer protected stops counting, with
** several threads writing; a change after stop still applies, and a
** collector keeping per-host totals refuses one. Waits are bounded and
** end on the collector's own events or counters, never on elapsed time.
*/
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "flow/flow.h"

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* The attack starts the detector reported, by destination's last byte
** and third byte (10.X.0.Y). */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int starts[256];

static void on_event(void *ctx, enum flow_event_kind kind, const struct flow_attack *a)
{
	(void)ctx;
	if (kind != FLOW_EV_START || a->family != 4)
		return;
	pthread_mutex_lock(&lock);
	starts[a->addr[1]]++;
	pthread_mutex_unlock(&lock);
}

static int started(int net)
{
	pthread_mutex_lock(&lock);
	int n = starts[net];
	pthread_mutex_unlock(&lock);
	return n;
}

static struct flow_hosts *hosts_of(uint8_t net)
{
	struct flow_prefix p = {.family = 4, .len = 24, .addr = {10, net, 0, 0}};
	struct perr err;
	struct flow_hosts *h = flow_hosts_build(&p, 1, 0, &err);
	assert_non_null(h);
	return h;
}

/* A flood to 10.net.0.5 from 30 sources (several exporter ports, so the
** SO_REUSEPORT threads share it): 30 x 1000 UDP packets a datagram. */
static void flood(int port, uint8_t net)
{
	struct flow_rec rec[30];
	memset(rec, 0, sizeof rec);
	for (int i = 0; i < 30; i++) {
		rec[i].family = 4;
		rec[i].proto = 17;
		rec[i].src[0] = 198, rec[i].src[1] = 51, rec[i].src[2] = 100;
		rec[i].src[3] = (uint8_t)(1 + i);
		rec[i].dst[0] = 10, rec[i].dst[1] = net, rec[i].dst[3] = 5;
		rec[i].sport = (uint16_t)(3000 + i);
		rec[i].dport = 80;
		rec[i].packets = 1000;
		rec[i].bytes = 1000 * 500;
	}
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				.sin_port = htons((uint16_t)port)};
	uint8_t b[2048];
	size_t used = 0;
	size_t n = flow_gen_nf5(b, sizeof b, rec, 30, 1, 0, &used);
	assert_true(n > 0 && used == 30);
	for (int k = 0; k < 4; k++) {
		int fd = socket(AF_INET, SOCK_DGRAM, 0);
		assert_true(fd >= 0);
		assert_true(sendto(fd, b, n, 0, (struct sockaddr *)&a, sizeof a) == (ssize_t)n);
		close(fd);
	}
}

static void test_hosts_change_while_running(void **state)
{
	(void)state;
	memset(starts, 0, sizeof starts);
	struct flow_hosts *h1 = hosts_of(1);
	struct flow_detect_cfg dc = {.quiet_ms = 1000};
	dc.in.v[FLOW_C_PKTS] = 10000;
	struct flow_collector_cfg cfg = {.listen = {"127.0.0.1:0", NULL},
					 .threads = 3,
					 .hosts = h1,
					 .detect = &dc,
					 .on_event = on_event};
	struct flow_collector *c;
	struct perr err;
	assert_int_equal(flow_collector_start(&cfg, &c, &err), 0);
	int port = flow_collector_port(c, FLOW_KIND_NETFLOW);

	/* 10.2.0.0/24 is not protected yet: its flood is counted as records
	** and is no attack; 10.1.0.5's is (bounded: 10 s) */
	struct flow_collector_stats st;
	for (int64_t t0 = now_ms(); !started(1) && now_ms() - t0 < 10000;) {
		flood(port, 2);
		flood(port, 1);
		nap_ms(100);
	}
	assert_true(started(1) > 0);
	flow_collector_stats(c, &st);
	assert_true(st.records > 0);
	assert_int_equal(started(2), 0);

	/* the change: 10.2.0.0/24 protected, 10.1.0.0/24 no longer */
	struct flow_hosts *h2 = hosts_of(2);
	assert_int_equal(flow_collector_set_hosts(c, h2, &err), 0);
	flow_hosts_free(h1); /* no longer read once the call returned */
	int before = started(1);
	for (int64_t t0 = now_ms(); !started(2) && now_ms() - t0 < 10000;) {
		flood(port, 2);
		flood(port, 1);
		nap_ms(100);
	}
	assert_true(started(2) > 0);
	/* the old host's attack goes on as an attack (keyed by address) but
	** never starts again: its traffic is not counted any more */
	assert_int_equal(started(1), before);

	/* after stop, a change applies at once */
	flow_collector_stop(c);
	struct flow_hosts *h3 = hosts_of(3);
	assert_int_equal(flow_collector_set_hosts(c, h3, &err), 0);
	flow_collector_free(c);
	flow_hosts_free(h2);
	flow_hosts_free(h3);
}

static void test_totals_refuse_a_change(void **state)
{
	(void)state;
	struct flow_hosts *h1 = hosts_of(1), *h2 = hosts_of(2);
	struct flow_detect_cfg dc = {.quiet_ms = 1000};
	struct flow_collector_cfg cfg = {.listen = {"127.0.0.1:0", NULL},
					 .hosts = h1,
					 .detect = &dc,
					 .totals = true};
	struct flow_collector *c;
	struct perr err;
	assert_int_equal(flow_collector_start(&cfg, &c, &err), 0);
	perr_clear(&err);
	assert_int_equal(flow_collector_set_hosts(c, h2, &err), -1);
	assert_string_equal(err.field, "hosts");
	flow_collector_free(c);
	flow_hosts_free(h1);
	flow_hosts_free(h2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hosts_change_while_running),
		cmocka_unit_test(test_totals_refuse_a_change),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
