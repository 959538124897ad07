/*
** wlconfig.c — which MISP warninglists the registry checks against, and
** loading them once into a frozen set.
**
** Three places, first found wins: the directory the configuration names
** (indicator.warninglists), the lists an analyst installed with `parapet
** indicator warninglists update` (DATA/warninglists), and the lists shipped
** with Parapet (MISP's lists under CC0: `meson install` puts them in
** DATADIR/parapet/warninglists, a build run in place reads the source
** tree's data/warninglists; PARAPET_SHARE names another share directory). A process loads the set once and keeps
** it read-only; a newer set replaces it whole (serve's reload), never
** edited in place.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/config.h"
#include "indicator/indicator.h"

static bool is_dir(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

int indicator_wl_dir(const struct config *cfg, const char *data_dir, char *out, size_t n,
		     struct perr *err)
{
	char p[1024];
	if (cfg && cfg->indicator_warninglists[0]) {
		if (!is_dir(cfg->indicator_warninglists)) {
			perr_set(err, PERR_NOTFOUND, "indicator.warninglists",
				 "warninglists directory %s does not exist",
				 cfg->indicator_warninglists);
			return -1;
		}
		return pstrcpy_or_err(out, n, cfg->indicator_warninglists,
				      "indicator.warninglists", err);
	}
	if (data_dir && data_dir[0]) {
		int k = snprintf(p, sizeof(p), "%s/warninglists", data_dir);
		if (k > 0 && (size_t)k < sizeof(p) && is_dir(p))
			return pstrcpy_or_err(out, n, p, "indicator.warninglists", err);
	}
	/* PARAPET_SHARE, else where `meson install` put the shipped lists,
	** else the source tree a build runs from */
	const char *share = getenv("PARAPET_SHARE");
	const char *where[3] = { share && share[0] ? share : NULL, PARAPET_DATA_INST,
				 PARAPET_DATA_SRC };
	for (size_t i = 0; i < 3; i++) {
		if (!where[i])
			continue;
		int k = snprintf(p, sizeof(p), "%s/warninglists", where[i]);
		if (k > 0 && (size_t)k < sizeof(p) && is_dir(p))
			return pstrcpy_or_err(out, n, p, "indicator.warninglists", err);
		if (i == 0)
			break; /* an explicit PARAPET_SHARE is not second-guessed */
	}
	perr_set(err, PERR_NOTFOUND, "indicator.warninglists",
		 "no warninglists: %s does not exist and none were installed", p);
	return -1;
}

static void log_refused(void *ctx, const char *source, const struct perr *e)
{
	(void)ctx;
	plog(PLOG_WARN, "warninglist %s refused: %s", source, e->msg);
}

int indicator_wl_load_config(const struct config *cfg, const char *data_dir,
			     struct indicator_wl_set **out, size_t *refused, struct perr *err)
{
	char dir[1024];
	size_t bad = 0;
	int rc = -1;
	struct indicator_wl_set *set = NULL;
	*out = NULL;
	if (indicator_wl_dir(cfg, data_dir, dir, sizeof(dir), err) != 0)
		goto out;
	set = indicator_wl_set_new();
	if (!set) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	if (indicator_wl_load_dir(set, dir, &bad, log_refused, NULL, err) != 0 ||
	    indicator_wl_freeze(set, err) != 0)
		goto out;
	*out = set;
	set = NULL;
	rc = 0;
out:
	indicator_wl_free(set);
	if (refused)
		*refused = bad;
	return rc;
}
