/*
** test_indicator_value.c — indicator values (src/indicator/value.c): each
** type's valid spellings reach one canonical form that reads back as
** itself, each kind of bad value is refused with field "value" and a
** message naming the fault (the problem document an analyst or a bulk
** import sees), the type of a bare value is guessed as a plain list means
** it, and what a value covers for matching (its host, its addresses).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "indicator/indicator.h"

/* text of type t is accepted as want, and want is its own canonical form */
static void canon_is(enum indicator_type t, const char *text, const char *want)
{
	char out[INDICATOR_VALUE_SIZE], again[INDICATOR_VALUE_SIZE];
	struct perr err = { 0 };
	if (indicator_value_canon(t, text, strlen(text), out, sizeof(out), &err) != 0)
		fail_msg("%s %s refused: %s", indicator_type_name(t), text, err.msg);
	if (strcmp(out, want) != 0)
		fail_msg("%s %s: canonical '%s', want '%s'", indicator_type_name(t), text, out,
			 want);
	if (indicator_value_canon(t, out, strlen(out), again, sizeof(again), &err) != 0)
		fail_msg("canonical %s refused: %s", out, err.msg);
	assert_string_equal(again, out);
}

/* text of type t is refused: PERR_INVALID, field "value", message naming what */
static void bad(enum indicator_type t, const char *text, const char *what)
{
	char out[INDICATOR_VALUE_SIZE];
	struct perr err = { 0 };
	if (indicator_value_canon(t, text, strlen(text), out, sizeof(out), &err) == 0)
		fail_msg("%s '%s' accepted as '%s'", indicator_type_name(t), text, out);
	assert_int_equal(err.kind, PERR_INVALID);
	assert_string_equal(err.field, "value");
	assert_string_equal(out, "");
	if (!strstr(err.msg, what))
		fail_msg("%s '%s': message '%s' does not name '%s'", indicator_type_name(t),
			 text, err.msg, what);
}

static void test_types(void **state)
{
	(void)state;
	for (int t = INDICATOR_NONE + 1; t < INDICATOR_TYPE_COUNT; t++) {
		const char *n = indicator_type_name((enum indicator_type)t);
		assert_non_null(n);
		assert_int_equal(indicator_type_parse(n), t);
		assert_true(indicator_default_ttl_ms((enum indicator_type)t) > 0);
	}
	assert_int_equal(indicator_type_parse("SHA256"), INDICATOR_SHA256);
	assert_int_equal(indicator_type_parse("hostname"), INDICATOR_NONE);
	assert_int_equal(indicator_type_parse(NULL), INDICATOR_NONE);
	assert_null(indicator_type_name(INDICATOR_NONE));
	assert_null(indicator_type_name(INDICATOR_TYPE_COUNT));

	/* the two figures the issue names; the others as documented */
	const int64_t day = 86400000;
	assert_int_equal(indicator_default_ttl_ms(INDICATOR_IPV4), 30 * day);
	assert_int_equal(indicator_default_ttl_ms(INDICATOR_IPV6), 30 * day);
	assert_int_equal(indicator_default_ttl_ms(INDICATOR_SHA256), 365 * day);
	assert_int_equal(indicator_default_ttl_ms(INDICATOR_MD5), 365 * day);
	assert_int_equal(indicator_default_ttl_ms(INDICATOR_CIDR), 90 * day);
	assert_int_equal(indicator_default_ttl_ms(INDICATOR_DOMAIN), 180 * day);
	assert_int_equal(indicator_default_ttl_ms(INDICATOR_APP), 365 * day);
	assert_int_equal(indicator_default_ttl_ms(INDICATOR_NONE), 0);

	char out[INDICATOR_VALUE_SIZE];
	struct perr err = { 0 };
	assert_int_equal(indicator_value_canon(INDICATOR_NONE, "1.2.3.4", 7, out,
					       sizeof(out), &err),
			 -1);
	assert_string_equal(err.field, "type");
	bad(INDICATOR_IPV4, "", "needs a value");
	bad(INDICATOR_IPV4, "  \t ", "needs a value");
	bad(INDICATOR_DOMAIN, "\xff\xfe.example", "UTF-8");
}

static void test_ipv4(void **state)
{
	(void)state;
	canon_is(INDICATOR_IPV4, "192.0.2.1", "192.0.2.1");
	canon_is(INDICATOR_IPV4, " 198.51.100.7\n", "198.51.100.7");
	canon_is(INDICATOR_IPV4, "0.0.0.0", "0.0.0.0");
	canon_is(INDICATOR_IPV4, "255.255.255.255", "255.255.255.255");
	bad(INDICATOR_IPV4, "010.1.2.3", "leading zero");
	bad(INDICATOR_IPV4, "1.2.3.04", "leading zero");
	bad(INDICATOR_IPV4, "1.2.3", "four parts");
	bad(INDICATOR_IPV4, "1.2.3.4.5", "four parts");
	bad(INDICATOR_IPV4, "1.2.3.", "empty part");
	bad(INDICATOR_IPV4, "1..2.3", "empty part");
	bad(INDICATOR_IPV4, "1.2.3.256", "above 255");
	bad(INDICATOR_IPV4, "1.2.3.1000", "above 255");
	bad(INDICATOR_IPV4, "0x7f.0.0.1", "not an IPv4");
	bad(INDICATOR_IPV4, "1.2.3.+4", "not an IPv4");
	bad(INDICATOR_IPV4, "1.2.3.4/32", "not an IPv4");
	bad(INDICATOR_IPV4, "1.2 .3.4", "not an IPv4");
	bad(INDICATOR_IPV4, "2130706433", "four parts");
}

static void test_ipv6(void **state)
{
	(void)state;
	canon_is(INDICATOR_IPV6, "2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1");
	canon_is(INDICATOR_IPV6, "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
	canon_is(INDICATOR_IPV6, "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
	canon_is(INDICATOR_IPV6, "2001:db8::0:1", "2001:db8::1");
	canon_is(INDICATOR_IPV6, "::1", "::1");
	canon_is(INDICATOR_IPV6, "::", "::");
	canon_is(INDICATOR_IPV6, "fe80::", "fe80::");
	/* RFC 5952 4.2.3: the longest run, the first of equal runs */
	canon_is(INDICATOR_IPV6, "2001:0:0:1:0:0:0:1", "2001:0:0:1::1");
	canon_is(INDICATOR_IPV6, "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
	/* six leading zero words are hex, not the deprecated ::a.b.c.d */
	canon_is(INDICATOR_IPV6, "::1:0", "::1:0");
	canon_is(INDICATOR_IPV6, "::0102:0304", "::102:304");
	canon_is(INDICATOR_IPV6, "64:ff9b::192.0.2.33", "64:ff9b::c000:221");
	bad(INDICATOR_IPV6, "::ffff:192.0.2.1", "use the ipv4 indicator 192.0.2.1");
	bad(INDICATOR_IPV6, "fe80::1%eth0", "not an IPv6");
	bad(INDICATOR_IPV6, "2001:db8:::1", "not an IPv6");
	bad(INDICATOR_IPV6, "1:2:3:4:5:6:7:8:9", "not an IPv6");
	bad(INDICATOR_IPV6, "2001:db8::12345", "not an IPv6");
	bad(INDICATOR_IPV6, "192.0.2.1", "not an IPv6");
	bad(INDICATOR_IPV6, "[2001:db8::1]", "not an IPv6");
}

static void test_cidr(void **state)
{
	(void)state;
	canon_is(INDICATOR_CIDR, "192.0.2.0/24", "192.0.2.0/24");
	canon_is(INDICATOR_CIDR, "10.0.0.0/8", "10.0.0.0/8");
	canon_is(INDICATOR_CIDR, "192.0.2.1/32", "192.0.2.1/32");
	canon_is(INDICATOR_CIDR, "2001:DB8:0::/32", "2001:db8::/32");
	canon_is(INDICATOR_CIDR, "2001:db8::1/128", "2001:db8::1/128");
	bad(INDICATOR_CIDR, "192.0.2.0/33", "prefix /33 is longer than 32");
	bad(INDICATOR_CIDR, "2001:db8::/129", "longer than 128");
	bad(INDICATOR_CIDR, "192.0.2.1/24", "did you mean 192.0.2.0/24");
	bad(INDICATOR_CIDR, "2001:db8::1/64", "did you mean 2001:db8::/64");
	bad(INDICATOR_CIDR, "0.0.0.0/0", "too broad");
	bad(INDICATOR_CIDR, "8.0.0.0/7", "too broad");
	bad(INDICATOR_CIDR, "2000::/3", "too broad");
	bad(INDICATOR_CIDR, "192.0.2.0", "ADDRESS/LENGTH");
	bad(INDICATOR_CIDR, "192.0.2.0/", "prefix length");
	bad(INDICATOR_CIDR, "192.0.2.0/024", "prefix length");
	bad(INDICATOR_CIDR, "192.0.2.0/-1", "prefix length");
	bad(INDICATOR_CIDR, "192.0.2.0/24/1", "prefix length");
	bad(INDICATOR_CIDR, "192.0.02.0/24", "leading zero");
	bad(INDICATOR_CIDR, "192.0.2/24", "four parts");
	bad(INDICATOR_CIDR, "::ffff:192.0.2.0/120", "IPv4-mapped");
}

static void test_domain(void **state)
{
	(void)state;
	canon_is(INDICATOR_DOMAIN, "Evil.Example", "evil.example");
	canon_is(INDICATOR_DOMAIN, "login-secure.evil.example.", "login-secure.evil.example");
	canon_is(INDICATOR_DOMAIN, "a1.b2.co", "a1.b2.co");
	canon_is(INDICATOR_DOMAIN, "xn--bcher-kva.example", "xn--bcher-kva.example");
	/* U-labels stored as A-labels (libidn2); case folded first */
	canon_is(INDICATOR_DOMAIN, "Bücher.example", "xn--bcher-kva.example");
	canon_is(INDICATOR_DOMAIN, "پارس.ایران", "xn--mgbug11a.xn--mgba3a4f16a");
	canon_is(INDICATOR_DOMAIN, "1.2.3.example", "1.2.3.example");
	char label63[64], d[300];
	memset(label63, 'a', 63);
	label63[63] = '\0';
	snprintf(d, sizeof(d), "%s.example", label63);
	canon_is(INDICATOR_DOMAIN, d, d);
	snprintf(d, sizeof(d), "a%s.example", label63);
	bad(INDICATOR_DOMAIN, d, "longer than 63");
	/* 253 bytes is the most a name may have */
	snprintf(d, sizeof(d), "%s.%s.%s.%.61s", label63, label63, label63, label63);
	assert_int_equal(strlen(d), 253);
	canon_is(INDICATOR_DOMAIN, d, d);
	snprintf(d, sizeof(d), "%s.%s.%s.%.62s", label63, label63, label63, label63);
	bad(INDICATOR_DOMAIN, d, "longer than 253");
	bad(INDICATOR_DOMAIN, "bad_label.example", "invalid label 'bad_label'");
	bad(INDICATOR_DOMAIN, "_dmarc.example", "invalid label");
	bad(INDICATOR_DOMAIN, "-x.example", "'-'");
	bad(INDICATOR_DOMAIN, "x-.example", "'-'");
	bad(INDICATOR_DOMAIN, "a..example", "empty label");
	bad(INDICATOR_DOMAIN, ".example", "empty label");
	bad(INDICATOR_DOMAIN, "evil.example..", "empty label");
	bad(INDICATOR_DOMAIN, "evil example", "invalid label");
	bad(INDICATOR_DOMAIN, "evil.example/x", "invalid label");
	bad(INDICATOR_DOMAIN, "localhost", "one label");
	bad(INDICATOR_DOMAIN, "com", "one label");
	bad(INDICATOR_DOMAIN, "1.2.3", "all-digit");
	bad(INDICATOR_DOMAIN, "1.2.3.4", "all-digit");
	bad(INDICATOR_DOMAIN, "xn--zz.example", "punycode");
	/* a label may not start with a combining mark (RFC 5891 4.2.3.2) */
	bad(INDICATOR_DOMAIN, "\xcc\x81" "a.example", "internationalized");
	/* a refused value quoted in the message is cut between characters:
	** the message must stay UTF-8 for the JSON problem document */
	char longu[200] = "a";
	for (int i = 0; i < 70; i++)
		memcpy(longu + 1 + 2 * i, "\xc3\xbc", 2);
	snprintf(longu + 141, sizeof(longu) - 141, ".example");
	struct perr err = { 0 };
	char out[INDICATOR_VALUE_SIZE];
	assert_int_equal(indicator_value_canon(INDICATOR_DOMAIN, longu, strlen(longu), out,
					       sizeof(out), &err),
			 -1);
	assert_true(utf8_valid(err.msg, strlen(err.msg)));
	assert_non_null(strstr(err.msg, "invalid label 'a\xc3\xbc"));
	/* UTS 46 maps a zero-width space to nothing, as browsers do: the name
	** a victim's browser visits is the one listed */
	canon_is(INDICATOR_DOMAIN, "ev\xe2\x80\x8bil.example", "evil.example");
}

static void test_url(void **state)
{
	(void)state;
	canon_is(INDICATOR_URL, "HTTP://Evil.Example/Login.php?u=A&x=%2F",
		 "http://evil.example/Login.php?u=A&x=%2F");
	canon_is(INDICATOR_URL, "https://evil.example", "https://evil.example/");
	canon_is(INDICATOR_URL, "https://evil.example:443/a", "https://evil.example/a");
	canon_is(INDICATOR_URL, "http://evil.example:80/a", "http://evil.example/a");
	canon_is(INDICATOR_URL, "http://evil.example:8080/a", "http://evil.example:8080/a");
	canon_is(INDICATOR_URL, "ftp://files.evil.example:21/x.exe",
		 "ftp://files.evil.example/x.exe");
	canon_is(INDICATOR_URL, "http://evil.example?q=1", "http://evil.example/?q=1");
	canon_is(INDICATOR_URL, "http://evil.example/a#frag", "http://evil.example/a");
	canon_is(INDICATOR_URL, "http://192.0.2.1/x", "http://192.0.2.1/x");
	canon_is(INDICATOR_URL, "http://[2001:DB8::0:1]:8080/x", "http://[2001:db8::1]:8080/x");
	canon_is(INDICATOR_URL, "http://Bücher.example/ü", "http://xn--bcher-kva.example/%C3%BC");
	canon_is(INDICATOR_URL, "http://www.bank.example@evil.example/",
		 "http://www.bank.example@evil.example/");
	canon_is(INDICATOR_URL, "http://evil.example/a//b/../c", "http://evil.example/a//b/../c");
	bad(INDICATOR_URL, "evil.example/login", "http://");
	bad(INDICATOR_URL, "javascript://evil.example/", "http://");
	bad(INDICATOR_URL, "http:/evil.example/", "http://");
	bad(INDICATOR_URL, "http:///x", "needs a host");
	bad(INDICATOR_URL, "http://evil.example:0/", "port");
	bad(INDICATOR_URL, "http://evil.example:65536/", "port");
	bad(INDICATOR_URL, "http://evil.example:x/", "port");
	bad(INDICATOR_URL, "http://evil.example:/", "port");
	bad(INDICATOR_URL, "http://ev_il.example/", "invalid label");
	bad(INDICATOR_URL, "http://010.0.0.1/", "leading zero");
	bad(INDICATOR_URL, "http://[2001:db8::1/", "unclosed");
	bad(INDICATOR_URL, "http://[1.2.3.4]/", "not an IPv6");
	bad(INDICATOR_URL, "http://evil.example/a b", "spaces");
	bad(INDICATOR_URL, "http://localhost/", "one label");
}

static void test_email(void **state)
{
	(void)state;
	canon_is(INDICATOR_EMAIL, "Phisher.Boss+tag@Evil.Example", "phisher.boss+tag@evil.example");
	canon_is(INDICATOR_EMAIL, "x@bücher.example", "x@xn--bcher-kva.example");
	bad(INDICATOR_EMAIL, "phisher.evil.example", "no '@'");
	bad(INDICATOR_EMAIL, "@evil.example", "1 to 64");
	bad(INDICATOR_EMAIL, "a@b@evil.example", "one '@'");
	bad(INDICATOR_EMAIL, ".a@evil.example", "'.'");
	bad(INDICATOR_EMAIL, "a..b@evil.example", "'.'");
	bad(INDICATOR_EMAIL, "a b@evil.example", "local part");
	bad(INDICATOR_EMAIL, "a@evil", "one label");
	bad(INDICATOR_EMAIL, "a@ev_il.example", "invalid label");
	bad(INDICATOR_EMAIL, "a@[192.0.2.1]", "address literal");
	bad(INDICATOR_EMAIL, "a@", "empty");
	char local[80];
	memset(local, 'a', 65);
	snprintf(local + 65, sizeof(local) - 65, "@x.example");
	bad(INDICATOR_EMAIL, local, "1 to 64");
}

#define H64 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define FP_COLON                                                                        \
	"E3:B0:C4:42:98:FC:1C:14:9A:FB:F4:C8:99:6F:B9:24:27:AE:41:E4:64:9B:93:4C:A4:95:99:1B:" \
	"78:52:B8:55"

static void test_hashes(void **state)
{
	(void)state;
	canon_is(INDICATOR_SHA256, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", H64);
	canon_is(INDICATOR_SHA1, "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709",
		 "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	canon_is(INDICATOR_MD5, "d41d8cd98f00b204e9800998ecf8427e", "d41d8cd98f00b204e9800998ecf8427e");
	bad(INDICATOR_SHA256, H64 "0", "wrong length");
	bad(INDICATOR_SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
	    "64 hex digits, not 63");
	bad(INDICATOR_SHA256, "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	    "not a hex digit");
	bad(INDICATOR_SHA1, "d41d8cd98f00b204e9800998ecf8427e", "40 hex digits, not 32");
	bad(INDICATOR_MD5, "da39a3ee5e6b4b0d3255bfef95601890afd80709", "32 hex digits, not 40");
	bad(INDICATOR_MD5, "d41d8cd98f00b204 e9800998ecf8427e", "not a hex digit");
	bad(INDICATOR_MD5, "0xd41d8cd98f00b204e9800998ecf8427e", "not a hex digit");

	canon_is(INDICATOR_TLS, FP_COLON, H64);
	canon_is(INDICATOR_TLS, H64, H64);
	bad(INDICATOR_TLS, "da39a3ee5e6b4b0d3255bfef95601890afd80709", "wrong length");
	bad(INDICATOR_TLS, "E3:B0:C4", "wrong length");
	bad(INDICATOR_TLS,
	    "E3B0:C4:42:98:FC:1C:14:9A:FB:F4:C8:99:6F:B9:24:27:AE:41:E4:64:9B:93:4C:A4:95:99:1B:"
	    "78:52:B8:55:",
	    "expected ':'");
	bad(INDICATOR_TLS,
	    "ZZ:B0:C4:42:98:FC:1C:14:9A:FB:F4:C8:99:6F:B9:24:27:AE:41:E4:64:9B:93:4C:A4:95:99:1B:"
	    "78:52:B8:55",
	    "not a hex digit");
}

static void test_asn(void **state)
{
	(void)state;
	canon_is(INDICATOR_ASN, "AS64500", "AS64500");
	canon_is(INDICATOR_ASN, "as64500", "AS64500");
	canon_is(INDICATOR_ASN, "64500", "AS64500");
	canon_is(INDICATOR_ASN, "AS1", "AS1");
	canon_is(INDICATOR_ASN, "AS4294967294", "AS4294967294");
	canon_is(INDICATOR_ASN, "AS1.10", "AS65546");
	bad(INDICATOR_ASN, "AS0", "reserved");
	bad(INDICATOR_ASN, "0", "reserved");
	bad(INDICATOR_ASN, "AS4294967295", "reserved");
	bad(INDICATOR_ASN, "AS4294967296", "32 bits");
	bad(INDICATOR_ASN, "99999999999", "bad ASN");
	bad(INDICATOR_ASN, "AS23456", "AS_TRANS");
	bad(INDICATOR_ASN, "AS065", "bad ASN");
	bad(INDICATOR_ASN, "AS", "bad ASN");
	bad(INDICATOR_ASN, "AS-5", "bad ASN");
	bad(INDICATOR_ASN, "AS 64500", "bad ASN");
	bad(INDICATOR_ASN, "AS0.10", "asdot");
	bad(INDICATOR_ASN, "AS1.65536", "asdot");
}

static void test_app(void **state)
{
	(void)state;
	canon_is(INDICATOR_APP, "com.Example.app:" H64, "com.Example.app:" H64);
	canon_is(INDICATOR_APP, "ir.bank.fake_app2:" FP_COLON, "ir.bank.fake_app2:" H64);
	bad(INDICATOR_APP, "com.example.app", "no certificate fingerprint");
	bad(INDICATOR_APP, "com.example.app:", "no certificate fingerprint");
	bad(INDICATOR_APP, "com.example.app:abc", "wrong length");
	bad(INDICATOR_APP, "example:" H64, "two or more");
	bad(INDICATOR_APP, "com..app:" H64, "two or more");
	bad(INDICATOR_APP, "com.example.:" H64, "two or more");
	bad(INDICATOR_APP, "com.1example:" H64, "segment");
	bad(INDICATOR_APP, "com.ex-ample:" H64, "segment");
	bad(INDICATOR_APP, ":" H64, "1 to 255");
}

static void test_guess(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		enum indicator_type t;
	} cases[] = {
		{ "192.0.2.1", INDICATOR_IPV4 },
		{ " 192.0.2.1\r", INDICATOR_IPV4 },
		{ "2001:db8::1", INDICATOR_IPV6 },
		{ "::1", INDICATOR_IPV6 },
		{ "fe80::192.0.2.1", INDICATOR_IPV6 },
		{ "192.0.2.0/24", INDICATOR_CIDR },
		{ "2001:db8::/32", INDICATOR_CIDR },
		{ "evil.example", INDICATOR_DOMAIN },
		{ "Bücher.example", INDICATOR_DOMAIN },
		{ "http://evil.example/x", INDICATOR_URL },
		{ "phisher@evil.example", INDICATOR_EMAIL },
		{ H64, INDICATOR_SHA256 },
		{ "da39a3ee5e6b4b0d3255bfef95601890afd80709", INDICATOR_SHA1 },
		{ "d41d8cd98f00b204e9800998ecf8427e", INDICATOR_MD5 },
		{ FP_COLON, INDICATOR_TLS },
		{ "AS64500", INDICATOR_ASN },
		{ "com.example.app:" H64, INDICATOR_APP },
		/* what is no value of any type */
		{ "1.2.3", INDICATOR_NONE },
		{ "010.0.0.1", INDICATOR_NONE },
		{ "64500", INDICATOR_NONE },
		{ "localhost", INDICATOR_NONE },
		{ "bad_label.example", INDICATOR_NONE },
		{ "192.0.2.1/24", INDICATOR_NONE },
		{ "d41d8cd98f00b204e9800998ecf8427", INDICATOR_NONE },
		{ "", INDICATOR_NONE },
		{ "# a comment", INDICATOR_NONE },
		{ "hello world", INDICATOR_NONE },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum indicator_type g = indicator_type_guess(cases[i].text, strlen(cases[i].text));
		if (g != cases[i].t)
			fail_msg("guess '%s': %s, want %s", cases[i].text,
				 g ? indicator_type_name(g) : "none",
				 cases[i].t ? indicator_type_name(cases[i].t) : "none");
	}
	/* the length is honoured: a list line is a view, not a C string */
	assert_int_equal(indicator_type_guess("192.0.2.1,extra", 9), INDICATOR_IPV4);
}

static void host_is(enum indicator_type t, const char *canon, const char *want)
{
	struct pstr h = indicator_value_host(t, canon);
	if (!want) {
		assert_null(h.p);
		assert_int_equal(h.n, 0);
		return;
	}
	if (!pstr_eqc(h, want))
		fail_msg("host of %s: '%.*s', want '%s'", canon, (int)h.n, h.p ? h.p : "", want);
}

static void test_host(void **state)
{
	(void)state;
	host_is(INDICATOR_DOMAIN, "evil.example", "evil.example");
	host_is(INDICATOR_IPV4, "192.0.2.1", "192.0.2.1");
	host_is(INDICATOR_URL, "http://evil.example/a:b@c", "evil.example");
	host_is(INDICATOR_URL, "http://evil.example:8080/", "evil.example");
	host_is(INDICATOR_URL, "http://www.bank.example@evil.example/?x=@", "evil.example");
	host_is(INDICATOR_URL, "http://[2001:db8::1]:8080/x", "2001:db8::1");
	host_is(INDICATOR_URL, "http://192.0.2.1?q", "192.0.2.1");
	host_is(INDICATOR_EMAIL, "a@evil.example", "evil.example");
	host_is(INDICATOR_SHA256, H64, NULL);
	host_is(INDICATOR_ASN, "AS64500", NULL);
}

static void test_range(void **state)
{
	(void)state;
	struct indicator_range r;
	assert_int_equal(indicator_value_range(INDICATOR_IPV4, "192.0.2.1", &r), 0);
	assert_int_equal(r.family, 4);
	assert_int_equal(r.prefix, 32);
	assert_memory_equal(r.first, "\xc0\x00\x02\x01", 4);
	assert_memory_equal(r.last, "\xc0\x00\x02\x01", 4);

	assert_int_equal(indicator_value_range(INDICATOR_CIDR, "10.128.0.0/9", &r), 0);
	assert_int_equal(r.family, 4);
	assert_int_equal(r.prefix, 9);
	assert_memory_equal(r.first, "\x0a\x80\x00\x00", 4);
	assert_memory_equal(r.last, "\x0a\xff\xff\xff", 4);

	assert_int_equal(indicator_value_range(INDICATOR_CIDR, "2001:db8::/33", &r), 0);
	assert_int_equal(r.family, 6);
	assert_int_equal(r.prefix, 33);
	static const uint8_t last6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x7f, 0xff, 0xff, 0xff,
					   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	assert_memory_equal(r.last, last6, 16);

	assert_int_equal(indicator_value_range(INDICATOR_IPV6, "2001:db8::1", &r), 0);
	assert_int_equal(r.prefix, 128);
	assert_memory_equal(r.first, r.last, 16);

	assert_int_equal(indicator_value_range(INDICATOR_DOMAIN, "evil.example", &r), -1);
	assert_int_equal(r.family, 0);
	assert_int_equal(indicator_value_range(INDICATOR_CIDR, "10.1.0.0/8", &r), -1);
	assert_int_equal(indicator_value_range(INDICATOR_IPV4, "1.2.3", &r), -1);
}

/* a small output buffer refuses rather than cutting */
static void test_small_out(void **state)
{
	(void)state;
	char out[8];
	struct perr err = { 0 };
	assert_int_equal(indicator_value_canon(INDICATOR_DOMAIN, "evil.example", 12, out,
					       sizeof(out), &err),
			 -1);
	assert_string_equal(out, "");
	assert_string_equal(err.field, "value");
	char big[INDICATOR_VALUE_MAX + 10];
	memset(big, 'a', sizeof(big));
	memcpy(big, "http://evil.example/", 20);
	char o2[INDICATOR_VALUE_SIZE];
	assert_int_equal(indicator_value_canon(INDICATOR_URL, big, sizeof(big), o2, sizeof(o2),
					       &err),
			 -1);
	assert_non_null(strstr(err.msg, "at most 2048"));
	/* a URL whose percent-encoding outgrows the limit is refused too */
	char wide[INDICATOR_VALUE_MAX];
	size_t n = 0;
	n += (size_t)snprintf(wide, sizeof(wide), "http://evil.example/");
	while (n + 2 < sizeof(wide)) {
		wide[n++] = '\xc3';
		wide[n++] = '\xbc';
	}
	assert_int_equal(indicator_value_canon(INDICATOR_URL, wide, n, o2, sizeof(o2), &err),
			 -1);
	assert_non_null(strstr(err.msg, "longer than 2048"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),  cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6),   cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_domain), cmocka_unit_test(test_url),
		cmocka_unit_test(test_email),  cmocka_unit_test(test_hashes),
		cmocka_unit_test(test_asn),    cmocka_unit_test(test_app),
		cmocka_unit_test(test_guess),  cmocka_unit_test(test_host),
		cmocka_unit_test(test_range),  cmocka_unit_test(test_small_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
