/*
** signals.c — the verdict: which signals a page raises against its site's
** baseline, a score and a severity; the defacement signatures; the one call
** the monitor and `parapet watch analyze` share.
**
** Each signal names one kind of evidence an analyst can check by eye, with a
** weight for how strongly it alone suggests an attack:
**
**   defacement_signature 90  a "hacked by" phrase the site never showed
**   redirect_offsite     60  meta refresh / location assignment off-site
**   new_iframe_host      40  (60 when the iframe is hidden)
**   form_action_offsite  50  a form now posts to a host it never used
**   new_script_host      45  script from a host the site never used
**   seo_spam             40+ many new outbound hosts or a jump in their share
**   title_replaced       35  a stable title replaced by an unrelated one
**   text_changed         30+ text similarity below the site's floor
**   new_inline_script    20  only when inline scripts were stable
**
** The score combines weights as independent evidence (1 - Π(1 - w/100)), so
** it stays within 0..100 and two weak signals count for more than one. The
** severity follows the score, raised by the kinds that are attacks on
** visitors (redirects, off-site forms, foreign scripts, hidden iframes) and
** to critical for a signature or a replaced title with replaced text.
**
** Weak signatures (marked "~" in the data file: "was here", "owned by",
** "هکر") also occur in ordinary news; they count only with a second weak
** phrase or another signal.
*/
#include "watch/watch.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct embed_file {
	const char *name;
	const unsigned char *data;
	size_t len;
};
extern const struct embed_file watch_data[]; /* defacement_signatures.txt */

/* Bodies a baseline learns from in one call. */
#define BASE_MAX 64

/* ------------------------------------------------------------ signatures */

struct sig {
	char *pat; /* folded */
	size_t len;
	bool weak;
};

static struct sig sigs[WATCH_SIG_MAX];
static size_t nsigs;
static pthread_once_t sigs_once = PTHREAD_ONCE_INIT;

/* Parse the embedded file once: one pattern per line, '#' comments, a
** leading '~' marks a weak pattern. Lines that fold to nothing are skipped;
** past WATCH_SIG_MAX the rest are ignored (the unit test checks the file
** fits). Out of memory here leaves fewer patterns, never a crash. */
static void sigs_load(void)
{
	const struct embed_file *f = watch_data;
	while (f->name && strcmp(f->name, "defacement_signatures.txt") != 0)
		f++;
	if (!f->name)
		return;
	const char *p = (const char *)f->data, *end = p + f->len;
	while (p < end && nsigs < WATCH_SIG_MAX) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *b = p, *e = le;
		p = nl ? nl + 1 : end;
		while (b < e && (*b == ' ' || *b == '\t'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (b == e || *b == '#')
			continue;
		bool weak = *b == '~';
		if (weak)
			for (b++; b < e && (*b == ' ' || *b == '\t'); b++)
				;
		size_t n;
		char *pat = watch_fold(b, (size_t)(e - b), false, &n);
		if (!pat)
			return;
		if (n == 0) {
			free(pat);
			continue;
		}
		sigs[nsigs].pat = pat;
		sigs[nsigs].len = n;
		sigs[nsigs].weak = weak;
		nsigs++;
	}
}

size_t watch_signature_count(void)
{
	pthread_once(&sigs_once, sigs_load);
	return nsigs;
}

const char *watch_signature(size_t i, bool *weak)
{
	pthread_once(&sigs_once, sigs_load);
	if (i >= nsigs)
		return NULL;
	if (weak)
		*weak = sigs[i].weak;
	return sigs[i].pat;
}

static unsigned count_in(const char *hay, size_t n, const struct sig *s)
{
	unsigned c = 0;
	size_t i = 0;
	/* Counts saturate well below the uint16_t slot; enough to tell "more
	** than the baseline had" without scanning a spam page to the end. */
	while (c < 1000 && i < n) {
		const char *p = memmem(hay + i, n - i, s->pat, s->len);
		if (!p)
			break;
		c++;
		i = (size_t)(p - hay) + s->len;
	}
	return c;
}

int watch_signatures_scan(const char *title, const char *text, size_t text_len,
			  uint16_t counts[WATCH_SIG_MAX])
{
	memset(counts, 0, WATCH_SIG_MAX * sizeof(uint16_t));
	pthread_once(&sigs_once, sigs_load);
	size_t tn, xn;
	char *t = watch_fold(title, strlen(title), false, &tn);
	char *x = watch_fold(text ? text : "", text ? text_len : 0, false, &xn);
	int rc = -1;
	if (!t || !x)
		goto out;
	for (size_t i = 0; i < nsigs; i++) {
		unsigned c = count_in(t, tn, &sigs[i]) + count_in(x, xn, &sigs[i]);
		counts[i] = (uint16_t)(c > UINT16_MAX ? UINT16_MAX : c);
	}
	rc = 0;
out:
	free(t);
	free(x);
	return rc;
}

/* -------------------------------------------------------------- helpers */

/* Make s valid UTF-8 in place: drop an incomplete sequence at the end (what
** a bounded snprintf leaves), and if still invalid mask non-ASCII bytes. */
static void utf8_fix(char *s)
{
	size_t n = strlen(s), i = n, back = 0;
	while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
		i--;
		back++;
	}
	if (i > 0) {
		unsigned char lead = (unsigned char)s[i - 1];
		size_t need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
		if (back + 1 < need)
			s[i - 1] = '\0';
	}
	n = strlen(s);
	if (!utf8_valid(s, n))
		for (size_t k = 0; k < n; k++)
			if ((unsigned char)s[k] >= 0x80)
				s[k] = '?';
}

/* Copy at most max bytes of src, cut on a character boundary. */
static void clip_copy(char *dst, size_t dstsz, const char *src, size_t max)
{
	size_t n = strlen(src);
	if (n > max)
		n = max;
	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	utf8_fix(dst);
}

static void add_signal(struct watch_verdict *v, const char *name, int weight, const char *fmt,
		       ...) __attribute__((format(printf, 4, 5)));

static void add_signal(struct watch_verdict *v, const char *name, int weight, const char *fmt,
		       ...)
{
	if (v->nsig >= WATCH_SIGNALS_MAX)
		return;
	struct watch_signal *s = &v->sig[v->nsig++];
	pstrtrunc(s->name, name, sizeof(s->name)); /* the program's own signal names */
	s->weight = weight < 1 ? 1 : weight > 100 ? 100 : weight;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->detail, sizeof(s->detail), fmt, ap);
	va_end(ap);
	utf8_fix(s->detail);
}

static bool has_signal(const struct watch_verdict *v, const char *name)
{
	for (size_t i = 0; i < v->nsig; i++)
		if (strcmp(v->sig[i].name, name) == 0)
			return true;
	return false;
}

/* Hosts of now that are off-site and not in known; the first few named in
** list ("a, b, c and 4 more"). A full known set knows too little to judge. */
static size_t new_hosts(const struct watch_set *now, const struct watch_set *known,
			const char *site, const struct watch_set *only, char *list, size_t listsz)
{
	size_t count = 0, k = 0;
	list[0] = '\0';
	if (known->full)
		return 0;
	for (uint32_t i = 0; i < now->n; i++) {
		const char *h = now->v[i];
		if (watch_same_site(h, site) || watch_set_has(known, h))
			continue;
		if (only && !watch_set_has(only, h))
			continue;
		if (count < 3) {
			int w = snprintf(list + k, listsz - k, "%s%.80s", count ? ", " : "", h);
			if (w > 0 && (size_t)w < listsz - k)
				k += (size_t)w;
		}
		count++;
	}
	if (count > 3 && k < listsz)
		snprintf(list + k, listsz - k, " and %zu more", count - 3);
	utf8_fix(list);
	return count;
}

/* Similarity of two titles: Jaccard of their folded byte trigrams, which
** works for scripts with and without spaces between words. */
static double title_similarity(const char *a, const char *b)
{
	size_t na, nb;
	char *fa = watch_fold(a, strlen(a), false, &na), *fb = watch_fold(b, strlen(b), false, &nb);
	double r = 0;
	uint64_t ta[WATCH_TITLE_MAX], tb[WATCH_TITLE_MAX];
	if (!fa || !fb)
		goto out;
	if (na < 3 || nb < 3) {
		r = strcmp(fa, fb) == 0 ? 1.0 : 0.0;
		goto out;
	}
	size_t ka = 0, kb = 0;
	for (size_t i = 0; i + 3 <= na && ka < WATCH_TITLE_MAX; i++)
		ta[ka++] = (uint64_t)(unsigned char)fa[i] << 16 | (uint64_t)(unsigned char)fa[i + 1] << 8 |
			   (unsigned char)fa[i + 2];
	for (size_t i = 0; i + 3 <= nb && kb < WATCH_TITLE_MAX; i++)
		tb[kb++] = (uint64_t)(unsigned char)fb[i] << 16 | (uint64_t)(unsigned char)fb[i + 1] << 8 |
			   (unsigned char)fb[i + 2];
	/* Sort and dedupe both (small: insertion sort is enough). */
	uint64_t *arr[2] = { ta, tb };
	size_t *len[2] = { &ka, &kb };
	for (int s = 0; s < 2; s++) {
		uint64_t *t = arr[s];
		for (size_t i = 1; i < *len[s]; i++)
			for (size_t j = i; j > 0 && t[j - 1] > t[j]; j--) {
				uint64_t x = t[j];
				t[j] = t[j - 1];
				t[j - 1] = x;
			}
		size_t u = 0;
		for (size_t i = 0; i < *len[s]; i++)
			if (u == 0 || t[u - 1] != t[i])
				t[u++] = t[i];
		*len[s] = u;
	}
	r = watch_jaccard(ta, ka, tb, kb);
out:
	free(fa);
	free(fb);
	return r;
}

/* ---------------------------------------------------------------- judge */

void watch_judge(const struct watch_baseline *b, const struct watch_features *f,
		 const struct watch_context *ctx, struct watch_verdict *v)
{
	(void)ctx; /* whose hosts are whose: issue 12 */
	memset(v, 0, sizeof(*v));
	v->flags = f->flags;
	v->floor = b->floor;
	v->similarity = watch_baseline_similarity(b, f);
	const char *site = b->host[0] ? b->host : f->host;
	char list[200];

	if (v->similarity < b->floor) {
		double gap = b->floor > 0 ? (b->floor - v->similarity) / b->floor : 1.0;
		add_signal(v, "text_changed", 30 + (int)(40.0 * gap + 0.5),
			   "visible text similarity %.2f is below this site's floor %.2f",
			   v->similarity, b->floor);
	}

	if (b->title_stable && b->title[0] && strcmp(f->title, b->title) != 0 &&
	    title_similarity(f->title, b->title) < 0.5) {
		char now[100], was[100];
		clip_copy(now, sizeof(now), f->title, 90);
		clip_copy(was, sizeof(was), b->title, 90);
		add_signal(v, "title_replaced", 35, "title \"%s\" replaces \"%s\"", now, was);
	}

	if (new_hosts(&f->script_hosts, &b->script_hosts, site, NULL, list, sizeof(list)))
		add_signal(v, "new_script_host", 45, "script loaded from a host the site never used: %s",
			   list);

	if (new_hosts(&f->iframe_hosts, &b->iframe_hosts, site, &f->hidden_iframe_hosts, list,
		      sizeof(list)))
		add_signal(v, "new_iframe_host", 60, "hidden iframe from a new host: %s", list);
	else if (new_hosts(&f->iframe_hosts, &b->iframe_hosts, site, NULL, list, sizeof(list)))
		add_signal(v, "new_iframe_host", 40, "iframe from a host the site never used: %s", list);

	if (new_hosts(&f->form_hosts, &b->form_hosts, site, NULL, list, sizeof(list)))
		add_signal(v, "form_action_offsite", 50,
			   "a form posts to a host the site's forms never used: %s", list);

	size_t nnew = new_hosts(&f->link_hosts, &b->link_hosts, site, NULL, list, sizeof(list));
	double share = watch_outbound_share(f);
	bool share_jump = share - b->outbound_share_max >= 0.25 &&
			  f->outbound_links >= b->outbound_links_max + 10;
	if (nnew >= 5 || share_jump)
		add_signal(v, "seo_spam", 40 + (int)(nnew > 20 ? 20 : nnew),
			   "%zu new outbound link hosts (%s); outbound share %.2f, was at most %.2f",
			   nnew, nnew ? list : "none", share, b->outbound_share_max);

	const char *targets[2] = { f->refresh_host, f->js_host };
	for (int i = 0; i < 2; i++) {
		const char *h = targets[i];
		if (h[0] && !watch_same_site(h, site) && !watch_set_has(&b->redirect_hosts, h)) {
			char hh[100];
			clip_copy(hh, sizeof(hh), h, 90);
			add_signal(v, "redirect_offsite", 60, "%s to %s",
				   i == 0 ? "meta refresh" : "script sets location", hh);
			break;
		}
	}

	if (b->n >= 2 && !b->inline_volatile && !b->inline_hashes.full) {
		size_t fresh = 0;
		for (uint32_t i = 0; i < f->inline_hashes.n; i++)
			fresh += !watch_set_has(&b->inline_hashes, f->inline_hashes.v[i]);
		if (fresh)
			add_signal(v, "new_inline_script", 20,
				   "%zu inline script(s) not in the baseline, whose inline scripts "
				   "never changed",
				   fresh);
	}

	/* Last, because weak phrases need the other signals as corroboration. */
	size_t strong = 0, weak = 0;
	char first[120] = "";
	for (size_t i = 0; i < watch_signature_count() && i < WATCH_SIG_MAX; i++) {
		if (f->sig_counts[i] <= b->sig_counts[i])
			continue;
		bool w;
		const char *pat = watch_signature(i, &w);
		if (w)
			weak++;
		else
			strong++;
		if (!first[0] || (!w && strong == 1))
			clip_copy(first, sizeof(first), pat, 100);
	}
	if (strong || weak >= 2 || (weak && v->nsig)) {
		add_signal(v, "defacement_signature", 90, "defacement phrase \"%s\" appears%s", first,
			   strong + weak > 1 ? " (with others)" : "");
	}

	/* Strongest first; insertion sort keeps equal weights in order found. */
	for (size_t i = 1; i < v->nsig; i++)
		for (size_t j = i; j > 0 && v->sig[j - 1].weight < v->sig[j].weight; j--) {
			struct watch_signal t = v->sig[j];
			v->sig[j] = v->sig[j - 1];
			v->sig[j - 1] = t;
		}

	double keep = 1.0;
	for (size_t i = 0; i < v->nsig; i++)
		keep *= 1.0 - v->sig[i].weight / 100.0;
	/* Non-negative, so adding a half rounds (and libm is not needed). */
	int score = (int)(100.0 * (1.0 - keep) + 0.5);
	v->score = score < 0 ? 0 : score > 100 ? 100 : score;

	static const char *const sev[] = { "none", "low", "medium", "high", "critical" };
	int rank = v->score >= 80 ? 4 : v->score >= 60 ? 3 : v->score >= 30 ? 2 : v->score > 0 ? 1 : 0;
	if (has_signal(v, "redirect_offsite") || has_signal(v, "form_action_offsite") ||
	    has_signal(v, "new_script_host") ||
	    (has_signal(v, "new_iframe_host") && f->hidden_iframe_hosts.n))
		rank = rank < 3 ? 3 : rank;
	if (has_signal(v, "defacement_signature") ||
	    (has_signal(v, "title_replaced") && has_signal(v, "text_changed")))
		rank = 4;
	if (v->nsig == 0)
		rank = 0;
	v->severity = sev[rank];
}

/* Three decimals are what a reader can use; x is in 0..1. */
static double round3(double x)
{
	return (double)(long)(x * 1000.0 + 0.5) / 1000.0;
}

/* One signal or observation: element, host and category only when set. */
static json_t *signal_json(const struct watch_signal *g)
{
	json_t *s = json_pack("{ss ss si}", "name", g->name, "detail", g->detail, "weight", g->weight);
	if (!s)
		return NULL;
	const struct {
		const char *key, *val;
	} opt[] = { { "element", g->element }, { "host", g->host }, { "category", g->category } };
	for (size_t i = 0; i < ARRAY_SIZE(opt); i++)
		if (opt[i].val[0] && json_object_set_new(s, opt[i].key, json_string(opt[i].val)) != 0) {
			json_decref(s);
			return NULL;
		}
	return s;
}

json_t *watch_verdict_json(const struct watch_verdict *v)
{
	static const struct {
		unsigned bit;
		const char *name;
	} flag_names[] = { { WATCH_F_TRUNCATED, "truncated" }, { WATCH_F_BINARY, "binary" },
			   { WATCH_F_TEXT_CUT, "text_cut" },   { WATCH_F_DEEP, "deep" },
			   { WATCH_F_CAPPED, "capped" },      { WATCH_F_BUDGET, "budget" } };
	json_t *sigs_j = json_array(), *obs_j = json_array(), *flags = json_array();
	if (!sigs_j || !obs_j || !flags)
		goto fail;
	for (size_t i = 0; i < v->nsig; i++) {
		json_t *s = signal_json(&v->sig[i]);
		if (!s || json_array_append_new(sigs_j, s) != 0)
			goto fail;
	}
	for (size_t i = 0; i < v->nobs; i++) {
		json_t *s = signal_json(&v->obs[i]);
		if (!s || json_array_append_new(obs_j, s) != 0)
			goto fail;
	}
	for (size_t i = 0; i < ARRAY_SIZE(flag_names); i++)
		if ((v->flags & flag_names[i].bit) &&
		    json_array_append_new(flags, json_string(flag_names[i].name)) != 0)
			goto fail;
	return json_pack("{so so si ss sf sf so}", "signals", sigs_j, "observations", obs_j,
			 "score", v->score, "severity", v->severity ? v->severity : "none",
			 "similarity", round3(v->similarity), "floor", round3(v->floor), "flags",
			 flags);
fail:
	json_decref(sigs_j);
	json_decref(obs_j);
	json_decref(flags);
	return NULL;
}

/* ------------------------------------------------------------- one call */

int watch_analyze_pages(const struct watch_page *base, size_t nbase,
			const struct watch_page *page, const char *url,
			const struct watch_context *ctx, struct watch_verdict *v, struct perr *err)
{
	memset(v, 0, sizeof(*v));
	v->severity = "none";
	if (nbase == 0)
		return perr_set(err, PERR_INVALID, "base", "at least one base page is needed");
	if (nbase > BASE_MAX)
		return perr_set(err, PERR_LIMIT, "base", "at most %d base pages", BASE_MAX);
	struct watch_features *obs = calloc(nbase, sizeof(*obs)), now;
	struct watch_baseline b;
	size_t done = 0;
	bool have_base = false, have_now = false;
	int rc = -1;
	if (!obs) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	for (; done < nbase; done++)
		if (watch_extract(base[done].body, base[done].len, url, &obs[done], err) != 0) {
			done++; /* freed below like the others */
			goto out;
		}
	have_base = true;
	if (watch_learn(obs, nbase, &b, err) != 0)
		goto out;
	have_now = true;
	if (watch_extract(page->body, page->len, url, &now, err) != 0)
		goto out;
	watch_judge(&b, &now, ctx, v);
	rc = 0;
out:
	if (have_now)
		watch_features_free(&now);
	if (have_base)
		watch_baseline_free(&b);
	for (size_t i = 0; i < done && obs; i++)
		watch_features_free(&obs[i]);
	free(obs);
	return rc;
}
