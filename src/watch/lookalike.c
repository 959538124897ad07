/*
** lookalike.c — hosts that imitate a well-known service or the site's own
** domain (issue 12, item 3).
**
** The real-world class: Magecart card skimmers and malvertising loaders are
** served from domains chosen to pass a glance at the page source as the
** library or tag they replace — typosquats (googletagmanger.com,
** google-analytics.cm), the brand glued to a word (code-jquery.cc,
** jquery-cdn.com, googletagmanager-cdn.net), the whole genuine name as a
** subdomain of the attacker's domain (cdn.jsdelivr.net.x.top), digits and
** Cyrillic letters standing in for Latin ones (g00gle-analytics.com,
** gооgle.com), and the same in punycode (xn--ggle-55da.com). Phishing and
** defacement redirects imitate the victim's own name the same way
** (mrud-gov.ir for mrud.gov.ir). Such a host on a script, iframe or form of
** a government page is a strong signal: the names compared are the
** well-known services (services.csv, through watch_service_at) and the own
** names the caller passes (the site's registrable domain, its
** organisation's domains).
**
** Names are compared on their registrable domain by the Public Suffix List
** (watch_registrable): its first label is the "registrable label" (jquery of
** code.jquery.com), the rest the public suffix. The classes, strongest
** first, and why each holds:
**
**   WATCH_LA_PUNYCODE   the host's registrable label is xn-- and decodes to a
**                       label with the skeleton of a known one (IDN homograph);
**   WATCH_LA_HOMOGLYPH  same skeleton, different characters: digits, Cyrillic,
**                       Greek, accented or Armenian letters, rn/vv/cl, Arabic
**                       yeh and kaf for the Persian ones (la_skeleton);
**   WATCH_LA_EMBEDDED   a known registrable domain inside the host (dots or
**                       hyphens between its labels: jquery.com.x.top,
**                       jquery-com.x.top, mrud-gov.ir), or a known label as a
**                       hyphen-separated part of the host's registrable label
**                       (code-jquery, jquery-cdn); glued without a hyphen
**                       only for labels of 6 or more letters with a short or
**                       generic rest (jquerycdn, cdnjquery); for services
**                       also a subdomain label (jquery.x.top);
**   WATCH_LA_EDIT       Damerau-Levenshtein (optimal string alignment)
**                       distance 1 between registrable labels, 2 for known
**                       labels of 10 letters or more; and the same label
**                       under another public suffix (jsdelivr.top,
**                       mrud.ir for mrud.gov.ir).
**
** Where this is silent on purpose (each choice keeps real, unrelated names
** from firing):
**   - a known label counts only when distinctive: 5 code points or more and
**     not a generic word (www, cdn, static, code, maps, video, query...),
**     4 for own names (ministries go by acronyms: mrud, mcls) and then only
**     hyphen-separated (mrud-gov.ir, not mrudgovernance.ir);
**   - edit distance to an own name needs a label of 6 or more, whatever
**     the suffix: acronyms of 4 or 5 letters are dense and their neighbours
**     are other real bodies, under the same open suffix too (irna.ir,
**     isna.ir, ilna.ir and iqna.ir are four news agencies); such a name is
**     still imitated by homoglyphs, embedding or another suffix;
**   - a host under a suffix only registries' own constituents can register
**     (gov.XX, ac.XX, mil.XX, edu.XX, sch.XX, go.XX, the gov/mil/edu/int
**     TLDs) is another real body, never an impostor by spelling: only a
**     known name embedded in it counts (a hijacked subdomain);
**   - the same label under another suffix counts for services too: genuine
**     sister domains of a brand (jquery.org, jsdelivr.com, google.com.ir)
**     are not distinguishable by spelling from the ones attackers register,
**     so a sister domain that pages really load must be listed in
**     services.csv, which makes it known;
**   - own and known hosts, their subdomains and any host under the same
**     registrable domain (the same owner by the PSL) are never look-alikes.
**
** Cost: the services' names are prepared once per process (pthread_once):
** decoded, split, skeleton and code points. A call prepares the host and at
** most LA_OWN_MAX own names, then makes O(services) cheap comparisons;
** edit distance runs only when the lengths are within the distance.
*/
#include "watch/watch.h"

#include <idn2.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LA_DEC_MAX 1024  /* a host with its xn-- labels decoded, NUL included */
#define LA_LABEL_CP 64   /* code points of a label kept for edit distance */
#define LA_OWN_MAX 256   /* own names considered per call; the rest ignored */
#define LA_KNOWN_MAX 4096 /* well-known names considered; the rest ignored */

/* One name prepared for comparison: the host judged, a service host, an
** own name. */
struct la_name {
	const char *name;      /* as listed (service host, own name); NULL for the host */
	char dec[LA_DEC_MAX];  /* lower-case, xn-- labels decoded to UTF-8, no trailing dot */
	size_t len;            /* strlen(dec) */
	size_t reg;            /* offset of the registrable domain in dec */
	size_t llen;           /* bytes of its first label, the registrable label */
	uint32_t cp[LA_LABEL_CP]; /* the label's code points */
	size_t ncp;            /* their number; SIZE_MAX when longer than LA_LABEL_CP */
	char skel[LA_DEC_MAX]; /* skeleton of the label (la_skeleton) */
	bool ace;              /* the registrable label was written xn-- and decoded */
	bool restricted;       /* under a registry-restricted suffix (gov.ir, ac.uk...) */
	bool own;              /* an own name (else a service) */
	bool dup;              /* a service whose registrable domain an earlier one has */
};

/* ------------------------------------------------------------- UTF-8 */

/* The code point at s[*i] (n bytes in all), advancing *i; an invalid
** sequence is one byte read as itself with the high bit (never a letter we
** map). */
static uint32_t la_next(const char *s, size_t n, size_t *i)
{
	const unsigned char *p = (const unsigned char *)s + *i;
	size_t left = n - *i;
	unsigned c = p[0];
	size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
		   : (c & 0xF8) == 0xF0 ? 4 : 0;
	if (len == 0 || len > left) {
		(*i)++;
		return 0x110000u + c;
	}
	uint32_t cp = len == 1 ? c : c & (0x7Fu >> len);
	for (size_t k = 1; k < len; k++) {
		if ((p[k] & 0xC0) != 0x80) {
			(*i)++;
			return 0x110000u + c;
		}
		cp = cp << 6 | (p[k] & 0x3Fu);
	}
	*i += len;
	return cp;
}

/* ----------------------------------------------------------- skeleton */

/* Latin-1 letters U+00C0..U+00FF and Latin Extended-A U+0100..U+017F as
** the ASCII letter they are read as ('?' keeps the character: æ, ß, œ...). */
static const char la_latin1[65] = "aaaaaa?ceeeeiiiidnooooox" "ouuuuy??"
				  "aaaaaa?ceeeeiiiidnooooo?" "ouuuuy?y";
static const char la_latinA[129] = "aaaaaa" "cccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh"
				   "iiiiiiiiii" "??" "jj" "kkk" "llllllllll" "nnnnnnnnn"
				   "oooooo" "??" "rrrrrr" "ssssssss" "tttttt" "uuuuuuuuuuuu"
				   "ww" "yyy" "zzzzzz" "f";
_Static_assert(sizeof(la_latin1) == 65 && sizeof(la_latinA) == 129, "latin tables");

/* Other confusables (after Unicode's confusables.txt, the letters phishing
** kits use): Cyrillic, Greek, IPA and Armenian letters read as Latin;
** Arabic-Indic digits by their shape; Arabic yeh, alef maksura and kaf as
** the Persian ones, Arabic heh forms as heh (one code point, encoded below
** as UTF-8 by la_skeleton). Sorted by code point. */
static const struct {
	uint16_t cp;
	uint16_t to; /* an ASCII letter, or a code point >= 0x80 */
} la_conf[] = {
	{ 0x01C0, 'l' }, { 0x0237, 'j' }, { 0x0251, 'a' }, { 0x0261, 'g' }, { 0x0269, 'i' },
	{ 0x026A, 'i' }, { 0x0391, 'a' }, { 0x0392, 'b' }, { 0x0395, 'e' }, { 0x0396, 'z' },
	{ 0x0397, 'h' }, { 0x0399, 'i' }, { 0x039A, 'k' }, { 0x039C, 'm' }, { 0x039D, 'n' },
	{ 0x039F, 'o' }, { 0x03A1, 'p' }, { 0x03A4, 't' }, { 0x03A5, 'y' }, { 0x03A7, 'x' },
	{ 0x03B1, 'a' }, { 0x03B5, 'e' }, { 0x03B9, 'i' }, { 0x03BA, 'k' }, { 0x03BD, 'v' },
	{ 0x03BF, 'o' }, { 0x03C1, 'p' }, { 0x03C5, 'u' }, { 0x03C7, 'x' }, { 0x0405, 's' },
	{ 0x0406, 'i' }, { 0x0408, 'j' }, { 0x0410, 'a' }, { 0x0412, 'b' }, { 0x0415, 'e' },
	{ 0x041A, 'k' }, { 0x041C, 'm' }, { 0x041D, 'h' }, { 0x041E, 'o' }, { 0x0420, 'p' },
	{ 0x0421, 'c' }, { 0x0422, 't' }, { 0x0423, 'y' }, { 0x0425, 'x' }, { 0x0430, 'a' },
	{ 0x0435, 'e' }, { 0x043A, 'k' }, { 0x043E, 'o' }, { 0x0440, 'p' }, { 0x0441, 'c' },
	{ 0x0443, 'y' }, { 0x0445, 'x' }, { 0x0455, 's' }, { 0x0456, 'i' }, { 0x0457, 'i' },
	{ 0x0458, 'j' }, { 0x04BB, 'h' }, { 0x04CF, 'l' }, { 0x0501, 'd' }, { 0x051B, 'q' },
	{ 0x051D, 'w' }, { 0x0566, 'q' }, { 0x0570, 'h' }, { 0x0578, 'n' }, { 0x057D, 'u' },
	{ 0x0581, 'g' }, { 0x0585, 'o' }, { 0x0643, 0x06A9 }, { 0x0649, 0x06CC },
	{ 0x064A, 0x06CC }, { 0x0660, '.' }, { 0x0661, 'l' }, { 0x0662, '2' }, { 0x0663, '3' },
	{ 0x0664, '4' }, { 0x0665, 'o' }, { 0x0666, '6' }, { 0x0667, 'v' }, { 0x0668, '8' },
	{ 0x0669, '9' }, { 0x06C1, 0x0647 }, { 0x06D5, 0x0647 }, { 0x06F0, '.' },
	{ 0x06F1, 'l' }, { 0x06F2, '2' }, { 0x06F3, '3' }, { 0x06F4, '4' }, { 0x06F5, 'o' },
	{ 0x06F6, '6' }, { 0x06F7, 'v' }, { 0x06F8, '8' }, { 0x06F9, '9' }, { 0x2010, '-' },
	{ 0x2011, '-' }, { 0x2012, '-' }, { 0x2013, '-' }, { 0x2014, '-' }, { 0x2212, '-' },
	{ 0xFE63, '-' }, { 0xFF0D, '-' },
};

/* What c reads as: 0 to drop it (joiners, soft hyphen, combining marks,
** Arabic vowel signs), else the code point of the skeleton. */
static uint32_t la_fold(uint32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? c + 32 : c;
	if (c == 0x00AD || c == 0x034F || (c >= 0x0300 && c <= 0x036F) ||
	    (c >= 0x064B && c <= 0x065F) || c == 0x0670 || (c >= 0x200B && c <= 0x200D) ||
	    c == 0x2060 || c == 0xFEFF)
		return 0;
	if (c >= 0xC0 && c <= 0xFF)
		return la_latin1[c - 0xC0] == '?' ? c : (uint32_t)la_latin1[c - 0xC0];
	if (c >= 0x100 && c <= 0x17F)
		return la_latinA[c - 0x100] == '?' ? c : (uint32_t)la_latinA[c - 0x100];
	if (c >= 0xFF01 && c <= 0xFF5E) /* fullwidth ASCII */
		return la_fold(c - 0xFEE0);
	size_t lo = 0, hi = sizeof(la_conf) / sizeof(la_conf[0]);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (la_conf[mid].cp == c)
			return la_conf[mid].to;
		if (la_conf[mid].cp < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return c;
}

static size_t la_put(uint32_t c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xC0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xE0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	if (c < 0x110000) {
		o[0] = (char)(0xF0 | c >> 18);
		o[1] = (char)(0x80 | (c >> 12 & 0x3F));
		o[2] = (char)(0x80 | (c >> 6 & 0x3F));
		o[3] = (char)(0x80 | (c & 0x3F));
		return 4;
	}
	o[0] = (char)(c - 0x110000u); /* an invalid byte, kept as it was */
	return 1;
}

/* The skeleton of s[0..n) into out (LA_DEC_MAX; never longer than n, as no
** mapping lengthens a character): every character folded (la_fold), then
** digits and strokes read as letters (0 -> o, 1 | -> l), then the letter
** pairs that read as one letter (rn -> m, vv -> w, cl -> d), then i -> l
** (after the pairs: "ci" does not read as d). Two labels
** with the same skeleton look alike to a reader of the page's source or of
** the address bar. */
static void la_skeleton(const char *s, size_t n, char out[LA_DEC_MAX])
{
	char t[LA_DEC_MAX];
	size_t tn = 0, i = 0;
	while (i < n && tn + 4 < LA_DEC_MAX) {
		uint32_t c = la_fold(la_next(s, n, &i));
		if (c == '0')
			c = 'o';
		else if (c == '1' || c == '|')
			c = 'l';
		if (c != 0)
			tn += la_put(c, t + tn);
	}
	size_t o = 0;
	for (size_t k = 0; k < tn; k++) {
		char c = t[k], d = k + 1 < tn ? t[k + 1] : '\0';
		if ((c == 'r' && d == 'n') || (c == 'v' && d == 'v') || (c == 'c' && d == 'l')) {
			out[o++] = c == 'r' ? 'm' : c == 'v' ? 'w' : 'd';
			k++;
			continue;
		}
		out[o++] = c == 'i' ? 'l' : c;
	}
	out[o] = '\0';
}

/* ------------------------------------------------------------ words */

/* Labels too common to be anyone's brand: a known name made of one of them
** imitates nothing, and a host label that is one is not a typo of a brand
** (video is not vimeo, query is not jquery). */
static const char *const la_generic[] = {
	"ac", "ad", "ads", "ajax", "analytic", "analytics", "api", "apis", "app", "apps",
	"asset", "assets", "auth", "beta", "blog", "cdn", "chat", "cloud", "co", "code", "com",
	"content", "data", "dev", "digital", "docs", "edu", "email", "embed", "example",
	"file", "files", "font", "fonts", "forum", "get", "global", "go", "gov", "help",
	"home", "host", "image", "images", "img", "info", "int", "js", "lib", "libs", "live",
	"localhost", "login", "m", "mail", "map", "maps", "media", "metrics", "mil", "min",
	"mobile", "my", "net", "network", "news", "online", "org", "pay", "payment", "photo",
	"photos", "pixel", "player", "portal", "query", "search", "secure", "server",
	"service", "services", "shop", "site", "src", "stat", "static", "statistic",
	"statistics", "stats", "store", "support", "tag", "tagmanager", "test", "track",
	"tracking", "video", "videos", "web", "widget", "widgets", "www",
};

static bool la_is_generic(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(la_generic) / sizeof(la_generic[0]); i++)
		if (strlen(la_generic[i]) == n && memcmp(la_generic[i], s, n) == 0)
			return true;
	return false;
}

/* Second-level labels of public suffixes that only a registry's own
** constituents can register under (gov.ir, ac.uk, go.jp, sch.ir...). */
static const char *const la_closed[] = { "ac", "edu", "go", "gob", "gouv", "gov", "govt",
					 "gv", "mil", "police", "sch" };

/* Is the public suffix suf (labels joined by dots, "" for none) closed to
** the public? A name there is another real body, not an impostor's. */
static bool la_suffix_closed(const char *suf)
{
	if (strcmp(suf, "gov") == 0 || strcmp(suf, "mil") == 0 || strcmp(suf, "edu") == 0 ||
	    strcmp(suf, "int") == 0)
		return true;
	/* every label but the last (the TLD itself may be open: .ac, .go) */
	const char *p = suf;
	for (;;) {
		const char *dot = strchr(p, '.');
		if (!dot)
			return false;
		for (size_t i = 0; i < sizeof(la_closed) / sizeof(la_closed[0]); i++)
			if (strlen(la_closed[i]) == (size_t)(dot - p) &&
			    memcmp(la_closed[i], p, (size_t)(dot - p)) == 0)
				return true;
		p = dot + 1;
	}
}

/* ------------------------------------------------------- preparation */

static bool la_is_ipish(const char *s)
{
	if (strchr(s, ':') || s[0] == '[')
		return true;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || *s == '.'))
			return false;
	return true;
}

/* Prepare s (a host or a domain, any case, maybe with a trailing dot,
** maybe xn-- or UTF-8) into *n. False for what cannot be a domain name
** (empty, an IP address, spaces or controls, too long); n->name is s. */
static bool la_prepare(const char *s, struct la_name *n)
{
	char a[WATCH_HOST_MAX];
	size_t k = 0;
	memset(n, 0, sizeof(*n));
	n->name = s;
	/* lower-case ASCII; the ideographic and fullwidth full stops are dots
	** to IDNA, as they are to a browser */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (k + 2 >= sizeof(a))
			return false;
		if (*p <= ' ' || *p == 0x7F || *p == '/' || *p == '\\' || *p == '@')
			return false;
		if ((p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x82) ||
		    (p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x8E) ||
		    (p[0] == 0xEF && p[1] == 0xBD && p[2] == 0xA1)) {
			a[k++] = '.';
			p += 2;
			continue;
		}
		a[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	}
	while (k > 0 && a[k - 1] == '.')
		k--;
	a[k] = '\0';
	if (k == 0 || a[0] == '.' || strstr(a, "..") || la_is_ipish(a) || watch_host_is_ip(a))
		return false;

	/* the registrable domain's number of labels, by the PSL */
	char r[WATCH_HOST_MAX];
	watch_registrable(a, r);
	size_t nr = r[0] ? 1 : 0, na = 1;
	for (const char *p = r; *p; p++)
		nr += *p == '.';
	for (const char *p = a; *p; p++)
		na += *p == '.';
	if (nr == 0 || nr > na)
		nr = na;

	/* xn-- labels decoded; what does not decode stays as written */
	char *u = NULL;
	const char *src = a;
	if (strstr(a, "xn--") && idn2_to_unicode_8z8z(a, &u, 0) == IDN2_OK && u &&
	    strlen(u) < LA_DEC_MAX)
		src = u;
	size_t i = 0;
	for (; src[i]; i++)
		n->dec[i] = (char)(src[i] >= 'A' && src[i] <= 'Z' ? src[i] + 32 : src[i]);
	n->dec[i] = '\0';
	n->len = i;
	idn2_free(u);

	/* the registrable label starts after the (na - nr)-th dot */
	size_t dots = 0, off = 0;
	for (size_t j = 0; j < n->len && dots < na - nr; j++)
		if (n->dec[j] == '.' && ++dots == na - nr)
			off = j + 1;
	n->reg = off;
	const char *dot = strchr(n->dec + off, '.');
	n->llen = dot ? (size_t)(dot - (n->dec + off)) : n->len - off;
	if (n->llen == 0)
		return false;

	/* was that label written xn--? (the ASCII form has the same labels) */
	const char *al = a;
	for (size_t d = 0; d < na - nr; d++)
		al = strchr(al, '.') + 1;
	n->ace = strncmp(al, "xn--", 4) == 0 && src != a;

	la_skeleton(n->dec + off, n->llen, n->skel);
	size_t j = 0;
	n->ncp = 0;
	while (j < n->llen) {
		uint32_t c = la_next(n->dec + off, n->llen, &j);
		if (n->ncp == LA_LABEL_CP) {
			n->ncp = SIZE_MAX;
			break;
		}
		n->cp[n->ncp++] = c;
	}
	n->restricted = la_suffix_closed(dot ? dot + 1 : "");
	return true;
}

/* ---------------------------------------------------- known services */

static struct la_name *la_svc;
static size_t la_nsvc;
static pthread_once_t la_once = PTHREAD_ONCE_INIT;

/* Prepare names[0..n) (NULL entries and what is no domain name skipped)
** into out, own or known; a known name whose registrable domain an earlier
** one has is marked dup: it rules its hosts out, the earlier one is
** compared. Returns the number prepared. */
static size_t la_prepare_list(const char *const *names, size_t n, bool own,
			      struct la_name *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		struct la_name *x = &out[k];
		if (!names[i] || !la_prepare(names[i], x))
			continue;
		x->own = own;
		for (size_t j = 0; j < k && !own && !x->dup; j++)
			x->dup = strcmp(out[j].dec + out[j].reg, x->dec + x->reg) == 0;
		k++;
	}
	return k;
}

/* The services' names, prepared once per process. Out of memory leaves the
** list empty: look-alikes of own names are still found. The list lives as
** long as the process. */
static void la_init(void)
{
	size_t n = watch_service_count();
	if (n > LA_KNOWN_MAX)
		n = LA_KNOWN_MAX;
	const char **hosts = n ? calloc(n, sizeof(*hosts)) : NULL;
	la_svc = n ? calloc(n, sizeof(*la_svc)) : NULL;
	if (hosts && la_svc) {
		for (size_t i = 0; i < n; i++) {
			const struct watch_service *s = watch_service_at(i);
			hosts[i] = s ? s->host : NULL;
		}
		la_nsvc = la_prepare_list(hosts, n, false, la_svc);
	}
	free(hosts);
}

/* ------------------------------------------------------- comparisons */

/* Is h the name k, a subdomain of it, or under the same registrable
** domain (the same owner, by the PSL)? */
static bool la_same_owner(const struct la_name *h, const struct la_name *k)
{
	if (strcmp(h->dec + h->reg, k->dec + k->reg) == 0)
		return true;
	if (h->len < k->len)
		return false;
	if (h->len == k->len)
		return strcmp(h->dec, k->dec) == 0;
	return h->dec[h->len - k->len - 1] == '.' && strcmp(h->dec + h->len - k->len, k->dec) == 0;
}

static bool la_sep(char c)
{
	return c == '.' || c == '-';
}

/* Does the domain d (two labels or more) occur in the host s, between
** label or hyphen boundaries, with a dot or a hyphen in s for each of its
** dots (jquery.com in jquery.com.x.top, jquery-com.x.top, x-jquery.com)?
** The caller has ruled out s being d or under it. */
static bool la_name_inside(const char *s, size_t sn, const char *d)
{
	size_t dn = strlen(d);
	if (dn == 0 || dn > sn)
		return false;
	for (size_t p = 0; p + dn <= sn; p++) {
		if (p > 0 && !la_sep(s[p - 1]))
			continue;
		if (p + dn < sn && !la_sep(s[p + dn]))
			continue;
		size_t k = 0;
		while (k < dn && (s[p + k] == d[k] || (d[k] == '.' && s[p + k] == '-')))
			k++;
		if (k == dn)
			return true;
	}
	return false;
}

/* Does the label w occur in the label l as a hyphen-separated part
** (code-jquery, jquery-cdn, mrud-gov)? l != w. */
static bool la_token_inside(const char *l, size_t ln, const char *w, size_t wn)
{
	for (size_t p = 0; p + wn <= ln; p++)
		if ((p == 0 || l[p - 1] == '-') && (p + wn == ln || l[p + wn] == '-') &&
		    memcmp(l + p, w, wn) == 0)
			return true;
	return false;
}

/* Does w occur glued inside l with a short or generic rest (jquerycdn,
** cdnjquery, googleanalytics, jquery1)? The rest, hyphens and digits left
** out, must be at most 3 bytes or a generic word: a brand inside a longer
** word is more often that word (aparatchik) than an imitation. */
static bool la_glued_inside(const char *l, size_t ln, const char *w, size_t wn)
{
	const char *at = NULL;
	for (size_t p = 0; p + wn <= ln && !at; p++)
		if (memcmp(l + p, w, wn) == 0)
			at = l + p;
	if (!at)
		return false;
	char rest[LA_DEC_MAX];
	size_t rn = 0;
	for (const char *p = l; p < l + ln; p++) {
		if (p == at) {
			p += wn - 1;
			continue;
		}
		if (*p != '-' && !(*p >= '0' && *p <= '9'))
			rest[rn++] = *p;
	}
	return rn <= 3 || la_is_generic(rest, rn);
}

/* Optimal string alignment distance of a and b, or max + 1 as soon as it
** must exceed max. */
static size_t la_osa(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, size_t max)
{
	size_t rows[3][LA_LABEL_CP + 1];
	size_t *pp = rows[0], *p = rows[1], *c = rows[2];
	for (size_t j = 0; j <= nb; j++)
		p[j] = j;
	for (size_t i = 1; i <= na; i++) {
		c[0] = i;
		size_t low = c[0];
		for (size_t j = 1; j <= nb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = p[j - 1] + cost;
			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
			if (v < low)
				low = v;
		}
		if (low > max)
			return max + 1;
		size_t *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[nb];
}

/* How h imitates the known name k, if it does (h is not under k's
** registrable domain: the caller checked). *exact is set for the same
** label under another suffix. */
static enum watch_lookalike la_match(const struct la_name *h, const struct la_name *k,
				     bool *exact)
{
	const char *hl = h->dec + h->reg, *kl = k->dec + k->reg;
	const char *hsuf = hl + h->llen, *ksuf = kl + k->llen;
	bool same_label = h->llen == k->llen && memcmp(hl, kl, h->llen) == 0;
	bool kgeneric = la_is_generic(kl, k->llen);
	size_t kcp = k->ncp == SIZE_MAX ? LA_LABEL_CP + 1 : k->ncp;
	bool distinctive = !kgeneric && kcp >= (k->own ? 4u : 5u);

	/* spelled with look-alike characters */
	if (!h->restricted && distinctive && !same_label && strcmp(h->skel, k->skel) == 0)
		return h->ace ? WATCH_LA_PUNYCODE : WATCH_LA_HOMOGLYPH;

	/* the whole known registrable domain inside the host (a subdomain of
	** the attacker's: jquery.com.x.top, or hyphenated: mrud-gov.ir) */
	if (!same_label && !kgeneric && kcp >= 3 && *ksuf == '.' &&
	    la_name_inside(h->dec, h->len, kl))
		return WATCH_LA_EMBEDDED;
	if (h->restricted || !distinctive)
		return WATCH_LA_NONE;

	/* the known label as a part of the host's registrable label */
	if (!same_label) {
		if (la_token_inside(hl, h->llen, kl, k->llen))
			return WATCH_LA_EMBEDDED;
		if (kcp >= 6 && la_glued_inside(hl, h->llen, kl, k->llen))
			return WATCH_LA_EMBEDDED;
	}
	/* a service's label as a subdomain label of another domain
	** (google-analytics.x.top); not own names: CDNs name their
	** customers' zones after them (mrud.some-cdn.ir) */
	if (!k->own) {
		for (const char *p = h->dec; p < hl;) {
			const char *e = strchr(p, '.');
			if (!e || e >= hl)
				break;
			if (la_token_inside(p, (size_t)(e - p), kl, k->llen))
				return WATCH_LA_EMBEDDED;
			p = e + 1;
		}
	}

	/* the same name under another public suffix */
	if (same_label) {
		if (strcmp(hsuf, ksuf) == 0)
			return WATCH_LA_NONE;
		*exact = true;
		return WATCH_LA_EDIT;
	}

	/* a typo of the known label */
	if (la_is_generic(hl, h->llen) || h->ncp == SIZE_MAX || k->ncp == SIZE_MAX)
		return WATCH_LA_NONE;
	if (k->own && kcp < 6)
		return WATCH_LA_NONE;
	size_t max = kcp >= 10 ? 2 : 1;
	size_t diff = h->ncp > k->ncp ? h->ncp - k->ncp : k->ncp - h->ncp;
	if (diff > max)
		return WATCH_LA_NONE;
	size_t d = la_osa(h->cp, h->ncp, k->cp, k->ncp, max);
	return d >= 1 && d <= max ? WATCH_LA_EDIT : WATCH_LA_NONE;
}

/* Strength of a finding, to keep the strongest over all names: the same
** label under another suffix (google-analytics.cm) names what is imitated
** better than a brand embedded in it (google), a typo worse. */
static int la_rank(enum watch_lookalike c, bool exact)
{
	switch (c) {
	case WATCH_LA_PUNYCODE:
		return 5;
	case WATCH_LA_HOMOGLYPH:
		return 4;
	case WATCH_LA_EMBEDDED:
		return 2;
	case WATCH_LA_EDIT:
		return exact ? 3 : 1;
	case WATCH_LA_NONE:
		break;
	}
	return 0;
}

/* Judge host against the own names and the prepared known names
** svc[0..nsvc) (see watch_lookalike). */
static enum watch_lookalike la_judge(const char *host, const char *const *own, size_t nown,
				     const struct la_name *svc, size_t nsvc,
				     char imitates[WATCH_HOST_MAX])
{
	enum watch_lookalike best = WATCH_LA_NONE;
	struct la_name *h = NULL, *on = NULL;
	size_t non = 0;
	imitates[0] = '\0';
	if (!host)
		return WATCH_LA_NONE;
	h = malloc(sizeof(*h));
	if (!own || nown > LA_OWN_MAX)
		nown = own ? LA_OWN_MAX : 0;
	if (nown > 0)
		on = calloc(nown, sizeof(*on));
	if (!h || (nown > 0 && !on) || !la_prepare(host, h))
		goto out;
	non = la_prepare_list(own, nown, true, on);

	/* own and known hosts, their subdomains, their registrable domains */
	for (size_t i = 0; i < non; i++)
		if (la_same_owner(h, &on[i]))
			goto out;
	for (size_t i = 0; i < nsvc; i++)
		if (la_same_owner(h, &svc[i]))
			goto out;

	const struct la_name *who = NULL;
	int rank = 0;
	for (size_t i = 0; i < non + nsvc && best != WATCH_LA_PUNYCODE; i++) {
		const struct la_name *k = i < non ? &on[i] : &svc[i - non];
		if (k->dup)
			continue;
		bool exact = false;
		enum watch_lookalike c = la_match(h, k, &exact);
		if (la_rank(c, exact) > rank) {
			best = c;
			rank = la_rank(c, exact);
			who = k;
		}
	}
	if (who)
		pstrtrunc(imitates, who->name, WATCH_HOST_MAX);
out:
	free(h);
	free(on);
	return best;
}

enum watch_lookalike watch_lookalike(const char *host, const char *const *own, size_t nown,
				     char imitates[WATCH_HOST_MAX])
{
	imitates[0] = '\0';
	if (!host || watch_service_find(host))
		return WATCH_LA_NONE;
	pthread_once(&la_once, la_init);
	return la_judge(host, own, nown, la_svc, la_nsvc, imitates);
}

enum watch_lookalike watch_lookalike_known(const char *host, const char *const *own,
					   size_t nown, const char *const *known,
					   size_t nknown, char imitates[WATCH_HOST_MAX])
{
	imitates[0] = '\0';
	if (!known || nknown > LA_KNOWN_MAX)
		nknown = known ? LA_KNOWN_MAX : 0;
	struct la_name *k = nknown ? calloc(nknown, sizeof(*k)) : NULL;
	if (nknown && !k)
		return WATCH_LA_NONE;
	size_t nk = la_prepare_list(known, nknown, false, k);
	enum watch_lookalike c = la_judge(host, own, nown, k, nk, imitates);
	free(k);
	return c;
}
