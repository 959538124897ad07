/*
** monitor.h — the website monitor: every URL asset of the constituency is
** checked on its schedule, and what looks like an attack becomes an
** incident through incident_report(), tracked until the site is itself
** again.
**
** One pass (monitor_pass) takes the sites that are due from the store,
** resolves their names with our own DNS client (dns module) so the address
** checked is the one recorded, fetches them all at once (fetch module),
** analyses the pages on worker threads (watch module: features, baseline,
** verdict), and writes each check with its consequences in one transaction
** per batch: the check row, the site's new state and schedule, the incident
** report, the automatic recovery. Nothing about a site is kept in memory
** between passes, so a restart loses nothing and 10,000 sites cost only the
** pass in flight.
**
** The schedule is durable (watch_site.next_due_ms): a site keeps its phase
** (next = previous due + interval), a first failed fetch is retried after
** 30 s so an outage is confirmed before it is reported, and a site whose
** check is more than one interval late is flagged as a missed check, logged
** and counted, so a monitor that falls behind never does so silently.
*/
#ifndef PARAPET_MONITOR_H
#define PARAPET_MONITOR_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "config/config.h"
#include "core/core.h"
#include "identity/identity.h"
#include "store/store.h"

/* ------------------------------------------------ site states (state.c) */

/* Where a watched site stands. The store keeps the name (watch_site.state),
** the API and the CLI show it; monitor_state_names is the one table of
** those names, indexed by the enum. */
enum monitor_state {
	MONITOR_LEARNING, /* no baseline yet: collecting the first sample */
	MONITOR_OK,       /* serving what its baseline expects */
	MONITOR_ALERT,    /* an open detection (defacement, hijack, ...) */
	MONITOR_DOWN,     /* a confirmed outage of a site that had been up */
	MONITOR_NSTATES
};
extern const char *const monitor_state_names[MONITOR_NSTATES];
/* The name of s ("learning", "ok", "alert", "down"). */
const char *monitor_state_name(enum monitor_state s);
/* The state named text into *out; -1 (and *out untouched) for any other
** text, NULL included. */
int monitor_state_parse(const char *text, enum monitor_state *out);

/* The outcome of one check, as its row records it (watch_check.outcome). */
enum monitor_outcome {
	MONITOR_CHECK_OK,       /* the page matches its baseline */
	MONITOR_CHECK_CHANGED,  /* changed, below the alert threshold */
	MONITOR_CHECK_LEARNING, /* no baseline to judge by: the page was learned */
	MONITOR_CHECK_ALERT,    /* a detection: the page, or the DNS of an unreachable site */
	MONITOR_CHECK_DOWN,     /* the second failed fetch in a row, or later */
	MONITOR_CHECK_ERROR,    /* a first failed fetch, or a page not analysed */
	MONITOR_NOUTCOMES
};
/* "ok", "changed", "learning", "alert", "down", "error". */
const char *monitor_outcome_name(enum monitor_outcome o);

/* The facts of one check that a site's state depends on. */
enum monitor_page {
	MONITOR_PAGE_UNREAD,  /* fetched, but not analysed (the analysis failed) */
	MONITOR_PAGE_LEARNED, /* no baseline to judge by: learned from */
	MONITOR_PAGE_JUDGED,  /* judged against the baseline: score */
};
struct monitor_facts {
	bool fetch_failed;      /* no page: transport error or HTTP 5xx (page unused) */
	bool dns_hijack;        /* A/AAAA/NS now name what the organisation does not own */
	enum monitor_page page;
	int score;              /* the verdict's score (page, certificate, DNS, HTTP) */
};

/* What one check showed, summed up for the transition: its outcome and the
** site's counters after it. */
struct monitor_evidence {
	enum monitor_outcome outcome;
	int64_t fail_streak; /* failed fetches in a row, this one included */
	int64_t ok_streak;   /* judged checks in a row below the alert score */
};

/* The evidence of a check with facts f, of a site whose counters were
** fail_streak and ok_streak before it. Pure. */
struct monitor_evidence monitor_evidence_of(const struct monitor_facts *f, int64_t fail_streak,
					    int64_t ok_streak);

/* What a transition asks of the incident hub. */
enum monitor_call {
	MONITOR_CALL_NONE,
	MONITOR_CALL_ALERT,   /* report the detection (opens or adds to the incident) */
	MONITOR_CALL_OUTAGE,  /* report the site unreachable */
	MONITOR_CALL_RECOVER, /* the site is itself again: its incident recovers */
};

struct monitor_step {
	enum monitor_state next;
	enum monitor_call call;
};

/* The one transition function of a site: from cur, after a check that
** showed ev, with watch.recover_after = recover_after (>= 1). Pure: no
** store, no clock. state.c has the table of legal transitions. */
struct monitor_step monitor_transition(enum monitor_state cur, const struct monitor_evidence *ev,
				       int64_t recover_after);

/* ------------------------------------------------------------- a pass */

struct monitor_stats {
	int64_t checked;     /* sites checked in the pass */
	int64_t learning;    /* of which still learning their baseline */
	int64_t ok, changed, alerts, down, errors;
	int64_t incidents;   /* incident reports made (new or observation) */
	int64_t recovered;   /* incidents moved to recovered */
	int64_t missed;      /* sites newly flagged as missed checks */
	int64_t dns_changes, cert_changes;
	int64_t bytes;       /* body bytes fetched */
};

/* One pass at now_ms: flag missed checks, then check every site due (in batches of watch.batch) once. blob_dir keeps the
** pages baselines learn from and pages that are evidence. Adds to *stats.
** all: every enabled site, due or not (a full pass for benchmarks and after
** a change of configuration). Returns 0, or -1 when the pass could not run
** (store, options). */
int monitor_pass(struct store *st, const struct config *cfg, const char *blob_dir,
		 int64_t now_ms, bool all, struct monitor_stats *stats, struct perr *err);

/* An analyst accepts the site's current page as its new baseline (a
** legitimate redesign): the baseline is learned again from the body of the
** latest check, the site is ok, and an open incident of the site is moved
** to recovered. p must be an analyst or admin (identity_is_analyst); a
** responder may not. Call in a transaction. */
int monitor_accept_baseline(struct store *st, const struct config *cfg, const char *blob_dir,
			    const struct principal *p, const char *actor, int64_t site_id,
			    struct perr *err);

/* ------------------------------------------------- sites for people (sites.c) */

/* The site as the API and the CLI show it (a new reference). */
json_t *monitor_site_json(const struct store_watch_site *w);
/* Sites p may see (of org_id / state when given), by id after after_id,
** appended to items; *next is the last id when the page is full, else 0.
** A state that is not one of monitor_state_names is INVALID (field state). */
int monitor_site_list(struct store *st, const struct principal *p, int64_t org_id,
		      const char *state, int64_t after_id, int64_t limit, json_t *items,
		      int64_t *next, struct perr *err);
/* Enabled sites per state, counts[state], and in *missed how many missed a
** check: of one organisation (org > 0), one province (province not NULL)
** or all (the caller has checked the scope). */
int monitor_site_counts(struct store *st, int64_t org, const char *province,
			int64_t counts[MONITOR_NSTATES], int64_t *missed, struct perr *err);
/* One site if p may see it (NOTFOUND otherwise, existence not revealed). */
int monitor_site_get(struct store *st, const struct principal *p, int64_t id, json_t **out,
		     struct perr *err);
/* Analyst settings of a site: interval in seconds (0 = keep, else 30 to
** 86400) and enabled (-1 = keep); analysts and admins only (FORBIDDEN for
** a responder or constituent); audited. Call in a transaction. */
int monitor_site_configure(struct store *st, const struct principal *p, const char *actor,
			   int64_t id, int64_t interval_s, int enabled, json_t **out,
			   struct perr *err);
/* Checks of a site p may see, newest first, before before_id (0 = newest). */
int monitor_site_checks(struct store *st, const struct principal *p, int64_t id,
			int64_t before_id, int64_t limit, json_t *items, struct perr *err);

/* Declare the DNS answers a site must give, {"a":[...],"aaaa":[...],
** "ns":[...],"ns_parent":[...],"mx":[...],"caa":[...]} (a type left out is
** not compared; an empty list expects none), or with decl NULL forget them
** so the next check learns them again. Analysts and admins only;
** audited. Call in a transaction. */
int monitor_site_declare_dns(struct store *st, const struct principal *p, const char *actor,
			     int64_t id, const json_t *decl, json_t **out, struct perr *err);
/* The latest security posture grade of a site p may see: {site, grade,
** score, graded, detail (findings)}; grade, score and graded are null
** before the first grade. */
int monitor_site_posture(struct store *st, const struct principal *p, int64_t id, json_t **out,
			 struct perr *err);
/* An organisation's grade from the latest grades of its sites (the caller
** has checked that the organisation is visible). grade is null when no site
** has been graded yet. */
int monitor_org_posture(struct store *st, int64_t org_id, json_t **out, struct perr *err);

/* ------------------------------------- whose hosts are whose (owners.c) */

/* What the content judge is told about the constituency (watch_context,
** watch.h): every organisation's domains (domain assets, and the host of a
** URL asset that is a whole site, "https://host/"), loaded once and shared
** by every site of a monitor pass; read-only after loading, so the analysis
** threads may use one concurrently. */
struct watch_context;
struct monitor_owners;
/* Load them from st (NULL: an empty list). *out: free with
** monitor_owners_free. 0, or -1 with err (store, out of memory). */
int monitor_owners_load(struct store *st, struct monitor_owners **out, struct perr *err);
void monitor_owners_free(struct monitor_owners *m);
/* The context of a page of organisation org (0: nobody's): own = org's
** domains, others = every organisation's domains sorted by domain (the
** owner's too: the judge takes the longest match, a tie being own). ctx
** borrows from m (NULL m: an empty context). */
void monitor_owners_context(const struct monitor_owners *m, int64_t org,
			    struct watch_context *ctx);
/* The one context of `parapet watch analyze` (the offline case): own =
** the domains of the organisation that owns url (a URL or a bare host: the
** URL asset it is under, else the domain its host is under; none when st or
** url is NULL) and the domains listed in own ("a.ir,b.ir", NULL for none),
** others = every organisation's domains. st is only read. *holder keeps
** what ctx borrows: free it with monitor_owners_free after the judgement.
** PERR_INVALID with field "own" for an entry of own that is not a domain
** (domain assets' rule: ASCII, punycode for an IDN; at most 64). */
int monitor_watch_context(struct store *st, const char *url, const char *own,
			  struct monitor_owners **holder, struct watch_context *ctx,
			  struct perr *err);
/* The organisation monitor_watch_context found owning the page (0: none). */
int64_t monitor_owners_org(const struct monitor_owners *m);

/* The monitor thread of `parapet serve`: a pass every second (sooner when
** kicked). db_path is opened on the thread's own connection. */
struct monitor;
int monitor_start(const struct config *cfg, const char *db_path, struct monitor **out,
		  struct perr *err);
void monitor_stop(struct monitor *m);
/* Counters since start, for /metrics (all zero when no monitor runs). */
void monitor_metrics(struct pbuf *out);

#endif
