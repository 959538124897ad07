/*
** jsread.c — a small static read of inline scripts (issue 12): what a
** script loads or where it sends the visitor, with string pieces joined and
** escapes decoded. STUB: to be written; returns nothing found.
*/
#include "watch/watch.h"

#include <string.h>

void watch_js_read(const char *src, size_t len, struct watch_js_read *out)
{
	(void)src;
	(void)len;
	memset(out, 0, sizeof(*out));
}
