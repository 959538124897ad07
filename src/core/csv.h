/*
** csv.h -- streaming RFC 4180 CSV push parser.
**
** Parapet imports constituency data (organisations, assets) and, later,
** third-party feeds such as Shadowserver reports from CSV files whose size
** we do not control.  This module turns an arbitrary stream of bytes into
** records without doing any I/O itself: the caller reads the file (or a
** socket, or a decompressor) and pushes whatever chunks it has into
** csv_feed(); complete records come back through a callback.  Chunk
** boundaries never change the result, so feeding one byte at a time and
** feeding the whole file at once produce identical records and rejects.
**
** Memory is bounded by the limits given at creation time, never by the
** input: a record is buffered only up to csv_limits.max_record bytes, and a
** record that breaks a limit or the quoting rules is reported once through
** the reject callback and then skipped (still honouring quotes so that the
** next record starts at the right place).  One bad row in a million-row
** report therefore costs one reject, not the whole import.
**
** Dialect accepted:
**   - fields separated by ',' (configurable with csv_set_separator());
**   - fields may be enclosed in double quotes; inside quotes the separator,
**     CR and LF are literal and "" stands for one quote;
**   - records end with LF, CRLF or a lone CR (outside quotes);
**   - a UTF-8 byte order mark at the very start of the stream is dropped;
**   - empty lines are skipped (a record holding one empty field must be
**     written as "");
**   - the last record need not end with a newline (csv_finish() flushes it).
** Rejected records: a field, record or field count over its limit; a quote
** inside an unquoted field; anything but a separator or line end after a
** closing quote; a NUL byte anywhere in the record; a quoted field still
** open at end of input.
*/
#ifndef PARAPET_CSV_H
#define PARAPET_CSV_H

#include <stddef.h>

/* Defaults used for a NULL limits pointer or for any member left at 0. */
#define CSV_DEFAULT_MAX_FIELD  ((size_t)64 * 1024)   /* bytes per field  */
#define CSV_DEFAULT_MAX_FIELDS ((size_t)1024)        /* fields per record */
#define CSV_DEFAULT_MAX_RECORD ((size_t)1024 * 1024) /* bytes per record */

/* Errors returned by csv_* functions.  They are negative so that record
** callbacks can use any positive value as a "stop" code that never
** collides with them. */
#define CSV_OK      0
#define CSV_ENOMEM  (-1)  /* allocation failed; the parser is now unusable */
#define CSV_EINVAL  (-2)  /* bad argument, or use after csv_finish() */
#define CSV_EBUSY   (-3)  /* called re-entrantly from inside a callback */

struct csv_limits {
	size_t max_field;   /* decoded bytes in one field (quotes/escapes removed) */
	size_t max_fields;  /* fields in one record */
	size_t max_record;  /* raw input bytes of one record, line end excluded */
};

struct csv_parser;

/*
** Called once per accepted record.  fields[i] points at lens[i] bytes of
** decoded field data, followed by a NUL terminator (input containing NUL is
** rejected, so the terminator is unambiguous and fields can be handed to
** strtol() and friends).  The arrays and strings belong to the parser and
** are valid only until the callback returns.  line is the 1-based physical
** line on which the record starts.  Return 0 to continue; any other value
** stops the parser, is returned by the csv_feed()/csv_finish() call in
** progress and by every later call.  Use positive values: negative ones
** collide with the CSV_E* codes.
*/
typedef int (*csv_record_fn)(void *ud, size_t line, size_t nfields,
                             const char *const *fields, const size_t *lens);

/*
** Called once per rejected record, at the point where the problem is
** detected.  line is the 1-based physical line on which the record starts;
** reason is a short human-readable English sentence fragment, valid only
** during the call.  Parsing always continues with the next record.
*/
typedef void (*csv_reject_fn)(void *ud, size_t line, const char *reason);

/*
** Create a parser.  lim may be NULL (all defaults) and any member left at
** 0 takes its default.  rec and rej may be NULL when the caller only wants
** counts.  ud is passed unchanged to both callbacks.  Returns NULL if the
** limits are absurd (large enough to overflow size arithmetic) or memory
** is short.  Release with csv_free().  Nothing is allocated for records
** until data arrives, and buffers grow only as far as the limits allow.
*/
struct csv_parser *csv_new(const struct csv_limits *lim, csv_record_fn rec,
                           csv_reject_fn rej, void *ud);

/*
** Use sep instead of ',' as the field separator (e.g. ';' or '\t').  Only
** allowed before the first csv_feed(); '"', CR, LF and NUL are refused.
** Returns CSV_OK or CSV_EINVAL.
*/
int csv_set_separator(struct csv_parser *p, char sep);

/*
** Push len bytes.  data may be NULL only when len is 0.  Complete records
** found in the bytes are delivered before this returns; a partial record
** is kept for the next call.  Returns CSV_OK, the non-zero value a record
** callback returned (the rest of the chunk is then not parsed), or a
** negative CSV_E* code.
*/
int csv_feed(struct csv_parser *p, const char *data, size_t len);

/*
** Signal end of input: deliver a final record that lacks its line end, or
** reject a quoted field left open.  Returns like csv_feed().  After it the
** parser accepts no more data (CSV_EINVAL) but its counters stay readable.
*/
int csv_finish(struct csv_parser *p);

/* Free the parser and everything it owns.  NULL is allowed. */
void csv_free(struct csv_parser *p);

/* Records delivered to the record callback so far. */
size_t csv_records(const struct csv_parser *p);

/* Records rejected so far. */
size_t csv_rejects(const struct csv_parser *p);

/* 1-based physical line the parser is currently on (for progress reports). */
size_t csv_line(const struct csv_parser *p);

/*
** Bytes of heap currently owned by the parser, the struct included.  It
** never exceeds csv_memory_bound() of the same limits, whatever the input.
*/
size_t csv_memory(const struct csv_parser *p);

/* Upper bound of csv_memory() for a parser created with lim (NULL allowed). */
size_t csv_memory_bound(const struct csv_limits *lim);

/* ------------------------------------------------------------- writing */

struct pbuf;

/* Append s to b as one CSV field for a file people open in a spreadsheet:
** quoted (with "" for a quote) when it holds a comma, a quote, CR or LF,
** and prefixed with ' when it starts with a character a spreadsheet takes
** as the start of a formula -- OWASP's list: = + - @ TAB CR -- so a
** report's text is never run as one (CSV injection). Every CSV Parapet
** writes goes through this one function. Returns 0, or -1 when b is full. */
int csv_write_field(struct pbuf *b, const char *s);

#endif /* PARAPET_CSV_H */
