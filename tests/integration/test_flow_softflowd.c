/*
** test_flow_softflowd.c — Parapet's NetFlow v5, v9 and IPFIX decoders
** (src/flow/nf5.c, nf9.c) on what softflowd, an exporter written by
** others (Debian's softflowd), sends.
**
** The test writes a pcap of mixed traffic (TCP with SYNs, UDP, ICMP and
** ICMPv6, IPv4 and IPv6, several sources and destinations, packets of
** many sizes), then runs `softflowd -r file.pcap -n 127.0.0.1:PORT -v V`
** for V = 5, 9 and 10 (IPFIX) towards a UDP socket it holds on loopback.
** Every datagram is decoded by Parapet, and the per-destination packet
** and byte counts of the decoded flows must EQUAL those the test reads
** back from the pcap file itself (bytes are IP bytes: the IPv4 total
** length, or 40 + the IPv6 payload length, as NetFlow counts them).
** NetFlow v5 cannot carry IPv6, so for v5 only the IPv4 hosts are
** compared (and no IPv6 host may appear). Since the decoder and
** softflowd share no code, a mistake in either shows.
**
** nfdump's collector, nfcapd, is given the same datagrams (the test
** forwards each one it receives), and `nfdump -R dir -s dstip` totals per
** destination (packets, bytes, flows) must equal Parapet's.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "flow/flow.h"
#include "flow_lab.h"
#include "harness.h"

#define SOFTFLOWD "/usr/sbin/softflowd"
#define SOFTFLOWCTL "/usr/sbin/softflowctl"

/* ------------------------------------------------------------ host table */

struct host {
	uint8_t family;
	uint8_t addr[16];
	uint64_t packets, bytes;
};

#define MAXH 64

struct hosts {
	struct host h[MAXH];
	size_t n;
	uint64_t flows;
	bool overflow;
};

static void host_add(struct hosts *t, int family, const uint8_t *addr, uint64_t pk, uint64_t by)
{
	size_t al = family == 6 ? 16 : 4;
	for (size_t i = 0; i < t->n; i++)
		if (t->h[i].family == family && memcmp(t->h[i].addr, addr, al) == 0) {
			t->h[i].packets += pk;
			t->h[i].bytes += by;
			return;
		}
	if (t->n == MAXH) {
		t->overflow = true;
		return;
	}
	struct host *h = &t->h[t->n++];
	memset(h, 0, sizeof *h);
	h->family = (uint8_t)family;
	memcpy(h->addr, addr, al);
	h->packets = pk;
	h->bytes = by;
}

static const struct host *host_find(const struct hosts *t, int family, const uint8_t *addr)
{
	size_t al = family == 6 ? 16 : 4;
	for (size_t i = 0; i < t->n; i++)
		if (t->h[i].family == family && memcmp(t->h[i].addr, addr, al) == 0)
			return &t->h[i];
	return NULL;
}

static void host_str(const struct host *h, char *buf, size_t n)
{
	inet_ntop(h->family == 6 ? AF_INET6 : AF_INET, h->addr, buf, (socklen_t)n);
}

/* ------------------------------------------------------------ the pcap */

static uint64_t rs = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)rs;
}

/* The test's traffic: 6 IPv4 and 4 IPv6 destination hosts, each talked
** to by several sources, in TCP (SYN then data), UDP and ICMP flows. */
static void write_pcap(const char *path)
{
	FILE *f = flow_lab_pcap_open(path);
	assert_non_null(f);
	uint64_t t = 1700000000ull * 1000000;
	for (int round = 0; round < 40; round++) {
		for (int fam = 4; fam <= 6; fam += 2) {
			int ndst = fam == 4 ? 6 : 4;
			for (int d = 1; d <= ndst; d++) {
				uint8_t dst[16], src[16];
				flow_lab_addr(fam, 1, d, dst);
				int nsrc = 1 + (int)(rnd() % 5);
				for (int s = 0; s < nsrc; s++) {
					flow_lab_addr(fam, 2, 1 + (int)(rnd() % 30), src);
					int kind = (int)(rnd() % 3);
					int proto = kind == 0 ? 6 : kind == 1 ? 17 : (fam == 6 ? 58 : 1);
					uint16_t sport = (uint16_t)(1024 + rnd() % 20000);
					uint16_t dport = kind == 0 ? 443 : kind == 1 ? 53 : 0;
					int npk = 1 + (int)(rnd() % 6);
					for (int k = 0; k < npk; k++) {
						uint8_t fl = proto == 6 ? (k == 0 ? 0x02 : 0x18) : 0;
						flow_lab_pcap_packet(f, t, fam, src, dst, proto, sport, dport, fl,
								     rnd() % 1200);
						t += 1000 + rnd() % 5000;
					}
				}
			}
		}
	}
	fclose(f);
}

/* Per-destination IP packets and bytes, read back from the pcap file. */
static void read_pcap(const char *path, struct hosts *t, int only_family)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	uint8_t gh[24];
	assert_int_equal(fread(gh, 1, 24, f), 24);
	assert_int_equal(gh[20], 1); /* Ethernet */
	uint8_t ph[16], b[70000];
	while (fread(ph, 1, 16, f) == 16) {
		uint32_t cl = (uint32_t)ph[8] | (uint32_t)ph[9] << 8 | (uint32_t)ph[10] << 16 |
			      (uint32_t)ph[11] << 24;
		assert_true(cl <= sizeof b);
		assert_int_equal(fread(b, 1, cl, f), cl);
		assert_true(cl >= 14 + 20);
		unsigned et = (unsigned)b[12] << 8 | b[13];
		const uint8_t *ip = b + 14;
		if (et == 0x0800) {
			if (only_family && only_family != 4)
				continue;
			host_add(t, 4, ip + 16, 1, (unsigned)ip[2] << 8 | ip[3]);
		} else if (et == 0x86dd) {
			if (only_family && only_family != 6)
				continue;
			host_add(t, 6, ip + 24, 1, 40 + ((unsigned)ip[4] << 8 | ip[5]));
		}
	}
	fclose(f);
}

/* ------------------------------------------------------------ collection */

struct sink {
	struct hosts got;
	struct flow_nf_cache *cache;
	uint64_t datagrams, rejected;
	int fwd_fd;                 /* >= 0: each datagram is also sent to nfcapd */
	struct sockaddr_in fwd_to;
};

static void on_rec(void *ctx, const struct flow_rec *r)
{
	struct sink *s = ctx;
	assert_true(r->sampling == 1);
	host_add(&s->got, r->family, r->dst, r->packets, r->bytes);
	s->got.flows++;
}

static int udp_socket(int *port)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	int sz = 8 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	socklen_t al = sizeof a;
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

/* Children still running (softflowd, nfcapd): a failed assertion leaves
** its test early, so they are killed at teardown and at exit. */
static pid_t live[8];

static void reap(pid_t pid)
{
	for (size_t i = 0; i < 8; i++)
		if (live[i] == pid)
			live[i] = 0;
}

static void kill_live(void)
{
	for (size_t i = 0; i < 8; i++)
		if (live[i] > 0) {
			kill(live[i], SIGKILL);
			waitpid(live[i], NULL, 0);
			live[i] = 0;
		}
}

static pid_t spawn(const char *const *argv)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid > 0)
		for (size_t i = 0; i < 8; i++)
			if (!live[i]) {
				live[i] = pid;
				break;
			}
	if (pid == 0) {
		int dn = open("/dev/null", O_RDWR);
		if (dn >= 0) {
			dup2(dn, 0);
			dup2(dn, 1);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/* Packets softflowd has processed, from `softflowctl statistics`; -1
** when its control socket does not answer yet. */
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

/* Take datagrams from fd into each() while softflowd runs. softflowd -r
** exports every flow when the file ends (its "flushed" expiry) but then
** keeps running, so once its statistics count all the pcap's packets it
** is told to shut down (which exports anything left), and the socket is
** drained until the process has exited and no datagram came for 1 s. */
static void drain(int fd, pid_t pid, const char *ctl, long want_packets,
		  void (*each)(void *, const uint8_t *, size_t, const struct sockaddr_in *),
		  void *ctx)
{
	static uint8_t b[65536];
	bool exited = false, told = false;
	int quiet = 0;
	int64_t t0 = h_now_ms(), last_ask = 0;
	while (h_now_ms() - t0 < 60000) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, 100);
		if (r > 0) {
			struct sockaddr_in from;
			socklen_t fl = sizeof from;
			ssize_t n = recvfrom(fd, b, sizeof b, 0, (struct sockaddr *)&from, &fl);
			if (n > 0)
				each(ctx, b, (size_t)n, &from);
			quiet = 0;
			continue;
		}
		if (!told && h_now_ms() - last_ask >= 200) {
			last_ask = h_now_ms();
			if (sfd_packets(ctl) == want_packets) {
				struct h_proc hp = {0};
				const char *argv[] = {SOFTFLOWCTL, "-c", ctl, "shutdown", NULL};
				assert_int_equal(h_run(&hp, NULL, NULL, argv), 0);
				h_proc_free(&hp);
				told = true;
			}
		}
		if (!exited) {
			int st;
			if (waitpid(pid, &st, WNOHANG) == pid) {
				reap(pid);
				exited = true;
				assert_true(WIFEXITED(st));
				assert_int_equal(WEXITSTATUS(st), 0);
			}
		} else if (++quiet >= 10) {
			return;
		}
	}
	kill_live();
	fail_msg("softflowd did not finish within 60 s");
}

static void on_datagram(void *ctx, const uint8_t *b, size_t n, const struct sockaddr_in *from)
{
	struct sink *s = ctx;
	uint8_t exp[16];
	flow_exporter_v4(exp, ntohl(from->sin_addr.s_addr));
	struct flow_result res;
	if (n >= 2 && b[0] == 0 && b[1] == 5)
		flow_nf5_decode(b, n, exp, on_rec, s, &res);
	else
		flow_nf9_decode(s->cache, b, n, exp, (uint64_t)h_now_ms(), on_rec, s, &res);
	s->datagrams++;
	if (s->fwd_fd >= 0)
		assert_true(sendto(s->fwd_fd, b, n, 0, (struct sockaddr *)&s->fwd_to,
				   sizeof s->fwd_to) == (ssize_t)n);
	if (res.reject != FLOW_REJ_NONE) {
		fprintf(stderr, "datagram %zu bytes refused: %d\n", n, (int)res.reject);
		s->rejected++;
	}
}

static char *tmp;
static char *pcap;
static long npackets; /* in the pcap, all families */

static int group_setup(void **state)
{
	(void)state;
	atexit(kill_live);
	tmp = h_tmpdir("flowsfd");
	pcap = h_fmt("%s/mixed.pcap", tmp);
	write_pcap(pcap);
	struct hosts *all = calloc(1, sizeof *all);
	read_pcap(pcap, all, 0);
	for (size_t i = 0; i < all->n; i++)
		npackets += (long)all->h[i].packets;
	free(all);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	kill_live();
	free(pcap);
	h_rmdir(tmp);
	return 0;
}

/* ------------------------------------------------------------ nfcapd */

#define NFCAPD "/usr/bin/nfcapd"
#define NFDUMP "/usr/bin/nfdump"

/* Whether something listens on UDP 127.0.0.1:port (from /proc/net/udp). */
static bool udp_listening(int port)
{
	char want[32], line[512];
	snprintf(want, sizeof want, "0100007F:%04X", port);
	FILE *f = fopen("/proc/net/udp", "r");
	bool found = false;
	while (f && fgets(line, sizeof line, f))
		if (strstr(line, want))
			found = true;
	if (f)
		fclose(f);
	return found;
}

struct nfcapd {
	pid_t pid;
	int port;
	char dir[512];
};

/* nfcapd on a free loopback port, writing into a fresh directory. */
static void nfcapd_start(struct nfcapd *n, const char *tag)
{
	int probe = udp_socket(&n->port); /* a free port, released for nfcapd */
	close(probe);
	snprintf(n->dir, sizeof n->dir, "%s/nfcapd-%s", tmp, tag);
	assert_int_equal(mkdir(n->dir, 0700), 0);
	char port[16], pidf[600];
	snprintf(port, sizeof port, "%d", n->port);
	snprintf(pidf, sizeof pidf, "%s.pid", n->dir);
	const char *argv[] = {NFCAPD, "-b", "127.0.0.1", "-p", port, "-w", n->dir, "-P", pidf,
			      NULL};
	n->pid = spawn(argv);
	int64_t t0 = h_now_ms();
	while (!udp_listening(n->port)) {
		assert_true(h_now_ms() - t0 < 10000);
		poll(NULL, 0, 20);
	}
}

/* Stop nfcapd (it writes its file on SIGTERM), then read its totals per
** destination with `nfdump -R dir -s dstip -o csv`. */
static void nfcapd_totals(struct nfcapd *n, struct hosts *t)
{
	kill(n->pid, SIGTERM);
	int st;
	assert_int_equal(waitpid(n->pid, &st, 0), n->pid);
	reap(n->pid);
	struct h_proc p = {0};
	const char *argv[] = {NFDUMP, "-R", n->dir, "-s", "dstip", "-n", "0", "-o", "csv", "-q",
			      NULL};
	assert_int_equal(h_run(&p, NULL, NULL, argv), 0);
	assert_int_equal(p.status, 0);
	assert_non_null(p.out);
	/* ts,te,td,pr,val,fl,flP,ipkt,ipktP,ibyt,... one line per address */
	char *save = NULL;
	for (char *line = strtok_r(p.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *col[16] = {0};
		int nc = 0;
		char *cs = NULL;
		for (char *c = strtok_r(line, ",", &cs); c && nc < 16; c = strtok_r(NULL, ",", &cs))
			col[nc++] = c;
		if (nc < 10)
			continue;
		uint8_t a[16] = {0};
		int fam = 0;
		if (inet_pton(AF_INET, col[4], a) == 1)
			fam = 4;
		else if (inet_pton(AF_INET6, col[4], a) == 1)
			fam = 6;
		if (!fam)
			continue; /* the header */
		host_add(t, fam, a, strtoull(col[7], NULL, 10), strtoull(col[9], NULL, 10));
		t->flows += strtoull(col[5], NULL, 10);
	}
	h_proc_free(&p);
}

/* Run softflowd on the pcap towards a fresh socket, decode what comes;
** with nf, also forward every datagram to that nfcapd. */
static void export_and_decode(const char *version, struct sink *s, const struct nfcapd *nf)
{
	memset(s, 0, sizeof *s);
	s->fwd_fd = -1;
	if (nf) {
		s->fwd_fd = socket(AF_INET, SOCK_DGRAM, 0);
		assert_true(s->fwd_fd >= 0);
		s->fwd_to.sin_family = AF_INET;
		s->fwd_to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		s->fwd_to.sin_port = htons((uint16_t)nf->port);
	}
	s->cache = flow_nf_cache_new(NULL);
	assert_non_null(s->cache);
	int port;
	int fd = udp_socket(&port);
	char dest[64], ctl[512], pidf[512];
	snprintf(dest, sizeof dest, "127.0.0.1:%d", port);
	snprintf(ctl, sizeof ctl, "%s/sfd-%s.ctl", tmp, version);
	snprintf(pidf, sizeof pidf, "%s/sfd-%s.pid", tmp, version);
	const char *argv[] = {SOFTFLOWD, "-d", "-r", pcap, "-n", dest, "-v", version,
			      "-c", ctl, "-p", pidf, NULL};
	pid_t pid = spawn(argv);
	drain(fd, pid, ctl, npackets, on_datagram, s);
	close(fd);
	if (s->fwd_fd >= 0)
		close(s->fwd_fd);
	flow_nf_cache_free(s->cache);
	s->cache = NULL;
}

static void compare(const struct hosts *want, const struct hosts *got, const char *what)
{
	assert_false(want->overflow);
	assert_false(got->overflow);
	for (size_t i = 0; i < want->n; i++) {
		char a[64];
		host_str(&want->h[i], a, sizeof a);
		const struct host *g = host_find(got, want->h[i].family, want->h[i].addr);
		if (!g)
			fail_msg("%s: destination %s missing", what, a);
		if (g->packets != want->h[i].packets || g->bytes != want->h[i].bytes)
			fail_msg("%s: %s: %llu packets / %llu bytes decoded, pcap holds %llu / %llu",
				 what, a, (unsigned long long)g->packets,
				 (unsigned long long)g->bytes,
				 (unsigned long long)want->h[i].packets,
				 (unsigned long long)want->h[i].bytes);
	}
	assert_int_equal(got->n, want->n); /* nothing invented */
}

static void run_version(const char *version, int only_family)
{
	struct hosts *want = calloc(1, sizeof *want);
	read_pcap(pcap, want, only_family);
	assert_true(want->n >= (only_family ? 6u : 10u));
	struct sink *s = calloc(1, sizeof *s);
	struct nfcapd nf;
	bool with_nfcapd = access(NFCAPD, X_OK) == 0 && access(NFDUMP, X_OK) == 0;
	if (with_nfcapd)
		nfcapd_start(&nf, version);
	export_and_decode(version, s, with_nfcapd ? &nf : NULL);
	assert_true(s->datagrams > 0);
	assert_int_equal(s->rejected, 0);
	assert_true(s->got.flows > 0);
	compare(want, &s->got, version);
	printf("softflowd -v %s: %llu datagrams, %llu flows, %zu destinations equal\n", version,
	       (unsigned long long)s->datagrams, (unsigned long long)s->got.flows, want->n);
	if (with_nfcapd) {
		/* nfdump's collector, given the same datagrams, totals the same */
		struct hosts *theirs = calloc(1, sizeof *theirs);
		nfcapd_totals(&nf, theirs);
		char what[64];
		snprintf(what, sizeof what, "nfcapd vs parapet, v%s", version);
		compare(&s->got, theirs, what);
		assert_int_equal(theirs->flows, s->got.flows);
		printf("nfcapd -v %s: %llu flows, %zu destinations equal to Parapet's\n", version,
		       (unsigned long long)theirs->flows, theirs->n);
		free(theirs);
	} else {
		printf("nfcapd/nfdump not installed: that comparison skipped\n");
	}
	free(s);
	free(want);
}

static void test_softflowd_v5(void **state)
{
	(void)state;
	run_version("5", 4);
}

static void test_softflowd_v9(void **state)
{
	(void)state;
	run_version("9", 0);
}

static void test_softflowd_ipfix(void **state)
{
	(void)state;
	run_version("10", 0);
}

int main(void)
{
	if (access(SOFTFLOWD, X_OK) != 0) {
		fprintf(stderr, "test_flow_softflowd: %s missing (scripts/setup installs softflowd)\n",
			SOFTFLOWD);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_softflowd_v5),
		cmocka_unit_test(test_softflowd_v9),
		cmocka_unit_test(test_softflowd_ipfix),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
