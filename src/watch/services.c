/*
** services.c — the well-known third-party services of data/watch/services.csv
** (issue 12). STUB: to be written.
*/
#include "watch/watch.h"

size_t watch_service_count(void)
{
	return 0;
}

const struct watch_service *watch_service_at(size_t i)
{
	(void)i;
	return NULL;
}

const struct watch_service *watch_service_find(const char *host)
{
	(void)host;
	return NULL;
}

const char *watch_service_publication(const struct watch_service *svc, const char *path,
				      char out[WATCH_PATH_MAX])
{
	(void)svc;
	(void)path;
	out[0] = '\0';
	return out;
}
