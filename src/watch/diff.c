/*
** diff.c — a unified diff of two pages' visible text, for the evidence of a
** detection: what the site said before, what it says now.
**
** Visible text is whitespace-collapsed into one line by watch_extract, so
** the diff works on sentences: the text is cut after '.', '!', '?', the
** Persian question mark and full stop, and '|' (menus). The comparison is
** Myers' O((N+M)D) greedy algorithm with D capped: a page that changed
** beyond the cap (a full defacement) is shown as everything removed and
** everything added, which is what it is. Inputs and output are bounded, so
** a hostile page costs at most the caps.
*/
#include <stdlib.h>
#include <string.h>

#include "watch/watch.h"

#define DIFF_UNITS_MAX 4000   /* sentences per side */
#define DIFF_D_MAX 600        /* edit distance explored */
#define DIFF_CONTEXT 2        /* unchanged sentences shown around a change */

struct unit {
	const char *p;
	size_t n;
	uint64_t h;
};

static uint64_t hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

/* Cut text into sentences (trimmed, non-empty). Returns the count, at most
** max; *cut is set when there was more. */
static size_t split(const char *t, size_t n, struct unit *u, size_t max, bool *cut)
{
	size_t k = 0, i = 0;
	while (i < n) {
		while (i < n && t[i] == ' ')
			i++;
		size_t s = i;
		while (i < n) {
			unsigned char c = (unsigned char)t[i];
			if (c == '.' || c == '!' || c == '?' || c == '|') {
				i++;
				break;
			}
			/* U+061F ARABIC QUESTION MARK (d8 9f), U+06D4 ARABIC FULL STOP (db 94) */
			if (i + 1 < n && ((c == 0xd8 && (unsigned char)t[i + 1] == 0x9f) ||
					  (c == 0xdb && (unsigned char)t[i + 1] == 0x94))) {
				i += 2;
				break;
			}
			i++;
		}
		size_t e = i;
		while (e > s && t[e - 1] == ' ')
			e--;
		if (e == s)
			continue;
		if (k == max) {
			*cut = true;
			break;
		}
		u[k].p = t + s;
		u[k].n = e - s;
		u[k].h = hash(t + s, e - s);
		k++;
	}
	return k;
}

static bool same(const struct unit *a, const struct unit *b)
{
	return a->h == b->h && a->n == b->n && memcmp(a->p, b->p, a->n) == 0;
}

/* Edit script as one op per line of output: ' ' keep, '-' a[i], '+' b[j]. */
struct op {
	char kind;
	uint32_t i;
};

/* Myers with a trace of V arrays; fills ops (capacity na + nb) and returns
** their count, or -1 when D exceeds the cap or memory runs out. */
static long myers(const struct unit *a, long na, const struct unit *b, long nb, struct op *ops)
{
	long max = na + nb;
	long dmax = max < DIFF_D_MAX ? max : DIFF_D_MAX;
	long width = 2 * dmax + 1;
	long *v = calloc((size_t)width, sizeof(long));
	long *trace = malloc((size_t)(dmax + 1) * (size_t)width * sizeof(long));
	long found = -1, nops = -1;
	if (!v || !trace)
		goto out;
	for (long d = 0; d <= dmax && found < 0; d++) {
		for (long k = -d; k <= d; k += 2) {
			long x;
			if (k == -d || (k != d && v[k - 1 + dmax] < v[k + 1 + dmax]))
				x = v[k + 1 + dmax];
			else
				x = v[k - 1 + dmax] + 1;
			long y = x - k;
			while (x < na && y < nb && same(&a[x], &b[y]))
				x++, y++;
			v[k + dmax] = x;
			if (x >= na && y >= nb) {
				found = d;
				break;
			}
		}
		memcpy(trace + d * width, v, (size_t)width * sizeof(long));
	}
	if (found < 0)
		goto out;
	/* walk back from (na, nb), emitting ops in reverse */
	long x = na, y = nb, n = 0;
	for (long d = found; d > 0; d--) {
		const long *pv = trace + (d - 1) * width;
		long k = x - y;
		long pk = (k == -d || (k != d && pv[k - 1 + dmax] < pv[k + 1 + dmax])) ? k + 1 : k - 1;
		long px = pv[pk + dmax], py = px - pk;
		while (x > px && y > py) {
			ops[n++] = (struct op){ ' ', (uint32_t)--x };
			y--;
		}
		if (x == px)
			ops[n++] = (struct op){ '+', (uint32_t)--y };
		else
			ops[n++] = (struct op){ '-', (uint32_t)--x };
	}
	while (x > 0 && y > 0) {
		ops[n++] = (struct op){ ' ', (uint32_t)--x };
		y--;
	}
	for (long i = 0; i < n / 2; i++) {
		struct op t = ops[i];
		ops[i] = ops[n - 1 - i];
		ops[n - 1 - i] = t;
	}
	nops = n;
out:
	free(v);
	free(trace);
	return nops;
}

static void line(struct pbuf *out, char kind, const struct unit *u)
{
	pbuf_add(out, &kind, 1);
	pbuf_add(out, u->p, u->n);
	pbuf_add(out, "\n", 1);
}

int watch_text_diff(const char *before, size_t nbefore, const char *after, size_t nafter,
		    struct pbuf *out, struct perr *err)
{
	int rc = -1;
	bool cut = false;
	struct unit *a = malloc(DIFF_UNITS_MAX * sizeof(*a));
	struct unit *b = malloc(DIFF_UNITS_MAX * sizeof(*b));
	struct op *ops = malloc(2 * DIFF_UNITS_MAX * sizeof(*ops));
	if (!a || !b || !ops) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	long na = (long)split(before ? before : "", nbefore, a, DIFF_UNITS_MAX, &cut);
	long nb = (long)split(after ? after : "", nafter, b, DIFF_UNITS_MAX, &cut);
	pbuf_adds(out, "--- before\n+++ after\n");
	long nops = myers(a, na, b, nb, ops);
	if (nops < 0) {
		/* too different to align: all of it went, all of this came */
		pbuf_addf(out, "@@ -1,%ld +1,%ld @@\n", na, nb);
		for (long i = 0; i < na; i++)
			line(out, '-', &a[i]);
		for (long j = 0; j < nb; j++)
			line(out, '+', &b[j]);
	} else {
		/* hunks: changes with DIFF_CONTEXT unchanged sentences around */
		long i = 0;
		while (i < nops) {
			long s = i;
			while (s < nops && ops[s].kind == ' ')
				s++;
			if (s == nops)
				break;
			long start = s - DIFF_CONTEXT > i ? s - DIFF_CONTEXT : i;
			long e = s, quiet = 0;
			while (e < nops && quiet <= 2 * DIFF_CONTEXT) {
				quiet = ops[e].kind == ' ' ? quiet + 1 : 0;
				e++;
			}
			long end = quiet > DIFF_CONTEXT ? e - (quiet - DIFF_CONTEXT) : e;
			pbuf_adds(out, "@@\n");
			for (long k = start; k < end; k++)
				line(out, ops[k].kind, ops[k].kind == '+' ? &b[ops[k].i] : &a[ops[k].i]);
			i = end;
		}
	}
	if (cut)
		pbuf_adds(out, "[text longer than the diff looks at]\n");
	/* The diff is evidence for a human and stops quietly at out's max (the
	** contract above): keep the lines that fitted, whole. The appends are
	** unchecked because a failure sticks, so no later line slips in after
	** a gap. */
	if (pbuf_keep_prefix(out)) {
		char *nl = out->len ? memrchr(out->ptr, '\n', out->len) : NULL;
		out->len = nl ? (size_t)(nl - out->ptr) + 1 : 0;
		if (out->ptr)
			out->ptr[out->len] = '\0';
	}
	rc = 0;
out:
	free(a);
	free(b);
	free(ops);
	return rc;
}
