/*
** metrics.c — the flow collector's Prometheus series for /metrics: what an
** operator graphs and alerts on to know the collector itself is healthy
** (an exporter that went silent, a router sending malformed or unsampled
** exports, a template flood, the kernel dropping datagrams because the
** collector falls behind) and, beside it, the busiest hosts now.
**
** The running job registers its collector at start and unregisters it
** before freeing it; a scrape renders under the registry's lock, so the
** collector cannot go away in the middle of one (a stop waits for the
** scrape, which takes the collector's own locks only briefly). Every read
** below is a snapshot the collector offers for this: the exporter rows,
** the totals and the top hosts, each safe while the threads run.
**
** Series (text format 0.0.4, all prefixed parapet_flow_):
**   exporter_datagrams_total, exporter_flows_total,
**   exporter_malformed_total{reason}, exporter_template_misses_total,
**   exporter_sequence_failures_total (the exporter's drops on the way),
**   exporter_sampling_rate               per exporter {kind, address}
**   datagrams_total, flows_total, kernel_drops_total, ... templates
**                                        the collector's totals
**   socket_drops_total{kind, thread}     the kernel's drops per socket
**   top_host_packets_per_second, top_host_bits_per_second
**                                        {host, direction}, the 10 busiest
** No HTTP here: src/http/routes.c's h_metrics calls flow_metrics.
*/
#include <arpa/inet.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>

#include "flow/flow.h"

#define TOP_N 10          /* hosts per top series: a graph, not the live page */
#define EXPORTERS_MAX 256 /* exporter rows printed, busiest first: 13 series each;
			  ** beyond, parapet_flow_exporters still counts them */

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct flow_collector *reg; /* the running job's, NULL when none */

void flow_metrics_register(struct flow_collector *c)
{
	pthread_mutex_lock(&reg_lock);
	reg = c;
	pthread_mutex_unlock(&reg_lock);
}

void flow_metrics_unregister(struct flow_collector *c)
{
	pthread_mutex_lock(&reg_lock);
	if (reg == c)
		reg = NULL;
	pthread_mutex_unlock(&reg_lock);
}

/* A label value as the text format wants it: backslash, double quote and
** newline escaped. Our values are addresses and fixed words today; the
** escape keeps a scrape parseable whatever a later label carries. */
static void label(struct pbuf *out, const char *v)
{
	for (const char *p = v; *p; p++) {
		if (*p == '\\')
			pbuf_adds(out, "\\\\");
		else if (*p == '"')
			pbuf_adds(out, "\\\"");
		else if (*p == '\n')
			pbuf_adds(out, "\\n");
		else
			pbuf_add(out, p, 1);
	}
}

/* An address as people write it: an IPv4-mapped exporter key as a.b.c.d. */
static void addr_text(uint8_t family, const uint8_t *a, char *buf, size_t n)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	const char *r;
	if (family == 4)
		r = inet_ntop(AF_INET, a, buf, (socklen_t)n);
	else if (family == 0 && memcmp(a, mapped, 12) == 0)
		r = inet_ntop(AF_INET, a + 12, buf, (socklen_t)n);
	else
		r = inet_ntop(AF_INET6, a, buf, (socklen_t)n);
	if (!r)
		pstrtrunc(buf, "?", n);
}

static void head(struct pbuf *out, const char *name, const char *type, const char *help)
{
	pbuf_addf(out, "# HELP parapet_flow_%s %s\n# TYPE parapet_flow_%s %s\n", name, help, name,
		  type);
}

/* One exporter's series start: name{kind="...",address="..." */
static void exp_series(struct pbuf *out, const char *name, const struct flow_exporter_stats *e,
		       const char *addr)
{
	pbuf_addf(out, "parapet_flow_%s{kind=\"", name);
	label(out, flow_kind_name(e->kind));
	pbuf_adds(out, "\",address=\"");
	label(out, addr);
	pbuf_adds(out, "\"");
}

static void exporters(struct pbuf *out, const struct flow_exporter_stats *ex, size_t n)
{
	static char addr[EXPORTERS_MAX][INET6_ADDRSTRLEN];
	for (size_t i = 0; i < n; i++)
		addr_text(0, ex[i].addr, addr[i], sizeof addr[i]);
	head(out, "exporter_datagrams_total", "counter",
	     "Datagrams received per exporter (UDP source address and protocol).");
	for (size_t i = 0; i < n; i++) {
		exp_series(out, "exporter_datagrams_total", &ex[i], addr[i]);
		pbuf_addf(out, "} %llu\n", (unsigned long long)ex[i].datagrams);
	}
	head(out, "exporter_flows_total", "counter",
	     "Flow records (sFlow: sampled packets) decoded per exporter.");
	for (size_t i = 0; i < n; i++) {
		exp_series(out, "exporter_flows_total", &ex[i], addr[i]);
		pbuf_addf(out, "} %llu\n", (unsigned long long)ex[i].flows);
	}
	/* every reason, zeros included, so that rate() sees the first one */
	head(out, "exporter_malformed_total", "counter",
	     "Datagrams (or sets and samples inside one) refused per exporter, by reason.");
	for (size_t i = 0; i < n; i++)
		for (int r = FLOW_REJ_NONE + 1; r < FLOW_REJ_COUNT_MAX; r++) {
			exp_series(out, "exporter_malformed_total", &ex[i], addr[i]);
			pbuf_adds(out, ",reason=\"");
			label(out, flow_reject_name((enum flow_reject)r));
			pbuf_addf(out, "\"} %llu\n", (unsigned long long)ex[i].malformed[r]);
		}
	head(out, "exporter_template_misses_total", "counter",
	     "Datagrams per exporter that carried NetFlow v9/IPFIX data before its template.");
	for (size_t i = 0; i < n; i++) {
		exp_series(out, "exporter_template_misses_total", &ex[i], addr[i]);
		pbuf_addf(out, "} %llu\n", (unsigned long long)ex[i].template_misses);
	}
	head(out, "exporter_sequence_failures_total", "counter",
	     "Datagrams per exporter whose sequence number was not the one expected: loss "
	     "between the exporter and the collector, or its restart (NetFlow v5, v9, sFlow).");
	for (size_t i = 0; i < n; i++) {
		exp_series(out, "exporter_sequence_failures_total", &ex[i], addr[i]);
		pbuf_addf(out, "} %llu\n", (unsigned long long)ex[i].sequence_failures);
	}
	head(out, "exporter_sampling_rate", "gauge",
	     "The last sampling rate (1 in N) an exporter announced; 0 when none.");
	for (size_t i = 0; i < n; i++) {
		exp_series(out, "exporter_sampling_rate", &ex[i], addr[i]);
		pbuf_addf(out, "} %u\n", ex[i].sampling);
	}
}

static void totals(struct pbuf *out, const struct flow_collector_stats *st, size_t nexp)
{
	static const struct {
		const char *name, *type, *help;
		size_t off;
	} t[] = {
		{"datagrams_total", "counter", "Datagrams read from the collector's sockets.",
		 offsetof(struct flow_collector_stats, datagrams)},
		{"flows_total", "counter", "Flow records decoded and counted.",
		 offsetof(struct flow_collector_stats, records)},
		{"kernel_drops_total", "counter",
		 "Datagrams the kernel dropped on the collector's sockets (receive buffer full).",
		 offsetof(struct flow_collector_stats, kernel_drops)},
		{"exporters_refused_total", "counter",
		 "Datagrams of exporters beyond the exporter table's bound (decoded, no row).",
		 offsetof(struct flow_collector_stats, exporters_refused)},
		{"truncated_total", "counter", "Datagrams over 9216 bytes, dropped.",
		 offsetof(struct flow_collector_stats, truncated)},
		{"templates", "gauge", "NetFlow v9/IPFIX templates cached now.",
		 offsetof(struct flow_collector_stats, templates)},
		{"templates_refused_total", "counter",
		 "Templates refused over a cache bound (a template flood).",
		 offsetof(struct flow_collector_stats, templates_refused)},
		{"pending_dropped_total", "counter",
		 "Data sets held for a template that never came, dropped.",
		 offsetof(struct flow_collector_stats, pending_dropped)},
		{"ticks_total", "counter", "Counting ticks (100 ms) run.",
		 offsetof(struct flow_collector_stats, ticks)},
		{"late_ticks_total", "counter", "Shards folded a tick late (a busy thread).",
		 offsetof(struct flow_collector_stats, late_ticks)},
		{"count_dropped_total", "counter", "Records with no free counter entry.",
		 offsetof(struct flow_collector_stats, count_dropped)},
		{"hosts_overflow_total", "counter",
		 "Lookups of addresses of large protected prefixes refused: their table of seen addresses was full.",
		 offsetof(struct flow_collector_stats, hosts_overflow)},
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		uint64_t v;
		memcpy(&v, (const char *)st + t[i].off, sizeof v);
		head(out, t[i].name, t[i].type, t[i].help);
		pbuf_addf(out, "parapet_flow_%s %llu\n", t[i].name, (unsigned long long)v);
	}
	_Static_assert(FLOW_COLL_EXPORTERS == 1024, "the help text below says 1024");
	head(out, "exporters", "gauge", "Exporters known (rows of the exporter tables, at most 1024).");
	pbuf_addf(out, "parapet_flow_exporters %zu\n", nexp);
}

static void sockets(struct pbuf *out, struct flow_collector *c)
{
	struct flow_socket_stats so[FLOW_COLL_THREADS_MAX * FLOW_KIND_N];
	size_t n = flow_collector_sockets(c, so, sizeof so / sizeof *so);
	head(out, "socket_drops_total", "counter",
	     "Datagrams the kernel dropped per collector socket (one per thread and protocol).");
	for (size_t i = 0; i < n; i++) {
		pbuf_adds(out, "parapet_flow_socket_drops_total{kind=\"");
		label(out, flow_kind_name(so[i].kind));
		pbuf_addf(out, "\",thread=\"%u\"} %llu\n", so[i].thread,
			  (unsigned long long)so[i].drops);
	}
}

static void top(struct pbuf *out, struct flow_collector *c, enum flow_by by, const char *name,
		const char *help)
{
	struct flow_live_host h[TOP_N];
	size_t n = flow_collector_top(c, by, h, TOP_N);
	head(out, name, "gauge", help);
	for (size_t i = 0; i < n; i++) {
		char a[INET6_ADDRSTRLEN];
		addr_text(h[i].family, h[i].addr, a, sizeof a);
		pbuf_addf(out, "parapet_flow_%s{host=\"", name);
		label(out, a);
		pbuf_adds(out, "\",direction=\"");
		label(out, flow_dir_name(h[i].dir));
		pbuf_addf(out, "\"} %llu\n",
			  (unsigned long long)(by == FLOW_BY_BPS ? h[i].bps : h[i].pps));
	}
}

void flow_metrics(struct pbuf *out)
{
	/* the rows are copied out before rendering: no collector lock is
	** held while the text grows */
	static struct flow_exporter_stats ex[FLOW_COLL_EXPORTERS];
	pthread_mutex_lock(&reg_lock);
	struct flow_collector *c = reg;
	if (c) {
		size_t nexp = flow_collector_exporters(c, ex, FLOW_COLL_EXPORTERS);
		struct flow_collector_stats st;
		flow_collector_stats(c, &st);
		totals(out, &st, nexp);
		sockets(out, c);
		exporters(out, ex, nexp < EXPORTERS_MAX ? nexp : EXPORTERS_MAX);
		top(out, c, FLOW_BY_PPS, "top_host_packets_per_second",
		    "The 10 busiest protected hosts by packets/s over the last second (sampling "
		    "applied).");
		top(out, c, FLOW_BY_BPS, "top_host_bits_per_second",
		    "The 10 busiest protected hosts by bits/s over the last second (sampling "
		    "applied).");
	}
	pthread_mutex_unlock(&reg_lock);
}
