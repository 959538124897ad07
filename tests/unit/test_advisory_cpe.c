/*
** test_advisory_cpe.c — CPE 2.3 names (src/advisory/cpe.c): real names as
** NVD publishes them are read and written back unchanged (quoted
** parentheses in Cisco's versions included), each kind of malformed name
** is refused with the fault named, the matching rule an advisory relies on
** to find who runs a product (ANY, NA, equal, different, wildcards), and
** the mapping of the free-text `product` asset to a CPE, with texts that
** must not be mapped.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "advisory/advisory.h"

static void parse_ok(const char *s, struct advisory_cpe *c)
{
	struct perr err = { 0 };
	if (advisory_cpe_parse(s, strlen(s), c, &err) != 0)
		fail_msg("refused %s: %s", s, err.msg);
}

/* Refused, with field "cpe" and a message containing what. */
static void parse_bad(const char *s, const char *what)
{
	struct advisory_cpe c;
	struct perr err = { 0 };
	if (advisory_cpe_parse(s, strlen(s), &c, &err) == 0)
		fail_msg("accepted %s", s);
	assert_int_equal(err.kind, PERR_INVALID);
	assert_string_equal(err.field, "cpe");
	if (!strstr(err.msg, what))
		fail_msg("%s: message '%s' does not name '%s'", s, err.msg, what);
}

static void round_trip(const char *s)
{
	struct advisory_cpe c, c2;
	char out[ADVISORY_CPE_MAX];
	parse_ok(s, &c);
	assert_non_null(advisory_cpe_format(&c, out));
	assert_string_equal(out, s);
	parse_ok(out, &c2);
	assert_memory_equal(&c, &c2, sizeof(c));
}

static void test_nvd_names(void **state)
{
	(void)state;
	struct advisory_cpe c;
	parse_ok("cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*", &c);
	assert_string_equal(c.f[ADVISORY_CPE_PART], "o");
	assert_string_equal(c.f[ADVISORY_CPE_VENDOR], "mikrotik");
	assert_string_equal(c.f[ADVISORY_CPE_PRODUCT], "routeros");
	assert_string_equal(c.f[ADVISORY_CPE_VERSION], "6.42.1");
	assert_string_equal(c.f[ADVISORY_CPE_OTHER], "*");

	/* Cisco's parentheses are quoted in the name, bare in the value the
	** version comparison reads. */
	parse_ok("cpe:2.3:o:cisco:ios:15.2\\(4\\)e7:*:*:*:*:*:*:*", &c);
	assert_string_equal(c.f[ADVISORY_CPE_VERSION], "15.2(4)e7");

	parse_ok("cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*", &c);
	assert_string_equal(c.f[ADVISORY_CPE_VERSION], "1.1.1k");

	/* NA in update, a target_sw, a quoted colon */
	parse_ok("cpe:2.3:a:apache:http_server:2.4.41:-:*:*:*:*:*:*", &c);
	assert_string_equal(c.f[ADVISORY_CPE_UPDATE], "-");
	parse_ok("cpe:2.3:a:jenkins:git:4.0.0:*:*:*:*:jenkins:*:*", &c);
	assert_string_equal(c.f[ADVISORY_CPE_TARGET_SW], "jenkins");
	parse_ok("cpe:2.3:a:vendor:a\\:b:1.0:*:*:*:*:*:*:*", &c);
	assert_string_equal(c.f[ADVISORY_CPE_PRODUCT], "a:b");

	/* upper case is read lower case */
	parse_ok("CPE:2.3:O:MikroTik:RouterOS:6.42.1:*:*:*:*:*:*:*", &c);
	assert_string_equal(c.f[ADVISORY_CPE_VENDOR], "mikrotik");
	assert_string_equal(c.f[ADVISORY_CPE_PART], "o");
}

static void test_round_trips(void **state)
{
	(void)state;
	round_trip("cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*");
	round_trip("cpe:2.3:o:cisco:ios:15.2\\(4\\)e7:*:*:*:*:*:*:*");
	round_trip("cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*");
	round_trip("cpe:2.3:a:microsoft:exchange_server:2019:cumulative_update_12:*:*:*:*:*:*");
	round_trip("cpe:2.3:h:cisco:catalyst_2960-24tt-l:-:*:*:*:*:*:*:*");
	round_trip("cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*");
	round_trip("cpe:2.3:*:*:*:*:*:*:*:*:*:*:*");
	/* a literal star, backslash, lone hyphen: kept apart from ANY, NA,
	** wildcards */
	round_trip("cpe:2.3:a:v:p\\*:\\-:\\\\:*:*:*:*:*:*");
	/* wildcards at the ends */
	round_trip("cpe:2.3:a:microsoft:*windows:6.*:??1:*:en-us:*:*:*:*");
	/* unneeded quoting is accepted and dropped */
	struct advisory_cpe c;
	char out[ADVISORY_CPE_MAX];
	parse_ok("cpe:2.3:a:v\\_x:p\\.q:1\\.0:*:*:*:*:*:*:*", &c);
	assert_string_equal(advisory_cpe_format(&c, out), "cpe:2.3:a:v_x:p.q:1.0:*:*:*:*:*:*:*");
	/* stored forms */
	parse_ok("cpe:2.3:a:v:p\\*:\\-:\\\\:*:*:*:*:*:*", &c);
	assert_string_equal(c.f[ADVISORY_CPE_PRODUCT], "p\\*");
	assert_string_equal(c.f[ADVISORY_CPE_VERSION], "\\-");
	assert_string_equal(c.f[ADVISORY_CPE_UPDATE], "\\\\");
}

static void test_malformed(void **state)
{
	(void)state;
	parse_bad("cpe:/o:mikrotik:routeros:6.42.1", "cpe:2.3:");
	parse_bad("cpe:2.2:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*", "cpe:2.3:");
	parse_bad("", "cpe:2.3:");
	parse_bad("cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*", "12 fields");
	parse_bad("cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*:*", "14 fields");
	parse_bad("cpe:2.3:x:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*", "part");
	parse_bad("cpe:2.3:-:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*", "part");
	parse_bad("cpe:2.3:ao:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*", "part");
	parse_bad("cpe:2.3:o:cisco:ios:15.2(4)e7:*:*:*:*:*:*:*", "version has an unquoted");
	parse_bad("cpe:2.3:o:cisco:i os:15:*:*:*:*:*:*:*", "product");
	parse_bad("cpe:2.3:o:cisco:ios:15:*:*:*:*:*:*:a\\", "other ends with a lone backslash");
	parse_bad("cpe:2.3:o:ci*sco:ios:15:*:*:*:*:*:*:*", "vendor has a wildcard");
	parse_bad("cpe:2.3:o::ios:15:*:*:*:*:*:*:*", "vendor is empty");
	parse_bad("cpe:2.3:o:cisco:ios:15:*:*:*:*:*:*:\\a", "other quotes");
	parse_bad("cpe:2.3:o:cisco:ios:15:*:*:*:*:*:*:caf\xc3\xa9", "other has a character outside");
	parse_bad("cpe:2.3:o:cisco:ios:??:*:*:*:*:*:*:*", "version is only wildcards");
	parse_bad("cpe:2.3:o:cisco:ios:*?:*:*:*:*:*:*:*", "version is only wildcards");
	parse_bad("cpe:2.3:o:cisco:ios:15:*:*:english:*:*:*:*", "language must be");
	parse_bad("cpe:2.3:o:cisco:ios:15:*:*:en-u:*:*:*:*", "language must be");

	/* a value of 127 characters is accepted, 128 refused, naming it */
	char v[200], s[400];
	memset(v, 'a', 127);
	v[127] = '\0';
	snprintf(s, sizeof(s), "cpe:2.3:a:v:p:%s:*:*:*:*:*:*:*", v);
	struct advisory_cpe c;
	parse_ok(s, &c);
	memset(v, 'a', 128);
	v[128] = '\0';
	snprintf(s, sizeof(s), "cpe:2.3:a:v:p:%s:*:*:*:*:*:*:*", v);
	parse_bad(s, "version is longer than 127");

	/* a whole name over ADVISORY_CPE_MAX - 1 bytes */
	char big[ADVISORY_CPE_MAX + 16];
	int n = snprintf(big, sizeof(big), "cpe:2.3:a:");
	for (int f = 0; f < 4; f++) {
		memset(big + n, 'b', 125);
		n += 125;
		big[n++] = ':';
	}
	snprintf(big + n, sizeof(big) - (size_t)n, "*:*:*:*:*:*");
	parse_bad(big, "longer than 511 bytes");
}

static bool m(const char *pat, const char *name)
{
	struct advisory_cpe p, c;
	parse_ok(pat, &p);
	parse_ok(name, &c);
	return advisory_cpe_match(&p, &c, false);
}

static void test_match(void **state)
{
	(void)state;
	const char *ros = "cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*";
	/* equal */
	assert_true(m(ros, ros));
	/* ANY in the pattern matches a value, NA, ANY */
	assert_true(m("cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*", ros));
	assert_true(m("cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*",
		      "cpe:2.3:o:mikrotik:routeros:-:*:*:*:*:*:*:*"));
	assert_true(m("cpe:2.3:*:*:*:*:*:*:*:*:*:*:*", ros));
	/* NA matches only NA */
	assert_true(m("cpe:2.3:o:mikrotik:routeros:-:*:*:*:*:*:*:*",
		      "cpe:2.3:o:mikrotik:routeros:-:*:*:*:*:*:*:*"));
	assert_false(m("cpe:2.3:o:mikrotik:routeros:-:*:*:*:*:*:*:*", ros));
	assert_false(m(ros, "cpe:2.3:o:mikrotik:routeros:-:*:*:*:*:*:*:*"));
	/* a value does not match ANY in the name (the name does not say
	** which version it runs) */
	assert_false(m(ros, "cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*"));
	/* different */
	assert_false(m(ros, "cpe:2.3:o:mikrotik:routeros:6.42.2:*:*:*:*:*:*:*"));
	assert_false(m(ros, "cpe:2.3:o:mikrotik:swos:6.42.1:*:*:*:*:*:*:*"));
	assert_false(m(ros, "cpe:2.3:a:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*"));
	/* case does not matter */
	assert_true(m("cpe:2.3:o:MikroTik:RouterOS:6.42.1:*:*:*:*:*:*:*", ros));
	/* literal star is not ANY */
	assert_false(m("cpe:2.3:o:mikrotik:routeros:\\*:*:*:*:*:*:*:*", ros));
	/* wildcards at the ends */
	assert_true(m("cpe:2.3:o:mikrotik:routeros:6.42.*:*:*:*:*:*:*:*", ros));
	assert_false(m("cpe:2.3:o:mikrotik:routeros:6.43.*:*:*:*:*:*:*:*", ros));
	assert_true(m("cpe:2.3:o:mikrotik:router*:6.42.1:*:*:*:*:*:*:*", ros));
	assert_true(m("cpe:2.3:o:mikrotik:*os:6.42.1:*:*:*:*:*:*:*", ros));
	assert_true(m("cpe:2.3:o:mikrotik:routeros:6.42.?:*:*:*:*:*:*:*", ros));
	assert_false(m("cpe:2.3:o:mikrotik:routeros:6.4?:*:*:*:*:*:*:*", ros));
	/* the version left to the caller */
	struct advisory_cpe p, c;
	parse_ok("cpe:2.3:o:mikrotik:routeros:6.40:*:*:*:*:*:*:*", &p);
	parse_ok(ros, &c);
	assert_false(advisory_cpe_match(&p, &c, false));
	assert_true(advisory_cpe_match(&p, &c, true));
}

static void from_text(const char *text, const char *want)
{
	struct advisory_cpe c, c2;
	char out[ADVISORY_CPE_MAX];
	if (advisory_cpe_from_text(text, strlen(text), &c) != 1)
		fail_msg("not mapped: %s", text);
	assert_non_null(advisory_cpe_format(&c, out));
	if (strcmp(out, want) != 0)
		fail_msg("%s: got %s, want %s", text, out, want);
	parse_ok(out, &c2);
	assert_memory_equal(&c, &c2, sizeof(c));
}

static void not_mapped(const char *text)
{
	struct advisory_cpe c;
	if (advisory_cpe_from_text(text, strlen(text), &c) != 0)
		fail_msg("mapped: %s", text);
}

static void test_from_text(void **state)
{
	(void)state;
	from_text("mikrotik routeros 6.42", "cpe:2.3:o:mikrotik:routeros:6.42:*:*:*:*:*:*:*");
	from_text("MikroTik RouterOS v6.42.1 (stable)",
		  "cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*");
	from_text("Cisco IOS 15.2(4)E7", "cpe:2.3:o:cisco:ios:15.2\\(4\\)e7:*:*:*:*:*:*:*");
	from_text("Cisco IOS XE Software, Version 17.3.4a",
		  "cpe:2.3:o:cisco:ios_xe:17.3.4a:*:*:*:*:*:*:*");
	from_text("OpenSSH_7.4", "cpe:2.3:a:openbsd:openssh:7.4:*:*:*:*:*:*:*");
	from_text("OpenSSH_7.4p1 Debian-10+deb9u7", "cpe:2.3:a:openbsd:openssh:7.4p1:*:*:*:*:*:*:*");
	from_text("Apache httpd 2.4.41", "cpe:2.3:a:apache:http_server:2.4.41:*:*:*:*:*:*:*");
	from_text("Apache/2.4.41 (Ubuntu)", "cpe:2.3:a:apache:http_server:2.4.41:*:*:*:*:*:*:*");
	from_text("nginx/1.18.0", "cpe:2.3:a:f5:nginx:1.18.0:*:*:*:*:*:*:*");
	from_text("Microsoft-IIS/10.0",
		  "cpe:2.3:a:microsoft:internet_information_services:10.0:*:*:*:*:*:*:*");
	from_text("Microsoft Exchange Server 2019",
		  "cpe:2.3:a:microsoft:exchange_server:2019:*:*:*:*:*:*:*");
	from_text("FortiOS 7.2.4", "cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*");
	from_text("Ivanti Connect Secure 22.7R2",
		  "cpe:2.3:a:ivanti:connect_secure:22.7r2:*:*:*:*:*:*:*");
	from_text("Citrix ADC 13.1",
		  "cpe:2.3:a:citrix:netscaler_application_delivery_controller:13.1:*:*:*:*:*:*:*");
	/* the demo's assets */
	from_text("cisco ios 15.2", "cpe:2.3:o:cisco:ios:15.2:*:*:*:*:*:*:*");
	from_text("fortinet fortios 6.0.4", "cpe:2.3:o:fortinet:fortios:6.0.4:*:*:*:*:*:*:*");
	/* an asset that holds a CPE name already */
	from_text(" cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*:* ",
		  "cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*");
	/* the product without a version: known product, version ANY */
	from_text("nginx", "cpe:2.3:a:f5:nginx:*:*:*:*:*:*:*:*");

	/* service banners of scan reports (scan_telnet, scan_ssh, scan_http,
	** scan_ftp, scan_smtp), as the devices and servers write them */
	from_text("MikroTik v6.42.1 (stable)", "cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*");
	from_text("220 MikroTik FTP server (MikroTik 6.49.7) ready",
		  "cpe:2.3:o:mikrotik:routeros:6.49.7:*:*:*:*:*:*:*");
	from_text("SSH-2.0-ROSSSH", "cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*");
	from_text("Mikrotik HttpProxy", "cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*");
	from_text("SSH-2.0-dropbear_2019.78",
		  "cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:2019.78:*:*:*:*:*:*:*");
	from_text("SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5",
		  "cpe:2.3:a:openbsd:openssh:8.2p1:*:*:*:*:*:*:*");
	from_text("lighttpd/1.4.45", "cpe:2.3:a:lighttpd:lighttpd:1.4.45:*:*:*:*:*:*:*");
	from_text("openresty/1.19.3.1", "cpe:2.3:a:openresty:openresty:1.19.3.1:*:*:*:*:*:*:*");
	from_text("mini_httpd/1.19 19dec2003", "cpe:2.3:a:acme:mini_httpd:1.19:*:*:*:*:*:*:*");
	from_text("Boa/0.94.14rc21", "cpe:2.3:a:boa:boa:0.94.14rc21:*:*:*:*:*:*:*");
	from_text("squid/4.10", "cpe:2.3:a:squid-cache:squid:4.10:*:*:*:*:*:*:*");
	from_text("220 ProFTPD 1.3.5e Server (Debian)",
		  "cpe:2.3:a:proftpd:proftpd:1.3.5e:*:*:*:*:*:*:*");
	from_text("220 (vsFTPd 3.0.3)", "cpe:2.3:a:beasts:vsftpd:3.0.3:*:*:*:*:*:*:*");
	from_text("220 mx.example ESMTP Exim 4.92 Fri, 27 Nov 2026 10:00:00 +0330",
		  "cpe:2.3:a:exim:exim:4.92:*:*:*:*:*:*:*");

	not_mapped("MikroTik hAP ac2");      /* a MikroTik model, not RouterOS's version */
	not_mapped("SSH-2.0-ROSSSHX");       /* not at a word's end */
	not_mapped("Boathouse 2.0");         /* "boa" inside a word */
	not_mapped("");
	not_mapped("Apache Tomcat 9.0.31");   /* apache, but not its web server */
	not_mapped("Jetty 9.4");              /* not in the table */
	not_mapped("ciscoios 15.2");          /* not at word boundaries */
	not_mapped("Cisco ASA 9.8");
	not_mapped("openssh-portable-fork x"); /* followed by words, not a version */
	not_mapped("cpe:2.3:o:mikrotik:routeros:6.42.1"); /* a malformed CPE name */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nvd_names), cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_malformed), cmocka_unit_test(test_match),
		cmocka_unit_test(test_from_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
