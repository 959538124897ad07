/*
** test_watch.c — the website monitor end to end against the real site farm
** (tests/farm/farm.py: nginx and NSD from Debian on loopback ports),
** through the real binary: `parapet watch run --once` for passes, the API
** of `parapet serve` for what analysts and constituents see.
**
** One farm and one data directory serve every case, in order: the sites
** learn their baselines, stay quiet through an ordinary update, are
** defaced in seven ways and each becomes an incident (and the sites made
** to load from a listed domain's hosts are sightings of that indicator,
** one per site however many checks see it), recover by
** themselves when restored, a DNS answer moved outside the organisation's
** addresses is a hijack, a certificate from another issuer and key is a
** certificate change, an outage is confirmed before it is reported, a
** late pass flags missed checks, hostile servers (redirect loop, 20 MB
** page, binary body, slowloris, 10,000 nested tags) are recorded checks
** and never a hang (then paused, so later passes do not wait for the
** slow one), and an analyst accepts a redesign over the API while a
** constituent sees only its own organisation's sites.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define NSITES 8

static struct {
	char *dir, *farm, *data;
	const char *farm_py;
	char dns[64], dns_port[16], ca[1024];
	char url[NSITES + 1][256];  /* 1-based: url[k] is s0000k */
	char bad[5][256];
	int64_t org_a, org_b;
	int64_t site[NSITES + 1];   /* site id of url[k] */
	int64_t bad_site[5];
	char env[7][1200];
	const char *envp[8];
} W;

static void farm(const char *cmd, const char *a1, const char *a2, const char *a3, const char *a4)
{
	const char *argv[] = { "python3", W.farm_py, cmd, "--dir", W.farm, a1, a2, a3, a4, NULL };
	struct h_proc p;
	if (h_run(&p, NULL, NULL, argv) != 0 || p.status != 0)
		fail_msg("farm.py %s %s: exit %d: %s", cmd, a1 ? a1 : "", p.status, p.err);
	h_proc_free(&p);
}

static char *site_name(int k)
{
	return h_fmt("s%05d.gov.test", k);
}

/* One monitor pass through the CLI; returns its counts (caller decrefs). */
static json_t *pass(bool all, const char *at)
{
	const char *argv[12] = { h_bin(), "--data", W.data, "watch", "run", "--once" };
	int n = 6;
	if (all)
		argv[n++] = "--all";
	if (at) {
		argv[n++] = "--at";
		argv[n++] = at;
	}
	argv[n] = NULL;
	struct h_proc p;
	if (h_run(&p, NULL, W.envp, argv) != 0 || p.status != 0)
		fail_msg("watch run: exit %d: %s", p.status, p.err);
	json_error_t je;
	json_t *j = json_loads(p.out, 0, &je);
	if (!j)
		fail_msg("watch run printed no JSON: %s", p.out);
	h_proc_free(&p);
	return j;
}

static json_t *cli_json(const char *a1, const char *a2, const char *a3, const char *a4)
{
	const char *argv[] = { h_bin(), "--data", W.data, "--json", a1, a2, a3, a4, NULL };
	struct h_proc p;
	if (h_run(&p, NULL, W.envp, argv) != 0 || p.status != 0)
		fail_msg("parapet %s %s: exit %d: %s", a1, a2 ? a2 : "", p.status, p.err);
	json_t *j = json_loads(p.out, 0, NULL);
	if (!j)
		fail_msg("parapet %s %s printed no JSON: %s", a1, a2 ? a2 : "", p.out);
	h_proc_free(&p);
	return j;
}

static json_t *site_json(int64_t id)
{
	json_t *all = cli_json("watch", "sites", NULL, NULL);
	json_t *found = NULL;
	for (size_t i = 0; i < json_array_size(all); i++)
		if (json_integer_value(json_object_get(json_array_get(all, i), "id")) == id)
			found = json_incref(json_array_get(all, i));
	json_decref(all);
	if (!found)
		fail_msg("site %lld not listed", (long long)id);
	return found;
}

static char *site_state(int64_t id)
{
	json_t *s = site_json(id);
	char *st = strdup(json_string_value(json_object_get(s, "state")));
	json_decref(s);
	return st;
}

static json_t *newest_check(int64_t id)
{
	char ids[32];
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	json_t *a = cli_json("watch", "checks", ids, NULL);
	json_t *c = json_incref(json_array_get(a, 0));
	json_decref(a);
	if (!c)
		fail_msg("site %lld has no check", (long long)id);
	return c;
}

static json_t *incident(int64_t id)
{
	char ids[32];
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	return cli_json("incident", "show", ids, NULL);
}

static int64_t count(json_t *j, const char *key)
{
	return json_integer_value(json_object_get(j, key));
}

/* ------------------------------------------------------------- fixture */

static int setup(void **state)
{
	(void)state;
	memset(&W, 0, sizeof(W));
	W.farm_py = getenv("FARM");
	if (!W.farm_py)
		fail_msg("FARM (path of tests/farm/farm.py) is not set");
	W.dir = h_tmpdir("watch");
	W.farm = h_fmt("%s/farm", W.dir);
	W.data = h_fmt("%s/data", W.dir);
	char n[16], me[16];
	snprintf(n, sizeof(n), "%d", NSITES);
	/* the farm stops by itself when this test process dies */
	snprintf(me, sizeof(me), "%d", (int)getpid());
	farm("start", "--sites", n, "--watch-pid", me);
	char *fj = h_fmt("%s/farm.json", W.farm);
	json_t *f = json_load_file(fj, 0, NULL);
	free(fj);
	assert_non_null(f);
	snprintf(W.dns, sizeof(W.dns), "%s", json_string_value(json_object_get(f, "dns_server")));
	snprintf(W.dns_port, sizeof(W.dns_port), "%lld", (long long)count(f, "dns_port"));
	snprintf(W.ca, sizeof(W.ca), "%s", json_string_value(json_object_get(f, "ca_file")));
	int http = (int)count(f, "http_port"), https = (int)count(f, "https_port");
	for (int k = 1; k <= NSITES; k++) {
		char *nm = site_name(k);
		/* the last site is watched over HTTPS, for the certificate */
		snprintf(W.url[k], sizeof(W.url[k]), k == NSITES ? "https://%s:%d/" : "http://%s:%d/",
			 nm, k == NSITES ? https : http);
		free(nm);
	}
	const char *bad[5] = { "bad-loop.gov.test", "bad-huge.gov.test", "bad-binary.gov.test",
			       "bad-slow.gov.test", "bad-malformed.gov.test" };
	json_t *bs = json_object_get(f, "bad_sites");
	for (int k = 0; k < 5; k++) {
		json_t *b = json_object_get(bs, bad[k]);
		const char *u = json_is_string(b) ? json_string_value(b)
						  : json_string_value(json_object_get(b, "url"));
		if (!u) {
			fail_msg("farm.json has no URL for %s", bad[k]);
			return -1;
		}
		snprintf(W.bad[k], sizeof(W.bad[k]), "%s", u);
	}
	json_decref(f);

	snprintf(W.env[0], sizeof(W.env[0]), "PARAPET_WATCH_DNS_SERVERS=%s", W.dns);
	snprintf(W.env[1], sizeof(W.env[1]), "PARAPET_WATCH_DNS_AUTH_PORT=%s", W.dns_port);
	snprintf(W.env[2], sizeof(W.env[2]), "PARAPET_WATCH_CA_FILE=%s", W.ca);
	snprintf(W.env[3], sizeof(W.env[3]), "PARAPET_WATCH_TIMEOUT=3");
	snprintf(W.env[4], sizeof(W.env[4]), "PARAPET_WATCH_CONNECT_TIMEOUT=2");
	snprintf(W.env[5], sizeof(W.env[5]), "PARAPET_WATCH_DNS_TIMEOUT=500");
	/* batches of 10 (two in flight, of 5 each): every pass runs the
	** pipeline across batches, and each count below checks that every site
	** was checked once, none twice */
	snprintf(W.env[6], sizeof(W.env[6]), "PARAPET_WATCH_BATCH=10");
	for (int i = 0; i < 7; i++)
		W.envp[i] = W.env[i];
	W.envp[7] = NULL;

	h_migrate(W.data);
	W.org_a = h_org_add(W.data, "Ministry of Energy", "Tehran");
	W.org_b = h_org_add(W.data, "Ministry of Roads", "Fars");
	char a[32], b[32];
	snprintf(a, sizeof(a), "%lld", (long long)W.org_a);
	snprintf(b, sizeof(b), "%lld", (long long)W.org_b);
	/* Org A owns the farm's addresses and name servers; Org B's one site
	** (s00007) is served from them too, which the scope checks use: an
	** overlap across organisations, so confirmed. */
	const char *assets[][3] = { { a, "cidr", "127.0.0.0/8" }, { a, "cidr", "::1/128" },
				    { a, "domain", "gov.test" } };
	struct h_proc p;
	for (size_t i = 0; i < 3; i++) {
		h_cli(&p, W.data, NULL, "asset", "add", assets[i][0], assets[i][1], assets[i][2], NULL);
		assert_int_equal(p.status, 0);
		h_proc_free(&p);
	}
	for (int k = 1; k <= NSITES; k++) {
		h_cli(&p, W.data, NULL, "asset", "add", k == 7 ? b : a, "url", W.url[k],
		      "--confirm-overlap", NULL);
		assert_int_equal(p.status, 0);
		h_proc_free(&p);
	}
	for (int k = 0; k < 5; k++) {
		h_cli(&p, W.data, NULL, "asset", "add", a, "url", W.bad[k], NULL);
		assert_int_equal(p.status, 0);
		h_proc_free(&p);
	}
	/* every URL asset is a watched site from the start */
	json_t *sites = cli_json("watch", "sites", NULL, NULL);
	assert_int_equal(json_array_size(sites), NSITES + 5);
	for (size_t i = 0; i < json_array_size(sites); i++) {
		json_t *s = json_array_get(sites, i);
		const char *u = json_string_value(json_object_get(s, "url"));
		assert_string_equal(json_string_value(json_object_get(s, "state")), "learning");
		for (int k = 1; k <= NSITES; k++)
			if (strcmp(u, W.url[k]) == 0)
				W.site[k] = count(s, "id");
		for (int k = 0; k < 5; k++)
			if (strcmp(u, W.bad[k]) == 0)
				W.bad_site[k] = count(s, "id");
	}
	json_decref(sites);
	for (int k = 1; k <= NSITES; k++)
		assert_true(W.site[k] > 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	const char *argv[] = { "python3", W.farm_py, "stop", "--dir", W.farm, NULL };
	struct h_proc p;
	h_run(&p, NULL, NULL, argv);
	h_proc_free(&p);
	h_rmdir(W.dir);
	free(W.farm);
	free(W.data);
	return 0;
}

/* --------------------------------------------------------------- cases */

/* First pass learns, second is quiet, an ordinary news update is quiet. */
static void learns_then_stays_quiet(void **state)
{
	(void)state;
	json_t *j = pass(true, NULL);
	assert_int_equal(count(j, "checked"), NSITES + 5);
	assert_true(count(j, "learning") >= NSITES); /* the bad sites may only error */
	assert_int_equal(count(j, "alerts"), 0);
	assert_int_equal(count(j, "incidents"), 0);
	json_decref(j);
	for (int k = 1; k <= NSITES; k++) {
		char *st = site_state(W.site[k]);
		assert_string_equal(st, "ok");
		free(st);
	}
	/* the learned DNS answers and certificate are on the site */
	json_t *s = site_json(W.site[NSITES]);
	json_t *cert = json_object_get(s, "certificate");
	assert_true(json_is_object(cert));
	assert_int_equal(strlen(json_string_value(json_object_get(cert, "sha256"))), 64);
	assert_true(json_is_true(json_object_get(cert, "valid")));
	json_t *dns = json_object_get(s, "dns_expected");
	assert_true(json_is_object(dns));
	json_decref(s);

	for (int k = 1; k <= 3; k++) {
		char *nm = site_name(k);
		farm("update", nm, NULL, NULL, NULL);
		free(nm);
	}
	for (int r = 0; r < 2; r++) {
		j = pass(true, NULL);
		assert_int_equal(count(j, "alerts"), 0);
		assert_int_equal(count(j, "incidents"), 0);
		json_decref(j);
	}
	json_t *c = newest_check(W.site[1]);
	const char *oc = json_string_value(json_object_get(c, "outcome"));
	assert_true(strcmp(oc, "ok") == 0 || strcmp(oc, "changed") == 0);
	json_t *fetch = json_object_get(json_object_get(c, "detail"), "fetch");
	assert_int_equal(json_integer_value(json_object_get(fetch, "status")), 200);
	json_decref(c);
}

struct attack {
	int site;
	const char *kind;
	const char *incident_kind; /* expected, or NULL for any */
};

static const struct attack attacks[] = {
	{ 1, "full", "defacement" },   { 2, "script", "injected-code" },
	{ 3, "iframe", "injected-code" }, { 4, "redirect", NULL },
	{ 5, "form", "injected-code" }, { 6, "seo", "injected-code" },
	{ 8, "partial", NULL },
};
#define NATTACKS (sizeof(attacks) / sizeof(attacks[0]))

/* Every defacement kind is detected on the first check after it and
** becomes an incident of the site's organisation, with evidence. */
/* The watch sightings of indicator id, by site: how many, and whether
** each is a site in sites[0..n) (issue 15: a watched site that starts
** loading from a listed host). */
static int watch_sightings(const char *id, const int *sites, size_t n, bool *seen)
{
	const char *argv[] = { h_bin(), "--data", W.data, "indicator", "sightings", id, NULL };
	struct h_proc p;
	if (h_run(&p, NULL, W.envp, argv) != 0 || p.status != 0)
		fail_msg("indicator sightings: exit %d: %s", p.status, p.err);
	json_t *a = json_loads(p.out, 0, NULL);
	h_proc_free(&p);
	int count = 0;
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *x = json_array_get(a, i);
		if (strcmp(json_string_value(json_object_get(x, "kind")), "watch") != 0)
			continue;
		count++;
		int64_t ref = json_integer_value(json_object_get(x, "ref"));
		bool known = false;
		for (size_t k = 0; k < n; k++)
			if (W.site[sites[k]] == ref) {
				known = seen[k] = true;
				assert_int_equal(json_integer_value(json_object_get(x, "org_id")), W.org_a);
			}
		if (!known)
			fail_msg("a watch sighting of site %lld, which loads from no listed host",
				 (long long)ref);
	}
	json_decref(a);
	return count;
}

static void attacks_become_incidents(void **state)
{
	(void)state;
	/* the attackers' domain is a listed indicator: the sites made to load
	** from its hosts (a script, a frame, a form's target, a redirect) are
	** sightings of it */
	const char *add[] = { h_bin(), "--data", W.data, "indicator", "add", "domain", "attacker.test",
			      "--confirm", NULL };
	struct h_proc ap;
	if (h_run(&ap, NULL, W.envp, add) != 0 || ap.status != 0)
		fail_msg("indicator add: exit %d: %s", ap.status, ap.err);
	char *ind = strdup(ap.out);
	ind[strcspn(ind, "\n")] = '\0';
	h_proc_free(&ap);
	for (size_t i = 0; i < NATTACKS; i++) {
		char *nm = site_name(attacks[i].site);
		farm("deface", nm, "--kind", attacks[i].kind, NULL);
		free(nm);
	}
	json_t *j = pass(true, NULL);
	assert_int_equal(count(j, "alerts"), (json_int_t)NATTACKS);
	json_decref(j);
	static const int loaders[] = { 2, 3, 5, 4 }; /* script, iframe, form; redirect */
	bool seen[4] = { false };
	int watch = watch_sightings(ind, loaders, 4, seen);
	assert_true(seen[0] && seen[1] && seen[2]);
	for (size_t i = 0; i < NATTACKS; i++) {
		int64_t sid = W.site[attacks[i].site];
		json_t *s = site_json(sid);
		if (strcmp(json_string_value(json_object_get(s, "state")), "alert") != 0)
			fail_msg("deface %s of %s: state %s", attacks[i].kind, W.url[attacks[i].site],
				 json_string_value(json_object_get(s, "state")));
		int64_t inc = count(s, "incident");
		assert_true(inc > 0);
		json_decref(s);
		json_t *in = incident(inc);
		assert_int_equal(count(in, "org_id"), W.org_a);
		assert_string_equal(json_string_value(json_object_get(in, "source")), "monitor");
		const char *kind = json_string_value(json_object_get(in, "kind"));
		if (attacks[i].incident_kind && strcmp(kind, attacks[i].incident_kind) != 0)
			fail_msg("deface %s: incident kind %s, expected %s", attacks[i].kind, kind,
				 attacks[i].incident_kind);
		const char *sev = json_string_value(json_object_get(in, "severity"));
		assert_true(strcmp(sev, "low") != 0);
		json_decref(in);
	}
	/* the full defacement: critical, with the diff, hash and page */
	json_t *c = newest_check(W.site[1]);
	assert_string_equal(json_string_value(json_object_get(c, "outcome")), "alert");
	assert_string_equal(json_string_value(json_object_get(c, "severity")), "critical");
	json_t *d = json_object_get(c, "detail");
	H_CONTAINS(json_string_value(json_object_get(d, "text_diff")), "\n+");
	assert_int_equal(strlen(json_string_value(json_object_get(d, "body_sha256"))), 64);
	assert_true(json_is_object(json_object_get(d, "before")));
	assert_true(json_is_object(json_object_get(d, "after")));
	json_decref(c);
	/* a second check of a still-defaced site is an observation of the
	** same incident, not a new one */
	json_t *s1 = site_json(W.site[1]);
	int64_t inc1 = count(s1, "incident");
	json_decref(s1);
	j = pass(true, NULL);
	assert_int_equal(count(j, "alerts"), (json_int_t)NATTACKS);
	json_decref(j);
	s1 = site_json(W.site[1]);
	assert_int_equal(count(s1, "incident"), inc1);
	json_decref(s1);
	json_t *in = incident(inc1);
	assert_true(count(in, "observations") >= 2);
	json_decref(in);
	/* the sites still load from the listed hosts: no new sighting */
	bool again[4] = { false };
	assert_int_equal(watch_sightings(ind, loaders, 4, again), watch);
	free(ind);
}

/* Restored sites recover by themselves after recover_after (3) checks. */
static void restored_sites_recover(void **state)
{
	(void)state;
	int64_t inc[NATTACKS];
	for (size_t i = 0; i < NATTACKS; i++) {
		json_t *s = site_json(W.site[attacks[i].site]);
		inc[i] = count(s, "incident");
		json_decref(s);
		char *nm = site_name(attacks[i].site);
		farm("restore", nm, NULL, NULL, NULL);
		free(nm);
	}
	for (int r = 0; r < 2; r++) {
		json_t *j = pass(true, NULL);
		assert_int_equal(count(j, "alerts"), 0);
		assert_int_equal(count(j, "recovered"), 0);
		json_decref(j);
	}
	json_t *j = pass(true, NULL);
	assert_int_equal(count(j, "recovered"), (json_int_t)NATTACKS);
	json_decref(j);
	for (size_t i = 0; i < NATTACKS; i++) {
		char *st = site_state(W.site[attacks[i].site]);
		assert_string_equal(st, "ok");
		free(st);
		json_t *in = incident(inc[i]);
		assert_string_equal(json_string_value(json_object_get(in, "status")), "recovered");
		json_decref(in);
	}
}

/* Sites in one condition on the dashboard (GET /api/v1/stats, as an
** admin, through a server started for the question). */
static int64_t condition_count(const char *cond)
{
	static char *tok;
	if (!tok) {
		h_user_add(W.data, "dash", "admin", 0, NULL, "watch-password-1");
		tok = h_token_add(W.data, "dash", NULL);
	}
	struct h_cred c = { tok, NULL, NULL };
	struct h_server srv;
	h_server_start(&srv, W.data, W.envp);
	struct h_resp r;
	h_http(&srv, &r, "GET", "/api/v1/stats", &c, NULL);
	H_STATUS(&r, 200);
	json_t *bc = json_object_get(json_object_get(r.json, "sites"), "by_condition");
	assert_non_null(bc);
	int64_t n = json_integer_value(json_object_get(bc, cond));
	h_resp_free(&r);
	h_server_stop(&srv);
	return n;
}

/* An address outside the organisation's networks is a DNS hijack. */
static void dns_hijack(void **state)
{
	(void)state;
	char *nm = site_name(6);
	farm("dns-set", nm, "A", "10.66.0.1", NULL);
	json_t *j = pass(true, NULL);
	assert_true(count(j, "dns_changes") >= 1);
	json_decref(j);
	json_t *s = site_json(W.site[6]);
	assert_string_equal(json_string_value(json_object_get(s, "state")), "alert");
	json_t *in = incident(count(s, "incident"));
	assert_string_equal(json_string_value(json_object_get(in, "kind")), "dns-hijack");
	assert_string_equal(json_string_value(json_object_get(in, "severity")), "high");
	json_decref(in);
	json_decref(s);
	/* the dashboard names the condition */
	assert_int_equal(condition_count("dns_changed"), 1);
	json_t *c = newest_check(W.site[6]);
	char *dc = json_dumps(json_object_get(json_object_get(c, "detail"), "dns_changes"), 0);
	H_CONTAINS(dc, "10.66.0.1");
	free(dc);
	json_decref(c);
	farm("dns-set", nm, "A", "127.0.0.1", NULL);
	free(nm);
	for (int r = 0; r < 3; r++)
		json_decref(pass(true, NULL));
	char *st = site_state(W.site[6]);
	assert_string_equal(st, "ok");
	free(st);
	assert_int_equal(condition_count("dns_changed"), 0);
}

/* A certificate from another issuer with another key, outside any renewal
** pattern, is a certificate change; the original again recovers. */
static void certificate_swap(void **state)
{
	(void)state;
	farm("cert-swap", NULL, NULL, NULL, NULL);
	json_t *j = pass(true, NULL);
	assert_true(count(j, "cert_changes") >= 1);
	json_decref(j);
	json_t *s = site_json(W.site[NSITES]);
	assert_string_equal(json_string_value(json_object_get(s, "state")), "alert");
	json_t *in = incident(count(s, "incident"));
	assert_string_equal(json_string_value(json_object_get(in, "kind")), "certificate-change");
	assert_string_equal(json_string_value(json_object_get(in, "severity")), "high");
	json_decref(in);
	json_decref(s);
	json_t *c = newest_check(W.site[NSITES]);
	json_t *ch = json_object_get(json_object_get(c, "detail"), "certificate_change");
	assert_true(json_is_false(json_object_get(ch, "renewal")));
	H_CONTAINS(json_string_value(json_object_get(json_object_get(ch, "after"), "issuer")),
		   "Shadow Team CA");
	assert_true(json_is_false(json_object_get(json_object_get(ch, "after"), "valid")));
	json_decref(c);
	farm("cert-restore", NULL, NULL, NULL, NULL);
	for (int r = 0; r < 3; r++)
		json_decref(pass(true, NULL));
	char *st = site_state(W.site[NSITES]);
	assert_string_equal(st, "ok");
	free(st);
}

/* A site that stops answering is retried before it is called down. */
static void outage_is_confirmed(void **state)
{
	(void)state;
	char *nm = site_name(5);
	farm("down", nm, NULL, NULL, NULL);
	json_t *j = pass(true, NULL);
	json_decref(j);
	json_t *c = newest_check(W.site[5]);
	assert_string_equal(json_string_value(json_object_get(c, "outcome")), "error");
	json_decref(c);
	char *st = site_state(W.site[5]);
	assert_string_equal(st, "ok");
	free(st);
	j = pass(true, NULL);
	assert_true(count(j, "down") >= 1); /* the farm's dead bad-* sites are down too */
	json_decref(j);
	json_t *s = site_json(W.site[5]);
	assert_string_equal(json_string_value(json_object_get(s, "state")), "down");
	json_t *in = incident(count(s, "incident"));
	assert_string_equal(json_string_value(json_object_get(in, "kind")), "outage");
	json_decref(in);
	json_decref(s);
	farm("up", nm, NULL, NULL, NULL);
	free(nm);
	for (int r = 0; r < 3; r++)
		json_decref(pass(true, NULL));
	st = site_state(W.site[5]);
	assert_string_equal(st, "ok");
	free(st);
}

/* A pass more than one interval late flags every late site, on the check. */
static void missed_checks_are_flagged(void **state)
{
	(void)state;
	time_t later = time(NULL) + 11 * 60; /* interval 300 s: late by more than one */
	struct tm tm;
	gmtime_r(&later, &tm);
	char at[40];
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *j = pass(false, at);
	assert_int_equal(count(j, "missed"), NSITES); /* the paused bad-* sites are not late */
	assert_int_equal(count(j, "checked"), NSITES);
	json_decref(j);
	json_t *c = newest_check(W.site[4]);
	json_t *d = json_object_get(c, "detail");
	assert_true(json_is_true(json_object_get(d, "missed")));
	assert_true(json_integer_value(json_object_get(d, "late_s")) >= 300);
	json_decref(c);
	/* after the stall the next checks are spread out again, not bunched */
	json_t *all = cli_json("watch", "sites", NULL, NULL);
	int distinct = 0;
	for (size_t i = 0; i < json_array_size(all); i++) {
		json_t *si = json_array_get(all, i);
		const char *ni = json_string_value(json_object_get(si, "next_check"));
		if (!json_is_true(json_object_get(si, "enabled")))
			continue; /* the paused bad-* sites were not checked */
		bool seen = false;
		for (size_t k = 0; k < i && ni; k++) {
			json_t *sk = json_array_get(all, k);
			const char *nk = json_string_value(json_object_get(sk, "next_check"));
			seen |= json_is_true(json_object_get(sk, "enabled")) && nk && strcmp(ni, nk) == 0;
		}
		distinct += ni && !seen;
	}
	json_decref(all);
	assert_true(distinct >= NSITES / 2);
	/* an on-time pass right after has nothing due and nothing missed */
	j = pass(false, at);
	assert_int_equal(count(j, "checked"), 0);
	assert_int_equal(count(j, "missed"), 0);
	json_decref(j);
}

/* Hostile servers are recorded checks, never a crash or a hang. */
static void hostile_servers_are_recorded(void **state)
{
	(void)state;
	for (int k = 0; k < 5; k++) {
		json_t *c = newest_check(W.bad_site[k]);
		const char *oc = json_string_value(json_object_get(c, "outcome"));
		assert_non_null(oc);
		json_decref(c);
	}
	/* the redirect loop keeps its chain; the slow server timed out */
	json_t *c = newest_check(W.bad_site[0]);
	json_t *f = json_object_get(json_object_get(c, "detail"), "fetch");
	assert_string_equal(json_string_value(json_object_get(f, "error")), "too_many_redirects");
	assert_true(json_array_size(json_object_get(f, "hops")) >= 2);
	json_decref(c);
	c = newest_check(W.bad_site[3]);
	f = json_object_get(json_object_get(c, "detail"), "fetch");
	assert_string_equal(json_string_value(json_object_get(f, "error")), "timeout");
	json_decref(c);
	/* paused from here on (each pass would wait for the slow one) */
	for (int k = 0; k < 5; k++) {
		char ids[32];
		snprintf(ids, sizeof(ids), "%lld", (long long)W.bad_site[k]);
		json_t *s = cli_json("watch", "set", ids, "--disable");
		assert_true(json_is_false(json_object_get(s, "enabled")));
		json_decref(s);
	}
	json_t *j = pass(true, NULL);
	assert_int_equal(count(j, "checked"), NSITES);
	json_decref(j);
}

/* The API: constituents see their own sites only; an analyst tunes a site
** and accepts a redesign as its new baseline. */
static void api_scope_and_accept(void **state)
{
	(void)state;
	h_user_add(W.data, "ana", "analyst", 0, NULL, "watch-password-1");
	h_user_add(W.data, "conb", "constituent", W.org_b, NULL, "watch-password-1");
	char *ta = h_token_add(W.data, "ana", NULL);
	char *tb = h_token_add(W.data, "conb", NULL);
	struct h_cred ana = { ta, NULL, NULL }, conb = { tb, NULL, NULL };
	struct h_server srv;
	h_server_start(&srv, W.data, W.envp);
	struct h_resp r;
	h_http(&srv, &r, "GET", "/api/v1/sites", &conb, NULL);
	H_STATUS(&r, 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(h_jint(json_array_get(items, 0), "id"), W.site[7]);
	h_resp_free(&r);
	h_httpf(&srv, &r, "GET", &conb, NULL, "/api/v1/sites/%lld", (long long)W.site[1]);
	H_PROBLEM(&r, 404, NULL);
	h_resp_free(&r);
	h_httpf(&srv, &r, "GET", &conb, NULL, "/api/v1/sites/%lld/checks", (long long)W.site[1]);
	H_PROBLEM(&r, 404, NULL);
	h_resp_free(&r);
	h_httpf(&srv, &r, "GET", &conb, NULL, "/api/v1/sites/%lld/checks?limit=2",
		(long long)W.site[7]);
	H_STATUS(&r, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 2);
	h_resp_free(&r);
	/* posture, graded on the first pass: the HTTPS site as the farm built
** it (seed 1: HSTS a year, no CSP, no frame protection, no nosniff,
** nginx/1.22.1 banner, an expired security.txt), a plain-HTTP site
** without HTTPS, and Org A's grade over its sites */
	h_httpf(&srv, &r, "GET", &ana, NULL, "/api/v1/sites/%lld/posture", (long long)W.site[8]);
	H_STATUS(&r, 200);
	assert_true(json_is_string(json_object_get(r.json, "grade")));
	char *ft = json_dumps(json_object_get(json_object_get(r.json, "detail"), "findings"), 0);
	const char *want[] = { "csp.missing", "frame.missing", "xcto.missing", "banner.version",
			       "securitytxt.expired" };
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		H_CONTAINS(ft, want[i]);
	assert_null(strstr(ft, "hsts.missing"));
	assert_null(strstr(ft, "https.missing"));
	assert_null(strstr(ft, "cert.invalid_chain"));
	free(ft);
	h_resp_free(&r);
	h_httpf(&srv, &r, "GET", &ana, NULL, "/api/v1/sites/%lld/posture", (long long)W.site[6]);
	H_STATUS(&r, 200);
	assert_string_equal(h_jstr(r.json, "grade"), "F");
	ft = json_dumps(json_object_get(json_object_get(r.json, "detail"), "findings"), 0);
	H_CONTAINS(ft, "https.missing");
	free(ft);
	h_resp_free(&r);
	h_httpf(&srv, &r, "GET", &ana, NULL, "/api/v1/orgs/%lld/posture", (long long)W.org_a);
	H_STATUS(&r, 200);
	assert_true(json_is_string(json_object_get(r.json, "grade")));
	assert_true(json_array_size(json_object_get(r.json, "per_site")) >= NSITES - 1);
	h_resp_free(&r);
	h_httpf(&srv, &r, "GET", &conb, NULL, "/api/v1/orgs/%lld/posture", (long long)W.org_a);
	H_PROBLEM(&r, 404, NULL);
	h_resp_free(&r);
	/* declared DNS answers: validated, stored canonically, forgotten */
	h_httpf(&srv, &r, "POST", &ana, "{\"a\":[\"not-an-address\"]}", "/api/v1/sites/%lld/dns",
		(long long)W.site[2]);
	H_PROBLEM(&r, 400, "a");
	h_resp_free(&r);
	h_httpf(&srv, &r, "POST", &conb, "{\"a\":[\"127.0.0.1\"]}", "/api/v1/sites/%lld/dns",
		(long long)W.site[7]);
	H_PROBLEM(&r, 403, NULL);
	h_resp_free(&r);
	h_httpf(&srv, &r, "POST", &ana, "{\"a\":[\"127.0.0.1\"],\"ns\":[\"NS2.gov.test.\",\"ns1.gov.test\"]}",
		"/api/v1/sites/%lld/dns", (long long)W.site[2]);
	H_STATUS(&r, 200);
	assert_true(json_is_true(json_object_get(r.json, "dns_declared")));
	json_t *ns = json_object_get(json_object_get(json_object_get(r.json, "dns_expected"), "ns"),
				     "values");
	assert_int_equal(json_array_size(ns), 2);
	assert_string_equal(json_string_value(json_array_get(ns, 0)), "ns1.gov.test");
	assert_null(json_object_get(json_object_get(r.json, "dns_expected"), "mx"));
	h_resp_free(&r);
	json_t *j0 = pass(true, NULL);
	assert_int_equal(count(j0, "alerts"), 0);
	assert_int_equal(count(j0, "dns_changes"), 0);
	json_decref(j0);
	h_httpf(&srv, &r, "DELETE", &ana, NULL, "/api/v1/sites/%lld/dns", (long long)W.site[2]);
	H_STATUS(&r, 200);
	assert_true(json_is_false(json_object_get(r.json, "dns_declared")));
	assert_true(json_is_null(json_object_get(r.json, "dns_expected")));
	h_resp_free(&r);
	/* tuning: bounds checked, then applied */
	h_httpf(&srv, &r, "PATCH", &ana, "{\"interval\":5}", "/api/v1/sites/%lld",
		(long long)W.site[2]);
	H_PROBLEM(&r, 400, "interval");
	h_resp_free(&r);
	h_httpf(&srv, &r, "PATCH", &ana, "{\"interval\":60}", "/api/v1/sites/%lld",
		(long long)W.site[2]);
	H_STATUS(&r, 200);
	assert_int_equal(h_jint(r.json, "interval"), 60);
	h_resp_free(&r);
	/* a redesign: alert, then accepted; the incident is recovered */
	char *nm = site_name(3);
	farm("deface", nm, "--kind", "full", NULL);
	json_decref(pass(true, NULL));
	json_t *s = site_json(W.site[3]);
	assert_string_equal(json_string_value(json_object_get(s, "state")), "alert");
	int64_t inc = count(s, "incident");
	json_decref(s);
	/* the state's name is the same in the list's filter, the dashboard's
	** counts and /metrics; an unknown one is refused, never an empty list */
	h_http(&srv, &r, "GET", "/api/v1/sites?state=alert", &ana, NULL);
	H_STATUS(&r, 200);
	items = json_object_get(r.json, "items");
	size_t nalert = json_array_size(items);
	bool has3 = false;
	for (size_t i = 0; i < nalert; i++) {
		assert_string_equal(h_jstr(json_array_get(items, i), "state"), "alert");
		has3 |= h_jint(json_array_get(items, i), "id") == W.site[3];
	}
	assert_true(has3);
	h_resp_free(&r);
	h_http(&srv, &r, "GET", "/api/v1/sites?state=alerted", &ana, NULL);
	H_PROBLEM(&r, 400, "state");
	h_resp_free(&r);
	h_http(&srv, &r, "GET", "/api/v1/stats", &ana, NULL);
	H_STATUS(&r, 200);
	json_t *by = json_object_get(json_object_get(r.json, "sites"), "by_state");
	assert_int_equal(json_object_size(by), 4);
	assert_int_equal(h_jint(by, "alert"), (int64_t)nalert);
	h_resp_free(&r);
	h_metrics(&srv, &r);
	H_STATUS(&r, 200);
	char *line = h_fmt("parapet_watch_sites{state=\"alert\"} %zu\n", nalert);
	H_CONTAINS(r.body, line);
	free(line);
	h_resp_free(&r);
	h_httpf(&srv, &r, "POST", &conb, NULL, "/api/v1/sites/%lld/baseline", (long long)W.site[3]);
	H_PROBLEM(&r, 403, NULL);
	h_resp_free(&r);
	h_httpf(&srv, &r, "POST", &ana, NULL, "/api/v1/sites/%lld/baseline", (long long)W.site[3]);
	H_STATUS(&r, 200);
	assert_string_equal(h_jstr(r.json, "state"), "ok");
	h_resp_free(&r);
	json_t *in = incident(inc);
	assert_string_equal(json_string_value(json_object_get(in, "status")), "recovered");
	json_decref(in);
	/* the accepted page is the baseline: the next pass is quiet */
	json_t *j = pass(true, NULL);
	assert_int_equal(count(j, "alerts"), 0);
	json_decref(j);
	farm("restore", nm, NULL, NULL, NULL);
	free(nm);
	h_server_stop(&srv);
	free(ta);
	free(tb);
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(learns_then_stays_quiet),
		cmocka_unit_test(hostile_servers_are_recorded),
		cmocka_unit_test(attacks_become_incidents),
		cmocka_unit_test(restored_sites_recover),
		cmocka_unit_test(dns_hijack),
		cmocka_unit_test(certificate_swap),
		cmocka_unit_test(outage_is_confirmed),
		cmocka_unit_test(api_scope_and_accept),
		/* last: its pass runs 11 minutes in the future */
		cmocka_unit_test(missed_checks_are_flagged),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
