/*
** export_suricata.c — the registry as Suricata 7 rules (most also load in
** Snort 3, which shares the sticky-buffer syntax for these keywords):
** what a network sensor at a constituent's border alerts on.
**
**   domain     dns.query and tls.sni, each with "dotprefix; content:
**              ".name"; endswith; nocase": the name and every name under it,
**              never a name that merely ends the same ("notevil.example");
**   ipv4/ipv6/cidr  two ip rules, traffic to the address and from it;
**   tls        the certificate's SHA-256. Suricata's tls.cert_fingerprint
**              is the SHA-1 of the server's leaf certificate, written with
**              colons, so our SHA-256 fingerprints cannot be matched
**              there, and JA3/JA3S/JA4 hash the handshake, not the
**              certificate. What matches is the certificate itself:
**              "tls.certs; to_sha256; content:"|..32 bytes..|";" hashes
**              each certificate of the chain as it passes (Suricata >= 6
**              for the multi-buffer; to_sha256 since 5). The gap: TLS 1.3
**              encrypts the Certificate message, so only TLS <= 1.2
**              handshakes (and the operator's own decrypting proxy) can be
**              matched; a TLS 1.3 server is invisible to any such rule.
** Ignored (counted): URLs (https hides the path; http rules would need
** the URL's bytes escaped into content matches, left to a later step),
** e-mail addresses, file hashes (Suricata matches those through
** filesha256 lists, not rules), ASNs, and apps (their certificate signs the
** APK, it is never sent on the wire).
**
** sids are stable: sid = base + 4 * id + k (k = the rule's place among the
** indicator's rules), so a rule keeps its sid across exports and a
** suppression or threshold an operator writes for it keeps working. base
** is opts.sid_base (default 1,000,000,000, far above the ranges Emerging
** Threats (2,000,000-2,999,999) and the local range (1,000,000-1,999,999)
** use); an id whose sids would pass 2^32 - 1 is skipped (counted). rev is
** the indicator's last change in seconds, so rule managers see an update.
** msg escapes '"', ';' and '\' with a backslash and replaces control bytes,
** as Suricata's rule parser requires.
*/
#include "indicator/export_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int suri_open(struct indicator_export *x, struct perr *err)
{
	(void)err;
	char ts[32];
	export_time(x->now_ms, ts);
	pbuf_adds(x->out, "# Suricata rules of the indicator registry of ");
	for (const char *p = x->producer; *p; p++)
		pbuf_add(x->out, (unsigned char)*p < 0x20 ? " " : p, 1);
	pbuf_addf(x->out, "\n# generated %s; sid = %u + 4 * indicator id + rule\n", ts, x->sid_base);
	return 0;
}

/* msg's text, escaped: '"', ';', '\' get a backslash; control bytes are
** spaces (a newline would end the rule). */
static void msg_text(struct pbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == ';' || c == '\\')
			pbuf_add(b, "\\", 1);
		pbuf_add(b, c < 0x20 || c == 0x7f ? " " : s, 1);
	}
}

/* A metadata value: Suricata splits metadata on ',' and ' ', so only
** [A-Za-z0-9_+-] is kept. */
static void meta_word(struct pbuf *b, const char *s)
{
	bool any = false;
	for (; *s; s++)
		if (isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == '+') {
			pbuf_add(b, s, 1);
			any = true;
		}
	if (!any)
		pbuf_add(b, "none", 4);
}

/* The tail of a rule: msg, the match given, sid, rev, metadata. */
static void rule(struct indicator_export *x, const struct store_indicator *r, const char *head,
		 const char *what, const char *match, uint64_t sid)
{
	struct pbuf *b = x->out;
	pbuf_addf(b, "%s (msg:\"Parapet indicator %lld %s ", head, (long long)r->id, what);
	msg_text(b, r->value);
	if (r->class_[0]) {
		pbuf_adds(b, " (");
		msg_text(b, r->class_);
		pbuf_adds(b, ")");
	}
	int64_t rev = (r->updated_ms ? r->updated_ms : r->created_ms) / 1000;
	if (rev < 1 || rev > 2147483647)
		rev = 1;
	pbuf_addf(b, "\"; %s sid:%llu; rev:%lld; metadata: parapet_id %lld, tlp ", match,
		  (unsigned long long)sid, (long long)rev, (long long)r->id);
	meta_word(b, export_tlp_name(export_tlp_level(r->tlp)));
	pbuf_adds(b, ", class ");
	meta_word(b, r->class_);
	pbuf_adds(b, ";)\n");
}

/* Only what a rule can hold unescaped as an address or a name. */
static bool plain_value(const char *v, const char *allowed)
{
	if (!*v || strlen(v) > 253)
		return false;
	for (; *v; v++)
		if (!strchr(allowed, *v))
			return false;
	return true;
}

static int suri_add(struct indicator_export *x, const struct store_indicator *r,
		    enum indicator_type t, struct perr *err)
{
	uint64_t sid = (uint64_t)x->sid_base + 4 * (uint64_t)r->id;
	if (r->id < 0 || sid + 3 > 4294967295ULL) {
		x->n.skipped++;
		return 0;
	}
	/* pbuf_fixed, not snprintf: the values are checked to be short
	** above, and a cut would be caught (pbuf_failed) rather than written */
	char match[600], head[300];
	struct pbuf m = pbuf_fixed(match, sizeof(match)), h = pbuf_fixed(head, sizeof(head));
	switch (t) {
	case INDICATOR_DOMAIN:
		if (!plain_value(r->value, "abcdefghijklmnopqrstuvwxyz0123456789-.")) {
			x->n.skipped++;
			return 0;
		}
		pbuf_addf(&m, "dns.query; dotprefix; content:\".%s\"; endswith; nocase;", r->value);
		if (pbuf_failed(&m))
			break;
		rule(x, r, "alert dns any any -> any any", "DNS query for", match, sid);
		pbuf_reset(&m);
		pbuf_addf(&m, "tls.sni; dotprefix; content:\".%s\"; endswith; nocase;", r->value);
		if (pbuf_failed(&m))
			break;
		rule(x, r, "alert tls any any -> any any", "TLS SNI", match, sid + 1);
		break;
	case INDICATOR_IPV4:
	case INDICATOR_IPV6:
	case INDICATOR_CIDR: {
		if (!plain_value(r->value, "0123456789abcdef.:/")) {
			x->n.skipped++;
			return 0;
		}
		pbuf_addf(&h, "alert ip any any -> [%s] any", r->value);
		if (pbuf_failed(&h))
			break;
		rule(x, r, head, "traffic to", "", sid);
		pbuf_reset(&h);
		pbuf_addf(&h, "alert ip [%s] any -> any any", r->value);
		if (pbuf_failed(&h))
			break;
		rule(x, r, head, "traffic from", "", sid + 1);
		break;
	}
	case INDICATOR_TLS: {
		if (strlen(r->value) != 64 || !plain_value(r->value, "0123456789abcdef")) {
			x->n.skipped++;
			return 0;
		}
		pbuf_adds(&m, "tls.certs; to_sha256; content:\"|");
		for (int i = 0; i < 64; i += 2)
			pbuf_addf(&m, "%s%.2s", i ? " " : "", r->value + i);
		pbuf_adds(&m, "|\";");
		rule(x, r, "alert tls any any -> any any", "TLS certificate SHA-256", match, sid);
		break;
	}
	default:
		x->n.ignored++;
		return 0;
	}
	if (pbuf_failed(&m) || pbuf_failed(&h))
		return perr_set(err, PERR_INTERNAL, NULL, "a Suricata rule of indicator %lld overflowed",
				(long long)r->id);
	x->n.written++;
	return 0;
}

static int suri_close(struct indicator_export *x, struct perr *err)
{
	(void)err;
	pbuf_addf(x->out, "# %lld indicators, %lld skipped, %lld ignored (not matchable in rules)\n",
		  (long long)x->n.written, (long long)x->n.skipped, (long long)x->n.ignored);
	return 0;
}

const struct export_ops export_suricata_ops = { suri_open, suri_add, suri_close, NULL };
