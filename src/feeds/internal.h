/*
** internal.h — what the feeds module's files share and no one else sees: the
** compiled form of a report type (schema.c builds it, parse.c runs it).
*/
#ifndef PARAPET_FEEDS_INTERNAL_H
#define PARAPET_FEEDS_INTERNAL_H

#include "feeds/feeds.h"

/* The conversions Shadowserver's schema names, plus CONV_NONE. */
enum feeds_conv {
	CONV_NONE,
	CONV_TO_NONE,        /* validate_to_none */
	CONV_INT,            /* convert_int */
	CONV_ZERO,           /* invalidate_zero */
	CONV_BOOL,           /* convert_bool */
	CONV_FLOAT,          /* convert_float */
	CONV_IP,             /* validate_ip */
	CONV_FQDN,           /* validate_fqdn */
	CONV_UTC,            /* add_UTC_to_timestamp */
	CONV_DATE,           /* convert_date, convert_date_utc */
	CONV_CVE,            /* extract_cve_from_tag */
	CONV_HOST_URL,       /* convert_http_host_and_url */
	CONV_CAT_DETAIL,     /* category_or_detail */
	CONV_BASE64,         /* force_base64 */
	CONV_NETWORK,        /* validate_network */
	CONV_VERBATIM,       /* scan_exchange_*: kept as given */
};

/* Fields the pipeline reads directly; SLOT_OTHER for the rest. */
enum feeds_slot {
	SLOT_OTHER,
	SLOT_TIME,
	SLOT_IP,
	SLOT_PORT,
	SLOT_ASN,
	SLOT_FQDN,
	SLOT_URL,
	SLOT_IDENT,
	SLOT_TAXONOMY,
	SLOT_TYPE,
	SLOT_SEVERITY,
	SLOT_VENDOR,
	SLOT_PRODUCT,
	SLOT_VERSION,
};

struct feeds_map {
	char *target;  /* "source.ip", or "extra.banner" when the schema said "extra." */
	char *column;  /* CSV column or JSON key */
	enum feeds_conv conv;
	enum feeds_slot slot;
	bool required;
	unsigned char banner; /* feeds_banner_rank(target) */
};

struct feeds_const {
	char *key, *value;
	enum feeds_slot slot;
};

struct feeds_type {
	char *key;       /* the schema's key (event_sinkhole) */
	char *file_name; /* Shadowserver's file name part (event4_sinkhole) */
	char *feed_name;
	char *url;
	enum feeds_format fmt;
	char sep;
	struct feeds_map *map;
	size_t nmap;
	struct feeds_const *consts;
	size_t nconsts;
};

struct feeds_schema {
	struct feeds_type *types;
	size_t ntypes;
	char date[40];
	bool shared; /* the compiled-in schema, kept for the process: free ignores it */
};

enum feeds_slot feeds_slot_of(const char *target);
/* Fields whose text names the software a host runs, by preference: 1 the
** SSH identification string (scan_ssh's serverid_raw), 2 the service banner
** (telnet, FTP, SMTP greetings), 3 the HTTP Server header, 4 the SNMP system
** description, 5 the HTTP authentication realm; 0 for any other field. The
** event carries the best one (feeds_event.banner). */
unsigned char feeds_banner_rank(const char *target);

#endif
