/*
** test_flow_conf.c — the [flow] configuration an operator writes (or
** imports from FastNetMon) does what docs/flow.md says, through the real
** `parapet` binary (issue 16):
**
**   - check-config accepts hostgroups, per-protocol thresholds, learned
**     thresholds and the ExaBGP options, and refuses a bad value naming its
**     key (a network with host bits set, a community that cannot be
**     announced, a next hop of the wrong family, ...);
**   - `flow import-fastnetmon` on a file with hostgroups (IPv6 networks
**     included) prints a configuration check-config loads, --write writes
**     it, --org adds networks_list as the organisation's CIDR assets (a
**     second run counts them as existing), an error names the line; the
**     stock fastnetmon.conf of Debian's fastnetmon package round-trips;
**   - serve with a hostgroup whose threshold is below the global one: a
**     host of the group is attacked at a rate the global threshold
**     ignores; a UDP packets/s threshold opens a UDP flood and leaves TCP
**     at the same rate alone; with mitigate off (globally, on for the
**     group) the notify script and ExaBGP run for the group's host only,
**     which is announced with the owner's CIDR asset holding it; with
**     process_outgoing off a host's outbound flood opens nothing;
**   - with exabgp_flowspec the rule for a DNS reflection reaches GoBGP
**     through Debian's ExaBGP (`gobgp global rib -a ipv4-flowspec`), and is
**     withdrawn when the attack ends;
**   - learned baselines are saved under the data directory at stop, loaded
**     at the next start, and a malformed file is logged and ignored.
**
** Every wait is a bounded poll of real state; nothing asserts on time.
*/
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "flow/flow.h"
#include "flow_lab.h"
#include "harness.h"

/* `parapet --config CONF check-config`: its exit status, stderr in err. */
static int check_config(const char *dir, const char *conf, char *err, size_t n)
{
	struct h_proc p;
	const char *args[] = { "--config", conf, "check-config", NULL };
	assert_int_equal(h_cliv(&p, dir, NULL, args), 0);
	int st = p.status;
	snprintf(err, n, "%s", p.err ? p.err : "");
	h_proc_free(&p);
	return st;
}

/* ------------------------------------------------------------ check-config */

static void check_config_accepts_and_rejects(void **state)
{
	(void)state;
	char *dir = h_tmpdir("flow-conf");
	char err[2048];
	char *good = h_write_file(dir, "good.conf",
				  "[flow]\n"
				  "threshold_pps = 100000\n"
				  "threshold_udp_pps = 20000\n"
				  "threshold_icmp_bps = 5000000\n"
				  "threshold_frag_pps = 1000\n"
				  "process_outgoing = false\n"
				  "mitigate_ipv6 = false\n"
				  "learned = true\n"
				  "learn_factor = 1.5\n"
				  "learn_floor_pps = 20000\n"
				  "exabgp_next_hop = 192.0.2.254\n"
				  "exabgp_next_hop_ipv6 = 2001:db8::fe\n"
				  "exabgp_community_host = [65535:666 64512:100]\n"
				  "exabgp_announce_subnet = true\n"
				  "exabgp_flowspec = true\n"
				  "\n[flow.hostgroup.web_farm]\n"
				  "networks = 198.51.100.0/26, 2001:db8:100::/48\n"
				  "networks = 203.0.113.7\n"
				  "threshold_pps = 5000\n"
				  "mitigate = true\n"
				  "\n[flow.hostgroup.dns-1]\n"
				  "networks = 192.0.2.0/24\n"
				  "threshold_udp_pps = 50000\n");
	if (check_config(dir, good, err, sizeof err) != 0)
		fail_msg("a valid [flow] was refused: %s", err);
	/* the dump shows the hostgroup as read, and is loadable itself */
	struct h_proc p;
	const char *dump[] = { "--config", good, "check-config", "--dump", NULL };
	assert_int_equal(h_cliv(&p, dir, NULL, dump), 0);
	assert_int_equal(p.status, 0);
	assert_non_null(strstr(p.out, "[flow.hostgroup.web_farm]\nnetworks = 198.51.100.0/26\n"
				      "networks = 2001:db8:100::/48\nnetworks = 203.0.113.7/32\n"
				      "mitigate = true\n"));
	assert_non_null(strstr(p.out, "learn_factor = 1.5\n"));
	char *dumped = h_write_file(dir, "dumped.conf", p.out);
	h_proc_free(&p);
	if (check_config(dir, dumped, err, sizeof err) != 0)
		fail_msg("check-config --dump is not loadable: %s", err);

	/* each bad value is refused with its key named */
	const struct {
		const char *text, *want;
	} bad[] = {
		{ "[flow.hostgroup.a]\nnetworks = 10.1.2.0/8\n", "10.1.2.0/8 has host bits set" },
		{ "[flow.hostgroup.a]\nnetworks = 10.1.0.0/16,not-a-net\n", "not-a-net" },
		{ "[flow.hostgroup.a]\nthreshold_pps = 10\n", "flow.hostgroup.a has no networks" },
		{ "[flow.hostgroup.a]\nnetworks = 10.1.0.0/16\n[flow.hostgroup.b]\n"
		  "networks = 10.1.0.0/16\n", "already in hostgroup a" },
		{ "[flow.hostgroup.a]\nnetworks = 10.1.0.0/16\nthreshold_ppz = 1\n",
		  "unknown key flow.hostgroup.a.threshold_ppz" },
		{ "[flow.hostgroup.a b]\nnetworks = 10.1.0.0/16\n", "a hostgroup's name" },
		{ "[flow.hostgroup.a]\nnetworks = 10.1.0.0/16\nmitigate = maybe\n", "mitigate" },
		{ "[flow]\nexabgp_community_host = 65536:666\n", "exabgp_community_host" },
		{ "[flow]\nexabgp_community_subnet = [65535:666\n", "exabgp_community_subnet" },
		{ "[flow]\nexabgp_next_hop = 2001:db8::1\n", "exabgp_next_hop must be an IPv4" },
		{ "[flow]\nexabgp_next_hop_ipv6 = 192.0.2.1\n", "exabgp_next_hop_ipv6" },
		{ "[flow]\nlearn_factor = 0.5\n", "learn_factor" },
		{ "[flow]\nthreshold_udp_pps = -1\n", "threshold_udp_pps" },
		{ "[flow]\nthreshold_syn_bps = 1000\n", "threshold_syn_bps" },
		{ "[flow]\nmitigate = yes please\n", "flow.mitigate" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *f = h_write_file(dir, "bad.conf", bad[i].text);
		if (check_config(dir, f, err, sizeof err) == 0)
			fail_msg("accepted:\n%s", bad[i].text);
		if (!strstr(err, bad[i].want))
			fail_msg("refusal of\n%s\nsays \"%s\", not \"%s\"", bad[i].text, err,
				 bad[i].want);
		free(f);
	}
	free(dumped);
	free(good);
	h_rmdir(dir);
}

/* ------------------------------------------------------ import-fastnetmon */

/* An operator's fastnetmon.conf (FastNetMon 1.2.4's keys), two hostgroups
** one of which holds IPv6 networks, keys Parapet does not use. */
static const char fnm_conf[] =
	"# FastNetMon Community configuration\n"
	"logging_level = info\n"
	"enable_ban = on\n"
	"enable_ban_ipv6 = on\n"
	"ban_time = 900\n"
	"unban_only_if_attack_finished = on\n"
	"process_incoming_traffic = on\n"
	"process_outgoing_traffic = off\n"
	"ban_for_pps = on\n"
	"ban_for_bandwidth = on\n"
	"ban_for_flows = off\n"
	"threshold_pps = 50000\n"
	"threshold_mbps = 1000\n"
	"threshold_flows = 3500\n"
	"ban_for_udp_pps = on\n"
	"threshold_udp_pps = 30000\n"
	"ban_for_tcp_syn_pps = on\n"
	"threshold_tcp_syn_pps = 8000\n"
	"hostgroup = web_farm:198.51.100.0/26,2001:db8:100::/48\n"
	"hostgroup = dns:203.0.113.0/28\n"
	"web_farm_enable_ban = on\n"
	"web_farm_ban_for_pps = on\n"
	"web_farm_threshold_pps = 200000\n"
	"dns_enable_ban = off\n"
	"dns_ban_for_udp_pps = on\n"
	"dns_threshold_udp_pps = 100000\n"
	"notify_script_path = /usr/local/bin/notify_about_attack.sh\n"
	"exabgp = on\n"
	"exabgp_command_pipe = /var/run/exabgp.cmd\n"
	"exabgp_community = 65001:666\n"
	"exabgp_next_hop = 10.0.3.114\n"
	"exabgp_announce_host = on\n"
	"exabgp_announce_whole_subnet = off\n"
	"gobgp = off\n"
	"netflow = on\n"
	"netflow_port = 2055\n"
	"redis_enabled = off\n";

static const char fnm_nets[] = "198.51.100.0/24\n2001:db8:100::/48\n203.0.113.0/28\n";

static int64_t cidr_assets(const char *dir, int64_t org)
{
	struct h_proc p;
	char os[32];
	snprintf(os, sizeof os, "%lld", (long long)org);
	const char *args[] = { "--json", "org", "show", os, NULL };
	assert_int_equal(h_cliv(&p, dir, NULL, args), 0);
	assert_int_equal(p.status, 0);
	json_t *j = json_loads(p.out, 0, NULL);
	assert_non_null(j);
	json_t *as = json_object_get(j, "assets");
	int64_t n = 0;
	for (size_t i = 0; i < json_array_size(as); i++)
		n += strcmp(json_string_value(json_object_get(json_array_get(as, i), "type")),
			    "cidr") == 0;
	json_decref(j);
	h_proc_free(&p);
	return n;
}

/* The stock configuration of Debian's fastnetmon package (a conffile: the
** copy in /etc is what the package installed unless an operator edited
** it, which any operator's file may be too). NULL when not installed. */
static const char *stock_fnm_conf(void)
{
	static const char *const where[] = { "/usr/share/fastnetmon/fastnetmon.conf",
					     "/usr/share/doc/fastnetmon/examples/fastnetmon.conf",
					     "/etc/fastnetmon.conf" };
	for (size_t i = 0; i < ARRAY_SIZE(where); i++)
		if (access(where[i], R_OK) == 0)
			return where[i];
	return NULL;
}

static void import_fastnetmon(void **state)
{
	(void)state;
	char *dir = h_tmpdir("flow-import");
	h_migrate(dir);
	char *conf = h_write_file(dir, "fastnetmon.conf", fnm_conf);
	char *nets = h_write_file(dir, "networks_list", fnm_nets);
	char err[2048];
	struct h_proc p;

	/* printed: loadable, with the meaning FastNetMon gave */
	const char *a1[] = { "flow", "import-fastnetmon", conf, nets, NULL };
	assert_int_equal(h_cliv(&p, dir, NULL, a1), 0);
	if (p.status != 0)
		fail_msg("import failed: %s", p.err);
	const char *want[] = {
		"[flow]\nmitigate = true\n", "threshold_pps = 50000\n",
		"threshold_bps = 1000000000\n", "threshold_flows = 0\n",
		"threshold_udp_pps = 30000\n", "threshold_syn_pps = 8000\n",
		"process_outgoing = false\n", "exabgp_community_host = 65001:666\n",
		"[flow.hostgroup.web_farm]\nnetworks = 198.51.100.0/26\n"
		"networks = 2001:db8:100::/48\nmitigate = true\n",
		"[flow.hostgroup.dns]\nnetworks = 203.0.113.0/28\nmitigate = false\n",
		"# not imported: line 2: logging_level: ",
	};
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		if (!strstr(p.out, want[i]))
			fail_msg("missing \"%s\" in:\n%s", want[i], p.out);
	char *printed = h_write_file(dir, "printed.conf", p.out);
	h_proc_free(&p);
	if (check_config(dir, printed, err, sizeof err) != 0)
		fail_msg("the imported [flow] does not load: %s", err);

	/* --write, and --org: the networks become the organisation's assets */
	int64_t org = h_org_add(dir, "Ministry of Energy", "Tehran");
	char os[32], out[600];
	snprintf(os, sizeof os, "%lld", (long long)org);
	snprintf(out, sizeof out, "%s/flow.conf", dir);
	const char *a2[] = { "flow", "import-fastnetmon", conf, nets, "--org", os, "--write", out,
			     NULL };
	assert_int_equal(h_cliv(&p, dir, NULL, a2), 0);
	if (p.status != 0)
		fail_msg("import --org failed: %s", p.err);
	assert_non_null(strstr(p.err, "added 3, existing 0"));
	assert_string_equal(p.out, "");
	h_proc_free(&p);
	assert_true(h_file_has(out, "[flow.hostgroup.web_farm]"));
	if (check_config(dir, out, err, sizeof err) != 0)
		fail_msg("the written [flow] does not load: %s", err);
	assert_int_equal(cidr_assets(dir, org), 3);
	/* again: nothing added, each counted as there already */
	assert_int_equal(h_cliv(&p, dir, NULL, a2), 0);
	assert_int_equal(p.status, 0);
	assert_non_null(strstr(p.err, "added 0, existing 3"));
	h_proc_free(&p);
	assert_int_equal(cidr_assets(dir, org), 3);

	/* a value FastNetMon would misread: refused, the line named */
	char *badc = h_write_file(dir, "bad.conf", "enable_ban = on\nthreshold_pps = 10k\n");
	const char *a3[] = { "flow", "import-fastnetmon", badc, NULL };
	assert_int_equal(h_cliv(&p, dir, NULL, a3), 0);
	assert_true(p.status != 0);
	assert_non_null(strstr(p.err, "line 2"));
	h_proc_free(&p);
	/* a network with host bits set: the networks_list line named, no asset */
	char *badn = h_write_file(dir, "bad_nets", "192.0.2.0/24\n10.1.2.3/16\n");
	const char *a4[] = { "flow", "import-fastnetmon", conf, badn, "--org", os, NULL };
	assert_int_equal(h_cliv(&p, dir, NULL, a4), 0);
	assert_true(p.status != 0);
	assert_non_null(strstr(p.err, "line 2"));
	h_proc_free(&p);
	assert_int_equal(cidr_assets(dir, org), 3);

	/* the stock file of Debian's package round-trips */
	const char *stock = stock_fnm_conf();
	if (stock) {
		const char *a5[] = { "flow", "import-fastnetmon", stock, NULL };
		assert_int_equal(h_cliv(&p, dir, NULL, a5), 0);
		if (p.status != 0)
			fail_msg("import of %s failed: %s", stock, p.err);
		char *sc = h_write_file(dir, "stock.conf", p.out);
		h_proc_free(&p);
		if (check_config(dir, sc, err, sizeof err) != 0)
			fail_msg("the import of %s does not load: %s", stock, err);
		free(sc);
	} else {
		fprintf(stderr, "note: Debian's fastnetmon is not installed: its stock file not "
				"round-tripped\n");
	}
	free(badn);
	free(badc);
	free(printed);
	free(nets);
	free(conf);
	h_rmdir(dir);
}

/* ------------------------------------------------------------------ serve */

/* One burst to host (from it, outgoing): 3 datagrams of 30 flows x 2000
** packets (180,000 packets within the second) of protocol proto from port
** sport. TCP is ACK-only: no SYN flood, so only the pps thresholds see it. */
static void burst_dir(int fd, int port, uint32_t *seq, const char *host, uint8_t proto,
		      uint16_t sport, bool outgoing)
{
	struct flow_rec rec[30];
	memset(rec, 0, sizeof rec);
	for (int i = 0; i < 30; i++) {
		rec[i].family = 4;
		rec[i].proto = proto;
		rec[i].tcp_flags = proto == 6 ? 0x10 : 0;
		uint8_t *peer = outgoing ? rec[i].dst : rec[i].src;
		inet_pton(AF_INET, "198.51.100.0", peer);
		peer[3] = (uint8_t)(1 + i);
		inet_pton(AF_INET, host, outgoing ? rec[i].src : rec[i].dst);
		rec[i].sport = sport ? sport : (uint16_t)(2000 + i);
		rec[i].dport = proto == 17 ? 4444 : 443;
		rec[i].packets = 2000;
		rec[i].bytes = 2000 * 100;
	}
	assert_true(flow_lab_send_v5(fd, port, seq, rec, 3));
}

static void burst(int fd, int port, uint32_t *seq, const char *host, uint8_t proto,
		  uint16_t sport)
{
	burst_dir(fd, port, seq, host, proto, sport, false);
}

/* The ddos incident whose title names host ("10.20.0.5 attacked", "...
** attacking" for outgoing): its id, status
** and first evidence's metric and threshold; 0 when there is none. */
static int64_t host_incident(const struct h_server *s, const struct h_cred *c, const char *host,
			     char *status, size_t n, char *metric, size_t mn, int64_t *threshold)
{
	struct h_resp r;
	h_http(s, &r, "GET", "/api/v1/incidents?limit=200", c, NULL);
	H_STATUS(&r, 200);
	json_t *items = json_object_get(r.json, "items");
	int64_t id = 0;
	for (size_t i = 0; i < json_array_size(items) && !id; i++) {
		json_t *it = json_array_get(items, i);
		const char *title = json_string_value(json_object_get(it, "title"));
		char want[80];
		snprintf(want, sizeof want, ": %s", host);
		if (!title || !strstr(title, want))
			continue;
		id = json_integer_value(json_object_get(it, "id"));
		snprintf(status, n, "%s", json_string_value(json_object_get(it, "status")));
	}
	h_resp_free(&r);
	if (!id)
		return 0;
	h_httpf(s, &r, "GET", c, NULL, "/api/v1/incidents/%lld/observations", (long long)id);
	H_STATUS(&r, 200);
	json_t *obs = json_object_get(r.json, "items");
	if (!obs)
		obs = r.json;
	json_t *ev = json_object_get(json_array_get(obs, 0), "evidence");
	snprintf(metric, mn, "%s", json_string_value(json_object_get(ev, "metric")) ?: "");
	*threshold = json_integer_value(json_object_get(ev, "threshold"));
	h_resp_free(&r);
	return id;
}

/* What the ExaBGP pipe received so far. */
static struct flow_lab_pipe pipe_seen;

static bool pipe_has(int fd, const char *text)
{
	return flow_lab_pipe_has(&pipe_seen, fd, text);
}

/* A constituency in dir: an organisation owning 10.20.0.0/24, an analyst
** and their API token (returned, malloc'd). */
static char *constituency(const char *dir)
{
	h_migrate(dir);
	h_user_add(dir, "ana", "analyst", 0, NULL, "analyst-password-1");
	char *tok = h_token_add(dir, "ana", "--name", "tests", NULL);
	h_asset_add(dir, h_org_add(dir, "Ministry of Energy", "Tehran"), "cidr", "10.20.0.0/24");
	return tok;
}

/* A hostgroup's own threshold, a per-protocol threshold, and mitigation
** only where mitigate says, in one serve. */
static void serve_hostgroup_protocol_mitigate(void **state)
{
	(void)state;
	char *dir = h_tmpdir("flow-conf-serve");
	char *tok = constituency(dir);
	struct h_cred cred = { .token = tok };

	char calls[512], text[2048], fifo[512];
	snprintf(calls, sizeof calls, "%s/calls", dir);
	snprintf(text, sizeof text, "#!/bin/sh\necho \"$@\" >> %s\ncat > /dev/null\nexit 0\n",
		 calls);
	char *script = h_write_file(dir, "notify.sh", text);
	chmod(script, 0755);
	snprintf(fifo, sizeof fifo, "%s/exabgp.cmd", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	int pfd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	assert_true(pfd >= 0);
	/* global: 10,000,000 packets/s (no burst here reaches it), UDP 20,000;
	** mitigation off. The group 10.20.0.0/28: 5,000 packets/s, mitigated. */
	snprintf(text, sizeof text,
		 "[flow]\nenabled = true\nnetflow_listen = 127.0.0.1:0\nsflow_listen =\n"
		 "rcvbuf = 1048576\nquiet = 1\nthreshold_pps = 10000000\n"
		 "threshold_udp_pps = 20000\nmitigate = false\nmitigate_ipv6 = false\n"
		 "process_outgoing = false\n"
		 "notify_script = %s\nexabgp_pipe = %s\nexabgp_next_hop = 192.0.2.254\n"
		 "exabgp_announce_subnet = true\nexabgp_community_subnet = 64512:100\n"
		 "\n[flow.hostgroup.small]\nnetworks = 10.20.0.0/28\nthreshold_pps = 5000\n"
		 "mitigate = true\n",
		 script, fifo);
	char *conf = h_write_file(dir, "parapet.conf", text);
	char env_conf[700];
	snprintf(env_conf, sizeof env_conf, "PARAPET_CONFIG=%s", conf);
	const char *env[] = { env_conf, "PARAPET_WATCH_ENABLED=false", NULL };
	struct h_server s;
	h_server_start(&s, dir, env);
	int port = h_flow_port(s.log, "netflow");
	if (port <= 0)
		fail_msg("serve did not log the flow collector's port (log %s)", s.log);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	uint32_t seq = 0;
	char st[32] = "", metric[32] = "";
	int64_t th = 0;

	/* 180,000 TCP packets/s: an attack on the group's host (over 5,000),
	** none on a host outside it (under 10,000,000) */
	int64_t ida = 0;
	for (int64_t t0 = h_now_ms(); !ida && h_now_ms() - t0 < 20000;) {
		burst(fd, port, &seq, "10.20.0.5", 6, 0);
		burst(fd, port, &seq, "10.20.0.100", 6, 0);
		/* the group's host floods out: process_outgoing is false */
		burst_dir(fd, port, &seq, "10.20.0.7", 6, 0, true);
		h_nap_ms(200);
		ida = host_incident(&s, &cred, "10.20.0.5 attacked", st, sizeof st, metric, sizeof metric,
				    &th);
	}
	if (!ida)
		fail_msg("no incident for the hostgroup's host (log %s)", s.log);
	assert_string_equal(metric, "pps");
	assert_int_equal(th, 5000);

	/* UDP at the same rate outside the group: over threshold_udp_pps */
	int64_t idc = 0;
	for (int64_t t0 = h_now_ms(); !idc && h_now_ms() - t0 < 20000;) {
		burst(fd, port, &seq, "10.20.0.200", 17, 0);
		burst(fd, port, &seq, "10.20.0.100", 6, 0);
		h_nap_ms(200);
		idc = host_incident(&s, &cred, "10.20.0.200 attacked", st, sizeof st, metric, sizeof metric,
				    &th);
	}
	if (!idc)
		fail_msg("no incident for the UDP flood (log %s)", s.log);
	assert_string_equal(metric, "udp_pps");
	assert_int_equal(th, 20000);
	/* the TCP host outside the group had the same rate all along; the
	** group's host sending its flood out is not checked */
	assert_int_equal(host_incident(&s, &cred, "10.20.0.100 attacked", st, sizeof st, metric,
				       sizeof metric, &th), 0);
	assert_int_equal(host_incident(&s, &cred, "10.20.0.7", st, sizeof st, metric,
				       sizeof metric, &th), 0);

	/* both end (quiet = 1 s) and recover */
	char sa[32] = "", sc[32] = "";
	for (int64_t t0 = h_now_ms(); (strcmp(sa, "recovered") != 0 || strcmp(sc, "recovered") != 0) &&
				    h_now_ms() - t0 < 20000;) {
		h_nap_ms(200);
		host_incident(&s, &cred, "10.20.0.5 attacked", sa, sizeof sa, metric, sizeof metric, &th);
		host_incident(&s, &cred, "10.20.0.200 attacked", sc, sizeof sc, metric, sizeof metric, &th);
	}
	assert_string_equal(sa, "recovered");
	assert_string_equal(sc, "recovered");
	/* the group's host was mitigated, ban and unban; the other not at all */
	for (int64_t t0 = h_now_ms(); !(h_file_has(calls, "10.20.0.5 incoming") &&
				      h_file_has(calls, " unban") &&
				      pipe_has(pfd, "withdraw route 10.20.0.0/24")) &&
				    h_now_ms() - t0 < 10000;)
		h_nap_ms(100);
	/* the owner's CIDR asset holding the host, with its own community */
	assert_true(pipe_has(pfd, "announce route 10.20.0.0/24 next-hop 192.0.2.254 community "
				  "[64512:100]"));
	assert_true(pipe_has(pfd, "withdraw route 10.20.0.0/24 next-hop 192.0.2.254"));
	assert_true(h_file_has(calls, "10.20.0.5 incoming"));
	assert_true(h_file_has(calls, " unban"));
	assert_true(pipe_has(pfd, "announce route 10.20.0.5/32 next-hop 192.0.2.254 community "
				  "[65535:666]"));
	assert_true(pipe_has(pfd, "withdraw route 10.20.0.5/32 next-hop 192.0.2.254"));
	assert_true(h_incident_message_has(&s, &cred, ida, "notify script"));
	assert_false(h_file_has(calls, "10.20.0.200"));
	assert_false(pipe_has(pfd, "10.20.0.200"));
	assert_false(h_incident_message_has(&s, &cred, idc, "notify script"));
	assert_false(h_incident_message_has(&s, &cred, idc, "ExaBGP"));

	close(fd);
	close(pfd);
	assert_int_equal(h_server_stop(&s), 0);
	free(conf);
	free(script);
	free(tok);
	h_rmdir(dir);
}

/* --------------------------------------------------- learned baselines */

/* The count of baselines a saved file holds (its header), -1 when the
** file is not one. */
static long baselines_in(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t h[8];
	long n = -1;
	if (f && fread(h, 1, 8, f) == 8 && memcmp(h, "PFB1", 4) == 0)
		n = (long)h[4] << 24 | (long)h[5] << 16 | (long)h[6] << 8 | h[7];
	if (f)
		fclose(f);
	return n;
}

static void learned_baselines_survive_restart(void **state)
{
	(void)state;
	char *dir = h_tmpdir("flow-conf-learn");
	free(constituency(dir));
	char saved[600];
	snprintf(saved, sizeof saved, "%s/flow-baselines.bin", dir);
	const char *env[] = { "PARAPET_FLOW_ENABLED=true", "PARAPET_FLOW_NETFLOW_LISTEN=127.0.0.1:0",
			      "PARAPET_FLOW_SFLOW_LISTEN=", "PARAPET_FLOW_RCVBUF=1048576",
			      "PARAPET_FLOW_LEARNED=true", "PARAPET_FLOW_LEARN_HOSTS=1024",
			      "PARAPET_WATCH_ENABLED=false", NULL };
	/* traffic to two hosts: each gets a baseline, saved at stop */
	struct h_server s;
	h_server_start(&s, dir, env);
	int port = h_flow_port(s.log, "netflow");
	assert_true(port > 0);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	uint32_t seq = 0;
	for (int i = 0; i < 5; i++) {
		burst(fd, port, &seq, "10.20.0.5", 6, 0);
		burst(fd, port, &seq, "10.20.0.6", 17, 0);
		h_nap_ms(200);
	}
	close(fd);
	assert_int_equal(h_server_stop(&s), 0);
	assert_int_equal(baselines_in(saved), 2);

	/* the next start loads them; with no traffic they are saved again */
	h_server_start(&s, dir, env);
	assert_true(h_file_has(s.log, "learned baselines loaded from"));
	assert_int_equal(h_server_stop(&s), 0);
	assert_int_equal(baselines_in(saved), 2);

	/* a malformed file: logged, ignored; serve runs and learns anew */
	free(h_write_file(dir, "flow-baselines.bin", "PFB1 is not how a baseline file goes on"));
	h_server_start(&s, dir, env);
	assert_true(h_file_has(s.log, "not loaded"));
	assert_true(h_flow_port(s.log, "netflow") > 0);
	assert_int_equal(h_server_stop(&s), 0);
	assert_int_equal(baselines_in(saved), 0);
	h_rmdir(dir);
}

/* ------------------------------------------- FlowSpec through ExaBGP to GoBGP */

static void serve_flowspec_reaches_gobgp(void **state)
{
	(void)state;
	char *dir = h_tmpdir("flow-conf-bgp");
	char *tok = constituency(dir);
	struct h_cred cred = { .token = tok };

	/* GoBGP and ExaBGP on loopback (flow_lab.c), fed from serve's pipe */
	struct flow_bgp_lab lab;
	assert_int_equal(flow_bgp_lab_start(&lab, dir), 0);
	const char *up[] = { "Establ" };
	if (!flow_bgp_lab_wait(&lab, "neighbor", up, 1, true))
		fail_msg("ExaBGP and GoBGP did not peer (logs in %s)", dir);

	/* serve writes a FlowSpec rule, not a blackhole, for the attack */
	char env_pipe[800];
	snprintf(env_pipe, sizeof env_pipe, "PARAPET_FLOW_EXABGP_PIPE=%s", lab.pipe);
	const char *env[] = { "PARAPET_FLOW_ENABLED=true", "PARAPET_FLOW_NETFLOW_LISTEN=127.0.0.1:0",
			      "PARAPET_FLOW_SFLOW_LISTEN=", "PARAPET_FLOW_RCVBUF=1048576",
			      "PARAPET_FLOW_THRESHOLD_UDP_PPS=20000", "PARAPET_FLOW_QUIET=1",
			      "PARAPET_FLOW_EXABGP_FLOWSPEC=true", "PARAPET_WATCH_ENABLED=false",
			      env_pipe, NULL };
	struct h_server s;
	h_server_start(&s, dir, env);
	int port = h_flow_port(s.log, "netflow");
	assert_true(port > 0);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	uint32_t seq = 0;
	char st[32] = "", metric[32] = "";
	int64_t th = 0, id = 0;
	/* DNS replies (source port 53) at a host: a reflection */
	for (int64_t t0 = h_now_ms(); !id && h_now_ms() - t0 < 20000;) {
		burst(fd, port, &seq, "10.20.0.9", 17, 53);
		h_nap_ms(200);
		id = host_incident(&s, &cred, "10.20.0.9 attacked", st, sizeof st, metric, sizeof metric, &th);
	}
	if (!id)
		fail_msg("no incident for the reflection (log %s)", s.log);
	const char *rule[] = { "[destination: 10.20.0.9/32][protocol: ==udp][source-port: ==53]",
			       "discard" };
	bool ok = false;
	/* keep the attack going until the rule shows (bounded by wait_gobgp) */
	for (int i = 0; i < 10 && !ok; i++) {
		burst(fd, port, &seq, "10.20.0.9", 17, 53);
		ok = flow_bgp_lab_wait(&lab, "global rib -a ipv4-flowspec", rule, ARRAY_SIZE(rule), true);
	}
	if (!ok)
		fail_msg("the FlowSpec rule did not reach GoBGP (logs in %s, %s)", dir, s.log);
	/* no blackhole route for the host */
	const char *host_route[] = { "10.20.0.9/32" };
	assert_true(flow_bgp_lab_wait(&lab, "global rib -a ipv4", host_route, 1, false));
	/* the attack ends: the rule is withdrawn */
	const char *gone[] = { "Network not in table" };
	if (!flow_bgp_lab_wait(&lab, "global rib -a ipv4-flowspec", gone, 1, true))
		fail_msg("the FlowSpec rule was not withdrawn (log %s)", s.log);
	assert_true(h_incident_message_has(&s, &cred, id, "ExaBGP: announce flow route"));

	close(fd);
	assert_int_equal(h_server_stop(&s), 0);
	flow_bgp_lab_stop(&lab);
	free(tok);
	h_rmdir(dir);
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check_config_accepts_and_rejects),
		cmocka_unit_test(import_fastnetmon),
		cmocka_unit_test(serve_hostgroup_protocol_mitigate),
		cmocka_unit_test(learned_baselines_survive_restart),
		cmocka_unit_test(serve_flowspec_reaches_gobgp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
