/*
** config.c — the key table, the INI parser callback and environment overrides.
**
** The table below is the single source of truth for configuration keys. The
** INI reader (inih) calls back per key; each value is validated against the
** key's type and bounds before it is stored, and the first error stops the
** load with the file, line and key in the message.
*/
#include "config/config.h"

#include <ctype.h>
#include <ini.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum ktype { K_INT, K_BOOL, K_STR };

struct key {
	const char *section;
	const char *name;
	enum ktype type;
	size_t off;
	size_t size;        /* for strings: capacity of the field */
	const char *def;
	int64_t min, max;
	const char *doc;
};

#define F(f) offsetof(struct config, f), sizeof(((struct config *)0)->f)

static const struct key keys[] = {
	{ "http", "listen", K_STR, F(listen), "127.0.0.1:8080", 0, 0,
	  "address and port to listen on (IPv4 a.b.c.d:port or [v6]:port)" },
	{ "http", "threads", K_INT, F(http_threads), "0", 0, 256,
	  "HTTP worker threads; 0 = one per core, at least 2 (more threads than cores "
	  "only add queueing delay)" },
	{ "http", "max_body", K_INT, F(max_body), "1048576", 1024, 1073741824,
	  "largest request body accepted, bytes; larger gets 413" },
	{ "http", "timeout", K_INT, F(conn_timeout), "30", 1, 3600,
	  "idle connection timeout, seconds" },
	{ "http", "tls", K_BOOL, F(cookie_secure), "false", 0, 0,
	  "true when clients reach Parapet over TLS (a proxy); cookies get Secure" },
	{ "http", "list_cache", K_BOOL, F(list_cache), "true", 0, 0,
	  "keep each worker's last incident lists for up to a second, dropped at any change" },
	{ "http", "body_budget", K_INT, F(http_body_budget), "67108864", 1024, 17179869184,
	  "request-body bytes held in memory across all connections; past it 503 with "
	  "Retry-After (file uploads above 1 MiB go to DATA/tmp and do not count)" },
	{ "http", "per_ip_connections", K_INT, F(http_per_ip), "32", 1, 65535,
	  "connections at once from one client address" },
	{ "http", "header_timeout", K_INT, F(http_header_timeout), "10", 1, 3600,
	  "seconds from connect until the request line and headers are complete; not reset "
	  "by each byte" },
	{ "http", "max_pending", K_INT, F(http_max_pending), "512", 16, 100000,
	  "connections still sending headers at most; past it the oldest are closed, so "
	  "complete requests always find room" },
	{ "http", "max_url", K_INT, F(http_max_url), "8192", 256, 65536,
	  "longest request target (path and query), bytes; longer gets 414" },
	{ "http", "max_headers", K_INT, F(http_max_headers), "16384", 1024, 65536,
	  "most bytes of request header fields; more gets 431" },
	{ "metrics", "listen", K_STR, F(metrics_listen), "127.0.0.1:9464", 0, 0,
	  "address of the credential-free /metrics listener for Prometheus (host:port); "
	  "empty = off (GET /metrics on http.listen needs admin or analyst credentials)" },
	{ "auth", "session_ttl", K_INT, F(session_ttl), "43200", 60, 2592000,
	  "browser session lifetime, seconds" },
	{ "auth", "password_min", K_INT, F(password_min), "12", 8, 1024,
	  "minimum password length, characters" },
	{ "auth", "login_max_failures", K_INT, F(login_max_fail), "5", 1, 1000,
	  "failed logins per account before it is locked (per source network, /24 or /64: "
	  "five times as many)" },
	{ "auth", "login_first_delay", K_INT, F(login_first_delay), "1", 1, 86400,
	  "lock after the last allowed failure, seconds; doubled by each further failure" },
	{ "auth", "login_max_delay", K_INT, F(login_max_delay), "900", 1, 86400,
	  "longest delay imposed after repeated failures, seconds" },
	{ "auth", "argon2_ops", K_INT, F(pwhash_ops), "3", 1, 100,
	  "Argon2id passes (libsodium opslimit)" },
	{ "auth", "argon2_mem", K_INT, F(pwhash_mem), "67108864", 8192, 4294967296,
	  "Argon2id memory, bytes (libsodium memlimit)" },
	{ "log", "level", K_STR, F(log_level), "info", 0, 0,
	  "debug, info, warn or error" },
	{ "constituency", "provinces_file", K_STR, F(provinces_file), "", 0, 0,
	  "file of provinces (name,name_fa per line); empty = Iran's 31 provinces" },
	{ "constituency", "import_max_rows", K_INT, F(import_max_rows), "1000000", 1,
	  100000000, "most rows accepted in one constituency CSV import" },
	{ "smtp", "host", K_STR, F(smtp_host), "", 0, 0,
	  "SMTP server for notifications; empty keeps mail pending in the outbox" },
	{ "smtp", "port", K_INT, F(smtp_port), "25", 1, 65535, "SMTP port" },
	{ "smtp", "starttls", K_STR, F(smtp_starttls), "auto", 0, 0,
	  "none, try or require STARTTLS; auto = require when smtp.username is set, else try" },
	{ "smtp", "username", K_STR, F(smtp_user), "", 0, 0, "SMTP AUTH user; empty = no AUTH" },
	{ "smtp", "allow_plain_auth", K_BOOL, F(smtp_allow_plain_auth), "false", 0, 0,
	  "true lets AUTH (the password) go without TLS to a server offering no STARTTLS "
	  "(logged as a warning at start); false = mail with smtp.username set is sent "
	  "only over TLS" },
	{ "smtp", "password", K_STR, F(smtp_password), "", 0, 0,
	  "SMTP AUTH password (prefer PARAPET_SMTP_PASSWORD in the environment)" },
	{ "smtp", "from", K_STR, F(smtp_from), "parapet@localhost", 0, 0,
	  "sender address of notifications" },
	{ "smtp", "timeout", K_INT, F(smtp_timeout), "30", 1, 600, "SMTP timeout, seconds" },
	{ "notify", "max_attempts", K_INT, F(notify_max_attempts), "10", 1, 1000,
	  "attempts before a notification is marked failed" },
	{ "notify", "retry_base", K_INT, F(notify_retry_base), "30", 1, 86400,
	  "first retry delay, seconds; doubled per attempt (capped at 6 h)" },
	{ "notify", "poll_ms", K_INT, F(notify_poll_ms), "1000", 10, 60000,
	  "how often the outbox is checked, milliseconds" },
	{ "notify", "public_url", K_STR, F(public_url), "http://127.0.0.1:8080", 0, 0,
	  "address of Parapet as people reach it, for links in notifications" },
	{ "notify", "message_id_domain", K_STR, F(msgid_domain), "parapet.invalid", 0, 0,
	  "right-hand side of Message-IDs" },
	{ "sla", "low_ack", K_INT, F(sla_ack[0]), "259200", 60, 31536000,
	  "low severity: acknowledge within, seconds" },
	{ "sla", "low_contain", K_INT, F(sla_contain[0]), "1209600", 60, 31536000,
	  "low severity: contain within, seconds" },
	{ "sla", "medium_ack", K_INT, F(sla_ack[1]), "28800", 60, 31536000,
	  "medium severity: acknowledge within, seconds" },
	{ "sla", "medium_contain", K_INT, F(sla_contain[1]), "259200", 60, 31536000,
	  "medium severity: contain within, seconds" },
	{ "sla", "high_ack", K_INT, F(sla_ack[2]), "3600", 60, 31536000,
	  "high severity: acknowledge within, seconds" },
	{ "sla", "high_contain", K_INT, F(sla_contain[2]), "86400", 60, 31536000,
	  "high severity: contain within, seconds" },
	{ "sla", "critical_ack", K_INT, F(sla_ack[3]), "900", 60, 31536000,
	  "critical severity: acknowledge within, seconds" },
	{ "sla", "critical_contain", K_INT, F(sla_contain[3]), "14400", 60, 31536000,
	  "critical severity: contain within, seconds" },
	{ "evidence", "max_size", K_INT, F(evidence_max), "10485760", 1024, 1073741824,
	  "largest evidence file accepted, bytes" },
	{ "watch", "enabled", K_BOOL, F(watch_enabled), "true", 0, 0,
	  "parapet serve runs the website monitor" },
	{ "watch", "parallel", K_INT, F(watch_parallel), "64", 1, 4096,
	  "website checks in flight at once" },
	{ "watch", "connect_timeout", K_INT, F(watch_connect_timeout), "10", 1, 300,
	  "seconds to connect to a site" },
	{ "watch", "timeout", K_INT, F(watch_timeout), "30", 1, 600,
	  "seconds for a whole check, redirects included" },
	{ "watch", "body_max", K_INT, F(watch_body_max), "2097152", 4096, 67108864,
	  "bytes of a page kept and analysed; the rest is cut" },
	{ "watch", "max_redirects", K_INT, F(watch_max_redirects), "10", 0, 50,
	  "redirects followed (each hop is recorded)" },
	{ "watch", "dns_servers", K_STR, F(watch_dns_servers), "", 0, 0,
	  "resolvers the monitor asks, ip:port,...; empty = /etc/resolv.conf" },
	{ "watch", "dns_auth_port", K_INT, F(watch_dns_auth_port), "53", 1, 65535,
	  "port of parent-zone name servers asked for delegations" },
	{ "watch", "dns_timeout", K_INT, F(watch_dns_timeout), "2000", 100, 60000,
	  "milliseconds before a DNS query is retried" },
	{ "watch", "ca_file", K_STR, F(watch_ca_file), "", 0, 0,
	  "PEM bundle certificates are validated against; empty = system CAs" },
	{ "watch", "samples", K_INT, F(watch_samples), "3", 1, 20,
	  "pages a site's baseline is learned from (rolling)" },
	{ "watch", "recover_after", K_INT, F(watch_recover_after), "3", 1, 100,
	  "consecutive matching checks before an incident is recovered" },
	{ "watch", "workers", K_INT, F(watch_workers), "0", 0, 256,
	  "page analysis threads; 0 = four per core (they also wait on the disk)" },
	{ "watch", "batch", K_INT, F(watch_batch), "2000", 1, 100000,
	  "sites checked per pass of the monitor" },
	{ "watch", "posture_every", K_INT, F(watch_posture_every), "86400", 60, 2592000,
	  "seconds between security posture grades of a site" },
	{ "watch", "services", K_STR, F(watch_services), "", 0, 0,
	  "file of well-known third-party services (the format of data/watch/services.csv), "
	  "read at start-up in place of the built-in list; empty = built-in" },
	{ "feeds", "enabled", K_BOOL, F(feeds_enabled), "true", 0, 0,
	  "parapet serve imports report files dropped in the watched directory" },
	{ "feeds", "dir", K_STR, F(feeds_dir), "", 0, 0,
	  "watched directory of report files; empty = DATA/feeds/incoming" },
	{ "feeds", "dedup_window", K_INT, F(feeds_dedup_window), "86400", 0, 31536000,
	  "seconds within which the same owner, class, IP and port is counted, not repeated" },
	{ "feeds", "dedup_keys", K_INT, F(feeds_dedup_keys), "4000000", 1000, 1000000000,
	  "dedup keys held in memory during an import at most" },
	{ "feeds", "digest_period", K_INT, F(feeds_period), "86400", 60, 2592000,
	  "seconds each digest covers: one mail per organisation, feed and period" },
	{ "feeds", "max_upload", K_INT, F(feeds_max_upload), "268435456", 1024, 17179869184,
	  "largest report file accepted by the upload endpoint, bytes" },
	{ "feeds", "batch", K_INT, F(feeds_batch), "10000", 1, 1000000,
	  "events stored per transaction (and per crash-resume checkpoint)" },
	{ "feeds", "queue", K_INT, F(feeds_queue), "4", 1, 1024,
	  "batches waiting between the parser and the writer before the parser waits" },
	{ "advisory", "remind_before_hours", K_INT, F(advisory_remind_before), "48", 1, 8760,
	  "hours before an advisory's deadline that targets not yet acknowledged are reminded "
	  "(once)" },
	{ "advisory", "link_days", K_INT, F(advisory_link_days), "90", 1, 3650,
	  "days the read and acknowledge links of an advisory mail keep working" },
	{ "indicator", "warninglists", K_STR, F(indicator_warninglists), "", 0, 0,
	  "directory of MISP warninglists (NAME/list.json); empty = DATA/warninglists when "
	  "`parapet indicator warninglists update` installed some, else the shipped lists" },
	{ "indicator", "rpz_origin", K_STR, F(indicator_rpz_origin), "rpz.parapet.", 0, 0,
	  "origin of the DNS RPZ zone export" },
	{ "indicator", "rpz_action", K_STR, F(indicator_rpz_action), "nxdomain", 0, 0,
	  "what the RPZ zone answers for a listed domain: nxdomain, nodata, drop, or a host "
	  "name to send resolvers to (a walled-garden page, CNAME)" },
	{ "indicator", "export_max_age", K_INT, F(indicator_export_max_age), "300", 0, 86400,
	  "seconds a resolver or firewall may cache an export before asking again (it then "
	  "asks with If-None-Match)" },
	{ "apk", "max_size", K_INT, F(apk_max_size), "209715200", 1024, 4294967296,
	  "largest APK accepted for triage, bytes" },
	{ "apk", "max_uncompressed", K_INT, F(apk_max_uncompressed), "1073741824", 1024,
	  17179869184, "bytes read out of one APK's archive in all (a zip bomb stops here)" },
	{ "apk", "max_entries", K_INT, F(apk_max_entries), "65536", 1, 1000000,
	  "entries of one APK's archive at most" },
	{ "apk", "yara_rules", K_STR, F(apk_yara_rules), "", 0, 0,
	  "directory of YARA rules (*.yar, *.yara) every triaged APK is scanned with; "
	  "empty = no YARA scan" },
	{ "flow", "enabled", K_BOOL, F(flow_enabled), "false", 0, 0,
	  "parapet serve runs the flow collector (opens the UDP ports below)" },
	{ "flow", "netflow_listen", K_STR, F(flow_netflow_listen), "0.0.0.0:2055", 0, 0,
	  "NetFlow v5/v9 and IPFIX listen address, ADDR:PORT or [V6]:PORT (port 0: any free "
	  "port, logged); empty = none" },
	{ "flow", "sflow_listen", K_STR, F(flow_sflow_listen), "0.0.0.0:6343", 0, 0,
	  "sFlow v5 listen address, as netflow_listen; empty = none" },
	{ "flow", "threads", K_INT, F(flow_threads), "1", 1, 64,
	  "collector threads, each with its own SO_REUSEPORT socket per address" },
	{ "flow", "rcvbuf", K_INT, F(flow_rcvbuf), "16777216", 0, 1073741824,
	  "receive buffer asked per socket, bytes (the granted size is logged); 0 = kernel "
	  "default" },
	{ "flow", "threshold_pps", K_INT, F(flow_threshold_pps), "0", 0, INT64_MAX,
	  "packets/s per protected host and direction that start an attack; 0 = off" },
	{ "flow", "threshold_bps", K_INT, F(flow_threshold_bps), "0", 0, INT64_MAX,
	  "bits/s per protected host and direction that start an attack; 0 = off" },
	{ "flow", "threshold_flows", K_INT, F(flow_threshold_flows), "0", 0, INT64_MAX,
	  "flows/s per protected host and direction that start an attack; 0 = off" },
	{ "flow", "threshold_syn_pps", K_INT, F(flow_threshold_syn_pps), "0", 0, INT64_MAX,
	  "TCP SYN packets/s per protected host and direction that start an attack; 0 = off" },
	{ "flow", "quiet", K_INT, F(flow_quiet), "60", 1, 86400,
	  "seconds under every threshold that end an attack (its incident recovers)" },
	{ "flow", "ban_time", K_INT, F(flow_ban_time), "0", 0, 31536000,
	  "seconds before a mitigation is withdrawn; 0 = when the attack ends" },
	{ "flow", "unban_only_if_finished", K_BOOL, F(flow_unban_only_if_finished), "true", 0, 0,
	  "with ban_time: withdraw only once traffic is also back under threshold" },
	{ "flow", "notify_script", K_STR, F(flow_notify_script), "", 0, 0,
	  "script run on ban and unban with FastNetMon's arguments (IP DIRECTION PPS ACTION); "
	  "empty = none" },
	{ "flow", "exabgp_pipe", K_STR, F(flow_exabgp_pipe), "", 0, 0,
	  "named pipe of ExaBGP's API process: announce/withdraw lines for the attacked host "
	  "are written to it; empty = none" },
};

#define NKEYS (ARRAY_SIZE(keys))

static int set_value(struct config *cfg, const struct key *k, const char *val,
		     struct perr *err)
{
	char *dst = (char *)cfg + k->off;
	switch (k->type) {
	case K_INT: {
		int64_t v;
		if (parse_i64(val, k->min, k->max, &v) != 0)
			return perr_set(err, PERR_INVALID, k->name,
					"%s.%s must be an integer from %lld to %lld",
					k->section, k->name, (long long)k->min,
					(long long)k->max);
		memcpy(dst, &v, sizeof(v));
		return 0;
	}
	case K_BOOL: {
		bool v;
		if (strcmp(val, "true") == 0 || strcmp(val, "yes") == 0 ||
		    strcmp(val, "1") == 0)
			v = true;
		else if (strcmp(val, "false") == 0 || strcmp(val, "no") == 0 ||
			 strcmp(val, "0") == 0)
			v = false;
		else
			return perr_set(err, PERR_INVALID, k->name,
					"%s.%s must be true or false", k->section,
					k->name);
		memcpy(dst, &v, sizeof(v));
		return 0;
	}
	case K_STR:
		if (pstrlcpy(dst, val, k->size) != 0)
			return perr_set(err, PERR_INVALID, k->name,
					"%s.%s is longer than %zu bytes", k->section,
					k->name, k->size - 1);
		return 0;
	}
	return -1;
}

static const struct key *find_key(const char *section, const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < NKEYS; i++)
		(void)set_value(cfg, &keys[i], keys[i].def, NULL);
}

struct load_ctx {
	struct config *cfg;
	struct perr *err;
	const char *path;
	int failed;
	struct perr first;
};

/* inih reports the line of the first error as ini_parse()'s result, so the
** callback only records what went wrong and returns 0. */
static int on_ini(void *user, const char *section, const char *name,
		  const char *value)
{
	struct load_ctx *c = user;
	if (c->failed)
		return 0;
	const struct key *k = find_key(section, name);
	struct perr e;
	perr_clear(&e);
	if (!k) {
		perr_set(&c->first, PERR_INVALID, name, "unknown key %s.%s", section,
			 name);
		c->failed = 1;
		return 0;
	}
	if (set_value(c->cfg, k, value, &e) != 0) {
		c->first = e;
		c->failed = 1;
		return 0;
	}
	return 1;
}

static int check_whole(const struct config *cfg, struct perr *err)
{
	static const char *levels[] = { "debug", "info", "warn", "error" };
	bool ok = false;
	for (size_t i = 0; i < 4; i++)
		ok |= strcmp(cfg->log_level, levels[i]) == 0;
	if (!ok)
		return perr_set(err, PERR_INVALID, "level",
				"log.level must be debug, info, warn or error");
	if (strcmp(cfg->smtp_starttls, "none") != 0 && strcmp(cfg->smtp_starttls, "try") != 0 &&
	    strcmp(cfg->smtp_starttls, "require") != 0 && strcmp(cfg->smtp_starttls, "auto") != 0)
		return perr_set(err, PERR_INVALID, "starttls",
				"smtp.starttls must be auto, none, try or require");
	if (!strchr(cfg->listen, ':'))
		return perr_set(err, PERR_INVALID, "listen",
				"http.listen must be host:port");
	if (cfg->metrics_listen[0] && !strchr(cfg->metrics_listen, ':'))
		return perr_set(err, PERR_INVALID, "listen",
				"metrics.listen must be host:port or empty");
	return 0;
}

int config_load(const char *path, struct config *cfg, struct perr *err)
{
	config_defaults(cfg);
	if (path) {
		struct load_ctx c = { cfg, err, path, 0, { PERR_OK, "", "" } };
		int rc = ini_parse(path, on_ini, &c);
		if (c.failed)
			return perr_set(err, PERR_INVALID, c.first.field, "%s:%d: %s", path,
					rc, c.first.msg);
		if (rc < 0)
			return perr_set(err, PERR_INVALID, NULL,
					"%s: cannot open configuration file", path);
		if (rc > 0)
			return perr_set(err, PERR_INVALID, NULL,
					"%s:%d: syntax error", path, rc);
	}
	for (size_t i = 0; i < NKEYS; i++) {
		char var[96];
		snprintf(var, sizeof(var), "PARAPET_%s_%s", keys[i].section,
			 keys[i].name);
		for (char *p = var; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		const char *v = getenv(var);
		if (!v)
			continue;
		struct perr e;
		perr_clear(&e);
		if (set_value(cfg, &keys[i], v, &e) != 0)
			return perr_set(err, PERR_INVALID, keys[i].name,
					"environment %s: %s", var, e.msg);
	}
	return check_whole(cfg, err);
}

void config_dump(const struct config *cfg, FILE *out)
{
	const char *section = "";
	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		if (strcmp(section, k->section) != 0) {
			fprintf(out, "%s[%s]\n", i ? "\n" : "", k->section);
			section = k->section;
		}
		const char *p = (const char *)cfg + k->off;
		fprintf(out, "# %s (default: %s)\n", k->doc,
			k->def[0] ? k->def : "empty");
		switch (k->type) {
		case K_INT: {
			int64_t v;
			memcpy(&v, p, sizeof(v));
			fprintf(out, "%s = %lld\n", k->name, (long long)v);
			break;
		}
		case K_BOOL: {
			bool v;
			memcpy(&v, p, sizeof(v));
			fprintf(out, "%s = %s\n", k->name, v ? "true" : "false");
			break;
		}
		case K_STR:
			/* a dump goes to terminals and tickets: never print a secret */
			fprintf(out, "%s = %s\n", k->name,
				strcmp(k->name, "password") == 0 && p[0] ? "(set, not shown)" : p);
			break;
		}
	}
}
