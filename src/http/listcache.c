/*
** listcache.c — each HTTP worker thread keeps the incident lists it rendered
** last, so an analyst's console or a dashboard polling the same filtered
** list does not run the query and render 50 incidents again.
**
** Correctness comes first, so an entry is used only when all of these hold:
**   - the key is the same: the caller's scope (user, role, organisation,
**     province, token narrowing, teams) and every list parameter, so a
**     response is never served to someone who could not have got it;
**   - the store's incident generation (migration 0005: triggers on
**     incidents, messages and organisations, in every process) has not
**     moved since the entry was rendered;
**   - it is younger than LIST_CACHE_TTL_MS, because SLA flags in the list
**     turn with the clock, not with a write.
** The generation is read before the query that fills an entry, so a write
** that lands in between makes the entry stale at once, never wrong.
**
** Per thread (no lock); a thread's entries are freed when it exits.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "http/listcache.h"

#define LIST_CACHE_SLOTS 256
#define LIST_CACHE_TTL_MS 1000
#define LIST_CACHE_BODY_MAX (1u << 20) /* larger lists are not kept */

struct entry {
	uint64_t h;
	char *key;
	char *body;
	size_t len;
	int64_t gen, at_ms;
};

struct cache {
	struct entry e[LIST_CACHE_SLOTS];
};

static pthread_key_t tkey;
static pthread_once_t tonce = PTHREAD_ONCE_INIT;

static void cache_free(void *p)
{
	struct cache *c = p;
	for (int i = 0; i < LIST_CACHE_SLOTS; i++) {
		free(c->e[i].key);
		free(c->e[i].body);
	}
	free(c);
}

static void make_key(void)
{
	pthread_key_create(&tkey, cache_free);
}

static struct cache *mine(void)
{
	pthread_once(&tonce, make_key);
	struct cache *c = pthread_getspecific(tkey);
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (c && pthread_setspecific(tkey, c) != 0) {
			free(c);
			c = NULL;
		}
	}
	return c;
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

void listcache_key(struct pbuf *key, const struct principal *p)
{
	if (!p) {
		pbuf_adds(key, "anon|");
		return;
	}
	pbuf_addf(key, "u%lld r%d o%lld p%s so%lld sp%s t", (long long)p->user_id, (int)p->role,
		  (long long)p->org_id, p->province, (long long)p->scope_org, p->scope_province);
	for (int i = 0; i < p->nteams; i++)
		pbuf_addf(key, ",%lld", (long long)p->teams[i]);
	pbuf_adds(key, "|");
}

bool listcache_get(const char *key, int64_t gen, int64_t now_ms, char **body, size_t *len)
{
	struct cache *c = mine();
	if (!c)
		return false;
	uint64_t h = hash(key);
	struct entry *e = &c->e[h % LIST_CACHE_SLOTS];
	if (!e->body || e->h != h || e->gen != gen || now_ms - e->at_ms >= LIST_CACHE_TTL_MS ||
	    now_ms < e->at_ms || strcmp(e->key, key) != 0)
		return false;
	char *copy = malloc(e->len + 1);
	if (!copy)
		return false;
	memcpy(copy, e->body, e->len + 1);
	*body = copy;
	*len = e->len;
	return true;
}

void listcache_put(const char *key, int64_t gen, int64_t now_ms, const char *body, size_t len)
{
	struct cache *c = mine();
	if (!c || len > LIST_CACHE_BODY_MAX)
		return;
	uint64_t h = hash(key);
	struct entry *e = &c->e[h % LIST_CACHE_SLOTS];
	char *k = strdup(key), *b = malloc(len + 1);
	if (!k || !b) {
		free(k);
		free(b);
		return;
	}
	memcpy(b, body, len);
	b[len] = '\0';
	free(e->key);
	free(e->body);
	*e = (struct entry){ h, k, b, len, gen, now_ms };
}
