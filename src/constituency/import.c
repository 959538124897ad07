/*
** import.c — `parapet import constituency FILE.csv`: a whole constituency in
** one file, all or nothing.
**
** The file is streamed through the core CSV push parser in 64 KiB reads, so
** memory stays bounded whatever its size. Every row goes through the same
** functions as the API (constituency_org_add, _asset_add, _contact_add), so
** validation and audit are identical. The import is one transaction:
** committed only when no row was rejected; otherwise every rejected row is
** reported with its line number and nothing is written. The columns are
** documented in docs/constituency-csv.md.
**
** Assets are checked for overlaps with other organisations' assets (the
** rule of constituency_asset_add) once, after every row is written: against
** an index of the transaction's own view, so a row that overlaps another
** row of the same file is caught as well as one that overlaps the
** registry. Without --confirm-overlap such rows are rejected; with it they
** are imported and each overlap is audited.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "constituency/constituency.h"
#include "constituency/overlap.h"

enum col { C_ORG, C_PROVINCE, C_SECTOR, C_PARENT, C_KIND, C_VALUE, C_NAME, C_EMAIL,
	   C_PHONE, C_ROLE, C_LANG, C_PGP, NCOLS };
static const char *col_names[NCOLS] = { "organisation", "province", "sector", "parent",
					 "kind",         "value",    "name",   "email",
					 "phone",        "role",     "lang",   "pgp" };

#define MAX_REPORTED 200

struct imp {
	struct store *st;
	const char *actor;
	struct import_report *rep;
	int64_t max_rows;
	int idx[NCOLS]; /* column index of each known column, -1 if absent */
	bool header_done;
	bool fatal;
	struct perr fatal_err;
	/* the assets this file added, for the overlap check at its end */
	struct added {
		size_t line;
		int64_t id;
	} *added;
	size_t nadded, capadded;
};

static void reject(struct imp *im, size_t line, const char *reason)
{
	im->rep->rejects++;
	if (im->rep->rejects <= MAX_REPORTED)
		pbuf_addf(&im->rep->errors, "line %zu: %s\n", line, reason);
	else if (im->rep->rejects == MAX_REPORTED + 1)
		pbuf_adds(&im->rep->errors, "... more rejects not shown\n");
}

static void on_reject(void *ud, size_t line, const char *reason)
{
	reject(ud, line, reason);
}

static const char *get(struct imp *im, size_t n, const char *const *f, enum col c)
{
	int i = im->idx[c];
	return i >= 0 && (size_t)i < n ? f[i] : "";
}

static int header(struct imp *im, size_t line, size_t n, const char *const *f)
{
	for (int c = 0; c < NCOLS; c++)
		im->idx[c] = -1;
	for (size_t i = 0; i < n; i++) {
		int c;
		for (c = 0; c < NCOLS; c++)
			if (strcmp(f[i], col_names[c]) == 0)
				break;
		if (c == NCOLS) {
			char why[160];
			snprintf(why, sizeof(why), "unknown column \"%.60s\" in the header", f[i]);
			reject(im, line, why);
			continue;
		}
		if (im->idx[c] >= 0) {
			reject(im, line, "a column appears twice in the header");
			continue;
		}
		im->idx[c] = (int)i;
	}
	if (im->idx[C_ORG] < 0)
		reject(im, line, "the header has no \"organisation\" column");
	im->header_done = true;
	return 0;
}

static int on_record(void *ud, size_t line, size_t n, const char *const *f, const size_t *lens)
{
	(void)lens;
	struct imp *im = ud;
	struct perr e;
	perr_clear(&e);
	if (!im->header_done)
		return header(im, line, n, f);
	if (++im->rep->rows > im->max_rows) {
		reject(im, line, "too many rows (constituency.import_max_rows)");
		return 1;
	}
	const char *org = get(im, n, f, C_ORG), *prov = get(im, n, f, C_PROVINCE);
	const char *kind = get(im, n, f, C_KIND), *parent = get(im, n, f, C_PARENT);
	struct store_org o;
	if (!org[0]) {
		reject(im, line, "organisation is empty");
		return 0;
	}
	if (store_org_by_name(im->st, org, &o, &e) == 0) {
		if (prov[0] && strcmp(prov, o.province) != 0) {
			char why[400];
			snprintf(why, sizeof(why), "%.100s is in %.60s already, not %.60s", org,
				 o.province, prov);
			reject(im, line, why);
			return 0;
		}
	} else if (e.kind == PERR_NOTFOUND) {
		struct org_spec spec = { org, get(im, n, f, C_SECTOR), prov, 0 };
		if (parent[0]) {
			struct store_org po;
			if (store_org_by_name(im->st, parent, &po, &e) != 0) {
				reject(im, line, "parent organisation is not known (yet): list "
						 "parents before their children");
				return 0;
			}
			spec.parent_id = po.id;
		}
		if (constituency_org_add(im->st, NULL, im->actor, &spec, &o, &e) != 0) {
			char why[400];
			reject(im, line, perr_text(&e, why, sizeof(why)));
			return 0;
		}
		im->rep->orgs_added++;
	} else {
		im->fatal = true;
		im->fatal_err = e;
		return 1;
	}
	int rc = 0;
	if (!kind[0]) {
		return 0;
	} else if (strcmp(kind, "contact") == 0) {
		struct contact_spec cs = { get(im, n, f, C_NAME), get(im, n, f, C_EMAIL),
					   get(im, n, f, C_PHONE), get(im, n, f, C_ROLE),
					   get(im, n, f, C_LANG), get(im, n, f, C_PGP) };
		rc = constituency_contact_add(im->st, NULL, im->actor, o.id, &cs, NULL, &e);
		if (rc == 0)
			im->rep->contacts_added++;
	} else {
		struct store_asset a;
		rc = constituency_asset_add_batch(im->st, im->actor, o.id, kind,
						  get(im, n, f, C_VALUE), &a, &e);
		if (rc == 0) {
			im->rep->assets_added++;
			if (strcmp(a.type, "product") != 0 && im->nadded == im->capadded) {
				size_t nc = im->capadded ? im->capadded * 2 : 256;
				struct added *na = realloc(im->added, nc * sizeof(*na));
				if (!na) {
					im->fatal = true;
					perr_set(&im->fatal_err, PERR_INTERNAL, NULL, "out of memory");
					return 1;
				}
				im->added = na;
				im->capadded = nc;
			}
			if (strcmp(a.type, "product") != 0)
				im->added[im->nadded++] = (struct added){ line, a.id };
		}
	}
	if (rc != 0) {
		if (e.kind == PERR_INTERNAL || e.kind == PERR_BUSY) {
			im->fatal = true;
			im->fatal_err = e;
			return 1;
		}
		char why[400];
		reject(im, line, perr_text(&e, why, sizeof(why)));
	}
	return 0;
}

/* Apply the overlap rule to every asset the file added: rejects (or, with
** confirm, audits) each row whose asset overlaps another organisation's. */
static int check_overlaps(struct imp *im, bool confirm, struct perr *err)
{
	int rc = -1;
	struct overlap_hits *hits = malloc(sizeof(*hits));
	struct constituency_view *v = hits ? overlap_view_build(im->st, err) : NULL;
	if (!hits)
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	if (!v)
		goto out;
	for (size_t i = 0; i < im->nadded; i++) {
		struct store_asset a;
		struct perr e;
		perr_clear(&e);
		if (store_asset_get(im->st, im->added[i].id, &a, err) != 0)
			goto out;
		if (constituency_overlap_rule(im->st, NULL, v, &a, confirm, hits, &e) != 0) {
			if (e.kind == PERR_INTERNAL) {
				*err = e;
				goto out;
			}
			char why[400];
			snprintf(why, sizeof(why), "%s [--confirm-overlap]", e.msg);
			reject(im, im->added[i].line, why);
			continue;
		}
		if (hits->total) {
			im->rep->overlaps++;
			if (constituency_overlap_audit(im->st, im->actor, &a, hits, err) != 0)
				goto out;
		}
	}
	rc = 0;
out:
	overlap_view_free(v);
	free(hits);
	return rc;
}

int constituency_import_csv(struct store *st, const char *actor, int fd, int64_t max_rows,
			    bool confirm_overlap, struct import_report *rep, struct perr *err)
{
	int rc = -1;
	struct imp im;
	memset(&im, 0, sizeof(im));
	memset(rep, 0, sizeof(*rep));
	pbuf_init(&rep->errors, 1 << 20);
	im.st = st;
	im.actor = actor;
	im.rep = rep;
	im.max_rows = max_rows;
	struct csv_limits lim = { 4096, 64, 65536 };
	struct csv_parser *p = csv_new(&lim, on_record, on_reject, &im);
	bool tx = false;
	if (!p) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	if (store_begin(st, err) != 0)
		goto out;
	tx = true;
	static _Thread_local char chunk[65536];
	for (;;) {
		ssize_t got = read(fd, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			perr_set(err, PERR_INVALID, NULL, "read error: %s", strerror(errno));
			goto out;
		}
		int r = got ? csv_feed(p, chunk, (size_t)got) : csv_finish(p);
		if (im.fatal) {
			*err = im.fatal_err;
			goto out;
		}
		if (r < 0) {
			perr_set(err, PERR_INTERNAL, NULL, "CSV parser error %d", r);
			goto out;
		}
		if (got == 0 || r > 0)
			break;
	}
	if (!im.header_done) {
		perr_set(err, PERR_INVALID, NULL, "the file is empty: a header row is required");
		goto out;
	}
	if (im.nadded && check_overlaps(&im, confirm_overlap, err) != 0)
		goto out;
	if (rep->rejects) {
		perr_set(err, PERR_INVALID, NULL, "%lld row(s) rejected; nothing was imported",
			 (long long)rep->rejects);
		goto out;
	}
	if (store_commit(st, err) != 0) {
		tx = false;
		goto out;
	}
	tx = false;
	constituency_changed();
	rc = 0;
out:
	if (tx)
		store_rollback(st);
	csv_free(p);
	free(im.added);
	return rc;
}
