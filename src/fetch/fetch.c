/*
** fetch.c — the fetch loop (see fetch.h): one libcurl multi handle driven
** on the calling thread, a fixed pool of easy handles ("slots", at most
** max_parallel), one job per busy slot.
**
** Admission is ours rather than CURLMOPT_MAX_TOTAL_CONNECTIONS: a job
** queued inside libcurl would have its timeout running while it waits, and
** a job is started (clock, deadline) only when it gets a slot. Connections
** live in the multi handle's cache, so the next job of a slot to the same
** host:port reuses one.
**
** A job is a chain of hops. Each hop is one transfer with
** CURLOPT_FOLLOWLOCATION off: when it ends with a 301/302/303/307/308 and a
** Location, the hop is recorded, the target is resolved against the hop's
** URL (fetch_redirect_target), checked against the URLs already visited and
** against max_redirects, and the slot's handle is reset and added again for
** it. The body of a redirect is counted and dropped. The job's deadline
** covers all its hops: each hop gets the time that is left as
** CURLOPT_TIMEOUT_MS, and the watchdog below removes a transfer libcurl
** failed to end by FETCH_WATCHDOG_GRACE_MS past it.
**
** A pinned job connects with CURLOPT_CONNECT_TO ("::ip:", set on each hop
** whose host is the job's host, whatever the port, so that an http ->
** https redirect stays on the address our DNS step saw and a redirect to
** another host does not), not CURLOPT_RESOLVE: RESOLVE entries go into the
** multi handle's shared DNS cache, so one job's pin would decide the
** address of every other job naming that host, and an unpinned job could
** reuse a pinned connection. CONNECT_TO is per handle, and libcurl does not
** reuse a connection across different CONNECT_TO targets.
**
** TLS is recorded from CURLOPT_PREREQFUNCTION, which runs once the
** connection is up (fresh or reused) and before the request: the SSL object
** is live there, so a reused connection reports the same certificate and
** verification as the one that made the handshake. (CURLINFO_CERTINFO and
** CURLINFO_SSL_VERIFYRESULT are empty or 0 on a reused connection, and with
** VERIFYPEER off libcurl 7.88 does not load the CA store, so its verify
** result can never be "ok".) The TLS session cache is off: each new
** connection makes a full handshake, so a changed certificate shows at once.
*/
#include "fetch/internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POLL_MS 1000
#define BODY_PREALLOC_MAX ((size_t)1 << 20)

/* ------------------------------------------------------------- options */

int64_t fetch_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void fetch_opts_default(struct fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_parallel = FETCH_DEFAULT_PARALLEL;
	o->connect_timeout_ms = FETCH_DEFAULT_CONNECT_MS;
	o->total_timeout_ms = FETCH_DEFAULT_TOTAL_MS;
	o->body_max = FETCH_DEFAULT_BODY_MAX;
	o->max_redirects = FETCH_DEFAULT_REDIRECTS;
	o->user_agent = FETCH_DEFAULT_UA;
}

int fetch_opts_check(const struct fetch_opts *opts, struct fetch_opts *out, struct perr *e)
{
	fetch_opts_default(out);
	if (!opts)
		return 0;
	if (opts->max_parallel < 0 || opts->max_parallel > FETCH_PARALLEL_MAX)
		return perr_set(e, PERR_INVALID, "max_parallel", "max_parallel must be 1..%d",
				FETCH_PARALLEL_MAX);
	if (opts->connect_timeout_ms < 0 || opts->connect_timeout_ms > FETCH_TIMEOUT_MAX_MS)
		return perr_set(e, PERR_INVALID, "connect_timeout_ms",
				"connect_timeout_ms must be 1..%d", FETCH_TIMEOUT_MAX_MS);
	if (opts->total_timeout_ms < 0 || opts->total_timeout_ms > FETCH_TIMEOUT_MAX_MS)
		return perr_set(e, PERR_INVALID, "total_timeout_ms",
				"total_timeout_ms must be 1..%d", FETCH_TIMEOUT_MAX_MS);
	if (opts->body_max > ((size_t)64 << 20))
		return perr_set(e, PERR_INVALID, "body_max", "body_max must be at most 64 MiB");
	if (opts->max_redirects < -1 || opts->max_redirects > FETCH_REDIRECTS_MAX)
		return perr_set(e, PERR_INVALID, "max_redirects", "max_redirects must be -1..%d",
				FETCH_REDIRECTS_MAX);
	if (opts->max_parallel)
		out->max_parallel = opts->max_parallel;
	if (opts->connect_timeout_ms)
		out->connect_timeout_ms = opts->connect_timeout_ms;
	if (opts->total_timeout_ms)
		out->total_timeout_ms = opts->total_timeout_ms;
	if (opts->body_max)
		out->body_max = opts->body_max;
	if (opts->max_redirects)
		out->max_redirects = opts->max_redirects;
	if (opts->user_agent)
		out->user_agent = opts->user_agent;
	out->ca_file = opts->ca_file;
	out->http2 = opts->http2;
	return 0;
}

int fetch_pin_entry(const char *ip, char *out, size_t outsz, struct perr *e)
{
	unsigned char a[16];
	bool v6 = false;
	if (!ip || inet_pton(AF_INET, ip, a) != 1) {
		if (!ip || inet_pton(AF_INET6, ip, a) != 1)
			return perr_set(e, PERR_INVALID, "pin_ip", "pin_ip is no IP address");
		v6 = true;
	}
	int n = snprintf(out, outsz, "::%s%s%s:", v6 ? "[" : "", ip, v6 ? "]" : "");
	if (n < 0 || (size_t)n >= outsz)
		return perr_set(e, PERR_INVALID, "pin_ip", "pin_ip too long");
	return 0;
}

/* ------------------------------------------------------------- results */

static const char *const err_names[] = {
	[FETCH_OK] = "ok",
	[FETCH_E_DNS] = "dns",
	[FETCH_E_CONNECT] = "connect",
	[FETCH_E_TIMEOUT] = "timeout",
	[FETCH_E_TLS] = "tls",
	[FETCH_E_REDIRECTS] = "too_many_redirects",
	[FETCH_E_HTTP] = "http",
	[FETCH_E_CUT] = "cut",
	[FETCH_E_OTHER] = "other",
};

const char *fetch_err_name(enum fetch_err e)
{
	return (unsigned)e <= FETCH_E_OTHER ? err_names[e] : "other";
}

enum fetch_err fetch_err_from_curl(CURLcode cc)
{
	switch (cc) {
	case CURLE_OK:
		return FETCH_OK;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return FETCH_E_DNS;
	case CURLE_COULDNT_CONNECT:
		return FETCH_E_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return FETCH_E_TIMEOUT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_USE_SSL_FAILED:
		return FETCH_E_TLS;
	case CURLE_TOO_MANY_REDIRECTS:
		return FETCH_E_REDIRECTS;
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_HTTP3:
	case CURLE_HTTP_RETURNED_ERROR:
	case CURLE_RANGE_ERROR:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return FETCH_E_HTTP;
	default:
		return FETCH_E_OTHER;
	}
}

void fetch_result_free(struct fetch_result *r)
{
	for (size_t i = 0; i < r->nhops; i++) {
		free(r->hops[i].url);
		free(r->hops[i].location);
	}
	free(r->hops);
	free(r->url);
	free(r->final_url);
	free(r->final_host);
	fetch_headers_free(&r->headers);
	pbuf_free(&r->body);
	fetch_tls_free(&r->tls);
	memset(r, 0, sizeof(*r));
	fetch_headers_init(&r->headers);
}

/* ---------------------------------------------------------------- JSON */

/* A JSON string of s, made valid UTF-8 first if it is not; null for NULL. */
static json_t *jtext(const char *s)
{
	if (!s)
		return json_null();
	size_t n = strlen(s);
	if (utf8_valid(s, n))
		return json_stringn(s, n);
	char *d = fetch_text_dup(s, n, n * 3 + 3);
	json_t *j = d ? json_string(d) : NULL;
	free(d);
	return j;
}

/* Set o[k] = v (stolen); remembers failure in *bad. */
static void put(json_t *o, const char *k, json_t *v, bool *bad)
{
	if (!v || json_object_set_new(o, k, v) != 0)
		*bad = true;
}

static void append(json_t *a, json_t *v, bool *bad)
{
	if (!v || json_array_append_new(a, v) != 0)
		*bad = true;
}

static json_t *flag_names(unsigned flags, const char *const *names, size_t n, bool *bad)
{
	json_t *a = json_array();
	if (!a) {
		*bad = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (flags & (1u << i))
			append(a, json_string(names[i]), bad);
	return a;
}

static const char *const result_flag_names[] = { "redirect_scheme", "bad_location",
						 "redirect_loop", "watchdog", "pinned",
						 "body_cut" };
static const char *const header_flag_names[] = { "long_line", "too_many",  "value_cut",
						 "bad_bytes", "malformed", "repeated" };
static const char *const cert_flag_names[] = { "name_cut", "san_cut", "bad_time", "trailing" };


static json_t *strings(char *const *v, size_t n, bool *bad)
{
	json_t *a = json_array();
	if (!a) {
		*bad = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		append(a, jtext(v[i]), bad);
	return a;
}

static json_t *cert_json(const struct fetch_cert *c, bool *bad)
{
	json_t *o = json_object();
	if (!o) {
		*bad = true;
		return NULL;
	}
	put(o, "subject", jtext(c->subject), bad);
	put(o, "issuer", jtext(c->issuer), bad);
	put(o, "san_dns", strings(c->san_dns, c->n_san_dns, bad), bad);
	put(o, "san_ip", strings(c->san_ip, c->n_san_ip, bad), bad);
	put(o, "not_before_ms", json_integer(c->not_before_ms), bad);
	put(o, "not_after_ms", json_integer(c->not_after_ms), bad);
	put(o, "sha256", json_string(c->sha256), bad);
	put(o, "spki_sha256", json_string(c->spki_sha256), bad);
	put(o, "serial", json_string(c->serial), bad);
	put(o, "sig_alg", jtext(c->sig_alg), bad);
	put(o, "key_type", jtext(c->key_type), bad);
	put(o, "key_bits", json_integer(c->key_bits), bad);
	put(o, "flags", flag_names(c->flags, cert_flag_names, ARRAY_SIZE(cert_flag_names), bad), bad);
	return o;
}

static json_t *tls_json(const struct fetch_tls *t, bool *bad)
{
	if (!t->present)
		return json_null();
	json_t *o = json_object();
	if (!o) {
		*bad = true;
		return NULL;
	}
	put(o, "version", jtext(t->version), bad);
	put(o, "cipher", jtext(t->cipher), bad);
	put(o, "cert_valid", json_boolean(t->cert_valid), bad);
	put(o, "verify_code", json_integer(t->verify_code), bad);
	put(o, "verify_reason", jtext(t->verify_reason), bad);
	put(o, "chain_len", json_integer(t->chain_len), bad);
	put(o, "cert", t->have_cert ? cert_json(&t->cert, bad) : json_null(), bad);
	return o;
}

int fetch_result_json(const struct fetch_result *r, json_t **out)
{
	bool bad = false;
	json_t *o = json_object();
	*out = NULL;
	if (!o)
		return -1;
	put(o, "url", jtext(r->url), &bad);
	put(o, "error", json_string(fetch_err_name(r->err)), &bad);
	put(o, "error_message", jtext(r->errmsg), &bad);
	put(o, "status", json_integer(r->status), &bad);
	put(o, "final_url", jtext(r->final_url), &bad);
	put(o, "final_host", jtext(r->final_host), &bad);
	put(o, "ip", jtext(r->ip), &bad);
	put(o, "port", json_integer(r->port), &bad);
	put(o, "http_version", jtext(r->http_version), &bad);
	json_t *t = json_object();
	if (t) {
		put(t, "dns", json_integer(r->timing.dns_us), &bad);
		put(t, "connect", json_integer(r->timing.connect_us), &bad);
		put(t, "tls", json_integer(r->timing.tls_us), &bad);
		put(t, "first_byte", json_integer(r->timing.first_byte_us), &bad);
		put(t, "total", json_integer(r->timing.total_us), &bad);
	}
	put(o, "timing_us", t, &bad);
	put(o, "elapsed_us", json_integer(r->elapsed_us), &bad);
	put(o, "started_ms", json_integer(r->started_ms), &bad);
	put(o, "redirects", json_integer(r->nhops ? (json_int_t)r->nhops - 1 : 0), &bad);
	json_t *hops = json_array();
	for (size_t i = 0; hops && i < r->nhops; i++) {
		const struct fetch_hop *h = &r->hops[i];
		json_t *ho = json_object();
		if (ho) {
			put(ho, "url", jtext(h->url), &bad);
			put(ho, "status", json_integer(h->status), &bad);
			put(ho, "location", jtext(h->location), &bad);
			put(ho, "ip", jtext(h->ip), &bad);
			put(ho, "port", json_integer(h->port), &bad);
			put(ho, "total_us", json_integer(h->total_us), &bad);
			put(ho, "error", json_string(fetch_err_name(h->err)), &bad);
		}
		append(hops, ho, &bad);
	}
	put(o, "hops", hops, &bad);
	json_t *hd = json_object();
	for (int i = 0; hd && i < FETCH_H_COUNT; i++)
		if (r->headers.v[i])
			put(hd, fetch_header_name(i), jtext(r->headers.v[i]), &bad);
	put(o, "headers", hd, &bad);
	put(o, "header_flags",
	    flag_names(r->headers.flags, header_flag_names, ARRAY_SIZE(header_flag_names), &bad), &bad);
	put(o, "body_bytes", json_integer((json_int_t)r->body.len), &bad);
	put(o, "body_cut", json_boolean(r->flags & FETCH_F_BODY_CUT), &bad);
	put(o, "flags", flag_names(r->flags, result_flag_names, ARRAY_SIZE(result_flag_names), &bad),
	    &bad);
	put(o, "tls", tls_json(&r->tls, &bad), &bad);
	if (bad) {
		json_decref(o);
		return -1;
	}
	*out = o;
	return 0;
}

/* ---------------------------------------------------------------- loop */

struct run;

struct slot {
	CURL *h;
	struct jstate *js; /* NULL: free */
};

/* One job in flight. */
struct jstate {
	struct run *run;
	struct slot *slot;
	struct fetch_job *job;
	struct fetch_result res;
	char *url;               /* the current hop's URL */
	char host[256];          /* its host (lower-case, no brackets) */
	int port;
	bool https;
	char pin_host[256];      /* the job's host when pinned, else "" */
	struct curl_slist *connect_to;
	struct fetch_headers hdr; /* the current hop's */
	struct pbuf body;         /* the current hop's (empty for redirects) */
	size_t dropped;           /* body bytes of a redirect, counted and dropped */
	bool drop, cut, oom;
	struct fetch_tls tls;     /* the current hop's */
	int64_t start_us, deadline_us;
	char errbuf[CURL_ERROR_SIZE];
};

struct run {
	struct fetch_opts o;
	CURLM *m;
	struct fetch_trust *trust;
	struct slot *slots;
	size_t nslots;
	size_t live;
	bool added; /* a transfer was added since the last perform */
	fetch_done_fn done;
	void *ud;
};

static bool is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static bool following(const struct jstate *js)
{
	return js->run->o.max_redirects >= 0;
}

/* Room for want bytes in one allocation. pbuf grows by doubling, copying
** at each step; with Content-Length known the body is allocated once. This
** keeps pbuf's invariants (cap counts the NUL, cap <= max + 1; ptr always
** NUL-terminated). A failure here is not one: pbuf_add grows as usual. */
static void body_reserve(struct pbuf *b, size_t want)
{
	if (want > b->max)
		want = b->max;
	if (b->cap > want)
		return;
	char *p = realloc(b->ptr, want + 1);
	if (!p)
		return;
	if (!b->ptr)
		p[0] = '\0';
	b->ptr = p;
	b->cap = want + 1;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct jstate *js = ud;
	size_t n = size * nmemb;
	if (js->body.len == 0 && !js->drop) {
		curl_off_t cl = -1;
		curl_easy_getinfo(js->slot->h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
		size_t want = cl > 0 ? (size_t)cl : n;
		/* A claimed length is only a hint: a server saying 60 MB and
		** sending ten bytes gets no more than this up front. */
		body_reserve(&js->body, want < BODY_PREALLOC_MAX ? want : BODY_PREALLOC_MAX);
	}
	if (js->drop) {
		js->dropped += n;
		if (js->dropped > js->run->o.body_max) {
			js->cut = true;
			return 0;
		}
		return n;
	}
	size_t room = js->body.max - js->body.len;
	if (n > room) {
		if (room && pbuf_add(&js->body, p, room) != 0)
			js->oom = true;
		js->cut = true;
		return 0;
	}
	if (pbuf_add(&js->body, p, n) != 0) {
		js->oom = true;
		return 0;
	}
	return n;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct jstate *js = ud;
	size_t n = size * nmemb;
	if (fetch_headers_line(&js->hdr, p, n) != 0) {
		js->oom = true;
		return 0;
	}
	if (js->hdr.done && is_redirect(js->hdr.status) && js->hdr.v[FETCH_H_LOCATION] &&
	    following(js))
		js->drop = true;
	return n;
}

/* CURLOPT_PREREQFUNCTION: the connection is up (TLS included), the request
** not sent yet. */
static int on_prereq(void *ud, char *ip, char *local_ip, int port, int local_port)
{
	(void)local_ip;
	(void)local_port;
	struct jstate *js = ud;
	struct fetch_hop *hop = &js->res.hops[js->res.nhops - 1];
	if (ip && pstrlcpy(hop->ip, ip, sizeof(hop->ip)) != 0)
		hop->ip[0] = '\0'; /* never a cut address */
	hop->port = port;
	if (js->https && !js->tls.present)
		fetch_tls_capture(js->slot->h, js->run->trust, js->host, &js->tls);
	return CURL_PREREQFUNC_OK;
}

/* The job is over: fill what remains of its result, hand it to the
** callback, free it and the slot. */
static void finish(struct jstate *js, enum fetch_err err, const char *msg)
{
	struct run *r = js->run;
	struct fetch_result *res = &js->res;
	res->err = err;
	if (err != FETCH_OK && err != FETCH_E_CUT)
		pstrtrunc(res->errmsg, msg && msg[0] ? msg : fetch_err_name(err),
			  sizeof(res->errmsg)); /* a message for humans */
	if (js->url && !res->final_url) {
		res->final_url = strdup(js->url);
		res->final_host = strdup(js->host);
	}
	res->elapsed_us = fetch_mono_us() - js->start_us;
	res->headers = js->hdr;
	fetch_headers_init(&js->hdr);
	res->body = js->body;
	pbuf_init(&js->body, 0);
	res->tls = js->tls;
	memset(&js->tls, 0, sizeof(js->tls));
	if (err == FETCH_E_CUT)
		res->flags |= FETCH_F_BODY_CUT;

	r->done(js->job, res, r->ud);

	fetch_result_free(res);
	pbuf_free(&js->body);
	fetch_headers_free(&js->hdr);
	fetch_tls_free(&js->tls);
	curl_slist_free_all(js->connect_to);
	free(js->url);
	js->slot->js = NULL;
	r->live--;
	free(js);
}

/* Set up and add the transfer for js->url. Returns 0, or -1 after
** finishing the job (so js is gone). */
static int start_hop(struct jstate *js)
{
	struct run *r = js->run;
	CURL *h = js->slot->h;
	fetch_headers_free(&js->hdr);
	pbuf_reset(&js->body);
	fetch_tls_free(&js->tls);
	js->dropped = 0;
	js->drop = js->cut = false;
	js->errbuf[0] = '\0';

	if (fetch_url_parts(js->url, js->host, sizeof(js->host), &js->port, &js->https) != 0) {
		finish(js, FETCH_E_OTHER, "not an http(s) URL with a host");
		return -1;
	}
	int64_t left = js->deadline_us - fetch_mono_us();
	if (left < 1000) {
		finish(js, FETCH_E_TIMEOUT, "deadline reached before the next hop");
		return -1;
	}
	struct fetch_hop *hops = realloc(js->res.hops, (js->res.nhops + 1) * sizeof(*hops));
	if (!hops) {
		finish(js, FETCH_E_OTHER, "out of memory");
		return -1;
	}
	js->res.hops = hops;
	struct fetch_hop *hop = &hops[js->res.nhops];
	memset(hop, 0, sizeof(*hop));
	hop->url = strdup(js->url);
	if (!hop->url) {
		finish(js, FETCH_E_OTHER, "out of memory");
		return -1;
	}
	js->res.nhops++;

	char *wire = fetch_url_ascii(js->url);
	if (!wire) {
		finish(js, FETCH_E_OTHER, "host name not convertible to ASCII (IDNA)");
		return -1;
	}
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, wire); /* libcurl copies it */
	free(wire);
	curl_easy_setopt(h, CURLOPT_PRIVATE, js);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)r->o.connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(left / 1000));
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, js->errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, js);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, js);
	curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, on_prereq);
	curl_easy_setopt(h, CURLOPT_PREREQDATA, js);
	curl_easy_setopt(h, CURLOPT_USERAGENT, r->o.user_agent);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_SESSIONID_CACHE, 0L);
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION,
			 r->o.http2 ? (long)CURL_HTTP_VERSION_2TLS : (long)CURL_HTTP_VERSION_1_1);
	if (r->o.http2)
		curl_easy_setopt(h, CURLOPT_PIPEWAIT, 1L);
	/* A transfer removed while its name is being resolved must not wait
	** for the resolver thread (libcurl detaches it instead). */
	curl_easy_setopt(h, CURLOPT_QUICK_EXIT, 1L);
	if (js->connect_to && strcmp(js->host, js->pin_host) == 0)
		curl_easy_setopt(h, CURLOPT_CONNECT_TO, js->connect_to);
	if (curl_multi_add_handle(r->m, h) != CURLM_OK) {
		finish(js, FETCH_E_OTHER, "libcurl refused the transfer");
		return -1;
	}
	r->added = true;
	return 0;
}

/* The job's URL in the form redirect targets take (so that a loop back to
** it is seen), or NULL when it is no http(s) URL. */
static char *normal_url(const char *url)
{
	char *out = NULL;
	if (fetch_redirect_target(url, url, &out) != FETCH_REDIR_OK) {
		free(out);
		return NULL;
	}
	return out;
}

/* Start job on a free slot. The job may finish at once (bad URL...). */
static void start_job(struct run *r, struct slot *s, struct fetch_job *job)
{
	struct jstate *js = calloc(1, sizeof(*js));
	if (!js) {
		/* Report it with a result on the stack, so every job is answered. */
		struct fetch_result res;
		memset(&res, 0, sizeof(res));
		fetch_headers_init(&res.headers);
		res.err = FETCH_E_OTHER;
		PSTRCPY(res.errmsg, "out of memory");
		r->done(job, &res, r->ud);
		fetch_result_free(&res);
		return;
	}
	js->run = r;
	js->slot = s;
	js->job = job;
	s->js = js;
	r->live++;
	fetch_headers_init(&js->hdr);
	fetch_headers_init(&js->res.headers);
	pbuf_init(&js->body, r->o.body_max);
	js->start_us = fetch_mono_us();
	js->deadline_us = js->start_us + (int64_t)r->o.total_timeout_ms * 1000;
	js->res.started_ms = core_now_ms();
	if (job->url)
		js->res.url = fetch_text_dup(job->url, strlen(job->url), 3 * strlen(job->url) + 3);

	bool https;
	int port;
	if (!job->url || !(js->url = normal_url(job->url)) ||
	    fetch_url_parts(js->url, js->host, sizeof(js->host), &port, &https) != 0) {
		finish(js, FETCH_E_OTHER, "not an http(s) URL with a host");
		return;
	}
	if (job->pin_ip) {
		char entry[80];
		struct perr e;
		struct curl_slist *l = NULL;
		if (fetch_pin_entry(job->pin_ip, entry, sizeof(entry), &e) != 0) {
			finish(js, FETCH_E_OTHER, e.msg);
			return;
		}
		if (!(l = curl_slist_append(NULL, entry))) {
			finish(js, FETCH_E_OTHER, "out of memory");
			return;
		}
		js->connect_to = l;
		PSTRCPY(js->pin_host, js->host);
		js->res.flags |= FETCH_F_PINNED;
	}
	start_hop(js);
}

static bool visited(const struct fetch_result *res, const char *url)
{
	for (size_t i = 0; i < res->nhops; i++)
		if (strcmp(res->hops[i].url, url) == 0)
			return true;
	return false;
}

/* One transfer of js ended with cc (the handle is still in the multi). */
static void hop_done(struct jstate *js, CURLcode cc)
{
	struct run *r = js->run;
	CURL *h = js->slot->h;
	struct fetch_result *res = &js->res;
	struct fetch_hop *hop = &res->hops[res->nhops - 1];

	long code = 0, ver = 0, port = 0;
	char *ip = NULL;
	curl_off_t t_dns = 0, t_conn = 0, t_tls = 0, t_first = 0, t_total = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &ver);
	curl_easy_getinfo(h, CURLINFO_PRIMARY_IP, &ip);
	curl_easy_getinfo(h, CURLINFO_PRIMARY_PORT, &port);
	curl_easy_getinfo(h, CURLINFO_NAMELOOKUP_TIME_T, &t_dns);
	curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &t_conn);
	curl_easy_getinfo(h, CURLINFO_APPCONNECT_TIME_T, &t_tls);
	curl_easy_getinfo(h, CURLINFO_STARTTRANSFER_TIME_T, &t_first);
	curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &t_total);
	curl_multi_remove_handle(r->m, h);

	hop->status = code;
	if (ip && ip[0]) {
		if (pstrlcpy(hop->ip, ip, sizeof(hop->ip)) != 0)
			hop->ip[0] = '\0'; /* never a cut address */
		hop->port = (int)port;
	}
	hop->total_us = t_total;
	if (js->hdr.v[FETCH_H_LOCATION])
		hop->location = strdup(js->hdr.v[FETCH_H_LOCATION]);
	res->status = code;
	PSTRCPY(res->ip, hop->ip);
	res->port = hop->port;
	const char *vs = ver == CURL_HTTP_VERSION_1_0	? "1.0"
			 : ver == CURL_HTTP_VERSION_1_1 ? "1.1"
			 : ver == CURL_HTTP_VERSION_2_0 ? "2"
			 : ver == CURL_HTTP_VERSION_3	? "3"
							: "";
	pstrtrunc(res->http_version, vs, sizeof(res->http_version)); /* a literal above: fits */
	res->timing = (struct fetch_timing){ t_dns, t_conn, t_tls, t_first, t_total };

	enum fetch_err err = cc == CURLE_WRITE_ERROR && js->cut ? FETCH_E_CUT
							       : fetch_err_from_curl(cc);
	const char *msg = js->errbuf[0] ? js->errbuf : curl_easy_strerror(cc);
	if (js->oom) {
		err = FETCH_E_OTHER;
		msg = "out of memory";
	}
	hop->err = err;
	if ((err != FETCH_OK && err != FETCH_E_CUT) || !following(js) || !is_redirect(code) ||
	    !js->hdr.v[FETCH_H_LOCATION]) {
		finish(js, err, msg);
		return;
	}

	/* A redirect: the hop is recorded; follow it, or say why not. */
	char *next = NULL, why[200];
	enum fetch_redir rr = fetch_redirect_target(js->url, js->hdr.v[FETCH_H_LOCATION], &next);
	switch (rr) {
	case FETCH_REDIR_OK:
		break;
	case FETCH_REDIR_SCHEME:
		res->flags |= FETCH_F_REDIRECT_SCHEME;
		free(next);
		finish(js, FETCH_OK, NULL);
		return;
	case FETCH_REDIR_BAD:
		res->flags |= FETCH_F_BAD_LOCATION;
		finish(js, FETCH_OK, NULL);
		return;
	default:
		finish(js, FETCH_E_OTHER, "out of memory");
		return;
	}
	if (visited(res, next)) {
		res->flags |= FETCH_F_REDIRECT_LOOP;
		snprintf(why, sizeof(why), "redirect loop after %zu hops", res->nhops);
		free(next);
		finish(js, FETCH_E_REDIRECTS, why);
		return;
	}
	if (res->nhops > (size_t)r->o.max_redirects) {
		snprintf(why, sizeof(why), "more than %d redirects", r->o.max_redirects);
		free(next);
		finish(js, FETCH_E_REDIRECTS, why);
		return;
	}
	free(js->url);
	js->url = next;
	start_hop(js);
}

/* End, as timeouts, transfers libcurl has let run past their deadline. */
static void watchdog(struct run *r)
{
	int64_t now = fetch_mono_us();
	for (size_t i = 0; i < r->nslots; i++) {
		struct jstate *js = r->slots[i].js;
		if (!js || now < js->deadline_us + (int64_t)FETCH_WATCHDOG_GRACE_MS * 1000)
			continue;
		curl_multi_remove_handle(r->m, r->slots[i].h);
		js->res.hops[js->res.nhops - 1].err = FETCH_E_TIMEOUT;
		js->res.flags |= FETCH_F_WATCHDOG;
		finish(js, FETCH_E_TIMEOUT, "no completion by the deadline (watchdog)");
	}
}

/* The loop failed: answer every job still in flight. */
static void abort_live(struct run *r, const char *msg)
{
	for (size_t i = 0; i < r->nslots; i++) {
		struct jstate *js = r->slots[i].js;
		if (!js)
			continue;
		curl_multi_remove_handle(r->m, r->slots[i].h);
		js->res.hops[js->res.nhops - 1].err = FETCH_E_OTHER;
		finish(js, FETCH_E_OTHER, msg);
	}
}

int fetch_run(const struct fetch_opts *opts, struct fetch_job *jobs, size_t n,
	      fetch_done_fn done, void *ud, struct perr *e)
{
	struct run r;
	memset(&r, 0, sizeof(r));
	int rc = -1;
	bool global = false;
	if (fetch_opts_check(opts, &r.o, e) != 0)
		return -1;
	if ((n && !jobs) || !done)
		return perr_set(e, PERR_INVALID, NULL, "fetch_run needs jobs and a callback");
	if (n == 0)
		return 0;
	r.done = done;
	r.ud = ud;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		perr_set(e, PERR_INTERNAL, NULL, "libcurl failed to initialise");
		goto out;
	}
	global = true;
	if (fetch_trust_new(r.o.ca_file, &r.trust, e) != 0)
		goto out;
	r.m = curl_multi_init();
	r.nslots = n < (size_t)r.o.max_parallel ? n : (size_t)r.o.max_parallel;
	r.slots = calloc(r.nslots, sizeof(*r.slots));
	if (!r.m || !r.slots) {
		perr_set(e, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < r.nslots; i++)
		if (!(r.slots[i].h = curl_easy_init())) {
			perr_set(e, PERR_INTERNAL, NULL, "out of memory");
			goto out;
		}

	size_t next = 0;
	for (;;) {
		for (size_t i = 0; i < r.nslots && next < n; i++)
			while (!r.slots[i].js && next < n)
				start_job(&r, &r.slots[i], &jobs[next++]);
		if (r.live == 0 && next >= n)
			break;
		int running = 0;
		r.added = false;
		CURLMcode mc = curl_multi_perform(r.m, &running);
		if (mc != CURLM_OK) {
			abort_live(&r, curl_multi_strerror(mc));
			while (next < n) {
				start_job(&r, &r.slots[0], &jobs[next++]);
				abort_live(&r, curl_multi_strerror(mc));
			}
			perr_set(e, PERR_INTERNAL, NULL, "libcurl: %s", curl_multi_strerror(mc));
			goto out;
		}
		CURLMsg *msg;
		int queued;
		while ((msg = curl_multi_info_read(r.m, &queued))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			CURL *h = msg->easy_handle;
			CURLcode cc = msg->data.result;
			struct jstate *js = NULL;
			curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&js);
			if (js)
				hop_done(js, cc);
		}
		watchdog(&r);
		/* A freed slot is refilled, and a redirect's next hop driven, at
		** once rather than after the next socket event. */
		if (r.added || (r.live < r.nslots && next < n))
			continue;
		if (r.live)
			curl_multi_poll(r.m, NULL, 0, POLL_MS, NULL);
	}
	rc = 0;
out:
	for (size_t i = 0; r.slots && i < r.nslots; i++)
		if (r.slots[i].h) {
			if (r.m)
				curl_multi_remove_handle(r.m, r.slots[i].h);
			curl_easy_cleanup(r.slots[i].h);
		}
	free(r.slots);
	if (r.m)
		curl_multi_cleanup(r.m);
	fetch_trust_free(r.trust);
	if (global)
		curl_global_cleanup();
	return rc;
}
