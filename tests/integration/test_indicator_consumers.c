/*
** test_indicator_consumers.c — export consumers of the indicator registry
** through the real server and CLI (issue 15): what a resolver, firewall or
** peer polling GET /api/v1/export/indicators with its own token receives.
**
** The registry holds one indicator of every TLP level (and a held one, an
** expired one, a RED address), written straight into the database with
** sqlite3 so that the test sets expiries and TLP exactly. Then:
**   - TLP on every export: RED never, in any format; AMBER only to a
**     member; AMBER+STRICT only to a strict consumer; CLEAR and GREEN to
**     all; the staff default (no consumer) is CLEAR, GREEN and AMBER;
**   - a saved filter (types, classes, minimum confidence) narrows it;
**   - an indicator whose expiry passes leaves the export at that moment,
**     and the ETag changes with it, with no write at all;
**   - the ETag is stable while nothing changes, If-None-Match gets 304
**     with no body, a change (an indicator's TLP, a consumer's filter)
**     gives a new tag;
**   - a bad, rotated, disabled or user's token is a 401 problem; tokens
**     are shown once and never reach the audit log; a poll records the
**     consumer's last fetch;
**   - `parapet indicator export --out FILE` writes the file, and a token
**     from `parapet indicator consumer add` polls over HTTP.
*/
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define PW "consumers-password-1"

static char *dir;
static struct h_server srv;
static char *atok, *ntok, *ptok; /* admin, analyst, provincial analyst */
static struct h_cred admin, analyst, prov;
/* consumers: public (no marks), member, strict (member + strict), filtered */
static char *t_public, *t_member, *t_strict, *t_filtered;
static int64_t id_public, id_filtered;

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sql(const char *stmt)
{
	char *db = h_fmt("%s/parapet.db", dir);
	const char *argv[] = { "sqlite3", db, stmt, NULL };
	struct h_proc p;
	if (h_run(&p, NULL, NULL, argv) != 0 || p.status != 0)
		fail_msg("sqlite3 %s: %s", stmt, p.err ? p.err : "");
	h_proc_free(&p);
	free(db);
}

/* One indicator row as the registry stores it. */
static void indicator(const char *type, const char *value, const char *status,
		      const char *tlp, const char *class_, int confidence, int64_t expires_ms)
{
	int64_t now = wall_ms();
	char *s = h_fmt("INSERT INTO indicator(type, value, status, class, tlp, confidence, "
			"first_seen_ms, last_seen_ms, expires_ms, actor, created_ms, updated_ms) "
			"VALUES ('%s', '%s', '%s', '%s', '%s', %d, %lld, %lld, %lld, 'test', "
			"%lld, %lld)",
			type, value, status, class_, tlp, confidence, (long long)now,
			(long long)now, (long long)expires_ms, (long long)now, (long long)now);
	sql(s);
	free(s);
}

/* Create a consumer through the API; returns its token (malloc'd). */
static char *consumer(const char *body, int64_t *id)
{
	struct h_resp r;
	h_http(&srv, &r, "POST", "/api/v1/indicator-consumers", &admin, body);
	H_STATUS(&r, 201);
	const char *t = h_jstr(r.json, "token");
	assert_true(strncmp(t, "pcx_", 4) == 0 && strlen(t) == 68);
	char *tok = strdup(t);
	if (id)
		*id = h_jint(r.json, "id");
	h_resp_free(&r);
	return tok;
}

static int setup(void **state)
{
	(void)state;
	dir = h_tmpdir("indicator-consumers");
	h_migrate(dir);
	h_user_add(dir, "admin", "admin", 0, NULL, PW);
	h_user_add(dir, "analyst", "analyst", 0, NULL, PW);
	h_user_add(dir, "prov", "provincial", 0, "Tehran", PW);
	atok = h_token_add(dir, "admin", "--name", "t", NULL);
	ntok = h_token_add(dir, "analyst", "--name", "t", NULL);
	ptok = h_token_add(dir, "prov", "--name", "t", NULL);
	admin.token = atok;
	analyst.token = ntok;
	prov.token = ptok;
	int64_t year = wall_ms() + 365LL * 86400 * 1000;
	indicator("domain", "clear.example", "active", "CLEAR", "malicious-code", 90, year);
	indicator("domain", "green.example", "active", "GREEN", "fraud", 40, year);
	indicator("domain", "amber.example", "active", "AMBER", "malicious-code", 80, year);
	indicator("domain", "strict.example", "active", "AMBER+STRICT", "malicious-code", 80,
		  year);
	indicator("domain", "red.example", "active", "RED", "malicious-code", 100, year);
	indicator("ipv4", "198.51.100.99", "active", "RED", "malicious-code", 100, year);
	indicator("ipv4", "192.0.2.66", "active", "GREEN", "malicious-code", 70, year);
	indicator("domain", "held.example", "held", "GREEN", "malicious-code", 90, year);
	indicator("domain", "retired.example", "retired", "GREEN", "malicious-code", 90, year);
	indicator("domain", "expired.example", "active", "GREEN", "malicious-code", 90,
		  wall_ms() - 60000);
	h_server_start(&srv, dir, NULL);
	t_public = consumer("{\"name\":\"public-resolver\",\"format\":\"plain\"}", &id_public);
	t_member = consumer("{\"name\":\"member-fw\",\"format\":\"csv\",\"member\":true}", NULL);
	t_strict = consumer("{\"name\":\"strict-peer\",\"format\":\"json\",\"member\":true,"
			    "\"strict\":true}",
			    NULL);
	t_filtered = consumer("{\"name\":\"filtered\",\"format\":\"plain\",\"member\":true,"
			      "\"filter\":{\"types\":[\"domain\"],\"classes\":[\"malicious-code\"],"
			      "\"min_confidence\":50}}",
			      &id_filtered);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	int rc = h_server_stop(&srv);
	free(atok);
	free(ntok);
	free(ptok);
	free(t_public);
	free(t_member);
	free(t_strict);
	free(t_filtered);
	h_rmdir(dir);
	return rc == 0 ? 0 : -1;
}

/* Poll as a consumer (token), with If-None-Match when inm is not NULL. */
static void poll_export(struct h_resp *r, const char *token, const char *inm)
{
	struct h_cred c = { .token = token };
	char *h = inm ? h_fmt("If-None-Match: %s", inm) : NULL;
	const char *extra[] = { h, NULL };
	h_http_ex(&srv, r, "GET", "/api/v1/export/indicators", &c, NULL, NULL, 0, false,
		  h ? extra : NULL);
	free(h);
}

static void has(const char *body, const char *v, bool want, const char *who)
{
	bool got = body && strstr(body, v) != NULL;
	if (got != want)
		fail_msg("%s: %s %s, body:\n%s", who, v, want ? "missing" : "present (must not be)",
			 body ? body : "");
}

/* TLP per consumer, and the staff default. */
static void tlp_is_enforced(void **state)
{
	(void)state;
	static const char *const all[] = { "clear.example",  "green.example", "amber.example",
					   "strict.example", "red.example",   "198.51.100.99",
					   "192.0.2.66",     "held.example",  "retired.example",
					   "expired.example" };
	/* which of all[] each sees: public, member, strict, staff default */
	static const bool sees[4][10] = {
		{ 1, 1, 0, 0, 0, 0, 1, 0, 0, 0 },
		{ 1, 1, 1, 0, 0, 0, 1, 0, 0, 0 },
		{ 1, 1, 1, 1, 0, 0, 1, 0, 0, 0 },
		{ 1, 1, 1, 0, 0, 0, 1, 0, 0, 0 },
	};
	const char *toks[3] = { t_public, t_member, t_strict };
	const char *names[4] = { "public", "member", "strict", "staff default" };
	const char *ctypes[3] = { "text/plain", "text/csv", "application/json" };
	for (int k = 0; k < 4; k++) {
		struct h_resp r;
		if (k < 3)
			poll_export(&r, toks[k], NULL);
		else
			h_http(&srv, &r, "GET", "/api/v1/indicators/export?format=csv", &analyst,
			       NULL);
		H_STATUS(&r, 200);
		if (k < 3) {
			char *ct = h_header(&r, "Content-Type");
			assert_non_null(ct);
			H_CONTAINS(ct, ctypes[k]);
			free(ct);
		}
		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			has(r.body, all[i], sees[k][i], names[k]);
		h_resp_free(&r);
	}
	/* staff may see what a strict consumer gets: still no RED */
	struct h_resp r;
	h_http(&srv, &r, "GET", "/api/v1/indicators/export?consumer=strict-peer", &admin, NULL);
	H_STATUS(&r, 200);
	has(r.body, "strict.example", true, "staff as strict-peer");
	has(r.body, "red.example", false, "staff as strict-peer");
	h_resp_free(&r);
	/* choosing a consumer's view is national work */
	h_http(&srv, &r, "GET", "/api/v1/indicators/export?consumer=strict-peer", &prov, NULL);
	H_PROBLEM(&r, 403, NULL);
	h_resp_free(&r);
}

/* RED leaves in no format; AMBER+STRICT reaches the strict consumer in
** each format that carries its type. */
static void red_never_leaves_in_any_format(void **state)
{
	(void)state;
	static const char *const formats[] = { "plain", "csv", "json",	   "stix",
					       "misp",	"rpz", "suricata", "nft" };
	int done = 0;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct h_resp r;
		h_httpf(&srv, &r, "GET", &admin, NULL,
			"/api/v1/indicators/export?consumer=strict-peer&format=%s", formats[i]);
		H_STATUS(&r, 200);
		/* an RPZ zone spells an address backwards (rpz-ip triggers) */
		bool rpz = strcmp(formats[i], "rpz") == 0;
		has(r.body, "red.example", false, formats[i]);
		has(r.body, rpz ? "99.100.51.198.rpz-ip" : "198.51.100.99", false, formats[i]);
		has(r.body, "held.example", false, formats[i]);
		has(r.body, "expired.example", false, formats[i]);
		/* every format carries addresses (nft and suricata only them) */
		has(r.body, rpz ? "66.2.0.192.rpz-ip" : "192.0.2.66", true, formats[i]);
		/* and AMBER+STRICT reaches the strict consumer wherever domains go
		** (an nftables set holds addresses only) */
		if (strcmp(formats[i], "nft") != 0)
			has(r.body, "strict.example", true, formats[i]);
		h_resp_free(&r);
		done++;
	}
	assert_int_equal(done, 8);
}

static void filter_narrows(void **state)
{
	(void)state;
	struct h_resp r;
	poll_export(&r, t_filtered, NULL);
	H_STATUS(&r, 200);
	/* domains, malicious-code, confidence >= 50, within its TLP (member) */
	has(r.body, "clear.example", true, "filtered");
	has(r.body, "amber.example", true, "filtered");
	has(r.body, "green.example", false, "filtered"); /* fraud, 40 */
	has(r.body, "192.0.2.66", false, "filtered");    /* an address */
	has(r.body, "strict.example", false, "filtered"); /* not strict */
	has(r.body, "red.example", false, "filtered");
	h_resp_free(&r);
	/* a filter naming an unknown type is refused, naming the field */
	h_httpf(&srv, &r, "PATCH", &admin, "{\"filter\":{\"types\":[\"phone\"]}}",
		"/api/v1/indicator-consumers/%lld", (long long)id_filtered);
	H_PROBLEM(&r, 400, "types");
	h_resp_free(&r);
	h_httpf(&srv, &r, "PATCH", &admin, "{\"filter\":{\"min_confidence\":101}}",
		"/api/v1/indicator-consumers/%lld", (long long)id_filtered);
	H_PROBLEM(&r, 400, "min_confidence");
	h_resp_free(&r);
}

static char *etag_of(const struct h_resp *r)
{
	char *e = h_header(r, "ETag");
	if (!e || e[0] != '"')
		fail_msg("no ETag: %s", e ? e : "(none)");
	return e;
}

static void etag_and_304(void **state)
{
	(void)state;
	struct h_resp r;
	poll_export(&r, t_public, NULL);
	H_STATUS(&r, 200);
	char *e1 = etag_of(&r);
	char *cc = h_header(&r, "Cache-Control");
	assert_non_null(cc);
	H_CONTAINS(cc, "max-age=");
	free(cc);
	h_resp_free(&r);
	/* stable while nothing changes */
	poll_export(&r, t_public, NULL);
	char *e2 = etag_of(&r);
	assert_string_equal(e1, e2);
	h_resp_free(&r);
	/* the tag sent back: 304, no body, the tag again */
	poll_export(&r, t_public, e1);
	H_STATUS(&r, 304);
	assert_int_equal(r.body_len, 0);
	char *e3 = etag_of(&r);
	assert_string_equal(e1, e3);
	h_resp_free(&r);
	/* a list holding it, and a weak form of it, match too; another does not */
	char *list = h_fmt("\"0000\", W/%s", e1);
	poll_export(&r, t_public, list);
	H_STATUS(&r, 304);
	h_resp_free(&r);
	free(list);
	poll_export(&r, t_public, "\"not-the-tag\"");
	H_STATUS(&r, 200);
	h_resp_free(&r);
	/* every consumer has its own tag: same registry, other filter */
	poll_export(&r, t_member, e1);
	H_STATUS(&r, 200);
	h_resp_free(&r);

	/* an update: a RED indicator made GREEN enters the public export */
	char *s = h_fmt("UPDATE indicator SET tlp = 'GREEN', updated_ms = %lld WHERE value = "
			"'red.example'",
			(long long)wall_ms() + 1);
	sql(s);
	free(s);
	poll_export(&r, t_public, e1);
	H_STATUS(&r, 200);
	has(r.body, "red.example", true, "public after the update");
	char *e4 = etag_of(&r);
	assert_string_not_equal(e1, e4);
	h_resp_free(&r);
	s = h_fmt("UPDATE indicator SET tlp = 'RED', updated_ms = %lld WHERE value = "
		  "'red.example'",
		  (long long)wall_ms() + 2);
	sql(s);
	free(s);
	poll_export(&r, t_public, e4);
	H_STATUS(&r, 200);
	has(r.body, "red.example", false, "public after RED again");
	char *e5 = etag_of(&r);
	h_resp_free(&r);

	/* a change of the consumer's filter changes its tag */
	h_httpf(&srv, &r, "PATCH", &admin, "{\"filter\":{\"types\":[\"ipv4\"]}}",
		"/api/v1/indicator-consumers/%lld", (long long)id_public);
	H_STATUS(&r, 200);
	h_resp_free(&r);
	poll_export(&r, t_public, e5);
	H_STATUS(&r, 200);
	has(r.body, "192.0.2.66", true, "public, addresses only");
	has(r.body, "clear.example", false, "public, addresses only");
	h_resp_free(&r);
	h_httpf(&srv, &r, "PATCH", &admin, "{\"filter\":{}}", "/api/v1/indicator-consumers/%lld",
		(long long)id_public);
	H_STATUS(&r, 200);
	h_resp_free(&r);
	free(e1);
	free(e2);
	free(e3);
	free(e4);
	free(e5);
}

/* An indicator whose expiry passes leaves the export at that moment: the
** tag changes though nothing was written. */
static void expiry_leaves_at_once(void **state)
{
	(void)state;
	int64_t expires = wall_ms() + 4000;
	indicator("domain", "soon.example", "active", "GREEN", "malicious-code", 90, expires);
	struct h_resp r;
	poll_export(&r, t_public, NULL);
	H_STATUS(&r, 200);
	has(r.body, "soon.example", true, "before expiry");
	char *e1 = etag_of(&r);
	h_resp_free(&r);
	while (wall_ms() <= expires + 50)
		usleep(100 * 1000);
	poll_export(&r, t_public, e1);
	H_STATUS(&r, 200);
	has(r.body, "soon.example", false, "after expiry");
	char *e2 = etag_of(&r);
	assert_string_not_equal(e1, e2);
	h_resp_free(&r);
	/* still in the registry, only out of the exports */
	free(e1);
	free(e2);
}

static void bad_tokens_are_refused(void **state)
{
	(void)state;
	struct h_resp r;
	/* no credential, a malformed one, an unknown one, a user's API token */
	const char *bad[] = { NULL, "pcx_short",
			      "pcx_0000000000000000000000000000000000000000000000000000000000000000",
			      ntok };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		poll_export(&r, bad[i], NULL);
		H_PROBLEM(&r, 401, NULL);
		char *w = h_header(&r, "WWW-Authenticate");
		assert_non_null(w);
		free(w);
		h_resp_free(&r);
	}
	/* a session is no consumer either */
	char cookie[80], csrf[80];
	h_login(&srv, "analyst", PW, cookie, csrf);
	struct h_cred sc = { .cookie = cookie };
	h_http(&srv, &r, "GET", "/api/v1/export/indicators", &sc, NULL);
	H_PROBLEM(&r, 401, NULL);
	h_resp_free(&r);

	/* rotation: the old token dies, the new one works */
	int64_t id = 0;
	char *old = consumer("{\"name\":\"rotating\",\"format\":\"plain\"}", &id);
	poll_export(&r, old, NULL);
	H_STATUS(&r, 200);
	h_resp_free(&r);
	h_httpf(&srv, &r, "POST", &admin, NULL, "/api/v1/indicator-consumers/%lld/rotate",
		(long long)id);
	H_STATUS(&r, 200);
	char *fresh = strdup(h_jstr(r.json, "token"));
	h_resp_free(&r);
	poll_export(&r, old, NULL);
	H_PROBLEM(&r, 401, NULL);
	h_resp_free(&r);
	poll_export(&r, fresh, NULL);
	H_STATUS(&r, 200);
	h_resp_free(&r);
	/* disabled: refused; enabled: back */
	h_httpf(&srv, &r, "PATCH", &admin, "{\"disabled\":true}",
		"/api/v1/indicator-consumers/%lld", (long long)id);
	H_STATUS(&r, 200);
	h_resp_free(&r);
	poll_export(&r, fresh, NULL);
	H_PROBLEM(&r, 401, NULL);
	h_resp_free(&r);
	/* deleted: refused */
	h_httpf(&srv, &r, "DELETE", &admin, NULL, "/api/v1/indicator-consumers/%lld",
		(long long)id);
	H_STATUS(&r, 204);
	h_resp_free(&r);
	poll_export(&r, fresh, NULL);
	H_PROBLEM(&r, 401, NULL);
	h_resp_free(&r);

	/* tokens are shown once: never in a read, never in the audit log */
	h_http(&srv, &r, "GET", "/api/v1/indicator-consumers", &admin, NULL);
	H_STATUS(&r, 200);
	assert_null(strstr(r.body, "pcx_"));
	assert_null(strstr(r.body, "token"));
	json_t *items = json_object_get(r.json, "items");
	bool fetched = false;
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		if (strcmp(h_jstr(it, "name"), "member-fw") == 0)
			fetched = json_is_string(json_object_get(it, "last_fetch"));
	}
	assert_true(fetched); /* polled above: its last fetch is kept */
	h_resp_free(&r);
	h_http(&srv, &r, "GET", "/api/v1/audit?limit=1000", &admin, NULL);
	H_STATUS(&r, 200);
	H_CONTAINS(r.body, "indicator_consumer.rotate");
	assert_null(strstr(r.body, old + 4));
	assert_null(strstr(r.body, fresh + 4));
	assert_null(strstr(r.body, t_public + 4));
	h_resp_free(&r);
	free(old);
	free(fresh);
	/* the server's log names the consumer, never its token */
	char *log = h_slurp(srv.log);
	assert_null(strstr(log, t_public + 4));
	H_CONTAINS(log, "consumer:public-resolver");
	free(log);
}

/* `parapet indicator export` and `indicator consumer add`. */
static void cli_export_to_file(void **state)
{
	(void)state;
	struct h_proc p;
	char *out = h_fmt("%s/member.csv", dir);
	h_cli(&p, dir, NULL, "indicator", "export", "--consumer", "member-fw", "--out", out, NULL);
	if (p.status != 0)
		fail_msg("indicator export: %d %s", p.status, p.err);
	assert_string_equal(p.out, ""); /* the file is the result */
	h_proc_free(&p);
	char *text = h_slurp(out);
	has(text, "amber.example", true, "CLI member-fw");
	has(text, "strict.example", false, "CLI member-fw");
	has(text, "red.example", false, "CLI member-fw");
	/* the same bytes the consumer polls */
	struct h_resp r;
	poll_export(&r, t_member, NULL);
	H_STATUS(&r, 200);
	assert_int_equal(strlen(text), r.body_len);
	h_resp_free(&r);
	free(text);
	free(out);
	/* the staff default on standard output */
	h_cli(&p, dir, NULL, "indicator", "export", "--format", "plain", NULL);
	assert_int_equal(p.status, 0);
	has(p.out, "amber.example", true, "CLI default");
	has(p.out, "strict.example", false, "CLI default");
	has(p.out, "red.example", false, "CLI default");
	h_proc_free(&p);
	/* no format and no consumer: a usage problem, nothing written */
	h_cli(&p, dir, NULL, "indicator", "export", NULL);
	assert_int_equal(p.status, EX_DATAERR);
	h_proc_free(&p);
	/* a consumer added on the command line polls over HTTP */
	h_cli(&p, dir, NULL, "indicator", "consumer", "add", "cli-resolver", "--format", "plain",
	      "--member", "--types", "domain", NULL);
	assert_int_equal(p.status, 0);
	char tok[80];
	assert_int_equal(sscanf(p.out, "%79s", tok), 1);
	assert_int_equal(strlen(tok), 68);
	h_proc_free(&p);
	poll_export(&r, tok, NULL);
	H_STATUS(&r, 200);
	has(r.body, "amber.example", true, "cli-resolver");
	has(r.body, "192.0.2.66", false, "cli-resolver");
	h_resp_free(&r);
	/* a name taken is refused */
	h_cli(&p, dir, NULL, "indicator", "consumer", "add", "cli-resolver", "--format", "rpz",
	      NULL);
	assert_int_equal(p.status, EX_DATAERR);
	h_proc_free(&p);
	h_cli(&p, dir, NULL, "indicator", "consumer", "rm", "cli-resolver", NULL);
	assert_int_equal(p.status, 0);
	h_proc_free(&p);
	poll_export(&r, tok, NULL);
	H_PROBLEM(&r, 401, NULL);
	h_resp_free(&r);

	/* MISP to a directory: the feed a MISP instance subscribes to, by the
	** same rule (the strict consumer: AMBER+STRICT in, RED out) */
	char *feed = h_fmt("%s/misp-feed", dir);
	h_cli(&p, dir, NULL, "indicator", "export", "--consumer", "strict-peer", "--format", "misp",
	      "--out", feed, NULL);
	if (p.status != 0)
		fail_msg("indicator export misp: %d %s", p.status, p.err);
	assert_string_equal(p.out, "");
	h_proc_free(&p);
	char *mpath = h_fmt("%s/manifest.json", feed);
	json_error_t je;
	json_t *manifest = json_load_file(mpath, 0, &je);
	if (!json_is_object(manifest))
		fail_msg("%s: %s", mpath, je.text);
	/* one file per event the manifest names, and together they hold the
	** strict consumer's indicators */
	char *all = h_fmt("%s", "");
	const char *uuid;
	json_t *ev;
	json_object_foreach(manifest, uuid, ev) {
		char *epath = h_fmt("%s/%s.json", feed, uuid);
		char *etext = h_slurp(epath);
		char *joined = h_fmt("%s%s", all, etext);
		free(all);
		all = joined;
		free(etext);
		free(epath);
	}
	assert_true(json_object_size(manifest) >= 1);
	json_decref(manifest);
	has(all, "strict.example", true, "MISP feed");
	has(all, "amber.example", true, "MISP feed");
	has(all, "red.example", false, "MISP feed");
	has(all, "198.51.100.99", false, "MISP feed");
	free(all);
	free(mpath);
	free(feed);

	/* a registry larger than the CLI's 1 MiB chunks streams to the file
	** and gives the very bytes the server builds in memory */
	char *bulk = h_fmt("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
			   "WHERE i < 100000) INSERT INTO indicator(type, value, tlp, "
			   "first_seen_ms, last_seen_ms, expires_ms, actor, created_ms, "
			   "updated_ms) SELECT 'domain', 'bulk-' || i || '.example', 'GREEN', %lld, "
			   "%lld, %lld, 'test', %lld, %lld FROM n",
			   (long long)wall_ms(), (long long)wall_ms(),
			   (long long)wall_ms() + 86400000LL, (long long)wall_ms(),
			   (long long)wall_ms());
	sql(bulk);
	free(bulk);
	out = h_fmt("%s/all.txt", dir);
	h_cli(&p, dir, NULL, "indicator", "export", "--format", "plain", "--out", out, NULL);
	if (p.status != 0)
		fail_msg("indicator export: %d %s", p.status, p.err);
	h_proc_free(&p);
	text = h_slurp(out);
	assert_true(strlen(text) > (3u << 19)); /* more than one chunk */
	h_http(&srv, &r, "GET", "/api/v1/indicators/export?format=plain", &analyst, NULL);
	H_STATUS(&r, 200);
	assert_int_equal(strlen(text), r.body_len);
	assert_memory_equal(text, r.body, r.body_len);
	h_resp_free(&r);
	has(text, "bulk-100000.example", true, "CLI bulk");
	/* no temporary file is left beside it */
	DIR *d = opendir(dir);
	assert_non_null(d);
	for (struct dirent *e = readdir(d); e; e = readdir(d))
		if (strstr(e->d_name, ".tmp."))
			fail_msg("temporary file %s left behind", e->d_name);
	closedir(d);
	free(text);
	free(out);
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tlp_is_enforced),
		cmocka_unit_test(red_never_leaves_in_any_format),
		cmocka_unit_test(filter_narrows),
		cmocka_unit_test(etag_and_304),
		cmocka_unit_test(expiry_leaves_at_once),
		cmocka_unit_test(bad_tokens_are_refused),
		cmocka_unit_test(cli_export_to_file),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
