/*
** test_hostprod.c — product facts from every report a CERT receives (issue
** 14), through the real binary: `parapet import report` writes, and the
** store's own read functions (store_host_product_*) read what an advisory
** will target.
**
** - Shadowserver's whole published schema is in effect: `feeds types` lists
**   its 170 types, and Accessible HTTP (scan_http, once refused as unknown)
**   imports by --type and by its file name.
** - A scan_telnet report whose banners name MikroTik RouterOS versions and a
**   scan_cisco_smart_install report leave one host_product row per owned
**   host: the product and CPE the banner names, the exposure the report
**   type reveals (telnet, cisco-smart-install), the time of the newest
**   sighting and the file that saw it. Hosts nobody owns leave no row.
** - The next day's report moves a host's version, time and file forward; a
**   report older than what is known, imported late, sets none of them back,
**   nor the newest file of the type that verification asks about.
** - An import killed after a commit (as kill -9 would) has not made its
**   file the newest of its type; resumed, it leaves exactly the rows and the
**   newest file an uninterrupted import leaves.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "store/store.h"

static char *dir;

static const char constituency[] =
	"organisation,province,sector,parent,kind,value,name,email,phone,role,lang,pgp\n"
	"Ministry of Finance,Tehran,government,,cidr,10.20.0.0/16,,,,,,\n"
	"Ministry of Finance,,,,cidr,2001:db8:20::/48,,,,,,\n"
	"Tehran Water,Tehran,utility,,cidr,10.30.0.0/16,,,,,,\n";

static int setup(void **state)
{
	(void)state;
	dir = h_tmpdir("hostprod");
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

static char *fixture(const char *name)
{
	const char *d = getenv("FEEDS_DATA");
	return h_fmt("%s/%s", d && *d ? d : "tests/data/feeds", name);
}

/* Import path with --type type; returns the summary line (malloc'd). */
static char *import(const char *type, const char *path)
{
	struct h_proc p;
	h_cli(&p, dir, NULL, "import", "report", "--type", type, "--at", "2026-11-28T10:00:00Z",
	      path, NULL);
	if (p.status != 0)
		fail_msg("import %s --type %s: exit %d: %s", path, type, p.status, p.err);
	size_t n = strlen(p.out);
	while (n && p.out[n - 1] == '\n')
		p.out[--n] = '\0';
	const char *last = strrchr(p.out, '\n');
	char *line = strdup(last ? last + 1 : p.out);
	h_proc_free(&p);
	return line;
}

static struct store *open_store(void)
{
	char *db = h_fmt("%s/parapet.db", dir);
	struct store *st = NULL;
	struct perr e = { 0 };
	if (store_open(db, &st, &e) != 0)
		fail_msg("store_open %s: %s", db, e.msg);
	free(db);
	return st;
}

static int64_t org_id(struct store *st, const char *name)
{
	struct store_org o;
	struct perr e = { 0 };
	if (store_org_by_name(st, name, &o, &e) != 0)
		fail_msg("org %s: %s", name, e.msg);
	return o.id;
}

struct file_find {
	const char *name;
	int64_t id;
};

static int file_row(void *ud, const struct store_feed_file *f)
{
	struct file_find *x = ud;
	if (strcmp(f->name, x->name) == 0 && strcmp(f->status, "done") == 0)
		x->id = f->id;
	return 0;
}

/* The id of the imported file named name. */
static int64_t file_id(struct store *st, const char *name)
{
	struct file_find x = { name, 0 };
	struct perr e = { 0 };
	if (store_feed_files(st, 0, 1000, file_row, &x, &e) != 0)
		fail_msg("feed files: %s", e.msg);
	if (!x.id)
		fail_msg("no imported file %s", name);
	return x.id;
}

static int64_t ms_of(const char *iso)
{
	int64_t ms = 0;
	if (core_parse_iso8601(iso, &ms) != 0)
		fail_msg("bad time %s", iso);
	return ms;
}

/* The row of (org, ip, port, type), which must exist. */
static struct store_host_product row(struct store *st, int64_t org, const char *ip, int port,
				     const char *type)
{
	struct store_host_product h;
	struct perr e = { 0 };
	if (store_host_product_get(st, org, ip, port, type, &h, &e) != 0)
		fail_msg("no host_product %s:%d %s of org %lld: %s", ip, port, type,
			 (long long)org, e.msg);
	return h;
}

static void no_row(struct store *st, int64_t org, const char *ip, int port, const char *type)
{
	struct store_host_product h;
	struct perr e = { 0 };
	if (store_host_product_get(st, org, ip, port, type, &h, &e) == 0)
		fail_msg("host_product %s:%d %s of org %lld exists", ip, port, type,
			 (long long)org);
	assert_int_equal(e.kind, PERR_NOTFOUND);
}

struct rows {
	char ips[32][96];
	int64_t orgs[32];
	size_t n;
};

static int collect(void *ud, const struct store_host_product *h)
{
	struct rows *r = ud;
	if (r->n < 32) {
		snprintf(r->ips[r->n], sizeof(r->ips[0]), "%s:%lld", h->ip, (long long)h->port);
		r->orgs[r->n++] = h->org_id;
	}
	return 0;
}

/* "ip:port,ip:port" of the rows find returns (org 0: everyone's). */
static char *found(struct store *st, const char *vendor, const char *product,
		   const char *exposure)
{
	struct rows r = { 0 };
	struct perr e = { 0 };
	if (store_host_product_find(st, vendor, product, exposure, 0, collect, &r, &e) != 0)
		fail_msg("host_product find: %s", e.msg);
	struct pbuf b;
	pbuf_init(&b, 0);
	for (size_t i = 0; i < r.n; i++)
		assert_int_equal(pbuf_addf(&b, "%s%s", i ? "," : "", r.ips[i]), 0);
	char *s = strdup(b.len ? pbuf_cstr(&b) : "");
	pbuf_free(&b);
	return s;
}

/* ------------------------------------------------------------------ tests */

static void test_every_published_type(void **state)
{
	(void)state;
	struct h_proc p;
	h_cli(&p, dir, NULL, "feeds", "types", NULL);
	assert_int_equal(p.status, 0);
	h_expect_contains(p.out, ", 170 report types", __FILE__, __LINE__);
	size_t lines = 0;
	for (char *s = p.out; *s; s++)
		if (*s == '\n')
			lines++;
	assert_int_equal(lines, 171); /* the header and one line per type */
	h_expect_contains(p.out, "scan_http ", __FILE__, __LINE__);
	h_expect_contains(p.out, "Accessible-HTTP", __FILE__, __LINE__);
	h_expect_contains(p.out, "scan_cisco_smart_install ", __FILE__, __LINE__);
	h_proc_free(&p);

	/* Accessible HTTP by its type name ... */
	char *f = fixture("2026-11-27-scan_http-ir-geo.csv");
	char *line = import("scan_http", f);
	assert_string_equal(line, "rows 7 parsed 6 rejected 1 owners 2 new 6 duplicate 0");
	free(line);
	free(f);
	/* ... and by the file name Shadowserver gives it */
	char *head = h_fmt("%s",
			   "timestamp,severity,ip,protocol,port,hostname,tag,asn,geo,region,city,"
			   "naics,hostname_source,sector,http,http_code,http_reason,content_type,"
			   "connection,www_authenticate,set_cookie,server,content_length,"
			   "transfer_encoding,http_date,version\n"
			   "2026-11-28 04:09:51,medium,10.20.8.10,tcp,80,www.mof.example,http,"
			   "58224,IR,TEHRAN,TEHRAN,921130,ptr,Government,HTTP/1.1,200,OK,text/html,"
			   "keep-alive,,,nginx/1.24.0,612,,,\n"
			   "2026-11-28 04:30:02,medium,10.30.40.50,tcp,8443,,http,64530,IR,TEHRAN,"
			   "TEHRAN,221310,,Water,HTTP/1.1,200,OK,text/html,,,,,10,,,\n");
	char *day2 = h_write_file(dir, "2026-11-28-scan_http-123-sample-asn.csv", head);
	line = import("auto", day2);
	h_expect_contains(line, "rows 2 parsed 2 rejected 0 owners 2", __FILE__, __LINE__);
	free(line);

	struct store *st = open_store();
	int64_t mof = org_id(st, "Ministry of Finance"), water = org_id(st, "Tehran Water");
	int64_t f1 = file_id(st, "2026-11-27-scan_http-ir-geo.csv");
	int64_t f2 = file_id(st, "2026-11-28-scan_http-123-sample-asn.csv");

	/* the Server header names the product; the next day's moved it on */
	struct store_host_product h = row(st, mof, "10.20.8.10", 80, "scan_http");
	assert_string_equal(h.vendor, "f5");
	assert_string_equal(h.product, "nginx");
	assert_string_equal(h.version, "1.24.0");
	assert_string_equal(h.cpe, "cpe:2.3:a:f5:nginx:1.24.0:*:*:*:*:*:*:*");
	assert_string_equal(h.exposure, "http");
	assert_int_equal(h.first_ms, ms_of("2026-11-27T04:10:11Z"));
	assert_int_equal(h.last_ms, ms_of("2026-11-28T04:09:51Z"));
	assert_int_equal(h.file_id, f2);
	h = row(st, mof, "10.20.8.11", 8080, "scan_http");
	assert_string_equal(h.cpe, "cpe:2.3:a:apache:http_server:2.4.29:*:*:*:*:*:*:*");
	assert_int_equal(h.file_id, f1);
	h = row(st, mof, "2001:db8:20::80", 443, "scan_http");
	assert_string_equal(h.product, "lighttpd");
	/* RouterOS by its authentication realm and by its web proxy */
	h = row(st, water, "10.30.2.254", 80, "scan_http");
	assert_string_equal(h.cpe, "cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*");
	assert_string_equal(h.version, "");
	h = row(st, water, "10.30.2.1", 8080, "scan_http");
	assert_string_equal(h.product, "routeros");
	/* a server that names no product is an exposure alone */
	h = row(st, water, "10.30.40.50", 8443, "scan_http");
	assert_string_equal(h.vendor, "");
	assert_string_equal(h.exposure, "http");
	/* the IIS host nobody owns leaves no row */
	no_row(st, 0, "198.51.100.80", 80, "scan_http");
	char *all = found(st, NULL, NULL, "http");
	assert_string_equal(all, "10.20.8.10:80,10.20.8.11:8080,2001:db8:20::80:443,"
				 "10.30.2.1:8080,10.30.2.254:80,10.30.40.50:8443");
	free(all);

	int64_t seen_file = 0, seen_ms = 0;
	struct perr e = { 0 };
	assert_int_equal(store_feed_type_seen_get(st, "scan_http", &seen_file, &seen_ms, &e), 0);
	assert_int_equal(seen_file, f2);
	assert_int_equal(seen_ms, ms_of("2026-11-28T04:30:02Z"));
	store_close(st);
	free(day2);
	free(head);
}

static void test_telnet_and_smart_install(void **state)
{
	(void)state;
	char *telnet = fixture("2026-11-27-scan_telnet-ir-geo.csv");
	char *smi = fixture("2026-11-27-scan_cisco_smart_install-ir-geo.csv");
	char *line = import("auto", telnet);
	assert_string_equal(line, "rows 9 parsed 7 rejected 2 owners 2 new 6 duplicate 1");
	free(line);
	line = import("auto", smi);
	free(line);

	struct store *st = open_store();
	int64_t mof = org_id(st, "Ministry of Finance"), water = org_id(st, "Tehran Water");
	int64_t ft = file_id(st, "2026-11-27-scan_telnet-ir-geo.csv");
	int64_t fs = file_id(st, "2026-11-27-scan_cisco_smart_install-ir-geo.csv");

	/* the MikroTik banner: RouterOS 6.38.4, seen at 03:12:45 and again
	** (a duplicate event, still a sighting) at 05:40:02 */
	struct store_host_product h = row(st, mof, "10.20.4.1", 23, "scan_telnet");
	assert_string_equal(h.vendor, "mikrotik");
	assert_string_equal(h.product, "routeros");
	assert_string_equal(h.version, "6.38.4");
	assert_string_equal(h.cpe, "cpe:2.3:o:mikrotik:routeros:6.38.4:*:*:*:*:*:*:*");
	assert_string_equal(h.exposure, "telnet");
	assert_int_equal(h.first_ms, ms_of("2026-11-27T03:12:45Z"));
	assert_int_equal(h.last_ms, ms_of("2026-11-27T05:40:02Z"));
	assert_int_equal(h.file_id, ft);
	/* RouterOS only where a banner says so; the MikroTik nobody owns
	** (203.0.113.77) is nobody's row */
	char *ros = found(st, "mikrotik", "routeros", NULL);
	assert_string_equal(ros, "10.20.4.1:23");
	free(ros);
	no_row(st, 0, "203.0.113.77", 23, "scan_telnet");
	/* every owned telnet host is an exposure, banner or not */
	h = row(st, water, "10.30.12.7", 23, "scan_telnet");
	assert_string_equal(h.vendor, "");
	assert_string_equal(h.cpe, "");
	char *tel = found(st, NULL, NULL, "telnet");
	assert_string_equal(tel, "10.20.17.3:23,10.20.4.1:23,10.30.12.7:23,10.30.8.21:23");
	free(tel);

	/* Smart Install on 4786: the exposure, on each owned switch only */
	char *sw = found(st, NULL, NULL, "cisco-smart-install");
	assert_string_equal(sw, "10.20.30.5:4786,10.20.30.6:4786,10.30.1.10:4786");
	free(sw);
	h = row(st, water, "10.30.1.10", 4786, "scan_cisco_smart_install");
	assert_int_equal(h.last_ms, ms_of("2026-11-27T01:09:12Z"));
	assert_int_equal(h.file_id, fs);
	assert_string_equal(h.vendor, "");
	no_row(st, 0, "198.51.100.200", 4786, "scan_cisco_smart_install");

	int64_t seen_file = 0, seen_ms = 0;
	struct perr e = { 0 };
	assert_int_equal(store_feed_type_seen_get(st, "scan_cisco_smart_install", &seen_file,
						  &seen_ms, &e),
			 0);
	assert_int_equal(seen_file, fs);
	/* the file's newest row, owned or not */
	assert_int_equal(seen_ms, ms_of("2026-11-27T01:20:00Z"));
	store_close(st);
	free(telnet);
	free(smi);
}

static const char telnet_head[] =
	"timestamp,severity,ip,protocol,port,hostname,tag,asn,geo,region,city,naics,"
	"hostname_source,sector,banner\n";

static void test_newer_refreshes_older_does_not(void **state)
{
	(void)state;
	char *day1 = fixture("2026-11-27-scan_telnet-ir-geo.csv");
	char *line = import("auto", day1);
	free(line);
	/* the next day: the router was upgraded */
	char *t2 = h_fmt("%s2026-11-28 03:02:10,medium,10.20.4.1,tcp,23,gw1.mof.example,"
			 "telnet;mikrotik,58224,IR,TEHRAN,TEHRAN,921130,ptr,Government,"
			 "\"MikroTik v6.49.7 (long-term)\\r\\nLogin: \"\n",
			 telnet_head);
	char *day2 = h_write_file(dir, "2026-11-28-scan_telnet-ir-geo.csv", t2);
	line = import("auto", day2);
	free(line);
	/* a report from the day before, imported late: an older version */
	char *t0 = h_fmt("%s2026-11-26 03:00:00,medium,10.20.4.1,tcp,23,gw1.mof.example,"
			 "telnet;mikrotik,58224,IR,TEHRAN,TEHRAN,921130,ptr,Government,"
			 "\"MikroTik v6.30.1 (stable)\\r\\nLogin: \"\n"
			 "2026-11-26 03:05:00,medium,10.20.5.5,tcp,23,,telnet,58224,IR,TEHRAN,"
			 "TEHRAN,921130,,Government,\"\\r\\nlogin: \"\n",
			 telnet_head);
	char *day0 = h_write_file(dir, "2026-11-26-scan_telnet-ir-geo.csv", t0);
	line = import("auto", day0);
	free(line);

	struct store *st = open_store();
	int64_t mof = org_id(st, "Ministry of Finance");
	int64_t f2 = file_id(st, "2026-11-28-scan_telnet-ir-geo.csv");
	int64_t f0 = file_id(st, "2026-11-26-scan_telnet-ir-geo.csv");
	struct store_host_product h = row(st, mof, "10.20.4.1", 23, "scan_telnet");
	assert_string_equal(h.version, "6.49.7");
	assert_string_equal(h.cpe, "cpe:2.3:o:mikrotik:routeros:6.49.7:*:*:*:*:*:*:*");
	assert_int_equal(h.last_ms, ms_of("2026-11-28T03:02:10Z"));
	assert_int_equal(h.file_id, f2);
	/* ... but it was seen first on the 26th */
	assert_int_equal(h.first_ms, ms_of("2026-11-26T03:00:00Z"));
	/* the late report's new host is recorded, with its own file */
	h = row(st, mof, "10.20.5.5", 23, "scan_telnet");
	assert_int_equal(h.file_id, f0);
	/* hosts the newest report did not see keep the file that last did */
	h = row(st, mof, "10.20.17.3", 23, "scan_telnet");
	assert_int_equal(h.file_id, file_id(st, "2026-11-27-scan_telnet-ir-geo.csv"));

	int64_t seen_file = 0, seen_ms = 0;
	struct perr e = { 0 };
	assert_int_equal(store_feed_type_seen_get(st, "scan_telnet", &seen_file, &seen_ms, &e), 0);
	assert_int_equal(seen_file, f2);
	assert_int_equal(seen_ms, ms_of("2026-11-28T03:02:10Z"));
	store_close(st);
	free(day0);
	free(day1);
	free(day2);
	free(t0);
	free(t2);
}

/* A scan_telnet report of rows rows over the Ministry's and the Water
** company's routers, every third one a MikroTik with its version. */
static char *big_telnet(const char *where, int rows)
{
	char *path = h_fmt("%s/2026-11-29-scan_telnet-ir-geo.csv", where);
	FILE *f = fopen(path, "w");
	if (!f)
		fail_msg("%s: cannot write", path);
	fputs(telnet_head, f);
	for (int i = 0; i < rows; i++) {
		char banner[64];
		if (i % 3)
			snprintf(banner, sizeof(banner), "Debian GNU/Linux %d\\r\\nlogin: ",
				 9 + i % 4);
		else
			snprintf(banner, sizeof(banner), "MikroTik v6.%d.%d (stable)\\r\\nLogin: ",
				 30 + i % 19, i % 7);
		fprintf(f,
			"2026-11-29 %02d:%02d:%02d,medium,10.%d.%d.%d,tcp,23,,telnet,58224,IR,"
			"TEHRAN,TEHRAN,921130,,Government,\"%s\"\n",
			i / 3600 % 24, i / 60 % 60, i % 60, i % 2 ? 20 : 30, i / 250 % 250,
			i % 250 + 1, banner);
	}
	fclose(f);
	return path;
}

struct digest_rows {
	struct pbuf b;
};

static int digest_row(void *ud, const struct store_host_product *h)
{
	struct digest_rows *d = ud;
	assert_int_equal(pbuf_addf(&d->b, "%lld %s %lld %s %s %s %s %s %lld %lld\n",
				   (long long)h->org_id, h->ip, (long long)h->port, h->vendor,
				   h->product, h->version, h->cpe, h->exposure,
				   (long long)h->first_ms, (long long)h->last_ms),
			 0);
	return 0;
}

/* Every telnet row of the store in dir, one line each (file ids differ
** between stores and are left out). */
static char *telnet_rows(const char *data_dir)
{
	char *db = h_fmt("%s/parapet.db", data_dir);
	struct store *st = NULL;
	struct perr e = { 0 };
	if (store_open(db, &st, &e) != 0)
		fail_msg("store_open %s: %s", db, e.msg);
	struct digest_rows d;
	pbuf_init(&d.b, 0);
	if (store_host_product_find(st, NULL, NULL, "telnet", 0, digest_row, &d, &e) != 0)
		fail_msg("find: %s", e.msg);
	store_close(st);
	free(db);
	char *out = strdup(d.b.len ? pbuf_cstr(&d.b) : "");
	pbuf_free(&d.b);
	return out;
}

static void run_import(const char *data_dir, const char *const *env, const char *path,
		       int want_status)
{
	const char *argv[] = { h_bin(), "--data", data_dir, "import", "report", "--type", "auto",
			       "--at", "2026-11-29T10:00:00Z", path, NULL };
	struct h_proc p;
	if (h_run(&p, NULL, env, argv) != 0)
		fail_msg("cannot run parapet");
	if (p.status != want_status)
		fail_msg("import %s: exit %d, want %d: %s", path, p.status, want_status, p.err);
	h_proc_free(&p);
}

static void test_killed_import_resumes(void **state)
{
	(void)state;
	char *file = big_telnet(dir, 3000);
	const char *crash[] = { "PARAPET_FEEDS_BATCH=100", "PARAPET_FEEDS_CRASH_AFTER=7", NULL };
	const char *batch[] = { "PARAPET_FEEDS_BATCH=100", NULL };
	run_import(dir, crash, file, 137);

	/* killed: rows of the first batches, but the file is not the newest
	** of its type yet (nothing may be verified against half a report) */
	struct store *st = open_store();
	int64_t seen_file = 0, seen_ms = 0;
	struct perr e = { 0 };
	assert_int_equal(store_feed_type_seen_get(st, "scan_telnet", &seen_file, &seen_ms, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	store_close(st);
	char *partial = telnet_rows(dir);
	assert_true(strlen(partial) > 0);

	run_import(dir, batch, file, 0);
	char *resumed = telnet_rows(dir);
	assert_true(strlen(resumed) > strlen(partial));

	/* the same file in a fresh store, in one go */
	char *clean = h_tmpdir("hostprod-clean");
	h_migrate(clean);
	struct h_proc p;
	h_cli(&p, clean, constituency, "import", "constituency", "-", NULL);
	assert_int_equal(p.status, 0);
	h_proc_free(&p);
	run_import(clean, batch, file, 0);
	char *whole = telnet_rows(clean);
	assert_string_equal(resumed, whole);

	st = open_store();
	assert_int_equal(store_feed_type_seen_get(st, "scan_telnet", &seen_file, &seen_ms, &e), 0);
	assert_int_equal(seen_file, file_id(st, "2026-11-29-scan_telnet-ir-geo.csv"));
	assert_int_equal(seen_ms, ms_of("2026-11-29T00:49:59Z"));
	struct store_host_product h = row(st, org_id(st, "Ministry of Finance"), "10.20.0.2", 23,
					  "scan_telnet");
	assert_int_equal(h.file_id, seen_file);
	assert_string_equal(h.vendor, ""); /* a Debian banner names no known product */
	h = row(st, org_id(st, "Tehran Water"), "10.30.0.1", 23, "scan_telnet");
	assert_string_equal(h.cpe, "cpe:2.3:o:mikrotik:routeros:6.30.0:*:*:*:*:*:*:*");
	store_close(st);
	h_rmdir(clean);
	free(partial);
	free(resumed);
	free(whole);
	free(file);
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_published_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_telnet_and_smart_install, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_refreshes_older_does_not, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_killed_import_resumes, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
