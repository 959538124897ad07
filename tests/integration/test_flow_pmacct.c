/*
** test_flow_pmacct.c — Parapet's sFlow decoder (src/flow/sflow.c, pkt.c)
** against an sFlow agent written by others: pmacct's pmacctd (Debian
** pmacct) with its sfprobe plugin (issue 16, "Exporters and collectors
** written by others, so that a decoder and a generator cannot share one
** mistake").
**
** sflow_pcap.py writes a pcap with scapy (IPv4 and IPv6, TCP/UDP/ICMP,
** fragments, 802.1Q and QinQ tags, IPv6 extension chains, 1500-byte
** packets cut at the agent's 128-byte header, ARP) and prints, from scapy's
** own reading of the file, each destination host's packets and IP bytes.
** pmacctd reads the file (`pcap_savefile`), samples every packet
** (`sampling_rate: 1`) and exports sFlow v5 to a UDP socket this test
** opened on loopback (`sfprobe_receiver`). Every datagram is decoded by
** flow_sflow_decode; the per-destination packet and byte counts of the
** records must equal what the pcap holds, every record's sampling rate
** must be 1 and every datagram must decode without a reject.
**
** pmacctd is run with `pcap_savefile_wait: true`: without it the daemon
** exits as soon as the file is read and its sfprobe plugin is torn down
** with the last samples still in its buffers (seen: 97 of 100 packets
** exported). With it, the core flushes its buffer to the plugin, and the
** plugin sends its last datagram on its first tick after the samples were
** added: its loop ticks the sFlow agent, for the seconds that passed since
** the last tick, after each read of the pipe (sfprobe_plugin.c), and
** otherwise only when its idle poll() returns, a minute later
** (refresh_timeout). By default the core hands every packet over as its
** own buffer, so the plugin reads the file in many wake-ups, ticks on the
** first, and the samples of the later ones wait out that minute.
** `plugin_buffer_size` larger than the whole pcap (about 400 KB as the
** core buffers it; 4 MiB, the pipe ten times that as CONFIG-KEYS advises)
** makes the core hand everything over in the one buffer it flushes at the
** end of the file, at least 2 s after the plugin started (the core sleeps
** so long before reading a savefile): the plugin reads it all in one
** wake-up and its tick right after sends the last datagram, so the test
** takes seconds. Should the tick still miss (the plugin slow to start),
** the minute's poll sends it as before: slower, not failing. The test
** reads until the pcap's packet count is reached (or a deadline passes: a
** bound on a broken run, not an assertion on time), then stops pmacctd.
**
** The pcap's QinQ frames carry 0x8100 outer tags: Debian 12's pmacct 1.7.7
** drops frames whose outer tag is 802.1ad's 0x88a8 (pmacct reads it since
** 1.7.8); test_flow_sflow covers 0x88a8 on Parapet's side.
** pmacctd runs in its own process group, killed by id at the end, and
** dies with the test through PR_SET_PDEATHSIG.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "flow/flow.h"

#define PMACCTD "/usr/sbin/pmacctd"
#define PY "/usr/bin/python3"
#define MAXHOSTS 64
#define DEADLINE_MS 120000

struct host {
	char name[64];
	uint64_t packets, bytes;
};

struct tally {
	struct host h[MAXHOSTS];
	size_t n;
	uint64_t packets;
	uint64_t bad_rate;
	uint64_t wrong_agent;
};

static struct host *host_of(struct tally *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->h[i].name, name) == 0)
			return &t->h[i];
	assert_true(t->n < MAXHOSTS);
	struct host *h = &t->h[t->n++];
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", name);
	return h;
}

static void on_rec(void *ctx, const struct flow_rec *r)
{
	struct tally *t = ctx;
	char name[64];
	inet_ntop(r->family == 6 ? AF_INET6 : AF_INET, r->dst, name, sizeof(name));
	struct host *h = host_of(t, name);
	h->packets += r->packets;
	h->bytes += r->bytes;
	t->packets += r->packets;
	if (r->sampling != 1)
		t->bad_rate++;
	if (r->exporter4 != 0x7f000001u)
		t->wrong_agent++;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run argv with stdout to out_path; returns its exit status. */
static int run(char *const argv[], const char *out_path)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			_exit(127);
		dup2(fd, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char dir[64];
static pid_t pm_pid;

static void stop_pmacctd(void)
{
	if (pm_pid <= 0)
		return;
	pid_t pid = pm_pid;
	pm_pid = 0;
	/* the core and its plugin child share the group made for them */
	kill(-pid, SIGTERM);
	for (int i = 0; i < 100; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			break;
		usleep(20000);
	}
	kill(-pid, SIGKILL); /* what is left of the group (no-op when gone) */
	waitpid(pid, NULL, WNOHANG);
}

static void test_pmacct_sfprobe(void **state)
{
	(void)state;
	if (access(PMACCTD, X_OK) != 0)
		fail_msg("%s missing: install Debian's pmacct (scripts/setup)", PMACCTD);
	const char *src = getenv("SRC_ROOT");
	assert_non_null(src);

	snprintf(dir, sizeof(dir), "/tmp/parapet-sflow-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char pcap[128], expect[128], conf[128], log[128], script[512];
	snprintf(pcap, sizeof(pcap), "%s/traffic.pcap", dir);
	snprintf(expect, sizeof(expect), "%s/expect.txt", dir);
	snprintf(conf, sizeof(conf), "%s/pmacctd.conf", dir);
	snprintf(log, sizeof(log), "%s/pmacctd.log", dir);
	snprintf(script, sizeof(script), "%s/tests/integration/sflow_pcap.py", src);

	/* 1. the pcap and what it holds, per destination */
	char *py[] = { PY, script, pcap, NULL };
	if (run(py, expect) != 0)
		fail_msg("sflow_pcap.py failed (python3-scapy installed?)");
	static struct tally want;
	memset(&want, 0, sizeof(want));
	uint64_t total = 0;
	FILE *f = fopen(expect, "r");
	assert_non_null(f);
	char line[256];
	while (fgets(line, sizeof(line), f)) {
		char name[64];
		unsigned long long p, b;
		if (sscanf(line, "total %llu", &p) == 1) {
			total = p;
		} else if (sscanf(line, "%63s %llu %llu", name, &p, &b) == 3) {
			struct host *h = host_of(&want, name);
			h->packets = p;
			h->bytes = b;
			want.packets += p;
		}
	}
	fclose(f);
	assert_true(total > 100);
	assert_int_equal(want.packets, total);

	/* 2. the collector's socket */
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(s >= 0);
	int rcv = 8 << 20;
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	socklen_t al = sizeof(a);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &al), 0);
	int port = ntohs(a.sin_port);

	/* 3. pmacctd: the keys of CONFIG-KEYS (Debian's /usr/share/doc/pmacct) */
	f = fopen(conf, "w");
	assert_non_null(f);
	fprintf(f,
		"daemonize: false\n"
		"pcap_savefile: %s\n"
		"pcap_savefile_wait: true\n"
		"plugin_buffer_size: 4194304\n"
		"plugin_pipe_size: 41943040\n"
		"plugins: sfprobe\n"
		"sampling_rate: 1\n"
		"sfprobe_receiver: 127.0.0.1:%d\n"
		"sfprobe_agentip: 127.0.0.1\n",
		pcap, port);
	fclose(f);
	pm_pid = fork();
	assert_true(pm_pid >= 0);
	if (pm_pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(PMACCTD, "pmacctd", "-f", conf, (char *)NULL);
		_exit(127);
	}
	setpgid(pm_pid, pm_pid);

	/* 4. decode until the pcap's packets are in */
	static struct tally got;
	memset(&got, 0, sizeof(got));
	struct flow_sflow_stats st;
	memset(&st, 0, sizeof(st));
	struct flow_sflow_sink sink = { on_rec, NULL, &got, &st };
	static uint8_t buf[65536];
	uint64_t datagrams = 0, rejected = 0;
	uint32_t last_seq = 0;
	int64_t end = now_ms() + DEADLINE_MS;
	while (got.packets < total && now_ms() < end) {
		struct pollfd pfd = { s, POLLIN, 0 };
		if (poll(&pfd, 1, 1000) <= 0)
			continue;
		ssize_t n = recv(s, buf, sizeof(buf), 0);
		if (n <= 0)
			continue;
		struct flow_result res;
		struct flow_sflow_hdr h;
		datagrams++;
		if (flow_sflow_decode(buf, (size_t)n, &sink, &h, &res) != 0 ||
		    res.reject != FLOW_REJ_NONE) {
			fprintf(stderr, "datagram %llu: reject %d, %u parts\n",
				(unsigned long long)datagrams, (int)res.reject, res.rejected_parts);
			rejected++;
		}
		if (datagrams > 1 && h.sequence != last_seq + 1)
			fprintf(stderr, "sequence %u after %u: datagrams lost on loopback\n",
				h.sequence, last_seq);
		last_seq = h.sequence;
	}
	stop_pmacctd();
	close(s);

	fprintf(stderr,
		"pmacct: %llu datagrams, %llu flow samples, %llu counter samples, %llu records of "
		"%llu packets; non-IP %llu, cut %llu, malformed %llu\n",
		(unsigned long long)datagrams, (unsigned long long)st.flow_samples,
		(unsigned long long)st.counter_samples, (unsigned long long)got.packets,
		(unsigned long long)total, (unsigned long long)st.non_ip,
		(unsigned long long)st.hdr_cut, (unsigned long long)st.hdr_malformed);
	int diff = 0;
	for (size_t i = 0; i < want.n; i++) {
		struct host *w = &want.h[i], *g = host_of(&got, w->name);
		if (g->packets != w->packets || g->bytes != w->bytes) {
			fprintf(stderr, "%s: pcap %llu packets %llu bytes, decoded %llu / %llu\n",
				w->name, (unsigned long long)w->packets,
				(unsigned long long)w->bytes, (unsigned long long)g->packets,
				(unsigned long long)g->bytes);
			diff++;
		}
	}
	for (size_t i = 0; i < got.n; i++) {
		struct host *g = &got.h[i];
		if (host_of(&want, g->name)->packets == 0) {
			fprintf(stderr, "%s: not in the pcap, decoded %llu packets\n", g->name,
				(unsigned long long)g->packets);
			diff++;
		}
	}
	if (diff || got.packets != total) {
		char cmd[256];
		snprintf(cmd, sizeof(cmd), "tail -20 %s >&2", log);
		if (system(cmd) != 0)
			fprintf(stderr, "(no pmacctd log)\n");
	}
	assert_int_equal(diff, 0);
	assert_int_equal(got.packets, total);
	assert_int_equal(rejected, 0);
	assert_int_equal(got.bad_rate, 0);
	assert_int_equal(got.wrong_agent, 0);
	assert_int_equal(st.hdr_malformed, 0);
	/* full-size packets were cut at the agent's 128 bytes and still counted */
	assert_true(st.flow_samples >= total);

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

int main(void)
{
	atexit(stop_pmacctd);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pmacct_sfprobe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
