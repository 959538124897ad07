/*
** test_advisory.c — the advisory record and CSAF 2.0 through the real
** binary: `parapet advisory import` reads Cisco's Smart Install advisory
** (the OASIS example, tests/data/csaf/) and prints the new id alone, as
** scripts rely on; `advisory export` writes CSAF 2.0 that the OASIS schema
** accepts (tests/data/csaf/validate.py, offline, Debian's
** python3-jsonschema); `add`, `update`, `show --version/--history` and
** `list` keep versions with what changed; invalid documents are refused
** with the field named and change nothing.
*/
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dir;

static const char *csaf_dir(void)
{
	const char *d = getenv("CSAF_DATA");
	return d ? d : "tests/data/csaf";
}

static char *data_path(const char *name)
{
	char *p = malloc(1024);
	snprintf(p, 1024, "%s/%s", csaf_dir(), name);
	return p;
}

/* Run the CLI; fail unless it exits want. */
static void cli(struct h_proc *p, int want, const char *stdin_data, const char *const *args)
{
	if (h_cliv(p, dir, stdin_data, args) != 0)
		fail_msg("could not run parapet %s", args[0]);
	if (p->status != want)
		fail_msg("parapet %s %s: exit %d (want %d): %s", args[0], args[1], p->status, want,
			 p->err);
}

static long parse_id_line(const char *out)
{
	char *end;
	long id = strtol(out, &end, 10);
	if (id <= 0 || strcmp(end, "\n") != 0)
		fail_msg("not an id alone on a line: '%s'", out);
	return id;
}

/* Validate file with the OASIS schema; fail with its report unless valid. */
static void validate(const char *file)
{
	char *script = data_path("validate.py");
	const char *argv[] = { "python3", script, file, NULL };
	struct h_proc p;
	if (h_run(&p, NULL, NULL, argv) != 0)
		fail_msg("could not run python3");
	if (p.status != 0 || !strstr(p.out, ": valid"))
		fail_msg("%s is not valid CSAF 2.0 (exit %d):\n%s%s", file, p.status, p.out, p.err);
	h_proc_free(&p);
	free(script);
}

static int setup(void **state)
{
	(void)state;
	dir = h_tmpdir("advisory");
	h_migrate(dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_rmdir(dir);
	return 0;
}

static void cisco_import_export_validates(void **state)
{
	(void)state;
	struct h_proc p;
	char *cisco = data_path("cisco-sa-20180328-smi2.json");
	/* the fixture itself is what the schema accepts (the validator works
	** both ways: it refuses an export below when it is not) */
	validate(cisco);
	char *broken = h_write_file(dir, "broken.json",
				    "{\"document\": {\"category\": \"csaf_security_advisory\"}}");
	const char *argv[] = { "python3", NULL, broken, NULL };
	char *script = data_path("validate.py");
	argv[1] = script;
	if (h_run(&p, NULL, NULL, argv) != 0)
		fail_msg("could not run python3");
	assert_int_not_equal(p.status, 0);
	h_proc_free(&p);
	free(script);
	free(broken);
	/* the contract: the new id, alone */
	cli(&p, 0, NULL, (const char *const[]){ "advisory", "import", cisco, NULL });
	long id = parse_id_line(p.out);
	h_proc_free(&p);
	char ids[32];
	snprintf(ids, sizeof(ids), "%ld", id);

	/* what came in: the CVE, the score, IOS and IOS XE with the exposure */
	cli(&p, 0, NULL, (const char *const[]){ "advisory", "show", ids, NULL });
	json_t *a = json_loads(p.out, 0, NULL);
	h_proc_free(&p);
	assert_non_null(a);
	assert_string_equal(json_string_value(json_array_get(json_object_get(a, "cves"), 0)),
			    "CVE-2018-0171");
	assert_string_equal(json_string_value(json_object_get(a, "severity")), "critical");
	json_t *prods = json_object_get(a, "products");
	assert_int_equal(json_array_size(prods), 259);
	size_t i;
	json_t *pr;
	json_array_foreach(prods, i, pr)
		assert_string_equal(json_string_value(json_object_get(pr, "exposure")),
				    "cisco-smart-install");
	json_decref(a);

	/* out as CSAF 2.0, on stdout alone, valid against the OASIS schema */
	cli(&p, 0, NULL, (const char *const[]){ "advisory", "export", ids, NULL });
	assert_string_equal(p.err, "");
	json_t *c = json_loads(p.out, 0, NULL);
	assert_non_null(c);
	assert_string_equal(json_string_value(json_object_get(json_object_get(c, "document"),
							      "category")),
			    "csaf_security_advisory");
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(json_object_get(c, "document"), "tracking"), "id")),
		"cisco-sa-20180328-smi2");
	json_decref(c);
	char *out = h_write_file(dir, "cisco-export.json", p.out);
	h_proc_free(&p);
	validate(out);

	/* the export is itself importable; the vendor's ref is taken already */
	cli(&p, EX_DATAERR, NULL, (const char *const[]){ "advisory", "import", out, NULL });
	assert_non_null(strstr(p.err, "ref"));
	h_proc_free(&p);
	free(out);
	free(cisco);

	/* the other OASIS examples: in, out, valid */
	const char *more[] = { "bsi-2022-0001.json", "rhsa-2021_5186.json",
			       "rhsa-2022_0011.json" };
	for (size_t k = 0; k < 3; k++) {
		char *f = data_path(more[k]);
		cli(&p, 0, NULL, (const char *const[]){ "--json", "advisory", "import", f, NULL });
		json_t *j = json_loads(p.out, 0, NULL);
		h_proc_free(&p);
		assert_true(json_is_integer(json_object_get(j, "id")));
		char n[32];
		snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(json_object_get(j, "id")));
		json_decref(j);
		cli(&p, 0, NULL, (const char *const[]){ "advisory", "export", n, NULL });
		char name[64];
		snprintf(name, sizeof(name), "export-%zu.json", k);
		char *o = h_write_file(dir, name, p.out);
		h_proc_free(&p);
		validate(o);
		free(o);
		free(f);
	}
	/* a missing advisory exports nothing */
	cli(&p, EX_NOINPUT, NULL, (const char *const[]){ "advisory", "export", "9999", NULL });
	assert_string_equal(p.out, "");
	h_proc_free(&p);
}

static void add_update_versions(void **state)
{
	(void)state;
	struct h_proc p;
	const char *doc =
		"{\"title\": {\"en\": \"MikroTik RouterOS Winbox\"}, \"cves\": [\"CVE-2018-14847\"],"
		" \"cvss\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\", \"tlp\": \"GREEN\","
		" \"products\": [{\"cpe\": \"cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*\","
		" \"end\": \"6.42.1\"}], \"deadline\": \"2026-12-20\"}";
	cli(&p, 0, doc, (const char *const[]){ "advisory", "add", "-", NULL });
	long id = parse_id_line(p.out);
	h_proc_free(&p);
	char ids[32];
	snprintf(ids, sizeof(ids), "%ld", id);

	/* an invalid document is refused with the field named */
	const char *bad = "{\"title\": {\"en\": \"x\"}, \"products\": [{\"cpe\": "
			  "\"cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*\", \"start\": \"6.43\", "
			  "\"end\": \"6.42.1\"}]}";
	cli(&p, EX_DATAERR, bad, (const char *const[]){ "advisory", "add", "-", NULL });
	assert_non_null(strstr(p.err, "products[0].start"));
	h_proc_free(&p);
	char *badf = h_write_file(dir, "bad.json", bad);
	cli(&p, EX_DATAERR, NULL, (const char *const[]){ "advisory", "update", ids, badf, NULL });
	h_proc_free(&p);
	free(badf);

	/* an update is a new version, with what changed */
	char newdoc[1024];
	snprintf(newdoc, sizeof(newdoc), "%s", doc);
	char *dl = strstr(newdoc, "2026-12-20");
	memcpy(dl, "2026-12-27", 10);
	char *f = h_write_file(dir, "v2.json", newdoc);
	cli(&p, 0, NULL, (const char *const[]){ "advisory", "update", ids, f, NULL });
	h_proc_free(&p);
	cli(&p, 0, NULL,
	    (const char *const[]){ "advisory", "update", ids, f, "--changes", "same again", NULL });
	h_proc_free(&p);
	free(f);
	cli(&p, 0, NULL, (const char *const[]){ "advisory", "show", ids, "--history", NULL });
	json_t *h = json_loads(p.out, 0, NULL);
	h_proc_free(&p);
	/* the same document again made no version */
	assert_int_equal(json_array_size(h), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(h, 0), "changes")),
			    "deadline: 2026-12-20T00:00:00Z -> 2026-12-27T00:00:00Z");
	json_decref(h);
	cli(&p, 0, NULL, (const char *const[]){ "advisory", "show", ids, "--version", "1", NULL });
	json_t *v1 = json_loads(p.out, 0, NULL);
	h_proc_free(&p);
	assert_string_equal(json_string_value(json_object_get(v1, "deadline")),
			    "2026-12-20T00:00:00Z");
	json_decref(v1);

	/* listed, found by CVE */
	cli(&p, 0, NULL,
	    (const char *const[]){ "--json", "advisory", "list", "--q", "CVE-2018-14847", NULL });
	json_t *l = json_loads(p.out, 0, NULL);
	h_proc_free(&p);
	json_t *items = json_object_get(l, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "version")),
			 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "tlp")),
			    "GREEN");
	json_decref(l);
	/* and exported as CSAF too */
	cli(&p, 0, NULL, (const char *const[]){ "advisory", "export", ids, NULL });
	char *o = h_write_file(dir, "ours.json", p.out);
	h_proc_free(&p);
	validate(o);
	free(o);
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(cisco_import_export_validates, setup, teardown),
		cmocka_unit_test_setup_teardown(add_update_versions, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
