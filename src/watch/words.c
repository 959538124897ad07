/*
** words.c — the words and shingles of a text, as hashes.
**
** The similarity of a page to its baseline works on 3-word shingles of the
** whole visible text; issue 12's judge also asks of one block of new text
** whether it is new (its shingles unknown to the baseline) and whether its
** vocabulary is the site's (its words known). Both need the same folding and
** the same word hash, so they live here, once: the page's shingles
** (analyze.c), the baseline's vocabulary (baseline.c) and the block
** judgements (signals.c) all call these.
*/
#include "watch/watch.h"

#include <stdlib.h>

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Sort and dedupe v[0..n) in place; the new count. */
static size_t sort_unique(uint64_t *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (u == 0 || v[u - 1] != v[i])
			v[u++] = v[i];
	return u;
}

/* FNV-1a of each word of the folded text, in order, into a new array. */
static int word_hashes(const char *text, size_t len, uint64_t **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	size_t fl;
	char *t = watch_fold(text ? text : "", text ? len : 0, true, &fl);
	if (!t)
		return -1;
	size_t nw = 0;
	for (size_t i = 0; i < fl; i++)
		if (t[i] != ' ' && (i == 0 || t[i - 1] == ' '))
			nw++;
	uint64_t *wh = nw ? malloc(nw * sizeof(*wh)) : NULL;
	if (nw && !wh) {
		free(t);
		return -1;
	}
	size_t k = 0;
	for (size_t i = 0; i < fl;) {
		uint64_t h = 0xcbf29ce484222325ULL;
		size_t j = i;
		for (; j < fl && t[j] != ' '; j++)
			h = (h ^ (unsigned char)t[j]) * 0x100000001b3ULL;
		if (j > i)
			wh[k++] = h;
		i = j + 1;
	}
	free(t);
	*out = wh;
	*n = k;
	return 0;
}

int watch_words(const char *text, size_t len, uint64_t **out, size_t *n)
{
	if (word_hashes(text, len, out, n) != 0)
		return -1;
	*n = sort_unique(*out, *n);
	if (*n == 0) {
		free(*out);
		*out = NULL;
	}
	return 0;
}

int watch_shingles(const char *text, size_t len, uint64_t **out, size_t *n)
{
	uint64_t *wh;
	size_t nw;
	if (word_hashes(text, len, &wh, &nw) != 0)
		return -1;
	size_t ns = nw < 3 ? nw : nw - 2;
	if (nw >= 3)
		for (size_t i = 0; i < ns; i++)
			wh[i] = mix64(mix64(mix64(wh[i]) ^ wh[i + 1]) ^ wh[i + 2]);
	ns = sort_unique(wh, ns);
	if (ns == 0) {
		free(wh);
		wh = NULL;
	}
	*out = wh;
	*n = ns;
	return 0;
}

bool watch_u64_has(const uint64_t *a, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a[mid] < x)
			lo = mid + 1;
		else if (a[mid] > x)
			hi = mid;
		else
			return true;
	}
	return false;
}
