/*
** fuzz_posture.c -- libFuzzer target for the security-posture grade and its
** three parsers of outside data (HSTS, CSP, security.txt).
**
** Every header value and every security.txt body the monitor hands to the
** posture module comes from a server that may be hostile. The input is used
** two ways:
**
**   1. raw, as one HSTS value, one CSP value and one security.txt body (NUL
**      bytes included): each parser must return and leave a sane report
**      (HSTS valid with a max-age in range or invalid with a reason; CSP
**      within its caps and consistent — no policy means everything allowed;
**      security.txt counts within caps, kept values valid UTF-8 and short
**      enough, the error bits known and coherent);
**   2. as a whole site: a 4-byte header of flags (TLS versions, https
**      missing, chain and host name valid, the http:// state, how far the
**      certificate's notAfter is, whether notBefore and the body are known,
**      which of the eight text fields are present), then eight NUL-separated
**      text fields (Strict-Transport-Security, Content-Security-Policy,
**      X-Frame-Options, X-Content-Type-Options, Server, X-Powered-By, the
**      security.txt Content-Type, the chain error) and the rest as the
**      security.txt body (with the third flag byte 0xff, the CSP value and
**      the body are repeated past their caps). posture_judge() must succeed and give a result
**      whose penalties add up to 100 - score, whose grade is no better than
**      its score's letter (A+ only without findings), whose findings are
**      distinct with printable-ASCII explanations, and whose JSON renders.
**      The last few results are also graded together as an organisation.
**
** Seeds in fuzz/corpus/posture/ are whole sites in the second layout. A
** broken check calls abort(); leaks are LeakSanitizer's; hangs are
** libFuzzer's -timeout.
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "posture/posture.h"

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "fuzz_posture: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                              \
			abort();                                                        \
		}                                                                       \
	} while (0)

#define NOW_MS 1772366400000LL /* 2026-03-01T12:00:00Z */
#define DAY_MS 86400000LL
#define NFIELDS 8

static void check_hsts(const struct posture_hsts *h)
{
	if (h->valid) {
		CHECK(h->error == NULL);
		CHECK(h->max_age >= 0 && h->max_age <= 1000000000000LL);
	} else {
		CHECK(h->error != NULL && h->error[0] != '\0');
		CHECK(h->max_age == -1);
		CHECK(!h->include_subdomains && !h->preload);
	}
}

static void check_csp(const struct posture_csp *c)
{
	CHECK(c->npolicies <= POSTURE_CSP_POLICIES_MAX);
	CHECK(c->present == (c->npolicies > 0));
	CHECK(!c->frame_protected || c->frame_ancestors);
	CHECK(!c->default_src || c->script_restricted);
	if (!c->script_restricted)
		CHECK(c->unsafe_inline && c->unsafe_eval && c->script_any_host);
	if (!c->present)
		CHECK(!c->frame_ancestors && !c->default_src);
}

static void check_value(const char *v, bool nonempty)
{
	size_t n = strnlen(v, POSTURE_STXT_VALUE_MAX);
	CHECK(n < POSTURE_STXT_VALUE_MAX);
	CHECK(!nonempty || n > 0);
	CHECK(utf8_valid(v, n));
}

static void check_stxt(const struct posture_stxt *s, bool present)
{
	CHECK(s->present == present);
	if (!present) {
		CHECK(s->errors == 0 && s->ncontacts == 0 && s->nlines == 0);
		return;
	}
	CHECK((s->errors & ~(unsigned)POSTURE_STXT_E_ALL) == 0);
	CHECK(s->nlines <= POSTURE_STXT_LINES_MAX);
	CHECK(s->ncontacts <= POSTURE_STXT_CONTACTS_MAX);
	CHECK(s->ncontacts <= s->contact_fields);
	CHECK((s->contact_fields == 0) == !!(s->errors & POSTURE_STXT_E_NO_CONTACT));
	if (s->errors & POSTURE_STXT_E_NO_EXPIRES)
		CHECK(!s->has_expires && !(s->errors & POSTURE_STXT_E_BAD_EXPIRES));
	if (s->has_expires)
		CHECK(!(s->errors & POSTURE_STXT_E_BAD_EXPIRES));
	else
		CHECK(!(s->errors & (POSTURE_STXT_E_EXPIRED | POSTURE_STXT_E_EXPIRES_FAR)));
	CHECK(!(s->errors & POSTURE_STXT_E_EXPIRED) || !(s->errors & POSTURE_STXT_E_EXPIRES_FAR));
	for (unsigned i = 0; i < s->ncontacts; i++)
		check_value(s->contacts[i], true);
	check_value(s->encryption, false);
	check_value(s->policy, false);
	check_value(s->canonical, false);
	check_value(s->languages, false);
	for (unsigned bit = 1; bit <= POSTURE_STXT_E_ALL; bit <<= 1)
		CHECK(posture_stxt_error_name(bit) != NULL);
}

static void check_json(json_t *j)
{
	CHECK(j != NULL);
	char *s = json_dumps(j, JSON_COMPACT);
	CHECK(s != NULL);
	free(s);
	json_decref(j);
}

static void check_result(const struct posture_result *r)
{
	CHECK(r->score >= 0 && r->score <= 100);
	CHECK((unsigned)r->grade < POSTURE_GRADES);
	CHECK(r->nfindings <= POSTURE_FINDINGS_MAX);
	int sum = 0;
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct posture_finding *f = &r->findings[i];
		CHECK(f->id != NULL && f->id[0] != '\0' && f->fix != NULL);
		CHECK(f->penalty >= 0 && f->penalty <= 60);
		CHECK((unsigned)f->severity <= POSTURE_CRITICAL);
		CHECK((f->severity == POSTURE_INFO) <= (f->penalty == 0));
		CHECK((unsigned)f->cap < POSTURE_GRADES);
		size_t tl = strnlen(f->text, POSTURE_TEXT_MAX);
		CHECK(tl > 0 && tl < POSTURE_TEXT_MAX);
		for (size_t k = 0; k < tl; k++)
			CHECK(f->text[k] >= 0x20 && f->text[k] < 0x7f);
		for (size_t k = 0; k < i; k++)
			CHECK(strcmp(f->id, r->findings[k].id) != 0);
		CHECK(r->grade >= f->cap);
		sum += f->penalty;
	}
	CHECK(r->score == (sum >= 100 ? 0 : 100 - sum));
	enum posture_grade letter = posture_grade_of_score(r->score);
	if (r->grade == POSTURE_A_PLUS)
		CHECK(r->nfindings == 0 && r->score == 100);
	else
		CHECK(r->grade >= letter);
	if (r->capped_by)
		CHECK(posture_find(r, r->capped_by) != NULL && r->grade > letter);
	if (r->hsts_present)
		check_hsts(&r->hsts);
	check_csp(&r->csp);
	CHECK(r->frame_protected == !posture_find(r, "frame.missing"));
	if (r->stxt.present)
		check_stxt(&r->stxt, true);
	check_json(posture_result_json(r));
}

/* The last results, graded together as one organisation. */
static struct posture_site_grade recent[8];
static size_t nrecent;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* 1: the raw bytes through each parser. */
	struct posture_hsts h;
	posture_hsts_parse((const char *)data, size, &h);
	check_hsts(&h);
	struct posture_csp c;
	posture_csp_parse((const char *)data, size, &c);
	check_csp(&c);
	struct posture_stxt *s = malloc(sizeof(*s));
	CHECK(s != NULL);
	posture_stxt_parse((const char *)data, size, NOW_MS, s);
	check_stxt(s, data != NULL);
	free(s);

	/* 2: a whole site. */
	if (size < 4)
		return 0;
	char *buf = malloc(size + 1); /* fields become C strings in place */
	CHECK(buf != NULL);
	memcpy(buf, data, size);
	buf[size] = '\0';
	const char *field[NFIELDS] = { NULL };
	size_t pos = 4;
	for (int i = 0; i < NFIELDS; i++) {
		const char *start = buf + pos;
		const char *nul = pos < size ? memchr(start, '\0', size - pos) : NULL;
		if (data[3] & (1u << i))
			field[i] = start; /* "" when the input has run out */
		pos = nul ? (size_t)(nul - buf) + 1 : size;
	}
	uint8_t b0 = data[0], b1 = data[1], b2 = data[2];
	/* b2 == 0xff: the CSP value and the security.txt body are repeated past
	** their caps, so that the cut paths see fuzzed bytes without every
	** input having to be 50 KB (which slows the whole run twentyfold). */
	char *big_csp = NULL, *big_body = NULL;
	size_t body_len = size - pos;
	if (b2 == 0xff) {
		size_t cn = field[1] ? strlen(field[1]) : 0;
		if (cn) {
			size_t reps = POSTURE_HEADER_MAX / (cn + 1) + 2, o = 0;
			big_csp = malloc(reps * (cn + 1) + 1);
			CHECK(big_csp != NULL);
			for (size_t k = 0; k < reps; k++) {
				memcpy(big_csp + o, field[1], cn);
				o += cn;
				big_csp[o++] = ';';
			}
			big_csp[o] = '\0';
			field[1] = big_csp;
		}
		if (body_len) {
			size_t reps = POSTURE_STXT_MAX / body_len + 2;
			big_body = malloc(reps * body_len);
			CHECK(big_body != NULL);
			for (size_t k = 0; k < reps; k++)
				memcpy(big_body + k * body_len, buf + pos, body_len);
			body_len *= reps;
		}
	}
	struct posture_input in = {
		.tls_versions = b0 & 0xf,
		.https_missing = b0 & 0x10,
		.cert_chain_valid = b0 & 0x20,
		.cert_hostname_ok = b0 & 0x40,
		.http = (enum posture_http)(b1 & 3),
		.cert_not_after_ms = (b1 >> 2) == 63 ? 0 : NOW_MS + ((int64_t)(b1 >> 2) - 20) * DAY_MS +
			(int64_t)b2 * 3600000,
		.cert_not_before_ms = (b2 & 1) ? NOW_MS - ((int64_t)(b2 >> 1) * DAY_MS) : 0,
		.hsts = field[0],
		.csp = field[1],
		.xfo = field[2],
		.xcto = field[3],
		.server = field[4],
		.powered_by = field[5],
		.securitytxt_type = field[6],
		.cert_chain_error = field[7],
		.securitytxt = (b0 & 0x80) ? (big_body ? big_body : buf + pos) : NULL,
		.securitytxt_len = (b0 & 0x80) ? body_len : 0,
		.now_ms = NOW_MS,
	};
	struct posture_result *r = malloc(sizeof(*r));
	CHECK(r != NULL);
	struct perr err;
	CHECK(posture_judge(&in, r, &err) == 0);
	check_result(r);

	recent[nrecent % 8] = (struct posture_site_grade){ r->score, r->grade };
	nrecent++;
	struct posture_org o;
	size_t n = nrecent < 8 ? nrecent : 8;
	CHECK(posture_org_grade(recent, n, &o, &err) == 0);
	CHECK(o.nsites == n && o.mean_score >= 0 && o.mean_score <= 100);
	CHECK(o.grade + 1 >= o.worst); /* at most one letter better than the worst site */
	check_json(posture_org_json(&o));

	free(r);
	free(big_csp);
	free(big_body);
	free(buf);
	return 0;
}
