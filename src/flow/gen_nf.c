/*
** gen_nf.c — NetFlow v5, v9 and IPFIX datagrams from struct flow_rec lists
** (issue 16): the unit tests' round trips, the fuzzers' seeds and the
** benchmark's sender. It writes what a router writes, including what a
** collector finds hard: templates after the data they describe, options
** templates with a sampling rate, counters in reduced-size encoding,
** enterprise and variable-length fields, padded v9 flowsets. The tests
** also decode what softflowd exports, so this generator and the decoder
** cannot hide one shared mistake.
*/
#include <string.h>

#include "flow/flow.h"

struct wr {
	uint8_t *p;
	size_t cap, len;
	bool bad;
};

static void w8(struct wr *w, unsigned v)
{
	if (w->len + 1 > w->cap) {
		w->bad = true;
		return;
	}
	w->p[w->len++] = (uint8_t)v;
}

static void w16(struct wr *w, unsigned v)
{
	w8(w, v >> 8);
	w8(w, v);
}

static void w32(struct wr *w, uint32_t v)
{
	w16(w, v >> 16);
	w16(w, v & 0xffff);
}

static void wn(struct wr *w, uint64_t v, unsigned len)
{
	for (unsigned i = len; i-- > 0;)
		w8(w, (unsigned)(v >> (8 * i)) & 0xff);
}

static void wbytes(struct wr *w, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		w8(w, b[i]);
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t flow_gen_nf5(uint8_t *out, size_t cap, const struct flow_rec *r, size_t n,
		    uint32_t sampling, uint32_t seq, size_t *used)
{
	size_t k = n > FLOW_NF5_MAX_RECS ? FLOW_NF5_MAX_RECS : n;
	if (used)
		*used = 0;
	if (k == 0 || cap < FLOW_NF5_HDR + FLOW_NF5_REC * k || sampling > 0x3fff)
		return 0;
	struct wr w = {.p = out, .cap = cap};
	w16(&w, 5);
	w16(&w, (unsigned)k);
	w32(&w, 100000);       /* sysUptime */
	w32(&w, 1700000000);   /* unix_secs */
	w32(&w, 0);
	w32(&w, seq);
	w8(&w, 0);
	w8(&w, 0);
	/* mode 01 (deterministic) with an interval, 0 when unsampled */
	w16(&w, sampling > 1 ? (0x4000u | sampling) : 0);
	for (size_t i = 0; i < k; i++) {
		const struct flow_rec *f = &r[i];
		wbytes(&w, f->src, 4);
		wbytes(&w, f->dst, 4);
		w32(&w, 0);      /* nexthop */
		w16(&w, 1);      /* input */
		w16(&w, 2);      /* output */
		w32(&w, (uint32_t)f->packets);
		w32(&w, (uint32_t)f->bytes);
		w32(&w, f->first_ms);
		w32(&w, f->last_ms);
		w16(&w, f->sport);
		w16(&w, f->dport);
		w8(&w, 0);
		w8(&w, f->tcp_flags);
		w8(&w, f->proto);
		w8(&w, 0);       /* tos */
		w16(&w, f->src_as & 0xffff);
		w16(&w, f->dst_as & 0xffff);
		w8(&w, 24);
		w8(&w, 24);
		w16(&w, 0);
	}
	if (w.bad)
		return 0;
	if (used)
		*used = k;
	return w.len;
}

/* ------------------------------------------------------------ v9 / IPFIX */

static unsigned count_len(const struct flow_gen_nf *g)
{
	if (g->count_len >= 1 && g->count_len <= 8)
		return g->count_len;
	return g->version == 10 ? 8 : 4;
}

static bool ipfix_extras(const struct flow_gen_nf *g)
{
	return g->version == 10 && g->extras;
}

static size_t rec_len(const struct flow_gen_nf *g, int family)
{
	size_t n = (family == 6 ? 32 : 8) + 2 + 2 + 1 + 1 + 2 * count_len(g) + 4 + 4 + 4 + 4;
	n += g->version == 10 ? 1 : 2; /* fragmentFlags / FRAGMENT_OFFSET */
	if (ipfix_extras(g))
		n += 4 + (g->long_varlen ? 3 : 1) + 4; /* enterprise u32, "eth0" */
	return n;
}

static void field(struct wr *w, unsigned type, unsigned len)
{
	w16(w, type);
	w16(w, len);
}

static void tmpl_rec(struct wr *w, const struct flow_gen_nf *g, uint16_t tid, int family)
{
	unsigned cl = count_len(g);
	bool ex = ipfix_extras(g);
	unsigned nf = 13 + (ex ? 2 : 0);
	w16(w, tid);
	w16(w, nf);
	field(w, family == 6 ? 27 : 8, family == 6 ? 16 : 4);
	field(w, family == 6 ? 28 : 12, family == 6 ? 16 : 4);
	field(w, 7, 2);
	field(w, 11, 2);
	field(w, 4, 1);
	field(w, 6, 1);
	field(w, 2, cl);
	field(w, 1, cl);
	field(w, 16, 4);
	field(w, 17, 4);
	field(w, 22, 4);
	field(w, 21, 4);
	if (g->version == 10)
		field(w, 197, 1);
	else
		field(w, 88, 2);
	if (ex) {
		field(w, 0x8000 | 1, 4); /* an enterprise element: PEN 9, not ours */
		w32(w, 9);
		field(w, 82, 0xffff);    /* interfaceName, variable length */
	}
}

static void data_rec(struct wr *w, const struct flow_gen_nf *g, const struct flow_rec *f)
{
	unsigned cl = count_len(g);
	size_t al = f->family == 6 ? 16 : 4;
	wbytes(w, f->src, al);
	wbytes(w, f->dst, al);
	w16(w, f->sport);
	w16(w, f->dport);
	w8(w, f->proto);
	w8(w, f->tcp_flags);
	wn(w, f->packets, cl);
	wn(w, f->bytes, cl);
	w32(w, f->src_as);
	w32(w, f->dst_as);
	w32(w, f->first_ms);
	w32(w, f->last_ms);
	if (g->version == 10)
		w8(w, f->frag ? 0x20 : 0);  /* More Fragments */
	else
		w16(w, f->frag ? 1 : 0);    /* a non-zero offset */
	if (ipfix_extras(g)) {
		w32(w, 0xdeadbeef);
		if (g->long_varlen) {
			w8(w, 255);
			w16(w, 4);
		} else {
			w8(w, 4);
		}
		wbytes(w, (const uint8_t *)"eth0", 4);
	}
}

/* Open a set; returns its start for set_close. */
static size_t set_open(struct wr *w, unsigned id)
{
	size_t at = w->len;
	w16(w, id);
	w16(w, 0);
	return at;
}

static void set_close(struct wr *w, const struct flow_gen_nf *g, size_t at)
{
	if (g->version == 9)
		while ((w->len - at) % 4)
			w8(w, 0); /* v9 pads flowsets to 32 bits */
	if (!w->bad)
		put16(w->p + at + 2, (unsigned)(w->len - at));
}

static uint16_t tid_or(uint16_t v, uint16_t d)
{
	return v ? v : d;
}

static void templates(struct wr *w, const struct flow_gen_nf *g, unsigned *nrec)
{
	size_t at = set_open(w, g->version == 10 ? 2 : 0);
	tmpl_rec(w, g, tid_or(g->tid4, 256), 4);
	tmpl_rec(w, g, tid_or(g->tid6, 257), 6);
	*nrec += 2;
	set_close(w, g, at);
	if (!g->sampling)
		return;
	unsigned ie = g->opt_random ? 50 : g->opt_packet ? 305 : 34;
	uint16_t tid = tid_or(g->tid_opt, 258);
	at = set_open(w, g->version == 10 ? 3 : 1);
	if (g->version == 10) {
		w16(w, tid);
		w16(w, 2);            /* fields */
		w16(w, 1);            /* of which scope */
		field(w, 149, 4);     /* observationDomainId */
		field(w, ie, 4);
	} else {
		w16(w, tid);
		w16(w, 4);            /* scope bytes */
		w16(w, 4);            /* option bytes */
		field(w, 1, 4);       /* scope: System */
		field(w, ie, 4);
	}
	set_close(w, g, at);
	at = set_open(w, tid);
	w32(w, g->domain);
	w32(w, g->sampling);
	set_close(w, g, at);
	*nrec += 2;
}

size_t flow_gen_nf9(uint8_t *out, size_t cap, const struct flow_gen_nf *g,
		    const struct flow_rec *r, size_t n, size_t *used)
{
	if (used)
		*used = 0;
	if (g->version != 9 && g->version != 10)
		return 0;
	/* How many records fit: the fixed parts, then each record. */
	size_t fixed = (g->version == 10 ? 16 : 20) + 2 * 8;
	if (g->tmpl != FLOW_GEN_TMPL_NONE)
		fixed += 4 + 2 * (4 + 17 * 4 + 8) + (g->sampling ? 4 + 6 + 8 + 4 + 8 : 0) + 8;
	if (g->tmpl == FLOW_GEN_TMPL_ONLY)
		n = 0;
	size_t k = 0, sz = fixed;
	while (k < n && sz + rec_len(g, r[k].family) <= cap && sz + rec_len(g, r[k].family) <= 65000) {
		if (r[k].family != 4 && r[k].family != 6)
			return 0;
		sz += rec_len(g, r[k].family);
		k++;
	}
	if (cap < fixed || (n > 0 && k == 0))
		return 0;
	struct wr w = {.p = out, .cap = cap};
	unsigned nrec = 0;
	w16(&w, g->version);
	if (g->version == 10) {
		w16(&w, 0); /* message length, set below */
		w32(&w, g->export_secs);
		w32(&w, g->seq);
		w32(&w, g->domain);
	} else {
		w16(&w, 0); /* count, set below */
		w32(&w, 100000);
		w32(&w, g->export_secs);
		w32(&w, g->seq);
		w32(&w, g->domain);
	}
	if (g->tmpl == FLOW_GEN_TMPL_BEFORE || g->tmpl == FLOW_GEN_TMPL_ONLY)
		templates(&w, g, &nrec);
	for (int fam = 4; fam <= 6; fam += 2) {
		size_t at = 0;
		bool open = false;
		for (size_t i = 0; i < k; i++) {
			if (r[i].family != fam)
				continue;
			if (!open) {
				at = set_open(&w, fam == 4 ? tid_or(g->tid4, 256) : tid_or(g->tid6, 257));
				open = true;
			}
			data_rec(&w, g, &r[i]);
			nrec++;
		}
		if (open)
			set_close(&w, g, at);
	}
	if (g->tmpl == FLOW_GEN_TMPL_AFTER)
		templates(&w, g, &nrec);
	if (w.bad)
		return 0;
	put16(out + 2, g->version == 10 ? (unsigned)w.len : nrec);
	if (used)
		*used = k;
	return w.len;
}
