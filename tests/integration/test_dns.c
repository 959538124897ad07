/*
** test_dns.c — dns_resolve_batch() against a real dnsmasq on loopback.
**
** The group setup starts /usr/sbin/dnsmasq (Debian's dnsmasq-base) on
** 127.0.0.1 and 127.0.0.2, on a free port, with its own configuration in a
** mkdtemp directory and no upstream: it serves the zone gov.test (NXDOMAIN
** for unknown names through local=/gov.test/), whose NS ns1.gov.test is
** 127.0.0.2, and sites under it: A/AAAA from an addn-hosts file (rewritten
** and re-read on SIGHUP to simulate a hijack), MX from mx-host, CAA (type
** 257) and NS (type 2) from dns-rr with hand-encoded RDATA. dnsmasq 2.90
** cannot delegate (auth-zone has no sub-zone cuts), so NS_PARENT is checked
** on its answer-section path here: the resolver gives gov.test's NS, its
** address 127.0.0.2 is resolved, and "NS site" is asked there without
** recursion on auth_port (the referral path is covered by the unit test).
**
** The tests: every type of a full site; NODATA, NXDOMAIN and invalid names;
** a changed A record seen after SIGHUP and reported by dns_diff(); a port
** where nothing listens and a server that never answers both give TIMEOUT
** for every type within bounded time, and an explicit deadline cuts a slow
** batch; a dead auth_port gives TIMEOUT for NS_PARENT only, which dns_diff()
** does not count as a change; 10,000 names (A and AAAA) in one batch, whose
** time is printed ("bench dns_batch_10k: N ms"), not asserted.
**
** dnsmasq is killed in the group teardown, by an atexit() hook if the
** process exits early, and by its guard process (see run_guard) if the test
** process dies.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dns/dns.h"

#define DNSMASQ "/usr/sbin/dnsmasq"
#define BULK 10000

static struct {
	char dir[64];
	char hosts[160];
	pid_t pid;
	int port;
	char servers[64];
} D;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void stop_dnsmasq(void)
{
	if (D.pid <= 0)
		return;
	kill(D.pid, SIGTERM);
	for (int i = 0; i < 100; i++) {
		if (waitpid(D.pid, NULL, WNOHANG) == D.pid) {
			D.pid = 0;
			return;
		}
		usleep(20000);
	}
	kill(D.pid, SIGKILL);
	waitpid(D.pid, NULL, 0);
	D.pid = 0;
}

/* A port free for UDP and TCP on 127.0.0.1 (and 127.0.0.2) right now. */
static int free_port(void)
{
	for (int attempt = 0; attempt < 50; attempt++) {
		int u = socket(AF_INET, SOCK_DGRAM, 0);
		struct sockaddr_in a = { .sin_family = AF_INET };
		socklen_t al = sizeof(a);
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (u < 0 || bind(u, (struct sockaddr *)&a, sizeof(a)) != 0 ||
		    getsockname(u, (struct sockaddr *)&a, &al) != 0) {
			if (u >= 0)
				close(u);
			continue;
		}
		int t = socket(AF_INET, SOCK_STREAM, 0);
		int ok = t >= 0 && bind(t, (struct sockaddr *)&a, sizeof(a)) == 0;
		if (t >= 0)
			close(t);
		close(u);
		if (ok)
			return ntohs(a.sin_port);
	}
	fail_msg("no free port");
	return -1;
}

static void write_file(const char *path, const char *text)
{
	char tmp[256];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		fail_msg("cannot write %s: %s", tmp, strerror(errno));
	fputs(text, f);
	fclose(f);
	if (rename(tmp, path) != 0)
		fail_msg("rename %s: %s", path, strerror(errno));
}

/* A name in DNS wire format as hex, for dns-rr. */
static void wire_hex(const char *name, char *out, size_t outsz)
{
	size_t n = 0;
	const char *s = name;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		n += (size_t)snprintf(out + n, outsz - n, "%02zx", l);
		for (size_t i = 0; i < l; i++)
			n += (size_t)snprintf(out + n, outsz - n, "%02x", (unsigned char)s[i]);
		s += l + (dot ? 1 : 0);
	}
	snprintf(out + n, outsz - n, "00");
}

/* CAA RDATA as hex: flags, tag length, tag, value. */
static void caa_hex(int flags, const char *tag, const char *value, char *out, size_t outsz)
{
	size_t n = (size_t)snprintf(out, outsz, "%02x%02zx", flags, strlen(tag));
	for (const char *p = tag; *p; p++)
		n += (size_t)snprintf(out + n, outsz - n, "%02x", (unsigned char)*p);
	for (const char *p = value; *p; p++)
		n += (size_t)snprintf(out + n, outsz - n, "%02x", (unsigned char)*p);
}

/* The hosts file: the sites' addresses, s00002's A given by s2addr, and
** the bulk names b00000..b09999. */
static void write_hosts(const char *s2addr)
{
	size_t cap = 64 + (size_t)BULK * 64, n = 0;
	char *t = malloc(cap);
	assert_non_null(t);
	n += (size_t)snprintf(t + n, cap - n,
			      "192.0.2.11 s00001.gov.test\n192.0.2.1 s00001.gov.test\n"
			      "2001:db8::1 s00001.gov.test\n%s s00002.gov.test\n",
			      s2addr);
	for (int i = 0; i < BULK; i++)
		n += (size_t)snprintf(t + n, cap - n, "10.%d.%d.%d b%05d.gov.test\nfd00::%x b%05d.gov.test\n",
				      (i >> 16) & 255, (i >> 8) & 255, i & 255, i, i + 1, i);
	write_file(D.hosts, t);
	free(t);
}

static void write_conf(void)
{
	char path[128], ns1[128], sns1[128], sns2[128], caa1[128], caa2[128], conf[2048];
	wire_hex("ns1.gov.test", ns1, sizeof(ns1));
	wire_hex("ns1.s00001.gov.test", sns1, sizeof(sns1));
	wire_hex("NS2.Provider.test", sns2, sizeof(sns2));
	caa_hex(0, "issue", "ca.test", caa1, sizeof(caa1));
	caa_hex(128, "iodef", "mailto:soc@gov.test", caa2, sizeof(caa2));
	snprintf(conf, sizeof(conf),
		 "no-resolv\nno-hosts\nbind-interfaces\n"
		 "listen-address=127.0.0.1,127.0.0.2\nport=%d\n"
		 "local=/gov.test/\n"
		 "addn-hosts=%s\n"
		 "host-record=ns1.gov.test,127.0.0.2\n"
		 "dns-rr=gov.test,2,%s\n"
		 "mx-host=s00001.gov.test,mail.s00001.gov.test,10\n"
		 "mx-host=s00001.gov.test,MX2.s00001.gov.test,20\n"
		 "dns-rr=s00001.gov.test,257,%s\n"
		 "dns-rr=s00001.gov.test,257,%s\n"
		 "dns-rr=s00001.gov.test,2,%s\n"
		 "dns-rr=s00001.gov.test,2,%s\n",
		 D.port, D.hosts, ns1, caa1, caa2, sns1, sns2);
	snprintf(path, sizeof(path), "%s/dnsmasq.conf", D.dir);
	write_file(path, conf);
}

/* Does the server at addr:port answer "A ns1.gov.test"? */
static bool probe(const char *addr, int port)
{
	unsigned char q[64] = { 0x42, 0x42, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
	size_t n = 12;
	static const char qn[] = "\3ns1\3gov\4test";
	memcpy(q + n, qn, sizeof(qn)); /* with the terminating zero label */
	n += sizeof(qn);
	q[n++] = 0;
	q[n++] = 1;
	q[n++] = 0;
	q[n++] = 1;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	inet_pton(AF_INET, addr, &a.sin_addr);
	bool ok = false;
	if (s >= 0 && sendto(s, q, n, 0, (struct sockaddr *)&a, sizeof(a)) == (ssize_t)n) {
		struct pollfd p = { .fd = s, .events = POLLIN };
		unsigned char r[512];
		ok = poll(&p, 1, 200) == 1 && recv(s, r, sizeof(r), 0) > 12 && r[0] == 0x42 &&
		     (r[3] & 0x0f) == 0;
	}
	if (s >= 0)
		close(s);
	return ok;
}

/* dnsmasq drops capabilities as it starts, and a change of credentials
** clears PR_SET_PDEATHSIG, so it cannot be tied to the test process itself.
** It runs under a guard process that keeps that setting: when the test
** process dies in any way (even by abort, which skips atexit hooks), the
** guard gets SIGTERM and kills dnsmasq; SIGHUP is passed on. D.pid is the
** guard's pid. */
static volatile pid_t guard_child;

static void guard_signal(int sig)
{
	pid_t c = guard_child;
	if (sig == SIGHUP) {
		if (c > 0)
			kill(c, SIGHUP);
		return;
	}
	if (c > 0) {
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
	}
	_exit(0);
}

static void run_guard(char *const *argv, pid_t parent)
{
	sigset_t all, old;
	sigemptyset(&all);
	sigaddset(&all, SIGTERM);
	sigaddset(&all, SIGHUP);
	sigprocmask(SIG_BLOCK, &all, &old);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = guard_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(1);
	pid_t c = fork();
	if (c == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		char out[128];
		snprintf(out, sizeof(out), "%s/dnsmasq.out", D.dir);
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execv(DNSMASQ, argv);
		_exit(127);
	}
	guard_child = c;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (c < 0)
		_exit(127);
	int st = 0;
	while (waitpid(c, &st, 0) < 0 && errno == EINTR)
		;
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
}

static bool start_dnsmasq(void)
{
	char conf[128], pidf[128], logf[128];
	snprintf(conf, sizeof(conf), "--conf-file=%s/dnsmasq.conf", D.dir);
	snprintf(pidf, sizeof(pidf), "--pid-file=%s/dnsmasq.pid", D.dir);
	snprintf(logf, sizeof(logf), "--log-facility=%s/dnsmasq.log", D.dir);
	/* as root dnsmasq would become "nobody", who cannot re-read the hosts
	** file in our 0700 directory on SIGHUP */
	char *argv[] = { DNSMASQ, conf, "--keep-in-foreground", pidf, logf,
			 geteuid() == 0 ? "--user=root" : NULL, NULL };
	pid_t parent = getpid();
	D.pid = fork();
	if (D.pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (D.pid == 0)
		run_guard(argv, parent);
	for (int i = 0; i < 250; i++) {
		if (probe("127.0.0.1", D.port) && probe("127.0.0.2", D.port))
			return true;
		if (waitpid(D.pid, NULL, WNOHANG) == D.pid) {
			D.pid = 0;
			return false;
		}
		usleep(20000);
	}
	stop_dnsmasq();
	return false;
}

static int group_setup(void **state)
{
	(void)state;
	if (access(DNSMASQ, X_OK) != 0) {
		fprintf(stderr, "test_dns: %s missing (Debian package dnsmasq-base)\n", DNSMASQ);
		return -1;
	}
	PSTRCPY(D.dir, "/tmp/parapet-it-dns-XXXXXX");
	if (!mkdtemp(D.dir))
		return -1;
	snprintf(D.hosts, sizeof(D.hosts), "%s/hosts", D.dir);
	atexit(stop_dnsmasq);
	write_hosts("192.0.2.2");
	for (int attempt = 0; attempt < 5; attempt++) {
		D.port = free_port();
		write_conf();
		if (start_dnsmasq()) {
			snprintf(D.servers, sizeof(D.servers), "127.0.0.1:%d", D.port);
			return 0;
		}
	}
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "cat %s/dnsmasq.out %s/dnsmasq.log 1>&2", D.dir, D.dir);
	if (system(cmd) != 0)
		fprintf(stderr, "test_dns: no dnsmasq log\n");
	fprintf(stderr, "test_dns: dnsmasq did not start\n");
	return -1;
}

static int group_teardown(void **state)
{
	(void)state;
	stop_dnsmasq();
	if (D.dir[0] && !getenv("PARAPET_KEEP_TMP")) {
		const char *files[] = { "dnsmasq.conf", "dnsmasq.pid", "dnsmasq.log", "dnsmasq.out",
					"hosts", NULL };
		char p[192];
		for (int i = 0; files[i]; i++) {
			snprintf(p, sizeof(p), "%s/%s", D.dir, files[i]);
			unlink(p);
		}
		rmdir(D.dir);
	}
	return 0;
}

/* ------------------------------------------------------------- helpers */

static struct dns_opts opts(void)
{
	struct dns_opts o = { .servers = D.servers, .timeout_ms = 1000, .tries = 2,
			      .auth_port = D.port };
	return o;
}

static void resolve(const struct dns_opts *o, const char *const *names, size_t n, unsigned types,
		    struct dns_result *out)
{
	struct perr e;
	perr_clear(&e);
	if (dns_resolve_batch(o, names, n, types, out, &e) != 0)
		fail_msg("dns_resolve_batch: %s", e.msg);
}

static void values_are(const struct dns_result *r, enum dns_type t, const char *want)
{
	char got[2048] = "";
	size_t n = 0;
	for (uint32_t i = 0; i < r->rr[t].n; i++)
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s", i ? "|" : "", r->rr[t].v[i]);
	if (r->rr[t].status != DNS_ST_OK || strcmp(got, want) != 0)
		fail_msg("%s %s: got %s [%s] (%s), want ok [%s]", r->name, dns_type_name(t),
			 dns_status_name(r->rr[t].status), got, r->rr[t].text, want);
}

static void status_is(const struct dns_result *r, enum dns_type t, enum dns_status want)
{
	if (r->rr[t].status != want)
		fail_msg("%s %s: got %s (%s), want %s", r->name, dns_type_name(t),
			 dns_status_name(r->rr[t].status), r->rr[t].text, dns_status_name(want));
}

static void free_all(struct dns_result *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dns_result_free(&r[i]);
}

/* --------------------------------------------------------------- tests */

static void records(void **state)
{
	(void)state;
	const char *names[] = { "s00001.gov.test", "S00002.GOV.TEST.", "nope.gov.test", "bad name",
				"elsewhere.example" };
	struct dns_result r[5];
	struct dns_opts o = opts();
	resolve(&o, names, 5, DNS_ALL, r);

	assert_string_equal(r[0].name, "s00001.gov.test");
	values_are(&r[0], DNS_A, "192.0.2.1|192.0.2.11");
	values_are(&r[0], DNS_AAAA, "2001:db8::1");
	values_are(&r[0], DNS_NS, "ns1.s00001.gov.test|ns2.provider.test");
	values_are(&r[0], DNS_NS_PARENT, "ns1.s00001.gov.test|ns2.provider.test");
	values_are(&r[0], DNS_MX, "10 mail.s00001.gov.test|20 mx2.s00001.gov.test");
	values_are(&r[0], DNS_CAA, "0 issue \"ca.test\"|128 iodef \"mailto:soc@gov.test\"");

	assert_string_equal(r[1].name, "s00002.gov.test");
	values_are(&r[1], DNS_A, "192.0.2.2");
	status_is(&r[1], DNS_AAAA, DNS_ST_NODATA);
	status_is(&r[1], DNS_NS, DNS_ST_NODATA);
	status_is(&r[1], DNS_NS_PARENT, DNS_ST_NODATA);
	status_is(&r[1], DNS_MX, DNS_ST_NODATA);
	status_is(&r[1], DNS_CAA, DNS_ST_NODATA);

	for (int t = 0; t < DNS_NTYPES; t++)
		status_is(&r[2], (enum dns_type)t, DNS_ST_NXDOMAIN);
	for (int t = 0; t < DNS_NTYPES; t++)
		status_is(&r[3], (enum dns_type)t, DNS_ST_ERROR);
	/* dnsmasq without upstream refuses names outside its zones, and the
	** parent zone "example" has no NS there either */
	for (int t = 0; t < DNS_NTYPES; t++)
		if (t != DNS_NS_PARENT)
			status_is(&r[4], (enum dns_type)t, DNS_ST_REFUSED);
	status_is(&r[4], DNS_NS_PARENT, DNS_ST_REFUSED);

	/* the JSON of an observation is stable and reads back */
	json_t *j;
	struct perr e;
	assert_int_equal(dns_result_json(&r[0], &j, &e), 0);
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	struct dns_result back;
	assert_int_equal(dns_result_from_json(j, &back, &e), 0);
	struct dns_diff d;
	assert_int_equal(dns_diff(&r[0], &back, &d), 0);
	json_decref(j);
	assert_int_equal(dns_result_json(&back, &j, &e), 0);
	char *s2 = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, s2);
	json_decref(j);
	free(s);
	free(s2);
	dns_result_free(&back);

	/* the same lookup again: identical */
	struct dns_result again[5];
	resolve(&o, names, 5, DNS_ALL, again);
	for (int i = 0; i < 5; i++)
		assert_int_equal(dns_diff(&r[i], &again[i], &d), 0);
	free_all(again, 5);
	free_all(r, 5);
}

static void changed_a_record(void **state)
{
	(void)state;
	const char *names[] = { "s00001.gov.test", "s00002.gov.test" };
	struct dns_result before[2], after[2];
	struct dns_opts o = opts();
	unsigned types = DNS_ALL;
	resolve(&o, names, 2, types, before);
	values_are(&before[1], DNS_A, "192.0.2.2");

	write_hosts("203.0.113.66");
	kill(D.pid, SIGHUP);
	bool seen = false;
	for (int i = 0; i < 100 && !seen; i++) {
		resolve(&o, names, 2, types, after);
		seen = after[1].rr[DNS_A].n == 1 &&
		       strcmp(after[1].rr[DNS_A].v[0], "203.0.113.66") == 0;
		if (!seen) {
			free_all(after, 2);
			usleep(50000);
		}
	}
	write_hosts("192.0.2.2");
	kill(D.pid, SIGHUP);
	if (!seen)
		fail_msg("the new A record of s00002 was not seen after SIGHUP");

	struct dns_diff d;
	assert_int_equal(dns_diff(&before[0], &after[0], &d), 0);
	assert_int_equal(dns_diff(&before[1], &after[1], &d), 1);
	assert_int_equal(d.ch[0].type, DNS_A);
	assert_int_equal(d.ch[0].was, DNS_ST_OK);
	assert_int_equal(d.ch[0].now, DNS_ST_OK);
	assert_int_equal(d.ch[0].nadded, 1);
	assert_string_equal(d.ch[0].added[0], "203.0.113.66");
	assert_int_equal(d.ch[0].nremoved, 1);
	assert_string_equal(d.ch[0].removed[0], "192.0.2.2");
	free_all(before, 2);
	free_all(after, 2);

	/* and back */
	for (int i = 0; i < 100; i++) {
		resolve(&o, names + 1, 1, DNS_BIT(DNS_A), after);
		bool back = after[0].rr[DNS_A].n == 1 &&
			    strcmp(after[0].rr[DNS_A].v[0], "192.0.2.2") == 0;
		dns_result_free(&after[0]);
		if (back)
			return;
		usleep(50000);
	}
	fail_msg("s00002 did not get its address back");
}

/* All types of all names TIMEOUT, in less than max_ms. */
static void all_timeout(const struct dns_opts *o, int64_t max_ms, const char *text)
{
	const char *names[20];
	char buf[20][32];
	for (int i = 0; i < 20; i++) {
		snprintf(buf[i], sizeof(buf[i]), "s%05d.gov.test", i);
		names[i] = buf[i];
	}
	struct dns_result r[20];
	int64_t t0 = now_ms();
	resolve(o, names, 20, DNS_ALL, r);
	int64_t ms = now_ms() - t0;
	for (int i = 0; i < 20; i++)
		for (int t = 0; t < DNS_NTYPES; t++) {
			status_is(&r[i], (enum dns_type)t, DNS_ST_TIMEOUT);
			if (text && !strstr(r[i].rr[t].text, text))
				fail_msg("%s %s: detail \"%s\", want \"%s\"", r[i].name,
					 dns_type_name((enum dns_type)t), r[i].rr[t].text, text);
		}
	print_message("  20 names, all types, %s: %lld ms\n", o->servers, (long long)ms);
	if (ms > max_ms)
		fail_msg("took %lld ms (bound %lld)", (long long)ms, (long long)max_ms);
	free_all(r, 20);
}

static void dead_port(void **state)
{
	(void)state;
	char servers[64];
	snprintf(servers, sizeof(servers), "127.0.0.1:%d", free_port());
	struct dns_opts o = { .servers = servers, .timeout_ms = 300, .tries = 2,
			      .auth_port = D.port };
	all_timeout(&o, 5000, NULL);
}

static void silent_server(void **state)
{
	(void)state;
	/* a UDP socket that never reads: real timeouts, no ICMP */
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &al), 0);
	char servers[64];
	snprintf(servers, sizeof(servers), "127.0.0.1:%d", ntohs(a.sin_port));
	struct dns_opts o = { .servers = servers, .timeout_ms = 200, .tries = 2,
			      .auth_port = D.port };
	/* two rounds of 200 + 400 ms at most, then the breaker */
	all_timeout(&o, 4000, NULL);

	/* a deadline shorter than one timeout cuts the batch */
	o.timeout_ms = 5000;
	o.deadline_ms = 300;
	all_timeout(&o, 1500, "deadline");
	close(s);
}

static void dead_auth_port(void **state)
{
	(void)state;
	const char *names[] = { "s00001.gov.test", "s00002.gov.test" };
	struct dns_result ok[2], r[2];
	struct dns_opts o = opts();
	resolve(&o, names, 2, DNS_ALL, ok);
	o.auth_port = free_port();
	o.timeout_ms = 300;
	resolve(&o, names, 2, DNS_ALL, r);
	for (int i = 0; i < 2; i++) {
		status_is(&r[i], DNS_NS_PARENT, DNS_ST_TIMEOUT);
		status_is(&r[i], DNS_A, DNS_ST_OK);
		struct dns_diff d;
		/* a timeout is not a change */
		assert_int_equal(dns_diff(&ok[i], &r[i], &d), 0);
	}
	values_are(&r[0], DNS_NS, "ns1.s00001.gov.test|ns2.provider.test");
	free_all(ok, 2);
	free_all(r, 2);
}

static void batch_10k(void **state)
{
	(void)state;
	char (*buf)[16] = calloc(BULK, sizeof(*buf));
	const char **names = calloc(BULK, sizeof(*names));
	struct dns_result *r = calloc(BULK, sizeof(*r));
	assert_non_null(buf);
	assert_non_null(names);
	assert_non_null(r);
	for (int i = 0; i < BULK; i++) {
		snprintf(buf[i], sizeof(buf[i]), "b%05d.gov.test", i);
		names[i] = buf[i];
	}
	struct dns_opts o = opts();
	static const struct {
		const char *label;
		unsigned types;
	} runs[] = {
		{ "dns_batch_10k", DNS_BIT(DNS_A) | DNS_BIT(DNS_AAAA) },
		{ "dns_batch_10k_all_types", DNS_ALL },
	};
	for (size_t k = 0; k < sizeof(runs) / sizeof(runs[0]); k++) {
		int64_t t0 = now_ms();
		resolve(&o, names, BULK, runs[k].types, r);
		int64_t ms = now_ms() - t0;
		for (int i = 0; i < BULK; i++) {
			char a[32], aaaa[32];
			snprintf(a, sizeof(a), "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
			snprintf(aaaa, sizeof(aaaa), "fd00::%x", i + 1);
			values_are(&r[i], DNS_A, a);
			values_are(&r[i], DNS_AAAA, aaaa);
			if (runs[k].types & DNS_BIT(DNS_MX))
				status_is(&r[i], DNS_MX, DNS_ST_NODATA);
			if (runs[k].types & DNS_BIT(DNS_NS_PARENT))
				status_is(&r[i], DNS_NS_PARENT, DNS_ST_NODATA);
			dns_result_free(&r[i]);
		}
		print_message("bench %s: %lld ms (%d names, %d queries)\n", runs[k].label,
			      (long long)ms, BULK, BULK * __builtin_popcount(runs[k].types));
	}
	free(r);
	free(names);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(records),
		cmocka_unit_test(changed_a_record),
		cmocka_unit_test(dead_port),
		cmocka_unit_test(silent_server),
		cmocka_unit_test(dead_auth_port),
		cmocka_unit_test(batch_10k),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
