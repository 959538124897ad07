/*
** test_rbac.c — the access-control matrix: every route of the server's own
** table (http_routes[], linked in, so a new route without an expectation
** here fails) x every role (admin, analyst, provincial analyst of Tehran,
** responder, constituent of Org A, anonymous) x a target inside or outside
** the caller's organisation/province.
**
** The expectations below are written out by hand from the design (who may
** do what), not derived from the route table's role masks: a change to the
** table that widens access must fail here. Outcomes: 2xx allowed; 400/409
** where the handler itself must refuse; 403 role (or read-only token)
** denied; 401 anonymous; 404 object outside the caller's scope. Every
** refused request must also leave the audit log unchanged, and a 404 must
** not name the hidden organisation.
**
** The matrix runs three times: with browser sessions (cookie + CSRF), with
** bearer tokens, and with read-only bearer tokens.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"
#include "harness.h"
#include "http/http.h"

enum { R_ADMIN, R_ANALYST, R_PROV, R_RESP, R_CONS, R_ANON, NROLES };
static const char *role_name[NROLES] = { "admin", "analyst", "provincial", "responder",
					 "constituent", "anonymous" };
static const char *login_of[NROLES] = { "admin", "analyst", "prov", "resp", "cons", NULL };
#define PW "rbac-password-1"

enum kind {
	K_INDEX, K_UI, K_HEALTHZ, K_METRICS, K_LOGIN, K_WHOAMI, K_LOGOUT, K_PASSWORD, K_PROVINCES,
	K_ORG_LIST, K_ORG_CREATE, K_ORG_GET, K_ORG_PATCH, K_ORG_DELETE, K_ASSET_LIST,
	K_ASSET_CREATE, K_ASSET_DELETE, K_CONTACT_LIST, K_CONTACT_CREATE, K_CONTACT_DELETE,
	K_LOOKUP, K_USER_LIST, K_USER_CREATE, K_USER_DELETE, K_TEAM_LIST, K_TEAM_CREATE,
	K_MEMBER_ADD, K_MEMBER_DEL, K_TOKEN_LIST, K_TOKEN_CREATE, K_TOKEN_REVOKE, K_AUDIT,
	K_AUDIT_VERIFY, K_TEAM_LEAD, K_ROTA_ADD, K_ONCALL, K_RULE_LIST, K_RULE_CREATE,
	K_RULE_DELETE, K_REPORT, K_INC_LIST, K_INC_CREATE, K_INC_GET, K_INC_PATCH,
	K_INC_TRANSITION, K_INC_HISTORY, K_INC_ASSIGN, K_INC_MERGE, K_INC_LINK, K_MSG_LIST,
	K_MSG_CREATE, K_OBS_LIST, K_EV_LIST, K_EV_UPLOAD, K_EV_DOWNLOAD, K_OUTBOX,
	K_SITE_LIST, K_SITE_GET, K_SITE_PATCH, K_SITE_CHECKS, K_SITE_ACCEPT, K_SITE_POSTURE,
	K_ORG_POSTURE, K_SITE_DNS_SET, K_SITE_DNS_DEL, K_FEED_UPLOAD, K_FEED_FILES, K_FEED_FILE,
	K_FEED_UNOWNED, K_STATS, K_ORG_DIGESTS, K_PREFS, K_USER_PATCH,
	K_WATCH_SERVICES,
	K_ADV_LIST, K_ADV_CREATE, K_ADV_IMPORT, K_ADV_DRAFT_PREVIEW, K_ADV_GET, K_ADV_PUT,
	K_ADV_HISTORY, K_ADV_CSAF, K_ADV_PREVIEW, K_ADV_EXCLUDE, K_ADV_INCLUDE, K_ADV_PUBLISH,
	K_ADV_TARGETS, K_ADV_TARGET_SET, K_ADV_LINK_SHOW, K_ADV_LINK_USE,
	K_IND_LIST, K_IND_CREATE, K_IND_GET, K_IND_PATCH, K_IND_DELETE, K_IND_SIGHTINGS,
	K_IND_POLL, K_IND_EXPORT, K_IND_CONS_LIST, K_IND_CONS_CREATE, K_IND_CONS_GET,
	K_IND_CONS_PATCH, K_IND_CONS_DELETE, K_IND_CONS_ROTATE,
	K_APP_SUBMIT, K_APP_LIST, K_APP_DIFF, K_APP_GET, K_APP_CONFIRM, K_APP_BENIGN, K_APP_TAKEDOWN,
	K_IND_IMPORT, K_IND_CONFIRM, K_IND_REJECT, K_WL_SHOW, K_WL_HELD,
	K_FLOW_TOP, K_FLOW_ATTACKS, K_FLOW_HISTORY,
};

/* Expected status per role, {own, other}: own = Org A / Tehran / the caller's
** own token; other = Org B / Fars / someone else's token. Role order:
** admin, analyst, provincial(Tehran), responder, constituent(Org A), anon.
** For incidents, own = an incident of Org A (Tehran) assigned to the team the
** responder belongs to; other = an incident of Org B (Fars) with no team. */
struct rule {
	const char *method, *pattern;
	enum kind kind;
	int exp[NROLES][2];
};

#define ALL2(c) { c, c }
#define PUBLIC(c) { ALL2(c), ALL2(c), ALL2(c), ALL2(c), ALL2(c), ALL2(c) }
#define PUBLIC_AUTH(c) { ALL2(c), ALL2(c), ALL2(c), ALL2(c), ALL2(c), ALL2(401) }

static const struct rule rules[] = {
	{ "GET", "/", K_INDEX, PUBLIC(200) },
	/* own: an existing asset; other: a missing one (the handler's 404). */
	{ "GET", "/ui/{file}", K_UI,
	  { { 200, 404 }, { 200, 404 }, { 200, 404 }, { 200, 404 }, { 200, 404 }, { 200, 404 } } },
	{ "GET", "/healthz", K_HEALTHZ, PUBLIC(200) },
	/* national counts: national staff only (Prometheus reads the
	** separate metrics listener, test_attack_http) */
	{ "GET", "/metrics", K_METRICS,
	  { ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "POST", "/api/v1/session", K_LOGIN, PUBLIC(201) },
	{ "GET", "/api/v1/session", K_WHOAMI,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(200), ALL2(200), ALL2(401) } },
	{ "DELETE", "/api/v1/session", K_LOGOUT,
	  { ALL2(204), ALL2(204), ALL2(204), ALL2(204), ALL2(204), ALL2(401) } },
	/* Everyone changes their own password (own: a good new password; other:
	** one too short, which the handler must refuse). Sessions only. */
	{ "POST", "/api/v1/session/password", K_PASSWORD,
	  { { 204, 400 }, { 204, 400 }, { 204, 400 }, { 204, 400 }, { 204, 400 }, ALL2(401) } },
	{ "GET", "/api/v1/provinces", K_PROVINCES,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(200), ALL2(200), ALL2(401) } },
	/* Lists are scoped by the handler; their contents are checked below. */
	{ "GET", "/api/v1/orgs", K_ORG_LIST,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(200), ALL2(200), ALL2(401) } },
	{ "POST", "/api/v1/orgs", K_ORG_CREATE,
	  { { 201, 201 }, { 201, 201 }, { 201, 403 }, ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/orgs/{id}", K_ORG_GET,
	  { { 200, 200 }, { 200, 200 }, { 200, 404 }, { 200, 200 }, { 200, 404 }, ALL2(401) } },
	{ "PATCH", "/api/v1/orgs/{id}", K_ORG_PATCH,
	  { { 200, 200 }, { 200, 200 }, { 200, 404 }, ALL2(403), ALL2(403), ALL2(401) } },
	{ "DELETE", "/api/v1/orgs/{id}", K_ORG_DELETE,
	  { { 204, 204 }, { 204, 204 }, { 204, 404 }, ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/orgs/{id}/assets", K_ASSET_LIST,
	  { { 200, 200 }, { 200, 200 }, { 200, 404 }, { 200, 200 }, { 200, 404 }, ALL2(401) } },
	{ "POST", "/api/v1/orgs/{id}/assets", K_ASSET_CREATE,
	  { { 201, 201 }, { 201, 201 }, { 201, 404 }, ALL2(403), ALL2(403), ALL2(401) } },
	{ "DELETE", "/api/v1/orgs/{id}/assets/{asset}", K_ASSET_DELETE,
	  { { 204, 204 }, { 204, 204 }, { 204, 404 }, ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/orgs/{id}/contacts", K_CONTACT_LIST,
	  { { 200, 200 }, { 200, 200 }, { 200, 404 }, { 200, 200 }, { 200, 404 }, ALL2(401) } },
	/* A constituent maintains its own organisation's contacts. */
	{ "POST", "/api/v1/orgs/{id}/contacts", K_CONTACT_CREATE,
	  { { 201, 201 }, { 201, 201 }, { 201, 404 }, ALL2(403), { 201, 404 }, ALL2(401) } },
	{ "DELETE", "/api/v1/orgs/{id}/contacts/{contact}", K_CONTACT_DELETE,
	  { { 204, 204 }, { 204, 204 }, { 204, 404 }, ALL2(403), { 204, 404 }, ALL2(401) } },
	/* Who owns an address is CERT-internal; provincial answers are scoped. */
	{ "GET", "/api/v1/lookup", K_LOOKUP,
	  { { 200, 200 }, { 200, 200 }, { 200, 404 }, { 200, 200 }, ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/users", K_USER_LIST,
	  { ALL2(200), ALL2(403), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "POST", "/api/v1/users", K_USER_CREATE,
	  { ALL2(201), ALL2(403), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "DELETE", "/api/v1/users/{id}", K_USER_DELETE,
	  { ALL2(204), ALL2(403), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	/* Disabling and enabling users is admin work (own: disable, other:
	** enable, each a fresh user). */
	{ "PATCH", "/api/v1/users/{id}", K_USER_PATCH,
	  { ALL2(200), ALL2(403), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/teams", K_TEAM_LIST,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(200), ALL2(403), ALL2(401) } },
	{ "POST", "/api/v1/teams", K_TEAM_CREATE,
	  { ALL2(201), ALL2(403), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "POST", "/api/v1/teams/{id}/members", K_MEMBER_ADD,
	  { ALL2(204), ALL2(403), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "DELETE", "/api/v1/teams/{id}/members/{user}", K_MEMBER_DEL,
	  { ALL2(204), ALL2(403), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/tokens", K_TOKEN_LIST,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(200), ALL2(200), ALL2(401) } },
	/* A token narrowed to an org outside one's scope would widen it: 400,
	** the answer a missing organisation gets (no existence oracle). */
	{ "POST", "/api/v1/tokens", K_TOKEN_CREATE,
	  { { 201, 201 }, { 201, 201 }, { 201, 400 }, { 201, 201 }, { 201, 400 }, ALL2(401) } },
	/* Someone else's token is invisible (404), except to an admin. */
	{ "DELETE", "/api/v1/tokens/{id}", K_TOKEN_REVOKE,
	  { { 204, 204 }, { 204, 404 }, { 204, 404 }, { 204, 404 }, { 204, 404 }, ALL2(401) } },
	{ "GET", "/api/v1/audit", K_AUDIT,
	  { ALL2(200), ALL2(403), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/audit/verify", K_AUDIT_VERIFY,
	  { ALL2(200), ALL2(403), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	/* Teams' leads, rotas and routing rules are admin work; who is on call
	** and how incidents are routed is for all CERT staff to read. */
	{ "POST", "/api/v1/teams/{id}", K_TEAM_LEAD,
	  { ALL2(204), ALL2(403), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "POST", "/api/v1/teams/{id}/rota", K_ROTA_ADD,
	  { ALL2(201), ALL2(403), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/teams/{id}/oncall", K_ONCALL,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(200), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/routing-rules", K_RULE_LIST,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(200), ALL2(403), ALL2(401) } },
	{ "POST", "/api/v1/routing-rules", K_RULE_CREATE,
	  { ALL2(201), ALL2(403), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "DELETE", "/api/v1/routing-rules/{id}", K_RULE_DELETE,
	  { ALL2(204), ALL2(403), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	/* Reports come from detectors and staff. An organisation outside a
	** provincial analyst's province is "not found" to it: the handler's 400
	** on org_id, the same answer as for an organisation that does not exist,
	** so its existence does not leak. A detector's token is a token of an
	** analyst's or admin's account; responders work their teams' incidents
	** and report nothing (issue 11). */
	{ "POST", "/api/v1/reports", K_REPORT,
	  { ALL2(201), ALL2(201), { 201, 400 }, ALL2(403), ALL2(403), ALL2(401) } },
	/* The list is scoped by the handler; its contents are checked below. */
	{ "GET", "/api/v1/incidents", K_INC_LIST,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(200), ALL2(200), ALL2(401) } },
	/* Opening an incident within one's scope: a constituent for its own
	** organisation, a provincial analyst in its province; an organisation
	** outside one's scope gets 400, as a missing one. Not a responder: it
	** works the incidents its team is given (issue 11). */
	{ "POST", "/api/v1/incidents", K_INC_CREATE,
	  { ALL2(201), ALL2(201), { 201, 400 }, ALL2(403), { 201, 400 }, ALL2(401) } },
	/* Reading an incident and its parts: 404 outside one's scope. */
	{ "GET", "/api/v1/incidents/{id}", K_INC_GET,
	  { ALL2(200), ALL2(200), { 200, 404 }, { 200, 404 }, { 200, 404 }, ALL2(401) } },
	/* Working the incident (edit, state, assignment, merge, links) is for
	** CERT staff within their scope; the constituent talks in the thread. */
	{ "PATCH", "/api/v1/incidents/{id}", K_INC_PATCH,
	  { ALL2(200), ALL2(200), { 200, 404 }, { 200, 404 }, ALL2(403), ALL2(401) } },
	{ "POST", "/api/v1/incidents/{id}/transitions", K_INC_TRANSITION,
	  { ALL2(200), ALL2(200), { 200, 404 }, { 200, 404 }, ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/incidents/{id}/transitions", K_INC_HISTORY,
	  { ALL2(200), ALL2(200), { 200, 404 }, { 200, 404 }, { 200, 404 }, ALL2(401) } },
	{ "POST", "/api/v1/incidents/{id}/assign", K_INC_ASSIGN,
	  { ALL2(200), ALL2(200), { 200, 404 }, { 200, 404 }, ALL2(403), ALL2(401) } },
	{ "POST", "/api/v1/incidents/{id}/merge", K_INC_MERGE,
	  { ALL2(200), ALL2(200), { 200, 404 }, { 200, 404 }, ALL2(403), ALL2(401) } },
	{ "POST", "/api/v1/incidents/{id}/links", K_INC_LINK,
	  { ALL2(204), ALL2(204), { 204, 404 }, { 204, 404 }, ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/incidents/{id}/messages", K_MSG_LIST,
	  { ALL2(200), ALL2(200), { 200, 404 }, { 200, 404 }, { 200, 404 }, ALL2(401) } },
	/* A shared message: the constituent answers its own organisation. */
	{ "POST", "/api/v1/incidents/{id}/messages", K_MSG_CREATE,
	  { ALL2(201), ALL2(201), { 201, 404 }, { 201, 404 }, { 201, 404 }, ALL2(401) } },
	{ "GET", "/api/v1/incidents/{id}/observations", K_OBS_LIST,
	  { ALL2(200), ALL2(200), { 200, 404 }, { 200, 404 }, { 200, 404 }, ALL2(401) } },
	{ "GET", "/api/v1/incidents/{id}/evidence", K_EV_LIST,
	  { ALL2(200), ALL2(200), { 200, 404 }, { 200, 404 }, { 200, 404 }, ALL2(401) } },
	/* Shared evidence: the constituent uploads for its own organisation. */
	{ "POST", "/api/v1/incidents/{id}/evidence", K_EV_UPLOAD,
	  { ALL2(201), ALL2(201), { 201, 404 }, { 201, 404 }, { 201, 404 }, ALL2(401) } },
	{ "GET", "/api/v1/incidents/{id}/evidence/{evidence}", K_EV_DOWNLOAD,
	  { ALL2(200), ALL2(200), { 200, 404 }, { 200, 404 }, { 200, 404 }, ALL2(401) } },
	/* Notifications name recipients across organisations: admin only. */
	{ "GET", "/api/v1/outbox", K_OUTBOX,
	  { ALL2(200), ALL2(403), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	/* Watched websites: own = Org A's site, other = Org B's. A constituent
	** sees its own; configuring and accepting a baseline is analysts' work
	** (admin, analyst, provincial in its province), not a responder's. No page has been fetched in the fixture, so an allowed accept
	** is the handler's 409. */
	{ "GET", "/api/v1/sites", K_SITE_LIST,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(200), ALL2(200), ALL2(401) } },
	{ "GET", "/api/v1/sites/{id}", K_SITE_GET,
	  { ALL2(200), ALL2(200), { 200, 404 }, ALL2(200), { 200, 404 }, ALL2(401) } },
	{ "PATCH", "/api/v1/sites/{id}", K_SITE_PATCH,
	  { ALL2(200), ALL2(200), { 200, 404 }, ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/sites/{id}/checks", K_SITE_CHECKS,
	  { ALL2(200), ALL2(200), { 200, 404 }, ALL2(200), { 200, 404 }, ALL2(401) } },
	{ "POST", "/api/v1/sites/{id}/baseline", K_SITE_ACCEPT,
	  { ALL2(409), ALL2(409), { 409, 404 }, ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/sites/{id}/posture", K_SITE_POSTURE,
	  { ALL2(200), ALL2(200), { 200, 404 }, ALL2(200), { 200, 404 }, ALL2(401) } },
	/* Declaring a site's expected DNS answers is analysts' work. */
	{ "POST", "/api/v1/sites/{id}/dns", K_SITE_DNS_SET,
	  { ALL2(200), ALL2(200), { 200, 404 }, ALL2(403), ALL2(403), ALL2(401) } },
	{ "DELETE", "/api/v1/sites/{id}/dns", K_SITE_DNS_DEL,
	  { ALL2(200), ALL2(200), { 200, 404 }, ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/orgs/{id}/posture", K_ORG_POSTURE,
	  { ALL2(200), ALL2(200), { 200, 404 }, ALL2(200), { 200, 404 }, ALL2(401) } },
	/* Report feeds are the CERT's national intake and their lists national
	** lists (files carry every province's hosts): admins and national
	** analysts only, not a provincial analyst (issue 11, item 3). Tokens
	** narrowed to an organisation or province are refused on every feed
	** route: test_narrowed_tokens_on_feed_routes. */
	{ "POST", "/api/v1/feeds/uploads", K_FEED_UPLOAD,
	  { ALL2(201), ALL2(201), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/feeds/files", K_FEED_FILES,
	  { ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/feeds/files/{id}", K_FEED_FILE,
	  { ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/feeds/unowned", K_FEED_UNOWNED,
	  { ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	/* The dashboard: everyone, counted within their own scope. */
	{ "GET", "/api/v1/stats", K_STATS, PUBLIC_AUTH(200) },
	/* Everyone sets their own preferences, and only their own. */
	{ "PATCH", "/api/v1/session", K_PREFS, PUBLIC_AUTH(200) },
	{ "GET", "/api/v1/orgs/{id}/digests", K_ORG_DIGESTS,
	  { ALL2(200), ALL2(200), { 200, 404 }, ALL2(200), { 200, 404 }, ALL2(401) } },
	/* The well-known services list is reference data, the same for all,
	** read with the watched websites (a constituent's site page names
	** them): every signed-in user, nobody anonymous. */
	{ "GET", "/api/v1/watch/services", K_WATCH_SERVICES, PUBLIC_AUTH(200) },
	/* Advisories (issue 14): own = a published advisory that targets Org A
	** (Tehran), other = one that targets Org B (Fars). Writing and
	** publishing act for the whole country: admins and national analysts
	** only. Advisories are read by all staff; a constituent reads those
	** that target its organisation (another's is absent: 404). Who is
	** targeted and how each answered (preview, tracking) is for the CERT's
	** analysts, a provincial one seeing its province's targets (a list, so
	** 200 on both). A target's state: staff in scope, and the constituent
	** for its own organisation. */
	{ "GET", "/api/v1/advisories", K_ADV_LIST, PUBLIC_AUTH(200) },
	{ "POST", "/api/v1/advisories", K_ADV_CREATE,
	  { ALL2(201), ALL2(201), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "POST", "/api/v1/advisories/import", K_ADV_IMPORT,
	  { ALL2(201), ALL2(201), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "POST", "/api/v1/advisories/preview", K_ADV_DRAFT_PREVIEW,
	  { ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/advisories/{id}", K_ADV_GET,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(200), { 200, 404 }, ALL2(401) } },
	{ "PUT", "/api/v1/advisories/{id}", K_ADV_PUT,
	  { ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/advisories/{id}/history", K_ADV_HISTORY,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(200), { 200, 404 }, ALL2(401) } },
	{ "GET", "/api/v1/advisories/{id}/csaf", K_ADV_CSAF,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(200), { 200, 404 }, ALL2(401) } },
	{ "GET", "/api/v1/advisories/{id}/preview", K_ADV_PREVIEW,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(401) } },
	{ "POST", "/api/v1/advisories/{id}/exclusions/{org}", K_ADV_EXCLUDE,
	  { ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "DELETE", "/api/v1/advisories/{id}/exclusions/{org}", K_ADV_INCLUDE,
	  { ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "POST", "/api/v1/advisories/{id}/publish", K_ADV_PUBLISH,
	  { ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/advisories/{id}/targets", K_ADV_TARGETS,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(401) } },
	/* "read" each time: the first moves the target on, the others are the
	** no-op of setting the state it has */
	{ "POST", "/api/v1/advisories/{id}/targets/{org}", K_ADV_TARGET_SET,
	  { ALL2(200), ALL2(200), { 200, 404 }, ALL2(403), { 200, 404 }, ALL2(401) } },
	/* A mail's signed link works without logging in. The matrix sends a
	** tampered token (own: a signature that does not match, other: not a
	** token at all): 400 for everyone. Real links: test_advisory_links. */
	{ "GET", "/api/v1/advisory-links/{token}", K_ADV_LINK_SHOW, PUBLIC(400) },
	{ "POST", "/api/v1/advisory-links/{token}", K_ADV_LINK_USE, PUBLIC(400) },
	/* Indicators (issue 15): own = a TLP:AMBER indicator concerning Org A,
	** other = one concerning Org B. Every signed-in role reads, a
	** constituent what TLP lets it see (Org B's AMBER: 404, as absent);
	** the registry is national, written by CERT analysts (admin, analyst,
	** provincial), not responders or constituents. */
	{ "GET", "/api/v1/indicators", K_IND_LIST, PUBLIC_AUTH(200) },
	{ "POST", "/api/v1/indicators", K_IND_CREATE,
	  { ALL2(201), ALL2(201), ALL2(201), ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/indicators/{id}", K_IND_GET,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(200), { 200, 404 }, ALL2(401) } },
	{ "PATCH", "/api/v1/indicators/{id}", K_IND_PATCH,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(401) } },
	{ "DELETE", "/api/v1/indicators/{id}", K_IND_DELETE,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/indicators/{id}/sightings", K_IND_SIGHTINGS,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(200), { 200, 404 }, ALL2(401) } },
	/* Indicator exports (issue 15). A consumer polls with its own token:
	** a user's session or API token is no consumer's (401 for everyone;
	** real consumers: test_indicator_consumers). Staff download exports;
	** choosing who receives the country's indicators, and under which
	** TLP, is national work (a provincial analyst, a responder and a
	** constituent are refused). */
	{ "GET", "/api/v1/export/indicators", K_IND_POLL, PUBLIC(401) },
	{ "GET", "/api/v1/indicators/export", K_IND_EXPORT,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(200), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/indicator-consumers", K_IND_CONS_LIST,
	  { ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "POST", "/api/v1/indicator-consumers", K_IND_CONS_CREATE,
	  { ALL2(201), ALL2(201), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/indicator-consumers/{id}", K_IND_CONS_GET,
	  { ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "PATCH", "/api/v1/indicator-consumers/{id}", K_IND_CONS_PATCH,
	  { ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "DELETE", "/api/v1/indicator-consumers/{id}", K_IND_CONS_DELETE,
	  { ALL2(204), ALL2(204), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	{ "POST", "/api/v1/indicator-consumers/{id}/rotate", K_IND_CONS_ROTATE,
	  { ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(403), ALL2(401) } },
	/* Triaged apps (issue 15): the blacklist of apps is national work of
	** the CERT's analysts (provincial ones too); every staff member reads
	** it; constituents neither. The upload is a new file each time (bytes
	** that open as a ZIP but end short: recorded, with the error in the
	** verdict); confirm and the letter act on a real signed sample
	** confirmed in the set-up, benign on a fresh record. */
	{ "POST", "/api/v1/apps", K_APP_SUBMIT,
	  { ALL2(201), ALL2(201), ALL2(201), ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/apps", K_APP_LIST,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(200), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/apps/diff", K_APP_DIFF,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(200), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/apps/{id}", K_APP_GET,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(200), ALL2(403), ALL2(401) } },
	{ "POST", "/api/v1/apps/{id}/confirm", K_APP_CONFIRM,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(401) } },
	{ "POST", "/api/v1/apps/{id}/benign", K_APP_BENIGN,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/apps/{id}/takedown", K_APP_TAKEDOWN,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(200), ALL2(403), ALL2(401) } },
	/* Bulk import, held indicators and the warninglists (issue 15) are
	** CERT work. Import: own = a list of a fresh value, other = its
	** preview. Confirm and reject: own = a fresh held indicator, other = a
	** missing one (404). */
	{ "POST", "/api/v1/indicators/import", K_IND_IMPORT,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(401) } },
	{ "POST", "/api/v1/indicators/{id}/confirm", K_IND_CONFIRM,
	  { { 200, 404 }, { 200, 404 }, { 200, 404 }, ALL2(403), ALL2(403), ALL2(401) } },
	{ "POST", "/api/v1/indicators/{id}/reject", K_IND_REJECT,
	  { { 200, 404 }, { 200, 404 }, { 200, 404 }, ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/warninglists", K_WL_SHOW,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(401) } },
	{ "GET", "/api/v1/warninglists/held", K_WL_HELD,
	  { ALL2(200), ALL2(200), ALL2(200), ALL2(403), ALL2(403), ALL2(401) } },
	/* The flow live view: read by everyone who reads incidents, each
	** within their scope (the rows a scope hides: test_flow_api). */
	{ "GET", "/api/v1/flow/top", K_FLOW_TOP, PUBLIC_AUTH(200) },
	{ "GET", "/api/v1/flow/attacks", K_FLOW_ATTACKS, PUBLIC_AUTH(200) },
	{ "GET", "/api/v1/flow/history", K_FLOW_HISTORY, PUBLIC_AUTH(200) },
};
#define NRULES (sizeof(rules) / sizeof(rules[0]))

/* ------------------------------------------------------------- fixture */

struct who {
	int64_t uid;
	char cookie[80], csrf[80];
	char *token, *rotoken;
};

static struct {
	char *dir;
	struct h_server srv;
	char *admin_tok;
	struct h_cred admin;
	int64_t org_a, org_a2, org_b;
	struct who w[NROLES];
	int seq;
	/* the responder's team; incidents inside (own) and outside (other) every
	** scoped caller's reach, each with one shared evidence file */
	int64_t team, inc[2], ev[2];
	int64_t site[2]; /* watched websites of Org A and Org B */
	int64_t feed_file; /* an imported report */
	int64_t adv[2];    /* published advisories targeting Org A / Org B (0: not made) */
	int64_t ind[2];    /* TLP:AMBER indicators concerning Org A / Org B */
	int64_t consumer;  /* an indicator export consumer */
	int64_t app;       /* a signed sample app, confirmed malicious */
} F;

static int64_t admin_call(const char *method, const char *path, const char *body, long want);
static int64_t fresh_incident(bool other);
static int64_t fresh_advisory(bool other, bool publish);
static int64_t fresh_indicator(bool other);

static int setup(void **state)
{
	(void)state;
	memset(&F, 0, sizeof(F));
	F.dir = h_tmpdir("rbac");
	h_migrate(F.dir);
	F.org_a = h_org_add(F.dir, "Org A", "Tehran");
	F.org_a2 = h_org_add(F.dir, "Org A2", "Tehran");
	F.org_b = h_org_add(F.dir, "Org B", "Fars");
	F.w[R_ADMIN].uid = h_user_add(F.dir, "admin", "admin", 0, NULL, PW);
	F.w[R_ANALYST].uid = h_user_add(F.dir, "analyst", "analyst", 0, NULL, PW);
	F.w[R_PROV].uid = h_user_add(F.dir, "prov", "provincial", 0, "Tehran", PW);
	F.w[R_RESP].uid = h_user_add(F.dir, "resp", "responder", 0, NULL, PW);
	F.w[R_CONS].uid = h_user_add(F.dir, "cons", "constituent", F.org_a, NULL, PW);
	struct h_proc p;
	char a[32], b[32];
	snprintf(a, sizeof(a), "%lld", (long long)F.org_a);
	snprintf(b, sizeof(b), "%lld", (long long)F.org_b);
	const char *assets[][3] = { { a, "cidr", "10.1.0.0/16" }, { b, "cidr", "10.2.0.0/16" },
				    { a, "domain", "a.example" },  { b, "domain", "b.example" },
				    { a, "url", "https://www.a.example/" },
				    { b, "url", "https://www.b.example/" } };
	for (size_t i = 0; i < 6; i++) {
		h_cli(&p, F.dir, NULL, "asset", "add", assets[i][0], assets[i][1], assets[i][2],
		      NULL);
		assert_int_equal(p.status, 0);
		h_proc_free(&p);
	}
	F.admin_tok = h_token_add(F.dir, "admin", "--name", "fixtures", NULL);
	F.admin.token = F.admin_tok;
	for (int r = 0; r < R_ANON; r++) {
		F.w[r].token = h_token_add(F.dir, login_of[r], NULL);
		F.w[r].rotoken = h_token_add(F.dir, login_of[r], "--readonly", NULL);
	}
	h_server_start(&F.srv, F.dir, NULL);
	for (int r = 0; r < R_ANON; r++)
		h_login(&F.srv, login_of[r], PW, F.w[r].cookie, F.w[r].csrf);
	F.team = admin_call("POST", "/api/v1/teams", "{\"name\":\"rapid response\"}", 201);
	char *m = h_fmt("{\"user\":%lld}", (long long)F.w[R_RESP].uid);
	char *tp = h_fmt("/api/v1/teams/%lld/members", (long long)F.team);
	admin_call("POST", tp, m, 204);
	free(tp);
	free(m);
	/* a URL asset is a watched site from the start */
	for (int k = 0; k < 2; k++) {
		struct h_resp r;
		char *sp = h_fmt("/api/v1/sites?org_id=%lld", (long long)(k ? F.org_b : F.org_a));
		h_http(&F.srv, &r, "GET", sp, &F.admin, NULL);
		free(sp);
		H_STATUS(&r, 200);
		json_t *items = json_object_get(r.json, "items");
		assert_int_equal(json_array_size(items), 1);
		F.site[k] = json_integer_value(json_object_get(json_array_get(items, 0), "id"));
		h_resp_free(&r);
	}
	for (int k = 0; k < 2; k++) {
		F.inc[k] = fresh_incident(k == 1);
		struct h_resp r;
		char *ep = h_fmt("/api/v1/incidents/%lld/evidence?name=fixture.txt",
				 (long long)F.inc[k]);
		h_http_ex(&F.srv, &r, "POST", ep, &F.admin, "application/octet-stream",
			  "fixture evidence", 16, false, NULL);
		free(ep);
		H_STATUS(&r, 201);
		F.ev[k] = h_jint(r.json, "id");
		h_resp_free(&r);
	}
	{
		struct h_resp r;
		static const char rep[] = "timestamp,ip,port\n2026-11-27 03:12:45,192.0.2.7,23\n";
		h_http_ex(&F.srv, &r, "POST", "/api/v1/feeds/uploads?name=fixture.csv&type=scan_telnet",
			  &F.admin, "text/csv", rep, sizeof(rep) - 1, false, NULL);
		H_STATUS(&r, 201);
		F.feed_file = h_jint(r.json, "id");
		h_resp_free(&r);
	}
	for (int k = 0; k < 2; k++)
		F.adv[k] = fresh_advisory(k == 1, true);
	for (int k = 0; k < 2; k++)
		F.ind[k] = fresh_indicator(k == 1);
	F.consumer = admin_call("POST", "/api/v1/indicator-consumers",
				"{\"name\":\"matrix-resolver\",\"format\":\"rpz\"}", 201);
	{
		/* a real app (tests/data/apk/sample.apk, signed by apksigner),
		** uploaded and confirmed: the letter needs a malicious app */
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
		char *cp = h_fmt("/api/v1/apps/%lld/confirm", (long long)F.app);
		admin_call("POST", cp, "{\"reason\":\"matrix\"}", 200);
		free(cp);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	int rc = h_server_stop(&F.srv);
	for (int r = 0; r < NROLES; r++) {
		free(F.w[r].token);
		free(F.w[r].rotoken);
	}
	free(F.admin_tok);
	h_rmdir(F.dir);
	return rc == 0 ? 0 : -1;
}

/* An admin API call that must succeed; returns the "id" of the answer. */
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

static int64_t fresh_org(const char *province)
{
	char *body = h_fmt("{\"name\":\"fixture org %d\",\"province\":\"%s\"}", ++F.seq, province);
	int64_t id = admin_call("POST", "/api/v1/orgs", body, 201);
	free(body);
	return id;
}

static int64_t fresh_team(void)
{
	char *body = h_fmt("{\"name\":\"fixture team %d\"}", ++F.seq);
	int64_t id = admin_call("POST", "/api/v1/teams", body, 201);
	free(body);
	return id;
}

/* A fresh incident: own = Org A (Tehran) worked by the responder's team,
** other = Org B (Fars) with no team. Returns its id. */
static int64_t fresh_incident(bool other)
{
	char *body = h_fmt("{\"org_id\":%lld,\"title\":\"fixture incident %d\"}",
			   (long long)(other ? F.org_b : F.org_a), ++F.seq);
	int64_t id = admin_call("POST", "/api/v1/incidents", body, 201);
	free(body);
	if (!other) {
		char *p = h_fmt("/api/v1/incidents/%lld/assign", (long long)id);
		char *b = h_fmt("{\"team\":%lld}", (long long)F.team);
		admin_call("POST", p, b, 200);
		free(b);
		free(p);
	}
	return id;
}

/* An admin call whose failure is only reported: the advisory fixtures, so
** that a broken advisory module fails the advisory cells, not the matrix. */
static int64_t admin_try(const char *method, const char *path, const char *body, long want)
{
	struct h_resp r;
	h_http(&F.srv, &r, method, path, &F.admin, body);
	int64_t id = r.status == want ? (r.json ? h_jint(r.json, "id") : 1) : 0;
	if (r.status != want)
		fprintf(stderr, "fixture %s %s: HTTP %ld %.200s\n", method, path, r.status,
			r.body ? r.body : "");
	h_resp_free(&r);
	return id;
}

/* An advisory document whose audience is Org A (own) or Org B (other). */
static char *advisory_doc(bool other, const char *what, int n)
{
	return h_fmt("{\"title\":{\"en\":\"matrix %s %d\",\"fa\":\"\u0647\u0634\u062f\u0627\u0631 %d\"},"
		     "\"summary\":{\"en\":\"a test advisory\"},\"cves\":[\"CVE-2018-0171\"],"
		     "\"cvss\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\",\"tlp\":\"AMBER\","
		     "\"deadline\":\"2031-01-01T00:00:00Z\",\"audience\":{\"orgs\":[%lld]}}",
		     what, n, n, (long long)(other ? F.org_b : F.org_a));
}

/* A fresh advisory for Org A (own) or Org B (other), published when asked;
** returns its id, or 0 (reported) when the advisory module refused. */
static int64_t fresh_advisory(bool other, bool publish)
{
	char *body = advisory_doc(other, "fixture", ++F.seq);
	int64_t id = admin_try("POST", "/api/v1/advisories", body, 201);
	free(body);
	if (id && publish) {
		char *p = h_fmt("/api/v1/advisories/%lld/publish", (long long)id);
		if (!admin_try("POST", p, NULL, 200))
			id = 0;
		free(p);
	}
	return id;
}

/* A TLP:AMBER indicator (a new domain) concerning Org A or Org B. */
static int64_t fresh_indicator(bool other)
{
	char *body = h_fmt("{\"type\":\"domain\",\"value\":\"fixture-%d.example\","
			   "\"tlp\":\"amber\",\"org_id\":%lld}",
			   ++F.seq, (long long)(other ? F.org_b : F.org_a));
	int64_t id = admin_call("POST", "/api/v1/indicators", body, 201);
	free(body);
	return id;
}

/* A fresh indicator held by a warninglist (an RFC 1918 address: the
** shipped rfc1918 list holds it), imported as the admin; its id. */
static int64_t fresh_held(void)
{
	int n = ++F.seq;
	char *path = h_fmt("/api/v1/indicators/import?format=plain");
	char *body = h_fmt("10.77.%d.%d\n", n / 250 % 250, n % 250);
	struct h_resp r;
	h_http(&F.srv, &r, "POST", path, &F.admin, body);
	json_t *it = r.json ? json_array_get(json_object_get(r.json, "items"), 0) : NULL;
	const char *st = it ? h_jstr(it, "status") : NULL;
	int64_t id = r.status == 200 && st && strcmp(st, "held") == 0
			     ? h_jint(it, "id")
			     : 0;
	if (!id)
		fprintf(stderr, "fixture held indicator: HTTP %ld %.200s\n", r.status,
			r.body ? r.body : "");
	h_resp_free(&r);
	free(path);
	free(body);
	return id;
}

/* A minimal CSAF 2.0 advisory with a tracking id of its own. */
static char *csaf_doc(int n)
{
	return h_fmt(
		"{\"document\":{\"category\":\"csaf_security_advisory\",\"csaf_version\":\"2.0\","
		"\"publisher\":{\"category\":\"vendor\",\"name\":\"Example Vendor\","
		"\"namespace\":\"https://vendor.example\"},\"title\":\"matrix import %d\","
		"\"distribution\":{\"tlp\":{\"label\":\"WHITE\"}},"
		"\"notes\":[{\"category\":\"summary\",\"text\":\"a vulnerability\"}],"
		"\"tracking\":{\"id\":\"example-matrix-%d\",\"status\":\"final\",\"version\":\"1\","
		"\"initial_release_date\":\"2026-12-01T00:00:00Z\","
		"\"current_release_date\":\"2026-12-01T00:00:00Z\","
		"\"revision_history\":[{\"date\":\"2026-12-01T00:00:00Z\",\"number\":\"1\","
		"\"summary\":\"first\"}]}},"
		"\"product_tree\":{\"branches\":[{\"category\":\"vendor\",\"name\":\"MikroTik\","
		"\"branches\":[{\"category\":\"product_name\",\"name\":\"RouterOS\","
		"\"branches\":[{\"category\":\"product_version\",\"name\":\"6.42.1\","
		"\"product\":{\"name\":\"MikroTik RouterOS 6.42.1\",\"product_id\":\"P1\","
		"\"product_identification_helper\":{\"cpe\":"
		"\"cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*\"}}}]}]}]},"
		"\"vulnerabilities\":[{\"cve\":\"CVE-2018-14847\","
		"\"product_status\":{\"known_affected\":[\"P1\"]},"
		"\"remediations\":[{\"category\":\"vendor_fix\",\"details\":\"upgrade\","
		"\"product_ids\":[\"P1\"]}]}]}",
		n, n);
}

/* A fresh token of login; returns its id. */
static int64_t fresh_token_id(const char *login)
{
	char *t = h_token_add(F.dir, login, "--name", "victim", NULL);
	free(t);
	/* The newest token of that user. */
	struct h_resp r;
	h_http(&F.srv, &r, "GET", "/api/v1/tokens?all=1", &F.admin, NULL);
	H_STATUS(&r, 200);
	json_t *items = json_object_get(r.json, "items");
	int64_t id = 0;
	int64_t uid = 0;
	for (int k = 0; k < R_ANON; k++)
		if (strcmp(login_of[k], login) == 0)
			uid = F.w[k].uid;
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		if (h_jint(it, "user") == uid && h_jint(it, "id") > id)
			id = h_jint(it, "id");
	}
	h_resp_free(&r);
	if (!id)
		fail_msg("no token for %s", login);
	return id;
}

enum pass { P_SESSION, P_TOKEN, P_READONLY };
static const char *pass_name[] = { "session", "token", "read-only token" };

/* Build the request of cell (rule, role, other): path, body, credentials. */
static void build(const struct rule *ru, int role, bool other, enum pass pass, char **path,
		  char **body, struct h_cred *cred, char *fresh_cookie, char *fresh_csrf)
{
	int64_t org = other ? F.org_b : F.org_a;
	const char *prov = other ? "Fars" : "Tehran";
	int n = ++F.seq;
	*body = NULL;
	memset(cred, 0, sizeof(*cred));
	if (role != R_ANON) {
		if (pass == P_SESSION) {
			cred->cookie = F.w[role].cookie;
			cred->csrf = F.w[role].csrf;
		} else {
			cred->token = pass == P_TOKEN ? F.w[role].token : F.w[role].rotoken;
		}
	}
	switch (ru->kind) {
	case K_INDEX: *path = h_fmt("/"); break;
	case K_UI: *path = h_fmt(other ? "/ui/missing.js" : "/ui/app.js"); break;
	case K_HEALTHZ: *path = h_fmt("/healthz"); break;
	case K_METRICS: *path = h_fmt("/metrics"); break;
	case K_LOGIN:
		*path = h_fmt("/api/v1/session");
		*body = h_fmt("{\"login\":\"%s\",\"password\":\"" PW "\"}",
			      login_of[role == R_ANON ? R_ANALYST : role]);
		break;
	case K_WHOAMI: *path = h_fmt("/api/v1/session"); break;
	case K_LOGOUT:
		*path = h_fmt("/api/v1/session");
		/* Log-out ends the session: use a fresh one. */
		if (pass == P_SESSION && role != R_ANON) {
			h_login(&F.srv, login_of[role], PW, fresh_cookie, fresh_csrf);
			cred->cookie = fresh_cookie;
			cred->csrf = fresh_csrf;
		}
		break;
	case K_PASSWORD:
		*path = h_fmt("/api/v1/session/password");
		/* tokens kept: later passes use them (revocation: test_attack_identity) */
		*body = h_fmt("{\"current\":\"" PW "\",\"new\":\"%s\",\"revoke_tokens\":false}",
			      other ? "short" : "another-password-2");
		break;
	case K_PROVINCES: *path = h_fmt("/api/v1/provinces"); break;
	case K_ORG_LIST: *path = h_fmt(other ? "/api/v1/orgs?province=Fars" : "/api/v1/orgs"); break;
	case K_ORG_CREATE:
		*path = h_fmt("/api/v1/orgs");
		*body = h_fmt("{\"name\":\"matrix org %d\",\"province\":\"%s\"}", n, prov);
		break;
	case K_ORG_GET: *path = h_fmt("/api/v1/orgs/%lld", (long long)org); break;
	case K_ORG_PATCH:
		*path = h_fmt("/api/v1/orgs/%lld", (long long)org);
		*body = h_fmt("{\"sector\":\"sector %d\"}", n);
		break;
	case K_ORG_DELETE: {
		/* A constituent's own organisation is Org A; others get a fresh
		** organisation of the right province so that deleting it is legal. */
		int64_t id = role == R_CONS && !other ? F.org_a : fresh_org(prov);
		*path = h_fmt("/api/v1/orgs/%lld", (long long)id);
		break;
	}
	case K_ASSET_LIST: *path = h_fmt("/api/v1/orgs/%lld/assets", (long long)org); break;
	case K_ASSET_CREATE:
		*path = h_fmt("/api/v1/orgs/%lld/assets", (long long)org);
		*body = h_fmt("{\"type\":\"cidr\",\"value\":\"100.64.%d.%d/32\"}", n / 256, n % 256);
		break;
	case K_ASSET_DELETE: {
		char *p = h_fmt("/api/v1/orgs/%lld/assets", (long long)org);
		char *b = h_fmt("{\"type\":\"cidr\",\"value\":\"100.65.%d.%d/32\"}", n / 256, n % 256);
		int64_t id = admin_call("POST", p, b, 201);
		free(b);
		*path = h_fmt("%s/%lld", p, (long long)id);
		free(p);
		break;
	}
	case K_CONTACT_LIST: *path = h_fmt("/api/v1/orgs/%lld/contacts", (long long)org); break;
	case K_CONTACT_CREATE:
		*path = h_fmt("/api/v1/orgs/%lld/contacts", (long long)org);
		*body = h_fmt("{\"name\":\"contact %d\",\"email\":\"c%d@a.example\"}", n, n);
		break;
	case K_CONTACT_DELETE: {
		char *p = h_fmt("/api/v1/orgs/%lld/contacts", (long long)org);
		char *b = h_fmt("{\"name\":\"victim %d\",\"email\":\"v%d@a.example\"}", n, n);
		int64_t id = admin_call("POST", p, b, 201);
		free(b);
		*path = h_fmt("%s/%lld", p, (long long)id);
		free(p);
		break;
	}
	case K_LOOKUP: *path = h_fmt(other ? "/api/v1/lookup?ip=10.2.3.4" : "/api/v1/lookup?ip=10.1.2.3"); break;
	case K_USER_LIST: *path = h_fmt("/api/v1/users"); break;
	case K_USER_CREATE:
		*path = h_fmt("/api/v1/users");
		*body = h_fmt("{\"login\":\"new%d\",\"role\":\"responder\",\"password\":\"" PW "\"}", n);
		break;
	case K_USER_DELETE: {
		char *b = other ? h_fmt("{\"login\":\"gone%d\",\"role\":\"provincial\",\"province\":"
					"\"Fars\",\"password\":\"" PW "\"}", n)
				: h_fmt("{\"login\":\"gone%d\",\"role\":\"responder\",\"password\":\"" PW
					"\"}", n);
		int64_t id = admin_call("POST", "/api/v1/users", b, 201);
		free(b);
		*path = h_fmt("/api/v1/users/%lld", (long long)id);
		break;
	}
	case K_USER_PATCH: {
		char *b = h_fmt("{\"login\":\"patched%d\",\"role\":\"responder\",\"password\":\"" PW
				"\"}", n);
		int64_t id = admin_call("POST", "/api/v1/users", b, 201);
		free(b);
		*path = h_fmt("/api/v1/users/%lld", (long long)id);
		*body = h_fmt("{\"disabled\":%s}", other ? "false" : "true");
		break;
	}
	case K_TEAM_LIST: *path = h_fmt("/api/v1/teams"); break;
	case K_TEAM_CREATE:
		*path = h_fmt("/api/v1/teams");
		*body = h_fmt("{\"name\":\"matrix team %d\",\"province\":\"%s\"}", n, prov);
		break;
	case K_MEMBER_ADD: {
		int64_t t = fresh_team();
		*path = h_fmt("/api/v1/teams/%lld/members", (long long)t);
		*body = h_fmt("{\"user\":%lld}", (long long)F.w[R_RESP].uid);
		break;
	}
	case K_MEMBER_DEL: {
		int64_t t = fresh_team();
		char *p = h_fmt("/api/v1/teams/%lld/members", (long long)t);
		char *b = h_fmt("{\"user\":%lld}", (long long)F.w[R_RESP].uid);
		admin_call("POST", p, b, 204);
		free(b);
		*path = h_fmt("%s/%lld", p, (long long)F.w[R_RESP].uid);
		free(p);
		break;
	}
	case K_TOKEN_LIST: *path = h_fmt("/api/v1/tokens"); break;
	case K_TOKEN_CREATE:
		*path = h_fmt("/api/v1/tokens");
		*body = h_fmt("{\"name\":\"minted %d\",\"org\":%lld}", n, (long long)org);
		break;
	case K_TOKEN_REVOKE: {
		const char *owner = !other ? login_of[role == R_ANON ? R_ANALYST : role]
				    : role == R_ADMIN ? "analyst" : "admin";
		*path = h_fmt("/api/v1/tokens/%lld", (long long)fresh_token_id(owner));
		break;
	}
	case K_AUDIT: *path = h_fmt("/api/v1/audit"); break;
	case K_AUDIT_VERIFY: *path = h_fmt("/api/v1/audit/verify"); break;
	case K_TEAM_LEAD:
		/* own: set a lead; other: no lead field, which removes it */
		*path = h_fmt("/api/v1/teams/%lld", (long long)fresh_team());
		*body = other ? h_fmt("{}") : h_fmt("{\"lead\":%lld}", (long long)F.w[R_RESP].uid);
		break;
	case K_ROTA_ADD:
		/* own: a weekly slot; other: a dated override */
		*path = h_fmt("/api/v1/teams/%lld/rota", (long long)fresh_team());
		*body = other ? h_fmt("{\"user\":%lld,\"start\":\"2030-01-01T00:00:00Z\","
				      "\"end\":\"2030-01-02T00:00:00Z\"}",
				      (long long)F.w[R_RESP].uid)
			      : h_fmt("{\"user\":%lld,\"start_minute\":%d,\"end_minute\":%d}",
				      (long long)F.w[R_RESP].uid, n % 10000, n % 10000 + 60);
		break;
	case K_ONCALL:
		*path = other ? h_fmt("/api/v1/teams/%lld/oncall?at=2030-01-01T12:00:00Z",
				      (long long)F.team)
			      : h_fmt("/api/v1/teams/%lld/oncall", (long long)F.team);
		break;
	case K_RULE_LIST: *path = h_fmt("/api/v1/routing-rules"); break;
	case K_RULE_CREATE:
		*path = h_fmt("/api/v1/routing-rules");
		*body = h_fmt("{\"province\":\"%s\",\"kind\":\"matrix-%d\",\"team\":%lld}", prov,
			      n, (long long)F.team);
		break;
	case K_RULE_DELETE: {
		char *b = h_fmt("{\"province\":\"%s\",\"kind\":\"gone-%d\",\"team\":%lld}", prov,
				n, (long long)F.team);
		int64_t id = admin_call("POST", "/api/v1/routing-rules", b, 201);
		free(b);
		*path = h_fmt("/api/v1/routing-rules/%lld", (long long)id);
		break;
	}
	case K_REPORT:
		/* low severity: never routed, so the fixtures' teams stay as made */
		*path = h_fmt("/api/v1/reports");
		*body = h_fmt("{\"org_id\":%lld,\"kind\":\"defacement\",\"key\":\"matrix-%d\","
			      "\"severity\":\"low\"}", (long long)org, n);
		break;
	case K_INC_LIST:
		*path = other ? h_fmt("/api/v1/incidents?org_id=%lld", (long long)F.org_b)
			      : h_fmt("/api/v1/incidents");
		break;
	case K_INC_CREATE:
		*path = h_fmt("/api/v1/incidents");
		*body = h_fmt("{\"org_id\":%lld,\"title\":\"matrix incident %d\"}", (long long)org,
			      n);
		break;
	case K_INC_GET: *path = h_fmt("/api/v1/incidents/%lld", (long long)F.inc[other]); break;
	case K_INC_PATCH:
		*path = h_fmt("/api/v1/incidents/%lld", (long long)F.inc[other]);
		*body = h_fmt("{\"summary\":\"summary %d\"}", n);
		break;
	case K_INC_TRANSITION:
		*path = h_fmt("/api/v1/incidents/%lld/transitions", (long long)fresh_incident(other));
		*body = h_fmt("{\"to\":\"triaged\"}");
		break;
	case K_INC_HISTORY:
		*path = h_fmt("/api/v1/incidents/%lld/transitions", (long long)F.inc[other]);
		break;
	case K_INC_ASSIGN:
		/* to the responder's team: an outsider's success would widen its reach */
		*path = h_fmt("/api/v1/incidents/%lld/assign", (long long)fresh_incident(other));
		*body = h_fmt("{\"team\":%lld}", (long long)F.team);
		break;
	case K_INC_MERGE: {
		int64_t into = fresh_incident(other);
		*path = h_fmt("/api/v1/incidents/%lld/merge", (long long)fresh_incident(other));
		*body = h_fmt("{\"into\":%lld}", (long long)into);
		break;
	}
	case K_INC_LINK: {
		int64_t to = fresh_incident(other);
		*path = h_fmt("/api/v1/incidents/%lld/links", (long long)fresh_incident(other));
		*body = h_fmt("{\"incident\":%lld}", (long long)to);
		break;
	}
	case K_MSG_LIST:
		*path = h_fmt("/api/v1/incidents/%lld/messages", (long long)F.inc[other]);
		break;
	case K_MSG_CREATE:
		*path = h_fmt("/api/v1/incidents/%lld/messages", (long long)F.inc[other]);
		*body = h_fmt("{\"body\":\"matrix message %d\",\"visibility\":\"shared\"}", n);
		break;
	case K_OBS_LIST:
		*path = h_fmt("/api/v1/incidents/%lld/observations", (long long)F.inc[other]);
		break;
	case K_EV_LIST:
		*path = h_fmt("/api/v1/incidents/%lld/evidence", (long long)F.inc[other]);
		break;
	case K_EV_UPLOAD:
		/* the body is the file, whatever its type */
		*path = h_fmt("/api/v1/incidents/%lld/evidence?name=matrix-%d.txt",
			      (long long)F.inc[other], n);
		*body = h_fmt("matrix evidence %d", n);
		break;
	case K_EV_DOWNLOAD:
		*path = h_fmt("/api/v1/incidents/%lld/evidence/%lld", (long long)F.inc[other],
			      (long long)F.ev[other]);
		break;
	case K_OUTBOX: *path = h_fmt("/api/v1/outbox"); break;
	case K_SITE_LIST:
		*path = h_fmt("/api/v1/sites?org_id=%lld", (long long)org);
		break;
	case K_SITE_GET: *path = h_fmt("/api/v1/sites/%lld", (long long)F.site[other]); break;
	case K_SITE_PATCH:
		*path = h_fmt("/api/v1/sites/%lld", (long long)F.site[other]);
		*body = h_fmt("{\"interval\":%d}", 60 + n % 100);
		break;
	case K_SITE_CHECKS:
		*path = h_fmt("/api/v1/sites/%lld/checks", (long long)F.site[other]);
		break;
	case K_SITE_ACCEPT:
		*path = h_fmt("/api/v1/sites/%lld/baseline", (long long)F.site[other]);
		break;
	case K_SITE_POSTURE:
		*path = h_fmt("/api/v1/sites/%lld/posture", (long long)F.site[other]);
		break;
	case K_ORG_POSTURE: *path = h_fmt("/api/v1/orgs/%lld/posture", (long long)org); break;
	case K_SITE_DNS_SET:
		*path = h_fmt("/api/v1/sites/%lld/dns", (long long)F.site[other]);
		*body = h_fmt("{\"a\":[\"10.%d.0.1\"]}", 1 + n % 200);
		break;
	case K_SITE_DNS_DEL: *path = h_fmt("/api/v1/sites/%lld/dns", (long long)F.site[other]); break;
	case K_FEED_UPLOAD:
		/* a new report each time (a known one answers 200 "already") */
		*path = h_fmt("/api/v1/feeds/uploads?type=scan_telnet&name=matrix.csv");
		*body = h_fmt("timestamp,ip,port\n2026-11-27 03:12:45,10.%d.%d.1,23\n", n % 200,
			      n / 200 % 200);
		break;
	case K_FEED_FILES: *path = h_fmt("/api/v1/feeds/files"); break;
	case K_FEED_FILE: *path = h_fmt("/api/v1/feeds/files/%lld", (long long)F.feed_file); break;
	case K_FEED_UNOWNED: *path = h_fmt("/api/v1/feeds/unowned?by=prefix"); break;
	case K_STATS: *path = h_fmt("/api/v1/stats"); break;
	case K_PREFS:
		*path = h_fmt("/api/v1/session");
		*body = h_fmt("{\"lang\":\"%s\",\"calendar\":\"jalali\"}", n % 2 ? "fa" : "en");
		break;
	case K_ORG_DIGESTS: *path = h_fmt("/api/v1/orgs/%lld/digests", (long long)org); break;
	case K_WATCH_SERVICES: *path = h_fmt("/api/v1/watch/services"); break;
	case K_ADV_LIST:
		*path = other ? h_fmt("/api/v1/advisories?status=published&q=matrix")
			      : h_fmt("/api/v1/advisories");
		break;
	case K_ADV_CREATE:
		*path = h_fmt("/api/v1/advisories");
		*body = advisory_doc(other, "advisory", n);
		break;
	case K_ADV_IMPORT:
		*path = h_fmt("/api/v1/advisories/import");
		*body = csaf_doc(n);
		break;
	case K_ADV_DRAFT_PREVIEW:
		*path = h_fmt("/api/v1/advisories/preview");
		*body = advisory_doc(other, "draft", n);
		break;
	case K_ADV_GET: *path = h_fmt("/api/v1/advisories/%lld", (long long)F.adv[other]); break;
	case K_ADV_PUT:
		*path = h_fmt("/api/v1/advisories/%lld", (long long)F.adv[other]);
		*body = advisory_doc(other, "fixture, edited", n);
		break;
	case K_ADV_HISTORY:
		*path = h_fmt("/api/v1/advisories/%lld/history", (long long)F.adv[other]);
		break;
	case K_ADV_CSAF:
		*path = h_fmt("/api/v1/advisories/%lld/csaf", (long long)F.adv[other]);
		break;
	case K_ADV_PREVIEW:
		*path = h_fmt("/api/v1/advisories/%lld/preview", (long long)F.adv[other]);
		break;
	case K_ADV_EXCLUDE:
		/* a draft of its own: the fixtures' targets stay */
		*path = h_fmt("/api/v1/advisories/%lld/exclusions/%lld",
			      (long long)fresh_advisory(other, false), (long long)org);
		*body = h_fmt("{\"reason\":\"matrix %d: not theirs\"}", n);
		break;
	case K_ADV_INCLUDE: {
		int64_t id = fresh_advisory(other, false);
		char *p = h_fmt("/api/v1/advisories/%lld/exclusions/%lld", (long long)id,
				(long long)org);
		admin_try("POST", p, "{\"reason\":\"to be put back\"}", 200);
		*path = p;
		break;
	}
	case K_ADV_PUBLISH:
		*path = h_fmt("/api/v1/advisories/%lld/publish",
			      (long long)fresh_advisory(other, false));
		break;
	case K_ADV_TARGETS:
		*path = h_fmt("/api/v1/advisories/%lld/targets", (long long)F.adv[other]);
		break;
	case K_ADV_TARGET_SET:
		*path = h_fmt("/api/v1/advisories/%lld/targets/%lld", (long long)F.adv[other],
			      (long long)org);
		*body = h_fmt("{\"state\":\"read\"}");
		break;
	case K_IND_LIST:
		*path = other ? h_fmt("/api/v1/indicators?tlp=amber&type=domain")
			      : h_fmt("/api/v1/indicators");
		break;
	case K_IND_CREATE:
		*path = h_fmt("/api/v1/indicators");
		*body = h_fmt("{\"type\":\"domain\",\"value\":\"matrix-%d.example\","
			      "\"tlp\":\"amber\",\"org_id\":%lld}",
			      n, (long long)org);
		break;
	case K_IND_GET: *path = h_fmt("/api/v1/indicators/%lld", (long long)F.ind[other]); break;
	case K_IND_PATCH:
		*path = h_fmt("/api/v1/indicators/%lld", (long long)F.ind[other]);
		*body = h_fmt("{\"confidence\":%d}", n % 101);
		break;
	case K_IND_DELETE:
		*path = h_fmt("/api/v1/indicators/%lld", (long long)fresh_indicator(other));
		break;
	case K_IND_SIGHTINGS:
		*path = h_fmt("/api/v1/indicators/%lld/sightings", (long long)F.ind[other]);
		break;
	case K_APP_SUBMIT:
		*path = h_fmt("/api/v1/apps");
		*body = h_fmt("PK\003\004 matrix app %d", n);
		break;
	case K_APP_LIST: *path = h_fmt("/api/v1/apps"); break;
	case K_APP_DIFF:
		*path = h_fmt("/api/v1/apps/diff?a=%lld&b=%lld", (long long)F.app, (long long)F.app);
		break;
	case K_APP_GET: *path = h_fmt("/api/v1/apps/%lld", (long long)F.app); break;
	case K_APP_CONFIRM:
		*path = h_fmt("/api/v1/apps/%lld/confirm", (long long)F.app);
		*body = h_fmt("{\"candidates\":[\"https://evil-c2.example.ir/gate.php?id=1\"]}");
		break;
	case K_APP_BENIGN: {
		char *b = h_fmt("PK\003\004 matrix benign %d", n);
		struct h_resp r;
		h_http(&F.srv, &r, "POST", "/api/v1/apps", &F.admin, b);
		*path = h_fmt("/api/v1/apps/%lld/benign", (long long)(r.json ? h_jint(r.json, "id") : 0));
		h_resp_free(&r);
		free(b);
		break;
	}
	case K_APP_TAKEDOWN:
		*path = h_fmt("/api/v1/apps/%lld/takedown?lang=%s", (long long)F.app,
			      other ? "fa" : "en");
		break;
	case K_IND_IMPORT:
		*path = h_fmt("/api/v1/indicators/import?format=plain%s",
			      other ? "&preview=true" : "");
		*body = h_fmt("# matrix %d\nmatrix-%d.example\n", n, n);
		break;
	case K_IND_CONFIRM:
	case K_IND_REJECT:
		*path = h_fmt("/api/v1/indicators/%lld/%s", other ? 999999LL : (long long)fresh_held(),
			      ru->kind == K_IND_CONFIRM ? "confirm" : "reject");
		break;
	case K_WL_SHOW: *path = h_fmt("/api/v1/warninglists"); break;
	case K_WL_HELD: *path = h_fmt("/api/v1/warninglists/held"); break;
	case K_FLOW_TOP: *path = h_fmt("/api/v1/flow/top?by=bps"); break;
	case K_FLOW_ATTACKS: *path = h_fmt("/api/v1/flow/attacks?open=true"); break;
	case K_FLOW_HISTORY: *path = h_fmt("/api/v1/flow/history?host=192.0.2.1"); break;
	case K_ADV_LINK_SHOW:
	case K_ADV_LINK_USE:
		*path = other ? h_fmt("/api/v1/advisory-links/not-a-token")
			      : h_fmt("/api/v1/advisory-links/"
				      "eyJhIjoxLCJvIjoxLCJ4IjoiYWNrIiwiZSI6OTk5OTk5OTk5OTk5OX0."
				      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
		break;
	case K_IND_POLL: *path = h_fmt("/api/v1/export/indicators"); break;
	case K_IND_EXPORT:
		*path = h_fmt("/api/v1/indicators/export?format=%s", other ? "csv" : "plain");
		break;
	case K_IND_CONS_LIST: *path = h_fmt("/api/v1/indicator-consumers"); break;
	case K_IND_CONS_CREATE:
		*path = h_fmt("/api/v1/indicator-consumers");
		*body = h_fmt("{\"name\":\"matrix-%d\",\"format\":\"%s\"}", n,
			      other ? "nft" : "plain");
		break;
	case K_IND_CONS_GET:
		*path = h_fmt("/api/v1/indicator-consumers/%lld", (long long)F.consumer);
		break;
	case K_IND_CONS_PATCH:
		*path = h_fmt("/api/v1/indicator-consumers/%lld", (long long)F.consumer);
		*body = h_fmt("{\"member\":%s}", n % 2 ? "true" : "false");
		break;
	case K_IND_CONS_DELETE: {
		char *b = h_fmt("{\"name\":\"matrix-gone-%d\",\"format\":\"csv\"}", n);
		int64_t id = admin_call("POST", "/api/v1/indicator-consumers", b, 201);
		free(b);
		*path = h_fmt("/api/v1/indicator-consumers/%lld", (long long)id);
		break;
	}
	case K_IND_CONS_ROTATE:
		*path = h_fmt("/api/v1/indicator-consumers/%lld/rotate", (long long)F.consumer);
		break;
	}
}

/* The expected status of a cell in a pass. */
static int expected(const struct rule *ru, int role, bool other, enum pass pass)
{
	int e = ru->exp[role][other];
	if (role == R_ANON || pass == P_SESSION)
		return e;
	/* A read-only token may not write anywhere (log-in and a mail's link
	** are public). */
	if (pass == P_READONLY && strcmp(ru->method, "GET") != 0 && ru->kind != K_LOGIN &&
	    ru->kind != K_ADV_LINK_USE)
		return 403;
	/* Tokens cannot mint tokens or change passwords, and are not browser
	** sessions to end. */
	if (ru->kind == K_TOKEN_CREATE || ru->kind == K_PASSWORD)
		return 403;
	if (ru->kind == K_LOGOUT)
		return 400;
	return e;
}

/* Undo what a cell did that later cells depend on. */
static void after(const struct rule *ru, int role, long status)
{
	if (ru->kind == K_PASSWORD && status == 204 && role != R_ANON) {
		/* The password changed and the user's other sessions ended. */
		struct h_proc p;
		h_cli(&p, F.dir, PW "\n", "user", "passwd", login_of[role], "--password-stdin",
		      "--keep-tokens", NULL);
		assert_int_equal(p.status, 0);
		h_proc_free(&p);
		h_login(&F.srv, login_of[role], PW, F.w[role].cookie, F.w[role].csrf);
	}
}

static const struct rule *rule_for(const struct route *rt)
{
	for (size_t i = 0; i < NRULES; i++)
		if (strcmp(rules[i].method, rt->method) == 0 &&
		    strcmp(rules[i].pattern, rt->pattern) == 0)
			return &rules[i];
	return NULL;
}

static void run_matrix(enum pass pass)
{
	char *report = NULL;
	size_t rlen = 0;
	FILE *rep = open_memstream(&report, &rlen);
	int failures = 0, cells = 0;
	for (size_t i = 0; http_routes[i].pattern; i++) {
		const struct route *rt = &http_routes[i];
		const struct rule *ru = rule_for(rt);
		if (!ru) {
			fprintf(rep, "route %s %s has no expectation in test_rbac.c\n", rt->method,
				rt->pattern);
			failures++;
			continue;
		}
		for (int role = 0; role < NROLES; role++) {
			for (int other = 0; other < 2; other++) {
				char *path = NULL, *body = NULL, ck[80], cs[80];
				struct h_cred cred;
				build(ru, role, other, pass, &path, &body, &cred, ck, cs);
				int want = expected(ru, role, other, pass);
				int64_t audit0 = h_audit_count(&F.srv, &F.admin);
				struct h_resp r;
				h_http(&F.srv, &r, ru->method, path, &cred, body);
				cells++;
				bool bad = r.status != want;
				const char *why = "";
				if (!bad && r.status >= 400) {
					int64_t audit1 = h_audit_count(&F.srv, &F.admin);
					char *ct = h_header(&r, "Content-Type");
					if (audit1 != audit0) {
						bad = true;
						why = " (refused, yet the audit log grew)";
					} else if (!ct || strcmp(ct, "application/problem+json") != 0) {
						bad = true;
						why = " (refusal is not a problem document)";
					} else if (r.status == 404 && ru->kind != K_UI &&
						   strstr(r.body, "Org B")) {
						bad = true;
						why = " (404 names the hidden organisation)";
					}
					free(ct);
				}
				if (bad) {
					fprintf(rep,
						"%s %s as %s (%s, %s): expected %d, got %ld%s: %.200s\n",
						ru->method, path, role_name[role],
						other ? "other" : "own", pass_name[pass], want,
						r.status, why, r.body);
					failures++;
				}
				after(ru, role, r.status);
				h_resp_free(&r);
				free(path);
				free(body);
			}
		}
	}
	fclose(rep);
	if (failures) {
		fprintf(stderr, "%d of %d cells wrong:\n%s", failures, cells, report);
		free(report);
		fail_msg("access-control matrix (%s): %d failure(s)", pass_name[pass], failures);
	}
	free(report);
	assert_int_equal(cells, (int)http_route_count() * NROLES * 2);
}

static void test_matrix_sessions(void **state)
{
	(void)state;
	run_matrix(P_SESSION);
}

static void test_matrix_tokens(void **state)
{
	(void)state;
	run_matrix(P_TOKEN);
}

static void test_matrix_readonly_tokens(void **state)
{
	(void)state;
	run_matrix(P_READONLY);
}

/* Every route has exactly one expectation and every expectation a route. */
static void test_every_route_has_expectations(void **state)
{
	(void)state;
	size_t n = http_route_count();
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++)
		if (!rule_for(&http_routes[i]))
			fail_msg("route %s %s has no expectation", http_routes[i].method,
				 http_routes[i].pattern);
	for (size_t k = 0; k < NRULES; k++) {
		int found = 0;
		for (size_t i = 0; i < n; i++)
			found += strcmp(rules[k].method, http_routes[i].method) == 0 &&
				 strcmp(rules[k].pattern, http_routes[i].pattern) == 0;
		if (found != 1)
			fail_msg("expectation %s %s matches %d routes", rules[k].method,
				 rules[k].pattern, found);
	}
	assert_int_equal(NRULES, n);
}

/* ----------------------------------------------------- list contents */

static struct h_cred sess(int role)
{
	struct h_cred c = { NULL, F.w[role].cookie, F.w[role].csrf };
	return c;
}

static json_t *get_items(int role, const char *path, long want_total)
{
	struct h_cred c = sess(role);
	struct h_resp r;
	h_http(&F.srv, &r, "GET", path, &c, NULL);
	H_STATUS(&r, 200);
	json_t *items = json_incref(json_object_get(r.json, "items"));
	if (want_total >= 0 && h_jint(r.json, "total") != want_total)
		fail_msg("%s as %s: total %lld, expected %ld", path, role_name[role],
			 (long long)h_jint(r.json, "total"), want_total);
	h_resp_free(&r);
	return items;
}

static void test_org_lists_are_scoped(void **state)
{
	(void)state;
	/* A constituent sees its own organisation and nothing else, however it
	** asks. */
	const char *paths[] = { "/api/v1/orgs", "/api/v1/orgs?province=Fars",
				"/api/v1/orgs?province=Tehran", "/api/v1/orgs?q=Org",
				"/api/v1/orgs?q=Org%20B", "/api/v1/orgs?limit=1000&offset=0" };
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		json_t *items = get_items(R_CONS, paths[i], -1);
		for (size_t k = 0; k < json_array_size(items); k++)
			if (h_jint(json_array_get(items, k), "id") != F.org_a)
				fail_msg("constituent listing %s sees org %lld", paths[i],
					 (long long)h_jint(json_array_get(items, k), "id"));
		json_decref(items);
	}
	json_t *items = get_items(R_CONS, "/api/v1/orgs", 1);
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);
	items = get_items(R_CONS, "/api/v1/orgs?province=Fars", 0);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);

	/* A provincial analyst sees its province's organisations only. */
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		items = get_items(R_PROV, paths[i], -1);
		for (size_t k = 0; k < json_array_size(items); k++)
			if (strcmp(h_jstr(json_array_get(items, k), "province"), "Tehran") != 0)
				fail_msg("provincial listing %s sees %s", paths[i],
					 h_jstr(json_array_get(items, k), "name"));
		json_decref(items);
	}
	items = get_items(R_PROV, "/api/v1/orgs?q=Org%20A", -1);
	assert_true(json_array_size(items) >= 2); /* Org A and Org A2 */
	json_decref(items);
	items = get_items(R_PROV, "/api/v1/orgs?province=Fars", 0);
	json_decref(items);

	/* The national roles see both provinces. */
	const int national[] = { R_ADMIN, R_ANALYST, R_RESP };
	for (size_t i = 0; i < 3; i++) {
		items = get_items(national[i], "/api/v1/orgs?q=Org%20B", 1);
		assert_int_equal(h_jint(json_array_get(items, 0), "id"), F.org_b);
		json_decref(items);
	}
}

static void test_lookup_does_not_leak(void **state)
{
	(void)state;
	struct h_resp r;
	struct h_cred p = sess(R_PROV), c = sess(R_CONS);
	const char *qs[] = { "ip=10.2.3.4", "domain=www.b.example", "url=https%3A%2F%2Fb.example%2F" };
	for (size_t i = 0; i < 3; i++) {
		h_httpf(&F.srv, &r, "GET", &p, NULL, "/api/v1/lookup?%s", qs[i]);
		H_PROBLEM(&r, 404, NULL);
		assert_null(strstr(r.body, "Org B"));
		h_resp_free(&r);
		h_httpf(&F.srv, &r, "GET", &c, NULL, "/api/v1/lookup?%s", qs[i]);
		H_PROBLEM(&r, 403, NULL);
		assert_null(strstr(r.body, "Org B"));
		h_resp_free(&r);
	}
	/* A constituent may not even look up its own network. */
	h_http(&F.srv, &r, "GET", "/api/v1/lookup?ip=10.1.2.3", &c, NULL);
	H_PROBLEM(&r, 403, NULL);
	h_resp_free(&r);
	h_http(&F.srv, &r, "GET", "/api/v1/lookup?domain=www.a.example", &p, NULL);
	H_STATUS(&r, 200);
	assert_int_equal(h_jint(json_object_get(r.json, "org"), "id"), F.org_a);
	h_resp_free(&r);
}

/* Claiming a network another organisation owns is refused; the answer
** names the owner only to those who may see it (a conflict, 409), to others
** only its province (403, as for an overlap: test_attack_scope). */
static void test_conflict_names_owner_only_in_scope(void **state)
{
	(void)state;
	struct h_resp r;
	struct h_cred p = sess(R_PROV);
	int64_t audit = h_audit_count(&F.srv, &F.admin);
	h_httpf(&F.srv, &r, "POST", &p, "{\"type\":\"cidr\",\"value\":\"10.2.0.0/16\"}",
		"/api/v1/orgs/%lld/assets", (long long)F.org_a);
	H_PROBLEM(&r, 403, "value");
	assert_null(strstr(r.body, "Org B"));
	h_resp_free(&r);
	h_httpf(&F.srv, &r, "POST", &p, "{\"type\":\"domain\",\"value\":\"B.example\"}",
		"/api/v1/orgs/%lld/assets", (long long)F.org_a);
	H_PROBLEM(&r, 403, "value");
	assert_null(strstr(r.body, "Org B"));
	h_resp_free(&r);
	h_httpf(&F.srv, &r, "POST", &F.admin, "{\"type\":\"cidr\",\"value\":\"10.2.0.0/16\"}",
		"/api/v1/orgs/%lld/assets", (long long)F.org_a);
	H_PROBLEM(&r, 409, "value");
	H_CONTAINS(r.body, "Org B");
	h_resp_free(&r);
	assert_int_equal(h_audit_count(&F.srv, &F.admin), audit);
}

/* A provincial analyst cannot move an organisation out of its province,
** nor re-parent one under another province's organisation to see it. */
static void test_provincial_cannot_move_orgs_out(void **state)
{
	(void)state;
	struct h_resp r;
	struct h_cred p = sess(R_PROV);
	int64_t audit = h_audit_count(&F.srv, &F.admin);
	h_httpf(&F.srv, &r, "PATCH", &p, "{\"province\":\"Fars\"}", "/api/v1/orgs/%lld",
		(long long)F.org_a2);
	H_PROBLEM(&r, 403, NULL);
	h_resp_free(&r);
	h_httpf(&F.srv, &r, "GET", &p, NULL, "/api/v1/orgs/%lld", (long long)F.org_a2);
	H_STATUS(&r, 200);
	assert_string_equal(h_jstr(r.json, "province"), "Tehran");
	h_resp_free(&r);
	assert_int_equal(h_audit_count(&F.srv, &F.admin), audit);
	/* Nor create a team or user (admin work). */
	h_http(&F.srv, &r, "POST", "/api/v1/users", &p,
	       "{\"login\":\"sneaky\",\"role\":\"admin\",\"password\":\"" PW "\"}");
	H_PROBLEM(&r, 403, NULL);
	h_resp_free(&r);
}

/* A token can narrow its owner's reach, never widen it. */
static void test_tokens_cannot_widen_scope(void **state)
{
	(void)state;
	struct h_resp r;
	struct h_cred p = sess(R_PROV), c = sess(R_CONS);
	int64_t audit = h_audit_count(&F.srv, &F.admin);
	h_http(&F.srv, &r, "POST", "/api/v1/tokens", &p, "{\"province\":\"Fars\"}");
	H_PROBLEM(&r, 403, NULL);
	h_resp_free(&r);
	h_http(&F.srv, &r, "POST", "/api/v1/tokens", &c, "{\"province\":\"Tehran\"}");
	H_PROBLEM(&r, 403, NULL);
	h_resp_free(&r);
	assert_int_equal(h_audit_count(&F.srv, &F.admin), audit);
	/* The CLI applies the same rule. */
	char b[32];
	snprintf(b, sizeof(b), "%lld", (long long)F.org_b);
	struct h_proc pr;
	h_cli(&pr, F.dir, NULL, "token", "add", "cons", "--org", b, NULL);
	assert_int_not_equal(pr.status, 0);
	assert_null(strstr(pr.out, "prt_"));
	h_proc_free(&pr);
	h_cli(&pr, F.dir, NULL, "token", "add", "prov", "--province", "Fars", NULL);
	assert_int_not_equal(pr.status, 0);
	assert_null(strstr(pr.out, "prt_"));
	h_proc_free(&pr);
	/* A narrowed token of the provincial analyst works within it. */
	char a[32];
	snprintf(a, sizeof(a), "%lld", (long long)F.org_a2);
	char *t = h_token_add(F.dir, "prov", "--org", a, NULL);
	struct h_cred tc = { t, NULL, NULL };
	json_t *items;
	h_http(&F.srv, &r, "GET", "/api/v1/orgs", &tc, NULL);
	H_STATUS(&r, 200);
	items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(h_jint(json_array_get(items, 0), "id"), F.org_a2);
	h_resp_free(&r);
	h_httpf(&F.srv, &r, "GET", &tc, NULL, "/api/v1/orgs/%lld", (long long)F.org_a);
	H_PROBLEM(&r, 404, NULL);
	h_resp_free(&r);
	free(t);
}

static void test_token_and_user_lists(void **state)
{
	(void)state;
	/* Non-admins see their own tokens only, even asking for all. */
	for (int role = R_ANALYST; role < R_ANON; role++) {
		json_t *items = get_items(role, "/api/v1/tokens?all=1", -1);
		assert_true(json_array_size(items) >= 1);
		for (size_t k = 0; k < json_array_size(items); k++)
			if (h_jint(json_array_get(items, k), "user") != F.w[role].uid)
				fail_msg("%s sees a token of user %lld", role_name[role],
					 (long long)h_jint(json_array_get(items, k), "user"));
		json_decref(items);
	}
	json_t *items = get_items(R_ADMIN, "/api/v1/tokens?all=1", -1);
	bool others = false;
	for (size_t k = 0; k < json_array_size(items); k++)
		others |= h_jint(json_array_get(items, k), "user") != F.w[R_ADMIN].uid;
	assert_true(others);
	json_decref(items);
	/* User lists never carry password hashes. */
	struct h_resp r;
	h_http(&F.srv, &r, "GET", "/api/v1/users", &F.admin, NULL);
	H_STATUS(&r, 200);
	assert_null(strstr(r.body, "pwhash"));
	assert_null(strstr(r.body, "$argon2"));
	h_resp_free(&r);
	/* An admin cannot delete itself. */
	h_httpf(&F.srv, &r, "DELETE", &F.admin, NULL, "/api/v1/users/%lld",
		(long long)F.w[R_ADMIN].uid);
	H_PROBLEM(&r, 400, NULL);
	h_resp_free(&r);
}

/* Incident lists show each caller its scope only, whatever it filters by;
** internal notes and evidence stay with CERT staff. */
static void test_incident_lists_are_scoped(void **state)
{
	(void)state;
	const char *paths[] = { "/api/v1/incidents?limit=500", "/api/v1/incidents?province=Fars",
				"/api/v1/incidents?status=new,triaged&limit=500" };
	char *by_org = h_fmt("/api/v1/incidents?org_id=%lld", (long long)F.org_b);
	for (size_t i = 0; i < 4; i++) {
		const char *path = i < 3 ? paths[i] : by_org;
		json_t *items = get_items(R_CONS, path, -1);
		for (size_t k = 0; k < json_array_size(items); k++)
			if (h_jint(json_array_get(items, k), "org_id") != F.org_a)
				fail_msg("constituent listing %s sees org %lld", path,
					 (long long)h_jint(json_array_get(items, k), "org_id"));
		json_decref(items);
		items = get_items(R_PROV, path, -1);
		for (size_t k = 0; k < json_array_size(items); k++)
			if (strcmp(h_jstr(json_array_get(items, k), "province"), "Tehran") != 0)
				fail_msg("provincial listing %s sees %s", path,
					 h_jstr(json_array_get(items, k), "province"));
		json_decref(items);
		items = get_items(R_RESP, path, -1);
		for (size_t k = 0; k < json_array_size(items); k++)
			if (h_jint(json_array_get(items, k), "team") != F.team)
				fail_msg("responder listing %s sees incident %lld of team %lld", path,
					 (long long)h_jint(json_array_get(items, k), "id"),
					 (long long)h_jint(json_array_get(items, k), "team"));
		json_decref(items);
	}
	free(by_org);
	/* the fixture incidents are where they should be */
	json_t *items = get_items(R_CONS, "/api/v1/incidents?limit=500", -1);
	bool own = false;
	for (size_t k = 0; k < json_array_size(items); k++)
		own |= h_jint(json_array_get(items, k), "id") == F.inc[0];
	assert_true(own);
	json_decref(items);
	items = get_items(R_RESP, "/api/v1/incidents?limit=500", -1);
	own = false;
	for (size_t k = 0; k < json_array_size(items); k++)
		own |= h_jint(json_array_get(items, k), "id") == F.inc[0];
	assert_true(own);
	json_decref(items);
}

static void test_constituent_is_shared_only(void **state)
{
	(void)state;
	struct h_resp r;
	struct h_cred c = sess(R_CONS), a = sess(R_ANALYST);
	int64_t audit = h_audit_count(&F.srv, &F.admin);
	h_httpf(&F.srv, &r, "POST", &c, "{\"body\":\"x\",\"visibility\":\"internal\"}",
		"/api/v1/incidents/%lld/messages", (long long)F.inc[0]);
	H_PROBLEM(&r, 403, "visibility");
	h_resp_free(&r);
	char *p = h_fmt("/api/v1/incidents/%lld/evidence?name=x.txt&visibility=internal",
			(long long)F.inc[0]);
	h_http_ex(&F.srv, &r, "POST", p, &c, "application/octet-stream", "abc", 3, false, NULL);
	free(p);
	H_PROBLEM(&r, 403, "visibility");
	h_resp_free(&r);
	assert_int_equal(h_audit_count(&F.srv, &F.admin), audit);
	/* staff's internal note and evidence exist, and are invisible to it */
	h_httpf(&F.srv, &r, "POST", &a, "{\"body\":\"staff only note\",\"visibility\":\"internal\"}",
		"/api/v1/incidents/%lld/messages", (long long)F.inc[0]);
	H_STATUS(&r, 201);
	h_resp_free(&r);
	p = h_fmt("/api/v1/incidents/%lld/evidence?name=staff-only.txt&visibility=internal",
		  (long long)F.inc[0]);
	h_http_ex(&F.srv, &r, "POST", p, &a, "application/octet-stream", "abc", 3, false, NULL);
	free(p);
	H_STATUS(&r, 201);
	int64_t eid = h_jint(r.json, "id");
	h_resp_free(&r);
	h_httpf(&F.srv, &r, "GET", &c, NULL, "/api/v1/incidents/%lld/messages", (long long)F.inc[0]);
	H_STATUS(&r, 200);
	assert_null(strstr(r.body, "staff only note"));
	h_resp_free(&r);
	h_httpf(&F.srv, &r, "GET", &c, NULL, "/api/v1/incidents/%lld/evidence", (long long)F.inc[0]);
	H_STATUS(&r, 200);
	assert_null(strstr(r.body, "staff-only.txt"));
	h_resp_free(&r);
	h_httpf(&F.srv, &r, "GET", &c, NULL, "/api/v1/incidents/%lld/evidence/%lld",
		(long long)F.inc[0], (long long)eid);
	H_PROBLEM(&r, 404, NULL);
	h_resp_free(&r);
}

/* A token narrowed to an organisation or a province never reaches through
** a feed route, even an admin's: feed files and the no-owner view hold
** every province's hosts, and an upload opens incidents anywhere. Every
** route under /api/v1/feeds/ of the server's own table is tried, so a new
** feed route is covered too; and /metrics, whose counts are national. */
static void test_narrowed_tokens_on_feed_routes(void **state)
{
	(void)state;
	char a[32];
	snprintf(a, sizeof(a), "%lld", (long long)F.org_a);
	char *tok[2] = { h_token_add(F.dir, "admin", "--org", a, NULL),
			 h_token_add(F.dir, "admin", "--province", "Tehran", NULL) };
	static const char *what[2] = { "org-narrowed", "province-narrowed" };
	int tried = 0;
	for (size_t i = 0; http_routes[i].pattern; i++) {
		const struct route *rt = &http_routes[i];
		if (strncmp(rt->pattern, "/api/v1/feeds/", 14) != 0 &&
		    strcmp(rt->pattern, "/metrics") != 0)
			continue;
		const struct rule *ru = rule_for(rt);
		assert_non_null(ru);
		for (int k = 0; k < 2; k++) {
			char *path, *body, ck[80], cs[80];
			struct h_cred cred;
			build(ru, R_ADMIN, false, P_TOKEN, &path, &body, &cred, ck, cs);
			cred.token = tok[k];
			int64_t audit0 = h_audit_count(&F.srv, &F.admin);
			struct h_resp r;
			h_http(&F.srv, &r, ru->method, path, &cred, body);
			if (r.status != 403)
				fail_msg("%s %s with an admin's %s token: %ld, expected 403: %.200s",
					 ru->method, path, what[k], r.status, r.body);
			H_PROBLEM(&r, 403, NULL);
			H_CONTAINS(r.body, "narrowed");
			assert_int_equal(h_audit_count(&F.srv, &F.admin), audit0);
			h_resp_free(&r);
			free(path);
			free(body);
			tried++;
		}
	}
	assert_true(tried >= 10); /* 4 feed routes and /metrics x 2 tokens, today */
	free(tok[0]);
	free(tok[1]);
}

/* ------------------------------------------------------------ advisories */

/* A constituent lists the advisories that target its organisation, and
** only those, whatever it asks for. */
static void test_advisory_lists_are_scoped(void **state)
{
	(void)state;
	assert_true(F.adv[0] > 0 && F.adv[1] > 0);
	const char *paths[] = { "/api/v1/advisories", "/api/v1/advisories?status=published",
				"/api/v1/advisories?q=matrix", "/api/v1/advisories?limit=1000" };
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		json_t *items = get_items(R_CONS, paths[i], -1);
		bool own = false;
		for (size_t k = 0; k < json_array_size(items); k++) {
			int64_t id = h_jint(json_array_get(items, k), "id");
			if (id == F.adv[1])
				fail_msg("constituent listing %s sees Org B's advisory", paths[i]);
			own |= id == F.adv[0];
		}
		if (i != 2 && !own)
			fail_msg("constituent listing %s misses its own advisory", paths[i]);
		json_decref(items);
	}
	/* staff see both */
	json_t *items = get_items(R_RESP, "/api/v1/advisories?limit=1000", -1);
	int seen = 0;
	for (size_t k = 0; k < json_array_size(items); k++) {
		int64_t id = h_jint(json_array_get(items, k), "id");
		seen += id == F.adv[0] || id == F.adv[1];
	}
	assert_int_equal(seen, 2);
	json_decref(items);
}

/* The state of org's target of advisory id, as the tracking view says. */
static char *target_state(int64_t id, int64_t org)
{
	struct h_resp r;
	h_httpf(&F.srv, &r, "GET", &F.admin, NULL, "/api/v1/advisories/%lld/targets", (long long)id);
	H_STATUS(&r, 200);
	json_t *ts = json_object_get(r.json, "targets");
	char *st = NULL;
	for (size_t k = 0; k < json_array_size(ts); k++) {
		json_t *t = json_array_get(ts, k);
		if (h_jint(json_object_get(t, "org"), "id") == org)
			st = h_fmt("%s", h_jstr(t, "state"));
	}
	h_resp_free(&r);
	if (!st)
		fail_msg("advisory %lld has no target %lld", (long long)id, (long long)org);
	return st;
}

/* A mail's links, made with the server's own key: GET of a read link marks
** read; GET of an acknowledge link (what a mail scanner fetches) only says
** what it would do, and POST does it, once (a replay is harmless); a
** signed-in user of another organisation may not use it; an expired link
** is refused. */
static void test_advisory_links(void **state)
{
	(void)state;
	int64_t id = fresh_advisory(false, true);
	assert_true(id > 0);
	char tok[512], ack[512], old[512];
	struct perr e;
	int64_t far = core_now_ms() + 86400000;
	assert_int_equal(advisory_link_make(F.dir, id, F.org_a, "read", far, tok, sizeof(tok), &e), 0);
	assert_int_equal(advisory_link_make(F.dir, id, F.org_a, "ack", far, ack, sizeof(ack), &e), 0);
	assert_int_equal(advisory_link_make(F.dir, id, F.org_a, "ack", core_now_ms() - 1000, old,
					    sizeof(old), &e), 0);
	struct h_cred anon = { NULL, NULL, NULL };
	struct h_resp r;
	char *st = target_state(id, F.org_a);
	assert_string_equal(st, "notified");
	free(st);

	h_httpf(&F.srv, &r, "GET", &anon, NULL, "/api/v1/advisory-links/%s", tok);
	H_STATUS(&r, 200);
	assert_string_equal(h_jstr(r.json, "action"), "read");
	assert_true(json_is_true(json_object_get(r.json, "done")));
	assert_int_equal(h_jint(r.json, "advisory"), id);
	h_resp_free(&r);
	st = target_state(id, F.org_a);
	assert_string_equal(st, "read");
	free(st);

	int64_t audit = h_audit_count(&F.srv, &F.admin);
	for (int k = 0; k < 2; k++) { /* a scanner fetches twice */
		h_httpf(&F.srv, &r, "GET", &anon, NULL, "/api/v1/advisory-links/%s", ack);
		H_STATUS(&r, 200);
		assert_string_equal(h_jstr(r.json, "action"), "ack");
		assert_false(json_is_true(json_object_get(r.json, "done")));
		h_resp_free(&r);
	}
	st = target_state(id, F.org_a);
	assert_string_equal(st, "read");
	free(st);
	assert_int_equal(h_audit_count(&F.srv, &F.admin), audit);

	/* another organisation's signed-in user: refused, nothing changes */
	char *u = h_fmt("{\"login\":\"cons-b\",\"role\":\"constituent\",\"org\":%lld,"
			"\"password\":\"" PW "\"}", (long long)F.org_b);
	admin_call("POST", "/api/v1/users", u, 201);
	free(u);
	char ck[80], cs[80];
	h_login(&F.srv, "cons-b", PW, ck, cs);
	struct h_cred b = { NULL, ck, cs };
	h_httpf(&F.srv, &r, "POST", &b, NULL, "/api/v1/advisory-links/%s", ack);
	H_PROBLEM(&r, 403, NULL);
	h_resp_free(&r);
	/* expired */
	h_httpf(&F.srv, &r, "POST", &anon, NULL, "/api/v1/advisory-links/%s", old);
	H_PROBLEM(&r, 403, NULL);
	h_resp_free(&r);
	st = target_state(id, F.org_a);
	assert_string_equal(st, "read");
	free(st);

	for (int k = 0; k < 2; k++) { /* the person clicks; then again */
		h_httpf(&F.srv, &r, "POST", &anon, NULL, "/api/v1/advisory-links/%s", ack);
		H_STATUS(&r, 200);
		assert_string_equal(h_jstr(r.json, "action"), "ack");
		assert_true(json_is_true(json_object_get(r.json, "done")));
		h_resp_free(&r);
	}
	st = target_state(id, F.org_a);
	assert_string_equal(st, "acknowledged");
	free(st);
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_route_has_expectations),
		cmocka_unit_test(test_org_lists_are_scoped),
		cmocka_unit_test(test_lookup_does_not_leak),
		cmocka_unit_test(test_conflict_names_owner_only_in_scope),
		cmocka_unit_test(test_provincial_cannot_move_orgs_out),
		cmocka_unit_test(test_tokens_cannot_widen_scope),
		cmocka_unit_test(test_token_and_user_lists),
		cmocka_unit_test(test_incident_lists_are_scoped),
		cmocka_unit_test(test_constituent_is_shared_only),
		cmocka_unit_test(test_narrowed_tokens_on_feed_routes),
		cmocka_unit_test(test_advisory_lists_are_scoped),
		cmocka_unit_test(test_advisory_links),
		cmocka_unit_test(test_matrix_sessions),
		cmocka_unit_test(test_matrix_tokens),
		cmocka_unit_test(test_matrix_readonly_tokens),
	};
	return cmocka_run_group_tests_name("rbac", tests, setup, teardown);
}
