/*
** flow_lab.c — the BGP speakers the flow tests peer (see flow_lab.h).
**
** The next hop the tests announce is a TEST-NET address, not loopback:
** GoBGP treats an update whose next hop is 127.0.0.0/8 as a withdrawal
** ("invalid nexthop address"). ExaBGP run as root drops to
** exabgp.daemon.user (nobody), who cannot read the test's directory: it
** runs as whoever runs the test, without its CLI pipes in /run.
*/
#include "flow_lab.h"
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "flow/flow.h"

static int64_t lab_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void lab_nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int free_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t n = sizeof(a);
	int port = -1;
	if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(s, (struct sockaddr *)&a, &n) == 0)
		port = ntohs(a.sin_port);
	if (s >= 0)
		close(s);
	return port;
}

static int lab_file(const struct flow_bgp_lab *l, const char *name, const char *text, mode_t mode)
{
	char path[700];
	snprintf(path, sizeof(path), "%s/%s", l->dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	fclose(f);
	return chmod(path, mode);
}

static pid_t spawn(const struct flow_bgp_lab *l, const char *const argv[], const char *log,
		   char *const envp[])
{
	char path[700];
	snprintf(path, sizeof(path), "%s/%s", l->dir, log);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (chdir(l->dir) != 0)
			_exit(126);
		setpgid(0, 0);
		if (envp)
			execve(argv[0], (char *const *)argv, envp);
		else
			execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

int flow_bgp_lab_start(struct flow_bgp_lab *l, const char *dir)
{
	memset(l, 0, sizeof(*l));
	l->gobgpd = l->exabgp = -1;
	if (pstrlcpy(l->dir, dir, sizeof(l->dir)) != 0)
		return -1;
	snprintf(l->pipe, sizeof(l->pipe), "%s/api.pipe", dir);
	l->api_port = free_port();
	l->bgp_port = free_port();
	if (l->api_port <= 0 || l->bgp_port <= 0 || l->api_port == l->bgp_port)
		return -1;
	char text[4096];
	snprintf(text, sizeof(text),
		 "[global.config]\n  as = 65001\n  router-id = \"127.0.0.1\"\n  port = %d\n"
		 "  local-address-list = [\"127.0.0.1\"]\n"
		 "[[neighbors]]\n  [neighbors.config]\n    neighbor-address = \"127.0.0.1\"\n"
		 "    peer-as = 65002\n  [neighbors.transport.config]\n    passive-mode = true\n"
		 "  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n"
		 "      afi-safi-name = \"ipv4-unicast\"\n"
		 "  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n"
		 "      afi-safi-name = \"ipv6-unicast\"\n"
		 "  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n"
		 "      afi-safi-name = \"ipv4-flowspec\"\n"
		 "  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n"
		 "      afi-safi-name = \"ipv6-flowspec\"\n",
		 l->bgp_port);
	if (lab_file(l, "gobgpd.toml", text, 0644) != 0)
		return -1;
	/* ExaBGP's API process: cat of the pipe, opened read-write so that it
	** never sees end-of-file between writers */
	if (lab_file(l, "feed.sh", "#!/bin/sh\nexec cat 0<>\"$1\"\n", 0755) != 0)
		return -1;
	snprintf(text, sizeof(text),
		 "process feed {\n    run %s/feed.sh %s;\n    encoder text;\n}\n"
		 "neighbor 127.0.0.1 {\n    router-id 127.0.0.2;\n    local-address 127.0.0.1;\n"
		 "    local-as 65002;\n    peer-as 65001;\n    connect %d;\n"
		 "    family {\n        ipv4 unicast;\n        ipv6 unicast;\n        ipv4 flow;\n"
		 "        ipv6 flow;\n    }\n"
		 "    api {\n        processes [ feed ];\n    }\n}\n",
		 dir, l->pipe, l->bgp_port);
	if (lab_file(l, "exabgp.conf", text, 0644) != 0 || mkfifo(l->pipe, 0600) != 0)
		return -1;
	char api[64];
	snprintf(api, sizeof(api), "127.0.0.1:%d", l->api_port);
	const char *g[] = { "/usr/bin/gobgpd", "-f", "gobgpd.toml", "--api-hosts", api,
			    "-l", "info", NULL };
	l->gobgpd = spawn(l, g, "gobgpd.log", NULL);
	struct passwd *pw = getpwuid(getuid());
	char user[128];
	snprintf(user, sizeof(user), "exabgp.daemon.user=%s", pw ? pw->pw_name : "root");
	char *env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", user, "exabgp.api.cli=false",
			"exabgp.tcp.bind=", "exabgp.log.level=INFO", NULL };
	const char *e[] = { "/usr/sbin/exabgp", "exabgp.conf", NULL };
	l->exabgp = spawn(l, e, "exabgp.log", env);
	return l->gobgpd > 0 && l->exabgp > 0 ? 0 : -1;
}

bool flow_bgp_lab_wait(const struct flow_bgp_lab *l, const char *args, const char *const want[],
		       size_t n_want, bool present)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "gobgp -u 127.0.0.1 -p %d %s 2>&1", l->api_port, args);
	struct pbuf out;
	pbuf_init(&out, 0);
	bool ok = false;
	for (int64_t end = lab_now_ms() + 30000; !ok && lab_now_ms() < end;) {
		pbuf_reset(&out);
		FILE *p = popen(cmd, "r");
		if (!p)
			break;
		char buf[4096];
		size_t n;
		while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
			pbuf_add(&out, buf, n);
		pclose(p);
		const char *s = pbuf_cstr(&out);
		size_t hits = 0;
		for (size_t i = 0; i < n_want; i++)
			hits += s && strstr(s, want[i]) != NULL;
		ok = present ? hits == n_want : hits == 0;
		if (!ok)
			lab_nap_ms(100); /* the next look at the RIB */
	}
	if (!ok)
		fprintf(stderr, "gobgp %s after 30 s:\n%s\n", args, pbuf_cstr(&out));
	pbuf_free(&out);
	return ok;
}

void flow_bgp_lab_show(const struct flow_bgp_lab *l, const char *log)
{
	char cmd[800];
	snprintf(cmd, sizeof(cmd), "echo '--- %s'; tail -n 30 %s/%s", log, l->dir, log);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot show %s\n", log);
}

static void stop_pid(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(-pid, SIGTERM);
	int64_t end = lab_now_ms() + 10000;
	while (waitpid(pid, NULL, WNOHANG) == 0) {
		if (lab_now_ms() > end) {
			kill(-pid, SIGKILL);
			waitpid(pid, NULL, 0);
			break;
		}
		lab_nap_ms(20);
	}
}

void flow_bgp_lab_stop(struct flow_bgp_lab *l)
{
	stop_pid(l->exabgp);
	stop_pid(l->gobgpd);
	l->exabgp = l->gobgpd = -1;
}

bool flow_lab_pipe_has(struct flow_lab_pipe *p, int fd, const char *text)
{
	while (p->len + 1 < sizeof p->text) {
		ssize_t n = read(fd, p->text + p->len, sizeof p->text - 1 - p->len);
		if (n <= 0)
			break;
		p->len += (size_t)n;
	}
	p->text[p->len] = '\0';
	return strstr(p->text, text) != NULL;
}

/* ------------------------------------------------------------ pcap files */

static uint64_t pcap_rs = 0x9e3779b97f4a7c15ull;

/* The payload's and the IPv4 id's bytes: any, but the same on every run. */
static uint32_t pcap_rnd(void)
{
	pcap_rs ^= pcap_rs << 13;
	pcap_rs ^= pcap_rs >> 7;
	pcap_rs ^= pcap_rs << 17;
	return (uint32_t)pcap_rs;
}

static void le32(FILE *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	fwrite(b, 1, 4, f);
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

FILE *flow_lab_pcap_open(const char *path)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return NULL;
	/* magic, version 2.4, no zone, no accuracy, snaplen 65535, Ethernet */
	static const uint8_t gh[20] = { 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0 };
	le32(f, 0xa1b2c3d4);
	fwrite(gh, 1, sizeof gh, f);
	return f;
}

size_t flow_lab_pcap_packet(FILE *f, uint64_t t_us, int family, const uint8_t *src,
			    const uint8_t *dst, int proto, uint16_t sport, uint16_t dport,
			    uint8_t tcpflags, size_t plen)
{
	uint8_t b[1600];
	memset(b, 0, sizeof b);
	if (plen > 1400)
		plen = 1400;
	memcpy(b, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	b[12] = family == 6 ? 0x86 : 0x08;
	b[13] = family == 6 ? 0xdd : 0x00;
	size_t l4 = proto == 6 ? 20 : 8;
	size_t iph = family == 6 ? 40 : 20;
	size_t iplen = iph + l4 + plen;
	uint8_t *ip = b + 14;
	if (family == 4) {
		ip[0] = 0x45;
		ip[2] = (uint8_t)(iplen >> 8);
		ip[3] = (uint8_t)iplen;
		ip[4] = (uint8_t)pcap_rnd();
		ip[8] = 64;
		ip[9] = (uint8_t)proto;
		memcpy(ip + 12, src, 4);
		memcpy(ip + 16, dst, 4);
		uint16_t c = csum(ip, 20);
		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
	} else {
		ip[0] = 0x60;
		ip[4] = (uint8_t)((iplen - 40) >> 8);
		ip[5] = (uint8_t)(iplen - 40);
		ip[6] = (uint8_t)proto;
		ip[7] = 64;
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
	}
	uint8_t *l = ip + iph;
	if (proto == 6) {
		l[0] = (uint8_t)(sport >> 8), l[1] = (uint8_t)sport;
		l[2] = (uint8_t)(dport >> 8), l[3] = (uint8_t)dport;
		l[12] = 0x50;
		l[13] = tcpflags;
		l[14] = 0xff;
	} else if (proto == 17) {
		l[0] = (uint8_t)(sport >> 8), l[1] = (uint8_t)sport;
		l[2] = (uint8_t)(dport >> 8), l[3] = (uint8_t)dport;
		l[4] = (uint8_t)((8 + plen) >> 8), l[5] = (uint8_t)(8 + plen);
	} else {
		l[0] = family == 6 ? 128 : 8; /* echo request */
		l[4] = (uint8_t)(sport >> 8), l[5] = (uint8_t)sport;
	}
	for (size_t i = 0; i < plen; i++)
		l[l4 + i] = (uint8_t)pcap_rnd();
	size_t n = 14 + iplen;
	le32(f, (uint32_t)(t_us / 1000000));
	le32(f, (uint32_t)(t_us % 1000000));
	le32(f, (uint32_t)n);
	le32(f, (uint32_t)n);
	fwrite(b, 1, n, f);
	return iplen;
}

void flow_lab_addr(int family, int net, int host, uint8_t out[16])
{
	memset(out, 0, 16);
	if (family == 4) {
		out[0] = 10, out[1] = (uint8_t)net, out[3] = (uint8_t)host;
	} else {
		out[0] = 0x20, out[1] = 0x01, out[2] = 0x0d, out[3] = 0xb8;
		out[5] = (uint8_t)net, out[15] = (uint8_t)host;
	}
}

/* ------------------------------------------------------------ exporting */

bool flow_lab_send(int fd, int port, const void *b, size_t n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				 .sin_port = htons((uint16_t)port) };
	return sendto(fd, b, n, 0, (struct sockaddr *)&a, sizeof a) == (ssize_t)n;
}

bool flow_lab_send_v5(int fd, int port, uint32_t *seq, const struct flow_rec *rec,
		      int datagrams)
{
	uint8_t b[2048];
	for (int k = 0; k < datagrams; k++) {
		size_t used = 0;
		size_t n = flow_gen_nf5(b, sizeof b, rec, 30, 1, *seq, &used);
		if (n == 0 || used != 30 || !flow_lab_send(fd, port, b, n))
			return false;
		*seq += 30;
	}
	return true;
}
