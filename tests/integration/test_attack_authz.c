/*
** test_attack_authz.c — the standing attack suite's write matrix (issue 11):
** every unsafe route of the server's own table (http_routes[], linked in, so
** a new POST, PATCH or DELETE route without an expectation here fails) x
** every caller x an object inside or outside the caller's reach.
**
** test_rbac checks the status of each cell. This program checks what a
** refused write leaves behind: nothing. For every cell the expectation below
** says is refused, the answer must be a refusal (400, 401, 403 or 404), the
** object the request aimed at, read back by an unnarrowed admin before and
** after, must be byte for byte the same, and the audit log must not have
** grown. Cells the expectation allows must pass access control (a 2xx, or
** the handler's own answer where the fixture makes one: 409 for a baseline
** with no page fetched yet), so the expectations stay honest.
**
** Callers: admin, analyst, provincial analyst (Tehran), responder (member
** of the team that holds the "own" incidents), constituent (Org A), each by
** browser session, bearer token and read-only token; an admin's token
** narrowed to Org A and one narrowed to Tehran; anonymous. Own = Org A /
** Tehran / the team's incident; other = Org B / Fars / an incident of no
** team. The expectations are written by hand from the design (issue 11's
** rules included: responders write only their teams' incidents, site
** settings and reports are analysts' work, feeds and admin work are
** national, refused to narrowed tokens), never derived from the route table.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "http/http.h"

/* Callers. Bits of the expectation masks. */
enum who {
	W_ADMIN, W_ANALYST, W_PROV, W_RESP, W_CONS, /* users: session, token, read-only */
	W_ORGTOK,  /* an admin's token narrowed to Org A */
	W_PROVTOK, /* an admin's token narrowed to Tehran */
	W_ANON,
	NWHO
};
static const char *who_name[NWHO] = { "admin",	     "analyst",
				      "provincial",  "responder",
				      "constituent", "admin token narrowed to Org A",
				      "admin token narrowed to Tehran", "anonymous" };
static const char *login_of[W_ORGTOK] = { "admin", "analyst", "prov", "resp", "cons" };
#define PW "attack-password-1"

#define A (1u << W_ADMIN)
#define N (1u << W_ANALYST)
#define P (1u << W_PROV)
#define R (1u << W_RESP)
#define C (1u << W_CONS)
#define O (1u << W_ORGTOK)
#define V (1u << W_PROVTOK)

enum pass { P_SESSION, P_TOKEN, P_READONLY };
static const char *pass_name[] = { "session", "token", "read-only token" };

enum kind {
	K_LOGIN, K_LOGOUT, K_PREFS, K_PASSWORD, K_ORG_CREATE, K_ORG_PATCH, K_ORG_DELETE,
	K_ASSET_CREATE, K_ASSET_DELETE, K_CONTACT_CREATE, K_CONTACT_DELETE, K_USER_CREATE,
	K_USER_DELETE, K_USER_PATCH, K_TEAM_CREATE, K_MEMBER_ADD, K_MEMBER_DEL, K_TOKEN_CREATE, K_TOKEN_REVOKE,
	K_TEAM_LEAD, K_ROTA_ADD, K_RULE_CREATE, K_RULE_DELETE, K_REPORT, K_INC_CREATE,
	K_INC_PATCH, K_INC_TRANSITION, K_INC_ASSIGN, K_INC_MERGE, K_INC_LINK, K_MSG_CREATE,
	K_EV_UPLOAD, K_FEED_UPLOAD, K_SITE_PATCH, K_SITE_ACCEPT, K_SITE_DNS_SET, K_SITE_DNS_DEL,
	K_ADV_CREATE, K_ADV_IMPORT, K_ADV_DRAFT_PREVIEW, K_ADV_PUT, K_ADV_EXCLUDE, K_ADV_INCLUDE,
	K_ADV_PUBLISH, K_ADV_TARGET_SET, K_ADV_LINK_USE,
	K_IND_CREATE, K_IND_PATCH, K_IND_DELETE,
	K_IND_CONS_CREATE, K_IND_CONS_PATCH, K_IND_CONS_DELETE, K_IND_CONS_ROTATE,
	K_APP_SUBMIT, K_APP_CONFIRM, K_APP_BENIGN,
	K_IND_IMPORT, K_IND_CONFIRM, K_IND_REJECT,
};

#define F_PUBLIC 1u       /* anyone, no refusal to check */
#define F_SESSION_ONLY 2u /* a browser session's own business: tokens refused */

/* own, other: the callers allowed (by session or token). ok: the status an
** allowed caller gets when it is not a 2xx. */
struct wrule {
	const char *method, *pattern;
	enum kind kind;
	unsigned own, other;
	unsigned flags;
	int ok;
};

#define STAFF_OWN (A | N | P | R | O | V) /* the team's incident in Tehran's Org A */
#define NATIONAL (A | N)

static const struct wrule wrules[] = {
	{ "POST", "/api/v1/session", K_LOGIN, 0, 0, F_PUBLIC, 0 },
	{ "DELETE", "/api/v1/session", K_LOGOUT, A | N | P | R | C, A | N | P | R | C,
	  F_SESSION_ONLY, 0 },
	/* one's own preferences: any credential that may write */
	{ "PATCH", "/api/v1/session", K_PREFS, A | N | P | R | C | O | V, A | N | P | R | C | O | V,
	  0, 0 },
	/* a new password too short: the handler's 400 for those allowed */
	{ "POST", "/api/v1/session/password", K_PASSWORD, A | N | P | R | C, A | N | P | R | C,
	  F_SESSION_ONLY, 400 },
	/* an organisation in Tehran / in Fars; an org-narrowed token creates none */
	{ "POST", "/api/v1/orgs", K_ORG_CREATE, A | N | P | V, NATIONAL, 0, 0 },
	{ "PATCH", "/api/v1/orgs/{id}", K_ORG_PATCH, A | N | P | O | V, NATIONAL, 0, 0 },
	/* a fresh organisation of Tehran / Fars (not Org A: O cannot see it) */
	{ "DELETE", "/api/v1/orgs/{id}", K_ORG_DELETE, A | N | P | V, NATIONAL, 0, 0 },
	{ "POST", "/api/v1/orgs/{id}/assets", K_ASSET_CREATE, A | N | P | O | V, NATIONAL, 0, 0 },
	{ "DELETE", "/api/v1/orgs/{id}/assets/{asset}", K_ASSET_DELETE, A | N | P | O | V,
	  NATIONAL, 0, 0 },
	{ "POST", "/api/v1/orgs/{id}/contacts", K_CONTACT_CREATE, A | N | P | C | O | V, NATIONAL,
	  0, 0 },
	{ "DELETE", "/api/v1/orgs/{id}/contacts/{contact}", K_CONTACT_DELETE,
	  A | N | P | C | O | V, NATIONAL, 0, 0 },
	/* admin work is national: never through a narrowed token */
	{ "POST", "/api/v1/users", K_USER_CREATE, A, A, 0, 0 },
	{ "DELETE", "/api/v1/users/{id}", K_USER_DELETE, A, A, 0, 0 },
	/* disabling a user ends their sessions and tokens: admin work too */
	{ "PATCH", "/api/v1/users/{id}", K_USER_PATCH, A, A, 0, 0 },
	{ "POST", "/api/v1/teams", K_TEAM_CREATE, A, A, 0, 0 },
	{ "POST", "/api/v1/teams/{id}/members", K_MEMBER_ADD, A, A, 0, 0 },
	{ "DELETE", "/api/v1/teams/{id}/members/{user}", K_MEMBER_DEL, A, A, 0, 0 },
	/* a token narrowed to Org A / Org B; tokens mint none */
	{ "POST", "/api/v1/tokens", K_TOKEN_CREATE, A | N | P | R | C, A | N | R, F_SESSION_ONLY,
	  0 },
	/* one's own token / another user's (an unnarrowed admin's business) */
	{ "DELETE", "/api/v1/tokens/{id}", K_TOKEN_REVOKE, A | N | P | R | C | O | V, A, 0, 0 },
	{ "POST", "/api/v1/teams/{id}", K_TEAM_LEAD, A, A, 0, 0 },
	{ "POST", "/api/v1/teams/{id}/rota", K_ROTA_ADD, A, A, 0, 0 },
	{ "POST", "/api/v1/routing-rules", K_RULE_CREATE, A, A, 0, 0 },
	{ "DELETE", "/api/v1/routing-rules/{id}", K_RULE_DELETE, A, A, 0, 0 },
	/* detections: analysts and their detectors' tokens, not responders */
	{ "POST", "/api/v1/reports", K_REPORT, A | N | P | O | V, NATIONAL, 0, 0 },
	/* opening an incident: not a responder */
	{ "POST", "/api/v1/incidents", K_INC_CREATE, A | N | P | C | O | V, NATIONAL, 0, 0 },
	/* working an incident: CERT staff in scope, a responder on its team's */
	{ "PATCH", "/api/v1/incidents/{id}", K_INC_PATCH, STAFF_OWN, NATIONAL, 0, 0 },
	{ "POST", "/api/v1/incidents/{id}/transitions", K_INC_TRANSITION, STAFF_OWN, NATIONAL, 0,
	  0 },
	{ "POST", "/api/v1/incidents/{id}/assign", K_INC_ASSIGN, STAFF_OWN, NATIONAL, 0, 0 },
	{ "POST", "/api/v1/incidents/{id}/merge", K_INC_MERGE, STAFF_OWN, NATIONAL, 0, 0 },
	{ "POST", "/api/v1/incidents/{id}/links", K_INC_LINK, STAFF_OWN, NATIONAL, 0, 0 },
	/* the thread and evidence: the constituent too, for its organisation */
	{ "POST", "/api/v1/incidents/{id}/messages", K_MSG_CREATE, STAFF_OWN | C, NATIONAL, 0,
	  0 },
	{ "POST", "/api/v1/incidents/{id}/evidence", K_EV_UPLOAD, STAFF_OWN | C, NATIONAL, 0, 0 },
	/* the national intake */
	{ "POST", "/api/v1/feeds/uploads", K_FEED_UPLOAD, NATIONAL, NATIONAL, 0, 0 },
	/* site settings: analysts and up, not responders */
	{ "PATCH", "/api/v1/sites/{id}", K_SITE_PATCH, A | N | P | O | V, NATIONAL, 0, 0 },
	{ "POST", "/api/v1/sites/{id}/baseline", K_SITE_ACCEPT, A | N | P | O | V, NATIONAL, 0,
	  409 },
	{ "POST", "/api/v1/sites/{id}/dns", K_SITE_DNS_SET, A | N | P | O | V, NATIONAL, 0, 0 },
	{ "DELETE", "/api/v1/sites/{id}/dns", K_SITE_DNS_DEL, A | N | P | O | V, NATIONAL, 0, 0 },
	/* advisories (issue 14): own = one that targets Org A (Tehran), other =
	** one that targets Org B (Fars). Writing, importing, previewing a draft
	** (its targets are national), excluding and publishing are national
	** work: never through a narrowed token */
	{ "POST", "/api/v1/advisories", K_ADV_CREATE, NATIONAL, NATIONAL, 0, 0 },
	{ "POST", "/api/v1/advisories/import", K_ADV_IMPORT, NATIONAL, NATIONAL, 0, 0 },
	{ "POST", "/api/v1/advisories/preview", K_ADV_DRAFT_PREVIEW, NATIONAL, NATIONAL, 0, 0 },
	{ "PUT", "/api/v1/advisories/{id}", K_ADV_PUT, NATIONAL, NATIONAL, 0, 0 },
	{ "POST", "/api/v1/advisories/{id}/exclusions/{org}", K_ADV_EXCLUDE, NATIONAL, NATIONAL, 0,
	  0 },
	{ "DELETE", "/api/v1/advisories/{id}/exclusions/{org}", K_ADV_INCLUDE, NATIONAL, NATIONAL,
	  0, 0 },
	{ "POST", "/api/v1/advisories/{id}/publish", K_ADV_PUBLISH, NATIONAL, NATIONAL, 0, 0 },
	/* a target's state: staff in scope (narrowed tokens within it), the
	** constituent for its own organisation; not a responder */
	{ "POST", "/api/v1/advisories/{id}/targets/{org}", K_ADV_TARGET_SET, A | N | P | C | O | V,
	  NATIONAL, 0, 0 },
	/* a mail's signed link: public (its token is the credential); a
	** malformed one here, the handler's 400 (test_rbac's
	** test_advisory_links uses real ones) */
	{ "POST", "/api/v1/advisory-links/{token}", K_ADV_LINK_USE, 0, 0, F_PUBLIC, 400 },
	/* indicators (issue 15): own = a TLP:AMBER indicator concerning Org A,
	** other = Org B's. The registry is national: CERT analysts (admin,
	** analyst, provincial) write it, never a responder, a constituent or a
	** credential narrowed to one organisation or province */
	{ "POST", "/api/v1/indicators", K_IND_CREATE, A | N | P, A | N | P, 0, 0 },
	{ "PATCH", "/api/v1/indicators/{id}", K_IND_PATCH, A | N | P, A | N | P, 0, 0 },
	{ "DELETE", "/api/v1/indicators/{id}", K_IND_DELETE, A | N | P, A | N | P, 0, 0 },
	/* indicator export consumers (issue 15): who receives the country's
	** indicators, under which TLP, is national work: never a provincial
	** analyst, a responder or a narrowed token */
	{ "POST", "/api/v1/indicator-consumers", K_IND_CONS_CREATE, NATIONAL, NATIONAL, 0, 0 },
	{ "PATCH", "/api/v1/indicator-consumers/{id}", K_IND_CONS_PATCH, NATIONAL, NATIONAL, 0, 0 },
	{ "DELETE", "/api/v1/indicator-consumers/{id}", K_IND_CONS_DELETE, NATIONAL, NATIONAL, 0,
	  0 },
	{ "POST", "/api/v1/indicator-consumers/{id}/rotate", K_IND_CONS_ROTATE, NATIONAL, NATIONAL,
	  0, 0 },
	/* triaged apps (issue 15): the blacklist of apps is national, as the
	** registry it feeds: the CERT's analysts' work (a provincial one
	** included), never a responder's, a constituent's or a credential
	** narrowed to one organisation or province. Apps belong to no
	** organisation: own and other are alike */
	{ "POST", "/api/v1/apps", K_APP_SUBMIT, A | N | P, A | N | P, 0, 0 },
	{ "POST", "/api/v1/apps/{id}/confirm", K_APP_CONFIRM, A | N | P, A | N | P, 0, 0 },
	{ "POST", "/api/v1/apps/{id}/benign", K_APP_BENIGN, A | N | P, A | N | P, 0, 0 },
	/* bulk import and the decision on held indicators (issue 15): CERT
	** work on the national registry, never through a narrowed token; own
	** and other alike (the registry has no organisation to be outside of) */
	{ "POST", "/api/v1/indicators/import", K_IND_IMPORT, A | N | P, A | N | P, 0, 0 },
	{ "POST", "/api/v1/indicators/{id}/confirm", K_IND_CONFIRM, A | N | P, A | N | P, 0, 0 },
	{ "POST", "/api/v1/indicators/{id}/reject", K_IND_REJECT, A | N | P, A | N | P, 0, 0 },
};
#define NWRULES (sizeof(wrules) / sizeof(wrules[0]))

/* ------------------------------------------------------------- fixture */

static struct {
	char *dir;
	struct h_server srv;
	struct h_cred admin;
	char *admin_tok, *orgtok, *provtok;
	int64_t org_a, org_b;
	int64_t uid[W_ORGTOK];
	char cookie[W_ORGTOK][80], csrf[W_ORGTOK][80];
	char *tok[W_ORGTOK], *rotok[W_ORGTOK];
	int64_t team, inc[2], site[2];
	int64_t app; /* a signed sample app (tests/data/apk/sample.apk) */
	int seq;
} F;

static bool unsafe(const char *m)
{
	return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0;
}

/* An unnarrowed admin's call that must answer want; returns "id". */
static int64_t admin_call(const char *method, const char *path, const char *body, long want)
{
	struct h_resp r;
	h_http(&F.srv, &r, method, path, &F.admin, body);
	if (r.status != want)
		fail_msg("fixture %s %s: HTTP %ld %s", method, path, r.status, r.body);
	int64_t id = r.json ? h_jint(r.json, "id") : 0;
	h_resp_free(&r);
	return id;
}

static int64_t admin_callf(const char *method, long want, const char *body, const char *fmt,
			   long long a)
{
	char *p = h_fmt(fmt, a);
	int64_t id = admin_call(method, p, body, want);
	free(p);
	return id;
}

/* An advisory document whose audience is Org A (own) or Org B (other). */
static char *advisory_doc(bool other, const char *what, int n)
{
	return h_fmt("{\"title\":{\"en\":\"attack %s %d\"},\"summary\":{\"en\":\"a test\"},"
		     "\"cves\":[\"CVE-2018-0171\"],\"tlp\":\"GREEN\","
		     "\"deadline\":\"2031-01-01T00:00:00Z\",\"audience\":{\"orgs\":[%lld]}}",
		     what, n, (long long)(other ? F.org_b : F.org_a));
}

/* A fresh advisory for Org A (own) or Org B (other), published when asked. */
static int64_t fresh_advisory(bool other, bool publish)
{
	char *b = advisory_doc(other, "fixture", ++F.seq);
	int64_t id = admin_call("POST", "/api/v1/advisories", b, 201);
	free(b);
	if (publish)
		admin_callf("POST", 200, NULL, "/api/v1/advisories/%lld/publish", (long long)id);
	return id;
}

/* A fresh TLP:AMBER indicator (a new domain) concerning Org A or Org B. */
static int64_t fresh_indicator(bool other)
{
	char *b = h_fmt("{\"type\":\"domain\",\"value\":\"fixture-%d.example\","
			"\"tlp\":\"amber\",\"org_id\":%lld}",
			++F.seq, (long long)(other ? F.org_b : F.org_a));
	int64_t id = admin_call("POST", "/api/v1/indicators", b, 201);
	free(b);
	return id;
}

/* A fresh incident: own = Org A held by the responder's team; other = Org B,
** no team. */
static int64_t fresh_incident(bool other)
{
	char *b = h_fmt("{\"org_id\":%lld,\"title\":\"attack fixture %d\"}",
			(long long)(other ? F.org_b : F.org_a), ++F.seq);
	int64_t id = admin_call("POST", "/api/v1/incidents", b, 201);
	free(b);
	if (!other) {
		char *tb = h_fmt("{\"team\":%lld}", (long long)F.team);
		admin_callf("POST", 200, tb, "/api/v1/incidents/%lld/assign", (long long)id);
		free(tb);
	}
	return id;
}

static int setup(void **state)
{
	(void)state;
	memset(&F, 0, sizeof(F));
	F.dir = h_tmpdir("attack-authz");
	h_migrate(F.dir);
	F.org_a = h_org_add(F.dir, "Org A", "Tehran");
	F.org_b = h_org_add(F.dir, "Org B", "Fars");
	static const char *roles[W_ORGTOK] = { "admin", "analyst", "provincial", "responder",
					       "constituent" };
	for (int w = 0; w < W_ORGTOK; w++)
		F.uid[w] = h_user_add(F.dir, login_of[w], roles[w], w == W_CONS ? F.org_a : 0,
				      w == W_PROV ? "Tehran" : NULL, PW);
	struct h_proc p;
	char a[32], b[32];
	snprintf(a, sizeof(a), "%lld", (long long)F.org_a);
	snprintf(b, sizeof(b), "%lld", (long long)F.org_b);
	const char *assets[][3] = { { a, "url", "https://www.a.example/" },
				    { b, "url", "https://www.b.example/" } };
	for (int i = 0; i < 2; i++) {
		h_cli(&p, F.dir, NULL, "asset", "add", assets[i][0], assets[i][1], assets[i][2],
		      NULL);
		assert_int_equal(p.status, 0);
		h_proc_free(&p);
	}
	F.admin_tok = h_token_add(F.dir, "admin", "--name", "fixtures", NULL);
	F.admin.token = F.admin_tok;
	F.orgtok = h_token_add(F.dir, "admin", "--org", a, NULL);
	F.provtok = h_token_add(F.dir, "admin", "--province", "Tehran", NULL);
	for (int w = 0; w < W_ORGTOK; w++) {
		F.tok[w] = h_token_add(F.dir, login_of[w], NULL);
		F.rotok[w] = h_token_add(F.dir, login_of[w], "--readonly", NULL);
	}
	h_server_start(&F.srv, F.dir, NULL);
	for (int w = 0; w < W_ORGTOK; w++)
		h_login(&F.srv, login_of[w], PW, F.cookie[w], F.csrf[w]);
	F.team = admin_call("POST", "/api/v1/teams", "{\"name\":\"rapid response\"}", 201);
	char *m = h_fmt("{\"user\":%lld}", (long long)F.uid[W_RESP]);
	admin_callf("POST", 204, m, "/api/v1/teams/%lld/members", (long long)F.team);
	free(m);
	for (int k = 0; k < 2; k++) {
		struct h_resp r;
		h_httpf(&F.srv, &r, "GET", &F.admin, NULL, "/api/v1/sites?org_id=%lld",
			(long long)(k ? F.org_b : F.org_a));
		H_STATUS(&r, 200);
		F.site[k] = h_jint(json_array_get(json_object_get(r.json, "items"), 0), "id");
		assert_true(F.site[k] > 0);
		h_resp_free(&r);
		F.inc[k] = fresh_incident(k == 1);
	}
	{
		struct h_resp r;
		struct pbuf apk;
		struct perr e;
		const char *path = getenv("APK_SAMPLE");
		if (core_file_read(path ? path : "tests/data/apk/sample.apk", 1 << 20, &apk, &e) != 0)
			fail_msg("APK sample: %s", e.msg);
		h_http_ex(&F.srv, &r, "POST", "/api/v1/apps", &F.admin,
			  "application/vnd.android.package-archive", apk.ptr, apk.len, false, NULL);
		H_STATUS(&r, 201);
		F.app = h_jint(r.json, "id");
		h_resp_free(&r);
		pbuf_free(&apk);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	int rc = h_server_stop(&F.srv);
	for (int w = 0; w < W_ORGTOK; w++) {
		free(F.tok[w]);
		free(F.rotok[w]);
	}
	free(F.admin_tok);
	free(F.orgtok);
	free(F.provtok);
	h_rmdir(F.dir);
	return rc == 0 ? 0 : -1;
}

/* --------------------------------------------------------------- cells */

/* One request of the matrix: what to send, and what to read back. */
struct cell {
	char *path, *body;
	const char *ctype; /* NULL: JSON (when body) */
	char *readback;    /* GET by the unnarrowed admin, NULL: none */
	char *readback2;   /* a second object (merge, links) */
	bool self_readback; /* readback with the caller's own credentials */
};

/* The login a caller acts as (narrowed tokens are the admin's). */
static const char *login_for(int w)
{
	return w < W_ORGTOK ? login_of[w] : w == W_ANON ? "analyst" : "admin";
}

/* A fresh token of login; returns its id (the newest of that user). */
static int64_t fresh_token_id(const char *login)
{
	free(h_token_add(F.dir, login, "--name", "victim", NULL));
	int64_t uid = F.uid[W_ADMIN];
	for (int w = 0; w < W_ORGTOK; w++)
		if (strcmp(login_of[w], login) == 0)
			uid = F.uid[w];
	struct h_resp r;
	h_http(&F.srv, &r, "GET", "/api/v1/tokens?all=1", &F.admin, NULL);
	H_STATUS(&r, 200);
	json_t *items = json_object_get(r.json, "items");
	int64_t id = 0;
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		if (h_jint(it, "user") == uid && h_jint(it, "id") > id)
			id = h_jint(it, "id");
	}
	h_resp_free(&r);
	assert_true(id > 0);
	return id;
}

static int64_t fresh_org(const char *province)
{
	char *b = h_fmt("{\"name\":\"attack org %d\",\"province\":\"%s\"}", ++F.seq, province);
	int64_t id = admin_call("POST", "/api/v1/orgs", b, 201);
	free(b);
	return id;
}

static int64_t fresh_team(void)
{
	char *b = h_fmt("{\"name\":\"attack team %d\"}", ++F.seq);
	int64_t id = admin_call("POST", "/api/v1/teams", b, 201);
	free(b);
	return id;
}

static void build(const struct wrule *ru, int w, bool other, struct cell *c)
{
	int64_t org = other ? F.org_b : F.org_a;
	const char *prov = other ? "Fars" : "Tehran";
	int n = ++F.seq;
	memset(c, 0, sizeof(*c));
	switch (ru->kind) {
	case K_LOGIN:
		c->path = h_fmt("/api/v1/session");
		c->body = h_fmt("{\"login\":\"%s\",\"password\":\"" PW "\"}", login_for(w));
		break;
	case K_LOGOUT: c->path = h_fmt("/api/v1/session"); break;
	case K_PREFS:
		c->path = h_fmt("/api/v1/session");
		c->body = h_fmt("{\"lang\":\"%s\",\"calendar\":\"jalali\"}", n % 2 ? "fa" : "en");
		c->readback = h_fmt("/api/v1/session");
		c->self_readback = true;
		break;
	case K_PASSWORD:
		c->path = h_fmt("/api/v1/session/password");
		c->body = h_fmt("{\"current\":\"" PW "\",\"new\":\"short\"}");
		break;
	case K_ORG_CREATE:
		c->path = h_fmt("/api/v1/orgs");
		c->body = h_fmt("{\"name\":\"matrix org %d\",\"province\":\"%s\"}", n, prov);
		c->readback = h_fmt("/api/v1/orgs?limit=1000");
		break;
	case K_ORG_PATCH:
		c->path = h_fmt("/api/v1/orgs/%lld", (long long)org);
		c->body = h_fmt("{\"sector\":\"sector %d\"}", n);
		c->readback = h_fmt("/api/v1/orgs/%lld", (long long)org);
		break;
	case K_ORG_DELETE: {
		int64_t id = fresh_org(prov);
		c->path = h_fmt("/api/v1/orgs/%lld", (long long)id);
		c->readback = h_fmt("/api/v1/orgs/%lld", (long long)id);
		break;
	}
	case K_ASSET_CREATE:
		c->path = h_fmt("/api/v1/orgs/%lld/assets", (long long)org);
		c->body = h_fmt("{\"type\":\"cidr\",\"value\":\"100.66.%d.%d/32\"}", n / 256 % 256,
				n % 256);
		c->readback = h_fmt("/api/v1/orgs/%lld/assets", (long long)org);
		break;
	case K_ASSET_DELETE: {
		char *b = h_fmt("{\"type\":\"cidr\",\"value\":\"100.67.%d.%d/32\"}", n / 256 % 256,
				n % 256);
		int64_t id = admin_callf("POST", 201, b, "/api/v1/orgs/%lld/assets", (long long)org);
		free(b);
		c->path = h_fmt("/api/v1/orgs/%lld/assets/%lld", (long long)org, (long long)id);
		c->readback = h_fmt("/api/v1/orgs/%lld/assets", (long long)org);
		break;
	}
	case K_CONTACT_CREATE:
		c->path = h_fmt("/api/v1/orgs/%lld/contacts", (long long)org);
		c->body = h_fmt("{\"name\":\"contact %d\",\"email\":\"c%d@a.example\"}", n, n);
		c->readback = h_fmt("/api/v1/orgs/%lld/contacts", (long long)org);
		break;
	case K_CONTACT_DELETE: {
		char *b = h_fmt("{\"name\":\"victim %d\",\"email\":\"v%d@a.example\"}", n, n);
		int64_t id = admin_callf("POST", 201, b, "/api/v1/orgs/%lld/contacts",
					 (long long)org);
		free(b);
		c->path = h_fmt("/api/v1/orgs/%lld/contacts/%lld", (long long)org, (long long)id);
		c->readback = h_fmt("/api/v1/orgs/%lld/contacts", (long long)org);
		break;
	}
	case K_USER_CREATE:
		c->path = h_fmt("/api/v1/users");
		/* the prize of an escalation: a new admin */
		c->body = h_fmt("{\"login\":\"new%d\",\"role\":\"admin\",\"password\":\"" PW "\"}", n);
		c->readback = h_fmt("/api/v1/users");
		break;
	case K_USER_DELETE: {
		char *b = h_fmt("{\"login\":\"gone%d\",\"role\":\"responder\",\"password\":\"" PW
				"\"}", n);
		int64_t id = admin_call("POST", "/api/v1/users", b, 201);
		free(b);
		c->path = h_fmt("/api/v1/users/%lld", (long long)id);
		c->readback = h_fmt("/api/v1/users");
		break;
	}
	case K_USER_PATCH: {
		char *b = h_fmt("{\"login\":\"off%d\",\"role\":\"responder\",\"password\":\"" PW
				"\"}", n);
		int64_t id = admin_call("POST", "/api/v1/users", b, 201);
		free(b);
		c->path = h_fmt("/api/v1/users/%lld", (long long)id);
		c->body = h_fmt("{\"disabled\":true}");
		c->readback = h_fmt("/api/v1/users");
		break;
	}
	case K_TEAM_CREATE:
		c->path = h_fmt("/api/v1/teams");
		c->body = h_fmt("{\"name\":\"matrix team %d\",\"province\":\"%s\"}", n, prov);
		c->readback = h_fmt("/api/v1/teams");
		break;
	case K_MEMBER_ADD:
		c->path = h_fmt("/api/v1/teams/%lld/members", (long long)fresh_team());
		c->body = h_fmt("{\"user\":%lld}", (long long)F.uid[W_RESP]);
		c->readback = h_fmt("/api/v1/teams");
		break;
	case K_MEMBER_DEL: {
		int64_t t = fresh_team();
		char *b = h_fmt("{\"user\":%lld}", (long long)F.uid[W_RESP]);
		admin_callf("POST", 204, b, "/api/v1/teams/%lld/members", (long long)t);
		free(b);
		c->path = h_fmt("/api/v1/teams/%lld/members/%lld", (long long)t,
				(long long)F.uid[W_RESP]);
		c->readback = h_fmt("/api/v1/teams");
		break;
	}
	case K_TOKEN_CREATE:
		c->path = h_fmt("/api/v1/tokens");
		c->body = h_fmt("{\"name\":\"minted %d\",\"org\":%lld}", n, (long long)org);
		c->readback = h_fmt("/api/v1/tokens?all=1");
		break;
	case K_TOKEN_REVOKE: {
		/* other: a token of someone else than the user the caller acts as */
		const char *owner = !other ? login_for(w)
				    : strcmp(login_for(w), "admin") == 0 ? "analyst" : "admin";
		c->path = h_fmt("/api/v1/tokens/%lld", (long long)fresh_token_id(owner));
		c->readback = h_fmt("/api/v1/tokens?all=1");
		break;
	}
	case K_TEAM_LEAD:
		c->path = h_fmt("/api/v1/teams/%lld", (long long)F.team);
		c->body = other ? h_fmt("{}") : h_fmt("{\"lead\":%lld}", (long long)F.uid[W_RESP]);
		c->readback = h_fmt("/api/v1/teams");
		break;
	case K_ROTA_ADD:
		c->path = h_fmt("/api/v1/teams/%lld/rota", (long long)F.team);
		c->body = h_fmt("{\"user\":%lld,\"start\":\"2031-01-%02dT00:00:00Z\","
				"\"end\":\"2031-01-%02dT12:00:00Z\"}",
				(long long)F.uid[W_RESP], 1 + n % 27, 1 + n % 27);
		c->readback = h_fmt("/api/v1/teams/%lld/oncall?at=2031-01-%02dT06:00:00Z",
				    (long long)F.team, 1 + n % 27);
		break;
	case K_RULE_CREATE:
		c->path = h_fmt("/api/v1/routing-rules");
		c->body = h_fmt("{\"province\":\"%s\",\"kind\":\"matrix-%d\",\"team\":%lld}", prov, n,
				(long long)F.team);
		c->readback = h_fmt("/api/v1/routing-rules");
		break;
	case K_RULE_DELETE: {
		char *b = h_fmt("{\"province\":\"%s\",\"kind\":\"gone-%d\",\"team\":%lld}", prov, n,
				(long long)F.team);
		int64_t id = admin_call("POST", "/api/v1/routing-rules", b, 201);
		free(b);
		c->path = h_fmt("/api/v1/routing-rules/%lld", (long long)id);
		c->readback = h_fmt("/api/v1/routing-rules");
		break;
	}
	case K_REPORT:
		/* before issue 11 a responder could report (and so open) anywhere;
		** low severity: never routed, so the fixture's teams stay as made */
		c->path = h_fmt("/api/v1/reports");
		c->body = h_fmt("{\"org_id\":%lld,\"kind\":\"defacement\",\"key\":\"matrix-%d\","
				"\"severity\":\"low\"}", (long long)org, n);
		c->readback = h_fmt("/api/v1/incidents?org_id=%lld&limit=500", (long long)org);
		break;
	case K_INC_CREATE:
		c->path = h_fmt("/api/v1/incidents");
		c->body = h_fmt("{\"org_id\":%lld,\"title\":\"matrix incident %d\","
				"\"severity\":\"critical\"}", (long long)org, n);
		c->readback = h_fmt("/api/v1/incidents?org_id=%lld&limit=500", (long long)org);
		break;
	case K_INC_PATCH:
		c->path = h_fmt("/api/v1/incidents/%lld", (long long)F.inc[other]);
		c->body = h_fmt("{\"summary\":\"summary %d\"}", n);
		c->readback = h_fmt("/api/v1/incidents/%lld", (long long)F.inc[other]);
		break;
	case K_INC_TRANSITION: {
		int64_t id = fresh_incident(other);
		c->path = h_fmt("/api/v1/incidents/%lld/transitions", (long long)id);
		c->body = h_fmt("{\"to\":\"triaged\"}");
		c->readback = h_fmt("/api/v1/incidents/%lld", (long long)id);
		break;
	}
	case K_INC_ASSIGN: {
		int64_t id = fresh_incident(other);
		c->path = h_fmt("/api/v1/incidents/%lld/assign", (long long)id);
		c->body = h_fmt("{\"team\":%lld}", (long long)F.team);
		c->readback = h_fmt("/api/v1/incidents/%lld", (long long)id);
		break;
	}
	case K_INC_MERGE:
	case K_INC_LINK: {
		int64_t to = fresh_incident(other), id = fresh_incident(other);
		bool merge = ru->kind == K_INC_MERGE;
		c->path = h_fmt("/api/v1/incidents/%lld/%s", (long long)id, merge ? "merge" : "links");
		c->body = h_fmt(merge ? "{\"into\":%lld}" : "{\"incident\":%lld}", (long long)to);
		c->readback = h_fmt("/api/v1/incidents/%lld", (long long)id);
		c->readback2 = h_fmt("/api/v1/incidents/%lld", (long long)to);
		break;
	}
	case K_MSG_CREATE:
		c->path = h_fmt("/api/v1/incidents/%lld/messages", (long long)F.inc[other]);
		c->body = h_fmt("{\"body\":\"matrix message %d\",\"visibility\":\"shared\"}", n);
		c->readback = h_fmt("/api/v1/incidents/%lld/messages", (long long)F.inc[other]);
		break;
	case K_EV_UPLOAD:
		c->path = h_fmt("/api/v1/incidents/%lld/evidence?name=matrix-%d.txt",
				(long long)F.inc[other], n);
		c->body = h_fmt("matrix evidence %d", n);
		c->ctype = "application/octet-stream";
		c->readback = h_fmt("/api/v1/incidents/%lld/evidence", (long long)F.inc[other]);
		break;
	case K_FEED_UPLOAD:
		/* a report of Org A's / Org B's host, new each time */
		c->path = h_fmt("/api/v1/feeds/uploads?type=scan_telnet&name=matrix-%d.csv", n);
		c->body = h_fmt("timestamp,ip,port\n2026-11-27 03:12:45,100.%d.%d.%d,23\n",
				other ? 71 : 70, n / 256 % 256, n % 256);
		c->ctype = "text/csv";
		c->readback = h_fmt("/api/v1/feeds/files?limit=500");
		break;
	case K_SITE_PATCH:
		c->path = h_fmt("/api/v1/sites/%lld", (long long)F.site[other]);
		c->body = h_fmt("{\"interval\":%d,\"enabled\":%s}", 60 + n % 100,
				n % 2 ? "false" : "true");
		c->readback = h_fmt("/api/v1/sites/%lld", (long long)F.site[other]);
		break;
	case K_SITE_ACCEPT:
		c->path = h_fmt("/api/v1/sites/%lld/baseline", (long long)F.site[other]);
		c->readback = h_fmt("/api/v1/sites/%lld", (long long)F.site[other]);
		break;
	case K_SITE_DNS_SET:
		c->path = h_fmt("/api/v1/sites/%lld/dns", (long long)F.site[other]);
		c->body = h_fmt("{\"a\":[\"192.0.2.%d\"]}", 1 + n % 200);
		c->readback = h_fmt("/api/v1/sites/%lld", (long long)F.site[other]);
		break;
	case K_SITE_DNS_DEL:
		/* something declared first, so that a delete would show */
		c->path = h_fmt("/api/v1/sites/%lld/dns", (long long)F.site[other]);
		admin_call("POST", c->path, "{\"a\":[\"192.0.2.250\"]}", 200);
		c->readback = h_fmt("/api/v1/sites/%lld", (long long)F.site[other]);
		break;
	case K_ADV_CREATE:
	case K_ADV_DRAFT_PREVIEW:
		c->path = h_fmt(ru->kind == K_ADV_CREATE ? "/api/v1/advisories"
							 : "/api/v1/advisories/preview");
		c->body = advisory_doc(other, "matrix", n);
		c->readback = h_fmt("/api/v1/advisories?limit=1000");
		break;
	case K_ADV_IMPORT:
		c->path = h_fmt("/api/v1/advisories/import");
		c->body = h_fmt(
			"{\"document\":{\"category\":\"csaf_security_advisory\","
			"\"csaf_version\":\"2.0\",\"publisher\":{\"category\":\"vendor\","
			"\"name\":\"Example Vendor\",\"namespace\":\"https://vendor.example\"},"
			"\"title\":\"attack import %d\",\"tracking\":{\"id\":\"example-attack-%d\","
			"\"status\":\"final\",\"version\":\"1\","
			"\"initial_release_date\":\"2026-12-01T00:00:00Z\","
			"\"current_release_date\":\"2026-12-01T00:00:00Z\","
			"\"revision_history\":[{\"date\":\"2026-12-01T00:00:00Z\",\"number\":\"1\","
			"\"summary\":\"first\"}]}},\"vulnerabilities\":[{\"cve\":\"CVE-2018-0171\"}]}",
			n, n);
		c->readback = h_fmt("/api/v1/advisories?limit=1000");
		break;
	case K_ADV_PUT: {
		int64_t id = fresh_advisory(other, false);
		c->path = h_fmt("/api/v1/advisories/%lld", (long long)id);
		c->body = advisory_doc(other, "rewritten", n);
		c->readback = h_fmt("/api/v1/advisories/%lld", (long long)id);
		c->readback2 = h_fmt("/api/v1/advisories/%lld/history", (long long)id);
		break;
	}
	case K_ADV_EXCLUDE:
	case K_ADV_INCLUDE: {
		int64_t id = fresh_advisory(other, false);
		c->path = h_fmt("/api/v1/advisories/%lld/exclusions/%lld", (long long)id,
				(long long)org);
		if (ru->kind == K_ADV_EXCLUDE)
			c->body = h_fmt("{\"reason\":\"attack %d: not theirs\"}", n);
		else
			admin_call("POST", c->path, "{\"reason\":\"to be put back\"}", 200);
		c->readback = h_fmt("/api/v1/advisories/%lld/preview", (long long)id);
		break;
	}
	case K_ADV_PUBLISH: {
		int64_t id = fresh_advisory(other, false);
		c->path = h_fmt("/api/v1/advisories/%lld/publish", (long long)id);
		/* its status and version (the outbox moves on its own: the
		** notifier sends the fixtures' mail meanwhile) */
		c->readback = h_fmt("/api/v1/advisories/%lld", (long long)id);
		break;
	}
	case K_ADV_TARGET_SET: {
		/* the constituent's acknowledgement, the prize of a forgery */
		int64_t id = fresh_advisory(other, true);
		c->path = h_fmt("/api/v1/advisories/%lld/targets/%lld", (long long)id,
				(long long)org);
		c->body = h_fmt("{\"state\":\"acknowledged\"}");
		c->readback = h_fmt("/api/v1/advisories/%lld/targets", (long long)id);
		break;
	}
	case K_ADV_LINK_USE:
		c->path = h_fmt("/api/v1/advisory-links/not-a-token-%d", n);
		break;
	case K_IND_CREATE:
		c->path = h_fmt("/api/v1/indicators");
		c->body = h_fmt("{\"type\":\"domain\",\"value\":\"attack-%d.example\","
				"\"tlp\":\"amber\",\"org_id\":%lld}",
				n, (long long)org);
		c->readback = h_fmt("/api/v1/indicators?limit=1000");
		break;
	case K_IND_PATCH:
	case K_IND_DELETE: {
		/* the prize: a TLP raised to CLEAR (shared with everyone), or
		** an indicator withdrawn from every blocklist */
		int64_t id = fresh_indicator(other);
		c->path = h_fmt("/api/v1/indicators/%lld", (long long)id);
		if (ru->kind == K_IND_PATCH)
			c->body = h_fmt("{\"tlp\":\"clear\",\"confidence\":%d}", n % 101);
		c->readback = h_fmt("/api/v1/indicators/%lld", (long long)id);
		break;
	}
	case K_IND_CONS_CREATE:
		c->path = h_fmt("/api/v1/indicator-consumers");
		c->body = h_fmt("{\"name\":\"attack-%d\",\"format\":\"rpz\",\"member\":true,"
				"\"strict\":true}", n);
		c->readback = h_fmt("/api/v1/indicator-consumers");
		break;
	case K_IND_CONS_PATCH:
	case K_IND_CONS_DELETE:
	case K_IND_CONS_ROTATE: {
		/* a fresh consumer each time: what a forged write would widen
		** (a member and strict mark: TLP:AMBER+STRICT to a stranger) */
		char *b = h_fmt("{\"name\":\"attack-victim-%d\",\"format\":\"csv\"}", n);
		int64_t id = admin_call("POST", "/api/v1/indicator-consumers", b, 201);
		free(b);
		c->path = h_fmt(ru->kind == K_IND_CONS_ROTATE ? "/api/v1/indicator-consumers/%lld/rotate"
							      : "/api/v1/indicator-consumers/%lld",
				(long long)id);
		if (ru->kind == K_IND_CONS_PATCH)
			c->body = h_fmt("{\"member\":true,\"strict\":true,\"format\":\"json\"}");
		c->readback = h_fmt("/api/v1/indicator-consumers");
		break;
	}
	case K_APP_SUBMIT:
		/* a new file each time: it opens as a ZIP and ends short */
		c->path = h_fmt("/api/v1/apps");
		c->body = h_fmt("PK\003\004 attack app %d", n);
		c->ctype = "application/vnd.android.package-archive";
		c->readback = h_fmt("/api/v1/apps?limit=1000");
		break;
	case K_APP_CONFIRM:
		/* the prize: an app indicator listed, a candidate unblocked */
		c->path = h_fmt("/api/v1/apps/%lld/confirm", (long long)F.app);
		c->body = h_fmt("{\"candidates\":[\"https://evil-c2.example.ir/gate.php?id=1\"],"
				"\"reason\":\"attack %d\"}",
				n);
		c->readback = h_fmt("/api/v1/apps/%lld", (long long)F.app);
		break;
	case K_APP_BENIGN: {
		/* a malicious app taken off the blacklist */
		char *p = h_fmt("/api/v1/apps/%lld/confirm", (long long)F.app);
		admin_call("POST", p, NULL, 200);
		free(p);
		c->path = h_fmt("/api/v1/apps/%lld/benign", (long long)F.app);
		c->readback = h_fmt("/api/v1/apps/%lld", (long long)F.app);
		break;
	}
	case K_IND_IMPORT:
		/* a fresh RFC 1918 address: held, so the hold queue shows it */
		c->path = h_fmt("/api/v1/indicators/import?format=plain");
		c->body = h_fmt("10.78.%d.%d\n", n / 250 % 250, n % 250);
		c->readback = h_fmt("/api/v1/warninglists/held?limit=1000");
		break;
	case K_IND_CONFIRM:
	case K_IND_REJECT: {
		char *b = h_fmt("10.79.%d.%d\n", n / 250 % 250, n % 250);
		struct h_resp r;
		h_http(&F.srv, &r, "POST", "/api/v1/indicators/import?format=plain", &F.admin, b);
		json_t *it = r.json ? json_array_get(json_object_get(r.json, "items"), 0) : NULL;
		int64_t id = it ? h_jint(it, "id") : 0;
		if (r.status != 200 || !id)
			fail_msg("fixture held indicator: HTTP %ld %s", r.status, r.body);
		h_resp_free(&r);
		free(b);
		c->path = h_fmt("/api/v1/indicators/%lld/%s", (long long)id,
				ru->kind == K_IND_CONFIRM ? "confirm" : "reject");
		c->readback = h_fmt("/api/v1/warninglists/held?limit=1000");
		break;
	}
	}
}

static void cell_free(struct cell *c)
{
	free(c->path);
	free(c->body);
	free(c->readback);
	free(c->readback2);
}

/* The body of a GET (the whole answer, status included), malloc'd. */
static char *snapshot(const char *path, const struct h_cred *cred)
{
	if (!path)
		return h_fmt("-");
	struct h_resp r;
	h_http(&F.srv, &r, "GET", path, cred, NULL);
	/* a read-back that fails would compare equal and prove nothing */
	if (r.status != 200)
		fail_msg("read-back GET %s: HTTP %ld %s", path, r.status, r.body);
	char *s = h_fmt("%ld %s", r.status, r.body ? r.body : "");
	h_resp_free(&r);
	return s;
}

/* The credentials of caller w in a pass (the narrowed tokens and anonymous
** have one pass only; NULL when the pass does not apply). */
static bool cred_of(int w, enum pass pass, struct h_cred *c)
{
	memset(c, 0, sizeof(*c));
	if (w == W_ANON)
		return pass == P_SESSION;
	if (w == W_ORGTOK || w == W_PROVTOK) {
		c->token = w == W_ORGTOK ? F.orgtok : F.provtok;
		return pass == P_TOKEN;
	}
	if (pass == P_SESSION) {
		c->cookie = F.cookie[w];
		c->csrf = F.csrf[w];
	} else {
		c->token = pass == P_TOKEN ? F.tok[w] : F.rotok[w];
	}
	return true;
}

static bool allowed(const struct wrule *ru, int w, bool other, enum pass pass)
{
	if (ru->flags & F_PUBLIC)
		return true;
	if (w == W_ANON || pass == P_READONLY)
		return false;
	if ((ru->flags & F_SESSION_ONLY) && pass != P_SESSION)
		return false;
	return ((other ? ru->other : ru->own) >> w) & 1u;
}

static const struct wrule *wrule_for(const struct route *rt)
{
	for (size_t i = 0; i < NWRULES; i++)
		if (strcmp(wrules[i].method, rt->method) == 0 &&
		    strcmp(wrules[i].pattern, rt->pattern) == 0)
			return &wrules[i];
	return NULL;
}

/* Put back what an allowed cell changed that later cells rely on. */
static void after(const struct wrule *ru, int w, enum pass pass, long status)
{
	if (ru->kind == K_LOGOUT && pass == P_SESSION && status < 300)
		h_login(&F.srv, login_of[w], PW, F.cookie[w], F.csrf[w]);
}

static void run_matrix(enum pass pass)
{
	char *report = NULL;
	size_t rlen = 0;
	FILE *rep = open_memstream(&report, &rlen);
	int failures = 0, refused = 0, cells = 0;
	for (size_t i = 0; http_routes[i].pattern; i++) {
		const struct route *rt = &http_routes[i];
		if (!unsafe(rt->method))
			continue;
		const struct wrule *ru = wrule_for(rt);
		if (!ru) {
			fprintf(rep, "unsafe route %s %s has no expectation in test_attack_authz.c\n",
				rt->method, rt->pattern);
			failures++;
			continue;
		}
		for (int w = 0; w < NWHO; w++) {
			struct h_cred cred;
			if (!cred_of(w, pass, &cred))
				continue;
			for (int other = 0; other < 2; other++) {
				struct cell c;
				build(ru, w, other, &c);
				if (c.self_readback && w == W_ANON) {
					/* no self to read back: the audit log tells */
					free(c.readback);
					c.readback = NULL;
				}
				bool ok = allowed(ru, w, other, pass);
				cells++;
				const struct h_cred *rb = c.self_readback ? &cred : &F.admin;
				char *before = snapshot(c.readback, rb);
				char *before2 = snapshot(c.readback2, &F.admin);
				int64_t audit0 = h_audit_count(&F.srv, &F.admin);
				struct h_resp r;
				if (c.ctype)
					h_http_ex(&F.srv, &r, ru->method, c.path, &cred, c.ctype,
						  c.body, strlen(c.body), false, NULL);
				else
					h_http(&F.srv, &r, ru->method, c.path, &cred, c.body);
				const char *why = NULL;
				if (ok) {
					bool pass_ok = ru->ok ? r.status == ru->ok
							      : r.status >= 200 && r.status < 300;
					if (!pass_ok)
						why = "allowed, yet refused";
				} else {
					refused++;
					char *after_ = snapshot(c.readback, rb);
					char *after2 = snapshot(c.readback2, &F.admin);
					if (r.status != 400 && r.status != 401 && r.status != 403 &&
					    r.status != 404)
						why = "not refused";
					else if (h_audit_count(&F.srv, &F.admin) != audit0)
						why = "refused, yet the audit log grew";
					else if (strcmp(before, after_) != 0 ||
						 strcmp(before2, after2) != 0)
						why = "refused, yet the object changed";
					free(after_);
					free(after2);
				}
				if (why) {
					fprintf(rep, "%s %s as %s (%s, %s): %s: HTTP %ld %.200s\n",
						ru->method, c.path, who_name[w],
						other ? "other" : "own", pass_name[pass], why,
						r.status, r.body ? r.body : "");
					failures++;
				}
				after(ru, w, pass, r.status);
				h_resp_free(&r);
				free(before);
				free(before2);
				cell_free(&c);
			}
		}
	}
	fclose(rep);
	if (failures) {
		fprintf(stderr, "%d write cell(s) wrong:\n%s", failures, report);
		free(report);
		fail_msg("write matrix (%s): %d failure(s)", pass_name[pass], failures);
	}
	free(report);
	printf("write matrix (%s): %d cells, %d refused and unchanged\n", pass_name[pass], cells,
	       refused);
	/* the matrix did refuse writes (and so checked they changed nothing) */
	assert_true(refused > 0);
}

static void test_write_matrix_sessions(void **state)
{
	(void)state;
	run_matrix(P_SESSION);
}

/* Bearer tokens, including the admin's org- and province-narrowed ones. */
static void test_write_matrix_tokens(void **state)
{
	(void)state;
	run_matrix(P_TOKEN);
}

static void test_write_matrix_readonly_tokens(void **state)
{
	(void)state;
	run_matrix(P_READONLY);
}

/* Every expectation names a route of the table, once. */
static void test_every_unsafe_route_has_expectations(void **state)
{
	(void)state;
	size_t unsafe_routes = 0;
	for (size_t i = 0; http_routes[i].pattern; i++) {
		if (!unsafe(http_routes[i].method))
			continue;
		unsafe_routes++;
		if (!wrule_for(&http_routes[i]))
			fail_msg("unsafe route %s %s has no expectation", http_routes[i].method,
				 http_routes[i].pattern);
	}
	for (size_t k = 0; k < NWRULES; k++) {
		int found = 0;
		for (size_t i = 0; http_routes[i].pattern; i++)
			found += strcmp(wrules[k].method, http_routes[i].method) == 0 &&
				 strcmp(wrules[k].pattern, http_routes[i].pattern) == 0;
		if (found != 1)
			fail_msg("expectation %s %s matches %d routes", wrules[k].method,
				 wrules[k].pattern, found);
	}
	assert_int_equal(unsafe_routes, NWRULES);
}

/* The escalation the narrowing must stop: an admin's token narrowed to one
** organisation creates an admin user (then logs in as it, unnarrowed). */
static void test_narrowed_admin_token_cannot_escape(void **state)
{
	(void)state;
	struct h_cred o = { F.orgtok, NULL, NULL };
	int64_t victim = fresh_token_id("analyst");
	int64_t audit0 = h_audit_count(&F.srv, &F.admin);
	struct h_resp r;
	h_http(&F.srv, &r, "POST", "/api/v1/users", &o,
	       "{\"login\":\"escaped\",\"role\":\"admin\",\"password\":\"" PW "\"}");
	H_PROBLEM(&r, 403, NULL);
	H_CONTAINS(r.body, "narrowed");
	h_resp_free(&r);
	/* nor reads the national lists of admin work */
	static const char *const national[] = { "/api/v1/users", "/api/v1/audit",
						"/api/v1/audit/verify", "/api/v1/outbox" };
	for (size_t k = 0; k < sizeof(national) / sizeof(national[0]); k++) {
		h_http(&F.srv, &r, "GET", national[k], &o, NULL);
		H_PROBLEM(&r, 403, NULL);
		h_resp_free(&r);
	}
	/* nor reads every user's tokens, nor revokes another user's */
	h_http(&F.srv, &r, "GET", "/api/v1/tokens?all=1", &o, NULL);
	H_STATUS(&r, 200);
	json_t *items = json_object_get(r.json, "items");
	for (size_t k = 0; k < json_array_size(items); k++)
		assert_int_equal(h_jint(json_array_get(items, k), "user"), F.uid[W_ADMIN]);
	h_resp_free(&r);
	h_httpf(&F.srv, &r, "DELETE", &o, NULL, "/api/v1/tokens/%lld", (long long)victim);
	H_PROBLEM(&r, 404, NULL);
	h_resp_free(&r);
	assert_int_equal(h_audit_count(&F.srv, &F.admin), audit0);
	struct h_proc p;
	h_cli(&p, F.dir, NULL, "user", "list", NULL);
	assert_int_equal(p.status, 0);
	assert_null(strstr(p.out, "escaped"));
	h_proc_free(&p);
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_unsafe_route_has_expectations),
		cmocka_unit_test(test_narrowed_admin_token_cannot_escape),
		cmocka_unit_test(test_write_matrix_sessions),
		cmocka_unit_test(test_write_matrix_tokens),
		cmocka_unit_test(test_write_matrix_readonly_tokens),
	};
	return cmocka_run_group_tests_name("attack_authz", tests, setup, teardown);
}
