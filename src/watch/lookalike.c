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
** code.jquery.com), the rest the public suffix. A known name whose
** registrable label is a generic word under a private suffix of the PSL
** (ajax.googleapis.com is its own registrable domain) is known by the
** suffix's first label instead (googleapis: la_brand). xn-- labels are
** decoded (libidn2) so an ACE name and its UTF-8 form are one name. The
** classes, strongest first, and why each holds:
**
**   WATCH_LA_PUNYCODE   the host's registrable label is xn-- and decodes to a
**                       label with the skeleton of a known one (IDN homograph);
**   WATCH_LA_HOMOGLYPH  same skeleton, different characters: digits, Cyrillic,
**                       Greek, accented or Armenian letters, rn/vv/cl, Arabic
**                       yeh and kaf for the Persian ones (la_skeleton); also
**                       a known registrable domain inside the host written so
**                       (www.g00gle-analytics.com.x.top; PUNYCODE when a
**                       label was xn--);
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
**     4 for own names (ministries go by acronyms: mrud, mcls);
**   - an own label counts as embedded only beside empty words: generic
**     words (login, portal, news, secure), its own suffix's labels, a part
**     of one or two letters (mrud-gov.ir, e-mrud.com, irna-news.ir), glued
**     only to a generic word; own names are places and words other real
**     names are made of (tehran-metro.ir, isfahan-tourism.ir, tehran24.ir).
**     A brand is distinctive: any affix counts (cdnjs-cloudflare.com), glued
**     when the brand has 6 letters or more and the rest is short or generic;
**   - no typo is read into a host label under 5 letters, nor a generic one:
**     those are words and acronyms (plus is not splus, video not vimeo);
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
**     services.csv, which makes it known (e.g. ArCaptcha's widget host
**     under arcaptcha.co beside arcaptcha.ir);
**   - own and known hosts, their subdomains, their parent domains and any
**     host under the same registrable domain (the same owner by the PSL)
**     are never look-alikes.
** Of several findings the strongest is kept (la_strength), and between two
** of one strength the longer known label (google-analytics over google).
** The name reported is the known registrable domain found inside the host,
** else the domain of the label compared (jquery.com for code-jquery.cc).
**
** Cost: the services' names are prepared once per process (again if
** watch_services_use replaced the list): decoded, split, skeleton, code
** points and their counts.
** A call prepares the host and at most LA_OWN_MAX own names, then makes
** O(services) cheap comparisons: one search for the known label in the
** host rules out every embedding, and the edit distance's table is built
** only when the lengths and the letter counts allow the distance.
** Measured on 317 mixed hosts against the 128 shipped services and two own
** names: 16 to 20 us a call on one core, of which about 12 are the Public
** Suffix List lookups of the host and the own names (watch_registrable);
** hosts.c asks only about hosts that are nobody's, and the judge only about
** references the baseline does not know.
*/
#include "watch/watch.h"

#include <idn2.h>
#include <pthread.h>
#include <stdatomic.h>
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
	char dec[LA_DEC_MAX];  /* lower-case, xn-- labels decoded to UTF-8, no trailing dot */
	size_t len;            /* strlen(dec) */
	size_t reg;            /* offset of the registrable domain in dec */
	size_t lab;            /* offset of the label compared: the registrable label, or
			       ** for a known name under a private suffix the suffix's
			       ** brand (googleapis of ajax.googleapis.com, la_brand) */
	size_t llen;           /* bytes of that label */
	size_t reglen;         /* strlen(dec + reg) */
	bool generic;          /* the label is a generic word (la_is_generic) */
	uint32_t cp[LA_LABEL_CP]; /* the label's code points */
	size_t ncp;            /* their number; SIZE_MAX when longer than LA_LABEL_CP */
	uint8_t hist[32];      /* code points of the label by their low 5 bits (la_osa_low) */
	char skel[LA_DEC_MAX]; /* skeleton of the label (la_skeleton) */
	char rskel[LA_DEC_MAX]; /* skeleton of the whole name (host) or of the
				** registrable domain (known name), dots kept */
	size_t rskel_len;
	bool ace;              /* the registrable label was written xn-- and decoded */
	bool any_ace;          /* some label was */
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
#define W(s) { s, sizeof(s) - 1 }
static const struct {
	const char *w;
	size_t n;
} la_generic[] = {
	W("ac"), W("account"), W("accounts"), W("ad"), W("ads"), W("ajax"), W("analytic"),
	W("analytics"), W("api"), W("apis"), W("app"), W("apps"), W("asset"), W("assets"),
	W("auth"), W("beta"), W("blog"), W("cdn"), W("cdns"), W("chat"), W("cloud"),
	W("co"), W("code"), W("com"), W("content"), W("data"), W("dev"), W("digital"),
	W("docs"), W("edu"), W("email"), W("embed"), W("example"), W("file"), W("files"),
	W("font"), W("fonts"), W("forum"), W("gateway"), W("get"), W("global"), W("go"),
	W("gov"), W("help"), W("home"), W("host"), W("image"), W("images"), W("img"),
	W("info"), W("int"), W("js"), W("lib"), W("libs"), W("live"), W("localhost"),
	W("login"), W("m"), W("mail"), W("map"), W("maps"), W("media"), W("metrics"),
	W("mil"), W("min"), W("mobile"), W("my"), W("net"), W("network"), W("new"),
	W("news"), W("office"), W("official"), W("online"), W("org"), W("panel"), W("pay"),
	W("payment"), W("photo"), W("photos"), W("pixel"), W("player"), W("portal"),
	W("query"), W("search"), W("secure"), W("server"), W("service"), W("services"),
	W("shop"), W("signin"), W("site"), W("src"), W("sso"), W("stat"), W("static"),
	W("statistic"), W("statistics"), W("stats"), W("store"), W("support"), W("tag"),
	W("tagmanager"), W("test"), W("track"), W("tracking"), W("update"), W("verify"),
	W("video"), W("videos"), W("web"), W("webmail"), W("widget"), W("widgets"),
	W("www"),
};
#undef W

static bool la_is_generic(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(la_generic) / sizeof(la_generic[0]); i++)
		if (la_generic[i].n == n && memcmp(la_generic[i].w, s, n) == 0)
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

/* Make the label at dec + off (up to the next dot) the one compared: its
** length, skeleton and code points. False when it is empty. */
static bool la_set_label(struct la_name *n, size_t off)
{
	const char *l = n->dec + off, *dot = strchr(l, '.');
	n->lab = off;
	n->llen = dot ? (size_t)(dot - l) : n->len - off;
	if (n->llen == 0)
		return false;
	n->generic = la_is_generic(l, n->llen);
	la_skeleton(l, n->llen, n->skel);
	size_t j = 0;
	n->ncp = 0;
	memset(n->hist, 0, sizeof(n->hist));
	while (j < n->llen) {
		uint32_t c = la_next(l, n->llen, &j);
		if (n->ncp == LA_LABEL_CP) {
			n->ncp = SIZE_MAX;
			break;
		}
		n->cp[n->ncp++] = c;
		n->hist[c & 31]++; /* at most 64: no overflow */
	}
	return true;
}

/* Prepare s (a host or a domain, any case, maybe with a trailing dot,
** maybe xn-- or UTF-8) into *n. False for what cannot be a domain name
** (empty, an IP address, spaces or controls, too long). */
static bool la_prepare(const char *s, struct la_name *n)
{
	char a[WATCH_HOST_MAX];
	size_t k = 0;
	memset(n, 0, sizeof(*n));
	/* lower-case ASCII; the ideographic and fullwidth full stops are dots
	** to IDNA, as they are to a browser */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (k + 2 >= sizeof(a))
			return false;
		if (*p <= ' ' || *p == 0x7F || *p == '/' || *p == '\\' || *p == '@' || *p == '[' ||
		    *p == ']')
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
	if (k == 0 || a[0] == '.' || strstr(a, "..") || !utf8_valid(a, k) || la_is_ipish(a) ||
	    watch_host_is_ip(a))
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

	/* xn-- labels decoded one by one (a label that does not decode stays
	** as written and spoils no other) */
	size_t o = 0, li = 0;
	for (const char *p = a;; li++) {
		const char *e = strchr(p, '.');
		size_t ln = e ? (size_t)(e - p) : strlen(p), sn = ln;
		const char *src = p;
		char *u = NULL;
		if (ln > 4 && strncmp(p, "xn--", 4) == 0) {
			char lab[WATCH_HOST_MAX];
			memcpy(lab, p, ln);
			lab[ln] = '\0';
			if (idn2_to_unicode_8z8z(lab, &u, 0) == IDN2_OK && u && utf8_valid(u, strlen(u))) {
				src = u;
				sn = strlen(u);
				n->ace |= li == na - nr; /* the registrable label */
				n->any_ace = true;
			}
		}
		if (o + sn + 2 > LA_DEC_MAX) {
			idn2_free(u);
			return false;
		}
		for (size_t i = 0; i < sn; i++)
			n->dec[o++] = (char)(src[i] >= 'A' && src[i] <= 'Z' ? src[i] + 32 : src[i]);
		idn2_free(u);
		if (!e)
			break;
		n->dec[o++] = '.';
		p = e + 1;
	}
	n->dec[o] = '\0';
	n->len = o;

	/* the registrable label starts after the (na - nr)-th dot */
	size_t dots = 0, off = 0;
	for (size_t j = 0; j < n->len && dots < na - nr; j++)
		if (n->dec[j] == '.' && ++dots == na - nr)
			off = j + 1;
	n->reg = off;
	n->reglen = n->len - off;
	const char *dot = strchr(n->dec + off, '.');
	if (!la_set_label(n, off))
		return false;

	n->restricted = la_suffix_closed(dot ? dot + 1 : "");
	la_skeleton(n->dec, n->len, n->rskel); /* la_prepare_list narrows a known name's */
	n->rskel_len = strlen(n->rskel);
	return true;
}

/* A known name's brand: its registrable label, unless that is a generic
** word and the public suffix has a distinctive first label of its own.
** The PSL lists some companies' domains as private suffixes (googleapis.com,
** for its storage buckets), which makes ajax.googleapis.com its own
** registrable domain, with "ajax" for a label: the name people recognise,
** and imitate (ajax-googleapis.com), is the suffix's. */
static void la_brand(struct la_name *n)
{
	const char *lab = n->dec + n->lab;
	if (!la_is_generic(lab, n->llen) || lab[n->llen] != '.')
		return;
	const char *s = lab + n->llen + 1, *dot = strchr(s, '.');
	if (!dot || dot - s < 5 || la_is_generic(s, (size_t)(dot - s)))
		return;
	la_set_label(n, (size_t)(s - n->dec));
}

/* ---------------------------------------------------- known services */

/* The services' names as prepared from one list (watch_service_at): the
** list is recognised by its length and its first and last rows. */
struct la_cache {
	struct la_name *svc;
	size_t nsvc;
	size_t count;
	const struct watch_service *first, *last;
	struct la_cache *older; /* kept, never freed: a reader may hold it */
};
static _Atomic(struct la_cache *) la_cur;
static pthread_mutex_t la_mu = PTHREAD_MUTEX_INITIALIZER;

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
		la_brand(x);
		la_skeleton(x->dec + x->reg, x->reglen, x->rskel);
		x->rskel_len = strlen(x->rskel);
		for (size_t j = 0; j < k && !own && !x->dup; j++)
			x->dup = strcmp(out[j].dec + out[j].reg, x->dec + x->reg) == 0;
		k++;
	}
	return k;
}

/* The services' names prepared from the list in use: once per process, and
** again when watch_services_use replaced the list (a start-up call, but a
** test or a later one must not be judged against the old list). The
** caches live as long as the process. NULL on out of memory: look-alikes
** of own names are still found. */
static const struct la_cache *la_services(void)
{
	size_t count = watch_service_count();
	const struct watch_service *first = count ? watch_service_at(0) : NULL;
	const struct watch_service *last = count ? watch_service_at(count - 1) : NULL;
	struct la_cache *c = atomic_load(&la_cur);
	if (c && c->count == count && c->first == first && c->last == last)
		return c;
	pthread_mutex_lock(&la_mu);
	c = atomic_load(&la_cur);
	if (c && c->count == count && c->first == first && c->last == last)
		goto out;
	size_t n = count < LA_KNOWN_MAX ? count : LA_KNOWN_MAX;
	struct la_cache *nc = calloc(1, sizeof(*nc));
	const char **hosts = n ? calloc(n, sizeof(*hosts)) : NULL;
	if (nc && n)
		nc->svc = calloc(n, sizeof(*nc->svc));
	if (!nc || (n && (!hosts || !nc->svc))) {
		if (nc)
			free(nc->svc);
		free(nc);
		free(hosts);
		goto out; /* keep the previous list, if any */
	}
	for (size_t i = 0; i < n; i++) {
		const struct watch_service *sv = watch_service_at(i);
		hosts[i] = sv ? sv->host : NULL;
	}
	nc->nsvc = la_prepare_list(hosts, n, false, nc->svc);
	free(hosts);
	nc->count = count;
	nc->first = first;
	nc->last = last;
	nc->older = c;
	atomic_store(&la_cur, nc);
	c = nc;
out:
	pthread_mutex_unlock(&la_mu);
	return c;
}

/* ------------------------------------------------------- comparisons */

/* Is a the name b or under it? */
static bool la_under(const struct la_name *a, const struct la_name *b)
{
	if (a->len < b->len)
		return false;
	if (a->len == b->len)
		return strcmp(a->dec, b->dec) == 0;
	return a->dec[a->len - b->len - 1] == '.' && strcmp(a->dec + a->len - b->len, b->dec) == 0;
}

/* Is h the name k, under it, above it (googleapis.com of the listed
** ajax.googleapis.com), or under the same registrable domain: the same
** owner, by the PSL? */
static bool la_same_owner(const struct la_name *h, const struct la_name *k)
{
	return (h->reglen == k->reglen && memcmp(h->dec + h->reg, k->dec + k->reg, h->reglen) == 0) ||
	       la_under(h, k) || la_under(k, h);
}

static bool la_sep(char c)
{
	return c == '.' || c == '-';
}

/* Does the domain d (two labels or more) occur in the host s, between
** label or hyphen boundaries, with a dot or a hyphen in s for each of its
** dots (jquery.com in jquery.com.x.top, jquery-com.x.top, x-jquery.com)?
** The caller has ruled out s being d or under it. */
static bool la_name_inside(const char *s, size_t sn, const char *d, size_t dn)
{
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

/* Is every hyphen-separated part of l[0..ln) outside at[0..wn) a word
** that says nothing of its own: a generic word (login, portal, news,
** secure), a label of k's public suffix (gov of mrud.gov.ir), or with
** short, a part of 2 bytes or less (e-mrud)? Own names are words and
** places (tehran, isfahan), and other real names are made of them
** (tehran-metro.ir, isfahan-tourism.ir): an own name counts as embedded
** only beside such empty words, as phishing names write it
** (mrud-gov.ir, secure-tax-golestan.com, irna-news.ir). */
static bool la_rest_empty(const char *l, size_t ln, const char *at, size_t wn,
			  const struct la_name *k, bool short_ok)
{
	const char *suf = k->dec + k->lab + k->llen; /* ".gov.ir" or "" */
	const char *p = l, *end = l + ln;
	while (p < end) {
		const char *q = p;
		/* a part ends at a hyphen or where the name begins or ends */
		while (q < end && *q != '-' && q != at)
			q++;
		size_t n = (size_t)(q - p);
		bool ok = n == 0 || la_is_generic(p, n) || (short_ok && n <= 2);
		for (const char *s2 = suf; !ok && *s2 == '.';) {
			const char *e = strchr(s2 + 1, '.');
			size_t sn = e ? (size_t)(e - s2 - 1) : strlen(s2 + 1);
			ok = sn == n && memcmp(s2 + 1, p, n) == 0;
			s2 = e ? e : s2 + 1 + sn;
		}
		if (!ok)
			return false;
		p = q == at ? at + wn : q + 1;
	}
	return true;
}

/* Does the label w occur in the label l as a hyphen-separated part
** (code-jquery, jquery-cdn, mrud-gov)? l != w. For an own name k, the
** other parts must be empty words (la_rest_empty). */
static bool la_token_inside(const char *l, size_t ln, const char *w, size_t wn,
			    const struct la_name *k)
{
	for (size_t p = 0; p + wn <= ln; p++)
		if ((p == 0 || l[p - 1] == '-') && (p + wn == ln || l[p + wn] == '-') &&
		    memcmp(l + p, w, wn) == 0 &&
		    (!k->own || la_rest_empty(l, ln, l + p, wn, k, true)))
			return true;
	return false;
}

/* Does w occur glued inside l with a short or generic rest (jquerycdn,
** cdnjquery, googleanalytics, jquery1)? The rest, hyphens and digits left
** out, must be at most 3 bytes or a generic word: a brand inside a longer
** word is more often that word (aparatchik) than an imitation. For an own
** name the rest must be empty words, never merely short (tehran24 is a
** news site). */
static bool la_glued_inside(const char *l, size_t ln, const char *w, size_t wn,
			    const struct la_name *k)
{
	const char *at = NULL;
	for (size_t p = 0; p + wn <= ln && !at; p++)
		if (memcmp(l + p, w, wn) == 0)
			at = l + p;
	if (!at)
		return false;
	if (k->own)
		return la_rest_empty(l, ln, at, wn, k, false);
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

/* A lower bound of the edit distance of two labels from their letter
** counts: an insertion or a deletion changes one count by one, a
** substitution two by one each, a transposition none; so half the sum of
** the differences (rounded up) is never more than the distance. Rules out
** most pairs before la_osa's table. */
static size_t la_osa_low(const struct la_name *a, const struct la_name *b)
{
	size_t sum = 0;
	for (size_t i = 0; i < 32; i++)
		sum += a->hist[i] > b->hist[i] ? (size_t)(a->hist[i] - b->hist[i])
					       : (size_t)(b->hist[i] - a->hist[i]);
	return (sum + 1) / 2;
}

/* Does the label w (wn bytes) occur in s[0..sn)? memmem() for needles this
** short costs more to set up than the search. */
static bool la_has(const char *s, size_t sn, const char *w, size_t wn)
{
	if (wn == 0 || wn > sn)
		return wn == 0;
	for (size_t i = 0; i + wn <= sn; i++)
		if (s[i] == w[0] && memcmp(s + i + 1, w + 1, wn - 1) == 0)
			return true;
	return false;
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

/* The findings, weakest first: the number is the strength that decides
** between names (la_judge). The same label under another suffix
** (google-analytics.cm) names what is imitated better than a brand
** embedded in it, a whole name embedded better than a label, a typo is the
** weakest. */
enum la_strength {
	LA_S_NONE,
	LA_S_TYPO,     /* WATCH_LA_EDIT, by distance */
	LA_S_LABEL,    /* WATCH_LA_EMBEDDED, the known label in the host's */
	LA_S_WHOLE,    /* WATCH_LA_EMBEDDED, the known registrable domain inside */
	LA_S_SUFFIX,   /* WATCH_LA_EDIT, the same label under another suffix */
	LA_S_GLYPH,    /* WATCH_LA_HOMOGLYPH */
	LA_S_PUNYCODE, /* WATCH_LA_PUNYCODE */
};

static enum watch_lookalike la_class(enum la_strength s)
{
	switch (s) {
	case LA_S_TYPO:
	case LA_S_SUFFIX:
		return WATCH_LA_EDIT;
	case LA_S_LABEL:
	case LA_S_WHOLE:
		return WATCH_LA_EMBEDDED;
	case LA_S_GLYPH:
		return WATCH_LA_HOMOGLYPH;
	case LA_S_PUNYCODE:
		return WATCH_LA_PUNYCODE;
	case LA_S_NONE:
		break;
	}
	return WATCH_LA_NONE;
}

/* How h imitates the known name k, if it does (h is not k's: the caller
** checked with la_same_owner). */
static enum la_strength la_match(const struct la_name *h, const struct la_name *k)
{
	const char *hl = h->dec + h->lab, *kl = k->dec + k->lab, *kreg = k->dec + k->reg;
	const char *hsuf = hl + h->llen, *ksuf = kl + k->llen;
	bool same_label = h->llen == k->llen && memcmp(hl, kl, h->llen) == 0;
	bool kgeneric = k->generic;
	size_t kcp = k->ncp == SIZE_MAX ? LA_LABEL_CP + 1 : k->ncp;
	bool distinctive = !kgeneric && kcp >= (k->own ? 4u : 5u);

	/* spelled with look-alike characters */
	if (!h->restricted && distinctive && !same_label && strcmp(h->skel, k->skel) == 0)
		return h->ace ? LA_S_PUNYCODE : LA_S_GLYPH;

	/* every embedding has the known label, as written, inside the host:
	** most names are ruled out here, by one search */
	bool inside = la_has(h->dec, h->len, kl, k->llen);

	/* the whole known registrable domain inside the host (a subdomain of
	** the attacker's: jquery.com.x.top, or hyphenated: mrud-gov.ir) */
	if (inside && !same_label && !kgeneric && kcp >= 3 && k->reglen > k->llen &&
	    la_name_inside(h->dec, h->len, kreg, k->reglen))
		return LA_S_WHOLE;
	/* the same spelled with look-alike characters (www.g00gle-analytics.com
	** .x.top, rnrud.gov.ir.ws): the skeletons, the label's first */
	if (!same_label && !kgeneric && kcp >= 3 && k->reglen > k->llen &&
	    la_has(h->rskel, h->rskel_len, k->skel, strlen(k->skel)) &&
	    la_name_inside(h->rskel, h->rskel_len, k->rskel, k->rskel_len))
		return h->any_ace ? LA_S_PUNYCODE : LA_S_GLYPH;
	if (h->restricted || !distinctive)
		return LA_S_NONE;

	/* the same name under another public suffix */
	if (same_label)
		return strcmp(hsuf, ksuf) != 0 ? LA_S_SUFFIX : LA_S_NONE;

	/* the known label as a part of the host's registrable label */
	if (inside && la_token_inside(hl, h->llen, kl, k->llen, k))
		return LA_S_LABEL;
	if (inside && kcp >= 6 && la_glued_inside(hl, h->llen, kl, k->llen, k))
		return LA_S_LABEL;
	/* a service's label as a subdomain label of another domain
	** (google-analytics.x.top); not own names: CDNs name their
	** customers' zones after them (mrud.some-cdn.ir) */
	if (inside && !k->own) {
		for (const char *p = h->dec; p < hl;) {
			const char *e = strchr(p, '.');
			if (!e || e >= hl)
				break;
			if (la_token_inside(p, (size_t)(e - p), kl, k->llen, k))
				return LA_S_LABEL;
			p = e + 1;
		}
	}

	/* a typo of the known label; not by a label under 5 letters, a word
	** or an acronym more often than a typo (plus is not splus) */
	if (h->generic || h->ncp == SIZE_MAX || k->ncp == SIZE_MAX || h->ncp < 5)
		return LA_S_NONE;
	if (k->own && kcp < 6)
		return LA_S_NONE;
	size_t max = kcp >= 10 ? 2 : 1;
	size_t diff = h->ncp > k->ncp ? h->ncp - k->ncp : k->ncp - h->ncp;
	if (diff > max || la_osa_low(h, k) > max)
		return LA_S_NONE;
	size_t d = la_osa(h->cp, h->ncp, k->cp, k->ncp, max);
	return d >= 1 && d <= max ? LA_S_TYPO : LA_S_NONE;
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
	enum la_strength strength = LA_S_NONE;
	size_t rank = 0;
	for (size_t i = 0; i < non + nsvc && strength != LA_S_PUNYCODE; i++) {
		const struct la_name *k = i < non ? &on[i] : &svc[i - non];
		if (k->dup)
			continue;
		enum la_strength st = la_match(h, k);
		/* of two findings of one strength, the longer label is the one
		** imitated (google-analytics over google) */
		size_t r = st == LA_S_NONE ? 0 : (size_t)st * 1024 + (k->llen < 1024 ? k->llen : 1023);
		if (r > rank) {
			strength = st;
			rank = r;
			who = k;
		}
	}
	best = la_class(strength);
	/* the name imitated: the registrable domain found inside, else the
	** domain of the label compared (gstatic.com, googleapis.com) */
	if (who) {
		/* cut on a character boundary: it goes into the verdict's text */
		const char *from = who->dec + (strength == LA_S_WHOLE ? who->reg : who->lab);
		size_t n = strlen(from);
		if (n >= WATCH_HOST_MAX) {
			n = WATCH_HOST_MAX - 1;
			while (n > 0 && ((unsigned char)from[n] & 0xC0) == 0x80)
				n--;
		}
		memcpy(imitates, from, n);
		imitates[n] = '\0';
	}
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
	const struct la_cache *c = la_services();
	return la_judge(host, own, nown, c ? c->svc : NULL, c ? c->nsvc : 0, imitates);
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
