/*
** test_openapi.c — docs/openapi.yaml must describe exactly the route table.
**
** The API description is what peers and the web UI are written against, and
** it drifts silently: a route is added to src/http/routes.c and never
** documented, or a documented route is renamed. This test links the real
** table (http_routes[]) and compares it with the YAML (path from env
** OPENAPI_PATH) in both directions: every route except the web UI (/ and
** /ui/{file}) needs its path+method in the YAML, every path+method in the
** YAML needs its route, and a route is public (roles 0) exactly when its
** operation says `security: []`, so the document never tells a client a
** route needs no credentials when it does, or the reverse.
**
** No YAML library: the file keeps a fixed layout (paths as 2-space keys
** under a top-level `paths:`, methods as 4-space keys under their path), and
** a small line reader for that layout is enough and keeps the test free of
** dependencies. Negative cases prove the comparison can fail: the real YAML
** with its last path cut off, and with an undocumented operation added.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/http.h"

/* ------------------------------------------------------------ the reader */

#define MAX_OPS 256

struct op {
	char method[8]; /* upper case, as in the route table */
	char path[160];
	bool public_;   /* the operation has `security: []` */
};

struct oplist {
	struct op ops[MAX_OPS];
	size_t n;
};

static const char *const http_methods[] = {
	"get", "put", "post", "delete", "options", "head", "patch", "trace",
};

static size_t indent_of(const char *line, size_t len)
{
	size_t i = 0;
	while (i < len && line[i] == ' ')
		i++;
	return i;
}

/* The key of a "key:" line (nothing after the colon but spaces or a
** comment), quotes removed, into key; false for any other line. */
static bool key_only(const char *s, size_t len, char *key, size_t keysz)
{
	/* drop a trailing comment: " #" outside the key */
	for (size_t i = 1; i < len; i++)
		if (s[i] == '#' && s[i - 1] == ' ') {
			len = i;
			break;
		}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\r'))
		len--;
	if (len < 2 || s[len - 1] != ':')
		return false;
	len--;
	if (len >= 2 && (s[0] == '\'' || s[0] == '"') && s[len - 1] == s[0]) {
		s++;
		len -= 2;
	}
	if (len == 0 || len >= keysz)
		return false;
	memcpy(key, s, len);
	key[len] = '\0';
	return true;
}

/* Parse the operations under `paths:` from the YAML text. Returns 0, or -1
** with why filled in (no paths section, too many operations). */
static int read_ops(const char *yaml, struct oplist *out, char *why, size_t whysz)
{
	bool in_paths = false, seen_paths = false;
	char path[160] = "";
	struct op *cur = NULL; /* operation whose block we are in */
	out->n = 0;
	for (const char *p = yaml; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *line = p;
		p = nl ? nl + 1 : p + len;

		size_t ind = indent_of(line, len);
		const char *s = line + ind;
		size_t rest = len - ind;
		if (rest == 0 || s[0] == '#' || (rest == 1 && s[0] == '\r'))
			continue;
		char key[160];
		if (ind == 0) {
			in_paths = key_only(s, rest, key, sizeof(key)) && strcmp(key, "paths") == 0;
			seen_paths |= in_paths;
			path[0] = '\0';
			cur = NULL;
			continue;
		}
		if (!in_paths)
			continue;
		if (ind == 2) {
			cur = NULL;
			if (!key_only(s, rest, path, sizeof(path)))
				path[0] = '\0';
			continue;
		}
		if (ind == 4) {
			cur = NULL;
			if (!path[0] || !key_only(s, rest, key, sizeof(key)))
				continue;
			for (size_t m = 0; m < sizeof(http_methods) / sizeof(http_methods[0]); m++) {
				if (strcmp(key, http_methods[m]) != 0)
					continue;
				if (out->n == MAX_OPS) {
					snprintf(why, whysz, "more than %d operations", MAX_OPS);
					return -1;
				}
				cur = &out->ops[out->n++];
				memset(cur, 0, sizeof(*cur));
				for (size_t k = 0; key[k] && k + 1 < sizeof(cur->method); k++)
					cur->method[k] = (char)(key[k] - 'a' + 'A');
				snprintf(cur->path, sizeof(cur->path), "%s", path);
			}
			continue;
		}
		/* an operation's own `security: []` sits 6 spaces in */
		if (cur && ind == 6) {
			size_t l = rest;
			while (l && (s[l - 1] == ' ' || s[l - 1] == '\r'))
				l--;
			if (l == 12 && memcmp(s, "security: []", 12) == 0)
				cur->public_ = true;
		}
	}
	if (!seen_paths) {
		snprintf(why, whysz, "no top-level paths: section");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------- the comparison */

static bool ui_route(const struct route *r)
{
	return strcmp(r->pattern, "/") == 0 || strcmp(r->pattern, "/ui/{file}") == 0;
}

static void note(char *report, size_t sz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void note(char *report, size_t sz, const char *fmt, ...)
{
	size_t l = strlen(report);
	if (l + 1 >= sz)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(report + l, sz - l, fmt, ap);
	va_end(ap);
}

/* Compare the route table with the operations of yaml; returns the number
** of disagreements, each described on one line of report. */
static int compare(const char *yaml, char *report, size_t sz)
{
	static struct oplist doc; /* large: keep it off the stack */
	char why[128];
	int bad = 0;
	report[0] = '\0';
	if (read_ops(yaml, &doc, why, sizeof(why)) != 0) {
		note(report, sz, "cannot read the YAML: %s\n", why);
		return 1;
	}
	bool used[MAX_OPS] = { false };
	for (size_t i = 0; http_routes[i].pattern; i++) {
		const struct route *r = &http_routes[i];
		if (ui_route(r))
			continue;
		size_t k;
		for (k = 0; k < doc.n; k++)
			if (!used[k] && strcmp(doc.ops[k].method, r->method) == 0 &&
			    strcmp(doc.ops[k].path, r->pattern) == 0)
				break;
		if (k == doc.n) {
			note(report, sz, "%s %s (%s) is in the route table but not in the YAML\n",
			     r->method, r->pattern, r->summary);
			bad++;
			continue;
		}
		used[k] = true;
		bool is_public = r->roles == 0;
		if (doc.ops[k].public_ != is_public) {
			note(report, sz, "%s %s: the table says %s, the YAML %s\n", r->method,
			     r->pattern, is_public ? "public" : "authenticated",
			     doc.ops[k].public_ ? "security: []" : "no security: []");
			bad++;
		}
	}
	/* Unused operations are undocumented extras or duplicates. */
	for (size_t k = 0; k < doc.n; k++)
		if (!used[k]) {
			note(report, sz, "%s %s is in the YAML but not in the route table\n",
			     doc.ops[k].method, doc.ops[k].path);
			bad++;
		}
	return bad;
}

/* ---------------------------------------------------------------- tests */

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
		if (len + 1 == cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (buf)
		buf[len] = '\0';
	return buf;
}

static int load_yaml(void **state)
{
	const char *path = getenv("OPENAPI_PATH");
	if (!path || !path[0]) {
		fprintf(stderr, "test_openapi: set OPENAPI_PATH to docs/openapi.yaml\n");
		return -1;
	}
	char *text = read_all(path);
	if (!text) {
		fprintf(stderr, "test_openapi: cannot read %s\n", path);
		return -1;
	}
	*state = text;
	return 0;
}

static int free_yaml(void **state)
{
	free(*state);
	return 0;
}

static void test_yaml_matches_routes(void **state)
{
	char report[8192];
	int bad = compare(*state, report, sizeof(report));
	if (bad)
		fprintf(stderr, "docs/openapi.yaml disagrees with http_routes[]:\n%s", report);
	assert_int_equal(bad, 0);
}

/* The table itself must not list a method+path twice, or the second entry
** would be unreachable and the one-to-one comparison meaningless. */
static void test_route_table_unique(void **state)
{
	(void)state;
	assert_true(http_route_count() > 0);
	for (size_t i = 0; http_routes[i].pattern; i++)
		for (size_t j = i + 1; http_routes[j].pattern; j++)
			assert_false(strcmp(http_routes[i].method, http_routes[j].method) == 0 &&
				     strcmp(http_routes[i].pattern, http_routes[j].pattern) == 0);
}

/* Negative check: the YAML cut just before its last path key loses at least
** one operation, and the comparison must say so. */
static int compare_truncated(const char *yaml, char *report, size_t sz)
{
	const char *paths = strstr(yaml, "\npaths:");
	assert_non_null(paths);
	const char *last = NULL;
	for (const char *p = paths + 1; (p = strstr(p, "\n  /")) != NULL; p++)
		last = p;
	assert_non_null(last);
	size_t keep = (size_t)(last - yaml) + 1;
	char *cut = malloc(keep + 1);
	assert_non_null(cut);
	memcpy(cut, yaml, keep);
	cut[keep] = '\0';
	int bad = compare(cut, report, sz);
	free(cut);
	return bad;
}

static void test_truncated_yaml_fails(void **state)
{
	char report[8192];
	int bad = compare_truncated(*state, report, sizeof(report));
	assert_true(bad > 0);
	assert_non_null(strstr(report, "not in the YAML"));
}

/* Negative check the other way: an operation the table does not have. */
static void test_extra_operation_fails(void **state)
{
	const char *yaml = *state;
	const char *paths = strstr(yaml, "\npaths:\n");
	assert_non_null(paths);
	static const char extra[] = "  /api/v1/bogus:\n    put:\n      summary: x\n";
	size_t head = (size_t)(paths - yaml) + strlen("\npaths:\n");
	size_t n = strlen(yaml);
	char *doc = malloc(n + sizeof(extra));
	assert_non_null(doc);
	memcpy(doc, yaml, head);
	memcpy(doc + head, extra, sizeof(extra) - 1);
	memcpy(doc + head + sizeof(extra) - 1, yaml + head, n - head + 1);
	char report[8192];
	/* exactly one more disagreement than the real YAML has (none, when the
	** main test passes), so this case does not also fail for its reasons */
	int base = compare(yaml, report, sizeof(report));
	int bad = compare(doc, report, sizeof(report));
	free(doc);
	assert_int_equal(bad, base + 1);
	assert_non_null(strstr(report, "PUT /api/v1/bogus is in the YAML but not in the route table"));
}

/* The reader on its own: comments, quoted keys, path-level parameters,
** deeper keys named like methods, and sections after paths. */
static void test_reader(void **state)
{
	(void)state;
	static const char yaml[] =
		"openapi: 3.1.0\n"
		"paths:\n"
		"  # a comment\n"
		"  /a:   # trailing comment\n"
		"    parameters:\n"
		"      - name: get\n"
		"    get:\n"
		"      security: []\n"
		"      responses:\n"
		"        get:\n"
		"    delete:\n"
		"      summary: d\n"
		"\n"
		"  '/b/{id}':\r\n"
		"    post:\r\n"
		"components:\n"
		"  /c:\n"
		"    get:\n";
	static struct oplist l;
	char why[64];
	assert_int_equal(read_ops(yaml, &l, why, sizeof(why)), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.ops[0].method, "GET");
	assert_string_equal(l.ops[0].path, "/a");
	assert_true(l.ops[0].public_);
	assert_string_equal(l.ops[1].method, "DELETE");
	assert_false(l.ops[1].public_);
	assert_string_equal(l.ops[2].method, "POST");
	assert_string_equal(l.ops[2].path, "/b/{id}");
	assert_int_equal(read_ops("openapi: 3.1.0\n", &l, why, sizeof(why)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader),
		cmocka_unit_test(test_route_table_unique),
		cmocka_unit_test(test_yaml_matches_routes),
		cmocka_unit_test(test_truncated_yaml_fails),
		cmocka_unit_test(test_extra_operation_fails),
	};
	return cmocka_run_group_tests(tests, load_yaml, free_yaml);
}
