/*
** apk.h — triage of Android apps (issue 15): what a malicious APK is
** (package, versions, permissions, components), who signed it, and which
** addresses it talks to, read without running it.
**
** This first part holds the parsers of the formats inside an APK, each a
** push parser or a function of its arguments with explicit limits on size,
** depth and count, no I/O inside, and a libFuzzer target:
**
**   axml.c    Android's binary XML (AndroidManifest.xml): chunks, the
**             string pool, the resource map, elements and attributes, and
**             the manifest facts read from them;
**   dex.c     the dex string table (URLs, domains and addresses become
**             candidate indicators);
**   sign.c    the APK Signing Block (v2/v3 signers) and the v1 PKCS#7
**             signature files, their certificates read with OpenSSL.
**
** `parapet apk analyze` (the archive read with libzip, hashes, YARA, the
** verdict) builds on these.
*/
#ifndef PARAPET_APK_H
#define PARAPET_APK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* ----------------------------------------------------- binary XML (axml.c) */

/* ------------------------------------------------------ dex strings (dex.c) */

/* Bounds on one dex file's string table: a real app's classes.dex holds
** some 10^4..10^5 strings and a few MB of text. Zero in a field means the
** default (APK_DEX_MAX_STRINGS, APK_DEX_MAX_BYTES). */
#define APK_DEX_MAX_STRINGS (1u << 20)
#define APK_DEX_MAX_BYTES ((size_t)64 << 20)
struct apk_dex_limits {
	uint32_t max_strings; /* more string_ids than this: PERR_LIMIT */
	size_t max_bytes;     /* more string bytes (MUTF-8) than this, in all: PERR_LIMIT */
};

/* Called once per string, in string_ids order. s is the string as UTF-8
** (decoded from dex's MUTF-8: C0 80 becomes a NUL byte, surrogate pairs one
** 4-byte sequence, a malformed byte U+FFFD), NUL-terminated at s[len],
** valid only during the call. Return nonzero to stop the walk. */
typedef int (*apk_dex_string_fn)(void *ctx, uint32_t idx, const char *s, size_t len);

/* Walk the string table of the dex file dex[0..len): the header (magic
** "dex\n035\0" .. "dex\n039\0", header_size 0x70), string_ids and each
** string_data_item (ULEB128 UTF-16 length, MUTF-8 bytes up to a NUL), every
** offset and length checked against len. Returns the number of strings
** delivered (a callback's stop included), or -1 with err (PERR_INVALID:
** bad magic, offset out of the file, bad ULEB128, unterminated string;
** PERR_LIMIT: limits). Strings delivered before an error stay delivered.
** limits may be NULL (defaults). */
long apk_dex_strings(const uint8_t *dex, size_t len, const struct apk_dex_limits *limits,
		     apk_dex_string_fn fn, void *ctx, struct perr *err);

/* What apk_dex_candidates found. */
enum apk_cand_kind {
	APK_CAND_URL = 1, /* scheme http, https, ftp, ws, wss; a valid host */
	APK_CAND_DOMAIN,  /* a host name whose suffix is a public suffix (libpsl) */
	APK_CAND_IPV4,
	APK_CAND_IPV6,
};
const char *apk_cand_kind_name(enum apk_cand_kind k); /* "url", "domain", ... */

/* Called per candidate; v[0..n) points into the scanned string (a URL is
** cut at the first space, quote, angle bracket or control byte; a domain's
** case is kept). Return nonzero to stop. */
typedef int (*apk_cand_fn)(void *ctx, enum apk_cand_kind kind, const char *v, size_t n);

/* Find the indicators a string of app code names: URLs (and the host of
** each URL, as a domain or address), bare domains, IPv4 and IPv6
** addresses. They are CANDIDATES: an analyst confirms them after the
** warninglists. Refused, each a real source of noise in dex strings:
** reverse-DNS Java names (com.example.app, ir.bank.app: the first label a
** TLD code is packaged under), two-label file names whose TLD is also a
** file extension (libfoo.so, data.zip), CamelCase TLDs (R.id.Main),
** numeric TLDs, IPv6 text with fewer than 4 hex digits (a::b). Returns
** the number of candidates delivered. */
size_t apk_dex_candidates(const char *s, size_t len, apk_cand_fn fn, void *ctx);

/* ------------------------------------------------------ signatures (sign.c) */

/* Schemes a signer was found in (bits). */
#define APK_SCHEME_V1 0x1u  /* JAR signing: META-INF/NAME.RSA, .DSA or .EC (PKCS#7) */
#define APK_SCHEME_V2 0x2u  /* APK Signature Scheme v2 (block id 0x7109871a) */
#define APK_SCHEME_V3 0x4u  /* v3 (0xf05368c0) */
#define APK_SCHEME_V31 0x8u /* v3.1 (0x1b93ad61): rotation for newer SDKs */

#define APK_SIGN_MAX_SIGNERS 16 /* more signers in one APK: PERR_LIMIT */
#define APK_SIGN_MAX_DN 512

/* One signer: its certificate (the first of the signer's chain). Dates are
** seconds since the epoch (UTC). sha256 is the hex SHA-256 of the
** certificate's DER, the fingerprint apksigner and androguard print and
** the one an app indicator records. Subject and issuer are RFC 2253
** (most specific RDN first, "CN=x,OU=y,O=z"). */
struct apk_signer {
	unsigned schemes; /* APK_SCHEME_* bits: the same certificate in several schemes is one signer */
	char sha256[65];
	char subject[APK_SIGN_MAX_DN];
	char issuer[APK_SIGN_MAX_DN];
	char serial[80];  /* hex, lower case, no leading zeros ("0" for zero) */
	int64_t not_before, not_after;
	char key_alg[16]; /* "RSA", "EC", "DSA", "Ed25519", or "" */
	int key_bits;
	uint32_t min_sdk, max_sdk; /* v3/v3.1 signer's SDK range, else 0 */
	bool key_matches; /* v2/v3: the signer's public key is the certificate's */
	bool sig_ok;      /* v2/v3: a signature over the signed data verifies with that key */
};

struct apk_signers {
	size_t n;
	struct apk_signer s[APK_SIGN_MAX_SIGNERS];
};

/* Read the APK Signing Block of the whole APK apk[0..len): the ZIP End of
** Central Directory (comment length exact, central directory ending at the
** EOCD), the block just before the central directory (magic "APK Sig
** Block 42", both size fields equal), its id-value pairs, and the signers
** of the v2, v3 and v3.1 blocks (signed data, digests, certificates, the
** public key, v3's SDK range). Signers are merged into out by certificate
** SHA-256 (out must be zeroed or hold earlier results, e.g. v1's).
** Each signer's signature over its signed data is verified with its
** public key (sig_ok; with key_matches, the certificate's owner signed:
** a block that pastes a known developer's certificate fails). The content
** digests are NOT checked against the archive (apksigner's job: a
** modified app keeps its signer's identity here). Returns 0 when a
** signing block was read, 1 when the APK has none (a v1-only APK; out
** unchanged), -1 with err (PERR_INVALID for a malformed ZIP end or block,
** PERR_LIMIT for too many signers or pairs). */
int apk_sign_block(const uint8_t *apk, size_t len, struct apk_signers *out, struct perr *err);

/* Read a v1 signature file (the bytes of META-INF/NAME.RSA, .DSA or .EC, a
** PKCS#7 SignedData), and merge its signers (the certificates its
** SignerInfos name, looked up in the certificate set) into out with
** APK_SCHEME_V1. Not verified against the manifest. 0, or -1 with err
** (PERR_INVALID: not a PKCS#7 SignedData, no signer certificate). */
int apk_sign_v1(const uint8_t *p, size_t len, struct apk_signers *out, struct perr *err);

/* Fill s from one DER X.509 certificate der[0..len) (schemes, SDK range
** and key_matches left as they are). 0, or -1 with err (PERR_INVALID). */
int apk_sign_cert(const uint8_t *der, size_t len, struct apk_signer *s, struct perr *err);

#endif /* PARAPET_APK_H */
