/*
** wlinstall.c — installing newer MISP warninglists, showing the lists in
** force, and the one shared copy of the frozen set a server process
** matches against.
**
** MISP publishes its warninglists as a git tree (lists/NAME/list.json); an
** analyst points `parapet indicator warninglists update DIR` at a checkout.
** An update is all or nothing: every list is loaded and checked first (a
** list that does not parse is named and left out, and the update is refused
** when no list at all loads or DIR is not MISP's layout, so a wrong
** directory can never empty the lists that protect the registry from false
** positives); the accepted lists are copied into DATA/warninglists.new and
** swapped with DATA/warninglists in one rename, the previous kept as
** DATA/warninglists.old. wlconfig.c then finds DATA/warninglists before the
** shipped lists. The update never changes an indicator: it reports how many
** active indicators now hit a list, for an analyst to review.
**
** The shared set: serve matches every import and every add against the
** set in force; loading 136 lists takes a noticeable fraction of a second,
** so the set is loaded once and kept, keyed by the directory's identity
** (path, inode, modification time): an update installs a new directory
** (a new inode), and the next request loads it, while requests still using
** the old set keep it until they release it.
*/
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "config/config.h"
#include "indicator/indicator.h"
#include "store/store.h"

/* --------------------------------------------------------- file helpers */

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* Remove the tree at path (absent is fine). */
static int rm_tree(const char *path, struct perr *err)
{
	struct stat sb;
	if (lstat(path, &sb) != 0)
		return errno == ENOENT ? 0 : perr_set(err, PERR_INTERNAL, NULL, "%s: %s", path,
						      strerror(errno));
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		return perr_set(err, PERR_INTERNAL, NULL, "cannot remove %s: %s", path,
				strerror(errno));
	return 0;
}

static bool is_dir(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static bool is_file(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* ------------------------------------------------------------ refusals */

struct refusals {
	char **names;
	size_t n;
	indicator_wl_refused_fn each;
	void *ctx;
};

static void note_refused(void *ctx, const char *source, const struct perr *e)
{
	struct refusals *r = ctx;
	char **nn = realloc(r->names, (r->n + 1) * sizeof(*nn));
	if (nn) {
		r->names = nn;
		r->names[r->n] = strdup(source);
		if (r->names[r->n])
			r->n++;
	}
	if (r->each)
		r->each(r->ctx, source, e);
}

static bool was_refused(const struct refusals *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->names[i], name) == 0)
			return true;
	return false;
}

/* How many DIR/NAME/list.json there are: MISP's layout has at least one. */
static size_t misp_lists(const char *dir)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	if (!d)
		return 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		char p[4096];
		if (de->d_name[0] == '.')
			continue;
		int w = snprintf(p, sizeof(p), "%s/%s/list.json", dir, de->d_name);
		if (w > 0 && (size_t)w < sizeof(p) && is_file(p))
			n++;
	}
	closedir(d);
	return n;
}

/* Copy src/NAME/list.json into dst/NAME/list.json for each list accepted. */
static int copy_lists(const char *src, const char *dst, const struct refusals *r,
		      struct perr *err)
{
	DIR *d = opendir(src);
	int rc = -1;
	if (!d)
		return perr_set(err, PERR_INVALID, "dir", "cannot open %s: %s", src,
				strerror(errno));
	if (mkdir(dst, 0755) != 0) {
		perr_set(err, PERR_INTERNAL, NULL, "cannot create %s: %s", dst, strerror(errno));
		goto out;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		char from[4096], to[4096], file[4200];
		if (de->d_name[0] == '.' || was_refused(r, de->d_name))
			continue;
		int w = snprintf(from, sizeof(from), "%s/%s/list.json", src, de->d_name);
		if (w <= 0 || (size_t)w >= sizeof(from) || !is_file(from))
			continue;
		w = snprintf(to, sizeof(to), "%s/%s", dst, de->d_name);
		if (w <= 0 || (size_t)w >= sizeof(to)) {
			perr_set(err, PERR_LIMIT, "dir", "path too long: %s", de->d_name);
			goto out;
		}
		if (mkdir(to, 0755) != 0) {
			perr_set(err, PERR_INTERNAL, NULL, "cannot create %s: %s", to,
				 strerror(errno));
			goto out;
		}
		struct pbuf b;
		if (core_file_read(from, INDICATOR_WL_MAX_JSON, &b, err) != 0)
			goto out;
		snprintf(file, sizeof(file), "%s/list.json", to); /* fits: 4096 + 10 */
		int wr = core_file_write_atomic(file, b.ptr ? b.ptr : "", b.len, 0644, err);
		pbuf_free(&b);
		if (wr != 0)
			goto out;
	}
	rc = 0;
out:
	closedir(d);
	return rc;
}

/* Put staged in place of live, the previous kept as old: one atomic
** exchange when live exists (a reader sees the old tree or the new one). */
static int swap_in(const char *staged, const char *live, const char *old, struct perr *err)
{
	if (!is_dir(live)) {
		if (rename(staged, live) != 0)
			return perr_set(err, PERR_INTERNAL, NULL, "cannot rename %s: %s", staged,
					strerror(errno));
		return 0;
	}
	if (renameat2(AT_FDCWD, staged, AT_FDCWD, live, RENAME_EXCHANGE) != 0) {
		/* a file system without the exchange: two renames, a moment apart */
		if (rm_tree(old, err) != 0)
			return -1;
		if (rename(live, old) != 0 || rename(staged, live) != 0)
			return perr_set(err, PERR_INTERNAL, NULL, "cannot install %s: %s", live,
					strerror(errno));
		return 0;
	}
	/* staged holds the previous lists now */
	if (rm_tree(old, err) != 0)
		return -1;
	if (rename(staged, old) != 0)
		return perr_set(err, PERR_INTERNAL, NULL, "cannot keep %s: %s", old,
				strerror(errno));
	return 0;
}

/* ------------------------------------------------------------ re-check */

struct recheck {
	const struct indicator_wl_set *wl;
	struct indicator_wl_report *rep;
	json_t *hits; /* the first INDICATOR_WL_HITS_SHOWN active rows that hit */
	bool held;
};

static int recheck_row(void *ud, const struct store_indicator *r)
{
	struct recheck *c = ud;
	struct indicator_wl_hit h[8];
	size_t n = indicator_wl_match(c->wl, indicator_wl_hint(indicator_type_parse(r->type)),
				      r->value, strlen(r->value), h, 8);
	if (c->held) {
		c->rep->held++;
		if (n == 0)
			c->rep->held_clear++;
		return 0;
	}
	c->rep->active++;
	if (n == 0)
		return 0;
	c->rep->active_hits++;
	if (!c->hits || json_array_size(c->hits) >= INDICATOR_WL_HITS_SHOWN)
		return 0;
	json_t *lists = json_array();
	for (size_t i = 0; lists && i < n && i < 8; i++)
		json_array_append_new(lists, json_string(h[i].name));
	json_array_append_new(c->hits, json_pack("{sI ss ss so}", "id", (json_int_t)r->id, "type",
						 r->type, "value", r->value, "lists",
						 lists ? lists : json_array()));
	return 0;
}

int indicator_wl_recheck(struct store *st, const struct indicator_wl_set *wl,
			 struct indicator_wl_report *rep, json_t **hits, struct perr *err)
{
	struct recheck c = { .wl = wl, .rep = rep, .hits = hits ? json_array() : NULL };
	rep->active = rep->active_hits = rep->held = rep->held_clear = 0;
	if (hits)
		*hits = NULL;
	if (store_indicator_active_each(st, recheck_row, &c, err) != 0)
		goto fail;
	c.held = true;
	struct store_indicator_filter f = { .status = "held", .expired = -1, .limit = INT64_MAX };
	if (store_indicator_list(st, &f, recheck_row, &c, err) != 0)
		goto fail;
	if (hits)
		*hits = c.hits;
	return 0;
fail:
	json_decref(c.hits);
	return -1;
}

/* -------------------------------------------------------------- update */

int indicator_wl_update(struct store *st, const struct principal *p, const char *actor,
			const struct config *cfg, const char *data_dir, const char *src,
			indicator_wl_refused_fn each, void *ctx, struct indicator_wl_report *rep,
			json_t **hits, struct perr *err)
{
	struct refusals rf = { .each = each, .ctx = ctx };
	struct indicator_wl_set *set = NULL;
	char staged[1120], live[1100], old[1120];
	int rc = -1;
	memset(rep, 0, sizeof(*rep));
	if (hits)
		*hits = NULL;
	if (!indicator_may_curate(p))
		return perr_set(err, PERR_FORBIDDEN, NULL, "only CERT staff update warninglists");
	if (!data_dir || !data_dir[0] ||
	    snprintf(live, sizeof(live), "%s/warninglists", data_dir) >= (int)sizeof(live))
		return perr_set(err, PERR_INVALID, "data", "no data directory");
	snprintf(staged, sizeof(staged), "%s.new", live);
	snprintf(old, sizeof(old), "%s.old", live);
	pstrtrunc(rep->dir, src, sizeof(rep->dir));
	pstrtrunc(rep->installed, live, sizeof(rep->installed));
	if (!is_dir(src))
		return perr_set(err, PERR_NOTFOUND, "dir", "%s is not a directory", src);
	if (misp_lists(src) == 0) {
		char sub[1100];
		snprintf(sub, sizeof(sub), "%s/lists", src);
		return perr_set(err, PERR_INVALID, "dir",
				"%s is not MISP's layout (DIR/NAME/list.json)%s", src,
				misp_lists(sub) ? ": did you mean its lists/ directory?" : "");
	}
	set = indicator_wl_set_new();
	if (!set)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	if (indicator_wl_load_dir(set, src, &rep->refused, note_refused, &rf, err) != 0)
		goto out;
	struct indicator_wl_stats ws;
	indicator_wl_stats(set, &ws);
	if (ws.lists == 0) {
		perr_set(err, PERR_INVALID, "dir", "no list in %s loads (%zu refused)", src,
			 rep->refused);
		goto out;
	}
	if (indicator_wl_freeze(set, err) != 0)
		goto out;
	indicator_wl_stats(set, &rep->stats);
	rep->lists = rep->stats.lists;
	rep->overridden_by_config = cfg && cfg->indicator_warninglists[0];
	/* the audit entry first: a failed install rolls it back with the rest */
	if (st) {
		json_t *refused = json_array();
		for (size_t i = 0; refused && i < rf.n; i++)
			json_array_append_new(refused, json_string(rf.names[i]));
		if (audit_append_json(st, actor ? actor : "parapet", "warninglists.update",
				      "warninglists", NULL,
				      json_pack("{ss sI sI so}", "source", src, "lists",
						(json_int_t)rep->lists, "entries",
						(json_int_t)rep->stats.entries, "refused",
						refused ? refused : json_array()),
				      err) != 0)
			goto out;
	}
	if (rm_tree(staged, err) != 0 || copy_lists(src, staged, &rf, err) != 0 ||
	    swap_in(staged, live, old, err) != 0) {
		struct perr ignore;
		rm_tree(staged, &ignore);
		goto out;
	}
	if (st && indicator_wl_recheck(st, set, rep, hits, err) != 0)
		goto out;
	rc = 0;
out:
	indicator_wl_free(set);
	for (size_t i = 0; i < rf.n; i++)
		free(rf.names[i]);
	free(rf.names);
	return rc;
}

/* ---------------------------------------------------------------- show */

/* name, type and entry count of DIR/NAME/list.json as MISP wrote them
** (the show page's table; the set itself keeps no per-list counts). */
static json_t *list_info(const char *dir, const char *name)
{
	char p[4096];
	int w = snprintf(p, sizeof(p), "%s/%s/list.json", dir, name);
	if (w <= 0 || (size_t)w >= sizeof(p) || !is_file(p))
		return NULL;
	struct pbuf b;
	struct perr e;
	if (core_file_read(p, INDICATOR_WL_MAX_JSON, &b, &e) != 0)
		return json_pack("{ss ss}", "dir", name, "error", e.msg);
	json_error_t je;
	json_t *doc = json_loadb(b.ptr ? b.ptr : "", b.len, 0, &je);
	pbuf_free(&b);
	json_t *nm = json_object_get(doc, "name"), *ty = json_object_get(doc, "type"),
	       *li = json_object_get(doc, "list");
	json_t *out = json_pack("{ss ss? ss? sI}", "dir", name, "name", json_string_value(nm),
				"type", json_string_value(ty), "entries",
				(json_int_t)json_array_size(li));
	json_decref(doc);
	return out;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int indicator_wl_show(const struct config *cfg, const char *data_dir,
		      const struct indicator_wl_set *set, bool lists, json_t **out, struct perr *err)
{
	char dir[1024];
	struct indicator_wl_set *own = NULL;
	*out = NULL;
	if (indicator_wl_dir(cfg, data_dir, dir, sizeof(dir), err) != 0)
		return -1;
	if (!set) {
		if (indicator_wl_load_config(cfg, data_dir, &own, NULL, err) != 0)
			return -1;
		set = own;
	}
	struct indicator_wl_stats s;
	indicator_wl_stats(set, &s);
	indicator_wl_free(own);
	char live[1100] = "";
	if (data_dir)
		snprintf(live, sizeof(live), "%s/warninglists", data_dir);
	const char *from = cfg && cfg->indicator_warninglists[0] ? "config"
			   : strcmp(dir, live) == 0		   ? "installed"
								   : "shipped";
	json_t *o = json_pack("{ss ss s{sI sI sI sI sI sI sI sI}}", "dir", dir, "source", from,
			      "stats", "lists", (json_int_t)s.lists, "entries",
			      (json_int_t)s.entries, "cidr_prefixes", (json_int_t)s.cidr_prefixes,
			      "hostnames", (json_int_t)s.hostnames, "strings",
			      (json_int_t)s.strings, "substrings", (json_int_t)s.substrings,
			      "regex", (json_int_t)s.regex, "regex_refused",
			      (json_int_t)s.regex_refused);
	if (!o)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	if (lists) {
		json_t *arr = json_array();
		DIR *d = opendir(dir);
		char **names = NULL;
		size_t n = 0;
		struct dirent *de;
		while (d && arr && n < 4 * INDICATOR_WL_MAX_LISTS && (de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			char **nn = realloc(names, (n + 1) * sizeof(*nn));
			if (!nn)
				break;
			names = nn;
			if ((names[n] = strdup(de->d_name)) != NULL)
				n++;
		}
		if (d)
			closedir(d);
		if (n)
			qsort(names, n, sizeof(*names), name_cmp);
		for (size_t i = 0; i < n; i++) {
			json_t *it = arr ? list_info(dir, names[i]) : NULL;
			if (it)
				json_array_append_new(arr, it);
			free(names[i]);
		}
		free(names);
		json_object_set_new(o, "lists", arr ? arr : json_array());
	}
	*out = o;
	return 0;
}
