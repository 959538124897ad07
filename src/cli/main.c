/*
** main.c — entry point: global options, configuration, command dispatch.
**
** Global options come before the command: `parapet [--data DIR] [--config
** FILE] [--json] COMMAND [ARGS]`. The configuration is loaded once, before
** any command runs, so `check-config` and every other command see exactly
** the same settings.
*/
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static void help(FILE *out)
{
	fprintf(out, "usage: parapet [--data DIR] [--config FILE] [--json] COMMAND [ARGS]\n\n"
		     "Parapet, the coordination platform of a national CERT.\n\n"
		     "global options:\n"
		     "  --data DIR      database and files (default ./var)\n"
		     "  --config FILE   configuration file (default: built-in defaults,\n"
		     "                  PARAPET_SECTION_KEY environment overrides apply)\n"
		     "  --json          machine-readable output\n\ncommands:\n");
	for (const struct cli_cmd *c = cli_cmds; c->name; c++)
		fprintf(out, "  %-22s %s\n", c->name, c->help);
	fprintf(out, "\n`parapet COMMAND --help` describes one command.\n");
}

int main(int argc, char **argv)
{
	struct cli c;
	memset(&c, 0, sizeof(c));
	c.data_dir = "./var";
	c.config_path = getenv("PARAPET_CONFIG");
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
			c.data_dir = argv[++i];
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			c.config_path = argv[++i];
		} else if (strcmp(argv[i], "--json") == 0) {
			c.json = true;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			help(stdout);
			return 0;
		} else {
			fprintf(stderr, "parapet: unknown global option %s\n", argv[i]);
			help(stderr);
			return 2;
		}
	}
	if (i == argc) {
		help(stderr);
		return 2;
	}
	if (strcmp(argv[i], "help") == 0) {
		help(stdout);
		return 0;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "parapet: libsodium failed to initialise\n");
		return 1;
	}
	struct perr err;
	perr_clear(&err);
	if (config_load(c.config_path, &c.cfg, &err) != 0) {
		fprintf(stderr, "parapet: configuration: %s\n", err.msg);
		return 1;
	}
	static const char *levels[] = { "debug", "info", "warn", "error" };
	for (int l = 0; l < 4; l++)
		if (strcmp(c.cfg.log_level, levels[l]) == 0)
			plog_set_level((enum plog_level)l);
	if (snprintf(c.db_path, sizeof(c.db_path), "%s/parapet.db", c.data_dir) >=
	    (int)sizeof(c.db_path)) {
		fprintf(stderr, "parapet: --data path too long\n");
		return 1;
	}
	/* Longest match on the command words: "org add" before "org". */
	const struct cli_cmd *best = NULL;
	int best_words = 0;
	for (const struct cli_cmd *cmd = cli_cmds; cmd->name; cmd++) {
		char name[64];
		pstrlcpy(name, cmd->name, sizeof(name));
		int words = 0;
		bool ok = true;
		for (char *save = NULL, *w = strtok_r(name, " ", &save); w;
		     w = strtok_r(NULL, " ", &save)) {
			if (i + words >= argc || strcmp(argv[i + words], w) != 0) {
				ok = false;
				break;
			}
			words++;
		}
		if (ok && words > best_words) {
			best = cmd;
			best_words = words;
		}
	}
	if (!best) {
		fprintf(stderr, "parapet: unknown command %s\n", argv[i]);
		help(stderr);
		return 2;
	}
	int sub = i + best_words;
	for (int k = sub; k < argc; k++)
		if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
			printf("usage: parapet %s %s\n\n%s\n", best->name, best->usage, best->help);
			return 0;
		}
	int rc = best->run(&c, argc - sub, argv + sub);
	return rc != 0 && c.exit_status ? c.exit_status : rc;
}
