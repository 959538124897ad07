/*
** sign.c — who signed an Android app (issue 15): the APK Signing Block of
** schemes v2, v3 and v3.1, and the PKCS#7 signature files of v1 (JAR
** signing), each signer reduced to its certificate's subject, issuer,
** serial, validity and SHA-256 — the fingerprint that identifies an app's
** author across versions and that an app indicator records.
**
** Functions of their arguments: the caller hands the whole APK (for the
** block) or the signature file's bytes (for v1). Every length read from
** the input is checked against what is left before it is used; an APK is
** attacker-made, so a lying offset is an error, never a read past the end.
** The v2/v3 signature over each signer's signed data is checked with the
** signer's key (sig_ok), so a pasted certificate does not pass for its
** owner; the content digests and v1's signatures are not (see apk.h).
*/
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "apk/apk.h"

#define EOCD_MIN 22
#define EOCD_SIG 0x06054b50u
#define BLOCK_MAGIC "APK Sig Block 42"
#define ID_V2 0x7109871au
#define ID_V3 0xf05368c0u
#define ID_V31 0x1b93ad61u
#define MAX_PAIRS 1024 /* real blocks hold a handful (signatures, padding, metadata) */
#define MAX_CERTS 64   /* certificates per signer (a chain) */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* A view that shrinks as it is read. */
struct rd {
	const uint8_t *p;
	size_t n;
};

/* Take a u32-length-prefixed slice off r into out: 0, or -1 when the
** prefix or the slice does not fit. */
static int take_lp(struct rd *r, struct rd *out)
{
	if (r->n < 4)
		return -1;
	uint32_t l = le32(r->p);
	if (l > r->n - 4)
		return -1;
	out->p = r->p + 4;
	out->n = l;
	r->p += 4 + (size_t)l;
	r->n -= 4 + (size_t)l;
	return 0;
}

static int take_u32(struct rd *r, uint32_t *v)
{
	if (r->n < 4)
		return -1;
	*v = le32(r->p);
	r->p += 4;
	r->n -= 4;
	return 0;
}

static void hex(const uint8_t *d, size_t n, char *out)
{
	static const char h[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = h[d[i] >> 4];
		out[2 * i + 1] = h[d[i] & 15];
	}
	out[2 * n] = '\0';
}

static void name_text(const X509_NAME *nm, char *out, size_t outsz)
{
	out[0] = '\0';
	BIO *b = BIO_new(BIO_s_mem());
	if (!b)
		return;
	/* RFC 2253 with UTF-8 kept as is (not escaped to \\XX): an author's
	** name in Persian must read as written. */
	unsigned long fl = (XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	if (X509_NAME_print_ex(b, nm, 0, fl) >= 0) {
		char *d = NULL;
		long n = BIO_get_mem_data(b, &d);
		if (n > 0 && d) {
			size_t k = (size_t)n < outsz - 1 ? (size_t)n : outsz - 1;
			memcpy(out, d, k);
			out[k] = '\0';
		}
	}
	BIO_free(b);
}

static int64_t asn1_epoch(const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return (int64_t)timegm(&tm);
}

/* Fill s from the parsed certificate x; der is its encoding (the bytes the
** fingerprint is taken of). */
static int fill_cert(X509 *x, const uint8_t *der, size_t len, struct apk_signer *s,
		     struct perr *err)
{
	uint8_t md[32];
	if (!EVP_Digest(der, len, md, NULL, EVP_sha256(), NULL))
		return perr_set(err, PERR_INTERNAL, "certificate", "SHA-256 failed");
	hex(md, 32, s->sha256);
	name_text(X509_get_subject_name(x), s->subject, sizeof(s->subject));
	name_text(X509_get_issuer_name(x), s->issuer, sizeof(s->issuer));
	s->not_before = asn1_epoch(X509_get0_notBefore(x));
	s->not_after = asn1_epoch(X509_get0_notAfter(x));

	s->serial[0] = '\0';
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	if (bn) {
		char *h = BN_bn2hex(bn);
		if (h) {
			const char *q = h;
			if (*q == '-')
				q++;
			size_t i = 0;
			for (; q[i] && i + 1 < sizeof(s->serial); i++)
				s->serial[i] = (char)((q[i] >= 'A' && q[i] <= 'F') ? q[i] + 32 : q[i]);
			s->serial[i] = '\0';
			/* BN_bn2hex pads to whole bytes: "0A" for 10; one form only */
			size_t z = 0;
			while (s->serial[z] == '0' && s->serial[z + 1])
				z++;
			memmove(s->serial, s->serial + z, strlen(s->serial + z) + 1);
			OPENSSL_free(h);
		}
		BN_free(bn);
	}

	s->key_alg[0] = '\0';
	s->key_bits = 0;
	EVP_PKEY *k = X509_get0_pubkey(x);
	if (k) {
		const char *a = "";
		switch (EVP_PKEY_get_base_id(k)) {
		case EVP_PKEY_RSA: a = "RSA"; break;
		case EVP_PKEY_EC: a = "EC"; break;
		case EVP_PKEY_DSA: a = "DSA"; break;
		case EVP_PKEY_ED25519: a = "Ed25519"; break;
		default: break;
		}
		snprintf(s->key_alg, sizeof(s->key_alg), "%s", a);
		s->key_bits = EVP_PKEY_get_bits(k);
	}
	return 0;
}

int apk_sign_cert(const uint8_t *der, size_t len, struct apk_signer *s, struct perr *err)
{
	if (len == 0 || len > (size_t)1 << 20)
		return perr_set(err, PERR_INVALID, "certificate", "certificate of %zu bytes", len);
	const unsigned char *q = der;
	X509 *x = d2i_X509(NULL, &q, (long)len);
	if (!x) {
		/* the thread's OpenSSL error queue must not keep a hostile
		** APK's faults for the next TLS handshake to misread */
		ERR_clear_error();
		return perr_set(err, PERR_INVALID, "certificate", "certificate does not parse as X.509 DER");
	}
	int rc = fill_cert(x, der, (size_t)(q - der), s, err);
	X509_free(x);
	return rc;
}

/* Merge one signer into out: the same certificate in another scheme adds
** its scheme bit (apksigner reports one signer signed with v1, v2 and v3,
** not three). */
static int merge(struct apk_signers *out, const struct apk_signer *s, struct perr *err)
{
	for (size_t i = 0; i < out->n; i++) {
		if (strcmp(out->s[i].sha256, s->sha256) == 0) {
			struct apk_signer *o = &out->s[i];
			o->schemes |= s->schemes;
			if (s->schemes & (APK_SCHEME_V3 | APK_SCHEME_V31)) {
				if (!o->min_sdk || s->min_sdk < o->min_sdk)
					o->min_sdk = s->min_sdk;
				if (s->max_sdk > o->max_sdk)
					o->max_sdk = s->max_sdk;
			}
			if (s->schemes & (APK_SCHEME_V2 | APK_SCHEME_V3 | APK_SCHEME_V31)) {
				o->key_matches = o->key_matches || s->key_matches;
				o->sig_ok = o->sig_ok || s->sig_ok;
			}
			return 0;
		}
	}
	if (out->n >= APK_SIGN_MAX_SIGNERS)
		return perr_set(err, PERR_LIMIT, "signers", "more than %d signers", APK_SIGN_MAX_SIGNERS);
	out->s[out->n++] = *s;
	return 0;
}

/* True when the SubjectPublicKeyInfo spki is the certificate's key. */
static bool key_is_certs(const uint8_t *cert, size_t clen, struct rd spki)
{
	const unsigned char *q = cert;
	X509 *x = d2i_X509(NULL, &q, (long)clen);
	if (!x) {
		ERR_clear_error();
		return false;
	}
	bool same = false;
	unsigned char *d = NULL;
	int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &d);
	if (n > 0 && (size_t)n == spki.n && memcmp(d, spki.p, spki.n) == 0)
		same = true;
	OPENSSL_free(d);
	X509_free(x);
	return same;
}

/* The digest and padding of a v2/v3 signature algorithm id; 0 for an
** unknown one (a newer scheme: not an error, just not checked). */
static const EVP_MD *sig_md(uint32_t alg, int *pss)
{
	*pss = 0;
	switch (alg) {
	case 0x0101: *pss = 1; return EVP_sha256(); /* RSASSA-PSS, SHA-256 */
	case 0x0102: *pss = 1; return EVP_sha512();
	case 0x0103: return EVP_sha256(); /* RSASSA-PKCS1-v1_5 */
	case 0x0104: return EVP_sha512();
	case 0x0201: return EVP_sha256(); /* ECDSA */
	case 0x0202: return EVP_sha512();
	case 0x0301: return EVP_sha256(); /* DSA */
	default: return NULL;
	}
}

/* True when one signature of the sequence sigs, of an algorithm we know,
** verifies the signed data sd with the public key spki (DER). This is
** what stops a block that pastes a known developer's certificate without
** their key from reading as signed by them. */
static bool sig_verifies(struct rd sigs, struct rd sd, struct rd spki)
{
	const unsigned char *q = spki.p;
	EVP_PKEY *k = spki.n ? d2i_PUBKEY(NULL, &q, (long)spki.n) : NULL;
	bool ok = false;
	int n = 0;
	while (k && !ok && sigs.n > 0 && n++ < 16) {
		struct rd one, sig;
		uint32_t alg;
		if (take_lp(&sigs, &one) != 0 || take_u32(&one, &alg) != 0 || take_lp(&one, &sig) != 0)
			break;
		int pss;
		const EVP_MD *md = sig_md(alg, &pss);
		if (!md)
			continue;
		EVP_MD_CTX *c = EVP_MD_CTX_new();
		EVP_PKEY_CTX *pc = NULL;
		if (c && EVP_DigestVerifyInit(c, &pc, md, NULL, k) == 1 &&
		    (!pss || (EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING) == 1 &&
			      EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, RSA_PSS_SALTLEN_DIGEST) == 1)) &&
		    EVP_DigestVerify(c, sig.p, sig.n, sd.p, sd.n) == 1)
			ok = true;
		EVP_MD_CTX_free(c);
	}
	EVP_PKEY_free(k);
	ERR_clear_error();
	return ok;
}

/* One signer of a v2 / v3 / v3.1 block. v2: signed data, signatures,
** public key; v3: signed data, minSDK, maxSDK, signatures, public key, and
** the signed data holds (digests, certificates, minSDK, maxSDK,
** attributes) where v2's holds (digests, certificates, attributes). */
static int one_signer(struct rd sr, unsigned scheme, struct apk_signers *out, struct perr *err)
{
	struct rd sd, digests, certs, sigs, pk, cert = { 0 };
	uint32_t min_sdk = 0, max_sdk = 0;
	bool v3 = scheme != APK_SCHEME_V2;

	if (take_lp(&sr, &sd) != 0)
		return perr_set(err, PERR_INVALID, "signing_block", "signer's signed data overruns the signer");
	struct rd sd_whole = sd;
	if (v3 && (take_u32(&sr, &min_sdk) != 0 || take_u32(&sr, &max_sdk) != 0))
		return perr_set(err, PERR_INVALID, "signing_block", "v3 signer without its SDK range");
	if (take_lp(&sr, &sigs) != 0 || take_lp(&sr, &pk) != 0)
		return perr_set(err, PERR_INVALID, "signing_block", "signer's signatures or public key overrun the signer");
	if (take_lp(&sd, &digests) != 0 || take_lp(&sd, &certs) != 0)
		return perr_set(err, PERR_INVALID, "signing_block", "signed data's digests or certificates overrun it");
	if (digests.n == 0 || sigs.n == 0)
		return perr_set(err, PERR_INVALID, "signing_block", "signer without digests or signatures");

	/* The first certificate is the signer's; the rest, if any, its chain.
	** Each is walked so that a lying length anywhere is refused. */
	int nc = 0;
	while (certs.n > 0) {
		struct rd c;
		if (take_lp(&certs, &c) != 0 || c.n == 0)
			return perr_set(err, PERR_INVALID, "signing_block", "certificate overruns the signed data");
		if (++nc > MAX_CERTS)
			return perr_set(err, PERR_LIMIT, "signing_block", "more than %d certificates in a signer", MAX_CERTS);
		if (nc == 1)
			cert = c;
	}
	if (nc == 0)
		return perr_set(err, PERR_INVALID, "signing_block", "signer without a certificate");

	struct apk_signer s;
	memset(&s, 0, sizeof(s));
	if (apk_sign_cert(cert.p, cert.n, &s, err) != 0)
		return -1;
	s.schemes = scheme;
	if (v3) {
		uint32_t smin = 0, smax = 0;
		if (take_u32(&sd, &smin) != 0 || take_u32(&sd, &smax) != 0)
			return perr_set(err, PERR_INVALID, "signing_block", "v3 signed data without its SDK range");
		s.min_sdk = min_sdk;
		s.max_sdk = max_sdk;
	}
	s.key_matches = key_is_certs(cert.p, cert.n, pk);
	s.sig_ok = sig_verifies(sigs, sd_whole, pk);
	return merge(out, &s, err);
}

static int scheme_block(struct rd v, unsigned scheme, struct apk_signers *out, struct perr *err)
{
	struct rd signers;
	if (take_lp(&v, &signers) != 0)
		return perr_set(err, PERR_INVALID, "signing_block", "signer sequence overruns its block");
	int n = 0;
	while (signers.n > 0) {
		struct rd sr;
		if (take_lp(&signers, &sr) != 0)
			return perr_set(err, PERR_INVALID, "signing_block", "signer overruns the signer sequence");
		if (++n > APK_SIGN_MAX_SIGNERS)
			return perr_set(err, PERR_LIMIT, "signers", "more than %d signers", APK_SIGN_MAX_SIGNERS);
		if (one_signer(sr, scheme, out, err) != 0)
			return -1;
	}
	if (n == 0)
		return perr_set(err, PERR_INVALID, "signing_block", "scheme block without signers");
	return 0;
}

int apk_sign_block(const uint8_t *apk, size_t len, struct apk_signers *out, struct perr *err)
{
	if (!apk || len < EOCD_MIN)
		return perr_set(err, PERR_INVALID, "apk", "not a ZIP archive (%zu bytes, no end of central directory)", len);

	/* The EOCD is the last record; only a comment (<= 65535 bytes) may
	** follow it. The comment length must reach the end exactly, as
	** apksigner requires: a signature "EOCD" inside the comment is not it. */
	size_t eocd = SIZE_MAX;
	size_t lo = len - EOCD_MIN > 65535 ? len - EOCD_MIN - 65535 : 0;
	for (size_t i = len - EOCD_MIN + 1; i-- > lo;) {
		if (le32(apk + i) == EOCD_SIG && (size_t)(apk[i + 20] | apk[i + 21] << 8) == len - i - EOCD_MIN) {
			eocd = i;
			break;
		}
	}
	if (eocd == SIZE_MAX)
		return perr_set(err, PERR_INVALID, "apk", "no ZIP end of central directory");
	uint64_t cd_size = le32(apk + eocd + 12), cd_off = le32(apk + eocd + 16);
	if (cd_off > eocd || cd_size != eocd - cd_off)
		return perr_set(err, PERR_INVALID, "apk",
				"central directory (offset %llu, %llu bytes) does not end at the end record (%zu)",
				(unsigned long long)cd_off, (unsigned long long)cd_size, eocd);

	/* Footer: u64 size, 16-byte magic, just before the central directory. */
	if (cd_off < 32 || memcmp(apk + cd_off - 16, BLOCK_MAGIC, 16) != 0)
		return 1;
	uint64_t size = le64(apk + cd_off - 24);
	if (size < 24 || size > cd_off - 8)
		return perr_set(err, PERR_INVALID, "signing_block", "signing block size %llu does not fit before offset %llu",
				(unsigned long long)size, (unsigned long long)cd_off);
	size_t start = (size_t)(cd_off - size - 8);
	if (le64(apk + start) != size)
		return perr_set(err, PERR_INVALID, "signing_block", "signing block's two size fields disagree (%llu, %llu)",
				(unsigned long long)le64(apk + start), (unsigned long long)size);

	struct rd pairs = { apk + start + 8, (size_t)size - 24 };
	int npairs = 0;
	bool has_v31 = false;
	struct rd v3 = { 0 }, v31 = { 0 }, v2 = { 0 };
	bool got2 = false, got3 = false;
	while (pairs.n > 0) {
		if (pairs.n < 12)
			return perr_set(err, PERR_INVALID, "signing_block", "id-value pair truncated");
		uint64_t pl = le64(pairs.p);
		if (pl < 4 || pl > pairs.n - 8)
			return perr_set(err, PERR_INVALID, "signing_block", "id-value pair of %llu bytes overruns the block",
					(unsigned long long)pl);
		if (++npairs > MAX_PAIRS)
			return perr_set(err, PERR_LIMIT, "signing_block", "more than %d id-value pairs", MAX_PAIRS);
		uint32_t id = le32(pairs.p + 8);
		struct rd v = { pairs.p + 12, (size_t)pl - 4 };
		if (id == ID_V2) {
			v2 = v;
			got2 = true;
		} else if (id == ID_V3) {
			v3 = v;
			got3 = true;
		} else if (id == ID_V31) {
			v31 = v;
			has_v31 = true;
		}
		pairs.p += 8 + (size_t)pl;
		pairs.n -= 8 + (size_t)pl;
	}
	if (got2) {
		if (scheme_block(v2, APK_SCHEME_V2, out, err) != 0)
			return -1;
	}
	if (got3) {
		if (scheme_block(v3, APK_SCHEME_V3, out, err) != 0)
			return -1;
	}
	if (has_v31) {
		if (scheme_block(v31, APK_SCHEME_V31, out, err) != 0)
			return -1;
	}
	return 0;
}

int apk_sign_v1(const uint8_t *p, size_t len, struct apk_signers *out, struct perr *err)
{
	int rc = -1;
	PKCS7 *p7 = NULL;
	STACK_OF(X509) *signers = NULL;

	if (!p || len == 0 || len > (size_t)16 << 20) {
		perr_set(err, PERR_INVALID, "signature_file", "signature file of %zu bytes", len);
		goto out;
	}
	const unsigned char *q = p;
	p7 = d2i_PKCS7(NULL, &q, (long)len);
	if (!p7 || !PKCS7_type_is_signed(p7) || !p7->d.sign) {
		perr_set(err, PERR_INVALID, "signature_file", "not a PKCS#7 SignedData");
		goto out;
	}
	/* The SignerInfos name their certificate by issuer and serial; the
	** set may carry more (a chain), which are not signers. */
	signers = PKCS7_get0_signers(p7, NULL, 0);
	if (!signers || sk_X509_num(signers) == 0) {
		perr_set(err, PERR_INVALID, "signature_file", "no signer certificate in the PKCS#7 SignedData");
		goto out;
	}
	for (int i = 0; i < sk_X509_num(signers) && i < APK_SIGN_MAX_SIGNERS; i++) {
		X509 *x = sk_X509_value(signers, i);
		unsigned char *der = NULL;
		int n = i2d_X509(x, &der);
		if (n <= 0) {
			perr_set(err, PERR_INVALID, "signature_file", "signer certificate does not encode");
			goto out;
		}
		struct apk_signer s;
		memset(&s, 0, sizeof(s));
		int f = fill_cert(x, der, (size_t)n, &s, err);
		OPENSSL_free(der);
		if (f != 0)
			goto out;
		s.schemes = APK_SCHEME_V1;
		if (merge(out, &s, err) != 0)
			goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		ERR_clear_error();
	sk_X509_free(signers);
	PKCS7_free(p7);
	return rc;
}
