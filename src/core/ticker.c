/*
** ticker.c — a thread that runs one pass of timed work every interval
** until stopped: the SLA clocks, the advisory deadlines. It owns only the
** thread and its wake-up; what a pass does (its store connection, its
** transaction, its clock argument) belongs to the caller, whose pass
** function takes the time as an argument so tests drive it with any clock.
**
** A stop wakes the thread at once rather than at the end of its interval,
** so `parapet serve` shuts down promptly; a kick runs the next pass at once
** (the flow job's attack events, which must not wait out the interval).
*/
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "core/core.h"

struct core_ticker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	bool kick; /* a pass asked for before the interval ends */
	int64_t interval_ms;
	core_ticker_fn pass;
	void *ud;
};

static void *run(void *arg)
{
	struct core_ticker *t = arg;
	pthread_mutex_lock(&t->lock);
	while (!t->stop) {
		t->kick = false;
		pthread_mutex_unlock(&t->lock);
		t->pass(t->ud);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += t->interval_ms / 1000;
		ts.tv_nsec += (t->interval_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&t->lock);
		while (!t->stop && !t->kick && pthread_cond_timedwait(&t->cond, &t->lock, &ts) == 0)
			;
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

int core_ticker_start(int64_t interval_ms, core_ticker_fn pass, void *ud, const char *what,
		      struct core_ticker **out, struct perr *err)
{
	struct core_ticker *t = calloc(1, sizeof(*t));
	if (!t)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	t->interval_ms = interval_ms > 0 ? interval_ms : 1000;
	t->pass = pass;
	t->ud = ud;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	if (pthread_create(&t->thread, NULL, run, t) != 0) {
		pthread_mutex_destroy(&t->lock);
		pthread_cond_destroy(&t->cond);
		free(t);
		return perr_set(err, PERR_INTERNAL, NULL, "cannot start the %s thread", what);
	}
	*out = t;
	return 0;
}

void core_ticker_stop(struct core_ticker *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	t->stop = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->cond);
	free(t);
}

void core_ticker_kick(struct core_ticker *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	t->kick = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
}
