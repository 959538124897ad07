/*
** fnm_import.c — `parapet flow import-fastnetmon` as a domain function:
** FastNetMon's fastnetmon.conf and networks_list read from their files,
** mapped (fnm.c), and the networks registered as CIDR assets of one
** organisation. The CLI (src/cli/flow_import_cmds.c) only decodes its line,
** calls these and prints; an API route would call the same.
**
** Why the networks become assets: Parapet protects the constituency's CIDR
** assets, each owned by an organisation that receives the incident, not a
** list file (docs/flow.md, "networks_list"). A network the organisation
** holds already is skipped and counted, so an import can be run again; one
** that another organisation holds goes through constituency_asset_add's
** overlap rule, and the error names the networks_list line.
*/
#include <stdlib.h>
#include <string.h>

#include "constituency/constituency.h"
#include "flow/flow.h"
#include "store/store.h"

static int read_doc(const char *path, enum flow_fnm_file kind, struct flow_fnm_doc *doc,
		    struct perr *err)
{
	struct pbuf b;
	struct perr e = { 0 };
	doc->kind = kind;
	doc->kv = NULL;
	doc->n = doc->cap = 0;
	size_t max = kind == FLOW_FNM_CONF ? FLOW_FNM_CONF_BYTES : FLOW_FNM_NETS_BYTES;
	if (core_file_read(path, max, &b, &e) != 0)
		return perr_set(err, e.kind == PERR_LIMIT ? PERR_LIMIT : PERR_NOTFOUND, "file", "%s",
				e.msg); /* core_file_read names the path */
	int rc = flow_fnm_doc_parse(doc, kind, b.ptr ? b.ptr : "", b.len, &e);
	pbuf_free(&b);
	if (rc != 0)
		return perr_set(err, e.kind, e.field, "%s: %s", path, e.msg);
	return 0;
}

int flow_fnm_import_read(const char *conf_path, const char *nets_path,
			 struct flow_fnm_import *im, struct perr *err)
{
	struct flow_fnm_doc conf = { .kind = FLOW_FNM_CONF };
	struct perr e = { 0 };
	int rc = -1;
	memset(im, 0, sizeof(*im));
	im->nets_doc.kind = FLOW_FNM_NETWORKS;
	if (read_doc(conf_path, FLOW_FNM_CONF, &conf, err) != 0)
		goto out;
	if (nets_path && nets_path[0] &&
	    read_doc(nets_path, FLOW_FNM_NETWORKS, &im->nets_doc, err) != 0)
		goto out;
	im->have_nets = nets_path && nets_path[0];
	if (flow_fnm_map(&conf, im->have_nets ? &im->nets_doc : NULL, &im->conf, &e) != 0) {
		/* the mapping's messages name the line; the file names which */
		perr_set(err, e.kind, e.field, "%s: %s",
			 strncmp(e.msg, "networks_list", 13) == 0 ? nets_path : conf_path, e.msg);
		goto out;
	}
	im->mapped = true;
	rc = 0;
out:
	flow_fnm_doc_free(&conf);
	if (rc != 0)
		flow_fnm_import_free(im);
	return rc;
}

void flow_fnm_import_free(struct flow_fnm_import *im)
{
	if (!im)
		return;
	if (im->mapped)
		flow_fnm_conf_free(&im->conf);
	flow_fnm_doc_free(&im->nets_doc);
	memset(im, 0, sizeof(*im));
}

int flow_fnm_import_assets(struct store *st, const struct principal *p, const char *actor,
			   int64_t org_id, const struct flow_fnm_import *im, bool confirm_overlap,
			   struct flow_fnm_assets *res, struct perr *err)
{
	memset(res, 0, sizeof(*res));
	if (!im->have_nets)
		return perr_set(err, PERR_INVALID, "networks_list",
				"--org needs the networks_list file: its networks become the "
				"organisation's CIDR assets");
	struct store_org org;
	if (constituency_org_get(st, p, org_id, &org, err) != 0)
		return -1;
	for (size_t i = 0; i < im->conf.n_nets; i++) {
		const struct flow_fnm_net *n = &im->conf.nets[i];
		/* map_networks keeps the file's order, one network per line */
		uint32_t line = i < im->nets_doc.n ? im->nets_doc.kv[i].line : 0;
		struct store_asset a;
		struct perr e = { 0 };
		if (store_asset_find(st, "cidr", n->text, &a, &e) == 0 && a.org_id == org_id) {
			res->existing++;
			continue;
		}
		perr_clear(&e);
		if (constituency_asset_add(st, p, actor, org_id, "cidr", n->text, confirm_overlap, &a,
					   &e) != 0)
			return perr_set(err, e.kind, e.field, "networks_list line %u: %s: %s", line,
					n->text, e.msg);
		res->added++;
	}
	return 0;
}
