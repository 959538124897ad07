/*
** sla_job.c — the thread that keeps SLA clocks: every interval it flags the
** incidents whose acknowledge or contain deadline has just passed and
** queues their escalations, in one transaction, then wakes the notifier.
**
** The clock is the wall clock here; the sweep itself (incident_sla_sweep)
** takes the time as an argument, which is how the tests drive it.
*/
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "incident/incident.h"
#include "notify/notify.h"

struct incident_sla_job {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	const struct config *cfg;
	struct store *st;
	int64_t interval_ms;
};

static void *run(void *arg)
{
	struct incident_sla_job *j = arg;
	pthread_mutex_lock(&j->lock);
	while (!j->stop) {
		pthread_mutex_unlock(&j->lock);
		struct perr e;
		int n = 0;
		perr_clear(&e);
		if (store_begin(j->st, &e) == 0) {
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

int incident_sla_start(const struct config *cfg, const char *db_path, int64_t interval_ms,
		       struct incident_sla_job **out, struct perr *err)
{
	struct incident_sla_job *j = calloc(1, sizeof(*j));
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
		free(j);
		return perr_set(err, PERR_INTERNAL, NULL, "cannot start the SLA thread");
	}
	*out = j;
	return 0;
}

void incident_sla_stop(struct incident_sla_job *j)
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
