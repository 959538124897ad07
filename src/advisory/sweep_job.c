/*
** sweep_job.c — the thread of `parapet serve` that keeps advisory
** deadlines: every interval it sends the reminders that are due, marks
** late targets overdue and escalates them (advisory_sweep), in one
** transaction, then wakes the notifier. It mirrors the incident SLA
** thread (src/incident/sla_job.c).
**
** The clock is the wall clock here; the sweep itself takes the time as an
** argument, which is how the tests (and `parapet advisory sweep --at`)
** drive it. Nothing is kept in memory between passes: what was reminded or
** escalated is in the target rows, so a restart repeats nothing.
*/
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "advisory/advisory.h"
#include "notify/notify.h"

struct advisory_sweep_job {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	const struct config *cfg;
	struct store *st;
	int64_t interval_ms;
};

static void pass(struct advisory_sweep_job *j)
{
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

static void *run(void *arg)
{
	struct advisory_sweep_job *j = arg;
	pthread_mutex_lock(&j->lock);
	while (!j->stop) {
		pthread_mutex_unlock(&j->lock);
		pass(j);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += j->interval_ms / 1000;
		ts.tv_nsec += (j->interval_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&j->lock);
		while (!j->stop && pthread_cond_timedwait(&j->cond, &j->lock, &ts) == 0)
			;
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

int advisory_sweep_start(const struct config *cfg, const char *db_path, int64_t interval_ms,
			 struct advisory_sweep_job **out, struct perr *err)
{
	struct advisory_sweep_job *j = calloc(1, sizeof(*j));
	if (!j)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	j->cfg = cfg;
	j->interval_ms = interval_ms;
	if (store_open(db_path, &j->st, err) != 0) {
		free(j);
		return -1;
	}
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->cond, NULL);
	if (pthread_create(&j->thread, NULL, run, j) != 0) {
		store_close(j->st);
		pthread_mutex_destroy(&j->lock);
		pthread_cond_destroy(&j->cond);
		free(j);
		return perr_set(err, PERR_INTERNAL, NULL, "cannot start the advisory sweep thread");
	}
	*out = j;
	return 0;
}

void advisory_sweep_stop(struct advisory_sweep_job *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	j->stop = true;
	pthread_cond_signal(&j->cond);
	pthread_mutex_unlock(&j->lock);
	pthread_join(j->thread, NULL);
	store_close(j->st);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->cond);
	free(j);
}
