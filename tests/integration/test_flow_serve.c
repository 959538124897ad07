/*
** test_flow_serve.c — the flow collector inside the real `parapet serve`
** (issue 16): what an operator relies on when a constituent's host is
** flooded. A store holds an organisation owning a CIDR asset; serve runs
** with [flow] enabled on a loopback port the kernel picks (serve logs
** it), a notify script configured. NetFlow v5 datagrams from this test's
** generator (gen_nf.c) carry a SYN burst to a host of that asset, and
** the API must show an incident of kind ddos for that organisation, its
** observation's evidence naming the host, the direction and the type; the
** notify script must have been run with FastNetMon's arguments (ban) and
** the action recorded on the incident; likewise the ExaBGP blackhole
** line written to the configured pipe. Once the burst stops, the incident
** must move to recovered (flow.quiet = 1 s), the script run again (unban)
** and the route withdrawn. A CIDR asset added while serve runs is protected without a
** restart. Every wait is bounded; nothing asserts on elapsed time.
**
** The live view (store tables flow_live, flow_history, flow_attack, read
** here with SQLite itself): a burst shows in the snapshot with exactly the
** packets, bits and SYNs sent, the owner's organisation (an IPv6 host by
** NetFlow v9 likewise, by its canonical text); the history keeps its peak;
** every attack has a row with its incident and its end. Restart:
** serve killed (SIGKILL) during an attack and started again with no more
** traffic ends the attack after flow.quiet -- its row's end, its incident
** recovered with an observation saying so, the notify script's unban, the
** ExaBGP withdraw, each recorded on the incident; with the flood still on
** after the restart, the attack goes on in the same row and incident; and
** with Debian's ExaBGP peered with GoBGP (flow_lab.c), the blackhole route
** announced before the kill leaves GoBGP's RIB after the restart.
*/
#include <arpa/inet.h>
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
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <signal.h>
#include <sqlite3.h>

#include "flow/flow.h"
#include "flow_lab.h"
#include "harness.h"

#define HOST "10.20.0.5"

/* One SYN burst: 3 datagrams of 30 flows x 2000 SYN packets to HOST from
** 30 sources -- 180,000 SYN packets, far over the 10,000/s threshold. */
static void burst(int fd, int port, uint32_t *seq, const char *host)
{
	struct flow_rec rec[30];
	memset(rec, 0, sizeof rec);
	for (int i = 0; i < 30; i++) {
		rec[i].family = 4;
		rec[i].proto = 6;
		rec[i].tcp_flags = 0x02;
		inet_pton(AF_INET, "198.51.100.0", rec[i].src);
		rec[i].src[3] = (uint8_t)(1 + i);
		inet_pton(AF_INET, host, rec[i].dst);
		rec[i].sport = (uint16_t)(2000 + i);
		rec[i].dport = 443;
		rec[i].packets = 2000;
		rec[i].bytes = 2000 * 40;
	}
	assert_true(flow_lab_send_v5(fd, port, seq, rec, 3));
}

/* The organisation's ddos incident (its id; the last listed when there are
** several, *count says how many), 0 when there is none. */
static int64_t ddos_incidents(const struct h_server *s, const struct h_cred *c, int64_t org,
			      char *status, size_t n, int *count)
{
	struct h_resp r;
	h_httpf(s, &r, "GET", c, NULL, "/api/v1/incidents?org_id=%lld", (long long)org);
	H_STATUS(&r, 200);
	json_t *items = json_object_get(r.json, "items");
	int64_t id = 0;
	*count = 0;
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		const char *kind = json_string_value(json_object_get(it, "kind"));
		if (kind && strcmp(kind, "ddos") == 0) {
			(*count)++;
			id = json_integer_value(json_object_get(it, "id"));
			assert_int_equal(json_integer_value(json_object_get(it, "org_id")), org);
			assert_string_equal(json_string_value(json_object_get(it, "source")), "flow");
			snprintf(status, n, "%s", json_string_value(json_object_get(it, "status")));
		}
	}
	h_resp_free(&r);
	return id;
}

static int64_t ddos_incident(const struct h_server *s, const struct h_cred *c, int64_t org,
			     char *status, size_t n)
{
	int count = 0;
	return ddos_incidents(s, c, org, status, n, &count);
}

/* What the ExaBGP pipe received so far. */
static struct flow_lab_pipe pipe_seen;

static bool pipe_has(int fd, const char *text)
{
	return flow_lab_pipe_has(&pipe_seen, fd, text);
}

/* Forget what the pipe received so far (read first: the kernel keeps it). */
static void pipe_reset(int fd)
{
	pipe_has(fd, "");
	pipe_seen.len = 0;
}

/* Does an observation of incident id hold the flows seen (to HOST, port
** 443) and the sources (198.51.100.x)? Every observation names the host
** and the type. */
static bool evidence_has_flows(const struct h_server *s, const struct h_cred *c, int64_t id)
{
	struct h_resp r;
	h_httpf(s, &r, "GET", c, NULL, "/api/v1/incidents/%lld/observations", (long long)id);
	H_STATUS(&r, 200);
	json_t *obs = json_object_get(r.json, "items");
	if (!obs)
		obs = r.json;
	bool sample = false, sources = false;
	for (size_t i = 0; i < json_array_size(obs); i++) {
		json_t *ev = json_object_get(json_array_get(obs, i), "evidence");
		assert_string_equal(json_string_value(json_object_get(ev, "host")), HOST);
		assert_string_equal(json_string_value(json_object_get(ev, "type")), "syn_flood");
		json_t *fs = json_object_get(ev, "flow_sample");
		for (size_t k = 0; k < json_array_size(fs); k++) {
			json_t *f = json_array_get(fs, k);
			sample |= strcmp(json_string_value(json_object_get(f, "dst")), HOST) == 0 &&
				  json_integer_value(json_object_get(f, "dport")) == 443;
		}
		json_t *ts = json_object_get(ev, "top_sources");
		for (size_t k = 0; k < json_array_size(ts); k++)
			sources |= strncmp(json_string_value(json_object_get(json_array_get(ts, k),
									     "ip")),
					   "198.51.100.", 11) == 0;
	}
	h_resp_free(&r);
	return sample && sources;
}

static void syn_flood_becomes_incident_then_recovers(void **state)
{
	(void)state;
	char *dir = h_tmpdir("flow-serve");
	h_migrate(dir);
	h_user_add(dir, "ana", "analyst", 0, NULL, "analyst-password-1");
	char *tok = h_token_add(dir, "ana", "--name", "tests", NULL);
	struct h_cred cred = { .token = tok };
	int64_t org = h_org_add(dir, "Ministry of Energy", "Tehran");
	int64_t other = h_org_add(dir, "Ministry of Roads", "Fars");
	h_asset_add(dir, org, "cidr", "10.20.0.0/24");
	h_asset_add(dir, other, "cidr", "10.30.0.0/24");

	/* the notify script records its arguments, one call a line, and reads
	** the details FastNetMon's contract gives on stdin */
	char calls[512], script_text[1024];
	snprintf(calls, sizeof calls, "%s/calls", dir);
	snprintf(script_text, sizeof script_text,
		 "#!/bin/sh\necho \"$@\" >> %s\ncat > /dev/null\nexit 0\n", calls);
	char *script = h_write_file(dir, "notify.sh", script_text);
	chmod(script, 0755);
	char env_script[700];
	snprintf(env_script, sizeof env_script, "PARAPET_FLOW_NOTIFY_SCRIPT=%s", script);
	/* the named pipe ExaBGP's API process would read; open for reading
	** first, so that serve's non-blocking open finds a reader */
	char fifo[512], env_pipe[700];
	snprintf(fifo, sizeof fifo, "%s/exabgp.cmd", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	int pfd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	assert_true(pfd >= 0);
	snprintf(env_pipe, sizeof env_pipe, "PARAPET_FLOW_EXABGP_PIPE=%s", fifo);
	const char *env[] = { "PARAPET_FLOW_ENABLED=true",
			      "PARAPET_FLOW_NETFLOW_LISTEN=127.0.0.1:0",
			      "PARAPET_FLOW_SFLOW_LISTEN=127.0.0.1:0",
			      "PARAPET_FLOW_RCVBUF=1048576",
			      "PARAPET_FLOW_THRESHOLD_SYN_PPS=10000",
			      "PARAPET_FLOW_QUIET=1",
			      "PARAPET_WATCH_ENABLED=false",
			      env_script,
			      env_pipe,
			      NULL };
	struct h_server s;
	h_server_start(&s, dir, env);
	int port = h_flow_port(s.log, "netflow");
	if (port <= 0)
		fail_msg("serve did not log the flow collector's port (log %s)", s.log);

	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	uint32_t seq = 0;
	char status[32] = "";
	int64_t id = 0;
	/* send bursts until the incident shows (bounded: 20 s) */
	for (int64_t t0 = h_now_ms(); !id && h_now_ms() - t0 < 20000;) {
		burst(fd, port, &seq, HOST);
		h_nap_ms(200);
		id = ddos_incident(&s, &cred, org, status, sizeof status);
	}
	if (!id)
		fail_msg("no ddos incident for organisation %lld (log %s)", (long long)org, s.log);
	/* the other organisation's host was not attacked */
	char st2[32];
	assert_int_equal(ddos_incident(&s, &cred, other, st2, sizeof st2), 0);

	/* the evidence names host, direction and type; the flows are there */
	struct h_resp r;
	h_httpf(&s, &r, "GET", &cred, NULL, "/api/v1/incidents/%lld/observations", (long long)id);
	H_STATUS(&r, 200);
	json_t *obs = json_object_get(r.json, "items");
	if (!obs)
		obs = r.json;
	assert_true(json_array_size(obs) >= 1);
	json_t *ev = json_object_get(json_array_get(obs, 0), "evidence");
	assert_string_equal(json_string_value(json_object_get(ev, "host")), HOST);
	assert_string_equal(json_string_value(json_object_get(ev, "direction")), "incoming");
	assert_string_equal(json_string_value(json_object_get(ev, "type")), "syn_flood");
	assert_true(json_integer_value(json_object_get(ev, "peak_pps")) > 10000);
	h_resp_free(&r);

	/* the attack goes on: the evidence gains the flows and the sources
	** (the detector watches the host from the start on; bounded: 20 s) */
	bool flows = false;
	for (int64_t t0 = h_now_ms(); !flows && h_now_ms() - t0 < 20000;) {
		burst(fd, port, &seq, HOST);
		h_nap_ms(200);
		flows = evidence_has_flows(&s, &cred, id);
	}
	if (!flows)
		fail_msg("incident %lld: no flow sample or sources in its evidence (log %s)",
			 (long long)id, s.log);

	/* stop sending: quiet for 1 s ends the attack; the incident recovers
	** (bounded: 20 s) */
	for (int64_t t0 = h_now_ms(); strcmp(status, "recovered") != 0 && h_now_ms() - t0 < 20000;) {
		h_nap_ms(200);
		assert_int_equal(ddos_incident(&s, &cred, org, status, sizeof status), id);
	}
	if (strcmp(status, "recovered") != 0)
		fail_msg("incident %lld still %s after the burst stopped (log %s)", (long long)id,
			 status, s.log);

	/* the script ran with FastNetMon's arguments, ban then unban */
	char want[64];
	snprintf(want, sizeof want, "%s incoming ", HOST);
	assert_true(h_file_has(calls, want));
	assert_true(h_file_has(calls, " ban"));
	for (int64_t t0 = h_now_ms(); !h_file_has(calls, " unban") && h_now_ms() - t0 < 10000;)
		h_nap_ms(100);
	assert_true(h_file_has(calls, " unban"));
	/* ExaBGP got the blackhole announce (RFC 7999 community), then the
	** withdraw (bounded: it follows the recovery) */
	assert_true(pipe_has(pfd, "announce route " HOST "/32 next-hop self community [65535:666]"));
	for (int64_t t0 = h_now_ms(); !pipe_has(pfd, "withdraw route " HOST "/32") &&
				    h_now_ms() - t0 < 10000;)
		h_nap_ms(100);
	assert_true(pipe_has(pfd, "withdraw route " HOST "/32 next-hop self"));
	/* each action is recorded on the incident (bounded: the unban note
	** follows the recovery) */
	bool ban_note = false, unban_note = false, announce_note = false, withdraw_note = false;
	for (int64_t t0 = h_now_ms();
	     !(ban_note && unban_note && announce_note && withdraw_note) && h_now_ms() - t0 < 10000;) {
		h_httpf(&s, &r, "GET", &cred, NULL, "/api/v1/incidents/%lld/messages", (long long)id);
		H_STATUS(&r, 200);
		json_t *ms = json_object_get(r.json, "items");
		if (!ms)
			ms = r.json;
		for (size_t i = 0; i < json_array_size(ms); i++) {
			const char *b = json_string_value(json_object_get(json_array_get(ms, i), "body"));
			if (b && strstr(b, "notify script") && strstr(b, " ban: exit status 0"))
				ban_note = true;
			if (b && strstr(b, "notify script") && strstr(b, " unban: exit status 0"))
				unban_note = true;
			if (b && strstr(b, "ExaBGP: announce route " HOST "/32"))
				announce_note = true;
			if (b && strstr(b, "ExaBGP: withdraw route " HOST "/32"))
				withdraw_note = true;
		}
		h_resp_free(&r);
		if (!(ban_note && unban_note && announce_note && withdraw_note))
			h_nap_ms(100);
	}
	assert_true(ban_note);
	assert_true(unban_note);
	assert_true(announce_note);
	assert_true(withdraw_note);

	/* an asset added while serve runs (by another process: the CLI) is
	** protected without a restart: a flood to it opens the other
	** organisation's incident (bounded: 20 s) */
	h_asset_add(dir, other, "cidr", "10.40.0.0/24");
	int64_t id2 = 0;
	for (int64_t t0 = h_now_ms(); !id2 && h_now_ms() - t0 < 20000;) {
		burst(fd, port, &seq, "10.40.0.5");
		h_nap_ms(200);
		id2 = ddos_incident(&s, &cred, other, st2, sizeof st2);
	}
	if (!id2)
		fail_msg("no ddos incident for the asset added while serving (log %s)", s.log);
	assert_true(id2 != id);

	/* people settle that incident while the attack goes on (an analyst
	** rejects it): the attack's end must not open a new incident just to
	** recover it (bounded: until serve logs that the end found it settled) */
	burst(fd, port, &seq, "10.40.0.5"); /* the attack goes on for flow.quiet at least */
	h_httpf(&s, &r, "POST", &cred, "{\"to\":\"rejected\"}", "/api/v1/incidents/%lld/transitions",
		(long long)id2);
	H_STATUS(&r, 200);
	h_resp_free(&r);
	bool ended = false;
	for (int64_t t0 = h_now_ms(); !ended && h_now_ms() - t0 < 20000;) {
		h_nap_ms(200);
		/* the end handled either way: recorded, or found settled */
		ended = h_file_has(s.log, "end of syn_flood attack on 10.40.0.5") ||
			h_file_has(s.log, "its incident is not open");
	}
	assert_true(ended);
	int n2 = 0;
	assert_int_equal(ddos_incidents(&s, &cred, other, st2, sizeof st2, &n2), id2);
	assert_int_equal(n2, 1);
	assert_string_equal(st2, "rejected");

	close(fd);
	close(pfd);
	assert_int_equal(h_server_stop(&s), 0);
	free(script);
	free(tok);
	h_rmdir(dir);
}

/* ------------------------------------------------------- the live view */

/* One integer from the store (the first column of the first row, 0 for
** NULL), -1 when there is no row. serve writes in WAL mode: a reader
** sees the last committed state. */
static int64_t db1(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int64_t db1(const char *dir, const char *fmt, ...)
{
	char path[600], sql[1024];
	snprintf(path, sizeof path, "%s/parapet.db", dir);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_type(st, 0) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* A data directory with an organisation owning 10.20.0.0/24, a notify
** script that records its calls, and a named pipe for ExaBGP's lines (its
** read end held here); env for serve with flow.quiet = quiet seconds. */
struct fx {
	char *dir, *tok, *script;
	struct h_cred cred;
	int64_t org;
	char calls[512], fifo[512];
	int pfd;
	char env_script[700], env_pipe[700], env_quiet[64];
	const char *env[12];
};

static void fx_setup(struct fx *f, int quiet)
{
	memset(f, 0, sizeof *f);
	f->dir = h_tmpdir("flow-live");
	h_migrate(f->dir);
	h_user_add(f->dir, "ana", "analyst", 0, NULL, "analyst-password-1");
	f->tok = h_token_add(f->dir, "ana", "--name", "tests", NULL);
	f->cred.token = f->tok;
	f->org = h_org_add(f->dir, "Ministry of Energy", "Tehran");
	h_asset_add(f->dir, f->org, "cidr", "10.20.0.0/24");
	char text[1024];
	snprintf(f->calls, sizeof f->calls, "%s/calls", f->dir);
	snprintf(text, sizeof text, "#!/bin/sh\necho \"$@\" >> %s\ncat > /dev/null\nexit 0\n",
		 f->calls);
	f->script = h_write_file(f->dir, "notify.sh", text);
	chmod(f->script, 0755);
	snprintf(f->env_script, sizeof f->env_script, "PARAPET_FLOW_NOTIFY_SCRIPT=%s", f->script);
	snprintf(f->fifo, sizeof f->fifo, "%s/exabgp.cmd", f->dir);
	assert_int_equal(mkfifo(f->fifo, 0600), 0);
	f->pfd = open(f->fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	assert_true(f->pfd >= 0);
	snprintf(f->env_pipe, sizeof f->env_pipe, "PARAPET_FLOW_EXABGP_PIPE=%s", f->fifo);
	snprintf(f->env_quiet, sizeof f->env_quiet, "PARAPET_FLOW_QUIET=%d", quiet);
	const char *env[] = { "PARAPET_FLOW_ENABLED=true", "PARAPET_FLOW_NETFLOW_LISTEN=127.0.0.1:0",
			      "PARAPET_FLOW_SFLOW_LISTEN=127.0.0.1:0", "PARAPET_FLOW_RCVBUF=1048576",
			      "PARAPET_FLOW_THRESHOLD_SYN_PPS=10000", f->env_quiet,
			      "PARAPET_WATCH_ENABLED=false", f->env_script, f->env_pipe, NULL };
	memcpy(f->env, env, sizeof env);
	pipe_seen.len = 0;
}

static void fx_free(struct fx *f)
{
	close(f->pfd);
	free(f->script);
	free(f->tok);
	h_rmdir(f->dir);
}

static int fx_start(struct fx *f, struct h_server *s)
{
	h_server_start(s, f->dir, f->env);
	int port = h_flow_port(s->log, "netflow");
	if (port <= 0)
		fail_msg("serve did not log the flow collector's port (log %s)", s->log);
	return port;
}

/* The status of incident id (the API's). */
static void incident_status(const struct h_server *s, const struct h_cred *c, int64_t id,
			    char *status, size_t n)
{
	struct h_resp r;
	h_httpf(s, &r, "GET", c, NULL, "/api/v1/incidents/%lld", (long long)id);
	H_STATUS(&r, 200);
	snprintf(status, n, "%s", json_string_value(json_object_get(r.json, "status")));
	h_resp_free(&r);
}

/* Does an observation of incident id say the attack ended while serve was
** stopped? */
static bool ended_while_stopped(const struct h_server *s, const struct h_cred *c, int64_t id)
{
	struct h_resp r;
	h_httpf(s, &r, "GET", c, NULL, "/api/v1/incidents/%lld/observations", (long long)id);
	H_STATUS(&r, 200);
	json_t *obs = json_object_get(r.json, "items");
	if (!obs)
		obs = r.json;
	bool found = false;
	for (size_t i = 0; i < json_array_size(obs) && !found; i++) {
		json_t *ev = json_object_get(json_array_get(obs, i), "evidence");
		found = json_is_true(json_object_get(ev, "ended_while_stopped")) &&
			strcmp(json_string_value(json_object_get(ev, "host")), HOST) == 0;
	}
	h_resp_free(&r);
	return found;
}

static int count_lines(const char *path, const char *text)
{
	FILE *f = fopen(path, "re");
	char l[512];
	int n = 0;
	while (f && fgets(l, sizeof l, f))
		n += strstr(l, text) != NULL;
	if (f)
		fclose(f);
	return n;
}

#define BURST_PKTS 180000 /* one burst(): 90 flows x 2000 SYN packets of 40 bytes */
#define HOST6 "2001:db8:20::5"
#define V6_PKTS 5000 /* one burst6(): 10 flows x 500 UDP packets of 100 bytes, under every threshold */

/* One NetFlow v9 datagram (templates first) of IPv6 UDP flows to host. */
static void burst6(int fd, int port, uint32_t *seq, const char *host)
{
	struct flow_rec rec[10];
	memset(rec, 0, sizeof rec);
	for (int i = 0; i < 10; i++) {
		rec[i].family = 6;
		rec[i].proto = 17;
		inet_pton(AF_INET6, "2001:db8:ff::", rec[i].src);
		rec[i].src[15] = (uint8_t)(1 + i);
		inet_pton(AF_INET6, host, rec[i].dst);
		rec[i].sport = (uint16_t)(3000 + i);
		rec[i].dport = 8080;
		rec[i].packets = 500;
		rec[i].bytes = 500 * 100;
	}
	struct flow_gen_nf g = { .version = 9, .domain = 7, .seq = (*seq)++,
				 .tmpl = FLOW_GEN_TMPL_BEFORE };
	uint8_t b[4096];
	size_t used = 0;
	size_t n = flow_gen_nf9(b, sizeof b, &g, rec, 10, &used);
	assert_true(n > 0 && used == 10);
	assert_true(flow_lab_send(fd, port, b, n));
}

static void live_view_shows_burst_history_and_attack_rows(void **state)
{
	(void)state;
	struct fx f;
	fx_setup(&f, 1);
	h_asset_add(f.dir, f.org, "cidr", "2001:db8:20::/64");
	struct h_server s;
	int port = fx_start(&f, &s);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	uint32_t seq = 0;
	/* an IPv6 host (NetFlow v9), under every threshold: in the snapshot
	** by its canonical text, with its owner, no attack */
	int64_t seen6 = 0;
	uint32_t seq6 = 0;
	for (int64_t t0 = h_now_ms(); seen6 <= 0 && h_now_ms() - t0 < 40000;) {
		burst6(fd, port, &seq6, "2001:DB8:20:0::5");
		for (int64_t t1 = h_now_ms(); seen6 <= 0 && h_now_ms() - t1 < 2500; h_nap_ms(50))
			seen6 = db1(f.dir, "SELECT (pps = %d) + 2 * (pps = %d AND bps = %d AND "
					   "udp_pps = %d AND tcp_pps = 0 AND syn_pps = 0 AND flows = 10 "
					   "AND org_id = %lld) FROM flow_live WHERE host = '%s' AND "
					   "direction = 'incoming'",
				    V6_PKTS, V6_PKTS, V6_PKTS * 100 * 8, V6_PKTS, (long long)f.org, HOST6);
	}
	if (seen6 <= 0)
		fail_msg("flow_live never showed %s at %d packets/s (log %s)", HOST6, V6_PKTS, s.log);
	assert_int_equal(seen6, 3);
	assert_int_equal(db1(f.dir, "SELECT COUNT(*) FROM flow_attack"), 0);
	/* one burst at a time, the window emptied in between: a snapshot
	** taken while the burst is in the 1 s window shows exactly what was
	** sent (snapshots come about once a second, so one may miss a burst:
	** bounded retries) */
	int64_t seen = 0;
	for (int64_t t0 = h_now_ms(); seen <= 0 && h_now_ms() - t0 < 40000;) {
		burst(fd, port, &seq, HOST);
		/* 1: the packets right, 3: every figure of the row too; -1: no row */
		for (int64_t t1 = h_now_ms(); seen <= 0 && h_now_ms() - t1 < 2500; h_nap_ms(50))
			seen = db1(f.dir, "SELECT (pps = %d) + 2 * (pps = %d AND bps = %lld AND "
					  "syn_pps = %d AND tcp_pps = %d AND flows = 90 AND "
					  "udp_pps = 0 AND icmp_pps = 0 AND org_id = %lld) "
					  "FROM flow_live WHERE host = '%s' AND direction = 'incoming'",
				   BURST_PKTS, BURST_PKTS, (long long)BURST_PKTS * 40 * 8, BURST_PKTS,
				   BURST_PKTS, (long long)f.org, HOST);
	}
	if (seen <= 0)
		fail_msg("flow_live never showed %s at %d packets/s (log %s)", HOST, BURST_PKTS,
			 s.log);
	assert_int_equal(seen, 3);

	/* every attack ends (quiet 1 s) and has its incident (bounded) */
	bool ended = false;
	for (int64_t t0 = h_now_ms(); !ended && h_now_ms() - t0 < 20000; h_nap_ms(200))
		ended = db1(f.dir, "SELECT COUNT(*) FROM flow_attack WHERE host = '%s'", HOST) > 0 &&
			db1(f.dir, "SELECT COUNT(*) FROM flow_attack WHERE end_ms IS NULL") == 0;
	if (!ended)
		fail_msg("an attack on %s has no row or never ended (log %s)", HOST, s.log);
	assert_int_equal(db1(f.dir, "SELECT COUNT(*) FROM flow_attack WHERE host <> '%s' OR "
				    "direction <> 'incoming' OR type <> 'syn_flood' OR "
				    "incident_id IS NULL OR org_id IS NOT %lld OR "
				    "end_ms < start_ms OR peak_pps < 10000 OR threshold <> 10000 "
				    "OR banned <> 0 OR announced <> 0",
				 HOST, (long long)f.org),
			 0);
	/* the row's incident is the organisation's ddos incident, recovered */
	int64_t inc = db1(f.dir, "SELECT incident_id FROM flow_attack ORDER BY id DESC");
	char status[32] = "";
	for (int64_t t0 = h_now_ms(); strcmp(status, "recovered") != 0 && h_now_ms() - t0 < 20000;
	     h_nap_ms(200))
		incident_status(&s, &f.cred, inc, status, sizeof status);
	assert_string_equal(status, "recovered");
	char st2[32];
	int n = 0;
	assert_true(ddos_incidents(&s, &f.cred, f.org, st2, sizeof st2, &n) > 0);
	assert_true(db1(f.dir, "SELECT COUNT(*) FROM flow_attack") >= 1);

	/* a clean stop writes the history step under way and empties the
	** snapshot: nothing is collected any more */
	assert_int_equal(h_server_stop(&s), 0);
	assert_int_equal(db1(f.dir, "SELECT MAX(pps) FROM flow_history WHERE host = '%s' AND "
				    "direction = 'incoming'", HOST),
			 BURST_PKTS);
	assert_int_equal(db1(f.dir, "SELECT org_id FROM flow_history WHERE host = '%s' LIMIT 1",
			     HOST),
			 f.org);
	assert_int_equal(db1(f.dir, "SELECT MAX(pps) FROM flow_history WHERE host = '%s'", HOST6),
			 V6_PKTS);
	assert_int_equal(db1(f.dir, "SELECT COUNT(*) FROM flow_live"), 0);
	close(fd);
	fx_free(&f);
}

/* Bursts until the attack on HOST is open with its ban and route on
** record (bounded); returns its row id. */
static int64_t attack_until_mitigated(struct fx *f, struct h_server *s, int fd, int port,
				      uint32_t *seq)
{
	for (int64_t t0 = h_now_ms(); h_now_ms() - t0 < 20000;) {
		burst(fd, port, seq, HOST);
		h_nap_ms(200);
		int64_t id = db1(f->dir, "SELECT id FROM flow_attack WHERE host = '%s' AND "
					 "end_ms IS NULL AND banned = 1 AND announced = 1 AND "
					 "incident_id IS NOT NULL", HOST);
		if (id > 0)
			return id;
	}
	fail_msg("no open, mitigated attack on %s (log %s)", HOST, s->log);
	return 0;
}

static void restart_ends_attack_open_when_killed(void **state)
{
	(void)state;
	struct fx f;
	fx_setup(&f, 2);
	struct h_server s;
	int port = fx_start(&f, &s);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	uint32_t seq = 0;
	int64_t row = attack_until_mitigated(&f, &s, fd, port, &seq);
	int64_t inc = db1(f.dir, "SELECT incident_id FROM flow_attack WHERE id = %lld",
			  (long long)row);
	assert_true(pipe_has(f.pfd, "announce route " HOST "/32 next-hop self community [65535:666]"));
	assert_int_equal(count_lines(f.calls, " unban"), 0);

	/* serve dies during the attack; the flood stops while it is down */
	assert_int_equal(h_server_stop_sig(&s, SIGKILL), 128 + SIGKILL);
	pipe_reset(f.pfd); /* from here on: what the restarted serve writes */
	assert_true(db1(f.dir, "SELECT COUNT(*) FROM flow_attack WHERE end_ms IS NULL") == 1);
	fx_start(&f, &s);

	/* flow.quiet after the start with nothing over the threshold: the
	** attack ends as an END would (bounded) */
	bool ended = false;
	for (int64_t t0 = h_now_ms(); !ended && h_now_ms() - t0 < 30000; h_nap_ms(200))
		ended = db1(f.dir, "SELECT end_ms IS NOT NULL FROM flow_attack WHERE id = %lld",
			    (long long)row) == 1;
	if (!ended)
		fail_msg("attack %lld open before the restart never ended (log %s)", (long long)row,
			 s.log);
	char status[32];
	incident_status(&s, &f.cred, inc, status, sizeof status);
	assert_string_equal(status, "recovered");
	assert_true(ended_while_stopped(&s, &f.cred, inc));
	assert_true(pipe_has(f.pfd, "withdraw route " HOST "/32 next-hop self"));
	assert_int_equal(count_lines(f.calls, HOST " incoming"), 2); /* ban, unban */
	assert_int_equal(count_lines(f.calls, " unban"), 1);
	assert_true(h_incident_message_has(&s, &f.cred, inc, "ExaBGP: withdraw route " HOST "/32"));
	assert_true(h_incident_message_has(&s, &f.cred, inc, " unban: exit status 0"));
	assert_int_equal(db1(f.dir, "SELECT banned + announced FROM flow_attack WHERE id = %lld",
			     (long long)row),
			 0);
	assert_int_equal(db1(f.dir, "SELECT COUNT(*) FROM flow_attack"), 1);
	/* a second restart finds nothing open: nothing more is undone */
	assert_int_equal(h_server_stop(&s), 0);
	fx_start(&f, &s);
	h_nap_ms(2500);
	assert_int_equal(count_lines(f.calls, " unban"), 1);
	assert_int_equal(h_server_stop(&s), 0);
	close(fd);
	fx_free(&f);
}

static void restart_continues_attack_still_on(void **state)
{
	(void)state;
	struct fx f;
	fx_setup(&f, 5); /* margin for a loaded machine: the flood must be seen again within it */
	struct h_server s;
	int port = fx_start(&f, &s);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	uint32_t seq = 0;
	int64_t row = attack_until_mitigated(&f, &s, fd, port, &seq);
	int64_t inc = db1(f.dir, "SELECT incident_id FROM flow_attack WHERE id = %lld",
			  (long long)row);
	assert_int_equal(h_server_stop_sig(&s, SIGKILL), 128 + SIGKILL);
	pipe_reset(f.pfd);
	/* the flood goes on across the restart (bounded: until serve says so) */
	port = fx_start(&f, &s);
	bool goes_on = false;
	for (int64_t t0 = h_now_ms(); !goes_on && h_now_ms() - t0 < 20000;) {
		burst(fd, port, &seq, HOST);
		h_nap_ms(200);
		goes_on = h_file_has(s.log, "open before the restart goes on");
	}
	if (!goes_on)
		fail_msg("the attack open at the kill was not continued (log %s)", s.log);
	/* then it stops: the same row and incident end (bounded) */
	bool ended = false;
	for (int64_t t0 = h_now_ms(); !ended && h_now_ms() - t0 < 30000; h_nap_ms(200))
		ended = db1(f.dir, "SELECT end_ms IS NOT NULL FROM flow_attack WHERE id = %lld",
			    (long long)row) == 1;
	if (!ended)
		fail_msg("attack %lld never ended (log %s)", (long long)row, s.log);
	assert_int_equal(db1(f.dir, "SELECT COUNT(*) FROM flow_attack"), 1);
	assert_int_equal(db1(f.dir, "SELECT incident_id FROM flow_attack"), inc);
	char status[32];
	incident_status(&s, &f.cred, inc, status, sizeof status);
	assert_string_equal(status, "recovered");
	assert_false(ended_while_stopped(&s, &f.cred, inc));
	/* announced once (before the kill), withdrawn once; banned once */
	assert_false(pipe_has(f.pfd, "announce route"));
	assert_true(pipe_has(f.pfd, "withdraw route " HOST "/32 next-hop self"));
	assert_int_equal(count_lines(f.calls, " ban"), 1);
	assert_int_equal(count_lines(f.calls, " unban"), 1);
	assert_int_equal(h_server_stop(&s), 0);
	close(fd);
	fx_free(&f);
}

static void restart_withdraws_blackhole_from_gobgp(void **state)
{
	(void)state;
	struct fx f;
	fx_setup(&f, 2);
	struct flow_bgp_lab lab;
	assert_int_equal(flow_bgp_lab_start(&lab, f.dir), 0);
	const char *up[] = { "Establ" };
	if (!flow_bgp_lab_wait(&lab, "neighbor", up, 1, true))
		fail_msg("ExaBGP and GoBGP did not peer (logs in %s)", f.dir);
	/* serve's lines go to the pipe ExaBGP's API process reads; GoBGP
	** refuses a loopback next hop */
	snprintf(f.env_pipe, sizeof f.env_pipe, "PARAPET_FLOW_EXABGP_PIPE=%s", lab.pipe);
	f.env[9] = "PARAPET_FLOW_EXABGP_NEXT_HOP=192.0.2.254";
	f.env[10] = NULL;
	struct h_server s;
	int port = fx_start(&f, &s);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	uint32_t seq = 0;
	int64_t row = attack_until_mitigated(&f, &s, fd, port, &seq);
	/* GoBGP prints 65535:666 as the number 0xFFFF029A in JSON */
	const char *route[] = { "\"" HOST "/32\"", "\"nexthop\":\"192.0.2.254\"", "4294902426" };
	bool ok = false;
	for (int i = 0; i < 10 && !ok; i++) {
		burst(fd, port, &seq, HOST); /* the attack goes on until GoBGP has it */
		ok = flow_bgp_lab_wait(&lab, "global rib -a ipv4 -j", route, ARRAY_SIZE(route), true);
	}
	if (!ok)
		fail_msg("the blackhole route did not reach GoBGP (logs in %s, %s)", f.dir, s.log);

	/* killed during the attack; no traffic after */
	assert_int_equal(h_server_stop_sig(&s, SIGKILL), 128 + SIGKILL);
	fx_start(&f, &s);
	const char *gone[] = { "Network not in table" };
	if (!flow_bgp_lab_wait(&lab, "global rib -a ipv4", gone, 1, true))
		fail_msg("the blackhole stayed in GoBGP after the restart (log %s)", s.log);
	bool ended = false;
	for (int64_t t0 = h_now_ms(); !ended && h_now_ms() - t0 < 20000; h_nap_ms(200))
		ended = db1(f.dir, "SELECT end_ms IS NOT NULL AND announced = 0 FROM flow_attack "
				   "WHERE id = %lld", (long long)row) == 1;
	assert_true(ended);
	assert_int_equal(h_server_stop(&s), 0);
	flow_bgp_lab_stop(&lab);
	close(fd);
	fx_free(&f);
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(syn_flood_becomes_incident_then_recovers),
		cmocka_unit_test(live_view_shows_burst_history_and_attack_rows),
		cmocka_unit_test(restart_ends_attack_open_when_killed),
		cmocka_unit_test(restart_continues_attack_still_on),
		cmocka_unit_test(restart_withdraws_blackhole_from_gobgp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
