/*
** hosts.c — whose a host is (issue 12): the site's, its organisation's,
** another organisation's of the constituency, a well-known service, or
** foreign. STUB: to be written.
*/
#include "watch/watch.h"

#include <string.h>

const char *watch_registrable(const char *host, char out[WATCH_HOST_MAX])
{
	pstrtrunc(out, host, WATCH_HOST_MAX);
	return out;
}

bool watch_host_is_ip(const char *host)
{
	(void)host;
	return false;
}

void watch_host_classify(const struct watch_context *ctx, const char *site, const char *host,
			 const char *path, struct watch_host_info *out)
{
	(void)ctx;
	(void)path;
	memset(out, 0, sizeof(*out));
	out->cls = watch_same_site(host, site) ? WATCH_HC_SITE : WATCH_HC_FOREIGN;
}
