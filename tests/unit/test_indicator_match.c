/*
** test_indicator_match.c — the registry in memory (src/indicator/match.c)
** and its store-backed twin (indicator_lookup), on a real store:
**   - an address is matched by every indicator covering it, the most
**     specific first and each covering network after it (a host listed
**     with its /24 and /16 is three sightings), IPv4 and IPv6, and an
**     IPv4-mapped IPv6 address as its IPv4 address;
**   - a listed domain covers its subdomains, not its look-alike siblings
**     (notevil.example), case and a trailing dot ignored;
**   - exact values per type (a URL, a hash) and nothing across types;
**   - expired indicators still match (a sighting of one is news), held
**     and retired ones do not;
**   - the matcher notices a registry change (indicator_match_current)
**     and indicator_match_refresh rebuilds it;
**   - indicator_lookup answers as the matcher does for the same values;
**   - the sighting hooks: a feed event's address (every covering
**     indicator), a watched site's hosts (once per site and indicator,
**     however many checks), an incident note's values (defanged forms
**     read, each indicator once per note, linked to the incident).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "incident/incident.h"
#include "indicator/indicator.h"
#include "testutil.h"

#define NOW 1790000000000LL

/* List a value as the registry stores it (canonical, range filled). */
static int64_t list(struct store *st, const char *type, const char *value, const char *status,
		    int64_t expires_ms)
{
	struct store_indicator *r = calloc(1, sizeof(*r));
	struct perr e = { 0 };
	enum indicator_type t = indicator_type_parse(type);
	if (indicator_value_canon(t, value, strlen(value), r->value, sizeof(r->value), &e) != 0)
		fail_msg("canon %s: %s", value, e.msg);
	pstrtrunc(r->type, type, sizeof(r->type));
	pstrtrunc(r->status, status, sizeof(r->status));
	PSTRCPY(r->tlp, "AMBER");
	PSTRCPY(r->source, "analyst");
	PSTRCPY(r->actor, "test");
	r->confidence = 50;
	struct indicator_range rg;
	if (indicator_value_range(t, r->value, &rg) == 0) {
		r->family = rg.family;
		memcpy(r->lo, rg.first, 16);
		memcpy(r->hi, rg.last, 16);
	}
	r->first_seen_ms = r->last_seen_ms = r->created_ms = r->updated_ms = NOW;
	r->expires_ms = expires_ms ? expires_ms : NOW + 86400000LL;
	if (store_indicator_insert(st, r, &e) != 0)
		fail_msg("insert %s: %s", value, e.msg);
	int64_t id = r->id;
	free(r);
	return id;
}

struct fx {
	struct tdb *t;
	int64_t host4, net24, net16, host4_32, v6host, v6net48, v6net32;
	int64_t dom, sub, url, sha, expired, held;
	struct indicator_match *m;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	f->t = tdb_open();
	struct store *st = f->t->st;
	f->host4 = list(st, "ipv4", "198.51.100.7", "active", 0);
	f->host4_32 = list(st, "cidr", "198.51.100.7/32", "active", 0);
	f->net24 = list(st, "cidr", "198.51.100.0/24", "active", 0);
	f->net16 = list(st, "cidr", "198.51.0.0/16", "active", 0);
	f->v6host = list(st, "ipv6", "2001:db8:5:1::66", "active", 0);
	f->v6net48 = list(st, "cidr", "2001:db8:5::/48", "active", 0);
	f->v6net32 = list(st, "cidr", "2001:db8::/32", "active", 0);
	f->dom = list(st, "domain", "evil.example", "active", 0);
	f->sub = list(st, "domain", "cdn.evil.example", "active", 0);
	f->url = list(st, "url", "http://drop.example/x.apk", "active", 0);
	f->sha = list(st, "sha256",
		      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "active",
		      0);
	/* expired a year ago: leaves exports, still matched */
	f->expired = list(st, "ipv4", "203.0.113.9", "active", NOW - 365LL * 86400000);
	/* held by a warninglist: not matched until confirmed */
	f->held = list(st, "domain", "held.example", "held", 0);
	list(st, "domain", "retired.example", "retired", 0);
	struct perr e = { 0 };
	if (indicator_match_build(st, &f->m, &e) != 0)
		fail_msg("build: %s", e.msg);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	indicator_match_free(f->m);
	tdb_close(f->t);
	free(f);
	return 0;
}

static size_t addr(const struct indicator_match *m, const char *text, int64_t *ids, size_t max)
{
	uint8_t a[16];
	if (strchr(text, ':')) {
		assert_int_equal(inet_pton(AF_INET6, text, a), 1);
		return indicator_match_addr(m, 6, a, ids, max);
	}
	assert_int_equal(inet_pton(AF_INET, text, a), 1);
	return indicator_match_addr(m, 4, a, ids, max);
}

static void test_addr_nesting(void **state)
{
	struct fx *f = *state;
	int64_t ids[8];
	/* the host (as ipv4 and as /32), then its /24, then its /16 */
	size_t n = addr(f->m, "198.51.100.7", ids, 8);
	assert_int_equal(n, 4);
	assert_true((ids[0] == f->host4 && ids[1] == f->host4_32) ||
		    (ids[0] == f->host4_32 && ids[1] == f->host4));
	assert_int_equal(ids[2], f->net24);
	assert_int_equal(ids[3], f->net16);
	/* a neighbour: the two networks only */
	n = addr(f->m, "198.51.100.8", ids, 8);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], f->net24);
	assert_int_equal(ids[1], f->net16);
	/* the /16 alone */
	n = addr(f->m, "198.51.7.1", ids, 8);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], f->net16);
	/* outside */
	assert_int_equal(addr(f->m, "198.52.0.1", ids, 8), 0);
	assert_int_equal(addr(f->m, "10.0.0.1", ids, 8), 0);
	/* fewer slots than matches: the count is still told, the most
	** specific kept */
	n = addr(f->m, "198.51.100.8", ids, 1);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], f->net24);
	/* an IPv4-mapped IPv6 address is its IPv4 address */
	n = addr(f->m, "::ffff:198.51.100.9", ids, 8);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], f->net24);
}

static void test_addr_v6(void **state)
{
	struct fx *f = *state;
	int64_t ids[8];
	size_t n = addr(f->m, "2001:db8:5:1::66", ids, 8);
	assert_int_equal(n, 3);
	assert_int_equal(ids[0], f->v6host);
	assert_int_equal(ids[1], f->v6net48);
	assert_int_equal(ids[2], f->v6net32);
	n = addr(f->m, "2001:db8:5:ffff::1", ids, 8);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], f->v6net48);
	n = addr(f->m, "2001:db8:9::1", ids, 8);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], f->v6net32);
	assert_int_equal(addr(f->m, "2001:db9::1", ids, 8), 0);
}

static size_t host(const struct indicator_match *m, const char *h, int64_t *ids)
{
	return indicator_match_host(m, h, strlen(h), ids, 8);
}

static void test_host_subdomains(void **state)
{
	struct fx *f = *state;
	int64_t ids[8];
	assert_int_equal(host(f->m, "evil.example", ids), 1);
	assert_int_equal(ids[0], f->dom);
	/* a subdomain of a listed domain, any depth, any case, root dot */
	assert_int_equal(host(f->m, "a.b.Login.EVIL.example.", ids), 1);
	assert_int_equal(ids[0], f->dom);
	/* listed itself and under a listed parent: both, the host first */
	assert_int_equal(host(f->m, "x.cdn.evil.example", ids), 2);
	assert_int_equal(ids[0], f->sub);
	assert_int_equal(ids[1], f->dom);
	/* a look-alike sibling is not under it; nor is the bare TLD listed */
	assert_int_equal(host(f->m, "notevil.example", ids), 0);
	assert_int_equal(host(f->m, "example", ids), 0);
	/* an address literal is its address */
	assert_int_equal(host(f->m, "198.51.3.4", ids), 1);
	assert_int_equal(ids[0], f->net16);
	assert_int_equal(host(f->m, "2001:db8:77::1", ids), 1);
	assert_int_equal(ids[0], f->v6net32);
	/* held and retired indicators are not matched */
	assert_int_equal(host(f->m, "held.example", ids), 0);
	assert_int_equal(host(f->m, "www.retired.example", ids), 0);
}

static void test_values_and_expired(void **state)
{
	struct fx *f = *state;
	const char *u = "http://drop.example/x.apk";
	assert_int_equal(indicator_match_value(f->m, INDICATOR_URL, u, strlen(u)), f->url);
	const char *h = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
	assert_int_equal(indicator_match_value(f->m, INDICATOR_SHA256, h, strlen(h)), f->sha);
	/* the same text under another type is another indicator */
	assert_int_equal(indicator_match_value(f->m, INDICATOR_TLS, h, strlen(h)), 0);
	assert_int_equal(indicator_match_value(f->m, INDICATOR_URL, "http://drop.example/",
					       strlen("http://drop.example/")),
			 0);
	/* an expired indicator still counts its sightings */
	int64_t ids[4];
	assert_int_equal(addr(f->m, "203.0.113.9", ids, 4), 1);
	assert_int_equal(ids[0], f->expired);
	assert_int_equal(indicator_match_count(f->m, INDICATOR_CIDR), 5);
	assert_int_equal(indicator_match_count(f->m, INDICATOR_DOMAIN), 2);
	assert_true(indicator_match_memory(f->m) > 0);
}

static void test_refresh(void **state)
{
	struct fx *f = *state;
	struct perr e = { 0 };
	assert_int_equal(indicator_match_current(f->m, f->t->st, &e), 1);
	int64_t ids[4];
	assert_int_equal(host(f->m, "new.example", ids), 0);
	int64_t id = list(f->t->st, "domain", "new.example", "active", 0);
	assert_int_equal(indicator_match_current(f->m, f->t->st, &e), 0);
	struct indicator_match *old = f->m;
	assert_int_equal(indicator_match_refresh(f->t->st, &f->m, &e), 0);
	assert_ptr_not_equal(old, f->m);
	assert_int_equal(host(f->m, "www.new.example", ids), 1);
	assert_int_equal(ids[0], id);
	/* current: refresh keeps it */
	old = f->m;
	assert_int_equal(indicator_match_refresh(f->t->st, &f->m, &e), 0);
	assert_ptr_equal(old, f->m);
}

struct got {
	int64_t ids[16];
	size_t n;
};

static int got_one(void *ud, const struct store_indicator *r)
{
	struct got *g = ud;
	if (g->n < 16)
		g->ids[g->n++] = r->id;
	return 0;
}

static void test_lookup_by_store(void **state)
{
	struct fx *f = *state;
	struct perr e = { 0 };
	struct got g = { 0 };
	assert_int_equal(indicator_lookup(f->t->st, INDICATOR_IPV4, "198.51.100.7", got_one, &g, &e),
			 0);
	assert_int_equal(g.n, 4);
	assert_int_equal(g.ids[0], f->host4);
	assert_int_equal(g.ids[1], f->host4_32);
	assert_int_equal(g.ids[2], f->net24);
	assert_int_equal(g.ids[3], f->net16);
	memset(&g, 0, sizeof(g));
	assert_int_equal(indicator_lookup(f->t->st, INDICATOR_IPV6, "2001:db8:5:1::66", got_one, &g,
					  &e),
			 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.ids[2], f->v6net32);
	memset(&g, 0, sizeof(g));
	assert_int_equal(indicator_lookup(f->t->st, INDICATOR_DOMAIN, "x.cdn.evil.example", got_one,
					  &g, &e),
			 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.ids[0], f->sub);
	assert_int_equal(g.ids[1], f->dom);
	memset(&g, 0, sizeof(g));
	assert_int_equal(indicator_lookup(f->t->st, INDICATOR_DOMAIN, "www.held.example", got_one,
					  &g, &e),
			 0);
	assert_int_equal(g.n, 0);
	/* a network named in a note: the listed networks holding it */
	memset(&g, 0, sizeof(g));
	assert_int_equal(indicator_lookup(f->t->st, INDICATOR_CIDR, "198.51.100.0/25", got_one, &g,
					  &e),
			 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.ids[0], f->net24);
}

static int64_t sightings_of(struct store *st, int64_t id)
{
	struct store_indicator *r = calloc(1, sizeof(*r));
	struct perr e = { 0 };
	assert_int_equal(store_indicator_get(st, id, r, &e), 0);
	int64_t n = r->sightings;
	free(r);
	return n;
}

static void test_sight_feed(void **state)
{
	struct fx *f = *state;
	struct perr e = { 0 };
	uint8_t a[4] = { 198, 51, 100, 7 };
	int n = 0;
	assert_int_equal(indicator_sight_feed(f->t->st, f->m, 4, a, 77, 0, "shadowserver",
					      "event4_sinkhole", NOW, &n, &e),
			 0);
	assert_int_equal(n, 4);
	assert_int_equal(sightings_of(f->t->st, f->net16), 1);
	uint8_t b[4] = { 10, 0, 0, 1 };
	assert_int_equal(indicator_sight_feed(f->t->st, f->m, 4, b, 78, 0, "x", "y", NOW, &n, &e),
			 0);
	assert_int_equal(n, 0);
}

static void test_sight_hosts(void **state)
{
	struct fx *f = *state;
	struct perr e = { 0 };
	const char *hosts[] = { "cdn.evil.example", "good.example", "198.51.100.7",
				"[2001:db8:5:1::66]", "held.example" };
	int n = 0;
	assert_int_equal(indicator_sight_hosts(f->t->st, 42, 0, hosts, 5, NOW, &n, &e), 0);
	/* cdn.evil.example and its parent, the host and its three
	** networks (twice listed as a host), the IPv6 host and its two */
	assert_int_equal(n, 2 + 4 + 3);
	assert_int_equal(sightings_of(f->t->st, f->dom), 1);
	/* the next check of the same site: nothing new */
	assert_int_equal(indicator_sight_hosts(f->t->st, 42, 0, hosts, 5, NOW + 1000, &n, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(sightings_of(f->t->st, f->dom), 1);
	/* another site loading from the same host is its own sighting */
	assert_int_equal(indicator_sight_hosts(f->t->st, 43, 0, hosts, 1, NOW, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(sightings_of(f->t->st, f->dom), 2);
}

static int link_one(void *ud, int64_t id)
{
	(*(int *)ud)++;
	(void)id;
	return 0;
}

static void test_sight_text(void **state)
{
	struct fx *f = *state;
	struct perr e = { 0 };
	struct store *st = f->t->st;
	struct org_spec os = { "Org A", NULL, "Tehran", 0 };
	struct store_org o;
	assert_int_equal(constituency_org_add(st, NULL, "test", &os, &o, &e), 0);
	struct incident_spec is = { .org_id = o.id, .title = "Phishing", .severity = "low",
				    .class_ = "fraud", .type = "phishing" };
	struct store_incident inc;
	if (incident_create(st, &f->t->cfg, NULL, "test", &is, &inc, &e) != 0)
		fail_msg("incident: %s", e.msg);
	const char *text = "IOCs: 198.51.100[.]7, hxxp://drop.example/x.apk and "
			   "Login.EVIL.example; again evil[.]example. Clean: example.org, "
			   "10.1.2.3, notevil.example.";
	int n = 0;
	assert_int_equal(indicator_sight_text(st, inc.id, o.id, text, strlen(text), NOW, &n, &e), 0);
	/* the address (4: host twice, /24, /16), the URL, the domain once */
	assert_int_equal(n, 6);
	assert_int_equal(sightings_of(st, f->dom), 1);
	assert_int_equal(sightings_of(st, f->url), 1);
	int links = 0;
	assert_int_equal(store_indicator_incident_list(st, f->dom, link_one, &links, &e), 0);
	assert_int_equal(links, 1);
	/* a second note is a second observation */
	const char *again = "still resolving evil.example";
	assert_int_equal(indicator_sight_text(st, inc.id, o.id, again, strlen(again), NOW, &n, &e),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(sightings_of(st, f->dom), 2);
	links = 0;
	assert_int_equal(store_indicator_incident_list(st, f->dom, link_one, &links, &e), 0);
	assert_int_equal(links, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_addr_nesting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_addr_v6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_subdomains, setup, teardown),
		cmocka_unit_test_setup_teardown(test_values_and_expired, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_by_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sight_feed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sight_hosts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sight_text, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
