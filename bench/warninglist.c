/*
** bench/warninglist.c — matching throughput of the MISP warninglists
** (src/indicator/warninglist.c), the check every new indicator and every
** candidate of an APK triage goes through.
**
** Loads every list of a MISP warninglists directory (default: the shared
** copy of all 136 lists), freezes the set, then matches N mixed values on
** one core with no type hint (every list consulted, the worst case): 40%
** IPv4 addresses (random, plus well-known ranges), 10% IPv6, 25% host names
** (random and taken from the lists, some as subdomains), 10% URLs, 10% hex
** hashes, 5% e-mail addresses. Values are generated before the clock
** starts.
**
** Usage: bench_warninglist [DIR [N]]   (defaults
**   /work/shared/data/misp-warninglists/lists and 1000000)
** Prints "bench ..." lines on stdout.
*/
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "machine.h"
#include "indicator/indicator.h"

static uint64_t rng_state = UINT64_C(0x5eed1e55);

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void refused_one(void *ctx, const char *source, const struct perr *e)
{
	(void)ctx;
	fprintf(stderr, "refused %s: %s\n", source, e->msg);
}

static const char *const known_hosts[] = {
	"google.com", "www.google.com", "mail.yahoo.com", "bit.ly", "github.com",
	"cdn.cloudflare.net", "login.microsoftonline.com", "example.org",
};

static const char *gen(char *out, size_t cap)
{
	unsigned k = (unsigned)(rnd() % 100);
	uint64_t r = rnd();
	if (k < 40) {
		if (k < 8)
			snprintf(out, cap, "8.8.%u.%u", (unsigned)(r & 255), (unsigned)(r >> 8 & 255));
		else
			snprintf(out, cap, "%u.%u.%u.%u", (unsigned)(r & 255), (unsigned)(r >> 8 & 255),
				 (unsigned)(r >> 16 & 255), (unsigned)(r >> 24 & 255));
		return "ip-dst";
	} else if (k < 50) {
		snprintf(out, cap, "2001:%x:%x::%x", (unsigned)(r & 0xffff),
			 (unsigned)(r >> 16 & 0xffff), (unsigned)(r >> 32 & 0xffff));
		return "ip-dst";
	} else if (k < 75) {
		if (k < 60)
			snprintf(out, cap, "h%u.%s", (unsigned)(r % 1000),
				 known_hosts[(r >> 20) % (sizeof(known_hosts) / sizeof(known_hosts[0]))]);
		else
			snprintf(out, cap, "x%llx.example-%u.ir", (unsigned long long)(r & 0xffffff),
				 (unsigned)(r >> 32 & 0xff));
		return "domain";
	} else if (k < 85) {
		snprintf(out, cap, "https://%s/path/%u?q=1",
			 known_hosts[r % (sizeof(known_hosts) / sizeof(known_hosts[0]))],
			 (unsigned)(r >> 16));
		return "url";
	} else if (k < 95) {
		snprintf(out, cap, "%016llx%016llx%016llx%016llx", (unsigned long long)r,
			 (unsigned long long)rnd(), (unsigned long long)rnd(),
			 (unsigned long long)rnd());
		return "sha256";
	} else {
		snprintf(out, cap, "user%u@mail%u.com", (unsigned)(r & 0xfff), (unsigned)(r >> 12 & 7));
		return "email-src";
	}
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/work/shared/data/misp-warninglists/lists";
	size_t n = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 1000000;
	if (n == 0)
		n = 1;
	struct perr err = { 0 };
	struct indicator_wl_set *set = indicator_wl_set_new();
	size_t refused = 0;
	double t0 = bench_wall();
	if (!set || indicator_wl_load_dir(set, dir, &refused, refused_one, NULL, &err) != 0 ||
	    indicator_wl_freeze(set, &err) != 0) {
		fprintf(stderr, "bench_warninglist: %s\n", err.msg);
		return 1;
	}
	double t1 = bench_wall();
	struct indicator_wl_stats st;
	indicator_wl_stats(set, &st);
	printf("bench warninglist_lists: %zu (refused %zu)\n", st.lists, refused);
	printf("bench warninglist_entries: %zu (prefixes %zu, hostnames %zu, strings %zu, "
	       "substrings %zu, regex %zu, regex refused %zu)\n",
	       st.entries, st.cidr_prefixes, st.hostnames, st.strings, st.substrings, st.regex,
	       st.regex_refused);
	printf("bench warninglist_load_freeze: %.2f s\n", t1 - t0);

	enum { VMAX = 96 };
	char *vals = malloc(n * VMAX);
	if (!vals)
		return 1;
	const char **hint = malloc(n * sizeof(*hint));
	if (!hint)
		return 1;
	for (size_t i = 0; i < n; i++)
		hint[i] = gen(vals + i * VMAX, VMAX);

	for (int mode = 0; mode < 2; mode++) {
		struct indicator_wl_hit hits[8];
		size_t hit_values = 0, hit_total = 0;
		double t2 = bench_wall(), c2 = bench_cpu();
		for (size_t i = 0; i < n; i++) {
			const char *v = vals + i * VMAX;
			size_t c = indicator_wl_match(set, mode ? NULL : hint[i], v, strlen(v),
						      hits, 8);
			hit_total += c;
			hit_values += c > 0;
		}
		double t3 = bench_wall(), c3 = bench_cpu();
		printf("bench warninglist_match%s: %.0f matches/s (CPU time; %zu values, %.3f s "
		       "CPU, %.3f s wall, %zu hit a list, %zu hits)\n",
		       mode ? "_no_hint" : "", (double)n / (c3 - c2), n, c3 - c2, t3 - t2,
		       hit_values, hit_total);
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("bench warninglist_rss: %.1f MB\n", (double)ru.ru_maxrss / 1e3);
	free(vals);
	free(hint);
	indicator_wl_free(set);
	return 0;
}
