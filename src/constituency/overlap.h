/*
** overlap.h — internal to the constituency module: which registered assets
** a new asset would overlap.
**
** The owner lookup takes the most specific match, so an asset inside (or
** containing) another organisation's asset takes that organisation's hosts
** from it: reports of them would open incidents in the wrong organisation.
** constituency.c decides what an overlap means for the caller (refused,
** confirmed and audited); the questions answered here are asked of the
** owner index's snapshot (index.c), with side tables built on the first
** question about a snapshot, so a check costs a few bisections and never a
** scan of the store.
*/
#ifndef PARAPET_CONSTITUENCY_OVERLAP_H
#define PARAPET_CONSTITUENCY_OVERLAP_H

#include "constituency/constituency.h"

/* Called for each overlapping asset; a nonzero return stops the walk. */
typedef int (*overlap_fn)(void *ud, int64_t asset_id, int64_t org_id, const char *type,
			  const char *value);

/* The shared owner index, checked against the store's asset generation with
** no staleness allowed, pinned. Release with constituency_view_release().
** NULL with err on failure. */
const struct constituency_view *overlap_view_acquire(struct store *st, struct perr *err);

/* A private index of what st sees now (an open transaction's own writes
** included), for checking a batch after writing it; never published to
** lookups. The caller frees it with overlap_view_free(). NULL with err. */
struct constituency_view *overlap_view_build(struct store *st, struct perr *err);
void overlap_view_free(struct constituency_view *v);

/* Call fn for every asset in v of an organisation other than org_id that
** overlaps (constituency_assets_overlap) the asset (type, canonical value).
** Returns 0 when all were visited, fn's nonzero return when it stopped. */
int overlap_each(const struct constituency_view *v, int64_t org_id, const char *type,
		 const char *canon, overlap_fn fn, void *ud);

/* ------------------------------------------------------ in constituency.c */

/* The overlaps found for one asset, as much as a message and the audit
** entry name. */
#define OVERLAP_MAX 8
struct overlap_hits {
	struct {
		int64_t id, org_id;
		char type[16];
		char value[512];
		char org_name[256];
	} hit[OVERLAP_MAX];
	size_t n;     /* recorded (at most OVERLAP_MAX) */
	size_t total; /* found */
};

/* The overlap rule for asset a (type, canonical value, org_id) against v,
** for p (NULL = the local operator): 0 when a may be registered (hits then
** holds the overlaps to audit, none when there are none), -1 with err when
** refused: PERR_FORBIDDEN naming only the province of an overlapped asset p
** may not see, PERR_CONFLICT (field "confirm_overlap") naming the asset and
** its organisation when confirm is false. */
int constituency_overlap_rule(struct store *st, const struct principal *p,
			      const struct constituency_view *v, const struct store_asset *a,
			      bool confirm, struct overlap_hits *hits, struct perr *err);
/* Audit a confirmed overlap of the registered asset a (a->id set). */
int constituency_overlap_audit(struct store *st, const char *actor, const struct store_asset *a,
			       const struct overlap_hits *hits, struct perr *err);
/* constituency_asset_add without the overlap rule, for a batch that applies
** it to everything it wrote before committing (constituency_import_csv). */
int constituency_asset_add_batch(struct store *st, const char *actor, int64_t org_id,
				 const char *type, const char *value, struct store_asset *out,
				 struct perr *err);

#endif
