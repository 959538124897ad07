/*
** apk_cmds.c — `parapet apk analyze|diff`: the triage of an Android app on
** the command line, without a store. `analyze FILE.apk` prints the verdict
** of apk_analyze as JSON (the contract scripts read: package, version_name,
** signers[].sha256, sha256, permissions, candidates), with the candidates
** checked against the installed warninglists and, with --yara DIR or
** [apk] yara_rules, the YARA matches; `--manifest` prints the whole binary
** manifest as JSON instead. Several files give one compact verdict a line
** (JSON Lines), the lists loaded once. `diff A.apk B.apk` compares two
** versions.
** Exit 65 when the file is no APK at all, or when its archive or manifest
** could not be read (the verdict, with its errors, is still printed).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apk/apk.h"
#include "cli/cli.h"
#include "indicator/indicator.h"

static void apk_limits_of(const struct config *cfg, struct apk_limits *lim)
{
	lim->max_size = (size_t)cfg->apk_max_size;
	lim->max_uncompressed = (uint64_t)cfg->apk_max_uncompressed;
	lim->max_entries = (uint32_t)cfg->apk_max_entries;
}

/* Read path whole (bounded by apk.max_size) and analyse it. *v a new
** reference. Returns 0, or an exit code after reporting. */
static int analyze_file(struct cli_call *x, const char *path, const struct indicator_wl_set *wl,
			const struct apk_yara *y, json_t **v)
{
	struct apk_opts o = { .wl = wl, .yara = y };
	struct pbuf b;
	struct perr err;
	int rc = 0;

	perr_clear(&err);
	apk_limits_of(&x->c->cfg, &o.lim);
	if (core_file_read(path, o.lim.max_size + 1, &b, &err) != 0 ||
	    apk_analyze((const uint8_t *)b.ptr, b.len, &o, v, &err) != 0) {
		fprintf(stderr, "parapet: %s: ", path);
		rc = cli_fail(&err);
	}
	pbuf_free(&b);
	return rc;
}

/* The verdict read no app: the archive or the manifest failed. */
static bool verdict_unread(json_t *v)
{
	const char *pkg = json_string_value(json_object_get(v, "package"));
	return !pkg || !pkg[0];
}

int cmd_apk_analyze(struct cli_call *x, struct perr *err)
{
	const char *ydir = cli_val(x, "--yara");
	struct indicator_wl_set *wl = NULL;
	struct apk_yara *y = NULL;
	json_t *v = NULL;
	int rc;

	if (cli_val(x, "--manifest")) {
		struct apk_limits lim;
		if (x->npos != 1)
			return cli_usage(x->cmd);
		struct pbuf b, out;
		apk_limits_of(&x->c->cfg, &lim);
		pbuf_init(&out, (size_t)64 << 20);
		rc = core_file_read(x->pos[0], lim.max_size + 1, &b, err) == 0 &&
				     apk_manifest_dump((const uint8_t *)b.ptr, b.len, &lim, &out, err) == 0
			     ? 0
			     : -1;
		if (rc == 0) {
			json_t *j = json_loadb(out.ptr, out.len, 0, NULL);
			if (j)
				cli_print_json(j);
			else
				printf("%s\n", out.ptr);
		}
		pbuf_free(&b);
		pbuf_free(&out);
		return rc;
	}
	if (!ydir && x->c->cfg.apk_yara_rules[0])
		ydir = x->c->cfg.apk_yara_rules;
	if (ydir && apk_yara_load(ydir, &y, err) != 0)
		return -1;
	/* the candidates are judged against the same lists the registry holds
	** indicators with; without any installed lists they are still shown */
	if (indicator_wl_load_config(&x->c->cfg, x->c->data_dir, &wl, NULL, err) != 0) {
		fprintf(stderr, "parapet: warninglists: %s (candidates not checked)\n", err->msg);
		perr_clear(err);
		wl = NULL;
	}
	/* several files: one compact verdict a line (JSON Lines), the lists
	** and rules loaded once for the batch (loading the warninglists costs
	** far more than triaging one app) */
	rc = 0;
	for (int i = 0; i < x->npos; i++) {
		int r = analyze_file(x, x->pos[i], wl, y, &v);
		if (r != 0) {
			rc = r;
			continue;
		}
		if (verdict_unread(v))
			rc = EX_DATAERR;
		if (x->npos == 1) {
			cli_print_json(v);
		} else {
			char *line = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);
			if (line)
				printf("%s\n", line);
			free(line);
			json_decref(v);
		}
		v = NULL;
	}
	indicator_wl_free(wl);
	apk_yara_free(y);
	return rc;
}

int cmd_apk_diff(struct cli_call *x, struct perr *err)
{
	json_t *a = NULL, *b = NULL, *d = NULL;
	int rc = analyze_file(x, x->pos[0], NULL, NULL, &a);
	if (rc == 0)
		rc = analyze_file(x, x->pos[1], NULL, NULL, &b);
	if (rc == 0) {
		rc = apk_diff(a, b, &d, err);
		if (rc == 0)
			cli_print_json(d);
	}
	json_decref(a);
	json_decref(b);
	return rc;
}

/* ------------------------------------------------------------- records */

/* The warninglists in force for a write (NULL, said on stderr, when none
** can be loaded). */
static struct indicator_wl_set *wl_for(struct cli_call *x)
{
	struct indicator_wl_set *wl = NULL;
	struct perr e;
	if (indicator_wl_load_config(&x->c->cfg, x->c->data_dir, &wl, NULL, &e) != 0) {
		fprintf(stderr, "parapet: warninglists: %s (not checked)\n", e.msg);
		return NULL;
	}
	return wl;
}

int cmd_apk_submit(struct cli_call *x, struct perr *err)
{
	struct apk_opts o = { 0 };
	struct apk_yara *y = NULL;
	struct pbuf b;
	json_t *rec = NULL;
	int rc = -1;

	apk_limits_of(&x->c->cfg, &o.lim);
	pbuf_init(&b, 0);
	if (x->c->cfg.apk_yara_rules[0] && apk_yara_load(x->c->cfg.apk_yara_rules, &y, err) != 0)
		return -1;
	if (core_file_read(x->pos[0], o.lim.max_size + 1, &b, err) != 0)
		goto out;
	o.yara = y;
	o.wl = wl_for(x);
	rc = apk_submit(x->st, &o, NULL, x->actor, (const uint8_t *)b.ptr, b.len, core_now_ms(),
			&rec, err);
	indicator_wl_free((struct indicator_wl_set *)o.wl);
	if (rc == 0) {
		if (x->c->json)
			cli_print_json(rec);
		else {
			printf("%lld\n", (long long)json_integer_value(json_object_get(rec, "id")));
			json_decref(rec);
		}
	}
out:
	pbuf_free(&b);
	apk_yara_free(y);
	return rc;
}

int cmd_apk_list(struct cli_call *x, struct perr *err)
{
	json_t *out = NULL, *r;
	size_t i;
	if (apk_list(x->st, NULL, cli_val(x, "--status"), 0, 1000, &out, err) != 0)
		return -1;
	if (x->c->json) {
		cli_print_json(out);
		return 0;
	}
	json_array_foreach(json_object_get(out, "items"), i, r)
	{
		printf("%lld\t%s\t%s\t%s\t%s\t%s\n",
		       (long long)json_integer_value(json_object_get(r, "id")),
		       json_string_value(json_object_get(r, "status")),
		       json_string_value(json_object_get(r, "package")),
		       json_string_value(json_object_get(r, "version_name")),
		       json_string_value(json_object_get(r, "sha256")),
		       json_string_value(json_object_get(r, "author")));
	}
	json_decref(out);
	return 0;
}

int cmd_apk_show(struct cli_call *x, struct perr *err)
{
	int64_t id;
	json_t *out = NULL;
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	if (apk_get(x->st, NULL, id, &out, err) != 0)
		return -1;
	cli_print_json(out);
	return 0;
}

int cmd_apk_confirm(struct cli_call *x, struct perr *err)
{
	int64_t id, incident = 0;
	const char *cands = cli_val(x, "--candidate"), *inc = cli_val(x, "--incident");
	const char *chosen[1000];
	size_t n = 0;
	char *copy = NULL, *save = NULL;
	json_t *out = NULL;
	int rc;

	if (cli_id(x->pos[0], &id) != 0 || (inc && cli_id(inc, &incident) != 0))
		return EX_USAGE;
	/* a repeated option arrives joined with ','; a URL holding a comma is
	** then two pieces, neither a candidate: apk_confirm names the first and
	** nothing is listed (the API takes such a value whole) */
	if (cands && !(copy = strdup(cands)))
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && n < 1000;
	     t = strtok_r(NULL, ",", &save))
		chosen[n++] = t;
	/* the registry lists nothing unchecked: without lists, no confirmation */
	struct indicator_wl_set *wl = NULL;
	if (indicator_wl_load_config(&x->c->cfg, x->c->data_dir, &wl, NULL, err) != 0) {
		free(copy);
		return -1;
	}
	rc = apk_confirm(x->st, wl, NULL, x->actor, id, chosen, n, incident, cli_val(x, "--reason"),
			 core_now_ms(), &out, err);
	indicator_wl_free(wl);
	free(copy);
	if (rc == 0)
		cli_print_json(out);
	return rc;
}

int cmd_apk_benign(struct cli_call *x, struct perr *err)
{
	int64_t id;
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	return apk_mark_benign(x->st, NULL, x->actor, id, core_now_ms(), err);
}

int cmd_apk_takedown(struct cli_call *x, struct perr *err)
{
	int64_t id;
	char *subject = NULL, *body = NULL;
	if (cli_id(x->pos[0], &id) != 0)
		return EX_USAGE;
	if (apk_takedown(x->st, &x->c->cfg, NULL, id, cli_val(x, "--lang"), &subject, &body, err) !=
	    0)
		return -1;
	printf("Subject: %s\n\n%s", subject, body);
	free(subject);
	free(body);
	return 0;
}
