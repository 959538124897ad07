/*
** textsig.c — what new text says about itself (issue 12): its script and
** language, and the marks defacers leave. STUB: to be written.
*/
#include "watch/watch.h"

#include <string.h>

void watch_lang_count(const char *text, size_t len, struct watch_lang *out)
{
	(void)text;
	(void)len;
	memset(out, 0, sizeof(*out));
}

void watch_text_marks(const char *text, size_t len, struct watch_text_marks *out)
{
	(void)text;
	(void)len;
	memset(out, 0, sizeof(*out));
}
