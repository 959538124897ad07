/*
** identity.h — who is calling, and what they may do.
**
** Users have one role; constituents belong to one organisation and provincial
** analysts to one province. A principal is the resolved caller of one request
** (from a session cookie or an API token, the token possibly narrowing the
** user's scope). identity_allow_route() and identity_allow_object() are the
** one place where access is decided: every route declares its roles, and
** every object a handler touches goes through the object check, so there is
** no second, divergent implementation of "may this person see this?".
**
** The state of who is who changes here too, one audited function per
** change that the API and the CLI both call: users, tokens, sessions,
** teams, their members and leads, and on-call rotas.
**
** Secrets: passwords are hashed with Argon2id, session ids and API tokens are
** random and stored only as SHA-256 hashes; none of them is ever logged.
*/
#ifndef PARAPET_IDENTITY_H
#define PARAPET_IDENTITY_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "core/core.h"
#include "store/store.h"

enum role {
	ROLE_NONE = 0,
	ROLE_ADMIN = 1,
	ROLE_ANALYST = 2,
	ROLE_PROVINCIAL = 4,
	ROLE_RESPONDER = 8,
	ROLE_CONSTITUENT = 16,
};
#define ROLES_ALL 31u
#define ROLES_STAFF (ROLE_ADMIN | ROLE_ANALYST | ROLE_PROVINCIAL | ROLE_RESPONDER)
#define ROLES_CERT (ROLE_ADMIN | ROLE_ANALYST | ROLE_PROVINCIAL)
/* Not a role: a flag in a route's role mask saying the route is a national
** list or intake (report feeds) that a credential narrowed to one
** organisation or province may not use at all, since what it returns or
** does cannot be cut down to that scope. */
#define ROLE_FLAG_UNNARROWED 0x100u
/* National staff with an unnarrowed credential: the report feeds. */
#define ROLES_NATIONAL (ROLE_ADMIN | ROLE_ANALYST | ROLE_FLAG_UNNARROWED)
/* Admin work (users, teams, rotas, routing rules, every user's tokens, the
** audit log, the outbox) is national too: an admin's narrowed token would
** otherwise create an admin user and leave its narrowing behind. */
#define ROLES_ADMIN_WORK (ROLE_ADMIN | ROLE_FLAG_UNNARROWED)

enum role identity_role_parse(const char *s);
const char *identity_role_name(enum role r);

struct principal {
	int64_t user_id;
	char login[64];
	enum role role;
	int64_t org_id;          /* constituent's organisation */
	char province[64];       /* provincial analyst's province */
	bool readonly;           /* token limited to safe methods */
	int64_t token_id;        /* 0 when authenticated by session */
	int64_t scope_org;       /* token narrowing, 0 = none */
	char scope_province[64]; /* token narrowing, "" = none */
	char csrf[65];           /* session's CSRF token ("" for tokens) */
	int64_t teams[16];       /* teams the user belongs to */
	int nteams;
	char lang[4];            /* the user's interface language, "" = not chosen */
	char calendar[12];       /* gregorian, jalali, "" = not chosen */
};

/* The object an access decision is about. */
struct target {
	int64_t org_id;       /* owning organisation, 0 = none */
	const char *province; /* its province, NULL = none */
	/* Work items (incidents) are also scoped by team: a responder sees
	** those of their teams and those assigned to them. */
	bool team_scoped;
	int64_t team_id;
	int64_t assignee_id;
};

/* May p call a route open to `roles`; write = the method is unsafe. With
** ROLE_FLAG_UNNARROWED in roles, a token narrowed to an organisation or a
** province is refused as well. Returns 0, or -1 with PERR_AUTH (no
** principal) or PERR_FORBIDDEN. */
int identity_allow_route(const struct principal *p, unsigned roles, bool write,
			 struct perr *err);
/* May p see (and, given the route allowed it, act on) the object t. Returns
** 0, or -1 with PERR_NOTFOUND: an object outside one's scope is reported as
** absent so that its existence does not leak. */
int identity_allow_object(const struct principal *p, const struct target *t,
			  struct perr *err);
/* May p create an object in scope t (e.g. an organisation in a province).
** Returns 0 or -1 with PERR_FORBIDDEN. */
int identity_allow_create(const struct principal *p, const struct target *t,
			  struct perr *err);
/* Constraints a list must apply for p: *province (NULL = any) and *org_id
** (0 = any). The pointers returned point into p. */
void identity_list_scope(const struct principal *p, const char **province,
			 int64_t *org_id);
/* "user:LOGIN" or "token:ID/LOGIN", for the audit log. */
void identity_actor(const struct principal *p, char *out, size_t n);

/* ------------------------------------------------------------ passwords */

#define IDENTITY_PASSWORD_MAX 1024 /* bytes: longer is refused before hashing */

int identity_password_hash(const struct config *cfg, const char *password,
			   char out[192], struct perr *err);
bool identity_password_verify(const char *hash, const char *password);

/* ----------------------------------------------------------------- users */

struct user_spec {
	const char *login;
	const char *role;
	int64_t org_id;
	const char *province;
	const char *password;
};
/* Validate and create a user; appends to the audit log. Call in a transaction. */
int identity_user_add(struct store *st, const struct config *cfg, const char *actor,
		      const struct user_spec *spec, struct store_user *out,
		      struct perr *err);

/* Change login's own password after checking the current one (limited like
** a log-in: a wrong current password counts as a failed log-in). Ends the
** user's other sessions (all but keep_cookie's; NULL = all) and, unless
** keep_tokens, revokes the user's API tokens. Audited. Call in a
** transaction. PERR_FORBIDDEN with field "current" (wrong password) and
** PERR_BUSY (locked) have written only the failure counters, which the
** caller commits (identity_login's contract). */
int identity_password_change(struct store *st, const struct config *cfg, const char *actor,
			     const char *login, const char *current, const char *fresh,
			     const char *addr, const char *keep_cookie, bool keep_tokens,
			     struct perr *err);
/* An administrator's reset of login's password (no current password):
** unlocks the account, ends every session and, unless keep_tokens, revokes
** every token. Audited. Call in a transaction. */
int identity_password_set(struct store *st, const struct config *cfg, const char *actor,
			  const char *login, const char *password, bool keep_tokens,
			  struct perr *err);
/* Disable or enable user_id (actor_id: the caller's user id, 0 = the CLI;
** nobody disables themselves). Disabling ends every session and revokes
** every token of the user at once. Audited; *out (may be NULL) gets the
** user. Call in a transaction; the server's credential cache is flushed
** by its commit (identity_auth_changed). */
int identity_user_set_disabled(struct store *st, const char *actor, int64_t actor_id,
			       int64_t user_id, bool disabled, struct store_user *out,
			       struct perr *err);

/* Delete user_id (actor_id: the caller's user id, 0 = the CLI; nobody
** deletes themselves: PERR_INVALID). PERR_NOTFOUND "no such user" when
** absent. Audited with the user as it was. Call in a transaction. */
int identity_user_delete(struct store *st, const char *actor, int64_t actor_id,
			 int64_t user_id, struct perr *err);

/* ---------------------------------------------------------- teams, rota */

/* Create a team: name required, valid UTF-8 without control characters and
** no longer than store_team.name (refused, never cut, naming the field);
** province NULL = national, else an existing province. Audited. Call in a
** transaction; *out gets the team with its id. */
int identity_team_add(struct store *st, const char *actor, const char *name,
		      const char *province, struct store_team *out, struct perr *err);
/* Make user_id the team's lead (0 = no lead). PERR_NOTFOUND for the team,
** PERR_INVALID "lead" for an unknown user. Audited; call in a transaction. */
int identity_team_set_lead(struct store *st, const char *actor, int64_t team_id,
			   int64_t user_id, struct perr *err);
/* Add user_id to the team (adding a member twice is no change) or remove
** them (PERR_NOTFOUND when not a member). PERR_NOTFOUND for the team,
** PERR_INVALID "user" for an unknown user. Audited; call in a transaction. */
int identity_team_member_add(struct store *st, const char *actor, int64_t team_id,
			     int64_t user_id, struct perr *err);
int identity_team_member_remove(struct store *st, const char *actor, int64_t team_id,
				int64_t user_id, struct perr *err);

/* An on-call entry: weekly, start and end are minutes from Monday 00:00 UTC
** (0 <= start < end <= 10080); else a dated override, start and end UTC
** epoch milliseconds, end after start. */
struct rota_spec {
	int64_t team_id, user_id;
	bool weekly;
	int64_t start, end;
};
/* Add an on-call entry; *id gets its id. PERR_NOTFOUND for the team,
** PERR_INVALID naming "user", "start_minute", "end_minute" or "end".
** Audited; call in a transaction. */
int identity_rota_add(struct store *st, const char *actor, const struct rota_spec *spec,
		      int64_t *id, struct perr *err);

/* --------------------------------------------------------------- login */

/* Check credentials, limited per account (state in the store, survives
** restarts) and per source network (/24, /64; in memory): see identity.c.
** On success fills *u and clears the account's failures. PERR_BUSY with
** *retry_after (seconds) when the caller must wait (no password was
** checked); PERR_AUTH for bad credentials (never saying which part was
** wrong, the same for unknown logins). On PERR_AUTH and PERR_BUSY the only
** writes made are the failure counters: the caller commits them although it
** answers an error. */
int identity_login(struct store *st, const struct config *cfg, const char *login,
		   const char *password, const char *addr, struct store_user *u,
		   int64_t *retry_after, struct perr *err);
/* Forget the per-network state (tests, and `serve` start); per-account
** state is in the store. */
void identity_ratelimit_reset(void);
/* Counters since start, for /metrics. */
struct identity_login_stats {
	uint64_t failures;         /* failed log-ins (wrong password, unknown, disabled) */
	uint64_t lockouts_account; /* failures that locked an account */
	uint64_t lockouts_network; /* failures that locked a source network */
};
void identity_login_stats(struct identity_login_stats *out);

/* Create a session for u: *cookie gets the secret cookie value (65 bytes),
** csrf the CSRF token. */
int identity_session_create(struct store *st, const struct config *cfg,
			    const struct store_user *u, char cookie[65], char csrf[65],
			    struct perr *err);
/* Resolve a session cookie value into a principal (PERR_AUTH when unknown,
** expired or the user disabled). */
int identity_session_resolve(struct store *st, const char *cookie,
			     struct principal *p, struct perr *err);
int identity_session_end(struct store *st, const char *cookie, struct perr *err);

/* --------------------------------------------------------------- tokens */

struct token_spec {
	const char *name;
	bool readonly;
	int64_t org_id;       /* narrow to one organisation, 0 = none */
	const char *province; /* narrow to one province, NULL = none */
};
/* Create an API token for user u, no wider than u's own scope. secret gets
** the token (shown once, never stored). Call in a transaction. */
int identity_token_create(struct store *st, const char *actor, const struct store_user *u,
			  const struct token_spec *spec, char secret[80],
			  struct store_token *out, struct perr *err);
int identity_token_resolve(struct store *st, const char *secret, struct principal *p,
			   struct perr *err);
/* Revoke token_id for p (NULL = the CLI, which may revoke any token). A
** token that is not p's, unless p is a national admin, is PERR_NOTFOUND "no
** such token", as an absent one is; an already revoked one PERR_CONFLICT.
** Audited; call in a transaction (the server's commit flushes the
** credential cache). */
int identity_token_revoke(struct store *st, const char *actor, const struct principal *p,
			  int64_t token_id, struct perr *err);

/* The same through a short-lived cache, for the server's reads: a token or
** session resolved in the last IDENTITY_AUTH_CACHE_MS is not looked up
** again (the store round trips for token, user and teams were most of the
** cost of a cached list request, issue 3). identity_auth_changed() forgets
** every entry; the server calls it after each write it commits, so a
** revocation, a logout, a disabled user or a changed role or team made
** through the API applies to the very next request; made by another process
** (the CLI), to reads within the second and to writes at once, since
** writes resolve without the cache. Entries are keyed by the secret's
** SHA-256, never by the secret; failures are not cached. */
#define IDENTITY_AUTH_CACHE_MS 1000
int identity_token_resolve_cached(struct store *st, const char *secret, struct principal *p,
				  struct perr *err);
int identity_session_resolve_cached(struct store *st, const char *cookie,
				    struct principal *p, struct perr *err);
void identity_auth_changed(void);

/* Set the caller's own interface language ("en", "fa") and calendar
** ("gregorian", "jalali"); NULL leaves one as it is, "" clears it. Audited;
** call in a transaction. INVALID names the field when a value is not one
** of these. */
int identity_prefs_set(struct store *st, const struct principal *p, const char *actor,
		       const char *lang, const char *calendar, struct perr *err);

/* Fill p from a user row (CLI and session resolution share this),
** including the user's teams. */
int identity_principal_from_user(struct store *st, const struct store_user *u,
				 struct principal *p, struct perr *err);
/* True for CERT staff (admin, analyst, provincial, responder): they may read
** internal notes; constituents may not. */
bool identity_is_staff(const struct principal *p);
/* True for analysts and up (admin, analyst, provincial): they change the
** settings of watched sites, report detections and open incidents for any
** organisation of their scope; a responder works the incidents of its
** teams. */
bool identity_is_analyst(const struct principal *p);
/* True for an admin whose credential is not narrowed (ROLES_ADMIN_WORK):
** it may act on other users' tokens. */
bool identity_is_national_admin(const struct principal *p);

/* Secrets other modules hand out (the export consumers' tokens, issue 15):
** the same generator and hash as API tokens, so every credential Parapet
** issues has 256 random bits and is stored as its SHA-256 only.
** identity_secret_new writes prefix + 64 hex digits into secret (n >=
** strlen(prefix) + 65) and its SHA-256 (hex) into hash. */
void identity_secret_new(const char *prefix, char *secret, size_t n, char hash[65]);
/* The SHA-256 (hex) of a secret, as identity_secret_new gives it. */
void identity_secret_hash(const char *secret, char hash[65]);
/* True when s is prefix followed by exactly 64 lower-case hex digits: the
** shape identity_secret_new makes (anything else is refused unhashed). */
bool identity_secret_wellformed(const char *prefix, const char *s);

#endif
