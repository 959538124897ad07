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
**
** The same snapshot answers the overlap rule's question (overlap.h: which
** assets of other organisations a new asset lies inside, around or on),
** through side tables built on its first such question, so the lookups pay
** nothing for them.
*/
#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "constituency/constituency.h"
#include "constituency/lpm.h"
#include "constituency/overlap.h"

#define RETIRE_MS 2000
#define RECHECK_MS 1000
#define MAX_RETIRED 128

struct entry {
	int64_t id; /* the asset's id, for naming it in an overlap */
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
	/* Side tables for overlap checks (overlap.c's questions), built on the
	** first check of this snapshot, so lookups pay nothing for them. */
	_Atomic(struct ovl_tab *) ovl;
};

static void ovl_free(struct ovl_tab *t);

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
	ovl_free(atomic_load(&s->ovl));
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
	e->id = a->id;
	e->org_id = a->org_id;
	if (pstrlcpy(e->type, a->type, sizeof(e->type)) != 0)
		goto fail; /* an unknown type the index cannot name */
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

/* Heap bytes a snapshot holds: its tables and the asset texts (not the
** overlap side tables, built later and only for checks). */
static size_t snap_memory(const struct snapshot *s)
{
	size_t m = sizeof(*s) + lpm_memory(s->lpm) + s->capent * sizeof(*s->ent) +
		   (s->ndom + s->nurl + s->nasn) * sizeof(struct keyed);
	for (size_t i = 0; i < s->nent; i++)
		m += s->ent[i].value ? strlen(s->ent[i].value) + 1 : 0;
	return m;
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
** if the asset generation moved; fresh: no staleness at all (a rule that
** decides a write must see every committed asset, e.g. one the CLI added a
** moment ago). NULL on error. */
static struct snapshot *snap_get(struct store *st, bool fresh, struct perr *err)
{
	struct snapshot *s = atomic_load_explicit(&current, memory_order_acquire);
	int64_t now = core_now_ms();
	if (!fresh && s && !atomic_load(&dirty) && now - atomic_load(&s->checked_ms) < RECHECK_MS)
		return s;
	int64_t gen;
	if (store_asset_generation(st, &gen, err) != 0)
		return fresh ? NULL : s; /* a lookup gets the old snapshot rather than fail */
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
		/* debug: every CLI command that looks an owner up builds one */
		plog(PLOG_DEBUG, "constituency: owner index rebuilt: generation %lld, %zu assets, %zu bytes",
		     (long long)gen, n->nent, snap_memory(n));
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
	/* shown to the caller; the value came from a store field no longer
	** than matched */
	pstrtrunc(r->matched, e->value, sizeof(r->matched));
	PSTRCPY(r->type, e->type);
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
	struct snapshot *s = snap_get(st, false, err);
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

/* The current snapshot, pinned; fresh: check the store's asset generation
** now rather than within the cache's second (overlap checks must see every
** committed asset). */
static const struct constituency_view *view_acquire(struct store *st, bool fresh,
						    struct perr *err)
{
	/* Pin under the rebuild lock, so a rebuild cannot retire and free the
	** snapshot between our load of it and the pin. */
	struct snapshot *s = snap_get(st, fresh, err);
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

const struct constituency_view *constituency_view_acquire(struct store *st, struct perr *err)
{
	return view_acquire(st, false, err);
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

/* -------------------------------------------------------------- overlaps */

/* A canonical "addr/len" into family (4, 6), 16 bytes and length; -1 if
** it is not one. */
static int cidr_parse(const char *v, int *fam, uint8_t b[16], unsigned *len)
{
	char addr[64];
	struct pstr ap, lp;
	int64_t n;
	memset(b, 0, 16);
	if (!pstr_cut(pstr_c(v), '/', &ap, &lp) || pstr_copy(ap, addr, sizeof(addr)) != 0 ||
	    pstr_to_i64(lp, 0, 128, &n) != 0)
		return -1;
	*fam = inet_pton(AF_INET, addr, b) == 1 ? 4 : inet_pton(AF_INET6, addr, b) == 1 ? 6 : 0;
	if (!*fam || (*fam == 4 && n > 32))
		return -1;
	*len = (unsigned)n;
	return 0;
}

/* Do the first len bits of a and b agree? */
static bool bits_equal(const uint8_t *a, const uint8_t *b, unsigned len)
{
	unsigned full = len / 8, rest = len % 8;
	if (memcmp(a, b, full) != 0)
		return false;
	if (!rest)
		return true;
	uint8_t m = (uint8_t)(0xff << (8 - rest));
	return (a[full] & m) == (b[full] & m);
}

/* The host of a canonical URL (brackets of an IPv6 host dropped). */
static void url_host(const char *canon, char *host, size_t n)
{
	const char *h = strstr(canon, "://");
	h = h ? h + 3 : canon;
	size_t k = 0;
	if (*h == '[') {
		h++;
		while (h[k] && h[k] != ']' && k < n - 1)
			k++;
	} else {
		while (h[k] && h[k] != ':' && h[k] != '/' && k < n - 1)
			k++;
	}
	memcpy(host, h, k);
	host[k] = '\0';
}

/* Is domain x the domain y or a name under it (at a label boundary)? */
static bool dom_under(const char *x, const char *y)
{
	size_t nx = strlen(x), ny = strlen(y);
	return nx >= ny && strcmp(x + nx - ny, y) == 0 && (nx == ny || x[nx - ny - 1] == '.');
}

/* Is URL asset k a prefix of URL q the way lookup_url matches one? */
static bool url_prefix(const char *k, const char *q)
{
	size_t n = strlen(k);
	return n && strncmp(q, k, n) == 0 &&
	       (k[n - 1] == '/' || q[n] == '\0' || q[n] == '/' || q[n] == '?');
}

/* The URL's host inside network (fam, net, len)? */
static bool url_in_cidr(const char *url, int fam, const uint8_t *net, unsigned len)
{
	char host[300];
	uint8_t b[16];
	url_host(url, host, sizeof(host));
	int hf = inet_pton(AF_INET, host, b) == 1 ? 4 : inet_pton(AF_INET6, host, b) == 1 ? 6 : 0;
	return hf && hf == fam && bits_equal(net, b, len);
}

bool constituency_assets_overlap(const char *ta, const char *a, const char *tb, const char *b)
{
	/* order the pair so that the mixed cases below need one spelling */
	static const char *const order[] = { "asn", "cidr", "domain", "url" };
	int ra = -1, rb = -1;
	for (int k = 0; k < 4; k++) {
		if (strcmp(ta, order[k]) == 0)
			ra = k;
		if (strcmp(tb, order[k]) == 0)
			rb = k;
	}
	if (ra < 0 || rb < 0)
		return false; /* product tags are shared facts, not owned */
	if (ra > rb) {
		const char *t = a;
		a = b;
		b = t;
		int r = ra;
		ra = rb;
		rb = r;
	}
	int fa, fb;
	uint8_t na[16], nb[16];
	unsigned la, lb;
	char host[300];
	switch (ra * 4 + rb) {
	case 0 * 4 + 0: /* asn, asn */
		return strcmp(a, b) == 0;
	case 1 * 4 + 1: /* cidr, cidr: one holds the other */
		if (cidr_parse(a, &fa, na, &la) != 0 || cidr_parse(b, &fb, nb, &lb) != 0)
			return false;
		return fa == fb && bits_equal(na, nb, la < lb ? la : lb);
	case 1 * 4 + 3: /* cidr, url: the URL's host is an address in it */
		if (cidr_parse(a, &fa, na, &la) != 0)
			return false;
		return url_in_cidr(b, fa, na, la);
	case 2 * 4 + 2: /* domain, domain: equal, under or above */
		return dom_under(a, b) || dom_under(b, a);
	case 2 * 4 + 3: /* domain, url: the URL's host is the domain or under it */
		url_host(b, host, sizeof(host));
		return dom_under(host, a);
	case 3 * 4 + 3: /* url, url: one is a prefix of the other */
		return url_prefix(a, b) || url_prefix(b, a);
	default:
		return false;
	}
}

/* A network of the snapshot, in the order (family, address, length). */
struct ovl_net {
	uint8_t fam, len;
	uint8_t addr[16];
	uint32_t ent;
};

/* A domain spelled backwards ("example.fars"), so that the names under a
** domain sort together after it. */
struct ovl_rdom {
	char *rkey;
	uint32_t ent;
};

struct ovl_tab {
	struct ovl_net *net;
	size_t nnet;
	struct ovl_rdom *rdom;
	size_t nrdom;
};

static pthread_mutex_t ovl_lock = PTHREAD_MUTEX_INITIALIZER;

static void ovl_free(struct ovl_tab *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrdom; i++)
		free(t->rdom[i].rkey);
	free(t->rdom);
	free(t->net);
	free(t);
}

static int cmp_net(const void *x, const void *y)
{
	const struct ovl_net *a = x, *b = y;
	if (a->fam != b->fam)
		return a->fam < b->fam ? -1 : 1;
	int c = memcmp(a->addr, b->addr, 16);
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static int cmp_rdom(const void *x, const void *y)
{
	return strcmp(((const struct ovl_rdom *)x)->rkey, ((const struct ovl_rdom *)y)->rkey);
}

static void reverse_into(const char *s, char *out)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		out[i] = s[n - 1 - i];
	out[n] = '\0';
}

/* The tables over snapshot s: its networks, and the hosts of its URLs as
** networks of one address (family, 32 or 128) when they are addresses; its
** domains, and the hosts of its URLs when they are names, spelled
** backwards. So "what lies inside this network or under this domain" finds
** URLs too, by bisection, never by a scan of every URL. */
static struct ovl_tab *ovl_build(const struct snapshot *s)
{
	struct ovl_tab *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->net = calloc(s->nent ? s->nent : 1, sizeof(*t->net));
	t->rdom = calloc(s->nent ? s->nent : 1, sizeof(*t->rdom));
	if (!t->net || !t->rdom)
		goto fail;
	for (size_t i = 0; i < s->nent; i++) {
		const struct entry *e = &s->ent[i];
		struct ovl_net *n = &t->net[t->nnet];
		char host[300];
		const char *name = NULL;
		int fam = 0;
		unsigned len;
		if (strcmp(e->type, "cidr") == 0) {
			if (cidr_parse(e->value, &fam, n->addr, &len) != 0)
				continue;
		} else if (strcmp(e->type, "url") == 0) {
			url_host(e->value, host, sizeof(host));
			if (inet_pton(AF_INET, host, n->addr) == 1)
				fam = 4, len = 32;
			else if (inet_pton(AF_INET6, host, n->addr) == 1)
				fam = 6, len = 128;
			else
				name = host;
		} else if (strcmp(e->type, "domain") == 0) {
			name = e->value;
		}
		if (fam) {
			n->fam = (uint8_t)fam;
			n->len = (uint8_t)len;
			n->ent = (uint32_t)i;
			t->nnet++;
		} else if (name) {
			char *r = malloc(strlen(name) + 1);
			if (!r)
				goto fail;
			reverse_into(name, r);
			t->rdom[t->nrdom++] = (struct ovl_rdom){ r, (uint32_t)i };
		}
	}
	if (t->nnet)
		qsort(t->net, t->nnet, sizeof(*t->net), cmp_net);
	if (t->nrdom)
		qsort(t->rdom, t->nrdom, sizeof(*t->rdom), cmp_rdom);
	return t;
fail:
	ovl_free(t);
	return NULL;
}

static struct ovl_tab *ovl_get(struct snapshot *s)
{
	struct ovl_tab *t = atomic_load(&s->ovl);
	if (t)
		return t;
	pthread_mutex_lock(&ovl_lock);
	t = atomic_load(&s->ovl);
	if (!t) {
		t = ovl_build(s);
		atomic_store(&s->ovl, t);
	}
	pthread_mutex_unlock(&ovl_lock);
	return t;
}

const struct constituency_view *overlap_view_acquire(struct store *st, struct perr *err)
{
	return view_acquire(st, true, err);
}

struct constituency_view *overlap_view_build(struct store *st, struct perr *err)
{
	return (struct constituency_view *)snap_build(st, 0, err);
}

void overlap_view_free(struct constituency_view *v)
{
	snap_free((struct snapshot *)v);
}

struct ovl_walk {
	const struct snapshot *s;
	int64_t org_id;
	const char *type, *canon;
	overlap_fn fn;
	void *ud;
	uint32_t last; /* the entry visited last + 1, to skip an immediate repeat */
};

/* Visit entry ent if it is another organisation's and truly overlaps. */
static int visit(struct ovl_walk *w, uint32_t ent)
{
	const struct entry *e = &w->s->ent[ent];
	if (e->org_id == w->org_id || w->last == ent + 1 ||
	    !constituency_assets_overlap(w->type, w->canon, e->type, e->value))
		return 0;
	w->last = ent + 1;
	return w->fn(w->ud, e->id, e->org_id, e->type, e->value);
}

/* Networks of the table holding (fam, addr/len) or equal to it: one
** bisection per shorter length. */
static int nets_holding(struct ovl_walk *w, const struct ovl_tab *t, int fam,
			const uint8_t *addr, unsigned len)
{
	for (unsigned k = 0; k <= len; k++) {
		struct ovl_net key = { (uint8_t)fam, (uint8_t)k, { 0 }, 0 };
		for (unsigned i = 0; i < 16; i++) {
			int bits = (int)k - (int)i * 8;
			key.addr[i] = addr[i] &
				      (bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits)));
		}
		const struct ovl_net *n =
			t->nnet ? bsearch(&key, t->net, t->nnet, sizeof(key), cmp_net) : NULL;
		int rc = n ? visit(w, n->ent) : 0;
		if (rc)
			return rc;
	}
	return 0;
}

/* First index of the sorted URL keys at or after key. */
static size_t url_lower(const struct snapshot *s, const char *key)
{
	size_t lo = 0, hi = s->nurl;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(s->url[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* URL assets that are a prefix of URL u, or that u is a prefix of. */
static int urls_related(struct ovl_walk *w, const char *u)
{
	const struct snapshot *s = w->s;
	int rc = 0;
	/* those starting with u sort together from u on */
	size_t n = strlen(u);
	for (size_t i = url_lower(s, u); i < s->nurl && !rc; i++) {
		if (strncmp(s->url[i].key, u, n) != 0)
			break;
		rc = visit(w, s->url[i].ent);
	}
	/* those u starts with end where lookup_url would accept them: before a
	** '/', '?' or the end of u, or just after a '/' (u itself was seen) */
	char pre[512];
	for (size_t k = 1; k < n && k < sizeof(pre) && !rc; k++) {
		if (u[k] != '/' && u[k] != '?' && u[k - 1] != '/')
			continue;
		memcpy(pre, u, k);
		pre[k] = '\0';
		const struct keyed *key = find_key(s->url, s->nurl, pre);
		if (key)
			rc = visit(w, key->ent);
	}
	return rc;
}

int overlap_each(const struct constituency_view *v, int64_t org_id, const char *type,
		 const char *canon, overlap_fn fn, void *ud)
{
	struct snapshot *s = (struct snapshot *)v;
	struct ovl_walk w = { s, org_id, type, canon, fn, ud, 0 };
	struct ovl_tab *t = ovl_get(s);
	int rc = 0;
	if (!t)
		return -1;
	if (strcmp(type, "asn") == 0) {
		int64_t n;
		if (parse_i64(canon + 2, 1, 4294967295LL, &n) != 0)
			return 0;
		size_t lo = 0, hi = s->nasn;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (s->asn[mid].asn < (uint32_t)n)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i < s->nasn && s->asn[i].asn == (uint32_t)n && !rc; i++)
			rc = visit(&w, s->asn[i].ent);
		return rc;
	}
	char host[300];
	const char *dom = NULL;
	int fam = 0;
	uint8_t addr[16];
	unsigned len = 0;
	if (strcmp(type, "cidr") == 0) {
		if (cidr_parse(canon, &fam, addr, &len) != 0)
			return 0;
	} else if (strcmp(type, "domain") == 0) {
		dom = canon;
	} else if (strcmp(type, "url") == 0) {
		if ((rc = urls_related(&w, canon)) != 0)
			return rc;
		url_host(canon, host, sizeof(host));
		memset(addr, 0, sizeof(addr));
		if (inet_pton(AF_INET, host, addr) == 1)
			fam = 4, len = 32;
		else if (inet_pton(AF_INET6, host, addr) == 1)
			fam = 6, len = 128;
		else
			dom = host;
	} else {
		return 0;
	}
	if (fam) {
		/* networks holding this one, then those inside it (and URLs on
		** addresses inside it): they sort right after its start */
		rc = nets_holding(&w, t, fam, addr, len);
		if (rc || strcmp(type, "cidr") != 0)
			return rc;
		struct ovl_net key = { (uint8_t)fam, (uint8_t)len, { 0 }, 0 };
		memcpy(key.addr, addr, 16);
		size_t lo = 0, hi = t->nnet;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (cmp_net(&t->net[mid], &key) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i < t->nnet && !rc; i++) {
			if (t->net[i].fam != fam || !bits_equal(addr, t->net[i].addr, len))
				break;
			rc = visit(&w, t->net[i].ent);
		}
		return rc;
	}
	/* the domain itself and every parent */
	for (const char *p = dom; p && !rc; p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL) {
		const struct keyed *k = find_key(s->dom, s->ndom, p);
		if (k)
			rc = visit(&w, k->ent);
	}
	if (rc || strcmp(type, "domain") != 0)
		return rc;
	/* every name under it, and URLs on it or under it: backwards, they
	** start with the domain backwards (then '.' for those under it) */
	char rkey[300];
	size_t n = strlen(dom);
	if (n + 1 > sizeof(rkey))
		return 0;
	reverse_into(dom, rkey);
	struct ovl_rdom key = { rkey, 0 };
	size_t lo = 0, hi = t->nrdom;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_rdom(&t->rdom[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < t->nrdom && !rc; i++) {
		const char *r = t->rdom[i].rkey;
		if (strncmp(r, rkey, n) != 0)
			break;
		if (r[n] != '\0' && r[n] != '.')
			continue; /* "example.sraf" vs "example.srafton": not under it */
		/* the domain itself was seen above; a URL on it was not */
		if (r[n] == '\0' && strcmp(s->ent[t->rdom[i].ent].type, "url") != 0)
			continue;
		rc = visit(&w, t->rdom[i].ent);
	}
	return rc;
}
