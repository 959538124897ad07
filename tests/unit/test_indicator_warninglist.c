/*
** test_indicator_warninglist.c — MISP warninglists (src/indicator/
** warninglist.c): the real lists of tests/data/warninglists/ (18 of MISP's
** 136, unmodified, every match type) loaded as an operator would, and the
** answers an analyst relies on before an indicator reaches a blocklist:
** 8.8.8.8 and 2001:4860:4860::8888 are public resolvers, 10.1.2.3 is
** private, sub.google.com is under a top domain but notgoogle.com is not,
** the empty file's MD5 is a known false positive — each answer naming every
** list hit. Then the hostile side: a malformed list is refused with the
** reason while the others load, and the bounds hold.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "indicator/indicator.h"

#define RFC1918 "List of RFC 1918 CIDR blocks"
#define RFC5735 "List of RFC 5735 CIDR blocks"
#define DNS4 "List of known IPv4 public DNS resolvers"
#define DNS6 "List of known IPv6 public DNS resolvers"
#define LINKLOCAL "List of IPv6 link local blocks"
#define ALEXA "Top 1000 website from Alexa"
#define DIGITALSIDE "OSINT.DigitalSide.IT Warning List"
#define BANKS "List of known bank domains"
#define SHORTENERS "List of known URL Shorteners domains"
#define GOOGLE "List of known google domains"
#define EMPTY "List of known hashes for empty files"
#define CF200 "Top 200 domains from Cloudflare Radar"
#define SANDBOXES "List of known domains used by automated malware analysis services & security vendors"
#define DISPOSABLE "List of disposable email domains"
#define CONTACT "Common contact e-mail addresses"
#define PHONES "Unattributed phone number."

static const char *data_dir(void)
{
	const char *d = getenv("WL_DATA");
	return d ? d : "tests/data/warninglists";
}

static void refused_fail(void *ctx, const char *source, const struct perr *e)
{
	(void)ctx;
	fail_msg("shipped list %s refused: %s", source, e->msg);
}

static int setup_subset(void **state)
{
	struct perr err = { 0 };
	size_t refused = 99;
	struct indicator_wl_set *s = indicator_wl_set_new();
	assert_non_null(s);
	if (indicator_wl_load_dir(s, data_dir(), &refused, refused_fail, NULL, &err) != 0)
		fail_msg("load %s: %s", data_dir(), err.msg);
	assert_int_equal(refused, 0);
	if (indicator_wl_freeze(s, &err) != 0)
		fail_msg("freeze: %s", err.msg);
	*state = s;
	return 0;
}

static int teardown_set(void **state)
{
	indicator_wl_free(*state);
	return 0;
}

/* The lists value hits, joined with ", " in load order (directory name
** order), or "" when none. */
static const char *hits(const struct indicator_wl_set *s, const char *hint, const char *value)
{
	static char out[2048];
	struct indicator_wl_hit h[32];
	size_t n = indicator_wl_match(s, hint, value, strlen(value), h, 32);
	assert_true(n <= 32);
	out[0] = 0;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(out);
		snprintf(out + l, sizeof(out) - l, "%s%s", i ? ", " : "", h[i].name);
	}
	return out;
}

static void subset_loads_every_type(void **state)
{
	struct indicator_wl_stats st;
	indicator_wl_stats(*state, &st);
	assert_int_equal(st.lists, 18);
	assert_true(st.cidr_prefixes > 60000); /* public-dns-v4 alone has 62,745 */
	assert_true(st.hostnames > 2000);
	assert_true(st.strings > 1000);
	assert_true(st.substrings > 8000);
	/* all 34 patterns are PCRE that ERE expresses once (?: and \d are rewritten */
	assert_int_equal(st.regex, 34);
	assert_int_equal(st.regex_refused, 0);
}

static void cidr_ipv4(void **state)
{
	const struct indicator_wl_set *s = *state;
	assert_string_equal(hits(s, "ip-dst", "8.8.8.8"), DNS4);
	assert_string_equal(hits(s, "ip-src", "10.1.2.3"), RFC1918 ", " RFC5735);
	assert_string_equal(hits(s, NULL, "192.168.200.7"), RFC1918 ", " RFC5735);
	assert_string_equal(hits(s, "ip-dst", "224.0.0.251"), "List of RFC 5771 multicast CIDR blocks, " RFC5735);
	/* just outside 172.16.0.0/12 */
	assert_string_equal(hits(s, "ip-dst", "172.32.0.1"), "");
	assert_string_equal(hits(s, "ip-dst", "5.160.0.1"), "");
	/* a network value lies in a range only when the whole network does */
	assert_string_equal(hits(s, "ip-dst", "10.20.0.0/16"), RFC1918 ", " RFC5735);
	assert_string_equal(hits(s, "ip-dst", "10.0.0.0/8"), RFC1918 ", " RFC5735);
	assert_string_equal(hits(s, "ip-dst", "10.0.0.0/7"), "");
	assert_string_equal(hits(s, "ip-dst", "8.8.8.8/32"), DNS4);
	assert_string_equal(hits(s, "ip-dst", "8.8.8.0/24"), "");
}

static void cidr_ipv6(void **state)
{
	const struct indicator_wl_set *s = *state;
	assert_string_equal(hits(s, "ip-dst", "2001:4860:4860::8888"), DNS6);
	assert_string_equal(hits(s, "ip-dst", "2001:4860:4860:0:0:0:0:8888"), DNS6);
	assert_string_equal(hits(s, "ip-src", "fe80::1c2:3ff:fe04:506"), LINKLOCAL);
	assert_string_equal(hits(s, "ip-dst", "2001:4860:4860::1234"), "");
	/* an IPv4-mapped address is the IPv4 address */
	assert_string_equal(hits(s, "ip-dst", "::ffff:8.8.8.8"), DNS4);
	assert_string_equal(hits(s, "ip-dst", "::ffff:10.9.8.7"), RFC1918 ", " RFC5735);
	assert_string_equal(hits(s, "ip-dst", "2a01:5ec0::1"), "");
}

static void hostname_suffixes(void **state)
{
	const struct indicator_wl_set *s = *state;
	/* google.com itself: two hostname lists and two exact-string lists */
	assert_string_equal(hits(s, "domain", "google.com"),
			    ALEXA ", " CF200 ", " DIGITALSIDE ", " GOOGLE);
	/* a subdomain: only the hostname lists (string lists are exact) */
	assert_string_equal(hits(s, "hostname", "sub.google.com"), ALEXA ", " DIGITALSIDE);
	assert_string_equal(hits(s, "domain", "a.b.c.google.com"), ALEXA ", " DIGITALSIDE);
	/* a label boundary, not a byte suffix */
	assert_string_equal(hits(s, "domain", "notgoogle.com"), "");
	assert_string_equal(hits(s, "domain", "google.com.evil.ir"), "");
	/* DNS names are case-insensitive; the root dot is not part of the name */
	assert_string_equal(hits(s, "domain", "WWW.Google.COM."), ALEXA ", " DIGITALSIDE);
	/* a URL: hostname lists see its host (user and port dropped); only
	** those naming "url" in matching_attributes answer (DigitalSide's does not) */
	assert_string_equal(hits(s, "url", "https://user@mail.google.com:8443/x?q=1"), ALEXA);
	assert_string_equal(hits(s, "url", "http://bit.ly/3abc"), SHORTENERS);
	/* ".1stbk.com" in the bank list: the domain and its subdomains */
	assert_string_equal(hits(s, "domain", "1stbk.com"), BANKS);
	assert_string_equal(hits(s, "domain", "online.1stbk.com"), BANKS);
}

static void strings_exact(void **state)
{
	const struct indicator_wl_set *s = *state;
	assert_string_equal(hits(s, "md5", "d41d8cd98f00b204e9800998ecf8427e"), EMPTY);
	assert_string_equal(hits(s, "md5", "D41D8CD98F00B204E9800998ECF8427E"), EMPTY);
	assert_string_equal(hits(s, "sha256",
				 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
			    EMPTY);
	assert_string_equal(hits(s, "md5", "d41d8cd98f00b204e9800998ecf8427f"), "");
	/* tlds holds "COM": the list's case does not matter either */
	assert_string_equal(hits(s, "domain", "com"), "TLDs as known by IANA");
}

static void substrings(void **state)
{
	const struct indicator_wl_set *s = *state;
	assert_string_equal(hits(s, "url", "https://app.any.run/tasks/1234"), SANDBOXES);
	assert_string_equal(hits(s, "email-src", "throwaway@Mailinator.com"), DISPOSABLE);
	assert_string_equal(hits(s, "email-src", "someone@parapet-example.ir"), "");
}

static void regexes(void **state)
{
	const struct indicator_wl_set *s = *state;
	assert_string_equal(hits(s, "email-dst", "abuse@example.org"), CONTACT);
	assert_string_equal(hits(s, "email-dst", "NOC@example.org"), CONTACT); /* /i */
	assert_string_equal(hits(s, "email-dst", "abuser@example.org"), "");
	/* UK drama numbers: the pattern uses (?:...), rewritten for ERE */
	assert_string_equal(hits(s, "phone-number", "07700900123"), PHONES);
	assert_string_equal(hits(s, "phone-number", "+4407700900123"), PHONES);
	assert_string_equal(hits(s, "phone-number", "+989121234567"), "");
}

static void type_hint_and_composites(void **state)
{
	const struct indicator_wl_set *s = *state;
	/* lists only answer for the attribute types they name */
	assert_string_equal(hits(s, "md5", "8.8.8.8"), "");
	assert_string_equal(hits(s, "azure-application-id", "google.com"), "");
	/* a composite attribute is matched half by half (DigitalSide does not
	** name domain|ip); hits come in load order, the directories' names */
	assert_string_equal(hits(s, "domain|ip", "google.com|10.0.0.1"),
			    ALEXA ", " CF200 ", " GOOGLE ", " RFC1918 ", " RFC5735);
	assert_string_equal(hits(s, "ip-dst|port", "8.8.8.8|53"), DNS4);
}

/* What the registry passes for each of its types (value.c's enum). */
static void registry_type_hints(void **state)
{
	const struct indicator_wl_set *s = *state;
	assert_string_equal(hits(s, indicator_wl_hint(INDICATOR_IPV4), "8.8.8.8"), DNS4);
	assert_string_equal(hits(s, indicator_wl_hint(INDICATOR_IPV6), "2001:4860:4860::8888"),
			    DNS6);
	assert_string_equal(hits(s, indicator_wl_hint(INDICATOR_CIDR), "10.1.0.0/16"),
			    RFC1918 ", " RFC5735);
	assert_string_equal(hits(s, indicator_wl_hint(INDICATOR_DOMAIN), "sub.google.com"),
			    ALEXA ", " DIGITALSIDE);
	assert_string_equal(hits(s, indicator_wl_hint(INDICATOR_URL), "https://bit.ly/x"),
			    SHORTENERS);
	assert_string_equal(hits(s, indicator_wl_hint(INDICATOR_EMAIL), "abuse@example.org"),
			    CONTACT);
	assert_string_equal(hits(s, indicator_wl_hint(INDICATOR_MD5),
				 "d41d8cd98f00b204e9800998ecf8427e"),
			    EMPTY);
	/* a package name that happens to look like a host is not a host */
	assert_string_equal(hits(s, indicator_wl_hint(INDICATOR_APP), "com.google"), "");
	assert_null(indicator_wl_hint(INDICATOR_NONE));
}

static void count_beyond_max(void **state)
{
	const struct indicator_wl_set *s = *state;
	struct indicator_wl_hit h[2] = { 0 };
	const char *v = "google.com|10.0.0.1";
	size_t n = indicator_wl_match(s, "domain|ip", v, strlen(v), h, 1);
	assert_int_equal(n, 5);
	assert_string_equal(h[0].name, ALEXA);
	assert_string_equal(h[0].source, "alexa");
	assert_int_equal(h[0].type, INDICATOR_WL_HOSTNAME);
	assert_null(h[1].name); /* max respected */
	/* no hint: DigitalSide answers too */
	assert_int_equal(indicator_wl_match(s, NULL, v, strlen(v), NULL, 0), 6);
}

static int add(struct indicator_wl_set *s, const char *json, struct perr *err)
{
	memset(err, 0, sizeof(*err));
	return indicator_wl_add_json(s, json, strlen(json), "t", err);
}

#define GOOD_CIDR "{\"name\":\"good\",\"type\":\"cidr\",\"list\":[\"192.0.2.0/24\"]}"

static void malformed_refused_others_load(void **state)
{
	(void)state;
	struct indicator_wl_set *s = indicator_wl_set_new();
	struct perr err;
	assert_int_equal(add(s, GOOD_CIDR, &err), 0);
	static const struct {
		const char *json, *field;
	} bad[] = {
		{ "{\"name\":\"x\",\"type\":\"cidr\",\"list\":[", "list" },     /* truncated */
		{ "[\"198.51.100.0/24\"]", "list" },                            /* not an object */
		{ "{\"type\":\"cidr\",\"list\":[\"198.51.100.0/24\"]}", "name" }, /* no name */
		{ "{\"name\":\"x\",\"type\":\"glob\",\"list\":[]}", "type" },
		{ "{\"name\":\"x\",\"type\":\"cidr\",\"list\":\"198.51.100.0/24\"}", "list" },
		{ "{\"name\":\"x\",\"type\":\"string\",\"list\":[\"a\",7]}", "list" },
		{ "{\"name\":\"x\",\"type\":\"cidr\",\"list\":[\"198.51.100.0/24\",\"10.0.0.0/33\"]}",
		  "list" },
		{ "{\"name\":\"x\",\"type\":\"cidr\",\"list\":[\"198.51.100.0/24\",\"example.com\"]}",
		  "list" },
		{ "{\"name\":\"x\",\"type\":\"hostname\",\"list\":[\"evil.ir\"],"
		  "\"matching_attributes\":\"domain\"}",
		  "matching_attributes" },
		{ "{\"name\":\"x\",\"name\":\"y\",\"type\":\"string\",\"list\":[]}", "list" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (add(s, bad[i].json, &err) != -1)
			fail_msg("accepted %s", bad[i].json);
		assert_int_equal(err.kind, PERR_INVALID);
		assert_string_equal(err.field, bad[i].field);
		assert_true(err.msg[0] != 0);
	}
	assert_int_equal(add(s, "{\"name\":\"hosts\",\"type\":\"hostname\",\"list\":[\"ok.example\"]}",
			     &err),
			 0);
	assert_int_equal(indicator_wl_freeze(s, &err), 0);
	struct indicator_wl_stats st;
	indicator_wl_stats(s, &st);
	assert_int_equal(st.lists, 2);
	assert_string_equal(hits(s, NULL, "192.0.2.10"), "good");
	/* the refused lists left nothing behind, not even their valid first entries */
	assert_string_equal(hits(s, NULL, "198.51.100.1"), "");
	assert_string_equal(hits(s, NULL, "evil.ir"), "");
	assert_string_equal(hits(s, NULL, "www.ok.example"), "hosts");
	/* frozen: no more lists */
	assert_int_equal(add(s, GOOD_CIDR, &err), -1);
	assert_int_equal(err.kind, PERR_CONFLICT);
	indicator_wl_free(s);
}

static void limits(void **state)
{
	(void)state;
	struct indicator_wl_set *s = indicator_wl_set_new();
	struct perr err;
	char *big = malloc(INDICATOR_WL_MAX_VALUE + 200);
	/* an entry longer than the bound */
	int k = snprintf(big, 100, "{\"name\":\"x\",\"type\":\"string\",\"list\":[\"");
	memset(big + k, 'a', INDICATOR_WL_MAX_VALUE + 1);
	memcpy(big + k + INDICATOR_WL_MAX_VALUE + 1, "\"]}", 4);
	assert_int_equal(add(s, big, &err), -1);
	assert_int_equal(err.kind, PERR_LIMIT);
	free(big);
	/* a list larger than the size bound is refused before it is parsed */
	size_t huge = INDICATOR_WL_MAX_JSON + 1;
	char *h = calloc(1, huge);
	assert_non_null(h);
	assert_int_equal(indicator_wl_add_json(s, h, huge, "t", &err), -1);
	assert_int_equal(err.kind, PERR_LIMIT);
	free(h);
	/* more patterns than the set compiles */
	struct pbuf b;
	pbuf_init(&b, 0);
	assert_int_equal(pbuf_adds(&b, "{\"name\":\"rx\",\"type\":\"regex\",\"list\":["), 0);
	for (int i = 0; i <= INDICATOR_WL_MAX_REGEX; i++)
		assert_int_equal(pbuf_addf(&b, "%s\"/^a%d$/\"", i ? "," : "", i), 0);
	assert_int_equal(pbuf_adds(&b, "]}"), 0);
	assert_int_equal(add(s, b.ptr, &err), -1);
	assert_int_equal(err.kind, PERR_LIMIT);
	pbuf_free(&b);
	/* a pattern regcomp refuses is skipped and counted; the list loads */
	assert_int_equal(add(s, "{\"name\":\"rx\",\"type\":\"regex\",\"list\":[\"/(a/\",\"/^ok$/\"]}",
			     &err),
			 0);
	/* the number of lists */
	for (int i = 1; i < INDICATOR_WL_MAX_LISTS; i++)
		assert_int_equal(add(s, GOOD_CIDR, &err), 0);
	assert_int_equal(add(s, GOOD_CIDR, &err), -1);
	assert_int_equal(err.kind, PERR_LIMIT);
	assert_int_equal(indicator_wl_freeze(s, &err), 0);
	struct indicator_wl_stats st;
	indicator_wl_stats(s, &st);
	assert_int_equal(st.lists, INDICATOR_WL_MAX_LISTS);
	assert_int_equal(st.regex, 1);
	assert_int_equal(st.regex_refused, 1);
	assert_int_equal(st.cidr_prefixes, 1); /* one prefix, 511 lists */
	assert_int_equal(indicator_wl_match(s, NULL, "192.0.2.1", 9, NULL, 0),
			 INDICATOR_WL_MAX_LISTS - 1);
	assert_string_equal(hits(s, NULL, "ok"), "rx");
	/* the same set frozen twice */
	assert_int_equal(indicator_wl_freeze(s, &err), -1);
	indicator_wl_free(s);
}

static void not_frozen_matches_nothing(void **state)
{
	(void)state;
	struct indicator_wl_set *s = indicator_wl_set_new();
	struct perr err;
	assert_int_equal(add(s, GOOD_CIDR, &err), 0);
	assert_int_equal(indicator_wl_match(s, NULL, "192.0.2.1", 9, NULL, 0), 0);
	indicator_wl_free(s);
}

static void load_dir_reports_refused(void **state)
{
	(void)state;
	char dir[] = "/tmp/wltestXXXXXX", p[512];
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/a-good", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/a-good/list.json", dir);
	FILE *f = fopen(p, "w");
	fputs(GOOD_CIDR, f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/b-bad", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/b-bad/list.json", dir);
	f = fopen(p, "w");
	fputs("{\"name\":\"bad\"", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/c-empty", dir); /* no list.json */
	assert_int_equal(mkdir(p, 0700), 0);

	struct indicator_wl_set *s = indicator_wl_set_new();
	struct perr err = { 0 };
	size_t refused = 0;
	assert_int_equal(indicator_wl_load_dir(s, dir, &refused, NULL, NULL, &err), 0);
	assert_int_equal(refused, 2);
	struct indicator_wl_stats st;
	indicator_wl_stats(s, &st);
	assert_int_equal(st.lists, 1);
	indicator_wl_free(s);
	s = indicator_wl_set_new();
	assert_int_equal(indicator_wl_load_dir(s, "/nonexistent/wl", NULL, NULL, NULL, &err), -1);
	indicator_wl_free(s);

	snprintf(p, sizeof(p), "%s/a-good/list.json", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/b-bad/list.json", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/a-good", dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/b-bad", dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/c-empty", dir);
	rmdir(p);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(subset_loads_every_type, setup_subset, teardown_set),
		cmocka_unit_test_setup_teardown(cidr_ipv4, setup_subset, teardown_set),
		cmocka_unit_test_setup_teardown(cidr_ipv6, setup_subset, teardown_set),
		cmocka_unit_test_setup_teardown(hostname_suffixes, setup_subset, teardown_set),
		cmocka_unit_test_setup_teardown(strings_exact, setup_subset, teardown_set),
		cmocka_unit_test_setup_teardown(substrings, setup_subset, teardown_set),
		cmocka_unit_test_setup_teardown(regexes, setup_subset, teardown_set),
		cmocka_unit_test_setup_teardown(type_hint_and_composites, setup_subset, teardown_set),
		cmocka_unit_test_setup_teardown(registry_type_hints, setup_subset, teardown_set),
		cmocka_unit_test_setup_teardown(count_beyond_max, setup_subset, teardown_set),
		cmocka_unit_test(malformed_refused_others_load),
		cmocka_unit_test(limits),
		cmocka_unit_test(not_frozen_matches_nothing),
		cmocka_unit_test(load_dir_reports_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
