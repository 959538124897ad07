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

uint32_t hashset_pfx_parent(const uint32_t *slot, size_t mask, const bool haslen[2][129],
			    const void *base, size_t stride, uint8_t fam, uint8_t len,
			    const uint8_t addr[16])
{
	int fi = fam == 6;
	for (int l = (int)len - 1; l >= 0; l--) {
		if (!haslen[fi][l])
			continue;
		uint8_t a[16];
		memcpy(a, addr, 16);
		hashset_mask(a, (unsigned)l);
		uint64_t hv = hashset_pfx_hash(fam, (uint8_t)l, a);
		for (size_t h = (size_t)hv & mask; slot[h]; h = (h + 1) & mask) {
			/* the entry's leading fam, len, addr[16] */
			uint8_t q[18];
			memcpy(q, (const char *)base + (size_t)(slot[h] - 1) * stride, sizeof q);
			if (q[0] == fam && q[1] == l && memcmp(q + 2, a, 16) == 0)
				return slot[h];
		}
	}
	return 0;
}
