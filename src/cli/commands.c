/*
** commands.c — every `parapet` subcommand.
**
** Commands run as the local operator (the audit actor is "cli:$USER"), who
** may do anything the database file permits; they call the same domain
** functions as the API, each write in one transaction. Output is plain text
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

#include "audit/audit.h"
#include "cli/cli.h"
#include "feeds/feeds.h"
#include "constituency/constituency.h"
#include "http/http.h"
#include "identity/identity.h"
#include "incident/incident.h"
#include "monitor/monitor.h"
#include "notify/notify.h"

/* ------------------------------------------------------------- helpers */

int cli_fail(const struct perr *err)
{
	char line[400];
	fprintf(stderr, "parapet: %s\n", perr_text(err, line, sizeof(line)));
	return 1;
}

int cli_usage(const struct cli_cmd *cmd)
{
	fprintf(stderr, "usage: parapet %s %s\n", cmd->name, cmd->usage);
	return 2;
}


int cli_open(struct cli *c, struct store **st)
{
	struct perr err;
	perr_clear(&err);
	if (c->create && mkdir(c->data_dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "parapet: cannot create %s: %s\n", c->data_dir, strerror(errno));
		return 1;
	}
	if ((c->create ? store_create : store_open)(c->db_path, st, &err) != 0) {
		if (err.kind == PERR_NOTFOUND)
			c->exit_status = EX_NOINPUT;
		return cli_fail(&err);
	}
	if (store_migrate(*st, NULL, &err) != 0 ||
	    constituency_provinces_load(*st, c->cfg.provinces_file, &err) != 0) {
		store_close(*st);
		*st = NULL;
		return cli_fail(&err);
	}
	return 0;
}







/* Read a password from stdin: first line, newline stripped. */
static int read_password(char *buf, size_t n)
{
	if (!fgets(buf, (int)n, stdin)) {
		fprintf(stderr, "parapet: no password on standard input\n");
		return -1;
	}
	size_t l = strlen(buf);
	if (l == n - 1 && buf[l - 1] != '\n') {
		fprintf(stderr, "parapet: password too long\n");
		return -1;
	}
	while (l && (buf[l - 1] == '\n' || buf[l - 1] == '\r'))
		buf[--l] = '\0';
	return 0;
}

/* Run fn inside a transaction; commit when it returns 0. */
static int in_tx(struct store *st, int (*fn)(struct store *, void *, struct perr *), void *ctx)
{
	struct perr err;
	perr_clear(&err);
	if (store_begin(st, &err) != 0)
		return cli_fail(&err);
	if (fn(st, ctx, &err) != 0) {
		store_rollback(st);
		return cli_fail(&err);
	}
	if (store_commit(st, &err) != 0)
		return cli_fail(&err);
	return 0;
}

/* ----------------------------------------------------- config, migrate */

static int cmd_check_config(struct cli *c, int argc, char **argv)
{
	/* main.c loaded the configuration already; reaching here means valid. */
	if (cli_flag(argc, argv, "--dump")) {
		config_dump(&c->cfg, stdout);
		return 0;
	}
	printf("configuration ok (%s)\n", c->config_path ? c->config_path : "built-in defaults");
	return 0;
}

static int cmd_migrate(struct cli *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct store *st;
	struct perr err;
	if (mkdir(c->data_dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "parapet: cannot create %s: %s\n", c->data_dir, strerror(errno));
		return 1;
	}
	if (store_create(c->db_path, &st, &err) != 0)
		return cli_fail(&err);
	int applied = 0, db = 0, known = 0, rc = 0;
	if (store_migrate(st, &applied, &err) != 0 ||
	    constituency_provinces_load(st, c->cfg.provinces_file, &err) != 0 ||
	    store_schema_version(st, &db, &known, &err) != 0)
		rc = cli_fail(&err);
	else if (c->json)
		cli_print_json(json_pack("{si si}", "applied", applied, "version", db));
	else
		printf("database %s at schema version %d (%d migration(s) applied)\n", c->db_path,
		       db, applied);
	store_close(st);
	return rc;
}

/* ---------------------------------------------------------------- users */

struct user_add_ctx {
	struct cli *c;
	struct user_spec spec;
	struct store_user u;
};

static int user_add_tx(struct store *st, void *ud, struct perr *err)
{
	struct user_add_ctx *x = ud;
	char a[96];
	cli_actor(a, sizeof(a));
	return identity_user_add(st, &x->c->cfg, a, &x->spec, &x->u, err);
}

static int cmd_user_add(struct cli *c, int argc, char **argv)
{
	static const char *valued[] = { "--role", "--org", "--province", NULL };
	char *pos[2];
	bool bad = false;
	struct user_add_ctx x;
	memset(&x, 0, sizeof(x));
	x.c = c;
	if (cli_positional(argc, argv, valued, NULL, pos, 2, NULL) != 1)
		return cli_usage_of("user add");
	x.spec.login = pos[0];
	x.spec.role = cli_opt(argc, argv, "--role", &bad);
	const char *org = cli_opt(argc, argv, "--org", &bad);
	x.spec.province = cli_opt(argc, argv, "--province", &bad);
	if (bad || !x.spec.role || !cli_flag(argc, argv, "--password-stdin"))
		return cli_usage_of("user add");
	if (org && cli_id(org, &x.spec.org_id) != 0)
		return 2;
	char pw[1100];
	if (read_password(pw, sizeof(pw)) != 0)
		return 1;
	x.spec.password = pw;
	struct store *st;
	if (cli_open(c, &st) != 0)
		return 1;
	int rc = in_tx(st, user_add_tx, &x);
	sodium_memzero(pw, sizeof(pw));
	if (rc == 0) {
		if (c->json)
			cli_print_json(json_pack("{sI ss ss}", "id", (json_int_t)x.u.id, "login",
					     x.u.login, "role", x.u.role));
		else
			printf("user %s (%s) created with id %lld\n", x.u.login, x.u.role,
			       (long long)x.u.id);
	}
	store_close(st);
	return rc;
}

static int print_user(void *ud, const struct store_user *u)
{
	struct cli *c = ud;
	if (c->json)
		return 0;
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

static int cmd_user_list(struct cli *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct store *st;
	struct perr err;
	if (cli_open(c, &st) != 0)
		return 1;
	json_t *arr = json_array();
	int rc = store_user_list(st, c->json ? json_user : print_user, c->json ? (void *)arr : c, &err);
	if (rc != 0)
		rc = cli_fail(&err);
	else if (c->json)
		cli_print_json(json_incref(arr));
	json_decref(arr);
	store_close(st);
	return rc;
}

struct passwd_ctx {
	struct cli *c;
	const char *login;
	const char *pw;
	bool keep_tokens;
};

static int passwd_tx(struct store *st, void *ud, struct perr *err)
{
	struct passwd_ctx *x = ud;
	char a[96];
	cli_actor(a, sizeof(a));
	return identity_password_set(st, &x->c->cfg, a, x->login, x->pw, x->keep_tokens, err);
}

/* `parapet user passwd LOGIN --password-stdin [--keep-tokens]`: an
** operator's reset; the user's sessions end and their API tokens are
** revoked unless --keep-tokens. */
static int cmd_user_passwd(struct cli *c, int argc, char **argv)
{
	static const char *const flags[] = { "--password-stdin", "--keep-tokens", NULL };
	char *pos[2];
	bool bad = false;
	if (cli_positional(argc, argv, NULL, flags, pos, 2, &bad) != 1 || bad ||
	    !cli_flag(argc, argv, "--password-stdin"))
		return cli_usage_of("user passwd");
	char pw[1100];
	if (read_password(pw, sizeof(pw)) != 0)
		return 1;
	struct store *st;
	if (cli_open(c, &st) != 0)
		return 1;
	struct passwd_ctx x = { c, pos[0], pw, cli_flag(argc, argv, "--keep-tokens") };
	int rc = in_tx(st, passwd_tx, &x);
	sodium_memzero(pw, sizeof(pw));
	if (rc == 0 && !c->json)
		printf("password of %s changed%s\n", pos[0],
		       x.keep_tokens ? "" : "; its API tokens are revoked");
	store_close(st);
	return rc;
}

struct disable_ctx {
	const char *login;
	bool disabled;
};

static int disable_tx(struct store *st, void *ud, struct perr *err)
{
	struct disable_ctx *x = ud;
	struct store_user u;
	char a[96];
	cli_actor(a, sizeof(a));
	if (store_user_by_login(st, x->login, &u, err) != 0)
		return -1;
	return identity_user_set_disabled(st, a, 0, u.id, x->disabled, NULL, err);
}

/* `parapet user disable|enable LOGIN`: disabling ends the user's sessions
** and revokes their tokens. */
static int user_disable(struct cli *c, int argc, char **argv, bool disabled)
{
	char *pos[2];
	bool bad = false;
	const char *name = disabled ? "user disable" : "user enable";
	if (cli_positional(argc, argv, NULL, NULL, pos, 2, &bad) != 1 || bad)
		return cli_usage_of(name);
	struct store *st;
	if (cli_open(c, &st) != 0)
		return 1;
	struct disable_ctx x = { pos[0], disabled };
	int rc = in_tx(st, disable_tx, &x);
	if (rc == 0 && !c->json)
		printf("user %s %s\n", pos[0], disabled ? "disabled" : "enabled");
	store_close(st);
	return rc;
}

static int cmd_user_disable(struct cli *c, int argc, char **argv)
{
	return user_disable(c, argc, argv, true);
}

static int cmd_user_enable(struct cli *c, int argc, char **argv)
{
	return user_disable(c, argc, argv, false);
}

/* --------------------------------------------------------------- tokens */

struct token_ctx {
	const char *login;
	struct token_spec spec;
	char secret[80];
	struct store_token t;
};

static int token_tx(struct store *st, void *ud, struct perr *err)
{
	struct token_ctx *x = ud;
	struct store_user u;
	char a[96];
	cli_actor(a, sizeof(a));
	if (store_user_by_login(st, x->login, &u, err) != 0)
		return -1;
	return identity_token_create(st, a, &u, &x->spec, x->secret, &x->t, err);
}

static int cmd_token_add(struct cli *c, int argc, char **argv)
{
	static const char *valued[] = { "--name", "--org", "--province", NULL };
	char *pos[2];
	bool bad = false;
	struct token_ctx x;
	memset(&x, 0, sizeof(x));
	if (cli_positional(argc, argv, valued, NULL, pos, 2, NULL) != 1)
		return cli_usage_of("token add");
	x.login = pos[0];
	x.spec.name = cli_opt(argc, argv, "--name", &bad);
	x.spec.readonly = cli_flag(argc, argv, "--readonly");
	x.spec.province = cli_opt(argc, argv, "--province", &bad);
	const char *org = cli_opt(argc, argv, "--org", &bad);
	if (bad)
		return cli_usage_of("token add");
	if (org && cli_id(org, &x.spec.org_id) != 0)
		return 2;
	struct store *st;
	if (cli_open(c, &st) != 0)
		return 1;
	int rc = in_tx(st, token_tx, &x);
	if (rc == 0) {
		if (c->json)
			cli_print_json(json_pack("{sI ss}", "id", (json_int_t)x.t.id, "token", x.secret));
		else
			printf("%s\n", x.secret); /* alone on its line, for scripts */
	}
	sodium_memzero(x.secret, sizeof(x.secret));
	store_close(st);
	return rc;
}

struct revoke_ctx {
	int64_t id;
};

static int revoke_tx(struct store *st, void *ud, struct perr *err)
{
	struct revoke_ctx *x = ud;
	char a[96];
	cli_actor(a, sizeof(a));
	return identity_token_revoke(st, a, NULL, x->id, err);
}

static int cmd_token_revoke(struct cli *c, int argc, char **argv)
{
	char *pos[2];
	struct revoke_ctx x;
	if (cli_positional(argc, argv, NULL, NULL, pos, 2, NULL) != 1)
		return cli_usage_of("token revoke");
	if (cli_id(pos[0], &x.id) != 0)
		return 2;
	struct store *st;
	if (cli_open(c, &st) != 0)
		return 1;
	int rc = in_tx(st, revoke_tx, &x);
	if (rc == 0 && !c->json)
		printf("token %lld revoked\n", (long long)x.id);
	store_close(st);
	return rc;
}

/* -------------------------------------------------------- organisations */

struct org_ctx {
	struct org_spec spec;
	int64_t id;
	struct store_org o;
};

static int org_add_tx(struct store *st, void *ud, struct perr *err)
{
	struct org_ctx *x = ud;
	char a[96];
	cli_actor(a, sizeof(a));
	return constituency_org_add(st, NULL, a, &x->spec, &x->o, err);
}

static json_t *org_json(const struct store_org *o)
{
	return json_pack("{sI ss ss ss sI}", "id", (json_int_t)o->id, "name", o->name, "sector",
			 o->sector, "province", o->province, "parent", (json_int_t)o->parent_id);
}

static int cmd_org_add(struct cli *c, int argc, char **argv)
{
	static const char *valued[] = { "--province", "--sector", "--parent", NULL };
	char *pos[2];
	bool bad = false;
	struct org_ctx x;
	memset(&x, 0, sizeof(x));
	if (cli_positional(argc, argv, valued, NULL, pos, 2, NULL) != 1)
		return cli_usage_of("org add");
	x.spec.name = pos[0];
	x.spec.province = cli_opt(argc, argv, "--province", &bad);
	x.spec.sector = cli_opt(argc, argv, "--sector", &bad);
	const char *parent = cli_opt(argc, argv, "--parent", &bad);
	if (bad || !x.spec.province)
		return cli_usage_of("org add");
	if (parent && cli_id(parent, &x.spec.parent_id) != 0)
		return 2;
	struct store *st;
	if (cli_open(c, &st) != 0)
		return 1;
	int rc = in_tx(st, org_add_tx, &x);
	if (rc == 0) {
		if (c->json)
			cli_print_json(org_json(&x.o));
		else
			printf("organisation %lld: %s (%s)\n", (long long)x.o.id, x.o.name,
			       x.o.province);
	}
	store_close(st);
	return rc;
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

static int cmd_org_list(struct cli *c, int argc, char **argv)
{
	bool bad = false;
	struct store_org_filter f;
	memset(&f, 0, sizeof(f));
	f.province = cli_opt(argc, argv, "--province", &bad);
	f.q = cli_opt(argc, argv, "--search", &bad);
	if (bad)
		return cli_usage_of("org list");
	struct store *st;
	struct perr err;
	if (cli_open(c, &st) != 0)
		return 1;
	json_t *arr = json_array();
	void *ud[2] = { c, arr };
	int rc = store_org_list(st, &f, org_row, ud, NULL, &err);
	if (rc != 0)
		rc = cli_fail(&err);
	else if (c->json)
		cli_print_json(json_incref(arr));
	json_decref(arr);
	store_close(st);
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

static int cmd_org_show(struct cli *c, int argc, char **argv)
{
	char *pos[2];
	int64_t id;
	if (cli_positional(argc, argv, NULL, NULL, pos, 2, NULL) != 1)
		return cli_usage_of("org show");
	if (cli_id(pos[0], &id) != 0)
		return 2;
	struct store *st;
	struct perr err;
	struct store_org o;
	if (cli_open(c, &st) != 0)
		return 1;
	int rc = 0;
	if (store_org_get(st, id, &o, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	json_t *assets = json_array(), *contacts = json_array();
	void *ua[2] = { c, assets }, *uc[2] = { c, contacts };
	if (!c->json)
		printf("organisation %lld: %s\n  province %s, sector %s, parent %lld\n",
		       (long long)o.id, o.name, o.province, o.sector[0] ? o.sector : "-",
		       (long long)o.parent_id);
	if (store_asset_list(st, id, asset_row, ua, &err) != 0 ||
	    store_contact_list(st, id, contact_row, uc, &err) != 0) {
		rc = cli_fail(&err);
		json_decref(assets);
		json_decref(contacts);
		goto out;
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
out:
	store_close(st);
	return rc;
}

static int org_rm_tx(struct store *st, void *ud, struct perr *err)
{
	struct org_ctx *x = ud;
	char a[96];
	cli_actor(a, sizeof(a));
	return constituency_org_delete(st, NULL, a, x->id, err);
}

static int cmd_org_rm(struct cli *c, int argc, char **argv)
{
	char *pos[2];
	struct org_ctx x;
	memset(&x, 0, sizeof(x));
	if (cli_positional(argc, argv, NULL, NULL, pos, 2, NULL) != 1)
		return cli_usage_of("org rm");
	if (cli_id(pos[0], &x.id) != 0)
		return 2;
	struct store *st;
	if (cli_open(c, &st) != 0)
		return 1;
	int rc = in_tx(st, org_rm_tx, &x);
	if (rc == 0 && !c->json)
		printf("organisation %lld removed\n", (long long)x.id);
	store_close(st);
	return rc;
}

/* --------------------------------------------------------------- assets */

struct asset_ctx {
	int64_t org, id;
	const char *type, *value;
	bool confirm_overlap;
	struct store_asset a;
};

static int asset_add_tx(struct store *st, void *ud, struct perr *err)
{
	struct asset_ctx *x = ud;
	char a[96];
	cli_actor(a, sizeof(a));
	return constituency_asset_add(st, NULL, a, x->org, x->type, x->value, x->confirm_overlap,
				      &x->a, err);
}

static int cmd_asset_add(struct cli *c, int argc, char **argv)
{
	char *pos[3];
	struct asset_ctx x;
	memset(&x, 0, sizeof(x));
	static const char *const flags[] = { "--confirm-overlap", NULL };
	bool bad = false;
	if (cli_positional(argc, argv, NULL, flags, pos, 3, &bad) != 3 || bad)
		return cli_usage_of("asset add");
	if (cli_id(pos[0], &x.org) != 0)
		return 2;
	x.type = pos[1];
	x.value = pos[2];
	x.confirm_overlap = cli_flag(argc, argv, "--confirm-overlap");
	struct store *st;
	if (cli_open(c, &st) != 0)
		return 1;
	int rc = in_tx(st, asset_add_tx, &x);
	if (rc == 0) {
		if (c->json)
			cli_print_json(json_pack("{sI sI ss ss}", "id", (json_int_t)x.a.id, "org",
					     (json_int_t)x.org, "type", x.a.type, "value", x.a.value));
		else
			printf("asset %lld: %s %s\n", (long long)x.a.id, x.a.type, x.a.value);
	}
	store_close(st);
	return rc;
}

static int asset_rm_tx(struct store *st, void *ud, struct perr *err)
{
	struct asset_ctx *x = ud;
	char a[96];
	cli_actor(a, sizeof(a));
	return constituency_asset_delete(st, NULL, a, x->org, x->id, err);
}

static int cmd_asset_rm(struct cli *c, int argc, char **argv)
{
	char *pos[3];
	struct asset_ctx x;
	memset(&x, 0, sizeof(x));
	if (cli_positional(argc, argv, NULL, NULL, pos, 3, NULL) != 2)
		return cli_usage_of("asset rm");
	if (cli_id(pos[0], &x.org) != 0 || cli_id(pos[1], &x.id) != 0)
		return 2;
	struct store *st;
	if (cli_open(c, &st) != 0)
		return 1;
	int rc = in_tx(st, asset_rm_tx, &x);
	if (rc == 0 && !c->json)
		printf("asset %lld removed\n", (long long)x.id);
	store_close(st);
	return rc;
}

/* ------------------------------------------------------- import, lookup */

static int cmd_import_constituency(struct cli *c, int argc, char **argv)
{
	char *pos[2];
	static const char *const flags[] = { "--confirm-overlap", NULL };
	bool bad = false;
	if (cli_positional(argc, argv, NULL, flags, pos, 2, &bad) != 1 || bad)
		return cli_usage_of("import constituency");
	bool confirm = cli_flag(argc, argv, "--confirm-overlap");
	int fd = strcmp(pos[0], "-") == 0 ? 0 : open(pos[0], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "parapet: cannot open %s: %s\n", pos[0], strerror(errno));
		return 1;
	}
	struct store *st;
	if (cli_open(c, &st) != 0) {
		if (fd)
			close(fd);
		return 1;
	}
	struct import_report rep;
	struct perr err;
	perr_clear(&err);
	char a[96];
	cli_actor(a, sizeof(a));
	int rc = constituency_import_csv(st, a, fd, c->cfg.import_max_rows, confirm, &rep,
					 &err);
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
			json_object_set_new(j, "error", json_string(err.msg));
		cli_print_json(j);
	} else if (rc == 0) {
		printf("imported %lld rows: %lld organisations, %lld assets, %lld contacts\n",
		       (long long)rep.rows, (long long)rep.orgs_added, (long long)rep.assets_added,
		       (long long)rep.contacts_added);
		if (rep.overlaps)
			printf("%lld assets overlap another organisation's (confirmed, audited)\n",
			       (long long)rep.overlaps);
	} else {
		if (rep.errors.ptr)
			fputs(rep.errors.ptr, stderr);
		cli_fail(&err);
	}
	pbuf_free(&rep.errors);
	store_close(st);
	return rc == 0 ? 0 : 1;
}

static int cmd_lookup(struct cli *c, int argc, char **argv)
{
	char *pos[2];
	if (cli_positional(argc, argv, NULL, NULL, pos, 2, NULL) != 1)
		return cli_usage_of("lookup");
	enum lookup_kind kind;
	const char *q = pos[0];
	if (cli_flag(argc, argv, "--domain"))
		kind = LOOKUP_DOMAIN;
	else if (cli_flag(argc, argv, "--asn"))
		kind = LOOKUP_ASN;
	else if (cli_flag(argc, argv, "--url"))
		kind = LOOKUP_URL;
	else if (cli_flag(argc, argv, "--ip"))
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
	struct store *st;
	if (cli_open(c, &st) != 0)
		return 1;
	struct lookup_result r;
	struct perr err;
	struct store_org o;
	int rc = constituency_lookup(st, kind, q, &r, &err);
	int out = 0;
	if (rc < 0) {
		out = cli_fail(&err);
	} else if (rc == 0) {
		fprintf(stderr, "parapet: no organisation owns %s\n", q);
		out = 1;
	} else if (store_org_get(st, r.org_id, &o, &err) != 0) {
		out = cli_fail(&err);
	} else if (c->json) {
		cli_print_json(json_pack("{s{sI ss} ss ss}", "org", "id", (json_int_t)o.id, "name",
				     o.name, "matched", r.matched, "type", r.type));
	} else {
		printf("%s is owned by organisation %lld (%s), matched %s %s\n", q,
		       (long long)o.id, o.name, r.type, r.matched);
	}
	constituency_index_shutdown();
	store_close(st);
	return out;
}

/* ---------------------------------------------------------------- audit */

static int cmd_audit_verify(struct cli *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct store *st;
	struct perr err;
	struct audit_report r;
	if (cli_open(c, &st) != 0)
		return 1;
	int rc = audit_verify(st, &r, &err);
	store_close(st);
	if (rc != 0)
		return cli_fail(&err);
	if (c->json)
		cli_print_json(json_pack("{sb sI sI ss}", "intact", r.bad_seq == 0, "entries",
				     (json_int_t)r.entries, "bad_seq", (json_int_t)r.bad_seq,
				     "problem", r.problem));
	else if (r.bad_seq == 0)
		printf("audit log intact: %lld entries\n", (long long)r.entries);
	else
		fprintf(stderr, "parapet: audit log broken at entry %lld: %s\n",
			(long long)r.bad_seq, r.problem);
	return r.bad_seq ? 1 : 0;
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

static int cmd_audit_list(struct cli *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct store *st;
	struct perr err;
	if (cli_open(c, &st) != 0)
		return 1;
	int rc = store_audit_list(st, 0, 0, audit_row, NULL, &err);
	store_close(st);
	return rc ? cli_fail(&err) : 0;
}

/* ---------------------------------------------------------------- serve */

int demo_load(struct store *st, const struct config *cfg, bool print_password,
	      const char *farm_json);

static int cmd_serve(struct cli *c, int argc, char **argv)
{
	bool bad = false;
	const char *listen = cli_opt(argc, argv, "--listen", &bad);
	bool demo = cli_flag(argc, argv, "--demo");
	c->create = cli_flag(argc, argv, "--create");
	const char *farm = cli_opt(argc, argv, "--demo-farm", &bad);
	if (bad || (farm && !demo))
		return cli_usage_of("serve");
	if (listen && pstrlcpy(c->cfg.listen, listen, sizeof(c->cfg.listen)) != 0) {
		fprintf(stderr, "parapet: --listen value too long\n");
		return 2;
	}
	core_malloc_tune();
	struct store *st;
	if (cli_open(c, &st) != 0)
		return 1;
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
		return 1;
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
	struct incident_sla_job *sla = NULL;
	struct perr err;
	if (notify_start(&c->cfg, c->db_path, &nw, &err) != 0) {
		store_dir_unlock(lock);
		return cli_fail(&err);
	}
	if (incident_sla_start(&c->cfg, c->db_path, 30000, &sla, &err) != 0) {
		notify_stop(nw);
		store_dir_unlock(lock);
		return cli_fail(&err);
	}
	struct monitor *mon = NULL;
	if (c->cfg.watch_enabled && monitor_start(&c->cfg, c->db_path, &mon, &err) != 0) {
		incident_sla_stop(sla);
		notify_stop(nw);
		store_dir_unlock(lock);
		return cli_fail(&err);
	}
	struct feeds_worker *fw = NULL;
	/* always: it resumes interrupted uploads even when nothing is watched */
	if (feeds_start(&c->cfg, c->db_path, &fw, &err) != 0) {
		monitor_stop(mon);
		incident_sla_stop(sla);
		notify_stop(nw);
		store_dir_unlock(lock);
		return cli_fail(&err);
	}
	if (http_start(&c->cfg, c->db_path, &srv, &err) != 0) {
		feeds_stop(fw);
		monitor_stop(mon);
		incident_sla_stop(sla);
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
	/* an import in flight finishes its file first */
	feeds_stop(fw);
	/* a pass in flight finishes first (at most watch.timeout for its fetches) */
	monitor_stop(mon);
	incident_sla_stop(sla);
	notify_stop(nw);
	constituency_index_shutdown();
	plog(PLOG_INFO, "serve: stopped");
	store_dir_unlock(lock);
	return 0;
}

static int cmd_provinces(struct cli *c, int argc, char **argv);

/* ---------------------------------------------------------------- table */

const struct cli_cmd cli_cmds[] = {
	{ "serve", cmd_serve, "[--listen HOST:PORT] [--create] [--demo [--demo-farm FARM.json]]",
	  "run the server (API, web UI); --create makes the database if there is none, "
	  "--demo loads a demo constituency and admin" },
	{ "migrate", cmd_migrate, "", "create or upgrade the database" },
	{ "check-config", cmd_check_config, "[--dump]",
	  "validate the configuration; --dump prints every key with its value" },
	{ "user add", cmd_user_add,
	  "LOGIN --role admin|analyst|provincial|responder|constituent [--org ID] "
	  "[--province NAME] --password-stdin",
	  "create a user; the password is read from standard input" },
	{ "user list", cmd_user_list, "", "list users" },
	{ "user passwd", cmd_user_passwd, "LOGIN --password-stdin [--keep-tokens]",
	  "set a user's password; ends their sessions and revokes their API tokens unless "
	  "--keep-tokens" },
	{ "user disable", cmd_user_disable, "LOGIN",
	  "disable a user: ends their sessions and revokes their API tokens" },
	{ "user enable", cmd_user_enable, "LOGIN", "enable a disabled user" },
	{ "token add", cmd_token_add, "LOGIN [--name TEXT] [--readonly] [--org ID] [--province NAME]",
	  "create an API token for LOGIN and print it (once)" },
	{ "token revoke", cmd_token_revoke, "ID", "revoke an API token" },
	{ "org add", cmd_org_add, "NAME --province NAME [--sector TEXT] [--parent ID]",
	  "create an organisation" },
	{ "org list", cmd_org_list, "[--province NAME] [--search TEXT]", "list organisations" },
	{ "org show", cmd_org_show, "ID", "show an organisation with its assets and contacts" },
	{ "org rm", cmd_org_rm, "ID", "remove an organisation (and its assets and contacts)" },
	{ "asset add", cmd_asset_add,
	  "ORG-ID cidr|domain|url|asn|product VALUE [--confirm-overlap]",
	  "add an asset to an organisation (one overlapping another organisation's needs "
	  "--confirm-overlap)" },
	{ "asset rm", cmd_asset_rm, "ORG-ID ASSET-ID", "remove an asset" },
	{ "import constituency", cmd_import_constituency, "FILE.csv|- [--confirm-overlap]",
	  "import organisations, assets and contacts from CSV, all or nothing" },
	{ "import report", cmd_import_report,
	  "--type TYPE|auto|csv|jsonl [--mapping FILE] [--at ISO] FILE",
	  "import a report (Shadowserver type, or csv/jsonl with a mapping); ends with "
	  "\"rows N parsed N rejected N owners N new N duplicate N\"" },
	{ "feeds parse", cmd_feeds_parse, "[--type TYPE] [--mapping FILE] [--schema FILE] FILE",
	  "print a report's normalised events as JSON Lines (nothing is stored)" },
	{ "feeds types", cmd_feeds_types, "", "list the report types of the schema in effect" },
	{ "feeds schema update", cmd_feeds_schema_update, "FILE",
	  "install a newer Shadowserver schema (checked first; replaces the shipped one)" },
	{ "feeds digest", cmd_feeds_digest, "[--at ISO]",
	  "mail the digests of every finished period (one per organisation and feed)" },
	{ "feeds files", cmd_feeds_files, "", "imported report files and their counts" },
	{ "feeds unowned", cmd_feeds_unowned, "[--by asn|prefix]",
	  "reported hosts no organisation owns, by AS or prefix" },
	{ "lookup", cmd_lookup, "[--ip|--domain|--asn|--url] VALUE",
	  "which organisation owns an IP, domain, ASN or URL" },
	{ "audit verify", cmd_audit_verify, "", "check the audit log's hash chain" },
	{ "audit list", cmd_audit_list, "", "print the audit log" },
	{ "provinces", cmd_provinces, "", "list the provinces" },
	{ "user email", cmd_user_email, "LOGIN ADDRESS", "where a user's notifications go" },
	{ "incident report", cmd_incident_report,
	  "ORG-ID KIND KEY --severity low|medium|high|critical [--summary TEXT] [--title TEXT] "
	  "[--evidence JSON]",
	  "report a detection: opens an incident or adds an observation" },
	{ "incident add", cmd_incident_create,
	  "ORG-ID TITLE [--severity S] [--summary TEXT] [--class C --type T] [--tlp TLP]",
	  "open an incident by hand" },
	{ "incident list", cmd_incident_list,
	  "[--status open|STATE[,STATE...]] [--org ID] [--severity low|medium|high|critical] "
	  "[--search TEXT] [--overdue] [--limit N]",
	  "list incidents, newest first" },
	{ "incident show", cmd_incident_show, "ID", "show an incident and its thread" },
	{ "incident transition", cmd_incident_transition, "ID STATE",
	  "move an incident: triaged, in_progress, contained, recovered, closed, rejected" },
	{ "incident message", cmd_incident_message, "ID TEXT [--internal]",
	  "post to an incident's thread (shared with the organisation unless --internal)" },
	{ "incident assign", cmd_incident_assign, "ID [--user LOGIN] [--team ID]",
	  "assign an incident (no option: unassign)" },
	{ "incident merge", cmd_incident_merge, "ID INTO-ID", "mark ID a duplicate of INTO-ID" },
	{ "incident link", cmd_incident_link, "ID OTHER-ID", "relate two incidents" },
	{ "incident evidence", cmd_incident_evidence, "ID FILE [--internal]",
	  "attach a file as evidence" },
	{ "sla sweep", cmd_sla_sweep, "", "flag and escalate incidents past their SLA now" },
	{ "team add", cmd_team_add, "NAME [--province NAME]", "create a team" },
	{ "team member", cmd_team_member, "TEAM-ID LOGIN", "add a user to a team" },
	{ "team lead", cmd_team_lead, "TEAM-ID LOGIN", "make a user the team's lead" },
	{ "rota add", cmd_rota_add, "TEAM-ID LOGIN --weekly START-END | --from ISO --to ISO",
	  "on-call: a weekly slot (minutes from Monday 00:00 UTC) or a dated override" },
	{ "route add", cmd_route_add,
	  "--team ID [--province NAME] [--kind KIND] [--class CLASS] [--priority N]",
	  "route new high and critical incidents to a team" },
	{ "notify test", cmd_notify_test, "ADDRESS [--lang en|fa] [--count N]",
	  "queue N test mails to ADDRESS (the server's notify worker sends them)" },
	{ "outbox", cmd_outbox, "[--status pending|sent|failed] [--incident ID] [--limit N]",
	  "list notifications, newest first (--limit 0 = all; default 100)" },
	{ "webhook add", cmd_webhook_add, "URL --secret S|--secret-stdin [--events a,b]",
	  "send events as JSON to URL, signed with HMAC-SHA-256 under S" },
	{ "webhook list", cmd_webhook_list, "", "list webhooks (secrets are not shown)" },
	{ "webhook rm", cmd_webhook_rm, "ID", "remove a webhook" },
	{ "watch analyze", cmd_watch_analyze, "BASE.html... -- NEW.html [--url URL]",
	  "judge a page against a baseline learned from earlier copies (JSON verdict)" },
	{ "watch run", cmd_watch_run, "[--once [--at ISO]] [--all]",
	  "run the website monitor in the foreground (--once: one pass and its counts, "
	  "--at: as of that time; --all: every site, due or not)" },
	{ "watch sites", cmd_watch_sites, "[--org ID] [--state learning|ok|alert|down]",
	  "list watched websites (one per URL asset)" },
	{ "watch checks", cmd_watch_checks, "SITE [--limit N]", "a website's newest checks (JSON)" },
	{ "watch set", cmd_watch_set, "SITE [--interval SECONDS] [--enable|--disable]",
	  "set a website's check interval, pause or resume it" },
	{ "watch accept", cmd_watch_accept, "SITE",
	  "accept a website's current page as its new baseline (a redesign)" },
	{ NULL, NULL, NULL, NULL },
};

static int province_row(void *ud, const struct store_province *p)
{
	(void)ud;
	printf("%s\t%s\n", p->name, p->name_fa);
	return 0;
}

static int cmd_provinces(struct cli *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct store *st;
	struct perr err;
	if (cli_open(c, &st) != 0)
		return 1;
	int rc = store_province_list(st, province_row, NULL, &err);
	store_close(st);
	return rc ? cli_fail(&err) : 0;
}
