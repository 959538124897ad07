/*
** fuzz_watch.c -- libFuzzer target for the website watch's page analysis.
**
** Every body the monitor fetches comes from a server that may be hostile,
** and a defaced one is by definition. The input is used three ways:
**
**   1. as a page: watch_extract() must succeed (only a bad URL or memory
**      may fail it) and give sane features: text and title valid UTF-8 and
**      within their caps, hosts non-empty, valid UTF-8, lower-case, within
**      WATCH_HOST_MAX, sets within their caps, shingles sorted and distinct;
**   2. as a new page judged against a baseline learned once from a fixed,
**      realistic page: the verdict's score is within 0..100, the severity is
**      one of the five, every signal has a name, a weight in 1..100 and a
**      valid UTF-8 detail, and the JSON renders;
**   3. as one of two observations a baseline learns from, with the fixed
**      page judged against it: the floor stays within 0..WATCH_FLOOR_MAX;
**      that baseline packed and unpacked judges the same;
**   4. as a packed baseline (as read back from the store): refused, or
**      usable for a sane verdict.
** The page's text is also diffed against the fixed page's (evidence diff).
**
** The first byte also picks the page URL (four choices, so relative links
** resolve differently) and, with the rest, is a URL given to
** watch_url_host() directly. Seeds in fuzz/corpus/watch/ are plain HTML
** (their first byte, '<', picks the default URL). A broken check calls
** abort(); leaks are LeakSanitizer's; hangs are libFuzzer's -timeout.
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch/watch.h"

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "fuzz_watch: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                            \
			abort();                                                      \
		}                                                                     \
	} while (0)

static const char fixed_page[] =
	"<!DOCTYPE html><html lang=\"fa\" dir=\"rtl\"><head><meta charset=\"utf-8\">"
	"<title>Ministry of Roads</title>"
	"<script src=\"/js/site.js\"></script>"
	"<script src=\"https://stats.gov.example/t.js\"></script>"
	"<script>window.cfg = { token: \"abc\" };</script></head><body>"
	"<nav><a href=\"/\">Home</a><a href=\"/news\">News</a></nav>"
	"<h1>Ministry of Roads and Urban Development</h1>"
	"<p>The ministry builds and maintains the national road network.</p>"
	"<ul><li><a href=\"/news/1\">New highway section opened</a></li>"
	"<li><a href=\"/news/2\">Housing registration extended</a></li></ul>"
	"<iframe src=\"https://video.example/embed/1\" width=\"560\"></iframe>"
	"<form action=\"/login\" method=\"post\"><input name=\"u\"></form>"
	"<a href=\"https://www.president.example/\">President</a>"
	"<footer>Visits: 123456</footer></body></html>";

static const char *const urls[4] = { NULL, "https://www.site.example/", "site.example",
				     "http://[2001:db8::1]:8080/x" };

static struct watch_baseline fixed_base;
/* The fixed page's features under each URL, extracted once: the target's
** time should go to the input, not to re-reading the same page. */
static struct watch_features fixed_f[4];
static bool have_fixed;

static void check_host(const char *h)
{
	size_t n = strnlen(h, WATCH_HOST_MAX);
	CHECK(n > 0 && n < WATCH_HOST_MAX);
	CHECK(utf8_valid(h, n));
	for (size_t i = 0; i < n; i++)
		CHECK(!(h[i] >= 'A' && h[i] <= 'Z'));
}

static void check_set(const struct watch_set *s, bool hosts)
{
	CHECK(s->n <= s->max);
	for (uint32_t i = 0; i < s->n; i++) {
		if (hosts)
			check_host(s->v[i]);
		else
			CHECK(strlen(s->v[i]) == 64);
		for (uint32_t j = 0; j < i; j++)
			CHECK(strcmp(s->v[i], s->v[j]) != 0);
	}
}

static void check_features(const struct watch_features *f)
{
	CHECK(f->text != NULL);
	CHECK(f->text_len <= WATCH_TEXT_MAX);
	CHECK(strlen(f->text) == f->text_len);
	CHECK(utf8_valid(f->text, f->text_len));
	size_t tl = strnlen(f->title, sizeof(f->title));
	CHECK(tl < sizeof(f->title));
	CHECK(utf8_valid(f->title, tl));
	check_host(f->host);
	check_set(&f->script_hosts, true);
	check_set(&f->iframe_hosts, true);
	check_set(&f->hidden_iframe_hosts, true);
	check_set(&f->form_hosts, true);
	check_set(&f->link_hosts, true);
	check_set(&f->inline_hashes, false);
	if (f->refresh_host[0])
		check_host(f->refresh_host);
	if (f->js_host[0])
		check_host(f->js_host);
	CHECK(f->outbound_links <= f->links);
	for (size_t i = 1; i < f->nshingles; i++)
		CHECK(f->shingles[i - 1] < f->shingles[i]);
	CHECK((f->flags & ~0x3fu) == 0);
	/* references and blocks (issue 12): within caps, in the text, sane */
	CHECK(f->nrefs <= WATCH_REF_MAX);
	for (uint32_t i = 0; i < f->nrefs; i++) {
		const struct watch_ref *r = &f->refs[i];
		CHECK(r->kind < WATCH_REF_KINDS);
		if (r->host[0])
			check_host(r->host);
		size_t pl = strnlen(r->path, sizeof(r->path));
		CHECK(pl < sizeof(r->path));
		CHECK(utf8_valid(r->path, pl));
		CHECK(r->script <= f->inline_hashes.n);
		CHECK(r->script == 0 || (r->flags & WATCH_RF_FROM_JS));
	}
	CHECK(f->nblocks <= WATCH_BLOCK_MAX);
	for (uint32_t i = 0, end = 0; i < f->nblocks; i++) {
		const struct watch_block *b = &f->blocks[i];
		CHECK(b->off >= end);
		CHECK((size_t)b->off + b->len <= f->text_len);
		CHECK(utf8_valid(f->text + b->off, b->len));
		CHECK(memchr(b->tag, '\0', sizeof(b->tag)) != NULL);
		CHECK(b->len == 0 || f->text[b->off] != ' ');
		end = b->off + b->len;
	}
}

static void check_verdict(const struct watch_verdict *v)
{
	CHECK(v->score >= 0 && v->score <= 100);
	CHECK(v->nsig <= WATCH_SIGNALS_MAX);
	CHECK(v->severity != NULL);
	static const char *const sev[] = { "none", "low", "medium", "high", "critical" };
	bool known = false;
	for (int i = 0; i < 5; i++)
		known |= strcmp(v->severity, sev[i]) == 0;
	CHECK(known);
	CHECK((v->nsig == 0) == (strcmp(v->severity, "none") == 0));
	CHECK(v->similarity >= 0.0 && v->similarity <= 1.0);
	for (size_t i = 0; i < v->nsig; i++) {
		CHECK(v->sig[i].name[0] != '\0');
		CHECK(v->sig[i].weight >= 1 && v->sig[i].weight <= 100);
		size_t dl = strnlen(v->sig[i].detail, sizeof(v->sig[i].detail));
		CHECK(dl < sizeof(v->sig[i].detail));
		CHECK(utf8_valid(v->sig[i].detail, dl));
		if (i)
			CHECK(v->sig[i - 1].weight >= v->sig[i].weight);
	}
	json_t *j = watch_verdict_json(v);
	CHECK(j != NULL);
	char *s = json_dumps(j, JSON_COMPACT);
	CHECK(s != NULL);
	free(s);
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perr err;
	if (!have_fixed) {
		struct watch_features ff;
		CHECK(watch_extract(fixed_page, sizeof(fixed_page) - 1, urls[1], &ff, &err) == 0);
		CHECK(watch_learn(&ff, 1, &fixed_base, &err) == 0);
		watch_features_free(&ff);
		for (int i = 0; i < 4; i++)
			CHECK(watch_extract(fixed_page, sizeof(fixed_page) - 1, urls[i], &fixed_f[i],
					    &err) == 0);
		have_fixed = true;
	}
	if (size == 0)
		return 0;
	const char *url = urls[data[0] % 4];
	const char *body = (const char *)data;

	/* The raw bytes as a URL found in a page. */
	char host[WATCH_HOST_MAX];
	enum watch_url_kind k = watch_url_host(body, size, "site.example", host);
	if (k != WATCH_URL_BAD) {
		size_t hl = strnlen(host, WATCH_HOST_MAX);
		CHECK(hl > 0 && hl < WATCH_HOST_MAX && utf8_valid(host, hl));
	}

	/* 1 and 2: a page, judged against the fixed baseline. */
	struct watch_features f;
	CHECK(watch_extract(body, size, url, &f, &err) == 0);
	check_features(&f);
	struct watch_verdict v;
	watch_judge(&fixed_base, &f, NULL, &v);
	check_verdict(&v);
	/* the evidence diff against the fixed page's text stays in its buffer */
	struct pbuf d;
	pbuf_init(&d, 1 << 16);
	CHECK(watch_text_diff(fixed_f[0].text, fixed_f[0].text_len, f.text, f.text_len, &d, &err) == 0);
	CHECK(d.len <= (1 << 16));
	pbuf_free(&d);

	/* 3: an observation to learn from, the fixed page judged against it. */
	struct watch_features obs[2];
	memcpy(&obs[0], &f, sizeof(f));
	memcpy(&obs[1], &fixed_f[data[0] % 4], sizeof(f));
	struct watch_baseline b;
	CHECK(watch_learn(obs, 2, &b, &err) == 0);
	CHECK(b.floor >= 0.0 && b.floor <= WATCH_FLOOR_MAX);
	CHECK(b.min_pairwise >= 0.0 && b.min_pairwise <= 1.0);
	watch_judge(&b, &fixed_f[data[0] % 4], NULL, &v);
	check_verdict(&v);

	/* 4: the learned baseline packed and unpacked is the same baseline;
	** and the raw input as a packed baseline is refused or usable. */
	unsigned char *packed = NULL;
	size_t plen = 0;
	CHECK(watch_baseline_pack(&b, &packed, &plen, &err) == 0);
	struct watch_baseline back;
	CHECK(watch_baseline_unpack(packed, plen, &back, &err) == 0);
	struct watch_verdict v2;
	watch_judge(&back, &fixed_f[data[0] % 4], NULL, &v2);
	CHECK(v2.score == v.score && v2.nsig == v.nsig);
	watch_baseline_free(&back);
	free(packed);
	if (watch_baseline_unpack(data, size, &back, &err) == 0) {
		watch_judge(&back, &fixed_f[0], NULL, &v2);
		check_verdict(&v2);
		watch_baseline_free(&back);
	}
	watch_baseline_free(&b);
	watch_features_free(&f);
	return 0;
}
