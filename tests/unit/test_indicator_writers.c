/*
** test_indicator_writers.c — the export writers (src/indicator/export*.c)
** as a consumer reads them: format names round-trip; a plain list holds
** one value a line and only the types asked for; CSV quotes what must be
** quoted and defuses spreadsheet formulas; JSON parses (jansson) with
** every field; and the output is the same whether the caller drains the
** buffer after every row (streaming) or not.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indicator/indicator.h"
#include "store/store.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */

#define H_has(hay, needle)                                                   \
	do {                                                                 \
		if (!strstr((hay), (needle)))                                \
			fail_msg("missing '%s' in:\n%s", (needle), (hay)); \
	} while (0)

static struct store_indicator row(int64_t id, const char *type, const char *value)
{
	struct store_indicator r;
	memset(&r, 0, sizeof(r));
	r.id = id;
	pstrtrunc(r.type, type, sizeof(r.type));
	pstrtrunc(r.value, value, sizeof(r.value));
	PSTRCPY(r.status, "active");
	PSTRCPY(r.tlp, "GREEN");
	PSTRCPY(r.source, "analyst");
	PSTRCPY(r.class_, "malicious-code");
	PSTRCPY(r.reason, "C2 of a banking trojan");
	r.confidence = 80;
	r.first_seen_ms = T0;
	r.last_seen_ms = T0 + 1000;
	r.expires_ms = T0 + 86400000LL * 30;
	return r;
}

/* Export rows[0..n) as fmt; drain: empty the buffer after every call as a
** streaming caller does. Returns the whole text (caller frees). */
static char *export_all(enum indicator_export_format fmt, const struct indicator_export_opts *o,
			const struct store_indicator *rows, size_t n, bool drain,
			struct indicator_export_counts *counts)
{
	struct pbuf out, all;
	pbuf_init(&out, 0);
	pbuf_init(&all, 0);
	struct indicator_export *x;
	struct perr err = { 0 };
	if (indicator_export_open(fmt, o, &out, &x, &err) != 0)
		fail_msg("open %s: %s", indicator_export_format_name(fmt), err.msg);
	for (size_t i = 0; i < n; i++) {
		if (drain) {
			pbuf_addb(&all, &out);
			pbuf_reset(&out);
		}
		if (indicator_export_add(x, &rows[i], &err) != 0)
			fail_msg("add: %s", err.msg);
	}
	if (counts)
		indicator_export_counts(x, counts);
	if (indicator_export_close(x, &err) != 0)
		fail_msg("close: %s", err.msg);
	pbuf_addb(&all, &out);
	pbuf_free(&out);
	char *s = pbuf_take(&all);
	assert_non_null(s);
	return s;
}

static void format_names(void **state)
{
	(void)state;
	for (int f = 1; f < INDICATOR_EXPORT_FORMAT_COUNT; f++) {
		const char *n = indicator_export_format_name((enum indicator_export_format)f);
		assert_non_null(n);
		assert_int_equal(indicator_export_format_parse(n), f);
		assert_non_null(indicator_export_media_type((enum indicator_export_format)f));
		assert_non_null(indicator_export_extension((enum indicator_export_format)f));
	}
	assert_int_equal(indicator_export_format_parse("RPZ"), INDICATOR_EXPORT_RPZ);
	assert_int_equal(indicator_export_format_parse("stix2"), INDICATOR_EXPORT_NONE);
	assert_int_equal(indicator_export_format_parse(NULL), INDICATOR_EXPORT_NONE);
	assert_null(indicator_export_format_name(INDICATOR_EXPORT_NONE));
	assert_null(indicator_export_format_name(INDICATOR_EXPORT_FORMAT_COUNT));
	struct pbuf out;
	pbuf_init(&out, 0);
	struct indicator_export *x = (void *)1;
	struct perr err = { 0 };
	assert_int_equal(indicator_export_open(INDICATOR_EXPORT_NONE, NULL, &out, &x, &err), -1);
	assert_null(x);
	assert_string_equal(err.field, "format");
	pbuf_free(&out);
}

static void plain_types(void **state)
{
	(void)state;
	struct store_indicator rows[] = {
		row(1, "ipv4", "192.0.2.1"),
		row(2, "domain", "evil.example"),
		row(3, "cidr", "198.51.100.0/24"),
		row(4, "sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
		row(5, "domain", "bad\nname.example"), /* not canonical: never a line of its own */
	};
	struct indicator_export_counts c;
	char *s = export_all(INDICATOR_EXPORT_PLAIN, NULL, rows, 5, true, &c);
	assert_string_equal(s, "192.0.2.1\nevil.example\n198.51.100.0/24\n"
			       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n");
	assert_int_equal(c.written, 4);
	assert_int_equal(c.skipped, 1);
	free(s);
	struct indicator_export_opts o = { .types = 1u << INDICATOR_DOMAIN };
	s = export_all(INDICATOR_EXPORT_PLAIN, &o, rows, 4, false, &c);
	assert_string_equal(s, "evil.example\n");
	assert_int_equal(c.ignored, 3);
	free(s);
}

static void csv_quoting(void **state)
{
	(void)state;
	struct store_indicator rows[] = { row(7, "domain", "evil.example"),
					  row(8, "url", "http://evil.example/a,b?x=\"1\"") };
	PSTRCPY(rows[0].reason, "=HYPERLINK(\"http://x\")");
	PSTRCPY(rows[0].tags, ",phishing,bank,");
	char *s = export_all(INDICATOR_EXPORT_CSV, NULL, rows, 2, true, NULL);
	char *l1 = strchr(s, '\n') + 1;
	assert_true(strncmp(s, "id,type,value,class,reason,tlp,", 31) == 0);
	assert_string_equal(l1, "7,domain,evil.example,malicious-code,\"'=HYPERLINK(\"\"http://x\"\")\","
				"green,analyst,,80,,phishing;bank,2026-01-01T00:00:00.000Z,"
				"2026-01-01T00:00:01.000Z,2026-01-31T00:00:00.000Z,0\r\n"
				"8,url,\"http://evil.example/a,b?x=\"\"1\"\"\",malicious-code,"
				"C2 of a banking trojan,green,analyst,,80,,,2026-01-01T00:00:00.000Z,"
				"2026-01-01T00:00:01.000Z,2026-01-31T00:00:00.000Z,0\r\n");
	free(s);
}

static void json_parses(void **state)
{
	(void)state;
	struct store_indicator rows[] = { row(1, "ipv4", "192.0.2.1"),
					  row(2, "email", "phish@evil.example") };
	PSTRCPY(rows[1].tags, ",a,b,");
	PSTRCPY(rows[1].reason, "quote \" backslash \\ and \xff");
	struct indicator_export_opts o = { .now_ms = T0, .producer = "CERT-Test" };
	char *streamed = export_all(INDICATOR_EXPORT_JSON, &o, rows, 2, true, NULL);
	char *whole = export_all(INDICATOR_EXPORT_JSON, &o, rows, 2, false, NULL);
	assert_string_equal(streamed, whole);
	json_error_t je;
	json_t *j = json_loads(streamed, 0, &je);
	if (!j)
		fail_msg("invalid JSON: %s\n%s", je.text, streamed);
	assert_string_equal(json_string_value(json_object_get(j, "producer")), "CERT-Test");
	assert_int_equal(json_integer_value(json_object_get(j, "count")), 2);
	json_t *a = json_object_get(j, "indicators");
	assert_int_equal(json_array_size(a), 2);
	json_t *e = json_array_get(a, 1);
	assert_string_equal(json_string_value(json_object_get(e, "value")), "phish@evil.example");
	assert_string_equal(json_string_value(json_object_get(e, "tlp")), "green");
	assert_string_equal(json_string_value(json_object_get(e, "expires")),
			    "2026-01-31T00:00:00.000Z");
	assert_int_equal(json_array_size(json_object_get(e, "tags")), 2);
	assert_string_equal(json_string_value(json_object_get(e, "reason")),
			    "quote \" backslash \\ and \xef\xbf\xbd");
	json_decref(j);
	free(whole);
	free(streamed);
	/* no rows: still a whole document */
	char *empty = export_all(INDICATOR_EXPORT_JSON, &o, NULL, 0, false, NULL);
	j = json_loads(empty, 0, &je);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "indicators")), 0);
	json_decref(j);
	free(empty);
}

/* An output too small fails the export with PERR_LIMIT, never a cut
** document that looks whole. */
static void full_output(void **state)
{
	(void)state;
	struct pbuf out;
	pbuf_init(&out, 64);
	struct indicator_export *x;
	struct perr err = { 0 };
	assert_int_equal(indicator_export_open(INDICATOR_EXPORT_JSON, NULL, &out, &x, &err), 0);
	struct store_indicator r = row(1, "ipv4", "192.0.2.1");
	assert_int_equal(indicator_export_add(x, &r, &err), -1);
	assert_int_equal(err.kind, PERR_LIMIT);
	assert_int_equal(indicator_export_close(x, &err), -1);
	pbuf_free(&out);
}

/* The RPZ zone's records: QNAME triggers for a domain and its subdomains,
** rpz-ip triggers with reversed labels (IPv6's longest zero run as "zz"),
** each action's right-hand side, and what a zone cannot hold skipped. */
static void rpz_records(void **state)
{
	(void)state;
	struct store_indicator rows[] = {
		row(1, "domain", "evil.example"),
		row(2, "ipv4", "192.0.2.1"),
		row(3, "cidr", "198.51.100.0/24"),
		row(4, "ipv6", "2001:db8:0:1::57"),
		row(5, "ipv6", "::1"),
		row(6, "cidr", "2001:db8::/32"),
		row(7, "ipv6", "2001:db8:1:2:3:4:5:6"),
		row(8, "ipv6", "2001:db8::1:0:0:1"), /* runs of 2 and 2: the first is zz */
		row(9, "url", "http://evil.example/x"),
		row(10, "domain", "x.rpz-ip"),
		row(11, "domain", "a_b.example"),
		row(12, "md5", "d41d8cd98f00b204e9800998ecf8427e"),
	};
	struct indicator_export_counts c;
	struct indicator_export_opts o = { .now_ms = T0, .serial = 42 };
	char *z = export_all(INDICATOR_EXPORT_RPZ, &o, rows, ARRAY_SIZE(rows), true, &c);
	const char *want[] = {
		"$ORIGIN rpz.parapet.\n",
		"@ IN SOA localhost. hostmaster.localhost. 42 3600 600 604800 300\n",
		"@ IN NS localhost.\n",
		"\nevil.example CNAME .\n*.evil.example CNAME .\n",
		"\n32.1.2.0.192.rpz-ip CNAME .\n",
		"\n24.0.100.51.198.rpz-ip CNAME .\n",
		"\n128.57.zz.1.0.db8.2001.rpz-ip CNAME .\n",
		"\n128.1.zz.rpz-ip CNAME .\n",
		"\n32.zz.db8.2001.rpz-ip CNAME .\n",
		"\n128.6.5.4.3.2.1.db8.2001.rpz-ip CNAME .\n",
		"\n128.1.0.0.1.zz.db8.2001.rpz-ip CNAME .\n",
	};
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		if (!strstr(z, want[i]))
			fail_msg("zone lacks '%s':\n%s", want[i], z);
	assert_null(strstr(z, "rpz-ip.rpz-ip"));
	assert_null(strstr(z, "a_b"));
	assert_int_equal(c.written, 8);
	assert_int_equal(c.skipped, 2);
	assert_int_equal(c.ignored, 2);
	free(z);

	/* the actions, and an origin given without its dot */
	static const struct {
		const char *action, *rhs;
	} acts[] = { { "NODATA", "CNAME *." }, { "drop", "CNAME rpz-drop." },
		     { "Garden.Example", "CNAME garden.example." }, { NULL, "CNAME ." } };
	for (size_t i = 0; i < ARRAY_SIZE(acts); i++) {
		struct indicator_export_opts oa = { .rpz_action = acts[i].action,
						    .rpz_origin = "Zone.Test" };
		char *za = export_all(INDICATOR_EXPORT_RPZ, &oa, rows, 1, false, NULL);
		char line[128];
		snprintf(line, sizeof(line), "\n*.evil.example %s\n", acts[i].rhs);
		if (!strstr(za, line) || !strstr(za, "$ORIGIN zone.test.\n"))
			fail_msg("action %s: want '%s' in\n%s", acts[i].action, line, za);
		free(za);
	}
	/* a name that no longer fits under a long origin is skipped */
	char longname[250];
	memset(longname, 'a', sizeof(longname));
	for (size_t i = 60; i < 240; i += 61)
		longname[i] = '.';
	memcpy(longname + 240, ".example", 9);
	struct store_indicator big = row(1, "domain", longname);
	struct indicator_export_opts ob = { .rpz_origin = "rpz.parapet" };
	char *zb = export_all(INDICATOR_EXPORT_RPZ, &ob, &big, 1, false, &c);
	assert_int_equal(c.skipped, 1);
	free(zb);

	/* bad options are refused with the field named, for RPZ only */
	struct pbuf out;
	pbuf_init(&out, 0);
	struct indicator_export *x;
	struct perr err = { 0 };
	struct indicator_export_opts bad1 = { .rpz_action = "refuse" };
	assert_int_equal(indicator_export_open(INDICATOR_EXPORT_RPZ, &bad1, &out, &x, &err), -1);
	assert_string_equal(err.field, "rpz_action");
	struct indicator_export_opts bad2 = { .rpz_origin = "rpz..parapet" };
	assert_int_equal(indicator_export_open(INDICATOR_EXPORT_RPZ, &bad2, &out, &x, &err), -1);
	assert_string_equal(err.field, "rpz_origin");
	assert_int_equal(indicator_export_open(INDICATOR_EXPORT_CSV, &bad1, &out, &x, &err), 0);
	assert_int_equal(indicator_export_close(x, &err), 0);
	pbuf_free(&out);
}

/* Suricata is not in Debian bookworm's main archive, so its parser cannot
** judge the rules here: each line is checked against the rule grammar of
** Suricata's documentation instead (action proto src port -> dst port
** (options)), msg's escapes, unique stable sids, and the match of each type. */
static void suricata_rules(void **state)
{
	(void)state;
	struct store_indicator rows[] = {
		row(1, "domain", "evil.example"),
		row(2, "ipv4", "192.0.2.1"),
		row(3, "cidr", "2001:db8::/32"),
		row(4, "tls", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"),
		row(5, "url", "http://evil.example/x"),
		row(6, "sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
		row(1100000000, "domain", "far.example"), /* past 2^32 with the base: skipped */
	};
	pstrtrunc(rows[0].class_, "phish\"; sid:1; \\", sizeof(rows[0].class_));
	struct indicator_export_counts c;
	struct indicator_export_opts o = { .sid_base = 3000000 };
	char *text = export_all(INDICATOR_EXPORT_SURICATA, &o, rows, ARRAY_SIZE(rows), true, &c);
	assert_int_equal(c.written, 4);
	assert_int_equal(c.ignored, 2);
	assert_int_equal(c.skipped, 1);
	regex_t re;
	assert_int_equal(regcomp(&re,
				 "^alert (dns|tls|ip) [^ ]+ any -> [^ ]+ any \\((.*)\\)$",
				 REG_EXTENDED),
			 0);
	long sids[16];
	size_t nsid = 0;
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
		if (*l == '#')
			continue;
		regmatch_t m[3];
		if (regexec(&re, l, 3, m, 0) != 0)
			fail_msg("not a rule: %s", l);
		/* the options: split on unescaped ';', each "kw" or "kw:value" */
		const char *p = l + m[2].rm_so, *end = l + m[2].rm_eo;
		bool msg = false;
		long sid = 0;
		while (p < end) {
			while (*p == ' ')
				p++;
			const char *q = p;
			while (q < end && *q != ';')
				q += *q == '\\' ? 2 : 1;
			if (q >= end)
				fail_msg("option without ';' in %s", l);
			if (!strncmp(p, "msg:\"", 5)) {
				msg = true;
				assert_true(q[-1] == '"');
				for (const char *k = p + 5; k < q - 1; k++) {
					if (*k == '\\')
						k++;
					else
						assert_true(*k != '"');
				}
			}
			if (!strncmp(p, "sid:", 4))
				sid = strtol(p + 4, NULL, 10);
			p = q + 1;
		}
		assert_true(msg);
		assert_true(sid >= 3000000);
		for (size_t i = 0; i < nsid; i++)
			assert_true(sids[i] != sid);
		sids[nsid++] = sid;
	}
	regfree(&re);
	assert_int_equal(nsid, 7); /* dns + sni, to + from, v6 to + from, cert */
	free(text);
	text = export_all(INDICATOR_EXPORT_SURICATA, &o, rows, ARRAY_SIZE(rows), false, NULL);
	H_has(text, "dns.query; dotprefix; content:\".evil.example\"; endswith; nocase; sid:3000004;");
	H_has(text, "tls.sni; dotprefix; content:\".evil.example\"; endswith; nocase; sid:3000005;");
	H_has(text, "(phish\\\"\\; sid:1\\; \\\\)");
	H_has(text, "alert ip any any -> [192.0.2.1] any (");
	H_has(text, "alert ip [2001:db8::/32] any -> any any (");
	H_has(text, "tls.certs; to_sha256; content:\"|00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff "
		    "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff|\"; sid:3000016;");
	free(text);
}

/* nft: the sets declared, elements in batches per family, other types
** left out; nft itself loads it in test_indicator_export. */
static void nft_batches(void **state)
{
	(void)state;
	enum { N = 2500 };
	struct store_indicator *rows = calloc(N, sizeof(*rows));
	for (int i = 0; i < N; i++) {
		char v[48];
		if (i % 2)
			snprintf(v, sizeof(v), "10.%d.%d.1", i / 256, i % 256);
		else
			snprintf(v, sizeof(v), "2001:db8::%x", i);
		rows[i] = row(i + 1, i % 2 ? "ipv4" : "ipv6", v);
	}
	rows[7] = row(8, "domain", "evil.example");
	struct indicator_export_counts c;
	char *t = export_all(INDICATOR_EXPORT_NFT, NULL, rows, N, true, &c);
	assert_int_equal(c.written, N - 1);
	assert_int_equal(c.ignored, 1);
	size_t batches = 0;
	for (const char *p = t; (p = strstr(p, "add element inet parapet indicators_v4 {")); p++)
		batches++;
	assert_int_equal(batches, 2); /* 1,249 addresses: 1,024 + 225 */
	H_has(t, "flush set inet parapet indicators_v6\n");
	assert_null(strstr(t, "evil.example"));
	free(t);
	free(rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_names), cmocka_unit_test(plain_types),
		cmocka_unit_test(csv_quoting),  cmocka_unit_test(json_parses),
		cmocka_unit_test(full_output),	cmocka_unit_test(rpz_records),
		cmocka_unit_test(suricata_rules), cmocka_unit_test(nft_batches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
