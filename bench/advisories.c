/*
** bench/advisories.c — the `advisories` benchmark (issue 14): targeting one
** advisory against 10,000 organisations with 100,000 product assets and
** 5,000,000 host products seen by report feeds; goal: the preview in
** < 200 ms, and publishing to 10,000 targets in < 2 s.
**
** It builds the store first, straight through SQLite (one transaction,
** prepared inserts, synchronous off: a minute, not an hour), on a migrated
** Parapet database:
**   - ORGS organisations over the 31 provinces (Tehran weighted) and 12
**     sectors, one contact each (en or fa);
**   - ASSETS product assets, ten per organisation on average: 70% in the
**     CPE form with a version, a count and a few hosts
**     ("cpe:2.3:o:mikrotik:routeros:6.40.8:... count=12 hosts=..."), 30%
**     free text ("mikrotik routeros 6.40.8"), a tenth of which names no
**     product Parapet can map (they are the preview's "unmapped"); the
**     products are the real ones advisories name (RouterOS 4%, Cisco IOS
**     3%, FortiOS, Apache, nginx, OpenSSH, IIS, Exchange 2% each) and 300
**     made-up ones for the rest;
**   - HOSTS host products, 500 per organisation on average (skewed: ISPs
**     have thousands): RouterOS banners on 30,000 hosts (the report's
**     "30,000 MikroTik routers"), Cisco IOS on 30,000 of which 5,000 expose
**     Smart Install, the real products at 1% each, the made-up ones the rest.
** Then it times, through the domain calls the API and CLI use:
**   - the preview (advisory_preview of a stored advisory, or
**     advisory_targets_compute of the document while the record part is not
**     built), first after opening the store (SQLite's cache empty; the
**     operating system's file cache is whatever the build left) and the
**     median of REPEAT runs after it, for two advisories: RouterOS Winbox
**     (before 6.42.1, excluding) and Cisco Smart Install as its CSAF gives
**     it (39 IOS releases, each an entry with the exposure);
**   - the share of the preview's time in the store: the same reads
**     target.c makes (organisations, the product-asset ranges, the host
**     products by vendor/product or exposure), run alone with callbacks
**     that do nothing, against the whole preview;
**   - publishing an advisory whose audience is every organisation
**     (advisory_publish in one transaction, outbox rows committed), or
**     "not built yet" while advisory_publish is a stub.
** Prints "bench advisories_NAME: VALUE UNIT" lines and "R x goal_..." ratios
** (goal over measured: above 1 is within the goal), and names the machine
** and its load.
**
** Usage: bench_advisories [--dir DIR] [--keep] [--orgs N] [--assets N]
**        [--hosts N] [--repeat N]
** With --dir and an existing database there, generation is skipped.
*/
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif

#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "machine.h"
#include "advisory/advisory.h"
#include "config/config.h"
#include "constituency/constituency.h"
#include "store/store.h"

static uint64_t rng_state = UINT64_C(0x5eed14);

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static double uni(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

/* CPU time of this thread: beside the wall-clock figure, what the preview
** costs on a machine whose other work takes turns on its cores. */
static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ------------------------------------------------------------- catalogue */

struct prod {
	char part;
	const char *vendor, *product, *text; /* text: how people write it */
	const char *versions[12];
	double asset_w, host_w; /* shares of assets and host products */
};

static const struct prod real[] = {
	{ 'o', "mikrotik", "routeros", "mikrotik routeros",
	  { "6.38.4", "6.40.8", "6.41.4", "6.42", "6.42.1", "6.43.2", "6.45.9", "6.48.6", "6.49.10",
	    "7.12", NULL },
	  0.04, 0.006 },
	{ 'o', "cisco", "ios", "cisco ios",
	  { "12.2(55)se12", "15.0(2)se11", "15.2(2)e9", "15.2(4)e7", "15.2(7)e8", NULL },
	  0.03, 0.006 },
	{ 'o', "fortinet", "fortios", "fortinet fortios",
	  { "6.0.4", "6.2.15", "6.4.12", "7.0.12", "7.2.5", NULL }, 0.02, 0.01 },
	{ 'a', "apache", "http_server", "apache httpd",
	  { "2.4.29", "2.4.41", "2.4.49", "2.4.57", NULL }, 0.02, 0.01 },
	{ 'a', "f5", "nginx", "nginx", { "1.14.0", "1.18.0", "1.22.1", "1.24.0", NULL }, 0.02, 0.01 },
	{ 'a', "openbsd", "openssh", "openssh", { "7.4", "7.9", "8.2", "8.9", "9.3", NULL }, 0.02,
	  0.01 },
	{ 'a', "microsoft", "internet_information_services", "microsoft iis",
	  { "7.5", "8.5", "10.0", NULL }, 0.02, 0.01 },
	{ 'a', "microsoft", "exchange_server", "microsoft exchange",
	  { "2013", "2016", "2019", NULL }, 0.02, 0.01 },
};
#define NREAL (sizeof(real) / sizeof(real[0]))
#define NFAKE 300

static const char *const sectors[] = { "government", "energy", "water", "health", "finance",
				       "telecom", "transport", "education", "defence", "industry",
				       "media", "agriculture" };
#define NSECTORS (sizeof(sectors) / sizeof(sectors[0]))

/* A product drawn by weight (field 0: assets, 1: hosts); -1 = a made-up one. */
static int pick(int which)
{
	double u = uni(), acc = 0;
	for (size_t i = 0; i < NREAL; i++) {
		acc += which ? real[i].host_w : real[i].asset_w;
		if (u < acc)
			return (int)i;
	}
	return -1;
}

static const char *version_of(const struct prod *p)
{
	size_t n = 0;
	while (p->versions[n])
		n++;
	return p->versions[rnd() % n];
}

/* ------------------------------------------------------------ generation */

static void die_sql(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench_advisories: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		die_sql(db, sql);
	return s;
}

static void step(sqlite3 *db, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);
	if (rc != SQLITE_DONE && rc != SQLITE_CONSTRAINT)
		die_sql(db, what);
	sqlite3_reset(s);
}

static void exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die_sql(db, sql);
}

static void ip_of(int64_t org, int64_t idx, char *out, size_t n)
{
	snprintf(out, n, "%d.%d.%d.%d", (int)(org >> 8) + 1, (int)(org & 255), (int)((idx >> 8) & 255),
		 (int)(idx & 255));
}

static void generate(const char *path, int64_t norgs, int64_t nassets, int64_t nhosts)
{
	sqlite3 *db;
	double t0 = now_ms();
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die_sql(db, "open");
	exec(db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000; PRAGMA foreign_keys=OFF");
	/* provinces as migrated (31): Tehran takes a sixth of the organisations */
	char prov[64][64];
	int nprov = 0;
	sqlite3_stmt *s = prep(db, "SELECT name FROM province ORDER BY name");
	while (sqlite3_step(s) == SQLITE_ROW && nprov < 64)
		snprintf(prov[nprov++], 64, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if (!nprov) {
		fprintf(stderr, "bench_advisories: no provinces\n");
		exit(1);
	}
	exec(db, "BEGIN");
	sqlite3_stmt *org = prep(db, "INSERT INTO org(id, name, sector, province, created_ms) "
				     "VALUES (?, ?, ?, ?, 1)");
	sqlite3_stmt *con = prep(db, "INSERT INTO contact(org_id, name, email, lang) "
				     "VALUES (?, 'SOC', ?, ?)");
	for (int64_t i = 1; i <= norgs; i++) {
		char name[64], mail[64];
		snprintf(name, sizeof(name), "Organisation %05" PRId64, i);
		snprintf(mail, sizeof(mail), "soc@org%" PRId64 ".example", i);
		const char *pv = uni() < 0.16 ? "Tehran" : prov[rnd() % (uint64_t)nprov];
		sqlite3_bind_int64(org, 1, i);
		sqlite3_bind_text(org, 2, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(org, 3, sectors[rnd() % NSECTORS], -1, SQLITE_STATIC);
		sqlite3_bind_text(org, 4, pv, -1, SQLITE_TRANSIENT);
		step(db, org, "org");
		sqlite3_bind_int64(con, 1, i);
		sqlite3_bind_text(con, 2, mail, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(con, 3, i % 2 ? "fa" : "en", -1, SQLITE_STATIC);
		step(db, con, "contact");
	}
	sqlite3_finalize(org);
	sqlite3_finalize(con);

	/* product assets: the canonical forms constituency_asset_canon writes */
	sqlite3_stmt *as = prep(db, "INSERT OR IGNORE INTO asset(org_id, type, value, created_ms) "
				    "VALUES (?, 'product', ?, 1)");
	int64_t added = 0, unmapped = 0;
	while (added < nassets) {
		int64_t o = 1 + (int64_t)(rnd() % (uint64_t)norgs);
		int k = pick(0);
		char v[512];
		bool text = uni() < 0.30;
		/* free text: nine in ten name a real product, one names nothing */
		if (text && uni() < 0.9)
			while (k < 0)
				k = pick(0);
		else if (text)
			k = -1;
		if (k >= 0 && text) {
			snprintf(v, sizeof(v), "%s %s", real[k].text, version_of(&real[k]));
		} else if (k >= 0) {
			char ver[64], ip1[32], ip2[32];
			/* the CPE form quotes what CPE quotes: "15.2\(4\)e7" */
			size_t w = 0;
			for (const char *c = version_of(&real[k]); *c && w + 2 < sizeof(ver); c++) {
				if (*c == '(' || *c == ')')
					ver[w++] = '\\';
				ver[w++] = *c;
			}
			ver[w] = '\0';
			ip_of(o, rnd() % 2000, ip1, sizeof(ip1));
			ip_of(o, rnd() % 2000, ip2, sizeof(ip2));
			snprintf(v, sizeof(v), "cpe:2.3:%c:%s:%s:%s:*:*:*:*:*:*:* count=%d hosts=%s,%s",
				 real[k].part, real[k].vendor, real[k].product, ver,
				 1 + (int)(rnd() % 50), ip1, ip2);
		} else {
			int f = (int)(rnd() % NFAKE);
			if (text) {
				snprintf(v, sizeof(v), "vend%03d prod%03d %d.%d", f, f, (int)(rnd() % 5),
					 (int)(rnd() % 20));
				unmapped++;
			} else {
				snprintf(v, sizeof(v),
					 "cpe:2.3:a:vend%03d:prod%03d:%d.%d:*:*:*:*:*:*:* count=%d", f, f,
					 (int)(rnd() % 5), (int)(rnd() % 20), 1 + (int)(rnd() % 50));
			}
		}
		sqlite3_bind_int64(as, 1, o);
		sqlite3_bind_text(as, 2, v, -1, SQLITE_TRANSIENT);
		step(db, as, "asset");
		added += sqlite3_changes(db);
	}
	sqlite3_finalize(as);
	exec(db, "UPDATE meta SET value = value + 1 WHERE key = 'asset_generation'");

	/* host products, in primary-key order (org, ip, port, type) */
	sqlite3_stmt *hp = prep(db, "INSERT INTO host_product(org_id, ip, port, type, vendor, "
				    "product, version, cpe, exposure, first_ms, last_ms, file_id) "
				    "VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, 1)");
	int64_t done = 0;
	for (int64_t o = 1; o <= norgs && done < nhosts; o++) {
		/* skewed: a few ISPs have thousands of hosts, most have hundreds */
		int64_t left = nhosts - done, orgs_left = norgs - o + 1;
		int64_t mean = left / orgs_left;
		int64_t n = o == norgs ? left : (int64_t)((double)mean * (0.3 + 1.4 * uni()));
		if (uni() < 0.01)
			n = mean * 8;
		if (n > left)
			n = left;
		if (n > 65535)
			n = 65535;
		for (int64_t i = 0; i < n; i++) {
			char ip[32], vend[32], prod[32], ver[32];
			const char *type = "scan_http", *expo = "";
			int port = 80;
			int k = pick(1);
			if (k >= 0) {
				snprintf(vend, sizeof(vend), "%s", real[k].vendor);
				snprintf(prod, sizeof(prod), "%s", real[k].product);
				snprintf(ver, sizeof(ver), "%s", version_of(&real[k]));
				if (k == 0) {
					type = "scan_telnet";
					port = 23;
				} else if (k == 1 && uni() < 0.17) {
					type = "scan_cisco_smart_install";
					port = 4786;
					expo = "cisco-smart-install";
				} else if (k == 5) {
					type = "scan_ssh";
					port = 22;
				}
			} else {
				int f = (int)(rnd() % NFAKE);
				snprintf(vend, sizeof(vend), "vend%03d", f);
				snprintf(prod, sizeof(prod), "prod%03d", f);
				snprintf(ver, sizeof(ver), "%d.%d", (int)(rnd() % 5), (int)(rnd() % 20));
			}
			ip_of(o, i, ip, sizeof(ip));
			int64_t t = INT64_C(1795000000000) + (int64_t)(rnd() % 2592000000u);
			sqlite3_bind_int64(hp, 1, o);
			sqlite3_bind_text(hp, 2, ip, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(hp, 3, port);
			sqlite3_bind_text(hp, 4, type, -1, SQLITE_STATIC);
			sqlite3_bind_text(hp, 5, vend, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(hp, 6, prod, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(hp, 7, ver, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(hp, 8, expo, -1, SQLITE_STATIC);
			sqlite3_bind_int64(hp, 9, t);
			sqlite3_bind_int64(hp, 10, t);
			step(db, hp, "host product");
			done++;
		}
	}
	sqlite3_finalize(hp);
	exec(db, "COMMIT");
	sqlite3_close(db);
	fprintf(stderr,
		"bench_advisories: generated %" PRId64 " organisations, %" PRId64
		" product assets (%" PRId64 " unmappable free text), %" PRId64
		" host products in %.1f s\n",
		norgs, added, unmapped, done, (now_ms() - t0) / 1e3);
}

/* ---------------------------------------------------------------- timing */

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static const char routeros[] =
	"{\"title\": {\"en\": \"MikroTik RouterOS Winbox file read\"}, \"tlp\": \"GREEN\","
	" \"cves\": [\"CVE-2018-14847\"],"
	" \"products\": [{\"cpe\": \"cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*\","
	" \"end\": \"6.42.1\", \"end_incl\": false}]}";
/* Cisco's Smart Install advisory as a vendor's CSAF gives it: one entry
** per affected IOS release (39 here, of the 259 of cisco-sa-20180328-smi2),
** each with the exposure. */
static char *smartinstall_doc(void)
{
	static const struct {
		const char *train;
		int n;
	} trains[] = { { "12.2(55)se", 12 }, { "15.0(2)se", 11 }, { "15.2(2)e", 9 },
		       { "15.2(4)e", 7 } };
	char *buf = malloc(65536);
	size_t o = (size_t)snprintf(buf, 65536,
				    "{\"title\": {\"en\": \"Cisco Smart Install remote code "
				    "execution\"}, \"tlp\": \"GREEN\", \"cves\": "
				    "[\"CVE-2018-0171\"], \"products\": [");
	for (size_t t = 0; t < sizeof(trains) / sizeof(trains[0]); t++)
		for (int i = 1; i <= trains[t].n; i++)
			o += (size_t)snprintf(buf + o, 65536 - o,
					      "%s{\"cpe\": \"cpe:2.3:o:cisco:ios:*:*:*:*:*:*:*:*\", "
					      "\"version\": \"%s%d\", \"exposure\": "
					      "\"cisco-smart-install\"}",
					      o > 200 && buf[o - 1] == '}' ? ", " : "", trains[t].train,
					      i);
	snprintf(buf + o, 65536 - o, "]}");
	return buf;
}
static const char everyone[] =
	"{\"title\": {\"en\": \"Patch RouterOS now\"}, \"tlp\": \"GREEN\","
	" \"products\": [{\"cpe\": \"cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*\","
	" \"end\": \"6.42.1\", \"end_incl\": false}],"
	" \"deadline\": \"2027-01-31T00:00:00Z\", \"audience\": {\"all\": true}}";

struct ctx {
	struct store *st;
	struct config cfg;
	const char *path;
};

/* One preview: through the stored advisory when id > 0. */
static double preview_once(struct ctx *c, const json_t *doc, int64_t id, int64_t *targets,
			   int64_t *hosts, double *cpu)
{
	json_t *out = NULL;
	struct perr e;
	double t0 = now_ms(), c0 = cpu_ms();
	int rc = id > 0 ? advisory_preview(c->st, NULL, id, &out, &e)
			: advisory_targets_compute(c->st, doc, 0, &out, &e);
	double dt = now_ms() - t0;
	*cpu = cpu_ms() - c0;
	if (rc != 0) {
		fprintf(stderr, "bench_advisories: preview: %s\n", e.msg);
		exit(1);
	}
	*targets = json_integer_value(json_object_get(out, "total"));
	*hosts = 0;
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(out, "targets"), i, t)
	{
		*hosts += json_integer_value(json_object_get(t, "hosts"));
	}
	json_decref(out);
	return dt;
}

static int nop_org(void *ud, const struct store_org *o)
{
	(void)o;
	++*(int64_t *)ud;
	return 0;
}
static int nop_asset(void *ud, const struct store_asset *a)
{
	(void)a;
	++*(int64_t *)ud;
	return 0;
}
static int nop_host(void *ud, const struct store_host_product *h)
{
	(void)h;
	++*(int64_t *)ud;
	return 0;
}

/* The store reads target.c makes for one entry (part o, plain vendor and
** product; exposure when given), with callbacks that do nothing. */
static double store_reads(struct ctx *c, const char *vendor, const char *product,
			  const char *exposure)
{
	struct perr e;
	int64_t n = 0;
	char lo[256], hi[256];
	double t0 = now_ms();
	struct store_org_filter f = { 0 };
	store_org_list(c->st, &f, nop_org, &n, NULL, &e);
	const char parts[] = "o*";
	for (const char *p = parts; *p; p++) {
		snprintf(lo, sizeof(lo), "cpe:2.3:%c:%s:%s:", *p, vendor, product);
		snprintf(hi, sizeof(hi), "cpe:2.3:%c:%s:%s;", *p, vendor, product);
		store_asset_products_list(c->st, lo, hi, nop_asset, &n, &e);
	}
	store_host_product_evidence_list(c->st, vendor, product, NULL, nop_host, &n, &e);
	if (exposure)
		store_host_product_evidence_list(c->st, NULL, NULL, exposure, nop_host, &n, &e);
	store_asset_products_list(c->st, NULL, "cpe:2.3:", nop_asset, &n, &e);
	store_asset_products_list(c->st, "cpe:2.3;", NULL, nop_asset, &n, &e);
	return now_ms() - t0;
}

static int64_t create(struct ctx *c, const char *text, char *why, size_t whyn)
{
	json_t *doc = json_loads(text, 0, NULL);
	struct perr e;
	int64_t id = 0;
	if (store_begin(c->st, &e) != 0)
		goto fail;
	if (advisory_create(c->st, &c->cfg, NULL, "bench", doc, &id, &e) != 0) {
		store_rollback(c->st);
		goto fail;
	}
	if (store_commit(c->st, &e) != 0)
		goto fail;
	json_decref(doc);
	return id;
fail:
	snprintf(why, whyn, "%s", e.msg);
	json_decref(doc);
	return 0;
}

static void bench_preview(struct ctx *c, const char *name, const char *text, int repeat,
			  double *warm_out)
{
	char why[256] = "";
	json_t *doc = json_loads(text, 0, NULL);
	/* reopen: the first preview meets an empty SQLite cache */
	struct perr e;
	store_close(c->st);
	if (store_open(c->path, &c->st, &e) != 0) {
		fprintf(stderr, "bench_advisories: reopen: %s\n", e.msg);
		exit(1);
	}
	int64_t id = create(c, text, why, sizeof(why));
	if (!id)
		fprintf(stderr,
			"bench_advisories: advisory_create: %s — timing advisory_targets_compute "
			"of the document instead\n",
			why);
	int64_t targets, hosts;
	double cold_cpu;
	double cold = preview_once(c, doc, id, &targets, &hosts, &cold_cpu);
	double *runs = calloc((size_t)repeat, sizeof(double));
	double *cpus = calloc((size_t)repeat, sizeof(double));
	for (int i = 0; i < repeat; i++)
		runs[i] = preview_once(c, doc, id, &targets, &hosts, &cpus[i]);
	qsort(runs, (size_t)repeat, sizeof(double), cmp_d);
	qsort(cpus, (size_t)repeat, sizeof(double), cmp_d);
	double warm = runs[repeat / 2];
	printf("bench advisories_%s_targets: %" PRId64 " organisations\n", name, targets);
	printf("bench advisories_%s_hosts: %" PRId64 " hosts\n", name, hosts);
	printf("bench advisories_%s_preview_first: %.1f ms (%.1f ms CPU)\n", name, cold, cold_cpu);
	printf("bench advisories_%s_preview: %.1f ms (%.1f ms CPU; median of %d, %s)\n", name,
	       warm, cpus[repeat / 2], repeat, id ? "advisory_preview" : "advisory_targets_compute");
	free(cpus);
	printf("bench advisories_%s_preview_first: %.2f x goal_200ms\n", name, 200.0 / cold);
	printf("bench advisories_%s_preview: %.2f x goal_200ms\n", name, 200.0 / warm);
	*warm_out = warm;
	free(runs);
	json_decref(doc);
}

int main(int argc, char **argv)
{
	const char *dir = NULL;
	bool keep = false;
	int64_t norgs = 10000, nassets = 100000, nhosts = 5000000;
	int repeat = 10;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--keep") == 0)
			keep = true;
		else if (strcmp(argv[i], "--orgs") == 0 && i + 1 < argc)
			norgs = strtoll(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--assets") == 0 && i + 1 < argc)
			nassets = strtoll(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--hosts") == 0 && i + 1 < argc)
			nhosts = strtoll(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
			repeat = (int)strtol(argv[++i], NULL, 10);
		else {
			fprintf(stderr, "usage: bench_advisories [--dir DIR] [--keep] [--orgs N] "
					"[--assets N] [--hosts N] [--repeat N]\n");
			return 2;
		}
	}
	if (norgs < 1 || nassets < 0 || nhosts < 0 || repeat < 1 || norgs > 16000000) {
		fprintf(stderr, "bench_advisories: bad sizes\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* each figure as soon as it is known */
	core_malloc_tune();                /* as parapet serve does */
	bench_machine("advisories");
	char tmp[256];
	if (!dir) {
		snprintf(tmp, sizeof(tmp), "%s/parapet-bench-advisories.XXXXXX",
			 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (!mkdtemp(tmp)) {
			perror("mkdtemp");
			return 1;
		}
		dir = tmp;
	} else {
		mkdir(dir, 0700);
	}
	struct ctx c = { 0 };
	char path[512];
	snprintf(path, sizeof(path), "%s/parapet.db", dir);
	c.path = path;
	config_defaults(&c.cfg);
	struct perr e;
	struct stat sb;
	bool fresh = stat(path, &sb) != 0;
	if (store_create(path, &c.st, &e) != 0 || store_migrate(c.st, NULL, &e) != 0 ||
	    constituency_provinces_load(c.st, NULL, &e) != 0) {
		fprintf(stderr, "bench_advisories: %s\n", e.msg);
		return 1;
	}
	if (fresh) {
		store_close(c.st);
		generate(path, norgs, nassets, nhosts);
		if (store_open(path, &c.st, &e) != 0) {
			fprintf(stderr, "bench_advisories: %s\n", e.msg);
			return 1;
		}
	} else {
		fprintf(stderr, "bench_advisories: using the database in %s\n", dir);
	}
	printf("bench advisories_size: %" PRId64 " organisations, %" PRId64 " product assets, "
	       "%" PRId64 " host products\n",
	       norgs, nassets, nhosts);

	double warm_ros, warm_smi;
	bench_preview(&c, "routeros", routeros, repeat, &warm_ros);
	char *smartinstall = smartinstall_doc();
	bench_preview(&c, "smartinstall", smartinstall, repeat, &warm_smi);
	free(smartinstall);

	/* the store's share: its reads alone, median of as many runs */
	double *runs = calloc((size_t)repeat, sizeof(double));
	for (int i = 0; i < repeat; i++)
		runs[i] = store_reads(&c, "mikrotik", "routeros", NULL);
	qsort(runs, (size_t)repeat, sizeof(double), cmp_d);
	double sr = runs[repeat / 2];
	for (int i = 0; i < repeat; i++)
		runs[i] = store_reads(&c, "cisco", "ios", "cisco-smart-install");
	qsort(runs, (size_t)repeat, sizeof(double), cmp_d);
	double ss = runs[repeat / 2];
	free(runs);
	printf("bench advisories_routeros_store: %.1f ms (%.0f%% of the preview)\n", sr,
	       100.0 * sr / warm_ros);
	printf("bench advisories_smartinstall_store: %.1f ms (%.0f%% of the preview)\n", ss,
	       100.0 * ss / warm_smi);

	/* publishing to every organisation */
	char why[256] = "";
	int64_t id = create(&c, everyone, why, sizeof(why));
	struct advisory_publish_result res = { 0 };
	double t0 = now_ms();
	int rc = -1;
	if (id && store_begin(c.st, &e) == 0) {
		rc = advisory_publish(c.st, &c.cfg, NULL, "bench", id, core_now_ms(), &res, &e);
		if (rc == 0)
			rc = store_commit(c.st, &e);
		else
			store_rollback(c.st);
		if (rc != 0)
			snprintf(why, sizeof(why), "%s", e.msg);
	}
	double pub = now_ms() - t0;
	if (rc == 0) {
		printf("bench advisories_publish: %.1f ms (%" PRId64 " targets, %" PRId64
		       " outbox rows committed)\n",
		       pub, res.targets, res.mails);
		printf("bench advisories_publish: %.2f x goal_2s\n", 2000.0 / pub);
	} else {
		printf("bench advisories_publish: not built yet (%s)\n", why);
	}
	store_close(c.st);
	if (!keep && dir == tmp) {
		const char *sfx[] = { "", "-wal", "-shm" };
		for (int i = 0; i < 3; i++) {
			char p[600];
			snprintf(p, sizeof(p), "%s%s", path, sfx[i]);
			unlink(p);
		}
		rmdir(dir);
	} else {
		fprintf(stderr, "bench_advisories: database kept in %s\n", dir);
	}
	constituency_index_shutdown();
	return 0;
}
