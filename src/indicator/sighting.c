/*
** sighting.c — the rest of Parapet meeting a listed value (issue 15's
** sightings): a report feed's event from a listed address, a watched site
** that starts loading from a listed host, an incident note naming a listed
** value. Each hook is the one function its detector calls (feeds,
** monitor, incident), so what counts as a sighting is decided here and
** nowhere else; each runs in the caller's transaction, so a sighting is
** recorded with what saw it or not at all.
**
** Feeds match against a built matcher (match.c: millions of events, one
** structure per import); the website watch and incident notes meet a few
** values now and then and ask the store (indicator_lookup).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indicator/indicator.h"
#include "store/store.h"

/* Most indicators one address can be covered by: a host, and networks
** from /32 down to /8 (IPv6: /128 to /16), twice when a value is listed as
** ipv4 and as cidr /32. */
#define SIGHT_ADDR_MAX 240

int indicator_sight_feed(struct store *st, const struct indicator_match *m, int family,
			 const uint8_t *addr, int64_t event_id, int64_t org_id, const char *feed,
			 const char *type, int64_t seen_ms, int *n, struct perr *err)
{
	if (n)
		*n = 0;
	int64_t ids[SIGHT_ADDR_MAX];
	size_t k = indicator_match_addr(m, family, addr, ids, SIGHT_ADDR_MAX);
	if (k > SIGHT_ADDR_MAX)
		k = SIGHT_ADDR_MAX;
	for (size_t i = 0; i < k; i++) {
		struct store_indicator_sighting s = { .indicator_id = ids[i],
						      .ref = event_id,
						      .org_id = org_id,
						      .seen_ms = seen_ms };
		PSTRCPY(s.kind, "feed");
		snprintf(s.detail, sizeof(s.detail), "%.200s %.200s", feed ? feed : "",
			 type ? type : "");
		if (store_indicator_sighting_add(st, &s, err) != 0)
			return -1;
		if (n)
			(*n)++;
	}
	return 0;
}

/* ------------------------------------------------------------ website watch */

struct watch_ctx {
	struct store *st;
	int64_t site_id, org_id, now_ms;
	const char *host;
	int n;
	struct perr *err;
};

static int watch_one(void *ud, const struct store_indicator *r)
{
	struct watch_ctx *c = ud;
	int seen = store_indicator_sighting_exists(c->st, r->id, "watch", c->site_id, c->err);
	if (seen != 0)
		return seen < 0 ? -1 : 0;
	struct store_indicator_sighting s = { .indicator_id = r->id,
					      .ref = c->site_id,
					      .org_id = c->org_id,
					      .seen_ms = c->now_ms };
	PSTRCPY(s.kind, "watch");
	snprintf(s.detail, sizeof(s.detail), "loads from %.400s", c->host);
	if (store_indicator_sighting_add(c->st, &s, c->err) != 0)
		return -1;
	c->n++;
	return 0;
}

int indicator_sight_hosts(struct store *st, int64_t site_id, int64_t org_id,
			  const char *const *hosts, size_t nhosts, int64_t now_ms, int *n,
			  struct perr *err)
{
	struct watch_ctx c = { st, site_id, org_id, now_ms, NULL, 0, err };
	int rc = 0;
	for (size_t i = 0; i < nhosts && rc == 0; i++) {
		const char *h = hosts[i];
		if (!h || !h[0])
			continue;
		/* the watch writes hosts canonical already; canonicalising again
		** is what makes "Evil.Example." and an IPv6 literal compare */
		char canon[INDICATOR_VALUE_SIZE];
		size_t hl = strlen(h);
		if (hl > 2 && h[0] == '[' && h[hl - 1] == ']') {
			h++;
			hl -= 2;
		}
		enum indicator_type t = indicator_type_guess(h, hl);
		if (t != INDICATOR_DOMAIN && t != INDICATOR_IPV4 && t != INDICATOR_IPV6)
			continue;
		struct perr e;
		if (indicator_value_canon(t, h, hl, canon, sizeof(canon), &e) != 0)
			continue;
		c.host = canon;
		rc = indicator_lookup(st, t, canon, watch_one, &c, err);
	}
	if (n)
		*n = c.n;
	return rc == 0 ? 0 : -1;
}

/* -------------------------------------------------------- incident notes */

#define SIGHT_SEEN_MAX 256 /* distinct indicators recorded for one text */

struct text_ctx {
	struct store *st;
	int64_t incident_id, org_id, now_ms;
	int64_t seen[SIGHT_SEEN_MAX];
	size_t nseen;
	const char *value;
	bool failed; /* a lookup or a write failed: err is filled */
	struct perr *err;
};

static int text_one(void *ud, const struct store_indicator *r)
{
	struct text_ctx *c = ud;
	for (size_t i = 0; i < c->nseen; i++)
		if (c->seen[i] == r->id)
			return 0; /* named twice in one note: one sighting */
	if (c->nseen == SIGHT_SEEN_MAX)
		return 0;
	c->seen[c->nseen++] = r->id;
	struct store_indicator_sighting s = { .indicator_id = r->id,
					      .ref = c->incident_id,
					      .org_id = c->org_id,
					      .seen_ms = c->now_ms };
	PSTRCPY(s.kind, "incident");
	snprintf(s.detail, sizeof(s.detail), "named in incident %lld: %.400s",
		 (long long)c->incident_id, c->value);
	if (store_indicator_sighting_add(c->st, &s, c->err) != 0 ||
	    store_indicator_incident_link(c->st, r->id, c->incident_id, c->now_ms, c->err) != 0)
		return -1;
	return 0;
}

static bool tok_sep(unsigned char c);

/* Analysts defang what they paste so that nothing in a ticket is
** clickable: evil[.]example, 192.0.2[.]1, hxxp://, user[@]example. Undo
** the common forms into out (bounded by its size). */
static size_t refang(const char *in, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	(void)cap; /* each rewrite shortens or keeps the length: out (n + 1) suffices */
	for (size_t i = 0; i < n;) {
		if (i + 3 <= n && (in[i] == '[' || in[i] == '(' || in[i] == '{') &&
		    (in[i + 1] == '.' || in[i + 1] == '@' || in[i + 1] == ':') &&
		    (in[i + 2] == ']' || in[i + 2] == ')' || in[i + 2] == '}')) {
			out[o++] = in[i + 1];
			i += 3;
			continue;
		}
		if (i + 4 <= n && (in[i] == 'h' || in[i] == 'H') &&
		    (in[i + 1] == 'x' || in[i + 1] == 'X') && (in[i + 2] == 'x' || in[i + 2] == 'X') &&
		    (in[i + 3] == 'p' || in[i + 3] == 'P') &&
		    (i == 0 || tok_sep((unsigned char)in[i - 1]))) {
			/* never longer than the input: out has room */
			memcpy(out + o, "http", 4);
			o += 4;
			i += 4;
			continue;
		}
		out[o++] = in[i++];
	}
	out[o] = '\0';
	return o;
}

static bool tok_sep(unsigned char c)
{
	return c <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '(' ||
	       c == ')' || c == ',' || c == ';' || c == '{' || c == '}' || c == '|' || c == '`';
}

/* Punctuation a sentence puts after a value ("see evil.example." or
** "blocked 192.0.2.1:") and the brackets around one. */
static bool tok_trail(char c)
{
	return c == '.' || c == ':' || c == '!' || c == '?' || c == ']' || c == '*';
}

/* One token: the value itself, and for a URL or e-mail address its host. */
static int text_token(const char *tok, size_t len, indicator_text_fn fn, void *ud)
{
	enum indicator_type t = indicator_type_guess(tok, len);
	if (t == INDICATOR_NONE)
		return 0;
	char canon[INDICATOR_VALUE_SIZE];
	struct perr e;
	if (indicator_value_canon(t, tok, len, canon, sizeof(canon), &e) != 0)
		return 0;
	int rc = fn(ud, t, canon);
	if (rc != 0 || (t != INDICATOR_URL && t != INDICATOR_EMAIL))
		return rc;
	struct pstr h = indicator_value_host(t, canon);
	if (!h.n || h.n >= INDICATOR_VALUE_SIZE)
		return 0;
	char host[INDICATOR_VALUE_SIZE];
	memcpy(host, h.p, h.n);
	host[h.n] = '\0';
	enum indicator_type ht = indicator_type_guess(host, h.n);
	if (ht != INDICATOR_DOMAIN && ht != INDICATOR_IPV4 && ht != INDICATOR_IPV6)
		return 0;
	return fn(ud, ht, host);
}

int indicator_text_values(const char *text, size_t len, indicator_text_fn fn, void *ud)
{
	if (!text || len == 0)
		return 0;
	char *buf = malloc(len + 1);
	if (!buf)
		return -1;
	size_t bl = refang(text, len, buf, len + 1);
	size_t tokens = 0;
	int rc = 0;
	for (size_t i = 0; i < bl && tokens < INDICATOR_SIGHT_TOKENS && rc == 0;) {
		while (i < bl && tok_sep((unsigned char)buf[i]))
			i++;
		size_t s = i;
		while (i < bl && !tok_sep((unsigned char)buf[i]))
			i++;
		size_t e = i;
		while (s < e && (buf[s] == '[' || buf[s] == '*'))
			s++;
		while (e > s && tok_trail(buf[e - 1]) &&
		       !(buf[e - 1] == ']' && memchr(buf + s, '[', e - s)))
			e--;
		if (e == s || e - s > INDICATOR_VALUE_MAX)
			continue;
		tokens++;
		rc = text_token(buf + s, e - s, fn, ud);
	}
	free(buf);
	return rc;
}

/* A value of the text: each listed indicator it stands for (a file hash
** also as a certificate fingerprint written plain). */
static int text_value(void *ud, enum indicator_type t, const char *canon)
{
	struct text_ctx *c = ud;
	c->value = canon;
	if (indicator_lookup(c->st, t, canon, text_one, c, c->err) != 0 ||
	    (t == INDICATOR_SHA256 &&
	     indicator_lookup(c->st, INDICATOR_TLS, canon, text_one, c, c->err) != 0)) {
		c->failed = true;
		return -1;
	}
	return 0;
}

int indicator_sight_text(struct store *st, int64_t incident_id, int64_t org_id,
			 const char *text, size_t len, int64_t now_ms, int *n, struct perr *err)
{
	if (n)
		*n = 0;
	if (!text || len == 0)
		return 0;
	struct text_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	*c = (struct text_ctx){ .st = st, .incident_id = incident_id, .org_id = org_id,
				.now_ms = now_ms, .err = err };
	int rc = indicator_text_values(text, len, text_value, c);
	if (rc != 0 && !c->failed)
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	if (n)
		*n = (int)c->nseen;
	free(c);
	return rc == 0 ? 0 : -1;
}
