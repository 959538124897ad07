/*
** bgp.c — ExaBGP's API lines for mitigation (issue 16): a blackhole route
** (the attacked /32 or /128 with a community such as 65535:666, RFC 7999's
** BLACKHOLE, which the upstream drops) and a FlowSpec rule (RFC 8955 for
** IPv4, RFC 8956 for IPv6) that discards or rate-limits the attack's
** traffic only. ExaBGP reads one command per line from the process that
** feeds it (FastNetMon's exabgp_command_pipe); these functions build those
** lines and nothing else.
**
** Every field is validated before it is written: the line goes to a
** process that speaks to routers, and a newline, a ';' or a brace inside a
** field would be a second command (an announcement of someone else's
** prefix). Addresses go through inet_pton and are printed back from
** binary; communities are digits and ':'.
*/
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "constituency/constituency.h"
#include "flow/flow.h"

/* prefix "ADDR" or "ADDR/LEN" into canonical "ADDR/LEN", read as the
** constituency reads a CIDR asset: host bits must be clear (ExaBGP would
** announce the masked network, not what the caller asked for), and
** nothing broader than /8 or /16 (a blackhole of 0.0.0.0/0 would cut a
** network off the Internet). */
static int canon_prefix(const char *in, const char *field, char *out, size_t outsz, int *family,
			struct perr *err)
{
	char canon[512];
	struct perr e2 = { 0 };
	if (constituency_asset_canon("cidr", in, canon, sizeof(canon), &e2) != 0)
		return perr_set(err, PERR_INVALID, field, "%s", e2.msg);
	if (pstrlcpy(out, canon, outsz) != 0)
		return perr_set(err, PERR_INVALID, field, "prefix too long");
	*family = strchr(canon, ':') ? 6 : 4;
	return 0;
}

/* A community list written back canonically, "[A:B C:D]". */
static int canon_communities(const char *in, char *out, size_t outsz, struct perr *err)
{
	size_t n = strlen(in);
	struct pstr rest = pstr_c(in);
	if (n >= 2 && in[0] == '[' && in[n - 1] == ']')
		rest = (struct pstr){ in + 1, n - 2 };
	struct pbuf b = pbuf_fixed(out, outsz);
	int count = 0;
	pbuf_adds(&b, "[");
	for (rest = pstr_trim(rest); rest.n; rest = pstr_trim(rest)) {
		struct pstr one, tail = { 0 };
		if (!pstr_cut(rest, ' ', &one, &tail))
			one = rest;
		struct pstr x, y;
		int64_t asn, val;
		if (!pstr_cut(one, ':', &x, &y) || pstr_to_i64(x, 0, 65535, &asn) != 0 ||
		    pstr_to_i64(y, 0, 65535, &val) != 0)
			return perr_set(err, PERR_INVALID, "community",
					"a community is ASN:VALUE, each 0 to 65535");
		pbuf_addf(&b, "%s%lld:%lld", count++ ? " " : "", (long long)asn, (long long)val);
		rest = tail;
	}
	pbuf_adds(&b, "]");
	if (count == 0)
		return perr_set(err, PERR_INVALID, "community", "no community");
	if (pbuf_failed(&b))
		return perr_set(err, PERR_INVALID, "community", "too many communities");
	return 0;
}

int flow_bgp_route_line(bool announce, const struct flow_bgp_route *r, struct pbuf *out,
			struct perr *err)
{
	char prefix[64], nh[INET6_ADDRSTRLEN] = "self", com[FLOW_FNM_TEXT_MAX + 8] = "";
	int fam, nh_fam = 0;
	if (canon_prefix(r->prefix, "prefix", prefix, sizeof(prefix), &fam, err) != 0)
		return -1;
	if (strcmp(r->next_hop, "self") != 0) {
		uint8_t b[16];
		if (inet_pton(AF_INET, r->next_hop, b) == 1)
			nh_fam = 4;
		else if (inet_pton(AF_INET6, r->next_hop, b) == 1)
			nh_fam = 6;
		else
			return perr_set(err, PERR_INVALID, "next_hop",
					"the next hop is an IP address or self");
		inet_ntop(nh_fam == 4 ? AF_INET : AF_INET6, b, nh, sizeof(nh));
		/* An IPv4 route over an IPv6 next hop needs RFC 8950 on both
		** ends; an IPv6 route with an IPv4 next hop is refused by
		** ExaBGP. Ask for the same family. */
		if (nh_fam != fam)
			return perr_set(err, PERR_INVALID, "next_hop",
					"the next hop's family differs from the prefix's");
	}
	if (announce && r->communities[0] &&
	    canon_communities(r->communities, com, sizeof(com), err) != 0)
		return -1;
	if (announce)
		pbuf_addf(out, "announce route %s next-hop %s%s%s\n", prefix, nh,
			  com[0] ? " community " : "", com);
	else
		pbuf_addf(out, "withdraw route %s next-hop %s\n", prefix, nh);
	return pbuf_failed(out) ? perr_set(err, PERR_LIMIT, NULL, "the line does not fit") : 0;
}

static const char *fs_proto(uint8_t p, char *buf, size_t n)
{
	switch (p) {
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 1:
		return "icmp";
	default:
		/* ExaBGP takes the number for the others ("=47") */
		snprintf(buf, n, "=%u", (unsigned)p);
		return buf;
	}
}

int flow_bgp_flowspec_line(bool announce, const struct flow_bgp_flowspec *f, struct pbuf *out,
			   struct perr *err)
{
	char dst[64], src[64] = "", pbuf_[8];
	int fam, sfam;
	if (canon_prefix(f->destination, "destination", dst, sizeof(dst), &fam, err) != 0)
		return -1;
	if (f->source[0]) {
		if (canon_prefix(f->source, "source", src, sizeof(src), &sfam, err) != 0)
			return -1;
		if (sfam != fam)
			return perr_set(err, PERR_INVALID, "source",
					"source and destination of different families");
	}
	if ((f->source_port || f->destination_port) && f->protocol != 6 && f->protocol != 17)
		return perr_set(err, PERR_INVALID, "protocol", "ports need tcp or udp");
	if (f->tcp_syn && f->protocol != 6)
		return perr_set(err, PERR_INVALID, "protocol", "tcp-flags need tcp");
	if (fam == 6 && f->fragment)
		/* RFC 8956 has no DF flag and ExaBGP's IPv6 fragment match differs:
		** keep to what both ends read the same */
		return perr_set(err, PERR_INVALID, "fragment", "fragment match is IPv4 only here");
	if (f->rate_limit > 4000000000000ULL)
		return perr_set(err, PERR_INVALID, "rate_limit", "rate limit too large");
	pbuf_addf(out, "%s flow route { match { destination %s;", announce ? "announce" : "withdraw",
		  dst);
	if (src[0])
		pbuf_addf(out, " source %s;", src);
	if (f->protocol) {
		/* IPv6's FlowSpec matches the next header ("next-header") */
		uint8_t p = f->protocol == 58 ? 58 : f->protocol;
		pbuf_addf(out, " %s %s;", fam == 6 ? "next-header" : "protocol",
			  p == 58 ? "=58" : fs_proto(p, pbuf_, sizeof(pbuf_)));
	}
	if (f->source_port)
		pbuf_addf(out, " source-port =%u;", (unsigned)f->source_port);
	if (f->destination_port)
		pbuf_addf(out, " destination-port =%u;", (unsigned)f->destination_port);
	if (f->fragment)
		pbuf_adds(out, " fragment [ is-fragment ];");
	if (f->tcp_syn)
		pbuf_adds(out, " tcp-flags [ syn ];");
	pbuf_adds(out, " } then {");
	if (f->rate_limit)
		pbuf_addf(out, " rate-limit %llu;", (unsigned long long)f->rate_limit);
	else
		pbuf_adds(out, " discard;");
	pbuf_adds(out, " } }\n");
	return pbuf_failed(out) ? perr_set(err, PERR_LIMIT, NULL, "the line does not fit") : 0;
}
