/*
** main.c — entry point: global options, configuration, command dispatch.
**
** Global options (--data, --config, --json) may come before or after the
** command: `parapet incident list --json` is `parapet --json incident list`.
** They are taken out of argv before the command is looked up, so commands
** never see them. The configuration is loaded once, before any command runs,
** so `check-config` and every other command see exactly the same settings.
** A command group (`parapet incident`) answers with the group's commands.
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
	fprintf(out, "\n`parapet COMMAND --help` describes one command, `parapet help GROUP`\n"
		     "(e.g. `parapet help incident`) a group; `parapet --version`.\n");
}

/* The commands whose name starts with the words of prefix ("incident",
** "feeds schema"), printed as in help() unless out is NULL; returns how
** many. */
static int group_help(FILE *out, const char *prefix)
{
	size_t l = strlen(prefix);
	int n = 0;
	for (const struct cli_cmd *c = cli_cmds; c->name; c++) {
		if (strncmp(c->name, prefix, l) != 0 || c->name[l] != ' ')
			continue;
		if (out && n == 0)
			fprintf(out, "usage: parapet %s COMMAND [ARGS]\n\ncommands:\n", prefix);
		if (out)
			fprintf(out, "  %-22s %s\n", c->name, c->help);
		n++;
	}
	if (out && n)
		fprintf(out, "\n`parapet %s COMMAND --help` describes one command.\n", prefix);
	return n;
}

/* No command matched argv[0..argc): when its first words name a group, list
** the group's commands (on stdout with exit 0 when help was asked for, else
** on stderr as a usage error); otherwise "unknown command". Returns the exit
** status. */
static int no_command(int argc, char **argv, bool want_help)
{
	char prefix[64] = "", try[64];
	int words = 0;
	for (; words < argc && argv[words][0] != '-'; words++) {
		if (snprintf(try, sizeof(try), "%s%s%s", prefix, words ? " " : "", argv[words]) >=
			    (int)sizeof(try) ||
		    group_help(NULL, try) == 0)
			break;
		memcpy(prefix, try, sizeof(prefix));
	}
	if (!words) {
		fprintf(stderr, "parapet: unknown command %s\n", argv[0]);
		help(stderr);
		return 2;
	}
	bool unknown = words < argc && argv[words][0] != '-';
	if (want_help && !unknown) {
		group_help(stdout, prefix);
		return 0;
	}
	if (unknown)
		fprintf(stderr, "parapet: unknown command %s %s\n", prefix, argv[words]);
	group_help(stderr, prefix);
	return 2;
}

int main(int argc, char **argv)
{
	struct cli c;
	memset(&c, 0, sizeof(c));
	c.data_dir = "./var";
	c.config_path = getenv("PARAPET_CONFIG");
	/* Take the global options out of argv, wherever they are (up to a
	** "--", after which everything is the command's); before the command,
	** any other option is an error. */
	int n = 1;
	bool seen_cmd = false, rest = false;
	for (int k = 1; k < argc; k++) {
		const char *a = argv[k];
		if (!rest && (strcmp(a, "--data") == 0 || strcmp(a, "--config") == 0)) {
			if (k + 1 >= argc) {
				fprintf(stderr, "parapet: %s needs a value\n", a);
				help(stderr);
				return 2;
			}
			*(a[2] == 'd' ? &c.data_dir : &c.config_path) = argv[++k];
			continue;
		}
		if (!rest && strcmp(a, "--json") == 0) {
			c.json = true;
			continue;
		}
		if (!seen_cmd && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
			help(stdout);
			return 0;
		}
		if (!seen_cmd && strcmp(a, "--version") == 0) {
			printf("parapet %s\n", PARAPET_VERSION);
			return 0;
		}
		if (!seen_cmd && a[0] == '-') {
			fprintf(stderr, "parapet: unknown global option %s\n", a);
			help(stderr);
			return 2;
		}
		rest = rest || strcmp(a, "--") == 0;
		seen_cmd = true;
		argv[n++] = argv[k];
	}
	argc = n;
	argv[argc] = NULL;
	int i = 1;
	if (i == argc) {
		help(stderr);
		return 2;
	}
	/* `help [COMMAND...]` is `COMMAND... --help` */
	bool want_help = false;
	if (strcmp(argv[i], "help") == 0) {
		if (i + 1 == argc) {
			help(stdout);
			return 0;
		}
		want_help = true;
		i++;
	}
	if (strcmp(argv[i], "version") == 0 && i + 1 == argc) {
		printf("parapet %s\n", PARAPET_VERSION);
		return 0;
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
	int sub = i + best_words;
	for (int k = sub; k < argc && !want_help; k++)
		want_help = strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0;
	if (!best)
		return no_command(argc - i, argv + i, want_help);
	if (want_help) {
		printf("usage: parapet %s %s\n\n%s\n", best->name, best->usage, best->help);
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
	int rc = best->run(&c, argc - sub, argv + sub);
	return rc != 0 && c.exit_status ? c.exit_status : rc;
}
