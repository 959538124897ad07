/*
** test_flow_collector.c — `parapet flow run`, the collector and detector
** of issue 16 (src/flow/collector.c), as an operator runs it: the real
** binary on loopback ports, fed over UDP.
**
** 1. Generators (gen_nf.c, gen_sflow.c) from this test: a SYN burst above
**    --threshold-pps to one protected host, steady traffic to a second
**    protected host, a flood to an UNprotected address, NetFlow v5, v9
**    (templates first) over IPv4 and sFlow v5 over IPv6 (::1). The attack start line must name the
**    protected host, "incoming" and "syn_flood", no line may name the
**    unprotected address, and at exit the per-exporter datagram and flow
**    counts must equal what was sent, with no malformed datagram.
** 2. softflowd (Debian), as test_flow_softflowd drives it, exports a pcap
**    this test writes as NetFlow v9 to `parapet flow run` listening on a
**    dual-stack [::] socket; the per-host
**    inbound packets and bytes it prints at exit must equal the pcap's.
**
** 3. Kernel drops: the collector stopped (SIGSTOP) under a small receive
**    buffer; what it read plus what the kernel dropped equals what was
**    sent.
**
** 4. --json: the attack line and the exit document, parsed.
**
** Every wait is bounded and ends on what the program printed, never on
** elapsed time; the collector is stopped with SIGTERM once everything is
** sent (it reads what its sockets hold before it prints).
*/
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "flow/flow.h"
#include "flow_lab.h"
#include "harness.h"

#define SOFTFLOWD "/usr/sbin/softflowd"
#define SOFTFLOWCTL "/usr/sbin/softflowctl"

static char *tmp;

/* ------------------------------------------------------------ the collector */

struct run {
	pid_t pid;
	int out;        /* its stdout */
	char *text;     /* everything it printed so far */
	size_t len, cap;
	int port[2];    /* netflow, sflow */
};

static pid_t live_pid[4];

static void kill_live(void)
{
	for (int i = 0; i < 4; i++)
		if (live_pid[i] > 0) {
			kill(live_pid[i], SIGKILL);
			waitpid(live_pid[i], NULL, 0);
			live_pid[i] = 0;
		}
}

static void track(pid_t pid, bool on)
{
	for (int i = 0; i < 4; i++)
		if (on ? live_pid[i] == 0 : live_pid[i] == pid) {
			live_pid[i] = on ? pid : 0;
			return;
		}
}

/* Read what is there (up to ms), appended to r->text. false at EOF. */
static bool pump(struct run *r, int ms)
{
	struct pollfd p = {.fd = r->out, .events = POLLIN};
	if (poll(&p, 1, ms) <= 0)
		return true;
	if (r->len + 4097 > r->cap) {
		r->cap = r->cap * 2 + 8192;
		r->text = realloc(r->text, r->cap);
		assert_non_null(r->text);
	}
	ssize_t n = read(r->out, r->text + r->len, 4096);
	if (n <= 0)
		return false;
	r->len += (size_t)n;
	r->text[r->len] = 0;
	return true;
}

/* Wait (at most ms) until the output holds needle; true when it does. */
static bool wait_for(struct run *r, const char *needle, int ms)
{
	int64_t t0 = h_now_ms();
	while (!(r->text && strstr(r->text, needle))) {
		if (h_now_ms() - t0 > ms || !pump(r, 100))
			return r->text && strstr(r->text, needle);
	}
	return true;
}

/* `parapet flow run` listening on nf and sf (port 0: the kernel picks,
** the program says which) with the extra options. */
static void run_start(struct run *r, const char *nf, const char *sf, const char *const *extra)
{
	memset(r, 0, sizeof *r);
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	const char *argv[32] = {h_bin(), "flow", "run", "--netflow", nf, "--sflow", sf,
				"--duration", "120"};
	int n = 9;
	for (int i = 0; extra[i]; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	r->pid = fork();
	assert_true(r->pid >= 0);
	if (r->pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	track(r->pid, true);
	close(pfd[1]);
	r->out = pfd[0];
	/* "listening KIND ADDR port N", or with --json
	** {"event":"listening","protocol":"KIND","port":N} */
	const char *kinds[2] = {"netflow", "sflow"};
	for (int i = 0; i < 2; i++) {
		char t[64], j[64];
		snprintf(t, sizeof t, "listening %s", kinds[i]);
		snprintf(j, sizeof j, "\"protocol\":\"%s\",\"port\":", kinds[i]);
		int64_t t0 = h_now_ms();
		while (!(r->text && (strstr(r->text, t) || strstr(r->text, j))))
			assert_true(h_now_ms() - t0 < 15000 && pump(r, 100));
		const char *k = strstr(r->text, t);
		r->port[i] = k ? atoi(strstr(k, " port ") + 6) : atoi(strstr(r->text, j) + strlen(j));
	}
	assert_true(r->port[0] > 0 && r->port[1] > 0);
}

/* SIGTERM, then read everything it prints until it exits (status 0). */
static void run_stop(struct run *r)
{
	kill(r->pid, SIGTERM);
	int64_t t0 = h_now_ms();
	while (pump(r, 200))
		assert_true(h_now_ms() - t0 < 30000);
	int st;
	assert_int_equal(waitpid(r->pid, &st, 0), r->pid);
	track(r->pid, false);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	close(r->out);
	printf("%s", r->text);
}

/* The value of "key=" on the first line starting with prefix. */
static long long line_val(const char *text, const char *prefix, const char *key)
{
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, prefix, strlen(prefix)) != 0)
			continue;
		const char *end = strchr(l, '\n');
		char want[64];
		snprintf(want, sizeof want, " %s=", key);
		const char *v = strstr(l, want);
		if (!v || (end && v > end))
			return -1;
		return atoll(v + strlen(want));
	}
	return -1;
}

static void send_to(int fd, int port, const uint8_t *b, size_t n)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				.sin_port = htons((uint16_t)port)};
	assert_true(sendto(fd, b, n, 0, (struct sockaddr *)&a, sizeof a) == (ssize_t)n);
}

static void send_to6(int fd, int port, const uint8_t *b, size_t n)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT,
				 .sin6_port = htons((uint16_t)port)};
	assert_true(sendto(fd, b, n, 0, (struct sockaddr *)&a, sizeof a) == (ssize_t)n);
}

static void v4(uint8_t out[16], const char *s)
{
	memset(out, 0, 16);
	assert_int_equal(inet_pton(AF_INET, s, out), 1);
}

/* ------------------------------------------------------------ 1: generators */

static void test_generators(void **state)
{
	(void)state;
	char *nets = h_write_file(tmp, "nets1", "10.1.0.0/24\n2001:db8:1::/64\n");
	struct run r;
	const char *extra[] = {"--networks", nets, "--threads", "2", "--threshold-pps", "20000",
			       "--quiet", "1", "--rcvbuf", "8388608", NULL};
	/* sFlow over IPv6 (the agent on ::1), NetFlow over IPv4 */
	run_start(&r, "127.0.0.1:0", "[::1]:0", extra);
	int nf = socket(AF_INET, SOCK_DGRAM, 0), sf = socket(AF_INET6, SOCK_DGRAM, 0);
	assert_true(nf >= 0 && sf >= 0);
	uint8_t b[9000];
	struct flow_rec rec[30];
	long long nf_dgrams = 0, nf_flows = 0, sf_dgrams = 0, sf_flows = 0;

	/* steady, under the threshold: v9 with its templates first, to 10.1.0.7 */
	memset(rec, 0, sizeof rec);
	for (int i = 0; i < 10; i++) {
		rec[i].family = 4;
		rec[i].proto = 17;
		v4(rec[i].src, "198.51.100.1");
		v4(rec[i].dst, "10.1.0.7");
		rec[i].sport = (uint16_t)(40000 + i);
		rec[i].dport = 443;
		rec[i].packets = 10;
		rec[i].bytes = 10 * 500;
		rec[i].sampling = 1;
	}
	struct flow_gen_nf g = {.version = 9, .domain = 1, .tmpl = FLOW_GEN_TMPL_BEFORE};
	size_t used = 0;
	size_t n = flow_gen_nf9(b, sizeof b, &g, rec, 10, &used);
	assert_true(n > 0 && used == 10);
	send_to(nf, r.port[0], b, n);
	nf_dgrams++, nf_flows += 10;
	g.tmpl = FLOW_GEN_TMPL_NONE;
	for (int k = 0; k < 5; k++) {
		g.seq++;
		n = flow_gen_nf9(b, sizeof b, &g, rec, 10, &used);
		assert_true(n > 0 && used == 10);
		send_to(nf, r.port[0], b, n);
		nf_dgrams++, nf_flows += 10;
	}

	/* sFlow, under the threshold, to 10.1.0.8 */
	struct flow_sflow_gen sg = {.agent_family = 4, .rate = 1, .source_id = 3};
	v4(sg.agent, "127.0.0.1");
	for (int i = 0; i < 8; i++) {
		rec[i].family = 4;
		rec[i].proto = 6;
		rec[i].tcp_flags = 0x18;
		v4(rec[i].src, "198.51.100.2");
		v4(rec[i].dst, "10.1.0.8");
		rec[i].packets = 1;
		rec[i].bytes = 200;
	}
	for (int k = 0; k < 4; k++) {
		n = flow_sflow_gen_datagram(&sg, rec, 8, NULL, 0, b, sizeof b);
		assert_true(n > 0);
		send_to6(sf, r.port[1], b, n);
		sf_dgrams++, sf_flows += 8;
	}

	/* a flood to an address outside the networks: never an attack */
	memset(rec, 0, sizeof rec);
	for (int i = 0; i < 30; i++) {
		rec[i].family = 4;
		rec[i].proto = 17;
		v4(rec[i].src, "203.0.113.9");
		v4(rec[i].dst, "192.0.2.99");
		rec[i].sport = 53;
		rec[i].dport = (uint16_t)(1024 + i);
		rec[i].packets = 5000;
		rec[i].bytes = 5000 * 1400;
	}
	uint32_t seq = 0;
	for (int k = 0; k < 4; k++) {
		n = flow_gen_nf5(b, sizeof b, rec, 30, 1, seq, &used);
		assert_true(n > 0 && used == 30);
		seq += 30;
		send_to(nf, r.port[0], b, n);
		nf_dgrams++, nf_flows += 30;
	}

	/* the burst: SYNs to 10.1.0.5, 30 x 2000 packets a datagram, 3
	** datagrams: 180,000 packets in well under a second, 9x the threshold */
	for (int i = 0; i < 30; i++) {
		rec[i].proto = 6;
		rec[i].tcp_flags = 0x02;
		rec[i].src[3] = (uint8_t)(1 + i);
		v4(rec[i].dst, "10.1.0.5");
		rec[i].sport = (uint16_t)(2000 + i);
		rec[i].dport = 80;
		rec[i].packets = 2000;
		rec[i].bytes = 2000 * 40;
	}
	for (int k = 0; k < 3; k++) {
		n = flow_gen_nf5(b, sizeof b, rec, 30, 1, seq, &used);
		assert_true(n > 0 && used == 30);
		seq += 30;
		send_to(nf, r.port[0], b, n);
		nf_dgrams++, nf_flows += 30;
	}
	/* one malformed datagram: a v5 header announcing 30 records, holding 1 */
	n = flow_gen_nf5(b, sizeof b, rec, 1, 1, seq, &used);
	b[3] = 30;
	send_to(nf, r.port[0], b, n);
	nf_dgrams++;

	assert_true(wait_for(&r, "attack start 10.1.0.5 incoming syn_flood", 15000));
	/* and it ends once the host is quiet for --quiet 1 s */
	assert_true(wait_for(&r, "attack end 10.1.0.5 incoming", 15000));
	run_stop(&r);
	assert_null(strstr(r.text, "192.0.2.99"));
	assert_null(strstr(r.text, "10.1.0.7 incoming syn"));
	assert_null(strstr(r.text, "attack start 10.1.0.7"));
	assert_null(strstr(r.text, "attack start 10.1.0.8"));
	/* per exporter: exactly what was sent */
	assert_int_equal(line_val(r.text, "exporter 127.0.0.1 netflow", "datagrams"), nf_dgrams);
	assert_int_equal(line_val(r.text, "exporter 127.0.0.1 netflow", "flows"), nf_flows);
	assert_int_equal(line_val(r.text, "exporter 127.0.0.1 netflow", "malformed_count"), 1);
	assert_int_equal(line_val(r.text, "exporter 127.0.0.1 netflow", "template_misses"), 0);
	assert_int_equal(line_val(r.text, "exporter ::1 sflow", "datagrams"), sf_dgrams);
	assert_int_equal(line_val(r.text, "exporter ::1 sflow", "flows"), sf_flows);
	assert_int_equal(line_val(r.text, "exporter ::1 sflow", "sampling"), 1);
	assert_int_equal(line_val(r.text, "collector", "kernel_drops"), 0);
	/* the hosts' totals */
	assert_int_equal(line_val(r.text, "host 10.1.0.5 incoming", "packets"), 3 * 30 * 2000);
	assert_int_equal(line_val(r.text, "host 10.1.0.7 incoming", "packets"), 6 * 10 * 10);
	assert_int_equal(line_val(r.text, "host 10.1.0.7 incoming", "bytes"), 6 * 10 * 10 * 500);
	assert_int_equal(line_val(r.text, "host 10.1.0.8 incoming", "packets"), 4 * 8);
	close(nf);
	close(sf);
	free(r.text);
	free(nets);
}

/* ------------------------------------------------------------ 2: softflowd */

struct host {
	uint8_t family, addr[16];
	uint64_t packets, bytes;
};
#define MAXH 64
static struct host want[MAXH];
static size_t nwant;

static void want_add(int family, const uint8_t *addr, uint64_t by)
{
	size_t al = family == 6 ? 16 : 4;
	for (size_t i = 0; i < nwant; i++)
		if (want[i].family == family && memcmp(want[i].addr, addr, al) == 0) {
			want[i].packets++;
			want[i].bytes += by;
			return;
		}
	assert_true(nwant < MAXH);
	memset(&want[nwant], 0, sizeof want[nwant]);
	want[nwant].family = (uint8_t)family;
	memcpy(want[nwant].addr, addr, al);
	want[nwant].packets = 1;
	want[nwant].bytes = by;
	nwant++;
}

static uint64_t rs = 0x2545f4914f6cdd1dull;
static uint32_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)rs;
}

/* One Ethernet frame (flow_lab_pcap_packet); the IP bytes it holds are
** added to want[] for its destination. */
static void pkt(FILE *f, uint64_t t_us, int fam, const uint8_t *src, const uint8_t *dst, int proto,
		uint16_t sport, uint16_t dport, uint8_t flags, size_t plen)
{
	want_add(fam, dst, flow_lab_pcap_packet(f, t_us, fam, src, dst, proto, sport, dport, flags,
						 plen));
}

/* Mixed traffic to 5 IPv4 and 3 IPv6 hosts of net 1 from net 2; returns
** the number of packets written. */
static long write_pcap(const char *path)
{
	FILE *f = flow_lab_pcap_open(path);
	assert_non_null(f);
	uint64_t t = 1700000000ull * 1000000;
	long np = 0;
	for (int round = 0; round < 30; round++)
		for (int fam = 4; fam <= 6; fam += 2)
			for (int d = 1; d <= (fam == 4 ? 5 : 3); d++) {
				uint8_t dst[16], src[16];
				flow_lab_addr(fam, 1, d, dst);
				flow_lab_addr(fam, 2, 1 + (int)(rnd() % 20), src);
				int kind = (int)(rnd() % 3);
				int proto = kind == 0 ? 6 : kind == 1 ? 17 : (fam == 6 ? 58 : 1);
				uint16_t sport = (uint16_t)(1024 + rnd() % 20000);
				int npk = 1 + (int)(rnd() % 5);
				for (int k = 0; k < npk; k++, np++) {
					pkt(f, t, fam, src, dst, proto, sport, kind == 0 ? 443 : 53,
					    k == 0 ? 0x02 : 0x18, rnd() % 1200);
					t += 1000 + rnd() % 4000;
				}
			}
	fclose(f);
	return np;
}

static long sfd_packets(const char *ctl)
{
	struct h_proc p = {0};
	const char *argv[] = {SOFTFLOWCTL, "-c", ctl, "statistics", NULL};
	long n = -1;
	if (h_run(&p, NULL, NULL, argv) == 0 && p.status == 0 && p.out) {
		const char *k = strstr(p.out, "Packets processed: ");
		if (k)
			n = strtol(k + strlen("Packets processed: "), NULL, 10);
	}
	h_proc_free(&p);
	return n;
}

/* softflowd exports the pcap in NetFlow `version` (9 or 10, IPFIX) to
** `parapet flow run`, which must count what the pcap holds and see no
** sequence failure. */
static void softflowd_through(const char *version)
{
	if (access(SOFTFLOWD, X_OK) != 0) {
		fail_msg("%s missing (scripts/setup installs softflowd)", SOFTFLOWD);
		return;
	}
	char *pcap = h_fmt("%s/mixed.pcap", tmp);
	nwant = 0; /* what this run's pcap holds, not an earlier run's */
	long np = write_pcap(pcap);
	char *nets = h_write_file(tmp, "nets2", "10.1.0.0/24\n2001:db8:1::/64\n");
	struct run r;
	const char *extra[] = {"--networks", nets, "--threads", "2", "--top", "100", "--rcvbuf",
			       "8388608", NULL};
	/* NetFlow on a dual-stack socket: softflowd's IPv4 datagrams arrive
	** IPv4-mapped and are still exporter 127.0.0.1 */
	run_start(&r, "[::]:0", "127.0.0.1:0", extra);
	char dest[64], *ctl = h_fmt("%s/sfd.ctl", tmp), *pidf = h_fmt("%s/sfd.pid", tmp);
	snprintf(dest, sizeof dest, "127.0.0.1:%d", r.port[0]);
	const char *argv[] = {SOFTFLOWD, "-d", "-r", pcap, "-n", dest, "-v", version, "-c", ctl,
			      "-p", pidf, NULL};
	pid_t sp = fork();
	assert_true(sp >= 0);
	if (sp == 0) {
		int dn = open("/dev/null", O_RDWR);
		dup2(dn, 0);
		dup2(dn, 1);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	track(sp, true);
	/* softflowd -r exports at the file's end but keeps running: once its
	** statistics count every packet it is told to shut down (which
	** exports what is left), and it exits */
	int64_t t0 = h_now_ms();
	bool told = false;
	for (;;) {
		assert_true(h_now_ms() - t0 < 60000);
		int st;
		if (waitpid(sp, &st, WNOHANG) == sp) {
			track(sp, false);
			assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
			break;
		}
		if (!told && sfd_packets(ctl) == np) {
			struct h_proc hp = {0};
			const char *sd[] = {SOFTFLOWCTL, "-c", ctl, "shutdown", NULL};
			assert_int_equal(h_run(&hp, NULL, NULL, sd), 0);
			h_proc_free(&hp);
			told = true;
		}
		pump(&r, 100);
	}
	run_stop(&r);
	assert_int_equal(line_val(r.text, "exporter 127.0.0.1 netflow", "malformed_count"), -1);
	assert_true(line_val(r.text, "exporter 127.0.0.1 netflow", "flows") > 0);
	/* softflowd numbers its datagrams as NetFlow says (v9: export
	** packets; IPFIX: data records, its options data included): nothing
	** lost on loopback reads as no sequence failure (a false one would cry
	** loss) */
	assert_int_equal(line_val(r.text, "exporter 127.0.0.1 netflow", "sequence_failures"), 0);
	assert_true(nwant == 8);
	for (size_t i = 0; i < nwant; i++) {
		char a[64], prefix[96];
		inet_ntop(want[i].family == 6 ? AF_INET6 : AF_INET, want[i].addr, a, sizeof a);
		snprintf(prefix, sizeof prefix, "host %s incoming", a);
		long long pk = line_val(r.text, prefix, "packets");
		long long by = line_val(r.text, prefix, "bytes");
		if (pk != (long long)want[i].packets || by != (long long)want[i].bytes)
			fail_msg("%s: parapet printed %lld packets / %lld bytes, pcap holds %llu / %llu",
				 a, pk, by, (unsigned long long)want[i].packets,
				 (unsigned long long)want[i].bytes);
	}
	/* sources are outside the networks: nothing outbound */
	assert_null(strstr(r.text, " outgoing packets="));
	free(r.text);
	free(ctl);
	free(pidf);
	free(nets);
	free(pcap);
}

static void test_softflowd(void **state)
{
	(void)state;
	softflowd_through("9");
}

static void test_softflowd_ipfix(void **state)
{
	(void)state;
	softflowd_through("10");
}

/* ------------------------------------------------------------ 4: --json */

/* With --json: the attack start is one JSON object on one line naming
** host, direction, type and the reflected port; the exit document holds
** the collector's and each exporter's counters as sent. The attack is an
** NTP reflection (UDP from source port 123) in IPFIX, templates first. */
static void test_json(void **state)
{
	(void)state;
	char *nets = h_write_file(tmp, "nets4", "10.1.0.0/24\n");
	struct run r;
	const char *extra[] = {"--networks", nets, "--threshold-pps", "10000", "--json", NULL};
	run_start(&r, "127.0.0.1:0", "127.0.0.1:0", extra);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct flow_rec rec[20];
	memset(rec, 0, sizeof rec);
	for (int i = 0; i < 20; i++) {
		rec[i].family = 4;
		rec[i].proto = 17;
		v4(rec[i].src, "198.51.100.3");
		rec[i].src[3] = (uint8_t)(10 + i);
		v4(rec[i].dst, "10.1.0.33");
		rec[i].sport = 123;
		rec[i].dport = (uint16_t)(30000 + i);
		rec[i].packets = 1000;
		rec[i].bytes = 1000 * 468;
		rec[i].sampling = 1;
	}
	uint8_t b[9000];
	size_t used;
	struct flow_gen_nf g = {.version = 10, .domain = 7, .tmpl = FLOW_GEN_TMPL_BEFORE};
	long long dgrams = 0, flows = 0;
	for (int k = 0; k < 3; k++) {
		size_t n = flow_gen_nf9(b, sizeof b, &g, rec, 20, &used);
		assert_true(n > 0 && used == 20);
		send_to(fd, r.port[0], b, n);
		dgrams++, flows += 20;
		g.tmpl = FLOW_GEN_TMPL_NONE;
		g.seq += 20;
	}
	close(fd);
	assert_true(wait_for(&r, "\"event\":\"start\"", 15000));
	run_stop(&r);
	const char *l = strstr(r.text, "{\"event\":\"start\"");
	json_error_t je;
	json_t *ev = json_loadb(l, (size_t)(strchr(l, '\n') - l), 0, &je);
	assert_non_null(ev);
	assert_string_equal(h_jstr(ev, "host"), "10.1.0.33");
	assert_string_equal(h_jstr(ev, "direction"), "incoming");
	assert_string_equal(h_jstr(ev, "type"), "amplification");
	assert_int_equal(h_jint(ev, "amp_port"), 123);
	assert_int_equal(h_jint(ev, "threshold"), 10000);
	assert_true(h_jint(ev, "value") > 10000);
	json_decref(ev);
	const char *doc = strstr(r.text, "{\n  \"collector\"");
	assert_non_null(doc);
	json_t *j = json_loads(doc, 0, &je);
	assert_non_null(j);
	json_t *c = json_object_get(j, "collector");
	assert_int_equal(h_jint(c, "datagrams"), dgrams);
	assert_int_equal(h_jint(c, "flows"), flows);
	assert_int_equal(h_jint(c, "kernel_drops"), 0);
	assert_int_equal(h_jint(c, "templates"), 2); /* the generator's IPv4 and IPv6 ones */
	json_t *ex = json_array_get(json_object_get(j, "exporters"), 0);
	assert_non_null(ex);
	assert_string_equal(h_jstr(ex, "exporter"), "127.0.0.1");
	assert_string_equal(h_jstr(ex, "protocol"), "netflow");
	assert_int_equal(h_jint(ex, "datagrams"), dgrams);
	assert_int_equal(h_jint(ex, "flows"), flows);
	assert_int_equal(json_object_size(json_object_get(ex, "malformed")), 0);
	json_t *top = json_array_get(json_object_get(j, "top"), 0);
	assert_string_equal(h_jstr(top, "host"), "10.1.0.33");
	assert_int_equal(h_jint(top, "packets"), 3 * 20 * 1000);
	json_decref(j);
	free(r.text);
	free(nets);
}

/* ------------------------------------------------------------ 3: drops */

/* The kernel's drops are counted, exactly: with the collector stopped
** (SIGSTOP) and a small receive buffer, 400 datagrams overflow the
** socket; at exit, datagrams read + kernel drops == datagrams sent. */
static void test_kernel_drops(void **state)
{
	(void)state;
	char *nets = h_write_file(tmp, "nets3", "10.1.0.0/24\n");
	struct run r;
	const char *extra[] = {"--networks", nets, "--rcvbuf", "65536", NULL};
	run_start(&r, "127.0.0.1:0", "127.0.0.1:0", extra);
	kill(r.pid, SIGSTOP);
	int st;
	assert_int_equal(waitpid(r.pid, &st, WUNTRACED), r.pid);
	assert_true(WIFSTOPPED(st));
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct flow_rec rec[30];
	memset(rec, 0, sizeof rec);
	for (int i = 0; i < 30; i++) {
		rec[i].family = 4;
		rec[i].proto = 17;
		v4(rec[i].dst, "10.1.0.9");
		rec[i].packets = 1;
		rec[i].bytes = 100;
	}
	uint8_t b[2000];
	size_t used;
	size_t n = flow_gen_nf5(b, sizeof b, rec, 30, 1, 0, &used);
	assert_true(n > 0);
	const int sent = 400;
	for (int i = 0; i < sent; i++)
		send_to(fd, r.port[0], b, n);
	close(fd);
	kill(r.pid, SIGCONT);
	run_stop(&r);
	long long got = line_val(r.text, "collector", "datagrams");
	long long drops = line_val(r.text, "collector", "kernel_drops");
	assert_true(drops > 0);
	assert_int_equal(got + drops, sent);
	assert_int_equal(line_val(r.text, "host 10.1.0.9 incoming", "packets"), got * 30);
	free(r.text);
	free(nets);
}

static int group_setup(void **state)
{
	(void)state;
	atexit(kill_live);
	tmp = h_tmpdir("flowcoll");
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	kill_live();
	h_rmdir(tmp);
	return 0;
}

int main(void)
{
	h_init();
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generators),
		cmocka_unit_test(test_softflowd),
		cmocka_unit_test(test_softflowd_ipfix),
		cmocka_unit_test(test_kernel_drops),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
