/*
** test_flow_fnm.c — FastNetMon's configuration read as is (src/flow/fnm.c)
** and the lines Parapet hands to the operator's tools (fnm.c's notify
** arguments and stdin, bgp.c's ExaBGP API lines). What an operator relies
** on: a file fed in any pieces reads the same; each key lands where
** FastNetMon meant it (hostgroups with their own thresholds, IPv6
** networks); a value FastNetMon would have misread stops the import with
** its line and key; keys Parapet does not use are listed, not fatal; the
** [flow] text says the same; a notify script gets FastNetMon's argv and
** stdin; an ExaBGP line is exactly what ExaBGP 4 reads, and a field that
** could smuggle a second command is refused.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"

static char *slurp(const char *name, size_t *n)
{
	const char *dir = getenv("FNM_DATA");
	assert_non_null(dir);
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	struct pbuf b;
	struct perr err = { 0 };
	if (core_file_read(path, 1 << 20, &b, &err) != 0)
		fail_msg("%s: %s", path, err.msg);
	*n = b.len;
	return pbuf_take(&b);
}

static int parse_text(const char *text, struct flow_fnm_doc *d, struct perr *err)
{
	return flow_fnm_doc_parse(d, FLOW_FNM_CONF, text, strlen(text), err);
}

/* map a configuration given as text; returns flow_fnm_map's result */
static int map_text(const char *text, struct flow_fnm_conf *c, struct perr *err)
{
	struct flow_fnm_doc d;
	int rc = parse_text(text, &d, err);
	if (rc == 0)
		rc = flow_fnm_map(&d, NULL, c, err);
	flow_fnm_doc_free(&d);
	return rc;
}

static const struct flow_fnm_note *find_note(const struct flow_fnm_conf *c, const char *key)
{
	for (size_t i = 0; i < c->n_notes; i++)
		if (strcmp(c->notes[i].key, key) == 0)
			return &c->notes[i];
	return NULL;
}

/* The push parser gives the same items whatever the pieces. */
static void test_push_pieces(void **state)
{
	(void)state;
	size_t n;
	char *text = slurp("fastnetmon.conf", &n);
	struct flow_fnm_doc whole, pieces = { .kind = FLOW_FNM_CONF };
	struct perr err = { 0 };
	assert_int_equal(flow_fnm_doc_parse(&whole, FLOW_FNM_CONF, text, n, &err), 0);
	struct flow_fnm_parser p;
	flow_fnm_parser_init(&p, FLOW_FNM_CONF, flow_fnm_doc_add, &pieces);
	for (size_t i = 0, step = 1; i < n; i += step, step = step % 7 + 1)
		assert_int_equal(flow_fnm_feed(&p, text + i, i + step > n ? n - i : step, &err), 0);
	assert_int_equal(flow_fnm_finish(&p, &err), 0);
	assert_int_equal(whole.n, pieces.n);
	assert_true(whole.n > 30);
	for (size_t i = 0; i < whole.n; i++) {
		assert_int_equal(whole.kv[i].line, pieces.kv[i].line);
		assert_string_equal(whole.kv[i].key, pieces.kv[i].key);
		assert_string_equal(whole.kv[i].value, pieces.kv[i].value);
	}
	/* a line number is the file's: "enable_ban = on" is line 8 */
	bool seen = false;
	for (size_t i = 0; i < whole.n; i++)
		if (strcmp(whole.kv[i].key, "enable_ban") == 0) {
			assert_int_equal(whole.kv[i].line, 8);
			assert_string_equal(whole.kv[i].value, "on");
			seen = true;
		}
	assert_true(seen);
	flow_fnm_doc_free(&whole);
	flow_fnm_doc_free(&pieces);
	free(text);
}

/* The sample maps key by key with FastNetMon's meaning. */
static void test_map_sample(void **state)
{
	(void)state;
	size_t n, nn;
	char *text = slurp("fastnetmon.conf", &n), *nets = slurp("networks_list", &nn);
	struct flow_fnm_doc d, nd;
	struct flow_fnm_conf c;
	struct perr err = { 0 };
	assert_int_equal(flow_fnm_doc_parse(&d, FLOW_FNM_CONF, text, n, &err), 0);
	assert_int_equal(flow_fnm_doc_parse(&nd, FLOW_FNM_NETWORKS, nets, nn, &err), 0);
	if (flow_fnm_map(&d, &nd, &c, &err) != 0)
		fail_msg("map: %s", err.msg);
	assert_true(c.ban.enable_ban);
	assert_true(c.ban.enable_ban_ipv6);
	assert_int_equal(c.ban_time, 600);
	assert_true(c.unban_only_if_attack_finished);
	assert_true(c.process_incoming_traffic);
	assert_false(c.process_outgoing_traffic);
	assert_true(c.ban.ban_for_pps);
	assert_true(c.ban.ban_for_bandwidth);
	assert_false(c.ban.ban_for_flows);
	assert_int_equal(c.ban.threshold_pps, 50000);
	assert_int_equal(c.ban.threshold_mbps, 800);
	assert_int_equal(c.ban.threshold_flows, 9000);
	assert_int_equal(c.ban.proto[FLOW_FNM_UDP].threshold_pps, 30000);
	assert_true(c.ban.proto[FLOW_FNM_UDP].ban_for_pps);
	assert_false(c.ban.proto[FLOW_FNM_UDP].ban_for_bandwidth);
	assert_int_equal(c.ban.proto[FLOW_FNM_TCP_SYN].threshold_pps, 8000);
	assert_true(c.ban.proto[FLOW_FNM_TCP_SYN].ban_for_pps);
	assert_false(c.ban.proto[FLOW_FNM_TCP].ban_for_pps);
	assert_string_equal(c.notify_script_path, "/usr/local/bin/notify_about_attack.sh");
	assert_true(c.exabgp);
	assert_string_equal(c.exabgp_command_pipe, "/run/exabgp/fnm.cmd");
	assert_string_equal(c.exabgp_next_hop, "192.0.2.254");
	assert_string_equal(c.exabgp_community_host, "65535:666");
	/* FastNetMon's fallback: the subnet community is the plain one */
	assert_string_equal(c.exabgp_community_subnet, "[65535:666 64512:100]");
	assert_true(c.exabgp_announce_host);
	assert_false(c.exabgp_announce_whole_subnet);
	assert_false(c.gobgp);
	assert_string_equal(c.gobgp_next_hop_ipv6, "100::1");
	/* the hostgroup: keys before and after its line, an IPv6 network */
	assert_int_equal(c.n_groups, 1);
	const struct flow_fnm_group *g = &c.groups[0];
	assert_string_equal(g->name, "web_farm");
	assert_int_equal(g->n_nets, 2);
	assert_string_equal(g->nets[0].text, "198.51.100.0/26");
	assert_int_equal(g->nets[1].family, 6);
	assert_int_equal(g->nets[1].prefix, 48);
	assert_string_equal(g->nets[1].text, "2001:db8:100::/48");
	assert_int_equal(g->ban.threshold_pps, 200000);
	assert_true(g->ban.ban_for_pps);
	assert_true(g->ban.enable_ban);
	assert_int_equal(g->ban.threshold_mbps, 2000);
	assert_true(g->ban.ban_for_bandwidth);
	/* no inheritance: FastNetMon's hostgroup starts from all off */
	assert_int_equal(g->ban.threshold_flows, 0);
	assert_false(g->ban.proto[FLOW_FNM_UDP].ban_for_pps);
	/* networks_list: IPv4, IPv6, a bare host as /32 */
	assert_int_equal(c.n_nets, 4);
	assert_string_equal(c.nets[0].text, "198.51.100.0/24");
	assert_string_equal(c.nets[2].text, "2001:db8:100::/48");
	assert_int_equal(c.nets[2].family, 6);
	assert_string_equal(c.nets[3].text, "192.0.2.10/32");
	/* what is not imported is listed, with why */
	const struct flow_fnm_note *no = find_note(&c, "logging_level");
	assert_non_null(no);
	assert_int_equal(no->line, 4);
	assert_non_null(find_note(&c, "netflow_port"));
	assert_non_null(find_note(&c, "prometheus"));
	no = find_note(&c, "mail_threshold_pps");
	assert_non_null(no);
	assert_non_null(strstr(no->why, "undefined hostgroup"));
	/* keys Parapet reads are not listed */
	assert_null(find_note(&c, "threshold_pps"));
	assert_null(find_note(&c, "web_farm_threshold_pps"));
	assert_null(find_note(&c, "gobgp_next_hop"));
	flow_fnm_conf_free(&c);
	flow_fnm_doc_free(&d);
	flow_fnm_doc_free(&nd);
	free(text);
	free(nets);
}

/* refused: the value of key on line, PERR_INVALID naming both */
static void refused(const char *text, const char *key, unsigned line)
{
	struct flow_fnm_conf c;
	struct perr err = { 0 };
	if (map_text(text, &c, &err) == 0)
		fail_msg("accepted: %s", text);
	assert_int_equal(err.kind, PERR_INVALID);
	assert_string_equal(err.field, key);
	char want[32];
	snprintf(want, sizeof(want), "line %u:", line);
	if (!strstr(err.msg, want))
		fail_msg("'%s' does not name %s", err.msg, want);
	flow_fnm_conf_free(&c);
}

static void test_bad_values(void **state)
{
	(void)state;
	refused("threshold_pps = 1\nenable_ban = yes\n", "enable_ban", 2);
	refused("threshold_pps = 10k\n", "threshold_pps", 1);
	refused("# c\n\nthreshold_mbps = -5\n", "threshold_mbps", 3);
	refused("threshold_flows = 99999999999999999999\n", "threshold_flows", 1);
	refused("ban_time = 1h\n", "ban_time", 1);
	refused("exabgp_community = 65535:666666\n", "exabgp_community", 1);
	refused("exabgp_community = [65535:666 x]\n", "exabgp_community", 1);
	/* several communities are FastNetMon's list only inside brackets */
	refused("exabgp_community = 65535:666 64512:100\n", "exabgp_community", 1);
	refused("exabgp_next_hop = 10.0.0.300\n", "exabgp_next_hop", 1);
	refused("gobgp_next_hop_ipv6 = 10.0.0.1\n", "gobgp_next_hop_ipv6", 1);
	refused("notify_script_path = /bin/x\x1b[2J\n", "notify_script_path", 1);
	refused("hostgroup = g:10.0.0.1/24\n", "hostgroup", 1);       /* host bits */
	refused("hostgroup = g:\n", "hostgroup", 1);                  /* no networks */
	refused("hostgroup = bad name:10.0.0.0/24\n", "hostgroup", 1);
	refused("hostgroup = g:10.0.0.0/24\ng_threshold_pps = lots\n", "g_threshold_pps", 2);
	/* ExaBGP on without what FastNetMon needs for it */
	struct flow_fnm_conf c;
	struct perr err = { 0 };
	assert_int_equal(map_text("exabgp = on\nexabgp_community = 1:1\n", &c, &err), -1);
	assert_string_equal(err.field, "exabgp");
	flow_fnm_conf_free(&c);
}

/* Lines FastNetMon skips, repeated keys, unknown keys: notes, not errors. */
static void test_notes(void **state)
{
	(void)state;
	struct flow_fnm_conf c;
	struct perr err = { 0 };
	const char *text = "threshold_pps = 100\n"
			   "just words\n"
			   "a = b = c\n"
			   "threshold_pps = 200\n"
			   "frobnicate = 1\n"
			   "  # indented comment\n"
			   "notify_script_path = /x # not a comment in FastNetMon\n"
			   "hostgroup = g:10.0.0.0/24\n"
			   "hostgroup = g:10.1.0.0/24\n"
			   "threshold_pps_extra =\n";
	assert_int_equal(map_text(text, &c, &err), 0);
	assert_int_equal(c.ban.threshold_pps, 200); /* the last wins */
	const struct flow_fnm_note *n = find_note(&c, "threshold_pps");
	assert_non_null(n);
	assert_int_equal(n->line, 1);
	assert_non_null(find_note(&c, "just words"));
	assert_non_null(find_note(&c, "a = b = c"));
	assert_non_null(find_note(&c, "threshold_pps_extra ="));
	n = find_note(&c, "frobnicate");
	assert_non_null(n);
	assert_int_equal(n->line, 5);
	assert_string_equal(c.notify_script_path, "/x # not a comment in FastNetMon");
	assert_int_equal(c.n_groups, 1);
	assert_string_equal(c.groups[0].nets[0].text, "10.0.0.0/24");
	n = find_note(&c, "hostgroup");
	assert_non_null(n);
	assert_int_equal(n->line, 9);
	flow_fnm_conf_free(&c);

	/* "a == b" is one key and one value in FastNetMon (runs of '=') */
	assert_int_equal(map_text("threshold_pps == 7\n", &c, &err), 0);
	assert_int_equal(c.ban.threshold_pps, 7);
	flow_fnm_conf_free(&c);
}

/* Bounds: line length, key count, file size, NUL; networks named by line. */
static void test_bounds(void **state)
{
	(void)state;
	struct flow_fnm_doc d;
	struct perr err = { 0 };
	size_t n = FLOW_FNM_LINE_MAX + 10;
	char *big = malloc(n + 1);
	memset(big, 'a', n);
	big[n] = 0;
	assert_int_equal(flow_fnm_doc_parse(&d, FLOW_FNM_CONF, big, n, &err), -1);
	assert_int_equal(err.kind, PERR_LIMIT);
	assert_non_null(strstr(err.msg, "line 1"));
	flow_fnm_doc_free(&d);
	free(big);

	struct pbuf b;
	pbuf_init(&b, 0);
	for (int i = 0; i <= FLOW_FNM_KEYS_MAX; i++)
		pbuf_addf(&b, "k%d = 1\n", i);
	assert_int_equal(flow_fnm_doc_parse(&d, FLOW_FNM_CONF, b.ptr, b.len, &err), -1);
	assert_int_equal(err.kind, PERR_LIMIT);
	flow_fnm_doc_free(&d);
	pbuf_free(&b);

	assert_int_equal(flow_fnm_doc_parse(&d, FLOW_FNM_CONF, "a = 1\nb\0 = 2\n", 13, &err), -1);
	assert_int_equal(err.kind, PERR_INVALID);
	assert_non_null(strstr(err.msg, "line 2"));
	flow_fnm_doc_free(&d);

	struct flow_fnm_parser p;
	flow_fnm_parser_init(&p, FLOW_FNM_CONF, flow_fnm_doc_add, &d);
	memset(&d, 0, sizeof(d));
	char *chunk = calloc(1, 1 << 16);
	memset(chunk, '\n', 1 << 16);
	int rc = 0;
	for (int i = 0; i < 17 && rc == 0; i++)
		rc = flow_fnm_feed(&p, chunk, 1 << 16, &err);
	assert_int_equal(rc, -1);
	assert_int_equal(err.kind, PERR_LIMIT);
	assert_int_equal(flow_fnm_feed(&p, "x", 1, &err), -1); /* stays failed */
	free(chunk);
	flow_fnm_doc_free(&d);

	/* a bad network names its line in networks_list */
	struct flow_fnm_doc conf, nets;
	struct flow_fnm_conf c;
	assert_int_equal(parse_text("", &conf, &err), 0);
	const char *nl = "10.0.0.0/8\n2001:db8::/32\n\nfe80::1/200\n";
	assert_int_equal(flow_fnm_doc_parse(&nets, FLOW_FNM_NETWORKS, nl, strlen(nl), &err), 0);
	assert_int_equal(flow_fnm_map(&conf, &nets, &c, &err), -1);
	assert_string_equal(err.field, "networks_list");
	assert_non_null(strstr(err.msg, "line 4"));
	flow_fnm_conf_free(&c);
	flow_fnm_doc_free(&conf);
	flow_fnm_doc_free(&nets);
}

/* The [flow] text says the same: a threshold counts only with its switch,
** Mbit/s become bit/s, hostgroups get their sections, notes are comments. */
static void test_ini(void **state)
{
	(void)state;
	size_t n;
	char *text = slurp("fastnetmon.conf", &n);
	struct flow_fnm_doc d;
	struct flow_fnm_conf c;
	struct perr err = { 0 };
	assert_int_equal(flow_fnm_doc_parse(&d, FLOW_FNM_CONF, text, n, &err), 0);
	assert_int_equal(flow_fnm_map(&d, NULL, &c, &err), 0);
	struct pbuf o;
	pbuf_init(&o, 0);
	assert_int_equal(flow_fnm_to_ini(&c, &o), 0);
	const char *ini = pbuf_cstr(&o);
	const char *want[] = {
		"\n[flow]\nmitigate = true\nmitigate_ipv6 = true\nthreshold_pps = 50000\n"
		"threshold_bps = 800000000\nthreshold_flows = 0\n",
		"\nthreshold_udp_pps = 30000\nthreshold_udp_bps = 0\n",
		"\nthreshold_syn_pps = 8000\n",
		"\nthreshold_tcp_pps = 0\n",
		"\nprocess_outgoing = false\n",
		"\nban_time = 600\nunban_only_if_finished = true\n",
		"\nnotify_script = /usr/local/bin/notify_about_attack.sh\n",
		"\nexabgp = true\nexabgp_pipe = /run/exabgp/fnm.cmd\nexabgp_next_hop = 192.0.2.254\n"
		"exabgp_community_host = 65535:666\n",
		"\n[flow.hostgroup.web_farm]\nnetworks = 198.51.100.0/26\nnetworks = 2001:db8:100::/48\n"
		"mitigate = true\nmitigate_ipv6 = false\nthreshold_pps = 200000\n"
		"threshold_bps = 2000000000\n",
		"# not imported: line 4: logging_level: ",
	};
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		if (!strstr(ini, want[i]))
			fail_msg("missing:\n%s\nin:\n%s", want[i], ini);
	pbuf_free(&o);
	flow_fnm_conf_free(&c);
	flow_fnm_doc_free(&d);
	free(text);
}

/* FastNetMon's argv and stdin; unban has no stdin; bad input refused. */
static void test_notify_build(void **state)
{
	(void)state;
	struct flow_attack_info a = {
		.ip = "198.51.100.7", .dir = FLOW_IN, .type = "syn_flood", .pps = 120000,
		.peak_pps = 150000, .bps = 96000000, .flows = 4000, .protocol = 6,
		.tcp_pps = 119000, .syn_pps = 118000, .syn_bps = 60000000, .udp_pps = 1000,
		.top = { { "203.0.113.9", 0, 50000 }, { "2001:db8::9", 443, 20000 } }, .n_top = 2,
	};
	struct flow_notify_bufs bufs;
	const char *argv[FLOW_NOTIFY_ARGS];
	struct pbuf in;
	struct perr err = { 0 };
	pbuf_init(&in, 0);
	assert_int_equal(flow_notify_build("/usr/local/bin/n.sh", FLOW_ACT_BAN, &a, &bufs, argv, &in,
					   &err), 0);
	assert_string_equal(argv[0], "/usr/local/bin/n.sh");
	assert_string_equal(argv[1], "198.51.100.7");
	assert_string_equal(argv[2], "incoming");
	assert_string_equal(argv[3], "120000");
	assert_string_equal(argv[4], "ban");
	assert_null(argv[5]);
	const char *s = pbuf_cstr(&in);
	const char *head = "IP: 198.51.100.7\nAttack type: syn_flood\n"
			   "Initial attack power: 120000 packets per second\n"
			   "Peak attack power: 150000 packets per second\n"
			   "Attack direction: incoming\nAttack protocol: tcp\n"
			   "Total incoming traffic: 96 mbps\n";
	assert_true(strncmp(s, head, strlen(head)) == 0);
	assert_non_null(strstr(s, "\nIncoming syn tcp pps: 118000 packets per second\n"));
	assert_non_null(strstr(s, "\nIncoming syn tcp traffic: 60 mbps\n"));
	assert_non_null(strstr(s, "\nIncoming udp pps: 1000 packets per second\n"));
	assert_non_null(strstr(s, "\nTop source: 2001:db8::9 port 443 20000 packets per second\n"));

	pbuf_reset(&in);
	a.dir = FLOW_OUT;
	assert_int_equal(flow_notify_build("/n", FLOW_ACT_UNBAN, &a, &bufs, argv, &in, &err), 0);
	assert_string_equal(argv[2], "outgoing");
	assert_string_equal(argv[4], "unban");
	assert_int_equal(in.len, 0);
	assert_int_equal(flow_notify_build("/n", FLOW_ACT_DETAILS, &a, &bufs, argv, &in, &err), 0);
	assert_string_equal(argv[4], "attack_details");
	assert_non_null(strstr(pbuf_cstr(&in), "Attack direction: outgoing\n"));

	/* the address reaches someone's script, maybe a shell */
	PSTRCPY(a.ip, "1.2.3.4;reboot");
	assert_int_equal(flow_notify_build("/n", FLOW_ACT_BAN, &a, &bufs, argv, &in, &err), -1);
	assert_string_equal(err.field, "ip");
	PSTRCPY(a.ip, "192.0.2.1");
	PSTRCPY(a.type, "x\ny");
	assert_int_equal(flow_notify_build("/n", FLOW_ACT_BAN, &a, &bufs, argv, &in, &err), -1);
	PSTRCPY(a.type, "udp_flood");
	assert_int_equal(flow_notify_build("n.sh", FLOW_ACT_BAN, &a, &bufs, argv, &in, &err), -1);
	PSTRCPY(a.top[0].ip, "$(id)");
	assert_int_equal(flow_notify_build("/n", FLOW_ACT_BAN, &a, &bufs, argv, &in, &err), -1);
	pbuf_free(&in);
}

static void route_is(bool announce, const char *prefix, const char *nh, const char *com,
		     const char *want)
{
	struct flow_bgp_route r = { 0 };
	pstrtrunc(r.prefix, prefix, sizeof(r.prefix));
	pstrtrunc(r.next_hop, nh, sizeof(r.next_hop));
	pstrtrunc(r.communities, com, sizeof(r.communities));
	struct pbuf o;
	struct perr err = { 0 };
	pbuf_init(&o, 0);
	if (flow_bgp_route_line(announce, &r, &o, &err) != 0)
		fail_msg("%s refused: %s", prefix, err.msg);
	assert_string_equal(pbuf_cstr(&o), want);
	pbuf_free(&o);
}

static void route_bad(const char *prefix, const char *nh, const char *com, const char *field)
{
	struct flow_bgp_route r = { 0 };
	pstrtrunc(r.prefix, prefix, sizeof(r.prefix));
	pstrtrunc(r.next_hop, nh, sizeof(r.next_hop));
	pstrtrunc(r.communities, com, sizeof(r.communities));
	struct pbuf o;
	struct perr err = { 0 };
	pbuf_init(&o, 0);
	if (flow_bgp_route_line(true, &r, &o, &err) == 0)
		fail_msg("accepted %s %s %s: %s", prefix, nh, com, pbuf_cstr(&o));
	assert_string_equal(err.field, field);
	assert_int_equal(o.len, 0);
	pbuf_free(&o);
}

static void test_exabgp_lines(void **state)
{
	(void)state;
	route_is(true, "192.0.2.1/32", "192.0.2.254", "65535:666",
		 "announce route 192.0.2.1/32 next-hop 192.0.2.254 community [65535:666]\n");
	route_is(true, "192.0.2.1", "self", "[65535:666  64512:7]",
		 "announce route 192.0.2.1/32 next-hop self community [65535:666 64512:7]\n");
	route_is(false, "192.0.2.1/32", "192.0.2.254", "65535:666",
		 "withdraw route 192.0.2.1/32 next-hop 192.0.2.254\n");
	route_is(true, "2001:DB8:0::1", "2001:db8::fe", "65535:666",
		 "announce route 2001:db8::1/128 next-hop 2001:db8::fe community [65535:666]\n");
	route_is(true, "198.51.100.0/24", "192.0.2.254", "",
		 "announce route 198.51.100.0/24 next-hop 192.0.2.254\n");
	/* a second command smuggled in a field */
	route_bad("192.0.2.1/32\nannounce route 0.0.0.0/0", "192.0.2.254", "65535:666", "prefix");
	route_bad("192.0.2.1/32", "192.0.2.254\nshutdown", "65535:666", "next_hop");
	route_bad("192.0.2.1/32", "192.0.2.254", "65535:666]\nannounce route 10.0.0.0/8 next-hop self [1:1",
		  "community");
	route_bad("192.0.2.1/33", "192.0.2.254", "", "prefix");
	route_bad("192.0.2.1/24", "192.0.2.254", "", "prefix"); /* host bits */
	route_bad("example.org", "192.0.2.254", "", "prefix");
	route_bad("0.0.0.0/0", "192.0.2.254", "65535:666", "prefix"); /* the whole Internet */
	route_bad("192.0.2.1/32", "2001:db8::1", "", "next_hop");
	route_bad("192.0.2.1/32", "192.0.2.254", "65536:1", "community");
	route_bad("192.0.2.1/32", "192.0.2.254", "[]", "community");

	struct flow_bgp_flowspec f = { .destination = "192.0.2.1/32", .protocol = 17,
				       .source_port = 53 };
	struct pbuf o;
	struct perr err = { 0 };
	pbuf_init(&o, 0);
	assert_int_equal(flow_bgp_flowspec_line(true, &f, &o, &err), 0);
	assert_string_equal(pbuf_cstr(&o),
			    "announce flow route { match { destination 192.0.2.1/32; protocol udp; "
			    "source-port =53; } then { discard; } }\n");
	pbuf_reset(&o);
	struct flow_bgp_flowspec g = { .destination = "192.0.2.1", .source = "203.0.113.0/24",
				       .protocol = 6, .destination_port = 443, .tcp_syn = true,
				       .rate_limit = 125000 };
	assert_int_equal(flow_bgp_flowspec_line(false, &g, &o, &err), 0);
	assert_string_equal(pbuf_cstr(&o),
			    "withdraw flow route { match { destination 192.0.2.1/32; source "
			    "203.0.113.0/24; protocol tcp; destination-port =443; tcp-flags [ syn ]; "
			    "} then { rate-limit 125000; } }\n");
	pbuf_reset(&o);
	struct flow_bgp_flowspec h = { .destination = "192.0.2.1/32", .fragment = true };
	assert_int_equal(flow_bgp_flowspec_line(true, &h, &o, &err), 0);
	assert_string_equal(pbuf_cstr(&o), "announce flow route { match { destination 192.0.2.1/32; "
					   "fragment [ is-fragment ]; } then { discard; } }\n");
	pbuf_reset(&o);
	struct flow_bgp_flowspec v6 = { .destination = "2001:db8::1", .protocol = 17,
					.source_port = 123, .rate_limit = 125000 };
	assert_int_equal(flow_bgp_flowspec_line(true, &v6, &o, &err), 0);
	assert_string_equal(pbuf_cstr(&o),
			    "announce flow route { match { destination 2001:db8::1/128; next-header udp; "
			    "source-port =123; } then { rate-limit 125000; } }\n");
	pbuf_reset(&o);
	struct flow_bgp_flowspec v6f = { .destination = "2001:db8::1/128", .fragment = true };
	assert_int_equal(flow_bgp_flowspec_line(true, &v6f, &o, &err), -1);
	assert_string_equal(err.field, "fragment");
	struct flow_bgp_flowspec bad1 = { .destination = "192.0.2.1/32", .source_port = 53 };
	assert_int_equal(flow_bgp_flowspec_line(true, &bad1, &o, &err), -1);
	assert_string_equal(err.field, "protocol");
	struct flow_bgp_flowspec bad2 = { .destination = "192.0.2.1/32; } then { accept",
					  .protocol = 17 };
	assert_int_equal(flow_bgp_flowspec_line(true, &bad2, &o, &err), -1);
	assert_string_equal(err.field, "destination");
	struct flow_bgp_flowspec bad3 = { .destination = "192.0.2.1/32", .source = "2001:db8::/32" };
	assert_int_equal(flow_bgp_flowspec_line(true, &bad3, &o, &err), -1);
	assert_string_equal(err.field, "source");
	assert_int_equal(o.len, 0);
	pbuf_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_pieces), cmocka_unit_test(test_map_sample),
		cmocka_unit_test(test_bad_values),  cmocka_unit_test(test_notes),
		cmocka_unit_test(test_bounds),      cmocka_unit_test(test_ini),
		cmocka_unit_test(test_notify_build), cmocka_unit_test(test_exabgp_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
