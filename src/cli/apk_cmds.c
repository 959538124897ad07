/*
** apk_cmds.c — `parapet apk analyze|diff`: the triage of an Android app on
** the command line, without a store. `analyze FILE.apk` prints the verdict
** of apk_analyze as JSON (the contract scripts read: package, version_name,
** signers[].sha256, sha256, permissions, candidates), with the candidates
** checked against the installed warninglists and, with --yara DIR or
** [apk] yara_rules, the YARA matches; `--manifest` prints the whole binary
** manifest as JSON instead. `diff A.apk B.apk` compares two versions.
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
	rc = analyze_file(x, x->pos[0], wl, y, &v);
	if (rc == 0) {
		bool unread = verdict_unread(v);
		cli_print_json(v);
		rc = unread ? EX_DATAERR : 0;
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
