/*
** import.c — bulk import of indicators: the push parser of the two formats
** analysts and peers exchange (a CSV file with a header, a plain list of one
** value per line), the preview that says for each row what listing it would
** do (new, changed, unchanged, held by a warninglist, invalid) and the
** commit that lists the rows through indicator_add in the caller's
** transaction.
**
** Why a push parser: the CLI reads a file and the API a request body of a
** size we do not control; the parser itself does no I/O and holds at most
** one line (INDICATOR_IMPORT_MAX_LINE), so a hostile list costs bounded
** memory and one bad row costs one invalid row, never the import. The CSV
** dialect is core's (csv.c); this file only maps its records onto columns.
** The preview and the commit read the same rows through the same function
** (row_merge), so what the preview promises is what the commit does.
*/
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/csv.h"
#include "identity/identity.h"
#include "indicator/indicator.h"
#include "store/store.h"

/* ---------------------------------------------------------------- columns */

enum col { C_TYPE, C_VALUE, C_REASON, C_CLASS, C_TLP, C_CONFIDENCE, C_EXPIRES, C_TAGS,
	   C_ATTRIBUTION, C_COUNT };
static const char *const col_names[C_COUNT] = { "type", "value", "reason", "class", "tlp",
						 "confidence", "expires", "tags", "attribution" };

enum indicator_import_format indicator_import_format_parse(const char *name)
{
	if (name && strcasecmp(name, "csv") == 0)
		return INDICATOR_IMPORT_CSV;
	if (name && strcasecmp(name, "plain") == 0)
		return INDICATOR_IMPORT_PLAIN;
	return 0;
}

const char *indicator_import_status_name(enum indicator_import_status s)
{
	static const char *const n[] = { "new", "changed", "unchanged", "held", "invalid" };
	return (unsigned)s < INDICATOR_IMPORT_STATUS_COUNT ? n[s] : "invalid";
}

struct indicator_import {
	enum indicator_import_format fmt;
	enum indicator_type type;
	struct indicator_import_limits lim;
	indicator_import_row_fn fn;
	void *ud;
	size_t bytes, rows;
	bool failed, finished;
	struct perr fail;
	struct indicator_import_row row; /* scratch: one row at a time */
	/* csv */
	struct csv_parser *csv;
	bool have_header;
	int col[C_COUNT]; /* the header's index of each column, -1 when absent */
	size_t ncols;
	/* plain */
	char *line;
	size_t len, lineno;
	bool overlong, nul;
};

static int fail(struct indicator_import *im, enum perr_kind k, const char *field,
		const char *msg)
{
	if (!im->failed) {
		im->failed = true;
		perr_set(&im->fail, k, field, "%s", msg);
	}
	return -1;
}

/* ------------------------------------------------------------ one row */

/* Mark the row invalid with "field: message" (the first reason wins). */
static void row_bad(struct indicator_import_row *r, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void row_bad(struct indicator_import_row *r, const char *field, const char *fmt, ...)
{
	if (r->invalid)
		return;
	r->invalid = true;
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->error, sizeof(r->error), "%s: %s", field, msg);
}

/* Mark the row invalid with a domain function's refusal, as perr_text
** writes it for a person ("value: leading zero in ...", "tlp must be one
** of ..."). */
static void row_perr(struct indicator_import_row *r, const struct perr *e)
{
	if (r->invalid)
		return;
	r->invalid = true;
	perr_text(e, r->error, sizeof(r->error));
}

/* Copy a text column into dst (size n): too long is a bad row, not a cut
** (a reason cut in half reads as another reason). */
static void text_col(struct indicator_import_row *r, const char *field, struct pstr v, char *dst,
		     size_t n)
{
	if (v.n >= n) {
		row_bad(r, field, "longer than %zu bytes", n - 1);
		return;
	}
	pstr_copy(v, dst, n);
}

/* The tags column: separated by commas, semicolons or '|' (spreadsheets
** and MISP exports use all three), read by the registry's one tag rule
** (indicator_tags_norm: ",a,b,"). */
static void tags_col(struct indicator_import_row *r, struct pstr v)
{
	char in[sizeof(r->tags) * 2];
	struct perr e;
	if (v.n >= sizeof(in)) {
		row_bad(r, "tags", "longer than %zu bytes", sizeof(in) - 1);
		return;
	}
	pstr_copy(v, in, sizeof(in));
	for (char *c = in; *c; c++)
		if (*c == ';' || *c == '|')
			*c = ',';
	if (indicator_tags_norm(in, r->tags, sizeof(r->tags), &e) != 0) {
		r->tags[0] = '\0';
		row_perr(r, &e);
	}
}

/* A value no type accepts: say why as the type its shape suggests (a
** plain list's "bad_label.example" is a domain with a bad label, which
** tells the analyst more than "no type"). */
static void guess_failed(struct indicator_import_row *r, struct pstr v)
{
	bool digits_dots = true, colon = false, slash = false, at = false, scheme = false;
	for (size_t i = 0; i < v.n; i++) {
		char c = v.p[i];
		digits_dots &= (c >= '0' && c <= '9') || c == '.';
		colon |= c == ':';
		slash |= c == '/';
		at |= c == '@';
		scheme |= c == ':' && i + 2 < v.n && v.p[i + 1] == '/' && v.p[i + 2] == '/';
	}
	enum indicator_type t = scheme ? INDICATOR_URL
				: at	 ? INDICATOR_EMAIL
				: slash	 ? INDICATOR_CIDR
				: colon	 ? INDICATOR_IPV6
				: digits_dots ? INDICATOR_IPV4
					      : INDICATOR_DOMAIN;
	char *out = malloc(INDICATOR_VALUE_SIZE);
	struct perr e = { 0 };
	if (out && indicator_value_canon(t, v.p, v.n, out, INDICATOR_VALUE_SIZE, &e) != 0)
		row_bad(r, "value", "no indicator type reads it (as %s: %s)",
			indicator_type_name(t), e.msg);
	else
		row_bad(r, "value", "no indicator type reads it");
	free(out);
}

/* Build im->row from the row's columns (f[c].p NULL: column absent) and
** hand it over. Returns the callback's answer. */
static int deliver(struct indicator_import *im, size_t line, const struct pstr *f)
{
	struct indicator_import_row *r = &im->row;
	if (im->rows >= im->lim.max_rows) {
		char m[96];
		snprintf(m, sizeof(m), "more than %zu rows", im->lim.max_rows);
		return fail(im, PERR_LIMIT, NULL, m), 1;
	}
	im->rows++;
	memset(r, 0, sizeof(*r));
	r->line = line;
	r->confidence = -1;
	struct pstr v = pstr_trim(f[C_VALUE]);
	pstr_copy(v, r->value, sizeof(r->value)); /* as given, for an invalid row */
	enum indicator_type t = im->type;
	struct pstr ty = pstr_trim(f[C_TYPE]);
	if (ty.n) {
		char tn[16] = "";
		if (ty.n < sizeof(tn))
			pstr_copy(ty, tn, sizeof(tn));
		t = indicator_type_parse(tn);
		if (t == INDICATOR_NONE)
			row_bad(r, "type", "unknown type '%.*s'", (int)(ty.n > 32 ? 32 : ty.n),
				ty.p);
	}
	if (v.n == 0)
		row_bad(r, "value", "empty");
	else if (t == INDICATOR_NONE && !r->invalid) {
		t = indicator_type_guess(v.p, v.n);
		if (t == INDICATOR_NONE)
			guess_failed(r, v);
	}
	if (!r->invalid) {
		struct perr e;
		char canon[INDICATOR_VALUE_SIZE];
		if (indicator_value_canon(t, v.p, v.n, canon, sizeof(canon), &e) != 0) {
			row_perr(r, &e);
		} else {
			memcpy(r->value, canon, strlen(canon) + 1);
			pstrtrunc(r->type, indicator_type_name(t), sizeof(r->type)); /* names are at most 6 bytes */
		}
	}
	text_col(r, "reason", pstr_trim(f[C_REASON]), r->reason, sizeof(r->reason));
	struct pstr cl = pstr_trim(f[C_CLASS]);
	text_col(r, "class", cl, r->class_, sizeof(r->class_));
	for (size_t i = 0; i < cl.n; i++) /* RSIT class names: lower case and '-' */
		if (!islower((unsigned char)cl.p[i]) && cl.p[i] != '-') {
			row_bad(r, "class", "'%s' is not an RSIT class name", r->class_);
			break;
		}
	struct pstr tl = pstr_trim(f[C_TLP]);
	if (tl.n) {
		char in[32] = "x"; /* too long: refused below as not a label */
		struct perr e;
		if (tl.n < sizeof(in))
			pstr_copy(tl, in, sizeof(in));
		if (indicator_tlp_norm(in, r->tlp, sizeof(r->tlp), &e) != 0) {
			r->tlp[0] = '\0';
			row_perr(r, &e);
		}
	}
	struct pstr cf = pstr_trim(f[C_CONFIDENCE]);
	if (cf.n) {
		int64_t c;
		if (pstr_to_i64(cf, 0, 100, &c) != 0)
			row_bad(r, "confidence", "a whole number from 0 to 100");
		else
			r->confidence = (int)c;
	}
	struct pstr ex = pstr_trim(f[C_EXPIRES]);
	if (ex.n) {
		char e[64] = "";
		if (ex.n < sizeof(e))
			pstr_copy(ex, e, sizeof(e));
		if (!e[0] || core_parse_iso8601(e, &r->expires_ms) != 0 || r->expires_ms <= 0)
			row_bad(r, "expires", "not an ISO 8601 time");
	}
	tags_col(r, pstr_trim(f[C_TAGS]));
	text_col(r, "attribution", pstr_trim(f[C_ATTRIBUTION]), r->attribution,
		 sizeof(r->attribution));
	return im->fn ? im->fn(im->ud, r) : 0;
}

/* A row that never got to columns: a line too long, a broken CSV record. */
static int deliver_bad(struct indicator_import *im, size_t line, const char *field,
		       const char *msg, struct pstr given)
{
	struct indicator_import_row *r = &im->row;
	if (im->rows >= im->lim.max_rows) {
		char m[96];
		snprintf(m, sizeof(m), "more than %zu rows", im->lim.max_rows);
		return fail(im, PERR_LIMIT, NULL, m), 1;
	}
	im->rows++;
	memset(r, 0, sizeof(*r));
	r->line = line;
	r->confidence = -1;
	pstr_copy((struct pstr){ given.p, given.n < 200 ? given.n : 200 }, r->value,
		  sizeof(r->value)); /* the start of the line, for a person to find it */
	row_bad(r, field, "%s", msg);
	return im->fn ? im->fn(im->ud, r) : 0;
}

/* ---------------------------------------------------------------- CSV */

static int csv_header(struct indicator_import *im, size_t nf, const char *const *fields,
		      const size_t *lens)
{
	for (int c = 0; c < C_COUNT; c++)
		im->col[c] = -1;
	struct pbuf unknown = pbuf_fixed((char[200]){ 0 }, 200);
	size_t nunknown = 0;
	for (size_t i = 0; i < nf; i++) {
		struct pstr h = pstr_trim((struct pstr){ fields[i], lens[i] });
		int c = 0;
		while (c < C_COUNT && !pstr_ieqc(h, col_names[c]))
			c++;
		if (c == C_COUNT) {
			pbuf_addf(&unknown, "%s'%.*s'", nunknown++ ? ", " : "",
				  (int)(h.n > 40 ? 40 : h.n), h.p);
			continue;
		}
		if (im->col[c] >= 0) {
			char m[128];
			snprintf(m, sizeof(m), "the column %s is given twice", col_names[c]);
			return fail(im, PERR_INVALID, "header", m), 1;
		}
		im->col[c] = (int)i;
	}
	if (nunknown) {
		pbuf_keep_prefix(&unknown); /* a message: the first names suffice */
		char m[256];
		snprintf(m, sizeof(m), "unknown column%s %s (known: type, value, reason, class, "
			 "tlp, confidence, expires, tags, attribution)", nunknown > 1 ? "s" : "",
			 pbuf_cstr(&unknown));
		return fail(im, PERR_INVALID, "header", m), 1;
	}
	if (im->col[C_VALUE] < 0)
		return fail(im, PERR_INVALID, "header", "the header has no value column"), 1;
	im->ncols = nf;
	im->have_header = true;
	return 0;
}

static int csv_rec(void *ud, size_t line, size_t nf, const char *const *fields,
		   const size_t *lens)
{
	struct indicator_import *im = ud;
	if (im->failed)
		return 1;
	if (!im->have_header)
		return csv_header(im, nf, fields, lens);
	if (nf > im->ncols) {
		char m[96];
		snprintf(m, sizeof(m), "%zu fields, the header has %zu", nf, im->ncols);
		return deliver_bad(im, line, "row", m, (struct pstr){ fields[0], lens[0] });
	}
	struct pstr f[C_COUNT];
	for (int c = 0; c < C_COUNT; c++) {
		int k = im->col[c];
		f[c] = k >= 0 && (size_t)k < nf ? (struct pstr){ fields[k], lens[k] }
						 : (struct pstr){ "", 0 };
	}
	return deliver(im, line, f);
}

static void csv_rej(void *ud, size_t line, const char *reason)
{
	struct indicator_import *im = ud;
	if (im->failed)
		return;
	if (!im->have_header) { /* a header we cannot read is no header */
		char m[200];
		snprintf(m, sizeof(m), "the header does not parse: %s", reason);
		fail(im, PERR_INVALID, "header", m);
		return;
	}
	deliver_bad(im, line, "row", reason, (struct pstr){ "", 0 });
}

/* -------------------------------------------------------------- plain */

/* One physical line of a plain list: the value, an optional "# comment"
** after white space (the way hosts files and blocklists annotate). */
static int plain_line(struct indicator_import *im)
{
	size_t line = im->lineno;
	if (im->overlong) {
		char m[64];
		snprintf(m, sizeof(m), "longer than %zu bytes", im->lim.max_line);
		return deliver_bad(im, line, "line", m, (struct pstr){ im->line, im->len });
	}
	if (im->nul)
		return deliver_bad(im, line, "line", "holds a NUL byte", (struct pstr){ "", 0 });
	struct pstr s = { im->line, im->len };
	if (line == 1 && s.n >= 3 && memcmp(s.p, "\xEF\xBB\xBF", 3) == 0) { /* BOM */
		s.p += 3;
		s.n -= 3;
	}
	s = pstr_trim(s);
	if (s.n == 0 || s.p[0] == '#')
		return 0;
	size_t i = 0;
	while (i < s.n && s.p[i] != ' ' && s.p[i] != '\t')
		i++;
	struct pstr rest = pstr_trim((struct pstr){ s.p + i, s.n - i });
	if (rest.n && rest.p[0] != '#')
		return deliver_bad(im, line, "line",
				   "one value per line (text after the value that is not a # "
				   "comment)",
				   s);
	struct pstr f[C_COUNT];
	memset(f, 0, sizeof(f));
	for (int c = 0; c < C_COUNT; c++)
		f[c] = (struct pstr){ "", 0 };
	f[C_VALUE] = (struct pstr){ s.p, i };
	return deliver(im, line, f);
}

static int plain_feed(struct indicator_import *im, const char *d, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		char ch = d[k];
		if (ch == '\n') {
			if (im->len && im->line[im->len - 1] == '\r')
				im->len--;
			im->lineno++;
			int rc = plain_line(im);
			im->len = 0;
			im->overlong = im->nul = false;
			if (rc)
				return rc;
			continue;
		}
		if (im->overlong)
			continue;
		if (ch == '\0')
			im->nul = true;
		/* +1: the CR of a CRLF line end does not count against the line */
		if (im->len >= im->lim.max_line + 1) {
			im->overlong = true;
			continue;
		}
		im->line[im->len++] = ch;
	}
	return 0;
}

/* ---------------------------------------------------------------- API */

struct indicator_import *indicator_import_new(enum indicator_import_format fmt,
					      enum indicator_type type,
					      const struct indicator_import_limits *lim,
					      indicator_import_row_fn fn, void *ud)
{
	if (fmt != INDICATOR_IMPORT_CSV && fmt != INDICATOR_IMPORT_PLAIN)
		return NULL;
	struct indicator_import *im = calloc(1, sizeof(*im));
	if (!im)
		return NULL;
	im->fmt = fmt;
	im->type = (unsigned)type < INDICATOR_TYPE_COUNT ? type : INDICATOR_NONE;
	im->fn = fn;
	im->ud = ud;
	if (lim)
		im->lim = *lim;
	if (!im->lim.max_bytes)
		im->lim.max_bytes = INDICATOR_IMPORT_MAX_BYTES;
	if (!im->lim.max_rows)
		im->lim.max_rows = INDICATOR_IMPORT_MAX_ROWS;
	if (!im->lim.max_line || im->lim.max_line > ((size_t)1 << 20))
		im->lim.max_line = INDICATOR_IMPORT_MAX_LINE;
	if (fmt == INDICATOR_IMPORT_CSV) {
		struct csv_limits cl = { .max_field = im->lim.max_line,
					 .max_fields = 64,
					 .max_record = im->lim.max_line };
		im->csv = csv_new(&cl, csv_rec, csv_rej, im);
		if (!im->csv) {
			free(im);
			return NULL;
		}
	} else {
		im->line = malloc(im->lim.max_line + 2);
		if (!im->line) {
			free(im);
			return NULL;
		}
	}
	return im;
}

/* The answer of a feed or finish: the first fatal error, sticky. */
static int result(struct indicator_import *im, int rc, struct perr *err)
{
	if (rc < 0 && !im->failed)
		fail(im, PERR_INTERNAL, NULL, "out of memory");
	if (rc > 0 && !im->failed)
		fail(im, PERR_INTERNAL, NULL, "the import was stopped");
	if (im->failed) {
		if (err)
			*err = im->fail;
		return -1;
	}
	return 0;
}

int indicator_import_feed(struct indicator_import *im, const char *data, size_t len,
			  struct perr *err)
{
	if (im->failed || im->finished)
		return result(im, im->finished && !im->failed ? 1 : 0, err);
	if (len > im->lim.max_bytes - im->bytes) {
		char m[96];
		snprintf(m, sizeof(m), "the input is larger than %zu bytes", im->lim.max_bytes);
		fail(im, PERR_LIMIT, NULL, m);
		return result(im, 0, err);
	}
	im->bytes += len;
	int rc = im->csv ? csv_feed(im->csv, data, len) : plain_feed(im, data, len);
	return result(im, rc, err);
}

int indicator_import_finish(struct indicator_import *im, struct perr *err)
{
	if (im->failed || im->finished)
		return result(im, im->finished && !im->failed ? 1 : 0, err);
	im->finished = true;
	int rc = 0;
	if (im->csv) {
		rc = csv_finish(im->csv);
		if (rc == 0 && !im->have_header && !im->failed)
			fail(im, PERR_INVALID, "header",
			     "no header line (type,value,reason,class,tlp,confidence,expires,tags,"
			     "attribution; only value is required)");
	} else if (im->len || im->overlong || im->nul) {
		im->lineno++;
		rc = plain_line(im);
		im->len = 0;
	}
	return result(im, rc, err);
}

size_t indicator_import_rows(const struct indicator_import *im)
{
	return im ? im->rows : 0;
}

void indicator_import_free(struct indicator_import *im)
{
	if (!im)
		return;
	csv_free(im->csv);
	free(im->line);
	free(im);
}

/* -------------------------------------------------- preview and commit */

/* Preview and commit are one walk: each valid row goes through
** indicator_add (the registry's one rule for listing a value: checks,
** warninglists, refresh of a value listed already, audit) inside a
** savepoint (undone when the registry refuses the row), and the stored row
** read before and after says what it did. A preview runs the same walk
** inside one more savepoint, undone at the end. It therefore promises
** exactly what a commit does -- including a value that appears twice in
** one file -- and writes nothing. */

/* Fields an import may change, compared before and after a row. */
/* An expiry the row does not give is renewed by every listing (the
** registry's refresh: a value seen again stays listed its default time);
** that renewal is no change the file makes, so it is not named. */
static void diff_rows(const struct store_indicator *a, const struct store_indicator *b,
		      bool given_expiry, json_t *changes)
{
#define DIFF_TEXT(name, f)                                                  \
	if (strcmp(a->f, b->f) != 0)                                        \
		json_array_append_new(changes, json_string(name));
	DIFF_TEXT("status", status);
	DIFF_TEXT("class", class_);
	DIFF_TEXT("reason", reason);
	DIFF_TEXT("tlp", tlp);
	DIFF_TEXT("attribution", attribution);
	DIFF_TEXT("tags", tags);
#undef DIFF_TEXT
	if (a->confidence != b->confidence)
		json_array_append_new(changes, json_string("confidence"));
	if (a->expires_ms != b->expires_ms && given_expiry)
		json_array_append_new(changes, json_string("expires"));
	if (a->org_id != b->org_id)
		json_array_append_new(changes, json_string("org"));
}

struct run {
	struct store *st;
	const struct indicator_wl_set *wl;
	const struct principal *p;
	const char *actor;
	const struct indicator_import_opts *o;
	bool preview;
	int64_t now_ms;
	json_t *items;
	size_t totals[INDICATOR_IMPORT_STATUS_COUNT], rows;
	bool truncated, failed;
	struct perr err;
	struct store_indicator before, after; /* scratch (a few KiB each) */
};

/* The lists value hits, as a JSON array (empty when none or no set). */
static json_t *lists_hit(const struct indicator_wl_set *wl, const struct indicator_import_row *r)
{
	json_t *arr = json_array();
	if (!wl || !arr)
		return arr;
	struct indicator_wl_hit hits[8];
	size_t n = indicator_wl_match(wl, indicator_wl_hint(indicator_type_parse(r->type)),
				      r->value, strlen(r->value), hits, 8);
	for (size_t i = 0; i < n && i < 8; i++)
		json_array_append_new(arr, json_string(hits[i].name));
	return arr;
}

/* List one valid row in a savepoint: its status, the row's id, the fields
** it changed (into changes), or -1 with e for a row the registry refuses
** (or a store failure: e->kind PERR_INTERNAL). */
static int run_one(struct run *ru, const struct indicator_import_row *r,
		   enum indicator_import_status *status, int64_t *id, bool *existed,
		   json_t *changes, char *held, size_t heldsz, struct perr *e)
{
	struct perr fe;
	*existed = store_indicator_find(ru->st, r->type, r->value, &ru->before, &fe) == 0;
	if (!*existed && fe.kind != PERR_NOTFOUND) {
		*e = fe;
		return -1;
	}
	const struct indicator_import_opts *o = ru->o;
	struct indicator_spec spec = {
		.type = r->type,
		.value = r->value,
		.class_ = r->class_[0] ? r->class_ : o->class_,
		.reason = r->reason[0] ? r->reason : o->reason,
		.tlp = r->tlp[0] ? r->tlp : o->tlp,
		.source = o->source,
		.source_ref = o->source_ref,
		.confidence = r->confidence,
		.attribution = r->attribution,
		.tags = r->tags,
		.expires_ms = r->expires_ms,
		.confirm = o->confirm,
	};
	if (store_savepoint(ru->st, e) != 0)
		return -1;
	int rc = indicator_add(ru->st, ru->wl, ru->p, ru->actor, &spec, ru->now_ms, id, held,
			       heldsz, e);
	if (rc >= 0 && store_indicator_get(ru->st, *id, &ru->after, e) != 0)
		rc = -1;
	/* a preview keeps the row too, inside its own savepoint that
	** indicator_import_run undoes at the end: a value twice in one file
	** reads as the commit will see it the second time */
	store_savepoint_end(ru->st, rc >= 0);
	if (rc < 0)
		return -1;
	if (!*existed) {
		*status = rc == 1 ? INDICATOR_IMPORT_HELD : INDICATOR_IMPORT_NEW;
		return 0;
	}
	diff_rows(&ru->before, &ru->after, r->expires_ms != 0, changes);
	/* still held (no --confirm, a list still hits it): it waits, as a new one would */
	if (strcmp(ru->after.status, "held") == 0)
		*status = INDICATOR_IMPORT_HELD;
	else
		*status = json_array_size(changes) ? INDICATOR_IMPORT_CHANGED
						   : INDICATOR_IMPORT_UNCHANGED;
	return 0;
}

static int run_row(void *ud, const struct indicator_import_row *r)
{
	struct run *ru = ud;
	enum indicator_import_status status = INDICATOR_IMPORT_INVALID;
	json_t *changes = json_array();
	int64_t id = 0;
	bool existed = false;
	char error[256], held[512] = "";
	pstrtrunc(error, r->error, sizeof(error));
	if (!changes)
		goto oom;
	if (!r->invalid) {
		struct perr e = { 0 };
		if (run_one(ru, r, &status, &id, &existed, changes, held, sizeof(held), &e) != 0) {
			if (e.kind == PERR_INTERNAL || e.kind == PERR_BUSY ||
			    e.kind == PERR_FORBIDDEN) { /* not the row's fault: stop */
				ru->err = e;
				ru->failed = true;
				json_decref(changes);
				return 1;
			}
			status = INDICATOR_IMPORT_INVALID;
			perr_text(&e, error, sizeof(error));
		}
	}
	ru->totals[status]++;
	ru->rows++;
	size_t max = ru->o->max_items ? ru->o->max_items : 2000;
	if (ru->o->notable_only && status != INDICATOR_IMPORT_INVALID &&
	    status != INDICATOR_IMPORT_HELD) {
		json_decref(changes);
		return 0;
	}
	if (json_array_size(ru->items) >= max) {
		ru->truncated = true;
		json_decref(changes);
		return 0;
	}
	json_t *it = json_pack("{sI ss ss ss}", "line", (json_int_t)r->line, "type", r->type,
			       "value", r->value, "status", indicator_import_status_name(status));
	if (!it)
		goto oom;
	if (status == INDICATOR_IMPORT_INVALID) {
		json_object_set_new(it, "error", json_string(error));
	} else {
		if (id && (existed || !ru->preview))
			json_object_set_new(it, "id", json_integer(id));
		/* held: the lists that hold it, as the registry named them; else
		** the lists the value itself is on (what --confirm overrides) */
		json_t *lists = held[0] ? indicator_held_lists_json(held) : lists_hit(ru->wl, r);
		if (json_array_size(lists))
			json_object_set_new(it, "lists", lists);
		else
			json_decref(lists);
	}
	if (json_array_size(changes))
		json_object_set(it, "changes", changes);
	json_decref(changes);
	json_array_append_new(ru->items, it);
	return 0;
oom:
	json_decref(changes);
	perr_set(&ru->err, PERR_INTERNAL, NULL, "out of memory");
	ru->failed = true;
	return 1;
}

int indicator_import_run(struct store *st, const struct indicator_wl_set *wl,
			 const struct principal *p, const char *actor,
			 const struct indicator_import_opts *o, const char *data, size_t len,
			 bool preview, int64_t now_ms, json_t **out, struct perr *err)
{
	*out = NULL;
	if (!indicator_may_curate(p))
		return perr_set(err, PERR_FORBIDDEN, NULL, "only CERT staff import indicators");
	char tlp[16];
	if (o->tlp && o->tlp[0] && indicator_tlp_norm(o->tlp, tlp, sizeof(tlp), err) != 0)
		return -1;
	enum indicator_import_format fmt = o->format ? o->format : INDICATOR_IMPORT_CSV;
	struct run *ru = calloc(1, sizeof(*ru));
	struct indicator_import *im = NULL;
	int rc = -1;
	if (!ru)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	*ru = (struct run){ .st = st, .wl = wl, .p = p, .actor = actor, .o = o,
			    .preview = preview, .now_ms = now_ms, .items = json_array() };
	im = indicator_import_new(fmt, o->type, o->limits, run_row, ru);
	if (!im) {
		perr_set(err, PERR_INVALID, "format", "unknown format (csv or plain)");
		goto out;
	}
	if (!ru->items) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	if (preview && store_savepoint(st, err) != 0)
		goto out;
	bool parsed = indicator_import_feed(im, data, len, err) == 0 &&
		      indicator_import_finish(im, err) == 0;
	if (preview)
		store_savepoint_end(st, false); /* the preview writes nothing */
	if (!parsed) {
		if (ru->failed)
			*err = ru->err;
		goto out;
	}
	const size_t *t = ru->totals;
	*out = json_pack("{s{sI sI sI sI sI sI} sO sb sb}", "totals", "rows",
			 (json_int_t)ru->rows, "new", (json_int_t)t[INDICATOR_IMPORT_NEW],
			 "changed", (json_int_t)t[INDICATOR_IMPORT_CHANGED], "unchanged",
			 (json_int_t)t[INDICATOR_IMPORT_UNCHANGED], "held",
			 (json_int_t)t[INDICATOR_IMPORT_HELD], "invalid",
			 (json_int_t)t[INDICATOR_IMPORT_INVALID], "items", ru->items, "truncated",
			 ru->truncated, "preview", preview);
	if (!*out) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	rc = 0;
out:
	indicator_import_free(im);
	json_decref(ru->items);
	free(ru);
	return rc;
}

size_t indicator_import_valid(const json_t *result)
{
	json_t *t = json_object_get(result, "totals");
	json_int_t rows = json_integer_value(json_object_get(t, "rows"));
	json_int_t bad = json_integer_value(json_object_get(t, "invalid"));
	return rows > bad ? (size_t)(rows - bad) : 0;
}
