/*
** dns.h — what a watched site's domain resolves to, and whether that changed.
**
** DNS hijacking (Sea Turtle, DNSpionage) changes a site's records at the
** registrar or at its DNS provider: the A/AAAA records point to the
** attacker's proxy, the NS set to the attacker's servers, MX to a mail
** interceptor, CAA is dropped so that a certificate can be issued. The
** website watch keeps an expected dns_result per site and compares each new
** observation with dns_diff().
**
** dns_resolve_batch() resolves many names at once with c-ares: one channel
** towards the configured resolver(s), one poll() loop over the channel's
** sockets and timers, a cap on the queries in flight, and an
** overall deadline, so that a dead or slow resolver costs a bounded time and
** gives `timeout` results, never an error of the call. For NS_PARENT (the
** delegation as the parent zone publishes it, which a hijack at the registry
** changes first) it also finds the parent zone's servers through the
** resolver and asks them directly, non-recursively, over a second c-ares
** channel per parent zone (see dns.c).
**
** Every reply is parsed by dns_parse_reply(), a pure function over the reply
** bytes (the c-ares ares_parse_*_reply functions plus a walk of the authority
** section for referrals), into canonical lists: lower-case names without the
** trailing dot, addresses in their canonical text form, sorted, without
** duplicates, at most DNS_RR_MAX values per type (a longer answer is cut and
** flagged). Canonical lists make results comparable byte for byte and their
** JSON (dns_result_json) stable, so a stored baseline does not "change"
** because a server rotated its answer.
*/
#ifndef PARAPET_DNS_H
#define PARAPET_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/core.h"

/* ------------------------------------------------------------------ limits */

#define DNS_RR_MAX 32           /* values kept per type; more: cut and flagged */
#define DNS_NAME_MAX 254        /* a domain name (253) plus NUL */
#define DNS_VALUE_MAX 1024      /* bytes of one canonical value, NUL included */
#define DNS_TEXT_MAX 128        /* status detail, NUL included */
#define DNS_SERVERS_MAX 8       /* resolver addresses per channel */
#define DNS_BATCH_MAX 1000000   /* names per batch */
/* Default cap on queries in flight. Higher is faster towards a big resolver
** far away; towards dnsmasq on loopback 256 already overflows its socket
** buffer (drops, then retries after a timeout), 32..128 run at its full
** speed. */
#define DNS_INFLIGHT_DEFAULT 128
#define DNS_INFLIGHT_MAX 4096

/* ------------------------------------------------------------------- types */

/* The record types of a result, each one bit in a dns_resolve_batch() mask. */
enum dns_type {
	DNS_A = 0,
	DNS_AAAA,
	DNS_NS,        /* the domain's NS set as the resolver answers it */
	DNS_NS_PARENT, /* the NS set as the parent zone's servers delegate it */
	DNS_MX,
	DNS_CAA,
	DNS_NTYPES
};

#define DNS_BIT(t) (1u << (t))
#define DNS_ALL ((1u << DNS_NTYPES) - 1u)

/* Outcome of one type's lookup. NONE: not asked (absent from the JSON, never
** compared). TIMEOUT covers every "no answer came": a timeout, an ICMP
** refusal from a port where nothing listens, the batch deadline. */
enum dns_status {
	DNS_ST_NONE = 0,
	DNS_ST_OK,       /* at least one record */
	DNS_ST_NODATA,   /* the name exists, no record of this type */
	DNS_ST_NXDOMAIN, /* the name does not exist */
	DNS_ST_TIMEOUT,  /* no answer (see above) */
	DNS_ST_SERVFAIL, /* the server failed (SERVFAIL) */
	DNS_ST_REFUSED,  /* the server refused (REFUSED, e.g. not authoritative) */
	DNS_ST_ERROR,    /* malformed reply, invalid name, other rcode, out of memory */
	DNS_ST_COUNT
};

/* One type's answer. Values are heap strings in canonical form:
**   A      "192.0.2.1"                 AAAA  "2001:db8::1" (RFC 5952)
**   NS     "ns1.example.org"           MX    "10 mail.example.org"
**   CAA    "0 issue \"letsencrypt.org\"" (flags, lower-case tag, value quoted
**          with \" \\ and \DDD escapes)
** Names are lower-case, without the trailing dot, every label byte other
** than a-z 0-9 - _ written \DDD (so "a\046b" is one label with a dot); the
** root is ".". Sorted (addresses by value,
** MX by preference then host, the rest bytewise), distinct; cut when more
** than DNS_RR_MAX (the DNS_RR_MAX first of the sorted set are kept) or when
** a value was longer than DNS_VALUE_MAX and was dropped. */
struct dns_rrset {
	enum dns_status status;
	bool cut;
	uint32_t n;
	char **v;
	char text[DNS_TEXT_MAX]; /* detail for humans, "" when ok */
};

struct dns_result {
	char name[DNS_NAME_MAX]; /* canonical: lower-case, no trailing dot */
	struct dns_rrset rr[DNS_NTYPES];
};

/* Stable names used in JSON and messages: "a", "aaaa", "ns", "ns_parent",
** "mx", "caa"; "ok", "nodata", "nxdomain", "timeout", "servfail", "refused",
** "error" ("none" for DNS_ST_NONE). NULL/-1 for unknown values. */
const char *dns_type_name(enum dns_type t);
int dns_type_from_name(const char *s);
const char *dns_status_name(enum dns_status st);
int dns_status_from_name(const char *s);

/* Canonical form of a domain name: ASCII letters, digits, '-' and '_',
** labels of 1..63 bytes, at most 253 bytes, one optional trailing dot
** (dropped), lower-cased into out (DNS_NAME_MAX). IDNs must be given in
** their xn-- form. Returns 0, or -1 when the name is not acceptable. */
int dns_name_canon(const char *name, char out[DNS_NAME_MAX]);

/* Zero r and set its name (no check; dns_resolve_batch canonicalises). */
void dns_result_init(struct dns_result *r, const char *name);
/* Free the values; r can be reused after dns_result_init(). Idempotent. */
void dns_result_free(struct dns_result *r);

/* ------------------------------------------------------------------ parsing */

/* Parse one raw DNS reply (as received, header first) to a query of type t
** into into->rr[t], replacing what was there. Pure: no I/O, no globals.
**
** Returns 0 when the reply is well formed; the rrset's status then says what
** it answered: OK (values filled), NODATA, NXDOMAIN, SERVFAIL, REFUSED, or
** ERROR for another rcode. Returns -1 (PERR_INVALID; PERR_INTERNAL on out of
** memory) when it is not a well-formed reply to one question of type t and
** class IN (too short, truncated records, bad names or compression, wrong
** question; also NS and MX targets that are not host names, which c-ares
** refuses in answer sections): the rrset's status is then ERROR with the
** reason. A reply with TC set gives a list flagged cut.
**
** For DNS_NS_PARENT the reply is the parent zone's server's answer to "NS
** name" asked without recursion: NS records from the answer section, or, in
** a referral (NOERROR, no answer), those of the authority section whose
** owner is the name or one of its ancestors. A reply with neither is NODATA. */
int dns_parse_reply(enum dns_type t, const unsigned char *buf, size_t len,
		    struct dns_result *into, struct perr *e);

/* ---------------------------------------------------------------- resolving */

struct dns_opts {
	const char *servers; /* "ip:port,ip:port" ("[v6]:port" too), at most
			      * DNS_SERVERS_MAX; NULL or "" = /etc/resolv.conf */
	int timeout_ms;      /* first-try timeout per query (0 = 2000) */
	int tries;           /* rounds over the servers per query (0 = 2); the
			      * timeout doubles each round. Only a timeout moves
			      * a query to the next server: a SERVFAIL or REFUSED
			      * is the result (a validating resolver's SERVFAIL
			      * after a hijack is a signal) */
	int auth_port;       /* port of the parent zones' servers (0 = 53) */
	int max_inflight;    /* queries in flight at once, <= DNS_INFLIGHT_MAX
			      * (0 = DNS_INFLIGHT_DEFAULT) */
	int deadline_ms;     /* whole batch (0 = derived from the above and n) */
};

/* Resolve each of names[0..n) for the types in the mask (DNS_BIT(DNS_A) |
** ...) into out[0..n), which the function initialises (free each with
** dns_result_free() whatever the return value). A name that is not a valid
** domain name gets ERROR for every type asked; a resolver that does not
** answer gives TIMEOUT. All names are resolved concurrently and the call
** returns when all types of all names are settled or the deadline passes
** (what is still pending then is TIMEOUT). The call itself fails only on bad
** arguments (PERR_INVALID: NULL, empty or unknown mask, bad servers string,
** out-of-range options; PERR_LIMIT: n > DNS_BATCH_MAX) or when c-ares cannot
** start (PERR_INTERNAL).
** Thread-safe: each call has its own channels. */
int dns_resolve_batch(const struct dns_opts *opts, const char *const *names, size_t n,
		      unsigned types, struct dns_result *out, struct perr *e);

/* --------------------------------------------------------------------- JSON */

/* r as a JSON object, keys inserted in sorted order (dump with
** JSON_SORT_KEYS | JSON_COMPACT for canonical bytes):
**   {"a":{"status":"ok","values":["192.0.2.1"]},
**    "caa":{"detail":"...","status":"nodata","values":[]},
**    "name":"example.org", "ns":{"cut":true,...}, ...}
** Types not asked (DNS_ST_NONE) are left out; "cut" only when true, "detail"
** only when non-empty. Returns 0, or -1 (PERR_INTERNAL) on out of memory. */
int dns_result_json(const struct dns_result *r, json_t **out, struct perr *e);
/* The inverse: validates and re-canonicalises every value (an A value must
** be an IPv4 address, and so on), sorts and deduplicates. out is
** initialised; free it in all cases. PERR_INVALID with the offending field
** ("name", "a", "mx", ...) on a bad document. */
int dns_result_from_json(const json_t *j, struct dns_result *out, struct perr *e);

/* --------------------------------------------------------------------- diff */

/* One type that changed. added/removed point into the observed/expected
** results given to dns_diff() and live as long as they do. */
struct dns_change {
	enum dns_type type;
	enum dns_status was, now;
	bool cut; /* either side was cut: the lists compared are partial */
	uint32_t nadded, nremoved;
	const char *added[DNS_RR_MAX];
	const char *removed[DNS_RR_MAX];
};

struct dns_diff {
	size_t n;
	struct dns_change ch[DNS_NTYPES]; /* in enum dns_type order */
};

/* Which types differ between the expected result and an observation: a type
** changed when its status or its values differ. Types not asked on either
** side are skipped, and so are types that timed out in the observation (a
** timeout is not a change) or in the expectation (nothing to compare with).
** Returns the number of changed types (d->n). */
size_t dns_diff(const struct dns_result *expected, const struct dns_result *observed,
		struct dns_diff *d);
/* The changes as a JSON array of {"type","was","now","added","removed"[,"cut"]};
** NULL on out of memory. */
json_t *dns_diff_json(const struct dns_diff *d);

#endif /* PARAPET_DNS_H */
