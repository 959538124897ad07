/*
** test_advisory_target.c — advisory targeting (target.c) against a real
** migrated store: who is a target and why (declared product assets in both
** forms, products and exposures seen by report feeds, the audience), range
** edges (an excluding end leaves that very version out), unmapped free
** text, the host count, exclusions with their audit, the provincial
** analyst's scope and the constituent's refusal. Each case checks the whole
** target set, so an extra organisation fails it.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "advisory/advisory.h"
#include "identity/identity.h"
#include "testutil.h"

#define PW "long enough password"

struct fx {
	struct tdb *t;
	int64_t a, b, c, d, e, f;
	struct principal analyst, prov_fars, cons_c;
};

static int64_t add_org(struct fx *f, const char *name, const char *prov, const char *sector)
{
	struct org_spec s = { name, sector, prov, 0 };
	struct store_org o;
	struct perr e;
	if (constituency_org_add(f->t->st, NULL, "test", &s, &o, &e) != 0)
		fail_msg("org %s: %s", name, e.msg);
	return o.id;
}

static void add_product(struct fx *f, int64_t org, const char *value)
{
	struct perr e;
	if (constituency_asset_add(f->t->st, NULL, "test", org, "product", value, false, NULL, &e) !=
	    0)
		fail_msg("product %s: %s", value, e.msg);
}

static void seen(struct fx *f, int64_t org, const char *ip, int64_t port, const char *type,
		 const char *vendor, const char *product, const char *version, const char *exposure)
{
	struct store_host_product h;
	struct perr e;
	memset(&h, 0, sizeof(h));
	h.org_id = org;
	pstrtrunc(h.ip, ip, sizeof(h.ip));
	h.port = port;
	pstrtrunc(h.type, type, sizeof(h.type));
	pstrtrunc(h.vendor, vendor, sizeof(h.vendor));
	pstrtrunc(h.product, product, sizeof(h.product));
	pstrtrunc(h.version, version, sizeof(h.version));
	pstrtrunc(h.exposure, exposure, sizeof(h.exposure));
	h.last_ms = 1796000000000;
	h.file_id = 1;
	if (store_host_product_upsert(f->t->st, &h, &e) != 0)
		fail_msg("host product: %s", e.msg);
}

static struct principal add_user(struct fx *f, const char *login, const char *role, int64_t org,
				 const char *prov)
{
	struct user_spec s = { login, role, org, prov, PW };
	struct store_user u;
	struct principal p;
	struct perr e;
	if (identity_user_add(f->t->st, &f->t->cfg, "test", &s, &u, &e) != 0)
		fail_msg("user %s: %s", login, e.msg);
	assert_int_equal(identity_principal_from_user(f->t->st, &u, &p, &e), 0);
	return p;
}

/* The constituency of every case:
**   A Tehran/government  declares RouterOS 6.42 (CPE form, 40 of them, 2 hosts named)
**   B Fars/energy        declares "mikrotik routeros 6.42.1" (free text)
**   C Fars/energy        feeds saw RouterOS 6.38.4 and 6.42.1 on two hosts
**   D Tehran/government  feeds saw Smart Install exposed on two switches
**   E Isfahan/health     declares "acme widget 2.0" (unmappable); feeds saw RouterOS 6.43
**   F Isfahan/water      nothing but its sector */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	f->t = tdb_open();
	f->a = add_org(f, "Org A", "Tehran", "government");
	f->b = add_org(f, "Org B", "Fars", "energy");
	f->c = add_org(f, "Org C", "Fars", "energy");
	f->d = add_org(f, "Org D", "Tehran", "government");
	f->e = add_org(f, "Org E", "Isfahan", "health");
	f->f = add_org(f, "Org F", "Isfahan", "water");
	add_product(f, f->a,
		    "cpe:2.3:o:mikrotik:routeros:6.42:*:*:*:*:*:*:* count=40 hosts=10.1.0.1,10.1.0.2");
	add_product(f, f->b, "MikroTik RouterOS 6.42.1");
	seen(f, f->c, "10.3.0.1", 23, "scan_telnet", "mikrotik", "routeros", "6.38.4", "");
	seen(f, f->c, "10.3.0.2", 23, "scan_telnet", "mikrotik", "routeros", "6.42.1", "");
	seen(f, f->d, "10.4.0.1", 4786, "scan_cisco_smart_install", "", "", "",
	     "cisco-smart-install");
	seen(f, f->d, "10.4.0.2", 4786, "scan_cisco_smart_install", "", "", "",
	     "cisco-smart-install");
	add_product(f, f->e, "acme widget 2.0");
	seen(f, f->e, "10.5.0.1", 23, "scan_telnet", "mikrotik", "routeros", "6.43", "");
	f->analyst = add_user(f, "ana", "analyst", 0, NULL);
	f->prov_fars = add_user(f, "fars", "provincial", 0, "Fars");
	f->cons_c = add_user(f, "cons", "constituent", f->c, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	tdb_close(f->t);
	free(f);
	return 0;
}

static json_t *doc_of(const char *text)
{
	json_error_t je;
	json_t *d = json_loads(text, 0, &je);
	if (!d)
		fail_msg("test document: %s", je.text);
	return d;
}

/* RouterOS before 6.42.1 (end_incl as given), Smart Install on any IOS. */
static json_t *routeros_doc(bool end_incl)
{
	char buf[1024];
	snprintf(buf, sizeof(buf),
		 "{\"title\": {\"en\": \"t\"}, \"tlp\": \"GREEN\", \"products\": ["
		 "{\"cpe\": \"cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*\", \"end\": \"6.42.1\","
		 " \"end_incl\": %s},"
		 "{\"cpe\": \"cpe:2.3:o:cisco:ios:*:*:*:*:*:*:*:*\","
		 " \"exposure\": \"cisco-smart-install\"}]}",
		 end_incl ? "true" : "false");
	return doc_of(buf);
}

static json_t *compute(struct fx *f, const json_t *doc, int64_t id)
{
	json_t *out = NULL;
	struct perr e;
	if (advisory_targets_compute(f->t->st, doc, id, &out, &e) != 0)
		fail_msg("compute: %s: %s", e.field, e.msg);
	return out;
}

/* The target of org in out, or NULL. */
static json_t *target(json_t *out, int64_t org)
{
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(out, "targets"), i, t)
	{
		if (json_integer_value(json_object_get(json_object_get(t, "org"), "id")) == org)
			return t;
	}
	return NULL;
}

/* The set of target org ids, in order, must be exactly want (0-ended). */
static void expect_set(json_t *out, const int64_t *want)
{
	json_t *ts = json_object_get(out, "targets");
	size_t n = 0;
	while (want[n])
		n++;
	if (json_array_size(ts) != n) {
		char *s = json_dumps(out, JSON_COMPACT);
		fail_msg("%zu targets, want %zu: %s", json_array_size(ts), n, s);
	}
	for (size_t i = 0; i < n; i++)
		assert_non_null(target(out, want[i]));
}

static int64_t jint(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* Does the target's why hold an entry of kind whose key equals v? */
static bool why_has(json_t *t, const char *kind, const char *key, const char *v)
{
	size_t i;
	json_t *w;
	json_array_foreach(json_object_get(t, "why"), i, w)
	{
		const char *k = json_string_value(json_object_get(w, "kind"));
		const char *x = key ? json_string_value(json_object_get(w, key)) : NULL;
		if (k && strcmp(k, kind) == 0 && (!key || (x && strcmp(x, v) == 0)))
			return true;
	}
	return false;
}

static void range_end_excluding(void **state)
{
	struct fx *f = *state;
	json_t *doc = routeros_doc(false);
	json_t *out = compute(f, doc, 0);
	/* A by its asset (6.42 < 6.42.1), C by its 6.38.4 host, D by exposure;
	** B's 6.42.1 and C's 6.42.1 host sit on the excluded end, E's 6.43 past it */
	const int64_t want[] = { f->a, f->c, f->d, 0 };
	expect_set(out, want);
	json_t *a = target(out, f->a), *c = target(out, f->c), *d = target(out, f->d);
	assert_true(why_has(a, "asset", "version", "6.42"));
	/* the declared count stands above the two named hosts */
	assert_int_equal(jint(a, "hosts"), 40);
	assert_true(why_has(c, "host", "ip", "10.3.0.1"));
	assert_false(why_has(c, "host", "ip", "10.3.0.2"));
	assert_int_equal(jint(c, "hosts"), 1);
	assert_true(why_has(d, "exposure", "exposure", "cisco-smart-install"));
	assert_int_equal(jint(d, "hosts"), 2);
	/* counts by province and sector */
	assert_int_equal(jint(json_object_get(out, "by_province"), "Tehran"), 2);
	assert_int_equal(jint(json_object_get(out, "by_province"), "Fars"), 1);
	assert_int_equal(jint(json_object_get(out, "by_sector"), "government"), 2);
	assert_int_equal(jint(out, "total"), 3);
	/* E's text maps to no CPE name: listed for an analyst */
	json_t *um = json_object_get(out, "unmapped");
	assert_int_equal(json_array_size(um), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(um, 0), "asset")),
			    "acme widget 2.0");
	assert_int_equal(jint(json_object_get(json_array_get(um, 0), "org"), "id"), f->e);
	assert_false(json_is_true(json_object_get(json_array_get(um, 0), "related")));
	assert_int_equal(jint(out, "unmapped_total"), 1);
	json_decref(out);
	/* a text naming the advisory's vendor that no CPE name fits comes first */
	add_product(f, f->f, "mikrotik rb750gr3 6.40");
	out = compute(f, doc, 0);
	um = json_object_get(out, "unmapped");
	assert_int_equal(json_array_size(um), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(um, 0), "asset")),
			    "mikrotik rb750gr3 6.40");
	assert_true(json_is_true(json_object_get(json_array_get(um, 0), "related")));
	assert_int_equal(jint(out, "unmapped_total"), 2);
	json_decref(out);
	json_decref(doc);
}

static void range_end_including(void **state)
{
	struct fx *f = *state;
	json_t *doc = routeros_doc(true);
	json_t *out = compute(f, doc, 0);
	const int64_t want[] = { f->a, f->b, f->c, f->d, 0 };
	expect_set(out, want);
	/* B's free text, read as the CPE name it maps to */
	json_t *b = target(out, f->b);
	assert_true(why_has(b, "asset", "cpe", "cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*"));
	assert_int_equal(jint(target(out, f->c), "hosts"), 2);
	json_decref(out);
	json_decref(doc);

	/* an exact version, and a start bound: only what they admit */
	doc = doc_of("{\"products\": [{\"cpe\": \"cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*\","
		     " \"version\": \"6.42.1\"}]}");
	out = compute(f, doc, 0);
	const int64_t exact[] = { f->b, f->c, 0 };
	expect_set(out, exact);
	json_decref(out);
	json_decref(doc);
	doc = doc_of("{\"products\": [{\"cpe\": \"cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*\","
		     " \"start\": \"6.42.1\", \"start_incl\": false}]}");
	out = compute(f, doc, 0);
	const int64_t after[] = { f->e, 0 };
	expect_set(out, after);
	json_decref(out);
	json_decref(doc);
}

static void audience_targets(void **state)
{
	struct fx *f = *state;
	char buf[256];
	snprintf(buf, sizeof(buf),
		 "{\"audience\": {\"sectors\": [\"water\"], \"provinces\": [\"Fars\"],"
		 " \"orgs\": [%lld]}}",
		 (long long)f->a);
	json_t *doc = doc_of(buf);
	json_t *out = compute(f, doc, 0);
	const int64_t want[] = { f->a, f->b, f->c, f->f, 0 };
	expect_set(out, want);
	assert_true(why_has(target(out, f->f), "audience", "by", "sector"));
	assert_true(why_has(target(out, f->b), "audience", "by", "province"));
	assert_true(why_has(target(out, f->a), "audience", "by", "org"));
	assert_int_equal(jint(target(out, f->f), "hosts"), 0);
	json_decref(out);
	json_decref(doc);
	doc = doc_of("{\"audience\": {\"all\": true}}");
	out = compute(f, doc, 0);
	const int64_t all[] = { f->a, f->b, f->c, f->d, f->e, f->f, 0 };
	expect_set(out, all);
	json_decref(out);
	json_decref(doc);
}

/* "hosts" counts every distinct host; why lists 20 of them. */
static void many_hosts(void **state)
{
	struct fx *f = *state;
	for (int i = 0; i < 30; i++) {
		char ip[32];
		snprintf(ip, sizeof(ip), "10.6.0.%d", i + 1);
		seen(f, f->f, ip, 8291, "scan_winbox", "mikrotik", "routeros", "6.40", "");
		/* the same host seen on a second port is a second (ip, port) */
		if (i < 5)
			seen(f, f->f, ip, 23, "scan_telnet", "mikrotik", "routeros", "6.40", "");
	}
	/* and a declared host the feeds did not see */
	add_product(f, f->f, "cpe:2.3:o:mikrotik:routeros:6.41:*:*:*:*:*:*:* hosts=10.6.0.1,10.6.9.9");
	json_t *doc = routeros_doc(false);
	json_t *out = compute(f, doc, 0);
	json_t *t = target(out, f->f);
	assert_non_null(t);
	assert_int_equal(jint(t, "hosts"), 36);
	size_t listed = 0, i;
	json_t *w;
	json_array_foreach(json_object_get(t, "why"), i, w)
	{
		listed += strcmp(json_string_value(json_object_get(w, "kind")), "host") == 0;
	}
	assert_int_equal(listed, 20);
	assert_null(json_object_get(t, "all_hosts"));
	json_decref(out);
	/* for publishing: every host from feeds, not only the 20 listed */
	struct perr e;
	assert_int_equal(advisory_targets_compute_hosts(f->t->st, doc, 0, &out, &e), 0);
	t = target(out, f->f);
	json_t *all = json_object_get(t, "all_hosts");
	assert_int_equal(json_array_size(all), 35);
	size_t telnet = 0;
	json_array_foreach(all, i, w)
	{
		telnet += strcmp(json_string_value(json_object_get(w, "type")), "scan_telnet") == 0;
	}
	assert_int_equal(telnet, 5);
	/* a target by its asset alone has none */
	assert_int_equal(json_array_size(json_object_get(target(out, f->a), "all_hosts")), 0);
	json_decref(out);
	json_decref(doc);
}

/* A vendor's advisory lists each affected release as an entry (Cisco's
** Smart Install CSAF: 259 IOS releases); several entries of one product,
** an exposure named by many, and an entry with a pattern for its vendor
** must give the same targets as the entries one by one would. */
static void many_entries(void **state)
{
	struct fx *f = *state;
	json_t *doc = doc_of(
		"{\"products\": ["
		"{\"cpe\": \"cpe:2.3:o:cisco:ios:15.2\\\\(4\\\\)e7:*:*:*:*:*:*:*\","
		" \"version\": \"15.2(4)e7\", \"exposure\": \"cisco-smart-install\"},"
		"{\"cpe\": \"cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*\", \"version\": \"6.38.4\"},"
		"{\"cpe\": \"cpe:2.3:o:cisco:ios:15.0:*:*:*:*:*:*:*\", \"version\": \"15.0\","
		" \"exposure\": \"cisco-smart-install\"},"
		"{\"cpe\": \"cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*\", \"version\": \"6.42\"},"
		"{\"cpe\": \"cpe:2.3:o:*:routeros:*:*:*:*:*:*:*:*\", \"version\": \"6.42.1\"}]}");
	json_t *out = compute(f, doc, 0);
	/* A's asset 6.42 (entry 3), B's free text 6.42.1 through the pattern
	** (entry 4: assets only, feeds need a vendor), C's 6.38.4 host
	** (entry 1), D's exposure once for both IOS entries */
	const int64_t want[] = { f->a, f->b, f->c, f->d, 0 };
	expect_set(out, want);
	json_t *w = json_array_get(json_object_get(target(out, f->b), "why"), 0);
	assert_int_equal(jint(w, "entry"), 4);
	w = json_array_get(json_object_get(target(out, f->a), "why"), 0);
	assert_int_equal(jint(w, "entry"), 3);
	assert_int_equal(json_array_size(json_object_get(target(out, f->a), "why")), 1);
	assert_int_equal(jint(target(out, f->d), "hosts"), 2);
	assert_int_equal(json_array_size(json_object_get(target(out, f->d), "why")), 2);
	assert_int_equal(jint(json_array_get(json_object_get(target(out, f->d), "why"), 0), "entry"),
			 0);
	/* C's 6.42.1 host is no entry's */
	assert_int_equal(jint(target(out, f->c), "hosts"), 1);
	json_decref(out);
	json_decref(doc);

	/* a pattern alone (no entry names the vendor): assets only, both forms */
	doc = doc_of("{\"products\": [{\"cpe\": \"cpe:2.3:o:*:routeros:*:*:*:*:*:*:*:*\","
		     " \"start\": \"6.42\", \"start_incl\": true}]}");
	out = compute(f, doc, 0);
	const int64_t pattern[] = { f->a, f->b, 0 };
	expect_set(out, pattern);
	json_decref(out);
	json_decref(doc);
}

static void bad_documents(void **state)
{
	struct fx *f = *state;
	json_t *out = NULL;
	struct perr e;
	json_t *doc = doc_of("{\"products\": [{\"cpe\": \"cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*\"},"
			     " {\"cpe\": \"cpe:2.3:q:x\"}]}");
	assert_int_equal(advisory_targets_compute(f->t->st, doc, 0, &out, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	assert_string_equal(e.field, "products[1].cpe");
	assert_null(out);
	json_decref(doc);
}

/* An advisory row put in by hand (store_advisory.c is another part's). */
static int64_t insert_advisory(struct fx *f, const json_t *doc)
{
	sqlite3 *db;
	char *text = json_dumps(doc, JSON_COMPACT);
	assert_int_equal(sqlite3_open(f->t->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "INSERT INTO advisory(ref, title, tlp, doc, actor, "
					    "created_ms, updated_ms) VALUES ('T-1', 't', 'GREEN', ?, "
					    "'test', 1, 1)",
					    -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(s, 1, text, -1, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	int64_t id = sqlite3_last_insert_rowid(db);
	sqlite3_finalize(s);
	sqlite3_close(db);
	free(text);
	return id;
}

/* Preview through a principal: needs store_advisory_get (another part);
** skipped until it is merged. */
static bool advisory_store_built(struct fx *f, int64_t id)
{
	json_t *out = NULL;
	struct perr e;
	int rc = advisory_preview(f->t->st, NULL, id, &out, &e);
	json_decref(out);
	return rc == 0;
}

static void exclusions_and_scope(void **state)
{
	struct fx *f = *state;
	json_t *doc = routeros_doc(false);
	int64_t id = insert_advisory(f, doc);
	struct perr e;
	json_t *out;

	/* exclusions, through advisory_targets_compute with the real id */
	assert_int_equal(advisory_exclude(f->t->st, &f->prov_fars, "user:fars", id, f->d,
					  "not ours", &e),
			 -1); /* D is in Tehran: not the Fars analyst's */
	if (!advisory_store_built(f, id)) {
		/* advisory_exclude loads the advisory too: exercise the store
		** functions and the computation directly until the merge */
		struct store_adexcl x = { .advisory_id = id, .org_id = f->d, .created_ms = 5 };
		PSTRCPY(x.reason, "switches replaced");
		PSTRCPY(x.actor, "user:ana");
		assert_int_equal(store_adexcl_set(f->t->st, &x, &e), 0);
		out = compute(f, doc, id);
		const int64_t want[] = { f->a, f->c, f->d, 0 };
		expect_set(out, want);
		json_t *ex = json_object_get(target(out, f->d), "excluded");
		assert_string_equal(json_string_value(json_object_get(ex, "reason")),
				    "switches replaced");
		assert_int_equal(jint(out, "total"), 2);
		assert_int_equal(jint(out, "excluded"), 1);
		assert_int_equal(jint(json_object_get(out, "by_province"), "Tehran"), 1);
		json_decref(out);
		assert_int_equal(store_adexcl_delete(f->t->st, id, f->d, &e), 0);
		assert_int_equal(store_adexcl_delete(f->t->st, id, f->d, &e), -1);
		assert_int_equal(e.kind, PERR_NOTFOUND);
		x.advisory_id = id + 100;
		assert_int_equal(store_adexcl_set(f->t->st, &x, &e), -1);
		assert_int_equal(e.kind, PERR_NOTFOUND);
		json_decref(doc);
		skip(); /* preview and advisory_exclude need store_advisory_get */
		return;
	}
	assert_int_equal(advisory_exclude(f->t->st, &f->analyst, "user:ana", id, f->d, "", &e), -1);
	assert_string_equal(e.field, "reason");
	assert_int_equal(advisory_exclude(f->t->st, &f->analyst, "user:ana", id, f->d,
					  "switches replaced", &e),
			 0);
	assert_int_equal(advisory_preview(f->t->st, &f->analyst, id, &out, &e), 0);
	const int64_t want[] = { f->a, f->c, f->d, 0 };
	expect_set(out, want);
	json_t *ex = json_object_get(target(out, f->d), "excluded");
	assert_string_equal(json_string_value(json_object_get(ex, "reason")), "switches replaced");
	assert_int_equal(jint(out, "total"), 2);
	assert_int_equal(jint(json_object_get(out, "by_province"), "Tehran"), 1);
	json_decref(out);
	/* put back: counted again; putting back twice is NOTFOUND */
	assert_int_equal(advisory_exclude(f->t->st, &f->analyst, "user:ana", id, f->d, NULL, &e), 0);
	assert_int_equal(advisory_exclude(f->t->st, &f->analyst, "user:ana", id, f->d, NULL, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	assert_int_equal(advisory_preview(f->t->st, &f->analyst, id, &out, &e), 0);
	assert_int_equal(jint(out, "total"), 3);
	json_decref(out);

	/* the provincial analyst of Fars sees Fars's targets only */
	assert_int_equal(advisory_preview(f->t->st, &f->prov_fars, id, &out, &e), 0);
	const int64_t fars[] = { f->c, 0 };
	expect_set(out, fars);
	assert_null(json_object_get(json_object_get(out, "by_province"), "Tehran"));
	json_decref(out);
	/* a constituent may not preview */
	out = NULL;
	assert_int_equal(advisory_preview(f->t->st, &f->cons_c, id, &out, &e), -1);
	assert_true(e.kind == PERR_FORBIDDEN || e.kind == PERR_NOTFOUND);
	assert_null(out);
	/* an advisory that does not exist */
	assert_int_equal(advisory_preview(f->t->st, &f->analyst, id + 100, &out, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(range_end_excluding, setup, teardown),
		cmocka_unit_test_setup_teardown(range_end_including, setup, teardown),
		cmocka_unit_test_setup_teardown(audience_targets, setup, teardown),
		cmocka_unit_test_setup_teardown(many_hosts, setup, teardown),
		cmocka_unit_test_setup_teardown(many_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_documents, setup, teardown),
		cmocka_unit_test_setup_teardown(exclusions_and_scope, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
