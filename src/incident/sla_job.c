/*
** sla_job.c — the thread that keeps SLA clocks: every interval it flags the
** incidents whose acknowledge or contain deadline has just passed and
** queues their escalations, in one transaction, then wakes the notifier.
**
** The clock is the wall clock here; the sweep itself (incident_sla_sweep)
** takes the time as an argument, which is how the tests drive it. The
** thread and its transaction are notify's timed job (notify/job.c).
*/
#include "incident/incident.h"

int incident_sla_job_pass(struct store *st, const struct config *cfg, int64_t now_ms,
			  struct perr *err)
{
	int n = 0;
	if (incident_sla_sweep(st, cfg, now_ms, &n, err) != 0)
		return -1;
	if (n)
		plog(PLOG_WARN, "sla: %d incident(s) newly overdue, escalated", n);
	return n;
}
