/*
** commands.c — every `parapet` subcommand.
**
** Commands run as the local operator (the audit actor is "cli:$USER"), who
** may do anything the database file permits; they call the same domain
** functions as the API. The table at the end says, per command, its
** arguments, options and whether it writes; the dispatcher (dispatch.c)
** does the rest, each write in one transaction. Output is plain text
** for people, or one JSON document with --json for scripts.
*/
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "advisory/advisory.h"
#include "audit/audit.h"
#include "cli/cli.h"
#include "feeds/feeds.h"
#include "flow/flow.h"
#include "constituency/constituency.h"
#include "http/http.h"
#include "identity/identity.h"
#include "incident/incident.h"
#include "monitor/monitor.h"
#include "notify/notify.h"
#include "watch/watch.h"

/* ------------------------------------------------------------- helpers */

int cli_open(struct cli *c, struct store **st)
{
	struct perr err;
	perr_clear(&err);
	if (c->create && mkdir(c->data_dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "parapet: cannot create %s: %s\n", c->data_dir, strerror(errno));
		return EX_CANTCREAT;
	}
	/* only serve --create (and migrate, which opens its own) may make a
	** database: a mistyped --data is a missing database (66), not a new one */
	if ((c->create ? store_create : store_open)(c->db_path, st, &err) != 0)
		return cli_fail(&err);
	if (store_migrate(*st, NULL, &err) != 0 ||
	    constituency_provinces_load(*st, c->cfg.provinces_file, &err) != 0) {
		store_close(*st);
		*st = NULL;
		return cli_fail(&err);
	}
	return 0;
}







/* Each command below runs in the dispatcher (dispatch.c), which parsed its
** line from the table at the end of this file, opened the store and, for a
** writing command, began the one transaction it commits or rolls back. */

/* ----------------------------------------------------- config, migrate */

static int cmd_check_config(struct cli_call *x, struct perr *err)
{
	(void)err;
	/* main.c loaded the configuration already; reaching here means valid. */
	if (cli_val(x, "--dump")) {
		config_dump(&x->c->cfg, stdout);
		return 0;
	}
	printf("configuration ok (%s)\n",
	       x->c->config_path ? x->c->config_path : "built-in defaults");
	/* the list watch.services chose (main.c loaded it), counted */
	printf("well-known services: %zu (%s)\n", watch_service_count(), watch_services_origin());
	return 0;
}

/* Opens the store itself (CLI_NO_STORE): it reports how many migrations
** it applied, which opening for any other command does silently. */
static int cmd_migrate(struct cli_call *x, struct perr *err)
{
	struct cli *c = x->c;
	struct store *st;
	if (mkdir(c->data_dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "parapet: cannot create %s: %s\n", c->data_dir, strerror(errno));
		return EX_CANTCREAT;
	}
	/* the one command that makes a database wherever it is pointed */
	if (store_create(c->db_path, &st, err) != 0)
		return -1;
	int applied = 0, db = 0, known = 0, rc = 0;
	if (store_migrate(st, &applied, err) != 0 ||
	    constituency_provinces_load(st, c->cfg.provinces_file, err) != 0 ||
	    store_schema_version(st, &db, &known, err) != 0)
		rc = -1;
	else if (c->json)
		cli_print_json(json_pack("{si si}", "applied", applied, "version", db));
	else
		printf("database %s at schema version %d (%d migration(s) applied)\n", c->db_path,
		       db, applied);
	store_close(st);
	return rc;
}

/* ---------------------------------------------------------------- users */

static int cmd_user_add(struct cli_call *x, struct perr *err)
{
	struct user_spec spec;
	struct store_user u;
	memset(&spec, 0, sizeof(spec));
	const char *org = cli_val(x, "--org");
	spec.login = x->pos[0];
	spec.role = cli_val(x, "--role");
	spec.province = cli_val(x, "--province");
	if (org && cli_id(org, &spec.org_id) != 0)
		return EX_USAGE;
	char pw[1100];
	int rc = cli_read_line(pw, sizeof(pw), "password", err);
	spec.password = pw;
	if (rc == 0)
		rc = identity_user_add(x->st, &x->c->cfg, x->actor, &spec, &u, err);
	sodium_memzero(pw, sizeof(pw));
	if (rc != 0)
		return -1;
	if (x->c->json)
		cli_print_json(json_pack("{sI ss ss}", "id", (json_int_t)u.id, "login", u.login,
					 "role", u.role));
	else
		printf("user %s (%s) created with id %lld\n", u.login, u.role, (long long)u.id);
	return 0;
}

static int print_user(void *ud, const struct store_user *u)
{
	(void)ud;
	printf("%-6lld %-24s %-12s org=%lld province=%s%s\n", (long long)u->id, u->login, u->role,
	       (long long)u->org_id, u->province[0] ? u->province : "-",
	       u->disabled ? " DISABLED" : "");
	return 0;
}

static int json_user(void *ud, const struct store_user *u)
{
	json_array_append_new(ud, json_pack("{sI ss ss sI ss sb}", "id", (json_int_t)u->id, "login",
					    u->login, "role", u->role, "org", (json_int_t)u->org_id,
					    "province", u->province, "disabled", u->disabled));
	return 0;
}

static int cmd_user_list(struct cli_call *x, struct perr *err)
{
	bool json = x->c->json;
	json_t *arr = json_array();
	int rc = store_user_list(x->st, json ? json_user : print_user, arr, err);
	if (rc == 0 && json)
		cli_print_json(json_incref(arr));
	json_decref(arr);
	return rc;
}

/* `parapet user passwd LOGIN --password-stdin [--keep-tokens]`: an
** operator's reset; the user's sessions end and their API tokens are
** revoked unless --keep-tokens. */
static int cmd_user_passwd(struct cli_call *x, struct perr *err)
{
	bool keep = cli_val(x, "--keep-tokens") != NULL;
	char pw[1100];
	int rc = cli_read_line(pw, sizeof(pw), "password", err);
	if (rc == 0)
		rc = identity_password_set(x->st, &x->c->cfg, x->actor, x->pos[0], pw, keep, err);
	sodium_memzero(pw, sizeof(pw));
	if (rc == 0 && !x->c->json)
		printf("password of %s changed%s\n", x->pos[0],
		       keep ? "" : "; its API tokens are revoked");
	return rc;
}

/* `parapet user disable|enable LOGIN`: disabling ends the user's sessions
** and revokes their tokens. */
static int user_disable(struct cli_call *x, struct perr *err, bool disabled)
{
	struct store_user u;
	if (store_user_by_login(x->st, x->pos[0], &u, err) != 0 ||
	    identity_user_set_disabled(x->st, x->actor, 0, u.id, disabled, NULL, err) != 0)
		return -1;
	if (!x->c->json)
		printf("user %s %s\n", x->pos[0], disabled ? "disabled" : "enabled");
	return 0;
}

static int cmd_user_disable(struct cli_call *x, struct perr *err)
{
	return user_disable(x, err, true);
}

static int cmd_user_enable(struct cli_call *x, struct perr *err)
{
	return user_disable(x, err, false);
}

/* --------------------------------------------------------------- tokens */

static int cmd_token_add(struct cli_call *x, struct perr *err)
{
	struct token_spec spec;
	struct store_token t;
	struct store_user u;
	char secret[80];
	memset(&spec, 0, sizeof(spec));
	const char *org = cli_val(x, "--org");
	spec.name = cli_val(x, "--name");
	spec.readonly = cli_val(x, "--readonly") != NULL;
	spec.province = cli_val(x, "--province");
	if (org && cli_id(org, &spec.org_id) != 0)
		return EX_USAGE;
	if (store_user_by_login(x->st, x->pos[0], &u, err) != 0 ||
	    identity_token_create(x->st, x->actor, &u, &spec, secret, &t, err) != 0)
		return -1;
	if (x->c->json)
		cli_print_json(json_pack("{sI ss}", "id", (json_int_t)t.id, "token", secret));
	else
		printf("%s\n", secret); /* alone on its line, for scripts */
	sodium_memzero(secret, sizeof(secret));
	return 0;
}

static int cmd_token_revoke(struct cli_call *x, struct perr *err)
{
	int64_t id;
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	if (identity_token_revoke(x->st, x->actor, NULL, id, err) != 0)
		return -1;
	if (!x->c->json)
		printf("token %lld revoked\n", (long long)id);
	return 0;
}

/* -------------------------------------------------------- organisations */

static json_t *org_json(const struct store_org *o)
{
	return json_pack("{sI ss ss ss sI}", "id", (json_int_t)o->id, "name", o->name, "sector",
			 o->sector, "province", o->province, "parent", (json_int_t)o->parent_id);
}

static int cmd_org_add(struct cli_call *x, struct perr *err)
{
	struct org_spec spec;
	struct store_org o;
	memset(&spec, 0, sizeof(spec));
	const char *parent = cli_val(x, "--parent");
	spec.name = x->pos[0];
	spec.province = cli_val(x, "--province");
	spec.sector = cli_val(x, "--sector");
	if (parent && cli_id(parent, &spec.parent_id) != 0)
		return EX_USAGE;
	if (constituency_org_add(x->st, NULL, x->actor, &spec, &o, err) != 0)
		return -1;
	if (x->c->json)
		cli_print_json(org_json(&o));
	else
		printf("organisation %lld: %s (%s)\n", (long long)o.id, o.name, o.province);
	return 0;
}

static int org_row(void *ud, const struct store_org *o)
{
	struct cli *c = ((void **)ud)[0];
	if (c->json)
		json_array_append_new(((void **)ud)[1], org_json(o));
	else
		printf("%-6lld %-40s %-20s %s\n", (long long)o->id, o->name, o->province,
		       o->sector);
	return 0;
}

static int cmd_org_list(struct cli_call *x, struct perr *err)
{
	struct store_org_filter f;
	memset(&f, 0, sizeof(f));
	f.province = cli_val(x, "--province");
	f.q = cli_val(x, "--search");
	json_t *arr = json_array();
	void *ud[2] = { x->c, arr };
	int rc = store_org_list(x->st, &f, org_row, ud, NULL, err);
	if (rc == 0 && x->c->json)
		cli_print_json(json_incref(arr));
	json_decref(arr);
	return rc;
}

static int asset_row(void *ud, const struct store_asset *a)
{
	struct cli *c = ((void **)ud)[0];
	if (c->json)
		json_array_append_new(((void **)ud)[1],
				      json_pack("{sI ss ss}", "id", (json_int_t)a->id, "type",
						a->type, "value", a->value));
	else
		printf("  asset %-6lld %-8s %s\n", (long long)a->id, a->type, a->value);
	return 0;
}

static int contact_row(void *ud, const struct store_contact *ct)
{
	struct cli *c = ((void **)ud)[0];
	if (c->json)
		json_array_append_new(((void **)ud)[1],
				      json_pack("{sI ss ss ss ss}", "id", (json_int_t)ct->id, "name",
						ct->name, "email", ct->email, "role", ct->role,
						"lang", ct->lang));
	else
		printf("  contact %-4lld %s <%s> %s %s\n", (long long)ct->id, ct->name, ct->email,
		       ct->role, ct->lang);
	return 0;
}

static int cmd_org_show(struct cli_call *x, struct perr *err)
{
	struct cli *c = x->c;
	int64_t id;
	struct store_org o;
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	if (store_org_get(x->st, id, &o, err) != 0)
		return -1;
	json_t *assets = json_array(), *contacts = json_array();
	void *ua[2] = { c, assets }, *uc[2] = { c, contacts };
	if (!c->json)
		printf("organisation %lld: %s\n  province %s, sector %s, parent %lld\n",
		       (long long)o.id, o.name, o.province, o.sector[0] ? o.sector : "-",
		       (long long)o.parent_id);
	if (store_asset_list(x->st, id, asset_row, ua, err) != 0 ||
	    store_contact_list(x->st, id, contact_row, uc, err) != 0) {
		json_decref(assets);
		json_decref(contacts);
		return -1;
	}
	if (c->json) {
		json_t *j = org_json(&o);
		json_object_set_new(j, "assets", assets);
		json_object_set_new(j, "contacts", contacts);
		cli_print_json(j);
	} else {
		json_decref(assets);
		json_decref(contacts);
	}
	return 0;
}

static int cmd_org_rm(struct cli_call *x, struct perr *err)
{
	int64_t id;
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	if (constituency_org_delete(x->st, NULL, x->actor, id, err) != 0)
		return -1;
	if (!x->c->json)
		printf("organisation %lld removed\n", (long long)id);
	return 0;
}

/* --------------------------------------------------------------- assets */

static int cmd_asset_add(struct cli_call *x, struct perr *err)
{
	int64_t org;
	struct store_asset a;
	if (cli_id(x->pos[0], &org) != 0)
		return EX_USAGE;
	if (constituency_asset_add(x->st, NULL, x->actor, org, x->pos[1], x->pos[2],
				   cli_val(x, "--confirm-overlap") != NULL, &a, err) != 0)
		return -1;
	if (x->c->json)
		cli_print_json(json_pack("{sI sI ss ss}", "id", (json_int_t)a.id, "org",
					 (json_int_t)org, "type", a.type, "value", a.value));
	else
		printf("asset %lld: %s %s\n", (long long)a.id, a.type, a.value);
	return 0;
}

static int cmd_asset_rm(struct cli_call *x, struct perr *err)
{
	int64_t org, id;
	if (cli_id(x->pos[0], &org) != 0 || cli_id(x->pos[1], &id) != 0)
		return EX_USAGE;
	if (constituency_asset_delete(x->st, NULL, x->actor, org, id, err) != 0)
		return -1;
	if (!x->c->json)
		printf("asset %lld removed\n", (long long)id);
	return 0;
}

/* ------------------------------------------------------- import, lookup */

/* All or nothing in the import's own transaction (CLI_OWN_TX). With --json
** the report is the output even when the import fails. */
static int cmd_import_constituency(struct cli_call *x, struct perr *err)
{
	struct cli *c = x->c;
	const char *path = x->pos[0];
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return perr_set(err, PERR_NOTFOUND, "", "cannot open %s: %s", path, strerror(errno));
	struct import_report rep;
	int rc = constituency_import_csv(x->st, x->actor, fd, c->cfg.import_max_rows,
					 cli_val(x, "--confirm-overlap") != NULL, &rep, err);
	if (fd)
		close(fd);
	if (c->json) {
		json_t *j = json_pack("{sb sI sI sI sI sI sI}", "imported", rc == 0, "rows",
				      (json_int_t)rep.rows, "organisations",
				      (json_int_t)rep.orgs_added, "assets",
				      (json_int_t)rep.assets_added, "contacts",
				      (json_int_t)rep.contacts_added, "rejects",
				      (json_int_t)rep.rejects, "overlaps",
				      (json_int_t)rep.overlaps);
		json_object_set_new(j, "errors", json_string(rep.errors.ptr ? rep.errors.ptr : ""));
		if (rc != 0)
			json_object_set_new(j, "error", json_string(err->msg));
		cli_print_json(j);
		if (rc != 0)
			rc = cli_exit_code(err->kind);
	} else if (rc == 0) {
		printf("imported %lld rows: %lld organisations, %lld assets, %lld contacts\n",
		       (long long)rep.rows, (long long)rep.orgs_added, (long long)rep.assets_added,
		       (long long)rep.contacts_added);
		if (rep.overlaps)
			printf("%lld assets overlap another organisation's (confirmed, audited)\n",
			       (long long)rep.overlaps);
	} else if (rep.errors.ptr) {
		fputs(rep.errors.ptr, stderr);
	}
	pbuf_free(&rep.errors);
	return rc;
}

static int cmd_lookup(struct cli_call *x, struct perr *err)
{
	enum lookup_kind kind;
	const char *q = x->pos[0];
	if (cli_val(x, "--domain"))
		kind = LOOKUP_DOMAIN;
	else if (cli_val(x, "--asn"))
		kind = LOOKUP_ASN;
	else if (cli_val(x, "--url"))
		kind = LOOKUP_URL;
	else if (cli_val(x, "--ip"))
		kind = LOOKUP_IP;
	else if (strstr(q, "://"))
		kind = LOOKUP_URL;
	else if (strchr(q, ':') || strspn(q, "0123456789.") == strlen(q))
		kind = strchr(q, '.') || strchr(q, ':') ? LOOKUP_IP : LOOKUP_ASN;
	else if ((q[0] == 'A' || q[0] == 'a') && (q[1] == 'S' || q[1] == 's') &&
		 strspn(q + 2, "0123456789") == strlen(q + 2))
		kind = LOOKUP_ASN;
	else
		kind = LOOKUP_DOMAIN;
	struct lookup_result r;
	struct store_org o;
	int rc = constituency_lookup(x->st, kind, q, &r, err);
	if (rc == 0)
		rc = perr_set(err, PERR_NOTFOUND, "", "no organisation owns %s", q);
	else if (rc > 0)
		rc = store_org_get(x->st, r.org_id, &o, err);
	if (rc == 0 && x->c->json)
		cli_print_json(json_pack("{s{sI ss} ss ss}", "org", "id", (json_int_t)o.id, "name",
					 o.name, "matched", r.matched, "type", r.type));
	else if (rc == 0)
		printf("%s is owned by organisation %lld (%s), matched %s %s\n", q,
		       (long long)o.id, o.name, r.type, r.matched);
	constituency_index_shutdown();
	return rc;
}

/* ---------------------------------------------------------------- audit */

static int cmd_audit_verify(struct cli_call *x, struct perr *err)
{
	struct audit_report r;
	if (audit_verify(x->st, &r, err) != 0)
		return -1;
	if (x->c->json)
		cli_print_json(json_pack("{sb sI sI ss}", "intact", r.bad_seq == 0, "entries",
					 (json_int_t)r.entries, "bad_seq", (json_int_t)r.bad_seq,
					 "problem", r.problem));
	else if (r.bad_seq == 0)
		printf("audit log intact: %lld entries\n", (long long)r.entries);
	else
		fprintf(stderr, "parapet: audit log broken at entry %lld: %s\n",
			(long long)r.bad_seq, r.problem);
	/* a broken chain is bad data, reported above (as the result with --json) */
	return r.bad_seq ? EX_DATAERR : 0;
}

static int audit_row(void *ud, const struct store_audit *a)
{
	(void)ud;
	char ts[40];
	core_iso8601(a->ts_ms, ts, sizeof(ts));
	printf("%-6lld %s %-24s %-16s %-20s %s\n", (long long)a->seq, ts, a->actor, a->action,
	       a->object, a->after[0] ? a->after : a->before);
	return 0;
}

static int cmd_audit_list(struct cli_call *x, struct perr *err)
{
	return store_audit_list(x->st, 0, 0, audit_row, NULL, err);
}

/* ---------------------------------------------------------------- serve */

int demo_load(struct store *st, const struct config *cfg, bool print_password,
	      const char *farm_json);

/* Opens the store itself (CLI_NO_STORE): it holds the data directory's
** lock, may load the demo, then closes it before the workers start, each
** of which opens its own. */
static int cmd_serve(struct cli_call *x, struct perr *perr)
{
	(void)perr;
	struct cli *c = x->c;
	const char *listen = cli_val(x, "--listen");
	bool demo = cli_val(x, "--demo") != NULL;
	const char *farm = cli_val(x, "--demo-farm");
	c->create = cli_val(x, "--create") != NULL;
	if (farm && !demo)
		return cli_usage(x->cmd);
	if (listen && pstrlcpy(c->cfg.listen, listen, sizeof(c->cfg.listen)) != 0) {
		fprintf(stderr, "parapet: --listen value too long\n");
		return EX_USAGE;
	}
	core_malloc_tune();
	struct store *st;
	int rc = cli_open(c, &st);
	if (rc != 0)
		return rc;
	/* One server per data directory: a second one would send every mail
	** and webhook again and run the monitor and the watched directory
	** twice. Held until the process ends (the kernel drops it then). */
	struct store_dir_lock *lock = NULL;
	struct perr lerr;
	perr_clear(&lerr);
	if (store_dir_lock(c->data_dir, "parapet serve", &lock, &lerr) != 0) {
		store_close(st);
		return cli_fail(&lerr);
	}
	if (demo && demo_load(st, &c->cfg, true, farm) != 0) {
		store_close(st);
		store_dir_unlock(lock);
		return EX_SOFTWARE; /* demo_load said why */
	}
	store_close(st);
	/* Block the signals before any thread starts, so only sigwait() below
	** sees them and no worker is interrupted mid-request. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	identity_ratelimit_reset();
	struct http_server *srv;
	struct notify_worker *nw = NULL;
	struct notify_job *sla = NULL;
	struct perr err;
	if (notify_start(&c->cfg, c->db_path, &nw, &err) != 0) {
		store_dir_unlock(lock);
		return cli_fail(&err);
	}
	if (notify_job_start(&c->cfg, c->db_path, 30000, "sla", incident_sla_job_pass, &sla,
			     &err) != 0) {
		notify_stop(nw);
		store_dir_unlock(lock);
		return cli_fail(&err);
	}
	/* advisory reminders and escalations: deadlines are days apart, a
	** minute late is on time */
	struct notify_job *adv = NULL;
	if (notify_job_start(&c->cfg, c->db_path, 60000, "advisory sweep",
			     advisory_sweep_job_pass, &adv, &err) != 0) {
		notify_job_stop(sla);
		notify_stop(nw);
		store_dir_unlock(lock);
		return cli_fail(&err);
	}
	struct monitor *mon = NULL;
	if (c->cfg.watch_enabled && monitor_start(&c->cfg, c->db_path, &mon, &err) != 0) {
		notify_job_stop(adv);
		notify_job_stop(sla);
		notify_stop(nw);
		store_dir_unlock(lock);
		return cli_fail(&err);
	}
	struct feeds_worker *fw = NULL;
	/* always: it resumes interrupted uploads even when nothing is watched */
	if (feeds_start(&c->cfg, c->db_path, &fw, &err) != 0) {
		monitor_stop(mon);
		notify_job_stop(adv);
		notify_job_stop(sla);
		notify_stop(nw);
		store_dir_unlock(lock);
		return cli_fail(&err);
	}
	/* off by default: serve opens no UDP port unless [flow] enabled asks */
	struct flow_job *flow = NULL;
	if (c->cfg.flow_enabled && flow_job_start(&c->cfg, c->db_path, &flow, &err) != 0) {
		feeds_stop(fw);
		monitor_stop(mon);
		notify_job_stop(adv);
		notify_job_stop(sla);
		notify_stop(nw);
		store_dir_unlock(lock);
		return cli_fail(&err);
	}
	if (http_start(&c->cfg, c->db_path, &srv, &err) != 0) {
		flow_job_stop(flow);
		feeds_stop(fw);
		monitor_stop(mon);
		notify_job_stop(adv);
		notify_job_stop(sla);
		notify_stop(nw);
		store_dir_unlock(lock);
		return cli_fail(&err);
	}
	plog(PLOG_INFO, "serve: listening on %s port %d, database %s", c->cfg.listen,
	     http_port(srv), c->db_path);
	/* Scripts wait for this line to know the port (with --listen ...:0). */
	printf("parapet: listening on http://%s:%d/\n",
	       strncmp(c->cfg.listen, "[", 1) == 0 ? "[::1]" : "127.0.0.1", http_port(srv));
	fflush(stdout);
	for (;;) {
		int sig = 0;
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			struct config fresh;
			struct perr e;
			if (config_load(c->config_path, &fresh, &e) != 0)
				plog(PLOG_ERROR, "serve: reload refused, configuration kept: %s", e.msg);
			else
				plog(PLOG_WARN, "serve: configuration is valid; settings apply at the "
						"next restart");
			continue;
		}
		plog(PLOG_INFO, "serve: signal %d: finishing requests in flight", sig);
		break;
	}
	http_stop(srv, 10000);
	flow_job_stop(flow);
	/* an import in flight finishes its file first */
	feeds_stop(fw);
	/* a pass in flight finishes first (at most watch.timeout for its fetches) */
	monitor_stop(mon);
	notify_job_stop(adv);
	notify_job_stop(sla);
	notify_stop(nw);
	constituency_index_shutdown();
	plog(PLOG_INFO, "serve: stopped");
	store_dir_unlock(lock);
	return 0;
}

static int cmd_provinces(struct cli_call *x, struct perr *err);

/* ---------------------------------------------------------------- table */

/* Option lists of the table-driven commands, and the enumerated values the
** dispatcher accepts for them. */
static const char *const severities[] = { "low", "medium", "high", "critical" };
static const char *const tlps[] = { "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" };
#define VALUES(a) a, sizeof(a) / sizeof(a[0])

static const struct cli_opt incident_report_opts[] = {
	{ "--severity", "S", "how bad", VALUES(severities), .required = true },
	{ "--summary", "TEXT", "what was seen" },
	{ "--title", "TEXT", "title of a new incident" },
	{ "--evidence", "JSON", "the detection's details (a JSON object)" },
	{ NULL },
};
static const struct cli_opt incident_add_opts[] = {
	{ "--severity", "S", "how bad", VALUES(severities) },
	{ "--summary", "TEXT", "what happened" },
	{ "--class", "C", "RSIT class (with --type)" },
	{ "--type", "T", "RSIT type" },
	{ "--tlp", "TLP", "sharing label", VALUES(tlps) },
	{ NULL },
};
static const struct cli_opt incident_list_opts[] = {
	/* not listed here: a comma-separated list of states, or "open", is
	** checked by incident_filter_set, as the API's filter is */
	{ "--status", "S", "only incidents in these states (a,b,... or open)" },
	{ "--org", "ID", "only this organisation's" },
	{ "--severity", "S", "only this severity", VALUES(severities) },
	{ "--search", "TEXT", "words in the title or summary" },
	{ "--overdue", NULL, "only incidents past their SLA" },
	{ "--limit", "N", "at most N (1-100000, default 100)" },
	{ NULL },
};
static const struct cli_opt internal_opts[] = {
	{ "--internal", NULL, "seen by the CERT only, not shared with the organisation" },
	{ NULL },
};
static const struct cli_opt incident_assign_opts[] = {
	{ "--user", "LOGIN", "assign to this user" },
	{ "--team", "ID", "assign to this team" },
	{ NULL },
};
static const struct cli_opt province_opts[] = {
	{ "--province", "NAME", "the province it serves" },
	{ NULL },
};
static const struct cli_opt rota_add_opts[] = {
	{ "--weekly", "START-END", "minutes from Monday 00:00 UTC, every week" },
	{ "--from", "ISO", "start of a dated override (with --to)" },
	{ "--to", "ISO", "end of a dated override" },
	{ NULL },
};
static const struct cli_opt serve_opts[] = {
	{ "--listen", "HOST:PORT", "where to listen (overrides http.listen)" },
	{ "--demo", NULL, "load a demo constituency and admin first" },
	{ "--demo-farm", "FARM.json", "with --demo: the demo's web farm" },
	{ "--create", NULL, "make the data directory and database when there is none" },
	{ NULL },
};
static const struct cli_opt check_config_opts[] = {
	{ "--dump", NULL, "print every key with its value" },
	{ NULL },
};
static const struct cli_opt user_add_opts[] = {
	/* not enumerated here: identity_user_add checks it and says which roles exist */
	{ "--role", "ROLE", "admin, analyst, provincial, responder or constituent",
	  .required = true },
	{ "--org", "ID", "the constituent's organisation" },
	{ "--province", "NAME", "the provincial user's province" },
	{ "--password-stdin", NULL, "read the password from standard input", .required = true },
	{ NULL },
};
static const struct cli_opt user_passwd_opts[] = {
	{ "--password-stdin", NULL, "read the password from standard input", .required = true },
	{ "--keep-tokens", NULL, "do not revoke the user's API tokens" },
	{ NULL },
};
static const struct cli_opt token_add_opts[] = {
	{ "--name", "TEXT", "what the token is for" },
	{ "--readonly", NULL, "reads only" },
	{ "--org", "ID", "limit it to this organisation" },
	{ "--province", "NAME", "limit it to this province" },
	{ NULL },
};
static const struct cli_opt org_add_opts[] = {
	{ "--province", "NAME", "its province", .required = true },
	{ "--sector", "TEXT", "its sector" },
	{ "--parent", "ID", "the organisation it belongs to" },
	{ NULL },
};
static const struct cli_opt org_list_opts[] = {
	{ "--province", "NAME", "only this province's" },
	{ "--search", "TEXT", "words in the name" },
	{ NULL },
};
static const struct cli_opt overlap_opts[] = {
	{ "--confirm-overlap", NULL, "accept assets overlapping another organisation's (audited)" },
	{ NULL },
};
static const struct cli_opt lookup_opts[] = {
	{ "--ip", NULL, "VALUE is an IP address" },
	{ "--domain", NULL, "VALUE is a domain" },
	{ "--asn", NULL, "VALUE is an AS number" },
	{ "--url", NULL, "VALUE is a URL" },
	{ NULL },
};
static const char *const langs[] = { "en", "fa" };
static const char *const outbox_states[] = { "pending", "sent", "failed" };
static const struct cli_opt notify_test_opts[] = {
	{ "--lang", "LANG", "the mail's language", VALUES(langs) },
	{ "--count", "N", "how many (1-1000, default 1)" },
	{ NULL },
};
static const struct cli_opt outbox_opts[] = {
	{ "--status", "S", "only notifications in this state", VALUES(outbox_states) },
	{ "--incident", "ID", "only this incident's" },
	{ "--limit", "N", "at most N (0 = all, default 100)" },
	{ NULL },
};
static const struct cli_opt webhook_add_opts[] = {
	{ "--secret", "S", "the HMAC key (or --secret-stdin)" },
	{ "--secret-stdin", NULL, "read the HMAC key from standard input" },
	{ "--events", "a,b", "the events to send (default all)" },
	{ NULL },
};
static const char *const unowned_by[] = { "asn", "prefix" };
static const struct cli_opt import_report_opts[] = {
	{ "--type", "TYPE", "a Shadowserver type, auto, or csv/jsonl with --mapping",
	  .required = true },
	{ "--mapping", "FILE", "the columns of a csv or jsonl report" },
	{ "--at", "ISO", "the time it was received (default now)" },
	{ NULL },
};
static const struct cli_opt feeds_parse_opts[] = {
	{ "--type", "TYPE", "a Shadowserver type, auto (default), or csv/jsonl" },
	{ "--mapping", "FILE", "the columns of a csv or jsonl report" },
	{ "--schema", "FILE", "a schema to try instead of the one in effect" },
	{ NULL },
};
static const struct cli_opt at_opts[] = {
	{ "--at", "ISO", "as of this time (default now)" },
	{ NULL },
};
static const struct cli_opt unowned_opts[] = {
	{ "--by", "KEY", "group by (default asn)", VALUES(unowned_by) },
	{ NULL },
};
static const char *const advisory_statuses[] = { "draft", "published", "withdrawn" };
static const struct cli_opt advisory_list_opts[] = {
	{ "--status", "S", "only advisories in this state", VALUES(advisory_statuses) },
	{ "--q", "WORDS", "words in the title, ref or a CVE id" },
	{ "--limit", "N", "at most N (1-1000, default 100)" },
	{ "--before", "ID", "the page below this id (from a previous list)" },
	{ NULL },
};
static const struct cli_opt advisory_show_opts[] = {
	{ "--version", "N", "that version's document (default the newest)" },
	{ "--history", NULL, "the versions instead, newest first, with what changed" },
	{ NULL },
};
static const struct cli_opt advisory_update_opts[] = {
	{ "--changes", "TEXT", "what changed, for the targets (default computed)" },
	{ NULL },
};
static const struct cli_opt indicator_add_opts[] = {
	{ "--reason", "TEXT", "why it is listed" },
	{ "--tlp", "TLP", "clear, green, amber (default), amber+strict or red" },
	{ "--expires", "ISO", "when it leaves the exports (default: per type)" },
	{ "--class", "C", "RSIT class (malicious-code, fraud, ...)" },
	{ "--confidence", "N", "0-100 (default 50)" },
	{ "--tags", "A,B", "tags (a-z 0-9 : _ . -)" },
	{ "--attribution", "X", "the actor, or the app's author" },
	{ "--incident", "ID", "link this incident" },
	{ "--org", "ID", "the organisation it concerns (TLP:AMBER sharing)" },
	{ "--source", "S", "analyst (default), feed, peer or apk" },
	{ "--source-ref", "REF", "the feed, peer or app it came from" },
	{ "--confirm", NULL, "list it even when a warninglist holds it" },
	{ NULL },
};
static const struct cli_opt indicator_search_opts[] = {
	{ "--value", "V", "exactly this value (canonicalised)" },
	{ "--prefix", "P", "values starting with P" },
	{ "--contains", "IP", "address indicators covering this address" },
	{ "--within", "CIDR", "address indicators inside this network" },
	{ "--type", "T", "ipv4, ipv6, cidr, domain, url, email, sha256, sha1, md5, tls, asn, app" },
	{ "--class", "C", "RSIT class" },
	{ "--tag", "T", "tagged T" },
	{ "--source", "S", "analyst, feed, peer or apk" },
	{ "--tlp", "TLP", "this TLP label" },
	{ "--status", "S", "active, held or retired" },
	{ "--expired", "B", "true or false" },
	{ "--org", "ID", "concerning this organisation" },
	{ "--limit", "N", "at most N (1-1000, default 100)" },
	{ "--cursor", "ID", "the next page (from a previous search)" },
	{ NULL },
};
static const struct cli_opt indicator_update_opts[] = {
	{ "--reason", "TEXT", "why it is listed" },
	{ "--class", "C", "RSIT class (\"\" for none)" },
	{ "--tlp", "TLP", "clear, green, amber, amber+strict or red" },
	{ "--confidence", "N", "0-100" },
	{ "--tags", "A,B", "replace the tags" },
	{ "--attribution", "X", "the actor, or the app's author" },
	{ "--expires", "ISO", "new expiry (a past one takes it out of the exports now)" },
	{ "--org", "ID", "the organisation it concerns" },
	{ "--no-org", NULL, "concerning no organisation" },
	{ "--status", "S", "active (confirms a held one) or retired" },
	{ NULL },
};
static const struct cli_opt indicator_sightings_opts[] = {
	{ "--limit", "N", "at most N (1-1000, default 100)" },
	{ NULL },
};
static const char *const import_formats[] = { "csv", "plain" };
static const struct cli_opt indicator_import_opts[] = {
	{ "--format", "F", "csv (a header: type,value,reason,class,tlp,confidence,expires,tags,"
			   "attribution) or plain (one value a line); default by the file's name",
	  VALUES(import_formats) },
	{ "--type", "T", "the type of every value (default: per value, guessed)" },
	{ "--preview", NULL, "say what each row would do (new, changed, unchanged, held, "
			     "invalid); change nothing" },
	{ "--confirm", NULL, "list values on a warninglist active (not held)" },
	{ "--tlp", "TLP", "for rows without one: clear, green, amber (default), amber+strict, red" },
	{ "--reason", "TEXT", "for rows without one" },
	{ "--class", "C", "RSIT class, for rows without one" },
	{ "--source", "S", "analyst (default), feed, peer or apk" },
	{ "--source-ref", "REF", "the feed or peer the list came from" },
	{ NULL },
};
static const struct cli_opt indicator_held_opts[] = {
	{ "--limit", "N", "at most N (1-1000, default 100)" },
	{ NULL },
};
static const struct cli_opt indicator_reject_opts[] = {
	{ "--reason", "TEXT", "why (kept in the audit log)" },
	{ NULL },
};
static const struct cli_opt indicator_wl_show_opts[] = {
	{ "--lists", NULL, "every list too: directory, type, entries, name" },
	{ NULL },
};
static const char *const site_states[] = { "learning", "ok", "alert", "down" };
static const struct cli_opt flow_run_opts[] = {
	{ "--netflow", "ADDR:PORT", "NetFlow v5/v9/IPFIX listen address (default 0.0.0.0:2055 "
	  "when neither --netflow nor --sflow is given; port 0: the kernel picks)" },
	{ "--sflow", "ADDR:PORT", "sFlow v5 listen address (default 0.0.0.0:6343, as --netflow)" },
	{ "--threads", "N", "collector threads, each with its own SO_REUSEPORT socket (1)" },
	{ "--rcvbuf", "BYTES", "socket receive buffer asked (default: the kernel's)" },
	{ "--networks", "FILE", "protected networks, one CIDR a line (FastNetMon's networks_list)",
	  .required = true },
	{ "--threshold-pps", "N", "attack when a host's packets/s in or out exceed N (0: off)" },
	{ "--quiet", "S", "an attack ends after S seconds under the threshold (10)" },
	{ "--duration", "S", "stop after S seconds (default: at SIGINT or SIGTERM)" },
	{ "--top", "N", "hosts printed at exit (20)" },
	{ NULL },
};
static const struct cli_opt flow_top_opts[] = {
	{ "--by", "F", "order by pps, bps, flows or syn (pps)" },
	{ "--host", "IP", "only this host (IPv4 or IPv6, any spelling)" },
	{ "--direction", "D", "only incoming or outgoing traffic" },
	{ "--limit", "N", "rows, 1 to 1000 (20)" },
	{ NULL },
};
static const struct cli_opt flow_attacks_opts[] = {
	{ "--open", NULL, "only the attacks still going on" },
	{ "--since", "TIME", "only attacks that started at or after TIME (ISO 8601)" },
	{ "--host", "IP", "only this host (IPv4 or IPv6, any spelling)" },
	{ "--direction", "D", "only incoming or outgoing traffic" },
	{ "--limit", "N", "rows, 1 to 1000 (20)" },
	{ NULL },
};
static const struct cli_opt flow_history_opts[] = {
	{ "--host", "IP", "the host (IPv4 or IPv6, any spelling)", .required = true },
	{ "--direction", "D", "only incoming or outgoing traffic" },
	{ "--since", "TIME", "points at or after TIME (ISO 8601; default an hour ago)" },
	{ NULL },
};
static const struct cli_opt flow_import_fnm_opts[] = {
	{ "--org", "ORG-ID", "add each network of NETWORKS_LIST as a CIDR asset of this "
	  "organisation (those it holds already are skipped and counted)" },
	{ "--write", "FILE", "write the [flow] text to FILE instead of standard output" },
	{ "--confirm-overlap", NULL, "with --org: accept networks overlapping another "
	  "organisation's assets (audited)" },
	{ NULL },
};
static const struct cli_opt watch_run_opts[] = {
	{ "--once", NULL, "one pass, then its counts as JSON" },
	{ "--at", "ISO", "with --once: as of this time" },
	{ "--all", NULL, "every site, due or not" },
	{ NULL },
};
static const struct cli_opt watch_sites_opts[] = {
	{ "--org", "ID", "only this organisation's" },
	{ "--state", "S", "only sites in this state", VALUES(site_states) },
	{ NULL },
};
static const struct cli_opt limit_opts[] = {
	{ "--limit", "N", "at most N (1-1000, default 10)" },
	{ NULL },
};
static const struct cli_opt watch_set_opts[] = {
	{ "--interval", "SECONDS", "check every SECONDS (30-86400)" },
	{ "--enable", NULL, "resume checking" },
	{ "--disable", NULL, "pause checking" },
	{ NULL },
};
static const struct cli_opt watch_analyze_opts[] = {
	{ "--url", "URL", "the page's address (for its same-site links)" },
	{ "--own", "DOMAIN", "a domain of the site's organisation (a comma list; repeatable)",
	  .repeat = true },
	{ NULL },
};
static const struct cli_opt watch_services_opts[] = {
	{ "--category", "C", "only this category (video, maps, analytics, cdn, ...)" },
	{ NULL },
};
static const struct cli_opt advisory_target_opts[] = {
	{ "--reason", "TEXT", "why the organisation is not affected (not_affected)" },
	{ NULL },
};
static const struct cli_opt route_add_opts[] = {
	{ "--team", "ID", "the team that gets the incidents", .required = true },
	{ "--province", "NAME", "only incidents of this province" },
	{ "--kind", "KIND", "only this kind of detection" },
	{ "--class", "CLASS", "only this RSIT class" },
	{ "--priority", "N", "lower first (0-1000000, default 100)" },
	{ NULL },
};

static const struct cli_opt advisory_exclude_opts[] = {
	{ "--reason", "TEXT", "why it is not to be warned (1-500 bytes)", .required = true },
	{ NULL },
};

static const struct cli_opt apk_analyze_opts[] = {
	{ "--yara", "DIR", "scan with the YARA rules of DIR (default: apk.yara_rules)" },
	{ "--manifest", NULL, "print the whole binary manifest as JSON instead of the verdict" },
	{ NULL },
};
static const char *const apk_statuses[] = { "triaged", "malicious", "benign" };
static const struct cli_opt apk_list_opts[] = {
	{ "--status", "S", "only apps in this state", VALUES(apk_statuses) },
	{ NULL },
};
static const struct cli_opt apk_confirm_opts[] = {
	{ "--candidate", "VALUE", "a candidate of the verdict to list as an indicator",
	  .repeat = true },
	{ "--incident", "ID", "the incident the app belongs to" },
	{ "--reason", "TEXT", "why the app is malicious (the takedown letter says it)" },
	{ NULL },
};
static const char *const apk_langs[] = { "en", "fa" };
static const struct cli_opt apk_takedown_opts[] = {
	{ "--lang", "L", "the letter's language (default en)", VALUES(apk_langs) },
	{ NULL },
};

const struct cli_cmd cli_cmds[] = {
	{ "serve", .help = "run the server (API, web UI); --demo loads a demo constituency and admin",
	  .fn = cmd_serve, .opts = serve_opts, .store = CLI_NO_STORE },
	{ "migrate", .help = "create or upgrade the database", .fn = cmd_migrate,
	  .store = CLI_NO_STORE },
	{ "check-config", .help = "validate the configuration; --dump prints every key with its value",
	  .fn = cmd_check_config, .opts = check_config_opts, .store = CLI_NO_STORE },
	{ "user add", .help = "create a user; the password is read from standard input",
	  .fn = cmd_user_add, .args = "LOGIN", .min = 1, .max = 1, .opts = user_add_opts,
	  .store = CLI_WRITE },
	{ "user list", .help = "list users", .fn = cmd_user_list },
	{ "user passwd",
	  .help = "set a user's password; ends their sessions and revokes their API tokens unless "
		  "--keep-tokens",
	  .fn = cmd_user_passwd, .args = "LOGIN", .min = 1, .max = 1, .opts = user_passwd_opts,
	  .store = CLI_WRITE },
	{ "user disable", .help = "disable a user: ends their sessions and revokes their API tokens",
	  .fn = cmd_user_disable, .args = "LOGIN", .min = 1, .max = 1, .store = CLI_WRITE },
	{ "user enable", .help = "enable a disabled user", .fn = cmd_user_enable, .args = "LOGIN",
	  .min = 1, .max = 1, .store = CLI_WRITE },
	{ "token add", .help = "create an API token for LOGIN and print it (once)",
	  .fn = cmd_token_add, .args = "LOGIN", .min = 1, .max = 1, .opts = token_add_opts,
	  .store = CLI_WRITE },
	{ "token revoke", .help = "revoke an API token", .fn = cmd_token_revoke, .args = "ID",
	  .min = 1, .max = 1, .store = CLI_WRITE },
	{ "org add", .help = "create an organisation", .fn = cmd_org_add, .args = "NAME", .min = 1,
	  .max = 1, .opts = org_add_opts, .store = CLI_WRITE },
	{ "org list", .help = "list organisations", .fn = cmd_org_list, .opts = org_list_opts },
	{ "org show", .help = "show an organisation with its assets and contacts",
	  .fn = cmd_org_show, .args = "ID", .min = 1, .max = 1 },
	{ "org rm", .help = "remove an organisation (and its assets and contacts)",
	  .fn = cmd_org_rm, .args = "ID", .min = 1, .max = 1, .store = CLI_WRITE },
	{ "asset add",
	  .help = "add an asset to an organisation (one overlapping another organisation's needs "
		  "--confirm-overlap)",
	  .fn = cmd_asset_add, .args = "ORG-ID cidr|domain|url|asn|product VALUE", .min = 3,
	  .max = 3, .opts = overlap_opts, .store = CLI_WRITE },
	{ "asset rm", .help = "remove an asset", .fn = cmd_asset_rm, .args = "ORG-ID ASSET-ID",
	  .min = 2, .max = 2, .store = CLI_WRITE },
	{ "import constituency",
	  .help = "import organisations, assets and contacts from CSV, all or nothing",
	  .fn = cmd_import_constituency, .args = "FILE.csv|-", .min = 1, .max = 1,
	  .opts = overlap_opts, .store = CLI_OWN_TX },
	{ "import report",
	  .help = "import a report (Shadowserver type, or csv/jsonl with a mapping); ends with "
		  "\"rows N parsed N rejected N owners N new N duplicate N\"",
	  .fn = cmd_import_report, .args = "FILE", .min = 1, .max = 1, .opts = import_report_opts,
	  .store = CLI_OWN_TX },
	{ "feeds parse",
	  .help = "print a report's normalised events as JSON Lines (nothing is stored)",
	  .fn = cmd_feeds_parse, .args = "FILE", .min = 1, .max = 1, .opts = feeds_parse_opts,
	  .store = CLI_NO_STORE },
	{ "feeds types", .help = "list the report types of the schema in effect",
	  .fn = cmd_feeds_types, .store = CLI_NO_STORE },
	{ "feeds schema update",
	  .help = "install a newer Shadowserver schema (checked first; replaces the shipped one)",
	  .fn = cmd_feeds_schema_update, .args = "FILE", .min = 1, .max = 1,
	  .store = CLI_NO_STORE },
	{ "feeds digest",
	  .help = "mail the digests of every finished period (one per organisation and feed)",
	  .fn = cmd_feeds_digest, .opts = at_opts, .store = CLI_OWN_TX },
	{ "feeds files", .help = "imported report files and their counts", .fn = cmd_feeds_files },
	{ "feeds unowned", .help = "reported hosts no organisation owns, by AS or prefix",
	  .fn = cmd_feeds_unowned, .opts = unowned_opts },
	{ "lookup", .help = "which organisation owns an IP, domain, ASN or URL", .fn = cmd_lookup,
	  .args = "VALUE", .min = 1, .max = 1, .opts = lookup_opts },
	{ "audit verify", .help = "check the audit log's hash chain", .fn = cmd_audit_verify },
	{ "audit list", .help = "print the audit log", .fn = cmd_audit_list },
	{ "provinces", .help = "list the provinces", .fn = cmd_provinces },
	{ "user email", .help = "where a user's notifications go", .fn = cmd_user_email,
	  .args = "LOGIN ADDRESS", .min = 2, .max = 2, .store = CLI_WRITE },
	{ "incident report", .help = "report a detection: opens an incident or adds an observation",
	  .fn = cmd_incident_report, .args = "ORG-ID KIND KEY", .min = 3, .max = 3,
	  .opts = incident_report_opts, .store = CLI_WRITE },
	{ "incident add", .help = "open an incident by hand", .fn = cmd_incident_create,
	  .args = "ORG-ID TITLE", .min = 2, .max = 2, .opts = incident_add_opts,
	  .store = CLI_WRITE },
	{ "incident list", .help = "list incidents, newest first", .fn = cmd_incident_list,
	  .opts = incident_list_opts },
	{ "incident show", .help = "show an incident and its thread", .fn = cmd_incident_show,
	  .args = "ID", .min = 1, .max = 1 },
	{ "incident transition",
	  .help = "move an incident: triaged, in_progress, contained, recovered, closed, rejected",
	  .fn = cmd_incident_transition, .args = "ID STATE", .min = 2, .max = 2,
	  .store = CLI_WRITE },
	{ "incident message",
	  .help = "post to an incident's thread (shared with the organisation unless --internal)",
	  .fn = cmd_incident_message, .args = "ID TEXT", .min = 2, .max = 2, .opts = internal_opts,
	  .store = CLI_WRITE },
	{ "incident assign", .help = "assign an incident (no option: unassign)",
	  .fn = cmd_incident_assign, .args = "ID", .min = 1, .max = 1, .opts = incident_assign_opts,
	  .store = CLI_WRITE },
	{ "incident merge", .help = "mark ID a duplicate of INTO-ID", .fn = cmd_incident_merge,
	  .args = "ID INTO-ID", .min = 2, .max = 2, .store = CLI_WRITE },
	{ "incident link", .help = "relate two incidents", .fn = cmd_incident_link,
	  .args = "ID OTHER-ID", .min = 2, .max = 2, .store = CLI_WRITE },
	{ "incident evidence", .help = "attach a file as evidence", .fn = cmd_incident_evidence,
	  .args = "ID FILE", .min = 2, .max = 2, .opts = internal_opts, .store = CLI_WRITE },
	{ "sla sweep", .help = "flag and escalate incidents past their SLA now",
	  .fn = cmd_sla_sweep, .store = CLI_WRITE },
	{ "team add", .help = "create a team", .fn = cmd_team_add, .args = "NAME", .min = 1,
	  .max = 1, .opts = province_opts, .store = CLI_WRITE },
	{ "team member", .help = "add a user to a team", .fn = cmd_team_member,
	  .args = "TEAM-ID LOGIN", .min = 2, .max = 2, .store = CLI_WRITE },
	{ "team lead", .help = "make a user the team's lead", .fn = cmd_team_lead,
	  .args = "TEAM-ID LOGIN", .min = 2, .max = 2, .store = CLI_WRITE },
	{ "rota add",
	  .help = "on-call: a weekly slot (--weekly) or a dated override (--from and --to)",
	  .fn = cmd_rota_add, .args = "TEAM-ID LOGIN", .min = 2, .max = 2, .opts = rota_add_opts,
	  .store = CLI_WRITE },
	{ "route add", .help = "route new high and critical incidents to a team",
	  .fn = cmd_route_add, .opts = route_add_opts, .store = CLI_WRITE },
	{ "notify test",
	  .help = "queue N test mails to ADDRESS (the server's notify worker sends them)",
	  .fn = cmd_notify_test, .args = "ADDRESS", .min = 1, .max = 1, .opts = notify_test_opts,
	  .store = CLI_WRITE },
	{ "outbox", .help = "list notifications, newest first (--limit 0 = all; default 100)",
	  .fn = cmd_outbox, .opts = outbox_opts },
	{ "webhook add", .help = "send events as JSON to URL, signed with HMAC-SHA-256 under S",
	  .fn = cmd_webhook_add, .args = "URL", .min = 1, .max = 1, .opts = webhook_add_opts,
	  .store = CLI_WRITE },
	{ "webhook list", .help = "list webhooks (secrets are not shown)", .fn = cmd_webhook_list },
	{ "webhook rm", .help = "remove a webhook", .fn = cmd_webhook_rm, .args = "ID", .min = 1,
	  .max = 1, .store = CLI_WRITE },
	{ "watch analyze",
	  .help = "judge a page against a baseline learned from earlier copies (JSON verdict); "
		  "with --data DIR, whose hosts are whose comes from that constituency",
	  .fn = cmd_watch_analyze, .args = "BASE.html... -- NEW.html", .min = 2,
	  .max = CLI_MAX_POS, .opts = watch_analyze_opts, .store = CLI_NO_STORE },
	{ "flow run",
	  .help = "run the flow collector and DDoS detector in the foreground: attack lines as "
		  "they come, exporter counters and top hosts at exit",
	  .fn = cmd_flow_run, .opts = flow_run_opts, .store = CLI_NO_STORE },
	{ "flow top",
	  .help = "the busiest protected hosts now, as the flow job in serve last wrote them",
	  .fn = cmd_flow_top, .opts = flow_top_opts },
	{ "flow attacks", .help = "DDoS attacks the flow job in serve reported, newest first",
	  .fn = cmd_flow_attacks, .opts = flow_attacks_opts },
	{ "flow history", .help = "one protected host's traffic over the last hour (10 s steps)",
	  .fn = cmd_flow_history, .opts = flow_history_opts },
	{ "flow import-fastnetmon",
	  .help = "print FastNetMon's configuration as Parapet's [flow] and [flow.hostgroup.NAME] "
		  "sections (keys not imported listed as comments); --org adds the networks as "
		  "assets",
	  .fn = cmd_flow_import_fastnetmon, .args = "FASTNETMON_CONF [NETWORKS_LIST]", .min = 1,
	  .max = 2, .opts = flow_import_fnm_opts, .store = CLI_NO_STORE },
	{ "watch run",
	  .help = "run the website monitor in the foreground (--once: one pass and its counts, "
		  "--at: as of that time; --all: every site, due or not)",
	  .fn = cmd_watch_run, .opts = watch_run_opts, .store = CLI_OWN_TX },
	{ "watch sites", .help = "list watched websites (one per URL asset)",
	  .fn = cmd_watch_sites, .opts = watch_sites_opts },
	{ "watch checks", .help = "a website's newest checks (JSON)", .fn = cmd_watch_checks,
	  .args = "SITE", .min = 1, .max = 1, .opts = limit_opts },
	{ "watch set", .help = "set a website's check interval, pause or resume it",
	  .fn = cmd_watch_set, .args = "SITE", .min = 1, .max = 1, .opts = watch_set_opts,
	  .store = CLI_WRITE },
	{ "watch accept",
	  .help = "accept a website's current page as its new baseline (a redesign)",
	  .fn = cmd_watch_accept, .args = "SITE", .min = 1, .max = 1, .store = CLI_WRITE },
	{ "watch services",
	  .help = "list the well-known third-party services a page may add (observations, "
		  "not alarms)",
	  .fn = cmd_watch_services, .opts = watch_services_opts, .store = CLI_NO_STORE },
	{ "advisory publish",
	  .help = "publish an advisory: store its targets and mail their contacts (again: only "
		  "new targets and those with an older version)",
	  .fn = cmd_advisory_publish, .args = "ID", .min = 1, .max = 1, .opts = at_opts,
	  .store = CLI_WRITE },
	{ "advisory targets", .help = "an advisory's targets, their states, totals and summary",
	  .fn = cmd_advisory_targets, .args = "ID", .min = 1, .max = 1 },
	{ "advisory target",
	  .help = "move a target: read, acknowledged, patched, not_affected (with --reason)",
	  .fn = cmd_advisory_target, .args = "ID ORG-ID STATE", .min = 3, .max = 3,
	  .opts = advisory_target_opts, .store = CLI_WRITE },
	{ "advisory sweep",
	  .help = "send the advisory reminders and escalations due (--at: as of that time)",
	  .fn = cmd_advisory_sweep, .opts = at_opts, .store = CLI_WRITE },
	{ "advisory link", .help = "use a signed advisory link (read or acknowledge) from a mail",
	  .fn = cmd_advisory_link, .args = "TOKEN", .min = 1, .max = 1, .opts = at_opts,
	  .store = CLI_WRITE },
	{ "advisory add", .help = "create an advisory from our JSON document (docs/advisory.md); "
				  "prints its id",
	  .fn = cmd_advisory_add, .args = "FILE.json|-", .min = 1, .max = 1,
	  .store = CLI_WRITE },
	{ "advisory import", .help = "create an advisory from a vendor's CSAF 2.0 document; "
				     "prints its id",
	  .fn = cmd_advisory_import, .args = "FILE.json|-", .min = 1, .max = 1,
	  .store = CLI_WRITE },
	{ "advisory export", .help = "write an advisory as CSAF 2.0 JSON to standard output",
	  .fn = cmd_advisory_export, .args = "ID", .min = 1, .max = 1 },
	{ "advisory list", .help = "list advisories, newest first", .fn = cmd_advisory_list,
	  .opts = advisory_list_opts },
	{ "advisory show", .help = "an advisory as JSON (--version N: that version; --history)",
	  .fn = cmd_advisory_show, .args = "ID", .min = 1, .max = 1, .opts = advisory_show_opts },
	{ "advisory update", .help = "replace an advisory's document: a new version",
	  .fn = cmd_advisory_update, .args = "ID FILE.json|-", .min = 2, .max = 2,
	  .opts = advisory_update_opts, .store = CLI_WRITE },
	{ "advisory preview",
	  .help = "who an advisory affects and why, before publishing (--json: the object "
		  "scripts read)",
	  .fn = cmd_advisory_preview, .args = "ID", .min = 1, .max = 1 },
	{ "advisory exclude", .help = "take an organisation out of an advisory's targets",
	  .fn = cmd_advisory_exclude, .args = "ID ORG-ID", .min = 2, .max = 2,
	  .opts = advisory_exclude_opts, .store = CLI_WRITE },
	{ "advisory include", .help = "put an excluded organisation back among the targets",
	  .fn = cmd_advisory_include, .args = "ID ORG-ID", .min = 2, .max = 2,
	  .store = CLI_WRITE },
	{ "indicator add",
	  .help = "list an indicator; prints its id (held by a warninglist: exit 3, the lists on "
		  "stderr, unless --confirm)",
	  .fn = cmd_indicator_add, .args = "TYPE VALUE", .min = 2, .max = 2,
	  .opts = indicator_add_opts, .store = CLI_OWN_TX },
	{ "indicator list", .help = "indicators, newest first (filters as search)",
	  .fn = cmd_indicator_search, .opts = indicator_search_opts },
	{ "indicator search",
	  .help = "search indicators: value, prefix, CIDR containment, type, class, tag, source, "
		  "TLP, status, expiry",
	  .fn = cmd_indicator_search, .opts = indicator_search_opts },
	{ "indicator show", .help = "an indicator as JSON, with its incidents and sightings",
	  .fn = cmd_indicator_show, .args = "ID", .min = 1, .max = 1 },
	{ "indicator sightings", .help = "an indicator's sightings as JSON, newest first",
	  .fn = cmd_indicator_sightings, .args = "ID", .min = 1, .max = 1,
	  .opts = indicator_sightings_opts },
	{ "indicator update", .help = "change an indicator's reason, class, TLP, expiry, status, ...",
	  .fn = cmd_indicator_update, .args = "ID", .min = 1, .max = 1,
	  .opts = indicator_update_opts, .store = CLI_WRITE },
	{ "indicator delete",
	  .help = "retire an indicator: out of every export, kept and searchable",
	  .fn = cmd_indicator_delete, .args = "ID", .min = 1, .max = 1, .store = CLI_WRITE },
	{ "indicator export",
	  .help = "write an export of the indicator registry (plain, csv, json, stix, misp, rpz, "
		  "suricata, nft) to standard output or --out FILE",
	  .fn = cmd_indicator_export, .opts = indicator_export_opts },
	{ "indicator consumer add",
	  .help = "add an export consumer (a resolver, firewall or peer) and print its token, once",
	  .fn = cmd_indicator_consumer_add, .args = "NAME", .min = 1, .max = 1,
	  .opts = indicator_consumer_add_opts, .store = CLI_WRITE },
	{ "indicator consumer list", .help = "list export consumers and their last fetch",
	  .fn = cmd_indicator_consumer_list },
	{ "indicator consumer show", .help = "an export consumer as JSON",
	  .fn = cmd_indicator_consumer_show, .args = "NAME|ID", .min = 1, .max = 1 },
	{ "indicator consumer set", .help = "change an export consumer's format, filter or marks",
	  .fn = cmd_indicator_consumer_set, .args = "NAME|ID", .min = 1, .max = 1,
	  .opts = indicator_consumer_set_opts, .store = CLI_WRITE },
	{ "indicator consumer rotate",
	  .help = "give an export consumer a new token (printed once; the old one stops working)",
	  .fn = cmd_indicator_consumer_rotate, .args = "NAME|ID", .min = 1, .max = 1,
	  .store = CLI_WRITE },
	{ "indicator consumer rm", .help = "remove an export consumer (its token stops working)",
	  .fn = cmd_indicator_consumer_rm, .args = "NAME|ID", .min = 1, .max = 1,
	  .store = CLI_WRITE },
	{ "apk analyze",
	  .help = "triage an Android app: manifest, signers, hashes, candidate indicators, YARA "
		  "(JSON verdict; several files: one verdict a line; exit 65 when an app could "
		  "not be read)",
	  .fn = cmd_apk_analyze, .args = "FILE.apk...", .min = 1, .max = CLI_MAX_POS,
	  .opts = apk_analyze_opts,
	  .store = CLI_NO_STORE },
	{ "apk diff",
	  .help = "two versions of an app side by side: same signer? permissions and components "
		  "added or removed",
	  .fn = cmd_apk_diff, .args = "A.apk B.apk", .min = 2, .max = 2, .store = CLI_NO_STORE },
	{ "apk submit", .help = "triage an app and record it (prints its id; the same file: the "
				"same record)",
	  .fn = cmd_apk_submit, .args = "FILE.apk", .min = 1, .max = 1, .store = CLI_WRITE },
	{ "apk list", .help = "triaged apps, newest first", .fn = cmd_apk_list,
	  .opts = apk_list_opts },
	{ "apk show", .help = "a triaged app and its verdict (JSON)", .fn = cmd_apk_show,
	  .args = "ID", .min = 1, .max = 1 },
	{ "apk confirm",
	  .help = "confirm an app malicious: blacklist it and list its app indicator, its hash "
		  "and the chosen candidates",
	  .fn = cmd_apk_confirm, .args = "ID", .min = 1, .max = 1, .opts = apk_confirm_opts,
	  .store = CLI_WRITE },
	{ "apk benign", .help = "mark an app benign", .fn = cmd_apk_benign, .args = "ID", .min = 1,
	  .max = 1, .store = CLI_WRITE },
	{ "apk takedown", .help = "the takedown letter for an app store (en or fa)",
	  .fn = cmd_apk_takedown, .args = "ID", .min = 1, .max = 1, .opts = apk_takedown_opts },
	{ "indicator import",
	  .help = "bulk import of a CSV file or a plain list (- = standard input); prints the "
		  "totals, names the invalid and held rows; 65 when no row is valid",
	  .fn = cmd_indicator_import, .args = "FILE", .min = 1, .max = 1,
	  .opts = indicator_import_opts, .store = CLI_WRITE },
	{ "indicator held", .help = "indicators held by a warninglist, waiting for a decision",
	  .fn = cmd_indicator_held, .opts = indicator_held_opts },
	{ "indicator confirm",
	  .help = "list a held indicator active (the warninglists it hit stay on record)",
	  .fn = cmd_indicator_confirm, .args = "ID", .min = 1, .max = 1, .store = CLI_WRITE },
	{ "indicator reject", .help = "retire a held indicator (a false positive)",
	  .fn = cmd_indicator_reject, .args = "ID", .min = 1, .max = 1,
	  .opts = indicator_reject_opts, .store = CLI_WRITE },
	{ "indicator warninglists",
	  .help = "the MISP warninglists in force: directory, lists, entries",
	  .fn = cmd_indicator_wl_show, .opts = indicator_wl_show_opts },
	{ "indicator warninglists show",
	  .help = "the MISP warninglists in force: directory, lists, entries",
	  .fn = cmd_indicator_wl_show, .opts = indicator_wl_show_opts },
	{ "indicator warninglists update",
	  .help = "install the MISP warninglists of DIR (DIR/NAME/list.json); counts the active "
		  "indicators that now hit a list",
	  .fn = cmd_indicator_wl_update, .args = "DIR", .min = 1, .max = 1, .store = CLI_WRITE },
	{ NULL },
};

static int province_row(void *ud, const struct store_province *p)
{
	(void)ud;
	printf("%s\t%s\n", p->name, p->name_fa);
	return 0;
}

static int cmd_provinces(struct cli_call *x, struct perr *err)
{
	return store_province_list(x->st, province_row, NULL, err);
}
