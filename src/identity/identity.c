/*
** identity.c — roles, access decisions, passwords, sessions, tokens and the
** login rate limiter.
**
** Access is decided in three small functions (route, object, create) that
** every HTTP handler and CLI command goes through. The login limiter keeps
** failures per account in the store and per source network in a bounded
** table (the rate limit section says how and why), so an online
** guesser gets a few tries an hour per account whatever addresses it uses.
** The server resolves the credentials of reads through a one-second cache
** of principals (identity.h says when it is flushed).
*/
#include "identity/identity.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"

/* ---------------------------------------------------------------- roles */

static const struct {
	enum role role;
	const char *name;
} role_names[] = {
	{ ROLE_ADMIN, "admin" },         { ROLE_ANALYST, "analyst" },
	{ ROLE_PROVINCIAL, "provincial" }, { ROLE_RESPONDER, "responder" },
	{ ROLE_CONSTITUENT, "constituent" },
};

enum role identity_role_parse(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(role_names); i++)
		if (s && strcmp(s, role_names[i].name) == 0)
			return role_names[i].role;
	return ROLE_NONE;
}

const char *identity_role_name(enum role r)
{
	for (size_t i = 0; i < ARRAY_SIZE(role_names); i++)
		if (role_names[i].role == r)
			return role_names[i].name;
	return "none";
}

/* ------------------------------------------------------- access control */

int identity_allow_route(const struct principal *p, unsigned roles, bool write,
			 struct perr *err)
{
	if (!p || p->role == ROLE_NONE)
		return perr_set(err, PERR_AUTH, NULL, "authentication required");
	if (!(roles & (unsigned)p->role))
		return perr_set(err, PERR_FORBIDDEN, NULL,
				"the %s role may not do this", identity_role_name(p->role));
	if ((roles & ROLE_FLAG_UNNARROWED) && (p->scope_org || p->scope_province[0]))
		return perr_set(err, PERR_FORBIDDEN, NULL,
				"this API token is narrowed to an organisation or province; "
				"this national route needs an unnarrowed one");
	if (write && p->readonly)
		return perr_set(err, PERR_FORBIDDEN, NULL, "this API token is read-only");
	return 0;
}

/* True when t lies inside p's scope (role scope, then token narrowing). */
static bool in_scope(const struct principal *p, const struct target *t)
{
	const char *prov = t->province ? t->province : "";
	switch (p->role) {
	case ROLE_ADMIN:
	case ROLE_ANALYST:
		break;
	case ROLE_RESPONDER:
		if (t->team_scoped) {
			bool mine = t->assignee_id && t->assignee_id == p->user_id;
			for (int k = 0; !mine && k < p->nteams; k++)
				mine = t->team_id && p->teams[k] == t->team_id;
			if (!mine)
				return false;
		}
		break;
	case ROLE_PROVINCIAL:
		if (!p->province[0] || strcmp(prov, p->province) != 0)
			return false;
		break;
	case ROLE_CONSTITUENT:
		if (!p->org_id || t->org_id != p->org_id)
			return false;
		break;
	default:
		return false;
	}
	if (p->scope_org && t->org_id != p->scope_org)
		return false;
	if (p->scope_province[0] && strcmp(prov, p->scope_province) != 0)
		return false;
	return true;
}

int identity_allow_object(const struct principal *p, const struct target *t,
			  struct perr *err)
{
	if (!p || !t || !in_scope(p, t))
		return perr_set(err, PERR_NOTFOUND, NULL, "not found");
	return 0;
}

int identity_allow_create(const struct principal *p, const struct target *t,
			  struct perr *err)
{
	if (!p || !t || !in_scope(p, t))
		return perr_set(err, PERR_FORBIDDEN, NULL,
				"outside your organisation or province");
	return 0;
}

void identity_list_scope(const struct principal *p, const char **province,
			 int64_t *org_id)
{
	*province = NULL;
	*org_id = 0;
	if (p->role == ROLE_PROVINCIAL)
		*province = p->province;
	if (p->role == ROLE_CONSTITUENT)
		*org_id = p->org_id ? p->org_id : -1;
	if (p->scope_province[0])
		*province = p->scope_province;
	if (p->scope_org)
		*org_id = p->scope_org;
}

void identity_actor(const struct principal *p, char *out, size_t n)
{
	if (p->token_id)
		snprintf(out, n, "token:%lld/%s", (long long)p->token_id, p->login);
	else
		snprintf(out, n, "user:%s", p->login);
}

int identity_principal_from_user(struct store *st, const struct store_user *u,
				 struct principal *p, struct perr *err)
{
	memset(p, 0, sizeof(*p));
	p->user_id = u->id;
	PSTRCPY(p->login, u->login);
	p->role = identity_role_parse(u->role);
	p->org_id = u->org_id;
	PSTRCPY(p->province, u->province);
	PSTRCPY(p->lang, u->lang);
	PSTRCPY(p->calendar, u->calendar);
	return st ? store_user_teams(st, u->id, p->teams, 16, &p->nteams, err) : 0;
}

int identity_prefs_set(struct store *st, const struct principal *p, const char *actor,
		       const char *lang, const char *calendar, struct perr *err)
{
	if (lang && *lang && strcmp(lang, "en") != 0 && strcmp(lang, "fa") != 0)
		return perr_set(err, PERR_INVALID, "lang", "lang must be en or fa");
	if (calendar && *calendar && strcmp(calendar, "gregorian") != 0 &&
	    strcmp(calendar, "jalali") != 0)
		return perr_set(err, PERR_INVALID, "calendar", "calendar must be gregorian or jalali");
	struct store_user u;
	if (store_user_get(st, p->user_id, &u, err) != 0)
		return -1;
	if (store_user_set_prefs(st, p->user_id, lang ? lang : u.lang,
				 calendar ? calendar : u.calendar, err) != 0)
		return -1;
	char obj[32];
	snprintf(obj, sizeof(obj), "user:%lld", (long long)p->user_id);
	return audit_append(st, actor, "user.prefs", obj, NULL, NULL, err);
}

bool identity_is_staff(const struct principal *p)
{
	return p && (p->role & ROLES_STAFF) != 0;
}

bool identity_is_analyst(const struct principal *p)
{
	return p && (p->role & ROLES_CERT) != 0;
}

bool identity_is_national_admin(const struct principal *p)
{
	return identity_allow_route(p, ROLES_ADMIN_WORK, false, NULL) == 0;
}

/* ------------------------------------------------------------ passwords */

int identity_password_hash(const struct config *cfg, const char *password,
			   char out[192], struct perr *err)
{
	char h[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str(h, password, strlen(password),
			      (unsigned long long)cfg->pwhash_ops,
			      (size_t)cfg->pwhash_mem) != 0)
		return perr_set(err, PERR_INTERNAL, NULL,
				"password hashing failed (out of memory)");
	if (pstrlcpy(out, h, 192) != 0)
		return perr_set(err, PERR_INTERNAL, NULL, "password hash too long");
	return 0;
}

bool identity_password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static int check_password(const struct config *cfg, const char *pw, struct perr *err)
{
	size_t n = strlen(pw);
	if (!utf8_valid(pw, n))
		return perr_set(err, PERR_INVALID, "password", "password is not valid UTF-8");
	/* Count characters, not bytes: a Persian passphrase is as good as a
	** Latin one of the same length. */
	size_t chars = 0;
	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)pw[i] & 0xC0) != 0x80;
	if (chars < (size_t)cfg->password_min)
		return perr_set(err, PERR_INVALID, "password",
				"password must have at least %lld characters",
				(long long)cfg->password_min);
	if (n > IDENTITY_PASSWORD_MAX)
		return perr_set(err, PERR_INVALID, "password", "password is longer than %d bytes",
				IDENTITY_PASSWORD_MAX);
	return 0;
}

/* ----------------------------------------------------------------- users */

static bool login_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '-' || c == '@'))
			return false;
	}
	return true;
}

int identity_user_add(struct store *st, const struct config *cfg, const char *actor,
		      const struct user_spec *spec, struct store_user *out,
		      struct perr *err)
{
	struct store_user u;
	memset(&u, 0, sizeof(u));
	if (!spec->login || !login_ok(spec->login))
		return perr_set(err, PERR_INVALID, "login",
				"login must be 1-63 characters of a-z 0-9 . _ - @");
	enum role r = identity_role_parse(spec->role);
	if (r == ROLE_NONE)
		return perr_set(err, PERR_INVALID, "role",
				"role must be admin, analyst, provincial, responder or "
				"constituent");
	if (r == ROLE_CONSTITUENT) {
		struct store_org o;
		if (!spec->org_id)
			return perr_set(err, PERR_INVALID, "org",
					"a constituent needs an organisation (--org ID)");
		if (store_org_get(st, spec->org_id, &o, err) != 0)
			return perr_set(err, PERR_INVALID, "org", "organisation %lld does not exist",
					(long long)spec->org_id);
		u.org_id = spec->org_id;
	} else if (spec->org_id) {
		return perr_set(err, PERR_INVALID, "org",
				"only constituents belong to an organisation");
	}
	if (r == ROLE_PROVINCIAL) {
		if (!spec->province || !store_province_exists(st, spec->province))
			return perr_set(err, PERR_INVALID, "province",
					"a provincial analyst needs a known province");
		if (PSTRCPY_OR_ERR(u.province, spec->province, "province", err))
			return -1;
	} else if (spec->province && spec->province[0]) {
		return perr_set(err, PERR_INVALID, "province",
				"only provincial analysts have a province");
	}
	if (!spec->password)
		return perr_set(err, PERR_INVALID, "password", "password is required");
	if (check_password(cfg, spec->password, err) != 0)
		return -1;
	if (PSTRCPY_OR_ERR(u.login, spec->login, "login", err) ||
	    PSTRCPY_OR_ERR(u.role, identity_role_name(r), "role", err))
		return -1;
	u.created_ms = core_now_ms();
	if (identity_password_hash(cfg, spec->password, u.pwhash, err) != 0)
		return -1;
	if (store_user_insert(st, &u, err) != 0) {
		if (err && err->kind == PERR_CONFLICT)
			perr_set(err, PERR_CONFLICT, "login", "login %s is taken", u.login);
		return -1;
	}
	char obj[64], after[512];
	snprintf(obj, sizeof(obj), "user:%lld", (long long)u.id);
	snprintf(after, sizeof(after),
		 "{\"login\":\"%s\",\"role\":\"%s\",\"org\":%lld,\"province\":\"%s\"}",
		 u.login, u.role, (long long)u.org_id, u.province);
	if (audit_append(st, actor, "user.create", obj, NULL, after, err) != 0)
		return -1;
	if (out)
		*out = u;
	return 0;
}

static void hash_hex(const char *secret, char out[65]);

/* ------------------------------------------------------------ rate limit */

/*
** Failed log-ins are kept in two places (issue 11, item 5).
**
** Per existing account, in the store (user.login_failures and
** user.login_locked_until_ms): nothing an attacker sends can evict it, and a
** restart keeps it. The n-th consecutive failure, n >= auth.login_max_failures,
** locks the account for login_first_delay * 2^(n - max) seconds, capped at
** auth.login_max_delay; while locked no password is checked, the right one
** included. A successful log-in (or an administrator's password reset)
** clears it. Address rotation does not help: the state is the account's.
**
** Per source network (/24 for IPv4, /64 for IPv6: one host or one customer
** of most providers), in memory: every failure counts, whether the login
** exists or not, with five times the account's allowance, so that guessing
** many logins (password spraying) from one network is slowed too. A
** network's lock applies to every login tried from it; if it applied only
** to unknown logins, or counted only their failures, comparing answers
** would tell which logins exist. A network is forgotten once it is
** unlocked and has been quiet for login_max_delay.
**
** The network table is bounded (NET_SLOTS). A new network takes, in order:
** a free or forgotten slot; else the slot of the network with the fewest
** failures (the oldest among equals) that is still below its allowance. A
** network at or over its allowance (a hot one) is never evicted, so flooding
** the table cannot reset one: evicting a cold network gives its owner at
** most allowance-1 tries again, after the flooder has spent as many on every
** slot. When every slot is hot, the networks without a slot share one
** overflow bucket, counted and locked like a network: under such a flood
** logins from new networks may be delayed (never refused outright: the lock
** ends), accounts keep their own limits in the store, and networks already
** in the table keep theirs.
**
** Residual: an unknown login is limited only by its network, so an attacker
** with many networks can tell an existing account from its lock after
** login_max_failures failures. Answers are otherwise the same: status,
** detail, the dummy Argon2 hash for unknown logins, the network's delays.
*/

#define NET_SLOTS 4096
#define NET_FACTOR 5

struct net_entry {
	uint8_t key[17]; /* family byte, then the prefix (zero-padded); [0] = 0: free */
	int64_t failures;
	int64_t last_ms;
	int64_t until_ms;
};

static struct net_entry net_table[NET_SLOTS];
static struct net_entry net_overflow;
static pthread_mutex_t rl_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic uint64_t stat_failures, stat_lock_account, stat_lock_network;

void identity_ratelimit_reset(void)
{
	pthread_mutex_lock(&rl_lock);
	memset(net_table, 0, sizeof(net_table));
	memset(&net_overflow, 0, sizeof(net_overflow));
	pthread_mutex_unlock(&rl_lock);
}

void identity_login_stats(struct identity_login_stats *out)
{
	out->failures = atomic_load(&stat_failures);
	out->lockouts_account = atomic_load(&stat_lock_account);
	out->lockouts_network = atomic_load(&stat_lock_network);
}

/* The network of addr: family 4 with the /24, family 6 with the /64 (an
** IPv4-mapped IPv6 address is IPv4); anything else (not an address) is
** keyed by its own SHA-256. */
static void net_key(const char *addr, uint8_t key[17])
{
	uint8_t a[16];
	memset(key, 0, 17);
	if (inet_pton(AF_INET, addr, a) == 1) {
		key[0] = 4;
		memcpy(key + 1, a, 3);
	} else if (inet_pton(AF_INET6, addr, a) == 1) {
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (memcmp(a, mapped, 12) == 0) {
			key[0] = 4;
			memcpy(key + 1, a + 12, 3);
		} else {
			key[0] = 6;
			memcpy(key + 1, a, 8);
		}
	} else {
		uint8_t d[32];
		core_sha256(addr, strlen(addr), d);
		key[0] = 'x';
		memcpy(key + 1, d, 16);
	}
}

/* Seconds of the lock that the n-th consecutive failure imposes, given that
** locks start at the allow-th (0 when n < allow). */
static int64_t lock_secs(const struct config *cfg, int64_t n, int64_t allow)
{
	if (n < allow)
		return 0;
	int64_t d = cfg->login_first_delay;
	for (int64_t k = n - allow; k > 0 && d < cfg->login_max_delay; k--)
		d *= 2;
	return d < cfg->login_max_delay ? d : cfg->login_max_delay;
}

static bool net_forgotten(const struct config *cfg, const struct net_entry *e, int64_t now)
{
	return !e->key[0] ||
	       (e->until_ms <= now && now - e->last_ms >= cfg->login_max_delay * 1000);
}

/* The entry of key: its own slot, else (create) a slot taken as the comment
** above says, else the overflow bucket when the table is full of hot
** networks; without create, NULL when it has no slot and the table has
** room (an unknown network owes nothing). Caller holds rl_lock. */
static struct net_entry *net_find(const struct config *cfg, const uint8_t key[17], int64_t now,
				  bool create)
{
	int64_t allow = cfg->login_max_fail * NET_FACTOR;
	struct net_entry *free_slot = NULL, *cold = NULL;
	for (size_t i = 0; i < NET_SLOTS; i++) {
		struct net_entry *e = &net_table[i];
		if (e->key[0] && memcmp(e->key, key, 17) == 0) {
			if (net_forgotten(cfg, e, now)) {
				e->failures = 0;
				e->until_ms = 0;
			}
			return e;
		}
		if (net_forgotten(cfg, e, now)) {
			if (!free_slot)
				free_slot = e;
		} else if (e->failures < allow &&
			   (!cold || e->failures < cold->failures ||
			    (e->failures == cold->failures && e->last_ms < cold->last_ms))) {
			cold = e;
		}
	}
	if (free_slot || cold) {
		if (!create)
			return NULL;
		struct net_entry *e = free_slot ? free_slot : cold;
		memset(e, 0, sizeof(*e));
		memcpy(e->key, key, 17);
		return e;
	}
	if (net_forgotten(cfg, &net_overflow, now)) {
		memset(&net_overflow, 0, sizeof(net_overflow));
		net_overflow.key[0] = 'o';
	}
	return &net_overflow;
}

/* Seconds the network of key must still wait. */
static int64_t net_wait(const struct config *cfg, const uint8_t key[17], int64_t now)
{
	int64_t wait = 0;
	pthread_mutex_lock(&rl_lock);
	struct net_entry *e = net_find(cfg, key, now, false);
	if (e && e->until_ms > now)
		wait = (e->until_ms - now + 999) / 1000;
	pthread_mutex_unlock(&rl_lock);
	return wait;
}

/* Count a failure from the network of key; returns the lock it imposes,
** seconds (0 = none). */
static int64_t net_fail(const struct config *cfg, const uint8_t key[17], int64_t now)
{
	pthread_mutex_lock(&rl_lock);
	struct net_entry *e = net_find(cfg, key, now, true);
	e->failures++;
	e->last_ms = now;
	int64_t secs = lock_secs(cfg, e->failures, cfg->login_max_fail * NET_FACTOR);
	if (secs)
		e->until_ms = now + secs * 1000;
	pthread_mutex_unlock(&rl_lock);
	return secs;
}

/* What a log line may say of the login tried: an existing account's name,
** never an unknown one (people type their password in the login field). */
static const char *loggable(const struct store_user *u, bool exists)
{
	return exists ? u->login : "(unknown)";
}

int identity_login(struct store *st, const struct config *cfg, const char *login,
		   const char *password, const char *addr, struct store_user *u,
		   int64_t *retry_after, struct perr *err)
{
	uint8_t nk[17];
	const char *a = addr ? addr : "";
	net_key(a, nk);
	int64_t now = core_now_ms();
	struct perr e;
	perr_clear(&e);
	bool exists = store_user_by_login(st, login, u, &e) == 0;
	if (!exists && e.kind != PERR_NOTFOUND) {
		if (err)
			*err = e;
		return -1;
	}
	int64_t wait = net_wait(cfg, nk, now);
	if (exists && u->login_locked_until_ms > now) {
		int64_t w = (u->login_locked_until_ms - now + 999) / 1000;
		wait = w > wait ? w : wait;
	}
	*retry_after = wait;
	if (wait > 0) {
		plog(PLOG_WARN, "login: throttled login=%s addr=%s wait=%llds", loggable(u, exists),
		     a, (long long)wait);
		return perr_set(err, PERR_BUSY, NULL,
				"too many failed logins; try again in %lld s", (long long)wait);
	}
	bool ok;
	if (exists) {
		ok = identity_password_verify(u->pwhash, password) && !u->disabled;
	} else {
		/* Hash anyway, so that the answer time does not tell whether the
		** account exists. */
		char dummy[192];
		(void)identity_password_hash(cfg, "parapet-dummy-password", dummy, NULL);
		ok = false;
	}
	if (!ok) {
		atomic_fetch_add(&stat_failures, 1);
		int64_t nsecs = net_fail(cfg, nk, now);
		if (nsecs) {
			atomic_fetch_add(&stat_lock_network, 1);
			plog(PLOG_WARN, "login: lockout network of addr=%s for %llds", a,
			     (long long)nsecs);
		}
		if (exists) {
			int64_t n = u->login_failures + 1;
			int64_t secs = lock_secs(cfg, n, cfg->login_max_fail);
			int64_t until = secs ? now + secs * 1000 : 0;
			if (store_user_set_login_state(st, u->id, n, until, err) != 0)
				return -1;
			if (secs) {
				atomic_fetch_add(&stat_lock_account, 1);
				plog(PLOG_WARN,
				     "login: lockout login=%s for %llds after %lld failures addr=%s",
				     u->login, (long long)secs, (long long)n, a);
			}
		}
		plog(PLOG_WARN, "login: failed login=%s addr=%s", loggable(u, exists), a);
		return perr_set(err, PERR_AUTH, NULL, "wrong login or password");
	}
	if ((u->login_failures || u->login_locked_until_ms) &&
	    store_user_set_login_state(st, u->id, 0, 0, err) != 0)
		return -1;
	u->login_failures = 0;
	u->login_locked_until_ms = 0;
	plog(PLOG_INFO, "login: ok login=%s addr=%s", login, a);
	return 0;
}

/* End u's sessions (but keep_cookie's) and, unless keep_tokens, revoke its
** tokens; *revoked gets how many. */
static int end_credentials(struct store *st, int64_t user_id, const char *keep_cookie,
			   bool keep_tokens, int64_t *revoked, struct perr *err)
{
	char h[65];
	*revoked = 0;
	if (keep_cookie)
		hash_hex(keep_cookie, h);
	if (store_session_delete_user_except(st, user_id, keep_cookie ? h : NULL, err) != 0)
		return -1;
	if (!keep_tokens && store_token_revoke_user(st, user_id, core_now_ms(), revoked, err) != 0)
		return -1;
	return 0;
}

/* Audit a password change or reset of user_id. */
static int audit_password(struct store *st, const char *actor, const char *action,
			  int64_t user_id, bool keep_tokens, int64_t revoked, struct perr *err)
{
	char obj[48], after[96];
	snprintf(obj, sizeof(obj), "user:%lld", (long long)user_id);
	snprintf(after, sizeof(after), "{\"tokens_kept\":%s,\"tokens_revoked\":%lld}",
		 keep_tokens ? "true" : "false", (long long)revoked);
	return audit_append(st, actor, action, obj, NULL, after, err);
}

int identity_password_change(struct store *st, const struct config *cfg, const char *actor,
			     const char *login, const char *current, const char *fresh,
			     const char *addr, const char *keep_cookie, bool keep_tokens,
			     struct perr *err)
{
	struct store_user u;
	int64_t retry, revoked;
	char h[192];
	if (identity_login(st, cfg, login, current, addr, &u, &retry, err) != 0) {
		if (err && err->kind == PERR_AUTH)
			perr_set(err, PERR_FORBIDDEN, "current", "the current password is wrong");
		return -1;
	}
	if (check_password(cfg, fresh, err) != 0) {
		if (err)
			PSTRCPY(err->field, "new");
		return -1;
	}
	if (strcmp(current, fresh) == 0)
		return perr_set(err, PERR_INVALID, "new", "the new password must differ");
	if (identity_password_hash(cfg, fresh, h, err) != 0 ||
	    store_user_set_password(st, u.id, h, err) != 0 ||
	    end_credentials(st, u.id, keep_cookie, keep_tokens, &revoked, err) != 0)
		return -1;
	return audit_password(st, actor, "user.password", u.id, keep_tokens, revoked, err);
}

int identity_password_set(struct store *st, const struct config *cfg, const char *actor,
			  const char *login, const char *password, bool keep_tokens,
			  struct perr *err)
{
	struct store_user u;
	int64_t revoked;
	char h[192];
	if (store_user_by_login(st, login, &u, err) != 0)
		return -1;
	if (check_password(cfg, password, err) != 0 ||
	    identity_password_hash(cfg, password, h, err) != 0 ||
	    store_user_set_password(st, u.id, h, err) != 0 ||
	    store_user_set_login_state(st, u.id, 0, 0, err) != 0 ||
	    end_credentials(st, u.id, NULL, keep_tokens, &revoked, err) != 0)
		return -1;
	return audit_password(st, actor, "user.password_reset", u.id, keep_tokens, revoked, err);
}

int identity_user_set_disabled(struct store *st, const char *actor, int64_t actor_id,
			       int64_t user_id, bool disabled, struct store_user *out,
			       struct perr *err)
{
	struct store_user u;
	int64_t revoked = 0;
	if (store_user_get(st, user_id, &u, err) != 0)
		return -1;
	if (disabled && user_id == actor_id)
		return perr_set(err, PERR_INVALID, "disabled", "you cannot disable yourself");
	if (store_user_set_disabled(st, u.id, disabled, err) != 0)
		return -1;
	/* A disabled user keeps nothing that lets them back in once enabled:
	** sessions end and tokens are revoked, not just refused. */
	if (disabled && end_credentials(st, u.id, NULL, false, &revoked, err) != 0)
		return -1;
	char obj[48], before[32], after[64];
	snprintf(obj, sizeof(obj), "user:%lld", (long long)u.id);
	snprintf(before, sizeof(before), "{\"disabled\":%s}", u.disabled ? "true" : "false");
	snprintf(after, sizeof(after), "{\"disabled\":%s,\"tokens_revoked\":%lld}",
		 disabled ? "true" : "false", (long long)revoked);
	if (audit_append(st, actor, disabled ? "user.disable" : "user.enable", obj, before, after,
			 err) != 0)
		return -1;
	u.disabled = disabled;
	if (out)
		*out = u;
	return 0;
}

int identity_user_delete(struct store *st, const char *actor, int64_t actor_id,
			 int64_t user_id, struct perr *err)
{
	struct store_user u;
	if (store_user_get(st, user_id, &u, NULL) != 0)
		return perr_set(err, PERR_NOTFOUND, NULL, "no such user");
	if (u.id == actor_id)
		return perr_set(err, PERR_INVALID, NULL, "you cannot delete yourself");
	if (store_user_delete(st, u.id, err) != 0)
		return -1;
	char obj[48], ts[40];
	snprintf(obj, sizeof(obj), "user:%lld", (long long)u.id);
	core_iso8601(u.created_ms, ts, sizeof(ts));
	json_t *before = json_pack("{sI ss ss sb ss}", "id", (json_int_t)u.id, "login", u.login,
				   "role", u.role, "disabled", u.disabled, "created", ts);
	if (!before)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	json_object_set_new(before, "org", u.org_id ? json_integer(u.org_id) : json_null());
	json_object_set_new(before, "province", u.province[0] ? json_string(u.province) : json_null());
	return audit_append_json(st, actor, "user.delete", obj, before, NULL, err);
}

/* ---------------------------------------------------------- teams, rota */

/* Copy v into dst[n] for field: refused, never cut, when longer than fits,
** not UTF-8 or holding a control character; "" or NULL is refused only
** when required. Returns 0 or -1 with PERR_INVALID naming the field. */
static int text_field(const char *field, const char *v, bool required, char *dst, size_t n,
		      struct perr *err)
{
	if (!v || !v[0]) {
		if (required)
			return perr_set(err, PERR_INVALID, field, "%s is required", field);
		dst[0] = '\0';
		return 0;
	}
	size_t len = strlen(v);
	if (!utf8_valid(v, len))
		return perr_set(err, PERR_INVALID, field, "%s is not valid UTF-8", field);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return perr_set(err, PERR_INVALID, field, "%s contains a control character",
					field);
	if (pstrlcpy(dst, v, n) != 0)
		return perr_set(err, PERR_INVALID, field, "%s is longer than %zu bytes", field, n - 1);
	return 0;
}

static int team_get(struct store *st, int64_t team_id, struct store_team *t, struct perr *err)
{
	if (team_id <= 0 || store_team_get(st, team_id, t, NULL) != 0)
		return perr_set(err, PERR_NOTFOUND, NULL, "no such team");
	return 0;
}

/* The user a team operation names in field, which must exist. */
static int team_user(struct store *st, const char *field, int64_t user_id, struct perr *err)
{
	struct store_user u;
	if (user_id <= 0 || store_user_get(st, user_id, &u, NULL) != 0)
		return perr_set(err, PERR_INVALID, field, "no such user");
	return 0;
}

static int team_audit(struct store *st, const char *actor, const char *action, int64_t team_id,
		      const char *key, int64_t v, bool before, struct perr *err)
{
	char obj[48], j[96];
	snprintf(obj, sizeof(obj), "team:%lld", (long long)team_id);
	snprintf(j, sizeof(j), "{\"%s\":%lld}", key, (long long)v);
	return audit_append(st, actor, action, obj, before ? j : NULL, before ? NULL : j, err);
}

int identity_team_add(struct store *st, const char *actor, const char *name,
		      const char *province, struct store_team *out, struct perr *err)
{
	struct store_team t;
	memset(&t, 0, sizeof(t));
	if (text_field("name", name, true, t.name, sizeof(t.name), err) != 0)
		return -1;
	if (province) {
		if (text_field("province", province, false, t.province, sizeof(t.province), err) != 0)
			return -1;
		if (!store_province_exists(st, province))
			return perr_set(err, PERR_INVALID, "province", "unknown province");
	}
	if (store_team_insert(st, &t, err) != 0)
		return -1;
	char obj[48];
	snprintf(obj, sizeof(obj), "team:%lld", (long long)t.id);
	json_t *after = json_pack("{ss ss}", "name", t.name, "province", t.province);
	int rc = after ? audit_append_json(st, actor, "team.create", obj, NULL, after, err)
		       : perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	if (rc == 0 && out)
		*out = t;
	return rc;
}

int identity_team_set_lead(struct store *st, const char *actor, int64_t team_id,
			   int64_t user_id, struct perr *err)
{
	struct store_team t;
	if (team_get(st, team_id, &t, err) != 0 ||
	    (user_id && team_user(st, "lead", user_id, err) != 0) ||
	    store_team_set_lead(st, t.id, user_id, err) != 0)
		return -1;
	return team_audit(st, actor, "team.lead", t.id, "lead", user_id, false, err);
}

int identity_team_member_add(struct store *st, const char *actor, int64_t team_id,
			     int64_t user_id, struct perr *err)
{
	struct store_team t;
	if (team_get(st, team_id, &t, err) != 0 || team_user(st, "user", user_id, err) != 0 ||
	    store_team_add_member(st, t.id, user_id, err) != 0)
		return -1;
	return team_audit(st, actor, "team.member.add", t.id, "member", user_id, false, err);
}

int identity_team_member_remove(struct store *st, const char *actor, int64_t team_id,
				int64_t user_id, struct perr *err)
{
	if (team_id <= 0 || user_id <= 0)
		return perr_set(err, PERR_NOTFOUND, NULL, "no such member");
	if (store_team_remove_member(st, team_id, user_id, err) != 0)
		return -1;
	return team_audit(st, actor, "team.member.remove", team_id, "member", user_id, true, err);
}

int identity_rota_add(struct store *st, const char *actor, const struct rota_spec *spec,
		      int64_t *id, struct perr *err)
{
	struct store_team t;
	*id = 0;
	if (team_get(st, spec->team_id, &t, err) != 0 ||
	    team_user(st, "user", spec->user_id, err) != 0)
		return -1;
	int rc;
	if (spec->weekly) {
		if (spec->start < 0 || spec->start > 10079)
			return perr_set(err, PERR_INVALID, "start_minute",
					"start_minute is 0 to 10079 (minutes from Monday 00:00 UTC)");
		if (spec->end <= spec->start || spec->end > 10080)
			return perr_set(err, PERR_INVALID, "end_minute",
					"end_minute must be after start_minute, at most 10080");
		rc = store_rota_add_slot(st, t.id, spec->user_id, spec->start, spec->end, id, err);
	} else {
		if (spec->end <= spec->start)
			return perr_set(err, PERR_INVALID, "end", "end must be after start");
		rc = store_rota_add_override(st, t.id, spec->user_id, spec->start, spec->end, id,
					     err);
	}
	if (rc != 0)
		return -1;
	char obj[48], after[128];
	snprintf(obj, sizeof(obj), "team:%lld", (long long)t.id);
	snprintf(after, sizeof(after), "{\"oncall\":%lld,\"user\":%lld}", (long long)*id,
		 (long long)spec->user_id);
	return audit_append(st, actor, "team.rota", obj, NULL, after, err);
}

/* ---------------------------------------------------- credential cache */

/* Direct-mapped by the first byte of the secret's SHA-256; one mutex, held
** only to copy a principal. An entry counts only while the epoch it was
** resolved in is current: the epoch is read before the store lookup, so a
** change committed during the lookup voids the entry it fills. */
#define AC_SLOTS 256

struct ac_entry {
	char kind; /* 't' token, 's' session, 0 empty */
	char hash[65];
	struct principal p;
	int64_t at_ms, expires_ms;
	uint64_t epoch;
};

static struct ac_entry ac_table[AC_SLOTS];
static pthread_mutex_t ac_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic uint64_t ac_epoch;

void identity_auth_changed(void)
{
	atomic_fetch_add(&ac_epoch, 1);
}

static struct ac_entry *ac_slot(const char hash[65])
{
	unsigned v = 0;
	for (int i = 0; i < 2; i++) {
		char c = hash[i];
		v = v * 16 + (unsigned)(c >= 'a' ? c - 'a' + 10 : c - '0');
	}
	return &ac_table[v % AC_SLOTS];
}

/* Copy the cached principal for (kind, hash) into *p when there is a valid
** one. */
static bool ac_get(char kind, const char hash[65], uint64_t epoch, int64_t now, struct principal *p)
{
	bool hit = false;
	pthread_mutex_lock(&ac_lock);
	struct ac_entry *e = ac_slot(hash);
	if (e->kind == kind && e->epoch == epoch && now >= e->at_ms &&
	    now - e->at_ms < IDENTITY_AUTH_CACHE_MS && now < e->expires_ms &&
	    sodium_memcmp(e->hash, hash, 64) == 0) {
		*p = e->p;
		hit = true;
	}
	pthread_mutex_unlock(&ac_lock);
	return hit;
}

/* Keep p, resolved from the store in epoch, unless the epoch moved since. */
static void ac_put(char kind, const char hash[65], uint64_t epoch, int64_t now,
		   int64_t expires, const struct principal *p)
{
	pthread_mutex_lock(&ac_lock);
	if (atomic_load(&ac_epoch) == epoch) {
		struct ac_entry *e = ac_slot(hash);
		e->kind = kind;
		memcpy(e->hash, hash, 65);
		e->p = *p;
		e->at_ms = now;
		e->expires_ms = expires;
		e->epoch = epoch;
	}
	pthread_mutex_unlock(&ac_lock);
}

/* ------------------------------------------------------------- sessions */

static void random_hex(char *out, size_t bytes)
{
	uint8_t r[48];
	randombytes_buf(r, bytes);
	core_hex(r, bytes, out);
}

static void hash_hex(const char *secret, char out[65])
{
	uint8_t d[32];
	core_sha256(secret, strlen(secret), d);
	core_hex(d, 32, out);
}

int identity_session_create(struct store *st, const struct config *cfg,
			    const struct store_user *u, char cookie[65], char csrf[65],
			    struct perr *err)
{
	struct store_session s;
	memset(&s, 0, sizeof(s));
	random_hex(cookie, 32);
	random_hex(csrf, 32);
	hash_hex(cookie, s.id_hash);
	if (PSTRCPY_OR_ERR(s.csrf, csrf, "csrf", err))
		return -1;
	s.user_id = u->id;
	s.created_ms = core_now_ms();
	s.expires_ms = s.created_ms + cfg->session_ttl * 1000;
	(void)store_session_purge(st, s.created_ms, NULL);
	return store_session_insert(st, &s, err);
}

static bool hex64(const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

void identity_secret_new(const char *prefix, char *secret, size_t n, char hash[65])
{
	char rnd[65];
	random_hex(rnd, 32);
	snprintf(secret, n, "%s%s", prefix, rnd);
	sodium_memzero(rnd, sizeof(rnd));
	hash_hex(secret, hash);
}

void identity_secret_hash(const char *secret, char hash[65])
{
	hash_hex(secret, hash);
}

bool identity_secret_wellformed(const char *prefix, const char *s)
{
	size_t n = strlen(prefix);
	return s && strncmp(s, prefix, n) == 0 && hex64(s + n);
}

static int session_resolve(struct store *st, const char *cookie, struct principal *p,
			   bool cached, struct perr *err)
{
	if (!hex64(cookie))
		return perr_set(err, PERR_AUTH, NULL, "invalid session");
	struct store_session s;
	struct store_user u;
	char h[65];
	hash_hex(cookie, h);
	uint64_t epoch = atomic_load(&ac_epoch);
	int64_t now = core_now_ms();
	if (cached && ac_get('s', h, epoch, now, p))
		return 0;
	if (store_session_get(st, h, &s, err) != 0)
		return -1;
	if (s.expires_ms <= now)
		return perr_set(err, PERR_AUTH, NULL, "session expired");
	if (store_user_get(st, s.user_id, &u, err) != 0 || u.disabled)
		return perr_set(err, PERR_AUTH, NULL, "session user is gone or disabled");
	if (identity_principal_from_user(st, &u, p, err) != 0)
		return -1;
	PSTRCPY(p->csrf, s.csrf);
	if (cached)
		ac_put('s', h, epoch, now, s.expires_ms, p);
	return 0;
}

int identity_session_resolve(struct store *st, const char *cookie, struct principal *p,
			     struct perr *err)
{
	return session_resolve(st, cookie, p, false, err);
}

int identity_session_resolve_cached(struct store *st, const char *cookie, struct principal *p,
				    struct perr *err)
{
	return session_resolve(st, cookie, p, true, err);
}

int identity_session_end(struct store *st, const char *cookie, struct perr *err)
{
	if (!hex64(cookie))
		return perr_set(err, PERR_AUTH, NULL, "invalid session");
	char h[65];
	hash_hex(cookie, h);
	return store_session_delete(st, h, err);
}

/* --------------------------------------------------------------- tokens */

#define TOKEN_PREFIX "prt_"

int identity_token_create(struct store *st, const char *actor, const struct store_user *u,
			  const struct token_spec *spec, char secret[80],
			  struct store_token *out, struct perr *err)
{
	struct store_token t;
	struct principal owner;
	memset(&t, 0, sizeof(t));
	if (identity_principal_from_user(NULL, u, &owner, err) != 0)
		return -1;
	if (u->disabled)
		return perr_set(err, PERR_FORBIDDEN, NULL, "user is disabled");
	const char *name = spec->name ? spec->name : "";
	if (!utf8_valid(name, strlen(name)) || pstrlcpy(t.name, name, sizeof(t.name)) != 0)
		return perr_set(err, PERR_INVALID, "name",
				"name must be valid UTF-8 of at most 127 bytes");
	/* A token may narrow its owner's scope but never widen it: the narrowing
	** target must itself be inside the owner's scope. */
	if (spec->org_id) {
		struct store_org o;
		/* out of the owner's scope: the answer a missing one gets, so
		** that it does not tell which ids exist */
		struct target tg = { 0, NULL };
		if (store_org_get(st, spec->org_id, &o, NULL) == 0) {
			tg.org_id = o.id;
			tg.province = o.province;
		}
		if (!tg.org_id || identity_allow_object(&owner, &tg, NULL) != 0)
			return perr_set(err, PERR_INVALID, "org", "organisation %lld does not exist",
					(long long)spec->org_id);
		t.org_id = o.id;
	}
	if (spec->province && spec->province[0]) {
		if (!store_province_exists(st, spec->province))
			return perr_set(err, PERR_INVALID, "province", "unknown province");
		if (owner.role == ROLE_CONSTITUENT ||
		    (owner.role == ROLE_PROVINCIAL &&
		     strcmp(owner.province, spec->province) != 0))
			return perr_set(err, PERR_FORBIDDEN, "province",
					"a token cannot reach beyond its owner's scope");
		if (PSTRCPY_OR_ERR(t.province, spec->province, "province", err))
			return -1;
	}
	t.user_id = u->id;
	t.readonly = spec->readonly;
	t.created_ms = core_now_ms();
	char rnd[65];
	random_hex(rnd, 32);
	snprintf(secret, 80, TOKEN_PREFIX "%s", rnd);
	hash_hex(secret, t.hash);
	if (store_token_insert(st, &t, err) != 0)
		return -1;
	char obj[64], after[512];
	snprintf(obj, sizeof(obj), "token:%lld", (long long)t.id);
	snprintf(after, sizeof(after),
		 "{\"user\":\"%s\",\"readonly\":%s,\"org\":%lld,\"province\":\"%s\"}",
		 u->login, t.readonly ? "true" : "false", (long long)t.org_id, t.province);
	if (audit_append(st, actor, "token.create", obj, NULL, after, err) != 0)
		return -1;
	if (out)
		*out = t;
	return 0;
}

static int token_resolve(struct store *st, const char *secret, struct principal *p, bool cached,
			 struct perr *err)
{
	if (!secret || strncmp(secret, TOKEN_PREFIX, 4) != 0 || !hex64(secret + 4))
		return perr_set(err, PERR_AUTH, NULL, "invalid token");
	struct store_token t;
	struct store_user u;
	char h[65];
	hash_hex(secret, h);
	uint64_t epoch = atomic_load(&ac_epoch);
	int64_t now = core_now_ms();
	if (cached && ac_get('t', h, epoch, now, p))
		return 0;
	struct perr e;
	if (store_token_by_hash(st, h, &t, &e) != 0) {
		if (e.kind != PERR_NOTFOUND) {
			if (err)
				*err = e;
			return -1;
		}
		return perr_set(err, PERR_AUTH, NULL, "invalid token");
	}
	/* The lookup was by hash; compare again in constant time so that a
	** lookup that matched by accident of collation cannot pass. */
	if (sodium_memcmp(h, t.hash, 64) != 0 || t.revoked_ms)
		return perr_set(err, PERR_AUTH, NULL, "invalid or revoked token");
	if (store_user_get(st, t.user_id, &u, err) != 0 || u.disabled)
		return perr_set(err, PERR_AUTH, NULL, "token owner is gone or disabled");
	if (identity_principal_from_user(st, &u, p, err) != 0)
		return -1;
	p->token_id = t.id;
	p->readonly = t.readonly;
	p->scope_org = t.org_id;
	PSTRCPY(p->scope_province, t.province);
	if (cached)
		ac_put('t', h, epoch, now, INT64_MAX, p);
	/* Keep last-used time to the minute: a write per request would serialise
	** every token-authenticated reader on the database's write lock. */
	if (now - t.last_used_ms > 60000)
		(void)store_token_touch(st, t.id, now, NULL);
	return 0;
}

int identity_token_resolve(struct store *st, const char *secret, struct principal *p,
			   struct perr *err)
{
	return token_resolve(st, secret, p, false, err);
}

int identity_token_resolve_cached(struct store *st, const char *secret, struct principal *p,
				  struct perr *err)
{
	return token_resolve(st, secret, p, true, err);
}

int identity_token_revoke(struct store *st, const char *actor, const struct principal *p,
			  int64_t token_id, struct perr *err)
{
	struct store_token t;
	if (token_id <= 0 || store_token_get(st, token_id, &t, NULL) != 0 ||
	    (p && t.user_id != p->user_id && !identity_is_national_admin(p)))
		return perr_set(err, PERR_NOTFOUND, NULL, "no such token");
	if (store_token_revoke(st, t.id, core_now_ms(), err) != 0) {
		if (err->kind == PERR_NOTFOUND)
			perr_set(err, PERR_CONFLICT, NULL, "token is already revoked");
		return -1;
	}
	char obj[48];
	snprintf(obj, sizeof(obj), "token:%lld", (long long)t.id);
	return audit_append(st, actor, "token.revoke", obj, NULL, NULL, err);
}
