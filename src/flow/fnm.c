/*
** fnm.c — FastNetMon's configuration read as is (issue 16): a push parser
** of fastnetmon.conf and networks_list, the mapping of their keys to what
** Parapet's detector means by them, the [flow] configuration text with the
** same meaning, and the notify script's arguments and stdin as FastNetMon
** 1.2.4 gives them, so that operators' files and scripts keep working.
**
** The formats are FastNetMon's (read from its 1.2.4 sources and shipped
** configuration): a configuration line is split at '=' and must give one
** key and one value, both trimmed; only a line that starts with '#' is a
** comment; switches are "on" (anything else is off); numbers are decimal.
** Where FastNetMon silently does something an operator would not expect
** ("enable_ban = yes" disables, "threshold_pps = 10k" is 10), the mapping
** refuses the value with its line instead: an import that changes meaning
** without a word is worse than one that stops. Nothing here does I/O.
*/
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "constituency/constituency.h"
#include "flow/flow.h"

/* ---------------------------------------------------------------- parser */

void flow_fnm_parser_init(struct flow_fnm_parser *p, enum flow_fnm_file kind, flow_fnm_item_fn fn,
			  void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->fn = fn;
	p->ctx = ctx;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static struct pstr trim(struct pstr s)
{
	while (s.n && is_blank(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

/* One complete line (without its newline) in p->line[0..p->len). */
static int parse_line(struct flow_fnm_parser *p, struct perr *err)
{
	struct pstr l = trim((struct pstr){ p->line, p->len });
	p->len = 0;
	if (l.n == 0 || l.p[0] == '#')
		return 0;
	uint32_t max = p->kind == FLOW_FNM_CONF ? FLOW_FNM_KEYS_MAX : FLOW_FNM_NETS_MAX;
	if (++p->items > max)
		return perr_set(err, PERR_LIMIT, NULL, "line %u: more than %u %s", p->lineno, max,
				p->kind == FLOW_FNM_CONF ? "keys" : "networks");
	struct flow_fnm_item it = { .line = p->lineno };
	if (p->kind == FLOW_FNM_NETWORKS) {
		it.value = l;
		return p->fn(p->ctx, &it, err);
	}
	/* FastNetMon splits at every '=' with runs compressed ("a == b" is
	** two parts) and takes the line only when exactly two parts remain. */
	const char *eq = memchr(l.p, '=', l.n);
	size_t end = eq ? (size_t)(eq - l.p) : l.n, rest = end;
	while (rest < l.n && l.p[rest] == '=')
		rest++;
	if (!eq || end == 0 || rest == l.n || memchr(l.p + rest, '=', l.n - rest)) {
		it.malformed = true;
		it.key = l;
		return p->fn(p->ctx, &it, err);
	}
	it.key = trim((struct pstr){ l.p, end });
	it.value = trim((struct pstr){ l.p + rest, l.n - rest });
	return p->fn(p->ctx, &it, err);
}

int flow_fnm_feed(struct flow_fnm_parser *p, const void *data, size_t n, struct perr *err)
{
	if (p->failed)
		return perr_set(err, PERR_INVALID, NULL, "the parse failed already");
	uint64_t max = p->kind == FLOW_FNM_CONF ? FLOW_FNM_CONF_BYTES : FLOW_FNM_NETS_BYTES;
	if (n > max - p->bytes) {
		p->failed = true;
		return perr_set(err, PERR_LIMIT, NULL, "the file is larger than %llu bytes",
				(unsigned long long)max);
	}
	p->bytes += n;
	const char *s = data;
	for (size_t i = 0; i < n; i++) {
		if (p->len == 0 && p->lineno == 0)
			p->lineno = 1;
		char c = s[i];
		if (c == '\n') {
			if (parse_line(p, err) != 0) {
				p->failed = true;
				return -1;
			}
			p->lineno++;
			continue;
		}
		if (c == '\0') {
			p->failed = true;
			return perr_set(err, PERR_INVALID, NULL, "line %u: a NUL byte: not a text file",
					p->lineno);
		}
		if (p->len >= sizeof(p->line)) {
			p->failed = true;
			return perr_set(err, PERR_LIMIT, NULL, "line %u is longer than %u bytes",
					p->lineno, (unsigned)sizeof(p->line));
		}
		p->line[p->len++] = c;
	}
	return 0;
}

int flow_fnm_finish(struct flow_fnm_parser *p, struct perr *err)
{
	if (p->failed)
		return perr_set(err, PERR_INVALID, NULL, "the parse failed already");
	if (p->len && parse_line(p, err) != 0) {
		p->failed = true;
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ doc */

int flow_fnm_doc_add(void *ctx, const struct flow_fnm_item *it, struct perr *err)
{
	struct flow_fnm_doc *d = ctx;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct flow_fnm_kv *kv = realloc(d->kv, cap * sizeof(*kv));
		if (!kv)
			return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		d->kv = kv;
		d->cap = cap;
	}
	struct flow_fnm_kv *kv = &d->kv[d->n];
	kv->line = it->line;
	kv->malformed = it->malformed;
	kv->key = pstr_dup(it->key);
	kv->value = pstr_dup(it->value);
	if (!kv->key || !kv->value) {
		free(kv->key);
		free(kv->value);
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	}
	d->n++;
	return 0;
}

int flow_fnm_doc_parse(struct flow_fnm_doc *doc, enum flow_fnm_file kind, const void *data,
		       size_t n, struct perr *err)
{
	memset(doc, 0, sizeof(*doc));
	doc->kind = kind;
	struct flow_fnm_parser *p = malloc(sizeof(*p));
	if (!p)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	flow_fnm_parser_init(p, kind, flow_fnm_doc_add, doc);
	int rc = flow_fnm_feed(p, data, n, err) == 0 && flow_fnm_finish(p, err) == 0 ? 0 : -1;
	free(p);
	return rc;
}

void flow_fnm_doc_free(struct flow_fnm_doc *doc)
{
	for (size_t i = 0; i < doc->n; i++) {
		free(doc->kv[i].key);
		free(doc->kv[i].value);
	}
	free(doc->kv);
	memset(doc, 0, sizeof(*doc));
}

/* -------------------------------------------------------------- mapping */

static int note(struct flow_fnm_conf *c, uint32_t line, const char *key, const char *why,
		struct perr *err)
{
	if (c->n_notes >= FLOW_FNM_KEYS_MAX + FLOW_FNM_GROUPS_MAX)
		return 0; /* every key gives at most one note: cannot happen */
	if (c->n_notes % 64 == 0) {
		struct flow_fnm_note *n = realloc(c->notes, (c->n_notes + 64) * sizeof(*n));
		if (!n)
			return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		c->notes = n;
	}
	struct flow_fnm_note *n = &c->notes[c->n_notes++];
	n->line = line;
	pstrtrunc(n->key, key, sizeof(n->key));
	n->why = why;
	return 0;
}

static int bad(const struct flow_fnm_kv *kv, const char *key, const char *what, struct perr *err)
{
	return perr_set(err, PERR_INVALID, key, "line %u: %s = %.80s: %s", kv->line, key, kv->value,
			what);
}

static int get_switch(const struct flow_fnm_kv *kv, const char *key, bool *out, struct perr *err)
{
	if (strcmp(kv->value, "on") == 0)
		*out = true;
	else if (strcmp(kv->value, "off") == 0)
		*out = false;
	else
		return bad(kv, key, "write on or off (FastNetMon reads anything but \"on\" as off)",
			   err);
	return 0;
}

static int get_u64(const struct flow_fnm_kv *kv, const char *key, int64_t max, uint64_t *out,
		   struct perr *err)
{
	int64_t v;
	if (parse_i64(kv->value, 0, max, &v) != 0) {
		char what[96];
		snprintf(what, sizeof(what), "not a whole number from 0 to %lld", (long long)max);
		return bad(kv, key, what, err);
	}
	*out = (uint64_t)v;
	return 0;
}

/* Printable ASCII without blanks except single spaces inside brackets is
** too fine a rule for paths: a path is any printable text without control
** bytes (it is passed to exec, never to a shell). */
static int get_text(const struct flow_fnm_kv *kv, const char *key, char *out, size_t outsz,
		    struct perr *err)
{
	for (const char *s = kv->value; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return bad(kv, key, "a control character", err);
	if (!utf8_valid(kv->value, strlen(kv->value)))
		return bad(kv, key, "not UTF-8", err);
	if (pstrlcpy(out, kv->value, outsz) != 0)
		return bad(kv, key, "too long", err);
	return 0;
}

/* A community as a router takes it (flow_bgp_communities, the grammar the
** route lines send): one ASN:VALUE, or a list "[A:B C:D]" as FastNetMon's
** comment shows for exabgp_community -- several without the brackets are
** not FastNetMon's syntax. Kept as written; the route line canonicalises. */
static int get_community(const struct flow_fnm_kv *kv, const char *key, char *out, size_t outsz,
			 struct perr *err)
{
	size_t n = strlen(kv->value);
	bool list = n >= 2 && kv->value[0] == '[' && kv->value[n - 1] == ']';
	char *canon = malloc(n + 3);
	struct perr e2 = { 0 };
	if (!canon)
		return perr_set(err, PERR_INTERNAL, key, "out of memory");
	int ok = flow_bgp_communities(kv->value, canon, n + 3, &e2) == 0 &&
		 (list || !strchr(canon, ' '));
	free(canon);
	if (!ok)
		return bad(kv, key, "not a community ASN:VALUE or a list [ASN:VALUE ...]", err);
	return get_text(kv, key, out, outsz, err);
}

static int get_addr(const struct flow_fnm_kv *kv, const char *key, int family, char *out,
		    size_t outsz, struct perr *err)
{
	uint8_t b[16];
	if (inet_pton(family == 6 ? AF_INET6 : AF_INET, kv->value, b) != 1)
		return bad(kv, key, family == 6 ? "not an IPv6 address" : "not an IPv4 address",
			   err);
	return get_text(kv, key, out, outsz, err);
}

/* A network of networks_list or a hostgroup, in the constituency's
** canonical form (the networks become, or must match, CIDR assets). */
static int get_net(const char *text, struct flow_fnm_net *out, struct perr *err)
{
	char canon[512];
	if (constituency_asset_canon("cidr", text, canon, sizeof(canon), err) != 0)
		return -1;
	char addr[64];
	struct pstr a, l;
	pstr_cut(pstr_c(canon), '/', &a, &l);
	int64_t len = 0;
	if (pstr_copy(a, addr, sizeof(addr)) != 0 || pstr_to_i64(l, 0, 128, &len) != 0)
		return perr_set(err, PERR_INTERNAL, NULL, "canonical network unreadable");
	memset(out, 0, sizeof(*out));
	out->family = inet_pton(AF_INET, addr, out->addr) == 1 ? 4 : 6;
	if (out->family == 6 && inet_pton(AF_INET6, addr, out->addr) != 1)
		return perr_set(err, PERR_INTERNAL, NULL, "canonical network unreadable");
	out->prefix = (uint8_t)len;
	pstrtrunc(out->text, canon, sizeof(out->text));
	return 0;
}

/* The per-protocol key names, in enum flow_fnm_proto's order. */
static const char *const proto_names[FLOW_FNM_PROTO_COUNT] = { "tcp", "udp", "icmp", "tcp_syn" };

/* Largest threshold accepted: 10^12 pps or Mbit/s is beyond any link, and
** keeps mbps * 10^6 within 64 bits. */
#define TH_MAX 1000000000000LL

/* Read one ban-settings key (without any hostgroup prefix) into b.
** Returns 1 when name is one, 0 when not, -1 on a bad value. */
static int ban_key(const struct flow_fnm_kv *kv, const char *name, struct flow_fnm_ban *b,
		   struct perr *err)
{
	const char *key = kv->key;
	struct bkey {
		const char *name;
		bool *sw;
		uint64_t *num;
	} keys[8 + 4 * FLOW_FNM_PROTO_COUNT] = {
		{ "enable_ban", &b->enable_ban, NULL },
		{ "enable_ban_ipv6", &b->enable_ban_ipv6, NULL },
		{ "ban_for_pps", &b->ban_for_pps, NULL },
		{ "ban_for_bandwidth", &b->ban_for_bandwidth, NULL },
		{ "ban_for_flows", &b->ban_for_flows, NULL },
		{ "threshold_pps", NULL, &b->threshold_pps },
		{ "threshold_mbps", NULL, &b->threshold_mbps },
		{ "threshold_flows", NULL, &b->threshold_flows },
	};
	char names[4 * FLOW_FNM_PROTO_COUNT][40];
	for (int i = 0; i < FLOW_FNM_PROTO_COUNT; i++) {
		struct flow_fnm_proto_th *t = &b->proto[i];
		snprintf(names[4 * i], sizeof(names[0]), "threshold_%s_pps", proto_names[i]);
		snprintf(names[4 * i + 1], sizeof(names[0]), "threshold_%s_mbps", proto_names[i]);
		snprintf(names[4 * i + 2], sizeof(names[0]), "ban_for_%s_pps", proto_names[i]);
		snprintf(names[4 * i + 3], sizeof(names[0]), "ban_for_%s_bandwidth", proto_names[i]);
		keys[8 + 4 * i] = (struct bkey){ names[4 * i], NULL, &t->threshold_pps };
		keys[8 + 4 * i + 1] = (struct bkey){ names[4 * i + 1], NULL, &t->threshold_mbps };
		keys[8 + 4 * i + 2] = (struct bkey){ names[4 * i + 2], &t->ban_for_pps, NULL };
		keys[8 + 4 * i + 3] =
			(struct bkey){ names[4 * i + 3], &t->ban_for_bandwidth, NULL };
	}
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (strcmp(name, keys[i].name) != 0)
			continue;
		int rc = keys[i].sw ? get_switch(kv, key, keys[i].sw, err)
				    : get_u64(kv, key, TH_MAX, keys[i].num, err);
		return rc == 0 ? 1 : -1;
	}
	return 0;
}

/* Keys FastNetMon 1.2.4 reads that Parapet does not act on, with why. */
static const struct {
	const char *key;
	const char *why;
} ignored[] = {
	{ "logging_", "Parapet logs to stderr, one line per event ([log] level)" },
	{ "disable_usage_report", "Parapet sends no usage reports" },
	{ "dump_", "debugging dumps of FastNetMon's own" },
	{ "ban_details_records_count", "the incident keeps a sample of flows as evidence" },
	{ "check_period", "fastnetmon_client's screen" },
	{ "enable_connection_tracking", "Parapet counts flows per host without a connection table" },
	{ "mirror", "Parapet reads NetFlow, IPFIX and sFlow, not port mirrors" },
	{ "poll_mode_xdp", "port mirror capture" },
	{ "xdp_", "port mirror capture" },
	{ "zero_copy_xdp", "port mirror capture" },
	{ "force_native_mode_xdp", "port mirror capture" },
	{ "microcode_xdp_path", "port mirror capture" },
	{ "af_packet_", "port mirror capture" },
	{ "netmap_", "port mirror capture" },
	{ "pcap", "port mirror capture" },
	{ "interfaces", "port mirror capture" },
	{ "netflow", "the collector's sockets are [flow] settings of their own (later step)" },
	{ "sflow", "the collector's sockets are [flow] settings of their own (later step)" },
	{ "average_calculation_time", "Parapet's rates are over a sliding 1 s window" },
	{ "speed_calculation_delay", "Parapet merges counters on a 100 ms tick" },
	{ "collect_attack_pcap_dumps", "the incident keeps a sample of flows as evidence" },
	{ "redis_", "attacks go to the incident hub" },
	{ "mongodb_", "attacks go to the incident hub" },
	{ "influxdb", "metrics are Prometheus ([metrics] listen)" },
	{ "graphite", "metrics are Prometheus ([metrics] listen)" },
	{ "prometheus", "metrics are Prometheus ([metrics] listen)" },
	{ "monitor_local_ip_addresses", "protected hosts are the constituency's CIDR assets" },
	{ "monitor_openvz_vps_ip_addresses", "protected hosts are the constituency's CIDR assets" },
	{ "pid_path", "the data directory lock" },
	{ "cli_stats_", "parapet flow top reads live counters" },
	{ "enable_api", "Parapet's HTTP API" },
	{ "kafka_", "no traffic export" },
	{ "sort_parameter", "parapet flow top --by" },
	{ "max_ips_in_list", "parapet flow top" },
};

/* Global keys Parapet reads; each sets one field of c. */
static int global_key(struct flow_fnm_conf *c, const struct flow_fnm_kv *kv, struct perr *err)
{
	const char *k = kv->key;
	uint64_t u = 0;
#define SW(name, field)                                                        \
	if (strcmp(k, name) == 0)                                              \
		return get_switch(kv, k, &c->field, err) == 0 ? 1 : -1;
#define TXT(name, field)                                                       \
	if (strcmp(k, name) == 0)                                              \
		return get_text(kv, k, c->field, sizeof(c->field), err) == 0 ? 1 : -1;
#define COM(name, field)                                                       \
	if (strcmp(k, name) == 0)                                              \
		return get_community(kv, k, c->field, sizeof(c->field), err) == 0 ? 1 : -1;
#define ADDR(name, fam, field)                                                 \
	if (strcmp(k, name) == 0)                                              \
		return get_addr(kv, k, fam, c->field, sizeof(c->field), err) == 0 ? 1 : -1;
	if (strcmp(k, "ban_time") == 0) {
		/* a year: FastNetMon keeps it in an int */
		if (get_u64(kv, k, 366LL * 86400, &u, err) != 0)
			return -1;
		c->ban_time = (int64_t)u;
		return 1;
	}
	SW("unban_only_if_attack_finished", unban_only_if_attack_finished)
	SW("process_incoming_traffic", process_incoming_traffic)
	SW("process_outgoing_traffic", process_outgoing_traffic)
	TXT("notify_script_path", notify_script_path)
	TXT("networks_list_path", networks_list_path)
	TXT("white_list_path", white_list_path)
	SW("exabgp", exabgp)
	SW("exabgp_announce_host", exabgp_announce_host)
	SW("exabgp_announce_whole_subnet", exabgp_announce_whole_subnet)
	SW("exabgp_flow_spec_announces", exabgp_flow_spec_announces)
	TXT("exabgp_command_pipe", exabgp_command_pipe)
	COM("exabgp_community", exabgp_community)
	COM("exabgp_community_host", exabgp_community_host)
	COM("exabgp_community_subnet", exabgp_community_subnet)
	SW("gobgp", gobgp)
	SW("gobgp_announce_host", gobgp_announce_host)
	SW("gobgp_announce_whole_subnet", gobgp_announce_whole_subnet)
	SW("gobgp_announce_host_ipv6", gobgp_announce_host_ipv6)
	SW("gobgp_announce_whole_subnet_ipv6", gobgp_announce_whole_subnet_ipv6)
	ADDR("gobgp_next_hop", 4, gobgp_next_hop)
	ADDR("gobgp_next_hop_ipv6", 6, gobgp_next_hop_ipv6)
	COM("gobgp_community_host", gobgp_community_host)
	COM("gobgp_community_subnet", gobgp_community_subnet)
	COM("gobgp_community_host_ipv6", gobgp_community_host_ipv6)
	COM("gobgp_community_subnet_ipv6", gobgp_community_subnet_ipv6)
	if (strcmp(k, "exabgp_next_hop") == 0) {
		/* ExaBGP takes an address of either family, or "self" */
		uint8_t b[16];
		if (strcmp(kv->value, "self") != 0 && inet_pton(AF_INET, kv->value, b) != 1 &&
		    inet_pton(AF_INET6, kv->value, b) != 1)
			return bad(kv, k, "not an IP address or self", err);
		return get_text(kv, k, c->exabgp_next_hop, sizeof(c->exabgp_next_hop), err) == 0
			       ? 1
			       : -1;
	}
#undef SW
#undef TXT
#undef COM
#undef ADDR
	return 0;
}

static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || n >= FLOW_FNM_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.'))
			return false;
	}
	return true;
}

/* "hostgroup = NAME:CIDR,CIDR,...". FastNetMon 1.2.4 splits at every ':',
** so an IPv6 network in a hostgroup made the line unreadable there (#1044);
** here the name ends at the first ':' and the networks may be IPv6. */
static int hostgroup(struct flow_fnm_conf *c, const struct flow_fnm_kv *kv, struct perr *err)
{
	struct pstr name, list;
	if (!pstr_cut(pstr_c(kv->value), ':', &name, &list))
		return bad(kv, "hostgroup", "write NAME:NETWORK,NETWORK,...", err);
	name = trim(name);
	list = trim(list);
	if (!name_ok(name.p, name.n))
		return bad(kv, "hostgroup",
			   "a hostgroup name is 1 to 63 letters, digits, '_', '-' or '.'", err);
	for (size_t i = 0; i < c->n_groups; i++)
		if (pstr_eqc(name, c->groups[i].name))
			/* FastNetMon keeps the first and warns */
			return note(c, kv->line, "hostgroup",
				    "a second definition of the same hostgroup: the first is kept, "
				    "as FastNetMon does",
				    err);
	if (c->n_groups >= FLOW_FNM_GROUPS_MAX)
		return perr_set(err, PERR_LIMIT, "hostgroup", "line %u: more than %d hostgroups",
				kv->line, FLOW_FNM_GROUPS_MAX);
	struct flow_fnm_group *gs = realloc(c->groups, (c->n_groups + 1) * sizeof(*gs));
	if (!gs)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	c->groups = gs;
	struct flow_fnm_group *g = &gs[c->n_groups++];
	memset(g, 0, sizeof(*g));
	pstr_copy(name, g->name, sizeof(g->name));
	g->line = kv->line;
	while (list.n) {
		struct pstr one, tail = { 0 };
		if (!pstr_cut(list, ',', &one, &tail))
			one = list;
		one = trim(one);
		list = trim(tail);
		if (one.n == 0)
			continue; /* FastNetMon skips empty items too */
		if (g->n_nets >= FLOW_FNM_GROUP_NETS_MAX)
			return perr_set(err, PERR_LIMIT, "hostgroup",
					"line %u: hostgroup %s has more than %d networks", kv->line,
					g->name, FLOW_FNM_GROUP_NETS_MAX);
		char txt[80];
		struct perr e2 = { 0 };
		if (pstr_copy(one, txt, sizeof(txt)) != 0)
			return bad(kv, "hostgroup", "a network is too long", err);
		struct flow_fnm_net net;
		if (get_net(txt, &net, &e2) != 0)
			return perr_set(err, PERR_INVALID, "hostgroup", "line %u: hostgroup %s: %s",
					kv->line, g->name, e2.msg);
		struct flow_fnm_net *ns = realloc(g->nets, (g->n_nets + 1) * sizeof(*ns));
		if (!ns)
			return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		g->nets = ns;
		ns[g->n_nets++] = net;
	}
	if (g->n_nets == 0)
		return bad(kv, "hostgroup", "a hostgroup without networks", err);
	return 0;
}

/* The index of the last line of key k (FastNetMon's map keeps the last). */
static bool is_last(const struct flow_fnm_doc *d, size_t i)
{
	for (size_t j = i + 1; j < d->n; j++)
		if (!d->kv[j].malformed && strcmp(d->kv[j].key, d->kv[i].key) == 0)
			return false;
	return true;
}

static bool prefix_of(const char *p, const char *k)
{
	return strncmp(k, p, strlen(p)) == 0;
}

static void conf_defaults(struct flow_fnm_conf *c)
{
	memset(c, 0, sizeof(*c));
	/* FastNetMon 1.2.4's built-in values where its file says nothing */
	c->ban_time = 1800;
	c->unban_only_if_attack_finished = true;
	c->process_incoming_traffic = true;
	c->process_outgoing_traffic = true;
}

static int map_networks(struct flow_fnm_conf *c, const struct flow_fnm_doc *nd, struct perr *err)
{
	if (nd->n == 0)
		return 0;
	c->nets = calloc(nd->n, sizeof(*c->nets));
	if (!c->nets)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	for (size_t i = 0; i < nd->n; i++) {
		struct perr e2 = { 0 };
		if (get_net(nd->kv[i].value, &c->nets[c->n_nets], &e2) != 0)
			return perr_set(err, PERR_INVALID, "networks_list", "networks_list line %u: %s",
					nd->kv[i].line, e2.msg);
		c->n_nets++;
	}
	return 0;
}

int flow_fnm_map(const struct flow_fnm_doc *conf, const struct flow_fnm_doc *networks,
		 struct flow_fnm_conf *c, struct perr *err)
{
	conf_defaults(c);
	/* Pass 1: hostgroups, so that their keys can be recognised whatever
	** their order (FastNetMon, too, reads the whole map first). */
	for (size_t i = 0; i < conf->n; i++) {
		const struct flow_fnm_kv *kv = &conf->kv[i];
		if (!kv->malformed && strcmp(kv->key, "hostgroup") == 0 && hostgroup(c, kv, err) != 0)
			return -1;
	}
	for (size_t i = 0; i < conf->n; i++) {
		const struct flow_fnm_kv *kv = &conf->kv[i];
		int rc;
		if (kv->malformed) {
			if (note(c, kv->line, kv->key,
				 "not KEY = VALUE (no '=', or a second one): FastNetMon skips it too",
				 err) != 0)
				return -1;
			continue;
		}
		if (strcmp(kv->key, "hostgroup") == 0)
			continue;
		if (!is_last(conf, i)) {
			if (note(c, kv->line, kv->key,
				 "repeated later: the last one counts, as in FastNetMon", err) != 0)
				return -1;
			continue;
		}
		if ((rc = ban_key(kv, kv->key, &c->ban, err)) != 0 ||
		    (rc = global_key(c, kv, err)) != 0) {
			if (rc < 0)
				return -1;
			continue;
		}
		/* NAME_setting of a defined hostgroup; the longest name wins
		** when one name is a prefix of another ("a" and "a_b"). */
		struct flow_fnm_group *g = NULL;
		for (size_t j = 0; j < c->n_groups; j++) {
			size_t ln = strlen(c->groups[j].name);
			if (strncmp(kv->key, c->groups[j].name, ln) == 0 && kv->key[ln] == '_' &&
			    (!g || ln > strlen(g->name))) {
				struct flow_fnm_ban probe = { 0 };
				struct perr e2 = { 0 };
				if (ban_key(kv, kv->key + ln + 1, &probe, &e2) != 0)
					g = &c->groups[j];
			}
		}
		if (g) {
			if (ban_key(kv, kv->key + strlen(g->name) + 1, &g->ban, err) < 0)
				return -1;
			continue;
		}
		const char *why = NULL;
		for (size_t j = 0; j < ARRAY_SIZE(ignored) && !why; j++)
			if (prefix_of(ignored[j].key, kv->key))
				why = ignored[j].why;
		if (!why && strstr(kv->key, "_threshold_"))
			why = "a hostgroup setting of an undefined hostgroup: FastNetMon ignores it too";
		if (!why && (strstr(kv->key, "_ban_for_") || strstr(kv->key, "_enable_ban")))
			why = "a hostgroup setting of an undefined hostgroup: FastNetMon ignores it too";
		if (!why)
			why = "unknown to FastNetMon 1.2.4 and to Parapet";
		if (note(c, kv->line, kv->key, why, err) != 0)
			return -1;
	}
	/* FastNetMon's own fallbacks: the host and subnet communities are the
	** plain one unless set. */
	if (!c->exabgp_community_host[0])
		PSTRCPY(c->exabgp_community_host, c->exabgp_community);
	if (!c->exabgp_community_subnet[0])
		PSTRCPY(c->exabgp_community_subnet, c->exabgp_community);
	if (c->exabgp && (!c->exabgp_command_pipe[0] || !c->exabgp_next_hop[0] ||
			  (c->exabgp_announce_host && !c->exabgp_community_host[0]) ||
			  (c->exabgp_announce_whole_subnet && !c->exabgp_community_subnet[0])))
		return perr_set(err, PERR_INVALID, "exabgp",
				"exabgp = on needs exabgp_command_pipe, exabgp_next_hop and a "
				"community (FastNetMon turns ExaBGP off without them)");
	if (networks && map_networks(c, networks, err) != 0)
		return -1;
	return 0;
}

void flow_fnm_conf_free(struct flow_fnm_conf *c)
{
	for (size_t i = 0; i < c->n_groups; i++)
		free(c->groups[i].nets);
	free(c->groups);
	free(c->nets);
	free(c->notes);
	memset(c, 0, sizeof(*c));
}

/* ----------------------------------------------------------------- INI */

static const char *tf(bool b)
{
	return b ? "true" : "false";
}

/* A threshold as Parapet reads it: 0 when its ban_for_* switch is off
** (FastNetMon never compares against it then), else the value; Mbit/s
** become bit/s (FastNetMon's Mbit is 10^6 bits). */
static void ini_ban(struct pbuf *o, const struct flow_fnm_ban *b)
{
	pbuf_addf(o, "mitigate = %s\n", tf(b->enable_ban));
	pbuf_addf(o, "mitigate_ipv6 = %s\n", tf(b->enable_ban_ipv6));
	pbuf_addf(o, "threshold_pps = %llu\n",
		  (unsigned long long)(b->ban_for_pps ? b->threshold_pps : 0));
	pbuf_addf(o, "threshold_bps = %llu\n",
		  (unsigned long long)(b->ban_for_bandwidth ? b->threshold_mbps * 1000000 : 0));
	pbuf_addf(o, "threshold_flows = %llu\n",
		  (unsigned long long)(b->ban_for_flows ? b->threshold_flows : 0));
	static const char *const pname[FLOW_FNM_PROTO_COUNT] = { "tcp", "udp", "icmp", "syn" };
	for (int i = 0; i < FLOW_FNM_PROTO_COUNT; i++) {
		const struct flow_fnm_proto_th *t = &b->proto[i];
		pbuf_addf(o, "threshold_%s_pps = %llu\n", pname[i],
			  (unsigned long long)(t->ban_for_pps ? t->threshold_pps : 0));
		pbuf_addf(o, "threshold_%s_bps = %llu\n", pname[i],
			  (unsigned long long)(t->ban_for_bandwidth ? t->threshold_mbps * 1000000
								    : 0));
	}
}

int flow_fnm_to_ini(const struct flow_fnm_conf *c, struct pbuf *o)
{
	pbuf_adds(o, "# [flow] imported from FastNetMon's configuration (docs/flow.md)\n");
	for (size_t i = 0; i < c->n_notes; i++)
		pbuf_addf(o, "# not imported: line %u: %s: %s\n", c->notes[i].line, c->notes[i].key,
			  c->notes[i].why);
	pbuf_adds(o, "[flow]\n");
	ini_ban(o, &c->ban);
	pbuf_addf(o, "process_incoming = %s\n", tf(c->process_incoming_traffic));
	pbuf_addf(o, "process_outgoing = %s\n", tf(c->process_outgoing_traffic));
	pbuf_addf(o, "ban_time = %lld\n", (long long)c->ban_time);
	pbuf_addf(o, "unban_only_if_finished = %s\n", tf(c->unban_only_if_attack_finished));
	pbuf_addf(o, "notify_script = %s\n", c->notify_script_path);
	pbuf_addf(o, "exabgp = %s\n", tf(c->exabgp));
	pbuf_addf(o, "exabgp_pipe = %s\n", c->exabgp_command_pipe);
	pbuf_addf(o, "exabgp_next_hop = %s\n", c->exabgp_next_hop);
	pbuf_addf(o, "exabgp_community_host = %s\n", c->exabgp_community_host);
	pbuf_addf(o, "exabgp_community_subnet = %s\n", c->exabgp_community_subnet);
	pbuf_addf(o, "exabgp_announce_host = %s\n", tf(c->exabgp_announce_host));
	pbuf_addf(o, "exabgp_announce_subnet = %s\n", tf(c->exabgp_announce_whole_subnet));
	pbuf_addf(o, "exabgp_flowspec = %s\n", tf(c->exabgp_flow_spec_announces));
	pbuf_addf(o, "gobgp = %s\n", tf(c->gobgp));
	pbuf_addf(o, "gobgp_next_hop = %s\n", c->gobgp_next_hop);
	pbuf_addf(o, "gobgp_next_hop_ipv6 = %s\n", c->gobgp_next_hop_ipv6);
	pbuf_addf(o, "gobgp_announce_host = %s\n", tf(c->gobgp_announce_host));
	pbuf_addf(o, "gobgp_announce_subnet = %s\n", tf(c->gobgp_announce_whole_subnet));
	pbuf_addf(o, "gobgp_announce_host_ipv6 = %s\n", tf(c->gobgp_announce_host_ipv6));
	pbuf_addf(o, "gobgp_announce_subnet_ipv6 = %s\n", tf(c->gobgp_announce_whole_subnet_ipv6));
	pbuf_addf(o, "gobgp_community_host = %s\n", c->gobgp_community_host);
	pbuf_addf(o, "gobgp_community_subnet = %s\n", c->gobgp_community_subnet);
	pbuf_addf(o, "gobgp_community_host_ipv6 = %s\n", c->gobgp_community_host_ipv6);
	pbuf_addf(o, "gobgp_community_subnet_ipv6 = %s\n", c->gobgp_community_subnet_ipv6);
	for (size_t i = 0; i < c->n_groups; i++) {
		const struct flow_fnm_group *g = &c->groups[i];
		/* one network a line: each networks line adds, and the INI
		** reader (inih) reads lines of at most 200 bytes */
		pbuf_addf(o, "\n[flow.hostgroup.%s]\n", g->name);
		for (size_t j = 0; j < g->n_nets; j++)
			pbuf_addf(o, "networks = %s\n", g->nets[j].text);
		ini_ban(o, &g->ban);
	}
	return pbuf_failed(o) ? -1 : 0;
}

/* --------------------------------------------------------- notify script */

const char *flow_dir_name(enum flow_dir d)
{
	return d == FLOW_OUT ? "outgoing" : "incoming";
}

const char *flow_action_name(enum flow_action a)
{
	switch (a) {
	case FLOW_ACT_BAN:
		return "ban";
	case FLOW_ACT_UNBAN:
		return "unban";
	case FLOW_ACT_DETAILS:
		return "attack_details";
	}
	return "ban";
}

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 1:
	case 58:
		return "icmp";
	default:
		return "unknown";
	}
}

static bool ip_ok(const char *ip)
{
	uint8_t b[16];
	return inet_pton(AF_INET, ip, b) == 1 || inet_pton(AF_INET6, ip, b) == 1;
}

/* FastNetMon prints Mbit/s as an integer, 10^6 bits. */
static unsigned long long mbps(uint64_t bps)
{
	return (unsigned long long)(bps / 1000000);
}

int flow_notify_build(const char *script, enum flow_action act, const struct flow_attack_info *a,
		      struct flow_notify_bufs *bufs, const char *argv[FLOW_NOTIFY_ARGS],
		      struct pbuf *in, struct perr *err)
{
	if (!script || script[0] != '/')
		return perr_set(err, PERR_INVALID, "notify_script", "the script needs an absolute path");
	if (!ip_ok(a->ip))
		return perr_set(err, PERR_INVALID, "ip", "not an IP address: %.46s", a->ip);
	if (act != FLOW_ACT_BAN && act != FLOW_ACT_UNBAN && act != FLOW_ACT_DETAILS)
		return perr_set(err, PERR_INVALID, "action", "unknown action");
	for (size_t i = 0; a->type[i]; i++)
		if (!(a->type[i] == '_' || (a->type[i] >= 'a' && a->type[i] <= 'z') ||
		      (a->type[i] >= '0' && a->type[i] <= '9')))
			return perr_set(err, PERR_INVALID, "type", "an attack type is a-z, 0-9, _");
	PSTRCPY(bufs->ip, a->ip);
	snprintf(bufs->pps, sizeof(bufs->pps), "%llu", (unsigned long long)a->pps);
	argv[0] = script;
	argv[1] = bufs->ip;
	argv[2] = flow_dir_name(a->dir);
	argv[3] = bufs->pps;
	argv[4] = flow_action_name(act);
	argv[5] = NULL;
	if (act == FLOW_ACT_UNBAN)
		return 0; /* FastNetMon writes nothing to the script on unban */
	/* The lines FastNetMon 1.2.4 writes (scripts grep them), in its
	** words; the other direction's figures are 0 because the detector
	** reports one direction per attack. */
	bool in_dir = a->dir == FLOW_IN;
	const char *d = in_dir ? "incoming" : "outgoing", *D = in_dir ? "Incoming" : "Outgoing";
	pbuf_addf(in, "IP: %s\n", a->ip);
	pbuf_addf(in, "Attack type: %s\n", a->type[0] ? a->type : "unknown");
	pbuf_addf(in, "Initial attack power: %llu packets per second\n", (unsigned long long)a->pps);
	pbuf_addf(in, "Peak attack power: %llu packets per second\n",
		  (unsigned long long)(a->peak_pps > a->pps ? a->peak_pps : a->pps));
	pbuf_addf(in, "Attack direction: %s\n", d);
	pbuf_addf(in, "Attack protocol: %s\n", proto_name(a->protocol));
	pbuf_addf(in, "Total %s traffic: %llu mbps\n", d, mbps(a->bps));
	pbuf_addf(in, "Total %s pps: %llu packets per second\n", d, (unsigned long long)a->pps);
	pbuf_addf(in, "Total %s flows: %llu flows per second\n", d, (unsigned long long)a->flows);
	struct {
		const char *name;
		uint64_t bps, pps;
	} rows[] = {
		{ "ip fragmented", a->frag_bps, a->frag_pps }, { "tcp", a->tcp_bps, a->tcp_pps },
		{ "syn tcp", a->syn_bps, a->syn_pps },        { "udp", a->udp_bps, a->udp_pps },
		{ "icmp", a->icmp_bps, a->icmp_pps },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		pbuf_addf(in, "%s %s traffic: %llu mbps\n", D, rows[i].name, mbps(rows[i].bps));
		pbuf_addf(in, "%s %s pps: %llu packets per second\n", D, rows[i].name,
			  (unsigned long long)rows[i].pps);
	}
	/* Parapet's addition, after FastNetMon's lines: the top sources. */
	size_t n_top = a->n_top < FLOW_TOP_MAX ? a->n_top : FLOW_TOP_MAX;
	for (size_t i = 0; i < n_top; i++) {
		if (!ip_ok(a->top[i].ip))
			return perr_set(err, PERR_INVALID, "top", "not an IP address: %.46s",
					a->top[i].ip);
		pbuf_addf(in, "Top source: %s port %u %llu packets per second\n", a->top[i].ip,
			  (unsigned)a->top[i].port, (unsigned long long)a->top[i].pps);
	}
	if (pbuf_failed(in))
		return perr_set(err, PERR_LIMIT, NULL, "the details do not fit");
	return 0;
}
