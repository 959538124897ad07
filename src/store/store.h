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

struct store;

/* Open (creating if needed) the database at path, one connection. The
** connection belongs to the calling thread. Returns 0 or -1 with err. */
int store_open(const char *path, struct store **out, struct perr *err);
void store_close(struct store *st);

/* Apply every migration this binary knows and the database lacks, each in its
** own transaction. Refuses a database made by a newer binary. *applied gets
** the number applied (may be NULL). */
int store_migrate(struct store *st, int *applied, struct perr *err);
/* Schema version of the database and the newest this binary knows. */
int store_schema_version(struct store *st, int *db, int *known, struct perr *err);

int store_begin(struct store *st, struct perr *err);  /* BEGIN IMMEDIATE */
int store_commit(struct store *st, struct perr *err);
void store_rollback(struct store *st);

/* A counter bumped (inside the writing transaction) whenever assets change,
** so that every process can tell its owner index is stale. */
int store_asset_generation(struct store *st, int64_t *gen, struct perr *err);

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
};
typedef int (*store_user_fn)(void *ud, const struct store_user *u);
int store_user_insert(struct store *st, struct store_user *u, struct perr *err);
int store_user_get(struct store *st, int64_t id, struct store_user *u, struct perr *err);
int store_user_by_login(struct store *st, const char *login, struct store_user *u,
			struct perr *err);
int store_user_set_password(struct store *st, int64_t id, const char *pwhash, struct perr *err);
int store_user_set_disabled(struct store *st, int64_t id, bool disabled, struct perr *err);
int store_user_delete(struct store *st, int64_t id, struct perr *err);
int store_user_list(struct store *st, store_user_fn fn, void *ud, struct perr *err);
int64_t store_user_count(struct store *st);

/* ---------------------------------------------------------------- teams */

struct store_team { int64_t id; char name[128]; char province[64]; };
typedef int (*store_team_fn)(void *ud, const struct store_team *t);
int store_team_insert(struct store *st, struct store_team *t, struct perr *err);
int store_team_get(struct store *st, int64_t id, struct store_team *t, struct perr *err);
int store_team_delete(struct store *st, int64_t id, struct perr *err);
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
int store_outbox_mark_sent(struct store *st, int64_t id, int64_t now_ms, struct perr *err);
/* Record a failed attempt: attempts, next try at next_ms, or status failed. */
int store_outbox_mark_retry(struct store *st, int64_t id, int64_t attempts, int64_t next_ms,
			    const char *error, bool failed, struct perr *err);
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

#endif
