/*
** version.c — comparing product versions as vendors write them, and NVD's
** version ranges (issue 14). An advisory says "RouterOS before 6.42.1",
** "IOS 15.2(4)E before 15.2(4)E7" or "OpenSSL 1.1.1 up to 1.1.1j"; a scan
** report says what a host runs. Whether the host is affected is one
** comparison, so the comparison must agree with each vendor's own order
** and must be a total order (the targeting code sorts and binary-searches
** with it). Pure functions of their arguments: no allocation, no I/O, one
** pass over each string, never a byte past len.
**
** The model. A version reads as a sequence of tokens; every byte that is
** not an ASCII letter or digit separates them (". - _ ( ) ~ :" and space,
** but also any other byte, so hostile bytes cannot change the order of the
** tokens around them). Each token gets a key, and two versions compare as
** their key sequences lexicographically, the shorter padded with the key of
** "0" (so "6.42" == "6.42.0" == "6.42.0.0": the trailing-zero rule that
** RouterOS, Fortinet and NVD data all rely on). Keys, lowest first:
**
**   PRE   a pre-release word (dev/snapshot < alpha < beta < pre/preview <
**         rc/cr), the first one in the string: 7.1beta3 < 7.1rc1 < 7.1,
**         1.1.1-pre9 < 1.1.1, 1.0.0-alpha < 1.0.0;
**   ZERO  a digit run of value 0, and the end of the string;
**   NUM   a digit run of value >= 1, compared as a number of any length
**         (leading zeros dropped, then by length, then byte by byte: a
**         5,000-digit run neither overflows nor reorders);
**   POST  any other letter run, case-insensitive text order: OpenSSL's
**         patch letter (1.1.1 < 1.1.1j < 1.1.1k < 1.1.1w, 1.0.2z < 1.0.2za),
**         Cisco's train and rebuild (15.2(4)E < 15.2(4)E7 < 15.2(4)E10 <
**         15.2(5)E), IOS XE's 16.3.1 < 16.3.1a, distribution suffixes
**         (2.4.41 < 2.4.41-ubuntu < 2.4.42), and a pre-release word after
**         the first (semver's 1.0.0-alpha.1 < 1.0.0-alpha.beta).
**
** POST above NUM is semver's rule (alphanumeric identifiers after numeric
** ones); it only decides between strings no vendor writes side by side
** ("1.1.1.1" against "1.1.1k"). Because each key depends only on its own
** string and END equals ZERO in both directions, the order is a total
** preorder: antisymmetric in sign, transitive, equal strings equal.
**
** Chosen where the schemes are silent (and tested): a single letter is
** always a suffix, never a pre-release ("1.1.1a" is OpenSSL's first patch,
** not an alpha); "+" and the word "build" start build metadata, which is
** ignored (semver's "1.0.0+build5" == "1.0.0"; FortiOS "7.0.12 build0523");
** a leading "v" before a digit is dropped ("v7.0.12" == "7.0.12"); the
** words release, final, ga and the release channels (stable, long-term,
** lts, testing, development) are nothing ("1.0-final" == "1.0",
** "6.48.6 (long-term)" == "6.48.6").
** Semver pre-release identifiers other than the known words (1.0.0-x.7) are
** suffixes, because after a hyphen real data far more often carries a
** distribution's revision (2.4.41-4ubuntu3) than a semver tag.
*/
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "advisory/advisory.h"

enum vkey { VK_PRE = 0, VK_ZERO = 1, VK_NUM = 2, VK_POST = 3 };

struct vtok {
	enum vkey key;
	int rank;      /* VK_PRE: the word's place among pre-releases */
	const char *p; /* VK_NUM: significant digits; VK_POST: the letters */
	size_t n;
};

struct vcur {
	const char *s;
	size_t len, i;
	bool seen_pre; /* a pre-release word already read: later ones are suffixes */
};

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Does the letter run p[0..n) spell w (lower case), ignoring case? */
static bool word_is(const char *p, size_t n, const char *w)
{
	size_t wl = strlen(w);
	if (n != wl)
		return false;
	for (size_t k = 0; k < n; k++)
		if (lower((unsigned char)p[k]) != (unsigned char)w[k])
			return false;
	return true;
}

/* The place of a pre-release word, or -1 when the run is not one. Single
** letters are never pre-release words (see the file's comment). */
static int pre_rank(const char *p, size_t n)
{
	static const struct {
		const char *w;
		int rank;
	} pre[] = {
		{"dev", 0},     {"snapshot", 0}, {"alpha", 1}, {"beta", 2},
		{"pre", 3},     {"preview", 3},  {"rc", 4},    {"cr", 4},
	};
	for (size_t k = 0; k < sizeof(pre) / sizeof(pre[0]); k++)
		if (word_is(p, n, pre[k].w))
			return pre[k].rank;
	return -1;
}

/* Words that say which release or channel a build belongs to, not which
** version it is: "1.0-final", "1.0 GA", and RouterOS's channels as its
** banners and its "/system package update" print them ("6.49.10 (stable)",
** "6.48.6 (long-term)", "7.1rc1 (testing)", "7.2 (development)"). Read as
** suffixes they would put 6.48.6 (long-term) after 6.48.6 and outside
** "up to and including 6.48.6". */
static bool is_nothing_word(const char *p, size_t n)
{
	static const char *const w[] = {"release", "final",   "ga",          "stable", "long",
					 "term",    "testing", "development", "lts"};
	for (size_t k = 0; k < sizeof(w) / sizeof(w[0]); k++)
		if (word_is(p, n, w[k]))
			return true;
	return false;
}

static void cur_init(struct vcur *c, const char *s, size_t len)
{
	c->s = s ? s : "";
	c->len = s ? len : 0;
	c->i = 0;
	c->seen_pre = false;
	/* "v7.0.12": the v is a habit of writing, not part of the version. */
	if (c->len >= 2 && (c->s[0] == 'v' || c->s[0] == 'V') && is_digit((unsigned char)c->s[1]))
		c->i = 1;
}

/* The next token's key; the end of the string (or of its build metadata)
** reads as VK_ZERO with n == 0, forever. Every call either advances or
** returns the end, so a comparison takes at most alen + blen + 1 calls. */
static void next_tok(struct vcur *c, struct vtok *t)
{
	t->rank = 0;
	t->p = NULL;
	t->n = 0;
	while (c->i < c->len) {
		unsigned char ch = (unsigned char)c->s[c->i];
		if (ch == '+')
			break; /* build metadata (semver, Debian's +dfsg) */
		if (is_digit(ch)) {
			size_t start = c->i;
			while (c->i < c->len && is_digit((unsigned char)c->s[c->i]))
				c->i++;
			while (start < c->i && c->s[start] == '0')
				start++;
			t->p = c->s + start;
			t->n = c->i - start;
			t->key = t->n ? VK_NUM : VK_ZERO;
			return;
		}
		if (is_alpha(ch)) {
			size_t start = c->i;
			while (c->i < c->len && is_alpha((unsigned char)c->s[c->i]))
				c->i++;
			const char *p = c->s + start;
			size_t n = c->i - start;
			if (word_is(p, n, "build"))
				break;
			if (is_nothing_word(p, n))
				continue;
			int r = c->seen_pre ? -1 : pre_rank(p, n);
			if (r >= 0) {
				c->seen_pre = true;
				t->key = VK_PRE;
				t->rank = r;
				return;
			}
			t->key = VK_POST;
			t->p = p;
			t->n = n;
			return;
		}
		c->i++; /* a separator, or a byte that acts as one */
	}
	c->i = c->len;
	t->key = VK_ZERO;
}

static bool tok_end(const struct vcur *c)
{
	return c->i >= c->len;
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static int tok_cmp(const struct vtok *a, const struct vtok *b)
{
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	switch (a->key) {
	case VK_PRE:
		return sign(a->rank - b->rank);
	case VK_ZERO:
		return 0;
	case VK_NUM:
		if (a->n != b->n)
			return a->n < b->n ? -1 : 1;
		return sign(memcmp(a->p, b->p, a->n));
	case VK_POST: {
		size_t m = a->n < b->n ? a->n : b->n;
		for (size_t k = 0; k < m; k++) {
			unsigned char x = lower((unsigned char)a->p[k]);
			unsigned char y = lower((unsigned char)b->p[k]);
			if (x != y)
				return x < y ? -1 : 1;
		}
		return a->n == b->n ? 0 : (a->n < b->n ? -1 : 1);
	}
	}
	return 0;
}

int advisory_version_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	struct vcur ca, cb;
	cur_init(&ca, a, alen);
	cur_init(&cb, b, blen);
	for (;;) {
		struct vtok ta, tb;
		next_tok(&ca, &ta);
		next_tok(&cb, &tb);
		int r = tok_cmp(&ta, &tb);
		if (r)
			return r;
		if (tok_end(&ca) && tok_end(&cb)) {
			/* Both exhausted: the last tokens were equal, the rest is padding. */
			return 0;
		}
	}
}

/* A bound as NVD leaves it: absent (NULL, "") or a wildcard ("*", "-"),
** both meaning "no constraint". */
static bool unset(const char *s)
{
	return !s || !s[0] || ((s[0] == '*' || s[0] == '-') && !s[1]);
}

/* NVD's semantics (the CPE match criteria of the 2.0 API): an exact version
** must compare equal; versionStartIncluding admits the bound itself,
** versionStartExcluding does not; versionEndIncluding admits the bound,
** versionEndExcluding does not ("before 6.42.1" leaves 6.42.1 out); the
** bounds that are set must all hold, and a range with none holds for every
** version. An unknown version (NULL, "", "*", "-": a product asset without
** its version) is inside only a range that constrains nothing: a bool
** cannot say "maybe", and the caller that wants to list unknown versions
** for an analyst checks for them first. r NULL is the unconstrained range. */
bool advisory_version_in(const char *version, const struct advisory_range *r)
{
	if (!r)
		return true;
	bool any = unset(r->exact) && unset(r->start) && unset(r->end);
	if (unset(version))
		return any;
	size_t vl = strlen(version);
	if (!unset(r->exact) && advisory_version_cmp(version, vl, r->exact, strlen(r->exact)) != 0)
		return false;
	if (!unset(r->start)) {
		int c = advisory_version_cmp(version, vl, r->start, strlen(r->start));
		if (c < 0 || (c == 0 && !r->start_incl))
			return false;
	}
	if (!unset(r->end)) {
		int c = advisory_version_cmp(version, vl, r->end, strlen(r->end));
		if (c > 0 || (c == 0 && !r->end_incl))
			return false;
	}
	return true;
}
