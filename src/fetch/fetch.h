/*
** fetch.h — the website-watch fetcher: many HTTP(S) checks at once, in one
** libcurl multi loop on the calling thread, each recorded as a CERT analyst
** needs it.
**
** fetch_run() takes an array of jobs (a URL, optionally the IP our own DNS
** step saw for its host) and runs them with at most max_parallel transfers
** in flight, reusing connections, calling a callback on the loop thread as
** each job completes. Redirects are followed here, not by libcurl, so that
** every hop is recorded (URL, status, Location, the address connected to);
** a loop or too many hops ends as FETCH_E_REDIRECTS with the chain kept, a
** redirect to a scheme other than http(s) is recorded and not followed.
** TLS is fetched with verification OFF, so that a site with a bad
** certificate is still checked; the chain is then verified here, against
** the system CAs or opts.ca_file and including the host name, and recorded
** as cert_valid with OpenSSL's reason, beside the leaf certificate (names,
** SANs, validity, fingerprints), the protocol version and the cipher.
**
** Nothing can make the loop hang: every job has a deadline (opts
** total_timeout_ms over all its hops) that libcurl enforces per hop, and a
** watchdog removes any transfer still running shortly after it. Nothing a
** server sends can make it allocate without limit: the body is cut at
** body_max (recorded, not failed), header lines, their number and the
** values kept are capped, and so are the names and SANs of a certificate.
**
** The parsers of outside data — one response header line, one DER
** certificate, one Location against its base — are pure functions declared
** here too (parse.c), so that unit tests and fuzz/fuzz_fetch.c call them
** without sockets. fetch.c is the loop, tls.c the TLS record and the
** protocol-version probe.
**
** Host names are handled in their ASCII form: an internationalized name is
** converted here (libidn2, as libcurl itself would in a UTF-8 locale)
** before libcurl, the pin and the certificate check see it.
**
** Needs libcurl's OpenSSL backend (Debian's libcurl4-openssl-dev) for the
** TLS record, and curl_global_init() safe to call from this thread
** (libcurl >= 7.84 with CURL_VERSION_THREADSAFE, as on Debian 12): fetch_run
** calls it itself, reference-counted.
*/
#ifndef PARAPET_FETCH_H
#define PARAPET_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/core.h"

/* ------------------------------------------------------------------ limits */

#define FETCH_DEFAULT_PARALLEL 64
#define FETCH_DEFAULT_CONNECT_MS 10000
#define FETCH_DEFAULT_TOTAL_MS 30000
#define FETCH_DEFAULT_BODY_MAX (2u << 20)
#define FETCH_DEFAULT_REDIRECTS 10
#define FETCH_DEFAULT_UA "parapet-watch/0.1"

#define FETCH_PARALLEL_MAX 4096
#define FETCH_REDIRECTS_MAX 50
#define FETCH_TIMEOUT_MAX_MS (600 * 1000)
/* A transfer still running this long after its deadline is removed by the
** loop's own watchdog (libcurl should have ended it; this is the guarantee). */
#define FETCH_WATCHDOG_GRACE_MS 2000

#define FETCH_HDR_LINE_MAX 8192  /* longer header lines are skipped (flagged) */
#define FETCH_HDR_LINES_MAX 256  /* header lines per response; the rest skipped */
#define FETCH_HDR_VALUE_MAX 4096 /* bytes kept per header, duplicates joined */

#define FETCH_CERT_DER_MAX (64u << 10) /* a larger leaf certificate is not parsed */
#define FETCH_CERT_NAME_MAX 1024 /* bytes of subject / issuer kept */
#define FETCH_SAN_MAX 256        /* SAN entries kept (DNS and IP together) */
#define FETCH_SAN_LEN_MAX 256    /* a DNS SAN longer than this is skipped */

#define FETCH_IP_MAX 48          /* an IPv6 address text plus NUL */

/* ----------------------------------------------------------------- options */

struct fetch_opts {
	int max_parallel;      /* transfers in flight at once; 0: 64 */
	int connect_timeout_ms; /* per connection attempt; 0: 10 s */
	int total_timeout_ms;  /* per job, all hops together; 0: 30 s */
	size_t body_max;       /* body bytes kept; the transfer is cut after that,
				** recorded as FETCH_E_CUT; 0: 2 MiB, at most 64 MiB */
	int max_redirects;     /* hops followed; 0: 10; -1: none (a 3xx is final) */
	const char *ca_file;   /* PEM bundle for cert_valid; NULL: system CAs */
	const char *user_agent; /* NULL: FETCH_DEFAULT_UA */
	bool http2;            /* offer HTTP/2 over TLS (ALPN); else HTTP/1.1 */
};

/* ---------------------------------------------------------------- headers */

/* The response headers kept, those that tell a site's security posture
** (and Location, for redirects). */
enum fetch_hdr_id {
	FETCH_H_STS,             /* Strict-Transport-Security */
	FETCH_H_CSP,             /* Content-Security-Policy */
	FETCH_H_XFO,             /* X-Frame-Options */
	FETCH_H_XCTO,            /* X-Content-Type-Options */
	FETCH_H_REFERRER_POLICY, /* Referrer-Policy */
	FETCH_H_PERMISSIONS_POLICY, /* Permissions-Policy */
	FETCH_H_SERVER,          /* Server */
	FETCH_H_POWERED_BY,      /* X-Powered-By */
	FETCH_H_CONTENT_TYPE,    /* Content-Type */
	FETCH_H_LAST_MODIFIED,   /* Last-Modified */
	FETCH_H_ETAG,            /* ETag */
	FETCH_H_LOCATION,        /* Location */
	FETCH_H_COUNT
};

/* Flags of a header block: which limit bit or what was wrong with it. */
enum {
	FETCH_HF_LONG_LINE = 1 << 0, /* a line over FETCH_HDR_LINE_MAX was skipped */
	FETCH_HF_TOO_MANY = 1 << 1,  /* lines past FETCH_HDR_LINES_MAX were skipped */
	FETCH_HF_VALUE_CUT = 1 << 2, /* a kept value reached FETCH_HDR_VALUE_MAX */
	FETCH_HF_BAD_BYTES = 1 << 3, /* control bytes or invalid UTF-8, replaced */
	FETCH_HF_MALFORMED = 1 << 4, /* a line that is no "name: value" was skipped */
	FETCH_HF_REPEATED = 1 << 5,  /* a kept header came more than once (joined) */
};

/* The header block of one response, built line by line. Values are
** NUL-terminated valid UTF-8 (bytes that are not are replaced by U+FFFD),
** with surrounding whitespace trimmed, repeated headers joined with ", " as
** RFC 9110 combines field lines, each at most FETCH_HDR_VALUE_MAX bytes. */
struct fetch_headers {
	char *v[FETCH_H_COUNT];        /* NULL when absent */
	uint16_t count[FETCH_H_COUNT]; /* field lines seen per header */
	int status;                    /* from the status line; 0 before one */
	char version[8];               /* "1.1", "2" from the status line */
	unsigned lines;                /* field lines seen in this response */
	unsigned flags;                /* FETCH_HF_* */
	bool done;                     /* the blank line ending the block was seen */
	int last;                      /* index of the last field (for obs-fold), -1 */
};

void fetch_headers_init(struct fetch_headers *h);
/* One line as libcurl's header callback delivers it (CRLF or LF included or
** not, no NUL needed). A status line ("HTTP/1.1 301 ...", "HTTP/2 200")
** starts a new response: what the previous one (an interim 1xx, a redirect)
** left is dropped. Never fails on the line's content: lines over the limits
** or malformed are skipped and flagged. Returns 0, or -1 when out of memory
** (the block is then still consistent). */
int fetch_headers_line(struct fetch_headers *h, const char *line, size_t n);
void fetch_headers_free(struct fetch_headers *h);
/* Canonical lower-case field name ("strict-transport-security"). */
const char *fetch_header_name(enum fetch_hdr_id id);

/* -------------------------------------------------------------- certificate */

enum {
	FETCH_CF_NAME_CUT = 1 << 0, /* subject or issuer longer than FETCH_CERT_NAME_MAX */
	FETCH_CF_SAN_CUT = 1 << 1,  /* more than FETCH_SAN_MAX SANs, or one too long */
	FETCH_CF_BAD_TIME = 1 << 2, /* notBefore / notAfter unreadable (left 0) */
	FETCH_CF_TRAILING = 1 << 3, /* bytes after the certificate (ignored) */
};

/* A leaf certificate as recorded. Strings are valid UTF-8. */
struct fetch_cert {
	char *subject;        /* RFC 2253 order and escaping (UTF-8 kept as is) */
	char *issuer;
	char **san_dns;       /* subjectAltName dNSName entries, in order */
	size_t n_san_dns;
	char **san_ip;        /* subjectAltName iPAddress entries, as text */
	size_t n_san_ip;
	int64_t not_before_ms, not_after_ms; /* UTC epoch milliseconds */
	char sha256[65];      /* hex SHA-256 of the certificate's DER */
	char spki_sha256[65]; /* hex SHA-256 of the SubjectPublicKeyInfo DER */
	char serial[67];      /* hex of the serial number's content octets (<= 33) */
	char sig_alg[64];     /* "sha256WithRSAEncryption" */
	char key_type[32];    /* "RSA", "EC prime256v1", "ED25519" */
	int key_bits;
	unsigned flags;       /* FETCH_CF_* */
};

/* Parse one DER certificate (OpenSSL's d2i_X509; the rendering and the
** limits are ours). Pure: no I/O, no clock. c is zeroed first; free it with
** fetch_cert_free() in all cases. Fails with PERR_INVALID when the bytes are
** no certificate or exceed FETCH_CERT_DER_MAX, PERR_INTERNAL on OOM. */
int fetch_cert_parse(const uint8_t *der, size_t n, struct fetch_cert *c, struct perr *e);
void fetch_cert_free(struct fetch_cert *c);

/* ------------------------------------------------------------------- URLs */

enum fetch_redir {
	FETCH_REDIR_OK = 0,      /* *out: absolute http(s) URL to follow */
	FETCH_REDIR_BAD = -1,    /* Location unusable (empty, unparseable): *out NULL */
	FETCH_REDIR_SCHEME = -2, /* another scheme: *out is the absolute URL, not followed */
	FETCH_REDIR_OOM = -3,
};

/* Resolve a Location value against the URL it came from, as libcurl's own
** follow code does (libcurl's URL API, spaces and bytes past 0x7f percent
** encoded). *out is heap-allocated valid UTF-8 (or NULL); free() it. No I/O. */
enum fetch_redir fetch_redirect_target(const char *base, const char *location, char **out);

/* ----------------------------------------------------------------- results */

enum fetch_err {
	FETCH_OK = 0,      /* a response arrived (any status: 404 and 500 are ok here) */
	FETCH_E_DNS,       /* the host name did not resolve */
	FETCH_E_CONNECT,   /* no TCP connection (refused, unreachable) */
	FETCH_E_TIMEOUT,   /* connect or total timeout, or the watchdog */
	FETCH_E_TLS,       /* the TLS handshake failed */
	FETCH_E_REDIRECTS, /* a redirect loop, or more than max_redirects hops */
	FETCH_E_HTTP,      /* the answer broke HTTP: nothing, malformed, truncated,
			   ** bad content encoding, HTTP/2 stream error */
	FETCH_E_CUT,       /* complete but for the body, cut at body_max */
	FETCH_E_OTHER,     /* bad URL or pin, out of memory, anything else */
};
const char *fetch_err_name(enum fetch_err e);

/* Result flags. */
enum {
	FETCH_F_REDIRECT_SCHEME = 1 << 0, /* the last hop redirects to a non-http(s) URL */
	FETCH_F_BAD_LOCATION = 1 << 1,    /* the last hop's Location was unusable */
	FETCH_F_REDIRECT_LOOP = 1 << 2,   /* FETCH_E_REDIRECTS because a URL came again */
	FETCH_F_WATCHDOG = 1 << 3,        /* ended by the loop's watchdog, not libcurl */
	FETCH_F_PINNED = 1 << 4,          /* the job's host was pinned to pin_ip */
	FETCH_F_BODY_CUT = 1 << 5,        /* the final body stopped at body_max */
};

/* Phases of the final hop as libcurl measures them: each is the time from
** the start of that hop to the end of the phase (so they grow), 0 for a
** phase that did not happen (a reused connection has no dns/connect/tls). */
struct fetch_timing {
	int64_t dns_us, connect_us, tls_us, first_byte_us, total_us;
};

/* One request of a job: the first URL, each redirect target. */
struct fetch_hop {
	char *url;                /* absolute URL requested */
	long status;              /* 0 when no response */
	char *location;           /* the Location header as sent (sanitized), or NULL */
	char ip[FETCH_IP_MAX];    /* address connected to, or "" */
	int port;
	int64_t total_us;
	enum fetch_err err;       /* of this request alone */
};

struct fetch_tls {
	bool present;            /* an https hop that got as far as a handshake */
	char version[16];        /* "TLSv1.3" */
	char cipher[64];         /* "TLS_AES_256_GCM_SHA384" */
	bool cert_valid;         /* chain to a trusted root, in date, right name */
	long verify_code;        /* OpenSSL X509_V_* (0 = ok) */
	char verify_reason[128]; /* OpenSSL's text for verify_code */
	int chain_len;           /* certificates the server sent */
	bool have_cert;
	struct fetch_cert cert;  /* the leaf, when have_cert */
};

struct fetch_result {
	char *url;               /* the job's URL as given (sanitized), or NULL */
	enum fetch_err err;
	char errmsg[256];        /* libcurl's message or ours; "" when ok */
	long status;             /* HTTP status of the final hop (0: none) */
	struct fetch_hop *hops;  /* every request, the final one last */
	size_t nhops;
	char *final_url;         /* URL of the final hop */
	char *final_host;        /* its host, lower-case */
	char ip[FETCH_IP_MAX];   /* address and port the final hop connected to */
	int port;
	char http_version[8];    /* "1.0", "1.1", "2", "3" or "" */
	struct fetch_timing timing; /* final hop */
	int64_t elapsed_us;      /* the whole job, all hops */
	int64_t started_ms;      /* wall clock when the job started */
	struct fetch_headers headers; /* final hop */
	struct pbuf body;        /* final hop; the callback may take it (zero it) */
	struct fetch_tls tls;    /* final hop, when https */
	unsigned flags;          /* FETCH_F_* */
};

void fetch_result_free(struct fetch_result *r);
/* The check record as JSON, everything but the body (its length and
** whether it was cut are in). *out is a new reference. Returns 0, or -1 on
** out of memory. */
int fetch_result_json(const struct fetch_result *r, json_t **out);

/* ---------------------------------------------------------------- the loop */

struct fetch_job {
	const char *url;    /* http:// or https:// */
	const char *pin_ip; /* optional: connect to this IPv4/IPv6 address whenever
			    ** a hop's host is the URL's host (any port), instead
			    ** of resolving it — the address our DNS step saw */
	void *user;
};

/* Called on the loop thread once per job, in completion order. The callback
** may take res->body (copy the struct, then zero it); everything else in res
** is freed after it returns. */
typedef void (*fetch_done_fn)(struct fetch_job *job, struct fetch_result *res, void *ud);

/* Fill o with the defaults (what a zeroed struct also means). */
void fetch_opts_default(struct fetch_opts *o);

/* Run n jobs, at most opts->max_parallel at once, and return when every one
** has completed and been handed to done. Each job's outcome is in its
** result, never in the return value: returns 0, or -1 when the run itself
** could not start (options out of range: PERR_INVALID with the field;
** ca_file unreadable: PERR_INVALID "ca_file"; out of memory / libcurl
** failing to initialise: PERR_INTERNAL) — then done was called for no job —
** or, PERR_INTERNAL, when libcurl's multi interface failed in the middle:
** then every job not yet answered was answered with FETCH_E_OTHER first.
** Not reentrant from its own callback; independent runs may go on in
** different threads. */
int fetch_run(const struct fetch_opts *opts, struct fetch_job *jobs, size_t n,
	      fetch_done_fn done, void *ud, struct perr *e);

/* --------------------------------------------------------- TLS posture probe */

enum {
	FETCH_TLS_1_0 = 1 << 0,
	FETCH_TLS_1_1 = 1 << 1,
	FETCH_TLS_1_2 = 1 << 2,
	FETCH_TLS_1_3 = 1 << 3,
};

/* Which TLS versions does the server of an https URL accept? Four
** handshakes at once, each allowed exactly one version (connect only, no
** request), the bits of those that complete in *versions_mask. The client
** offers its own legacy versions: OpenSSL 3 refuses TLS 1.0 and 1.1 at its
** default security level (SHA-1 / MD5 in the handshake), so the probe sets
** the cipher list "DEFAULT:@SECLEVEL=0" for them — only in this probe,
** never in fetch_run. opts gives the timeouts (total_timeout_ms bounds the
** whole probe) and pin_ip works as in a job. Returns 0 (mask may be 0: the
** port speaks no TLS we know), or -1: url not https or options invalid
** (PERR_INVALID), no handshake got as far as TLS at all — DNS, connect or
** timeout (PERR_NOTFOUND, libcurl's message), PERR_INTERNAL. */
int fetch_tls_versions(const struct fetch_opts *opts, const char *url, const char *pin_ip,
		       unsigned *versions_mask, struct perr *e);

#endif /* PARAPET_FETCH_H */
