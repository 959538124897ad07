/*
** watch.h — website watch: what a page says, what the site usually says, and
** whether the difference looks like an attack.
**
** The content analysis runs in three steps, each a function of its inputs
** alone (no I/O; no globals but the built-in signature list and the parse
** budget; the one clock read is the parser's CPU budget, which only a
** pathological page reaches), so the monitor, `parapet watch analyze` and
** the tests share one code path:
**
**   watch_extract()   one body -> struct watch_features (analyze.c): title,
**                     visible text and its shingles, script / iframe / form /
**                     outbound link hosts, inline script hashes, redirects;
**                     a body in a legacy encoding (windows-1256, ...) is
**                     made UTF-8 first (charset.c, watch_extract_ct);
**   watch_learn()     N >= 1 observations -> struct watch_baseline
**                     (baseline.c): the stable title, which text is volatile
**                     and the site's similarity floor, the hosts and inline
**                     scripts the site is known to use;
**   watch_judge()     baseline + new features -> struct watch_verdict
**                     (signals.c): named signals with weights, a score 0..100
**                     and a severity.
**
** watch_analyze_pages() chains the three over raw bodies; that is what the
** CLI and the corpus test call. Every input is hostile: the body size, the
** nesting depth handed to the HTML parser, the text kept and the number of
** hosts and hashes are all capped, and each cap that bites is recorded as a
** flag in the features and the verdict rather than failing the analysis.
*/
#ifndef PARAPET_WATCH_H
#define PARAPET_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/core.h"

/* ------------------------------------------------------------------ limits */

#define WATCH_BODY_MAX (2u << 20)   /* bytes of a body analysed; the rest is cut */
#define WATCH_TEXT_MAX (256u << 10) /* bytes of visible text kept */
#define WATCH_TITLE_MAX 512         /* bytes of title kept, NUL included */
#define WATCH_HOST_MAX 256          /* a host name (253) plus room, NUL included */
#define WATCH_SET_MAX 256           /* distinct hosts kept per kind */
#define WATCH_HASH_MAX 128          /* distinct inline script hashes kept */
/* gumbo 0.10 has no depth limit and its time grows with the square of the
** nesting depth (100,000 nested divs, 500 KB, take it 20 s); real pages stay
** far below this. */
#define WATCH_DEPTH_MAX 512
#define WATCH_SIG_MAX 512           /* patterns read from the signature file */
#define WATCH_SIGNALS_MAX 16
#define WATCH_CHARSET_MAX 32        /* a canonical encoding name, NUL included */

#define WATCH_DEFAULT_HOST "site.example"

/* Flags on features and verdicts: which cap bit or what the body was. */
enum {
	WATCH_F_TRUNCATED = 1 << 0, /* body longer than WATCH_BODY_MAX: tail ignored */
	WATCH_F_BINARY = 1 << 1,    /* NUL bytes or invalid UTF-8 in the body */
	WATCH_F_TEXT_CUT = 1 << 2,  /* visible text longer than WATCH_TEXT_MAX */
	WATCH_F_DEEP = 1 << 3,      /* nesting beyond WATCH_DEPTH_MAX: cut there */
	WATCH_F_CAPPED = 1 << 4,    /* a host or hash set was full */
	WATCH_F_BUDGET = 1 << 5,    /* the parser ran out of CPU or memory: nothing parsed */
};

/* ------------------------------------------------------------- host sets */

/* A small set of distinct strings (hosts, hex hashes) with a cap: adding to a
** full set drops the string and sets full, so a page with 10,000 link hosts
** costs WATCH_SET_MAX of them. Linear lookup: sets are small. */
struct watch_set {
	char **v;
	uint32_t n, max;
	bool full;
};

void watch_set_init(struct watch_set *s, uint32_t max);
bool watch_set_has(const struct watch_set *s, const char *x);
/* 1 added, 0 present already, -1 full or out of memory (not added). */
int watch_set_add(struct watch_set *s, const char *x);
void watch_set_free(struct watch_set *s);

/* --------------------------------------------------------------- URLs */

enum watch_url_kind {
	WATCH_URL_BAD = -1, /* unparseable authority */
	WATCH_URL_HOST,     /* network URL (http, https, ftp, ws, relative): out = host */
	WATCH_URL_OTHER,    /* other scheme (data, javascript, mailto...): out = "scheme:" */
};

/* The host a URL found in a page points to, as a browser would resolve it:
** tabs and newlines inside are dropped, backslashes count as slashes after a
** special scheme, userinfo, port and a trailing dot are stripped, %XX in the
** host is decoded, the result is lower-cased. Relative URLs (and "") resolve
** to base_host. out has WATCH_HOST_MAX bytes. */
enum watch_url_kind watch_url_host(const char *url, size_t n, const char *base_host,
				   char out[WATCH_HOST_MAX]);

/* Is host the site's own host, a subdomain of it, or (when site starts with
** "www.") the bare domain or one of its subdomains? */
bool watch_same_site(const char *host, const char *site);

/* -------------------------------------------------- references and blocks */

/* What a page loads or sends its visitor to, one entry per element (or per
** destination an inline script builds), with the context that makes it
** normal or suspicious. Kept in document order; at most WATCH_REF_MAX per
** page (WATCH_F_CAPPED past it). A reference equal to an earlier one
** (kind, flags, host, path, script) is not repeated. Images are listed
** only when off-site. HIDDEN, TINY and OVERLAY are said of elements with a
** box (iframe, frame, object, embed, img, form and its buttons); scripts,
** stylesheets and redirects have none. */
enum watch_ref_kind {
	WATCH_REF_SCRIPT,   /* <script src>, a script an inline script loads */
	WATCH_REF_IFRAME,   /* <iframe>/<frame src>, <object>/<embed> data/src */
	WATCH_REF_FORM,     /* <form action>, formaction= */
	WATCH_REF_REDIRECT, /* meta refresh, location assignment / replace */
	WATCH_REF_POPUP,    /* window.open */
	WATCH_REF_STYLE,    /* <link rel=stylesheet>, @import */
	WATCH_REF_IMG,      /* <img src>: tracking pixels, counters */
	WATCH_REF_KINDS
};
#define WATCH_REF_MAX 512
#define WATCH_PATH_MAX 160 /* path kept (no query), cut on a character boundary */

enum {
	WATCH_RF_HIDDEN = 1 << 0,      /* display:none, visibility:hidden, opacity 0, hidden attr,
				       ** a class a <style> block hides, off-screen */
	WATCH_RF_TINY = 1 << 1,        /* width or height 0 or 1 */
	WATCH_RF_FROM_JS = 1 << 2,     /* found by reading an inline script (jsread.c) */
	WATCH_RF_OBFUSCATED = 1 << 3,  /* the URL was assembled or decoded (concatenation, \x,
				       ** atob, fromCharCode) */
	WATCH_RF_CONDITIONAL = 1 << 4, /* the script tests document.referrer or the user agent */
	WATCH_RF_PROTO_REL = 1 << 5,   /* written "//host/..." */
	WATCH_RF_META = 1 << 6,        /* a meta refresh */
	WATCH_RF_OVERLAY = 1 << 7,     /* inside a fixed overlay covering the page */
};

struct watch_ref {
	uint8_t kind;   /* enum watch_ref_kind */
	uint16_t flags; /* WATCH_RF_* */
	char host[WATCH_HOST_MAX]; /* as watch_url_host gives it; "" for a non-network URL */
	char path[WATCH_PATH_MAX]; /* "/gh/user/repo@1/x.js"; "" when none (a form with no
				   ** action); for a non-network URL its scheme ("data:") */
	/* WATCH_RF_FROM_JS: 1 + the index in f->inline_hashes of the inline
	** script it was read from, so that what a script the baseline knows
	** loads can be told from what a new one does; 0 when it came from an
	** onload/onerror handler or the hash set was full. */
	uint8_t script;
};

/* A run of the page's text under one block-level element (div, p, li, td,
** section, marquee, ...): off and len index f->text. Blocks follow the
** document order; at most WATCH_BLOCK_MAX (the rest of the text joins the
** last block and WATCH_F_CAPPED is set). */
#define WATCH_BLOCK_MAX 2048
enum {
	WATCH_BF_HIDDEN = 1 << 0,  /* a browser would not show it (see WATCH_RF_HIDDEN) */
	WATCH_BF_TOP = 1 << 1,     /* before the site's own header/nav at the top of <body> */
	WATCH_BF_OVERLAY = 1 << 2, /* inside position:fixed / absolute covering the viewport */
	WATCH_BF_MARQUEE = 1 << 3, /* inside <marquee> */
	WATCH_BF_BLINK = 1 << 4,   /* inside <blink> */
	WATCH_BF_HEADING = 1 << 5, /* h1..h6 */
};
struct watch_block {
	uint32_t off, len;  /* in f->text */
	uint16_t flags;     /* WATCH_BF_* */
	uint16_t links_out; /* off-site <a href> inside */
	char tag[12];       /* the block element's tag name ("div", "marquee") */
};

/* ---------------------------------------------------------------- features */

struct watch_features {
	char host[WATCH_HOST_MAX];   /* the page's own host */
	char title[WATCH_TITLE_MAX]; /* whitespace-collapsed */
	char *text;                  /* visible text, whitespace-collapsed, NUL-terminated */
	size_t text_len;
	uint64_t *shingles;          /* sorted, distinct hashes of 3-word shingles */
	size_t nshingles;
	struct watch_set script_hosts;  /* <script src> */
	struct watch_set iframe_hosts;  /* <iframe src>, <frame src> */
	struct watch_set hidden_iframe_hosts; /* the subset that is hidden (0/1 px, display:none...) */
	struct watch_set form_hosts;    /* <form action>, formaction= */
	struct watch_set link_hosts;    /* outbound <a>/<area href> hosts only */
	struct watch_set inline_hashes; /* hex SHA-256 of executable inline scripts */
	char refresh_host[WATCH_HOST_MAX]; /* target of the first meta refresh with a URL, or "" */
	char js_host[WATCH_HOST_MAX];   /* first off-site target of a location assignment, or "" */
	uint32_t links, outbound_links; /* network <a>/<area> links, and those off-site */
	uint32_t scripts_inline, scripts_external, iframes, forms, elements;
	uint16_t sig_counts[WATCH_SIG_MAX]; /* occurrences of each signature (text + title) */
	unsigned flags;                 /* WATCH_F_* */
	char charset[WATCH_CHARSET_MAX]; /* the encoding the body was read in (see
					 ** watch_extract_ct), "" if extraction failed */
	struct watch_ref *refs;         /* nrefs entries, heap (watch_features_free) */
	uint32_t nrefs;
	struct watch_block *blocks;     /* nblocks entries, heap */
	uint32_t nblocks;
	/* WATCH_JSF_* of each inline script, in the order of inline_hashes
	** (a script repeated: its reads OR'd). */
	uint8_t inline_js[WATCH_HASH_MAX];
};

/* Analyse one body. url is the page's URL or bare host (NULL: the default
** host); relative URLs resolve to its host. Never fails on the body's
** content: malformed, binary or huge bodies give features with flags set.
** Fails (PERR_INVALID, field "url") on an unusable url, PERR_INTERNAL on
** out of memory. f is zeroed first; free with watch_features_free() in all
** cases. */
int watch_extract(const char *body, size_t len, const char *url, struct watch_features *f,
		  struct perr *err);
/* watch_extract() of a body served with the Content-Type header value
** content_type (NULL: none; watch_extract() passes NULL). The body's
** encoding is sniffed (watch_charset_sniff) and a body in windows-1256,
** ISO-8859-6 or windows-1252 is converted to UTF-8 before the analysis;
** f->charset names the encoding read. A body declared in one of those but
** that is valid UTF-8 with non-ASCII bytes in it is read as UTF-8 (a
** defacer's UTF-8 page served under the site's old header or meta), and
** f->charset says "utf-8". WATCH_BODY_MAX bounds the bytes taken from the
** body and, after conversion, the UTF-8 analysed; either cut sets
** WATCH_F_TRUNCATED. WATCH_F_BINARY is then only for NUL bytes or
** invalid UTF-8 in a body read as UTF-8. */
int watch_extract_ct(const char *body, size_t len, const char *url, const char *content_type,
		     struct watch_features *f, struct perr *err);
/* The CPU budget of one parse: base_ns plus per_byte_ns for each byte of
** body (defaults: 1 s and 4 s per MiB). Past it the parse is abandoned and
** the features carry WATCH_F_BUDGET. Process-wide; set it at start-up (the
** tests shrink it to reach that path quickly). */
void watch_set_parse_budget(long long base_ns, long long per_byte_ns);
void watch_features_free(struct watch_features *f);
/* The outbound share of links (0 when there are none). */
double watch_outbound_share(const struct watch_features *f);

/* Jaccard similarity of two sorted, distinct shingle arrays; two empty sets
** are identical (1.0). */
double watch_jaccard(const uint64_t *a, size_t na, const uint64_t *b, size_t nb);

/* ---------------------------------------------------------------- charset */

/* The encoding of a page (charset.c), as a browser decides it: a byte order
** mark, else the charset parameter of content_type (the Content-Type header
** value, NULL when absent; repeated headers joined with commas are read as
** Fetch does: the last MIME type counts), else a <meta charset=...> or
** <meta http-equiv="Content-Type" content="...charset=..."> in the first
** 1024 bytes of body (the HTML standard's prescan: comments skipped, quotes,
** case and whitespace as browsers take them), else "utf-8". Written into out
** and returned: one of "utf-8", "windows-1256", "iso-8859-6",
** "windows-1252", every WHATWG label of those four being accepted (cp1256,
** arabic, asmo-708, latin1, ascii, iso-8859-1, ...; latin1 and ascii are
** windows-1252 for the web). A label we do not know counts as no
** declaration, so the next source decides, and in the end "utf-8". A UTF-16
** byte order mark gives "utf-8" too: such a body is not converted and stays
** flagged binary. No I/O, no locale: a function of its arguments. */
const char *watch_charset_sniff(const char *content_type, const char *body, size_t len,
				char out[WATCH_CHARSET_MAX]);
/* Append body[0..len) in charset (a name watch_charset_sniff returns, or
** any WHATWG label of those four) to out as UTF-8, out being initialised
** with pbuf_init. UTF-8 is copied as it is, valid or not; windows-1256,
** ISO-8859-6 and windows-1252 are decoded by the WHATWG indexes, a byte an
** index leaves unmapped becoming U+FFFD (a NUL stays a NUL). Returns 0
** when all of body was converted; 1 when out's max stopped it: out then
** ends with the last whole character that fitted, never part of one; -1
** with err: PERR_INVALID (field "charset") for a charset it does not
** convert, PERR_INTERNAL on out of memory (out may then hold part of the
** conversion). */
int watch_to_utf8(const char *charset, const char *body, size_t len, struct pbuf *out,
		  struct perr *err);

/* ---------------------------------------------------------- inline scripts */

/* A small static read of one inline script (jsread.c): string constants
** joined across '+', escapes (\\xHH, \\uHHHH, \\u{...}), atob("...") and
** String.fromCharCode(...) decoded, then what the script loads or where it
** sends the visitor: createElement('script'|'iframe') with .src / setAttribute,
** document.write / innerHTML of tags (their src/href/action), location (and
** top./window./document.) assignment, .href, replace(), assign(),
** window.open(). No I/O, no allocation beyond the caller's struct; a
** function of its arguments. Limits: WATCH_JS_MAX bytes read (the rest
** ignored, WATCH_JSF_CUT), WATCH_JS_DEPTH_MAX nested brackets / calls,
** WATCH_JS_DECODED_MAX bytes of decoded string per expression,
** WATCH_JS_DEST_MAX destinations. */
#define WATCH_JS_MAX (256u << 10)
#define WATCH_JS_DEPTH_MAX 32
#define WATCH_JS_DECODED_MAX 8192
#define WATCH_JS_DEST_MAX 32
#define WATCH_JS_URL_MAX 512

enum {
	WATCH_JSF_CUT = 1 << 0,      /* script longer than WATCH_JS_MAX */
	WATCH_JSF_DEEP = 1 << 1,     /* nesting beyond WATCH_JS_DEPTH_MAX */
	WATCH_JSF_REFERRER = 1 << 2, /* reads document.referrer */
	WATCH_JSF_UA = 1 << 3,       /* reads navigator.userAgent / platform / vendor */
	WATCH_JSF_DECODED = 1 << 4,  /* a destination needed decoding or joining */
	WATCH_JSF_EVAL = 1 << 5,     /* eval / Function / setTimeout of a string */
	WATCH_JSF_MINER = 1 << 6,    /* names of in-browser miners (CoinHive, CryptoLoot, ...) */
	WATCH_JSF_FULL = 1 << 7,     /* more destinations than WATCH_JS_DEST_MAX */
};

struct watch_js_dest {
	uint8_t kind;   /* WATCH_REF_SCRIPT, _IFRAME, _FORM, _REDIRECT, _POPUP, _IMG, _STYLE */
	uint16_t flags; /* WATCH_RF_*: FROM_JS always; OBFUSCATED (decoded, or a piece
			** ends inside the scheme or a host label); CONDITIONAL; PROTO_REL;
			** HIDDEN / TINY (iframe, img); META (a written meta refresh) */
	char url[WATCH_JS_URL_MAX]; /* as decoded; cut to fit */
};

struct watch_js_read {
	struct watch_js_dest dest[WATCH_JS_DEST_MAX];
	size_t ndest;
	unsigned flags; /* WATCH_JSF_* */
};

/* Read src[0..len). Always fills out (zeroed first); never fails: a script
** it cannot follow gives fewer destinations, never an error. A URL built
** on the page's own host (location.host, .origin, document.domain) comes
** out relative ("/js/app.js"); one whose host is computed gives none; an
** unknown part of a path or query is dropped. Linear in len (a token
** budget); about 20-40 MB/s, so read only scripts the baseline has not
** seen (their hash). */
void watch_js_read(const char *src, size_t len, struct watch_js_read *out);

/* ------------------------------------------------------------ who a host is */

/* The registrable domain of host by the Public Suffix List (libpsl, Debian's
** packaged list): "www.mrud.gov.ir" -> "mrud.gov.ir", "a.b.github.io" ->
** "b.github.io". A bare IP address or a public suffix itself is its own
** registrable domain. Writes out (WATCH_HOST_MAX) and returns it.
** (hosts.c) out is in the form hosts are compared in: lower case, no
** trailing dot, an internationalized name in its xn-- form whether host was
** written in UTF-8 or punycode, an IPv6 address without brackets as
** inet_ntop writes it. The list is loaded once per process (pthread_once):
** Debian's /usr/share/publicsuffix when newer than libpsl's built-in copy. */
const char *watch_registrable(const char *host, char out[WATCH_HOST_MAX]);
/* Is host a literal IPv4 or IPv6 address ("[...]" included)?
** (hosts.c) Also the forms a browser reads as IPv4 (WHATWG URL: the last
** label a number): "3232235777", "0x7f.1", "127.1". */
bool watch_host_is_ip(const char *host);
/* The last label of host ("ir" of "www.mrud.gov.ir"), pointing into host;
** "" for an IP address (baseline.c). What the baseline learns and the judge
** compares: a foreign host under a TLD the site never used. */
const char *watch_host_tld(const char *host);

/* A domain another organisation of the constituency owns. */
struct watch_owner {
	const char *domain; /* lower-case, no trailing dot */
	const char *org;    /* the organisation's name, for the verdict */
};

/* What the judge knows beyond the page: whose the hosts are. All borrowed
** (the caller keeps them alive during watch_judge). A NULL context, or
** empty lists, judge with the page's own host as the only own domain. */
struct watch_context {
	const char *const *own; /* the site's organisation's domains */
	size_t nown;
	const struct watch_owner *others; /* other organisations' domains */
	size_t nothers;
	/* others is sorted by domain (strcmp) and every domain is canonical
	** (lower-case ASCII, xn-- for an IDN, no trailing dot): hosts are then
	** looked up by bisection (the monitor's one list for a whole pass);
	** false: scanned. others may also hold the site's organisation's own
	** domains: the longest match decides, and a tie with own is OWN. */
	bool sorted;
};

enum watch_host_class {
	WATCH_HC_SITE,         /* the site's own registrable domain */
	WATCH_HC_OWN,          /* under a domain of the site's organisation */
	WATCH_HC_CONSTITUENCY, /* under a domain another organisation owns: who = org */
	WATCH_HC_SERVICE,      /* a well-known service (services.csv): who = name */
	WATCH_HC_FOREIGN,      /* none of these */
};

enum watch_lookalike {
	WATCH_LA_NONE,
	WATCH_LA_EDIT,      /* a small edit distance from a known or own name */
	WATCH_LA_HOMOGLYPH, /* same skeleton after mapping confusable characters */
	WATCH_LA_PUNYCODE,  /* an xn-- label decoding to a confusable of a known name */
	WATCH_LA_EMBEDDED,  /* a known name inside another registrable domain */
};

struct watch_host_info {
	enum watch_host_class cls;
	char who[128];        /* organisation or service name, "" otherwise */
	char category[24];    /* service category ("video"), "" otherwise */
	unsigned roles;       /* service: bit (1 << WATCH_REF_*) per usual element */
	bool user_content;    /* a public CDN's user-content path: not "known" */
	enum watch_lookalike lookalike;
	char imitates[WATCH_HOST_MAX]; /* the name imitated, when lookalike */
	bool ip;              /* a bare IP address */
};

/* Classify host (with the path it was loaded from, "" if none) as the page
** at site sees it. Deterministic; no I/O (the Public Suffix List is read
** by libpsl from its built-in or packaged data once per process).
** (hosts.c) In this order: SITE when host's registrable domain is site's;
** OWN / CONSTITUENCY by the longest of ctx->own and ctx->others that host
** is or is under at a label boundary (a tie is OWN); SERVICE when
** watch_service_find knows it (user_content when path is under the
** service's user-content prefix); else FOREIGN, with lookalike asked of
** watch_lookalike against site's registrable domain and ctx->own (never
** for an address). ip is set for an address whatever the class. An empty
** host (a data: or javascript: URL) is FOREIGN with nothing else known.
** site is the page's host (a URL, "https://host/...", is read for its host). */
void watch_host_classify(const struct watch_context *ctx, const char *site, const char *host,
			 const char *path, struct watch_host_info *out);

/* ------------------------------------------------------- well-known services */

/* data/watch/services.csv, embedded (services.c): a host (or a suffix), its
** category and the elements it normally appears in; the file's comment
** lines document the columns. One host may have several rows that differ
** by path (www.google.com/maps is maps, /recaptcha/ is CAPTCHA). */
#define WATCH_SERVICES_MAX 1024 /* rows a list may hold */
struct watch_service {
	const char *host;     /* lower-case */
	bool suffix;          /* the host and its subdomains */
	const char *category; /* video, maps, analytics, tagmanager, cdn, fonts, captcha, chat,
			      ** social, payment, consent, accessibility, seal (trust and
			      ** registration seals: eNamad, Samandehi) */
	unsigned roles;       /* bit (1 << WATCH_REF_*) per usual element */
	const char *name;     /* "YouTube" */
	const char *user_prefix; /* user-content path prefix ("/gh/"), "" none */
	unsigned user_segments;  /* path segments naming one publication under it; 0: the
				 ** whole path */
	const char *path;     /* the path prefix this row is limited to, "" the whole host */
};
/* The rows, in file order (i < count; NULL past the end). The first call
** parses the built-in list (thread-safe, once). */
size_t watch_service_count(void);
const struct watch_service *watch_service_at(size_t i);
/* The entry for host (exact match first, then the longest suffix at a label
** boundary; case and a trailing dot ignored), NULL when none. Is the host
** listed at all: for a host whose rows are all limited to paths
** (www.google.com: /maps, /recaptcha/) the row with the shortest path,
** whose category may not be the one of the path at hand: a caller that
** has the path uses watch_service_find_path. Cheap: binary searches, no
** allocation. */
const struct watch_service *watch_service_find(const char *host);
/* The same with the path the host was loaded from (NULL: as
** watch_service_find): among the rows of the most specific listed host,
** the longest path prefix path starts with, a row without a path matching
** any; when none of that host's rows fits, its parent domains are tried,
** and NULL when none fits (www.google.com/search is no service). */
const struct watch_service *watch_service_find_path(const char *host, const char *path);
/* The publication a user-content path names ("/gh/user/repo" of
** "/gh/user/repo@1.2/dist/x.js", "/npm/@scope/pkg" of
** "/npm/@scope/pkg@3/x.js"), lower-cased, written into out (WATCH_PATH_MAX);
** "" when svc's host has no user content under path. The row of svc's
** host that serves path decides (svc may be the host's default row). A
** path with a "." or ".." segment names the whole path (it never equals
** an ordinary publication). */
const char *watch_service_publication(const struct watch_service *svc, const char *path,
				      char out[WATCH_PATH_MAX]);
/* Replace the built-in list by text[0..len) in the same format (the
** `watch.services` file; origin names it in messages). The whole text is
** refused on any bad row: PERR_INVALID naming the first bad line, PERR_LIMIT
** over 256 KiB, PERR_INTERNAL on out of memory; the list in use is then
** unchanged. Call at start-up, before any thread looks a service up: rows
** of a list replaced later are freed. */
int watch_services_use(const char *text, size_t len, const char *origin, struct perr *err);
/* Rows of the list in use that were refused and skipped (the built-in file
** must have none); first_line and why (128 bytes) describe the first, each
** may be NULL. */
size_t watch_services_bad(size_t *first_line, char why[128]);
/* "built-in", or the origin given to watch_services_use. */
const char *watch_services_origin(void);
/* The list in use for `parapet watch services` and GET /api/v1/watch/services:
** {"origin", "items":[{"host","match","category","roles":[...],"name",
** "user_content" ("/gh/:2", absent when none),"path" (absent when none)}]}
** in file order, only the rows of category when it is non-empty. NULL with
** err: PERR_INVALID (field "category") for an unknown category,
** PERR_INTERNAL on out of memory. */
json_t *watch_services_json(const char *category, struct perr *err);

/* Does host imitate a known service or one of the given own names (the
** site's registrable domain and the organisation's domains)? Writes the
** imitated name into imitates (WATCH_HOST_MAX; valid UTF-8, "" for
** WATCH_LA_NONE): the registrable domain imitated, xn-- labels decoded.
** Own and known hosts themselves are never look-alikes (lookalike.c
** documents the rules). */
enum watch_lookalike watch_lookalike(const char *host, const char *const *own, size_t nown,
				     char imitates[WATCH_HOST_MAX]);
/* watch_lookalike() with known[0..nknown) as the well-known hosts instead
** of the services list (lookalike.c; for tests and a caller with a list of
** its own): each judged as a service entry is. */
enum watch_lookalike watch_lookalike_known(const char *host, const char *const *own,
					   size_t nown, const char *const *known,
					   size_t nknown, char imitates[WATCH_HOST_MAX]);

/* -------------------------------------------------------------- page text */

/* Letters of a text by script, for "is this block in the site's language". */
struct watch_lang {
	uint32_t latin, arabic, cyrillic, other; /* letters counted */
	uint32_t persian;  /* of arabic: letters only Persian uses (پ چ ژ گ ی ک) */
	uint32_t turkish;  /* of latin: ç ğ ı ş ö ü and Turkish-only words */
	uint32_t words;
	uint32_t english;  /* words that are English function words (the, and, of...) */
	uint32_t lwords;   /* words written in Latin letters */
};
/* Count text[0..len) (UTF-8; an invalid byte is skipped as a separator;
** NULL counts nothing) into out, zeroed first. A word is a run of letters
** (marks, digits and ZWNJ inside do not break it). Linear, no allocation. */
void watch_lang_count(const char *text, size_t len, struct watch_lang *out);
/* Is a block's text (block) in another script or language than the site's
** text (site)? The script of most of the block's letters, when the site
** writes under 15% of its letters in it; else, in the same script, Arabic
** on a Persian site (and the reverse) by the share of Persian-only letters,
** Turkish on a Latin site by the Turkish share. Returns a static name of
** what the block is ("latin", "turkish", "arabic", "persian",
** "arabic-script" when too short to tell those two, "cyrillic", "other"),
** or NULL when alike or too short to tell (under 12 letters, or
** an empty site). Latin text with no Turkish letters (English, Indonesian)
** on a site with Latin text is "alike" here: vocabulary must tell those.
** Latin text on a site that hardly writes Latin is "latin" when it has at
** least 12 Latin words and under one in twelve is an English function
** word, else "english" (English, or too short to tell: a name, a
** caption): a
** government site's foreign-language content is in English, the language
** of its international readers; Indonesian, Portuguese or Malay text there
** is a visitor's, or a defacer's. *other_script (may be NULL) says whether
** the block is in a script the site hardly writes, rather than another
** language of the site's own script (which ordinary content also shows: a
** Quranic verse on a Persian page). */
const char *watch_lang_unlike(const struct watch_lang *site, const struct watch_lang *block,
			      bool *other_script);

/* What a block of new text carries that defacers leave: contact handles,
** crew and greetings lists, extortion wording with wallets. */
enum {
	WATCH_TX_HANDLE = 1 << 0,   /* t.me/, wa.me/, telegram/ICQ/jabber handles, e-mail */
	WATCH_TX_GREETS = 1 << 1,   /* greetings / thanks-to lists, crew or team names */
	WATCH_TX_RANSOM = 1 << 2,   /* extortion / "contact us to restore" wording */
	WATCH_TX_WALLET = 1 << 3,   /* a bitcoin, ethereum, monero or tron address */
	WATCH_TX_GAMBLING = 1 << 4, /* casino / betting vocabulary (en, fa, id, tr) */
	WATCH_TX_PHARMA = 1 << 5,   /* pharmacy spam vocabulary */
	WATCH_TX_SPAM = 1 << 6,     /* other SEO spam: payday loans, replicas, essays,
				    ** bought followers, adult sites (textsig.c) */
	/* Which kind of handle (with WATCH_TX_HANDLE), so the judge need not
	** read first: */
	WATCH_TX_MESSENGER = 1 << 7, /* a messenger link, handle, ICQ / Tox id or number */
	WATCH_TX_EMAIL = 1 << 8,     /* an e-mail or XMPP address */
};
struct watch_text_marks {
	unsigned flags;  /* WATCH_TX_* */
	char first[96];  /* the first thing found, for the verdict ("t.me/xxx") */
};
/* Fill out (zeroed first) with the marks of text[0..len). first is the
** earliest mark in the text as folded (lower-case, Persian yeh and kaf; a
** wallet as written), cut on a character boundary, valid UTF-8, "" exactly
** when flags is 0. Any bytes; linear in len; the only allocation is
** watch_fold's copy (out of memory: wallets only, never a failure). A
** handle alone is also in an official footer: the marks describe a block
** the judge already found new and unlike the site. */
void watch_text_marks(const char *text, size_t len, struct watch_text_marks *out);

/* ---------------------------------------------------------------- baseline */

struct watch_baseline {
	uint32_t n;                   /* observations learned from */
	char host[WATCH_HOST_MAX];
	char title[WATCH_TITLE_MAX];  /* the title when every observation had the same one */
	bool title_stable;
	uint64_t *stable;             /* shingles present in every observation */
	size_t nstable;
	uint64_t *volatile_sh;        /* present in some observations only */
	size_t nvolatile;
	double min_pairwise;          /* lowest text similarity between two observations */
	double floor;                 /* below this the text changed suspiciously */
	struct watch_set script_hosts, iframe_hosts, form_hosts, link_hosts, inline_hashes,
		redirect_hosts;
	bool inline_volatile;         /* inline scripts differed between observations */
	double outbound_share_max;
	uint32_t outbound_links_max;
	uint16_t sig_counts[WATCH_SIG_MAX]; /* highest count of each signature seen */
	/* What issue 12's judge learns (words.c, baseline.c): */
	struct watch_set tlds;        /* last labels of every host the site used */
	struct watch_set pubs;        /* "host/publication" of user-content CDN paths used */
	struct watch_set other_hosts; /* hosts of styles, images and pop-ups used */
	struct watch_set asset_paths; /* paths of the site's own scripts and styles */
	struct watch_lang lang;       /* letters of the site's text by script, summed */
	uint64_t *vocab;              /* sorted distinct hashes of the folded words used */
	size_t nvocab;                /* at most WATCH_VOCAB_MAX */
	uint16_t block_flags;         /* WATCH_BF_* of every visible block seen, OR-ed */
	uint16_t js_flags;            /* WATCH_JSF_* of every observation, OR-ed */
};
#define WATCH_VOCAB_MAX 65536

/* Sorted distinct hashes of the folded words of text[0..len) (digit runs as
** one word, punctuation as space: watch_fold's shingle form), into *out
** (heap, the caller frees; NULL when there are none). The hash is the one the
** shingles are built from. 0, or -1 on out of memory. */
int watch_words(const char *text, size_t len, uint64_t **out, size_t *n);
/* Sorted distinct 3-word shingles of text[0..len) (each word when fewer than
** three), as in struct watch_features. 0, or -1 on out of memory. */
int watch_shingles(const char *text, size_t len, uint64_t **out, size_t *n);
/* Is x in the sorted array a[0..n)? */
bool watch_u64_has(const uint64_t *a, size_t n, uint64_t x);

/* "host/publication" of a reference to a public CDN's user content (a
** GitHub repository, an npm package), into out; false when r is not one. */
bool watch_ref_publication(const struct watch_ref *r, char out[WATCH_HOST_MAX]);
/* The path of one of the site's own script or stylesheet references
** ("/wp-includes/js/jquery/jquery.min.js" of "...?ver=3.7.1": the query,
** where versions and build ids go, is not part of it), into out; false when
** r is not one (another kind, another host). What a redesign replaces and a
** new version of the same design keeps. */
bool watch_ref_asset_path(const struct watch_ref *r, const char *site, char out[WATCH_HOST_MAX]);

/* Floor of a site seen once: nothing is known of its volatility yet. */
#define WATCH_FLOOR_DEFAULT 0.5
/* Highest floor: even a static page may change a quarter of its text. */
#define WATCH_FLOOR_MAX 0.8

/* Learn from n >= 1 observations of one site (PERR_INVALID when n == 0,
** PERR_INTERNAL on out of memory). b is zeroed first; free with
** watch_baseline_free() in all cases. Accepting a redesign is learning again
** from observations of the new design. */
int watch_learn(const struct watch_features *obs, size_t n, struct watch_baseline *b,
		struct perr *err);
void watch_baseline_free(struct watch_baseline *b);
/* The baseline as self-contained bytes for the store (pack.c): *out is heap
** memory the caller frees. Unpack refuses (PERR_INVALID) bytes that are not
** an intact packing of the current version, so a damaged row means learning again, never
** judging against garbage; b must be freed with watch_baseline_free() after
** success (it is left empty on failure). */
int watch_baseline_pack(const struct watch_baseline *b, unsigned char **out, size_t *len,
			struct perr *err);
int watch_baseline_unpack(const void *data, size_t len, struct watch_baseline *b,
			  struct perr *err);
/* Text similarity of f to the baseline with the volatile shingles left out:
** Jaccard(f - volatile, stable). */
double watch_baseline_similarity(const struct watch_baseline *b, const struct watch_features *f);

/* ----------------------------------------------------------------- verdict */

struct watch_signal {
	char name[32];    /* defacement_signature, title_replaced, text_changed, ... */
	char detail[256]; /* why it counts, for humans; valid UTF-8 */
	int weight;       /* 1..100 (observations: 0..100, below alarm) */
	char element[16]; /* "script", "iframe", "form", "block", "title", ... or "" */
	char host[WATCH_HOST_MAX]; /* the host concerned, "" when none */
	char category[24];         /* service category or host class ("constituency"), or "" */
};
#define WATCH_OBS_MAX 16

struct watch_verdict {
	struct watch_signal sig[WATCH_SIGNALS_MAX]; /* strongest first */
	size_t nsig;
	int score;            /* 0..100 */
	const char *severity; /* none, low, medium, high, critical (static) */
	double similarity, floor;
	unsigned flags;       /* the new page's WATCH_F_* */
	/* Recorded, low-weight observations that open no incident ("third-party
	** added: video, www.youtube-nocookie.com"); shown on the site page. */
	struct watch_signal obs[WATCH_OBS_MAX];
	size_t nobs;
};

/* Judge f against b, with ctx (NULL: no constituency) saying whose hosts
** are whose. Deterministic; fills v completely. */
void watch_judge(const struct watch_baseline *b, const struct watch_features *f,
		 const struct watch_context *ctx, struct watch_verdict *v);
/* The incident kind a signal of watch_judge stands for ("defacement",
** "injected-code", "redirect"), NULL for a name the judge does not raise. */
const char *watch_signal_kind(const char *name);
/* {"signals":[{"name","detail","weight"}],"score","severity","similarity",
** "floor","flags":[...]}; NULL on out of memory. */
json_t *watch_verdict_json(const struct watch_verdict *v);

/* The built-in defacement signatures (data/defacement_signatures.txt),
** folded for matching. weak: counts only with another signal or a second
** weak pattern. NULL past the end. */
const char *watch_signature(size_t i, bool *weak);
size_t watch_signature_count(void);
/* Count each signature in the folded title and text into counts
** (WATCH_SIG_MAX entries, saturating). 0, or -1 on out of memory. */
int watch_signatures_scan(const char *title, const char *text, size_t text_len,
			  uint16_t counts[WATCH_SIG_MAX]);
/* Fold s for matching into a new heap string: lower-case ASCII; Arabic yeh,
** alef maksura and kaf as their Persian forms; Persian and Arabic-Indic
** digits as ASCII; ZWNJ and whitespace runs as one space; zero-width
** characters dropped. With digits (the shingle form) also: each digit run as
** one '0', ASCII punctuation as space. NULL on out of memory. */
char *watch_fold(const char *s, size_t n, bool digits, size_t *outlen);

/* A unified diff of two visible texts, by sentence (diff.c), appended to
** out: "--- before", "+++ after", then "@@" hunks of ' ', '-' and '+' lines
** with two sentences of context. Texts too different to align within the
** edit cap come out as all removed, all added. Output stops quietly at
** out's max, after the last whole line that fitted (out is not left
** failed). 0, or -1 on out of memory. */
int watch_text_diff(const char *before, size_t nbefore, const char *after, size_t nafter,
		    struct pbuf *out, struct perr *err);

/* ------------------------------------------------------------ one call */

struct watch_page {
	const char *body;
	size_t len;
};

/* Learn from base[0..nbase) and judge page, all bodies from the same url
** (NULL: the default host). The path of `parapet watch analyze` and of the
** monitor. */
int watch_analyze_pages(const struct watch_page *base, size_t nbase,
			const struct watch_page *page, const char *url,
			const struct watch_context *ctx, struct watch_verdict *v, struct perr *err);

#endif /* PARAPET_WATCH_H */
