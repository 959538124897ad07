/*
** indicator_import_cmds.c — `parapet indicator import|held|confirm|reject`
** and `parapet indicator warninglists [show|update DIR]`: bulk import with
** its preview, the decision on held indicators, and the MISP warninglists
** in force.
**
** The same domain calls as the API (src/indicator/import.c, hold.c,
** wlinstall.c), run as the local operator. What scripts rely on: `import`
** exits 65 when no row of the file is valid (the file is not what it
** claims to be); --preview changes nothing; the totals line reads
** "rows N: new N, changed N, unchanged N, held N, invalid N" (the same
** object with --json, with every row); each invalid row is named on
** standard error with its line.
*/
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "indicator/indicator.h"

/* Rows listed at most (the totals count all): a preview of a million-row
** file prints its first 100,000 lines, enough to review, in bounded memory. */
#define CLI_IMPORT_ITEMS ((size_t)100000)

/* The data directory the store lives in (DATA/warninglists is there). */
static int data_dir(struct cli_call *x, char *dir, size_t n, struct perr *err)
{
	return store_data_dir_get(x->st, dir, n, err);
}

static void print_totals(const json_t *res)
{
	json_t *t = json_object_get(res, "totals");
#define T(k) (long long)json_integer_value(json_object_get(t, k))
	printf("rows %lld: new %lld, changed %lld, unchanged %lld, held %lld, invalid %lld\n",
	       T("rows"), T("new"), T("changed"), T("unchanged"), T("held"), T("invalid"));
#undef T
}

/* One row of the preview table: line, status, type, value, then what is
** notable (the fields changed, the lists hit, the reason it is refused). */
static void print_item(FILE *out, const json_t *it)
{
	const char *status = json_string_value(json_object_get(it, "status"));
	fprintf(out, "%6lld  %-9s  %-6s  %s",
		(long long)json_integer_value(json_object_get(it, "line")), status,
		json_string_value(json_object_get(it, "type")),
		json_string_value(json_object_get(it, "value")));
	json_t *a, *v;
	size_t i;
	if ((a = json_object_get(it, "changes")) != NULL) {
		fputs("  changes:", out);
		json_array_foreach(a, i, v) fprintf(out, "%s%s", i ? "," : " ", json_string_value(v));
	}
	if ((a = json_object_get(it, "lists")) != NULL) {
		fputs("  warninglists:", out);
		json_array_foreach(a, i, v) fprintf(out, "%s%s", i ? ";" : " ", json_string_value(v));
	}
	const char *e = json_string_value(json_object_get(it, "error"));
	if (e)
		fprintf(out, "  %s", e);
	fputc('\n', out);
}

int cmd_indicator_import(struct cli_call *x, struct perr *err)
{
	const char *path = x->pos[0], *f = cli_val(x, "--format"), *t = cli_val(x, "--type");
	struct indicator_import_opts o = {
		.tlp = cli_val(x, "--tlp"),
		.reason = cli_val(x, "--reason"),
		.class_ = cli_val(x, "--class"),
		.source = cli_val(x, "--source"),
		.source_ref = cli_val(x, "--source-ref"),
		.confirm = cli_val(x, "--confirm") != NULL,
		.max_items = CLI_IMPORT_ITEMS,
	};
	bool preview = cli_val(x, "--preview") != NULL;
	/* an import names what needs a person: the refused and the held rows */
	o.notable_only = !preview;
	/* without --format: a .csv file is CSV, anything else a plain list */
	size_t pl = strlen(path);
	o.format = f ? indicator_import_format_parse(f)
		     : pl > 4 && strcasecmp(path + pl - 4, ".csv") == 0 ? INDICATOR_IMPORT_CSV
									 : INDICATOR_IMPORT_PLAIN;
	if (t) {
		o.type = indicator_type_parse(t);
		if (o.type == INDICATOR_NONE)
			return perr_set(err, PERR_INVALID, "type", "unknown type '%s'", t);
	}
	struct pbuf b;
	if (core_file_read(strcmp(path, "-") == 0 ? "/dev/stdin" : path,
			   INDICATOR_IMPORT_MAX_BYTES, &b, err) != 0)
		return -1;
	char dir[1100];
	struct indicator_wl_set *wl = NULL;
	json_t *res = NULL;
	int rc = -1;
	if (data_dir(x, dir, sizeof(dir), err) != 0 ||
	    indicator_wl_load_config(&x->c->cfg, dir, &wl, NULL, err) != 0)
		goto out;
	if (indicator_import_run(x->st, wl, NULL, x->actor, &o, b.ptr ? b.ptr : "", b.len, preview,
				 core_now_ms(), &res, err) != 0)
		goto out;
	json_t *items = json_object_get(res, "items"), *it;
	size_t i;
	if (x->c->json) {
		cli_print_json(json_incref(res));
	} else {
		/* a preview: every row on stdout; an import: the refused and held on stderr */
		FILE *to = preview ? stdout : stderr;
		if (preview)
			printf("%6s  %-9s  %-6s  %s\n", "LINE", "STATUS", "TYPE", "VALUE");
		json_array_foreach(items, i, it) print_item(to, it);
		if (json_is_true(json_object_get(res, "truncated")))
			fprintf(to, "(the first %zu rows listed; the totals count all)\n",
				json_array_size(items));
		print_totals(res);
	}
	rc = indicator_import_valid(res) ? 0 : EX_DATAERR;
	if (rc)
		fprintf(stderr, "parapet: %s: no valid row\n", path);
out:
	json_decref(res);
	indicator_wl_free(wl);
	pbuf_free(&b);
	return rc;
}

int cmd_indicator_held(struct cli_call *x, struct perr *err)
{
	int64_t limit = 100;
	const char *l = cli_val(x, "--limit");
	if (l && parse_i64(l, 1, 1000, &limit) != 0)
		return perr_set(err, PERR_INVALID, "limit", "--limit must be 1-1000");
	json_t *out;
	if (indicator_held_list(x->st, NULL, limit, &out, err) != 0)
		return -1;
	if (x->c->json) {
		cli_print_json(out);
		return 0;
	}
	json_t *it, *v;
	size_t i, k;
	json_array_foreach(json_object_get(out, "items"), i, it) {
		printf("#%-6lld %-6s %s  warninglists:",
		       (long long)json_integer_value(json_object_get(it, "id")),
		       json_string_value(json_object_get(it, "type")),
		       json_string_value(json_object_get(it, "value")));
		json_array_foreach(json_object_get(it, "held_lists"), k, v)
			printf("%s%s", k ? ";" : " ", json_string_value(v));
		putchar('\n');
	}
	json_decref(out);
	return 0;
}

static int decide(struct cli_call *x, bool confirm, struct perr *err)
{
	int64_t id;
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	int rc = confirm ? indicator_confirm(x->st, NULL, x->actor, id, core_now_ms(), err)
			 : indicator_reject(x->st, NULL, x->actor, id, cli_val(x, "--reason"),
					    core_now_ms(), err);
	if (rc != 0)
		return -1;
	const char *status = confirm ? "active" : "retired";
	if (x->c->json)
		cli_print_json(json_pack("{sI ss}", "id", (json_int_t)id, "status", status));
	else
		printf("%lld %s\n", (long long)id, status);
	return 0;
}

int cmd_indicator_confirm(struct cli_call *x, struct perr *err)
{
	return decide(x, true, err);
}

int cmd_indicator_reject(struct cli_call *x, struct perr *err)
{
	return decide(x, false, err);
}

int cmd_indicator_wl_show(struct cli_call *x, struct perr *err)
{
	char dir[1100];
	json_t *out;
	bool lists = cli_val(x, "--lists") != NULL;
	if (data_dir(x, dir, sizeof(dir), err) != 0 ||
	    indicator_wl_show(&x->c->cfg, dir, NULL, lists || x->c->json, &out, err) != 0)
		return -1;
	if (x->c->json) {
		cli_print_json(out);
		return 0;
	}
	json_t *s = json_object_get(out, "stats");
#define S(k) (long long)json_integer_value(json_object_get(s, k))
	printf("%s (%s)\nlists %lld, entries %lld, cidr prefixes %lld, hostnames %lld, strings "
	       "%lld, substrings %lld, regex %lld (refused %lld)\n",
	       json_string_value(json_object_get(out, "dir")),
	       json_string_value(json_object_get(out, "source")), S("lists"), S("entries"),
	       S("cidr_prefixes"), S("hostnames"), S("strings"), S("substrings"), S("regex"),
	       S("regex_refused"));
#undef S
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(out, "lists"), i, it) {
		const char *e = json_string_value(json_object_get(it, "error"));
		printf("  %-40s %-10s %8lld  %s\n", json_string_value(json_object_get(it, "dir")),
		       e ? "-" : json_string_value(json_object_get(it, "type")),
		       (long long)json_integer_value(json_object_get(it, "entries")),
		       e ? e : json_string_value(json_object_get(it, "name")));
	}
	json_decref(out);
	return 0;
}

static void print_refused(void *ctx, const char *list, const struct perr *e)
{
	char m[320];
	json_t *arr = ctx;
	if (arr)
		json_array_append_new(arr, json_pack("{ss ss}", "list", list, "error",
						     perr_text(e, m, sizeof(m))));
	else
		fprintf(stderr, "parapet: warninglist %s refused: %s\n", list,
			perr_text(e, m, sizeof(m)));
}

int cmd_indicator_wl_update(struct cli_call *x, struct perr *err)
{
	char dir[1100];
	struct indicator_wl_report rep;
	json_t *hits = NULL, *refused = x->c->json ? json_array() : NULL;
	if (data_dir(x, dir, sizeof(dir), err) != 0 ||
	    indicator_wl_update(x->st, NULL, x->actor, &x->c->cfg, dir, x->pos[0], print_refused,
				refused, &rep, &hits, err) != 0) {
		json_decref(refused);
		return -1;
	}
	if (x->c->json) {
		cli_print_json(json_pack(
			"{ss ss sI sI sI sI sI sI sI sI sb so so}", "source", rep.dir, "installed",
			rep.installed, "lists", (json_int_t)rep.lists, "entries",
			(json_int_t)rep.stats.entries, "cidr_prefixes",
			(json_int_t)rep.stats.cidr_prefixes, "hostnames",
			(json_int_t)rep.stats.hostnames, "active", (json_int_t)rep.active,
			"active_hits", (json_int_t)rep.active_hits, "held", (json_int_t)rep.held,
			"held_clear", (json_int_t)rep.held_clear, "overridden_by_config",
			rep.overridden_by_config, "refused", refused, "hits",
			hits ? hits : json_array()));
		return 0;
	}
	printf("installed %s: lists %zu (refused %zu), entries %zu, cidr prefixes %zu, hostnames "
	       "%zu\n",
	       rep.installed, rep.lists, rep.refused, rep.stats.entries, rep.stats.cidr_prefixes,
	       rep.stats.hostnames);
	printf("active indicators that now hit a list: %zu of %zu (unchanged: review them)\n",
	       rep.active_hits, rep.active);
	printf("held indicators no list hits any more: %zu of %zu\n", rep.held_clear, rep.held);
	json_t *it;
	size_t i;
	json_array_foreach(hits, i, it) {
		json_t *v;
		size_t k;
		printf("  #%lld %s %s:", (long long)json_integer_value(json_object_get(it, "id")),
		       json_string_value(json_object_get(it, "type")),
		       json_string_value(json_object_get(it, "value")));
		json_array_foreach(json_object_get(it, "lists"), k, v)
			printf("%s%s", k ? ";" : " ", json_string_value(v));
		putchar('\n');
	}
	if (rep.overridden_by_config)
		fprintf(stderr, "parapet: indicator.warninglists is set in the configuration: it "
				"stays in force over the lists installed\n");
	json_decref(hits);
	return 0;
}
