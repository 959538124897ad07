/*
** csaf.c — CSAF 2.0 in and out: a vendor's advisory read into Parapet's document, and Parapet's written as CSAF. Pure: no store, no I/O.
**
** STUB: filled in by its part of issue 14.
*/
#include "advisory/advisory.h"

int advisory_csaf_import(const char *json, size_t len, json_t **out, struct perr *err)
{
	(void)json;
	(void)len;
	(void)out;
	return perr_set(err, PERR_INTERNAL, NULL, "advisory_csaf_import: not built yet");
}

int advisory_csaf_export(const json_t *advisory, const struct config *cfg, json_t **out,
			 struct perr *err)
{
	(void)advisory;
	(void)cfg;
	(void)out;
	return perr_set(err, PERR_INTERNAL, NULL, "advisory_csaf_export: not built yet");
}
