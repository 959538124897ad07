/*
** bench/reports.c — throughput and memory of the report-feed reader
** (src/feeds/): a Shadowserver scan_telnet CSV read in 1 MiB chunks, parsed,
** normalised to IntelMQ harmonisation fields, each event's owner looked up
** in a registry of 100,000 prefixes held by 100 organisations, and each
** event deduplicated on (owner, identifier, IP, port) in a 24-hour window;
** one thread, no database writes (the writer thread of a real import is
** not part of what is measured).
**
** The registry is made once, in a fresh data directory (migrated store,
** provinces, 100 organisations, 100,000 IPv4 cidr assets that do not
** overlap: a /22 block each, holding a /22 ... /30 at its start). It is
** also written as DIR/registry.csv ("prefix,org") for bench/reports_peer.py.
**
** For each row count N a file DIR/2026-11-27-scan_telnet-ir-geo-N.csv is
** generated (not timed) with Shadowserver's column order, rows in time
** order over one day, from a population of at most 2,000,000 hosts
** (ip:port): ~90% inside a registered prefix, the rest in unregistered
** space; banners of several kinds (MikroTik ones with versions, multi-line
** ones, quoted quotes), tags, ASNs, host names, sectors with commas; one
** row in 20,000 has a bad address and is rejected. With N <= hosts every
** row is a distinct host (a daily report); with N = 10,000,000 every host
** appears 5 times, so the dedup state stays that of 2,000,000 keys while
** the file grows tenfold.
**
** Each timed run is a fresh process (this program re-executed), so its
** peak RSS (getrusage of the child) is that of a process doing only that:
** open the store, pin the owner index, then read the file. Two modes:
**   parse  parse + normalise only (the event callback counts)
**   full   parse + normalise + owner lookup + dedup
** Each mode runs the file REPEAT times in its process (fresh parser and
** dedup each time) and reports the best and the median pass; the machine
** may be shared, so the best pass is the figure and the median says how
** noisy it was. The file is read from the page cache (it was just
** written): this measures the CPU work, not the disk.
**
** usage: bench_reports [--dir DIR] [--keep] [--hosts H] [--repeat R] [ROWS...]
**   ROWS default: 1000000 10000000.  --dir: where the store and the files go
**   (default: a new temporary directory, removed at the end); --keep: leave
**   the files and the store there (bench/reports.sh passes it so the Python
**   reference reads the same file); --repeat: passes per mode (default 3
**   for N <= 2,000,000, else 1).
** Prints "bench NAME: VALUE UNIT" lines on stdout, progress on stderr.
*/
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 /* mkdtemp, wait4 under -std=c17 */
#endif

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "constituency/constituency.h"
#include "feeds/feeds.h"
#include "store/store.h"

#define NORG 100
#define NPFX 100000
#define UNIVERSE_BITS 17 /* /22 blocks the prefixes are spread over */
#define DEFAULT_HOSTS 2000000
#define CHUNK ((size_t)1 << 20)
#define GOAL_RATE 1e6
#define DEDUP_WINDOW_MS 86400000LL
#define DEDUP_MAX_KEYS 4000000
/* 2026-11-27T00:00:00Z */
#define DAY0_S INT64_C(1795737600)

/* ------------------------------------------------------------ utilities */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t mix64(uint64_t z)
{
	z += UINT64_C(0x9e3779b97f4a7c15);
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static int parse_count(const char *s, size_t *out)
{
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end != '\0' || v == 0 || s[0] == '-' || v > 1000000000ULL)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* "1m" for 1000000, "10m", "200k", else the number: names the bench lines. */
static void label_of(size_t n, char *out, size_t outsz)
{
	if (n % 1000000 == 0)
		snprintf(out, outsz, "%zum", n / 1000000);
	else if (n % 1000 == 0)
		snprintf(out, outsz, "%zuk", n / 1000);
	else
		snprintf(out, outsz, "%zu", n);
}

/* ------------------------------------------------------------- registry */

static const unsigned first_octets[8] = { 2, 5, 31, 37, 46, 78, 85, 91 };

static uint32_t block_addr(uint32_t b)
{
	return (uint32_t)first_octets[b >> 14] << 24 | (b & 0x3fffu) << 10;
}

static uint32_t pfx_block(uint32_t k)
{
	return (uint32_t)(((uint64_t)k * 40503u + 12345u) & ((1u << UNIVERSE_BITS) - 1));
}

static unsigned pfx_len(uint32_t k)
{
	unsigned r = (unsigned)(mix64(k ^ 0xabcdefULL) % 100);
	if (r < 10)
		return 22;
	if (r < 25)
		return 23;
	if (r < 80)
		return 24;
	if (r < 88)
		return 26;
	if (r < 94)
		return 28;
	if (r < 98)
		return 29;
	return 30;
}

static unsigned pfx_org(uint32_t k) /* 0..NORG-1 */
{
	return (unsigned)((mix64((uint64_t)k * 7 + 3) >> 8) % NORG);
}

static void fmt_ip(uint32_t a, char *out)
{
	sprintf(out, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

static const char *const sectors[] = {
	"Government",
	"Water and Wastewater Systems",
	"Energy",
	"Communications, Service Provider, and Hosting Service",
	"Financial Services",
	"Healthcare and Public Health",
	"Transportation Systems",
	"Education",
};
static const unsigned naics[] = { 921130, 221310, 221122, 517311, 522110, 622110, 488119, 611310 };

static const char *const regions[][2] = {
	{ "TEHRAN", "TEHRAN" },         { "ESFAHAN", "ISFAHAN" },
	{ "KHORASAN-E RAZAVI", "MASHHAD" }, { "FARS", "SHIRAZ" },
	{ "AZARBAYJAN-E SHARQI", "TABRIZ" }, { "KHUZESTAN", "AHVAZ" },
	{ "ALBORZ", "KARAJ" },          { "QOM", "QOM" },
};

/* Store, provinces, organisations, assets; registry.csv beside. */
static int make_registry(const char *dir, const char *db)
{
	struct perr e;
	struct store *st = NULL;
	double t0 = now_s();
	if (store_create(db, &st, &e) != 0 || store_migrate(st, NULL, &e) != 0 ||
	    constituency_provinces_load(st, NULL, &e) != 0) {
		fprintf(stderr, "bench_reports: store: %s\n", e.msg);
		store_close(st);
		return -1;
	}
	char path[4200];
	snprintf(path, sizeof(path), "%s/registry.csv", dir);
	FILE *rf = fopen(path, "w");
	if (!rf) {
		fprintf(stderr, "bench_reports: %s: %s\n", path, strerror(errno));
		store_close(st);
		return -1;
	}
	int64_t org_id[NORG];
	if (store_begin(st, &e) != 0)
		goto fail;
	for (unsigned i = 0; i < NORG; i++) {
		struct store_org o = { 0 };
		snprintf(o.name, sizeof(o.name), "Bench organisation %03u", i + 1);
		snprintf(o.sector, sizeof(o.sector), "%s", i % 3 ? "government" : "energy");
		snprintf(o.province, sizeof(o.province), "Tehran");
		o.created_ms = DAY0_S * 1000;
		if (store_org_insert(st, &o, &e) != 0)
			goto fail;
		org_id[i] = o.id;
	}
	fprintf(rf, "prefix,org\n");
	for (uint32_t k = 0; k < NPFX; k++) {
		struct store_asset a = { 0 };
		char ip[16];
		fmt_ip(block_addr(pfx_block(k)), ip);
		a.org_id = org_id[pfx_org(k)];
		snprintf(a.type, sizeof(a.type), "cidr");
		snprintf(a.value, sizeof(a.value), "%s/%u", ip, pfx_len(k));
		a.created_ms = DAY0_S * 1000;
		if (store_asset_insert(st, &a, &e) != 0)
			goto fail;
		fprintf(rf, "%s,%" PRId64 "\n", a.value, a.org_id);
	}
	if (store_commit(st, &e) != 0)
		goto fail;
	constituency_changed();
	if (fclose(rf) != 0) {
		fprintf(stderr, "bench_reports: %s: write failed\n", path);
		store_close(st);
		return -1;
	}
	store_close(st);
	printf("bench reports_registry: %d organisations, %d prefixes\n", NORG, NPFX);
	fprintf(stderr, "bench_reports: registry made in %.2f s\n", now_s() - t0);
	return 0;
fail:
	fprintf(stderr, "bench_reports: registry: %s\n", e.msg);
	store_rollback(st);
	fclose(rf);
	store_close(st);
	return -1;
}

/* ------------------------------------------------------------ generator */

struct wbuf {
	int fd;
	char *p;
	size_t n;
	int err;
};

static void wflush(struct wbuf *w)
{
	size_t off = 0;
	while (off < w->n && !w->err) {
		ssize_t k = write(w->fd, w->p + off, w->n - off);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			w->err = errno;
			break;
		}
		off += (size_t)k;
	}
	w->n = 0;
}

static inline void wmem(struct wbuf *w, const char *s, size_t n)
{
	memcpy(w->p + w->n, s, n);
	w->n += n;
}

#define WLIT(w, s) wmem((w), (s), sizeof(s) - 1)

static inline void wstr(struct wbuf *w, const char *s)
{
	wmem(w, s, strlen(s));
}

static inline void wuint(struct wbuf *w, uint64_t v)
{
	char t[24];
	int i = 24;
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	wmem(w, t + i, (size_t)(24 - i));
}

static inline void w2(struct wbuf *w, unsigned v)
{
	w->p[w->n++] = (char)('0' + v / 10);
	w->p[w->n++] = (char)('0' + v % 10);
}

static inline void wip(struct wbuf *w, uint32_t a)
{
	wuint(w, a >> 24);
	w->p[w->n++] = '.';
	wuint(w, (a >> 16) & 255);
	w->p[w->n++] = '.';
	wuint(w, (a >> 8) & 255);
	w->p[w->n++] = '.';
	wuint(w, a & 255);
}

/* The banners Shadowserver shows, CSV-quoted as they appear in the file
** (its "\r\n" are the two characters backslash-r backslash-n). */
static const char *const banners[] = {
	"\"\\r\\n\\r\\nUser Access Verification\\r\\n\\r\\nUsername: \"",
	"\"\\r\\n(none) login: \"",
	"\"\\r\\nlogin: \"",
	"\"Debian GNU/Linux 9\\r\\nfw-edge login: \"",
	"\"\\xff\\xfb\\x01\\xff\\xfb\\x03\\r\\nBusyBox v1.22.1 (2019-03-11) built-in shell\\r\\nlogin: \"",
	"\"Welcome to \"\"Sepehr\"\" pumping station gateway, authorised users only\nlogin: \"",
	"\"\\r\\nHuawei Versatile Routing Platform\\r\\nUsername:\"",
	"\"ZXHN H108N\\r\\nLogin: \"",
};
#define NBANNER (sizeof(banners) / sizeof(banners[0]))

struct gen {
	size_t rows, hosts;
	uint64_t perm_a; /* prime > hosts: i -> (i*a + b) mod hosts is a permutation */
};

static void gen_row(struct wbuf *w, const struct gen *g, size_t i)
{
	uint64_t h = ((uint64_t)(i % g->hosts) * g->perm_a + 7919) % g->hosts;
	uint64_t r = mix64(h ^ UINT64_C(0x5eed1e55));
	uint64_t r2 = mix64(r);
	/* address: ~90% in a registered prefix, the rest in the unused last
	** /24 of some /22 block (registered only where the prefix is a /22) */
	uint32_t addr;
	unsigned org;
	if (r % 100 < 90) {
		uint32_t k = (uint32_t)((r >> 8) % NPFX);
		uint32_t size = 1u << (32 - pfx_len(k));
		addr = block_addr(pfx_block(k)) + (uint32_t)((r >> 32) % size);
		org = pfx_org(k);
	} else {
		uint32_t b = (uint32_t)((r >> 8) & ((1u << UNIVERSE_BITS) - 1));
		addr = block_addr(b) + 768 + (uint32_t)((r >> 40) & 255);
		org = (unsigned)((r >> 16) % NORG);
	}
	unsigned pr = (unsigned)((r >> 20) % 100);
	unsigned port = pr < 88 ? 23 : pr < 97 ? 2323 : 1024 + (unsigned)((r >> 24) % 64000);
	int64_t sec = (int64_t)((uint64_t)i * 86400 / g->rows);
	unsigned sector = org % 8, reg = (unsigned)(r2 % 8);
	unsigned bsel = (unsigned)((r2 >> 8) % 100);
	bool mikrotik = bsel < 22;

	/* timestamp,severity,ip,protocol,port,hostname,tag,asn,geo,region,city,naics,hostname_source,sector,banner */
	WLIT(w, "2026-11-27 ");
	w2(w, (unsigned)(sec / 3600));
	w->p[w->n++] = ':';
	w2(w, (unsigned)(sec / 60 % 60));
	w->p[w->n++] = ':';
	w2(w, (unsigned)(sec % 60));
	WLIT(w, ",medium,");
	if (mix64(i ^ 0xbadULL) % 20000 == 0) {
		wuint(w, 256 + (addr >> 24)); /* not an address: the row is rejected */
		w->p[w->n++] = '.';
		wuint(w, (addr >> 16) & 255);
		WLIT(w, ".300.1");
	} else {
		wip(w, addr);
	}
	WLIT(w, ",tcp,");
	wuint(w, port);
	w->p[w->n++] = ',';
	unsigned hn = (unsigned)((r2 >> 16) % 10);
	if (hn < 4) {
		/* none */
	} else if (hn < 8) {
		WLIT(w, "dsl-");
		wuint(w, addr >> 24);
		w->p[w->n++] = '-';
		wuint(w, (addr >> 16) & 255);
		w->p[w->n++] = '-';
		wuint(w, (addr >> 8) & 255);
		w->p[w->n++] = '-';
		wuint(w, addr & 255);
		WLIT(w, ".pishgaman.example");
	} else {
		WLIT(w, "gw");
		wuint(w, (r2 >> 24) % 64);
		WLIT(w, ".org");
		wuint(w, org + 1);
		WLIT(w, ".example");
	}
	w->p[w->n++] = ',';
	if (mikrotik)
		WLIT(w, "telnet;mikrotik");
	else
		WLIT(w, "telnet");
	w->p[w->n++] = ',';
	wuint(w, 58000 + org * 7);
	WLIT(w, ",IR,");
	wstr(w, regions[reg][0]);
	w->p[w->n++] = ',';
	wstr(w, regions[reg][1]);
	w->p[w->n++] = ',';
	if ((r2 >> 32) % 10 == 0)
		w->p[w->n++] = '0';
	else
		wuint(w, naics[sector]);
	w->p[w->n++] = ',';
	if (hn >= 4)
		WLIT(w, "ptr");
	w->p[w->n++] = ',';
	if (sector == 3) {
		w->p[w->n++] = '"';
		wstr(w, sectors[sector]);
		w->p[w->n++] = '"';
	} else {
		wstr(w, sectors[sector]);
	}
	w->p[w->n++] = ',';
	if (mikrotik) {
		WLIT(w, "\"MikroTik v6.");
		wuint(w, 30 + (r2 >> 40) % 20);
		w->p[w->n++] = '.';
		wuint(w, (r2 >> 48) % 10);
		if ((r2 >> 56) % 2)
			WLIT(w, " (stable)\\r\\nLogin: \"");
		else
			WLIT(w, " (bugfix)\\r\\nLogin: \"");
	} else {
		/* the multi-line one (index 5) is rare: 1 in 1000 */
		unsigned b = (unsigned)((r2 >> 40) % 1000);
		b = b == 0 ? 5 : b % NBANNER == 5 ? 2 : (unsigned)(b % NBANNER);
		wstr(w, banners[b]);
	}
	w->p[w->n++] = '\n';
}

static int generate(const char *path, size_t rows, size_t hosts, double *secs, uint64_t *bytes)
{
	double t0 = now_s();
	struct gen g = { rows, hosts < rows ? hosts : rows, 2147483647u };
	if (g.hosts >= g.perm_a)
		g.perm_a = UINT64_C(1000000000039); /* prime above any allowed count */
	struct wbuf w = { open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), malloc(CHUNK + 4096), 0, 0 };
	if (w.fd < 0 || !w.p) {
		fprintf(stderr, "bench_reports: %s: %s\n", path, strerror(errno));
		if (w.fd >= 0)
			close(w.fd);
		free(w.p);
		return -1;
	}
	WLIT(&w, "timestamp,severity,ip,protocol,port,hostname,tag,asn,geo,region,city,naics,"
		 "hostname_source,sector,banner\n");
	uint64_t total = 0;
	for (size_t i = 0; i < rows; i++) {
		gen_row(&w, &g, i);
		if (w.n >= CHUNK) {
			total += w.n;
			wflush(&w);
		}
	}
	total += w.n;
	wflush(&w);
	int err = w.err;
	if (close(w.fd) != 0 && !err)
		err = errno;
	free(w.p);
	if (err) {
		fprintf(stderr, "bench_reports: %s: %s\n", path, strerror(err));
		return -1;
	}
	*secs = now_s() - t0;
	*bytes = total;
	return 0;
}

/* ------------------------------------------------------------- timed run */

/* What the batch mode keeps of an event until its batch is looked up: the
** items feeds_resolve() takes, as src/feeds/pipeline.c builds them. */
#define BATCH 256
struct pending {
	char ident[48];
};

struct run {
	struct feeds_owners *owners; /* NULL: parse only */
	struct feeds_dedup *dedup;
	bool batch;
	int64_t events, owned, dups, rejects;
	uint64_t sink;
	struct pending pend[BATCH];
	struct feeds_item item[BATCH];
	size_t npend;
};

/* Batch mode: feeds_resolve() over the batch, the import's own call. */
static void flush_batch(struct run *r)
{
	feeds_resolve(r->owners, r->dedup, r->item, r->npend);
	for (size_t j = 0; j < r->npend; j++) {
		r->owned += r->item[j].org != 0;
		r->dups += r->item[j].dup;
	}
	r->npend = 0;
}

static int on_event(void *ud, const struct feeds_event *ev)
{
	struct run *r = ud;
	r->events++;
	if (!r->owners) {
		r->sink += (uint64_t)ev->time_ms + (uint64_t)ev->port + ev->ip[3];
		return 0;
	}
	if (r->batch) {
		struct pending *q = &r->pend[r->npend];
		struct feeds_item *x = &r->item[r->npend++];
		x->family = ev->family;
		memcpy(x->ip, ev->ip, sizeof(x->ip));
		x->port = ev->port;
		x->asn = ev->asn;
		x->fqdn = x->url = NULL; /* scan_telnet has neither */
		x->t_ms = ev->time_ms;
		size_t il = strlen(ev->identifier);
		if (il >= sizeof(q->ident))
			il = sizeof(q->ident) - 1;
		memcpy(q->ident, ev->identifier, il);
		q->ident[il] = '\0';
		x->identifier = q->ident;
		if (r->npend == BATCH)
			flush_batch(r);
		return 0;
	}
	int64_t org = feeds_owner_of(r->owners, ev);
	if (org)
		r->owned++;
	if (feeds_dedup_seen(r->dedup, org, ev->identifier, ev->family, ev->ip, ev->port,
			     ev->time_ms))
		r->dups++;
	return 0;
}

static void on_reject(void *ud, size_t line, const char *reason)
{
	struct run *r = ud;
	if (r->rejects++ == 0)
		fprintf(stderr, "bench_reports: first reject: line %zu: %s\n", line, reason);
}

static long vm_hwm_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &v) == 1)
			break;
	fclose(f);
	return v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Child: bench_reports --run MODE FILE DB REPEAT LABEL
** MODE: parse (parse + normalise), full (+ owner + dedup per event), batch
** (+ owner + dedup per 256 events, as src/feeds/pipeline.c does). */
static int child_run(const char *mode, const char *file, const char *db, size_t repeat,
		     const char *label)
{
	bool full = strcmp(mode, "full") == 0, batch = strcmp(mode, "batch") == 0;
	struct perr e;
	struct store *st = NULL;
	struct feeds_schema *schema = NULL;
	struct feeds_owners *owners = NULL;
	double t0 = now_s();
	if (store_open(db, &st, &e) != 0 || feeds_schema_builtin(&schema, &e) != 0) {
		fprintf(stderr, "bench_reports: %s\n", e.msg);
		return 1;
	}
	const struct feeds_type *type = feeds_schema_find(schema, "scan_telnet");
	if (!type) {
		fprintf(stderr, "bench_reports: no scan_telnet in the built-in schema\n");
		return 1;
	}
	if ((full || batch) && !(owners = feeds_owners_open(st, &e))) {
		fprintf(stderr, "bench_reports: owner index: %s\n", e.msg);
		return 1;
	}
	double t_setup = now_s() - t0;
	long hwm_setup = vm_hwm_kb();
	char *buf = malloc(CHUNK);
	double *secs = calloc(repeat, sizeof(*secs)), *cpus = calloc(repeat, sizeof(*cpus));
	struct run *r = calloc(1, sizeof(*r));
	if (!buf || !secs || !cpus || !r)
		return 1;
	struct feeds_counts c = { 0 };
	uint64_t bytes = 0, sink = 0;
	size_t dedup_mem = 0, dedup_keys = 0;
	for (size_t pass = 0; pass < repeat; pass++) {
		memset(r, 0, sizeof(*r));
		r->owners = owners;
		r->batch = batch;
		if (owners && !(r->dedup = feeds_dedup_new(DEDUP_WINDOW_MS, DEDUP_MAX_KEYS)))
			return 1;
		if (r->dedup) {
			/* sized from the file, as the import does */
			struct stat sb;
			if (stat(file, &sb) == 0)
				feeds_dedup_expect(r->dedup, (int64_t)sb.st_size);
		}
		struct feeds_parser *p = feeds_parser_new(type, NULL, on_event, on_reject, r);
		int fd = open(file, O_RDONLY);
		if (!p || fd < 0) {
			fprintf(stderr, "bench_reports: %s: %s\n", file, strerror(errno));
			return 1;
		}
		bytes = 0;
		double a = now_s(), ca = cpu_s();
		for (;;) {
			ssize_t k = read(fd, buf, CHUNK);
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0) {
				fprintf(stderr, "bench_reports: read: %s\n", strerror(errno));
				return 1;
			}
			if (k == 0)
				break;
			bytes += (uint64_t)k;
			if (feeds_parser_feed(p, buf, (size_t)k) != 0) {
				fprintf(stderr, "bench_reports: parser: %s\n", feeds_parser_error(p));
				return 1;
			}
		}
		if (feeds_parser_finish(p) != 0) {
			fprintf(stderr, "bench_reports: parser: %s\n", feeds_parser_error(p));
			return 1;
		}
		if (batch)
			flush_batch(r);
		secs[pass] = now_s() - a;
		cpus[pass] = cpu_s() - ca;
		close(fd);
		feeds_parser_counts(p, &c);
		feeds_parser_free(p);
		sink += r->sink;
		if (r->dedup) {
			dedup_mem = feeds_dedup_memory(r->dedup);
			dedup_keys = feeds_dedup_size(r->dedup);
			feeds_dedup_free(r->dedup);
			r->dedup = NULL;
		}
		fprintf(stderr, "bench_reports: %s %s pass %zu: %.3f s wall, %.3f s cpu\n", label,
			mode, pass + 1, secs[pass], cpus[pass]);
	}
	qsort(secs, repeat, sizeof(*secs), cmp_double);
	qsort(cpus, repeat, sizeof(*cpus), cmp_double);
	double best = secs[0], median = secs[repeat / 2], cbest = cpus[0];
	double rate = (double)c.parsed / best, crate = (double)c.parsed / cbest;
	const char *m = full ? "" : batch ? "_batched" : "_parse_only";
	printf("bench reports_%s%s_rate: %.0f events/s (wall, best of %zu; median %.0f)\n", label,
	       m, rate, repeat, (double)c.parsed / median);
	printf("bench reports_%s%s_rate_cpu: %.0f events/s (per CPU-second, best of %zu)\n", label,
	       m, crate, repeat);
	printf("bench reports_%s%s_throughput: %.1f MB/s\n", label, m, (double)bytes / best / 1e6);
	if (full) {
		printf("bench reports_%s_rows: %" PRId64 " rows (%.1f MB)\n", label, c.rows,
		       (double)bytes / 1e6);
		printf("bench reports_%s_events: %" PRId64 " events\n", label, c.parsed);
		printf("bench reports_%s_rejected: %" PRId64 " rows\n", label, c.rejected);
		printf("bench reports_%s_owned: %" PRId64 " events (%.1f%%)\n", label, r->owned,
		       c.parsed ? 100.0 * (double)r->owned / (double)c.parsed : 0.0);
		printf("bench reports_%s_duplicates: %" PRId64 " events\n", label, r->dups);
		printf("bench reports_%s_dedup_keys: %zu keys\n", label, dedup_keys);
		printf("bench reports_%s_dedup_memory: %.1f MB\n", label, (double)dedup_mem / 1e6);
		printf("bench reports_%s_setup: %.3f s (store open + owner index of %d prefixes)\n",
		       label, t_setup, NPFX);
		printf("bench reports_%s_rss_before_file: %.1f MB\n", label, (double)hwm_setup / 1e3);
		printf("bench reports_%s: %.2f x goal_1M_events_per_s (wall)\n", label,
		       rate / GOAL_RATE);
		printf("bench reports_%s: %.2f x goal_1M_events_per_s (cpu time)\n", label,
		       crate / GOAL_RATE);
	}
	if (batch) {
		printf("bench reports_%s_batched: %" PRId64 " owned, %" PRId64 " duplicates\n", label,
		       r->owned, r->dups);
		/* the product's own way (pipeline.c resolves 256 events at a time) */
		printf("bench reports_%s_batched: %.2f x goal_1M_events_per_s (wall)\n", label,
		       rate / GOAL_RATE);
		printf("bench reports_%s_batched: %.2f x goal_1M_events_per_s (cpu time)\n", label,
		       crate / GOAL_RATE);
	}
	fflush(stdout);
	fprintf(stderr, "(checksum %" PRIu64 ")\n", sink);
	free(buf);
	free(secs);
	free(cpus);
	free(r);
	feeds_owners_close(owners);
	feeds_schema_free(schema);
	store_close(st);
	return 0;
}

/* Parent: run one mode in a fresh process; its peak RSS in *rss_kb. */
static int spawn_run(const char *self, const char *mode, const char *file, const char *db,
		     size_t repeat, const char *label, long *rss_kb)
{
	char rep[32];
	snprintf(rep, sizeof(rep), "%zu", repeat);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		perror("bench_reports: fork");
		return -1;
	}
	if (pid == 0) {
		execl(self, self, "--run", mode, file, db, rep, label, (char *)NULL);
		perror("bench_reports: exec");
		_exit(127);
	}
	int status;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("bench_reports: wait4");
			return -1;
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_reports: %s run failed\n", mode);
		return -1;
	}
	*rss_kb = ru.ru_maxrss;
	return 0;
}

static int rm_dir(const char *dir)
{
	char cmd[4300];
	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	return system(cmd);
}

int main(int argc, char **argv)
{
	if (argc == 7 && strcmp(argv[1], "--run") == 0) {
		size_t rep;
		if (parse_count(argv[5], &rep) != 0)
			return 2;
		return child_run(argv[2], argv[3], argv[4], rep, argv[6]);
	}

	const char *dir_arg = NULL;
	bool keep = false, batch_mode = true;
	size_t hosts = DEFAULT_HOSTS, repeat_arg = 0;
	size_t rows[16], nrows = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
			dir_arg = argv[++i];
		} else if (strcmp(argv[i], "--keep") == 0) {
			keep = true;
		} else if (strcmp(argv[i], "--no-batch") == 0) {
			batch_mode = false;
		} else if (strcmp(argv[i], "--hosts") == 0 && i + 1 < argc) {
			if (parse_count(argv[++i], &hosts) != 0)
				goto usage;
		} else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
			if (parse_count(argv[++i], &repeat_arg) != 0)
				goto usage;
		} else if (nrows < 16 && parse_count(argv[i], &rows[nrows]) == 0) {
			nrows++;
		} else {
			goto usage;
		}
	}
	if (nrows == 0) {
		rows[nrows++] = 1000000;
		rows[nrows++] = 10000000;
	}

	char self[4096];
	ssize_t sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (sl <= 0) {
		perror("bench_reports: /proc/self/exe");
		return 1;
	}
	self[sl] = '\0';

	char dir[4096];
	bool made_dir = false;
	if (dir_arg) {
		snprintf(dir, sizeof(dir), "%s", dir_arg);
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			fprintf(stderr, "bench_reports: %s: %s\n", dir, strerror(errno));
			return 1;
		}
	} else {
		const char *tmp = getenv("TMPDIR");
		snprintf(dir, sizeof(dir), "%s/parapet-bench-reports.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(dir)) {
			fprintf(stderr, "bench_reports: mkdtemp: %s\n", strerror(errno));
			return 1;
		}
		made_dir = true;
	}
	char db[4200];
	snprintf(db, sizeof(db), "%s/parapet.db", dir);
	unlink(db);

	int rc = 1;
	long first_rss = -1;
	char first_label[32] = "";
	if (make_registry(dir, db) != 0)
		goto out;
	for (size_t i = 0; i < nrows; i++) {
		size_t n = rows[i];
		char label[32], file[4300];
		label_of(n, label, sizeof(label));
		snprintf(file, sizeof(file), "%s/2026-11-27-scan_telnet-ir-geo-%zu.csv", dir, n);
		double gs;
		uint64_t gb;
		fprintf(stderr, "bench_reports: generating %zu rows ...\n", n);
		if (generate(file, n, hosts, &gs, &gb) != 0)
			goto out;
		fprintf(stderr, "bench_reports: %s: %.1f MB in %.2f s\n", file, (double)gb / 1e6, gs);
		size_t repeat = repeat_arg ? repeat_arg : n <= 2000000 ? 3 : 1;
		long rss_parse = 0, rss_full = 0, rss_batch = 0;
		if (spawn_run(self, "parse", file, db, repeat, label, &rss_parse) != 0 ||
		    spawn_run(self, "full", file, db, repeat, label, &rss_full) != 0 ||
		    (batch_mode && spawn_run(self, "batch", file, db, repeat, label, &rss_batch) != 0))
			goto out;
		printf("bench reports_%s_parse_only_peak_rss: %.1f MB\n", label, (double)rss_parse / 1e3);
		printf("bench reports_%s_peak_rss: %.1f MB\n", label, (double)rss_full / 1e3);
		if (first_rss < 0) {
			first_rss = rss_full;
			snprintf(first_label, sizeof(first_label), "%s", label);
		} else {
			printf("bench reports_%s_peak_rss: %.2f x %s_peak_rss\n", label,
			       (double)rss_full / (double)first_rss, first_label);
		}
		fflush(stdout);
		if (!keep)
			unlink(file);
	}
	rc = 0;
out:
	if (made_dir && !keep)
		rm_dir(dir);
	else if (!keep) {
		char p[4300];
		unlink(db);
		snprintf(p, sizeof(p), "%s-wal", db);
		unlink(p);
		snprintf(p, sizeof(p), "%s-shm", db);
		unlink(p);
		snprintf(p, sizeof(p), "%s/registry.csv", dir);
		unlink(p);
	}
	return rc;
usage:
	fprintf(stderr,
		"usage: %s [--dir DIR] [--keep] [--no-batch] [--hosts H] [--repeat R] [ROWS...]\n", argv[0]);
	return 2;
}
