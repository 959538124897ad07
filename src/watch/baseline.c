/*
** baseline.c — what a site normally looks like, learned from N observations.
**
** A government home page is never byte-identical twice: news lists move,
** dates and counters tick, banners rotate, CSRF tokens and nonces change.
** Comparing each check with the previous one would alarm on all of that, so
** the baseline keeps, from several observations of the same page:
**
**   - the text shingles present in all of them (stable) and in only some
**     (volatile): the similarity of a new page is measured on the stable
**     part only, with the shingles known to come and go left out;
**   - the site's own variability: the lowest similarity between two
**     observations sets the floor below which a change is suspicious, with a
**     margin that grows with the variability (a site that already changes a
**     lot gets more room);
**   - the title, when it never changed;
**   - every script, iframe, form and outbound link host, every redirect
**     target and every inline script hash seen, and whether inline scripts
**     themselves changed between observations (then a new inline hash is a
**     token, not an injection);
**   - the highest count of each defacement phrase (a CERT's own news about
**     "hacked by" is not a defacement of the CERT's site).
*/
#include "watch/watch.h"

#include <stdlib.h>
#include <string.h>

/* Observations compared pairwise; beyond this, each with the next only. */
#define PAIRWISE_MAX 32

void watch_baseline_free(struct watch_baseline *b)
{
	free(b->stable);
	free(b->volatile_sh);
	b->stable = b->volatile_sh = NULL;
	watch_set_free(&b->script_hosts);
	watch_set_free(&b->iframe_hosts);
	watch_set_free(&b->form_hosts);
	watch_set_free(&b->link_hosts);
	watch_set_free(&b->inline_hashes);
	watch_set_free(&b->redirect_hosts);
}

/* dst = every element of src, added; a full dst stays marked full. */
static int set_union(struct watch_set *dst, const struct watch_set *src)
{
	for (uint32_t i = 0; i < src->n; i++)
		if (watch_set_add(dst, src->v[i]) < 0 && !dst->full)
			return -1;
	/* A capped observation may have used hosts we never saw. */
	if (src->full)
		dst->full = true;
	return 0;
}

/* out = a ∩ b (mode 0), a ∪ b (mode 1) or a − b (mode 2), all sorted. */
static size_t merge(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, uint64_t *out,
		    int mode)
{
	size_t i = 0, j = 0, k = 0;
	while (i < na || j < nb) {
		if (j == nb || (i < na && a[i] < b[j])) {
			if (mode != 0)
				out[k++] = a[i];
			i++;
		} else if (i == na || b[j] < a[i]) {
			if (mode == 1)
				out[k++] = b[j];
			j++;
		} else {
			if (mode != 2)
				out[k++] = a[i];
			i++;
			j++;
		}
	}
	return k;
}

int watch_learn(const struct watch_features *obs, size_t n, struct watch_baseline *b,
		struct perr *err)
{
	memset(b, 0, sizeof(*b));
	watch_set_init(&b->script_hosts, WATCH_SET_MAX);
	watch_set_init(&b->iframe_hosts, WATCH_SET_MAX);
	watch_set_init(&b->form_hosts, WATCH_SET_MAX);
	watch_set_init(&b->link_hosts, WATCH_SET_MAX);
	watch_set_init(&b->inline_hashes, WATCH_HASH_MAX);
	watch_set_init(&b->redirect_hosts, WATCH_SET_MAX);
	uint64_t *uni = NULL, *tmp = NULL;
	int rc = -1;
	if (n == 0)
		return perr_set(err, PERR_INVALID, "base", "a baseline needs at least one observation");
	b->n = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	PSTRCPY(b->host, obs[0].host);

	b->title_stable = true;
	for (size_t i = 1; i < n; i++)
		b->title_stable &= strcmp(obs[i].title, obs[0].title) == 0;
	if (b->title_stable)
		PSTRCPY(b->title, obs[0].title);

	/* Stable = intersection, union accumulated alongside; volatile = the
	** difference. Sizes only shrink (∩) or add up (∪), so each buffer is
	** sized from the inputs. */
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += obs[i].nshingles;
	b->stable = malloc((obs[0].nshingles + 1) * sizeof(uint64_t));
	uni = malloc((total + 1) * sizeof(uint64_t));
	tmp = malloc((total + 1) * sizeof(uint64_t));
	if (!b->stable || !uni || !tmp)
		goto oom;
	/* A page without text has no shingle array at all (NULL). */
	if (obs[0].nshingles) {
		memcpy(b->stable, obs[0].shingles, obs[0].nshingles * sizeof(uint64_t));
		memcpy(uni, obs[0].shingles, obs[0].nshingles * sizeof(uint64_t));
	}
	b->nstable = obs[0].nshingles;
	size_t nuni = obs[0].nshingles;
	for (size_t i = 1; i < n; i++) {
		b->nstable = merge(b->stable, b->nstable, obs[i].shingles, obs[i].nshingles, b->stable, 0);
		size_t k = merge(uni, nuni, obs[i].shingles, obs[i].nshingles, tmp, 1);
		if (k)
			memcpy(uni, tmp, k * sizeof(uint64_t));
		nuni = k;
	}
	b->volatile_sh = malloc((nuni + 1) * sizeof(uint64_t));
	if (!b->volatile_sh)
		goto oom;
	b->nvolatile = merge(uni, nuni, b->stable, b->nstable, b->volatile_sh, 2);

	/* The floor: how far apart two ordinary observations were, minus a
	** margin of 0.2 plus 0.6 of that distance (a news list that turns over
	** in a week must not alarm; a replaced page is near 0). */
	b->min_pairwise = 1.0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n && (n <= PAIRWISE_MAX || j == i + 1); j++) {
			double s = watch_jaccard(obs[i].shingles, obs[i].nshingles, obs[j].shingles,
						 obs[j].nshingles);
			if (s < b->min_pairwise)
				b->min_pairwise = s;
		}
	if (n == 1) {
		b->floor = WATCH_FLOOR_DEFAULT;
	} else {
		double m = b->min_pairwise;
		double fl = m - (0.2 + 0.6 * (1.0 - m));
		b->floor = fl < 0 ? 0 : fl > WATCH_FLOOR_MAX ? WATCH_FLOOR_MAX : fl;
	}

	for (size_t i = 0; i < n; i++) {
		const struct watch_features *o = &obs[i];
		if (set_union(&b->script_hosts, &o->script_hosts) ||
		    set_union(&b->iframe_hosts, &o->iframe_hosts) ||
		    set_union(&b->form_hosts, &o->form_hosts) ||
		    set_union(&b->link_hosts, &o->link_hosts) ||
		    set_union(&b->inline_hashes, &o->inline_hashes))
			goto oom;
		if ((o->refresh_host[0] && watch_set_add(&b->redirect_hosts, o->refresh_host) < 0 &&
		     !b->redirect_hosts.full) ||
		    (o->js_host[0] && watch_set_add(&b->redirect_hosts, o->js_host) < 0 &&
		     !b->redirect_hosts.full))
			goto oom;
		double share = watch_outbound_share(o);
		if (share > b->outbound_share_max)
			b->outbound_share_max = share;
		if (o->outbound_links > b->outbound_links_max)
			b->outbound_links_max = o->outbound_links;
		for (size_t k = 0; k < WATCH_SIG_MAX; k++)
			if (o->sig_counts[k] > b->sig_counts[k])
				b->sig_counts[k] = o->sig_counts[k];
		/* An inline script missing from another observation is volatile. */
		if (o->inline_hashes.full)
			b->inline_volatile = true;
		for (uint32_t h = 0; h < o->inline_hashes.n && !b->inline_volatile; h++)
			for (size_t j = 0; j < n; j++)
				if (!watch_set_has(&obs[j].inline_hashes, o->inline_hashes.v[h])) {
					b->inline_volatile = true;
					break;
				}
	}
	rc = 0;
	goto out;
oom:
	perr_set(err, PERR_INTERNAL, NULL, "out of memory");
out:
	free(uni);
	free(tmp);
	return rc;
}

double watch_baseline_similarity(const struct watch_baseline *b, const struct watch_features *f)
{
	size_t j = 0, v = 0, both = 0, kept = 0;
	for (size_t i = 0; i < f->nshingles; i++) {
		uint64_t x = f->shingles[i];
		while (v < b->nvolatile && b->volatile_sh[v] < x)
			v++;
		if (v < b->nvolatile && b->volatile_sh[v] == x)
			continue; /* known to come and go: neither for nor against */
		kept++;
		while (j < b->nstable && b->stable[j] < x)
			j++;
		if (j < b->nstable && b->stable[j] == x)
			both++;
	}
	size_t uni = kept + b->nstable - both;
	return uni == 0 ? 1.0 : (double)both / (double)uni;
}
