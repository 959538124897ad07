/*
** test_fetch.c — the website-watch fetcher (src/fetch/) against real
** servers on loopback: an nginx started here (Debian's nginx-light, config
** written into a mkdtemp directory, `daemon off`, its own process group,
** killed at the end, on failure and at exit) and a small threaded server
** inside this program for what nginx will not do on purpose (answer one
** byte every 300 ms, say nothing, send garbage, count connections).
**
** - a page with known security headers: each header, status, version,
**   address, timings, JSON record; repeated CSP lines joined;
** - a 3-hop redirect chain across two ports: every hop's URL, status,
**   Location and port; max_redirects below it; a loop (too_many_redirects,
**   chain kept); a redirect to ftp:// (recorded, not followed);
** - a 1 MiB body cut at body_max (flagged, bytes right); a 404;
** - HTTPS with a self-signed certificate made here with `openssl req`:
**   subject, issuer, SANs, dates, SHA-256 and SPKI fingerprints equal what
**   `openssl x509` says; cert_valid false without the CA file, true with it,
**   false for another host name, true for an IDN (pinned and checked in
**   its ASCII form); the same on reused connections; HTTP/2;
**   an http -> https redirect staying on the pinned address;
** - the TLS version probe: 1.2+1.3 on one server, 1.0..1.3 on another;
** - pin_ip with a made-up host name, while an unpinned job for the same
**   name does not get the pinned address; connection refused; bad URLs;
** - slowloris (headers then a byte every 300 ms; headers dribbled; silence)
**   ends as timeout within total_timeout plus a margin;
** - broken HTTP (garbage, nothing, truncated body) ends as "http";
** - 200 jobs against nginx with max_parallel 16, each result right; 40
**   jobs with max_parallel 4 never have more than 4 connections open.
**
** FETCH_TEST_DUMP=1 prints every result's JSON record on stderr.
*/
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#include "fetch/fetch.h"

static char *dir;
static pid_t nginx_pid;
static int p_http, p_http2, p_tls, p_tls_old, p_refused;
static char *cert_path;

/* ------------------------------------------------------------ helpers */

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof(a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &l) != 0)
		fail_msg("free_port: %s", strerror(errno));
	close(fd);
	return ntohs(a.sin_port);
}

static bool port_open(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	bool ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run a shell command line; its stdout (malloc'd), failing the test unless
** it exits 0. */
static char *sh(const char *cmd)
{
	struct h_proc p;
	const char *argv[] = { "sh", "-c", cmd, NULL };
	if (h_run(&p, NULL, NULL, argv) != 0 || p.status != 0)
		fail_msg("%s failed (%d): %s", cmd, p.status, p.err ? p.err : "");
	char *out = p.out;
	p.out = NULL;
	h_proc_free(&p);
	return out;
}

/* ------------------------------------------------------------- nginx */

static void kill_nginx(void)
{
	if (nginx_pid <= 0)
		return;
	kill(nginx_pid, SIGTERM);
	for (int i = 0; i < 100; i++) {
		if (waitpid(nginx_pid, NULL, WNOHANG) == nginx_pid) {
			kill(-nginx_pid, SIGKILL); /* any worker left behind */
			nginx_pid = 0;
			return;
		}
		usleep(50000);
	}
	kill(-nginx_pid, SIGKILL);
	waitpid(nginx_pid, NULL, 0);
	nginx_pid = 0;
}

static void write_bytes(const char *name, size_t n, char fill)
{
	char *path = h_fmt("%s/www/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		fputc(fill ? fill : (char)('a' + i % 26), f);
	fclose(f);
	free(path);
}

static void start_nginx(void)
{
	char *conf = h_fmt(
		"daemon off;\n"
		"%s"
		"worker_processes 2;\n"
		"pid %s/nginx.pid;\n"
		"error_log %s/error.log warn;\n"
		"events { worker_connections 2048; }\n"
		"http {\n"
		"  access_log off;\n"
		"  client_body_temp_path %s/tmp/body; proxy_temp_path %s/tmp/proxy;\n"
		"  fastcgi_temp_path %s/tmp/fastcgi; uwsgi_temp_path %s/tmp/uwsgi;\n"
		"  scgi_temp_path %s/tmp/scgi;\n"
		"  types { text/html html; application/octet-stream bin; }\n"
		"  default_type application/octet-stream;\n"
		"  keepalive_requests 100000;\n"
		"  server {\n"
		"    listen 127.0.0.1:%d; absolute_redirect off; root %s/www;\n"
		"    location = /headers.html {\n"
		"      add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\";\n"
		"      add_header Content-Security-Policy \"default-src 'self'\";\n"
		"      add_header Content-Security-Policy \"frame-ancestors 'none'\";\n"
		"      add_header X-Frame-Options DENY;\n"
		"      add_header X-Content-Type-Options nosniff;\n"
		"      add_header X-Powered-By \"PHP/5.4.45\";\n"
		"    }\n"
		"    location = /r1 { return 301 /r2; }\n"
		"    location = /r2 { return 302 http://127.0.0.1:%d/r3; }\n"
		"    location = /loop-a { return 302 /loop-b; }\n"
		"    location = /loop-b { return 302 /loop-a; }\n"
		"    location = /to-ftp { return 302 ftp://files.example.test/pub/; }\n"
		"    location = /to-https { return 301 https://www.example.gov.test:%d/index.html; }\n"
		"    location ~ ^/item/([0-9]+)$ { return 200 \"item $1\"; }\n"
		"  }\n"
		"  server {\n"
		"    listen 127.0.0.1:%d; absolute_redirect off;\n"
		"    location = /r3 { return 307 http://127.0.0.1:%d/final.html; }\n"
		"  }\n"
		"  server {\n"
		"    listen 127.0.0.1:%d ssl http2; root %s/www;\n"
		"    ssl_certificate %s; ssl_certificate_key %s/key.pem;\n"
		"    ssl_protocols TLSv1.2 TLSv1.3;\n"
		"    add_header Strict-Transport-Security \"max-age=63072000\" always;\n"
		"  }\n"
		"  server {\n"
		"    listen 127.0.0.1:%d ssl; root %s/www;\n"
		"    ssl_certificate %s; ssl_certificate_key %s/key.pem;\n"
		"    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;\n"
		"    ssl_ciphers \"DEFAULT:@SECLEVEL=0\";\n"
		"  }\n"
		"}\n",
		getuid() == 0 ? "user root;\n" : "", dir, dir, dir, dir, dir, dir, dir, p_http, dir,
		p_http2, p_tls, p_http2, p_http, p_tls, dir, cert_path, dir, p_tls_old, dir,
		cert_path, dir);
	free(h_write_file(dir, "nginx.conf", conf));
	free(conf);
	char *cpath = h_fmt("%s/nginx.conf", dir), *elog = h_fmt("%s/error.log", dir),
	     *prefix = h_fmt("%s/", dir);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		execl("/usr/sbin/nginx", "nginx", "-p", prefix, "-e", elog, "-c", cpath,
		      (char *)NULL);
		_exit(127);
	}
	nginx_pid = pid;
	setpgid(pid, pid);
	free(cpath);
	free(prefix);
	int ports[] = { p_http, p_http2, p_tls, p_tls_old };
	for (int i = 0; i < 4; i++) {
		int64_t until = mono_ms() + 10000;
		while (!port_open(ports[i])) {
			if (waitpid(nginx_pid, NULL, WNOHANG) == nginx_pid || mono_ms() > until) {
				nginx_pid = 0;
				char *log = sh(h_fmt("cat %s", elog)); /* leaks on failure only */
				fail_msg("nginx did not start: %s", log);
			}
			usleep(20000);
		}
	}
	free(elog);
}

static int group_setup(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	atexit(kill_nginx);
	dir = h_tmpdir("fetch");
	p_http = free_port();
	p_http2 = free_port();
	p_tls = free_port();
	p_tls_old = free_port();
	p_refused = free_port();
	char *cmd = h_fmt("mkdir -p %s/www %s/tmp && cd %s && openssl req -x509 -newkey rsa:2048 "
			  "-nodes -keyout key.pem -out cert.pem -days 30 "
			  "-subj '/C=IR/O=Parapet Test/CN=www.example.gov.test' "
			  "-addext 'subjectAltName=DNS:www.example.gov.test,DNS:example.gov.test,"
			  "DNS:xn--mgbug11a.example.gov.test,IP:127.0.0.1' 2>&1",
			  dir, dir, dir);
	free(sh(cmd));
	free(cmd);
	cert_path = h_fmt("%s/cert.pem", dir);
	char *w = h_fmt("%s/www", dir);
	free(h_write_file(w, "headers.html", "<html><title>Headers</title>known</html>\n"));
	free(h_write_file(w, "final.html", "<html>final</html>\n"));
	free(h_write_file(w, "index.html", "<html>secure</html>\n"));
	free(w);
	write_bytes("big.bin", 1u << 20, 0);
	start_nginx();
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	kill_nginx();
	h_rmdir(dir);
	free(cert_path);
	curl_global_cleanup();
	return 0;
}

/* ---------------------------------------------------- in-process server */

/* Paths it answers: /body (headers, then one body byte every 300 ms),
** /headers (a status line, then one header byte every 300 ms), /silent
** (nothing), /garbage (no HTTP), /empty (closes), /short (Content-Length
** 100, 10 bytes, closes), /count (50 ms, "ok", counts open connections). */
struct tsrv {
	int fd, port, wake[2];
	pthread_t th;
	atomic_bool stop;
	atomic_int cur, max;
	pthread_mutex_t mu;
	pthread_t conn[512];
	int nconn;
};

struct tconn {
	struct tsrv *s;
	int fd;
};

static bool tsrv_wait(struct tsrv *s, int fd, int ms)
{
	/* Sleep ms, or less when stopping or the peer closed. False: stop. */
	struct pollfd p = { fd, POLLIN, 0 };
	int64_t until = mono_ms() + ms;
	while (!atomic_load(&s->stop)) {
		int64_t left = until - mono_ms();
		if (left <= 0)
			return true;
		if (poll(&p, 1, left > 50 ? 50 : (int)left) > 0) {
			char c;
			if (recv(fd, &c, 1, MSG_DONTWAIT) <= 0)
				return false;
		}
	}
	return false;
}

static bool send_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
		if (w <= 0)
			return false;
		s += w;
		n -= (size_t)w;
	}
	return true;
}

static void *tsrv_conn(void *arg)
{
	struct tconn *c = arg;
	struct tsrv *s = c->s;
	int fd = c->fd;
	free(c);
	char req[4096];
	size_t got = 0;
	while (got < sizeof(req) - 1 && !atomic_load(&s->stop)) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 50) <= 0)
			continue;
		ssize_t r = recv(fd, req + got, sizeof(req) - 1 - got, 0);
		if (r <= 0)
			break;
		got += (size_t)r;
		req[got] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	req[got] = '\0';
	if (strncmp(req, "GET /body ", 10) == 0) {
		const char *h = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
				"Content-Length: 100000\r\n\r\n";
		if (send_all(fd, h, strlen(h)))
			while (tsrv_wait(s, fd, 300) && send_all(fd, "x", 1))
				;
	} else if (strncmp(req, "GET /headers ", 13) == 0) {
		const char *h = "HTTP/1.1 200 OK\r\nX-Slow: ";
		if (send_all(fd, h, strlen(h)))
			while (tsrv_wait(s, fd, 300) && send_all(fd, "a", 1))
				;
	} else if (strncmp(req, "GET /silent ", 12) == 0) {
		while (tsrv_wait(s, fd, 300))
			;
	} else if (strncmp(req, "GET /garbage ", 13) == 0) {
		send_all(fd, "SSH-2.0-OpenSSH_9.2\r\n\r\n", 23);
	} else if (strncmp(req, "GET /short ", 11) == 0) {
		const char *h = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789";
		send_all(fd, h, strlen(h));
	} else if (strncmp(req, "GET /count ", 11) == 0) {
		int now = atomic_fetch_add(&s->cur, 1) + 1;
		int m = atomic_load(&s->max);
		while (now > m && !atomic_compare_exchange_weak(&s->max, &m, now))
			;
		usleep(50000);
		/* leave the count before answering: once the client has the
		** answer it may start its next transfer at once, and a thread
		** preempted between send and decrement would count both */
		atomic_fetch_sub(&s->cur, 1);
		const char *h = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
		send_all(fd, h, strlen(h));
	}
	/* /empty and anything else: close at once. */
	close(fd);
	return NULL;
}

static void *tsrv_accept(void *arg)
{
	struct tsrv *s = arg;
	for (;;) {
		struct pollfd p[2] = { { s->fd, POLLIN, 0 }, { s->wake[0], POLLIN, 0 } };
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents || atomic_load(&s->stop))
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		int fd = accept(s->fd, NULL, NULL);
		if (fd < 0)
			continue;
		struct tconn *c = malloc(sizeof(*c));
		pthread_mutex_lock(&s->mu);
		bool room = c && s->nconn < 512;
		if (room) {
			c->s = s;
			c->fd = fd;
			if (pthread_create(&s->conn[s->nconn], NULL, tsrv_conn, c) == 0)
				s->nconn++;
			else
				room = false;
		}
		pthread_mutex_unlock(&s->mu);
		if (!room) {
			free(c);
			close(fd);
		}
	}
	return NULL;
}

static void tsrv_start(struct tsrv *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof(a);
	assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->fd, 128), 0);
	assert_int_equal(getsockname(s->fd, (struct sockaddr *)&a, &l), 0);
	s->port = ntohs(a.sin_port);
	assert_int_equal(pipe(s->wake), 0);
	assert_int_equal(pthread_create(&s->th, NULL, tsrv_accept, s), 0);
}

static void tsrv_stop(struct tsrv *s)
{
	atomic_store(&s->stop, true);
	if (write(s->wake[1], "x", 1) != 1)
		abort();
	pthread_join(s->th, NULL);
	for (int i = 0; i < s->nconn; i++)
		pthread_join(s->conn[i], NULL);
	close(s->fd);
	close(s->wake[0]);
	close(s->wake[1]);
	pthread_mutex_destroy(&s->mu);
}

/* ------------------------------------------------------- running jobs */

struct rec {
	bool seen;
	json_t *j;
	struct pbuf body;
	enum fetch_err err;
};

struct coll {
	struct rec *r;
	size_t n;
	int calls, bad;
};

static void collect(struct fetch_job *job, struct fetch_result *res, void *ud)
{
	struct coll *c = ud;
	size_t i = (size_t)(uintptr_t)job->user;
	if (i >= c->n || c->r[i].seen) {
		c->bad++;
		return;
	}
	c->calls++;
	c->r[i].seen = true;
	c->r[i].err = res->err;
	if (fetch_result_json(res, &c->r[i].j) != 0)
		c->bad++;
	else if (getenv("FETCH_TEST_DUMP")) {
		char *s = json_dumps(c->r[i].j, JSON_COMPACT);
		fprintf(stderr, "%s\n", s ? s : "?");
		free(s);
	}
	/* Take the body: the module must not free it. */
	c->r[i].body = res->body;
	memset(&res->body, 0, sizeof(res->body));
}

/* Run n jobs (pins may be NULL) and check each was answered exactly once. */
static struct coll *run(const struct fetch_opts *o, const char *const *urls,
			const char *const *pins, size_t n)
{
	struct coll *c = calloc(1, sizeof(*c));
	struct fetch_job *jobs = calloc(n, sizeof(*jobs));
	c->r = calloc(n, sizeof(*c->r));
	c->n = n;
	for (size_t i = 0; i < n; i++) {
		jobs[i].url = urls[i];
		jobs[i].pin_ip = pins ? pins[i] : NULL;
		jobs[i].user = (void *)(uintptr_t)i;
	}
	struct perr e;
	int rc = fetch_run(o, jobs, n, collect, c, &e);
	free(jobs);
	if (rc != 0)
		fail_msg("fetch_run: %s", e.msg);
	assert_int_equal(c->bad, 0);
	assert_int_equal(c->calls, (int)n);
	return c;
}

static struct coll *run1(const struct fetch_opts *o, const char *url, const char *pin)
{
	const char *urls[1] = { url }, *pins[1] = { pin };
	return run(o, urls, pins, 1);
}

static void coll_free(struct coll *c)
{
	for (size_t i = 0; i < c->n; i++) {
		json_decref(c->r[i].j);
		pbuf_free(&c->r[i].body);
	}
	free(c->r);
	free(c);
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static long long jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static bool has_flag(json_t *o, const char *k, const char *flag)
{
	json_t *a = json_object_get(o, k), *v;
	size_t i;
	json_array_foreach(a, i, v)
	{
		if (strcmp(json_string_value(v), flag) == 0)
			return true;
	}
	return false;
}

static void opts(struct fetch_opts *o)
{
	fetch_opts_default(o);
	o->connect_timeout_ms = 3000;
	o->total_timeout_ms = 10000;
}

/* ---------------------------------------------------------------- tests */

static void test_headers(void **state)
{
	(void)state;
	struct fetch_opts o;
	opts(&o);
	char *url = h_fmt("http://127.0.0.1:%d/headers.html", p_http);
	struct coll *c = run1(&o, url, NULL);
	json_t *j = c->r[0].j;
	assert_int_equal(c->r[0].err, FETCH_OK);
	assert_int_equal(jint(j, "status"), 200);
	assert_string_equal(jstr(j, "http_version"), "1.1");
	assert_string_equal(jstr(j, "ip"), "127.0.0.1");
	assert_int_equal(jint(j, "port"), p_http);
	assert_string_equal(jstr(j, "final_url"), url);
	assert_string_equal(jstr(j, "final_host"), "127.0.0.1");
	json_t *h = json_object_get(j, "headers");
	assert_string_equal(jstr(h, "strict-transport-security"),
			    "max-age=31536000; includeSubDomains");
	assert_string_equal(jstr(h, "content-security-policy"),
			    "default-src 'self', frame-ancestors 'none'");
	assert_string_equal(jstr(h, "x-frame-options"), "DENY");
	assert_string_equal(jstr(h, "x-content-type-options"), "nosniff");
	assert_string_equal(jstr(h, "x-powered-by"), "PHP/5.4.45");
	assert_string_equal(jstr(h, "content-type"), "text/html");
	assert_non_null(strstr(jstr(h, "server"), "nginx"));
	assert_non_null(jstr(h, "last-modified"));
	assert_true(jstr(h, "etag")[0] == '"');
	assert_null(jstr(h, "location"));
	assert_true(has_flag(j, "header_flags", "repeated"));
	json_t *t = json_object_get(j, "timing_us");
	assert_true(jint(t, "total") > 0);
	assert_true(jint(t, "first_byte") <= jint(t, "total"));
	assert_true(jint(t, "connect") <= jint(t, "first_byte"));
	assert_true(jint(j, "elapsed_us") >= jint(t, "total"));
	assert_true(jint(j, "started_ms") > 1700000000000LL);
	assert_int_equal(jint(j, "redirects"), 0);
	assert_true(json_is_null(json_object_get(j, "tls")));
	assert_string_equal(c->r[0].body.ptr, "<html><title>Headers</title>known</html>\n");
	assert_int_equal(jint(j, "body_bytes"), c->r[0].body.len);
	coll_free(c);
	free(url);
}

static void test_redirect_chain(void **state)
{
	(void)state;
	struct fetch_opts o;
	opts(&o);
	char *url = h_fmt("http://127.0.0.1:%d/r1", p_http);
	char *u2 = h_fmt("http://127.0.0.1:%d/r2", p_http);
	char *u3 = h_fmt("http://127.0.0.1:%d/r3", p_http2);
	char *u4 = h_fmt("http://127.0.0.1:%d/final.html", p_http);
	struct coll *c = run1(&o, url, NULL);
	json_t *j = c->r[0].j;
	assert_int_equal(c->r[0].err, FETCH_OK);
	assert_int_equal(jint(j, "status"), 200);
	assert_int_equal(jint(j, "redirects"), 3);
	json_t *hops = json_object_get(j, "hops");
	assert_int_equal(json_array_size(hops), 4);
	const char *urls[4] = { url, u2, u3, u4 };
	const long status[4] = { 301, 302, 307, 200 };
	const char *loc[4] = { "/r2", u3, u4, NULL };
	const int port[4] = { p_http, p_http, p_http2, p_http };
	for (size_t i = 0; i < 4; i++) {
		json_t *hp = json_array_get(hops, i);
		assert_string_equal(jstr(hp, "url"), urls[i]);
		assert_int_equal(jint(hp, "status"), status[i]);
		if (loc[i])
			assert_string_equal(jstr(hp, "location"), loc[i]);
		else
			assert_null(jstr(hp, "location"));
		assert_string_equal(jstr(hp, "ip"), "127.0.0.1");
		assert_int_equal(jint(hp, "port"), port[i]);
		assert_string_equal(jstr(hp, "error"), "ok");
	}
	assert_string_equal(jstr(j, "final_url"), u4);
	assert_string_equal(c->r[0].body.ptr, "<html>final</html>\n");
	coll_free(c);

	/* Two hops allowed: the third redirect is too many, the chain kept. */
	o.max_redirects = 2;
	c = run1(&o, url, NULL);
	j = c->r[0].j;
	assert_int_equal(c->r[0].err, FETCH_E_REDIRECTS);
	assert_int_equal(json_array_size(json_object_get(j, "hops")), 3);
	assert_int_equal(jint(j, "status"), 307);
	assert_false(has_flag(j, "flags", "redirect_loop"));
	assert_non_null(strstr(jstr(j, "error_message"), "more than 2"));
	coll_free(c);

	/* Not following at all: the 301 is the answer. */
	o.max_redirects = -1;
	c = run1(&o, url, NULL);
	assert_int_equal(c->r[0].err, FETCH_OK);
	assert_int_equal(jint(c->r[0].j, "status"), 301);
	assert_int_equal(json_array_size(json_object_get(c->r[0].j, "hops")), 1);
	coll_free(c);
	free(url);
	free(u2);
	free(u3);
	free(u4);
}

static void test_redirect_loop_and_scheme(void **state)
{
	(void)state;
	struct fetch_opts o;
	opts(&o);
	char *u[2] = { h_fmt("http://127.0.0.1:%d/loop-a", p_http),
		       h_fmt("http://127.0.0.1:%d/to-ftp", p_http) };
	struct coll *c = run(&o, (const char *const *)u, NULL, 2);
	json_t *j = c->r[0].j;
	assert_int_equal(c->r[0].err, FETCH_E_REDIRECTS);
	assert_true(has_flag(j, "flags", "redirect_loop"));
	json_t *hops = json_object_get(j, "hops");
	assert_int_equal(json_array_size(hops), 2);
	assert_string_equal(jstr(json_array_get(hops, 0), "location"), "/loop-b");
	assert_string_equal(jstr(json_array_get(hops, 1), "location"), "/loop-a");
	assert_int_equal(jint(json_array_get(hops, 1), "status"), 302);

	j = c->r[1].j;
	assert_int_equal(c->r[1].err, FETCH_OK);
	assert_int_equal(jint(j, "status"), 302);
	assert_true(has_flag(j, "flags", "redirect_scheme"));
	assert_int_equal(json_array_size(json_object_get(j, "hops")), 1);
	assert_string_equal(jstr(json_array_get(json_object_get(j, "hops"), 0), "location"),
			    "ftp://files.example.test/pub/");
	coll_free(c);
	free(u[0]);
	free(u[1]);
}

static void test_body_cut_and_404(void **state)
{
	(void)state;
	struct fetch_opts o;
	opts(&o);
	o.body_max = 65536;
	char *u[2] = { h_fmt("http://127.0.0.1:%d/big.bin", p_http),
		       h_fmt("http://127.0.0.1:%d/missing.html", p_http) };
	struct coll *c = run(&o, (const char *const *)u, NULL, 2);
	assert_int_equal(c->r[0].err, FETCH_E_CUT);
	assert_int_equal(jint(c->r[0].j, "status"), 200);
	assert_true(json_is_true(json_object_get(c->r[0].j, "body_cut")));
	assert_string_equal(jstr(c->r[0].j, "error"), "cut");
	assert_int_equal(c->r[0].body.len, 65536);
	for (size_t i = 0; i < 65536; i++)
		if (c->r[0].body.ptr[i] != (char)('a' + i % 26))
			fail_msg("body byte %zu wrong", i);
	assert_int_equal(c->r[1].err, FETCH_OK);
	assert_int_equal(jint(c->r[1].j, "status"), 404);
	assert_false(json_is_true(json_object_get(c->r[1].j, "body_cut")));
	coll_free(c);
	free(u[0]);
	free(u[1]);
}

/* What `openssl x509` says about the test certificate. */
struct want_cert {
	char sha256[65], spki[65];
	char *subject, *issuer, *sans;
	int64_t not_after_ms;
};

static void want_cert(struct want_cert *w)
{
	char *cmd = h_fmt("openssl x509 -in %s -noout -fingerprint -sha256", cert_path);
	char *out = sh(cmd), *p = strchr(out, '=');
	assert_non_null(p);
	size_t k = 0;
	for (p++; *p && *p != '\n' && k < 64; p++)
		if (*p != ':')
			w->sha256[k++] = (char)(*p >= 'A' && *p <= 'F' ? *p - 'A' + 'a' : *p);
	w->sha256[k] = '\0';
	free(out);
	free(cmd);
	cmd = h_fmt("openssl x509 -in %s -pubkey -noout | openssl pkey -pubin -outform DER | "
		    "sha256sum",
		    cert_path);
	out = sh(cmd);
	memcpy(w->spki, out, 64);
	w->spki[64] = '\0';
	free(out);
	free(cmd);
	cmd = h_fmt("openssl x509 -in %s -noout -subject -nameopt RFC2253", cert_path);
	out = sh(cmd);
	out[strcspn(out, "\n")] = '\0';
	w->subject = strdup(strchr(out, '=') + 1);
	free(out);
	free(cmd);
	cmd = h_fmt("openssl x509 -in %s -noout -issuer -nameopt RFC2253", cert_path);
	out = sh(cmd);
	out[strcspn(out, "\n")] = '\0';
	w->issuer = strdup(strchr(out, '=') + 1);
	free(out);
	free(cmd);
	cmd = h_fmt("openssl x509 -in %s -noout -ext subjectAltName | tail -1", cert_path);
	out = sh(cmd);
	out[strcspn(out, "\n")] = '\0';
	w->sans = strdup(out + strspn(out, " "));
	free(out);
	free(cmd);
	cmd = h_fmt("openssl x509 -in %s -noout -enddate", cert_path);
	out = sh(cmd);
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	assert_non_null(strptime(strchr(out, '=') + 1, "%b %d %H:%M:%S %Y GMT", &tm));
	w->not_after_ms = (int64_t)timegm(&tm) * 1000;
	free(out);
	free(cmd);
}

static void check_cert(json_t *tls, const struct want_cert *w)
{
	json_t *c = json_object_get(tls, "cert");
	assert_true(json_is_object(c));
	assert_string_equal(jstr(c, "sha256"), w->sha256);
	assert_string_equal(jstr(c, "spki_sha256"), w->spki);
	assert_string_equal(jstr(c, "subject"), w->subject);
	assert_string_equal(jstr(c, "issuer"), w->issuer);
	assert_int_equal(jint(c, "not_after_ms"), w->not_after_ms);
	assert_true(jint(c, "not_before_ms") < w->not_after_ms);
	/* Rebuild openssl's SAN line from ours. */
	char sans[512] = "";
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(c, "san_dns"), i, v)
	{
		snprintf(sans + strlen(sans), sizeof(sans) - strlen(sans), "%sDNS:%s",
			 sans[0] ? ", " : "", json_string_value(v));
	}
	json_array_foreach(json_object_get(c, "san_ip"), i, v)
	{
		snprintf(sans + strlen(sans), sizeof(sans) - strlen(sans), "%sIP Address:%s",
			 sans[0] ? ", " : "", json_string_value(v));
	}
	assert_string_equal(sans, w->sans);
	assert_string_equal(jstr(c, "key_type"), "RSA");
	assert_int_equal(jint(c, "key_bits"), 2048);
}

static void test_tls_cert(void **state)
{
	(void)state;
	struct want_cert w;
	memset(&w, 0, sizeof(w));
	want_cert(&w);
	struct fetch_opts o;
	opts(&o);
	o.http2 = true;
	/* Without the CA file, three jobs on one slot: the second and third
	** reuse the connection and must report the same. */
	o.max_parallel = 1;
	char *url = h_fmt("https://www.example.gov.test:%d/index.html", p_tls);
	const char *urls[3] = { url, url, url }, *pins[3] = { "127.0.0.1", "127.0.0.1",
							       "127.0.0.1" };
	struct coll *c = run(&o, urls, pins, 3);
	for (int i = 0; i < 3; i++) {
		json_t *j = c->r[i].j, *tls = json_object_get(j, "tls");
		assert_int_equal(c->r[i].err, FETCH_OK);
		assert_int_equal(jint(j, "status"), 200);
		assert_string_equal(jstr(j, "http_version"), "2");
		assert_string_equal(jstr(j, "final_host"), "www.example.gov.test");
		assert_true(json_is_object(tls));
		assert_string_equal(jstr(tls, "version"), "TLSv1.3");
		assert_true(jstr(tls, "cipher")[0] != '\0');
		assert_false(json_is_true(json_object_get(tls, "cert_valid")));
		assert_int_equal(jint(tls, "verify_code"), 18); /* self-signed */
		assert_int_equal(jint(tls, "chain_len"), 1);
		check_cert(tls, &w);
		assert_string_equal(jstr(json_object_get(j, "headers"), "strict-transport-security"),
				    "max-age=63072000");
		assert_string_equal(c->r[i].body.ptr, "<html>secure</html>\n");
	}
	assert_int_equal(jint(json_object_get(c->r[1].j, "timing_us"), "tls"), 0); /* reused */
	coll_free(c);

	/* With the CA file: valid for its names and its IP, not for another name. */
	o.ca_file = cert_path;
	o.max_parallel = 8;
	char *u_ip = h_fmt("https://127.0.0.1:%d/index.html", p_tls);
	char *u_other = h_fmt("https://wrong.example.test:%d/index.html", p_tls);
	char *u_bare = h_fmt("https://example.gov.test:%d/index.html", p_tls);
	/* An internationalized name (پارس): pinned and verified in its ASCII
	** form, as libcurl sends it. */
	char *u_idn = h_fmt("https://\xd9\xbe\xd8\xa7\xd8\xb1\xd8\xb3.example.gov.test:%d/index.html",
			    p_tls);
	const char *u2[5] = { url, u_ip, u_other, u_bare, u_idn };
	const char *p2[5] = { "127.0.0.1", NULL, "127.0.0.1", "127.0.0.1", "127.0.0.1" };
	c = run(&o, u2, p2, 5);
	assert_string_equal(jstr(c->r[4].j, "final_host"), "xn--mgbug11a.example.gov.test");
	assert_string_equal(jstr(c->r[4].j, "ip"), "127.0.0.1");
	for (int i = 0; i < 5; i++) {
		json_t *tls = json_object_get(c->r[i].j, "tls");
		assert_int_equal(c->r[i].err, FETCH_OK);
		bool valid = i != 2;
		assert_int_equal(json_is_true(json_object_get(tls, "cert_valid")), valid);
		assert_int_equal(jint(tls, "verify_code"), valid ? 0 : 62); /* hostname mismatch */
		check_cert(tls, &w);
	}
	assert_string_equal(jstr(json_object_get(c->r[0].j, "tls"), "verify_reason"), "ok");
	coll_free(c);

	/* A CA file that is not there fails the run, before any job. */
	o.ca_file = "/nonexistent/ca.pem";
	struct fetch_job job = { url, "127.0.0.1", NULL };
	struct perr e;
	assert_int_equal(fetch_run(&o, &job, 1, collect, NULL, &e), -1);
	assert_string_equal(e.field, "ca_file");

	free(url);
	free(u_ip);
	free(u_other);
	free(u_bare);
	free(u_idn);
	free(w.subject);
	free(w.issuer);
	free(w.sans);
}

static void test_http_to_https_pinned(void **state)
{
	(void)state;
	struct fetch_opts o;
	opts(&o);
	o.ca_file = cert_path;
	char *url = h_fmt("http://www.example.gov.test:%d/to-https", p_http);
	struct coll *c = run1(&o, url, "127.0.0.1");
	json_t *j = c->r[0].j, *hops = json_object_get(j, "hops");
	assert_int_equal(c->r[0].err, FETCH_OK);
	assert_int_equal(json_array_size(hops), 2);
	assert_int_equal(jint(json_array_get(hops, 0), "status"), 301);
	assert_int_equal(jint(json_array_get(hops, 0), "port"), p_http);
	assert_int_equal(jint(json_array_get(hops, 1), "port"), p_tls);
	assert_string_equal(jstr(json_array_get(hops, 1), "ip"), "127.0.0.1");
	assert_true(json_is_true(json_object_get(json_object_get(j, "tls"), "cert_valid")));
	assert_true(has_flag(j, "flags", "pinned"));
	coll_free(c);
	free(url);
}

static void test_tls_versions(void **state)
{
	(void)state;
	struct fetch_opts o;
	opts(&o);
	struct perr e;
	unsigned mask = 0;
	char *u = h_fmt("https://www.example.gov.test:%d/", p_tls);
	assert_int_equal(fetch_tls_versions(&o, u, "127.0.0.1", &mask, &e), 0);
	assert_int_equal(mask, FETCH_TLS_1_2 | FETCH_TLS_1_3);
	free(u);
	u = h_fmt("https://127.0.0.1:%d/", p_tls_old);
	assert_int_equal(fetch_tls_versions(&o, u, NULL, &mask, &e), 0);
	assert_int_equal(mask, FETCH_TLS_1_0 | FETCH_TLS_1_1 | FETCH_TLS_1_2 | FETCH_TLS_1_3);
	free(u);
	/* Plain HTTP on the port: the handshakes fail, mask 0. */
	u = h_fmt("https://127.0.0.1:%d/", p_http);
	assert_int_equal(fetch_tls_versions(&o, u, NULL, &mask, &e), 0);
	assert_int_equal(mask, 0);
	free(u);
	u = h_fmt("https://127.0.0.1:%d/", p_refused);
	assert_int_equal(fetch_tls_versions(&o, u, NULL, &mask, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	free(u);
}

static void test_pin_refused_bad(void **state)
{
	(void)state;
	struct fetch_opts o;
	opts(&o);
	o.total_timeout_ms = 5000;
	char *pinned = h_fmt("http://www.example.gov.test:%d/headers.html", p_http);
	char *refused = h_fmt("http://127.0.0.1:%d/", p_refused);
	const char *urls[7] = { pinned, pinned, refused, "ftp://example.test/", "not a url",
				NULL, pinned };
	const char *pins[7] = { "127.0.0.1", NULL, NULL, NULL, NULL, NULL, "999.0.0.1" };
	struct coll *c = run(&o, urls, pins, 7);
	json_t *j = c->r[0].j;
	assert_int_equal(c->r[0].err, FETCH_OK);
	assert_int_equal(jint(j, "status"), 200);
	assert_string_equal(jstr(j, "ip"), "127.0.0.1");
	assert_string_equal(jstr(j, "final_host"), "www.example.gov.test");
	assert_true(has_flag(j, "flags", "pinned"));
	/* The same name unpinned neither reuses the pinned connection nor gets
	** the pinned address from a shared DNS cache: .test does not resolve. */
	assert_true(c->r[1].err == FETCH_E_DNS || c->r[1].err == FETCH_E_TIMEOUT);
	assert_false(has_flag(c->r[1].j, "flags", "pinned"));
	assert_int_equal(c->r[2].err, FETCH_E_CONNECT);
	assert_string_equal(jstr(c->r[2].j, "error"), "connect");
	assert_true(strlen(jstr(c->r[2].j, "error_message")) > 0);
	for (int i = 3; i < 7; i++) {
		assert_int_equal(c->r[i].err, FETCH_E_OTHER);
		assert_int_equal(json_array_size(json_object_get(c->r[i].j, "hops")), 0);
	}
	assert_non_null(strstr(jstr(c->r[6].j, "error_message"), "pin_ip"));
	coll_free(c);
	free(pinned);
	free(refused);
}

static void test_slowloris(void **state)
{
	(void)state;
	struct tsrv s;
	tsrv_start(&s);
	struct fetch_opts o;
	opts(&o);
	o.total_timeout_ms = 1500;
	o.connect_timeout_ms = 1000;
	char *u[3] = { h_fmt("http://127.0.0.1:%d/body", s.port),
		       h_fmt("http://127.0.0.1:%d/headers", s.port),
		       h_fmt("http://127.0.0.1:%d/silent", s.port) };
	int64_t t0 = mono_ms();
	struct coll *c = run(&o, (const char *const *)u, NULL, 3);
	int64_t took = mono_ms() - t0;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(c->r[i].err, FETCH_E_TIMEOUT);
		long long el = jint(c->r[i].j, "elapsed_us") / 1000;
		if (el < 1400 || el > 1500 + 1500)
			fail_msg("job %d ended after %lld ms", i, el);
		assert_false(has_flag(c->r[i].j, "flags", "watchdog"));
	}
	/* The dribbled body arrived in part: status and headers are there. */
	assert_int_equal(jint(c->r[0].j, "status"), 200);
	assert_true(c->r[0].body.len >= 1 && c->r[0].body.len < 100);
	assert_true(took < 1500 + 1500);
	coll_free(c);
	tsrv_stop(&s);
	for (int i = 0; i < 3; i++)
		free(u[i]);
}

static void test_broken_http(void **state)
{
	(void)state;
	struct tsrv s;
	tsrv_start(&s);
	struct fetch_opts o;
	opts(&o);
	char *u[3] = { h_fmt("http://127.0.0.1:%d/garbage", s.port),
		       h_fmt("http://127.0.0.1:%d/empty", s.port),
		       h_fmt("http://127.0.0.1:%d/short", s.port) };
	struct coll *c = run(&o, (const char *const *)u, NULL, 3);
	for (int i = 0; i < 3; i++) {
		if (c->r[i].err != FETCH_E_HTTP)
			fail_msg("%s: %s (%s)", u[i], fetch_err_name(c->r[i].err),
				 jstr(c->r[i].j, "error_message"));
	}
	assert_int_equal(jint(c->r[2].j, "status"), 200);
	assert_string_equal(c->r[2].body.ptr, "0123456789");
	coll_free(c);
	tsrv_stop(&s);
	for (int i = 0; i < 3; i++)
		free(u[i]);
}

static void test_parallel(void **state)
{
	(void)state;
	enum { N = 200 };
	struct fetch_opts o;
	opts(&o);
	o.max_parallel = 16;
	char *u[N];
	for (int i = 0; i < N; i++)
		u[i] = h_fmt("http://127.0.0.1:%d/item/%d", p_http, i);
	struct coll *c = run(&o, (const char *const *)u, NULL, N);
	for (int i = 0; i < N; i++) {
		char want[32];
		snprintf(want, sizeof(want), "item %d", i);
		assert_int_equal(c->r[i].err, FETCH_OK);
		assert_int_equal(jint(c->r[i].j, "status"), 200);
		assert_string_equal(c->r[i].body.ptr, want);
		assert_string_equal(jstr(c->r[i].j, "final_url"), u[i]);
	}
	coll_free(c);
	for (int i = 0; i < N; i++)
		free(u[i]);

	/* The cap holds: connections open at once at the counting server. */
	enum { M = 40 };
	struct tsrv s;
	tsrv_start(&s);
	o.max_parallel = 4;
	char *v[M];
	for (int i = 0; i < M; i++)
		v[i] = h_fmt("http://127.0.0.1:%d/count", s.port);
	c = run(&o, (const char *const *)v, NULL, M);
	for (int i = 0; i < M; i++) {
		assert_int_equal(c->r[i].err, FETCH_OK);
		assert_string_equal(c->r[i].body.ptr, "ok");
	}
	/* at most the cap (how many overlap below it depends on the machine's
	** load, so it is not asserted) */
	int mx = atomic_load(&s.max);
	assert_true(mx >= 1 && mx <= 4);
	coll_free(c);
	tsrv_stop(&s);
	for (int i = 0; i < M; i++)
		free(v[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_redirect_chain),
		cmocka_unit_test(test_redirect_loop_and_scheme),
		cmocka_unit_test(test_body_cut_and_404),
		cmocka_unit_test(test_tls_cert),
		cmocka_unit_test(test_http_to_https_pinned),
		cmocka_unit_test(test_tls_versions),
		cmocka_unit_test(test_pin_refused_bad),
		cmocka_unit_test(test_slowloris),
		cmocka_unit_test(test_broken_http),
		cmocka_unit_test(test_parallel),
	};
	return cmocka_run_group_tests_name("fetch", tests, group_setup, group_teardown);
}
