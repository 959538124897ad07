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
#define WATCH_SIG_MAX 128           /* patterns read from the signature file */
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
};

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
	char detail[256]; /* for humans; valid UTF-8 */
	int weight;       /* 1..100 */
};

struct watch_verdict {
	struct watch_signal sig[WATCH_SIGNALS_MAX]; /* strongest first */
	size_t nsig;
	int score;            /* 0..100 */
	const char *severity; /* none, low, medium, high, critical (static) */
	double similarity, floor;
	unsigned flags;       /* the new page's WATCH_F_* */
};

/* Judge f against b. Deterministic; fills v completely. */
void watch_judge(const struct watch_baseline *b, const struct watch_features *f,
		 struct watch_verdict *v);
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
			const struct watch_page *page, const char *url, struct watch_verdict *v,
			struct perr *err);

#endif /* PARAPET_WATCH_H */
