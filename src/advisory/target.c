/*
** target.c — targeting: which organisations an advisory affects and why (declared product assets, products seen by report feeds, service exposures, the audience), the preview and exclusions.
**
** STUB: filled in by its part of issue 14.
*/
#include "advisory/advisory.h"

int advisory_targets_compute(struct store *st, const json_t *doc, int64_t id, json_t **out,
			     struct perr *err)
{
	(void)st;
	(void)doc;
	(void)id;
	(void)out;
	return perr_set(err, PERR_INTERNAL, NULL, "advisory_targets_compute: not built yet");
}

int advisory_preview(struct store *st, const struct principal *p, int64_t id, json_t **out,
		     struct perr *err)
{
	(void)st;
	(void)p;
	(void)id;
	(void)out;
	return perr_set(err, PERR_INTERNAL, NULL, "advisory_preview: not built yet");
}

int advisory_exclude(struct store *st, const struct principal *p, const char *actor,
		     int64_t id, int64_t org, const char *reason, struct perr *err)
{
	(void)st;
	(void)p;
	(void)actor;
	(void)id;
	(void)org;
	(void)reason;
	return perr_set(err, PERR_INTERNAL, NULL, "advisory_exclude: not built yet");
}
