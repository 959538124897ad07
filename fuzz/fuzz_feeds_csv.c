/*
** fuzz_feeds_csv.c -- libFuzzer target for the report parser on CSV reports
** (src/feeds/parse.c through the shipped Shadowserver schema).
**
** Reports come from outside (Shadowserver, partners, uploads by analysts)
** and are pushed to the parser in whatever pieces the network delivers. The
** input is laid out as:
**
**   byte 0   the report type: index into the shipped schema, modulo its count
**   byte 1   flags: bit 0 small limits (max_record from byte 2, max_fields
**            from byte 3), bit 1 resume after line (byte 1 >> 2)
**   byte 2-3 the small limits
**   rest     the file
**
** The file is parsed whole, then in chunks whose sizes come from the data
** (so the fuzzer steers the split points). The runs must agree exactly on
** every event (its line and its JSON), every reject (line and reason), the
** counts and the return value, and the counts must add up: parsed + rejected
** == rows, with parsed and rejected equal to the callbacks seen. Every event
** must keep the parser's promises (a line after the header, in order; an IP
** of family 4 or 6 whose text matches its bytes; a port in range or -1; an
** identifier; JSON that jansson reads back as an object). A resumed run
** (skip_to) must deliver exactly the whole run's records after that line.
** A broken promise calls abort().
**
** Seeds in fuzz/corpus/feeds_csv/ are the files of tests/data/feeds/ with
** their type's index and a zero flag byte in front. The index is the
** type's position in data/feeds/shadowserver.json: when the shipped schema
** changes, the seeds' first bytes are mapped to the same types again (as
** when it grew from 12 types to the 170 published).
*/
#define FUZZ_NAME "fuzz_feeds_csv"
#include "feeds_fuzz.h"

static struct feeds_schema *schema;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct perr e = { 0 };
	if (feeds_schema_builtin(&schema, &e) != 0) {
		fprintf(stderr, "fuzz_feeds_csv: the shipped schema: %s\n", e.msg);
		abort();
	}
	return 0;
}

static int on_event(void *ud, const struct feeds_event *ev)
{
	struct tally *t = ud;
	CHECK(ev->line >= 2);            /* line 1 is the header */
	CHECK(ev->line >= t->last_line); /* file order */
	t->last_line = ev->line;
	check_event(t, ev);
	return 0;
}

static void on_reject(void *ud, size_t line, const char *reason)
{
	check_reject(ud, line, reason);
}

/* chunk 0: whole; 1: sizes from the data. */
static void run(const struct feeds_type *type, const struct feeds_limits *lim, size_t skip,
		const uint8_t *data, size_t size, int split, struct result *out)
{
	memset(out, 0, sizeof(*out));
	pbuf_init(&out->t.json, 0);
	struct feeds_parser *p = feeds_parser_new(type, lim, on_event, on_reject, &out->t);
	CHECK(p != NULL);
	if (skip)
		feeds_parser_skip_to(p, skip);
	size_t off = 0, salt = 0;
	int rc = 0;
	while (off < size && rc == 0) {
		size_t k = split ? (size_t)((data[off] + salt++) % 23u) : size;
		if (k > size - off)
			k = size - off;
		rc = feeds_parser_feed(p, (const char *)data + off, k);
		off += k;
	}
	if (rc == 0)
		rc = feeds_parser_finish(p);
	else
		CHECK(feeds_parser_finish(p) == rc); /* a failed parser stays failed */
	out->rc = rc;
	CHECK(rc == 0 || rc == -1); /* the callbacks never stop it */
	if (rc == -1)
		CHECK(feeds_parser_error(p)[0] != '\0');
	snprintf(out->error, sizeof(out->error), "%s", feeds_parser_error(p));
	feeds_parser_counts(p, &out->c);
	feeds_parser_free(p);
	pbuf_free(&out->t.json);
	check_counts(out, skip);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	const struct feeds_type *type =
		feeds_schema_at(schema, data[0] % feeds_schema_count(schema));
	CHECK(type != NULL);
	uint8_t flags = data[1];
	struct feeds_limits lim = { 0, 0 };
	if (flags & 1) {
		lim.max_record = 16 + (size_t)data[2] * 4;
		lim.max_fields = 1 + data[3];
	}
	size_t skip = (flags & 2) ? (size_t)(flags >> 2) : 0;
	data += 4;
	size -= 4;

	struct result whole, split;
	run(type, &lim, 0, data, size, 0, &whole);
	run(type, &lim, 0, data, size, 1, &split);
	same(&whole, &split);

	if (skip && whole.rc == 0) {
		struct result rest;
		run(type, &lim, skip, data, size, 1, &rest);
		CHECK(rest.rc == 0);
		same_tail(&whole, &rest, skip);
		free(rest.t.r);
	}
	free(whole.t.r);
	free(split.t.r);
	return 0;
}
