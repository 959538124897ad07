/*
** export_nft.c — the registry's addresses and networks as an nftables
** script (nft -f FILE): a table "inet parapet" with one interval set per
** family, which a firewall's own chains match with
** "ip saddr @indicators_v4 drop" / "ip6 saddr @indicators_v6 drop".
**
** Shape, and why:
**   table inet parapet {
**       set indicators_v4 { type ipv4_addr; flags interval; auto-merge; }
**       set indicators_v6 { type ipv6_addr; flags interval; auto-merge; }
**   }
**   flush set inet parapet indicators_v4
**   flush set inet parapet indicators_v6
**   add element inet parapet indicators_v4 { 192.0.2.1, 198.51.100.0/24, ... }
** - the sets are declared empty and filled by "add element" batches, not
**   by one "elements = { }" inside the declaration: rows come in id order
**   with v4 and v6 mixed, and a writer that held every address of one
**   family until the end would hold the whole registry; each family keeps
**   at most NFT_BATCH elements before writing them out;
** - "flush set" makes loading the file again replace the contents (nft -f
**   is one transaction: a firewall never sees a half-loaded set) without
**   deleting the table, so chains the operator added to it survive;
** - "auto-merge": an address inside a listed network (192.0.2.1 and
**   192.0.2.0/24, both listed for their own reasons) would otherwise make
**   nft refuse the batch with "conflicting intervals";
** - an empty registry is a valid script: the sets exist, empty.
** Other types are ignored (counted).
*/
#include "indicator/export_internal.h"

#include <stdlib.h>
#include <string.h>

#define NFT_BATCH 1024

struct nft_state {
	struct pbuf fam[2]; /* pending elements of v4 and v6, ", " separated */
	size_t count[2];
};

static const char *const set_name[2] = { "indicators_v4", "indicators_v6" };

static int nft_open(struct indicator_export *x, struct perr *err)
{
	struct nft_state *s = calloc(1, sizeof(*s));
	if (!s)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	for (int i = 0; i < 2; i++)
		pbuf_init(&s->fam[i], 1 << 20);
	x->state = s;
	char ts[32];
	export_time(x->now_ms, ts);
	struct pbuf *b = x->out;
	pbuf_adds(b, "#!/usr/sbin/nft -f\n# indicators (addresses and networks) of ");
	for (const char *p = x->producer; *p; p++)
		pbuf_add(b, (unsigned char)*p < 0x20 ? " " : p, 1);
	pbuf_addf(b, ", generated %s\n", ts);
	pbuf_adds(b, "table inet parapet {\n"
		     "\tset indicators_v4 {\n\t\ttype ipv4_addr\n\t\tflags interval\n"
		     "\t\tauto-merge\n\t}\n"
		     "\tset indicators_v6 {\n\t\ttype ipv6_addr\n\t\tflags interval\n"
		     "\t\tauto-merge\n\t}\n}\n"
		     "flush set inet parapet indicators_v4\n"
		     "flush set inet parapet indicators_v6\n");
	return 0;
}

static void nft_flush(struct indicator_export *x, struct nft_state *s, int f)
{
	if (!s->count[f])
		return;
	pbuf_addf(x->out, "add element inet parapet %s { ", set_name[f]);
	pbuf_addb(x->out, &s->fam[f]);
	pbuf_adds(x->out, " }\n");
	pbuf_reset(&s->fam[f]);
	s->count[f] = 0;
}

/* Only what nft reads as an address: hex digits, '.', ':' and one '/'. A
** value that is not canonical would otherwise break the whole script. */
static bool nft_value_ok(const char *v)
{
	if (!*v || strlen(v) > 43)
		return false;
	for (const char *p = v; *p; p++)
		if (!(strchr("0123456789abcdef.:/", *p)))
			return false;
	return true;
}

static int nft_add(struct indicator_export *x, const struct store_indicator *r,
		   enum indicator_type t, struct perr *err)
{
	(void)err;
	struct nft_state *s = x->state;
	if (t != INDICATOR_IPV4 && t != INDICATOR_IPV6 && t != INDICATOR_CIDR) {
		x->n.ignored++;
		return 0;
	}
	if (!nft_value_ok(r->value)) {
		x->n.skipped++;
		return 0;
	}
	int f = strchr(r->value, ':') ? 1 : 0;
	if (s->count[f])
		pbuf_add(&s->fam[f], ", ", 2);
	pbuf_adds(&s->fam[f], r->value);
	if (pbuf_failed(&s->fam[f]))
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	x->n.written++;
	if (++s->count[f] >= NFT_BATCH)
		nft_flush(x, s, f);
	return 0;
}

static int nft_close(struct indicator_export *x, struct perr *err)
{
	(void)err;
	struct nft_state *s = x->state;
	nft_flush(x, s, 0);
	nft_flush(x, s, 1);
	return 0;
}

static void nft_free(struct indicator_export *x)
{
	struct nft_state *s = x->state;
	if (!s)
		return;
	pbuf_free(&s->fam[0]);
	pbuf_free(&s->fam[1]);
	free(s);
	x->state = NULL;
}

const struct export_ops export_nft_ops = { nft_open, nft_add, nft_close, nft_free };
