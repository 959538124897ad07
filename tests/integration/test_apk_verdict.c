/*
** test_apk_verdict.c — `parapet apk analyze` (the real binary) against
** androguard, the tool CERT analysts use today, on every sample
** tests/data/apk/mkapks.py builds with Debian's aapt and apksigner (v1,
** v2, v3, two signers, a UTF-8 author; three manifests; one or two dex):
** package, version code and name, min/target SDK, permissions,
** components, signer certificate SHA-256s, the file's SHA-256/SHA-1/MD5
** and size, each dex's SHA-256, compared field by field with androguard's
** reading (NAME.verdict.json, written by mkapks.py).
**
** Then the bad input an app sent to a CERT may be: a zip bomb (one entry
** and a whole archive over the budget), a truncated download, bytes that
** are no APK at all, two AndroidManifest.xml entries (the "Master Key"
** trick); each must give a clear error and never a crash. YARA rules
** (when the binary has libyara) match the dex of a sample. `apk diff`
** tells a repackaged app (another signer) from an update.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct {
	char *dir;
	char *data;
} T;

static int group_setup(void **state)
{
	const char *script = getenv("APK_MKAPKS");
	(void)state;
	T.dir = h_tmpdir("apkv");
	T.data = h_tmpdir("apkd");
	const char *argv[] = { "/usr/bin/python3", script ? script : "tests/data/apk/mkapks.py",
			       T.dir, NULL };
	struct h_proc p;
	if (h_run(&p, NULL, NULL, argv) != 0 || p.status != 0) {
		fprintf(stderr, "mkapks.py failed: %s\n", p.err ? p.err : "");
		h_proc_free(&p);
		return -1;
	}
	h_proc_free(&p);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	h_rmdir(T.dir);
	h_rmdir(T.data);
	return 0;
}

/* `parapet apk analyze PATH [extra]`: the verdict (NULL when none was
** printed) and the exit code. */
static json_t *analyze(const char *path, const char *extra, const char *extra2, int *status,
		       char **err_text)
{
	struct h_proc p;
	json_t *v;
	if (h_cli(&p, T.data, NULL, "apk", "analyze", path, extra, extra2, NULL) != 0)
		fail_msg("parapet did not start");
	*status = p.status;
	v = json_loads(p.out, 0, NULL);
	if (err_text)
		*err_text = strdup(p.err ? p.err : "");
	h_proc_free(&p);
	return v;
}

static void same_str(const char *apk, const char *what, json_t *ag, json_t *ours)
{
	const char *a = h_jstr(ag, what), *o = h_jstr(ours, what);
	/* a resource reference: androguard "@7F020001", Parapet "@0x7f020001" */
	if (a && o && a[0] == '@' && o[0] == '@' && strtoul(a + 1, NULL, 16) &&
	    strtoul(a + 1, NULL, 16) == strtoul(o + 1, NULL, 16))
		return;
	if (!a || !o || strcmp(a, o))
		fail_msg("%s: %s: androguard '%s', Parapet '%s'", apk, what, a ? a : "(none)",
			 o ? o : "(none)");
}

/* Every string of the array theirs is in ours and the sizes agree. */
static void same_set(const char *apk, const char *what, json_t *theirs, json_t *ours,
		     const char *member)
{
	size_t i, j;
	json_t *x, *y;
	if (json_array_size(theirs) != json_array_size(ours))
		fail_msg("%s: %s: androguard has %zu, Parapet %zu", apk, what,
			 json_array_size(theirs), json_array_size(ours));
	json_array_foreach(theirs, i, x)
	{
		bool found = false;
		json_array_foreach(ours, j, y)
		{
			json_t *s = member ? json_object_get(y, member) : y;
			if (json_is_string(s) && !strcmp(json_string_value(s), json_string_value(x)))
				found = true;
		}
		if (!found)
			fail_msg("%s: %s: androguard's %s missing from Parapet's", apk, what,
				 json_string_value(x));
	}
}

/* DIR/NAME.verdict.json in a static buffer (androguard's reading). */
static const char *h_fmt_keep(const char *dir, const char *name)
{
	static char buf[2][512];
	static int k;
	k ^= 1;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s.verdict.json", dir, name);
	return buf[k];
}

static void compare(const char *name)
{
	char *apk = h_fmt("%s/%s.apk", T.dir, name);
	char *ref = h_fmt("%s/%s.verdict.json", T.dir, name);
	json_error_t jerr;
	json_t *ag = json_load_file(ref, 0, &jerr), *v, *comps;
	int status;
	if (!ag)
		fail_msg("%s: %s", ref, jerr.text);
	v = analyze(apk, NULL, NULL, &status, NULL);
	assert_non_null(v);
	assert_int_equal(status, 0);
	if (json_array_size(json_object_get(v, "errors")))
		fail_msg("%s: errors in a well-formed app: %s", name,
			 json_dumps(json_object_get(v, "errors"), 0));
	same_str(name, "package", ag, v);
	same_str(name, "version_code", ag, v);
	same_str(name, "version_name", ag, v);
	same_str(name, "min_sdk", ag, v);
	same_str(name, "target_sdk", ag, v);
	same_str(name, "sha256", ag, v);
	same_str(name, "sha1", ag, v);
	same_str(name, "md5", ag, v);
	assert_int_equal(h_jint(ag, "size"), h_jint(v, "size"));
	same_set(name, "permissions", json_object_get(ag, "permissions"),
		 json_object_get(v, "permissions"), NULL);
	same_set(name, "signers", json_object_get(ag, "signers"), json_object_get(v, "signers"),
		 "sha256");
	/* components per kind, resolved class names */
	comps = json_object_get(v, "components");
	static const char *const kinds[][2] = { { "activities", "activity" },
						{ "services", "service" },
						{ "receivers", "receiver" },
						{ "providers", "provider" } };
	for (size_t k = 0; k < 4; k++) {
		json_t *ours = json_array(), *c;
		size_t i;
		json_array_foreach(comps, i, c)
		{
			if (!strcmp(h_jstr(c, "kind"), kinds[k][1]))
				json_array_append(ours, json_object_get(c, "name"));
		}
		same_set(name, kinds[k][0], json_object_get(ag, kinds[k][0]), ours, NULL);
		json_decref(ours);
	}
	/* dex hashes: the same names, the same SHA-256 of what is inside */
	json_t *agdex = json_object_get(ag, "dex"), *dex = json_object_get(v, "dex"), *d;
	size_t i;
	assert_int_equal(json_object_size(agdex), json_array_size(dex));
	json_array_foreach(dex, i, d)
	{
		const char *want = json_string_value(json_object_get(agdex, h_jstr(d, "name")));
		if (!want || strcmp(want, h_jstr(d, "sha256")))
			fail_msg("%s: %s: androguard %s, Parapet %s", name, h_jstr(d, "name"),
				 want ? want : "(none)", h_jstr(d, "sha256"));
	}
	/* the author comes from the first signer's certificate subject (CN and
	** O, mkapks.py's keys): an escaped comma and a Persian name kept */
	const char *author = !strcmp(name, "v2only") ? "Bob Signer (Zweite GmbH)"
			     : !strcmp(name, "utf8")
				     ? "Dev, Inc. (\u0634\u0631\u06a9\u062a \u0646\u0645\u0648\u0646\u0647)"
				     : "Alice Dev (Test Org)";
	if (strcmp(h_jstr(v, "author"), author))
		fail_msg("%s: author '%s', expected '%s'", name, h_jstr(v, "author"), author);
	json_decref(ag);
	json_decref(v);
	free(apk);
	free(ref);
}

static void matches_androguard(void **state)
{
	static const char *const names[] = { "v1only", "v2only", "v3only", "all", "two", "utf8" };
	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		compare(names[i]);
}

/* The candidates of the sample dex: canonical, deduplicated across the two
** dex files, the reserved addresses held by a warninglist. */
static void candidates(void **state)
{
	int status;
	char *apk = h_fmt("%s/all.apk", T.dir);
	json_t *v = analyze(apk, NULL, NULL, &status, NULL), *c;
	size_t i;
	bool c2 = false, rfc1918 = false, tg = false;
	(void)state;
	assert_non_null(v);
	json_array_foreach(json_object_get(v, "candidates"), i, c)
	{
		const char *val = h_jstr(c, "value");
		if (!strcmp(val, "https://evil-c2.example.ir/gate.php?id=1")) {
			c2 = true;
			assert_string_equal(h_jstr(c, "type"), "url");
			assert_int_equal(json_array_size(json_object_get(c, "warninglists")), 0);
		}
		if (!strcmp(val, "10.20.30.40"))
			rfc1918 = json_array_size(json_object_get(c, "warninglists")) > 0;
		if (!strcmp(val, "api.telegram.org"))
			tg = json_array_size(json_object_get(c, "dex")) == 2;
		assert_true(strcmp(val, "com.example.app") && strcmp(val, "libnative.so"));
	}
	assert_true(c2);
	assert_true(rfc1918);
	assert_true(tg);
	json_decref(v);
	free(apk);
}

/* Python's zipfile writes the hostile archives (it allows duplicate names
** and deflates zeros at ~1000:1). */
static void python(const char *code)
{
	struct h_proc p;
	const char *argv[] = { "/usr/bin/python3", "-c", code, T.dir, NULL };
	if (h_run(&p, NULL, NULL, argv) != 0 || p.status != 0)
		fail_msg("python: %s", p.err ? p.err : "");
	h_proc_free(&p);
}

static bool has_error(json_t *v, const char *needle)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(v, "errors"), i, e)
	{
		if (strstr(h_jstr(e, "message"), needle))
			return true;
	}
	return false;
}

static void zip_bomb(void **state)
{
	int status;
	(void)state;
	python("import sys, zipfile\n"
	       "d = sys.argv[1]\n"
	       "src = zipfile.ZipFile(d + '/all.apk')\n"
	       "with zipfile.ZipFile(d + '/bomb.apk', 'w', zipfile.ZIP_DEFLATED) as z:\n"
	       "    for n in src.namelist():\n"
	       "        z.writestr(n, src.read(n))\n"
	       "    z.writestr('assets/zeros.bin', bytes(20 << 20))\n");
	char *apk = h_fmt("%s/bomb.apk", T.dir);
	/* one entry inflating ~1000:1: named, not read, the rest still triaged */
	json_t *v = analyze(apk, NULL, NULL, &status, NULL);
	assert_non_null(v);
	assert_int_equal(status, 0);
	assert_string_equal(h_jstr(v, "package"), "ir.example.flashlight");
	assert_true(has_error(v, "assets/zeros.bin: zip bomb"));
	json_decref(v);
	/* over the whole budget: refused before anything is inflated */
	struct h_proc p;
	const char *env[] = { "PARAPET_APK_MAX_UNCOMPRESSED=1048576", NULL };
	const char *argv[] = { h_bin(), "--data", T.data, "apk", "analyze", apk, NULL };
	assert_int_equal(h_run(&p, NULL, env, argv), 0);
	assert_int_equal(p.status, 65);
	v = json_loads(p.out, 0, NULL);
	assert_non_null(v);
	assert_true(has_error(v, "zip bomb: the entries declare"));
	/* the hashes are still there: the file can be blocked by hash */
	assert_int_equal(strlen(h_jstr(v, "sha256")), 64);
	json_decref(v);
	h_proc_free(&p);
	free(apk);
}

static void truncated_and_not_apk(void **state)
{
	int status;
	char *err_text = NULL;
	(void)state;
	python("import sys\n"
	       "d = sys.argv[1]\n"
	       "b = open(d + '/all.apk', 'rb').read()\n"
	       "open(d + '/cut.apk', 'wb').write(b[:len(b) // 2])\n"
	       "open(d + '/text.apk', 'w').write('this is not an app\\n')\n");
	char *cut = h_fmt("%s/cut.apk", T.dir), *text = h_fmt("%s/text.apk", T.dir);
	json_t *v = analyze(cut, NULL, NULL, &status, NULL);
	assert_int_equal(status, 65);
	assert_non_null(v);
	assert_true(has_error(v, "truncated"));
	json_decref(v);
	v = analyze(text, NULL, NULL, &status, &err_text);
	assert_int_equal(status, 65);
	assert_null(v);
	h_expect_contains(err_text, "not an APK", __FILE__, __LINE__);
	free(err_text);
	free(cut);
	free(text);
}

/* Two AndroidManifest.xml: the first is the one read, and the verdict says
** why it matters. A broken dex is an error of the verdict, not a crash. */
static void duplicates_and_broken_parts(void **state)
{
	int status;
	(void)state;
	python("import sys, zipfile, warnings\n"
	       "warnings.simplefilter('ignore')\n"
	       "d = sys.argv[1]\n"
	       "a = zipfile.ZipFile(d + '/v1only.apk')\n"
	       "b = zipfile.ZipFile(d + '/all.apk')\n"
	       "with zipfile.ZipFile(d + '/dup.apk', 'w', zipfile.ZIP_DEFLATED) as z:\n"
	       "    z.writestr('AndroidManifest.xml', a.read('AndroidManifest.xml'))\n"
	       "    z.writestr('AndroidManifest.xml', b.read('AndroidManifest.xml'))\n"
	       "    z.writestr('classes.dex', b'dex\\n035\\x00' + bytes(40))\n"
	       "    z.writestr('META-INF/CERT.RSA', b'\\x30\\x03\\x02\\x01\\x00')\n");
	char *apk = h_fmt("%s/dup.apk", T.dir);
	json_t *v = analyze(apk, NULL, NULL, &status, NULL);
	assert_non_null(v);
	assert_int_equal(status, 0);
	char *refp = h_fmt("%s/v1only.verdict.json", T.dir);
	json_t *ref = json_load_file(refp, 0, NULL);
	free(refp);
	assert_string_equal(h_jstr(v, "package"), h_jstr(ref, "package"));
	assert_true(has_error(v, "duplicate entry AndroidManifest.xml"));
	assert_int_equal(json_array_size(json_object_get(json_object_get(v, "archive"),
							 "duplicates")), 1);
	size_t i;
	json_t *e;
	bool dex = false, sig = false;
	json_array_foreach(json_object_get(v, "errors"), i, e)
	{
		dex |= !strcmp(h_jstr(e, "part"), "dex:classes.dex");
		sig |= !strcmp(h_jstr(e, "part"), "signature:META-INF/CERT.RSA");
	}
	assert_true(dex);
	assert_true(sig);
	json_decref(ref);
	json_decref(v);
	free(apk);
}

static void yara_rules(void **state)
{
	int status;
	char *err_text = NULL;
	(void)state;
	char *rules = h_fmt("%s/rules", T.dir);
	python("import os, sys\n"
	       "d = sys.argv[1] + '/rules'\n"
	       "os.makedirs(d, exist_ok=True)\n"
	       "open(d + '/c2.yar', 'w').write('rule gate_c2 : c2 dropper {\\n"
	       "  strings: $a = \"evil-c2.example.ir/gate.php\"\\n  condition: $a\\n}\\n')\n"
	       "open(d + '/zip.yara', 'w').write('rule zip_file { condition: uint32(0) == 0x04034b50 }\\n')\n");
	char *apk = h_fmt("%s/all.apk", T.dir);
	json_t *v = analyze(apk, "--yara", rules, &status, &err_text);
	if (!v && strstr(err_text, "without YARA")) {
		free(err_text);
		skip();
	}
	assert_non_null(v);
	size_t i;
	json_t *m;
	bool c2 = false, zip = false;
	json_array_foreach(json_object_get(v, "yara"), i, m)
	{
		if (!strcmp(h_jstr(m, "rule"), "gate_c2")) {
			c2 = true;
			assert_string_equal(h_jstr(m, "namespace"), "c2");
			assert_string_equal(h_jstr(m, "target"), "classes.dex");
			assert_int_equal(json_array_size(json_object_get(m, "tags")), 2);
		}
		if (!strcmp(h_jstr(m, "rule"), "zip_file"))
			zip = !strcmp(h_jstr(m, "target"), "file");
	}
	assert_true(c2);
	assert_true(zip);
	json_decref(v);
	/* a rule that does not compile is named with its file */
	python("import sys\nopen(sys.argv[1] + '/rules/bad.yar', 'w').write('rule { oops')\n");
	free(err_text);
	v = analyze(apk, "--yara", rules, &status, &err_text);
	assert_null(v);
	assert_int_equal(status, 65);
	h_expect_contains(err_text, "bad.yar", __FILE__, __LINE__);
	free(err_text);
	free(apk);
	free(rules);
}

static void diff_versions(void **state)
{
	struct h_proc p;
	(void)state;
	char *a = h_fmt("%s/v1only.apk", T.dir), *b = h_fmt("%s/two.apk", T.dir);
	/* the same app (same manifest), re-signed with a second key added */
	assert_int_equal(h_cli(&p, T.data, NULL, "apk", "diff", a, b, NULL), 0);
	assert_int_equal(p.status, 0);
	json_t *d = json_loads(p.out, 0, NULL);
	assert_non_null(d);
	assert_true(json_is_true(json_object_get(json_object_get(d, "package"), "same")));
	assert_true(json_is_false(json_object_get(d, "same_signer")));
	assert_int_equal(json_array_size(json_object_get(d, "signers_added")), 1);
	json_decref(d);
	h_proc_free(&p);
	free(b);
	/* another app: its permissions and components differ */
	b = h_fmt("%s/all.apk", T.dir);
	assert_int_equal(h_cli(&p, T.data, NULL, "apk", "diff", a, b, NULL), 0);
	d = json_loads(p.out, 0, NULL);
	assert_non_null(d);
	assert_true(json_array_size(json_object_get(d, "permissions_added")) > 0);
	assert_true(json_array_size(json_object_get(d, "components_added")) > 0);
	json_decref(d);
	h_proc_free(&p);
	free(a);
	free(b);
}

/* Several files: one compact verdict a line, in the order given. */
static void batch(void **state)
{
	struct h_proc p;
	(void)state;
	char *a = h_fmt("%s/v1only.apk", T.dir), *b = h_fmt("%s/all.apk", T.dir);
	assert_int_equal(h_cli(&p, T.data, NULL, "apk", "analyze", a, b, NULL), 0);
	assert_int_equal(p.status, 0);
	char *nl = strchr(p.out, '\n');
	assert_non_null(nl);
	*nl = '\0';
	json_t *va = json_loads(p.out, 0, NULL), *vb = json_loads(nl + 1, 0, NULL);
	assert_non_null(va);
	assert_non_null(vb);
	json_t *ra = json_load_file(h_fmt_keep(T.dir, "v1only"), 0, NULL);
	json_t *rb = json_load_file(h_fmt_keep(T.dir, "all"), 0, NULL);
	assert_string_equal(h_jstr(va, "sha256"), h_jstr(ra, "sha256"));
	assert_string_equal(h_jstr(vb, "sha256"), h_jstr(rb, "sha256"));
	json_decref(va);
	json_decref(vb);
	json_decref(ra);
	json_decref(rb);
	h_proc_free(&p);
	free(a);
	free(b);
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matches_androguard),
		cmocka_unit_test(candidates),
		cmocka_unit_test(zip_bomb),
		cmocka_unit_test(truncated_and_not_apk),
		cmocka_unit_test(duplicates_and_broken_parts),
		cmocka_unit_test(yara_rules),
		cmocka_unit_test(diff_versions),
		cmocka_unit_test(batch),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
