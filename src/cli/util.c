/*
** util.c — helpers every `parapet` command shares: a line of standard
** input, ids, the audit actor of the local operator and JSON output.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

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
