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

#endif /* PARAPET_INDICATOR_H */
