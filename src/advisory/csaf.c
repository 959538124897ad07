/*
** csaf.c — CSAF 2.0 in and out: a vendor's advisory read into Parapet's
** document, and Parapet's written as CSAF. Pure: no store, no I/O.
**
** CSAF 2.0 (OASIS) is how vendors (Cisco, Siemens, Red Hat) and CERTs (BSI)
** publish advisories; a national CERT imports theirs to warn its own
** constituency and exports its own for its peers. docs/advisory.md gives
** the mapping both ways and what each direction loses.
**
** Import reads what targeting needs: the product tree (vendor, product and
** version branches, CPE from product_identification_helper, else the name
** mapped with advisory_cpe_from_text, else a CPE-style name made from the
** vendor and product words), the products each vulnerability lists as
** affected (known_affected, first_affected, last_affected) with their
** versions (an exact version, or a product_version_range in the "vers:"
** form or as "<= 4.2"-style bounds; a product with no version at all gets
** its first fixed version, when the advisory names one, as the excluded
** end of its range), CVE ids, the highest CVSS v3 score, remediations as
** actions, references, the TLP label and exploitation threats. A vendor's
** advisory says in words which feature is vulnerable; the service
** exposures of data/advisory/exposures.csv turn those words into the
** exposure a report feed sees (Cisco's "Smart Install" -> the service
** cisco-smart-install scanned on port 4786), for that vendor's products.
**
** Hostile input is bounded: ADVISORY_DOC_MAX bytes, branch depth
** CSAF_DEPTH_MAX, CSAF_NODES_MAX product-tree nodes, CSAF_VULNS_MAX
** vulnerabilities; products beyond ADVISORY_PRODUCTS_MAX are counted in
** source.products_omitted, never silently.
*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"

#define CSAF_DEPTH_MAX 32      /* branch nesting: real trees are under 10 */
#define CSAF_NODES_MAX 100000  /* product-tree nodes walked */
#define CSAF_VULNS_MAX 4096
#define CSAF_STATUS_MAX 100000 /* product ids read from product_status lists */
#define TITLE_MAX 500
#define SUMMARY_MAX 20000
#define ACTIONS_MAX 64
#define REFERENCES_MAX 128
#define NAME_MAX_ 500
#define EXPOSURES_MAX 256

struct embed_file {
	const char *name;
	const unsigned char *data;
	size_t len;
};
extern const struct embed_file advisory_data[]; /* exposures.csv */

/* ------------------------------------------------------------ helpers */

/* s cut to at most max bytes at a UTF-8 character boundary, as a new
** JSON string. */
static json_t *str_cut(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	return json_stringn(s, n);
}

static const char *sget(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static bool ieq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

/* Does text contain phrase as whole words, ignoring ASCII case? */
static bool has_phrase(const char *text, const char *phrase)
{
	size_t n = strlen(phrase);
	if (!n)
		return false;
	for (const char *p = text; *p; p++) {
		if (strncasecmp(p, phrase, n) != 0)
			continue;
		bool left = p == text || !isalnum((unsigned char)p[-1]);
		bool right = !isalnum((unsigned char)p[n]);
		if (left && right)
			return true;
	}
	return false;
}

/* ------------------------------------------------------- product tree */

/* What the tree says of one product id. */
struct prod {
	char id[256];
	char cpe[ADVISORY_CPE_MAX]; /* bound, version ANY; "" = none could be made */
	char version[128];          /* exact version, or "" */
	char start[128], end[128];  /* range bounds, or "" */
	bool start_incl, end_incl;
	char name[NAME_MAX_ + 4];
	char vendor_word[ADVISORY_CPE_FIELD_MAX]; /* the CPE vendor, for exposures */
};

struct tree {
	struct prod *p;
	size_t n, cap;
	size_t nodes;
	size_t *idx;   /* positions in p sorted by id (then position): lookups */
	size_t nidx;   /* entries of p that idx covers */
};

/* Where a walk down the branches is. */
struct path {
	char vendor[256];
	char product[256];
	char version[128];
	char range[256];
};

static int idx_cmp(const void *a, const void *b, void *ctx)
{
	const struct tree *t = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(t->p[x].id, t->p[y].id);
	return c ? c : (x < y ? -1 : x > y);
}

/* (Re)build the id index over every product so far: a vendor's tree can
** hold tens of thousands of ids, each looked up by every status list. */
static int tree_index(struct tree *t)
{
	size_t *idx = realloc(t->idx, (t->n + 1) * sizeof(*idx));
	if (!idx)
		return -1;
	t->idx = idx;
	for (size_t i = 0; i < t->n; i++)
		idx[i] = i;
	qsort_r(idx, t->n, sizeof(*idx), idx_cmp, t);
	t->nidx = t->n;
	return 0;
}

/* The product of id: the first of that id in the tree (a document naming
** one id twice is malformed; the first stands), or NULL. Only products
** indexed by tree_index are found. */
static struct prod *prod_find(const struct tree *t, const char *id)
{
	size_t lo = 0, hi = t->nidx;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(t->p[t->idx[mid]].id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->nidx && strcmp(t->p[t->idx[lo]].id, id) == 0)
		return &t->p[t->idx[lo]];
	return NULL;
}

/* A CPE-style word from free text: lower case, spaces as '_', and only
** the characters a CPE value holds unquoted (NVD names products so). */
static void cpe_word(const char *s, char *out, size_t n)
{
	size_t k = 0;
	for (; *s && k + 1 < n; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '.' || c == '-')
			out[k++] = (char)tolower(c);
		else if ((c == ' ' || c == '_') && k && out[k - 1] != '_')
			out[k++] = '_';
	}
	while (k && (out[k - 1] == '_' || out[k - 1] == '.' || out[k - 1] == '-'))
		k--;
	out[k] = '\0';
}

/* CPE 2.2 URI ("cpe:/a:redhat:openshift:4.6::el8") to a 2.3 struct. */
static int cpe22(const char *s, struct advisory_cpe *out)
{
	memset(out, 0, sizeof(*out));
	if (strncasecmp(s, "cpe:/", 5) != 0)
		return -1;
	const char *p = s + 5;
	for (int f = 0; f < ADVISORY_CPE_FIELDS; f++)
		PSTRCPY(out->f[f], "*");
	/* part, vendor, product, version, update, edition, language */
	for (int f = ADVISORY_CPE_PART; f <= ADVISORY_CPE_LANGUAGE && *p; f++) {
		const char *e = strchr(p, ':');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char v[ADVISORY_CPE_FIELD_MAX];
		size_t k = 0;
		for (size_t i = 0; i < len && k + 1 < sizeof(v); i++) {
			unsigned char c = (unsigned char)p[i];
			if (c == '%' && i + 2 < len && isxdigit((unsigned char)p[i + 1]) &&
			    isxdigit((unsigned char)p[i + 2])) {
				char hex[3] = { p[i + 1], p[i + 2], 0 };
				c = (unsigned char)strtol(hex, NULL, 16);
				i += 2;
			}
			v[k++] = (char)tolower(c);
		}
		v[k] = '\0';
		if (len >= sizeof(v))
			return -1;
		if (k) /* empty in a 2.2 URI is ANY */
			pstrtrunc(out->f[f], v, sizeof(out->f[f]));
		if (!e)
			break;
		p = e + 1;
	}
	const char *part = out->f[ADVISORY_CPE_PART];
	if (strcmp(part, "a") != 0 && strcmp(part, "o") != 0 && strcmp(part, "h") != 0)
		return -1;
	/* through the 2.3 parser, so the values are checked as ours are */
	char bound[ADVISORY_CPE_MAX];
	if (!advisory_cpe_format(out, bound))
		return -1;
	return advisory_cpe_parse(bound, strlen(bound), out, NULL);
}

/* The CPE of a product: the helper's name, else the branch words mapped,
** else a name made of them. The version of a helper's name, when it has
** one and the branches do not, becomes the product's version. */
static void prod_cpe(struct prod *pr, const json_t *product, const struct path *path)
{
	struct advisory_cpe c;
	bool ok = false;
	const json_t *helper = json_object_get(product, "product_identification_helper");
	const char *hc = sget(helper, "cpe");
	if (strncasecmp(hc, "cpe:2.3:", 8) == 0)
		ok = advisory_cpe_parse(hc, strlen(hc), &c, NULL) == 0;
	else if (hc[0])
		ok = cpe22(hc, &c) == 0;
	if (ok) {
		const char *v = c.f[ADVISORY_CPE_VERSION];
		if (!pr->version[0] && !pr->start[0] && !pr->end[0] && strcmp(v, "*") != 0 &&
		    strcmp(v, "-") != 0)
			pstrtrunc(pr->version, v, sizeof(pr->version));
	}
	char text[600];
	if (!ok && path->product[0]) {
		snprintf(text, sizeof(text), "%s %s", path->vendor, path->product);
		ok = advisory_cpe_from_text(text, strlen(text), &c) == 1 ||
		     advisory_cpe_from_text(path->product, strlen(path->product), &c) == 1;
	}
	if (!ok && path->vendor[0] && path->product[0]) {
		memset(&c, 0, sizeof(c));
		for (int f = 0; f < ADVISORY_CPE_FIELDS; f++)
			PSTRCPY(c.f[f], "*");
		cpe_word(path->vendor, c.f[ADVISORY_CPE_VENDOR], sizeof(c.f[0]));
		cpe_word(path->product, c.f[ADVISORY_CPE_PRODUCT], sizeof(c.f[0]));
		ok = c.f[ADVISORY_CPE_VENDOR][0] && c.f[ADVISORY_CPE_PRODUCT][0];
	}
	if (!ok)
		return;
	PSTRCPY(c.f[ADVISORY_CPE_VERSION], "*");
	PSTRCPY(pr->vendor_word, c.f[ADVISORY_CPE_VENDOR]);
	if (!advisory_cpe_format(&c, pr->cpe))
		pr->cpe[0] = '\0';
}

/* A version range as a branch names it: "vers:generic/>=1.0|<2.0" (the
** CSAF-recommended form) or bounds written plainly ("<= 4.2", ">=1.0 <2.0").
** Returns false when it cannot be read (the product then stands for every
** version: an advisory's product is not dropped for a range we cannot
** read). */
static bool range_parse(const char *s, struct prod *pr)
{
	const char *p = s;
	if (strncasecmp(p, "vers:", 5) == 0) {
		p = strchr(p, '/');
		if (!p)
			return false;
		p++;
	}
	char lo[128] = "", hi[128] = "";
	bool lo_incl = true, hi_incl = false, any = false;
	while (*p) {
		while (*p == ' ' || *p == '|' || *p == ',')
			p++;
		if (!*p)
			break;
		const char *op = p;
		while (*p == '<' || *p == '>' || *p == '=' || *p == '!')
			p++;
		size_t oplen = (size_t)(p - op);
		while (*p == ' ')
			p++;
		const char *v = p;
		while (*p && *p != ' ' && *p != '|' && *p != ',')
			p++;
		size_t vlen = (size_t)(p - v);
		if (vlen == 0 || vlen >= sizeof(lo))
			return false;
		if (vlen == 1 && v[0] == '*') {
			any = true;
			continue;
		}
		if (oplen == 2 && op[0] == '>' && op[1] == '=') {
			memcpy(lo, v, vlen), lo[vlen] = '\0', lo_incl = true;
		} else if (oplen == 1 && op[0] == '>') {
			memcpy(lo, v, vlen), lo[vlen] = '\0', lo_incl = false;
		} else if (oplen == 2 && op[0] == '<' && op[1] == '=') {
			memcpy(hi, v, vlen), hi[vlen] = '\0', hi_incl = true;
		} else if (oplen == 1 && op[0] == '<') {
			memcpy(hi, v, vlen), hi[vlen] = '\0', hi_incl = false;
		} else {
			return false; /* "=" lists and "!=" exclusions: not one range */
		}
	}
	if (!lo[0] && !hi[0])
		return any;
	PSTRCPY(pr->start, lo);
	PSTRCPY(pr->end, hi);
	pr->start_incl = lo_incl;
	pr->end_incl = hi_incl;
	return true;
}

static int prod_add(struct tree *t, const json_t *product, const struct path *path)
{
	const char *id = sget(product, "product_id");
	if (!id[0] || strlen(id) >= sizeof(t->p[0].id))
		return 0;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct prod *np = realloc(t->p, cap * sizeof(*np));
		if (!np)
			return -1;
		t->p = np;
		t->cap = cap;
	}
	struct prod *pr = &t->p[t->n];
	memset(pr, 0, sizeof(*pr));
	pstrtrunc(pr->id, id, sizeof(pr->id));
	pstrtrunc(pr->name, sget(product, "name"), NAME_MAX_);
	if (path->version[0])
		PSTRCPY(pr->version, path->version);
	else if (path->range[0])
		range_parse(path->range, pr);
	prod_cpe(pr, product, path);
	t->n++;
	return 0;
}

static int walk(struct tree *t, const json_t *branches, const struct path *up, int depth,
		struct perr *err)
{
	if (!json_is_array(branches))
		return 0;
	if (depth > CSAF_DEPTH_MAX)
		return perr_set(err, PERR_LIMIT, "product_tree",
				"product_tree: branches nested deeper than %d", CSAF_DEPTH_MAX);
	size_t i;
	const json_t *b;
	json_array_foreach(branches, i, b) {
		if (++t->nodes > CSAF_NODES_MAX)
			return perr_set(err, PERR_LIMIT, "product_tree",
					"product_tree: more than %d nodes", CSAF_NODES_MAX);
		struct path here = *up;
		const char *cat = sget(b, "category"), *name = sget(b, "name");
		if (strcmp(cat, "vendor") == 0)
			pstrtrunc(here.vendor, name, sizeof(here.vendor));
		else if (strcmp(cat, "product_name") == 0 || strcmp(cat, "product_family") == 0)
			pstrtrunc(here.product, name, sizeof(here.product));
		else if (strcmp(cat, "product_version") == 0 || strcmp(cat, "service_pack") == 0 ||
			 strcmp(cat, "patch_level") == 0) {
			/* the deepest names the release: Cisco's service_pack
			** 15.2(4)E7 under the train 15.2E */
			pstrtrunc(here.version, name, sizeof(here.version));
			here.range[0] = '\0';
		} else if (strcmp(cat, "product_version_range") == 0) {
			pstrtrunc(here.range, name, sizeof(here.range));
			here.version[0] = '\0';
		}
		const json_t *product = json_object_get(b, "product");
		if (json_is_object(product) && prod_add(t, product, &here) != 0)
			return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		if (walk(t, json_object_get(b, "branches"), &here, depth + 1, err) != 0)
			return -1;
	}
	return 0;
}

static int tree_read(struct tree *t, const json_t *pt, struct perr *err)
{
	struct path root = { 0 };
	if (walk(t, json_object_get(pt, "branches"), &root, 0, err) != 0)
		return -1;
	/* full_product_names: a name and perhaps a helper, no branches */
	size_t i;
	const json_t *f;
	json_array_foreach(json_object_get(pt, "full_product_names"), i, f) {
		if (++t->nodes > CSAF_NODES_MAX)
			return perr_set(err, PERR_LIMIT, "product_tree",
					"product_tree: more than %d nodes", CSAF_NODES_MAX);
		struct path p = { 0 };
		pstrtrunc(p.product, sget(f, "name"), sizeof(p.product));
		if (prod_add(t, f, &p) != 0)
			return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	}
	if (tree_index(t) != 0)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	/* relationships: "component X of platform Y" is X, as far as which
	** product is vulnerable goes */
	const json_t *r;
	json_array_foreach(json_object_get(pt, "relationships"), i, r) {
		if (++t->nodes > CSAF_NODES_MAX)
			return perr_set(err, PERR_LIMIT, "product_tree",
					"product_tree: more than %d nodes", CSAF_NODES_MAX);
		const json_t *fpn = json_object_get(r, "full_product_name");
		const char *id = sget(fpn, "product_id");
		struct prod *ref = prod_find(t, sget(r, "product_reference"));
		if (!id[0] || !ref || strlen(id) >= sizeof(ref->id) || prod_find(t, id))
			continue;
		struct prod copy = *ref;
		pstrtrunc(copy.id, id, sizeof(copy.id));
		if (t->n == t->cap) {
			size_t cap = t->cap * 2;
			struct prod *np = realloc(t->p, cap * sizeof(*np));
			if (!np)
				return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
			t->p = np;
			t->cap = cap;
		}
		t->p[t->n++] = copy;
	}
	return tree_index(t) == 0 ? 0 : perr_set(err, PERR_INTERNAL, NULL, "out of memory");
}

/* ------------------------------------------------------------ exposures */

struct exposure {
	char name[64];
	char vendor[ADVISORY_CPE_FIELD_MAX];
	char phrase[128];
};

/* The built-in table (data/advisory/exposures.csv); *n rows into rows. A
** malformed row is skipped: the file is ours and checked by a unit test. */
static size_t exposures_load(struct exposure *rows, size_t max)
{
	const struct embed_file *f = advisory_data;
	while (f->name && strcmp(f->name, "exposures.csv") != 0)
		f++;
	if (!f->name)
		return 0;
	struct pstr rest = { (const char *)f->data, f->len }, line;
	size_t n = 0;
	bool header = true;
	while (rest.n && n < max) {
		pstr_cut(rest, '\n', &line, &rest); /* the last line: rest empties */
		line = pstr_trim(line);
		if (!line.n || line.p[0] == '#')
			continue;
		if (header) {
			header = false;
			continue;
		}
		struct pstr a, b, c;
		if (!pstr_cut(line, ',', &a, &b) || !pstr_cut(b, ',', &b, &c))
			continue;
		struct exposure *e = &rows[n];
		if (pstr_copy(pstr_trim(a), e->name, sizeof(e->name)) != 0 ||
		    pstr_copy(pstr_trim(b), e->vendor, sizeof(e->vendor)) != 0 ||
		    pstr_copy(pstr_trim(c), e->phrase, sizeof(e->phrase)) != 0 || !e->name[0] ||
		    !e->vendor[0] || !e->phrase[0])
			continue;
		n++;
	}
	return n;
}

size_t advisory_exposure_count(void)
{
	struct exposure rows[EXPOSURES_MAX];
	return exposures_load(rows, EXPOSURES_MAX);
}

/* The exposure vendor's products get, or NULL; named[i]: row i's phrase is
** in what the advisory says the flaw is in (looked for once per import). */
static const char *exposure_of(const struct exposure *rows, const bool *named, size_t n,
			       const char *vendor)
{
	for (size_t i = 0; i < n; i++)
		if (named[i] && strcmp(rows[i].vendor, vendor) == 0)
			return rows[i].name;
	return NULL;
}

/* --------------------------------------------------------------- import */

struct import {
	json_t *csaf;    /* the input */
	json_t *doc;     /* ours */
	struct tree t;
	struct pbuf flaw; /* title, vulnerability titles and summaries: what is vulnerable */
	size_t statuses;
	size_t omitted;
};

static int add_unique(json_t *arr, json_t *v)
{
	size_t i;
	json_t *x;
	json_array_foreach(arr, i, x) {
		if (json_equal(x, v)) {
			json_decref(v);
			return 0;
		}
	}
	return json_array_append_new(arr, v);
}

/* The summary: the document's summary notes, else the first
** vulnerability's summary or description. */
static void import_summary(struct import *im)
{
	struct pbuf b;
	pbuf_init(&b, SUMMARY_MAX * 2);
	size_t i;
	const json_t *n;
	json_array_foreach(json_object_get(json_object_get(im->csaf, "document"), "notes"), i, n)
		if (strcmp(sget(n, "category"), "summary") == 0)
			pbuf_addf(&b, "%s%s", b.len ? "\n\n" : "", sget(n, "text"));
	const json_t *v;
	json_array_foreach(json_object_get(im->csaf, "vulnerabilities"), i, v) {
		if (b.len)
			break;
		size_t k;
		json_array_foreach(json_object_get(v, "notes"), k, n) {
			const char *cat = sget(n, "category");
			if (strcmp(cat, "summary") == 0 || strcmp(cat, "description") == 0) {
				pbuf_adds(&b, sget(n, "text"));
				break;
			}
		}
	}
	const char *s = pbuf_cstr(&b);
	if (s && s[0])
		json_object_set_new(im->doc, "summary",
				    json_pack("{so}", "en", str_cut(s, SUMMARY_MAX)));
	pbuf_free(&b);
}

static const char *action_kind(const char *cat)
{
	if (strcmp(cat, "vendor_fix") == 0)
		return "patch";
	if (strcmp(cat, "workaround") == 0)
		return "workaround";
	if (strcmp(cat, "mitigation") == 0)
		return "mitigation";
	return NULL; /* none_available, no_fix_planned: nothing to do, said in notes */
}

static bool http_url(const char *u)
{
	return (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0) &&
	       strlen(u) <= 2048 && !strchr(u, ' ');
}

static void add_reference(json_t *refs, const json_t *r)
{
	const char *url = sget(r, "url");
	if (!http_url(url) || json_array_size(refs) >= REFERENCES_MAX)
		return;
	size_t i;
	const json_t *x;
	json_array_foreach(refs, i, x)
		if (strcmp(sget(x, "url"), url) == 0)
			return;
	json_t *o = json_pack("{ss}", "url", url);
	const char *sm = sget(r, "summary");
	if (o && sm[0])
		json_object_set_new(o, "summary", str_cut(sm, 1000));
	if (o)
		json_array_append_new(refs, o);
}

/* Words that say a threat's exploit_status is exploitation seen. */
static bool exploited_text(const char *s)
{
	return has_phrase(s, "in the wild") || has_phrase(s, "actively exploited") ||
	       has_phrase(s, "active exploitation") || has_phrase(s, "exploited");
}

static bool negated(const char *s)
{
	return has_phrase(s, "not") || has_phrase(s, "no") || has_phrase(s, "unaware");
}

/* One vulnerability: CVE, score, remediations, references, affected ids. */
static int import_vuln(struct import *im, const json_t *v, bool *affected, bool *fixed,
		       struct advisory_cvss *best, json_t *actions, json_t *refs,
		       struct perr *err)
{
	const char *cve = sget(v, "cve");
	if (cve[0] && add_unique(json_object_get(im->doc, "cves"), json_string(cve)) != 0)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	pbuf_addf(&im->flaw, "\n%s", sget(v, "title"));
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(v, "notes"), i, x)
		if (strcmp(sget(x, "category"), "summary") == 0)
			pbuf_addf(&im->flaw, "\n%s", sget(x, "text"));
	json_array_foreach(json_object_get(v, "scores"), i, x) {
		const char *vec = sget(json_object_get(x, "cvss_v3"), "vectorString");
		struct advisory_cvss c;
		if (vec[0] && advisory_cvss_parse(vec, strlen(vec), &c, NULL) == 0 &&
		    (!best->vector[0] || c.base > best->base))
			*best = c;
	}
	json_array_foreach(json_object_get(v, "threats"), i, x) {
		const char *d = sget(x, "details");
		if (strcmp(sget(x, "category"), "exploit_status") == 0 && exploited_text(d) &&
		    !negated(d))
			json_object_set_new(im->doc, "exploited", json_true());
	}
	json_array_foreach(json_object_get(v, "remediations"), i, x) {
		const char *kind = action_kind(sget(x, "category"));
		if (!kind || json_array_size(actions) >= ACTIONS_MAX)
			continue;
		json_t *a = json_pack("{ss}", "kind", kind);
		if (!a)
			return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		const char *url = sget(x, "url"), *det = sget(x, "details");
		if (http_url(url))
			json_object_set_new(a, "url", json_string(url));
		if (det[0])
			json_object_set_new(a, "text", json_pack("{so}", "en", str_cut(det, 20000)));
		if (json_object_size(a) < 2)
			json_decref(a);
		else if (add_unique(actions, a) != 0)
			return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	}
	json_array_foreach(json_object_get(v, "references"), i, x)
		add_reference(refs, x);
	/* which products: affected ones listed, fixed ones noted for ranges */
	static const char *const aff[] = { "known_affected", "first_affected", "last_affected" };
	static const char *const fix[] = { "first_fixed", "fixed" };
	const json_t *ps = json_object_get(v, "product_status");
	for (size_t k = 0; k < ARRAY_SIZE(aff) + ARRAY_SIZE(fix); k++) {
		bool is_aff = k < ARRAY_SIZE(aff);
		const json_t *ids =
			json_object_get(ps, is_aff ? aff[k] : fix[k - ARRAY_SIZE(aff)]);
		json_array_foreach(ids, i, x) {
			if (++im->statuses > CSAF_STATUS_MAX)
				return perr_set(err, PERR_LIMIT, "vulnerabilities",
						"more than %d product statuses", CSAF_STATUS_MAX);
			const char *id = json_string_value(x);
			const struct prod *pr = id ? prod_find(&im->t, id) : NULL;
			if (pr)
				(is_aff ? affected : fixed)[pr - im->t.p] = true;
		}
	}
	return 0;
}

/* A product with no version at all that the advisory also lists fixed in
** some version: the first fixed version (the lowest) ends its range. */
static void fixed_end(struct import *im, struct prod *pr, const bool *fixed)
{
	const char *lowest = NULL;
	for (size_t i = 0; i < im->t.n; i++) {
		const struct prod *f = &im->t.p[i];
		if (!fixed[i] || !f->version[0] || strcmp(f->cpe, pr->cpe) != 0)
			continue;
		if (!lowest || advisory_version_cmp(f->version, strlen(f->version), lowest,
						    strlen(lowest)) < 0)
			lowest = f->version;
	}
	if (lowest) {
		pstrtrunc(pr->end, lowest, sizeof(pr->end));
		pr->end_incl = false;
	}
}

static int import_products(struct import *im, const bool *affected, const bool *fixed,
			   struct perr *err)
{
	json_t *products = json_object_get(im->doc, "products");
	struct exposure rows[EXPOSURES_MAX];
	size_t nrows = exposures_load(rows, EXPOSURES_MAX);
	const char *flaw = pbuf_cstr(&im->flaw);
	if (!flaw)
		flaw = "";
	bool named[EXPOSURES_MAX];
	for (size_t r = 0; r < nrows; r++)
		named[r] = has_phrase(flaw, rows[r].phrase);
	char **keys = calloc(ADVISORY_PRODUCTS_MAX, sizeof(*keys)); /* of the entries kept */
	size_t nkeys = 0;
	int rc = 0;
	if (!keys)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	for (size_t i = 0; i < im->t.n; i++) {
		struct prod *pr = &im->t.p[i];
		if (!affected[i] || !pr->cpe[0])
			continue;
		if (json_array_size(products) >= ADVISORY_PRODUCTS_MAX) {
			im->omitted++; /* counted before dedup: an upper bound */
			continue;
		}
		if (!pr->version[0] && !pr->start[0] && !pr->end[0])
			fixed_end(im, pr, fixed);
		json_t *o = json_pack("{ss}", "cpe", pr->cpe);
		if (!o) {
			rc = perr_set(err, PERR_INTERNAL, NULL, "out of memory");
			break;
		}
		if (pr->version[0])
			json_object_set_new(o, "version", json_string(pr->version));
		if (pr->start[0]) {
			json_object_set_new(o, "start", json_string(pr->start));
			json_object_set_new(o, "start_incl", json_boolean(pr->start_incl));
		}
		if (pr->end[0]) {
			json_object_set_new(o, "end", json_string(pr->end));
			json_object_set_new(o, "end_incl", json_boolean(pr->end_incl));
		}
		const char *ex = exposure_of(rows, named, nrows, pr->vendor_word);
		if (ex)
			json_object_set_new(o, "exposure", json_string(ex));
		if (pr->name[0])
			json_object_set_new(o, "name", str_cut(pr->name, TITLE_MAX));
		/* the same product and versions named twice (two product ids,
		** two vulnerabilities) is one entry */
		char key[sizeof(pr->cpe) + 3 * 128 + 80];
		snprintf(key, sizeof(key), "%s|%s|%s|%d|%s|%d|%s", pr->cpe, pr->version, pr->start,
			 pr->start_incl, pr->end, pr->end_incl, ex ? ex : "");
		bool dup = false;
		for (size_t k = 0; k < nkeys && !dup; k++)
			dup = strcmp(keys[k], key) == 0;
		if (dup) {
			json_decref(o);
			continue;
		}
		keys[nkeys] = strdup(key); /* nkeys < ADVISORY_PRODUCTS_MAX: checked above */
		if (!keys[nkeys]) {
			json_decref(o);
			rc = perr_set(err, PERR_INTERNAL, NULL, "out of memory");
			break;
		}
		nkeys++;
		if (json_array_append_new(products, o) != 0) {
			rc = perr_set(err, PERR_INTERNAL, NULL, "out of memory");
			break;
		}
	}
	for (size_t k = 0; k < nkeys; k++)
		free(keys[k]);
	free(keys);
	return rc;
}

static const char *tlp_from_csaf(const char *label)
{
	if (ieq(label, "WHITE") || ieq(label, "CLEAR"))
		return "CLEAR"; /* TLP 1.0's WHITE is 2.0's CLEAR */
	if (ieq(label, "GREEN") || ieq(label, "AMBER") || ieq(label, "RED"))
		return label;
	return NULL;
}

/* A vendor's tracking id as our ref: the characters a ref holds, the rest
** as '-'. */
static void ref_from(const char *id, char *out, size_t n)
{
	size_t k = 0;
	for (; *id && k + 1 < n && k < 63; id++)
		out[k++] = (isalnum((unsigned char)*id) || strchr("-_.:+/", *id)) ? *id : '-';
	out[k] = '\0';
}

static int import_run(struct import *im, struct perr *err)
{
	const json_t *d = json_object_get(im->csaf, "document");
	if (!json_is_object(im->csaf) || !json_is_object(d))
		return perr_set(err, PERR_INVALID, "document", "not a CSAF document: no document");
	if (strcmp(sget(d, "csaf_version"), "2.0") != 0)
		return perr_set(err, PERR_INVALID, "document.csaf_version",
				"document.csaf_version must be 2.0");
	const char *title = sget(d, "title");
	if (!title[0])
		return perr_set(err, PERR_INVALID, "document.title", "document.title is required");
	const json_t *tr = json_object_get(d, "tracking");
	const char *tid = sget(tr, "id");
	if (!tid[0])
		return perr_set(err, PERR_INVALID, "document.tracking.id",
				"document.tracking.id is required");
	const json_t *vulns = json_object_get(im->csaf, "vulnerabilities");
	if (json_array_size(vulns) > CSAF_VULNS_MAX)
		return perr_set(err, PERR_LIMIT, "vulnerabilities", "more than %d vulnerabilities",
				CSAF_VULNS_MAX);
	char ref[64];
	ref_from(tid, ref, sizeof(ref));
	im->doc = json_pack("{ss s{so} s[] s[] s[] s[] sb}", "ref", ref, "title", "en",
			    str_cut(title, TITLE_MAX), "cves", "products", "actions", "references",
			    "exploited", 0);
	if (!im->doc)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	pbuf_adds(&im->flaw, title);
	import_summary(im);
	const char *label = sget(json_object_get(json_object_get(d, "distribution"), "tlp"),
				 "label");
	if (tlp_from_csaf(label))
		json_object_set_new(im->doc, "tlp", json_string(tlp_from_csaf(label)));
	if (tree_read(&im->t, json_object_get(im->csaf, "product_tree"), err) != 0)
		return -1;
	bool *affected = calloc(im->t.n + 1, sizeof(bool)), *fixed = calloc(im->t.n + 1, 1);
	json_t *actions = json_object_get(im->doc, "actions"),
	       *refs = json_object_get(im->doc, "references");
	int rc = -1;
	if (!affected || !fixed) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(d, "references"), i, x)
		add_reference(refs, x);
	struct advisory_cvss best = { 0 };
	json_array_foreach(vulns, i, x)
		if (import_vuln(im, x, affected, fixed, &best, actions, refs, err) != 0)
			goto out;
	if (best.vector[0])
		json_object_set_new(im->doc, "cvss", json_string(best.vector));
	if (import_products(im, affected, fixed, err) != 0)
		goto out;
	const json_t *pub = json_object_get(d, "publisher");
	json_t *src = json_pack("{ss ss ss ss ss ss}", "format", "csaf", "publisher",
				sget(pub, "name"), "namespace", sget(pub, "namespace"),
				"tracking_id", tid, "version", sget(tr, "version"), "category",
				sget(d, "category"));
	if (!src) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	const char *dates[] = { "initial_release_date", "current_release_date" };
	for (size_t k = 0; k < 2; k++)
		if (sget(tr, dates[k])[0])
			json_object_set_new(src, dates[k], str_cut(sget(tr, dates[k]), 40));
	if (im->omitted)
		json_object_set_new(src, "products_omitted", json_integer((json_int_t)im->omitted));
	json_object_set_new(im->doc, "source", src);
	rc = advisory_normalise(im->doc, err);
out:
	free(affected);
	free(fixed);
	return rc;
}

int advisory_csaf_import(const char *json, size_t len, json_t **out, struct perr *err)
{
	*out = NULL;
	if (len > ADVISORY_DOC_MAX)
		return perr_set(err, PERR_LIMIT, NULL, "the CSAF document is larger than %u bytes",
				ADVISORY_DOC_MAX);
	json_error_t je;
	struct import im = { 0 };
	im.csaf = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!im.csaf)
		return perr_set(err, PERR_INVALID, NULL, "not JSON (line %d: %s)", je.line,
				je.text);
	pbuf_init(&im.flaw, 1u << 20);
	int rc = import_run(&im, err);
	if (rc == 0) {
		*out = im.doc;
		im.doc = NULL;
	}
	json_decref(im.doc);
	json_decref(im.csaf);
	free(im.t.p);
	free(im.t.idx);
	pbuf_free(&im.flaw);
	return rc;
}

/* --------------------------------------------------------------- export */

/* The words of a CPE value for people ("ios_xe" -> "ios xe"). */
static void cpe_human(const char *v, char *out, size_t n)
{
	size_t k = 0;
	for (; *v && k + 1 < n; v++)
		out[k++] = *v == '_' ? ' ' : *v;
	out[k] = '\0';
}

/* branches[] (of a vendor or product node) holding the child named name of
** category cat: found or appended; NULL on out of memory. */
static json_t *branch_child(json_t *branches, const char *cat, const char *name)
{
	size_t i;
	json_t *b;
	json_array_foreach(branches, i, b)
		if (strcmp(sget(b, "category"), cat) == 0 && strcmp(sget(b, "name"), name) == 0)
			return b;
	b = json_pack("{ss ss s[]}", "category", cat, "name", name, "branches");
	if (!b || json_array_append_new(branches, b) != 0)
		return NULL;
	return b;
}

/* The product's leaf: its version (exact), its range as "vers:generic/...",
** or every version. */
static void leaf_name(const json_t *p, char *out, size_t n, const char **cat)
{
	const char *v = sget(p, "version"), *s = sget(p, "start"), *e = sget(p, "end");
	if (v[0]) {
		*cat = "product_version";
		snprintf(out, n, "%s", v);
		return;
	}
	*cat = "product_version_range";
	if (!s[0] && !e[0]) {
		snprintf(out, n, "vers:all/*");
		return;
	}
	char lo[160] = "", hi[160] = "";
	if (s[0])
		snprintf(lo, sizeof(lo), "%s%s", json_is_true(json_object_get(p, "start_incl"))
							? ">="
							: ">",
			 s);
	if (e[0])
		snprintf(hi, sizeof(hi), "%s%s", json_is_true(json_object_get(p, "end_incl"))
							? "<="
							: "<",
			 e);
	snprintf(out, n, "vers:generic/%s%s%s", lo, lo[0] && hi[0] ? "|" : "", hi);
}

static int export_products(const json_t *adv, json_t *tree, json_t *ids, struct perr *err)
{
	json_t *branches = json_object_get(tree, "branches");
	size_t i;
	const json_t *p;
	json_array_foreach(json_object_get(adv, "products"), i, p) {
		const char *cs = sget(p, "cpe");
		struct advisory_cpe c;
		if (advisory_cpe_parse(cs, strlen(cs), &c, NULL) != 0)
			continue;
		char vendor[ADVISORY_CPE_FIELD_MAX], product[ADVISORY_CPE_FIELD_MAX];
		cpe_human(c.f[ADVISORY_CPE_VENDOR], vendor, sizeof(vendor));
		cpe_human(c.f[ADVISORY_CPE_PRODUCT], product, sizeof(product));
		const char *cat;
		char leaf[400];
		leaf_name(p, leaf, sizeof(leaf), &cat);
		char id[32], name[1024];
		snprintf(id, sizeof(id), "CSAFPID-%04zu", i + 1);
		const char *nm = sget(p, "name");
		if (nm[0])
			snprintf(name, sizeof(name), "%s", nm);
		else
			snprintf(name, sizeof(name), "%s %s %s", vendor, product,
				 strcmp(leaf, "vers:all/*") == 0 ? "(all versions)" : leaf);
		/* an exact version is part of the CPE name the helper gives */
		if (sget(p, "version")[0])
			pstrtrunc(c.f[ADVISORY_CPE_VERSION], sget(p, "version"),
				  sizeof(c.f[0]));
		for (char *q = c.f[ADVISORY_CPE_VERSION]; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		char cpe[ADVISORY_CPE_MAX];
		json_t *prod = json_pack("{ss ss}", "product_id", id, "name", name);
		if (prod && advisory_cpe_format(&c, cpe))
			json_object_set_new(prod, "product_identification_helper",
					    json_pack("{ss}", "cpe", cpe));
		json_t *vb = branch_child(branches, "vendor", vendor);
		json_t *pb = vb ? branch_child(json_object_get(vb, "branches"), "product_name",
					       product)
				: NULL;
		json_t *lb = prod && pb ? json_pack("{ss ss so}", "category", cat, "name", leaf,
						    "product", prod)
					: NULL;
		if (!lb || json_array_append_new(json_object_get(pb, "branches"), lb) != 0 ||
		    json_array_append_new(ids, json_string(id)) != 0) {
			if (!lb)
				json_decref(prod);
			return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		}
	}
	return 0;
}

static const char *tlp_to_csaf(const char *tlp)
{
	if (strcmp(tlp, "CLEAR") == 0)
		return "WHITE"; /* CSAF 2.0 names TLP 1.0's labels */
	if (strcmp(tlp, "AMBER+STRICT") == 0)
		return "AMBER"; /* the nearest 1.0 label; distribution.text says STRICT */
	return tlp;
}

static const char *cat_of_kind(const char *kind)
{
	if (strcmp(kind, "patch") == 0)
		return "vendor_fix";
	return kind; /* workaround, mitigation: the same words */
}

/* A CVSS 3.x score as the FIRST schema writes it, or NULL (none, or 4.0:
** CSAF 2.0 has no place for it). */
static json_t *cvss_v3(const json_t *adv)
{
	const char *vec = sget(adv, "cvss");
	struct advisory_cvss c;
	if (!vec[0] || advisory_cvss_parse(vec, strlen(vec), &c, NULL) != 0 ||
	    c.version != ADVISORY_CVSS_31)
		return NULL;
	char sev[16];
	size_t k = 0;
	for (const char *s = c.severity; *s && k + 1 < sizeof(sev); s++)
		sev[k++] = (char)toupper((unsigned char)*s);
	sev[k] = '\0';
	/* the vector as given: 3.0 or 3.1 (the schema ties the prefix to
	** "version") */
	const char *ver = strncmp(vec, "CVSS:3.0/", 9) == 0 ? "3.0" : "3.1";
	char full[ADVISORY_CVSS_VECTOR_MAX];
	snprintf(full, sizeof(full), "%s", c.vector);
	if (strcmp(ver, "3.0") == 0 && strncmp(full, "CVSS:3.1/", 9) == 0)
		full[7] = '0';
	return json_pack("{ss ss sf ss}", "version", ver, "vectorString", full, "baseScore",
			 c.base, "baseSeverity", sev);
}

int advisory_csaf_export(const json_t *advisory, const struct config *cfg, json_t **out,
			 struct perr *err)
{
	*out = NULL;
	const json_t *adv = advisory;
	if (!json_is_object(adv) || !sget(json_object_get(adv, "title"), "en")[0] ||
	    !sget(adv, "ref")[0])
		return perr_set(err, PERR_INVALID, NULL, "not an advisory (no ref or title.en)");
	const char *ns = cfg && strncmp(cfg->public_url, "http", 4) == 0 ? cfg->public_url
									: "https://localhost/";
	const char *status = sget(adv, "status");
	const char *updated = sget(adv, "updated"), *created = sget(adv, "created"),
		   *published = sget(adv, "published");
	const char *initial = published[0] ? published : created[0] ? created : updated;
	char now[40] = "";
	if (!initial[0] || !updated[0]) { /* a document never stored: now */
		core_iso8601(core_now_ms(), now, sizeof(now));
		if (!initial[0])
			initial = now;
		if (!updated[0])
			updated = now;
	}
	json_int_t ver = json_integer_value(json_object_get(adv, "version"));
	char vtext[24];
	snprintf(vtext, sizeof(vtext), "%lld", (long long)(ver > 0 ? ver : 1));
	const char *tlp = sget(adv, "tlp");
	json_t *dist = json_pack("{s{ss ss}}", "tlp", "label", tlp_to_csaf(tlp[0] ? tlp : "AMBER"),
				 "url", "https://www.first.org/tlp/");
	if (dist && strcmp(tlp, "AMBER+STRICT") == 0)
		json_object_set_new(dist, "text", json_string("TLP:AMBER+STRICT — share only "
							      "within the recipient's organisation"));
	json_t *doc = json_pack(
		"{ss ss ss ss s{ss ss ss} so s{ss ss ss s[{ss ss ss}] ss ss s{s{ss}}}}",
		"category", "csaf_security_advisory", "csaf_version", "2.0", "lang", "en", "title",
		sget(json_object_get(adv, "title"), "en"), "publisher", "category", "coordinator",
		"name", "Parapet", "namespace", ns, "distribution", dist, "tracking", "id",
		sget(adv, "ref"),
		"status", strcmp(status, "published") == 0 ? "final" : "draft", "version", vtext,
		"revision_history", "number", vtext, "date", updated, "summary",
		ver > 1 ? "Current version." : "Initial version.",
		"initial_release_date", initial, "current_release_date", updated, "generator",
		"engine", "name", "Parapet");
	json_t *csaf = NULL, *vulns = NULL, *ids = json_array(),
	       *tree = json_pack("{s[]}", "branches");
	if (!doc || !ids || !tree)
		goto oom;
	/* notes: the summaries (the Persian one too), deadline, CVSS 4.0 */
	json_t *notes = json_array();
	const json_t *sum = json_object_get(adv, "summary");
	size_t i;
	const json_t *x;
	if (!notes)
		goto oom;
	if (sget(sum, "en")[0])
		json_array_append_new(notes, json_pack("{ss ss ss}", "category", "summary",
						       "title", "Summary", "text", sget(sum, "en")));
	if (sget(sum, "fa")[0])
		json_array_append_new(notes, json_pack("{ss ss ss}", "category", "summary",
						       "title", "Summary (Persian)", "text",
						       sget(sum, "fa")));
	if (sget(json_object_get(adv, "title"), "fa")[0])
		json_array_append_new(notes, json_pack("{ss ss ss}", "category", "general",
						       "title", "Title (Persian)", "text",
						       sget(json_object_get(adv, "title"), "fa")));
	if (sget(adv, "deadline")[0]) {
		char t[96];
		snprintf(t, sizeof(t), "Apply the remediation by %s.", sget(adv, "deadline"));
		json_array_append_new(notes, json_pack("{ss ss ss}", "category", "general",
						       "title", "Deadline", "text", t));
	}
	if (strncmp(sget(adv, "cvss"), "CVSS:4.0/", 9) == 0)
		json_array_append_new(notes, json_pack("{ss ss ss}", "category", "other",
						       "title", "CVSS 4.0", "text",
						       sget(adv, "cvss")));
	/* the service exposures: CSAF has no field for them; a note keeps
	** them for people */
	const json_t *pr;
	json_array_foreach(json_object_get(adv, "products"), i, pr) {
		const char *ex = sget(pr, "exposure");
		bool seen = false;
		for (size_t k = 0; ex[0] && k < json_array_size(notes) && !seen; k++)
			seen = strstr(sget(json_array_get(notes, k), "text"), ex) != NULL;
		if (!ex[0] || seen)
			continue;
		char t[160];
		snprintf(t, sizeof(t), "Hosts exposing the service %s are affected.", ex);
		json_array_append_new(notes, json_pack("{ss ss ss}", "category", "details",
						       "title", "Service exposure", "text", t));
	}
	if (json_array_size(notes))
		json_object_set_new(doc, "notes", notes);
	else
		json_decref(notes);
	json_t *refs = json_array();
	json_array_foreach(json_object_get(adv, "references"), i, x) {
		const char *sm = sget(x, "summary");
		json_array_append_new(refs, json_pack("{ss ss ss}", "category", "external", "url",
						      sget(x, "url"), "summary",
						      sm[0] ? sm : sget(x, "url")));
	}
	if (json_array_size(refs))
		json_object_set_new(doc, "references", refs);
	else
		json_decref(refs);
	if (export_products(adv, tree, ids, err) != 0)
		goto fail;
	csaf = json_pack("{so}", "document", doc);
	doc = NULL;
	if (!csaf)
		goto oom;
	if (json_array_size(ids))
		json_object_set(csaf, "product_tree", tree);
	/* one vulnerability per CVE (CSAF's unit), each naming every product:
	** our advisory does not say which CVE hits which product */
	vulns = json_array();
	const json_t *cves = json_object_get(adv, "cves");
	size_t nv = json_array_size(cves) ? json_array_size(cves) : 1;
	for (size_t k = 0; vulns && k < nv; k++) {
		json_t *v = json_object();
		const char *cve = json_string_value(json_array_get(cves, k));
		if (!v || json_array_append_new(vulns, v) != 0)
			goto oom;
		if (cve)
			json_object_set_new(v, "cve", json_string(cve));
		json_object_set_new(v, "title", json_string(sget(json_object_get(adv, "title"),
								 "en")));
		if (json_array_size(ids)) {
			json_object_set_new(v, "product_status",
					    json_pack("{sO}", "known_affected", ids));
			json_t *c3 = cvss_v3(adv);
			if (c3)
				json_object_set_new(v, "scores",
						    json_pack("[{sO so}]", "products", ids,
							      "cvss_v3", c3));
			json_t *rem = json_array();
			json_array_foreach(json_object_get(adv, "actions"), i, x) {
				const json_t *t = json_object_get(x, "text");
				const char *det = sget(t, "en")[0] ? sget(t, "en")
					: sget(t, "fa")[0] ? sget(t, "fa") : sget(x, "url");
				json_t *r = json_pack("{ss ss sO}", "category",
						      cat_of_kind(sget(x, "kind")), "details", det,
						      "product_ids", ids);
				if (r && sget(x, "url")[0])
					json_object_set_new(r, "url", json_string(sget(x, "url")));
				if (r)
					json_array_append_new(rem, r);
			}
			if (json_array_size(rem))
				json_object_set_new(v, "remediations", rem);
			else
				json_decref(rem);
		}
		if (json_is_true(json_object_get(adv, "exploited")))
			json_object_set_new(v, "threats",
					    json_pack("[{ss ss}]", "category", "exploit_status",
						      "details", "Exploited in the wild."));
	}
	if (!vulns)
		goto oom;
	json_object_set_new(csaf, "vulnerabilities", vulns);
	vulns = NULL;
	json_decref(ids);
	json_decref(tree);
	*out = csaf;
	return 0;
oom:
	perr_set(err, PERR_INTERNAL, NULL, "out of memory");
fail:
	json_decref(doc);
	json_decref(vulns);
	json_decref(csaf);
	json_decref(ids);
	json_decref(tree);
	return -1;
}
