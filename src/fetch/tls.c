/*
** tls.c — what the fetcher records about TLS (see fetch.h), and the probe
** of which protocol versions a server accepts.
**
** Checks fetch with certificate verification off, so that a site whose
** certificate is expired, self-signed or for another name is still fetched
** and analysed. Validity is decided here instead, after the handshake, from
** the live connection (libcurl's OpenSSL SSL object, CURLINFO_TLS_SSL_PTR):
** the chain the server sent is verified with OpenSSL against a store built
** once per run (opts.ca_file, or the system's default CA paths), for the
** purpose "TLS server" and for the URL's host name (or IP address), so
** cert_valid means what a browser would mean by it, and verify_reason is
** OpenSSL's text for the first problem. This needs libcurl's OpenSSL
** backend (Debian's libcurl4-openssl-dev); with another backend the TLS
** record is simply absent.
**
** The probe (fetch_tls_versions) makes four connect-only handshakes at once
** in a multi handle of its own, each limited to one protocol version.
*/
#include "fetch/internal.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

struct fetch_trust {
	X509_STORE *store;
};

int fetch_trust_new(const char *ca_file, struct fetch_trust **out, struct perr *e)
{
	int rc = -1;
	struct fetch_trust *t = calloc(1, sizeof(*t));
	*out = NULL;
	if (!t || !(t->store = X509_STORE_new())) {
		perr_set(e, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	if (ca_file) {
		if (X509_STORE_load_file(t->store, ca_file) != 1) {
			perr_set(e, PERR_INVALID, "ca_file", "cannot load CA certificates from %s",
				 ca_file);
			goto out;
		}
	} else if (X509_STORE_set_default_paths(t->store) != 1) {
		perr_set(e, PERR_INTERNAL, NULL, "cannot set the system CA paths");
		goto out;
	}
	*out = t;
	t = NULL;
	rc = 0;
out:
	ERR_clear_error();
	fetch_trust_free(t);
	return rc;
}

void fetch_trust_free(struct fetch_trust *t)
{
	if (!t)
		return;
	X509_STORE_free(t->store);
	free(t);
}

void fetch_tls_free(struct fetch_tls *t)
{
	if (t->have_cert)
		fetch_cert_free(&t->cert);
	memset(t, 0, sizeof(*t));
}

/* Verify leaf with the untrusted chain the server sent, as a TLS server
** certificate for host. Fills verify_code / verify_reason / cert_valid. */
static void verify(const struct fetch_trust *trust, X509 *leaf, STACK_OF(X509) * chain,
		   const char *host, struct fetch_tls *t)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	long code = X509_V_ERR_OUT_OF_MEM;
	if (!ctx || X509_STORE_CTX_init(ctx, trust->store, leaf, chain) != 1)
		goto out;
	X509_STORE_CTX_set_default(ctx, "ssl_server");
	X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
	unsigned char a[16];
	if (inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1)
		X509_VERIFY_PARAM_set1_ip_asc(vp, host);
	else {
		X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		X509_VERIFY_PARAM_set1_host(vp, host, 0);
	}
	int ok = X509_verify_cert(ctx);
	code = ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
	if (ok != 1 && code == X509_V_OK)
		code = X509_V_ERR_UNSPECIFIED;
out:
	t->verify_code = code;
	t->cert_valid = code == X509_V_OK;
	/* OpenSSL's texts, shown to analysts: a cut one still reads */
	pstrtrunc(t->verify_reason, X509_verify_cert_error_string(code), sizeof(t->verify_reason));
	X509_STORE_CTX_free(ctx);
}

void fetch_tls_capture(CURL *h, const struct fetch_trust *trust, const char *host,
		       struct fetch_tls *t)
{
	struct curl_tlssessioninfo *ti = NULL;
	unsigned char *der = NULL;
	memset(t, 0, sizeof(*t));
	if (curl_easy_getinfo(h, CURLINFO_TLS_SSL_PTR, &ti) != CURLE_OK || !ti ||
	    ti->backend != CURLSSLBACKEND_OPENSSL || !ti->internals)
		return;
	SSL *ssl = ti->internals;
	t->present = true;
	pstrtrunc(t->version, SSL_get_version(ssl), sizeof(t->version)); /* shown */
	const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
	if (c)
		pstrtrunc(t->cipher, SSL_CIPHER_get_name(c), sizeof(t->cipher)); /* shown */
	X509 *leaf = SSL_get0_peer_certificate(ssl);
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
	t->chain_len = chain ? sk_X509_num(chain) : leaf ? 1 : 0;
	if (!leaf) {
		t->verify_code = X509_V_ERR_UNSPECIFIED;
		PSTRCPY(t->verify_reason, "no certificate");
		goto out;
	}
	int n = i2d_X509(leaf, &der);
	struct perr e;
	if (n > 0 && fetch_cert_parse(der, (size_t)n, &t->cert, &e) == 0)
		t->have_cert = true;
	if (trust)
		verify(trust, leaf, chain, host, t);
	else {
		t->verify_code = X509_V_ERR_UNSPECIFIED;
		PSTRCPY(t->verify_reason, "no trust store");
	}
out:
	OPENSSL_free(der);
	ERR_clear_error();
}

/* ------------------------------------------------------------------ probe */

static const struct {
	unsigned bit;
	long sslversion;
	bool legacy; /* needs the client's own security level lowered */
} probe_versions[4] = {
	{ FETCH_TLS_1_0, (long)(CURL_SSLVERSION_TLSv1_0 | CURL_SSLVERSION_MAX_TLSv1_0), true },
	{ FETCH_TLS_1_1, (long)(CURL_SSLVERSION_TLSv1_1 | CURL_SSLVERSION_MAX_TLSv1_1), true },
	{ FETCH_TLS_1_2, (long)(CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2), false },
	{ FETCH_TLS_1_3, (long)(CURL_SSLVERSION_TLSv1_3 | CURL_SSLVERSION_MAX_TLSv1_3), false },
};

int fetch_tls_versions(const struct fetch_opts *opts, const char *url, const char *pin_ip,
		       unsigned *versions_mask, struct perr *e)
{
	struct fetch_opts o;
	CURLM *m = NULL;
	CURL *h[4] = { NULL, NULL, NULL, NULL };
	struct curl_slist *pin = NULL;
	char *wire = NULL;
	char errbuf[4][CURL_ERROR_SIZE];
	CURLcode res[4];
	bool global = false, added[4] = { false, false, false, false };
	int rc = -1;
	*versions_mask = 0;
	if (fetch_opts_check(opts, &o, e) != 0)
		return -1;
	char host[256];
	int port;
	bool https = false;
	if (!url || fetch_url_parts(url, host, sizeof(host), &port, &https) != 0 || !https)
		return perr_set(e, PERR_INVALID, "url", "not an https URL");
	char entry[80];
	if (pin_ip && fetch_pin_entry(pin_ip, entry, sizeof(entry), e) != 0)
		return -1;
	if ((pin_ip && !(pin = curl_slist_append(NULL, entry))) || !(wire = fetch_url_ascii(url))) {
		perr_set(e, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		perr_set(e, PERR_INTERNAL, NULL, "libcurl failed to initialise");
		goto out;
	}
	global = true;
	if (!(m = curl_multi_init())) {
		perr_set(e, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	for (int i = 0; i < 4; i++) {
		res[i] = CURLE_OPERATION_TIMEDOUT;
		errbuf[i][0] = '\0';
		if (!(h[i] = curl_easy_init())) {
			perr_set(e, PERR_INTERNAL, NULL, "out of memory");
			goto out;
		}
		curl_easy_setopt(h[i], CURLOPT_URL, wire);
		curl_easy_setopt(h[i], CURLOPT_PROTOCOLS_STR, "https");
		curl_easy_setopt(h[i], CURLOPT_CONNECT_ONLY, 1L);
		curl_easy_setopt(h[i], CURLOPT_SSLVERSION, probe_versions[i].sslversion);
		if (probe_versions[i].legacy)
			curl_easy_setopt(h[i], CURLOPT_SSL_CIPHER_LIST, "DEFAULT:@SECLEVEL=0");
		curl_easy_setopt(h[i], CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h[i], CURLOPT_SSL_VERIFYHOST, 0L);
		curl_easy_setopt(h[i], CURLOPT_SSL_SESSIONID_CACHE, 0L);
		curl_easy_setopt(h[i], CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(h[i], CURLOPT_FORBID_REUSE, 1L);
		curl_easy_setopt(h[i], CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h[i], CURLOPT_QUICK_EXIT, 1L);
		curl_easy_setopt(h[i], CURLOPT_CONNECTTIMEOUT_MS, (long)o.connect_timeout_ms);
		curl_easy_setopt(h[i], CURLOPT_TIMEOUT_MS, (long)o.total_timeout_ms);
		curl_easy_setopt(h[i], CURLOPT_ERRORBUFFER, errbuf[i]);
		curl_easy_setopt(h[i], CURLOPT_PRIVATE, (char *)&res[i]);
		if (pin)
			curl_easy_setopt(h[i], CURLOPT_CONNECT_TO, pin);
		if (curl_multi_add_handle(m, h[i]) != CURLM_OK) {
			perr_set(e, PERR_INTERNAL, NULL, "libcurl refused the transfer");
			goto out;
		}
		added[i] = true;
	}
	int64_t deadline = fetch_mono_us() +
			   ((int64_t)o.total_timeout_ms + FETCH_WATCHDOG_GRACE_MS) * 1000;
	int left = 4;
	while (left > 0 && fetch_mono_us() < deadline) {
		int running = 0;
		CURLMcode mc = curl_multi_perform(m, &running);
		if (mc != CURLM_OK) {
			perr_set(e, PERR_INTERNAL, NULL, "libcurl: %s", curl_multi_strerror(mc));
			goto out;
		}
		CURLMsg *msg;
		int q;
		while ((msg = curl_multi_info_read(m, &q))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			CURLcode *slot = NULL;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&slot);
			if (slot)
				*slot = msg->data.result;
			left--;
		}
		if (left > 0)
			curl_multi_poll(m, NULL, 0, 1000, NULL);
	}
	bool reached = false;
	int unreached = -1;
	for (int i = 0; i < 4; i++) {
		if (res[i] == CURLE_OK)
			*versions_mask |= probe_versions[i].bit;
		enum fetch_err fe = fetch_err_from_curl(res[i]);
		if (res[i] == CURLE_OK || fe == FETCH_E_TLS)
			reached = true;
		else if (unreached < 0)
			unreached = i;
	}
	if (!reached) {
		const char *why = errbuf[unreached][0] ? errbuf[unreached]
						       : curl_easy_strerror(res[unreached]);
		perr_set(e, PERR_NOTFOUND, "url", "no TLS handshake with %s: %s", host, why);
		goto out;
	}
	rc = 0;
out:
	for (int i = 0; i < 4; i++)
		if (h[i]) {
			if (added[i])
				curl_multi_remove_handle(m, h[i]);
			curl_easy_cleanup(h[i]);
		}
	if (m)
		curl_multi_cleanup(m);
	curl_slist_free_all(pin);
	free(wire);
	if (global)
		curl_global_cleanup();
	return rc;
}
