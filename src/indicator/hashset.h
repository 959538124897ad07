/*
** hashset.h — the in-memory indexes the indicator matcher (match.c) and the
** MISP warninglists (warninglist.c) both build, not part of the module's
** public interface (indicator.h). Both freeze a set of values once and then
** answer millions of lookups: values and prefixes are hashed with one
** FNV-1a, placed in an open-addressing table of uint32 slots (an index + 1,
** 0 = empty) kept at most half full, and a network's parent is found by
** masking its address to each shorter length and probing. One copy, so that
** the two indexes cannot drift apart in how they mask or probe.
*/
#ifndef PARAPET_INDICATOR_HASHSET_H
#define PARAPET_INDICATOR_HASHSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Grows array *p of elem-byte items so that it holds need of them: the
** capacity doubles from first (the caller's guess of a usual size). 0, or
** -1 when out of memory (*p and *cap unchanged). */
int hashset_grow(void **p, size_t *cap, size_t need, size_t elem, size_t first);

/* FNV-1a of s[0..n) from a basis varied by seed (the matcher separates
** indicator types by it), with the high bits folded in: the tables use the
** low bits. Inline: every lookup of both indexes hashes its value. */
static inline uint64_t hashset_hash(unsigned seed, const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL ^ seed;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 31);
}

/* A calloc'd table of slots for n entries, at most half full (a power of
** two, at least 16); *mask is its size - 1. NULL when out of memory. The
** caller frees it. */
uint32_t *hashset_slots(size_t n, size_t *mask);

/* Puts entry i (stored as i + 1) at the first free slot from hash. */
void hashset_put(uint32_t *slot, size_t mask, uint64_t hash, uint32_t i);

/* Clears the bits of a 16-byte address after the first len (inline: the
** matcher masks an address once per listed length on every lookup). */
static inline void hashset_mask(uint8_t a[16], unsigned len)
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = len > i * 8 ? len - i * 8 : 0;
		if (bits < 8)
			a[i] &= (uint8_t)(0xff00u >> bits);
	}
}

/* The hash of a prefix: family (4 or 6), length and masked address. */
uint64_t hashset_pfx_hash(uint8_t fam, uint8_t len, const uint8_t a[16]);

/* The nearest prefix covering (fam, len, addr) among those already put in
** slot: each shorter length the set uses (haslen[fam == 6][l]) is masked
** and probed, longest first. Entries are read from base, stride bytes
** apart, and must begin with `uint8_t fam, len; uint8_t addr[16];` (both
** indexes' prefix structs do). Returns the covering entry's slot value
** (index + 1), 0 when none covers it. */
uint32_t hashset_pfx_parent(const uint32_t *slot, size_t mask, const bool haslen[2][129],
			    const void *base, size_t stride, uint8_t fam, uint8_t len,
			    const uint8_t addr[16]);

#endif
