/*
** metrics.c — Prometheus counters and a latency histogram per route.
**
** Routes are a fixed table, so metrics are kept in a fixed array indexed by
** route name and status class, updated under one mutex (a request costs far
** more than the lock). Rendering follows the Prometheus text format 0.0.4.
*/
#include <pthread.h>
#include <string.h>

#include "http/http.h"

#define MAX_SERIES 256
static const double buckets[] = { 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5 };
#define NB (ARRAY_SIZE(buckets))

struct series {
	char route[96];
	int status;
	uint64_t count;
};
struct hist {
	char route[96];
	uint64_t b[NB];
	uint64_t count;
	double sum;
};

static struct series series[MAX_SERIES];
static struct hist hists[MAX_SERIES];
static size_t nseries, nhists;
static pthread_mutex_t mlock = PTHREAD_MUTEX_INITIALIZER;

void metrics_observe(const char *route, int status, double seconds)
{
	pthread_mutex_lock(&mlock);
	size_t i;
	for (i = 0; i < nseries; i++)
		if (series[i].status == status && strcmp(series[i].route, route) == 0)
			break;
	if (i == nseries && nseries < MAX_SERIES) {
		/* route patterns are the route table's, shorter than the field */
		pstrtrunc(series[i].route, route, sizeof(series[i].route));
		series[i].status = status;
		nseries++;
	}
	if (i < nseries)
		series[i].count++;
	for (i = 0; i < nhists; i++)
		if (strcmp(hists[i].route, route) == 0)
			break;
	if (i == nhists && nhists < MAX_SERIES) {
		pstrtrunc(hists[i].route, route, sizeof(hists[i].route));
		nhists++;
	}
	if (i < nhists) {
		for (size_t k = 0; k < NB; k++)
			if (seconds <= buckets[k])
				hists[i].b[k]++;
		hists[i].count++;
		hists[i].sum += seconds;
	}
	pthread_mutex_unlock(&mlock);
}

void metrics_render(struct pbuf *b)
{
	pthread_mutex_lock(&mlock);
	pbuf_adds(b, "# HELP parapet_http_requests_total HTTP requests by route and status.\n"
		     "# TYPE parapet_http_requests_total counter\n");
	for (size_t i = 0; i < nseries; i++)
		pbuf_addf(b, "parapet_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
			  series[i].route, series[i].status,
			  (unsigned long long)series[i].count);
	pbuf_adds(b, "# HELP parapet_http_request_duration_seconds Request latency.\n"
		     "# TYPE parapet_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < nhists; i++) {
		for (size_t k = 0; k < NB; k++)
			pbuf_addf(b,
				  "parapet_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
				  hists[i].route, buckets[k], (unsigned long long)hists[i].b[k]);
		pbuf_addf(b,
			  "parapet_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
			  "parapet_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
			  "parapet_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
			  hists[i].route, (unsigned long long)hists[i].count, hists[i].route,
			  hists[i].sum, hists[i].route, (unsigned long long)hists[i].count);
	}
	pthread_mutex_unlock(&mlock);
	pbuf_addf(b, "# HELP parapet_store_errors_total Database errors.\n"
		     "# TYPE parapet_store_errors_total counter\n"
		     "parapet_store_errors_total %llu\n",
		  (unsigned long long)store_error_count());
	struct identity_login_stats ls;
	identity_login_stats(&ls);
	pbuf_addf(b, "# HELP parapet_auth_login_failures_total Failed logins (wrong password, "
		     "unknown or disabled login).\n"
		     "# TYPE parapet_auth_login_failures_total counter\n"
		     "parapet_auth_login_failures_total %llu\n"
		     "# HELP parapet_auth_lockouts_total Locks imposed by failed logins, by what "
		     "was locked.\n"
		     "# TYPE parapet_auth_lockouts_total counter\n"
		     "parapet_auth_lockouts_total{kind=\"account\"} %llu\n"
		     "parapet_auth_lockouts_total{kind=\"network\"} %llu\n",
		  (unsigned long long)ls.failures, (unsigned long long)ls.lockouts_account,
		  (unsigned long long)ls.lockouts_network);
}
