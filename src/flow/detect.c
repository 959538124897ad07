/*
** detect.c — DDoS attacks from the 1 s window sums of count.c: static
** thresholds (FastNetMon's, per hostgroup) or learned ones, an attack
** opened on the tick that crosses a threshold, classified, followed once a
** second, and ended after a quiet time (FastNetMon's ban_time and
** unban_only_if_attack_finished).
**
** Why the tick that crosses: the sums are exact counts of the last second
** at every 100 ms tick, so a flood at 1.2x its threshold is over it within
** 0.9 s of its first packet, and at 5x within 0.3 s; FastNetMon averages
** over several seconds and took 8.9 s at 1.2x (issue 16).
**
** Learned thresholds (3,000 sites need no hand-set numbers): each host
** keeps, per direction, the peak of pps, bits/s and flows/s of every hour
** of the week (168 buckets), so the bucket of this hour holds last week's
** peak of the same hour: the "7-day peak per hour of the week". The
** threshold is that peak x factor, never below the floor, and applies once
** the host has a whole week of history (before that: the static ones). A
** peak is 8 bits on a log scale (2^(1/8): 9% steps, rounded UP so a
** threshold is never below peak x factor), 1 KiB per host; hosts with a
** baseline are bounded (learn_hosts). Hours under attack do not teach the
** baseline: a flood must not raise its own threshold for next week.
**
** The detector is keyed by address (attacks, baselines), so a rebuilt
** host table (and a new struct flow_count) keeps open attacks open.
*/
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"
#include "constituency/lpm.h"

#define HOURS 168u
#define NLEARN 3 /* pps, bps, flows */
static const enum flow_ctr learn_ctr[NLEARN] = {FLOW_C_PKTS, FLOW_C_BYTES,
						FLOW_C_FLOWS};
#define BL_REC (1 + 16 + 8 + 8 + 2 * NLEARN * 8 + 2 * NLEARN * HOURS)
#define GROUP_BITS 12u
#define GROUP_MASK ((1u << GROUP_BITS) - 1)
#define MAX_GROUPS (GROUP_MASK - 1)

struct baseline {
	bool used;
	uint8_t family, addr[16];
	uint64_t first_hour, cur_hour;
	uint64_t cur_peak[2][NLEARN];
	uint8_t code[2][NLEARN][HOURS];
};

struct attack_s {
	bool used, seen;
	uint32_t key; /* host * 2 + dir in the current count, or UINT32_MAX */
	struct flow_attack a;
	struct flow_tl_point *tl; /* FLOW_TIMELINE_MAX, while open */
	size_t tl_first, tl_n;
	uint64_t last_second_ms;
};

struct flow_detect {
	struct flow_detect_cfg cfg;
	struct flow_hostgroup *groups;
	struct lpm *glpm;
	flow_event_fn fn;
	void *ctx;
	uint64_t dec[256]; /* code -> value (the code's upper bound) */
	struct baseline *bl;
	uint32_t nbl;
	struct attack_s *at;
	uint32_t *ah; /* attack hash: key -> index + 1 */
	uint32_t ahsize;
	uint32_t nopen;
	const struct flow_count *count; /* the one the keys belong to */
	bool reset_users;
	uint64_t now;
	struct flow_tl_point tmp[FLOW_TIMELINE_MAX];
};

const char *flow_attack_type_name(enum flow_attack_type t)
{
	switch (t) {
	case FLOW_ATK_SYN_FLOOD: return "syn_flood";
	case FLOW_ATK_UDP_FLOOD: return "udp_flood";
	case FLOW_ATK_ICMP_FLOOD: return "icmp_flood";
	case FLOW_ATK_FRAGMENTS: return "fragments";
	case FLOW_ATK_AMPLIFICATION: return "amplification";
	case FLOW_ATK_TCP_FLOOD: return "tcp_flood";
	case FLOW_ATK_MIXED: return "mixed";
	}
	return "?";
}

/* ------------------------------------------------------------ codes */

static void build_dec(uint64_t dec[256])
{
	/* 2^(k/8), k = 0..7, times 2^32 */
	static const uint64_t frac[8] = {
		4294967296ull, 4683695048ull, 5107605667ull, 5569883475ull,
		6074001000ull, 6623745059ull, 7223245206ull, 7877004752ull};
	dec[0] = 0;
	for (unsigned c = 1; c < 256; c++) {
		unsigned e = c >> 3; /* 0..31 */
		dec[c] = frac[c & 7] >> (32 - e);
	}
}

static uint8_t encode(const uint64_t dec[256], uint64_t x)
{
	if (x == 0)
		return 0;
	unsigned lo = 1, hi = 255; /* smallest code whose value >= x */
	if (dec[255] < x)
		return 255;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (dec[mid] >= x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (uint8_t)lo;
}

/* Learned values are per second; bits/s are kept in kbit/s so that 8 bits
** of log scale reach 10^9 kbit/s. */
static uint64_t learn_unit(unsigned i, uint64_t v)
{
	return i == 1 ? (v + 999) / 1000 : v;
}

static uint64_t learn_back(unsigned i, uint64_t v)
{
	return i == 1 ? v * 1000 : v;
}

/* ------------------------------------------------------------ lifecycle */

void flow_detect_free(struct flow_detect *d)
{
	if (!d)
		return;
	lpm_free(d->glpm);
	free(d->groups);
	free(d->bl);
	for (uint32_t i = 0; d->at && i < d->cfg.max_attacks; i++)
		free(d->at[i].tl);
	free(d->at);
	free(d->ah);
	free(d);
}

struct flow_detect *flow_detect_new(const struct flow_detect_cfg *cfg,
				    flow_event_fn fn, void *ctx,
				    struct perr *err)
{
	struct flow_detect *d = NULL;
	struct lpm_builder *b = NULL;
	if (!cfg || cfg->ngroups > MAX_GROUPS) {
		perr_set(err, PERR_INVALID, "hostgroups", "at most %u hostgroups",
			 MAX_GROUPS);
		return NULL;
	}
	if (cfg->learned && cfg->learn_factor != 0 && cfg->learn_factor < 1.0) {
		perr_set(err, PERR_INVALID, "learn_factor",
			 "learn_factor must be at least 1");
		return NULL;
	}
	d = calloc(1, sizeof *d);
	if (!d)
		goto oom;
	d->cfg = *cfg;
	d->fn = fn;
	d->ctx = ctx;
	if (d->cfg.learn_hosts == 0)
		d->cfg.learn_hosts = FLOW_LEARN_HOSTS_DEFAULT;
	if (d->cfg.max_attacks == 0)
		d->cfg.max_attacks = 4096;
	if (d->cfg.learn_factor == 0)
		d->cfg.learn_factor = 2.0;
	build_dec(d->dec);
	d->groups = calloc(cfg->ngroups ? cfg->ngroups : 1, sizeof *d->groups);
	if (!d->groups)
		goto oom;
	if (cfg->ngroups)
		memcpy(d->groups, cfg->groups, cfg->ngroups * sizeof *d->groups);
	d->cfg.groups = d->groups;
	b = lpm_builder_new();
	if (!b)
		goto oom;
	lpm_builder_layout(b, LPM_LAYOUT_RANGES);
	for (size_t i = 0; i < cfg->ngroups; i++) {
		const struct flow_prefix *p = &d->groups[i].prefix;
		if (lpm_builder_add(b, p->family, p->addr, p->len, i + 1) != 0) {
			perr_set(err, PERR_INVALID, "hostgroups",
				 "hostgroup %s: bad prefix", d->groups[i].name);
			goto fail;
		}
	}
	d->glpm = lpm_build(b);
	b = NULL;
	if (!d->glpm)
		goto oom;
	if (d->cfg.learned) {
		d->bl = calloc(d->cfg.learn_hosts, sizeof *d->bl);
		if (!d->bl)
			goto oom;
	}
	d->at = calloc(d->cfg.max_attacks, sizeof *d->at);
	d->ahsize = 1;
	while (d->ahsize < 2 * d->cfg.max_attacks)
		d->ahsize <<= 1;
	d->ah = calloc(d->ahsize, sizeof *d->ah);
	if (!d->at || !d->ah)
		goto oom;
	return d;
oom:
	perr_set(err, PERR_INTERNAL, NULL, "out of memory for the detector");
fail:
	lpm_builder_free(b);
	flow_detect_free(d);
	return NULL;
}

size_t flow_detect_open(const struct flow_detect *d)
{
	return d->nopen;
}

/* ------------------------------------------------------------ lookups */

static uint32_t hash32(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return (uint32_t)x;
}

static uint32_t addr_hash(uint8_t family, const uint8_t *a)
{
	uint64_t x = 0, y = 0;
	memcpy(&x, a, 8);
	memcpy(&y, a + 8, 8);
	return hash32(x ^ (y * 0x9e3779b97f4a7c15ull) ^ family);
}

static struct attack_s *attack_find(struct flow_detect *d, uint32_t key)
{
	uint32_t m = d->ahsize - 1;
	for (uint32_t i = hash32(key) & m, n = 0; n < d->ahsize;
	     i = (i + 1) & m, n++) {
		uint32_t v = d->ah[i];
		if (!v)
			return NULL;
		if (d->at[v - 1].used && d->at[v - 1].key == key)
			return &d->at[v - 1];
	}
	return NULL;
}

static void ah_insert(struct flow_detect *d, uint32_t key, uint32_t idx)
{
	uint32_t m = d->ahsize - 1;
	uint32_t i = hash32(key) & m;
	while (d->ah[i])
		i = (i + 1) & m;
	d->ah[i] = idx + 1;
}

/* The hash holds at most max_attacks in twice the slots; rebuilt whole
** when an attack ends or the keys change (both rare). */
static void ah_rebuild(struct flow_detect *d)
{
	memset(d->ah, 0, d->ahsize * sizeof *d->ah);
	for (uint32_t i = 0; i < d->cfg.max_attacks; i++)
		if (d->at[i].used && d->at[i].key != UINT32_MAX)
			ah_insert(d, d->at[i].key, i);
}

static int group_of(struct flow_detect *d, uint8_t family, const uint8_t *a)
{
	uint64_t v;
	if (family == 4)
		v = lpm_lookup4(d->glpm,
				(uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
					(uint32_t)a[2] << 8 | a[3],
				NULL);
	else
		v = lpm_lookup6(d->glpm, a, NULL);
	return v ? (int)(v - 1) : -1;
}

/* The baseline of an address: found, or created while there is room;
** NULL when the table is full (the host then keeps static thresholds). */
static struct baseline *bl_get(struct flow_detect *d, uint8_t family,
			       const uint8_t *a, uint64_t hour, bool create,
			       uint32_t *idx_out)
{
	uint32_t n = d->cfg.learn_hosts;
	uint32_t i = (uint32_t)(((uint64_t)addr_hash(family, a) * n) >> 32);
	for (uint32_t k = 0; k < n && k < 256; k++) {
		struct baseline *b = &d->bl[i];
		if (!b->used) {
			if (!create)
				return NULL;
			memset(b, 0, sizeof *b);
			b->used = true;
			b->family = family;
			memcpy(b->addr, a, 16);
			b->first_hour = hour;
			b->cur_hour = hour;
			d->nbl++;
			*idx_out = i;
			return b;
		}
		if (b->family == family && memcmp(b->addr, a, 16) == 0) {
			*idx_out = i;
			return b;
		}
		if (++i == n)
			i = 0;
	}
	return NULL;
}

/* Closes the hours between the last one seen and now: the last one's peak
** becomes its bucket; hours with no traffic at all had a peak of 0. */
static void bl_roll(struct flow_detect *d, struct baseline *b, uint64_t hour)
{
	if (hour <= b->cur_hour)
		return;
	for (int dir = 0; dir < 2; dir++)
		for (unsigned i = 0; i < NLEARN; i++) {
			b->code[dir][i][(b->cur_hour + 72) % HOURS] =
				encode(d->dec, b->cur_peak[dir][i]);
			b->cur_peak[dir][i] = 0;
		}
	for (uint64_t h = b->cur_hour + 1; h < hour && h < b->cur_hour + HOURS;
	     h++)
		for (int dir = 0; dir < 2; dir++)
			for (unsigned i = 0; i < NLEARN; i++)
				b->code[dir][i][(h + 72) % HOURS] = 0;
	b->cur_hour = hour;
}

static bool bl_ready(const struct baseline *b, uint64_t hour)
{
	return hour >= b->first_hour + HOURS;
}

/* Static thresholds of (group, dir), then learned ones over them. */
static void thresholds(struct flow_detect *d, int group, const struct baseline *b,
		       enum flow_dir dir, uint64_t hour,
		       struct flow_thresholds *t, bool *learned)
{
	const struct flow_thresholds *s =
		group >= 0 ? (dir == FLOW_IN ? &d->groups[group].in
					     : &d->groups[group].out)
			   : (dir == FLOW_IN ? &d->cfg.in : &d->cfg.out);
	*t = *s;
	*learned = false;
	if (!d->cfg.learned || !b || !bl_ready(b, hour))
		return;
	*learned = true;
	for (unsigned i = 0; i < NLEARN; i++) {
		uint8_t code = b->code[dir][i][(hour + 72) % HOURS];
		double v = (double)learn_back(i, d->dec[code]) *
			   d->cfg.learn_factor;
		uint64_t lt = v >= 1.8e19 ? UINT64_MAX : (uint64_t)v;
		uint64_t fl = d->cfg.learn_floor.v[learn_ctr[i]];
		t->v[learn_ctr[i]] = lt > fl ? lt : fl;
	}
}

void flow_detect_thresholds(struct flow_detect *d, uint8_t family,
			    const uint8_t addr[16], enum flow_dir dir,
			    uint64_t now_ms, struct flow_thresholds *out)
{
	uint64_t hour = (uint64_t)((int64_t)now_ms + d->cfg.clock_offset_ms) / 3600000;
	uint32_t idx;
	bool learned;
	struct baseline *b =
		d->cfg.learned ? bl_get(d, family, addr, hour, false, &idx) : NULL;
	thresholds(d, group_of(d, family, addr), b, dir, hour, out, &learned);
}

/* ------------------------------------------------------------ classes */

/* The vector that carries at least half of the packets: amplification by
** the reflected service's source port first (its replies are UDP and often
** fragmented), then fragments, SYN (a TCP flood of SYN without ACK: the
** handshake table is the target), other TCP, UDP, ICMP; else mixed. */
static enum flow_attack_type classify(const uint64_t *s, uint8_t amp,
				      uint16_t *amp_port)
{
	uint64_t pk = s[FLOW_C_PKTS];
	*amp_port = 0;
	if (pk == 0)
		return FLOW_ATK_MIXED;
	if (amp && s[FLOW_C_AMP_PKTS] * 2 >= pk) {
		*amp_port = flow_amp_port_of(amp);
		return FLOW_ATK_AMPLIFICATION;
	}
	if (s[FLOW_C_FRAG_PKTS] * 2 >= pk)
		return FLOW_ATK_FRAGMENTS;
	if (s[FLOW_C_TCP_PKTS] * 2 >= pk)
		return s[FLOW_C_SYN_PKTS] * 2 >= s[FLOW_C_TCP_PKTS]
			       ? FLOW_ATK_SYN_FLOOD
			       : FLOW_ATK_TCP_FLOOD;
	if (s[FLOW_C_UDP_PKTS] * 2 >= pk)
		return FLOW_ATK_UDP_FLOOD;
	if (s[FLOW_C_ICMP_PKTS] * 2 >= pk)
		return FLOW_ATK_ICMP_FLOOD;
	return FLOW_ATK_MIXED;
}

/* ------------------------------------------------------------ events */

static void tl_push(struct attack_s *s, uint64_t now)
{
	s->last_second_ms = now;
	if (!s->tl) /* out of memory at the start: no timeline, still an attack */
		return;
	struct flow_tl_point p = {now, s->a.sum[FLOW_C_PKTS],
				  s->a.sum[FLOW_C_BYTES] * 8,
				  s->a.sum[FLOW_C_FLOWS]};
	if (s->tl_n < FLOW_TIMELINE_MAX) {
		s->tl[(s->tl_first + s->tl_n++) % FLOW_TIMELINE_MAX] = p;
	} else {
		s->tl[s->tl_first] = p;
		s->tl_first = (s->tl_first + 1) % FLOW_TIMELINE_MAX;
	}
}

static void emit(struct flow_detect *d, enum flow_event_kind k,
		 struct attack_s *s)
{
	for (size_t i = 0; i < s->tl_n; i++)
		d->tmp[i] = s->tl[(s->tl_first + i) % FLOW_TIMELINE_MAX];
	s->a.timeline = d->tmp;
	s->a.ntimeline = s->tl_n;
	if (d->fn)
		d->fn(d->ctx, k, &s->a);
	s->a.timeline = NULL;
}

/* ------------------------------------------------------------ tick */

struct tick_ctx {
	struct flow_detect *d;
	struct flow_count *c;
	uint64_t now, hour;
};

static void observe(struct attack_s *s, const uint64_t *sum, uint8_t amp)
{
	memcpy(s->a.sum, sum, sizeof s->a.sum);
	(void)amp;
	if (sum[FLOW_C_PKTS] > s->a.peak_pps)
		s->a.peak_pps = sum[FLOW_C_PKTS];
	if (sum[FLOW_C_BYTES] * 8 > s->a.peak_bps)
		s->a.peak_bps = sum[FLOW_C_BYTES] * 8;
	if (sum[FLOW_C_FLOWS] > s->a.peak_flows)
		s->a.peak_flows = sum[FLOW_C_FLOWS];
}

/* The sketches and the sample of flows, from the watch (kept as they
** were when the pair stops being watched). */
static void evidence(struct attack_s *s, const struct flow_count *c,
		     const struct flow_entry_view *e)
{
	const struct flow_hh *hh = flow_count_hh(c, e->host, e->dir);
	if (hh)
		memcpy(s->a.top, hh, sizeof s->a.top);
	size_t n = flow_count_sample(c, e->host, e->dir, s->a.sample,
				     FLOW_SAMPLE_MAX);
	if (n)
		s->a.nsample = n;
}

static void on_entry(void *arg, const struct flow_entry_view *e)
{
	struct tick_ctx *t = arg;
	struct flow_detect *d = t->d;
	uint32_t key = e->host * 2 + e->dir;
	if (d->reset_users)
		*e->user = 0;
	uint8_t fam, addr[16];
	bool have_addr = false;
	uint32_t gcode = *e->user & GROUP_MASK;
	uint32_t bcode = *e->user >> GROUP_BITS;
	if (gcode == 0 || (d->cfg.learned && bcode == 0)) {
		if (flow_hosts_addr(flow_count_hosts(t->c), e->host, &fam,
				    addr) != 0)
			return;
		have_addr = true;
		if (gcode == 0)
			gcode = (uint32_t)(group_of(d, fam, addr) + 2);
		if (d->cfg.learned && bcode == 0) {
			uint32_t idx;
			if (bl_get(d, fam, addr, t->hour, true, &idx) &&
			    idx + 1 < (1u << (32 - GROUP_BITS)))
				bcode = idx + 1;
		}
		*e->user = gcode | bcode << GROUP_BITS;
	}
	struct baseline *b = bcode ? &d->bl[bcode - 1] : NULL;
	if (b)
		bl_roll(d, b, t->hour);
	struct flow_thresholds th;
	bool learned;
	thresholds(d, (int)gcode - 2, b, e->dir, t->hour, &th, &learned);

	uint64_t val[FLOW_C_N];
	for (unsigned m = 0; m < FLOW_C_N; m++)
		val[m] = e->sum[m];
	val[FLOW_C_BYTES] *= 8;
	for (unsigned m = FLOW_C_TCP_BYTES; m <= FLOW_C_FRAG_BYTES; m += 3)
		val[m] *= 8;
	int over = -1;
	bool near = false;
	for (unsigned m = 0; m < FLOW_C_N; m++) {
		if (!th.v[m])
			continue;
		if (val[m] > th.v[m] && over < 0)
			over = (int)m;
		if (val[m] >= th.v[m] / 2)
			near = true;
	}
	struct attack_s *s = attack_find(d, key);
	if (b && !s)
		for (unsigned i = 0; i < NLEARN; i++) {
			uint64_t v = learn_unit(i, val[learn_ctr[i]]);
			if (v > b->cur_peak[e->dir][i])
				b->cur_peak[e->dir][i] = v;
		}
	if (over >= 0 && !s && d->nopen < d->cfg.max_attacks &&
	    (have_addr || flow_hosts_addr(flow_count_hosts(t->c), e->host,
					  &fam, addr) == 0)) {
		uint32_t i = 0;
		while (d->at[i].used)
			i++;
		s = &d->at[i];
		memset(s, 0, sizeof *s);
		s->tl = malloc(FLOW_TIMELINE_MAX * sizeof *s->tl);
		s->used = true;
		s->key = key;
		s->a.family = fam;
		memcpy(s->a.addr, addr, 16);
		s->a.dir = e->dir;
		s->a.metric = (enum flow_ctr)over;
		s->a.threshold = th.v[over];
		s->a.value = val[over];
		s->a.learned = learned && over <= FLOW_C_FLOWS;
		s->a.start_ms = t->now;
		s->a.last_over_ms = t->now;
		s->a.type = classify(e->sum, e->amp_port_id, &s->a.amp_port);
		d->nopen++;
		ah_insert(d, key, i);
		observe(s, e->sum, e->amp_port_id);
		evidence(s, t->c, e);
		tl_push(s, t->now);
		s->seen = true;
		emit(d, FLOW_EV_START, s);
	} else if (s) {
		s->seen = true;
		if (over >= 0)
			s->a.last_over_ms = t->now;
		observe(s, e->sum, e->amp_port_id);
		evidence(s, t->c, e);
	}
	flow_count_watch(t->c, e->host, e->dir, near || s != NULL);
}

void flow_detect_rehost(struct flow_detect *d, struct flow_count *c)
{
	d->count = c;
	for (uint32_t i = 0; i < d->cfg.max_attacks; i++) {
		struct attack_s *s = &d->at[i];
		if (!s->used)
			continue;
		uint32_t h = flow_hosts_lookup(flow_count_hosts(c), s->a.family,
					       s->a.addr);
		s->key = h == FLOW_HOST_NONE ? UINT32_MAX : h * 2 + s->a.dir;
	}
	ah_rebuild(d);
}

void flow_detect_tick(struct flow_detect *d, struct flow_count *c,
		      uint64_t now_ms)
{
	struct tick_ctx t = {d, c, now_ms,
			     (uint64_t)((int64_t)now_ms + d->cfg.clock_offset_ms) / 3600000};
	d->now = now_ms;
	if (d->count != c)
		flow_detect_rehost(d, c);
	for (uint32_t i = 0; i < d->cfg.max_attacks; i++)
		d->at[i].seen = false;
	flow_count_each(c, on_entry, &t);
	d->reset_users = false;
	bool ended = false;
	for (uint32_t i = 0; i < d->cfg.max_attacks && d->nopen; i++) {
		struct attack_s *s = &d->at[i];
		if (!s->used)
			continue;
		if (!s->seen) {
			uint64_t zero[FLOW_C_N] = {0};
			observe(s, zero, 0);
		}
		bool quiet = now_ms - s->a.last_over_ms >= d->cfg.quiet_ms &&
			     now_ms > s->a.last_over_ms;
		bool end;
		if (d->cfg.ban_ms)
			end = now_ms >= s->a.start_ms &&
			      now_ms - s->a.start_ms >= d->cfg.ban_ms &&
			      (!d->cfg.unban_only_if_finished || quiet);
		else
			end = quiet;
		if (!end && now_ms - s->last_second_ms >= 1000) {
			tl_push(s, now_ms);
			emit(d, FLOW_EV_UPDATE, s);
		}
		if (end) {
			s->a.end_ms = now_ms;
			emit(d, FLOW_EV_END, s);
			free(s->tl);
			s->tl = NULL;
			s->used = false;
			d->nopen--;
			ended = true;
		}
	}
	if (ended)
		ah_rebuild(d);
}

/* ------------------------------------------------------------ save/load */

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Format: "PFB1", a big-endian u32 count, then count records of BL_REC
** bytes: family, address, first hour, current hour, the 6 current peaks,
** the 6 x 168 codes (direction, rate, hour of the week). */
uint8_t *flow_detect_save(const struct flow_detect *d, size_t *len)
{
	size_t n = d->nbl;
	uint8_t *buf = malloc(8 + n * BL_REC);
	if (!buf)
		return NULL;
	memcpy(buf, "PFB1", 4);
	buf[4] = (uint8_t)(n >> 24);
	buf[5] = (uint8_t)(n >> 16);
	buf[6] = (uint8_t)(n >> 8);
	buf[7] = (uint8_t)n;
	uint8_t *p = buf + 8;
	for (uint32_t i = 0; d->bl && i < d->cfg.learn_hosts; i++) {
		const struct baseline *b = &d->bl[i];
		if (!b->used)
			continue;
		*p++ = b->family;
		memcpy(p, b->addr, 16);
		p += 16;
		put64(p, b->first_hour);
		put64(p + 8, b->cur_hour);
		p += 16;
		for (int dir = 0; dir < 2; dir++)
			for (unsigned k = 0; k < NLEARN; k++, p += 8)
				put64(p, b->cur_peak[dir][k]);
		memcpy(p, b->code, sizeof b->code);
		p += sizeof b->code;
	}
	*len = (size_t)(p - buf);
	return buf;
}

int flow_detect_load(struct flow_detect *d, const uint8_t *buf, size_t len,
		     struct perr *err)
{
	if (!d->cfg.learned)
		return perr_set(err, PERR_INVALID, "learned",
				"learned thresholds are off");
	if (len < 8 || memcmp(buf, "PFB1", 4) != 0)
		return perr_set(err, PERR_INVALID, "baseline", "not a baseline");
	size_t n = (size_t)buf[4] << 24 | (size_t)buf[5] << 16 |
		   (size_t)buf[6] << 8 | buf[7];
	if (n > d->cfg.learn_hosts || len != 8 + n * BL_REC)
		return perr_set(err, PERR_INVALID, "baseline",
				"baseline size does not match its count");
	for (size_t i = 0; i < n; i++) {
		uint8_t f = buf[8 + i * BL_REC];
		if (f != 4 && f != 6)
			return perr_set(err, PERR_INVALID, "baseline",
					"baseline %zu: bad family", i);
	}
	memset(d->bl, 0, (size_t)d->cfg.learn_hosts * sizeof *d->bl);
	d->nbl = 0;
	const uint8_t *p = buf + 8;
	for (size_t i = 0; i < n; i++, p += BL_REC) {
		uint32_t idx;
		uint64_t first = get64(p + 17);
		struct baseline *b = bl_get(d, p[0], p + 1, first, true, &idx);
		if (!b)
			continue; /* probe bound hit: that host learns anew */
		b->cur_hour = get64(p + 25);
		const uint8_t *q = p + 33;
		for (int dir = 0; dir < 2; dir++)
			for (unsigned k = 0; k < NLEARN; k++, q += 8)
				b->cur_peak[dir][k] = get64(q);
		memcpy(b->code, q, sizeof b->code);
	}
	d->reset_users = true;
	return 0;
}
