/*
** incident.h — the hub: incidents from detection to closure.
**
** Detectors (website watch, report feeds, DDoS) call incident_report() and
** nothing else: it opens an incident for an organisation or, when one with
** the same dedup key is open, adds an observation to it, so a site defaced
** for a day is one incident with many observations. People create incidents
** (incident_create: analysts, and constituents reporting their own), move
** them through the lifecycle (incident_transition), assign them, merge
** duplicates, link related ones, talk inside them (internal notes and
** messages shared with the organisation) and attach evidence.
**
** Every function here checks the caller's scope through identity (an
** incident outside it is "not found"), writes through the store, appends to
** the audit log and queues the notifications the change calls for, all in
** the caller's transaction: the change, its record and its mail commit
** together or not at all.
*/
#ifndef PARAPET_INCIDENT_H
#define PARAPET_INCIDENT_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "core/core.h"
#include "identity/identity.h"
#include "store/store.h"

/* Lifecycle states, in order along the main path. */
extern const char *const incident_states[8];
/* May an incident go from -> to by a transition (merge excluded)? */
bool incident_transition_legal(const char *from, const char *to);
/* Is (class, type) in the RSIT taxonomy shipped in data/rsit.csv? */
bool incident_rsit_valid(const char *class_, const char *type);
/* Is class_ a classification (first column) of that taxonomy? For records
** that carry a class without a type (indicators, issue 15). */
bool incident_rsit_class_valid(const char *class_);
/* Index 0..3 of low, medium, high, critical; -1 if none of them. */
int incident_severity_rank(const char *severity);
/* The states an incident is open in (NULL-terminated): every one but
** closed, rejected and duplicate -- a recovered incident still takes
** observations and awaits closing. The dashboard's "open" counts and
** `status=open` both mean these. */
extern const char *const incident_open_states[6];
/* The status and severity filters of an incident list as a user typed them
** (API query or CLI option; NULL = no filter), checked and put in f. status
** is a state, a comma-separated list of states, or "open"
** (incident_open_states); severity is low, medium, high or critical.
** f->status and f->severity then point at this module's constant strings,
** never into the arguments. Returns 0, or -1 with PERR_INVALID naming the
** field ("status", "severity") and listing the values allowed. */
int incident_filter_set(struct store_incident_filter *f, const char *status,
			const char *severity, struct perr *err);

/* Limits of texts that are not one store field: a report's key (kind, "/"
** and key make the incident's dedup_key) and a message body. */
#define INCIDENT_KEY_MAX 190
#define INCIDENT_MESSAGE_MAX 65536

/* What a detector (or POST /api/v1/reports) says it saw. */
struct incident_report_spec {
	int64_t org_id;
	const char *kind;     /* detector kind, e.g. "defacement"; required */
	const char *key;      /* dedup key within the organisation; required */
	const char *severity; /* low, medium, high, critical */
	const char *summary;
	const char *evidence; /* JSON object text, or NULL */
	const char *title;    /* optional; default from kind and key */
	const char *class_;   /* optional RSIT; default from data/kinds.csv */
	const char *type;
	const char *tlp;      /* optional; default AMBER */
	const char *source;   /* monitor, feed, flow, report; default report */
	int64_t detected_ms;  /* 0 = now */
};

struct incident_report_result {
	int64_t id;
	bool created;          /* false: an observation of an open incident */
	int64_t reopened_from; /* a closed incident with the same key, or 0 */
};

/* Open an incident or add an observation. p (NULL = a detector inside
** Parapet) must be an analyst or admin (identity_is_analyst: a detector's
** API token is a token of such an account, possibly narrowed) and able to
** see the organisation; FORBIDDEN for a responder or constituent. A new incident of high or
** critical severity is routed to a team by the routing rules and assigned
** to its on-call responder. Call in a transaction. */
int incident_report(struct store *st, const struct config *cfg, const struct principal *p,
		    const char *actor, const struct incident_report_spec *spec,
		    struct incident_report_result *res, struct perr *err);

/* An incident opened by a person: analysts choose everything; a constituent
** reports for their own organisation and it starts in state new. A
** responder may not open one (FORBIDDEN, before the organisation is looked
** up): it works the incidents its team is given, and opening work for any
** organisation is triage, the analysts' job. */
struct incident_spec {
	int64_t org_id;
	const char *title, *summary, *class_, *type, *severity, *tlp;
};
int incident_create(struct store *st, const struct config *cfg, const struct principal *p,
		    const char *actor, const struct incident_spec *spec,
		    struct store_incident *out, struct perr *err);

/* Load an incident p may see (NOTFOUND otherwise, never FORBIDDEN). */
int incident_get(struct store *st, const struct principal *p, int64_t id,
		 struct store_incident *out, struct perr *err);

/* Change state; records who and when, sets the milestone times. */
int incident_transition(struct store *st, const struct config *cfg, const struct principal *p,
			const char *actor, int64_t id, const char *to,
			struct store_incident *out, struct perr *err);
/* A detector saw the problem of incident id gone (the site matches its
** baseline again): an open incident moves to recovered along legal steps
** (new and triaged pass through in_progress), each recorded with actor.
** One that people already settled is left alone (*moved false). Call in a
** transaction. */
int incident_detector_recovered(struct store *st, const struct config *cfg, const char *actor,
				int64_t id, bool *moved, struct perr *err);
/* Merge id into into: id becomes duplicate; into keeps messages, evidence and
** observations. */
int incident_merge(struct store *st, const struct config *cfg, const struct principal *p,
		   const char *actor, int64_t id, int64_t into, struct perr *err);
int incident_link(struct store *st, const struct principal *p, const char *actor, int64_t a,
		  int64_t b, struct perr *err);
/* Assign to a user and/or a team (0 leaves that part unassigned). */
int incident_assign(struct store *st, const struct config *cfg, const struct principal *p,
		    const char *actor, int64_t id, int64_t user_id, int64_t team_id,
		    struct store_incident *out, struct perr *err);
/* Change severity, TLP, title, summary or classification (NULL = keep). */
struct incident_edit {
	const char *title, *summary, *class_, *type, *severity, *tlp;
};
int incident_update(struct store *st, const struct principal *p, const char *actor,
		    int64_t id, const struct incident_edit *e, struct store_incident *out,
		    struct perr *err);

/* Post to the thread. Constituents can only post shared messages. A shared
** message is mailed to the organisation's contacts in their language. */
int incident_message(struct store *st, const struct config *cfg, const struct principal *p,
		     const char *actor, int64_t id, const char *body, const char *visibility,
		     struct store_message *out, struct perr *err);
/* The thread as p may read it (no internal notes for constituents). */
int incident_messages(struct store *st, const struct principal *p, int64_t id,
		      store_message_fn fn, void *ud, struct perr *err);

/* Store data as evidence (content-addressed by SHA-256 under blob_dir). */
int incident_evidence_add(struct store *st, const struct config *cfg,
			  const struct principal *p, const char *actor, const char *blob_dir,
			  int64_t id, const char *name, const void *data, size_t len,
			  const char *visibility, struct store_evidence *out, struct perr *err);
/* Evidence eid of incident id if p may read it; path gets the blob's file. */
int incident_evidence_get(struct store *st, const struct principal *p, const char *blob_dir,
			  int64_t id, int64_t eid, struct store_evidence *out, char *path,
			  size_t pathsz, struct perr *err);
int incident_evidence_list(struct store *st, const struct principal *p, int64_t id,
			   store_evidence_fn fn, void *ud, struct perr *err);

/* List what p may see. cursor (in/out): "" for the first page; on return
** the cursor of the next page, or "" at the end. */
int incident_list(struct store *st, const struct config *cfg, const struct principal *p,
		  struct store_incident_filter *f, const char *cursor_in, char cursor_out[64],
		  store_incident_fn fn, void *ud, struct perr *err);

/* Durations in ms from opening to acknowledge, contain, recover, close
** (-1 where the milestone has not been reached). */
void incident_durations(const struct store_incident *i, int64_t out[4]);
/* SLA state at now: bit 1 acknowledge overdue, bit 2 contain overdue. */
int incident_sla_state(const struct config *cfg, const struct store_incident *i, int64_t now_ms);
/* Flag newly overdue incidents and queue escalations to the team lead (or
** every admin with an address when no team lead). Call in a transaction;
** *escalated gets the number of incidents flagged. */
int incident_sla_sweep(struct store *st, const struct config *cfg, int64_t now_ms,
		       int *escalated, struct perr *err);

/* A routing rule: incidents of high or critical severity matching province,
** kind and class ("" or NULL = any) go to team_id, lowest priority first. */
struct route_rule_spec {
	int64_t priority; /* 0 to 1000000 */
	const char *province, *kind, *class_;
	int64_t team_id;
};
/* Add a routing rule. Text longer than the store keeps, not UTF-8 or with a
** control character is refused, never cut: PERR_INVALID naming "province",
** "kind" or "class"; also "priority" out of range, "province" unknown and
** "team" absent. Audited; call in a transaction. *out gets the rule. */
int incident_route_rule_add(struct store *st, const char *actor,
			    const struct route_rule_spec *spec, struct store_route_rule *out,
			    struct perr *err);
/* Delete rule id (PERR_NOTFOUND "no such rule"). Audited; call in a
** transaction. */
int incident_route_rule_delete(struct store *st, const char *actor, int64_t id,
			       struct perr *err);

/* The SLA sweep as a timed job of `parapet serve` (notify_job_start):
** incident_sla_sweep at now_ms, logged; returns how many incidents it
** escalated, or -1 with err. */
int incident_sla_job_pass(struct store *st, const struct config *cfg, int64_t now_ms,
			  struct perr *err);

#endif
