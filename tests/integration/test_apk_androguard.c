/*
** test_apk_androguard.c — Parapet's reading of AndroidManifest.xml (src/apk/
** axml.c) against the real tools: Debian's aapt writes the binary XML,
** androguard (Debian's, the tool CERT analysts use today) reads it, and the
** two readings must agree field by field.
**
** Debian ships no android.jar (the android-sdk-platform packages left the
** archive), and aapt needs one to give android: attributes their resource
** ids. The group setup therefore builds a small framework package with aapt
** itself (`aapt package -x`, package id 0x01) from tests/data/axml/fw,
** whose public.xml pins each attribute to the id of Android's own
** public.xml (the ids the platform and androguard know), then every sample
** under tests/data/axml/samples is packaged against it with
** `aapt package -I fw.jar`. tests/data/axml/androguard_view.py prints
** androguard's reading as JSON and extracts the binary manifest.
**
** Compared per sample: package, version code and name, min/target/max SDK,
** requested permissions (as a set: androguard keeps a set), the application
** label (a reference as its id), each component's kind, resolved class
** name, exported flag, permission, intent-filter actions and categories.
** The JSON dump of the whole document must parse and name the root.
** The full sample is also read with its attribute names emptied, as
** obfuscators ship manifests, against androguard's reading of the original.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "apk/apk.h"

static struct {
	char dir[64];
	char data[512];
} T;

/* Run argv; 0 when it exits 0. stdout goes to out_path when not NULL. */
static int run(char *const argv[], const char *out_path)
{
	pid_t pid = fork();
	int st;
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (out_path) {
			FILE *f = freopen(out_path, "w", stdout);
			if (!f)
				_exit(126);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int setup(void **state)
{
	const char *d = getenv("AXML_DATA");
	char man[600], res[600], jar[128];
	(void)state;
	if (!d)
		d = "tests/data/axml";
	snprintf(T.data, sizeof(T.data), "%s", d);
	snprintf(T.dir, sizeof(T.dir), "/tmp/parapet_axml_XXXXXX");
	if (!mkdtemp(T.dir))
		return -1;
	snprintf(man, sizeof(man), "%s/fw/AndroidManifest.xml", T.data);
	snprintf(res, sizeof(res), "%s/fw/res", T.data);
	snprintf(jar, sizeof(jar), "%s/fw.jar", T.dir);
	char *argv[] = { "/usr/bin/aapt", "package", "-f", "-x", "-M", man, "-S", res, "-F", jar, NULL };
	if (run(argv, "/dev/null") != 0) {
		fprintf(stderr, "aapt could not build the framework package\n");
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	char *argv[] = { "/bin/rm", "-rf", T.dir, NULL };
	(void)state;
	return run(argv, NULL);
}

/* a and b hold the same strings, order aside (androguard keeps sets). */
static void same_set(const char *what, json_t *theirs, const struct axml_strv *ours)
{
	size_t n = json_array_size(theirs);
	if (n != ours->n)
		fail_msg("%s: androguard has %zu, Parapet %zu", what, n, ours->n);
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(theirs, i));
		bool found = false;
		for (size_t j = 0; j < ours->n && !found; j++)
			found = !strcmp(s, ours->v[j]);
		if (!found)
			fail_msg("%s: androguard's %s missing from Parapet's", what, s);
	}
}

static void same_str(const char *what, json_t *o, const char *key, const char *ours)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s || strcmp(s, ours))
		fail_msg("%s: androguard '%s', Parapet '%s'", what, s ? s : "(none)", ours);
}

/* A reference as text: ours "@0x7f020001", androguard's "@7F020001". */
static void same_ref(const char *what, const char *theirs, const char *ours)
{
	unsigned long a, b;
	if (theirs[0] != '@' || ours[0] != '@')
		fail_msg("%s: androguard '%s', Parapet '%s' (a reference)", what, theirs, ours);
	a = strtoul(theirs + 1, NULL, 16);
	b = strtoul(ours + 1, NULL, 16);
	if (a != b || !a)
		fail_msg("%s: androguard '%s', Parapet '%s'", what, theirs, ours);
}

/* Build sample name with aapt and compare. strip: Parapet reads the
** manifest with its attribute names emptied (androguard_view.py strip),
** and must still give androguard's reading of the original. */
static void check_sample(const char *name, bool strip)
{
	char man[600], res[600], apk[128], bin[128], view[128], script[600];
	struct stat st;
	struct axml_manifest m;
	struct perr err = { 0 };
	struct pbuf raw, dump;
	json_error_t jerr;
	json_t *ag, *comps, *d;
	const char *s;

	snprintf(man, sizeof(man), "%s/samples/%s/AndroidManifest.xml", T.data, name);
	snprintf(res, sizeof(res), "%s/samples/%s/res", T.data, name);
	snprintf(apk, sizeof(apk), "%s/%s.apk", T.dir, name);
	snprintf(bin, sizeof(bin), "%s/%s.axml", T.dir, name);
	snprintf(view, sizeof(view), "%s/%s.json", T.dir, name);
	snprintf(script, sizeof(script), "%s/androguard_view.py", T.data);
	char fw[128];
	snprintf(fw, sizeof(fw), "%s/fw.jar", T.dir);
	{
		char *with_res[] = { "/usr/bin/aapt", "package", "-f", "-M", man, "-S", res,
				     "-I", fw, "-F", apk, NULL };
		char *no_res[] = { "/usr/bin/aapt", "package", "-f", "-M", man, "-I", fw, "-F", apk, NULL };
		assert_int_equal(run(stat(res, &st) == 0 ? with_res : no_res, "/dev/null"), 0);
	}
	{
		char *argv[] = { "/usr/bin/python3", script, apk, bin, strip ? "strip" : NULL, NULL };
		assert_int_equal(run(argv, view), 0);
	}
	ag = json_load_file(view, 0, &jerr);
	if (!ag)
		fail_msg("androguard's view of %s: %s", name, jerr.text);
	if (core_file_read(bin, 1 << 20, &raw, &err) != 0)
		fail_msg("%s: %s", bin, err.msg);
	if (axml_manifest_parse(raw.ptr, raw.len, NULL, &m, &err) != 0)
		fail_msg("%s: Parapet refused aapt's manifest: %s", name, err.msg);

	same_str("package", ag, "package", m.package);
	same_str("version_code", ag, "version_code", m.version_code);
	s = json_string_value(json_object_get(ag, "version_name"));
	if (s && s[0] == '@')
		same_ref("version_name", s, m.version_name);
	else
		same_str("version_name", ag, "version_name", m.version_name);
	same_str("min_sdk", ag, "min_sdk", m.min_sdk);
	same_str("target_sdk", ag, "target_sdk", m.target_sdk);
	same_str("max_sdk", ag, "max_sdk", m.max_sdk);
	same_set("permissions", json_object_get(ag, "permissions"), &m.permissions);
	s = json_string_value(json_object_get(ag, "label"));
	assert_non_null(s);
	if (s[0] == '@') {
		assert_true(m.label_is_ref);
		same_ref("label", s, m.label);
	} else {
		assert_false(m.label_is_ref);
		same_str("label", ag, "label", m.label);
	}

	comps = json_object_get(ag, "components");
	if (json_array_size(comps) != m.ncomps)
		fail_msg("%s: androguard has %zu components, Parapet %zu", name,
			 json_array_size(comps), m.ncomps);
	for (size_t i = 0; i < m.ncomps; i++) {
		const struct axml_component *c = &m.comps[i];
		json_t *o = NULL, *e;
		size_t k;
		/* androguard lists components by kind: find ours by kind + name */
		json_array_foreach(comps, k, e) {
			if (!strcmp(json_string_value(json_object_get(e, "kind")), c->kind) &&
			    !strcmp(json_string_value(json_object_get(e, "name")), c->name))
				o = e;
		}
		if (!o)
			fail_msg("%s: Parapet's %s %s is not androguard's", name, c->kind, c->name);
		e = json_object_get(o, "exported");
		if (json_is_null(e))
			assert_int_equal(c->exported, -1);
		else
			assert_int_equal(c->exported, json_is_true(e) ? 1 : 0);
		same_str("permission", o, "permission", c->permission);
		same_set("actions", json_object_get(o, "actions"), &c->actions);
		same_set("categories", json_object_get(o, "categories"), &c->categories);
	}

	/* the facts and the whole document dump as JSON that parses */
	pbuf_init(&dump, 0);
	assert_int_equal(axml_manifest_json(&m, &dump), 0);
	d = json_loads(pbuf_cstr(&dump), 0, &jerr);
	if (!d)
		fail_msg("manifest JSON of %s: %s", name, jerr.text);
	assert_string_equal(json_string_value(json_object_get(d, "package")), m.package);
	json_decref(d);
	pbuf_reset(&dump);
	if (axml_dump_json(raw.ptr, raw.len, NULL, &dump, &err) != 0)
		fail_msg("dump of %s: %s", name, err.msg);
	/* the stripped manifest really has no name for android:versionCode */
	if (strip && !strstr(pbuf_cstr(&dump), "\"name\":\"\",\"res_id\":16843291,"))
		fail_msg("%s: the attribute names were not stripped", name);
	d = json_loads(pbuf_cstr(&dump), 0, &jerr);
	if (!d)
		fail_msg("document JSON of %s: %s", name, jerr.text);
	assert_string_equal(json_string_value(json_object_get(json_object_get(d, "root"), "name")),
			    "manifest");
	json_decref(d);

	pbuf_free(&dump);
	pbuf_free(&raw);
	axml_manifest_free(&m);
	json_decref(ag);
}

/* Six permissions, two activities (one with two filters), a service with
** a permission, a boot/SMS receiver, a provider, a declared permission. */
static void full_sample(void **state)
{
	(void)state;
	check_sample("full", false);
}

/* The full sample with every attribute name string emptied, as packers
** ship it: only the resource map names the attributes. */
static void full_sample_names_stripped(void **state)
{
	(void)state;
	check_sample("full", true);
}

/* Label and version name as @string references, names without a dot, a
** Persian label, max SDK, an accessibility service, exported unset. */
static void refs_sample(void **state)
{
	(void)state;
	check_sample("refs", false);
}

/* No uses-sdk, no permission, no label: every absent field empty in both. */
static void minimal_sample(void **state)
{
	(void)state;
	check_sample("minimal", false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_sample),
		cmocka_unit_test(full_sample_names_stripped),
		cmocka_unit_test(refs_sample),
		cmocka_unit_test(minimal_sample),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
