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

#include <stdio.h>
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
	watch_set_free(&b->tlds);
	watch_set_free(&b->pubs);
	watch_set_free(&b->other_hosts);
	watch_set_free(&b->asset_paths);
	free(b->vocab);
	b->vocab = NULL;
}

const char *watch_host_tld(const char *host)
{
	if (watch_host_is_ip(host))
		return "";
	const char *d = strrchr(host, '.');
	return d ? d + 1 : host;
}

/* Add the TLD of every host of s to tlds. */
static int add_tlds(struct watch_set *tlds, const struct watch_set *s)
{
	for (uint32_t i = 0; i < s->n; i++) {
		const char *t = watch_host_tld(s->v[i]);
		if (t[0] && watch_set_add(tlds, t) < 0 && !tlds->full)
			return -1;
	}
	return 0;
}

/* "host/publication" of a reference to a public CDN's user content (a
** GitHub repository or an npm package on jsDelivr, unpkg...), into out;
** false when the reference is not one. What the site already uses from
** such a CDN is known; a new publication on the same CDN is not (anyone
** can publish there). */
bool watch_ref_publication(const struct watch_ref *r, char out[WATCH_HOST_MAX])
{
	const struct watch_service *svc = r->host[0] ? watch_service_find(r->host) : NULL;
	char pub[WATCH_PATH_MAX];
	if (!svc || !watch_service_publication(svc, r->path, pub)[0])
		return false;
	/* A name too long to keep whole is no publication we can tell apart. */
	int w = snprintf(out, WATCH_HOST_MAX, "%.*s%.*s", WATCH_HOST_MAX / 2 - 1, r->host,
			 WATCH_HOST_MAX / 2 - 1, pub);
	return w > 0;
}

bool watch_ref_asset_path(const struct watch_ref *r, const char *site, char out[WATCH_HOST_MAX])
{
	if ((r->kind != WATCH_REF_SCRIPT && r->kind != WATCH_REF_STYLE) || !r->host[0] ||
	    !r->path[0] || !watch_same_site(r->host, site))
		return false;
	pstrtrunc(out, r->path, WATCH_HOST_MAX);
	return true;
}

/* What the judge of issue 12 learns from one observation beyond hosts:
** TLDs, CDN publications, the hosts of styles, images and pop-ups, the
** script mix of the text and the flags of its visible blocks. */
static int learn_context(struct watch_baseline *b, const struct watch_features *o)
{
	const struct watch_set *hs[4] = { &o->script_hosts, &o->iframe_hosts, &o->form_hosts,
					  &o->link_hosts };
	for (int k = 0; k < 4; k++)
		if (add_tlds(&b->tlds, hs[k]) != 0)
			return -1;
	const char *own = watch_host_tld(o->host);
	if (own[0] && watch_set_add(&b->tlds, own) < 0 && !b->tlds.full)
		return -1;
	for (uint32_t i = 0; i < o->nrefs; i++) {
		const struct watch_ref *r = &o->refs[i];
		char pub[WATCH_HOST_MAX];
		if (!r->host[0])
			continue;
		const char *t = watch_host_tld(r->host);
		if (t[0] && watch_set_add(&b->tlds, t) < 0 && !b->tlds.full)
			return -1;
		if (watch_ref_publication(r, pub) && watch_set_add(&b->pubs, pub) < 0 && !b->pubs.full)
			return -1;
		char ap[WATCH_HOST_MAX];
		if (watch_ref_asset_path(r, o->host, ap) && watch_set_add(&b->asset_paths, ap) < 0 &&
		    !b->asset_paths.full)
			return -1;
		if ((r->kind == WATCH_REF_STYLE || r->kind == WATCH_REF_IMG ||
		     r->kind == WATCH_REF_POPUP) &&
		    watch_set_add(&b->other_hosts, r->host) < 0 && !b->other_hosts.full)
			return -1;
	}
	struct watch_lang l;
	watch_lang_count(o->text ? o->text : "", o->text_len, &l);
	b->lang.latin += l.latin;
	b->lang.arabic += l.arabic;
	b->lang.cyrillic += l.cyrillic;
	b->lang.other += l.other;
	b->lang.persian += l.persian;
	b->lang.turkish += l.turkish;
	b->lang.words += l.words;
	for (uint32_t i = 0; i < o->inline_hashes.n && i < WATCH_HASH_MAX; i++)
		b->js_flags |= o->inline_js[i];
	for (uint32_t i = 0; i < o->nblocks; i++)
		if (!(o->blocks[i].flags & WATCH_BF_HIDDEN))
			b->block_flags |= o->blocks[i].flags;
	return 0;
}

/* The union of the observations' vocabularies, cut to WATCH_VOCAB_MAX (the
** cut keeps the smallest hashes, an unbiased sample: a cut vocabulary only
** makes more words look new, and the judge needs more than vocabulary to
** alarm). */
static int learn_vocab(struct watch_baseline *b, const struct watch_features *obs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t *w, *u;
		size_t nw;
		if (watch_words(obs[i].text, obs[i].text_len, &w, &nw) != 0)
			return -1;
		u = malloc((b->nvocab + nw + 1) * sizeof(*u));
		if (!u) {
			free(w);
			return -1;
		}
		size_t x = 0, y = 0, k = 0;
		while ((x < b->nvocab || y < nw) && k < WATCH_VOCAB_MAX) {
			if (y == nw || (x < b->nvocab && b->vocab[x] < w[y]))
				u[k++] = b->vocab[x++];
			else if (x == b->nvocab || w[y] < b->vocab[x])
				u[k++] = w[y++];
			else {
				u[k++] = w[y++];
				x++;
			}
		}
		free(w);
		free(b->vocab);
		b->vocab = u;
		b->nvocab = k;
	}
	return 0;
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
	watch_set_init(&b->tlds, WATCH_SET_MAX);
	watch_set_init(&b->pubs, WATCH_SET_MAX);
	watch_set_init(&b->other_hosts, WATCH_SET_MAX);
	watch_set_init(&b->asset_paths, WATCH_SET_MAX);
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
		if (learn_context(b, o) != 0)
			goto oom;
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
	if (learn_vocab(b, obs, n) != 0)
		goto oom;
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
