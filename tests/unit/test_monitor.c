/*
** test_monitor.c — the lifecycle of a watched site, without a network or a
** store: the names the store, the API and the CLI use for its states and
** its checks' outcomes; how a check is summed up (monitor_evidence_of: an
** outage only on the second failed fetch, no alert from a page learned
** without a baseline, the counters); and every pair of state and outcome
** through monitor_transition, checked against a table written here from
** the rules the monitor has always followed (not read from state.c), then
** recovery after exactly watch.recover_after matching checks, and whole
** walks of a site through learning, an outage and a defacement.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "monitor/monitor.h"

#define L MONITOR_LEARNING
#define O MONITOR_OK
#define A MONITOR_ALERT
#define D MONITOR_DOWN

static const enum monitor_state all_states[] = { L, O, A, D };
static const enum monitor_outcome all_outcomes[] = {
	MONITOR_CHECK_OK,    MONITOR_CHECK_CHANGED, MONITOR_CHECK_LEARNING,
	MONITOR_CHECK_ALERT, MONITOR_CHECK_DOWN,    MONITOR_CHECK_ERROR,
};
#define NS (sizeof(all_states) / sizeof(all_states[0]))
#define NO (sizeof(all_outcomes) / sizeof(all_outcomes[0]))

static struct monitor_step step(enum monitor_state cur, enum monitor_outcome o, int64_t fail,
				int64_t ok, int64_t recover_after)
{
	struct monitor_evidence ev = { o, fail, ok };
	return monitor_transition(cur, &ev, recover_after);
}

/* ------------------------------------------------------------- names */

static void state_names_are_the_stored_text(void **unused)
{
	(void)unused;
	/* the store's column, the API's JSON and the CLI's output */
	static const char *const want[] = { "learning", "ok", "alert", "down" };
	assert_int_equal(MONITOR_NSTATES, 4);
	for (size_t i = 0; i < NS; i++) {
		assert_string_equal(monitor_state_name(all_states[i]), want[i]);
		assert_string_equal(monitor_state_names[all_states[i]], want[i]);
		enum monitor_state s = MONITOR_NSTATES;
		assert_int_equal(monitor_state_parse(want[i], &s), 0);
		assert_int_equal(s, all_states[i]);
	}
	static const char *const bad[] = { "", "OK", "Alert", "alerted", "ok ", "downs", "error" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum monitor_state s = MONITOR_DOWN;
		assert_int_equal(monitor_state_parse(bad[i], &s), -1);
		assert_int_equal(s, MONITOR_DOWN); /* untouched */
	}
	enum monitor_state s = MONITOR_OK;
	assert_int_equal(monitor_state_parse(NULL, &s), -1);
}

static void outcome_names_are_the_stored_text(void **unused)
{
	(void)unused;
	static const char *const want[] = { "ok", "changed", "learning", "alert", "down", "error" };
	assert_int_equal(MONITOR_NOUTCOMES, 6);
	for (size_t i = 0; i < NO; i++)
		assert_string_equal(monitor_outcome_name(all_outcomes[i]), want[i]);
}

/* ----------------------------------------------------------- evidence */

static struct monitor_evidence ev_of(bool fetch_failed, bool hijack, enum monitor_page page,
				     int score, int64_t fail, int64_t ok)
{
	struct monitor_facts f = { fetch_failed, hijack, page, score };
	return monitor_evidence_of(&f, fail, ok);
}

static void outage_needs_a_second_failed_fetch(void **unused)
{
	(void)unused;
	/* the page of a failed fetch is never used, whatever was set */
	struct monitor_evidence e = ev_of(true, false, MONITOR_PAGE_JUDGED, 80, 0, 5);
	assert_int_equal(e.outcome, MONITOR_CHECK_ERROR);
	assert_int_equal(e.fail_streak, 1);
	assert_int_equal(e.ok_streak, 0);
	e = ev_of(true, false, MONITOR_PAGE_UNREAD, 0, 1, 0);
	assert_int_equal(e.outcome, MONITOR_CHECK_DOWN);
	assert_int_equal(e.fail_streak, 2);
	e = ev_of(true, false, MONITOR_PAGE_UNREAD, 0, 2, 0);
	assert_int_equal(e.outcome, MONITOR_CHECK_DOWN);
	assert_int_equal(e.fail_streak, 3);
	/* a page in between starts the count again */
	e = ev_of(false, false, MONITOR_PAGE_JUDGED, 0, 3, 0);
	assert_int_equal(e.fail_streak, 0);
	e = ev_of(true, false, MONITOR_PAGE_UNREAD, 0, e.fail_streak, e.ok_streak);
	assert_int_equal(e.outcome, MONITOR_CHECK_ERROR);
}

static void hijack_of_an_unreachable_site_is_an_alert(void **unused)
{
	(void)unused;
	/* at once, not after a confirmation: the name points elsewhere */
	struct monitor_evidence e = ev_of(true, true, MONITOR_PAGE_UNREAD, 75, 0, 4);
	assert_int_equal(e.outcome, MONITOR_CHECK_ALERT);
	assert_int_equal(e.fail_streak, 1);
	assert_int_equal(e.ok_streak, 0);
}

static void learned_page_is_never_an_alert(void **unused)
{
	(void)unused;
	/* no baseline to differ from: a DNS or certificate signal on a
	** learned page is learned with it */
	struct monitor_evidence e = ev_of(false, true, MONITOR_PAGE_LEARNED, 75, 1, 2);
	assert_int_equal(e.outcome, MONITOR_CHECK_LEARNING);
	assert_int_equal(e.fail_streak, 0);
	assert_int_equal(e.ok_streak, 2); /* not a matching check, not a mismatch */
}

static void unread_page_changes_nothing(void **unused)
{
	(void)unused;
	struct monitor_evidence e = ev_of(false, true, MONITOR_PAGE_UNREAD, 90, 1, 2);
	assert_int_equal(e.outcome, MONITOR_CHECK_ERROR);
	assert_int_equal(e.fail_streak, 1);
	assert_int_equal(e.ok_streak, 2);
}

static void judged_page_by_score(void **unused)
{
	(void)unused;
	struct monitor_evidence e = ev_of(false, false, MONITOR_PAGE_JUDGED, 0, 1, 2);
	assert_int_equal(e.outcome, MONITOR_CHECK_OK);
	assert_int_equal(e.fail_streak, 0);
	assert_int_equal(e.ok_streak, 3);
	e = ev_of(false, false, MONITOR_PAGE_JUDGED, 29, 0, 3);
	assert_int_equal(e.outcome, MONITOR_CHECK_CHANGED);
	assert_int_equal(e.ok_streak, 4);
	e = ev_of(false, false, MONITOR_PAGE_JUDGED, 30, 0, 4);
	assert_int_equal(e.outcome, MONITOR_CHECK_ALERT);
	assert_int_equal(e.ok_streak, 0);
	e = ev_of(false, true, MONITOR_PAGE_JUDGED, 75, 0, 4);
	assert_int_equal(e.outcome, MONITOR_CHECK_ALERT);
}

/* --------------------------------------------------------- transitions */

/* The expected step of every pair, short of recovery (ok_streak 0) and
** with an outage already reported (fail_streak 3). */
static const struct {
	enum monitor_state next;
	enum monitor_call call;
} table[4][6] = {
	/*            ok                      changed                 learning
	**            alert                   down                    error */
	[MONITOR_LEARNING] = {
		{ L, MONITOR_CALL_NONE }, { L, MONITOR_CALL_NONE }, { O, MONITOR_CALL_NONE },
		{ A, MONITOR_CALL_ALERT }, { L, MONITOR_CALL_NONE }, { L, MONITOR_CALL_NONE } },
	[MONITOR_OK] = {
		{ O, MONITOR_CALL_NONE }, { O, MONITOR_CALL_NONE }, { O, MONITOR_CALL_NONE },
		{ A, MONITOR_CALL_ALERT }, { D, MONITOR_CALL_OUTAGE }, { O, MONITOR_CALL_NONE } },
	[MONITOR_ALERT] = {
		{ A, MONITOR_CALL_NONE }, { A, MONITOR_CALL_NONE }, { A, MONITOR_CALL_NONE },
		{ A, MONITOR_CALL_ALERT }, { A, MONITOR_CALL_NONE }, { A, MONITOR_CALL_NONE } },
	[MONITOR_DOWN] = {
		{ D, MONITOR_CALL_NONE }, { D, MONITOR_CALL_NONE }, { O, MONITOR_CALL_NONE },
		{ A, MONITOR_CALL_ALERT }, { D, MONITOR_CALL_NONE }, { D, MONITOR_CALL_NONE } },
};

static void every_state_and_outcome(void **unused)
{
	(void)unused;
	for (size_t i = 0; i < NS; i++)
		for (size_t k = 0; k < NO; k++) {
			enum monitor_state s = all_states[i];
			enum monitor_outcome o = all_outcomes[k];
			struct monitor_step got = step(s, o, o == MONITOR_CHECK_DOWN ? 3 : 0, 0, 3);
			if (got.next != table[s][o].next || got.call != table[s][o].call)
				fail_msg("%s + %s: got %s (call %d), want %s (call %d)",
					 monitor_state_name(s), monitor_outcome_name(o),
					 monitor_state_name(got.next), (int)got.call,
					 monitor_state_name(table[s][o].next), (int)table[s][o].call);
		}
}

static void outage_reported_again_on_a_fresh_second_failure(void **unused)
{
	(void)unused;
	/* a site in alert or down that answered again, short of recovering,
	** and went down again: the outage is reported (an observation) on
	** the second failed fetch, and only then */
	for (enum monitor_state s = A; s <= D; s++) {
		struct monitor_step got = step(s, MONITOR_CHECK_DOWN, 2, 0, 3);
		assert_int_equal(got.next, s);
		assert_int_equal(got.call, MONITOR_CALL_OUTAGE);
		got = step(s, MONITOR_CHECK_DOWN, 4, 0, 3);
		assert_int_equal(got.call, MONITOR_CALL_NONE);
	}
	/* a site never seen up is not reported down */
	struct monitor_step got = step(L, MONITOR_CHECK_DOWN, 2, 0, 3);
	assert_int_equal(got.next, L);
	assert_int_equal(got.call, MONITOR_CALL_NONE);
	/* from ok, whatever the count (an accepted baseline keeps it) */
	got = step(O, MONITOR_CHECK_DOWN, 5, 0, 3);
	assert_int_equal(got.next, D);
	assert_int_equal(got.call, MONITOR_CALL_OUTAGE);
}

static void recovery_after_exactly_recover_after(void **unused)
{
	(void)unused;
	for (int64_t k = 1; k <= 5; k++)
		for (enum monitor_state s = A; s <= D; s++)
			for (enum monitor_outcome o = MONITOR_CHECK_OK; o <= MONITOR_CHECK_CHANGED;
			     o++) {
				struct monitor_step got = step(s, o, 0, k - 1, k);
				assert_int_equal(got.next, s);
				assert_int_equal(got.call, MONITOR_CALL_NONE);
				got = step(s, o, 0, k, k);
				assert_int_equal(got.next, O);
				assert_int_equal(got.call, MONITOR_CALL_RECOVER);
				got = step(s, o, 0, k + 7, k);
				assert_int_equal(got.next, O);
				assert_int_equal(got.call, MONITOR_CALL_RECOVER);
			}
	/* an alert whose baseline was learned again recovers on the same rule */
	struct monitor_step got = step(A, MONITOR_CHECK_LEARNING, 0, 3, 3);
	assert_int_equal(got.next, O);
	assert_int_equal(got.call, MONITOR_CALL_RECOVER);
	got = step(A, MONITOR_CHECK_LEARNING, 0, 2, 3);
	assert_int_equal(got.next, A);
	/* a down site whose baseline was learned again is simply ok */
	got = step(D, MONITOR_CHECK_LEARNING, 0, 0, 3);
	assert_int_equal(got.next, O);
	assert_int_equal(got.call, MONITOR_CALL_NONE);
}

static void never_recovers_on_a_failed_or_alerting_check(void **unused)
{
	(void)unused;
	static const enum monitor_outcome no[] = { MONITOR_CHECK_ALERT, MONITOR_CHECK_DOWN,
						   MONITOR_CHECK_ERROR };
	for (enum monitor_state s = A; s <= D; s++)
		for (size_t i = 0; i < 3; i++)
			for (int64_t fail = 1; fail <= 3; fail++) {
				struct monitor_step got = step(s, no[i], fail, 50, 3);
				assert_int_not_equal(got.next, O);
				assert_int_not_equal(got.call, MONITOR_CALL_RECOVER);
			}
}

static void invariants_over_every_input(void **unused)
{
	(void)unused;
	for (size_t i = 0; i < NS; i++)
		for (size_t k = 0; k < NO; k++)
			for (int64_t fail = 0; fail <= 4; fail++)
				for (int64_t ok = 0; ok <= 4; ok++)
					for (int64_t ra = 1; ra <= 4; ra++) {
						enum monitor_state s = all_states[i];
						enum monitor_outcome o = all_outcomes[k];
						struct monitor_step g = step(s, o, fail, ok, ra);
						/* nothing goes back to learning */
						if (s != L)
							assert_int_not_equal(g.next, L);
						/* only an alert outcome alerts, and always */
						if (s != A)
							assert_int_equal(g.next == A,
									 o == MONITOR_CHECK_ALERT);
						assert_int_equal(g.call == MONITOR_CALL_ALERT,
								 o == MONITOR_CHECK_ALERT);
						/* only a down outcome reports an outage */
						if (g.call == MONITOR_CALL_OUTAGE)
							assert_int_equal(o, MONITOR_CHECK_DOWN);
						/* down is entered only from ok */
						if (g.next == D && s != D)
							assert_int_equal(s, O);
						/* recovery: from alert or down to ok */
						if (g.call == MONITOR_CALL_RECOVER) {
							assert_true(s == A || s == D);
							assert_int_equal(g.next, O);
							assert_true(ok >= ra);
						}
					}
}

/* --------------------------------------------------------------- walks */

struct site {
	enum monitor_state state;
	int64_t fail, ok;
};

/* One check of s with facts f; returns the call made. */
static enum monitor_call check(struct site *s, bool fetch_failed, bool hijack,
			       enum monitor_page page, int score, int64_t recover_after)
{
	struct monitor_facts f = { fetch_failed, hijack, page, score };
	struct monitor_evidence ev = monitor_evidence_of(&f, s->fail, s->ok);
	struct monitor_step st = monitor_transition(s->state, &ev, recover_after);
	s->state = st.next;
	s->fail = ev.fail_streak;
	s->ok = ev.ok_streak;
	return st.call;
}

#define FAIL(s) check(s, true, false, MONITOR_PAGE_UNREAD, 0, 3)
#define PAGE(s, score) check(s, false, false, MONITOR_PAGE_JUDGED, score, 3)

static void walk_learning_and_outage(void **unused)
{
	(void)unused;
	struct site s = { L, 0, 0 };
	/* down before it was ever seen up: nothing to report */
	assert_int_equal(FAIL(&s), MONITOR_CALL_NONE);
	assert_int_equal(FAIL(&s), MONITOR_CALL_NONE);
	assert_int_equal(s.state, L);
	/* the first page is learned */
	assert_int_equal(check(&s, false, false, MONITOR_PAGE_LEARNED, 0, 3), MONITOR_CALL_NONE);
	assert_int_equal(s.state, O);
	assert_int_equal(PAGE(&s, 0), MONITOR_CALL_NONE);
	/* one failed fetch is retried, the second is the outage */
	assert_int_equal(FAIL(&s), MONITOR_CALL_NONE);
	assert_int_equal(s.state, O);
	assert_int_equal(FAIL(&s), MONITOR_CALL_OUTAGE);
	assert_int_equal(s.state, D);
	assert_int_equal(FAIL(&s), MONITOR_CALL_NONE);
	/* back, but two matching checks are not three */
	assert_int_equal(PAGE(&s, 0), MONITOR_CALL_NONE);
	assert_int_equal(PAGE(&s, 10), MONITOR_CALL_NONE);
	assert_int_equal(s.state, D);
	/* down again: told again on the second failure */
	assert_int_equal(FAIL(&s), MONITOR_CALL_NONE);
	assert_int_equal(FAIL(&s), MONITOR_CALL_OUTAGE);
	assert_int_equal(PAGE(&s, 0), MONITOR_CALL_NONE);
	assert_int_equal(PAGE(&s, 0), MONITOR_CALL_NONE);
	assert_int_equal(PAGE(&s, 0), MONITOR_CALL_RECOVER);
	assert_int_equal(s.state, O);
	assert_int_equal(PAGE(&s, 0), MONITOR_CALL_NONE);
}

static void walk_defacement_and_hijack(void **unused)
{
	(void)unused;
	struct site s = { O, 0, 0 };
	assert_int_equal(PAGE(&s, 85), MONITOR_CALL_ALERT);
	assert_int_equal(s.state, A);
	/* still defaced: each check is an observation */
	assert_int_equal(PAGE(&s, 85), MONITOR_CALL_ALERT);
	/* taken offline to be cleaned: the outage joins the incident */
	assert_int_equal(FAIL(&s), MONITOR_CALL_NONE);
	assert_int_equal(FAIL(&s), MONITOR_CALL_OUTAGE);
	assert_int_equal(s.state, A);
	/* restored; a defaced check in between starts the count again */
	assert_int_equal(PAGE(&s, 0), MONITOR_CALL_NONE);
	assert_int_equal(PAGE(&s, 0), MONITOR_CALL_NONE);
	assert_int_equal(PAGE(&s, 40), MONITOR_CALL_ALERT);
	assert_int_equal(PAGE(&s, 0), MONITOR_CALL_NONE);
	assert_int_equal(PAGE(&s, 0), MONITOR_CALL_NONE);
	assert_int_equal(s.state, A);
	assert_int_equal(PAGE(&s, 0), MONITOR_CALL_RECOVER);
	assert_int_equal(s.state, O);
	/* a learning site whose name is taken while it does not answer */
	struct site n = { L, 0, 0 };
	assert_int_equal(check(&n, true, true, MONITOR_PAGE_UNREAD, 75, 3), MONITOR_CALL_ALERT);
	assert_int_equal(n.state, A);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(state_names_are_the_stored_text),
		cmocka_unit_test(outcome_names_are_the_stored_text),
		cmocka_unit_test(outage_needs_a_second_failed_fetch),
		cmocka_unit_test(hijack_of_an_unreachable_site_is_an_alert),
		cmocka_unit_test(learned_page_is_never_an_alert),
		cmocka_unit_test(unread_page_changes_nothing),
		cmocka_unit_test(judged_page_by_score),
		cmocka_unit_test(every_state_and_outcome),
		cmocka_unit_test(outage_reported_again_on_a_fresh_second_failure),
		cmocka_unit_test(recovery_after_exactly_recover_after),
		cmocka_unit_test(never_recovers_on_a_failed_or_alerting_check),
		cmocka_unit_test(invariants_over_every_input),
		cmocka_unit_test(walk_learning_and_outage),
		cmocka_unit_test(walk_defacement_and_hijack),
	};
	return cmocka_run_group_tests_name("monitor", tests, NULL, NULL);
}
