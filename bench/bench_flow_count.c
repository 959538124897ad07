/*
** bench_flow_count.c — the counting core of issue 16 alone: records per
** second through flow_shard_add (one shard per thread, 1 and 2 threads,
** with a ticker flipping and folding every 100 ms as the collector will),
** the cost of one tick (merge + detection) with 130,000 and 1,000,000
** protected hosts, and the resident memory of the counting state.
** The goal it serves: decode + count >= 9 M flows/s on 2 cores, so count
** must take a few ns per record; and <= 200 MB RSS with 1,000,000 hosts.
** Prints "bench NAME: VALUE UNIT" lines (scripts/bench).
*/
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "flow/flow.h"

#define NREC (1u << 18) /* records cycled through (20 MB) */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* n /24s from 100.0.0.0 up: n x 256 protected hosts. */
static struct flow_hosts *make_hosts(size_t n24)
{
	struct flow_prefix *p = calloc(n24, sizeof *p);
	for (size_t i = 0; i < n24; i++) {
		p[i].family = 4;
		p[i].len = 24;
		p[i].addr[0] = 100;
		p[i].addr[1] = (uint8_t)(i >> 8);
		p[i].addr[2] = (uint8_t)i;
	}
	struct perr err;
	struct flow_hosts *h = flow_hosts_build(p, n24, 0, &err);
	free(p);
	if (!h) {
		fprintf(stderr, "hosts: %s\n", err.msg);
		exit(1);
	}
	return h;
}

/* Records to `active` hosts spread over the n24 /24s, random sources
** outside, a TCP/UDP mix (like the benchmark stream). */
static struct flow_rec *make_recs(size_t n24, uint32_t active)
{
	struct flow_rec *r = calloc(NREC, sizeof *r);
	uint32_t total = (uint32_t)n24 * 256;
	for (uint32_t i = 0; i < NREC; i++) {
		uint64_t x = next();
		uint32_t host = (uint32_t)((x % active) * (uint64_t)total / active);
		r[i].family = 4;
		r[i].dst[0] = 100;
		r[i].dst[1] = (uint8_t)(host >> 16);
		r[i].dst[2] = (uint8_t)(host >> 8);
		r[i].dst[3] = (uint8_t)host;
		r[i].src[0] = (uint8_t)(1 + (x >> 32) % 90);
		r[i].src[1] = (uint8_t)(x >> 40);
		r[i].src[2] = (uint8_t)(x >> 48);
		r[i].src[3] = (uint8_t)(x >> 56);
		r[i].proto = (x >> 20) & 1 ? 6 : 17;
		r[i].tcp_flags = (x >> 21) & 1 ? 0x02 : 0x18;
		r[i].sport = (uint16_t)(x >> 24);
		r[i].dport = 443;
		r[i].packets = 1 + (x >> 30) % 8;
		r[i].bytes = r[i].packets * 600;
		r[i].sampling = 1;
	}
	return r;
}

struct worker {
	struct flow_shard *s;
	const struct flow_rec *recs;
	atomic_bool *stop;
	uint64_t done;
	double cpu; /* the thread's CPU seconds: the machine may be shared */
};

static void *work(void *arg)
{
	struct worker *w = arg;
	uint64_t n = 0;
	double c0 = cpu_s(CLOCK_THREAD_CPUTIME_ID);
	while (!atomic_load_explicit(w->stop, memory_order_relaxed)) {
		for (uint32_t i = 0; i < NREC; i += 1024) {
			flow_shard_add_batch(w->s, &w->recs[i], 1024);
			flow_shard_sync(w->s); /* one recvmmsg batch */
			n += 1024;
		}
	}
	w->done = n;
	w->cpu = cpu_s(CLOCK_THREAD_CPUTIME_ID) - c0;
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* threads writers for `secs`, the ticker at 100 ms as the collector's. */
static double run_threads(struct flow_hosts *h, const struct flow_rec *recs,
			  unsigned threads, double secs, uint64_t *late,
			  double *per_cpu)
{
	struct perr err;
	struct flow_count_cfg cc = {.shards = threads};
	struct flow_count *c = flow_count_new(h, &cc, &err);
	atomic_bool stop = false;
	struct worker w[2];
	pthread_t th[2];
	for (unsigned i = 0; i < threads; i++) {
		w[i] = (struct worker){flow_count_shard(c, i), recs, &stop, 0};
		pthread_create(&th[i], NULL, work, &w[i]);
	}
	double t0 = now_s();
	uint64_t ms = 0;
	while (now_s() - t0 < secs) {
		sleep_ms(99);
		flow_count_flip(c);
		sleep_ms(1);
		ms += 100;
		flow_count_tick(c, ms);
	}
	atomic_store(&stop, true);
	uint64_t n = 0;
	double cpu = 0;
	for (unsigned i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		n += w[i].done;
		cpu += w[i].cpu;
	}
	*per_cpu = (double)n / cpu; /* records per CPU-second of a writer */
	double dt = now_s() - t0;
	*late = flow_count_late(c);
	flow_count_free(c);
	return (double)n / dt;
}

/* One tick's worth of records (rate x 100 ms) over `active` hosts among
** n24 x 256, then the tick: fold + detection. Returns ms per tick. */
static double tick_cost(size_t n24, uint32_t active, double rate,
			long *rss_state)
{
	long before = rss_kb();
	struct flow_hosts *h = make_hosts(n24);
	struct flow_rec *recs = make_recs(n24, active);
	long recs_kb = (long)(NREC * sizeof *recs / 1024);
	struct perr err;
	struct flow_count_cfg cc = {.shards = 2};
	struct flow_count *c = flow_count_new(h, &cc, &err);
	struct flow_detect_cfg dc;
	memset(&dc, 0, sizeof dc);
	dc.in.v[FLOW_C_PKTS] = 1000000;
	dc.in.v[FLOW_C_BYTES] = 1000000000;
	dc.in.v[FLOW_C_SYN_PKTS] = 100000;
	dc.quiet_ms = 5000;
	struct flow_detect *d = flow_detect_new(&dc, NULL, NULL, &err);
	uint64_t per_tick = (uint64_t)(rate / 10);
	double spent = 0, merge = 0;
	int ticks = 20;
	uint32_t k = 0;
	for (int t = 1; t <= ticks; t++) {
		for (unsigned s = 0; s < 2; s++)
			for (uint64_t i = 0; i < per_tick / 2; i++) {
				flow_shard_add(flow_count_shard(c, s), &recs[k]);
				k = (k + 1) & (NREC - 1);
			}
		double t0 = cpu_s(CLOCK_THREAD_CPUTIME_ID);
		flow_count_tick_quiescent(c, (uint64_t)t * 100);
		double t1 = cpu_s(CLOCK_THREAD_CPUTIME_ID);
		flow_detect_tick(d, c, (uint64_t)t * 100);
		double t2 = cpu_s(CLOCK_THREAD_CPUTIME_ID);
		spent += t2 - t0;
		merge += t1 - t0;
	}
	*rss_state = rss_kb() - before - recs_kb;
	printf("bench flow_merge_%zuk_hosts: %.2f ms CPU per tick, then detection %.2f ms\n",
	       n24 * 256 / 1000, merge / ticks * 1000,
	       (spent - merge) / ticks * 1000);
	printf("bench flow_count_dropped_%zuk_hosts: %llu records\n",
	       n24 * 256 / 1000, (unsigned long long)flow_count_dropped(c));
	flow_detect_free(d);
	flow_count_free(c);
	free(recs);
	flow_hosts_free(h);
	return spent / ticks * 1000;
}

/* Each tick figure in a fresh process, so that its RSS is its own. */
static void tick_child(size_t n24, const char *name, const char *what)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		long rss;
		double ms = tick_cost(n24, 130048, 9e6, &rss);
		printf("bench flow_tick_%s: %.2f ms CPU (%s, 9 M records/s)\n",
		       name, ms, what);
		printf("bench flow_state_rss_%s: %.1f MB\n", name, rss / 1024.0);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 3.0;
	if (argc <= 2 || strcmp(argv[2], "count") != 0) { /* "count": adds only */
		tick_child(508, "130k_hosts", "130,048 protected, all active");
		tick_child(3906, "1m_hosts", "999,936 protected, 130,048 active");
	}

	size_t n130 = 508; /* 130,048 hosts */
	struct flow_hosts *h = make_hosts(n130);
	struct flow_rec *recs = make_recs(n130, 130048);
	uint64_t late;
	double cpu1, cpu2;
	double r1 = run_threads(h, recs, 1, secs, &late, &cpu1);
	printf("bench flow_count_1thread: %.2f M records/s wall, %.2f M per CPU-second (%.1f ns/record)\n",
	       r1 / 1e6, cpu1 / 1e6, 1e9 / cpu1);
	double r2 = run_threads(h, recs, 2, secs, &late, &cpu2);
	printf("bench flow_count_2threads: %.2f M records/s wall, %.2f M per writer CPU-second (late folds %llu)\n",
	       r2 / 1e6, cpu2 / 1e6, (unsigned long long)late);
	flow_hosts_free(h);
	/* The same records with the constituency one /8: more addresses than
	** the budget, so each goes through the seen-address table (a claim on
	** the first record, a probe on every other). */
	struct flow_prefix p8 = {.family = 4, .len = 8, .addr = {100}};
	struct perr err;
	h = flow_hosts_build(&p8, 1, 0, &err);
	if (!h) {
		fprintf(stderr, "hosts: %s\n", err.msg);
		return 1;
	}
	double r8 = run_threads(h, recs, 1, secs, &late, &cpu1);
	printf("bench flow_count_hashed_1thread: %.2f M records/s wall, %.2f M per CPU-second (%.1f ns/record; one /8, 130,048 addresses seen)\n",
	       r8 / 1e6, cpu1 / 1e6, 1e9 / cpu1);
	free(recs);
	flow_hosts_free(h);
	return 0;
}
