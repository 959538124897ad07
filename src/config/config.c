/*
** config.c — the key table, the INI parser callback and environment overrides.
**
** The table below is the single source of truth for configuration keys. The
** INI reader (inih) calls back per key; each value is validated against the
** key's type and bounds before it is stored, and the first error stops the
** load with the file, line and key in the message.
*/
#include "config/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <ini.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"

enum ktype { K_INT, K_BOOL, K_STR, K_DBL };

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
	{ "flow", "threshold_pps", K_INT, F(flow_th.pps), "0", 0, INT64_MAX,
	  "packets/s per protected host and direction that start an attack; 0 = off" },
	{ "flow", "threshold_bps", K_INT, F(flow_th.bps), "0", 0, INT64_MAX,
	  "bits/s per protected host and direction that start an attack; 0 = off" },
	{ "flow", "threshold_flows", K_INT, F(flow_th.flows), "0", 0, INT64_MAX,
	  "flows/s per protected host and direction that start an attack; 0 = off" },
	{ "flow", "threshold_syn_pps", K_INT, F(flow_th.syn_pps), "0", 0, INT64_MAX,
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
	/* the rest of [flow] (issue 16): docs/flow.md maps each to FastNetMon's key */
	{ "flow", "threshold_tcp_pps", K_INT, F(flow_th.tcp_pps), "0", 0, INT64_MAX,
	  "TCP packets/s per protected host and direction that start an attack; 0 = off" },
	{ "flow", "threshold_tcp_bps", K_INT, F(flow_th.tcp_bps), "0", 0, INT64_MAX,
	  "TCP bits/s per protected host and direction that start an attack; 0 = off" },
	{ "flow", "threshold_udp_pps", K_INT, F(flow_th.udp_pps), "0", 0, INT64_MAX,
	  "UDP packets/s per protected host and direction that start an attack; 0 = off" },
	{ "flow", "threshold_udp_bps", K_INT, F(flow_th.udp_bps), "0", 0, INT64_MAX,
	  "UDP bits/s per protected host and direction that start an attack; 0 = off" },
	{ "flow", "threshold_icmp_pps", K_INT, F(flow_th.icmp_pps), "0", 0, INT64_MAX,
	  "ICMP packets/s per protected host and direction that start an attack; 0 = off" },
	{ "flow", "threshold_icmp_bps", K_INT, F(flow_th.icmp_bps), "0", 0, INT64_MAX,
	  "ICMP bits/s per protected host and direction that start an attack; 0 = off" },
	{ "flow", "threshold_frag_pps", K_INT, F(flow_th.frag_pps), "0", 0, INT64_MAX,
	  "IP fragment packets/s per protected host and direction that start an attack; 0 = off" },
	{ "flow", "threshold_frag_bps", K_INT, F(flow_th.frag_bps), "0", 0, INT64_MAX,
	  "IP fragment bits/s per protected host and direction that start an attack; 0 = off" },
	{ "flow", "threshold_syn_bps", K_INT, F(flow_th.syn_bps), "0", 0, INT64_MAX,
	  "only 0: SYN packets are counted, not their bytes (use threshold_syn_pps); the key "
	  "exists because the FastNetMon import writes it" },
	{ "flow", "process_incoming", K_BOOL, F(flow_process_incoming), "true", 0, 0,
	  "traffic towards protected hosts is checked against the thresholds" },
	{ "flow", "process_outgoing", K_BOOL, F(flow_process_outgoing), "true", 0, 0,
	  "traffic from protected hosts (a compromised server attacking) is checked" },
	{ "flow", "mitigate", K_BOOL, F(flow_mitigate), "true", 0, 0,
	  "run notify_script and announce through ExaBGP for IPv4 hosts; false: attacks "
	  "still open incidents, nothing else is done (FastNetMon's enable_ban)" },
	{ "flow", "mitigate_ipv6", K_BOOL, F(flow_mitigate_ipv6), "true", 0, 0,
	  "the same for IPv6 hosts (FastNetMon's enable_ban_ipv6)" },
	{ "flow", "learned", K_BOOL, F(flow_learned), "false", 0, 0,
	  "learned thresholds: each host's 7-day peak per hour of the week x learn_factor "
	  "(pps, bps, flows), once a week is learned; the static ones before" },
	{ "flow", "learn_factor", K_DBL, F(flow_learn_factor), "2", 1, 1000,
	  "learned threshold = the peak x this factor" },
	{ "flow", "learn_floor_pps", K_INT, F(flow_learn_floor_pps), "0", 0, INT64_MAX,
	  "a learned packets/s threshold is never below this" },
	{ "flow", "learn_floor_bps", K_INT, F(flow_learn_floor_bps), "0", 0, INT64_MAX,
	  "a learned bits/s threshold is never below this" },
	{ "flow", "learn_floor_flows", K_INT, F(flow_learn_floor_flows), "0", 0, INT64_MAX,
	  "a learned flows/s threshold is never below this" },
	{ "flow", "learn_hosts", K_INT, F(flow_learn_hosts), "32768", 1, 1000000,
	  "hosts with a learned baseline at most (1 KiB each)" },
	{ "flow", "learn_save", K_INT, F(flow_learn_save), "300", 10, 86400,
	  "seconds between saves of the baselines to DATA/flow-baselines.bin (also saved at "
	  "stop, loaded at start)" },
	{ "flow", "exabgp", K_BOOL, F(flow_exabgp), "true", 0, 0,
	  "announce attacked hosts through exabgp_pipe (when set) with the exabgp_* settings" },
	{ "flow", "exabgp_next_hop", K_STR, F(flow_exabgp_next_hop), "self", 0, 0,
	  "next hop of IPv4 announcements: an IPv4 address or self (empty = self)" },
	{ "flow", "exabgp_next_hop_ipv6", K_STR, F(flow_exabgp_next_hop_ipv6), "self", 0, 0,
	  "next hop of IPv6 announcements: an IPv6 address or self (empty = self)" },
	{ "flow", "exabgp_community_host", K_STR, F(flow_exabgp_community_host), "65535:666", 0,
	  0, "communities of a host's announcement: ASN:VALUE or [A:B C:D]; empty = none" },
	{ "flow", "exabgp_community_subnet", K_STR, F(flow_exabgp_community_subnet),
	  "65535:666", 0, 0, "communities of a subnet's announcement, as exabgp_community_host" },
	{ "flow", "exabgp_announce_host", K_BOOL, F(flow_exabgp_announce_host), "true", 0, 0,
	  "announce the attacked host (/32, /128)" },
	{ "flow", "exabgp_announce_subnet", K_BOOL, F(flow_exabgp_announce_subnet), "false", 0,
	  0, "announce the owner's CIDR asset that holds the attacked host" },
	{ "flow", "exabgp_flowspec", K_BOOL, F(flow_exabgp_flowspec), "false", 0, 0,
	  "announce a FlowSpec rule that discards the attack's protocol and ports towards the "
	  "host instead of the host and subnet routes" },
	{ "flow", "gobgp", K_BOOL, F(flow_gobgp), "false", 0, 0,
	  "FastNetMon's GoBGP settings (gobgp_*): used for the exabgp_pipe announcements when "
	  "exabgp is false (Parapet speaks ExaBGP's API only)" },
	{ "flow", "gobgp_next_hop", K_STR, F(flow_gobgp_next_hop), "self", 0, 0,
	  "with gobgp: next hop of IPv4 announcements" },
	{ "flow", "gobgp_next_hop_ipv6", K_STR, F(flow_gobgp_next_hop_ipv6), "self", 0, 0,
	  "with gobgp: next hop of IPv6 announcements" },
	{ "flow", "gobgp_announce_host", K_BOOL, F(flow_gobgp_announce_host), "true", 0, 0,
	  "with gobgp: announce an attacked IPv4 host" },
	{ "flow", "gobgp_announce_subnet", K_BOOL, F(flow_gobgp_announce_subnet), "false", 0, 0,
	  "with gobgp: announce the IPv4 CIDR asset holding it" },
	{ "flow", "gobgp_announce_host_ipv6", K_BOOL, F(flow_gobgp_announce_host_ipv6), "true",
	  0, 0, "with gobgp: announce an attacked IPv6 host" },
	{ "flow", "gobgp_announce_subnet_ipv6", K_BOOL, F(flow_gobgp_announce_subnet_ipv6),
	  "false", 0, 0, "with gobgp: announce the IPv6 CIDR asset holding it" },
	{ "flow", "gobgp_community_host", K_STR, F(flow_gobgp_community_host), "65535:666", 0, 0,
	  "with gobgp: communities of an IPv4 host's announcement" },
	{ "flow", "gobgp_community_subnet", K_STR, F(flow_gobgp_community_subnet), "65535:666",
	  0, 0, "with gobgp: communities of an IPv4 subnet's announcement" },
	{ "flow", "gobgp_community_host_ipv6", K_STR, F(flow_gobgp_community_host_ipv6),
	  "65535:666", 0, 0, "with gobgp: communities of an IPv6 host's announcement" },
	{ "flow", "gobgp_community_subnet_ipv6", K_STR, F(flow_gobgp_community_subnet_ipv6),
	  "65535:666", 0, 0, "with gobgp: communities of an IPv6 subnet's announcement" },
};

/* The keys of a [flow.hostgroup.NAME] section, offsets in struct
** config_flow_group; "networks" is read apart (it adds networks). No
** defaults: a hostgroup's settings start off, as in FastNetMon. */
#define G(f) offsetof(struct config_flow_group, f), sizeof(((struct config_flow_group *)0)->f)
static const struct key group_keys[] = {
	{ "flow.hostgroup", "mitigate", K_BOOL, G(mitigate), "false", 0, 0, "" },
	{ "flow.hostgroup", "mitigate_ipv6", K_BOOL, G(mitigate_ipv6), "false", 0, 0, "" },
	{ "flow.hostgroup", "threshold_pps", K_INT, G(th.pps), "0", 0, INT64_MAX, "" },
	{ "flow.hostgroup", "threshold_bps", K_INT, G(th.bps), "0", 0, INT64_MAX, "" },
	{ "flow.hostgroup", "threshold_flows", K_INT, G(th.flows), "0", 0, INT64_MAX, "" },
	{ "flow.hostgroup", "threshold_tcp_pps", K_INT, G(th.tcp_pps), "0", 0, INT64_MAX, "" },
	{ "flow.hostgroup", "threshold_tcp_bps", K_INT, G(th.tcp_bps), "0", 0, INT64_MAX, "" },
	{ "flow.hostgroup", "threshold_udp_pps", K_INT, G(th.udp_pps), "0", 0, INT64_MAX, "" },
	{ "flow.hostgroup", "threshold_udp_bps", K_INT, G(th.udp_bps), "0", 0, INT64_MAX, "" },
	{ "flow.hostgroup", "threshold_icmp_pps", K_INT, G(th.icmp_pps), "0", 0, INT64_MAX, "" },
	{ "flow.hostgroup", "threshold_icmp_bps", K_INT, G(th.icmp_bps), "0", 0, INT64_MAX, "" },
	{ "flow.hostgroup", "threshold_frag_pps", K_INT, G(th.frag_pps), "0", 0, INT64_MAX, "" },
	{ "flow.hostgroup", "threshold_frag_bps", K_INT, G(th.frag_bps), "0", 0, INT64_MAX, "" },
	{ "flow.hostgroup", "threshold_syn_pps", K_INT, G(th.syn_pps), "0", 0, INT64_MAX, "" },
	{ "flow.hostgroup", "threshold_syn_bps", K_INT, G(th.syn_bps), "0", 0, INT64_MAX, "" },
};

#define NKEYS (ARRAY_SIZE(keys))

/* Store val in the field of k inside base (a struct config, or a struct
** config_flow_group for group_keys). */
static int set_value(void *base, const struct key *k, const char *val,
		     struct perr *err)
{
	char *dst = (char *)base + k->off;
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
	case K_DBL: {
		char *end = NULL;
		double v = strtod(val, &end);
		if (!val[0] || end == val || *end || !isfinite(v) || v < (double)k->min ||
		    v > (double)k->max)
			return perr_set(err, PERR_INVALID, k->name,
					"%s.%s must be a number from %lld to %lld",
					k->section, k->name, (long long)k->min,
					(long long)k->max);
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

/* ------------------------------------------- [flow.hostgroup.NAME] sections */

#define GROUP_PREFIX "flow.hostgroup."

/* One network of a hostgroup: an address with an optional /len, host bits
** clear (as the constituency stores a CIDR asset: a hostgroup's network
** with host bits set is a typo, and guessing which network was meant would
** put hosts under the wrong thresholds). */
static int group_net(const char *sec, const char *text, struct config_flow_net *n,
		     struct perr *err)
{
	char addr[64];
	const char *slash = strchr(text, '/');
	size_t alen = slash ? (size_t)(slash - text) : strlen(text);
	memset(n, 0, sizeof(*n));
	if (alen == 0 || alen >= sizeof(addr))
		goto bad;
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, n->addr) == 1)
		n->family = 4;
	else if (inet_pton(AF_INET6, addr, n->addr) == 1)
		n->family = 6;
	else
		goto bad;
	int64_t max = n->family == 4 ? 32 : 128, len = max;
	if (slash && parse_i64(slash + 1, 0, max, &len) != 0)
		goto bad;
	n->len = (uint8_t)len;
	for (int64_t b = len; b < max; b++)
		if (n->addr[b / 8] & (0x80u >> (b % 8)))
			return perr_set(err, PERR_INVALID, "networks",
					"%s.networks: %s has host bits set", sec, text);
	return 0;
bad:
	return perr_set(err, PERR_INVALID, "networks",
			"%s.networks: %s is not an IPv4 or IPv6 network", sec, text);
}

/* "networks = A, B C": each line (or continuation line) ADDS its networks,
** so that a long list can be written over several lines (inih reads lines
** of at most 200 bytes). */
static int group_networks(struct config *cfg, size_t gi, const char *sec, const char *val,
			  struct perr *err)
{
	const char *p = val;
	for (;;) {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return 0;
		size_t n = strcspn(p, ", \t");
		char one[80];
		if (n >= sizeof(one))
			return perr_set(err, PERR_INVALID, "networks",
					"%s.networks: %.60s... is not a network", sec, p);
		memcpy(one, p, n);
		one[n] = '\0';
		p += n;
		if (cfg->flow_ngroup_nets == CONFIG_FLOW_GROUP_NETS_MAX)
			return perr_set(err, PERR_LIMIT, "networks",
					"%s.networks: more than %d networks in all hostgroups", sec,
					CONFIG_FLOW_GROUP_NETS_MAX);
		struct config_flow_net net;
		if (group_net(sec, one, &net, err) != 0)
			return -1;
		net.group = (uint16_t)gi;
		/* one network in two groups: which thresholds apply would be
		** an accident of order */
		for (size_t i = 0; i < cfg->flow_ngroup_nets; i++) {
			const struct config_flow_net *o = &cfg->flow_group_nets[i];
			if (o->family == net.family && o->len == net.len &&
			    memcmp(o->addr, net.addr, 16) == 0)
				return perr_set(err, PERR_INVALID, "networks",
						"%s.networks: %s is already in hostgroup %s", sec,
						one, cfg->flow_groups[o->group].name);
		}
		cfg->flow_group_nets[cfg->flow_ngroup_nets++] = net;
	}
}

/* A key of section "flow.hostgroup.NAME": the group made at its first key. */
static int on_group(struct config *cfg, const char *section, const char *name,
		    const char *value, struct perr *err)
{
	const char *gname = section + strlen(GROUP_PREFIX);
	size_t glen = strlen(gname);
	if (glen == 0 || glen >= sizeof(cfg->flow_groups[0].name))
		return perr_set(err, PERR_INVALID, name, "[%s]: a hostgroup's name is 1 to 63 "
				"characters", section);
	for (size_t i = 0; i < glen; i++)
		if (!isalnum((unsigned char)gname[i]) && !strchr("_-.", gname[i]))
			return perr_set(err, PERR_INVALID, name, "[%s]: a hostgroup's name is "
					"letters, digits, _, - and .", section);
	size_t gi = 0;
	while (gi < cfg->flow_ngroups && strcmp(cfg->flow_groups[gi].name, gname) != 0)
		gi++;
	if (gi == cfg->flow_ngroups) {
		if (gi == CONFIG_FLOW_GROUPS_MAX)
			return perr_set(err, PERR_LIMIT, name, "[%s]: more than %d hostgroups",
					section, CONFIG_FLOW_GROUPS_MAX);
		memset(&cfg->flow_groups[gi], 0, sizeof(cfg->flow_groups[gi]));
		memcpy(cfg->flow_groups[gi].name, gname, glen + 1);
		cfg->flow_ngroups++;
	}
	if (strcmp(name, "networks") == 0)
		return group_networks(cfg, gi, section, value, err);
	for (size_t i = 0; i < ARRAY_SIZE(group_keys); i++) {
		if (strcmp(group_keys[i].name, name) != 0)
			continue;
		struct perr e;
		perr_clear(&e);
		if (set_value(&cfg->flow_groups[gi], &group_keys[i], value, &e) != 0)
			return perr_set(err, PERR_INVALID, name, "[%s] %s", section, e.msg);
		return 0;
	}
	return perr_set(err, PERR_INVALID, name, "unknown key %s.%s", section, name);
}

/* inih reports the line of the first error as ini_parse()'s result, so the
** callback only records what went wrong and returns 0. */
static int on_ini(void *user, const char *section, const char *name,
		  const char *value)
{
	struct load_ctx *c = user;
	if (c->failed)
		return 0;
	struct perr e;
	perr_clear(&e);
	if (strncmp(section, GROUP_PREFIX, strlen(GROUP_PREFIX)) == 0) {
		if (on_group(c->cfg, section, name, value, &e) != 0) {
			c->first = e;
			c->failed = 1;
			return 0;
		}
		return 1;
	}
	const struct key *k = find_key(section, name);
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

/* [flow]'s values that a type and a range do not check: what would only
** fail at the first attack (a next hop ExaBGP refuses, a community that
** cannot be announced) fails check-config instead, with the key named. */
static int check_next_hop(const char *key, const char *v, int family, struct perr *err)
{
	uint8_t b[16];
	if (!v[0] || strcmp(v, "self") == 0 ||
	    inet_pton(family == 6 ? AF_INET6 : AF_INET, v, b) == 1)
		return 0;
	return perr_set(err, PERR_INVALID, key,
			"flow.%s must be an IPv%d address, self or empty (self)", key, family);
}

static int check_flow(const struct config *cfg, struct perr *err)
{
	const struct {
		const char *key, *v;
	} comm[] = {
		{ "exabgp_community_host", cfg->flow_exabgp_community_host },
		{ "exabgp_community_subnet", cfg->flow_exabgp_community_subnet },
		{ "gobgp_community_host", cfg->flow_gobgp_community_host },
		{ "gobgp_community_subnet", cfg->flow_gobgp_community_subnet },
		{ "gobgp_community_host_ipv6", cfg->flow_gobgp_community_host_ipv6 },
		{ "gobgp_community_subnet_ipv6", cfg->flow_gobgp_community_subnet_ipv6 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(comm); i++) {
		char canon[FLOW_FNM_TEXT_MAX + 4];
		struct perr e;
		perr_clear(&e);
		if (comm[i].v[0] && flow_bgp_communities(comm[i].v, canon, sizeof(canon), &e) != 0)
			return perr_set(err, PERR_INVALID, comm[i].key, "flow.%s: %s", comm[i].key,
					e.msg);
	}
	if (check_next_hop("exabgp_next_hop", cfg->flow_exabgp_next_hop, 4, err) ||
	    check_next_hop("exabgp_next_hop_ipv6", cfg->flow_exabgp_next_hop_ipv6, 6, err) ||
	    check_next_hop("gobgp_next_hop", cfg->flow_gobgp_next_hop, 4, err) ||
	    check_next_hop("gobgp_next_hop_ipv6", cfg->flow_gobgp_next_hop_ipv6, 6, err))
		return -1;
	if (cfg->flow_th.syn_bps)
		return perr_set(err, PERR_INVALID, "threshold_syn_bps",
				"flow.threshold_syn_bps: Parapet counts SYN packets, not their "
				"bytes: use threshold_syn_pps (0 here)");
	for (size_t i = 0; i < cfg->flow_ngroups; i++) {
		const struct config_flow_group *g = &cfg->flow_groups[i];
		if (g->th.syn_bps)
			return perr_set(err, PERR_INVALID, "threshold_syn_bps",
					"flow.hostgroup.%s.threshold_syn_bps: Parapet counts SYN "
					"packets, not their bytes: use threshold_syn_pps", g->name);
		bool any = false;
		for (size_t k = 0; k < cfg->flow_ngroup_nets && !any; k++)
			any = cfg->flow_group_nets[k].group == i;
		if (!any)
			return perr_set(err, PERR_INVALID, "networks",
					"flow.hostgroup.%s has no networks", g->name);
	}
	return 0;
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
	return check_flow(cfg, err);
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

/* The hostgroups, after the table: what they are, then each one loaded. */
static void dump_groups(const struct config *cfg, FILE *out)
{
	fprintf(out, "\n# [flow.hostgroup.NAME] sections (up to %d; NAME is letters, digits, _ - .):\n"
		"# networks = CIDR, CIDR ... (each line adds; a network in one group only, the\n"
		"# longest match wins), mitigate, mitigate_ipv6 and the threshold_* keys of [flow],\n"
		"# off unless set: a hostgroup does not inherit [flow]'s values\n",
		CONFIG_FLOW_GROUPS_MAX);
	for (size_t i = 0; i < cfg->flow_ngroups; i++) {
		const struct config_flow_group *g = &cfg->flow_groups[i];
		fprintf(out, "\n[%s%s]\n", GROUP_PREFIX, g->name);
		for (size_t k = 0; k < cfg->flow_ngroup_nets; k++) {
			const struct config_flow_net *n = &cfg->flow_group_nets[k];
			char a[64];
			if (n->group != i ||
			    !inet_ntop(n->family == 6 ? AF_INET6 : AF_INET, n->addr, a, sizeof(a)))
				continue;
			fprintf(out, "networks = %s/%u\n", a, (unsigned)n->len);
		}
		for (size_t k = 0; k < ARRAY_SIZE(group_keys); k++) {
			const char *p = (const char *)g + group_keys[k].off;
			if (group_keys[k].type == K_BOOL) {
				bool v;
				memcpy(&v, p, sizeof(v));
				fprintf(out, "%s = %s\n", group_keys[k].name, v ? "true" : "false");
			} else {
				int64_t v;
				memcpy(&v, p, sizeof(v));
				fprintf(out, "%s = %lld\n", group_keys[k].name, (long long)v);
			}
		}
	}
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
		case K_DBL: {
			double v;
			memcpy(&v, p, sizeof(v));
			fprintf(out, "%s = %g\n", k->name, v);
			break;
		}
		case K_STR:
			/* a dump goes to terminals and tickets: never print a secret */
			fprintf(out, "%s = %s\n", k->name,
				strcmp(k->name, "password") == 0 && p[0] ? "(set, not shown)" : p);
			break;
		}
	}
	dump_groups(cfg, out);
}
