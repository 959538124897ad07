/*
** dispatch.c — the one wrapper every table-driven `parapet` command runs in,
** the counterpart of the HTTP route table's dispatcher.
**
** From the command's table entry (cli.h, struct cli_cmd) it parses the
** options (an unknown option or a value outside an option's list is a usage
** error naming the option and what it accepts; an option marked repeat may
** be given again, its values reaching the command joined with ',', while
** any other given twice keeps the last), checks the number of positional
** arguments, generates `--help`, opens the store, sets the audit
** actor, and runs a writing command (CLI_WRITE) in one transaction: begun
** before the command, committed when it succeeds, rolled back when it fails,
** so a failed command leaves nothing behind. (A command prints its result
** before the commit; were the commit itself to fail, the exit code says so.)
**
** Exit codes (sysexits.h meanings), from the kind of the failure:
**   0  EX_OK        done
**   64 EX_USAGE     the command line is wrong: unknown command or option, a
**                   missing argument, a value not in an option's list
**   65 EX_DATAERR   invalid input (PERR_INVALID), a clash with existing data
**                   (PERR_CONFLICT), over a limit (PERR_LIMIT)
**   66 EX_NOINPUT   a missing object (PERR_NOTFOUND), file or database
**   70 EX_SOFTWARE  an internal failure (PERR_INTERNAL: I/O, database)
**   73 EX_CANTCREAT the data directory cannot be created
**   75 EX_TEMPFAIL  busy, try again later (PERR_BUSY: locked, in use)
**   77 EX_NOPERM    forbidden (PERR_FORBIDDEN, PERR_AUTH)
**   78 EX_CONFIG    the configuration is invalid
** With --json a failure is also a JSON object, on stderr so that stdout only
** ever carries results: {"error":{"kind":"invalid","field":"...",
** "message":"...","exit":65}}.
*/
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static bool json_errors;

void cli_json_errors(bool on)
{
	json_errors = on;
}

int cli_exit_code(enum perr_kind kind)
{
	switch (kind) {
	case PERR_OK:
		return EX_OK;
	case PERR_INVALID:
	case PERR_CONFLICT:
	case PERR_LIMIT:
		return EX_DATAERR;
	case PERR_NOTFOUND:
		return EX_NOINPUT;
	case PERR_FORBIDDEN:
	case PERR_AUTH:
		return EX_NOPERM;
	case PERR_BUSY:
		return EX_TEMPFAIL;
	case PERR_INTERNAL:
		break;
	}
	return EX_SOFTWARE;
}

int cli_fail(const struct perr *err)
{
	/* a failure reported with no kind is still a failure */
	int code = err->kind == PERR_OK ? EX_SOFTWARE : cli_exit_code(err->kind);
	const char *msg = err->msg[0] ? err->msg : "failed";
	if (json_errors) {
		json_t *j = json_pack("{s{ss ss ss si}}", "error", "kind", perr_kind_name(err->kind),
				      "field", err->field, "message", msg, "exit", code);
		char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
		if (s)
			fprintf(stderr, "%s\n", s);
		free(s);
		json_decref(j);
		return code;
	}
	/* the field named once: "password must have ...", not "password:
	** password must have ..." */
	char line[400];
	struct perr shown = *err;
	if (!err->msg[0])
		pstrtrunc(shown.msg, msg, sizeof(shown.msg));
	fprintf(stderr, "parapet: %s\n", perr_text(&shown, line, sizeof(line)));
	return code;
}

/* ------------------------------------------------------------ help */

/* The usage line, from the table. */
static void usage_line(FILE *out, const struct cli_cmd *cmd)
{
	fprintf(out, "usage: parapet %s", cmd->name);
	if (cmd->args && cmd->args[0])
		fprintf(out, " %s", cmd->args);
	for (const struct cli_opt *o = cmd->opts; o && o->name; o++) {
		fprintf(out, " %s%s", o->required ? "" : "[", o->name);
		if (o->arg)
			fprintf(out, " %s", o->arg);
		fprintf(out, "%s%s", o->required ? "" : "]", o->repeat ? "..." : "");
	}
	fputc('\n', out);
}

int cli_usage(const struct cli_cmd *cmd)
{
	usage_line(stderr, cmd);
	return EX_USAGE;
}

void cli_help_cmd(FILE *out, const struct cli_cmd *cmd)
{
	usage_line(out, cmd);
	fprintf(out, "\n%s\n", cmd->help);
	if (!cmd->opts || !cmd->opts[0].name)
		return;
	fprintf(out, "\noptions:\n");
	for (const struct cli_opt *o = cmd->opts; o->name; o++) {
		char head[48];
		snprintf(head, sizeof(head), "%s%s%s", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
		fprintf(out, "  %-22s %s", head, o->help);
		for (size_t v = 0; v < o->nvalues; v++)
			fprintf(out, "%s%s", v ? ", " : " (", o->values[v]);
		fprintf(out, "%s\n", o->nvalues ? ")" : "");
	}
}

void cli_help_list(FILE *out, const char *prefix)
{
	size_t n = strlen(prefix);
	for (const struct cli_cmd *c = cli_cmds; c->name; c++)
		if (n == 0 || (strncmp(c->name, prefix, n) == 0 && c->name[n] == ' '))
			fprintf(out, "  %-22s %s\n", c->name, c->help);
}

/* ---------------------------------------------------------- parsing */

const char *cli_val(const struct cli_call *x, const char *name)
{
	for (int i = 0; x->cmd->opts && x->cmd->opts[i].name; i++)
		if (strcmp(x->cmd->opts[i].name, name) == 0)
			return x->val[i];
	assert(!"cli_val: option not in the command's table entry");
	return NULL;
}

/* Parse argv into x from the table. Returns 0, or EX_USAGE after saying
** why on stderr. */
static int parse(struct cli_call *x, int argc, char **argv)
{
	const struct cli_cmd *cmd = x->cmd;
	bool rest = false; /* after "--" everything is positional */
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!rest && strcmp(a, "--") == 0) {
			rest = true;
			x->sep = x->npos;
			continue;
		}
		/* options are "--x"; "-" (standard input) and "-5" are arguments */
		if (rest || strncmp(a, "--", 2) != 0) {
			if (x->npos >= cmd->max) {
				fprintf(stderr, "parapet: %s takes at most %d argument(s)\n",
					cmd->name, cmd->max);
				return cli_usage(cmd);
			}
			x->pos[x->npos++] = argv[i];
			continue;
		}
		int k = 0;
		while (cmd->opts && cmd->opts[k].name && strcmp(cmd->opts[k].name, a) != 0)
			k++;
		const struct cli_opt *o = cmd->opts ? &cmd->opts[k] : NULL;
		if (!o || !o->name) {
			fprintf(stderr, "parapet: unknown option %s for %s\n", a, cmd->name);
			return cli_usage(cmd);
		}
		if (!o->arg) {
			x->val[k] = "";
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "parapet: %s needs a value (%s)\n", a, o->arg);
			return cli_usage(cmd);
		}
		const char *v = argv[++i];
		bool ok = o->nvalues == 0;
		for (size_t n = 0; !ok && n < o->nvalues; n++)
			ok = strcmp(v, o->values[n]) == 0;
		if (!ok) {
			fprintf(stderr, "parapet: %s must be one of", a);
			for (size_t n = 0; n < o->nvalues; n++)
				fprintf(stderr, "%s%s", n ? ", " : " ", o->values[n]);
			fprintf(stderr, "; not %s\n", v);
			return cli_usage(cmd);
		}
		if (o->repeat && x->val[k]) {
			/* --own a --own b: "a,b", the comma list the command reads */
			size_t n = strlen(x->val[k]) + strlen(v) + 2;
			char *j = malloc(n);
			if (!j) {
				fprintf(stderr, "parapet: out of memory\n");
				return EX_OSERR;
			}
			snprintf(j, n, "%s,%s", x->val[k], v);
			free(x->joined[k]);
			x->joined[k] = j;
			v = j;
		}
		x->val[k] = v;
	}
	if (x->npos < cmd->min)
		return cli_usage(cmd);
	for (int k = 0; cmd->opts && cmd->opts[k].name; k++)
		if (cmd->opts[k].required && !x->val[k]) {
			fprintf(stderr, "parapet: %s needs %s\n", cmd->name, cmd->opts[k].name);
			return cli_usage(cmd);
		}
	return 0;
}

/* ---------------------------------------------------------- running */

int cli_dispatch(struct cli *c, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_call x;
	memset(&x, 0, sizeof(x));
	x.c = c;
	x.cmd = cmd;
	x.sep = -1;
	cli_actor(x.actor, sizeof(x.actor));
	int rc = parse(&x, argc, argv);
	if (rc != 0)
		goto out;
	struct perr err;
	perr_clear(&err);
	/* the only commands that may create a missing database (migrate;
	** serve --create) open it themselves (CLI_NO_STORE); cli_open here
	** must find it, or fail with its path (66) */
	if (cmd->store != CLI_NO_STORE && (rc = cli_open(c, &x.st)) != 0)
		return rc;
	if (cmd->store == CLI_WRITE && store_begin(x.st, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	rc = cmd->fn(&x, &err);
	if (cmd->store == CLI_WRITE) {
		if (rc == 0 && store_commit(x.st, &err) != 0)
			rc = -1;
		if (rc != 0)
			store_rollback(x.st);
	}
	if (rc < 0)
		rc = cli_fail(&err);
out:
	if (x.st)
		store_close(x.st);
	for (int k = 0; k < CLI_MAX_OPTS; k++)
		free(x.joined[k]);
	return rc;
}
