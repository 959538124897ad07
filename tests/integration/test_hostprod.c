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

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_published_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_telnet_and_smart_install, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_refreshes_older_does_not, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
