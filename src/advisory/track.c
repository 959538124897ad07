/*
** track.c — publishing and tracking: targets stored and mailed, their states, reminders and escalation, and verification by later scans.
**
** STUB: filled in by its part of issue 14.
*/
#include "advisory/advisory.h"

const char *const advisory_states[9] = { "notified", "read", "acknowledged", "patched",
					  "not_affected", "overdue", "verified", "still_seen", NULL };

int advisory_publish(struct store *st, const struct config *cfg, const struct principal *p,
		     const char *actor, int64_t id, int64_t now_ms,
		     struct advisory_publish_result *res, struct perr *err)
{
	(void)st;
	(void)cfg;
	(void)p;
	(void)actor;
	(void)id;
	(void)now_ms;
	(void)res;
	return perr_set(err, PERR_INTERNAL, NULL, "advisory_publish: not built yet");
}

int advisory_targets(struct store *st, const struct principal *p, int64_t id, json_t **out,
		     struct perr *err)
{
	(void)st;
	(void)p;
	(void)id;
	(void)out;
	return perr_set(err, PERR_INTERNAL, NULL, "advisory_targets: not built yet");
}

int advisory_target_set(struct store *st, const struct config *cfg, const struct principal *p,
			const char *actor, int64_t id, int64_t org, const char *state,
			const char *reason, int64_t now_ms, struct perr *err)
{
	(void)st;
	(void)cfg;
	(void)p;
	(void)actor;
	(void)id;
	(void)org;
	(void)state;
	(void)reason;
	(void)now_ms;
	return perr_set(err, PERR_INTERNAL, NULL, "advisory_target_set: not built yet");
}

int advisory_sweep(struct store *st, const struct config *cfg, int64_t now_ms,
		   struct advisory_sweep_counts *n, struct perr *err)
{
	(void)st;
	(void)cfg;
	(void)now_ms;
	(void)n;
	return perr_set(err, PERR_INTERNAL, NULL, "advisory_sweep: not built yet");
}

int advisory_scan_verify(struct store *st, const struct config *cfg, const char *type,
			 int64_t file_id, int64_t now_ms, struct perr *err)
{
	(void)st;
	(void)cfg;
	(void)type;
	(void)file_id;
	(void)now_ms;
	(void)err;
	return 0; /* until tracking is built: feeds call it after each import */
}
