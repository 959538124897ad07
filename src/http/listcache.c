/*
** listcache.c — the HTTP workers share the incident lists they rendered
** last, so analysts' consoles and dashboards polling the same filtered lists
** do not run the query and render 50 incidents again.
**
** Correctness comes first, so an entry is used only when all of these hold:
**   - the key is the same: the caller's scope (user, role, organisation,
**     province, token narrowing, teams) and every list parameter, so a
**     response is never served to someone who could not have got it;
**   - the store's incident generation (migration 0005: triggers on
**     incidents, messages and organisations, in every process) has not
**     moved since the entry was rendered;
**   - the clock has not passed the entry's own expiry, which the renderer
**     sets to the first SLA deadline of an incident in it (SLA flags turn
**     with the clock, not with a write) or, for lists chosen by the clock
**     (overdue=true), to one second after rendering;
**   - it is younger than LIST_CACHE_MAX_MS in any case (less up to a half,
**     by the key's hash, so that lists rendered together do not all expire
**     together and come back as one burst of queries).
** The generation is read before the query that fills an entry, so a write
** that lands in between makes the entry stale at once, never wrong.
**
** One table for all workers (it was one per thread: with the requests of a
** console spread over the pool, each thread saw every list and kept few of
** them, issue 3). Sets of LIST_CACHE_WAYS entries, each set under one of
** LIST_CACHE_LOCKS mutexes held only to compare a key and take a reference.
** Bodies are reference-counted and sent from the cache without a copy; at
** most LIST_CACHE_BYTES are kept, expired entries being swept out when the
** budget runs short. One database per process: the key does not name it
** (http_stop empties the cache).
*/
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "http/listcache.h"

#define LIST_CACHE_SETS 1024 /* power of two */
#define LIST_CACHE_WAYS 4
#define LIST_CACHE_LOCKS 64 /* power of two, at most LIST_CACHE_SETS */
#define LIST_CACHE_MAX_MS 10000
#define LIST_CACHE_BODY_MAX (1u << 20)   /* larger lists are not kept */
#define LIST_CACHE_BYTES (64u << 20)     /* all kept bodies together */

struct listcache_body {
	atomic_int refs;
	size_t len;
	char text[];
};

struct entry {
	uint64_t h;
	char *key;
	struct listcache_body *body;
	int64_t gen, at_ms, until_ms;
};

static struct entry table[LIST_CACHE_SETS][LIST_CACHE_WAYS];
static pthread_mutex_t locks[LIST_CACHE_LOCKS];
static pthread_once_t locks_once = PTHREAD_ONCE_INIT;
static atomic_size_t kept_bytes;
static _Atomic int64_t last_sweep_ms;
static _Thread_local struct listcache_body *held;

static void locks_init(void)
{
	for (int i = 0; i < LIST_CACHE_LOCKS; i++)
		pthread_mutex_init(&locks[i], NULL);
}

static pthread_mutex_t *lock_of(size_t set)
{
	pthread_once(&locks_once, locks_init);
	return &locks[set & (LIST_CACHE_LOCKS - 1)];
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void add_i64(struct pbuf *b, int64_t v)
{
	char d[24];
	int n = 0;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		d[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		d[n++] = '-';
	char out[24];
	for (int i = 0; i < n; i++)
		out[i] = d[n - 1 - i];
	pbuf_add(b, out, (size_t)n);
}

void listcache_key(struct pbuf *key, const struct principal *p)
{
	if (!p) {
		pbuf_adds(key, "anon|");
		return;
	}
	/* Lengths go in front of the free-form province names so that no two
	** scopes can spell the same key. */
	pbuf_add(key, "u", 1);
	add_i64(key, p->user_id);
	pbuf_add(key, " r", 2);
	add_i64(key, (int64_t)p->role);
	pbuf_add(key, " o", 2);
	add_i64(key, p->org_id);
	pbuf_add(key, " p", 2);
	add_i64(key, (int64_t)strlen(p->province));
	pbuf_add(key, ":", 1);
	pbuf_adds(key, p->province);
	pbuf_add(key, " so", 3);
	add_i64(key, p->scope_org);
	pbuf_add(key, " sp", 3);
	add_i64(key, (int64_t)strlen(p->scope_province));
	pbuf_add(key, ":", 1);
	pbuf_adds(key, p->scope_province);
	pbuf_add(key, " t", 2);
	for (int i = 0; i < p->nteams; i++) {
		pbuf_add(key, ",", 1);
		add_i64(key, p->teams[i]);
	}
	pbuf_add(key, "|", 1);
}

static bool expired(const struct entry *e, int64_t now_ms)
{
	int64_t max = LIST_CACHE_MAX_MS - (int64_t)(e->h % (LIST_CACHE_MAX_MS / 2));
	return now_ms < e->at_ms || now_ms - e->at_ms >= max || now_ms > e->until_ms;
}

static bool fresh(const struct entry *e, int64_t gen, int64_t now_ms)
{
	return e->body && e->gen == gen && !expired(e, now_ms);
}

struct listcache_body *listcache_get(const char *key, int64_t gen, int64_t now_ms)
{
	uint64_t h = hash(key);
	size_t set = (size_t)(h & (LIST_CACHE_SETS - 1));
	struct listcache_body *b = NULL;
	pthread_mutex_t *m = lock_of(set);
	pthread_mutex_lock(m);
	for (int w = 0; w < LIST_CACHE_WAYS; w++) {
		struct entry *e = &table[set][w];
		if (e->h == h && fresh(e, gen, now_ms) && strcmp(e->key, key) == 0) {
			b = e->body;
			atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
			break;
		}
	}
	pthread_mutex_unlock(m);
	return b;
}

/* Empty e (under its set's lock); the body is released after the unlock by
** the caller, through *drop. */
static void evict(struct entry *e, struct listcache_body **drop)
{
	if (e->body)
		atomic_fetch_sub(&kept_bytes, e->body->len);
	free(e->key);
	*drop = e->body;
	memset(e, 0, sizeof(*e));
}

/* Free expired entries, at most once a second (the budget ran short). */
static void sweep(int64_t now_ms)
{
	int64_t last = atomic_load(&last_sweep_ms);
	if (now_ms - last < 1000 ||
	    !atomic_compare_exchange_strong(&last_sweep_ms, &last, now_ms))
		return;
	for (size_t set = 0; set < LIST_CACHE_SETS; set++) {
		struct listcache_body *drop[LIST_CACHE_WAYS] = { 0 };
		pthread_mutex_t *m = lock_of(set);
		pthread_mutex_lock(m);
		for (int w = 0; w < LIST_CACHE_WAYS; w++) {
			struct entry *e = &table[set][w];
			if (e->body && expired(e, now_ms))
				evict(e, &drop[w]);
		}
		pthread_mutex_unlock(m);
		for (int w = 0; w < LIST_CACHE_WAYS; w++)
			listcache_release(drop[w]);
	}
}

struct listcache_body *listcache_put(const char *key, int64_t gen, int64_t now_ms,
				     int64_t until_ms, const char *body, size_t len)
{
	if (len > LIST_CACHE_BODY_MAX)
		return NULL;
	if (atomic_load(&kept_bytes) + len > LIST_CACHE_BYTES) {
		sweep(now_ms);
		if (atomic_load(&kept_bytes) + len > LIST_CACHE_BYTES)
			return NULL;
	}
	struct listcache_body *b = malloc(sizeof(*b) + len + 1);
	char *k = strdup(key);
	if (!b || !k) {
		free(b);
		free(k);
		return NULL;
	}
	atomic_init(&b->refs, 2); /* the table's and the caller's */
	b->len = len;
	memcpy(b->text, body, len);
	b->text[len] = '\0';
	uint64_t h = hash(key);
	size_t set = (size_t)(h & (LIST_CACHE_SETS - 1));
	struct listcache_body *drop = NULL;
	pthread_mutex_t *m = lock_of(set);
	pthread_mutex_lock(m);
	/* the same key, else an empty way, else the oldest */
	struct entry *victim = NULL;
	for (int w = 0; w < LIST_CACHE_WAYS && !victim; w++) {
		struct entry *e = &table[set][w];
		if (e->body && e->h == h && strcmp(e->key, key) == 0)
			victim = e;
	}
	for (int w = 0; w < LIST_CACHE_WAYS && !victim; w++)
		if (!table[set][w].body)
			victim = &table[set][w];
	if (victim && victim->gen > gen) {
		/* rendered later from newer data: keep that; b is the caller's alone */
		pthread_mutex_unlock(m);
		free(k);
		atomic_store(&b->refs, 1);
		return b;
	}
	if (!victim) {
		victim = &table[set][0];
		for (int w = 1; w < LIST_CACHE_WAYS; w++)
			if (table[set][w].at_ms < victim->at_ms)
				victim = &table[set][w];
	}
	evict(victim, &drop);
	*victim = (struct entry){ h, k, b, gen, now_ms, until_ms };
	atomic_fetch_add(&kept_bytes, len);
	pthread_mutex_unlock(m);
	listcache_release(drop);
	return b;
}

const char *listcache_text(const struct listcache_body *b)
{
	return b->text;
}

size_t listcache_len(const struct listcache_body *b)
{
	return b->len;
}

void listcache_release(void *p)
{
	struct listcache_body *b = p;
	if (b && atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) == 1)
		free(b);
}

void listcache_hold(struct listcache_body *b)
{
	listcache_release(held);
	held = b;
}

struct listcache_body *listcache_claim(const char *raw)
{
	struct listcache_body *b = held;
	if (!b || !raw || raw != b->text)
		return NULL;
	held = NULL;
	return b;
}

void listcache_drop(void)
{
	listcache_release(held);
	held = NULL;
}

void listcache_clear(void)
{
	for (size_t set = 0; set < LIST_CACHE_SETS; set++) {
		struct listcache_body *drop[LIST_CACHE_WAYS] = { 0 };
		pthread_mutex_t *m = lock_of(set);
		pthread_mutex_lock(m);
		for (int w = 0; w < LIST_CACHE_WAYS; w++)
			evict(&table[set][w], &drop[w]);
		pthread_mutex_unlock(m);
		for (int w = 0; w < LIST_CACHE_WAYS; w++)
			listcache_release(drop[w]);
	}
}
