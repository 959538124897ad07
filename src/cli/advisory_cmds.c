/*
** advisory_cmds.c — `parapet advisory add|import|export|list|show|update`:
** the advisory record and CSAF 2.0 on the command line.
**
** The same domain calls as the API (advisory.c, csaf.c), run as the local
** operator (no scope limits); the dispatcher runs each write in one
** transaction. What scripts rely on (issue 14's contract): `add` and
** `import` print the new advisory's id alone on a line ({"id": N} with
** --json), and `export` writes the CSAF 2.0 document, nothing else, to
** standard output. A document is read from a file or, for "-", standard
** input, at most ADVISORY_DOC_MAX bytes.
*/
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"
#include "cli/cli.h"

/* Read path ("-" = standard input) whole, bounded. */
static int read_doc(const char *path, struct pbuf *out, struct perr *err)
{
	const char *p = strcmp(path, "-") == 0 ? "/dev/stdin" : path;
	if (core_file_read(p, ADVISORY_DOC_MAX, out, err) != 0)
		return -1;
	if (!out->ptr || out->len == 0) {
		pbuf_free(out);
		return perr_set(err, PERR_INVALID, NULL, "%s is empty", path);
	}
	return 0;
}

/* Parse our advisory document from path: a JSON object. *doc a new reference. */
static int load_json(const char *path, json_t **doc, struct perr *err)
{
	struct pbuf b;
	if (read_doc(path, &b, err) != 0)
		return -1;
	json_error_t je;
	*doc = json_loadb(b.ptr, b.len, JSON_REJECT_DUPLICATES, &je);
	pbuf_free(&b);
	if (!*doc)
		return perr_set(err, PERR_INVALID, NULL, "%s: not JSON (line %d: %s)", path,
				je.line, je.text);
	return 0;
}

/* j indented, released; scores with the one decimal CVSS gives them. */
static void print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(6));
	if (s)
		printf("%s\n", s);
	free(s);
	json_decref(j);
}

static void print_id(const struct cli_call *x, int64_t id)
{
	if (x->c->json)
		cli_print_json(json_pack("{sI}", "id", (json_int_t)id));
	else
		printf("%lld\n", (long long)id);
}

int cmd_advisory_add(struct cli_call *x, struct perr *err)
{
	json_t *doc;
	int64_t id = 0;
	if (load_json(x->pos[0], &doc, err) != 0)
		return -1;
	int rc = advisory_create(x->st, &x->c->cfg, NULL, x->actor, doc, &id, err);
	json_decref(doc);
	if (rc != 0)
		return -1;
	print_id(x, id);
	return 0;
}

int cmd_advisory_import(struct cli_call *x, struct perr *err)
{
	struct pbuf b;
	json_t *doc = NULL;
	int64_t id = 0;
	if (read_doc(x->pos[0], &b, err) != 0)
		return -1;
	int rc = advisory_csaf_import(b.ptr, b.len, &doc, err);
	pbuf_free(&b);
	if (rc == 0)
		rc = advisory_create(x->st, &x->c->cfg, NULL, x->actor, doc, &id, err);
	json_decref(doc);
	if (rc != 0)
		return -1;
	print_id(x, id);
	return 0;
}

int cmd_advisory_export(struct cli_call *x, struct perr *err)
{
	int64_t id;
	json_t *adv = NULL, *csaf = NULL;
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	if (advisory_get(x->st, NULL, id, 0, &adv, err) != 0)
		return -1;
	int rc = advisory_csaf_export(adv, &x->c->cfg, &csaf, err);
	json_decref(adv);
	if (rc != 0)
		return -1;
	/* UTF-8 as written (Persian text stays readable); CSAF is JSON */
	char *s = json_dumps(csaf, JSON_INDENT(2) | JSON_REAL_PRECISION(3));
	json_decref(csaf);
	if (!s)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	printf("%s\n", s);
	free(s);
	return 0;
}

int cmd_advisory_list(struct cli_call *x, struct perr *err)
{
	struct advisory_filter f = { .status = cli_val(x, "--status"), .q = cli_val(x, "--q") };
	const char *lim = cli_val(x, "--limit"), *before = cli_val(x, "--before");
	if (lim && parse_i64(lim, 1, 1000, &f.limit) != 0) {
		fprintf(stderr, "parapet: --limit must be 1-1000\n");
		return EX_USAGE;
	}
	if (before && cli_id(before, &f.before_id) != 0)
		return EX_USAGE;
	json_t *out;
	if (advisory_list(x->st, NULL, &f, &out, err) != 0)
		return -1;
	if (x->c->json) {
		print_json(out);
		return 0;
	}
	json_t *items = json_object_get(out, "items"), *it;
	size_t i;
	json_array_foreach(items, i, it) {
		json_t *sc = json_object_get(it, "cvss_score");
		printf("#%-5lld %-26s %-9s %-12s %4.1f  %s\n",
		       (long long)json_integer_value(json_object_get(it, "id")),
		       json_string_value(json_object_get(it, "ref")),
		       json_string_value(json_object_get(it, "status")),
		       json_string_value(json_object_get(it, "tlp")), sc ? json_number_value(sc) : 0,
		       json_string_value(json_object_get(json_object_get(it, "title"), "en")));
	}
	json_t *next = json_object_get(out, "next");
	if (json_is_integer(next))
		printf("(more: --before %lld)\n", (long long)json_integer_value(next));
	json_decref(out);
	return 0;
}

int cmd_advisory_show(struct cli_call *x, struct perr *err)
{
	int64_t id, version = 0;
	const char *v = cli_val(x, "--version");
	if (cli_id(x->pos[0], &id) != 0 || (v && cli_id(v, &version) != 0))
		return EX_USAGE;
	json_t *out;
	if (cli_val(x, "--history")) {
		if (advisory_history(x->st, NULL, id, &out, err) != 0)
			return -1;
	} else if (advisory_get(x->st, NULL, id, version, &out, err) != 0) {
		return -1;
	}
	print_json(out);
	return 0;
}

int cmd_advisory_update(struct cli_call *x, struct perr *err)
{
	int64_t id;
	json_t *doc;
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	if (load_json(x->pos[1], &doc, err) != 0)
		return -1;
	int rc = advisory_update(x->st, &x->c->cfg, NULL, x->actor, id, doc,
				 cli_val(x, "--changes"), err);
	json_decref(doc);
	if (rc != 0)
		return -1;
	json_t *out;
	if (advisory_get(x->st, NULL, id, 0, &out, err) != 0)
		return -1;
	json_int_t ver = json_integer_value(json_object_get(out, "version"));
	json_decref(out);
	if (x->c->json)
		cli_print_json(json_pack("{sI sI}", "id", (json_int_t)id, "version", ver));
	else
		printf("%lld version %lld\n", (long long)id, (long long)ver);
	return 0;
}
