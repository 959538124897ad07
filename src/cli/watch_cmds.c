/*
** watch_cmds.c — the website watch on the command line: `watch analyze`
** (the content analysis, offline, on files), `watch run` (the monitor in
** the foreground; --once for one pass), and `watch sites`, `watch checks`,
** `watch set` and `watch accept` over the watched sites.
**
** For `watch analyze`:
** The files are read here (the analysis does no I/O) and handed to
** watch_analyze_pages(), the same call the monitor makes on fetched bodies,
** so what an analyst sees here is what the monitor would decide. The verdict
** is always printed as JSON and the exit status is 0 whatever it says: the
** command reports, it does not judge for a script. Whose hosts are whose
** (the site's organisation's domains, other organisations' shared
** services) comes from --own and, when the global --data names a data
** directory, from that constituency, read only: monitor_watch_context
** builds it as the monitor does. Usage errors (a bad --own among them)
** exit 64, unreadable files and a missing database 66.
*/
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "monitor/monitor.h"
#include "watch/watch.h"

/* Base pages accepted on one command line. */
#define BASE_FILES_MAX 64

/* Read at most WATCH_BODY_MAX + 1 bytes of path: one byte past the cap is
** enough for the analysis to see, and flag, a truncated body, and a huge
** file costs no more memory than that. */
static int read_page(const char *path, struct watch_page *pg)
{
	struct pbuf b;
	pbuf_init(&b, (size_t)WATCH_BODY_MAX + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "parapet: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	char chunk[65536];
	int rc = 0;
	while (b.len < (size_t)WATCH_BODY_MAX + 1) {
		size_t want = (size_t)WATCH_BODY_MAX + 1 - b.len;
		ssize_t got = read(fd, chunk, want < sizeof(chunk) ? want : sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			fprintf(stderr, "parapet: cannot read %s: %s\n", path, strerror(errno));
			rc = -1;
			break;
		}
		if (got == 0)
			break;
		if (pbuf_add(&b, chunk, (size_t)got) != 0) {
			fprintf(stderr, "parapet: cannot read %s: out of memory\n", path);
			rc = -1;
			break;
		}
	}
	close(fd);
	if (rc != 0) {
		pbuf_free(&b);
		return -1;
	}
	pg->len = b.len;
	pg->body = pbuf_take(&b);
	if (!pg->body) {
		fprintf(stderr, "parapet: cannot read %s: out of memory\n", path);
		return -1;
	}
	return 0;
}

/* `parapet watch analyze BASE.html... -- NEW.html`: the pages before "--"
** are the baseline, the one after it is judged. The dispatcher opens no
** store (CLI_NO_STORE): the one --data names is opened here and only read. */
int cmd_watch_analyze(struct cli_call *x, struct perr *perr)
{
	(void)perr;
	const char *const *base_paths = (const char *const *)x->pos;
	const char *url = cli_val(x, "--url");
	int nbase = x->sep, rc = EX_SOFTWARE;
	if (nbase < 1 || x->npos - nbase != 1)
		return cli_usage(x->cmd);
	if (nbase > BASE_FILES_MAX) {
		fprintf(stderr, "parapet: at most %d base pages\n", BASE_FILES_MAX);
		return EX_USAGE;
	}
	const char *new_path = x->pos[nbase];

	struct watch_page base[BASE_FILES_MAX], page = { NULL, 0 };
	struct store *st = NULL;
	struct monitor_owners *owners = NULL;
	int nread = 0;
	struct watch_verdict v;
	struct perr err;
	perr_clear(&err);
	/* the constituency of --data, only when one was named: the default
	** ./var may be any directory the analyst happens to stand in */
	if (x->c->data_given && store_open(x->c->db_path, &st, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	struct watch_context ctx;
	if (monitor_watch_context(st, url, cli_val(x, "--own"), &owners, &ctx, &err) != 0) {
		if (err.kind == PERR_INVALID && strcmp(err.field, "own") == 0) {
			fprintf(stderr, "parapet: --own: %s\n", err.msg);
			rc = cli_usage(x->cmd);
		} else {
			rc = cli_fail(&err);
		}
		goto out;
	}
	rc = EX_NOINPUT; /* read_page says why */
	for (; nread < nbase; nread++)
		if (read_page(base_paths[nread], &base[nread]) != 0)
			goto out;
	if (read_page(new_path, &page) != 0)
		goto out;
	rc = EX_SOFTWARE;
	if (watch_analyze_pages(base, (size_t)nbase, &page, url, &ctx, &v, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	json_t *j = watch_verdict_json(&v);
	if (!j) {
		fprintf(stderr, "parapet: out of memory\n");
		goto out;
	}
	/* Not cli_print_json(): similarity and floor read better with a few
	** digits than with the 17 that round-trip a double. */
	char *txt = json_dumps(j, JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(6));
	json_decref(j);
	if (!txt) {
		fprintf(stderr, "parapet: out of memory\n");
		goto out;
	}
	printf("%s\n", txt);
	free(txt);
	rc = 0;
out:
	monitor_owners_free(owners);
	if (st)
		store_close(st);
	for (int i = 0; i < nread; i++)
		free((char *)base[i].body);
	free((char *)page.body);
	return rc;
}

/* ------------------------------------------------------------ the monitor */

static volatile sig_atomic_t watch_stop;

static void on_stop(int sig)
{
	(void)sig;
	watch_stop = 1;
}

/* `parapet watch run [--once]`: the monitor in the foreground. --once runs
** one pass (every site due now) and prints its counts as JSON: what the
** benchmark and scripts use. Each pass commits its own checks
** (CLI_OWN_TX). */
int cmd_watch_run(struct cli_call *x, struct perr *perr)
{
	(void)perr;
	struct cli *c = x->c;
	struct store *st = x->st;
	bool once = cli_val(x, "--once") != NULL;
	bool all = cli_val(x, "--all") != NULL;
	const char *at = cli_val(x, "--at");
	if (at && !once)
		return cli_usage(x->cmd);
	/* --at: the pass runs as if it were that time (tests of the schedule,
	** replaying a missed window); the clock is never read for it */
	int64_t at_ms = 0;
	if (at && (core_parse_iso8601(at, &at_ms) != 0 || at_ms <= 0)) {
		fprintf(stderr, "parapet: --at must be an ISO 8601 time\n");
		return EX_USAGE;
	}
	core_malloc_tune();
	/* The monitor in the foreground must be alone on the data directory,
	** like `serve` (whose monitor it would double). --once is one pass a
	** script or an operator runs beside a server, as the benchmark and the
	** tests do: it takes no lock. */
	struct store_dir_lock *lock = NULL;
	if (!once) {
		struct perr lerr;
		perr_clear(&lerr);
		if (store_dir_lock(c->data_dir, "parapet watch run", &lock, &lerr) != 0)
			return cli_fail(&lerr);
	}
	store_lean(st);
	char blob_dir[1200];
	core_blob_dir(c->db_path, blob_dir, sizeof(blob_dir));
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	int rc = 0;
	struct monitor_stats total = { 0 };
	int64_t t0 = core_now_ms();
	do {
		struct perr err;
		perr_clear(&err);
		int64_t now = at_ms ? at_ms : core_now_ms();
		/* --all: as if every site were due (a full pass, for benchmarks and
		** for checking everything after a change) */
		if (monitor_pass(st, &c->cfg, blob_dir, now, all, &total, &err) != 0) {
			rc = cli_fail(&err);
			break;
		}
		if (!once)
			sleep(1);
	} while (!once && !watch_stop);
	if (rc == 0 && once) {
		json_t *j = json_pack("{sI sI sI sI sI sI sI sI sI sI sI sI sI sI}", "checked",
				      (json_int_t)total.checked, "learning", (json_int_t)total.learning,
				      "ok", (json_int_t)total.ok, "changed", (json_int_t)total.changed,
				      "alerts", (json_int_t)total.alerts, "down", (json_int_t)total.down,
				      "errors", (json_int_t)total.errors, "incidents",
				      (json_int_t)total.incidents, "recovered",
				      (json_int_t)total.recovered, "missed", (json_int_t)total.missed,
				      "dns_changes", (json_int_t)total.dns_changes, "cert_changes",
				      (json_int_t)total.cert_changes, "bytes", (json_int_t)total.bytes,
				      "ms", (json_int_t)(core_now_ms() - t0));
		cli_print_json(j);
	}
	store_dir_unlock(lock);
	return rc;
}

static int print_site(void *ud, const struct store_watch_site *w)
{
	(void)ud;
	char last[40] = "-";
	if (w->last_check_ms)
		core_iso8601(w->last_check_ms, last, sizeof(last));
	printf("%lld\t%lld\t%s\t%s\t%llds\t%s%s\n", (long long)w->id, (long long)w->org_id,
	       w->state, w->url, (long long)w->interval_s, last, w->missed_ms ? "\tMISSED" : "");
	return 0;
}

/* `parapet watch sites [--org ID] [--state S]`: one line a site (or JSON). */
int cmd_watch_sites(struct cli_call *x, struct perr *err)
{
	const char *org = cli_val(x, "--org");
	const char *state = cli_val(x, "--state");
	int64_t org_id = 0;
	if (org && cli_id(org, &org_id) != 0)
		return EX_USAGE;
	if (!x->c->json)
		return store_watch_list(x->st, org_id, NULL, state, 0, 1000000, print_site, NULL,
					err);
	json_t *items = json_array();
	int64_t next;
	int rc = monitor_site_list(x->st, NULL, org_id, state, 0, 1000000, items, &next, err);
	if (rc == 0)
		cli_print_json(json_incref(items));
	json_decref(items);
	return rc;
}

/* `parapet watch checks SITE [--limit N]`: the newest checks as JSON. */
int cmd_watch_checks(struct cli_call *x, struct perr *err)
{
	const char *limit = cli_val(x, "--limit");
	int64_t id, lim = 10;
	if (limit && parse_i64(limit, 1, 1000, &lim) != 0)
		return cli_usage(x->cmd);
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	json_t *items = json_array();
	int rc = monitor_site_checks(x->st, NULL, id, 0, lim, items, err);
	if (rc == 0)
		cli_print_json(json_incref(items));
	json_decref(items);
	return rc;
}

/* `parapet watch set SITE [--interval SECONDS] [--enable|--disable]`. */
int cmd_watch_set(struct cli_call *x, struct perr *err)
{
	const char *iv = cli_val(x, "--interval");
	bool en = cli_val(x, "--enable") != NULL, dis = cli_val(x, "--disable") != NULL;
	int64_t id, interval = 0;
	if ((en && dis) || (!iv && !en && !dis))
		return cli_usage(x->cmd);
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	if (iv && parse_i64(iv, 30, 86400, &interval) != 0) {
		fprintf(stderr, "parapet: --interval must be from 30 to 86400 seconds\n");
		return EX_USAGE;
	}
	json_t *out = NULL;
	if (monitor_site_configure(x->st, NULL, x->actor, id, interval, en ? 1 : dis ? 0 : -1, &out,
				   err) != 0)
		return -1;
	cli_print_json(out);
	return 0;
}

/* `parapet watch accept SITE`: the current page is the new baseline. */
int cmd_watch_accept(struct cli_call *x, struct perr *err)
{
	int64_t id;
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	char blob_dir[1200];
	core_blob_dir(x->c->db_path, blob_dir, sizeof(blob_dir));
	json_t *j;
	if (monitor_accept_baseline(x->st, &x->c->cfg, blob_dir, NULL, x->actor, id, err) != 0 ||
	    monitor_site_get(x->st, NULL, id, &j, err) != 0)
		return -1;
	cli_print_json(j);
	return 0;
}

/* `parapet watch services [--category C]`: the well-known services the
** watch records as observations rather than alarms, one a line (host with
** its path when the row has one, match, category, roles, name, and the
** user-content prefix of a public CDN), or the domain's JSON with --json.
** No store: the list is the binary's, or the watch.services file main.c
** loaded with the configuration. */
int cmd_watch_services(struct cli_call *x, struct perr *err)
{
	json_t *doc = watch_services_json(cli_val(x, "--category"), err);
	if (!doc)
		return -1;
	if (x->c->json) {
		cli_print_json(doc);
		return 0;
	}
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(doc, "items"), i, it) {
		char host[WATCH_HOST_MAX + 80], roles[80] = "";
		const char *path = json_string_value(json_object_get(it, "path"));
		snprintf(host, sizeof(host), "%s%s", json_string_value(json_object_get(it, "host")),
			 path ? path : "");
		size_t k;
		json_t *r;
		json_array_foreach(json_object_get(it, "roles"), k, r) {
			size_t n = strlen(roles);
			snprintf(roles + n, sizeof(roles) - n, "%s%s", k ? "|" : "", json_string_value(r));
		}
		const char *user = json_string_value(json_object_get(it, "user_content"));
		printf("%-34s %-6s %-13s %-28s %s%s%s\n", host,
		       json_string_value(json_object_get(it, "match")),
		       json_string_value(json_object_get(it, "category")), roles,
		       json_string_value(json_object_get(it, "name")), user ? "\tuser content " : "",
		       user ? user : "");
	}
	json_decref(doc);
	return 0;
}
