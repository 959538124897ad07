/*
** feeds_fuzz.h -- what the report-parser fuzz targets (fuzz_feeds_csv.c,
** fuzz_feeds_jsonl.c) share: the CHECK that aborts on a broken promise, the
** record of what the callbacks saw, the invariants every event must keep
** whatever its format, and the comparisons between runs (whole against
** split, whole against resumed). Each target keeps only what is its own:
** its input layout, its schema and the promises of its format (a CSV
** header line, a JSON Lines raw line).
**
** Include once, after defining FUZZ_NAME (the target's name, for messages).
** The functions are static: each target is one translation unit.
*/
#ifndef PARAPET_FEEDS_FUZZ_H
#define PARAPET_FEEDS_FUZZ_H

#include <arpa/inet.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds/feeds.h"

#ifndef FUZZ_NAME
#error "define FUZZ_NAME before including feeds_fuzz.h"
#endif

#define CHECK(cond)                                                                      \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, FUZZ_NAME ": check failed: %s (line %d)\n", #cond, \
				__LINE__);                                               \
			abort();                                                         \
		}                                                                        \
	} while (0)

/* One record as the callbacks saw it. */
struct rec {
	size_t line;
	bool event;
	uint64_t h; /* hash of the event JSON or the reject reason */
};

struct tally {
	struct rec *r;
	size_t n, cap;
	size_t nev, nrej;
	size_t last_line;
	struct pbuf json;
};

/* One parse: what the callbacks saw, the counts, the return value and the
** parser's error text ("" when it has none). */
struct result {
	struct tally t;
	struct feeds_counts c;
	int rc;
	char error[300];
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
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->r = realloc(t->r, t->cap * sizeof(*t->r));
		CHECK(t->r != NULL);
	}
	t->r[t->n++] = (struct rec){ line, event, h };
}

/* The promises every event keeps in any format: an IP of family 4 or 6
** whose text matches its bytes (or none, family 0, for a type whose address
** is optional), a port in range or -1, an identifier and a
** feed, a time, the raw record, well-formed values, and JSON that jansson
** reads back as an object. Then the event is recorded (by its JSON). */
static void check_event(struct tally *t, const struct feeds_event *ev)
{
	/* a type whose address is optional leaves it out: family 0, no text */
	CHECK(ev->family == 4 || ev->family == 6 || (ev->family == 0 && !ev->ip_text));
	if (ev->family) {
		CHECK(ev->ip_text != NULL);
		char txt[64];
		CHECK(inet_ntop(ev->family == 4 ? AF_INET : AF_INET6, ev->ip, txt, sizeof(txt)));
		CHECK(strcmp(txt, ev->ip_text) == 0);
	}
	CHECK(ev->port >= -1 && ev->port <= 65535);
	CHECK(ev->identifier != NULL && ev->feed != NULL);
	CHECK(ev->time_ms >= 0);
	CHECK(ev->raw != NULL);
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
}

/* A reject has a line and a reason; recorded by the reason. */
static void check_reject(struct tally *t, size_t line, const char *reason)
{
	CHECK(reason && reason[0]);
	CHECK(line >= 1);
	push(t, line, false, fnv(reason, strlen(reason)));
	t->nrej++;
}

/* The counts add up, match the callbacks, and nothing at or before the
** resume line was delivered. */
static void check_counts(const struct result *out, size_t skip)
{
	CHECK(out->c.parsed + out->c.rejected == out->c.rows);
	CHECK((size_t)out->c.parsed == out->t.nev);
	CHECK((size_t)out->c.rejected == out->t.nrej);
	for (size_t i = 0; i < out->t.n; i++)
		CHECK(out->t.r[i].line > skip);
}

/* Two runs over the same bytes agree exactly. */
static void same(const struct result *a, const struct result *b)
{
	CHECK(a->rc == b->rc);
	CHECK(strcmp(a->error, b->error) == 0);
	CHECK(memcmp(&a->c, &b->c, sizeof(a->c)) == 0);
	CHECK(a->t.n == b->t.n);
	for (size_t i = 0; i < a->t.n; i++) {
		CHECK(a->t.r[i].line == b->t.r[i].line);
		CHECK(a->t.r[i].event == b->t.r[i].event);
		CHECK(a->t.r[i].h == b->t.r[i].h);
	}
}

/* Resuming after line skip gives the whole run's tail: the same records in
** the same order (a record is skipped by the line it starts on). */
static void same_tail(const struct result *whole, const struct result *rest, size_t skip)
{
	size_t k = 0;
	for (size_t i = 0; i < whole->t.n; i++) {
		if (whole->t.r[i].line <= skip)
			continue;
		CHECK(k < rest->t.n);
		CHECK(rest->t.r[k].line == whole->t.r[i].line);
		CHECK(rest->t.r[k].event == whole->t.r[i].event);
		CHECK(rest->t.r[k].h == whole->t.r[i].h);
		k++;
	}
	CHECK(k == rest->t.n);
}

#endif
