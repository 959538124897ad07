/*
** test_constituency.c — asset canonical forms, organisation rules, scope
** checks and the owner index (IPv4/IPv6 longest prefix, domain suffix, ASN,
** URL), against a real SQLite store.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "identity/identity.h"
#include "testutil.h"

static void canon_ok(const char *type, const char *in, const char *want)
{
	char out[512];
	struct perr e;
	perr_clear(&e);
	if (constituency_asset_canon(type, in, out, sizeof(out), &e) != 0)
		fail_msg("%s %s rejected: %s", type, in, e.msg);
	assert_string_equal(out, want);
}

static void canon_bad(const char *type, const char *in, const char *why)
{
	char out[512];
	struct perr e;
	perr_clear(&e);
	if (constituency_asset_canon(type, in, out, sizeof(out), &e) == 0)
		fail_msg("%s %s accepted as %s", type, in, out);
	assert_string_equal(e.field, "value");
	if (why && !strstr(e.msg, why))
		fail_msg("%s %s: message '%s' lacks '%s'", type, in, e.msg, why);
}

static void cidr_forms(void **state)
{
	(void)state;
	canon_ok("cidr", "10.1.0.0/16", "10.1.0.0/16");
	canon_ok("cidr", "192.0.2.7", "192.0.2.7/32");
	canon_ok("cidr", "2001:DB8:0:0::/32", "2001:db8::/32");
	canon_ok("cidr", "2001:db8::1", "2001:db8::1/128");
	canon_bad("cidr", "10.1.2.3/16", "did you mean 10.1.0.0/16");
	canon_bad("cidr", "10.0.0.0/33", "0 to 32");
	canon_bad("cidr", "10.0.0.0/-1", NULL);
	canon_bad("cidr", "10.0.0.0/", NULL);
	canon_bad("cidr", "010.1.0.0/16", NULL);
	canon_bad("cidr", "10.1.0/16", NULL);
	canon_bad("cidr", "0.0.0.0/0", "too broad");
	canon_bad("cidr", "2000::/3", "too broad");
	canon_bad("cidr", "example.com", NULL);
	canon_bad("cidr", "10.0.0.0/16 ", NULL);
}

static void domain_url_asn_product(void **state)
{
	(void)state;
	canon_ok("domain", "WWW.MoF.Example.", "www.mof.example");
	canon_ok("domain", "xn--mgba3a4f16a.example", "xn--mgba3a4f16a.example");
	canon_bad("domain", "example", "top-level");
	canon_bad("domain", "-bad.example", NULL);
	canon_bad("domain", "bad-.example", NULL);
	canon_bad("domain", "a..example", NULL);
	canon_bad("domain", "وزارت.example", "punycode");
	canon_bad("domain", "10.1.2.3", "address");
	canon_ok("url", "HTTPS://Portal.MoF.example:443/Tax/?a=1#frag",
		 "https://portal.mof.example/Tax/?a=1");
	canon_ok("url", "http://portal.mof.example", "http://portal.mof.example/");
	canon_ok("url", "http://portal.mof.example:8080/x", "http://portal.mof.example:8080/x");
	canon_ok("url", "http://[2001:DB8::1]/", "http://[2001:db8::1]/");
	canon_bad("url", "ftp://x.example/", NULL);
	canon_bad("url", "https://user:pw@x.example/", "credentials");
	canon_bad("url", "https://x.example:99999/", "port");
	canon_bad("url", "https://x.example/a b", "percent-encoded");
	canon_ok("asn", "AS64500", "AS64500");
	canon_ok("asn", "as64500", "AS64500");
	canon_ok("asn", "4294967295", "AS4294967295");
	canon_bad("asn", "AS0", NULL);
	canon_bad("asn", "AS4294967296", NULL);
	canon_bad("asn", "ASx", NULL);
	canon_ok("product", "MikroTik  RouterOS 6.42", "mikrotik routeros 6.42");
	canon_ok("product", "cisco ios", "cisco ios");
	canon_bad("product", "mikrotik", "vendor product");
	canon_bad("product", "a b c d", NULL);
	canon_bad("product", "a b;rm", NULL);
	char out[512];
	struct perr e;
	assert_int_equal(constituency_asset_canon("ipv4", "1.2.3.4", out, sizeof(out), &e), -1);
	assert_string_equal(e.field, "type");
}

static int64_t mkorg(struct tdb *t, const char *name, const char *prov, int64_t parent)
{
	struct org_spec s = { name, "government", prov, parent };
	struct store_org o;
	struct perr e;
	if (constituency_org_add(t->st, NULL, "test", &s, &o, &e) != 0)
		fail_msg("org %s: %s", name, e.msg);
	return o.id;
}

static void add_asset(struct tdb *t, int64_t org, const char *type, const char *v)
{
	struct perr e;
	if (constituency_asset_add(t->st, NULL, "test", org, type, v, true, NULL, &e) != 0)
		fail_msg("asset %s %s: %s", type, v, e.msg);
}

static int64_t owner(struct tdb *t, enum lookup_kind k, const char *q, char *matched)
{
	struct lookup_result r;
	struct perr e;
	int rc = constituency_lookup(t->st, k, q, &r, &e);
	assert_true(rc >= 0);
	if (matched)
		pstrtrunc(matched, rc ? r.matched : "", 512); /* a record for the checks below */
	return rc ? r.org_id : 0;
}

static void owner_lookup(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	int64_t a = mkorg(t, "Org A", "Tehran", 0), b = mkorg(t, "Org B", "Fars", 0);
	add_asset(t, a, "cidr", "10.0.0.0/8");
	add_asset(t, b, "cidr", "10.20.0.0/16"); /* nested: legal, longest wins */
	add_asset(t, a, "cidr", "2001:db8::/32");
	add_asset(t, b, "cidr", "2001:db8:1::/48");
	add_asset(t, a, "domain", "mof.example");
	add_asset(t, b, "domain", "tax.mof.example");
	add_asset(t, b, "asn", "AS64500");
	add_asset(t, b, "url", "https://portal.mof.example/tax/");
	constituency_changed();
	char m[512];
	assert_int_equal(owner(t, LOOKUP_IP, "10.1.2.3", m), a);
	assert_string_equal(m, "10.0.0.0/8");
	assert_int_equal(owner(t, LOOKUP_IP, "10.20.255.255", m), b);
	assert_string_equal(m, "10.20.0.0/16");
	assert_int_equal(owner(t, LOOKUP_IP, "10.21.0.0", NULL), a);
	assert_int_equal(owner(t, LOOKUP_IP, "11.0.0.1", NULL), 0);
	assert_int_equal(owner(t, LOOKUP_IP, "2001:db8:1::5", NULL), b);
	assert_int_equal(owner(t, LOOKUP_IP, "2001:db8:2::5", NULL), a);
	assert_int_equal(owner(t, LOOKUP_DOMAIN, "www.mof.example", NULL), a);
	assert_int_equal(owner(t, LOOKUP_DOMAIN, "a.tax.MOF.example", NULL), b);
	assert_int_equal(owner(t, LOOKUP_DOMAIN, "xmof.example", NULL), 0);
	assert_int_equal(owner(t, LOOKUP_ASN, "as64500", NULL), b);
	assert_int_equal(owner(t, LOOKUP_ASN, "AS64501", NULL), 0);
	assert_int_equal(owner(t, LOOKUP_URL, "https://portal.mof.example/tax/form?id=1", m), b);
	assert_string_equal(m, "https://portal.mof.example/tax/");
	assert_int_equal(owner(t, LOOKUP_URL, "https://portal.mof.example/taxes", NULL), a);
	assert_int_equal(owner(t, LOOKUP_URL, "http://10.20.0.1/", NULL), b);
	struct lookup_result r;
	struct perr e;
	assert_int_equal(constituency_lookup(t->st, LOOKUP_IP, "10.1.2", &r, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	/* removing an asset is seen by the next lookup */
	struct store_asset found;
	assert_int_equal(store_asset_find(t->st, "cidr", "10.20.0.0/16", &found, &e), 0);
	assert_int_equal(constituency_asset_delete(t->st, NULL, "test", b, found.id, &e), 0);
	constituency_changed();
	assert_int_equal(owner(t, LOOKUP_IP, "10.20.1.1", NULL), a);
	tdb_close(t);
}

static void asset_conflicts(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	int64_t a = mkorg(t, "Org A", "Tehran", 0), b = mkorg(t, "Org B", "Fars", 0);
	struct perr e;
	add_asset(t, a, "cidr", "192.0.2.0/24");
	assert_int_equal(constituency_asset_add(t->st, NULL, "t", b, "cidr", "192.0.2.0/24", false, NULL, &e), -1);
	assert_int_equal(e.kind, PERR_CONFLICT);
	assert_non_null(strstr(e.msg, "Org A"));
	assert_int_equal(constituency_asset_add(t->st, NULL, "t", a, "cidr", "192.0.2.0/24", false, NULL, &e), -1);
	assert_int_equal(e.kind, PERR_CONFLICT);
	/* a product tag is shared by many organisations, but not twice by one */
	add_asset(t, a, "product", "mikrotik routeros 6.42");
	add_asset(t, b, "product", "MikroTik RouterOS 6.42");
	assert_int_equal(constituency_asset_add(t->st, NULL, "t", a, "product", "mikrotik routeros 6.42", false, NULL, &e), -1);
	assert_int_equal(e.kind, PERR_CONFLICT);
	tdb_close(t);
}

static void org_rules(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	struct store_org o;
	int64_t a = mkorg(t, "Parent", "Tehran", 0);
	int64_t c = mkorg(t, "Child", "Tehran", a);
	struct org_spec dup = { "Parent", "", "Fars", 0 };
	assert_int_equal(constituency_org_add(t->st, NULL, "t", &dup, &o, &e), -1);
	assert_int_equal(e.kind, PERR_CONFLICT);
	assert_string_equal(e.field, "name");
	struct org_spec noprov = { "X", "", "Atlantis", 0 };
	assert_int_equal(constituency_org_add(t->st, NULL, "t", &noprov, &o, &e), -1);
	assert_string_equal(e.field, "province");
	struct org_spec ctl = { "bad\x01name", "", "Fars", 0 };
	assert_int_equal(constituency_org_add(t->st, NULL, "t", &ctl, &o, &e), -1);
	assert_string_equal(e.field, "name");
	/* the tree stays a tree */
	struct org_spec cyc = { "Parent", "", "Tehran", c };
	assert_int_equal(constituency_org_update(t->st, NULL, "t", a, &cyc, &o, &e), -1);
	assert_string_equal(e.field, "parent");
	/* a parent with children cannot go */
	assert_int_equal(constituency_org_delete(t->st, NULL, "t", a, &e), -1);
	assert_int_equal(e.kind, PERR_CONFLICT);
	assert_int_equal(constituency_org_delete(t->st, NULL, "t", c, &e), 0);
	assert_int_equal(constituency_org_delete(t->st, NULL, "t", a, &e), 0);
	tdb_close(t);
}

static void scope_is_enforced(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	struct store_org o;
	constituency_changed(); /* another test's database had an index too */
	int64_t teh = mkorg(t, "Tehran Org", "Tehran", 0), fars = mkorg(t, "Fars Org", "Fars", 0);
	struct principal prov;
	memset(&prov, 0, sizeof(prov));
	prov.role = ROLE_PROVINCIAL;
	PSTRCPY(prov.province, "Fars");
	assert_int_equal(constituency_org_get(t->st, &prov, fars, &o, &e), 0);
	assert_int_equal(constituency_org_get(t->st, &prov, teh, &o, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	struct org_spec s = { "New", "", "Tehran", 0 };
	assert_int_equal(constituency_org_add(t->st, &prov, "t", &s, &o, &e), -1);
	assert_int_equal(e.kind, PERR_FORBIDDEN);
	s.province = "Fars";
	assert_int_equal(constituency_org_add(t->st, &prov, "t", &s, &o, &e), 0);
	/* cannot move an organisation out of one's province */
	struct org_spec mv = { "New", "", "Tehran", 0 };
	assert_int_equal(constituency_org_update(t->st, &prov, "t", o.id, &mv, NULL, &e), -1);
	assert_int_equal(e.kind, PERR_FORBIDDEN);
	struct principal con;
	memset(&con, 0, sizeof(con));
	con.role = ROLE_CONSTITUENT;
	con.org_id = teh;
	assert_int_equal(constituency_org_get(t->st, &con, teh, &o, &e), 0);
	assert_int_equal(constituency_org_get(t->st, &con, fars, &o, &e), -1);
	struct contact_spec cs = { "Sec", "sec@x.example", "", "", "fa", "" };
	assert_int_equal(constituency_contact_add(t->st, &con, "t", fars, &cs, NULL, &e), -1);
	assert_int_equal(constituency_contact_add(t->st, &con, "t", teh, &cs, NULL, &e), 0);
	tdb_close(t);
}

static void contact_validation(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	struct store_contact c;
	int64_t a = mkorg(t, "Org", "Tehran", 0);
	struct contact_spec bad_mail = { "A", "not-an-address", "", "", "", "" };
	assert_int_equal(constituency_contact_add(t->st, NULL, "t", a, &bad_mail, NULL, &e), -1);
	assert_string_equal(e.field, "email");
	struct contact_spec bad_lang = { "A", "a@b.example", "", "", "de", "" };
	assert_int_equal(constituency_contact_add(t->st, NULL, "t", a, &bad_lang, NULL, &e), -1);
	assert_string_equal(e.field, "lang");
	struct contact_spec bad_fp = { "A", "a@b.example", "", "", "en", "1234" };
	assert_int_equal(constituency_contact_add(t->st, NULL, "t", a, &bad_fp, NULL, &e), -1);
	assert_string_equal(e.field, "pgp");
	struct contact_spec ok = { "علی", "a@b.example", "+98 21 1234", "CISO", "fa",
				   "0123 4567 89ab cdef 0123 4567 89AB CDEF 0123 4567" };
	assert_int_equal(constituency_contact_add(t->st, NULL, "t", a, &ok, &c, &e), 0);
	assert_string_equal(c.pgp, "0123456789ABCDEF0123456789ABCDEF01234567");
	assert_string_equal(c.name, "علی");
	tdb_close(t);
}

/* The overlap predicate on canonical values (what the rule of
** constituency_asset_add asks about each candidate). */
static void overlap_predicate(void **state)
{
	(void)state;
	static const struct {
		const char *ta, *a, *tb, *b;
		bool overlap;
	} cases[] = {
		/* networks: inside, around, equal, beside; families apart */
		{ "cidr", "198.51.100.0/24", "cidr", "198.51.100.10/32", true },
		{ "cidr", "198.51.0.0/16", "cidr", "198.51.100.0/24", true },
		{ "cidr", "198.51.100.0/24", "cidr", "198.51.100.0/24", true },
		{ "cidr", "198.51.100.0/25", "cidr", "198.51.100.128/25", false },
		{ "cidr", "198.51.100.0/24", "cidr", "198.51.101.0/24", false },
		{ "cidr", "2001:db8::/32", "cidr", "2001:db8:fa::/48", true },
		{ "cidr", "2001:db8:fa::/48", "cidr", "2001:db8:fb::/48", false },
		{ "cidr", "10.0.0.0/8", "cidr", "a00::/8", false },
		{ "cidr", "10.0.0.0/9", "cidr", "10.127.255.0/24", true },
		{ "cidr", "10.0.0.0/9", "cidr", "10.128.0.0/24", false },
		/* domains: at label boundaries only, both ways */
		{ "domain", "fars.example", "domain", "fars.example", true },
		{ "domain", "fars.example", "domain", "x.fars.example", true },
		{ "domain", "a.b.fars.example", "domain", "fars.example", true },
		{ "domain", "fars.example", "domain", "notfars.example", false },
		{ "domain", "ars.example", "domain", "fars.example", false },
		/* URLs: by prefix as the lookup matches, by host */
		{ "url", "https://fars.example/", "url", "https://fars.example/portal", true },
		{ "url", "https://x.example/a", "url", "https://x.example/a/b", true },
		{ "url", "https://x.example/a", "url", "https://x.example/ab", false },
		{ "url", "https://x.example/", "url", "http://x.example/", false },
		{ "url", "https://fars.example/", "url", "https://fars.example.evil/", false },
		{ "domain", "fars.example", "url", "https://www.fars.example/login", true },
		{ "url", "https://notfars.example/", "domain", "fars.example", false },
		{ "cidr", "198.51.100.0/24", "url", "http://198.51.100.20/", true },
		{ "url", "http://198.51.101.20/", "cidr", "198.51.100.0/24", false },
		{ "cidr", "2001:db8::/32", "url", "http://[2001:db8::1]:8080/", true },
		/* ASNs: equal only; products and mixed kinds never */
		{ "asn", "AS64510", "asn", "AS64510", true },
		{ "asn", "AS64510", "asn", "AS64511", false },
		{ "product", "mikrotik routeros 6.42", "product", "mikrotik routeros 6.42", false },
		{ "domain", "fars.example", "cidr", "198.51.100.0/24", false },
		{ "asn", "AS64510", "cidr", "198.51.100.0/24", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = constituency_assets_overlap(cases[i].ta, cases[i].a, cases[i].tb,
						       cases[i].b);
		bool rev = constituency_assets_overlap(cases[i].tb, cases[i].b, cases[i].ta,
						       cases[i].a);
		if (got != cases[i].overlap || rev != got)
			fail_msg("%s %s / %s %s: expected %d, got %d (reversed %d)", cases[i].ta,
				 cases[i].a, cases[i].tb, cases[i].b, cases[i].overlap, got, rev);
	}
}

/* The rule over the owner index, for the local operator (p NULL) and a
** provincial analyst: found through the index, in both directions. */
static void overlap_rule(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	constituency_changed(); /* another test's database had an index too */
	int64_t teh = mkorg(t, "Tehran Org", "Tehran", 0), fars = mkorg(t, "Fars Org", "Fars", 0);
	add_asset(t, fars, "cidr", "198.51.100.0/24");
	add_asset(t, fars, "domain", "fars.example");
	add_asset(t, fars, "cidr", "2001:db8:fa::/48");
	add_asset(t, teh, "cidr", "10.1.0.0/16");
	constituency_changed();
	static const char *const over[][2] = {
		{ "cidr", "198.51.100.10/32" }, { "cidr", "198.0.0.0/8" },
		{ "cidr", "2001:db8:fa:1::/64" }, { "cidr", "2001:db8::/32" },
		{ "domain", "www.fars.example" }, { "domain", "a.b.fars.example" },
		{ "url", "https://www.fars.example/a" }, { "url", "http://198.51.100.1/" },
	};
	struct principal prov;
	memset(&prov, 0, sizeof(prov));
	prov.role = ROLE_PROVINCIAL;
	PSTRCPY(prov.province, "Tehran");
	for (size_t i = 0; i < sizeof(over) / sizeof(over[0]); i++) {
		perr_clear(&e);
		if (constituency_asset_add(t->st, NULL, "t", teh, over[i][0], over[i][1], false,
					   NULL, &e) != -1 ||
		    e.kind != PERR_CONFLICT || strcmp(e.field, "confirm_overlap") != 0 ||
		    !strstr(e.msg, "Fars Org"))
			fail_msg("unconfirmed %s %s: %s", over[i][0], over[i][1], e.msg);
		perr_clear(&e);
		if (constituency_asset_add(t->st, &prov, "t", teh, over[i][0], over[i][1], true,
					   NULL, &e) != -1 ||
		    e.kind != PERR_FORBIDDEN || !strstr(e.msg, "province Fars") ||
		    strstr(e.msg, "Fars Org"))
			fail_msg("provincial %s %s: %s", over[i][0], over[i][1], e.msg);
	}
	/* assets around another organisation's URLs: found through the
	** URLs' hosts (names and addresses) and their prefixes */
	add_asset(t, fars, "url", "https://portal.gas.example/app");
	add_asset(t, fars, "url", "http://192.0.2.9/x");
	constituency_changed();
	static const char *const around[][2] = {
		{ "domain", "gas.example" }, { "domain", "portal.gas.example" },
		{ "cidr", "192.0.2.0/24" }, { "cidr", "192.0.2.9/32" },
		{ "url", "https://portal.gas.example/app/login" },
		{ "url", "https://portal.gas.example/" }, { "url", "http://192.0.2.9/x?y=1" },
	};
	for (size_t i = 0; i < sizeof(around) / sizeof(around[0]); i++) {
		perr_clear(&e);
		if (constituency_asset_add(t->st, NULL, "t", teh, around[i][0], around[i][1], false,
					   NULL, &e) != -1 ||
		    strcmp(e.field, "confirm_overlap") != 0)
			fail_msg("around %s %s: %s", around[i][0], around[i][1], e.msg);
	}
	static const char *const beside[][2] = {
		{ "domain", "other.gas.example" }, { "domain", "xportal.gas.example" },
		{ "cidr", "192.0.2.128/25" }, { "url", "https://portal.gas.example/apple" },
		{ "url", "http://192.0.2.10/x" },
	};
	for (size_t i = 0; i < sizeof(beside) / sizeof(beside[0]); i++) {
		perr_clear(&e);
		if (constituency_asset_add(t->st, NULL, "t", teh, beside[i][0], beside[i][1], false,
					   NULL, &e) != 0)
			fail_msg("beside %s %s: %s", beside[i][0], beside[i][1], e.msg);
		constituency_changed();
	}
	/* the same organisation may nest its own assets */
	assert_int_equal(constituency_asset_add(t->st, &prov, "t", teh, "cidr", "10.1.2.0/24",
						false, NULL, &e), 0);
	/* a confirmed overlap is written */
	constituency_changed();
	assert_int_equal(constituency_asset_add(t->st, NULL, "t", teh, "cidr", "198.51.100.0/25",
						true, NULL, &e), 0);
	constituency_changed();
	struct lookup_result r;
	assert_int_equal(constituency_lookup(t->st, LOOKUP_IP, "198.51.100.1", &r, &e), 1);
	assert_int_equal(r.org_id, teh);
	tdb_close(t);
}

/* The product asset's CPE form (issue 14): a CPE 2.3 name with its version,
** optionally how many hosts run it and which; free text keeps working. */
static void product_cpe_forms(void **state)
{
	(void)state;
	canon_ok("product", "cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*",
		 "cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*");
	/* case and option order are canonical; addresses as inet_ntop writes them */
	canon_ok("product",
		 "  CPE:2.3:O:MikroTik:RouterOS:6.42.1:*:*:*:*:*:*:*  hosts=10.0.0.1,2001:DB8::0:1 "
		 "count=40 ",
		 "cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*:* count=40 "
		 "hosts=10.0.0.1,2001:db8::1");
	canon_ok("product", "cpe:2.3:o:cisco:ios:15.2\\(4\\)e7:*:*:*:*:*:*:* count=3",
		 "cpe:2.3:o:cisco:ios:15.2\\(4\\)e7:*:*:*:*:*:*:* count=3");
	canon_ok("product", "MikroTik  RouterOS 6.42", "mikrotik routeros 6.42");
	/* a bad name is refused with the CPE's own complaint, in field value */
	canon_bad("product", "cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*", "13");
	canon_bad("product", "cpe:2.3:x:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*", "part");
	canon_bad("product", "cpe:2.2:o:mikrotik:routeros:6.42.1", "cpe:2.3:");
	/* its version is required */
	canon_bad("product", "cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*", "version");
	canon_bad("product", "cpe:2.3:o:mikrotik:routeros:-:*:*:*:*:*:*:*", "version");
	/* options */
	canon_bad("product", "cpe:2.3:o:mikrotik:routeros:6.42:*:*:*:*:*:*:* count=0", "count");
	canon_bad("product", "cpe:2.3:o:mikrotik:routeros:6.42:*:*:*:*:*:*:* count=x", "count");
	canon_bad("product", "cpe:2.3:o:mikrotik:routeros:6.42:*:*:*:*:*:*:* count=1 count=2",
		  "twice");
	canon_bad("product", "cpe:2.3:o:mikrotik:routeros:6.42:*:*:*:*:*:*:* hosts=10.0.0.300",
		  "IP address");
	canon_bad("product", "cpe:2.3:o:mikrotik:routeros:6.42:*:*:*:*:*:*:* hosts=", "at least");
	canon_bad("product", "cpe:2.3:o:mikrotik:routeros:6.42:*:*:*:*:*:*:* owner=me", "unknown");
	canon_bad("product", "cpe:2.3:o:mikrotik:routeros:6.42:*:*:*:*:*:*:* 40", "count=N");
	/* free text still may not carry a colon */
	canon_bad("product", "mikrotik routeros:6.42", NULL);

	struct constituency_product p;
	assert_int_equal(constituency_product_split("cpe:2.3:o:mikrotik:routeros:6.42:*:*:*:*:*:*:* "
						    "count=40 hosts=10.0.0.1,10.0.0.2",
						    &p),
			 1);
	assert_true(pstr_eqc(p.name, "cpe:2.3:o:mikrotik:routeros:6.42:*:*:*:*:*:*:*"));
	assert_int_equal(p.count, 40);
	assert_true(pstr_eqc(p.hosts, "10.0.0.1,10.0.0.2"));
	assert_int_equal(constituency_product_split("mikrotik routeros 6.42", &p), 0);
	assert_true(pstr_eqc(p.name, "mikrotik routeros 6.42"));
	assert_int_equal(p.count, 0);
}

/* The CSV import takes both forms of product (the CPE one quoted, for its
** commas), all or nothing: a bad CPE rejects the file with its line. */
static void product_csv_import(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	static const char ok[] =
		"organisation,province,sector,parent,kind,value,name,email,phone,role,lang,pgp\n"
		"Org P,Tehran,government,,product,\"cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*:* "
		"count=2 hosts=10.9.0.1,10.9.0.2\",,,,,,\n"
		"Org P,,,,product,MikroTik RouterOS 6.40,,,,,,\n";
	static const char bad[] =
		"organisation,province,sector,parent,kind,value,name,email,phone,role,lang,pgp\n"
		"Org Q,Tehran,,,product,cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*,,,,,,\n";
	struct import_report rep;
	struct perr e;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], ok, sizeof(ok) - 1), (ssize_t)(sizeof(ok) - 1));
	close(fds[1]);
	memset(&rep, 0, sizeof(rep));
	if (constituency_import_csv(t->st, "t", fds[0], 100, false, &rep, &e) != 0)
		fail_msg("import: %s / %.*s", e.msg, (int)rep.errors.len, rep.errors.ptr);
	close(fds[0]);
	assert_int_equal(rep.assets_added, 2);
	pbuf_free(&rep.errors);
	struct store_org o;
	assert_int_equal(store_org_by_name(t->st, "Org P", &o, &e), 0);
	struct store_asset a;
	assert_int_equal(store_asset_find(t->st, "product",
					  "cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*:* count=2 "
					  "hosts=10.9.0.1,10.9.0.2",
					  &a, &e),
			 0);
	assert_int_equal(a.org_id, o.id);
	assert_int_equal(store_asset_find(t->st, "product", "mikrotik routeros 6.40", &a, &e), 0);

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], bad, sizeof(bad) - 1), (ssize_t)(sizeof(bad) - 1));
	close(fds[1]);
	memset(&rep, 0, sizeof(rep));
	assert_int_equal(constituency_import_csv(t->st, "t", fds[0], 100, false, &rep, &e), -1);
	close(fds[0]);
	assert_int_equal(rep.rejects, 1);
	assert_non_null(strstr(rep.errors.ptr, "line 2"));
	assert_non_null(strstr(rep.errors.ptr, "version"));
	pbuf_free(&rep.errors);
	assert_int_equal(store_org_by_name(t->st, "Org Q", &o, &e), -1);
	tdb_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cidr_forms),      cmocka_unit_test(domain_url_asn_product),
		cmocka_unit_test(owner_lookup),    cmocka_unit_test(asset_conflicts),
		cmocka_unit_test(org_rules),       cmocka_unit_test(scope_is_enforced),
		cmocka_unit_test(contact_validation), cmocka_unit_test(overlap_predicate),
		cmocka_unit_test(overlap_rule),
		cmocka_unit_test(product_cpe_forms), cmocka_unit_test(product_csv_import),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
