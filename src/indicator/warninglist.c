/*
** warninglist.c — MISP warninglists: the published JSON format read into one
** set, and a value matched against every list of the set at once.
**
** Why: an analyst who adds 8.8.8.8, 10.0.0.1 or google.com as an indicator
** would have resolvers and firewalls block the whole country's DNS, a LAN
** or a search engine. MISP's warninglists name such well-known false
** positives; Parapet holds a value that hits one for confirmation, naming
** the list (issue 15). The lists are outside data (a directory an operator
** updates), so the parser is bounded (size, entries, value length, lists,
** patterns), refuses a malformed list as a whole while the others load, and
** does no I/O; indicator_wl_load_dir() at the end is the only I/O.
**
** Matching semantics follow MISP's (app/Model/Warninglist.php, described in
** the upstream README): string = the value equals an entry; substring = an
** entry occurs in the value; hostname = the value's host (a URL's host) is
** an entry or lies under one (sub.google.com hits google.com,
** notgoogle.com does not), tried suffix by suffix; cidr = the address, or
** the whole network of a CIDR value, lies in an entry; regex = a pattern
** matches. A composite attribute ("domain|ip", "ip-src|port") is matched
** half by half. Hostnames, strings and substrings are folded to ASCII lower
** case on both sides (DNS names, hex hashes and e-mail domains are case
** insensitive; MISP lists mix cases, e.g. upper-case hashes and TLDs).
**
** Structures, built once by indicator_wl_freeze() and then read-only:
**   - CIDR: ONE longest-prefix table (constituency's lpm) over the distinct
**     prefixes of every CIDR list; each prefix carries the set of lists
**     that hold it OR a prefix covering it (inherited at build time), so a
**     single lookup names every list whose range holds the address;
**   - hostname: ONE hash of every hostname entry -> its lists; a host of k
**     labels costs k lookups (host, then each parent suffix);
**   - string: one hash of exact entries -> lists;
**   - substring: one Aho-Corasick automaton over every substring entry: the
**     disposable-email list alone has ~8,000 patterns, so a scan of each
**     pattern per value (8,000 strstr) would dominate the match time; the
**     automaton reads the value once whatever the pattern count;
**   - regex: POSIX ERE (regcomp), at most INDICATOR_WL_MAX_REGEX; MISP's
**     patterns are PCRE, so "(?:" and "\d" are rewritten to their ERE
**     equivalents and any pattern regcomp still refuses is skipped and
**     counted (it never refuses the list).
*/
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "constituency/lpm.h"
#include "indicator/hashset.h"
#include "indicator/indicator.h"

/* Values longer than this hit nothing: no indicator value is this long
** (value.c bounds them far below), and it bounds the stack copies. */
#define WL_MATCH_MAX 4096
#define WL_SOURCE_MAX 128
#define WL_ARENA_MAX ((size_t)1 << 30)

/* MISP attribute types a list may name in matching_attributes, one bit
** each. A type not in this table selects only the lists naming none. */
static const char *const wl_attr_names[] = {
	"ip-src", "ip-dst", "ip-src|port", "ip-dst|port", "domain", "domain|ip", "hostname",
	"hostname|port", "url", "uri", "email-src", "email-dst", "target-email",
	"whois-registrant-email", "dns-soa-email", "md5", "sha1", "sha224", "sha256", "sha512",
	"ssdeep", "filename|md5", "filename|sha1", "filename|sha224", "filename|sha256",
	"filename|sha512", "filename|ssdeep", "x509-fingerprint-md5", "x509-fingerprint-sha1",
	"x509-fingerprint-sha256", "phone-number", "whois-registrant-phone",
	"azure-application-id", "email", "ip", "AS", "filename",
};
#define WL_NATTR (sizeof(wl_attr_names) / sizeof(wl_attr_names[0]))

struct wl_list {
	char name[INDICATOR_WL_NAME_MAX];
	char source[WL_SOURCE_MAX];
	enum indicator_wl_type type;
	uint64_t attrs; /* bits of wl_attr_names; 0 = consulted for every type */
};

/* An entry before freeze: the key lives in the arena. */
struct wl_pair {
	size_t off;
	const char *key; /* arena + off, set at freeze (the arena no longer moves) */
	uint32_t len;
	uint16_t list;
};

struct wl_cpair {
	uint8_t fam, len;
	uint16_t list;
	uint8_t addr[16];
};

/* A distinct key after freeze, with the lists that hold it. */
struct wl_key {
	size_t off;
	uint32_t len;
	uint32_t ids_off, ids_n;
	uint64_t hash;
};

struct wl_map {
	struct wl_key *keys;
	size_t n;
	uint32_t *slot; /* key index + 1; 0 = empty */
	size_t mask;
};

struct wl_prefix {
	uint8_t fam, len;
	uint8_t addr[16];
	uint32_t ids_off, ids_n;
	uint32_t parent; /* index + 1 of the longest covering prefix, 0 = none */
};

struct wl_acnode {
	uint32_t fail;
	uint32_t child;   /* first child + 1, 0 = none */
	uint32_t sibling; /* next sibling + 1, 0 = none */
	uint32_t ids_off, ids_n; /* lists whose pattern ends here or on the fail chain */
	uint8_t ch;
};

struct wl_regex {
	regex_t re;
	uint16_t list;
};

struct indicator_wl_set {
	bool frozen, broken;
	struct wl_list *lists;
	size_t nlists;
	size_t entries;
	size_t regex_refused;

	char *arena;
	size_t alen, acap;

	struct wl_pair *pv[3]; /* string, substring, hostname before freeze */
	size_t pn[3], pcap[3];
	struct wl_cpair *cv;
	size_t cn, ccap;

	struct wl_regex *rx;
	size_t nrx;

	/* frozen */
	uint16_t *ids;
	size_t nids, idscap;
	struct wl_map strmap, hostmap;
	struct wl_prefix *pfx;
	size_t npfx;
	struct lpm *lpm;
	struct wl_acnode *ac;
	size_t nac;
	uint32_t acroot[256]; /* root's transitions: node index (0 = root) */
	uint64_t *aekey;      /* every other transition: ((node << 8 | byte) + 1) */
	uint32_t *aeval;      /* -> child node; one probe instead of a sibling walk */
	size_t aemask;
	size_t nsubstr;
	/* per type hint (wl_attr_names' index; WL_NATTR = a type no list
	** names; WL_NATTR + 1 = no hint): the lists it selects and their types,
	** computed once at freeze instead of on every match */
	uint64_t hwant[WL_NATTR + 2][INDICATOR_WL_MAX_LISTS / 64];
	unsigned htypes[WL_NATTR + 2];
};

enum { PV_STRING = 0, PV_SUBSTRING = 1, PV_HOSTNAME = 2 };

static char wl_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

struct indicator_wl_set *indicator_wl_set_new(void)
{
	return calloc(1, sizeof(struct indicator_wl_set));
}

/* Appends key (folded to lower case) to the arena and a pair to vector v. */
static int wl_push_key(struct indicator_wl_set *s, int v, const char *k, size_t n, uint16_t list)
{
	if (s->alen + n > WL_ARENA_MAX)
		return -2;
	if (hashset_grow((void **)&s->arena, &s->acap, s->alen + n + 1, 1, 64) != 0 ||
	    hashset_grow((void **)&s->pv[v], &s->pcap[v], s->pn[v] + 1, sizeof(struct wl_pair),
			 64) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		s->arena[s->alen + i] = wl_lower(k[i]);
	s->pv[v][s->pn[v]++] = (struct wl_pair){ .off = s->alen, .len = (uint32_t)n, .list = list };
	s->alen += n;
	return 0;
}

/* Parses "addr" or "addr/len" (IPv4 or IPv6) into fam, addr, len. The
** address part must be a whole inet_pton address. 0 or -1. */
static int wl_parse_cidr(const char *v, size_t n, uint8_t *fam, uint8_t addr[16], unsigned *len)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = memchr(v, '/', n);
	size_t an = slash ? (size_t)(slash - v) : n;
	if (an == 0 || an >= sizeof(buf))
		return -1;
	memcpy(buf, v, an);
	buf[an] = 0;
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1)
		*fam = 4;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		*fam = 6;
	else
		return -1;
	unsigned maxl = *fam == 4 ? 32 : 128;
	if (!slash) {
		*len = maxl;
		return 0;
	}
	size_t i = an + 1;
	if (i >= n || n - i > 3)
		return -1;
	unsigned l = 0;
	for (; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		l = l * 10 + (unsigned)(v[i] - '0');
	}
	if (l > maxl)
		return -1;
	*len = l;
	return 0;
}

/* Rewrites a MISP (PCRE) pattern "/re/flags" into a POSIX ERE in out:
** "(?:" becomes "(" and "\d" becomes "[0-9]" outside bracket expressions
** (same language). Returns 0 and sets *icase, or -1 when a flag changes the
** meaning in a way ERE cannot express (x) or the result does not fit. */
static int wl_regex_ere(const char *p, size_t n, char *out, size_t outsz, bool *icase)
{
	*icase = false;
	if (n >= 2 && p[0] == '/') {
		const char *end = p + n - 1;
		while (end > p && *end != '/')
			end--;
		if (end == p)
			return -1;
		for (const char *f = end + 1; f < p + n; f++) {
			if (*f == 'i')
				*icase = true;
			else if (*f != 'g' && *f != 'm' && *f != 'u' && *f != 's')
				return -1;
		}
		n = (size_t)(end - p) - 1;
		p++;
	}
	size_t o = 0;
	bool bracket = false;
	for (size_t i = 0; i < n; i++) {
		const char *rep = NULL;
		size_t skip = 0;
		if (!bracket && p[i] == '(' && i + 2 < n && p[i + 1] == '?' && p[i + 2] == ':') {
			rep = "(";
			skip = 2;
		} else if (!bracket && p[i] == '\\' && i + 1 < n && p[i + 1] == 'd') {
			rep = "[0-9]";
			skip = 1;
		} else if (p[i] == '\\' && i + 1 < n) {
			if (o + 2 >= outsz)
				return -1;
			out[o++] = p[i];
			out[o++] = p[++i];
			continue;
		} else if (p[i] == '[') {
			bracket = true;
		} else if (p[i] == ']') {
			bracket = false;
		}
		if (rep) {
			size_t rl = strlen(rep);
			if (o + rl >= outsz)
				return -1;
			memcpy(out + o, rep, rl);
			o += rl;
			i += skip;
		} else {
			if (o + 1 >= outsz)
				return -1;
			out[o++] = p[i];
		}
	}
	out[o] = 0;
	return 0;
}

static int wl_type_of(const char *t, enum indicator_wl_type *out)
{
	static const char *const names[] = { "string", "substring", "hostname", "cidr", "regex" };
	for (size_t i = 0; i < 5; i++)
		if (strcmp(t, names[i]) == 0) {
			*out = (enum indicator_wl_type)i;
			return 0;
		}
	return -1;
}

/* Strips what MISP strips from a hostname entry: a leading "." (bank lists
** write ".bank.com" for "the domain and its subdomains", which hostname
** matching means anyway) and trailing dots (the DNS root). */
static void wl_host_trim(const char **v, size_t *n)
{
	while (*n > 0 && (*v)[*n - 1] == '.')
		(*n)--;
	while (*n > 0 && (*v)[0] == '.') {
		(*v)++;
		(*n)--;
	}
}

int indicator_wl_add_json(struct indicator_wl_set *s, const char *json, size_t len,
			  const char *source_name, struct perr *err)
{
	json_t *doc = NULL;
	int rc = -1;
	if (!s || !json)
		return perr_set(err, PERR_INVALID, "list", "no list");
	if (s->frozen)
		return perr_set(err, PERR_CONFLICT, "list", "the warninglist set is frozen");
	if (len > INDICATOR_WL_MAX_JSON)
		return perr_set(err, PERR_LIMIT, "list", "list larger than %zu bytes",
				INDICATOR_WL_MAX_JSON);
	if (s->nlists >= INDICATOR_WL_MAX_LISTS)
		return perr_set(err, PERR_LIMIT, "list", "more than %d lists", INDICATOR_WL_MAX_LISTS);

	/* what to roll back to */
	size_t alen0 = s->alen, pn0[3] = { s->pn[0], s->pn[1], s->pn[2] }, cn0 = s->cn,
	       nrx0 = s->nrx, refused0 = s->regex_refused;

	json_error_t je;
	doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		perr_set(err, PERR_INVALID, "list", "not JSON: %s (line %d)", je.text, je.line);
		goto out;
	}
	if (!json_is_object(doc)) {
		perr_set(err, PERR_INVALID, "list", "a warninglist is a JSON object");
		goto out;
	}
	json_t *jname = json_object_get(doc, "name"), *jtype = json_object_get(doc, "type"),
	       *jlist = json_object_get(doc, "list"),
	       *jattr = json_object_get(doc, "matching_attributes");
	if (!json_is_string(jname) || json_string_length(jname) == 0) {
		perr_set(err, PERR_INVALID, "name", "name missing or not a string");
		goto out;
	}
	struct wl_list L = { 0 };
	if (!json_is_string(jtype) || wl_type_of(json_string_value(jtype), &L.type) != 0) {
		perr_set(err, PERR_INVALID, "type",
			 "type must be string, substring, hostname, cidr or regex");
		goto out;
	}
	if (!json_is_array(jlist)) {
		perr_set(err, PERR_INVALID, "list", "list missing or not an array");
		goto out;
	}
	size_t n = json_array_size(jlist);
	if (n > INDICATOR_WL_MAX_ENTRIES || s->entries + n > INDICATOR_WL_MAX_TOTAL) {
		perr_set(err, PERR_LIMIT, "list", "too many entries (%zu; at most %zu a list, %zu a set)",
			 n, INDICATOR_WL_MAX_ENTRIES, INDICATOR_WL_MAX_TOTAL);
		goto out;
	}
	if (jattr) {
		if (!json_is_array(jattr)) {
			perr_set(err, PERR_INVALID, "matching_attributes", "not an array");
			goto out;
		}
		size_t i;
		json_t *a;
		json_array_foreach(jattr, i, a)
		{
			if (!json_is_string(a)) {
				perr_set(err, PERR_INVALID, "matching_attributes",
					 "entry %zu is not a string", i);
				goto out;
			}
			for (size_t k = 0; k < WL_NATTR; k++)
				if (strcmp(json_string_value(a), wl_attr_names[k]) == 0)
					L.attrs |= UINT64_C(1) << k;
		}
	}
	pstrtrunc(L.name, json_string_value(jname), sizeof(L.name));
	pstrtrunc(L.source, source_name ? source_name : "", sizeof(L.source));
	uint16_t li = (uint16_t)s->nlists;

	size_t i;
	json_t *e;
	json_array_foreach(jlist, i, e)
	{
		if (!json_is_string(e)) {
			perr_set(err, PERR_INVALID, "list", "entry %zu is not a string", i);
			goto out;
		}
		const char *v = json_string_value(e);
		size_t vn = json_string_length(e);
		if (vn > INDICATOR_WL_MAX_VALUE) {
			perr_set(err, PERR_LIMIT, "list", "entry %zu longer than %d bytes", i,
				 INDICATOR_WL_MAX_VALUE);
			goto out;
		}
		int r = 0;
		switch (L.type) {
		case INDICATOR_WL_STRING:
		case INDICATOR_WL_SUBSTRING:
			if (vn > 0)
				r = wl_push_key(s, L.type == INDICATOR_WL_STRING ? PV_STRING
										: PV_SUBSTRING,
						v, vn, li);
			break;
		case INDICATOR_WL_HOSTNAME:
			wl_host_trim(&v, &vn);
			if (vn > 0)
				r = wl_push_key(s, PV_HOSTNAME, v, vn, li);
			break;
		case INDICATOR_WL_CIDR: {
			struct wl_cpair c = { .list = li };
			unsigned l;
			if (wl_parse_cidr(v, vn, &c.fam, c.addr, &l) != 0) {
				perr_set(err, PERR_INVALID, "list",
					 "entry %zu is not an IP address or CIDR: %.64s", i, v);
				goto out;
			}
			c.len = (uint8_t)l;
			hashset_mask(c.addr, l);
			if (hashset_grow((void **)&s->cv, &s->ccap, s->cn + 1, sizeof(c), 64) != 0)
				r = -1;
			else
				s->cv[s->cn++] = c;
			break;
		}
		case INDICATOR_WL_REGEX: {
			char ere[2 * INDICATOR_WL_MAX_VALUE + 16];
			bool icase;
			if (s->nrx >= INDICATOR_WL_MAX_REGEX) {
				perr_set(err, PERR_LIMIT, "list", "more than %d patterns in the set",
					 INDICATOR_WL_MAX_REGEX);
				goto out;
			}
			if (hashset_grow((void **)&s->rx, &(size_t){ s->nrx }, s->nrx + 1,
				    sizeof(struct wl_regex), 64) != 0) {
				r = -1;
				break;
			}
			if (wl_regex_ere(v, vn, ere, sizeof(ere), &icase) != 0 ||
			    regcomp(&s->rx[s->nrx].re, ere,
				    REG_EXTENDED | REG_NOSUB | (icase ? REG_ICASE : 0)) != 0) {
				s->regex_refused++;
				break;
			}
			s->rx[s->nrx++].list = li;
			break;
		}
		}
		if (r == -2) {
			perr_set(err, PERR_LIMIT, "list", "the set's entries exceed %zu bytes",
				 WL_ARENA_MAX);
			goto out;
		}
		if (r != 0) {
			perr_set(err, PERR_INTERNAL, NULL, "out of memory");
			goto out;
		}
	}
	if (hashset_grow((void **)&s->lists, &(size_t){ s->nlists }, s->nlists + 1,
		    sizeof(struct wl_list), 64) != 0) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	s->lists[s->nlists++] = L;
	s->entries += n;
	rc = 0;
out:
	if (rc != 0) {
		s->alen = alen0;
		for (int k = 0; k < 3; k++)
			s->pn[k] = pn0[k];
		s->cn = cn0;
		while (s->nrx > nrx0)
			regfree(&s->rx[--s->nrx].re);
		s->regex_refused = refused0;
	}
	json_decref(doc);
	return rc;
}

/* ------------------------------------------------------------ freezing */

static int wl_ids_push(struct indicator_wl_set *s, uint16_t id)
{
	if (s->nids >= UINT32_MAX - 1 ||
	    hashset_grow((void **)&s->ids, &s->idscap, s->nids + 1, sizeof(uint16_t), 64) != 0)
		return -1;
	s->ids[s->nids++] = id;
	return 0;
}

/* Appends the sorted union of ids[a..a+an) and ids[b..b+bn) (each sorted)
** and returns its offset; *n gets its length. */
static int wl_ids_union(struct indicator_wl_set *s, uint32_t a, uint32_t an, uint32_t b,
			uint32_t bn, uint32_t *off, uint32_t *n)
{
	/* grow first: ids may move */
	if (hashset_grow((void **)&s->ids, &s->idscap, s->nids + an + bn, sizeof(uint16_t),
			 64) != 0)
		return -1;
	uint32_t o = (uint32_t)s->nids, i = 0, j = 0;
	while (i < an || j < bn) {
		uint16_t x;
		if (j >= bn || (i < an && s->ids[a + i] < s->ids[b + j]))
			x = s->ids[a + i++];
		else if (i >= an || s->ids[b + j] < s->ids[a + i])
			x = s->ids[b + j++];
		else {
			x = s->ids[a + i++];
			j++;
		}
		s->ids[s->nids++] = x;
	}
	*off = o;
	*n = (uint32_t)s->nids - o;
	return 0;
}

static int wl_pair_cmp(const void *x, const void *y)
{
	const struct wl_pair *a = x, *b = y;
	size_t m = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->key, b->key, m);
	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return (int)a->list - (int)b->list;
}

static int wl_cpair_cmp(const void *x, const void *y)
{
	const struct wl_cpair *a = x, *b = y;
	if (a->fam != b->fam)
		return (int)a->fam - (int)b->fam;
	if (a->len != b->len)
		return (int)a->len - (int)b->len;
	int c = memcmp(a->addr, b->addr, 16);
	return c ? c : (int)a->list - (int)b->list;
}

/* Sorts vector v and groups equal keys: keys[] gets one entry per distinct
** key, with its sorted, deduplicated lists in ids. */
static int wl_group(struct indicator_wl_set *s, int v, struct wl_key **keys, size_t *nkeys)
{
	struct wl_pair *p = s->pv[v];
	size_t n = s->pn[v];
	*keys = NULL;
	*nkeys = 0;
	if (n == 0)
		return 0;
	/* qsort has no context argument: each pair carries its key's address */
	for (size_t i = 0; i < n; i++)
		p[i].key = s->arena + p[i].off;
	qsort(p, n, sizeof(*p), wl_pair_cmp);
	struct wl_key *k = calloc(n, sizeof(*k));
	if (!k)
		return -1;
	size_t nk = 0;
	for (size_t i = 0; i < n; i++) {
		bool same = nk > 0 && k[nk - 1].len == p[i].len &&
			    memcmp(s->arena + k[nk - 1].off, s->arena + p[i].off, p[i].len) == 0;
		if (!same) {
			k[nk] = (struct wl_key){ .off = p[i].off,
						 .len = p[i].len,
						 .ids_off = (uint32_t)s->nids,
						 .hash = hashset_hash(0, s->arena + p[i].off, p[i].len) };
			nk++;
		} else if (s->ids[s->nids - 1] == p[i].list) {
			continue; /* the same entry twice in one list */
		}
		if (wl_ids_push(s, p[i].list) != 0) {
			free(k);
			return -1;
		}
		k[nk - 1].ids_n++;
	}
	*keys = k;
	*nkeys = nk;
	return 0;
}

static int wl_map_build(struct indicator_wl_set *s, int v, struct wl_map *m)
{
	if (wl_group(s, v, &m->keys, &m->n) != 0)
		return -1;
	m->slot = hashset_slots(m->n, &m->mask);
	if (!m->slot)
		return -1;
	for (size_t i = 0; i < m->n; i++)
		hashset_put(m->slot, m->mask, m->keys[i].hash, (uint32_t)i);
	return 0;
}

static const struct wl_key *wl_map_get(const struct indicator_wl_set *s, const struct wl_map *m,
				       const char *k, size_t n)
{
	if (!m->slot)
		return NULL;
	uint64_t hv = hashset_hash(0, k, n);
	for (size_t h = (size_t)hv & m->mask; m->slot[h]; h = (h + 1) & m->mask) {
		const struct wl_key *e = &m->keys[m->slot[h] - 1];
		if (e->hash == hv && e->len == n && memcmp(s->arena + e->off, k, n) == 0)
			return e;
	}
	return NULL;
}

/* The one LPM: distinct prefixes, each with its lists plus those of every
** covering prefix, so that the longest match alone names every list. */
static int wl_cidr_build(struct indicator_wl_set *s)
{
	int rc = -1;
	uint32_t *slot = NULL;
	struct lpm_builder *b = lpm_builder_new();
	if (!b)
		goto out;
	/* The range layout keeps the table proportional to the ~140,000
	** prefixes of MISP's lists; DIR-24-8 would cost a fixed 64 MiB. */
	lpm_builder_layout(b, LPM_LAYOUT_RANGES);
	qsort(s->cv, s->cn, sizeof(*s->cv), wl_cpair_cmp);
	s->pfx = calloc(s->cn ? s->cn : 1, sizeof(*s->pfx));
	if (!s->pfx)
		goto out;
	size_t mask;
	slot = hashset_slots(s->cn, &mask);
	if (!slot)
		goto out;
	bool haslen[2][129] = { { false } };
	for (size_t i = 0; i < s->cn; i++) {
		const struct wl_cpair *c = &s->cv[i];
		struct wl_prefix *last = s->npfx ? &s->pfx[s->npfx - 1] : NULL;
		if (last && last->fam == c->fam && last->len == c->len &&
		    memcmp(last->addr, c->addr, 16) == 0) {
			if (s->ids[s->nids - 1] != c->list) {
				if (wl_ids_push(s, c->list) != 0)
					goto out;
				s->pfx[s->npfx - 1].ids_n++;
			}
			continue;
		}
		struct wl_prefix *p = &s->pfx[s->npfx++];
		*p = (struct wl_prefix){ .fam = c->fam, .len = c->len, .ids_off = (uint32_t)s->nids };
		memcpy(p->addr, c->addr, 16);
		if (wl_ids_push(s, c->list) != 0)
			goto out;
		p->ids_n = 1;
	}
	/* index the distinct prefixes, then find each one's parent: sorted by
	** (family, length), a parent is always already final */
	for (size_t i = 0; i < s->npfx; i++) {
		struct wl_prefix *p = &s->pfx[i];
		int fi = p->fam == 6;
		p->parent = hashset_pfx_parent(slot, mask, (const bool (*)[129])haslen, s->pfx,
					       sizeof *s->pfx, p->fam, p->len, p->addr);
		if (p->parent) {
			const struct wl_prefix *q = &s->pfx[p->parent - 1];
			if (wl_ids_union(s, p->ids_off, p->ids_n, q->ids_off, q->ids_n, &p->ids_off,
					 &p->ids_n) != 0)
				goto out;
		}
		hashset_put(slot, mask, hashset_pfx_hash(p->fam, p->len, p->addr), (uint32_t)i);
		haslen[fi][p->len] = true;
		if (lpm_builder_add(b, p->fam, p->addr, p->len, i + 1) != 0)
			goto out;
	}
	s->lpm = lpm_build(b);
	b = NULL;
	if (!s->lpm)
		goto out;
	rc = 0;
out:
	lpm_builder_free(b);
	free(slot);
	return rc;
}

static size_t wl_edge_slot(uint64_t key, size_t mask)
{
	key *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(key >> 29) & mask;
}

static uint32_t wl_ac_child(const struct indicator_wl_set *s, uint32_t node, uint8_t c)
{
	if (node == 0)
		return s->acroot[c];
	if (s->aekey) {
		uint64_t key = ((uint64_t)node << 8 | c) + 1;
		for (size_t h = wl_edge_slot(key, s->aemask); s->aekey[h];
		     h = (h + 1) & s->aemask)
			if (s->aekey[h] == key)
				return s->aeval[h];
		return UINT32_MAX;
	}
	for (uint32_t k = s->ac[node].child; k; k = s->ac[k - 1].sibling)
		if (s->ac[k - 1].ch == c)
			return k - 1;
	return UINT32_MAX;
}

static int wl_ac_build(struct indicator_wl_set *s)
{
	struct wl_key *keys = NULL;
	size_t nk = 0;
	uint32_t *queue = NULL;
	int rc = -1;
	if (wl_group(s, PV_SUBSTRING, &keys, &nk) != 0)
		goto out;
	s->nsubstr = nk;
	size_t cap = 1;
	for (size_t i = 0; i < nk; i++)
		cap += keys[i].len;
	if (cap >= UINT32_MAX)
		goto out;
	s->ac = calloc(cap, sizeof(*s->ac));
	queue = calloc(cap, sizeof(*queue));
	if (!s->ac || !queue)
		goto out;
	s->nac = 1; /* node 0 is the root */
	for (size_t i = 0; i < nk; i++) {
		uint32_t node = 0;
		for (uint32_t j = 0; j < keys[i].len; j++) {
			uint8_t c = (uint8_t)s->arena[keys[i].off + j];
			uint32_t nx = wl_ac_child(s, node, c);
			if (nx == UINT32_MAX || (node == 0 && nx == 0)) {
				nx = (uint32_t)s->nac++;
				s->ac[nx].ch = c;
				if (node == 0) {
					s->acroot[c] = nx;
				} else {
					s->ac[nx].sibling = s->ac[node].child;
					s->ac[node].child = nx + 1;
				}
			}
			node = nx;
		}
		s->ac[node].ids_off = keys[i].ids_off;
		s->ac[node].ids_n = keys[i].ids_n;
	}
	/* the transition hash (the trie's sibling lists stay for the build) */
	size_t ecap = 16;
	while (ecap < s->nac * 2)
		ecap *= 2;
	uint64_t *ek = calloc(ecap, sizeof(uint64_t));
	uint32_t *ev = calloc(ecap, sizeof(uint32_t));
	if (!ek || !ev) {
		free(ek);
		free(ev);
		goto out;
	}
	for (size_t u = 1; u < s->nac; u++)
		for (uint32_t k = s->ac[u].child; k; k = s->ac[k - 1].sibling) {
			uint64_t key = ((uint64_t)u << 8 | s->ac[k - 1].ch) + 1;
			size_t h = wl_edge_slot(key, ecap - 1);
			while (ek[h])
				h = (h + 1) & (ecap - 1);
			ek[h] = key;
			ev[h] = k - 1;
		}
	s->aekey = ek;
	s->aeval = ev;
	s->aemask = ecap - 1;
	/* failure links, breadth first; a node's output is its own lists and
	** its failure node's (already final, being shallower) */
	size_t qh = 0, qt = 0;
	for (int c = 0; c < 256; c++)
		if (s->acroot[c]) {
			s->ac[s->acroot[c]].fail = 0;
			queue[qt++] = s->acroot[c];
		}
	while (qh < qt) {
		uint32_t u = queue[qh++];
		for (uint32_t k = s->ac[u].child; k; k = s->ac[k - 1].sibling) {
			uint32_t v = k - 1, f = s->ac[u].fail, t;
			uint8_t c = s->ac[v].ch;
			while ((t = wl_ac_child(s, f, c)) == UINT32_MAX)
				f = s->ac[f].fail;
			s->ac[v].fail = t; /* root's missing transitions are 0 = root */
			const struct wl_acnode *fn = &s->ac[t];
			if (fn->ids_n) {
				uint32_t off, n;
				if (wl_ids_union(s, s->ac[v].ids_off, s->ac[v].ids_n, fn->ids_off,
						 fn->ids_n, &off, &n) != 0)
					goto out;
				s->ac[v].ids_off = off;
				s->ac[v].ids_n = n;
			}
			queue[qt++] = v;
		}
	}
	rc = 0;
out:
	free(keys);
	free(queue);
	return rc;
}

int indicator_wl_freeze(struct indicator_wl_set *s, struct perr *err)
{
	if (!s)
		return perr_set(err, PERR_INVALID, NULL, "no set");
	if (s->frozen || s->broken)
		return perr_set(err, PERR_CONFLICT, NULL, "the warninglist set is frozen already");
	if (wl_map_build(s, PV_STRING, &s->strmap) != 0 ||
	    wl_map_build(s, PV_HOSTNAME, &s->hostmap) != 0 || wl_cidr_build(s) != 0 ||
	    wl_ac_build(s) != 0) {
		s->broken = true;
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory building warninglists");
	}
	for (size_t a = 0; a < WL_NATTR + 2; a++)
		for (size_t i = 0; i < s->nlists; i++)
			if (a == WL_NATTR + 1 || !s->lists[i].attrs ||
			    (a < WL_NATTR && (s->lists[i].attrs & UINT64_C(1) << a))) {
				s->hwant[a][i / 64] |= UINT64_C(1) << (i % 64);
				s->htypes[a] |= 1u << s->lists[i].type;
			}
	/* the staging vectors are not needed any more (keys stay in the arena) */
	for (int k = 0; k < 3; k++) {
		free(s->pv[k]);
		s->pv[k] = NULL;
	}
	free(s->cv);
	s->cv = NULL;
	s->frozen = true;
	return 0;
}

/* ------------------------------------------------------------ matching */

struct wl_hits {
	uint64_t bits[INDICATOR_WL_MAX_LISTS / 64];
	uint64_t want[INDICATOR_WL_MAX_LISTS / 64]; /* lists the type hint selects */
	unsigned types; /* 1 << type of each wanted list: structures no wanted
			** list uses are not consulted at all */
};

static void wl_hit_ids(const struct indicator_wl_set *s, struct wl_hits *h, uint32_t off,
		       uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint16_t id = s->ids[off + i];
		h->bits[id / 64] |= h->want[id / 64] & (UINT64_C(1) << (id % 64));
	}
}

/* The host part of a value: a URL's authority without user and port, or
** the value up to its first '/'; trailing dots dropped. */
static void wl_host_of(const char *v, size_t n, const char **h, size_t *hn)
{
	const char *p = v, *end = v + n;
	for (const char *q = v; q + 2 < end; q++)
		if (q[0] == ':' && q[1] == '/' && q[2] == '/') {
			p = q + 3;
			break;
		}
	const char *e = p;
	while (e < end && *e != '/' && *e != '?' && *e != '#')
		e++;
	for (const char *q = e; q > p; q--)
		if (q[-1] == '@') {
			p = q;
			break;
		}
	/* host:port, but not a bare IPv6 address (several colons) */
	const char *colon = memchr(p, ':', (size_t)(e - p));
	if (colon && !memchr(colon + 1, ':', (size_t)(e - colon - 1)))
		e = colon;
	*h = p;
	*hn = (size_t)(e - p);
	wl_host_trim(h, hn);
}

static void wl_match_one(const struct indicator_wl_set *s, struct wl_hits *h, const char *v,
			 size_t n)
{
	char low[WL_MATCH_MAX + 1];
	for (size_t i = 0; i < n; i++)
		low[i] = wl_lower(v[i]);
	low[n] = 0;

	const struct wl_key *k = (h->types & 1u << INDICATOR_WL_STRING)
					 ? wl_map_get(s, &s->strmap, low, n)
					 : NULL;
	if (k)
		wl_hit_ids(s, h, k->ids_off, k->ids_n);

	const char *host;
	size_t hn = 0;
	if (h->types & 1u << INDICATOR_WL_HOSTNAME)
		wl_host_of(low, n, &host, &hn);
	for (size_t i = 0; hn > 0 && i < hn; i++) {
		if (i == 0 || host[i - 1] == '.') {
			k = wl_map_get(s, &s->hostmap, host + i, hn - i);
			if (k)
				wl_hit_ids(s, h, k->ids_off, k->ids_n);
		}
	}

	uint8_t fam, addr[16];
	unsigned len;
	if (s->npfx && (h->types & 1u << INDICATOR_WL_CIDR) &&
	    wl_parse_cidr(v, n, &fam, addr, &len) == 0) {
		/* an IPv4-mapped IPv6 address (::ffff:a.b.c.d, as dual-stack
		** sockets log IPv4 peers) is the IPv4 address it maps */
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (fam == 6 && len >= 96 && memcmp(addr, mapped, 12) == 0) {
			memmove(addr, addr + 12, 4);
			fam = 4;
			len -= 96;
		}
		unsigned plen;
		uint64_t r;
		if (fam == 4)
			r = lpm_lookup4(s->lpm,
					(uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 |
						(uint32_t)addr[2] << 8 | addr[3],
					&plen);
		else
			r = lpm_lookup6(s->lpm, addr, &plen);
		/* a network value lies in a list's range only when that range is
		** no longer than the value's own prefix */
		while (r && s->pfx[r - 1].len > len)
			r = s->pfx[r - 1].parent;
		if (r)
			wl_hit_ids(s, h, s->pfx[r - 1].ids_off, s->pfx[r - 1].ids_n);
	}

	if (s->nac > 1 && (h->types & 1u << INDICATOR_WL_SUBSTRING)) {
		uint32_t st = 0;
		for (size_t i = 0; i < n; i++) {
			uint8_t c = (uint8_t)low[i];
			uint32_t t;
			while ((t = wl_ac_child(s, st, c)) == UINT32_MAX)
				st = s->ac[st].fail;
			st = t;
			if (s->ac[st].ids_n)
				wl_hit_ids(s, h, s->ac[st].ids_off, s->ac[st].ids_n);
		}
	}

	if (s->nrx && (h->types & 1u << INDICATOR_WL_REGEX)) {
		memcpy(low, v, n); /* the patterns carry their own case flag */
		low[n] = 0;
		for (size_t i = 0; i < s->nrx; i++) {
			uint16_t id = s->rx[i].list;
			if (!(h->want[id / 64] & (UINT64_C(1) << (id % 64))) ||
			    (h->bits[id / 64] & (UINT64_C(1) << (id % 64))))
				continue;
			if (regexec(&s->rx[i].re, low, 0, NULL, 0) == 0)
				h->bits[id / 64] |= UINT64_C(1) << (id % 64);
		}
	}
}

size_t indicator_wl_match(const struct indicator_wl_set *s, const char *type_hint,
			  const char *value, size_t len, struct indicator_wl_hit *out, size_t max)
{
	if (!s || !s->frozen || !value || len == 0 || len > WL_MATCH_MAX)
		return 0;
	size_t a = WL_NATTR + 1;
	if (type_hint) {
		for (a = 0; a < WL_NATTR; a++)
			if (strcmp(type_hint, wl_attr_names[a]) == 0)
				break;
	}
	if (!s->htypes[a])
		return 0;
	struct wl_hits h;
	memset(h.bits, 0, sizeof(h.bits));
	memcpy(h.want, s->hwant[a], sizeof(h.want));
	h.types = s->htypes[a];
	if (memchr(value, 0, len))
		return 0; /* no list entry holds a NUL; regexec would stop at it */
	wl_match_one(s, &h, value, len);
	const char *bar = memchr(value, '|', len);
	if (bar) {
		wl_match_one(s, &h, value, (size_t)(bar - value));
		wl_match_one(s, &h, bar + 1, len - (size_t)(bar - value) - 1);
	}
	size_t count = 0;
	for (size_t i = 0; i < s->nlists; i++)
		if (h.bits[i / 64] & (UINT64_C(1) << (i % 64))) {
			if (count < max && out)
				out[count] = (struct indicator_wl_hit){ .name = s->lists[i].name,
									.source = s->lists[i].source,
									.type = s->lists[i].type };
			count++;
		}
	return count;
}

const char *indicator_wl_hint(enum indicator_type t)
{
	switch (t) {
	case INDICATOR_IPV4:
	case INDICATOR_IPV6:
	case INDICATOR_CIDR:
		return "ip-dst";
	case INDICATOR_DOMAIN:
		return "domain";
	case INDICATOR_URL:
		return "url";
	case INDICATOR_EMAIL:
		return "email-dst";
	case INDICATOR_SHA256:
		return "sha256";
	case INDICATOR_SHA1:
		return "sha1";
	case INDICATOR_MD5:
		return "md5";
	case INDICATOR_TLS:
		return "x509-fingerprint-sha256";
	case INDICATOR_ASN:
		return "AS";
	case INDICATOR_APP:
		return "android-app";
	case INDICATOR_NONE:
	case INDICATOR_TYPE_COUNT:
		break;
	}
	return NULL;
}

void indicator_wl_stats(const struct indicator_wl_set *s, struct indicator_wl_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!s)
		return;
	st->lists = s->nlists;
	st->entries = s->entries;
	st->cidr_prefixes = s->frozen ? s->npfx : s->cn;
	st->hostnames = s->frozen ? s->hostmap.n : s->pn[PV_HOSTNAME];
	st->strings = s->frozen ? s->strmap.n : s->pn[PV_STRING];
	st->substrings = s->frozen ? s->nsubstr : s->pn[PV_SUBSTRING];
	st->regex = s->nrx;
	st->regex_refused = s->regex_refused;
}

void indicator_wl_free(struct indicator_wl_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nrx; i++)
		regfree(&s->rx[i].re);
	free(s->rx);
	free(s->lists);
	free(s->arena);
	for (int k = 0; k < 3; k++)
		free(s->pv[k]);
	free(s->cv);
	free(s->ids);
	free(s->strmap.keys);
	free(s->strmap.slot);
	free(s->hostmap.keys);
	free(s->hostmap.slot);
	free(s->pfx);
	lpm_free(s->lpm);
	free(s->ac);
	free(s->aekey);
	free(s->aeval);
	free(s);
}

/* ------------------------------------------------------------ I/O */

static int wl_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int indicator_wl_load_dir(struct indicator_wl_set *set, const char *dir, size_t *refused,
			  void (*err_each)(void *ctx, const char *source, const struct perr *e),
			  void *ctx, struct perr *err)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;
	if (refused)
		*refused = 0;
	DIR *d = opendir(dir);
	if (!d)
		return perr_set(err, PERR_INVALID, "dir", "cannot open %s: %s", dir, strerror(errno));
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n >= 4 * INDICATOR_WL_MAX_LISTS) {
			perr_set(err, PERR_LIMIT, "dir", "more than %d entries in %s",
				 4 * INDICATOR_WL_MAX_LISTS, dir);
			goto out;
		}
		char *c = strdup(de->d_name);
		if (!c || hashset_grow((void **)&names, &cap, n + 1, sizeof(char *), 64) != 0) {
			free(c);
			perr_set(err, PERR_INTERNAL, NULL, "out of memory");
			goto out;
		}
		names[n++] = c;
	}
	qsort(names, n, sizeof(char *), wl_name_cmp);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		struct stat sb;
		int w = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (w < 0 || (size_t)w >= sizeof(path) || stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
			continue;
		w = snprintf(path, sizeof(path), "%s/%s/list.json", dir, names[i]);
		if (w < 0 || (size_t)w >= sizeof(path))
			continue;
		struct pbuf b;
		struct perr e = { 0 };
		if (core_file_read(path, INDICATOR_WL_MAX_JSON, &b, &e) == 0) {
			if (indicator_wl_add_json(set, b.ptr, b.len, names[i], &e) == 0) {
				pbuf_free(&b);
				continue;
			}
			pbuf_free(&b);
		}
		if (refused)
			(*refused)++;
		if (err_each)
			err_each(ctx, names[i], &e);
	}
	rc = 0;
out:
	closedir(d);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* The address fast path (indicator.h): the CIDR part of wl_match_one for
** an address already parsed, with the hit lists gathered word by word, so
** that a feed event costs one LPM lookup and no text at all. */
size_t indicator_wl_match_addr(const struct indicator_wl_set *s, const char *type_hint,
			       int family, const uint8_t *addr, struct indicator_wl_hit *out,
			       size_t max)
{
	if (!s || !s->frozen || !s->npfx || !addr || (family != 4 && family != 6))
		return 0;
	/* the hint's index, remembered per thread: a feed import passes the
	** same string for millions of events, and the name table is 37 long */
	static _Thread_local const char *last_hint;
	static _Thread_local size_t last_a;
	size_t a = WL_NATTR + 1;
	if (type_hint && type_hint == last_hint && strcmp(type_hint, wl_attr_names[last_a]) == 0) {
		a = last_a;
	} else if (type_hint) {
		for (a = 0; a < WL_NATTR; a++)
			if (strcmp(type_hint, wl_attr_names[a]) == 0)
				break;
		if (a < WL_NATTR) {
			last_hint = type_hint;
			last_a = a;
		}
	}
	if (!(s->htypes[a] & 1u << INDICATOR_WL_CIDR))
		return 0;
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (family == 6 && memcmp(addr, mapped, 12) == 0) {
		addr += 12;
		family = 4;
	}
	uint64_t r = family == 4 ? lpm_lookup4(s->lpm,
					       (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 |
						       (uint32_t)addr[2] << 8 | addr[3],
					       NULL)
				 : lpm_lookup6(s->lpm, addr, NULL);
	if (!r)
		return 0;
	/* a prefix carries its lists and those of every covering prefix */
	const struct wl_prefix *p = &s->pfx[r - 1];
	size_t count = 0;
	uint64_t seen[INDICATOR_WL_MAX_LISTS / 64] = { 0 };
	for (uint32_t i = 0; i < p->ids_n; i++) {
		uint16_t id = s->ids[p->ids_off + i];
		uint64_t bit = UINT64_C(1) << (id % 64);
		if (!(s->hwant[a][id / 64] & bit) || (seen[id / 64] & bit))
			continue;
		seen[id / 64] |= bit;
		count++;
	}
	/* in the order the lists were added, as indicator_wl_match */
	size_t k = 0;
	for (size_t w = 0; w < INDICATOR_WL_MAX_LISTS / 64 && out && k < max; w++)
		for (uint64_t bits = seen[w]; bits && k < max; bits &= bits - 1) {
			size_t i = w * 64 + (size_t)__builtin_ctzll(bits);
			out[k++] = (struct indicator_wl_hit){ .name = s->lists[i].name,
							      .source = s->lists[i].source,
							      .type = s->lists[i].type };
		}
	return count;
}
