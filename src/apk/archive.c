/*
** archive.c — the APK as a ZIP archive, read with libzip from memory and
** bounded: the file size, the entry count, the bytes inflated in all and
** per entry, and the compression ratio (zip bombs), with the duplicate
** names a malicious app uses to show one file to a verifier and another
** to the loader marked. Nothing here writes: the archive is the caller's
** buffer, and every entry read is a fresh, bounded pbuf.
*/
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "apk/apk.h"

struct apk_archive {
	zip_t *z;
	struct apk_entry *e;
	size_t n;
	uint64_t budget; /* bytes left to inflate (max_uncompressed) */
};

static int cmp_name(const void *a, const void *b, void *ctx)
{
	const struct apk_entry *e = ctx;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(e[i].name, e[j].name);
	/* equal names keep directory order, so the first is the one kept */
	return c ? c : (i < j ? -1 : i > j);
}

/* Mark every entry whose name an earlier entry already has: sorting the
** indices keeps this O(n log n) on an archive of 65,536 entries. */
static int mark_duplicates(struct apk_entry *e, size_t n)
{
	size_t *ix = malloc((n ? n : 1) * sizeof(*ix));
	if (!ix)
		return -1;
	for (size_t i = 0; i < n; i++)
		ix[i] = i;
	qsort_r(ix, n, sizeof(*ix), cmp_name, e);
	for (size_t i = 1; i < n; i++)
		if (e[ix[i]].name[0] && !strcmp(e[ix[i]].name, e[ix[i - 1]].name))
			e[ix[i]].duplicate = true;
	free(ix);
	return 0;
}

int apk_archive_open(const uint8_t *apk, size_t len, const struct apk_limits *lim,
		     struct apk_archive **out, struct perr *err)
{
	size_t max_size = lim && lim->max_size ? lim->max_size : APK_MAX_SIZE;
	uint64_t max_unc = lim && lim->max_uncompressed ? lim->max_uncompressed : APK_MAX_UNCOMPRESSED;
	uint32_t max_entries = lim && lim->max_entries ? lim->max_entries : APK_MAX_ENTRIES;
	struct apk_archive *a = NULL;
	zip_error_t ze;
	zip_source_t *src = NULL;
	uint64_t declared = 0;
	int rc = -1;

	*out = NULL;
	if (len > max_size)
		return perr_set(err, PERR_LIMIT, "apk", "the file has %zu bytes, more than apk.max_size %zu",
				len, max_size);
	zip_error_init(&ze);
	a = calloc(1, sizeof(*a));
	if (!a) {
		perr_set(err, PERR_INTERNAL, "apk", "out of memory");
		goto out;
	}
	a->budget = max_unc;
	src = zip_source_buffer_create(len ? (const void *)apk : (const void *)"", len, 0, &ze);
	if (!src) {
		perr_set(err, PERR_INTERNAL, "archive", "%s", zip_error_strerror(&ze));
		goto out;
	}
	a->z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (!a->z) {
		int code = zip_error_code_zip(&ze);
		/* the end of central directory is what a truncated download loses */
		if (code == ZIP_ER_NOZIP && len >= 4 && !memcmp(apk, "PK\3\4", 4))
			perr_set(err, PERR_INVALID, "archive",
				 "truncated: the archive starts as a ZIP file but its end of central "
				 "directory is missing");
		else
			perr_set(err, PERR_INVALID, "archive", "not a readable ZIP archive: %s",
				 zip_error_strerror(&ze));
		zip_source_free(src);
		goto out;
	}
	zip_int64_t n = zip_get_num_entries(a->z, 0);
	if (n < 0 || (uint64_t)n > max_entries) {
		perr_set(err, PERR_LIMIT, "archive", "%lld entries, more than apk.max_entries %u",
			 (long long)n, max_entries);
		goto out;
	}
	a->e = calloc(n ? (size_t)n : 1, sizeof(*a->e));
	if (!a->e) {
		perr_set(err, PERR_INTERNAL, "archive", "out of memory");
		goto out;
	}
	a->n = (size_t)n;
	for (size_t i = 0; i < a->n; i++) {
		struct apk_entry *e = &a->e[i];
		zip_stat_t sb;
		zip_stat_init(&sb);
		/* ZIP_FL_ENC_RAW: the name's bytes as stored, not re-encoded from
		** CP437 (Android reads names as UTF-8 bytes) */
		if (zip_stat_index(a->z, i, ZIP_FL_ENC_RAW, &sb) != 0) {
			perr_set(err, PERR_INVALID, "archive", "entry %zu: %s", i,
				 zip_strerror(a->z));
			goto out;
		}
		if ((sb.valid & ZIP_STAT_NAME) && sb.name && strlen(sb.name) < sizeof(e->name))
			pstrtrunc(e->name, sb.name, sizeof(e->name));
		e->size = (sb.valid & ZIP_STAT_SIZE) ? sb.size : 0;
		e->csize = (sb.valid & ZIP_STAT_COMP_SIZE) ? sb.comp_size : 0;
		e->method = (sb.valid & ZIP_STAT_COMP_METHOD) ? sb.comp_method : 0;
		e->bomb = e->size > max_unc ||
			  (e->size > ((uint64_t)1 << 20) && e->size / (e->csize ? e->csize : 1) > APK_MAX_RATIO);
		/* declared sizes are the attacker's numbers, but a sum that passes
		** the budget is itself the mark of a bomb; saturate, never wrap */
		declared = declared + e->size < declared ? UINT64_MAX : declared + e->size;
	}
	if (declared > max_unc) {
		perr_set(err, PERR_LIMIT, "archive",
			 "zip bomb: the entries declare %llu bytes uncompressed, more than "
			 "apk.max_uncompressed %llu",
			 (unsigned long long)declared, (unsigned long long)max_unc);
		goto out;
	}
	if (mark_duplicates(a->e, a->n) != 0) {
		perr_set(err, PERR_INTERNAL, "archive", "out of memory");
		goto out;
	}
	*out = a;
	a = NULL;
	rc = 0;
out:
	apk_archive_close(a);
	return rc;
}

void apk_archive_close(struct apk_archive *a)
{
	if (!a)
		return;
	if (a->z)
		zip_discard(a->z);
	free(a->e);
	free(a);
}

const struct apk_entry *apk_archive_entries(const struct apk_archive *a, size_t *n)
{
	*n = a->n;
	return a->e;
}

long apk_archive_find(const struct apk_archive *a, const char *name)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->e[i].name, name))
			return (long)i;
	return -1;
}

int apk_archive_read(struct apk_archive *a, size_t idx, struct pbuf *out, struct perr *err)
{
	const struct apk_entry *e;
	zip_file_t *f = NULL;
	char chunk[65536];
	int rc = -1;

	pbuf_init(out, 0);
	if (idx >= a->n)
		return perr_set(err, PERR_NOTFOUND, "archive", "no entry %zu", idx);
	e = &a->e[idx];
	if (e->bomb)
		return perr_set(err, PERR_LIMIT, e->name,
				"zip bomb: %llu bytes stored inflate to %llu, refused",
				(unsigned long long)e->csize, (unsigned long long)e->size);
	if (e->size > a->budget)
		return perr_set(err, PERR_LIMIT, e->name,
				"%llu bytes, more than is left of apk.max_uncompressed",
				(unsigned long long)e->size);
	if (e->method != ZIP_CM_STORE && e->method != ZIP_CM_DEFLATE)
		return perr_set(err, PERR_INVALID, e->name,
				"compression method %u (Android reads only stored and deflate)",
				e->method);
	/* one byte more than declared may arrive: data that inflates past its
	** declared size is caught, not truncated silently */
	pbuf_init(out, (size_t)e->size + 1);
	f = zip_fopen_index(a->z, idx, 0);
	if (!f) {
		perr_set(err, PERR_INVALID, e->name, "%s", zip_strerror(a->z));
		goto out;
	}
	for (;;) {
		zip_int64_t got = zip_fread(f, chunk, sizeof(chunk));
		if (got < 0) {
			perr_set(err, PERR_INVALID, e->name, "%s", zip_file_strerror(f));
			goto out;
		}
		if (got == 0)
			break;
		if (pbuf_add(out, chunk, (size_t)got) != 0 || out->len > e->size) {
			perr_set(err, PERR_INVALID, e->name,
				 "the data inflates past the declared %llu bytes",
				 (unsigned long long)e->size);
			goto out;
		}
	}
	if (out->len != e->size) {
		perr_set(err, PERR_INVALID, e->name, "truncated: %zu of %llu bytes", out->len,
			 (unsigned long long)e->size);
		goto out;
	}
	rc = 0;
out:
	a->budget -= out->len <= a->budget ? out->len : a->budget;
	if (f)
		zip_fclose(f);
	return rc;
}
