/*
** test_identity.c — roles and scope decisions, password rules, the login
** rate limiter, sessions and API tokens that never widen their owner's scope.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>

#include "identity/identity.h"
#include "testutil.h"

static struct principal who(enum role r, int64_t org, const char *prov)
{
	struct principal p;
	memset(&p, 0, sizeof(p));
	p.user_id = 1;
	p.role = r;
	p.org_id = org;
	pstrlcpy(p.province, prov ? prov : "", sizeof(p.province));
	return p;
}

static void route_roles(void **state)
{
	(void)state;
	struct perr e;
	struct principal a = who(ROLE_ANALYST, 0, NULL);
	assert_int_equal(identity_allow_route(&a, ROLES_CERT, true, &e), 0);
	assert_int_equal(identity_allow_route(&a, ROLE_ADMIN, false, &e), -1);
	assert_int_equal(e.kind, PERR_FORBIDDEN);
	assert_int_equal(identity_allow_route(NULL, ROLES_ALL, false, &e), -1);
	assert_int_equal(e.kind, PERR_AUTH);
	a.readonly = true;
	assert_int_equal(identity_allow_route(&a, ROLES_CERT, false, &e), 0);
	assert_int_equal(identity_allow_route(&a, ROLES_CERT, true, &e), -1);
	assert_non_null(strstr(e.msg, "read-only"));
	/* national routes: admins and analysts, never through a narrowed token */
	struct principal ad = who(ROLE_ADMIN, 0, NULL), pr = who(ROLE_PROVINCIAL, 0, "Fars");
	assert_int_equal(identity_allow_route(&ad, ROLES_NATIONAL, true, &e), 0);
	assert_int_equal(identity_allow_route(&pr, ROLES_NATIONAL, false, &e), -1);
	assert_int_equal(e.kind, PERR_FORBIDDEN);
	ad.scope_org = 3;
	assert_int_equal(identity_allow_route(&ad, ROLES_NATIONAL, false, &e), -1);
	assert_non_null(strstr(e.msg, "narrowed"));
	assert_int_equal(identity_allow_route(&ad, ROLES_CERT, true, &e), 0);
	ad.scope_org = 0;
	pstrlcpy(ad.scope_province, "Fars", sizeof(ad.scope_province));
	assert_int_equal(identity_allow_route(&ad, ROLES_NATIONAL, false, &e), -1);
	assert_true(identity_is_analyst(&pr));
	struct principal rs = who(ROLE_RESPONDER, 0, NULL);
	assert_false(identity_is_analyst(&rs));
	assert_true(identity_is_staff(&rs));
}

static void object_scope(void **state)
{
	(void)state;
	struct perr e;
	struct target teh = { 1, "Tehran" }, fars = { 2, "Fars" };
	struct principal an = who(ROLE_ANALYST, 0, NULL), pr = who(ROLE_PROVINCIAL, 0, "Fars"),
			 co = who(ROLE_CONSTITUENT, 1, NULL), rs = who(ROLE_RESPONDER, 0, NULL);
	assert_int_equal(identity_allow_object(&an, &teh, &e), 0);
	assert_int_equal(identity_allow_object(&rs, &fars, &e), 0);
	assert_int_equal(identity_allow_object(&pr, &fars, &e), 0);
	assert_int_equal(identity_allow_object(&pr, &teh, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	assert_int_equal(identity_allow_object(&co, &teh, &e), 0);
	assert_int_equal(identity_allow_object(&co, &fars, &e), -1);
	/* a provincial analyst without a province sees nothing */
	struct principal lost = who(ROLE_PROVINCIAL, 0, NULL);
	assert_int_equal(identity_allow_object(&lost, &fars, &e), -1);
	/* token narrowing applies on top of the role */
	an.scope_org = 2;
	assert_int_equal(identity_allow_object(&an, &teh, &e), -1);
	assert_int_equal(identity_allow_object(&an, &fars, &e), 0);
	assert_int_equal(identity_allow_create(&pr, &teh, &e), -1);
	assert_int_equal(e.kind, PERR_FORBIDDEN);
	const char *p;
	int64_t o;
	identity_list_scope(&pr, &p, &o);
	assert_string_equal(p, "Fars");
	assert_int_equal(o, 0);
	identity_list_scope(&co, &p, &o);
	assert_null(p);
	assert_int_equal(o, 1);
}

static void users_and_passwords(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	struct store_user u;
	struct user_spec s = { "alice", "analyst", 0, NULL, "short" };
	assert_int_equal(identity_user_add(t->st, &t->cfg, "t", &s, &u, &e), -1);
	assert_string_equal(e.field, "password");
	s.password = "long enough password";
	s.login = "Alice Smith";
	assert_int_equal(identity_user_add(t->st, &t->cfg, "t", &s, &u, &e), -1);
	assert_string_equal(e.field, "login");
	s.login = "alice";
	assert_int_equal(identity_user_add(t->st, &t->cfg, "t", &s, &u, &e), 0);
	assert_string_not_equal(u.pwhash, "long enough password");
	assert_non_null(strstr(u.pwhash, "$argon2id$"));
	assert_true(identity_password_verify(u.pwhash, "long enough password"));
	assert_false(identity_password_verify(u.pwhash, "long enough passwore"));
	assert_int_equal(identity_user_add(t->st, &t->cfg, "t", &s, &u, &e), -1);
	assert_int_equal(e.kind, PERR_CONFLICT);
	struct user_spec c = { "bob", "constituent", 0, NULL, "long enough password" };
	assert_int_equal(identity_user_add(t->st, &t->cfg, "t", &c, &u, &e), -1);
	assert_string_equal(e.field, "org");
	struct user_spec p = { "pat", "provincial", 0, "Atlantis", "long enough password" };
	assert_int_equal(identity_user_add(t->st, &t->cfg, "t", &p, &u, &e), -1);
	assert_string_equal(e.field, "province");
	/* twelve Persian letters are twelve characters, not 24 bytes' worth */
	struct user_spec fa = { "reza", "analyst", 0, NULL, "رمزعبورخیلیخوب" };
	assert_int_equal(identity_user_add(t->st, &t->cfg, "t", &fa, &u, &e), 0);
	tdb_close(t);
}

static void login_rate_limit(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	struct store_user u;
	int64_t retry;
	identity_ratelimit_reset();
	struct user_spec s = { "carol", "analyst", 0, NULL, "correct horse battery" };
	assert_int_equal(identity_user_add(t->st, &t->cfg, "t", &s, &u, &e), 0);
	assert_int_equal(identity_login(t->st, &t->cfg, "carol", "correct horse battery", "a1", &u,
					&retry, &e), 0);
	for (int i = 0; i < t->cfg.login_max_fail; i++) {
		assert_int_equal(identity_login(t->st, &t->cfg, "carol", "wrong", "a1", &u, &retry, &e), -1);
		assert_int_equal(e.kind, PERR_AUTH);
	}
	/* now even the right password must wait, from any address */
	assert_int_equal(identity_login(t->st, &t->cfg, "carol", "correct horse battery", "a2", &u,
					&retry, &e), -1);
	assert_int_equal(e.kind, PERR_BUSY);
	assert_true(retry >= 1);
	/* unknown accounts fail the same way as wrong passwords */
	assert_int_equal(identity_login(t->st, &t->cfg, "nobody", "x", "a3", &u, &retry, &e), -1);
	assert_int_equal(e.kind, PERR_AUTH);
	assert_string_equal(e.msg, "wrong login or password");
	identity_ratelimit_reset();
	tdb_close(t);
}

/* One failed log-in on an unknown login from addr; returns the error kind. */
static enum perr_kind fail_from(struct tdb *t, const char *addr)
{
	struct store_user u;
	struct perr e;
	int64_t retry;
	perr_clear(&e);
	assert_int_equal(identity_login(t->st, &t->cfg, "nobody", "guess", addr, &u, &retry, &e),
			 -1);
	return e.kind;
}

/* Source networks: an IPv6 /64 (and IPv4 /24, IPv4-mapped IPv6 counting as
** IPv4) is locked after five times the account allowance; flooding the
** bounded table with more networks than it holds does not evict a locked
** one; when every slot is hot, new networks share one overflow bucket. */
static void login_network_table(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	char addr[64];
	identity_ratelimit_reset();
	t->cfg.login_max_fail = 1; /* a network: 5 */
	t->cfg.login_first_delay = 600;
	t->cfg.login_max_delay = 3600;
	for (int i = 0; i < 5; i++) {
		snprintf(addr, sizeof(addr), "2001:db8:1:2::%x", i + 1);
		assert_int_equal(fail_from(t, addr), PERR_AUTH);
	}
	assert_int_equal(fail_from(t, "2001:db8:1:2:ffff::9"), PERR_BUSY);
	assert_int_equal(fail_from(t, "2001:db8:1:3::1"), PERR_AUTH);
	for (int i = 0; i < 5; i++) {
		snprintf(addr, sizeof(addr), "::ffff:198.51.100.%d", i + 1);
		assert_int_equal(fail_from(t, addr), PERR_AUTH);
	}
	assert_int_equal(fail_from(t, "198.51.100.77"), PERR_BUSY);

	/* 5000 other networks, one failure each: more than the table holds */
	for (int i = 0; i < 5000; i++) {
		snprintf(addr, sizeof(addr), "10.%d.%d.1", i / 256, i % 256);
		assert_int_equal(fail_from(t, addr), PERR_AUTH);
	}
	assert_int_equal(fail_from(t, "2001:db8:1:2::1"), PERR_BUSY);
	assert_int_equal(fail_from(t, "198.51.100.1"), PERR_BUSY);

	/* every slot hot (4094 more, beside the two locked above): new
	** networks share the overflow bucket */
	for (int i = 0; i < 4094; i++) {
		snprintf(addr, sizeof(addr), "10.%d.%d.1", 100 + i / 256, i % 256);
		for (int k = 0; k < 5; k++)
			assert_int_equal(fail_from(t, addr), PERR_AUTH);
	}
	for (int i = 0; i < 5; i++) {
		snprintf(addr, sizeof(addr), "172.16.%d.1", i);
		assert_int_equal(fail_from(t, addr), PERR_AUTH);
	}
	assert_int_equal(fail_from(t, "172.17.0.1"), PERR_BUSY);
	assert_int_equal(fail_from(t, "2001:db8:1:2::1"), PERR_BUSY);
	identity_ratelimit_reset();
	assert_int_equal(fail_from(t, "172.17.0.1"), PERR_AUTH);
	tdb_close(t);
}

static void sessions(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	struct store_user u;
	struct principal p;
	char cookie[65], csrf[65];
	struct user_spec s = { "dave", "admin", 0, NULL, "correct horse battery" };
	assert_int_equal(identity_user_add(t->st, &t->cfg, "t", &s, &u, &e), 0);
	assert_int_equal(identity_session_create(t->st, &t->cfg, &u, cookie, csrf, &e), 0);
	assert_int_equal(strlen(cookie), 64);
	assert_string_not_equal(cookie, csrf);
	assert_int_equal(identity_session_resolve(t->st, cookie, &p, &e), 0);
	assert_string_equal(p.login, "dave");
	assert_string_equal(p.csrf, csrf);
	assert_int_equal(p.role, ROLE_ADMIN);
	assert_int_equal(identity_session_resolve(t->st, "zz", &p, &e), -1);
	cookie[0] = cookie[0] == 'a' ? 'b' : 'a';
	assert_int_equal(identity_session_resolve(t->st, cookie, &p, &e), -1);
	assert_int_equal(e.kind, PERR_AUTH);
	cookie[0] = cookie[0] == 'a' ? 'b' : 'a';
	/* a disabled user's session stops working */
	assert_int_equal(store_user_set_disabled(t->st, u.id, true, &e), 0);
	assert_int_equal(identity_session_resolve(t->st, cookie, &p, &e), -1);
	assert_int_equal(store_user_set_disabled(t->st, u.id, false, &e), 0);
	assert_int_equal(identity_session_end(t->st, cookie, &e), 0);
	assert_int_equal(identity_session_resolve(t->st, cookie, &p, &e), -1);
	tdb_close(t);
}

static void tokens(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	struct store_user prov, con;
	struct store_org teh, fars;
	struct store_token tk;
	struct principal p;
	char secret[80];
	struct org_spec a = { "Teh", "", "Tehran", 0 }, b = { "Fa", "", "Fars", 0 };
	assert_int_equal(constituency_org_add(t->st, NULL, "t", &a, &teh, &e), 0);
	assert_int_equal(constituency_org_add(t->st, NULL, "t", &b, &fars, &e), 0);
	struct user_spec ps = { "pf", "provincial", 0, "Fars", "correct horse battery" };
	struct user_spec cs = { "ct", "constituent", teh.id, NULL, "correct horse battery" };
	assert_int_equal(identity_user_add(t->st, &t->cfg, "t", &ps, &prov, &e), 0);
	assert_int_equal(identity_user_add(t->st, &t->cfg, "t", &cs, &con, &e), 0);
	struct token_spec wide = { "x", false, teh.id, NULL };
	/* an organisation outside the owner's province is answered like a
	** missing one (no existence oracle) */
	assert_int_equal(identity_token_create(t->st, "t", &prov, &wide, secret, &tk, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	assert_string_equal(e.field, "org");
	struct token_spec other_prov = { "x", false, 0, "Tehran" };
	assert_int_equal(identity_token_create(t->st, "t", &prov, &other_prov, secret, &tk, &e), -1);
	struct token_spec narrow = { "ci", true, fars.id, NULL };
	assert_int_equal(identity_token_create(t->st, "t", &prov, &narrow, secret, &tk, &e), 0);
	assert_int_equal(strncmp(secret, "prt_", 4), 0);
	/* stored hashed, never as the secret */
	assert_null(strstr(tk.hash, secret + 4));
	assert_int_equal(identity_token_resolve(t->st, secret, &p, &e), 0);
	assert_true(p.readonly);
	assert_int_equal(p.scope_org, fars.id);
	assert_int_equal(p.role, ROLE_PROVINCIAL);
	struct token_spec cprov = { "x", false, 0, "Tehran" };
	assert_int_equal(identity_token_create(t->st, "t", &con, &cprov, secret, &tk, &e), -1);
	struct token_spec plain = { "plain", false, 0, NULL };
	assert_int_equal(identity_token_create(t->st, "t", &con, &plain, secret, &tk, &e), 0);
	assert_int_equal(identity_token_resolve(t->st, secret, &p, &e), 0);
	assert_int_equal(p.org_id, teh.id);
	assert_int_equal(store_token_revoke(t->st, tk.id, core_now_ms(), &e), 0);
	assert_int_equal(identity_token_resolve(t->st, secret, &p, &e), -1);
	assert_int_equal(e.kind, PERR_AUTH);
	assert_int_equal(identity_token_resolve(t->st, "prt_nothex", &p, &e), -1);
	tdb_close(t);
}

static void password_change(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	struct store_user u;
	struct principal p;
	char cookie[65], csrf[65];
	int64_t retry;
	identity_ratelimit_reset();
	struct user_spec s = { "erin", "analyst", 0, NULL, "correct horse battery" };
	assert_int_equal(identity_user_add(t->st, &t->cfg, "t", &s, &u, &e), 0);
	assert_int_equal(identity_session_create(t->st, &t->cfg, &u, cookie, csrf, &e), 0);
	assert_int_equal(identity_password_change(t->st, &t->cfg, "t", "erin", "wrong one",
						  "a brand new passphrase", "a", NULL, false, &e),
			 -1);
	assert_string_equal(e.field, "current");
	assert_int_equal(identity_password_change(t->st, &t->cfg, "t", "erin",
						  "correct horse battery", "short", "a", NULL, false,
						  &e), -1);
	assert_string_equal(e.field, "new");
	assert_int_equal(identity_password_change(t->st, &t->cfg, "t", "erin",
						  "correct horse battery",
						  "a brand new passphrase", "a", NULL, false, &e), 0);
	/* old sessions end, the old password no longer works, the new one does */
	assert_int_equal(identity_session_resolve(t->st, cookie, &p, &e), -1);
	assert_int_equal(identity_login(t->st, &t->cfg, "erin", "correct horse battery", "b", &u,
					&retry, &e), -1);
	assert_int_equal(identity_login(t->st, &t->cfg, "erin", "a brand new passphrase", "b", &u,
					&retry, &e), 0);
	identity_ratelimit_reset();
	tdb_close(t);
}

/* Teams and rotas are domain functions: text refused naming the field,
** never cut; unknown teams and users refused; every change audited. */
static void teams_and_rota(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	struct store_team tm;
	struct store_user u;
	int64_t seq0, seq1, id;
	char h[65], name[130];
	struct user_spec us = { "resp", "responder", 0, NULL, "correct horse battery" };
	assert_int_equal(identity_user_add(t->st, &t->cfg, "t", &us, &u, &e), 0);
	assert_int_equal(store_audit_last(t->st, &seq0, h, &e), 0);
	memset(name, 'n', 128);
	name[128] = '\0';
	assert_int_equal(identity_team_add(t->st, "t", name, NULL, &tm, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	assert_string_equal(e.field, "name");
	assert_int_equal(identity_team_add(t->st, "t", "", NULL, &tm, &e), -1);
	assert_string_equal(e.field, "name");
	assert_int_equal(identity_team_add(t->st, "t", "bad \xc3", NULL, &tm, &e), -1);
	assert_string_equal(e.field, "name");
	assert_int_equal(identity_team_add(t->st, "t", "rapid", "Atlantis", &tm, &e), -1);
	assert_string_equal(e.field, "province");
	assert_int_equal(store_audit_last(t->st, &seq1, h, &e), 0);
	assert_int_equal(seq1, seq0);
	name[127] = '\0';
	assert_int_equal(identity_team_add(t->st, "t", name, "Tehran", &tm, &e), 0);
	assert_string_equal(tm.name, name);

	assert_int_equal(identity_team_member_add(t->st, "t", tm.id, 999, &e), -1);
	assert_string_equal(e.field, "user");
	assert_int_equal(identity_team_member_add(t->st, "t", 999, u.id, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	assert_int_equal(identity_team_member_add(t->st, "t", tm.id, u.id, &e), 0);
	assert_int_equal(identity_team_set_lead(t->st, "t", tm.id, 999, &e), -1);
	assert_string_equal(e.field, "lead");
	assert_int_equal(identity_team_set_lead(t->st, "t", tm.id, u.id, &e), 0);

	struct rota_spec bad = { tm.id, u.id, true, 600, 600 };
	assert_int_equal(identity_rota_add(t->st, "t", &bad, &id, &e), -1);
	assert_string_equal(e.field, "end_minute");
	struct rota_spec week = { tm.id, u.id, true, 0, 10080 };
	assert_int_equal(identity_rota_add(t->st, "t", &week, &id, &e), 0);
	int64_t on = 0;
	assert_int_equal(store_rota_oncall(t->st, tm.id, core_now_ms(), &on, &e), 0);
	assert_int_equal(on, u.id);

	assert_int_equal(identity_team_member_remove(t->st, "t", tm.id, u.id, &e), 0);
	assert_int_equal(identity_team_member_remove(t->st, "t", tm.id, u.id, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	/* team, member add, lead, rota, member remove */
	assert_int_equal(store_audit_last(t->st, &seq1, h, &e), 0);
	assert_int_equal(seq1, seq0 + 5);
	tdb_close(t);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(route_roles),  cmocka_unit_test(object_scope),
		cmocka_unit_test(users_and_passwords), cmocka_unit_test(login_rate_limit),
		cmocka_unit_test(login_network_table),
		cmocka_unit_test(sessions),     cmocka_unit_test(tokens),
		cmocka_unit_test(password_change),
		cmocka_unit_test(teams_and_rota),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
