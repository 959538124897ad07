/*
** advisory.c — the advisory record: normalising a document, creating, updating (versions), reading and listing advisories in the caller's scope.
**
** STUB: filled in by its part of issue 14.
*/
#include "advisory/advisory.h"

int advisory_normalise(json_t *doc, struct perr *err)
{
	(void)doc;
	return perr_set(err, PERR_INTERNAL, NULL, "advisory_normalise: not built yet");
}

int advisory_create(struct store *st, const struct config *cfg, const struct principal *p,
		    const char *actor, json_t *doc, int64_t *id, struct perr *err)
{
	(void)st;
	(void)cfg;
	(void)p;
	(void)actor;
	(void)doc;
	(void)id;
	return perr_set(err, PERR_INTERNAL, NULL, "advisory_create: not built yet");
}

int advisory_update(struct store *st, const struct config *cfg, const struct principal *p,
		    const char *actor, int64_t id, json_t *doc, const char *changes,
		    struct perr *err)
{
	(void)st;
	(void)cfg;
	(void)p;
	(void)actor;
	(void)id;
	(void)doc;
	(void)changes;
	return perr_set(err, PERR_INTERNAL, NULL, "advisory_update: not built yet");
}

int advisory_get(struct store *st, const struct principal *p, int64_t id, int64_t version,
		 json_t **out, struct perr *err)
{
	(void)st;
	(void)p;
	(void)id;
	(void)version;
	(void)out;
	return perr_set(err, PERR_INTERNAL, NULL, "advisory_get: not built yet");
}

int advisory_history(struct store *st, const struct principal *p, int64_t id, json_t **out,
		     struct perr *err)
{
	(void)st;
	(void)p;
	(void)id;
	(void)out;
	return perr_set(err, PERR_INTERNAL, NULL, "advisory_history: not built yet");
}

int advisory_list(struct store *st, const struct principal *p, const struct advisory_filter *f,
		  json_t **out, struct perr *err)
{
	(void)st;
	(void)p;
	(void)f;
	(void)out;
	return perr_set(err, PERR_INTERNAL, NULL, "advisory_list: not built yet");
}
