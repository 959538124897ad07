/*
** core.h — the few types every Parapet module shares.
**
** This is the bottom of the dependency graph: it knows nothing of HTTP, SQL or
** the domain. It offers the error record that every fallible function fills
** (a kind a caller can branch on, a message a human can read, and the name of
** the offending field when the error is a validation error), the one bounded
** byte buffer of the project (pbuf: ptr, len, cap, max), string views for
** parsing (pstr), strict number parsing, time in UTC epoch milliseconds and
** ISO 8601, hex and SHA-256 helpers, and one-line-per-event logging on stderr
** with the current request id.
*/
#ifndef PARAPET_CORE_H
#define PARAPET_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- errors */

/* What went wrong, in terms a caller can act on. The HTTP layer maps these to
** status codes; the CLI to exit codes; domain modules only pick the kind. */
enum perr_kind {
	PERR_OK = 0,
	PERR_INVALID,   /* the input is malformed or breaks a rule (400/422) */
	PERR_NOTFOUND,  /* the object does not exist or is not visible (404) */
	PERR_CONFLICT,  /* the object exists already / clashes with another (409) */
	PERR_FORBIDDEN, /* authenticated but not allowed (403) */
	PERR_AUTH,      /* not authenticated or bad credentials (401) */
	PERR_LIMIT,     /* too large or too many (413/429) */
	PERR_BUSY,      /* try again later: rate limited or locked (429/503) */
	PERR_INTERNAL,  /* our fault: I/O, database, out of memory (500) */
};

struct perr {
	enum perr_kind kind;
	char field[64];  /* offending field for validation errors, or "" */
	char msg[256];   /* for humans; never contains secrets */
};

/* Fill err (if not NULL) and return -1, so that `return perr_set(...)` reads
** naturally. field may be NULL. */
int perr_set(struct perr *err, enum perr_kind kind, const char *field,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void perr_clear(struct perr *err);
const char *perr_kind_name(enum perr_kind kind);
/* err as one line for a person (the CLI, an import's rejected rows):
** "field: message", or the message alone when it names the field (as
** written) already ("password must have at least 12 characters", never
** "password: password must ..."); "failed" when there is no message. Returns buf, always
** terminated (a longer text is cut: it is for reading, not parsing). */
const char *perr_text(const struct perr *err, char *buf, size_t n);

/* ---------------------------------------------------------------- buffers */

/* The one growable buffer type. max bounds growth (0 = 64 MiB) so that no
** outside input can make us allocate without limit; ptr is always
** NUL-terminated when non-NULL so it can be handed to C string APIs.
**
** Errors are sticky, as in curl's dynbuf: the first append that does not fit
** (or finds no memory) marks the buffer failed, and from then on every append
** is a no-op returning -1 and every finisher (pbuf_cstr, pbuf_take) fails. A
** caller may therefore append a run of fragments and check once at the end:
** a dropped fragment can never leave a shorter text that looks whole (a SQL
** query without its scope filter, a cache key naming another list). Read a
** finished text through pbuf_cstr or pbuf_take, not through ptr. */
struct pbuf {
	char *ptr;
	size_t len;
	size_t cap;
	size_t max;
	bool failed; /* an append did not fit: sticky until pbuf_reset/free */
	bool fixed;  /* ptr is the caller's array (pbuf_fixed): never
		     ** reallocated or freed */
};

void pbuf_init(struct pbuf *b, size_t max);
/* A buffer over the caller's array buf of size bytes, emptied: at most
** size - 1 bytes of text plus the NUL; never grows, never frees buf. */
struct pbuf pbuf_fixed(char *buf, size_t size);
/* Append n bytes; returns 0, or -1 when max would be exceeded or on OOM, or
** when the buffer has failed already. On failure the buffer is marked failed
** (the bytes appended before stay, ptr stays NUL-terminated). */
int pbuf_add(struct pbuf *b, const void *data, size_t n);
int pbuf_adds(struct pbuf *b, const char *s);
int pbuf_addf(struct pbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int pbuf_vaddf(struct pbuf *b, const char *fmt, va_list ap);
/* Append the text of src; a failed src fails b too, so a fragment built in
** its own buffer cannot be dropped on the way into the whole. */
int pbuf_addb(struct pbuf *b, const struct pbuf *src);
/* True once an append has failed (until pbuf_reset or pbuf_free). */
bool pbuf_failed(const struct pbuf *b);
/* For the rare output whose contract is to stop quietly at max (a diff
** shown to a human): accept the text appended before the failure as the
** result, clearing the failure. Returns true when the text was cut. Every
** use says why a shorter text is right there. */
bool pbuf_keep_prefix(struct pbuf *b);
/* The finished text: NULL when the buffer has failed, "" when nothing was
** appended, else ptr (owned by the buffer). */
const char *pbuf_cstr(const struct pbuf *b);
/* Empty the buffer and clear its failure, keeping the allocation. */
void pbuf_reset(struct pbuf *b);
void pbuf_free(struct pbuf *b);
/* Hand the bytes to the caller, who must free() them; the buffer is emptied
** (and its failure cleared). Returns an empty heap string rather than NULL
** for an empty buffer; NULL when the buffer has failed or on OOM. */
char *pbuf_take(struct pbuf *b);

/* ------------------------------------------------------------ string views */

struct pstr {
	const char *p;
	size_t n;
};

#define PSTR_LIT(s) ((struct pstr){ (s), sizeof(s) - 1 })
struct pstr pstr_c(const char *s);
bool pstr_eq(struct pstr a, struct pstr b);
bool pstr_eqc(struct pstr a, const char *s);
bool pstr_ieqc(struct pstr a, const char *s);
struct pstr pstr_trim(struct pstr s);
/* Split at the first sep: *head gets the part before, the return value the
** part after (n == 0 and p == NULL when sep does not occur). */
bool pstr_cut(struct pstr s, char sep, struct pstr *head, struct pstr *tail);
/* Copy into dst (size dstsz), always NUL-terminated; returns -1 if truncated. */
int pstr_copy(struct pstr s, char *dst, size_t dstsz);
/* Heap copy, NUL-terminated; NULL on OOM. */
char *pstr_dup(struct pstr s);

/* Bounded copy of a C string; returns -1 on truncation (dst still
** NUL-terminated). The project's replacement for strcpy/strncpy. The result
** must be used (the compiler refuses a call that drops it): a caller that
** means to cut says so with pstrtrunc, one whose source always fits says so
** with PSTRCPY. */
int pstrlcpy(char *dst, const char *src, size_t dstsz) __attribute__((warn_unused_result));
/* Copy src into dst, cut to fit when it is longer: for texts where a
** shorter text is right (messages for humans, log labels, a display name).
** The cut falls before a UTF-8 sequence, never inside one. NULL copies "". */
void pstrtrunc(char *dst, const char *src, size_t dstsz);

/* Copy src (NULL: "") into dst or refuse it: 0, or -1 with err naming field
** (PERR_INVALID, "FIELD is longer than N bytes") and dst "". For values
** that reach a fixed-size field: over-long text is refused, never cut. */
int pstrcpy_or_err(char *dst, size_t dstsz, const char *src, const char *field,
		   struct perr *err) __attribute__((warn_unused_result));
#define PSTRCPY_OR_ERR(dst, src, field, err)                                            \
	((int)(0 * sizeof(struct { _Static_assert(PIS_ARRAY(dst), "PSTRCPY_OR_ERR into a pointer"); int x; })) + \
	 pstrcpy_or_err((dst), sizeof(dst), (src), (field), (err)))

/* True when a is an array (not a pointer): sizeof(a) is its size. */
#define PIS_ARRAY(a) (!__builtin_types_compatible_p(__typeof__(a), __typeof__(&(a)[0])))
/* The number of elements of an array; a pointer does not compile. */
#define ARRAY_SIZE(a) \
	(sizeof(a) / sizeof((a)[0]) + 0 * sizeof(struct { _Static_assert(PIS_ARRAY(a), "ARRAY_SIZE of a pointer"); int x; }))
/* Copy a string literal or char array src into the char array dst when the
** compiler can prove it fits (sizeof(src) <= sizeof(dst)): no result to
** check, because no cut is possible. */
#define PSTRCPY(dst, src)                                                        \
	do {                                                                     \
		_Static_assert(PIS_ARRAY(dst) && PIS_ARRAY(src),                 \
			       "PSTRCPY needs arrays or literals");              \
		_Static_assert(sizeof(src) <= sizeof(dst), "PSTRCPY: may not fit"); \
		pstrtrunc((dst), (src), sizeof(dst));                            \
	} while (0)

/* Strict decimal integer: the whole view must be digits (optional leading
** '-'), no spaces, no overflow, result within [min, max]. Returns 0 or -1. */
int pstr_to_i64(struct pstr s, int64_t min, int64_t max, int64_t *out);
int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* UTF-8 validity (no overlongs, no surrogates, no NUL); used on every text
** field that comes from outside before it reaches the store. */
bool utf8_valid(const char *s, size_t n);

/* JSON text appended straight to a pbuf, for responses of many rows where a
** jansson tree per row costs more than the query. Each returns 0, or -1 when
** the buffer is full (it may then hold part of the value). pjson_str writes
** a quoted, escaped string (NULL: null); a byte that is not UTF-8 becomes
** U+FFFD, so the output is always valid JSON. pjson_time writes ms as an
** ISO 8601 string, 0 as null. */
int pjson_str(struct pbuf *b, const char *s);
int pjson_i64(struct pbuf *b, int64_t v);
int pjson_time(struct pbuf *b, int64_t ms);
/* pjson_time's twin for answers built as jansson trees: ms as an ISO 8601
** string, 0 as null. A new reference (json_t *), NULL on out of memory. */
struct json_t;
struct json_t *core_json_time(int64_t ms);

/* One bare e-mail address as Parapet stores and mails it: printable ASCII,
** one '@', no characters that delimit addresses in a header, a domain of
** letters, digits, '-' and single dots, at most 254 bytes. The registry and
** the mailer share this rule, so a stored contact can always be mailed. */
bool core_email_ok(const char *addr);

/* ------------------------------------------------------------------ time */

/* Tune the allocator for a long-running server (call once at start). */
void core_malloc_tune(void);

int64_t core_now_ms(void);
/* Milliseconds of CLOCK_MONOTONIC: for timeouts and rates, which a step of
** the wall clock (NTP, an operator) must not stretch or end. */
int64_t core_mono_ms(void);
/* Format ms since epoch as "2026-11-28T05:59:05.123Z" into out (>= 32 bytes). */
void core_iso8601(int64_t ms, char *out, size_t outsz);
/* The Solar Hijri (Jalali) date of the UTC day of ms: the 33-year
** arithmetic rule the web interface uses (web/jalali.js), exact for the
** years people write (1178-1634 AP, 1799-2256 CE). */
void core_jalali(int64_t ms, int *jy, int *jm, int *jd);
/* Parse "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS[.fff]Z" or with a "+HH:MM" /
** "-HH:MM" offset into ms since epoch (UTC). Returns 0 or -1. */
int core_parse_iso8601(const char *s, int64_t *ms);

/* ------------------------------------------------------------ digests, hex */

void core_sha256(const void *data, size_t n, uint8_t out[32]);
/* The value of one hex digit (either case), or -1: parsers of outside text
** (URLs' percent escapes, hashes, fingerprints) share this one. */
static inline int core_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
/* ASCII lower case of one byte; other bytes (UTF-8 included) unchanged. */
static inline char core_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* TLP 2.0 labels, one list for every module that stores or enforces one.
** core_tlp_parse reads a label as people write it (any case, an optional
** "TLP:" prefix: "tlp:amber+strict") from s[0..n) and returns the
** canonical static label ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT",
** "RED"), or NULL. core_tlp_rank gives a canonical label's place, from 0
** (CLEAR, anyone) to 4 (RED, named recipients only), or -1 for anything
** else: a stored label is compared by rank, never by text. */
const char *core_tlp_parse(const char *s, size_t n);
int core_tlp_rank(const char *canon);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void core_hex(const uint8_t *in, size_t n, char *out);

/* Content-addressed files (evidence, fetched pages): blob_dir/ab/cdef... for
** the hex SHA-256 "abcdef...". core_blob_path fills out (0, or -1 when n is
** too small); core_blob_write stores data under sha unless it is there
** already (0, or -1 with err). The caller computes sha from data. */
int core_blob_path(const char *blob_dir, const char *sha, char *out, size_t n);
/* core_blob_write without waiting for the disk: the file is complete when
** it appears (written, then renamed) but may be lost in a crash until
** core_blob_sync(blob_dir) returns 0, which the caller does once for a
** batch of writes before committing anything that refers to them (one
** syncfs instead of an fsync per file: the website watch writes a sample
** per learned page, 10,000 in a learning pass). */
int core_blob_write_lazy(const char *blob_dir, const char *sha, const void *data, size_t len,
			 struct perr *err);
int core_blob_sync(const char *blob_dir, struct perr *err);
/* The blob directory of a data directory: beside the database, DIR/blobs. */
void core_blob_dir(const char *db_path, char *out, size_t n);
int core_blob_write(const char *blob_dir, const char *sha, const void *data, size_t len,
		    struct perr *err);

/* Replace the file at path with data, all or nothing: written to a
** temporary file beside it (path.tmp.PID, created with mode), flushed to
** disk, then renamed over path, so a reader sees the old file or the new one,
** never part of one. 0, or -1 with err (the temporary file removed). */
int core_file_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
			   struct perr *err);
/* Read the whole file at path into out (pbuf_init'ed here with max): 0, or
** -1 with err (out freed) when it cannot be read or is larger than max. */
int core_file_read(const char *path, size_t max, struct pbuf *out, struct perr *err);

/* --------------------------------------------------------------- names */

/* One DNS label, NUL-terminated UTF-8, in its ASCII form ("xn--..."), as
** libcurl converts names for DNS: IDNA 2008 (non-transitional), with the
** transitional mapping for a label that rejects. Labels are converted one
** by one, never a name whole, so that a name and each of its suffixes read
** the same (a whole-name conversion applies rules across labels: a suffix
** could pass where the name fails); the website watch and the indicator
** registry both convert here, so their hosts compare equal. 0 with out
** set (label and out may be the same buffer), or -1 with out untouched
** when libidn2 refuses the label both ways or the result does not fit. */
int core_idna_label(const char *label, char *out, size_t outsz);

/* ---------------------------------------------------------------- logging */

enum plog_level { PLOG_DEBUG, PLOG_INFO, PLOG_WARN, PLOG_ERROR };
void plog_set_level(enum plog_level lvl);
/* The request id of the calling thread, set by the HTTP layer for the life of
** a request so that every line logged while serving it carries it. */
void plog_set_request_id(const char *rid);
const char *plog_request_id(void);
void plog(enum plog_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------ timed work */

/* A thread that calls pass(ud) at once and then every interval_ms until
** core_ticker_stop (ticker.c). what names it in an error. 0, or -1 with
** err. */
struct core_ticker;
typedef void (*core_ticker_fn)(void *ud);
int core_ticker_start(int64_t interval_ms, core_ticker_fn pass, void *ud, const char *what,
		      struct core_ticker **out, struct perr *err);
/* Stop it (waking it at once) and wait for its pass to end. NULL is a no-op. */
void core_ticker_stop(struct core_ticker *t);
/* Run the next pass now rather than at the end of the interval (once, however
** many kicks come meanwhile; a kick during a pass runs one more after it):
** for work that usually waits its turn but must not, such as an attack's
** incident. Cheap, from any thread; NULL is a no-op. */
void core_ticker_kick(struct core_ticker *t);

/* A listen address as operators write it: "a.b.c.d:port", "[v6]:port" or
** "localhost:port" (127.0.0.1), the port 0..65535 (0: the kernel picks).
** Fills sa (sin or sin6); 0, or -1 with err (PERR_INVALID, field what,
** the message naming what). For the API's, the metrics' and the flow
** collector's listeners alike. */
struct sockaddr_storage;
int core_listen_parse(const char *spec, const char *what, struct sockaddr_storage *sa,
		      struct perr *err);

/* The streaming CSV push parser is part of core's interface. */
#include "core/csv.h"

#endif /* PARAPET_CORE_H */
