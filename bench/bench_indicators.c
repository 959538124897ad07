/*
** bench/bench_indicators.c — the indicator registry at a national CERT's
** scale (issue 15's benchmark): 1,000,000 indicators of mixed types
** imported into a fresh store, the in-memory matcher built from them, and
** 1,000,000 report-feed events matched against the registry AND every
** MISP warninglist on one core.
**
** What is timed, and why it is the real work:
**   import   each generated value is canonicalised (indicator_value_canon),
**            checked against the warninglists (indicator_wl_match with the
**            type's hint, as every new indicator is; a hit is stored held)
**            and stored (store_indicator_insert with its address range),
**            10,000 rows per transaction, into a freshly migrated store;
**   build    indicator_match_build: the registry's active rows read back
**            and frozen into one LPM and one value hash;
**   match    per event: its source address against the registry
**            (indicator_match_addr: every covering indicator) and against
**            the warninglists' CIDR lists (indicator_wl_match_addr), as a
**            feed import checks it; no allocation per event. A tenth of the
**            events come from listed addresses or networks, a twentieth
**            from well-known ranges (public resolvers, cloud, CDN) the
**            warninglists name. The rate is CPU time of this thread (one
**            core); wall time is printed beside it;
**   hosts    the same for 1,000,000 event host names: registry domains
**            suffix by suffix (indicator_match_host) and the warninglists'
**            full match (indicator_wl_match, hint "hostname": hostname,
**            string, substring and regex lists) -- printed for the record;
**            the goal is set for addresses.
** Goals (issue 15): >= 5,000,000 matches/s on one core, <= 300 MB peak RSS
** (the process's: store cache, warninglists and matcher included).
**
** Usage: bench_indicators [--n N] [--events N] [--lists DIR] [--dir DIR]
** [--keep] [--reuse]. Defaults: 1000000, 1000000, the lists shipped in
** data/warninglists, a temporary directory removed at the end; --keep
** keeps DIR's store, --reuse matches against a kept one without importing.
*/
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif

#include <arpa/inet.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "machine.h"
#include "core/core.h"
#include "indicator/indicator.h"
#include "store/store.h"

#define GOAL_RATE 5e6
#define BATCH 1024 /* events matched together (a feed batch holds thousands) */
#define GOAL_RSS_MB 300.0

static uint64_t rng_state = UINT64_C(0x5eed15b1);

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A bijection of 64-bit counters: distinct inputs give distinct values,
** so generated indicators are unique without a set to check against. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	return x ^ (x >> 33);
}

/* A line "KEY: N kB" of /proc/self/status, in MB (-1 when absent). */
static double status_mb(const char *key)
{
	char line[256];
	double v = -1;
	size_t kl = strlen(key);
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			v = strtod(line + kl + 1, NULL) / 1024.0;
			break;
		}
	if (f)
		fclose(f);
	return v;
}

/* The process's peak RSS so far (VmHWM), and what it holds now: RssAnon
** is the heap (structures), RssFile the store's memory-mapped pages. */
static void rss_line(const char *phase)
{
	printf("bench indicators_rss_%s: peak %.1f MB; now %.1f MB (heap %.1f MB, mapped store "
	       "file %.1f MB)\n",
	       phase, status_mb("VmHWM"), status_mb("VmRSS"), status_mb("RssAnon"),
	       status_mb("RssFile"));
}

static double median3(const double v[3])
{
	double a = v[0], b = v[1], c = v[2];
	if ((a <= b && b <= c) || (c <= b && b <= a))
		return b;
	if ((b <= a && a <= c) || (c <= a && a <= b))
		return a;
	return c;
}

/* ------------------------------------------------------------ generation */

static const char *const tlds[] = { "com", "net", "org", "ir", "info", "xyz", "top", "ru", "cn" };
static const char *const words[] = { "login", "secure", "update", "bank", "mail", "cdn",
				     "account", "verify", "pay", "app", "shop", "cloud" };

static void hex(char *out, size_t digits, uint64_t seed)
{
	static const char h[] = "0123456789abcdef";
	uint64_t x = 0;
	for (size_t i = 0; i < digits; i++) {
		if (i % 16 == 0)
			x = mix(seed + i);
		out[i] = h[x & 15];
		x >>= 4;
	}
	out[digits] = '\0';
}

/* A unique registrable domain for counter i: "secure-3f9a1c.xyz". */
static void domain(char *out, size_t n, uint64_t i)
{
	uint64_t x = mix(i * 2 + 1);
	snprintf(out, n, "%s-%" PRIx64 ".%s", words[x % 12], i, tlds[(x >> 8) % 9]);
}

/* The value of indicator i (distinct for distinct i within each type). */
static const char *gen_value(uint64_t i, char *buf, size_t n)
{
	uint64_t x = mix(i), r = x % 1000;
	uint8_t a[16] = { 0 };
	char txt[INET6_ADDRSTRLEN];
	if (r < 350) { /* an address: 35% */
		uint32_t v = (uint32_t)mix(i ^ UINT64_C(0xabcdef)) | 0x01000000u;
		a[0] = (uint8_t)(v >> 24) % 223 + 1;
		a[1] = (uint8_t)(v >> 16);
		a[2] = (uint8_t)(v >> 8);
		a[3] = (uint8_t)v;
		inet_ntop(AF_INET, a, buf, (socklen_t)n);
	} else if (r < 400) { /* IPv6: 5% */
		uint64_t y = mix(i + 77);
		a[0] = 0x2a;
		a[1] = 0x01;
		for (int k = 0; k < 6; k++)
			a[2 + k] = (uint8_t)(y >> (8 * k));
		a[15] = (uint8_t)(i | 1);
		inet_ntop(AF_INET6, a, buf, (socklen_t)n);
	} else if (r < 500) { /* networks: 10%, IPv4 /16-/28 and IPv6 /32-/64 */
		uint64_t y = mix(i + 99);
		if (y & 1) {
			unsigned len = 16 + (unsigned)((y >> 1) % 13);
			uint32_t v = (uint32_t)(y >> 8);
			v = (v & ~((UINT32_C(1) << (32 - len)) - 1)) | 0x01000000u;
			a[0] = (uint8_t)(v >> 24) % 223 + 1;
			a[1] = (uint8_t)(v >> 16);
			a[2] = (uint8_t)(v >> 8);
			a[3] = (uint8_t)v;
			inet_ntop(AF_INET, a, txt, sizeof(txt));
			snprintf(buf, n, "%s/%u", txt, len);
		} else {
			unsigned len = 32 + (unsigned)((y >> 1) % 33);
			a[0] = 0x2a;
			a[1] = 0x02;
			for (unsigned k = 2; k < 8; k++)
				a[k] = (uint8_t)(y >> (8 * k));
			for (unsigned k = len; k < 128; k++)
				a[k / 8] &= (uint8_t)~(0x80u >> (k % 8));
			inet_ntop(AF_INET6, a, txt, sizeof(txt));
			snprintf(buf, n, "%s/%u", txt, len);
		}
	} else if (r < 750) { /* domains: 25%, a fifth of them a subdomain */
		char d[128];
		domain(d, sizeof(d), i);
		if (x % 5 == 0)
			snprintf(buf, n, "%s.%s", words[(x >> 20) % 12], d);
		else
			snprintf(buf, n, "%s", d);
	} else if (r < 850) { /* URLs: 10% */
		char d[128];
		domain(d, sizeof(d), i);
		snprintf(buf, n, "http://%s/%s/%" PRIx64 ".php", d, words[(x >> 20) % 12], i);
	} else if (r < 900) { /* SHA-256: 5% */
		hex(buf, 64, i);
	} else if (r < 925) { /* SHA-1 */
		hex(buf, 40, i);
	} else if (r < 950) { /* MD5 */
		hex(buf, 32, i);
	} else if (r < 970) { /* e-mail: 2% */
		char d[128];
		domain(d, sizeof(d), i);
		snprintf(buf, n, "%s%" PRIx64 "@%s", words[(x >> 20) % 12], i, d);
	} else if (r < 980) { /* TLS fingerprint (colon form, as openssl prints it) */
		char hx[65];
		hex(hx, 64, i ^ UINT64_C(0x7777));
		size_t o = 0;
		for (int k = 0; k < 32 && o + 3 < n; k++)
			o += (size_t)snprintf(buf + o, n - o, k ? ":%c%c" : "%c%c", hx[2 * k],
					      hx[2 * k + 1]);
	} else if (r < 990) { /* ASN */
		snprintf(buf, n, "AS%" PRIu64, 100000 + i);
	} else { /* Android app */
		char hx[65];
		hex(hx, 64, i ^ UINT64_C(0x5555));
		snprintf(buf, n, "com.%s%" PRIx64 ".app:%s", words[(x >> 20) % 12], i, hx);
	}
	return buf;
}

/* What the events are drawn from: listed addresses and domains. */
struct pool {
	uint8_t (*addr)[17]; /* family byte, then 16 */
	size_t naddr, capaddr;
	char (*dom)[80];
	size_t ndom, capdom;
};

static void pool_add(struct pool *p, const struct store_indicator *r)
{
	if (r->family && p->naddr < p->capaddr) {
		p->addr[p->naddr][0] = (uint8_t)r->family;
		/* an address inside the network: its last one */
		memcpy(p->addr[p->naddr] + 1, r->hi, 16);
		p->naddr++;
	} else if (strcmp(r->type, "domain") == 0 && p->ndom < p->capdom &&
		   strlen(r->value) < 80) {
		memcpy(p->dom[p->ndom++], r->value, strlen(r->value) + 1);
	}
}

static int pool_row(void *ud, const struct store_indicator *r)
{
	pool_add(ud, r);
	return 0;
}

/* ---------------------------------------------------------------- import */

static int import(struct store *st, const struct indicator_wl_set *wl, size_t n,
		  struct pool *pool, size_t *held, size_t *dups)
{
	struct store_indicator *r = calloc(1, sizeof(*r));
	struct perr e = { 0 };
	char buf[INDICATOR_VALUE_SIZE];
	int64_t now = core_now_ms();
	size_t in_tx = 0;
	if (!r || store_begin(st, &e) != 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const char *v = gen_value(i, buf, sizeof(buf));
		enum indicator_type t = indicator_type_guess(v, strlen(v));
		memset(r, 0, offsetof(struct store_indicator, reason));
		if (t == INDICATOR_NONE ||
		    indicator_value_canon(t, v, strlen(v), r->value, sizeof(r->value), &e) != 0) {
			fprintf(stderr, "bench_indicators: generated %s refused: %s\n", v, e.msg);
			goto fail;
		}
		PSTRCPY(r->status, "active");
		struct indicator_wl_hit hit[4];
		const struct pstr host = indicator_value_host(t, r->value);
		size_t nh = indicator_wl_match(wl, indicator_wl_hint(t), r->value, strlen(r->value),
					       hit, 4);
		if (!nh && host.n && (t == INDICATOR_URL || t == INDICATOR_EMAIL))
			nh = indicator_wl_match(wl, "hostname", host.p, host.n, hit, 4);
		r->held_lists[0] = '\0';
		if (nh) {
			PSTRCPY(r->status, "held");
			pstrtrunc(r->held_lists, hit[0].name, sizeof(r->held_lists));
			(*held)++;
		}
		pstrtrunc(r->type, indicator_type_name(t), sizeof(r->type));
		PSTRCPY(r->tlp, "AMBER");
		PSTRCPY(r->source, "feed");
		PSTRCPY(r->actor, "bench");
		PSTRCPY(r->class_, "malicious-code");
		r->confidence = 70;
		struct indicator_range rg;
		r->family = 0;
		if (indicator_value_range(t, r->value, &rg) == 0) {
			r->family = rg.family;
			memcpy(r->lo, rg.first, 16);
			memcpy(r->hi, rg.last, 16);
		}
		r->first_seen_ms = r->last_seen_ms = r->created_ms = r->updated_ms = now;
		r->expires_ms = now + indicator_default_ttl_ms(t);
		if (store_indicator_insert(st, r, &e) != 0) {
			if (e.kind != PERR_CONFLICT)
				goto fail;
			(*dups)++; /* two generated networks that mask to one */
			continue;
		}
		if (!nh)
			pool_add(pool, r);
		if (++in_tx == 10000) {
			if (store_commit(st, &e) != 0 || store_begin(st, &e) != 0)
				goto fail;
			in_tx = 0;
		}
	}
	if (store_commit(st, &e) != 0)
		goto fail;
	free(r);
	return 0;
fail:
	fprintf(stderr, "bench_indicators: import: %s\n", e.msg);
	store_rollback(st);
	free(r);
	return -1;
}

/* ---------------------------------------------------------------- events */

struct ev {
	uint8_t fam;
	uint8_t addr[16];
};

/* Ranges the warninglists name (public resolvers, cloud, CDN): events
** come from them every day. */
static const struct {
	uint8_t a, b;
	unsigned len;
} known[] = { { 8, 8, 16 }, { 1, 1, 16 }, { 52, 0, 8 }, { 35, 190, 16 }, { 104, 16, 12 },
	      { 13, 107, 16 }, { 157, 240, 16 }, { 192, 168, 16 }, { 10, 0, 8 } };

static void gen_events(struct ev *ev, size_t n, const struct pool *p)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t x = rnd(), r = x % 100;
		struct ev *e = &ev[i];
		memset(e, 0, sizeof(*e));
		if (r < 10 && p->naddr) {
			const uint8_t *a = p->addr[(x >> 8) % p->naddr];
			e->fam = a[0];
			memcpy(e->addr, a + 1, 16);
		} else if (r < 15) {
			size_t k = (x >> 8) % (sizeof(known) / sizeof(known[0]));
			uint32_t v = (uint32_t)known[k].a << 24 | (uint32_t)known[k].b << 16;
			uint32_t span = known[k].len >= 32 ? 0 : (UINT32_C(1) << (32 - known[k].len)) - 1;
			if (known[k].len <= 8)
				v = (uint32_t)known[k].a << 24;
			v |= (uint32_t)(x >> 32) & span;
			e->fam = 4;
			e->addr[0] = (uint8_t)(v >> 24);
			e->addr[1] = (uint8_t)(v >> 16);
			e->addr[2] = (uint8_t)(v >> 8);
			e->addr[3] = (uint8_t)v;
		} else if (r < 24) {
			uint64_t y = rnd();
			e->fam = 6;
			e->addr[0] = 0x2a;
			e->addr[1] = (uint8_t)(y & 3);
			for (int k = 2; k < 16; k++)
				e->addr[k] = (uint8_t)(y >> (k * 4));
		} else {
			uint32_t v = (uint32_t)(x >> 16);
			e->fam = 4;
			e->addr[0] = (uint8_t)(v >> 24);
			e->addr[1] = (uint8_t)(v >> 16);
			e->addr[2] = (uint8_t)(v >> 8);
			e->addr[3] = (uint8_t)v;
		}
	}
}

static const char *const known_hosts[] = { "www.google.com", "fonts.googleapis.com",
					   "cdn.jsdelivr.net", "ajax.cloudflare.com",
					   "graph.facebook.com", "www.microsoft.com",
					   "login.live.com", "s3.amazonaws.com" };

/* Host names: a tenth listed (or under a listed domain), a tenth
** well-known, the rest random names of plausible shape; NUL-separated in
** one arena, *off[i] the start of the i-th. */
static char *gen_hosts(size_t n, const struct pool *p, uint32_t **off)
{
	size_t cap = n * 40, len = 0;
	char *a = malloc(cap);
	*off = malloc(n * sizeof(**off));
	if (!a || !*off)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		uint64_t x = rnd(), r = x % 100;
		char h[128];
		if (r < 10 && p->ndom)
			snprintf(h, sizeof(h), "%s%s", x & 256 ? "a." : "", p->dom[(x >> 12) % p->ndom]);
		else if (r < 20)
			snprintf(h, sizeof(h), "%s",
				 known_hosts[(x >> 12) % (sizeof(known_hosts) / sizeof(*known_hosts))]);
		else
			snprintf(h, sizeof(h), "%s.host-%" PRIx64 ".%s", words[(x >> 8) % 12],
				 (x >> 20) & 0xffffff, tlds[(x >> 50) % 9]);
		size_t hl = strlen(h) + 1;
		if (len + hl > cap) {
			char *b = realloc(a, cap *= 2);
			if (!b)
				return NULL;
			a = b;
		}
		(*off)[i] = (uint32_t)len;
		memcpy(a + len, h, hl);
		len += hl;
	}
	return a;
}

/* ------------------------------------------------------------------ main */

int main(int argc, char **argv)
{
	size_t n = 1000000, nev = 1000000;
	const char *lists = PARAPET_DATA_SRC "/warninglists", *dir = NULL;
	bool keep = false, reuse = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--n") == 0 && i + 1 < argc)
			n = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--events") == 0 && i + 1 < argc)
			nev = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--lists") == 0 && i + 1 < argc)
			lists = argv[++i];
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--keep") == 0)
			keep = true;
		else if (strcmp(argv[i], "--reuse") == 0)
			reuse = keep = true;
		else {
			fprintf(stderr, "usage: bench_indicators [--n N] [--events N] [--lists DIR] "
					"[--dir DIR] [--keep] [--reuse]\n");
			return 2;
		}
	}
	if (n < 1 || nev < 1 || n > 50000000 || nev > 100000000) {
		fprintf(stderr, "bench_indicators: bad sizes\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	core_malloc_tune();
	bench_machine("indicators");
	struct perr e = { 0 };

	/* the warninglists, all of them */
	double t0 = bench_wall();
	struct indicator_wl_set *wl = indicator_wl_set_new();
	size_t refused = 0;
	if (!wl || indicator_wl_load_dir(wl, lists, &refused, NULL, NULL, &e) != 0 ||
	    indicator_wl_freeze(wl, &e) != 0) {
		fprintf(stderr, "bench_indicators: warninglists %s: %s\n", lists, e.msg);
		return 1;
	}
	struct indicator_wl_stats ws;
	indicator_wl_stats(wl, &ws);
	printf("bench indicators_warninglists: %zu lists (%zu refused), %zu entries, %zu CIDR "
	       "prefixes, %zu hostnames; loaded in %.2f s\n",
	       ws.lists, refused, ws.entries, ws.cidr_prefixes, ws.hostnames, bench_wall() - t0);
	rss_line("warninglists");

	/* a fresh store */
	char tmp[] = "/tmp/parapet-bench-indicators-XXXXXX";
	if (!dir && !(dir = mkdtemp(tmp))) {
		perror("mkdtemp");
		return 1;
	}
	char path[1024];
	snprintf(path, sizeof(path), "%s/parapet.db", dir);
	if (!reuse)
		unlink(path);
	struct store *st;
	if (store_create(path, &st, &e) != 0 || store_migrate(st, NULL, &e) != 0) {
		fprintf(stderr, "bench_indicators: store %s: %s\n", path, e.msg);
		return 1;
	}
	/* a connection that mostly writes, as the monitor's: no memory map,
	** an 8 MB page cache (the process does not hold the database) */
	store_lean(st);

	struct pool pool = { 0 };
	/* samples to draw events from (the first listed ones: the values are
	** generated in a random order anyway) */
	pool.capaddr = 100000;
	pool.capdom = 50000;
	pool.addr = malloc(pool.capaddr * sizeof(*pool.addr));
	pool.dom = malloc(pool.capdom * sizeof(*pool.dom));
	if (!pool.addr || !pool.dom)
		return 1;
	size_t held = 0, dups = 0;
	t0 = bench_wall();
	double c0 = bench_cpu();
	if (reuse) {
		/* --dir's store imported by an earlier run (--keep): the events'
		** sample is read back instead */
		if (store_indicator_active_each(st, pool_row, &pool, &e) != 0) {
			fprintf(stderr, "bench_indicators: %s\n", e.msg);
			return 1;
		}
		printf("bench indicators_import: skipped (--reuse %s)\n", path);
	} else {
		if (import(st, wl, n, &pool, &held, &dups) != 0)
			return 1;
		double it = bench_wall() - t0, ic = bench_cpu() - c0;
		size_t rows = n - dups;
		printf("bench indicators_import: %.2f s (%.2f s CPU), %.0f rows/s: %zu indicators "
		       "(%zu held by a warninglist, %zu generated twice)\n",
		       it, ic, (double)rows / it, rows, held, dups);
	}
	rss_line("import");

	/* the matcher */
	t0 = bench_wall();
	struct indicator_match *m;
	if (indicator_match_build(st, &m, &e) != 0) {
		fprintf(stderr, "bench_indicators: build: %s\n", e.msg);
		return 1;
	}
	printf("bench indicators_match_build: %.2f s, %.1f MB (%zu addresses, %zu networks, "
	       "%zu domains)\n",
	       bench_wall() - t0, (double)indicator_match_memory(m) / 1048576.0,
	       indicator_match_count(m, INDICATOR_IPV4) + indicator_match_count(m, INDICATOR_IPV6),
	       indicator_match_count(m, INDICATOR_CIDR), indicator_match_count(m, INDICATOR_DOMAIN));
	rss_line("build");
	double peak_all = status_mb("VmHWM");
	/* Matching needs the matcher and the warninglists, not the store: a
	** feed import builds the matcher and then streams events. Close the
	** store (its page cache and mapped file) and restart the peak, so the
	** matching phase's own peak is measured apart from the import's. */
	store_close(st);
	st = NULL;
	malloc_trim(0); /* what the store freed goes back to the system */
	FILE *cr = fopen("/proc/self/clear_refs", "w");
	bool reset = cr && fputs("5", cr) >= 0;
	if (cr && fclose(cr) != 0)
		reset = false;

	/* events: addresses */
	struct ev *ev = malloc(nev * sizeof(*ev));
	if (!ev)
		return 1;
	gen_events(ev, nev, &pool);
	int64_t ids[16];
	struct indicator_wl_hit hits[8];
	/* three passes over the events, the median reported (the first pass
	** also pays for bringing the structures into the caches) */
	size_t reg = 0, wlh = 0;
	double pc[3], pw[3];
	for (int pass = 0; pass < 3; pass++) {
		reg = wlh = 0;
		t0 = bench_wall();
		c0 = bench_cpu();
		/* a feed import holds its events in batches: each batch is
		** matched against the registry, then against the warninglists,
		** so that each structure stays in the caches for a whole batch;
		** the registry's next addresses are asked for ahead (prefetch) */
		for (size_t b = 0; b < nev; b += BATCH) {
			size_t end = b + BATCH < nev ? b + BATCH : nev;
			for (size_t i = b; i < end; i++) {
				if (i + 8 < end)
					indicator_match_prefetch(m, ev[i + 8].fam, ev[i + 8].addr);
				reg += indicator_match_addr(m, ev[i].fam, ev[i].addr, ids, 16) != 0;
			}
			for (size_t i = b; i < end; i++)
				wlh += indicator_wl_match_addr(wl, "ip-src", ev[i].fam, ev[i].addr,
							       hits, 8) != 0;
		}
		pw[pass] = bench_wall() - t0;
		pc[pass] = bench_cpu() - c0;
	}
	double mc = median3(pc), mw = median3(pw);
	double rate = (double)nev / mc;
	/* each half alone, to see where the time goes */
	size_t k1 = 0, k2 = 0;
	c0 = bench_cpu();
	for (size_t i = 0; i < nev; i++) {
		if (i + 8 < nev)
			indicator_match_prefetch(m, ev[i + 8].fam, ev[i + 8].addr);
		k1 += indicator_match_addr(m, ev[i].fam, ev[i].addr, ids, 16) != 0;
	}
	double c_reg = bench_cpu() - c0;
	c0 = bench_cpu();
	for (size_t i = 0; i < nev; i++)
		k2 += indicator_wl_match_addr(wl, "ip-src", ev[i].fam, ev[i].addr, hits, 8) != 0;
	double c_wl = bench_cpu() - c0;
	printf("bench indicators_match_parts: registry alone %.0f events/s, warninglists alone "
	       "%.0f events/s (%zu, %zu); passes %.3f %.3f %.3f s CPU\n",
	       (double)nev / c_reg, (double)nev / c_wl, k1, k2, pc[0], pc[1], pc[2]);
	printf("bench indicators_match: %.0f events/s on one core (%.3f s CPU, %.3f s wall): "
	       "%zu events, %zu listed, %zu on a warninglist\n",
	       rate, mc, mw, nev, reg, wlh);
	printf("bench indicators_match: %.2f x goal_5M_per_s\n", rate / GOAL_RATE);

	/* events: host names */
	uint32_t *hoff = NULL;
	char *hosts = gen_hosts(nev, &pool, &hoff);
	if (!hosts)
		return 1;
	reg = wlh = 0;
	t0 = bench_wall();
	c0 = bench_cpu();
	for (size_t i = 0; i < nev; i++) {
		const char *hn = hosts + hoff[i];
		size_t hl = strlen(hn);
		reg += indicator_match_host(m, hn, hl, ids, 16) != 0;
		wlh += indicator_wl_match(wl, "hostname", hn, hl, hits, 8) != 0;
	}
	double hw = bench_wall() - t0, hc = bench_cpu() - c0;
	printf("bench indicators_match_hosts: %.0f events/s on one core (%.3f s CPU, %.3f s "
	       "wall): %zu host names, %zu listed, %zu on a warninglist\n",
	       (double)nev / hc, hc, hw, nev, reg, wlh);

	double peak = status_mb("VmHWM");
	if (peak > peak_all)
		peak_all = peak;
	rss_line("match");
	printf("bench indicators_rss: %.1f MB peak while matching (registry matcher, warninglists, "
	       "1,000,000 events in memory)%s; %.1f MB peak of the whole run (import and build on a "
	       "lean store connection)\n",
	       peak, reset ? "" : " [peak not reset: the whole run's]", peak_all);
	printf("bench indicators_rss_match: %.2f x goal_300MB\n", GOAL_RSS_MB / peak);
	printf("bench indicators_rss_run: %.2f x goal_300MB\n", GOAL_RSS_MB / peak_all);

	free(hosts);
	free(hoff);
	free(ev);
	free(pool.addr);
	free(pool.dom);
	indicator_match_free(m);
	indicator_wl_free(wl);
	if (!keep) {
		const char *sfx[] = { "", "-wal", "-shm" };
		for (int k = 0; k < 3; k++) {
			char p2[1100];
			snprintf(p2, sizeof(p2), "%s%s", path, sfx[k]);
			unlink(p2);
		}
		if (dir == tmp)
			rmdir(dir);
	}
	return 0;
}
