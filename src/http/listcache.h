/*
** listcache.h — the process-wide cache of rendered incident lists (internal
** to the http module; listcache.c says when an entry may be used).
**
** A kept body is shared and reference-counted: a hit hands out a reference
** that the response releases once libmicrohttpd has sent it, so a hit copies
** nothing. The handler passes its reference to the server through the
** calling thread's "held" slot (listcache_hold, then listcache_claim in the
** server), because the response structure carries only a pointer.
*/
#ifndef PARAPET_HTTP_LISTCACHE_H
#define PARAPET_HTTP_LISTCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "identity/identity.h"

/* A kept body: NUL-terminated JSON text, shared, reference-counted. */
struct listcache_body;

/* Append the part of a cache key that says who asks (their whole scope). */
void listcache_key(struct pbuf *key, const struct principal *p);
/* A reference to the body kept under key when it was rendered at generation
** gen and is still valid at now_ms; NULL otherwise. The caller releases it
** (listcache_release) or hands it on (listcache_hold). */
struct listcache_body *listcache_get(const char *key, int64_t gen, int64_t now_ms);
/* Keep a copy of body (len bytes) under key, rendered at generation gen at
** now_ms and valid while the clock reads at most until_ms (the renderer
** knows when its text turns with the clock; see listcache.c). Returns a
** reference to the kept copy for the caller, or NULL when it was not kept
** (too large, out of memory, the cache full). */
struct listcache_body *listcache_put(const char *key, int64_t gen, int64_t now_ms,
				     int64_t until_ms, const char *body, size_t len);
const char *listcache_text(const struct listcache_body *b);
size_t listcache_len(const struct listcache_body *b);
/* Drop a reference (NULL is ignored); the last one frees the body. Takes a
** void * so that it can be libmicrohttpd's free callback. */
void listcache_release(void *b);

/* Make b (a reference the caller owns) the calling thread's response body
** until the server claims it; a body held before and not claimed is
** released. */
void listcache_hold(struct listcache_body *b);
/* The held body when raw is its text: the reference passes to the caller
** and the slot empties. NULL when raw is anything else. */
struct listcache_body *listcache_claim(const char *raw);
/* Release the calling thread's held body, if any (end of a request). */
void listcache_drop(void);
/* Free every kept body not referenced elsewhere (server stop, tests). */
void listcache_clear(void);

#endif
