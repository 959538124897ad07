/*
** sweep_job.c — the thread of `parapet serve` that keeps advisory
** deadlines: every interval it sends the reminders that are due, marks
** late targets overdue and escalates them (advisory_sweep), in one
** transaction, then wakes the notifier. The thread and its transaction
** are notify's timed job (notify/job.c), as for the incident SLA clocks.
**
** The clock is the wall clock here; the sweep itself takes the time as an
** argument, which is how the tests (and `parapet advisory sweep --at`)
** drive it. Nothing is kept in memory between passes: what was reminded or
** escalated is in the target rows, so a restart repeats nothing.
*/
#include "advisory/advisory.h"

int advisory_sweep_job_pass(struct store *st, const struct config *cfg, int64_t now_ms,
			    struct perr *err)
{
	struct advisory_sweep_counts n;
	if (advisory_sweep(st, cfg, now_ms, &n, err) != 0)
		return -1;
	if (n.reminded || n.overdue || n.escalated)
		plog(PLOG_INFO, "advisory sweep: %lld reminded, %lld newly overdue, %lld escalated",
		     (long long)n.reminded, (long long)n.overdue, (long long)n.escalated);
	return n.reminded || n.escalated ? 1 : 0;
}
