/*
** link.c — signed links: the read and acknowledge links in advisory mails, HMAC-signed, expiring, one action for one target.
**
** STUB: filled in by its part of issue 14.
*/
#include "advisory/advisory.h"

int advisory_link_make(const char *data_dir, int64_t id, int64_t org, const char *action,
		       int64_t expires_ms, char *out, size_t outsz, struct perr *err)
{
	(void)data_dir;
	(void)id;
	(void)org;
	(void)action;
	(void)expires_ms;
	(void)out;
	(void)outsz;
	return perr_set(err, PERR_INTERNAL, NULL, "advisory_link_make: not built yet");
}

int advisory_link_use(struct store *st, const struct config *cfg, const char *data_dir,
		      const struct principal *p, const char *token, int64_t now_ms, int64_t *id,
		      int64_t *org, char action[8], struct perr *err)
{
	(void)st;
	(void)cfg;
	(void)data_dir;
	(void)p;
	(void)token;
	(void)now_ms;
	(void)id;
	(void)org;
	(void)action;
	return perr_set(err, PERR_INTERNAL, NULL, "advisory_link_use: not built yet");
}
