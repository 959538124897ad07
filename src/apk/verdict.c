/*
** verdict.c — the triage verdict of one APK: what the app is (manifest),
** who signed it and who its author claims to be (signers), which files it
** carries (hashes), which addresses its code names (candidate indicators,
** checked against the warninglists) and what the CERT's YARA rules say,
** assembled from the bounded parsers of this module (archive.c, axml.c,
** sign.c, dex.c). Every part that does not parse becomes an entry of the
** verdict's "errors" and the others are still read: malicious apps are
** built to make analysis tools give up, and a partial verdict (the hashes,
** the signer) is what the analyst blocks with. Also the comparison of two
** versions (apk_diff) and the compiled YARA rules (optional libyara).
*/
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#ifdef PARAPET_HAVE_YARA
#include <yara.h>
#endif

#include "apk/apk.h"
#include "indicator/indicator.h"

#define MAX_ERRORS 100       /* errors kept in one verdict (a crafted archive can repeat one) */
#define DEFAULT_MAX_CANDIDATES 5000
#define MAX_YARA_MATCHES 1000

/* ------------------------------------------------------------------ helpers */

static void add_error(json_t *errors, const char *part, const char *msg)
{
	if (json_array_size(errors) == MAX_ERRORS)
		msg = "more errors left out";
	else if (json_array_size(errors) > MAX_ERRORS)
		return;
	json_array_append_new(errors, json_pack("{s:s, s:s}", "part", part, "message", msg));
}

static void add_perr(json_t *errors, const char *part, const struct perr *e)
{
	char buf[400];
	if (e->field[0] && strcmp(e->field, part))
		snprintf(buf, sizeof(buf), "%s: %s", e->field, e->msg[0] ? e->msg : "failed");
	else
		snprintf(buf, sizeof(buf), "%s", e->msg[0] ? e->msg : "failed");
	add_error(errors, part, buf);
}

static void digest_hex(const EVP_MD *md, const void *p, size_t n, char *out)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;
	if (EVP_Digest(p, n, d, &dl, md, NULL) != 1)
		dl = 0;
	core_hex(d, dl, out);
	out[2 * dl] = '\0';
}

/* Android loads classes.dex, classes2.dex, ... from the archive's root. */
static bool is_dex_name(const char *n)
{
	if (strncmp(n, "classes", 7))
		return false;
	n += 7;
	while (*n >= '0' && *n <= '9')
		n++;
	return !strcmp(n, ".dex");
}

/* META-INF/NAME.RSA, .DSA or .EC directly under META-INF (JAR signing). */
static bool is_v1_name(const char *n)
{
	const char *dot;
	if (strncmp(n, "META-INF/", 9) || strchr(n + 9, '/'))
		return false;
	dot = strrchr(n + 9, '.');
	return dot && dot > n + 9 &&
	       (!strcasecmp(dot, ".RSA") || !strcasecmp(dot, ".DSA") || !strcasecmp(dot, ".EC"));
}

/* One attribute of an RFC 2253 name (sign.c's subject text: RDNs
** separated by unescaped commas, specials escaped with a backslash),
** unescaped into out; "" when absent. */
static void dn_attr(const char *dn, const char *key, char *out, size_t outsz)
{
	size_t kl = strlen(key);
	const char *p = dn;
	out[0] = '\0';
	while (*p) {
		bool match = !strncmp(p, key, kl) && p[kl] == '=';
		size_t o = 0;
		if (match)
			p += kl + 1;
		while (*p && *p != ',' && *p != '+') {
			if (*p == '\\' && p[1])
				p++;
			if (match && o + 1 < outsz)
				out[o++] = *p;
			p++;
		}
		if (match) {
			out[o] = '\0';
			return;
		}
		if (*p)
			p++;
	}
}

/* --------------------------------------------------------------------- YARA */

struct apk_yara {
#ifdef PARAPET_HAVE_YARA
	YR_RULES *rules;
#else
	int unused;
#endif
};

#ifdef PARAPET_HAVE_YARA
static pthread_once_t yara_once = PTHREAD_ONCE_INIT;
static int yara_init_rc = -1;

/* libyara's global state, set up once per process and kept (yr_finalize
** at exit would race a scan in another thread) */
static void yara_init(void)
{
	yara_init_rc = yr_initialize();
}

bool apk_yara_available(void)
{
	return true;
}

struct compile_ctx {
	char file[256];
	char msg[200];
	int line;
};

static void compile_cb(int level, const char *file, int line, const YR_RULE *rule,
		       const char *message, void *ud)
{
	struct compile_ctx *c = ud;
	(void)rule;
	(void)file;
	if (level == YARA_ERROR_LEVEL_ERROR && !c->msg[0]) {
		pstrtrunc(c->msg, message, sizeof(c->msg));
		c->line = line;
	}
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int apk_yara_load(const char *dir, struct apk_yara **out, struct perr *err)
{
	YR_COMPILER *comp = NULL;
	struct apk_yara *y = NULL;
	struct compile_ctx cc;
	char *names[1024];
	size_t nn = 0;
	struct dirent *de;
	DIR *d = NULL;
	int rc = -1;

	*out = NULL;
	pthread_once(&yara_once, yara_init);
	if (yara_init_rc != ERROR_SUCCESS)
		return perr_set(err, PERR_INTERNAL, "yara", "libyara did not initialise (%d)",
				yara_init_rc);
	d = opendir(dir);
	if (!d)
		return perr_set(err, PERR_NOTFOUND, "yara", "cannot read the rules directory %s", dir);
	while ((de = readdir(d)) && nn < sizeof(names) / sizeof(names[0])) {
		const char *dot = strrchr(de->d_name, '.');
		if (de->d_name[0] == '.' || !dot || (strcmp(dot, ".yar") && strcmp(dot, ".yara")))
			continue;
		if (!(names[nn] = strdup(de->d_name)))
			goto oom;
		nn++;
	}
	/* one order on every machine: the namespaces and any error are the same */
	qsort(names, nn, sizeof(names[0]), name_cmp);
	if (yr_compiler_create(&comp) != ERROR_SUCCESS)
		goto oom;
	memset(&cc, 0, sizeof(cc));
	yr_compiler_set_callback(comp, compile_cb, &cc);
	for (size_t i = 0; i < nn; i++) {
		char path[4200], ns[256];
		FILE *f;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		pstrtrunc(ns, names[i], sizeof(ns));
		*strrchr(ns, '.') = '\0';
		f = fopen(path, "r");
		if (!f) {
			perr_set(err, PERR_NOTFOUND, "yara", "cannot read %s", path);
			goto out;
		}
		pstrtrunc(cc.file, names[i], sizeof(cc.file));
		int nerr = yr_compiler_add_file(comp, f, ns, names[i]);
		fclose(f);
		if (nerr) {
			perr_set(err, PERR_INVALID, "yara", "%s line %d: %s", names[i], cc.line,
				 cc.msg[0] ? cc.msg : "does not compile");
			goto out;
		}
	}
	y = calloc(1, sizeof(*y));
	if (!y || yr_compiler_get_rules(comp, &y->rules) != ERROR_SUCCESS)
		goto oom;
	*out = y;
	y = NULL;
	rc = 0;
	goto out;
oom:
	perr_set(err, PERR_INTERNAL, "yara", "out of memory");
out:
	free(y);
	if (comp)
		yr_compiler_destroy(comp);
	if (d)
		closedir(d);
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	return rc;
}

void apk_yara_free(struct apk_yara *y)
{
	if (!y)
		return;
	if (y->rules)
		yr_rules_destroy(y->rules);
	free(y);
}

struct scan_ctx {
	json_t *matches;
	const char *target;
};

static int scan_cb(YR_SCAN_CONTEXT *ctx, int message, void *data, void *ud)
{
	struct scan_ctx *s = ud;
	YR_RULE *rule = data;
	const char *tag;
	json_t *tags;
	(void)ctx;
	if (message != CALLBACK_MSG_RULE_MATCHING)
		return CALLBACK_CONTINUE;
	if (json_array_size(s->matches) >= MAX_YARA_MATCHES)
		return CALLBACK_ABORT;
	tags = json_array();
	yr_rule_tags_foreach(rule, tag)
	{
		json_array_append_new(tags, json_string(tag));
	}
	json_array_append_new(s->matches, json_pack("{s:s, s:s, s:o, s:s}", "rule", rule->identifier,
						    "namespace", rule->ns->name, "tags", tags,
						    "target", s->target));
	return CALLBACK_CONTINUE;
}

/* Scan p[0..n) as target; matches appended, a failure is an error entry. */
static void yara_scan(const struct apk_yara *y, const uint8_t *p, size_t n, const char *target,
		      json_t *matches, json_t *errors)
{
	struct scan_ctx s = { matches, target };
	/* 60 s: a rule set that backtracks badly must not hold a worker forever */
	int r = yr_rules_scan_mem(y->rules, p, n, SCAN_FLAGS_FAST_MODE, scan_cb, &s, 60);
	if (r != ERROR_SUCCESS) {
		char msg[120];
		snprintf(msg, sizeof(msg), "%s: the scan failed (libyara error %d)", target, r);
		add_error(errors, "yara", msg);
	}
}
#else
bool apk_yara_available(void)
{
	return false;
}

int apk_yara_load(const char *dir, struct apk_yara **out, struct perr *err)
{
	(void)dir;
	*out = NULL;
	return perr_set(err, PERR_INVALID, "yara", "this parapet was built without YARA (libyara-dev)");
}

void apk_yara_free(struct apk_yara *y)
{
	free(y);
}

static void yara_scan(const struct apk_yara *y, const uint8_t *p, size_t n, const char *target,
		      json_t *matches, json_t *errors)
{
	(void)y, (void)p, (void)n, (void)target, (void)matches, (void)errors;
}
#endif

/* ------------------------------------------------------------- candidates */

struct cand_ctx {
	json_t *list;   /* the candidates, in order found */
	json_t *seen;   /* "type value" -> index in list */
	const char *dex;
	const struct indicator_wl_set *wl;
	size_t max;
	bool truncated;
};

static int cand_cb(void *ud, enum apk_cand_kind kind, const char *v, size_t n)
{
	struct cand_ctx *c = ud;
	enum indicator_type t = kind == APK_CAND_URL	  ? INDICATOR_URL
				: kind == APK_CAND_DOMAIN ? INDICATOR_DOMAIN
				: kind == APK_CAND_IPV4	  ? INDICATOR_IPV4
							  : INDICATOR_IPV6;
	char canon[INDICATOR_VALUE_SIZE], key[INDICATOR_VALUE_SIZE + 16];
	struct perr e;
	json_t *o, *dex;

	/* the registry's own rules decide what can become an indicator (a
	** ws:// URL cannot: its host came as a candidate of its own) */
	if (indicator_value_canon(t, v, n, canon, sizeof(canon), &e) != 0)
		return 0;
	snprintf(key, sizeof(key), "%s %s", indicator_type_name(t), canon);
	o = json_object_get(c->seen, key);
	if (o) {
		o = json_array_get(c->list, (size_t)json_integer_value(o));
		dex = json_object_get(o, "dex");
		size_t last = json_array_size(dex);
		if (!last || strcmp(json_string_value(json_array_get(dex, last - 1)), c->dex))
			json_array_append_new(dex, json_string(c->dex));
		return 0;
	}
	if (json_array_size(c->list) >= c->max) {
		c->truncated = true;
		return 1;
	}
	o = json_pack("{s:s, s:s, s:[s]}", "type", indicator_type_name(t), "value", canon, "dex",
		      c->dex);
	if (!o)
		return 1;
	if (c->wl) {
		struct indicator_wl_hit hits[8];
		size_t nh = indicator_wl_match(c->wl, indicator_wl_hint(t), canon, strlen(canon),
					       hits, 8);
		json_t *names = json_array();
		for (size_t i = 0; i < nh && i < 8; i++)
			json_array_append_new(names, json_string(hits[i].name));
		json_object_set_new(o, "warninglists", names);
	}
	json_object_set_new(c->seen, key, json_integer((json_int_t)json_array_size(c->list)));
	json_array_append_new(c->list, o);
	return 0;
}

static int dex_str_cb(void *ud, uint32_t idx, const char *s, size_t len)
{
	struct cand_ctx *c = ud;
	(void)idx;
	apk_dex_candidates(s, len, cand_cb, c);
	return c->truncated;
}

/* ------------------------------------------------------------------ parts */

static const char *scheme_names[] = { "v1", "v2", "v3", "v3.1" };

static json_t *signer_json(const struct apk_signer *s)
{
	char nb[40], na[40];
	json_t *sch = json_array();
	for (unsigned b = 0; b < 4; b++)
		if (s->schemes & (1u << b))
			json_array_append_new(sch, json_string(scheme_names[b]));
	core_iso8601(s->not_before * 1000, nb, sizeof(nb));
	core_iso8601(s->not_after * 1000, na, sizeof(na));
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:i}", "sha256", s->sha256,
			      "subject", s->subject, "issuer", s->issuer, "serial", s->serial,
			      "not_before", nb, "not_after", na, "schemes", sch, "key_alg",
			      s->key_alg, "key_bits", s->key_bits);
	if (o && (s->schemes & (APK_SCHEME_V2 | APK_SCHEME_V3 | APK_SCHEME_V31))) {
		json_object_set_new(o, "key_matches", json_boolean(s->key_matches));
		json_object_set_new(o, "sig_ok", json_boolean(s->sig_ok));
	}
	if (o && s->max_sdk) {
		json_object_set_new(o, "min_sdk", json_integer(s->min_sdk));
		json_object_set_new(o, "max_sdk", json_integer(s->max_sdk));
	}
	return o;
}

/* The manifest facts into v (top level, the contract), or an error. */
static void read_manifest(struct apk_archive *a, json_t *v, json_t *errors)
{
	long i = apk_archive_find(a, "AndroidManifest.xml");
	struct pbuf raw, js;
	struct axml_manifest m;
	struct perr e;
	json_t *mj = NULL;

	pbuf_init(&js, (size_t)16 << 20);
	memset(&m, 0, sizeof(m));
	if (i < 0) {
		add_error(errors, "manifest", "no AndroidManifest.xml in the archive");
		return;
	}
	if (apk_archive_read(a, (size_t)i, &raw, &e) != 0) {
		add_perr(errors, "manifest", &e);
		pbuf_free(&raw);
		return;
	}
	if (axml_manifest_parse(raw.ptr, raw.len, NULL, &m, &e) != 0) {
		add_perr(errors, "manifest", &e);
	} else if (axml_manifest_json(&m, &js) != 0 ||
		   !(mj = json_loadb(js.ptr, js.len, 0, NULL))) {
		add_error(errors, "manifest", "the manifest's facts do not fit in 16 MiB of JSON");
	} else {
		json_object_update(v, mj);
	}
	json_decref(mj);
	axml_manifest_free(&m);
	pbuf_free(&js);
	pbuf_free(&raw);
}

static void read_signers(struct apk_archive *a, const uint8_t *apk, size_t len, json_t *v,
			 json_t *errors)
{
	struct apk_signers *sg = calloc(1, sizeof(*sg));
	const struct apk_entry *ent;
	size_t n;
	struct perr e;
	json_t *arr = json_object_get(v, "signers");

	if (!sg) {
		add_error(errors, "signers", "out of memory");
		return;
	}
	ent = apk_archive_entries(a, &n);
	for (size_t i = 0; i < n; i++) {
		struct pbuf b;
		char part[APK_ENTRY_NAME_MAX + 16];
		if (!is_v1_name(ent[i].name) || ent[i].duplicate)
			continue;
		snprintf(part, sizeof(part), "signature:%s", ent[i].name);
		if (apk_archive_read(a, i, &b, &e) != 0 || apk_sign_v1((const uint8_t *)b.ptr, b.len,
								       sg, &e) != 0)
			add_perr(errors, part, &e);
		pbuf_free(&b);
	}
	if (apk_sign_block(apk, len, sg, &e) < 0)
		add_perr(errors, "signing_block", &e);
	for (size_t i = 0; i < sg->n; i++)
		json_array_append_new(arr, signer_json(&sg->s[i]));
	if (sg->n) {
		/* the author an app claims: its first signer's subject (a
		** self-signed developer certificate names the developer) */
		char cn[APK_SIGN_MAX_DN], org[APK_SIGN_MAX_DN], text[2 * APK_SIGN_MAX_DN + 4];
		dn_attr(sg->s[0].subject, "CN", cn, sizeof(cn));
		dn_attr(sg->s[0].subject, "O", org, sizeof(org));
		if (cn[0] && org[0] && strcmp(cn, org))
			snprintf(text, sizeof(text), "%s (%s)", cn, org);
		else
			snprintf(text, sizeof(text), "%s", cn[0] ? cn : org);
		json_object_set_new(v, "author", json_string(text));
		json_object_set_new(v, "author_cn", json_string(cn));
		json_object_set_new(v, "author_org", json_string(org));
	} else {
		add_error(errors, "signers", "no signer: the app is unsigned (Android refuses to "
					     "install it) or its signatures do not parse");
	}
	free(sg);
}

static void read_dex(struct apk_archive *a, const struct apk_opts *o, json_t *v, json_t *errors)
{
	const struct apk_entry *ent;
	size_t n;
	struct cand_ctx c = { .list = json_object_get(v, "candidates"), .seen = json_object(),
			      .wl = o ? o->wl : NULL,
			      .max = o && o->max_candidates ? o->max_candidates : DEFAULT_MAX_CANDIDATES };
	json_t *dexes = json_object_get(v, "dex");

	ent = apk_archive_entries(a, &n);
	for (size_t i = 0; i < n; i++) {
		struct pbuf b;
		struct perr e;
		char sha[65], part[APK_ENTRY_NAME_MAX + 8];
		long strings;
		if (!is_dex_name(ent[i].name) || ent[i].duplicate)
			continue;
		snprintf(part, sizeof(part), "dex:%s", ent[i].name);
		if (apk_archive_read(a, i, &b, &e) != 0) {
			add_perr(errors, part, &e);
			pbuf_free(&b);
			continue;
		}
		digest_hex(EVP_sha256(), b.ptr, b.len, sha);
		c.dex = ent[i].name;
		strings = apk_dex_strings((const uint8_t *)b.ptr, b.len, NULL, dex_str_cb, &c, &e);
		if (strings < 0)
			add_perr(errors, part, &e);
		json_array_append_new(dexes, json_pack("{s:s, s:s, s:I, s:I}", "name", ent[i].name,
						       "sha256", sha, "size", (json_int_t)b.len,
						       "strings", (json_int_t)(strings < 0 ? 0 : strings)));
		if (o && o->yara)
			yara_scan(o->yara, (const uint8_t *)b.ptr, b.len, ent[i].name,
				  json_object_get(v, "yara"), errors);
		pbuf_free(&b);
	}
	if (c.truncated) {
		char msg[120];
		snprintf(msg, sizeof(msg), "more than %zu candidate indicators: the rest left out",
			 c.max);
		add_error(errors, "candidates", msg);
	}
	json_decref(c.seen);
}

static void read_archive(struct apk_archive *a, json_t *v, json_t *errors)
{
	const struct apk_entry *ent;
	size_t n;
	uint64_t total = 0;
	json_t *dups = json_array();

	ent = apk_archive_entries(a, &n);
	for (size_t i = 0; i < n; i++) {
		char msg[APK_ENTRY_NAME_MAX + 300];
		total += ent[i].size;
		if (ent[i].bomb) {
			snprintf(msg, sizeof(msg),
				 "%s: zip bomb: %llu bytes stored inflate to %llu (more than %u:1 "
				 "or the whole budget); not read",
				 ent[i].name, (unsigned long long)ent[i].csize,
				 (unsigned long long)ent[i].size, APK_MAX_RATIO);
			add_error(errors, "archive", msg);
		}
		if (ent[i].duplicate) {
			json_array_append_new(dups, json_string(ent[i].name));
			snprintf(msg, sizeof(msg),
				 "duplicate entry %s: Android 4.4 and later refuse to install an "
				 "archive with two entries of one name; older versions verified one "
				 "copy and loaded the other (Master Key, CVE-2013-4787). The first "
				 "entry is the one analysed",
				 ent[i].name);
			add_error(errors, "archive", msg);
		}
		if (!ent[i].name[0])
			add_error(errors, "archive", "an entry name longer than 1023 bytes: skipped");
	}
	json_object_set_new(v, "archive", json_pack("{s:I, s:I, s:o}", "entries", (json_int_t)n,
						    "uncompressed", (json_int_t)total,
						    "duplicates", dups));
}

int apk_analyze(const uint8_t *apk, size_t len, const struct apk_opts *o, json_t **verdict,
		struct perr *err)
{
	const struct apk_limits *lim = o ? &o->lim : NULL;
	size_t max_size = lim && lim->max_size ? lim->max_size : APK_MAX_SIZE;
	struct apk_archive *a = NULL;
	struct perr e;
	char sha256[65], sha1[41], md5[33];
	json_t *v, *errors;

	*verdict = NULL;
	if (len > max_size)
		return perr_set(err, PERR_LIMIT, "apk", "the file has %zu bytes, more than apk.max_size %zu",
				len, max_size);
	/* a ZIP archive starts with a local file header (an empty one with
	** its end record): anything else is not an app at all */
	if (len < 4 || (memcmp(apk, "PK\3\4", 4) && memcmp(apk, "PK\5\6", 4)))
		return perr_set(err, PERR_INVALID, "apk", "not an APK: no ZIP archive signature");
	digest_hex(EVP_sha256(), apk, len, sha256);
	digest_hex(EVP_sha1(), apk, len, sha1);
	digest_hex(EVP_md5(), apk, len, md5);
	v = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[], s:[], s:[], s:s, s:s, s:s, s:s, s:I,"
		      " s:[], s:[], s:[], s:[]}",
		      "package", "", "version_code", "", "version_name", "", "min_sdk", "",
		      "target_sdk", "", "label", "", "permissions", "components", "signers",
		      "author", "", "sha256", sha256, "sha1", sha1, "md5", md5, "size",
		      (json_int_t)len, "dex", "candidates", "yara", "errors");
	if (!v)
		return perr_set(err, PERR_INTERNAL, "apk", "out of memory");
	errors = json_object_get(v, "errors");
	if (o && o->yara)
		yara_scan(o->yara, apk, len, "file", json_object_get(v, "yara"), errors);
	if (apk_archive_open(apk, len, lim, &a, &e) != 0) {
		add_perr(errors, "archive", &e);
		goto out;
	}
	read_archive(a, v, errors);
	read_manifest(a, v, errors);
	read_signers(a, apk, len, v, errors);
	read_dex(a, o, v, errors);
out:
	apk_archive_close(a);
	*verdict = v;
	return 0;
}

int apk_manifest_dump(const uint8_t *apk, size_t len, const struct apk_limits *lim,
		      struct pbuf *out, struct perr *err)
{
	struct apk_archive *a = NULL;
	struct pbuf raw;
	long i;
	int rc = -1;

	pbuf_init(&raw, 0);
	if (apk_archive_open(apk, len, lim, &a, err) != 0)
		return -1;
	i = apk_archive_find(a, "AndroidManifest.xml");
	if (i < 0) {
		perr_set(err, PERR_INVALID, "manifest", "no AndroidManifest.xml in the archive");
		goto out;
	}
	if (apk_archive_read(a, (size_t)i, &raw, err) != 0)
		goto out;
	rc = axml_dump_json(raw.ptr, raw.len, NULL, out, err);
out:
	pbuf_free(&raw);
	apk_archive_close(a);
	return rc;
}

/* ------------------------------------------------------------------- diff */

/* Strings of a that b lacks, as a new array. key: a member of each object
** element to compare by, or NULL when the elements are strings. */
static json_t *minus(json_t *a, json_t *b, const char *(*keyf)(json_t *, char *, size_t))
{
	json_t *out = json_array();
	size_t i, j;
	json_t *x, *y;
	char ka[1200], kb[1200];
	json_array_foreach(a, i, x)
	{
		bool found = false;
		const char *sa = keyf(x, ka, sizeof(ka));
		json_array_foreach(b, j, y)
		{
			if (!strcmp(sa, keyf(y, kb, sizeof(kb)))) {
				found = true;
				break;
			}
		}
		if (!found)
			json_array_append_new(out, json_string(sa));
	}
	return out;
}

static const char *key_str(json_t *x, char *buf, size_t n)
{
	(void)buf, (void)n;
	return json_is_string(x) ? json_string_value(x) : "";
}

static const char *key_signer(json_t *x, char *buf, size_t n)
{
	(void)buf, (void)n;
	const char *s = json_string_value(json_object_get(x, "sha256"));
	return s ? s : "";
}

static const char *key_comp(json_t *x, char *buf, size_t n)
{
	const char *k = json_string_value(json_object_get(x, "kind"));
	const char *nm = json_string_value(json_object_get(x, "name"));
	snprintf(buf, n, "%s %s", k ? k : "", nm ? nm : "");
	return buf;
}

static const char *str_of(json_t *v, const char *k)
{
	const char *s = json_string_value(json_object_get(v, k));
	return s ? s : "";
}

int apk_diff(json_t *a, json_t *b, json_t **out, struct perr *err)
{
	json_t *sa = json_object_get(a, "signers"), *sb = json_object_get(b, "signers");
	json_t *added = minus(sb, sa, key_signer), *removed = minus(sa, sb, key_signer);
	bool same_signer = json_array_size(sa) > 0 && !json_array_size(added) &&
			   !json_array_size(removed);
	*out = json_pack(
		"{s:{s:s, s:s, s:b}, s:{s:s, s:s, s:s, s:s}, s:b, s:o, s:o, s:o, s:o, s:o, s:o,"
		" s:{s:s, s:s, s:s, s:s}}",
		"package", "a", str_of(a, "package"), "b", str_of(b, "package"), "same",
		!strcmp(str_of(a, "package"), str_of(b, "package")), "version", "a",
		str_of(a, "version_name"), "b", str_of(b, "version_name"), "code_a",
		str_of(a, "version_code"), "code_b", str_of(b, "version_code"), "same_signer",
		same_signer, "signers_added", added, "signers_removed", removed,
		"permissions_added",
		minus(json_object_get(b, "permissions"), json_object_get(a, "permissions"), key_str),
		"permissions_removed",
		minus(json_object_get(a, "permissions"), json_object_get(b, "permissions"), key_str),
		"components_added",
		minus(json_object_get(b, "components"), json_object_get(a, "components"), key_comp),
		"components_removed",
		minus(json_object_get(a, "components"), json_object_get(b, "components"), key_comp),
		"sdk", "min_a", str_of(a, "min_sdk"), "min_b", str_of(b, "min_sdk"), "target_a",
		str_of(a, "target_sdk"), "target_b", str_of(b, "target_sdk"));
	if (!*out)
		return perr_set(err, PERR_INTERNAL, "apk", "out of memory");
	return 0;
}
