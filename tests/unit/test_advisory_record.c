/*
** test_advisory_record.c — the advisory record (src/advisory/advisory.c,
** src/store/store_advisory.c): normalising a document (each invalid field
** refused and named: a bad CVSS metric, a bad CPE, a range whose start is
** after its end, a bad TLP, a bad CVE id, a bad deadline; scores computed,
** never trusted), and on a real store: refs assigned, versions kept with
** what changed, reads of an old version, paging and search, who may write,
** and what a constituent sees (only advisories targeting their
** organisation, with their target's state).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "advisory/advisory.h"
#include "audit/audit.h"
#include "testutil.h"

static const char *const base_doc =
	"{\"title\": {\"en\": \"MikroTik RouterOS Winbox\", \"fa\": \"\u0648\u06cc\u0646\u0628\u0627\u06a9\u0633\"},"
	" \"cves\": [\"cve-2018-14847\"],"
	" \"cvss\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\","
	" \"cvss_score\": 1.0, \"severity\": \"low\","
	" \"tlp\": \"amber\","
	" \"products\": [{\"cpe\": \"cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*\","
	"   \"start\": \"6.29\", \"end\": \"6.42.1\", \"end_incl\": false}],"
	" \"actions\": [{\"kind\": \"patch\", \"url\": \"https://mikrotik.com/download\"}],"
	" \"deadline\": \"2026-12-20T03:30:00+03:30\","
	" \"references\": [{\"url\": \"https://nvd.nist.gov/vuln/detail/CVE-2018-14847\"}]}";

static json_t *doc_of(const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &je);
	if (!j)
		fail_msg("bad test JSON: %s", je.text);
	return j;
}

/* base_doc with path set to value (JSON text): "products[0].end" style
** paths of one or two levels. */
static json_t *doc_with(const char *key, const char *sub, int idx, const char *value)
{
	json_t *d = doc_of(base_doc);
	json_t *v = doc_of(value);
	json_t *o = d;
	if (sub) {
		o = json_object_get(d, key);
		if (idx >= 0)
			o = json_array_get(o, (size_t)idx);
		json_object_set_new(o, sub, v);
	} else {
		json_object_set_new(d, key, v);
	}
	return d;
}

/* Normalising refuses the document, naming field, with a message holding
** what. */
static void refused(json_t *d, const char *field, const char *what)
{
	struct perr e = { 0 };
	int rc = advisory_normalise(d, &e);
	json_decref(d);
	if (rc == 0)
		fail_msg("accepted; expected %s refused", field);
	assert_int_equal(e.kind, PERR_INVALID);
	if (strcmp(e.field, field) != 0)
		fail_msg("field '%s' named, expected '%s' (%s)", e.field, field, e.msg);
	if (what && !strstr(e.msg, what))
		fail_msg("%s: message '%s' lacks '%s'", field, e.msg, what);
}

static void test_normalise_ok(void **state)
{
	(void)state;
	json_t *d = doc_of(base_doc);
	struct perr e = { 0 };
	assert_int_equal(advisory_normalise(d, &e), 0);
	/* the score is computed from the vector: the 1.0 sent is not kept */
	assert_true(json_number_value(json_object_get(d, "cvss_score")) > 9.7 &&
		    json_number_value(json_object_get(d, "cvss_score")) < 9.9);
	assert_string_equal(json_string_value(json_object_get(d, "severity")), "critical");
	assert_string_equal(json_string_value(json_object_get(d, "tlp")), "AMBER");
	assert_string_equal(json_string_value(json_array_get(json_object_get(d, "cves"), 0)),
			    "CVE-2018-14847");
	/* Tehran's 03:30 is midnight UTC */
	assert_string_equal(json_string_value(json_object_get(d, "deadline")),
			    "2026-12-20T00:00:00Z");
	json_t *p = json_array_get(json_object_get(d, "products"), 0);
	assert_true(json_is_true(json_object_get(p, "start_incl")));
	assert_true(json_is_false(json_object_get(p, "end_incl")));
	assert_true(json_is_false(json_object_get(d, "exploited")));
	json_decref(d);

	/* a CPE that names one version is that exact version */
	d = doc_with("products", "cpe", 0, "\"cpe:2.3:o:cisco:ios:15.2\\\\(4\\\\)e7:*:*:*:*:*:*:*\"");
	json_object_del(json_array_get(json_object_get(d, "products"), 0), "start");
	json_object_del(json_array_get(json_object_get(d, "products"), 0), "end");
	assert_int_equal(advisory_normalise(d, &e), 0);
	p = json_array_get(json_object_get(d, "products"), 0);
	assert_string_equal(json_string_value(json_object_get(p, "version")), "15.2(4)e7");
	assert_string_equal(json_string_value(json_object_get(p, "cpe")),
			    "cpe:2.3:o:cisco:ios:*:*:*:*:*:*:*:*");
	json_decref(d);

	/* what advisory_get adds is dropped on the way back in */
	d = doc_with("id", NULL, -1, "7");
	json_object_set_new(d, "status", json_string("published"));
	assert_int_equal(advisory_normalise(d, &e), 0);
	assert_null(json_object_get(d, "id"));
	assert_null(json_object_get(d, "status"));
	json_decref(d);
}

static void test_normalise_refused(void **state)
{
	(void)state;
	/* a CVSS vector missing a base metric, and one with an undefined value */
	refused(doc_with("cvss", NULL, -1, "\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H\""), "cvss",
		"A");
	refused(doc_with("cvss", NULL, -1, "\"CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\""),
		"cvss", "AV");
	/* a CPE that is not one */
	refused(doc_with("products", "cpe", 0, "\"cpe:2.3:x:mikrotik:routeros\""),
		"products[0].cpe", NULL);
	refused(doc_with("products", "cpe", 0, "42"), "products[0].cpe", NULL);
	/* a range starting after its end, and an empty one */
	refused(doc_with("products", "start", 0, "\"6.43\""), "products[0].start", "after");
	refused(doc_with("products", "start", 0, "\"6.42.1\""), "products[0].start", "at");
	/* Cisco's versions compare by their parts: 15.2(4)E10 is after 15.2(4)E7 */
	json_t *d = doc_with("products", "start", 0, "\"15.2(4)E10\"");
	json_object_set_new(json_array_get(json_object_get(d, "products"), 0), "end",
			    json_string("15.2(4)E7"));
	refused(d, "products[0].start", "after");
	/* an exact version and a range at once */
	refused(doc_with("products", "version", 0, "\"6.40\""), "products[0].version", NULL);
	/* TLP 1.0's WHITE and made-up labels */
	refused(doc_with("tlp", NULL, -1, "\"WHITE\""), "tlp", "TLP 2.0");
	refused(doc_with("tlp", NULL, -1, "\"PURPLE\""), "tlp", NULL);
	/* CVE ids */
	refused(doc_with("cves", NULL, -1, "[\"CVE-2018-14847\", \"CVE-18-1\"]"), "cves[1]",
		"CVE");
	refused(doc_with("cves", NULL, -1, "[\"CVE-2018-123\"]"), "cves[0]", NULL);
	refused(doc_with("cves", NULL, -1, "[\"CVE-2018-1234x\"]"), "cves[0]", NULL);
	/* deadlines */
	refused(doc_with("deadline", NULL, -1, "\"next friday\""), "deadline", "ISO 8601");
	refused(doc_with("deadline", NULL, -1, "\"2026-13-40\""), "deadline", NULL);
	refused(doc_with("deadline", NULL, -1, "20261220"), "deadline", NULL);
	/* the rest: required title, unknown fields, actions, references */
	d = doc_of(base_doc);
	json_object_del(json_object_get(d, "title"), "en");
	refused(d, "title.en", "required");
	refused(doc_with("colour", NULL, -1, "\"red\""), "colour", NULL);
	refused(doc_with("actions", "kind", 0, "\"pray\""), "actions[0].kind", NULL);
	refused(doc_with("actions", "url", 0, "\"javascript:alert(1)\""), "actions[0].url",
		NULL);
	refused(doc_with("references", "url", 0, "\"ftp://x\""), "references[0].url", NULL);
	refused(doc_with("exploited", NULL, -1, "\"yes\""), "exploited", NULL);
	refused(doc_with("audience", NULL, -1, "{\"orgs\": [0]}"), "audience.orgs[0]", NULL);
}

/* ------------------------------------------------------------- store */

struct fx {
	struct tdb *t;
	struct principal admin, analyst, provincial, cons_a, cons_b, resp;
	int64_t org_a, org_b;
};

static int64_t add_org(struct fx *f, const char *name, const char *prov)
{
	struct org_spec s = { name, NULL, prov, 0 };
	struct store_org o;
	struct perr e;
	if (constituency_org_add(f->t->st, NULL, "test", &s, &o, &e) != 0)
		fail_msg("org %s: %s", name, e.msg);
	return o.id;
}

static struct principal who(enum role r, int64_t org, const char *prov)
{
	struct principal p;
	memset(&p, 0, sizeof(p));
	p.role = r;
	p.org_id = org;
	if (prov)
		PSTRCPY(p.province, "Fars");
	PSTRCPY(p.login, "t");
	return p;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	f->t = tdb_open();
	f->org_a = add_org(f, "Org A", "Tehran");
	f->org_b = add_org(f, "Org B", "Fars");
	f->admin = who(ROLE_ADMIN, 0, NULL);
	f->analyst = who(ROLE_ANALYST, 0, NULL);
	f->provincial = who(ROLE_PROVINCIAL, 0, "Fars");
	f->resp = who(ROLE_RESPONDER, 0, NULL);
	f->cons_a = who(ROLE_CONSTITUENT, f->org_a, NULL);
	f->cons_b = who(ROLE_CONSTITUENT, f->org_b, NULL);
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

static int64_t create(struct fx *f, const struct principal *p, const char *text)
{
	json_t *d = doc_of(text);
	struct perr e = { 0 };
	int64_t id = 0;
	int rc = advisory_create(f->t->st, &f->t->cfg, p, "user:t", d, &id, &e);
	json_decref(d);
	if (rc != 0)
		fail_msg("create: %s: %s", e.field, e.msg);
	return id;
}

static void test_create_update_versions(void **state)
{
	struct fx *f = *state;
	struct perr e = { 0 };
	int64_t id = create(f, &f->analyst, base_doc);
	int64_t id2 = create(f, &f->admin, base_doc);
	json_t *a, *b;
	assert_int_equal(advisory_get(f->t->st, &f->analyst, id, 0, &a, &e), 0);
	assert_int_equal(advisory_get(f->t->st, &f->analyst, id2, 0, &b, &e), 0);
	/* refs are assigned in turn: PARAPET-YEAR-0001, -0002 */
	const char *r1 = json_string_value(json_object_get(a, "ref"));
	const char *r2 = json_string_value(json_object_get(b, "ref"));
	assert_true(strncmp(r1, "PARAPET-", 8) == 0 && strlen(r1) == 17);
	assert_string_equal(r1 + 13, "0001");
	assert_string_equal(r2 + 13, "0002");
	assert_string_equal(json_string_value(json_object_get(a, "status")), "draft");
	assert_int_equal(json_integer_value(json_object_get(a, "version")), 1);
	json_decref(b);

	/* a ref that exists is a conflict */
	json_t *d = doc_of(base_doc);
	json_object_set_new(d, "ref", json_string(r1));
	int64_t nid;
	assert_int_equal(advisory_create(f->t->st, &f->t->cfg, &f->analyst, "user:t", d, &nid, &e),
			 -1);
	assert_int_equal(e.kind, PERR_CONFLICT);
	json_decref(d);

	/* an update: new deadline, a product more, a CVE more, a new score */
	d = json_deep_copy(a);
	json_object_set_new(d, "deadline", json_string("2026-12-27"));
	json_object_set_new(d, "cvss", json_string("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H"));
	json_array_append_new(json_object_get(d, "cves"), json_string("CVE-2019-3924"));
	json_array_append_new(json_object_get(d, "products"),
			      json_pack("{ss ss}", "cpe",
					"cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*", "version",
					"7.0beta1"));
	assert_int_equal(advisory_update(f->t->st, &f->t->cfg, &f->analyst, "user:t", id, d, NULL,
					 &e),
			 0);
	/* the same document again makes no version */
	assert_int_equal(advisory_update(f->t->st, &f->t->cfg, &f->analyst, "user:t", id, d, NULL,
					 &e),
			 0);
	json_decref(d);
	json_t *h;
	assert_int_equal(advisory_history(f->t->st, &f->analyst, id, &h, &e), 0);
	assert_int_equal(json_array_size(h), 2);
	const char *ch = json_string_value(json_object_get(json_array_get(h, 0), "changes"));
	assert_non_null(strstr(ch, "deadline: 2026-12-20T00:00:00Z -> 2026-12-27T00:00:00Z"));
	assert_non_null(strstr(ch, "products: +1"));
	assert_non_null(strstr(ch, "cves: +CVE-2019-3924"));
	assert_non_null(strstr(ch, "cvss: 9.8 critical -> 8.1 high"));
	assert_null(strstr(ch, "title"));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(h, 1), "version")), 1);
	json_decref(h);

	/* given changes are kept as given */
	d = json_deep_copy(a);
	json_object_set_new(d, "exploited", json_true());
	assert_int_equal(advisory_update(f->t->st, &f->t->cfg, &f->admin, "user:t", id, d,
					 "now exploited in the wild", &e),
			 0);
	json_decref(d);
	assert_int_equal(advisory_history(f->t->st, &f->analyst, id, &h, &e), 0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(h, 0), "changes")),
			    "now exploited in the wild");
	json_decref(h);

	/* version 1 is still there as it was; version 0 is the newest */
	json_t *v1, *v3;
	assert_int_equal(advisory_get(f->t->st, &f->analyst, id, 1, &v1, &e), 0);
	assert_int_equal(advisory_get(f->t->st, &f->analyst, id, 0, &v3, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(v1, "version")), 1);
	assert_string_equal(json_string_value(json_object_get(v1, "deadline")),
			    "2026-12-20T00:00:00Z");
	assert_int_equal(json_integer_value(json_object_get(v3, "version")), 3);
	assert_true(json_is_true(json_object_get(v3, "exploited")));
	json_decref(v1);
	assert_int_equal(advisory_get(f->t->st, &f->analyst, id, 9, &v1, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	json_decref(v3);
	json_decref(a);
	assert_int_equal(advisory_get(f->t->st, &f->analyst, 999, 0, &v1, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);

	/* an invalid update changes nothing and names the field */
	d = doc_of(base_doc);
	json_object_set_new(d, "tlp", json_string("BLUE"));
	assert_int_equal(advisory_update(f->t->st, &f->t->cfg, &f->analyst, "user:t", id, d, NULL,
					 &e),
			 -1);
	assert_string_equal(e.field, "tlp");
	json_decref(d);

	/* every write is in the audit log, the chain intact */
	struct audit_report rep;
	assert_int_equal(audit_verify(f->t->st, &rep, &e), 0);
	assert_int_equal(rep.bad_seq, 0);
	assert_true(rep.entries >= 4);
}

static void test_who_writes(void **state)
{
	struct fx *f = *state;
	struct perr e = { 0 };
	const struct principal *no[] = { &f->provincial, &f->resp, &f->cons_a };
	int64_t id = create(f, &f->analyst, base_doc);
	for (size_t i = 0; i < 3; i++) {
		json_t *d = doc_of(base_doc);
		int64_t nid;
		assert_int_equal(advisory_create(f->t->st, &f->t->cfg, no[i], "u", d, &nid, &e), -1);
		assert_int_equal(e.kind, PERR_FORBIDDEN);
		assert_int_equal(advisory_update(f->t->st, &f->t->cfg, no[i], "u", id, d, NULL, &e),
				 -1);
		assert_int_equal(e.kind, PERR_FORBIDDEN);
		json_decref(d);
	}
	/* an analyst's token narrowed to one organisation writes no national
	** advisory */
	struct principal narrowed = f->analyst;
	narrowed.scope_org = f->org_a;
	json_t *d = doc_of(base_doc);
	int64_t nid;
	assert_int_equal(advisory_create(f->t->st, &f->t->cfg, &narrowed, "u", d, &nid, &e), -1);
	assert_int_equal(e.kind, PERR_FORBIDDEN);
	json_decref(d);
}

/* A target row as publishing writes it (the tracking part's store file):
** written here directly so this test does not depend on that part. */
static void target_row(struct fx *f, int64_t id, int64_t org, const char *state)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->t->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "INSERT INTO advisory_target(advisory_id, org_id, state, notified_ms, "
		 "updated_ms) VALUES (%lld, %lld, '%s', 1, 1); UPDATE advisory SET status = "
		 "'published' WHERE id = %lld",
		 (long long)id, (long long)org, state, (long long)id);
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("target row: %s", msg);
	sqlite3_close(db);
}

static size_t list_n(struct fx *f, const struct principal *p, struct advisory_filter *flt,
		     json_t **next)
{
	json_t *out;
	struct perr e = { 0 };
	if (advisory_list(f->t->st, p, flt, &out, &e) != 0)
		fail_msg("list: %s", e.msg);
	size_t n = json_array_size(json_object_get(out, "items"));
	if (next)
		*next = json_incref(json_object_get(out, "next"));
	json_decref(out);
	return n;
}

static void test_scope_and_list(void **state)
{
	struct fx *f = *state;
	struct perr e = { 0 };
	int64_t ids[5];
	for (int i = 0; i < 5; i++)
		ids[i] = create(f, &f->analyst, base_doc);
	json_t *d = doc_of("{\"title\": {\"en\": \"Cisco Smart Install\"}, \"cves\": "
			   "[\"CVE-2018-0171\"]}");
	int64_t cisco;
	assert_int_equal(advisory_create(f->t->st, &f->t->cfg, NULL, "cli:root", d, &cisco, &e), 0);
	json_decref(d);
	target_row(f, ids[1], f->org_a, "acknowledged");

	/* staff see everything, newest first, in pages */
	struct advisory_filter flt = { .limit = 4 };
	json_t *next;
	assert_int_equal(list_n(f, &f->provincial, &flt, &next), 4);
	assert_true(json_is_integer(next));
	flt.before_id = json_integer_value(next);
	json_decref(next);
	assert_int_equal(list_n(f, &f->resp, &flt, &next), 2);
	assert_true(json_is_null(next));
	json_decref(next);
	/* search by CVE id and by words of the title; by status */
	struct advisory_filter q = { .q = "cve-2018-0171" };
	assert_int_equal(list_n(f, &f->analyst, &q, NULL), 1);
	q.q = "smart INSTALL";
	assert_int_equal(list_n(f, &f->analyst, &q, NULL), 1);
	q.q = NULL;
	q.status = "published";
	assert_int_equal(list_n(f, &f->analyst, &q, NULL), 1);
	q.status = "gone";
	json_t *out;
	assert_int_equal(advisory_list(f->t->st, &f->analyst, &q, &out, &e), -1);
	assert_string_equal(e.field, "status");

	/* a constituent sees only the advisory targeting their organisation,
	** with their target's state */
	struct advisory_filter all = { 0 };
	assert_int_equal(list_n(f, &f->cons_b, &all, NULL), 0);
	assert_int_equal(advisory_list(f->t->st, &f->cons_a, &all, &out, &e), 0);
	json_t *items = json_object_get(out, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")),
			 ids[1]);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_array_get(items, 0), "target"), "state")),
			    "acknowledged");
	json_decref(out);
	json_t *a;
	assert_int_equal(advisory_get(f->t->st, &f->cons_a, ids[1], 0, &a, &e), 0);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(a, "target"), "state")),
		"acknowledged");
	json_decref(a);
	/* another organisation's advisory, or one not published to anyone, is
	** absent for them (its history too) */
	assert_int_equal(advisory_get(f->t->st, &f->cons_b, ids[1], 0, &a, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	assert_int_equal(advisory_get(f->t->st, &f->cons_a, ids[2], 0, &a, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	assert_int_equal(advisory_history(f->t->st, &f->cons_b, ids[1], &a, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	/* a staff token narrowed to organisation B sees what B sees */
	struct principal narrowed = f->analyst;
	narrowed.scope_org = f->org_b;
	assert_int_equal(list_n(f, &narrowed, &all, NULL), 0);
	/* a published advisory's update is still versioned (its targets are
	** told through advisory_notify_update) */
	assert_int_equal(advisory_get(f->t->st, &f->analyst, ids[1], 0, &a, &e), 0);
	json_object_set_new(a, "deadline", json_string("2027-01-10"));
	assert_int_equal(advisory_update(f->t->st, &f->t->cfg, &f->analyst, "user:t", ids[1], a,
					 NULL, &e),
			 0);
	json_decref(a);
	assert_int_equal(advisory_get(f->t->st, &f->cons_a, ids[1], 0, &a, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(a, "version")), 2);
	assert_string_equal(json_string_value(json_object_get(a, "status")), "published");
	json_decref(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise_ok),
		cmocka_unit_test(test_normalise_refused),
		cmocka_unit_test_setup_teardown(test_create_update_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_who_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope_and_list, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
