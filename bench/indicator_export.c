/*
** bench/indicator_export.c — the export writers (src/indicator/export*.c)
** on 1,000,000 indicators, and beside them the consumer's own cost:
** Debian's unbound-checkconf and unbound loading the RPZ zone.
**
** The indicators are generated in memory before the clock starts (mixed
** as a CERT's registry is: 40% domains, 25% IPv4, 5% IPv6, 5% networks,
** 10% URLs, 10% SHA-256, 3% e-mail, 2% apps), held as compact values, and
** each is copied into one store row as store_indicator_export_each hands
** rows over. Each export is written to a file in a temporary directory,
** draining the writer's buffer at 1 MiB, as `parapet indicator export`
** writes one: seconds (wall and CPU), output MB and MB/s are printed for
** the RPZ zone (goal: under 2 s for 1 M) and the STIX bundle. Then, with
** the zone just written: unbound-checkconf's time on a configuration that
** loads it through `rpz:`, and unbound's time from start until its control
** channel answers with the zone loaded, and its resident memory. The
** machine and its load are printed first: the figures are the machine's.
**
** Usage: bench_indicator_export [N] [--keep]   (N default 1000000; --keep
** leaves the temporary directory). Prints "bench ..." lines on stdout;
** `scripts/bench indicators` runs it.
*/
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "machine.h"
#include "indicator/indicator.h"
#include "store/store.h"

static uint64_t rng_state = UINT64_C(0x1dca7e5);

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static double wall_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------ the values */

struct gen {
	char *arena; /* NUL-separated values */
	size_t *off;
	uint8_t *type;
	size_t n;
};

static const char *const words[] = { "secure", "login", "bank", "update", "account", "verify",
				     "mail", "cdn", "app", "pay", "shop", "cloud", "support",
				     "portal", "gov", "service" };
static const char *const tlds[] = { "com", "net", "org", "info", "xyz", "top", "ir", "ru" };

static void hex(char *o, int n)
{
	static const char h[] = "0123456789abcdef";
	for (int i = 0; i < n; i++)
		o[i] = h[rnd() & 15];
	o[n] = 0;
}

static void gen_value(char *v, size_t vs, enum indicator_type *t, size_t i)
{
	unsigned r = (unsigned)(rnd() % 100);
	uint64_t a = rnd();
	char h[80];
	if (r < 40) {
		*t = INDICATOR_DOMAIN;
		snprintf(v, vs, "%s-%s%zu.%s", words[a % 16], words[(a >> 8) % 16], i,
			 tlds[(a >> 16) % 8]);
	} else if (r < 65) {
		*t = INDICATOR_IPV4;
		snprintf(v, vs, "%u.%u.%u.%u", 1 + (unsigned)(a % 223), (unsigned)(a >> 8) & 255,
			 (unsigned)(a >> 16) & 255, 1 + (unsigned)((a >> 24) % 254));
	} else if (r < 70) {
		*t = INDICATOR_IPV6;
		snprintf(v, vs, "2001:db8:%x:%x::%x", (unsigned)(a & 0xffff),
			 (unsigned)(a >> 16) & 0xffff, 1 + (unsigned)((a >> 32) & 0xfffe));
	} else if (r < 75) {
		*t = INDICATOR_CIDR;
		snprintf(v, vs, "%u.%u.%u.0/24", 1 + (unsigned)(a % 223), (unsigned)(a >> 8) & 255,
			 (unsigned)(a >> 16) & 255);
	} else if (r < 85) {
		*t = INDICATOR_URL;
		snprintf(v, vs, "https://%s%zu.%s/%s/%s.php?id=%u", words[a % 16], i,
			 tlds[(a >> 8) % 8], words[(a >> 12) % 16], words[(a >> 16) % 16],
			 (unsigned)(a >> 32));
	} else if (r < 95) {
		*t = INDICATOR_SHA256;
		hex(v, 64);
	} else if (r < 98) {
		*t = INDICATOR_EMAIL;
		snprintf(v, vs, "%s%zu@%s.%s", words[a % 16], i, words[(a >> 8) % 16],
			 tlds[(a >> 16) % 8]);
	} else {
		*t = INDICATOR_APP;
		hex(h, 64);
		snprintf(v, vs, "com.%s.%s%zu:%s", words[a % 16], words[(a >> 8) % 16], i, h);
	}
}

static void generate(struct gen *g, size_t n)
{
	size_t cap = n * 48 + 4096, len = 0;
	g->arena = malloc(cap);
	g->off = malloc(n * sizeof(*g->off));
	g->type = malloc(n);
	g->n = n;
	if (!g->arena || !g->off || !g->type) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < n; i++) {
		char v[256];
		enum indicator_type t;
		gen_value(v, sizeof(v), &t, i);
		size_t vl = strlen(v) + 1;
		if (len + vl > cap) {
			cap *= 2;
			g->arena = realloc(g->arena, cap);
			if (!g->arena) {
				fprintf(stderr, "out of memory\n");
				exit(1);
			}
		}
		memcpy(g->arena + len, v, vl);
		g->off[i] = len;
		g->type[i] = (uint8_t)t;
		len += vl;
	}
}

/* ------------------------------------------------------------ the export */

struct result {
	double wall, cpu, mb;
	struct indicator_export_counts c;
};

static int export_to(enum indicator_export_format fmt, const struct gen *g, const char *path,
		     struct result *res)
{
	static struct store_indicator r; /* one row, as the store hands them over */
	memset(&r, 0, sizeof(r));
	PSTRCPY(r.status, "active");
	PSTRCPY(r.source, "analyst");
	PSTRCPY(r.class_, "malicious-code");
	PSTRCPY(r.reason, "bench");
	r.confidence = 75;
	r.first_seen_ms = 1767225600000LL;
	r.last_seen_ms = r.first_seen_ms + 3600000;
	r.expires_ms = r.first_seen_ms + 86400000LL * 90;
	r.created_ms = r.first_seen_ms;
	r.updated_ms = r.last_seen_ms;
	static const char *const tlp[] = { "CLEAR", "GREEN", "GREEN", "AMBER" };

	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	struct pbuf out;
	pbuf_init(&out, 0);
	struct indicator_export *x;
	struct perr err = { 0 };
	struct indicator_export_opts o = { .now_ms = 1767312000000LL, .producer = "bench" };
	double w0 = wall_s(), c0 = cpu_s();
	size_t bytes = 0;
	if (indicator_export_open(fmt, &o, &out, &x, &err) != 0)
		goto fail;
	for (size_t i = 0; i < g->n; i++) {
		r.id = (int64_t)i + 1;
		pstrtrunc(r.type, indicator_type_name((enum indicator_type)g->type[i]), sizeof(r.type));
		pstrtrunc(r.value, g->arena + g->off[i], sizeof(r.value));
		pstrtrunc(r.tlp, tlp[i & 3], sizeof(r.tlp));
		if (indicator_export_add(x, &r, &err) != 0)
			goto fail;
		if (out.len >= (1u << 20)) {
			bytes += fwrite(out.ptr, 1, out.len, f);
			pbuf_reset(&out);
		}
	}
	indicator_export_counts(x, &res->c);
	if (indicator_export_close(x, &err) != 0)
		goto fail;
	bytes += fwrite(out.ptr, 1, out.len, f);
	if (fclose(f) != 0)
		return -1;
	res->wall = wall_s() - w0;
	res->cpu = cpu_s() - c0;
	res->mb = (double)bytes / 1e6;
	pbuf_free(&out);
	return 0;
fail:
	fprintf(stderr, "export %s: %s\n", indicator_export_format_name(fmt), err.msg);
	fclose(f);
	pbuf_free(&out);
	return -1;
}

static void report(const char *name, size_t n, const struct result *r)
{
	printf("bench indicator_export_%s_%zu: %.3f s wall, %.3f s CPU\n", name, n, r->wall, r->cpu);
	printf("bench indicator_export_%s_size: %.1f MB (%lld written, %lld ignored, %lld skipped)\n",
	       name, r->mb, (long long)r->c.written, (long long)r->c.ignored,
	       (long long)r->c.skipped);
	printf("bench indicator_export_%s_rate: %.1f MB/s, %.0f indicators/s\n", name,
	       r->mb / r->wall, (double)n / r->wall);
}

/* ---------------------------------------------------------- the consumer */

static bool have(const char *prog)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

static int free_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof(a);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(s, (struct sockaddr *)&a, &al) != 0)
		return -1;
	int p = ntohs(a.sin_port);
	close(s);
	return p;
}

static long rss_kb(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	long kb = -1;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

static void unbound_cost(const char *dir)
{
	if (!have("unbound") || !have("unbound-checkconf") || !have("unbound-control")) {
		printf("bench unbound_rpz_load: skipped (unbound is not installed: Debian unbound)\n");
		return;
	}
	int port = free_port(), ctl = free_port();
	while (ctl == port)
		ctl = free_port();
	char conf[512], text[2048];
	snprintf(conf, sizeof(conf), "%s/unbound.conf", dir);
	snprintf(text, sizeof(text),
		 "server:\n  interface: 127.0.0.1\n  port: %d\n  do-ip6: no\n  use-syslog: no\n"
		 "  logfile: \"%s/unbound.log\"\n  username: \"\"\n  chroot: \"\"\n"
		 "  directory: \"%s\"\n  pidfile: \"%s/unbound.pid\"\n  do-daemonize: no\n"
		 "  module-config: \"respip validator iterator\"\n"
		 "remote-control:\n  control-enable: yes\n  control-interface: 127.0.0.1\n"
		 "  control-port: %d\n  control-use-cert: no\n"
		 "rpz:\n  name: \"rpz.parapet.\"\n  zonefile: \"%s/parapet.rpz\"\n",
		 port, dir, dir, dir, ctl, dir);
	FILE *f = fopen(conf, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		printf("bench unbound_rpz_load: skipped (cannot write %s)\n", conf);
		return;
	}
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "unbound-checkconf %s >/dev/null", conf);
	double t0 = wall_s();
	int rc = system(cmd);
	printf("bench unbound_checkconf: %.3f s (%s)\n", wall_s() - t0, rc == 0 ? "no errors" : "ERRORS");

	t0 = wall_s();
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execlp("unbound", "unbound", "-d", "-c", conf, (char *)NULL);
		_exit(127);
	}
	snprintf(cmd, sizeof(cmd), "unbound-control -c %s status >/dev/null 2>&1", conf);
	bool up = false;
	for (int i = 0; i < 6000 && !up; i++) { /* up to 10 minutes */
		if (system(cmd) == 0)
			up = true;
		else if (waitpid(pid, NULL, WNOHANG) == pid)
			break;
		else
			usleep(20000);
	}
	double load = wall_s() - t0;
	if (up) {
		printf("bench unbound_rpz_load: %.2f s from start to answering, with the zone "
		       "loaded\n",
		       load);
		printf("bench unbound_rss: %.0f MB resident with the zone\n",
		       (double)rss_kb(pid) / 1024.0);
	} else {
		printf("bench unbound_rpz_load: FAILED (see %s/unbound.log)\n", dir);
	}
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
	size_t n = 1000000;
	bool keep = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--keep"))
			keep = true;
		else
			n = (size_t)strtoull(argv[i], NULL, 10);
	}
	if (n == 0) {
		fprintf(stderr, "usage: bench_indicator_export [N] [--keep]\n");
		return 2;
	}
	bench_machine("indicator_export");
	char dir[] = "/tmp/bench-indicator-export-XXXXXX";
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	struct gen g;
	generate(&g, n);
	char path[256];
	struct result r;
	snprintf(path, sizeof(path), "%s/parapet.rpz", dir);
	if (export_to(INDICATOR_EXPORT_RPZ, &g, path, &r) != 0)
		return 1;
	report("rpz", n, &r);
	printf("bench indicator_export_rpz_goal: %s (goal < 2 s for 1,000,000)\n",
	       n < 1000000 ? "n/a (fewer indicators)" : r.wall < 2.0 ? "met" : "NOT met");
	snprintf(path, sizeof(path), "%s/bundle.json", dir);
	if (export_to(INDICATOR_EXPORT_STIX, &g, path, &r) != 0)
		return 1;
	report("stix", n, &r);
	unlink(path); /* the bundle is large and unbound does not read it */
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("bench indicator_export_rss: %.0f MB peak (the generated values included)\n",
	       (double)ru.ru_maxrss / 1024.0);
	unbound_cost(dir);
	if (keep) {
		printf("bench indicator_export_dir: %s\n", dir);
	} else {
		char cmd[300];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	free(g.arena);
	free(g.off);
	free(g.type);
	return 0;
}
