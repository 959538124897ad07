/*
** cli.h — the `parapet` command line: global options and the command table.
**
** main.c parses the global options (--data, --config, --json) and finds the
** command in the table; commands.c implements each command on top of the
** same domain functions the API uses. Exit status: 0 done, 1 failed (the
** message says why), 2 usage error.
*/
#ifndef PARAPET_CLI_H
#define PARAPET_CLI_H

#include <stdbool.h>

#include "config/config.h"
#include "store/store.h"

struct cli {
	const char *data_dir;
	const char *config_path;
	bool json;
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

/* Open the database (creating the data directory) and apply migrations. */
int cli_open(struct cli *c, struct store **st);
/* Print err to stderr as "parapet: message" and return 1. */
int cli_fail(const struct perr *err);
int cli_usage(const struct cli_cmd *cmd);

#endif
