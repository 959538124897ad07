/*
** index.c — the owner index: "who owns this IP, ASN, domain or URL?".
**
** A snapshot holds every owned asset: networks in an LPM table (lpm.c), and
** domains, ASNs and URLs in sorted arrays searched by bisection. Snapshots are
** immutable and published through one atomic pointer, so lookups take no
** lock. A rebuild (under a mutex, one at a time) reads all assets from the
** store, builds a new snapshot and swaps it in. The old snapshot is retired,
** not freed: it is freed by a later rebuild once it has been retired for
** RETIRE_MS (2 s), thousands of times longer than a lookup takes, which is what makes
** lock-free reading safe without reference counts on the hot path.
*/
#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "constituency/constituency.h"
#include "constituency/lpm.h"

#define RETIRE_MS 2000
#define RECHECK_MS 1000
#define MAX_RETIRED 128

struct entry {
	int64_t org_id;
	char type[8];
	char *value;
};

struct keyed {
	const char *key; /* domain or URL, canonical */
	uint32_t asn;
	uint32_t ent;
};

struct snapshot {
	int64_t gen;
	_Atomic int64_t checked_ms;
	struct lpm *lpm;
	struct entry *ent;
	size_t nent, capent;
	struct keyed *dom, *url, *asn;
	size_t ndom, nurl, nasn;
	int64_t retired_ms;
	_Atomic int pins; /* bulk views holding it (constituency_view_acquire) */
};

static _Atomic(struct snapshot *) current;
static _Atomic bool dirty = true;
static pthread_mutex_t rebuild_lock = PTHREAD_MUTEX_INITIALIZER;
static struct snapshot *retired[MAX_RETIRED];
static size_t nretired;

static void snap_free(struct snapshot *s)
{
	if (!s)
		return;
	lpm_free(s->lpm);
	for (size_t i = 0; i < s->nent; i++)
		free(s->ent[i].value);
	free(s->ent);
	free(s->dom);
	free(s->url);
	free(s->asn);
	free(s);
}

struct build {
	struct snapshot *s;
	struct lpm_builder *b;
	size_t capdom, capurl, capasn;
	int failed;
};

static int push_keyed(struct keyed **arr, size_t *n, size_t *cap, struct keyed k)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct keyed *p = realloc(*arr, nc * sizeof(*p));
		if (!p)
			return -1;
		*arr = p;
		*cap = nc;
	}
	(*arr)[(*n)++] = k;
	return 0;
}

static int add_asset(void *ud, const struct store_asset *a)
{
	struct build *bd = ud;
	struct snapshot *s = bd->s;
	if (strcmp(a->type, "product") == 0)
		return 0;
	if (s->nent == s->capent) {
		size_t nc = s->capent ? s->capent * 2 : 256;
		struct entry *p = realloc(s->ent, nc * sizeof(*p));
		if (!p)
			goto fail;
		s->ent = p;
		s->capent = nc;
	}
	struct entry *e = &s->ent[s->nent];
	e->org_id = a->org_id;
	pstrlcpy(e->type, a->type, sizeof(e->type));
	e->value = pstr_dup(pstr_c(a->value));
	if (!e->value)
		goto fail;
	uint32_t idx = (uint32_t)s->nent++;
	struct keyed k = { e->value, 0, idx };
	if (strcmp(a->type, "cidr") == 0) {
		char addr[64];
		struct pstr ap, lp;
		int64_t len;
		uint8_t bytes[16];
		pstr_cut(pstr_c(a->value), '/', &ap, &lp);
		if (pstr_copy(ap, addr, sizeof(addr)) != 0 ||
		    pstr_to_i64(lp, 0, 128, &len) != 0)
			return 0; /* stored values are canonical; skip anything else */
		int fam = inet_pton(AF_INET, addr, bytes) == 1 ? 4
			  : inet_pton(AF_INET6, addr, bytes) == 1 ? 6 : 0;
		if (!fam)
			return 0;
		/* the value carries the owner as well as the entry, so a bulk
		** lookup (constituency_view_ip) needs no second dependent load */
		uint64_t org = a->org_id > 0 && a->org_id <= UINT32_MAX ? (uint64_t)a->org_id : 0;
		if (lpm_builder_add(bd->b, fam, bytes, (unsigned)len, org << 32 | ((uint64_t)idx + 1)) !=
		    0)
			goto fail;
	} else if (strcmp(a->type, "domain") == 0) {
		if (push_keyed(&s->dom, &s->ndom, &bd->capdom, k) != 0)
			goto fail;
	} else if (strcmp(a->type, "url") == 0) {
		if (push_keyed(&s->url, &s->nurl, &bd->capurl, k) != 0)
			goto fail;
	} else if (strcmp(a->type, "asn") == 0) {
		int64_t n;
		if (parse_i64(a->value + 2, 1, 4294967295LL, &n) != 0)
			return 0;
		k.asn = (uint32_t)n;
		if (push_keyed(&s->asn, &s->nasn, &bd->capasn, k) != 0)
			goto fail;
	}
	return 0;
fail:
	bd->failed = 1;
	return 1;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key);
}

static int cmp_asn(const void *a, const void *b)
{
	uint32_t x = ((const struct keyed *)a)->asn, y = ((const struct keyed *)b)->asn;
	return x < y ? -1 : x > y;
}

/* Build a snapshot of generation gen from the store. NULL on error. */
static struct snapshot *snap_build(struct store *st, int64_t gen, struct perr *err)
{
	struct build bd = { calloc(1, sizeof(struct snapshot)), lpm_builder_new(), 0, 0, 0, 0 };
	struct snapshot *out = NULL;
	if (!bd.s || !bd.b) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory building owner index");
		goto out;
	}
	bd.s->gen = gen;
	if (store_asset_list(st, 0, add_asset, &bd, err) != 0 && !bd.failed)
		goto out;
	if (bd.failed) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory building owner index");
		goto out;
	}
	bd.s->lpm = lpm_build(bd.b);
	bd.b = NULL;
	if (!bd.s->lpm) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory building owner index");
		goto out;
	}
	if (bd.s->ndom)
		qsort(bd.s->dom, bd.s->ndom, sizeof(struct keyed), cmp_key);
	if (bd.s->nurl)
		qsort(bd.s->url, bd.s->nurl, sizeof(struct keyed), cmp_key);
	if (bd.s->nasn)
		qsort(bd.s->asn, bd.s->nasn, sizeof(struct keyed), cmp_asn);
	atomic_store(&bd.s->checked_ms, core_now_ms());
	out = bd.s;
	bd.s = NULL;
out:
	lpm_builder_free(bd.b);
	snap_free(bd.s);
	return out;
}

/* Return a snapshot no staler than RECHECK_MS against the store, rebuilding
** if the asset generation moved. NULL on error. */
static struct snapshot *snap_get(struct store *st, struct perr *err)
{
	struct snapshot *s = atomic_load_explicit(&current, memory_order_acquire);
	int64_t now = core_now_ms();
	if (s && !atomic_load(&dirty) && now - atomic_load(&s->checked_ms) < RECHECK_MS)
		return s;
	int64_t gen;
	if (store_asset_generation(st, &gen, err) != 0)
		return s; /* serve the old snapshot rather than fail the lookup */
	if (s && s->gen == gen && !atomic_load(&dirty)) {
		atomic_store(&s->checked_ms, now);
		return s;
	}
	pthread_mutex_lock(&rebuild_lock);
	s = atomic_load(&current);
	if (!s || s->gen != gen || atomic_load(&dirty)) {
		atomic_store(&dirty, false);
		struct snapshot *n = snap_build(st, gen, err);
		if (!n) {
			atomic_store(&dirty, true);
			pthread_mutex_unlock(&rebuild_lock);
			return s;
		}
		atomic_store_explicit(&current, n, memory_order_release);
		/* free snapshots retired long enough ago; retire the old one */
		size_t k = 0;
		for (size_t i = 0; i < nretired; i++) {
			if (now - retired[i]->retired_ms > RETIRE_MS &&
			    atomic_load(&retired[i]->pins) == 0)
				snap_free(retired[i]);
			else
				retired[k++] = retired[i];
		}
		nretired = k;
		if (s) {
			/* Under relentless churn the list can fill: then wait out the
			** oldest one's grace period rather than free it early or leak. */
			while (nretired == MAX_RETIRED) {
				int64_t age = core_now_ms() - retired[0]->retired_ms;
				if (age <= RETIRE_MS || atomic_load(&retired[0]->pins) > 0) {
					if (age > RETIRE_MS)
						age = RETIRE_MS - 100; /* pinned: wait for its release */
					int64_t ms = RETIRE_MS - age + 1;
					struct timespec ts = { (time_t)(ms / 1000),
							       (long)(ms % 1000) * 1000000L };
					nanosleep(&ts, NULL);
					continue;
				}
				snap_free(retired[0]);
				memmove(retired, retired + 1, --nretired * sizeof(retired[0]));
			}
			s->retired_ms = now;
			retired[nretired++] = s;
		}
		plog(PLOG_INFO, "constituency: owner index rebuilt: generation %lld, %zu assets, %zu bytes",
		     (long long)gen, n->nent, lpm_memory(n->lpm));
		s = n;
	}
	pthread_mutex_unlock(&rebuild_lock);
	return s;
}

void constituency_changed(void)
{
	atomic_store(&dirty, true);
}

void constituency_index_shutdown(void)
{
	pthread_mutex_lock(&rebuild_lock);
	snap_free(atomic_exchange(&current, NULL));
	for (size_t i = 0; i < nretired; i++)
		snap_free(retired[i]);
	nretired = 0;
	atomic_store(&dirty, true);
	pthread_mutex_unlock(&rebuild_lock);
}

static const struct keyed *find_key(const struct keyed *arr, size_t n, const char *key)
{
	struct keyed k = { key, 0, 0 };
	return n ? bsearch(&k, arr, n, sizeof(k), cmp_key) : NULL;
}

static int found(const struct snapshot *s, uint32_t ent, struct lookup_result *r)
{
	const struct entry *e = &s->ent[ent];
	r->org_id = e->org_id;
	pstrlcpy(r->matched, e->value, sizeof(r->matched));
	pstrlcpy(r->type, e->type, sizeof(r->type));
	return 1;
}

static int lookup_ip(const struct snapshot *s, const char *q, struct lookup_result *r,
		     struct perr *err)
{
	uint8_t b[16];
	uint64_t v;
	if (inet_pton(AF_INET, q, b) == 1) {
		uint32_t h = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
			     (uint32_t)b[2] << 8 | b[3];
		v = lpm_lookup4(s->lpm, h, NULL);
	} else if (inet_pton(AF_INET6, q, b) == 1) {
		v = lpm_lookup6(s->lpm, b, NULL);
	} else {
		return perr_set(err, PERR_INVALID, "ip", "not an IPv4 or IPv6 address");
	}
	return v ? found(s, (uint32_t)((v & UINT32_MAX) - 1), r) : 0;
}

static int lookup_domain(const struct snapshot *s, const char *canon,
			 struct lookup_result *r)
{
	/* longest suffix first: the name itself, then each parent */
	for (const char *p = canon; p; p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL) {
		const struct keyed *k = find_key(s->dom, s->ndom, p);
		if (k)
			return found(s, k->ent, r);
	}
	return 0;
}

static int lookup_url(const struct snapshot *s, const char *canon, struct lookup_result *r,
		      struct perr *err)
{
	/* The longest URL asset that is a prefix of the query at a path
	** boundary; URL assets are few, so a scan is enough. */
	size_t best = 0;
	const struct keyed *bk = NULL;
	for (size_t i = 0; i < s->nurl; i++) {
		size_t n = strlen(s->url[i].key);
		if (n > best && strncmp(canon, s->url[i].key, n) == 0 &&
		    (s->url[i].key[n - 1] == '/' || canon[n] == '\0' || canon[n] == '/' ||
		     canon[n] == '?')) {
			best = n;
			bk = &s->url[i];
		}
	}
	if (bk)
		return found(s, bk->ent, r);
	/* fall back to the host: scheme://host[:port]/... */
	const char *h = strstr(canon, "://") + 3;
	char host[300];
	size_t n = 0;
	if (*h == '[') {
		h++;
		while (h[n] && h[n] != ']' && n < sizeof(host) - 1)
			n++;
	} else {
		while (h[n] && h[n] != ':' && h[n] != '/' && n < sizeof(host) - 1)
			n++;
	}
	memcpy(host, h, n);
	host[n] = '\0';
	uint8_t b[16];
	if (inet_pton(AF_INET, host, b) == 1 || inet_pton(AF_INET6, host, b) == 1)
		return lookup_ip(s, host, r, err);
	return lookup_domain(s, host, r);
}

int constituency_lookup(struct store *st, enum lookup_kind kind, const char *query,
			struct lookup_result *r, struct perr *err)
{
	memset(r, 0, sizeof(*r));
	char canon[512];
	/* validate before touching the index, so bad input costs nothing */
	static const char *const types[] = { NULL, "domain", "asn", "url" };
	static const char *const fields[] = { "ip", "domain", "asn", "url" };
	if (kind != LOOKUP_IP) {
		struct perr e;
		perr_clear(&e);
		if (constituency_asset_canon(types[kind], query, canon, sizeof(canon), &e) != 0)
			return perr_set(err, PERR_INVALID, fields[kind], "%s", e.msg);
	}
	struct snapshot *s = snap_get(st, err);
	if (!s)
		return -1;
	switch (kind) {
	case LOOKUP_IP:
		return lookup_ip(s, query, r, err);
	case LOOKUP_DOMAIN:
		return lookup_domain(s, canon, r);
	case LOOKUP_ASN: {
		int64_t n;
		(void)parse_i64(canon + 2, 1, 4294967295LL, &n);
		size_t lo = 0, hi = s->nasn;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (s->asn[mid].asn < (uint32_t)n)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < s->nasn && s->asn[lo].asn == (uint32_t)n)
			return found(s, s->asn[lo].ent, r);
		return 0;
	}
	case LOOKUP_URL:
		return lookup_url(s, canon, r, err);
	}
	return 0;
}

/* ------------------------------------------------------------ bulk views */

const struct constituency_view *constituency_view_acquire(struct store *st, struct perr *err)
{
	/* Pin under the rebuild lock, so a rebuild cannot retire and free the
	** snapshot between our load of it and the pin. */
	struct snapshot *s = snap_get(st, err);
	if (!s)
		return NULL;
	pthread_mutex_lock(&rebuild_lock);
	s = atomic_load(&current);
	if (s)
		atomic_fetch_add(&s->pins, 1);
	pthread_mutex_unlock(&rebuild_lock);
	if (!s)
		perr_set(err, PERR_INTERNAL, NULL, "the owner index is not available");
	return (const struct constituency_view *)s;
}

void constituency_view_release(const struct constituency_view *v)
{
	if (v)
		atomic_fetch_sub(&((struct snapshot *)v)->pins, 1);
}

static uint64_t view_ent(const struct snapshot *s, uint64_t v)
{
	if (v >> 32)
		return v >> 32;
	return v ? (uint64_t)s->ent[(v & UINT32_MAX) - 1].org_id : 0;
}

int64_t constituency_view_ip(const struct constituency_view *v, int family, const uint8_t *addr)
{
	const struct snapshot *s = (const struct snapshot *)v;
	if (family == 4) {
		uint32_t h = (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 |
			     (uint32_t)addr[2] << 8 | addr[3];
		return (int64_t)view_ent(s, lpm_lookup4(s->lpm, h, NULL));
	}
	if (family == 6)
		return (int64_t)view_ent(s, lpm_lookup6(s->lpm, addr, NULL));
	return 0;
}

void constituency_view_prefetch(const struct constituency_view *v, int family,
				const uint8_t *addr)
{
	const struct snapshot *s = (const struct snapshot *)v;
	if (family == 4)
		lpm_prefetch4(s->lpm, (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 |
					      (uint32_t)addr[2] << 8 | addr[3]);
}

int64_t constituency_view_asn(const struct constituency_view *v, uint32_t asn)
{
	const struct snapshot *s = (const struct snapshot *)v;
	size_t lo = 0, hi = s->nasn;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->asn[mid].asn < asn)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (asn && lo < s->nasn && s->asn[lo].asn == asn)
		return s->ent[s->asn[lo].ent].org_id;
	return 0;
}

int64_t constituency_view_domain(const struct constituency_view *v, const char *canon)
{
	struct lookup_result r;
	return lookup_domain((const struct snapshot *)v, canon, &r) == 1 ? r.org_id : 0;
}

int64_t constituency_view_url(const struct constituency_view *v, const char *url)
{
	char canon[512];
	struct perr e;
	struct lookup_result r;
	if (constituency_asset_canon("url", url, canon, sizeof(canon), &e) != 0)
		return 0;
	return lookup_url((const struct snapshot *)v, canon, &r, &e) == 1 ? r.org_id : 0;
}
