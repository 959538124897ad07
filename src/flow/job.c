/*
** job.c — the flow collector inside `parapet serve`: the glue between the
** collector (collector.c) and the incident hub. It builds the protected
** hosts from the constituency's CIDR assets, starts the collector with the
** [flow] configuration, and turns the detector's attack events into
** incidents: an attack start opens (or adds an observation to) an incident
** of kind "ddos" for the host's owner, keyed per host and direction; its
** end adds the final figures and moves the incident to recovered, as the
** website watch recovers its own. The mitigation configured (the notify
** script under FastNetMon's contract, an ExaBGP blackhole line) runs
** behind those events, and each action is recorded on the incident.
**
** Why a queue: the detector's callback runs on the collector's ticker
** under the tick's lock, every 100 ms; a store transaction or a script
** there would delay counting. The callback only copies what the incident
** needs (the evidence as JSON text) into a bounded queue; this job's own
** thread, with its own store connection, drains it.
**
** The same thread writes the live view the CLI, the API and the UI read
** (flow_live once a second, flow_history per step, a flow_attack row per
** attack), and keeps attacks across a restart: the rows still open at
** start are followed again, continued when the detector reports them
** within flow.quiet, else ended as the detector's end would (incident
** recovered, unban, withdraw) -- an attack that ended while serve was down
** would otherwise leave its incident open and its blackhole announced.
**
** No HTTP here: serve starts and stops the job, the API reads incidents.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "config/config.h"
#include "constituency/constituency.h"
#include "flow/flow.h"
#include "incident/incident.h"
#include "notify/notify.h"
#include "store/store.h"

#define ACTOR "parapet-flow"
#define QUEUE_MAX 1024     /* events waiting for the store; beyond: dropped, logged */
#define DRAIN_MS 200       /* how often the queue is drained */
#define OPEN_MAX 4096      /* attacks remembered (host, direction) -> incident */
#define NOTIFY_TIMEOUT_MS 10000
#define ASSETS_CHECK_MS 1000 /* how often the asset generation is asked */

struct ev {
	enum flow_event_kind kind;
	uint8_t family, addr[16];
	enum flow_dir dir;
	char type[32];
	enum flow_attack_type atype;  /* for a FlowSpec rule's match */
	uint16_t amp_port;
	struct flow_attack_info info; /* for the notify script */
	char *evidence;               /* JSON object text, owned; NULL: a figures-only
				      ** UPDATE (the attack's row and history) */
	struct store_flow_attack row; /* the attack as flow_attack holds it (unix ms) */
};

/* An attack the drain thread follows from its start to its end: its
** flow_attack row (row.id 0 until written; incident_id, banned and
** announced are what was actually done) and its latest figures, which
** the history takes while it lasts. restored: read back from the store at
** start (serve stopped or restarted during it) and not reported again
** yet; it ends after flow.quiet unless the detector reports it again. */
struct open_attack {
	uint8_t family, addr[16];
	enum flow_dir dir;
	struct store_flow_attack row;
	struct store_flow_rate rate;
	bool restored;
	bool dirty; /* row changed since written */
	char subnet[52]; /* the owner's CIDR asset announced (exabgp_announce_subnet), "" none */
	bool subnet_lost; /* read back after a restart: subnet unknown, looked up again */
};

#define LIVE_MS 1000  /* the live view's snapshot period */
#define STEP_MAX 8192 /* pairs per history step: FLOW_HISTORY_STEP_S snapshots
		      ** of at most FLOW_BY_N x FLOW_LIVE_TOP pairs, plus attacks */
#define STEP_SLOTS (2 * STEP_MAX) /* its index: at most half full */

struct flow_job {
	const struct config *cfg;
	struct store *st;
	struct flow_hosts *hosts;
	struct flow_collector *coll;
	struct core_ticker *ticker;
	pthread_mutex_t lock; /* the queue */
	struct ev q[QUEUE_MAX];
	size_t qhead, qn;
	uint64_t qdropped;
	struct open_attack open[OPEN_MAX]; /* the drain thread's only */
	size_t nopen;
	int64_t asset_gen;     /* of the hosts counted now */
	int64_t checked_ms;
	char baselines[1100];  /* DATA/flow-baselines.bin, "" without learned thresholds */
	int64_t saved_ms;
	/* the live view (the drain thread's only) */
	int64_t live_ms;       /* last snapshot written (unix ms) */
	bool live_empty;       /* flow_live was left empty by this job */
	int64_t started_mono;  /* job start, monotonic ms: the restored attacks' quiet */
	size_t nrestored;      /* open[] entries still restored */
	int64_t step_at;       /* the history step under way (unix ms), 0 none */
	struct store_flow_rate *step; /* STEP_MAX: each pair's peak over the step */
	uint32_t *step_idx;      /* STEP_SLOTS: 1 + index into step, 0 free */
	size_t nstep;
	struct store_flow_rate live[FLOW_BY_N * FLOW_LIVE_TOP];
	uint64_t step_dropped;
};

/* ------------------------------------------------------- protected hosts */

struct hosts_build {
	struct flow_prefix *p;
	size_t n, cap;
	bool failed;
};

static int add_cidr(void *ud, const struct store_asset *a)
{
	struct hosts_build *b = ud;
	if (strcmp(a->type, "cidr") != 0)
		return 0;
	char addr[64];
	const char *slash = strchr(a->value, '/');
	size_t alen = slash ? (size_t)(slash - a->value) : strlen(a->value);
	if (alen >= sizeof addr)
		return 0;
	memcpy(addr, a->value, alen);
	addr[alen] = '\0';
	struct flow_prefix fp = {0};
	int64_t len;
	if (inet_pton(AF_INET, addr, fp.addr) == 1)
		fp.family = 4;
	else if (inet_pton(AF_INET6, addr, fp.addr) == 1)
		fp.family = 6;
	else
		return 0; /* the store holds canonical values: not reached */
	int64_t max = fp.family == 4 ? 32 : 128;
	if (!slash)
		len = max;
	else if (parse_i64(slash + 1, 0, max, &len) != 0)
		return 0;
	fp.len = (uint8_t)len;
	if (b->n == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 256;
		struct flow_prefix *np = realloc(b->p, nc * sizeof *np);
		if (!np) {
			b->failed = true;
			return -1;
		}
		b->p = np;
		b->cap = nc;
	}
	b->p[b->n++] = fp;
	return 0;
}

/* The protected hosts: every CIDR asset of the constituency. NULL + err. */
static struct flow_hosts *hosts_from_store(struct store *st, size_t *nprefix, struct perr *err)
{
	struct hosts_build b = {0};
	struct flow_hosts *h = NULL;
	if (store_asset_list(st, 0, add_cidr, &b, err) != 0 || b.failed) {
		if (b.failed)
			perr_set(err, PERR_INTERNAL, NULL, "out of memory listing CIDR assets");
		goto out;
	}
	h = flow_hosts_build(b.p, b.n, 0, err);
	*nprefix = b.n;
out:
	free(b.p);
	return h;
}

/* ------------------------------------------------------------- evidence */

static void addr_text(uint8_t family, const uint8_t *addr, char *out, size_t n)
{
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, out, (socklen_t)n))
		pstrtrunc(out, "?", n);
}

static json_t *top_json(const struct flow_hh *h, uint8_t family, bool addr)
{
	json_t *arr = json_array();
	struct flow_hh_item it[FLOW_TOP_MAX];
	size_t n = flow_hh_top(h, it, FLOW_TOP_MAX);
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();
		if (addr) {
			char ip[46];
			addr_text(family, it[i].key, ip, sizeof ip);
			json_object_set_new(o, "ip", json_string(ip));
		} else {
			uint32_t v = (uint32_t)it[i].key[0] << 24 | (uint32_t)it[i].key[1] << 16 |
				     (uint32_t)it[i].key[2] << 8 | it[i].key[3];
			json_object_set_new(o, "value", json_integer(v));
		}
		json_object_set_new(o, "packets", json_integer((json_int_t)it[i].count));
		json_array_append_new(arr, o);
	}
	return arr;
}

/* The incident's evidence: what an analyst and the owner need to judge the
** attack (its type and size, where it comes from, how it went, what the
** flows looked like). */
static char *evidence_json(const struct flow_attack *a, const char *host)
{
	json_t *o = json_object();
	json_object_set_new(o, "host", json_string(host));
	json_object_set_new(o, "direction", json_string(flow_dir_name(a->dir)));
	json_object_set_new(o, "type", json_string(flow_attack_type_name(a->type)));
	if (a->amp_port)
		json_object_set_new(o, "amplification_port", json_integer(a->amp_port));
	json_object_set_new(o, "metric", json_string(flow_ctr_name(a->metric)));
	json_object_set_new(o, "threshold", json_integer((json_int_t)a->threshold));
	json_object_set_new(o, "value", json_integer((json_int_t)a->value));
	json_object_set_new(o, "learned_threshold", json_boolean(a->learned));
	json_object_set_new(o, "peak_pps", json_integer((json_int_t)a->peak_pps));
	json_object_set_new(o, "peak_bps", json_integer((json_int_t)a->peak_bps));
	json_object_set_new(o, "peak_flows", json_integer((json_int_t)a->peak_flows));
	json_object_set_new(o, "ended", json_boolean(a->end_ms != 0));
	if (a->end_ms)
		json_object_set_new(o, "duration_ms", json_integer((json_int_t)(a->end_ms - a->start_ms)));
	json_t *pr = json_object();
	static const enum flow_ctr pc[] = { FLOW_C_TCP_PKTS, FLOW_C_UDP_PKTS, FLOW_C_ICMP_PKTS,
					    FLOW_C_FRAG_PKTS, FLOW_C_SYN_PKTS, FLOW_C_AMP_PKTS };
	for (size_t i = 0; i < sizeof pc / sizeof pc[0]; i++)
		json_object_set_new(pr, flow_ctr_name(pc[i]), json_integer((json_int_t)a->sum[pc[i]]));
	json_object_set_new(o, "protocols", pr);
	json_object_set_new(o, "top_sources", top_json(&a->top[FLOW_TOP_SRC], a->family, true));
	json_object_set_new(o, "top_source_asns", top_json(&a->top[FLOW_TOP_ASN], a->family, false));
	json_object_set_new(o, "top_source_ports", top_json(&a->top[FLOW_TOP_SPORT], a->family, false));
	json_object_set_new(o, "top_destination_ports",
			    top_json(&a->top[FLOW_TOP_DPORT], a->family, false));
	json_t *tl = json_array();
	for (size_t i = 0; i < a->ntimeline; i++) {
		const struct flow_tl_point *p = &a->timeline[i];
		json_t *t = json_object();
		json_object_set_new(t, "offset_ms", json_integer((json_int_t)(p->t_ms - a->start_ms)));
		json_object_set_new(t, "pps", json_integer((json_int_t)p->pps));
		json_object_set_new(t, "bps", json_integer((json_int_t)p->bps));
		json_object_set_new(t, "flows", json_integer((json_int_t)p->flows));
		json_array_append_new(tl, t);
	}
	json_object_set_new(o, "timeline", tl);
	json_t *sm = json_array();
	for (size_t i = 0; i < a->nsample; i++) {
		const struct flow_rec *r = &a->sample[i];
		char s[46], d[46];
		addr_text(r->family, r->src, s, sizeof s);
		addr_text(r->family, r->dst, d, sizeof d);
		json_t *f = json_object();
		json_object_set_new(f, "src", json_string(s));
		json_object_set_new(f, "dst", json_string(d));
		json_object_set_new(f, "proto", json_integer(r->proto));
		json_object_set_new(f, "sport", json_integer(r->sport));
		json_object_set_new(f, "dport", json_integer(r->dport));
		json_object_set_new(f, "tcp_flags", json_integer(r->tcp_flags));
		json_object_set_new(f, "packets", json_integer((json_int_t)r->packets));
		json_object_set_new(f, "bytes", json_integer((json_int_t)r->bytes));
		json_object_set_new(f, "sampling", json_integer(r->sampling));
		json_array_append_new(sm, f);
	}
	json_object_set_new(o, "flow_sample", sm);
	char *txt = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return txt;
}

/* The details the notify script gets on stdin (FastNetMon's contract). */
static void attack_info(const struct flow_attack *a, const char *host, struct flow_attack_info *in)
{
	memset(in, 0, sizeof *in);
	pstrtrunc(in->ip, host, sizeof in->ip);
	in->dir = a->dir;
	pstrtrunc(in->type, flow_attack_type_name(a->type), sizeof in->type);
	in->pps = a->sum[FLOW_C_PKTS];
	in->peak_pps = a->peak_pps;
	in->bps = a->sum[FLOW_C_BYTES] * 8;
	in->flows = a->sum[FLOW_C_FLOWS];
	in->protocol = a->type == FLOW_ATK_SYN_FLOOD || a->type == FLOW_ATK_TCP_FLOOD ? 6
		     : a->type == FLOW_ATK_UDP_FLOOD || a->type == FLOW_ATK_AMPLIFICATION ? 17
		     : a->type == FLOW_ATK_ICMP_FLOOD ? (a->family == 6 ? 58 : 1) : 0;
	in->tcp_pps = a->sum[FLOW_C_TCP_PKTS];
	in->tcp_bps = a->sum[FLOW_C_TCP_BYTES] * 8;
	in->syn_pps = a->sum[FLOW_C_SYN_PKTS];
	in->udp_pps = a->sum[FLOW_C_UDP_PKTS];
	in->udp_bps = a->sum[FLOW_C_UDP_BYTES] * 8;
	in->icmp_pps = a->sum[FLOW_C_ICMP_PKTS];
	in->icmp_bps = a->sum[FLOW_C_ICMP_BYTES] * 8;
	in->frag_pps = a->sum[FLOW_C_FRAG_PKTS];
	in->frag_bps = a->sum[FLOW_C_FRAG_BYTES] * 8;
	struct flow_hh_item it[FLOW_TOP_MAX];
	size_t n = flow_hh_top(&a->top[FLOW_TOP_SRC], it, FLOW_TOP_MAX);
	for (size_t i = 0; i < n; i++) {
		addr_text(a->family, it[i].key, in->top[i].ip, sizeof in->top[i].ip);
		in->top[i].pps = it[i].count;
	}
	in->n_top = n;
}

/* ------------------------------------------------- the [flow] configuration
** (the detector's settings and the mitigation's, from struct config) */

/* process_incoming / process_outgoing (FastNetMon's process_*_traffic):
** an unprocessed direction has no static thresholds, and what learned
** thresholds find in it is not reported. */
static bool dir_processed(const struct config *cfg, enum flow_dir d)
{
	return d == FLOW_IN ? cfg->flow_process_incoming : cfg->flow_process_outgoing;
}

/* [flow]'s thresholds (or a hostgroup's) as the detector reads them:
** one per counter, bytes counters in bits/s. */
static struct flow_thresholds thresholds_of(const struct config_flow_th *t)
{
	struct flow_thresholds th = { 0 };
	th.v[FLOW_C_PKTS] = (uint64_t)t->pps;
	th.v[FLOW_C_BYTES] = (uint64_t)t->bps;
	th.v[FLOW_C_FLOWS] = (uint64_t)t->flows;
	th.v[FLOW_C_TCP_PKTS] = (uint64_t)t->tcp_pps;
	th.v[FLOW_C_TCP_BYTES] = (uint64_t)t->tcp_bps;
	th.v[FLOW_C_UDP_PKTS] = (uint64_t)t->udp_pps;
	th.v[FLOW_C_UDP_BYTES] = (uint64_t)t->udp_bps;
	th.v[FLOW_C_ICMP_PKTS] = (uint64_t)t->icmp_pps;
	th.v[FLOW_C_ICMP_BYTES] = (uint64_t)t->icmp_bps;
	th.v[FLOW_C_FRAG_PKTS] = (uint64_t)t->frag_pps;
	th.v[FLOW_C_FRAG_BYTES] = (uint64_t)t->frag_bps;
	th.v[FLOW_C_SYN_PKTS] = (uint64_t)t->syn_pps;
	return th;
}

/* The detector's configuration from [flow] and its hostgroups: *groups
** gets one struct flow_hostgroup per network of a hostgroup (the detector
** matches one prefix per entry, longest first), the caller frees it after
** the detector copied it. Both directions are checked unless process_*
** says otherwise: inbound is an attack on the constituent, outbound one
** from its host (a compromised server). 0, or -1 with err. */
static int detect_cfg_build(const struct config *cfg, struct flow_detect_cfg *dc,
			    struct flow_hostgroup **groups, struct perr *err)
{
	const struct flow_thresholds off = { 0 };
	*dc = (struct flow_detect_cfg){
		.quiet_ms = (uint64_t)cfg->flow_quiet * 1000u,
		.ban_ms = (uint64_t)cfg->flow_ban_time * 1000u,
		.unban_only_if_finished = cfg->flow_unban_only_if_finished,
		.learned = cfg->flow_learned,
		.learn_factor = cfg->flow_learn_factor,
		.learn_hosts = (uint32_t)cfg->flow_learn_hosts,
	};
	dc->in = cfg->flow_process_incoming ? thresholds_of(&cfg->flow_th) : off;
	dc->out = cfg->flow_process_outgoing ? thresholds_of(&cfg->flow_th) : off;
	dc->learn_floor.v[FLOW_C_PKTS] = (uint64_t)cfg->flow_learn_floor_pps;
	dc->learn_floor.v[FLOW_C_BYTES] = (uint64_t)cfg->flow_learn_floor_bps;
	dc->learn_floor.v[FLOW_C_FLOWS] = (uint64_t)cfg->flow_learn_floor_flows;
	*groups = NULL;
	if (!cfg->flow_ngroup_nets)
		return 0;
	*groups = calloc(cfg->flow_ngroup_nets, sizeof **groups);
	if (!*groups)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	for (size_t i = 0; i < cfg->flow_ngroup_nets; i++) {
		const struct config_flow_net *n = &cfg->flow_group_nets[i];
		const struct config_flow_group *cg = &cfg->flow_groups[n->group];
		struct flow_hostgroup *fg = &(*groups)[i];
		PSTRCPY(fg->name, cg->name);
		fg->prefix.family = n->family;
		fg->prefix.len = n->len;
		memcpy(fg->prefix.addr, n->addr, 16);
		fg->in = cfg->flow_process_incoming ? thresholds_of(&cg->th) : off;
		fg->out = cfg->flow_process_outgoing ? thresholds_of(&cg->th) : off;
	}
	dc->groups = *groups;
	dc->ngroups = cfg->flow_ngroup_nets;
	return 0;
}

/* The hostgroup of an address (longest network), or NULL. */
static const struct config_flow_group *group_of(const struct config *cfg, uint8_t family,
						const uint8_t *addr)
{
	const struct config_flow_group *best = NULL;
	int best_len = -1;
	for (size_t i = 0; i < cfg->flow_ngroup_nets; i++) {
		const struct config_flow_net *n = &cfg->flow_group_nets[i];
		if (n->family != family || n->len <= best_len)
			continue;
		unsigned full = n->len / 8, rest = n->len % 8;
		if (memcmp(n->addr, addr, full) != 0)
			continue;
		if (rest && ((n->addr[full] ^ addr[full]) & (uint8_t)(0xffu << (8 - rest))))
			continue;
		best = &cfg->flow_groups[n->group];
		best_len = n->len;
	}
	return best;
}

/* FastNetMon's enable_ban / enable_ban_ipv6, the hostgroup's when the host
** is in one: off means the attack opens its incident and nothing is run or
** announced (docs/flow.md: FastNetMon would not even record it). */
static bool mitigation_on(const struct config *cfg, const struct ev *e)
{
	const struct config_flow_group *g = group_of(cfg, e->family, e->addr);
	if (g)
		return e->family == 6 ? g->mitigate_ipv6 : g->mitigate;
	return e->family == 6 ? cfg->flow_mitigate_ipv6 : cfg->flow_mitigate;
}

/* The attack as its flow_attack row holds it. The detector's clock is the
** monotonic one (a step of the wall clock must not end an attack); the
** store keeps unix ms. */
static void attack_row(const struct flow_attack *a, const char *host, struct store_flow_attack *r)
{
	int64_t off = core_now_ms() - core_mono_ms();
	memset(r, 0, sizeof *r);
	pstrtrunc(r->host, host, sizeof r->host);
	pstrtrunc(r->direction, flow_dir_name(a->dir), sizeof r->direction);
	pstrtrunc(r->type, flow_attack_type_name(a->type), sizeof r->type);
	r->amp_port = a->amp_port;
	pstrtrunc(r->metric, flow_ctr_name(a->metric), sizeof r->metric);
	r->threshold = (int64_t)a->threshold;
	r->value = (int64_t)a->value;
	r->learned = a->learned;
	r->start_ms = (int64_t)a->start_ms + off;
	r->end_ms = a->end_ms ? (int64_t)a->end_ms + off : 0;
	r->peak_pps = (int64_t)a->peak_pps;
	r->peak_bps = (int64_t)a->peak_bps;
	r->peak_flows = (int64_t)a->peak_flows;
}

/* The detector's callback, on the collector's ticker: copy, queue, return.
** Of the UPDATE events (one a second) only the first carries evidence to
** the incident: at the start the sketches and the flow sample are still
** empty (the detector watches the host from that tick on), a second later
** they name the sources; the end carries the whole timeline. More would be
** one observation a second on the incident. The others queue only the
** figures, for the attack's row and the history; they give way first when
** the queue fills, so that they never cost a start or an end its place. */
static void on_event(void *ctx, enum flow_event_kind kind, const struct flow_attack *a)
{
	struct flow_job *j = ctx;
	bool light = kind == FLOW_EV_UPDATE && a->ntimeline != 2; /* START wrote the first point */
	char host[46];
	addr_text(a->family, a->addr, host, sizeof host);
	struct ev e = { .kind = kind, .family = a->family, .dir = a->dir };
	memcpy(e.addr, a->addr, 16);
	if (!dir_processed(j->cfg, a->dir))
		return;
	pstrtrunc(e.type, flow_attack_type_name(a->type), sizeof e.type);
	e.atype = a->type;
	e.amp_port = a->amp_port;
	attack_info(a, host, &e.info);
	attack_row(a, host, &e.row);
	pthread_mutex_lock(&j->lock);
	if (light && j->qn >= QUEUE_MAX / 2) {
		pthread_mutex_unlock(&j->lock);
		return;
	}
	pthread_mutex_unlock(&j->lock);
	/* the JSON outside the lock: the drain must not wait for it */
	e.evidence = light ? NULL : evidence_json(a, host);
	pthread_mutex_lock(&j->lock);
	if (j->qn == QUEUE_MAX) {
		j->qdropped++;
		pthread_mutex_unlock(&j->lock);
		plog(PLOG_ERROR, "flow: event queue full: an event of the attack on %s not reported",
		     host);
		free(e.evidence);
		return;
	}
	j->q[(j->qhead + j->qn++) % QUEUE_MAX] = e;
	struct core_ticker *drainer = j->ticker; /* NULL until the job has started */
	pthread_mutex_unlock(&j->lock);
	/* a start or an end is drained at once, not on the next 200 ms pass:
	** the incident is what people wait for, and the detection budget is 1 s */
	if (kind != FLOW_EV_UPDATE)
		core_ticker_kick(drainer);
}

/* ------------------------------------------------------------ the drain */

static struct open_attack *open_find(struct flow_job *j, const struct ev *e)
{
	for (size_t i = 0; i < j->nopen; i++)
		if (j->open[i].family == e->family && j->open[i].dir == e->dir &&
		    memcmp(j->open[i].addr, e->addr, 16) == 0)
			return &j->open[i];
	return NULL;
}

/* One internal note on the incident: what was done, for the record (an
** attack without an incident -- no owner -- has nowhere to note it). */
static void note(struct flow_job *j, int64_t id, const char *text)
{
	if (!id)
		return;
	struct perr e;
	perr_clear(&e);
	if (store_begin(j->st, &e) != 0 ||
	    incident_message(j->st, j->cfg, NULL, ACTOR, id, text, "internal", NULL, &e) != 0 ||
	    store_commit(j->st, &e) != 0) {
		store_rollback(j->st);
		plog(PLOG_ERROR, "flow: incident %lld: note not recorded: %s", (long long)id, e.msg);
	}
}

/* ------------------------------------------------- ExaBGP announcements */

/* One line to ExaBGP's pipe, and its outcome on the incident. O_NONBLOCK:
** with no ExaBGP reading, open fails (ENXIO) rather than hang the drain. */
static int pipe_line(struct flow_job *j, int64_t id, const char *what, int rc,
		     const struct pbuf *line, struct perr *err)
{
	char msg[1200];
	if (rc == 0) {
		int fd = open(j->cfg->flow_exabgp_pipe, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0 || write(fd, line->ptr, line->len) != (ssize_t)line->len)
			rc = perr_set(err, PERR_INTERNAL, "exabgp_pipe", "%s: %s",
				      j->cfg->flow_exabgp_pipe, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	if (rc != 0)
		snprintf(msg, sizeof msg, "ExaBGP %s: failed: %.500s", what, err->msg);
	else
		snprintf(msg, sizeof msg, "ExaBGP: %.*s", (int)(line->len ? line->len - 1 : 0),
			 line->ptr ? line->ptr : "");
	note(j, id, msg);
	return rc;
}

/* The FlowSpec rule of an attack (exabgp_flowspec): discard what the attack
** is made of towards the host -- its protocol, the reflected service's
** source port of an amplification, SYN of a SYN flood, fragments -- so the
** host's other traffic still flows, where a blackhole would finish the
** attacker's job. A mixed attack matches the host alone. */
static void flowspec_of(const struct ev *e, struct flow_bgp_flowspec *f)
{
	memset(f, 0, sizeof *f);
	pstrtrunc(f->destination, e->info.ip, sizeof f->destination);
	switch (e->atype) {
	case FLOW_ATK_SYN_FLOOD:
		f->protocol = 6;
		f->tcp_syn = true;
		break;
	case FLOW_ATK_TCP_FLOOD:
		f->protocol = 6;
		break;
	case FLOW_ATK_UDP_FLOOD:
		f->protocol = 17;
		break;
	case FLOW_ATK_AMPLIFICATION:
		f->protocol = 17;
		f->source_port = e->amp_port;
		break;
	case FLOW_ATK_ICMP_FLOOD:
		f->protocol = e->family == 6 ? 58 : 1;
		break;
	case FLOW_ATK_FRAGMENTS:
		f->fragment = e->family == 4; /* bgp.c matches fragments of IPv4 only */
		break;
	case FLOW_ATK_MIXED:
		break;
	}
}

static struct open_attack *open_find(struct flow_job *j, const struct ev *e);

/* One route line (announce or withdraw) through the pipe; 0 written. */
static int route(struct flow_job *j, int64_t id, bool ban, const struct flow_bgp_route *r)
{
	struct pbuf line;
	struct perr err;
	char what[128];
	pbuf_init(&line, 512);
	perr_clear(&err);
	int rc = flow_bgp_route_line(ban, r, &line, &err);
	snprintf(what, sizeof what, "%s of %s", ban ? "announce" : "withdraw", r->prefix);
	rc = pipe_line(j, id, what, rc, &line, &err);
	pbuf_free(&line);
	return rc;
}

/* The announcements of one ban or unban through exabgp_pipe: with
** exabgp_flowspec a FlowSpec rule, else the host route and/or its subnet
** with the configured next hop and communities (exabgp_*, or gobgp_* when
** only gobgp is on: Parapet speaks ExaBGP's API for both). Returns the
** lines that failed; *written (0 first) counts those written: what the
** attack's row says of its announcement. */
static int announce(struct flow_job *j, const struct ev *e, enum flow_action act, int64_t id,
		    int *written)
{
	const struct config *c = j->cfg;
	int failed = 0;
	*written = 0;
	if (!c->flow_exabgp_pipe[0] || (!c->flow_exabgp && !c->flow_gobgp))
		return 0;
	bool v6 = e->family == 6, ban = act == FLOW_ACT_BAN;
	bool ex = c->flow_exabgp;
	const char *nh = ex ? (v6 ? c->flow_exabgp_next_hop_ipv6 : c->flow_exabgp_next_hop)
			    : (v6 ? c->flow_gobgp_next_hop_ipv6 : c->flow_gobgp_next_hop);
	const char *ch = ex ? c->flow_exabgp_community_host
			    : (v6 ? c->flow_gobgp_community_host_ipv6 : c->flow_gobgp_community_host);
	const char *cs = ex ? c->flow_exabgp_community_subnet
			    : (v6 ? c->flow_gobgp_community_subnet_ipv6
				  : c->flow_gobgp_community_subnet);
	bool host = ex ? c->flow_exabgp_announce_host
		       : (v6 ? c->flow_gobgp_announce_host_ipv6 : c->flow_gobgp_announce_host);
	bool subnet = ex ? c->flow_exabgp_announce_subnet
			 : (v6 ? c->flow_gobgp_announce_subnet_ipv6 : c->flow_gobgp_announce_subnet);
	struct pbuf line;
	struct perr err;
	char what[128];
	if (c->flow_exabgp_flowspec) {
		struct flow_bgp_flowspec f;
		flowspec_of(e, &f);
		pbuf_init(&line, 1024);
		perr_clear(&err);
		int rc = flow_bgp_flowspec_line(ban, &f, &line, &err);
		snprintf(what, sizeof what, "FlowSpec %s for %s", ban ? "announce" : "withdraw",
			 e->info.ip);
		rc = pipe_line(j, id, what, rc, &line, &err);
		pbuf_free(&line);
		*written += rc == 0;
		return rc != 0;
	}
	struct flow_bgp_route r = { 0 };
	pstrtrunc(r.next_hop, nh[0] ? nh : "self", sizeof r.next_hop);
	if (host) {
		pstrtrunc(r.prefix, e->info.ip, sizeof r.prefix);
		pstrtrunc(r.communities, ch, sizeof r.communities);
		if (route(j, id, ban, &r) == 0)
			(*written)++;
		else
			failed++;
	}
	/* the subnet: the owner's CIDR asset holding the host, looked up at
	** the ban; the unban withdraws what was announced, even if the asset
	** changed since (kept on the open attack) */
	struct open_attack *oa = open_find(j, e);
	if (!subnet || !oa)
		return failed;
	/* an attack read back after a restart lost its subnet with the
	** process: the withdraw looks it up again, as the ban did */
	if ((ban || oa->subnet_lost) && !oa->subnet[0]) {
		oa->subnet_lost = false;
		struct lookup_result lr;
		char hostp[64];
		perr_clear(&err);
		if (constituency_lookup(j->st, LOOKUP_IP, e->info.ip, &lr, &err) != 1) {
			snprintf(what, sizeof what, "the subnet of %s: no CIDR asset holds it",
				 e->info.ip);
			note(j, id, what);
			return failed;
		}
		snprintf(hostp, sizeof hostp, "%s/%d", e->info.ip, v6 ? 128 : 32);
		if (host && strcmp(lr.matched, hostp) == 0)
			return failed; /* the asset is the host: announced above */
		pstrtrunc(oa->subnet, lr.matched, sizeof oa->subnet);
	}
	if (!oa->subnet[0])
		return failed;
	pstrtrunc(r.prefix, oa->subnet, sizeof r.prefix);
	pstrtrunc(r.communities, cs, sizeof r.communities);
	if (route(j, id, ban, &r) == 0)
		(*written)++;
	else
		failed++;
	if (!ban)
		oa->subnet[0] = '\0';
	return failed;
}

/* The mitigation of one attack, each action recorded on its incident: at
** the start (FLOW_ACT_BAN) the notify script's "ban" and the ExaBGP
** announce, as configured; at the end (FLOW_ACT_UNBAN) the "unban" of a ban
** that ran and the withdraw of a route that was announced. oa->row.banned
** and announced follow what was actually done, so that an end -- also one
** found after a restart, under a configuration that may have changed --
** undoes exactly that: a script that could not start banned nothing, a
** route that could not be written was not announced, and a withdraw that
** failed leaves announced set (the row says the route may still be out).
** With mitigate off nothing is done at the start, so nothing at the end. */
static void mitigate(struct flow_job *j, const struct ev *e, enum flow_action act,
		     struct open_attack *oa)
{
	char msg[1200];
	bool ban = act == FLOW_ACT_BAN;
	int64_t id = oa->row.incident_id;
	const struct flow_attack_info *info = &e->info;
	if (ban && !mitigation_on(j->cfg, e))
		return; /* [flow] mitigate off: the incident is the whole response */
	if (j->cfg->flow_notify_script[0] && oa->row.banned != ban) {
		struct flow_notify_bufs bufs;
		const char *argv[FLOW_NOTIFY_ARGS];
		struct pbuf in, out;
		pbuf_init(&in, 1 << 20);
		pbuf_init(&out, 4096);
		struct perr err;
		perr_clear(&err);
		int rc = flow_notify_build(j->cfg->flow_notify_script, act, info, &bufs, argv, &in,
					   &err);
		if (rc == 0)
			rc = flow_notify_run(argv, in.ptr, in.len, NOTIFY_TIMEOUT_MS, &out, &err);
		if (rc < 0)
			snprintf(msg, sizeof msg, "notify script %.400s %s %s: failed: %.500s",
				 j->cfg->flow_notify_script, info->ip, flow_action_name(act), err.msg);
		else
			snprintf(msg, sizeof msg, "notify script %.400s %s %s: exit status %d",
				 j->cfg->flow_notify_script, info->ip, flow_action_name(act), rc);
		if (rc >= 0) /* it ran: its exit status is the script's own business */
			oa->row.banned = ban;
		pbuf_free(&in);
		pbuf_free(&out);
		note(j, id, msg);
	}
	if (oa->row.announced != ban) {
		int written = 0;
		int failed = announce(j, e, act, id, &written);
		/* nothing written at the end (the pipe or the announcements
		** configured away since the start) withdrew nothing either */
		if (ban && written)
			oa->row.announced = true;
		else if (!ban && written && !failed)
			oa->row.announced = false;
	}
	oa->dirty = true;
}

/* Is incident id still open (not closed, rejected or merged by people)?
** An attack's later events add to it only then: reported to a settled
** incident, they would open a new one just to recover it. *org_id (may be
** NULL) gets its organisation. */
static bool still_open(struct flow_job *j, int64_t id, int64_t *org_id)
{
	struct store_incident inc;
	struct perr err;
	perr_clear(&err);
	if (!id || store_incident_get(j->st, id, &inc, &err) != 0)
		return false;
	if (org_id)
		*org_id = inc.org_id;
	for (size_t i = 0; incident_open_states[i]; i++)
		if (strcmp(inc.status, incident_open_states[i]) == 0)
			return true;
	return false;
}

/* Write oa's row (insert the first time). A failure is logged and left
** dirty: the next second's snapshot writes it again. */
static void row_write(struct flow_job *j, struct open_attack *oa)
{
	struct perr err;
	perr_clear(&err);
	int rc = oa->row.id ? store_flow_attack_update(j->st, &oa->row, &err)
			    : store_flow_attack_insert(j->st, &oa->row, &err);
	if (rc != 0) {
		plog(PLOG_ERROR, "flow: attack on %s (%s) not recorded: %s", oa->row.host,
		     oa->row.direction, err.msg);
		oa->dirty = true;
		return;
	}
	oa->dirty = false;
}

static struct open_attack *open_add(struct flow_job *j, const struct ev *e)
{
	if (j->nopen == OPEN_MAX) {
		plog(PLOG_ERROR, "flow: %zu attacks open: the %s attack on %s is not followed",
		     (size_t)OPEN_MAX, e->type, e->info.ip);
		return NULL;
	}
	struct open_attack *oa = &j->open[j->nopen++];
	*oa = (struct open_attack){ .family = e->family, .dir = e->dir, .row = e->row };
	memcpy(oa->addr, e->addr, 16);
	return oa;
}

/* Forget oa (the last entry takes its place). */
static void open_remove(struct flow_job *j, struct open_attack *oa)
{
	if (oa->restored)
		j->nrestored--;
	*oa = j->open[--j->nopen];
}

/* oa takes e's figures: the larger peaks, the latest rates (for the
** history) and, for an end, its end. A restored attack reported again
** keeps its row's start, type and threshold: it is the same attack. */
static void open_refresh(struct open_attack *oa, const struct ev *e)
{
	struct store_flow_attack *r = &oa->row;
	if (e->row.peak_pps > r->peak_pps)
		r->peak_pps = e->row.peak_pps;
	if (e->row.peak_bps > r->peak_bps)
		r->peak_bps = e->row.peak_bps;
	if (e->row.peak_flows > r->peak_flows)
		r->peak_flows = e->row.peak_flows;
	if (e->kind == FLOW_EV_END)
		r->end_ms = e->row.end_ms;
	struct store_flow_rate *t = &oa->rate;
	PSTRCPY(t->host, r->host);
	PSTRCPY(t->direction, r->direction);
	t->org_id = r->org_id;
	t->pps = (int64_t)e->info.pps;
	t->bps = (int64_t)e->info.bps;
	t->flows = (int64_t)e->info.flows;
	t->syn_pps = (int64_t)e->info.syn_pps;
	t->tcp_pps = (int64_t)e->info.tcp_pps;
	t->udp_pps = (int64_t)e->info.udp_pps;
	t->icmp_pps = (int64_t)e->info.icmp_pps;
	t->frag_pps = (int64_t)e->info.frag_pps;
	oa->dirty = true;
}

static void handle(struct flow_job *j, const struct constituency_view *v, const struct ev *e)
{
	char key[80], title[200], summary[400];
	struct open_attack *oa = open_find(j, e);
	if (!e->evidence) {
		/* figures only: the row's peaks and the history, written with
		** the next snapshot */
		if (oa && !oa->restored)
			open_refresh(oa, e);
		return;
	}
	int64_t org = v ? constituency_view_ip(v, e->family, e->addr) : 0;
	if (e->kind == FLOW_EV_START) {
		if (oa && oa->restored) {
			/* reported again within flow.quiet of the start: the attack
			** open when serve stopped goes on, in its row and incident */
			oa->restored = false;
			j->nrestored--;
			plog(PLOG_INFO, "flow: the %s attack on %s (%s) open before the restart goes "
					"on (attack %lld)",
			     oa->row.type, e->info.ip, flow_dir_name(e->dir), (long long)oa->row.id);
		} else if (!oa) {
			oa = open_add(j, e);
			if (oa)
				oa->row.org_id = org;
		}
	}
	if (oa) {
		open_refresh(oa, e);
		/* the asset left during the attack: it stays its first owner's */
		if (!org)
			org = oa->row.org_id;
	}
	if (!org) {
		/* the asset left since the hosts were built: the attack is on
		** record (flow attacks), with no incident and no mitigation */
		plog(PLOG_WARN, "flow: %s attack on %s (%s) has no owner: not reported", e->type,
		     e->info.ip, flow_dir_name(e->dir));
		if (oa && e->kind != FLOW_EV_UPDATE)
			row_write(j, oa);
		if (oa && e->kind == FLOW_EV_END)
			open_remove(j, oa);
		return;
	}
	snprintf(key, sizeof key, "%s/%s", e->info.ip, flow_dir_name(e->dir));
	snprintf(title, sizeof title, "DDoS %s: %s %s", e->type, e->info.ip,
		 e->dir == FLOW_IN ? "attacked" : "attacking");
	snprintf(summary, sizeof summary,
		 "%s %s %s: %llu packets/s (peak %llu), %llu bits/s",
		 e->kind == FLOW_EV_START ? "Attack started:"
		 : e->kind == FLOW_EV_UPDATE ? "Attack goes on:" : "Attack ended:", e->type,
		 e->dir == FLOW_IN ? "towards" : "from", (unsigned long long)e->info.pps,
		 (unsigned long long)e->info.peak_pps, (unsigned long long)e->info.bps);
	if (e->kind != FLOW_EV_START && (!oa || !still_open(j, oa->row.incident_id, NULL))) {
		/* its start was not recorded, or people settled the incident:
		** only the withdrawal of what was announced remains */
		plog(PLOG_INFO, "flow: %s of the %s attack on %s (%s): its incident is not open",
		     e->kind == FLOW_EV_END ? "end" : "sources", e->type, e->info.ip,
		     flow_dir_name(e->dir));
		if (e->kind == FLOW_EV_END && oa) {
			mitigate(j, e, FLOW_ACT_UNBAN, oa);
			row_write(j, oa);
			open_remove(j, oa);
		}
		return;
	}
	struct incident_report_spec spec = {
		.org_id = org, .kind = "ddos", .key = key, .severity = "high",
		.summary = summary, .evidence = e->evidence, .title = title, .source = "flow",
	};
	struct incident_report_result res = {0};
	struct perr err;
	perr_clear(&err);
	bool moved = false;
	if (store_begin(j->st, &err) != 0)
		goto fail;
	if (incident_report(j->st, j->cfg, NULL, ACTOR, &spec, &res, &err) != 0)
		goto fail_rb;
	if (e->kind == FLOW_EV_END &&
	    incident_detector_recovered(j->st, j->cfg, ACTOR, res.id, &moved, &err) != 0)
		goto fail_rb;
	if (store_commit(j->st, &err) != 0)
		goto fail_rb;
	notify_kick(); /* the incident's mail */
	plog(PLOG_INFO, "flow: %s %s attack on %s (%s): incident %lld%s",
	     e->kind == FLOW_EV_START ? "start of" : e->kind == FLOW_EV_UPDATE ? "sources of" : "end of",
	     e->type, e->info.ip, flow_dir_name(e->dir), (long long)res.id,
	     moved ? " recovered" : "");
	if (e->kind == FLOW_EV_UPDATE || !oa)
		return;
	oa->row.incident_id = res.id;
	if (e->kind == FLOW_EV_START) {
		mitigate(j, e, FLOW_ACT_BAN, oa);
		row_write(j, oa);
	} else {
		mitigate(j, e, FLOW_ACT_UNBAN, oa);
		row_write(j, oa);
		open_remove(j, oa);
	}
	return;
fail_rb:
	store_rollback(j->st);
fail:
	plog(PLOG_ERROR, "flow: %s attack on %s: incident not recorded: %s", e->type, e->info.ip,
	     err.msg);
	if (oa && e->kind == FLOW_EV_START)
		row_write(j, oa); /* the attack stays on record without its incident */
	if (oa && e->kind == FLOW_EV_END) {
		mitigate(j, e, FLOW_ACT_UNBAN, oa);
		row_write(j, oa);
		open_remove(j, oa);
	}
}

/* The constituency's assets changed (the store's asset generation moved,
** whichever process changed them): new protected hosts, swapped in
** without stopping collection. A failure keeps the old hosts and is
** retried at the next check. */
static void hosts_refresh(struct flow_job *j)
{
	int64_t now = core_now_ms(), gen;
	if (now - j->checked_ms < ASSETS_CHECK_MS)
		return;
	j->checked_ms = now;
	struct perr err;
	perr_clear(&err);
	if (store_asset_generation(j->st, &gen, &err) != 0 || gen == j->asset_gen) {
		if (err.msg[0])
			plog(PLOG_ERROR, "flow: asset generation: %s", err.msg);
		return;
	}
	size_t nprefix = 0;
	struct flow_hosts *h = hosts_from_store(j->st, &nprefix, &err);
	if (!h || flow_collector_set_hosts(j->coll, h, &err) != 0) {
		plog(PLOG_ERROR, "flow: protected hosts not rebuilt, the old ones kept: %s", err.msg);
		flow_hosts_free(h);
		return;
	}
	flow_hosts_free(j->hosts);
	j->hosts = h;
	j->asset_gen = gen;
	/* the owner index may be up to its recheck period stale: a new
	** host's first attack must find its owner */
	constituency_changed();
	plog(PLOG_INFO, "flow: protected hosts rebuilt: %zu prefixes (%u host slots), asset "
			"generation %lld",
	     nprefix, flow_hosts_size(h), (long long)gen);
}

/* ------------------------------------------------------- the live view */

static void rate_max(int64_t *a, int64_t b)
{
	if (b > *a)
		*a = b;
}

/* r's figures into the history step under way: a new point, or the larger
** of each figure of the one there (the chart shows each step's peak). */
static void step_add(struct flow_job *j, const struct store_flow_rate *r)
{
	/* FNV-1a of host and direction into an open-addressed index (twice
	** STEP_MAX slots): with thousands of attacks open, a linear search
	** would cost a second's worth of comparisons per snapshot */
	uint32_t h = 2166136261u;
	for (const char *c = r->host; *c; c++)
		h = (h ^ (uint8_t)*c) * 16777619u;
	h = (h ^ (uint8_t)r->direction[0]) * 16777619u;
	struct store_flow_rate *p = NULL;
	uint32_t k = h % STEP_SLOTS;
	for (; j->step_idx[k]; k = (k + 1) % STEP_SLOTS) {
		struct store_flow_rate *q = &j->step[j->step_idx[k] - 1];
		if (strcmp(q->host, r->host) == 0 && strcmp(q->direction, r->direction) == 0) {
			p = q;
			break;
		}
	}
	if (!p) {
		if (j->nstep == STEP_MAX) {
			j->step_dropped++;
			return;
		}
		p = &j->step[j->nstep++];
		j->step_idx[k] = (uint32_t)j->nstep;
		*p = *r;
		p->at_ms = j->step_at;
		return;
	}
	rate_max(&p->pps, r->pps);
	rate_max(&p->bps, r->bps);
	rate_max(&p->flows, r->flows);
	rate_max(&p->syn_pps, r->syn_pps);
	rate_max(&p->tcp_pps, r->tcp_pps);
	rate_max(&p->udp_pps, r->udp_pps);
	rate_max(&p->icmp_pps, r->icmp_pps);
	rate_max(&p->frag_pps, r->frag_pps);
}

/* The step under way as history points (at its start), and the points
** older than FLOW_HISTORY_KEEP_S deleted. Inside the caller's transaction. */
static int step_flush(struct flow_job *j, int64_t now, struct perr *err)
{
	if (j->step_dropped)
		plog(PLOG_WARN, "flow: history step: %llu points beyond %d not kept",
		     (unsigned long long)j->step_dropped, STEP_MAX);
	j->step_dropped = 0;
	int rc = store_flow_history_add(j->st, j->step, j->nstep,
					now - (int64_t)FLOW_HISTORY_KEEP_S * 1000, err);
	j->nstep = 0;
	memset(j->step_idx, 0, STEP_SLOTS * sizeof *j->step_idx);
	return rc;
}

/* Add r to the snapshot unless the pair is in it already (it is in the
** top by more than one figure). */
static void live_add(struct flow_job *j, size_t *n, const struct flow_live_host *h,
		     const struct constituency_view *v, int64_t now)
{
	struct store_flow_rate r = { .at_ms = now };
	addr_text(h->family, h->addr, r.host, sizeof r.host);
	pstrtrunc(r.direction, flow_dir_name(h->dir), sizeof r.direction);
	for (size_t i = 0; i < *n; i++)
		if (strcmp(j->live[i].host, r.host) == 0 &&
		    strcmp(j->live[i].direction, r.direction) == 0)
			return;
	/* the owner as the attack path finds it: a constituent sees their
	** own hosts, a provincial analyst their province's */
	r.org_id = v ? constituency_view_ip(v, h->family, h->addr) : 0;
	r.pps = (int64_t)h->pps;
	r.bps = (int64_t)h->bps;
	r.flows = (int64_t)h->flows;
	r.syn_pps = (int64_t)h->syn_pps;
	r.tcp_pps = (int64_t)h->tcp_pps;
	r.udp_pps = (int64_t)h->udp_pps;
	r.icmp_pps = (int64_t)h->icmp_pps;
	r.frag_pps = (int64_t)h->frag_pps;
	j->live[(*n)++] = r;
}

/* Once a second: the snapshot of the busiest pairs (the union of the top
** by each figure) replaces flow_live, the open attacks' rows take their
** figures, and at a step's end its points go to flow_history -- all in
** one transaction, on this drain thread and its own connection, never on
** the ticker (a store write there would delay counting). final: serve
** stops: the step under way is written and the snapshot emptied (nothing
** is collected any more). */
static void live_tick(struct flow_job *j, bool final)
{
	int64_t now = core_now_ms();
	if (!final && now - j->live_ms < LIVE_MS)
		return;
	j->live_ms = now;
	size_t n = 0;
	struct perr err;
	perr_clear(&err);
	if (!final) {
		const struct constituency_view *v = constituency_view_acquire(j->st, &err);
		if (!v)
			plog(PLOG_ERROR, "flow: owner index: %s", err.msg);
		struct flow_live_host top[FLOW_LIVE_TOP];
		for (int by = 0; by < FLOW_BY_N; by++) {
			size_t k = flow_collector_top(j->coll, (enum flow_by)by, top, FLOW_LIVE_TOP);
			for (size_t i = 0; i < k; i++)
				live_add(j, &n, &top[i], v, now);
		}
		if (v)
			constituency_view_release(v);
	}
	int64_t step_at = now - now % ((int64_t)FLOW_HISTORY_STEP_S * 1000);
	bool flush = j->step_at && (final || step_at != j->step_at);
	/* no traffic, no attack, nothing to write: no transaction either (the
	** store's write lock is shared with every other writer) */
	bool idle = !final && n == 0 && j->live_empty && (!flush || j->nstep == 0);
	for (size_t i = 0; i < j->nopen && idle; i++)
		idle = j->open[i].restored && !j->open[i].dirty;
	if (idle) {
		j->step_at = step_at;
		return;
	}
	if (store_begin(j->st, &err) != 0)
		goto fail;
	if (store_flow_live_replace(j->st, j->live, n, &err) != 0)
		goto fail_rb;
	if (flush && step_flush(j, now, &err) != 0)
		goto fail_rb;
	j->step_at = step_at;
	j->live_empty = n == 0;
	for (size_t i = 0; i < n; i++)
		step_add(j, &j->live[i]);
	for (size_t i = 0; i < j->nopen; i++) {
		struct open_attack *oa = &j->open[i];
		/* under attack during the step: in the history even when not
		** among the busiest */
		if (!oa->restored && oa->rate.host[0])
			step_add(j, &oa->rate);
		if (oa->dirty)
			row_write(j, oa);
	}
	if (store_commit(j->st, &err) != 0)
		goto fail_rb;
	return;
fail_rb:
	store_rollback(j->st);
fail:
	/* the rows written in it are undone: again with the next snapshot */
	for (size_t i = 0; i < j->nopen; i++)
		j->open[i].dirty = true;
	j->live_empty = false;
	plog(PLOG_ERROR, "flow: live view not written: %s", err.msg);
}

/* ------------------------------------------------------------ restart */

/* An attack open when serve stopped (or was killed): followed again,
** restored until the detector reports it or flow.quiet passes. */
static int restore_one(void *ud, const struct store_flow_attack *a)
{
	struct flow_job *j = ud;
	if (j->nopen == OPEN_MAX)
		return 0;
	struct open_attack oa = { .row = *a, .restored = true, .subnet_lost = true,
				  .dir = strcmp(a->direction, "outgoing") == 0 ? FLOW_OUT : FLOW_IN };
	if (inet_pton(AF_INET, a->host, oa.addr) == 1)
		oa.family = 4;
	else if (inet_pton(AF_INET6, a->host, oa.addr) == 1)
		oa.family = 6;
	else
		return 0; /* the job writes inet_ntop's text: not reached */
	j->open[j->nopen++] = oa;
	j->nrestored++;
	return 0;
}

/* The attacks still open in the store: serve stopped or was killed during
** them. Without this their incidents would stay open for ever and an
** announced blackhole would never be withdrawn. At most 1000 (the read's
** bound), newest first; any more are read at the next start. */
static int restore_open(struct flow_job *j, struct perr *err)
{
	struct store_flow_query q = { .by = "pps", .host = "", .direction = "",
				      .scope_province = "", .limit = 1000 };
	if (store_flow_attack_list(j->st, &q, true, restore_one, j, err) != 0)
		return -1;
	if (j->nrestored)
		plog(PLOG_INFO, "flow: %zu attacks open before the restart: each ends after "
				"flow.quiet (%llds) unless reported again",
		     j->nrestored, (long long)j->cfg->flow_quiet);
	return 0;
}

/* End a restored attack as the detector's END would, with what the store
** knows of it: its end now (when Parapet could tell it was over), its
** incident recovered with an observation saying it ended while serve was
** stopped or restarting, the "unban" of a ban and the withdraw of an
** announced route, each recorded on the incident. */
static void restored_end(struct flow_job *j, struct open_attack *oa)
{
	struct store_flow_attack *r = &oa->row;
	r->end_ms = core_now_ms();
	if (r->end_ms < r->start_ms)
		r->end_ms = r->start_ms; /* the wall clock stepped back */
	/* the event the detector's end would have been, from the row: what
	** the unban and the withdraw (a FlowSpec rule's match too) read */
	struct ev e = { .kind = FLOW_EV_END, .family = oa->family, .dir = oa->dir,
			.atype = FLOW_ATK_MIXED, .amp_port = (uint16_t)r->amp_port };
	memcpy(e.addr, oa->addr, 16);
	pstrtrunc(e.type, r->type, sizeof e.type);
	for (int t = FLOW_ATK_SYN_FLOOD; t <= FLOW_ATK_MIXED; t++)
		if (strcmp(flow_attack_type_name((enum flow_attack_type)t), r->type) == 0)
			e.atype = (enum flow_attack_type)t;
	struct flow_attack_info *info = &e.info;
	PSTRCPY(info->ip, r->host);
	info->dir = oa->dir;
	pstrtrunc(info->type, r->type, sizeof info->type);
	info->pps = info->peak_pps = (uint64_t)r->peak_pps;
	info->bps = (uint64_t)r->peak_bps;
	info->flows = (uint64_t)r->peak_flows;
	int64_t org = 0;
	if (still_open(j, r->incident_id, &org) && org) {
		char key[80], title[200], summary[400];
		snprintf(key, sizeof key, "%s/%s", r->host, r->direction);
		snprintf(title, sizeof title, "DDoS %s: %s %s", r->type, r->host,
			 oa->dir == FLOW_IN ? "attacked" : "attacking");
		snprintf(summary, sizeof summary,
			 "Attack ended while parapet serve was stopped or restarting: %s %s %s "
			 "(peak %lld packets/s); nothing over the threshold for %llds after the "
			 "restart",
			 r->type, oa->dir == FLOW_IN ? "towards" : "from", r->host,
			 (long long)r->peak_pps, (long long)j->cfg->flow_quiet);
		json_t *o = json_object();
		json_object_set_new(o, "host", json_string(r->host));
		json_object_set_new(o, "direction", json_string(r->direction));
		json_object_set_new(o, "type", json_string(r->type));
		if (r->amp_port)
			json_object_set_new(o, "amplification_port", json_integer(r->amp_port));
		json_object_set_new(o, "metric", json_string(r->metric));
		json_object_set_new(o, "threshold", json_integer(r->threshold));
		json_object_set_new(o, "value", json_integer(r->value));
		json_object_set_new(o, "learned_threshold", json_boolean(r->learned));
		json_object_set_new(o, "peak_pps", json_integer(r->peak_pps));
		json_object_set_new(o, "peak_bps", json_integer(r->peak_bps));
		json_object_set_new(o, "peak_flows", json_integer(r->peak_flows));
		json_object_set_new(o, "ended", json_true());
		json_object_set_new(o, "ended_while_stopped", json_true());
		json_object_set_new(o, "duration_ms", json_integer(r->end_ms - r->start_ms));
		char *ev = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		struct incident_report_spec spec = {
			.org_id = org, .kind = "ddos", .key = key, .severity = "high",
			.summary = summary, .evidence = ev, .title = title, .source = "flow",
		};
		struct incident_report_result res = {0};
		struct perr err;
		perr_clear(&err);
		bool moved = false;
		if (!ev || store_begin(j->st, &err) != 0 ||
		    incident_report(j->st, j->cfg, NULL, ACTOR, &spec, &res, &err) != 0 ||
		    incident_detector_recovered(j->st, j->cfg, ACTOR, res.id, &moved, &err) != 0 ||
		    store_commit(j->st, &err) != 0) {
			store_rollback(j->st);
			plog(PLOG_ERROR, "flow: end of the %s attack on %s (before the restart): "
					 "incident %lld not recovered: %s",
			     r->type, r->host, (long long)r->incident_id, ev ? err.msg : "no memory");
		} else {
			notify_kick();
			plog(PLOG_INFO, "flow: end of %s attack on %s (%s) while serve was stopped: "
					"incident %lld%s",
			     r->type, r->host, r->direction, (long long)res.id,
			     moved ? " recovered" : "");
		}
		free(ev);
	} else {
		plog(PLOG_INFO, "flow: end of the %s attack on %s (%s) while serve was stopped: "
				"its incident is not open",
		     r->type, r->host, r->direction);
	}
	mitigate(j, &e, FLOW_ACT_UNBAN, oa);
	row_write(j, oa);
}

/* flow.quiet passed since the start with no report of a restored attack:
** it ended while serve was down. since_start: monotonic ms at the drain's
** start, before its queue was read (a report queued before is handled
** first). */
static void restored_expire(struct flow_job *j, int64_t since_start)
{
	if (!j->nrestored || since_start < j->cfg->flow_quiet * 1000)
		return;
	for (size_t i = 0; i < j->nopen;) {
		struct open_attack *oa = &j->open[i];
		if (!oa->restored) {
			i++;
			continue;
		}
		restored_end(j, oa);
		open_remove(j, oa); /* the last entry moves to i */
	}
}

static void baselines_save(struct flow_job *j);

static void drain(void *ud)
{
	struct flow_job *j = ud;
	int64_t since_start = core_mono_ms() - j->started_mono;
	if (j->coll)
		hosts_refresh(j);
	if (j->coll && j->baselines[0] &&
	    core_now_ms() - j->saved_ms >= j->cfg->flow_learn_save * 1000)
		baselines_save(j);
	for (;;) {
		struct ev e;
		pthread_mutex_lock(&j->lock);
		if (!j->qn) {
			pthread_mutex_unlock(&j->lock);
			break;
		}
		e = j->q[j->qhead];
		j->qhead = (j->qhead + 1) % QUEUE_MAX;
		j->qn--;
		pthread_mutex_unlock(&j->lock);
		struct perr err;
		perr_clear(&err);
		/* figures-only updates need no owner */
		const struct constituency_view *v =
			e.evidence ? constituency_view_acquire(j->st, &err) : NULL;
		if (e.evidence && !v)
			plog(PLOG_ERROR, "flow: owner index: %s", err.msg);
		handle(j, v, &e);
		if (v)
			constituency_view_release(v);
		free(e.evidence);
	}
	restored_expire(j, since_start);
	if (j->coll)
		live_tick(j, false);
}

/* ------------------------------------------------------ learned baselines */

/* Learned thresholds take a week to learn: a restart must not forget them.
** The baselines go to DATA/flow-baselines.bin every learn_save seconds and
** at stop (written whole to a temporary file, then renamed: a crash leaves
** the last complete file), and are read back at start. A file that does
** not load (another version, cut short, learned_hosts lowered) is logged
** and ignored: detection starts with static thresholds and learns anew. */
static void baselines_load(struct flow_job *j)
{
	char dir[1024];
	struct perr err;
	perr_clear(&err);
	j->saved_ms = core_now_ms();
	if (!j->cfg->flow_learned)
		return;
	if (store_data_dir_get(j->st, dir, sizeof dir, &err) != 0 ||
	    snprintf(j->baselines, sizeof j->baselines, "%s/flow-baselines.bin", dir) >=
		    (int)sizeof j->baselines) {
		j->baselines[0] = '\0';
		plog(PLOG_ERROR, "flow: learned baselines will not be saved: no data directory: %s",
		     err.msg);
		return;
	}
	if (access(j->baselines, F_OK) != 0) {
		plog(PLOG_INFO, "flow: no learned baselines in %s: learning from now", j->baselines);
		return;
	}
	struct pbuf b;
	/* 8 bytes of header and at most 1100 per host (BL_REC in detect.c) */
	size_t max = 8 + (size_t)j->cfg->flow_learn_hosts * 1100u;
	if (core_file_read(j->baselines, max, &b, &err) != 0 ||
	    flow_collector_baselines_load(j->coll, (const uint8_t *)(b.ptr ? b.ptr : ""), b.len,
					  &err) != 0)
		plog(PLOG_WARN, "flow: learned baselines %s not loaded (%s): learning anew",
		     j->baselines, err.msg);
	else
		plog(PLOG_INFO, "flow: learned baselines loaded from %s (%zu bytes)", j->baselines,
		     b.len);
	pbuf_free(&b);
}

static void baselines_save(struct flow_job *j)
{
	j->saved_ms = core_now_ms();
	if (!j->baselines[0])
		return;
	size_t len = 0;
	uint8_t *buf = flow_collector_baselines_save(j->coll, &len);
	struct perr err;
	perr_clear(&err);
	if (!buf)
		plog(PLOG_ERROR, "flow: learned baselines not saved: out of memory");
	else if (core_file_write_atomic(j->baselines, buf, len, 0600, &err) != 0)
		plog(PLOG_ERROR, "flow: learned baselines not saved: %s", err.msg);
	free(buf);
}

/* ------------------------------------------------------------ start/stop */

int flow_job_start(const struct config *cfg, const char *db_path, struct flow_job **out,
		   struct perr *err)
{
	struct flow_job *j = calloc(1, sizeof *j);
	if (!j)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	pthread_mutex_init(&j->lock, NULL);
	j->cfg = cfg;
	j->started_mono = core_mono_ms();
	j->step = calloc(STEP_MAX, sizeof *j->step);
	j->step_idx = calloc(STEP_SLOTS, sizeof *j->step_idx);
	if (!j->step || !j->step_idx) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto fail;
	}
	if (store_open(db_path, &j->st, err) != 0)
		goto fail;
	size_t nprefix = 0;
	/* the generation first: a change made while the hosts are read is
	** seen again at the first check */
	if (store_asset_generation(j->st, &j->asset_gen, err) != 0)
		goto fail;
	j->checked_ms = core_now_ms();
	j->hosts = hosts_from_store(j->st, &nprefix, err);
	if (!j->hosts)
		goto fail;
	struct flow_detect_cfg dc;
	struct flow_hostgroup *groups = NULL;
	if (detect_cfg_build(cfg, &dc, &groups, err) != 0)
		goto fail;
	struct flow_collector_cfg cc = {
		.listen = { cfg->flow_netflow_listen[0] ? cfg->flow_netflow_listen : NULL,
			    cfg->flow_sflow_listen[0] ? cfg->flow_sflow_listen : NULL },
		.threads = (uint32_t)cfg->flow_threads,
		.rcvbuf = (int)cfg->flow_rcvbuf,
		.hosts = j->hosts,
		.detect = &dc,
		.on_event = on_event,
		.ctx = j,
	};
	/* the attacks open when serve stopped, before the detector can
	** report them again */
	if (restore_open(j, err) != 0) {
		free(groups);
		goto fail;
	}
	int crc = flow_collector_start(&cc, &j->coll, err);
	free(groups); /* the detector copied them */
	if (crc != 0)
		goto fail;
	baselines_load(j);
	struct core_ticker *drainer;
	if (core_ticker_start(DRAIN_MS, drain, j, "flow incidents", &drainer, err) != 0)
		goto fail;
	pthread_mutex_lock(&j->lock); /* on_event reads it from the collector's ticker */
	j->ticker = drainer;
	pthread_mutex_unlock(&j->lock);
	flow_metrics_register(j->coll);
	plog(PLOG_INFO, "flow: collector running: %zu protected prefixes (%u host slots), "
			"netflow port %d, sflow port %d",
	     nprefix, flow_hosts_size(j->hosts), flow_collector_port(j->coll, FLOW_KIND_NETFLOW),
	     flow_collector_port(j->coll, FLOW_KIND_SFLOW));
	*out = j;
	return 0;
fail:
	flow_job_stop(j);
	return -1;
}

int flow_job_port(const struct flow_job *j, enum flow_proto_kind kind)
{
	return j && j->coll ? flow_collector_port(j->coll, kind) : 0;
}

void flow_job_stop(struct flow_job *j)
{
	if (!j)
		return;
	flow_metrics_unregister(j->coll); /* before it is freed; waits for a scrape */
	/* the collector first: its last tick may still queue events */
	if (j->coll)
		flow_collector_stop(j->coll);
	if (j->coll)
		baselines_save(j);
	if (j->ticker)
		core_ticker_stop(j->ticker);
	if (j->st)
		drain(j); /* what the last tick queued */
	if (j->st && j->coll)
		live_tick(j, true); /* the step under way; open attacks stay open */
	flow_collector_free(j->coll);
	flow_hosts_free(j->hosts);
	for (size_t i = 0; i < j->qn; i++)
		free(j->q[(j->qhead + i) % QUEUE_MAX].evidence);
	if (j->st)
		store_close(j->st);
	pthread_mutex_destroy(&j->lock);
	free(j->step);
	free(j->step_idx);
	free(j);
}
