/*
** store.h — Parapet's persistence interface.
**
** Domain modules call these functions and never see SQL. Behind them is one
** backend today, SQLite (WAL, foreign keys, busy timeout, one connection per
** thread); the row structs and calls here are backend-neutral so that a
** PostgreSQL backend can be added behind the same names without changing any
** caller. Every write that an API request or a CLI command makes runs inside
** store_begin/store_commit, and a failed request calls store_rollback, so
** nothing is ever half-written.
**
** Ownership: row structs are plain values with fixed-size text fields that the
** caller owns; list calls hand each row to a callback, valid only during the
** call. Text fields longer than the struct admits are refused at validation
** time by the domain layer, never silently truncated here.
*/
#ifndef PARAPET_STORE_H
#define PARAPET_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"

/* The most bytes of text the char array member of struct type holds (its
** size less the NUL). Decoders and domain checks take their length limits
** from here, so a limit and the field it guards cannot drift apart. */
#define STORE_TEXT_MAX(type, member) (sizeof(((struct type *)0)->member) - 1)

struct store;

/* Open the existing database at path, one connection. The connection
** belongs to the calling thread. Returns 0 or -1 with err: PERR_NOTFOUND
** (field "data", the message naming path) when there is no database there
** -- it never makes one; a read-only directory or database file is named as
** such (PERR_INVALID, field "data"), not as SQLite's "unable to open
** database file". */
int store_open(const char *path, struct store **out, struct perr *err);
/* store_open, but make an empty database at path when there is none (its
** directory must exist). For the commands that create one: `migrate` and
** `serve --create`; every other caller uses store_open. */
int store_create(const char *path, struct store **out, struct perr *err);
/* For a connection that mostly writes (the website monitor): no memory map
** and an 8 MB page cache, so its process does not hold the database in its
** own memory. */
void store_lean(struct store *st);
void store_close(struct store *st);
/* Lower the bound on the text of the queries the store builds from a filter
** (0: each builder's own, 16-32 KiB, which every filter fits). For tests: a
** query that does not fit is refused with PERR_LIMIT, never run shorter. */
void store_set_query_max(struct store *st, size_t max);

/* The data directory (store_dir.c). */

/* 0 when dir is writable by this process (or does not exist yet); else -1
** with PERR_INVALID naming dir and saying read-only (a read-only file
** system, or no write permission for this user). */
int store_dir_writable(const char *dir, struct perr *err);

struct store_dir_lock;
/* Take the data directory's exclusive lock: flock(LOCK_EX | LOCK_NB) on
** DIR/parapet.lock, then write this process's pid in it. For the commands
** that must be alone on a directory (`serve`, the foreground monitor): the
** mail and webhook sender, the monitor and the watched-directory importer
** would otherwise run twice. what names the caller in the message ("parapet
** serve"). Fails with PERR_CONFLICT, the message naming the holder's pid,
** when another process holds it; with PERR_INVALID when the directory is
** read-only. The kernel releases the lock when the process ends, however it
** ends. *out is freed by store_dir_unlock (NULL is a no-op). */
int store_dir_lock(const char *dir, const char *what, struct store_dir_lock **out,
		   struct perr *err);
void store_dir_unlock(struct store_dir_lock *l);

/* Apply every migration this binary knows and the database lacks, each in its
** own transaction. Refuses a database made by a newer binary. *applied gets
** the number applied (may be NULL). */
int store_migrate(struct store *st, int *applied, struct perr *err);
/* Schema version of the database and the newest this binary knows. */
int store_schema_version(struct store *st, int *db, int *known, struct perr *err);

int store_begin(struct store *st, struct perr *err);  /* BEGIN IMMEDIATE */
int store_commit(struct store *st, struct perr *err);
void store_rollback(struct store *st);
/* Inside a transaction: a part that can fail alone (one site of a batch).
** store_savepoint_end keeps its writes, or undoes only them. */
int store_savepoint(struct store *st, struct perr *err);
void store_savepoint_end(struct store *st, bool keep);

/* A counter bumped (inside the writing transaction) whenever assets change,
** so that every process can tell its owner index is stale. */
int store_asset_generation(struct store *st, int64_t *gen, struct perr *err);
/* Moves (triggers, migration 0005) whenever an incident, a message or an
** organisation changes: what an incident list shows. */
int store_incident_generation(struct store *st, int64_t *gen, struct perr *err);

/* Number of store errors since start (for /metrics). */
uint64_t store_error_count(void);

/* ---------------------------------------------------------- provinces */

struct store_province { char name[64]; char name_fa[128]; };
typedef int (*store_province_fn)(void *ud, const struct store_province *p);
int store_province_list(struct store *st, store_province_fn fn, void *ud, struct perr *err);
bool store_province_exists(struct store *st, const char *name);
/* Replace all provinces (only allowed while no organisation uses a missing one). */
int store_province_clear(struct store *st, struct perr *err);
int store_province_add(struct store *st, const struct store_province *p, struct perr *err);

/* ------------------------------------------------------- organisations */

struct store_org {
	int64_t id;
	char name[256];
	char sector[64];
	char province[64];
	int64_t parent_id; /* 0 = none */
	int64_t created_ms;
};
struct store_org_filter {
	const char *province; /* NULL = any */
	int64_t org_id;       /* 0 = any */
	const char *q;        /* substring of name, NULL = any */
	int64_t limit, offset;
};
typedef int (*store_org_fn)(void *ud, const struct store_org *o);
int store_org_insert(struct store *st, struct store_org *o, struct perr *err);
int store_org_update(struct store *st, const struct store_org *o, struct perr *err);
int store_org_get(struct store *st, int64_t id, struct store_org *o, struct perr *err);
int store_org_by_name(struct store *st, const char *name, struct store_org *o, struct perr *err);
int store_org_delete(struct store *st, int64_t id, struct perr *err);
int store_org_list(struct store *st, const struct store_org_filter *f,
		   store_org_fn fn, void *ud, int64_t *total, struct perr *err);

/* --------------------------------------------------------------- assets */

struct store_asset {
	int64_t id;
	int64_t org_id;
	char type[16];   /* cidr, domain, url, asn, product */
	char value[512]; /* canonical form */
	int64_t created_ms;
};
typedef int (*store_asset_fn)(void *ud, const struct store_asset *a);
int store_asset_insert(struct store *st, struct store_asset *a, struct perr *err);
int store_asset_get(struct store *st, int64_t id, struct store_asset *a, struct perr *err);
int store_asset_delete(struct store *st, int64_t id, struct perr *err);
/* org_id 0 = every asset (to build the owner index). */
int store_asset_list(struct store *st, int64_t org_id, store_asset_fn fn, void *ud,
		     struct perr *err);
/* The asset of that type and canonical value, if any (for conflict checks). */
int store_asset_find(struct store *st, const char *type, const char *value,
		     struct store_asset *a, struct perr *err);

/* ------------------------------------------------------------- contacts */

struct store_contact {
	int64_t id;
	int64_t org_id;
	char name[128];
	char email[256];
	char phone[64];
	char role[64];
	char lang[4];
	char pgp[64];
};
typedef int (*store_contact_fn)(void *ud, const struct store_contact *c);
int store_contact_insert(struct store *st, struct store_contact *c, struct perr *err);
int store_contact_get(struct store *st, int64_t id, struct store_contact *c, struct perr *err);
int store_contact_delete(struct store *st, int64_t id, struct perr *err);
int store_contact_list(struct store *st, int64_t org_id, store_contact_fn fn, void *ud,
		       struct perr *err);

/* ---------------------------------------------------------------- users */

struct store_user {
	int64_t id;
	char login[64];
	char role[16];
	int64_t org_id;     /* constituents: their organisation */
	char province[64];  /* provincial analysts: their province */
	char pwhash[192];
	bool disabled;
	int64_t created_ms;
	char email[256];    /* for notifications; "" = none */
	char lang[4];       /* web interface language: en, fa, "" = not chosen */
	char calendar[12];  /* gregorian, jalali, "" = not chosen */
	int64_t login_failures;        /* consecutive failed log-ins (migration 0009) */
	int64_t login_locked_until_ms; /* no password is checked before; 0 = never */
};
typedef int (*store_user_fn)(void *ud, const struct store_user *u);
int store_user_insert(struct store *st, struct store_user *u, struct perr *err);
int store_user_get(struct store *st, int64_t id, struct store_user *u, struct perr *err);
int store_user_by_login(struct store *st, const char *login, struct store_user *u,
			struct perr *err);
int store_user_set_password(struct store *st, int64_t id, const char *pwhash, struct perr *err);
int store_user_set_disabled(struct store *st, int64_t id, bool disabled, struct perr *err);
/* Set the account's failed-login counter and lock time (identity decides
** them; 0, 0 = clean). */
int store_user_set_login_state(struct store *st, int64_t id, int64_t failures,
			       int64_t locked_until_ms, struct perr *err);
int store_user_delete(struct store *st, int64_t id, struct perr *err);
int store_user_list(struct store *st, store_user_fn fn, void *ud, struct perr *err);
int64_t store_user_count(struct store *st);
int store_user_set_email(struct store *st, int64_t id, const char *email, struct perr *err);
int store_user_set_prefs(struct store *st, int64_t id, const char *lang, const char *calendar,
			 struct perr *err);
/* Teams user belongs to, into ids (at most max); *n gets the count. */
int store_user_teams(struct store *st, int64_t user_id, int64_t *ids, int max, int *n,
		     struct perr *err);

/* ---------------------------------------------------------------- teams */

struct store_team { int64_t id; char name[128]; char province[64]; int64_t lead_id; };
typedef int (*store_team_fn)(void *ud, const struct store_team *t);
int store_team_insert(struct store *st, struct store_team *t, struct perr *err);
int store_team_get(struct store *st, int64_t id, struct store_team *t, struct perr *err);
int store_team_delete(struct store *st, int64_t id, struct perr *err);
int store_team_set_lead(struct store *st, int64_t id, int64_t user_id, struct perr *err);
int store_team_list(struct store *st, store_team_fn fn, void *ud, struct perr *err);
int store_team_add_member(struct store *st, int64_t team, int64_t user, struct perr *err);
int store_team_remove_member(struct store *st, int64_t team, int64_t user, struct perr *err);
typedef int (*store_member_fn)(void *ud, int64_t user_id, const char *login);
int store_team_members(struct store *st, int64_t team, store_member_fn fn, void *ud,
		       struct perr *err);

/* ------------------------------------------------------ sessions, tokens */

struct store_session {
	char id_hash[65]; /* hex SHA-256 of the cookie value; the value itself is never stored */
	int64_t user_id;
	char csrf[65];
	int64_t created_ms;
	int64_t expires_ms;
};
int store_session_insert(struct store *st, const struct store_session *s, struct perr *err);
int store_session_get(struct store *st, const char *id_hash, struct store_session *s,
		      struct perr *err);
int store_session_delete(struct store *st, const char *id_hash, struct perr *err);
int store_session_delete_user(struct store *st, int64_t user_id, struct perr *err);
/* End every session of user_id except the one whose id hash is keep_hash
** (NULL = none kept). */
int store_session_delete_user_except(struct store *st, int64_t user_id, const char *keep_hash,
				     struct perr *err);
int store_session_purge(struct store *st, int64_t now_ms, struct perr *err);

struct store_token {
	int64_t id;
	int64_t user_id;
	char name[128];
	char hash[65];      /* hex SHA-256 of the secret */
	bool readonly;
	int64_t org_id;     /* narrowing: 0 = the user's own scope */
	char province[64];  /* narrowing: "" = the user's own scope */
	int64_t created_ms;
	int64_t last_used_ms;
	int64_t revoked_ms; /* 0 = live */
};
typedef int (*store_token_fn)(void *ud, const struct store_token *t);
int store_token_insert(struct store *st, struct store_token *t, struct perr *err);
int store_token_by_hash(struct store *st, const char *hash, struct store_token *t,
			struct perr *err);
int store_token_get(struct store *st, int64_t id, struct store_token *t, struct perr *err);
int store_token_touch(struct store *st, int64_t id, int64_t now_ms, struct perr *err);
int store_token_revoke(struct store *st, int64_t id, int64_t now_ms, struct perr *err);
/* Revoke every live token of user_id; *n (may be NULL) gets how many. */
int store_token_revoke_user(struct store *st, int64_t user_id, int64_t now_ms, int64_t *n,
			    struct perr *err);
/* user_id 0 = all tokens */
int store_token_list(struct store *st, int64_t user_id, store_token_fn fn, void *ud,
		     struct perr *err);

/* ---------------------------------------------------------------- audit */

struct store_audit {
	int64_t seq;
	int64_t ts_ms;
	char actor[96];
	char action[64];
	char object[128];
	const char *before; /* JSON text or "" ; owned by the store during callbacks */
	const char *after;
	char prev_hash[65];
	char hash[65];
};
typedef int (*store_audit_fn)(void *ud, const struct store_audit *a);
/* Hash of the newest entry ("" when the log is empty) and its seq. */
int store_audit_last(struct store *st, int64_t *seq, char hash[65], struct perr *err);
int store_audit_insert(struct store *st, const struct store_audit *a, struct perr *err);
/* Entries in seq order with seq > after, at most limit (0 = all). */
int store_audit_list(struct store *st, int64_t after, int64_t limit, store_audit_fn fn,
		     void *ud, struct perr *err);

/* ------------------------------------------------------------ incidents */

struct store_incident {
	int64_t id;
	int64_t org_id;
	char title[256];
	char summary[4096];
	char class_[48];
	char type[64];
	char severity[12];
	char tlp[16];
	char source[12];
	char status[16];
	char kind[64];
	char dedup_key[256];     /* "" = none */
	int64_t assignee_id;     /* 0 = none */
	int64_t team_id;
	int64_t merged_into;
	int64_t reopened_from;
	int64_t observations;
	char created_by[128];
	int64_t detected_ms, opened_ms, acknowledged_ms, contained_ms, recovered_ms, closed_ms;
	int64_t updated_ms;
	int64_t sla_flags;
	/* read-only, joined from the organisation */
	char org_name[256];
	char province[64];
};

struct store_incident_filter {
	const char *status[8];  /* any of these, NULL-terminated; none = any */
	int64_t org_id;
	const char *province;
	const char *severity;
	const char *class_;
	const char *source;
	int64_t assignee_id;
	int64_t team_id;
	int64_t created_from, created_to;   /* opened_ms range, 0 = open */
	int64_t updated_from, updated_to;
	const char *q;           /* free text over title, summary, messages */
	bool q_shared_only;      /* free text ignores internal notes */
	bool overdue;            /* SLA breached now (needs sla_* and now_ms) */
	int64_t now_ms;
	const int64_t *sla_ack;  /* [4] low..critical, ms */
	const int64_t *sla_contain;
	/* scope constraints from identity */
	const char *scope_province;
	int64_t scope_org;
	int64_t scope_responder; /* user id: only their teams' or assigned */
	/* order and page */
	bool oldest_first;       /* by updated time; default newest first */
	int64_t after_updated, after_id; /* cursor: rows strictly after this */
	int64_t limit;
	/* With q, results come newest matching text first instead: the cursor
	** is search_after (in) and search_next (out, 0 at the end). */
	int64_t search_after;
	int64_t search_next;
};

typedef int (*store_incident_fn)(void *ud, const struct store_incident *i);
int store_incident_insert(struct store *st, struct store_incident *i, struct perr *err);
int store_incident_get(struct store *st, int64_t id, struct store_incident *i, struct perr *err);
/* Write back every mutable field of i (status, times, people, texts, counts). */
int store_incident_update(struct store *st, const struct store_incident *i, struct perr *err);
/* The open incident of org with this dedup key (NOTFOUND when none). */
int store_incident_open_by_key(struct store *st, int64_t org_id, const char *key,
			       struct store_incident *i, struct perr *err);
/* The most recently closed incident of org with this key (NOTFOUND when none). */
int store_incident_closed_by_key(struct store *st, int64_t org_id, const char *key,
				 struct store_incident *i, struct perr *err);
/* List by f (f->search_next is set on return when f->q is given). */
int store_incident_list(struct store *st, struct store_incident_filter *f,
			store_incident_fn fn, void *ud, struct perr *err);
/* Incidents needing an SLA escalation at now: a deadline passed and its
** flag bit (1 = acknowledge, 2 = contain) not yet set. */
int store_incident_sla_due(struct store *st, int64_t now_ms, const int64_t *ack,
			   const int64_t *contain, store_incident_fn fn, void *ud,
			   struct perr *err);
/* Incidents matching f (its statuses, conditions and scope; no free text,
** no cursor), counted per group: fn(key, count) in key order. */
enum store_incident_group {
	STORE_GROUP_ALL,      /* one group, "all" */
	STORE_GROUP_SEVERITY,
	STORE_GROUP_STATUS,
	STORE_GROUP_PROVINCE,
	STORE_GROUP_DAY,      /* opened on YYYY-MM-DD (UTC) */
};
typedef int (*store_incident_count_fn)(void *ud, const char *key, int64_t count);
int store_incident_group_count(struct store *st, const struct store_incident_filter *f,
			       enum store_incident_group by, store_incident_count_fn fn, void *ud,
			       struct perr *err);
int64_t store_incident_count_overdue(struct store *st, int64_t now_ms, const int64_t *ack,
				     const int64_t *contain);

struct store_observation {
	int64_t id, incident_id, ts_ms;
	char severity[12];
	const char *summary;   /* caller-owned on insert, store-owned in callbacks */
	const char *evidence;  /* JSON text */
};
typedef int (*store_observation_fn)(void *ud, const struct store_observation *o);
int store_observation_insert(struct store *st, struct store_observation *o, struct perr *err);
/* Newest first, at most limit. */
int store_observation_list(struct store *st, int64_t incident_id, int64_t limit,
			   store_observation_fn fn, void *ud, struct perr *err);

struct store_transition {
	int64_t id, incident_id, ts_ms;
	char actor[128];
	char from[16], to[16];
};
typedef int (*store_transition_fn)(void *ud, const struct store_transition *t);
int store_transition_insert(struct store *st, struct store_transition *t, struct perr *err);
int store_transition_list(struct store *st, int64_t incident_id, store_transition_fn fn,
			  void *ud, struct perr *err);

struct store_message {
	int64_t id, incident_id, ts_ms;
	int64_t author_id;
	char author[128];
	char visibility[12];   /* internal, shared */
	const char *body;      /* caller-owned on insert, store-owned in callbacks */
};
typedef int (*store_message_fn)(void *ud, const struct store_message *m);
int store_message_insert(struct store *st, struct store_message *m, struct perr *err);
/* Oldest first; shared_only hides internal notes. */
int store_message_list(struct store *st, int64_t incident_id, bool shared_only,
		       store_message_fn fn, void *ud, struct perr *err);
/* Add text to the incident's free-text index; internal text is matched
** only by searches that may see internal notes. */
int store_incident_index(struct store *st, int64_t incident_id, const char *text,
			 bool internal, struct perr *err);
/* Merge: move messages, evidence, observations and index rows of from into to. */
int store_incident_move_children(struct store *st, int64_t from, int64_t to, struct perr *err);

int store_link_insert(struct store *st, int64_t a, int64_t b, const char *kind, struct perr *err);
typedef int (*store_link_fn)(void *ud, int64_t other, const char *kind);
int store_link_list(struct store *st, int64_t id, store_link_fn fn, void *ud, struct perr *err);

struct store_evidence {
	int64_t id, incident_id;
	char sha256[65];
	char name[256];
	int64_t size;
	char visibility[12];
	char author[128];
	int64_t ts_ms;
};
typedef int (*store_evidence_fn)(void *ud, const struct store_evidence *e);
int store_evidence_insert(struct store *st, struct store_evidence *e, struct perr *err);
int store_evidence_get(struct store *st, int64_t id, struct store_evidence *e, struct perr *err);
int store_evidence_list(struct store *st, int64_t incident_id, bool shared_only,
			store_evidence_fn fn, void *ud, struct perr *err);

/* On-call: weekly slots (minutes from Monday 00:00 UTC) and dated overrides. */
int store_rota_add_slot(struct store *st, int64_t team, int64_t user, int64_t start_min,
			int64_t end_min, int64_t *id, struct perr *err);
int store_rota_add_override(struct store *st, int64_t team, int64_t user, int64_t start_ms,
			    int64_t end_ms, int64_t *id, struct perr *err);
/* Who is on call for team at now: an override wins over the weekly slot.
** *user = 0 when nobody is. */
int store_rota_oncall(struct store *st, int64_t team, int64_t now_ms, int64_t *user,
		      struct perr *err);

struct store_route_rule {
	int64_t id, priority;
	char province[64], kind[64], class_[48];
	int64_t team_id;
};
typedef int (*store_route_rule_fn)(void *ud, const struct store_route_rule *r);
int store_route_rule_insert(struct store *st, struct store_route_rule *r, struct perr *err);
int store_route_rule_delete(struct store *st, int64_t id, struct perr *err);
int store_route_rule_list(struct store *st, store_route_rule_fn fn, void *ud, struct perr *err);
/* The team of the first rule (by priority, then id) matching all three. */
int store_route_match(struct store *st, const char *province, const char *kind,
		      const char *class_, int64_t *team, struct perr *err);

/* ---------------------------------------------------- outbox, webhooks */

struct store_outbox {
	int64_t id;
	char kind[8];         /* mail, webhook */
	char recipient[320];  /* e-mail address or webhook URL */
	const char *subject;  /* text fields: caller-owned on insert, store-owned */
	const char *body;     /* during list callbacks */
	const char *headers;  /* extra header lines, "Name: value\r\n" each */
	char message_id[200]; /* unique; duplicates of one notification share it */
	int64_t incident_id;  /* 0 = none */
	char status[8];       /* pending, sent, failed */
	int64_t attempts;
	int64_t next_ms;
	int64_t created_ms;
	int64_t sent_ms;
	char last_error[256];
};
typedef int (*store_outbox_fn)(void *ud, const struct store_outbox *o);
int store_outbox_insert(struct store *st, struct store_outbox *o, struct perr *err);
/* Pending notifications due at now_ms, oldest first, at most limit. */
int store_outbox_due(struct store *st, int64_t now_ms, int64_t limit, store_outbox_fn fn,
		     void *ud, struct perr *err);
/* Claim pending entry id for sender who (1-63 bytes) until until_ms, in one
** statement, when it is due at now_ms and no other sender holds it (no
** claim, or one whose lease ended by now_ms: a crashed sender's entries are
** taken over). *got is true when this call took it: only then may who send
** it. Call outside a transaction; the claim commits at once. */
int store_outbox_claim(struct store *st, int64_t id, const char *who, int64_t now_ms,
		       int64_t until_ms, bool *got, struct perr *err);
/* Mark sent (and release the claim). */
int store_outbox_mark_sent(struct store *st, int64_t id, int64_t now_ms, struct perr *err);
/* Record a failed attempt: attempts, next try at next_ms, or status failed;
** releases the claim. Changes nothing (and is not an error) when who no
** longer holds the entry. */
int store_outbox_mark_retry(struct store *st, int64_t id, const char *who, int64_t attempts,
			    int64_t next_ms, const char *error, bool failed, struct perr *err);
/* status NULL = all; newest first; incident 0 = all. */
int store_outbox_list(struct store *st, const char *status, int64_t incident_id,
		      int64_t limit, store_outbox_fn fn, void *ud, struct perr *err);
int store_outbox_counts(struct store *st, int64_t *pending, int64_t *sent, int64_t *failed,
			struct perr *err);

struct store_webhook {
	int64_t id;
	char url[512];
	char secret[128];
	char events[256]; /* comma-separated event names, or "*" */
};
typedef int (*store_webhook_fn)(void *ud, const struct store_webhook *w);
int store_webhook_insert(struct store *st, struct store_webhook *w, struct perr *err);
int store_webhook_delete(struct store *st, int64_t id, struct perr *err);
int store_webhook_list(struct store *st, store_webhook_fn fn, void *ud, struct perr *err);

/* ------------------------------------------------------------ website watch */

/* A watched site: one per URL asset. Text and blob pointers point into the
** statement's row and are valid only during the callback (or until the next
** store call, for store_watch_get); copy what must live longer. */
struct store_watch_site {
	int64_t id, asset_id, org_id;
	char url[2048];
	int64_t interval_s;
	bool enabled;
	int64_t next_due_ms, last_check_ms;
	char state[16];        /* learning, ok, alert, down */
	int64_t ok_streak;
	int64_t fail_streak;   /* consecutive failed fetches */
	int64_t posture_ms;    /* last posture grade, 0 = never */
	int64_t incident_id;   /* 0 = none */
	char alert_kind[32];
	int64_t missed_ms;
	const char *samples;   /* JSON array of body hashes */
	const void *baseline;  /* packed baseline, or NULL */
	size_t baseline_len;
	char last_good[72];
	const char *dns_expected;  /* JSON or NULL */
	bool dns_declared;
	const char *cert_expected; /* JSON or NULL */
	int64_t checks;
	int64_t created_ms, updated_ms;
	/* joined */
	char org_name[256];
	char province[64];
};
typedef int (*store_watch_site_fn)(void *ud, const struct store_watch_site *w);

/* Enabled sites due by due_ms and not checked since checked_before (so a
** pass sees each site once), most overdue first, at most limit. */
int store_watch_due(struct store *st, int64_t due_ms, int64_t checked_before, int64_t limit,
		    store_watch_site_fn fn, void *ud, struct perr *err);
/* Sites (of org_id, or all when 0; of state, or all when NULL), by id
** after after_id. */
int store_watch_list(struct store *st, int64_t org_id, const char *province, const char *state,
		     int64_t after_id, int64_t limit, store_watch_site_fn fn, void *ud,
		     struct perr *err);
int store_watch_get(struct store *st, int64_t id, store_watch_site_fn fn, void *ud,
		    struct perr *err);
/* Write the monitor's view of the site after a check: every field of w but
** url, asset_id, org_id, interval_s, enabled, created_ms and posture_ms;
** without heavy, also not samples, baseline, dns_expected, dns_declared
** and cert_expected (unchanged: most checks). */
int store_watch_save(struct store *st, const struct store_watch_site *w, bool heavy,
		     struct perr *err);
/* Analyst settings: interval_s (0 = keep), enabled (-1 = keep). */
int store_watch_configure(struct store *st, int64_t id, int64_t interval_s, int enabled,
			  int64_t now_ms, struct perr *err);
/* Enabled sites whose check is more than twice their interval late and not
** yet reported as missed. */
int store_watch_missed(struct store *st, int64_t now_ms, int64_t limit, store_watch_site_fn fn,
		       void *ud, struct perr *err);
/* The DNS answers a site is expected to give (JSON, or NULL: learn them
** from the next check), declared by an analyst or not. */
int store_watch_set_dns(struct store *st, int64_t id, const char *expected, bool declared,
			int64_t now_ms, struct perr *err);
/* Flag a site's check as missed at now_ms (cleared by its next check). */
int store_watch_mark_missed(struct store *st, int64_t id, int64_t now_ms, struct perr *err);
/* Enabled sites per state (the text of watch_site.state: the monitor
** names the states) and how many of them missed a check, of one
** organisation (org > 0), one province (province not NULL) or all;
** fn(state, sites, missed) once a state that has sites. */
typedef int (*store_watch_count_fn)(void *ud, const char *state, int64_t sites, int64_t missed);
int store_watch_counts(struct store *st, int64_t org, const char *province,
		       store_watch_count_fn fn, void *ud, struct perr *err);
/* The same sites by condition: ok, changed, defaced, dns_changed, down,
** learning (an open detection by its kind, else the last check's verdict);
** fn(condition, count). */
typedef int (*store_watch_condition_fn)(void *ud, const char *condition, int64_t count);
int store_watch_conditions(struct store *st, int64_t org, const char *province,
			   store_watch_condition_fn fn, void *ud, struct perr *err);

struct store_watch_check {
	int64_t id, site_id, ts_ms;
	char outcome[16];     /* ok, learning, changed, alert, down, error */
	int64_t http_status;
	int64_t score;
	char severity[12];
	char body_sha256[72];
	int64_t duration_ms;
	const char *detail;   /* JSON text */
};
typedef int (*store_watch_check_fn)(void *ud, const struct store_watch_check *c);
int store_watch_check_insert(struct store *st, struct store_watch_check *c, struct perr *err);
/* Newest first, before before_id (0 = from the newest). */
int store_watch_checks(struct store *st, int64_t site_id, int64_t before_id, int64_t limit,
		       store_watch_check_fn fn, void *ud, struct perr *err);
/* A grade of the site (also its watch_site.posture_ms). */
int store_watch_posture_insert(struct store *st, int64_t site_id, int64_t ts_ms,
			       const char *grade, int64_t score, const char *detail,
			       struct perr *err);
/* The latest grade of each enabled site of an organisation that has one. */
typedef int (*store_watch_grade_fn)(void *ud, int64_t site_id, const char *grade, int64_t score);
int store_watch_posture_org(struct store *st, int64_t org_id, store_watch_grade_fn fn, void *ud,
			    struct perr *err);
/* The latest posture of the site: grade, score and detail (JSON, heap,
** caller frees); NOTFOUND when never graded. */
int store_watch_posture_get(struct store *st, int64_t site_id, char grade[8], int64_t *score,
			    char **detail, int64_t *ts_ms, struct perr *err);

/* ------------------------------------------------- host products (issue 14) */

/* A product seen on a host by a report feed (store_hostprod.c; migration
** 0011). Text fields are lower-case as advisory_cpe binds them. */
struct store_host_product {
	int64_t org_id;
	char ip[64];
	int64_t port;       /* -1 = none */
	char type[64];      /* the report type that saw it */
	char vendor[128];
	char product[128];
	char version[128];
	char cpe[512];
	char exposure[64];  /* "" = a banner only */
	int64_t first_ms, last_ms;
	int64_t file_id;
};
typedef int (*store_host_product_fn)(void *ud, const struct store_host_product *h);
/* Insert or refresh the row of (org, ip, port, type): product, version, cpe
** and exposure from h (an empty vendor/product keeps the stored one),
** last_ms and file_id moved forward (never back), first_ms kept. In the
** caller's transaction. */
int store_host_product_upsert(struct store *st, const struct store_host_product *h,
			      struct perr *err);
/* Rows of vendor and product (both required, exact), or with exposure when
** exposure is not NULL (vendor/product then ignored); org 0 = every
** organisation's. */
int store_host_product_find(struct store *st, const char *vendor, const char *product,
			    const char *exposure, int64_t org, store_host_product_fn fn, void *ud,
			    struct perr *err);
/* The row of (org, ip, port, type): 0, -1 with PERR_NOTFOUND. */
int store_host_product_get(struct store *st, int64_t org, const char *ip, int64_t port,
			   const char *type, struct store_host_product *out, struct perr *err);
/* Record file_id as the newest file of report type (feed_type_seen). */
int store_feed_type_mark_seen(struct store *st, const char *type, int64_t file_id, int64_t last_ms,
			 struct perr *err);
/* The newest file of report type and the time of its newest event: 0, or
** -1 with PERR_NOTFOUND when no file of the type was imported to its end. */
int store_feed_type_seen_get(struct store *st, const char *type, int64_t *file_id,
			     int64_t *last_ms, struct perr *err);

/* ------------------------------------------------------- advisories (issue 14) */
/* store_advisory.c: advisory and advisory_version rows. */

struct store_advisory {
	int64_t id;
	char ref[64];
	int64_t version;
	char status[12];     /* draft, published, withdrawn */
	char title[512];
	char tlp[16];
	double cvss_base;
	char severity[12];
	bool exploited;
	int64_t deadline_ms;
	const char *doc;     /* JSON; caller-owned on insert, store-owned in callbacks */
	char actor[128];
	int64_t created_ms, updated_ms, published_ms;
	char target_state[16]; /* store_advisory_list with org: that org's target state */
};
typedef int (*store_advisory_fn)(void *ud, const struct store_advisory *a);
/* Insert a (id set) and its version 1 row. PERR_CONFLICT on a ref that exists. */
int store_advisory_insert(struct store *st, struct store_advisory *a, struct perr *err);
/* Store a new version: the row updated (a->version is the new one) and a
** version row with changes. */
int store_advisory_update(struct store *st, const struct store_advisory *a, const char *changes,
			  struct perr *err);
/* The advisory's row (version 0) or that version's document, to fn. */
int store_advisory_get(struct store *st, int64_t id, int64_t version, store_advisory_fn fn,
		       void *ud, struct perr *err);
/* The next free number of PARAPET-year refs. */
int store_advisory_next_ref(struct store *st, int64_t year, int64_t *n, struct perr *err);
/* (record part) A list's filter: status (NULL = any), q (words in the
** title, ref or a CVE id, case-insensitive; NULL = any), org (0 = every
** advisory; else only those with a target row for that organisation, with
** its state in target_state), newest (highest id) first below before_id
** (0 = from the newest), at most limit. */
struct store_advisory_query {
	const char *status;
	const char *q;
	int64_t org;
	int64_t before_id;
	int64_t limit;
};
int store_advisory_list(struct store *st, const struct store_advisory_query *q,
			store_advisory_fn fn, void *ud, struct perr *err);
/* The state of org's target row of advisory id: 0, or -1 with PERR_NOTFOUND
** when the organisation is no target of it. */
int store_advisory_target_state_get(struct store *st, int64_t id, int64_t org,
				    char state[16], struct perr *err);
/* One stored version (history), store-owned in the callback. */
struct store_advisory_version {
	int64_t version;
	const char *changes;
	char actor[128];
	int64_t created_ms;
};
typedef int (*store_advisory_version_fn)(void *ud, const struct store_advisory_version *v);
/* The versions of advisory id, newest first (none when it does not exist). */
int store_advisory_version_list(struct store *st, int64_t id, store_advisory_version_fn fn,
				void *ud, struct perr *err);

/* store_adtarget.c: exclusions, targets and their evidence hosts. */
struct store_advisory_target {
	int64_t advisory_id, org_id;
	char state[16];
	int64_t hosts;
	const char *why;     /* JSON */
	char reason[512];
	int64_t version;
	int64_t notified_ms, read_ms, ack_ms, patched_ms, verified_ms;
	int64_t reminded_ms, escalated_ms, updated_ms;
	/* joined on list */
	char org_name[256];
	char province[64];
	char sector[64];
};
typedef int (*store_advisory_target_fn)(void *ud, const struct store_advisory_target *t);
/* store_adexcl.c: exclusions */
/* A target an analyst took out of an advisory's preview (advisory_exclusion). */
struct store_adexcl {
	int64_t advisory_id, org_id;
	char reason[512];
	char actor[128];
	int64_t created_ms;
};
typedef int (*store_adexcl_fn)(void *ud, const struct store_adexcl *x);
/* Insert or replace the exclusion of (advisory_id, org_id). In the caller's
** transaction. PERR_NOTFOUND (field "id") when the advisory or the
** organisation does not exist. */
int store_adexcl_set(struct store *st, const struct store_adexcl *x, struct perr *err);
/* Remove it: PERR_NOTFOUND when there was none. */
int store_adexcl_delete(struct store *st, int64_t advisory_id, int64_t org_id,
			struct perr *err);
int store_adexcl_get(struct store *st, int64_t advisory_id, int64_t org_id,
		     struct store_adexcl *out, struct perr *err);
/* The exclusions of an advisory, by organisation id. */
int store_adexcl_list(struct store *st, int64_t advisory_id, store_adexcl_fn fn, void *ud,
		      struct perr *err);
/* Product assets whose canonical value v has from <= v < to (NULL: no
** bound), in value order (index asset_product_value, migration 0012):
** targeting reads a CPE prefix's range or the free-text ones only.
** created_ms is left 0 (the covering index has not got it). */
int store_asset_products_list(struct store *st, const char *from, const char *to,
			      store_asset_fn fn, void *ud, struct perr *err);
/* Host products of vendor and product (both exact), or with exposure when
** it is not NULL, as targeting shows them: org_id, ip, port, type,
** version and last_ms read from migration 0012's covering indexes; vendor,
** product and exposure as asked; cpe and file_id empty. In no order. */
int store_host_product_evidence_list(struct store *st, const char *vendor, const char *product,
				     const char *exposure, store_host_product_fn fn, void *ud,
				     struct perr *err);
/* store_adtarget.c */
/* Insert t (state, hosts, why, version, notified_ms, updated_ms; the other
** times as given). PERR_CONFLICT when the organisation is a target already. */
int store_advisory_target_insert(struct store *st, const struct store_advisory_target *t,
				 struct perr *err);
/* Write every mutable field of the row (advisory_id, org_id): state,
** hosts, why (NULL keeps the stored one), reason, version and the times.
** PERR_NOTFOUND when absent. */
int store_advisory_target_update(struct store *st, const struct store_advisory_target *t,
				 struct perr *err);
/* One target with its organisation's name, province and sector (why is
** copied into the caller's buffer why_buf, cut at why_sz, when given;
** else t->why is NULL). PERR_NOTFOUND when absent. */
int store_advisory_target_get(struct store *st, int64_t id, int64_t org,
			      struct store_advisory_target *t, char *why_buf, size_t why_sz,
			      struct perr *err);
/* Targets of advisory id by organisation id, of one province (NULL = any)
** and one organisation (0 = any), to fn. */
int store_advisory_target_list(struct store *st, int64_t id, const char *province, int64_t org,
			       store_advisory_target_fn fn, void *ud, struct perr *err);
/* Targets of published advisories with a deadline that the sweep must look
** at by now_ms: not reminded, notified or read, and within remind_ms of
** the deadline; or not escalated, not closed (patched, not_affected,
** verified) and past the deadline. By advisory, then organisation. */
int store_advisory_target_due(struct store *st, int64_t now_ms, int64_t remind_ms,
			      store_advisory_target_fn fn, void *ud, struct perr *err);
/* Record an evidence host of a target (kept when there already). */
int store_advisory_target_host_add(struct store *st, int64_t id, int64_t org, const char *ip,
				   int64_t port, struct perr *err);
typedef int (*store_advisory_host_fn)(void *ud, const char *ip, int64_t port);
/* A target's evidence hosts, by ip and port. */
int store_advisory_target_host_list(struct store *st, int64_t id, int64_t org,
				    store_advisory_host_fn fn, void *ud, struct perr *err);
/* Targets (advisory id, organisation) of published advisories, not
** not_affected nor verified, that have an evidence host with a host_product
** row of report type `type`. */
typedef int (*store_advisory_pair_fn)(void *ud, int64_t id, int64_t org);
int store_advisory_target_seen_list(struct store *st, const char *type,
				    store_advisory_pair_fn fn, void *ud, struct perr *err);
/* Whether file file_id refreshed last any host_product row of report type
** `type` (false: the file saw no product at all, or was older than what is
** known). */
int store_host_product_file_exists(struct store *st, const char *type, int64_t file_id,
				   bool *yes, struct perr *err);
/* Mark advisory id published (published_ms kept from the first time). */
int store_advisory_status_set(struct store *st, int64_t id, int64_t now_ms, struct perr *err);
/* The directory that holds the database file (the data directory): the
** advisory link key lives there. */
int store_data_dir_get(struct store *st, char *out, size_t n, struct perr *err);

/* ------------------------------------------------------------ report feeds */

struct store_feed_file {
	int64_t id;
	char sha256[65];
	char name[256];
	char type[64];
	char feed[128];
	char source[16];   /* cli, upload, dir */
	char actor[128];
	char status[16];   /* running, done, failed */
	char error[256];
	int64_t received_ms, started_ms, finished_ms, done_line;
	int64_t rows, parsed, rejected, owners, new_events, duplicates, unowned, incidents;
};
typedef int (*store_feed_file_fn)(void *ud, const struct store_feed_file *f);
/* Insert f (its id is set). CONFLICT when the SHA-256 is known. */
int store_feed_file_insert(struct store *st, struct store_feed_file *f, struct perr *err);
/* Status, error, finished_ms, done_line and the counts of f->id. */
int store_feed_file_update(struct store *st, const struct store_feed_file *f, struct perr *err);
int store_feed_file_get(struct store *st, int64_t id, struct store_feed_file *out,
			struct perr *err);
int store_feed_file_by_sha(struct store *st, const char *sha, struct store_feed_file *out,
			   struct perr *err);
/* Newest first, ids below before_id (0 = from the newest). */
int store_feed_files(struct store *st, int64_t before_id, int64_t limit, store_feed_file_fn fn,
		     void *ud, struct perr *err);
/* Files of this source still "running" that started before before_ms,
** oldest first: imports a crash (kill -9) cut short. */
int store_feed_files_running(struct store *st, const char *source, int64_t before_ms,
			     store_feed_file_fn fn, void *ud, struct perr *err);
/* Record that the file reached an organisation (idempotent). */
int store_feed_file_org(struct store *st, int64_t file_id, int64_t org_id, struct perr *err);
/* Organisations the file reached. */
int store_feed_file_owner_count(struct store *st, int64_t file_id, int64_t *n, struct perr *err);
int store_feed_reject_add(struct store *st, int64_t file_id, int64_t line, const char *reason,
			  struct perr *err);
typedef int (*store_feed_reject_fn)(void *ud, int64_t line, const char *reason);
int store_feed_rejects(struct store *st, int64_t file_id, int64_t limit, store_feed_reject_fn fn,
		       void *ud, struct perr *err);

/* One affected host. Text members are borrowed (valid during the call). */
struct store_feed_event {
	int64_t id;
	int64_t org_id;   /* 0 = no owner */
	const char *feed, *identifier, *taxonomy, *type, *ip, *prefix, *fqdn, *product,
		*severity, *event;
	int64_t port, asn;
	int64_t first_ms, last_ms, seen, period_ms, file_id, line, incident_id;
};
typedef int (*store_feed_event_fn)(void *ud, const struct store_feed_event *e);
int store_feed_event_insert(struct store *st, struct store_feed_event *e, struct perr *err);
/* Another sighting of the event with this key last seen at or after
** since_ms: seen + 1, last_ms = max(last_ms, t_ms). Returns 1 when an event
** was updated, 0 when none matched, -1 on error. */
int store_feed_event_seen(struct store *st, int64_t org_id, const char *identifier,
			  const char *ip, int64_t port, int64_t since_ms, int64_t t_ms,
			  struct perr *err);
int store_feed_event_incident(struct store *st, int64_t event_id, int64_t incident_id,
			      struct perr *err);
/* Dedup keys of events last seen at or after since_ms. */
typedef int (*store_feed_key_fn)(void *ud, int64_t org_id, const char *identifier,
				 const char *ip, int64_t port, int64_t last_ms);
int store_feed_keys(struct store *st, int64_t since_ms, store_feed_key_fn fn, void *ud,
		    struct perr *err);
/* (organisation, feed, period) with owned events not yet in a digest and a
** period starting before before_ms. */
typedef int (*store_feed_due_fn)(void *ud, int64_t org_id, const char *feed, int64_t period_ms);
int store_feed_due(struct store *st, int64_t before_ms, store_feed_due_fn fn, void *ud,
		   struct perr *err);
/* The undigested events of one digest, by identifier then IP. */
int store_feed_digest_events(struct store *st, int64_t org_id, const char *feed,
			     int64_t period_ms, store_feed_event_fn fn, void *ud, struct perr *err);
/* Record a digest and mark its (so far undigested) events with it. */
int store_feed_digest_insert(struct store *st, int64_t org_id, const char *feed,
			     int64_t period_ms, int64_t events, int64_t hosts, int64_t mails,
			     int64_t now_ms, int64_t *id, struct perr *err);
/* Files received since day_start_ms and their events; digests made since
** since_ms and the organisations they mailed. */
struct store_feed_stats {
	int64_t files_today, events_today, digests, owners_notified;
};
int store_feed_stats(struct store *st, int64_t day_start_ms, int64_t since_ms,
		     struct store_feed_stats *out, struct perr *err);
/* An organisation's digests, newest first. */
struct store_feed_digest {
	int64_t id, org_id;
	const char *feed; /* valid during the callback */
	int64_t period_ms, events, hosts, mails, created_ms;
};
typedef int (*store_feed_digest_fn)(void *ud, const struct store_feed_digest *d);
int store_feed_digests(struct store *st, int64_t org_id, int64_t limit, store_feed_digest_fn fn,
		       void *ud, struct perr *err);
/* Unowned events grouped by AS ("asn") or by prefix ("prefix"): key, AS,
** events and distinct hosts, most events first. */
typedef int (*store_feed_unowned_fn)(void *ud, const char *key, int64_t asn, int64_t events,
				     int64_t hosts);
int store_feed_unowned(struct store *st, const char *by, int64_t limit, store_feed_unowned_fn fn,
		       void *ud, struct perr *err);

/* -------------------------------------------- indicator registry (0013) */

/* One indicator (migration 0013's indicator row). value is canonical
** (indicator_value_canon); the store never validates it: the domain does. */
struct store_indicator {
	int64_t id;
	char type[8];           /* indicator_type_name() */
	char value[2049];       /* INDICATOR_VALUE_SIZE */
	char status[8];         /* active, held, retired */
	char held_lists[512];   /* warninglists hit, "name; name" */
	char class_[48];        /* RSIT class, "" when none */
	char reason[1024];
	char tlp[16];
	char source[8];         /* analyst, feed, peer, apk */
	char source_ref[256];
	int confidence;         /* 0..100 */
	char attribution[256];
	char tags[512];         /* ",tag,tag," or "" */
	int64_t org_id;         /* 0 = none */
	int family;             /* 4 or 6 for ipv4, ipv6, cidr; else 0 */
	uint8_t lo[16], hi[16]; /* first and last address (family != 0) */
	int64_t first_seen_ms, last_seen_ms, expires_ms, sightings;
	char actor[128];
	int64_t created_ms, updated_ms;
};
typedef int (*store_indicator_fn)(void *ud, const struct store_indicator *r);
/* Insert r (r->id is set; sightings starts at r->sightings). CONFLICT
** (field "value") when (type, value) is listed already. */
int store_indicator_insert(struct store *st, struct store_indicator *r, struct perr *err);
/* Write every mutable field of row r->id (all but id, type, value,
** created_ms, sightings). NOTFOUND when there is no such row. */
int store_indicator_update(struct store *st, const struct store_indicator *r, struct perr *err);
int store_indicator_get(struct store *st, int64_t id, struct store_indicator *out,
			struct perr *err);
/* The row of (type, canonical value): 0, or -1 with NOTFOUND. */
int store_indicator_find(struct store *st, const char *type, const char *value,
			 struct store_indicator *out, struct perr *err);
/* Every row an export may carry at now_ms: status active and expires_ms >
** now_ms, by id. The TLP and consumer filters are the caller's. */
int store_indicator_export_each(struct store *st, int64_t now_ms, store_indicator_fn fn,
				void *ud, struct perr *err);
/* Every row whose status is active (expired or not), by id: for building
** match structures (sightings count expired indicators too). */
int store_indicator_active_each(struct store *st, store_indicator_fn fn, void *ud,
				struct perr *err);
/* The most recent change to any indicator (max updated_ms, 0 when none)
** and *rows, the highest id (no row is ever deleted, so it changes with
** every insert): with the next expiry, what an export's ETag and the
** in-memory matcher's freshness stand on. Two index probes. */
int store_indicator_version(struct store *st, int64_t *max_updated_ms, int64_t *rows,
			    struct perr *err);

struct store_indicator_sighting {
	int64_t id, indicator_id;
	char kind[12];   /* feed, watch, incident */
	int64_t ref;     /* the event's, site's or incident's id */
	int64_t org_id;  /* 0 = none */
	char detail[512];
	int64_t seen_ms;
};
typedef int (*store_indicator_sighting_fn)(void *ud, const struct store_indicator_sighting *s);
/* Record s (s->id set) and count it on its indicator: sightings + 1,
** last_seen_ms = max(last_seen_ms, seen_ms). In the caller's transaction.
** NOTFOUND (field "indicator_id") when the indicator does not exist. */
int store_indicator_sighting_add(struct store *st, struct store_indicator_sighting *s,
				 struct perr *err);
/* Sightings of one indicator, newest first, at most limit (0 = 100). */
int store_indicator_sighting_list(struct store *st, int64_t indicator_id, int64_t limit,
				  store_indicator_sighting_fn fn, void *ud, struct perr *err);
/* Link an indicator and an incident (kept when linked already). */
int store_indicator_incident_link(struct store *st, int64_t indicator_id, int64_t incident_id,
				  int64_t now_ms, struct perr *err);
/* Incident ids linked to an indicator, ascending. */
typedef int (*store_id_fn)(void *ud, int64_t id);
int store_indicator_incident_list(struct store *st, int64_t indicator_id, store_id_fn fn,
				  void *ud, struct perr *err);

/* ------------------------------- indicator search (store_indicator_query.c) */

/* What store_indicator_list selects: every set member narrows (NULL or
** "" strings, 0 ids and families mean "any"). */
struct store_indicator_filter {
	const char *value;     /* exactly this (canonical) value */
	const char *prefix;    /* values starting with these bytes */
	const char *type, *class_, *tag, *source, *tlp, *status;
	/* any of these types (bound as type IN (...)): with value or prefix it
	** lets the (type, value) key serve the lookup when no type is given */
	const char *const *types;
	size_t ntypes;
	int contains_family;   /* 4 or 6: address rows covering contains[] */
	uint8_t contains[16];
	/* no indicator's first address lies below this one (the broadest
	** network accepted is contains[] masked to it): bounds the index range */
	uint8_t contains_floor[16];
	int within_family;     /* 4 or 6: address rows inside [first, last] */
	uint8_t within_first[16], within_last[16];
	int expired;           /* -1 any, 0 not expired at now_ms, 1 expired */
	int64_t now_ms;
	int64_t org_id;        /* concerning this organisation */
	bool scope_constituent; /* indicator_visible's rule for scope_org */
	int64_t scope_org;
	int64_t before_id;     /* cursor: ids below this; 0 = from the newest */
	int64_t limit;         /* rows at most; 0 = 100 */
};
/* The rows f selects, newest (highest id) first, to fn (its non-zero return
** stops the walk and is returned). */
int store_indicator_list(struct store *st, const struct store_indicator_filter *f,
			   store_indicator_fn fn, void *ud, struct perr *err);
/* ------------------------------------ indicator export consumers (0013) */

/* One export consumer (migration 0013's indicator_consumer row): a resolver,
** firewall or peer polling one export with its own token. token_hash is the
** SHA-256 (hex) of the token; the token itself is never stored. filter is
** the saved filter as JSON (the domain reads and checks it). */
struct store_indconsumer {
	int64_t id;
	char name[128];
	char token_hash[65];
	char format[16];     /* plain, csv, json, stix, misp, rpz, suricata, nft */
	char filter[2048];   /* JSON object */
	bool member;         /* may receive TLP:AMBER */
	bool strict;         /* named for TLP:AMBER+STRICT */
	bool disabled;
	char actor[128];
	int64_t created_ms, last_fetch_ms;
};
typedef int (*store_indconsumer_fn)(void *ud, const struct store_indconsumer *c);
/* Insert c (c->id set). CONFLICT (field "name") when the name is taken. */
int store_indconsumer_insert(struct store *st, struct store_indconsumer *c, struct perr *err);
/* Write format, filter, member, strict, disabled and token_hash of row
** c->id. NOTFOUND when there is none; CONFLICT on a token hash in use. */
int store_indconsumer_update(struct store *st, const struct store_indconsumer *c,
			     struct perr *err);
int store_indconsumer_get(struct store *st, int64_t id, struct store_indconsumer *out,
			  struct perr *err);
int store_indconsumer_by_name(struct store *st, const char *name,
			      struct store_indconsumer *out, struct perr *err);
/* The consumer whose token hashes to hash (hex): 0, or -1 NOTFOUND. */
int store_indconsumer_by_hash(struct store *st, const char *hash,
			      struct store_indconsumer *out, struct perr *err);
/* Every consumer, by name. */
int store_indconsumer_list(struct store *st, store_indconsumer_fn fn, void *ud,
			   struct perr *err);
int store_indconsumer_delete(struct store *st, int64_t id, struct perr *err);
/* last_fetch_ms = now_ms (an autocommitted write outside a transaction). */
int store_indconsumer_touch(struct store *st, int64_t id, int64_t now_ms, struct perr *err);
/* The earliest expires_ms > now_ms of an active indicator (0 when none):
** the moment the export next changes without a write (its ETag's part). */
int store_indicator_expiry_due(struct store *st, int64_t now_ms, int64_t *next,
				struct perr *err);

/* --------------------------------------------- triaged apps (0013, store_apk.c) */

/* One triaged APK (migration 0013's apk_app row), keyed by the file's
** SHA-256: the same file sent twice is one record. The verdict (JSON text,
** apk_analyze's) is read only by store_apk_get, into the caller's pbuf. */
struct store_apk {
	int64_t id;
	char sha256[65];
	char package[256];
	char version_name[128];
	char version_code[32];
	char signer_sha256[65];  /* the first signer's certificate, "" when unsigned */
	char author[512];
	int64_t size;
	char status[12];         /* triaged, malicious, benign */
	int64_t incident_id;     /* 0 = none */
	char actor[128];
	int64_t created_ms, updated_ms, blacklisted_ms;
};
typedef int (*store_apk_fn)(void *ud, const struct store_apk *r);
/* Insert r with its verdict text (r->id set). CONFLICT (field "sha256")
** when that file is recorded already. */
int store_apk_insert(struct store *st, struct store_apk *r, const char *verdict,
		     struct perr *err);
/* The row of id (verdict: its JSON text when not NULL, a pbuf the caller
** initialised). NOTFOUND when absent. */
int store_apk_get(struct store *st, int64_t id, struct store_apk *out, struct pbuf *verdict,
		  struct perr *err);
/* The id of the row of a file's SHA-256: 0, or -1 with NOTFOUND. */
int store_apk_find(struct store *st, const char *sha256, int64_t *id, struct perr *err);
/* Rows newest first, status "" for every one, at most limit (1..1000);
** before_id > 0: only ids below it (the next page). */
int store_apk_list(struct store *st, const char *status, int64_t before_id, int limit,
		   store_apk_fn fn, void *ud, struct perr *err);
/* Set the status, incident, blacklisted time, actor and updated time of
** row r->id, and its verdict text when verdict is not NULL. NOTFOUND when
** there is no such row. */
int store_apk_set_status(struct store *st, const struct store_apk *r, const char *verdict,
			 struct perr *err);
/* ------------------------------- indicator sightings and dashboard counts */

/* 1 when indicator_id has a sighting of kind with ref already (a watched
** site's host is one sighting, however many checks see it), 0 when not,
** -1 with err. */
int store_indicator_sighting_exists(struct store *st, int64_t indicator_id, const char *kind,
				    int64_t ref, struct perr *err);

/* The dashboard's registry figures for [from_ms, to_ms). Malware incidents
** countered: class malicious-code, status recovered or closed, recovered_ms
** in the period, within the scope (province "" / org 0 / responder 0 =
** any; a responder: assigned to them or to one of their teams). Apps
** blacklisted: apk_app.blacklisted_ms in the period. Indicators added:
** created_ms in the period. Sightings: seen_ms in the period. */
struct store_indicator_counts {
	int64_t malware_countered, apps_blacklisted, indicators_added, sightings;
};
int store_indicator_counts(struct store *st, int64_t from_ms, int64_t to_ms,
			   const char *scope_province, int64_t scope_org, int64_t scope_responder,
			   struct store_indicator_counts *c, struct perr *err);

/* ---------- flow: live view, history, attacks (0014; store_flow_write.c, store_flow_read.c)
** Written only by the flow job inside serve; read by the CLI, the API and
** the UI through src/flow's live functions (flow_live_*). */

/* One (host, direction) and its rates per second, scaled by sampling;
** bps in bits/s. org_id 0 = no owner. province: the owner's ("" none),
** filled by the reads (joined from org), ignored by the writes. */
struct store_flow_rate {
	char host[46];
	char direction[9];  /* "incoming", "outgoing" */
	int64_t org_id;
	char province[64];
	int64_t at_ms;
	int64_t pps, bps, flows, syn_pps, tcp_pps, udp_pps, icmp_pps, frag_pps;
};
typedef int (*store_flow_rate_fn)(void *ud, const struct store_flow_rate *r);

/* Replace the whole live snapshot with r[0..n) (one transaction of its own
** unless the caller holds one). */
int store_flow_live_replace(struct store *st, const struct store_flow_rate *r, size_t n,
			    struct perr *err);
/* Add history points r[0..n) (a point already there for (host, direction,
** at_ms) keeps the larger of each figure) and delete points older than
** keep_from_ms. */
int store_flow_history_add(struct store *st, const struct store_flow_rate *r, size_t n,
			   int64_t keep_from_ms, struct perr *err);

/* A query of the live view or the history. by: "pps", "bps", "flows",
** "syn" (the live view's order; the history is in time order). host ""
** = any (else exactly that address text, canonical); direction "" = both;
** scope_province "" / scope_org 0 = any (identity_list_scope's). */
struct store_flow_query {
	const char *by;
	const char *host;
	const char *direction;
	const char *scope_province;
	int64_t scope_org;
	int64_t from_ms;    /* history: points at or after */
	int64_t limit;      /* rows, 1..1000 */
};
int store_flow_live_list(struct store *st, const struct store_flow_query *q, store_flow_rate_fn fn,
			 void *ud, struct perr *err);
int store_flow_history_list(struct store *st, const struct store_flow_query *q,
			    store_flow_rate_fn fn, void *ud, struct perr *err);

/* One attack, as the detector reported it (see 0014_flow.sql). */
struct store_flow_attack {
	int64_t id;
	char host[46];
	char direction[9];
	int64_t org_id;
	char province[64];  /* filled by reads */
	int64_t incident_id; /* 0 none */
	char type[32];
	int64_t amp_port;
	char metric[16];
	int64_t threshold, value;
	bool learned;
	int64_t start_ms, end_ms; /* end_ms 0 = open */
	int64_t peak_pps, peak_bps, peak_flows;
	bool announced, banned;
};
typedef int (*store_flow_attack_fn)(void *ud, const struct store_flow_attack *a);
/* Insert a (its id set on return). */
int store_flow_attack_insert(struct store *st, struct store_flow_attack *a, struct perr *err);
/* Rewrite every field of a->id but host and direction. PERR_NOTFOUND. */
int store_flow_attack_update(struct store *st, const struct store_flow_attack *a,
			     struct perr *err);
/* Attacks newest first: open_only, or those that started at or after
** from_ms; scope and host/direction as store_flow_query; limit 1..1000. */
int store_flow_attack_list(struct store *st, const struct store_flow_query *q, bool open_only,
			   store_flow_attack_fn fn, void *ud, struct perr *err);
int store_flow_attack_get(struct store *st, int64_t id, struct store_flow_attack *a,
			  struct perr *err);

#endif
