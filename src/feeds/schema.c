/*
** schema.c — report types as data: Shadowserver's schema format compiled
** into feeds_type structs.
**
** A schema document is an object of report types; each maps CSV columns to
** IntelMQ field names with a conversion ([target, column, conversion,
** needs_row]) in required_fields and optional_fields, adds constant_fields
** (the classification) and names the feed. The same format, one entry, is the
** mapping of a generic CSV or JSON Lines feed. Compiling once at load time
** means the per-row work in parse.c is array indexing, and that a schema we
** cannot run (an unknown conversion, a malformed entry) is refused when the
** operator installs it rather than when a report arrives.
*/
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feeds/internal.h"

extern const struct embed_file {
	const char *name;
	const unsigned char *data;
	size_t len;
} feeds_data[];

static const struct {
	const char *name;
	enum feeds_conv conv;
} convs[] = {
	{ "", CONV_NONE },
	{ "validate_to_none", CONV_TO_NONE },
	{ "convert_int", CONV_INT },
	{ "invalidate_zero", CONV_ZERO },
	{ "convert_bool", CONV_BOOL },
	{ "convert_float", CONV_FLOAT },
	{ "validate_ip", CONV_IP },
	{ "validate_fqdn", CONV_FQDN },
	{ "add_UTC_to_timestamp", CONV_UTC },
	{ "convert_date", CONV_DATE },
	{ "convert_date_utc", CONV_DATE },
	{ "extract_cve_from_tag", CONV_CVE },
	{ "convert_http_host_and_url", CONV_HOST_URL },
	{ "category_or_detail", CONV_CAT_DETAIL },
	{ "force_base64", CONV_BASE64 },
	{ "validate_network", CONV_NETWORK },
	{ "scan_exchange_taxonomy", CONV_VERBATIM },
	{ "scan_exchange_type", CONV_VERBATIM },
	{ "scan_exchange_identifier", CONV_VERBATIM },
};

static const struct {
	const char *target;
	enum feeds_slot slot;
} slots[] = {
	{ "time.source", SLOT_TIME },
	{ "source.ip", SLOT_IP },
	{ "source.port", SLOT_PORT },
	{ "source.asn", SLOT_ASN },
	{ "source.fqdn", SLOT_FQDN },
	{ "source.url", SLOT_URL },
	{ "classification.identifier", SLOT_IDENT },
	{ "classification.taxonomy", SLOT_TAXONOMY },
	{ "classification.type", SLOT_TYPE },
	{ "severity", SLOT_SEVERITY },
	{ "product.vendor", SLOT_VENDOR },
	{ "product.name", SLOT_PRODUCT },
	{ "product.version", SLOT_VERSION },
};

enum feeds_slot feeds_slot_of(const char *target)
{
	for (size_t i = 0; i < ARRAY_SIZE(slots); i++)
		if (strcmp(slots[i].target, target) == 0)
			return slots[i].slot;
	return SLOT_OTHER;
}

unsigned char feeds_banner_rank(const char *target)
{
	static const char *const banners[] = { "extra.serverid_raw", "extra.banner",
					       "extra.server", "extra.sysdesc",
					       "extra.www_authenticate" };
	for (size_t i = 0; i < ARRAY_SIZE(banners); i++)
		if (strcmp(target, banners[i]) == 0)
			return (unsigned char)(i + 1);
	return 0;
}

static void type_free(struct feeds_type *t)
{
	free(t->key);
	free(t->file_name);
	free(t->feed_name);
	free(t->url);
	for (size_t i = 0; i < t->nmap; i++) {
		free(t->map[i].target);
		free(t->map[i].column);
	}
	free(t->map);
	for (size_t i = 0; i < t->nconsts; i++) {
		free(t->consts[i].key);
		free(t->consts[i].value);
	}
	free(t->consts);
}

void feeds_schema_free(struct feeds_schema *s)
{
	if (!s || s->shared)
		return;
	for (size_t i = 0; i < s->ntypes; i++)
		type_free(&s->types[i]);
	free(s->types);
	free(s);
}

/* A field name of IntelMQ's form: lower-case words joined by '.', '_' or '-'. */
static bool name_ok(const char *s, bool allow_trailing_dot)
{
	size_t n = strlen(s);
	if (n == 0 || n > 96)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return allow_trailing_dot || s[n - 1] != '.';
}

static int add_fields(struct feeds_type *t, json_t *arr, bool required, struct perr *err)
{
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return perr_set(err, PERR_INVALID, t->key, "%s: %s is not an array", t->key,
				required ? "required_fields" : "optional_fields");
	size_t n = json_array_size(arr);
	if (n > 512)
		return perr_set(err, PERR_LIMIT, t->key, "%s: more than 512 fields", t->key);
	struct feeds_map *m = realloc(t->map, (t->nmap + n) * sizeof(*m) + 1);
	if (!m)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	t->map = m;
	for (size_t i = 0; i < n; i++) {
		json_t *f = json_array_get(arr, i);
		const char *target = json_string_value(json_array_get(f, 0));
		const char *column = json_string_value(json_array_get(f, 1));
		json_t *cj = json_array_get(f, 2);
		const char *conv = cj ? json_string_value(cj) : "";
		if (!json_is_array(f) || !target || !column || !conv || !column[0] ||
		    strlen(column) > 128 || !name_ok(target, true))
			return perr_set(err, PERR_INVALID, t->key,
					"%s: field %zu is not [target, column, conversion]", t->key,
					i + 1);
		enum feeds_conv c = CONV_NONE;
		size_t k;
		for (k = 0; k < ARRAY_SIZE(convs); k++)
			if (strcmp(convs[k].name, conv) == 0)
				break;
		if (k == ARRAY_SIZE(convs))
			return perr_set(err, PERR_INVALID, t->key,
					"%s: column %s: unknown conversion '%s'", t->key, column,
					conv);
		c = convs[k].conv;
		struct feeds_map *e = &t->map[t->nmap];
		memset(e, 0, sizeof(*e));
		size_t tl = strlen(target);
		if (target[tl - 1] == '.') {
			/* "extra." + column: the column's own name under extra */
			struct pbuf b;
			pbuf_init(&b, 512);
			if (pbuf_adds(&b, target) || pbuf_adds(&b, column)) {
				pbuf_free(&b);
				return perr_set(err, PERR_INVALID, t->key, "%s: name too long",
						t->key);
			}
			e->target = pbuf_take(&b);
		} else {
			e->target = strdup(target);
		}
		e->column = strdup(column);
		t->nmap++;
		if (!e->target || !e->column)
			return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		e->conv = c;
		e->required = required;
		e->slot = feeds_slot_of(e->target);
		e->banner = feeds_banner_rank(e->target);
		/* the owner lookup and the dedup key read the address as bytes:
		** source.ip is always validated, whatever the schema says */
		if (e->slot == SLOT_IP)
			e->conv = CONV_IP;
	}
	return 0;
}

static char *dup_str(json_t *o, const char *k, const char *dflt)
{
	const char *v = json_string_value(json_object_get(o, k));
	return strdup(v ? v : dflt);
}

/* Compile one entry of the schema into t (zeroed by the caller). */
static int type_compile(struct feeds_type *t, const char *key, json_t *o, enum feeds_format fmt,
			struct perr *err)
{
	t->key = strdup(key);
	t->fmt = fmt;
	t->sep = ',';
	if (!t->key)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	if (!json_is_object(o))
		return perr_set(err, PERR_INVALID, key, "%s: not an object", key);
	t->file_name = dup_str(o, "file_name", key);
	t->feed_name = dup_str(o, "feed_name", key);
	t->url = dup_str(o, "url", "");
	if (!t->file_name || !t->feed_name || !t->url)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	const char *sep = json_string_value(json_object_get(o, "separator"));
	if (sep) {
		if (strlen(sep) != 1 || sep[0] == '"' || sep[0] == '\r' || sep[0] == '\n')
			return perr_set(err, PERR_INVALID, "separator",
					"%s: separator must be one character other than a quote "
					"or line end",
					key);
		t->sep = sep[0];
	}
	if (add_fields(t, json_object_get(o, "required_fields"), true, err) != 0 ||
	    add_fields(t, json_object_get(o, "optional_fields"), false, err) != 0)
		return -1;
	bool has_ip = false, has_time = false;
	for (size_t i = 0; i < t->nmap; i++) {
		has_ip |= t->map[i].slot == SLOT_IP && t->map[i].required;
		has_time |= t->map[i].slot == SLOT_TIME && t->map[i].required;
	}
	json_t *cf = json_object_get(o, "constant_fields");
	if (cf && !json_is_object(cf))
		return perr_set(err, PERR_INVALID, key, "%s: constant_fields is not an object", key);
	size_t nc = json_object_size(cf);
	t->consts = calloc(nc + 1, sizeof(*t->consts));
	if (!t->consts)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	const char *ck;
	json_t *cv;
	json_object_foreach(cf, ck, cv)
	{
		if (!json_is_string(cv) || !name_ok(ck, false))
			return perr_set(err, PERR_INVALID, key, "%s: constant %s is not a string",
					key, ck);
		struct feeds_const *c = &t->consts[t->nconsts++];
		c->key = strdup(ck);
		c->value = strdup(json_string_value(cv));
		if (!c->key || !c->value)
			return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		c->slot = feeds_slot_of(ck);
	}
	/* A type may lack source.ip or time.source (compromised_account
	** reports accounts): its events are owned by ASN, FQDN or URL, and
	** dated when they were received. */
	(void)has_ip;
	(void)has_time;
	return 0;
}

static int schema_from_json(json_t *root, struct feeds_schema **out, struct perr *err)
{
	int rc = -1;
	struct feeds_schema *s = calloc(1, sizeof(*s));
	if (!s)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	if (!json_is_object(root)) {
		perr_set(err, PERR_INVALID, NULL, "a schema is a JSON object of report types");
		goto out;
	}
	size_t n = json_object_size(root);
	if (n > 4096) {
		perr_set(err, PERR_LIMIT, NULL, "more than 4096 report types");
		goto out;
	}
	s->types = calloc(n + 1, sizeof(*s->types));
	if (!s->types) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	const char *k;
	json_t *v;
	json_object_foreach(root, k, v)
	{
		if (strcmp(k, "_meta") == 0) {
			const char *d = json_string_value(json_object_get(v, "date_created"));
			pstrtrunc(s->date, d, sizeof(s->date)); /* shown, never parsed */
			continue;
		}
		struct feeds_type *t = &s->types[s->ntypes++];
		if (type_compile(t, k, v, FEEDS_CSV, err) != 0)
			goto out;
	}
	if (s->ntypes == 0) {
		perr_set(err, PERR_INVALID, NULL, "the schema holds no report type");
		goto out;
	}
	*out = s;
	s = NULL;
	rc = 0;
out:
	feeds_schema_free(s);
	return rc;
}

int feeds_schema_parse(const char *json, size_t len, struct feeds_schema **out,
		       struct perr *err)
{
	json_error_t je;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return perr_set(err, PERR_INVALID, NULL, "schema: line %d: %s", je.line, je.text);
	int rc = schema_from_json(root, out, err);
	json_decref(root);
	return rc;
}

int feeds_schema_load(const char *path, struct feeds_schema **out, struct perr *err)
{
	json_error_t je;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return perr_set(err, PERR_INVALID, NULL, "%s: line %d: %s", path, je.line,
				je.text);
	int rc = schema_from_json(root, out, err);
	json_decref(root);
	return rc;
}

/* The shipped schema is Shadowserver's whole published one (some 700 KB of
** JSON, tens of milliseconds to compile): it is compiled once per process
** and shared, immutable, by every import (a server imports file after
** file); feeds_schema_free leaves it alone. */
static struct feeds_schema *builtin;
static struct perr builtin_err;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static void builtin_compile(void)
{
	for (const struct embed_file *f = feeds_data; f->name; f++) {
		if (strcmp(f->name, "shadowserver.json") == 0) {
			if (feeds_schema_parse((const char *)f->data, f->len, &builtin,
					       &builtin_err) == 0)
				builtin->shared = true;
			return;
		}
	}
	perr_set(&builtin_err, PERR_INTERNAL, NULL, "the shipped schema is missing");
}

int feeds_schema_builtin(struct feeds_schema **out, struct perr *err)
{
	pthread_once(&builtin_once, builtin_compile);
	if (!builtin) {
		if (err)
			*err = builtin_err;
		return -1;
	}
	*out = builtin;
	return 0;
}

int feeds_schema_for(const char *data_dir, struct feeds_schema **out, struct perr *err)
{
	char path[1200];
	struct pbuf b = pbuf_fixed(path, sizeof(path));
	if (data_dir && pbuf_addf(&b, "%s/feeds/schema.json", data_dir) == 0 &&
	    access(path, F_OK) == 0)
		return feeds_schema_load(path, out, err);
	return feeds_schema_builtin(out, err);
}

int feeds_mapping_load(const char *path, enum feeds_format fmt, struct feeds_schema **out,
		       struct perr *err)
{
	int rc = -1;
	json_error_t je;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	struct feeds_schema *s = NULL;
	if (!root)
		return perr_set(err, PERR_INVALID, "mapping", "%s: line %d: %s", path, je.line,
				je.text);
	s = calloc(1, sizeof(*s));
	if (!s || !(s->types = calloc(1, sizeof(*s->types)))) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	s->ntypes = 1;
	const char *name = fmt == FEEDS_JSONL ? "jsonl" : "csv";
	if (type_compile(&s->types[0], name, root, fmt, err) != 0)
		goto out;
	free(s->types[0].file_name);
	s->types[0].file_name = strdup(name);
	if (!s->types[0].file_name) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	*out = s;
	s = NULL;
	rc = 0;
out:
	feeds_schema_free(s);
	json_decref(root);
	return rc;
}

size_t feeds_schema_count(const struct feeds_schema *s)
{
	return s->ntypes;
}

const struct feeds_type *feeds_schema_at(const struct feeds_schema *s, size_t i)
{
	return i < s->ntypes ? &s->types[i] : NULL;
}

const char *feeds_schema_date(const struct feeds_schema *s)
{
	return s->date;
}

const struct feeds_type *feeds_schema_find(const struct feeds_schema *s, const char *name)
{
	for (size_t i = 0; i < s->ntypes; i++)
		if (strcmp(s->types[i].file_name, name) == 0)
			return &s->types[i];
	for (size_t i = 0; i < s->ntypes; i++)
		if (strcmp(s->types[i].key, name) == 0)
			return &s->types[i];
	return NULL;
}

static bool boundary(char c)
{
	return c == '-' || c == '.' || c == '\0' || c == '/';
}

/* Shadowserver's own rule (report_schema's report-filename.md): a report
** is named DATE-TYPE-DETAILS.csv, the type being all between the date and
** the next '-'. The details are free (an organisation's name, "sample",
** "asn", "delayed") and may spell another type's name: "2026-11-27-scan_ftp-
** blocklist-asn.csv" is a scan_ftp report. NULL when fname is not so named
** or names no type of s. */
static const struct feeds_type *dated_type(const struct feeds_schema *s, const char *base)
{
	for (int i = 0; i < 10; i++) {
		bool dash = i == 4 || i == 7;
		if (dash ? base[i] != '-' : !(base[i] >= '0' && base[i] <= '9'))
			return NULL;
	}
	if (base[10] != '-')
		return NULL;
	/* the type is what follows the date up to a boundary; the longest
	** such name, for a schema whose names hold a '-' */
	const char *t = base + 11;
	const struct feeds_type *best = NULL;
	size_t bestn = 0;
	for (size_t i = 0; i < s->ntypes; i++) {
		const char *fn = s->types[i].file_name;
		size_t n = strlen(fn);
		if (n > bestn && strncmp(t, fn, n) == 0 && boundary(t[n])) {
			best = &s->types[i];
			bestn = n;
		}
	}
	return best;
}

const struct feeds_type *feeds_schema_detect(const struct feeds_schema *s, const char *fname)
{
	const char *base = strrchr(fname, '/');
	base = base ? base + 1 : fname;
	const struct feeds_type *dated = dated_type(s, base);
	if (dated)
		return dated;
	const struct feeds_type *best = NULL;
	size_t bestn = 0;
	for (size_t i = 0; i < s->ntypes; i++) {
		const char *fn = s->types[i].file_name;
		size_t n = strlen(fn);
		/* Shadowserver names files DATE-TYPE-COUNTRY-geo.csv: the type sits
		** between '-' separators (its own words are joined by '_'). */
		for (const char *p = strstr(base, fn); p; p = strstr(p + 1, fn)) {
			bool left = p == base || p[-1] == '-';
			if (left && boundary(p[n]) && n > bestn) {
				best = &s->types[i];
				bestn = n;
			}
		}
	}
	return best;
}

const char *feeds_type_name(const struct feeds_type *t)
{
	return t->file_name;
}

const char *feeds_type_feed_name(const struct feeds_type *t)
{
	return t->feed_name;
}

enum feeds_format feeds_type_format(const struct feeds_type *t)
{
	return t->fmt;
}
