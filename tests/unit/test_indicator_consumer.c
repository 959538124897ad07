/*
** test_indicator_consumer.c — the one rule of what an export may carry
** (indicator_export_allows, src/indicator/consumer.c) and the saved
** filters it applies: every TLP level against every kind of consumer and
** the staff default, status and expiry at the exact millisecond, each
** filter member alone, and the filter's JSON form (bounded, checked,
** canonical, read back as itself).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "indicator/indicator.h"
#include "store/store.h"

#define NOW 1800000000000LL

static struct store_indicator row(const char *type, const char *tlp)
{
	struct store_indicator r;
	memset(&r, 0, sizeof(r));
	snprintf(r.type, sizeof(r.type), "%s", type);
	snprintf(r.value, sizeof(r.value), "%s", "evil.example");
	snprintf(r.status, sizeof(r.status), "active");
	snprintf(r.tlp, sizeof(r.tlp), "%s", tlp);
	snprintf(r.class_, sizeof(r.class_), "malicious-code");
	snprintf(r.tags, sizeof(r.tags), ",botnet,phishing-kit,");
	r.confidence = 70;
	r.expires_ms = NOW + 1;
	return r;
}

static struct indicator_consumer consumer(bool member, bool strict)
{
	struct indicator_consumer c;
	memset(&c, 0, sizeof(c));
	c.id = 1;
	c.member = member;
	c.strict = strict;
	return c;
}

/* Every TLP level x public, member, strict, member+strict consumers and the
** staff default (NULL). */
static void tlp_matrix(void **state)
{
	(void)state;
	static const char *const tlps[] = { "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED",
					    "amber", "WHITE", "" };
	/* rows: tlps; columns: public, member, strict, member+strict, staff */
	static const bool want[8][5] = {
		{ 1, 1, 1, 1, 1 }, /* CLEAR */
		{ 1, 1, 1, 1, 1 }, /* GREEN */
		{ 0, 1, 1, 1, 1 }, /* AMBER: members, and those named for stricter */
		{ 0, 0, 1, 1, 0 }, /* AMBER+STRICT: named consumers only, not staff default */
		{ 0, 0, 0, 0, 0 }, /* RED: never */
		{ 0, 1, 1, 1, 1 }, /* the store's case does not matter */
		{ 0, 0, 0, 0, 0 }, /* TLP 1.0's WHITE is no TLP 2.0 level: closed */
		{ 0, 0, 0, 0, 0 }, /* none: closed */
	};
	struct indicator_consumer cs[4] = { consumer(false, false), consumer(true, false),
					    consumer(false, true), consumer(true, true) };
	for (size_t i = 0; i < 8; i++) {
		struct store_indicator r = row("domain", tlps[i]);
		for (int k = 0; k < 5; k++) {
			bool got = indicator_export_allows(k < 4 ? &cs[k] : NULL, &r, NOW);
			if (got != want[i][k])
				fail_msg("TLP '%s', consumer %d: %s", tlps[i], k,
					 got ? "allowed" : "refused");
		}
	}
}

static void status_and_expiry(void **state)
{
	(void)state;
	struct indicator_consumer c = consumer(true, true);
	struct store_indicator r = row("domain", "GREEN");
	assert_true(indicator_export_allows(&c, &r, NOW));
	/* expires_ms > now: the millisecond it expires, it is out */
	r.expires_ms = NOW;
	assert_false(indicator_export_allows(&c, &r, NOW));
	assert_false(indicator_export_allows(NULL, &r, NOW));
	r.expires_ms = NOW + 1;
	snprintf(r.status, sizeof(r.status), "held");
	assert_false(indicator_export_allows(&c, &r, NOW));
	snprintf(r.status, sizeof(r.status), "retired");
	assert_false(indicator_export_allows(NULL, &r, NOW));
}

static void filters(void **state)
{
	(void)state;
	struct perr err;
	struct indicator_consumer c = consumer(true, false);
	struct store_indicator dom = row("domain", "GREEN"), ip = row("ipv4", "GREEN");
	/* types */
	assert_int_equal(indicator_filter_parse("{\"types\":[\"ipv4\",\"cidr\"]}", &c.filter, &err), 0);
	assert_false(indicator_export_allows(&c, &dom, NOW));
	assert_true(indicator_export_allows(&c, &ip, NOW));
	/* classes */
	assert_int_equal(indicator_filter_parse("{\"classes\":[\"fraud\"]}", &c.filter, &err), 0);
	assert_false(indicator_export_allows(&c, &dom, NOW));
	snprintf(dom.class_, sizeof(dom.class_), "fraud");
	assert_true(indicator_export_allows(&c, &dom, NOW));
	/* minimum confidence: at least */
	assert_int_equal(indicator_filter_parse("{\"min_confidence\":70}", &c.filter, &err), 0);
	assert_true(indicator_export_allows(&c, &dom, NOW));
	dom.confidence = 69;
	assert_false(indicator_export_allows(&c, &dom, NOW));
	/* tags: a whole tag, not a part of one */
	assert_int_equal(indicator_filter_parse("{\"tags\":[\"phishing\"]}", &c.filter, &err), 0);
	assert_false(indicator_export_allows(&c, &ip, NOW));
	assert_int_equal(indicator_filter_parse("{\"tags\":[\"phishing-kit\",\"x\"]}", &c.filter,
						&err),
			 0);
	assert_true(indicator_export_allows(&c, &ip, NOW));
	/* a filter never widens TLP */
	struct store_indicator red = row("ipv4", "RED");
	assert_int_equal(indicator_filter_parse("{}", &c.filter, &err), 0);
	assert_false(indicator_export_allows(&c, &red, NOW));
}

static void refused(const char *json, const char *field)
{
	struct indicator_consumer_filter f;
	struct perr err;
	memset(&err, 0, sizeof(err));
	if (indicator_filter_parse(json, &f, &err) == 0)
		fail_msg("filter %s accepted", json);
	if (strcmp(err.field, field) != 0)
		fail_msg("filter %s: field '%s', want '%s' (%s)", json, err.field, field, err.msg);
	/* nothing half-parsed is left for a caller that ignores the error */
	assert_int_equal(f.types, 0);
	assert_int_equal(f.nclasses, 0);
}

static void filter_json(void **state)
{
	(void)state;
	refused("[]", "filter");
	refused("{\"types\":[\"domain\"],\"types\":[\"url\"]}", "filter");
	refused("{\"colour\":[]}", "filter");
	refused("{\"types\":[\"phone\"]}", "types");
	refused("{\"types\":\"domain\"}", "types");
	refused("{\"types\":[1]}", "types");
	refused("{\"classes\":[\"Fraud!\"]}", "classes");
	refused("{\"tags\":[\"a,b\"]}", "tags");
	refused("{\"min_confidence\":101}", "min_confidence");
	refused("{\"min_confidence\":\"50\"}", "min_confidence");
	char many[2048] = "{\"tags\":[";
	for (int i = 0; i < INDICATOR_FILTER_MAX + 1; i++) {
		char one[16];
		snprintf(one, sizeof(one), "%s\"t%d\"", i ? "," : "", i);
		strcat(many, one);
	}
	strcat(many, "]}");
	refused(many, "tags");

	/* canonical: members in one order, types by type order, duplicates once,
	** and the canonical form reads back as itself */
	struct indicator_consumer_filter f, g;
	struct perr err;
	char out[2048], again[2048];
	assert_int_equal(indicator_filter_parse("{\"min_confidence\":5,\"tags\":[\"b\",\"b\"],"
						"\"types\":[\"url\",\"DOMAIN\",\"url\"]}",
						&f, &err),
			 0);
	assert_int_equal(indicator_filter_json(&f, out, sizeof(out), &err), 0);
	assert_string_equal(out, "{\"types\":[\"domain\",\"url\"],\"tags\":[\"b\"],"
				 "\"min_confidence\":5}");
	assert_int_equal(indicator_filter_parse(out, &g, &err), 0);
	assert_int_equal(indicator_filter_json(&g, again, sizeof(again), &err), 0);
	assert_string_equal(out, again);
	/* empty */
	assert_int_equal(indicator_filter_parse("", &f, &err), 0);
	assert_int_equal(indicator_filter_json(&f, out, sizeof(out), &err), 0);
	assert_string_equal(out, "{}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tlp_matrix),
		cmocka_unit_test(status_and_expiry),
		cmocka_unit_test(filters),
		cmocka_unit_test(filter_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
