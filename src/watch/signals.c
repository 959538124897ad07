/*
** signals.c — the verdict: which signals a page raises against its site's
** baseline, a score and a severity; the defacement signatures; the one call
** the monitor and `parapet watch analyze` share.
**
** Each signal names one kind of evidence an analyst can check by eye, the
** element and host it concerns, and the real-world class of attack it
** serves, with a weight for how strongly it alone suggests an attack:
**
**   defacement_signature 90  a "hacked by" phrase the site never showed
**   conditional_redirect 80  a script redirects by referrer or device (cloaking)
**   crypto_miner         80  an in-browser miner starts
**   lookalike_host       70  a host imitating a known service or the site
**   extortion_notice     70  "pay / contact us to restore" in a new block
**   redirect_offsite     60  meta refresh / location assignment off-site
**   hidden_spam          60  a new hidden block of links or gambling text
**   new_iframe_host      40  (60 hidden, 55 covering the page)
**   obfuscated_loader    55  an inline script assembles a foreign address
**   form_action_offsite  50  a form now posts to a foreign host
**   script_beacon        50  an inline script sends requests to a foreign host
**   ip_host              50  a script, frame, form or redirect to a bare IP
**   greetings_list       50  a defacer's greetings / crew list in a new block
**   defacer_contact      50  a messenger handle in a loud or foreign new block
**   spam_block           50  gambling or pharmacy text with off-site links
**   new_script_host      45  script from a foreign host the site never used
**   new_cdn_publication  45  a new repository / package on a public CDN
**   crypto_wallet        45  a wallet address in a new block
**   foreign_block        40+ a new block in another language at the top,
**                            in a marquee or blinking
**   seo_spam             40+ many new foreign outbound hosts or a jump in share
**   title_replaced       35  a stable title replaced by an unrelated one
**   service_out_of_role  35  a known service where it does not belong
**   hotlinked_image      35  an image from a public image host (imgur, ImgBB...)
**   hidden_text          35  a new hidden block unlike the site
**   text_changed         30+ text similarity below the site's floor
**   eval_script          30  eval of a built string, new to the site
**   new_tld              25  a foreign host under a TLD the site never used
**   new_popup_host       35  window.open to a foreign host (pop-unders)
**
** Hosts are judged by whose they are (watch_host_classify): the site's own
** registrable domain and its organisation's domains never count; another
** organisation of the constituency and a well-known service in its usual
** role (services.csv) are recorded as observations, which open no incident
** and are shown on the site page. One signal per name: repeats fold into it.
**
** The score combines weights as independent evidence (1 - Π(1 - w/100)), so
** it stays within 0..100 and two weak signals count for more than one. The
** severity follows the score, raised by the kinds that are attacks on
** visitors (redirects, off-site forms, foreign scripts, hidden iframes) and
** to critical for a signature, an extortion notice or a replaced title
** with replaced text.
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
/* The patterns by their first two bytes (a chain through sig_next, ending
** in -1), so a page is scanned once for all of them rather than once for
** each (a memmem per pattern was the monitor's hottest function). */
static int16_t sig_head[65536];
static int16_t sig_next[WATCH_SIG_MAX];

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
	for (size_t k = 0; k < 65536; k++)
		sig_head[k] = -1;
	for (size_t k = nsigs; k-- > 0;) {
		if (sigs[k].len < 2)
			continue; /* scanned on its own (count_in) */
		unsigned key = (unsigned char)sigs[k].pat[0] << 8 | (unsigned char)sigs[k].pat[1];
		sig_next[k] = sig_head[key];
		sig_head[key] = (int16_t)k;
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

/* Does the text just before at (after a space at most) open a quotation?
** A phrase in quotation marks is reported ("defaced the site and posted
** 'Hacked by' messages"), not claimed: news of an attack quotes the
** defacer, the defacer does not quote himself. */
static bool quoted(const char *hay, const char *at)
{
	const unsigned char *p = (const unsigned char *)at;
	const unsigned char *h = (const unsigned char *)hay;
	if (p > h && p[-1] == ' ')
		p--;
	if (p > h && (p[-1] == '\'' || p[-1] == '"' || p[-1] == '`'))
		return true;
	/* “ ‘ (E2 80 9C / 98), « (C2 AB), » (C2 BB, German-style) */
	if (p - h >= 3 && p[-3] == 0xE2 && p[-2] == 0x80 && (p[-1] == 0x9C || p[-1] == 0x98))
		return true;
	return p - h >= 2 && p[-2] == 0xC2 && (p[-1] == 0xAB || p[-1] == 0xBB);
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
		if (!quoted(hay, p))
			c++;
		i = (size_t)(p - hay) + s->len;
	}
	return c;
}

/* Add to counts each pattern of two bytes or more found in hay, one pass
** over hay: occurrences of a pattern do not overlap, and a quoted one is
** reported speech (see quoted), as count_in counts them. Counts saturate at
** 1000, enough to tell "more than the baseline had". */
static void scan_all(const char *hay, size_t n, uint16_t counts[WATCH_SIG_MAX])
{
	size_t next_ok[WATCH_SIG_MAX];
	memset(next_ok, 0, sizeof(next_ok));
	for (size_t i = 0; i + 1 < n; i++) {
		unsigned key = (unsigned char)hay[i] << 8 | (unsigned char)hay[i + 1];
		for (int k = sig_head[key]; k >= 0; k = sig_next[k]) {
			const struct sig *g = &sigs[k];
			if (i < next_ok[k] || g->len > n - i || counts[k] >= 1000 ||
			    memcmp(hay + i, g->pat, g->len) != 0)
				continue;
			next_ok[k] = i + g->len;
			if (!quoted(hay, hay + i))
				counts[k]++;
		}
	}
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
	scan_all(t, tn, counts);
	scan_all(x, xn, counts);
	for (size_t i = 0; i < nsigs; i++)
		if (sigs[i].len < 2) {
			unsigned c = counts[i] + count_in(t, tn, &sigs[i]) + count_in(x, xn, &sigs[i]);
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

static bool has_signal(const struct watch_verdict *v, const char *name)
{
	for (size_t i = 0; i < v->nsig; i++)
		if (strcmp(v->sig[i].name, name) == 0)
			return true;
	return false;
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

/* One signal per name: a second finding of the same kind raises the weight
** to the stronger of the two and is counted ("and 2 more"), so a page with
** 200 injected iframes yields one explained signal, not 200. */
struct judge {
	const struct watch_baseline *b;
	const struct watch_features *f;
	const struct watch_context *ctx;
	struct watch_verdict *v;
	const char *site;
	unsigned more[WATCH_SIGNALS_MAX]; /* further findings folded into sig[i] */
};

/* Write one signal or observation; detail from fmt and ap. */
static void fill(struct watch_signal *s, const char *name, int weight, const char *element,
		 const char *host, const char *category, const char *fmt, va_list ap)
	__attribute__((format(printf, 7, 0)));

static void fill(struct watch_signal *s, const char *name, int weight, const char *element,
		 const char *host, const char *category, const char *fmt, va_list ap)
{
	memset(s, 0, sizeof(*s));
	pstrtrunc(s->name, name, sizeof(s->name));
	s->weight = weight;
	pstrtrunc(s->element, element ? element : "", sizeof(s->element));
	clip_copy(s->host, sizeof(s->host), host ? host : "", WATCH_HOST_MAX - 1);
	pstrtrunc(s->category, category ? category : "", sizeof(s->category));
	vsnprintf(s->detail, sizeof(s->detail), fmt, ap);
	utf8_fix(s->detail);
}

static void finding(struct judge *j, const char *name, int weight, const char *element,
		    const char *host, const char *category, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static void finding(struct judge *j, const char *name, int weight, const char *element,
		    const char *host, const char *category, const char *fmt, ...)
{
	struct watch_verdict *v = j->v;
	size_t i = 0;
	while (i < v->nsig && strcmp(v->sig[i].name, name) != 0)
		i++;
	if (i < v->nsig && weight <= v->sig[i].weight) {
		j->more[i]++;
		return;
	}
	if (i == v->nsig) {
		if (v->nsig >= WATCH_SIGNALS_MAX)
			return;
		v->nsig++;
	} else {
		j->more[i]++;
	}
	va_list ap;
	va_start(ap, fmt);
	fill(&v->sig[i], name, weight < 1 ? 1 : weight > 100 ? 100 : weight, element, host,
	     category, fmt, ap);
	va_end(ap);
}

/* A recorded observation: opens no incident, shown on the site page. One
** per (name, host). */
static void observe(struct judge *j, const char *name, int weight, const char *element,
		    const char *host, const char *category, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static void observe(struct judge *j, const char *name, int weight, const char *element,
		    const char *host, const char *category, const char *fmt, ...)
{
	struct watch_verdict *v = j->v;
	for (size_t i = 0; i < v->nobs; i++)
		if (!strcmp(v->obs[i].name, name) && !strcmp(v->obs[i].host, host ? host : ""))
			return;
	if (v->nobs >= WATCH_OBS_MAX)
		return;
	va_list ap;
	va_start(ap, fmt);
	fill(&v->obs[v->nobs++], name, weight < 0 ? 0 : weight > 20 ? 20 : weight, element, host,
	     category, fmt, ap);
	va_end(ap);
}

static const char *const kind_element[WATCH_REF_KINDS] = {
	[WATCH_REF_SCRIPT] = "script", [WATCH_REF_IFRAME] = "iframe", [WATCH_REF_FORM] = "form",
	[WATCH_REF_REDIRECT] = "redirect", [WATCH_REF_POPUP] = "popup", [WATCH_REF_STYLE] = "style",
	[WATCH_REF_IMG] = "img",
};

/* Did the site already use host in this role? Pop-ups, styles and images
** count as known when the host served the site in any role. */
static bool ref_known(const struct watch_baseline *b, const struct watch_ref *r)
{
	switch (r->kind) {
	case WATCH_REF_SCRIPT:
		return watch_set_has(&b->script_hosts, r->host);
	case WATCH_REF_IFRAME:
		return watch_set_has(&b->iframe_hosts, r->host);
	case WATCH_REF_FORM:
		return watch_set_has(&b->form_hosts, r->host);
	case WATCH_REF_REDIRECT:
		return watch_set_has(&b->redirect_hosts, r->host);
	default:
		return watch_set_has(&b->other_hosts, r->host) ||
		       watch_set_has(&b->script_hosts, r->host) ||
		       watch_set_has(&b->link_hosts, r->host) ||
		       watch_set_has(&b->iframe_hosts, r->host);
	}
}

/* A set the baseline filled to its cap knows too little to call a host new. */
static bool role_capped(const struct watch_baseline *b, int kind)
{
	switch (kind) {
	case WATCH_REF_SCRIPT:
		return b->script_hosts.full;
	case WATCH_REF_IFRAME:
		return b->iframe_hosts.full;
	case WATCH_REF_FORM:
		return b->form_hosts.full;
	case WATCH_REF_REDIRECT:
		return b->redirect_hosts.full;
	default:
		return b->other_hosts.full;
	}
}


/* Categories whose embeds are meant to be seen: hiding one is not their
** normal use (hidden video views are ad fraud). Analytics, tag managers,
** CAPTCHA, consent and chat load hidden frames by design. */
static bool shown_category(const char *c)
{
	return !strcmp(c, "video") || !strcmp(c, "maps") || !strcmp(c, "social") ||
	       !strcmp(c, "payment");
}

/* Judge one reference the baseline does not know in its role. */
static void judge_ref(struct judge *j, const struct watch_ref *r)
{
	const struct watch_baseline *b = j->b;
	const char *el = r->kind < WATCH_REF_KINDS ? kind_element[r->kind] : "element";
	struct watch_host_info hi;
	watch_host_classify(j->ctx, j->site, r->host, r->path, &hi);
	bool hidden = (r->flags & (WATCH_RF_HIDDEN | WATCH_RF_TINY)) != 0;
	bool loads = r->kind == WATCH_REF_SCRIPT || r->kind == WATCH_REF_IFRAME ||
		     r->kind == WATCH_REF_FORM || r->kind == WATCH_REF_REDIRECT;
	char pub[WATCH_HOST_MAX];

	if (hi.user_content) {
		/* Class: malicious code published on a public CDN (a GitHub
		** repository or npm package served by jsDelivr, unpkg...). The
		** host is well known; the publication is anyone's. */
		if (!watch_ref_publication(r, pub) || watch_set_has(&b->pubs, pub))
			return;
		if (r->kind == WATCH_REF_SCRIPT || r->kind == WATCH_REF_IFRAME)
			finding(j, "new_cdn_publication", 45, el, r->host, "user content",
				"%s loads %s, a publication on a public CDN the site never used "
				"(anyone can publish there)",
				el, pub);
		return;
	}
	if (ref_known(b, r) || role_capped(b, r->kind))
		return;

	switch (hi.cls) {
	case WATCH_HC_SITE:
	case WATCH_HC_OWN:
		return; /* the organisation's own services moving between its hosts */
	case WATCH_HC_CONSTITUENCY:
		/* Class: a state body's shared service (payment gateway, CDN). */
		observe(j, "constituency_service_added", 5, el, r->host, "constituency",
			"%s of %s (%s), another organisation of the constituency", el, r->host,
			hi.who);
		return;
	case WATCH_HC_SERVICE: {
		if (!strcmp(hi.category, "imagehost")) {
			/* Class: defacements hotlink their banners and skulls from
			** public image hosts; a government page hosts its own. */
			finding(j, "hotlinked_image", 35, el, r->host, hi.category,
				"%s from %s (%s), a public image host the site never used", el,
				r->host, hi.who);
			return;
		}
		bool in_role = (hi.roles & (1u << r->kind)) != 0 || r->kind == WATCH_REF_POPUP ||
			       r->kind == WATCH_REF_IMG;
		if (in_role && !(hidden && shown_category(hi.category))) {
			/* Class: third-party content governments add every week. */
			observe(j, "third_party_added", 5, el, r->host, hi.category,
				"third-party added: %s, %s (%s) in a %s", hi.category, r->host,
				hi.who, el);
			return;
		}
		if (r->kind == WATCH_REF_REDIRECT) {
			finding(j, "redirect_offsite", 60, el, r->host, hi.category,
				"the page sends its visitors to %s (%s)", r->host, hi.who);
			return;
		}
		/* Class: a known service abused outside its role (a hidden
		** video frame for view fraud, a form posting to a file host). */
		finding(j, "service_out_of_role", 35, el, r->host, hi.category,
			"%s%s of %s (%s), which does not normally appear there", hidden ? "hidden " : "",
			el, r->host, hi.who);
		return;
	}
	case WATCH_HC_FOREIGN:
		break;
	}

	if (hi.lookalike != WATCH_LA_NONE) {
		/* Class: typosquatted / look-alike domains of skimmers and
		** malvertising (Magecart's google-analytics.com look-alikes). */
		static const char *const how[] = { "", "a small edit of", "a homoglyph of",
						   "a punycode imitation of", "a name embedding" };
		finding(j, "lookalike_host", 70, el, r->host, "look-alike",
			"%s from %s, %s %s", el, r->host, how[hi.lookalike], hi.imitates);
	}
	if (hi.ip && loads)
		/* Class: injected loaders and phishing forms on bare IPs. */
		finding(j, "ip_host", 50, el, r->host, "ip", "%s points to a bare IP address, %s", el,
			r->host);
	if (loads && b->tlds.n && !b->tlds.full && !hi.ip &&
	    !watch_set_has(&b->tlds, watch_host_tld(r->host)))
		/* Class: throw-away domains under TLDs the site never touches. */
		finding(j, "new_tld", 25, el, r->host, "tld",
			"%s from %s, under .%s, a TLD the site never used", el, r->host,
			watch_host_tld(r->host));
	if ((r->flags & WATCH_RF_FROM_JS) && (r->flags & WATCH_RF_OBFUSCATED) &&
	    r->kind != WATCH_REF_IMG && r->kind != WATCH_REF_STYLE)
		/* Class: obfuscated inline loaders (string pieces, \x, atob). */
		finding(j, "obfuscated_loader", 55, el, r->host, "inline script",
			"an inline script assembles the address of a %s on %s", el, r->host);

	switch (r->kind) {
	case WATCH_REF_SCRIPT:
		finding(j, "new_script_host", 45, el, r->host, "foreign",
			"%sscript loaded from %s, a host the site never used", 
			(r->flags & WATCH_RF_FROM_JS) ? "an inline script loads a " : "", r->host);
		break;
	case WATCH_REF_IFRAME:
		if (hidden)
			finding(j, "new_iframe_host", 60, el, r->host, "foreign",
				"hidden iframe from %s, a host the site never used", r->host);
		else
			finding(j, "new_iframe_host", (r->flags & WATCH_RF_OVERLAY) ? 55 : 40, el,
				r->host, "foreign", "iframe from %s, a host the site never used%s",
				r->host, (r->flags & WATCH_RF_OVERLAY) ? ", covering the page" : "");
		break;
	case WATCH_REF_FORM:
		finding(j, "form_action_offsite", 50, el, r->host, "foreign",
			"a form posts to %s, a host the site's forms never used", r->host);
		break;
	case WATCH_REF_REDIRECT:
		if (r->flags & WATCH_RF_CONDITIONAL)
			/* Class: cloaked redirects that spare the owner (referrer
			** from a search engine, mobile user agents). */
			finding(j, "conditional_redirect", 80, el, r->host, "foreign",
				"a script sends visitors to %s depending on where they come "
				"from or their device",
				r->host);
		else
			finding(j, "redirect_offsite", 60, el, r->host, "foreign", "%s to %s",
				(r->flags & WATCH_RF_META) ? "meta refresh" : "script sets location",
				r->host);
		break;
	case WATCH_REF_POPUP:
		/* Class: pop-under malvertising. */
		finding(j, "new_popup_host", 35, el, r->host, "foreign",
			"a script opens a window on %s, a host the site never used", r->host);
		break;
	case WATCH_REF_IMG:
		if (r->flags & WATCH_RF_FROM_JS)
			/* Class: skimmers' exfiltration beacons (an image whose
			** address carries what the visitor typed). */
			finding(j, "script_beacon", 50, el, r->host, "foreign",
				"an inline script sends requests to %s, a host the site never used",
				r->host);
		break;
	default:
		break; /* styles and images: only their look-alike or TLD counts */
	}
}

/* The references of f; when the extraction recorded none (features of an
** older build, a fuzzer's fixed features), the host sets stand in. */
static void judge_refs(struct judge *j)
{
	const struct watch_features *f = j->f;
	bool redirect_seen[2] = { false, false };
	for (uint32_t i = 0; i < f->nrefs; i++) {
		const struct watch_ref *r = &f->refs[i];
		if (!r->host[0] || strchr(r->host, ':') == r->host + strlen(r->host) - 1)
			continue; /* javascript:, data:, mailto: */
		if (r->kind == WATCH_REF_REDIRECT) {
			if (!strcmp(r->host, f->refresh_host))
				redirect_seen[0] = true;
			if (!strcmp(r->host, f->js_host))
				redirect_seen[1] = true;
		}
		judge_ref(j, r);
	}
	struct watch_ref r;
	if (f->nrefs == 0) {
		const struct {
			const struct watch_set *s;
			int kind;
		} sets[] = { { &f->script_hosts, WATCH_REF_SCRIPT },
			     { &f->iframe_hosts, WATCH_REF_IFRAME },
			     { &f->form_hosts, WATCH_REF_FORM } };
		for (size_t k = 0; k < ARRAY_SIZE(sets); k++)
			for (uint32_t i = 0; i < sets[k].s->n; i++) {
				memset(&r, 0, sizeof(r));
				r.kind = (uint8_t)sets[k].kind;
				pstrtrunc(r.host, sets[k].s->v[i], sizeof(r.host));
				if (sets[k].kind == WATCH_REF_IFRAME &&
				    watch_set_has(&f->hidden_iframe_hosts, r.host))
					r.flags = WATCH_RF_HIDDEN;
				if (strchr(r.host, ':') != r.host + strlen(r.host) - 1)
					judge_ref(j, &r);
			}
	}
	const char *targets[2] = { f->refresh_host, f->js_host };
	for (int i = 0; i < 2; i++) {
		if (!targets[i][0] || redirect_seen[i] ||
		    strchr(targets[i], ':') == targets[i] + strlen(targets[i]) - 1)
			continue;
		memset(&r, 0, sizeof(r));
		r.kind = WATCH_REF_REDIRECT;
		r.flags = i == 0 ? WATCH_RF_META : WATCH_RF_FROM_JS;
		pstrtrunc(r.host, targets[i], sizeof(r.host));
		judge_ref(j, &r);
	}
}

/* Class: SEO spam links (gambling, pharmacy, link farms) added in bulk.
** Links to well-known services (share buttons), to the organisation's and
** to other state bodies' hosts are not counted. */
static void judge_links(struct judge *j)
{
	const struct watch_baseline *b = j->b;
	const struct watch_features *f = j->f;
	if (b->link_hosts.full)
		return;
	size_t nnew = 0, k = 0;
	char list[200] = "";
	for (uint32_t i = 0; i < f->link_hosts.n; i++) {
		const char *h = f->link_hosts.v[i];
		if (watch_same_site(h, j->site) || watch_set_has(&b->link_hosts, h))
			continue;
		/* A host a well-known service runs (share and channel links, for
		** which the page has no path row to match) is no link farm. */
		if (watch_service_find(h))
			continue;
		struct watch_host_info hi;
		watch_host_classify(j->ctx, j->site, h, "", &hi);
		if (hi.cls != WATCH_HC_FOREIGN)
			continue;
		if (nnew < 3) {
			int w = snprintf(list + k, sizeof(list) - k, "%s%.60s", nnew ? ", " : "", h);
			if (w > 0 && (size_t)w < sizeof(list) - k)
				k += (size_t)w;
		}
		nnew++;
	}
	utf8_fix(list);
	double share = watch_outbound_share(f);
	bool share_jump = share - b->outbound_share_max >= 0.25 &&
			  f->outbound_links >= b->outbound_links_max + 10;
	if (nnew >= 5 || share_jump)
		finding(j, "seo_spam", 40 + (int)(nnew > 20 ? 20 : nnew), "a", "", "links",
			"%zu new outbound link hosts (%s%s); outbound share %.2f, was at most %.2f",
			nnew, nnew ? list : "none", nnew > 3 ? " and more" : "", share,
			b->outbound_share_max);
}

/* Is the region's text unlike the site's (watch_lang_unlike)? 2: in a
** script the site hardly writes, in a language other than English (a
** government site's foreign content is in English; Turkish, Indonesian or
** Russian text is a defacer's); 1: unlike but also ordinary content (English
** on a Persian site, Arabic on an English or a Persian one: a notice for
** foreign readers, a Quranic verse), so it needs a defacer's mark, a loud
** position or an overlay; 0: like the site. */
static int lang_unlike(const struct watch_lang *site, const struct watch_lang *blk,
		       const char **what, bool *other_script_out)
{
	bool other_script = false;
	const char *u = watch_lang_unlike(site, blk, &other_script);
	*what = u;
	*other_script_out = other_script;
	if (!u)
		return 0;
	bool site_latin = site->latin > site->arabic + site->cyrillic + site->other;
	if (other_script && !site_latin &&
	    (!strcmp(u, "latin") || !strcmp(u, "turkish") || !strcmp(u, "cyrillic")))
		return 2;
	return 1;
}

/* Fraction of xs[0..n) not in the baseline's sorted array(s). */
static double unseen(const uint64_t *xs, size_t n, const uint64_t *a, size_t na, const uint64_t *c,
		     size_t nc)
{
	if (n == 0)
		return 0;
	size_t miss = 0;
	for (size_t i = 0; i < n; i++)
		miss += !watch_u64_has(a, na, xs[i]) && !watch_u64_has(c, nc, xs[i]);
	return (double)miss / (double)n;
}

/* Is block i of f new: its text unknown to every observation the baseline
** learned? Blocks of three words or more are judged by their shingles
** (a news item moved in the list is not new), shorter ones by their words.
** *wnew is the share of its words the site never used. */
static bool block_fresh(const struct watch_baseline *b, const char *t, size_t len, double *wnew,
			size_t *nwords)
{
	uint64_t *sh = NULL, *wd = NULL;
	size_t nsh = 0, nwd = 0;
	bool fresh = false;
	*wnew = 0;
	*nwords = 0;
	if (watch_shingles(t, len, &sh, &nsh) != 0 || watch_words(t, len, &wd, &nwd) != 0)
		goto out;
	*wnew = unseen(wd, nwd, b->vocab, b->nvocab, NULL, 0);
	*nwords = nwd;
	fresh = nwd >= 3 ? unseen(sh, nsh, b->stable, b->nstable, b->volatile_sh, b->nvolatile) >= 0.8
			 : *wnew >= 0.99;
out:
	free(sh);
	free(wd);
	return fresh;
}

/* A run of consecutive new blocks of the same visibility: what a defacer
** inserts is one region (a heading, paragraphs, a list of names), and it is
** judged whole. */
struct region {
	uint32_t off, end;  /* in f->text */
	uint16_t flags;     /* WATCH_BF_* of its blocks, OR-ed */
	uint32_t links_out;
	const char *tag;    /* the first block's element */
	bool any;
};

/* Judge one region of new text. Classes: partial defacements that avoid
** the signature phrases (a marquee of handles, a block in the defacer's
** language at the top of the page or in a full-page overlay, a greetings
** list, an extortion notice) and SEO spam in hidden blocks. */
static void judge_region(struct judge *j, const struct region *rg)
{
	const struct watch_baseline *b = j->b;
	const char *t = j->f->text + rg->off;
	size_t len = rg->end - rg->off;
	double wnew;
	size_t nwd;
	(void)block_fresh(b, t, len, &wnew, &nwd);
	struct watch_lang lang;
	struct watch_text_marks mk;
	watch_lang_count(t, len, &lang);
	watch_text_marks(t, len, &mk);
	const char *script = NULL;
	bool other_script = false;
	int unlike_how = lang_unlike(&b->lang, &lang, &script, &other_script);
	bool unlike = unlike_how > 0;
	bool vocab = nwd >= 8 && wnew >= 0.75;
	bool hidden = rg->flags & WATCH_BF_HIDDEN;
	bool loud = (rg->flags & (WATCH_BF_MARQUEE | WATCH_BF_BLINK | WATCH_BF_TOP) & ~b->block_flags) != 0;
	bool overlay = (rg->flags & WATCH_BF_OVERLAY) && !(b->block_flags & WATCH_BF_OVERLAY);
	bool messenger = (mk.flags & WATCH_TX_MESSENGER) != 0;
	unsigned links = rg->links_out > 9999 ? 9999 : rg->links_out;
	const char *where = (rg->flags & WATCH_BF_MARQUEE) ? "a scrolling marquee"
			    : (rg->flags & WATCH_BF_BLINK)   ? "a blinking block"
			    : (rg->flags & WATCH_BF_TOP)     ? "a block above the site's header"
			    : overlay                        ? "an overlay covering the page"
			    : hidden                         ? "a hidden block"
							     : "a new block";
	if (hidden) {
		/* Three links at least: a widget's fallback in <noscript> or a
		** hidden menu of a new feature has one or two. */
		if (links >= 3 || (mk.flags & (WATCH_TX_GAMBLING | WATCH_TX_PHARMA | WATCH_TX_SPAM)))
			/* Class: hidden SEO spam (links and gambling or pharmacy
			** text a browser does not show). */
			finding(j, "hidden_spam", 60, rg->tag, "", "seo spam",
				"%s with %u off-site links%s%s", where, links,
				mk.first[0] ? ", e.g. " : "", mk.first);
		else if (unlike && nwd >= 20)
			finding(j, "hidden_text", 35, rg->tag, "", "seo spam",
				"%s of %zu words in %s, unlike the rest of the site", where, nwd, script);
		return;
	}
	if (mk.flags & WATCH_TX_RANSOM)
		finding(j, "extortion_notice", 70, rg->tag, "", "defacement",
			"%s demands payment or contact to restore the site (%s)", where, mk.first);
	if (mk.flags & WATCH_TX_GREETS)
		finding(j, "greetings_list", 50, rg->tag, "", "defacement",
			"%s carries a defacer's greetings or crew list (%s)", where, mk.first);
	if (mk.flags & WATCH_TX_WALLET)
		finding(j, "crypto_wallet", 45, rg->tag, "", "defacement",
			"%s shows a cryptocurrency wallet (%s)", where, mk.first);
	/* Link farms mix their trades (casino, pharmacy, loans, essays); a
	** news item about one of them does not carry the others. */
	unsigned trades = mk.flags & (WATCH_TX_GAMBLING | WATCH_TX_PHARMA | WATCH_TX_SPAM);
	if (trades && (links >= 1 || (trades & (trades - 1))))
		finding(j, "spam_block", 50, rg->tag, "", "seo spam",
			"%s advertises gambling, pharmacy or other spam trades with %u off-site links (%s)", where, links,
			mk.first);
	if (messenger && (unlike || vocab || loud || overlay))
		finding(j, "defacer_contact", 50, rg->tag, "", "defacement",
			"%s%s%s gives a messenger handle (%s)", where, unlike ? " in " : "",
			unlike ? script : "", mk.first);
	else if (nwd >= 8 && (unlike_how == 2 || (unlike_how == 1 && (overlay || (loud && other_script)))))
		finding(j, "foreign_block", 45, rg->tag, "", "defacement",
			"%s in %s text, unlike the rest of the site", where, script);
	else if (unlike)
		observe(j, "text_in_other_language", 10, rg->tag, "", "text",
			"new %s text, unlike the rest of the site", script);
	else if (mk.flags & WATCH_TX_HANDLE)
		observe(j, "contact_added", 5, rg->tag, "", "text", "new contact: %s", mk.first);
}

static void judge_blocks(struct judge *j)
{
	const struct watch_baseline *b = j->b;
	const struct watch_features *f = j->f;
	struct region rg = { 0 };
	for (uint32_t i = 0; i < f->nblocks; i++) {
		const struct watch_block *blk = &f->blocks[i];
		if ((uint64_t)blk->off + blk->len > f->text_len)
			continue;
		if (blk->len < 4)
			continue; /* separators neither start nor end a region */
		double wnew;
		size_t nwd;
		bool fresh = block_fresh(b, f->text + blk->off, blk->len, &wnew, &nwd);
		bool same_vis = rg.any && ((rg.flags ^ blk->flags) & WATCH_BF_HIDDEN) == 0;
		if (rg.any && (!fresh || !same_vis)) {
			judge_region(j, &rg);
			rg.any = false;
		}
		if (!fresh)
			continue;
		if (!rg.any) {
			memset(&rg, 0, sizeof(rg));
			rg.any = true;
			rg.off = blk->off;
			rg.tag = blk->tag;
		}
		rg.end = blk->off + blk->len;
		rg.flags |= blk->flags;
		rg.links_out += blk->links_out;
	}
	if (rg.any)
		judge_region(j, &rg);
}

void watch_judge(const struct watch_baseline *b, const struct watch_features *f,
		 const struct watch_context *ctx, struct watch_verdict *v)
{
	memset(v, 0, sizeof(*v));
	struct judge j = { .b = b, .f = f, .ctx = ctx, .v = v };
	v->flags = f->flags;
	v->floor = b->floor;
	v->similarity = watch_baseline_similarity(b, f);
	j.site = b->host[0] ? b->host : f->host;

	if (v->similarity < b->floor) {
		/* Class: full replacement (a defacement page, a parking or
		** phishing page). What sets it apart from a week of news turning
		** over is the vocabulary: a replacement is in words the site never
		** used; news is in the site's own. A deep drop (under two thirds
		** of the floor: most of what never changed is gone) with the
		** site's own scripts and styles replaced is a redesign to accept,
		** whatever its words. */
		uint64_t *wd = NULL;
		size_t nwd = 0;
		double novel = 0;
		if (watch_words(f->text, f->text_len, &wd, &nwd) == 0)
			novel = unseen(wd, nwd, b->vocab, b->nvocab, NULL, 0);
		free(wd);
		double fresh_words = novel * (double)nwd;
		double gap = b->floor > 0 ? (b->floor - v->similarity) / b->floor : 1.0;
		/* A redesign also replaces the site's own scripts and styles (a
		** new version of the same design keeps their paths). */
		size_t kept = 0;
		for (uint32_t i = 0; i < b->asset_paths.n; i++)
			for (uint32_t k = 0; k < f->nrefs; k++) {
				char ap[WATCH_HOST_MAX];
				if (watch_ref_asset_path(&f->refs[k], j.site, ap) &&
				    !strcmp(ap, b->asset_paths.v[i])) {
					kept++;
					break;
				}
			}
		bool rebuilt = b->asset_paths.n >= 2 ? kept * 2 < b->asset_paths.n
						     : v->similarity < b->floor / 2;
		if (fresh_words >= 5 && (novel >= 0.6 || (v->similarity < b->floor * 0.65 && rebuilt)))
			finding(&j, "text_changed", 30 + (int)(40.0 * gap + 0.5), "body", "", "text",
				"visible text similarity %.2f is below this site's floor %.2f, "
				"%.0f%% of its words new to the site",
				v->similarity, b->floor, 100.0 * novel);
		else
			observe(&j, "text_turnover", 10, "body", "", "text",
				"visible text similarity %.2f is below this site's floor %.2f, in "
				"the site's own words (%.0f%% new)",
				v->similarity, b->floor, 100.0 * novel);
	}

	if (b->title_stable && b->title[0] && strcmp(f->title, b->title) != 0 &&
	    title_similarity(f->title, b->title) < 0.5) {
		char now[100], was[100];
		clip_copy(now, sizeof(now), f->title, 90);
		clip_copy(was, sizeof(was), b->title, 90);
		finding(&j, "title_replaced", 35, "title", "", "text", "title \"%s\" replaces \"%s\"",
			now, was);
	}

	judge_refs(&j);
	judge_links(&j);
	judge_blocks(&j);

	/* What the page's new inline scripts do that the site's never did. */
	unsigned js_new = 0;
	for (uint32_t i = 0; i < f->inline_hashes.n && i < WATCH_HASH_MAX; i++)
		if (!watch_set_has(&b->inline_hashes, f->inline_hashes.v[i]))
			js_new |= f->inline_js[i];
	js_new &= ~(unsigned)b->js_flags;
	/* Class: in-browser crypto-miners (CoinHive and its successors). */
	if (js_new & WATCH_JSF_MINER)
		finding(&j, "crypto_miner", 80, "script", "", "miner",
			"an inline script starts an in-browser cryptocurrency miner");
	/* Class: packed droppers (eval of a decoded string) the site never ran. */
	if (js_new & WATCH_JSF_EVAL)
		finding(&j, "eval_script", 30, "script", "", "inline script",
			"a new inline script evaluates a built string, which the site's scripts "
			"never did");

	if (b->n >= 2 && !b->inline_volatile && !b->inline_hashes.full) {
		size_t fresh = 0;
		for (uint32_t i = 0; i < f->inline_hashes.n; i++)
			fresh += !watch_set_has(&b->inline_hashes, f->inline_hashes.v[i]);
		/* What a new inline script loads or where it sends the visitor
		** is judged with the references; the script itself is recorded. */
		if (fresh)
			observe(&j, "inline_script_added", 5, "script", "", "inline script",
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
	if (strong || weak >= 2 || (weak && v->nsig))
		finding(&j, "defacement_signature", 90, "body", "", "defacement",
			"defacement phrase \"%s\" appears%s", first,
			strong + weak > 1 ? " (with others)" : "");

	/* "and N more" on signals that folded several findings. */
	for (size_t i = 0; i < v->nsig; i++)
		if (j.more[i]) {
			size_t n = strlen(v->sig[i].detail);
			snprintf(v->sig[i].detail + n, sizeof(v->sig[i].detail) - n, " (and %u more)",
				 j.more[i]);
			utf8_fix(v->sig[i].detail);
		}

	/* Strongest first; insertion sort keeps equal weights in order found. */
	for (size_t i = 1; i < v->nsig; i++)
		for (size_t k = i; k > 0 && v->sig[k - 1].weight < v->sig[k].weight; k--) {
			struct watch_signal t = v->sig[k];
			v->sig[k] = v->sig[k - 1];
			v->sig[k - 1] = t;
		}

	double keep = 1.0;
	for (size_t i = 0; i < v->nsig; i++)
		keep *= 1.0 - v->sig[i].weight / 100.0;
	/* Non-negative, so adding a half rounds (and libm is not needed). */
	int score = (int)(100.0 * (1.0 - keep) + 0.5);
	v->score = score < 0 ? 0 : score > 100 ? 100 : score;

	static const char *const sev[] = { "none", "low", "medium", "high", "critical" };
	static const char *const on_visitors[] = { "redirect_offsite", "conditional_redirect",
						   "form_action_offsite", "new_script_host",
						   "lookalike_host",
						   "obfuscated_loader", "crypto_miner", "script_beacon",
						   "new_cdn_publication" };
	static const char *const defaced[] = { "defacement_signature", "extortion_notice" };
	int rank = v->score >= 80 ? 4 : v->score >= 60 ? 3 : v->score >= 30 ? 2 : v->score > 0 ? 1 : 0;
	for (size_t i = 0; i < ARRAY_SIZE(on_visitors); i++)
		if (has_signal(v, on_visitors[i]))
			rank = rank < 3 ? 3 : rank;
	for (size_t i = 0; i < ARRAY_SIZE(defaced); i++)
		if (has_signal(v, defaced[i]))
			rank = 4;
	for (size_t i = 0; i < v->nsig; i++)
		if (!strcmp(v->sig[i].name, "new_iframe_host") && v->sig[i].weight >= 55)
			rank = rank < 3 ? 3 : rank; /* hidden, or covering the page */
	if (has_signal(v, "title_replaced") && has_signal(v, "text_changed"))
		rank = 4;
	if (v->nsig == 0)
		rank = 0;
	v->severity = sev[rank];
}

const char *watch_signal_kind(const char *name)
{
	/* One line per signal watch_judge raises (and the older names a
	** stored verdict may still carry). */
	static const struct {
		const char *sig, *kind;
	} map[] = {
		{ "defacement_signature", "defacement" }, { "title_replaced", "defacement" },
		{ "text_changed", "defacement" },         { "extortion_notice", "defacement" },
		{ "greetings_list", "defacement" },       { "defacer_contact", "defacement" },
		{ "foreign_block", "defacement" },        { "crypto_wallet", "defacement" },
		{ "hotlinked_image", "defacement" },      { "redirect_offsite", "redirect" },
		{ "conditional_redirect", "redirect" },   { "new_script_host", "injected-code" },
		{ "new_inline_script", "injected-code" }, { "new_iframe_host", "injected-code" },
		{ "seo_spam", "injected-code" },          { "form_action_offsite", "injected-code" },
		{ "lookalike_host", "injected-code" },    { "ip_host", "injected-code" },
		{ "new_tld", "injected-code" },           { "obfuscated_loader", "injected-code" },
		{ "crypto_miner", "injected-code" },      { "eval_script", "injected-code" },
		{ "new_cdn_publication", "injected-code" }, { "service_out_of_role", "injected-code" },
		{ "new_popup_host", "injected-code" },    { "hidden_spam", "injected-code" },
		{ "hidden_text", "injected-code" },       { "spam_block", "injected-code" },
		{ "script_beacon", "injected-code" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strcmp(name, map[i].sig) == 0)
			return map[i].kind;
	return NULL;
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
