/*
** test_watch_corpus.c — accuracy of the website watch on the labelled corpus
** (tests/watch_corpus/, written by its gen.py; the path comes in
** WATCH_CORPUS).
**
** Each case directory holds new.html, `expect` ("benign" or "attack
** SIGNAL", and "url URL") and, when it does not learn from the site's usual
** pages in site/base1.html.., its own base1.html... Every
** case goes through watch_analyze_pages(), the call behind `parapet watch
** analyze`, and its verdict through watch_verdict_json(). The test demands
** zero false alarms (not a single signal on a benign case) and every attack
** detected with its expected signal; a benign case with old1.html.. (a
** redesign) must also alarm against the old design, which is what makes
** re-learning the way to accept it. The closing line gives the counts.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch/watch.h"

#define PAGES_MAX 16

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct pbuf b;
	pbuf_init(&b, (size_t)WATCH_BODY_MAX + 1);
	char chunk[8192];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (pbuf_add(&b, chunk, got) != 0)
			break;
	fclose(f);
	*len = b.len;
	return pbuf_take(&b);
}

/* Load prefix1.html, prefix2.html, ... into pages; returns how many. */
static size_t load_pages(const char *dir, const char *prefix, struct watch_page *pages)
{
	size_t n = 0;
	for (; n < PAGES_MAX; n++) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s%zu.html", dir, prefix, n + 1);
		size_t len;
		char *body = slurp(path, &len);
		if (!body)
			break;
		pages[n].body = body;
		pages[n].len = len;
	}
	return n;
}

static void free_pages(struct watch_page *pages, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)pages[i].body);
}

static void print_signals(const char *what, const struct watch_verdict *v)
{
	json_t *j = watch_verdict_json(v);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	printf("    %s: %s\n", what, s ? s : "(no JSON)");
	free(s);
	json_decref(j);
}

static bool has_signal(const struct watch_verdict *v, const char *name)
{
	for (size_t i = 0; i < v->nsig; i++)
		if (strcmp(v->sig[i].name, name) == 0)
			return true;
	return false;
}

struct tally {
	int benign, clean, attacks, detected, failures;
};

/* Run one case; counts into t and prints a line per case. */
static void run_case(const char *root, const char *kind, const char *name, struct tally *t)
{
	char dir[768], path[1024];
	snprintf(dir, sizeof(dir), "%s/%s/%s", root, kind, name);
	snprintf(path, sizeof(path), "%s/expect", dir);
	size_t elen;
	char *expect = slurp(path, &elen);
	if (!expect) {
		printf("  %s/%s: no expect file\n", kind, name);
		t->failures++;
		return;
	}
	char want[64] = "", url[256] = "site.example";
	bool attack = false;
	for (char *save = NULL, *line = strtok_r(expect, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "attack ", 7) == 0) {
			attack = true;
			assert_int_equal(pstrlcpy(want, line + 7, sizeof(want)), 0);
		} else if (strncmp(line, "url ", 4) == 0) {
			assert_int_equal(pstrlcpy(url, line + 4, sizeof(url)), 0);
		}
	}
	free(expect);

	struct watch_page base[PAGES_MAX], old[PAGES_MAX], now = { NULL, 0 };
	size_t nbase = load_pages(dir, "base", base), nold = load_pages(dir, "old", old);
	if (nbase == 0) {
		/* most cases learn from the site's usual pages, kept once */
		char site[800];
		snprintf(site, sizeof(site), "%s/site", root);
		nbase = load_pages(site, "base", base);
	}
	snprintf(path, sizeof(path), "%s/new.html", dir);
	char *body = slurp(path, &now.len);
	now.body = body;
	struct watch_verdict v;
	struct perr err;
	perr_clear(&err);
	if (nbase == 0 || !body) {
		printf("  %s/%s: missing base*.html or new.html\n", kind, name);
		t->failures++;
		goto out;
	}
	if (watch_analyze_pages(base, nbase, &now, url, NULL, &v, &err) != 0) {
		printf("  %s/%s: analysis failed: %s\n", kind, name, err.msg);
		t->failures++;
		goto out;
	}
	json_t *j = watch_verdict_json(&v);
	if (!j || !json_is_integer(json_object_get(j, "score")) ||
	    !json_is_string(json_object_get(j, "severity"))) {
		printf("  %s/%s: verdict JSON incomplete\n", kind, name);
		t->failures++;
	}
	json_decref(j);
	if (v.score < 0 || v.score > 100)
		t->failures++;

	if (!attack) {
		t->benign++;
		bool ok = v.nsig == 0 && strcmp(v.severity, "none") == 0;
		t->clean += ok;
		printf("  benign %-30s %s (similarity %.3f, floor %.3f)\n", name,
		       ok ? "clean" : "FALSE ALARM", v.similarity, v.floor);
		if (!ok) {
			print_signals("verdict", &v);
			t->failures++;
		}
		if (nold) {
			struct watch_verdict ov;
			if (watch_analyze_pages(old, nold, &now, url, NULL, &ov, &err) != 0 || ov.nsig == 0) {
				printf("    against the old design: no alarm (the redesign went unseen)\n");
				t->failures++;
			} else {
				printf("    against the old design: %s, score %d (re-learning accepts it)\n",
				       ov.sig[0].name, ov.score);
			}
		}
	} else {
		t->attacks++;
		bool ok = has_signal(&v, want);
		t->detected += ok;
		printf("  attack %-30s %s %s, score %d, %s\n", name, ok ? "detected" : "MISSED", want,
		       v.score, v.severity);
		if (!ok) {
			print_signals("verdict", &v);
			t->failures++;
		}
	}
out:
	free(body);
	free_pages(base, nbase);
	free_pages(old, nold);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void corpus(void **state)
{
	(void)state;
	const char *root = getenv("WATCH_CORPUS");
	if (!root || !root[0])
		fail_msg("WATCH_CORPUS is not set (tests/meson.build passes it)");
	struct tally t = { 0 };
	const char *kinds[2] = { "benign", "attack" };
	for (int k = 0; k < 2; k++) {
		char dir[768];
		snprintf(dir, sizeof(dir), "%s/%s", root, kinds[k]);
		struct dirent **ents;
		int n = scandir(dir, &ents, NULL, by_name);
		if (n < 0)
			fail_msg("cannot list %s", dir);
		for (int i = 0; i < n; i++) {
			if (ents[i]->d_name[0] != '.')
				run_case(root, kinds[k], ents[i]->d_name, &t);
			free(ents[i]);
		}
		free(ents);
	}
	printf("watch corpus: benign %d/%d clean, attacks %d/%d detected\n", t.clean, t.benign,
	       t.detected, t.attacks);
	assert_true(t.benign >= 7);
	assert_true(t.attacks >= 8);
	assert_int_equal(t.failures, 0);
	assert_int_equal(t.clean, t.benign);
	assert_int_equal(t.detected, t.attacks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
