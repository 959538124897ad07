/*
** target.c — targeting: which organisations an advisory affects and why,
** the preview an analyst checks before publishing, and exclusions.
**
** An organisation is a target (advisory.h gives the document's form) when:
**   - a declared `product` asset matches an affected product entry: the
**     CPE form ("cpe:2.3:o:mikrotik:routeros:6.42.1:... count=40
**     hosts=...", constituency_product_split) or free text that
**     advisory_cpe_from_text maps ("mikrotik routeros 6.42"); vendor and
**     product by the CPE matching rule, the version by the entry's exact
**     version or NVD range (advisory_version_in: an excluding end leaves
**     that very version out). Free text that maps to no CPE name is listed
**     as "unmapped" for an analyst to look at (those naming a vendor or
**     product of the advisory first, "related": true): a declared product nobody
**     can weigh is not silently dropped;
**   - report feeds saw the product on one of its hosts (host_product, by
**     vendor and product, the version in range), or saw the service
**     exposure the entry names (Smart Install on 4786: the exposure alone
**     makes a host affected, whatever its version);
**   - the advisory's audience names it: all, its sector, its province, or
**     its id (an advisory for a sector, with no product to match).
**
** Speed (issue 14's benchmark: 10,000 organisations, 100,000 product
** assets, 5,000,000 host products, < 200 ms): nothing is scanned whole.
** CPE-form assets are read by the range of their "cpe:2.3:PART:VENDOR:
** PRODUCT:" prefix, host products by their (vendor, product) or exposure
** index; only free-text product assets are read in full (two ranges either
** side of "cpe:2.3:"), each distinct text mapped once. Organisations are
** read once into an array searched by id. A vendor's CSAF lists every
** affected release as an entry (259 for Cisco's Smart Install), so entries
** are grouped by vendor and product: one read per group and per exposure,
** and a version or asset name met again in a run is weighed once.
** (bench/advisories.c measures it; the evidence JSON is most of the time.)
**
** "hosts" of a target counts distinct (ip, port) seen by feeds plus the
** declared hosts feeds did not see; when the organisation declared a count
** larger than that (count=40 on its asset), the count stands, since a
** declared product may run on hosts no scan reaches. At most 20 hosts are
** listed in "why" per target; "hosts" counts them all.
*/
#include "advisory/advisory.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit/audit.h"
#include "constituency/constituency.h"

#define TARGET_HOSTS_LISTED 20  /* host evidence entries listed per target */
#define TARGET_UNMAPPED_MAX 1000 /* unmapped assets listed (all are counted) */
#define TARGET_REASON_MAX 500
#define TARGET_VERSION_MEMO 64   /* versions remembered per product group */

/* ------------------------------------------------------------ a key set */

/* Exact set of short strings (open addressing, FNV-1a): which (org, ip,
** port) were counted. The keys live end to end in one growing arena, so
** counting 50,000 hosts costs a few reallocations, not 50,000 mallocs. */
struct kset {
	char *arena;
	size_t used, size;
	size_t *off;  /* per slot: key offset in arena */
	uint64_t *h;  /* per slot: hash, 0 = empty */
	size_t cap, n;
};

static uint64_t kset_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h | 1; /* 0 marks an empty slot */
}

static int kset_grow(struct kset *k)
{
	size_t cap = k->cap ? k->cap * 2 : 1024;
	size_t *off = calloc(cap, sizeof(*off));
	uint64_t *h = calloc(cap, sizeof(*h));
	if (!off || !h) {
		free(off);
		free(h);
		return -1;
	}
	for (size_t i = 0; i < k->cap; i++) {
		if (!k->h[i])
			continue;
		size_t j = k->h[i] & (cap - 1);
		while (h[j])
			j = (j + 1) & (cap - 1);
		h[j] = k->h[i];
		off[j] = k->off[i];
	}
	free(k->off);
	free(k->h);
	k->off = off;
	k->h = h;
	k->cap = cap;
	return 0;
}

/* 1 when s was added, 0 when it was there, -1 out of memory. */
static int kset_add(struct kset *k, const char *s)
{
	if ((k->n + 1) * 2 > k->cap && kset_grow(k) != 0)
		return -1;
	uint64_t h = kset_hash(s);
	size_t j = h & (k->cap - 1);
	while (k->h[j]) {
		if (k->h[j] == h && strcmp(k->arena + k->off[j], s) == 0)
			return 0;
		j = (j + 1) & (k->cap - 1);
	}
	size_t n = strlen(s) + 1;
	if (k->used + n > k->size) {
		size_t size = k->size ? k->size * 2 : 65536;
		while (size < k->used + n)
			size *= 2;
		char *a = realloc(k->arena, size);
		if (!a)
			return -1;
		k->arena = a;
		k->size = size;
	}
	memcpy(k->arena + k->used, s, n);
	k->off[j] = k->used;
	k->used += n;
	k->h[j] = h;
	k->n++;
	return 1;
}

static bool kset_has(const struct kset *k, const char *s)
{
	if (!k->cap)
		return false;
	uint64_t h = kset_hash(s);
	size_t j = h & (k->cap - 1);
	while (k->h[j]) {
		if (k->h[j] == h && strcmp(k->arena + k->off[j], s) == 0)
			return true;
		j = (j + 1) & (k->cap - 1);
	}
	return false;
}

static void kset_free(struct kset *k)
{
	free(k->arena);
	free(k->off);
	free(k->h);
	memset(k, 0, sizeof(*k));
}

/* -------------------------------------------------------------- the run */

struct tgt {
	json_t *why;      /* evidence, in the order found */
	int64_t seen;     /* distinct (ip, port) from feeds */
	int64_t listed;   /* host and exposure evidence entries in why */
	int64_t declared; /* the largest count= of its matching assets */
	json_t *all;      /* every counted feed host, when asked (all_hosts) */
};

struct ent {
	struct store_org o;
	struct tgt *t; /* NULL: not a target */
};

/* One affected product entry of the document, parsed. */
struct entry {
	struct advisory_cpe cpe;
	struct advisory_range r;
	const char *exposure; /* NULL: none */
	bool plain;           /* vendor and product are plain values (indexable) */
};

/* Entries of one vendor and product (plain), or one entry with a pattern
** for either: what one store read serves. A vendor's CSAF advisory lists
** every affected release as an entry of its own (Cisco's Smart Install
** advisory: 259 IOS releases), so reads go by group, not by entry. */
struct group {
	size_t start, n; /* in run.order */
	bool plain;
};

struct run {
	struct store *st;
	struct ent *ents; /* sorted by id (store_org_list's order) */
	size_t nents, capents;
	struct entry *entries;
	size_t nentries;
	size_t *order;        /* entry indices, plain ones by vendor and product */
	struct group *groups;
	size_t ngroups, nplain; /* the first nplain groups are plain, sorted */
	const struct group *g;  /* the group being matched */
	/* the entry (or none: SIZE_MAX) each version met in this group fell in:
	** tens of thousands of hosts run a few dozen versions, so a CSAF's
	** hundreds of entries are tried once per version, not per host */
	struct {
		char ver[sizeof(((struct store_host_product *)0)->version)];
		size_t k;
	} memo_v[TARGET_VERSION_MEMO];
	size_t memo_n, memo_next;
	struct asset_memo *memo; /* on_cpe_asset's, reset per group */
	struct kset ipport; /* "org ip port" counted from feeds */
	struct kset ips;    /* "org ip" seen by feeds */
	json_t *unmapped;     /* those that name a word of the advisory's products */
	json_t *unrelated;    /* the others, listed after them */
	int64_t unmapped_total;
	size_t cur;         /* the entry being matched */
	bool oom;
	bool all_hosts;     /* advisory_targets_compute_hosts */
	struct perr *err;
};

static int on_org(void *ud, const struct store_org *o)
{
	struct run *r = ud;
	if (r->nents == r->capents) {
		size_t cap = r->capents ? r->capents * 2 : 256;
		struct ent *n = realloc(r->ents, cap * sizeof(*n));
		if (!n)
			return perr_set(r->err, PERR_INTERNAL, NULL, "out of memory");
		r->ents = n;
		r->capents = cap;
	}
	r->ents[r->nents].o = *o;
	r->ents[r->nents].t = NULL;
	r->nents++;
	return 0;
}

static struct ent *find_org(struct run *r, int64_t id)
{
	size_t lo = 0, hi = r->nents;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->ents[mid].o.id == id)
			return &r->ents[mid];
		if (r->ents[mid].o.id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The target of e, made on first use; NULL when out of memory. */
static struct tgt *target_of(struct run *r, struct ent *e)
{
	if (!e->t) {
		e->t = calloc(1, sizeof(*e->t));
		if (!e->t || !(e->t->why = json_array())) {
			free(e->t);
			e->t = NULL;
			r->oom = true;
			return NULL;
		}
	}
	return e->t;
}

static void add_why(struct run *r, struct tgt *t, json_t *w)
{
	if (!w || json_array_append_new(t->why, w) != 0)
		r->oom = true;
}

static json_t *org_json(const struct store_org *o)
{
	return json_pack("{sI ss ss ss}", "id", (json_int_t)o->id, "name", o->name, "province",
			 o->province, "sector", o->sector);
}

/* --------------------------------------------------------- the document */

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s && *s ? s : NULL;
}

/* Parse doc's product entries into r->entries. */
static int read_entries(struct run *r, const json_t *doc, struct perr *err)
{
	const json_t *products = json_object_get(doc, "products");
	if (products && !json_is_array(products))
		return perr_set(err, PERR_INVALID, "products", "products must be an array");
	size_t n = json_array_size(products);
	if (n > ADVISORY_PRODUCTS_MAX)
		return perr_set(err, PERR_INVALID, "products", "at most %d product entries",
				ADVISORY_PRODUCTS_MAX);
	if (n && !(r->entries = calloc(n, sizeof(*r->entries))))
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	for (size_t k = 0; k < n; k++) {
		const json_t *p = json_array_get(products, k);
		struct entry *e = &r->entries[k];
		const char *cpe = jstr(p, "cpe");
		struct perr pe;
		if (!json_is_object(p) || !cpe ||
		    advisory_cpe_parse(cpe, strlen(cpe), &e->cpe, &pe) != 0) {
			char field[32];
			snprintf(field, sizeof(field), "products[%zu].cpe", k);
			return perr_set(err, PERR_INVALID, field, "%s",
					cpe ? pe.msg : "a CPE 2.3 name is required");
		}
		e->r.exact = jstr(p, "version");
		e->r.start = jstr(p, "start");
		e->r.start_incl = json_is_true(json_object_get(p, "start_incl"));
		e->r.end = jstr(p, "end");
		e->r.end_incl = json_is_true(json_object_get(p, "end_incl"));
		e->exposure = jstr(p, "exposure");
		/* a value the index can look up: not ANY, NA, or with wildcards */
		const char *v = e->cpe.f[ADVISORY_CPE_VENDOR], *pr = e->cpe.f[ADVISORY_CPE_PRODUCT];
		e->plain = strcmp(v, "-") != 0 && strcmp(pr, "-") != 0 && !strpbrk(v, "*?") &&
			   !strpbrk(pr, "*?");
		r->nentries++;
	}
	return 0;
}

static int vp_cmp(const struct entry *a, const struct entry *b)
{
	int c = strcmp(a->cpe.f[ADVISORY_CPE_VENDOR], b->cpe.f[ADVISORY_CPE_VENDOR]);
	return c ? c : strcmp(a->cpe.f[ADVISORY_CPE_PRODUCT], b->cpe.f[ADVISORY_CPE_PRODUCT]);
}

/* Plain entries first, by vendor and product, then the document's order
** (the pointers are into one array). */
static int order_cmp(const void *x, const void *y)
{
	const struct entry *ea = *(const struct entry *const *)x, *eb = *(const struct entry *const *)y;
	if (ea->plain != eb->plain)
		return ea->plain ? -1 : 1;
	int c = ea->plain ? vp_cmp(ea, eb) : 0;
	return c ? c : (ea > eb) - (ea < eb);
}

/* Group r->entries (see struct group). */
static int group_entries(struct run *r, struct perr *err)
{
	if (!r->nentries)
		return 0;
	r->order = calloc(r->nentries, sizeof(*r->order));
	r->groups = calloc(r->nentries, sizeof(*r->groups));
	if (!r->order || !r->groups)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	const struct entry **by = calloc(r->nentries, sizeof(*by));
	if (!by)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	for (size_t k = 0; k < r->nentries; k++)
		by[k] = &r->entries[k];
	qsort(by, r->nentries, sizeof(*by), order_cmp);
	for (size_t k = 0; k < r->nentries; k++)
		r->order[k] = (size_t)(by[k] - r->entries);
	free(by);
	for (size_t i = 0; i < r->nentries; i++) {
		const struct entry *e = &r->entries[r->order[i]];
		struct group *last = r->ngroups ? &r->groups[r->ngroups - 1] : NULL;
		if (last && last->plain && e->plain &&
		    vp_cmp(&r->entries[r->order[last->start]], e) == 0) {
			last->n++;
			continue;
		}
		r->groups[r->ngroups++] = (struct group){ i, 1, e->plain };
		r->nplain += e->plain;
	}
	return 0;
}

/* The plain group of name's vendor and product, or NULL. */
static const struct group *group_of(const struct run *r, const struct advisory_cpe *name)
{
	size_t lo = 0, hi = r->nplain;
	struct entry key;
	memcpy(key.cpe.f[ADVISORY_CPE_VENDOR], name->f[ADVISORY_CPE_VENDOR], ADVISORY_CPE_FIELD_MAX);
	memcpy(key.cpe.f[ADVISORY_CPE_PRODUCT], name->f[ADVISORY_CPE_PRODUCT], ADVISORY_CPE_FIELD_MAX);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = vp_cmp(&r->entries[r->order[r->groups[mid].start]], &key);
		if (c == 0)
			return &r->groups[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* -------------------------------------------------- declared products */

static json_t *hosts_json(struct pstr hosts)
{
	json_t *a = json_array();
	struct pstr ip;
	while (a && hosts.n) {
		pstr_cut(hosts, ',', &ip, &hosts);
		json_array_append_new(a, json_stringn(ip.p, ip.n));
	}
	return a;
}

/* Does the asset's CPE name (version included) fall in entry e? */
static bool entry_takes(const struct entry *e, const struct advisory_cpe *name)
{
	return advisory_cpe_match(&e->cpe, name, true) &&
	       advisory_version_in(name->f[ADVISORY_CPE_VERSION], &e->r);
}

static void asset_hit(struct run *r, const struct store_asset *a, const struct advisory_cpe *name,
		      const struct constituency_product *p)
{
	struct ent *o = find_org(r, a->org_id);
	struct tgt *t = o ? target_of(r, o) : NULL;
	if (!t)
		return;
	char cpe[ADVISORY_CPE_MAX];
	json_t *w = json_pack("{ss sI ss ss sI}", "kind", "asset", "asset", (json_int_t)a->id,
			      "value", a->value, "version", name->f[ADVISORY_CPE_VERSION], "entry",
			      (json_int_t)r->cur);
	/* free text: the CPE name it was read as, for the analyst to check */
	if (w && !p->is_cpe && advisory_cpe_format(name, cpe))
		json_object_set_new(w, "cpe", json_string(cpe));
	if (w && p->count) {
		json_object_set_new(w, "count", json_integer(p->count));
		if (p->count > t->declared)
			t->declared = p->count;
	}
	if (w && p->hosts.n)
		json_object_set_new(w, "hosts", hosts_json(p->hosts));
	add_why(r, t, w);
}

/* The entry (r->order index range [from, to), then the pattern entries)
** that first takes name, or SIZE_MAX. */
static size_t first_taker(const struct run *r, size_t from, size_t to, bool patterns,
			  const struct advisory_cpe *name)
{
	for (size_t i = from; i < to; i++)
		if (entry_takes(&r->entries[r->order[i]], name))
			return r->order[i];
	size_t pat = r->nplain < r->ngroups ? r->groups[r->nplain].start : r->nentries;
	for (size_t i = pat; patterns && i < r->nentries; i++)
		if (entry_takes(&r->entries[r->order[i]], name))
			return r->order[i];
	return SIZE_MAX;
}

/* Assets come in value order, so the same name (the value before its
** count and hosts) comes in a run: it is parsed and weighed once per run. */
struct asset_memo {
	char name[ADVISORY_CPE_MAX];
	bool ok;         /* name parsed */
	struct advisory_cpe cpe;
	size_t k;        /* the entry that takes it, SIZE_MAX: none */
};

static int on_cpe_asset(void *ud, const struct store_asset *a)
{
	struct run *r = ud;
	struct asset_memo *m = r->memo;
	struct constituency_product p;
	if (!find_org(r, a->org_id) || constituency_product_split(a->value, &p) != 1 ||
	    p.name.n >= sizeof(m->name))
		return 0;
	if (strncmp(m->name, p.name.p, p.name.n) != 0 || m->name[p.name.n] != '\0') {
		memcpy(m->name, p.name.p, p.name.n);
		m->name[p.name.n] = '\0';
		m->ok = advisory_cpe_parse(p.name.p, p.name.n, &m->cpe, NULL) == 0;
		/* the first entry of the group that takes it: one evidence per asset */
		m->k = m->ok ? first_taker(r, r->g->start, r->g->start + r->g->n, false, &m->cpe)
			     : SIZE_MAX;
	}
	if (m->k != SIZE_MAX) {
		r->cur = m->k;
		asset_hit(r, a, &m->cpe, &p);
	}
	return r->oom ? -1 : 0;
}

/* The canonical prefix "cpe:2.3:PART:VENDOR:PRODUCT:" of names of that
** part with e's vendor and product, bound as canonical values are. */
static bool cpe_prefix(const struct entry *e, char part, char out[ADVISORY_CPE_MAX])
{
	struct advisory_cpe c;
	for (int f = 0; f < ADVISORY_CPE_FIELDS; f++)
		PSTRCPY(c.f[f], "*");
	c.f[ADVISORY_CPE_PART][0] = part;
	PSTRCPY(c.f[ADVISORY_CPE_VENDOR], e->cpe.f[ADVISORY_CPE_VENDOR]);
	PSTRCPY(c.f[ADVISORY_CPE_PRODUCT], e->cpe.f[ADVISORY_CPE_PRODUCT]);
	if (!advisory_cpe_format(&c, out))
		return false;
	/* cut after the fifth unquoted ':' (cpe, 2.3, part, vendor, product) */
	int colons = 0;
	for (size_t i = 0; out[i]; i++) {
		if (out[i] == '\\' && out[i + 1]) {
			i++;
			continue;
		}
		if (out[i] == ':' && ++colons == 5) {
			out[i + 1] = '\0';
			return true;
		}
	}
	return false;
}

static int match_cpe_assets(struct run *r, struct perr *err)
{
	const struct entry *e = &r->entries[r->order[r->g->start]];
	if (!r->g->plain) /* wildcards: every CPE-form asset is a candidate */
		return store_asset_products_list(r->st, "cpe:2.3:", "cpe:2.3;", on_cpe_asset, r,
						 err);
	/* the parts the group's entries name, and ANY; a name of part ANY
	** stays a candidate for any pattern (the matching rule decides) */
	char parts[8] = "";
	for (size_t i = r->g->start; i < r->g->start + r->g->n; i++) {
		char pt = r->entries[r->order[i]].cpe.f[ADVISORY_CPE_PART][0];
		const char *add = pt == '*' ? "aoh*" : (char[]){ pt, '*', '\0' };
		for (; *add; add++)
			if (!strchr(parts, *add))
				parts[strlen(parts)] = *add;
	}
	for (const char *pp = parts; *pp; pp++) {
		char lo[ADVISORY_CPE_MAX], hi[ADVISORY_CPE_MAX];
		if (!cpe_prefix(e, *pp, lo))
			continue;
		PSTRCPY(hi, lo);
		hi[strlen(hi) - 1] = ';'; /* the first string after every "...:" one */
		if (store_asset_products_list(r->st, lo, hi, on_cpe_asset, r, err) != 0)
			return -1;
	}
	return 0;
}

/* Free-text assets, in value order: each distinct text is mapped once. */
struct text_walk {
	struct run *r;
	char last[sizeof(((struct store_asset *)0)->value)];
	bool mapped;
	bool related; /* unmapped, but names a vendor or product of the advisory */
	struct advisory_cpe name;
	size_t k; /* the entry that takes it, SIZE_MAX: none */
};

/* Does text hold word (a CPE value: '_' stands for a space or '-') as a
** whole word? "mikrotik rb750 6.40" names mikrotik; an analyst looks at
** those first. */
static bool names_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	if (n < 3 || strpbrk(word, "*?\\"))
		return false;
	for (const char *p = text; *p; p++) {
		if (p != text && (isalnum((unsigned char)p[-1])))
			continue;
		size_t i = 0;
		while (i < n && p[i] &&
		       (tolower((unsigned char)p[i]) == word[i] ||
			(word[i] == '_' && (p[i] == ' ' || p[i] == '-' || p[i] == '_'))))
			i++;
		if (i == n && !isalnum((unsigned char)p[n]))
			return true;
	}
	return false;
}

static bool names_product(const struct run *r, const char *text)
{
	for (size_t k = 0; k < r->nentries; k++)
		if (names_word(text, r->entries[k].cpe.f[ADVISORY_CPE_VENDOR]) ||
		    names_word(text, r->entries[k].cpe.f[ADVISORY_CPE_PRODUCT]))
			return true;
	return false;
}

static int on_text_asset(void *ud, const struct store_asset *a)
{
	struct text_walk *w = ud;
	struct run *r = w->r;
	struct ent *o = find_org(r, a->org_id);
	if (!o)
		return 0;
	if (strcmp(w->last, a->value) != 0) {
		PSTRCPY(w->last, a->value);
		w->mapped = advisory_cpe_from_text(a->value, strlen(a->value), &w->name) == 1;
		w->related = !w->mapped && names_product(r, a->value);
		/* the entries of its vendor and product, then those with
		** patterns: the first that takes it */
		const struct group *g = w->mapped ? group_of(r, &w->name) : NULL;
		w->k = !w->mapped ? SIZE_MAX
				  : first_taker(r, g ? g->start : r->nentries,
						g ? g->start + g->n : r->nentries, true, &w->name);
	}
	if (!w->mapped) {
		/* related ones all (capped), the rest while room is left */
		r->unmapped_total++;
		json_t *list = w->related ? r->unmapped : r->unrelated;
		if (json_array_size(list) < TARGET_UNMAPPED_MAX &&
		    json_array_append_new(list,
					  json_pack("{so ss sI sb}", "org", org_json(&o->o), "asset",
						    a->value, "asset_id", (json_int_t)a->id, "related",
						    w->related)) != 0)
			r->oom = true;
		return r->oom ? -1 : 0;
	}
	if (w->k != SIZE_MAX) {
		struct constituency_product p;
		constituency_product_split(a->value, &p);
		r->cur = w->k;
		asset_hit(r, a, &w->name, &p);
	}
	return r->oom ? -1 : 0;
}

static int match_text_assets(struct run *r, struct perr *err)
{
	struct text_walk *w = calloc(1, sizeof(*w));
	if (!w)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	w->r = r;
	int rc = store_asset_products_list(r->st, NULL, "cpe:2.3:", on_text_asset, w, err);
	if (rc == 0)
		rc = store_asset_products_list(r->st, "cpe:2.3;", NULL, on_text_asset, w, err);
	free(w);
	return rc;
}

/* ---------------------------------------------------- feed host products */

/* Count the host once; list it while the target has room. */
static void host_hit(struct run *r, const struct store_host_product *h, bool exposure)
{
	struct ent *o = find_org(r, h->org_id);
	if (!o)
		return;
	struct tgt *t = target_of(r, o);
	if (!t)
		return;
	char key[160];
	snprintf(key, sizeof(key), "%lld %s %lld", (long long)h->org_id, h->ip, (long long)h->port);
	int added = kset_add(&r->ipport, key);
	snprintf(key, sizeof(key), "%lld %s", (long long)h->org_id, h->ip);
	if (added < 0 || kset_add(&r->ips, key) < 0) {
		r->oom = true;
		return;
	}
	if (!added)
		return;
	t->seen++;
	if (r->all_hosts) {
		if (!t->all)
			t->all = json_array();
		if (!t->all || json_array_append_new(t->all, json_pack("{ss sI ss}", "ip", h->ip,
									"port", (json_int_t)h->port,
									"type", h->type)) != 0)
			r->oom = true;
	}
	if (t->listed >= TARGET_HOSTS_LISTED)
		return;
	t->listed++;
	/* built by hand, not json_pack: this runs for tens of thousands of
	** hosts and the format parsing was a fifth of the preview */
	json_t *w = json_object();
	if (!w) {
		r->oom = true;
		return;
	}
	int bad = json_object_set_new_nocheck(w, "kind",
					      json_string_nocheck(exposure ? "exposure" : "host")) |
		  json_object_set_new_nocheck(w, "ip", json_string(h->ip)) |
		  json_object_set_new_nocheck(w, "port", json_integer(h->port));
	if (exposure) {
		bad |= json_object_set_new_nocheck(w, "exposure", json_string(h->exposure));
	} else {
		char product[260];
		snprintf(product, sizeof(product), "%s %s", h->vendor, h->product);
		bad |= json_object_set_new_nocheck(w, "product", json_string(product));
	}
	bad |= json_object_set_new_nocheck(w, "version", json_string(h->version)) |
	       json_object_set_new_nocheck(w, "type", json_string(h->type)) |
	       json_object_set_new_nocheck(w, "last_seen", core_json_time(h->last_ms));
	/* which product entry, when the advisory has several */
	if (r->nentries > 1)
		bad |= json_object_set_new_nocheck(w, "entry", json_integer((json_int_t)r->cur));
	if (bad) {
		json_decref(w);
		w = NULL;
	}
	add_why(r, t, w);
}

static int on_host(void *ud, const struct store_host_product *h)
{
	struct run *r = ud;
	if (!find_org(r, h->org_id))
		return 0;
	size_t m = 0;
	while (m < r->memo_n && strcmp(r->memo_v[m].ver, h->version) != 0)
		m++;
	if (m == r->memo_n) {
		/* not met yet: weigh it, and remember it (the oldest goes) */
		size_t k = SIZE_MAX;
		for (size_t i = r->g->start; i < r->g->start + r->g->n && k == SIZE_MAX; i++)
			if (advisory_version_in(h->version, &r->entries[r->order[i]].r))
				k = r->order[i];
		if (r->memo_n < TARGET_VERSION_MEMO)
			m = r->memo_n++;
		else
			m = r->memo_next++ % TARGET_VERSION_MEMO;
		PSTRCPY(r->memo_v[m].ver, h->version);
		r->memo_v[m].k = k;
	}
	if (r->memo_v[m].k != SIZE_MAX) {
		r->cur = r->memo_v[m].k;
		host_hit(r, h, false);
	}
	return r->oom ? -1 : 0;
}

static int on_exposed(void *ud, const struct store_host_product *h)
{
	struct run *r = ud;
	host_hit(r, h, true);
	return r->oom ? -1 : 0;
}

/* ------------------------------------------------------------- audience */

static bool in_list(const json_t *list, const char *v)
{
	size_t i;
	const json_t *x;
	json_array_foreach(list, i, x)
	{
		const char *s = json_string_value(x);
		if (s && strcasecmp(s, v) == 0)
			return true;
	}
	return false;
}

static void match_audience(struct run *r, const json_t *doc)
{
	const json_t *a = json_object_get(doc, "audience");
	if (!json_is_object(a))
		return;
	bool all = json_is_true(json_object_get(a, "all"));
	const json_t *sectors = json_object_get(a, "sectors"), *provs = json_object_get(a, "provinces"),
		     *orgs = json_object_get(a, "orgs");
	for (size_t i = 0; i < r->nents && !r->oom; i++) {
		struct ent *e = &r->ents[i];
		json_t *w = NULL;
		if (all)
			w = json_pack("{ss ss}", "kind", "audience", "by", "all");
		else if (e->o.sector[0] && in_list(sectors, e->o.sector))
			w = json_pack("{ss ss ss}", "kind", "audience", "by", "sector", "value",
				      e->o.sector);
		else if (in_list(provs, e->o.province))
			w = json_pack("{ss ss ss}", "kind", "audience", "by", "province", "value",
				      e->o.province);
		else {
			size_t k;
			const json_t *x;
			json_array_foreach(orgs, k, x)
			{
				if (json_integer_value(x) == e->o.id) {
					w = json_pack("{ss ss}", "kind", "audience", "by", "org");
					break;
				}
			}
		}
		if (!w)
			continue;
		struct tgt *t = target_of(r, e);
		if (t)
			add_why(r, t, w);
		else
			json_decref(w);
	}
}

/* ----------------------------------------------------------- the answer */

struct excl_walk {
	json_t *by_org; /* "id" -> {reason, actor, at} */
};

static int on_excl(void *ud, const struct store_adexcl *x)
{
	struct excl_walk *w = ud;
	char k[24];
	snprintf(k, sizeof(k), "%lld", (long long)x->org_id);
	return json_object_set_new(w->by_org, k,
				   json_pack("{ss ss so}", "reason", x->reason, "actor", x->actor,
					     "at", core_json_time(x->created_ms)));
}

/* Declared hosts feeds did not see count too (once per address). */
static int64_t target_hosts(struct run *r, const struct ent *e)
{
	int64_t n = e->t->seen;
	struct kset declared = { 0 };
	size_t i;
	json_t *w;
	json_array_foreach(e->t->why, i, w)
	{
		size_t k;
		json_t *ip;
		json_array_foreach(json_object_get(w, "hosts"), k, ip)
		{
			char key[96];
			snprintf(key, sizeof(key), "%lld %s", (long long)e->o.id,
				 json_string_value(ip));
			if (kset_has(&r->ips, key))
				continue;
			int a = kset_add(&declared, key);
			if (a < 0)
				r->oom = true;
			n += a > 0;
		}
	}
	kset_free(&declared);
	return n > e->t->declared ? n : e->t->declared;
}

static void count_in(json_t *counts, const char *k)
{
	json_t *v = json_object_get(counts, k);
	json_object_set_new(counts, k, json_integer(json_integer_value(v) + 1));
}

static int build(struct run *r, int64_t id, json_t **out, struct perr *err)
{
	struct excl_walk x = { json_object() };
	json_t *targets = json_array(), *by_prov = json_object(), *by_sector = json_object();
	int64_t total = 0, excluded = 0;
	int rc = -1;
	if (!x.by_org || !targets || !by_prov || !by_sector) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	if (id > 0 && store_adexcl_list(r->st, id, on_excl, &x, err) != 0)
		goto out;
	for (size_t i = 0; i < r->nents; i++) {
		struct ent *e = &r->ents[i];
		if (!e->t)
			continue;
		char k[24];
		snprintf(k, sizeof(k), "%lld", (long long)e->o.id);
		json_t *ex = json_object_get(x.by_org, k);
		json_t *t = json_pack("{so sI sO}", "org", org_json(&e->o), "hosts",
				      (json_int_t)target_hosts(r, e), "why", e->t->why);
		if (!t || json_array_append_new(targets, t) != 0 ||
		    (r->all_hosts &&
		     json_object_set_new(t, "all_hosts", e->t->all ? json_incref(e->t->all)
								     : json_array()) != 0)) {
			r->oom = true;
			break;
		}
		if (ex) {
			json_object_set(t, "excluded", ex);
			excluded++;
			continue;
		}
		total++;
		count_in(by_prov, e->o.province);
		count_in(by_sector, e->o.sector);
	}
	if (r->oom) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	*out = json_pack("{sO sI sI sO sO sO sI}", "targets", targets, "total", (json_int_t)total,
			 "excluded", (json_int_t)excluded, "by_province", by_prov, "by_sector",
			 by_sector, "unmapped", r->unmapped, "unmapped_total",
			 (json_int_t)r->unmapped_total);
	if (!*out) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	rc = 0;
out:
	json_decref(x.by_org);
	json_decref(targets);
	json_decref(by_prov);
	json_decref(by_sector);
	return rc;
}

/* Targets of doc among the organisations of province (NULL: all). */
static int compute(struct store *st, const json_t *doc, int64_t id, const char *province,
		   bool all_hosts, json_t **out, struct perr *err)
{
	struct run r = { .st = st, .err = err, .all_hosts = all_hosts };
	int rc = -1;
	*out = NULL;
	if (!json_is_object(doc)) {
		perr_set(err, PERR_INVALID, NULL, "an advisory document is a JSON object");
		goto out;
	}
	if (read_entries(&r, doc, err) != 0)
		goto out;
	if (!(r.unmapped = json_array()) || !(r.unrelated = json_array())) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	struct store_org_filter f = { .province = province };
	if (store_org_list(st, &f, on_org, &r, NULL, err) != 0)
		goto out;
	if (group_entries(&r, err) != 0)
		goto out;
	if (!(r.memo = malloc(sizeof(*r.memo)))) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	for (size_t gi = 0; gi < r.ngroups; gi++) {
		r.g = &r.groups[gi];
		r.memo->name[0] = '\0';
		r.memo->ok = false;
		r.memo->k = SIZE_MAX;
		const struct entry *e = &r.entries[r.order[r.g->start]];
		if (match_cpe_assets(&r, err) != 0)
			goto out;
		/* feeds name products by vendor and product only: an entry
		** whose vendor or product is a pattern is for assets */
		r.memo_n = r.memo_next = 0;
		if (r.g->plain &&
		    store_host_product_evidence_list(st, e->cpe.f[ADVISORY_CPE_VENDOR],
						     e->cpe.f[ADVISORY_CPE_PRODUCT], NULL, on_host,
						     &r, err) != 0)
			goto out;
	}
	/* each exposure once, under the first entry that names it */
	for (size_t k = 0; k < r.nentries; k++) {
		const char *x = r.entries[k].exposure;
		bool seen_before = false;
		for (size_t j = 0; x && j < k && !seen_before; j++)
			seen_before = r.entries[j].exposure && strcmp(r.entries[j].exposure, x) == 0;
		if (!x || seen_before)
			continue;
		r.cur = k;
		if (store_host_product_evidence_list(st, NULL, NULL, x, on_exposed, &r, err) != 0)
			goto out;
	}
	if (match_text_assets(&r, err) != 0)
		goto out;
	match_audience(&r, doc);
	if (r.oom) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	/* the related first, then the others while the list has room */
	for (size_t i = 0; i < json_array_size(r.unrelated) &&
			   json_array_size(r.unmapped) < TARGET_UNMAPPED_MAX;
	     i++)
		if (json_array_append(r.unmapped, json_array_get(r.unrelated, i)) != 0)
			r.oom = true;
	rc = build(&r, id, out, err);
out:
	if (r.oom && rc == 0)
		rc = -1;
	for (size_t i = 0; i < r.nents; i++) {
		if (r.ents[i].t) {
			json_decref(r.ents[i].t->all);
			json_decref(r.ents[i].t->why);
			free(r.ents[i].t);
		}
	}
	free(r.ents);
	free(r.entries);
	free(r.order);
	free(r.groups);
	free(r.memo);
	kset_free(&r.ipport);
	kset_free(&r.ips);
	json_decref(r.unmapped);
	json_decref(r.unrelated);
	return rc;
}

int advisory_targets_compute(struct store *st, const json_t *doc, int64_t id, json_t **out,
			     struct perr *err)
{
	return compute(st, doc, id, NULL, false, out, err);
}

int advisory_targets_compute_hosts(struct store *st, const json_t *doc, int64_t id,
				   json_t **out, struct perr *err)
{
	return compute(st, doc, id, NULL, true, out, err);
}

/* ------------------------------------------------- preview, exclusions */

/* Targeting is the centre's work: analysts and admins everywhere, a
** provincial analyst in their province (*province set); a constituent or a
** responder, or a credential narrowed to one organisation, may not. p NULL
** is the local operator (the CLI). */
static int cert_scope(const struct principal *p, const char **province, struct perr *err)
{
	*province = NULL;
	if (!p)
		return 0;
	int64_t org;
	identity_list_scope(p, province, &org);
	if (org != 0 || !(p->role & ROLES_CERT))
		return perr_set(err, PERR_FORBIDDEN, NULL,
				"advisory targeting is for the centre's analysts");
	return 0;
}

/* Advisory id's newest document (a new reference), read through
** advisory_get (the record's one reader; p NULL: the caller checked scope). */
static int load_doc(struct store *st, int64_t id, json_t **doc, struct perr *err)
{
	*doc = NULL;
	if (id <= 0)
		return perr_set(err, PERR_NOTFOUND, "id", "advisory %lld not found", (long long)id);
	return advisory_get(st, NULL, id, 0, doc, err);
}

int advisory_preview(struct store *st, const struct principal *p, int64_t id, json_t **out,
		     struct perr *err)
{
	const char *province;
	json_t *doc;
	*out = NULL;
	if (cert_scope(p, &province, err) != 0 || load_doc(st, id, &doc, err) != 0)
		return -1;
	int rc = compute(st, doc, id, province, false, out, err);
	json_decref(doc);
	return rc;
}

int advisory_preview_draft(struct store *st, const struct principal *p, json_t *doc,
			   json_t **out, struct perr *err)
{
	const char *province;
	*out = NULL;
	if (cert_scope(p, &province, err) != 0 || advisory_normalise(doc, err) != 0)
		return -1;
	return compute(st, doc, 0, province, false, out, err);
}

int advisory_exclude(struct store *st, const struct principal *p, const char *actor,
		     int64_t id, int64_t org, const char *reason, struct perr *err)
{
	const char *province;
	struct store_org o;
	json_t *doc;
	/* the request is checked before anything is looked up */
	if (reason) {
		size_t n = strlen(reason);
		bool ctl = false;
		for (size_t i = 0; i < n; i++)
			ctl |= (unsigned char)reason[i] < 0x20 && reason[i] != '\n';
		if (n == 0 || n > TARGET_REASON_MAX || !utf8_valid(reason, n) || ctl)
			return perr_set(err, PERR_INVALID, "reason",
					"a reason of 1 to %d bytes of text is required",
					TARGET_REASON_MAX);
	}
	if (cert_scope(p, &province, err) != 0 || load_doc(st, id, &doc, err) != 0)
		return -1;
	json_decref(doc);
	/* a provincial analyst acts on the organisations of their province */
	if (constituency_org_get(st, p, org, &o, err) != 0)
		return -1;
	char obj[64];
	snprintf(obj, sizeof(obj), "advisory:%lld/org:%lld", (long long)id, (long long)org);
	struct store_adexcl x = { .advisory_id = id, .org_id = org };
	bool had = store_adexcl_get(st, id, org, &x, NULL) == 0;
	json_t *before = had ? json_pack("{ss}", "reason", x.reason) : NULL;
	if (!reason) {
		json_decref(before);
		if (!had)
			return perr_set(err, PERR_NOTFOUND, "org",
					"organisation %lld is not excluded from advisory %lld",
					(long long)org, (long long)id);
		if (store_adexcl_delete(st, id, org, err) != 0)
			return -1;
		return audit_append_json(st, actor, "advisory.include", obj,
					 json_pack("{ss}", "reason", x.reason), NULL, err);
	}
	pstrtrunc(x.reason, reason, sizeof(x.reason)); /* fits: checked above */
	pstrtrunc(x.actor, actor ? actor : "", sizeof(x.actor));
	x.created_ms = core_now_ms();
	if (store_adexcl_set(st, &x, err) != 0) {
		json_decref(before);
		return -1;
	}
	return audit_append_json(st, actor, "advisory.exclude", obj, before,
				 json_pack("{ss}", "reason", reason), err);
}
