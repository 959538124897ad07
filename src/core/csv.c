/*
** csv.c -- streaming RFC 4180 CSV push parser (see csv.h for the dialect).
**
** The parser is a byte-at-a-time state machine whose whole state lives in
** struct csv_parser, which is what makes arbitrary chunking safe: nothing
** ever looks ahead past the current byte.  The two places that would
** naturally want look-ahead are handled with a remembered flag instead:
** CRLF (a CR ends the line, and an LF right after a CR is swallowed) and
** the UTF-8 BOM (matched bytes are held back and replayed if the match
** fails).  Runs of ordinary bytes inside a field are copied in bulk as an
** optimisation; the run is clamped so that any limit is always crossed by
** the per-byte path, which keeps the reject reasons independent of where
** chunk boundaries fall.
**
** Decoded fields of the current record are stored back to back, each
** followed by a NUL, in one buffer; offs[]/lens[] index it.  Because every
** field but the first is preceded by a separator in the input, the decoded
** bytes plus terminators never exceed the record's raw size plus one, so
** the buffer is capped at max_record + 1 bytes.
**
** A record that breaks a rule is reported once (at detection) and then the
** machine keeps running in "skipping" mode: it tracks quotes leniently so
** that a quoted newline in the bad record does not start a new one, but
** stores nothing and reports nothing until the record ends.
*/
#include "csv.h"
#include "core.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum csv_state {
	ST_RECORD_START,    /* between records: blank lines skipped here */
	ST_FIELD_START,     /* at the first byte of a field */
	ST_UNQUOTED,        /* inside an unquoted field */
	ST_QUOTED,          /* inside a quoted field */
	ST_QUOTE_IN_QUOTED  /* saw '"' in a quoted field: escape or close */
};

#define BOM_DONE 3u
static const unsigned char utf8_bom[3] = { 0xEF, 0xBB, 0xBF };

struct csv_parser {
	struct csv_limits lim;
	csv_record_fn on_record;
	csv_reject_fn on_reject;
	void *ud;
	char sep;

	enum csv_state st;
	bool skipping;     /* current record already rejected */
	bool prev_cr;      /* previous byte was CR: a following LF is no new line */
	bool started;      /* bytes were fed: separator is frozen */
	bool finished;     /* csv_finish() ran */
	bool in_callback;  /* guards against re-entrant feeding */
	unsigned bom;      /* BOM bytes matched so far, BOM_DONE once decided */
	int sticky;        /* stop value or error repeated by every later call */

	size_t line;       /* current physical line, 1-based */
	size_t rec_line;   /* line on which the current record started */
	size_t raw;        /* raw bytes of the current record so far */

	char *buf;         /* decoded fields, NUL-separated */
	size_t len, cap;
	size_t *offs;      /* start of field i in buf */
	size_t *lens;      /* length of field i */
	const char **ptrs; /* built just before the record callback */
	size_t nfields;    /* completed fields of the current record */
	size_t fcap;       /* capacity of offs/lens/ptrs */

	size_t nrecords, nrejects;
	char reason[128];
};

/* Fill in defaults and refuse limits whose buffer sizes would overflow. */
static bool resolve_limits(const struct csv_limits *in, struct csv_limits *out)
{
	out->max_field = in && in->max_field ? in->max_field : CSV_DEFAULT_MAX_FIELD;
	out->max_fields = in && in->max_fields ? in->max_fields : CSV_DEFAULT_MAX_FIELDS;
	out->max_record = in && in->max_record ? in->max_record : CSV_DEFAULT_MAX_RECORD;
	/* Leave generous headroom so bound arithmetic below cannot wrap. */
	if (out->max_record > SIZE_MAX / 4)
		return false;
	if (out->max_fields > SIZE_MAX / 4 / (2 * sizeof(size_t) + sizeof(char *)))
		return false;
	return true;
}

size_t csv_memory_bound(const struct csv_limits *lim)
{
	struct csv_limits l;

	if (!resolve_limits(lim, &l))
		return SIZE_MAX;
	return sizeof(struct csv_parser) + (l.max_record + 1) +
	       l.max_fields * (2 * sizeof(size_t) + sizeof(char *));
}

struct csv_parser *csv_new(const struct csv_limits *lim, csv_record_fn rec,
                           csv_reject_fn rej, void *ud)
{
	struct csv_parser *p = NULL;
	struct csv_limits l;

	if (!resolve_limits(lim, &l))
		goto out;
	p = calloc(1, sizeof(*p));
	if (!p)
		goto out;
	p->lim = l;
	p->on_record = rec;
	p->on_reject = rej;
	p->ud = ud;
	p->sep = ',';
	p->st = ST_RECORD_START;
	p->line = 1;
out:
	return p;
}

int csv_set_separator(struct csv_parser *p, char sep)
{
	if (!p || p->started || sep == '"' || sep == '\r' || sep == '\n' || sep == '\0')
		return CSV_EINVAL;
	p->sep = sep;
	return CSV_OK;
}

void csv_free(struct csv_parser *p)
{
	if (!p)
		return;
	free(p->buf);
	free(p->offs);
	free(p->lens);
	free(p->ptrs);
	free(p);
}

size_t csv_records(const struct csv_parser *p) { return p ? p->nrecords : 0; }
size_t csv_rejects(const struct csv_parser *p) { return p ? p->nrejects : 0; }
size_t csv_line(const struct csv_parser *p) { return p ? p->line : 0; }

size_t csv_memory(const struct csv_parser *p)
{
	if (!p)
		return 0;
	return sizeof(*p) + p->cap + p->fcap * (2 * sizeof(size_t) + sizeof(char *));
}

enum csv_why {
	WHY_FIELD_LONG,
	WHY_TOO_MANY_FIELDS,
	WHY_RECORD_LONG,
	WHY_STRAY_QUOTE,
	WHY_AFTER_QUOTE,
	WHY_NUL,
	WHY_UNTERMINATED
};

/*
** Report the current record as rejected and switch to skipping mode.  Only
** the first problem of a record is reported: later ones are usually
** consequences of the first.  Reasons name the 1-based field being built.
*/
static void reject(struct csv_parser *p, enum csv_why why)
{
	size_t fld = p->nfields + 1;
	char *r = p->reason;
	size_t n = sizeof(p->reason);

	if (p->skipping)
		return;
	p->skipping = true;
	p->nrejects++;
	switch (why) {
	case WHY_FIELD_LONG:
		snprintf(r, n, "field %zu exceeds %zu bytes", fld, p->lim.max_field);
		break;
	case WHY_TOO_MANY_FIELDS:
		snprintf(r, n, "record has more than %zu fields", p->lim.max_fields);
		break;
	case WHY_RECORD_LONG:
		snprintf(r, n, "record exceeds %zu bytes", p->lim.max_record);
		break;
	case WHY_STRAY_QUOTE:
		snprintf(r, n, "stray quote in unquoted field %zu", fld);
		break;
	case WHY_AFTER_QUOTE:
		snprintf(r, n, "text after closing quote in field %zu", fld);
		break;
	case WHY_NUL:
		snprintf(r, n, "NUL byte in field %zu", fld);
		break;
	case WHY_UNTERMINATED:
		snprintf(r, n, "unterminated quoted field %zu at end of input", fld);
		break;
	}
	if (p->on_reject) {
		p->in_callback = true;
		p->on_reject(p->ud, p->rec_line, p->reason);
		p->in_callback = false;
	}
}

/*
** Make room for need bytes in buf.  Returns CSV_OK or CSV_ENOMEM (which is
** also made sticky).  Growth stops at max_record + 1, which the invariant
** in the header comment says is always enough; a request beyond it would
** be a bug, and is turned into a reject rather than an overflow.
*/
static int reserve_buf(struct csv_parser *p, size_t need)
{
	size_t limit = p->lim.max_record + 1;
	size_t ncap;
	char *nb;
	int rc = CSV_OK;

	if (need <= p->cap)
		goto out;
	if (need > limit) {
		reject(p, WHY_RECORD_LONG);
		goto out;
	}
	ncap = p->cap ? p->cap : 256;
	while (ncap < need)
		ncap = ncap > limit / 2 ? limit : ncap * 2;
	if (ncap > limit)
		ncap = limit;
	nb = realloc(p->buf, ncap);
	if (!nb) {
		rc = p->sticky = CSV_ENOMEM;
		goto out;
	}
	p->buf = nb;
	p->cap = ncap;
out:
	return rc;
}

/*
** Grow the field index arrays to hold at least need entries (need is
** already known to be <= max_fields).  Returns CSV_OK or CSV_ENOMEM (made
** sticky).  Each array is committed as soon as it is grown, so a failure
** in a later one leaves fcap, the smallest capacity, valid for all three.
*/
static int reserve_fields(struct csv_parser *p, size_t need)
{
	size_t ncap;
	void *n;
	int rc = CSV_OK;

	if (need <= p->fcap)
		goto out;
	ncap = p->fcap ? p->fcap : 16;
	while (ncap < need)
		ncap = ncap > p->lim.max_fields / 2 ? p->lim.max_fields : ncap * 2;
	if (ncap > p->lim.max_fields)
		ncap = p->lim.max_fields;
	rc = CSV_ENOMEM;
	n = realloc(p->offs, ncap * sizeof(*p->offs));
	if (!n)
		goto out;
	p->offs = n;
	n = realloc(p->lens, ncap * sizeof(*p->lens));
	if (!n)
		goto out;
	p->lens = n;
	n = realloc(p->ptrs, ncap * sizeof(*p->ptrs));
	if (!n)
		goto out;
	p->ptrs = n;
	p->fcap = ncap;
	rc = CSV_OK;
out:
	if (rc)
		p->sticky = rc;
	return rc;
}

/* Decoded length of the field being built (valid when not skipping). */
static size_t field_len(const struct csv_parser *p)
{
	return p->len - p->offs[p->nfields];
}

/* Open field number nfields + 1 of the current record. */
static int begin_field(struct csv_parser *p)
{
	int rc;

	if (p->skipping)
		return CSV_OK;
	if (p->nfields >= p->lim.max_fields) {
		reject(p, WHY_TOO_MANY_FIELDS);
		return CSV_OK;
	}
	rc = reserve_fields(p, p->nfields + 1);
	if (rc)
		return rc;
	p->offs[p->nfields] = p->len;
	return CSV_OK;
}

/* Close the open field: record its length and NUL-terminate it. */
static int end_field(struct csv_parser *p)
{
	int rc;

	if (p->skipping)
		return CSV_OK;
	rc = reserve_buf(p, p->len + 1);
	if (rc || p->skipping)
		return rc;
	p->lens[p->nfields] = field_len(p);
	p->buf[p->len++] = '\0';
	p->nfields++;
	return CSV_OK;
}

/* Append n decoded bytes to the open field, rejecting the record if the
** field limit would be crossed. */
static int append(struct csv_parser *p, const char *s, size_t n)
{
	int rc;

	if (p->skipping)
		return CSV_OK;
	if (n > p->lim.max_field - field_len(p)) {
		reject(p, WHY_FIELD_LONG);
		return CSV_OK;
	}
	rc = reserve_buf(p, p->len + n);
	if (rc || p->skipping)
		return rc;
	memcpy(p->buf + p->len, s, n);
	p->len += n;
	return CSV_OK;
}

/*
** Deliver the finished record (unless it was rejected) and return to the
** between-records state.  Returns CSV_OK, the callback's stop value, or an
** error; non-zero results are made sticky.
*/
static int end_record(struct csv_parser *p)
{
	int rc = end_field(p);
	size_t i;

	p->st = ST_RECORD_START;
	if (rc)
		return rc;
	if (p->skipping)
		return CSV_OK;
	for (i = 0; i < p->nfields; i++)
		p->ptrs[i] = p->buf + p->offs[i];
	p->nrecords++;
	if (p->on_record) {
		p->in_callback = true;
		rc = p->on_record(p->ud, p->rec_line, p->nfields, p->ptrs, p->lens);
		p->in_callback = false;
		if (rc)
			p->sticky = rc;
	}
	return rc;
}

static void start_record(struct csv_parser *p)
{
	p->rec_line = p->line;
	p->raw = 0;
	p->len = 0;
	p->nfields = 0;
	p->skipping = false;
	p->st = ST_FIELD_START;
}

/*
** Run one byte through the state machine (the BOM has been dealt with).
** Returns CSV_OK, a stop value or an error.
*/
static int step(struct csv_parser *p, char c)
{
	bool was_cr = p->prev_cr;
	int rc = CSV_OK;

	p->prev_cr = (c == '\r');

	if (p->st == ST_RECORD_START) {
		if (c == '\n' && was_cr)
			return CSV_OK;  /* second half of a CRLF already counted */
		if (c == '\r' || c == '\n') {
			p->line++;      /* blank line */
			return CSV_OK;
		}
		start_record(p);
		rc = begin_field(p);
		if (rc)
			return rc;
	}

	/* Line end outside quotes terminates the record; it is not part of
	** the record's raw size. */
	if (p->st != ST_QUOTED && (c == '\r' || c == '\n')) {
		p->line++;
		return end_record(p);
	}

	if (!p->skipping && p->raw >= p->lim.max_record)
		reject(p, WHY_RECORD_LONG);
	p->raw++;
	if (c == '\0')
		reject(p, WHY_NUL);

	switch (p->st) {
	case ST_FIELD_START:
		if (c == '"') {
			p->st = ST_QUOTED;
		} else if (c == p->sep) {
			rc = end_field(p);
			if (!rc)
				rc = begin_field(p);
		} else {
			p->st = ST_UNQUOTED;
			rc = append(p, &c, 1);
		}
		break;
	case ST_UNQUOTED:
		if (c == p->sep) {
			p->st = ST_FIELD_START;
			rc = end_field(p);
			if (!rc)
				rc = begin_field(p);
		} else if (c == '"') {
			/* While skipping, a quote here is just text: guessing that it
			** opens a quoted section would swallow following lines. */
			reject(p, WHY_STRAY_QUOTE);
		} else {
			rc = append(p, &c, 1);
		}
		break;
	case ST_QUOTED:
		if (c == '"') {
			p->st = ST_QUOTE_IN_QUOTED;
		} else {
			if (c == '\r' || (c == '\n' && !was_cr))
				p->line++;
			rc = append(p, &c, 1);
		}
		break;
	case ST_QUOTE_IN_QUOTED:
		if (c == '"') {
			p->st = ST_QUOTED;
			rc = append(p, &c, 1);
		} else if (c == p->sep) {
			p->st = ST_FIELD_START;
			rc = end_field(p);
			if (!rc)
				rc = begin_field(p);
		} else {
			reject(p, WHY_AFTER_QUOTE);
			p->st = ST_UNQUOTED;  /* lenient from here to the line end */
		}
		break;
	case ST_RECORD_START:
		break;  /* unreachable: handled above */
	}
	return rc;
}

/*
** Feed one byte through the BOM detector and then the state machine.  A
** partial BOM match holds bytes back; on mismatch they are replayed so the
** record sees exactly the input.
*/
static int step_bom(struct csv_parser *p, char c)
{
	unsigned held, i;
	int rc;

	if (p->bom == BOM_DONE)
		return step(p, c);
	if ((unsigned char)c == utf8_bom[p->bom]) {
		p->bom++;
		return CSV_OK;
	}
	held = p->bom;
	p->bom = BOM_DONE;
	for (i = 0; i < held; i++) {
		rc = step(p, (char)utf8_bom[i]);
		if (rc)
			return rc;
	}
	return step(p, c);
}

/*
** Length of the run of bytes at s[0..n) that the current state would just
** append, clamped so that no limit is reached inside the run.
*/
static size_t ordinary_run(const struct csv_parser *p, const char *s, size_t n)
{
	size_t room_rec = p->lim.max_record - p->raw;
	size_t room_fld = p->lim.max_field - field_len(p);
	size_t max = n, i;
	bool quoted = (p->st == ST_QUOTED);

	if (max > room_rec)
		max = room_rec;
	if (max > room_fld)
		max = room_fld;
	for (i = 0; i < max; i++) {
		char c = s[i];
		if (c == '"' || c == '\r' || c == '\n' || c == '\0' ||
		    (!quoted && c == p->sep))
			break;
	}
	return i;
}

int csv_feed(struct csv_parser *p, const char *data, size_t len)
{
	size_t i = 0;
	int rc = CSV_OK;

	if (!p || (!data && len))
		return CSV_EINVAL;
	if (p->in_callback)
		return CSV_EBUSY;
	if (p->sticky)
		return p->sticky;
	if (p->finished)
		return CSV_EINVAL;
	if (len)
		p->started = true;

	while (i < len) {
		/* An unquoted field's first byte needs no state machine: switch
		** to ST_UNQUOTED here and let the run below take it with the rest
		** (step() would do exactly that, one call per field later). */
		if (p->st == ST_FIELD_START && !p->skipping && p->bom == BOM_DONE) {
			char c = data[i];
			if (c != '"' && c != p->sep && c != '\r' && c != '\n' && c != '\0')
				p->st = ST_UNQUOTED;
		}
		if (!p->skipping && (p->st == ST_UNQUOTED || p->st == ST_QUOTED)) {
			size_t n = ordinary_run(p, data + i, len - i);
			if (n) {
				rc = append(p, data + i, n);
				if (rc)
					goto out;
				p->raw += n;
				p->prev_cr = false;
				i += n;
				continue;
			}
		}
		rc = step_bom(p, data[i++]);
		if (rc)
			goto out;
	}
out:
	return rc;
}

int csv_finish(struct csv_parser *p)
{
	unsigned held, i;
	int rc = CSV_OK;

	if (!p)
		return CSV_EINVAL;
	if (p->in_callback)
		return CSV_EBUSY;
	if (p->sticky)
		return p->sticky;
	if (p->finished)
		return CSV_EINVAL;
	p->finished = true;

	/* Input shorter than a BOM that matched so far: it was data. */
	held = p->bom == BOM_DONE ? 0 : p->bom;
	p->bom = BOM_DONE;
	for (i = 0; i < held; i++) {
		rc = step(p, (char)utf8_bom[i]);
		if (rc)
			goto out;
	}

	switch (p->st) {
	case ST_RECORD_START:
		break;
	case ST_QUOTED:
		reject(p, WHY_UNTERMINATED);
		p->st = ST_RECORD_START;
		break;
	default:
		rc = end_record(p);
		break;
	}
out:
	return rc;
}

/* ------------------------------------------------------------- writing */

int csv_write_field(struct pbuf *b, const char *s)
{
	/* OWASP's CSV injection list: a spreadsheet starts a formula at any of
	** these, a TAB and a CR included (both are skipped as white space
	** before the formula sign by some spreadsheets) */
	static const char formula_start[] = "=+-@\t\r";
	bool q = strpbrk(s, ",\"\r\n") != NULL;
	int e = 0;
	if (q)
		e |= pbuf_add(b, "\"", 1);
	if (s[0] && strchr(formula_start, s[0]))
		e |= pbuf_add(b, "'", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			e |= pbuf_add(b, "\"", 1);
		e |= pbuf_add(b, p, 1);
	}
	if (q)
		e |= pbuf_add(b, "\"", 1);
	return e ? -1 : 0;
}
