/*
** flow_burst.c — the attack of issue 16's detection benchmark (`scripts
** bench flow`, bench/flow.py): a TCP SYN flood on ONE protected host at a
** set packet rate, in NetFlow v5, sent to every collector given (Parapet
** and FastNetMon get the same datagrams at the same moment), so that the
** time from its first datagram to each collector's verdict can be told.
**
** The real-world class: a SYN flood seen by a router that exports NetFlow
** every few milliseconds (a busy exporter's flow cache flushes
** continuously). Every --period-ms (10 ms) one datagram carries the
** packets of that period (--pps x period) in --records flows from random
** sources to port 80 of --host, so that from the first datagram on the
** host's rate is --pps: every datagram of the burst is over the threshold
** the benchmark sets at a fraction of --pps. Datagrams are due on an
** absolute schedule (no drift when a send is late).
**
** Output: "burst start T" (CLOCK_REALTIME, seconds with microseconds)
** taken just before the first datagram is sent, flushed at once: the
** benchmark's zero. At the end (SIGTERM, SIGINT or --duration): "burst
** end: N packets in D datagrams". Exit 64 on bad arguments, 1 when a
** socket cannot be opened.
**
** Usage: bench_flow_burst --to ADDR:PORT [--to ADDR:PORT ...] --host A.B.C.D
**        --pps N [--duration S] [--period-ms MS] [--records N]
*/
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "flow/flow.h"

#define TO_MAX 4
#define RECS_MAX 30

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t rs = 0x2545f4914f6cdd1dull;

static uint32_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)rs;
}

static double mono_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr, "usage: bench_flow_burst --to ADDR:PORT [--to ADDR:PORT ...] --host A.B.C.D "
			"--pps N [--duration S] [--period-ms MS] [--records N]\n");
	return 64;
}

int main(int argc, char **argv)
{
	const char *to[TO_MAX], *host_s = NULL;
	int nto = 0;
	double pps = 0, duration = 60, period_ms = 10;
	long recs = 10;
	if (argc % 2 == 0)
		return usage(); /* an option without its value */
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--to") == 0 && nto < TO_MAX)
			to[nto++] = argv[i + 1];
		else if (strcmp(argv[i], "--host") == 0)
			host_s = argv[i + 1];
		else if (strcmp(argv[i], "--pps") == 0)
			pps = strtod(argv[i + 1], NULL);
		else if (strcmp(argv[i], "--duration") == 0)
			duration = strtod(argv[i + 1], NULL);
		else if (strcmp(argv[i], "--period-ms") == 0)
			period_ms = strtod(argv[i + 1], NULL);
		else if (strcmp(argv[i], "--records") == 0)
			recs = strtol(argv[i + 1], NULL, 10);
		else
			return usage();
	}
	struct in_addr host;
	if (!nto || !host_s || inet_pton(AF_INET, host_s, &host) != 1 || pps < 1 || duration <= 0 ||
	    period_ms < 1 || period_ms > 1000 || recs < 1 || recs > RECS_MAX)
		return usage();
	int fd[TO_MAX];
	for (int k = 0; k < nto; k++) {
		struct sockaddr_storage dst;
		struct perr err;
		perr_clear(&err);
		if (core_listen_parse(to[k], "to", &dst, &err) != 0 || dst.ss_family != AF_INET)
			return usage();
		fd[k] = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd[k] < 0 || connect(fd[k], (struct sockaddr *)&dst, sizeof(struct sockaddr_in))) {
			fprintf(stderr, "flow_burst: %s: %s\n", to[k], strerror(errno));
			return 1;
		}
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	uint32_t h = ntohl(host.s_addr);
	double per = pps * period_ms / 1000.0; /* packets due per datagram */
	double owed = 0;                        /* fractional packets carried over */
	uint64_t packets = 0, dgrams = 0;
	uint32_t seq = 0;
	double t0 = mono_s();
	for (long n = 0; !stop; n++) {
		double due = t0 + (double)n * period_ms / 1000.0, now = mono_s();
		if (due - t0 >= duration)
			break;
		if (due > now) {
			double w = due - now;
			struct timespec ts = {(time_t)w, (long)((w - (double)(time_t)w) * 1e9)};
			nanosleep(&ts, NULL);
			if (stop)
				break;
		}
		owed += per;
		uint64_t total = (uint64_t)owed;
		owed -= (double)total;
		if (!total)
			continue; /* a rate under one packet a period: nothing due yet */
		struct flow_rec r[RECS_MAX];
		long k = (uint64_t)recs < total ? recs : (long)total;
		for (long i = 0; i < k; i++) {
			memset(&r[i], 0, sizeof r[i]);
			r[i].family = 4;
			uint32_t s = rnd();
			for (int b = 0; b < 4; b++) {
				r[i].dst[b] = (uint8_t)(h >> (24 - 8 * b));
				r[i].src[b] = (uint8_t)(s >> (24 - 8 * b));
			}
			r[i].proto = 6;
			r[i].tcp_flags = 0x02;
			r[i].sport = (uint16_t)(1024 + rnd() % 60000);
			r[i].dport = 80;
			r[i].packets = total / (uint64_t)k + ((uint64_t)i < total % (uint64_t)k);
			r[i].bytes = r[i].packets * 60;
		}
		uint8_t dg[FLOW_NF5_HDR + RECS_MAX * FLOW_NF5_REC];
		size_t len = flow_gen_nf5(dg, sizeof dg, r, (size_t)k, 0, seq, NULL);
		if (!len) {
			fprintf(stderr, "flow_burst: generator failed\n");
			return 1;
		}
		seq += (uint32_t)k;
		if (dgrams == 0) {
			struct timespec rt;
			clock_gettime(CLOCK_REALTIME, &rt);
			printf("burst start %lld.%06ld\n", (long long)rt.tv_sec, rt.tv_nsec / 1000);
			fflush(stdout);
		}
		for (int d = 0; d < nto; d++)
			if (send(fd[d], dg, len, 0) < 0 && errno != ECONNREFUSED && errno != ENOBUFS) {
				fprintf(stderr, "flow_burst: send: %s\n", strerror(errno));
				return 1;
			}
		packets += total;
		dgrams++;
	}
	printf("burst end: %llu packets in %llu datagrams\n", (unsigned long long)packets,
	       (unsigned long long)dgrams);
	return 0;
}
