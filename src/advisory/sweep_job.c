/*
** sweep_job.c — the thread of `parapet serve` that keeps advisory
** deadlines: every interval it sends the reminders that are due, marks
** late targets overdue and escalates them (advisory_sweep), in one
** transaction, then wakes the notifier. The thread is core's ticker, as
** for the incident SLA clocks (src/incident/sla_job.c).
**
** The clock is the wall clock here; the sweep itself takes the time as an
** argument, which is how the tests (and `parapet advisory sweep --at`)
** drive it. Nothing is kept in memory between passes: what was reminded or
** escalated is in the target rows, so a restart repeats nothing.
*/
#include <stdlib.h>

#include "advisory/advisory.h"
#include "notify/notify.h"

struct advisory_sweep_job {
	struct core_ticker *ticker;
	const struct config *cfg;
	struct store *st;
};

static void pass(void *ud)
{
	struct advisory_sweep_job *j = ud;
	struct perr e;
	struct advisory_sweep_counts n;
	perr_clear(&e);
	if (store_begin(j->st, &e) != 0) {
		plog(PLOG_ERROR, "advisory sweep: %s", e.msg);
		return;
	}
	if (advisory_sweep(j->st, j->cfg, core_now_ms(), &n, &e) == 0 &&
	    store_commit(j->st, &e) == 0) {
		if (n.reminded || n.overdue || n.escalated) {
			plog(PLOG_INFO,
			     "advisory sweep: %lld reminded, %lld newly overdue, %lld escalated",
			     (long long)n.reminded, (long long)n.overdue, (long long)n.escalated);
			notify_kick();
		}
	} else {
		store_rollback(j->st);
		plog(PLOG_ERROR, "advisory sweep: failed: %s", e.msg);
	}
}

int advisory_sweep_start(const struct config *cfg, const char *db_path, int64_t interval_ms,
			 struct advisory_sweep_job **out, struct perr *err)
{
	struct advisory_sweep_job *j = calloc(1, sizeof(*j));
	if (!j)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	j->cfg = cfg;
	if (store_open(db_path, &j->st, err) != 0) {
		free(j);
		return -1;
	}
	if (core_ticker_start(interval_ms, pass, j, "advisory sweep", &j->ticker, err) != 0) {
		store_close(j->st);
		free(j);
		return -1;
	}
	*out = j;
	return 0;
}

void advisory_sweep_stop(struct advisory_sweep_job *j)
{
	if (!j)
		return;
	core_ticker_stop(j->ticker);
	store_close(j->st);
	free(j);
}
