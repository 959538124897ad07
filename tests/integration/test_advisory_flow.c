/*
** test_advisory_flow.c — issue 14's scenario from start to finish, with the
** real binary, the real SMTP server and real report imports.
**
**   1. Import a scan_cisco_smart_install report and a scan_telnet report
**      whose banners name MikroTik RouterOS versions.
**   2. Import Cisco's CSAF advisory for Smart Install (CVE-2018-0171), and
**      add the centre's own advisory for RouterOS before 6.42.1.
**   3. Preview: the affected organisations and only those, each with its
**      hosts and why.
**   4. Publish: the contacts get the advisory in their language with signed
**      links; one acknowledges by the mail's link, then says patched.
**   5. The next day's report no longer sees one organisation's switches
**      (verified by scan) and still sees the other's, which said patched
**      (claimed patched, still seen).
*/
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char *dir;

static const char constituency[] =
	"organisation,province,sector,parent,kind,value,name,email,phone,role,lang,pgp\n"
	"Ministry of Finance,Tehran,government,,cidr,10.20.0.0/16,,,,,,\n"
	"Ministry of Finance,,,,contact,,Sara Ahmadi,soc@mof.example,,CISO,fa,\n"
	"Ministry of Finance,,,,contact,,Ali Rezaei,it@mof.example,,IT,en,\n"
	"Tehran Water,Tehran,utility,,cidr,10.30.0.0/16,,,,,,\n"
	"Tehran Water,,,,contact,,Reza Karimi,noc@water.example,,NOC,en,\n"
	"Isfahan Gas,Isfahan,energy,,cidr,10.40.0.0/16,,,,,,\n"
	"Isfahan Gas,,,,contact,,Mina Jafari,soc@gas.example,,SOC,fa,\n";

/* Day one: Smart Install exposed on two MoF switches and one of Tehran
** Water's; Isfahan Gas has only a Linux telnet banner. */
static const char smi_day1[] =
	"timestamp,severity,ip,protocol,port,hostname,tag,asn,geo,region,city,naics,"
	"hostname_source,sector\n"
	"2026-11-27 01:02:03,high,10.20.30.5,tcp,4786,core-sw.mof.example,cisco-smart-install,"
	"58224,IR,TEHRAN,TEHRAN,921130,ptr,Government\n"
	"2026-11-27 01:05:44,high,10.20.30.6,tcp,4786,,cisco-smart-install;cve-2018-0171,58224,"
	"IR,TEHRAN,TEHRAN,921130,,Government\n"
	"2026-11-27 01:09:12,high,10.30.1.10,tcp,4786,sw-pump3.tehranwater.example,"
	"cisco-smart-install,64530,IR,TEHRAN,TEHRAN,221310,ptr,Water and Wastewater Systems\n"
	"2026-11-27 01:14:27,high,198.51.100.200,tcp,4786,,cisco-smart-install,64999,IR,"
	"KHUZESTAN,AHVAZ,517311,,Communications\n";

/* Day two: MoF's switches are gone; Tehran Water's is still there. */
static const char smi_day2[] =
	"timestamp,severity,ip,protocol,port,hostname,tag,asn,geo,region,city,naics,"
	"hostname_source,sector\n"
	"2026-11-28 01:09:40,high,10.30.1.10,tcp,4786,sw-pump3.tehranwater.example,"
	"cisco-smart-install,64530,IR,TEHRAN,TEHRAN,221310,ptr,Water and Wastewater Systems\n"
	"2026-11-28 01:14:57,high,198.51.100.200,tcp,4786,,cisco-smart-install,64999,IR,"
	"KHUZESTAN,AHVAZ,517311,,Communications\n";

static const char telnet_day1[] =
	"timestamp,severity,ip,protocol,port,hostname,tag,asn,geo,region,city,naics,"
	"hostname_source,sector,banner\n"
	"2026-11-27 03:12:45,medium,10.20.4.1,tcp,23,gw1.mof.example,telnet;mikrotik,58224,IR,"
	"TEHRAN,TEHRAN,921130,ptr,Government,\"MikroTik v6.38.4 (bugfix)\\r\\nLogin: \"\n"
	"2026-11-27 03:14:09,medium,10.30.12.7,tcp,23,,telnet;mikrotik,64530,IR,TEHRAN,TEHRAN,"
	"221310,,Water,\"MikroTik v6.42.1 (stable)\\r\\nLogin: \"\n"
	"2026-11-27 06:02:33,medium,10.40.17.3,tcp,23,fw.gas.example,telnet,58224,IR,ISFAHAN,"
	"ISFAHAN,921130,ptr,Energy,\"Debian GNU/Linux 9\\r\\nfw login: \"\n";

/* The centre's own advisory: Winbox in RouterOS before 6.42.1 (CVE-2018-14847). */
static const char routeros_doc[] =
	"{\"title\": {\"en\": \"MikroTik RouterOS Winbox file read\","
	" \"fa\": \"خواندن فایل از راه Winbox در MikroTik RouterOS\"},"
	" \"summary\": {\"en\": \"Winbox lets anyone read the user database.\","
	" \"fa\": \"Winbox به هر کسی اجازه خواندن پایگاه کاربران را می‌دهد.\"},"
	" \"cves\": [\"CVE-2018-14847\"],"
	" \"cvss\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\","
	" \"tlp\": \"GREEN\", \"exploited\": true,"
	" \"products\": [{\"cpe\": \"cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*\","
	" \"end\": \"6.42.1\", \"end_incl\": false}],"
	" \"actions\": [{\"kind\": \"patch\", \"url\": \"https://mikrotik.com/download\","
	" \"text\": {\"en\": \"Upgrade RouterOS to 6.42.1 or later.\","
	" \"fa\": \"RouterOS را به 6.42.1 یا بالاتر ارتقا دهید.\"}}],"
	" \"deadline\": \"2026-12-10T00:00:00Z\"}";

static int setup(void **state)
{
	(void)state;
	dir = h_tmpdir("advisory-flow");
	h_migrate(dir);
	struct h_proc p;
	h_cli(&p, dir, constituency, "import", "constituency", "-", NULL);
	if (p.status != 0)
		fail_msg("constituency import: %s", p.err);
	h_proc_free(&p);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_rmdir(dir);
	return 0;
}

static void import_report(const char *name, const char *text, const char *at)
{
	char *f = h_write_file(dir, name, text);
	struct h_proc p;
	h_cli(&p, dir, NULL, "import", "report", "--type", "auto", "--at", at, f, NULL);
	if (p.status != 0)
		fail_msg("import %s: exit %d: %s", name, p.status, p.err);
	h_proc_free(&p);
	free(f);
}

/* Run the CLI, expect exit 0, return stdout (malloc'd). */
static char *cli_ok(const char *stdin_data, const char *const *args)
{
	struct h_proc p;
	h_cliv(&p, dir, stdin_data, args);
	if (p.status != 0)
		fail_msg("parapet %s %s: exit %d: %s", args[0], args[1] ? args[1] : "", p.status,
			 p.err);
	char *out = strdup(p.out);
	h_proc_free(&p);
	return out;
}

static int64_t new_id(const char *out)
{
	char *end;
	long long v = strtoll(out, &end, 10);
	if (v <= 0 || (*end && *end != '\n'))
		fail_msg("expected an id, got \"%s\"", out);
	return v;
}

/* The preview's targets as org name -> the target object. */
static json_t *preview(const char *id)
{
	const char *args[] = { "--json", "advisory", "preview", id, NULL };
	char *out = cli_ok(NULL, args);
	json_error_t je;
	json_t *j = json_loads(out, 0, &je);
	if (!j)
		fail_msg("preview is not JSON (%s): %s", je.text, out);
	free(out);
	json_t *by = json_object();
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(j, "targets"), i, t)
	{
		if (json_object_get(t, "excluded"))
			continue;
		json_t *org = json_object_get(t, "org");
		assert_non_null(org);
		assert_true(json_integer_value(json_object_get(org, "id")) > 0);
		json_object_set(by, h_jstr(org, "name"), t);
	}
	json_decref(j);
	return by;
}

/* The state of org's target in `advisory targets ID --json`. */
static char *target_state(const char *id, const char *org_name)
{
	const char *args[] = { "--json", "advisory", "targets", id, NULL };
	char *out = cli_ok(NULL, args);
	json_t *j = json_loads(out, 0, NULL);
	if (!j)
		fail_msg("targets is not JSON: %s", out);
	free(out);
	char *state = NULL;
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(j, "targets"), i, t)
	{
		if (strcmp(h_jstr(json_object_get(t, "org"), "name"), org_name) == 0)
			state = strdup(h_jstr(t, "state"));
	}
	json_decref(j);
	if (!state)
		fail_msg("%s is not a target of advisory %s", org_name, id);
	return state;
}

/* The token of the mail's acknowledge link: the line "Acknowledge: URL"
** (English template), the URL ending ".../#/advisory-link/TOKEN". */
static char *ack_token(const char *mail)
{
	regex_t re;
	assert_int_equal(regcomp(&re, "Acknowledge: *[^ ]*advisory-link/([A-Za-z0-9_.-]+)",
				 REG_EXTENDED),
			 0);
	regmatch_t m[2];
	char *tok = NULL;
	if (regexec(&re, mail, 2, m, 0) == 0)
		tok = strndup(mail + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so));
	regfree(&re);
	return tok;
}

static void test_scenario(void **state)
{
	(void)state;
	/* 1. the reports */
	import_report("2026-11-27-scan_cisco_smart_install-ir-geo.csv", smi_day1,
		      "2026-11-27T10:00:00Z");
	import_report("2026-11-27-scan_telnet-ir-geo.csv", telnet_day1, "2026-11-27T10:00:00Z");

	/* 2. the advisories */
	const char *csaf_dir = getenv("CSAF_DATA");
	char *csaf = h_fmt("%s/cisco-sa-20180328-smi2.json",
			   csaf_dir && *csaf_dir ? csaf_dir : "tests/data/csaf");
	const char *imp[] = { "advisory", "import", csaf, NULL };
	char *out = cli_ok(NULL, imp);
	free(csaf);
	int64_t cisco = new_id(out);
	free(out);
	const char *add[] = { "advisory", "add", "-", NULL };
	out = cli_ok(routeros_doc, add);
	int64_t ros = new_id(out);
	free(out);
	char cid[24], rid[24];
	snprintf(cid, sizeof(cid), "%lld", (long long)cisco);
	snprintf(rid, sizeof(rid), "%lld", (long long)ros);

	/* 3. preview: Smart Install reaches MoF (2 switches) and Tehran Water
	** (1); nobody else: the Khuzestan host is nobody's */
	json_t *t = preview(cid);
	assert_int_equal(json_object_size(t), 2);
	assert_int_equal(h_jint(json_object_get(t, "Ministry of Finance"), "hosts"), 2);
	assert_int_equal(h_jint(json_object_get(t, "Tehran Water"), "hosts"), 1);
	assert_true(json_array_size(json_object_get(json_object_get(t, "Tehran Water"), "why")) >= 1);
	char water[24];
	snprintf(water, sizeof(water), "%lld",
		 (long long)h_jint(json_object_get(json_object_get(t, "Tehran Water"), "org"), "id"));
	json_decref(t);
	/* RouterOS before 6.42.1: MoF's 6.38.4 is in, Tehran Water's 6.42.1
	** is not (the end is excluding) */
	t = preview(rid);
	assert_int_equal(json_object_size(t), 1);
	assert_int_equal(h_jint(json_object_get(t, "Ministry of Finance"), "hosts"), 1);
	json_decref(t);

	/* 4. publish, with the real SMTP server and the server's sender */
	char *maildir = h_fmt("%s/mail", dir);
	struct h_sink k;
	h_sink_start(&k, maildir, 0, NULL);
	char *port = h_fmt("PARAPET_SMTP_PORT=%d", k.port);
	const char *env[] = { "PARAPET_SMTP_HOST=127.0.0.1", port, "PARAPET_SMTP_STARTTLS=none",
			      "PARAPET_NOTIFY_POLL_MS=50", "PARAPET_SMTP_FROM=cert@parapet.example",
			      "PARAPET_NOTIFY_MESSAGE_ID_DOMAIN=parapet.example", NULL };
	struct h_server s;
	h_server_start(&s, dir, env);
	const char *pub[] = { "advisory", "publish", cid, NULL };
	free(cli_ok(NULL, pub));
	/* MoF's two contacts (fa, en) and Tehran Water's one get the advisory;
	** the server also sends the day's report digests and incident mail,
	** which this test leaves to test_feeds */
	char *water_mail = NULL;
	bool fa = false, en = false;
	int adv = 0, seen = 0;
	for (int waited = 0; adv < 3 && waited < 200; waited++) {
		int n = h_sink_wait(&k, seen + 1, 100);
		for (; seen < n; seen++) {
			json_t *envj;
			char *m = h_sink_message(&k, seen + 1, &envj);
			const char *to = json_string_value(
				json_array_get(json_object_get(envj, "rcpt_tos"), 0));
			if (strstr(m, "advisory-link/")) {
				adv++;
				h_expect_contains(m, "CVE-2018-0171", __FILE__, __LINE__);
				assert_null(strstr(to, "gas.example")); /* no target */
				/* each contact in their own language */
				if (strcmp(to, "soc@mof.example") == 0) {
					fa = true;
					h_expect_contains(m, "آسیب‌پذیری", __FILE__, __LINE__);
				}
				if (strcmp(to, "it@mof.example") == 0) {
					en = true;
					h_expect_contains(m, "The national CERT warns", __FILE__,
							  __LINE__);
				}
				if (strcmp(to, "noc@water.example") == 0)
					water_mail = strdup(m);
			}
			json_decref(envj);
			free(m);
		}
	}
	if (adv != 3)
		fail_msg("%d of 3 advisory mails arrived", adv);
	assert_true(fa && en);
	assert_non_null(water_mail);

	/* Tehran Water acknowledges by the mail's link (no login) and then
	** says patched through its constituent's account */
	char *tok = ack_token(water_mail);
	assert_non_null(tok);
	struct h_resp r;
	h_httpf(&s, &r, "POST", NULL, NULL, "/api/v1/advisory-links/%s", tok);
	h_expect_status(&r, 200, __FILE__, __LINE__);
	h_resp_free(&r);
	/* a replay changes nothing and is no error */
	h_httpf(&s, &r, "POST", NULL, NULL, "/api/v1/advisory-links/%s", tok);
	h_expect_status(&r, 200, __FILE__, __LINE__);
	h_resp_free(&r);
	char *st = target_state(cid, "Tehran Water");
	assert_string_equal(st, "acknowledged");
	free(st);
	const char *patched[] = { "advisory", "target", cid, water, "patched", NULL };
	free(cli_ok(NULL, patched));
	st = target_state(cid, "Tehran Water");
	assert_string_equal(st, "patched");
	free(st);
	/* the RouterOS advisory reaches MoF only; its Persian mail dates the
	** deadline by the Solar Hijri calendar first */
	const char *pub2[] = { "advisory", "publish", rid, NULL };
	free(cli_ok(NULL, pub2));
	bool jalali = false;
	int ros_mails = 0;
	for (int waited = 0; ros_mails < 2 && waited < 200; waited++) {
		int n = h_sink_wait(&k, seen + 1, 100);
		for (; seen < n; seen++) {
			json_t *envj;
			char *m = h_sink_message(&k, seen + 1, &envj);
			const char *to = json_string_value(
				json_array_get(json_object_get(envj, "rcpt_tos"), 0));
			if (strstr(m, "advisory-link/") && strstr(m, "CVE-2018-14847")) {
				ros_mails++;
				h_expect_contains(to, "@mof.example", __FILE__, __LINE__);
				if (strcmp(to, "soc@mof.example") == 0) {
					h_expect_contains(m, "۱۴۰۵/۰۹/۱۹ (2026-12-10 00:00 UTC)",
							  __FILE__, __LINE__);
					jalali = true;
				}
			}
			json_decref(envj);
			free(m);
		}
	}
	assert_int_equal(ros_mails, 2);
	assert_true(jalali);
	h_server_stop(&s);

	/* 5. the next day's report: MoF's switches are gone (verified by
	** scan), Tehran Water's is still seen though it said patched */
	import_report("2026-11-28-scan_cisco_smart_install-ir-geo.csv", smi_day2,
		      "2026-11-28T10:00:00Z");
	st = target_state(cid, "Ministry of Finance");
	assert_string_equal(st, "verified");
	free(st);
	st = target_state(cid, "Tehran Water");
	assert_string_equal(st, "still_seen");
	free(st);

	h_sink_stop(&k);
	free(tok);
	free(water_mail);
	free(port);
	free(maildir);
}

int main(void)
{
	h_init();
	atexit(h_sink_kill_all);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scenario, setup, teardown),
	};
	return cmocka_run_group_tests_name("advisory_flow", tests, NULL, NULL);
}
