/*
** advisory.h — advisories (issue 14): what a vendor or the centre announces
** about a vulnerable product, who in the constituency runs it, whether each
** organisation was warned, acknowledged and patched.
**
** This first part holds the pure functions every later part stands on, each
** a function of its arguments (no I/O, no globals), bounded on hostile
** input and fuzzed:
**
**   cvss.c     CVSS 3.1 and 4.0 vectors: parse, validate, base score;
**   version.c  comparing versions as vendors write them (6.42.1,
**              15.2(4)E7, 1.1.1k) and NVD-style ranges (start/end,
**              including or excluding);
**   cpe.c      CPE 2.3 formatted-string names: parse, bind, match.
*/
#ifndef PARAPET_ADVISORY_H
#define PARAPET_ADVISORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* ------------------------------------------------------------------- CVSS */

#define ADVISORY_CVSS_VECTOR_MAX 256 /* bytes of a vector accepted */

enum advisory_cvss_version { ADVISORY_CVSS_31 = 31, ADVISORY_CVSS_40 = 40 };

struct advisory_cvss {
	enum advisory_cvss_version version;
	double base;          /* 0.0 .. 10.0, one decimal, as the specification rounds */
	const char *severity; /* "none", "low", "medium", "high", "critical" (static) */
	char vector[ADVISORY_CVSS_VECTOR_MAX]; /* normalised: the specification's metric order */
};

/* Parse and score a CVSS vector: "CVSS:3.1/AV:N/AC:L/..." (3.0 accepted as
** 3.1's metrics) or "CVSS:4.0/AV:N/AC:L/AT:N/...". Every base metric must be
** present exactly once with a defined value; temporal/environmental (3.1)
** and threat/environmental/supplemental (4.0) metrics are accepted and
** validated but do not change the base score. 0, or -1 with err
** (PERR_INVALID, field "cvss", the message naming the metric at fault). */
int advisory_cvss_parse(const char *vector, size_t len, struct advisory_cvss *out,
			struct perr *err);

/* --------------------------------------------------------------- versions */

/* Compare two version strings as vendors write them: runs of digits
** compare as numbers of any length (leading zeros ignored, no overflow),
** runs of letters as text (ASCII case-insensitive), every other byte
** (. - _ ( ) space ...) only separates; missing trailing components are 0
** ("6.42" == "6.42.0"). The first pre-release word (dev, snapshot < alpha <
** beta < pre, preview < rc, cr) sorts before the release ("7.1beta3" <
** "7.1rc1" < "7.1"); any other letters, a single letter included, sort
** after it ("1.1.1" < "1.1.1k", OpenSSL's patch letter; "15.2(4)E" <
** "15.2(4)E7" < "15.2(4)E10", Cisco IOS by its parts; "2.4.41" <
** "2.4.41-ubuntu" < "2.4.42"). "+..." and "build..." are build metadata,
** ignored ("1.0.0+build5" == "1.0.0"), and so are release and channel
** words ("1.0-final", "6.48.6 (long-term)"); a leading "v" before a digit
** is dropped. Reads a[0..alen) and b[0..blen) only (NULL reads as ""). Returns
** -1, 0 or 1: a total preorder, deterministic, linear in alen + blen.
** version.c's opening comment gives the model and the choices. */
int advisory_version_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* A range as NVD writes it: each bound optional (NULL or ""). */
struct advisory_range {
	const char *start; /* versionStartIncluding or versionStartExcluding */
	bool start_incl;
	const char *end;   /* versionEndIncluding or versionEndExcluding */
	bool end_incl;
	const char *exact; /* a single version ("6.42.1"), or NULL; "*" or "-": any */
};

/* Is version inside r? NVD's semantics: a bound NULL, "", "*" or "-" is
** absent; an exact version must compare equal ("*" and "-" mean any); a
** start or end bound admits a version equal to it only when it is the
** including kind (versionEndExcluding 6.42.1 leaves 6.42.1 out); every
** bound set must hold; no bound at all admits every version. An unknown
** version (NULL, "", "*", "-") is inside only the unconstrained range; r
** NULL is that range. version and the bounds are NUL-terminated. */
bool advisory_version_in(const char *version, const struct advisory_range *r);

/* ------------------------------------------------------------------- CPE */

#define ADVISORY_CPE_MAX 512 /* bytes of a CPE 2.3 name accepted */
#define ADVISORY_CPE_FIELD_MAX 128

enum { ADVISORY_CPE_PART, ADVISORY_CPE_VENDOR, ADVISORY_CPE_PRODUCT, ADVISORY_CPE_VERSION,
       ADVISORY_CPE_UPDATE, ADVISORY_CPE_EDITION, ADVISORY_CPE_LANGUAGE, ADVISORY_CPE_SW_EDITION,
       ADVISORY_CPE_TARGET_SW, ADVISORY_CPE_TARGET_HW, ADVISORY_CPE_OTHER, ADVISORY_CPE_FIELDS };

/* A CPE 2.3 formatted string, unbound: "*" is ANY, "-" is NA, quoted
** characters unquoted, lower-cased. */
struct advisory_cpe {
	char f[ADVISORY_CPE_FIELDS][ADVISORY_CPE_FIELD_MAX];
};

/* Parse "cpe:2.3:a:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*" (13 fields,
** part one of a, o, h or *). 0, or -1 with err (PERR_INVALID, field "cpe"). */
int advisory_cpe_parse(const char *s, size_t len, struct advisory_cpe *out, struct perr *err);
/* Does name match pattern (the CPE matching rule: ANY in the pattern
** matches anything, NA only NA, otherwise equal; the version field is left
** to the caller when skip_version)? */
bool advisory_cpe_match(const struct advisory_cpe *pattern, const struct advisory_cpe *name,
			bool skip_version);
/* Write cpe as a formatted string into out (ADVISORY_CPE_MAX). */
const char *advisory_cpe_format(const struct advisory_cpe *cpe, char out[ADVISORY_CPE_MAX]);
/* (cpe.c) Stored values: the quoting backslash is dropped ("15.2(4)e7")
** except before a literal '\\', '*' or '?' and in a lone literal hyphen
** ("\-"), so ANY "*", NA "-" and the wildcards (an unquoted '*' or run of
** '?' at a value's ends, IR 7695) stay told apart from literals. match
** follows IR 7696: a pattern's wildcards cover a plain name value; a name
** value that is ANY or has wildcards matches only the same or ANY.
** format returns out, or NULL (out "") for a hand-filled struct too long
** to bind; whatever parse filled always fits. */

#define ADVISORY_CPE_TEXT_MAX 1024 /* bytes of a product text read by from_text */

/* Map a free-text product string as the `product` asset holds it
** ("mikrotik routeros 6.42", "Cisco IOS 15.2(4)E7", "OpenSSH_7.4",
** "Microsoft-IIS/10.0") to a CPE name with part, vendor, product and
** version (the rest ANY; version ANY when the text gives none), from a
** small table of NVD CPE dictionary names; a text that is a CPE 2.3 name
** already is parsed as one. 1 when mapped, 0 when not (the
** text is then for an analyst to map; out is all zero). */
int advisory_cpe_from_text(const char *text, size_t len, struct advisory_cpe *out);

/* =====================================================================
** The advisory record, targeting, publishing and tracking (issue 14).
**
** An advisory is a JSON document (docs/advisory.md is its reference):
**
**   { "ref": "PARAPET-2026-0001",            assigned when absent
**     "title":   {"en": "...", "fa": "..."}, en required, fa optional
**     "summary": {"en": "...", "fa": "..."},
**     "cves": ["CVE-2018-0171"],
**     "cvss": "CVSS:3.1/AV:N/...",           optional; 3.0, 3.1 or 4.0
**     "cvss_score": 9.8, "severity": "critical",   computed, never trusted
**     "tlp": "AMBER",                        TLP 2.0: CLEAR GREEN AMBER AMBER+STRICT RED
**     "exploited": true,                     exploited in the wild
**     "products": [{"cpe": "cpe:2.3:o:cisco:ios:*:*:*:*:*:*:*:*",
**                   "version": "6.42.1"        an exact version, or a range:
**                   "start": "15.0", "start_incl": true,
**                   "end": "15.2(4)E7", "end_incl": false,
**                   "exposure": "cisco-smart-install"}],  a service whose
**                                            exposure alone makes a host affected
**     "actions": [{"kind": "patch"|"workaround"|"mitigation",
**                  "url": "https://...", "text": {"en": ..., "fa": ...}}],
**     "deadline": "2026-12-20T00:00:00Z",
**     "references": [{"url": "https://...", "summary": "..."}],
**     "audience": {"all": false, "sectors": [...], "provinces": [...],
**                  "orgs": [ids]},             targets besides the product ones
**     "source": {...}                        where an imported one came from (CSAF)
**   }
**
** Every function that takes a principal checks scope through identity: a
** constituent sees only advisories published to their organisation and
** changes only their own target; a provincial analyst sees the targets of
** their province. Writes go through the store in the caller's transaction
** (store_begin before, store_commit after), append to the audit log and
** queue their mail, so a change, its record and its mail commit together.
** Errors: PERR_INVALID with the field at fault named ("cvss",
** "products[2].end", ...), PERR_NOTFOUND for what is out of scope. */

#include <jansson.h>

#include "config/config.h"
#include "identity/identity.h"
#include "store/store.h"

#define ADVISORY_DOC_MAX (1u << 20)  /* bytes of an advisory or CSAF document */
#define ADVISORY_PRODUCTS_MAX 512    /* affected product entries */
#define ADVISORY_CVES_MAX 256

/* ---- the record (advisory.c) */

/* Check and normalise doc in place: required fields, lengths, TLP, CVE ids
** (CVE-YYYY-NNNN+), every CPE name parsed and re-bound, ranges (a start
** after its end refused), the CVSS vector parsed with cvss_score and
** severity set from it, the deadline as ISO 8601 UTC. 0, or -1 with err
** naming the field. */
int advisory_normalise(json_t *doc, struct perr *err);

/* Create an advisory (status draft, version 1) from doc, normalised; its ref
** is assigned (PARAPET-YEAR-NNNN) when doc has none; a ref that exists is
** PERR_CONFLICT. Analysts and admins only. *id gets the new id. */
int advisory_create(struct store *st, const struct config *cfg, const struct principal *p,
		    const char *actor, json_t *doc, int64_t *id, struct perr *err);
/* Replace advisory id's document with doc (normalised): a new version with
** changes (what changed, for people; computed from the two documents when
** NULL). A published advisory's targets are mailed the change. */
int advisory_update(struct store *st, const struct config *cfg, const struct principal *p,
		    const char *actor, int64_t id, json_t *doc, const char *changes,
		    struct perr *err);
/* The advisory as the API shows it (a new reference): the document plus
** id, version, status, created/updated/published, and for a constituent
** their own target's state. version 0 = the newest. */
int advisory_get(struct store *st, const struct principal *p, int64_t id, int64_t version,
		 json_t **out, struct perr *err);
/* Its versions, newest first: [{version, changes, actor, created}]. */
int advisory_history(struct store *st, const struct principal *p, int64_t id, json_t **out,
		     struct perr *err);
struct advisory_filter {
	const char *status; /* draft, published, withdrawn; NULL = any */
	const char *q;      /* words in the title, ref or CVE; NULL = any */
	int64_t limit;      /* 1..1000; 0 = 100 */
	int64_t before_id;  /* paging: ids below this; 0 = from the newest */
};
/* Advisories p may see, newest first: {"items": [...], "next": id|null}. A
** constituent sees only those published to their organisation, with their
** target's state. */
int advisory_list(struct store *st, const struct principal *p, const struct advisory_filter *f,
		  json_t **out, struct perr *err);

/* (record part) What changed from document before to after, for people:
** "deadline: A -> B; products: +1 -2; cvss: 9.8 critical -> 7.5 high;
** cves: +CVE-..." ("no change" when nothing did). A new string (free()),
** NULL on out of memory. Pure. */
char *advisory_changes(const json_t *before, const json_t *after);

/* ---- CSAF 2.0 (csaf.c): pure, no store */

/* Read a CSAF 2.0 document (a vendor's advisory, len bytes of JSON) into an
** advisory document (*out, a new reference, normalised): title, notes as
** summary, CVEs, the highest CVSS vector of its scores, products from the
** product tree (CPE from product_identification_helper, else mapped from
** names with advisory_cpe_from_text) with the known_affected /
** fixed ranges its version branches give, remediations as actions,
** references, TLP from document.distribution, and "source" keeping its
** publisher and tracking id. A document that is not CSAF 2.0 is refused
** (PERR_INVALID, the field named). */
int advisory_csaf_import(const char *json, size_t len, json_t **out, struct perr *err);
/* Write advisory (as advisory_get returns it) as a CSAF 2.0 document (*out,
** a new reference) of category csaf_security_advisory that the OASIS
** schema accepts. */
int advisory_csaf_export(const json_t *advisory, const struct config *cfg, json_t **out,
			 struct perr *err);
/* (csaf.c) How many rows the built-in service-exposure table
** (data/advisory/exposures.csv) holds: its well-formed rows. */
size_t advisory_exposure_count(void);

/* ---- targeting (target.c) */

/* Who advisory doc affects, and why. *out (a new reference):
**   {"targets": [{"org": {"id", "name", "province", "sector"},
**                 "hosts": N, "why": [{"kind": "asset"|"host"|"exposure"|
**                 "audience", ...evidence}], "excluded": {"reason", ...}|absent}],
**    "by_province": {"name": N}, "by_sector": {"name": N},
**    "unmapped": [{"org": {...}, "asset": "free text"}]}
** kinds: "asset" a declared product asset that matches (its value, count,
** hosts); "host" products seen by report feeds (ip, port, product,
** version, report type, last seen), at most 20 listed per target with
** "hosts" counting all; "exposure" a service exposure seen; "audience" the
** advisory's sector/province/all/list. id > 0 applies that advisory's
** exclusions (an excluded target stays listed with its reason, and is not
** counted); the counts are of the targets left. Read-only. */
int advisory_targets_compute(struct store *st, const json_t *doc, int64_t id, json_t **out,
			     struct perr *err);
/* advisory_targets_compute, each target with "all_hosts": [{"ip", "port",
** "type"}] besides: every host from feeds it counted, not only the 20 in
** "why", for publishing to keep as the target's evidence hosts
** (advisory_target_host) that scan verification checks. */
int advisory_targets_compute_hosts(struct store *st, const json_t *doc, int64_t id,
				   json_t **out, struct perr *err);
/* The preview of advisory id, scoped to p (a provincial analyst sees the
** targets of their province). */
int advisory_preview(struct store *st, const struct principal *p, int64_t id, json_t **out,
		     struct perr *err);
/* The editor's live preview of a draft that is not stored: doc normalised
** in place as saving would (so the computed CVSS score and the field at
** fault show while typing), then its targets, scoped to p as
** advisory_preview. */
int advisory_preview_draft(struct store *st, const struct principal *p, json_t *doc,
			   json_t **out, struct perr *err);
/* Take organisation org out of advisory id's targets, with a reason (1-500
** bytes), or put it back (reason NULL). Audited. */
int advisory_exclude(struct store *st, const struct principal *p, const char *actor,
		     int64_t id, int64_t org, const char *reason, struct perr *err);

/* ---- publishing and tracking (track.c) */

/* Target states. */
extern const char *const advisory_states[9];
struct advisory_publish_result {
	int64_t targets; /* organisations */
	int64_t mails;   /* outbox rows */
};
/* Publish advisory id: compute its targets (advisory_targets_compute),
** store each (state notified, its evidence hosts) and queue one mail per
** target contact in the contact's language with a signed read link and
** acknowledge link. Publishing an advisory already published sends its
** current version to targets that had an older one and to new targets
** only. */
int advisory_publish(struct store *st, const struct config *cfg, const struct principal *p,
		     const char *actor, int64_t id, int64_t now_ms,
		     struct advisory_publish_result *res, struct perr *err);
/* The tracking view (a new reference): {"targets": [{org, state, hosts,
** why, reason, notified, read, acknowledged, patched, verified}],
** "totals": {state: N}, "summary": {"warned", "days_before_deadline",
** "acknowledged", "ack_median_hours", "patched", "verified"}}, scoped to p. */
int advisory_targets(struct store *st, const struct principal *p, int64_t id, json_t **out,
		     struct perr *err);
/* Move org's target of advisory id to state: a constituent (own
** organisation only) or staff may set read, acknowledged, patched, or
** not_affected (reason required); moving back along the path is refused
** (PERR_CONFLICT); setting the state it has is a no-op. */
int advisory_target_set(struct store *st, const struct config *cfg, const struct principal *p,
			const char *actor, int64_t id, int64_t org, const char *state,
			const char *reason, int64_t now_ms, struct perr *err);

/* Signed links (link.c). A link token is
** base64url(advisory, org, action, expiry) "." base64url(HMAC-SHA-256), the
** key read from DATA/advisory-link.key (made with 32 random bytes, 0600, on
** first use). action: "read" or "ack". */
int advisory_link_make(const char *data_dir, int64_t id, int64_t org, const char *action,
		       int64_t expires_ms, char *out, size_t outsz, struct perr *err);
/* Check a link token and do its one action for its one target: tampered
** (bad signature) and malformed are PERR_INVALID, expired PERR_FORBIDDEN;
** a replay, or a target past that state, changes nothing and is not an
** error. A principal p, when given (a signed-in user), must be in the
** target's scope (another organisation's link is PERR_FORBIDDEN). A read
** link marks read when opened; an acknowledge link acknowledges only with
** confirm (the person's click), so opening it (confirm false) only checks
** it. *id, *org and the link's action are returned for the page shown. */
int advisory_link_use(struct store *st, const struct config *cfg, const char *data_dir,
		      const struct principal *p, const char *token, bool confirm, int64_t now_ms,
		      int64_t *id, int64_t *org, char action[8], struct perr *err);

/* Timed work (the clock is now_ms: tests inject it): reminders to targets
** not yet acknowledged advisory.remind_before hours before the deadline,
** once; at the deadline targets neither patched nor not_affected become
** overdue and are escalated, once, to their province's analysts and the
** team lead (mail). *n gets what was done. */
struct advisory_sweep_counts { int64_t reminded, overdue, escalated; };
int advisory_sweep(struct store *st, const struct config *cfg, int64_t now_ms,
		   struct advisory_sweep_counts *n, struct perr *err);
/* After a feed file of report type `type` is imported (called by feeds in
** its own transaction): targets whose evidence hosts came from that report
** type and that it no longer sees vulnerable become verified (the date
** kept); those still seen after the target said patched become still_seen
** (flagged to the analyst). */
int advisory_scan_verify(struct store *st, const struct config *cfg, const char *type,
			 int64_t file_id, int64_t now_ms, struct perr *err);

/* ---- publishing and tracking, continued (track.c, link.c) */

/* In track.c and link.c a principal p NULL is the local operator or the
** server itself (the CLI, the timed sweep, scan verification, an anonymous
** signed link): every scope. Publishing is for analysts and admins. */

/* Mail every target of advisory id what changed in its version `version`
** (changes: for people, 1-4000 bytes of UTF-8; NULL or "" = "see the
** advisory"), each contact in their language, and record that version as
** the one each target has (so a later publish does not send it again).
** Called by advisory_update in its transaction; a draft has no targets. */
int advisory_notify_update(struct store *st, const struct config *cfg, int64_t id,
			   int64_t version, const char *changes, struct perr *err);

#define ADVISORY_LINK_KEY_LEN 32
#define ADVISORY_LINK_MAX 256 /* bytes of a token, with its NUL */
/* The link key of data_dir, made on first use (see link.c). 0 or -1. */
int advisory_link_key_load(const char *data_dir, uint8_t key[ADVISORY_LINK_KEY_LEN],
			   struct perr *err);
/* advisory_link_make with a key loaded once (publishing signs thousands). */
int advisory_link_sign(const uint8_t key[ADVISORY_LINK_KEY_LEN], int64_t id, int64_t org,
		       const char *action, int64_t expires_ms, char *out, size_t outsz,
		       struct perr *err);
/* Check a token without acting: its signature, form and expiry, as
** advisory_link_use does (same errors); fills *id, *org and action. */
int advisory_link_check(const char *data_dir, const char *token, int64_t now_ms, int64_t *id,
			int64_t *org, char action[8], struct perr *err);
/* The address mailed for a token: the portal's page for it
** (notify.public_url + "/#/advisory-link/" + token), which asks the API to
** use it; a GET of the mail's link itself changes nothing. */
void advisory_link_url(const struct config *cfg, const char *token, char *out, size_t n);

/* advisory_sweep as a timed job of `parapet serve` (notify_job_start),
** logged; returns the reminders and escalations it queued, or -1 with err. */
int advisory_sweep_job_pass(struct store *st, const struct config *cfg, int64_t now_ms,
			    struct perr *err);

#endif /* PARAPET_ADVISORY_H */
