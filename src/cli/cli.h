/*
** cli.h — the `parapet` command line: global options and the command table.
**
** main.c parses the global options (--data, --config, --json) and finds the
** command in the table; commands.c implements each command on top of the
** same domain functions the API uses. Exit status: 0 done, 1 failed (the
** message says why), 2 usage error (an unknown option value too), 66
** (EX_NOINPUT) no database at --data.
*/
#ifndef PARAPET_CLI_H
#define PARAPET_CLI_H

#include <stdbool.h>

#include <jansson.h>
#include <stdint.h>

#include "config/config.h"
#include "store/store.h"

struct cli {
	const char *data_dir;
	const char *config_path;
	bool json;
	bool create;    /* cli_open may make a new database (serve --create) */
	int exit_status; /* when set, main exits with it instead of a command's 1 */
	struct config cfg;
	char db_path[1100];
};

struct cli_cmd {
	const char *name;  /* "org add" */
	int (*run)(struct cli *c, int argc, char **argv);
	const char *usage; /* arguments after the name */
	const char *help;  /* one line */
};

extern const struct cli_cmd cli_cmds[];

/* Open the database and apply migrations. Only with c->create are the data
** directory and the database made; otherwise a missing database is an error
** naming its path, and c->exit_status becomes EX_NOINPUT (66). */
int cli_open(struct cli *c, struct store **st);
/* Print err to stderr as "parapet: " and perr_text(), and return 1. */
int cli_fail(const struct perr *err);
int cli_usage(const struct cli_cmd *cmd);

/* The usage line of the command called name; returns 2 (usage error). */
int cli_usage_of(const char *name);
/* Value of option name ("--x VALUE"), or NULL; *bad when it has no value. */
const char *cli_opt(int argc, char **argv, const char *name, bool *bad);
bool cli_flag(int argc, char **argv, const char *name);
/* Positional arguments: not "--x" and not the value of an option in valued.
** Returns how many there are, storing at most max in out. When bad is not
** NULL, a "--x" in neither valued nor flags sets *bad (catches typos). */
int cli_positional(int argc, char **argv, const char *const *valued,
		   const char *const *flags, char **out, int max, bool *bad);
/* Parse a positive id, or print why not and return -1. */
int cli_id(const char *s, int64_t *id);
/* The audit actor of the local operator: "cli:$USER". */
void cli_actor(char *out, size_t n);
/* Print j indented, then release it. */
void cli_print_json(json_t *j);

/* Commands defined outside commands.c, for its table. */
int cmd_notify_test(struct cli *c, int argc, char **argv);
int cmd_outbox(struct cli *c, int argc, char **argv);
int cmd_webhook_add(struct cli *c, int argc, char **argv);
int cmd_webhook_list(struct cli *c, int argc, char **argv);
int cmd_webhook_rm(struct cli *c, int argc, char **argv);
int cmd_incident_report(struct cli *c, int argc, char **argv);
int cmd_incident_create(struct cli *c, int argc, char **argv);
int cmd_incident_list(struct cli *c, int argc, char **argv);
int cmd_incident_show(struct cli *c, int argc, char **argv);
int cmd_incident_transition(struct cli *c, int argc, char **argv);
int cmd_incident_message(struct cli *c, int argc, char **argv);
int cmd_incident_assign(struct cli *c, int argc, char **argv);
int cmd_incident_merge(struct cli *c, int argc, char **argv);
int cmd_incident_link(struct cli *c, int argc, char **argv);
int cmd_incident_evidence(struct cli *c, int argc, char **argv);
int cmd_sla_sweep(struct cli *c, int argc, char **argv);
int cmd_team_add(struct cli *c, int argc, char **argv);
int cmd_team_member(struct cli *c, int argc, char **argv);
int cmd_team_lead(struct cli *c, int argc, char **argv);
int cmd_rota_add(struct cli *c, int argc, char **argv);
int cmd_route_add(struct cli *c, int argc, char **argv);
int cmd_user_email(struct cli *c, int argc, char **argv);
int cmd_import_report(struct cli *c, int argc, char **argv);
int cmd_feeds_parse(struct cli *c, int argc, char **argv);
int cmd_feeds_types(struct cli *c, int argc, char **argv);
int cmd_feeds_schema_update(struct cli *c, int argc, char **argv);
int cmd_feeds_digest(struct cli *c, int argc, char **argv);
int cmd_feeds_files(struct cli *c, int argc, char **argv);
int cmd_feeds_unowned(struct cli *c, int argc, char **argv);
int cmd_watch_analyze(struct cli *c, int argc, char **argv);
int cmd_watch_run(struct cli *c, int argc, char **argv);
int cmd_watch_sites(struct cli *c, int argc, char **argv);
int cmd_watch_checks(struct cli *c, int argc, char **argv);
int cmd_watch_set(struct cli *c, int argc, char **argv);
int cmd_watch_accept(struct cli *c, int argc, char **argv);

#endif
