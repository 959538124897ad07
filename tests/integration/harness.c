/*
** harness.c — see harness.h.
*/
#include "harness.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *bin;

/* Servers still running, so an aborted test process does not leave any. */
#define MAX_LIVE 32
static pid_t live[MAX_LIVE];

static void kill_live(void)
{
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i] > 0) {
			kill(live[i], SIGKILL);
			waitpid(live[i], NULL, 0);
			live[i] = 0;
		}
}

static void live_add(pid_t p)
{
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i] == 0) {
			live[i] = p;
			return;
		}
}

static void live_del(pid_t p)
{
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i] == p)
			live[i] = 0;
}

void h_init(void)
{
	bin = getenv("PARAPET_BIN");
	if (!bin || !bin[0])
		bin = "build/parapet";
	if (access(bin, X_OK) != 0) {
		fprintf(stderr, "harness: PARAPET_BIN %s is not executable\n", bin);
		exit(1);
	}
	/* Cheap password hashing for every child; a configuration file from the
	** environment would make the tests depend on the machine. */
	setenv("PARAPET_AUTH_ARGON2_OPS", "1", 1);
	setenv("PARAPET_AUTH_ARGON2_MEM", "8192", 1);
	unsetenv("PARAPET_CONFIG");
	unsetenv("PARAPET_HTTP_MAX_BODY");
	unsetenv("PARAPET_AUTH_LOGIN_MAX_FAILURES");
	unsetenv("PARAPET_LOG_LEVEL");
	/* The website monitor stays off unless a test turns it on: a demo URL
	** asset must not make the suite fetch from the internet. */
	setenv("PARAPET_WATCH_ENABLED", "false", 1);
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	atexit(kill_live);
}

const char *h_bin(void)
{
	return bin;
}

char *h_fmt(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		abort();
	return s;
}

/* ------------------------------------------------------------ temp dirs */

char *h_tmpdir(const char *tag)
{
	char *t = h_fmt("/tmp/parapet-it-%s-XXXXXX", tag);
	if (!mkdtemp(t))
		fail_msg("mkdtemp %s: %s", t, strerror(errno));
	return t;
}

char *h_data_twin(const char *data_dir)
{
	char *twin = h_tmpdir("twin");
	char *db = h_fmt("%s/parapet.db", data_dir), *link = h_fmt("%s/parapet.db", twin);
	if (symlink(db, link) != 0)
		fail_msg("symlink %s: %s", link, strerror(errno));
	free(db);
	free(link);
	return twin;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void h_rmdir(char *dir)
{
	if (!dir)
		return;
	if (!getenv("PARAPET_KEEP_TMP") && strncmp(dir, "/tmp/parapet-it-", 16) == 0)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

char *h_write_file(const char *dir, const char *name, const char *text)
{
	char *path = h_fmt("%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		fail_msg("cannot write %s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
	return path;
}

/* ------------------------------------------------------------ processes */

struct sbuf {
	char *p;
	size_t n, cap;
};

static void sb_add(struct sbuf *b, const char *d, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t c = b->cap ? b->cap : 4096;
		while (c < b->n + n + 1)
			c *= 2;
		b->p = realloc(b->p, c);
		if (!b->p)
			abort();
		b->cap = c;
	}
	memcpy(b->p + b->n, d, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static char *sb_take(struct sbuf *b)
{
	if (!b->p)
		sb_add(b, "", 0);
	return b->p;
}

static int decode_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

static void child_env(const char *const *env)
{
	for (const char *const *e = env; e && *e; e++) {
		char *kv = strdup(*e);
		char *eq = kv ? strchr(kv, '=') : NULL;
		if (!eq)
			continue;
		*eq = '\0';
		setenv(kv, eq + 1, 1);
	}
}

int h_run(struct h_proc *p, const char *stdin_data, const char *const *env,
	  const char *const *argv)
{
	int in[2], out[2], err[2];
	memset(p, 0, sizeof(*p));
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		child_env(env);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (stdin_data) {
		size_t n = strlen(stdin_data), off = 0;
		while (off < n) {
			ssize_t w = write(in[1], stdin_data + off, n - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += (size_t)w;
		}
	}
	close(in[1]);
	struct sbuf so = { 0 }, se = { 0 };
	struct pollfd fds[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };
	int open_fds = 2;
	while (open_fds) {
		if (poll(fds, 2, 60000) <= 0) {
			if (errno == EINTR)
				continue;
			break; /* a minute without output: give up on it */
		}
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char buf[8192];
			ssize_t r = read(fds[i].fd, buf, sizeof(buf));
			if (r > 0) {
				sb_add(i ? &se : &so, buf, (size_t)r);
			} else if (r == 0 || errno != EINTR) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	p->status = decode_status(st);
	p->out = sb_take(&so);
	p->err = sb_take(&se);
	return 0;
}

int h_cliv(struct h_proc *p, const char *data_dir, const char *stdin_data,
	   const char *const *args)
{
	const char *argv[64];
	int n = 0;
	argv[n++] = bin;
	if (data_dir) {
		argv[n++] = "--data";
		argv[n++] = data_dir;
	}
	for (const char *const *a = args; a && *a && n < 63; a++)
		argv[n++] = *a;
	argv[n] = NULL;
	int rc = h_run(p, stdin_data, NULL, argv);
	if (rc != 0)
		fail_msg("cannot run %s", bin);
	return rc;
}

int h_cli(struct h_proc *p, const char *data_dir, const char *stdin_data, ...)
{
	const char *args[60];
	int n = 0;
	va_list ap;
	va_start(ap, stdin_data);
	for (const char *a = va_arg(ap, const char *); a && n < 59; a = va_arg(ap, const char *))
		args[n++] = a;
	va_end(ap);
	args[n] = NULL;
	return h_cliv(p, data_dir, stdin_data, args);
}

void h_proc_free(struct h_proc *p)
{
	free(p->out);
	free(p->err);
	p->out = p->err = NULL;
}

static void cli_ok(struct h_proc *p, const char *what)
{
	if (p->status != 0) {
		char msg[2048];
		snprintf(msg, sizeof(msg), "%s: exit %d\nstdout: %s\nstderr: %s", what, p->status,
			 p->out, p->err);
		h_proc_free(p);
		fail_msg("%s", msg);
	}
}

void h_migrate(const char *data_dir)
{
	struct h_proc p;
	h_cli(&p, data_dir, NULL, "migrate", NULL);
	cli_ok(&p, "parapet migrate");
	h_proc_free(&p);
}

int64_t h_user_add(const char *data_dir, const char *login, const char *role, int64_t org,
		   const char *province, const char *password)
{
	const char *args[16];
	char orgbuf[32];
	int n = 0;
	args[n++] = "user";
	args[n++] = "add";
	args[n++] = login;
	args[n++] = "--role";
	args[n++] = role;
	if (org) {
		snprintf(orgbuf, sizeof(orgbuf), "%lld", (long long)org);
		args[n++] = "--org";
		args[n++] = orgbuf;
	}
	if (province) {
		args[n++] = "--province";
		args[n++] = province;
	}
	args[n++] = "--password-stdin";
	args[n] = NULL;
	char *pw = h_fmt("%s\n", password);
	struct h_proc p;
	h_cliv(&p, data_dir, pw, args);
	free(pw);
	cli_ok(&p, "parapet user add");
	/* "user LOGIN (ROLE) created with id N" */
	const char *id = strstr(p.out, "with id ");
	long long v = id ? atoll(id + 8) : 0;
	h_proc_free(&p);
	if (v <= 0)
		fail_msg("user add printed no id");
	return v;
}

char *h_token_add(const char *data_dir, const char *login, ...)
{
	const char *args[20];
	int n = 0;
	args[n++] = "token";
	args[n++] = "add";
	args[n++] = login;
	va_list ap;
	va_start(ap, login);
	for (const char *a = va_arg(ap, const char *); a && n < 19; a = va_arg(ap, const char *))
		args[n++] = a;
	va_end(ap);
	args[n] = NULL;
	struct h_proc p;
	h_cliv(&p, data_dir, NULL, args);
	cli_ok(&p, "parapet token add");
	size_t l = strlen(p.out);
	while (l && p.out[l - 1] == '\n')
		p.out[--l] = '\0';
	char *t = strdup(p.out);
	h_proc_free(&p);
	if (strncmp(t, "prt_", 4) != 0)
		fail_msg("token add printed %s", t);
	return t;
}

int64_t h_org_add(const char *data_dir, const char *name, const char *province)
{
	struct h_proc p;
	h_cli(&p, data_dir, NULL, "org", "add", name, "--province", province, NULL);
	cli_ok(&p, "parapet org add");
	long long v = strncmp(p.out, "organisation ", 13) == 0 ? atoll(p.out + 13) : 0;
	h_proc_free(&p);
	if (v <= 0)
		fail_msg("org add printed no id");
	return v;
}

void h_asset_add(const char *data_dir, int64_t org, const char *kind, const char *value)
{
	char os[32];
	snprintf(os, sizeof os, "%lld", (long long)org);
	struct h_proc p;
	h_cli(&p, data_dir, NULL, "asset", "add", os, kind, value, NULL);
	cli_ok(&p, "parapet asset add");
	h_proc_free(&p);
}

/* --------------------------------------------------------------- server */

static void dump_log(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[1024];
	fprintf(stderr, "---- server log %s ----\n", path);
	while (fgets(line, sizeof(line), f))
		fputs(line, stderr);
	fprintf(stderr, "----\n");
	fclose(f);
}

void h_server_start(struct h_server *s, const char *data_dir, const char *const *env)
{
	memset(s, 0, sizeof(*s));
	s->out_fd = -1;
	snprintf(s->log, sizeof(s->log), "%s/serve.log", data_dir);
	int out[2];
	if (pipe2(out, O_CLOEXEC) != 0)
		fail_msg("pipe: %s", strerror(errno));
	int logfd = open(s->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (logfd < 0)
		fail_msg("open %s: %s", s->log, strerror(errno));
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		/* Die with the test process, whatever happens to it. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		int devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, 0);
		dup2(out[1], 1);
		dup2(logfd, 2);
		/* many servers run at once: their metrics listeners on ports of
		** their own, unless the test says otherwise */
		setenv("PARAPET_METRICS_LISTEN", "127.0.0.1:0", 1);
		child_env(env);
		execl(bin, bin, "--data", data_dir, "serve", "--listen", "127.0.0.1:0", (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	close(logfd);
	s->pid = pid;
	s->out_fd = out[0];
	s->running = true;
	live_add(pid);
	/* Wait for "parapet: listening on http://127.0.0.1:PORT/". */
	char line[256];
	size_t n = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms > 20000)
			break;
		struct pollfd pf = { s->out_fd, POLLIN, 0 };
		if (poll(&pf, 1, 200) <= 0)
			continue;
		char c;
		ssize_t r = read(s->out_fd, &c, 1);
		if (r <= 0)
			break;
		if (c == '\n' || n == sizeof(line) - 1) {
			line[n] = '\0';
			break;
		}
		line[n++] = c;
	}
	line[n] = '\0';
	const char *pfx = "parapet: listening on http://127.0.0.1:";
	long port = 0;
	if (strncmp(line, pfx, strlen(pfx)) == 0)
		port = strtol(line + strlen(pfx), NULL, 10);
	if (port <= 0 || port > 65535) {
		h_server_stop(s);
		dump_log(s->log);
		fail_msg("server did not report a port; first line: \"%s\"", line);
	}
	s->port = (int)port;
	snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%d", s->port);
	/* logged before the "listening on" line: "metrics listening on A:P" */
	FILE *lf = fopen(s->log, "re");
	char ll[1024];
	while (lf && fgets(ll, sizeof(ll), lf)) {
		const char *m = strstr(ll, "metrics listening on ");
		const char *colon = m ? strrchr(m, ':') : NULL;
		if (colon)
			s->metrics_port = (int)strtol(colon + 1, NULL, 10);
	}
	if (lf)
		fclose(lf);
}

int h_server_stop(struct h_server *s)
{
	return h_server_stop_sig(s, SIGTERM);
}

int h_server_stop_sig(struct h_server *s, int sig)
{
	if (!s || !s->running)
		return -1;
	s->running = false;
	kill(s->pid, sig);
	int st = 0, rc = -1;
	for (int i = 0; i < 2000; i++) {
		pid_t w = waitpid(s->pid, &st, WNOHANG);
		if (w == s->pid) {
			rc = decode_status(st);
			break;
		}
		usleep(10000);
	}
	if (rc == -1) {
		fprintf(stderr, "harness: server %d ignored SIGTERM for 20 s; killing it\n",
			(int)s->pid);
		kill(s->pid, SIGKILL);
		waitpid(s->pid, &st, 0);
		rc = 128 + SIGKILL;
	}
	live_del(s->pid);
	if (s->out_fd >= 0)
		close(s->out_fd);
	s->out_fd = -1;
	if (rc != 0)
		dump_log(s->log);
	return rc;
}

/* ----------------------------------------------------------------- HTTP */

static size_t on_body(char *d, size_t sz, size_t n, void *ud)
{
	sb_add(ud, d, sz * n);
	return sz * n;
}

static size_t on_header(char *d, size_t sz, size_t n, void *ud)
{
	struct sbuf *b = ud;
	/* A new status line starts a new response (after 100 Continue). */
	if (sz * n >= 5 && strncmp(d, "HTTP/", 5) == 0)
		b->n = 0;
	sb_add(b, d, sz * n);
	return sz * n;
}

struct upload {
	const char *p;
	size_t left;
};

static size_t on_read(char *d, size_t sz, size_t n, void *ud)
{
	struct upload *u = ud;
	size_t k = sz * n < u->left ? sz * n : u->left;
	memcpy(d, u->p, k);
	u->p += k;
	u->left -= k;
	return k;
}

void h_http_ex(const struct h_server *s, struct h_resp *r, const char *method,
	       const char *path, const struct h_cred *c, const char *ctype, const char *body,
	       size_t len, bool chunked, const char *const *extra)
{
	memset(r, 0, sizeof(*r));
	CURL *h = curl_easy_init();
	if (!h)
		fail_msg("curl_easy_init");
	char *url = h_fmt("%s%s", s->base, path);
	struct curl_slist *hdr = NULL;
	char *auth = NULL, *csrf = NULL, *cookie = NULL, *ct = NULL;
	struct sbuf b = { 0 }, hb = { 0 };
	struct upload up = { body, len };
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &hb);
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	if (c && c->token) {
		auth = h_fmt("Authorization: Bearer %s", c->token);
		hdr = curl_slist_append(hdr, auth);
	}
	if (c && c->cookie) {
		cookie = h_fmt("parapet_session=%s", c->cookie);
		curl_easy_setopt(h, CURLOPT_COOKIE, cookie);
	}
	if (c && c->csrf) {
		csrf = h_fmt("X-CSRF-Token: %s", c->csrf);
		hdr = curl_slist_append(hdr, csrf);
	}
	if (body) {
		curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(h, CURLOPT_READDATA, &up);
		if (chunked)
			hdr = curl_slist_append(hdr, "Transfer-Encoding: chunked");
		else
			curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
		/* Send the body at once rather than waiting for 100 Continue. */
		hdr = curl_slist_append(hdr, "Expect:");
	}
	if (ctype) {
		ct = h_fmt("Content-Type: %s", ctype);
		hdr = curl_slist_append(hdr, ct);
	} else {
		hdr = curl_slist_append(hdr, "Content-Type:");
	}
	for (const char *const *e = extra; e && *e; e++)
		hdr = curl_slist_append(hdr, *e);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	CURLcode rc = curl_easy_perform(h);
	long status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	free(auth);
	free(csrf);
	free(cookie);
	free(ct);
	r->status = status;
	r->body = sb_take(&b);
	r->body_len = b.n;
	r->headers = sb_take(&hb);
	/* An early answer (413 before the body was read) may end the upload
	** with a send error; the status is what matters then. */
	if (rc != CURLE_OK && status == 0) {
		char *u = url;
		h_resp_free(r);
		fail_msg("%s %s: %s", method, u, curl_easy_strerror(rc));
	}
	free(url);
	if (r->body_len && (r->body[0] == '{' || r->body[0] == '['))
		r->json = json_loadb(r->body, r->body_len, 0, NULL);
}

void h_http(const struct h_server *s, struct h_resp *r, const char *method, const char *path,
	    const struct h_cred *c, const char *body)
{
	h_http_ex(s, r, method, path, c, body ? "application/json" : NULL, body,
		  body ? strlen(body) : 0, false, NULL);
}

void h_httpf(const struct h_server *s, struct h_resp *r, const char *method,
	     const struct h_cred *c, const char *body, const char *pathfmt, ...)
{
	va_list ap;
	va_start(ap, pathfmt);
	char *path = NULL;
	if (vasprintf(&path, pathfmt, ap) < 0)
		abort();
	va_end(ap);
	h_http(s, r, method, path, c, body);
	free(path);
}

void h_metrics(const struct h_server *s, struct h_resp *r)
{
	struct h_server m = *s;
	if (s->metrics_port <= 0)
		fail_msg("the server has no metrics listener");
	snprintf(m.base, sizeof(m.base), "http://127.0.0.1:%d", s->metrics_port);
	h_http(&m, r, "GET", "/metrics", NULL, NULL);
}

void h_resp_free(struct h_resp *r)
{
	free(r->body);
	free(r->headers);
	json_decref(r->json);
	memset(r, 0, sizeof(*r));
}

char *h_header(const struct h_resp *r, const char *name)
{
	size_t nl = strlen(name);
	for (const char *l = r->headers; l && *l;) {
		const char *e = strstr(l, "\r\n");
		size_t n = e ? (size_t)(e - l) : strlen(l);
		if (n > nl && l[nl] == ':' && strncasecmp(l, name, nl) == 0) {
			const char *v = l + nl + 1;
			while (*v == ' ')
				v++;
			return strndup(v, (size_t)(l + n - v));
		}
		l = e ? e + 2 : l + n;
	}
	return NULL;
}

void h_expect_status(const struct h_resp *r, long want, const char *file, int line)
{
	if (r->status != want)
		fail_msg("%s:%d: expected HTTP %ld, got %ld: %.600s", file, line, want, r->status,
			 r->body ? r->body : "");
}

void h_expect_problem(const struct h_resp *r, long want, const char *field, const char *file,
		      int line)
{
	h_expect_status(r, want, file, line);
	char *ct = h_header(r, "Content-Type");
	bool ok = ct && strcmp(ct, "application/problem+json") == 0;
	free(ct);
	if (!ok)
		fail_msg("%s:%d: problem without Content-Type application/problem+json", file, line);
	if (!r->json || !json_is_object(r->json))
		fail_msg("%s:%d: problem body is not a JSON object: %.300s", file, line, r->body);
	const char *type = h_jstr(r->json, "type"), *title = h_jstr(r->json, "title");
	const char *detail = h_jstr(r->json, "detail");
	if (!type || !type[0] || !title || !title[0] || !detail || !detail[0])
		fail_msg("%s:%d: problem lacks type, title or detail: %.300s", file, line, r->body);
	if (h_jint(r->json, "status") != want)
		fail_msg("%s:%d: problem status %lld, HTTP status %ld", file, line,
			 (long long)h_jint(r->json, "status"), want);
	if (field) {
		const char *f = h_jstr(r->json, "field");
		if (!f || strcmp(f, field) != 0)
			fail_msg("%s:%d: problem field \"%s\", expected \"%s\": %.300s", file, line,
				 f ? f : "(none)", field, r->body);
	}
}

const char *h_jstr(const json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

int64_t h_jint(const json_t *j, const char *key)
{
	return json_integer_value(json_object_get(j, key));
}

void h_login(const struct h_server *s, const char *login, const char *password, char *cookie,
	     char *csrf)
{
	json_t *b = json_pack("{ss ss}", "login", login, "password", password);
	char *body = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	struct h_resp r;
	h_http(s, &r, "POST", "/api/v1/session", NULL, body);
	free(body);
	if (r.status != 201) {
		char msg[600];
		snprintf(msg, sizeof(msg), "login %s: HTTP %ld %.400s", login, r.status, r.body);
		h_resp_free(&r);
		fail_msg("%s", msg);
	}
	char *sc = h_header(&r, "Set-Cookie");
	const char *v = sc ? strstr(sc, "parapet_session=") : NULL;
	if (!v)
		fail_msg("login %s: no session cookie", login);
	v += strlen("parapet_session=");
	size_t n = strcspn(v, ";");
	if (n >= 80)
		fail_msg("login: cookie too long");
	memcpy(cookie, v, n);
	cookie[n] = '\0';
	free(sc);
	const char *x = h_jstr(r.json, "csrf");
	if (!x || strlen(x) >= 80)
		fail_msg("login %s: no csrf in body", login);
	strcpy(csrf, x);
	h_resp_free(&r);
}

int64_t h_audit_count(const struct h_server *s, const struct h_cred *admin)
{
	/* The log is append-only (a hash chain, seq rising), so only the
	** entries after the last one counted need reading: reading it whole
	** after every request made test_rbac quadratic. Per server process. */
	static pid_t seen_pid;
	static int64_t seen_after, seen_count;
	if (seen_pid != s->pid) {
		seen_pid = s->pid;
		seen_after = seen_count = 0;
	}
	int64_t after = seen_after, count = seen_count;
	for (;;) {
		struct h_resp r;
		h_httpf(s, &r, "GET", admin, NULL, "/api/v1/audit?limit=1000&after=%lld",
			(long long)after);
		H_STATUS(&r, 200);
		json_t *items = json_object_get(r.json, "items");
		size_t n = json_array_size(items);
		count += (int64_t)n;
		if (n)
			after = h_jint(json_array_get(items, n - 1), "seq");
		h_resp_free(&r);
		if (n < 1000)
			break;
	}
	seen_after = after;
	seen_count = count;
	return count;
}

void h_expect_contains(const char *hay, const char *needle, const char *file, int line)
{
	if (!hay || !strstr(hay, needle))
		fail_msg("%s:%d: expected \"%s\" in: %.1200s", file, line, needle,
			 hay ? hay : "(null)");
}

int64_t h_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void h_nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

bool h_file_has(const char *path, const char *text)
{
	FILE *f = fopen(path, "re");
	char l[1024];
	bool found = false;
	while (f && !found && fgets(l, sizeof l, f))
		found = strstr(l, text) != NULL;
	if (f)
		fclose(f);
	return found;
}

pid_t h_spawn_port(const char *const *argv, int *port, char *said, size_t said_len)
{
	int out[2];
	*port = 0;
	if (said_len)
		said[0] = '\0';
	if (pipe2(out, O_CLOEXEC) != 0)
		fail_msg("pipe: %s", strerror(errno));
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		dup2(out[1], 1);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(out[1]);
	char line[64];
	size_t n = 0;
	int64_t t0 = h_now_ms();
	while (n < sizeof(line) - 1 && h_now_ms() - t0 < 15000) {
		struct pollfd pf = { out[0], POLLIN, 0 };
		if (poll(&pf, 1, 200) <= 0)
			continue;
		char c;
		if (read(out[0], &c, 1) != 1 || c == '\n')
			break;
		line[n++] = c;
	}
	line[n] = '\0';
	close(out[0]);
	if (strncmp(line, "PORT ", 5) == 0)
		*port = (int)strtol(line + 5, NULL, 10);
	if (said_len)
		snprintf(said, said_len, "%s", line);
	return pid;
}

/* ------------------------------------------------------------ SMTP sink */

static pid_t sink_pids[8]; /* every sink started, killed at exit */

void h_sink_kill_all(void)
{
	for (int i = 0; i < 8; i++)
		if (sink_pids[i] > 0) {
			kill(sink_pids[i], SIGKILL);
			waitpid(sink_pids[i], NULL, 0);
			sink_pids[i] = 0;
		}
}

static const char *sink_script(void)
{
	const char *s = getenv("SMTP_SINK");
	return s && *s ? s : "tests/integration/smtp_sink.py";
}

/* Start smtp_sink.py writing into maildir, on port (0 = any); delay in
** seconds per message. Fails the test unless it reports its port. */
void h_sink_start(struct h_sink *k, const char *maildir, int port, const char *delay)
{
	h_sink_start_ex(k, maildir, port, delay, NULL);
}

void h_sink_start_ex(struct h_sink *k, const char *maildir, int port, const char *delay,
		     const char *const *extra)
{
	char portbuf[16];
	snprintf(portbuf, sizeof(portbuf), "%d", port);
	/* Debian's interpreter: python3-aiosmtpd is installed for it, whatever
	** python3 comes first in PATH. */
	const char *py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
	const char *argv[16] = { py, sink_script(), maildir, "--port", portbuf, "--delay",
				 delay ? delay : "0" };
	int n = 7;
	for (const char *const *x = extra; x && *x && n < 15; x++)
		argv[n++] = *x;
	argv[n] = NULL;
	char said[64];
	pid_t pid = h_spawn_port(argv, &k->port, said, sizeof(said));
	for (int i = 0; i < 8; i++)
		if (sink_pids[i] == 0) {
			sink_pids[i] = pid;
			break;
		}
	k->pid = pid;
	k->maildir = strdup(maildir);
	if (k->port <= 0)
		fail_msg("smtp_sink.py did not report a port (got \"%s\"); is python3-aiosmtpd "
			 "installed?",
			 said);
}

void h_sink_stop(struct h_sink *k)
{
	if (k->pid > 0) {
		kill(k->pid, SIGTERM);
		waitpid(k->pid, NULL, 0);
		for (int i = 0; i < 8; i++)
			if (sink_pids[i] == k->pid)
				sink_pids[i] = 0;
	}
	k->pid = 0;
	free(k->maildir);
	k->maildir = NULL;
}

/* Number of *.eml files in the sink's directory. */
int h_sink_count(const struct h_sink *k)
{
	DIR *d = opendir(k->maildir);
	int n = 0;
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t l = strlen(e->d_name);
		if (l > 4 && strcmp(e->d_name + l - 4, ".eml") == 0)
			n++;
	}
	closedir(d);
	return n;
}

int h_sink_wait(const struct h_sink *k, int want, int ms)
{
	int64_t t0 = h_now_ms();
	int n;
	while ((n = h_sink_count(k)) < want && h_now_ms() - t0 < ms)
		usleep(20000);
	return n;
}

char *h_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("open %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	if (!s || fread(s, 1, (size_t)n, f) != (size_t)n)
		fail_msg("read %s", path);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* Message i (1-based) of the sink: raw text and envelope JSON. */
char *h_sink_message(const struct h_sink *k, int i, json_t **envelope)
{
	char *p = h_fmt("%s/%06d.eml", k->maildir, i);
	char *text = h_slurp(p);
	free(p);
	if (envelope) {
		p = h_fmt("%s/%06d.json", k->maildir, i);
		json_error_t je;
		*envelope = json_load_file(p, 0, &je);
		if (!*envelope)
			fail_msg("bad envelope %s: %s", p, je.text);
		free(p);
	}
	return text;
}


int h_flow_port(const char *log, const char *kind)
{
	FILE *f = fopen(log, "re");
	char l[1024], want[32];
	snprintf(want, sizeof(want), "%s port ", kind);
	int port = 0;
	while (f && fgets(l, sizeof(l), f)) {
		const char *m = strstr(l, want);
		if (m && strstr(l, "flow: collector running"))
			port = (int)strtol(m + strlen(want), NULL, 10);
	}
	if (f)
		fclose(f);
	return port;
}

bool h_incident_message_has(const struct h_server *s, const struct h_cred *c, int64_t id,
			    const char *text)
{
	struct h_resp r;
	h_httpf(s, &r, "GET", c, NULL, "/api/v1/incidents/%lld/messages", (long long)id);
	H_STATUS(&r, 200);
	json_t *ms = json_object_get(r.json, "items");
	if (!ms)
		ms = r.json;
	bool found = false;
	for (size_t i = 0; i < json_array_size(ms) && !found; i++) {
		const char *b = json_string_value(json_object_get(json_array_get(ms, i), "body"));
		found = b && strstr(b, text);
	}
	h_resp_free(&r);
	return found;
}
