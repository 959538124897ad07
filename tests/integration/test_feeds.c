/*
** test_feeds.c — report feeds end to end, through the real binary: the CLI
** import, the server's watched directory, the upload endpoint, and digests
** delivered to a real SMTP server (smtp_sink.py on python3-aiosmtpd).
**
** - Shadowserver files of ten report types import with the counts an
**   analyst reads in the summary line (owners reached, new, duplicate);
**   importing a file again adds nothing; sinkhole and compromised-website
**   hosts open incidents; hosts nobody owns show in the no-owner view.
** - A crash in the middle of a file (the writer exits right after a commit,
**   as a kill -9 would leave it) and a second run give exactly the events,
**   counts and incidents of an uninterrupted import.
** - A renamed column is handled by installing the newer schema alone.
** - Digests: one mail per contact, organisation and feed, in the contact's
**   language, with the hosts as a CSV attachment and the remediation text
**   (MikroTik's RouterOS versions); a restart sends none again.
** - A file dropped in the watched directory is imported and moved to done/;
**   one the type cannot read goes to failed/ with the reason.
** - The upload endpoint answers counts, "already" for the same bytes, and
**   a problem document naming the missing column.
** - An upload the server is killed in (kill -9) does not stay "running":
**   the next `serve` resumes it to the counts of an uninterrupted upload, or,
**   its kept bytes gone, marks it failed ("interrupted") with its counts.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "harness.h"

static char *dir;

static const char *data(void)
{
	const char *d = getenv("FEEDS_DATA");
	return d && *d ? d : "tests/data/feeds";
}

static char *data_file(const char *name)
{
	return h_fmt("%s/%s", data(), name);
}

static const char constituency[] =
	"organisation,province,sector,parent,kind,value,name,email,phone,role,lang,pgp\n"
	"Ministry of Finance,Tehran,government,,cidr,10.20.0.0/16,,,,,,\n"
	"Ministry of Finance,,,,cidr,2001:db8:20::/48,,,,,,\n"
	"Ministry of Finance,,,,domain,mof.example,,,,,,\n"
	"Ministry of Finance,,,,contact,,Sara Ahmadi,soc@mof.example,,CISO,fa,\n"
	"Ministry of Finance,,,,contact,,Ali Rezaei,it@mof.example,,IT,en,\n"
	"Tehran Water,Tehran,utility,,cidr,10.30.0.0/16,,,,,,\n"
	"Tehran Water,,,,asn,AS64530,,,,,,\n";

static int setup(void **state)
{
	(void)state;
	dir = h_tmpdir("feeds");
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

/* The summary line (the last line of stdout) of `import report`. */
static char *import(const char *data_dir, const char *const *env, const char *type,
		    const char *file, int want_status, char **err)
{
	const char *args[] = { "--data", data_dir, "import", "report", "--type", type, "--at",
			       "2026-11-27T10:00:00Z", file, NULL };
	const char *argv[12] = { h_bin() };
	for (int i = 0; args[i]; i++)
		argv[i + 1] = args[i];
	struct h_proc p;
	if (h_run(&p, NULL, env, argv) != 0)
		fail_msg("cannot run parapet");
	if (p.status != want_status)
		fail_msg("import %s: exit %d, want %d: %s", file, p.status, want_status, p.err);
	char *out = strdup(p.out);
	size_t n = strlen(out);
	while (n && out[n - 1] == '\n')
		out[--n] = '\0';
	char *last = strrchr(out, '\n');
	char *line = strdup(last ? last + 1 : out);
	free(out);
	if (err)
		*err = strdup(p.err);
	h_proc_free(&p);
	return line;
}

static void test_import_counts(void **state)
{
	(void)state;
	static const struct {
		const char *file, *summary;
	} want[] = {
		{ "2026-11-27-scan_telnet-ir-geo.csv",
		  "rows 9 parsed 7 rejected 2 owners 2 new 6 duplicate 1" },
		{ "2026-11-27-scan_snmp-ir-geo.csv",
		  "rows 6 parsed 5 rejected 1 owners 2 new 5 duplicate 0" },
		{ "2026-11-27-scan_cisco_smart_install-ir-geo.csv",
		  "rows 6 parsed 5 rejected 1 owners 2 new 5 duplicate 0" },
		{ "2026-11-27-event4_sinkhole-ir-geo.csv",
		  "rows 8 parsed 6 rejected 2 owners 2 new 6 duplicate 0" },
		{ "2026-11-27-compromised_website-ir-geo.csv",
		  "rows 7 parsed 6 rejected 1 owners 2 new 6 duplicate 0" },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char *f = data_file(want[i].file), *err = NULL;
		char *line = import(dir, NULL, "auto", f, 0, &err);
		if (strcmp(line, want[i].summary) != 0)
			fail_msg("%s: \"%s\", want \"%s\"", want[i].file, line, want[i].summary);
		free(line);
		free(f);
		free(err);
	}
	/* the rejected lines are named on stderr */
	char *f = data_file("2026-11-27-scan_telnet-ir-geo.csv"), *err = NULL;
	char *line = import(dir, NULL, "scan_telnet", f, 0, &err);
	/* the same bytes again: nothing new, all counted as already known */
	assert_string_equal(line, "rows 9 parsed 7 rejected 2 owners 2 new 0 duplicate 7");
	h_expect_contains(err, "imported before", __FILE__, __LINE__);
	free(line);
	free(err);
	free(f);

	/* every rejected line with its reason, in the file's record */
	struct h_proc p;
	h_cli(&p, dir, NULL, "feeds", "files", NULL);
	assert_int_equal(p.status, 0);
	h_expect_contains(p.out, "scan_telnet", __FILE__, __LINE__);
	h_proc_free(&p);

	/* sinkhole hosts and compromised websites are incidents */
	h_cli(&p, dir, NULL, "incident", "list", NULL);
	assert_int_equal(p.status, 0);
	h_expect_contains(p.out, "infected-system", __FILE__, __LINE__);
	h_expect_contains(p.out, "infected-system: 10.20.14.33 (andromeda)", __FILE__, __LINE__);
	/* the compromised site on a foreign address is the Ministry's by its
	** host name (tender.mof.example) */
	h_expect_contains(p.out, "203.0.113.45 (compromised-website)", __FILE__, __LINE__);
	h_proc_free(&p);

	/* the hosts nobody owns, by prefix, for the registry */
	h_cli(&p, dir, NULL, "feeds", "unowned", "--by", "prefix", NULL);
	assert_int_equal(p.status, 0);
	h_expect_contains(p.out, "198.51.100.0/24", __FILE__, __LINE__);
	h_proc_free(&p);
}

/* A sinkhole report of rows events over hosts hosts, most of them owned. */
static char *big_sinkhole(const char *where, int rows, int hosts)
{
	char *path = h_fmt("%s/2026-11-27-event4_sinkhole-big.csv", where);
	FILE *f = fopen(path, "w");
	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	fputs("timestamp,protocol,src_ip,src_port,src_asn,infection\n", f);
	for (int i = 0; i < rows; i++) {
		int h = (i * 7919) % hosts;
		fprintf(f, "2026-11-27 %02d:%02d:%02d,tcp,%s.%d.%d,%d,58224,%s\n", i / 3600 % 24,
			i / 60 % 60, i % 60, h % 10 == 0 ? "198.51" : "10.20", h / 250, h % 250 + 1,
			49152 + h % 7, h % 3 ? "andromeda" : "necurs");
		if (i % 97 == 0)
			fputs("2026-11-27 01:00:00,tcp,10.20.999.1,1,1,bad\n", f);
	}
	fclose(f);
	return path;
}

static char *incident_count(const char *data_dir)
{
	struct h_proc p;
	h_cli(&p, data_dir, NULL, "--json", "incident", "list", "--limit", "100000", NULL);
	if (p.status != 0)
		fail_msg("incident list: %s", p.err);
	json_error_t je;
	json_t *j = json_loads(p.out, 0, &je);
	json_t *items = json_is_array(j) ? j : json_object_get(j, "items");
	char *n = h_fmt("%zu", json_array_size(items));
	json_decref(j);
	h_proc_free(&p);
	return n;
}

static void test_crash_resume(void **state)
{
	(void)state;
	char *file = big_sinkhole(dir, 3000, 700);
	const char *crash[] = { "PARAPET_FEEDS_BATCH=100", "PARAPET_FEEDS_CRASH_AFTER=7", NULL };
	/* a queue of one batch: the reader waits on the writer all along */
	const char *batch[] = { "PARAPET_FEEDS_BATCH=100", "PARAPET_FEEDS_QUEUE=1", NULL };
	/* the writer dies right after its 7th commit, as a kill -9 would */
	char *line = import(dir, crash, "auto", file, 137, NULL);
	free(line);
	char *err = NULL;
	char *resumed = import(dir, batch, "auto", file, 0, &err);
	h_expect_contains(err, "resumed", __FILE__, __LINE__);
	free(err);

	/* the same file in a fresh store, without a crash */
	char *clean = h_tmpdir("feeds-clean");
	h_migrate(clean);
	struct h_proc p;
	h_cli(&p, clean, constituency, "import", "constituency", "-", NULL);
	assert_int_equal(p.status, 0);
	h_proc_free(&p);
	char *whole = import(clean, batch, "auto", file, 0, NULL);
	assert_string_equal(resumed, whole);
	/* nothing was lost and nothing opened twice */
	char *a = incident_count(dir), *b = incident_count(clean);
	assert_string_equal(a, b);
	assert_string_not_equal(a, "0");
	free(a);
	free(b);
	free(resumed);
	free(whole);
	h_rmdir(clean);
	free(file);
}

static void test_digest_mail(void **state)
{
	(void)state;
	char *f1 = data_file("2026-11-27-scan_telnet-ir-geo.csv");
	char *f2 = data_file("2026-11-27-scan_snmp-ir-geo.csv");
	free(import(dir, NULL, "auto", f1, 0, NULL));
	free(import(dir, NULL, "auto", f2, 0, NULL));
	char *maildir = h_fmt("%s/mail", dir);
	struct h_sink k;
	h_sink_start(&k, maildir, 0, NULL);
	char *port = h_fmt("PARAPET_SMTP_PORT=%d", k.port);
	const char *env[] = { "PARAPET_SMTP_HOST=127.0.0.1", port, "PARAPET_SMTP_STARTTLS=none",
			      "PARAPET_NOTIFY_POLL_MS=50", "PARAPET_SMTP_FROM=cert@parapet.example",
			      "PARAPET_NOTIFY_MESSAGE_ID_DOMAIN=parapet.example",
			      "PARAPET_FEEDS_ENABLED=true", NULL };
	struct h_server s;
	/* the events' day (2026-11-27) is over: the server digests at start */
	h_server_start(&s, dir, env);
	/* Ministry of Finance: 2 feeds x 2 contacts; Tehran Water has no
	** contact, so its digests are recorded but mailed to no one */
	int n = h_sink_wait(&k, 4, 20000);
	if (n != 4)
		fail_msg("%d of 4 digests arrived", n);
	bool en_telnet = false, fa_snmp = false;
	for (int i = 1; i <= 4; i++) {
		json_t *env_j;
		char *m = h_sink_message(&k, i, &env_j);
		const char *to = json_string_value(json_array_get(json_object_get(env_j, "rcpt_tos"), 0));
		h_expect_contains(m, "Content-Type: multipart/mixed", __FILE__, __LINE__);
		h_expect_contains(m, "Content-Disposition: attachment; filename=\"parapet-2026-11-27-org1-",
				  __FILE__, __LINE__);
		if (to && strcmp(to, "it@mof.example") == 0 && strstr(m, "Accessible-Telnet")) {
			en_telnet = true;
			h_expect_contains(m, "open-telnet", __FILE__, __LINE__);
			/* the MikroTik text: which RouterOS versions fix Winbox */
			h_expect_contains(m, "6.42.1", __FILE__, __LINE__);
			/* the attachment lists the hosts: its first line, the
			** header, is "ip,port,asn,..." in base64 */
			h_expect_contains(m, "aXAscG9ydCxhc24s", __FILE__, __LINE__);
		}
		if (to && strcmp(to, "soc@mof.example") == 0 && strstr(m, "Open-SNMP")) {
			fa_snmp = true;
			h_expect_contains(m, "میزبان", __FILE__, __LINE__);
		}
		json_decref(env_j);
		free(m);
	}
	assert_true(en_telnet);
	assert_true(fa_snmp);
	/* a restart does not send them again */
	h_server_stop(&s);
	h_server_start(&s, dir, env);
	sleep(2);
	assert_int_equal(h_sink_count(&k), 4);
	/* a report received late for the same day gets a digest of its own,
	** and the earlier ones are not repeated */
	char *f3 = data_file("2026-11-27-scan_cisco_smart_install-ir-geo.csv");
	free(import(dir, NULL, "auto", f3, 0, NULL));
	struct h_proc p;
	h_cli(&p, dir, NULL, "feeds", "digest", NULL);
	assert_int_equal(p.status, 0);
	assert_string_equal(p.out, "digests 2 mails 2\n"); /* Tehran Water: no contact */
	h_proc_free(&p);
	n = h_sink_wait(&k, 6, 20000);
	assert_int_equal(n, 6);
	char *m5 = h_sink_message(&k, 5, NULL);
	h_expect_contains(m5, "Cisco", __FILE__, __LINE__);
	free(m5);
	free(f3);
	h_server_stop(&s);
	h_sink_stop(&k);
	free(port);
	free(maildir);
	free(f1);
	free(f2);
}

static void copy_aged(const char *from, const char *to)
{
	char *text = h_slurp(from);
	FILE *f = fopen(to, "w");
	if (!f)
		fail_msg("%s: %s", to, strerror(errno));
	fputs(text, f);
	fclose(f);
	free(text);
	/* settled: the worker leaves files younger than a few seconds alone */
	struct utimbuf ut = { time(NULL) - 60, time(NULL) - 60 };
	utime(to, &ut);
}

static bool wait_file(const char *path, int ms)
{
	for (int i = 0; i < ms / 100; i++) {
		if (access(path, F_OK) == 0)
			return true;
		usleep(100000);
	}
	return false;
}

/* Shadowserver renamed ip and port and added a column: the shipped schema
** refuses the file by name, the operator installs the newer schema, and the
** same file imports with no change of code. */
static void test_schema_update(void **state)
{
	(void)state;
	char *f = data_file("2026-11-27-scan_telnet-renamed.csv");
	char *schema = data_file("schema-renamed.json");
	char *err = NULL;
	free(import(dir, NULL, "auto", f, EX_DATAERR, &err));
	h_expect_contains(err, "column 'ip'", __FILE__, __LINE__);
	free(err);
	struct h_proc p;
	h_cli(&p, dir, NULL, "feeds", "schema", "update", "/nonexistent/schema.json", NULL);
	assert_int_equal(p.status, EX_DATAERR); /* nothing replaced by a bad file */
	h_proc_free(&p);
	h_cli(&p, dir, NULL, "feeds", "schema", "update", schema, NULL);
	assert_int_equal(p.status, 0);
	h_proc_free(&p);
	char *line = import(dir, NULL, "auto", f, 0, NULL);
	assert_string_equal(line, "rows 5 parsed 4 rejected 1 owners 2 new 4 duplicate 0");
	free(line);
	h_cli(&p, dir, NULL, "feeds", "parse", "--type", "scan_telnet", f, NULL);
	assert_int_equal(p.status, 0);
	h_expect_contains(p.out, "\"extra.vendor_id\"", __FILE__, __LINE__);
	h_proc_free(&p);
	free(f);
	free(schema);
}

static void test_watched_dir_and_upload(void **state)
{
	(void)state;
	const char *env[] = { "PARAPET_FEEDS_ENABLED=true", NULL };
	struct h_server s;
	h_server_start(&s, dir, env);
	char *in = h_fmt("%s/feeds/incoming", dir);
	char *good = h_fmt("%s/2026-11-27-scan_rdp-ir-geo.csv", in);
	char *bad = h_fmt("%s/2026-11-27-scan_telnet-renamed.csv", in);
	char *src1 = data_file("2026-11-27-scan_rdp-ir-geo.csv");
	char *src2 = data_file("2026-11-27-scan_telnet-renamed.csv");
	copy_aged(src1, good);
	copy_aged(src2, bad);
	char *done = h_fmt("%s/done/2026-11-27-scan_rdp-ir-geo.csv", in);
	char *failed = h_fmt("%s/failed/2026-11-27-scan_telnet-renamed.csv.error", in);
	assert_true(wait_file(done, 15000));
	assert_true(wait_file(failed, 15000));
	char *why = h_slurp(failed);
	h_expect_contains(why, "'ip'", __FILE__, __LINE__);
	free(why);

	/* the API: upload, the same again, and a file the type cannot read */
	h_user_add(dir, "admin", "admin", 0, NULL, "feeds-password-1");
	char *tok = h_token_add(dir, "admin", NULL);
	struct h_cred admin = { tok, NULL, NULL };
	char *smb = data_file("2026-11-27-scan_smb-ir-geo.csv");
	char *rep = h_slurp(smb);
	free(smb);
	struct h_resp r;
	h_http_ex(&s, &r, "POST", "/api/v1/feeds/uploads?name=2026-11-27-scan_smb-ir-geo.csv",
		  &admin, "text/csv", rep, strlen(rep), false, NULL);
	h_expect_status(&r, 201, __FILE__, __LINE__);
	assert_int_equal(h_jint(r.json, "parsed"), 5);
	assert_int_equal(h_jint(r.json, "rejected"), 1);
	assert_int_equal(json_array_size(json_object_get(r.json, "rejects")), 1);
	h_resp_free(&r);
	h_http_ex(&s, &r, "POST", "/api/v1/feeds/uploads?name=again.csv&type=scan_smb", &admin,
		  "text/csv", rep, strlen(rep), false, NULL);
	h_expect_status(&r, 200, __FILE__, __LINE__);
	assert_true(json_is_true(json_object_get(r.json, "already")));
	h_resp_free(&r);
	char *ren = h_slurp(src2);
	h_http_ex(&s, &r, "POST", "/api/v1/feeds/uploads?name=x.csv&type=scan_telnet", &admin,
		  "text/csv", ren, strlen(ren), false, NULL);
	h_expect_problem(&r, 400, "file", __FILE__, __LINE__);
	h_resp_free(&r);
	h_http(&s, &r, "GET", "/api/v1/feeds/files", &admin, NULL);
	h_expect_status(&r, 200, __FILE__, __LINE__);
	h_expect_contains(r.body, "\"source\":\"dir\"", __FILE__, __LINE__);
	h_resp_free(&r);

	/* the dashboard counts what the feeds detected today: two infected
	** hosts of the Ministry seen by a sinkhole this morning (UTC) */
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char day[16];
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	char *sink = h_fmt("timestamp,protocol,src_ip,src_port,src_asn,infection\n"
			   "%s 00:00:01,tcp,10.20.99.1,49152,58224,andromeda\n"
			   "%s 00:00:02,tcp,10.20.99.2,49153,58224,necurs\n", day, day);
	char *sf = h_write_file(dir, "today-event4_sinkhole.csv", sink);
	struct h_proc hp;
	h_cli(&hp, dir, NULL, "import", "report", "--type", "event4_sinkhole", sf, NULL);
	assert_int_equal(hp.status, 0);
	h_proc_free(&hp);
	h_http(&s, &r, "GET", "/api/v1/stats", &admin, NULL);
	h_expect_status(&r, 200, __FILE__, __LINE__);
	json_t *inc = json_object_get(r.json, "incidents");
	assert_true(json_integer_value(json_object_get(inc, "detections_today")) >= 2);
	json_t *dd = json_object_get(inc, "detections_per_day");
	assert_int_equal(json_array_size(dd), 30);
	assert_string_equal(h_jstr(json_array_get(dd, 29), "day"), day);
	h_resp_free(&r);
	free(sink);
	free(sf);
	h_server_stop(&s);
	free(ren);
	free(rep);
	free(tok);
	free(done);
	free(failed);
	free(src1);
	free(src2);
	free(good);
	free(bad);
	free(in);
}

/* A sinkhole report of rows lines over hosts hosts (one in ten nobody
** owns), stamped within the last hour so that every repeat falls inside the
** dedup window, whenever the test runs. Returns the malloc'd text. */
static char *recent_sinkhole(int rows, int hosts)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	fputs("timestamp,protocol,src_ip,src_port,src_asn,infection\n", f);
	time_t t0 = time(NULL) - 3600;
	for (int i = 0; i < rows; i++) {
		int h = (i * 7919) % hosts;
		time_t t = t0 + i % 3000;
		struct tm tm;
		char ts[32];
		gmtime_r(&t, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(f, "%s,tcp,%s.%d.%d,%d,58224,%s\n", ts, h % 10 == 0 ? "198.51" : "10.20",
			h / 250, h % 250 + 1, 49152 + h % 7, h % 3 ? "andromeda" : "necurs");
		if (i % 997 == 0)
			fprintf(f, "%s,tcp,10.20.999.1,1,1,bad\n", ts);
	}
	fclose(f);
	return text;
}

/* Send an upload on a raw connection and return without reading the answer
** (the import runs on the server while the test watches). Returns the
** socket. */
static int upload_async(const struct h_server *s, const char *token, const char *path,
			const char *body, size_t len)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)s->port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		fail_msg("connect: %s", strerror(errno));
	char *head = h_fmt("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
			   "Content-Type: text/csv\r\nContent-Length: %zu\r\n\r\n",
			   path, token, len);
	const char *parts[2] = { head, body };
	size_t sizes[2] = { strlen(head), len };
	for (int k = 0; k < 2; k++)
		for (size_t off = 0; off < sizes[k];) {
			ssize_t n = write(fd, parts[k] + off, sizes[k] - off);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				fail_msg("sending the upload: %s", strerror(errno));
			off += (size_t)n;
		}
	free(head);
	return fd;
}

/* The newest feed file as the API shows it (a new reference), or NULL. */
static json_t *newest_file(const struct h_server *s, const struct h_cred *c)
{
	struct h_resp r;
	h_http(s, &r, "GET", "/api/v1/feeds/files?limit=1", c, NULL);
	h_expect_status(&r, 200, __FILE__, __LINE__);
	json_t *f = json_incref(json_array_get(json_object_get(r.json, "items"), 0));
	h_resp_free(&r);
	return f;
}

/* An admin and its token in data_dir; the malloc'd token. */
static char *admin_token(const char *data_dir)
{
	h_user_add(data_dir, "admin", "admin", 0, NULL, "feeds-password-1");
	return h_token_add(data_dir, "admin", NULL);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };
	nanosleep(&ts, NULL);
}

/* small batches and a queue of one: many commits, so a kill lands between
** two of them */
static const char *const kill_env[] = { "PARAPET_FEEDS_BATCH=100", "PARAPET_FEEDS_QUEUE=1",
					NULL };
/* the same, and the import holds after 10 batches (1,000 rows) until the
** kill: the kill lands mid-import on a loaded machine too */
static const char *const stall_env[] = { "PARAPET_FEEDS_BATCH=100", "PARAPET_FEEDS_QUEUE=1",
					 "PARAPET_FEEDS_STALL_AFTER=10", NULL };
static const char kill_path[] = "/api/v1/feeds/uploads?name=big-event4_sinkhole.csv"
				"&type=event4_sinkhole";

/* Upload rep to a server on dir and kill -9 it once the import has
** committed its first 10 batches and holds there: the file is left
** "running". Fills *id, *rows (its
** partial count) and sha (65 bytes). */
static void kill_mid_upload(const struct h_cred *admin, const char *rep, int64_t *id,
			    int64_t *rows, char *sha)
{
	struct h_server s;
	h_server_start(&s, dir, stall_env);
	int fd = upload_async(&s, admin->token, kill_path, rep, strlen(rep));
	json_t *f = NULL;
	for (int i = 0; i < 6000; i++) {
		json_decref(f);
		f = newest_file(&s, admin);
		/* kill at the hold, not merely once rows show: a kill between
		** the first batch and the hold would race the import's end */
		if (f && strcmp(h_jstr(f, "status"), "running") == 0 && h_jint(f, "rows") >= 1000) {
			char *held = h_slurp(s.log);
			bool at_hold = held && strstr(held, "holding after 10 batches");
			free(held);
			if (at_hold)
				break;
		}
		if (f && strcmp(h_jstr(f, "status"), "running") != 0)
			fail_msg("the upload ended (%s) before the kill", h_jstr(f, "status"));
		sleep_ms(10);
	}
	if (!f || strcmp(h_jstr(f, "status"), "running") != 0)
		fail_msg("the upload never showed as running");
	*id = h_jint(f, "id");
	*rows = h_jint(f, "rows");
	snprintf(sha, 65, "%s", h_jstr(f, "sha256"));
	json_decref(f);
	assert_int_equal(h_server_stop_sig(&s, SIGKILL), 128 + SIGKILL);
	close(fd);
	char *log = h_slurp(s.log);
	h_expect_contains(log, "holding after 10 batches", __FILE__, __LINE__);
	free(log);
	/* the store holds what the crash left: running, with partial counts */
	struct h_proc p;
	h_cli(&p, dir, NULL, "feeds", "files", NULL);
	assert_int_equal(p.status, 0);
	h_expect_contains(p.out, " running ", __FILE__, __LINE__);
	h_proc_free(&p);
}

/* Restart on dir and wait (two minutes at most) for file id to leave
** "running"; returns the file as the API shows it then (a new reference).
** The server is stopped again; its log is in s->log. */
static json_t *restart_until_settled(struct h_server *s, const struct h_cred *admin, int64_t id)
{
	h_server_start(s, dir, kill_env);
	struct h_resp r;
	bool running = true;
	for (int i = 0; i < 1200 && running; i++) {
		h_httpf(s, &r, "GET", admin, NULL, "/api/v1/feeds/files/%lld", (long long)id);
		h_expect_status(&r, 200, __FILE__, __LINE__);
		running = strcmp(h_jstr(r.json, "status"), "running") == 0;
		if (running) {
			h_resp_free(&r);
			sleep_ms(100);
		}
	}
	if (running)
		fail_msg("file %lld still running two minutes after the restart", (long long)id);
	json_t *f = json_incref(r.json);
	h_resp_free(&r);
	h_server_stop(s);
	return f;
}

/* Issue 11, item 14: an upload killed with -9 stayed "running" with partial
** counts for ever. Now the next serve resumes it from its last commit. */
static void test_upload_killed_resumes(void **state)
{
	(void)state;
	char *rep = recent_sinkhole(200000, 5000);
	char *tok = admin_token(dir);
	struct h_cred admin = { tok, NULL, NULL };
	int64_t id, partial;
	char sha[65];
	kill_mid_upload(&admin, rep, &id, &partial, sha);
	struct h_server s;
	struct h_resp r;
	struct h_proc p;
	json_t *resumed = restart_until_settled(&s, &admin, id);
	assert_string_equal(h_jstr(resumed, "status"), "done");
	assert_true(h_jint(resumed, "rows") > partial);
	char *log = h_slurp(s.log);
	h_expect_contains(log, "interrupted upload big-event4_sinkhole.csv", __FILE__, __LINE__);
	free(log);

	/* the same upload into a fresh store, without a kill */
	char *clean = h_tmpdir("feeds-clean-upload");
	h_migrate(clean);
	h_cli(&p, clean, constituency, "import", "constituency", "-", NULL);
	assert_int_equal(p.status, 0);
	h_proc_free(&p);
	char *ctok = admin_token(clean);
	struct h_cred cadmin = { ctok, NULL, NULL };
	struct h_server cs;
	h_server_start(&cs, clean, kill_env);
	h_http_ex(&cs, &r, "POST", kill_path, &cadmin, "text/csv", rep, strlen(rep), false, NULL);
	h_expect_status(&r, 201, __FILE__, __LINE__);
	static const char *const counts[] = { "rows", "parsed", "rejected", "owners", "new",
					      "duplicate", "unowned", "incidents" };
	for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++)
		if (h_jint(resumed, counts[k]) != h_jint(r.json, counts[k]))
			fail_msg("%s: %lld after the kill and resume, %lld in one go", counts[k],
				 (long long)h_jint(resumed, counts[k]),
				 (long long)h_jint(r.json, counts[k]));
	assert_int_equal(h_jint(r.json, "rows"), 200000 + 201);
	h_resp_free(&r);
	h_server_stop(&cs);
	/* nothing was lost and no incident opened twice */
	char *a = incident_count(dir), *b = incident_count(clean);
	assert_string_equal(a, b);
	assert_string_not_equal(a, "0");
	free(a);
	free(b);
	json_decref(resumed);
	h_rmdir(clean);
	free(ctok);
	free(tok);
	free(rep);
}

/* An upload whose kept bytes are gone by the restart cannot be resumed: it
** is marked failed, "interrupted", with the counts it had. */
static void test_upload_killed_unresumable(void **state)
{
	(void)state;
	char *rep = recent_sinkhole(200000, 5000);
	char *tok = admin_token(dir);
	struct h_cred admin = { tok, NULL, NULL };
	int64_t id, partial;
	char sha[65];
	kill_mid_upload(&admin, rep, &id, &partial, sha);
	char *blob = h_fmt("%s/blobs/%.2s/%s", dir, sha, sha + 2);
	if (unlink(blob) != 0)
		fail_msg("%s: %s", blob, strerror(errno));
	struct h_server s;
	json_t *f = restart_until_settled(&s, &admin, id);
	assert_string_equal(h_jstr(f, "status"), "failed");
	h_expect_contains(h_jstr(f, "error"), "interrupted", __FILE__, __LINE__);
	assert_true(h_jint(f, "rows") >= partial); /* batches may commit until the kill */
	assert_true(h_jint(f, "rows") < 200000);
	json_decref(f);
	free(blob);
	free(tok);
	free(rep);
}

int main(void)
{
	h_init();
	atexit(h_sink_kill_all);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_import_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_digest_mail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watched_dir_and_upload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upload_killed_resumes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upload_killed_unresumable, setup, teardown),
	};
	return cmocka_run_group_tests_name("feeds", tests, NULL, NULL);
}
