/*
** advisory_target_cmds.c — `parapet advisory preview|exclude|include`: who
** an advisory affects and why, and an analyst's exclusions, on the command
** line.
**
** The same domain calls as the API (target.c), as the local operator (no
** scope limit). What scripts rely on (issue 14's contract): `--json
** advisory preview ID` prints advisory_preview's object, whose "targets"
** are [{"org": {"id", "name", ...}, "hosts": N, "why": [...]}, ...]; the
** other keys (excluded, counts by province and sector, unmapped product
** assets) come beside it. Without --json, a table for people.
*/
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "advisory/advisory.h"
#include "cli/cli.h"

#define WHY_SHOWN 3 /* evidence items in a table row */

static const char *js(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

/* One evidence item, short: "host 10.3.0.1:23 mikrotik routeros 6.38.4". */
static void why_line(const json_t *w, char *out, size_t n)
{
	const char *kind = js(w, "kind");
	long long port = (long long)json_integer_value(json_object_get(w, "port"));
	if (strcmp(kind, "asset") == 0)
		snprintf(out, n, "asset %s", js(w, "value"));
	else if (strcmp(kind, "host") == 0)
		snprintf(out, n, "host %s:%lld %s %s", js(w, "ip"), port, js(w, "product"),
			 js(w, "version"));
	else if (strcmp(kind, "exposure") == 0)
		snprintf(out, n, "exposure %s:%lld %s", js(w, "ip"), port, js(w, "exposure"));
	else
		snprintf(out, n, "audience %s%s%s", js(w, "by"), json_object_get(w, "value") ? " " : "",
			 js(w, "value"));
}

static void print_counts(const char *label, const json_t *counts)
{
	const char *k;
	json_t *v;
	bool first = true;
	printf("%s:", label);
	json_object_foreach((json_t *)counts, k, v)
	{
		printf("%s %s %lld", first ? "" : ",", k[0] ? k : "(none)",
		       (long long)json_integer_value(v));
		first = false;
	}
	printf("%s\n", first ? " none" : "");
}

static void print_table(const json_t *out)
{
	size_t i;
	json_t *t;
	printf("%-8s %-32s %-16s %-16s %7s  %s\n", "ORG", "NAME", "PROVINCE", "SECTOR", "HOSTS",
	       "WHY");
	json_array_foreach(json_object_get(out, "targets"), i, t)
	{
		const json_t *org = json_object_get(t, "org"), *why = json_object_get(t, "why");
		printf("%-8lld %-32.32s %-16.16s %-16.16s %7lld  ",
		       (long long)json_integer_value(json_object_get(org, "id")), js(org, "name"),
		       js(org, "province"), js(org, "sector"),
		       (long long)json_integer_value(json_object_get(t, "hosts")));
		const json_t *ex = json_object_get(t, "excluded");
		if (ex)
			printf("EXCLUDED (%s); ", js(ex, "reason"));
		size_t k;
		json_t *w;
		json_array_foreach(why, k, w)
		{
			if (k == WHY_SHOWN)
				break;
			char line[640];
			why_line(w, line, sizeof(line));
			printf("%s%s", k ? "; " : "", line);
		}
		if (json_array_size(why) > WHY_SHOWN)
			printf("; +%zu more", json_array_size(why) - WHY_SHOWN);
		printf("\n");
	}
	printf("%lld targets, %lld excluded\n",
	       (long long)json_integer_value(json_object_get(out, "total")),
	       (long long)json_integer_value(json_object_get(out, "excluded")));
	print_counts("by province", json_object_get(out, "by_province"));
	print_counts("by sector", json_object_get(out, "by_sector"));
	long long um = (long long)json_integer_value(json_object_get(out, "unmapped_total"));
	if (um) {
		printf("%lld product assets name no known product (map them to CPE names):\n", um);
		json_array_foreach(json_object_get(out, "unmapped"), i, t)
		{
			const json_t *org = json_object_get(t, "org");
			printf("  org %lld %s: %s\n",
			       (long long)json_integer_value(json_object_get(org, "id")),
			       js(org, "name"), js(t, "asset"));
		}
	}
}

int cmd_advisory_preview(struct cli_call *x, struct perr *err)
{
	int64_t id;
	json_t *out;
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	if (advisory_preview(x->st, NULL, id, &out, err) != 0)
		return -1;
	if (x->c->json) {
		cli_print_json(out);
		return 0;
	}
	print_table(out);
	json_decref(out);
	return 0;
}

/* exclude (with --reason) and include share the call: reason NULL puts back. */
static int exclusion(struct cli_call *x, const char *reason, struct perr *err)
{
	int64_t id, org;
	if (cli_id(x->pos[0], &id) != 0 || cli_id(x->pos[1], &org) != 0)
		return EX_USAGE;
	if (advisory_exclude(x->st, NULL, x->actor, id, org, reason, err) != 0)
		return -1;
	if (x->c->json)
		cli_print_json(json_pack("{sI sI sb}", "id", (json_int_t)id, "org", (json_int_t)org,
					 "excluded", reason != NULL));
	return 0;
}

int cmd_advisory_exclude(struct cli_call *x, struct perr *err)
{
	return exclusion(x, cli_val(x, "--reason"), err);
}

int cmd_advisory_include(struct cli_call *x, struct perr *err)
{
	return exclusion(x, NULL, err);
}
