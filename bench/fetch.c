/*
** bench/fetch.c — throughput of the website-watch fetcher (src/fetch/):
** COUNT checks of one URL pattern with at most PARALLEL in flight, in one
** fetch_run() on this thread, as the watch loop runs them. bench/fetch.sh
** starts the nginx it runs against and runs `curl --parallel` beside it.
**
** usage: bench_fetch URL COUNT PARALLEL [PIN_IP]
**   URL may contain one "%d", replaced by the job's number (0..COUNT-1), to
**   give every job its own host name; PIN_IP pins every job's host to that
**   address (as the watch loop pins to what its DNS step saw).
**   BENCH_FETCH_CA, when set, is the CA file certificates are verified with.
** Prints "bench NAME: VALUE UNIT" lines: wall time, pages/s, bytes, new
** connections made, and how many checks did not end "ok" with status 200.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fetch/fetch.h"

struct tally {
	size_t ok, bad, bytes, connects;
	char first_bad[300];
};

static void done(struct fetch_job *job, struct fetch_result *res, void *ud)
{
	struct tally *t = ud;
	if (res->timing.connect_us > 0)
		t->connects++; /* a reused connection has no connect phase */
	if (res->err == FETCH_OK && res->status == 200) {
		t->ok++;
		t->bytes += res->body.len;
		return;
	}
	if (!t->bad++)
		snprintf(t->first_bad, sizeof(t->first_bad), "%s: %s %ld %s", job->url,
			 fetch_err_name(res->err), res->status, res->errmsg);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: bench_fetch URL COUNT PARALLEL [PIN_IP]\n");
		return 2;
	}
	int64_t count, par;
	if (parse_i64(argv[2], 1, 10000000, &count) != 0 ||
	    parse_i64(argv[3], 1, FETCH_PARALLEL_MAX, &par) != 0) {
		fprintf(stderr, "bench_fetch: bad COUNT or PARALLEL\n");
		return 2;
	}
	/* The heap as `parapet serve` and `watch run` keep it: with glibc's
	** defaults every freed body is trimmed back to the kernel and the next
	** one faults its pages in again. */
	core_malloc_tune();
	const char *pin = argc > 4 ? argv[4] : NULL;
	const char *pct = strstr(argv[1], "%d");
	struct fetch_job *jobs = calloc((size_t)count, sizeof(*jobs));
	char **urls = calloc((size_t)count, sizeof(*urls));
	if (!jobs || !urls)
		return 1;
	for (int64_t i = 0; i < count; i++) {
		struct pbuf b;
		pbuf_init(&b, 0);
		if (pct) {
			pbuf_add(&b, argv[1], (size_t)(pct - argv[1]));
			pbuf_addf(&b, "%lld", (long long)i);
			pbuf_adds(&b, pct + 2);
		} else
			pbuf_adds(&b, argv[1]);
		urls[i] = pbuf_take(&b);
		jobs[i].url = urls[i];
		jobs[i].pin_ip = pin;
	}
	struct fetch_opts o;
	fetch_opts_default(&o);
	o.max_parallel = (int)par;
	o.ca_file = getenv("BENCH_FETCH_CA");
	struct tally t;
	memset(&t, 0, sizeof(t));
	struct perr e;
	double t0 = now_s();
	if (fetch_run(&o, jobs, (size_t)count, done, &t, &e) != 0) {
		fprintf(stderr, "bench_fetch: %s\n", e.msg);
		return 1;
	}
	double wall = now_s() - t0;
	printf("bench fetch_wall: %.3f s\n", wall);
	printf("bench fetch_rate: %.0f pages/s\n", (double)count / wall);
	printf("bench fetch_bytes: %zu B\n", t.bytes);
	printf("bench fetch_connections: %zu\n", t.connects);
	printf("bench fetch_not_ok: %zu\n", t.bad);
	if (t.bad)
		fprintf(stderr, "bench_fetch: first failure: %s\n", t.first_bad);
	for (int64_t i = 0; i < count; i++)
		free(urls[i]);
	free(urls);
	free(jobs);
	return t.bad ? 1 : 0;
}
