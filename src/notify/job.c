/*
** job.c — the timed jobs of `parapet serve` (the incident SLA clocks, the
** advisory deadlines): every interval, on the job's own store connection,
** one pass in one transaction, then a wake-up for the sender when the pass
** queued mail. The thread is core's ticker; what a pass does is the
** caller's function, which takes the time as an argument so that tests and
** the CLI (`sla sweep`, `advisory sweep --at`) drive the same rule with any
** clock. Nothing is kept in memory between passes: what was done is in the
** store, so a restart repeats nothing.
*/
#include <stdlib.h>

#include "notify/notify.h"

struct notify_job {
	struct core_ticker *ticker;
	const struct config *cfg;
	struct store *st;
	const char *what;
	notify_job_fn fn;
};

static void pass(void *ud)
{
	struct notify_job *j = ud;
	struct perr e;
	perr_clear(&e);
	if (store_begin(j->st, &e) != 0) {
		plog(PLOG_ERROR, "%s: %s", j->what, e.msg);
		return;
	}
	int n = j->fn(j->st, j->cfg, core_now_ms(), &e);
	if (n >= 0 && store_commit(j->st, &e) == 0) {
		if (n > 0)
			notify_kick();
	} else {
		store_rollback(j->st);
		plog(PLOG_ERROR, "%s: failed: %s", j->what, e.msg);
	}
}

int notify_job_start(const struct config *cfg, const char *db_path, int64_t interval_ms,
		     const char *what, notify_job_fn fn, struct notify_job **out,
		     struct perr *err)
{
	struct notify_job *j = calloc(1, sizeof(*j));
	if (!j)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	j->cfg = cfg;
	j->what = what;
	j->fn = fn;
	if (store_open(db_path, &j->st, err) != 0) {
		free(j);
		return -1;
	}
	if (core_ticker_start(interval_ms, pass, j, what, &j->ticker, err) != 0) {
		store_close(j->st);
		free(j);
		return -1;
	}
	*out = j;
	return 0;
}

void notify_job_stop(struct notify_job *j)
{
	if (!j)
		return;
	core_ticker_stop(j->ticker);
	store_close(j->st);
	free(j);
}
