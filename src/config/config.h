/*
** config.h — Parapet's configuration: parsed once into an immutable struct.
**
** Every key has a default, a type, bounds and a line of documentation in one
** table (config.c), so that `parapet check-config`, the reference in
** docs/parapet.conf.md and the parser can never disagree. The file is INI
** (`[section]` then `key = value`); each key may be overridden by an
** environment variable PARAPET_SECTION_KEY. Reload builds a new struct and
** swaps the pointer; a struct, once built, is never written again.
*/
#ifndef PARAPET_CONFIG_H
#define PARAPET_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/core.h"

/* A hostgroup of [flow.hostgroup.NAME] (issue 16): networks with
** thresholds of their own. As in FastNetMon, a hostgroup does not inherit
** [flow]'s values: what its section does not set is off (0). */
#define CONFIG_FLOW_GROUPS_MAX 256     /* FastNetMon import's bound (FLOW_FNM_GROUPS_MAX) */
#define CONFIG_FLOW_GROUP_NETS_MAX 4096 /* networks over all hostgroups */
struct config_flow_th {
	int64_t pps, bps, flows, tcp_pps, tcp_bps, udp_pps, udp_bps, icmp_pps, icmp_bps,
		frag_pps, frag_bps, syn_pps, syn_bps;
};
struct config_flow_group {
	char name[64];
	bool mitigate, mitigate_ipv6;
	struct config_flow_th th;
};
struct config_flow_net {
	uint8_t family, len; /* 4 or 6; prefix length, host bits clear */
	uint16_t group;      /* index in flow_groups */
	uint8_t addr[16];    /* network order */
};

struct config {
	char listen[128];        /* http.listen: host:port */
	int64_t http_threads;    /* http.threads */
	int64_t max_body;        /* http.max_body: bytes */
	int64_t conn_timeout;    /* http.timeout: seconds */
	bool cookie_secure;      /* http.tls: set the Secure flag on cookies */
	bool list_cache;         /* http.list_cache: reuse rendered incident lists */
	int64_t http_body_budget;   /* http.body_budget: bytes of bodies in memory */
	int64_t http_per_ip;        /* http.per_ip_connections */
	int64_t http_header_timeout;/* http.header_timeout: seconds */
	int64_t http_max_pending;   /* http.max_pending: connections without headers */
	int64_t http_max_url;       /* http.max_url: bytes */
	int64_t http_max_headers;   /* http.max_headers: bytes */
	char metrics_listen[128];   /* metrics.listen: host:port, "" = off */
	int64_t session_ttl;     /* auth.session_ttl: seconds */
	int64_t password_min;    /* auth.password_min */
	int64_t login_max_fail;  /* auth.login_max_failures before delay */
	int64_t login_max_delay; /* auth.login_max_delay: seconds */
	int64_t login_first_delay; /* auth.login_first_delay: seconds */
	int64_t pwhash_ops;      /* auth.argon2_ops */
	int64_t pwhash_mem;      /* auth.argon2_mem: bytes */
	char log_level[16];      /* log.level */
	char provinces_file[512];/* constituency.provinces_file: "" = built-in */
	int64_t import_max_rows; /* constituency.import_max_rows */

	char smtp_host[256];     /* smtp.host: "" = no mail is sent (kept pending) */
	int64_t smtp_port;       /* smtp.port */
	char smtp_starttls[16];  /* smtp.starttls: auto, none, try, require */
	char smtp_user[128];     /* smtp.username */
	bool smtp_allow_plain_auth; /* smtp.allow_plain_auth: AUTH without TLS allowed */
	char smtp_password[256]; /* smtp.password (never logged) */
	char smtp_from[256];     /* smtp.from */
	int64_t smtp_timeout;    /* smtp.timeout: seconds */
	int64_t notify_max_attempts; /* notify.max_attempts */
	int64_t notify_retry_base;   /* notify.retry_base: seconds, doubled per attempt */
	int64_t notify_poll_ms;      /* notify.poll_ms */
	char public_url[256];        /* notify.public_url: links in mails */
	char msgid_domain[128];      /* notify.message_id_domain */
	int64_t sla_ack[4];      /* sla.{low,medium,high,critical}_ack: seconds */
	int64_t sla_contain[4];  /* sla.{low,medium,high,critical}_contain: seconds */
	int64_t evidence_max;    /* evidence.max_size: bytes */

	bool watch_enabled;          /* watch.enabled: serve runs the monitor */
	int64_t watch_parallel;      /* watch.parallel: transfers at once */
	int64_t watch_connect_timeout; /* watch.connect_timeout: seconds */
	int64_t watch_timeout;       /* watch.timeout: seconds per check */
	int64_t watch_body_max;      /* watch.body_max: bytes */
	int64_t watch_max_redirects; /* watch.max_redirects */
	char watch_dns_servers[256]; /* watch.dns_servers: "" = system resolver */
	int64_t watch_dns_auth_port; /* watch.dns_auth_port */
	int64_t watch_dns_timeout;   /* watch.dns_timeout: milliseconds */
	char watch_ca_file[512];     /* watch.ca_file: "" = system CAs */
	int64_t watch_samples;       /* watch.samples: pages the baseline learns from */
	int64_t watch_recover_after; /* watch.recover_after: matching checks to recover */
	int64_t watch_workers;       /* watch.workers: analysis threads, 0 = cores */
	int64_t watch_batch;         /* watch.batch: sites per pass */
	int64_t watch_posture_every; /* watch.posture_every: seconds between grades */
	char watch_services[512];    /* watch.services: "" = built-in list */

	bool feeds_enabled;          /* feeds.enabled: serve imports the watched directory */
	char feeds_dir[512];         /* feeds.dir: watched directory, "" = DATA/feeds/incoming */
	int64_t feeds_dedup_window;  /* feeds.dedup_window: seconds */
	int64_t feeds_dedup_keys;    /* feeds.dedup_keys: keys held in memory at most */
	int64_t feeds_period;        /* feeds.digest_period: seconds */
	int64_t feeds_max_upload;    /* feeds.max_upload: bytes */
	int64_t feeds_batch;         /* feeds.batch: events per stored batch */
	int64_t feeds_queue;         /* feeds.queue: batches between parser and writer */
	int64_t advisory_remind_before; /* advisory.remind_before_hours: hours */
	int64_t advisory_link_days;     /* advisory.link_days: days a mailed link works */
	char indicator_warninglists[512]; /* indicator.warninglists: "" = DATA/warninglists, else the shipped lists */
	char indicator_rpz_origin[256];   /* indicator.rpz_origin: the RPZ zone's origin */
	char indicator_rpz_action[256];   /* indicator.rpz_action: nxdomain, nodata, drop or a CNAME target */
	int64_t indicator_export_max_age; /* indicator.export_max_age: seconds HTTP clients may cache an export */
	int64_t apk_max_size;             /* apk.max_size: bytes of an APK accepted */
	int64_t apk_max_uncompressed;     /* apk.max_uncompressed: bytes read out of one APK in all */
	int64_t apk_max_entries;          /* apk.max_entries: entries of one APK's archive */
	char apk_yara_rules[512];         /* apk.yara_rules: directory of YARA rules, "" = none */
	bool flow_enabled;                /* flow.enabled: serve runs the flow collector */
	char flow_netflow_listen[128];    /* flow.netflow_listen: ADDR:PORT, "" = none */
	char flow_sflow_listen[128];      /* flow.sflow_listen: ADDR:PORT, "" = none */
	int64_t flow_threads;             /* flow.threads: collector threads */
	int64_t flow_rcvbuf;              /* flow.rcvbuf: SO_RCVBUF bytes asked */
	/* flow.threshold_*: 0 = off; threshold_syn_bps accepted at 0 only (SYN
	** bytes are not counted). The shape a hostgroup's are in, so that the
	** detector's configuration reads both the same way. */
	struct config_flow_th flow_th;
	int64_t flow_quiet;               /* flow.quiet: seconds under threshold that end an attack */
	int64_t flow_ban_time;            /* flow.ban_time: seconds, 0 = never unban by time */
	bool flow_unban_only_if_finished; /* flow.unban_only_if_finished */
	char flow_notify_script[512];     /* flow.notify_script: "" = none */
	char flow_exabgp_pipe[512];       /* flow.exabgp_pipe: "" = none */
	/* the rest of [flow] (issue 16; docs/flow.md gives each key's meaning
	** and FastNetMon's key it comes from) */
	bool flow_process_incoming, flow_process_outgoing; /* directions checked */
	bool flow_mitigate, flow_mitigate_ipv6; /* off: incidents only, no script, no route */
	bool flow_learned;                /* flow.learned: learned thresholds */
	double flow_learn_factor;         /* threshold = 7-day peak x factor */
	int64_t flow_learn_floor_pps, flow_learn_floor_bps, flow_learn_floor_flows;
	int64_t flow_learn_hosts;         /* baselines kept at most */
	int64_t flow_learn_save;          /* seconds between saves of the baselines */
	bool flow_exabgp;                 /* announce through exabgp_pipe */
	char flow_exabgp_next_hop[64], flow_exabgp_next_hop_ipv6[64];
	char flow_exabgp_community_host[128], flow_exabgp_community_subnet[128];
	bool flow_exabgp_announce_host, flow_exabgp_announce_subnet, flow_exabgp_flowspec;
	bool flow_gobgp;                  /* FastNetMon's GoBGP settings, announced via ExaBGP */
	char flow_gobgp_next_hop[64], flow_gobgp_next_hop_ipv6[64];
	bool flow_gobgp_announce_host, flow_gobgp_announce_subnet;
	bool flow_gobgp_announce_host_ipv6, flow_gobgp_announce_subnet_ipv6;
	char flow_gobgp_community_host[128], flow_gobgp_community_subnet[128];
	char flow_gobgp_community_host_ipv6[128], flow_gobgp_community_subnet_ipv6[128];
	/* [flow.hostgroup.NAME] sections: their networks in one pool, each
	** naming its group by index */
	struct config_flow_group flow_groups[CONFIG_FLOW_GROUPS_MAX];
	size_t flow_ngroups;
	struct config_flow_net flow_group_nets[CONFIG_FLOW_GROUP_NETS_MAX];
	size_t flow_ngroup_nets;
};

/* Fill cfg with every default. */
void config_defaults(struct config *cfg);
/* Load path (NULL = defaults only), then apply PARAPET_* environment
** overrides. Returns 0, or -1 with err naming the file, line and key. An
** unknown key is an error: a typo must not silently leave a default in force. */
int config_load(const char *path, struct config *cfg, struct perr *err);
/* Print every key with its value (current cfg) and documentation, as INI. */
void config_dump(const struct config *cfg, FILE *out);

#endif
