/*
** hh.c — heavy hitters of an attacked host: the Space-Saving summary
** (Metwally, Agrawal, El Abbadi, 2005) with FLOW_HH_K counters. An
** analyst answering a DDoS wants the few sources, ASNs and ports that
** carry the flood (to filter or to write to their upstream), not exact
** counts of millions of spoofed sources; Space-Saving keeps every key
** heavier than total/K in K fixed slots, so a watched host costs a fixed
** 16 x 32 bytes per sketch whatever the attacker sprays.
*/
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"

void flow_hh_key32(uint8_t key[16], uint32_t v)
{
	memset(key, 0, 16);
	key[0] = (uint8_t)(v >> 24);
	key[1] = (uint8_t)(v >> 16);
	key[2] = (uint8_t)(v >> 8);
	key[3] = (uint8_t)v;
}

static void add_err(struct flow_hh *h, const uint8_t key[16], uint64_t w,
		    uint64_t err)
{
	uint32_t min = 0;
	for (uint32_t i = 0; i < h->n; i++) {
		if (memcmp(h->it[i].key, key, 16) == 0) {
			h->it[i].count += w;
			h->it[i].err += err;
			return;
		}
		if (h->it[i].count < h->it[min].count)
			min = i;
	}
	if (h->n < FLOW_HH_K) {
		struct flow_hh_item *it = &h->it[h->n++];
		memcpy(it->key, key, 16);
		it->count = w;
		it->err = err;
		return;
	}
	/* Replace the lightest: the newcomer inherits its count as error. */
	struct flow_hh_item *it = &h->it[min];
	memcpy(it->key, key, 16);
	it->err = it->count + err;
	it->count += w;
}

void flow_hh_add(struct flow_hh *h, const uint8_t key[16], uint64_t w)
{
	add_err(h, key, w, 0);
}

void flow_hh_merge(struct flow_hh *dst, const struct flow_hh *src)
{
	for (uint32_t i = 0; i < src->n && i < FLOW_HH_K; i++)
		add_err(dst, src->it[i].key, src->it[i].count, src->it[i].err);
}

static int cmp_item(const void *a, const void *b)
{
	const struct flow_hh_item *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return memcmp(x->key, y->key, 16);
}

size_t flow_hh_top(const struct flow_hh *h, struct flow_hh_item *out, size_t n)
{
	struct flow_hh_item tmp[FLOW_HH_K];
	uint32_t m = h->n < FLOW_HH_K ? h->n : FLOW_HH_K;
	memcpy(tmp, h->it, m * sizeof *tmp);
	qsort(tmp, m, sizeof *tmp, cmp_item);
	if (n > m)
		n = m;
	memcpy(out, tmp, n * sizeof *out);
	return n;
}
