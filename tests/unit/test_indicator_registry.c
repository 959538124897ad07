/*
** test_indicator_registry.c — the indicator record (src/indicator/
** registry.c) on a real store: a value listed canonical with its defaults
** (type guessed, TLP AMBER, expiry per type, address range), a second
** report refreshing the row instead of duplicating it, warninglist hits
** held with the lists named (and a URL's or e-mail's host checked too),
** --confirm listing it active, each bad field refused and named, who may
** list (not a constituent) and who sees what under TLP, and every change
** in the audit chain.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "identity/identity.h"
#include "incident/incident.h"
#include "indicator/indicator.h"
#include "testutil.h"

/* Two small lists in MISP's format: public resolvers (cidr) and top
** domains (hostname, matched for domains and hostnames only, as MISP's
** top-domain lists are). */
static const char *const wl_resolvers =
	"{\"name\": \"List of known IPv4 public DNS resolvers\", \"type\": \"cidr\","
	" \"version\": 1, \"description\": \"t\", \"matching_attributes\": [\"ip-dst\", \"ip-src\"],"
	" \"list\": [\"8.8.8.8/32\", \"1.1.1.0/24\"]}";
static const char *const wl_top =
	"{\"name\": \"Top domains\", \"type\": \"hostname\", \"version\": 1,"
	" \"description\": \"t\", \"matching_attributes\": [\"domain\", \"hostname\"],"
	" \"list\": [\"google.com\", \"gmail.com\"]}";

struct fx {
	struct tdb *t;
	struct indicator_wl_set *wl;
	int64_t org_a, org_b;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct perr e = { 0 };
	f->t = tdb_open();
	struct org_spec a = { "Org A", NULL, "Tehran", 0 }, b = { "Org B", NULL, "Fars", 0 };
	struct store_org o;
	if (constituency_org_add(f->t->st, NULL, "test", &a, &o, &e) != 0)
		fail_msg("org: %s", e.msg);
	f->org_a = o.id;
	if (constituency_org_add(f->t->st, NULL, "test", &b, &o, &e) != 0)
		fail_msg("org: %s", e.msg);
	f->org_b = o.id;
	f->wl = indicator_wl_set_new();
	if (indicator_wl_add_json(f->wl, wl_resolvers, strlen(wl_resolvers), "resolvers", &e) ||
	    indicator_wl_add_json(f->wl, wl_top, strlen(wl_top), "top", &e) ||
	    indicator_wl_freeze(f->wl, &e))
		fail_msg("wl: %s", e.msg);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	indicator_wl_free(f->wl);
	tdb_close(f->t);
	free(f);
	return 0;
}

static struct principal who(enum role r, int64_t org)
{
	struct principal p;
	memset(&p, 0, sizeof(p));
	p.role = r;
	p.org_id = org;
	PSTRCPY(p.login, "t");
	return p;
}

static struct indicator_spec spec_of(const char *type, const char *value)
{
	struct indicator_spec s;
	memset(&s, 0, sizeof(s));
	s.type = type;
	s.value = value;
	s.confidence = -1;
	return s;
}

#define NOW INT64_C(1800000000000)
#define DAY INT64_C(86400000)

static void test_add_defaults(void **state)
{
	struct fx *f = *state;
	struct perr e = { 0 };
	struct principal an = who(ROLE_ANALYST, 0);
	struct indicator_spec s = spec_of(NULL, " Evil.Example. ");
	s.tags = "Phishing, bank ,phishing";
	s.class_ = "fraud";
	int64_t id = 0;
	assert_int_equal(indicator_add(f->t->st, f->wl, &an, "user:t", &s, NOW, &id, NULL, 0, &e),
			 0);
	assert_true(id > 0);
	struct store_indicator r;
	assert_int_equal(store_indicator_get(f->t->st, id, &r, &e), 0);
	assert_string_equal(r.type, "domain");
	assert_string_equal(r.value, "evil.example");
	assert_string_equal(r.status, "active");
	assert_string_equal(r.tlp, "AMBER");
	assert_string_equal(r.source, "analyst");
	assert_int_equal(r.confidence, 50);
	assert_string_equal(r.tags, ",phishing,bank,");
	assert_true(r.expires_ms == NOW + 180 * DAY);
	assert_int_equal(r.family, 0);

	/* a network keeps its first and last address for containment */
	s = spec_of("cidr", "192.0.2.0/24");
	s.tlp = "tlp:green";
	assert_int_equal(indicator_add(f->t->st, f->wl, NULL, "cli:t", &s, NOW, &id, NULL, 0, &e),
			 0);
	assert_int_equal(store_indicator_get(f->t->st, id, &r, &e), 0);
	assert_string_equal(r.tlp, "GREEN");
	assert_int_equal(r.family, 4);
	const uint8_t lo[16] = { 192, 0, 2, 0 }, hi[16] = { 192, 0, 2, 255 };
	assert_memory_equal(r.lo, lo, 16);
	assert_memory_equal(r.hi, hi, 16);
	assert_true(r.expires_ms == NOW + 90 * DAY);
}

static void test_refresh_not_duplicate(void **state)
{
	struct fx *f = *state;
	struct perr e = { 0 };
	struct indicator_spec s = spec_of("ipv4", "203.0.113.7");
	int64_t id1 = 0, id2 = 0;
	assert_int_equal(indicator_add(f->t->st, NULL, NULL, "cli:t", &s, NOW, &id1, NULL, 0, &e), 0);
	/* the same value reported later by a feed, with a shorter expiry and an
	** incident: same row, last seen moved, the later expiry kept, linked */
	struct indicator_spec s2 = spec_of(NULL, "203.0.113.7");
	s2.source = "feed";
	s2.reason = "C2 seen in a sample";
	s2.tags = "c2";
	s2.expires_ms = NOW + 2 * DAY;
	assert_int_equal(indicator_add(f->t->st, NULL, NULL, "cli:t", &s2, NOW + DAY, &id2, NULL, 0,
				       &e),
			 0);
	assert_true(id1 == id2);
	struct store_indicator r;
	assert_int_equal(store_indicator_get(f->t->st, id1, &r, &e), 0);
	assert_true(r.first_seen_ms == NOW);
	assert_true(r.last_seen_ms == NOW + DAY);
	assert_true(r.expires_ms == NOW + 30 * DAY);
	assert_string_equal(r.reason, "C2 seen in a sample");
	assert_string_equal(r.tags, ",c2,");
	assert_string_equal(r.source, "analyst");

	/* an incident that does not exist is named, not a foreign-key failure */
	s2.incident_id = 999999;
	assert_int_equal(indicator_add(f->t->st, NULL, NULL, "cli:t", &s2, NOW + DAY, &id2, NULL, 0,
				       &e),
			 -1);
	assert_string_equal(e.field, "incident");
	s2.incident_id = 0;
	s2.org_id = 999999;
	assert_int_equal(indicator_add(f->t->st, NULL, NULL, "cli:t", &s2, NOW + DAY, &id2, NULL, 0,
				       &e),
			 -1);
	assert_string_equal(e.field, "org_id");
}

static void test_held_by_warninglist(void **state)
{
	struct fx *f = *state;
	struct perr e = { 0 };
	char held[512];
	int64_t id = 0, id2 = 0;
	struct indicator_spec s = spec_of("ipv4", "8.8.8.8");
	assert_int_equal(indicator_add(f->t->st, f->wl, NULL, "cli:t", &s, NOW, &id, held,
				       sizeof(held), &e),
			 1);
	assert_string_equal(held, "List of known IPv4 public DNS resolvers");
	struct store_indicator r;
	assert_int_equal(store_indicator_get(f->t->st, id, &r, &e), 0);
	assert_string_equal(r.status, "held");
	assert_string_equal(r.held_lists, held);
	/* a network inside a listed range is held too */
	s = spec_of("cidr", "1.1.1.0/28");
	assert_int_equal(indicator_add(f->t->st, f->wl, NULL, "cli:t", &s, NOW, &id2, held,
				       sizeof(held), &e),
			 1);

	/* confirmed: the same row becomes active, the lists no longer named */
	s = spec_of("ipv4", "8.8.8.8");
	s.confirm = true;
	assert_int_equal(indicator_add(f->t->st, f->wl, NULL, "cli:t", &s, NOW, &id2, held,
				       sizeof(held), &e),
			 0);
	assert_true(id == id2);
	assert_string_equal(held, "");
	assert_int_equal(store_indicator_get(f->t->st, id, &r, &e), 0);
	assert_string_equal(r.status, "active");
	assert_string_equal(r.held_lists, "");

	/* a URL's and an e-mail address's host meet the hostname lists even
	** when those lists do not name "url" or "email-dst" */
	s = spec_of("url", "https://accounts.google.com/signin?x=1");
	assert_int_equal(indicator_add(f->t->st, f->wl, NULL, "cli:t", &s, NOW, &id, held,
				       sizeof(held), &e),
			 1);
	assert_string_equal(held, "Top domains");
	s = spec_of("email", "Phisher@Gmail.com");
	assert_int_equal(indicator_add(f->t->st, f->wl, NULL, "cli:t", &s, NOW, &id, held,
				       sizeof(held), &e),
			 1);
	assert_int_equal(store_indicator_get(f->t->st, id, &r, &e), 0);
	assert_string_equal(r.value, "phisher@gmail.com");
	/* a domain that only ends like a listed one is not held */
	s = spec_of("domain", "notgoogle.com");
	assert_int_equal(indicator_add(f->t->st, f->wl, NULL, "cli:t", &s, NOW, &id, held,
				       sizeof(held), &e),
			 0);
}

static void refused(struct fx *f, struct indicator_spec s, const char *field)
{
	struct perr e = { 0 };
	int64_t id = 0;
	if (indicator_add(f->t->st, f->wl, NULL, "cli:t", &s, NOW, &id, NULL, 0, &e) != -1)
		fail_msg("%s accepted; expected %s refused", s.value, field);
	if (strcmp(e.field, field) != 0)
		fail_msg("%s: field '%s' named (%s), expected '%s'", s.value, e.field, e.msg, field);
}

static void test_bad_fields_named(void **state)
{
	struct fx *f = *state;
	refused(f, spec_of("cidr", "10.1.2.3/16"), "value");
	refused(f, spec_of("domain", "a_b.example"), "value");
	refused(f, spec_of("sha256", "abcd"), "value");
	refused(f, spec_of("hash", "abcd"), "type");
	refused(f, spec_of(NULL, "not a value"), "value");
	struct indicator_spec s = spec_of("domain", "ok.example");
	s.class_ = "evil";
	refused(f, s, "class");
	s = spec_of("domain", "ok.example");
	s.tlp = "purple";
	refused(f, s, "tlp");
	s = spec_of("domain", "ok.example");
	s.tags = "ok,not ok";
	refused(f, s, "tags");
	s = spec_of("domain", "ok.example");
	s.confidence = 101;
	refused(f, s, "confidence");
	s = spec_of("domain", "ok.example");
	s.source = "rumour";
	refused(f, s, "source");
	s = spec_of("domain", "ok.example");
	s.expires_ms = NOW - 1;
	refused(f, s, "expires");
	s = spec_of("domain", "ok.example");
	s.reason = "\xff\xfe";
	refused(f, s, "reason");
}

static void test_who_may_list_and_see(void **state)
{
	struct fx *f = *state;
	struct perr e = { 0 };
	int64_t id = 0;
	struct principal cons = who(ROLE_CONSTITUENT, f->org_a);
	struct principal resp = who(ROLE_RESPONDER, 0);
	struct principal prov = who(ROLE_PROVINCIAL, 0);
	struct indicator_spec s = spec_of("domain", "c2.example");
	assert_int_equal(indicator_add(f->t->st, f->wl, &cons, "user:c", &s, NOW, &id, NULL, 0, &e),
			 -1);
	assert_int_equal(e.kind, PERR_FORBIDDEN);
	assert_int_equal(indicator_add(f->t->st, f->wl, &resp, "user:r", &s, NOW, &id, NULL, 0, &e),
			 -1);
	assert_int_equal(indicator_add(f->t->st, f->wl, &prov, "user:p", &s, NOW, &id, NULL, 0, &e),
			 0);

	/* TLP: staff see all; a constituent CLEAR/GREEN, AMBER* for their own
	** organisation only, never RED */
	assert_true(indicator_visible(NULL, "RED", 0));
	assert_true(indicator_visible(&resp, "RED", f->org_b));
	assert_true(indicator_visible(&cons, "CLEAR", 0));
	assert_true(indicator_visible(&cons, "GREEN", f->org_b));
	assert_true(indicator_visible(&cons, "AMBER", f->org_a));
	assert_true(indicator_visible(&cons, "AMBER+STRICT", f->org_a));
	assert_false(indicator_visible(&cons, "AMBER", f->org_b));
	assert_false(indicator_visible(&cons, "AMBER", 0));
	assert_false(indicator_visible(&cons, "AMBER+STRICT", f->org_b));
	assert_false(indicator_visible(&cons, "RED", f->org_a));
	struct principal orphan = who(ROLE_CONSTITUENT, 0);
	assert_false(indicator_visible(&orphan, "AMBER", 0));
}

static void test_audited(void **state)
{
	struct fx *f = *state;
	struct perr e = { 0 };
	int64_t id = 0;
	struct indicator_spec s = spec_of("md5", "D41D8CD98F00B204E9800998ECF8427E");
	assert_int_equal(indicator_add(f->t->st, NULL, NULL, "cli:t", &s, NOW, &id, NULL, 0, &e), 0);
	assert_int_equal(indicator_add(f->t->st, NULL, NULL, "cli:t", &s, NOW, &id, NULL, 0, &e), 0);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->t->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT action FROM audit WHERE object = ? "
					    "ORDER BY seq",
					    -1, &q, NULL),
			 SQLITE_OK);
	char obj[48];
	snprintf(obj, sizeof(obj), "indicator:%lld", (long long)id);
	sqlite3_bind_text(q, 1, obj, -1, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "indicator.add");
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "indicator.refresh");
	sqlite3_finalize(q);
	sqlite3_close(db);
	struct audit_report rep;
	assert_int_equal(audit_verify(f->t->st, &rep, &e), 0);
	assert_true(rep.bad_seq == 0);
}


static int64_t add_one(struct fx *f, const char *type, const char *value, const char *tlp,
		       int64_t org, const char *tags)
{
	struct perr e = { 0 };
	struct indicator_spec s = spec_of(type, value);
	s.tlp = tlp;
	s.org_id = org;
	s.tags = tags;
	int64_t id = 0;
	if (indicator_add(f->t->st, NULL, NULL, "cli:t", &s, NOW, &id, NULL, 0, &e) != 0)
		fail_msg("add %s: %s", value, e.msg);
	return id;
}

/* The values of a search's items, in order, joined by ' '. */
static void search_values(struct fx *f, const struct principal *p,
			  const struct indicator_filter *flt, int64_t now, char *out, size_t n,
			  int64_t *next)
{
	struct perr e = { 0 };
	json_t *res = NULL;
	if (indicator_search(f->t->st, p, flt, now, &res, &e) != 0)
		fail_msg("search: %s: %s", e.field, e.msg);
	out[0] = 0;
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(res, "items"), i, it)
	{
		size_t l = strlen(out);
		snprintf(out + l, n - l, "%s%s", l ? " " : "",
			 json_string_value(json_object_get(it, "value")));
	}
	if (next)
		*next = json_integer_value(json_object_get(res, "next"));
	json_decref(res);
}

static void test_search(void **state)
{
	struct fx *f = *state;
	char got[1024];
	add_one(f, "cidr", "198.51.100.0/24", "GREEN", 0, "c2");
	add_one(f, "ipv4", "198.51.100.7", "CLEAR", 0, NULL);
	add_one(f, "ipv4", "203.0.113.9", "AMBER", f->org_a, "c2,botnet");
	add_one(f, "cidr", "2001:db8::/32", "RED", 0, NULL);
	add_one(f, "domain", "evil.example", "GREEN", 0, "phishing");
	add_one(f, "domain", "evil.example.net", "AMBER", f->org_b, NULL);
	struct indicator_filter flt;

	/* containment: the networks and the address covering 198.51.100.7 */
	memset(&flt, 0, sizeof(flt));
	flt.contains = "198.51.100.7";
	search_values(f, NULL, &flt, NOW, got, sizeof(got), NULL);
	assert_string_equal(got, "198.51.100.7 198.51.100.0/24");
	flt.contains = "2001:db8:1::5";
	search_values(f, NULL, &flt, NOW, got, sizeof(got), NULL);
	assert_string_equal(got, "2001:db8::/32");
	/* inside a network: the /24 and the address, not 203.0.113.9 */
	memset(&flt, 0, sizeof(flt));
	flt.within = "198.51.0.0/16";
	search_values(f, NULL, &flt, NOW, got, sizeof(got), NULL);
	assert_string_equal(got, "198.51.100.7 198.51.100.0/24");

	/* value exact (canonicalised), prefix, tag, type */
	memset(&flt, 0, sizeof(flt));
	flt.value = "EVIL.example.";
	search_values(f, NULL, &flt, NOW, got, sizeof(got), NULL);
	assert_string_equal(got, "evil.example");
	memset(&flt, 0, sizeof(flt));
	flt.prefix = "evil.";
	search_values(f, NULL, &flt, NOW, got, sizeof(got), NULL);
	assert_string_equal(got, "evil.example.net evil.example");
	memset(&flt, 0, sizeof(flt));
	flt.tag = "C2";
	search_values(f, NULL, &flt, NOW, got, sizeof(got), NULL);
	assert_string_equal(got, "203.0.113.9 198.51.100.0/24");
	memset(&flt, 0, sizeof(flt));
	flt.type = "ipv4";
	flt.tlp = "clear";
	search_values(f, NULL, &flt, NOW, got, sizeof(got), NULL);
	assert_string_equal(got, "198.51.100.7");

	/* expiry: after 31 days the addresses (30 days) are expired, the rest not */
	memset(&flt, 0, sizeof(flt));
	flt.expired = "true";
	search_values(f, NULL, &flt, NOW + 31 * DAY, got, sizeof(got), NULL);
	assert_string_equal(got, "203.0.113.9 198.51.100.7");

	/* a constituent of org A: CLEAR, GREEN and their own AMBER; no RED,
	** not org B's AMBER */
	struct principal cons = who(ROLE_CONSTITUENT, f->org_a);
	memset(&flt, 0, sizeof(flt));
	search_values(f, &cons, &flt, NOW, got, sizeof(got), NULL);
	assert_string_equal(got, "evil.example 203.0.113.9 198.51.100.7 198.51.100.0/24");

	/* cursor pages of two, newest first, covering all six once */
	memset(&flt, 0, sizeof(flt));
	flt.limit = 2;
	char all[2048] = "";
	int pages = 0;
	do {
		int64_t next = 0;
		search_values(f, NULL, &flt, NOW, got, sizeof(got), &next);
		size_t l = strlen(all);
		snprintf(all + l, sizeof(all) - l, "%s%s", l ? " " : "", got);
		flt.cursor = next;
		pages++;
	} while (flt.cursor && pages < 10);
	assert_string_equal(all, "evil.example.net evil.example 2001:db8::/32 203.0.113.9 "
				 "198.51.100.7 198.51.100.0/24");

	/* bad filters are named */
	struct perr e = { 0 };
	json_t *res = NULL;
	memset(&flt, 0, sizeof(flt));
	flt.contains = "10.0.0.0/8";
	assert_int_equal(indicator_search(f->t->st, NULL, &flt, NOW, &res, &e), -1);
	assert_string_equal(e.field, "contains");
	flt.contains = NULL;
	flt.within = "not-a-net";
	assert_int_equal(indicator_search(f->t->st, NULL, &flt, NOW, &res, &e), -1);
	assert_string_equal(e.field, "within");
	flt.within = NULL;
	flt.expired = "maybe";
	assert_int_equal(indicator_search(f->t->st, NULL, &flt, NOW, &res, &e), -1);
	assert_string_equal(e.field, "expired");
}

static void test_get_update_retire(void **state)
{
	struct fx *f = *state;
	struct perr e = { 0 };
	json_t *j = NULL;
	int64_t id = add_one(f, "domain", "c2.example", "AMBER", f->org_a, "c2");
	struct principal cons_a = who(ROLE_CONSTITUENT, f->org_a);
	struct principal cons_b = who(ROLE_CONSTITUENT, f->org_b);
	struct principal an = who(ROLE_ANALYST, 0);

	assert_int_equal(indicator_get(f->t->st, &cons_a, id, &j, &e), 0);
	assert_string_equal(json_string_value(json_object_get(j, "value")), "c2.example");
	assert_true(json_is_array(json_object_get(j, "incidents")));
	assert_true(json_is_array(json_object_get(j, "recent_sightings")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "tags"), 0)), "c2");
	json_decref(j);
	/* org B's constituent: as if absent */
	assert_int_equal(indicator_get(f->t->st, &cons_b, id, &j, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);

	/* a TLP change moves updated and is audited; RED hides it from org A */
	struct store_indicator before, after;
	assert_int_equal(store_indicator_get(f->t->st, id, &before, &e), 0);
	struct indicator_patch pt = { .confidence = -1, .org_id = -1, .tlp = "red" };
	assert_int_equal(indicator_update(f->t->st, &an, "user:a", id, &pt, NOW + 5, &e), 0);
	assert_int_equal(store_indicator_get(f->t->st, id, &after, &e), 0);
	assert_string_equal(after.tlp, "RED");
	assert_true(after.updated_ms > before.updated_ms);
	assert_int_equal(indicator_get(f->t->st, &cons_a, id, &j, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	/* constituents may not change it; bad fields are named */
	assert_int_equal(indicator_update(f->t->st, &cons_a, "user:c", id, &pt, NOW, &e), -1);
	assert_int_equal(e.kind, PERR_FORBIDDEN);
	struct indicator_patch bad = { .confidence = -1, .org_id = -1, .status = "held" };
	assert_int_equal(indicator_update(f->t->st, &an, "user:a", id, &bad, NOW, &e), -1);
	assert_string_equal(e.field, "status");
	bad = (struct indicator_patch){ .confidence = 200, .org_id = -1 };
	assert_int_equal(indicator_update(f->t->st, &an, "user:a", id, &bad, NOW, &e), -1);
	assert_string_equal(e.field, "confidence");

	/* retired: stays searchable, status retired, out of the export walk */
	assert_int_equal(indicator_retire(f->t->st, &an, "user:a", id, NOW + 10, &e), 0);
	assert_int_equal(store_indicator_get(f->t->st, id, &after, &e), 0);
	assert_string_equal(after.status, "retired");
	struct indicator_filter flt;
	memset(&flt, 0, sizeof(flt));
	flt.status = "retired";
	char got[256];
	search_values(f, NULL, &flt, NOW, got, sizeof(got), NULL);
	assert_string_equal(got, "c2.example");
}

/* Containment reaches the broadest networks accepted: a /8 (IPv4) and a
** /16 (IPv6) cover an address at their far end (the index range starts at
** the address masked to them), and a network next door does not. */
static void test_contains_broadest(void **state)
{
	struct fx *f = *state;
	char got[512];
	add_one(f, "cidr", "10.0.0.0/8", "GREEN", 0, NULL);
	add_one(f, "cidr", "11.0.0.0/8", "GREEN", 0, NULL);
	add_one(f, "cidr", "2001::/16", "GREEN", 0, NULL);
	add_one(f, "ipv6", "2001:ffff::1", "GREEN", 0, NULL);
	struct indicator_filter flt;
	memset(&flt, 0, sizeof(flt));
	flt.contains = "10.255.255.254";
	search_values(f, NULL, &flt, NOW, got, sizeof(got), NULL);
	assert_string_equal(got, "10.0.0.0/8");
	flt.contains = "2001:ffff:ffff::9";
	search_values(f, NULL, &flt, NOW, got, sizeof(got), NULL);
	assert_string_equal(got, "2001::/16");
	flt.contains = "2001:ffff::1";
	search_values(f, NULL, &flt, NOW, got, sizeof(got), NULL);
	assert_string_equal(got, "2001:ffff::1 2001::/16");
	flt.contains = "9.255.255.255";
	search_values(f, NULL, &flt, NOW, got, sizeof(got), NULL);
	assert_string_equal(got, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_not_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_by_warninglist, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_fields_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_who_may_list_and_see, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_update_retire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contains_broadest, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
