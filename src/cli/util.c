/*
** util.c — argument helpers every `parapet` command shares: options with and
** without values, positional arguments, a line of standard input, ids, the audit actor of the local
** operator and JSON output.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int cli_usage_of(const char *name)
{
	for (const struct cli_cmd *cmd = cli_cmds; cmd->name; cmd++)
		if (strcmp(cmd->name, name) == 0)
			return cli_usage(cmd);
	fprintf(stderr, "usage: parapet %s ...\n", name);
	return EX_USAGE;
}

const char *cli_opt(int argc, char **argv, const char *name, bool *bad)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], name) == 0) {
			if (i + 1 >= argc) {
				*bad = true;
				return NULL;
			}
			return argv[i + 1];
		}
	return NULL;
}

bool cli_flag(int argc, char **argv, const char *name)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

int cli_positional(int argc, char **argv, const char *const *valued,
		   const char *const *flags, char **out, int max, bool *bad)
{
	int n = 0;
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) == 0) {
			bool known = false;
			for (const char *const *v = valued; v && *v; v++)
				if (strcmp(argv[i], *v) == 0) {
					i++;
					known = true;
					break;
				}
			for (const char *const *f = flags; !known && f && *f; f++)
				if (strcmp(argv[i], *f) == 0)
					known = true;
			if (!known && bad)
				*bad = true;
			continue;
		}
		if (n < max)
			out[n] = argv[i];
		n++;
	}
	return n;
}

int cli_read_line(char *buf, size_t n, const char *what, struct perr *err)
{
	if (!fgets(buf, (int)n, stdin))
		return perr_set(err, PERR_INVALID, what, "no %s on standard input", what);
	size_t l = strlen(buf);
	if (l == n - 1 && buf[l - 1] != '\n')
		return perr_set(err, PERR_LIMIT, what, "%s too long", what);
	while (l && (buf[l - 1] == '\n' || buf[l - 1] == '\r'))
		buf[--l] = '\0';
	return 0;
}

int cli_id(const char *s, int64_t *id)
{
	if (!s || parse_i64(s, 1, INT64_MAX, id) != 0) {
		fprintf(stderr, "parapet: %s is not an id (a positive integer)\n", s ? s : "(none)");
		return -1;
	}
	return 0;
}

void cli_actor(char *out, size_t n)
{
	const char *u = getenv("USER");
	snprintf(out, n, "cli:%s", u && u[0] ? u : "root");
}

void cli_print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	if (s)
		printf("%s\n", s);
	free(s);
	json_decref(j);
}
