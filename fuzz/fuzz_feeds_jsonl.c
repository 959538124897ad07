/*
** fuzz_feeds_jsonl.c -- libFuzzer target for the report parser on JSON Lines
** feeds (src/feeds/parse.c: its own line splitting, the per-line JSON, the
** arena split between column texts and converted values).
**
** The mapping is the partner feed's of tests/data/feeds/ widened with one
** key for every conversion the parser knows (bool, float, CVE tags, host and
** URL, category-or-detail, base64, network, date, a banner under extra.), so
** every converter sees hostile values. feeds_mapping_load() reads a file, so
** LLVMFuzzerInitialize writes the mapping to a temporary file once.
**
** Input: byte 0 is flags (bit 0 small limits: max_record from byte 1; bit 1
** resume after line byte 0 >> 2), then the feed. As in fuzz_feeds_csv the
** file is parsed whole and in data-steered chunks and the runs must agree
** on every event, reject, count and return value; counts must add up; each
** event must keep the parser's promises and render as a JSON object; and a
** resumed run delivers exactly the whole run's records after its line.
** A broken promise calls abort().
**
** Seeds in fuzz/corpus/feeds_jsonl/ are partner.jsonl and variants with a
** zero flag byte in front.
*/
#include <unistd.h>

#define FUZZ_NAME "fuzz_feeds_jsonl"
#include "feeds_fuzz.h"

static const char MAPPING[] =
	"{\"feed_name\": \"Partner Exposure Feed\", \"file_name\": \"partner\","
	" \"constant_fields\": {\"classification.taxonomy\": \"vulnerable\","
	"   \"classification.type\": \"vulnerable-system\"},"
	" \"required_fields\": ["
	"   [\"time.source\", \"ts\", \"add_UTC_to_timestamp\"],"
	"   [\"source.ip\", \"ip\", \"validate_ip\"]],"
	" \"optional_fields\": ["
	"   [\"source.port\", \"port\", \"convert_int\"],"
	"   [\"source.asn\", \"asn\", \"invalidate_zero\"],"
	"   [\"source.fqdn\", \"fqdn\", \"validate_fqdn\"],"
	"   [\"protocol.application\", \"type\", \"validate_to_none\"],"
	"   [\"classification.identifier\", \"ident\"],"
	"   [\"extra.tls\", \"tls\", \"convert_bool\"],"
	"   [\"extra.score\", \"score\", \"convert_float\"],"
	"   [\"extra.cve\", \"tag\", \"extract_cve_from_tag\"],"
	"   [\"source.url\", \"url\", \"convert_http_host_and_url\"],"
	"   [\"extra.http_host\", \"http_host\"],"
	"   [\"extra.category\", \"category\", \"category_or_detail\"],"
	"   [\"extra.detail\", \"detail\"],"
	"   [\"extra.data\", \"data\", \"force_base64\"],"
	"   [\"source.network\", \"net\", \"validate_network\"],"
	"   [\"extra.first_seen\", \"first\", \"convert_date\"],"
	"   [\"destination.ip\", \"dst\", \"validate_ip\"],"
	"   [\"severity\", \"severity\"],"
	"   [\"extra.\", \"banner\", \"\"],"
	"   [\"product.version\", \"version\"]]}";

static struct feeds_schema *schema;
static const struct feeds_type *type;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char path[] = "/tmp/fuzz_feeds_jsonl.XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, MAPPING, sizeof(MAPPING) - 1) == (ssize_t)(sizeof(MAPPING) - 1));
	close(fd);
	struct perr e = { 0 };
	int rc = feeds_mapping_load(path, FEEDS_JSONL, &schema, &e);
	unlink(path);
	if (rc != 0) {
		fprintf(stderr, "fuzz_feeds_jsonl: the mapping: %s\n", e.msg);
		abort();
	}
	type = feeds_schema_at(schema, 0);
	CHECK(type && feeds_type_format(type) == FEEDS_JSONL);
	return 0;
}

/* JSON Lines: every record, event or reject, comes in file order. */
static void in_order(struct tally *t, size_t line)
{
	CHECK(line >= 1);
	CHECK(line >= t->last_line);
	t->last_line = line;
}

static int on_event(void *ud, const struct feeds_event *ev)
{
	struct tally *t = ud;
	in_order(t, ev->line);
	CHECK(ev->raw != NULL && ev->raw_len > 0); /* the raw field is the line itself */
	check_event(t, ev);
	return 0;
}

static void on_reject(void *ud, size_t line, const char *reason)
{
	struct tally *t = ud;
	in_order(t, line);
	check_reject(t, line, reason);
}

static void run(const struct feeds_limits *lim, size_t skip, const uint8_t *data, size_t size,
		int split, struct result *out)
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
	out->rc = rc;
	CHECK(rc == 0); /* JSON Lines has no header to refuse */
	feeds_parser_counts(p, &out->c);
	feeds_parser_free(p);
	pbuf_free(&out->t.json);
	check_counts(out, skip);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint8_t flags = data[0];
	struct feeds_limits lim = { 0, 0 };
	if (flags & 1)
		lim.max_record = 8 + (size_t)data[1] * 2;
	size_t skip = (flags & 2) ? (size_t)(flags >> 2) : 0;
	data += 2;
	size -= 2;

	struct result whole, split;
	run(&lim, 0, data, size, 0, &whole);
	run(&lim, 0, data, size, 1, &split);
	same(&whole, &split);
	if (skip) {
		struct result rest;
		run(&lim, skip, data, size, 1, &rest);
		same_tail(&whole, &rest, skip);
		free(rest.t.r);
	}
	free(whole.t.r);
	free(split.t.r);
	return 0;
}
