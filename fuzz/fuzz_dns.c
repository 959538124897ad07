/*
** fuzz_dns.c -- libFuzzer target for the DNS reply parser.
**
** Every reply the website watch reads comes from a resolver or from a
** parent zone's server that it does not control, and a hijacked one is by
** definition hostile. The first input byte picks the record type (modulo
** DNS_NTYPES), the rest is the reply given to dns_parse_reply(), which must:
**
**   - return 0 or -1, and -1 only with status ERROR and no values;
**   - leave a status within the enum, OK exactly when there are values, at
**     most DNS_RR_MAX of them, each non-empty, shorter than DNS_VALUE_MAX,
**     printable ASCII, distinct, and (but inside a CAA value) lower-case;
**   - give a result whose JSON renders, reads back with
**     dns_result_from_json() (which re-validates and re-sorts every value)
**     and renders to the same bytes, so the parser's output is canonical;
**   - give no change when diffed against itself, and a diff against a fixed
**     realistic result whose entries stay within their bounds and render.
**
** Seeds in fuzz/corpus/dns/ are one type byte followed by a real reply. A
** broken check calls abort(); leaks are LeakSanitizer's.
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "fuzz_dns: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                            \
			abort();                                                      \
		}                                                                     \
	} while (0)

static char *dump(const struct dns_result *r)
{
	json_t *j = NULL;
	struct perr e;
	CHECK(dns_result_json(r, &j, &e) == 0);
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	CHECK(s != NULL);
	json_decref(j);
	return s;
}

/* A plausible expectation to diff against: every type answered. */
static void fixed(struct dns_result *x)
{
	static const char *const v[DNS_NTYPES] = { "192.0.2.1", "2001:db8::1", "ns1.fuzz.test",
						   "ns1.fuzz.test", "10 mail.fuzz.test",
						   "0 issue \"ca.test\"" };
	dns_result_init(x, "fuzz.test");
	for (int t = 0; t < DNS_NTYPES; t++) {
		x->rr[t].status = DNS_ST_OK;
		x->rr[t].n = 1;
		x->rr[t].v = malloc(sizeof(char *));
		CHECK(x->rr[t].v != NULL);
		x->rr[t].v[0] = strdup(v[t]);
		CHECK(x->rr[t].v[0] != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	enum dns_type t = (enum dns_type)(data[0] % DNS_NTYPES);
	struct dns_result r, back, x;
	struct perr e;
	dns_result_init(&r, "fuzz.test");
	int rc = dns_parse_reply(t, data + 1, size - 1, &r, &e);
	const struct dns_rrset *rs = &r.rr[t];
	CHECK(rc == 0 || rc == -1);
	CHECK(rs->status > DNS_ST_NONE && rs->status < DNS_ST_COUNT);
	if (rc == -1)
		CHECK(rs->status == DNS_ST_ERROR && rs->n == 0);
	CHECK((rs->status == DNS_ST_OK) == (rs->n > 0));
	CHECK(rs->n <= DNS_RR_MAX);
	CHECK(strnlen(rs->text, DNS_TEXT_MAX) < DNS_TEXT_MAX);
	for (int o = 0; o < DNS_NTYPES; o++)
		if (o != (int)t)
			CHECK(r.rr[o].status == DNS_ST_NONE && r.rr[o].n == 0);
	for (uint32_t i = 0; i < rs->n; i++) {
		const char *s = rs->v[i];
		size_t n = strlen(s);
		CHECK(n > 0 && n < DNS_VALUE_MAX);
		bool quoted = false;
		for (size_t k = 0; k < n; k++) {
			unsigned char c = (unsigned char)s[k];
			CHECK(c >= 0x20 && c < 0x7f);
			if (c == '"')
				quoted = true;
			if (!quoted)
				CHECK(!(c >= 'A' && c <= 'Z'));
		}
		if (t != DNS_CAA)
			CHECK(strchr(s, '"') == NULL);
		for (uint32_t k = 0; k < i; k++)
			CHECK(strcmp(rs->v[k], s) != 0);
	}

	/* canonical: the JSON reads back and renders the same */
	char *s1 = dump(&r);
	json_error_t je;
	json_t *j = json_loads(s1, 0, &je);
	CHECK(j != NULL);
	if (dns_result_from_json(j, &back, &e) != 0) {
		fprintf(stderr, "fuzz_dns: from_json: %s\n%s\n", e.msg, s1);
		abort();
	}
	char *s2 = dump(&back);
	CHECK(strcmp(s1, s2) == 0);
	json_decref(j);
	free(s1);
	free(s2);

	struct dns_diff d;
	CHECK(dns_diff(&r, &back, &d) == 0);
	fixed(&x);
	size_t nd = dns_diff(&x, &r, &d);
	CHECK(nd <= 1 && nd == d.n);
	if (nd) {
		CHECK(d.ch[0].type == t);
		CHECK(d.ch[0].nadded <= rs->n && d.ch[0].nremoved <= 1);
		CHECK(rs->status != DNS_ST_TIMEOUT);
	}
	json_t *dj = dns_diff_json(&d);
	CHECK(dj != NULL);
	json_decref(dj);

	dns_result_free(&x);
	dns_result_free(&back);
	dns_result_free(&r);
	return 0;
}
