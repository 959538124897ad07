/*
** analyze.c — one page body to features: gumbo parses, a tree walk collects.
**
** The body comes from a server that may be hostile (a defaced site is, by
** definition, controlled by someone else), so every step is bounded:
**
**   - at most WATCH_BODY_MAX bytes are looked at, cut on a UTF-8 boundary;
**   - a cheap pre-scan estimates the nesting depth the parser will build and
**     cuts the body where it would pass WATCH_DEPTH_MAX, because gumbo 0.10
**     has no depth limit and spends time quadratic in depth;
**   - gumbo allocates from an arena of ours that tracks every block and has a
**     CPU-time and byte budget: when either runs out the parse is abandoned
**     with longjmp and the arena freed whole (gumbo holds no other resource),
**     so no crafted page the pre-scan misjudges can stall the watch loop
**     (gumbo also has quadratic paths that have nothing to do with depth:
**     2 MiB of "<select><option><b>", depth 3, take it 19 s);
**   - gumbo records no parse errors (max_errors 0): each recorded error
**     copies the stack of open elements, which made malformed pages cost
**     seconds for nothing we use;
**   - the tree walk is iterative (parent links), never recursive;
**   - kept text, hosts and hashes are capped.
**
** What is collected, and why: the title and visible text (defacements replace
** them), word shingles of the text (a similarity that ignores layout),
** the hosts of external scripts, iframes and form actions (injected code and
** credential theft live there), outbound link hosts (SEO spam), inline script
** hashes (injected inline code) and redirect targets (meta refresh and simple
** location assignments). Relative URLs resolve to the page's own host, or to
** the host of a <base href>, which is how a browser would load them.
**
** gumbo reads UTF-8 only, so a page in windows-1256, ISO-8859-6 or
** windows-1252 (declared by its Content-Type header or a <meta>) is
** converted first (charset.c); the features record which encoding was read.
*/
#include "watch/watch.h"

#include <gumbo.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Budgets of one parse: 1 s of CPU plus 4 s per MiB, and 256 MiB. Dense
** markup costs gumbo about 0.4 s per MiB here (2 s for 2 MiB under ASan),
** so only a page that defeats the depth pre-scan reaches them. */
static _Atomic long long budget_base = 1000000000LL;
static _Atomic long long budget_per_byte = 3815LL; /* 4 s / MiB */
#define PARSE_MEM_MAX ((size_t)256 << 20)
/* Tree walk steps: two per node at most; a 2 MiB body has fewer nodes. */
#define WALK_STEPS_MAX (16u << 20)

/* ------------------------------------------------------------- host sets */

void watch_set_init(struct watch_set *s, uint32_t max)
{
	memset(s, 0, sizeof(*s));
	s->max = max;
}

bool watch_set_has(const struct watch_set *s, const char *x)
{
	for (uint32_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], x) == 0)
			return true;
	return false;
}

int watch_set_add(struct watch_set *s, const char *x)
{
	if (watch_set_has(s, x))
		return 0;
	if (s->n >= s->max) {
		s->full = true;
		return -1;
	}
	if (!s->v) {
		/* Allocated whole on first use: max is small and fixed. */
		s->v = calloc(s->max, sizeof(*s->v));
		if (!s->v)
			return -1;
	}
	char *d = strdup(x);
	if (!d)
		return -1;
	s->v[s->n++] = d;
	return 1;
}

void watch_set_free(struct watch_set *s)
{
	for (uint32_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* ------------------------------------------------------------------ URLs */

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int hexval(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static bool special_scheme(const char *s)
{
	return !strcmp(s, "http") || !strcmp(s, "https") || !strcmp(s, "ftp") || !strcmp(s, "ws") ||
	       !strcmp(s, "wss");
}

/* The authority a[0..n) to a host in out, or -1. */
static int authority_host(const char *a, size_t n, char out[WATCH_HOST_MAX])
{
	for (size_t i = n; i > 0; i--)
		if (a[i - 1] == '@') { /* userinfo ends at the last '@' */
			a += i;
			n -= i;
			break;
		}
	size_t hn = n;
	if (n && a[0] == '[') {
		const char *rb = memchr(a, ']', n);
		if (!rb)
			return -1;
		hn = (size_t)(rb - a) + 1;
	} else {
		const char *colon = memchr(a, ':', n);
		if (colon)
			hn = (size_t)(colon - a);
	}
	size_t o = 0;
	for (size_t i = 0; i < hn; i++) {
		unsigned char c = (unsigned char)a[i];
		if (c == '%' && i + 2 < hn && hexval((unsigned char)a[i + 1]) >= 0 &&
		    hexval((unsigned char)a[i + 2]) >= 0) {
			c = (unsigned char)(hexval((unsigned char)a[i + 1]) * 16 +
					    hexval((unsigned char)a[i + 2]));
			i += 2;
		}
		bool ok = is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c >= 0x80 ||
			  (a[0] == '[' && (c == ':' || c == '[' || c == ']'));
		if (!ok || o + 1 >= WATCH_HOST_MAX)
			return -1;
		out[o++] = lower((char)c);
	}
	while (o > 0 && out[o - 1] == '.')
		o--;
	out[o] = '\0';
	if (o == 0 || !utf8_valid(out, o))
		return -1;
	return 0;
}

enum watch_url_kind watch_url_host(const char *url, size_t n, const char *base_host,
				   char out[WATCH_HOST_MAX])
{
	/* Browsers drop tabs and newlines anywhere in a URL and trim C0 controls
	** and spaces at both ends; "jav\tascript:" and " //evil" must not hide. */
	char buf[2048];
	size_t m = 0, b = 0, e = n;
	out[0] = '\0';
	while (b < e && (unsigned char)url[b] <= 0x20)
		b++;
	while (e > b && (unsigned char)url[e - 1] <= 0x20)
		e--;
	for (size_t i = b; i < e && m + 1 < sizeof(buf); i++)
		if (url[i] != '\t' && url[i] != '\n' && url[i] != '\r')
			buf[m++] = url[i];
	buf[m] = '\0';

	size_t p = 0;
	if (m && is_alpha((unsigned char)buf[0])) {
		size_t j = 1;
		while (j < m && (is_alpha((unsigned char)buf[j]) || is_digit((unsigned char)buf[j]) ||
				 buf[j] == '+' || buf[j] == '-' || buf[j] == '.'))
			j++;
		if (j < m && buf[j] == ':' && j < 32) {
			char scheme[33];
			for (size_t k = 0; k < j; k++)
				scheme[k] = lower(buf[k]);
			scheme[j] = '\0';
			if (!special_scheme(scheme)) {
				scheme[j] = ':';
				scheme[j + 1] = '\0';
				if (pstrlcpy(out, scheme, WATCH_HOST_MAX) != 0)
					return WATCH_URL_BAD;
				return WATCH_URL_OTHER;
			}
			/* After a special scheme any run of '/' and '\' (even none:
			** "https:evil.example") leads to the authority. */
			p = j + 1;
			while (p < m && (buf[p] == '/' || buf[p] == '\\'))
				p++;
			goto authority;
		}
	}
	if (m >= 2 && (buf[0] == '/' || buf[0] == '\\') && (buf[1] == '/' || buf[1] == '\\')) {
		p = 2;
		while (p < m && (buf[p] == '/' || buf[p] == '\\'))
			p++;
		goto authority;
	}
	/* Relative: the page's own (or <base>) host. */
	if (!base_host || !base_host[0])
		return WATCH_URL_BAD;
	if (pstrlcpy(out, base_host, WATCH_HOST_MAX) != 0)
		return WATCH_URL_BAD;
	return WATCH_URL_HOST;

authority:;
	size_t q = p;
	while (q < m && buf[q] != '/' && buf[q] != '\\' && buf[q] != '?' && buf[q] != '#')
		q++;
	if (authority_host(buf + p, q - p, out) != 0) {
		out[0] = '\0';
		return WATCH_URL_BAD;
	}
	return WATCH_URL_HOST;
}

static bool ends_with_label(const char *host, const char *root)
{
	size_t hn = strlen(host), rn = strlen(root);
	return hn > rn && host[hn - rn - 1] == '.' && strcmp(host + hn - rn, root) == 0;
}

bool watch_same_site(const char *host, const char *site)
{
	if (!host[0] || !site[0])
		return false;
	if (strcmp(host, site) == 0 || ends_with_label(host, site))
		return true;
	/* www.mof.example also owns mof.example and cdn.mof.example. */
	if (strncmp(site, "www.", 4) == 0 && strchr(site + 4, '.')) {
		const char *root = site + 4;
		return strcmp(host, root) == 0 || ends_with_label(host, root);
	}
	return false;
}

/* ---------------------------------------------------------------- folding */

char *watch_fold(const char *s, size_t n, bool digits, size_t *outlen)
{
	/* No transformation lengthens the text, so n + 1 bytes suffice. */
	char *o = malloc(n + 1);
	if (!o)
		return NULL;
	size_t k = 0;
	bool pending = false, in_digits = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned char c1 = i + 1 < n ? (unsigned char)s[i + 1] : 0;
		unsigned char c2 = i + 2 < n ? (unsigned char)s[i + 2] : 0;
		char rep[2];
		size_t rn = 1;
		bool digit = false;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			pending = true;
			in_digits = false;
			continue;
		}
		if (c == 0xC2 && c1 == 0xA0) { /* NBSP */
			pending = true;
			in_digits = false;
			i++;
			continue;
		}
		if (c == 0xE2 && c1 == 0x80 && c2 == 0x8C) { /* ZWNJ: "هک‌شده" is two words */
			pending = true;
			in_digits = false;
			i += 2;
			continue;
		}
		if ((c == 0xE2 && c1 == 0x80 && (c2 == 0x8B || c2 == 0x8D)) ||
		    (c == 0xEF && c1 == 0xBB && c2 == 0xBF)) {
			/* ZWSP, ZWJ, BOM: invisible, used to break up words. */
			i += 2;
			continue;
		}
		if (c == 0xD9 && (c1 == 0x8A || c1 == 0x89)) { /* Arabic yeh, alef maksura -> ی */
			rep[0] = (char)0xDB;
			rep[1] = (char)0x8C;
			rn = 2;
			i++;
		} else if (c == 0xD9 && c1 == 0x83) { /* Arabic kaf -> ک */
			rep[0] = (char)0xDA;
			rep[1] = (char)0xA9;
			rn = 2;
			i++;
		} else if ((c == 0xD9 && c1 >= 0xA0 && c1 <= 0xA9) ||
			   (c == 0xDB && c1 >= 0xB0 && c1 <= 0xB9)) { /* Arabic-Indic, Persian digits */
			rep[0] = (char)('0' + (c1 & 0x0F) % 10);
			digit = true;
			i++;
		} else if (is_digit(c)) {
			rep[0] = (char)c;
			digit = true;
		} else if (digits && c < 0x80 && !is_alpha(c)) {
			/* Punctuation separates words for shingles. */
			pending = true;
			in_digits = false;
			continue;
		} else {
			rep[0] = lower((char)c);
		}
		if (digit && digits) {
			/* Counters and dates change all the time: a digit run is "0". */
			if (in_digits && !pending)
				continue;
			rep[0] = '0';
			in_digits = true;
		} else {
			in_digits = false;
		}
		if (pending && k > 0)
			o[k++] = ' ';
		pending = false;
		memcpy(o + k, rep, rn);
		k += rn;
	}
	o[k] = '\0';
	if (outlen)
		*outlen = k;
	return o;
}

/* Length of s[0..n) without an incomplete UTF-8 sequence at its end. */
static size_t utf8_clip(const char *s, size_t n)
{
	size_t i = n, back = 0;
	while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
		i--;
		back++;
	}
	if (i == 0)
		return back ? 0 : n;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	return back + 1 >= need ? n : i - 1;
}

/* ------------------------------------------------------- depth pre-scan */

static bool name_in(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return true;
	return false;
}

static const char *const void_tags[] = { "area", "base", "br", "col", "embed", "hr", "img",
	"input", "link", "meta", "param", "source", "track", "wbr", "keygen", "basefont",
	"bgsound", "frame", "image", "isindex", NULL };
static const char *const raw_tags[] = { "script", "style", "textarea", "title", "xmp",
	"iframe", "noembed", "noframes", NULL };
static const char *const scope_tags[] = { "table", "td", "th", "caption", "html", "template",
	"applet", "marquee", "object", "button", NULL };
static const char *const closes_p[] = { "address", "article", "aside", "blockquote", "center",
	"details", "dialog", "dir", "div", "dl", "fieldset", "figcaption", "figure", "footer",
	"form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "main", "menu", "nav",
	"ol", "p", "pre", "section", "summary", "table", "ul", "li", "dd", "dt", "listing", NULL };
static const char *const formatting[] = { "a", "b", "big", "code", "em", "font", "i", "nobr",
	"s", "small", "strike", "strong", "tt", "u", NULL };
static const char *const list_stop[] = { "ul", "ol", "dl", "menu", "table", "td", "th",
	"button", "html", "template", NULL };

#define TAGN 12

struct depth_scan {
	char st[WATCH_DEPTH_MAX + 1][TAGN];
	size_t n;
	size_t foreign; /* stack height at which <svg>/<math> opened, or 0 */
};

/* Index+1 of the topmost name in the stack (0: none), not looking below a
** scope boundary (other than name itself). */
static size_t stack_find(const struct depth_scan *s, const char *name, const char *const *stop)
{
	for (size_t i = s->n; i > 0; i--) {
		if (strcmp(s->st[i - 1], name) == 0)
			return i;
		if (name_in(s->st[i - 1], stop))
			return 0;
	}
	return 0;
}

static void stack_pop_to(struct depth_scan *s, size_t idx1)
{
	s->n = idx1 - 1;
	if (s->foreign > s->n)
		s->foreign = 0;
}

/* Where to cut b[0..n) so that the tree gumbo builds stays within
** WATCH_DEPTH_MAX: n, or the offset of the first tag that would go deeper.
** An estimate of the HTML tree builder that errs on the deep side: void and
** raw-text elements, implied ends of p/li/dd/dt/option/tr/td/th, end tags
** within scope, formatting end tags that leave blocks open (the adoption
** agency keeps them), and self-closing tags only inside svg/math. </body> and
** </html> pop nothing, as in the parser. */
static size_t depth_cut(const char *b, size_t n, struct depth_scan *s)
{
	size_t i = 0;
	s->n = 0;
	s->foreign = 0;
	for (;;) {
		const char *lt = i < n ? memchr(b + i, '<', n - i) : NULL;
		if (!lt)
			return n;
		size_t t = (size_t)(lt - b);
		i = t + 1;
		if (i >= n)
			return n;
		if (b[i] == '!' || b[i] == '?') {
			const char *end = NULL;
			if (i + 2 < n && b[i] == '!' && b[i + 1] == '-' && b[i + 2] == '-') {
				end = memmem(b + i + 3, n - i - 3, "-->", 3);
				i = end ? (size_t)(end - b) + 3 : n;
			} else {
				end = memchr(b + i, '>', n - i);
				i = end ? (size_t)(end - b) + 1 : n;
			}
			continue;
		}
		bool is_end = b[i] == '/';
		if (is_end)
			i++;
		if (i >= n || !is_alpha((unsigned char)b[i]))
			continue;
		char name[TAGN];
		size_t k = 0;
		while (i < n && b[i] != '>' && b[i] != '/' && (unsigned char)b[i] > 0x20) {
			if (k + 1 < TAGN)
				name[k++] = lower(b[i]);
			i++;
		}
		name[k] = '\0';
		bool selfclose = false;
		while (i < n && b[i] != '>') {
			if (b[i] == '=') {
				i++;
				while (i < n && (unsigned char)b[i] <= 0x20)
					i++;
				if (i < n && (b[i] == '"' || b[i] == '\'')) {
					const char *qe = i + 1 < n ? memchr(b + i + 1, b[i], n - i - 1) : NULL;
					i = qe ? (size_t)(qe - b) + 1 : n;
				}
				selfclose = false;
				continue;
			}
			if ((unsigned char)b[i] > 0x20)
				selfclose = b[i] == '/';
			i++;
		}
		if (i < n)
			i++;
		if (is_end) {
			if (!strcmp(name, "body") || !strcmp(name, "html"))
				continue;
			size_t at = stack_find(s, name, scope_tags);
			if (!at)
				continue;
			bool block_above = false;
			for (size_t j = at; j < s->n; j++)
				block_above |= !name_in(s->st[j], formatting);
			if (name_in(name, formatting) && block_above) {
				memmove(s->st[at - 1], s->st[at], (s->n - at) * TAGN);
				s->n--;
				if (s->foreign >= at)
					s->foreign = s->foreign > 1 ? s->foreign - 1 : 0;
			} else {
				stack_pop_to(s, at);
			}
			continue;
		}
		if (name_in(name, void_tags) || (selfclose && s->foreign))
			continue;
		if (!strcmp(name, "plaintext"))
			return n;
		if (name_in(name, raw_tags)) {
			/* Skip to the matching end tag, left for the loop to read. */
			size_t nl = strlen(name);
			for (;;) {
				const char *c = i < n ? memmem(b + i, n - i, "</", 2) : NULL;
				if (!c) {
					i = n;
					break;
				}
				i = (size_t)(c - b);
				if (i + 2 + nl <= n && strncasecmp(b + i + 2, name, nl) == 0)
					break;
				i += 2;
			}
			continue;
		}
		if (!s->foreign && name_in(name, closes_p)) {
			size_t at = stack_find(s, "p", scope_tags);
			if (at)
				stack_pop_to(s, at);
		}
		if (!s->foreign) {
			size_t at = 0;
			if (!strcmp(name, "li"))
				at = stack_find(s, "li", list_stop);
			else if (!strcmp(name, "dd") || !strcmp(name, "dt")) {
				at = stack_find(s, "dd", list_stop);
				if (!at)
					at = stack_find(s, "dt", list_stop);
			} else if (!strcmp(name, "option") || !strcmp(name, "tr") ||
				   !strcmp(name, "td") || !strcmp(name, "th")) {
				static const char *const table_stop[] = { "table", "html", NULL };
				at = stack_find(s, name, table_stop);
				if (!at && (name[0] == 't') && name[1] != 'r')
					at = stack_find(s, name[1] == 'd' ? "th" : "td", table_stop);
			}
			if (at)
				stack_pop_to(s, at);
		}
		if (s->n >= WATCH_DEPTH_MAX)
			return t;
		memcpy(s->st[s->n++], name, TAGN);
		if (!s->foreign && (!strcmp(name, "svg") || !strcmp(name, "math")))
			s->foreign = s->n;
	}
}

/* ------------------------------------------------------ the parse arena */

union blk {
	struct {
		union blk *prev, *next;
		size_t size;
	} h;
	max_align_t align;
};

struct arena {
	union blk *head;
	size_t bytes;
	unsigned calls;
	long long budget_ns;
	struct timespec start;
	jmp_buf jb;
};

static void *arena_alloc(void *ud, size_t size)
{
	struct arena *a = ud;
	if (size > PARSE_MEM_MAX || a->bytes + size > PARSE_MEM_MAX)
		longjmp(a->jb, 1);
	/* The clock every 128 allocations: gumbo allocates for every token, and
	** its slow paths are per token, so the budget is checked often enough. */
	if ((++a->calls & 127) == 0) {
		struct timespec ts;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
		long long used = (long long)(ts.tv_sec - a->start.tv_sec) * 1000000000LL +
				 (ts.tv_nsec - a->start.tv_nsec);
		if (used > a->budget_ns)
			longjmp(a->jb, 2);
	}
	union blk *b = malloc(sizeof(*b) + size);
	if (!b)
		longjmp(a->jb, 3);
	b->h.size = size;
	b->h.prev = NULL;
	b->h.next = a->head;
	if (a->head)
		a->head->h.prev = b;
	a->head = b;
	a->bytes += size;
	return b + 1;
}

static void arena_free(void *ud, void *p)
{
	struct arena *a = ud;
	if (!p)
		return;
	union blk *b = (union blk *)p - 1;
	if (b->h.prev)
		b->h.prev->h.next = b->h.next;
	else
		a->head = b->h.next;
	if (b->h.next)
		b->h.next->h.prev = b->h.prev;
	a->bytes -= b->h.size;
	free(b);
}

static void arena_release(struct arena *a)
{
	union blk *b = a->head;
	while (b) {
		union blk *next = b->h.next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->bytes = 0;
}

/* ------------------------------------------------------------- the walk */

struct walk {
	struct watch_features *f;
	char base_host[WATCH_HOST_MAX]; /* where relative URLs go */
	char *text;
	size_t len, cap;
	bool pending; /* a space is due before the next visible character */
	bool title_done;
	bool oom;
};

static const GumboVector *children(const GumboNode *n)
{
	if (n->type == GUMBO_NODE_DOCUMENT)
		return &n->v.document.children;
	if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE)
		return &n->v.element.children;
	return NULL;
}

static const char *attr(const GumboNode *n, const char *name)
{
	const GumboAttribute *a = gumbo_get_attribute(&n->v.element.attributes, name);
	return a ? a->value : NULL;
}

/* Pre-order walk without recursion: enter() says whether to descend,
** leave() runs after a node's subtree. Follows parent links; an index that
** does not match its parent's vector is looked up, and a node not found
** ends the walk rather than looping. */
static void walk_tree(const GumboNode *root, struct walk *w,
		      bool (*enter)(struct walk *, const GumboNode *),
		      void (*leave)(struct walk *, const GumboNode *))
{
	const GumboNode *n = root;
	unsigned steps = 0;
	while (n && ++steps < WALK_STEPS_MAX) {
		const GumboVector *kids = children(n);
		if (enter(w, n) && kids && kids->length > 0) {
			n = kids->data[0];
			continue;
		}
		for (;;) {
			if (leave)
				leave(w, n);
			if (n == root || !n->parent)
				return;
			const GumboNode *p = n->parent;
			const GumboVector *pk = children(p);
			if (!pk)
				return;
			size_t idx = n->index_within_parent;
			if (idx >= pk->length || pk->data[idx] != n) {
				for (idx = 0; idx < pk->length && pk->data[idx] != n; idx++)
					;
				if (idx == pk->length)
					return;
			}
			if (idx + 1 < pk->length) {
				n = pk->data[idx + 1];
				break;
			}
			n = p;
		}
	}
}

static bool find_base(struct walk *w, const GumboNode *n)
{
	if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_DOCUMENT)
		return false;
	if (n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == GUMBO_TAG_BASE &&
	    !w->base_host[0]) {
		const char *href = attr(n, "href");
		char h[WATCH_HOST_MAX];
		if (href && watch_url_host(href, strlen(href), NULL, h) == WATCH_URL_HOST)
			PSTRCPY(w->base_host, h);
	}
	return true;
}

/* Append visible text, collapsing whitespace, up to WATCH_TEXT_MAX. */
static void text_add(struct walk *w, const char *s, size_t n)
{
	for (size_t i = 0; i < n && !(w->f->flags & WATCH_F_TEXT_CUT); i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
			w->pending = true;
			continue;
		}
		if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
			w->pending = true;
			i++;
			continue;
		}
		size_t need = (w->pending && w->len) ? 2 : 1;
		if (w->len + need > WATCH_TEXT_MAX) {
			w->f->flags |= WATCH_F_TEXT_CUT;
			break;
		}
		if (w->len + need + 1 > w->cap) {
			size_t nc = w->cap ? w->cap * 2 : 4096;
			if (nc > WATCH_TEXT_MAX + 1)
				nc = WATCH_TEXT_MAX + 1;
			char *t = realloc(w->text, nc);
			if (!t) {
				w->oom = true;
				return;
			}
			w->text = t;
			w->cap = nc;
		}
		if (need == 2)
			w->text[w->len++] = ' ';
		w->pending = false;
		w->text[w->len++] = (char)c;
	}
}

/* The text children of n, concatenated with whitespace collapsed, into out. */
static void node_text(const GumboNode *n, char *out, size_t outsz)
{
	size_t k = 0;
	bool pending = false;
	const GumboVector *kids = children(n);
	for (unsigned i = 0; kids && i < kids->length; i++) {
		const GumboNode *c = kids->data[i];
		if (c->type != GUMBO_NODE_TEXT && c->type != GUMBO_NODE_WHITESPACE &&
		    c->type != GUMBO_NODE_CDATA)
			continue;
		for (const char *p = c->v.text.text; *p; p++) {
			if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f') {
				pending = true;
				continue;
			}
			if (k + 2 >= outsz)
				goto done;
			if (pending && k)
				out[k++] = ' ';
			pending = false;
			out[k++] = *p;
		}
	}
done:
	k = utf8_clip(out, k);
	out[k] = '\0';
}

static bool is_inline(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_A: case GUMBO_TAG_ABBR: case GUMBO_TAG_B: case GUMBO_TAG_BDI:
	case GUMBO_TAG_BDO: case GUMBO_TAG_CITE: case GUMBO_TAG_CODE: case GUMBO_TAG_DATA:
	case GUMBO_TAG_DFN: case GUMBO_TAG_EM: case GUMBO_TAG_FONT: case GUMBO_TAG_I:
	case GUMBO_TAG_KBD: case GUMBO_TAG_MARK: case GUMBO_TAG_Q: case GUMBO_TAG_S:
	case GUMBO_TAG_SAMP: case GUMBO_TAG_SMALL: case GUMBO_TAG_SPAN: case GUMBO_TAG_STRONG:
	case GUMBO_TAG_SUB: case GUMBO_TAG_SUP: case GUMBO_TAG_TIME: case GUMBO_TAG_TT:
	case GUMBO_TAG_U: case GUMBO_TAG_VAR: case GUMBO_TAG_BIG: case GUMBO_TAG_NOBR:
	case GUMBO_TAG_STRIKE: case GUMBO_TAG_LABEL:
		return true;
	default:
		return false;
	}
}

/* Would a browser show this element? Checks the element and a few
** ancestors for the usual ways of hiding an injected iframe. */
static bool hidden(const GumboNode *n)
{
	for (int up = 0; n && n->type == GUMBO_NODE_ELEMENT && up < 16; up++, n = n->parent) {
		if (attr(n, "hidden"))
			return true;
		const char *st = attr(n, "style");
		if (st) {
			char c[512];
			size_t k = 0;
			for (; *st && k + 1 < sizeof(c); st++)
				if ((unsigned char)*st > 0x20)
					c[k++] = lower(*st);
			c[k] = '\0';
			const char *o = strstr(c, "opacity:0");
			if (strstr(c, "display:none") || strstr(c, "visibility:hidden") ||
			    strstr(c, "left:-") || strstr(c, "top:-") ||
			    (o && o[9] != '.' && !is_digit((unsigned char)o[9])))
				return true;
		}
		if (up == 0) {
			const char *dims[2] = { attr(n, "width"), attr(n, "height") };
			for (int d = 0; d < 2; d++) {
				const char *v = dims[d];
				if (!v)
					continue;
				while (*v == ' ')
					v++;
				if (is_digit((unsigned char)*v) && (v[0] == '0' || v[0] == '1') &&
				    !is_digit((unsigned char)v[1]))
					return true;
			}
		}
	}
	return false;
}

/* Resolve url and add its host to set (WATCH_URL_BAD and about: are not
** loads). Returns the kind. */
static enum watch_url_kind add_url(struct walk *w, struct watch_set *set, const char *url,
				   char host[WATCH_HOST_MAX])
{
	enum watch_url_kind k = watch_url_host(url, strlen(url), w->base_host, host);
	if (k == WATCH_URL_BAD || (k == WATCH_URL_OTHER && !strcmp(host, "about:")))
		return WATCH_URL_BAD;
	if (watch_set_add(set, host) < 0 && set->full)
		w->f->flags |= WATCH_F_CAPPED;
	return k;
}

static size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

static bool ident_char(char c)
{
	return is_alpha((unsigned char)c) || is_digit((unsigned char)c) || c == '_' || c == '$';
}

/* The first off-site target of `location = "..."`, `location.href = "..."`,
** `location.replace("...")` or `location.assign("...")` in a script. Only
** string literals: computed targets are out of reach of a static look. */
static void js_redirect(struct walk *w, const char *s, size_t n)
{
	size_t i = 0;
	for (int seen = 0; seen < 64 && i < n; seen++) {
		const char *p = memmem(s + i, n - i, "location", 8);
		if (!p)
			return;
		size_t k = (size_t)(p - s) + 8;
		i = k;
		if (p > s && ident_char(p[-1]))
			continue;
		if (k + 5 <= n && memcmp(s + k, ".href", 5) == 0)
			k += 5;
		k = skip_ws(s, n, k);
		size_t q;
		if (k < n && s[k] == '=' && (k + 1 >= n || s[k + 1] != '=')) {
			q = skip_ws(s, n, k + 1);
		} else if ((k + 8 <= n && memcmp(s + k, ".replace", 8) == 0) ||
			   (k + 7 <= n && memcmp(s + k, ".assign", 7) == 0)) {
			k += s[k + 1] == 'r' ? 8 : 7;
			k = skip_ws(s, n, k);
			if (k >= n || s[k] != '(')
				continue;
			q = skip_ws(s, n, k + 1);
		} else {
			continue;
		}
		if (q >= n || (s[q] != '"' && s[q] != '\'' && s[q] != '`'))
			continue;
		size_t lim = n - q - 1 < 2048 ? n - q - 1 : 2048;
		const char *e = memchr(s + q + 1, s[q], lim);
		if (!e)
			continue;
		char host[WATCH_HOST_MAX];
		if (watch_url_host(s + q + 1, (size_t)(e - s) - q - 1, w->base_host, host) ==
			    WATCH_URL_HOST &&
		    !watch_same_site(host, w->f->host)) {
			PSTRCPY(w->f->js_host, host);
			return;
		}
	}
}

static bool executable_type(const char *type)
{
	if (!type)
		return true;
	char t[64];
	size_t k = 0;
	for (; *type && k + 1 < sizeof(t); type++)
		if ((unsigned char)*type > 0x20)
			t[k++] = lower(*type);
	t[k] = '\0';
	return !t[0] || strstr(t, "javascript") || strstr(t, "ecmascript") || !strcmp(t, "module");
}

static void on_script(struct walk *w, const GumboNode *n)
{
	struct watch_features *f = w->f;
	char host[WATCH_HOST_MAX];
	const char *src = attr(n, "src");
	if (src && src[0]) {
		f->scripts_external++;
		add_url(w, &f->script_hosts, src, host);
		return;
	}
	if (!executable_type(attr(n, "type")))
		return;
	const GumboVector *kids = children(n);
	if (!kids || kids->length == 0)
		return;
	const GumboNode *t = kids->data[0];
	if (t->type != GUMBO_NODE_TEXT && t->type != GUMBO_NODE_WHITESPACE &&
	    t->type != GUMBO_NODE_CDATA)
		return;
	const char *s = t->v.text.text;
	size_t len = strlen(s), b = 0;
	while (b < len && (unsigned char)s[b] <= 0x20)
		b++;
	while (len > b && (unsigned char)s[len - 1] <= 0x20)
		len--;
	if (len == b)
		return;
	f->scripts_inline++;
	uint8_t d[32];
	char hex[65];
	core_sha256(s + b, len - b, d);
	core_hex(d, sizeof(d), hex);
	if (watch_set_add(&f->inline_hashes, hex) < 0 && f->inline_hashes.full)
		f->flags |= WATCH_F_CAPPED;
	if (!f->js_host[0])
		js_redirect(w, s + b, len - b);
}

static void on_meta(struct walk *w, const GumboNode *n)
{
	const char *he = attr(n, "http-equiv"), *c = attr(n, "content");
	if (!he || !c || strcasecmp(he, "refresh") != 0 || w->f->refresh_host[0])
		return;
	/* content="5; url='https://x/'": delay, separator, optional url=. */
	size_t len = strlen(c), i = skip_ws(c, len, 0);
	while (i < len && (is_digit((unsigned char)c[i]) || c[i] == '.'))
		i++;
	i = skip_ws(c, len, i);
	if (i < len && (c[i] == ';' || c[i] == ','))
		i = skip_ws(c, len, i + 1);
	if (i + 3 <= len && strncasecmp(c + i, "url", 3) == 0) {
		size_t j = skip_ws(c, len, i + 3);
		if (j < len && c[j] == '=')
			i = skip_ws(c, len, j + 1);
	}
	if (i >= len)
		return; /* a plain reload of the same page */
	size_t e = len;
	if (c[i] == '"' || c[i] == '\'') {
		const char *q = memchr(c + i + 1, c[i], len - i - 1);
		e = q ? (size_t)(q - c) : len;
		i++;
	}
	char host[WATCH_HOST_MAX];
	if (watch_url_host(c + i, e - i, w->base_host, host) != WATCH_URL_BAD)
		PSTRCPY(w->f->refresh_host, host);
}

static bool enter(struct walk *w, const GumboNode *n)
{
	struct watch_features *f = w->f;
	char host[WATCH_HOST_MAX];
	switch (n->type) {
	case GUMBO_NODE_DOCUMENT:
		return true;
	case GUMBO_NODE_TEXT:
	case GUMBO_NODE_CDATA:
		text_add(w, n->v.text.text, strlen(n->v.text.text));
		return false;
	case GUMBO_NODE_WHITESPACE:
		w->pending = true;
		return false;
	case GUMBO_NODE_TEMPLATE: /* inert until a script clones it */
	case GUMBO_NODE_COMMENT:
		return false;
	case GUMBO_NODE_ELEMENT:
		break;
	default:
		return false;
	}
	f->elements++;
	GumboTag tag = n->v.element.tag;
	if (!is_inline(tag))
		w->pending = true;
	switch (tag) {
	case GUMBO_TAG_TITLE:
		if (!w->title_done && n->v.element.tag_namespace == GUMBO_NAMESPACE_HTML) {
			node_text(n, f->title, sizeof(f->title));
			w->title_done = true;
		}
		return false;
	case GUMBO_TAG_SCRIPT:
		on_script(w, n);
		return false;
	case GUMBO_TAG_STYLE:
	case GUMBO_TAG_NOSCRIPT:
	case GUMBO_TAG_TEMPLATE:
		return false;
	case GUMBO_TAG_IFRAME:
	case GUMBO_TAG_FRAME: {
		const char *src = attr(n, "src");
		f->iframes++;
		if (src && src[0] && add_url(w, &f->iframe_hosts, src, host) != WATCH_URL_BAD &&
		    hidden(n) && watch_set_add(&f->hidden_iframe_hosts, host) < 0 &&
		    f->hidden_iframe_hosts.full)
			f->flags |= WATCH_F_CAPPED;
		return false;
	}
	case GUMBO_TAG_FORM: {
		const char *a = attr(n, "action");
		f->forms++;
		if (a && a[0])
			add_url(w, &f->form_hosts, a, host);
		else if (watch_set_add(&f->form_hosts, f->host) < 0 && f->form_hosts.full)
			f->flags |= WATCH_F_CAPPED;
		return true;
	}
	case GUMBO_TAG_BUTTON:
	case GUMBO_TAG_INPUT: {
		const char *a = attr(n, "formaction");
		if (a && a[0])
			add_url(w, &f->form_hosts, a, host);
		return true;
	}
	case GUMBO_TAG_A:
	case GUMBO_TAG_AREA: {
		const char *href = attr(n, "href");
		if (href && watch_url_host(href, strlen(href), w->base_host, host) == WATCH_URL_HOST) {
			f->links++;
			if (!watch_same_site(host, f->host)) {
				f->outbound_links++;
				if (watch_set_add(&f->link_hosts, host) < 0 && f->link_hosts.full)
					f->flags |= WATCH_F_CAPPED;
			}
		}
		return true;
	}
	case GUMBO_TAG_META:
		on_meta(w, n);
		return false;
	default:
		return true;
	}
}

static void leave(struct walk *w, const GumboNode *n)
{
	if (n->type == GUMBO_NODE_ELEMENT && !is_inline(n->v.element.tag))
		w->pending = true;
}

/* ------------------------------------------------------------- shingles */

/* The page's shingles (words.c, shared with the judge's block reading). */
static int make_shingles(struct watch_features *f)
{
	return watch_shingles(f->text, f->text_len, &f->shingles, &f->nshingles);
}

double watch_jaccard(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	if (na == 0 && nb == 0)
		return 1.0;
	size_t i = 0, j = 0, both = 0;
	while (i < na && j < nb) {
		if (a[i] == b[j]) {
			both++;
			i++;
			j++;
		} else if (a[i] < b[j]) {
			i++;
		} else {
			j++;
		}
	}
	return (double)both / (double)(na + nb - both);
}

double watch_outbound_share(const struct watch_features *f)
{
	return f->links ? (double)f->outbound_links / (double)f->links : 0.0;
}

/* --------------------------------------------------------------- extract */

static void features_init(struct watch_features *f)
{
	memset(f, 0, sizeof(*f));
	watch_set_init(&f->script_hosts, WATCH_SET_MAX);
	watch_set_init(&f->iframe_hosts, WATCH_SET_MAX);
	watch_set_init(&f->hidden_iframe_hosts, WATCH_SET_MAX);
	watch_set_init(&f->form_hosts, WATCH_SET_MAX);
	watch_set_init(&f->link_hosts, WATCH_SET_MAX);
	watch_set_init(&f->inline_hashes, WATCH_HASH_MAX);
}

void watch_features_free(struct watch_features *f)
{
	free(f->text);
	free(f->shingles);
	free(f->refs);
	free(f->blocks);
	watch_set_free(&f->script_hosts);
	watch_set_free(&f->iframe_hosts);
	watch_set_free(&f->hidden_iframe_hosts);
	watch_set_free(&f->form_hosts);
	watch_set_free(&f->link_hosts);
	watch_set_free(&f->inline_hashes);
	f->text = NULL;
	f->shingles = NULL;
	f->refs = NULL;
	f->blocks = NULL;
}

void watch_set_parse_budget(long long base_ns, long long per_byte_ns)
{
	budget_base = base_ns < 0 ? 0 : base_ns;
	budget_per_byte = per_byte_ns < 0 ? 0 : per_byte_ns;
}

/* Parse body into the arena and walk the tree; -1 when a budget ran out.
** Kept apart so that nothing but its unmodified arguments lives across
** setjmp. */
static int parse_and_walk(struct arena *a, const char *body, size_t len, struct walk *w)
{
	GumboOptions opt = kGumboDefaultOptions;
	opt.allocator = arena_alloc;
	opt.deallocator = arena_free;
	opt.userdata = a;
	opt.max_errors = 0; /* parse errors are not wanted and cost memory */
	a->budget_ns = budget_base + (long long)len * budget_per_byte;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a->start);
	if (setjmp(a->jb) != 0) {
		arena_release(a);
		return -1;
	}
	GumboOutput *o = gumbo_parse_with_options(&opt, body, len);
	walk_tree(o->document, w, find_base, NULL);
	if (!w->base_host[0])
		PSTRCPY(w->base_host, w->f->host);
	walk_tree(o->document, w, enter, leave);
	/* The arena holds every block of the tree: free it whole instead of
	** gumbo_destroy_output(), which recurses. */
	arena_release(a);
	return 0;
}

/* The page's own host from a URL or a bare host name. */
static int own_host(const char *url, char out[WATCH_HOST_MAX])
{
	if (!url || !url[0])
		url = WATCH_DEFAULT_HOST;
	size_t n = strlen(url);
	if (strstr(url, "://"))
		return watch_url_host(url, n, NULL, out) == WATCH_URL_HOST ? 0 : -1;
	char buf[WATCH_HOST_MAX + 2];
	if (n + 3 > sizeof(buf))
		return -1;
	buf[0] = buf[1] = '/';
	memcpy(buf + 2, url, n + 1);
	return watch_url_host(buf, n + 2, NULL, out) == WATCH_URL_HOST ? 0 : -1;
}

/* Has s[0..n) a byte outside ASCII? */
static bool has_high(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return true;
	return false;
}

/* The encoding of body into f->charset, and the body as UTF-8: *body and
** *len are left alone when it is read as UTF-8 (as it is, or pure ASCII,
** which every encoding we convert shares), else pointed into conv, which
** holds its conversion. A body declared in a legacy encoding that is valid
** UTF-8 with non-ASCII in it is read as UTF-8: Persian or Arabic text in
** windows-1256 is never valid UTF-8 beyond a few bytes, while a defacer's
** UTF-8 page served under the site's usual header is common. 0, or -1 with
** err on out of memory. */
static int decode_body(const char *content_type, const char **body, size_t *len,
		       struct pbuf *conv, struct watch_features *f, struct perr *err)
{
	watch_charset_sniff(content_type, *body, *len, f->charset);
	if (strcmp(f->charset, "utf-8") == 0)
		return 0;
	size_t u = *len > WATCH_BODY_MAX ? utf8_clip(*body, WATCH_BODY_MAX) : *len;
	if (utf8_valid(*body, u)) {
		if (has_high(*body, u))
			PSTRCPY(f->charset, "utf-8");
		return 0;
	}
	/* One byte is one character: any cut is on a character boundary. */
	size_t in = *len;
	if (in > WATCH_BODY_MAX) {
		in = WATCH_BODY_MAX;
		f->flags |= WATCH_F_TRUNCATED;
	}
	int r = watch_to_utf8(f->charset, *body, in, conv, err);
	if (r < 0)
		return -1;
	if (r > 0)
		f->flags |= WATCH_F_TRUNCATED;
	*body = conv->ptr ? conv->ptr : "";
	*len = conv->len;
	return 0;
}

int watch_extract(const char *body, size_t len, const char *url, struct watch_features *f,
		  struct perr *err)
{
	return watch_extract_ct(body, len, url, NULL, f, err);
}

int watch_extract_ct(const char *body, size_t len, const char *url, const char *content_type,
		     struct watch_features *f, struct perr *err)
{
	features_init(f);
	struct arena *a = NULL;
	struct depth_scan *ds = NULL;
	struct walk w;
	struct pbuf conv;
	int rc = -1;
	memset(&w, 0, sizeof(w));
	pbuf_init(&conv, WATCH_BODY_MAX);
	w.f = f;
	if (own_host(url, f->host) != 0) {
		perr_set(err, PERR_INVALID, "url", "not a URL or host name: %.100s", url);
		goto out;
	}
	if (!body)
		len = 0;
	if (decode_body(content_type, &body, &len, &conv, f, err) != 0)
		goto out;
	if (len > WATCH_BODY_MAX) {
		len = utf8_clip(body, WATCH_BODY_MAX);
		f->flags |= WATCH_F_TRUNCATED;
	}
	if (len && !utf8_valid(body, len))
		f->flags |= WATCH_F_BINARY;

	a = calloc(1, sizeof(*a));
	ds = malloc(sizeof(*ds));
	if (!a || !ds) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	size_t cut = len ? depth_cut(body, len, ds) : 0;
	if (cut < len) {
		len = cut;
		f->flags |= WATCH_F_DEEP | WATCH_F_TRUNCATED;
	}

	if (parse_and_walk(a, len ? body : "", len, &w) != 0) {
		/* Budget spent: the page is recorded as cut, with nothing found
		** (the walk never started), not as an error. */
		f->flags |= WATCH_F_BUDGET | WATCH_F_TRUNCATED;
	}
	if (w.oom) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	if (f->inline_hashes.full || f->script_hosts.full || f->iframe_hosts.full ||
	    f->form_hosts.full || f->link_hosts.full || f->hidden_iframe_hosts.full)
		f->flags |= WATCH_F_CAPPED;
	w.len = utf8_clip(w.text ? w.text : "", w.len);
	if (!w.text) {
		w.text = strdup("");
		if (!w.text) {
			perr_set(err, PERR_INTERNAL, NULL, "out of memory");
			goto out;
		}
	}
	w.text[w.len] = '\0';
	f->text = w.text;
	f->text_len = w.len;
	w.text = NULL;
	if (make_shingles(f) != 0) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	if (watch_signatures_scan(f->title, f->text, f->text_len, f->sig_counts) != 0) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	rc = 0;
out:
	free(w.text);
	free(ds);
	free(a);
	pbuf_free(&conv);
	return rc;
}
