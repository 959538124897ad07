/*
** lpm.h — longest-prefix-match tables for IPv4 and IPv6 owner lookup.
**
** The constituency module answers "which organisation owns this address?"
** for every observation a sensor feed delivers, so the question is asked
** millions of times per second against a table of up to a few million
** prefixes. This header is internal to the constituency module: a builder
** collects (family, prefix, length, value) tuples, lpm_build() turns them into
** an immutable table, and the lookups return the value of the longest
** matching prefix. Values are opaque non-zero caller ids (organisation ids);
** 0 means "no prefix covers this address".
**
** Once built, a table is never modified, so any number of threads may look
** up concurrently without locks; to change the constituency, build a new
** table and swap the pointer (the caller owns the publication protocol).
*/
#ifndef PARAPET_LPM_H
#define PARAPET_LPM_H

#include <stddef.h>
#include <stdint.h>

struct lpm;         /* immutable once built; read concurrently without locks */
struct lpm_builder; /* single-threaded accumulator of prefixes */

/* Most prefixes one builder accepts (v4 and v6 together, duplicates
** included). The built table packs value indices into 25 bits. */
#define LPM_MAX_PREFIXES ((size_t)((UINT32_C(1) << 25) - 2))

/* Returns a new empty builder owned by the caller (release it with
** lpm_build() or lpm_builder_free()), or NULL when out of memory. */
struct lpm_builder *lpm_builder_new(void);

/* How the IPv4 table is laid out: AUTO (the default) picks DIR-24-8 (64 MiB
** whatever the count, one memory access per lookup) for a large registry and
** a range table sized to the prefixes for a small one; tests force either
** to check both against the same reference. */
enum lpm_layout { LPM_LAYOUT_AUTO, LPM_LAYOUT_DIR24, LPM_LAYOUT_RANGES };
void lpm_builder_layout(struct lpm_builder *b, enum lpm_layout layout4);

/* Discards a builder without building. NULL is a no-op. */
void lpm_builder_free(struct lpm_builder *b);

/* Adds a prefix. family is 4 or 6; addr holds 4 or 16 bytes in network
** order; len is 0..32 or 0..128; value must be != 0. Bits of addr beyond len
** are ignored. Adding the same prefix again replaces its value (last wins).
** Returns 0, or -1 on bad arguments, when the builder holds
** LPM_MAX_PREFIXES already, or when out of memory (the builder is then
** unchanged and still usable). */
int lpm_builder_add(struct lpm_builder *b, int family, const uint8_t *addr,
		    unsigned len, uint64_t value);

/* Builds the immutable table. Consumes (frees) the builder in all cases,
** including b == NULL. Returns a table owned by the caller (release with
** lpm_free()), or NULL when out of memory. An empty builder yields a valid
** table on which every lookup returns 0. */
struct lpm *lpm_build(struct lpm_builder *b);

/* Releases a table. NULL is a no-op. No lookup may be running on it. */
void lpm_free(struct lpm *t);

/* Returns the value of the longest prefix covering the address, or 0 when no
** prefix covers it. When plen != NULL, stores the matched prefix length
** there (0 when nothing matched — a /0 match also reports 0, tell them
** apart by the return value). t must not be NULL. */
uint64_t lpm_lookup4(const struct lpm *t, uint32_t addr_host_order,
		     unsigned *plen);
uint64_t lpm_lookup6(const struct lpm *t, const uint8_t addr[16],
		     unsigned *plen);

/* Start loading what lpm_lookup4 of addr will read first (a hint; for
** callers that look up many independent addresses in a row). */
void lpm_prefetch4(const struct lpm *t, uint32_t addr_host_order);

/* Bytes of heap the table holds (tables, side tables and the header). */
size_t lpm_memory(const struct lpm *t);

#endif /* PARAPET_LPM_H */
