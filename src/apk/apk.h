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

/* Android's binary XML (AXML), as aapt writes AndroidManifest.xml into an
** APK: a RES_XML_TYPE chunk holding a string pool (UTF-8 or UTF-16), a
** resource map (the resource id of each attribute name string), and a
** stream of namespace, element and CDATA chunks. Parsed push style (as
** hiredis does): feed bytes as they come, take items out; no I/O, every
** size, count and offset checked against the chunk that declares it and
** against axml_limits. Malicious apps ship manifests built to crash or
** mislead analysis tools (sizes that lie, stripped or renamed attribute
** names, strings out of bounds): each gives an error here, never a read
** outside the input. */

struct axml_limits {
	size_t max_size;        /* bytes of the document (0: 8 MiB) */
	uint32_t max_strings;   /* strings in the pool (0: 65536) */
	size_t max_string_len;  /* UTF-8 bytes of one decoded string (0: 64 KiB) */
	unsigned max_depth;     /* nested open elements (0: 64) */
	unsigned max_attrs;     /* attributes of one element (0: 256) */
	uint32_t max_elements;  /* elements in the document (0: 100000) */
};

/* Res_value data types (ResourceTypes.h) that the items carry. */
enum axml_vtype {
	AXML_T_NULL = 0x00,
	AXML_T_REFERENCE = 0x01,
	AXML_T_ATTRIBUTE = 0x02,
	AXML_T_STRING = 0x03,
	AXML_T_FLOAT = 0x04,
	AXML_T_DIMENSION = 0x05,
	AXML_T_FRACTION = 0x06,
	AXML_T_DYN_REFERENCE = 0x07,
	AXML_T_DYN_ATTRIBUTE = 0x08,
	AXML_T_INT_DEC = 0x10,
	AXML_T_INT_HEX = 0x11,
	AXML_T_BOOLEAN = 0x12,
	AXML_T_COLOR_ARGB8 = 0x1c,
	AXML_T_COLOR_RGB8 = 0x1d,
	AXML_T_COLOR_ARGB4 = 0x1e,
	AXML_T_COLOR_RGB4 = 0x1f,
};

/* One attribute of a start element. Strings belong to the parser and stay
** valid until axml_parser_free; "" stands for an absent string. */
struct axml_attr {
	const char *ns;     /* namespace URI, "" when none */
	const char *name;   /* attribute name as written (obfuscators blank it) */
	uint32_t res_id;    /* android resource id from the resource map, 0 if none */
	const char *raw;    /* raw string value, "" when none */
	uint8_t type;       /* enum axml_vtype (other values kept as they are) */
	uint32_t data;      /* the typed value's data */
	const char *str;    /* the string for AXML_T_STRING, else "" */
};

enum axml_item_kind {
	AXML_START_NS = 1,
	AXML_END_NS,
	AXML_START_ELEMENT,
	AXML_END_ELEMENT,
	AXML_CDATA,
	AXML_END_DOCUMENT, /* the XML chunk is consumed; no item follows */
};

struct axml_item {
	enum axml_item_kind kind;
	uint32_t line;            /* source line aapt recorded */
	const char *ns;           /* element's namespace URI / START_NS uri */
	const char *name;         /* element name; START_NS: the prefix */
	const char *text;         /* CDATA text, "" otherwise */
	const struct axml_attr *attrs; /* START_ELEMENT: nattrs attributes */
	size_t nattrs;
	unsigned depth;           /* open elements, this one included */
};

struct axml_parser;

/* A parser with lim (NULL: defaults). Returns 0 and *out (free with
** axml_parser_free), or -1 (PERR_INTERNAL) on out of memory. */
int axml_parser_new(struct axml_parser **out, const struct axml_limits *lim,
		    struct perr *err);
void axml_parser_free(struct axml_parser *p);
/* Append n bytes of the document. -1 with PERR_LIMIT beyond max_size. */
int axml_feed(struct axml_parser *p, const void *data, size_t n, struct perr *err);
/* No more bytes will come: an item that still lacks bytes is an error
** ("truncated") rather than a wait. */
void axml_finish(struct axml_parser *p);
/* The next item: 1 and *it (its pointers valid until the next call), 0
** when more bytes are needed, -1 on malformed input (PERR_INVALID, or
** PERR_LIMIT for a limit; field "axml", message naming the chunk and its
** offset). Errors are sticky. After AXML_END_DOCUMENT it returns 0. */
int axml_next(struct axml_parser *p, struct axml_item *it, struct perr *err);

/* A typed value as text, the way analysis tools print it: strings as they
** are, "true"/"false", decimal, "0x%08x" for hex, "@0x7f040001" for a
** reference ("@android:0x01..." for the framework's), "?0x..." for a
** theme attribute, "16.0dip" and "50.0%" for dimensions and fractions,
** "#aarrggbb" for colours. Returns buf (always terminated). */
const char *axml_value_text(const struct axml_attr *a, char *buf, size_t n);

/* The manifest facts triage records. Every string is a heap copy ("" when
** absent); axml_manifest_free releases them. */
struct axml_strv {
	char **v;
	size_t n;
};

struct axml_component {
	char kind[16];        /* activity, activity-alias, service, receiver, provider */
	char *name;           /* class name, resolved against the package as
			      ** Android does (".Main" and "Main" -> pkg.Main) */
	int exported;         /* 1, 0, or -1 when android:exported is absent */
	char *permission;     /* android:permission guarding it, "" if none */
	struct axml_strv actions;    /* of all its intent-filters, in order */
	struct axml_strv categories;
	size_t intent_filters;       /* how many intent-filter elements */
};

struct axml_manifest {
	char *package;
	char *version_code;    /* as text: decimal, or the raw string */
	char *version_name;
	char *min_sdk;         /* uses-sdk; decimal or a codename; "" if absent */
	char *target_sdk;
	char *max_sdk;
	struct axml_strv permissions;  /* uses-permission(-sdk-23) names, in order */
	struct axml_strv permissions_declared; /* <permission android:name> */
	char *label;           /* application label: the text, or "@0x7f..." */
	bool label_is_ref;     /* the label is a resource reference */
	uint32_t label_ref;    /* that reference's id */
	struct axml_component *comps;
	size_t ncomps;
};

/* Read the manifest facts of a whole AXML document. Attributes are told
** apart by their android resource id (the resource map), as the platform
** does: packers strip and rename attribute name strings, and add decoys of
** the same name without the id. Only a document with no resource map at
** all is read by attribute names. Only the first root element counts. 0, or -1 with err (the
** parser's errors; a root that is not <manifest> is PERR_INVALID). out is
** zeroed first and owned by the caller either way (axml_manifest_free). */
int axml_manifest_parse(const void *data, size_t n, const struct axml_limits *lim,
			struct axml_manifest *out, struct perr *err);
void axml_manifest_free(struct axml_manifest *m);
/* The facts as one JSON object (keys: package, version_code, version_name,
** min_sdk, target_sdk, max_sdk, permissions, permissions_declared, label,
** label_is_ref, components[{kind,name,exported,permission,actions,
** categories}]); exported is true, false or null. 0 or -1 (buffer full). */
int axml_manifest_json(const struct axml_manifest *m, struct pbuf *out);
/* The whole document as JSON: {"namespaces":[{prefix,uri}],"root":ELEMENT}
** with ELEMENT {"name","ns","attrs":[{ns,name,res_id,type,value}],
** "children":[ELEMENT or {"text"}]}; value is axml_value_text's. Elements
** left open at the end are closed. 0, or -1 with err (parse errors, or
** PERR_LIMIT when out is full). */
int axml_dump_json(const void *data, size_t n, const struct axml_limits *lim,
		   struct pbuf *out, struct perr *err);

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

/* =====================================================================
** The triage of an app (issue 15, second part): the archive read with
** libzip (archive.c), the verdict assembled from the parsers above,
** YARA, and the comparison of two versions (verdict.c).
** ===================================================================== */

#include <jansson.h>

struct indicator_wl_set;

/* ------------------------------------------------- the archive (archive.c) */

/* Bounds on one APK (outside data: an app sent to the CERT may be built to
** exhaust the analyst's machine). Zero in a field means its default. The
** configuration's [apk] keys fill them in serve and the CLI. */
#define APK_MAX_SIZE ((size_t)200 << 20)          /* bytes of the file */
#define APK_MAX_UNCOMPRESSED ((uint64_t)1 << 30)  /* bytes read out of it, in all */
#define APK_MAX_ENTRIES 65536u                     /* entries of its directory */
/* A zip bomb is an entry whose data inflates far beyond its stored size
** (deflate reaches ~1030:1 on zeros, a layered bomb more): an entry larger
** than 1 MiB that inflates more than APK_MAX_RATIO times is refused,
** named in the verdict, and never read. Real APKs stay under ~20:1
** (text resources) and store their media uncompressed. */
#define APK_MAX_RATIO 100u
#define APK_ENTRY_NAME_MAX 1024

struct apk_limits {
	size_t max_size;
	uint64_t max_uncompressed;
	uint32_t max_entries;
};

/* One entry of the central directory, as libzip read it. */
struct apk_entry {
	char name[APK_ENTRY_NAME_MAX]; /* "" when the name is too long or not UTF-8-clean */
	uint64_t size;       /* uncompressed bytes, as the directory declares */
	uint64_t csize;      /* stored bytes */
	uint16_t method;     /* 0 stored, 8 deflate, other: Android refuses */
	bool duplicate;      /* an earlier entry has the same name */
	bool bomb;           /* the ratio above, or larger than the whole budget */
};

struct apk_archive;

/* Open the APK apk[0..len) (kept by the caller, unchanged, until
** apk_archive_close). Checks the bounds: the file size, the entry count,
** the declared total (an archive declaring more than max_uncompressed in
** all is refused: PERR_LIMIT, "zip bomb"), and marks each entry's
** duplicate and bomb flags. 0 and *out, or -1 with err: PERR_INVALID
** (field "archive") for bytes that are no ZIP archive or one whose end
** is missing ("truncated"), PERR_LIMIT for a bound. */
int apk_archive_open(const uint8_t *apk, size_t len, const struct apk_limits *lim,
		     struct apk_archive **out, struct perr *err);
void apk_archive_close(struct apk_archive *a);
/* The entries, in central directory order (valid until close). */
const struct apk_entry *apk_archive_entries(const struct apk_archive *a, size_t *n);
/* The index of the entry Android reads under name: the first of the
** central directory (libziparchive's lookup; since Android 4.4 a
** duplicate refuses the install, while before it the "Master Key"
** trick, CVE-2013-4787, had the verifier check one copy and the loader
** run the other). -1 when absent. */
long apk_archive_find(const struct apk_archive *a, const char *name);
/* Read entry idx whole into out (a fresh pbuf; the caller frees it even
** on failure). Refused: a bomb entry, an entry larger than the budget
** left of max_uncompressed (the bytes read count against it), data that
** inflates past its declared size, a CRC mismatch, an unknown method.
** 0, or -1 with err (PERR_LIMIT or PERR_INVALID, field the entry name). */
int apk_archive_read(struct apk_archive *a, size_t idx, struct pbuf *out, struct perr *err);

/* ------------------------------------------------- the verdict (verdict.c) */

/* Compiled YARA rules (libyara, optional: without it apk_yara_load fails
** with PERR_INVALID, "built without YARA"). Read-only after load: any
** number of threads may scan with one set. */
struct apk_yara;
bool apk_yara_available(void);
/* Compile every *.yar and *.yara file of dir (each its own namespace,
** named after the file without the extension). 0 and *out (free with
** apk_yara_free), or -1 with err (PERR_INVALID naming the file and line
** of a rule that does not compile; PERR_NOTFOUND for a missing dir). */
int apk_yara_load(const char *dir, struct apk_yara **out, struct perr *err);
void apk_yara_free(struct apk_yara *y);

struct apk_opts {
	struct apk_limits lim;
	const struct indicator_wl_set *wl; /* frozen; NULL: candidates are not checked */
	const struct apk_yara *yara;       /* NULL: no YARA */
	size_t max_candidates;             /* 0: 5000 */
};

/* Triage of the APK apk[0..len), without running it: the archive (bounds,
** duplicates, bombs), hashes of the file (sha256, sha1, md5, size) and of
** each classes*.dex, the manifest facts (package, version_code,
** version_name, min/target/max_sdk, label, permissions, components), the
** signers (v1 files and the APK Signing Block: sha256, subject, issuer,
** serial, validity, schemes, key) and the author read from the first
** signer's subject (CN and O), the candidate indicators from the dex
** strings (deduplicated, canonical, the warninglists they hit named), the
** YARA matches of the file and of each dex. Each part that does not parse
** (archive, manifest, a dex, a signature) is an entry of "errors"
** ({"part","message"}) and the rest is still read: a malicious app is
** built to break analysis tools, and the CERT needs what can be read.
** Returns 0 and *verdict (a new reference), or -1 with err (PERR_INVALID,
** field "apk") when the bytes are not a ZIP archive at all (no local file
** header signature), or PERR_LIMIT for a file larger than max_size. A
** truncated archive gives a verdict with its hashes and an error. */
int apk_analyze(const uint8_t *apk, size_t len, const struct apk_opts *o, json_t **verdict,
		struct perr *err);

/* The manifest of the APK as the whole AXML document (axml_dump_json),
** for --manifest. 0 or -1 with err (archive or AXML errors). */
int apk_manifest_dump(const uint8_t *apk, size_t len, const struct apk_limits *lim,
		      struct pbuf *out, struct perr *err);

/* Two versions of one app side by side, from their verdicts: {"package":
** {"a","b","same"}, "version": {"a","b","code_a","code_b"}, "same_signer"
** (the sets of signer certificates are equal), "signers_added",
** "signers_removed", "permissions_added", "permissions_removed",
** "components_added", "components_removed" (as "kind name"), "sdk":
** {min_a, min_b, target_a, target_b}}. A new version signed by another
** key is the sign of a repackaged app. *out a new reference; -1 only on
** out of memory (PERR_INTERNAL). */
int apk_diff(json_t *a, json_t *b, json_t **out, struct perr *err);

/* ------------------------------------------------ the app records (record.c) */

/* A triaged app kept by the CERT (apk_app): submitted, then confirmed
** malicious (blacklisted: its app indicator "package:signer_sha256" and
** the candidates the analyst chose enter the registry through
** indicator_add) or marked benign. The API and the CLI call these and
** nothing else. p NULL is the local operator (CLI). Reads are for CERT
** staff (identity_is_staff), writes for analysts (identity_is_analyst:
** ROLES_CERT) whose credential is not narrowed to one organisation or
** province (the blacklist is national, as the registry); others get
** PERR_FORBIDDEN. Writes run in the caller's
** transaction and are audited (apk.submit, apk.confirm, apk.benign).
** A record as JSON: {"id","sha256","package","version_name",
** "version_code","signer_sha256","author","size","status","incident_id",
** "actor","created","updated","blacklisted" (ISO or null),"verdict"}. */
struct store;
struct principal;
struct config;

/* Analyse apk[0..len) with o and record it. The same file (SHA-256) sent
** again is the same record: it is returned with "new": false and not
** analysed again. *out the record (a new reference). -1 with err: the
** bytes are no APK (apk_analyze's errors), forbidden, or a store error. */
int apk_submit(struct store *st, const struct apk_opts *o, const struct principal *p,
	       const char *actor, const uint8_t *apk, size_t len, int64_t now_ms, json_t **out,
	       struct perr *err);
int apk_get(struct store *st, const struct principal *p, int64_t id, json_t **out,
	    struct perr *err);
/* {"items":[record without "verdict"],"next":ID or null}, newest first;
** status "" or NULL for all, else triaged, malicious or benign
** (PERR_INVALID field "status" otherwise). */
int apk_list(struct store *st, const struct principal *p, const char *status, int64_t before_id,
	     int limit, json_t **out, struct perr *err);

/* Confirm app id malicious: status malicious, blacklisted now (an earlier
** time kept), the incident linked (0: none; an unknown incident is
** PERR_INVALID field "incident_id"), and indicators listed with
** indicator_add (source apk, source_ref "apk:ID", attribution the author,
** reason naming the app): the app "package:signer_sha256", the file's
** SHA-256, and each of cands[0..n) -- values that must be candidates of
** the verdict (else PERR_INVALID field "candidates" naming it). A
** candidate on a warninglist is held as the registry holds any value.
** An unsigned app or one without a package cannot be an app indicator:
** PERR_INVALID field "signer". reason may be NULL. *out: {"id","status",
** "indicators":[{"type","value","id","held"}]}. The confirmation is kept
** in the verdict ("confirmation": reason, candidates, actor, time). */
int apk_confirm(struct store *st, const struct indicator_wl_set *wl, const struct principal *p,
		const char *actor, int64_t id, const char *const *cands, size_t n,
		int64_t incident_id, const char *reason, int64_t now_ms, json_t **out,
		struct perr *err);
/* Mark app id benign (not blacklisted). Indicators listed by an earlier
** confirmation stay in the registry: retiring them is the registry's
** decision, audited there. */
int apk_mark_benign(struct store *st, const struct principal *p, const char *actor, int64_t id,
		    int64_t now_ms, struct perr *err);
/* The takedown letter to an app store or market operator for app id, in
** lang "en" or "fa" (PERR_INVALID field "lang" otherwise), from the
** template apk_takedown (data/templates): package, version, hashes,
** signer, author, the reason, the CERT. Only for an app confirmed
** malicious (PERR_CONFLICT otherwise). *subject and *body malloc'd. */
int apk_takedown(struct store *st, const struct config *cfg, const struct principal *p,
		 int64_t id, const char *lang, char **subject, char **body, struct perr *err);
/* apk_diff of two records' verdicts, with their ids. */
int apk_diff_records(struct store *st, const struct principal *p, int64_t a, int64_t b,
		     json_t **out, struct perr *err);

#endif /* PARAPET_APK_H */
