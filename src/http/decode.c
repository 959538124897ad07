/*
** decode.c — strict decoding of JSON request bodies.
**
** A handler declares the fields it accepts (name, type, bounds, required)
** and gets them decoded or a precise error: which field, what is wrong.
** Strictness is a security property here: an unknown field is refused rather
** than ignored, so a client's typo ("provence") never silently falls back to
** a default, and nothing can smuggle a field a later version would honour.
** jansson parses with duplicate keys refused and NUL bytes in strings
** refused; bodies are size-limited before they reach this code.
** Also the query decoding every paged list shares (cursor and limit) and
** the cursor's way back out (a string), so that the lists agree.
*/
#include "http/http.h"

#include <stdio.h>
#include <string.h>

static const char *type_name(enum jfield_type t)
{
	return t == JF_STRING ? "a string"
	       : t == JF_INT  ? "an integer"
	       : t == JF_BOOL ? "true or false"
			      : "an object";
}

int http_decode(const char *body, size_t len, const struct jfield *fields, size_t n,
		json_t **root, struct perr *err)
{
	*root = NULL;
	if (len == 0)
		return perr_set(err, PERR_INVALID, NULL, "a JSON object body is required");
	json_error_t je;
	json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		return perr_set(err, PERR_INVALID, NULL, "malformed JSON at line %d column %d: %s",
				je.line, je.column, je.text);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return perr_set(err, PERR_INVALID, NULL, "the body must be a JSON object");
	}
	const char *key;
	json_t *val;
	json_object_foreach(doc, key, val)
	{
		size_t i;
		for (i = 0; i < n; i++)
			if (strcmp(fields[i].name, key) == 0)
				break;
		if (i == n) {
			perr_set(err, PERR_INVALID, key, "unknown field \"%.48s\"", key);
			goto fail;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct jfield *f = &fields[i];
		json_t *v = json_object_get(doc, f->name);
		if (f->present)
			*f->present = v != NULL && !json_is_null(v);
		if (!v || json_is_null(v)) {
			if (f->required) {
				perr_set(err, PERR_INVALID, f->name, "%s is required", f->name);
				goto fail;
			}
			continue;
		}
		switch (f->type) {
		case JF_STRING: {
			if (!json_is_string(v))
				goto wrong;
			size_t l = json_string_length(v);
			if (l > f->maxlen) {
				perr_set(err, PERR_INVALID, f->name,
					 "%s is longer than %zu bytes", f->name, f->maxlen);
				goto fail;
			}
			*(const char **)f->out = json_string_value(v);
			break;
		}
		case JF_INT: {
			if (!json_is_integer(v))
				goto wrong;
			json_int_t x = json_integer_value(v);
			if (x < f->min || x > f->max) {
				perr_set(err, PERR_INVALID, f->name, "%s must be from %lld to %lld",
					 f->name, (long long)f->min, (long long)f->max);
				goto fail;
			}
			*(int64_t *)f->out = (int64_t)x;
			break;
		}
		case JF_BOOL:
			if (!json_is_boolean(v))
				goto wrong;
			*(bool *)f->out = json_is_true(v);
			break;
		case JF_OBJECT:
			if (!json_is_object(v))
				goto wrong;
			*(json_t **)f->out = v;
			break;
		}
		continue;
wrong:
		perr_set(err, PERR_INVALID, f->name, "%s must be %s", f->name,
			 type_name(f->type));
		goto fail;
	}
	*root = doc;
	return 0;
fail:
	json_decref(doc);
	return -1;
}

int http_list_page(struct http_req *rq, struct http_resp *rs, int64_t *cursor, int64_t *limit)
{
	const char *c = http_query(rq, "cursor"), *l = http_query(rq, "limit");
	if (c && parse_i64(c, 1, INT64_MAX, cursor) != 0) {
		http_bad(rs, "cursor", "malformed cursor");
		return -1;
	}
	if (l && parse_i64(l, 1, 1000, limit) != 0) {
		http_bad(rs, "limit", "limit must be from 1 to 1000");
		return -1;
	}
	return 0;
}

void http_next_as_string(json_t *body)
{
	json_t *next = json_object_get(body, "next");
	if (json_is_integer(next)) {
		char nt[32];
		snprintf(nt, sizeof(nt), "%lld", (long long)json_integer_value(next));
		json_object_set_new(body, "next", json_string(nt));
	}
}
