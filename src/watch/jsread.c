/*
** jsread.c — a small static read of inline scripts (issue 12): what a
** script loads or where it sends the visitor, with string pieces joined and
** escapes decoded.
**
** Attackers who inject a loader or a redirect into a government page rarely
** write the URL plainly: they join it from pieces ('ht'+'tp://'), escape it
** (\x68), encode it (atob, String.fromCharCode, unescape), reverse it, keep
** it in a variable, or hide the whole loader in a string handed to eval.
** Analytics vendors, on the other hand, publish snippets that build their
** script URL from a constant and the site's id. Both are judged by where
** they load from, so this reader folds string expressions to constants and
** then follows the few sinks that load or navigate: createElement + src,
** document.write / innerHTML of tags, location assignment, window.open.
**
** It is not a JS engine. A tokenizer (strings, templates, comments, regex
** literals by the usual heuristic) feeds two things:
**   - a linear scan that notes reads of document.referrer and the user
**     agent (and whether they are tested), binds the arguments of an
**     immediately invoked function to its parameters (every vendor snippet
**     is one), and starts an evaluation at each identifier that heads an
**     expression;
**   - a bounded expression evaluator (precedence climbing) whose values are
**     strings with markers for what it cannot know (the page's own host,
**     its scheme, anything else), arrays, numbers and a few DOM objects
**     (window, document, location, a created element, its style). Its
**     assignments and calls are where destinations come from.
** Unknown constructs stop an evaluation; they never fail the read.
**
** Bounds: WATCH_JS_MAX bytes read; a token budget proportional to that
** length for everything (the scan, every evaluation, every skipped function
** body, code read from strings), so the work is linear in the input;
** recursion (expression nesting, template substitutions) to
** WATCH_JS_DEPTH_MAX; decoded values to WATCH_JS_DECODED_MAX bytes in a
** fixed arena; code found in strings (eval, written <script>) read to depth
** NEST_MAX. No allocation: the state lives on the caller's stack (about
** 50 KB).
*/
#include "watch/watch.h"

#include <stdio.h>
#include <string.h>

/* Markers inside values: bytes a decoded literal never contains (it turns
** them into '_'). */
#define MK_HOST '\x01' /* the page's own host or origin (location.host, .origin, document.domain) */
#define MK_PROTO '\x02' /* the page's own scheme (location.protocol) */
#define MK_UNK '\x03'  /* a part the reader cannot know */
#define MK_SEP '\x04'  /* between the elements of an array */

#define ARENA_MAX (3 * WATCH_JS_DECODED_MAX)
#define POOL_MAX (2 * WATCH_JS_DECODED_MAX)
#define SYM_MAX 64
#define SYM_NAME 32
#define ELEM_MAX 32
#define JOIN_MAX 8
#define ARG_MAX 16
#define PARAM_MAX 16
#define EVAL_TOKENS 4096 /* tokens one evaluation may consume */
#define NEST_MAX 2       /* levels of code read from strings */
#define NAME_MAX 48      /* identifier / property names compared */
#define IIFE_MAX 32 /* functions per script tried as immediately invoked */
#define IIFE_BODY 8192 /* tokens of a body skipped to find its call */

/* ------------------------------------------------------------------ state */

enum vtype {
	V_UNK, V_STR, V_ARR, V_NUM, V_RE, V_FN,
	V_WIN, V_DOC, V_LOC, V_NAV, V_NODE, V_ELEM, V_STYLE, V_JQ,
};
enum {
	VF_DECODED = 1 << 0, /* escapes of plain characters, atob, fromCharCode, reverse, ... */
	VF_TRUNC = 1 << 1,   /* cut at the decoded-size limit */
	VF_TAINT = 1 << 2,   /* derived from document.referrer or the user agent */
	VF_MANY = 1 << 3,    /* joined from more pieces than join[] keeps */
	VF_BOOL = 1 << 4,    /* a V_NUM that is a comparison's result */
	VF_GLOBAL = 1 << 5,  /* a V_RE with the g flag */
};
/* Builtins a V_FN names (num). */
enum { F_NONE, F_ATOB, F_UNESCAPE, F_DECODE_URI, F_IDENTITY, F_PARSEINT, F_EVAL, F_FUNCTION,
       F_TIMER, F_FROMCHARCODE, F_STRING, F_PACKER, F_REQUEST, F_WORKER, F_BLOB };

struct val {
	uint8_t t, f, nj;
	int8_t slot;       /* V_ELEM, V_STYLE: element slot, -1 none */
	uint32_t off, len; /* bytes (V_STR, V_ARR, V_RE) in the arena or, for a symbol, the pool */
	int64_t num;       /* V_NUM value; V_FN builtin; V_ELEM kind */
	uint16_t join[JOIN_MAX]; /* offsets where two pieces were joined */
};

enum ekind { EK_UNKNOWN, EK_SCRIPT, EK_IFRAME, EK_IMG, EK_LINK, EK_FORM, EK_OTHER };
struct elem {
	uint8_t kind;
	uint16_t rf;  /* WATCH_RF_HIDDEN / _TINY set on it */
	int16_t dest; /* destination its src gave, -1 none */
};

struct sym {
	char name[SYM_NAME];
	struct val v; /* bytes in the pool */
};

/* A function declared in the script, read again at each call with its
** parameters bound: `function load(u){ s.src = u } load('https://x/')`. */
#define FN_MAX 16
#define FN_PARAMS 8
#define FN_CALLS_MAX 64 /* calls followed per script */
struct fdecl {
	char name[SYM_NAME];
	char params[FN_PARAMS][SYM_NAME];
	uint8_t np;
	uint32_t s, e; /* body in the script */
};

struct jsr {
	struct watch_js_read *out;
	long budget; /* tokens left for everything */
	int nest;    /* code-in-strings depth */
	int obf;     /* > 0: reading code that was hidden in a string (eval) */
	bool cond;   /* a referrer / user-agent read is tested */
	const char *src; /* the script itself (declarations point into it) */
	struct { /* where function bodies end, as parse_fn found them */
		const char *src;
		uint32_t from, to;
	} fcache[8];
	unsigned nfcache;
	const char *dead_src; /* a function body that did not close within the */
	uint32_t dead_from, dead_to; /* limit: later skips starting inside it fail at once */
	struct fdecl fn[FN_MAX];
	unsigned nfn, ncalls;
	char ar[ARENA_MAX];
	uint32_t top;
	char pool[POOL_MAX];
	uint32_t pool_len;
	struct sym sym[SYM_MAX];
	unsigned nsym, sym_next;
	struct elem el[ELEM_MAX];
	unsigned nel;
};

/* ------------------------------------------------------------------ lexer */

enum { T_END, T_IDENT, T_NUM, T_STR, T_TPL, T_RE, T_PUNCT };
struct tok {
	uint8_t type;
	uint32_t s, e; /* raw span */
};
struct lex {
	struct jsr *st;
	const char *src;
	uint32_t n, pos;
	long lim;     /* tokens this lexer may still give */
	bool re_ok;   /* a '/' here starts a regular expression */
	bool line0;   /* only whitespace since the last newline (for "-->") */
};

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool id_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80 ||
	       c == '\\';
}

static bool id_char(unsigned char c)
{
	return id_start(c) || is_digit(c);
}

static void lex_init(struct lex *lx, struct jsr *st, const char *s, uint32_t n, long lim)
{
	memset(lx, 0, sizeof(*lx));
	lx->st = st;
	lx->src = s;
	lx->n = n;
	lx->lim = lim;
	lx->re_ok = true;
	lx->line0 = true;
}

/* Does w start at p? (No strlen: this runs for every token.) */
static bool at(const struct lex *lx, uint32_t p, const char *w)
{
	for (; *w; w++, p++)
		if (p >= lx->n || lx->src[p] != *w)
			return false;
	return true;
}

static void skip_line(struct lex *lx)
{
	const char *nl = memchr(lx->src + lx->pos, '\n', lx->n - lx->pos);
	lx->pos = nl ? (uint32_t)(nl - lx->src) : lx->n;
}

static void skip_space(struct lex *lx)
{
	while (lx->pos < lx->n) {
		unsigned char c = (unsigned char)lx->src[lx->pos];
		if (c <= ' ') {
			if (c == '\n')
				lx->line0 = true;
			lx->pos++;
		} else if (c != '/' && c != '<' && c != '-' && c < 0xc2) {
			break;
		} else if (c == '/' && at(lx, lx->pos, "//")) {
			skip_line(lx);
		} else if (c == '/' && at(lx, lx->pos, "/*")) {
			uint32_t p = lx->pos + 2;
			while (p + 1 < lx->n && !(lx->src[p] == '*' && lx->src[p + 1] == '/'))
				p++;
			lx->pos = p + 1 < lx->n ? p + 2 : lx->n;
		} else if (c == '<' && at(lx, lx->pos, "<!--")) {
			skip_line(lx); /* HTML-like comment, as browsers read it */
		} else if (c == '-' && lx->line0 && at(lx, lx->pos, "-->")) {
			skip_line(lx);
		} else if (c >= 0xc2 && (at(lx, lx->pos, "\xc2\xa0") || at(lx, lx->pos, "\xef\xbb\xbf") ||
					 at(lx, lx->pos, "\xe2\x80\xa8") ||
					 at(lx, lx->pos, "\xe2\x80\xa9"))) {
			lx->pos += c == 0xc2 ? 2 : 3; /* NBSP, BOM, line / paragraph separators */
		} else {
			break;
		}
	}
}

static uint32_t step2(const struct lex *lx, uint32_t p)
{
	return p + 2 <= lx->n ? p + 2 : lx->n;
}

static void lex_quoted(struct lex *lx, char q)
{
	uint32_t p = lx->pos + 1;
	while (p < lx->n) {
		char c = lx->src[p];
		if (c == '\\') {
			p = step2(lx, p);
			continue;
		}
		if (c == q) {
			p++;
			break;
		}
		if (c == '\n')
			break; /* unterminated: the line ends it */
		p++;
	}
	lx->pos = p;
}

static struct tok lex_next_d(struct lex *lx, int depth);

static void lex_template(struct lex *lx, int depth)
{
	lx->pos++;
	while (lx->pos < lx->n) {
		char c = lx->src[lx->pos];
		if (c == '\\') {
			lx->pos = step2(lx, lx->pos);
			continue;
		}
		if (c == '`') {
			lx->pos++;
			return;
		}
		if (c == '$' && at(lx, lx->pos, "${")) {
			lx->pos += 2;
			if (depth >= WATCH_JS_DEPTH_MAX) {
				lx->st->out->flags |= WATCH_JSF_DEEP;
				lx->pos = lx->n;
				return;
			}
			int b = 0;
			lx->re_ok = true;
			for (;;) {
				struct tok t = lex_next_d(lx, depth + 1);
				if (t.type == T_END)
					return;
				if (t.type == T_PUNCT && t.e - t.s == 1 && lx->src[t.s] == '{')
					b++;
				if (t.type == T_PUNCT && t.e - t.s == 1 && lx->src[t.s] == '}' && b-- == 0)
					break;
			}
			continue;
		}
		lx->pos++;
	}
}

static void lex_regex(struct lex *lx)
{
	uint32_t p = lx->pos + 1;
	bool cls = false;
	while (p < lx->n) {
		char c = lx->src[p];
		if (c == '\\') {
			p = step2(lx, p);
			continue;
		}
		if (c == '\n')
			break;
		if (cls) {
			if (c == ']')
				cls = false;
		} else if (c == '[') {
			cls = true;
		} else if (c == '/') {
			p++;
			while (p < lx->n && id_char((unsigned char)lx->src[p]))
				p++;
			break;
		}
		p++;
	}
	lx->pos = p;
}

/* Can c start an operator longer than one character? */
static bool op_char(unsigned char c)
{
	switch (c) {
	case '>': case '<': case '=': case '!': case '*': case '&': case '|': case '?':
	case '.': case '+': case '-': case '/': case '%': case '^':
		return true;
	default:
		return false;
	}
}

static const char *const puncts[] = {
	">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "?\?=", "==", "!=",
	"<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=",
	"|=", "^=", "=>", "**", "<<", ">>",
};

static bool tok_is(const struct lex *lx, struct tok t, const char *w)
{
	uint32_t p = t.s;
	for (; *w; w++, p++)
		if (p >= t.e || lx->src[p] != *w)
			return false;
	return p == t.e;
}

static bool punct_is(const struct lex *lx, struct tok t, const char *w)
{
	return t.type == T_PUNCT && tok_is(lx, t, w);
}

/* The name an identifier token spells, \uXXXX escapes decoded (ASCII only;
** anything else gives a name nothing matches). */
static void tok_name(const struct lex *lx, struct tok t, char out[NAME_MAX])
{
	size_t k = 0;
	for (uint32_t p = t.s; p < t.e && k + 1 < NAME_MAX; p++) {
		char c = lx->src[p];
		if (c == '\\' && p + 1 < t.e && lx->src[p + 1] == 'u') {
			unsigned cp = 0;
			uint32_t q = p + 2;
			bool brace = q < t.e && lx->src[q] == '{';
			if (brace)
				q++;
			int nd = 0;
			while (q < t.e && nd < 6 && core_hexval((unsigned char)lx->src[q]) >= 0) {
				cp = cp * 16 + (unsigned)core_hexval((unsigned char)lx->src[q]);
				q++;
				nd++;
				if (!brace && nd == 4)
					break;
			}
			if (brace && q < t.e && lx->src[q] == '}')
				q++;
			c = cp > 0 && cp < 0x80 ? (char)cp : '?';
			p = q - 1;
		}
		out[k++] = c;
	}
	out[k] = '\0';
}

static const char *const re_keywords[] = { "return", "typeof", "instanceof", "in", "of", "new",
					    "delete", "void", "throw", "case", "do", "else",
					    "yield", "await" };

static struct tok lex_next_d(struct lex *lx, int depth)
{
	struct tok t = { T_END, lx->pos, lx->pos };
	if (lx->lim <= 0 || lx->st->budget <= 0)
		return t;
	skip_space(lx);
	if (lx->pos >= lx->n)
		return t;
	lx->lim--;
	lx->st->budget--;
	t.s = lx->pos;
	unsigned char c = (unsigned char)lx->src[lx->pos];
	bool re_next = true;
	if (c == '"' || c == '\'') {
		t.type = T_STR;
		lex_quoted(lx, (char)c);
		re_next = false;
	} else if (c == '`') {
		t.type = T_TPL;
		lex_template(lx, depth);
		re_next = false;
	} else if (is_digit(c) || (c == '.' && lx->pos + 1 < lx->n &&
				    is_digit((unsigned char)lx->src[lx->pos + 1]))) {
		t.type = T_NUM;
		bool hex = c == '0' && lx->pos + 1 < lx->n && core_lower(lx->src[lx->pos + 1]) == 'x';
		lx->pos++;
		while (lx->pos < lx->n) {
			char d = lx->src[lx->pos];
			if (id_char((unsigned char)d) && d != '\\' && (unsigned char)d < 0x80)
				lx->pos++;
			else if (d == '.')
				lx->pos++;
			else if ((d == '+' || d == '-') && !hex && core_lower(lx->src[lx->pos - 1]) == 'e')
				lx->pos++;
			else
				break;
		}
		re_next = false;
	} else if (id_start(c)) {
		t.type = T_IDENT;
		lx->pos++;
		if (c == '\\')
			lx->pos = step2(lx, t.s);
		while (lx->pos < lx->n && id_char((unsigned char)lx->src[lx->pos])) {
			if (lx->src[lx->pos] == '\\')
				lx->pos = step2(lx, lx->pos);
			else
				lx->pos++;
		}
		t.e = lx->pos;
		re_next = false;
		if (t.e - t.s <= 10 && c >= 'a' && c <= 'y')
			for (size_t i = 0; i < sizeof(re_keywords) / sizeof(re_keywords[0]); i++)
				if (re_keywords[i][0] == (char)c && tok_is(lx, t, re_keywords[i]))
					re_next = true;
	} else if (c == '/' && lx->re_ok) {
		t.type = T_RE;
		lex_regex(lx);
		re_next = false;
	} else {
		t.type = T_PUNCT;
		size_t k = 1;
		/* only these start an operator of more than one character */
		if (op_char(c))
			for (size_t i = 0; i < sizeof(puncts) / sizeof(puncts[0]); i++)
			if (puncts[i][0] == (char)c && at(lx, lx->pos, puncts[i])) {
				k = strlen(puncts[i]);
				break;
			}
		lx->pos += (uint32_t)k;
		re_next = !(k == 1 && (c == ')' || c == ']')) && !(k == 2 && (c == '+' || c == '-') &&
								    lx->src[t.s + 1] == c);
	}
	t.e = lx->pos;
	lx->re_ok = re_next;
	lx->line0 = false;
	return t;
}

static struct tok lex_next(struct lex *lx)
{
	return lex_next_d(lx, 0);
}

/* Skip to the bracket that closes one already opened; false when the input
** or the budget ends first. */
static bool skip_balanced(struct lex *lx)
{
	long b = 1;
	for (;;) {
		struct tok t = lex_next(lx);
		if (t.type == T_END)
			return false;
		if (t.type != T_PUNCT || t.e - t.s != 1)
			continue;
		char c = lx->src[t.s];
		if (c == '(' || c == '[' || c == '{')
			b++;
		else if ((c == ')' || c == ']' || c == '}') && --b == 0)
			return true;
	}
}

/* ------------------------------------------------------------- the arena */

/* Every evaluation step leaves its result's bytes at the arena's top:
** `mark = st->top` on entry, the result moved down to mark on exit
** (settle), so a '+' finds its two operands adjacent and joins them in
** place. Space is the arena's and WATCH_JS_DECODED_MAX per value; what does
** not fit is cut (VF_TRUNC). */
static bool has_bytes(const struct val *v)
{
	return v->t == V_STR || v->t == V_ARR || v->t == V_RE;
}

static struct val vstr(struct jsr *st)
{
	struct val v;
	memset(&v, 0, sizeof(v));
	v.t = V_STR;
	v.slot = -1;
	v.off = st->top;
	return v;
}

static struct val vtype(int t)
{
	struct val v;
	memset(&v, 0, sizeof(v));
	v.t = (uint8_t)t;
	v.slot = -1;
	return v;
}

/* Append k bytes to v, which must end at the top. */
static void put(struct jsr *st, struct val *v, const char *p, size_t k)
{
	if (v->off + v->len != st->top) {
		v->f |= VF_TRUNC; /* not at the top: a bug guard, never a write elsewhere */
		return;
	}
	size_t room = WATCH_JS_DECODED_MAX - v->len;
	if (ARENA_MAX - st->top < room)
		room = ARENA_MAX - st->top;
	if (k > room) {
		k = room;
		v->f |= VF_TRUNC;
	}
	memmove(st->ar + st->top, p, k);
	st->top += (uint32_t)k;
	v->len += (uint32_t)k;
}

static void putc1(struct jsr *st, struct val *v, char c)
{
	put(st, v, &c, 1);
}

static void put_cp(struct jsr *st, struct val *v, uint32_t cp)
{
	char b[4];
	if (cp >= 0xd800 && cp <= 0xdfff)
		cp = 0xfffd;
	if (cp < 0x05) {
		putc1(st, v, '_');
	} else if (cp < 0x80) {
		putc1(st, v, (char)cp);
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		put(st, v, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		put(st, v, b, 3);
	} else if (cp <= 0x10ffff) {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		put(st, v, b, 4);
	} else {
		put_cp(st, v, 0xfffd);
	}
}

/* Append one UTF-16 code unit u (String.fromCharCode's argument) to v,
** pairing surrogates through *hi: a high one waits for its low one; an
** unpaired surrogate becomes U+FFFD. Call with u = 0 and end = true after
** the last unit to flush a waiting high surrogate. */
static void put_utf16(struct jsr *st, struct val *v, uint32_t *hi, uint32_t u, bool end)
{
	if (end) {
		if (*hi)
			put_cp(st, v, 0xfffd);
		*hi = 0;
		return;
	}
	if (*hi && u >= 0xdc00 && u <= 0xdfff) {
		put_cp(st, v, 0x10000 + ((*hi - 0xd800) << 10) + (u - 0xdc00));
		*hi = 0;
		return;
	}
	if (*hi)
		put_cp(st, v, 0xfffd);
	*hi = 0;
	if (u >= 0xd800 && u <= 0xdbff)
		*hi = u;
	else
		put_cp(st, v, u);
}

/* A byte from the outside world into a value: markers cannot be forged. */
static void put_raw(struct jsr *st, struct val *v, unsigned char c)
{
	putc1(st, v, c < 0x05 ? '_' : (char)c);
}

static void settle(struct jsr *st, struct val *v, uint32_t mark)
{
	if (!has_bytes(v)) {
		st->top = mark;
		return;
	}
	if (v->off != mark)
		memmove(st->ar + mark, st->ar + v->off, v->len);
	v->off = mark;
	st->top = mark + v->len;
}

static void add_join(struct val *v, uint32_t at_)
{
	if (at_ == 0 || at_ > v->len || (v->nj && v->join[v->nj - 1] == at_))
		return;
	if (v->nj < JOIN_MAX)
		v->join[v->nj++] = (uint16_t)at_;
	else
		v->f |= VF_MANY;
}

/* Obfuscating escapes: a letter, a digit, '.' or ':' never needs one. */
static void note_escape(struct val *v, uint32_t cp)
{
	if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
	    cp == '.' || cp == ':')
		v->f |= VF_DECODED;
}

/* -------------------------------------------------------------- symbols */

static struct sym *sym_find(struct jsr *st, const char *name)
{
	for (unsigned i = 0; i < st->nsym; i++)
		if (st->sym[i].name[0] == name[0] && strcmp(st->sym[i].name, name) == 0)
			return &st->sym[i];
	return NULL;
}

/* Remember name = v (latest assignment wins: a static read has no flow).
** Values the reader cannot use are remembered only to hide an older one. */
static void sym_set(struct jsr *st, const char *name, const struct val *v)
{
	size_t nl = strlen(name);
	if (nl == 0 || nl >= SYM_NAME)
		return;
	struct sym *s = sym_find(st, name);
	bool useful = v->t != V_UNK || (v->f & VF_TAINT);
	if (!s && !useful)
		return;
	if (!s) {
		if (st->nsym < SYM_MAX) {
			s = &st->sym[st->nsym++];
		} else {
			s = &st->sym[st->sym_next];
			st->sym_next = (st->sym_next + 1) % SYM_MAX;
		}
		memcpy(s->name, name, nl + 1);
	}
	s->v = *v;
	if (!has_bytes(v))
		return;
	if (v->len > POOL_MAX - st->pool_len) {
		/* the pool is full: forget every stored string (locality: a
		** loader uses its pieces soon after making them) */
		for (unsigned i = 0; i < st->nsym; i++)
			if (has_bytes(&st->sym[i].v))
				st->sym[i].v = vtype(V_UNK);
		st->pool_len = 0;
		s->v = *v;
		if (v->len > POOL_MAX) {
			s->v = vtype(V_UNK);
			return;
		}
	}
	memcpy(st->pool + st->pool_len, st->ar + v->off, v->len);
	s->v.off = st->pool_len;
	st->pool_len += v->len;
}

/* A symbol's value, its bytes copied to the top of the arena. */
static struct val sym_get(struct jsr *st, const struct sym *s)
{
	struct val v = s->v;
	if (has_bytes(&v)) {
		uint32_t off = v.off, len = v.len;
		v.off = st->top;
		v.len = 0;
		put(st, &v, st->pool + off, len);
	}
	return v;
}

static int elem_new(struct jsr *st, int kind)
{
	int slot = (int)(st->nel % ELEM_MAX);
	st->nel++;
	st->el[slot].kind = (uint8_t)kind;
	st->el[slot].rf = 0;
	st->el[slot].dest = -1;
	return slot;
}

static int tag_kind(const char *p, size_t n)
{
	static const struct {
		const char *tag;
		int kind;
	} tags[] = { { "script", EK_SCRIPT }, { "iframe", EK_IFRAME }, { "frame", EK_IFRAME },
		     { "embed", EK_IFRAME },  { "object", EK_IFRAME }, { "img", EK_IMG },
		     { "image", EK_IMG },     { "link", EK_LINK },     { "form", EK_FORM } };
	char t[12];
	size_t k = 0;
	while (n && (*p == ' ' || *p == '<')) {
		p++;
		n--;
	}
	for (; k < n && k + 1 < sizeof(t); k++)
		t[k] = core_lower(p[k]);
	if (k != n)
		return EK_OTHER;
	t[k] = '\0';
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (strcmp(t, tags[i].tag) == 0)
			return tags[i].kind;
	return EK_OTHER;
}

/* ------------------------------------------------------- destinations */

static bool ci_prefix(const char *p, size_t n, const char *w)
{
	size_t k = strlen(w);
	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (core_lower(p[i]) != w[i])
			return false;
	return true;
}

/* The URL a value spells, markers resolved: the page's own host (alone in
** the authority) leaves a relative URL, an unknown part in the path or
** query is dropped, an unknown or partly computed host gives false. hs/he:
** the authority's span in p (0, 0 when relative), for the obfuscation test. */
static bool url_of(const char *p, size_t n, char *out, size_t cap, size_t *hs, size_t *he)
{
	size_t i = 0;
	*hs = *he = 0;
	while (n && ((unsigned char)p[n - 1] <= ' '))
		n--;
	while (i < n && ((unsigned char)p[i] <= ' ' || p[i] == MK_PROTO)) {
		if (p[i] == MK_UNK || p[i] == MK_HOST || p[i] == MK_SEP)
			break;
		i++;
	}
	if (i >= n || p[i] == MK_UNK || p[i] == MK_SEP)
		return false;
	size_t start = i, rest = n, s = i;
	bool own = false;
	if (p[i] == MK_HOST) {
		own = true; /* location.origin + '/x' */
		rest = i + 1;
	} else {
		while (s < n && ((p[s] >= 'a' && p[s] <= 'z') || (p[s] >= 'A' && p[s] <= 'Z') ||
				 (s > i && (is_digit((unsigned char)p[s]) || p[s] == '+' ||
					    p[s] == '-' || p[s] == '.'))))
			s++;
		size_t a = SIZE_MAX; /* authority start, none */
		if (s > i && s < n && p[s] == ':') {
			size_t q = s + 1;
			while (q < n && p[q] == MK_PROTO)
				q++;
			if (q + 1 < n && p[q] == '/' && p[q + 1] == '/')
				a = q + 2;
			else
				a = SIZE_MAX; /* scheme without authority: javascript:, data: */
		} else if (i + 1 < n && p[i] == '/' && p[i + 1] == '/') {
			a = i + 2;
		}
		if (a != SIZE_MAX) {
			size_t e = a;
			while (e < n && p[e] != '/' && p[e] != '?' && p[e] != '#' && p[e] != '\\')
				e++;
			*hs = a;
			*he = e;
			bool mh = false, mu = false, text = false;
			for (size_t q = a; q < e; q++) {
				if (p[q] == MK_HOST)
					mh = true;
				else if (p[q] == MK_UNK || p[q] == MK_PROTO || p[q] == MK_SEP)
					mu = true;
				else if (!mh || p[q] != ':')
					text = true;
			}
			if (mu || (mh && text) || (!mh && e == a))
				return false;
			if (mh) {
				own = true;
				rest = e;
				*hs = *he = 0;
			}
		}
	}
	size_t k = 0;
	if (own) {
		size_t q = rest;
		while (q < n && p[q] == ':') { /* :port after the own host */
			q++;
			while (q < n && is_digit((unsigned char)p[q]))
				q++;
		}
		start = q;
		if (q >= n || (p[q] != '/' && p[q] != '?' && p[q] != '#'))
			out[k++] = '/';
	}
	bool lit2 = start + 1 < n && p[start] == '/' && p[start + 1] == '/';
	for (size_t q = start; q < n && k + 1 < cap; q++) {
		unsigned char c = (unsigned char)p[q];
		if (c < 0x05)
			continue;
		/* '/' + lang + '/index.html' must not become "//index.html", a
		** host: a slash doubled only by dropping a part is one slash */
		if (c == '/' && k == 1 && out[0] == '/' && !lit2)
			continue;
		out[k++] = (char)c;
	}
	/* cut on a character boundary, then make sure it is valid UTF-8 */
	while (k > 0 && k + 1 >= cap && ((unsigned char)out[k - 1] & 0xc0) == 0x80)
		k--;
	if (k > 0 && k + 1 >= cap && (unsigned char)out[k - 1] >= 0xc0)
		k--;
	out[k] = '\0';
	if (!utf8_valid(out, k))
		for (size_t q = 0; q < k; q++)
			if ((unsigned char)out[q] >= 0x80)
				out[q] = '?';
	return k > 0;
}

/* Record a destination (deduplicated by kind and URL). p[0..n) is a value
** or a slice of one; join[] the value's joins relative to p. */
static int emit(struct jsr *st, int kind, const char *p, size_t n, const uint16_t *join, int nj,
		unsigned vf, unsigned rf)
{
	char url[WATCH_JS_URL_MAX];
	size_t hs, he;
	if (!url_of(p, n, url, sizeof(url), &hs, &he))
		return -1;
	if (url[0] == '#' || ci_prefix(url, strlen(url), "javascript:") ||
	    ci_prefix(url, strlen(url), "about:"))
		return -1;
	bool joined = nj > 0 || (vf & VF_MANY);
	bool split = (vf & (VF_DECODED | VF_MANY)) != 0;
	/* A piece that ends inside the scheme or inside a label of the host
	** name ('ht'+'tp', 'ev'+'il.com') is obfuscation; one that ends after
	** the scheme's ':' or a '/', at the host's start or at a dot is how
	** published snippets pick a scheme or a host (Google's ga.js:
	** ('https:' == ... ? 'https://ssl' : 'http://www') +
	** '.google-analytics.com/ga.js'). */
	for (int i = 0; i < nj && he; i++) {
		size_t b = join[i];
		if (b > 0 && b < he && b != hs && p[b] != '.' && p[b - 1] != '.' &&
		    p[b - 1] != ':' && p[b - 1] != '/')
			split = true;
	}
	rf |= WATCH_RF_FROM_JS;
	if (split || st->obf)
		rf |= WATCH_RF_OBFUSCATED;
	if (url[0] == '/' && url[1] == '/')
		rf |= WATCH_RF_PROTO_REL;
	if (joined || split)
		st->out->flags |= WATCH_JSF_DECODED;
	struct watch_js_read *o = st->out;
	for (size_t i = 0; i < o->ndest; i++)
		if (o->dest[i].kind == kind && strcmp(o->dest[i].url, url) == 0) {
			o->dest[i].flags |= (uint16_t)rf;
			return (int)i;
		}
	if (o->ndest >= WATCH_JS_DEST_MAX) {
		o->flags |= WATCH_JSF_FULL;
		return -1;
	}
	struct watch_js_dest *d = &o->dest[o->ndest];
	d->kind = (uint8_t)kind;
	d->flags = (uint16_t)rf;
	memcpy(d->url, url, strlen(url) + 1);
	return (int)o->ndest++;
}

static int emit_val(struct jsr *st, int kind, const struct val *v, unsigned rf)
{
	if (v->t != V_STR)
		return -1;
	return emit(st, kind, st->ar + v->off, v->len, v->join, v->nj, v->f, rf);
}

static int ref_kind(int ek, const char *attr)
{
	bool src = strcmp(attr, "src") == 0;
	switch (ek) {
	case EK_SCRIPT:
	case EK_UNKNOWN: /* createElement(x) with x unknown: loaders create scripts */
		return src ? WATCH_REF_SCRIPT : -1;
	case EK_IFRAME:
		return src || strcmp(attr, "data") == 0 ? WATCH_REF_IFRAME : -1;
	case EK_IMG:
		return src ? WATCH_REF_IMG : -1;
	case EK_LINK:
		return strcmp(attr, "href") == 0 ? WATCH_REF_STYLE : -1;
	case EK_FORM:
		return strcmp(attr, "action") == 0 ? WATCH_REF_FORM : -1;
	default:
		return -1;
	}
}

static void elem_flags(struct jsr *st, int slot, unsigned rf)
{
	if (slot < 0 || !rf)
		return;
	struct elem *e = &st->el[slot];
	e->rf |= (uint16_t)rf;
	if (e->dest >= 0 && (size_t)e->dest < st->out->ndest)
		st->out->dest[e->dest].flags |= (uint16_t)rf;
}

static void elem_src(struct jsr *st, int slot, int kind_if_none, const char *attr,
		     const struct val *v)
{
	int ek = slot >= 0 ? st->el[slot].kind : kind_if_none;
	int k = ref_kind(ek, attr);
	if (k < 0)
		return;
	int d = emit_val(st, k, v, slot >= 0 ? st->el[slot].rf : 0);
	if (slot >= 0 && d >= 0)
		st->el[slot].dest = (int16_t)d;
}

/* Hiding in an inline style: the ways a hidden iframe or block is hidden. */
static unsigned css_hide(const char *p, size_t n)
{
	char b[256];
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < sizeof(b); i++)
		if ((unsigned char)p[i] > ' ')
			b[k++] = core_lower(p[i]);
	b[k] = '\0';
	unsigned rf = 0;
	if (strstr(b, "display:none") || strstr(b, "visibility:hidden"))
		rf |= WATCH_RF_HIDDEN;
	const char *o = strstr(b, "opacity:0");
	if (o && (o[9] == '\0' || o[9] == ';' || o[9] == '!' ||
		  (o[9] == '.' && strspn(o + 10, "0") > 0 && !is_digit((unsigned char)o[10 + strspn(o + 10, "0")]))))
		rf |= WATCH_RF_HIDDEN;
	static const char *const off[] = { "left:-", "top:-", "text-indent:-", "margin-left:-" };
	for (size_t i = 0; i < 4; i++) {
		const char *q = strstr(b, off[i]);
		if (q && strspn(q + strlen(off[i]), "0123456789") >= 3)
			rf |= WATCH_RF_HIDDEN; /* off-screen */
	}
	static const char *const tiny[] = { "width:0", "height:0", "width:1px", "height:1px" };
	for (size_t i = 0; i < 4; i++) {
		const char *q = strstr(b, tiny[i]);
		if (q && (q == b || q[-1] == ';' || q[-1] == '"') &&
		    !is_digit((unsigned char)q[strlen(tiny[i])]) && q[strlen(tiny[i])] != '.')
			rf |= WATCH_RF_TINY;
	}
	return rf;
}

static bool tiny_size(const char *p, size_t n)
{
	while (n && (*p == ' ' || *p == '"' || *p == '\'')) {
		p++;
		n--;
	}
	while (n && (p[n - 1] == ' ' || p[n - 1] == '"' || p[n - 1] == '\''))
		n--;
	if (n >= 2 && core_lower(p[n - 2]) == 'p' && core_lower(p[n - 1]) == 'x')
		n -= 2;
	return n == 1 && (p[0] == '0' || p[0] == '1');
}

/* ---------------------------------------------------------- evaluator */

struct ev {
	struct jsr *st;
	struct lex lx;
	struct tok la;
	bool has_la;
	bool stop;
	int depth;
	uint32_t last; /* start of the last token taken */
	uint32_t skipped; /* start of the first function body skipped, or UINT32_MAX */
};

enum { LV_NONE, LV_NAME, LV_MEMBER };
struct lval {
	int kind;
	char name[NAME_MAX]; /* the variable, or the property */
	struct val recv;     /* LV_MEMBER: the object */
};

static void scan(struct jsr *st, const char *s, uint32_t n);
static void html_scan(struct jsr *st, const struct val *v);
static struct val ev_assign(struct ev *e);

static struct tok ev_peek(struct ev *e)
{
	if (e->stop) {
		struct tok t = { T_END, e->lx.pos, e->lx.pos };
		return t;
	}
	if (!e->has_la) {
		e->la = lex_next(&e->lx);
		e->has_la = true;
	}
	return e->la;
}

static struct tok ev_next(struct ev *e)
{
	struct tok t = ev_peek(e);
	e->has_la = false;
	if (t.type != T_END)
		e->last = t.s;
	return t;
}

static bool ev_punct(struct ev *e, const char *w)
{
	return punct_is(&e->lx, ev_peek(e), w);
}

static struct val ev_fail(struct ev *e)
{
	e->stop = true;
	return vtype(V_UNK);
}

/* Run code found in a string (eval, new Function, setTimeout("..."), a
** written inline <script>) through the same read, one level deeper. */
static void run_code(struct jsr *st, const struct val *v, bool hidden)
{
	if (v->t != V_STR || st->nest >= NEST_MAX || v->len == 0)
		return;
	st->nest++;
	if (hidden || (v->f & VF_DECODED))
		st->obf++;
	/* the bytes stay put: everything the nested read makes goes above them */
	scan(st, st->ar + v->off, v->len);
	if (hidden || (v->f & VF_DECODED))
		st->obf--;
	st->nest--;
}

/* A value as string bytes appended to r (JS's ToString, roughly). */
static void append_as_string(struct jsr *st, struct val *r, const struct val *v)
{
	char b[32];
	switch (v->t) {
	case V_STR:
	case V_RE:
		put(st, r, st->ar + v->off, v->len);
		break;
	case V_ARR:
		for (uint32_t i = 0; i < v->len; i++)
			putc1(st, r, st->ar[v->off + i] == MK_SEP ? ',' : st->ar[v->off + i]);
		break;
	case V_NUM:
		if (v->f & VF_BOOL)
			snprintf(b, sizeof(b), "%s", v->num ? "true" : "false");
		else
			snprintf(b, sizeof(b), "%lld", (long long)v->num);
		put(st, r, b, strlen(b));
		break;
	default:
		putc1(st, r, MK_UNK);
		break;
	}
	r->f |= v->f & (VF_DECODED | VF_TRUNC | VF_TAINT | VF_MANY);
}

/* l + r where l's bytes (if any) start at mark and r's follow them. */
static struct val concat(struct jsr *st, struct val l, struct val r, uint32_t mark)
{
	if (l.t == V_NUM && r.t == V_NUM && !(l.f & VF_BOOL) && !(r.f & VF_BOOL)) {
		int64_t s;
		if (__builtin_add_overflow(l.num, r.num, &s))
			return vtype(V_UNK);
		l.num = s;
		settle(st, &l, mark);
		return l;
	}
	bool ls = l.t == V_STR || l.t == V_ARR || l.t == V_RE;
	bool rs = r.t == V_STR || r.t == V_ARR || r.t == V_RE;
	if (!ls && !rs) {
		struct val u = vtype(V_UNK);
		u.f = (l.f | r.f) & VF_TAINT;
		st->top = mark;
		return u;
	}
	/* Build the result above both operands, then move it down: the
	** operands are at most 2 * WATCH_JS_DECODED_MAX, the arena has 3. */
	struct val res = vstr(st);
	append_as_string(st, &res, &l);
	uint32_t at_ = res.len;
	for (int i = 0; i < l.nj; i++)
		add_join(&res, l.join[i]);
	append_as_string(st, &res, &r);
	if (l.t != V_UNK && r.t != V_UNK)
		add_join(&res, at_);
	for (int i = 0; i < r.nj; i++)
		add_join(&res, at_ + r.join[i]);
	res.f |= (l.f | r.f) & (VF_MANY);
	settle(st, &res, mark);
	return res;
}

static int truthy(const struct val *v)
{
	switch (v->t) {
	case V_NUM:
		return v->num != 0;
	case V_WIN:
	case V_DOC:
	case V_LOC:
	case V_NAV:
	case V_ELEM:
	case V_STYLE:
	case V_FN:
	case V_RE:
	case V_ARR:
	case V_JQ:
		return 1;
	default:
		return -1;
	}
}

static bool str_plain(const struct jsr *st, const struct val *v)
{
	if (v->t != V_STR)
		return false;
	for (uint32_t i = 0; i < v->len; i++)
		if ((unsigned char)st->ar[v->off + i] < 0x05)
			return false;
	return true;
}

static int truth(const struct jsr *st, const struct val *v)
{
	if (v->t == V_STR)
		return str_plain(st, v) ? v->len > 0 : -1;
	return truthy(v);
}

/* Binary operators' precedence (0: not one). */
static int binprec(const struct lex *lx, struct tok t)
{
	static const struct {
		const char *op;
		int p;
	} ops[] = { { "??", 1 }, { "||", 1 }, { "&&", 2 },  { "|", 3 },   { "^", 4 },  { "&", 5 },
		    { "==", 6 }, { "!=", 6 }, { "===", 6 }, { "!==", 6 }, { "<", 7 },  { ">", 7 },
		    { "<=", 7 }, { ">=", 7 }, { "<<", 8 },  { ">>", 8 },  { ">>>", 8 }, { "+", 9 },
		    { "-", 9 },  { "*", 10 }, { "/", 10 },  { "%", 10 },  { "**", 11 } };
	if (t.type == T_IDENT)
		return tok_is(lx, t, "instanceof") || tok_is(lx, t, "in") ? 7 : 0;
	if (t.type != T_PUNCT || !op_char((unsigned char)lx->src[t.s]) || lx->src[t.s] == '.')
		return 0;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (tok_is(lx, t, ops[i].op))
			return ops[i].p;
	return 0;
}

static bool same_val(const struct jsr *st, const struct val *a, const struct val *b, bool *known)
{
	*known = true;
	if (a->t == V_NUM && b->t == V_NUM)
		return a->num == b->num;
	if (str_plain(st, a) && str_plain(st, b))
		return a->len == b->len && memcmp(st->ar + a->off, st->ar + b->off, a->len) == 0;
	*known = false;
	return false;
}

static struct val binop(struct ev *e, const char *op, struct val l, struct val r, uint32_t mark)
{
	struct jsr *st = e->st;
	if (strcmp(op, "+") == 0)
		return concat(st, l, r, mark);
	struct val res = vtype(V_UNK);
	res.f = (l.f | r.f) & VF_TAINT;
	if (strcmp(op, "||") == 0 || strcmp(op, "??") == 0) {
		int tl = strcmp(op, "??") == 0 ? (l.t == V_UNK ? -1 : 1) : truth(st, &l);
		res = tl == 1 ? l : r; /* unknown left: the fallback is the likely value */
	} else if (strcmp(op, "&&") == 0) {
		res = truth(st, &l) == 0 ? l : r;
	} else if (op[0] == '=' || (op[0] == '!' && op[1] == '=')) {
		bool known;
		bool eq = same_val(st, &l, &r, &known);
		if (known) {
			res = vtype(V_NUM);
			res.f = VF_BOOL;
			res.num = op[0] == '=' ? eq : !eq;
		}
	} else if (l.t == V_NUM && r.t == V_NUM) {
		int64_t a = l.num, b = r.num, x = 0;
		bool ok = true;
		if (strcmp(op, "-") == 0)
			ok = !__builtin_sub_overflow(a, b, &x);
		else if (strcmp(op, "*") == 0)
			ok = !__builtin_mul_overflow(a, b, &x);
		else if (strcmp(op, "^") == 0)
			x = a ^ b;
		else if (strcmp(op, "&") == 0)
			x = a & b;
		else if (strcmp(op, "|") == 0)
			x = a | b;
		else if (strcmp(op, "%") == 0 && b != 0 && !(a == INT64_MIN && b == -1))
			x = a % b;
		else if (strcmp(op, "/") == 0 && b != 0 && !(a == INT64_MIN && b == -1) && a % b == 0)
			x = a / b;
		else
			ok = false;
		if (ok) {
			res = vtype(V_NUM);
			res.num = x;
		}
	}
	/* the kept operand may be r, above l: settle moves it down */
	settle(st, &res, mark);
	return res;
}

static struct val ev_unary(struct ev *e);

static struct val ev_binary(struct ev *e, int minprec)
{
	uint32_t mark = e->st->top;
	struct val l = ev_unary(e);
	for (;;) {
		struct tok t = ev_peek(e);
		int p = binprec(&e->lx, t);
		if (p == 0 || p < minprec)
			break;
		char op[8];
		size_t ol = t.e - t.s < sizeof(op) - 1 ? t.e - t.s : sizeof(op) - 1;
		memcpy(op, e->lx.src + t.s, ol);
		op[ol] = '\0';
		ev_next(e);
		/* l's bytes sit at mark..top: r is evaluated right after them */
		if (has_bytes(&l))
			settle(e->st, &l, mark);
		struct val r = ev_binary(e, strcmp(op, "**") == 0 ? p : p + 1);
		l = binop(e, op, l, r, mark);
	}
	settle(e->st, &l, mark);
	return l;
}

static int64_t parse_num(const char *p, size_t n, bool *ok)
{
	int64_t v = 0;
	int base = 10;
	size_t i = 0;
	*ok = false;
	if (n > 2 && p[0] == '0' && (core_lower(p[1]) == 'x' || core_lower(p[1]) == 'o' || core_lower(p[1]) == 'b')) {
		base = core_lower(p[1]) == 'x' ? 16 : core_lower(p[1]) == 'o' ? 8 : 2;
		i = 2;
	}
	size_t d0 = i;
	for (; i < n; i++) {
		int d = p[i] == '_' ? -2 : core_hexval((unsigned char)p[i]);
		if (d == -2)
			continue;
		if (d < 0 || d >= base)
			break;
		if (__builtin_mul_overflow(v, base, &v) || __builtin_add_overflow(v, d, &v))
			return 0;
	}
	*ok = i > d0 && (i == n || p[i] == '.' || core_lower(p[i]) == 'e');
	return v;
}

/* A string literal's or template chunk's bytes, escapes decoded. */
static void decode_chunk(struct jsr *st, struct val *v, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c != '\\') {
			put_raw(st, v, c);
			continue;
		}
		if (++i >= n)
			break;
		c = (unsigned char)p[i];
		uint32_t cp;
		switch (c) {
		case 'n': putc1(st, v, '\n'); continue;
		case 't': putc1(st, v, '\t'); continue;
		case 'r': putc1(st, v, '\r'); continue;
		case 'b': putc1(st, v, '\b'); continue;
		case 'f': putc1(st, v, '\f'); continue;
		case 'v': putc1(st, v, '\v'); continue;
		case '\r':
			if (i + 1 < n && p[i + 1] == '\n')
				i++;
			continue;
		case '\n':
			continue; /* line continuation */
		case 'x':
			if (i + 2 < n + 0 && core_hexval((unsigned char)p[i + 1]) >= 0 &&
			    core_hexval((unsigned char)p[i + 2]) >= 0) {
				cp = (uint32_t)(core_hexval((unsigned char)p[i + 1]) * 16 +
						core_hexval((unsigned char)p[i + 2]));
				i += 2;
				note_escape(v, cp);
				put_cp(st, v, cp);
			} else {
				putc1(st, v, 'x');
			}
			continue;
		case 'u': {
			size_t q = i + 1;
			cp = 0;
			if (q < n && p[q] == '{') {
				q++;
				int nd = 0;
				while (q < n && core_hexval((unsigned char)p[q]) >= 0 && nd < 8) {
					cp = cp * 16 + (uint32_t)core_hexval((unsigned char)p[q]);
					q++;
					nd++;
				}
				if (q >= n || p[q] != '}' || nd == 0) {
					putc1(st, v, 'u');
					continue;
				}
				i = q;
			} else {
				int nd = 0;
				while (q < n && nd < 4 && core_hexval((unsigned char)p[q]) >= 0) {
					cp = cp * 16 + (uint32_t)core_hexval((unsigned char)p[q]);
					q++;
					nd++;
				}
				if (nd < 4) {
					putc1(st, v, 'u');
					continue;
				}
				i = q - 1;
				/* a surrogate pair written as two escapes */
				if (cp >= 0xd800 && cp <= 0xdbff && i + 6 < n && p[i + 1] == '\\' &&
				    p[i + 2] == 'u') {
					uint32_t lo = 0;
					int k = 0;
					for (; k < 4 && core_hexval((unsigned char)p[i + 3 + k]) >= 0; k++)
						lo = lo * 16 + (uint32_t)core_hexval((unsigned char)p[i + 3 + k]);
					if (k == 4 && lo >= 0xdc00 && lo <= 0xdfff) {
						cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
						i += 6;
					}
				}
			}
			note_escape(v, cp);
			put_cp(st, v, cp);
			continue;
		}
		default:
			if (c >= '0' && c <= '7') {
				/* legacy octal: up to three digits, at most \377 */
				cp = (uint32_t)(c - '0');
				int k = 1;
				while (k < 3 && i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '7' &&
				       cp * 8 + (uint32_t)(p[i + 1] - '0') <= 0xff) {
					cp = cp * 8 + (uint32_t)(p[i + 1] - '0');
					i++;
					k++;
				}
				note_escape(v, cp);
				put_cp(st, v, cp);
				continue;
			}
			put_raw(st, v, c);
			continue;
		}
	}
}

static struct val eval_range(struct jsr *st, const char *s, uint32_t a, uint32_t b, int depth);

static struct val decode_template(struct ev *e, struct tok t)
{
	struct jsr *st = e->st;
	const char *s = e->lx.src;
	uint32_t p = t.s + 1, end = t.e;
	if (end > p && s[end - 1] == '`')
		end--;
	struct val v = vstr(st);
	uint32_t chunk = p;
	while (p < end) {
		if (s[p] == '\\') {
			p = p + 2 <= end ? p + 2 : end;
			continue;
		}
		if (s[p] != '$' || p + 1 >= end || s[p + 1] != '{') {
			p++;
			continue;
		}
		decode_chunk(st, &v, s + chunk, p - chunk);
		/* the substitution: find its closing brace, evaluate inside */
		struct lex sub;
		lex_init(&sub, st, s, end, EVAL_TOKENS);
		sub.pos = p + 2;
		int b = 0;
		uint32_t close = end;
		for (;;) {
			struct tok u = lex_next_d(&sub, e->depth + 1);
			if (u.type == T_END)
				break;
			if (punct_is(&sub, u, "{"))
				b++;
			if (punct_is(&sub, u, "}") && b-- == 0) {
				close = u.s;
				break;
			}
		}
		uint32_t m = st->top;
		struct val x = eval_range(st, s, p + 2, close, e->depth + 1);
		uint32_t before = v.len;
		/* x sits at m == v's end: its bytes become v's */
		if (has_bytes(&x) && x.off == m) {
			/* convert in place: already adjacent */
			if (x.t == V_ARR)
				for (uint32_t i = 0; i < x.len; i++)
					if (st->ar[m + i] == MK_SEP)
						st->ar[m + i] = ',';
			st->top = m + x.len;
			v.len += x.len;
			v.f |= x.f & (VF_DECODED | VF_TAINT | VF_TRUNC);
		} else {
			st->top = m;
			append_as_string(st, &v, &x);
		}
		add_join(&v, before);
		add_join(&v, v.len);
		p = close < end ? close + 1 : end;
		chunk = p;
	}
	decode_chunk(st, &v, s + chunk, end - chunk);
	return v;
}

static struct val base64(struct jsr *st, const struct val *in)
{
	struct val v = vstr(st);
	if (!str_plain(st, in))
		return vtype(V_UNK);
	uint32_t acc = 0;
	int bits = 0;
	for (uint32_t i = 0; i < in->len; i++) {
		unsigned char c = (unsigned char)st->ar[in->off + i];
		int d;
		if (c >= 'A' && c <= 'Z')
			d = c - 'A';
		else if (c >= 'a' && c <= 'z')
			d = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			d = c - '0' + 52;
		else if (c == '+' || c == '-')
			d = 62;
		else if (c == '/' || c == '_')
			d = 63;
		else if (c == '=')
			break;
		else if (c <= ' ')
			continue;
		else {
			st->top = v.off;
			return vtype(V_UNK);
		}
		acc = (acc << 6) | (uint32_t)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			put_raw(st, &v, (unsigned char)(acc >> bits));
			acc &= (1u << bits) - 1;
		}
	}
	v.f |= VF_DECODED | (in->f & VF_TAINT);
	return v;
}

static struct val unescape_val(struct jsr *st, const struct val *in, bool percent_u)
{
	struct val v = vstr(st);
	if (in->t != V_STR)
		return vtype(V_UNK);
	const char *p = st->ar + in->off;
	size_t n = in->len;
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '%' && i + 2 < n + 0 && core_hexval((unsigned char)p[i + 1]) >= 0 &&
		    core_hexval((unsigned char)p[i + 2]) >= 0) {
			put_raw(st, &v, (unsigned char)(core_hexval((unsigned char)p[i + 1]) * 16 +
							core_hexval((unsigned char)p[i + 2])));
			i += 2;
			any = true;
		} else if (percent_u && p[i] == '%' && i + 5 < n && core_lower(p[i + 1]) == 'u' &&
			   core_hexval((unsigned char)p[i + 2]) >= 0 && core_hexval((unsigned char)p[i + 3]) >= 0 &&
			   core_hexval((unsigned char)p[i + 4]) >= 0 && core_hexval((unsigned char)p[i + 5]) >= 0) {
			uint32_t cp = 0;
			for (int k = 2; k < 6; k++)
				cp = cp * 16 + (uint32_t)core_hexval((unsigned char)p[i + (size_t)k]);
			put_cp(st, &v, cp);
			i += 5;
			any = true;
		} else {
			putc1(st, &v, p[i]); /* markers pass through */
		}
	}
	v.f |= in->f & (VF_TAINT | VF_DECODED | VF_MANY);
	if (any)
		v.f |= VF_DECODED;
	for (int i = 0; i < in->nj && !any; i++)
		add_join(&v, in->join[i]);
	return v;
}

static bool num_of(const struct jsr *st, const struct val *v, int64_t *out)
{
	if (v->t == V_NUM) {
		*out = v->num;
		return true;
	}
	if (str_plain(st, v) && v->len > 0 && v->len < 24) {
		bool ok;
		const char *p = st->ar + v->off;
		size_t n = v->len, i = 0;
		while (i < n && p[i] == ' ')
			i++;
		bool neg = i < n && p[i] == '-';
		if (neg)
			i++;
		*out = parse_num(p + i, n - i, &ok);
		if (neg)
			*out = -*out;
		return ok;
	}
	return false;
}

static struct val from_char_codes(struct jsr *st, const struct val *args, int nargs)
{
	struct val v = vstr(st);
	uint32_t hi = 0;
	for (int i = 0; i < nargs; i++) {
		int64_t x;
		if (!num_of(st, &args[i], &x)) {
			st->top = v.off;
			return vtype(V_UNK);
		}
		put_utf16(st, &v, &hi, (uint32_t)((uint64_t)x & 0xffff), false);
	}
	put_utf16(st, &v, &hi, 0, true);
	v.f |= VF_DECODED;
	return v;
}

/* Elements of an array value (bytes between MK_SEP), as spans. */
static int arr_elems(const struct jsr *st, const struct val *a, uint32_t *s, uint32_t *l, int max)
{
	int k = 0;
	uint32_t b = 0;
	if (a->len == 0)
		return 0; /* [] (and [''], which reads the same) */
	for (uint32_t i = 0; i <= a->len && k < max; i++)
		if (i == a->len || st->ar[a->off + i] == MK_SEP) {
			s[k] = a->off + b;
			l[k] = i - b;
			k++;
			b = i + 1;
		}
	return k;
}


static struct val arr_join(struct jsr *st, const struct val *a, const char *sep, size_t sl)
{
	struct val v = vstr(st);
	for (uint32_t i = 0; i < a->len; i++) {
		char c = st->ar[a->off + i];
		if (c == MK_SEP) {
			add_join(&v, v.len); /* each element is a piece */
			put(st, &v, sep, sl);
			if (sl)
				add_join(&v, v.len);
		} else {
			putc1(st, &v, c);
		}
	}
	v.f |= a->f & (VF_DECODED | VF_TAINT | VF_TRUNC | VF_MANY);
	return v;
}

/* Element idx of an array value: its span, false past the end. */
static bool arr_elem(const struct jsr *st, const struct val *a, int64_t idx, uint32_t *s,
		     uint32_t *l)
{
	uint32_t b = 0;
	if (a->len == 0 || idx < 0)
		return false;
	for (uint32_t i = 0; i <= a->len; i++)
		if (i == a->len || st->ar[a->off + i] == MK_SEP) {
			if (idx-- == 0) {
				*s = a->off + b;
				*l = i - b;
				return true;
			}
			b = i + 1;
		}
	return false;
}

static struct val arr_reverse(struct jsr *st, const struct val *a)
{
	struct val v = vstr(st);
	v.t = V_ARR;
	/* from the last element, each found by walking back to a separator */
	uint32_t end = a->len;
	for (uint32_t i = a->len; a->len && i > 0; i--) {
		if (st->ar[a->off + i - 1] != MK_SEP)
			continue;
		put(st, &v, st->ar + a->off + i, end - i);
		putc1(st, &v, MK_SEP);
		end = i - 1;
	}
	if (a->len)
		put(st, &v, st->ar + a->off, end);
	v.f |= a->f | VF_DECODED;
	v.nj = 0;
	return v;
}

/* Replace occurrences of pat in s (all or the first). */
static struct val str_replace(struct jsr *st, const struct val *s, const char *pat, size_t pl,
			      const char *rep, size_t rl, bool all, int sep_as_rep)
{
	struct val v = vstr(st);
	if (sep_as_rep)
		v.t = V_ARR;
	const char *p = st->ar + s->off;
	bool done = false, any = false;
	for (uint32_t i = 0; i < s->len;) {
		if (!done && pl && i + pl <= s->len && memcmp(p + i, pat, pl) == 0) {
			if (sep_as_rep)
				putc1(st, &v, MK_SEP);
			else
				put(st, &v, rep, rl);
			i += (uint32_t)pl;
			any = true;
			done = !all;
			continue;
		}
		putc1(st, &v, p[i]);
		i++;
	}
	v.f |= s->f & (VF_DECODED | VF_TAINT | VF_TRUNC | VF_MANY);
	if (any && !sep_as_rep)
		v.f |= VF_DECODED;
	return v;
}

/* A regex literal whose body is plain text (letters, digits, escaped
** punctuation): its text in buf. */
static bool re_plain(const struct jsr *st, const struct val *re, char *buf, size_t cap, size_t *bl)
{
	size_t k = 0;
	const char *p = st->ar + re->off;
	for (uint32_t i = 0; i < re->len; i++) {
		char c = p[i];
		if (c == '\\' && i + 1 < re->len && !((p[i + 1] | 0x20) >= 'a' && (p[i + 1] | 0x20) <= 'z'))
			c = p[++i];
		else if (strchr(".*+?()[]{}|^$\\", c))
			return false;
		if (k + 1 >= cap)
			return false;
		buf[k++] = c;
	}
	*bl = k;
	return true;
}

static void html_of_value(struct jsr *st, const struct val *v)
{
	if (v->t == V_STR && memchr(st->ar + v->off, '<', v->len))
		html_scan(st, v);
}

static void set_attr(struct jsr *st, const struct val *recv, const char *name, const struct val *v)
{
	if (recv->t != V_ELEM)
		return;
	int slot = recv->slot;
	char n[16];
	size_t k = 0;
	for (; name[k] && k + 1 < sizeof(n); k++)
		n[k] = core_lower(name[k]);
	n[k] = '\0';
	if (!strcmp(n, "src") || !strcmp(n, "href") || !strcmp(n, "action") || !strcmp(n, "data")) {
		elem_src(st, slot, (int)recv->num, n, v);
	} else if (!strcmp(n, "style") && v->t == V_STR) {
		elem_flags(st, slot, css_hide(st->ar + v->off, v->len));
	} else if ((!strcmp(n, "width") || !strcmp(n, "height"))) {
		if ((v->t == V_NUM && (v->num == 0 || v->num == 1)) ||
		    (v->t == V_STR && tiny_size(st->ar + v->off, v->len)))
			elem_flags(st, slot, WATCH_RF_TINY);
	} else if (!strcmp(n, "hidden")) {
		if (truth(st, v) != 0)
			elem_flags(st, slot, WATCH_RF_HIDDEN);
	}
}

static void set_style(struct jsr *st, int slot, const char *prop, const struct val *v)
{
	if (slot < 0 || v->t == V_UNK)
		return;
	char b[96];
	char tmp[40];
	const char *text = tmp;
	size_t tl;
	if (v->t == V_NUM) {
		snprintf(tmp, sizeof(tmp), "%lld", (long long)v->num);
		tl = strlen(tmp);
	} else if (v->t == V_STR) {
		text = st->ar + v->off;
		tl = v->len;
	} else {
		return;
	}
	if (!strcmp(prop, "cssText")) {
		elem_flags(st, slot, css_hide(text, tl));
		return;
	}
	/* as "prop:value" through the same reading as an inline style */
	char name[40];
	size_t k = 0;
	for (const char *p = prop; *p && k + 2 < sizeof(name); p++) {
		if (*p >= 'A' && *p <= 'Z') {
			name[k++] = '-';
			name[k++] = core_lower(*p);
		} else {
			name[k++] = *p;
		}
	}
	name[k] = '\0';
	int m = snprintf(b, sizeof(b), "%s:%.*s", name, (int)(tl < 48 ? tl : 48), text);
	if (m > 0)
		elem_flags(st, slot, css_hide(b, strlen(b)));
}

static void redirect(struct jsr *st, const struct val *v)
{
	emit_val(st, WATCH_REF_REDIRECT, v, 0);
}

/* A member assignment recv.prop = v. */
static void assign_member(struct jsr *st, const struct val *recv, const char *prop,
			  const struct val *v)
{
	switch (recv->t) {
	case V_WIN:
	case V_DOC:
		if (!strcmp(prop, "location"))
			redirect(st, v);
		break;
	case V_LOC:
		if (!strcmp(prop, "href"))
			redirect(st, v);
		break;
	case V_ELEM:
		if (!strcmp(prop, "src") || !strcmp(prop, "href") || !strcmp(prop, "action") ||
		    !strcmp(prop, "data") || !strcmp(prop, "width") || !strcmp(prop, "height") ||
		    !strcmp(prop, "hidden"))
			set_attr(st, recv, prop, v);
		else if (!strcmp(prop, "text") || !strcmp(prop, "textContent") ||
			 !strcmp(prop, "innerText") || !strcmp(prop, "innerHTML")) {
			if (recv->slot >= 0 && st->el[recv->slot].kind == EK_SCRIPT)
				run_code(st, v, false); /* an inline script made by script */
			else if (!strcmp(prop, "innerHTML"))
				html_of_value(st, v);
		} else if (!strcmp(prop, "outerHTML")) {
			html_of_value(st, v);
		}
		break;
	case V_STYLE:
		set_style(st, recv->slot, prop, v);
		break;
	default:
		if (!strcmp(prop, "innerHTML") || !strcmp(prop, "outerHTML"))
			html_of_value(st, v);
		/* Class: form hijack by script. Only a form (or a submit
		** button's formAction) has an action: whatever the receiver
		** (document.forms[0], a querySelectorAll loop), the page's
		** forms now post there. */
		else if (!strcmp(prop, "action") || !strcmp(prop, "formAction"))
			emit_val(st, WATCH_REF_FORM, v, 0);
		break;
	}
}

static struct val member(struct ev *e, const struct val *r, const char *p)
{
	struct jsr *st = e->st;
	struct val v = vtype(V_UNK);
	v.f = r->f & VF_TAINT;
	switch (r->t) {
	case V_WIN:
		if (!strcmp(p, "location"))
			v.t = V_LOC;
		else if (!strcmp(p, "document"))
			v.t = V_DOC;
		else if (!strcmp(p, "navigator"))
			v.t = V_NAV;
		else if (!strcmp(p, "top") || !strcmp(p, "parent") || !strcmp(p, "self") ||
			 !strcmp(p, "window") || !strcmp(p, "opener") || !strcmp(p, "frames"))
			v.t = V_WIN;
		else if (!strcmp(p, "String"))
			v = vtype(V_FN), v.num = F_STRING;
		else if (!strcmp(p, "atob"))
			v = vtype(V_FN), v.num = F_ATOB;
		else if (!strcmp(p, "unescape"))
			v = vtype(V_FN), v.num = F_UNESCAPE;
		else if (!strcmp(p, "decodeURIComponent") || !strcmp(p, "decodeURI"))
			v = vtype(V_FN), v.num = F_DECODE_URI;
		else if (!strcmp(p, "eval"))
			v = vtype(V_FN), v.num = F_EVAL;
		else if (!strcmp(p, "setTimeout") || !strcmp(p, "setInterval"))
			v = vtype(V_FN), v.num = F_TIMER;
		else if (!strcmp(p, "Function"))
			v = vtype(V_FN), v.num = F_FUNCTION;
		break;
	case V_DOC:
		if (!strcmp(p, "location"))
			v.t = V_LOC;
		else if (!strcmp(p, "domain")) {
			v = vstr(st);
			putc1(st, &v, MK_HOST);
		} else if (!strcmp(p, "referrer"))
			v.f |= VF_TAINT;
		else if (!strcmp(p, "body") || !strcmp(p, "head") || !strcmp(p, "documentElement") ||
			 !strcmp(p, "currentScript") || !strcmp(p, "scripts"))
			v.t = V_NODE;
		else if (!strcmp(p, "defaultView"))
			v.t = V_WIN;
		break;
	case V_LOC:
		if (!strcmp(p, "host") || !strcmp(p, "hostname") || !strcmp(p, "origin")) {
			v = vstr(st);
			putc1(st, &v, MK_HOST);
		} else if (!strcmp(p, "protocol")) {
			v = vstr(st);
			putc1(st, &v, MK_PROTO);
		}
		break;
	case V_NAV:
		if (!strcmp(p, "userAgent") || !strcmp(p, "platform") || !strcmp(p, "vendor") ||
		    !strcmp(p, "appVersion") || !strcmp(p, "userAgentData"))
			v.f |= VF_TAINT;
		break;
	case V_NODE:
	case V_ELEM:
		if (!strcmp(p, "style") && r->t == V_ELEM) {
			v.t = V_STYLE;
			v.slot = r->slot;
		} else if (!strcmp(p, "parentNode") || !strcmp(p, "parentElement") ||
			   !strcmp(p, "firstChild") || !strcmp(p, "lastChild") ||
			   !strcmp(p, "nextSibling") || !strcmp(p, "children") ||
			   !strcmp(p, "childNodes") || !strcmp(p, "firstElementChild") ||
			   !strcmp(p, "body") || !strcmp(p, "head")) {
			v.t = V_NODE;
		} else if (!strcmp(p, "ownerDocument")) {
			v.t = V_DOC;
		}
		break;
	case V_STR:
		if (!strcmp(p, "length") && str_plain(st, r)) {
			v.t = V_NUM;
			v.num = r->len;
		}
		break;
	case V_FN:
		if (r->num == F_STRING && !strcmp(p, "fromCharCode"))
			v = vtype(V_FN), v.num = F_FROMCHARCODE;
		else if (!strcmp(p, "call") || !strcmp(p, "apply"))
			v = *r; /* the call site tells which (see call()) */
		break;
	case V_JQ:
		v.t = V_JQ; /* $.fn chains */
		break;
	default:
		break;
	}
	return v;
}

static bool name_in(const char *n, const char *const *list, size_t k)
{
	for (size_t i = 0; i < k; i++)
		if (list[i][0] == n[0] && !strcmp(n, list[i]))
			return true;
	return false;
}

/* The packer's decoder: every word of the payload p is a number in base a
** (digits 0-9, a-z, then A-Z) that indexes the dictionary k; an empty
** entry leaves the word as it is. Its result is the code eval runs. */
__attribute__((noinline)) static struct val unpack(struct jsr *st, const struct val *a, int na)
{
	enum { DICT_MAX = 1024 };
	uint32_t ks[DICT_MAX], kl[DICT_MAX];
	if (na < 4 || a[0].t != V_STR || a[1].t != V_NUM || a[1].num < 2 || a[1].num > 62 ||
	    a[3].t != V_ARR)
		return vtype(V_UNK);
	int nk = arr_elems(st, &a[3], ks, kl, DICT_MAX);
	int64_t base = a[1].num;
	const char *p = st->ar + a[0].off;
	struct val v = vstr(st);
	for (uint32_t i = 0; i < a[0].len;) {
		unsigned char c = (unsigned char)p[i];
		bool w = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 c == '_';
		if (!w) {
			putc1(st, &v, (char)c);
			i++;
			continue;
		}
		uint32_t j = i;
		int64_t idx = 0;
		bool ok = true;
		for (; j < a[0].len; j++) {
			unsigned char d = (unsigned char)p[j];
			int dv = d >= '0' && d <= '9' ? d - '0'
				 : d >= 'a' && d <= 'z' ? d - 'a' + 10
				 : d >= 'A' && d <= 'Z' ? d - 'A' + 36
				 : d == '_' ? 99 : -1;
			if (dv < 0)
				break;
			if (dv >= base || idx > DICT_MAX)
				ok = false;
			else
				idx = idx * base + dv;
		}
		if (ok && idx < nk && kl[idx] > 0)
			put(st, &v, st->ar + ks[idx], kl[idx]);
		else
			put(st, &v, p + i, j - i);
		i = j;
	}
	v.f |= VF_DECODED;
	return v;
}

static struct val builtin(struct ev *e, int fn, struct val *a, int na)
{
	struct jsr *st = e->st;
	struct val none = vtype(V_UNK);
	struct val *a0 = na > 0 ? &a[0] : &none;
	switch (fn) {
	case F_ATOB:
		return base64(st, a0);
	case F_UNESCAPE:
		return unescape_val(st, a0, true);
	case F_DECODE_URI:
		return unescape_val(st, a0, false);
	case F_IDENTITY:
	case F_STRING:
		if (a0->t == V_STR) {
			struct val v = vstr(st);
			put(st, &v, st->ar + a0->off, a0->len);
			v.f = a0->f;
			v.nj = a0->nj;
			memcpy(v.join, a0->join, sizeof(v.join));
			return v;
		}
		return *a0;
	case F_PARSEINT: {
		int64_t x;
		struct val v = vtype(V_UNK);
		int64_t radix = 10;
		if (na > 1 && a[1].t == V_NUM)
			radix = a[1].num;
		if (a0->t == V_STR && str_plain(st, a0) && radix >= 2 && radix <= 36) {
			const char *p = st->ar + a0->off;
			int64_t acc = 0;
			uint32_t i = 0;
			bool ok = false;
			for (; i < a0->len; i++) {
				int d = (p[i] >= '0' && p[i] <= '9') ? p[i] - '0'
					: (core_lower(p[i]) >= 'a' && core_lower(p[i]) <= 'z') ? core_lower(p[i]) - 'a' + 10
					: 99;
				if (d >= radix)
					break;
				if (__builtin_mul_overflow(acc, radix, &acc) || __builtin_add_overflow(acc, d, &acc))
					return v;
				ok = true;
			}
			if (ok) {
				v.t = V_NUM;
				v.num = acc;
			}
		} else if (num_of(st, a0, &x)) {
			v.t = V_NUM;
			v.num = x;
		}
		return v;
	}
	case F_EVAL:
		st->out->flags |= WATCH_JSF_EVAL;
		run_code(st, a0, true);
		return vtype(V_UNK);
	case F_FUNCTION:
		st->out->flags |= WATCH_JSF_EVAL;
		if (na > 0)
			run_code(st, &a[na - 1], true);
		return vtype(V_UNK);
	case F_TIMER:
		if (a0->t == V_STR) {
			st->out->flags |= WATCH_JSF_EVAL;
			run_code(st, a0, true);
		}
		return vtype(V_UNK);
	case F_REQUEST:
		/* Class: skimmers' exfiltration channels (fetch, WebSocket,
		** EventSource, sendBeacon): where the page sends data, judged
		** like an image beacon. */
		emit_val(st, WATCH_REF_IMG, a0, 0);
		return vtype(V_UNK);
	case F_WORKER:
		/* Class: miners run in Web Workers (new Worker(url),
		** importScripts(url)): the worker's code is a script. */
		emit_val(st, WATCH_REF_SCRIPT, a0, 0);
		return vtype(V_UNK);
	case F_BLOB: {
		/* new Blob([code], {type: 'text/javascript'}): code built as a
		** string for a Worker or a script's src; read like eval's. */
		struct val code = *a0;
		if (a0->t == V_ARR)
			code = arr_join(st, a0, "", 0);
		run_code(st, &code, true);
		return vtype(V_UNK);
	}
	case F_FROMCHARCODE:
		return from_char_codes(st, a, na);
	case F_PACKER:
		return unpack(st, a, na);
	default:
		return vtype(V_UNK);
	}
}

static struct val str_method(struct ev *e, const struct val *r, const char *m, struct val *a, int na)
{
	struct jsr *st = e->st;
	struct val none = vtype(V_UNK);
	struct val *a0 = na > 0 ? &a[0] : &none;
	struct val *a1 = na > 1 ? &a[1] : &none;
	struct val u = vtype(V_UNK);
	u.f = r->f & VF_TAINT;
	if (!strcmp(m, "toString") || !strcmp(m, "valueOf") || !strcmp(m, "trim") ||
	    !strcmp(m, "toLowerCase") || !strcmp(m, "toUpperCase") || !strcmp(m, "normalize")) {
		struct val v = vstr(st);
		const char *p = st->ar + r->off;
		uint32_t b = 0, n = r->len;
		if (!strcmp(m, "trim")) {
			while (b < n && (unsigned char)p[b] <= ' ' && (unsigned char)p[b] > 0x04)
				b++;
			while (n > b && (unsigned char)p[n - 1] <= ' ' && (unsigned char)p[n - 1] > 0x04)
				n--;
		}
		for (uint32_t i = b; i < n; i++) {
			char c = p[i];
			if (m[2] == 'L')
				c = core_lower(c);
			else if (m[2] == 'U' && c >= 'a' && c <= 'z')
				c = (char)(c - 32);
			putc1(st, &v, c);
		}
		v.f = r->f;
		if (b == 0) {
			v.nj = r->nj;
			memcpy(v.join, r->join, sizeof(v.join));
		}
		return v;
	}
	if (!strcmp(m, "concat")) {
		struct val v = vstr(st);
		append_as_string(st, &v, r);
		for (int i = 0; i < na; i++) {
			uint32_t at_ = v.len;
			append_as_string(st, &v, &a[i]);
			add_join(&v, at_);
		}
		return v;
	}
	if (!strcmp(m, "split")) {
		struct val v = vstr(st);
		v.t = V_ARR;
		if (a0->t == V_STR && a0->len == 0) {
			const char *p = st->ar + r->off;
			for (uint32_t i = 0; i < r->len;) {
				uint32_t k = 1;
				while (i + k < r->len && ((unsigned char)p[i + k] & 0xc0) == 0x80)
					k++;
				if (i)
					putc1(st, &v, MK_SEP);
				put(st, &v, p + i, k);
				i += k;
			}
			v.f = r->f;
			return v;
		}
		char buf[64];
		size_t bl = 0;
		const char *pat = NULL;
		if (a0->t == V_STR && str_plain(st, a0)) {
			pat = st->ar + a0->off;
			bl = a0->len;
		} else if (a0->t == V_RE && re_plain(st, a0, buf, sizeof(buf), &bl)) {
			pat = buf;
		}
		if (!pat) {
			if (na == 0) {
				put(st, &v, st->ar + r->off, r->len);
				v.f = r->f;
				return v;
			}
			st->top = v.off;
			return u;
		}
		st->top = v.off;
		return str_replace(st, r, pat, bl, NULL, 0, true, 1);
	}
	if (!strcmp(m, "replace") || !strcmp(m, "replaceAll")) {
		if (a1->t != V_STR || !str_plain(st, a1))
			return u;
		char buf[64];
		size_t bl = 0;
		const char *pat = NULL;
		bool all = m[7] == 'A';
		if (a0->t == V_STR && str_plain(st, a0)) {
			pat = st->ar + a0->off;
			bl = a0->len;
		} else if (a0->t == V_RE && re_plain(st, a0, buf, sizeof(buf), &bl)) {
			pat = buf;
			all = (a0->f & VF_GLOBAL) != 0;
		}
		if (!pat)
			return u;
		return str_replace(st, r, pat, bl, st->ar + a1->off, a1->len, all, 0);
	}
	if (!strcmp(m, "slice") || !strcmp(m, "substring") || !strcmp(m, "substr") ||
	    !strcmp(m, "charAt")) {
		if (!str_plain(st, r))
			return u;
		int64_t len = r->len, b = 0, en = len, x;
		if (na > 0 && !num_of(st, a0, &b))
			return u;
		if (!strcmp(m, "charAt")) {
			en = b + 1;
		} else if (na > 1) {
			if (!num_of(st, a1, &x))
				return u;
			en = m[3] == 's' && m[4] == 't' && m[5] == 'r' && m[6] == '\0' ? b + x : x;
		}
		if (!strcmp(m, "slice")) {
			if (b < 0)
				b += len;
			if (en < 0)
				en += len;
		} else if (!strcmp(m, "substring") && b > en) {
			int64_t t = b;
			b = en;
			en = t;
		}
		if (b < 0)
			b = 0;
		if (en > len)
			en = len;
		struct val v = vstr(st);
		if (en > b)
			put(st, &v, st->ar + r->off + b, (size_t)(en - b));
		v.f = r->f | VF_DECODED;
		return v;
	}
	return u;
}

static struct val arr_method(struct ev *e, const struct val *r, const char *m, struct val *a, int na)
{
	struct jsr *st = e->st;
	if (!strcmp(m, "join") || !strcmp(m, "toString")) {
		const char *sep = ",";
		size_t sl = 1;
		if (!strcmp(m, "join") && na > 0) {
			if (a[0].t != V_STR || !str_plain(st, &a[0]))
				return vtype(V_UNK);
			sep = st->ar + a[0].off;
			sl = a[0].len;
		}
		char sb[64];
		if (sl > sizeof(sb))
			return vtype(V_UNK);
		memcpy(sb, sep, sl);
		return arr_join(st, r, sb, sl);
	}
	if (!strcmp(m, "reverse"))
		return arr_reverse(st, r);
	if (!strcmp(m, "concat")) {
		struct val v = vstr(st);
		v.t = V_ARR;
		put(st, &v, st->ar + r->off, r->len);
		for (int i = 0; i < na; i++) {
			putc1(st, &v, MK_SEP);
			if (a[i].t == V_ARR)
				put(st, &v, st->ar + a[i].off, a[i].len);
			else
				append_as_string(st, &v, &a[i]);
		}
		v.f |= r->f;
		return v;
	}
	return vtype(V_UNK);
}

/* A call: callee value fn, reached through lv; the arguments are read here. */
/* A call of a function the script declared: its body read again with the
** parameters bound to the arguments (loaders take their URL this way).
** At most FN_CALLS_MAX calls per script, one level deep. */
static void call_declared(struct jsr *st, const struct fdecl *f, const struct val *a, int na)
{
	if (st->ncalls >= FN_CALLS_MAX || st->nest >= NEST_MAX)
		return;
	st->ncalls++;
	for (int i = 0; i < f->np; i++) {
		struct val u = vtype(V_UNK);
		sym_set(st, f->params[i], i < na ? &a[i] : &u);
	}
	st->nest++;
	scan(st, st->src + f->s, f->e - f->s);
	st->nest--;
}

/* String.fromCharCode(n, n, ...) with any number of arguments (decoders
** pass hundreds): each one read above the result, which grows in place. */
static struct val call_fcc(struct ev *e)
{
	struct jsr *st = e->st;
	struct val v = vstr(st);
	uint32_t hi = 0;
	bool ok = true;
	ev_next(e); /* '(' */
	for (;;) {
		if (ev_punct(e, ")")) {
			ev_next(e);
			break;
		}
		uint32_t m = st->top;
		struct val x = ev_assign(e);
		int64_t n = 0;
		if (e->stop)
			return vtype(V_UNK);
		ok = ok && num_of(st, &x, &n);
		st->top = m;
		if (ok)
			put_utf16(st, &v, &hi, (uint32_t)((uint64_t)n & 0xffff), false);
		if (ev_punct(e, ","))
			ev_next(e);
		else if (ev_punct(e, ")")) {
			ev_next(e);
			break;
		} else {
			return ev_fail(e);
		}
	}
	if (!ok) {
		st->top = v.off;
		return vtype(V_UNK);
	}
	put_utf16(st, &v, &hi, 0, true);
	v.f |= VF_DECODED;
	return v;
}

static struct val call(struct ev *e, struct lval *lv, struct val fn)
{
	struct jsr *st = e->st;
	struct val a[ARG_MAX];
	int na = 0;
	if (fn.t == V_FN && fn.num == F_FROMCHARCODE &&
	    !(lv->kind == LV_MEMBER && (!strcmp(lv->name, "call") || !strcmp(lv->name, "apply"))))
		return call_fcc(e);
	ev_next(e); /* '(' */
	for (;;) {
		if (ev_punct(e, ")")) {
			ev_next(e);
			break;
		}
		if (ev_punct(e, "..."))
			return ev_fail(e);
		uint32_t m = st->top;
		struct val x = ev_assign(e);
		if (e->stop)
			return vtype(V_UNK);
		if (na < ARG_MAX)
			a[na++] = x;
		else
			st->top = m;
		if (ev_punct(e, ","))
			ev_next(e);
		else if (ev_punct(e, ")")) {
			ev_next(e);
			break;
		} else {
			return ev_fail(e);
		}
	}
	struct val none = vtype(V_UNK);
	struct val *a0 = na > 0 ? &a[0] : &none;
	struct val *a1 = na > 1 ? &a[1] : &none;
	if (fn.t == V_FN) {
		const char *how = lv->kind == LV_MEMBER ? lv->name : "";
		if (!strcmp(how, "call"))
			return builtin(e, (int)fn.num, a + (na > 0), na > 0 ? na - 1 : 0);
		if (!strcmp(how, "apply")) {
			/* f.apply(this, [..]): the array's elements as arguments */
			if (na < 2 || a[1].t != V_ARR)
				return vtype(V_UNK);
			if (fn.num != F_FROMCHARCODE)
				return vtype(V_UNK);
			struct val v = vstr(st);
			uint32_t hi = 0, es, el;
			for (int64_t i = 0; arr_elem(st, &a[1], i, &es, &el); i++) {
				bool ok;
				int64_t x = parse_num(st->ar + es, el, &ok);
				if (!ok) {
					st->top = v.off;
					return vtype(V_UNK);
				}
				uint32_t cu = (uint32_t)((uint64_t)x & 0xffff);
				if (hi && cu >= 0xdc00 && cu <= 0xdfff) {
					put_cp(st, &v, 0x10000 + ((hi - 0xd800) << 10) + (cu - 0xdc00));
					hi = 0;
				} else if (cu >= 0xd800 && cu <= 0xdbff) {
					hi = cu;
				} else {
					put_cp(st, &v, cu);
				}
			}
			v.f |= VF_DECODED;
			return v;
		}
		return builtin(e, (int)fn.num, a, na);
	}
	if (fn.t == V_JQ) {
		/* $('<iframe src=...>') / jQuery(html): markup from a string */
		html_of_value(st, a0);
		return vtype(V_JQ);
	}
	if (lv->kind == LV_NAME && fn.t != V_FN) {
		/* a declared function, even if a variable of its body took
		** its name in the symbol table (scope is not tracked) */
		for (unsigned i = 0; i < st->nfn; i++)
			if (!strcmp(st->fn[i].name, lv->name)) {
				call_declared(st, &st->fn[i], a, na);
				return vtype(V_UNK);
			}
	}
	if (lv->kind == LV_NAME) {
		const char *n = lv->name;
		if (!strcmp(n, "escape") || !strcmp(n, "encodeURIComponent") || !strcmp(n, "encodeURI"))
			return builtin(e, F_IDENTITY, a, na);
		if (!strcmp(n, "parseInt") || !strcmp(n, "Number"))
			return builtin(e, F_PARSEINT, a, na);
		return vtype(V_UNK);
	}
	if (lv->kind != LV_MEMBER)
		return vtype(V_UNK);
	const char *m = lv->name;
	struct val *r = &lv->recv;
	switch (r->t) {
	case V_STR:
		return str_method(e, r, m, a, na);
	case V_ARR:
		return arr_method(e, r, m, a, na);
	case V_DOC:
		if (!strcmp(m, "write") || !strcmp(m, "writeln")) {
			/* several arguments are written one after the other */
			struct val w = vstr(st);
			for (int i = 0; i < na; i++) {
				uint32_t at_ = w.len;
				append_as_string(st, &w, &a[i]);
				add_join(&w, at_);
				for (int j = 0; j < a[i].nj && a[i].t == V_STR; j++)
					add_join(&w, at_ + a[i].join[j]);
			}
			html_of_value(st, &w);
			return vtype(V_UNK);
		}
		if (!strcmp(m, "createElement")) {
			int k = EK_UNKNOWN;
			if (str_plain(st, a0))
				k = tag_kind(st->ar + a0->off, a0->len);
			struct val v = vtype(V_ELEM);
			v.num = k;
			v.slot = (int8_t)elem_new(st, k);
			return v;
		}
		{
			static const char *const q[] = { "getElementById", "getElementsByTagName",
							 "getElementsByClassName", "querySelector",
							 "querySelectorAll", "getElementsByName" };
			if (name_in(m, q, 6))
				return vtype(V_NODE);
		}
		break;
	case V_LOC:
		if (!strcmp(m, "replace") || !strcmp(m, "assign"))
			redirect(st, a0);
		return vtype(V_UNK);
	case V_WIN:
		if (!strcmp(m, "open")) {
			emit_val(st, WATCH_REF_POPUP, a0, 0);
			return vtype(V_WIN);
		}
		if (!strcmp(m, "navigate")) /* Internet Explorer's */
			redirect(st, a0);
		break;
	case V_JQ:
		if (!strcmp(m, "getScript")) {
			emit_val(st, WATCH_REF_SCRIPT, a0, 0);
			return vtype(V_UNK);
		}
		{
			static const char *const h[] = { "append", "prepend", "after", "before", "html",
							 "replaceWith" };
			if (name_in(m, h, 6))
				html_of_value(st, a0);
		}
		return vtype(V_JQ);
	case V_NODE:
	case V_ELEM: {
		static const char *const ins[] = { "appendChild", "insertBefore", "append", "prepend",
						   "replaceChild", "after", "before" };
		if (name_in(m, ins, 7) && a0->t == V_ELEM)
			return *a0;
		if (!strcmp(m, "setAttribute") && a0->t == V_STR && str_plain(st, a0)) {
			char n[16];
			size_t k = a0->len < sizeof(n) - 1 ? a0->len : sizeof(n) - 1;
			memcpy(n, st->ar + a0->off, k);
			n[k] = '\0';
			/* Class: form hijack by script: a queried element given
			** an action is one of the page's forms. */
			if (r->t == V_NODE && (!strcmp(n, "action") || !strcmp(n, "formaction")))
				emit_val(st, WATCH_REF_FORM, a1, 0);
			else
				set_attr(st, r, n, a1);
			return vtype(V_UNK);
		}
		if (!strcmp(m, "getElementsByTagName") || !strcmp(m, "querySelector"))
			return vtype(V_NODE);
		break;
	}
	default:
		break;
	}
	if (!strcmp(m, "insertAdjacentHTML"))
		html_of_value(st, a1);
	if (!strcmp(m, "sendBeacon"))
		emit_val(st, WATCH_REF_IMG, a0, 0);
	/* xhr.open("POST", url): a method name first tells it from window.open */
	if (!strcmp(m, "open") && na >= 2 && r->t != V_WIN && a0->t == V_STR && str_plain(st, a0) &&
	    a0->len >= 3 && a0->len <= 7) {
		static const char *const methods[] = { "GET", "POST", "PUT", "get", "post", "put" };
		for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
			if (strlen(methods[i]) == a0->len &&
			    !memcmp(st->ar + a0->off, methods[i], a0->len)) {
				emit_val(st, WATCH_REF_IMG, a1, 0);
				break;
			}
	}
	if (!strcmp(m, "createElement")) {
		/* another document's (an iframe's): the same element */
		int k = str_plain(st, a0) ? tag_kind(st->ar + a0->off, a0->len) : EK_UNKNOWN;
		struct val v = vtype(V_ELEM);
		v.num = k;
		v.slot = (int8_t)elem_new(st, k);
		return v;
	}
	struct val u = vtype(V_UNK);
	u.f = r->f & VF_TAINT; /* navigator.userAgent.toLowerCase() */
	return u;
}

/* `new X(...)`: new Image() is a tracking pixel's element; new Function
** runs its last argument. */
static struct val ev_new(struct ev *e)
{
	struct tok t = ev_next(e);
	char n[NAME_MAX];
	if (t.type != T_IDENT)
		return ev_fail(e);
	tok_name(&e->lx, t, n);
	while (ev_punct(e, ".")) { /* new window.Image, new CoinHive.Anonymous */
		ev_next(e);
		t = ev_next(e);
		if (t.type != T_IDENT)
			return ev_fail(e);
		tok_name(&e->lx, t, n);
	}
	struct val v = vtype(V_UNK);
	if (!strcmp(n, "Image")) {
		v.t = V_ELEM;
		v.num = EK_IMG;
		v.slot = (int8_t)elem_new(e->st, EK_IMG);
	}
	if (ev_punct(e, "(")) {
		static const struct {
			const char *n;
			int f;
		} ctors[] = { { "WebSocket", F_REQUEST },
			      { "EventSource", F_REQUEST },
			      { "Worker", F_WORKER },
			      { "SharedWorker", F_WORKER },
			      { "Blob", F_BLOB } };
		for (size_t i = 0; i < sizeof(ctors) / sizeof(ctors[0]); i++)
			if (!strcmp(n, ctors[i].n)) {
				struct lval lv;
				lv.kind = LV_NONE;
				struct val f = vtype(V_FN);
				f.num = ctors[i].f;
				(void)call(e, &lv, f);
				return vtype(V_UNK);
			}
		if (!strcmp(n, "Function")) {
			struct lval lv;
			lv.kind = LV_NONE;
			struct val f = vtype(V_FN);
			f.num = F_FUNCTION;
			return call(e, &lv, f);
		}
		uint32_t m = e->st->top;
		struct lval lv;
		lv.kind = LV_NONE;
		(void)call(e, &lv, vtype(V_UNK));
		e->st->top = m;
	}
	return v;
}

static struct val ev_postfix(struct ev *e, struct val v, struct lval *lv);

/* Skip a body whose '{' was just taken; from: where its expression
** began. The scan reads it on its own (see eval_at). */
static bool skip_body(struct ev *e, uint32_t from)
{
	struct jsr *st = e->st;
	if (st->dead_src == e->lx.src && from >= st->dead_from && from < st->dead_to)
		return false; /* `f({f({...` read once, not n times */
	if (from < e->skipped)
		e->skipped = from;
	e->has_la = false;
	if (!skip_balanced(&e->lx)) {
		st->dead_src = e->lx.src;
		st->dead_from = from;
		st->dead_to = e->lx.pos;
		return false;
	}
	return true;
}

/* A function expression's value is a function the reader does not call:
** its body is skipped here (the scan reads it on its own, see eval_at). */
static struct val skip_function(struct ev *e, uint32_t from, bool params)
{
	struct jsr *st = e->st;
	if (st->dead_src == e->lx.src && from >= st->dead_from && from < st->dead_to)
		return ev_fail(e); /* `f(function(){f(function(){...` read once, not n times */
	struct val fnv = vtype(V_UNK);
	if (params) {
		if (ev_peek(e).type == T_IDENT)
			ev_next(e); /* the name */
		if (!ev_punct(e, "("))
			return ev_fail(e);
		ev_next(e);
		/* Dean Edwards' packer, `eval(function(p,a,c,k,e,d){...}(...))`,
		** the most common wrapper of injected code: known by its
		** parameters, undone by unpack() when it is called */
		static const char pk[] = "packe";
		int np = 0;
		bool packer = true;
		for (;;) {
			struct tok t = ev_next(e);
			if (punct_is(&e->lx, t, ")"))
				break;
			if (t.type == T_END)
				return ev_fail(e);
			if (t.type == T_IDENT && t.e - t.s == 1) {
				char c = e->lx.src[t.s];
				packer = packer && (np < 5 ? c == pk[np] : np == 5 && (c == 'd' || c == 'r'));
				np++;
			} else if (!punct_is(&e->lx, t, ",")) {
				packer = false;
			}
		}
		if (packer && np >= 5) {
			fnv = vtype(V_FN);
			fnv.num = F_PACKER;
		}
		/* a body the scan already measured (an immediately invoked
		** function): jump over it rather than lex it again */
		for (unsigned i = 0; i < 8; i++)
			if (st->fcache[i].src == e->lx.src && st->fcache[i].from == from &&
			    st->fcache[i].to > e->lx.pos && st->fcache[i].to <= e->lx.n) {
				if (from < e->skipped)
					e->skipped = from;
				e->has_la = false;
				e->lx.pos = st->fcache[i].to;
				e->lx.re_ok = false;
				return fnv;
			}
	}
	if (!ev_punct(e, "{")) {
		/* an arrow's expression body: evaluated, it is not skipped */
		uint32_t m = st->top;
		(void)ev_assign(e);
		st->top = m;
		return vtype(V_UNK);
	}
	ev_next(e);
	return skip_body(e, from) ? fnv : ev_fail(e);
}

static struct val ev_primary(struct ev *e, struct lval *lv)
{
	struct jsr *st = e->st;
	struct tok t = ev_next(e);
	struct val v;
	lv->kind = LV_NONE;
	switch (t.type) {
	case T_STR: {
		v = vstr(st);
		uint32_t end = t.e;
		if (end > t.s + 1 && e->lx.src[end - 1] == e->lx.src[t.s])
			end--;
		decode_chunk(st, &v, e->lx.src + t.s + 1, end - t.s - 1);
		return v;
	}
	case T_TPL:
		return decode_template(e, t);
	case T_NUM: {
		bool ok;
		v = vtype(V_UNK);
		int64_t x = parse_num(e->lx.src + t.s, t.e - t.s, &ok);
		if (ok) {
			v.t = V_NUM;
			v.num = x;
		}
		return v;
	}
	case T_RE: {
		v = vstr(st);
		v.t = V_RE;
		uint32_t end = t.e;
		while (end > t.s + 1 && e->lx.src[end - 1] != '/') {
			if (e->lx.src[end - 1] == 'g')
				v.f |= VF_GLOBAL;
			end--;
		}
		if (end > t.s + 1)
			end--;
		put(st, &v, e->lx.src + t.s + 1, end - t.s - 1);
		return v;
	}
	case T_PUNCT:
		if (punct_is(&e->lx, t, "(")) {
			uint32_t m = st->top;
			v = ev_assign(e);
			while (ev_punct(e, ",")) { /* comma operator: the last value */
				ev_next(e);
				st->top = m;
				v = ev_assign(e);
			}
			if (!ev_punct(e, ")"))
				return ev_fail(e);
			ev_next(e);
			if (ev_punct(e, "=>")) { /* an arrow function */
				st->top = m;
				ev_next(e);
				return skip_function(e, t.s, false);
			}
			settle(st, &v, m);
			return v;
		}
		if (punct_is(&e->lx, t, "[")) {
			v = vstr(st);
			v.t = V_ARR;
			bool first = true;
			for (;;) {
				if (ev_punct(e, "]")) {
					ev_next(e);
					break;
				}
				if (!first)
					putc1(st, &v, MK_SEP);
				first = false;
				if (ev_punct(e, ",")) { /* a hole */
					ev_next(e);
					continue;
				}
				uint32_t m = st->top;
				struct val x = ev_assign(e);
				if (e->stop)
					return vtype(V_UNK);
				if (has_bytes(&x) && x.off == m) {
					st->top = m;
					v.len = m - v.off;
					put(st, &v, st->ar + m, x.len); /* already in place */
					if (x.t == V_ARR)
						for (uint32_t i = m; i < m + x.len && i < st->top; i++)
							if (st->ar[i] == MK_SEP)
								st->ar[i] = ',';
					v.f |= x.f & (VF_DECODED | VF_TAINT | VF_TRUNC);
				} else {
					st->top = m;
					v.len = m - v.off;
					append_as_string(st, &v, &x);
				}
				if (ev_punct(e, ","))
					ev_next(e);
				else if (!ev_punct(e, "]"))
					return ev_fail(e);
			}
			v.len = st->top - v.off;
			return v;
		}
		if (punct_is(&e->lx, t, "{")) {
			/* an object literal: not followed (the scan reads its
			** values on its own), but the call it is passed to goes on */
			return skip_body(e, t.s) ? vtype(V_UNK) : ev_fail(e);
		}
		return ev_fail(e);
	case T_IDENT: {
		char n[NAME_MAX];
		tok_name(&e->lx, t, n);
		if (!strcmp(n, "function"))
			return skip_function(e, t.s, true);
		if (!strcmp(n, "import") && ev_punct(e, "(")) {
			/* import('https://x/m.js'): a module loaded by script */
			ev_next(e);
			uint32_t m = st->top;
			struct val u = ev_assign(e);
			emit_val(st, WATCH_REF_SCRIPT, &u, 0);
			st->top = m;
			if (!ev_punct(e, ")"))
				return ev_fail(e);
			ev_next(e);
			return vtype(V_UNK);
		}
		if (ev_punct(e, "=>")) {
			ev_next(e);
			return skip_function(e, t.s, false);
		}
		static const char *const stops[] = { "class", "async", "var", "let",
						      "const", "if", "for", "while", "return",
						      "switch", "do", "try", "throw", "import",
						      "export", "else", "case", "break", "continue" };
		if (name_in(n, stops, sizeof(stops) / sizeof(stops[0])))
			return ev_fail(e);
		lv->kind = LV_NAME;
		memcpy(lv->name, n, sizeof(lv->name));
		if (!strcmp(n, "true") || !strcmp(n, "false")) {
			v = vtype(V_NUM);
			v.f = VF_BOOL;
			v.num = n[0] == 't';
			return v;
		}
		static const char *const wins[] = { "window", "self", "top", "parent", "globalThis",
						     "frames" };
		if (name_in(n, wins, 6))
			return vtype(V_WIN);
		if (!strcmp(n, "document"))
			return vtype(V_DOC);
		if (!strcmp(n, "location"))
			return vtype(V_LOC);
		if (!strcmp(n, "navigator"))
			return vtype(V_NAV);
		struct sym *s = sym_find(st, n);
		if (s)
			return sym_get(st, s);
		static const struct {
			const char *n;
			int f;
		} fns[] = { { "atob", F_ATOB },
			    { "unescape", F_UNESCAPE },
			    { "decodeURIComponent", F_DECODE_URI },
			    { "decodeURI", F_DECODE_URI },
			    { "eval", F_EVAL },
			    { "Function", F_FUNCTION },
			    { "setTimeout", F_TIMER },
			    { "setInterval", F_TIMER },
			    { "String", F_STRING },
			    { "fetch", F_REQUEST },
			    { "importScripts", F_WORKER } };
		for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
			if (!strcmp(n, fns[i].n)) {
				v = vtype(V_FN);
				v.num = fns[i].f;
				return v;
			}
		if (!strcmp(n, "$") || !strcmp(n, "jQuery"))
			return vtype(V_JQ);
		return vtype(V_UNK);
	}
	default:
		return ev_fail(e);
	}
}

static void member_name(struct ev *e, struct tok t, char out[NAME_MAX])
{
	tok_name(&e->lx, t, out);
}

static struct val ev_postfix(struct ev *e, struct val v, struct lval *lv)
{
	struct jsr *st = e->st;
	uint32_t mark = st->top;
	if (has_bytes(&v))
		mark = v.off;
	for (;;) {
		if (e->stop)
			return vtype(V_UNK);
		struct tok t = ev_peek(e);
		if (punct_is(&e->lx, t, ".") || punct_is(&e->lx, t, "?.")) {
			ev_next(e);
			if (ev_punct(e, "(") || ev_punct(e, "["))
				continue; /* f?.(x), a?.[k] */
			struct tok p = ev_next(e);
			if (p.type != T_IDENT)
				return ev_fail(e);
			char n[NAME_MAX];
			member_name(e, p, n);
			struct val r = v;
			v = member(e, &r, n);
			lv->kind = LV_MEMBER;
			memcpy(lv->name, n, sizeof(lv->name));
			lv->recv = r;
			continue;
		}
		if (punct_is(&e->lx, t, "[")) {
			ev_next(e);
			uint32_t m = st->top;
			struct val k = ev_assign(e);
			if (!ev_punct(e, "]"))
				return ev_fail(e);
			ev_next(e);
			struct val r = v;
			lv->kind = LV_NONE;
			if (str_plain(st, &k) && k.len > 0 && k.len < NAME_MAX) {
				char n[NAME_MAX];
				memcpy(n, st->ar + k.off, k.len);
				n[k.len] = '\0';
				st->top = m;
				v = member(e, &r, n);
				lv->kind = LV_MEMBER;
				memcpy(lv->name, n, sizeof(lv->name));
				lv->recv = r;
			} else if (k.t == V_NUM && (r.t == V_NODE || r.t == V_ELEM)) {
				st->top = m;
				v = vtype(V_NODE);
			} else if (k.t == V_NUM && r.t == V_ARR) {
				uint32_t es, el;
				st->top = m;
				if (arr_elem(st, &r, k.num, &es, &el)) {
					v = vstr(st);
					put(st, &v, st->ar + es, el);
					v.f = r.f;
				} else {
					v = vtype(V_UNK);
				}
			} else {
				st->top = m;
				v = vtype(V_UNK);
				v.f = r.f & VF_TAINT;
			}
			continue;
		}
		if (punct_is(&e->lx, t, "(")) {
			v = call(e, lv, v);
			lv->kind = LV_NONE;
			settle(st, &v, mark);
			continue;
		}
		if (t.type == T_TPL)
			return ev_fail(e); /* a tagged template */
		if (punct_is(&e->lx, t, "=") && lv->kind != LV_NONE) {
			ev_next(e);
			struct lval keep = *lv;
			uint32_t m = st->top;
			struct val r = ev_assign(e);
			if (e->stop && r.t == V_UNK)
				return r;
			if (keep.kind == LV_NAME) {
				if (!strcmp(keep.name, "location"))
					redirect(st, &r);
				else
					sym_set(st, keep.name, &r);
			} else {
				assign_member(st, &keep.recv, keep.name, &r);
			}
			lv->kind = LV_NONE;
			settle(st, &r, m);
			v = r;
			break;
		}
		if (punct_is(&e->lx, t, "+=") && lv->kind != LV_NONE) {
			ev_next(e);
			struct lval keep = *lv;
			if (has_bytes(&v))
				settle(st, &v, mark);
			else
				st->top = mark;
			struct val r = ev_assign(e);
			struct val c = concat(st, v, r, mark);
			if (keep.kind == LV_NAME)
				sym_set(st, keep.name, &c);
			else
				assign_member(st, &keep.recv, keep.name, &c);
			lv->kind = LV_NONE;
			v = c;
			break;
		}
		if (t.type == T_PUNCT && (tok_is(&e->lx, t, "++") || tok_is(&e->lx, t, "--"))) {
			ev_next(e);
			v = vtype(V_UNK);
		}
		break;
	}
	settle(st, &v, mark);
	return v;
}

static struct val ev_unary(struct ev *e)
{
	struct tok t = ev_peek(e);
	uint32_t mark = e->st->top;
	if (t.type == T_PUNCT && t.e - t.s <= 2) {
		const char *s = e->lx.src + t.s;
		bool two = t.e - t.s == 2;
		if (!two && (*s == '!' || *s == '-' || *s == '+' || *s == '~')) {
			ev_next(e);
			struct val v = ev_unary(e);
			struct val r = vtype(V_UNK);
			r.f = v.f & VF_TAINT;
			int64_t x;
			if (*s == '-' && v.t == V_NUM && v.num != INT64_MIN) {
				r = vtype(V_NUM);
				r.num = -v.num;
			} else if (*s == '+' && num_of(e->st, &v, &x)) {
				r = vtype(V_NUM);
				r.num = x;
			} else if (*s == '~' && v.t == V_NUM) {
				r = vtype(V_NUM);
				r.num = ~v.num;
			} else if (*s == '!' && truth(e->st, &v) >= 0) {
				r = vtype(V_NUM);
				r.f = VF_BOOL;
				r.num = !truth(e->st, &v);
			}
			settle(e->st, &r, mark);
			return r;
		}
		if (two && (s[0] == '+' || s[0] == '-') && s[1] == s[0]) {
			ev_next(e);
			(void)ev_unary(e);
			e->st->top = mark;
			return vtype(V_UNK);
		}
	}
	if (t.type == T_IDENT) {
		char n[NAME_MAX];
		tok_name(&e->lx, t, n);
		if (!strcmp(n, "typeof") || !strcmp(n, "void") || !strcmp(n, "delete")) {
			ev_next(e);
			struct val v = ev_unary(e);
			struct val r = vtype(V_UNK);
			r.f = v.f & VF_TAINT;
			e->st->top = mark;
			return r;
		}
		if (!strcmp(n, "await")) {
			ev_next(e);
			return ev_unary(e);
		}
		if (!strcmp(n, "new")) {
			ev_next(e);
			struct lval lv;
			lv.kind = LV_NONE;
			struct val v = ev_new(e);
			return ev_postfix(e, v, &lv);
		}
	}
	struct lval lv;
	lv.kind = LV_NONE;
	struct val v = ev_primary(e, &lv);
	return ev_postfix(e, v, &lv);
}

static struct val ev_assign(struct ev *e)
{
	if (e->stop)
		return vtype(V_UNK);
	if (++e->depth > WATCH_JS_DEPTH_MAX) {
		e->st->out->flags |= WATCH_JSF_DEEP;
		e->depth--;
		return ev_fail(e);
	}
	uint32_t mark = e->st->top;
	struct val l = ev_binary(e, 1);
	if (ev_punct(e, "?")) {
		ev_next(e);
		int c = truth(e->st, &l);
		uint32_t m2 = e->st->top;
		struct val a = ev_assign(e);
		if (!ev_punct(e, ":")) {
			e->depth--;
			return ev_fail(e);
		}
		ev_next(e);
		if (has_bytes(&a))
			settle(e->st, &a, m2);
		struct val b = ev_assign(e);
		/* an unknown condition: the first branch that is a value */
		struct val r = c == 1 ? a : c == 0 ? b : (a.t != V_UNK ? a : b);
		settle(e->st, &r, mark);
		e->depth--;
		return r;
	}
	e->depth--;
	return l;
}

/* Evaluate the expression in s[a..b) (a template's substitution). */
static struct val eval_range(struct jsr *st, const char *s, uint32_t a, uint32_t b, int depth)
{
	struct ev e;
	memset(&e, 0, sizeof(e));
	e.st = st;
	lex_init(&e.lx, st, s, b, EVAL_TOKENS);
	e.lx.pos = a;
	e.depth = depth;
	if (depth > WATCH_JS_DEPTH_MAX) {
		st->out->flags |= WATCH_JSF_DEEP;
		return vtype(V_UNK);
	}
	uint32_t mark = st->top;
	struct val v = ev_assign(&e);
	settle(st, &v, mark);
	return v;
}

/* ----------------------------------------------------------- HTML */

static bool tag_is(const char *t, const char *w)
{
	return strcmp(t, w) == 0;
}

static int ci_find(const char *p, size_t n, const char *w)
{
	size_t k = strlen(w);
	for (size_t i = 0; i + k <= n; i++)
		if (ci_prefix(p + i, n - i, w))
			return (int)i;
	return -1;
}

struct attr {
	const char *name;
	uint32_t s, n; /* value span, offsets in the value */
	bool set;
};

/* Pull what markup written by a script loads: <script src>, <iframe src>,
** <frame src>, <embed src>, <object data>, <form action>, <link
** rel=stylesheet href>, <img src>, <meta http-equiv=refresh>, with the
** hiding of iframes and images (and of a block around them). Inline
** <script> bodies are read as code. */
static void html_scan(struct jsr *st, const struct val *v)
{
	const char *p = st->ar + v->off;
	uint32_t n = v->len;
	char hide_tag[12] = "";
	int hide_depth = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (p[i] != '<')
			continue;
		uint32_t q = i + 1;
		bool close = q < n && p[q] == '/';
		if (close)
			q++;
		char tag[12];
		size_t tl = 0;
		while (q < n && ((p[q] >= 'a' && p[q] <= 'z') || (p[q] >= 'A' && p[q] <= 'Z') ||
				 is_digit((unsigned char)p[q]))) {
			if (tl + 1 < sizeof(tag))
				tag[tl++] = core_lower(p[q]);
			q++;
		}
		tag[tl] = '\0';
		if (!tl)
			continue;
		if (close) {
			if (hide_depth && tag_is(tag, hide_tag))
				hide_depth--;
			i = q - 1;
			continue;
		}
		struct attr at[] = { { "src", 0, 0, false },     { "href", 0, 0, false },
				     { "action", 0, 0, false },  { "data", 0, 0, false },
				     { "style", 0, 0, false },   { "width", 0, 0, false },
				     { "height", 0, 0, false },  { "hidden", 0, 0, false },
				     { "rel", 0, 0, false },     { "http-equiv", 0, 0, false },
				     { "content", 0, 0, false } };
		const size_t na = sizeof(at) / sizeof(at[0]);
		/* attributes up to '>' */
		while (q < n && p[q] != '>') {
			if ((unsigned char)p[q] <= ' ' || p[q] == '/') {
				q++;
				continue;
			}
			uint32_t ns = q;
			while (q < n && (unsigned char)p[q] > ' ' && p[q] != '=' && p[q] != '>' &&
			       p[q] != '/')
				q++;
			uint32_t nl = q - ns;
			while (q < n && (unsigned char)p[q] <= ' ' && p[q] > 0x04)
				q++;
			uint32_t vs = q, vl = 0;
			if (q < n && p[q] == '=') {
				q++;
				while (q < n && (unsigned char)p[q] <= ' ' && p[q] > 0x04)
					q++;
				if (q < n && (p[q] == '"' || p[q] == '\'')) {
					char qc = p[q++];
					vs = q;
					while (q < n && p[q] != qc)
						q++;
					vl = q - vs;
					if (q < n)
						q++;
				} else {
					vs = q;
					while (q < n && (unsigned char)p[q] > ' ' && p[q] != '>')
						q++;
					vl = q - vs;
				}
			}
			if (nl == 0) {
				q++;
				continue;
			}
			for (size_t k = 0; k < na; k++)
				if (strlen(at[k].name) == nl && ci_prefix(p + ns, nl, at[k].name)) {
					at[k].s = vs;
					at[k].n = vl;
					at[k].set = true;
				}
		}
		uint32_t gt = q;
		unsigned rf = 0;
		if (at[4].set)
			rf |= css_hide(p + at[4].s, at[4].n);
		if (at[7].set)
			rf |= WATCH_RF_HIDDEN;
		if ((at[5].set && tiny_size(p + at[5].s, at[5].n)) ||
		    (at[6].set && tiny_size(p + at[6].s, at[6].n)))
			rf |= WATCH_RF_TINY;
		int kind = -1, a = -1;
		if (tag_is(tag, "script"))
			kind = WATCH_REF_SCRIPT, a = 0;
		else if (tag_is(tag, "iframe") || tag_is(tag, "frame") || tag_is(tag, "embed"))
			kind = WATCH_REF_IFRAME, a = 0;
		else if (tag_is(tag, "object"))
			kind = WATCH_REF_IFRAME, a = 3;
		else if (tag_is(tag, "img"))
			kind = WATCH_REF_IMG, a = 0;
		else if (tag_is(tag, "form"))
			kind = WATCH_REF_FORM, a = 2;
		else if (tag_is(tag, "link") && at[8].set && ci_find(p + at[8].s, at[8].n, "stylesheet") >= 0)
			kind = WATCH_REF_STYLE, a = 1;
		else if (tag_is(tag, "meta") && at[9].set && at[10].set &&
			 ci_find(p + at[9].s, at[9].n, "refresh") >= 0) {
			/* content="0; url='https://x/'" */
			const char *c = p + at[10].s;
			int u = ci_find(c, at[10].n, "url=");
			if (u >= 0) {
				uint32_t us = at[10].s + (uint32_t)u + 4, ue = at[10].s + at[10].n;
				while (us < ue && (p[us] == '\'' || p[us] == '"' || p[us] == ' '))
					us++;
				while (ue > us && (p[ue - 1] == '\'' || p[ue - 1] == '"' || p[ue - 1] == ' '))
					ue--;
				at[10].s = us;
				at[10].n = ue - us;
				kind = WATCH_REF_REDIRECT, a = 10;
				rf |= WATCH_RF_META;
			}
		}
		if (hide_depth)
			rf |= WATCH_RF_HIDDEN;
		if (kind >= 0 && at[a].set) {
			uint16_t jn[JOIN_MAX];
			int nj = 0;
			for (int k = 0; k < v->nj; k++)
				if (v->join[k] > at[a].s && v->join[k] < at[a].s + at[a].n)
					jn[nj++] = (uint16_t)(v->join[k] - at[a].s);
			if (kind != WATCH_REF_IFRAME && kind != WATCH_REF_IMG)
				rf &= ~(unsigned)(WATCH_RF_HIDDEN | WATCH_RF_TINY);
			emit(st, kind, p + at[a].s, at[a].n, jn, nj, v->f, rf);
		} else if (tag_is(tag, "script") && gt < n) {
			/* an inline script in the markup: read its code */
			int c = ci_find(p + gt + 1, n - gt - 1, "</script");
			uint32_t cs = gt + 1, ce = c < 0 ? n : gt + 1 + (uint32_t)c;
			if (ce > cs && st->nest < NEST_MAX) {
				struct val code = *v;
				code.off = v->off + cs;
				code.len = ce - cs;
				code.nj = 0;
				/* run_code reads in place; the arena above top is free */
				run_code(st, &code, false);
			}
			gt = ce;
		} else if (!hide_depth && (rf & WATCH_RF_HIDDEN) && !tag_is(tag, "br") &&
			   !tag_is(tag, "img") && !tag_is(tag, "input") && !tag_is(tag, "meta")) {
			/* a hidden container: what it holds is hidden too */
			memcpy(hide_tag, tag, sizeof(hide_tag));
			hide_depth = 1;
		} else if (hide_depth && tag_is(tag, hide_tag)) {
			hide_depth++;
		}
		i = gt < n ? gt : n;
	}
}

/* ------------------------------------------------------------- the scan */

static bool test_method(const char *n)
{
	static const char *const m[] = { "test", "match", "indexOf", "search", "includes", "exec",
					 "startsWith", "endsWith", "matchAll", "lastIndexOf" };
	return name_in(n, m, sizeof(m) / sizeof(m[0]));
}

/* Is the value just read tested: followed by a comparison, '?', or a test
** method (through toLowerCase() and the like)? */
static bool tested_after(struct lex lx)
{
	lx.lim = 12;
	for (int i = 0; i < 4; i++) {
		struct tok t = lex_next(&lx);
		if (t.type != T_PUNCT)
			return false;
		static const char *const cmp[] = { "==", "!=", "===", "!==", "?", "<", ">", "<=", ">=" };
		for (size_t k = 0; k < sizeof(cmp) / sizeof(cmp[0]); k++)
			if (tok_is(&lx, t, cmp[k]))
				return true;
		if (!tok_is(&lx, t, ".") && !tok_is(&lx, t, "?."))
			return false;
		t = lex_next(&lx);
		if (t.type != T_IDENT)
			return false;
		char n[NAME_MAX];
		tok_name(&lx, t, n);
		if (test_method(n))
			return true;
		/* toLowerCase(), toUpperCase(), trim() ... then look again */
		t = lex_next(&lx);
		if (!punct_is(&lx, t, "("))
			return false;
		t = lex_next(&lx);
		if (!punct_is(&lx, t, ")"))
			return false;
	}
	return false;
}

/* Immediately invoked function: `(function(a, b){...})(x, y)`,
** `!function(a){...}(x)`, `(function(a){...}(x))`. Binds each parameter
** to its argument's value before the scan walks into the body: every
** vendor snippet passes its URL, document and tag name this way. */
/* After `function`: an optional name, the parameters (plain names only),
** the body skipped (at most IIFE_BODY tokens). Leaves lx after the body. */
static bool parse_fn(struct lex *lx, char *name, char params[][SYM_NAME], int *np, uint32_t *bs,
		     uint32_t *be)
{
	*np = 0;
	name[0] = '\0';
	struct tok t = lex_next(lx);
	if (t.type == T_IDENT) {
		char n[NAME_MAX];
		tok_name(lx, t, n);
		if (strlen(n) < SYM_NAME)
			memcpy(name, n, strlen(n) + 1);
		t = lex_next(lx);
	}
	if (!punct_is(lx, t, "("))
		return false;
	for (;;) {
		t = lex_next(lx);
		if (punct_is(lx, t, ")"))
			break;
		if (t.type != T_IDENT)
			return false;
		char n[NAME_MAX];
		tok_name(lx, t, n);
		if (*np < FN_PARAMS && strlen(n) < SYM_NAME)
			memcpy(params[(*np)++], n, strlen(n) + 1);
		t = lex_next(lx);
		if (punct_is(lx, t, ")"))
			break;
		if (!punct_is(lx, t, ","))
			return false;
	}
	t = lex_next(lx);
	long lim = lx->lim;
	lx->lim = IIFE_BODY;
	if (!punct_is(lx, t, "{"))
		return false;
	*bs = lx->pos;
	if (!skip_balanced(lx))
		return false;
	*be = lx->pos - 1;
	lx->lim = lim;
	return true;
}

/* Immediately invoked function: `(function(a, b){...})(x, y)`,
** `!function(a){...}(x)`, `(function(a){...}(x))`. Binds each parameter
** to its argument's value before the scan walks into the body: every
** vendor snippet passes its URL, document and tag name this way. A named
** declaration is remembered for its calls (see call_declared). */
static void iife(struct jsr *st, struct lex lx, bool top, uint32_t kw)
{
	char params[FN_PARAMS][SYM_NAME], name[SYM_NAME];
	int np = 0;
	uint32_t bs, be;
	if (!parse_fn(&lx, name, params, &np, &bs, &be))
		return;
	unsigned c = st->nfcache++ % 8;
	st->fcache[c].src = lx.src;
	st->fcache[c].from = kw;
	st->fcache[c].to = be + 1;
	if (name[0] && top && st->nfn < FN_MAX) {
		struct fdecl *f = &st->fn[st->nfn++];
		memcpy(f->name, name, sizeof(f->name));
		memcpy(f->params, params, sizeof(f->params));
		f->np = (uint8_t)np;
		f->s = bs;
		f->e = be;
	}
	struct tok t = lex_next(&lx);
	if (punct_is(&lx, t, ")"))
		t = lex_next(&lx);
	if (!punct_is(&lx, t, "("))
		return;
	struct ev e;
	memset(&e, 0, sizeof(e));
	e.st = st;
	e.lx = lx;
	e.lx.lim = EVAL_TOKENS;
	uint32_t mark = st->top;
	for (int i = 0; i < np || np == 0; i++) {
		if (ev_punct(&e, ")") || e.stop)
			break;
		struct val v = ev_assign(&e);
		if (i < np && !e.stop)
			sym_set(st, params[i], &v);
		st->top = mark;
		if (!ev_punct(&e, ","))
			break;
		ev_next(&e);
	}
	st->top = mark;
}

static void note_read(struct jsr *st, const char *n, const char *before, const struct lex *lx,
		      unsigned conds)
{
	unsigned fl = 0;
	if (!strcmp(n, "referrer"))
		fl = WATCH_JSF_REFERRER;
	else if (!strcmp(n, "userAgent") || !strcmp(n, "userAgentData") ||
		 (!strcmp(before, "navigator") &&
		  (!strcmp(n, "platform") || !strcmp(n, "vendor") || !strcmp(n, "appVersion"))))
		fl = WATCH_JSF_UA;
	if (!fl)
		return;
	st->out->flags |= fl;
	if (conds || tested_after(*lx))
		st->cond = true;
}

#define PSTACK 64

/* Evaluate the expression that starts where lx stands, for its effects.
** Returns where it ended: what it read is read, an identifier inside it
** starts nothing new (up to where it stopped, every subexpression was
** evaluated), which keeps the scan linear. */
static uint32_t eval_at(struct jsr *st, const struct lex *lx)
{
	struct ev e;
	memset(&e, 0, sizeof(e));
	e.st = st;
	e.lx = *lx;
	e.lx.lim = EVAL_TOKENS;
	e.skipped = UINT32_MAX;
	uint32_t mark = st->top;
	(void)ev_assign(&e);
	st->top = mark;
	uint32_t end = e.stop ? e.last : e.has_la ? e.la.s : e.lx.pos;
	/* function bodies it skipped are the scan's to read */
	return end < e.skipped ? end : e.skipped;
}

static void scan(struct jsr *st, const char *s, uint32_t n)
{
	struct lex lx;
	lex_init(&lx, st, s, n, (long)n + 16);
	bool prev_dot = false, cond_kw = false;
	char prev_name[NAME_MAX] = "", prev2_name[NAME_MAX] = "";
	uint8_t pstack[PSTACK];
	unsigned depth = 0, conds = 0;
	int prev_type = T_END;
	char prev_c = 0;
	uint32_t covered = 0;
	int iifes = 0;
	for (;;) {
		struct lex before = lx;
		struct tok t = lex_next(&lx);
		if (t.type == T_END)
			break;
		if (t.type == T_PUNCT && t.e - t.s == 1) {
			char c = s[t.s];
			if (c == '(' || c == '[' || c == '{') {
				bool cond = c == '(' && (cond_kw || (prev_type == T_IDENT && test_method(prev_name) &&
								     prev2_name[0] == '.'));
				if (depth < PSTACK)
					pstack[depth] = cond;
				if (cond)
					conds++;
				depth++;
				if (depth > WATCH_JS_DEPTH_MAX)
					st->out->flags |= WATCH_JSF_DEEP;
			} else if ((c == ')' || c == ']' || c == '}') && depth) {
				depth--;
				if (depth < PSTACK && pstack[depth])
					conds--;
			}
		}
		cond_kw = false;
		if (punct_is(&lx, t, "(") && t.s >= covered &&
		    (prev_type == T_END || (prev_type == T_PUNCT && prev_c != ')' && prev_c != ']'))) {
			/* (new Image()).src = ..., (a || b).href = ...: an expression
			** that opens with a parenthesis */
			covered = eval_at(st, &before);
		}
		if (t.type == T_IDENT) {
			char nm[NAME_MAX];
			tok_name(&lx, t, nm);
			if (prev_dot) {
				note_read(st, nm, prev2_name, &lx, conds);
			} else if (!strcmp(nm, "if") || !strcmp(nm, "while") || !strcmp(nm, "switch")) {
				cond_kw = true;
			} else if (!strcmp(nm, "function")) {
				/* declarations at the script's top level are kept
				** for their calls; a function in an expression may
				** be invoked on the spot */
				bool expr = prev_type == T_PUNCT && prev_c && strchr("(!~+-,=", prev_c);
				bool decl = !expr && s == st->src && st->nfn < FN_MAX;
				if ((expr || decl) && iifes++ < IIFE_MAX)
					iife(st, lx, decl, t.s);
			} else {
				struct sym *sy = sym_find(st, nm);
				if (sy && (sy->v.f & VF_TAINT) && (conds || tested_after(lx)))
					st->cond = true;
				/* an expression starts here: evaluate it for its effects */
				if (t.s >= covered)
					covered = eval_at(st, &before);
			}
			memcpy(prev2_name, prev_name, sizeof(prev2_name));
			memcpy(prev_name, nm, sizeof(prev_name));
		} else {
			memcpy(prev2_name, prev_name, sizeof(prev2_name));
			prev_name[0] = t.type == T_PUNCT ? s[t.s] : '\0';
			prev_name[1] = '\0';
		}
		prev_dot = punct_is(&lx, t, ".") || punct_is(&lx, t, "?.");
		prev_type = t.type;
		prev_c = t.type == T_PUNCT && t.e - t.s == 1 ? s[t.s] : 0;
	}
}

/* In-browser cryptocurrency miners (cryptojacking: CoinHive 2017-2019 and
** its clones, Monero's CryptoNight in WebAssembly): their names in the
** script's text, strings and comments included. */
static void miners(struct jsr *st, const char *s, size_t n)
{
	static const char *const names[] = { "coinhive", "coin-hive", "cryptoloot", "crypto-loot",
					     "webminepool", "coinimp", "deepminer", "cryptonight",
					     "minero.cc", "authedmine", "coinhave", "jsecoin",
					     "crypto-webminer", "webmine.pro", "monerominer",
					     "coin-have", "minr.pw", "crlt.anonymous" };
	for (size_t i = 0; i < n; i++) {
		char c = core_lower(s[i]);
		if (c != 'c' && c != 'w' && c != 'd' && c != 'm' && c != 'a' && c != 'j')
			continue;
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (names[k][0] == c && ci_prefix(s + i, n - i, names[k])) {
				st->out->flags |= WATCH_JSF_MINER;
				return;
			}
	}
}

void watch_js_read(const char *src, size_t len, struct watch_js_read *out)
{
	memset(out, 0, sizeof(*out));
	if (!src)
		return;
	if (len > WATCH_JS_MAX) {
		out->flags |= WATCH_JSF_CUT;
		len = WATCH_JS_MAX;
	}
	/* The arena and the pool are written before they are read: only the
	** rest is cleared (a page may have thousands of small scripts). */
	struct jsr st;
	memset(&st, 0, offsetof(struct jsr, ar));
	st.top = 0;
	st.pool_len = 0;
	memset(st.sym, 0, sizeof(st.sym));
	st.nsym = st.sym_next = 0;
	memset(st.el, 0, sizeof(st.el));
	st.nel = 0;
	st.out = out;
	st.src = src;
	st.budget = 6 * (long)len + 65536;
	miners(&st, src, len);
	scan(&st, src, (uint32_t)len);
	for (size_t i = 0; i < out->ndest; i++) {
		if (st.cond)
			out->dest[i].flags |= WATCH_RF_CONDITIONAL;
		char *u = out->dest[i].url;
		size_t ul = strlen(u);
		struct jsr *sp = &st;
		miners(sp, u, ul);
	}
}
