/*
** test_advisory_target.c — targeting through the real binary: product
** assets in the CPE form imported from a constituency CSV (and a bad one
** refused with its field), `advisory preview` (the JSON scripts rely on and
** the table for people), `advisory exclude --reason` and `advisory
** include`. The advisory itself is made by `advisory add` (another part of
** issue 14): until that is merged, the preview half skips.
*/
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char *dir;

static const char constituency[] =
	"organisation,province,sector,parent,kind,value,name,email,phone,role,lang,pgp\n"
	"Tehran Telecom,Tehran,telecom,,product,\"cpe:2.3:o:mikrotik:routeros:6.40.8:*:*:*:*:*:*:* "
	"count=12 hosts=10.7.0.1,10.7.0.2\",,,,,,\n"
	"Fars Power,Fars,energy,,product,MikroTik RouterOS 6.48.6,,,,,,\n"
	"Fars Power,,,,product,acme gateway 2,,,,,,\n"
	"Gilan Ports,Gilan,transport,,product,mikrotik routeros 6.41,,,,,,\n";

static const char advisory[] =
	"{\"title\": {\"en\": \"MikroTik RouterOS Winbox file read\"}, \"tlp\": \"GREEN\","
	" \"cves\": [\"CVE-2018-14847\"],"
	" \"products\": [{\"cpe\": \"cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*\","
	" \"end\": \"6.42.1\", \"end_incl\": false}]}";

static int setup(void **state)
{
	(void)state;
	dir = h_tmpdir("advisory-target");
	h_migrate(dir);
	struct h_proc p;
	h_cli(&p, dir, constituency, "import", "constituency", "-", NULL);
	if (p.status != 0)
		fail_msg("constituency import: %s", p.err);
	h_proc_free(&p);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_rmdir(dir);
	return 0;
}

static int64_t org_id(const char *name)
{
	struct h_proc p;
	h_cli(&p, dir, NULL, "--json", "org", "list", "--search", name, NULL);
	if (p.status != 0)
		fail_msg("org list: %s", p.err);
	json_t *j = json_loads(p.out, 0, NULL);
	assert_non_null(j);
	json_t *items = json_is_array(j) ? j : json_object_get(j, "items");
	int64_t id = json_integer_value(json_object_get(json_array_get(items, 0), "id"));
	json_decref(j);
	h_proc_free(&p);
	assert_true(id > 0);
	return id;
}

/* The CPE form is stored canonical; a bad one is refused naming the field. */
static void product_assets(void **state)
{
	(void)state;
	struct h_proc p;
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)org_id("Gilan Ports"));
	h_cli(&p, dir, NULL, "asset", "add", id, "product",
	      "CPE:2.3:O:MikroTik:RouterOS:6.41:*:*:*:*:*:*:*  hosts=10.9.0.1", NULL);
	assert_int_equal(p.status, 0);
	h_expect_contains(p.out, "cpe:2.3:o:mikrotik:routeros:6.41:*:*:*:*:*:*:* hosts=10.9.0.1",
			  __FILE__, __LINE__);
	h_proc_free(&p);
	h_cli(&p, dir, NULL, "--json", "asset", "add", id, "product",
	      "cpe:2.3:o:mikrotik:routeros:*:*:*:*:*:*:*:*", NULL);
	assert_true(p.status != 0);
	h_expect_contains(p.err, "\"value\"", __FILE__, __LINE__);
	h_expect_contains(p.err, "version", __FILE__, __LINE__);
	h_proc_free(&p);
}

static json_t *preview_json(const char *aid)
{
	struct h_proc p;
	h_cli(&p, dir, NULL, "--json", "advisory", "preview", aid, NULL);
	if (p.status != 0)
		fail_msg("preview: exit %d: %s", p.status, p.err);
	json_error_t je;
	json_t *j = json_loads(p.out, 0, &je);
	if (!j)
		fail_msg("preview is not JSON (%s): %s", je.text, p.out);
	h_proc_free(&p);
	return j;
}

static json_t *target_named(json_t *j, const char *name)
{
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(j, "targets"), i, t)
	{
		if (strcmp(h_jstr(json_object_get(t, "org"), "name"), name) == 0)
			return t;
	}
	return NULL;
}

static void preview_exclude_include(void **state)
{
	(void)state;
	struct h_proc p;
	h_cli(&p, dir, advisory, "advisory", "add", "-", NULL);
	/* not built yet: the stub says so, or the command is not in the table
	** (the group's usage lists the advisory commands there are) */
	bool absent = p.status == 64 && strstr(p.err, "advisory commands:") &&
		      !strstr(p.err, "  advisory add ");
	if (p.status != 0 && (absent || strstr(p.err, "not built yet"))) {
		h_proc_free(&p);
		skip(); /* advisory add is another part of issue 14 */
	}
	if (p.status != 0)
		fail_msg("advisory add: %s", p.err);
	char aid[24];
	snprintf(aid, sizeof(aid), "%lld", (long long)strtoll(p.out, NULL, 10));
	h_proc_free(&p);

	/* RouterOS before 6.42.1: the telecom's 6.40.8 (12 declared) and Gilan's
	** 6.41 (free text); Fars's 6.48.6 is past the end */
	json_t *j = preview_json(aid);
	assert_int_equal(json_array_size(json_object_get(j, "targets")), 2);
	json_t *tel = target_named(j, "Tehran Telecom");
	assert_non_null(tel);
	assert_true(json_integer_value(json_object_get(json_object_get(tel, "org"), "id")) > 0);
	assert_int_equal(h_jint(tel, "hosts"), 12);
	assert_true(json_array_size(json_object_get(tel, "why")) >= 1);
	assert_non_null(target_named(j, "Gilan Ports"));
	assert_null(target_named(j, "Fars Power"));
	/* Fars's "acme gateway 2" names no product: for an analyst */
	assert_int_equal(h_jint(j, "unmapped_total"), 1);
	json_decref(j);

	char tid[24];
	snprintf(tid, sizeof(tid), "%lld", (long long)org_id("Tehran Telecom"));
	h_cli(&p, dir, NULL, "advisory", "exclude", aid, tid, NULL);
	assert_int_equal(p.status, 64); /* --reason is required */
	h_proc_free(&p);
	h_cli(&p, dir, NULL, "advisory", "exclude", aid, tid, "--reason", "routers replaced", NULL);
	assert_int_equal(p.status, 0);
	h_proc_free(&p);
	j = preview_json(aid);
	tel = target_named(j, "Tehran Telecom");
	assert_string_equal(h_jstr(json_object_get(tel, "excluded"), "reason"), "routers replaced");
	assert_int_equal(h_jint(j, "total"), 1);
	json_decref(j);
	h_cli(&p, dir, NULL, "advisory", "preview", aid, NULL);
	assert_int_equal(p.status, 0);
	h_expect_contains(p.out, "EXCLUDED (routers replaced)", __FILE__, __LINE__);
	h_expect_contains(p.out, "acme gateway 2", __FILE__, __LINE__);
	h_proc_free(&p);

	h_cli(&p, dir, NULL, "advisory", "include", aid, tid, NULL);
	assert_int_equal(p.status, 0);
	h_proc_free(&p);
	h_cli(&p, dir, NULL, "advisory", "include", aid, tid, NULL);
	assert_true(p.status != 0); /* not excluded any more */
	h_proc_free(&p);
	j = preview_json(aid);
	assert_null(json_object_get(target_named(j, "Tehran Telecom"), "excluded"));
	assert_int_equal(h_jint(j, "total"), 2);
	json_decref(j);
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(product_assets),
		cmocka_unit_test(preview_exclude_include),
	};
	return cmocka_run_group_tests_name("advisory_target", tests, setup, teardown);
}
