/*
** nf9.c — the NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) decoder and its
** template cache (issue 16).
**
** Both formats describe their records by templates the exporter sends now
** and then, so a collector keeps state per (exporter, observation domain
** or source id, template id): that state is struct flow_nf_cache, owned by
** the caller (one per collector thread). Everything in it is bounded,
** because the port is reachable by anyone who can spoof a UDP packet:
** templates per exporter (a template flood is refused and counted, the
** cache never grows: FastNetMon #653), exporters, fields per template, and
** the bytes of data held while its template has not come yet (routers
** restarting send data first: RFC 7011 8 lets a collector keep it).
**
** A template is compiled once into what the hot path needs: for the usual
** fixed-length template, the offsets and lengths of only the fields we
** read, so a record costs a few loads; templates with variable-length
** fields are walked field by field. The last template used is remembered,
** so a datagram of one template costs one exporter lookup and no hashing
** per record. No allocation happens per datagram or record: only a new
** exporter, a new or changed template, or data held for later allocate.
*/
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"

/* ------------------------------------------------------------ reading */

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* An unsigned integer of 1..8 bytes, big-endian: RFC 7011 6.2 lets an
** exporter send any integer in fewer bytes than its type (reduced-size
** encoding), and v9 exporters send 4- or 8-byte counters at will. */
static inline uint64_t rdn(const uint8_t *p, unsigned len)
{
	/* conditional branches, not a jump table: a template's lengths repeat
	** record after record, so these are predicted */
	if (len == 4)
		return rd32(p);
	if (len == 2)
		return rd16(p);
	if (len == 8)
		return (uint64_t)rd32(p) << 32 | rd32(p + 4);
	if (len == 1)
		return p[0];
	uint64_t v = 0;
	for (unsigned i = 0; i < len; i++)
		v = v << 8 | p[i];
	return v;
}

/* ------------------------------------------------------------ fields */

/* What a field is read into. Everything else is skipped by its length. */
enum tgt {
	T_SKIP = 0,
	T_SRC4, T_DST4, T_SRC6, T_DST6,
	T_SPORT, T_DPORT, T_PROTO, T_FLAGS,
	T_PKTS, T_PKTS_TOTAL, T_BYTES, T_BYTES_TOTAL,
	T_SRCAS, T_DSTAS,
	T_FRAGOFF, T_FRAGFLAGS, T_IPVER, T_ICMP,
	T_SAMPLING, T_SPACE,
	T_FIRST_UP, T_LAST_UP, T_FIRST_S, T_LAST_S, T_FIRST_MS, T_LAST_MS,
	T_COUNT
};

/* The information element numbers (IANA IPFIX registry; the v9 numbers
** below 128 are the same by design of RFC 5102). */
static enum tgt target_of(uint16_t type, unsigned len, bool options)
{
	if (options) {
		/* Options data: only the sampling rate is read. SAMPLING_INTERVAL
		** (34) and FLOW_SAMPLER_RANDOM_INTERVAL (50) in v9, the same in
		** IPFIX with samplingPacketInterval (305, PSAMP's systematic
		** count-based sampling). */
		if ((type == 34 || type == 50 || type == 305) && len >= 1 && len <= 8)
			return T_SAMPLING;
		/* samplingPacketSpace: PSAMP's systematic sampling takes
		** interval packets, then skips space: 1 in (i + s) / i */
		if (type == 306 && len >= 1 && len <= 8)
			return T_SPACE;
		return T_SKIP;
	}
	switch (type) {
	case 8: return len == 4 ? T_SRC4 : T_SKIP;
	case 12: return len == 4 ? T_DST4 : T_SKIP;
	case 27: return len == 16 ? T_SRC6 : T_SKIP;
	case 28: return len == 16 ? T_DST6 : T_SKIP;
	default: break;
	}
	if (len < 1 || len > 8)
		return T_SKIP;
	switch (type) {
	case 1: return T_BYTES;         /* IN_BYTES / octetDeltaCount */
	case 2: return T_PKTS;          /* IN_PKTS / packetDeltaCount */
	case 4: return T_PROTO;
	case 6: return T_FLAGS;
	case 7: return T_SPORT;
	case 11: return T_DPORT;
	case 16: return T_SRCAS;
	case 17: return T_DSTAS;
	case 21: return T_LAST_UP;
	case 22: return T_FIRST_UP;
	case 32: return T_ICMP;         /* icmpTypeCodeIPv4 */
	case 139: return T_ICMP;        /* icmpTypeCodeIPv6 */
	case 34: return T_SAMPLING;     /* per record, where an exporter puts it */
	case 50: return T_SAMPLING;
	case 60: return T_IPVER;
	case 85: return T_BYTES_TOTAL;  /* octetTotalCount */
	case 86: return T_PKTS_TOTAL;   /* packetTotalCount */
	case 88: return T_FRAGOFF;      /* FRAGMENT_OFFSET / fragmentOffset */
	case 150: return T_FIRST_S;
	case 151: return T_LAST_S;
	case 152: return T_FIRST_MS;
	case 153: return T_LAST_MS;
	case 197: return T_FRAGFLAGS;   /* fragmentFlags */
	case 305: return T_SAMPLING;
	default: return T_SKIP;
	}
}

#define VARLEN 0xffffu

struct field {
	uint16_t len; /* VARLEN: IPFIX variable length */
	uint8_t tgt;
};

struct tmpl {
	uint32_t domain;
	uint16_t tid;
	bool used;
	bool options;
	bool varlen;      /* has variable-length fields */
	bool slow;        /* walk fields[] (varlen, or both IPv4 and IPv6 addresses) */
	uint8_t family;   /* fast path: 4 or 6; 0 when the template has no address */
	uint8_t version;  /* 9 or 10: a v9 and an IPFIX template never match */
	uint16_t nfields;
	/* fast path: where each target is in a record (offset + 1, 0 absent)
	** and its length; a target given twice keeps the last */
	uint16_t at[T_COUNT];
	uint8_t ln[T_COUNT];
	uint32_t reclen;  /* fixed record length, or the least one when varlen */
	uint32_t rawlen;
	uint32_t blk;     /* bytes of the raw + fields block, for the memory bound */
	uint8_t *raw;     /* the template record as sent: a refresh compares it */
	struct field *fields;
};

struct domain {
	uint32_t id;
	uint32_t rate; /* 0: none seen */
};

struct exporter {
	uint8_t addr[16];
	uint32_t exporter4;
	uint32_t ntmpl;   /* templates in use */
	uint32_t nslots;  /* slots allocated (grows by doubling to the bound) */
	struct tmpl *slots;
	uint32_t *hidx;   /* (domain, tid) -> slot + 1; 0 empty; hcap entries */
	uint32_t hcap;
	struct domain *doms;
	uint32_t ndoms, domnext;
	uint8_t *pend;    /* held data sets, oldest first */
	uint32_t pend_len, pend_cap;
};

/* A held data set: this header, then len bytes, padded to 8. */
struct pend_hdr {
	uint64_t t_ms;
	uint32_t domain;
	uint16_t tid;
	uint16_t len;
	uint8_t version;
	uint8_t pad[7];
};

/* A parsed field specifier before compilation. */
struct spec {
	uint16_t type, len;
	bool enterprise;
};

struct flow_nf_cache {
	struct spec *specs;   /* lim.fields: a template's specifiers while it is parsed */
	struct flow_nf_limits lim;
	struct exporter *ex;  /* lim.exporters entries; nex in use */
	uint32_t nex;
	uint32_t *exidx;      /* address hash -> index + 1 */
	uint32_t excap;
	uint32_t last_ex;     /* index + 1 of the last exporter seen */
	uint64_t pend_total;  /* held bytes, all exporters */
	uint64_t tmem;        /* template memory (slots, indexes, blocks), all exporters */
	/* the last template used, checked before trusting it */
	uint32_t lt_ex, lt_domain, lt_slot;
	uint16_t lt_tid;
	bool lt_valid;
	struct flow_nf_stats st;
};

static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 8;
	while (p < n && p < (1u << 30))
		p <<= 1;
	return p;
}

struct flow_nf_cache *flow_nf_cache_new(const struct flow_nf_limits *lim)
{
	struct flow_nf_cache *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	if (lim)
		c->lim = *lim;
	if (!c->lim.templates)
		c->lim.templates = 256;
	if (!c->lim.exporters)
		c->lim.exporters = 4096;
	if (!c->lim.pending_bytes)
		c->lim.pending_bytes = 64 * 1024;
	if (!c->lim.pending_total)
		c->lim.pending_total = 8u << 20;
	if (!c->lim.template_bytes)
		c->lim.template_bytes = 32u << 20;
	if (!c->lim.pending_ms)
		c->lim.pending_ms = 10000;
	if (!c->lim.fields)
		c->lim.fields = 512;
	if (!c->lim.domains)
		c->lim.domains = 64;
	/* Bounds past these would make no sense and overflow 16-bit lengths. */
	if (c->lim.fields > 16383)
		c->lim.fields = 16383;
	if (c->lim.templates > 65536)
		c->lim.templates = 65536;
	if (c->lim.exporters > (1u << 20))
		c->lim.exporters = 1u << 20;
	c->excap = pow2_at_least(c->lim.exporters * 2);
	c->ex = calloc(c->lim.exporters, sizeof *c->ex);
	c->exidx = calloc(c->excap, sizeof *c->exidx);
	c->specs = calloc(c->lim.fields, sizeof *c->specs);
	if (!c->ex || !c->exidx || !c->specs) {
		flow_nf_cache_free(c);
		return NULL;
	}
	return c;
}

static void tmpl_clear(struct flow_nf_cache *c, struct tmpl *t)
{
	c->tmem -= t->blk;
	free(t->raw); /* raw and fields are one block */
	memset(t, 0, sizeof *t);
}

void flow_nf_cache_free(struct flow_nf_cache *c)
{
	if (!c)
		return;
	for (uint32_t i = 0; c->ex && i < c->nex; i++) {
		struct exporter *e = &c->ex[i];
		for (uint32_t s = 0; s < e->nslots; s++)
			tmpl_clear(c, &e->slots[s]);
		free(e->slots);
		free(e->hidx);
		free(e->doms);
		free(e->pend);
	}
	free(c->ex);
	free(c->exidx);
	free(c->specs);
	free(c);
}

void flow_nf_cache_stats(const struct flow_nf_cache *c, struct flow_nf_stats *st)
{
	*st = c->st;
	st->exporters = c->nex;
	st->templates = 0;
	st->template_bytes = c->tmem;
	st->pending_bytes = 0;
	for (uint32_t i = 0; i < c->nex; i++) {
		st->templates += c->ex[i].ntmpl;
		st->pending_bytes += c->ex[i].pend_len;
	}
}

/* ------------------------------------------------------------ exporters */

static uint32_t hash_addr(const uint8_t a[16])
{
	uint64_t x, y;
	memcpy(&x, a, 8);
	memcpy(&y, a + 8, 8);
	uint64_t h = (x * 0x9e3779b97f4a7c15ull) ^ (y + 0x632be59bd9b4e019ull);
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return (uint32_t)h;
}

static uint32_t exporter4_of(const uint8_t k[16])
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	return memcmp(k, mapped, 12) == 0 ? rd32(k + 12) : 0;
}

/* The exporter of addr, added when new; NULL when the exporter bound is
** reached (the datagram is refused: a spoofed flood of sources must not
** evict the routers already known). */
static struct exporter *exporter_get(struct flow_nf_cache *c, const uint8_t addr[16])
{
	if (c->last_ex && memcmp(c->ex[c->last_ex - 1].addr, addr, 16) == 0)
		return &c->ex[c->last_ex - 1];
	uint32_t mask = c->excap - 1;
	for (uint32_t h = hash_addr(addr) & mask;; h = (h + 1) & mask) {
		uint32_t v = c->exidx[h];
		if (!v) {
			if (c->nex >= c->lim.exporters) {
				c->st.exporters_refused++;
				return NULL;
			}
			struct exporter *e = &c->ex[c->nex++];
			memcpy(e->addr, addr, 16);
			e->exporter4 = exporter4_of(addr);
			c->exidx[h] = c->nex;
			c->last_ex = c->nex;
			return e;
		}
		if (memcmp(c->ex[v - 1].addr, addr, 16) == 0) {
			c->last_ex = v;
			return &c->ex[v - 1];
		}
	}
}

static uint32_t hash_key(uint32_t domain, uint16_t tid)
{
	uint64_t h = ((uint64_t)domain << 16 | tid) * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(h >> 32);
}

static struct tmpl *tmpl_find(const struct exporter *e, uint32_t domain, uint16_t tid,
			      uint32_t *slot)
{
	if (!e->hidx)
		return NULL;
	uint32_t mask = e->hcap - 1;
	for (uint32_t h = hash_key(domain, tid) & mask;; h = (h + 1) & mask) {
		uint32_t v = e->hidx[h];
		if (!v)
			return NULL;
		struct tmpl *t = &e->slots[v - 1];
		if (t->domain == domain && t->tid == tid) {
			if (slot)
				*slot = v - 1;
			return t;
		}
	}
}

/* Remove slot s from the hash (backward-shift deletion keeps linear
** probing correct without tombstones) and free it. */
static void tmpl_remove(struct flow_nf_cache *c, struct exporter *e, uint32_t s)
{
	struct tmpl *t = &e->slots[s];
	uint32_t mask = e->hcap - 1;
	uint32_t h = hash_key(t->domain, t->tid) & mask;
	while (e->hidx[h] != s + 1)
		h = (h + 1) & mask;
	uint32_t hole = h;
	for (uint32_t j = (hole + 1) & mask; e->hidx[j]; j = (j + 1) & mask) {
		const struct tmpl *u = &e->slots[e->hidx[j] - 1];
		uint32_t home = hash_key(u->domain, u->tid) & mask;
		/* move j into the hole unless its home lies cyclically in (hole, j] */
		bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
		if (!stays) {
			e->hidx[hole] = e->hidx[j];
			hole = j;
		}
	}
	e->hidx[hole] = 0;
	tmpl_clear(c, t);
	e->ntmpl--;
	c->lt_valid = false;
}

/* ------------------------------------------------------------ records */

struct dctx {
	struct flow_nf_cache *c;
	struct exporter *e;
	uint32_t domain;
	uint32_t rate;     /* (exporter, domain)'s sampling rate; 0 none */
	uint8_t version;
	flow_rec_fn fn;
	void *ctx;
	struct flow_result *out;
};

static void reject(struct flow_result *out, enum flow_reject r)
{
	if (out->reject == FLOW_REJ_NONE)
		out->reject = r;
	out->rejected_parts++;
}

struct acc {
	struct flow_rec r;
	uint8_t src4[4], dst4[4], src6[16], dst6[16];
	bool has4, has6, pkts, bytes, dport;
	uint8_t ipver;
	uint64_t pkts_total, bytes_total;
	uint64_t fragoff;
	uint8_t fragflags;
	uint64_t sampling;
	bool has_sampling;
	uint64_t space;
	uint16_t icmp;
	bool has_icmp;
};

static inline void apply(struct acc *a, unsigned tgt, const uint8_t *v, unsigned len)
{
	switch (tgt) {
	case T_SRC4: memcpy(a->src4, v, 4); a->has4 = true; break;
	case T_DST4: memcpy(a->dst4, v, 4); a->has4 = true; break;
	case T_SRC6: memcpy(a->src6, v, 16); a->has6 = true; break;
	case T_DST6: memcpy(a->dst6, v, 16); a->has6 = true; break;
	case T_SPORT: a->r.sport = (uint16_t)rdn(v, len); break;
	case T_DPORT: a->r.dport = (uint16_t)rdn(v, len); a->dport = true; break;
	case T_PROTO: a->r.proto = (uint8_t)rdn(v, len); break;
	case T_FLAGS: a->r.tcp_flags = (uint8_t)rdn(v, len); break; /* low byte: 16-bit tcpControlBits */
	case T_PKTS: a->r.packets = rdn(v, len); a->pkts = true; break;
	case T_BYTES: a->r.bytes = rdn(v, len); a->bytes = true; break;
	case T_PKTS_TOTAL: a->pkts_total = rdn(v, len); break;
	case T_BYTES_TOTAL: a->bytes_total = rdn(v, len); break;
	case T_SRCAS: a->r.src_as = (uint32_t)rdn(v, len); break;
	case T_DSTAS: a->r.dst_as = (uint32_t)rdn(v, len); break;
	case T_FRAGOFF: a->fragoff = rdn(v, len); break;
	case T_FRAGFLAGS: a->fragflags = (uint8_t)rdn(v, len); break;
	case T_IPVER: a->ipver = (uint8_t)rdn(v, len); break;
	case T_ICMP: a->icmp = (uint16_t)rdn(v, len); a->has_icmp = true; break;
	case T_SAMPLING: a->sampling = rdn(v, len); a->has_sampling = true; break;
	case T_SPACE: a->space = rdn(v, len); break;
	case T_FIRST_UP: a->r.first_ms = (uint32_t)rdn(v, len); break;
	case T_LAST_UP: a->r.last_ms = (uint32_t)rdn(v, len); break;
	case T_FIRST_S: a->r.first_ms = (uint32_t)(rdn(v, len) * 1000); break;
	case T_LAST_S: a->r.last_ms = (uint32_t)(rdn(v, len) * 1000); break;
	case T_FIRST_MS: a->r.first_ms = (uint32_t)rdn(v, len); break;
	case T_LAST_MS: a->r.last_ms = (uint32_t)rdn(v, len); break;
	default: break;
	}
}

static uint32_t clamp_rate(struct dctx *x, uint64_t v)
{
	if (v == 0) {
		/* A rate of 0 is meaningless (some firmware sends it for
		** "unsampled"): read as 1, counted so an operator can see it. */
		x->c->st.sampling_zero++;
		return 1;
	}
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static struct domain *domain_get(struct flow_nf_cache *c, struct exporter *e,
				 uint32_t id, bool add)
{
	for (uint32_t i = 0; i < e->ndoms; i++)
		if (e->doms[i].id == id)
			return &e->doms[i];
	if (!add)
		return NULL;
	if (!e->doms) {
		e->doms = calloc(c->lim.domains, sizeof *e->doms);
		if (!e->doms)
			return NULL;
	}
	struct domain *d;
	if (e->ndoms < c->lim.domains) {
		d = &e->doms[e->ndoms++];
	} else {
		/* full: the bound holds, the oldest entry gives way */
		d = &e->doms[e->domnext];
		e->domnext = (e->domnext + 1) % c->lim.domains;
	}
	d->id = id;
	d->rate = 0;
	return d;
}

/* One record is in *a: deliver a flow, or take an options record's rate. */
static void finish(struct dctx *x, const struct tmpl *t, struct acc *a)
{
	if (t->options) {
		if (a->has_sampling) {
			uint64_t v = a->sampling;
			if (a->space && v) {
				uint64_t i = v > UINT32_MAX ? UINT32_MAX : v;
				uint64_t sp = a->space > UINT32_MAX ? UINT32_MAX : a->space;
				v = (i + sp + i / 2) / i; /* rounded; no overflow in 64 bits */
			}
			uint32_t rate = clamp_rate(x, v);
			struct domain *d = domain_get(x->c, x->e, x->domain, true);
			if (d)
				d->rate = rate;
			x->rate = rate;
			x->out->sampling = rate;
		}
		return;
	}
	bool v6 = a->has6 && (!a->has4 || a->ipver == 6);
	if (v6) {
		a->r.family = 6;
		memcpy(a->r.src, a->src6, 16);
		memcpy(a->r.dst, a->dst6, 16);
	} else if (a->has4) {
		a->r.family = 4;
		memcpy(a->r.src, a->src4, 4);
		memcpy(a->r.dst, a->dst4, 4);
	} else {
		return; /* no address: not a flow we can count (e.g. an MPLS-only template) */
	}
	if (!a->pkts)
		a->r.packets = a->pkts_total;
	if (!a->bytes)
		a->r.bytes = a->bytes_total;
	if (a->has_icmp && !a->dport)
		a->r.dport = a->icmp;
	/* a fragment: non-zero offset, or More Fragments (0x20 of
	** fragmentFlags, RFC 7011's IE 197: bit 2 counting from the top) */
	a->r.frag = (a->fragoff != 0 || (a->fragflags & 0x20)) ? 1 : 0;
	if (a->has_sampling) {
		a->r.sampling = clamp_rate(x, a->sampling);
		x->out->sampling = a->r.sampling;
	} else {
		a->r.sampling = x->rate ? x->rate : 1;
	}
	a->r.exporter4 = x->e->exporter4;
	x->out->records++;
	if (x->fn)
		x->fn(x->ctx, &a->r);
}

/* The fast path: a template of fixed-length records with one address
** family. Straight-line reads at offsets compiled into the template; what
** is left under one record is padding (RFC 7011 3.3.1, RFC 3954 5.3). */
static inline uint64_t getf(const struct tmpl *t, const uint8_t *p, unsigned tg)
{
	unsigned o = t->at[tg];
	return o ? rdn(p + o - 1, t->ln[tg]) : 0;
}

static void decode_fixed(struct dctx *x, const struct tmpl *t, const uint8_t *p, size_t n)
{
	size_t rl = t->reclen;
	if (t->options) {
		struct acc a;
		for (; n >= rl; p += rl, n -= rl) {
			memset(&a, 0, sizeof a);
			if (t->at[T_SAMPLING]) {
				a.has_sampling = true;
				a.sampling = getf(t, p, T_SAMPLING);
				a.space = getf(t, p, T_SPACE);
			}
			finish(x, t, &a);
		}
		return;
	}
	if (!t->family)
		return; /* no address: not a flow we can count */
	struct flow_rec r;
	memset(&r, 0, sizeof r);
	r.family = t->family;
	r.exporter4 = x->e->exporter4;
	unsigned as = t->family == 6 ? T_SRC6 : T_SRC4, ad = t->family == 6 ? T_DST6 : T_DST4;
	size_t al = t->family == 6 ? 16 : 4;
	unsigned tp = t->at[T_PKTS] ? T_PKTS : T_PKTS_TOTAL;
	unsigned tb = t->at[T_BYTES] ? T_BYTES : T_BYTES_TOTAL;
	unsigned tdp = t->at[T_DPORT] ? T_DPORT : T_ICMP;
	unsigned tf = t->at[T_FIRST_UP] ? T_FIRST_UP : t->at[T_FIRST_MS] ? T_FIRST_MS : T_FIRST_S;
	unsigned tl = t->at[T_LAST_UP] ? T_LAST_UP : t->at[T_LAST_MS] ? T_LAST_MS : T_LAST_S;
	uint32_t fmul = tf == T_FIRST_S ? 1000 : 1, lmul = tl == T_LAST_S ? 1000 : 1;
	for (; n >= rl; p += rl, n -= rl) {
		if (t->at[as])
			memcpy(r.src, p + t->at[as] - 1, al);
		if (t->at[ad])
			memcpy(r.dst, p + t->at[ad] - 1, al);
		r.sport = (uint16_t)getf(t, p, T_SPORT);
		r.dport = (uint16_t)getf(t, p, tdp);
		r.proto = (uint8_t)getf(t, p, T_PROTO);
		r.tcp_flags = (uint8_t)getf(t, p, T_FLAGS);
		r.packets = getf(t, p, tp);
		r.bytes = getf(t, p, tb);
		r.src_as = (uint32_t)getf(t, p, T_SRCAS);
		r.dst_as = (uint32_t)getf(t, p, T_DSTAS);
		r.first_ms = (uint32_t)(getf(t, p, tf) * fmul);
		r.last_ms = (uint32_t)(getf(t, p, tl) * lmul);
		/* a fragment: a non-zero offset, or More Fragments (0x20 of
		** fragmentFlags, IE 197) */
		r.frag = (getf(t, p, T_FRAGOFF) != 0 || (getf(t, p, T_FRAGFLAGS) & 0x20)) ? 1 : 0;
		if (t->at[T_SAMPLING]) {
			r.sampling = clamp_rate(x, getf(t, p, T_SAMPLING));
			x->out->sampling = r.sampling;
		} else {
			r.sampling = x->rate ? x->rate : 1;
		}
		x->out->records++;
		if (x->fn)
			x->fn(x->ctx, &r);
	}
}

/* Decode the records of one data set body (p, n) with template t; returns
** the records the set held (flows or not), for the sequence check. A set
** cut inside a record is rejected and marks the datagram uncounted. */
static uint32_t decode_data(struct dctx *x, const struct tmpl *t, const uint8_t *p, size_t n)
{
	/* Cleared once per set, not per record: every record of a template
	** writes the same fields, so what one record left is overwritten by
	** the next, and what the template lacks stays zero. */
	struct acc a;
	memset(&a, 0, sizeof a);
	if (!t->slow) {
		decode_fixed(x, t, p, n);
		return (uint32_t)(n / t->reclen); /* what is left over is padding */
	}
	uint32_t recs = 0;
	while (n >= t->reclen) {
		size_t off = 0;
		for (unsigned i = 0; i < t->nfields; i++) {
			const struct field *f = &t->fields[i];
			size_t fl = f->len;
			if (f->len == VARLEN) {
				/* RFC 7011 7: one length byte, or 255 then two */
				if (off + 1 > n)
					goto short_rec;
				fl = p[off++];
				if (fl == 255) {
					if (off + 2 > n)
						goto short_rec;
					fl = rd16(p + off);
					off += 2;
				}
			}
			if (off + fl > n)
				goto short_rec;
			if (f->tgt != T_SKIP)
				apply(&a, f->tgt, p + off, (unsigned)fl);
			off += fl;
		}
		finish(x, t, &a);
		recs++;
		p += off;
		n -= off;
	}
	return recs;
short_rec:
	reject(x->out, FLOW_REJ_SHORT);
	x->out->uncounted = true;
	return recs;
}

/* ------------------------------------------------------------ held data */

static void pend_drop_front(struct flow_nf_cache *c, struct exporter *e, uint32_t bytes)
{
	memmove(e->pend, e->pend + bytes, e->pend_len - bytes);
	e->pend_len -= bytes;
	c->pend_total -= bytes;
}

/* Drop held sets older than the bound: counted in this datagram's result. */
static void pend_expire(struct dctx *x, uint64_t now_ms)
{
	struct exporter *e = x->e;
	uint32_t off = 0;
	while (off < e->pend_len) {
		struct pend_hdr h;
		memcpy(&h, e->pend + off, sizeof h);
		if (h.t_ms + x->c->lim.pending_ms >= now_ms)
			break;
		off += (uint32_t)(sizeof h + ((h.len + 7u) & ~7u));
		x->c->st.pending_dropped++;
		reject(x->out, FLOW_REJ_NO_TEMPLATE);
	}
	if (off)
		pend_drop_front(x->c, e, off);
}

static void pend_add(struct dctx *x, uint16_t tid, const uint8_t *p, size_t n, uint64_t now_ms)
{
	struct flow_nf_cache *c = x->c;
	struct exporter *e = x->e;
	size_t need = sizeof(struct pend_hdr) + ((n + 7) & ~(size_t)7);
	/* Two bounds: per exporter, and over all of them, so that spoofed
	** exporters sending data without templates cannot hold more than
	** pending_total between them. */
	if (need > c->lim.pending_bytes - e->pend_len ||
	    need > c->lim.pending_total - c->pend_total) {
		c->st.pending_dropped++;
		reject(x->out, FLOW_REJ_NO_TEMPLATE);
		return;
	}
	if (e->pend_len + need > e->pend_cap) {
		/* grow by doubling: memory follows what is held */
		size_t cap = e->pend_cap ? e->pend_cap : 4096;
		while (cap < e->pend_len + need)
			cap *= 2;
		if (cap > c->lim.pending_bytes)
			cap = c->lim.pending_bytes;
		uint8_t *np = realloc(e->pend, cap);
		if (!np) {
			reject(x->out, FLOW_REJ_LIMIT);
			return;
		}
		e->pend = np;
		e->pend_cap = (uint32_t)cap;
	}
	struct pend_hdr h;
	memset(&h, 0, sizeof h);
	h.t_ms = now_ms;
	h.domain = x->domain;
	h.tid = tid;
	h.len = (uint16_t)n;
	h.version = x->version;
	memcpy(e->pend + e->pend_len, &h, sizeof h);
	memcpy(e->pend + e->pend_len + sizeof h, p, n);
	e->pend_len += (uint32_t)need;
	c->pend_total += need;
}

/* Template t has just come: decode what was held for it, in order. */
static void pend_replay(struct dctx *x, const struct tmpl *t)
{
	struct exporter *e = x->e;
	uint32_t rd = 0, wr = 0;
	while (rd < e->pend_len) {
		struct pend_hdr h;
		memcpy(&h, e->pend + rd, sizeof h);
		uint32_t sz = (uint32_t)(sizeof h + ((h.len + 7u) & ~7u));
		if (h.domain == t->domain && h.tid == t->tid && h.version == t->version) {
			decode_data(x, t, e->pend + rd + sizeof h, h.len);
			x->c->st.pending_replayed++;
		} else {
			if (wr != rd)
				memmove(e->pend + wr, e->pend + rd, sz);
			wr += sz;
		}
		rd += sz;
	}
	x->c->pend_total -= e->pend_len - wr;
	e->pend_len = wr;
}

/* ------------------------------------------------------------ templates */

/* Free slot for a new template, growing the slot array by doubling up to
** the bound; UINT32_MAX when the exporter is at its bound or no memory. */
static uint32_t slot_new(struct flow_nf_cache *c, struct exporter *e)
{
	if (e->ntmpl >= c->lim.templates)
		return UINT32_MAX;
	if (!e->hidx) {
		uint32_t hcap = pow2_at_least(c->lim.templates * 2);
		if (c->tmem + hcap * sizeof *e->hidx > c->lim.template_bytes)
			return UINT32_MAX;
		e->hidx = calloc(hcap, sizeof *e->hidx);
		if (!e->hidx)
			return UINT32_MAX;
		e->hcap = hcap;
		c->tmem += hcap * sizeof *e->hidx;
	}
	for (uint32_t s = 0; s < e->nslots; s++)
		if (!e->slots[s].used)
			return s;
	uint32_t n = e->nslots ? e->nslots * 2 : 8;
	if (n > c->lim.templates)
		n = c->lim.templates;
	if (c->tmem + (n - e->nslots) * sizeof(struct tmpl) > c->lim.template_bytes)
		return UINT32_MAX;
	struct tmpl *ns = realloc(e->slots, n * sizeof *ns);
	if (!ns)
		return UINT32_MAX;
	c->tmem += (n - e->nslots) * sizeof(struct tmpl);
	memset(ns + e->nslots, 0, (n - e->nslots) * sizeof *ns);
	e->slots = ns;
	uint32_t s = e->nslots;
	e->nslots = n;
	c->lt_valid = false;
	return s;
}

/* Install the template (domain, tid) of the given specs; raw/rawlen is
** the template record as sent. Returns the reject reason or NONE. */
static enum flow_reject tmpl_install(struct dctx *x, uint16_t tid, bool options,
				     const struct spec *sp, unsigned nf, unsigned nscope,
				     const uint8_t *raw, size_t rawlen)
{
	struct flow_nf_cache *c = x->c;
	struct exporter *e = x->e;
	uint32_t slot;
	struct tmpl *t = tmpl_find(e, x->domain, tid, &slot);
	if (t && t->options == options && t->version == x->version && t->rawlen == rawlen &&
	    memcmp(t->raw, raw, rawlen) == 0)
		return FLOW_REJ_NONE; /* the periodic refresh: nothing changes */

	/* Compile. */
	uint32_t reclen = 0;
	bool varlen = false;
	for (unsigned i = 0; i < nf; i++) {
		if (sp[i].len == VARLEN) {
			varlen = true;
			reclen += 1; /* at least its length byte */
		} else {
			reclen += sp[i].len;
		}
	}
	if (reclen == 0 || reclen > 65535 - 4)
		return FLOW_REJ_TEMPLATE;
	size_t blk = rawlen + nf * sizeof(struct field) + 16;
	/* Memory over all exporters is bounded too: 4096 spoofed exporters
	** with 256 templates of 512 fields each would otherwise be gigabytes. */
	uint32_t newslot = UINT32_MAX;
	if (!t) {
		newslot = slot_new(c, e); /* may grow the slots: counted first */
		if (newslot == UINT32_MAX) {
			c->st.templates_refused++;
			return FLOW_REJ_LIMIT;
		}
	}
	if (c->tmem - (t ? t->blk : 0) + blk > c->lim.template_bytes) {
		c->st.templates_refused++;
		return FLOW_REJ_LIMIT;
	}
	uint8_t *mem = malloc(blk);
	if (!mem)
		return FLOW_REJ_LIMIT;
	struct field *fields = (struct field *)(void *)(mem + ((rawlen + 7) & ~(size_t)7));
	uint16_t at[T_COUNT];
	uint8_t ln[T_COUNT];
	memset(at, 0, sizeof at);
	memset(ln, 0, sizeof ln);
	uint32_t off = 0;
	for (unsigned i = 0; i < nf; i++) {
		/* v9 scope fields name a scope (system, interface...), not an
		** element; enterprise elements are not ours: both skipped. */
		bool skip = sp[i].enterprise || (x->version == 9 && i < nscope);
		uint8_t tg = skip || sp[i].len == VARLEN ? T_SKIP
							   : (uint8_t)target_of(sp[i].type, sp[i].len, options);
		fields[i].len = sp[i].len;
		fields[i].tgt = tg;
		if (tg != T_SKIP && !varlen) {
			at[tg] = (uint16_t)(off + 1);
			ln[tg] = (uint8_t)sp[i].len;
		}
		if (sp[i].len != VARLEN)
			off += sp[i].len;
	}
	memcpy(mem, raw, rawlen);

	if (!t) {
		slot = newslot;
		t = &e->slots[slot];
		uint32_t mask = e->hcap - 1;
		uint32_t h = hash_key(x->domain, tid) & mask;
		while (e->hidx[h])
			h = (h + 1) & mask;
		e->hidx[h] = slot + 1;
		e->ntmpl++;
	} else {
		c->tmem -= t->blk;
		free(t->raw);
	}
	c->tmem += blk;
	t->blk = (uint32_t)blk;
	t->domain = x->domain;
	t->tid = tid;
	t->used = true;
	t->options = options;
	t->varlen = varlen;
	t->version = x->version;
	t->nfields = (uint16_t)nf;
	memcpy(t->at, at, sizeof at);
	memcpy(t->ln, ln, sizeof ln);
	bool has4 = at[T_SRC4] || at[T_DST4], has6 = at[T_SRC6] || at[T_DST6];
	t->slow = varlen || (has4 && has6);
	t->family = has6 ? 6 : has4 ? 4 : 0;
	t->reclen = reclen;
	t->rawlen = (uint32_t)rawlen;
	t->raw = mem;
	t->fields = fields;
	c->lt_valid = false;
	if (e->pend_len)
		pend_replay(x, t);
	return FLOW_REJ_NONE;
}

static void tmpl_withdraw(struct dctx *x, uint16_t tid, int all_options)
{
	struct exporter *e = x->e;
	if (all_options < 0) {
		uint32_t s;
		if (tmpl_find(e, x->domain, tid, &s)) {
			tmpl_remove(x->c, e, s);
			x->c->st.templates_withdrawn++;
		}
		return;
	}
	/* withdraw all (options) templates of the domain: RFC 7011 8.1 */
	for (uint32_t s = 0; s < e->nslots; s++) {
		struct tmpl *t = &e->slots[s];
		if (t->used && t->domain == x->domain && t->options == (all_options == 1) &&
		    t->version == x->version) {
			tmpl_remove(x->c, e, s);
			x->c->st.templates_withdrawn++;
		}
	}
}

/* A template set (v9 0 / 1, IPFIX 2 / 3); p, n its body. */
static void template_set(struct dctx *x, unsigned setid, const uint8_t *p, size_t n)
{
	bool ipfix = x->version == 10;
	bool options = setid == 1 || setid == 3;
	struct spec *spp = x->c->specs;
	unsigned fmax = x->c->lim.fields;
	while (n >= 4) {
		const uint8_t *rec = p;
		uint16_t tid = rd16(p);
		unsigned nf, nscope = 0;
		size_t hdr;
		if (setid == 1) {
			/* v9 options: scope length and option length, in bytes */
			if (n < 6)
				break;
			unsigned sl = rd16(p + 2), ol = rd16(p + 4);
			if (sl % 4 || ol % 4) {
				reject(x->out, FLOW_REJ_TEMPLATE);
				return;
			}
			nscope = sl / 4;
			nf = nscope + ol / 4;
			hdr = 6;
		} else {
			nf = rd16(p + 2);
			hdr = 4;
			if (nf == 0) {
				if (!ipfix) {
					if (tid == 0)
						break; /* padding */
					reject(x->out, FLOW_REJ_TEMPLATE);
					return;
				}
				/* IPFIX withdrawal: one template, or all of the set's kind */
				if (tid >= 256)
					tmpl_withdraw(x, tid, -1);
				else if (tid == setid)
					tmpl_withdraw(x, 0, options ? 1 : 0);
				else if (tid == 0)
					break; /* padding */
				else
					reject(x->out, FLOW_REJ_TEMPLATE);
				p += 4;
				n -= 4;
				continue;
			}
			if (setid == 3) {
				if (n < 6)
					break;
				nscope = rd16(p + 4);
				hdr = 6;
				if (nscope == 0 || nscope > nf) {
					reject(x->out, FLOW_REJ_TEMPLATE);
					return;
				}
			}
		}
		if (tid < 256) {
			if (tid == 0 && nf == 0)
				break; /* v9 padding */
			reject(x->out, FLOW_REJ_TEMPLATE);
			return;
		}
		if (nf == 0 || nf > fmax) {
			/* zero or too many fields: where the next record starts
			** cannot be trusted either, so the rest of the set goes */
			reject(x->out, FLOW_REJ_TEMPLATE);
			return;
		}
		size_t off = hdr;
		for (unsigned i = 0; i < nf; i++) {
			if (off + 4 > n) {
				reject(x->out, FLOW_REJ_SHORT);
				return;
			}
			uint16_t ty = rd16(p + off), ln = rd16(p + off + 2);
			off += 4;
			bool ent = false;
			if (ipfix && (ty & 0x8000)) {
				/* enterprise element: 4 bytes of PEN follow */
				if (off + 4 > n) {
					reject(x->out, FLOW_REJ_SHORT);
					return;
				}
				off += 4;
				ent = true;
				ty &= 0x7fff;
			}
			if (!ipfix && ln == VARLEN) {
				reject(x->out, FLOW_REJ_TEMPLATE); /* v9 has no variable length */
				return;
			}
			spp[i].type = ty;
			spp[i].len = ln;
			spp[i].enterprise = ent;
		}
		enum flow_reject r = tmpl_install(x, tid, options, spp, nf, nscope, rec, off);
		if (r != FLOW_REJ_NONE)
			reject(x->out, r);
		p += off;
		n -= off;
	}
}

/* A data set (id >= 256). */
static void data_set(struct dctx *x, uint16_t tid, const uint8_t *p, size_t n, uint64_t now_ms)
{
	struct flow_nf_cache *c = x->c;
	struct exporter *e = x->e;
	uint32_t exi = (uint32_t)(e - c->ex);
	const struct tmpl *t = NULL;
	if (c->lt_valid && c->lt_ex == exi && c->lt_tid == tid && c->lt_domain == x->domain) {
		t = &e->slots[c->lt_slot];
	} else {
		uint32_t s;
		struct tmpl *f = tmpl_find(e, x->domain, tid, &s);
		if (f && f->version == x->version) {
			t = f;
			c->lt_valid = true;
			c->lt_ex = exi;
			c->lt_tid = tid;
			c->lt_domain = x->domain;
			c->lt_slot = s;
		}
	}
	if (!t || t->version != x->version) {
		pend_add(x, tid, p, n, now_ms);
		x->out->uncounted = true; /* how many records it holds is the template's to say */
		return;
	}
	x->out->data_records += decode_data(x, t, p, n);
}

void flow_nf9_decode(struct flow_nf_cache *c, const uint8_t *buf, size_t len,
		     const uint8_t exporter[16], uint64_t now_ms,
		     flow_rec_fn fn, void *ctx, struct flow_result *out)
{
	memset(out, 0, sizeof *out);
	if (len < 2) {
		out->reject = FLOW_REJ_SHORT;
		return;
	}
	unsigned version = rd16(buf);
	size_t hdr;
	uint32_t domain;
	if (version == 9) {
		hdr = 20;
		if (len < hdr) {
			out->reject = FLOW_REJ_SHORT;
			return;
		}
		domain = rd32(buf + 16);
	} else if (version == 10) {
		hdr = 16;
		if (len < hdr) {
			out->reject = FLOW_REJ_SHORT;
			return;
		}
		size_t ml = rd16(buf + 2);
		if (ml < hdr) {
			out->reject = FLOW_REJ_COUNT;
			return;
		}
		if (ml > len) {
			out->reject = FLOW_REJ_SHORT;
			return;
		}
		len = ml;
		domain = rd32(buf + 12);
	} else {
		out->reject = FLOW_REJ_VERSION;
		return;
	}
	struct exporter *e = exporter_get(c, exporter);
	if (!e) {
		out->reject = FLOW_REJ_LIMIT;
		return;
	}
	struct dctx x = {.c = c, .e = e, .domain = domain, .version = (uint8_t)version,
			 .fn = fn, .ctx = ctx, .out = out};
	struct domain *d = domain_get(c, e, domain, false);
	x.rate = d ? d->rate : 0;
	if (e->pend_len)
		pend_expire(&x, now_ms);

	const uint8_t *p = buf + hdr;
	size_t n = len - hdr;
	while (n >= 4) {
		unsigned id = rd16(p), sl = rd16(p + 2);
		if (sl < 4 || sl > n) {
			/* a set length that lies: nothing after it can be framed,
			** so how many data records the message held is unknown */
			reject(out, sl < 4 ? FLOW_REJ_COUNT : FLOW_REJ_SHORT);
			out->uncounted = true;
			return;
		}
		const uint8_t *body = p + 4;
		size_t bl = sl - 4;
		if (version == 9 ? id <= 1 : (id == 2 || id == 3))
			template_set(&x, id, body, bl);
		else if (id >= 256)
			data_set(&x, (uint16_t)id, body, bl, now_ms);
		/* else: reserved set ids are skipped by their length (RFC 7011 3.3.2) */
		p += sl;
		n -= sl;
	}
}

uint32_t flow_nf_cache_templates(const struct flow_nf_cache *c,
				 const uint8_t exporter[16], uint32_t domain)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < c->nex; i++) {
		const struct exporter *e = &c->ex[i];
		if (memcmp(e->addr, exporter, 16) != 0)
			continue;
		for (uint32_t s = 0; s < e->nslots; s++)
			if (e->slots[s].used && e->slots[s].domain == domain)
				n++;
	}
	return n;
}
