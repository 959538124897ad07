/*
** test_attack_identity.c — attacks on log-in, credentials and CSRF, run
** against the real server on loopback (issue 11, items 5 and 9, and the
** standing CSRF suite).
**
** - Password guessing from 50 source addresses in 50 different networks,
**   interleaved with failures on crafted unknown logins, gets no more than
**   auth.login_max_failures password checks on the victim account; the
**   right password is refused while the account is locked, also after many
**   unknown logins (the old limiter's slot could be evicted that way), also
**   after a restart, and accepted once the lock ends.
** - Failures on unknown logins lock their source network (/24), for every
**   login tried from it, existing or not.
** - A password change or reset revokes the user's API tokens unless told
**   not to, and ends the user's other sessions; disabling a user ends their
**   sessions and tokens at once.
** - Every unsafe route of the server's own table (http_routes[], linked in
**   as test_rbac.c does), sent with a valid session but no or a wrong
**   X-CSRF-Token, is refused with 403 before its body is looked at (the
**   body is malformed and mistyped: reading it would give 400 or 415), and
**   writes nothing to the audit log. The log-in route is the exception: no
**   session exists yet.
**
** The client's address is chosen with CURLOPT_INTERFACE ("host!127.0.N.1":
** all of 127/8 is loopback); the server reads it from the socket.
*/
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "harness.h"
#include "http/http.h"

#define VICTIM_PW "victim-password-1"
#define ADMIN_PW "attack-admin-pw-1"
#define MAX_FAIL 3
#define FIRST_DELAY 20

static const char *const lock_env[] = {
	"PARAPET_AUTH_LOGIN_MAX_FAILURES=3",
	"PARAPET_AUTH_LOGIN_FIRST_DELAY=20",
	"PARAPET_AUTH_LOGIN_MAX_DELAY=60",
	NULL,
};

struct answer {
	long status;
	long retry_after; /* Retry-After, 0 when absent */
	char detail[160];
};

static size_t sink(char *p, size_t sz, size_t n, void *ud)
{
	struct h_resp *r = ud;
	size_t len = sz * n;
	char *b = realloc(r->body, r->body_len + len + 1);
	if (!b)
		return 0;
	memcpy(b + r->body_len, p, len);
	r->body = b;
	r->body_len += len;
	b[r->body_len] = '\0';
	return len;
}

static size_t on_hdr(char *p, size_t sz, size_t n, void *ud)
{
	long *ra = ud;
	size_t len = sz * n;
	if (len > 12 && strncasecmp(p, "Retry-After:", 12) == 0)
		*ra = strtol(p + 12, NULL, 10);
	return len;
}

/* POST /api/v1/session from source address src (a loopback address). */
static void login_from(const struct h_server *s, const char *src, const char *login,
		       const char *password, struct answer *a)
{
	memset(a, 0, sizeof(*a));
	struct h_resp r;
	memset(&r, 0, sizeof(r));
	CURL *h = curl_easy_init();
	if (!h)
		fail_msg("curl_easy_init");
	char *url = h_fmt("%s/api/v1/session", s->base);
	char *iface = h_fmt("host!%s", src);
	char *body = h_fmt("{\"login\":\"%s\",\"password\":\"%s\"}", login, password);
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_INTERFACE, iface);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_hdr);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &a->retry_after);
	CURLcode rc = curl_easy_perform(h);
	if (rc != CURLE_OK)
		fail_msg("login from %s: %s", src, curl_easy_strerror(rc));
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a->status);
	json_t *j = r.body ? json_loads(r.body, 0, NULL) : NULL;
	if (j && h_jstr(j, "detail"))
		snprintf(a->detail, sizeof(a->detail), "%s", h_jstr(j, "detail"));
	json_decref(j);
	free(r.body);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	free(url);
	free(iface);
	free(body);
}

/* Logins the old limiter (8-slot windows of a 4096-slot table at
** SHA-256("u:" LOGIN) mod 4096, least recently used evicted) put in the
** victim's window: failing on eight of them evicted the victim's counter.
** names gets n malloc'd names. */
static void crafted_names(const char *victim, char **names, int n)
{
	uint8_t d[32];
	char key[96];
	snprintf(key, sizeof(key), "u:%s", victim);
	crypto_hash_sha256(d, (const uint8_t *)key, strlen(key));
	unsigned want = ((unsigned)d[0] << 8 | d[1]) % 4096;
	int found = 0;
	for (long i = 0; found < n; i++) {
		char name[48];
		snprintf(name, sizeof(name), "ghost-%ld", i);
		snprintf(key, sizeof(key), "u:%s", name);
		crypto_hash_sha256(d, (const uint8_t *)key, strlen(key));
		if (((unsigned)d[0] << 8 | d[1]) % 4096 == want)
			names[found++] = strdup(name);
	}
}

/* The value of a metric line "NAME VALUE" in /metrics (-1 when absent). */
static long long metric(const struct h_server *s, const char *name)
{
	struct h_resp r;
	h_metrics(s, &r);
	H_STATUS(&r, 200);
	long long v = -1;
	char *line = h_fmt("\n%s ", name);
	const char *p = strstr(r.body, line);
	if (p)
		v = strtoll(p + strlen(line), NULL, 10);
	free(line);
	h_resp_free(&r);
	return v;
}

/* ------------------------------------------------- login under rotation */

static void test_login_limit_under_rotation(void **state)
{
	(void)state;
	char *dir = h_tmpdir("attack-login");
	h_migrate(dir);
	h_user_add(dir, "victim", "analyst", 0, NULL, VICTIM_PW);
	struct h_server s;
	h_server_start(&s, dir, lock_env);
	/* 100 for the burst, 46 for the old attack */
	char *junk[146];
	crafted_names("victim", junk, 146);
	struct answer a;
	char src[32], pw[48], refusal[160] = "";
	int checked = 0, locked = 0;

	/* 50 addresses in 50 networks; from each, two failures on crafted
	** unknown logins, then one guess at the victim's password. No network
	** reaches its own limit (five times the account's). */
	for (int i = 0; i < 50; i++) {
		snprintf(src, sizeof(src), "127.0.%d.%d", 10 + i, 1 + i % 200);
		for (int k = 0; k < 2; k++) {
			login_from(&s, src, junk[2 * i + k], "guess-junk", &a);
			if (a.status != 401)
				fail_msg("unknown login %s from %s: HTTP %ld", junk[2 * i + k], src,
					 a.status);
			if (!refusal[0])
				snprintf(refusal, sizeof(refusal), "%s", a.detail);
		}
		snprintf(pw, sizeof(pw), "guess-%d", i);
		login_from(&s, src, "victim", pw, &a);
		if (a.status == 401) {
			/* the same answer as for an unknown login */
			assert_string_equal(a.detail, refusal);
			checked++;
		} else if (a.status == 429) {
			assert_true(a.retry_after >= 1 && a.retry_after <= FIRST_DELAY);
			locked++;
		} else {
			fail_msg("victim guess from %s: HTTP %ld", src, a.status);
		}
	}
	/* The burst lasts far less than the 20 s lock: exactly the allowed
	** number of passwords was checked. */
	assert_int_equal(checked, MAX_FAIL);
	assert_int_equal(locked, 50 - MAX_FAIL);

	/* The old attack: failures on logins that shared the victim's slot
	** window, from more networks, then the right password. It must still
	** be refused: nothing an attacker sends resets the account's state. */
	for (int i = 0; i < 46; i++) {
		snprintf(src, sizeof(src), "127.1.%d.7", i);
		login_from(&s, src, junk[100 + i], "guess-junk", &a);
		assert_int_equal(a.status, 401);
		assert_string_equal(a.detail, refusal);
	}
	login_from(&s, "127.2.0.1", "victim", VICTIM_PW, &a);
	assert_int_equal(a.status, 429);
	assert_true(a.retry_after >= 1);

	/* Logged and counted; the log names the account, never an unknown
	** login (people type passwords there) nor a password. */
	assert_true(metric(&s, "parapet_auth_lockouts_total{kind=\"account\"}") >= 1);
	assert_true(metric(&s, "parapet_auth_login_failures_total") >= 100 + 46 + MAX_FAIL);
	char *log = h_slurp(s.log);
	H_CONTAINS(log, "login: lockout login=victim");
	assert_null(strstr(log, "ghost-"));
	assert_null(strstr(log, "guess-"));
	free(log);

	/* The state is in the database: a restart keeps the lock. */
	assert_int_equal(h_server_stop(&s), 0);
	h_server_start(&s, dir, lock_env);
	login_from(&s, "127.3.0.1", "victim", VICTIM_PW, &a);
	assert_int_equal(a.status, 429);
	assert_true(a.retry_after >= 1 && a.retry_after <= FIRST_DELAY);

	/* Once the lock ends, the right password is accepted (and clears the
	** count: a wrong one is then checked again). */
	sleep((unsigned)a.retry_after + 1);
	login_from(&s, "127.3.0.1", "victim", VICTIM_PW, &a);
	assert_int_equal(a.status, 201);
	login_from(&s, "127.3.0.1", "victim", "guess-again", &a);
	assert_int_equal(a.status, 401);
	assert_int_equal(h_server_stop(&s), 0);
	for (int i = 0; i < 146; i++)
		free(junk[i]);
	h_rmdir(dir);
}

/* ------------------------------------------------- per-network limit */

static void test_network_limit(void **state)
{
	(void)state;
	char *dir = h_tmpdir("attack-net");
	h_migrate(dir);
	h_user_add(dir, "victim", "analyst", 0, NULL, VICTIM_PW);
	struct h_server s;
	h_server_start(&s, dir, lock_env);
	struct answer a;
	char src[32], name[32];
	/* Five times the account's allowance of failures on unknown logins,
	** from addresses of one /24: each checked (401)... */
	for (int i = 0; i < 5 * MAX_FAIL; i++) {
		snprintf(src, sizeof(src), "127.4.4.%d", 1 + i);
		snprintf(name, sizeof(name), "nobody-%d", i);
		login_from(&s, src, name, "guess-net", &a);
		assert_int_equal(a.status, 401);
	}
	/* ... then the network is locked for every login, an existing one
	** with its right password included: the answer does not tell which
	** logins exist. */
	login_from(&s, "127.4.4.200", "nobody-x", "guess-net", &a);
	assert_int_equal(a.status, 429);
	long ra = a.retry_after;
	login_from(&s, "127.4.4.201", "victim", VICTIM_PW, &a);
	assert_int_equal(a.status, 429);
	assert_int_equal(a.retry_after, ra);
	/* Another network is not affected, and the account was never locked. */
	login_from(&s, "127.4.5.1", "victim", VICTIM_PW, &a);
	assert_int_equal(a.status, 201);
	assert_true(metric(&s, "parapet_auth_lockouts_total{kind=\"network\"}") >= 1);
	char *log = h_slurp(s.log);
	H_CONTAINS(log, "login: lockout network of addr=127.4.4.");
	assert_null(strstr(log, "nobody-"));
	free(log);
	assert_int_equal(h_server_stop(&s), 0);
	h_rmdir(dir);
}

/* --------------------------------------- password change, reset, disable */

struct fixture {
	char *dir;
	struct h_server srv;
	char *admin_tok;
	struct h_cred admin;
};

static void fixture_start(struct fixture *f, const char *tag)
{
	memset(f, 0, sizeof(*f));
	f->dir = h_tmpdir(tag);
	h_migrate(f->dir);
	h_user_add(f->dir, "admin", "admin", 0, NULL, ADMIN_PW);
	f->admin_tok = h_token_add(f->dir, "admin", NULL);
	f->admin.token = f->admin_tok;
	h_server_start(&f->srv, f->dir, NULL);
}

static void fixture_stop(struct fixture *f)
{
	assert_int_equal(h_server_stop(&f->srv), 0);
	free(f->admin_tok);
	h_rmdir(f->dir);
}

/* GET /api/v1/session with c must answer want. */
static void whoami(const struct fixture *f, const struct h_cred *c, long want, int line)
{
	struct h_resp r;
	h_http(&f->srv, &r, "GET", "/api/v1/session", c, NULL);
	if (r.status != want)
		fail_msg("line %d: whoami: expected %ld, got %ld: %s", line, want, r.status, r.body);
	h_resp_free(&r);
}
#define WHOAMI(f, c, want) whoami((f), (c), (want), __LINE__)

static void test_password_change_revokes(void **state)
{
	(void)state;
	struct fixture f;
	fixture_start(&f, "attack-pw");
	h_user_add(f.dir, "alice", "analyst", 0, NULL, "alice-password-1");
	char *tok = h_token_add(f.dir, "alice", NULL);
	char c1[80], x1[80], c2[80], x2[80];
	h_login(&f.srv, "alice", "alice-password-1", c1, x1);
	h_login(&f.srv, "alice", "alice-password-1", c2, x2);
	struct h_cred t = { tok, NULL, NULL }, s1 = { NULL, c1, x1 }, s2 = { NULL, c2, x2 };
	/* both resolved, so in the one-second credential cache */
	WHOAMI(&f, &t, 200);
	WHOAMI(&f, &s2, 200);
	int64_t audit = h_audit_count(&f.srv, &f.admin);
	struct h_resp r;
	h_http(&f.srv, &r, "POST", "/api/v1/session/password", &s1,
	       "{\"current\":\"alice-password-1\",\"new\":\"alice-password-2\"}");
	H_STATUS(&r, 204);
	h_resp_free(&r);
	/* at once: the token and the other session are dead, this one lives */
	WHOAMI(&f, &t, 401);
	WHOAMI(&f, &s2, 401);
	WHOAMI(&f, &s1, 200);
	assert_int_equal(h_audit_count(&f.srv, &f.admin), audit + 1);
	h_http(&f.srv, &r, "GET", "/api/v1/audit?limit=1000", &f.admin, NULL);
	H_CONTAINS(r.body, "\"tokens_revoked\":1");
	h_resp_free(&r);
	free(tok);

	/* opting out keeps the tokens; other sessions still end */
	tok = h_token_add(f.dir, "alice", NULL);
	t.token = tok;
	h_login(&f.srv, "alice", "alice-password-2", c2, x2);
	WHOAMI(&f, &t, 200);
	h_http(&f.srv, &r, "POST", "/api/v1/session/password", &s1,
	       "{\"current\":\"alice-password-2\",\"new\":\"alice-password-3\","
	       "\"revoke_tokens\":false}");
	H_STATUS(&r, 204);
	h_resp_free(&r);
	WHOAMI(&f, &t, 200);
	WHOAMI(&f, &s2, 401);

	/* an operator's reset (CLI) revokes them unless --keep-tokens, and
	** ends every session */
	struct h_proc p;
	h_cli(&p, f.dir, "alice-password-4\n", "user", "passwd", "alice", "--password-stdin",
	      "--keep-tokens", NULL);
	assert_int_equal(p.status, 0);
	h_proc_free(&p);
	WHOAMI(&f, &t, 200);
	WHOAMI(&f, &s1, 401);
	h_cli(&p, f.dir, "alice-password-5\n", "user", "passwd", "alice", "--password-stdin",
	      NULL);
	assert_int_equal(p.status, 0);
	h_proc_free(&p);
	/* another process wrote: a write resolves without the cache */
	h_http(&f.srv, &r, "POST", "/api/v1/tokens", &t, "{\"name\":\"after reset\"}");
	H_PROBLEM(&r, 401, NULL);
	h_resp_free(&r);
	free(tok);
	fixture_stop(&f);
}

static void test_disable_user(void **state)
{
	(void)state;
	struct fixture f;
	fixture_start(&f, "attack-disable");
	int64_t bob = h_user_add(f.dir, "bob", "analyst", 0, NULL, "bob-password-1");
	char *tok = h_token_add(f.dir, "bob", NULL);
	char cb[80], xb[80], ca[80], xa[80];
	h_login(&f.srv, "bob", "bob-password-1", cb, xb);
	h_login(&f.srv, "admin", ADMIN_PW, ca, xa);
	struct h_cred t = { tok, NULL, NULL }, sb = { NULL, cb, xb }, sa = { NULL, ca, xa };
	WHOAMI(&f, &t, 200);
	WHOAMI(&f, &sb, 200);
	int64_t audit = h_audit_count(&f.srv, &f.admin);
	struct h_resp r;
	h_httpf(&f.srv, &r, "PATCH", &sa, "{\"disabled\":true}", "/api/v1/users/%lld",
		(long long)bob);
	H_STATUS(&r, 200);
	assert_true(json_is_true(json_object_get(r.json, "disabled")));
	h_resp_free(&r);
	WHOAMI(&f, &t, 401);
	WHOAMI(&f, &sb, 401);
	assert_int_equal(h_audit_count(&f.srv, &f.admin), audit + 1);
	/* a disabled user's log-in fails like a wrong password */
	h_http(&f.srv, &r, "POST", "/api/v1/session", NULL,
	       "{\"login\":\"bob\",\"password\":\"bob-password-1\"}");
	H_PROBLEM(&r, 401, NULL);
	h_resp_free(&r);

	/* enabled again: the old token and session stay dead */
	h_httpf(&f.srv, &r, "PATCH", &sa, "{\"disabled\":false}", "/api/v1/users/%lld",
		(long long)bob);
	H_STATUS(&r, 200);
	h_resp_free(&r);
	WHOAMI(&f, &t, 401);
	WHOAMI(&f, &sb, 401);
	h_login(&f.srv, "bob", "bob-password-1", cb, xb);
	WHOAMI(&f, &sb, 200);
	assert_int_equal(h_audit_count(&f.srv, &f.admin), audit + 2);

	/* nobody disables themselves; a missing user is 404; the body is checked */
	h_httpf(&f.srv, &r, "PATCH", &sa, "{\"disabled\":true}", "/api/v1/users/%lld",
		(long long)1);
	H_PROBLEM(&r, 400, "disabled");
	h_resp_free(&r);
	h_http(&f.srv, &r, "PATCH", "/api/v1/users/999", &sa, "{\"disabled\":true}");
	H_PROBLEM(&r, 404, NULL);
	h_resp_free(&r);
	h_httpf(&f.srv, &r, "PATCH", &sa, "{\"disabled\":\"yes\"}", "/api/v1/users/%lld",
		(long long)bob);
	H_PROBLEM(&r, 400, "disabled");
	h_resp_free(&r);

	/* the CLI does the same */
	struct h_proc p;
	h_cli(&p, f.dir, NULL, "user", "disable", "bob", NULL);
	assert_int_equal(p.status, 0);
	h_proc_free(&p);
	h_http(&f.srv, &r, "PATCH", "/api/v1/session", &sb, "{\"lang\":\"fa\"}");
	H_PROBLEM(&r, 401, NULL);
	h_resp_free(&r);
	free(tok);
	fixture_stop(&f);
}

/* ------------------------------------------- CSRF on every unsafe route */

static bool unsafe_method(const char *m)
{
	return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

/* The route's pattern with every {x} replaced by 1. */
static char *concrete(const char *pattern)
{
	char *out = calloc(1, strlen(pattern) * 2 + 1);
	char *o = out;
	for (const char *p = pattern; *p; p++) {
		if (*p == '{') {
			while (*p && *p != '}')
				p++;
			*o++ = '1';
			if (!*p)
				break;
		} else {
			*o++ = *p;
		}
	}
	return out;
}

static void test_csrf_every_unsafe_route(void **state)
{
	(void)state;
	struct fixture f;
	fixture_start(&f, "attack-csrf");
	char cookie[80], csrf[80], wrong[80];
	h_login(&f.srv, "admin", ADMIN_PW, cookie, csrf);
	snprintf(wrong, sizeof(wrong), "%s", csrf);
	wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
	struct h_cred none = { NULL, cookie, NULL }, bad = { NULL, cookie, wrong };
	/* malformed JSON sent as text/plain: a route that read it would answer
	** 400 or 415, not 403 */
	static const char junk[] = "{\"name\": oops";
	int64_t audit = h_audit_count(&f.srv, &f.admin);
	int tried = 0;
	for (size_t i = 0; http_routes[i].pattern; i++) {
		const struct route *rt = &http_routes[i];
		if (!unsafe_method(rt->method))
			continue;
		if (!rt->roles)
			continue; /* public: log-in, and a mail's signed link (its token is
				   * its credential): no session to forge a request for */
		char *path = concrete(rt->pattern);
		for (int k = 0; k < 2; k++) {
			struct h_resp r;
			h_http_ex(&f.srv, &r, rt->method, path, k ? &bad : &none, "text/plain", junk,
				  sizeof(junk) - 1, false, NULL);
			if (r.status != 403 || !r.json ||
			    !strstr(h_jstr(r.json, "detail"), "X-CSRF-Token"))
				fail_msg("%s %s with %s CSRF token: HTTP %ld %s", rt->method, path,
					 k ? "a wrong" : "no", r.status, r.body);
			H_PROBLEM(&r, 403, NULL);
			h_resp_free(&r);
			tried++;
		}
		free(path);
	}
	assert_true(tried >= 2 * 30);
	assert_int_equal(h_audit_count(&f.srv, &f.admin), audit);
	/* the session itself is untouched: it still works with its token */
	struct h_cred ok = { NULL, cookie, csrf };
	struct h_resp r;
	h_http(&f.srv, &r, "PATCH", "/api/v1/session", &ok, "{\"lang\":\"fa\"}");
	H_STATUS(&r, 200);
	h_resp_free(&r);
	assert_int_equal(h_audit_count(&f.srv, &f.admin), audit + 1);
	fixture_stop(&f);
}

int main(void)
{
	h_init();
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_limit_under_rotation),
		cmocka_unit_test(test_network_limit),
		cmocka_unit_test(test_password_change_revokes),
		cmocka_unit_test(test_disable_user),
		cmocka_unit_test(test_csrf_every_unsafe_route),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
