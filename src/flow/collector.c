/*
** collector.c — the flow collector: UDP sockets, collector threads and the
** ticker that join the pure parts of flow.h (decoders, counting,
** detection). The one file of src/flow that does I/O with the network and
** reads the real clock; every rule stays in the parts it calls.
**
** Shape, for the 9 M flows/s on 2 cores: N threads, each with its
** own socket per listen address, all bound with SO_REUSEPORT to one
** address. The kernel hashes a datagram's 4-tuple to one socket, so an
** exporter's datagrams all reach one thread: its NetFlow v9/IPFIX
** templates need no sharing (each thread has its own flow_nf_cache) and
** its counters no lock. A thread reads 32 receives per recvmmsg,
** decodes them into a record buffer and counts that buffer into its own
** shard in one flow_shard_add_batch; between batches it syncs its shard
** (the handoff count.c asks for). A thread never waits on another: the
** only lock it takes is its own exporter table's, once per batch, which
** a metrics snapshot takes rarely.
**
** Each socket also asks UDP_GRO (Linux 5.0+): the kernel may then hand
** over several datagrams of one exporter as one buffer with their size in
** a control message (a NIC's GRO coalesces them at high rates; the
** benchmark's sender hands them down with UDP_SEGMENT), which costs one
** dequeue and one copy call instead of one per datagram. The buffer is
** split here back into its datagrams, each decoded and counted as one,
** so nothing downstream can tell. A receive buffer is therefore 64 KiB,
** UDP's most (address space: only the pages a batch fills are resident).
** The price: the kernel counts a coalesced buffer it drops (receive
** buffer full) as one drop, so kernel_drops is then a lower bound of the
** datagrams lost (zero still means none). Without UDP_GRO the benchmark's
** 9 M flows/s were out of reach: the kernel's per-datagram receive work
** (in the sender's context on loopback) held the sender to 4-5 M/s and
** the collector dropped 500,000 datagrams in 10 s.
**
** Kernel drops: each socket asks SO_RXQ_OVFL, so every datagram carries
** the socket's drop counter (cumulative) in a control message. That value
** is stamped when a datagram is queued, so drops after the last datagram
** read stay unseen until another comes; a snapshot therefore also asks
** the socket itself (SO_MEMINFO's drop count, Linux 4.6+) and takes the
** larger.
**
** The ticker (core_ticker, 100 ms) folds the shards (flow_count_tick),
** runs detection (flow_detect_tick) on the monotonic clock, adds the
** tick's counts to the per-host totals when asked, then asks the shards
** to switch buffers for the next tick (flow_count_flip).
**
** New protected hosts (the constituency's assets changed) come without
** stopping collection: a new struct flow_count is made for them and
** published with a generation number; each thread moves its writes to
** the new count's shard at its next sync point and says so; once all did,
** the ticker makes the new count the one it ticks and frees the old (what
** the old shards held since their last fold is dropped: a tick's worth,
** more for a thread that was late at the swap).
*/
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sock_diag.h>
#include <netinet/udp.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "flow/flow.h"

#define RECBUF 2048    /* records buffered before a flush into the shard */
#define DGRAM_MAX 9216 /* a jumbo frame's payload: exporters never send more */
#define RXBUF 65536    /* one receive: a datagram, or several coalesced (UDP_GRO) */
#define POLL_MS 20     /* an idle thread still syncs its shard this often */
#define TICK_PASS_MS 5 /* the ticker looks for a boundary or a finished flip this often */
#define FLIP_WAIT_MS 25 /* a flip waits this long for idle threads (POLL_MS) */

#define SEQ_STREAMS 4 /* sequence streams kept per exporter (engines, source ids, agents) */
struct exp_row {
	bool used;
	struct flow_exporter_stats s;
	struct seq_stream {
		uint32_t id, next;
		uint16_t port;   /* the exporter's UDP source port */
		uint8_t version; /* 5, 9, 10, or 5 for sFlow (on its own rows) */
		bool used;
		bool unknown;    /* next is not known (IPFIX data held for a template) */
		uint32_t last, last_f; /* IPFIX: the last number and its flow records */
	} seq[SEQ_STREAMS]; /* the next sequence number expected (seq_check) */
};

static void seq_check(struct exp_row *r, enum flow_proto_kind k, const uint8_t *b, size_t n,
		      const struct flow_result *res, const struct sockaddr_storage *from);

struct worker {
	struct flow_collector *c;
	unsigned idx;
	pthread_t thread;
	bool started;
	int fd[FLOW_KIND_N]; /* -1 when that kind is not listened to */
	uint32_t drops[FLOW_KIND_N]; /* the last SO_RXQ_OVFL value per socket */
	struct flow_shard *shard;
	uint32_t gen_seen;   /* the hosts generation this thread writes to */
	_Atomic uint32_t ack; /* gen_seen, for the ticker */
	struct flow_nf_cache *nf;
	struct flow_rec *recs;
	size_t nrecs;
	/* exporter table: open addressing, bounded; lock taken per batch */
	pthread_mutex_t lock;
	struct exp_row *rows;
	uint32_t nrows, cap, max_rows;
	uint64_t refused, truncated;
	uint64_t datagrams, records;
	/* the datagram being decoded: where its records go */
	struct exp_row *cur;
	/* the recvmmsg batch */
	struct mmsghdr msg[FLOW_COLL_BATCH];
	struct iovec iov[FLOW_COLL_BATCH];
	struct sockaddr_storage from[FLOW_COLL_BATCH];
	char ctl[FLOW_COLL_BATCH][64];
	uint8_t *buf; /* FLOW_COLL_BATCH x RXBUF */
};

struct host_tot {
	uint64_t packets, bytes, flows;
};

/* The live view's top hosts (flow_collector_top, at the end of this file). */
struct live_top;
static struct live_top *live_top_new(void);
static void live_top_free(struct live_top *t);
static void live_top_update(struct live_top *t, struct flow_count *cnt);

struct flow_collector {
	struct flow_collector_cfg cfg;
	struct flow_count *count;
	struct flow_detect *det;
	struct core_ticker *ticker;
	int wake; /* eventfd: readable once stopping */
	atomic_bool stop;
	bool stopped;
	int port[FLOW_KIND_N];
	int granted;
	uint32_t nw;
	struct worker *w;
	/* the ticker's state */
	pthread_mutex_t tlock; /* totals and the last tick */
	uint64_t last_tick;
	uint64_t flip_ms;      /* the boundary of a flip not yet ticked, 0 none */
	uint64_t ticks;
	struct host_tot *tot; /* when cfg.totals: inbound of every host, then outbound */
	uint32_t tot_hosts;   /* hosts per direction in tot */
	/* a change of hosts (flow_collector_set_hosts) */
	pthread_mutex_t swap_lock;     /* one change at a time */
	_Atomic uint32_t gen;          /* bumped when next is published */
	_Atomic uint32_t swapped;      /* the generation the ticker now counts */
	struct flow_count *_Atomic next; /* the count to move to, NULL none */
	struct flow_hosts *next_hosts;
	bool joined; /* under tlock: the threads are gone (stop) */
	struct live_top *top; /* the busiest hosts after each tick (flow_collector_top) */
};

const char *flow_kind_name(enum flow_proto_kind k)
{
	return k == FLOW_KIND_SFLOW ? "sflow" : "netflow";
}

/* ------------------------------------------------------------ exporters */

static uint32_t key_hash(enum flow_proto_kind k, const uint8_t a[16])
{
	uint32_t h = 2166136261u ^ (uint32_t)k;
	for (int i = 0; i < 16; i++)
		h = (h ^ a[i]) * 16777619u;
	return h;
}

/* The row of (kind, addr), made when new; NULL when the table is full
** (the datagram is still decoded and counted, only its row is missing). */
static struct exp_row *exp_row(struct worker *w, enum flow_proto_kind k, const uint8_t a[16])
{
	uint32_t mask = w->cap - 1;
	for (uint32_t i = key_hash(k, a) & mask, n = 0; n < w->cap; i = (i + 1) & mask, n++) {
		struct exp_row *r = &w->rows[i];
		if (!r->used) {
			/* the bound; the table is twice it, so probes stay short */
			if (w->nrows >= w->max_rows)
				return NULL;
			r->used = true;
			r->s.kind = k;
			memcpy(r->s.addr, a, 16);
			w->nrows++;
			return r;
		}
		if (r->s.kind == k && memcmp(r->s.addr, a, 16) == 0)
			return r;
	}
	return NULL;
}

static void exporter_key(const struct sockaddr_storage *ss, uint8_t key[16])
{
	memset(key, 0, 16);
	if (ss->ss_family == AF_INET)
		flow_exporter_v4(key, ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr));
	else if (ss->ss_family == AF_INET6)
		memcpy(key, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
}

/* ------------------------------------------------------------ threads */

static void flush(struct worker *w)
{
	if (w->nrecs) {
		flow_shard_add_batch(w->shard, w->recs, w->nrecs);
		w->records += w->nrecs;
		w->nrecs = 0;
	}
}

static void on_rec(void *ctx, const struct flow_rec *r)
{
	struct worker *w = ctx;
	if (w->nrecs == RECBUF)
		flush(w);
	w->recs[w->nrecs++] = *r;
}

static void decode(struct worker *w, enum flow_proto_kind k, const uint8_t *b, size_t n,
		   const struct sockaddr_storage *from, uint64_t now)
{
	uint8_t key[16];
	exporter_key(from, key);
	struct flow_result res;
	memset(&res, 0, sizeof res);
	if (k == FLOW_KIND_SFLOW) {
		struct flow_sflow_sink sink = {.rec = on_rec, .ctx = w};
		flow_sflow_decode(b, n, &sink, NULL, &res);
	} else if (n >= 2 && b[0] == 0 && b[1] == 5) {
		flow_nf5_decode(b, n, key, on_rec, w, &res);
	} else {
		flow_nf9_decode(w->nf, b, n, key, now, on_rec, w, &res);
	}
	w->datagrams++;
	struct exp_row *r = exp_row(w, k, key);
	if (!r) {
		w->refused++;
		return;
	}
	r->s.datagrams++;
	r->s.flows += res.records;
	if (res.reject != FLOW_REJ_NONE && res.reject < FLOW_REJ_COUNT_MAX)
		r->s.malformed[res.reject] += res.rejected_parts ? res.rejected_parts : 1;
	if (res.reject == FLOW_REJ_NO_TEMPLATE)
		r->s.template_misses++;
	if (res.sampling)
		r->s.sampling = res.sampling;
	seq_check(r, k, b, n, &res, from);
}

/* A received buffer's control messages: the socket's drop counter into
** w->drops[k]; returns the size of the datagrams a UDP_GRO buffer holds
** (each that long, the last possibly shorter), 0 when it holds one. */
static uint32_t read_cmsgs(struct worker *w, enum flow_proto_kind k, struct msghdr *mh)
{
	uint32_t seg = 0;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_len < CMSG_LEN(sizeof(uint32_t)))
			continue;
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL) {
			uint32_t d;
			memcpy(&d, CMSG_DATA(cm), sizeof d);
			w->drops[k] = d;
		} else if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO) {
			int g;
			memcpy(&g, CMSG_DATA(cm), sizeof g);
			seg = g > 0 ? (uint32_t)g : 0;
		}
	}
	return seg;
}

/* One recvmmsg batch from fd; returns the datagrams read (0 when none). */
static int batch(struct worker *w, enum flow_proto_kind k)
{
	for (unsigned i = 0; i < FLOW_COLL_BATCH; i++) {
		w->iov[i].iov_base = w->buf + (size_t)i * RXBUF;
		w->iov[i].iov_len = RXBUF;
		struct msghdr *mh = &w->msg[i].msg_hdr;
		mh->msg_name = &w->from[i];
		mh->msg_namelen = sizeof w->from[i];
		mh->msg_iov = &w->iov[i];
		mh->msg_iovlen = 1;
		mh->msg_control = w->ctl[i];
		mh->msg_controllen = sizeof w->ctl[i];
		mh->msg_flags = 0;
	}
	int n = recvmmsg(w->fd[k], w->msg, FLOW_COLL_BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return 0;
	uint64_t now = (uint64_t)core_mono_ms();
	pthread_mutex_lock(&w->lock);
	for (int i = 0; i < n; i++) {
		struct msghdr *mh = &w->msg[i].msg_hdr;
		uint32_t len = w->msg[i].msg_len, seg = read_cmsgs(w, k, mh);
		if (!seg || seg > len)
			seg = len;
		if ((mh->msg_flags & MSG_TRUNC) || seg > DGRAM_MAX) {
			w->truncated++; /* longer than any exporter writes: not ours */
			continue;
		}
		const uint8_t *b = w->buf + (size_t)i * RXBUF;
		for (uint32_t off = 0; off < len; off += seg)
			decode(w, k, b + off, len - off < seg ? len - off : seg, &w->from[i], now);
	}
	flush(w);
	pthread_mutex_unlock(&w->lock);
	return n;
}

/* The sync point between batches: the handoff count.c asks for and, when
** new hosts were published, the move to the new count's shard. */
static void worker_sync(struct worker *w)
{
	struct flow_collector *c = w->c;
	uint32_t g = atomic_load_explicit(&c->gen, memory_order_acquire);
	if (g != w->gen_seen) {
		struct flow_count *n = atomic_load_explicit(&c->next, memory_order_acquire);
		if (n) {
			w->shard = flow_count_shard(n, w->idx);
			w->gen_seen = g;
			atomic_store_explicit(&w->ack, g, memory_order_release);
		}
	}
	flow_shard_sync(w->shard);
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct flow_collector *c = w->c;
	struct pollfd p[FLOW_KIND_N + 1];
	enum flow_proto_kind kind[FLOW_KIND_N];
	nfds_t np = 0;
	for (int k = 0; k < FLOW_KIND_N; k++)
		if (w->fd[k] >= 0) {
			p[np].fd = w->fd[k];
			p[np].events = POLLIN;
			kind[np++] = (enum flow_proto_kind)k;
		}
	p[np].fd = c->wake;
	p[np].events = POLLIN;
	while (!atomic_load_explicit(&c->stop, memory_order_relaxed)) {
		worker_sync(w);
		int r = poll(p, np + 1, POLL_MS);
		if (r <= 0)
			continue;
		for (nfds_t i = 0; i < np; i++) {
			if (!(p[i].revents & POLLIN))
				continue;
			/* drain while full batches come, syncing between them */
			while (batch(w, kind[i]) == FLOW_COLL_BATCH &&
			       !atomic_load_explicit(&c->stop, memory_order_relaxed))
				worker_sync(w);
		}
	}
	/* What the kernel queued before the stop is counted, so that totals
	** at exit are those of everything sent before it; within a bound of
	** time, since an exporter that keeps sending would keep it full. */
	uint64_t until = (uint64_t)core_mono_ms() + 500;
	for (nfds_t i = 0; i < np; i++)
		while (batch(w, kind[i]) > 0 && (uint64_t)core_mono_ms() < until)
			;
	return NULL;
}

/* ------------------------------------------------------------ the tick */

static void add_totals(void *ctx, const struct flow_entry_view *e)
{
	struct flow_collector *c = ctx;
	struct host_tot *t = &c->tot[(size_t)e->dir * c->tot_hosts + e->host];
	t->packets += e->slot[FLOW_C_PKTS];
	t->bytes += e->slot[FLOW_C_BYTES];
	t->flows += e->slot[FLOW_C_FLOWS];
}

/* One tick at now (a tick number never seen before: the totals add the
** tick's own slot once). Caller holds tlock. */
static void tick_at(struct flow_collector *c, uint64_t now)
{
	flow_count_tick(c->count, now);
	c->last_tick = now / 100;
	c->ticks++;
	if (c->tot)
		flow_count_each(c->count, add_totals, c);
	flow_detect_tick(c->det, c->count, now);
	live_top_update(c->top, c->count);
}

/* Make the published count the one ticked; free the old. Caller holds
** tlock, and either every thread moved (acked) or none runs (stopped:
** then their shards are pointed at the new count here). */
static void complete_swap(struct flow_collector *c, bool stopped)
{
	struct flow_count *n = atomic_load(&c->next);
	struct flow_count *old = c->count;
	c->count = n;
	c->cfg.hosts = c->next_hosts;
	if (stopped)
		for (uint32_t i = 0; i < c->nw; i++)
			c->w[i].shard = flow_count_shard(n, i);
	atomic_store(&c->next, NULL);
	c->flip_ms = 0; /* a flip of the old count: the next boundary flips the new one */
	flow_count_free(old);
	flow_detect_rehost(c->det, n);
	atomic_store(&c->swapped, atomic_load(&c->gen));
}

static bool all_moved(struct flow_collector *c)
{
	uint32_t g = atomic_load(&c->gen);
	for (uint32_t i = 0; i < c->nw; i++)
		if (atomic_load_explicit(&c->w[i].ack, memory_order_acquire) != g)
			return false;
	return true;
}

static void tick_pass(void *ud)
{
	struct flow_collector *c = ud;
	uint64_t now = (uint64_t)core_mono_ms();
	pthread_mutex_lock(&c->tlock);
	if (atomic_load(&c->next) && all_moved(c))
		complete_swap(c, false);
	/* On a 100 ms boundary the threads are asked to switch buffers; the
	** tick folds the retired ones as soon as every thread switched (each
	** does between two batches: at once under load) or FLIP_WAIT_MS
	** later, when an idle one is folded on a later tick. Ticking only on
	** the next boundary would show every count 100 ms late, and a 1.2x
	** flood already needs 0.83 s of the 1 s window to cross. */
	if (!c->flip_ms && now / 100 > c->last_tick) {
		flow_count_flip(c->count);
		c->flip_ms = now - now % 100;
	}
	if (c->flip_ms && (flow_count_synced(c->count) || now - c->flip_ms >= FLIP_WAIT_MS)) {
		tick_at(c, c->flip_ms);
		c->flip_ms = 0;
	}
	pthread_mutex_unlock(&c->tlock);
}

/* ------------------------------------------------------------ sockets */

static int open_socket(struct flow_collector *c, const struct sockaddr_storage *sa0,
		       enum flow_proto_kind k, int *fd_out, struct perr *err)
{
	struct sockaddr_storage sa = *sa0;
	socklen_t sl = sa.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						 : sizeof(struct sockaddr_in);
	/* the first socket of a kind may have asked port 0: the others join
	** the port the kernel gave it */
	if (c->port[k]) {
		if (sa.ss_family == AF_INET6)
			((struct sockaddr_in6 *)&sa)->sin6_port = htons((uint16_t)c->port[k]);
		else
			((struct sockaddr_in *)&sa)->sin_port = htons((uint16_t)c->port[k]);
	}
	int fd = socket(sa.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return perr_set(err, PERR_INTERNAL, flow_kind_name(k), "socket: %s",
				strerror(errno));
	int one = 1, zero = 0;
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
	setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
	setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof one); /* older kernels: one by one */
	if (sa.ss_family == AF_INET6) /* "[::]:2055" takes IPv4 exporters too */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
	if (c->cfg.rcvbuf > 0) {
		int want = c->cfg.rcvbuf;
		/* FORCE passes net.core.rmem_max, as root (CAP_NET_ADMIN) only */
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof want) != 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof want);
	}
	int got = 0;
	socklen_t gl = sizeof got;
	getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &gl);
	c->granted = got;
	if (bind(fd, (struct sockaddr *)&sa, sl) != 0) {
		int e = errno;
		close(fd);
		return perr_set(err, PERR_INTERNAL, flow_kind_name(k), "cannot bind the %s socket: %s",
				flow_kind_name(k), strerror(e));
	}
	if (!c->port[k]) {
		struct sockaddr_storage b;
		socklen_t bl = sizeof b;
		getsockname(fd, (struct sockaddr *)&b, &bl);
		c->port[k] = ntohs(b.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&b)->sin6_port
							  : ((struct sockaddr_in *)&b)->sin_port);
	}
	*fd_out = fd;
	return 0;
}

int flow_collector_port(const struct flow_collector *c, enum flow_proto_kind kind)
{
	return kind < FLOW_KIND_N ? c->port[kind] : 0;
}

/* ------------------------------------------------------------ life */

int flow_collector_set_hosts(struct flow_collector *c, struct flow_hosts *hosts,
			     struct perr *err)
{
	if (c->tot)
		return perr_set(err, PERR_INVALID, "hosts",
				"a collector keeping per-host totals keeps its hosts");
	struct flow_count_cfg cc = {.shards = c->nw};
	struct flow_count *n = flow_count_new(hosts, &cc, err);
	if (!n)
		return -1;
	pthread_mutex_lock(&c->swap_lock);
	pthread_mutex_lock(&c->tlock);
	c->next_hosts = hosts;
	atomic_store_explicit(&c->next, n, memory_order_release);
	uint32_t g = atomic_fetch_add(&c->gen, 1) + 1;
	if (c->joined) /* no thread to move: at once */
		complete_swap(c, true);
	pthread_mutex_unlock(&c->tlock);
	/* the threads move within POLL_MS, the ticker swaps on its next tick;
	** a stop in between finishes the swap itself */
	while (atomic_load(&c->swapped) != g) {
		struct timespec ts = {0, 5 * 1000000L};
		nanosleep(&ts, NULL);
	}
	pthread_mutex_unlock(&c->swap_lock);
	return 0;
}

int flow_collector_start(const struct flow_collector_cfg *cfg, struct flow_collector **out,
			 struct perr *err)
{
	struct flow_collector *c = calloc(1, sizeof *c);
	if (!c)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	c->cfg = *cfg;
	c->wake = -1;
	pthread_mutex_init(&c->tlock, NULL);
	pthread_mutex_init(&c->swap_lock, NULL);
	c->nw = cfg->threads ? cfg->threads : 1;
	if (c->nw > FLOW_COLL_THREADS_MAX || !cfg->hosts || !cfg->detect) {
		perr_set(err, PERR_INVALID, "threads", "threads must be 1..%d",
			 FLOW_COLL_THREADS_MAX);
		goto fail;
	}
	if (cfg->exporters > (1u << 20)) {
		perr_set(err, PERR_INVALID, "exporters", "at most %u exporter rows", 1u << 20);
		goto fail;
	}
	struct sockaddr_storage sa[FLOW_KIND_N];
	bool on[FLOW_KIND_N] = {false, false};
	for (int k = 0; k < FLOW_KIND_N; k++) {
		if (!cfg->listen[k] || !cfg->listen[k][0])
			continue;
		if (core_listen_parse(cfg->listen[k], flow_kind_name((enum flow_proto_kind)k),
				      &sa[k], err) != 0)
			goto fail;
		on[k] = true;
	}
	if (!on[0] && !on[1]) {
		perr_set(err, PERR_INVALID, "listen", "nothing to listen on");
		goto fail;
	}
	struct flow_count_cfg cc = {.shards = c->nw};
	c->count = flow_count_new(cfg->hosts, &cc, err);
	if (!c->count)
		goto fail;
	/* the ticker's clock is the monotonic one; the baselines learn per
	** hour of the calendar week */
	struct flow_detect_cfg dc = *cfg->detect;
	struct timespec wall;
	clock_gettime(CLOCK_REALTIME, &wall);
	dc.clock_offset_ms = (int64_t)wall.tv_sec * 1000 + wall.tv_nsec / 1000000 -
			     core_mono_ms();
	c->det = flow_detect_new(&dc, cfg->on_event, cfg->ctx, err);
	if (!c->det)
		goto fail;
	if (cfg->totals) {
		/* direction-major: a flood is mostly one direction, and the pages
		** of the other half are never touched, so never resident (24
		** bytes a host and direction: 24 MB of 48 for 1,000,000 hosts) */
		c->tot_hosts = flow_hosts_size(cfg->hosts) + 1;
		c->tot = calloc((size_t)c->tot_hosts * 2, sizeof *c->tot);
		if (!c->tot)
			goto nomem;
	}
	c->top = live_top_new();
	c->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	c->w = calloc(c->nw, sizeof *c->w);
	if (!c->top || c->wake < 0 || !c->w)
		goto nomem;
	for (uint32_t i = 0; i < c->nw; i++) { /* a failed start frees only what it made */
		c->w[i].fd[0] = c->w[i].fd[1] = -1;
		pthread_mutex_init(&c->w[i].lock, NULL);
	}
	uint32_t max_rows = cfg->exporters ? cfg->exporters : FLOW_COLL_EXPORTERS, cap = 2;
	while (cap < max_rows * 2u)
		cap *= 2;
	for (uint32_t i = 0; i < c->nw; i++) {
		struct worker *w = &c->w[i];
		w->c = c;
		w->idx = i;
		w->shard = flow_count_shard(c->count, i);
		w->nf = flow_nf_cache_new(NULL);
		w->recs = calloc(RECBUF, sizeof *w->recs);
		w->rows = calloc(cap, sizeof *w->rows);
		w->cap = cap;
		w->max_rows = max_rows;
		w->buf = malloc((size_t)FLOW_COLL_BATCH * RXBUF);
		if (!w->nf || !w->recs || !w->rows || !w->buf)
			goto nomem;
		for (int k = 0; k < FLOW_KIND_N; k++)
			if (on[k] && open_socket(c, &sa[k], (enum flow_proto_kind)k, &w->fd[k],
						 err) != 0)
				goto fail;
	}
	/* Linux reports twice what it grants for datagrams (the other half
	** is its bookkeeping, socket(7)): half is what was granted */
	if (cfg->rcvbuf > 0 && c->granted / 2 < cfg->rcvbuf)
		plog(PLOG_WARN,
		     "flow: receive buffer %d bytes granted, %d asked (raise net.core.rmem_max, "
		     "or run as root)",
		     c->granted / 2, cfg->rcvbuf);
	else
		plog(PLOG_INFO, "flow: receive buffer %d bytes per socket", c->granted / 2);
	for (uint32_t i = 0; i < c->nw; i++) {
		if (pthread_create(&c->w[i].thread, NULL, worker_run, &c->w[i]) != 0) {
			perr_set(err, PERR_INTERNAL, NULL, "cannot start a collector thread");
			goto fail;
		}
		c->w[i].started = true;
	}
	if (core_ticker_start(TICK_PASS_MS, tick_pass, c, "flow tick", &c->ticker, err) != 0)
		goto fail;
	*out = c;
	return 0;
nomem:
	perr_set(err, PERR_INTERNAL, NULL, "out of memory for the collector");
fail:
	flow_collector_stop(c);
	flow_collector_free(c);
	return -1;
}

void flow_collector_stop(struct flow_collector *c)
{
	if (!c || c->stopped)
		return;
	c->stopped = true;
	atomic_store(&c->stop, true);
	if (c->wake >= 0) {
		uint64_t one = 1;
		if (write(c->wake, &one, sizeof one) < 0) {
			/* the threads still see the flag within POLL_MS */
		}
	}
	for (uint32_t i = 0; c->w && i < c->nw; i++)
		if (c->w[i].started) {
			pthread_join(c->w[i].thread, NULL);
			c->w[i].started = false;
		}
	core_ticker_stop(c->ticker);
	c->ticker = NULL;
	if (!c->count || !c->det)
		return;
	pthread_mutex_lock(&c->tlock);
	c->joined = true;
	if (atomic_load(&c->next)) /* a change of hosts the ticker did not finish */
		complete_swap(c, true);
	pthread_mutex_unlock(&c->tlock);
	/* Writers are gone: fold the buffer retired at the last flip, then
	** the one they were writing, each on a tick of its own. */
	pthread_mutex_lock(&c->tlock);
	uint64_t now = (uint64_t)core_mono_ms();
	for (int step = 0; step < 2; step++) {
		if (now / 100 <= c->last_tick)
			now = (c->last_tick + 1) * 100;
		for (uint32_t i = 0; i < c->nw; i++)
			flow_shard_sync(c->w[i].shard);
		tick_at(c, now);
		flow_count_flip(c->count);
	}
	pthread_mutex_unlock(&c->tlock);
}

void flow_collector_free(struct flow_collector *c)
{
	if (!c)
		return;
	flow_collector_stop(c);
	for (uint32_t i = 0; c->w && i < c->nw; i++) {
		struct worker *w = &c->w[i];
		for (int k = 0; k < FLOW_KIND_N; k++)
			if (w->fd[k] >= 0)
				close(w->fd[k]);
		flow_nf_cache_free(w->nf);
		free(w->recs);
		free(w->rows);
		free(w->buf);
		pthread_mutex_destroy(&w->lock);
	}
	free(c->w);
	if (c->wake >= 0)
		close(c->wake);
	flow_detect_free(c->det);
	flow_count_free(c->count);
	free(c->tot);
	live_top_free(c->top);
	pthread_mutex_destroy(&c->tlock);
	pthread_mutex_destroy(&c->swap_lock);
	free(c);
}

/* ------------------------------------------------------------ reading */

/* The socket's drops now: SO_MEMINFO when the kernel has it, else (or
** when smaller) the last SO_RXQ_OVFL value a datagram carried. */
static uint64_t sock_drops(int fd, uint32_t seen)
{
	if (fd < 0)
		return 0;
	uint32_t mi[SK_MEMINFO_VARS];
	socklen_t ml = sizeof mi;
	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mi, &ml) == 0 &&
	    ml > SK_MEMINFO_DROPS * sizeof(uint32_t) && mi[SK_MEMINFO_DROPS] > seen)
		return mi[SK_MEMINFO_DROPS];
	return seen;
}

void flow_collector_stats(struct flow_collector *c, struct flow_collector_stats *st)
{
	memset(st, 0, sizeof *st);
	for (uint32_t i = 0; i < c->nw; i++) {
		struct worker *w = &c->w[i];
		pthread_mutex_lock(&w->lock);
		st->datagrams += w->datagrams;
		st->exporters_refused += w->refused;
		for (int k = 0; k < FLOW_KIND_N; k++)
			st->kernel_drops += sock_drops(w->fd[k], w->drops[k]);
		st->records += w->records;
		st->truncated += w->truncated;
		/* the cache is the thread's, used only under this lock */
		struct flow_nf_stats ns;
		flow_nf_cache_stats(w->nf, &ns);
		st->templates += ns.templates;
		st->templates_refused += ns.templates_refused;
		st->pending_dropped += ns.pending_dropped;
		pthread_mutex_unlock(&w->lock);
	}
	pthread_mutex_lock(&c->tlock);
	st->ticks = c->ticks;
	st->late_ticks = flow_count_late(c->count);
	st->count_dropped = flow_count_dropped(c->count);
	st->hosts_overflow = flow_hosts_overflow(flow_count_hosts(c->count));
	pthread_mutex_unlock(&c->tlock);
	st->rcvbuf_granted = c->granted;
}

static void merge_row(struct flow_exporter_stats *d, const struct flow_exporter_stats *s)
{
	d->datagrams += s->datagrams;
	d->flows += s->flows;
	for (int r = 0; r < FLOW_REJ_COUNT_MAX; r++)
		d->malformed[r] += s->malformed[r];
	d->template_misses += s->template_misses;
	d->sequence_failures += s->sequence_failures;
	if (s->sampling)
		d->sampling = s->sampling;
}

static int by_datagrams(const void *a, const void *b)
{
	const struct flow_exporter_stats *x = a, *y = b;
	return x->datagrams < y->datagrams ? 1 : x->datagrams > y->datagrams ? -1 : 0;
}

size_t flow_collector_exporters(struct flow_collector *c, struct flow_exporter_stats *out,
				size_t n)
{
	/* An exporter whose source port changed may sit on two threads:
	** rows with the same key are merged. */
	size_t cap = 0;
	for (uint32_t i = 0; i < c->nw; i++)
		cap += c->w[i].cap;
	struct flow_exporter_stats *all = calloc(cap ? cap : 1, sizeof *all);
	if (!all)
		return 0;
	size_t m = 0;
	for (uint32_t i = 0; i < c->nw; i++) {
		struct worker *w = &c->w[i];
		pthread_mutex_lock(&w->lock);
		for (uint32_t j = 0; j < w->cap; j++) {
			const struct exp_row *r = &w->rows[j];
			if (!r->used)
				continue;
			size_t k = 0;
			while (k < m && !(all[k].kind == r->s.kind &&
					  memcmp(all[k].addr, r->s.addr, 16) == 0))
				k++;
			if (k == m) {
				memset(&all[m], 0, sizeof all[m]);
				all[m].kind = r->s.kind;
				memcpy(all[m].addr, r->s.addr, 16);
				m++;
			}
			merge_row(&all[k], &r->s);
		}
		pthread_mutex_unlock(&w->lock);
	}
	qsort(all, m, sizeof *all, by_datagrams);
	size_t k = m < n ? m : n;
	memcpy(out, all, k * sizeof *out);
	free(all);
	return k;
}

static int by_packets(const void *a, const void *b)
{
	const struct flow_host_total *x = a, *y = b;
	return x->packets < y->packets ? 1 : x->packets > y->packets ? -1 : 0;
}

size_t flow_collector_totals(struct flow_collector *c, struct flow_host_total *out, size_t n)
{
	if (!c->tot || n == 0)
		return 0;
	size_t m = 0;
	pthread_mutex_lock(&c->tlock);
	uint32_t hosts = flow_hosts_size(c->cfg.hosts);
	/* keep the n largest: fill, then replace the smallest (n is small) */
	for (uint32_t h = 0; h < hosts; h++)
		for (int d = 0; d < 2; d++) {
			const struct host_tot *t = &c->tot[(size_t)d * c->tot_hosts + h];
			if (!t->packets && !t->flows)
				continue;
			size_t at = m;
			if (m == n) {
				at = 0;
				for (size_t i = 1; i < n; i++)
					if (out[i].packets < out[at].packets)
						at = i;
				if (out[at].packets >= t->packets)
					continue;
			} else {
				m++;
			}
			struct flow_host_total *o = &out[at];
			memset(o, 0, sizeof *o);
			flow_hosts_addr(c->cfg.hosts, h, &o->family, o->addr);
			o->dir = (enum flow_dir)d;
			o->packets = t->packets;
			o->bytes = t->bytes;
			o->flows = t->flows;
		}
	pthread_mutex_unlock(&c->tlock);
	qsort(out, m, sizeof *out, by_packets);
	return m;
}

/* ------------------------------------------------------------ the live view's top
** After each tick, the FLOW_LIVE_TOP busiest (host, direction) pairs by each
** figure of enum flow_by, from the 1 s window sums every active entry holds:
** what an operator looks at during an attack ("who is being hit, by how
** much, now"). One pass over the active entries feeds one bounded min-heap
** per figure (the root is the smallest kept, so a pair that is not busier
** costs one compare); the heaps live in the collector, so a tick allocates
** nothing. The sorted result is published under a lock of its own, so a
** reader (the job writing flow_live once a second, /metrics) never waits
** on a tick and a tick never waits on a reader's store. */

struct top_item {
	uint64_t key;    /* the figure the heap orders by */
	uint32_t host;   /* the host index, turned into an address on publish */
	uint8_t dir;
	uint64_t v[8];   /* pps, bps, flows, syn, tcp, udp, icmp, frag */
};

struct live_top {
	struct top_item heap[FLOW_BY_N][FLOW_LIVE_TOP];
	size_t n[FLOW_BY_N];
	pthread_mutex_t lock;   /* over pub and npub */
	struct flow_live_host pub[FLOW_BY_N][FLOW_LIVE_TOP];
	size_t npub[FLOW_BY_N];
};

static struct live_top *live_top_new(void)
{
	struct live_top *t = calloc(1, sizeof *t);
	if (t)
		pthread_mutex_init(&t->lock, NULL);
	return t;
}

static void live_top_free(struct live_top *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* Restore the min-heap below i (the root replaced). */
static void heap_down(struct top_item *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < n && h[l].key < h[m].key)
			m = l;
		if (l + 1 < n && h[l + 1].key < h[m].key)
			m = l + 1;
		if (m == i)
			return;
		struct top_item x = h[i];
		h[i] = h[m];
		h[m] = x;
		i = m;
	}
}

static void heap_up(struct top_item *h, size_t i)
{
	while (i > 0 && h[(i - 1) / 2].key > h[i].key) {
		struct top_item x = h[i];
		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = x;
		i = (i - 1) / 2;
	}
}

static void top_entry(void *ctx, const struct flow_entry_view *e)
{
	struct live_top *t = ctx;
	const uint64_t *s = e->sum;
	const uint64_t key[FLOW_BY_N] = {
		[FLOW_BY_PPS] = s[FLOW_C_PKTS], [FLOW_BY_BPS] = s[FLOW_C_BYTES],
		[FLOW_BY_FLOWS] = s[FLOW_C_FLOWS], [FLOW_BY_SYN] = s[FLOW_C_SYN_PKTS]};
	for (int b = 0; b < FLOW_BY_N; b++) {
		/* a pair with none of a figure is not among its busiest */
		if (!key[b])
			continue;
		struct top_item *h = t->heap[b];
		struct top_item *it;
		bool grow = t->n[b] < FLOW_LIVE_TOP;
		if (grow)
			it = &h[t->n[b]++];
		else if (key[b] > h[0].key)
			it = &h[0]; /* evict the smallest kept */
		else
			continue;
		it->key = key[b];
		it->host = e->host;
		it->dir = (uint8_t)e->dir;
		it->v[0] = s[FLOW_C_PKTS];
		it->v[1] = s[FLOW_C_BYTES] * 8; /* bits/s */
		it->v[2] = s[FLOW_C_FLOWS];
		it->v[3] = s[FLOW_C_SYN_PKTS];
		it->v[4] = s[FLOW_C_TCP_PKTS];
		it->v[5] = s[FLOW_C_UDP_PKTS];
		it->v[6] = s[FLOW_C_ICMP_PKTS];
		it->v[7] = s[FLOW_C_FRAG_PKTS];
		if (grow)
			heap_up(h, t->n[b] - 1);
		else
			heap_down(h, t->n[b], 0);
	}
}

/* Busiest first; equal figures by host index, so the order is stable
** from one tick to the next. */
static int by_key_desc(const void *a, const void *b)
{
	const struct top_item *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? 1 : -1;
	if (x->host != y->host)
		return x->host < y->host ? -1 : 1;
	return (int)x->dir - (int)y->dir;
}

/* The ticker's step, under tlock after the tick: rebuild the heaps from
** cnt's window, sort them and publish. Cost: one flow_count_each pass,
** about 3 ms of the ticker's CPU at 131072 active entries (23 ns each,
** mostly the cache miss on each entry's sums), beside 16 to 35 ms for the
** tick's merge and detection. */
static void live_top_update(struct live_top *t, struct flow_count *cnt)
{
	if (!t)
		return;
	memset(t->n, 0, sizeof t->n);
	flow_count_each(cnt, top_entry, t);
	struct flow_hosts *hosts = flow_count_hosts(cnt);
	for (int b = 0; b < FLOW_BY_N; b++)
		qsort(t->heap[b], t->n[b], sizeof t->heap[b][0], by_key_desc);
	pthread_mutex_lock(&t->lock);
	for (int b = 0; b < FLOW_BY_N; b++) {
		size_t m = 0;
		for (size_t i = 0; i < t->n[b]; i++) {
			const struct top_item *it = &t->heap[b][i];
			struct flow_live_host *o = &t->pub[b][m];
			memset(o, 0, sizeof *o);
			/* an index always has its address once counted; skip if not */
			if (flow_hosts_addr(hosts, it->host, &o->family, o->addr) != 0)
				continue;
			o->dir = (enum flow_dir)it->dir;
			o->pps = it->v[0];
			o->bps = it->v[1];
			o->flows = it->v[2];
			o->syn_pps = it->v[3];
			o->tcp_pps = it->v[4];
			o->udp_pps = it->v[5];
			o->icmp_pps = it->v[6];
			o->frag_pps = it->v[7];
			m++;
		}
		t->npub[b] = m;
	}
	pthread_mutex_unlock(&t->lock);
}

size_t flow_collector_top(struct flow_collector *c, enum flow_by by, struct flow_live_host *out,
			  size_t n)
{
	if (!c || !c->top || (unsigned)by >= FLOW_BY_N)
		return 0;
	struct live_top *t = c->top;
	pthread_mutex_lock(&t->lock);
	size_t k = t->npub[by] < n ? t->npub[by] : n;
	memcpy(out, t->pub[by], k * sizeof *out);
	pthread_mutex_unlock(&t->lock);
	return k;
}

/* ------------------------------------------------ learned baselines (conf) */

/* Under tlock: the ticker learns into the baselines on every tick. */
uint8_t *flow_collector_baselines_save(struct flow_collector *c, size_t *len)
{
	pthread_mutex_lock(&c->tlock);
	uint8_t *buf = flow_detect_save(c->det, len);
	pthread_mutex_unlock(&c->tlock);
	return buf;
}

int flow_collector_baselines_load(struct flow_collector *c, const uint8_t *buf, size_t len,
				  struct perr *err)
{
	pthread_mutex_lock(&c->tlock);
	int rc = flow_detect_load(c->det, buf, len, err);
	pthread_mutex_unlock(&c->tlock);
	return rc;
}

/* Per socket, what flow_collector_stats adds up into kernel_drops: a drop
** count that grows on one socket only says one thread falls behind (an
** exporter too busy for its thread), all of them the whole collector. */
size_t flow_collector_sockets(struct flow_collector *c, struct flow_socket_stats *out, size_t n)
{
	size_t m = 0;
	for (uint32_t i = 0; i < c->nw; i++) {
		struct worker *w = &c->w[i];
		pthread_mutex_lock(&w->lock);
		for (int k = 0; k < FLOW_KIND_N && m < n; k++)
			if (w->fd[k] >= 0) {
				out[m].kind = (enum flow_proto_kind)k;
				out[m].thread = i;
				out[m].drops = sock_drops(w->fd[k], w->drops[k]);
				m++;
			}
		pthread_mutex_unlock(&w->lock);
	}
	return m;
}

/* ------------------------------------------------------------ sequence numbers
** Loss between a router and the collector (UDP across a WAN, a router's
** export queue overflowing) shows nowhere but in the exports' sequence
** numbers: the kernel's drop counters only see what reached this host.
** As nfdump's collector does ("sequence failures"), a datagram whose
** sequence number is not the one expected from the previous datagram of
** its stream is counted per exporter, and the stream resyncs to it (so a
** router's restart counts once). A stream is: NetFlow v5, an (engine type,
** engine id), whose flow_sequence counts flows (next = sequence + count);
** NetFlow v9, a source id, whose sequence counts export packets (next =
** sequence + 1); sFlow, an (agent, sub-agent), whose sequence counts
** datagrams; each also by the exporter's source port and version, since
** two exporting processes may share an address; IPFIX, an observation
** domain, whose sequence counts data records, options data included
** (next = sequence + the decoder's data_records, or another exporter's
** convention, ipfix_numbered; after a message whose data waited for a
** template, whose count is unknown, the next message is not judged). Read here from the header the decoder accepted; an exporter
** with more than SEQ_STREAMS streams has the first ones checked. */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Whether an IPFIX message's number seq follows the stream's last one
** under a convention some exporter uses, RFC 7011's aside (st->next):
** counting only flow records (options data left out), or counting the
** records of the message itself too (softflowd numbers a message with the
** flows exported up to and including it). A lost message still shows:
** its records are in no difference below. */
static bool ipfix_numbered(const struct seq_stream *st, uint32_t seq,
			   const struct flow_result *res)
{
	return seq == st->last + st->last_f || seq == st->last + res->data_records ||
	       seq == st->last + res->records;
}

static void seq_check(struct exp_row *r, enum flow_proto_kind k, const uint8_t *b, size_t n,
		      const struct flow_result *res, const struct sockaddr_storage *from)
{
	uint32_t id, seq, step;
	uint8_t version = n >= 2 ? b[1] : 0;
	/* two exporting processes on one address (a router's line cards, two
	** probes on one host) are two streams: they differ by source port */
	uint16_t port = ntohs(from->ss_family == AF_INET6
				      ? ((const struct sockaddr_in6 *)from)->sin6_port
				      : ((const struct sockaddr_in *)from)->sin_port);
	if (k == FLOW_KIND_SFLOW) {
		/* version 5, agent address type (1 IPv4, 2 IPv6), agent,
		** sub-agent id, sequence; only for a datagram decoded whole */
		if (n < 20 || res->reject == FLOW_REJ_SHORT || res->reject == FLOW_REJ_VERSION ||
		    res->reject == FLOW_REJ_COUNT || res->reject == FLOW_REJ_ADDRESS || be32(b) != 5)
			return;
		size_t alen = be32(b + 4) == 2 ? 16 : 4;
		if (n < 8 + alen + 8)
			return;
		version = 5;
		id = be32(b + 8 + alen); /* the sub-agent; the agent below */
		for (size_t i = 0; i < alen; i++)
			id = (id ^ b[8 + i]) * 16777619u;
		seq = be32(b + 8 + alen + 4);
		step = 1;
	} else if (n >= FLOW_NF5_HDR && b[0] == 0 && b[1] == 5) {
		if (res->records == 0) /* refused whole: its header is not trusted */
			return;
		id = (uint32_t)b[20] << 8 | b[21];
		seq = be32(b + 16);
		step = (uint32_t)b[2] << 8 | b[3];
	} else if (n >= 20 && b[0] == 0 && b[1] == 9) {
		if (res->reject == FLOW_REJ_SHORT || res->reject == FLOW_REJ_COUNT)
			return;
		id = be32(b + 16);
		seq = be32(b + 12);
		step = 1;
	} else if (n >= 16 && b[0] == 0 && b[1] == 10) {
		/* IPFIX counts data records, not messages (RFC 7011 3.1), per
		** observation domain: the next message's number is this one's
		** plus the data records it carried, options data included */
		/* refused before any set (its header): the number is not trusted;
		** a set that lied leaves the count unknown (res->uncounted) */
		if (res->reject != FLOW_REJ_NONE && !res->records && !res->data_records &&
		    !res->uncounted)
			return;
		id = be32(b + 12);
		seq = be32(b + 8);
		step = res->data_records;
	} else {
		return;
	}
	struct seq_stream *st = NULL;
	for (int i = 0; i < SEQ_STREAMS && !st; i++)
		if (r->seq[i].used && r->seq[i].id == id && r->seq[i].port == port &&
		    r->seq[i].version == version)
			st = &r->seq[i];
	if (st) {
		if (!st->unknown && seq != st->next &&
		    !(version == 10 && ipfix_numbered(st, seq, res)))
			r->s.sequence_failures++;
	} else {
		for (int i = 0; i < SEQ_STREAMS && !st; i++)
			if (!r->seq[i].used)
				st = &r->seq[i];
		if (!st)
			return; /* beyond the streams kept: not checked */
		st->used = true;
		st->id = id;
		st->port = port;
		st->version = version;
	}
	st->next = seq + step; /* modulo 2^32, as the exporters count */
	st->last = seq;
	st->last_f = res->records;
	/* an IPFIX message with data held for its template: the next number
	** cannot be known, so the next message is not judged */
	st->unknown = k == FLOW_KIND_NETFLOW && version == 10 && res->uncounted;
}
