/*
** link.c — signed links: the read and acknowledge links in advisory mails,
** HMAC-signed, expiring, one action for one target.
**
** A contact who receives an advisory must be able to say "read" or "we
** acknowledge" with one click, without an account (most constituents'
** specialists have none). The link therefore carries its own authority: a
** token that names the advisory, the organisation, the action and the
** expiry, signed with HMAC-SHA-256 (libsodium) under a key only this
** deployment holds (DATA/advisory-link.key, 32 random bytes, made on first
** use, mode 0600). Anyone holding the mail may do that one thing for that
** one organisation until the link expires, and nothing else: a changed
** byte breaks the signature (checked in constant time), and the action is
** idempotent (track.c moves a target only forward), so a replay, a mail
** scanner that follows links, or a forwarded mail does no harm. A
** signed-in user who follows the link must also be in the target's scope,
** so an analyst of another province or another organisation's specialist
** cannot act for this one with a link they were forwarded.
*/
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "advisory/advisory.h"

#define TOKEN_MAX 256   /* bytes of a token accepted */
#define PAYLOAD_MAX 96  /* "v1:ID:ORG:ACTION:EXPIRY" */

static int key_path(const char *data_dir, char *out, size_t n, struct perr *err)
{
	if (!data_dir || !*data_dir)
		return perr_set(err, PERR_INTERNAL, "data", "no data directory for the link key");
	if (snprintf(out, n, "%s/advisory-link.key", data_dir) >= (int)n)
		return perr_set(err, PERR_LIMIT, "data", "data directory name too long");
	return 0;
}

/* Read the 32-byte key; 0, 1 when there is none, -1 on error. A key that
** others may read is refused: with it anyone could forge acknowledgements. */
static int key_read(const char *path, uint8_t key[ADVISORY_LINK_KEY_LEN], struct perr *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 1
				       : perr_set(err, PERR_INTERNAL, "data", "cannot read %s: %s",
						  path, strerror(errno));
	struct stat sb;
	int rc = -1;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		perr_set(err, PERR_INTERNAL, "data", "%s is not a regular file", path);
		goto out;
	}
	if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
		perr_set(err, PERR_INTERNAL, "data",
			 "%s may be read by others (mode %03o): chmod 600 it", path,
			 (unsigned)(sb.st_mode & 0777));
		goto out;
	}
	uint8_t buf[ADVISORY_LINK_KEY_LEN + 1];
	ssize_t got = read(fd, buf, sizeof(buf));
	if (got != ADVISORY_LINK_KEY_LEN) {
		perr_set(err, PERR_INTERNAL, "data", "%s does not hold a %d-byte key", path,
			 ADVISORY_LINK_KEY_LEN);
		goto out;
	}
	memcpy(key, buf, ADVISORY_LINK_KEY_LEN);
	sodium_memzero(buf, sizeof(buf));
	rc = 0;
out:
	close(fd);
	return rc;
}

int advisory_link_key_load(const char *data_dir, uint8_t key[ADVISORY_LINK_KEY_LEN],
			   struct perr *err)
{
	char path[1200], tmp[1300];
	if (key_path(data_dir, path, sizeof(path), err) != 0)
		return -1;
	int rc = key_read(path, key, err);
	if (rc <= 0)
		return rc;
	if (sodium_init() < 0)
		return perr_set(err, PERR_INTERNAL, NULL, "libsodium cannot start");
	/* Made whole in a private file, then linked into place: link() fails
	** when another process made the key first, and then both use its key,
	** so two processes starting together never sign with different keys. */
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	uint8_t fresh[ADVISORY_LINK_KEY_LEN];
	randombytes_buf(fresh, sizeof(fresh));
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return perr_set(err, PERR_INTERNAL, "data", "cannot create %s: %s", tmp,
				strerror(errno));
	bool ok = write(fd, fresh, sizeof(fresh)) == (ssize_t)sizeof(fresh) && fsync(fd) == 0;
	close(fd);
	sodium_memzero(fresh, sizeof(fresh));
	if (!ok) {
		unlink(tmp);
		return perr_set(err, PERR_INTERNAL, "data", "cannot write %s", tmp);
	}
	if (link(tmp, path) != 0 && errno != EEXIST) {
		int e = errno;
		unlink(tmp);
		return perr_set(err, PERR_INTERNAL, "data", "cannot create %s: %s", path,
				strerror(e));
	}
	unlink(tmp);
	rc = key_read(path, key, err);
	return rc == 1 ? perr_set(err, PERR_INTERNAL, "data", "%s vanished", path) : rc;
}

static bool action_ok(const char *action)
{
	return action && (strcmp(action, "read") == 0 || strcmp(action, "ack") == 0);
}

int advisory_link_sign(const uint8_t key[ADVISORY_LINK_KEY_LEN], int64_t id, int64_t org,
		       const char *action, int64_t expires_ms, char *out, size_t outsz,
		       struct perr *err)
{
	if (id <= 0 || org <= 0 || expires_ms <= 0 || !action_ok(action))
		return perr_set(err, PERR_INVALID, "action", "a link needs an advisory, an "
			       "organisation, read or ack, and an expiry");
	char payload[PAYLOAD_MAX];
	int plen = snprintf(payload, sizeof(payload), "v1:%lld:%lld:%s:%lld", (long long)id,
			    (long long)org, action, (long long)expires_ms);
	uint8_t mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256(mac, (const uint8_t *)payload, (size_t)plen, key);
	size_t need = sodium_base64_ENCODED_LEN((size_t)plen,
						sodium_base64_VARIANT_URLSAFE_NO_PADDING) +
		      sodium_base64_ENCODED_LEN(sizeof(mac), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if (outsz < need)
		return perr_set(err, PERR_LIMIT, NULL, "link buffer too small");
	sodium_bin2base64(out, outsz, (const uint8_t *)payload, (size_t)plen,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	size_t n = strlen(out);
	out[n++] = '.';
	sodium_bin2base64(out + n, outsz - n, mac, sizeof(mac),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

int advisory_link_make(const char *data_dir, int64_t id, int64_t org, const char *action,
		       int64_t expires_ms, char *out, size_t outsz, struct perr *err)
{
	uint8_t key[ADVISORY_LINK_KEY_LEN];
	if (advisory_link_key_load(data_dir, key, err) != 0)
		return -1;
	int rc = advisory_link_sign(key, id, org, action, expires_ms, out, outsz, err);
	sodium_memzero(key, sizeof(key));
	return rc;
}

void advisory_link_url(const struct config *cfg, const char *token, char *out, size_t n)
{
	/* the portal's page, not an API call: a GET that a mail scanner
	** prefetches must not act; the page asks, then the API acts */
	snprintf(out, n, "%s/#/advisory-link/%s", cfg->public_url, token);
}

/* Decode one base64url part of at most max bytes into out. */
static int part_decode(const char *s, size_t len, uint8_t *out, size_t max, size_t *got)
{
	return sodium_base642bin(out, max, s, len, NULL, got, NULL,
				 sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0
		       ? 0
		       : -1;
}

/* "v1:ID:ORG:ACTION:EXPIRY", strictly: 0 or -1. */
static int payload_parse(const char *p, int64_t *id, int64_t *org, char action[8],
			 int64_t *exp)
{
	struct pstr rest = pstr_c(p), f[5];
	for (int k = 0; k < 4; k++)
		if (!pstr_cut(rest, ':', &f[k], &rest))
			return -1;
	f[4] = rest;
	if (!pstr_eqc(f[0], "v1") || pstr_to_i64(f[1], 1, INT64_MAX, id) != 0 ||
	    pstr_to_i64(f[2], 1, INT64_MAX, org) != 0 || pstr_to_i64(f[4], 1, INT64_MAX, exp) != 0)
		return -1;
	if (!pstr_eqc(f[3], "read") && !pstr_eqc(f[3], "ack"))
		return -1;
	return pstr_copy(f[3], action, 8);
}

int advisory_link_check(const char *data_dir, const char *token, int64_t now_ms, int64_t *id,
			int64_t *org, char action[8], struct perr *err)
{
	size_t len = token ? strnlen(token, TOKEN_MAX + 1) : 0;
	const char *dot = len ? memchr(token, '.', len) : NULL;
	if (!len || len > TOKEN_MAX || !dot)
		return perr_set(err, PERR_INVALID, "token", "not an advisory link");
	uint8_t payload[PAYLOAD_MAX + 1], mac[crypto_auth_hmacsha256_BYTES + 1];
	size_t plen = 0, mlen = 0;
	if (part_decode(token, (size_t)(dot - token), payload, PAYLOAD_MAX, &plen) != 0 ||
	    part_decode(dot + 1, len - (size_t)(dot - token) - 1, mac, sizeof(mac), &mlen) != 0 ||
	    mlen != crypto_auth_hmacsha256_BYTES || plen == 0)
		return perr_set(err, PERR_INVALID, "token", "not an advisory link");
	uint8_t key[ADVISORY_LINK_KEY_LEN];
	if (advisory_link_key_load(data_dir, key, err) != 0)
		return -1;
	int bad = crypto_auth_hmacsha256_verify(mac, payload, plen, key);
	sodium_memzero(key, sizeof(key));
	if (bad)
		return perr_set(err, PERR_INVALID, "token", "the link's signature does not match");
	payload[plen] = 0;
	int64_t exp;
	/* signed by us, so well-formed unless the format changed */
	if (memchr(payload, 0, plen) ||
	    payload_parse((const char *)payload, id, org, action, &exp) != 0)
		return perr_set(err, PERR_INVALID, "token", "not an advisory link");
	if (now_ms >= exp)
		return perr_set(err, PERR_FORBIDDEN, "token", "the link has expired");
	return 0;
}

int advisory_link_use(struct store *st, const struct config *cfg, const char *data_dir,
		      const struct principal *p, const char *token, bool confirm, int64_t now_ms,
		      int64_t *id, int64_t *org, char action[8], struct perr *err)
{
	if (advisory_link_check(data_dir, token, now_ms, id, org, action, err) != 0)
		return -1;
	struct store_advisory_target t;
	if (store_advisory_target_get(st, *id, *org, &t, NULL, 0, err) != 0)
		return -1;
	char actor[96];
	if (p) {
		/* a forwarded link does not lend its authority to another
		** organisation's (or province's) signed-in user */
		struct target scope = { .org_id = t.org_id, .province = t.province };
		struct perr e;
		if (identity_allow_object(p, &scope, &e) != 0)
			return perr_set(err, PERR_FORBIDDEN, "token",
					"this link is for another organisation");
		identity_actor(p, actor, sizeof(actor));
	} else {
		snprintf(actor, sizeof(actor), "link:org-%lld", (long long)*org);
	}
	bool ack = strcmp(action, "ack") == 0;
	/* opening an acknowledge link only says what it would do: a mail
	** scanner that follows every link must not acknowledge */
	if (ack && !confirm)
		return 0;
	const char *state = ack ? "acknowledged" : "read";
	struct perr e;
	perr_clear(&e);
	/* the state rule is track.c's; a target already past this step is a
	** replay or a late click: nothing to do, and not an error */
	if (advisory_target_set(st, cfg, p, actor, *id, *org, state, NULL, now_ms, &e) != 0) {
		if (e.kind == PERR_CONFLICT)
			return 0;
		if (err)
			*err = e;
		return -1;
	}
	return 0;
}
