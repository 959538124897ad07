/*
** constituency.h — the organisations Parapet protects, and who owns what.
**
** Organisations (with parent, sector, province), their contacts and their
** assets: IPv4/IPv6 networks, domains, URLs, autonomous systems and product
** tags. Every asset is validated and stored in one canonical form
** (constituency_asset_canon), so that "10.0.0.0/8" and "010.0.0.0/8" cannot
** both be owned, and "WWW.MOF.Example." is the domain "www.mof.example".
**
** The owner index answers "who owns this?" for an IP (longest-prefix match
** over IPv4 and IPv6), an ASN, a domain (longest suffix) or a URL. It is an
** immutable snapshot rebuilt when assets change and swapped in atomically, so
** lookups take no lock; every writer of assets calls constituency_changed()
** after its commit, and a snapshot older than one second re-checks the
** store's asset generation, so changes made by another process (the CLI) are
** seen too.
*/
#ifndef PARAPET_CONSTITUENCY_H
#define PARAPET_CONSTITUENCY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"
#include "identity/identity.h"
#include "store/store.h"

/* ------------------------------------------------------------ validation */

/* The longest asset value accepted, as given and in canonical form (which
** must fit store_asset.value with room to spare). */
#define CONSTITUENCY_VALUE_MAX 500

/* Validate an asset value of type (cidr, domain, url, asn, product) and write
** its canonical form into out (outsz >= 512). Errors name the field "value"
** and say what is wrong (e.g. "host bits set: did you mean 10.1.0.0/16?"). */
int constituency_asset_canon(const char *type, const char *value, char *out,
			     size_t outsz, struct perr *err);

/* A product asset's canonical value, read back (views into value). The
** free-text form ("mikrotik routeros 6.42") is all name; the CPE form
** ("cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*:* count=40
** hosts=10.0.0.1,10.0.0.2", docs/constituency-csv.md) splits into the
** name, count (0 = not given) and hosts (a comma list, empty when not
** given). Returns 1 for the CPE form, 0 for free text. */
struct constituency_product {
	struct pstr name;
	bool is_cpe;
	int64_t count;
	struct pstr hosts;
};
int constituency_product_split(const char *value, struct constituency_product *p);

/* Do two assets (types and canonical values) claim some of the same hosts?
** Networks when one holds the other (IPv4 and IPv6); domains when equal or
** one is under the other at a label boundary ("x.fars.example" is under
** "fars.example", "notfars.example" is not); URLs when one is a prefix of
** the other as the owner lookup matches them, and a URL with a domain or a
** network that its host is (under) or lies in; ASNs when equal. Product
** tags overlap nothing. */
bool constituency_assets_overlap(const char *type_a, const char *a, const char *type_b,
				 const char *b);

/* --------------------------------------------------------- organisations */

struct org_spec {
	const char *name;
	const char *sector;
	const char *province;
	int64_t parent_id;
};

/* Create, update, delete: validate, check p's scope, write, audit. Call in a
** transaction. p NULL means the CLI (local root), which may do anything. */
int constituency_org_add(struct store *st, const struct principal *p, const char *actor,
			 const struct org_spec *spec, struct store_org *out,
			 struct perr *err);
int constituency_org_update(struct store *st, const struct principal *p,
			    const char *actor, int64_t id, const struct org_spec *spec,
			    struct store_org *out, struct perr *err);
int constituency_org_delete(struct store *st, const struct principal *p,
			    const char *actor, int64_t id, struct perr *err);
/* Load the organisation and check that p may see it (NOTFOUND otherwise). */
int constituency_org_get(struct store *st, const struct principal *p, int64_t id,
			 struct store_org *out, struct perr *err);

/* Register an asset of org_id. One that overlaps another organisation's
** asset (constituency_assets_overlap) takes that organisation's hosts in
** the owner lookup, so: when p may not see that organisation (a provincial
** analyst, another province) it is refused with PERR_FORBIDDEN naming only
** the other asset's province; otherwise (analysts, admins, the CLI, a
** provincial analyst within the province) it needs confirm_overlap, else
** PERR_CONFLICT with field "confirm_overlap" naming the asset and its
** organisation; a confirmed overlap is audited ("asset.overlap", naming the
** overlapped assets). Overlaps within org_id are allowed. */
int constituency_asset_add(struct store *st, const struct principal *p,
			   const char *actor, int64_t org_id, const char *type,
			   const char *value, bool confirm_overlap, struct store_asset *out,
			   struct perr *err);
int constituency_asset_delete(struct store *st, const struct principal *p,
			      const char *actor, int64_t org_id, int64_t asset_id,
			      struct perr *err);

struct contact_spec {
	const char *name, *email, *phone, *role, *lang, *pgp;
};
int constituency_contact_add(struct store *st, const struct principal *p,
			     const char *actor, int64_t org_id,
			     const struct contact_spec *spec, struct store_contact *out,
			     struct perr *err);
int constituency_contact_delete(struct store *st, const struct principal *p,
				const char *actor, int64_t org_id, int64_t contact_id,
				struct perr *err);

/* ------------------------------------------------------------- provinces */

/* Make sure provinces exist: when file is NULL or "", Iran's 31 provinces are
** added if the table is empty; otherwise the file (lines "name,name_fa")
** replaces the set (provinces still in use are kept). */
int constituency_provinces_load(struct store *st, const char *file, struct perr *err);

/* ---------------------------------------------------------------- lookup */

enum lookup_kind { LOOKUP_IP, LOOKUP_DOMAIN, LOOKUP_ASN, LOOKUP_URL };

struct lookup_result {
	int64_t org_id;
	char matched[512]; /* the asset that matched: prefix, domain, AS or URL */
	char type[16];     /* its asset type */
};

/* Find the owner of query. Returns 1 when found, 0 when no one owns it, -1 on
** error (bad query: PERR_INVALID). */
int constituency_lookup(struct store *st, enum lookup_kind kind, const char *query,
			struct lookup_result *r, struct perr *err);
/* For bulk jobs (a report feed of millions of rows): pin the current owner
** index once and ask it directly, with no string parsing, no copying and no
** staleness check per lookup. The view stays valid (not freed by a rebuild)
** until released; it does not see changes made after it was taken. NULL
** with err when the index cannot be built. */
struct constituency_view;
const struct constituency_view *constituency_view_acquire(struct store *st, struct perr *err);
void constituency_view_release(const struct constituency_view *v);
/* Owner (org id) of an address (family 4: 4 bytes, 6: 16 bytes, network
** order), an AS number, a canonical (lower-case, no trailing dot) domain,
** or a URL; 0 when no one owns it. */
int64_t constituency_view_ip(const struct constituency_view *v, int family, const uint8_t *addr);
int64_t constituency_view_asn(const struct constituency_view *v, uint32_t asn);
/* A hint: start loading what constituency_view_ip of this address reads. */
void constituency_view_prefetch(const struct constituency_view *v, int family,
				const uint8_t *addr);
int64_t constituency_view_domain(const struct constituency_view *v, const char *canon);
int64_t constituency_view_url(const struct constituency_view *v, const char *url);

/* Tell the index that assets changed (after commit). */
void constituency_changed(void);
/* Free every index snapshot (at shutdown, after all readers are gone). */
void constituency_index_shutdown(void);

/* ---------------------------------------------------------------- import */

struct import_report {
	int64_t rows;        /* data rows read */
	int64_t orgs_added;
	int64_t assets_added;
	int64_t contacts_added;
	int64_t overlaps;    /* assets imported over another organisation's (confirmed) */
	int64_t rejects;     /* rows rejected; when > 0 nothing was written */
	struct pbuf errors;  /* one line per reject: "line N: reason" (caller frees) */
};

/* Import a constituency CSV (columns in docs/constituency-csv.md) from fd,
** all-or-nothing: the whole file is one transaction, committed only when no
** row is rejected. An asset that overlaps another organisation's (see
** constituency_asset_add; other rows of the file included) is a rejected row
** unless confirm_overlap, when it is imported and audited. Returns 0 when
** imported, -1 otherwise (rep says why). */
int constituency_import_csv(struct store *st, const char *actor, int fd,
			    int64_t max_rows, bool confirm_overlap,
			    struct import_report *rep, struct perr *err);

#endif
