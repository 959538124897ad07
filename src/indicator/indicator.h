/*
** indicator.h — the indicator registry (issue 15): what an analyst learns
** from an attack (addresses, domains, URLs, hashes, certificates, ASNs,
** Android apps) kept with its reason, TLP, source, confidence, validity and
** sightings, held against MISP warninglists before it can hurt, and
** exported to every consumer's format.
**
** This first part holds the pure foundations, each a function of its
** arguments (no I/O, no globals), bounded on hostile input and fuzzed:
**
**   value.c        indicator types: recognising, validating and
**                  canonicalising a value; default validity per type;
**   warninglist.c  MISP warninglists: loading the published JSON format,
**                  and matching a value against every list at once (one
**                  longest-prefix structure for the CIDR lists, one suffix
**                  structure for the hostname lists).
**
** The registry itself (store, API, CLI, UI, exports) builds on these.
*/
#ifndef PARAPET_INDICATOR_H
#define PARAPET_INDICATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* ------------------------------------------------------------ values (value.c) */

/* The kinds of value an analyst blocks. Each is stored in one canonical
** form, so that one indicator cannot be listed twice under two spellings
** and every export, match and warninglist check reads the same text. */
enum indicator_type {
	INDICATOR_NONE = 0, /* not a type: unknown name, unrecognised value */
	INDICATOR_IPV4,     /* 192.0.2.1 */
	INDICATOR_IPV6,     /* 2001:db8::1 (RFC 5952 form) */
	INDICATOR_CIDR,     /* 192.0.2.0/24, 2001:db8::/32 (host bits refused) */
	INDICATOR_DOMAIN,   /* evil.example, xn--... for an IDN, no trailing dot */
	INDICATOR_URL,      /* http, https or ftp; host canonical, path+query kept */
	INDICATOR_EMAIL,    /* local@domain, lower case */
	INDICATOR_SHA256,   /* file hashes, lower-case hex */
	INDICATOR_SHA1,
	INDICATOR_MD5,
	INDICATOR_TLS,      /* SHA-256 of a certificate (DER), plain lower-case hex */
	INDICATOR_ASN,      /* AS64500 */
	INDICATOR_APP,      /* Android app: package:SHA-256 of its signing certificate */
	INDICATOR_TYPE_COUNT
};

/* The longest value accepted, as given and in canonical form (bytes, NUL
** excluded); an output buffer of INDICATOR_VALUE_SIZE always suffices. */
#define INDICATOR_VALUE_MAX 2048
#define INDICATOR_VALUE_SIZE (INDICATOR_VALUE_MAX + 1)

/* The type called name ("ipv4", "ipv6", "cidr", "domain", "url", "email",
** "sha256", "sha1", "md5", "tls", "asn", "app"; ASCII case ignored), or
** INDICATOR_NONE. NULL is INDICATOR_NONE. */
enum indicator_type indicator_type_parse(const char *name);
/* The name of t as indicator_type_parse reads it; NULL for INDICATOR_NONE
** or a value out of range. A static string. */
const char *indicator_type_name(enum indicator_type t);

/* Validate the value text[0..len) of type t and write its canonical form
** into out (outsz >= INDICATOR_VALUE_SIZE). ASCII white space around the
** value is ignored. Returns 0, or -1 with out "" and err PERR_INVALID:
** field "value" and a message naming what is wrong ("leading zero in
** IPv4 part '010'", "prefix /33 is longer than 32", "host bits set in
** 10.1.2.3/16: did you mean 10.1.0.0/16?", "invalid label 'a_b'", "a
** SHA-256 hash has 64 hex digits, not 63"); field "type" when t is not a
** type. The canonical form of a canonical value is itself.
** The rules, per type:
**   ipv4    four decimal parts 0-255, no leading zeros ("010" is octal to
**           inet_aton and decimal to a person: refused, not guessed);
**   ipv6    any RFC 4291 text form, no zone; written per RFC 5952 (lower
**           case, longest zero run as "::"); an IPv4-mapped address
**           (::ffff:a.b.c.d) is refused: it is the ipv4 indicator;
**   cidr    ADDRESS/LEN, LEN decimal without leading zeros, IPv4 /8-/32,
**           IPv6 /16-/128 (a broader network is a continent, not an
**           indicator); host bits are refused, naming the network meant,
**           never masked (10.1.2.3/16 is as likely a typo for the host as
**           for the network, and a silent mask blocks 65,536 addresses);
**   domain  one trailing dot dropped; U-labels converted to A-labels
**           (IDNA 2008 via libidn2, as the website watch converts hosts,
**           so names compare equal), A-labels checked to decode; then
**           lower-case LDH labels of 1-63 bytes, no '-' at either end, no
**           '_', at most 253 bytes, at least two labels (a bare TLD would
**           block a whole registry), a last label not all digits ("1.2.3"
**           is a broken address, not a name);
**   url     scheme http, https or ftp (lower-cased); host a domain, IPv4
**           or [IPv6] in canonical form; a default port (80, 443, 21)
**           dropped; user info kept as given (phishing URLs carry a
**           decoy there); path and query kept exactly, "/" when empty,
**           bytes above 0x7f percent-encoded (as a browser sends them),
**           spaces and control bytes refused; the fragment dropped (it
**           never leaves the browser, so nothing can match on it);
**   email   dot-atom local part of 1-64 bytes @ a domain (rules above),
**           at most 254 bytes, all lower case (providers ignore case in
**           the local part: two spellings must not be two indicators);
**   sha256, sha1, md5  exactly 64, 40, 32 hex digits, lower-cased;
**   tls     64 hex digits, plain or as 32 colon-separated pairs (the way
**           openssl x509 -fingerprint prints them); stored plain;
**   asn     AS64500, as64500, 64500 or asdot AS1.10; stored "AS65546";
**           0, 23456 (AS_TRANS), 65535 and 4294967295 (reserved, RFC 7300)
**           and anything above 32 bits refused;
**   app     PACKAGE:FINGERPRINT, the Android package name (two or more
**           segments, each a letter then letters, digits or '_', case
**           kept: Android's names are case-sensitive; at most 255 bytes)
**           and the SHA-256 of its signing certificate as for tls. */
int indicator_value_canon(enum indicator_type t, const char *text, size_t len, char *out,
			  size_t outsz, struct perr *err);

/* The type of a bare value (one line of a plain bulk list), or
** INDICATOR_NONE when it is no valid value of any type: a type is
** returned only when indicator_value_canon accepts the value as it.
** Where a value could be two types the guess is the usual reading: 64 hex
** digits are a SHA-256 file hash (a certificate fingerprint only in its
** colon form), digits alone are nothing (an ASN needs its "AS"), an
** address with /LEN is a cidr. */
enum indicator_type indicator_type_guess(const char *text, size_t len);

/* How long an indicator of type t stays valid when no expiry is given,
** in milliseconds (0 for INDICATOR_NONE). The figures follow how fast
** each kind of value changes hands: an address 30 days (dynamic and cloud
** addresses are reassigned within weeks), a network 90, a domain 180
** (registrations last a year, takedowns take months), a URL 90, an
** e-mail address 365, an ASN 180, and what never changes meaning -- file
** hashes, certificate fingerprints, apps -- 365. */
int64_t indicator_default_ttl_ms(enum indicator_type t);

/* The host a canonical value names, as a view into canon: a domain or an
** address itself, the host of a URL (an IPv6 address without its
** brackets), the domain of an e-mail address. {NULL, 0} for the other
** types. canon must be canonical (indicator_value_canon's output). */
struct pstr indicator_value_host(enum indicator_type t, const char *canon);

/* The addresses an ipv4, ipv6 or cidr indicator covers, in the shape an
** LPM builder takes (lpm_builder_add: family, addr, len) plus the last
** address for range searches. Bytes in network order, the unused tail of
** the arrays zero. */
struct indicator_range {
	int family;        /* 4 or 6 */
	unsigned prefix;   /* 32 or 128 for one address */
	uint8_t first[16]; /* the network address */
	uint8_t last[16];  /* the last address of the network */
};
/* Fill r for a canonical ipv4, ipv6 or cidr value. Returns 0, or -1 (r
** zeroed) for another type or a value that is not canonical. */
int indicator_value_range(enum indicator_type t, const char *canon, struct indicator_range *r);


/* ------------------------------------------------ warninglists (warninglist.c) */

/* MISP warninglists (https://github.com/MISP/misp-warninglists, CC0): lists
** of well-known values that are usually false positives (public resolvers,
** RFC 1918, cloud and CDN ranges, top domains, empty-file hashes). An
** indicator that hits one is held for an analyst's confirmation with the
** list named, so that a CERT never blocks 8.8.8.8 or google.com by mistake.
**
** Life of a set: indicator_wl_set_new(), one indicator_wl_add_json() per
** list (a refused list leaves the set as it was), indicator_wl_freeze()
** (builds the match structures; no add after it), then any number of
** indicator_wl_match() calls, from any number of threads (the frozen set is
** read-only), and indicator_wl_free(). */

/* MISP's match types, as the "type" member of a list names them. */
enum indicator_wl_type {
	INDICATOR_WL_STRING,    /* the value equals an entry (ASCII case folded) */
	INDICATOR_WL_SUBSTRING, /* an entry occurs in the value (case folded) */
	INDICATOR_WL_HOSTNAME,  /* the value's host is an entry or a subdomain of one */
	INDICATOR_WL_CIDR,      /* the address (or network) lies in an entry's prefix */
	INDICATOR_WL_REGEX,     /* a POSIX ERE of the list matches the value */
};

/* Bounds on what one list or one set may hold (outside data). */
#define INDICATOR_WL_MAX_JSON ((size_t)64 << 20)   /* bytes of one list's JSON */
#define INDICATOR_WL_MAX_ENTRIES ((size_t)2000000) /* entries of one list */
#define INDICATOR_WL_MAX_TOTAL ((size_t)8000000)   /* entries of a whole set */
#define INDICATOR_WL_MAX_VALUE 1024                /* bytes of one entry or value */
#define INDICATOR_WL_MAX_LISTS 512                 /* lists of one set */
#define INDICATOR_WL_MAX_REGEX 256                 /* compiled patterns of one set */
#define INDICATOR_WL_NAME_MAX 256                  /* bytes kept of a list's name */

struct indicator_wl_set;

/* One list a value hit. Pointers stay valid until indicator_wl_free(). */
struct indicator_wl_hit {
	const char *name;   /* the list's "name" member */
	const char *source; /* source_name given to indicator_wl_add_json() */
	enum indicator_wl_type type;
};

/* What a set holds, for the CLI and the report of an update. */
struct indicator_wl_stats {
	size_t lists;          /* lists accepted */
	size_t entries;        /* entries accepted (all lists) */
	size_t cidr_prefixes;  /* distinct prefixes in the one LPM */
	size_t hostnames;      /* distinct hostnames in the one suffix map */
	size_t strings;        /* distinct exact strings */
	size_t substrings;     /* distinct substring patterns (Aho-Corasick) */
	size_t regex;          /* patterns compiled */
	size_t regex_refused;  /* patterns regcomp (POSIX ERE) rejected, skipped */
};

/* A new empty set owned by the caller (indicator_wl_free), NULL on OOM. */
struct indicator_wl_set *indicator_wl_set_new(void);

/* Parses one list in MISP's JSON format (name, type, list[], optional
** matching_attributes, version, description) and adds it to the set.
** source_name (e.g. the list's directory name) is kept beside the list's
** name; NULL means "". Returns 0, or -1 with err filled: PERR_INVALID for a
** malformed list (bad JSON, missing member, unknown type, an entry that is
** not a string, a CIDR entry that does not parse), PERR_LIMIT when a bound
** above is passed, PERR_CONFLICT after freeze. On -1 the set is exactly as
** it was before the call. A regex entry that regcomp refuses does not
** refuse the list: it is skipped and counted (stats.regex_refused). No I/O. */
int indicator_wl_add_json(struct indicator_wl_set *set, const char *json, size_t len,
			  const char *source_name, struct perr *err);

/* Builds the match structures: one longest-prefix table for every CIDR list
** (IPv4 and IPv6), one hash of hostnames looked up suffix by suffix, one
** exact-string hash, one Aho-Corasick automaton for every substring list.
** Returns 0, or -1 (PERR_INTERNAL, out of memory; the set is then unusable
** and must only be freed). Calling it twice is an error (PERR_CONFLICT). */
int indicator_wl_freeze(struct indicator_wl_set *set, struct perr *err);

/* Matches value (len bytes, not necessarily NUL-terminated) against every
** list of a frozen set. type_hint is a MISP attribute type ("ip-src",
** "domain", "url", "md5", "email-src", ...): only lists whose
** matching_attributes name it are consulted (lists naming none are always
** consulted); NULL consults every list. A composite value "a|b" (domain|ip,
** ip-src|port, filename|md5) is matched half by half. A URL's host is what
** hostname lists see. Fills out[0..max) with the lists hit, each once, in
** the order they were added; returns how many lists hit (may exceed max),
** or 0 when none did, the set is not frozen, or value is longer than
** 4096 bytes or holds a NUL (no list entry can). Thread-safe on a frozen
** set. An IPv4-mapped IPv6 address is matched as the IPv4 address. */
size_t indicator_wl_match(const struct indicator_wl_set *set, const char *type_hint,
			  const char *value, size_t len, struct indicator_wl_hit *out,
			  size_t max);

void indicator_wl_stats(const struct indicator_wl_set *set, struct indicator_wl_stats *st);

/* The MISP attribute type a registry value of type t is matched as
** (type_hint of indicator_wl_match): an address or network "ip-dst", a
** domain "domain", a URL "url", an e-mail "email-dst", a hash its
** algorithm, a TLS fingerprint "x509-fingerprint-sha256", an ASN "AS", an
** app "android-app" (no MISP list names it: only lists naming no type
** answer). NULL for INDICATOR_NONE or an unknown t. A static string. */
const char *indicator_wl_hint(enum indicator_type t);

/* Releases a set. NULL is a no-op. */
void indicator_wl_free(struct indicator_wl_set *set);

/* I/O: reads DIR/<name>/list.json for each subdirectory of dir (MISP's
** layout) and feeds each to indicator_wl_add_json (source_name = <name>),
** in name order. A list that is refused does not stop the others: refused
** counts them and, when err_each is not NULL, it is called with the list's
** name and the reason. Returns 0 (even when some lists were refused), or -1
** with err filled when dir cannot be read. Does not freeze. */
int indicator_wl_load_dir(struct indicator_wl_set *set, const char *dir, size_t *refused,
			  void (*err_each)(void *ctx, const char *source, const struct perr *e),
			  void *ctx, struct perr *err);

/* =====================================================================
** The registry (issue 15, second part): the parts that use the store.
** Each part below is one file with its own section; the API, the CLI and
** the jobs call these functions and nothing else (src/http and src/cli
** decode, call and render).
*/
struct store;
struct config;
struct principal;
struct store_indicator;

/* ------------------------------------- the installed warninglists (wlconfig.c) */

/* The directory the warninglists are read from: cfg's indicator.warninglists
** when set; else DATA/warninglists when `parapet indicator warninglists
** update` installed lists there (data_dir: the data directory); else the
** lists shipped with Parapet (data/warninglists in the source tree, or
** PARAPET_SHARE/warninglists when installed). Writes it into out. 0, or -1
** with err (PERR_NOTFOUND when none of them exists). */
int indicator_wl_dir(const struct config *cfg, const char *data_dir, char *out, size_t n,
		     struct perr *err);
/* Load and freeze the set of indicator_wl_dir's directory. *out is the
** caller's (indicator_wl_free). A list that is refused is logged and
** skipped (*refused counts them; may be NULL). 0, or -1 with err. */
int indicator_wl_load_config(const struct config *cfg, const char *data_dir,
			     struct indicator_wl_set **out, size_t *refused, struct perr *err);

/* ------------------------------------------------------ the record (registry.c) */

/* What a caller gives to list a value (NULL strings mean "none"/default). */
struct indicator_spec {
	const char *type;        /* a type name; NULL or "" = indicator_type_guess */
	const char *value;       /* as given: canonicalised here */
	const char *class_;      /* RSIT class (incident_rsit_valid's classes), or "" */
	const char *reason;
	const char *tlp;         /* CLEAR, GREEN, AMBER, AMBER+STRICT, RED (any case); NULL = AMBER */
	const char *source;      /* analyst (default), feed, peer, apk */
	const char *source_ref;  /* the feed, peer or app it came from */
	int confidence;          /* 0..100; -1 = 50 */
	const char *attribution; /* the actor, or the app's author */
	const char *tags;        /* comma-separated */
	int64_t org_id;          /* the organisation it concerns, 0 = none */
	int64_t expires_ms;      /* 0 = now + indicator_default_ttl_ms(type) */
	int64_t incident_id;     /* an incident to link, 0 = none */
	bool confirm;            /* list it active even when a warninglist hits */
};

/* List spec's value (in the caller's transaction; audited as
** indicator.add). The value is validated and canonicalised
** (indicator_value_canon; errors name the field). wl (may be NULL: no
** check) is consulted: a hit without spec->confirm stores the indicator
** with status held and held_lists naming the lists. A value listed
** already is refreshed, not duplicated: last_seen now, the later expiry
** kept, an incident linked, the same id returned. p decides what the
** caller may do (staff lists; a constituent may not). Returns 0 (listed
** active), 1 (held: held, when not NULL, gets the lists' names, "; "
** separated), or -1 with err. *id is the indicator's id on 0 and 1. */
int indicator_add(struct store *st, const struct indicator_wl_set *wl,
		  const struct principal *p, const char *actor, const struct indicator_spec *spec,
		  int64_t now_ms, int64_t *id, char *held, size_t heldsz, struct perr *err);

/* May p see an indicator of this TLP concerning org_id? Staff see every
** indicator. A constituent sees TLP:CLEAR and GREEN, and AMBER and
** AMBER+STRICT only when the indicator concerns their own organisation;
** never RED. The one rule the API, the CLI and search all apply. */
bool indicator_visible(const struct principal *p, const char *tlp, int64_t org_id);

/* -------------------------------------------------- bulk import (import.c) */

/* A bulk list of indicators as analysts and peers hand them over: a CSV file
** with a header (columns type, value, reason, class, tlp, confidence,
** expires, tags, attribution in any order; only value is required), or a
** plain list (one value per line, '#' comments and blank lines skipped, the
** type named once for the whole list or guessed per line). The parser is a
** push parser: the caller feeds bytes as it reads them and gets rows; it
** does no I/O and its memory is bounded by the limits, not by the input.
** One bad row never stops the others: it comes back as an invalid row with
** its line and the reason. */
enum indicator_import_format {
	INDICATOR_IMPORT_CSV = 1,
	INDICATOR_IMPORT_PLAIN,
};
/* "csv" or "plain" (ASCII case ignored); 0 for anything else. */
enum indicator_import_format indicator_import_format_parse(const char *name);

/* Defaults of the bounds (a member left 0 takes its default). */
#define INDICATOR_IMPORT_MAX_BYTES ((size_t)64 << 20) /* the whole input */
#define INDICATOR_IMPORT_MAX_ROWS ((size_t)1000000)   /* data rows (not comments) */
#define INDICATOR_IMPORT_MAX_LINE ((size_t)8192)      /* bytes of one line / record */
struct indicator_import_limits {
	size_t max_bytes, max_rows, max_line;
};

/* One row as the parser hands it over: checked field by field, the value
** canonical. Strings are "" when the row left the column empty (the spec's
** default then applies); confidence -1 and expires_ms 0 likewise. */
struct indicator_import_row {
	size_t line;                     /* 1-based line the row starts on */
	bool invalid;                    /* then error says why; value as given */
	char error[256];                 /* for a person, naming the field (perr_text) */
	char type[8];                    /* indicator_type_name(), "" when unknown */
	char value[INDICATOR_VALUE_SIZE];
	char reason[1024];
	char class_[48];
	char tlp[16];                    /* indicator_tlp_norm's: CLEAR ... RED */
	int confidence;                  /* 0..100, -1 = not given */
	int64_t expires_ms;              /* 0 = not given */
	char tags[512];                  /* indicator_tags_norm's ",a,b," (also ';' or '|' apart) */
	char attribution[256];
};
/* Called once per data row (valid or not). r is valid during the call.
** Return 0 to go on; anything else stops the parse, and the feed or
** finish call returns -1 with err PERR_INTERNAL unless the callback filled
** ud's own error (the caller knows). */
typedef int (*indicator_import_row_fn)(void *ud, const struct indicator_import_row *r);

struct indicator_import;
/* A parser of format fmt. type: the type of every value of a plain list,
** or of a CSV row whose type column is empty or absent; INDICATOR_NONE =
** guess per value (indicator_type_guess). lim may be NULL. Returns NULL on
** out of memory or a bad fmt. */
struct indicator_import *indicator_import_new(enum indicator_import_format fmt,
					      enum indicator_type type,
					      const struct indicator_import_limits *lim,
					      indicator_import_row_fn fn, void *ud);
/* Push len bytes. Returns 0, or -1 with err: PERR_LIMIT when the input or
** the rows pass their bound, PERR_INVALID for a CSV header that is not ours
** (an unknown column is named; value is required; a column twice), or the
** callback's stop. After -1 every later call fails the same way. */
int indicator_import_feed(struct indicator_import *im, const char *data, size_t len,
			  struct perr *err);
/* End of input: the last line without its newline is delivered. Then
** PERR_INVALID when a CSV input had no header at all. Same returns. */
int indicator_import_finish(struct indicator_import *im, struct perr *err);
/* Rows delivered so far (valid and invalid). */
size_t indicator_import_rows(const struct indicator_import *im);
void indicator_import_free(struct indicator_import *im);

/* What applying one row would do, against the store and the warninglists. */
enum indicator_import_status {
	INDICATOR_IMPORT_NEW = 0,  /* not listed: would be listed active */
	INDICATOR_IMPORT_CHANGED,  /* listed: the row changes fields of it */
	INDICATOR_IMPORT_UNCHANGED,/* listed, and the row changes nothing (a refresh:
				   ** last seen, the default expiry renewed) */
	INDICATOR_IMPORT_HELD,     /* hits a warninglist: would be (or stays) held */
	INDICATOR_IMPORT_INVALID,  /* refused: the line and the reason */
	INDICATOR_IMPORT_STATUS_COUNT
};
/* "new", "changed", "unchanged", "held", "invalid". */
const char *indicator_import_status_name(enum indicator_import_status s);

/* What the caller gives to an import, applied to every row that leaves the
** column empty (NULL = none: the registry's defaults). */
struct indicator_import_opts {
	enum indicator_import_format format; /* 0 = INDICATOR_IMPORT_CSV */
	enum indicator_type type;            /* see indicator_import_new */
	const char *tlp, *reason, *class_;   /* for rows that leave them empty */
	const char *source, *source_ref;     /* indicator_spec's (default analyst) */
	bool confirm;                        /* list values on a warninglist active */
	size_t max_items;                    /* rows listed in the answer (0 = 2000) */
	bool notable_only;                   /* list only the invalid and held rows (what
					     ** an import's reader must act on; a
					     ** million listed rows would not fit) */
	const struct indicator_import_limits *limits; /* NULL = the defaults */
};

/* Import data[0..len) under o in the caller's transaction: each valid row
** is listed through indicator_add (wl consulted; may be NULL) in a
** savepoint of its own; a preview runs the same inside one savepoint it
** undoes at the end -- so the preview and the commit apply one rule (a
** value twice in a file included) and a preview writes nothing. A row the parser or
** the registry refuses is counted invalid with its line and reason and
** never stops the others. *out (the caller's) is {"totals": {rows, new,
** changed, unchanged, held, invalid}, "items": [{line, type, value,
** status ("new", "changed", "unchanged", "held", "invalid"), id (the
** indicator's, when stored), changes [fields that differ from the stored
** row: status, class, reason, tlp, attribution, tags, confidence,
** expires, org], lists [warninglists the value hits, also when --confirm
** lists it active], error}], "truncated" (items holds the first
** o->max_items rows -- with o->notable_only, of the invalid and held
** ones; totals count all), "preview"}. Returns 0 (also when
** no row is valid: see indicator_import_valid), or -1 with err: FORBIDDEN
** unless indicator_may_curate(p), the parser's fatal errors (LIMIT, a CSV
** header that is not ours), a bad o->tlp, a store failure. */
int indicator_import_run(struct store *st, const struct indicator_wl_set *wl,
			 const struct principal *p, const char *actor,
			 const struct indicator_import_opts *o, const char *data, size_t len,
			 bool preview, int64_t now_ms, struct json_t **out, struct perr *err);
/* How many rows of an indicator_import_run result are valid (not
** "invalid"): the CLI exits 65 and the API answers 422 when none is. */
size_t indicator_import_valid(const struct json_t *result);

/* ---------------------------------------- held indicators (hold.c) */

/* An indicator that hit a warninglist waits, held, until an analyst
** decides: confirm lists it active (the lists it hit stay in held_lists,
** the record of what was overridden and by whom: the audit log), reject
** retires it (kept, searchable, never exported). */

/* May p curate the registry in bulk (import, confirm, reject, update the
** warninglists)? CERT staff (admin, analyst, provincial analyst) with an
** unnarrowed credential: the registry is national, so a token narrowed to
** an organisation or province may not; nor a constituent or a responder.
** NULL is the local operator (the CLI): yes. */
bool indicator_may_curate(const struct principal *p);
/* A held_lists text ("a; b", as indicator_add and the store write it) as
** a new JSON array of the names (NULL on out of memory). */
struct json_t *indicator_held_lists_json(const char *held);
/* held -> active, audited as indicator.confirm. NOTFOUND when there is no
** such indicator, CONFLICT (field "status") when it is not held,
** FORBIDDEN unless indicator_may_curate. In the caller's transaction. */
int indicator_confirm(struct store *st, const struct principal *p, const char *actor,
		      int64_t id, int64_t now_ms, struct perr *err);
/* held -> retired, audited as indicator.reject with reason (may be NULL).
** Errors as indicator_confirm. */
int indicator_reject(struct store *st, const struct principal *p, const char *actor,
		     int64_t id, const char *reason, int64_t now_ms, struct perr *err);
/* The held indicators, the newest first, at most limit (0 = 100): *out
** {"items": [{id, type, value, held_lists: [..], reason, class, tlp,
** confidence, source, actor, created, updated}]}. FORBIDDEN unless
** indicator_may_curate. */
int indicator_held_list(struct store *st, const struct principal *p, int64_t limit,
			struct json_t **out, struct perr *err);

/* ------------------------------- installing and showing warninglists (wlinstall.c) */

/* What an update installed and what it finds in the registry. */
struct indicator_wl_report {
	char dir[1024];            /* the directory the lists were read from */
	char installed[1100];      /* DATA/warninglists */
	size_t lists, refused;     /* lists accepted, and refused (named through each) */
	struct indicator_wl_stats stats;
	size_t active, active_hits; /* active indicators, and how many hit a list now */
	size_t held, held_clear;    /* held indicators, and how many hit no list now */
	bool overridden_by_config;  /* indicator.warninglists is set: it stays in force */
};
/* Told about each list an update refuses: its directory name, the reason. */
typedef void (*indicator_wl_refused_fn)(void *ctx, const char *list, const struct perr *e);
/* Active indicators that hit a list after an update, listed at most. */
#define INDICATOR_WL_HITS_SHOWN 100

/* Install the MISP warninglists of src (src/NAME/list.json, MISP's layout)
** as DATA/warninglists (data_dir = DATA). Every list is loaded and checked
** first; a list that is refused is named through each (may be NULL) and
** left out. The update is refused whole -- nothing changes -- when src is
** not MISP's layout (PERR_INVALID, naming src/lists when that is what was
** meant) or when no list loads (PERR_INVALID). The accepted lists are
** copied into DATA/warninglists.new, then swapped with DATA/warninglists
** in one rename (renameat2 RENAME_EXCHANGE); the previous lists are kept as
** DATA/warninglists.old. With st (may be NULL): audited as
** warninglists.update in the caller's transaction, then every active and
** held indicator is matched against the new set: rep counts them and
** *hits (may be NULL; the caller's) lists the first INDICATOR_WL_HITS_SHOWN
** active ones that hit [{id, type, value, lists}]. No indicator is changed:
** an analyst decides. FORBIDDEN unless indicator_may_curate(p). */
int indicator_wl_update(struct store *st, const struct principal *p, const char *actor,
			const struct config *cfg, const char *data_dir, const char *src,
			indicator_wl_refused_fn each, void *ctx, struct indicator_wl_report *rep,
			struct json_t **hits, struct perr *err);
/* Match every active and held indicator against wl (rep's active,
** active_hits, held, held_clear; *hits as above, may be NULL). */
int indicator_wl_recheck(struct store *st, const struct indicator_wl_set *wl,
			 struct indicator_wl_report *rep, struct json_t **hits, struct perr *err);

/* The lists in force: *out {dir (indicator_wl_dir's), source ("config",
** "installed" or "shipped"), stats {lists, entries, cidr_prefixes,
** hostnames, strings, substrings, regex, regex_refused} of set (the set a
** server loaded at its start; NULL: dir's lists loaded here)} and, with
** lists, "lists": [{dir, name, type, entries}] of dir by directory name (an
** unreadable list: {dir, error}). 0, or -1 with err. */
int indicator_wl_show(const struct config *cfg, const char *data_dir,
		      const struct indicator_wl_set *set, bool lists, struct json_t **out,
		      struct perr *err);

/* ------------------------------------ reading, changing, searching (registry.c) */

/* The TLP 2.0 label in (any case, "TLP:" prefix allowed) in canonical upper
** case into out (n >= 16); NULL or "" is AMBER. 0, or -1 with err
** (PERR_INVALID, field "tlp"). */
int indicator_tlp_norm(const char *in, char *out, size_t n, struct perr *err);
/* A comma-separated tag list (spaces around tags ignored, ASCII lower-cased,
** each tag once, at most 32 tags of 64 bytes, each of a-z 0-9 ':' '_' '.'
** '-') in the stored form ",a,b," ("" for none) into out (size n). 0, or
** -1 with err (field "tags"). */
int indicator_tags_norm(const char *in, char *out, size_t n, struct perr *err);

/* The record as the API and the CLI show it (a new jansson reference, NULL
** on out of memory): id, type, value, status, held_lists [names], class,
** reason, tlp, source, source_ref, confidence, attribution, tags [names],
** org_id (null for none), first_seen, last_seen, expires (ISO 8601 UTC),
** expired (expires at or before now: out of every export), sightings,
** actor, created, updated. */
struct json_t *indicator_json(const struct store_indicator *r);

/* Indicator id as p may see it (*out a new reference): indicator_json plus
** "incidents" (linked incident ids; a constituent sees only those of their
** organisation) and "recent_sightings" (the 20 newest; a constituent sees
** those concerning their organisation). An indicator p may not see
** (indicator_visible) is PERR_NOTFOUND, as one that does not exist. */
int indicator_get(struct store *st, const struct principal *p, int64_t id, struct json_t **out,
		  struct perr *err);
/* The sightings of indicator id, newest first, at most limit (1..1000, 0 =
** 100), scoped as indicator_get: *out a new JSON array of {id, kind, ref,
** org_id, detail, seen}. */
int indicator_sightings(struct store *st, const struct principal *p, int64_t id, int64_t limit,
			struct json_t **out, struct perr *err);

/* A change to an indicator: NULL strings, confidence -1, expires_ms 0 and
** org_id -1 leave a field as it is. */
struct indicator_patch {
	const char *reason, *class_, *tlp, *attribution, *tags;
	const char *status;  /* active (also confirms a held one) or retired */
	int confidence;      /* 0..100, -1 = unchanged */
	int64_t expires_ms;  /* new expiry (may be in the past: expire now), 0 = unchanged */
	int64_t org_id;      /* 0 = none, -1 = unchanged */
};
/* Apply patch to indicator id (CERT analysts and admins only; in the
** caller's transaction; audited as indicator.update with before and
** after). Every change moves updated_ms to now_ms, so the exports' ETag
** changes when a TLP, status or expiry does. Fields are checked as
** indicator_add checks them and named on refusal. */
int indicator_update(struct store *st, const struct principal *p, const char *actor, int64_t id,
		     const struct indicator_patch *patch, int64_t now_ms, struct perr *err);
/* Retire indicator id (what DELETE does): status retired, so it leaves
** every export at once, yet stays searchable with its sightings and the
** decision audited (indicator.retire). Retiring a retired one is a no-op. */
int indicator_retire(struct store *st, const struct principal *p, const char *actor, int64_t id,
		     int64_t now_ms, struct perr *err);

/* A search as the API's query string and the CLI's options give it (NULL or
** "" = any). */
struct indicator_filter {
	const char *value;     /* exact: canonicalised by its type (type or guessed) */
	const char *prefix;    /* values starting with this text */
	const char *contains;  /* an IP address: address indicators covering it */
	const char *within;    /* a CIDR (or address): address indicators inside it */
	const char *type, *class_, *tag, *source, *tlp, *status;
	const char *expired;   /* "true" or "false" */
	int64_t org_id;        /* 0 = any */
	int64_t limit;         /* 1..1000, 0 = 100 */
	int64_t cursor;        /* the "next" of the previous page, 0 = first page */
};
/* Indicators f selects that p may see, newest first: *out a new object
** {"items": [indicator_json...], "next": id|null} (next: pass as cursor for
** the following page). Each bad filter is PERR_INVALID naming it. */
int indicator_search(struct store *st, const struct principal *p,
		     const struct indicator_filter *f, int64_t now_ms, struct json_t **out,
		     struct perr *err);
/* -------------------------------------------- export writers (export*.c) */

/* The formats a consumer pulls the registry in. Each is a pure streaming
** writer: rows go in one at a time (in id order, as
** store_indicator_export_each gives them) and text comes out into the
** caller's pbuf; nothing of a row is kept after its add returns beyond a
** few bounded counters (1,000,000 rows cost the output, not a copy of the
** rows). The writers do NOT filter by TLP, expiry or consumer: they write
** what they are given (the consumers' export applies those rules first).
** A type a format cannot carry (a hash in an RPZ zone) is passed over and
** counted as ignored; a value the format cannot spell (a name too long once
** the zone's origin is appended) is skipped and counted as skipped. */
enum indicator_export_format {
	INDICATOR_EXPORT_NONE = 0,
	INDICATOR_EXPORT_PLAIN,    /* one value a line (types filtered by opts.types) */
	INDICATOR_EXPORT_CSV,      /* RFC 4180, a header line, one row an indicator */
	INDICATOR_EXPORT_JSON,     /* {"indicators":[{...}],"count":N} */
	INDICATOR_EXPORT_STIX,     /* a STIX 2.1 bundle */
	INDICATOR_EXPORT_MISP,     /* one MISP event (the JSON MISP imports) */
	INDICATOR_EXPORT_RPZ,      /* a DNS RPZ zone file */
	INDICATOR_EXPORT_SURICATA, /* Suricata 7 rules */
	INDICATOR_EXPORT_NFT,      /* an nftables script: table inet parapet, v4 and v6 sets */
	INDICATOR_EXPORT_FORMAT_COUNT
};

/* The format called name ("plain", "csv", "json", "stix", "misp", "rpz",
** "suricata", "nft"; ASCII case ignored), or INDICATOR_EXPORT_NONE (also
** for NULL). */
enum indicator_export_format indicator_export_format_parse(const char *name);
/* The name indicator_export_format_parse reads; NULL out of range. Static. */
const char *indicator_export_format_name(enum indicator_export_format f);
/* The media type an HTTP response carries the format with ("text/plain;
** charset=utf-8", "text/csv; charset=utf-8", "application/json",
** "application/stix+json;version=2.1", ...); NULL out of range. Static. */
const char *indicator_export_media_type(enum indicator_export_format f);
/* The usual file name extension without the dot ("txt", "csv", "json",
** "json", "json", "rpz", "rules", "nft"); NULL out of range. Static. */
const char *indicator_export_extension(enum indicator_export_format f);

/* What shapes an export. Strings are copied at open (the caller's may go). */
struct indicator_export_opts {
	int64_t now_ms;         /* the export's time: headers, STIX "created" of
				** its own objects, the default RPZ serial */
	const char *rpz_origin; /* the zone's origin (indicator.rpz_origin);
				** NULL or "" = "rpz.parapet." */
	const char *rpz_action; /* indicator.rpz_action: "nxdomain" (NULL, ""),
				** "nodata", "drop", or a host name to send
				** resolvers to (a walled garden: CNAME) */
	uint32_t serial;        /* the zone's SOA serial; 0 = now_ms in seconds
				** (mod 2^32: RFC 1982 arithmetic) */
	const char *producer;   /* who publishes: comments, STIX identity, MISP
				** Orgc; NULL or "" = "Parapet" */
	unsigned types;         /* plain only: a mask of (1u << enum indicator_type);
				** 0 = every type */
	uint32_t sid_base;      /* Suricata: first sid of the range (0 = 1000000000,
				** see export_suricata.c for the layout) */
};

struct indicator_export;

/* Starts an export of format fmt into out (the caller's buffer, pbuf_init'ed
** with whatever max it likes). The writer appends to out and never reads it
** back: between any two calls the caller may write out's bytes away (a
** file, a socket) and pbuf_reset it, which is how a million rows stream in
** bounded memory. The header of the format is appended here. Returns 0 and
** *x (the caller's until indicator_export_close), or -1 with err:
** PERR_INVALID for an unknown format or an option the format cannot use
** (field "rpz_origin" / "rpz_action" naming what is wrong), PERR_LIMIT when
** out is full, PERR_INTERNAL on out of memory. */
int indicator_export_open(enum indicator_export_format fmt, const struct indicator_export_opts *o,
			  struct pbuf *out, struct indicator_export **x, struct perr *err);
/* Writes one row. Returns 0 (written, ignored or skipped: see the counters),
** or -1 with err: PERR_LIMIT when out is full (the export is then broken:
** only indicator_export_close may follow, and the output is not whole). */
int indicator_export_add(struct indicator_export *x, const struct store_indicator *r,
			 struct perr *err);
/* What an export has done so far: rows written, rows of a type the format
** does not carry (ignored), rows the format could not spell (skipped). */
struct indicator_export_counts {
	int64_t written, ignored, skipped;
};
void indicator_export_counts(const struct indicator_export *x, struct indicator_export_counts *c);
/* Appends the trailer of the format (closing brackets, the RPZ zone's
** last comment, the nft element batches still held) and frees x. x NULL is
** a no-op returning 0. Returns 0, or -1 with err (PERR_LIMIT: out full);
** x is freed either way. */
int indicator_export_close(struct indicator_export *x, struct perr *err);

/* A MISP feed in a directory (export_misp_feed.c; I/O): what a MISP
** instance subscribes to as a "MISP Feed" (Sync Actions > Feeds):
** DIR/manifest.json naming each event, and DIR/<event uuid>.json, one
** event per RSIT class ("unclassified" for indicators without one; at
** most INDICATOR_MISP_FEED_MAX_EVENTS classes, the rest share an "other"
** event). Each event file is written as its rows come (bounded memory),
** under a temporary name renamed at close, and manifest.json last, so a
** MISP polling the directory never reads half an export. Event uuids are
** UUIDv5 of the producer and the class, so each day's export updates
** the same events. open: 0, or -1 (PERR_INVALID for options, PERR_INTERNAL
** when DIR cannot be written). add and close as indicator_export_*; close
** frees f (NULL is a no-op) and fills counts when not NULL. */
#define INDICATOR_MISP_FEED_MAX_EVENTS 32
struct indicator_misp_feed;
int indicator_misp_feed_open(const char *dir, const struct indicator_export_opts *o,
			     struct indicator_misp_feed **f, struct perr *err);
int indicator_misp_feed_add(struct indicator_misp_feed *f, const struct store_indicator *r,
			    struct perr *err);
int indicator_misp_feed_close(struct indicator_misp_feed *f, struct indicator_export_counts *counts,
			      struct perr *err);

/* ----------------------------------------- export consumers (consumer.c) */

/* An export consumer: a resolver, firewall or peer that polls one export
** (GET /api/v1/export/indicators) with its own bearer token. Its token is
** shown once, when created or rotated, and stored as SHA-256 only; it is
** never logged. A consumer carries a saved filter and two sharing marks:
** member (a member of the constituency: may receive TLP:AMBER) and strict
** (named for TLP:AMBER+STRICT). TLP:RED never leaves, whatever a consumer
** says. Managing consumers is national work (admins and analysts with an
** unnarrowed credential, or the local CLI operator). */

#define INDICATOR_CONSUMER_TOKEN_PREFIX "pcx_"
/* prefix + 64 hex digits + NUL */
#define INDICATOR_CONSUMER_TOKEN_SIZE 72
#define INDICATOR_FILTER_MAX 16 /* classes, and tags, of one filter */

/* A saved filter. An empty list passes everything; a non-empty one passes
** an indicator that has one of its entries (types by type, classes by RSIT
** class, tags by any tag). min_confidence 0 passes all. */
struct indicator_consumer_filter {
	unsigned types; /* bit 1u << enum indicator_type; 0 = every type */
	char classes[INDICATOR_FILTER_MAX][48];
	size_t nclasses;
	char tags[INDICATOR_FILTER_MAX][64];
	size_t ntags;
	int min_confidence; /* 0..100 */
};

struct indicator_consumer {
	int64_t id;
	char name[128];
	char format[16]; /* indicator_export_format_parse's names */
	struct indicator_consumer_filter filter;
	char filter_json[2048]; /* the filter in its canonical JSON form */
	bool member, strict, disabled;
	int64_t created_ms, last_fetch_ms;
};

/* What a caller gives to create or change a consumer. Strings NULL =
** "not given" (on create: format required, filter empty). The list
** arguments are comma-separated ("domain,url"). */
struct indicator_consumer_spec {
	const char *name;    /* 1-127 bytes of [A-Za-z0-9._-] (it names files too) */
	const char *format;
	const char *filter;  /* a whole filter as JSON (indicator_filter_parse),
			      * replacing the saved one; the lists below then
			      * replace its members */
	const char *types;   /* type names (indicator_type_parse) */
	const char *classes; /* RSIT classes */
	const char *tags;
	int min_confidence;  /* -1 = not given (create: 0) */
	int member, strict;  /* -1 = not given (create: false), 0, 1 */
	int disabled;        /* -1 = not given (create: false) */
};

/* Parse a saved filter from its JSON form ({"types":[...],"classes":[...],
** "tags":[...],"min_confidence":N}; "" or "{}" is the empty filter) into f
** (bounded: INDICATOR_FILTER_MAX entries a list; unknown members, unknown
** types and wrong kinds refused). 0, or -1 with err PERR_INVALID naming
** the member ("types", ...). No I/O. */
int indicator_filter_parse(const char *json, struct indicator_consumer_filter *f, struct perr *err);
/* Write f's canonical JSON form (members in a fixed order, empty lists
** left out) into out. 0, or -1 (PERR_LIMIT) when it does not fit. */
int indicator_filter_json(const struct indicator_consumer_filter *f, char *out, size_t n,
			  struct perr *err);

/* THE rule of what an export may carry, the one every export (HTTP, CLI,
** staff API) applies to every row (sharing under TLP 2.0, first.org):
**   - status active and not expired (expires_ms > now_ms): an expired
**     indicator leaves every export at once;
**   - TLP:RED never: it is for the named recipients of a conversation,
**     and a blocklist is no conversation;
**   - TLP:AMBER only to a member consumer (the constituency's own
**     resolvers and firewalls: "limited disclosure, recipients may share
**     within their organisation and its clients");
**   - TLP:AMBER+STRICT only to a consumer marked strict (named for it:
**     "restricted to the recipient organisation only"); one named for it
**     receives AMBER too (the levels are ordered: trusted with the
**     stricter, trusted with the looser);
**   - TLP:CLEAR and GREEN to every consumer;
**   - an unknown TLP never (fail closed);
**   - then the consumer's saved filter.
** c NULL is the staff default (an analyst exporting by hand, the CLI, the
** staff API without a consumer): CLEAR, GREEN and AMBER, no filter; never
** AMBER+STRICT (its recipients are named: export it through a strict
** consumer) and never RED. */
bool indicator_export_allows(const struct indicator_consumer *c,
			     const struct store_indicator *r, int64_t now_ms);

/* Create a consumer (audited as indicator_consumer.create; call in a
** transaction). p NULL is the CLI operator; else p must be national staff
** (admin or analyst, unnarrowed). token gets the new token: the only time
** it is seen. out (may be NULL) gets the consumer. 0, or -1 with err
** (INVALID naming the field, CONFLICT "name", FORBIDDEN). */
int indicator_consumer_create(struct store *st, const struct principal *p, const char *actor,
			      const struct indicator_consumer_spec *spec, int64_t now_ms,
			      char token[INDICATOR_CONSUMER_TOKEN_SIZE],
			      struct indicator_consumer *out, struct perr *err);
/* Change format, filter or marks: only what spec gives (name is ignored).
** Audited as indicator_consumer.update with before and after. */
int indicator_consumer_update(struct store *st, const struct principal *p, const char *actor,
			      int64_t id, const struct indicator_consumer_spec *spec,
			      struct indicator_consumer *out, struct perr *err);
/* A new token for consumer id; the old one stops working at once. Audited
** (indicator_consumer.rotate; the token never is). */
int indicator_consumer_rotate(struct store *st, const struct principal *p, const char *actor,
			      int64_t id, char token[INDICATOR_CONSUMER_TOKEN_SIZE],
			      struct perr *err);
/* Delete consumer id (its token dies with it). Audited. */
int indicator_consumer_delete(struct store *st, const struct principal *p, const char *actor,
			      int64_t id, struct perr *err);
/* Read one consumer by id, or by name (ref: an id or a name). */
int indicator_consumer_get(struct store *st, const struct principal *p, int64_t id,
			   struct indicator_consumer *out, struct perr *err);
int indicator_consumer_find(struct store *st, const struct principal *p, const char *ref,
			    struct indicator_consumer *out, struct perr *err);
typedef int (*indicator_consumer_fn)(void *ud, const struct indicator_consumer *c);
int indicator_consumer_list(struct store *st, const struct principal *p,
			    indicator_consumer_fn fn, void *ud, struct perr *err);
/* The consumer a bearer token names: 0, or -1 with PERR_AUTH ("invalid
** token": malformed, unknown, or the consumer disabled; one answer for
** all so that it tells nothing). Records the fetch (last_fetch_ms, kept
** to the minute: a write per poll would serialise readers on the
** database's write lock). */
int indicator_consumer_auth(struct store *st, const char *token, int64_t now_ms,
			    struct indicator_consumer *out, struct perr *err);
/* The consumer as JSON (no token: none is kept). */
struct json_t *indicator_consumer_json(const struct indicator_consumer *c);

/* What one export is: the format (NULL = the consumer's; the staff default
** needs one), and the consumer (NULL = the staff default rule). */
struct indicator_export_req {
	const struct indicator_consumer *consumer;
	const char *format;
	/* Optional: where the text goes as it is made. When set, run hands
	** out's bytes to drain whenever INDICATOR_EXPORT_CHUNK bytes have
	** gathered, and the rest at the end, emptying out each time: a
	** million indicators stream to a file in bounded memory. drain
	** returns 0, or -1 with err (the export stops with that error). */
	int (*drain)(void *ud, const char *p, size_t n, struct perr *err);
	void *drain_ud;
};
#define INDICATOR_EXPORT_CHUNK ((size_t)1 << 20)
/* The entity tag of an export as it would be now, without producing it:
** SHA-256 over the format and its configuration (the RPZ origin and
** action), the consumer (id, marks, filter), the registry's version
** (store_indicator_version: the latest updated_ms and the highest id) and
** the next expiry boundary (the earliest expires_ms > now_ms of an active
** indicator). An indicator that changes moves updated_ms; a new one
** moves the highest id; one that expires passes the boundary, so the next
** boundary differs and the tag changes at the very moment the indicator
** leaves the export, without any write. etag gets "\"<64 hex>\"" (quoted,
** as HTTP sends it). 0, or -1 with err. */
int indicator_export_etag(struct store *st, const struct config *cfg,
			  const struct indicator_export_req *rq, int64_t now_ms, char etag[72],
			  struct perr *err);
/* Produce the export into out (pbuf_init'ed by the caller with its bound:
** PERR_LIMIT past it) from store_indicator_export_each through
** indicator_export_allows into the format's writer. p NULL is the CLI; a
** principal must be staff. ctype (may be NULL) gets the content type;
** etag (may be NULL) gets indicator_export_etag's tag, computed BEFORE the
** rows are read: the body is never older than its tag (at worst a poller
** fetches once more). *count (may be NULL) gets the indicators written.
** With rq->drain the text leaves through it and out ends empty; a failure
** midway leaves what was drained (the CLI drains into a temporary file it
** then discards). */
int indicator_export_run(struct store *st, const struct config *cfg,
			 const struct principal *p, const struct indicator_export_req *rq,
			 int64_t now_ms, struct pbuf *out, const char **ctype, char etag[72],
			 int64_t *count, struct perr *err);
/* The same export as a MISP feed directory (indicator_misp_feed_open:
** DIR/manifest.json and one event file per RSIT class, each renamed into
** place, the manifest last): what `parapet indicator export --format misp
** --out DIR` writes for a MISP instance to subscribe to. rq->format must be
** misp (or the consumer's format misp when rq->format is NULL); rq->drain
** is not used. The same rule (indicator_export_allows) picks the rows. */
int indicator_export_misp_dir(struct store *st, const struct config *cfg,
			      const struct principal *p, const struct indicator_export_req *rq,
			      int64_t now_ms, const char *dir, int64_t *count, struct perr *err);

/* ------------------------------------ the registry in memory (match.c) */

/* A frozen, read-only picture of the active indicators (expired ones
** included: a sighting of an expired indicator is what tells an analyst
** to extend it), for matching what the rest of Parapet meets at the rate
** report feeds bring it. One hash of the single addresses (ipv4, ipv6, /32
** and /128 networks) and one longest-prefix table of the networks, one
** hash of every other (type, canonical value), domains looked up suffix by
** suffix. Any number of threads may match on one matcher at once; no call
** allocates. */
struct indicator_match;

/* Build from the store's active rows (store_indicator_active_each) and
** remember the registry's version (store_indicator_version). *out is the
** caller's (indicator_match_free). 0, or -1 with err (PERR_INTERNAL on
** out of memory, PERR_LIMIT past the LPM's bound). */
int indicator_match_build(struct store *st, struct indicator_match **out, struct perr *err);
void indicator_match_free(struct indicator_match *m);
/* 1 when the registry is still at m's version, 0 when an indicator was
** added or changed since (or m is NULL), -1 with err. */
int indicator_match_current(const struct indicator_match *m, struct store *st, struct perr *err);
/* For a long-lived holder: rebuild *m (freeing the old one) when it is
** NULL or no longer current; the caller makes sure no other thread matches
** on the old one while it is swapped. 0, or -1 with err (*m unchanged). */
int indicator_match_refresh(struct store *st, struct indicator_match **m, struct perr *err);
/* Indicators of type t the matcher holds; its heap bytes. */
size_t indicator_match_count(const struct indicator_match *m, enum indicator_type t);
size_t indicator_match_memory(const struct indicator_match *m);

/* The ids of every ipv4, ipv6 and cidr indicator covering the address
** (family 4 or 6, addr 4 or 16 bytes in network order): the most specific
** first, then each covering network outwards. An IPv4-mapped IPv6 address
** is its IPv4 address. Fills ids[0..max) and returns how many matched (may
** exceed max); 0 when none did. */
size_t indicator_match_addr(const struct indicator_match *m, int family, const uint8_t *addr,
			    int64_t *ids, size_t max);
/* Start loading what indicator_match_addr of this address reads first (a
** hint, for callers matching many independent addresses in a row: issue
** it a few addresses ahead). */
void indicator_match_prefetch(const struct indicator_match *m, int family, const uint8_t *addr);
/* The ids of the domain indicators host[0..len) is or lies under (a
** listed domain covers its subdomains), the host itself first; ASCII case
** and a trailing dot ignored. A host that is an address literal is matched
** as indicator_match_addr. Same fill and return as indicator_match_addr. */
size_t indicator_match_host(const struct indicator_match *m, const char *host, size_t len,
			    int64_t *ids, size_t max);
/* The id of the indicator of type t whose canonical value is
** canon[0..len) exactly (any type; a domain without its subdomains), or 0. */
int64_t indicator_match_value(const struct indicator_match *m, enum indicator_type t,
			      const char *canon, size_t len);

/* The same question for one value, asked of the store instead of a built
** matcher (for callers that meet a value now and then: building the whole
** registry would cost more than the answer). fn is called with each active
** indicator canon (canonical, of type t) stands for: the value itself; for
** an address or network each listed network holding it, most specific
** first; for a domain each listed parent domain. A non-zero return of fn
** stops the walk and is returned; otherwise 0, or -1 with err. */
typedef int (*indicator_lookup_fn)(void *ud, const struct store_indicator *r);
int indicator_lookup(struct store *st, enum indicator_type t, const char *canon,
		     indicator_lookup_fn fn, void *ud, struct perr *err);

/* A fast path of the warninglists for an address (warninglist.c): the
** lists type_hint selects (as indicator_wl_match) whose CIDR entries hold
** the address (family 4 or 6, addr in network order; an IPv4-mapped IPv6
** address is the IPv4 one). Only CIDR lists are consulted: it is what a
** feed event's address is checked against millions of times (string and
** regex lists of addresses are for the single-value check). Fills out as
** indicator_wl_match; no allocation, thread-safe on a frozen set. */
size_t indicator_wl_match_addr(const struct indicator_wl_set *set, const char *type_hint,
			       int family, const uint8_t *addr, struct indicator_wl_hit *out,
			       size_t max);

/* --------------------------------------------------- sightings (sighting.c) */

/* A sighting is the rest of Parapet meeting a listed value (issue 15): a
** report feed's event from a listed address, a watched site that starts
** loading from a listed host, an incident note naming a listed value. Each
** is recorded (store_indicator_sighting_add: counted, last seen moved) and
** linked to what saw it. These hooks are what feeds, monitor and incident
** call; each runs in the caller's transaction. */

/* A feed event's address (family 4 or 6, addr in network order) against
** m: one sighting kind "feed" per indicator covering it, ref the event's
** id, org its owner (0 = none), detail "FEED TYPE", seen at seen_ms (the
** event's time). *n (may be NULL) gets how many were recorded. 0, or -1. */
int indicator_sight_feed(struct store *st, const struct indicator_match *m, int family,
			 const uint8_t *addr, int64_t event_id, int64_t org_id, const char *feed,
			 const char *type, int64_t seen_ms, int *n, struct perr *err);

/* Hosts a watched site's page loads from (hosts[0..nhosts), as the watch
** writes them: lower case, A-labels; an address literal is its address):
** each listed host -- the domain or a parent of it, or the address --
** records one sighting kind "watch" (ref site_id, org the site's owner,
** detail "loads from HOST") unless this site's sighting of that indicator
** is recorded already: a site that keeps loading from a listed host is one
** sighting, not one per check. *n (may be NULL) gets how many were new. */
int indicator_sight_hosts(struct store *st, int64_t site_id, int64_t org_id,
			  const char *const *hosts, size_t nhosts, int64_t now_ms, int *n,
			  struct perr *err);

/* The values named in free text (an incident note, an observation), the
** parser under indicator_sight_text: no I/O, bounded (at most
** INDICATOR_SIGHT_TOKENS tokens of at most INDICATOR_VALUE_MAX bytes).
** Defanged forms are undone first ("evil[.]example", "192.0.2[.]1",
** "hxxp://", "user[@]example": analysts write indicators so that nothing in
** a ticket is clickable), the text is cut at white space, quotes, angle
** brackets, parentheses, commas, semicolons, braces, bars and backquotes,
** and each token loses the punctuation a sentence puts after it. A token
** that is a valid value (indicator_type_guess, indicator_value_canon) is
** given to fn canonical, and for a URL or an e-mail address its host after
** it. fn's non-zero return stops the walk and is returned; 0 at the end, -1
** when out of memory. */
typedef int (*indicator_text_fn)(void *ud, enum indicator_type t, const char *canon);
int indicator_text_values(const char *text, size_t len, indicator_text_fn fn, void *ud);

/* Values named in text[0..len) of an incident's observation or note:
** each token that is a valid value (indicator_type_guess; a defanged
** "evil[.]example" or "hxxp://" read as analysts write it) and is listed --
** itself, a network holding an address, a parent of a domain, the host of
** a URL or an e-mail address -- records one sighting kind "incident" (ref
** incident_id, org the incident's) and links the indicator to the
** incident (store_indicator_incident_link). An indicator named twice in
** one text is one sighting. At most INDICATOR_SIGHT_TOKENS tokens are
** read. *n (may be NULL) gets how many sightings were recorded. */
#define INDICATOR_SIGHT_TOKENS 2000
int indicator_sight_text(struct store *st, int64_t incident_id, int64_t org_id,
			 const char *text, size_t len, int64_t now_ms, int *n, struct perr *err);

/* ----------------------------------------------- the dashboard (counts.c) */

/* What the centre reports for a period [from_ms, to_ms) (issue 15: "the
** dashboard counts malware incidents countered and apps blacklisted for a
** period"). */
struct indicator_period_counts {
	int64_t malware_countered; /* RSIT malicious-code incidents that reached
				    ** recovered (and are recovered or closed now)
				    ** in the period, within p's scope */
	int64_t apps_blacklisted;  /* apps confirmed malicious in the period */
	int64_t indicators_added;  /* indicators created in the period */
	int64_t sightings;         /* sightings recorded in the period */
	bool registry;             /* the last three are filled (CERT staff only:
				    ** they are national figures) */
};
/* Fill c for p. PERR_INVALID (field "from") when from_ms >= to_ms. */
int indicator_period_counts(struct store *st, const struct principal *p, int64_t from_ms,
			    int64_t to_ms, struct indicator_period_counts *c, struct perr *err);

#endif /* PARAPET_INDICATOR_H */
