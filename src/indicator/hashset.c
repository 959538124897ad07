/*
** hashset.c — the hashing, growth and open-addressing tables that the
** indicator matcher and the warninglists share (see hashset.h).
*/
#include "indicator/hashset.h"

#include <stdlib.h>
#include <string.h>

int hashset_grow(void **p, size_t *cap, size_t need, size_t elem, size_t first)
{
	if (need <= *cap)
		return 0;
	size_t nc = *cap ? *cap : first;
	while (nc < need)
		nc *= 2;
	void *q = realloc(*p, nc * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = nc;
	return 0;
}

uint32_t *hashset_slots(size_t n, size_t *mask)
{
	size_t cap = 16;
	while (cap < n * 2)
		cap *= 2;
	uint32_t *slot = calloc(cap, sizeof(*slot));
	*mask = cap - 1;
	return slot;
}

void hashset_put(uint32_t *slot, size_t mask, uint64_t hash, uint32_t i)
{
	size_t h = (size_t)hash & mask;
	while (slot[h])
		h = (h + 1) & mask;
	slot[h] = i + 1;
}

uint64_t hashset_pfx_hash(uint8_t fam, uint8_t len, const uint8_t a[16])
{
	char k[18];
	k[0] = (char)fam;
	k[1] = (char)len;
	memcpy(k + 2, a, 16);
	return hashset_hash(0, k, sizeof(k));
}
