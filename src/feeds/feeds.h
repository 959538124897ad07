/*
** feeds.h — report feeds: from Shadowserver's scan and abuse reports (and any
** CSV or JSON Lines feed with a declared mapping) to normalised events, one
** per affected host, each with its owner, counted once per dedup window and
** gathered into one digest per organisation, feed and period.
**
** The module has four layers, each usable alone:
**   - schema: report types as data. A schema file maps each report type's
**     columns to IntelMQ harmonisation fields (Shadowserver's published
**     format); Parapet ships Shadowserver's whole published schema (every
**     report type, data/feeds/shadowserver.json), and the operator may
**     install a newer one. A renamed column is a data change.
**   - parser: a push parser (feed bytes, get events) for one report type,
**     with limits on line size and field count and no I/O. Every rejected
**     record is reported with its line and reason; the file goes on.
**   - pipeline: owner lookup (IP, ASN, FQDN, URL through the constituency
**     index) and dedup of (owner, identifier, IP, port) in a time window,
**     both in memory; then a bounded queue to a writer thread that stores
**     events in batches, each batch committed with the file's checkpoint so
**     a crash resumes where the last commit ended.
**   - digests: once a period is over, one mail per organisation and feed
**     with a summary, a CSV attachment of the hosts and the remediation text
**     of each classification, enqueued in the outbox in the transaction that
**     records the digest, so it is sent once. High-severity classes open an
**     incident through incident_report() instead.
*/
#ifndef PARAPET_FEEDS_H
#define PARAPET_FEEDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/core.h"
#include "store/store.h"

/* ---------------------------------------------------------------- schema */

struct feeds_schema; /* immutable once loaded; shareable between threads */
struct feeds_type;   /* one report type, owned by its schema */

enum feeds_format { FEEDS_CSV, FEEDS_JSONL };

/* Parse a schema document (Shadowserver's format: an object of report
** types, each with required_fields, optional_fields, constant_fields,
** feed_name, file_name). Types whose entries are malformed are refused with
** the type and field named in err; unknown conversions are refused too, so a
** newer schema that needs code we lack fails loudly at install, not at 3 a.m.
** *out is owned by the caller (feeds_schema_free). */
int feeds_schema_parse(const char *json, size_t len, struct feeds_schema **out,
		       struct perr *err);
int feeds_schema_load(const char *path, struct feeds_schema **out, struct perr *err);
/* The schema Parapet ships (data/feeds/shadowserver.json, Shadowserver's
** published one, compiled in). Compiled once per process and shared: the
** caller may feeds_schema_free it (that does nothing). */
int feeds_schema_builtin(struct feeds_schema **out, struct perr *err);
/* The schema in effect for a data directory: DATA/feeds/schema.json when the
** operator installed one (feeds schema update), else the shipped one. */
int feeds_schema_for(const char *data_dir, struct feeds_schema **out, struct perr *err);
/* One mapping for a generic feed: a JSON object in the format of one schema
** entry (plus optional "separator": one character, CSV only). The type is
** named "csv" or "jsonl" after fmt. */
int feeds_mapping_load(const char *path, enum feeds_format fmt, struct feeds_schema **out,
		       struct perr *err);
void feeds_schema_free(struct feeds_schema *s);

size_t feeds_schema_count(const struct feeds_schema *s);
const struct feeds_type *feeds_schema_at(const struct feeds_schema *s, size_t i);
/* The schema's _meta.date_created, or "". */
const char *feeds_schema_date(const struct feeds_schema *s);
/* A report type by its file name (scan_telnet, event4_sinkhole) or its key
** in the schema (event_sinkhole); NULL when unknown. */
const struct feeds_type *feeds_schema_find(const struct feeds_schema *s, const char *name);
/* The type a Shadowserver file name names ("2026-11-27-scan_telnet-ir-geo.csv"):
** the one between the date and the next '-' (Shadowserver's DATE-TYPE-DETAILS
** rule), else the longest file_name appearing in it between '-' or '_'
** boundaries; NULL when none does. */
const struct feeds_type *feeds_schema_detect(const struct feeds_schema *s, const char *fname);

const char *feeds_type_name(const struct feeds_type *t);      /* file name */
const char *feeds_type_feed_name(const struct feeds_type *t); /* "Accessible-Telnet" */
enum feeds_format feeds_type_format(const struct feeds_type *t);

/* ----------------------------------------------------------------- events */

enum feeds_vt { FEEDS_V_STR, FEEDS_V_INT, FEEDS_V_BOOL, FEEDS_V_NUM };

/* One field of a normalised event, IntelMQ's name as key. */
struct feeds_value {
	const char *key;
	enum feeds_vt t;
	const char *s; /* FEEDS_V_STR: NUL-terminated text */
	size_t n;
	int64_t i;     /* FEEDS_V_INT, FEEDS_V_BOOL (0/1) */
	double d;      /* FEEDS_V_NUM */
};

/*
** A normalised event, handed to the event callback. Everything it points to
** belongs to the parser and is valid only during the callback. The common
** fields are also broken out for the pipeline (NULL / 0 / -1 when absent).
*/
struct feeds_event {
	size_t line;            /* physical line where the record starts */
	int64_t time_ms;        /* time.source */
	int family;             /* 4 or 6: source.ip; 0 (ip_text NULL) only for the
				** few published types whose address is optional
				** or absent (compromised_account, ransomware_victim,
				** sandbox_dns, the referer sinkholes): no owner by
				** address, the event stays unowned */
	uint8_t ip[16];
	const char *ip_text;
	int port;               /* source.port, -1 when absent */
	uint32_t asn;           /* source.asn, 0 when absent */
	const char *fqdn;       /* source.fqdn */
	const char *url;        /* source.url */
	const char *identifier; /* classification.identifier (never NULL) */
	const char *taxonomy, *type, *feed;
	const char *severity;   /* the report's own severity column, or NULL */
	const char *vendor, *product, *version;
	/* the text that names the host's software when the report has one: the
	** SSH identification string, else its service banner, else the HTTP
	** Server header, else the SNMP sysDescr, else the HTTP authentication
	** realm (feeds_product_of reads it) */
	const char *banner;
	size_t nvals;
	const struct feeds_value *vals; /* every field, in output order */
	const char *raw;        /* the record as one CSV line / the JSON line */
	size_t raw_len;
};

/* Append the event as one flat JSON object ({"time.source": ..., "raw": base64}).
** -1 when b is full. */
int feeds_event_json(struct pbuf *b, const struct feeds_event *ev);

/* ----------------------------------------------------------------- parser */

struct feeds_limits {
	size_t max_record; /* bytes of one record (0 = 64 KiB) */
	size_t max_fields; /* columns (0 = 256) */
};

/* Return 0 to go on; non-zero stops the parser and is returned by feed. */
typedef int (*feeds_event_fn)(void *ud, const struct feeds_event *ev);
/* A record left out: line and a reason ("source.ip: not an IP address"). */
typedef void (*feeds_reject_fn)(void *ud, size_t line, const char *reason);

struct feeds_parser;

/* A parser for one type (its schema must outlive it). NULL on OOM. */
struct feeds_parser *feeds_parser_new(const struct feeds_type *t, const struct feeds_limits *lim,
				      feeds_event_fn ev, feeds_reject_fn rej, void *ud);
/* Records whose line is <= skip are read but neither delivered nor counted
** (resuming a file after a crash). */
void feeds_parser_skip_to(struct feeds_parser *p, size_t line);
/* Push bytes. Returns 0, a callback's stop value, or -1 when the file cannot
** be read as this type at all (CSV header lacks a required column): then
** feeds_parser_error() says why and later calls return -1. */
int feeds_parser_feed(struct feeds_parser *p, const char *data, size_t len);
int feeds_parser_finish(struct feeds_parser *p);
const char *feeds_parser_error(const struct feeds_parser *p);
void feeds_parser_free(struct feeds_parser *p);

struct feeds_counts {
	int64_t rows;     /* data records seen (header excluded, skipped excluded) */
	int64_t parsed;   /* events delivered */
	int64_t rejected; /* records left out */
};
void feeds_parser_counts(const struct feeds_parser *p, struct feeds_counts *c);

/* --------------------------------------------------------------- pipeline */

/* In-memory dedup of (owner, identifier, IP, port) within a window of
** time.source; memory bounded by max_keys (entries outside the window are
** evicted first; beyond that an event is taken as new). */
struct feeds_dedup;
struct feeds_dedup *feeds_dedup_new(int64_t window_ms, size_t max_keys);
void feeds_dedup_free(struct feeds_dedup *d);
/* true when the key was seen within the window (the entry's time then moves
** to max(old, t)); false when new (and now recorded). */
bool feeds_dedup_seen(struct feeds_dedup *d, int64_t org, const char *identifier, int family,
		      const uint8_t *ip, int port, int64_t t_ms);
/* Size the table for a file of file_bytes at once, rather than doubling
** (and rehashing) its way there while the file is read. */
void feeds_dedup_expect(struct feeds_dedup *d, int64_t file_bytes);
size_t feeds_dedup_size(const struct feeds_dedup *d);
size_t feeds_dedup_memory(const struct feeds_dedup *d);

/* Owner of an event: IP, then ASN, then FQDN, then URL. org 0 = no owner. */
struct feeds_owners;
struct feeds_owners *feeds_owners_open(struct store *st, struct perr *err);
int64_t feeds_owner_of(const struct feeds_owners *o, const struct feeds_event *ev);
void feeds_owners_close(struct feeds_owners *o);

/* One event as owner lookup and dedup need it. */
struct feeds_item {
	int family;             /* 4 or 6 (0: no address) */
	uint8_t ip[16];
	int port;
	uint32_t asn;
	const char *fqdn, *url; /* or NULL */
	const char *identifier;
	int64_t t_ms;
	int64_t org;            /* out: the owner, 0 for none */
	bool dup;               /* out: seen within the window */
};
/* Owner and dedup of n items in order, as n calls of feeds_owner_of and
** feeds_dedup_seen would decide, but with the memory accesses of
** independent items overlapped: what the import does per 256 events. */
void feeds_resolve(const struct feeds_owners *o, struct feeds_dedup *d, struct feeds_item *it,
		   size_t n);

struct feeds_import {
	const char *path;      /* the file */
	const char *name;      /* name recorded (default: basename of path) */
	const char *type;      /* report type, "csv", "jsonl" or "auto" */
	const char *mapping;   /* mapping file for csv/jsonl */
	const char *data_dir;  /* for the schema in effect */
	const char *db_path;   /* the writer thread's own connection */
	const char *source;    /* cli, upload, dir */
	const char *actor;
	int64_t now_ms;        /* 0 = the clock: the received time of the events */
	/* test hook: stop (as if killed) after committing this many batches */
	int crash_after_batches;
	/* test hook: stop writing after this many batches and wait, still
	** "running", for a kill from outside (the kill -9 tests of uploads) */
	int stall_after_batches;
};

struct feeds_result {
	int64_t file_id;
	bool already;          /* the same file (SHA-256) was imported before */
	bool resumed;          /* an interrupted import of it was continued */
	int64_t rows, parsed, rejected, owners, new_, duplicate, unowned, incidents;
	struct pbuf rejects;   /* "line N: reason\n" lines (first 1000); caller frees */
};

/* Import one file: hash it, refuse or resume by its SHA-256, parse,
** normalise, look up owners, dedup, store in batches, open incidents for
** high-severity classes, record the file's counts. Returns 0 (rejected rows
** are not a failure) or -1 with err (unreadable file, unknown type, a header
** the type cannot read, store error). st is the caller's connection. */
int feeds_import_file(struct store *st, const struct config *cfg, const struct feeds_import *in,
		      struct feeds_result *res, struct perr *err);
void feeds_result_free(struct feeds_result *res);

/* Prometheus text of this process's feed counters (parapet_feeds_*). */
void feeds_metrics(struct pbuf *out);

/* Import an uploaded report: its bytes are kept content-addressed in the
** blob directory (core_blob_dir) and imported like a file, source "upload". */
int feeds_import_upload(struct store *st, const struct config *cfg, const char *db_path,
			const char *name, const char *type, const void *data, size_t len,
			const char *actor, struct feeds_result *res, struct perr *err);

/* ---------------------------------------------------------- host products */

/* The service exposure a report type reveals (data/feeds/exposures.csv):
** its name ("cisco-smart-install" for scan_cisco_smart_install, "telnet"
** for scan_telnet and scan6_telnet) and, in *service when not NULL, what is
** exposed ("Cisco Smart Install (4786/tcp)"). NULL when the type reveals no
** service (sinkhole and honeypot events, compromises, blocklists). The
** strings are static. */
const char *feeds_exposure_of(const char *type, const char **service);
/* Every exposure row, in the file's order: the exposure name, its report
** type and service in *type / *service; NULL past the end. */
size_t feeds_exposure_count(void);
const char *feeds_exposure_at(size_t i, const char **type, const char **service);

/* A product a report says a host runs, as host_product keeps it: CPE-style
** lower-case words ("mikrotik", "routeros", "6.42.1"; "" when unknown) and
** the CPE 2.3 name when the product is one advisory_cpe_from_text knows. */
struct feeds_product {
	char vendor[128], product[128], version[128];
	char cpe[512]; /* ADVISORY_CPE_MAX */
};
/* From an event's product fields (any may be NULL or "") and its banner
** (feeds_event.banner): the fields when the CPE table knows them, else the
** banner when it names a known product, else the fields in their own words
** (no cpe). 1 when a product was found, 0 when the event names none. */
int feeds_product_of(const char *vendor, const char *product, const char *version,
		     const char *banner, struct feeds_product *out);

/* ------------------------------------------------------------------ worker */

/* `parapet serve`'s feeds thread: first resumes the API uploads a previous
** process was killed in (left "running"), then, with feeds.enabled,
** imports what lands in the watched directory (feeds.dir) and makes the
** digests of finished periods. Started whatever feeds.enabled says. */
struct feeds_worker;
int feeds_start(const struct config *cfg, const char *db_path, struct feeds_worker **out,
		struct perr *err);
void feeds_stop(struct feeds_worker *w);

/* ---------------------------------------------------------------- digests */

struct feeds_digest_result {
	int digests; /* digest records made */
	int mails;   /* mails enqueued */
};

/* Make the digests of every period that ended at or before now_ms: per
** organisation and feed, one record and one mail to each of its contacts
** (in the contact's language) with the hosts as a CSV attachment. Each
** digest commits in its own transaction with its mails. */
int feeds_digest_run(struct store *st, const struct config *cfg, int64_t now_ms,
		     struct feeds_digest_result *out, struct perr *err);

/* The remediation text for a classification in lang ("en", "fa"): the
** identifier's file, else the type's, else the default; malloc'd. */
char *feeds_remediation(const char *lang, const char *identifier, const char *type);

/* Severity and action a classification gets (data/feeds/classes.csv):
** *incident true when it opens an incident. */
const char *feeds_class_severity(const char *identifier, const char *type, bool *incident);

#endif
