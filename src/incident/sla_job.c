/*
** sla_job.c — the thread that keeps SLA clocks: every interval it flags the
** incidents whose acknowledge or contain deadline has just passed and
** queues their escalations, in one transaction, then wakes the notifier.
**
** The clock is the wall clock here; the sweep itself (incident_sla_sweep)
** takes the time as an argument, which is how the tests drive it. The
** thread is core's ticker.
*/
#include <stdlib.h>

#include "incident/incident.h"
#include "notify/notify.h"

struct incident_sla_job {
	struct core_ticker *ticker;
	const struct config *cfg;
	struct store *st;
};

static void pass(void *ud)
{
	struct incident_sla_job *j = ud;
	struct perr e;
	int n = 0;
	perr_clear(&e);
	if (store_begin(j->st, &e) != 0)
		return;
	if (incident_sla_sweep(j->st, j->cfg, core_now_ms(), &n, &e) == 0 &&
	    store_commit(j->st, &e) == 0) {
		if (n) {
			plog(PLOG_WARN, "sla: %d incident(s) newly overdue, escalated", n);
			notify_kick();
		}
	} else {
		store_rollback(j->st);
		plog(PLOG_ERROR, "sla: sweep failed: %s", e.msg);
	}
}

int incident_sla_start(const struct config *cfg, const char *db_path, int64_t interval_ms,
		       struct incident_sla_job **out, struct perr *err)
{
	struct incident_sla_job *j = calloc(1, sizeof(*j));
	if (!j)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	j->cfg = cfg;
	if (store_open(db_path, &j->st, err) != 0) {
		free(j);
		return -1;
	}
	if (core_ticker_start(interval_ms, pass, j, "SLA", &j->ticker, err) != 0) {
		store_close(j->st);
		free(j);
		return -1;
	}
	*out = j;
	return 0;
}

void incident_sla_stop(struct incident_sla_job *j)
{
	if (!j)
		return;
	core_ticker_stop(j->ticker);
	store_close(j->st);
	free(j);
}
