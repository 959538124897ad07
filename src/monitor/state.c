/*
** state.c — the states of a watched site and the one function that moves
** a site between them.
**
** A check is first summed up (monitor_evidence_of: its outcome and the
** site's counters), then the site moves (monitor_transition: its next state
** and what the incident hub must be told). Both are pure, so every rule of
** the site's lifecycle is here, in a few lines a unit test can walk
** through (tests/unit/test_monitor.c); monitor.c gathers the facts and
** writes the consequences. The names are those of the store's text columns
** (watch_site.state, watch_check.outcome), which the API and the CLI show.
*/
#include <string.h>

#include "monitor/monitor.h"

/* A judged page scoring this much is an alert (the "medium" severity). */
#define ALERT_SCORE 30
/* Failed fetches in a row that confirm an outage (the first is retried
** soon, so a dropped connection is not reported as a site down). */
#define DOWN_AFTER 2

const char *const monitor_state_names[MONITOR_NSTATES] = {
	[MONITOR_LEARNING] = "learning",
	[MONITOR_OK] = "ok",
	[MONITOR_ALERT] = "alert",
	[MONITOR_DOWN] = "down",
};

static const char *const outcome_names[MONITOR_NOUTCOMES] = {
	[MONITOR_CHECK_OK] = "ok",
	[MONITOR_CHECK_CHANGED] = "changed",
	[MONITOR_CHECK_LEARNING] = "learning",
	[MONITOR_CHECK_ALERT] = "alert",
	[MONITOR_CHECK_DOWN] = "down",
	[MONITOR_CHECK_ERROR] = "error",
};

const char *monitor_state_name(enum monitor_state s)
{
	return (unsigned)s < MONITOR_NSTATES ? monitor_state_names[s] : "?";
}

int monitor_state_parse(const char *text, enum monitor_state *out)
{
	for (int s = 0; text && s < MONITOR_NSTATES; s++)
		if (strcmp(text, monitor_state_names[s]) == 0) {
			*out = (enum monitor_state)s;
			return 0;
		}
	return -1;
}

const char *monitor_outcome_name(enum monitor_outcome o)
{
	return (unsigned)o < MONITOR_NOUTCOMES ? outcome_names[o] : "?";
}

/* The outcome of a check, by what it showed:
**
**   fetch failed, DNS hijacked      alert     the name points elsewhere: that
**                                             is the finding, page or not
**   fetch failed, 2nd time or more  down
**   fetch failed, 1st time          error     retried soon, to confirm
**   page not analysed               error
**   page learned (no baseline)      learning  never an alert: without a
**                                             baseline there is nothing to
**                                             differ from, and a DNS change
**                                             is learned with the page
**   page judged, score >= 30        alert
**   page judged, 0 < score < 30     changed
**   page judged, score 0            ok
**
** A failed fetch adds to fail_streak and clears ok_streak; any page clears
** fail_streak; a judged page below the alert score adds to ok_streak, an
** alert clears it; learned and unread pages leave ok_streak as it was. */
struct monitor_evidence monitor_evidence_of(const struct monitor_facts *f, int64_t fail_streak,
					    int64_t ok_streak)
{
	struct monitor_evidence ev = { MONITOR_CHECK_ERROR, fail_streak, ok_streak };
	if (f->fetch_failed) {
		ev.fail_streak++;
		ev.ok_streak = 0;
		ev.outcome = f->dns_hijack                  ? MONITOR_CHECK_ALERT
			     : ev.fail_streak >= DOWN_AFTER ? MONITOR_CHECK_DOWN
							    : MONITOR_CHECK_ERROR;
		return ev;
	}
	switch (f->page) {
	case MONITOR_PAGE_UNREAD:
		break;
	case MONITOR_PAGE_LEARNED:
		ev.fail_streak = 0;
		ev.outcome = MONITOR_CHECK_LEARNING;
		break;
	case MONITOR_PAGE_JUDGED:
		ev.fail_streak = 0;
		if (f->score >= ALERT_SCORE) {
			ev.outcome = MONITOR_CHECK_ALERT;
			ev.ok_streak = 0;
		} else {
			ev.outcome = f->score > 0 ? MONITOR_CHECK_CHANGED : MONITOR_CHECK_OK;
			ev.ok_streak++;
		}
		break;
	}
	return ev;
}

/* The legal transitions. Rows: the state before the check; columns: its
** outcome; each cell the next state and the incident call.
**
**  before     ok, changed   learning      alert     down         error
**  learning   learning      ok            alert A   learning     learning
**  ok         ok            ok            alert A   down O       ok
**  alert      alert | ok R  alert | ok R  alert A   alert (O*)   alert
**  down       down | ok R   ok            alert A   down (O*)    down
**
**  A: MONITOR_CALL_ALERT, O: MONITOR_CALL_OUTAGE, R: MONITOR_CALL_RECOVER;
**  "x | ok R": x, or ok and R once ok_streak >= recover_after.
**  * the outage is reported again on the second failed fetch in a row
**    (fail_streak == 2): the site came back, short of recovering, and went
**    down again. Later failures of the same outage add nothing.
**
** So: a site leaves learning for ok when its first page is learned, or for
** alert only when its DNS is hijacked while it does not answer (a learned
** page is never an alert); a site never seen up is not reported down;
** alert and down are left only by recovery (recover_after matching checks,
** never on a failed one), except that a down site whose baseline had to be
** learned again is simply ok. Every alert outcome is reported, from any
** state: each is an observation of the site's incident. */
struct monitor_step monitor_transition(enum monitor_state cur, const struct monitor_evidence *ev,
				       int64_t recover_after)
{
	struct monitor_step s = { cur, MONITOR_CALL_NONE };
	bool lost = cur == MONITOR_ALERT || cur == MONITOR_DOWN;
	switch (ev->outcome) {
	case MONITOR_CHECK_ALERT:
		s.next = MONITOR_ALERT;
		s.call = MONITOR_CALL_ALERT;
		return s;
	case MONITOR_CHECK_DOWN:
		if (cur == MONITOR_OK) {
			s.next = MONITOR_DOWN;
			s.call = MONITOR_CALL_OUTAGE;
		} else if (lost && ev->fail_streak == DOWN_AFTER) {
			s.call = MONITOR_CALL_OUTAGE;
		}
		return s;
	case MONITOR_CHECK_ERROR:
		return s;
	case MONITOR_CHECK_LEARNING:
		if (cur == MONITOR_LEARNING || cur == MONITOR_DOWN)
			s.next = MONITOR_OK;
		break;
	case MONITOR_CHECK_OK:
	case MONITOR_CHECK_CHANGED:
	case MONITOR_NOUTCOMES:
		break;
	}
	/* recovery: enough checks in a row that match the baseline again */
	if ((s.next == MONITOR_ALERT || s.next == MONITOR_DOWN) &&
	    ev->ok_streak >= (recover_after > 1 ? recover_after : 1)) {
		s.next = MONITOR_OK;
		s.call = MONITOR_CALL_RECOVER;
	}
	return s;
}
