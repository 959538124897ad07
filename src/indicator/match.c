/*
** match.c — the registry in memory: which listed indicators a value the
** rest of Parapet meets (a feed event's address, a host a watched page
** loads from, a token of an incident note) stands for.
**
** Why in memory: a report feed brings millions of events a day, and each
** event's address must be checked against every address and network of
** the registry (issue 15: "a feed event whose source IP is a listed
** indicator" is a sighting). A query per event would cost the import its
** speed; one frozen structure answers in a memory access or two, from any
** number of threads, with no allocation per match.
**
** Structures, built once from the active rows (store_indicator_active_each:
** expired indicators included, because a sighting of an expired indicator
** is exactly what tells an analyst to extend it) and read-only after:
**   - addresses: ONE longest-prefix table (constituency's lpm in its range
**     layout, as the warninglists use it) over the distinct networks of
**     the cidr indicators, and one hash of the single addresses (ipv4,
**     ipv6, and /32 or /128 networks): most of a registry is single
**     addresses, and in a DIR-24-8 table each would cost a 256-entry
**     group (a million listed hosts: gigabytes), in a hash 8 bytes. Every
**     distinct prefix keeps its ids and its nearest covering network, so a
**     match walks up from the most specific (the address itself, else the
**     longest network) through each covering one (an analyst who listed a
**     host and its /24 wants both counted);
**   - every other value: one open-addressing hash of (type, canonical
**     value) -> id. A domain indicator also covers its subdomains (a
**     phishing kit is served from random labels under the listed name), so
**     a host is looked up suffix by suffix: a host of k labels costs at most
**     k probes.
** The matcher remembers the registry version it was built from
** (store_indicator_version) so a long-lived holder rebuilds it only when an
** indicator changed (indicator_match_refresh).
**
** The store-backed lookup at the end (indicator_lookup) answers the same
** question for a single value without building anything, for the rare
** callers (an incident note, a site's new host) for whom building the whole
** registry would cost more than the answer.
*/
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "constituency/lpm.h"
#include "indicator/hashset.h"
#include "indicator/indicator.h"
#include "store/store.h"

struct im_prefix {
	uint8_t fam, len;
	uint8_t addr[16];
	uint32_t parent;  /* index + 1 of the nearest covering prefix, 0 = none */
	uint32_t ids_off; /* into ids */
	uint32_t ids_n;
};

struct im_entry {
	uint64_t hash;
	uint64_t off;  /* into the arena */
	int64_t id;
	uint32_t len;
	uint8_t type;
};

/* Single addresses: open addressing, the prefix index + 1 (0 = empty). */
struct im_host4 {
	uint32_t addr;
	uint32_t pfx;
};
struct im_host6 {
	uint8_t addr[16];
	uint32_t pfx;
};

struct indicator_match {
	struct lpm *lpm; /* networks only */
	struct im_host4 *h4;
	size_t mask4;
	/* one bit per IPv4 /24 holding a listed single address: most event
	** addresses are in none, and this 2 MiB map answers them without
	** touching the hash (which is 16 times larger and read at random) */
	uint64_t *h4_24;
	struct im_host6 *h6;
	size_t mask6;
	struct im_prefix *pfx;
	size_t npfx;
	int64_t *ids; /* per prefix, ids_off.. */
	size_t nids;
	struct im_entry *ent;
	size_t nent;
	uint32_t *slot; /* entry index + 1; 0 = empty */
	size_t mask;
	char *arena;
	size_t alen;
	int64_t version_ms, version_rows;
	size_t counts[INDICATOR_TYPE_COUNT];
};

static size_t im_slot4(uint32_t a, size_t mask)
{
	return (size_t)((a * UINT64_C(0x9e3779b97f4a7c15)) >> 20) & mask;
}

static size_t im_slot6(const uint8_t a[16], size_t mask)
{
	uint64_t hi, lo;
	memcpy(&hi, a, 8);
	memcpy(&lo, a + 8, 8);
	uint64_t h = (hi ^ (lo * UINT64_C(0xc2b2ae3d27d4eb4f))) * UINT64_C(0x9e3779b97f4a7c15);
	return (size_t)(h >> 20) & mask;
}

static uint32_t im_be32(const uint8_t *a)
{
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}

/* ------------------------------------------------------------- building */

struct im_item {
	uint8_t fam, len;
	uint8_t addr[16];
	int64_t id;
};

struct im_build {
	struct indicator_match *m;
	struct im_item *it;
	size_t nit, capit;
	size_t capent, capa;
	int oom;
};

static int im_row(void *ud, const struct store_indicator *r)
{
	struct im_build *b = ud;
	enum indicator_type t = indicator_type_parse(r->type);
	if (t == INDICATOR_NONE)
		return 0; /* a type this build does not know: nothing can match it */
	if (t == INDICATOR_IPV4 || t == INDICATOR_IPV6 || t == INDICATOR_CIDR) {
		struct indicator_range rg;
		if (indicator_value_range(t, r->value, &rg) != 0)
			return 0; /* not canonical: the registry never stores one */
		if (hashset_grow((void **)&b->it, &b->capit, b->nit + 1, sizeof(*b->it), 1024) != 0)
			goto oom;
		struct im_item *x = &b->it[b->nit++];
		x->fam = (uint8_t)rg.family;
		x->len = (uint8_t)rg.prefix;
		memcpy(x->addr, rg.first, 16);
		x->id = r->id;
		b->m->counts[t]++;
		return 0;
	}
	size_t n = strlen(r->value);
	struct indicator_match *m = b->m;
	if (hashset_grow((void **)&m->ent, &b->capent, m->nent + 1, sizeof(*m->ent), 1024) != 0 ||
	    hashset_grow((void **)&m->arena, &b->capa, m->alen + n + 1, 1, 1024) != 0)
		goto oom;
	memcpy(m->arena + m->alen, r->value, n + 1);
	m->ent[m->nent++] = (struct im_entry){ .hash = hashset_hash(t, r->value, n),
					       .off = m->alen,
					       .id = r->id,
					       .len = (uint32_t)n,
					       .type = (uint8_t)t };
	m->alen += n + 1;
	m->counts[t]++;
	return 0;
oom:
	b->oom = 1;
	return -1;
}

static int im_item_cmp(const void *x, const void *y)
{
	const struct im_item *a = x, *b = y;
	if (a->fam != b->fam)
		return a->fam < b->fam ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	int c = memcmp(a->addr, b->addr, 16);
	if (c)
		return c;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* The address side: distinct prefixes sorted by (family, length), each
** with its ids and its nearest covering network. A network finds its
** parent by probing each shorter length the registry uses (a shorter one is
** final when it is reached); the networks go into the LPM; then each single
** address goes into its hash and takes as parent the LPM's answer for it
** (the longest network holding it: one lookup instead of up to 128 probes,
** for what is most of a registry). */
static int im_build_prefixes(struct im_build *b)
{
	struct indicator_match *m = b->m;
	int rc = -1;
	uint32_t *slot = NULL;
	struct lpm_builder *lb = lpm_builder_new();
	if (!lb)
		goto out;
	/* sized to the networks: DIR-24-8 would cost 64 MiB whatever their
	** number, and the ranges' bucket index keeps a lookup to a few steps */
	lpm_builder_layout(lb, LPM_LAYOUT_RANGES);
	if (b->nit) /* qsort of no rows may not be given NULL */
		qsort(b->it, b->nit, sizeof(*b->it), im_item_cmp);
	m->pfx = calloc(b->nit ? b->nit : 1, sizeof(*m->pfx));
	m->ids = calloc(b->nit ? b->nit : 1, sizeof(*m->ids));
	size_t mask;
	slot = hashset_slots(b->nit, &mask);
	if (!m->pfx || !m->ids || !slot)
		goto out;
	bool haslen[2][129] = { { false } };
	size_t nh[2] = { 0, 0 }; /* single IPv4, IPv6 addresses */
	for (size_t i = 0; i < b->nit; i++) {
		const struct im_item *x = &b->it[i];
		m->ids[m->nids++] = x->id;
		struct im_prefix *last = m->npfx ? &m->pfx[m->npfx - 1] : NULL;
		if (last && last->fam == x->fam && last->len == x->len &&
		    memcmp(last->addr, x->addr, 16) == 0) {
			last->ids_n++; /* 192.0.2.1 listed as ipv4 and as 192.0.2.1/32 */
			continue;
		}
		struct im_prefix *p = &m->pfx[m->npfx++];
		*p = (struct im_prefix){ .fam = x->fam, .len = x->len,
					 .ids_off = (uint32_t)(m->nids - 1), .ids_n = 1 };
		memcpy(p->addr, x->addr, 16);
	}
	for (size_t i = 0; i < m->npfx; i++) {
		struct im_prefix *p = &m->pfx[i];
		int fi = p->fam == 6;
		if (p->len == (p->fam == 4 ? 32 : 128)) {
			nh[fi]++; /* a single address: its parent comes from the LPM below */
			continue;
		}
		p->parent = hashset_pfx_parent(slot, mask, (const bool (*)[129])haslen, m->pfx,
					       sizeof *m->pfx, p->fam, p->len, p->addr);
		hashset_put(slot, mask, hashset_pfx_hash(p->fam, p->len, p->addr), (uint32_t)i);
		haslen[fi][p->len] = true;
		if (lpm_builder_add(lb, p->fam, p->addr, p->len, i + 1) != 0)
			goto out;
	}
	m->lpm = lpm_build(lb);
	lb = NULL;
	if (!m->lpm)
		goto out;
	/* the single addresses' hashes, at most half full */
	size_t c4 = 16, c6 = 16;
	while (c4 < nh[0] * 2)
		c4 *= 2;
	while (c6 < nh[1] * 2)
		c6 *= 2;
	m->h4 = calloc(c4, sizeof(*m->h4));
	m->h6 = calloc(c6, sizeof(*m->h6));
	if (!m->h4 || !m->h6)
		goto out;
	m->mask4 = c4 - 1;
	m->mask6 = c6 - 1;
	if (nh[0] && !(m->h4_24 = calloc((size_t)1 << 18, sizeof(uint64_t))))
		goto out;
	for (size_t i = 0; i < m->npfx; i++) {
		const struct im_prefix *p = &m->pfx[i];
		if (p->fam == 4 && p->len == 32) {
			uint32_t a = im_be32(p->addr);
			size_t h = im_slot4(a, m->mask4);
			while (m->h4[h].pfx)
				h = (h + 1) & m->mask4;
			m->h4[h] = (struct im_host4){ a, (uint32_t)i + 1 };
			m->h4_24[a >> 14] |= UINT64_C(1) << (a >> 8 & 63);
			/* the longest listed network holding it */
			m->pfx[i].parent = (uint32_t)lpm_lookup4(m->lpm, a, NULL);
		} else if (p->fam == 6 && p->len == 128) {
			size_t h = im_slot6(p->addr, m->mask6);
			while (m->h6[h].pfx)
				h = (h + 1) & m->mask6;
			memcpy(m->h6[h].addr, p->addr, 16);
			m->h6[h].pfx = (uint32_t)i + 1;
			m->pfx[i].parent = (uint32_t)lpm_lookup6(m->lpm, p->addr, NULL);
		}
	}
	rc = 0;
out:
	lpm_builder_free(lb);
	free(slot);
	return rc;
}

static int im_build_hash(struct indicator_match *m)
{
	m->slot = hashset_slots(m->nent, &m->mask);
	if (!m->slot)
		return -1;
	for (size_t i = 0; i < m->nent; i++)
		hashset_put(m->slot, m->mask, m->ent[i].hash, (uint32_t)i);
	return 0;
}

int indicator_match_build(struct store *st, struct indicator_match **out, struct perr *err)
{
	*out = NULL;
	struct im_build b = { 0 };
	b.m = calloc(1, sizeof(*b.m));
	if (!b.m)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	/* the version first: a change made while the rows are read makes the
	** matcher look stale (rebuilt once more), never current when it is not */
	if (store_indicator_version(st, &b.m->version_ms, &b.m->version_rows, err) != 0)
		goto fail;
	if (store_indicator_active_each(st, im_row, &b, err) != 0) {
		if (b.oom)
			perr_set(err, PERR_INTERNAL, NULL, "out of memory building the matcher");
		goto fail;
	}
	if (b.m->nent >= UINT32_MAX / 2 || b.nit >= LPM_MAX_PREFIXES) {
		perr_set(err, PERR_LIMIT, NULL, "too many indicators to match in memory");
		goto fail;
	}
	if (im_build_prefixes(&b) != 0 || im_build_hash(b.m) != 0) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory building the matcher");
		goto fail;
	}
	free(b.it);
	*out = b.m;
	return 0;
fail:
	free(b.it);
	indicator_match_free(b.m);
	return -1;
}

void indicator_match_free(struct indicator_match *m)
{
	if (!m)
		return;
	lpm_free(m->lpm);
	free(m->h4);
	free(m->h4_24);
	free(m->h6);
	free(m->pfx);
	free(m->ids);
	free(m->ent);
	free(m->slot);
	free(m->arena);
	free(m);
}

int indicator_match_current(const struct indicator_match *m, struct store *st, struct perr *err)
{
	int64_t ms = 0, rows = 0;
	if (store_indicator_version(st, &ms, &rows, err) != 0)
		return -1;
	return m && ms == m->version_ms && rows == m->version_rows ? 1 : 0;
}

int indicator_match_refresh(struct store *st, struct indicator_match **m, struct perr *err)
{
	int cur = *m ? indicator_match_current(*m, st, err) : 0;
	if (cur != 0)
		return cur < 0 ? -1 : 0;
	struct indicator_match *n;
	if (indicator_match_build(st, &n, err) != 0)
		return -1;
	indicator_match_free(*m);
	*m = n;
	return 0;
}

size_t indicator_match_count(const struct indicator_match *m, enum indicator_type t)
{
	if (!m || t <= INDICATOR_NONE || t >= INDICATOR_TYPE_COUNT)
		return 0;
	return m->counts[t];
}

size_t indicator_match_memory(const struct indicator_match *m)
{
	if (!m)
		return 0;
	return sizeof(*m) + lpm_memory(m->lpm) + (m->h4 ? (m->mask4 + 1) * sizeof(*m->h4) : 0) +
	       (m->h4_24 ? ((size_t)1 << 18) * sizeof(uint64_t) : 0) +
	       (m->h6 ? (m->mask6 + 1) * sizeof(*m->h6) : 0) + m->npfx * sizeof(*m->pfx) +
	       m->nids * sizeof(*m->ids) + m->nent * sizeof(*m->ent) +
	       (m->mask + 1) * sizeof(*m->slot) + m->alen;
}

/* ------------------------------------------------------------- matching */

size_t indicator_match_addr(const struct indicator_match *m, int family, const uint8_t *addr,
			    int64_t *ids, size_t max)
{
	if (!m || !m->npfx || !addr)
		return 0;
	uint64_t r = 0;
	if (family == 4) {
		uint32_t a = im_be32(addr);
		if (m->h4_24 && (m->h4_24[a >> 14] >> (a >> 8 & 63) & 1))
			for (size_t h = im_slot4(a, m->mask4); m->h4[h].pfx; h = (h + 1) & m->mask4)
				if (m->h4[h].addr == a) {
					r = m->h4[h].pfx;
					break;
				}
		if (!r)
			r = lpm_lookup4(m->lpm, a, NULL);
	} else if (family == 6) {
		/* an IPv4-mapped address (::ffff:a.b.c.d, as dual-stack sockets
		** log IPv4 peers) is the IPv4 address it maps */
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (memcmp(addr, mapped, 12) == 0)
			return indicator_match_addr(m, 4, addr + 12, ids, max);
		for (size_t h = im_slot6(addr, m->mask6); m->h6[h].pfx; h = (h + 1) & m->mask6)
			if (memcmp(m->h6[h].addr, addr, 16) == 0) {
				r = m->h6[h].pfx;
				break;
			}
		if (!r)
			r = lpm_lookup6(m->lpm, addr, NULL);
	} else {
		return 0;
	}
	size_t n = 0;
	for (; r; r = m->pfx[r - 1].parent) {
		const struct im_prefix *p = &m->pfx[r - 1];
		for (uint32_t k = 0; k < p->ids_n; k++, n++)
			if (n < max && ids)
				ids[n] = m->ids[p->ids_off + k];
	}
	return n;
}

void indicator_match_prefetch(const struct indicator_match *m, int family, const uint8_t *addr)
{
	if (!m || !addr)
		return;
	if (family == 4 && m->h4_24) {
		uint32_t a = im_be32(addr);
		__builtin_prefetch(&m->h4_24[a >> 14]);
		__builtin_prefetch(&m->h4[im_slot4(a, m->mask4)]);
	}
	else if (family == 6 && m->h6)
		__builtin_prefetch(&m->h6[im_slot6(addr, m->mask6)]);
}

static int64_t im_get(const struct indicator_match *m, unsigned type, const char *s, size_t n)
{
	uint64_t hv = hashset_hash(type, s, n);
	for (size_t h = (size_t)hv & m->mask; m->slot[h]; h = (h + 1) & m->mask) {
		const struct im_entry *e = &m->ent[m->slot[h] - 1];
		if (e->hash == hv && e->type == type && e->len == n &&
		    memcmp(m->arena + e->off, s, n) == 0)
			return e->id;
	}
	return 0;
}

/* The longest host text looked at (a DNS name is at most 253 bytes). */
#define IM_HOST_MAX 255

size_t indicator_match_host(const struct indicator_match *m, const char *host, size_t len,
			    int64_t *ids, size_t max)
{
	if (!m || !host)
		return 0;
	while (len && host[len - 1] == '.')
		len--; /* the root's dot: "evil.example." is evil.example */
	if (len == 0 || len > IM_HOST_MAX)
		return 0;
	char low[IM_HOST_MAX + 1];
	bool colon = false;
	for (size_t i = 0; i < len; i++) {
		char c = host[i];
		low[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
		colon |= c == ':';
	}
	low[len] = '\0';
	/* an address literal names no domain: it is its address */
	uint8_t a[16];
	if (colon && inet_pton(AF_INET6, low, a) == 1)
		return indicator_match_addr(m, 6, a, ids, max);
	if (!colon && low[len - 1] >= '0' && low[len - 1] <= '9' &&
	    inet_pton(AF_INET, low, a) == 1)
		return indicator_match_addr(m, 4, a, ids, max);
	if (!m->mask)
		return 0;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (i != 0 && low[i - 1] != '.')
			continue;
		int64_t id = im_get(m, INDICATOR_DOMAIN, low + i, len - i);
		if (id) {
			if (n < max && ids)
				ids[n] = id;
			n++;
		}
	}
	return n;
}

int64_t indicator_match_value(const struct indicator_match *m, enum indicator_type t,
			      const char *canon, size_t len)
{
	if (!m || !m->mask || !canon || t <= INDICATOR_NONE || t >= INDICATOR_TYPE_COUNT)
		return 0;
	return im_get(m, t, canon, len);
}

/* --------------------------------------------------- one value, by the store */

/* 1 when (type, value) is an active indicator (row filled), 0 when it is
** not listed or not active, -1 with err when the store fails. */
static int im_active(struct store *st, const char *type, const char *value,
		     struct store_indicator *row, struct perr *err)
{
	struct perr e;
	perr_clear(&e);
	if (store_indicator_find(st, type, value, row, &e) != 0) {
		if (e.kind == PERR_NOTFOUND)
			return 0;
		if (err)
			*err = e;
		return -1;
	}
	return strcmp(row->status, "active") == 0;
}

/* Ask the store for (type, value); fn on an active indicator. 0 to go on,
** else what stops the walk (fn's return, or -1 on a store error). */
static int im_probe(struct store *st, const char *type, const char *value,
		    struct store_indicator *row, indicator_lookup_fn fn, void *ud, struct perr *err)
{
	int a = im_active(st, type, value, row, err);
	if (a <= 0)
		return a;
	return fn(ud, row);
}

int indicator_lookup(struct store *st, enum indicator_type t, const char *canon,
		     indicator_lookup_fn fn, void *ud, struct perr *err)
{
	struct store_indicator *row = malloc(sizeof(*row));
	if (!row)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	int rc = 0;
	char buf[INDICATOR_VALUE_SIZE];
	if (t == INDICATOR_IPV4 || t == INDICATOR_IPV6 || t == INDICATOR_CIDR) {
		/* every network that holds it, most specific first: one exact
		** probe of (type, value) per prefix length the registry accepts
		** (value.c: IPv4 /8-/32, IPv6 /16-/128), each an index lookup */
		struct indicator_range r;
		if (indicator_value_range(t, canon, &r) != 0)
			goto out;
		unsigned lo = r.family == 4 ? 8 : 16;
		if (t != INDICATOR_CIDR &&
		    (rc = im_probe(st, indicator_type_name(t), canon, row, fn, ud, err)) != 0)
			goto out;
		for (unsigned l = r.prefix; l >= lo; l--) {
			uint8_t a[16];
			memcpy(a, r.first, 16);
			hashset_mask(a, l);
			char txt[INET6_ADDRSTRLEN];
			if (!inet_ntop(r.family == 4 ? AF_INET : AF_INET6, a, txt, sizeof(txt)))
				goto out;
			char cidr[INET6_ADDRSTRLEN + 16];
			snprintf(cidr, sizeof(cidr), "%s/%u", txt, l);
			struct perr e;
			if (indicator_value_canon(INDICATOR_CIDR, cidr, strlen(cidr), buf, sizeof(buf),
						  &e) == 0 &&
			    (rc = im_probe(st, "cidr", buf, row, fn, ud, err)) != 0)
				goto out;
		}
		goto out;
	}
	if (t == INDICATOR_DOMAIN) {
		/* the domain and each parent with two labels or more */
		for (const char *p = canon; p && strchr(p, '.'); p = strchr(p, '.') + 1)
			if ((rc = im_probe(st, "domain", p, row, fn, ud, err)) != 0)
				goto out;
		goto out;
	}
	const char *name = indicator_type_name(t);
	if (name)
		rc = im_probe(st, name, canon, row, fn, ud, err);
out:
	free(row);
	return rc;
}
