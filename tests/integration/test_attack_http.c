/*
** test_attack_http.c — attacks on the HTTP layer itself (issue 11), each
** against the real `parapet serve` on loopback, driven over raw sockets
** where libcurl would be too polite:
**
** - bodies before credentials: every upload route refuses an anonymous
**   client on its headers alone, before a body byte is sent; a flood of
**   anonymous 200 MB uploads (announced and chunked) leaves the server's
**   resident memory where it was; an authenticated large evidence file still
**   lands on disk whole; the memory budget for bodies answers 503 with
**   Retry-After;
** - slowloris: one address holds at most http.per_ip_connections; headers
**   trickled a byte at a time are cut at http.header_timeout; 1,100 slow
**   connections from 59 loopback addresses leave /healthz answering within
**   1 s;
** - oversized request targets and header fields get 414 and 431 problem
**   documents;
** - /metrics needs national staff credentials on the API listener and is
**   served alone, without credentials, on the metrics listener.
**
** The server's resident size is read from /proc/PID/status (VmRSS).
*/
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "harness.h"
#include "http/http.h"

#define ADMIN_PW "attack-admin-password-1"

static struct {
	char *dir;
	struct h_server srv;
	char *admin_tok;
	struct h_cred admin;
	int64_t org;
	int64_t inc;
} G;

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ------------------------------------------------------------- sockets */

/* A TCP connection to 127.0.0.1:port from source address src (NULL: any).
** Returns the socket or -1. */
static int tcp_connect(const char *src, int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	if (src) {
		inet_pton(AF_INET, src, &sa.sin_addr);
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
			close(fd);
			return -1;
		}
	}
	sa.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read one response within ms: returns its status (the whole response in
** out, NUL-terminated), or -1 when none came whole in time. */
static long read_response(int fd, int ms, char *out, size_t cap)
{
	size_t len = 0;
	int64_t end = now_ms() + ms;
	out[0] = '\0';
	for (;;) {
		char *hend = strstr(out, "\r\n\r\n");
		if (hend) {
			const char *cl = strcasestr(out, "\r\nContent-Length:");
			size_t want = (size_t)(hend + 4 - out) + (cl ? strtoul(cl + 17, NULL, 10) : 0);
			if (len >= want || len == cap - 1)
				break;
		}
		int left = (int)(end - now_ms());
		if (left <= 0)
			return -1;
		struct pollfd pf = { fd, POLLIN, 0 };
		if (poll(&pf, 1, left) <= 0)
			continue;
		ssize_t r = recv(fd, out + len, cap - 1 - len, 0);
		if (r <= 0)
			break;
		len += (size_t)r;
		out[len] = '\0';
	}
	long status = -1;
	if (strncmp(out, "HTTP/1.1 ", 9) == 0 && strstr(out, "\r\n\r\n"))
		status = strtol(out + 9, NULL, 10);
	return status;
}

/* The JSON body of a raw response (NULL when it is not JSON). */
static json_t *raw_json(const char *resp)
{
	const char *b = strstr(resp, "\r\n\r\n");
	return b ? json_loads(b + 4, 0, NULL) : NULL;
}

/* Assert a raw response is a problem document of status want. */
static void raw_problem(const char *resp, long want)
{
	char *st = h_fmt("HTTP/1.1 %ld ", want);
	H_CONTAINS(resp, st);
	free(st);
	H_CONTAINS(resp, "application/problem+json");
	json_t *j = raw_json(resp);
	assert_non_null(j);
	assert_int_equal(h_jint(j, "status"), want);
	assert_true(strlen(h_jstr(j, "detail")) > 0);
	json_decref(j);
}

/* VmRSS of pid, kB (0 when unreadable). */
static long rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = 0;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

/* The path of an upload route with its {x} segments filled in. */
static char *route_path(const struct route *rt)
{
	char *p = h_fmt("%s", rt->pattern);
	char *b = strchr(p, '{');
	if (b) {
		char *e = strchr(b, '}');
		char *q = h_fmt("%.*s%lld%s", (int)(b - p), p, (long long)G.inc, e + 1);
		free(p);
		p = q;
	}
	char *q = h_fmt("%s?name=big.bin", p);
	free(p);
	return q;
}

/* ---------------------------------------------------------------- setup */

static int group_setup(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);
	memset(&G, 0, sizeof(G));
	G.dir = h_tmpdir("attack-http");
	h_migrate(G.dir);
	h_user_add(G.dir, "admin", "admin", 0, NULL, ADMIN_PW);
	G.admin_tok = h_token_add(G.dir, "admin", "--name", "attack", NULL);
	G.admin.token = G.admin_tok;
	G.org = h_org_add(G.dir, "Attack Org", "Tehran");
	const char *env[] = { "PARAPET_EVIDENCE_MAX_SIZE=67108864", NULL };
	h_server_start(&G.srv, G.dir, env);
	struct h_resp r;
	char *b = h_fmt("{\"org_id\":%lld,\"title\":\"target\",\"summary\":\"x\"}", (long long)G.org);
	h_http(&G.srv, &r, "POST", "/api/v1/incidents", &G.admin, b);
	free(b);
	H_STATUS(&r, 201);
	G.inc = h_jint(r.json, "id");
	h_resp_free(&r);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	int rc = h_server_stop(&G.srv);
	free(G.admin_tok);
	h_rmdir(G.dir);
	return rc == 0 ? 0 : -1;
}

/* ------------------------------------------------- bodies before credentials */

/* Every upload route, anonymously and with a session lacking its CSRF
** token: the refusal comes on the headers alone, though the client has
** announced 200 MB and sent none of it. */
static void upload_routes_refused_before_body(void **state)
{
	(void)state;
	char cookie[128], csrf[128];
	h_login(&G.srv, "admin", ADMIN_PW, cookie, csrf);
	int n = 0;
	for (const struct route *rt = http_routes; rt->pattern; rt++) {
		if (!rt->raw_body)
			continue;
		n++;
		char *path = route_path(rt);
		static const char *framing[] = { "Content-Length: 209715200\r\n",
						 "Transfer-Encoding: chunked\r\n" };
		for (int f = 0; f < 2; f++)
			for (int who = 0; who < 2; who++) {
				int fd = tcp_connect(NULL, G.srv.port);
				assert_true(fd >= 0);
				char *cred = who ? h_fmt("Cookie: parapet_session=%s\r\n", cookie)
						 : h_fmt("%s", "");
				char *req = h_fmt("%s %s HTTP/1.1\r\nHost: x\r\n"
						  "Content-Type: application/octet-stream\r\n%s%s\r\n",
						  rt->method, path, framing[f], cred);
				assert_int_equal(send_all(fd, req, strlen(req)), 0);
				char resp[8192];
				long st = read_response(fd, 5000, resp, sizeof(resp));
				if (st < 0)
					fail_msg("%s %s (%s): no answer without the body", rt->method,
						 path, framing[f]);
				raw_problem(resp, who ? 403 : 401);
				if (who)
					H_CONTAINS(resp, "X-CSRF-Token");
				free(req);
				free(cred);
				close(fd);
			}
		free(path);
	}
	assert_true(n >= 2); /* evidence and report uploads */
}

struct flood {
	const char *path;
	bool chunked;
	long status;
	int64_t sent;
};

/* One anonymous client pushing a 200 MB body as fast as the server takes
** it, stopping only when an answer arrives. */
static void *flood_one(void *arg)
{
	struct flood *f = arg;
	const int64_t total = 200LL << 20;
	f->status = -1;
	int fd = tcp_connect(NULL, G.srv.port);
	if (fd < 0)
		return NULL;
	char *req = h_fmt("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
			  "%s\r\n",
			  f->path, f->chunked ? "Transfer-Encoding: chunked\r\n"
					      : "Content-Length: 209715200\r\n");
	static char chunk[65536 + 16];
	size_t clen = 65536;
	char *data = chunk;
	if (f->chunked) {
		int h = snprintf(chunk, 16, "10000\r\n");
		memset(chunk + h, 'A', 65536);
		memcpy(chunk + h + 65536, "\r\n", 2);
		clen = (size_t)h + 65536 + 2;
	} else {
		memset(chunk, 'A', 65536);
	}
	if (send_all(fd, req, strlen(req)) == 0) {
		int64_t end = now_ms() + 20000;
		while (f->sent < total && now_ms() < end) {
			struct pollfd pf = { fd, POLLIN | POLLOUT, 0 };
			if (poll(&pf, 1, 1000) <= 0)
				continue;
			if (pf.revents & (POLLIN | POLLERR | POLLHUP))
				break;
			if (send_all(fd, data, clen) != 0)
				break;
			f->sent += 65536;
		}
		char resp[8192];
		f->status = read_response(fd, 5000, resp, sizeof(resp));
	}
	free(req);
	close(fd);
	return NULL;
}

/* Twelve anonymous 200 MB uploads at once (announced and chunked, on both
** upload routes): each gets 401 and the server's resident memory grows by
** a few MB at most (it used to hold every body: 1.7 GB for six). */
static void anonymous_flood_holds_no_memory(void **state)
{
	(void)state;
	char *paths[2] = { NULL, NULL };
	int np = 0;
	for (const struct route *rt = http_routes; rt->pattern && np < 2; rt++)
		if (rt->raw_body)
			paths[np++] = route_path(rt);
	assert_int_equal(np, 2);
	long base = rss_kb(G.srv.pid);
	assert_true(base > 0);
	enum { N = 12 };
	struct flood fl[N];
	pthread_t th[N];
	for (int i = 0; i < N; i++) {
		fl[i] = (struct flood){ paths[i % 2], (i / 2) % 2 == 1, -1, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, flood_one, &fl[i]), 0);
	}
	/* sample while they push */
	long peak = base;
	for (int k = 0; k < 100; k++) {
		long r = rss_kb(G.srv.pid);
		if (r > peak)
			peak = r;
		usleep(20000);
	}
	for (int i = 0; i < N; i++)
		pthread_join(th[i], NULL);
	long r = rss_kb(G.srv.pid);
	if (r > peak)
		peak = r;
	print_message("anonymous flood: RSS %ld kB before, %ld kB at most\n", base, peak);
	if (peak - base > 8 * 1024)
		fail_msg("server RSS grew by %ld kB under an anonymous flood", peak - base);
	for (int i = 0; i < N; i++)
		if (fl[i].status != 401)
			fail_msg("flood %d (%s, %s): status %ld after %lld bytes", i, fl[i].path,
				 fl[i].chunked ? "chunked" : "announced", fl[i].status,
				 (long long)fl[i].sent);
	free(paths[0]);
	free(paths[1]);
}

/* A 40 MB evidence file from an admin (announced) and a 3 MB one (chunked,
** so it moves from memory to a file mid-way) land on disk whole, with the
** right SHA-256, and the temporary directory is private and left empty. */
static void authenticated_big_evidence_lands(void **state)
{
	(void)state;
	size_t sizes[2] = { 40u << 20, 3u << 20 };
	for (int k = 0; k < 2; k++) {
		size_t n = sizes[k];
		unsigned char *data = malloc(n);
		assert_non_null(data);
		uint32_t x = 2463534242u + (uint32_t)k;
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			data[i] = (unsigned char)x;
		}
		uint8_t h[32];
		char hex[65];
		core_sha256(data, n, h);
		core_hex(h, 32, hex);
		struct h_resp r;
		char *path = h_fmt("/api/v1/incidents/%lld/evidence?name=disk%d.img",
				   (long long)G.inc, k);
		h_http_ex(&G.srv, &r, "POST", path, &G.admin, "application/octet-stream",
			  (const char *)data, n, k == 1, NULL);
		free(path);
		H_STATUS(&r, 201);
		assert_string_equal(h_jstr(r.json, "sha256"), hex);
		assert_int_equal(h_jint(r.json, "size"), (int64_t)n);
		h_resp_free(&r);
		char *blob = h_fmt("%s/blobs/%.2s/%s", G.dir, hex, hex + 2);
		struct stat sb;
		assert_int_equal(stat(blob, &sb), 0);
		assert_int_equal(sb.st_size, (off_t)n);
		free(blob);
		free(data);
	}
	char *tmp = h_fmt("%s/tmp", G.dir);
	struct stat sb;
	assert_int_equal(stat(tmp, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	DIR *d = opendir(tmp);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			fail_msg("%s/%s left behind", tmp, e->d_name);
	closedir(d);
	free(tmp);
}

/* With http.body_budget at its floor (1 KiB), a 2 KB JSON body gets 503
** with Retry-After, announced or chunked; a small one still works; and an
** evidence file does not wait for memory (it goes to a file). */
static void body_budget_answers_503(void **state)
{
	(void)state;
	char *dir = h_tmpdir("attack-budget");
	h_migrate(dir);
	h_user_add(dir, "admin", "admin", 0, NULL, ADMIN_PW);
	char *tok = h_token_add(dir, "admin", "--name", "budget", NULL);
	int64_t org = h_org_add(dir, "Budget Org", "Tehran");
	struct h_cred admin = { .token = tok };
	struct h_server s;
	const char *env[] = { "PARAPET_HTTP_BODY_BUDGET=1024", NULL };
	h_server_start(&s, dir, env);
	struct h_resp r;
	char pad[2001];
	memset(pad, 'x', 2000);
	pad[2000] = '\0';
	char *big = h_fmt("{\"org_id\":%lld,\"title\":\"big\",\"summary\":\"%s\"}", (long long)org,
			  pad);
	for (int chunked = 0; chunked < 2; chunked++) {
		h_http_ex(&s, &r, "POST", "/api/v1/incidents", &admin, "application/json", big,
			  strlen(big), chunked, NULL);
		H_PROBLEM(&r, 503, NULL);
		char *ra = h_header(&r, "Retry-After");
		assert_non_null(ra);
		assert_true(strtol(ra, NULL, 10) > 0);
		free(ra);
		h_resp_free(&r);
	}
	char *small = h_fmt("{\"org_id\":%lld,\"title\":\"small\",\"summary\":\"s\"}",
			    (long long)org);
	h_http(&s, &r, "POST", "/api/v1/incidents", &admin, small);
	H_STATUS(&r, 201);
	int64_t inc = h_jint(r.json, "id");
	h_resp_free(&r);
	char *path = h_fmt("/api/v1/incidents/%lld/evidence?name=pad.txt", (long long)inc);
	h_http_ex(&s, &r, "POST", path, &admin, "application/octet-stream", pad, 2000, false, NULL);
	H_STATUS(&r, 201);
	h_resp_free(&r);
	free(path);
	free(small);
	free(big);
	assert_int_equal(h_server_stop(&s), 0);
	free(tok);
	h_rmdir(dir);
}

/* Announcing a body holds no budget (found in review): 24 anonymous logins
** from 127.0.0.2 announce 15,000 bytes each (360 KB against a 64 KiB
** budget) and send nothing; a login from 127.0.0.1 is still answered (401
** for a wrong password), not 503. A login announcing more than a public
** route takes (16 KiB) gets 413 at once. */
static void announced_bodies_hold_no_budget(void **state)
{
	(void)state;
	char *dir = h_tmpdir("attack-announce");
	h_migrate(dir);
	h_user_add(dir, "admin", "admin", 0, NULL, ADMIN_PW);
	struct h_server s;
	const char *env[] = { "PARAPET_HTTP_BODY_BUDGET=65536", NULL };
	h_server_start(&s, dir, env);
	static const char head[] = "POST /api/v1/session HTTP/1.1\r\nHost: x\r\n"
				   "Content-Type: application/json\r\n"
				   "Content-Length: 15000\r\n\r\n";
	int fds[24];
	for (int i = 0; i < 24; i++) {
		fds[i] = tcp_connect("127.0.0.2", s.port);
		assert_true(fds[i] >= 0);
		assert_int_equal(send_all(fds[i], head, sizeof(head) - 1), 0);
	}
	usleep(300 * 1000); /* every server thread has seen its headers */
	struct h_resp r;
	h_http(&s, &r, "POST", "/api/v1/session", NULL,
	       "{\"login\":\"admin\",\"password\":\"not the password at all\"}");
	H_PROBLEM(&r, 401, NULL);
	h_resp_free(&r);
	for (int i = 0; i < 24; i++)
		close(fds[i]);
	int fd = tcp_connect(NULL, s.port);
	assert_true(fd >= 0);
	static const char huge[] = "POST /api/v1/session HTTP/1.1\r\nHost: x\r\n"
				   "Content-Type: application/json\r\n"
				   "Content-Length: 1048576\r\n\r\n";
	assert_int_equal(send_all(fd, huge, sizeof(huge) - 1), 0);
	char out[4096];
	assert_int_equal(read_response(fd, 5000, out, sizeof(out)), 413);
	raw_problem(out, 413);
	close(fd);
	assert_int_equal(h_server_stop(&s), 0);
	h_rmdir(dir);
}

/* ------------------------------------------------------------ slowloris */

/* Has the server closed fd (end of file or reset) within ms? */
static bool closed_within(int fd, int ms)
{
	struct pollfd pf = { fd, POLLIN, 0 };
	if (poll(&pf, 1, ms) <= 0)
		return false;
	char c;
	ssize_t r = recv(fd, &c, 1, MSG_DONTWAIT);
	return r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

/* GET /healthz from 127.0.0.1 on a new connection; returns its status and
** the milliseconds from connect to answer in *ms (-1 when none in 1 s). */
static long healthz(const struct h_server *s, int64_t *ms)
{
	int64_t t0 = now_ms();
	int fd = tcp_connect("127.0.0.1", s->port);
	long st = -1;
	if (fd >= 0) {
		const char *req = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
		char resp[4096];
		if (send_all(fd, req, strlen(req)) == 0)
			st = read_response(fd, 1000, resp, sizeof(resp));
		close(fd);
	}
	*ms = now_ms() - t0;
	return st;
}

/* One address may hold http.per_ip_connections (32) at once: of 40 idle
** connections from 127.0.0.200 the server drops the surplus at once. */
static void per_address_connection_limit(void **state)
{
	(void)state;
	int fds[40], open_n = 0;
	for (int i = 0; i < 40; i++) {
		fds[i] = tcp_connect("127.0.0.200", G.srv.port);
		assert_true(fds[i] >= 0);
	}
	/* the surplus is dropped as soon as the server accepts it: wait up to
	** 3 s for all 8 (a loaded machine may accept late) */
	bool cut[40] = { false };
	int ncut = 0;
	for (int64_t t0 = now_ms(); ncut < 8 && now_ms() - t0 < 3000; usleep(50000))
		for (int i = 0; i < 40; i++)
			if (!cut[i] && closed_within(fds[i], 0)) {
				cut[i] = true;
				ncut++;
			}
	open_n = 40 - ncut;
	for (int i = 0; i < 40; i++)
		close(fds[i]);
	print_message("per-address limit: %d of 40 connections kept\n", open_n);
	assert_true(open_n >= 30 && open_n <= 32);
}

/* A client trickling its headers (a byte every 300 ms, so the idle timeout
** never fires) is cut at http.header_timeout (3 s here), not later. */
static void header_deadline_not_reset_by_bytes(void **state)
{
	(void)state;
	char *dir = h_tmpdir("attack-deadline");
	h_migrate(dir);
	struct h_server s;
	const char *env[] = { "PARAPET_HTTP_HEADER_TIMEOUT=3", NULL };
	h_server_start(&s, dir, env);
	int fd = tcp_connect("127.0.0.1", s.port);
	assert_true(fd >= 0);
	const char *req = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	int64_t t0 = now_ms(), cut = -1;
	for (size_t i = 0; now_ms() - t0 < 10000; i++) {
		if (send(fd, req + i % strlen(req), 1, MSG_NOSIGNAL) != 1 || closed_within(fd, 300)) {
			cut = now_ms() - t0;
			break;
		}
	}
	close(fd);
	print_message("trickled headers cut after %lld ms\n", (long long)cut);
	if (cut < 0)
		fail_msg("a connection trickling headers was still open after 10 s");
	assert_true(cut >= 2500 && cut <= 6000);
	/* a prompt request on a fresh connection is unaffected */
	int64_t ms;
	assert_int_equal(healthz(&s, &ms), 200);
	assert_int_equal(h_server_stop(&s), 0);
	h_rmdir(dir);
}

enum { SLOW_N = 1100, SLOW_ADDRS = 59 };

struct slow_flood {
	int port;
	_Atomic bool stop;
	int fds[SLOW_N];
	long reconnects;
};

static int slow_open(struct slow_flood *f, int i)
{
	char src[32];
	snprintf(src, sizeof(src), "127.0.0.%d", 2 + i % SLOW_ADDRS);
	int fd = tcp_connect(src, f->port);
	if (fd >= 0)
		send(fd, "GET / HTTP/1.1\r\n", 16, MSG_NOSIGNAL);
	return fd;
}

/* 1,100 slow clients over 59 loopback addresses (under the per-address
** limit), each sending one more header byte a second and reconnecting
** once a second when cut. */
static void *slow_flood_main(void *arg)
{
	struct slow_flood *f = arg;
	for (int i = 0; i < SLOW_N && !f->stop; i++)
		f->fds[i] = slow_open(f, i);
	while (!f->stop) {
		int64_t t0 = now_ms();
		for (int i = 0; i < SLOW_N && !f->stop; i++) {
			if (f->fds[i] >= 0 && send(f->fds[i], "X", 1, MSG_NOSIGNAL) == 1 &&
			    !closed_within(f->fds[i], 0))
				continue;
			if (f->fds[i] >= 0)
				close(f->fds[i]);
			f->fds[i] = slow_open(f, i);
			f->reconnects++;
		}
		int64_t left = 1000 - (now_ms() - t0);
		if (left > 0)
			usleep((useconds_t)left * 1000);
	}
	for (int i = 0; i < SLOW_N; i++)
		if (f->fds[i] >= 0)
			close(f->fds[i]);
	return NULL;
}

/* The slowloris of issue 11: with 1,100 slow connections open, /healthz
** from another address keeps answering within 1 s, for 15 s. */
static void slow_flood_leaves_healthz_up(void **state)
{
	(void)state;
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < SLOW_N + 100)
		fail_msg("open files limited to %ld: the test needs %d", (long)rl.rlim_cur,
			 SLOW_N + 100);
	static struct slow_flood f;
	memset(&f, 0, sizeof(f));
	for (int i = 0; i < SLOW_N; i++)
		f.fds[i] = -1;
	f.port = G.srv.port;
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, slow_flood_main, &f), 0);
	sleep(2); /* all of them connected */
	int64_t worst = 0, t0 = now_ms();
	int n = 0, bad = 0;
	while (now_ms() - t0 < 15000) {
		int64_t ms;
		long st = healthz(&G.srv, &ms);
		n++;
		if (st != 200 || ms > 1000)
			bad++;
		if (ms > worst)
			worst = ms;
		usleep(200000);
	}
	f.stop = true;
	pthread_join(th, NULL);
	print_message("slow flood: %d /healthz, %d late or failed, slowest %lld ms, "
		      "%ld reconnects\n", n, bad, (long long)worst, f.reconnects);
	assert_int_equal(bad, 0);
}

/* ------------------------------------------------------ oversized requests */

/* Send a GET with a query of qlen bytes and nh header fields of hlen bytes
** each; returns the status, the response in out. */
static long oversized(size_t qlen, int nh, size_t hlen, char *out, size_t cap)
{
	struct pbuf b;
	pbuf_init(&b, 1 << 24);
	pbuf_adds(&b, "GET /healthz?q=");
	for (size_t i = 0; i < qlen; i++)
		pbuf_add(&b, "a", 1);
	pbuf_adds(&b, " HTTP/1.1\r\nHost: x\r\n");
	for (int k = 0; k < nh; k++) {
		pbuf_addf(&b, "X-Pad-%d: ", k);
		for (size_t i = 0; i < hlen; i++)
			pbuf_add(&b, "b", 1);
		pbuf_adds(&b, "\r\n");
	}
	pbuf_adds(&b, "\r\n");
	int fd = tcp_connect(NULL, G.srv.port);
	assert_true(fd >= 0);
	long st = -1;
	if (send_all(fd, b.ptr, b.len) == 0)
		st = read_response(fd, 5000, out, cap);
	close(fd);
	pbuf_free(&b);
	return st;
}

/* A request target over http.max_url (8 KiB) gets 414 and header fields
** over http.max_headers (16 KiB) get 431, both as problem documents (they
** were libmicrohttpd's HTML pages); requests just under both pass. */
static void oversized_requests_get_problems(void **state)
{
	(void)state;
	char resp[16384];
	assert_int_equal(oversized(8000, 1, 100, resp, sizeof(resp)), 200);
	assert_int_equal(oversized(9000, 1, 100, resp, sizeof(resp)), 414);
	raw_problem(resp, 414);
	H_CONTAINS(resp, "request target is longer than 8192 bytes");
	assert_int_equal(oversized(10, 15, 1000, resp, sizeof(resp)), 200);
	assert_int_equal(oversized(10, 20, 1000, resp, sizeof(resp)), 431);
	raw_problem(resp, 431);
	H_CONTAINS(resp, "header fields are larger than 16384 bytes");
	/* the server is none the worse */
	int64_t ms;
	assert_int_equal(healthz(&G.srv, &ms), 200);
}

/* --------------------------------------------------------------- metrics */

/* /metrics on the API listener is for national staff; Prometheus reads the
** metrics listener (an ephemeral loopback port here), which serves GET
** /metrics without credentials and nothing else. */
static void metrics_behind_credentials_or_own_listener(void **state)
{
	(void)state;
	struct h_resp r;
	h_http(&G.srv, &r, "GET", "/metrics", NULL, NULL);
	H_PROBLEM(&r, 401, NULL);
	h_resp_free(&r);
	h_http(&G.srv, &r, "GET", "/metrics", &G.admin, NULL);
	H_STATUS(&r, 200);
	H_CONTAINS(r.body, "parapet_http_requests_total");
	h_resp_free(&r);
	char *log = h_slurp(G.srv.log);
	H_CONTAINS(log, "metrics listening on 127.0.0.1:");
	free(log);
	assert_true(G.srv.metrics_port > 0 && G.srv.metrics_port != G.srv.port);
	struct h_server m = G.srv;
	snprintf(m.base, sizeof(m.base), "http://127.0.0.1:%d", G.srv.metrics_port);
	h_http(&m, &r, "GET", "/metrics", NULL, NULL);
	H_STATUS(&r, 200);
	char *ct = h_header(&r, "Content-Type");
	H_CONTAINS(ct, "text/plain");
	free(ct);
	H_CONTAINS(r.body, "parapet_http_requests_total");
	H_CONTAINS(r.body, "parapet_incidents_overdue");
	h_resp_free(&r);
	static const char *const others[][2] = {
		{ "GET", "/healthz" },	 { "GET", "/api/v1/orgs" }, { "GET", "/" },
		{ "POST", "/metrics" }, { "GET", "/metrics/x" },   { "DELETE", "/metrics" },
	};
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		h_http_ex(&m, &r, others[i][0], others[i][1], &G.admin, NULL, NULL, 0, false, NULL);
		if (r.status != 404)
			fail_msg("metrics listener: %s %s answered %ld", others[i][0], others[i][1],
				 r.status);
		H_PROBLEM(&r, 404, NULL);
		h_resp_free(&r);
	}
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(upload_routes_refused_before_body),
		cmocka_unit_test(anonymous_flood_holds_no_memory),
		cmocka_unit_test(authenticated_big_evidence_lands),
		cmocka_unit_test(body_budget_answers_503),
		cmocka_unit_test(announced_bodies_hold_no_budget),
		cmocka_unit_test(per_address_connection_limit),
		cmocka_unit_test(header_deadline_not_reset_by_bytes),
		cmocka_unit_test(slow_flood_leaves_healthz_up),
		cmocka_unit_test(oversized_requests_get_problems),
		cmocka_unit_test(metrics_behind_credentials_or_own_listener),
	};
	return cmocka_run_group_tests_name("attack_http", tests, group_setup, group_teardown);
}
