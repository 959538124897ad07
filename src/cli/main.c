/*
** main.c — entry point: global options, configuration, command dispatch.
**
** `parapet [--data DIR] [--config FILE] [--json] COMMAND [ARGS]`: the global
** options may also come after the command (`parapet incident list --json`);
** they are taken out of the line wherever they are, up to a "--". Help comes
** from the command table: `parapet help`, `parapet incident` (a group, its
** commands), `parapet help incident`, `parapet incident list --help`. The
** configuration is loaded once, before any command runs, so `check-config`
** and every other command see exactly the same settings. Exit codes are
** sysexits.h meanings, listed in dispatch.c.
*/
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "watch/watch.h"

#ifndef PARAPET_VERSION
#define PARAPET_VERSION "unknown"
#endif

static void help(FILE *out)
{
	fprintf(out, "usage: parapet [--data DIR] [--config FILE] [--json] COMMAND [ARGS]\n\n"
		     "Parapet, the coordination platform of a national CERT.\n\n"
		     "global options (before or after the command):\n"
		     "  --data DIR      database and files (default ./var)\n"
		     "  --config FILE   configuration file (default: built-in defaults,\n"
		     "                  PARAPET_SECTION_KEY environment overrides apply)\n"
		     "  --json          machine-readable output (errors: a JSON object on stderr)\n"
		     "  --version       print the version\n\ncommands:\n");
	cli_help_list(out, "");
	fprintf(out, "\n`parapet COMMAND --help` describes one command, `parapet GROUP` "
		     "(e.g. incident) lists a group.\nExit codes: 0 done, 64 usage, 65 invalid "
		     "input, 66 not found, 70 internal, 75 busy, 77 forbidden, 78 configuration.\n");
}

/* The command whose words start words[0..n) longest; *used = its words. */
static const struct cli_cmd *find(char **words, int n, int *used)
{
	const struct cli_cmd *best = NULL;
	*used = 0;
	for (const struct cli_cmd *cmd = cli_cmds; cmd->name; cmd++) {
		struct pstr rest = pstr_c(cmd->name), w;
		int k = 0;
		bool ok = true;
		while (ok && rest.n) {
			struct pstr tail;
			if (pstr_cut(rest, ' ', &w, &tail)) {
				rest = tail;
			} else {
				w = rest;
				rest.n = 0;
			}
			ok = k < n && strlen(words[k]) == w.n && memcmp(words[k], w.p, w.n) == 0;
			k++;
		}
		if (ok && k > *used) {
			best = cmd;
			*used = k;
		}
	}
	return best;
}

/* Whether name is a group: the first word of some commands of two or more. */
static bool is_group(const char *name)
{
	size_t n = strlen(name);
	for (const struct cli_cmd *c = cli_cmds; c->name; c++)
		if (strncmp(c->name, name, n) == 0 && c->name[n] == ' ')
			return true;
	return false;
}

static bool is_help(const char *a)
{
	return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* `parapet help [WORDS]`, `parapet GROUP [--help]`: group or command help.
** Returns the exit code, or -1 when words name neither. */
static int help_for(char **words, int n, FILE *out, int code)
{
	int used;
	const struct cli_cmd *cmd = find(words, n, &used);
	if (cmd && used == n) {
		cli_help_cmd(out, cmd);
		return code;
	}
	if (n >= 1 && is_group(words[0])) {
		fprintf(out, "usage: parapet %s COMMAND [ARGS]\n\n%s commands:\n", words[0], words[0]);
		cli_help_list(out, words[0]);
		fprintf(out, "\n`parapet %s COMMAND --help` describes one.\n", words[0]);
		return code;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct cli c;
	memset(&c, 0, sizeof(c));
	c.data_dir = "./var";
	c.config_path = getenv("PARAPET_CONFIG");
	/* Take the global options out wherever they are (up to "--"); the rest,
	** in order, is the command and its own arguments. */
	char **rest = calloc((size_t)argc + 1, sizeof(*rest));
	int n = 0, words = -1, rc = EX_USAGE;
	if (!rest) {
		fprintf(stderr, "parapet: out of memory\n");
		return EX_OSERR;
	}
	bool ended = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!ended && (strcmp(a, "--data") == 0 || strcmp(a, "--config") == 0)) {
			if (i + 1 >= argc) {
				fprintf(stderr, "parapet: %s needs a value\n", a);
				goto out;
			}
			if (a[2] == 'd') {
				c.data_dir = argv[++i];
				c.data_given = true;
			} else {
				c.config_path = argv[++i];
			}
		} else if (!ended && strcmp(a, "--json") == 0) {
			c.json = true;
		} else if (!ended && n == 0 && strcmp(a, "--version") == 0) {
			/* before the command only: after it, --version is a
			** command's own option (advisory show --version N) */
			printf("parapet %s\n", PARAPET_VERSION);
			rc = 0;
			goto out;
		} else {
			ended |= strcmp(a, "--") == 0;
			rest[n++] = argv[i];
		}
	}
	/* Before the command only help or a global option may come. */
	if (n > 0 && rest[0][0] == '-') {
		if (is_help(rest[0])) {
			help(stdout);
			rc = 0;
		} else {
			fprintf(stderr, "parapet: unknown global option %s\n", rest[0]);
			help(stderr);
		}
		goto out;
	}
	if (n == 0) {
		help(stderr);
		goto out;
	}
	if (strcmp(rest[0], "version") == 0 && n == 1) {
		printf("parapet %s\n", PARAPET_VERSION);
		rc = 0;
		goto out;
	}
	if (strcmp(rest[0], "help") == 0) {
		rc = n == 1 ? (help(stdout), 0) : help_for(rest + 1, n - 1, stdout, 0);
		if (rc < 0) {
			fprintf(stderr, "parapet: unknown command %s\n", rest[1]);
			rc = EX_USAGE;
		}
		goto out;
	}
	const struct cli_cmd *cmd = find(rest, n, &words);
	/* --help anywhere in the command's own arguments (before "--") */
	for (int k = cmd ? words : 0; k < n && strcmp(rest[k], "--") != 0; k++)
		if (is_help(rest[k])) {
			if (cmd) {
				cli_help_cmd(stdout, cmd);
				rc = 0;
				goto out;
			}
			rc = help_for(rest, n, stdout, 0);
			if (rc >= 0)
				goto out;
			break;
		}
	if (!cmd) {
		/* `parapet incident`: the group's commands, as a usage error */
		rc = help_for(rest, n, stderr, EX_USAGE);
		if (rc < 0) {
			fprintf(stderr, "parapet: unknown command %s\n", rest[0]);
			help(stderr);
			rc = EX_USAGE;
		}
		goto out;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "parapet: libsodium failed to initialise\n");
		rc = EX_SOFTWARE;
		goto out;
	}
	cli_json_errors(c.json);
	struct perr err;
	perr_clear(&err);
	if (config_load(c.config_path, &c.cfg, &err) != 0) {
		fprintf(stderr, "parapet: configuration: %s\n", err.msg);
		rc = EX_CONFIG;
		goto out;
	}
	/* watch.services is part of the configuration: read here, once, so a
	** bad file stops every command (check-config names its line) and
	** serve, watch analyze and watch services all judge with one list. */
	if (c.cfg.watch_services[0]) {
		struct pbuf sb;
		const char *sp = c.cfg.watch_services;
		int bad = core_file_read(sp, 256u << 10, &sb, &err);
		if (bad == 0) {
			bad = watch_services_use(sb.ptr ? sb.ptr : "", sb.len, sp, &err);
			pbuf_free(&sb);
		}
		if (bad != 0) {
			fprintf(stderr, "parapet: configuration: watch.services: %s\n", err.msg);
			rc = EX_CONFIG;
			goto out;
		}
	}
	static const char *levels[] = { "debug", "info", "warn", "error" };
	for (int l = 0; l < 4; l++)
		if (strcmp(c.cfg.log_level, levels[l]) == 0)
			plog_set_level((enum plog_level)l);
	if (snprintf(c.db_path, sizeof(c.db_path), "%s/parapet.db", c.data_dir) >=
	    (int)sizeof(c.db_path)) {
		fprintf(stderr, "parapet: --data path too long\n");
		rc = EX_USAGE;
		goto out;
	}
	rc = cli_dispatch(&c, cmd, n - words, rest + words);
out:
	free(rest);
	return rc;
}
