/*
** fuzz_json.c -- libFuzzer target for strict JSON request decoding.
**
** http_decode() is the first code every API request body meets, before any
** authorisation decision that depends on the body, so it must hold its
** contract for any bytes at all.  The first input byte picks one of a set of
** field specs copied from the handlers in src/http/routes.c (log-in,
** organisation create and patch, asset, contact, user, team, team member,
** token, password change) plus one synthetic spec with awkward bounds
** (negative minimum, zero-length strings, a required bool); bit 0x40 of that
** byte drops the "present" pointers, as most handlers do.  The rest of the
** input is the body.  Seeds in fuzz/corpus/json/ start with the spec's
** index as an ASCII character: '0'..'9', then ':' for the password change.
**
** Checked on success: the document is an object holding only declared keys;
** every required field is present with a non-NULL output; each string output
** points at the document's own value, fits maxlen, has no NUL and is valid
** UTF-8 (handlers copy them into fixed buffers and SQL without re-checking);
** each integer is within its bounds and each bool matches the document;
** "present" flags agree with the document; absent optional fields leave their
** outputs untouched.  Checked on failure: no document is returned and the
** error carries a kind and a message for the problem response.  Decoding is
** run twice to check it is deterministic, and the root is released so
** LeakSanitizer sees any leak.  A broken check calls abort().
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "http/http.h"

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "fuzz_json: check failed: %s (line %d)\n", \
				#cond, __LINE__);                                \
			abort();                                                 \
		}                                                                \
	} while (0)

#define MAXF 8

/* A spec as the handlers write it, minus the output pointers, which are
** attached per run. */
struct spec {
	const char *what;
	size_t n;
	struct jfield f[MAXF];
};

static const struct spec specs[] = {
	{ "login", 2, {
		{ "login", JF_STRING, true, 63, 0, 0, NULL, NULL },
		{ "password", JF_STRING, true, 1024, 0, 0, NULL, NULL } } },
	{ "org create", 4, {
		{ "name", JF_STRING, true, 255, 0, 0, NULL, NULL },
		{ "sector", JF_STRING, false, 63, 0, 0, NULL, NULL },
		{ "province", JF_STRING, true, 63, 0, 0, NULL, NULL },
		{ "parent", JF_INT, false, 0, 1, INT64_MAX, NULL, NULL } } },
	{ "org patch", 4, {
		{ "name", JF_STRING, false, 255, 0, 0, NULL, NULL },
		{ "sector", JF_STRING, false, 63, 0, 0, NULL, NULL },
		{ "province", JF_STRING, false, 63, 0, 0, NULL, NULL },
		{ "parent", JF_INT, false, 0, 1, INT64_MAX, NULL, NULL } } },
	{ "asset", 2, {
		{ "type", JF_STRING, true, 15, 0, 0, NULL, NULL },
		{ "value", JF_STRING, true, 500, 0, 0, NULL, NULL } } },
	{ "contact", 6, {
		{ "name", JF_STRING, true, 127, 0, 0, NULL, NULL },
		{ "email", JF_STRING, true, 255, 0, 0, NULL, NULL },
		{ "phone", JF_STRING, false, 63, 0, 0, NULL, NULL },
		{ "role", JF_STRING, false, 63, 0, 0, NULL, NULL },
		{ "lang", JF_STRING, false, 3, 0, 0, NULL, NULL },
		{ "pgp", JF_STRING, false, 63, 0, 0, NULL, NULL } } },
	{ "user", 5, {
		{ "login", JF_STRING, true, 63, 0, 0, NULL, NULL },
		{ "role", JF_STRING, true, 15, 0, 0, NULL, NULL },
		{ "org", JF_INT, false, 0, 1, INT64_MAX, NULL, NULL },
		{ "province", JF_STRING, false, 63, 0, 0, NULL, NULL },
		{ "password", JF_STRING, true, 1024, 0, 0, NULL, NULL } } },
	{ "team", 2, {
		{ "name", JF_STRING, true, 127, 0, 0, NULL, NULL },
		{ "province", JF_STRING, false, 63, 0, 0, NULL, NULL } } },
	{ "team member", 1, {
		{ "user", JF_INT, true, 0, 1, INT64_MAX, NULL, NULL } } },
	{ "token", 4, {
		{ "name", JF_STRING, false, 127, 0, 0, NULL, NULL },
		{ "readonly", JF_BOOL, false, 0, 0, 0, NULL, NULL },
		{ "org", JF_INT, false, 0, 1, INT64_MAX, NULL, NULL },
		{ "province", JF_STRING, false, 63, 0, 0, NULL, NULL } } },
	{ "synthetic", 5, {
		{ "empty", JF_STRING, false, 0, 0, 0, NULL, NULL },
		{ "small", JF_INT, false, 0, -5, 5, NULL, NULL },
		{ "wide", JF_INT, false, 0, INT64_MIN, INT64_MAX, NULL, NULL },
		{ "flag", JF_BOOL, true, 0, 0, 0, NULL, NULL },
		{ "s", JF_STRING, false, 1, 0, 0, NULL, NULL } } },
	{ "password change", 2, {
		{ "current", JF_STRING, true, 1024, 0, 0, NULL, NULL },
		{ "new", JF_STRING, true, 1024, 0, 0, NULL, NULL } } },
};
#define NSPECS (sizeof(specs) / sizeof(specs[0]))

/* Sentinels: an output still holding one was not written. */
static const char untouched_str[] = "untouched";
#define UNTOUCHED_INT INT64_C(0x5eed5eed5eed)

struct outputs {
	const char *s[MAXF];
	int64_t i[MAXF];
	bool b[MAXF];
	bool present[MAXF];
};

static void attach(const struct spec *sp, struct jfield *f, struct outputs *o, bool with_present)
{
	for (size_t k = 0; k < sp->n; k++) {
		f[k] = sp->f[k];
		o->s[k] = untouched_str;
		o->i[k] = UNTOUCHED_INT;
		o->b[k] = false;
		o->present[k] = true; /* must be overwritten when asked for */
		f[k].out = f[k].type == JF_STRING ? (void *)&o->s[k]
			 : f[k].type == JF_INT  ? (void *)&o->i[k]
						: (void *)&o->b[k];
		f[k].present = with_present ? &o->present[k] : NULL;
	}
}

static bool declared(const struct spec *sp, const char *key)
{
	for (size_t k = 0; k < sp->n; k++)
		if (strcmp(sp->f[k].name, key) == 0)
			return true;
	return false;
}

static void check_success(const struct spec *sp, const struct jfield *f,
			  const struct outputs *o, bool with_present, json_t *root)
{
	CHECK(root != NULL);
	CHECK(json_is_object(root));
	const char *key;
	json_t *val;
	json_object_foreach(root, key, val) CHECK(declared(sp, key));

	for (size_t k = 0; k < sp->n; k++) {
		json_t *v = json_object_get(root, f[k].name);
		bool given = v != NULL && !json_is_null(v);
		if (with_present)
			CHECK(o->present[k] == given);
		if (f[k].required)
			CHECK(given);
		if (!given) {
			/* absent optional fields keep whatever the handler put there */
			if (f[k].type == JF_STRING)
				CHECK(o->s[k] == untouched_str);
			else if (f[k].type == JF_INT)
				CHECK(o->i[k] == UNTOUCHED_INT);
			continue;
		}
		switch (f[k].type) {
		case JF_STRING: {
			const char *s = o->s[k];
			CHECK(s != NULL && s != untouched_str);
			CHECK(json_is_string(v));
			CHECK(s == json_string_value(v));
			size_t n = strlen(s);
			CHECK(n == json_string_length(v)); /* no embedded NUL */
			CHECK(n <= f[k].maxlen);
			CHECK(utf8_valid(s, n));
			break;
		}
		case JF_INT:
			CHECK(json_is_integer(v));
			CHECK(o->i[k] >= f[k].min && o->i[k] <= f[k].max);
			CHECK(o->i[k] == (int64_t)json_integer_value(v));
			break;
		case JF_BOOL:
			CHECK(json_is_boolean(v));
			CHECK(o->b[k] == json_is_true(v));
			break;
		case JF_OBJECT:
			/* no spec here takes an object; an object field must be one */
			CHECK(json_is_object(v));
			break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const struct spec *sp = &specs[(data[0] & 0x0f) % NSPECS];
	bool with_present = (data[0] & 0x40) == 0;
	/* A private copy of exactly the body, so ASan flags any read past it
	** (the server's body buffer is not NUL-terminated either). */
	size_t len = size - 1;
	char *body = malloc(len ? len : 1);
	CHECK(body != NULL);
	if (len)
		memcpy(body, data + 1, len);

	int first_rc = 0;
	for (int round = 0; round < 2; round++) {
		struct jfield f[MAXF];
		struct outputs o;
		struct perr err;
		json_t *root = (json_t *)(uintptr_t)1; /* must be reset on every path */
		memset(&err, 0, sizeof(err));
		attach(sp, f, &o, with_present);

		int rc = http_decode(body, len, f, sp->n, &root, &err);
		CHECK(rc == 0 || rc == -1);
		if (round == 0)
			first_rc = rc;
		else
			CHECK(rc == first_rc);
		if (rc == 0) {
			check_success(sp, f, &o, with_present, root);
			json_decref(root);
		} else {
			CHECK(root == NULL);
			CHECK(err.kind == PERR_INVALID);
			CHECK(err.msg[0] != '\0');
			CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
			CHECK(memchr(err.field, '\0', sizeof(err.field)) != NULL);
			/* a named culprit is a declared field or an unknown key */
			if (err.field[0] && !declared(sp, err.field))
				CHECK(strstr(err.msg, "unknown field") != NULL);
		}
	}
	free(body);
	return 0;
}
