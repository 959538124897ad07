/*
** test_cli.c — the `parapet` command line as operators and scripts use it:
** help and usage (group help, --version, global options after the
** command), exit codes (sysexits: 0 done, 64 usage, 65 invalid input, 66
** not found or no database: a mistyped --data creates nothing, 78
** configuration), user and token creation, the all-or-nothing constituency
** import, audit-chain verification against a database tampered with by the
** sqlite3 tool, schema versions from the future, and configuration checking.
*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define PW "cli-password-123"

static char *dir; /* per-test data directory */

static int mkdir_setup(void **state)
{
	(void)state;
	dir = h_tmpdir("cli");
	h_migrate(dir);
	return 0;
}

static int mkdir_teardown(void **state)
{
	(void)state;
	h_rmdir(dir);
	dir = NULL;
	return 0;
}

#define RUN(p, stdin_data, ...) h_cli((p), dir, (stdin_data), __VA_ARGS__, NULL)

static void expect_exit(const struct h_proc *p, int code, const char *what)
{
	if (p->status != code)
		fail_msg("%s: exit %d, expected %d\nstdout: %s\nstderr: %s", what, p->status, code,
			 p->out, p->err);
}

/* Run sqlite3 on the data directory's database. */
static void sql(const char *d, const char *stmt, char **out)
{
	char *db = h_fmt("%s/parapet.db", d);
	const char *argv[] = { "sqlite3", db, stmt, NULL };
	struct h_proc p;
	if (h_run(&p, NULL, NULL, argv) != 0)
		fail_msg("cannot run sqlite3");
	free(db);
	if (p.status != 0)
		fail_msg("sqlite3 %s: exit %d: %s", stmt, p.status, p.err);
	if (out)
		*out = strdup(p.out);
	h_proc_free(&p);
}

/* ------------------------------------------------------- help, usage */

static void test_help_lists_commands(void **state)
{
	(void)state;
	static const char *cmds[] = { "serve",      "migrate",     "check-config",
				      "user add",   "user list",   "user passwd",
				      "token add",  "token revoke", "org add",
				      "org list",   "org show",    "org rm",
				      "asset add",  "asset rm",    "import constituency",
				      "lookup",     "audit verify", "audit list",
				      "provinces" };
	struct h_proc p;
	RUN(&p, NULL, "help");
	expect_exit(&p, 0, "parapet help");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char *line = h_fmt("\n  %s ", cmds[i]);
		H_CONTAINS(p.out, line);
		free(line);
	}
	H_CONTAINS(p.out, "--data DIR");
	h_proc_free(&p);
	/* --help is the same text; no command at all is a usage error. */
	RUN(&p, NULL, "--help");
	expect_exit(&p, 0, "parapet --help");
	H_CONTAINS(p.out, "import constituency");
	h_proc_free(&p);
	const char *argv[] = { h_bin(), NULL };
	h_run(&p, NULL, NULL, argv);
	expect_exit(&p, 64, "parapet (no command)");
	H_CONTAINS(p.err, "usage: parapet");
	h_proc_free(&p);
}

static void test_command_help(void **state)
{
	(void)state;
	static const struct {
		const char *w1, *w2, *want;
	} c[] = {
		{ "user", "add", "--password-stdin" },
		{ "token", "add", "--readonly" },
		{ "org", "add", "--province" },
		{ "import", "constituency", "FILE.csv" },
		{ "audit", "verify", "hash chain" },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct h_proc p;
		RUN(&p, NULL, c[i].w1, c[i].w2, "--help");
		expect_exit(&p, 0, c[i].w1);
		char *u = h_fmt("usage: parapet %s %s", c[i].w1, c[i].w2);
		H_CONTAINS(p.out, u);
		H_CONTAINS(p.out, c[i].want);
		free(u);
		h_proc_free(&p);
	}
	/* --help does nothing else: no user was created. */
	struct h_proc p;
	RUN(&p, PW "\n", "user", "add", "ghost", "--role", "admin", "--password-stdin", "--help");
	expect_exit(&p, 0, "user add --help");
	h_proc_free(&p);
	RUN(&p, NULL, "user", "list");
	expect_exit(&p, 0, "user list");
	assert_null(strstr(p.out, "ghost"));
	h_proc_free(&p);
}

static void test_unknown_command_and_usage_errors(void **state)
{
	(void)state;
	struct h_proc p;
	RUN(&p, NULL, "frobnicate");
	expect_exit(&p, 64, "unknown command");
	H_CONTAINS(p.err, "unknown command frobnicate");
	h_proc_free(&p);
	RUN(&p, NULL, "org");
	expect_exit(&p, 64, "incomplete command");
	h_proc_free(&p);
	RUN(&p, NULL, "--colour", "help");
	expect_exit(&p, 64, "unknown global option");
	H_CONTAINS(p.err, "--colour");
	h_proc_free(&p);
	/* Missing required options or arguments: usage, exit 2. */
	RUN(&p, PW "\n", "user", "add", "nobody", "--password-stdin");
	expect_exit(&p, 64, "user add without --role");
	H_CONTAINS(p.err, "usage: parapet user add");
	h_proc_free(&p);
	RUN(&p, NULL, "asset", "add", "1", "cidr");
	expect_exit(&p, 64, "asset add without value");
	h_proc_free(&p);
	RUN(&p, NULL, "org", "show", "one");
	expect_exit(&p, 64, "org show with a non-id");
	H_CONTAINS(p.err, "not an id");
	h_proc_free(&p);
	RUN(&p, NULL, "token", "add", "x", "--name");
	expect_exit(&p, 64, "token add --name without value");
	h_proc_free(&p);
}

/* Global options are global: after the command as well as before it. */
static void test_global_options_anywhere(void **state)
{
	(void)state;
	h_org_add(dir, "Org Json", "Tehran");
	struct h_proc p;
	RUN(&p, NULL, "org", "list", "--json");
	expect_exit(&p, 0, "org list --json");
	json_error_t je;
	json_t *j = json_loads(p.out, 0, &je);
	if (!json_is_array(j) || json_array_size(j) != 1)
		fail_msg("org list --json printed no JSON array of one: %s", p.out);
	assert_string_equal(h_jstr(json_array_get(j, 0), "name"), "Org Json");
	json_decref(j);
	h_proc_free(&p);
	/* --data after the command names the directory too */
	char *other = h_fmt("%s/other", dir);
	h_migrate(other);
	const char *argv[] = { h_bin(), "org", "list", "--json", "--data", other, NULL };
	h_run(&p, NULL, NULL, argv);
	expect_exit(&p, 0, "org list --json --data OTHER");
	assert_string_equal(p.out, "[]\n");
	h_proc_free(&p);
	free(other);
	/* the version meson builds with */
	const char *forms[][2] = { { "--version", NULL }, { "version", NULL } };
	for (size_t i = 0; i < 2; i++) {
		const char *v[] = { h_bin(), forms[i][0], NULL };
		h_run(&p, NULL, NULL, v);
		expect_exit(&p, 0, forms[i][0]);
		int a, b, c2;
		char nl;
		if (sscanf(p.out, "parapet %d.%d.%d%c", &a, &b, &c2, &nl) != 4 || nl != '\n')
			fail_msg("%s printed %s", forms[i][0], p.out);
		h_proc_free(&p);
	}
}

/* incident list refuses a status or severity it does not know (naming the
** option and the values it takes) instead of listing nothing, and takes
** `open` for every open state. */
static void test_incident_list_filter_values(void **state)
{
	(void)state;
	int64_t org = h_org_add(dir, "Org Inc", "Tehran");
	char *o = h_fmt("%lld", (long long)org);
	struct h_proc p;
	RUN(&p, NULL, "incident", "add", o, "still open", "--severity", "high");
	expect_exit(&p, 0, "incident add");
	h_proc_free(&p);
	RUN(&p, NULL, "incident", "add", o, "turned down");
	expect_exit(&p, 0, "incident add");
	h_proc_free(&p);
	RUN(&p, NULL, "incident", "transition", "2", "rejected");
	expect_exit(&p, 0, "incident transition");
	h_proc_free(&p);
	free(o);
	static const struct {
		const char *opt, *value, *says;
	} bad[] = {
		{ "--status", "bogus", "status must be open" },
		{ "--status", "new,bogus", "new, triaged, in_progress, contained, recovered" },
		/* refused by the command table before the domain sees it */
		{ "--severity", "urgent", "--severity must be one of low, medium, high, critical" },
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		RUN(&p, NULL, "incident", "list", bad[k].opt, bad[k].value);
		expect_exit(&p, k < 2 ? EX_DATAERR : EX_USAGE, bad[k].value);
		H_CONTAINS(p.err, bad[k].says);
		assert_string_equal(p.out, "");
		h_proc_free(&p);
	}
	RUN(&p, NULL, "--json", "incident", "list", "--status", "open");
	expect_exit(&p, 0, "incident list --status open");
	json_t *j = json_loads(p.out, 0, NULL);
	assert_int_equal(json_array_size(j), 1);
	assert_string_equal(h_jstr(json_array_get(j, 0), "title"), "still open");
	json_decref(j);
	h_proc_free(&p);
	RUN(&p, NULL, "--json", "incident", "list", "--status", "rejected,new", "--severity",
	    "medium");
	expect_exit(&p, 0, "incident list --status rejected,new --severity medium");
	j = json_loads(p.out, 0, NULL);
	assert_int_equal(json_array_size(j), 1);
	assert_string_equal(h_jstr(json_array_get(j, 0), "title"), "turned down");
	json_decref(j);
	h_proc_free(&p);
}

/* The owner index of a small registry is small (the demo's 45 assets built
** a 64 MiB index), and its rebuild -- which every CLI lookup does -- is
** logged only at debug level. */
static void test_owner_index_sized_to_registry(void **state)
{
	(void)state;
	struct h_proc p;
	char *csv = strdup("organisation,province,sector,parent,kind,value,name,email,phone,role,"
			   "lang,pgp\n");
	for (int o = 0; o < 3; o++) {
		for (int k = 0; k < 15; k++) {
			char *v = k < 10  ? h_fmt("cidr,10.%d.%d.0/24", o, k)
				  : k < 12 ? h_fmt("cidr,2001:db8:%x:%x::/64", o, k)
				  : k < 14 ? h_fmt("domain,s%d.org%d.example", k, o)
					   : h_fmt("asn,AS%d", 64500 + o);
			char *row = h_fmt("%sOrg %d,Tehran,,,%s,,,,,,\n", csv, o, v);
			free(csv);
			free(v);
			csv = row;
		}
	}
	char *f = h_write_file(dir, "45.csv", csv);
	free(csv);
	RUN(&p, NULL, "import", "constituency", f);
	expect_exit(&p, 0, "import 45 assets");
	h_proc_free(&p);
	free(f);
	const char *argv[] = { h_bin(), "--data", dir, "lookup", "10.1.7.9", NULL };
	const char *const debug[] = { "PARAPET_LOG_LEVEL=debug", NULL };
	h_run(&p, NULL, debug, argv);
	expect_exit(&p, 0, "lookup");
	H_CONTAINS(p.out, "Org 1");
	const char *line = strstr(p.err, "owner index rebuilt");
	if (!line)
		fail_msg("no rebuild logged at debug level: %s", p.err);
	long long assets = 0, bytes = 0;
	if (sscanf(line, "owner index rebuilt: generation %*d, %lld assets, %lld bytes", &assets,
		   &bytes) != 2)
		fail_msg("unexpected rebuild line: %s", line);
	assert_int_equal(assets, 45);
	if (bytes <= 0 || bytes >= 1 << 20)
		fail_msg("owner index of 45 assets is %lld bytes", bytes);
	h_proc_free(&p);
	/* at the default level, a lookup prints its answer and nothing else */
	RUN(&p, NULL, "lookup", "10.1.7.9");
	expect_exit(&p, 0, "lookup");
	assert_null(strstr(p.err, "owner index"));
	h_proc_free(&p);
}

/* The README's first command on a fresh machine: `serve --create --demo`
** on an empty directory loads the demo (a subsidiary's domain under its
** parent's is an overlap it means) and answers. */
static void test_demo_loads_on_fresh_data(void **state)
{
	(void)state;
	char *fresh = h_fmt("%s/demo", dir);
	const char *argv[] = { "timeout", "-s", "TERM", "4", h_bin(), "--data", fresh, "serve",
			       "--create", "--demo", "--listen", "127.0.0.1:0", NULL };
	struct h_proc p;
	h_run(&p, NULL, NULL, argv);
	H_CONTAINS(p.out, "demo constituency loaded");
	H_CONTAINS(p.out, "admin password (shown once)");
	H_CONTAINS(p.out, "listening on");
	h_proc_free(&p);
	free(fresh);
}

/* A mistyped --data must fail, naming the path, never start an empty
** database: only migrate and serve --create make one. */
static void test_missing_database_is_not_created(void **state)
{
	(void)state;
	char *typo = h_fmt("%s/typo", dir), *db = h_fmt("%s/typo/parapet.db", dir);
	static const char *const cmds[][3] = {
		{ "lookup", "192.0.2.1", NULL }, { "user", "list", NULL },
		{ "org", "list", NULL },         { "incident", "list", NULL },
		{ "audit", "verify", NULL },      { "watch", "sites", NULL },
	};
	struct h_proc p;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const char *argv[] = { h_bin(), "--data", typo, cmds[i][0], cmds[i][1], cmds[i][2],
				       NULL };
		h_run(&p, NULL, NULL, argv);
		expect_exit(&p, 66, cmds[i][0]); /* EX_NOINPUT */
		H_CONTAINS(p.err, db);
		H_CONTAINS(p.err, "no database");
		h_proc_free(&p);
		if (access(typo, F_OK) == 0)
			fail_msg("parapet %s %s created %s", cmds[i][0], cmds[i][1], typo);
	}
	/* an existing directory without a database: the same, and no file */
	mkdir(typo, 0700);
	const char *serve[] = { "timeout", "10", h_bin(), "--data", typo, "serve", "--listen",
				"127.0.0.1:0", NULL };
	h_run(&p, NULL, NULL, serve);
	expect_exit(&p, 66, "serve without --create");
	H_CONTAINS(p.err, db);
	assert_null(strstr(p.out, "listening"));
	h_proc_free(&p);
	if (access(db, F_OK) == 0)
		fail_msg("serve created %s", db);
	/* serve --create makes it (and answers until stopped) */
	const char *create[] = { "timeout", "-s", "TERM", "3", h_bin(), "--data", typo, "serve",
				 "--create", "--listen", "127.0.0.1:0", NULL };
	h_run(&p, NULL, NULL, create);
	H_CONTAINS(p.out, "listening on");
	h_proc_free(&p);
	if (access(db, F_OK) != 0)
		fail_msg("serve --create made no %s", db);
	/* migrate makes one in a directory it creates */
	char *other = h_fmt("%s/other", dir);
	const char *mig[] = { h_bin(), "--data", other, "migrate", NULL };
	h_run(&p, NULL, NULL, mig);
	expect_exit(&p, 0, "migrate");
	h_proc_free(&p);
	const char *list[] = { h_bin(), "--data", other, "user", "list", NULL };
	h_run(&p, NULL, NULL, list);
	expect_exit(&p, 0, "user list after migrate");
	h_proc_free(&p);
	free(other);
	free(typo);
	free(db);
}

/* ------------------------------------------------------ users, tokens */

static void test_user_add_validation(void **state)
{
	(void)state;
	struct h_proc p;
	RUN(&p, "short\n", "user", "add", "shorty", "--role", "analyst", "--password-stdin");
	expect_exit(&p, 65, "short password");
	H_CONTAINS(p.err, "password");
	H_CONTAINS(p.err, "at least 12 characters");
	/* the field once: not "password: password must ..." */
	assert_string_equal(p.err, "parapet: password must have at least 12 characters\n");
	h_proc_free(&p);
	RUN(&p, "", "user", "add", "nopw", "--role", "analyst", "--password-stdin");
	expect_exit(&p, 65, "no password on stdin");
	h_proc_free(&p);
	RUN(&p, PW "\n", "user", "add", "Bad Login", "--role", "analyst", "--password-stdin");
	expect_exit(&p, 65, "bad login");
	H_CONTAINS(p.err, "login");
	h_proc_free(&p);
	RUN(&p, PW "\n", "user", "add", "bob", "--role", "wizard", "--password-stdin");
	expect_exit(&p, 65, "bad role");
	H_CONTAINS(p.err, "role");
	h_proc_free(&p);
	RUN(&p, PW "\n", "user", "add", "prov", "--role", "provincial", "--password-stdin");
	expect_exit(&p, 65, "provincial without province");
	H_CONTAINS(p.err, "province");
	h_proc_free(&p);
	RUN(&p, PW "\n", "user", "add", "cons", "--role", "constituent", "--org", "42",
	    "--password-stdin");
	expect_exit(&p, 65, "constituent of a missing org");
	H_CONTAINS(p.err, "42");
	h_proc_free(&p);
	/* None of them exists; a good one does, once. */
	RUN(&p, PW "\n", "user", "add", "alice", "--role", "analyst", "--password-stdin");
	expect_exit(&p, 0, "good user");
	h_proc_free(&p);
	RUN(&p, PW "\n", "user", "add", "alice", "--role", "analyst", "--password-stdin");
	expect_exit(&p, 65, "duplicate login");
	H_CONTAINS(p.err, "taken");
	h_proc_free(&p);
	RUN(&p, NULL, "user", "list");
	expect_exit(&p, 0, "user list");
	H_CONTAINS(p.out, "alice");
	const char *absent[] = { "shorty", "nopw", "Bad Login", "bob", "prov", "cons" };
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		char *col = h_fmt(" %s ", absent[i]);
		if (strstr(p.out, col))
			fail_msg("user %s was created: %s", absent[i], p.out);
		free(col);
	}
	h_proc_free(&p);
	/* A Persian passphrase of 12 characters is long enough (characters, not
	** bytes, count); 11 is not, however many bytes. */
	RUN(&p, "رمزعبورامن۱۲\n", "user", "add", "reza", "--role", "analyst",
	    "--password-stdin");
	expect_exit(&p, 0, "12-character Persian password");
	h_proc_free(&p);
	RUN(&p, "رمزعبورامن۱\n", "user", "add", "reza2", "--role", "analyst",
	    "--password-stdin");
	expect_exit(&p, 65, "11-character Persian password");
	h_proc_free(&p);
}

static void test_token_add_prints_one_line(void **state)
{
	(void)state;
	h_user_add(dir, "tok", "analyst", 0, NULL, PW);
	struct h_proc p;
	RUN(&p, NULL, "token", "add", "tok", "--name", "script", "--readonly");
	expect_exit(&p, 0, "token add");
	size_t n = strlen(p.out);
	assert_int_equal(n, 4 + 64 + 1);
	assert_memory_equal(p.out, "prt_", 4);
	for (size_t i = 4; i < 68; i++)
		if (!isxdigit((unsigned char)p.out[i]) || isupper((unsigned char)p.out[i]))
			fail_msg("token has a non-hex character: %s", p.out);
	assert_int_equal(p.out[68], '\n');
	char *first = strdup(p.out);
	h_proc_free(&p);
	/* Every token is new. */
	RUN(&p, NULL, "token", "add", "tok");
	expect_exit(&p, 0, "second token add");
	assert_string_not_equal(p.out, first);
	free(first);
	h_proc_free(&p);
	/* No token for a missing user, and nothing on stdout. */
	RUN(&p, NULL, "token", "add", "ghost");
	expect_exit(&p, 66, "token for a missing user");
	assert_string_equal(p.out, "");
	h_proc_free(&p);
	/* The token is never stored in clear. */
	char *rows;
	sql(dir, "SELECT count(*) FROM token WHERE hash LIKE 'prt_%'", &rows);
	assert_string_equal(rows, "0\n");
	free(rows);
}

/* ------------------------------------------------------------- import */

static const char good_csv[] =
	"organisation,province,sector,parent,kind,value,name,email,phone,role,lang,pgp\n"
	"Ministry of Roads,Tehran,government,,cidr,10.50.0.0/16,,,,,,\n"
	"Ministry of Roads,,,,domain,roads.example,,,,,,\n"
	"Ministry of Roads,,,,contact,,Sara Ahmadi,soc@roads.example,+98 21 0000,CISO,fa,\n"
	"Roads Agency,Fars,\"transport, roads\",Ministry of Roads,cidr,10.50.7.0/24,,,,,,\n"
	"Roads Agency,Fars,,,asn,AS64600,,,,,,\n";

static void test_import_good_csv(void **state)
{
	(void)state;
	char *f = h_write_file(dir, "good.csv", good_csv);
	struct h_proc p;
	/* the agency's network lies inside the ministry's: an overlap across
	** organisations, imported only when confirmed */
	RUN(&p, NULL, "import", "constituency", f, "--confirm-overlap");
	expect_exit(&p, 0, "import good.csv");
	H_CONTAINS(p.out, "imported 5 rows: 2 organisations, 4 assets, 1 contacts");
	H_CONTAINS(p.out, "2 assets overlap another organisation's"); /* each the other */
	h_proc_free(&p);
	free(f);
	/* The data is there and indexed: nested network to the agency. */
	RUN(&p, NULL, "lookup", "10.50.7.9");
	expect_exit(&p, 0, "lookup 10.50.7.9");
	H_CONTAINS(p.out, "Roads Agency");
	h_proc_free(&p);
	RUN(&p, NULL, "lookup", "10.50.8.9");
	expect_exit(&p, 0, "lookup 10.50.8.9");
	H_CONTAINS(p.out, "Ministry of Roads");
	h_proc_free(&p);
	RUN(&p, NULL, "lookup", "www.roads.example");
	expect_exit(&p, 0, "lookup www.roads.example");
	H_CONTAINS(p.out, "Ministry of Roads");
	h_proc_free(&p);
	RUN(&p, NULL, "lookup", "10.99.0.1");
	expect_exit(&p, 66, "lookup of an unowned address");
	h_proc_free(&p);
	RUN(&p, NULL, "--json", "org", "show", "2");
	expect_exit(&p, 0, "org show 2");
	json_t *j = json_loads(p.out, 0, NULL);
	assert_non_null(j);
	assert_string_equal(h_jstr(j, "name"), "Roads Agency");
	assert_string_equal(h_jstr(j, "sector"), "transport, roads");
	assert_int_equal(h_jint(j, "parent"), 1);
	assert_int_equal(json_array_size(json_object_get(j, "assets")), 2);
	json_decref(j);
	h_proc_free(&p);
	RUN(&p, NULL, "--json", "org", "show", "1");
	j = json_loads(p.out, 0, NULL);
	json_t *contacts = json_object_get(j, "contacts");
	assert_int_equal(json_array_size(contacts), 1);
	assert_string_equal(h_jstr(json_array_get(contacts, 0), "email"), "soc@roads.example");
	assert_string_equal(h_jstr(json_array_get(contacts, 0), "lang"), "fa");
	json_decref(j);
	h_proc_free(&p);
	/* Standard input works too, and re-importing the same rows conflicts
	** (every asset has one owner already), importing nothing. */
	RUN(&p, good_csv, "import", "constituency", "-");
	expect_exit(&p, 65, "re-import");
	H_CONTAINS(p.err, "line 2");
	H_CONTAINS(p.err, "nothing was imported");
	h_proc_free(&p);
	/* Every write is in the audit log (the two confirmed overlaps too), and
	** the chain is intact. */
	RUN(&p, NULL, "audit", "verify");
	expect_exit(&p, 0, "audit verify");
	H_CONTAINS(p.out, "intact: 9 entries");
	h_proc_free(&p);
}

static void test_import_bad_row_imports_nothing(void **state)
{
	(void)state;
	h_migrate(dir);
	char *before_orgs, *before_audit;
	sql(dir, "SELECT count(*) FROM org", &before_orgs);
	sql(dir, "SELECT count(*) FROM audit", &before_audit);
	/* Line 4 (the third data row) has host bits set. */
	const char *csv =
		"organisation,province,sector,parent,kind,value,name,email,phone,role,lang,pgp\n"
		"Ministry of Roads,Tehran,government,,cidr,10.50.0.0/16,,,,,,\n"
		"Ministry of Roads,,,,domain,roads.example,,,,,,\n"
		"Ministry of Roads,,,,cidr,10.60.1.2/16,,,,,,\n"
		"Roads Agency,Fars,,Ministry of Roads,asn,AS64600,,,,,,\n";
	char *f = h_write_file(dir, "bad.csv", csv);
	struct h_proc p;
	RUN(&p, NULL, "import", "constituency", f);
	expect_exit(&p, 65, "import bad.csv");
	H_CONTAINS(p.err, "line 4:");
	H_CONTAINS(p.err, "10.60.0.0/16");
	assert_null(strstr(p.err, "line 2:"));
	assert_null(strstr(p.err, "line 5:"));
	H_CONTAINS(p.err, "nothing was imported");
	h_proc_free(&p);
	free(f);
	char *after_orgs, *after_audit;
	sql(dir, "SELECT count(*) FROM org", &after_orgs);
	sql(dir, "SELECT count(*) FROM audit", &after_audit);
	assert_string_equal(after_orgs, before_orgs);
	assert_string_equal(after_audit, before_audit);
	free(after_orgs);
	free(after_audit);
	char *assets;
	sql(dir, "SELECT count(*) FROM asset", &assets);
	assert_string_equal(assets, "0\n");
	free(assets);
	RUN(&p, NULL, "lookup", "10.50.0.1");
	expect_exit(&p, 66, "lookup after failed import");
	h_proc_free(&p);

	/* Several bad rows: each one named. Unknown province, bad e-mail, unknown
	** parent, bad kind. */
	const char *csv2 =
		"organisation,province,sector,parent,kind,value,name,email,phone,role,lang,pgp\n"
		"Good Org,Tehran,,,domain,good.example,,,,,,\n"
		"Atlantis Org,Atlantis,,,,,,,,,,\n"
		"Good Org,,,,contact,,Ali,not-an-email,,,en,\n"
		"Orphan Org,Tehran,,Nobody,,,,,,,,\n"
		"Good Org,,,,router,10.0.0.0/8,,,,,,\n";
	f = h_write_file(dir, "bad2.csv", csv2);
	RUN(&p, NULL, "import", "constituency", f);
	expect_exit(&p, 65, "import bad2.csv");
	H_CONTAINS(p.err, "line 3:");
	H_CONTAINS(p.err, "line 4:");
	H_CONTAINS(p.err, "line 5:");
	H_CONTAINS(p.err, "line 6:");
	assert_null(strstr(p.err, "line 2:"));
	H_CONTAINS(p.err, "4 row(s) rejected");
	h_proc_free(&p);
	free(f);
	sql(dir, "SELECT count(*) FROM org", &after_orgs);
	assert_string_equal(after_orgs, before_orgs);
	free(after_orgs);
	free(before_orgs);
	free(before_audit);

	/* A bad header is line 1. */
	f = h_write_file(dir, "bad3.csv", "organisation,provence\nX,Tehran\n");
	RUN(&p, NULL, "import", "constituency", f);
	expect_exit(&p, 65, "import bad3.csv");
	H_CONTAINS(p.err, "line 1:");
	H_CONTAINS(p.err, "provence");
	h_proc_free(&p);
	free(f);
	/* A missing file is an error, not an empty import. */
	RUN(&p, NULL, "import", "constituency", "/nonexistent/file.csv");
	expect_exit(&p, 66, "import of a missing file");
	h_proc_free(&p);
}

/* -------------------------------------------------------------- audit */

/* A data directory whose audit log has 6 entries. */
static void audited(const char *d)
{
	h_migrate(d);
	h_org_add(d, "Org One", "Tehran");
	h_org_add(d, "Org Two", "Fars");
	h_org_add(d, "Org Three", "Qom");
	h_user_add(d, "auditor", "admin", 0, NULL, PW);
	free(h_token_add(d, "auditor", NULL));
	struct h_proc p;
	h_cli(&p, d, NULL, "asset", "add", "1", "cidr", "10.8.0.0/16", NULL);
	expect_exit(&p, 0, "asset add");
	h_proc_free(&p);
	h_cli(&p, d, NULL, "audit", "verify", NULL);
	expect_exit(&p, 0, "audit verify (intact)");
	H_CONTAINS(p.out, "audit log intact: 6 entries");
	h_proc_free(&p);
}

static void expect_broken(const char *d, const char *tamper, int64_t bad_seq,
			  const char *problem)
{
	sql(d, tamper, NULL);
	struct h_proc p;
	h_cli(&p, d, NULL, "audit", "verify", NULL);
	if (p.status == 0)
		fail_msg("audit verify passed after: %s\n%s", tamper, p.out);
	expect_exit(&p, 65, tamper);
	char *at = h_fmt("broken at entry %lld", (long long)bad_seq);
	H_CONTAINS(p.err, at);
	H_CONTAINS(p.err, problem);
	free(at);
	h_proc_free(&p);
	h_cli(&p, d, NULL, "--json", "audit", "verify", NULL);
	expect_exit(&p, 65, "audit verify --json");
	json_t *j = json_loads(p.out, 0, NULL);
	assert_non_null(j);
	assert_true(json_is_false(json_object_get(j, "intact")));
	assert_int_equal(h_jint(j, "bad_seq"), bad_seq);
	json_decref(j);
	h_proc_free(&p);
}

static void test_audit_verify_detects_tampering(void **state)
{
	(void)state;
	/* An edited entry. */
	char *d1 = h_fmt("%s/edit", dir);
	audited(d1);
	expect_broken(d1, "UPDATE audit SET after='{\"name\":\"forged\"}' WHERE seq=2", 2,
		      "entry 2 was edited");
	free(d1);

	/* An edit of who did it. */
	char *d1b = h_fmt("%s/actor", dir);
	audited(d1b);
	expect_broken(d1b, "UPDATE audit SET actor='cli:someone-else' WHERE seq=5", 5,
		      "entry 5 was edited");
	free(d1b);

	/* A deleted entry. */
	char *d2 = h_fmt("%s/delete", dir);
	audited(d2);
	expect_broken(d2, "DELETE FROM audit WHERE seq=3", 4, "entries 3 to 3 were deleted");
	free(d2);

	/* An inserted entry at the end, chained to the last one's hash but with a
	** made-up hash of its own. */
	char *d3 = h_fmt("%s/insert", dir);
	audited(d3);
	expect_broken(d3,
		      "INSERT INTO audit(seq, ts_ms, actor, action, object, before, after, "
		      "prev_hash, hash) SELECT seq + 1, ts_ms + 1, 'cli:mallory', 'org.delete', "
		      "'org:1', '', '', hash, hash FROM audit WHERE seq = 6",
		      7, "entry 7 was edited");
	free(d3);

	/* An entry relinked to another place in the chain: the link is part of
	** what its hash covers. */
	char *d4 = h_fmt("%s/replace", dir);
	audited(d4);
	expect_broken(d4,
		      "UPDATE audit SET prev_hash = (SELECT prev_hash FROM audit WHERE seq = 2) "
		      "WHERE seq = 4",
		      4, "entry 4 was edited");
	free(d4);

	/* Renumbered entries (3 deleted, later ones shifted down) show as well. */
	char *d5 = h_fmt("%s/renumber", dir);
	audited(d5);
	expect_broken(d5,
		      "DELETE FROM audit WHERE seq=3; UPDATE audit SET seq = seq - 1 WHERE seq > 3",
		      3, "entry 3 was edited");
	free(d5);
}

/* --------------------------------------------------------- migrations */

static void test_migrate_refuses_newer_schema(void **state)
{
	(void)state;
	h_migrate(dir);
	struct h_proc p;
	RUN(&p, NULL, "migrate");
	expect_exit(&p, 0, "second migrate");
	H_CONTAINS(p.out, "0 migration(s) applied");
	h_proc_free(&p);
	sql(dir, "PRAGMA user_version=99", NULL);
	RUN(&p, NULL, "migrate");
	if (p.status == 0)
		fail_msg("migrate accepted a schema from the future: %s", p.out);
	H_CONTAINS(p.err, "99");
	H_CONTAINS(p.err, "newer");
	h_proc_free(&p);
	/* Nothing was changed, and other commands refuse as well. */
	char *v;
	sql(dir, "PRAGMA user_version", &v);
	assert_string_equal(v, "99\n");
	free(v);
	RUN(&p, NULL, "org", "list");
	assert_int_not_equal(p.status, 0);
	H_CONTAINS(p.err, "newer");
	h_proc_free(&p);
	/* serve must refuse too (bounded by timeout(1) in case it does not). */
	const char *serve[] = { "timeout", "10", h_bin(), "--data", dir, "serve", "--listen",
				"127.0.0.1:0", NULL };
	h_run(&p, NULL, NULL, serve);
	assert_int_not_equal(p.status, 0);
	assert_int_not_equal(p.status, 124);
	assert_null(strstr(p.out, "listening"));
	h_proc_free(&p);
}

/* ------------------------------------------------------------- config */

static void check_config(const char *text, int want, const char *const *needles)
{
	char *f = h_write_file(dir, "parapet.conf", text);
	struct h_proc p;
	RUN(&p, NULL, "--config", f, "check-config");
	expect_exit(&p, want, text);
	for (const char *const *n = needles; n && *n; n++)
		H_CONTAINS(want ? p.err : p.out, *n);
	/* A message that points at a line names the file too. */
	for (const char *const *n = needles; want && n && *n; n++)
		if ((*n)[0] == ':')
			H_CONTAINS(p.err, f);
	h_proc_free(&p);
	free(f);
}

static void test_check_config(void **state)
{
	(void)state;
	const char *ok[] = { "configuration ok", NULL };
	check_config("[http]\nthreads = 8\n\n[auth]\npassword_min = 14\n", 0, ok);
	const char *unknown[] = { ":3:", "unknown key http.colour", NULL };
	check_config("[http]\nthreads = 4\ncolour = blue\nmax_body = 4096\n", 78, unknown);
	const char *section[] = { ":3:", "unknown key nosuch.key", NULL };
	check_config("# comment\n[nosuch]\nkey = 1\n", 78, section);
	const char *range[] = { ":2:", "http.threads", "0 to 256", NULL };
	check_config("[http]\nthreads = 300\n", 78, range);
	const char *boolv[] = { ":4:", "http.tls", NULL };
	check_config("[http]\n\n\ntls = maybe\n", 78, boolv);
	const char *level[] = { "log.level", NULL };
	check_config("[log]\nlevel = chatty\n", 78, level);
	/* --dump prints every key with its effective value. */
	char *f = h_write_file(dir, "dump.conf", "[auth]\npassword_min = 20\n");
	struct h_proc p;
	RUN(&p, NULL, "--config", f, "check-config", "--dump");
	expect_exit(&p, 0, "check-config --dump");
	H_CONTAINS(p.out, "password_min = 20");
	H_CONTAINS(p.out, "[http]");
	H_CONTAINS(p.out, "login_max_failures = 5");
	h_proc_free(&p);
	free(f);
	/* A missing file is an error, not the defaults. */
	RUN(&p, NULL, "--config", "/nonexistent/parapet.conf", "check-config");
	expect_exit(&p, 78, "missing config file");
	h_proc_free(&p);
	/* Environment overrides are validated the same way. */
	const char *argv[] = { h_bin(), "--data", dir, "check-config", NULL };
	const char *env[] = { "PARAPET_HTTP_THREADS=zero", NULL };
	h_run(&p, NULL, env, argv);
	expect_exit(&p, 78, "bad environment override");
	H_CONTAINS(p.err, "PARAPET_HTTP_THREADS");
	h_proc_free(&p);
}

/* `route add` refuses a kind longer than the store keeps instead of cutting
** it (issue 13: 62 x "k" and "é" was cut to 63 bytes ending in half a
** character, and the API then left the rule out of its list). The CLI and
** the API call the same domain function. */
static void test_route_add_refuses_long_kind(void **state)
{
	(void)state;
	struct h_proc p;
	RUN(&p, NULL, "team", "add", "rapid");
	expect_exit(&p, 0, "team add");
	h_proc_free(&p);
	char k62[63];
	memset(k62, 'k', 62);
	k62[62] = '\0';
	char *kind = h_fmt("%s\xc3\xa9", k62);
	RUN(&p, NULL, "route", "add", "--team", "1", "--kind", kind);
	if (p.status == 0)
		fail_msg("route add with a 64-byte kind: exit 0, expected a refusal\n%s", p.out);
	H_CONTAINS(p.err, "kind");
	h_proc_free(&p);
	free(kind);
	/* 63 bytes fit and are kept whole; the refused rule was not stored. */
	kind = h_fmt("%s\xc3\xa9", k62 + 1);
	RUN(&p, NULL, "route", "add", "--team", "1", "--kind", kind);
	expect_exit(&p, 0, "route add with a 63-byte kind");
	h_proc_free(&p);
	char *out = NULL;
	sql(dir, "SELECT count(*), hex(kind) = hex(CAST(printf('%.61c', 'k') || 'é' AS TEXT)) "
		 "FROM route_rule", &out);
	assert_string_equal(out, "1|1\n");
	free(out);
	free(kind);
}

/* ------------------------------------------------- the dispatcher (13) */

/* Every command's options come from its table entry: an unknown one is a
** usage error (64) with the command's usage, never silently ignored. */
static void test_unknown_option_is_usage_error(void **state)
{
	(void)state;
	struct h_proc p;
	RUN(&p, NULL, "incident", "list", "--frobnicate");
	expect_exit(&p, EX_USAGE, "incident list --frobnicate");
	H_CONTAINS(p.err, "unknown option --frobnicate");
	H_CONTAINS(p.err, "usage: parapet incident list");
	assert_string_equal(p.out, "");
	h_proc_free(&p);
	RUN(&p, NULL, "org", "list", "--provinec", "Tehran");
	expect_exit(&p, EX_USAGE, "org list --provinec");
	H_CONTAINS(p.err, "--provinec");
	h_proc_free(&p);
}

/* Enumerated options are checked against the table: `--status bogus` and
** `--severity urgent` used to print nothing and exit 0, as if no incident
** matched. The message names the option and every allowed value. */
static void test_enumerated_values_refused(void **state)
{
	(void)state;
	struct h_proc p;
	/* a status is a state, a list of them or "open": the domain's filter
	** rule, the API's too, refuses it (invalid input) naming the values */
	RUN(&p, NULL, "incident", "list", "--status", "bogus");
	expect_exit(&p, EX_DATAERR, "incident list --status bogus");
	H_CONTAINS(p.err, "status must be open");
	H_CONTAINS(p.err, "new, triaged, in_progress, contained, recovered");
	h_proc_free(&p);
	RUN(&p, NULL, "incident", "list", "--severity", "urgent");
	expect_exit(&p, EX_USAGE, "incident list --severity urgent");
	H_CONTAINS(p.err, "--severity must be one of low, medium, high, critical; not urgent");
	h_proc_free(&p);
	/* and the allowed values work */
	RUN(&p, NULL, "incident", "list", "--status", "triaged", "--severity", "critical");
	expect_exit(&p, 0, "incident list --status triaged --severity critical");
	h_proc_free(&p);
}

/* --json, --data and --config count wherever they are on the line. */
static void test_global_options_after_command(void **state)
{
	(void)state;
	struct h_proc p;
	RUN(&p, NULL, "org", "add", "Acme", "--province", "Tehran");
	expect_exit(&p, 0, "org add");
	h_proc_free(&p);
	RUN(&p, NULL, "incident", "add", "1", "web defaced", "--severity", "high");
	expect_exit(&p, 0, "incident add");
	h_proc_free(&p);
	const char *argv[] = { h_bin(), "incident", "list", "--data", dir, "--json", NULL };
	h_run(&p, NULL, NULL, argv);
	expect_exit(&p, 0, "incident list --data DIR --json");
	json_t *j = json_loads(p.out, 0, NULL);
	if (!json_is_array(j) || json_array_size(j) != 1)
		fail_msg("incident list --json: not a list of one incident: %s", p.out);
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "title")),
			    "web defaced");
	json_decref(j);
	h_proc_free(&p);
}

/* A group name lists the group's commands: as a usage error alone, as help
** with --help or after `help`. */
static void test_group_help(void **state)
{
	(void)state;
	static const char *const words[] = { "incident list", "incident add",
					     "incident transition", "incident evidence" };
	struct h_proc p;
	RUN(&p, NULL, "incident");
	expect_exit(&p, EX_USAGE, "parapet incident");
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		H_CONTAINS(p.err, words[i]);
	assert_null(strstr(p.err, "unknown command"));
	assert_null(strstr(p.err, "org add")); /* only the group */
	h_proc_free(&p);
	RUN(&p, NULL, "incident", "--help");
	expect_exit(&p, 0, "parapet incident --help");
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		H_CONTAINS(p.out, words[i]);
	h_proc_free(&p);
	RUN(&p, NULL, "help", "incident");
	expect_exit(&p, 0, "parapet help incident");
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		H_CONTAINS(p.out, words[i]);
	h_proc_free(&p);
	/* one command's help lists its options and their values */
	RUN(&p, NULL, "help", "incident", "list");
	expect_exit(&p, 0, "parapet help incident list");
	H_CONTAINS(p.out, "usage: parapet incident list");
	H_CONTAINS(p.out, "--severity S");
	H_CONTAINS(p.out, "low, medium, high, critical");
	h_proc_free(&p);
}

static void test_version(void **state)
{
	(void)state;
	struct h_proc p;
	RUN(&p, NULL, "--version");
	expect_exit(&p, 0, "parapet --version");
	unsigned a, b, c;
	if (sscanf(p.out, "parapet %u.%u.%u\n", &a, &b, &c) != 3)
		fail_msg("parapet --version: %s", p.out);
	h_proc_free(&p);
}

/* A writing command runs in one transaction: when a later write fails, the
** earlier ones are rolled back. A trigger makes the audit entry (written
** after the organisation) fail; the organisation must not be left behind.
** With --json the failure is a JSON object on stderr and stdout is empty. */
static void test_failed_write_leaves_nothing(void **state)
{
	(void)state;
	struct h_proc p;
	RUN(&p, NULL, "migrate");
	expect_exit(&p, 0, "migrate");
	h_proc_free(&p);
	sql(dir, "CREATE TRIGGER no_audit BEFORE INSERT ON audit "
		 "BEGIN SELECT RAISE(ABORT, 'audit refused'); END;", NULL);
	RUN(&p, NULL, "--json", "org", "add", "Ghost", "--province", "Tehran");
	if (p.status == 0)
		fail_msg("org add with the audit log refusing: exit 0\n%s", p.out);
	assert_string_equal(p.out, "");
	/* the last line of stderr (log lines may come before it) */
	const char *last = strstr(p.err, "{\"error\"");
	json_t *j = last ? json_loads(last, 0, NULL) : NULL;
	json_t *e = json_object_get(j, "error");
	if (!e)
		fail_msg("--json failure is not a JSON error object: %s", p.err);
	assert_int_equal(h_jint(e, "exit"), p.status);
	assert_non_null(json_string_value(json_object_get(e, "message")));
	json_decref(j);
	h_proc_free(&p);
	char *out = NULL;
	sql(dir, "SELECT count(*) FROM org WHERE name = 'Ghost'", &out);
	assert_string_equal(out, "0\n");
	free(out);
}


/* ------------------------------------------------- watch analyze --own */

/* The signal or observation of the verdict about host, NULL when none. */
static json_t *verdict_entry(json_t *v, const char *host)
{
	const char *keys[] = { "signals", "observations" };
	for (int k = 0; k < 2; k++) {
		size_t i;
		json_t *s;
		json_array_foreach(json_object_get(v, keys[k]), i, s)
			if (json_is_string(json_object_get(s, "host")) &&
			    strcmp(json_string_value(json_object_get(s, "host")), host) == 0)
				return s;
	}
	return NULL;
}

/* `watch analyze` with the site's organisation's domains (--own, repeated
** or a comma list) and a constituency (--data): usage errors are 64, a
** missing data directory 66, the database is only read, and the verdict
** names the owner of a host another organisation owns. */
static void test_watch_analyze_owners(void **state)
{
	(void)state;
	struct h_proc p;
	char *csv = h_write_file(dir, "c.csv",
				 "organisation,province,sector,kind,value\n"
				 "Ministry of Roads,Tehran,government,domain,mrud.gov.ir\n"
				 "Ministry of Roads,,,url,https://www.mrud.gov.ir/\n"
				 "Central Bank,Tehran,finance,domain,shaparak.ir\n");
	RUN(&p, NULL, "import", "constituency", csv);
	expect_exit(&p, 0, "import constituency");
	h_proc_free(&p);
#define PAGE                                                                                  \
	"<html><head><title>Ministry of Roads</title></head><body><h1>News</h1>"               \
	"<p>The ministry opened three new roads in Fars province this week and more will "     \
	"follow next month across the country.</p>%s</body></html>"
	char *b = h_fmt(PAGE, "<script src=\"/js/app.js\"></script>");
	char *n = h_fmt(PAGE, "<script src=\"/js/app.js\"></script>"
			      "<script src=\"https://ipg.shaparak.ir/pay.js\"></script>");
#undef PAGE
	char *base = h_write_file(dir, "base.html", b);
	char *now = h_write_file(dir, "new.html", n);
	char *audit0 = NULL, *audit1 = NULL;
	sql(dir, "SELECT count(*), (SELECT value FROM meta WHERE key = 'asset_generation') "
		 "FROM audit", &audit0);

	/* --data: the owner of ipg.shaparak.ir is known, and nothing is written */
	RUN(&p, NULL, "watch", "analyze", "--url", "https://www.mrud.gov.ir/", "--own",
	    "mrud.ir", base, "--", now);
	expect_exit(&p, 0, "watch analyze --data");
	json_error_t je;
	json_t *v = json_loads(p.out, 0, &je);
	if (!v || !json_is_integer(json_object_get(v, "score")))
		fail_msg("watch analyze: not a verdict: %s", p.out);
	/* the judge names the host's owner, and a state body's service is an
	** observation: no alarm */
	json_t *e = verdict_entry(v, "ipg.shaparak.ir");
	if (!e)
		fail_msg("watch analyze --data: ipg.shaparak.ir not in the verdict: %s", p.out);
	assert_string_equal(json_string_value(json_object_get(e, "category")), "constituency");
	H_CONTAINS(json_string_value(json_object_get(e, "detail")), "Central Bank");
	assert_true(json_integer_value(json_object_get(v, "score")) < 30);
	assert_int_equal(json_array_size(json_object_get(v, "signals")), 0);
	json_decref(v);
	h_proc_free(&p);

	/* without the constituency the same script is an alarm (a payment
	** gateway's host is known only for forms) */
	const char *bare[] = { h_bin(), "watch", "analyze", "--url", "https://www.mrud.gov.ir/",
			       base, "--", now, NULL };
	h_run(&p, NULL, NULL, bare);
	expect_exit(&p, 0, "watch analyze without --data");
	v = json_loads(p.out, 0, &je);
	if (!v)
		fail_msg("watch analyze: not a verdict: %s", p.out);
	e = verdict_entry(v, "ipg.shaparak.ir");
	if (!e)
		fail_msg("watch analyze: ipg.shaparak.ir not in the verdict: %s", p.out);
	assert_true(json_array_size(json_object_get(v, "signals")) >= 1);
	assert_string_equal(json_string_value(json_object_get(e, "category")), "payment");
	assert_true(json_integer_value(json_object_get(v, "score")) >= 30);
	json_decref(v);
	h_proc_free(&p);
	sql(dir, "SELECT count(*), (SELECT value FROM meta WHERE key = 'asset_generation') "
		 "FROM audit", &audit1);
	assert_string_equal(audit0, audit1);

	/* without --data: --own repeated and as a comma list */
	const char *own_rep[] = { h_bin(), "watch", "analyze", "--own", "mrud.ir", "--own",
				  "maskan.ir,shaparak.ir", base, "--", now, NULL };
	h_run(&p, NULL, NULL, own_rep);
	expect_exit(&p, 0, "watch analyze --own --own");
	h_proc_free(&p);

	/* a bad --own is a usage error, the second of two too */
	const char *bad[] = { "ir", "mrud..ir", "mrud.ir,", "", "203.0.113.9" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *argv[] = { h_bin(), "watch", "analyze", "--own", "mrud.ir", "--own",
				       bad[i], base, "--", now, NULL };
		h_run(&p, NULL, NULL, argv);
		expect_exit(&p, 64, bad[i]);
		H_CONTAINS(p.err, "--own");
		H_CONTAINS(p.err, "usage: parapet watch analyze");
		assert_string_equal(p.out, "");
		h_proc_free(&p);
	}

	/* a --data that holds no database: 66, and none is made */
	char *nowhere = h_fmt("%s/nowhere", dir);
	const char *missing[] = { h_bin(), "--data", nowhere, "watch", "analyze", base, "--", now,
				  NULL };
	h_run(&p, NULL, NULL, missing);
	expect_exit(&p, 66, "watch analyze --data nowhere");
	H_CONTAINS(p.err, "no database");
	h_proc_free(&p);
	struct stat sb;
	assert_int_not_equal(stat(nowhere, &sb), 0);

	/* the help names the option and that it repeats */
	RUN(&p, NULL, "watch", "analyze", "--help");
	expect_exit(&p, 0, "watch analyze --help");
	H_CONTAINS(p.out, "[--own DOMAIN]...");
	h_proc_free(&p);
	free(nowhere);
	free(audit0);
	free(audit1);
	free(b);
	free(n);
	free(base);
	free(now);
	free(csv);
}

int main(void)
{
	h_init();
#define T(f) cmocka_unit_test_setup_teardown(f, mkdir_setup, mkdir_teardown)
	const struct CMUnitTest tests[] = {
		T(test_help_lists_commands),
		T(test_command_help),
		T(test_unknown_command_and_usage_errors),
		T(test_global_options_anywhere),
		T(test_group_help),
		T(test_missing_database_is_not_created),
		T(test_incident_list_filter_values),
		T(test_owner_index_sized_to_registry),
		T(test_demo_loads_on_fresh_data),
		T(test_user_add_validation),
		T(test_token_add_prints_one_line),
		T(test_import_good_csv),
		T(test_import_bad_row_imports_nothing),
		T(test_audit_verify_detects_tampering),
		T(test_migrate_refuses_newer_schema),
		T(test_check_config),
		T(test_route_add_refuses_long_kind),
		T(test_unknown_option_is_usage_error),
		T(test_enumerated_values_refused),
		T(test_global_options_after_command),
		T(test_group_help),
		T(test_version),
		T(test_failed_write_leaves_nothing),
		T(test_watch_analyze_owners),
	};
	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
