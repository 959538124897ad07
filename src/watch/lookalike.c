/*
** lookalike.c — hosts that imitate a known service or the site's own domain
** (issue 12). STUB: to be written.
*/
#include "watch/watch.h"

enum watch_lookalike watch_lookalike(const char *host, const char *const *own, size_t nown,
				     char imitates[WATCH_HOST_MAX])
{
	(void)host;
	(void)own;
	(void)nown;
	imitates[0] = '\0';
	return WATCH_LA_NONE;
}
