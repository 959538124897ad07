/*
** http.h — Parapet's HTTP API: server, route table, request decoding.
**
** The server (server.c) runs libmicrohttpd with a thread pool. Each request is
** matched against the route table (routes.c), authenticated (session cookie
** plus CSRF token, or a bearer API token) and checked against the route's
** roles and scope through identity on its headers, before a body byte is
** read; then its body is read whole (up to http.max_body, in memory within
** http.body_budget, or for file routes in a temporary file) and handed to one
** handler that parses the request, calls one domain function and renders its
** result. Every request that writes runs in one store transaction. Errors
** leave as RFC 9457 problem documents.
**
** This is the only module that knows HTTP; domain modules never include it.
*/
#ifndef PARAPET_HTTP_H
#define PARAPET_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "core/core.h"
#include "identity/identity.h"
#include "store/store.h"

/* ------------------------------------------------------------- decoding */

enum jfield_type { JF_STRING, JF_INT, JF_BOOL, JF_OBJECT };

/* One field a request body may carry. out points to a const char *, an
** int64_t, a bool or (JF_OBJECT) a json_t * borrowed from the document;
** present (optional) is set when the field was given and not null. */
struct jfield {
	const char *name;
	enum jfield_type type;
	bool required;
	size_t maxlen;     /* strings: most bytes */
	int64_t min, max;  /* integers */
	void *out;
	bool *present;
};

/* Decode body as one JSON object holding only the listed fields, each of the
** declared type and within bounds; duplicate keys, unknown fields, NUL bytes
** and nesting are refused with err->field naming the culprit. On success
** *root holds the parsed document that string outputs point into; the caller
** json_decref()s it. */
int http_decode(const char *body, size_t len, const struct jfield *fields, size_t n,
		json_t **root, struct perr *err);

/* --------------------------------------------------------------- server */

struct http_server;

/* Start listening on cfg->listen with cfg->http_threads workers, serving the
** database at db_path, and, unless cfg->metrics_listen is empty, the
** credential-free metrics listener there. Returns 0 or -1 with err. The
** config must outlive the server. */
int http_start(const struct config *cfg, const char *db_path, struct http_server **out,
	       struct perr *err);
/* The port actually bound (useful with port 0). */
int http_port(const struct http_server *s);
/* Stop accepting, wait (up to grace_ms) for requests in flight, stop. */
void http_stop(struct http_server *s, int grace_ms);

/* ------------------------------------------------------------- routes */

struct http_req;
struct http_resp;
typedef int (*http_handler)(struct http_req *rq, struct http_resp *rs);

enum route_scope {
	SCOPE_NONE, /* roles only; the handler scopes lists itself */
	SCOPE_ORG,  /* {id} names an organisation the caller must be able to see */
};

struct route {
	const char *method;
	const char *pattern; /* "/api/v1/orgs/{id}/assets"; {x} matches one segment */
	http_handler fn;
	unsigned roles;      /* 0 = public */
	enum route_scope scope;
	const char *summary; /* for the OpenAPI check */
	bool raw_body;       /* body is a file (any type, up to evidence.max_size) */
	bool upload;         /* with raw_body: a report file, up to feeds.max_upload;
			      * the handler makes its own transactions */
	bool apk;            /* with raw_body: an Android app, up to apk.max_size */
};

/* The table (NULL-terminated) and its size. */
extern const struct route http_routes[];
size_t http_route_count(void);

/* The request as handlers see it. */
struct http_req {
	const char *method;
	const char *path;
	const char *body;      /* the whole body; a large upload's is a read-only
				* mapping of its temporary file, valid until the
				* handler returns */
	size_t body_len;
	const char *params[4]; /* {x} segments in order, NUL-terminated copies */
	int64_t ids[4];        /* the same parsed as positive integers, or 0 */
	int nparams;
	const struct principal *who; /* NULL on public routes without credentials */
	struct store *st;
	const struct config *cfg;
	const char *client_addr;
	const char *session_cookie; /* raw cookie value, for logout */
	void *conn;                 /* struct MHD_Connection *, for query arguments */
	bool assets_changed;        /* set by handlers; index refreshed after commit */
	bool notify;                /* set by handlers; outbox worker woken after commit */
	const char *blob_dir;       /* evidence files */
	const char *db_path;        /* the database, for jobs that open their own connection */
	char actor[128];
	struct http_server *server; /* the server's own state (http_warninglists) */
	struct http_wl_ref *wl_hold; /* the warninglists this request uses, released after it */
};

struct http_resp {
	int status;
	json_t *body;            /* JSON body (owned; the server frees it) */
	const char *raw;         /* or raw bytes (copied when queued) ... */
	size_t raw_len;
	const char *ctype;       /* ... of this content type */
	bool raw_free;           /* raw is heap memory the server frees */
	char set_cookie[256];
	int fd;                  /* or a file to send (> 0; the server closes it) */
	int64_t fd_size;
	char disposition[1024];  /* Content-Disposition for downloads */
	char extra_name[32];     /* one extra header, e.g. X-Evidence-SHA256 */
	char extra_value[80];
	int64_t retry_after;
	struct perr err;         /* problem when status >= 400 and body is NULL */
	bool keep_writes;        /* commit although status >= 400: the refusal itself
				  * is recorded (a failed log-in's counters) */
	char etag[72];           /* ETag of a pollable body (exports), "" = none */
	char cache_control[64];  /* Cache-Control instead of no-store, "" = no-store */
};

/* Query argument of the request, or NULL. */
const char *http_query(struct http_req *rq, const char *key);
/* Request header of the request (case-insensitive name), or NULL: for
** routes that authenticate or validate caches themselves. */
const char *http_header(struct http_req *rq, const char *name);
/* Fill rs with a problem derived from err; returns 0 (handlers return it). */
int http_problem(struct http_resp *rs, const struct perr *err);
/* A 400 problem naming field (may be NULL); returns 0. */
int http_bad(struct http_resp *rs, const char *field, const char *msg);

struct indicator_wl_set;
/* The MISP warninglists indicator_add checks values against (issue 15):
** the set indicator_wl_load_config finds for this server (the configured
** directory, else DATA/warninglists, else the lists shipped), loaded and
** frozen on first use, then shared read-only by every worker. Loading
** takes a fraction of a second (the shipped top-domain lists are large),
** so a server that never lists an indicator never pays for it. At most
** every few seconds the directory is looked at again: lists installed by
** `indicator warninglists update` (a new directory swapped in) are loaded
** and replace the old set, which is freed when the last request using it
** ends (the request holds its set until the server releases it after the
** handler). A new set that fails to load leaves the old one in force
** (logged). 0 with *out set, or -1 with err (no lists could be read: the
** caller refuses rather than list unchecked). */
int http_warninglists(struct http_req *rq, const struct indicator_wl_set **out,
		      struct perr *err);

/* ------------------------------------------------------------- metrics */

void metrics_observe(const char *route, int status, double seconds);
/* Render Prometheus text exposition into b. */
void metrics_render(struct pbuf *b);

#endif
