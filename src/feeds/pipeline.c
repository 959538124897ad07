/*
** pipeline.c — one report file from disk to stored events: owner lookup,
** dedup, a bounded queue, and a writer thread that commits in batches.
**
** The calling thread reads the file, parses it, looks each event's owner up
** in a pinned owner index and decides new or duplicate against an in-memory
** dedup table (seeded from the store's recent events). It packs events into
** batches; a queue of feeds.queue batches sits between it and the writer
** thread, and when the writer falls behind the reader waits on the queue
** instead of reading on: memory is the queue's, whatever the file's size.
**
** The writer commits each batch in one transaction together with the file's
** checkpoint (the last line the batch covers) and its counts. A crash loses
** at most the uncommitted batches, and the next import of the same file
** (recognised by its SHA-256) skips every line up to the checkpoint: no event
** is lost and none is stored, counted or reported twice. A file that was
** imported to the end is not imported again.
**
** A new event whose address is a listed indicator is a sighting of it
** (issue 15), recorded by the writer in the event's own transaction against
** the registry as it stood when the import began (one matcher per import).
*/
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advisory/advisory.h"
#include "constituency/constituency.h"
#include "feeds/internal.h"
#include "incident/incident.h"
#include "indicator/indicator.h"

#define MAX_REJECTS_KEPT 1000

/* Counters of this process, for /metrics. */
static atomic_llong m_files, m_failed, m_rows, m_rejected, m_new, m_dup, m_unowned,
	m_incidents, m_waits;
#define SEED_SLACK_MS (7LL * 86400 * 1000)

/* ------------------------------------------------------------------ dedup */

struct dslot {
	uint64_t key; /* 0 = empty */
	int64_t t;
};

struct feeds_dedup {
	struct dslot *s;
	size_t cap, n, max;
	size_t max_cap;      /* slots at most: max keys at 3/4 load */
	int64_t window, newest;
	int64_t evicted_at;  /* newest time at the last eviction, -1 never */
};

struct feeds_dedup *feeds_dedup_new(int64_t window_ms, size_t max_keys)
{
	struct feeds_dedup *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->cap = 1024;
	d->s = calloc(d->cap, sizeof(*d->s));
	if (!d->s) {
		free(d);
		return NULL;
	}
	d->window = window_ms;
	d->max = max_keys < 1024 ? 1024 : max_keys;
	d->max_cap = 1024;
	while (d->max_cap / 4 * 3 < d->max)
		d->max_cap *= 2;
	d->evicted_at = -1;
	return d;
}

void feeds_dedup_free(struct feeds_dedup *d)
{
	if (!d)
		return;
	free(d->s);
	free(d);
}

size_t feeds_dedup_size(const struct feeds_dedup *d)
{
	return d->n;
}

size_t feeds_dedup_memory(const struct feeds_dedup *d)
{
	return sizeof(*d) + d->cap * sizeof(*d->s);
}

/* 64-bit FNV-1a then a final mix: the key is the hash of the whole
** (owner, identifier, IP, port). Two keys sharing a hash (odds near 2^-64
** per pair) would count a new host as a duplicate; the writer then finds no
** stored event to count it on and stores it as new, so nothing is lost. */
static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h ? h : 1;
}

static uint64_t dkey(int64_t org, const char *ident, int family, const uint8_t *ip, int port)
{
	uint64_t h = 1469598103934665603ULL;
	const uint8_t *o = (const uint8_t *)&org;
	for (size_t i = 0; i < sizeof(org); i++)
		h = (h ^ o[i]) * 1099511628211ULL;
	for (const char *p = ident; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	size_t n = family == 6 ? 16 : 4;
	for (size_t i = 0; i < n; i++)
		h = (h ^ ip[i]) * 1099511628211ULL;
	h = (h ^ (uint8_t)(port & 0xff)) * 1099511628211ULL;
	h = (h ^ (uint8_t)((port >> 8) & 0xff)) * 1099511628211ULL;
	return mix(h);
}

static void dput(struct dslot *s, size_t cap, uint64_t key, int64_t t)
{
	size_t i = key & (cap - 1);
	while (s[i].key && s[i].key != key)
		i = (i + 1) & (cap - 1);
	s[i].key = key;
	s[i].t = t;
}

/* Tables of 2 MiB and more on huge pages: a probe is a random access, and
** with 4 KiB pages each one is a TLB miss as well as a cache miss. */
static struct dslot *slots_alloc(size_t cap)
{
	size_t bytes = cap * sizeof(struct dslot);
	if (bytes < ((size_t)2 << 20))
		return calloc(cap, sizeof(struct dslot));
	void *p = aligned_alloc((size_t)2 << 20, bytes);
	if (!p)
		return NULL;
	(void)madvise(p, bytes, MADV_HUGEPAGE);
	memset(p, 0, bytes);
	return p;
}

/* Rehash into cap slots, dropping entries older than the window before the
** newest time seen when evict is set. */
static int rehash(struct feeds_dedup *d, size_t cap, bool evict)
{
	struct dslot *ns = slots_alloc(cap);
	if (!ns)
		return -1;
	size_t n = 0;
	for (size_t i = 0; i < d->cap; i++) {
		if (!d->s[i].key)
			continue;
		if (evict && d->s[i].t < d->newest - d->window)
			continue;
		dput(ns, cap, d->s[i].key, d->s[i].t);
		n++;
	}
	free(d->s);
	d->s = ns;
	d->cap = cap;
	d->n = n;
	return 0;
}

void feeds_dedup_expect(struct feeds_dedup *d, int64_t file_bytes)
{
	/* a report row is some 200 bytes: bytes/200 keys at 1/2 load (a
	** wrong guess costs a rehash, or memory up to the bound) */
	size_t keys = file_bytes > 0 ? (size_t)(file_bytes / 200) : 0;
	/* beyond a million, let it grow: a big file often repeats its hosts
	** (a week of daily reports), and memory should follow the hosts */
	if (keys > ((size_t)1 << 20))
		keys = (size_t)1 << 20;
	size_t cap = d->cap;
	while (cap < keys * 2 && cap < d->max_cap)
		cap *= 2;
	if (cap > d->cap)
		(void)rehash(d, cap, false);
}

/* Look key up at time t_ms; see feeds_dedup_seen. */
static bool dedup_probe(struct feeds_dedup *d, uint64_t key, int64_t t_ms)
{
	if (t_ms > d->newest)
		d->newest = t_ms;
	size_t i = key & (d->cap - 1);
	while (d->s[i].key) {
		if (d->s[i].key == key) {
			int64_t last = d->s[i].t;
			if (t_ms >= last - d->window && t_ms <= last + d->window) {
				if (t_ms > last)
					d->s[i].t = t_ms;
				return true;
			}
			/* outside the window: a new sighting period begins */
			d->s[i].t = t_ms;
			return false;
		}
		i = (i + 1) & (d->cap - 1);
	}
	/* Grow at half load until the table has its largest size; then fill
	** it to 3/4, and when that is reached drop the keys that fell out of
	** the window. An eviction is a full pass, so it is tried again only
	** once time has moved on by a sixteenth of the window: in between, a
	** new key is taken as new and not recorded (the writer still counts
	** it on a stored event if there is one). Never a pass per key. */
	bool full = d->cap >= d->max_cap;
	if ((d->n + 1) * (full ? 4 : 2) > d->cap * (full ? 3 : 1)) {
		if (!full) {
			if (rehash(d, d->cap * 2, false) != 0)
				return false;
		} else {
			if (d->evicted_at < 0 || d->newest - d->evicted_at >= d->window / 16 + 1) {
				d->evicted_at = d->newest;
				if (rehash(d, d->cap, true) != 0)
					return false;
			}
			if ((d->n + 1) * 4 > d->cap * 3)
				return false;
		}
		i = key & (d->cap - 1);
		while (d->s[i].key)
			i = (i + 1) & (d->cap - 1);
	}
	d->s[i].key = key;
	d->s[i].t = t_ms;
	d->n++;
	return false;
}

bool feeds_dedup_seen(struct feeds_dedup *d, int64_t org, const char *identifier, int family,
		      const uint8_t *ip, int port, int64_t t_ms)
{
	return dedup_probe(d, dkey(org, identifier, family, ip, port), t_ms);
}

/* ----------------------------------------------------------------- owners */

struct feeds_owners {
	const struct constituency_view *v;
};

struct feeds_owners *feeds_owners_open(struct store *st, struct perr *err)
{
	struct feeds_owners *o = calloc(1, sizeof(*o));
	if (!o) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		return NULL;
	}
	o->v = constituency_view_acquire(st, err);
	if (!o->v) {
		free(o);
		return NULL;
	}
	return o;
}

int64_t feeds_owner_of(const struct feeds_owners *o, const struct feeds_event *ev)
{
	int64_t org = constituency_view_ip(o->v, ev->family, ev->ip);
	if (!org && ev->asn)
		org = constituency_view_asn(o->v, ev->asn);
	if (!org && ev->fqdn)
		org = constituency_view_domain(o->v, ev->fqdn);
	if (!org && ev->url)
		org = constituency_view_url(o->v, ev->url);
	return org;
}

void feeds_resolve(const struct feeds_owners *o, struct feeds_dedup *d, struct feeds_item *it,
		   size_t n)
{
	/* Three passes over the run rather than one per item: the owner
	** lookups are independent loads, so the CPU overlaps their cache
	** misses; then every dedup key is hashed and its slot prefetched
	** before the first probe waits on memory. */
	for (size_t i = 0; i < n && i < 8; i++)
		constituency_view_prefetch(o->v, it[i].family, it[i].ip);
	for (size_t i = 0; i < n; i++) {
		if (i + 8 < n)
			constituency_view_prefetch(o->v, it[i + 8].family, it[i + 8].ip);
		struct feeds_event ev = { .family = it[i].family, .asn = it[i].asn,
					  .fqdn = it[i].fqdn, .url = it[i].url };
		memcpy(ev.ip, it[i].ip, sizeof(ev.ip));
		it[i].org = feeds_owner_of(o, &ev);
	}
	uint64_t keys[64];
	for (size_t base = 0; base < n; base += 64) {
		size_t m = n - base < 64 ? n - base : 64;
		for (size_t k = 0; k < m; k++) {
			const struct feeds_item *x = &it[base + k];
			keys[k] = dkey(x->org, x->identifier, x->family, x->ip, x->port);
			__builtin_prefetch(&d->s[keys[k] & (d->cap - 1)], 1);
		}
		for (size_t k = 0; k < m; k++)
			it[base + k].dup = dedup_probe(d, keys[k], it[base + k].t_ms);
	}
}

void feeds_owners_close(struct feeds_owners *o)
{
	if (!o)
		return;
	constituency_view_release(o->v);
	free(o);
}

/* ---------------------------------------------------------------- batches */

/* One event as the writer needs it; text members are offsets in the
** batch's text buffer. */
struct rec {
	int64_t org, line, t_ms;
	int64_t port, asn;
	bool dup;
	int family;
	uint8_t addr[16];
	size_t ident, taxonomy, type, ip, prefix, fqdn, url, product, severity, json;
	size_t vendor, pname, version, banner; /* for the host's product */
};

struct rej {
	int64_t line;
	size_t reason;
};

struct batch {
	struct rec *r;
	size_t n, cap;
	struct rej *j;
	size_t nj, capj;
	struct pbuf text;
	int64_t done_line;
	struct feeds_counts counts; /* the parser's, when the batch was closed */
	size_t resolved; /* records whose owner and dedup are known */
	bool last;     /* the writer stops after it */
	bool complete; /* it ends the file: the file is done */
	int64_t newest_ms; /* complete: time.source of the file's newest event */
	struct batch *next;
};

struct queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *head, *tail, *free_list;
	size_t len, max;
	bool writer_failed, stop;
	int64_t waits;
};

struct job {
	struct store *st;
	const struct config *cfg;
	const struct feeds_import *in;
	struct store_feed_file file;
	struct feeds_owners *owners;
	struct feeds_dedup *dedup;
	/* the indicator registry as the import began: each new event's
	** address is a sighting when it is listed (built once per import) */
	struct indicator_match *match;
	struct queue q;
	struct batch *cur;
	int64_t received_ms, period_ms;
	size_t batch_max;
	int64_t base_rows, base_parsed, base_rejected; /* committed before a resume */
	struct feeds_result *res;
	int64_t newest_ms; /* time.source of the newest event read (reader) */
	int64_t now_ms;    /* the import's clock (in->now_ms or the time) */
	/* writer side */
	char db_path[1100];
	struct perr werr;
	int committed;
	/* host products: the report type they are kept under, the exposure it
	** reveals (NULL: none), and the last product derived (a report's rows
	** repeat a few banners: each is read once per run of equal rows) */
	char hp_type[64];
	const char *exposure;
	size_t hp_key_len;
	char hp_key[1400];
	struct feeds_product hp_last;
	bool hp_found;
};

static const char *btext(const struct batch *b, size_t off)
{
	return b->text.ptr + off;
}

static int badd(struct batch *b, const char *s, size_t *off)
{
	*off = b->text.len;
	return pbuf_add(&b->text, s ? s : "", s ? strlen(s) + 1 : 1);
}

static struct batch *batch_get(struct job *j)
{
	pthread_mutex_lock(&j->q.mu);
	struct batch *b = j->q.free_list;
	if (b)
		j->q.free_list = b->next;
	pthread_mutex_unlock(&j->q.mu);
	if (!b) {
		b = calloc(1, sizeof(*b));
		if (!b)
			return NULL;
		/* a batch's text is bounded: a record is at most a few times the
		** parser's record limit, and a batch closes at batch_max records
		** or 8 MB of text, whichever comes first */
		pbuf_init(&b->text, 64u << 20);
	}
	b->n = b->nj = b->resolved = 0;
	pbuf_reset(&b->text);
	b->last = b->complete = false;
	b->next = NULL;
	return b;
}

static void batch_free(struct batch *b)
{
	if (!b)
		return;
	free(b->r);
	free(b->j);
	pbuf_free(&b->text);
	free(b);
}

/* Hand the batch to the writer; waits while the queue is full. Returns -1
** when the writer has failed (the import stops). */
static int batch_push(struct job *j, struct batch *b)
{
	pthread_mutex_lock(&j->q.mu);
	if (j->q.len >= j->q.max)
		j->q.waits++;
	while (j->q.len >= j->q.max && !j->q.writer_failed)
		pthread_cond_wait(&j->q.cv, &j->q.mu);
	int rc = j->q.writer_failed ? -1 : 0;
	if (rc == 0) {
		if (j->q.tail)
			j->q.tail->next = b;
		else
			j->q.head = b;
		j->q.tail = b;
		j->q.len++;
		pthread_cond_broadcast(&j->q.cv);
	} else {
		batch_free(b);
	}
	pthread_mutex_unlock(&j->q.mu);
	return rc;
}

/* ----------------------------------------------------------------- writer */

static void prefix_of(const char *ip, char *out, size_t n)
{
	uint8_t a[16];
	struct pbuf b = pbuf_fixed(out, n);
	if (inet_pton(AF_INET, ip, a) == 1) {
		(void)pbuf_addf(&b, "%u.%u.%u.0/24", a[0], a[1], a[2]);
	} else if (inet_pton(AF_INET6, ip, a) == 1) {
		memset(a + 6, 0, 10);
		char t[64];
		if (inet_ntop(AF_INET6, a, t, sizeof(t)))
			(void)pbuf_addf(&b, "%s/48", t);
	}
}

static int open_incident(struct job *j, struct store *st, const struct batch *b,
			 const struct rec *r, const char *severity, int64_t event_id,
			 struct perr *err)
{
	char key[200], summary[600], title[300];
	struct pbuf kb = pbuf_fixed(key, sizeof(key));
	struct pbuf sb = pbuf_fixed(summary, sizeof(summary));
	struct pbuf tb = pbuf_fixed(title, sizeof(title));
	/* one incident per host and classification, whatever the feed; a key
	** that does not fit is refused, never cut into another host's key */
	if (pbuf_addf(&kb, "feed:%s:%s", btext(b, r->ident), btext(b, r->ip)) != 0)
		return perr_set(err, PERR_LIMIT, "identifier", "classification too long for a key");
	/* a title or summary that does not fit stays "": incident_report then
	** writes its own from the kind and key */
	(void)pbuf_addf(&tb, "%s: %s (%s)", btext(b, r->type)[0] ? btext(b, r->type) : "report",
			btext(b, r->ip)[0] ? btext(b, r->ip) : btext(b, r->fqdn), btext(b, r->ident));
	char when[32];
	core_iso8601(r->t_ms, when, sizeof(when));
	(void)pbuf_addf(&sb, "%s reported %s (%s) at %s.", j->file.feed, btext(b, r->ip),
			btext(b, r->ident), when);
	const char *tax = btext(b, r->taxonomy), *type = btext(b, r->type);
	bool rsit = incident_rsit_valid(tax, type);
	struct incident_report_spec spec = {
		.org_id = r->org,
		.kind = type[0] ? type : "feed",
		.key = key,
		.severity = severity,
		.summary = summary,
		.title = title,
		.evidence = btext(b, r->json),
		.class_ = rsit ? tax : NULL,
		.type = rsit ? type : NULL,
		.source = "feed",
		.detected_ms = r->t_ms,
	};
	struct incident_report_result res;
	if (incident_report(st, j->cfg, NULL, "parapet-feeds", &spec, &res, err) != 0)
		return -1;
	return store_feed_event_incident(st, event_id, res.id, err);
}

/* The host product of an owned event (issue 14): what its report says the
** host runs, and the service its report type reveals, kept current in
** host_product for advisory targeting and scan verification. Duplicates
** count too: a host seen again by a newer report is still exposed there. */
static int host_product(struct job *j, struct store *st, const struct batch *b,
			const struct rec *r, struct perr *err)
{
	const char *vendor = btext(b, r->vendor), *pname = btext(b, r->pname),
		   *version = btext(b, r->version), *banner = btext(b, r->banner);
	/* a product is on a host: an event owned by its ASN, domain or URL
	** alone (no address) names none */
	if (!r->family || (!vendor[0] && !pname[0] && !banner[0] && !j->exposure))
		return 0;
	/* the same product text as the row before: the same product */
	char key[sizeof(j->hp_key)];
	struct pbuf kb = pbuf_fixed(key, sizeof(key));
	bool keyed = pbuf_addf(&kb, "%s%c%s%c%s%c%.1024s", vendor, 0, pname, 0, version, 0,
			       banner) == 0;
	if (!keyed || kb.len != j->hp_key_len || memcmp(key, j->hp_key, kb.len) != 0) {
		j->hp_found = feeds_product_of(vendor, pname, version, banner, &j->hp_last) == 1;
		j->hp_key_len = keyed ? kb.len : 0;
		if (keyed)
			memcpy(j->hp_key, key, kb.len);
	}
	if (!j->hp_found && !j->exposure)
		return 0;
	struct store_host_product h = { .org_id = r->org, .port = r->port, .last_ms = r->t_ms,
					.file_id = j->file.id };
	if (PSTRCPY_OR_ERR(h.ip, btext(b, r->ip), "source.ip", err))
		return -1;
	PSTRCPY(h.type, j->hp_type);
	if (j->hp_found) {
		PSTRCPY(h.vendor, j->hp_last.vendor);
		PSTRCPY(h.product, j->hp_last.product);
		PSTRCPY(h.version, j->hp_last.version);
		PSTRCPY(h.cpe, j->hp_last.cpe);
	}
	if (j->exposure)
		pstrtrunc(h.exposure, j->exposure, sizeof(h.exposure));
	return store_host_product_upsert(st, &h, err);
}

/* Store one batch and the file's progress in one transaction. */
static int write_batch(struct job *j, struct store *st, const struct batch *b, struct perr *err)
{
	if (!b->complete && b->n == 0 && b->nj == 0)
		return 0; /* nothing to record */
	if (store_begin(st, err) != 0)
		return -1;
	struct store_feed_file *f = &j->file;
	struct store_feed_file nf = *f;
	int64_t last_org = 0;
	for (size_t i = 0; i < b->n; i++) {
		const struct rec *r = &b->r[i];
		/* owners reached, new events or not (rows of one owner often come
		** together: skip the repeats of the previous row's) */
		if (r->org && r->org != last_org) {
			if (store_feed_file_org(st, f->id, r->org, err) != 0)
				goto fail;
			last_org = r->org;
		}
		if (r->org && host_product(j, st, b, r, err) != 0)
			goto fail;
		if (r->dup) {
			int u = store_feed_event_seen(st, r->org, btext(b, r->ident), btext(b, r->ip),
						      r->port, r->t_ms - j->cfg->feeds_dedup_window * 1000,
						      r->t_ms, err);
			if (u < 0)
				goto fail;
			if (u == 1) {
				nf.duplicates++;
				continue;
			}
			/* nothing stored to count it on (a hash collision, or an
			** event older than what was seeded): it is new */
		}
		char prefix[64];
		prefix_of(btext(b, r->ip), prefix, sizeof(prefix));
		struct store_feed_event e = {
			.org_id = r->org,
			.feed = f->feed,
			.identifier = btext(b, r->ident),
			.taxonomy = btext(b, r->taxonomy),
			.type = btext(b, r->type),
			.ip = btext(b, r->ip),
			.prefix = prefix,
			.fqdn = btext(b, r->fqdn),
			.product = btext(b, r->product),
			.severity = btext(b, r->severity),
			.event = btext(b, r->json),
			.port = r->port,
			.asn = r->asn,
			.first_ms = r->t_ms,
			.last_ms = r->t_ms,
			.period_ms = j->period_ms,
			.file_id = f->id,
			.line = r->line,
		};
		if (store_feed_event_insert(st, &e, err) != 0)
			goto fail;
		if (r->family && indicator_sight_feed(st, j->match, r->family, r->addr, e.id, r->org,
						      f->feed, e.type, r->t_ms, NULL, err) != 0)
			goto fail;
		nf.new_events++;
		if (!r->org) {
			nf.unowned++;
			continue;
		}
		bool incident = false;
		const char *sev = feeds_class_severity(e.identifier, e.type, &incident);
		if (incident) {
			if (open_incident(j, st, b, r, sev, e.id, err) != 0)
				goto fail;
			nf.incidents++;
		}
	}
	for (size_t i = 0; i < b->nj; i++) {
		if (f->rejected + (int64_t)i >= MAX_REJECTS_KEPT)
			break;
		if (store_feed_reject_add(st, f->id, b->j[i].line, btext(b, b->j[i].reason), err) != 0)
			goto fail;
	}
	nf.rows = j->base_rows + b->counts.rows;
	nf.parsed = j->base_parsed + b->counts.parsed;
	nf.rejected = j->base_rejected + b->counts.rejected;
	if (b->done_line > nf.done_line)
		nf.done_line = b->done_line;
	if (b->complete) {
		/* The file is done in this transaction, and with it: the count of
		** organisations it reached (by the store, so that a resumed import
		** counts those of its first part too), its place as the newest
		** report of its type that advisories verify against, and the
		** verification of the advisories whose hosts this type reports.
		** One commit, so no reader sees a done file without them and no
		** crash leaves one done without them. */
		int64_t owners = 0, newest_file = 0, newest_ms = 0;
		if (store_feed_file_owner_count(st, f->id, &owners, err) != 0 ||
		    store_feed_type_mark_seen(st, j->hp_type, f->id, b->newest_ms, err) != 0 ||
		    store_feed_type_seen_get(st, j->hp_type, &newest_file, &newest_ms, err) != 0)
			goto fail;
		/* Only the newest report of a type says who is still exposed: an
		** older one imported late (the day before's, re-sent) did not see
		** hosts that appeared since, and verifying by it would call them
		** fixed. */
		if (newest_file == f->id &&
		    advisory_scan_verify(st, j->cfg, j->hp_type, f->id, j->now_ms, err) != 0)
			goto fail;
		nf.owners = owners;
		PSTRCPY(nf.status, "done");
		nf.finished_ms = core_now_ms();
	}
	if (store_feed_file_update(st, &nf, err) != 0 || store_commit(st, err) != 0)
		goto fail;
	*f = nf;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

static void *writer_main(void *arg)
{
	struct job *j = arg;
	struct store *st = NULL;
	bool ok = store_open(j->db_path, &st, &j->werr) == 0;
	for (;;) {
		pthread_mutex_lock(&j->q.mu);
		while (!j->q.head && !j->q.stop)
			pthread_cond_wait(&j->q.cv, &j->q.mu);
		struct batch *b = j->q.head;
		if (!b) {
			pthread_mutex_unlock(&j->q.mu);
			break;
		}
		j->q.head = b->next;
		if (!j->q.head)
			j->q.tail = NULL;
		pthread_mutex_unlock(&j->q.mu);

		bool last = b->last;
		if (ok && write_batch(j, st, b, &j->werr) != 0)
			ok = false;
		if (ok) {
			j->committed++;
			if (j->in->crash_after_batches && j->committed >= j->in->crash_after_batches) {
				/* the crash test: die as a kill -9 would, right after
				** a commit, with the rest of the file unimported */
				plog(PLOG_WARN, "feeds: stopping after %d batches (test hook)",
				     j->committed);
				_exit(137);
			}
			if (j->in->stall_after_batches &&
			    j->committed >= j->in->stall_after_batches) {
				/* the kill test: hold the import "running" with
				** exactly this much committed until the test kills
				** the process, whatever the machine's load */
				plog(PLOG_WARN, "feeds: holding after %d batches (test hook)",
				     j->committed);
				for (;;)
					sleep(60);
			}
		}
		pthread_mutex_lock(&j->q.mu);
		j->q.len--;
		b->next = j->q.free_list;
		j->q.free_list = b;
		if (!ok)
			j->q.writer_failed = true;
		pthread_cond_broadcast(&j->q.cv);
		pthread_mutex_unlock(&j->q.mu);
		if (last || !ok)
			break;
	}
	/* drain: the reader stops pushing once it sees writer_failed */
	store_close(st);
	return NULL;
}

/* ----------------------------------------------------------------- reader */

/* Owners, then dedup, of the records read since the last call: done for a
** run of records at a time so that the cache misses of independent lookups
** overlap instead of each one stalling the parse of the next row. */
static void resolve(struct job *j, struct batch *b)
{
	struct feeds_item it[256];
	while (b->resolved < b->n) {
		size_t n = b->n - b->resolved < 256 ? b->n - b->resolved : 256;
		for (size_t k = 0; k < n; k++) {
			const struct rec *r = &b->r[b->resolved + k];
			struct feeds_item *x = &it[k];
			x->family = r->family;
			memcpy(x->ip, r->addr, sizeof(x->ip));
			x->port = (int)r->port;
			x->asn = (uint32_t)r->asn;
			x->fqdn = btext(b, r->fqdn)[0] ? btext(b, r->fqdn) : NULL;
			x->url = btext(b, r->url)[0] ? btext(b, r->url) : NULL;
			x->identifier = btext(b, r->ident);
			x->t_ms = r->t_ms;
		}
		feeds_resolve(j->owners, j->dedup, it, n);
		for (size_t k = 0; k < n; k++) {
			b->r[b->resolved + k].org = it[k].org;
			b->r[b->resolved + k].dup = it[k].dup;
		}
		b->resolved += n;
	}
}

static int close_batch(struct job *j, struct feeds_parser *p, int64_t done_line, bool last)
{
	struct batch *b = j->cur;
	resolve(j, b);
	j->cur = NULL;
	b->done_line = done_line;
	b->last = last;
	feeds_parser_counts(p, &b->counts);
	return batch_push(j, b);
}

struct reader {
	struct job *j;
	struct feeds_parser *p;
	struct pbuf json;
	bool failed;
};

static int on_event(void *ud, const struct feeds_event *ev)
{
	struct reader *rd = ud;
	struct job *j = rd->j;
	struct batch *b = j->cur;
	if (!b && !(b = j->cur = batch_get(j)))
		return 1;
	/* a report without time.source is dated when it was received */
	int64_t t = ev->time_ms ? ev->time_ms : j->received_ms;
	if (b->n == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 256;
		struct rec *r = realloc(b->r, nc * sizeof(*r));
		if (!r)
			return 1;
		b->r = r;
		b->cap = nc;
	}
	struct rec *r = &b->r[b->n];
	memset(r, 0, sizeof(*r));
	r->line = (int64_t)ev->line;
	r->t_ms = t;
	r->port = ev->port;
	r->asn = ev->asn;
	r->family = ev->family;
	memcpy(r->addr, ev->ip, sizeof(r->addr));
	if (t > j->newest_ms)
		j->newest_ms = t;
	char product[400];
	struct pbuf pb = pbuf_fixed(product, sizeof(product));
	if (ev->vendor)
		(void)pbuf_addf(&pb, "%s%s%s%s%s", ev->vendor, ev->product ? " " : "",
				ev->product ? ev->product : "", ev->version ? " " : "",
				ev->version ? ev->version : "");
	pbuf_reset(&rd->json);
	if (feeds_event_json(&rd->json, ev) != 0 || badd(b, ev->identifier, &r->ident) ||
	    badd(b, ev->taxonomy, &r->taxonomy) || badd(b, ev->type, &r->type) ||
	    badd(b, ev->ip_text, &r->ip) || badd(b, ev->fqdn, &r->fqdn) || badd(b, ev->url, &r->url) ||
	    badd(b, product, &r->product) || badd(b, ev->severity, &r->severity) ||
	    badd(b, rd->json.ptr, &r->json) || badd(b, ev->vendor, &r->vendor) ||
	    badd(b, ev->product, &r->pname) || badd(b, ev->version, &r->version) ||
	    badd(b, ev->banner, &r->banner))
		return 1;
	b->n++;
	if (b->n - b->resolved >= 256)
		resolve(j, b);
	if (b->n >= j->batch_max || b->text.len > (8u << 20))
		return close_batch(j, rd->p, (int64_t)ev->line, false) == 0 ? 0 : 2;
	return 0;
}

static void on_reject(void *ud, size_t line, const char *reason)
{
	struct reader *rd = ud;
	struct job *j = rd->j;
	struct feeds_result *res = j->res;
	if (res->rejects.len < 200000)
		(void)pbuf_addf(&res->rejects, "line %zu: %s\n", line, reason);
	struct batch *b = j->cur;
	if (!b && !(b = j->cur = batch_get(j)))
		return;
	if (b->nj == b->capj) {
		size_t nc = b->capj ? b->capj * 2 : 64;
		struct rej *r = realloc(b->j, nc * sizeof(*r));
		if (!r)
			return;
		b->j = r;
		b->capj = nc;
	}
	if (badd(b, reason, &b->j[b->nj].reason) == 0)
		b->j[b->nj++].line = (int64_t)line;
}

struct seed {
	struct feeds_dedup *d;
};

static int seed_key(void *ud, int64_t org, const char *ident, const char *ip, int64_t port,
		    int64_t last_ms)
{
	struct seed *s = ud;
	uint8_t a[16];
	int fam = 0;
	if (inet_pton(AF_INET, ip, a) == 1)
		fam = 4;
	else if (inet_pton(AF_INET6, ip, a) == 1)
		fam = 6;
	if (fam)
		(void)feeds_dedup_seen(s->d, org, ident, fam, a, (int)port, last_ms);
	return 0;
}

/* SHA-256 of the file, as lower-case hex. */
static int hash_file(int fd, char out[65], int64_t *size, struct perr *err)
{
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	static __thread char buf[1 << 16];
	int64_t total = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return perr_set(err, PERR_INTERNAL, NULL, "read: %s", strerror(errno));
		if (n == 0)
			break;
		crypto_hash_sha256_update(&h, (const unsigned char *)buf, (size_t)n);
		total += n;
	}
	uint8_t d[32];
	crypto_hash_sha256_final(&h, d);
	core_hex(d, 32, out);
	*size = total;
	if (lseek(fd, 0, SEEK_SET) != 0)
		return perr_set(err, PERR_INTERNAL, NULL, "seek: %s", strerror(errno));
	return 0;
}

static void result_from_file(struct feeds_result *res, const struct store_feed_file *f)
{
	res->file_id = f->id;
	res->rows = f->rows;
	res->parsed = f->parsed;
	res->rejected = f->rejected;
	res->owners = f->owners;
	res->new_ = f->new_events;
	res->duplicate = f->duplicates;
	res->unowned = f->unowned;
	res->incidents = f->incidents;
}

int feeds_import_file(struct store *st, const struct config *cfg, const struct feeds_import *in,
		      struct feeds_result *res, struct perr *err)
{
	int rc = -1, fd = -1;
	struct feeds_schema *schema = NULL;
	struct feeds_parser *p = NULL;
	struct job *j = NULL;
	bool writer = false;
	pthread_t wt;
	struct reader rd = { 0 };
	pbuf_init(&rd.json, 16u << 20);
	memset(res, 0, sizeof(*res));
	pbuf_init(&res->rejects, 1u << 20);

	const char *type = in->type && in->type[0] ? in->type : "auto";
	const char *name = in->name;
	if (!name) {
		name = strrchr(in->path, '/');
		name = name ? name + 1 : in->path;
	}
	const struct feeds_type *t = NULL;
	if (strcmp(type, "csv") == 0 || strcmp(type, "jsonl") == 0) {
		if (!in->mapping) {
			perr_set(err, PERR_INVALID, "mapping",
				 "--type %s needs --mapping FILE (the column mapping)", type);
			goto out;
		}
		if (feeds_mapping_load(in->mapping, type[0] == 'j' ? FEEDS_JSONL : FEEDS_CSV,
				       &schema, err) != 0)
			goto out;
		t = feeds_schema_at(schema, 0);
	} else {
		if (feeds_schema_for(in->data_dir, &schema, err) != 0)
			goto out;
		t = strcmp(type, "auto") == 0 ? feeds_schema_detect(schema, name)
					       : feeds_schema_find(schema, type);
		if (!t) {
			if (strcmp(type, "auto") == 0)
				perr_set(err, PERR_INVALID, "type",
					 "cannot tell the report type from the file name %s: "
					 "give --type (parapet feeds types lists them)", name);
			else
				perr_set(err, PERR_INVALID, "type",
					 "unknown report type %s (parapet feeds types lists the "
					 "%zu known)", type, feeds_schema_count(schema));
			goto out;
		}
	}

	fd = open(in->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perr_set(err, PERR_INVALID, "file", "%s: %s", in->path, strerror(errno));
		goto out;
	}
	char sha[65];
	int64_t size = 0;
	if (hash_file(fd, sha, &size, err) != 0)
		goto out;

	j = calloc(1, sizeof(*j));
	if (!j) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	j->st = st;
	j->cfg = cfg;
	j->in = in;
	j->res = res;
	j->batch_max = (size_t)cfg->feeds_batch;
	pthread_mutex_init(&j->q.mu, NULL);
	pthread_cond_init(&j->q.cv, NULL);
	j->q.max = (size_t)cfg->feeds_queue;
	if (PSTRCPY_OR_ERR(j->db_path, in->db_path, "data", err))
		goto out;

	struct store_feed_file *f = &j->file;
	struct perr e2;
	perr_clear(&e2);
	int found = store_feed_file_by_sha(st, sha, f, &e2);
	if (found != 0 && e2.kind != PERR_NOTFOUND) {
		*err = e2;
		goto out;
	}
	if (found == 0 && strcmp(f->status, "done") == 0) {
		/* the same bytes again: nothing new can come of them */
		result_from_file(res, f);
		res->already = true;
		res->duplicate = res->parsed;
		res->new_ = 0;
		rc = 0;
		goto out;
	}
	int64_t now = in->now_ms ? in->now_ms : core_now_ms();
	j->now_ms = now;
	if (found == 0) {
		res->resumed = true;
		j->base_rows = f->rows;
		j->base_parsed = f->parsed;
		j->base_rejected = f->rejected;
		j->received_ms = f->received_ms;
		PSTRCPY(f->status, "running");
	} else {
		memset(f, 0, sizeof(*f));
		PSTRCPY(f->sha256, sha);
		if (PSTRCPY_OR_ERR(f->name, name, "name", err) ||
		    PSTRCPY_OR_ERR(f->type, feeds_type_name(t), "type", err) ||
		    PSTRCPY_OR_ERR(f->feed, feeds_type_feed_name(t), "type", err) ||
		    PSTRCPY_OR_ERR(f->source, in->source ? in->source : "cli", "source", err) ||
		    PSTRCPY_OR_ERR(f->actor, in->actor, "actor", err))
			goto out;
		PSTRCPY(f->status, "running");
		f->received_ms = now;
		f->started_ms = core_now_ms();
		if (store_begin(st, err) != 0)
			goto out;
		if (store_feed_file_insert(st, f, err) != 0 || store_commit(st, err) != 0) {
			store_rollback(st);
			goto out;
		}
		j->received_ms = now;
	}
	res->file_id = f->id;
	/* host products are kept per report type; a generic feed's type is
	** its mapping's feed name ("csv" would lump every partner together) */
	pstrtrunc(j->hp_type, j->in->mapping ? f->feed : f->type, sizeof(j->hp_type));
	j->exposure = j->in->mapping ? NULL : feeds_exposure_of(j->hp_type, NULL);
	int64_t period = cfg->feeds_period * 1000;
	j->period_ms = j->received_ms / period * period;

	j->owners = feeds_owners_open(st, err);
	j->dedup = feeds_dedup_new(cfg->feeds_dedup_window * 1000, (size_t)cfg->feeds_dedup_keys);
	if (!j->owners || !j->dedup) {
		if (j->owners)
			perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	if (indicator_match_build(st, &j->match, err) != 0)
		goto out;
	feeds_dedup_expect(j->dedup, size);
	struct seed sd = { j->dedup };
	if (store_feed_keys(st, now - cfg->feeds_dedup_window * 1000 - SEED_SLACK_MS, seed_key, &sd,
			    err) != 0)
		goto out;

	rd.j = j;
	p = feeds_parser_new(t, NULL, on_event, on_reject, &rd);
	if (!p) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	rd.p = p;
	feeds_parser_skip_to(p, (size_t)f->done_line);
	if (pthread_create(&wt, NULL, writer_main, j) != 0) {
		perr_set(err, PERR_INTERNAL, NULL, "cannot start the writer thread");
		goto out;
	}
	writer = true;

	static __thread char buf[1 << 16];
	int prc = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perr_set(err, PERR_INTERNAL, NULL, "read %s: %s", in->path, strerror(errno));
			prc = -2;
			break;
		}
		if (n == 0) {
			prc = feeds_parser_finish(p);
			break;
		}
		prc = feeds_parser_feed(p, buf, (size_t)n);
		if (prc != 0)
			break;
	}
	if (prc == -1)
		perr_set(err, PERR_INVALID, "file", "%s: %s", name, feeds_parser_error(p));
	else if (prc > 0)
		perr_set(err, PERR_INTERNAL, NULL, "%s: the import stopped: %s", name,
			 j->werr.msg[0] ? j->werr.msg : "out of memory");
	/* The last batch: after a complete read it carries the end of the
	** file and marks it done; after a failure it is empty and only lets the
	** writer go (what was read since the last commit is dropped, and the
	** file stays resumable from its checkpoint). */
	bool complete = prc == 0;
	struct batch *b = j->cur;
	j->cur = NULL;
	if (!complete) {
		batch_free(b);
		b = NULL;
	}
	if (!b)
		b = batch_get(j);
	if (b) {
		resolve(j, b);
		b->last = true;
		b->complete = complete;
		/* a resumed import knows only the times of its own part; a file
		** without events is dated when it was received */
		b->newest_ms = j->newest_ms ? j->newest_ms : j->received_ms;
		b->done_line = complete ? INT64_MAX / 2 : 0;
		feeds_parser_counts(p, &b->counts);
		(void)batch_push(j, b);
	} else {
		pthread_mutex_lock(&j->q.mu);
		j->q.stop = true;
		pthread_cond_broadcast(&j->q.cv);
		pthread_mutex_unlock(&j->q.mu);
		if (complete)
			perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		complete = false;
	}
	pthread_join(wt, NULL);
	writer = false;
	if (j->q.writer_failed) {
		*err = j->werr;
		goto out;
	}
	if (!complete)
		goto out;
	/* the writer's last commit made the file done with its final counts */
	if (store_feed_file_get(st, f->id, f, err) != 0)
		goto out;
	result_from_file(res, f);
	atomic_fetch_add(&m_files, 1);
	atomic_fetch_add(&m_rows, res->rows - j->base_rows);
	atomic_fetch_add(&m_rejected, res->rejected - j->base_rejected);
	atomic_fetch_add(&m_new, res->new_);
	atomic_fetch_add(&m_dup, res->duplicate);
	atomic_fetch_add(&m_unowned, res->unowned);
	atomic_fetch_add(&m_incidents, res->incidents);
	atomic_fetch_add(&m_waits, j->q.waits);
	if (res->resumed)
		plog(PLOG_INFO, "feeds: %s resumed after line %lld", name, (long long)j->base_rows);
	rc = 0;
out:
	if (rc != 0 && !res->already)
		atomic_fetch_add(&m_failed, 1);
	if (writer) {
		pthread_mutex_lock(&j->q.mu);
		j->q.stop = true;
		pthread_cond_broadcast(&j->q.cv);
		pthread_mutex_unlock(&j->q.mu);
		pthread_join(wt, NULL);
	}
	if (j) {
		feeds_owners_close(j->owners);
		feeds_dedup_free(j->dedup);
		indicator_match_free(j->match);
		batch_free(j->cur);
		struct batch *lists[] = { j->q.head, j->q.free_list };
		for (int li = 0; li < 2; li++) {
			for (struct batch *q = lists[li]; q;) {
				struct batch *nx = q->next;
				batch_free(q);
				q = nx;
			}
		}
		pthread_mutex_destroy(&j->q.mu);
		pthread_cond_destroy(&j->q.cv);
		free(j);
	}
	feeds_parser_free(p);
	feeds_schema_free(schema);
	pbuf_free(&rd.json);
	if (fd >= 0)
		close(fd);
	return rc;
}

void feeds_metrics(struct pbuf *out)
{
	static const struct {
		const char *name, *help;
		atomic_llong *v;
	} c[] = {
		{ "parapet_feeds_files_total", "Report files imported.", &m_files },
		{ "parapet_feeds_files_failed_total", "Report files that could not be imported.",
		  &m_failed },
		{ "parapet_feeds_rows_total", "Report rows read.", &m_rows },
		{ "parapet_feeds_rejected_total", "Report rows rejected (line and reason logged "
						  "with the file).", &m_rejected },
		{ "parapet_feeds_events_new_total", "Events stored as new.", &m_new },
		{ "parapet_feeds_events_duplicate_total", "Events counted on a known one "
							  "(within the dedup window).", &m_dup },
		{ "parapet_feeds_events_unowned_total", "New events no organisation owns.",
		  &m_unowned },
		{ "parapet_feeds_incidents_total", "Incident reports made from feed events.",
		  &m_incidents },
		{ "parapet_feeds_queue_waits_total", "Times the parser waited for the writer "
						     "(back-pressure).", &m_waits },
	};
	for (size_t i = 0; i < ARRAY_SIZE(c); i++)
		pbuf_addf(out, "# HELP %s %s\n# TYPE %s counter\n%s %lld\n", c[i].name, c[i].help,
			  c[i].name, c[i].name, (long long)atomic_load(c[i].v));
}

void feeds_result_free(struct feeds_result *res)
{
	pbuf_free(&res->rejects);
}
