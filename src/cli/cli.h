/*
** cli.h — the `parapet` command line: global options and the command table.
**
** main.c takes the global options (--data, --config, --json, anywhere on the
** line) and finds the command in the table; dispatch.c then does what every
** command would otherwise repeat: it parses the command's options from its
** table entry, opens the store, sets the actor, runs a writing command in
** one transaction and maps failures to exit codes (sysexits.h meanings,
** listed in dispatch.c). Commands call the same domain functions the API
** uses and only decode, call and render.
*/
#ifndef PARAPET_CLI_H
#define PARAPET_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <sysexits.h>

#include <jansson.h>
#include <stdint.h>

#include "config/config.h"
#include "store/store.h"

struct cli {
	const char *data_dir;
	bool data_given; /* --data was on the line (not the default ./var) */
	const char *config_path;
	bool json;
	bool create;    /* cli_open may make a new database (serve --create) */
	struct config cfg;
	char db_path[1100];
};

/* How the dispatcher treats the store for a command. */
enum cli_store {
	CLI_READ = 0, /* open the store; no transaction (reads, or one self-contained write) */
	CLI_WRITE,    /* open the store; run the command in ONE transaction: begun
		      ** before, committed on success, rolled back on failure */
	CLI_OWN_TX,   /* open the store; the domain function commits in its own
		      ** batches (imports, sweeps), so the command writes without ours */
	CLI_NO_STORE, /* never opened for the command (or opened by it: migrate, serve) */
};

/* One option of a command. arg NULL: a flag; else it takes a value, shown
** as arg in usage. values (nvalues of them): the only values accepted,
** checked by the dispatcher before the command runs. */
struct cli_opt {
	const char *name; /* "--status" */
	const char *arg;  /* "S", or NULL for a flag */
	const char *help;
	const char *const *values;
	size_t nvalues;
	bool required;
	bool repeat; /* may be given more than once: the command sees the values
		     ** joined with ',' (as if given once as a comma list) */
};

#define CLI_MAX_POS 80 /* watch analyze: up to 64 base pages and the new one */
#define CLI_MAX_OPTS 16

/* What a table-driven command receives: its parsed line and an open store. */
struct cli_call {
	struct cli *c;
	const struct cli_cmd *cmd;
	struct store *st; /* NULL when the command is CLI_NO_STORE */
	char actor[96];   /* "cli:$USER" */
	int npos;
	char *pos[CLI_MAX_POS];
	int sep; /* how many of pos came before a "--", or -1 when there was none */
	const char *val[CLI_MAX_OPTS]; /* per cmd->opts entry: the value ("" for a
				       ** flag given), NULL when absent */
	char *joined[CLI_MAX_OPTS];    /* a repeated option's values joined (heap,
				       ** freed by the dispatcher), NULL otherwise */
};

/* A command. fn returns 0 when done, -1 with err filled (the dispatcher
** reports it and maps err->kind to the exit code), or an exit code above 0
** when it has reported the failure itself. */
struct cli_cmd {
	const char *name;  /* "org add" */
	const char *help;  /* one line */
	int (*fn)(struct cli_call *x, struct perr *err);
	const char *args;  /* positional arguments for usage: "ID STATE" */
	int min, max;      /* how many positional arguments (max at most CLI_MAX_POS) */
	const struct cli_opt *opts; /* terminated by an entry with name NULL */
	enum cli_store store;
};

extern const struct cli_cmd cli_cmds[];

/* Open the database and apply migrations. Only with c->create (serve
** --create) are the data directory and the database made; otherwise a
** missing database is reported with its path. Returns 0, or the exit code
** after reporting why not (66 for a missing database). */
int cli_open(struct cli *c, struct store **st);
/* Report err ("parapet: field: message", or a JSON object with --json) on
** stderr and return its exit code (cli_exit_code). */
int cli_fail(const struct perr *err);
/* Print the command's usage line on stderr; returns EX_USAGE. */
int cli_usage(const struct cli_cmd *cmd);
/* The exit code of a failure of this kind (sysexits.h; see dispatch.c). */
int cli_exit_code(enum perr_kind kind);
/* Whether cli_fail writes JSON (set once by main from --json). */
void cli_json_errors(bool on);

/* Run a table-driven command: parse argv (the words after the command's
** name, global options removed) from the table, open the store, run
** cmd->fn as the table says. Returns the exit code. */
int cli_dispatch(struct cli *c, const struct cli_cmd *cmd, int argc, char **argv);
/* Value of the option name of a table-driven command ("" for a flag given),
** or NULL when absent. */
const char *cli_val(const struct cli_call *x, const char *name);
/* Help texts generated from the table: one command, or every command whose
** name starts with prefix ("" for all, "incident" for a group). */
void cli_help_cmd(FILE *out, const struct cli_cmd *cmd);
void cli_help_list(FILE *out, const char *prefix);

/* Read the first line of standard input into buf (size n), line end
** stripped: a password or a secret (what names it in errors). Returns 0, or
** -1 with err filled. */
int cli_read_line(char *buf, size_t n, const char *what, struct perr *err);
/* Parse a positive id, or print why not and return -1. */
int cli_id(const char *s, int64_t *id);
/* The audit actor of the local operator: "cli:$USER". */
void cli_actor(char *out, size_t n);
/* Print j indented, then release it. */
void cli_print_json(json_t *j);

/* Commands defined outside commands.c, for its table. */
int cmd_notify_test(struct cli_call *x, struct perr *err);
int cmd_outbox(struct cli_call *x, struct perr *err);
int cmd_webhook_add(struct cli_call *x, struct perr *err);
int cmd_webhook_list(struct cli_call *x, struct perr *err);
int cmd_webhook_rm(struct cli_call *x, struct perr *err);
int cmd_incident_report(struct cli_call *x, struct perr *err);
int cmd_incident_create(struct cli_call *x, struct perr *err);
int cmd_incident_list(struct cli_call *x, struct perr *err);
int cmd_incident_show(struct cli_call *x, struct perr *err);
int cmd_incident_transition(struct cli_call *x, struct perr *err);
int cmd_incident_message(struct cli_call *x, struct perr *err);
int cmd_incident_assign(struct cli_call *x, struct perr *err);
int cmd_incident_merge(struct cli_call *x, struct perr *err);
int cmd_incident_link(struct cli_call *x, struct perr *err);
int cmd_incident_evidence(struct cli_call *x, struct perr *err);
int cmd_sla_sweep(struct cli_call *x, struct perr *err);
int cmd_team_add(struct cli_call *x, struct perr *err);
int cmd_team_member(struct cli_call *x, struct perr *err);
int cmd_team_lead(struct cli_call *x, struct perr *err);
int cmd_rota_add(struct cli_call *x, struct perr *err);
int cmd_route_add(struct cli_call *x, struct perr *err);
int cmd_user_email(struct cli_call *x, struct perr *err);
int cmd_import_report(struct cli_call *x, struct perr *err);
int cmd_feeds_parse(struct cli_call *x, struct perr *err);
int cmd_feeds_types(struct cli_call *x, struct perr *err);
int cmd_feeds_schema_update(struct cli_call *x, struct perr *err);
int cmd_feeds_digest(struct cli_call *x, struct perr *err);
int cmd_feeds_files(struct cli_call *x, struct perr *err);
int cmd_feeds_unowned(struct cli_call *x, struct perr *err);
int cmd_watch_analyze(struct cli_call *x, struct perr *err);
int cmd_watch_run(struct cli_call *x, struct perr *err);
int cmd_watch_sites(struct cli_call *x, struct perr *err);
int cmd_watch_checks(struct cli_call *x, struct perr *err);
int cmd_watch_set(struct cli_call *x, struct perr *err);
int cmd_watch_accept(struct cli_call *x, struct perr *err);
int cmd_watch_services(struct cli_call *x, struct perr *err);
int cmd_advisory_publish(struct cli_call *x, struct perr *err);
int cmd_advisory_targets(struct cli_call *x, struct perr *err);
int cmd_advisory_target(struct cli_call *x, struct perr *err);
int cmd_advisory_sweep(struct cli_call *x, struct perr *err);
int cmd_advisory_link(struct cli_call *x, struct perr *err);
int cmd_advisory_add(struct cli_call *x, struct perr *err);
int cmd_advisory_import(struct cli_call *x, struct perr *err);
int cmd_advisory_export(struct cli_call *x, struct perr *err);
int cmd_advisory_list(struct cli_call *x, struct perr *err);
int cmd_advisory_show(struct cli_call *x, struct perr *err);
int cmd_advisory_update(struct cli_call *x, struct perr *err);
int cmd_advisory_preview(struct cli_call *x, struct perr *err);
int cmd_advisory_exclude(struct cli_call *x, struct perr *err);
int cmd_advisory_include(struct cli_call *x, struct perr *err);
int cmd_indicator_add(struct cli_call *x, struct perr *err);
int cmd_indicator_search(struct cli_call *x, struct perr *err);
int cmd_indicator_show(struct cli_call *x, struct perr *err);
int cmd_indicator_sightings(struct cli_call *x, struct perr *err);
/* indicator_import_cmds.c */
int cmd_indicator_import(struct cli_call *x, struct perr *err);
int cmd_indicator_held(struct cli_call *x, struct perr *err);
int cmd_indicator_confirm(struct cli_call *x, struct perr *err);
int cmd_indicator_reject(struct cli_call *x, struct perr *err);
int cmd_indicator_wl_show(struct cli_call *x, struct perr *err);
int cmd_indicator_wl_update(struct cli_call *x, struct perr *err);
int cmd_indicator_update(struct cli_call *x, struct perr *err);
int cmd_indicator_delete(struct cli_call *x, struct perr *err);
int cmd_apk_analyze(struct cli_call *x, struct perr *err);
int cmd_apk_diff(struct cli_call *x, struct perr *err);
int cmd_apk_submit(struct cli_call *x, struct perr *err);
int cmd_apk_list(struct cli_call *x, struct perr *err);
int cmd_apk_show(struct cli_call *x, struct perr *err);
int cmd_apk_confirm(struct cli_call *x, struct perr *err);
int cmd_apk_benign(struct cli_call *x, struct perr *err);
int cmd_apk_takedown(struct cli_call *x, struct perr *err);

/* indicator_export_cmds.c: exports and their consumers (issue 15) */
extern const struct cli_opt indicator_export_opts[];
extern const struct cli_opt indicator_consumer_add_opts[];
extern const struct cli_opt indicator_consumer_set_opts[];
int cmd_indicator_export(struct cli_call *x, struct perr *err);
int cmd_indicator_consumer_add(struct cli_call *x, struct perr *err);
int cmd_indicator_consumer_set(struct cli_call *x, struct perr *err);
int cmd_indicator_consumer_list(struct cli_call *x, struct perr *err);
int cmd_indicator_consumer_show(struct cli_call *x, struct perr *err);
int cmd_indicator_consumer_rotate(struct cli_call *x, struct perr *err);
int cmd_indicator_consumer_rm(struct cli_call *x, struct perr *err);

/* flow_cmds.c: the flow collector in the foreground (issue 16) */
int cmd_flow_run(struct cli_call *x, struct perr *err);
/* flow_cmds.c: what the flow job in serve wrote (the live view, attacks) */
int cmd_flow_top(struct cli_call *x, struct perr *err);
int cmd_flow_attacks(struct cli_call *x, struct perr *err);
int cmd_flow_history(struct cli_call *x, struct perr *err);
/* flow_import_cmds.c: FastNetMon's configuration to [flow] (issue 16) */
int cmd_flow_import_fastnetmon(struct cli_call *x, struct perr *err);

#endif
