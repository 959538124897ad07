/*
** flow_import_cmds.c — `parapet flow import-fastnetmon FASTNETMON_CONF
** [NETWORKS_LIST] [--org ORG] [--write FILE]`: an operator moving from
** FastNetMon gets the [flow] configuration with the same meaning (the keys
** Parapet does not use listed as comments at its top), and with --org the
** networks FastNetMon protected become CIDR assets of that organisation,
** which is what Parapet protects (docs/flow.md).
**
** Decode, call, render: the reading and mapping are flow_fnm_import_read
** and flow_fnm_to_ini, the assets flow_fnm_import_assets (src/flow/
** fnm_import.c). The store is opened only with --org, so that converting a
** file needs no database.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "flow/flow.h"

int cmd_flow_import_fastnetmon(struct cli_call *x, struct perr *err)
{
	const char *conf_path = x->pos[0];
	const char *nets_path = x->npos > 1 ? x->pos[1] : NULL;
	const char *org_s = cli_val(x, "--org"), *write_path = cli_val(x, "--write");
	int64_t org = 0;
	if (org_s && cli_id(org_s, &org) != 0)
		return EX_USAGE;
	struct flow_fnm_import im;
	struct pbuf ini;
	struct store *st = NULL;
	struct flow_fnm_assets res = { 0 };
	int rc = -1;
	pbuf_init(&ini, 64u << 20);
	if (flow_fnm_import_read(conf_path, nets_path, &im, err) != 0)
		goto out;
	if (flow_fnm_to_ini(&im.conf, &ini) != 0 || !pbuf_cstr(&ini)) {
		perr_set(err, PERR_LIMIT, NULL, "the [flow] text does not fit in memory");
		goto out;
	}
	if (org_s) {
		int orc = cli_open(x->c, &st);
		if (orc != 0) {
			rc = orc;
			goto out;
		}
		if (store_begin(st, err) != 0)
			goto out;
		if (flow_fnm_import_assets(st, NULL, x->actor, org, &im,
					   cli_val(x, "--confirm-overlap") != NULL, &res, err) != 0 ||
		    store_commit(st, err) != 0) {
			store_rollback(st);
			goto out;
		}
	}
	if (write_path &&
	    core_file_write_atomic(write_path, ini.ptr, ini.len, 0640, err) != 0)
		goto out;
	if (x->c->json) {
		json_t *j = json_pack("{sI sI sI}", "notes", (json_int_t)im.conf.n_notes,
				      "hostgroups", (json_int_t)im.conf.n_groups, "networks",
				      (json_int_t)im.conf.n_nets);
		if (j && write_path)
			json_object_set_new(j, "written", json_string(write_path));
		else if (j)
			json_object_set_new(j, "config", json_string(pbuf_cstr(&ini)));
		if (j && org_s)
			json_object_set_new(j, "assets", json_pack("{sI sI sI}", "org", (json_int_t)org,
								   "added", (json_int_t)res.added,
								   "existing",
								   (json_int_t)res.existing));
		cli_print_json(j);
	} else {
		if (!write_path)
			fputs(pbuf_cstr(&ini), stdout);
		/* the summary on stderr: stdout stays a loadable configuration */
		fprintf(stderr, "flow import-fastnetmon: %zu hostgroup(s), %zu network(s), %zu key(s) "
				"not imported%s%s\n",
			im.conf.n_groups, im.conf.n_nets, im.conf.n_notes,
			write_path ? ", written to " : "", write_path ? write_path : "");
		if (org_s)
			fprintf(stderr, "assets of organisation %lld: added %zu, existing %zu\n",
				(long long)org, res.added, res.existing);
	}
	rc = 0;
out:
	if (st)
		store_close(st);
	pbuf_free(&ini);
	flow_fnm_import_free(&im);
	return rc;
}
