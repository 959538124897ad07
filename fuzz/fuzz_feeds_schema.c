/*
** fuzz_feeds_schema.c -- libFuzzer target for the schema compiler
** (src/feeds/schema.c) and for the parser running what it compiled.
**
** A schema is data the operator installs from outside (Shadowserver's newer
** report_schema, a partner's mapping), so feeds_schema_parse() must refuse
** anything malformed with a message and never crash or leak. The input is
** the schema document. When it loads:
**
**   - every type has a file name and a feed name, and feeds_schema_find()
**     finds a type of that file name; feeds_schema_detect() on a
**     Shadowserver-style file name built from it finds a type whose file
**     name is at least as long;
**   - a small CSV whose header is exactly the first type's columns (quoted
**     as needed, in its separator) and whose rows take values from a fixed
**     list of likely and unlikely cells is parsed: the header must be
**     accepted unless a column cannot survive a CSV header (a leading or
**     trailing blank, a BOM, more columns or bytes than the limits), the
**     counts must add up, every event must render as a JSON object.
**
** The compiled form is read through src/feeds/internal.h (the column names
** are not in the public API). A broken promise calls abort().
**
** Seeds in fuzz/corpus/feeds_schema/ are the schema files of
** tests/data/feeds/ and the shipped data/feeds/shadowserver.json.
*/
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds/internal.h"

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_feeds_schema: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                                 \
			abort();                                                           \
		}                                                                          \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const cells[] = {
	"2026-11-27 03:12:45",
	"10.20.4.1",
	"23",
	"",
	"2001:db8:20::17",
	"MikroTik v6.49.7 (long-term)",
	"CVE-2020-1234;cve-2021-12345, cve-x",
	"/index.php",
	"http://a.example/b",
	"1.5e3",
	"yes",
	"0",
	"a\"b,c;d\te",
	"line\nbreak",
	"2026-02-29",
	"gw1.MOF.example.",
	"10.20.0.0/16",
	"-1",
	"99999999999999999999",
	"\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85",
};
#define NCELLS (sizeof(cells) / sizeof(cells[0]))

static void add_cell(struct pbuf *b, const char *s, char sep)
{
	bool q = strchr(s, '"') || strchr(s, sep) || strchr(s, '\n') || strchr(s, '\r') ||
		 s[0] == ' ' || s[0] == '\t';
	if (!q) {
		CHECK(pbuf_adds(b, s) == 0);
		return;
	}
	CHECK(pbuf_add(b, "\"", 1) == 0);
	for (; *s; s++) {
		if (*s == '"')
			CHECK(pbuf_add(b, "\"", 1) == 0);
		CHECK(pbuf_add(b, s, 1) == 0);
	}
	CHECK(pbuf_add(b, "\"", 1) == 0);
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct tally {
	bool has_ip; /* the type has a required source.ip */
	size_t nev, nrej;
	struct pbuf json;
};

static int on_event(void *ud, const struct feeds_event *ev)
{
	struct tally *t = ud;
	/* a type without a required source.ip may give events without one */
	CHECK(ev->family == 4 || ev->family == 6 || (!t->has_ip && ev->family == 0));
	CHECK(ev->identifier != NULL);
	CHECK(ev->port >= -1 && ev->port <= 65535);
	pbuf_reset(&t->json);
	CHECK(feeds_event_json(&t->json, ev) == 0);
	json_t *o = json_loadb(t->json.ptr, t->json.len, 0, NULL);
	CHECK(json_is_object(o));
	json_decref(o);
	t->nev++;
	return 0;
}

static void on_reject(void *ud, size_t line, const char *reason)
{
	struct tally *t = ud;
	CHECK(line >= 2);
	CHECK(reason && reason[0]);
	t->nrej++;
}

static void run_csv(const struct feeds_type *t, uint64_t seed)
{
	struct pbuf b;
	pbuf_init(&b, 0);
	bool readable = t->nmap >= 1 && t->nmap <= 256;
	int64_t rows = 0; /* rows that are not blank lines (which CSV skips) */
	for (size_t i = 0; i < t->nmap; i++) {
		const char *c = t->map[i].column;
		size_t n = strlen(c);
		if (blank(c[0]) || blank(c[n - 1]) || (i == 0 && strncmp(c, "\xef\xbb\xbf", 3) == 0))
			readable = false;
		if (i)
			CHECK(pbuf_add(&b, &t->sep, 1) == 0);
		add_cell(&b, c, t->sep);
	}
	CHECK(pbuf_add(&b, "\n", 1) == 0);
	if (b.len > 60000)
		readable = false;
	for (size_t row = 0; row < 6; row++) {
		for (size_t i = 0; i < t->nmap; i++) {
			if (i)
				CHECK(pbuf_add(&b, &t->sep, 1) == 0);
			/* time and IP columns get likely values most of the time */
			size_t k = (size_t)((seed >> ((row * 7 + i) % 60)) + row * 31 + i * 17) % NCELLS;
			if (t->map[i].slot == SLOT_TIME && row % 3)
				k = 0;
			if (t->map[i].slot == SLOT_IP && row % 3)
				k = row % 2 ? 1 : 4;
			add_cell(&b, cells[k], t->sep);
			if (t->nmap > 1 || cells[k][0])
				rows += i == 0;
		}
		CHECK(pbuf_add(&b, row == 5 ? "\r\n" : "\n", row == 5 ? 2 : 1) == 0);
	}

	struct tally tl = { 0 };
	for (size_t i = 0; i < t->nmap; i++)
		tl.has_ip |= t->map[i].slot == SLOT_IP && t->map[i].required &&
			     t->map[i].conv == CONV_IP;
	pbuf_init(&tl.json, 0);
	struct feeds_parser *p = feeds_parser_new(t, NULL, on_event, on_reject, &tl);
	CHECK(p != NULL);
	int rc = feeds_parser_feed(p, b.ptr, b.len);
	if (rc == 0)
		rc = feeds_parser_finish(p);
	if (readable && rc != 0) {
		fprintf(stderr, "fuzz_feeds_schema: a file with exactly the columns of %s is "
				"refused: %s\n",
			t->key, feeds_parser_error(p));
		abort();
	}
	CHECK(rc == 0 || rc == -1);
	struct feeds_counts c;
	feeds_parser_counts(p, &c);
	CHECK(c.parsed + c.rejected == c.rows);
	CHECK((size_t)c.parsed == tl.nev && (size_t)c.rejected == tl.nrej);
	if (rc == 0)
		CHECK(c.rows == rows);
	feeds_parser_free(p);
	pbuf_free(&tl.json);
	pbuf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feeds_schema *s = NULL;
	struct perr e = { 0 };
	if (feeds_schema_parse((const char *)data, size, &s, &e) != 0) {
		CHECK(s == NULL);
		CHECK(e.msg[0] != '\0');
		return 0;
	}
	CHECK(s != NULL);
	size_t n = feeds_schema_count(s);
	CHECK(n >= 1);
	CHECK(feeds_schema_at(s, n) == NULL);
	for (size_t i = 0; i < n && i < 64; i++) {
		const struct feeds_type *t = feeds_schema_at(s, i);
		CHECK(t != NULL);
		const char *name = feeds_type_name(t);
		CHECK(name != NULL && feeds_type_feed_name(t) != NULL);
		CHECK(feeds_type_format(t) == FEEDS_CSV);
		const struct feeds_type *f = feeds_schema_find(s, name);
		CHECK(f != NULL && strcmp(feeds_type_name(f), name) == 0);
		if (name[0] && strlen(name) < 200 && !strchr(name, '/')) {
			char fname[256];
			snprintf(fname, sizeof(fname), "2026-11-27-%s-ir-geo.csv", name);
			const struct feeds_type *d = feeds_schema_detect(s, fname);
			CHECK(d != NULL && strlen(feeds_type_name(d)) >= strlen(name));
		}
	}
	uint64_t seed = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 0x100000001b3ull;
	run_csv(feeds_schema_at(s, 0), seed);
	feeds_schema_free(s);
	return 0;
}
