/*
** server.c — the libmicrohttpd glue: reading requests, routing,
** authentication, transactions, problem documents, logging, shutdown.
**
** Request life: MHD calls on_request() first when the request line and
** headers are complete, before any body byte is read. That call decides all
** that does not need the body (check_sizes(): request target and header
** sizes, 414 and 431; gate(): route, credentials, CSRF, route roles,
** organisation scope, announced size, the memory budget) and, on refusal,
** queues the problem at once: MHD then sends it and closes the connection
** without reading the body, so an anonymous client cannot make us hold a
** byte of it. Then come body chunks: held in a bounded pbuf counted against
** http.body_budget (bytes of bodies in memory across all connections; past
** it 503 with Retry-After), or, for file routes above BODY_FILE_MIN, written
** to an unlinked temporary file in DATA/tmp that the handler sees mapped.
** The last call answers: dispatch() runs the handler, with a store
** transaction around every unsafe method. Each worker thread owns one store
** connection (a pthread key closes it when the thread ends).
**
** Slow clients: a connection must complete its request line and headers
** within http.header_timeout of its start (or of its previous request's
** end), however it trickles them; connections still sending headers are
** capped at http.max_pending (the oldest are closed first), well below
** MHD's connection limit, so a flood of slow clients leaves room for
** complete requests; and one address holds http.per_ip_connections at most.
**
** Metrics: GET /metrics on the API listener needs national staff
** credentials; a second, small daemon on metrics.listen (loopback by
** default) serves GET /metrics alone without credentials, for Prometheus.
**
** Shutdown: http_stop() quiesces the daemon (the listening socket closes, so
** new connections are refused), waits for requests in flight to finish, then
** stops the workers.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "constituency/constituency.h"
#include "http/http.h"
#include "http/listcache.h"
#include "indicator/indicator.h"
#include "notify/notify.h"

struct http_server {
	struct MHD_Daemon *d;
	struct MHD_Daemon *md; /* the metrics listener (metrics.listen), or NULL */
	const struct config *cfg;
	char db_path[1024];
	char blob_dir[1100];
	char tmp_dir[1100];   /* DATA/tmp: large upload bodies while they arrive */
	int port;
	_Atomic int inflight;
	_Atomic int64_t body_mem; /* bytes of http.body_budget held by requests */
	/* connections still sending a request line and headers, oldest first
	** (conn_track): the header deadline and the cap on them */
	pthread_mutex_t pend_mu;
	pthread_cond_t pend_cv;
	struct conn_track *pend_head, *pend_tail;
	int64_t npending;
	bool sweeping;
	pthread_t sweeper;
	/* the warninglists (http_warninglists): loaded on first use, replaced
	** when their directory changes; wl_mu guards wl, the refs and checks */
	pthread_mutex_t wl_mu;
	struct http_wl_ref *wl;
	int64_t wl_checked_ms;
};

/* One loaded set of warninglists and who uses it: the server holds one
** reference while the set is current, each request using it one more. The
** set is freed by whoever drops the last. */
struct http_wl_ref {
	struct indicator_wl_set *set;
	int refs;
	dev_t dev;    /* the directory it was read from, as it was then */
	ino_t ino;
	struct timespec mtime;
};

/* How often a request may look at the warninglists' directory again. */
#define WL_RECHECK_MS 3000
static void wl_release(struct http_server *s, struct http_req *rq);

/* The largest body a public route (no credentials: the login) takes. */
#define PUBLIC_BODY_MAX ((int64_t)16 << 10)
/* File-route bodies larger than this go to DATA/tmp instead of memory. */
#define BODY_FILE_MIN ((int64_t)1 << 20)
/* Seconds a client is asked to wait when the body budget is spent. */
#define BUDGET_RETRY_AFTER 5

struct req_ctx {
	struct pbuf body;
	bool too_large;
	bool over_budget;  /* the body outgrew the budget: rest discarded, 503 */
	bool body_failed;  /* the temporary file could not be written: 500 */
	int64_t reserved;  /* bytes of s->body_mem this request holds */
	int body_fd;       /* >= 0: the body is in this unlinked file in DATA/tmp */
	int64_t file_len;
	struct timespec t0;
	char rid[40];
	/* the route, found on the first call so that the body limit can
	** depend on it (evidence uploads are larger than JSON) */
	const struct route *rt;
	bool path_known;
	char allow[64];
	char *params[4];
	int64_t ids[4];
	int nparams;
	/* credentials, resolved by gate() before the body is read */
	struct principal who;
	bool have;
	const char *session_cookie; /* MHD's copy, valid for the request */
	char actor[128];
	char addr[64];
};

/* The largest request body a route takes: a report upload, an evidence
** file, or a JSON document. */
static int64_t body_limit(const struct config *cfg, const struct route *rt)
{
	if (rt && rt->raw_body && rt->apk)
		return cfg->apk_max_size;
	if (rt && rt->raw_body)
		return rt->upload ? cfg->feeds_max_upload : cfg->evidence_max;
	/* a public route (the login) is reached by anyone: its body stays
	** small, so that anonymous clients cannot hold much of the budget */
	if (rt && !rt->roles && cfg->max_body > PUBLIC_BODY_MAX)
		return PUBLIC_BODY_MAX;
	return cfg->max_body;
}

static pthread_key_t store_key;
static pthread_once_t store_once = PTHREAD_ONCE_INIT;

static void store_key_close(void *p)
{
	store_close(p);
}

static void store_key_init(void)
{
	pthread_key_create(&store_key, store_key_close);
}

/* The calling thread's store connection, opened on first use. */
static struct store *thread_store(struct http_server *s, struct perr *err)
{
	pthread_once(&store_once, store_key_init);
	struct store *st = pthread_getspecific(store_key);
	if (st)
		return st;
	if (store_open(s->db_path, &st, err) != 0)
		return NULL;
	pthread_setspecific(store_key, st);
	return st;
}

/* ------------------------------------------------------------ responses */

static int status_of(enum perr_kind k)
{
	switch (k) {
	case PERR_INVALID: return 400;
	case PERR_NOTFOUND: return 404;
	case PERR_CONFLICT: return 409;
	case PERR_FORBIDDEN: return 403;
	case PERR_AUTH: return 401;
	case PERR_LIMIT: return 413;
	case PERR_BUSY: return 429;
	default: return 500;
	}
}

static const char *title_of(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

int http_problem(struct http_resp *rs, const struct perr *err)
{
	rs->status = status_of(err->kind);
	rs->err = *err;
	json_decref(rs->body);
	rs->body = NULL;
	return 0;
}

int http_bad(struct http_resp *rs, const char *field, const char *msg)
{
	struct perr e;
	perr_set(&e, PERR_INVALID, field, "%s", msg);
	return http_problem(rs, &e);
}

static json_t *problem_json(int status, const struct perr *err, const char *path)
{
	json_t *j = json_object();
	char type[96];
	snprintf(type, sizeof(type), "https://parapet.invalid/problems/%d", status);
	json_object_set_new(j, "type", json_string(type));
	json_object_set_new(j, "title", json_string(title_of(status)));
	json_object_set_new(j, "status", json_integer(status));
	/* A 500 says nothing of its cause to the client: that goes to the log. */
	const char *detail = status >= 500 ? "internal error; see the server log with the request id"
		: err && err->msg[0] ? err->msg : title_of(status);
	if (utf8_valid(detail, strlen(detail)))
		json_object_set_new(j, "detail", json_string(detail));
	if (path && utf8_valid(path, strlen(path)))
		json_object_set_new(j, "instance", json_string(path));
	if (err && err->field[0] && utf8_valid(err->field, strlen(err->field)))
		json_object_set_new(j, "field", json_string(err->field));
	return j;
}

static const char *status_text_ctype(const struct http_resp *rs)
{
	if (rs->body)
		return rs->status >= 400 ? "application/problem+json" : "application/json";
	return rs->ctype ? rs->ctype : "application/json";
}

static enum MHD_Result send_resp(struct MHD_Connection *c, struct req_ctx *ctx,
				 struct http_resp *rs, const char *path, const char *allow)
{
	char *text = NULL;
	struct MHD_Response *r;
	/* a body from the list cache: sent from there, released when sent */
	struct listcache_body *kept =
		!rs->body && !rs->raw_free && rs->fd <= 0 ? listcache_claim(rs->raw) : NULL;
	bool rendered = rs->raw_free || kept;
	if (rs->status >= 400 && !rs->body && !rs->raw)
		rs->body = problem_json(rs->status, &rs->err, path);
	if (kept) {
		r = MHD_create_response_from_buffer_with_free_callback_cls(
			listcache_len(kept), (void *)listcache_text(kept), listcache_release, kept);
		if (!r)
			listcache_release(kept);
	} else if (rs->fd > 0 && !rs->body) {
		r = MHD_create_response_from_fd((uint64_t)rs->fd_size, rs->fd);
		if (r)
			rs->fd = -1; /* MHD owns it now and closes it */
	} else if (rs->body) {
		text = json_dumps(rs->body, JSON_COMPACT);
		if (!text)
			text = pstr_dup(PSTR_LIT("{}"));
		r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	} else if (rs->raw_free) {
		/* heap text rendered for this request: MHD takes it over */
		r = MHD_create_response_from_buffer(rs->raw_len, (void *)rs->raw,
						    MHD_RESPMEM_MUST_FREE);
		if (r)
			rs->raw_free = false;
	} else {
		/* Copied: a raw body may live in a per-thread buffer that the next
		** request on this worker reuses before MHD has sent this one. */
		r = MHD_create_response_from_buffer(rs->raw_len, (void *)rs->raw,
						    MHD_RESPMEM_MUST_COPY);
	}
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", status_text_ctype(rs));
	MHD_add_response_header(r, "X-Request-Id", ctx->rid);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; script-src 'self'; style-src 'self'; "
				"img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
				"form-action 'self'");
	/* Only the embedded web assets (static, not heap) may be cached, and
	** a body a handler gives its own caching (an export's max-age). */
	if (rs->cache_control[0])
		MHD_add_response_header(r, "Cache-Control", rs->cache_control);
	else if (!rs->raw || rs->body || rendered)
		MHD_add_response_header(r, "Cache-Control", "no-store");
	if (rs->etag[0])
		MHD_add_response_header(r, "ETag", rs->etag);
	if (rs->set_cookie[0])
		MHD_add_response_header(r, "Set-Cookie", rs->set_cookie);
	if (allow)
		MHD_add_response_header(r, "Allow", allow);
	if (rs->disposition[0]) {
		/* A download is never rendered: no sniffing, no scripts, even if
		** the browser is asked to display it. */
		MHD_add_response_header(r, "Content-Disposition", rs->disposition);
		MHD_del_response_header(r, "Content-Security-Policy",
					"default-src 'self'; script-src 'self'; style-src 'self'; "
					"img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
					"form-action 'self'");
		MHD_add_response_header(r, "Content-Security-Policy", "sandbox; default-src 'none'");
	}
	if (rs->extra_name[0])
		MHD_add_response_header(r, rs->extra_name, rs->extra_value);
	if (rs->status == 401)
		MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"parapet\"");
	if (rs->retry_after > 0) {
		char ra[24];
		snprintf(ra, sizeof(ra), "%lld", (long long)rs->retry_after);
		MHD_add_response_header(r, "Retry-After", ra);
	}
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)rs->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* ------------------------------------------------- slow clients (slowloris) */

/* One connection, from accept to close (MHD's socket context). While it has
** not completed a request line and headers it sits in the server's pending
** list, oldest first. */
struct conn_track {
	struct conn_track *prev, *next;
	int fd;
	int64_t since_ms; /* accepted, or its last request finished */
	bool pending;
	size_t uri_len;   /* raw request target of the current request */
};

static int64_t mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* With pend_mu held. */
static void pend_unlink(struct http_server *s, struct conn_track *t)
{
	if (!t->pending)
		return;
	if (t->prev)
		t->prev->next = t->next;
	else
		s->pend_head = t->next;
	if (t->next)
		t->next->prev = t->prev;
	else
		s->pend_tail = t->prev;
	t->prev = t->next = NULL;
	t->pending = false;
	s->npending--;
}

/* With pend_mu held. */
static void pend_append(struct http_server *s, struct conn_track *t)
{
	pend_unlink(s, t);
	t->since_ms = mono_ms();
	t->prev = s->pend_tail;
	t->next = NULL;
	if (s->pend_tail)
		s->pend_tail->next = t;
	else
		s->pend_head = t;
	s->pend_tail = t;
	t->pending = true;
	s->npending++;
}

/* Close the oldest pending connection, with pend_mu held. shutdown() only
** ends the stream: MHD's event loop then reads end-of-file and closes the
** connection itself, in its own thread. The descriptor is still open here:
** MHD announces MHD_CONNECTION_NOTIFY_CLOSED (which waits for pend_mu to
** unlink the entry) before it closes the socket. */
static void pend_cut_oldest(struct http_server *s)
{
	struct conn_track *t = s->pend_head;
	shutdown(t->fd, SHUT_RDWR);
	pend_unlink(s, t);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct http_server *s = cls;
	struct conn_track *t = *socket_context;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		t = ci ? calloc(1, sizeof(*t)) : NULL;
		if (!t)
			return;
		t->fd = ci->connect_fd;
		pthread_mutex_lock(&s->pend_mu);
		pend_append(s, t);
		/* the cap on half-sent requests: the oldest make room, so a
		** complete request always finds a connection slot */
		while (s->npending > s->cfg->http_max_pending)
			pend_cut_oldest(s);
		pthread_mutex_unlock(&s->pend_mu);
		*socket_context = t;
		return;
	}
	if (!t)
		return;
	pthread_mutex_lock(&s->pend_mu);
	pend_unlink(s, t);
	pthread_mutex_unlock(&s->pend_mu);
	free(t);
	*socket_context = NULL;
}

/* The connection of c has completed a request's headers (done) or finished
** a request and waits for the next one's (!done: the deadline starts
** again, so a kept-alive connection cannot trickle its second request). */
static void conn_headers(struct http_server *s, struct MHD_Connection *c, bool done)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn_track *t = ci ? ci->socket_context : NULL;
	if (!t)
		return;
	pthread_mutex_lock(&s->pend_mu);
	if (done)
		pend_unlink(s, t);
	else
		pend_append(s, t);
	pthread_mutex_unlock(&s->pend_mu);
}

/* MHD's URI log hook: the one place the raw request target (path and
** query, before decoding) is seen; its length is kept for the http.max_url
** check. Returns NULL (no request context yet). */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn_track *t = ci ? ci->socket_context : NULL;
	if (t)
		t->uri_len = strlen(uri);
	return NULL;
}

/* Refuse a request target longer than http.max_url (414) or header fields
** of more than http.max_headers bytes (431), as problem documents. Both
** limits sit well inside MHD's per-connection memory (see http_start()), so
** MHD reads such requests whole and leaves the answer to us. Returns 0, or
** -1 with rs filled. */
static int check_sizes(struct http_server *s, struct MHD_Connection *c, const char *method,
		       const char *version, struct http_resp *rs)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	const struct conn_track *t = ci ? ci->socket_context : NULL;
	size_t uri = t ? t->uri_len : 0;
	if (uri > (size_t)s->cfg->http_max_url) {
		perr_set(&rs->err, PERR_LIMIT, NULL,
			 "the request target is longer than %lld bytes",
			 (long long)s->cfg->http_max_url);
		rs->status = 414;
		return -1;
	}
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	/* the header block less the request line "METHOD URI VERSION\r\n" */
	size_t line = strlen(method) + 1 + uri + 1 + strlen(version) + 2;
	size_t fields = ci && ci->header_size > line ? ci->header_size - line : 0;
	if (fields > (size_t)s->cfg->http_max_headers) {
		perr_set(&rs->err, PERR_LIMIT, NULL,
			 "the request header fields are larger than %lld bytes",
			 (long long)s->cfg->http_max_headers);
		rs->status = 431;
		return -1;
	}
	return 0;
}

/* Close connections whose headers are not complete http.header_timeout
** seconds after they started; libmicrohttpd's own timeout restarts with
** every byte, so a client sending one a second would never meet it. */
static void *sweeper_main(void *arg)
{
	struct http_server *s = arg;
	pthread_mutex_lock(&s->pend_mu);
	while (s->sweeping) {
		int64_t limit = mono_ms() - s->cfg->http_header_timeout * 1000;
		while (s->pend_head && s->pend_head->since_ms <= limit)
			pend_cut_oldest(s);
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += 250 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->pend_cv, &s->pend_mu, &until);
	}
	pthread_mutex_unlock(&s->pend_mu);
	return NULL;
}

/* -------------------------------------------------------------- routing */

#define MAX_SEGS 16

static int split_path(const char *path, struct pstr *segs)
{
	int n = 0;
	struct pstr rest = pstr_c(path), seg;
	if (rest.n && rest.p[0] == '/') {
		rest.p++;
		rest.n--;
	}
	while (rest.p) {
		pstr_cut(rest, '/', &seg, &rest);
		if (n == MAX_SEGS)
			return -1;
		segs[n++] = seg;
		if (!rest.p)
			break;
	}
	return n;
}

/* The route patterns split into segments once (the table is constant). */
struct route_segs {
	int n;
	struct pstr s[MAX_SEGS];
};
static struct route_segs *route_segs;
static pthread_once_t route_segs_once = PTHREAD_ONCE_INIT;

static void route_segs_init(void)
{
	size_t n = http_route_count();
	route_segs = calloc(n ? n : 1, sizeof(*route_segs));
	for (size_t i = 0; route_segs && i < n; i++)
		route_segs[i].n = split_path(http_routes[i].pattern, route_segs[i].s);
}

/* Does the pattern split into ps[np] match the path's segments? On a match
** fills params (heap copies of the {x} segments) and ids (the same as
** positive integers, or 0). */
static bool match(const struct pstr *ps, int np, const struct pstr *segs, int nsegs,
		  char **params, int64_t *ids, int *nparams)
{
	if (np != nsegs)
		return false;
	int k = 0;
	for (int i = 0; i < np; i++) {
		if (ps[i].n >= 2 && ps[i].p[0] == '{') {
			if (segs[i].n == 0 || k == 4)
				return false;
			k++;
			continue;
		}
		if (!pstr_eq(ps[i], segs[i]))
			return false;
	}
	k = 0;
	for (int i = 0; i < np; i++) {
		if (ps[i].n >= 2 && ps[i].p[0] == '{') {
			params[k] = pstr_dup(segs[i]);
			int64_t v = 0;
			ids[k] = pstr_to_i64(segs[i], 1, INT64_MAX, &v) == 0 ? v : 0;
			k++;
		}
	}
	*nparams = k;
	return true;
}

static void free_params(struct req_ctx *ctx)
{
	for (int k = 0; k < 4; k++) {
		free(ctx->params[k]);
		ctx->params[k] = NULL;
	}
	ctx->nparams = 0;
}

/* Find the route for method and url; fills ctx->rt (NULL when none),
** path_known (some route has this path) and allow (its methods). */
static void find_route(struct req_ctx *ctx, const char *url, const char *method)
{
	struct pstr segs[MAX_SEGS];
	int nsegs = split_path(url, segs);
	pthread_once(&route_segs_once, route_segs_init);
	for (size_t i = 0; nsegs >= 0 && http_routes[i].pattern; i++) {
		struct route_segs own;
		const struct route_segs *rp = route_segs ? &route_segs[i] : &own;
		if (!route_segs) /* out of memory at start: split as we go */
			own.n = split_path(http_routes[i].pattern, own.s);
		if (rp->n != nsegs)
			continue;
		free_params(ctx);
		if (!match(rp->s, rp->n, segs, nsegs, ctx->params, ctx->ids, &ctx->nparams))
			continue;
		ctx->path_known = true;
		if (strcmp(http_routes[i].method, method) == 0 ||
		    (strcmp(method, "HEAD") == 0 && strcmp(http_routes[i].method, "GET") == 0)) {
			ctx->rt = &http_routes[i];
			return;
		}
		size_t l = strlen(ctx->allow);
		snprintf(ctx->allow + l, sizeof(ctx->allow) - l, "%s%s", l ? ", " : "",
			 http_routes[i].method);
	}
	free_params(ctx);
}

static bool unsafe(const char *m)
{
	return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

const char *http_query(struct http_req *rq, const char *key)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *http_header(struct http_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

/* Resolve credentials: bearer token first, then session cookie. Sets *who
** when credentials were presented and are valid; returns -1 with err when
** they were presented and are not. Reads go through the one-second
** credential cache, writes to the store (identity.h). */
static int authenticate(struct MHD_Connection *c, struct http_req *rq,
			struct principal *who, bool *have, struct perr *err)
{
	bool write = unsafe(rq->method);
	*have = false;
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	if (auth) {
		if (strncasecmp(auth, "Bearer ", 7) != 0)
			return perr_set(err, PERR_AUTH, NULL, "use Authorization: Bearer TOKEN");
		if ((write ? identity_token_resolve(rq->st, auth + 7, who, err)
			   : identity_token_resolve_cached(rq->st, auth + 7, who, err)) != 0)
			return -1;
		*have = true;
		return 0;
	}
	const char *cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "parapet_session");
	if (!cookie)
		return 0;
	rq->session_cookie = cookie;
	if ((write ? identity_session_resolve(rq->st, cookie, who, err)
		   : identity_session_resolve_cached(rq->st, cookie, who, err)) != 0)
		return -1;
	*have = true;
	if (write) {
		/* Cookies ride along on cross-site requests; the CSRF token, held
		** by our own page only, proves the request came from it. */
		const char *tok = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
		if (!tok || strlen(tok) != 64 || sodium_memcmp(tok, who->csrf, 64) != 0)
			return perr_set(err, PERR_FORBIDDEN, NULL,
					"missing or wrong X-CSRF-Token header");
	}
	return 0;
}

static void make_rid(struct MHD_Connection *c, char rid[40])
{
	const char *in = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Request-Id");
	if (in) {
		size_t n = strlen(in);
		bool ok = n > 0 && n <= 36;
		for (size_t i = 0; ok && i < n; i++)
			ok = (in[i] >= '0' && in[i] <= '9') || (in[i] >= 'a' && in[i] <= 'z') ||
			     (in[i] >= 'A' && in[i] <= 'Z') || in[i] == '-' || in[i] == '_';
		if (ok) {
			pstrtrunc(rid, in, 40); /* at most 36 bytes: checked above */
			return;
		}
	}
	/* Random ids drawn from a per-thread pool: one getrandom() call per 64
	** requests instead of one each. */
	static _Thread_local uint8_t pool[512];
	static _Thread_local size_t used = sizeof(pool);
	if (used + 8 > sizeof(pool)) {
		randombytes_buf(pool, sizeof(pool));
		used = 0;
	}
	core_hex(pool + used, 8, rid);
	sodium_memzero(pool + used, 8);
	used += 8;
}

static void client_addr(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	out[0] = '\0';
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
			  (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  out, (socklen_t)n);
}

/* Send rs (the answer to the request of ctx), count and log it, free rs.
** Returns what MHD_queue_response() returned. */
static enum MHD_Result answer(struct MHD_Connection *c, struct req_ctx *ctx, const char *url,
			      const char *method, struct http_resp *rs, const char *allow)
{
	const char *route_name = ctx->rt ? ctx->rt->pattern : "unmatched";
	if (rs->status >= 500)
		plog(PLOG_ERROR, "http: %s %s failed: %s", method, url, rs->err.msg);
	enum MHD_Result ret = send_resp(c, ctx, rs, url, allow);
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - ctx->t0.tv_sec) +
		      (double)(t1.tv_nsec - ctx->t0.tv_nsec) / 1e9;
	metrics_observe(route_name, rs->status, secs);
	plog(PLOG_INFO, "http: %s %s %d %.1fms addr=%s actor=%s", method, url, rs->status,
	     secs * 1000, ctx->addr, ctx->actor[0] ? ctx->actor : "-");
	plog_set_request_id(NULL);
	listcache_drop();
	json_decref(rs->body);
	if (rs->raw_free)
		free((void *)rs->raw);
	if (rs->fd > 0)
		close(rs->fd);
	return ret;
}

/* Take n more bytes of the body budget for ctx. Returns 0, or -1 (nothing
** taken) when that would pass http.body_budget. */
static int budget_take(struct http_server *s, struct req_ctx *ctx, int64_t n)
{
	int64_t was = atomic_fetch_add(&s->body_mem, n);
	if (was + n > s->cfg->http_body_budget) {
		atomic_fetch_sub(&s->body_mem, n);
		return -1;
	}
	ctx->reserved += n;
	return 0;
}

static void budget_release(struct http_server *s, struct req_ctx *ctx)
{
	atomic_fetch_sub(&s->body_mem, ctx->reserved);
	ctx->reserved = 0;
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *q = p;
	while (n) {
		ssize_t w = write(fd, q, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		q += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Move the body of ctx to a new temporary file in DATA/tmp (created 0700),
** with what memory holds so far. The file is unlinked at once: it vanishes
** when closed, even if the process dies. Returns 0, or -1 (errno set). */
static int body_to_file(struct http_server *s, struct req_ctx *ctx)
{
	char path[1200];
	if (mkdir(s->tmp_dir, 0700) != 0 && errno != EEXIST)
		return -1;
	if (snprintf(path, sizeof(path), "%s/body-XXXXXX", s->tmp_dir) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = mkostemp(path, O_CLOEXEC); /* O_EXCL, mode 0600 */
	if (fd < 0)
		return -1;
	unlink(path);
	if (ctx->body.len && write_all(fd, ctx->body.ptr, ctx->body.len) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	ctx->body_fd = fd;
	ctx->file_len = (int64_t)ctx->body.len;
	pbuf_free(&ctx->body);
	budget_release(s, ctx);
	return 0;
}

/* What can be decided on the request line and headers alone, before a body
** byte is read: the route, credentials (and CSRF), route roles,
** organisation scope, the announced size and the memory budget. Fills
** ctx->who, have, actor. Returns 0 to go on, or -1 with rs holding the
** answer (*allow set for a 405). */
static int gate(struct http_server *s, struct MHD_Connection *c, struct req_ctx *ctx,
		const char *method, struct http_resp *rs, const char **allow)
{
	const struct route *rt = ctx->rt;
	if (!rt) {
		if (ctx->path_known) {
			*allow = ctx->allow;
			perr_set(&rs->err, PERR_INVALID, NULL, "method %s not allowed here", method);
			rs->status = 405;
		} else {
			perr_set(&rs->err, PERR_NOTFOUND, NULL, "no such resource");
			rs->status = 404;
		}
		return -1;
	}
	struct http_req rq;
	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	rq.st = thread_store(s, &rs->err);
	if (!rq.st) {
		rs->status = 500;
		return -1;
	}
	struct perr aerr;
	perr_clear(&aerr);
	if (authenticate(c, &rq, &ctx->who, &ctx->have, &aerr) != 0) {
		/* On public routes stale credentials are ignored (a login page
		** with an expired cookie must still log in). */
		if (rt->roles)
			return http_problem(rs, &aerr), -1;
		ctx->have = false;
	}
	ctx->session_cookie = rq.session_cookie;
	rq.who = ctx->have ? &ctx->who : NULL;
	if (ctx->have)
		identity_actor(&ctx->who, ctx->actor, sizeof(ctx->actor));
	else
		snprintf(ctx->actor, sizeof(ctx->actor), "anonymous@%s", ctx->addr);
	if (rt->roles && identity_allow_route(rq.who, rt->roles, unsafe(method), &rs->err) != 0) {
		rs->status = status_of(rs->err.kind);
		return -1;
	}
	if (rt->scope == SCOPE_ORG) {
		struct store_org o;
		if (!ctx->ids[0]) {
			perr_set(&rs->err, PERR_NOTFOUND, NULL, "no such organisation");
			rs->status = 404;
			return -1;
		}
		if (constituency_org_get(rq.st, rq.who, ctx->ids[0], &o, &rs->err) != 0) {
			rs->status = status_of(rs->err.kind);
			return -1;
		}
	}
	int64_t limit = body_limit(s->cfg, rt);
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
	int64_t n = 0;
	if (cl && parse_i64(cl, 0, INT64_MAX, &n) != 0)
		n = 0;
	if (n > limit) {
		perr_set(&rs->err, PERR_LIMIT, NULL, "request body is larger than %lld bytes",
			 (long long)limit);
		rs->status = 413;
		return -1;
	}
	/* Nothing is reserved on the announced length: a client that announces
	** a body and sends nothing would hold budget it never uses (the review
	** of issue 11 held the whole budget with 64 idle logins). Bytes are
	** charged as they arrive (take_chunk); here only a body that cannot
	** fit in what is left now is turned away, or sent to a file. */
	bool room = n <= 0 || atomic_load(&s->body_mem) + n <= s->cfg->http_body_budget;
	/* a file route never waits for memory: past the threshold, or when
	** the budget is spent, its body goes to a file */
	if (rt->raw_body && (n > BODY_FILE_MIN || !room)) {
		if (body_to_file(s, ctx) != 0) {
			perr_set(&rs->err, PERR_INTERNAL, NULL, "cannot create a file in %s: %s",
				 s->tmp_dir, strerror(errno));
			rs->status = 500;
			return -1;
		}
	} else if (!room) {
		perr_set(&rs->err, PERR_BUSY, NULL,
			 "the server holds as many request bodies as it may; try again shortly");
		rs->status = 503;
		rs->retry_after = BUDGET_RETRY_AFTER;
		return -1;
	}
	return 0;
}

/* Take one chunk of the body: into the file, or into memory within the
** budget (a file route's body moves to a file past BODY_FILE_MIN or when the
** budget is spent). Past the route's limit or the budget the rest is
** discarded and the last call answers 413 or 503. */
static void take_chunk(struct http_server *s, struct req_ctx *ctx, const char *data, size_t n)
{
	if (ctx->too_large || ctx->over_budget || ctx->body_failed)
		return;
	int64_t limit = body_limit(s->cfg, ctx->rt);
	int64_t have = ctx->body_fd >= 0 ? ctx->file_len : (int64_t)ctx->body.len;
	if (have + (int64_t)n > limit) {
		ctx->too_large = true;
		goto drop;
	}
	if (ctx->body_fd < 0) {
		int64_t extra = (int64_t)ctx->body.len + (int64_t)n - ctx->reserved;
		bool fits = extra <= 0 || budget_take(s, ctx, extra) == 0;
		if (ctx->rt->raw_body && (!fits || have + (int64_t)n > BODY_FILE_MIN)) {
			if (body_to_file(s, ctx) != 0) {
				ctx->body_failed = true;
				goto drop;
			}
		} else if (!fits) {
			ctx->over_budget = true;
			goto drop;
		} else {
			if (pbuf_add(&ctx->body, data, n) != 0) {
				ctx->too_large = true;
				goto drop;
			}
			return;
		}
	}
	if (write_all(ctx->body_fd, data, n) != 0) {
		ctx->body_failed = true;
		goto drop;
	}
	ctx->file_len += (int64_t)n;
	return;
drop:
	pbuf_free(&ctx->body);
	budget_release(s, ctx);
}

static enum MHD_Result dispatch(struct http_server *s, struct MHD_Connection *c,
				struct req_ctx *ctx, const char *url, const char *method)
{
	struct http_req rq;
	struct http_resp rs;
	void *map = NULL;
	memset(&rq, 0, sizeof(rq));
	memset(&rs, 0, sizeof(rs));
	rq.method = method;
	rq.path = url;
	rq.body = ctx->body.ptr ? ctx->body.ptr : "";
	rq.body_len = ctx->body.len;
	rq.cfg = s->cfg;
	rq.conn = c;
	rq.blob_dir = s->blob_dir;
	rq.db_path = s->db_path;
	rq.server = s;
	rq.client_addr = ctx->addr;
	rq.session_cookie = ctx->session_cookie;
	rq.who = ctx->have ? &ctx->who : NULL;
	PSTRCPY(rq.actor, ctx->actor);
	plog_set_request_id(ctx->rid);

	const struct route *rt = ctx->rt;
	if (ctx->too_large) {
		perr_set(&rs.err, PERR_LIMIT, NULL, "request body is larger than %lld bytes",
			 (long long)body_limit(s->cfg, rt));
		rs.status = 413;
		goto answer;
	}
	if (ctx->over_budget) {
		perr_set(&rs.err, PERR_BUSY, NULL,
			 "the server holds as many request bodies as it may; try again shortly");
		rs.status = 503;
		rs.retry_after = BUDGET_RETRY_AFTER;
		goto answer;
	}
	if (ctx->body_failed) {
		perr_set(&rs.err, PERR_INTERNAL, NULL, "cannot write the request body to %s",
			 s->tmp_dir);
		rs.status = 500;
		goto answer;
	}
	if (ctx->body_fd >= 0 && ctx->file_len > 0) {
		/* The handler reads the file through a read-only mapping: page
		** cache the kernel can drop, not heap. */
		map = mmap(NULL, (size_t)ctx->file_len, PROT_READ, MAP_PRIVATE, ctx->body_fd, 0);
		if (map == MAP_FAILED) {
			map = NULL;
			perr_set(&rs.err, PERR_INTERNAL, NULL, "cannot map the request body: %s",
				 strerror(errno));
			rs.status = 500;
			goto answer;
		}
		rq.body = map;
		rq.body_len = (size_t)ctx->file_len;
	}
	for (int k = 0; k < ctx->nparams; k++) {
		rq.params[k] = ctx->params[k];
		rq.ids[k] = ctx->ids[k];
	}
	rq.nparams = ctx->nparams;
	rq.st = thread_store(s, &rs.err);
	if (!rq.st) {
		rs.status = 500;
		goto answer;
	}
	if (rq.body_len && unsafe(method) && !rt->raw_body) {
		const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
		if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
			perr_set(&rs.err, PERR_INVALID, NULL, "send the body as application/json");
			rs.status = 415;
			goto answer;
		}
	}
	/* A report upload commits in batches of its own (and from a writer
	** thread), so it runs outside the request's transaction. */
	bool tx = unsafe(method) && !rt->upload;
	if (tx && store_begin(rq.st, &rs.err) != 0) {
		rs.status = status_of(rs.err.kind);
		goto answer;
	}
	rs.status = 200;
	rt->fn(&rq, &rs);
	wl_release(s, &rq);
	if (tx) {
		if (rs.status < 400 || rs.keep_writes) {
			if (store_commit(rq.st, &rs.err) != 0) {
				json_decref(rs.body);
				rs.body = NULL;
				if (rs.raw_free)
					free((void *)rs.raw);
				rs.raw = NULL;
				rs.raw_free = false;
				rs.status = status_of(rs.err.kind);
			} else if (rs.status < 400) {
				/* any write may have revoked a token, ended a session or
				** changed a user, role or team: resolve credentials from
				** the store again (a refusal kept only failure counters:
				** failed logins must not flush the cache) */
				identity_auth_changed();
				if (rq.assets_changed)
					constituency_changed();
				if (rq.notify)
					notify_kick();
			}
		} else {
			store_rollback(rq.st);
		}
	}
answer:;
	/* the actor as the handler left it (a login names the user) */
	PSTRCPY(ctx->actor, rq.actor);
	enum MHD_Result ret = answer(c, ctx, url, method, &rs, NULL);
	if (map)
		munmap(map, (size_t)ctx->file_len);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload, size_t *upload_size, void **con_cls)
{
	struct http_server *s = cls;
	struct req_ctx *ctx = *con_cls;
	if (!ctx) {
		ctx = calloc(1, sizeof(*ctx));
		if (!ctx)
			return MHD_NO;
		ctx->body_fd = -1;
		conn_headers(s, c, true);
		find_route(ctx, url, method);
		pbuf_init(&ctx->body, (size_t)body_limit(s->cfg, ctx->rt));
		clock_gettime(CLOCK_MONOTONIC, &ctx->t0);
		make_rid(c, ctx->rid);
		client_addr(c, ctx->addr, sizeof(ctx->addr));
		atomic_fetch_add(&s->inflight, 1);
		*con_cls = ctx;
		struct http_resp rs;
		const char *allow = NULL;
		memset(&rs, 0, sizeof(rs));
		plog_set_request_id(ctx->rid);
		if (check_sizes(s, c, method, version, &rs) != 0 ||
		    gate(s, c, ctx, method, &rs, &allow) != 0)
			/* queued before the body: MHD answers and closes the
			** connection without reading it */
			return answer(c, ctx, url, method, &rs, allow);
		plog_set_request_id(NULL);
		return MHD_YES;
	}
	if (*upload_size) {
		take_chunk(s, ctx, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	return dispatch(s, c, ctx, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct req_ctx *ctx = *con_cls;
	if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
		conn_headers(s, c, false);
	if (!ctx)
		return;
	pbuf_free(&ctx->body);
	budget_release(s, ctx);
	if (ctx->body_fd >= 0)
		close(ctx->body_fd);
	free_params(ctx);
	free(ctx);
	*con_cls = NULL;
	atomic_fetch_sub(&s->inflight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	plog(PLOG_WARN, "http: libmicrohttpd: %s", msg);
}

/* The metrics listener's one handler: GET (or HEAD) /metrics, answered on
** the first call without credentials, as Prometheus exporters do (the
** listener is meant for loopback); anything else is a 404 problem. It
** runs the API's own /metrics handler, so both render the same text. */
static enum MHD_Result on_metrics_request(void *cls, struct MHD_Connection *c, const char *url,
					  const char *method, const char *version,
					  const char *upload, size_t *upload_size,
					  void **con_cls)
{
	(void)version;
	(void)upload;
	(void)upload_size;
	(void)con_cls;
	struct http_server *s = cls;
	struct req_ctx ctx;
	struct http_resp rs;
	memset(&ctx, 0, sizeof(ctx));
	memset(&rs, 0, sizeof(rs));
	ctx.body_fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &ctx.t0);
	make_rid(c, ctx.rid);
	client_addr(c, ctx.addr, sizeof(ctx.addr));
	snprintf(ctx.actor, sizeof(ctx.actor), "metrics@%s", ctx.addr);
	plog_set_request_id(ctx.rid);
	if (strcmp(url, "/metrics") == 0 &&
	    (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0))
		find_route(&ctx, url, "GET");
	if (!ctx.rt) {
		perr_set(&rs.err, PERR_NOTFOUND, NULL, "this listener serves GET /metrics only");
		rs.status = 404;
	} else {
		struct http_req rq;
		memset(&rq, 0, sizeof(rq));
		rq.method = method;
		rq.path = url;
		rq.body = "";
		rq.cfg = s->cfg;
		rq.conn = c;
		rq.client_addr = ctx.addr;
		rq.db_path = s->db_path;
		rq.blob_dir = s->blob_dir;
		rq.server = s;
		PSTRCPY(rq.actor, ctx.actor);
		rq.st = thread_store(s, &rs.err);
		if (!rq.st) {
			rs.status = 500;
		} else {
			rs.status = 200;
			ctx.rt->fn(&rq, &rs);
			wl_release(s, &rq);
		}
	}
	enum MHD_Result ret = answer(c, &ctx, url, method, &rs, NULL);
	free_params(&ctx);
	return ret;
}

/* Start the metrics listener on cfg->metrics_listen (not empty) and log
** its address. Returns 0 or -1 with err. */
static int metrics_start(struct http_server *s, struct perr *err)
{
	const struct config *cfg = s->cfg;
	struct sockaddr_storage sa;
	if (core_listen_parse(cfg->metrics_listen, "listen", &sa, err) != 0)
		return perr_set(err, PERR_INVALID, "listen", "metrics.listen: %s", err->msg);
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->md = MHD_start_daemon(flags, 0, NULL, NULL, on_metrics_request, s,
				 MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				 MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				 MHD_OPTION_CONNECTION_TIMEOUT, 10u,
				 MHD_OPTION_CONNECTION_LIMIT, 64u,
				 MHD_OPTION_END);
	if (!s->md)
		return perr_set(err, PERR_INTERNAL, "listen",
				"cannot listen on %s for metrics (metrics.listen: address in use "
				"or not permitted)",
				cfg->metrics_listen);
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->md, MHD_DAEMON_INFO_BIND_PORT);
	const char *colon = strrchr(cfg->metrics_listen, ':');
	plog(PLOG_INFO, "http: metrics listening on %.*s:%d",
	     (int)(colon - cfg->metrics_listen), cfg->metrics_listen, di ? (int)di->port : 0);
	return 0;
}

/* MHD's memory per connection (its read buffer holds the request line and
** headers): our own limits with room to spare, so that MHD reads a request
** that passes them and we answer it as a problem document (414, 431).
** A request past even this gets libmicrohttpd's own short HTML page (414 or
** 431) and the connection is closed. The pool is mapped, not touched: idle
** connections cost little of it. */
static size_t conn_memory(const struct config *cfg)
{
	return (size_t)(2 * (cfg->http_max_url + cfg->http_max_headers) + 32768);
}

/* MHD's limit on connections: well above http.max_pending (connections
** still sending headers), so that when slow clients fill the pending cap
** there is still room for complete requests (/healthz, staff). Raises the
** soft limit on open files to the hard one to make room; a smaller hard
** limit lowers the connection limit to fit (with a warning). */
static unsigned connection_limit(const struct config *cfg)
{
	int64_t want = 2 * cfg->http_max_pending + 1024;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
			getrlimit(RLIMIT_NOFILE, &rl);
		}
		/* leave descriptors for the database, files, the monitor */
		int64_t room = rl.rlim_cur == RLIM_INFINITY ? want : (int64_t)rl.rlim_cur - 256;
		if (room < want) {
			plog(PLOG_WARN, "http: open files limited to %lld: at most %lld connections "
					"(raise the hard limit, ulimit -Hn, for %lld)",
			     (long long)rl.rlim_cur, (long long)(room > 64 ? room : 64),
			     (long long)want + 256);
			want = room > 64 ? room : 64;
		}
	}
	return (unsigned)want;
}

int http_start(const struct config *cfg, const char *db_path, struct http_server **out,
	       struct perr *err)
{
	struct sockaddr_storage sa;
	if (core_listen_parse(cfg->listen, "listen", &sa, err) != 0)
		return -1;
	struct http_server *s = calloc(1, sizeof(*s));
	if (!s)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	s->cfg = cfg;
	if (pstrlcpy(s->db_path, db_path, sizeof(s->db_path)) != 0) {
		free(s);
		return perr_set(err, PERR_INVALID, NULL, "database path too long");
	}
	/* evidence lives beside the database: DATA/blobs */
	core_blob_dir(db_path, s->blob_dir, sizeof(s->blob_dir));
	/* upload bodies while they arrive: DATA/tmp, beside blobs/ (same
	** file system) */
	snprintf(s->tmp_dir, sizeof(s->tmp_dir), "%.*s/tmp",
		 (int)(strlen(s->blob_dir) - strlen("/blobs")), s->blob_dir);
	/* epoll in each pool thread: select() rescanned every descriptor on
	** every wake-up (issue 3) */
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	/* one worker per core, like nginx's worker_processes auto: handlers
	** run on the CPU, so more threads than cores only queue (p99) */
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = cfg->http_threads > 0 ? (unsigned)cfg->http_threads
			   : cores > 2 ? (unsigned)cores : 2u;
	if (sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	unsigned conn_limit = connection_limit(cfg);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&s->pend_mu, NULL);
	pthread_mutex_init(&s->wl_mu, NULL);
	pthread_cond_init(&s->pend_cv, &ca);
	pthread_condattr_destroy(&ca);
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				MHD_OPTION_THREAD_POOL_SIZE, threads,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->conn_timeout,
				MHD_OPTION_CONNECTION_LIMIT, conn_limit,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->http_per_ip,
				MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
				MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, conn_memory(cfg),
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				MHD_OPTION_END);
	s->sweeping = s->d != NULL;
	if (!s->d || pthread_create(&s->sweeper, NULL, sweeper_main, s) != 0) {
		if (s->d)
			MHD_stop_daemon(s->d);
		pthread_mutex_destroy(&s->pend_mu);
		pthread_mutex_destroy(&s->wl_mu);
		pthread_cond_destroy(&s->pend_cv);
		free(s);
		return perr_set(err, PERR_INTERNAL, "listen",
				"cannot listen on %s (address in use or not permitted)",
				cfg->listen);
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : 0;
	*out = s;
	if (cfg->metrics_listen[0] && metrics_start(s, err) != 0) {
		http_stop(s, 0);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* The data directory: the database's (blob_dir is DATA/blobs). */
static void data_dir_of(const struct http_server *s, char *dir, size_t n)
{
	snprintf(dir, n, "%.*s", (int)(strlen(s->blob_dir) - strlen("/blobs")), s->blob_dir);
}

/* Drop one reference of r (NULL is a no-op); wl_mu held. */
static void wl_unref_locked(struct http_wl_ref *r)
{
	if (r && --r->refs == 0) {
		indicator_wl_free(r->set);
		free(r);
	}
}

/* Load the warninglists in force into a new reference (refs 1, the
** server's), remembering the directory's identity. 0 or -1 with err. */
static int wl_load(const struct http_server *s, struct http_wl_ref **out, struct perr *err)
{
	char data[1024], dir[1024];
	struct stat sb;
	size_t refused = 0;
	*out = NULL;
	data_dir_of(s, data, sizeof(data));
	struct http_wl_ref *r = calloc(1, sizeof(*r));
	if (!r)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	/* the identity first: a directory swapped in while this loads makes
	** the set look stale (loaded once more), never current when it is not */
	if (indicator_wl_dir(s->cfg, data, dir, sizeof(dir), err) == 0 && stat(dir, &sb) == 0) {
		r->dev = sb.st_dev;
		r->ino = sb.st_ino;
		r->mtime = sb.st_mtim;
	}
	if (indicator_wl_load_config(s->cfg, data, &r->set, &refused, err) != 0) {
		free(r);
		return -1;
	}
	r->refs = 1;
	*out = r;
	return 0;
}

/* Whether the directory the warninglists come from is no longer the one r
** was read from (another directory swapped in, entries added or removed,
** or the configured place now resolving elsewhere). */
static bool wl_stale(const struct http_server *s, const struct http_wl_ref *r)
{
	char data[1024], dir[1024];
	struct perr e = { 0 };
	struct stat sb;
	data_dir_of(s, data, sizeof(data));
	if (indicator_wl_dir(s->cfg, data, dir, sizeof(dir), &e) != 0 || stat(dir, &sb) != 0)
		return false; /* nothing better to load: keep what works */
	return sb.st_dev != r->dev || sb.st_ino != r->ino || sb.st_mtim.tv_sec != r->mtime.tv_sec ||
	       sb.st_mtim.tv_nsec != r->mtime.tv_nsec;
}

int http_warninglists(struct http_req *rq, const struct indicator_wl_set **out,
		      struct perr *err)
{
	struct http_server *s = rq->server;
	int rc = 0;
	*out = NULL;
	if (!s)
		return perr_set(err, PERR_INTERNAL, NULL, "no server state");
	/* one loader; the others wait for its set rather than build their own */
	pthread_mutex_lock(&s->wl_mu);
	if (rq->wl_hold) { /* a second call in one request: the same set */
		*out = rq->wl_hold->set;
		pthread_mutex_unlock(&s->wl_mu);
		return 0;
	}
	int64_t now = core_now_ms();
	if (s->wl && now - s->wl_checked_ms >= WL_RECHECK_MS) {
		s->wl_checked_ms = now;
		struct http_wl_ref *fresh = NULL;
		struct perr e = { 0 };
		if (wl_stale(s, s->wl)) {
			if (wl_load(s, &fresh, &e) == 0) {
				plog(PLOG_INFO, "warninglists reloaded: their directory changed");
				wl_unref_locked(s->wl);
				s->wl = fresh;
			} else {
				plog(PLOG_WARN, "warninglists not reloaded, the old ones stay: %s", e.msg);
			}
		}
	}
	if (!s->wl) {
		rc = wl_load(s, &s->wl, err);
		s->wl_checked_ms = now;
		/* the server's configuration, not the request, is at fault (500,
		** not 404); the next request tries again, so a directory put
		** right takes effect without a restart */
		if (rc != 0 && err && err->kind != PERR_INTERNAL) {
			char why[256];
			pstrtrunc(why, err->msg, sizeof(why));
			perr_set(err, PERR_INTERNAL, NULL, "the warninglists could not be loaded: %s",
				 why);
		}
	}
	if (s->wl) {
		s->wl->refs++;
		rq->wl_hold = s->wl;
		*out = s->wl->set;
	}
	pthread_mutex_unlock(&s->wl_mu);
	return rc;
}

/* Release the set a request held (after its handler). */
static void wl_release(struct http_server *s, struct http_req *rq)
{
	if (!rq->wl_hold)
		return;
	pthread_mutex_lock(&s->wl_mu);
	wl_unref_locked(rq->wl_hold);
	rq->wl_hold = NULL;
	pthread_mutex_unlock(&s->wl_mu);
}

int http_port(const struct http_server *s)
{
	return s->port;
}

void http_stop(struct http_server *s, int grace_ms)
{
	if (!s)
		return;
	if (s->md)
		MHD_stop_daemon(s->md);
	MHD_socket fd = MHD_quiesce_daemon(s->d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	for (int waited = 0; atomic_load(&s->inflight) > 0 && waited < grace_ms; waited += 10)
		usleep(10000);
	MHD_stop_daemon(s->d);
	/* after the daemon: its last connections are unlinked under pend_mu */
	pthread_mutex_lock(&s->pend_mu);
	s->sweeping = false;
	pthread_cond_signal(&s->pend_cv);
	pthread_mutex_unlock(&s->pend_mu);
	pthread_join(s->sweeper, NULL);
	pthread_mutex_destroy(&s->pend_mu);
	pthread_cond_destroy(&s->pend_cv);
	listcache_clear();
	wl_unref_locked(s->wl); /* no request runs any more */
	pthread_mutex_destroy(&s->wl_mu);
	free(s);
}
