/*
** export_rpz.c — the registry as a DNS Response Policy Zone
** (draft-vixie-dnsop-dns-rpz, as BIND, Unbound, Knot Resolver and PowerDNS
** Recursor load it), the one format a national CERT can hand to every
** resolver operator of its constituency so that a listed domain stops
** resolving for their users.
**
** What becomes a trigger:
**   domain     a QNAME trigger for the name and one for "*.name": malware
**              and phishing kits spin up subdomains faster than anyone
**              lists them, and RPZ's wildcard is the only way to cover them;
**   ipv4/ipv6  an rpz-ip (response IP) trigger: "32.d.c.b.a.rpz-ip" /
**              "128.<groups reversed, zz for the longest zero run>.rpz-ip",
**              so an unlisted name that resolves to a listed address is
**              rewritten too (the fast-flux case);
**   cidr       the same with the prefix length.
** A URL is NOT its host: listing http://shared-host.example/phish must not
** take shared-host.example off the resolvers (a hosting provider's whole
** customer base); the analyst lists the domain when the domain is evil.
** E-mail addresses, hashes, certificates, ASNs and apps have no DNS
** meaning and are ignored (counted).
**
** What a trigger does (indicator.rpz_action): nxdomain "CNAME .", nodata
** "CNAME *.", drop "CNAME rpz-drop." (no answer: the client times out), or
** "CNAME garden.example." to send users to a walled-garden page saying why.
**
** Skipped (counted), because a resolver would refuse the whole zone or
** read them as another trigger: a name whose wildcard with the origin is
** longer than 255 octets, a label that is not LDH or longer than 63, and
** a name ending in an RPZ trigger label (rpz-ip, rpz-nsip, rpz-nsdname,
** rpz-client-ip: "x.rpz-ip" under the origin would be read as an address).
*/
#include "indicator/export_internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* The policy record's right-hand side for x->action. */
static const char *rpz_target(const struct indicator_export *x)
{
	if (!strcmp(x->action, "nxdomain"))
		return ".";
	if (!strcmp(x->action, "nodata"))
		return "*.";
	if (!strcmp(x->action, "drop"))
		return "rpz-drop.";
	return x->action; /* the walled garden, with its trailing dot */
}

static int rpz_open(struct indicator_export *x, struct perr *err)
{
	(void)err;
	char ts[32];
	export_time(x->now_ms, ts);
	struct pbuf *b = x->out;
	pbuf_adds(b, "; DNS RPZ zone of indicators (draft-vixie-dnsop-dns-rpz)\n; producer: ");
	/* the producer is the operator's text: one line, no newline can end
	** the comment early and start a record */
	for (const char *p = x->producer; *p; p++)
		pbuf_add(b, (unsigned char)*p < 0x20 ? " " : p, 1);
	pbuf_addf(b, "\n; generated: %s\n; action: %s\n", ts, x->action);
	pbuf_addf(b, "$ORIGIN %s\n$TTL 300\n", x->origin);
	/* refresh 1 h, retry 10 min, expire 1 week (a secondary that loses
	** its primary keeps blocking for a week), negative TTL 5 min */
	pbuf_addf(b, "@ IN SOA localhost. hostmaster.localhost. %u 3600 600 604800 300\n",
		  x->serial);
	pbuf_adds(b, "@ IN NS localhost.\n");
	return 0;
}

/* A canonical domain a zone can hold: LDH labels of 1-63 bytes, not ending
** in an RPZ trigger label, short enough for "*." and the origin. */
static bool rpz_name_ok(const struct indicator_export *x, const char *d, size_t n)
{
	/* wire length of "*." d "." origin: the text length + 1 */
	if (n == 0 || 2 + n + 1 + strlen(x->origin) + 1 > 255)
		return false;
	size_t lab = 0;
	const char *last = d;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d[i];
		if (c == '.') {
			if (lab == 0)
				return false;
			lab = 0;
			last = d + i + 1;
		} else if (isalnum(c) || c == '-') {
			if (++lab > 63)
				return false;
		} else {
			return false;
		}
	}
	if (lab == 0)
		return false;
	static const char *const trig[] = { "rpz-ip", "rpz-nsip", "rpz-nsdname",
					    "rpz-client-ip" };
	for (size_t i = 0; i < ARRAY_SIZE(trig); i++)
		if (!strcasecmp(last, trig[i]))
			return false;
	return true;
}

/* The reversed-label form of an address trigger for a canonical ipv4,
** ipv6 or cidr value, without ".rpz-ip". 0, or -1 when it does not parse. */
static int rpz_ip_owner(const char *value, char *out, size_t outsz)
{
	char addr[64];
	unsigned len;
	const char *slash = strchr(value, '/');
	size_t an = slash ? (size_t)(slash - value) : strlen(value);
	if (an >= sizeof(addr))
		return -1;
	memcpy(addr, value, an);
	addr[an] = 0;
	uint8_t a[16];
	int fam = strchr(addr, ':') ? 6 : 4;
	if (inet_pton(fam == 4 ? AF_INET : AF_INET6, addr, a) != 1)
		return -1;
	if (slash) {
		int64_t v;
		if (parse_i64(slash + 1, 0, fam == 4 ? 32 : 128, &v) != 0)
			return -1;
		len = (unsigned)v;
	} else {
		len = fam == 4 ? 32 : 128;
	}
	struct pbuf b = pbuf_fixed(out, outsz);
	pbuf_addf(&b, "%u", len);
	if (fam == 4) {
		pbuf_addf(&b, ".%u.%u.%u.%u", a[3], a[2], a[1], a[0]);
		return pbuf_failed(&b) ? -1 : 0;
	}
	unsigned g[8];
	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	/* the longest run of two or more zero groups (the first of equals)
	** is "zz", as RFC 5952 makes it "::" */
	int best = -1, bestn = 1;
	for (int i = 0; i < 8;) {
		if (g[i] != 0) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > bestn) {
			best = i;
			bestn = j - i;
		}
		i = j;
	}
	for (int i = 7; i >= 0; i--) {
		if (best >= 0 && i >= best && i < best + bestn) {
			if (i == best)
				pbuf_adds(&b, ".zz");
			continue;
		}
		pbuf_addf(&b, ".%x", g[i]);
	}
	return pbuf_failed(&b) ? -1 : 0;
}

static int rpz_add(struct indicator_export *x, const struct store_indicator *r,
		   enum indicator_type t, struct perr *err)
{
	(void)err;
	const char *target = rpz_target(x);
	if (t == INDICATOR_DOMAIN) {
		size_t n = strlen(r->value);
		if (!rpz_name_ok(x, r->value, n)) {
			x->n.skipped++;
			return 0;
		}
		pbuf_addf(x->out, "%s CNAME %s\n*.%s CNAME %s\n", r->value, target, r->value,
			  target);
		x->n.written++;
		return 0;
	}
	if (t == INDICATOR_IPV4 || t == INDICATOR_IPV6 || t == INDICATOR_CIDR) {
		char owner[128];
		if (rpz_ip_owner(r->value, owner, sizeof(owner)) != 0) {
			x->n.skipped++;
			return 0;
		}
		pbuf_addf(x->out, "%s.rpz-ip CNAME %s\n", owner, target);
		x->n.written++;
		return 0;
	}
	x->n.ignored++;
	return 0;
}

static int rpz_close(struct indicator_export *x, struct perr *err)
{
	(void)err;
	pbuf_addf(x->out, "; %lld triggers, %lld skipped, %lld ignored (no DNS meaning)\n",
		  (long long)x->n.written, (long long)x->n.skipped, (long long)x->n.ignored);
	return 0;
}

const struct export_ops export_rpz_ops = { rpz_open, rpz_add, rpz_close, NULL };
