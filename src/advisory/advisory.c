/*
** advisory.c — the advisory record: normalising a document, creating,
** updating (versions), reading and listing advisories in the caller's
** scope.
**
** The document (advisory.h's comment, docs/advisory.md) is checked and
** normalised here once, whatever front-end or import (CSAF) it came from,
** so every stored advisory is one the targeting and publishing parts can
** trust: CPE names re-bound by cpe.c, ranges whose start is not after their
** end (an inverted range would target nobody and say nothing), CVSS
** vectors scored by cvss.c (a score sent in is never trusted: it is what
** ranks advisories and sets mail urgency), TLP 2.0 labels (the sharing
** rule every CERT exchange honours), CVE ids in MITRE's form and a
** deadline in UTC. A field at fault is named ("products[2].end"), so an
** analyst's editor or a script can point at it.
**
** Scope: advisories are national; analysts and admins write them, CERT
** staff (provincial analysts and responders too) read them all, and a
** constituent (or a credential narrowed to one organisation) sees only
** those with a target row for their organisation (published to it), with
** that target's state. Out of scope reads as absent (PERR_NOTFOUND).
**
** Every write appends to the audit log in the caller's transaction, and
** every update keeps a version row with what changed, for people
** (computed from the two documents when the caller gives none), which the
** tracking part mails to a published advisory's targets
** (advisory_notify_update).
*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "advisory/advisory.h"
#include "audit/audit.h"

#define TITLE_MAX 500      /* bytes; the advisory.title column holds 511 */
#define SUMMARY_MAX 20000  /* bytes per language */
#define TEXT_MAX 20000     /* an action's text per language */
#define URL_MAX 2048
#define REF_MAX 63
#define VERSION_TEXT_MAX 127
#define EXPOSURE_MAX 63
#define ACTIONS_MAX 64
#define REFERENCES_MAX 128
#define AUDIENCE_LIST_MAX 64
#define AUDIENCE_ORGS_MAX 10000
#define SOURCE_MAX 65536   /* bytes of the "source" object, written compactly */
#define CHANGES_MAX 2000   /* bytes of a version's "what changed" */
#define Q_MAX 200

/* The keys advisory_get adds to a document: dropped on the way in, so a
** document read, edited and sent back is accepted. */
static const char *const api_keys[] = { "id", "version", "status", "created", "updated",
					"published", "target" };
static const char *const doc_keys[] = { "ref", "title", "summary", "cves", "cvss",
					"cvss_score", "severity", "tlp", "exploited",
					"products", "actions", "deadline", "references",
					"audience", "source" };
static const char *const action_kinds[] = { "patch", "workaround", "mitigation" };
static const char *const statuses[] = { "draft", "published", "withdrawn" };

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* A text value: a JSON string, 1..max bytes when required (0..max
** otherwise), no control characters but, when multiline, newline and tab. */
static int text_ok(const json_t *v, const char *field, size_t max, bool multiline,
		   struct perr *err)
{
	if (!json_is_string(v))
		return perr_set(err, PERR_INVALID, field, "%s must be a string", field);
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (n > max)
		return perr_set(err, PERR_INVALID, field, "%s is longer than %zu bytes", field,
				max);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0 || c == 0x7f || (c < 0x20 && !(multiline && (c == '\n' || c == '\t' ||
									 c == '\r'))))
			return perr_set(err, PERR_INVALID, field,
					"%s holds a control character", field);
	}
	return 0;
}

/* A {"en": ..., "fa": ...} object: en required when required, nothing
** else; empty strings dropped. */
static int lang_text(json_t *obj, const char *field, bool required, size_t max, bool multiline,
		     struct perr *err)
{
	char f[64];
	if (!json_is_object(obj))
		return perr_set(err, PERR_INVALID, field, "%s must be an object {\"en\", \"fa\"}",
				field);
	const char *k;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(obj, tmp, k, v) {
		snprintf(f, sizeof(f), "%s.%s", field, k);
		if (strcmp(k, "en") != 0 && strcmp(k, "fa") != 0)
			return perr_set(err, PERR_INVALID, f, "%s: only en and fa are kept", f);
		if (text_ok(v, f, max, multiline, err) != 0)
			return -1;
		if (json_string_length(v) == 0)
			json_object_del(obj, k);
	}
	if (required && !json_object_get(obj, "en")) {
		snprintf(f, sizeof(f), "%s.en", field);
		return perr_set(err, PERR_INVALID, f, "%s is required", f);
	}
	return 0;
}

static int url_ok(const json_t *v, const char *field, struct perr *err)
{
	if (text_ok(v, field, URL_MAX, false, err) != 0)
		return -1;
	const char *s = json_string_value(v);
	if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
		return perr_set(err, PERR_INVALID, field, "%s must be an http or https URL", field);
	for (const char *c = s; *c; c++)
		if (*c == ' ')
			return perr_set(err, PERR_INVALID, field, "%s holds a space", field);
	return 0;
}

/* CVE-YYYY-NNNN with four or more digits (MITRE's form since 2014),
** upper-cased. */
static int cve_norm(json_t *arr, size_t i, struct perr *err)
{
	char f[32];
	snprintf(f, sizeof(f), "cves[%zu]", i);
	json_t *v = json_array_get(arr, i);
	if (!json_is_string(v))
		return perr_set(err, PERR_INVALID, f, "%s must be a string", f);
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	char up[32];
	if (n < 13 || n >= sizeof(up))
		return perr_set(err, PERR_INVALID, f, "%s is not a CVE id (CVE-YYYY-NNNN)", f);
	for (size_t k = 0; k < n; k++)
		up[k] = (char)toupper((unsigned char)s[k]);
	up[n] = '\0';
	bool ok = strncmp(up, "CVE-", 4) == 0 && up[8] == '-';
	for (size_t k = 4; ok && k < 8; k++)
		ok = isdigit((unsigned char)up[k]);
	for (size_t k = 9; ok && k < n; k++)
		ok = isdigit((unsigned char)up[k]);
	if (!ok || up[4] == '0')
		return perr_set(err, PERR_INVALID, f, "%s is not a CVE id (CVE-YYYY-NNNN)", f);
	return json_array_set_new(arr, i, json_string(up)) == 0
		       ? 0
		       : perr_set(err, PERR_INTERNAL, NULL, "out of memory");
}

static int cves_norm(json_t *doc, struct perr *err)
{
	json_t *arr = json_object_get(doc, "cves");
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return perr_set(err, PERR_INVALID, "cves", "cves must be an array");
	if (json_array_size(arr) > ADVISORY_CVES_MAX)
		return perr_set(err, PERR_INVALID, "cves", "more than %d CVE ids",
				ADVISORY_CVES_MAX);
	for (size_t i = 0; i < json_array_size(arr); i++) {
		if (cve_norm(arr, i, err) != 0)
			return -1;
		/* a CVE named twice is named once */
		for (size_t j = 0; j < i; j++)
			if (json_equal(json_array_get(arr, j), json_array_get(arr, i))) {
				json_array_remove(arr, i--);
				break;
			}
	}
	return 0;
}

static int cvss_norm(json_t *doc, struct perr *err)
{
	json_object_del(doc, "cvss_score");
	json_object_del(doc, "severity");
	json_t *v = json_object_get(doc, "cvss");
	if (!v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0)) {
		json_object_del(doc, "cvss");
		return 0;
	}
	if (!json_is_string(v))
		return perr_set(err, PERR_INVALID, "cvss", "cvss must be a vector string");
	struct advisory_cvss c;
	if (advisory_cvss_parse(json_string_value(v), json_string_length(v), &c, err) != 0)
		return -1;
	if (json_object_set_new(doc, "cvss", json_string(c.vector)) != 0 ||
	    json_object_set_new(doc, "cvss_score", json_real(c.base)) != 0 ||
	    json_object_set_new(doc, "severity", json_string(c.severity)) != 0)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	return 0;
}

static int tlp_norm(json_t *doc, struct perr *err)
{
	json_t *v = json_object_get(doc, "tlp");
	if (!v) /* unlabelled is treated as limited to the recipients' organisations */
		return json_object_set_new(doc, "tlp", json_string("AMBER")) == 0
			       ? 0
			       : perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	if (!json_is_string(v) || json_string_length(v) > 16)
		return perr_set(err, PERR_INVALID, "tlp", "tlp must be one of CLEAR, GREEN, "
							  "AMBER, AMBER+STRICT, RED");
	const char *tlp = core_tlp_parse(json_string_value(v), json_string_length(v));
	if (!tlp)
		return perr_set(err, PERR_INVALID, "tlp", "tlp %s is not a TLP 2.0 label (CLEAR, "
							  "GREEN, AMBER, AMBER+STRICT, RED)",
				json_string_value(v));
	return json_object_set_new(doc, "tlp", json_string(tlp)) == 0
		       ? 0
		       : perr_set(err, PERR_INTERNAL, NULL, "out of memory");
}

/* A version bound or exact version: 1..127 bytes, printable, no spaces at
** the ends. */
static int version_text(json_t *p, const char *key, const char *prefix, struct perr *err)
{
	json_t *v = json_object_get(p, key);
	if (!v)
		return 0;
	char f[64];
	snprintf(f, sizeof(f), "%s.%s", prefix, key);
	if (json_is_string(v) && json_string_length(v) == 0) {
		json_object_del(p, key);
		return 0;
	}
	if (text_ok(v, f, VERSION_TEXT_MAX, false, err) != 0)
		return -1;
	const char *s = json_string_value(v);
	if (s[0] == ' ' || s[json_string_length(v) - 1] == ' ')
		return perr_set(err, PERR_INVALID, f, "%s has spaces at its ends", f);
	return 0;
}

static int bool_field(json_t *obj, const char *key, const char *field, bool def,
		      struct perr *err)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return json_object_set_new(obj, key, json_boolean(def)) == 0
			       ? 0
			       : perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	if (!json_is_boolean(v))
		return perr_set(err, PERR_INVALID, field, "%s must be true or false", field);
	return 0;
}

static int product_norm(json_t *p, size_t i, struct perr *err)
{
	char pre[48], f[96];
	snprintf(pre, sizeof(pre), "products[%zu]", i);
	if (!json_is_object(p))
		return perr_set(err, PERR_INVALID, pre, "%s must be an object", pre);
	static const char *const keys[] = { "cpe", "version", "start", "start_incl", "end",
					    "end_incl", "exposure", "name" };
	const char *k;
	json_t *v;
	json_object_foreach(p, k, v) {
		if (!in_list(k, keys, ARRAY_SIZE(keys))) {
			snprintf(f, sizeof(f), "%s.%s", pre, k);
			return perr_set(err, PERR_INVALID, f, "%s is not a product field", f);
		}
	}
	snprintf(f, sizeof(f), "%s.cpe", pre);
	json_t *cv = json_object_get(p, "cpe");
	if (!json_is_string(cv))
		return perr_set(err, PERR_INVALID, f, "%s (a CPE 2.3 name) is required", f);
	struct advisory_cpe cpe;
	if (advisory_cpe_parse(json_string_value(cv), json_string_length(cv), &cpe, err) != 0) {
		if (err)
			pstrtrunc(err->field, f, sizeof(err->field));
		return -1;
	}
	if (version_text(p, "version", pre, err) != 0 || version_text(p, "start", pre, err) != 0 ||
	    version_text(p, "end", pre, err) != 0)
		return -1;
	/* a CPE naming one version is that exact version: the version lives
	** in "version" and the name keeps ANY, so targeting reads one field */
	const char *cver = cpe.f[ADVISORY_CPE_VERSION];
	if (strcmp(cver, "*") != 0 && strcmp(cver, "-") != 0 && cver[0]) {
		json_t *have = json_object_get(p, "version");
		if (have && strcmp(json_string_value(have), cver) != 0)
			return perr_set(err, PERR_INVALID, f,
					"%s names version %s and version says %s", f, cver,
					json_string_value(have));
		if (!have && (json_object_get(p, "start") || json_object_get(p, "end")))
			return perr_set(err, PERR_INVALID, f,
					"%s names version %s and a range is given", f, cver);
		if (!have && json_object_set_new(p, "version", json_string(cver)) != 0)
			return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		PSTRCPY(cpe.f[ADVISORY_CPE_VERSION], "*");
	}
	char bound[ADVISORY_CPE_MAX];
	if (!advisory_cpe_format(&cpe, bound))
		return perr_set(err, PERR_INVALID, f, "%s is too long", f);
	if (json_object_set_new(p, "cpe", json_string(bound)) != 0)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	json_t *ver = json_object_get(p, "version"), *st = json_object_get(p, "start"),
	       *en = json_object_get(p, "end");
	if (ver && (st || en)) {
		snprintf(f, sizeof(f), "%s.version", pre);
		return perr_set(err, PERR_INVALID, f,
				"%s: an exact version or a range (start/end), not both", f);
	}
	snprintf(f, sizeof(f), "%s.start_incl", pre);
	if (bool_field(p, "start_incl", f, true, err) != 0)
		return -1;
	snprintf(f, sizeof(f), "%s.end_incl", pre);
	if (bool_field(p, "end_incl", f, false, err) != 0)
		return -1;
	if (!st)
		json_object_del(p, "start_incl");
	if (!en)
		json_object_del(p, "end_incl");
	if (st && en) {
		const char *a = json_string_value(st), *b = json_string_value(en);
		int c = advisory_version_cmp(a, strlen(a), b, strlen(b));
		bool incl = json_is_true(json_object_get(p, "start_incl")) &&
			    json_is_true(json_object_get(p, "end_incl"));
		if (c > 0 || (c == 0 && !incl)) {
			snprintf(f, sizeof(f), "%s.start", pre);
			return perr_set(err, PERR_INVALID, f,
					"%s: the range starts at %s, %s its end %s: no version "
					"is inside",
					f, a, c > 0 ? "after" : "at", b);
		}
	}
	json_t *ex = json_object_get(p, "exposure");
	if (ex) {
		snprintf(f, sizeof(f), "%s.exposure", pre);
		if (!json_is_string(ex) || json_string_length(ex) == 0 ||
		    json_string_length(ex) > EXPOSURE_MAX)
			return perr_set(err, PERR_INVALID, f, "%s must be a service name (1-%d "
							      "of a-z, 0-9, -)",
					f, EXPOSURE_MAX);
		for (const char *c = json_string_value(ex); *c; c++)
			if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '-'))
				return perr_set(err, PERR_INVALID, f,
						"%s must be a service name (a-z, 0-9, -)", f);
	}
	json_t *nm = json_object_get(p, "name");
	if (nm) {
		snprintf(f, sizeof(f), "%s.name", pre);
		if (text_ok(nm, f, TITLE_MAX, false, err) != 0)
			return -1;
	}
	return 0;
}

static int products_norm(json_t *doc, struct perr *err)
{
	json_t *arr = json_object_get(doc, "products");
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return perr_set(err, PERR_INVALID, "products", "products must be an array");
	if (json_array_size(arr) > ADVISORY_PRODUCTS_MAX)
		return perr_set(err, PERR_INVALID, "products", "more than %d products",
				ADVISORY_PRODUCTS_MAX);
	for (size_t i = 0; i < json_array_size(arr); i++)
		if (product_norm(json_array_get(arr, i), i, err) != 0)
			return -1;
	return 0;
}

static int actions_norm(json_t *doc, struct perr *err)
{
	json_t *arr = json_object_get(doc, "actions");
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return perr_set(err, PERR_INVALID, "actions", "actions must be an array");
	if (json_array_size(arr) > ACTIONS_MAX)
		return perr_set(err, PERR_INVALID, "actions", "more than %d actions", ACTIONS_MAX);
	char pre[48], f[96];
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *a = json_array_get(arr, i);
		snprintf(pre, sizeof(pre), "actions[%zu]", i);
		if (!json_is_object(a))
			return perr_set(err, PERR_INVALID, pre, "%s must be an object", pre);
		const char *k;
		json_t *v;
		json_object_foreach(a, k, v) {
			if (strcmp(k, "kind") != 0 && strcmp(k, "url") != 0 &&
			    strcmp(k, "text") != 0) {
				snprintf(f, sizeof(f), "%s.%s", pre, k);
				return perr_set(err, PERR_INVALID, f, "%s is not an action field",
						f);
			}
		}
		snprintf(f, sizeof(f), "%s.kind", pre);
		json_t *kind = json_object_get(a, "kind");
		if (!json_is_string(kind) ||
		    !in_list(json_string_value(kind), action_kinds, ARRAY_SIZE(action_kinds)))
			return perr_set(err, PERR_INVALID, f,
					"%s must be patch, workaround or mitigation", f);
		json_t *url = json_object_get(a, "url"), *text = json_object_get(a, "text");
		snprintf(f, sizeof(f), "%s.url", pre);
		if (url && url_ok(url, f, err) != 0)
			return -1;
		snprintf(f, sizeof(f), "%s.text", pre);
		if (text && lang_text(text, f, false, TEXT_MAX, true, err) != 0)
			return -1;
		if (text && json_object_size(text) == 0) {
			json_object_del(a, "text");
			text = NULL;
		}
		if (!url && !text)
			return perr_set(err, PERR_INVALID, pre, "%s needs a url or a text", pre);
	}
	return 0;
}

static int references_norm(json_t *doc, struct perr *err)
{
	json_t *arr = json_object_get(doc, "references");
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return perr_set(err, PERR_INVALID, "references", "references must be an array");
	if (json_array_size(arr) > REFERENCES_MAX)
		return perr_set(err, PERR_INVALID, "references", "more than %d references",
				REFERENCES_MAX);
	char pre[48], f[96];
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *r = json_array_get(arr, i);
		snprintf(pre, sizeof(pre), "references[%zu]", i);
		if (!json_is_object(r))
			return perr_set(err, PERR_INVALID, pre, "%s must be an object", pre);
		const char *k;
		json_t *v;
		json_object_foreach(r, k, v) {
			if (strcmp(k, "url") != 0 && strcmp(k, "summary") != 0) {
				snprintf(f, sizeof(f), "%s.%s", pre, k);
				return perr_set(err, PERR_INVALID, f, "%s is not a reference field",
						f);
			}
		}
		snprintf(f, sizeof(f), "%s.url", pre);
		json_t *url = json_object_get(r, "url");
		if (!url)
			return perr_set(err, PERR_INVALID, f, "%s is required", f);
		if (url_ok(url, f, err) != 0)
			return -1;
		json_t *sm = json_object_get(r, "summary");
		snprintf(f, sizeof(f), "%s.summary", pre);
		if (sm && text_ok(sm, f, TITLE_MAX * 2, false, err) != 0)
			return -1;
	}
	return 0;
}

static int audience_norm(json_t *doc, struct perr *err)
{
	json_t *a = json_object_get(doc, "audience");
	if (!a)
		return 0;
	if (!json_is_object(a))
		return perr_set(err, PERR_INVALID, "audience", "audience must be an object");
	char f[64];
	const char *k;
	json_t *v;
	json_object_foreach(a, k, v) {
		snprintf(f, sizeof(f), "audience.%s", k);
		if (strcmp(k, "all") == 0) {
			if (!json_is_boolean(v))
				return perr_set(err, PERR_INVALID, f, "%s must be true or false",
						f);
		} else if (strcmp(k, "sectors") == 0 || strcmp(k, "provinces") == 0) {
			if (!json_is_array(v) || json_array_size(v) > AUDIENCE_LIST_MAX)
				return perr_set(err, PERR_INVALID, f,
						"%s must be an array of at most %d names", f,
						AUDIENCE_LIST_MAX);
			for (size_t i = 0; i < json_array_size(v); i++) {
				snprintf(f, sizeof(f), "audience.%s[%zu]", k, i);
				if (text_ok(json_array_get(v, i), f, 63, false, err) != 0)
					return -1;
			}
		} else if (strcmp(k, "orgs") == 0) {
			if (!json_is_array(v) || json_array_size(v) > AUDIENCE_ORGS_MAX)
				return perr_set(err, PERR_INVALID, f,
						"%s must be an array of at most %d ids", f,
						AUDIENCE_ORGS_MAX);
			for (size_t i = 0; i < json_array_size(v); i++) {
				json_t *o = json_array_get(v, i);
				if (!json_is_integer(o) || json_integer_value(o) <= 0) {
					snprintf(f, sizeof(f), "audience.orgs[%zu]", i);
					return perr_set(err, PERR_INVALID, f,
							"%s must be an organisation id", f);
				}
			}
		} else {
			return perr_set(err, PERR_INVALID, f, "%s is not an audience field", f);
		}
	}
	return 0;
}

/* The deadline as "YYYY-MM-DDTHH:MM:SSZ" (UTC, whole seconds); *ms gets it. */
static int deadline_norm(json_t *doc, int64_t *ms, struct perr *err)
{
	*ms = 0;
	json_t *v = json_object_get(doc, "deadline");
	if (!v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0)) {
		json_object_del(doc, "deadline");
		return 0;
	}
	int64_t t;
	if (!json_is_string(v) || json_string_length(v) > 40 ||
	    core_parse_iso8601(json_string_value(v), &t) != 0)
		return perr_set(err, PERR_INVALID, "deadline",
				"deadline must be an ISO 8601 date or time (2026-12-20T00:00:00Z)");
	/* years 2000-9999: a deadline is a date someone must act by */
	if (t < 946684800000LL || t >= 253402300800000LL)
		return perr_set(err, PERR_INVALID, "deadline", "deadline is out of range");
	time_t secs = (time_t)(t / 1000);
	struct tm tm;
	char out[32];
	if (!gmtime_r(&secs, &tm) || strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return perr_set(err, PERR_INVALID, "deadline", "deadline is out of range");
	*ms = (t / 1000) * 1000;
	return json_object_set_new(doc, "deadline", json_string(out)) == 0
		       ? 0
		       : perr_set(err, PERR_INTERNAL, NULL, "out of memory");
}

static int ref_norm(json_t *doc, struct perr *err)
{
	json_t *v = json_object_get(doc, "ref");
	if (!v)
		return 0;
	if (json_is_string(v) && json_string_length(v) == 0) {
		json_object_del(doc, "ref");
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) > REF_MAX)
		return perr_set(err, PERR_INVALID, "ref", "ref must be 1-%d characters", REF_MAX);
	/* a tracking id as vendors write them (cisco-sa-20180328-smi2,
	** RHSA-2021:5186, BSI-2022-0001): it names files and mail subjects */
	for (const char *c = json_string_value(v); *c; c++)
		if (!(isalnum((unsigned char)*c) || strchr("-_.:+/", *c)))
			return perr_set(err, PERR_INVALID, "ref",
					"ref may hold only letters, digits and - _ . : + /");
	return 0;
}

int advisory_normalise(json_t *doc, struct perr *err)
{
	if (!json_is_object(doc))
		return perr_set(err, PERR_INVALID, NULL, "an advisory is a JSON object");
	for (size_t i = 0; i < ARRAY_SIZE(api_keys); i++)
		json_object_del(doc, api_keys[i]);
	const char *k;
	json_t *v;
	json_object_foreach(doc, k, v) {
		if (!in_list(k, doc_keys, ARRAY_SIZE(doc_keys)))
			return perr_set(err, PERR_INVALID, k, "%.60s is not an advisory field", k);
	}
	json_t *title = json_object_get(doc, "title");
	if (!title)
		return perr_set(err, PERR_INVALID, "title.en", "title.en is required");
	if (lang_text(title, "title", true, TITLE_MAX, false, err) != 0)
		return -1;
	json_t *summary = json_object_get(doc, "summary");
	if (summary && lang_text(summary, "summary", false, SUMMARY_MAX, true, err) != 0)
		return -1;
	json_t *ex = json_object_get(doc, "exploited");
	int64_t deadline;
	if (ref_norm(doc, err) != 0 || cves_norm(doc, err) != 0 || cvss_norm(doc, err) != 0 ||
	    tlp_norm(doc, err) != 0 || products_norm(doc, err) != 0 ||
	    actions_norm(doc, err) != 0 || references_norm(doc, err) != 0 ||
	    audience_norm(doc, err) != 0 || deadline_norm(doc, &deadline, err) != 0)
		return -1;
	if (!ex) {
		if (json_object_set_new(doc, "exploited", json_false()) != 0)
			return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	} else if (!json_is_boolean(ex)) {
		return perr_set(err, PERR_INVALID, "exploited", "exploited must be true or false");
	}
	json_t *src = json_object_get(doc, "source");
	if (src) {
		if (!json_is_object(src))
			return perr_set(err, PERR_INVALID, "source", "source must be an object");
		char *s = json_dumps(src, JSON_COMPACT);
		size_t n = s ? strlen(s) : 0;
		free(s);
		if (n > SOURCE_MAX)
			return perr_set(err, PERR_INVALID, "source", "source is larger than %d bytes",
					SOURCE_MAX);
	}
	return 0;
}

/* ------------------------------------------------------------- helpers */

static bool may_write(const struct principal *p)
{
	/* advisories are national: an analyst's or admin's credential narrowed
	** to one organisation or province may not write them */
	return !p || ((p->role == ROLE_ADMIN || p->role == ROLE_ANALYST) && !p->scope_org &&
		      !p->scope_province[0]);
}

/* Fill a store row from a normalised document (its text written in doc). */
static int row_from_doc(const json_t *doc, struct store_advisory *a, char **text,
			struct perr *err)
{
	*text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	if (!*text)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	if (strlen(*text) > ADVISORY_DOC_MAX)
		return perr_set(err, PERR_LIMIT, NULL, "the advisory is larger than %u bytes",
				ADVISORY_DOC_MAX);
	json_t *ref = json_object_get(doc, "ref");
	if (ref)
		pstrtrunc(a->ref, json_string_value(ref), sizeof(a->ref));
	pstrtrunc(a->title, json_string_value(json_object_get(json_object_get(doc, "title"),
							      "en")),
		  sizeof(a->title));
	pstrtrunc(a->tlp, json_string_value(json_object_get(doc, "tlp")), sizeof(a->tlp));
	json_t *sc = json_object_get(doc, "cvss_score");
	a->cvss_base = sc ? json_number_value(sc) : 0;
	json_t *sev = json_object_get(doc, "severity");
	pstrtrunc(a->severity, sev ? json_string_value(sev) : "", sizeof(a->severity));
	a->exploited = json_is_true(json_object_get(doc, "exploited"));
	a->deadline_ms = 0;
	json_t *dl = json_object_get(doc, "deadline");
	if (dl)
		core_parse_iso8601(json_string_value(dl), &a->deadline_ms);
	a->doc = *text;
	return 0;
}

static json_t *audit_min(const struct store_advisory *a)
{
	return json_pack("{sI ss sI ss ss ss sf sb}", "id", (json_int_t)a->id, "ref", a->ref,
			 "version", (json_int_t)a->version, "status", a->status, "title",
			 a->title, "tlp", a->tlp, "cvss", a->cvss_base, "exploited", a->exploited);
}

static int audit_adv(struct store *st, const char *actor, const char *action,
		     const struct store_advisory *before, const struct store_advisory *after,
		     const char *changes, struct perr *err)
{
	char obj[48];
	snprintf(obj, sizeof(obj), "advisory:%lld", (long long)after->id);
	json_t *ja = audit_min(after);
	if (ja && changes)
		json_object_set_new(ja, "changes", json_string(changes));
	return audit_append_json(st, actor ? actor : "parapet", action, obj,
				 before ? audit_min(before) : NULL, ja, err);
}

/* Copy of the row a store callback hands over (doc duplicated). */
struct row_copy {
	struct store_advisory a;
	char *doc;
};

static int copy_row(void *ud, const struct store_advisory *a)
{
	struct row_copy *c = ud;
	c->a = *a;
	free(c->doc);
	c->doc = strdup(a->doc);
	c->a.doc = c->doc;
	return c->doc ? 0 : 1;
}

static int load_row(struct store *st, int64_t id, int64_t version, struct row_copy *c,
		    struct perr *err)
{
	memset(c, 0, sizeof(*c));
	int rc = store_advisory_get(st, id, version, copy_row, c, err);
	if (rc > 0) /* copy_row's out of memory */
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	return rc == 0 ? 0 : -1;
}

/* ------------------------------------------------------- what changed */

static const char *en_of(const json_t *doc, const char *key)
{
	const char *s = json_string_value(json_object_get(json_object_get(doc, key), "en"));
	return s ? s : "";
}

static const char *str_or(const json_t *doc, const char *key, const char *none)
{
	const char *s = json_string_value(json_object_get(doc, key));
	return s ? s : none;
}

/* json_equal with two absent values equal (jansson says a NULL equals
** nothing). */
static bool same(const json_t *a, const json_t *b)
{
	return (!a && !b) || (a && b && json_equal((json_t *)a, (json_t *)b));
}

static bool arr_has(const json_t *arr, const json_t *v)
{
	for (size_t i = 0; i < json_array_size(arr); i++)
		if (json_equal(json_array_get(arr, i), (json_t *)v))
			return true;
	return false;
}

/* "+N -M" of two arrays' entries (compared whole), or "" when equal. */
static void arr_delta(struct pbuf *b, const char *name, const json_t *a, const json_t *z)
{
	size_t add = 0, del = 0;
	for (size_t i = 0; i < json_array_size(z); i++)
		add += !arr_has(a, json_array_get(z, i));
	for (size_t i = 0; i < json_array_size(a); i++)
		del += !arr_has(z, json_array_get(a, i));
	if (!add && !del)
		return;
	pbuf_addf(b, "%s%s:", b->len ? "; " : "", name);
	if (add)
		pbuf_addf(b, " +%zu", add);
	if (del)
		pbuf_addf(b, " -%zu", del);
}

/* The CVE ids added and removed, by name (a reader acts on them). */
static void cve_delta(struct pbuf *b, const json_t *a, const json_t *z)
{
	bool any = false;
	for (size_t i = 0; i < json_array_size(z); i++)
		if (!arr_has(a, json_array_get(z, i))) {
			pbuf_addf(b, "%s +%s", any ? "," : (b->len ? "; cves:" : "cves:"),
				  json_string_value(json_array_get(z, i)));
			any = true;
		}
	for (size_t i = 0; i < json_array_size(a); i++)
		if (!arr_has(z, json_array_get(a, i))) {
			pbuf_addf(b, "%s -%s", any ? "," : (b->len ? "; cves:" : "cves:"),
				  json_string_value(json_array_get(a, i)));
			any = true;
		}
}

static void field_delta(struct pbuf *b, const char *name, const char *x, const char *y)
{
	if (strcmp(x, y) != 0)
		pbuf_addf(b, "%s%s: %s -> %s", b->len ? "; " : "", name, x, y);
}

char *advisory_changes(const json_t *before, const json_t *after)
{
	struct pbuf b;
	pbuf_init(&b, CHANGES_MAX);
	field_delta(&b, "ref", str_or(before, "ref", "none"), str_or(after, "ref", "none"));
	if (strcmp(en_of(before, "title"), en_of(after, "title")) != 0 ||
	    !same(json_object_get(before, "title"), json_object_get(after, "title")))
		pbuf_addf(&b, "%stitle changed", b.len ? "; " : "");
	if (!same(json_object_get(before, "summary"), json_object_get(after, "summary")))
		pbuf_addf(&b, "%ssummary changed", b.len ? "; " : "");
	cve_delta(&b, json_object_get(before, "cves"), json_object_get(after, "cves"));
	const char *c0 = str_or(before, "cvss", "none"), *c1 = str_or(after, "cvss", "none");
	if (strcmp(c0, c1) != 0) {
		char x[32] = "none", y[32] = "none";
		json_t *s0 = json_object_get(before, "cvss_score"),
		       *s1 = json_object_get(after, "cvss_score");
		if (s0)
			snprintf(x, sizeof(x), "%.1f %s", json_number_value(s0),
				 str_or(before, "severity", ""));
		if (s1)
			snprintf(y, sizeof(y), "%.1f %s", json_number_value(s1),
				 str_or(after, "severity", ""));
		if (strcmp(x, y) != 0)
			field_delta(&b, "cvss", x, y);
		else
			field_delta(&b, "cvss", c0, c1);
	}
	field_delta(&b, "tlp", str_or(before, "tlp", "none"), str_or(after, "tlp", "none"));
	field_delta(&b, "exploited",
		    json_is_true(json_object_get(before, "exploited")) ? "yes" : "no",
		    json_is_true(json_object_get(after, "exploited")) ? "yes" : "no");
	arr_delta(&b, "products", json_object_get(before, "products"),
		  json_object_get(after, "products"));
	arr_delta(&b, "actions", json_object_get(before, "actions"),
		  json_object_get(after, "actions"));
	field_delta(&b, "deadline", str_or(before, "deadline", "none"),
		    str_or(after, "deadline", "none"));
	arr_delta(&b, "references", json_object_get(before, "references"),
		  json_object_get(after, "references"));
	if (!same(json_object_get(before, "audience"), json_object_get(after, "audience")))
		pbuf_addf(&b, "%saudience changed", b.len ? "; " : "");
	if (!same(json_object_get(before, "source"), json_object_get(after, "source")))
		pbuf_addf(&b, "%ssource changed", b.len ? "; " : "");
	if (pbuf_failed(&b))
		pbuf_keep_prefix(&b);
	if (b.len == 0)
		pbuf_adds(&b, "no change");
	return pbuf_take(&b);
}

/* -------------------------------------------------------------- writes */

int advisory_create(struct store *st, const struct config *cfg, const struct principal *p,
		    const char *actor, json_t *doc, int64_t *id, struct perr *err)
{
	(void)cfg;
	int rc = -1;
	char *text = NULL;
	struct store_advisory a;
	memset(&a, 0, sizeof(a));
	if (!may_write(p))
		return perr_set(err, PERR_FORBIDDEN, NULL,
				"only analysts and admins write advisories");
	if (advisory_normalise(doc, err) != 0)
		return -1;
	int64_t now = core_now_ms();
	if (!json_object_get(doc, "ref")) {
		time_t secs = (time_t)(now / 1000);
		struct tm tm;
		gmtime_r(&secs, &tm);
		int64_t n;
		if (store_advisory_next_ref(st, tm.tm_year + 1900, &n, err) != 0)
			return -1;
		char ref[32];
		snprintf(ref, sizeof(ref), "PARAPET-%04d-%04lld", tm.tm_year + 1900, (long long)n);
		if (json_object_set_new(doc, "ref", json_string(ref)) != 0)
			return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	}
	if (row_from_doc(doc, &a, &text, err) != 0)
		goto out;
	PSTRCPY(a.status, "draft");
	pstrtrunc(a.actor, actor ? actor : "parapet", sizeof(a.actor));
	a.created_ms = a.updated_ms = now;
	if (store_advisory_insert(st, &a, err) != 0 ||
	    audit_adv(st, actor, "advisory.create", NULL, &a, NULL, err) != 0)
		goto out;
	*id = a.id;
	rc = 0;
out:
	free(text);
	return rc;
}

int advisory_update(struct store *st, const struct config *cfg, const struct principal *p,
		    const char *actor, int64_t id, json_t *doc, const char *changes,
		    struct perr *err)
{
	int rc = -1;
	char *text = NULL, *computed = NULL;
	json_t *old = NULL;
	struct row_copy cur = { 0 };
	if (!may_write(p))
		return perr_set(err, PERR_FORBIDDEN, NULL,
				"only analysts and admins write advisories");
	if (changes && (strlen(changes) > CHANGES_MAX || !utf8_valid(changes, strlen(changes))))
		return perr_set(err, PERR_INVALID, "changes", "changes must be at most %d bytes "
							      "of text",
				CHANGES_MAX);
	if (load_row(st, id, 0, &cur, err) != 0)
		goto out;
	if (advisory_normalise(doc, err) != 0)
		goto out;
	/* a document without ref keeps the advisory's */
	if (!json_object_get(doc, "ref") &&
	    json_object_set_new(doc, "ref", json_string(cur.a.ref)) != 0) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	old = json_loads(cur.doc, 0, NULL);
	if (!old) {
		perr_set(err, PERR_INTERNAL, NULL, "advisory %lld: stored document unreadable",
			 (long long)id);
		goto out;
	}
	if (json_equal(old, doc)) { /* the same document again: no new version */
		rc = 0;
		goto out;
	}
	if (!changes || !changes[0]) {
		computed = advisory_changes(old, doc);
		if (!computed) {
			perr_set(err, PERR_INTERNAL, NULL, "out of memory");
			goto out;
		}
		changes = computed;
	}
	struct store_advisory a = cur.a;
	if (row_from_doc(doc, &a, &text, err) != 0)
		goto out;
	a.version = cur.a.version + 1;
	pstrtrunc(a.actor, actor ? actor : "parapet", sizeof(a.actor));
	a.updated_ms = core_now_ms();
	if (store_advisory_update(st, &a, changes, err) != 0 ||
	    audit_adv(st, actor, "advisory.update", &cur.a, &a, changes, err) != 0)
		goto out;
	if (strcmp(a.status, "published") == 0 &&
	    advisory_notify_update(st, cfg, id, a.version, changes, err) != 0)
		goto out;
	rc = 0;
out:
	free(text);
	free(computed);
	free(cur.doc);
	json_decref(old);
	return rc;
}

/* --------------------------------------------------------------- reads */

/* The organisation p's reads are limited to (0 = none): a constituent's,
** or a credential narrowed to one organisation. */
static int64_t read_org(const struct principal *p)
{
	if (!p)
		return 0;
	const char *prov;
	int64_t org;
	identity_list_scope(p, &prov, &org);
	if (!org && p->role == ROLE_CONSTITUENT)
		org = p->org_id > 0 ? p->org_id : -1; /* no organisation: sees nothing */
	return org;
}

/* May p read advisory id? state gets the organisation's target state ("" for
** staff). Out of scope is PERR_NOTFOUND, as if absent. */
static int may_read(struct store *st, const struct principal *p, int64_t id, char state[16],
		    struct perr *err)
{
	state[0] = '\0';
	int64_t org = read_org(p);
	if (!org)
		return 0;
	if (org < 0 || store_advisory_target_state_get(st, id, org, state, err) != 0) {
		if (err && err->kind == PERR_INTERNAL)
			return -1;
		return perr_set(err, PERR_NOTFOUND, NULL, "advisory not found");
	}
	return 0;
}

static int set_time(json_t *o, const char *key, int64_t ms)
{
	return json_object_set_new(o, key, core_json_time(ms));
}

int advisory_get(struct store *st, const struct principal *p, int64_t id, int64_t version,
		 json_t **out, struct perr *err)
{
	*out = NULL;
	char state[16];
	struct row_copy c = { 0 };
	if (may_read(st, p, id, state, err) != 0)
		return -1;
	if (load_row(st, id, version, &c, err) != 0) {
		free(c.doc);
		return -1;
	}
	json_t *j = json_loads(c.doc, 0, NULL);
	free(c.doc);
	if (!j)
		return perr_set(err, PERR_INTERNAL, NULL, "advisory %lld: stored document unreadable",
				(long long)id);
	int bad = json_object_set_new(j, "id", json_integer(c.a.id)) |
		  json_object_set_new(j, "version", json_integer(c.a.version)) |
		  json_object_set_new(j, "status", json_string(c.a.status)) |
		  set_time(j, "created", c.a.created_ms) | set_time(j, "updated", c.a.updated_ms) |
		  set_time(j, "published", c.a.published_ms);
	if (state[0])
		bad |= json_object_set_new(j, "target", json_pack("{ss}", "state", state));
	if (bad) {
		json_decref(j);
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	}
	*out = j;
	return 0;
}

static int version_item(void *ud, const struct store_advisory_version *v)
{
	json_t *arr = ud;
	json_t *o = json_pack("{sI ss ss so}", "version", (json_int_t)v->version, "changes",
			      v->changes, "actor", v->actor, "created",
			      core_json_time(v->created_ms));
	return o && json_array_append_new(arr, o) == 0 ? 0 : -1;
}

int advisory_history(struct store *st, const struct principal *p, int64_t id, json_t **out,
		     struct perr *err)
{
	*out = NULL;
	char state[16];
	struct row_copy c = { 0 };
	if (may_read(st, p, id, state, err) != 0)
		return -1;
	/* an advisory that does not exist is NOTFOUND, not an empty history */
	int rc = load_row(st, id, 0, &c, err);
	free(c.doc);
	if (rc != 0)
		return -1;
	json_t *arr = json_array();
	if (!arr)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	rc = store_advisory_version_list(st, id, version_item, arr, err);
	if (rc != 0) {
		json_decref(arr);
		return rc > 0 ? perr_set(err, PERR_INTERNAL, NULL, "out of memory") : -1;
	}
	*out = arr;
	return 0;
}

struct list_ctx {
	json_t *items;
	int64_t limit, n, last_id;
	bool more;
};

static int list_item(void *ud, const struct store_advisory *a)
{
	struct list_ctx *c = ud;
	if (c->n >= c->limit) { /* the one row past the page: there is a next page */
		c->more = true;
		return 1;
	}
	json_t *doc = json_loads(a->doc, 0, NULL);
	json_t *title = doc ? json_object_get(doc, "title") : NULL;
	json_t *cves = doc ? json_object_get(doc, "cves") : NULL;
	json_t *dl = doc ? json_object_get(doc, "deadline") : NULL;
	json_t *o = json_pack("{sI ss sI ss so ss sf ss sb so so so so}", "id", (json_int_t)a->id,
			      "ref", a->ref, "version", (json_int_t)a->version, "status",
			      a->status, "title",
			      title ? json_incref(title) : json_pack("{ss}", "en", a->title),
			      "tlp", a->tlp, "cvss_score", a->cvss_base, "severity", a->severity,
			      "exploited", a->exploited, "deadline",
			      dl ? json_incref(dl) : json_null(),
			      "updated", core_json_time(a->updated_ms), "published",
			      core_json_time(a->published_ms), "cves",
			      cves ? json_incref(cves) : json_array());
	if (o && a->target_state[0])
		json_object_set_new(o, "target", json_pack("{ss}", "state", a->target_state));
	json_decref(doc);
	if (!o || json_array_append_new(c->items, o) != 0)
		return -1;
	c->n++;
	c->last_id = a->id;
	return 0;
}

int advisory_list(struct store *st, const struct principal *p, const struct advisory_filter *f,
		  json_t **out, struct perr *err)
{
	*out = NULL;
	struct advisory_filter none = { 0 };
	if (!f)
		f = &none;
	if (f->status && f->status[0] && !in_list(f->status, statuses, ARRAY_SIZE(statuses)))
		return perr_set(err, PERR_INVALID, "status",
				"status must be draft, published or withdrawn");
	if (f->limit < 0 || f->limit > 1000)
		return perr_set(err, PERR_INVALID, "limit", "limit must be 1-1000");
	if (f->before_id < 0)
		return perr_set(err, PERR_INVALID, "before", "before must be an id");
	if (f->q && (strlen(f->q) > Q_MAX || !utf8_valid(f->q, strlen(f->q))))
		return perr_set(err, PERR_INVALID, "q", "q must be at most %d bytes of text",
				Q_MAX);
	int64_t org = read_org(p);
	if (org < 0) { /* a constituent without an organisation sees none */
		*out = json_pack("{s[] sn}", "items", "next");
		return *out ? 0 : perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	}
	struct list_ctx c = { .items = json_array(), .limit = f->limit ? f->limit : 100 };
	if (!c.items)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	struct store_advisory_query q = { .status = f->status, .q = f->q, .org = org,
					  .before_id = f->before_id, .limit = c.limit + 1 };
	int rc = store_advisory_list(st, &q, list_item, &c, err);
	if (rc < 0 || (rc > 0 && !c.more)) {
		json_decref(c.items);
		return rc < 0 ? -1 : perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	}
	*out = json_pack("{so so}", "items", c.items, "next",
			 c.more ? json_integer(c.last_id) : json_null());
	return *out ? 0 : perr_set(err, PERR_INTERNAL, NULL, "out of memory");
}
