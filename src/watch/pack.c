/*
** pack.c — a learned baseline as bytes, so the monitor keeps no per-site
** state in memory: it reads the packed baseline with the site, judges the
** new page against it, and forgets it. 10,000 sites then cost nothing
** between checks.
**
** Format (version 3, little-endian): "PWB3", then the baseline's fields in
** declaration order; strings as u16 length + bytes; shingle arrays as u32
** count + u64s; sets as u32 max, u8 full, u32 count, strings. Unpacking
** checks every length against what is left and every count against the
** in-memory caps, so a damaged row is refused (the caller learns again)
** rather than trusted.
*/
#include <stdlib.h>
#include <string.h>

#include "watch/watch.h"

/* Version 2: baselines learned from text decoded from its declared charset
** (windows-1256 and others; version 1 read such pages as invalid UTF-8).
** A version-1 row fails to unpack, so the monitor learns it again from its
** samples instead of seeing every legacy-encoded site as changed.
** Version 3 (issue 12): 512 signature counts and what the judge now learns
** of a site (its TLDs, CDN publications, language, vocabulary); older rows
** are learned again the same way. */
#define PACK_MAGIC "PWB3"

struct wr {
	struct pbuf b;
	int rc;
};

static void put(struct wr *w, const void *p, size_t n)
{
	if (!w->rc && pbuf_add(&w->b, p, n) != 0)
		w->rc = -1;
}

static void put_u64(struct wr *w, uint64_t v)
{
	unsigned char x[8];
	for (int k = 0; k < 8; k++)
		x[k] = (unsigned char)(v >> (8 * k));
	put(w, x, 8);
}

static void put_u32(struct wr *w, uint32_t v)
{
	unsigned char x[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 24) };
	put(w, x, 4);
}

static void put_u16(struct wr *w, uint16_t v)
{
	unsigned char x[2] = { (unsigned char)v, (unsigned char)(v >> 8) };
	put(w, x, 2);
}

static void put_f64(struct wr *w, double d)
{
	uint64_t v;
	memcpy(&v, &d, 8);
	put_u64(w, v);
}

static void put_str(struct wr *w, const char *s)
{
	size_t n = strlen(s);
	if (n > 65535)
		n = 65535;
	put_u16(w, (uint16_t)n);
	put(w, s, n);
}

static void put_set(struct wr *w, const struct watch_set *s)
{
	put_u32(w, s->max);
	put(w, &(unsigned char){ s->full }, 1);
	put_u32(w, s->n);
	for (uint32_t i = 0; i < s->n; i++)
		put_str(w, s->v[i]);
}

int watch_baseline_pack(const struct watch_baseline *b, unsigned char **out, size_t *len,
			struct perr *err)
{
	struct wr w = { .rc = 0 };
	pbuf_init(&w.b, 64u << 20);
	put(&w, PACK_MAGIC, 4);
	put_u32(&w, b->n);
	put_str(&w, b->host);
	put_str(&w, b->title);
	put(&w, &(unsigned char){ b->title_stable }, 1);
	put_u32(&w, (uint32_t)b->nstable);
	for (size_t i = 0; i < b->nstable; i++)
		put_u64(&w, b->stable[i]);
	put_u32(&w, (uint32_t)b->nvolatile);
	for (size_t i = 0; i < b->nvolatile; i++)
		put_u64(&w, b->volatile_sh[i]);
	put_f64(&w, b->min_pairwise);
	put_f64(&w, b->floor);
	const struct watch_set *sets[6] = { &b->script_hosts, &b->iframe_hosts, &b->form_hosts,
					    &b->link_hosts, &b->inline_hashes, &b->redirect_hosts };
	for (int k = 0; k < 6; k++)
		put_set(&w, sets[k]);
	put(&w, &(unsigned char){ b->inline_volatile }, 1);
	put_f64(&w, b->outbound_share_max);
	put_u32(&w, b->outbound_links_max);
	for (int k = 0; k < WATCH_SIG_MAX; k++)
		put_u16(&w, b->sig_counts[k]);
	const struct watch_set *more[4] = { &b->tlds, &b->pubs, &b->other_hosts,
					    &b->asset_paths };
	for (int k = 0; k < 4; k++)
		put_set(&w, more[k]);
	const uint32_t lang[7] = { b->lang.latin, b->lang.arabic, b->lang.cyrillic, b->lang.other,
				   b->lang.persian, b->lang.turkish, b->lang.words };
	for (int k = 0; k < 7; k++)
		put_u32(&w, lang[k]);
	put_u32(&w, (uint32_t)b->nvocab);
	for (size_t i = 0; i < b->nvocab; i++)
		put_u64(&w, b->vocab[i]);
	put_u16(&w, b->block_flags);
	put_u16(&w, b->js_flags);
	if (w.rc) {
		pbuf_free(&w.b);
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory packing a baseline");
	}
	*len = w.b.len;
	*out = (unsigned char *)pbuf_take(&w.b);
	return 0;
}

struct rd {
	const unsigned char *p;
	size_t n;
	bool bad;
};

static const unsigned char *take(struct rd *r, size_t n)
{
	if (r->bad || n > r->n) {
		r->bad = true;
		return NULL;
	}
	const unsigned char *p = r->p;
	r->p += n;
	r->n -= n;
	return p;
}

static uint64_t get_u64(struct rd *r)
{
	const unsigned char *p = take(r, 8);
	uint64_t v = 0;
	for (int k = 7; p && k >= 0; k--)
		v = v << 8 | p[k];
	return v;
}

static uint32_t get_u32(struct rd *r)
{
	const unsigned char *p = take(r, 4);
	return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			   (uint32_t)p[3] << 24
		 : 0;
}

static uint16_t get_u16(struct rd *r)
{
	const unsigned char *p = take(r, 2);
	return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}

static unsigned char get_u8(struct rd *r)
{
	const unsigned char *p = take(r, 1);
	return p ? p[0] : 0;
}

static double get_f64(struct rd *r)
{
	uint64_t v = get_u64(r);
	double d;
	memcpy(&d, &v, 8);
	return d;
}

/* A string into dst (dstsz bytes, NUL included); too long or holding a NUL
** is damage. */
static void get_str(struct rd *r, char *dst, size_t dstsz)
{
	uint16_t n = get_u16(r);
	const unsigned char *p = take(r, n);
	if (!p || n >= dstsz || memchr(p, 0, n)) {
		r->bad = true;
		dst[0] = '\0';
		return;
	}
	memcpy(dst, p, n);
	dst[n] = '\0';
}

static uint64_t *get_shingles(struct rd *r, size_t *count)
{
	uint32_t n = get_u32(r);
	*count = 0;
	if (r->bad || n > r->n / 8) {
		r->bad = true;
		return NULL;
	}
	uint64_t *v = n ? malloc(n * sizeof(*v)) : NULL;
	if (n && !v) {
		r->bad = true;
		return NULL;
	}
	for (uint32_t i = 0; i < n; i++) {
		v[i] = get_u64(r);
		/* sorted and distinct, as watch_jaccard requires */
		if (i && v[i] <= v[i - 1])
			r->bad = true;
	}
	*count = n;
	return v;
}

static void get_set(struct rd *r, struct watch_set *s)
{
	uint32_t max = get_u32(r);
	if (max == 0 || max > 4 * WATCH_SET_MAX)
		r->bad = true;
	watch_set_init(s, r->bad ? 1 : max);
	s->full = get_u8(r) != 0;
	uint32_t n = get_u32(r);
	if (n > s->max)
		r->bad = true;
	char tmp[WATCH_HOST_MAX];
	for (uint32_t i = 0; i < n && !r->bad; i++) {
		get_str(r, tmp, sizeof(tmp));
		if (!r->bad && watch_set_add(s, tmp) < 0)
			r->bad = true;
	}
}

int watch_baseline_unpack(const void *data, size_t len, struct watch_baseline *b,
			  struct perr *err)
{
	memset(b, 0, sizeof(*b));
	struct rd r = { data, len, false };
	const unsigned char *magic = take(&r, 4);
	if (!magic || memcmp(magic, PACK_MAGIC, 4) != 0)
		return perr_set(err, PERR_INVALID, NULL, "not a packed baseline (version 3)");
	b->n = get_u32(&r);
	get_str(&r, b->host, sizeof(b->host));
	get_str(&r, b->title, sizeof(b->title));
	b->title_stable = get_u8(&r) != 0;
	b->stable = get_shingles(&r, &b->nstable);
	b->volatile_sh = get_shingles(&r, &b->nvolatile);
	b->min_pairwise = get_f64(&r);
	b->floor = get_f64(&r);
	struct watch_set *sets[6] = { &b->script_hosts, &b->iframe_hosts, &b->form_hosts,
				      &b->link_hosts, &b->inline_hashes, &b->redirect_hosts };
	for (int k = 0; k < 6; k++)
		get_set(&r, sets[k]);
	b->inline_volatile = get_u8(&r) != 0;
	b->outbound_share_max = get_f64(&r);
	b->outbound_links_max = get_u32(&r);
	for (int k = 0; k < WATCH_SIG_MAX; k++)
		b->sig_counts[k] = get_u16(&r);
	struct watch_set *more[4] = { &b->tlds, &b->pubs, &b->other_hosts, &b->asset_paths };
	for (int k = 0; k < 4; k++)
		get_set(&r, more[k]);
	uint32_t *lang[7] = { &b->lang.latin, &b->lang.arabic, &b->lang.cyrillic, &b->lang.other,
			      &b->lang.persian, &b->lang.turkish, &b->lang.words };
	for (int k = 0; k < 7; k++)
		*lang[k] = get_u32(&r);
	b->vocab = get_shingles(&r, &b->nvocab);
	if (b->nvocab > WATCH_VOCAB_MAX)
		r.bad = true;
	b->block_flags = get_u16(&r);
	b->js_flags = get_u16(&r);
	if (!(b->floor >= 0 && b->floor <= 1) || !(b->min_pairwise >= 0 && b->min_pairwise <= 1) ||
	    !(b->outbound_share_max >= 0 && b->outbound_share_max <= 1) || b->n == 0)
		r.bad = true;
	if (r.bad || r.n != 0) {
		watch_baseline_free(b);
		return perr_set(err, PERR_INVALID, NULL, "damaged packed baseline");
	}
	return 0;
}
