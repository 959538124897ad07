/*
** indicator_cmds.c — `parapet indicator add|list|search|show|update|delete|
** sightings`: the indicator registry on the command line (issue 15).
**
** The same domain calls as the API (src/indicator/registry.c), run as the
** local operator (no scope limits). What scripts rely on (the issue's
** contract): `add` prints the indicator's id alone on a line ({"id": N,
** "status": ...} with --json); a value on a MISP warninglist is stored held
** (an analyst confirms it later), its id printed all the same, the lists
** named on standard error, and the exit code is 3 unless --confirm was
** given, so that a script can tell "listed" from "held" without parsing
** text. A bad value is a message naming the field and exit 65 (EX_DATAERR).
**
** `add` loads the installed warninglists (indicator_wl_load_config: the
** configured directory, else the data directory's update, else the lists
** shipped) once per run; a registry that silently skipped the check would
** let 8.8.8.8 into a resolver's blocklist, so a missing set is an error.
*/
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "indicator/indicator.h"

/* The exit code of `indicator add` when the value was held by a warninglist
** (the contract; 1 and 2 are taken by failures and usage). */
#define EXIT_HELD 3

/* --confidence N: 0..100, named on refusal. */
static int opt_confidence(const struct cli_call *x, int *out, struct perr *err)
{
	const char *v = cli_val(x, "--confidence");
	int64_t n;
	if (!v)
		return 0;
	if (parse_i64(v, 0, 100, &n) != 0)
		return perr_set(err, PERR_INVALID, "confidence", "confidence is 0 to 100");
	*out = (int)n;
	return 0;
}

/* --NAME ISO as ms, named on refusal; 0 when absent. */
static int opt_time(const struct cli_call *x, const char *name, const char *field,
		    int64_t *out, struct perr *err)
{
	const char *v = cli_val(x, name);
	if (v && core_parse_iso8601(v, out) != 0)
		return perr_set(err, PERR_INVALID, field,
				"%s must be an ISO 8601 date or time (2027-01-31, "
				"2027-01-31T12:00:00Z)",
				field);
	return 0;
}

/* --NAME ID (a positive id), named on refusal; dflt when absent. */
static int opt_id(const struct cli_call *x, const char *name, const char *field, int64_t dflt,
		  int64_t *out, struct perr *err)
{
	const char *v = cli_val(x, name);
	*out = dflt;
	if (v && parse_i64(v, 1, INT64_MAX, out) != 0)
		return perr_set(err, PERR_INVALID, field, "%s must be a positive id", field);
	return 0;
}

int cmd_indicator_add(struct cli_call *x, struct perr *err)
{
	struct indicator_wl_set *wl = NULL;
	char dir[1100], held[512];
	int64_t id = 0;
	int rc = -1;
	struct indicator_spec s = {
		.type = x->pos[0],
		.value = x->pos[1],
		.reason = cli_val(x, "--reason"),
		.tlp = cli_val(x, "--tlp"),
		.class_ = cli_val(x, "--class"),
		.tags = cli_val(x, "--tags"),
		.attribution = cli_val(x, "--attribution"),
		.source = cli_val(x, "--source"),
		.source_ref = cli_val(x, "--source-ref"),
		.confidence = -1,
		.confirm = cli_val(x, "--confirm") != NULL,
	};
	if (opt_confidence(x, &s.confidence, err) != 0 ||
	    opt_time(x, "--expires", "expires", &s.expires_ms, err) != 0 ||
	    opt_id(x, "--incident", "incident", 0, &s.incident_id, err) != 0 ||
	    opt_id(x, "--org", "org_id", 0, &s.org_id, err) != 0)
		return -1;
	size_t refused = 0;
	if (store_data_dir_get(x->st, dir, sizeof(dir), err) != 0)
		return -1;
	if (indicator_wl_load_config(&x->c->cfg, dir, &wl, &refused, err) != 0)
		return -1;
	/* our own transaction: a held indicator is stored (committed) and
	** still exits EXIT_HELD, which the dispatcher would roll back */
	if (store_begin(x->st, err) != 0)
		goto out;
	int r = indicator_add(x->st, wl, NULL, x->actor, &s, core_now_ms(), &id, held,
			      sizeof(held), err);
	if (r < 0) {
		store_rollback(x->st);
		goto out;
	}
	if (store_commit(x->st, err) != 0) {
		store_rollback(x->st);
		goto out;
	}
	if (x->c->json) {
		json_t *j = json_pack("{sIss}", "id", (json_int_t)id, "status",
				      r == 1 ? "held" : "active");
		if (j && r == 1) {
			json_t *lists = json_array();
			for (char *p = held, *e; lists && *p; p = e ? e + 2 : p + strlen(p)) {
				e = strstr(p, "; ");
				json_array_append_new(lists, json_stringn(p, e ? (size_t)(e - p)
									      : strlen(p)));
			}
			json_object_set_new(j, "warninglists", lists);
		}
		cli_print_json(j);
	} else {
		printf("%lld\n", (long long)id);
	}
	fflush(stdout);
	if (r == 1) {
		fprintf(stderr,
			"parapet: %s %s is on a warninglist (%s): held for confirmation "
			"(add it again with --confirm to list it)\n",
			x->pos[0], x->pos[1], held);
		rc = EXIT_HELD;
	} else {
		rc = 0;
	}
out:
	indicator_wl_free(wl);
	return rc;
}

static void print_row(json_t *it)
{
	json_t *exp = json_object_get(it, "expires");
	printf("#%-6lld %-7s %-8s %-13s %-25s %s\n",
	       (long long)json_integer_value(json_object_get(it, "id")),
	       json_string_value(json_object_get(it, "type")),
	       json_string_value(json_object_get(it, "status")),
	       json_string_value(json_object_get(it, "tlp")),
	       json_is_string(exp) ? json_string_value(exp) : "-",
	       json_string_value(json_object_get(it, "value")));
}

int cmd_indicator_search(struct cli_call *x, struct perr *err)
{
	struct indicator_filter f = {
		.value = cli_val(x, "--value"),
		.prefix = cli_val(x, "--prefix"),
		.contains = cli_val(x, "--contains"),
		.within = cli_val(x, "--within"),
		.type = cli_val(x, "--type"),
		.class_ = cli_val(x, "--class"),
		.tag = cli_val(x, "--tag"),
		.source = cli_val(x, "--source"),
		.tlp = cli_val(x, "--tlp"),
		.status = cli_val(x, "--status"),
		.expired = cli_val(x, "--expired"),
	};
	const char *lim = cli_val(x, "--limit");
	if (lim && parse_i64(lim, 1, 1000, &f.limit) != 0)
		return perr_set(err, PERR_INVALID, "limit", "limit is 1 to 1000");
	if (opt_id(x, "--cursor", "cursor", 0, &f.cursor, err) != 0 ||
	    opt_id(x, "--org", "org", 0, &f.org_id, err) != 0)
		return -1;
	json_t *out;
	if (indicator_search(x->st, NULL, &f, core_now_ms(), &out, err) != 0)
		return -1;
	if (x->c->json) {
		cli_print_json(out);
		return 0;
	}
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(out, "items"), i, it)
		print_row(it);
	json_t *next = json_object_get(out, "next");
	if (json_is_integer(next))
		printf("(more: --cursor %lld)\n", (long long)json_integer_value(next));
	json_decref(out);
	return 0;
}

int cmd_indicator_show(struct cli_call *x, struct perr *err)
{
	int64_t id;
	json_t *out;
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	if (indicator_get(x->st, NULL, id, &out, err) != 0)
		return -1;
	cli_print_json(out);
	return 0;
}

int cmd_indicator_sightings(struct cli_call *x, struct perr *err)
{
	int64_t id, limit = 0;
	json_t *out;
	const char *lim = cli_val(x, "--limit");
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	if (lim && parse_i64(lim, 1, 1000, &limit) != 0)
		return perr_set(err, PERR_INVALID, "limit", "limit is 1 to 1000");
	if (indicator_sightings(x->st, NULL, id, limit, &out, err) != 0)
		return -1;
	cli_print_json(out);
	return 0;
}

int cmd_indicator_update(struct cli_call *x, struct perr *err)
{
	int64_t id;
	struct indicator_patch pt = {
		.reason = cli_val(x, "--reason"),
		.class_ = cli_val(x, "--class"),
		.tlp = cli_val(x, "--tlp"),
		.attribution = cli_val(x, "--attribution"),
		.tags = cli_val(x, "--tags"),
		.status = cli_val(x, "--status"),
		.confidence = -1,
		.org_id = -1,
	};
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	if (opt_confidence(x, &pt.confidence, err) != 0 ||
	    opt_time(x, "--expires", "expires", &pt.expires_ms, err) != 0 ||
	    opt_id(x, "--org", "org_id", -1, &pt.org_id, err) != 0)
		return -1;
	if (cli_val(x, "--no-org"))
		pt.org_id = 0;
	if (indicator_update(x->st, NULL, x->actor, id, &pt, core_now_ms(), err) != 0)
		return -1;
	json_t *out;
	if (indicator_get(x->st, NULL, id, &out, err) != 0)
		return -1;
	cli_print_json(out);
	return 0;
}

int cmd_indicator_delete(struct cli_call *x, struct perr *err)
{
	int64_t id;
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	if (indicator_retire(x->st, NULL, x->actor, id, core_now_ms(), err) != 0)
		return -1;
	printf("%lld retired (kept and searchable; out of every export)\n", (long long)id);
	return 0;
}
