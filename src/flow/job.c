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
** No HTTP here: serve starts and stops the job, the API reads incidents.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	char *evidence;               /* JSON object text, owned */
};

struct open_attack {
	uint8_t family, addr[16];
	enum flow_dir dir;
	int64_t incident_id;
	bool banned;
	char subnet[52]; /* the owner's CIDR asset announced (exabgp_announce_subnet), "" none */
};

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
	const struct config_flow_th g = {
		.pps = cfg->flow_threshold_pps, .bps = cfg->flow_threshold_bps,
		.flows = cfg->flow_threshold_flows, .tcp_pps = cfg->flow_threshold_tcp_pps,
		.tcp_bps = cfg->flow_threshold_tcp_bps, .udp_pps = cfg->flow_threshold_udp_pps,
		.udp_bps = cfg->flow_threshold_udp_bps, .icmp_pps = cfg->flow_threshold_icmp_pps,
		.icmp_bps = cfg->flow_threshold_icmp_bps, .frag_pps = cfg->flow_threshold_frag_pps,
		.frag_bps = cfg->flow_threshold_frag_bps, .syn_pps = cfg->flow_threshold_syn_pps,
	};
	const struct flow_thresholds off = { 0 };
	*dc = (struct flow_detect_cfg){
		.quiet_ms = (uint64_t)cfg->flow_quiet * 1000u,
		.ban_ms = (uint64_t)cfg->flow_ban_time * 1000u,
		.unban_only_if_finished = cfg->flow_unban_only_if_finished,
		.learned = cfg->flow_learned,
		.learn_factor = cfg->flow_learn_factor,
		.learn_hosts = (uint32_t)cfg->flow_learn_hosts,
	};
	dc->in = cfg->flow_process_incoming ? thresholds_of(&g) : off;
	dc->out = cfg->flow_process_outgoing ? thresholds_of(&g) : off;
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

/* The detector's callback, on the collector's ticker: copy, queue, return.
** Of the UPDATE events (one a second) only the first is queued: at the
** start the sketches and the flow sample are still empty (the detector
** watches the host from that tick on), a second later they name the
** sources; the end carries the whole timeline. More would be one
** observation a second on the incident. */
static void on_event(void *ctx, enum flow_event_kind kind, const struct flow_attack *a)
{
	struct flow_job *j = ctx;
	if (kind == FLOW_EV_UPDATE && a->ntimeline != 2) /* START wrote the first point */
		return;
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
	e.evidence = evidence_json(a, host);
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
	pthread_mutex_unlock(&j->lock);
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

/* One internal note on the incident: what was done, for the record. */
static void note(struct flow_job *j, int64_t id, const char *text)
{
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
static void pipe_line(struct flow_job *j, int64_t id, const char *what, int rc,
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

/* One route line (announce or withdraw) through the pipe. */
static void route(struct flow_job *j, int64_t id, bool ban, const struct flow_bgp_route *r)
{
	struct pbuf line;
	struct perr err;
	char what[128];
	pbuf_init(&line, 512);
	perr_clear(&err);
	int rc = flow_bgp_route_line(ban, r, &line, &err);
	snprintf(what, sizeof what, "%s of %s", ban ? "announce" : "withdraw", r->prefix);
	pipe_line(j, id, what, rc, &line, &err);
	pbuf_free(&line);
}

/* The announcements of one ban or unban through exabgp_pipe: with
** exabgp_flowspec a FlowSpec rule, else the host route and/or its subnet
** with the configured next hop and communities (exabgp_*, or gobgp_* when
** only gobgp is on: Parapet speaks ExaBGP's API for both). */
static void announce(struct flow_job *j, const struct ev *e, enum flow_action act, int64_t id)
{
	const struct config *c = j->cfg;
	if (!c->flow_exabgp_pipe[0] || (!c->flow_exabgp && !c->flow_gobgp))
		return;
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
		pipe_line(j, id, what, rc, &line, &err);
		pbuf_free(&line);
		return;
	}
	struct flow_bgp_route r = { 0 };
	pstrtrunc(r.next_hop, nh[0] ? nh : "self", sizeof r.next_hop);
	if (host) {
		pstrtrunc(r.prefix, e->info.ip, sizeof r.prefix);
		pstrtrunc(r.communities, ch, sizeof r.communities);
		route(j, id, ban, &r);
	}
	/* the subnet: the owner's CIDR asset holding the host, looked up at
	** the ban; the unban withdraws what was announced, even if the asset
	** changed since (kept on the open attack) */
	struct open_attack *oa = open_find(j, e);
	if (!subnet || !oa)
		return;
	if (ban && !oa->subnet[0]) {
		struct lookup_result lr;
		char hostp[64];
		perr_clear(&err);
		if (constituency_lookup(j->st, LOOKUP_IP, e->info.ip, &lr, &err) != 1) {
			snprintf(what, sizeof what, "the subnet of %s: no CIDR asset holds it",
				 e->info.ip);
			note(j, id, what);
			return;
		}
		snprintf(hostp, sizeof hostp, "%s/%d", e->info.ip, v6 ? 128 : 32);
		if (host && strcmp(lr.matched, hostp) == 0)
			return; /* the asset is the host: announced above */
		pstrtrunc(oa->subnet, lr.matched, sizeof oa->subnet);
	}
	if (!oa->subnet[0])
		return;
	pstrtrunc(r.prefix, oa->subnet, sizeof r.prefix);
	pstrtrunc(r.communities, cs, sizeof r.communities);
	route(j, id, ban, &r);
	if (!ban)
		oa->subnet[0] = '\0';
}

/* The mitigation of one event (ban at the start, unban at the end), each
** action recorded on the incident. */
static void mitigate(struct flow_job *j, const struct ev *e, enum flow_action act, int64_t id)
{
	char msg[1200];
	if (!mitigation_on(j->cfg, e))
		return; /* [flow] mitigate off: the incident is the whole response */
	if (j->cfg->flow_notify_script[0]) {
		struct flow_notify_bufs bufs;
		const char *argv[FLOW_NOTIFY_ARGS];
		struct pbuf in, out;
		pbuf_init(&in, 1 << 20);
		pbuf_init(&out, 4096);
		struct perr err;
		perr_clear(&err);
		int rc = flow_notify_build(j->cfg->flow_notify_script, act, &e->info, &bufs, argv,
					   &in, &err);
		if (rc == 0)
			rc = flow_notify_run(argv, in.ptr, in.len, NOTIFY_TIMEOUT_MS, &out, &err);
		if (rc < 0)
			snprintf(msg, sizeof msg, "notify script %.400s %s %s: failed: %.500s",
				 j->cfg->flow_notify_script, e->info.ip, flow_action_name(act), err.msg);
		else
			snprintf(msg, sizeof msg, "notify script %.400s %s %s: exit status %d",
				 j->cfg->flow_notify_script, e->info.ip, flow_action_name(act), rc);
		pbuf_free(&in);
		pbuf_free(&out);
		note(j, id, msg);
	}
	announce(j, e, act, id);
}

/* Is incident id still open (not closed, rejected or merged by people)?
** An attack's later events add to it only then: reported to a settled
** incident, they would open a new one just to recover it. */
static bool still_open(struct flow_job *j, int64_t id)
{
	struct store_incident inc;
	struct perr err;
	perr_clear(&err);
	if (store_incident_get(j->st, id, &inc, &err) != 0)
		return false;
	for (size_t i = 0; incident_open_states[i]; i++)
		if (strcmp(inc.status, incident_open_states[i]) == 0)
			return true;
	return false;
}

static void handle(struct flow_job *j, const struct constituency_view *v, const struct ev *e)
{
	char key[80], title[200], summary[400];
	int64_t org = v ? constituency_view_ip(v, e->family, e->addr) : 0;
	if (!org) {
		/* the asset left since the hosts were built */
		plog(PLOG_WARN, "flow: %s attack on %s (%s) has no owner: not reported", e->type,
		     e->info.ip, flow_dir_name(e->dir));
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
	struct open_attack *oa = open_find(j, e);
	if (e->kind != FLOW_EV_START && (!oa || !still_open(j, oa->incident_id))) {
		/* its start was not recorded, or people settled the incident:
		** only the withdrawal of what was announced remains */
		plog(PLOG_INFO, "flow: %s of the %s attack on %s (%s): its incident is not open",
		     e->kind == FLOW_EV_END ? "end" : "sources", e->type, e->info.ip,
		     flow_dir_name(e->dir));
		if (e->kind == FLOW_EV_END && oa) {
			if (oa->banned)
				mitigate(j, e, FLOW_ACT_UNBAN, oa->incident_id);
			*oa = j->open[--j->nopen];
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
	if (e->kind == FLOW_EV_UPDATE)
		return;
	if (e->kind == FLOW_EV_START) {
		if (!oa && j->nopen < OPEN_MAX) {
			oa = &j->open[j->nopen++];
			*oa = (struct open_attack){ .family = e->family, .dir = e->dir };
			memcpy(oa->addr, e->addr, 16);
		}
		if (oa) {
			oa->incident_id = res.id;
			if (!oa->banned)
				mitigate(j, e, FLOW_ACT_BAN, res.id);
			oa->banned = true;
		}
	} else {
		if (oa && oa->banned)
			mitigate(j, e, FLOW_ACT_UNBAN, res.id);
		if (oa)
			*oa = j->open[--j->nopen];
	}
	return;
fail_rb:
	store_rollback(j->st);
fail:
	plog(PLOG_ERROR, "flow: %s attack on %s: incident not recorded: %s", e->type, e->info.ip,
	     err.msg);
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

static void baselines_save(struct flow_job *j);

static void drain(void *ud)
{
	struct flow_job *j = ud;
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
			return;
		}
		e = j->q[j->qhead];
		j->qhead = (j->qhead + 1) % QUEUE_MAX;
		j->qn--;
		pthread_mutex_unlock(&j->lock);
		struct perr err;
		perr_clear(&err);
		const struct constituency_view *v = constituency_view_acquire(j->st, &err);
		if (!v)
			plog(PLOG_ERROR, "flow: owner index: %s", err.msg);
		handle(j, v, &e);
		if (v)
			constituency_view_release(v);
		free(e.evidence);
	}
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
	int crc = flow_collector_start(&cc, &j->coll, err);
	free(groups); /* the detector copied them */
	if (crc != 0)
		goto fail;
	baselines_load(j);
	if (core_ticker_start(DRAIN_MS, drain, j, "flow incidents", &j->ticker, err) != 0)
		goto fail;
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
	/* the collector first: its last tick may still queue events */
	if (j->coll)
		flow_collector_stop(j->coll);
	if (j->coll)
		baselines_save(j);
	if (j->ticker)
		core_ticker_stop(j->ticker);
	if (j->st)
		drain(j); /* what the last tick queued */
	flow_collector_free(j->coll);
	flow_hosts_free(j->hosts);
	for (size_t i = 0; i < j->qn; i++)
		free(j->q[(j->qhead + i) % QUEUE_MAX].evidence);
	if (j->st)
		store_close(j->st);
	pthread_mutex_destroy(&j->lock);
	free(j);
}
