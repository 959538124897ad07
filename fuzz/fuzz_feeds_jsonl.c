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
#include <arpa/inet.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feeds/feeds.h"

#define CHECK(cond)                                                                       \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "fuzz_feeds_jsonl: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                                \
			abort();                                                          \
		}                                                                         \
	} while (0)

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

struct rec {
	size_t line;
	bool event;
	uint64_t h;
};

struct tally {
	struct rec *r;
	size_t n, cap;
	size_t nev, nrej;
	size_t last_line;
	struct pbuf json;
};

static uint64_t fnv(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ull;
	return h;
}

static void push(struct tally *t, size_t line, bool event, uint64_t h)
{
	CHECK(line >= 1);
	CHECK(line >= t->last_line); /* records in file order */
	t->last_line = line;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->r = realloc(t->r, t->cap * sizeof(*t->r));
		CHECK(t->r != NULL);
	}
	t->r[t->n++] = (struct rec){ line, event, h };
}

static int on_event(void *ud, const struct feeds_event *ev)
{
	struct tally *t = ud;
	CHECK(ev->family == 4 || ev->family == 6);
	char txt[64];
	CHECK(ev->ip_text != NULL);
	CHECK(inet_ntop(ev->family == 4 ? AF_INET : AF_INET6, ev->ip, txt, sizeof(txt)));
	CHECK(strcmp(txt, ev->ip_text) == 0);
	CHECK(ev->port >= -1 && ev->port <= 65535);
	CHECK(ev->identifier != NULL && ev->feed != NULL);
	CHECK(ev->time_ms >= 0);
	/* the raw field is the line itself */
	CHECK(ev->raw != NULL && ev->raw_len > 0);
	for (size_t i = 0; i < ev->nvals; i++) {
		const struct feeds_value *v = &ev->vals[i];
		CHECK(v->key && v->key[0]);
		if (v->t == FEEDS_V_STR)
			CHECK(v->s && strlen(v->s) == v->n);
	}
	pbuf_reset(&t->json);
	CHECK(feeds_event_json(&t->json, ev) == 0);
	json_t *o = json_loadb(t->json.ptr, t->json.len, 0, NULL);
	CHECK(json_is_object(o));
	json_decref(o);
	push(t, ev->line, true, fnv(t->json.ptr, t->json.len));
	t->nev++;
	return 0;
}

static void on_reject(void *ud, size_t line, const char *reason)
{
	struct tally *t = ud;
	CHECK(reason && reason[0]);
	push(t, line, false, fnv(reason, strlen(reason)));
	t->nrej++;
}

struct result {
	struct tally t;
	struct feeds_counts c;
	int rc;
};

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

	CHECK(out->c.parsed + out->c.rejected == out->c.rows);
	CHECK((size_t)out->c.parsed == out->t.nev);
	CHECK((size_t)out->c.rejected == out->t.nrej);
	for (size_t i = 0; i < out->t.n; i++)
		CHECK(out->t.r[i].line > skip);
}

static void same(const struct result *a, const struct result *b)
{
	CHECK(a->rc == b->rc);
	CHECK(memcmp(&a->c, &b->c, sizeof(a->c)) == 0);
	CHECK(a->t.n == b->t.n);
	for (size_t i = 0; i < a->t.n; i++) {
		CHECK(a->t.r[i].line == b->t.r[i].line);
		CHECK(a->t.r[i].event == b->t.r[i].event);
		CHECK(a->t.r[i].h == b->t.r[i].h);
	}
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
		size_t k = 0;
		for (size_t i = 0; i < whole.t.n; i++) {
			if (whole.t.r[i].line <= skip)
				continue;
			CHECK(k < rest.t.n);
			CHECK(rest.t.r[k].line == whole.t.r[i].line);
			CHECK(rest.t.r[k].h == whole.t.r[i].h);
			k++;
		}
		CHECK(k == rest.t.n);
		free(rest.t.r);
	}
	free(whole.t.r);
	free(split.t.r);
	return 0;
}
