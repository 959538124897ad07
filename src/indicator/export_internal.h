/*
** export_internal.h — what the export writers of the indicator module share
** (export.c and each export_<format>.c), not part of the module's public
** interface (indicator.h). One writer is a table of three functions over
** one struct indicator_export; export.c dispatches, counts and keeps the
** common helpers (deterministic UUIDs, TLP levels, times), so each format
** file holds only what its consumer reads.
*/
#ifndef PARAPET_INDICATOR_EXPORT_INTERNAL_H
#define PARAPET_INDICATOR_EXPORT_INTERNAL_H

#include "indicator/indicator.h"
#include "store/store.h"

struct export_ops {
	/* append the format's header; may set x->state */
	int (*open)(struct indicator_export *x, struct perr *err);
	/* write one row whose type parsed as t (never INDICATOR_NONE); count
	** it in x->n (written, ignored or skipped) */
	int (*add)(struct indicator_export *x, const struct store_indicator *r,
		   enum indicator_type t, struct perr *err);
	/* append the trailer */
	int (*close)(struct indicator_export *x, struct perr *err);
	/* release x->state (may be NULL) */
	void (*free)(struct indicator_export *x);
};

struct indicator_export {
	enum indicator_export_format fmt;
	const struct export_ops *ops;
	struct pbuf *out;
	int64_t now_ms;
	char origin[256];   /* RPZ origin, with its trailing dot */
	char action[256];   /* RPZ action: nxdomain, nodata, drop, or a host name */
	char producer[128];
	uint32_t serial;
	uint32_t sid_base;
	unsigned types;
	struct indicator_export_counts n;
	bool first;   /* no row written yet (JSON separators) */
	bool broken;  /* an append failed: only close may follow */
	void *state;  /* the format's own */
};

/* The writers of each file. */
extern const struct export_ops export_plain_ops, export_csv_ops, export_json_ops;
extern const struct export_ops export_stix_ops, export_misp_ops, export_rpz_ops;
extern const struct export_ops export_suricata_ops, export_nft_ops;

/* -1 with PERR_LIMIT when out has failed (it was full), else 0. */
int export_check(struct indicator_export *x, struct perr *err);

/* A name-based UUID (RFC 4122 version 5, SHA-1) in namespace ns (16 bytes)
** of producer '\n' a '\n' b, written "xxxxxxxx-xxxx-..." into out[37].
** The same indicator of the same producer always gets the same id, so a
** consumer that loads two exports updates its objects instead of doubling
** them; the producer is part of the name so that two CERTs running
** Parapet never publish one id for two different objects. */
void export_uuid5(const uint8_t ns[16], const char *producer, const char *a, const char *b,
		  char out[37]);
/* Parapet's namespace for every UUID it derives in exports. */
extern const uint8_t export_uuid_ns[16];

/* TLP 2.0 levels in order of restriction: 0 clear, 1 green, 2 amber,
** 3 amber+strict, 4 red; an unknown text is amber (2), the registry's
** default, never less restrictive than what was meant. */
int export_tlp_level(const char *tlp);
/* The lower-case name of a level ("clear", "green", "amber",
** "amber+strict", "red"). */
const char *export_tlp_name(int level);

/* ms as "YYYY-MM-DDTHH:MM:SS.sssZ" into out[32]. */
void export_time(int64_t ms, char out[32]);

/* Append the tags of a store row (",a,b," form) as a JSON array. */
int export_json_tags(struct pbuf *b, const char *tags);

/* MISP (export_misp.c), for the feed directory (export_misp_feed.c): an
** export of format MISP holding the event of one group (NULL: one event for
** everything, as indicator_export_open makes), and what the feed's
** manifest needs of it. */
int export_open_misp_event(const struct indicator_export_opts *o, const char *group,
			   struct pbuf *out, struct indicator_export **x, struct perr *err);
int export_misp_event_open(struct indicator_export *x, const char *group, struct perr *err);
void export_misp_event_meta(const struct indicator_export *x, int *distribution, int *tlp);
const char *export_misp_uuid(const struct indicator_export *x);
const char *export_misp_info(const struct indicator_export *x);
const char *export_misp_tlp_colour(int level);

#endif
