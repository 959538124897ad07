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

#endif /* PARAPET_INDICATOR_H */
