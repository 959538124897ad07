/*
** owners.c — whose hosts are whose, for the content judge (issue 12): the
** watch_context that tells watch_judge which hosts on a page belong to the
** site's organisation (its domain assets) and which to another
** organisation of the constituency (a state body's shared service: the
** national payment gateway, a ministry's CDN), so neither is taken for a
** foreign host, and the latter is named with its owner in the verdict.
**
** One load reads every organisation's domains once (the domain assets, and
** the host of a URL asset that is a whole site) into one list sorted by
** domain, which the judge searches by bisection; each site's context then
** points into it (its own organisation's domains, and the list). The
** monitor loads it once per pass, not once per site, and `parapet watch
** analyze --data` builds its one context with monitor_watch_context, so the
** offline analysis and the monitor judge with the same lists.
*/
#include <stdlib.h>
#include <string.h>

#include "constituency/constituency.h"
#include "monitor/monitor.h"
#include "watch/watch.h"

/* --own: at most this many domains on one command line. */
#define OWN_ARGS_MAX 64

struct org_name {
	int64_t id;
	char *name;
};

struct dom {
	int64_t org;
	char *domain; /* canonical (lower case, ASCII, no trailing dot) */
};

struct monitor_owners {
	struct org_name *orgs; /* by id */
	size_t norgs, caporgs;
	struct dom *doms;      /* by organisation, then domain */
	size_t ndoms, capdoms;
	struct watch_owner *all; /* every domain, by domain: ctx->others */
	const char **own;        /* doms' domains in doms' order: ctx->own slices */
	/* monitor_watch_context: the page's organisation and --own domains */
	int64_t org;
	char **extra;
	size_t nextra;
	const char **ctx_own;
};

static int add_org(void *ud, const struct store_org *o)
{
	struct monitor_owners *m = ud;
	if (m->norgs == m->caporgs) {
		size_t nc = m->caporgs ? m->caporgs * 2 : 64;
		struct org_name *p = realloc(m->orgs, nc * sizeof(*p));
		if (!p)
			return 1;
		m->orgs = p;
		m->caporgs = nc;
	}
	char *name = pstr_dup(pstr_c(o->name));
	if (!name)
		return 1;
	m->orgs[m->norgs++] = (struct org_name){ o->id, name };
	return 0;
}

/* The host of a canonical URL asset that is a whole site ("https://host/"
** or with a port), into out; false for a URL with a path (a page on a
** shared host, e.g. one organisation's folder on a hosting platform, owns
** no host) or an address. */
static bool url_site_host(const char *url, char *out, size_t n)
{
	const char *p = strstr(url, "://");
	if (!p)
		return false;
	p += 3;
	size_t hl = strcspn(p, ":/");
	if (p[0] == '[' || hl == 0 || hl >= n)
		return false;
	const char *path = strchr(p + hl, '/');
	if (!path || strcmp(path, "/") != 0)
		return false;
	memcpy(out, p, hl);
	out[hl] = '\0';
	return !watch_host_is_ip(out);
}

static int add_asset(void *ud, const struct store_asset *a)
{
	struct monitor_owners *m = ud;
	char host[WATCH_HOST_MAX];
	const char *d = NULL;
	if (strcmp(a->type, "domain") == 0)
		d = a->value;
	else if (strcmp(a->type, "url") == 0 && url_site_host(a->value, host, sizeof(host)))
		d = host;
	if (!d || strlen(d) >= WATCH_HOST_MAX)
		return 0;
	if (m->ndoms == m->capdoms) {
		size_t nc = m->capdoms ? m->capdoms * 2 : 256;
		struct dom *p = realloc(m->doms, nc * sizeof(*p));
		if (!p)
			return 1;
		m->doms = p;
		m->capdoms = nc;
	}
	char *copy = pstr_dup(pstr_c(d));
	if (!copy)
		return 1;
	m->doms[m->ndoms++] = (struct dom){ a->org_id, copy };
	return 0;
}

static int cmp_org(const void *a, const void *b)
{
	int64_t x = ((const struct org_name *)a)->id, y = ((const struct org_name *)b)->id;
	return x < y ? -1 : x > y;
}

static int cmp_dom(const void *a, const void *b)
{
	const struct dom *x = a, *y = b;
	if (x->org != y->org)
		return x->org < y->org ? -1 : 1;
	return strcmp(x->domain, y->domain);
}

static int cmp_owner(const void *a, const void *b)
{
	return strcmp(((const struct watch_owner *)a)->domain,
		      ((const struct watch_owner *)b)->domain);
}

static const char *org_name_of(const struct monitor_owners *m, int64_t id)
{
	size_t lo = 0, hi = m->norgs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->orgs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->norgs && m->orgs[lo].id == id ? m->orgs[lo].name : "";
}

void monitor_owners_free(struct monitor_owners *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->norgs; i++)
		free(m->orgs[i].name);
	for (size_t i = 0; i < m->ndoms; i++)
		free(m->doms[i].domain);
	for (size_t i = 0; i < m->nextra; i++)
		free(m->extra[i]);
	free(m->orgs);
	free(m->doms);
	free(m->all);
	free(m->own);
	free(m->extra);
	free(m->ctx_own);
	free(m);
}

int monitor_owners_load(struct store *st, struct monitor_owners **out, struct perr *err)
{
	*out = NULL;
	struct monitor_owners *m = calloc(1, sizeof(*m));
	if (!m)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	if (st) {
		struct store_org_filter f = { 0 };
		int64_t total = 0;
		int r = store_org_list(st, &f, add_org, m, &total, err);
		if (r > 0)
			perr_set(err, PERR_INTERNAL, NULL, "out of memory loading organisations");
		if (r != 0)
			goto fail;
		r = store_asset_list(st, 0, add_asset, m, err);
		if (r > 0)
			perr_set(err, PERR_INTERNAL, NULL, "out of memory loading domains");
		if (r != 0)
			goto fail;
	}
	if (m->norgs)
		qsort(m->orgs, m->norgs, sizeof(*m->orgs), cmp_org);
	if (m->ndoms)
		qsort(m->doms, m->ndoms, sizeof(*m->doms), cmp_dom);
	m->all = calloc(m->ndoms ? m->ndoms : 1, sizeof(*m->all));
	m->own = calloc(m->ndoms ? m->ndoms : 1, sizeof(*m->own));
	if (!m->all || !m->own) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < m->ndoms; i++) {
		m->own[i] = m->doms[i].domain;
		m->all[i] = (struct watch_owner){ m->doms[i].domain,
						  org_name_of(m, m->doms[i].org) };
	}
	if (m->ndoms)
		qsort(m->all, m->ndoms, sizeof(*m->all), cmp_owner);
	*out = m;
	return 0;
fail:
	monitor_owners_free(m);
	return -1;
}

void monitor_owners_context(const struct monitor_owners *m, int64_t org,
			    struct watch_context *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	if (!m)
		return;
	ctx->others = m->all;
	ctx->nothers = m->ndoms;
	ctx->sorted = true;
	/* the organisation's slice of doms (sorted by organisation) */
	size_t lo = 0, hi = m->ndoms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->doms[mid].org < org)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (org > 0 && end < m->ndoms && m->doms[end].org == org)
		end++;
	ctx->own = m->own + lo;
	ctx->nown = end - lo;
}

/* Split "a.ir,b.ir" (spaces around names allowed) into canonical domains
** appended to m->extra. PERR_INVALID naming "own" for a name that is not a
** domain (the rule of domain assets: ASCII, punycode for an IDN, below a
** top-level domain). */
static int parse_own(struct monitor_owners *m, const char *list, struct perr *err)
{
	size_t cap = 0;
	/* every piece between commas, so "", "a.ir," and "a.ir,,b.ir" name an
	** empty domain rather than pass for fewer */
	for (const char *p = list; p;) {
		size_t n = strcspn(p, ",");
		struct pstr t = pstr_trim((struct pstr){ p, n });
		p = p[n] == ',' ? p + n + 1 : NULL;
		char name[WATCH_HOST_MAX], canon[512];
		struct perr e;
		perr_clear(&e);
		if (t.n == 0 || pstr_copy(t, name, sizeof(name)) != 0 ||
		    constituency_asset_canon("domain", name, canon, sizeof(canon), &e) != 0)
			return perr_set(err, PERR_INVALID, "own", "'%.*s' is not a domain%s%s",
					(int)(t.n > 80 ? 80 : t.n), t.p, e.msg[0] ? ": " : "", e.msg);
		if (m->nextra == OWN_ARGS_MAX)
			return perr_set(err, PERR_INVALID, "own", "at most %d own domains",
					OWN_ARGS_MAX);
		if (m->nextra == cap) {
			cap = cap ? cap * 2 : 8;
			char **x = realloc(m->extra, cap * sizeof(*x));
			if (!x)
				return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
			m->extra = x;
		}
		if (!(m->extra[m->nextra] = pstr_dup(pstr_c(canon))))
			return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		m->nextra++;
	}
	return 0;
}

/* The organisation owning the page at url (a URL or a bare host): the
** owner of the URL asset it is under, else of the domain its host is
** under; 0 when nobody's. */
static int page_owner(struct store *st, const char *url, int64_t *org, struct perr *err)
{
	*org = 0;
	char host[WATCH_HOST_MAX];
	enum watch_url_kind k;
	struct lookup_result r;
	if (strstr(url, "://")) {
		int f = constituency_lookup(st, LOOKUP_URL, url, &r, err);
		if (f < 0 && err->kind != PERR_INVALID)
			return -1;
		if (f == 1) {
			*org = r.org_id;
			return 0;
		}
		perr_clear(err);
		k = watch_url_host(url, strlen(url), WATCH_DEFAULT_HOST, host);
	} else {
		/* a bare host, as --url also takes it */
		char u[WATCH_HOST_MAX + 8];
		snprintf(u, sizeof(u), "http://%s/", url);
		k = watch_url_host(u, strlen(u), WATCH_DEFAULT_HOST, host);
	}
	if (k != WATCH_URL_HOST || !host[0] || watch_host_is_ip(host))
		return 0;
	int f = constituency_lookup(st, LOOKUP_DOMAIN, host, &r, err);
	if (f < 0) {
		if (err->kind != PERR_INVALID)
			return -1;
		perr_clear(err); /* not a name a domain asset could hold */
		return 0;
	}
	*org = f == 1 ? r.org_id : 0;
	return 0;
}

int monitor_watch_context(struct store *st, const char *url, const char *own,
			  struct monitor_owners **holder, struct watch_context *ctx,
			  struct perr *err)
{
	*holder = NULL;
	memset(ctx, 0, sizeof(*ctx));
	struct monitor_owners *m = NULL;
	if (monitor_owners_load(st, &m, err) != 0)
		return -1;
	if (own && parse_own(m, own, err) != 0)
		goto fail;
	if (st && url && url[0] && page_owner(st, url, &m->org, err) != 0)
		goto fail;
	struct watch_context base;
	monitor_owners_context(m, m->org, &base);
	/* own = the organisation's domains, then the --own ones */
	m->ctx_own = calloc(base.nown + m->nextra + 1, sizeof(*m->ctx_own));
	if (!m->ctx_own) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto fail;
	}
	size_t n = 0;
	for (size_t i = 0; i < base.nown; i++)
		m->ctx_own[n++] = base.own[i];
	for (size_t i = 0; i < m->nextra; i++)
		m->ctx_own[n++] = m->extra[i];
	*ctx = base;
	ctx->own = m->ctx_own;
	ctx->nown = n;
	*holder = m;
	return 0;
fail:
	monitor_owners_free(m);
	return -1;
}

int64_t monitor_owners_org(const struct monitor_owners *m)
{
	return m ? m->org : 0;
}
