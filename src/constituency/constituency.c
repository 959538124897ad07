/*
** constituency.c — organisations, contacts and assets: validation, scope
** checks, writes and their audit entries; provinces.
**
** Each write function here is the one path by which both the API and the CLI
** change the registry: it validates every field, asks identity whether the
** caller's scope covers the object (a NULL principal is the local operator at
** the CLI), writes through the store and appends the audit entry in the same
** transaction. The caller owns the transaction and, after commit, tells the
** owner index (index.c) that assets changed.
*/
#include "constituency/constituency.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"
#include "audit/audit.h"
#include "constituency/overlap.h"

struct embed_file {
	const char *name;
	const unsigned char *data;
	size_t len;
};
extern const struct embed_file constituency_data[];

/* ------------------------------------------------------------ validation */

static int canon_cidr(const char *v, char *out, size_t outsz, struct perr *err)
{
	char addr[64];
	struct pstr a, l;
	bool has_len = pstr_cut(pstr_c(v), '/', &a, &l);
	if (pstr_copy(a, addr, sizeof(addr)) != 0)
		return perr_set(err, PERR_INVALID, "value", "not an IP network: %.64s", v);
	uint8_t bytes[16];
	int fam;
	if (inet_pton(AF_INET, addr, bytes) == 1)
		fam = 4;
	else if (inet_pton(AF_INET6, addr, bytes) == 1)
		fam = 6;
	else
		return perr_set(err, PERR_INVALID, "value",
				"not an IPv4 or IPv6 network: %.64s", v);
	int64_t maxlen = fam == 4 ? 32 : 128, len = maxlen;
	if (has_len && pstr_to_i64(l, 0, maxlen, &len) != 0)
		return perr_set(err, PERR_INVALID, "value",
				"prefix length must be a number from 0 to %lld",
				(long long)maxlen);
	int64_t minlen = fam == 4 ? 8 : 16;
	if (len < minlen)
		return perr_set(err, PERR_INVALID, "value",
				"a /%lld network is too broad to have one owner (shortest "
				"allowed: /%lld)",
				(long long)len, (long long)minlen);
	int nbytes = fam == 4 ? 4 : 16;
	uint8_t masked[16];
	bool hostbits = false;
	for (int i = 0; i < nbytes; i++) {
		int bits = (int)len - i * 8;
		uint8_t m = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
		masked[i] = bytes[i] & m;
		hostbits |= masked[i] != bytes[i];
	}
	char txt[INET6_ADDRSTRLEN];
	inet_ntop(fam == 4 ? AF_INET : AF_INET6, masked, txt, sizeof(txt));
	if (hostbits)
		return perr_set(err, PERR_INVALID, "value",
				"host bits set in %.64s: did you mean %s/%lld?", v, txt,
				(long long)len);
	snprintf(out, outsz, "%s/%lld", txt, (long long)len);
	return 0;
}

/* Lower-case, strip one trailing dot, check label syntax. */
static int canon_domain(const char *v, char *out, size_t outsz, struct perr *err)
{
	size_t n = strlen(v);
	if (n && v[n - 1] == '.')
		n--;
	if (n == 0 || n > 253 || n >= outsz)
		return perr_set(err, PERR_INVALID, "value",
				"a domain has 1 to 253 characters");
	size_t label = 0, labels = 1;
	bool alpha_tld = false;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c == '.') {
			if (label == 0 || out[i - 1] == '-')
				return perr_set(err, PERR_INVALID, "value",
						"empty label or label ending in '-' in %.64s", v);
			label = 0;
			labels++;
			alpha_tld = false;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
			   c == '_') {
			if (label == 0 && c == '-')
				return perr_set(err, PERR_INVALID, "value",
						"label starting with '-' in %.64s", v);
			if (++label > 63)
				return perr_set(err, PERR_INVALID, "value",
						"a label has at most 63 characters");
			alpha_tld |= (c >= 'a' && c <= 'z');
		} else {
			return perr_set(err, PERR_INVALID, "value",
					"a domain has only letters, digits, '-' and '.' "
					"(use punycode for IDNs): %.64s",
					v);
		}
		out[i] = c;
	}
	out[n] = '\0';
	if (label == 0 || out[n - 1] == '-')
		return perr_set(err, PERR_INVALID, "value", "bad last label in %.64s", v);
	if (labels < 2)
		return perr_set(err, PERR_INVALID, "value",
				"%.64s is a top-level domain; an organisation owns a name "
				"below it",
				v);
	if (!alpha_tld)
		return perr_set(err, PERR_INVALID, "value",
				"%.64s looks like an address, not a domain", v);
	return 0;
}

static int canon_url(const char *v, char *out, size_t outsz, struct perr *err)
{
	struct pstr s = pstr_c(v), rest;
	const char *scheme;
	if (s.n > 8 && pstr_ieqc((struct pstr){ s.p, 8 }, "https://")) {
		scheme = "https://";
		rest = (struct pstr){ s.p + 8, s.n - 8 };
	} else if (s.n > 7 && pstr_ieqc((struct pstr){ s.p, 7 }, "http://")) {
		scheme = "http://";
		rest = (struct pstr){ s.p + 7, s.n - 7 };
	} else {
		return perr_set(err, PERR_INVALID, "value",
				"a URL starts with http:// or https://");
	}
	/* authority ends at the first '/', '?' or '#' */
	size_t i = 0;
	while (i < rest.n && rest.p[i] != '/' && rest.p[i] != '?' && rest.p[i] != '#')
		i++;
	struct pstr auth = { rest.p, i }, path = { rest.p + i, rest.n - i };
	if (memchr(auth.p, '@', auth.n))
		return perr_set(err, PERR_INVALID, "value",
				"a URL asset must not carry credentials");
	char host[300], port[8] = "";
	struct pstr h = auth, pt = { NULL, 0 };
	if (auth.n && auth.p[0] == '[') {
		const char *rb = memchr(auth.p, ']', auth.n);
		if (!rb)
			return perr_set(err, PERR_INVALID, "value", "unclosed [ in URL host");
		h = (struct pstr){ auth.p + 1, (size_t)(rb - auth.p - 1) };
		struct pstr after = { rb + 1, auth.n - (size_t)(rb + 1 - auth.p) };
		if (after.n) {
			if (after.p[0] != ':')
				return perr_set(err, PERR_INVALID, "value", "bad URL authority");
			pt = (struct pstr){ after.p + 1, after.n - 1 };
		}
	} else {
		struct pstr hh;
		if (pstr_cut(auth, ':', &hh, &pt))
			h = hh;
	}
	if (pstr_copy(h, host, sizeof(host)) != 0 || h.n == 0)
		return perr_set(err, PERR_INVALID, "value", "bad URL host");
	if (pt.p) {
		int64_t pn;
		if (pstr_to_i64(pt, 1, 65535, &pn) != 0)
			return perr_set(err, PERR_INVALID, "value", "bad URL port");
		if (!((pn == 80 && scheme[4] == ':') || (pn == 443 && scheme[4] == 's')))
			snprintf(port, sizeof(port), ":%lld", (long long)pn);
	}
	char chost[300];
	uint8_t b[16];
	bool v6 = false;
	if (inet_pton(AF_INET, host, b) == 1) {
		inet_ntop(AF_INET, b, chost, sizeof(chost));
	} else if (inet_pton(AF_INET6, host, b) == 1) {
		inet_ntop(AF_INET6, b, chost, sizeof(chost));
		v6 = true;
	} else {
		struct perr e;
		perr_clear(&e);
		if (canon_domain(host, chost, sizeof(chost), &e) != 0)
			return perr_set(err, PERR_INVALID, "value", "bad URL host: %s", e.msg);
	}
	/* drop the fragment: it never reaches the server */
	const char *hash = path.n ? memchr(path.p, '#', path.n) : NULL;
	if (hash)
		path.n = (size_t)(hash - path.p);
	for (size_t k = 0; k < path.n; k++)
		if ((unsigned char)path.p[k] <= 0x20 || (unsigned char)path.p[k] >= 0x7f)
			return perr_set(err, PERR_INVALID, "value",
					"a URL path must be percent-encoded ASCII");
	int w = snprintf(out, outsz, "%s%s%s%s%s%s%.*s", scheme, v6 ? "[" : "", chost,
			 v6 ? "]" : "", port, path.n && path.p[0] == '/' ? "" : "/",
			 (int)path.n, path.p);
	/* The canonical form can be longer than the input (an added "/", an
	** IPv6 host spelled out); it must still pass the length rule itself. */
	if (w < 0 || (size_t)w >= outsz || w > CONSTITUENCY_VALUE_MAX)
		return perr_set(err, PERR_INVALID, "value", "URL too long");
	return 0;
}

static int canon_asn(const char *v, char *out, size_t outsz, struct perr *err)
{
	struct pstr s = pstr_c(v);
	if (s.n > 2 && pstr_ieqc((struct pstr){ s.p, 2 }, "as")) {
		s.p += 2;
		s.n -= 2;
	}
	int64_t n;
	if (pstr_to_i64(s, 1, 4294967295LL, &n) != 0)
		return perr_set(err, PERR_INVALID, "value",
				"an ASN is AS1 to AS4294967295");
	snprintf(out, outsz, "AS%lld", (long long)n);
	return 0;
}

/* A product asset in CPE form (issue 14): a CPE 2.3 name with its version,
** then optionally "count=N" (how many of the organisation's hosts run it)
** and "hosts=IP[,IP...]" (which), in either order:
**   cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*:* count=40 hosts=10.0.0.1,10.0.0.2
** Canonical form: the name as advisory_cpe_format binds it (lower case,
** quoting normalised), then count, then hosts as inet_ntop writes them,
** one space apart. The version must be a version (not * or -): a declared
** product without one cannot be weighed against an advisory's range, and
** the free-text form says "version unknown" well enough. */
#define PRODUCT_HOSTS_MAX 64
#define PRODUCT_COUNT_MAX 10000000

static int canon_product_cpe(const char *v, char *out, size_t outsz, struct perr *err)
{
	struct pstr rest = pstr_trim(pstr_c(v)), name, opt;
	struct advisory_cpe cpe;
	struct perr pe;
	char bound[ADVISORY_CPE_MAX];
	int64_t count = 0;
	char hosts[CONSTITUENCY_VALUE_MAX + 1] = "";
	size_t hn = 0, nhosts = 0;
	bool has_hosts = false;

	pstr_cut(rest, ' ', &name, &rest);
	if (advisory_cpe_parse(name.p, name.n, &cpe, &pe) != 0)
		return perr_set(err, PERR_INVALID, "value", "product CPE name: %s", pe.msg);
	const char *ver = cpe.f[ADVISORY_CPE_VERSION];
	if (strcmp(ver, "*") == 0 || strcmp(ver, "-") == 0)
		return perr_set(err, PERR_INVALID, "value",
				"a product CPE name needs its version (the 6th field, e.g. "
				"cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*)");
	if (!advisory_cpe_format(&cpe, bound))
		return perr_set(err, PERR_INVALID, "value", "product CPE name too long");
	while ((rest = pstr_trim(rest)).n) {
		pstr_cut(rest, ' ', &opt, &rest);
		struct pstr key, val;
		if (!pstr_cut(opt, '=', &key, &val))
			return perr_set(err, PERR_INVALID, "value",
					"after a product CPE name come only count=N and "
					"hosts=IP,IP,...");
		if (pstr_eqc(key, "count")) {
			if (count)
				return perr_set(err, PERR_INVALID, "value", "count given twice");
			if (pstr_to_i64(val, 1, PRODUCT_COUNT_MAX, &count) != 0)
				return perr_set(err, PERR_INVALID, "value",
						"count must be a number from 1 to %d",
						PRODUCT_COUNT_MAX);
		} else if (pstr_eqc(key, "hosts")) {
			if (has_hosts)
				return perr_set(err, PERR_INVALID, "value", "hosts given twice");
			has_hosts = true;
			struct pstr ip;
			while (val.n) {
				pstr_cut(val, ',', &ip, &val);
				char a[64], c[INET6_ADDRSTRLEN];
				uint8_t bytes[16];
				int fam = AF_INET;
				if (pstr_copy(ip, a, sizeof(a)) != 0 ||
				    (inet_pton(AF_INET, a, bytes) != 1 &&
				     inet_pton((fam = AF_INET6), a, bytes) != 1) ||
				    !inet_ntop(fam, bytes, c, sizeof(c)))
					return perr_set(err, PERR_INVALID, "value",
							"hosts: not an IP address: %.64s", a);
				if (++nhosts > PRODUCT_HOSTS_MAX)
					return perr_set(err, PERR_INVALID, "value",
							"at most %d hosts per product asset",
							PRODUCT_HOSTS_MAX);
				int w = snprintf(hosts + hn, sizeof(hosts) - hn, "%s%s",
						 hn ? "," : "", c);
				if (w < 0 || (size_t)w >= sizeof(hosts) - hn)
					return perr_set(err, PERR_INVALID, "value",
							"product asset too long");
				hn += (size_t)w;
			}
			if (!nhosts)
				return perr_set(err, PERR_INVALID, "value",
						"hosts needs at least one IP address");
		} else {
			return perr_set(err, PERR_INVALID, "value",
					"unknown product option %.*s (count=N or hosts=IP,...)",
					(int)(key.n > 32 ? 32 : key.n), key.p);
		}
	}
	char cnt[32] = "";
	if (count)
		snprintf(cnt, sizeof(cnt), " count=%lld", (long long)count);
	int w = snprintf(out, outsz, "%s%s%s%s", bound, cnt, nhosts ? " hosts=" : "", hosts);
	if (w < 0 || (size_t)w >= outsz || w > CONSTITUENCY_VALUE_MAX)
		return perr_set(err, PERR_INVALID, "value", "product asset too long");
	return 0;
}

int constituency_product_split(const char *value, struct constituency_product *p)
{
	memset(p, 0, sizeof(*p));
	struct pstr rest = pstr_c(value), tok;
	if (rest.n < 8 || strncmp(value, "cpe:2.3:", 8) != 0) {
		p->name = rest;
		return 0;
	}
	pstr_cut(rest, ' ', &p->name, &rest);
	p->is_cpe = true;
	while (rest.n) {
		pstr_cut(rest, ' ', &tok, &rest);
		struct pstr key, val;
		if (!pstr_cut(tok, '=', &key, &val))
			continue;
		if (pstr_eqc(key, "count"))
			pstr_to_i64(val, 1, PRODUCT_COUNT_MAX, &p->count);
		else if (pstr_eqc(key, "hosts"))
			p->hosts = val;
	}
	return 1;
}

/* "vendor product [version]": lower-cased, single spaces. A value that
** starts with "cpe:" is the CPE form above. */
static int canon_product(const char *v, char *out, size_t outsz, struct perr *err)
{
	struct pstr t = pstr_trim(pstr_c(v));
	if (t.n >= 4 && pstr_ieqc((struct pstr){ t.p, 4 }, "cpe:"))
		return canon_product_cpe(v, out, outsz, err);

	size_t o = 0, tokens = 0, tl = 0;
	bool in = false;
	for (const char *p = v; *p; p++) {
		char c = *p;
		if (c == ' ' || c == '\t') {
			in = false;
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '-' || c == '+'))
			return perr_set(err, PERR_INVALID, "value",
					"a product tag has letters, digits and . _ - + only");
		if (!in) {
			if (tokens == 3)
				return perr_set(err, PERR_INVALID, "value",
						"a product tag is 'vendor product [version]'");
			if (tokens)
				out[o++] = ' ';
			tokens++;
			tl = 0;
			in = true;
		}
		if (++tl > 64 || o + 2 >= outsz)
			return perr_set(err, PERR_INVALID, "value", "product tag too long");
		out[o++] = c;
	}
	out[o] = '\0';
	if (tokens < 2)
		return perr_set(err, PERR_INVALID, "value",
				"a product tag is 'vendor product [version]', e.g. "
				"'mikrotik routeros 6.42'");
	return 0;
}

int constituency_asset_canon(const char *type, const char *value, char *out,
			     size_t outsz, struct perr *err)
{
	if (!type)
		return perr_set(err, PERR_INVALID, "type", "asset type is required");
	if (!value || !value[0])
		return perr_set(err, PERR_INVALID, "value", "asset value is required");
	if (strlen(value) > CONSTITUENCY_VALUE_MAX || !utf8_valid(value, strlen(value)))
		return perr_set(err, PERR_INVALID, "value",
				"asset value must be valid UTF-8 of at most %d bytes",
				CONSTITUENCY_VALUE_MAX);
	if (strcmp(type, "cidr") == 0)
		return canon_cidr(value, out, outsz, err);
	if (strcmp(type, "domain") == 0)
		return canon_domain(value, out, outsz, err);
	if (strcmp(type, "url") == 0)
		return canon_url(value, out, outsz, err);
	if (strcmp(type, "asn") == 0)
		return canon_asn(value, out, outsz, err);
	if (strcmp(type, "product") == 0)
		return canon_product(value, out, outsz, err);
	return perr_set(err, PERR_INVALID, "type",
			"asset type must be cidr, domain, url, asn or product");
}

/* A text field from outside: valid UTF-8, no control characters, fits. */
static int text_field(const char *field, const char *v, bool required, char *dst,
		      size_t dstsz, struct perr *err)
{
	if (!v)
		v = "";
	size_t n = strlen(v);
	if (required && n == 0)
		return perr_set(err, PERR_INVALID, field, "%s is required", field);
	if (n >= dstsz)
		return perr_set(err, PERR_INVALID, field, "%s is longer than %zu bytes",
				field, dstsz - 1);
	if (!utf8_valid(v, n))
		return perr_set(err, PERR_INVALID, field, "%s is not valid UTF-8", field);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return perr_set(err, PERR_INVALID, field,
					"%s contains a control character", field);
	memcpy(dst, v, n + 1);
	return 0;
}

/* ------------------------------------------------------------ audit JSON */

static char *org_json(const struct store_org *o)
{
	json_t *j = json_pack("{sI ss ss ss sI}", "id", (json_int_t)o->id, "name",
			      o->name, "sector", o->sector, "province", o->province,
			      "parent", (json_int_t)o->parent_id);
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(j);
	return s;
}

static int audit_json(struct store *st, const char *actor, const char *action,
		      const char *object, json_t *before, json_t *after,
		      struct perr *err)
{
	char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = audit_append(st, actor ? actor : "cli", action, object, b, a, err);
	free(b);
	free(a);
	json_decref(before);
	json_decref(after);
	return rc;
}

/* --------------------------------------------------------- organisations */

static int org_check_scope(const struct principal *p, const struct store_org *o,
			   bool create, struct perr *err)
{
	if (!p)
		return 0;
	struct target t = { o->id, o->province };
	return create ? identity_allow_create(p, &t, err)
		      : identity_allow_object(p, &t, err);
}

int constituency_org_get(struct store *st, const struct principal *p, int64_t id,
			 struct store_org *out, struct perr *err)
{
	if (store_org_get(st, id, out, err) != 0)
		return -1;
	return org_check_scope(p, out, false, err);
}

/* Validate spec into o. The parent must exist and be visible to p (NULL =
** the local operator): one outside p's scope gets the answer a missing one
** gets, so that neither the parent nor its existence can be reached. A
** parent the national centre set (kept, the organisation's old_parent) stays
** when a provincial analyst edits other fields. */
static int org_fill(struct store *st, const struct principal *p,
		    const struct org_spec *spec, int64_t self, int64_t old_parent,
		    struct store_org *o, struct perr *err)
{
	if (text_field("name", spec->name, true, o->name, sizeof(o->name), err) ||
	    text_field("sector", spec->sector, false, o->sector, sizeof(o->sector), err) ||
	    text_field("province", spec->province, true, o->province,
		       sizeof(o->province), err))
		return -1;
	if (!store_province_exists(st, o->province))
		return perr_set(err, PERR_INVALID, "province", "unknown province: %s",
				o->province);
	o->parent_id = spec->parent_id;
	/* Walk up from the parent: the tree must stay a tree. */
	int64_t cur = spec->parent_id;
	for (int depth = 0; cur; depth++) {
		struct store_org up;
		if (cur == self || depth > 64)
			return perr_set(err, PERR_INVALID, "parent",
					"parent would make a cycle");
		if (store_org_get(st, cur, &up, err) != 0 ||
		    (depth == 0 && cur != old_parent &&
		     org_check_scope(p, &up, false, NULL) != 0))
			return perr_set(err, PERR_INVALID, "parent",
					"parent organisation %lld does not exist",
					(long long)cur);
		cur = up.parent_id;
	}
	return 0;
}

int constituency_org_add(struct store *st, const struct principal *p, const char *actor,
			 const struct org_spec *spec, struct store_org *out,
			 struct perr *err)
{
	struct store_org o;
	memset(&o, 0, sizeof(o));
	if (org_fill(st, p, spec, 0, 0, &o, err) != 0)
		return -1;
	if (org_check_scope(p, &o, true, err) != 0)
		return -1;
	o.created_ms = core_now_ms();
	if (store_org_insert(st, &o, err) != 0) {
		if (err && err->kind == PERR_CONFLICT)
			perr_set(err, PERR_CONFLICT, "name",
				 "an organisation named %s exists already", o.name);
		return -1;
	}
	char obj[48];
	snprintf(obj, sizeof(obj), "org:%lld", (long long)o.id);
	char *js = org_json(&o);
	json_t *after = js ? json_loads(js, 0, NULL) : NULL;
	free(js);
	if (audit_json(st, actor, "org.create", obj, NULL, after, err) != 0)
		return -1;
	if (out)
		*out = o;
	return 0;
}

int constituency_org_update(struct store *st, const struct principal *p,
			    const char *actor, int64_t id, const struct org_spec *spec,
			    struct store_org *out, struct perr *err)
{
	struct store_org old, o;
	if (constituency_org_get(st, p, id, &old, err) != 0)
		return -1;
	memset(&o, 0, sizeof(o));
	if (org_fill(st, p, spec, id, old.parent_id, &o, err) != 0)
		return -1;
	o.id = id;
	o.created_ms = old.created_ms;
	if (org_check_scope(p, &o, true, err) != 0)
		return -1;
	if (store_org_update(st, &o, err) != 0) {
		if (err && err->kind == PERR_CONFLICT)
			perr_set(err, PERR_CONFLICT, "name",
				 "an organisation named %s exists already", o.name);
		return -1;
	}
	char obj[48];
	snprintf(obj, sizeof(obj), "org:%lld", (long long)id);
	char *b = org_json(&old), *a = org_json(&o);
	json_t *jb = b ? json_loads(b, 0, NULL) : NULL, *ja = a ? json_loads(a, 0, NULL) : NULL;
	free(b);
	free(a);
	if (audit_json(st, actor, "org.update", obj, jb, ja, err) != 0)
		return -1;
	if (out)
		*out = o;
	return 0;
}

int constituency_org_delete(struct store *st, const struct principal *p,
			    const char *actor, int64_t id, struct perr *err)
{
	struct store_org old;
	if (constituency_org_get(st, p, id, &old, err) != 0)
		return -1;
	if (store_org_delete(st, id, err) != 0) {
		if (err && err->kind == PERR_CONFLICT)
			perr_set(err, PERR_CONFLICT, NULL,
				 "organisation %lld still has users or sub-organisations; "
				 "remove or move those first",
				 (long long)id);
		return -1;
	}
	char obj[48];
	snprintf(obj, sizeof(obj), "org:%lld", (long long)id);
	char *b = org_json(&old);
	json_t *jb = b ? json_loads(b, 0, NULL) : NULL;
	free(b);
	return audit_json(st, actor, "org.delete", obj, jb, NULL, err);
}

/* ---------------------------------------------------------------- assets */

/* Validate and canonicalise into a, refusing an exact duplicate. */
static int asset_prepare(struct store *st, const struct principal *p, int64_t org_id,
			 const char *type, const char *value, struct store_asset *a,
			 struct perr *err)
{
	struct store_asset other;
	memset(a, 0, sizeof(*a));
	if (constituency_asset_canon(type, value, a->value, sizeof(a->value), err) != 0)
		return -1;
	if (PSTRCPY_OR_ERR(a->type, type, "type", err))
		return -1;
	a->org_id = org_id;
	a->created_ms = core_now_ms();
	struct perr e;
	if (strcmp(type, "product") != 0 &&
	    store_asset_find(st, type, a->value, &other, &e) == 0) {
		if (other.org_id == org_id)
			return perr_set(err, PERR_CONFLICT, "value",
					"%s %s is already an asset of this organisation",
					type, a->value);
		/* Say who owns it only to those who may see that organisation;
		** to others, as the overlap rule does, only its province. */
		struct store_org owner;
		if (store_org_get(st, other.org_id, &owner, NULL) != 0)
			return perr_set(err, PERR_CONFLICT, "value",
					"%s %s belongs to another organisation", type, a->value);
		if (org_check_scope(p, &owner, false, NULL) != 0)
			return perr_set(err, PERR_FORBIDDEN, "value",
					"%s %s is registered in province %s, outside your "
					"scope; only the national centre can change that",
					type, a->value, owner.province);
		return perr_set(err, PERR_CONFLICT, "value",
				"%s %s belongs to organisation %lld (%s)", type, a->value,
				(long long)owner.id, owner.name);
	}
	return 0;
}

/* Insert a and audit its creation. */
static int asset_write(struct store *st, const char *actor, struct store_asset *a,
		       struct perr *err)
{
	if (store_asset_insert(st, a, err) != 0) {
		if (err && err->kind == PERR_CONFLICT)
			perr_set(err, PERR_CONFLICT, "value", "%s %s is already registered",
				 a->type, a->value);
		return -1;
	}
	char obj[48];
	snprintf(obj, sizeof(obj), "org:%lld/asset:%lld", (long long)a->org_id,
		 (long long)a->id);
	json_t *after = json_pack("{ss ss}", "type", a->type, "value", a->value);
	return audit_json(st, actor, "asset.create", obj, NULL, after, err);
}

struct overlap_walk {
	struct store *st;
	const struct principal *p;
	struct overlap_hits *hits;
	char hidden[64]; /* the province of an overlapped asset p may not see */
	bool hidden_found;
	struct store_org last; /* the organisation of the previous overlap: a
				** network around many of one organisation's
				** assets asks the store once */
};

static int on_overlap(void *ud, int64_t asset_id, int64_t org_id, const char *type,
		      const char *value)
{
	struct overlap_walk *w = ud;
	struct store_org *o = &w->last;
	if (o->id != org_id && store_org_get(w->st, org_id, o, NULL) != 0) {
		memset(o, 0, sizeof(*o));
		o->id = org_id;
	}
	if (w->p && org_check_scope(w->p, o, false, NULL) != 0) {
		w->hidden_found = true;
		if (o->province[0])
			PSTRCPY(w->hidden, o->province);
		else
			PSTRCPY(w->hidden, "unknown");
		return 1; /* refused whatever else overlaps */
	}
	w->hits->total++;
	if (w->hits->n < OVERLAP_MAX) {
		size_t k = w->hits->n++;
		w->hits->hit[k].id = asset_id;
		w->hits->hit[k].org_id = org_id;
		/* a hit is shown to the person adding an asset; type and value
		** come from the index, which holds the store's own (equal) sizes */
		pstrtrunc(w->hits->hit[k].type, type, sizeof(w->hits->hit[k].type));
		pstrtrunc(w->hits->hit[k].value, value, sizeof(w->hits->hit[k].value));
		PSTRCPY(w->hits->hit[k].org_name, o->name);
	}
	return 0;
}

int constituency_overlap_rule(struct store *st, const struct principal *p,
			      const struct constituency_view *v, const struct store_asset *a,
			      bool confirm, struct overlap_hits *hits, struct perr *err)
{
	memset(hits, 0, sizeof(*hits));
	struct overlap_walk w = { .st = st, .p = p, .hits = hits };
	if (overlap_each(v, a->org_id, a->type, a->value, on_overlap, &w) < 0)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory checking overlaps");
	/* Below the national centre, another province's hosts are not the
	** caller's to take: no confirmation helps, and the answer names the
	** province but not the organisation, which the caller may not see. */
	if (w.hidden_found)
		return perr_set(err, PERR_FORBIDDEN, "value",
				"%s %s overlaps an asset registered in province %s, outside "
				"your scope; only the national centre can register it",
				a->type, a->value, w.hidden);
	if (hits->total && !confirm)
		return perr_set(err, PERR_CONFLICT, "confirm_overlap",
				"%s %s overlaps %s %s of organisation %lld (%s)%s; confirm the "
				"overlap to register it anyway",
				a->type, a->value, hits->hit[0].type, hits->hit[0].value,
				(long long)hits->hit[0].org_id, hits->hit[0].org_name,
				hits->total > 1 ? " and others" : "");
	return 0;
}

int constituency_overlap_audit(struct store *st, const char *actor, const struct store_asset *a,
			       const struct overlap_hits *hits, struct perr *err)
{
	if (!hits->total)
		return 0;
	json_t *list = json_array();
	for (size_t k = 0; k < hits->n; k++)
		json_array_append_new(list, json_pack("{sI sI ss ss}", "id",
						       (json_int_t)hits->hit[k].id, "org",
						       (json_int_t)hits->hit[k].org_id, "type",
						       hits->hit[k].type, "value", hits->hit[k].value));
	char obj[48];
	snprintf(obj, sizeof(obj), "org:%lld/asset:%lld", (long long)a->org_id,
		 (long long)a->id);
	json_t *after = json_pack("{ss ss so sI}", "type", a->type, "value", a->value,
				  "overlaps", list, "overlaps_total", (json_int_t)hits->total);
	return audit_json(st, actor, "asset.overlap", obj, NULL, after, err);
}

int constituency_asset_add(struct store *st, const struct principal *p,
			   const char *actor, int64_t org_id, const char *type,
			   const char *value, bool confirm_overlap, struct store_asset *out,
			   struct perr *err)
{
	struct store_org o;
	struct store_asset a;
	struct overlap_hits *hits = NULL;
	const struct constituency_view *v = NULL;
	int rc = -1;
	if (constituency_org_get(st, p, org_id, &o, err) != 0 ||
	    asset_prepare(st, p, org_id, type, value, &a, err) != 0)
		goto out;
	if (strcmp(a.type, "product") != 0) {
		hits = malloc(sizeof(*hits));
		if (!hits) {
			perr_set(err, PERR_INTERNAL, NULL, "out of memory");
			goto out;
		}
		if (!(v = overlap_view_acquire(st, err)) ||
		    constituency_overlap_rule(st, p, v, &a, confirm_overlap, hits, err) != 0)
			goto out;
	}
	if (asset_write(st, actor, &a, err) != 0 ||
	    (hits && constituency_overlap_audit(st, actor, &a, hits, err) != 0))
		goto out;
	if (out)
		*out = a;
	rc = 0;
out:
	constituency_view_release(v);
	free(hits);
	return rc;
}

int constituency_asset_add_batch(struct store *st, const char *actor, int64_t org_id,
				 const char *type, const char *value, struct store_asset *out,
				 struct perr *err)
{
	struct store_org o;
	struct store_asset a;
	if (constituency_org_get(st, NULL, org_id, &o, err) != 0 ||
	    asset_prepare(st, NULL, org_id, type, value, &a, err) != 0 ||
	    asset_write(st, actor, &a, err) != 0)
		return -1;
	if (out)
		*out = a;
	return 0;
}

int constituency_asset_delete(struct store *st, const struct principal *p,
			      const char *actor, int64_t org_id, int64_t asset_id,
			      struct perr *err)
{
	struct store_org o;
	struct store_asset a;
	if (constituency_org_get(st, p, org_id, &o, err) != 0)
		return -1;
	if (store_asset_get(st, asset_id, &a, err) != 0)
		return -1;
	if (a.org_id != org_id)
		return perr_set(err, PERR_NOTFOUND, NULL, "asset %lld not found",
				(long long)asset_id);
	if (store_asset_delete(st, asset_id, err) != 0)
		return -1;
	char obj[48];
	snprintf(obj, sizeof(obj), "org:%lld/asset:%lld", (long long)org_id,
		 (long long)asset_id);
	json_t *before = json_pack("{ss ss}", "type", a.type, "value", a.value);
	return audit_json(st, actor, "asset.delete", obj, before, NULL, err);
}

/* -------------------------------------------------------------- contacts */

int constituency_contact_add(struct store *st, const struct principal *p,
			     const char *actor, int64_t org_id,
			     const struct contact_spec *spec, struct store_contact *out,
			     struct perr *err)
{
	struct store_org o;
	struct store_contact c;
	memset(&c, 0, sizeof(c));
	if (constituency_org_get(st, p, org_id, &o, err) != 0)
		return -1;
	if (text_field("name", spec->name, true, c.name, sizeof(c.name), err) ||
	    text_field("email", spec->email, true, c.email, sizeof(c.email), err) ||
	    text_field("phone", spec->phone, false, c.phone, sizeof(c.phone), err) ||
	    text_field("role", spec->role, false, c.role, sizeof(c.role), err) ||
	    text_field("lang", spec->lang && spec->lang[0] ? spec->lang : "en", false,
		       c.lang, sizeof(c.lang), err) ||
	    text_field("pgp", spec->pgp, false, c.pgp, sizeof(c.pgp), err))
		return -1;
	if (!core_email_ok(c.email))
		return perr_set(err, PERR_INVALID, "email", "not an e-mail address");
	if (strcmp(c.lang, "en") != 0 && strcmp(c.lang, "fa") != 0)
		return perr_set(err, PERR_INVALID, "lang", "lang must be en or fa");
	if (c.pgp[0]) {
		/* An OpenPGP v4 fingerprint: 40 hex digits, spaces allowed. */
		char fp[41];
		size_t n = 0;
		for (const char *q = c.pgp; *q; q++) {
			if (*q == ' ')
				continue;
			char ch = *q;
			if (ch >= 'a' && ch <= 'f')
				ch = (char)(ch - 32);
			if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'F')) || n == 40)
				return perr_set(err, PERR_INVALID, "pgp",
						"pgp must be a 40-hex-digit fingerprint");
			fp[n++] = ch;
		}
		if (n != 40)
			return perr_set(err, PERR_INVALID, "pgp",
					"pgp must be a 40-hex-digit fingerprint");
		fp[40] = '\0';
		memcpy(c.pgp, fp, 41);
	}
	c.org_id = org_id;
	if (store_contact_insert(st, &c, err) != 0)
		return -1;
	char obj[48];
	snprintf(obj, sizeof(obj), "org:%lld/contact:%lld", (long long)org_id,
		 (long long)c.id);
	json_t *after = json_pack("{ss ss ss ss ss ss}", "name", c.name, "email", c.email,
				  "phone", c.phone, "role", c.role, "lang", c.lang, "pgp",
				  c.pgp);
	if (audit_json(st, actor, "contact.create", obj, NULL, after, err) != 0)
		return -1;
	if (out)
		*out = c;
	return 0;
}

int constituency_contact_delete(struct store *st, const struct principal *p,
				const char *actor, int64_t org_id, int64_t contact_id,
				struct perr *err)
{
	struct store_org o;
	struct store_contact c;
	if (constituency_org_get(st, p, org_id, &o, err) != 0)
		return -1;
	if (store_contact_get(st, contact_id, &c, err) != 0)
		return -1;
	if (c.org_id != org_id)
		return perr_set(err, PERR_NOTFOUND, NULL, "contact %lld not found",
				(long long)contact_id);
	if (store_contact_delete(st, contact_id, err) != 0)
		return -1;
	char obj[48];
	snprintf(obj, sizeof(obj), "org:%lld/contact:%lld", (long long)org_id,
		 (long long)contact_id);
	json_t *before = json_pack("{ss ss}", "name", c.name, "email", c.email);
	return audit_json(st, actor, "contact.delete", obj, before, NULL, err);
}

/* ------------------------------------------------------------- provinces */

static int load_province_lines(struct store *st, const char *text, size_t n,
			       const char *src, struct perr *err)
{
	struct pstr rest = { text, n }, line;
	size_t lineno = 0;
	int added = 0;
	while (rest.n) {
		pstr_cut(rest, '\n', &line, &rest);
		lineno++;
		line = pstr_trim(line);
		if (line.n == 0 || line.p[0] == '#')
			continue;
		struct pstr name, fa;
		pstr_cut(line, ',', &name, &fa);
		struct store_province p;
		name = pstr_trim(name);
		fa = pstr_trim(fa);
		if (name.n == 0 || pstr_copy(name, p.name, sizeof(p.name)) != 0 ||
		    pstr_copy(fa, p.name_fa, sizeof(p.name_fa)) != 0 ||
		    !utf8_valid(p.name, strlen(p.name)) ||
		    !utf8_valid(p.name_fa, strlen(p.name_fa)))
			return perr_set(err, PERR_INVALID, NULL,
					"%s:%zu: expected 'name,persian name'", src, lineno);
		if (store_province_add(st, &p, err) != 0)
			return -1;
		added++;
	}
	if (added == 0)
		return perr_set(err, PERR_INVALID, NULL, "%s: no provinces", src);
	return 0;
}

static int count_province(void *ud, const struct store_province *p)
{
	(void)p;
	(*(int *)ud)++;
	return 0;
}

int constituency_provinces_load(struct store *st, const char *file, struct perr *err)
{
	int rc = -1;
	char *text = NULL;
	if (store_begin(st, err) != 0)
		return -1;
	if (!file || !file[0]) {
		int n = 0;
		if (store_province_list(st, count_province, &n, err) != 0)
			goto out;
		if (n == 0) {
			const struct embed_file *f = &constituency_data[0];
			if (load_province_lines(st, (const char *)f->data, f->len,
						"built-in provinces", err) != 0)
				goto out;
		}
	} else {
		FILE *fp = fopen(file, "rb");
		if (!fp) {
			perr_set(err, PERR_INVALID, NULL, "cannot open provinces file %s", file);
			goto out;
		}
		struct pbuf b;
		pbuf_init(&b, 1 << 20);
		char chunk[4096];
		size_t got;
		int bad = 0;
		while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			if (pbuf_add(&b, chunk, got) != 0) {
				bad = 1;
				break;
			}
		fclose(fp);
		text = pbuf_take(&b);
		if (bad) {
			perr_set(err, PERR_LIMIT, NULL, "provinces file %s is over 1 MiB", file);
			goto out;
		}
		if (store_province_clear(st, err) != 0 ||
		    load_province_lines(st, text, strlen(text), file, err) != 0)
			goto out;
	}
	rc = store_commit(st, err);
out:
	if (rc != 0)
		store_rollback(st);
	free(text);
	return rc;
}
