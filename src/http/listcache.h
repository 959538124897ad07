/*
** listcache.h — the per-thread cache of rendered incident lists (internal
** to the http module; listcache.c says when an entry may be used).
*/
#ifndef PARAPET_HTTP_LISTCACHE_H
#define PARAPET_HTTP_LISTCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "identity/identity.h"

/* Append the part of a cache key that says who asks (their whole scope). */
void listcache_key(struct pbuf *key, const struct principal *p);
/* A copy of the body kept under key (the caller frees *body) when it was
** rendered at generation gen less than a second before now_ms. */
bool listcache_get(const char *key, int64_t gen, int64_t now_ms, char **body, size_t *len);
/* Keep body (copied) under key, rendered at generation gen. */
void listcache_put(const char *key, int64_t gen, int64_t now_ms, const char *body, size_t len);

#endif
