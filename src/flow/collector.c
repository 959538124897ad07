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
** the old shards held since the last tick, at most 100 ms, is dropped).
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

struct exp_row {
	bool used;
	struct flow_exporter_stats s;
};

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
};

const char *flow_kind_name(enum flow_proto_kind k)
{
	return k == FLOW_KIND_SFLOW ? "sflow" : "netflow";
}

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int flow_listen_parse(const char *spec, const char *what, struct sockaddr_storage *sa,
		      struct perr *err)
{
	char host[128];
	const char *colon = spec ? strrchr(spec, ':') : NULL;
	int64_t port;
	if (!colon || parse_i64(colon + 1, 0, 65535, &port) != 0)
		return perr_set(err, PERR_INVALID, what, "%s must be ADDR:PORT, got %s", what,
				spec ? spec : "nothing");
	struct pstr h = {spec, (size_t)(colon - spec)};
	if (h.n >= 2 && h.p[0] == '[' && h.p[h.n - 1] == ']') {
		h.p++;
		h.n -= 2;
	}
	if (pstr_copy(h, host, sizeof host) != 0)
		return perr_set(err, PERR_INVALID, what, "%s: address too long", what);
	if (strcmp(host, "localhost") == 0)
		PSTRCPY(host, "127.0.0.1");
	memset(sa, 0, sizeof *sa);
	struct sockaddr_in *v4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)sa;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
	} else {
		return perr_set(err, PERR_INVALID, what, "%s: %s is not an IP address", what,
				host);
	}
	return 0;
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
	uint64_t now = mono_ms();
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
	uint64_t until = mono_ms() + 500;
	for (nfds_t i = 0; i < np; i++)
		while (batch(w, kind[i]) > 0 && mono_ms() < until)
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
	uint64_t now = mono_ms();
	pthread_mutex_lock(&c->tlock);
	if (atomic_load(&c->next) && all_moved(c))
		complete_swap(c, false);
	if (now / 100 > c->last_tick) {
		tick_at(c, now);
		flow_count_flip(c->count);
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
		if (flow_listen_parse(cfg->listen[k], flow_kind_name((enum flow_proto_kind)k),
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
	c->det = flow_detect_new(cfg->detect, cfg->on_event, cfg->ctx, err);
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
	c->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	c->w = calloc(c->nw, sizeof *c->w);
	if (c->wake < 0 || !c->w)
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
	if (core_ticker_start(100, tick_pass, c, "flow tick", &c->ticker, err) != 0)
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
	uint64_t now = mono_ms();
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
