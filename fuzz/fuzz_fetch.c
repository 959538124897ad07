/*
** fuzz_fetch.c -- libFuzzer target for the website-watch fetcher's parsers
** of outside data (src/fetch/parse.c).
**
** Everything the fetcher keeps comes from a server that may be hostile.
** The input is used four ways:
**
**   1. as a response header block: split at '\n' (each piece keeps its
**      '\n', as libcurl's header callback delivers lines), fed line by line
**      to fetch_headers_line(), then once more whole as a single line. Every
**      kept value is NUL-terminated valid UTF-8 of at most
**      FETCH_HDR_VALUE_MAX bytes, the line count stays within
**      FETCH_HDR_LINES_MAX, the status is 0 or 100..999, the version short;
**   2. as a DER certificate for fetch_cert_parse(): on success the names are
**      valid UTF-8 within FETCH_CERT_NAME_MAX, SANs within FETCH_SAN_MAX and
**      valid UTF-8, fingerprints 64 hex digits, the serial even-length hex;
**      on failure the record is empty;
**   3. up to its first NUL, as a Location value resolved against a fixed
**      URL (the first byte picks one of four): the target is valid UTF-8,
**      present exactly when the result says so, and an http(s) target has a
**      host;
**   4. the header block and certificate of 1 and 2 in a result rendered by
**      fetch_result_json(), which must succeed and dump.
**
** Seeds in fuzz/corpus/fetch/: header blocks, Location values and two DER
** certificates (RSA with DNS and IP SANs, EC P-256). A broken check calls
** abort(); leaks are LeakSanitizer's; hangs are libFuzzer's -timeout.
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/fetch.h"
#include "fetch/internal.h"

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "fuzz_fetch: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                            \
			abort();                                                      \
		}                                                                     \
	} while (0)

static const char *const bases[4] = {
	"http://www.example.gov.test/a/b?q=1",
	"https://example.gov.test:8443/",
	"http://[2001:db8::1]:8080/x/y/z",
	"https://xn--mgbh0fb.example/%D8%A7/",
};

static void check_text(const char *s, size_t max)
{
	CHECK(s != NULL);
	size_t n = strlen(s);
	CHECK(n <= max);
	CHECK(utf8_valid(s, n));
}

static void check_headers(const struct fetch_headers *h)
{
	for (int i = 0; i < FETCH_H_COUNT; i++)
		if (h->v[i])
			check_text(h->v[i], FETCH_HDR_VALUE_MAX);
	CHECK(h->lines <= FETCH_HDR_LINES_MAX);
	CHECK(h->status == 0 || (h->status >= 100 && h->status <= 999));
	CHECK(strnlen(h->version, sizeof(h->version)) < sizeof(h->version));
	CHECK(h->last >= -2 && h->last < FETCH_H_COUNT);
	CHECK((h->flags & ~0x3fu) == 0);
}

static bool hex_ok(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static void check_cert(const struct fetch_cert *c)
{
	check_text(c->subject, FETCH_CERT_NAME_MAX);
	check_text(c->issuer, FETCH_CERT_NAME_MAX);
	CHECK(c->n_san_dns + c->n_san_ip <= FETCH_SAN_MAX);
	for (size_t i = 0; i < c->n_san_dns; i++)
		check_text(c->san_dns[i], 3 * FETCH_SAN_LEN_MAX);
	for (size_t i = 0; i < c->n_san_ip; i++)
		check_text(c->san_ip[i], FETCH_IP_MAX - 1);
	CHECK(hex_ok(c->sha256, 64));
	CHECK(c->spki_sha256[0] == '\0' || hex_ok(c->spki_sha256, 64));
	CHECK(strlen(c->serial) % 2 == 0 && hex_ok(c->serial, strlen(c->serial)));
	CHECK(strnlen(c->sig_alg, sizeof(c->sig_alg)) < sizeof(c->sig_alg));
	CHECK(strnlen(c->key_type, sizeof(c->key_type)) < sizeof(c->key_type));
	CHECK((c->flags & ~0xfu) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fetch_result r;
	memset(&r, 0, sizeof(r));
	fetch_headers_init(&r.headers);

	/* 1: the input as header lines, then as one line. */
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		CHECK(fetch_headers_line(&r.headers, p, n) == 0);
		check_headers(&r.headers);
		p += n;
	}
	struct fetch_headers whole;
	fetch_headers_init(&whole);
	CHECK(fetch_headers_line(&whole, (const char *)data, size) == 0);
	check_headers(&whole);
	fetch_headers_free(&whole);

	/* 2: the input as a certificate. */
	struct perr e;
	struct fetch_cert c;
	if (fetch_cert_parse(data, size, &c, &e) == 0) {
		check_cert(&c);
		r.tls.present = true;
		r.tls.have_cert = true;
		r.tls.cert = c;
	} else {
		CHECK(e.kind == PERR_INVALID);
		CHECK(c.subject == NULL && c.san_dns == NULL && c.n_san_ip == 0);
	}

	/* 3: the input, to its first NUL, as a Location. */
	char *loc = malloc(size + 1);
	CHECK(loc != NULL);
	memcpy(loc, data, size);
	loc[size] = '\0';
	char *target = NULL;
	enum fetch_redir rr = fetch_redirect_target(bases[size ? data[0] % 4 : 0], loc, &target);
	CHECK(rr == FETCH_REDIR_OK || rr == FETCH_REDIR_SCHEME || rr == FETCH_REDIR_BAD);
	CHECK((rr == FETCH_REDIR_BAD) == (target == NULL));
	if (target) {
		CHECK(utf8_valid(target, strlen(target)));
		if (rr == FETCH_REDIR_OK) {
			char host[256];
			int port;
			bool https;
			if (fetch_url_parts(target, host, sizeof(host), &port, &https) == 0)
				CHECK(host[0] != '\0' && port > 0 && port < 65536);
		}
	}

	/* 4: the record as JSON. */
	r.url = target;
	r.final_url = loc; /* not valid UTF-8, maybe: the renderer must cope */
	json_t *j = NULL;
	CHECK(fetch_result_json(&r, &j) == 0);
	char *s = json_dumps(j, JSON_COMPACT);
	CHECK(s != NULL);
	free(s);
	json_decref(j);
	fetch_result_free(&r); /* frees target, loc, the headers and the cert */
	return 0;
}
