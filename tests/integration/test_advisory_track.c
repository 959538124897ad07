/*
** test_advisory_track.c — advisories published and tracked end to end: the
** real `parapet` binary, its mail delivered by the real `parapet serve` to a
** real SMTP server (smtp_sink.py on python3-aiosmtpd), reports imported by
** the real `parapet import report`.
**
** - Publishing mails every target contact in their language (English and
**   Persian) with a read and an acknowledge link that work (`parapet
**   advisory link TOKEN`, as the portal page behind the link does); a
**   second publish mails nobody; the tracking view shows the steps.
** - The sweep, on an injected clock (`advisory sweep --at`): nothing early,
**   one reminder per contact in its language inside the window, and at the
**   deadline the target is overdue and escalated once to its province's
**   analyst and the team lead, not to another province's analyst.
** - `parapet serve` sweeps by itself, and a restart repeats nothing.
** - Verification by scan: after both targets said patched, the next day's
**   report no longer sees one organisation's router (verified by scan) and
**   still sees the other's (claimed patched, still seen).
**
** Advisories are written with plain SQL (sqlite3): the record part of issue
** 14 (advisory create/import) is built in parallel. Publishing needs
** targeting (advisory_targets_compute) and scan verification needs the
** feeds to record host products; while those parts are stubs in this tree
** the two tests say so and skip, and pass once they are merged. The sweep
** test needs nothing else and runs now.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sodium.h>

#include "harness.h"

#define DEADLINE "2027-01-15T08:00:00Z"
#define DEADLINE_MS "1800000000000" /* the same instant */

static char *dir;
static char *maildir;
static struct h_sink sink;
static char *env_port;
static const char *env[8];

static const char constituency[] =
	"organisation,province,sector,parent,kind,value,name,email,phone,role,lang,pgp\n"
	"Ministry of Finance,Tehran,government,,cidr,10.20.0.0/16,,,,,,\n"
	"Ministry of Finance,,,,contact,,Sara Ahmadi,soc@mof.example,,CISO,fa,\n"
	"Ministry of Finance,,,,contact,,Ali Rezaei,it@mof.example,,IT,en,\n"
	"Yazd Water,Yazd,utility,,cidr,10.40.0.0/16,,,,,,\n"
	"Yazd Water,,,,contact,,Reza Karimi,noc@yazdwater.example,,NOC,en,\n";

/* ---------------------------------------------------------------- helpers */

static char *run_ok(const char *what, const char *const *args)
{
	const char *argv[24] = { h_bin(), "--data", dir };
	int n = 3;
	for (int i = 0; args[i] && n < 23; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	struct h_proc p;
	if (h_run(&p, NULL, env, argv) != 0)
		fail_msg("cannot run parapet");
	if (p.status != 0)
		fail_msg("%s: exit %d\nstdout: %s\nstderr: %s", what, p.status, p.out, p.err);
	char *out = strdup(p.out);
	h_proc_free(&p);
	return out;
}

#define RUN(...)                                                       \
	({                                                             \
		const char *a_[] = { __VA_ARGS__, NULL };              \
		run_ok(#__VA_ARGS__, a_);                              \
	})

static void sql(const char *stmt, char **out)
{
	char *db = h_fmt("%s/parapet.db", dir);
	const char *argv[] = { "sqlite3", db, stmt, NULL };
	struct h_proc p;
	if (h_run(&p, NULL, NULL, argv) != 0)
		fail_msg("cannot run sqlite3");
	free(db);
	if (p.status != 0)
		fail_msg("sqlite3 %s: exit %d: %s", stmt, p.status, p.err);
	if (out)
		*out = strdup(p.out);
	h_proc_free(&p);
}

static int64_t sql_int(const char *stmt)
{
	char *out;
	sql(stmt, &out);
	int64_t v = strtoll(out, NULL, 10);
	free(out);
	return v;
}

/* The advisory: MikroTik RouterOS before 6.42.1 (CVE-2018-14847), with a
** Persian title, a deadline, and both organisations as its audience. */
static void insert_advisory(void)
{
	char *q = h_fmt(
		"INSERT INTO advisory(id, ref, version, status, title, tlp, cvss_base, severity, "
		"exploited, deadline_ms, doc, actor, created_ms, updated_ms) VALUES (1, "
		"'PARAPET-2026-0001', 1, 'draft', 'MikroTik RouterOS Winbox file read', 'AMBER', 9.1, "
		"'critical', 1, %s, '{\"ref\": \"PARAPET-2026-0001\", \"title\": {\"en\": \"MikroTik "
		"RouterOS Winbox file read\", \"fa\": \"خواندن فایل از راه وین‌باکس در میکروتیک\"}, "
		"\"summary\": {\"en\": \"Winbox lets anyone read the user database.\", \"fa\": "
		"\"وین‌باکس به هر کسی اجازه می‌دهد پایگاه دادهٔ کاربران را بخواند.\"}, \"cves\": "
		"[\"CVE-2018-14847\"], \"cvss\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N\", "
		"\"tlp\": \"AMBER\", \"exploited\": true, \"deadline\": \"" DEADLINE "\", "
		"\"products\": [{\"cpe\": \"cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*\", \"end\": "
		"\"6.42.1\", \"end_incl\": false}], \"actions\": [{\"kind\": \"patch\", \"url\": "
		"\"https://mikrotik.com/download\", \"text\": {\"en\": \"Upgrade RouterOS.\", \"fa\": "
		"\"راوترOS را به‌روز کنید.\"}}], \"audience\": {\"all\": false, \"orgs\": [1, 2]}}', "
		"'cli:test', 1, 1)",
		DEADLINE_MS);
	sql(q, NULL);
	free(q);
}

static int setup(void **state)
{
	(void)state;
	dir = h_tmpdir("advtrack");
	maildir = h_fmt("%s/mail", dir);
	h_sink_start(&sink, maildir, 0, NULL);
	env_port = h_fmt("PARAPET_SMTP_PORT=%d", sink.port);
	int n = 0;
	env[n++] = "PARAPET_SMTP_HOST=127.0.0.1";
	env[n++] = env_port;
	env[n++] = "PARAPET_SMTP_STARTTLS=none";
	env[n++] = "PARAPET_NOTIFY_POLL_MS=50";
	env[n++] = "PARAPET_SMTP_FROM=cert@parapet.example";
	env[n++] = "PARAPET_NOTIFY_PUBLIC_URL=https://cert.example";
	env[n] = NULL;
	h_migrate(dir);
	struct h_proc p;
	h_cli(&p, dir, constituency, "import", "constituency", "-", NULL);
	if (p.status != 0)
		fail_msg("constituency import: %s", p.err);
	h_proc_free(&p);
	h_user_add(dir, "teh", "provincial", 0, "Tehran", "pw-teh-123456");
	h_user_add(dir, "yzd", "provincial", 0, "Yazd", "pw-yzd-123456");
	h_user_add(dir, "lead", "responder", 0, NULL, "pw-lead-123456");
	free(RUN("user", "email", "teh", "teh@cert.example"));
	free(RUN("user", "email", "yzd", "yzd@cert.example"));
	free(RUN("user", "email", "lead", "lead@cert.example"));
	free(RUN("team", "add", "Rapid response"));
	free(RUN("team", "lead", "1", "lead"));
	insert_advisory();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_sink_stop(&sink);
	free(env_port);
	free(maildir);
	h_rmdir(dir);
	return 0;
}

/* Header value (unfolded) of a raw message; malloc'd, or NULL. */
static char *mail_header(const char *msg, const char *name)
{
	size_t nl = strlen(name);
	const char *end = strstr(msg, "\r\n\r\n");
	for (const char *p = msg; p && end && p < end;) {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			char *out = calloc(1, (size_t)(end - v) + 1);
			size_t o = 0;
			for (;;) {
				const char *e = strstr(v, "\r\n");
				memcpy(out + o, v, (size_t)(e - v));
				o += (size_t)(e - v);
				if (e[2] == ' ' || e[2] == '\t') {
					v = e + 2; /* from the folding space */
					continue;
				}
				break;
			}
			out[o] = '\0';
			return out;
		}
		const char *e = strstr(p, "\r\n");
		p = e ? e + 2 : NULL;
	}
	return NULL;
}

/* A Subject as people read it: encoded-words (UTF-8, B) decoded, plain
** ASCII as is; malloc'd. */
static char *subject_of(const char *msg)
{
	char *v = mail_header(msg, "Subject");
	if (!v)
		fail_msg("a mail without a Subject");
	if (strncasecmp(v, "=?UTF-8?B?", 10) != 0)
		return v;
	char *out = calloc(1, strlen(v) + 1);
	size_t o = 0;
	for (const char *p = v; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (strncasecmp(p, "=?UTF-8?B?", 10) != 0)
			fail_msg("subject is not encoded-words: %s", v);
		p += 10;
		const char *e = strstr(p, "?=");
		size_t bl = 0;
		if (!e || sodium_base642bin((unsigned char *)out + o, strlen(v) - o, p,
					    (size_t)(e - p), NULL, &bl, NULL,
					    sodium_base64_VARIANT_ORIGINAL) != 0)
			fail_msg("bad encoded-word in %s", v);
		o += bl;
		p = e + 2;
	}
	free(v);
	return out;
}

struct mail { char *to, *subject, *msg; };
struct mails { struct mail m[32]; int n; };

/* Wait until the sink holds want messages in all (and no more shortly
** after), and read them. */
static void mails_read(struct mails *ms, int want)
{
	int got = h_sink_wait(&sink, want, 20000);
	if (got < want)
		fail_msg("%d of %d mails arrived", got, want);
	usleep(300000);
	assert_int_equal(h_sink_count(&sink), want);
	for (int i = ms->n; i < want && i < 32; i++) {
		json_t *envl;
		char *msg = h_sink_message(&sink, i + 1, &envl);
		json_t *rcpt = json_object_get(envl, "rcpt_tos");
		assert_int_equal(json_array_size(rcpt), 1);
		ms->m[i].to = strdup(json_string_value(json_array_get(rcpt, 0)));
		ms->m[i].subject = subject_of(msg);
		ms->m[i].msg = msg;
		json_decref(envl);
	}
	ms->n = want;
}

static void mails_free(struct mails *ms)
{
	for (int i = 0; i < ms->n; i++) {
		free(ms->m[i].to);
		free(ms->m[i].subject);
		free(ms->m[i].msg);
	}
	ms->n = 0;
}

/* The mail to `to` from index from on whose subject holds subj. */
static const struct mail *mail_to(const struct mails *ms, int from, const char *to,
				  const char *subj)
{
	for (int i = from; i < ms->n; i++)
		if (strcmp(ms->m[i].to, to) == 0 && strstr(ms->m[i].subject, subj))
			return &ms->m[i];
	return NULL;
}

static int mails_to(const struct mails *ms, int from, const char *to)
{
	int n = 0;
	for (int i = from; i < ms->n; i++)
		n += strcmp(ms->m[i].to, to) == 0;
	return n;
}

/* The token of the link labelled label in the body ("Acknowledge:"...);
** malloc'd. */
static char *link_token(const char *msg, const char *label)
{
	const char *p = strstr(msg, label);
	if (!p)
		fail_msg("no \"%s\" in the mail:\n%s", label, msg);
	p = strstr(p, "https://cert.example/#/advisory-link/");
	if (!p)
		fail_msg("no advisory link after \"%s\"", label);
	p += strlen("https://cert.example/#/advisory-link/");
	size_t n = strcspn(p, " \r\n");
	return strndup(p, n);
}

static json_t *targets_json(void)
{
	char *out = RUN("--json", "advisory", "targets", "1");
	json_error_t je;
	json_t *j = json_loads(out, 0, &je);
	if (!j)
		fail_msg("advisory targets --json: %s", out);
	free(out);
	return j;
}

static const char *state_of(json_t *j, int64_t org)
{
	size_t k;
	json_t *t;
	json_array_foreach(json_object_get(j, "targets"), k, t)
		if (h_jint(json_object_get(t, "org"), "id") == org)
			return h_jstr(t, "state");
	return "(none)";
}

/* Targets written as publishing writes them, for the tests that must not
** depend on targeting: both organisations, notified ten days before the
** deadline, each with its router as evidence host. */
static void insert_targets(void)
{
	sql("UPDATE advisory SET status = 'published', published_ms = 1799136000000", NULL);
	sql("INSERT INTO advisory_target(advisory_id, org_id, state, hosts, version, notified_ms, "
	    "updated_ms) VALUES (1, 1, 'notified', 1, 1, 1799136000000, 1799136000000), "
	    "(1, 2, 'notified', 1, 1, 1799136000000, 1799136000000)",
	    NULL);
	sql("INSERT INTO advisory_target_host(advisory_id, org_id, ip, port) VALUES "
	    "(1, 1, '10.20.4.1', 23), (1, 2, '10.40.1.1', 23)",
	    NULL);
}

/* ------------------------------------------------------------------ tests */

static void test_publish_mails_each_language(void **state)
{
	(void)state;
	const char *argv[] = { h_bin(), "--data", dir, "advisory", "publish", "1", NULL };
	struct h_proc p;
	if (h_run(&p, NULL, env, argv) != 0)
		fail_msg("cannot run parapet");
	if (p.status != 0 && strstr(p.err, "not built yet")) {
		h_proc_free(&p);
		skip(); /* targeting (advisory_targets_compute) is merged from its own branch */
	}
	if (p.status != 0)
		fail_msg("advisory publish: exit %d: %s", p.status, p.err);
	H_CONTAINS(p.out, "published 1: 2 targets, 3 mails");
	h_proc_free(&p);
	struct h_server s;
	h_server_start(&s, dir, env);
	struct mails ms = { 0 };
	mails_read(&ms, 3);
	const struct mail *en = mail_to(&ms, 0, "it@mof.example", "Security advisory");
	const struct mail *fa = mail_to(&ms, 0, "soc@mof.example", "اطلاعیهٔ امنیتی");
	assert_non_null(en);
	assert_non_null(fa);
	assert_non_null(mail_to(&ms, 0, "noc@yazdwater.example", "MikroTik RouterOS Winbox"));
	H_CONTAINS(en->subject, "PARAPET-2026-0001");
	H_CONTAINS(fa->subject, "خواندن فایل از راه وین‌باکس در میکروتیک");
	H_CONTAINS(fa->msg, "تأیید دریافت");
	H_CONTAINS(fa->msg, "راوترOS را به‌روز کنید.");
	H_CONTAINS(en->msg, "CVE-2018-14847");
	H_CONTAINS(en->msg, "Deadline:   2027-01-15 08:00 UTC");
	char *thread = mail_header(en->msg, "In-Reply-To");
	assert_non_null(thread);
	H_CONTAINS(thread, "<advisory-1@");
	free(thread);
	/* the read link of the Persian mail, then the English mail's ack link */
	char *read = link_token(fa->msg, "خواندن اطلاعیه:");
	char *ack = link_token(en->msg, "Acknowledge:");
	char *out = RUN("advisory", "link", read);
	H_CONTAINS(out, "advisory 1, organisation 1: read");
	free(out);
	json_t *j = targets_json();
	assert_string_equal(state_of(j, 1), "read");
	json_decref(j);
	free(RUN("advisory", "link", ack));
	free(RUN("advisory", "link", ack)); /* a replay is harmless */
	j = targets_json();
	assert_string_equal(state_of(j, 1), "acknowledged");
	assert_string_equal(state_of(j, 2), "notified");
	json_t *sum = json_object_get(j, "summary");
	assert_int_equal(h_jint(sum, "warned"), 2);
	assert_int_equal(h_jint(sum, "acknowledged"), 1);
	json_decref(j);
	/* a tampered link is refused and changes nothing */
	ack[strlen(ack) - 2] = ack[strlen(ack) - 2] == 'A' ? 'B' : 'A';
	const char *bad[] = { h_bin(), "--data", dir, "advisory", "link", ack, NULL };
	h_run(&p, NULL, env, bad);
	assert_int_not_equal(p.status, 0);
	h_proc_free(&p);
	/* publishing again mails nobody: every target has this version */
	out = RUN("advisory", "publish", "1");
	H_CONTAINS(out, "published 1: 2 targets, 0 mails");
	free(out);
	usleep(500000);
	assert_int_equal(h_sink_count(&sink), 3);
	free(read);
	free(ack);
	mails_free(&ms);
	h_server_stop(&s);
}

static void test_sweep_reminds_then_escalates(void **state)
{
	(void)state;
	insert_targets();
	/* Yazd's analyst reads Persian (their interface language) */
	sql("UPDATE user SET lang = 'fa' WHERE login = 'yzd'", NULL);
	struct h_server s;
	h_server_start(&s, dir, env);
	/* three days before: outside the 48-hour window */
	char *out = RUN("advisory", "sweep", "--at", "2027-01-12T08:00:00Z");
	H_CONTAINS(out, "0 reminded, 0 newly overdue, 0 escalated");
	free(out);
	out = RUN("advisory", "sweep", "--at", "2027-01-14T08:00:00Z");
	H_CONTAINS(out, "2 reminded, 0 newly overdue, 0 escalated");
	free(out);
	struct mails ms = { 0 };
	mails_read(&ms, 3); /* Ministry of Finance's two contacts, Yazd Water's one */
	const struct mail *en = mail_to(&ms, 0, "it@mof.example", "Reminder: 24 hours left");
	const struct mail *fa = mail_to(&ms, 0, "soc@mof.example", "یادآوری: 24 ساعت");
	assert_non_null(en);
	assert_non_null(fa);
	assert_non_null(mail_to(&ms, 0, "noc@yazdwater.example", "Reminder"));
	H_CONTAINS(fa->msg, "مهلت اطلاعیهٔ PARAPET-2026-0001");
	/* the reminder's acknowledge link works (Yazd Water acknowledges) */
	const struct mail *y = mail_to(&ms, 0, "noc@yazdwater.example", "Reminder");
	char *ack = link_token(y->msg, "Acknowledge the advisory:");
	free(RUN("advisory", "link", ack));
	free(ack);
	/* once */
	out = RUN("advisory", "sweep", "--at", "2027-01-14T20:00:00Z");
	H_CONTAINS(out, "0 reminded");
	free(out);
	/* after the deadline: both overdue, each escalated once */
	out = RUN("advisory", "sweep", "--at", "2027-01-15T09:00:00Z");
	H_CONTAINS(out, "0 reminded, 2 newly overdue, 2 escalated");
	free(out);
	/* Ministry of Finance (Tehran): Tehran's analyst and the lead; Yazd
	** Water: Yazd's analyst and the lead */
	mails_read(&ms, 7);
	assert_non_null(mail_to(&ms, 3, "teh@cert.example",
				"Deadline passed: Ministry of Finance has not patched"));
	const struct mail *esc = mail_to(&ms, 3, "yzd@cert.example", "گذشتن از مهلت: «Yazd Water»");
	assert_non_null(esc);
	H_CONTAINS(esc->msg, "به عنوان کارشناس استان یا سرپرست تیم");
	H_CONTAINS(esc->msg, "https://cert.example/#/advisories/1");
	assert_int_equal(mails_to(&ms, 3, "teh@cert.example"), 1);
	assert_int_equal(mails_to(&ms, 3, "yzd@cert.example"), 1);
	assert_int_equal(mails_to(&ms, 3, "lead@cert.example"), 2);
	out = RUN("advisory", "sweep", "--at", "2027-01-16T09:00:00Z");
	H_CONTAINS(out, "0 reminded, 0 newly overdue, 0 escalated");
	free(out);
	json_t *j = targets_json();
	assert_string_equal(state_of(j, 1), "overdue");
	assert_string_equal(state_of(j, 2), "overdue");
	json_t *tot = json_object_get(j, "totals");
	assert_int_equal(h_jint(tot, "overdue"), 2);
	/* the acknowledgement before the deadline is kept */
	json_t *t;
	size_t k;
	json_array_foreach(json_object_get(j, "targets"), k, t)
		if (h_jint(json_object_get(t, "org"), "id") == 2)
			assert_true(json_is_string(json_object_get(t, "acknowledged")));
	json_decref(j);
	/* the audit log holds each change */
	assert_int_equal(sql_int("SELECT COUNT(*) FROM audit WHERE action = 'advisory.target'"),
			 3); /* Yazd Water's acknowledgement, both overdue */
	assert_int_equal(sql_int("SELECT COUNT(*) FROM audit WHERE action = 'advisory.remind'"), 2);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM audit WHERE action = 'advisory.escalate'"),
			 2);
	usleep(300000);
	assert_int_equal(h_sink_count(&sink), 7);
	mails_free(&ms);
	h_server_stop(&s);
}

/* `parapet serve` runs the sweep itself (on the wall clock): a deadline
** already past is escalated without any command, and a restart sends
** nothing again, because what was done is in the store. */
static void test_serve_escalates_once_across_restarts(void **state)
{
	(void)state;
	insert_targets();
	sql("UPDATE advisory SET deadline_ms = 1000", NULL);
	struct h_server s;
	h_server_start(&s, dir, env);
	struct mails ms = { 0 };
	mails_read(&ms, 4); /* each province's analyst once, the lead twice */
	assert_int_equal(mails_to(&ms, 0, "teh@cert.example"), 1);
	assert_int_equal(mails_to(&ms, 0, "yzd@cert.example"), 1);
	assert_int_equal(mails_to(&ms, 0, "lead@cert.example"), 2);
	h_server_stop(&s);
	h_server_start(&s, dir, env);
	/* nothing is due any more, whichever sweep looks: this one or serve's */
	char *out = RUN("advisory", "sweep");
	H_CONTAINS(out, "0 reminded, 0 newly overdue, 0 escalated");
	free(out);
	/* a mail queued after the restart's first sweep arrives alone */
	free(RUN("notify", "test", "ops@cert.example"));
	mails_read(&ms, 5);
	assert_int_equal(mails_to(&ms, 4, "ops@cert.example"), 1);
	json_t *j = targets_json();
	assert_int_equal(h_jint(json_object_get(j, "totals"), "overdue"), 2);
	json_decref(j);
	mails_free(&ms);
	h_server_stop(&s);
}

/* A scan_telnet report of day DAY (27 or 28) with MikroTik banners on the
** given hosts of the two organisations. */
static char *telnet_report(int day, bool mof, bool yazd)
{
	char *path = h_fmt("%s/2026-11-%d-scan_telnet-ir-geo.csv", dir, day);
	char *m = h_fmt("2026-11-%d 03:12:45,medium,10.20.4.1,tcp,23,gw1.mof.example,"
			"telnet;mikrotik,58224,IR,TEHRAN,TEHRAN,921130,ptr,Government,"
			"\"MikroTik v6.38.4 (bugfix)\\r\\nLogin: \"\n",
			day);
	char *y = h_fmt("2026-11-%d 03:55:17,medium,10.40.1.1,tcp,23,,telnet;mikrotik,64998,"
			"IR,YAZD,YAZD,0,,,\"MikroTik v6.40.5 (stable)\\r\\nLogin: \"\n",
			day);
	/* a third router, already patched, so each day's file sees products */
	char *text = h_fmt("timestamp,severity,ip,protocol,port,hostname,tag,asn,geo,region,city,"
			   "naics,hostname_source,sector,banner\n%s%s"
			   "2026-11-%d 04:00:00,medium,10.20.9.9,tcp,23,,telnet;mikrotik,58224,IR,"
			   "TEHRAN,TEHRAN,921130,,Government,"
			   "\"MikroTik v6.49.10 (long-term)\\r\\nLogin: \"\n",
			   mof ? m : "", yazd ? y : "", day);
	free(h_write_file(dir, strrchr(path, '/') + 1, text));
	free(text);
	free(m);
	free(y);
	return path;
}

static void test_scan_verifies_and_flags(void **state)
{
	(void)state;
	insert_targets();
	char *day1 = telnet_report(27, true, true);
	free(RUN("import", "report", "--type", "scan_telnet", "--at", "2026-11-27T10:00:00Z",
		 day1));
	if (sql_int("SELECT COUNT(*) FROM host_product") == 0) {
		free(day1);
		skip(); /* the feeds record host products from their own branch */
	}
	free(RUN("advisory", "target", "1", "1", "patched"));
	free(RUN("advisory", "target", "1", "2", "patched"));
	/* the next day: the ministry's router is gone, Yazd's still answers */
	char *day2 = telnet_report(28, false, true);
	free(RUN("import", "report", "--type", "scan_telnet", "--at", "2026-11-28T10:00:00Z",
		 day2));
	json_t *j = targets_json();
	assert_string_equal(state_of(j, 1), "verified");
	assert_string_equal(state_of(j, 2), "still_seen");
	json_t *tot = json_object_get(j, "totals");
	assert_int_equal(h_jint(tot, "verified"), 1);
	assert_int_equal(h_jint(tot, "still_seen"), 1);
	assert_int_equal(h_jint(json_object_get(j, "summary"), "verified"), 1);
	json_t *t;
	size_t k;
	json_array_foreach(json_object_get(j, "targets"), k, t)
	{
		if (h_jint(json_object_get(t, "org"), "id") == 1)
			assert_true(json_is_string(json_object_get(t, "verified")));
		if (h_jint(json_object_get(t, "org"), "id") == 2)
			assert_string_equal(h_jstr(t, "flag"), "claimed patched, still seen");
	}
	json_decref(j);
	char *out = RUN("advisory", "targets", "1");
	H_CONTAINS(out, "claimed patched, still seen");
	/* both said patched; the scan confirmed one */
	H_CONTAINS(out, "2 patched, 1 verified by scan");
	free(out);
	free(day1);
	free(day2);
}

static void test_target_cli_rules(void **state)
{
	(void)state;
	insert_targets();
	free(RUN("advisory", "target", "1", "1", "acknowledged"));
	const char *back[] = { h_bin(), "--data", dir, "advisory", "target", "1", "1", "read",
			       NULL };
	struct h_proc p;
	h_run(&p, NULL, env, back);
	assert_int_equal(p.status, EX_DATAERR); /* a step back: PERR_CONFLICT */
	H_CONTAINS(p.err, "does not go back");
	h_proc_free(&p);
	const char *noreason[] = { h_bin(), "--data", dir, "advisory", "target", "1", "2",
				   "not_affected", NULL };
	h_run(&p, NULL, env, noreason);
	assert_int_equal(p.status, EX_DATAERR);
	H_CONTAINS(p.err, "reason");
	h_proc_free(&p);
	free(RUN("advisory", "target", "1", "2", "not_affected", "--reason",
		 "the routers were replaced by another vendor's"));
	json_t *j = targets_json();
	assert_string_equal(state_of(j, 1), "acknowledged");
	assert_string_equal(state_of(j, 2), "not_affected");
	json_decref(j);
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_publish_mails_each_language, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_reminds_then_escalates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_verifies_and_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_cli_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_serve_escalates_once_across_restarts, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
