/*
** test_fetch.c — unit tests for the fetch module's pure parsers
** (src/fetch/parse.c): response header lines, DER certificates, Location
** resolution, and the JSON of a result built by hand. No sockets: the
** network side is tests/integration/test_fetch.c.
**
** Certificates are made here with OpenSSL (a fresh key, chosen names,
** SANs and dates, self-signed), so every expected value is known exactly.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/fetch.h"
#include "fetch/internal.h"

static void feed(struct fetch_headers *h, const char *const *lines)
{
	for (size_t i = 0; lines[i]; i++)
		assert_int_equal(fetch_headers_line(h, lines[i], strlen(lines[i])), 0);
}

/* ---------------------------------------------------------------- headers */

static void test_headers_basic(void **state)
{
	(void)state;
	struct fetch_headers h;
	fetch_headers_init(&h);
	const char *block[] = {
		"HTTP/1.1 200 OK\r\n",
		"Server: nginx/1.22.1\r\n",
		"content-type:text/html; charset=utf-8\r\n",
		"Strict-Transport-Security:   max-age=31536000; includeSubDomains  \r\n",
		"X-Frame-Options: DENY\r\n",
		"Set-Cookie: a=b\r\n",
		"X-Content-Type-Options: nosniff\n",
		"ETag: \"abc\"\r\n",
		"\r\n",
		NULL,
	};
	feed(&h, block);
	assert_int_equal(h.status, 200);
	assert_string_equal(h.version, "1.1");
	assert_true(h.done);
	assert_string_equal(h.v[FETCH_H_SERVER], "nginx/1.22.1");
	assert_string_equal(h.v[FETCH_H_CONTENT_TYPE], "text/html; charset=utf-8");
	assert_string_equal(h.v[FETCH_H_STS], "max-age=31536000; includeSubDomains");
	assert_string_equal(h.v[FETCH_H_XFO], "DENY");
	assert_string_equal(h.v[FETCH_H_XCTO], "nosniff");
	assert_string_equal(h.v[FETCH_H_ETAG], "\"abc\"");
	assert_null(h.v[FETCH_H_CSP]);
	assert_int_equal(h.flags, 0);
	assert_int_equal(h.lines, 7);
	/* Lines after the block (trailers) are not kept. */
	const char *trailer[] = { "Server: other\r\n", NULL };
	feed(&h, trailer);
	assert_string_equal(h.v[FETCH_H_SERVER], "nginx/1.22.1");
	fetch_headers_free(&h);
}

static void test_headers_new_response(void **state)
{
	(void)state;
	struct fetch_headers h;
	fetch_headers_init(&h);
	const char *block[] = {
		"HTTP/1.1 100 Continue\r\n", "X-Frame-Options: SAMEORIGIN\r\n", "\r\n",
		"HTTP/2 301 \r\n",           "location: /next\r\n",               "\r\n",
		NULL,
	};
	feed(&h, block);
	assert_int_equal(h.status, 301);
	assert_string_equal(h.version, "2");
	assert_null(h.v[FETCH_H_XFO]);
	assert_string_equal(h.v[FETCH_H_LOCATION], "/next");
	fetch_headers_free(&h);
}

static void test_headers_repeat_fold(void **state)
{
	(void)state;
	struct fetch_headers h;
	fetch_headers_init(&h);
	const char *block[] = {
		"HTTP/1.0 200 OK\r\n",
		"Content-Security-Policy: default-src 'self'\r\n",
		"X-Unknown: a\r\n",
		" folded into unknown\r\n",
		"Content-Security-Policy: frame-ancestors\r\n",
		"\t 'none'\r\n",
		"\r\n",
		NULL,
	};
	feed(&h, block);
	assert_string_equal(h.v[FETCH_H_CSP], "default-src 'self', frame-ancestors 'none'");
	assert_int_equal(h.count[FETCH_H_CSP], 2);
	assert_true(h.flags & FETCH_HF_REPEATED);
	assert_false(h.flags & FETCH_HF_MALFORMED);
	fetch_headers_free(&h);
}

static void test_headers_malformed(void **state)
{
	(void)state;
	struct fetch_headers h;
	fetch_headers_init(&h);
	const char *block[] = {
		"HTTP/1.1 200 OK\r\n",
		" fold before any field\r\n",
		"no colon here\r\n",
		"Bad Name: x\r\n",
		": empty name\r\n",
		"Server: ok\r\n",
		NULL,
	};
	feed(&h, block);
	assert_true(h.flags & FETCH_HF_MALFORMED);
	assert_string_equal(h.v[FETCH_H_SERVER], "ok");
	fetch_headers_free(&h);
}

static void test_headers_bytes(void **state)
{
	(void)state;
	struct fetch_headers h;
	fetch_headers_init(&h);
	/* Latin-1 byte, a control byte, a NUL inside the line; valid Persian
	** text is kept as is. */
	static const char line1[] = "Server: caf\xe9\x01x\0y\r\n";
	static const char line2[] = "X-Powered-By: \xd9\xbe\xd8\xa7\xd8\xb1\xd8\xa7\xd9\xbe\xd8\xaa\r\n";
	assert_int_equal(fetch_headers_line(&h, "HTTP/1.1 200 OK\r\n", 17), 0);
	assert_int_equal(fetch_headers_line(&h, line1, sizeof(line1) - 1), 0);
	assert_int_equal(fetch_headers_line(&h, line2, sizeof(line2) - 1), 0);
	assert_string_equal(h.v[FETCH_H_SERVER], "caf\xef\xbf\xbd\xef\xbf\xbdx\xef\xbf\xbdy");
	assert_string_equal(h.v[FETCH_H_POWERED_BY], "\xd9\xbe\xd8\xa7\xd8\xb1\xd8\xa7\xd9\xbe\xd8\xaa");
	assert_true(h.flags & FETCH_HF_BAD_BYTES);
	fetch_headers_free(&h);
}

static void test_headers_limits(void **state)
{
	(void)state;
	struct fetch_headers h;
	fetch_headers_init(&h);
	assert_int_equal(fetch_headers_line(&h, "HTTP/1.1 200 OK\r\n", 17), 0);
	/* A line over the limit is skipped, flagged. */
	size_t big = FETCH_HDR_LINE_MAX + 10;
	char *line = malloc(big + 1);
	memcpy(line, "Server: ", 8);
	memset(line + 8, 'a', big - 8);
	line[big] = '\0';
	assert_int_equal(fetch_headers_line(&h, line, big), 0);
	assert_null(h.v[FETCH_H_SERVER]);
	assert_true(h.flags & FETCH_HF_LONG_LINE);
	/* Joined values stop at FETCH_HDR_VALUE_MAX. */
	snprintf(line, 1100, "Content-Security-Policy: %01000d", 7);
	for (int i = 0; i < 10; i++)
		assert_int_equal(fetch_headers_line(&h, line, strlen(line)), 0);
	assert_true(strlen(h.v[FETCH_H_CSP]) <= FETCH_HDR_VALUE_MAX);
	assert_true(h.flags & FETCH_HF_VALUE_CUT);
	/* Lines past the count limit are skipped. */
	for (int i = 0; i < FETCH_HDR_LINES_MAX + 5; i++)
		assert_int_equal(fetch_headers_line(&h, "X-A: b\r\n", 8), 0);
	assert_int_equal(fetch_headers_line(&h, "ETag: late\r\n", 12), 0);
	assert_null(h.v[FETCH_H_ETAG]);
	assert_true(h.flags & FETCH_HF_TOO_MANY);
	assert_int_equal(h.lines, FETCH_HDR_LINES_MAX);
	free(line);
	fetch_headers_free(&h);
}

/* ------------------------------------------------------------ Location */

static void test_redirect_target(void **state)
{
	(void)state;
	char *out = NULL;
	const char *base = "http://www.example.gov.test:8080/a/b?q=1";
	assert_int_equal(fetch_redirect_target(base, "/r2", &out), FETCH_REDIR_OK);
	assert_string_equal(out, "http://www.example.gov.test:8080/r2");
	free(out);
	assert_int_equal(fetch_redirect_target(base, "c d", &out), FETCH_REDIR_OK);
	assert_string_equal(out, "http://www.example.gov.test:8080/a/c%20d");
	free(out);
	assert_int_equal(fetch_redirect_target(base, "//other.test/x", &out), FETCH_REDIR_OK);
	assert_string_equal(out, "http://other.test/x");
	free(out);
	assert_int_equal(fetch_redirect_target(base, "HTTPS://Other.test/", &out), FETCH_REDIR_OK);
	assert_string_equal(out, "https://other.test/");
	free(out);
	assert_int_equal(fetch_redirect_target(base, "javascript:alert(1)", &out),
			 FETCH_REDIR_SCHEME);
	assert_string_equal(out, "javascript:alert(1)");
	free(out);
	assert_int_equal(fetch_redirect_target(base, "ftp://files.test/pub/", &out),
			 FETCH_REDIR_SCHEME);
	free(out);
	assert_int_equal(fetch_redirect_target(base, "", &out), FETCH_REDIR_BAD);
	assert_null(out);
	assert_int_equal(fetch_redirect_target(base, "http://[::1", &out), FETCH_REDIR_BAD);
	assert_null(out);
}

/* --------------------------------------------------------- certificates */

/* A self-signed certificate: subject CN=www.example.gov.test, O=Parapet
** Test, C=IR, SANs dns..., IP 127.0.0.1 and ::1, valid 2026-01-01 to
** 2027-01-01. Returns the DER (malloc'd), its length in *n. */
static uint8_t *make_cert(size_t *n, int ndns, size_t *spki_len, uint8_t **spki)
{
	EVP_PKEY *k = EVP_EC_gen("prime256v1");
	assert_non_null(k);
	X509 *x = X509_new();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 0x1234);
	X509_NAME *nm = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(nm, "C", MBSTRING_ASC, (const unsigned char *)"IR", -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_ASC, (const unsigned char *)"Parapet, Test",
				   -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8,
				   (const unsigned char *)"www.example.gov.test", -1, -1, 0);
	X509_set_issuer_name(x, nm);
	ASN1_TIME_set_string(X509_getm_notBefore(x), "20260101000000Z");
	ASN1_TIME_set_string(X509_getm_notAfter(x), "20270101000000Z");
	X509_set_pubkey(x, k);
	char san[16384];
	size_t off = 0;
	off += (size_t)snprintf(san + off, sizeof(san) - off, "IP:127.0.0.1,IP:::1");
	for (int i = 0; i < ndns; i++)
		off += (size_t)snprintf(san + off, sizeof(san) - off, ",DNS:h%d.example.gov.test", i);
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, san);
	assert_non_null(ext);
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);
	assert_true(len > 0);
	uint8_t *copy = malloc((size_t)len);
	memcpy(copy, der, (size_t)len);
	*n = (size_t)len;
	unsigned char *pk = NULL;
	int pl = i2d_PUBKEY(k, &pk);
	*spki = malloc((size_t)pl);
	memcpy(*spki, pk, (size_t)pl);
	*spki_len = (size_t)pl;
	OPENSSL_free(pk);
	OPENSSL_free(der);
	X509_free(x);
	EVP_PKEY_free(k);
	return copy;
}

static void test_cert_parse(void **state)
{
	(void)state;
	size_t n, sl;
	uint8_t *spki;
	uint8_t *der = make_cert(&n, 2, &sl, &spki);
	struct fetch_cert c;
	struct perr e;
	assert_int_equal(fetch_cert_parse(der, n, &c, &e), 0);
	assert_string_equal(c.subject, "CN=www.example.gov.test,O=Parapet\\, Test,C=IR");
	assert_string_equal(c.issuer, c.subject);
	assert_int_equal(c.n_san_dns, 2);
	assert_string_equal(c.san_dns[0], "h0.example.gov.test");
	assert_string_equal(c.san_dns[1], "h1.example.gov.test");
	assert_int_equal(c.n_san_ip, 2);
	assert_string_equal(c.san_ip[0], "127.0.0.1");
	assert_string_equal(c.san_ip[1], "::1");
	assert_int_equal(c.not_before_ms, 1767225600000LL);
	assert_int_equal(c.not_after_ms, 1798761600000LL);
	uint8_t md[32];
	char hex[65];
	core_sha256(der, n, md);
	core_hex(md, 32, hex);
	assert_string_equal(c.sha256, hex);
	core_sha256(spki, sl, md);
	core_hex(md, 32, hex);
	assert_string_equal(c.spki_sha256, hex);
	assert_string_equal(c.serial, "1234");
	assert_string_equal(c.sig_alg, "ecdsa-with-SHA256");
	assert_string_equal(c.key_type, "EC prime256v1");
	assert_int_equal(c.key_bits, 256);
	assert_int_equal(c.flags, 0);
	fetch_cert_free(&c);

	/* Trailing bytes are flagged; the fingerprint is of the certificate. */
	uint8_t *more = malloc(n + 3);
	memcpy(more, der, n);
	memcpy(more + n, "xyz", 3);
	assert_int_equal(fetch_cert_parse(more, n + 3, &c, &e), 0);
	assert_true(c.flags & FETCH_CF_TRAILING);
	core_sha256(der, n, md);
	core_hex(md, 32, hex);
	assert_string_equal(c.sha256, hex);
	fetch_cert_free(&c);

	/* Truncated or not a certificate. */
	assert_int_equal(fetch_cert_parse(der, n - 1, &c, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	assert_int_equal(fetch_cert_parse((const uint8_t *)"hello", 5, &c, &e), -1);
	assert_int_equal(fetch_cert_parse(der, 0, &c, &e), -1);
	free(more);
	free(der);
	free(spki);
}

static void test_cert_san_cap(void **state)
{
	(void)state;
	size_t n, sl;
	uint8_t *spki;
	uint8_t *der = make_cert(&n, FETCH_SAN_MAX + 20, &sl, &spki);
	struct fetch_cert c;
	struct perr e;
	assert_int_equal(fetch_cert_parse(der, n, &c, &e), 0);
	assert_int_equal(c.n_san_dns + c.n_san_ip, FETCH_SAN_MAX);
	assert_true(c.flags & FETCH_CF_SAN_CUT);
	fetch_cert_free(&c);
	free(der);
	free(spki);
}

/* -------------------------------------------------------------- options */

static void test_opts(void **state)
{
	(void)state;
	static struct fetch_job job = { "http://127.0.0.1:1/", NULL, NULL };
	struct perr e;
	struct fetch_opts o;
	fetch_opts_default(&o);
	o.max_parallel = -1;
	assert_int_equal(fetch_run(&o, &job, 1, NULL, NULL, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	fetch_opts_default(&o);
	o.body_max = (size_t)1 << 30;
	assert_int_equal(fetch_run(&o, &job, 1, NULL, NULL, &e), -1);
	assert_string_equal(e.field, "body_max");
	fetch_opts_default(&o);
	o.max_redirects = -2;
	assert_int_equal(fetch_run(&o, &job, 1, NULL, NULL, &e), -1);
	assert_string_equal(e.field, "max_redirects");
	unsigned mask = 7;
	assert_int_equal(fetch_tls_versions(NULL, "http://x.test/", NULL, &mask, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	assert_int_equal(mask, 0);
	assert_int_equal(fetch_tls_versions(NULL, "https://x.test/", "no-ip", &mask, &e), -1);
	assert_string_equal(e.field, "pin_ip");
}

/* The CONNECT_TO entries of pins, and the URL parts they are built from. */
static void test_pin_entry(void **state)
{
	(void)state;
	char out[128], host[256];
	struct perr e;
	int port;
	bool https;
	assert_int_equal(fetch_pin_entry("192.0.2.7", out, sizeof(out), &e), 0);
	assert_string_equal(out, "::192.0.2.7:");
	assert_int_equal(fetch_pin_entry("2001:db8::1", out, sizeof(out), &e), 0);
	assert_string_equal(out, "::[2001:db8::1]:");
	assert_int_equal(fetch_pin_entry("192.0.2.256", out, sizeof(out), &e), -1);
	assert_string_equal(e.field, "pin_ip");
	assert_int_equal(fetch_pin_entry("", out, sizeof(out), &e), -1);
	assert_int_equal(fetch_pin_entry("192.0.2.7", out, 8, &e), -1);

	assert_int_equal(fetch_url_parts("HTTPS://WWW.Example.GOV.test/x", host, sizeof(host),
					 &port, &https), 0);
	assert_string_equal(host, "www.example.gov.test");
	assert_int_equal(port, 443);
	assert_true(https);
	assert_int_equal(fetch_url_parts("http://[2001:DB8::1]:8080/", host, sizeof(host), &port,
					 &https), 0);
	assert_string_equal(host, "2001:db8::1");
	assert_int_equal(port, 8080);
	assert_false(https);
	assert_int_equal(fetch_url_parts("http://\xd9\xbe.example/", host, sizeof(host), &port,
					 &https), 0);
	assert_string_equal(host, "xn--3ib.example");
	assert_int_equal(fetch_url_parts("http://B\xc3\xbc" "cher.Example/", host, sizeof(host), &port,
					 &https), 0);
	assert_string_equal(host, "xn--bcher-kva.example");
	assert_int_equal(fetch_url_parts("ftp://a.test/", host, sizeof(host), &port, &https), -1);
	assert_string_equal(host, "");
	assert_int_equal(fetch_url_parts("/relative", host, sizeof(host), &port, &https), -1);
}

/* ------------------------------------------------------------------ JSON */

static void test_json(void **state)
{
	(void)state;
	struct fetch_result r;
	memset(&r, 0, sizeof(r));
	fetch_headers_init(&r.headers);
	r.url = strdup("http://a.test/");
	r.err = FETCH_E_CUT;
	r.status = 200;
	r.flags = FETCH_F_BODY_CUT | FETCH_F_PINNED;
	r.nhops = 1;
	r.hops = calloc(1, sizeof(*r.hops));
	r.hops[0].url = strdup("http://a.test/");
	r.hops[0].status = 200;
	pbuf_init(&r.body, 10);
	pbuf_adds(&r.body, "0123456789");
	const char *lines[] = { "HTTP/1.1 200 OK\r\n", "Server: \xff\r\n", NULL };
	feed(&r.headers, lines);
	json_t *j;
	assert_int_equal(fetch_result_json(&r, &j), 0);
	assert_string_equal(json_string_value(json_object_get(j, "error")), "cut");
	assert_int_equal(json_integer_value(json_object_get(j, "body_bytes")), 10);
	assert_true(json_is_true(json_object_get(j, "body_cut")));
	assert_true(json_is_null(json_object_get(j, "tls")));
	json_t *h = json_object_get(j, "headers");
	assert_string_equal(json_string_value(json_object_get(h, "server")), "\xef\xbf\xbd");
	json_t *fl = json_object_get(j, "flags");
	assert_int_equal(json_array_size(fl), 2);
	assert_string_equal(json_string_value(json_array_get(fl, 0)), "pinned");
	assert_string_equal(json_string_value(json_array_get(fl, 1)), "body_cut");
	assert_int_equal(json_array_size(json_object_get(j, "hops")), 1);
	char *s = json_dumps(j, JSON_COMPACT);
	assert_non_null(s);
	free(s);
	json_decref(j);
	fetch_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers_basic),
		cmocka_unit_test(test_headers_new_response),
		cmocka_unit_test(test_headers_repeat_fold),
		cmocka_unit_test(test_headers_malformed),
		cmocka_unit_test(test_headers_bytes),
		cmocka_unit_test(test_headers_limits),
		cmocka_unit_test(test_redirect_target),
		cmocka_unit_test(test_cert_parse),
		cmocka_unit_test(test_cert_san_cap),
		cmocka_unit_test(test_opts),
		cmocka_unit_test(test_pin_entry),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests_name("fetch", tests, NULL, NULL);
}
