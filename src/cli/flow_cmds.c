/*
** flow_cmds.c — `parapet flow run`: the flow collector and detector
** (src/flow/collector.c) in the foreground, without `parapet serve` and
** without a database. It is how an operator tries Parapet beside (or in
** place of) FastNetMon on one exporter's stream, and what the tests and
** the benchmark drive: the protected networks come from a FastNetMon
** networks_list file, the threshold from the command line (no [flow]
** configuration keys yet).
**
** Output, one line per event so that a script can follow it: first
** "listening KIND ADDR PORT" per protocol, then "attack start|end ..." as
** the detector reports (a JSON object per line with --json), and on exit
** (SIGINT, SIGTERM or --duration) the collector's counters, each
** exporter's counters and the top hosts since start (one JSON document
** with --json).
*/
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "flow/flow.h"

struct run_ctx {
	bool json;
	pthread_mutex_t out; /* one event line at a time */
};

static void addr_text(uint8_t family, const uint8_t *addr, char *buf, size_t n)
{
	if (family == 4 || (family == 0 && memcmp(addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0))
		inet_ntop(AF_INET, family == 4 ? addr : addr + 12, buf, (socklen_t)n);
	else
		inet_ntop(AF_INET6, addr, buf, (socklen_t)n);
}

static const char *ev_name(enum flow_event_kind k)
{
	return k == FLOW_EV_START ? "start" : k == FLOW_EV_END ? "end" : "update";
}

/* From the collector's ticker thread. Updates are left out: one line per
** start and end is what an operator follows (the totals come at exit). */
static void on_event(void *ctx, enum flow_event_kind kind, const struct flow_attack *a)
{
	struct run_ctx *r = ctx;
	if (kind == FLOW_EV_UPDATE)
		return;
	char host[64];
	addr_text(a->family, a->addr, host, sizeof host);
	const char *metric = flow_ctr_name(a->metric);
	pthread_mutex_lock(&r->out);
	if (r->json) {
		json_t *j = json_pack("{ss ss ss ss ss sI sI sI sI sI sI}", "event", ev_name(kind),
				      "host", host, "direction", flow_dir_name(a->dir), "type",
				      flow_attack_type_name(a->type), "metric", metric, "value",
				      (json_int_t)a->value, "threshold", (json_int_t)a->threshold,
				      "peak_pps", (json_int_t)a->peak_pps, "peak_bps",
				      (json_int_t)a->peak_bps, "amp_port", (json_int_t)a->amp_port,
				      "duration_ms",
				      (json_int_t)(kind == FLOW_EV_END ? a->end_ms - a->start_ms : 0));
		char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(j);
	} else {
		printf("attack %s %s %s %s %s=%llu threshold=%llu peak_pps=%llu peak_bps=%llu\n",
		       ev_name(kind), host, flow_dir_name(a->dir), flow_attack_type_name(a->type),
		       metric, (unsigned long long)a->value, (unsigned long long)a->threshold,
		       (unsigned long long)a->peak_pps, (unsigned long long)a->peak_bps);
	}
	fflush(stdout);
	pthread_mutex_unlock(&r->out);
}

/* The networks of a FastNetMon networks_list file as prefixes (malloc'd). */
static int read_networks(const char *path, struct flow_prefix **out, size_t *n, struct perr *err)
{
	struct pbuf b;
	struct flow_fnm_doc doc = {0}, conf = {.kind = FLOW_FNM_CONF};
	struct flow_fnm_conf fc;
	memset(&fc, 0, sizeof fc);
	int rc = -1;
	*out = NULL;
	*n = 0;
	if (core_file_read(path, FLOW_FNM_NETS_BYTES, &b, err) != 0)
		return -1;
	if (flow_fnm_doc_parse(&doc, FLOW_FNM_NETWORKS, b.ptr, b.len, err) != 0 ||
	    flow_fnm_map(&conf, &doc, &fc, err) != 0)
		goto out;
	if (fc.n_nets == 0) {
		perr_set(err, PERR_INVALID, "networks", "%s holds no network", path);
		goto out;
	}
	*out = calloc(fc.n_nets, sizeof **out);
	if (!*out) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < fc.n_nets; i++) {
		(*out)[i].family = fc.nets[i].family;
		(*out)[i].len = fc.nets[i].prefix;
		memcpy((*out)[i].addr, fc.nets[i].addr, 16);
	}
	*n = fc.n_nets;
	rc = 0;
out:
	flow_fnm_conf_free(&fc);
	flow_fnm_doc_free(&doc);
	pbuf_free(&b);
	return rc;
}

static json_t *exporter_json(const struct flow_exporter_stats *e)
{
	char a[64];
	addr_text(0, e->addr, a, sizeof a);
	json_t *mal = json_object();
	for (int r = 1; r < FLOW_REJ_COUNT_MAX; r++)
		if (e->malformed[r])
			json_object_set_new(mal, flow_reject_name((enum flow_reject)r),
					    json_integer((json_int_t)e->malformed[r]));
	return json_pack("{ss ss sI sI sI sI sI so}", "exporter", a, "protocol",
			 flow_kind_name(e->kind), "datagrams", (json_int_t)e->datagrams, "flows",
			 (json_int_t)e->flows, "template_misses", (json_int_t)e->template_misses,
			 "sequence_failures", (json_int_t)e->sequence_failures, "sampling",
			 (json_int_t)e->sampling, "malformed", mal);
}

static void print_summary(struct flow_collector *fc, bool json, size_t top)
{
	struct flow_collector_stats st;
	flow_collector_stats(fc, &st);
	enum { EXP_MAX = 256 };
	struct flow_exporter_stats *ex = calloc(EXP_MAX, sizeof *ex);
	struct flow_host_total *ht = calloc(top ? top : 1, sizeof *ht);
	size_t nex = ex ? flow_collector_exporters(fc, ex, EXP_MAX) : 0;
	size_t nht = ht ? flow_collector_totals(fc, ht, top) : 0;
	if (json) {
		json_t *exs = json_array(), *hs = json_array();
		for (size_t i = 0; i < nex; i++)
			json_array_append_new(exs, exporter_json(&ex[i]));
		for (size_t i = 0; i < nht; i++) {
			char a[64];
			addr_text(ht[i].family, ht[i].addr, a, sizeof a);
			json_array_append_new(
				hs, json_pack("{ss ss sI sI sI}", "host", a, "direction",
					      flow_dir_name(ht[i].dir), "packets",
					      (json_int_t)ht[i].packets, "bytes",
					      (json_int_t)ht[i].bytes, "flows", (json_int_t)ht[i].flows));
		}
		json_t *j = json_pack(
			"{s{sI sI sI sI sI sI sI sI sI sI sI sI} so so}", "collector", "datagrams",
			(json_int_t)st.datagrams, "flows", (json_int_t)st.records, "kernel_drops",
			(json_int_t)st.kernel_drops, "exporters_refused",
			(json_int_t)st.exporters_refused, "truncated", (json_int_t)st.truncated,
			"templates", (json_int_t)st.templates, "templates_refused",
			(json_int_t)st.templates_refused, "pending_dropped",
			(json_int_t)st.pending_dropped, "ticks", (json_int_t)st.ticks,
			"count_dropped", (json_int_t)st.count_dropped, "hosts_overflow",
			(json_int_t)st.hosts_overflow, "rcvbuf",
			(json_int_t)(st.rcvbuf_granted / 2), "exporters", exs, "top", hs);
		cli_print_json(j);
	} else {
		printf("collector datagrams=%llu flows=%llu kernel_drops=%llu exporters_refused=%llu "
		       "truncated=%llu templates=%llu templates_refused=%llu pending_dropped=%llu "
		       "count_dropped=%llu hosts_overflow=%llu rcvbuf=%d\n",
		       (unsigned long long)st.datagrams, (unsigned long long)st.records,
		       (unsigned long long)st.kernel_drops, (unsigned long long)st.exporters_refused,
		       (unsigned long long)st.truncated, (unsigned long long)st.templates,
		       (unsigned long long)st.templates_refused,
		       (unsigned long long)st.pending_dropped, (unsigned long long)st.count_dropped,
		       (unsigned long long)st.hosts_overflow, st.rcvbuf_granted / 2);
		for (size_t i = 0; i < nex; i++) {
			char a[64];
			addr_text(0, ex[i].addr, a, sizeof a);
			printf("exporter %s %s datagrams=%llu flows=%llu template_misses=%llu "
			       "sequence_failures=%llu sampling=%u",
			       a, flow_kind_name(ex[i].kind), (unsigned long long)ex[i].datagrams,
			       (unsigned long long)ex[i].flows,
			       (unsigned long long)ex[i].template_misses,
			       (unsigned long long)ex[i].sequence_failures, ex[i].sampling);
			for (int r = 1; r < FLOW_REJ_COUNT_MAX; r++)
				if (ex[i].malformed[r])
					printf(" malformed_%s=%llu", flow_reject_name((enum flow_reject)r),
					       (unsigned long long)ex[i].malformed[r]);
			printf("\n");
		}
		for (size_t i = 0; i < nht; i++) {
			char a[64];
			addr_text(ht[i].family, ht[i].addr, a, sizeof a);
			printf("host %s %s packets=%llu bytes=%llu flows=%llu\n", a,
			       flow_dir_name(ht[i].dir), (unsigned long long)ht[i].packets,
			       (unsigned long long)ht[i].bytes, (unsigned long long)ht[i].flows);
		}
	}
	fflush(stdout);
	free(ex);
	free(ht);
}

static int opt_u64(struct cli_call *x, const char *name, int64_t min, int64_t max, int64_t dflt,
		   int64_t *out, struct perr *err)
{
	const char *v = cli_val(x, name);
	*out = dflt;
	if (v && parse_i64(v, min, max, out) != 0)
		return perr_set(err, PERR_INVALID, name + 2, "%s must be a number in %lld..%lld",
				name, (long long)min, (long long)max);
	return 0;
}

int cmd_flow_run(struct cli_call *x, struct perr *err)
{
	int64_t threads, rcvbuf, pps, duration, quiet, top;
	if (opt_u64(x, "--threads", 1, FLOW_COLL_THREADS_MAX, 1, &threads, err) != 0 ||
	    opt_u64(x, "--rcvbuf", 0, 1 << 30, 0, &rcvbuf, err) != 0 ||
	    opt_u64(x, "--threshold-pps", 0, INT64_MAX, 0, &pps, err) != 0 ||
	    opt_u64(x, "--duration", 0, 31536000, 0, &duration, err) != 0 ||
	    opt_u64(x, "--quiet", 0, 86400, 10, &quiet, err) != 0 ||
	    opt_u64(x, "--top", 0, 100000, 20, &top, err) != 0)
		return -1;
	const char *nf = cli_val(x, "--netflow"), *sf = cli_val(x, "--sflow");
	if (!nf && !sf) {
		nf = "0.0.0.0:2055";
		sf = "0.0.0.0:6343";
	}
	struct flow_prefix *nets = NULL;
	size_t nnets = 0;
	if (read_networks(cli_val(x, "--networks"), &nets, &nnets, err) != 0)
		return -1;
	struct flow_hosts *hosts = flow_hosts_build(nets, nnets, 0, err);
	free(nets);
	if (!hosts)
		return -1;
	/* A networks_list of a million lines leaves ~100 MB of freed small
	** blocks (its lines, the parsed networks) in the heap, which glibc
	** keeps resident unless asked to give them back. */
	malloc_trim(0);
	struct run_ctx rc = {.json = x->c->json};
	pthread_mutex_init(&rc.out, NULL);
	/* --threshold-pps for both directions, as FastNetMon's threshold_pps */
	struct flow_detect_cfg dc;
	memset(&dc, 0, sizeof dc);
	dc.in.v[FLOW_C_PKTS] = (uint64_t)pps;
	dc.out.v[FLOW_C_PKTS] = (uint64_t)pps;
	dc.quiet_ms = (uint64_t)quiet * 1000;
	struct flow_collector_cfg cc = {
		.listen = {nf, sf},
		.threads = (uint32_t)threads,
		.rcvbuf = (int)rcvbuf,
		.hosts = hosts,
		.detect = &dc,
		.on_event = on_event,
		.ctx = &rc,
		/* the totals serve only the top hosts printed at exit: with
		** --top 0 they are not kept (24 bytes a host and direction) */
		.totals = top > 0,
	};
	/* SIGINT and SIGTERM are blocked before the threads start (they
	** inherit the mask), so only the sigtimedwait below takes them. */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	struct flow_collector *fc = NULL;
	int ret = 0;
	if (flow_collector_start(&cc, &fc, err) != 0) {
		ret = -1;
		goto out;
	}
	for (int k = 0; k < FLOW_KIND_N; k++) {
		const char *spec = k == FLOW_KIND_NETFLOW ? nf : sf;
		if (!spec || !spec[0])
			continue;
		pthread_mutex_lock(&rc.out);
		if (rc.json)
			printf("{\"event\":\"listening\",\"protocol\":\"%s\",\"port\":%d}\n",
			       flow_kind_name((enum flow_proto_kind)k),
			       flow_collector_port(fc, (enum flow_proto_kind)k));
		else
			printf("listening %s %s port %d\n", flow_kind_name((enum flow_proto_kind)k),
			       spec, flow_collector_port(fc, (enum flow_proto_kind)k));
		fflush(stdout);
		pthread_mutex_unlock(&rc.out);
	}
	for (;;) {
		struct timespec ts = {.tv_sec = duration};
		int sig = duration ? sigtimedwait(&set, NULL, &ts) : sigwaitinfo(&set, NULL);
		if (sig >= 0 || errno != EINTR)
			break; /* a signal, or --duration over (EAGAIN) */
	}
	flow_collector_stop(fc);
	print_summary(fc, rc.json, (size_t)top);
out:
	flow_collector_free(fc);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	flow_hosts_free(hosts);
	pthread_mutex_destroy(&rc.out);
	return ret;
}

/* ------------------------------------------- flow top, attacks, history
** What the flow job inside `parapet serve` wrote to the store (the live
** view, the attacks, a host's last hour), read through src/flow/live.c as
** the API reads it. The local operator reads unscoped, as `incident list`
** does (the principal NULL). A table for people by default, rates with
** units; the API's JSON with --json. */

/* rate (per second) with the unit scaled to stay readable: "950 pps",
** "12.5 kpps", "1.2 Mpps"; unit "bit/s" gives "kbit/s", "Mbit/s" ... */
static void rate_text(int64_t v, const char *unit, char *out, size_t n)
{
	static const char prefix[] = { 'k', 'M', 'G', 'T' };
	double d = (double)v;
	int k = -1;
	while (d >= 1000.0 && k < 3) {
		d /= 1000.0;
		k++;
	}
	if (k < 0)
		snprintf(out, n, "%lld %s", (long long)v, unit);
	else
		snprintf(out, n, "%.1f %c%s", d, prefix[k], unit);
}

static int64_t jint(const json_t *o, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(o, key));
}

static const char *jstr(const json_t *o, const char *key, const char *none)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : none;
}

/* A live view row's or a point's four rates as the tables print them. */
struct rates_text {
	char pps[32], bps[32], flows[32], syn[32];
};

static void rates_of(const json_t *r, struct rates_text *t)
{
	rate_text(jint(r, "pps"), "pps", t->pps, sizeof(t->pps));
	rate_text(jint(r, "bps"), "bit/s", t->bps, sizeof(t->bps));
	rate_text(jint(r, "flows"), "flow/s", t->flows, sizeof(t->flows));
	rate_text(jint(r, "syn_pps"), "pps", t->syn, sizeof(t->syn));
}

/* cli_val for an option the command may not have (the three commands
** share live_query but not every option): NULL when it has not. */
static const char *opt(struct cli_call *x, const char *name)
{
	for (const struct cli_opt *o = x->cmd->opts; o && o->name; o++)
		if (strcmp(o->name, name) == 0)
			return cli_val(x, name);
	return NULL;
}

/* The query options the three commands share. 0, or -1 with err naming
** the option (the domain checks what the words mean). */
static int live_query(struct cli_call *x, struct flow_live_query *q, struct perr *err)
{
	memset(q, 0, sizeof(*q));
	q->by = opt(x, "--by");
	q->host = opt(x, "--host");
	q->direction = opt(x, "--direction");
	q->open_only = opt(x, "--open") != NULL;
	const char *lim = opt(x, "--limit"), *since = opt(x, "--since");
	if (lim && parse_i64(lim, 1, 1000, &q->limit) != 0)
		return perr_set(err, PERR_INVALID, "limit", "limit must be from 1 to 1000");
	if (since && (core_parse_iso8601(since, &q->since_ms) != 0 || q->since_ms <= 0))
		return perr_set(err, PERR_INVALID, "since",
				"since must be an ISO 8601 time (2027-01-31T00:00:00Z)");
	return 0;
}

typedef int (*live_read_fn)(struct store *st, const struct principal *p,
			    const struct flow_live_query *q, json_t **out, struct perr *err);

/* Run read: -1 with err; 1 when nothing is left to print (--json printed
** its array, or there were no rows: empty printed); else 0 and *out, the
** rows for the table (the caller's). */
static int live_run(struct cli_call *x, live_read_fn read, const char *empty, json_t **out,
		    struct perr *err)
{
	struct flow_live_query q;
	if (live_query(x, &q, err) != 0 || read(x->st, NULL, &q, out, err) != 0)
		return -1;
	if (x->c->json || json_array_size(*out) == 0) {
		if (x->c->json) {
			cli_print_json(*out); /* releases it */
		} else {
			printf("%s\n", empty);
			json_decref(*out);
		}
		*out = NULL;
		return 1;
	}
	return 0;
}

int cmd_flow_top(struct cli_call *x, struct perr *err)
{
	json_t *out;
	int rc = live_run(x, flow_live_top,
			  "no hosts in the live view (is [flow] enabled in serve, and are "
			  "exporters sending?)",
			  &out, err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	printf("%-39s %-9s %12s %14s %12s %12s %s\n", "HOST", "DIRECTION", "PACKETS", "BITS",
	       "FLOWS", "SYN", "ORG");
	json_t *r;
	size_t i;
	json_array_foreach(out, i, r) {
		struct rates_text t;
		char org[24] = "-";
		rates_of(r, &t);
		if (jint(r, "org_id"))
			snprintf(org, sizeof(org), "%lld", (long long)jint(r, "org_id"));
		printf("%-39s %-9s %12s %14s %12s %12s %s\n", jstr(r, "host", ""),
		       jstr(r, "direction", ""), t.pps, t.bps, t.flows, t.syn, org);
	}
	json_decref(out);
	return 0;
}

int cmd_flow_attacks(struct cli_call *x, struct perr *err)
{
	json_t *out;
	int rc = live_run(x, flow_live_attacks, "no attacks", &out, err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	printf("%-6s %-39s %-9s %-14s %-24s %-24s %12s %14s %-8s %s\n", "ID", "HOST",
	       "DIRECTION", "TYPE", "START", "END", "PEAK", "PEAK BITS", "INCIDENT",
	       "MITIGATION");
	json_t *a;
	size_t i;
	json_array_foreach(out, i, a) {
		char pps[32], bps[32], inc[24] = "-", type[48];
		rate_text(jint(a, "peak_pps"), "pps", pps, sizeof(pps));
		rate_text(jint(a, "peak_bps"), "bit/s", bps, sizeof(bps));
		if (jint(a, "incident_id"))
			snprintf(inc, sizeof(inc), "%lld", (long long)jint(a, "incident_id"));
		if (jint(a, "amplification_port"))
			snprintf(type, sizeof(type), "%s/%lld", jstr(a, "type", ""),
				 (long long)jint(a, "amplification_port"));
		else
			snprintf(type, sizeof(type), "%s", jstr(a, "type", ""));
		bool ann = json_is_true(json_object_get(a, "announced")),
		     ban = json_is_true(json_object_get(a, "banned"));
		printf("%-6lld %-39s %-9s %-14s %-24s %-24s %12s %14s %-8s %s\n",
		       (long long)jint(a, "id"), jstr(a, "host", ""), jstr(a, "direction", ""), type,
		       jstr(a, "start", ""), jstr(a, "end", "open"), pps, bps, inc,
		       ann && ban ? "announced,banned" : ann ? "announced" : ban ? "banned" : "-");
	}
	json_decref(out);
	return 0;
}

int cmd_flow_history(struct cli_call *x, struct perr *err)
{
	json_t *out;
	int rc = live_run(x, flow_live_history, "no points for this host in the last hour",
			  &out, err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	printf("%-24s %-9s %12s %14s %12s %12s\n", "AT", "DIRECTION", "PACKETS", "BITS", "FLOWS",
	       "SYN");
	json_t *r;
	size_t i;
	json_array_foreach(out, i, r) {
		struct rates_text t;
		rates_of(r, &t);
		printf("%-24s %-9s %12s %14s %12s %12s\n", jstr(r, "at", ""),
		       jstr(r, "direction", ""), t.pps, t.bps, t.flows, t.syn);
	}
	json_decref(out);
	return 0;
}
