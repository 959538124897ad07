/*
** flow_send.c — the NetFlow v5 sender of issue 16's benchmark (`scripts
** bench flow`): the same stream to Parapet and to FastNetMon, from the
** same machine, at a set rate.
**
** The stream is the issue's: 30 records per datagram (v5's most),
** destinations spread over --hosts addresses from --base on (130,000 by
** default: 10.0.0.0 up to 10.1.251.207), random sources, a TCP/UDP mix
** (2 TCP SYN records for 1 UDP). 4,096 distinct datagrams are made with
** Parapet's own generator (gen_nf.c) and sent round-robin with sendmmsg
** (4 messages of --gso datagrams a call; 64 datagrams with --gso 0),
** the v5 sequence number rewritten in each so that a
** collector that tracks sequences sees none missing. --sockets senders
** (distinct source ports) let the receiver's SO_REUSEPORT spread the
** stream over its threads, as several routers would.
**
** --gso N (default 44; 0 or 1: one datagram per message, the kernel's
** per-datagram path) hands the kernel N datagrams per message with
** UDP_SEGMENT (Linux 4.18+): the same datagrams reach the collector, but
** the sender pays for one route lookup, one socket-buffer charge and one
** trip down the stack per N of them instead of per datagram (measured:
** 13 instead of 106 ns of sender CPU per flow). Exporters are routers:
** the sender's CPU is the benchmark's cost, not the collector's, and on a
** 2-core run every cycle it burns is taken from the collector. A receiver
** without UDP_GRO (FastNetMon) gets the datagrams one by one (the kernel
** splits them before its socket queue, in the sender's context on
** loopback); one with UDP_GRO (Parapet) gets them as the coalesced buffer
** and splits them itself.
**
** Pacing: after each batch the sender sleeps until the time the flows
** sent so far are due at --rate (0: as fast as it can). It prints
** "flow_send: N flows, D datagrams in T s = R flows/s" at the end, the
** figure the benchmark compares with what each collector counted.
**
** Usage: bench_flow_send --to 127.0.0.1:2055 [--rate FLOWS/S] [--duration S]
**        [--hosts N] [--base A.B.C.D] [--sockets N] [--gso N]
*/
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "flow/flow.h"

#define NDG 4096
#define RECS 30
#define BATCH 64
#define SOCKS_MAX 64
#define GSO_MAX 44 /* 44 x 1,464 bytes: the most under UDP's 65,507 */
#define GSO_MSGS 4 /* messages per sendmmsg with --gso */

static uint64_t rs = 0x853c49e6748fea9bull;

static uint32_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)rs;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void fill(struct flow_rec *r, uint32_t base, uint32_t hosts)
{
	memset(r, 0, sizeof *r);
	r->family = 4;
	uint32_t d = base + rnd() % hosts, s = rnd();
	for (int i = 0; i < 4; i++) {
		r->dst[i] = (uint8_t)(d >> (24 - 8 * i));
		r->src[i] = (uint8_t)(s >> (24 - 8 * i));
	}
	r->proto = rnd() % 3 ? 6 : 17;
	r->tcp_flags = r->proto == 6 ? 0x02 : 0;
	r->sport = (uint16_t)rnd();
	r->dport = r->proto == 6 ? 80 : 53;
	r->packets = 1 + rnd() % 4;
	r->bytes = r->packets * (r->proto == 6 ? 60 : 512);
}

static int usage(void)
{
	fprintf(stderr, "usage: bench_flow_send --to ADDR:PORT [--rate FLOWS/S] [--duration S] "
			"[--hosts N] [--base A.B.C.D] [--sockets N] [--gso N]\n");
	return 64;
}

/* flow_sequence: the flows sent before this datagram, per socket. */
static void stamp(uint8_t *d, uint32_t seq)
{
	d[16] = (uint8_t)(seq >> 24), d[17] = (uint8_t)(seq >> 16);
	d[18] = (uint8_t)(seq >> 8), d[19] = (uint8_t)seq;
}

/* Sleep until the flows sent so far are due at rate (0: never). */
static void pace(double rate, uint64_t flows, double t)
{
	if (rate > 0) {
		double due = (double)flows / rate;
		if (due > t) {
			double w = due - t;
			struct timespec ts = {(time_t)w, (long)((w - (double)(time_t)w) * 1e9)};
			nanosleep(&ts, NULL);
		}
	}
}

/* The line scripts/bench reads. */
static int report(uint64_t flows, uint64_t dgrams, uint64_t failed, double t)
{
	printf("flow_send: %llu flows, %llu datagrams in %.2f s = %.0f flows/s (%llu datagrams not sent)\n",
	       (unsigned long long)flows, (unsigned long long)dgrams, t, (double)flows / t,
	       (unsigned long long)failed);
	return 0;
}

/* The send loop: per sendmmsg call, nmsg messages of per datagrams each
** (per > 1: one UDP_SEGMENT message the kernel cuts into per datagrams;
** per == 1: the kernel's per-datagram path). A message the kernel refuses
** is lost whole, so the counts go per message; its sequence numbers are
** taken back, so that the next datagram carries the one the collector
** expects. Datagrams are copied at sendmmsg time: reusing dg[] is safe. */
static int send_loop(const int *fd, long nsock, unsigned nmsg, unsigned per,
		     uint8_t (*dg)[FLOW_NF5_HDR + RECS * FLOW_NF5_REC], const size_t *len,
		     double rate, double duration)
{
	struct mmsghdr m[BATCH];
	struct iovec iov[GSO_MSGS * GSO_MAX > BATCH ? GSO_MSGS * GSO_MAX : BATCH];
	uint32_t seq[SOCKS_MAX] = {0};
	uint64_t flows = 0, dgrams = 0, failed = 0;
	unsigned next = 0;
	double t0 = now_s(), t = 0;
	for (long b = 0;; b++) {
		long s = b % nsock;
		for (unsigned i = 0; i < nmsg; i++) {
			memset(&m[i], 0, sizeof m[i]);
			m[i].msg_hdr.msg_iov = &iov[i * per];
			m[i].msg_hdr.msg_iovlen = per;
			for (unsigned j = 0; j < per; j++) {
				stamp(dg[next], seq[s]);
				seq[s] += RECS;
				iov[i * per + j].iov_base = dg[next];
				iov[i * per + j].iov_len = len[next];
				next = (next + 1) % NDG;
			}
		}
		int n = sendmmsg(fd[s], m, nmsg, 0);
		if (n < 0) {
			if (errno != ENOBUFS && errno != EAGAIN && errno != ECONNREFUSED) {
				fprintf(stderr, "flow_send: sendmmsg: %s\n", strerror(errno));
				return 1;
			}
			n = 0;
		}
		dgrams += (uint64_t)n * per;
		flows += (uint64_t)n * per * RECS;
		failed += (uint64_t)(nmsg - (unsigned)n) * per;
		seq[s] -= (uint32_t)(nmsg - (unsigned)n) * per * RECS;
		t = now_s() - t0;
		if (t >= duration)
			break;
		pace(rate, flows, t);
	}
	return report(flows, dgrams, failed, t);
}

int main(int argc, char **argv)
{
	const char *to = NULL, *base_s = "10.0.0.0";
	double rate = 0, duration = 10;
	long hosts = 130000, nsock = 4, gso = GSO_MAX;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--to") == 0)
			to = argv[i + 1];
		else if (strcmp(argv[i], "--rate") == 0)
			rate = strtod(argv[i + 1], NULL);
		else if (strcmp(argv[i], "--duration") == 0)
			duration = strtod(argv[i + 1], NULL);
		else if (strcmp(argv[i], "--hosts") == 0)
			hosts = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--base") == 0)
			base_s = argv[i + 1];
		else if (strcmp(argv[i], "--sockets") == 0)
			nsock = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--gso") == 0)
			gso = strtol(argv[i + 1], NULL, 10);
		else
			return usage();
	}
	struct sockaddr_storage dst;
	struct perr err;
	perr_clear(&err);
	struct in_addr base;
	if (!to || core_listen_parse(to, "to", &dst, &err) != 0 || dst.ss_family != AF_INET ||
	    inet_pton(AF_INET, base_s, &base) != 1 || hosts < 1 || nsock < 1 ||
	    nsock > SOCKS_MAX || duration <= 0 || rate < 0 || gso < 0 || gso > GSO_MAX)
		return usage();

	static uint8_t dg[NDG][FLOW_NF5_HDR + RECS * FLOW_NF5_REC];
	static size_t len[NDG];
	struct flow_rec r[RECS];
	for (int i = 0; i < NDG; i++) {
		for (int k = 0; k < RECS; k++)
			fill(&r[k], ntohl(base.s_addr), (uint32_t)hosts);
		len[i] = flow_gen_nf5(dg[i], sizeof dg[i], r, RECS, 0, 0, NULL);
		if (!len[i]) {
			fprintf(stderr, "flow_send: generator failed\n");
			return 1;
		}
	}
	int fd[SOCKS_MAX];
	for (long s = 0; s < nsock; s++) {
		fd[s] = socket(AF_INET, SOCK_DGRAM, 0);
		int sz = 4 << 20;
		setsockopt(fd[s], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
		if (fd[s] < 0 || connect(fd[s], (struct sockaddr *)&dst, sizeof(struct sockaddr_in))) {
			fprintf(stderr, "flow_send: %s: %s\n", to, strerror(errno));
			return 1;
		}
		/* every datagram is 24 + 30 x 48 bytes: the segment size */
		int seg = (int)len[0];
		if (gso > 1 && setsockopt(fd[s], SOL_UDP, UDP_SEGMENT, &seg, sizeof seg) != 0) {
			fprintf(stderr, "flow_send: UDP_SEGMENT: %s\n", strerror(errno));
			return 1;
		}
	}
	if (gso > 1)
		return send_loop(fd, nsock, GSO_MSGS, (unsigned)gso, dg, len, rate, duration);
	return send_loop(fd, nsock, BATCH, 1, dg, len, rate, duration);
}
