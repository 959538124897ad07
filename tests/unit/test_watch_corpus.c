/*
** test_watch_corpus.c — accuracy of the website watch on the team's labelled
** corpus (tests/watch_corpus/, written by its gen.py; the path comes in
** WATCH_CORPUS).
**
** Each case directory holds new.html and `expect` (format at the top of
** gen.py: "benign CLASS" or "attack CLASS", "site NAME", "url URL", "own
** DOMAIN", "other DOMAIN ORG NAME"), and either its own base1.html.. or a
** `site` line naming the shared observations in site/NAME/base1.html...
** The own/other lines become the struct watch_context the monitor would
** pass (the organisation's domains, and domains of other organisations of
** the constituency). Every case goes through watch_analyze_pages(), the call
** behind `parapet watch analyze`, and its verdict through
** watch_verdict_json().
**
** What a user relies on is whether an incident opens: an alarm is a score
** >= ALERT_SCORE (30, src/monitor/state.c). An attack must reach it. A
** benign case must not, and must raise no signal at all: what the issue
** allows on a benign change is a recorded observation (v->obs, "third-party
** added: video, www.youtube-nocookie.com"), which never raises the score; a
** signal in v->sig below the alarm is not one (it raises the score and
** shows the site as suspicious), so it fails the case too and is counted
** apart from the false alarms. A benign case with old1.html.. (an accepted
** redesign) must also alarm against the old design, which is what makes
** re-learning the way to accept it. Every case runs (a failure does not stop
** the rest); each failure is printed with its verdict, then the counts per
** class and the totals, which the closing note quotes.
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
#define ALARM 30        /* src/monitor/state.c ALERT_SCORE: an incident opens */
#define CTX_MAX 16      /* own / other lines per case */
#define CLASSES_MAX 256

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

static void print_verdict(const char *what, const struct watch_verdict *v)
{
	json_t *j = watch_verdict_json(v);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	printf("    %s: %s\n", what, s ? s : "(no JSON)");
	free(s);
	json_decref(j);
}

/* Per class: cases, right answers (attack detected / benign without
** alarm); benign cases that carried sub-alarm signals are counted apart. */
struct cls {
	char name[64];
	bool attack;
	int cases, right, noisy;
};

struct tally {
	struct cls cls[CLASSES_MAX];
	size_t ncls;
	int benign, clean, noisy, attacks, detected, unseen, broken;
};

static struct cls *class_of(struct tally *t, const char *name, bool attack)
{
	for (size_t i = 0; i < t->ncls; i++)
		if (t->cls[i].attack == attack && strcmp(t->cls[i].name, name) == 0)
			return &t->cls[i];
	assert_true(t->ncls < CLASSES_MAX);
	struct cls *c = &t->cls[t->ncls++];
	memset(c, 0, sizeof(*c));
	assert_int_equal(pstrlcpy(c->name, name, sizeof(c->name)), 0);
	c->attack = attack;
	return c;
}

/* What one expect file says. The strings point into buf (the file). */
struct expect {
	bool attack, have_kind;
	const char *cls, *site, *url;
	const char *own[CTX_MAX];
	struct watch_owner others[CTX_MAX];
	size_t nown, nothers;
};

/* Parse buf (NUL-terminated, modified in place); false on a malformed file. */
static bool parse_expect(char *buf, struct expect *e)
{
	memset(e, 0, sizeof(*e));
	e->url = "site.example";
	for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *arg = strchr(line, ' ');
		if (!arg)
			return false;
		*arg++ = '\0';
		if (strcmp(line, "benign") == 0 || strcmp(line, "attack") == 0) {
			e->attack = line[0] == 'a';
			e->have_kind = true;
			e->cls = arg;
		} else if (strcmp(line, "site") == 0) {
			e->site = arg;
		} else if (strcmp(line, "url") == 0) {
			e->url = arg;
		} else if (strcmp(line, "own") == 0) {
			if (e->nown == CTX_MAX)
				return false;
			e->own[e->nown++] = arg;
		} else if (strcmp(line, "other") == 0) {
			char *org = strchr(arg, ' ');
			if (!org || e->nothers == CTX_MAX)
				return false;
			*org++ = '\0';
			e->others[e->nothers].domain = arg;
			e->others[e->nothers].org = org;
			e->nothers++;
		} else {
			return false;
		}
	}
	return e->have_kind;
}

/* Run one case; counts into t and prints a line per case (with the verdict
** when it is wrong). Never stops the run. */
static void run_case(const char *root, const char *kind, const char *name, struct tally *t)
{
	char dir[768], path[1024];
	snprintf(dir, sizeof(dir), "%s/%s/%s", root, kind, name);
	snprintf(path, sizeof(path), "%s/expect", dir);
	size_t elen;
	char *ebuf = slurp(path, &elen);
	struct expect e;
	struct watch_page base[PAGES_MAX], old[PAGES_MAX], now = { NULL, 0 };
	size_t nbase = 0, nold = 0;
	char *body = NULL;
	if (!ebuf || !parse_expect(ebuf, &e) || e.attack != (strcmp(kind, "attack") == 0)) {
		printf("  %s/%s: missing or malformed expect file\n", kind, name);
		t->broken++;
		goto out;
	}
	struct cls *c = class_of(t, e.cls, e.attack);
	struct watch_context ctx = { e.own, e.nown, e.others, e.nothers };

	nbase = load_pages(dir, "base", base);
	nold = load_pages(dir, "old", old);
	if (nbase == 0 && e.site) {
		char site[1024];
		snprintf(site, sizeof(site), "%s/site/%s", root, e.site);
		nbase = load_pages(site, "base", base);
	}
	snprintf(path, sizeof(path), "%s/new.html", dir);
	body = slurp(path, &now.len);
	now.body = body;
	struct watch_verdict v;
	struct perr err;
	perr_clear(&err);
	if (nbase == 0 || !body) {
		printf("  %s/%s: missing base*.html or new.html\n", kind, name);
		t->broken++;
		goto out;
	}
	if (watch_analyze_pages(base, nbase, &now, e.url, &ctx, &v, &err) != 0) {
		printf("  %s/%s: analysis failed: %s\n", kind, name, err.msg);
		t->broken++;
		goto out;
	}
	json_t *j = watch_verdict_json(&v);
	if (!j || !json_is_integer(json_object_get(j, "score")) ||
	    !json_is_string(json_object_get(j, "severity")) || v.score < 0 || v.score > 100) {
		printf("  %s/%s: verdict JSON incomplete or score out of range\n", kind, name);
		t->broken++;
	}
	/* every signal opens an incident of a known kind */
	for (size_t i = 0; i < v.nsig; i++)
		if (!watch_signal_kind(v.sig[i].name)) {
			printf("  %s/%s: signal %s has no incident kind\n", kind, name, v.sig[i].name);
			t->broken++;
		}
	json_decref(j);
	c->cases++;

	if (!e.attack) {
		t->benign++;
		bool no_alarm = v.score < ALARM;
		bool noisy = no_alarm && v.nsig > 0;
		t->clean += no_alarm && !noisy;
		t->noisy += noisy;
		c->right += no_alarm;
		c->noisy += noisy;
		printf("  benign %-50s %s score %d, %zu signal(s), %zu observation(s)\n", name,
		       !no_alarm ? "FALSE ALARM" : noisy ? "SIGNAL BELOW ALARM" : "clean", v.score,
		       v.nsig, v.nobs);
		if (!no_alarm || noisy)
			print_verdict("verdict", &v);
		if (nold) {
			struct watch_verdict ov;
			if (watch_analyze_pages(old, nold, &now, e.url, &ctx, &ov, &err) != 0 ||
			    ov.score < ALARM) {
				printf("    against the old design: NO ALARM (the redesign went unseen)\n");
				t->unseen++;
			} else {
				printf("    against the old design: %s, score %d (re-learning accepts it)\n",
				       ov.nsig ? ov.sig[0].name : "?", ov.score);
			}
		}
	} else {
		t->attacks++;
		bool ok = v.score >= ALARM;
		t->detected += ok;
		c->right += ok;
		printf("  attack %-50s %s score %d, %s%s\n", name, ok ? "detected" : "MISSED", v.score,
		       v.severity, v.nsig ? "" : ", no signal");
		if (!ok)
			print_verdict("verdict", &v);
	}
out:
	free(ebuf);
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
	static struct tally t;
	memset(&t, 0, sizeof(t));
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

	printf("\nwatch corpus per class (an alarm is a score >= %d):\n", ALARM);
	for (int a = 0; a < 2; a++) {
		for (size_t i = 0; i < t.ncls; i++) {
			const struct cls *c = &t.cls[i];
			if (c->attack != (a == 1))
				continue;
			if (c->attack)
				printf("  attack %-40s %3d cases, %3d detected, %3d missed\n", c->name,
				       c->cases, c->right, c->cases - c->right);
			else
				printf("  benign %-40s %3d cases, %3d false alarms, %3d with signals below the alarm\n",
				       c->name, c->cases, c->cases - c->right, c->noisy);
		}
	}
	printf("watch corpus: benign %d cases, %d false alarms (%.1f%%), %d more with signals below the alarm;"
	       " attacks %d cases, %d detected (%.1f%%), %d missed; %d redesigns unseen; %d broken cases\n",
	       t.benign, t.benign - t.clean - t.noisy,
	       t.benign ? 100.0 * (t.benign - t.clean - t.noisy) / t.benign : 0.0,
	       t.noisy, t.attacks, t.detected, t.attacks ? 100.0 * t.detected / t.attacks : 0.0,
	       t.attacks - t.detected, t.unseen, t.broken);
	fflush(stdout);
	assert_true(t.benign >= 150);
	assert_true(t.attacks >= 100);
	assert_int_equal(t.broken, 0);
	assert_int_equal(t.unseen, 0);
	assert_int_equal(t.noisy, 0);
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
