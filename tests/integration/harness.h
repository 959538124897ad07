/*
** harness.h — shared helpers of the integration tests: temporary data
** directories, running the real `parapet` binary (and other programs) as a
** child process, starting and stopping `parapet serve` on an ephemeral
** loopback port, and HTTP requests through libcurl with JSON bodies parsed by
** jansson.
**
** Every helper that fails in a way a test cannot recover from fails the
** current cmocka test with a message saying what was attempted. Servers are
** also registered with an atexit() hook and get PR_SET_PDEATHSIG, so none
** outlives the test process even when a test aborts.
*/
#ifndef PARAPET_TEST_HARNESS_H
#define PARAPET_TEST_HARNESS_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sysexits.h> /* the exit codes of the parapet command line */

/* cmocka needs these before its header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

/* Read PARAPET_BIN, set cheap Argon2 parameters for every child and
** initialise libcurl. Call once from main(). */
void h_init(void);
const char *h_bin(void);

/* ------------------------------------------------------------ temp dirs */

/* mkdtemp under /tmp; the returned string is malloc'd. */
char *h_tmpdir(const char *tag);
/* rm -rf dir (unless PARAPET_KEEP_TMP is set) and free it. */
void h_rmdir(char *dir);
/* A second data directory (malloc'd; h_rmdir it) whose parapet.db is a
** symbolic link to data_dir's: a second `parapet serve` on the same
** database, as two nodes of one deployment are. `serve` locks its data
** directory, so two servers cannot share one directory. */
char *h_data_twin(const char *data_dir);

/* Write text to dir/name; returns the malloc'd path. */
char *h_write_file(const char *dir, const char *name, const char *text);

/* ------------------------------------------------------------ processes */

struct h_proc {
	int status; /* exit code; 128+signal when killed by a signal */
	char *out;  /* captured stdout, NUL-terminated */
	char *err;  /* captured stderr */
};

/* Run argv (argv[0] looked up in PATH) with stdin_data on standard input
** (NULL: empty) and extra environment entries "K=V" (NULL-terminated list or
** NULL). Returns 0 when the program ran, -1 when it could not be started. */
int h_run(struct h_proc *p, const char *stdin_data, const char *const *env,
	  const char *const *argv);
/* Run `parapet --data DIR ARGS...` (NULL-terminated). */
int h_cli(struct h_proc *p, const char *data_dir, const char *stdin_data, ...);
/* Same with an argument vector. */
int h_cliv(struct h_proc *p, const char *data_dir, const char *stdin_data,
	   const char *const *args);
void h_proc_free(struct h_proc *p);

/* Convenience wrappers that fail the test unless the command exits 0. */
void h_migrate(const char *data_dir);
/* Create a user; org 0 = none, province NULL = none. Returns its id. */
int64_t h_user_add(const char *data_dir, const char *login, const char *role, int64_t org,
		   const char *province, const char *password);
/* `token add LOGIN EXTRA...` (NULL-terminated extra args); returns the
** malloc'd token. */
char *h_token_add(const char *data_dir, const char *login, ...);
/* `org add NAME --province P`; returns the id. */
int64_t h_org_add(const char *data_dir, const char *name, const char *province);
/* `asset add ORG KIND VALUE`. */
void h_asset_add(const char *data_dir, int64_t org, const char *kind, const char *value);

/* --------------------------------------------------------------- server */

struct h_server {
	pid_t pid;
	int port;
	int metrics_port;  /* the metrics listener's (metrics.listen), 0 = none */
	int out_fd;        /* read end of the child's stdout */
	char base[64];     /* "http://127.0.0.1:PORT" */
	char log[1024];    /* the child's stderr goes here */
	bool running;
};

/* Start `parapet --data DIR serve --listen 127.0.0.1:0` with extra
** environment entries (NULL-terminated "K=V" list or NULL), wait for its
** "listening on" line and read the port. The metrics listener is put on an
** ephemeral port too (PARAPET_METRICS_LISTEN=127.0.0.1:0) unless env sets
** it; its port is read from the log. Fails the test on error. */
void h_server_start(struct h_server *s, const char *data_dir, const char *const *env);
/* SIGTERM, wait (up to 20 s, then SIGKILL). Returns the exit status as
** h_proc.status does, or -1 when it was not running. Idempotent. */
int h_server_stop(struct h_server *s);
/* The same with another signal (SIGINT, ...). */
int h_server_stop_sig(struct h_server *s, int sig);

/* ----------------------------------------------------------------- HTTP */

struct h_cred {
	const char *token;  /* Authorization: Bearer TOKEN */
	const char *cookie; /* parapet_session cookie value */
	const char *csrf;   /* X-CSRF-Token (sent when non-NULL) */
};

struct h_resp {
	long status;
	char *body;
	size_t body_len;
	char *headers; /* raw header block of the final response */
	json_t *json;  /* body parsed when it is JSON, else NULL */
};

/* A request. body non-NULL is sent with Content-Type: application/json. */
void h_http(const struct h_server *s, struct h_resp *r, const char *method, const char *path,
	    const struct h_cred *c, const char *body);
/* Full control: ctype NULL sends no Content-Type at all; len is the body
** length (body may hold anything); chunked sends without Content-Length;
** extra is a NULL-terminated list of "Header: value" lines or NULL. */
void h_http_ex(const struct h_server *s, struct h_resp *r, const char *method,
	       const char *path, const struct h_cred *c, const char *ctype, const char *body,
	       size_t len, bool chunked, const char *const *extra);
/* printf-style path and body helpers. */
void h_httpf(const struct h_server *s, struct h_resp *r, const char *method,
	     const struct h_cred *c, const char *body, const char *pathfmt, ...)
	__attribute__((format(printf, 6, 7)));
void h_resp_free(struct h_resp *r);
/* GET /metrics from the server's metrics listener (metrics.listen), as
** Prometheus reads it; fails the test when the server has none. */
void h_metrics(const struct h_server *s, struct h_resp *r);

/* Header value of the final response (case-insensitive name), malloc'd, or
** NULL. */
char *h_header(const struct h_resp *r, const char *name);

/* Fail the test (with method, path, status and body) unless r->status ==
** want. */
#define H_STATUS(r, want)                                                              \
	h_expect_status((r), (want), __FILE__, __LINE__)
void h_expect_status(const struct h_resp *r, long want, const char *file, int line);

/* Assert r is an RFC 9457 problem document of status want: Content-Type
** application/problem+json, type/title/status/detail present, status matching.
** field non-NULL: the document's "field" must equal it. */
#define H_PROBLEM(r, want, field) h_expect_problem((r), (want), (field), __FILE__, __LINE__)
void h_expect_problem(const struct h_resp *r, long want, const char *field, const char *file,
		      int line);

/* JSON accessors on a response body (NULL/0/"" when absent). */
const char *h_jstr(const json_t *j, const char *key);
int64_t h_jint(const json_t *j, const char *key);

/* Log in through the API; fills cookie and csrf (caller-provided buffers of
** at least 80 bytes). Fails the test unless the answer is 201. */
void h_login(const struct h_server *s, const char *login, const char *password, char *cookie,
	     char *csrf);

/* Number of entries in the audit log (admin credentials); reads only the
** entries appended since the last call for the same server. */
int64_t h_audit_count(const struct h_server *s, const struct h_cred *admin);

/* strstr that fails the test with a message when needle is absent. */
#define H_CONTAINS(hay, needle) h_expect_contains((hay), (needle), __FILE__, __LINE__)
void h_expect_contains(const char *hay, const char *needle, const char *file, int line);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t h_now_ms(void);
/* Sleep ms milliseconds (a poll loop's pause, never a test's timing). */
void h_nap_ms(long ms);
/* Does a line of the file at path hold text (false when it cannot be read)? */
bool h_file_has(const char *path, const char *text);

/* Start argv (a helper server: argv[0] looked up in PATH) with its stdout on
** a pipe, killed when the test process dies, and wait up to 15 s for its
** first line "PORT N". Returns its pid; *port is N, or 0 when it said
** something else (copied into said, said_len bytes, for the message). */
pid_t h_spawn_port(const char *const *argv, int *port, char *said, size_t said_len);

/* malloc'd printf. */
char *h_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));


/* ------------------------------------------------------------ SMTP sink */

/* A real SMTP server (tests/integration/smtp_sink.py on Debian's
** python3-aiosmtpd) writing each message to MAILDIR/NNNNNN.eml and its
** envelope to NNNNNN.json. */
struct h_sink {
	pid_t pid;
	int port;
	char *maildir;
};
/* Start one on port (0 = any) with delay seconds per message (NULL = 0);
** fails the test unless it reports its port. */
void h_sink_start(struct h_sink *k, const char *maildir, int port, const char *delay);
/* The same with more smtp_sink.py options (NULL-terminated, e.g. "--auth"). */
void h_sink_start_ex(struct h_sink *k, const char *maildir, int port, const char *delay,
		     const char *const *extra);
void h_sink_stop(struct h_sink *k);
/* Kill every sink still running (for atexit). */
void h_sink_kill_all(void);
/* Messages received so far; h_sink_wait waits up to ms for want of them. */
int h_sink_count(const struct h_sink *k);
int h_sink_wait(const struct h_sink *k, int want, int ms);
/* Message i (1-based): its raw text (malloc'd) and, when envelope is not
** NULL, its envelope JSON. */
char *h_sink_message(const struct h_sink *k, int i, json_t **envelope);
/* A whole file, NUL-terminated (malloc'd); fails the test when unreadable. */
char *h_slurp(const char *path);
/* The UDP port serve's flow collector logged for kind ("netflow",
** "sflow") in its log file ("flow: collector running: ... netflow port
** N"), 0 when not (yet) logged. */
int h_flow_port(const char *log, const char *kind);
/* Does a message of incident id (as c reads them) contain text? Detectors
** record what they did (a script run, a route announced) as messages. */
bool h_incident_message_has(const struct h_server *s, const struct h_cred *c, int64_t id,
			    const char *text);

#endif
