/*
** worker.c — the thread that delivers the outbox (see notify.h).
**
** One thread, its own store connection. Each pass reads a batch of due rows,
** copies them out of the store's statement, delivers them one by one with
** libcurl (SMTP for mail, HTTP POST for webhooks) and records each outcome in
** its own small write: sent only after the peer accepted the message, so a
** crash between the two sends it again rather than losing it (at least
** once). Between passes the thread sleeps notify.poll_ms on a condition
** variable that notify_kick() signals, so a change made in this process is
** delivered at once while one made by another process (the CLI) is picked
** up by polling. The pass itself, notify_process(), takes its clock and its
** sender as arguments so that tests drive retries and backoff without
** threads, sockets or sleeping.
*/
#include "notify/notify.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH 32
#define BACKOFF_CAP_MS (6LL * 3600 * 1000)
#define DEFER_MS 60000 /* next look at a mail row while smtp.host is "" */
#define LINE_MAX_BYTES 998
#define LEASE_MARGIN_MS 10000 /* a claim's lease beyond smtp.timeout */

/* -------------------------------------------------------------- metrics */

static atomic_uint_fast64_t sent_total, failed_total;
static atomic_int_fast64_t gauge_pending, gauge_failed;
static atomic_bool gauges_valid;

void notify_metrics(struct pbuf *b)
{
	pbuf_addf(b,
		  "# HELP parapet_notify_sent_total Notifications accepted by the mail server "
		  "or webhook endpoint.\n"
		  "# TYPE parapet_notify_sent_total counter\n"
		  "parapet_notify_sent_total %llu\n"
		  "# HELP parapet_notify_failed_total Failed delivery attempts.\n"
		  "# TYPE parapet_notify_failed_total counter\n"
		  "parapet_notify_failed_total %llu\n",
		  (unsigned long long)atomic_load(&sent_total),
		  (unsigned long long)atomic_load(&failed_total));
	if (!atomic_load(&gauges_valid))
		return;
	pbuf_addf(b,
		  "# HELP parapet_outbox_pending Notifications waiting to be delivered.\n"
		  "# TYPE parapet_outbox_pending gauge\n"
		  "parapet_outbox_pending %lld\n"
		  "# HELP parapet_outbox_failed Notifications given up after notify.max_attempts.\n"
		  "# TYPE parapet_outbox_failed gauge\n"
		  "parapet_outbox_failed %lld\n",
		  (long long)atomic_load(&gauge_pending), (long long)atomic_load(&gauge_failed));
}

/* ------------------------------------------------------------- messages */

int notify_message_text(struct pbuf *b, const struct store_outbox *o)
{
	if (pbuf_adds(b, o->headers) != 0 || pbuf_add(b, "\r\n", 2) != 0)
		return -1;
	const char *p = o->body;
	size_t col = 0;
	while (*p) {
		if (*p == '\r' || *p == '\n') {
			/* CRLF, lone CR and lone LF all end a line. */
			if (p[0] == '\r' && p[1] == '\n')
				p++;
			p++;
			if (pbuf_add(b, "\r\n", 2) != 0)
				return -1;
			col = 0;
			continue;
		}
		/* The next character's length, to break long lines between
		** characters, never inside one. */
		size_t cl = 1;
		unsigned char c = (unsigned char)*p;
		if (c >= 0xF0)
			cl = 4;
		else if (c >= 0xE0)
			cl = 3;
		else if (c >= 0xC0)
			cl = 2;
		for (size_t k = 1; k < cl; k++)
			if (!p[k]) {
				cl = k;
				break;
			}
		if (col + cl > LINE_MAX_BYTES) {
			if (pbuf_add(b, "\r\n", 2) != 0)
				return -1;
			col = 0;
		}
		if (pbuf_add(b, p, cl) != 0)
			return -1;
		p += cl;
		col += cl;
	}
	if (col && pbuf_add(b, "\r\n", 2) != 0)
		return -1;
	return 0;
}

/* ---------------------------------------------------------- libcurl send */

struct reader {
	const char *p;
	size_t left;
};

static size_t read_cb(char *dst, size_t size, size_t n, void *ud)
{
	struct reader *r = ud;
	size_t want = size * n;
	if (want > r->left)
		want = r->left;
	memcpy(dst, r->p, want);
	r->p += want;
	r->left -= want;
	return want;
}

static size_t discard_cb(char *d, size_t size, size_t n, void *ud)
{
	(void)d;
	size_t *total = ud;
	*total += size * n;
	/* A webhook endpoint's answer is not read; do not let it stream forever. */
	return *total > (1u << 20) ? 0 : size * n;
}

/* Remove every occurrence of secret from s (in place). */
static void scrub(char *s, const char *secret)
{
	size_t sl = secret ? strlen(secret) : 0;
	if (!sl)
		return;
	char *hit;
	while ((hit = strstr(s, secret)) != NULL) {
		memcpy(hit, "***", 3);
		memmove(hit + 3, hit + sl, strlen(hit + sl) + 1);
	}
}

/* The envelope address of a From value: the part in <...> if any. */
static void envelope_from(const char *from, char *out, size_t n)
{
	const char *lt = strrchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt)
		snprintf(out, n, "<%.*s>", (int)(gt - lt - 1), lt + 1);
	else
		snprintf(out, n, "<%s>", from);
}

const char *notify_smtp_starttls(const struct config *cfg)
{
	bool auth = cfg->smtp_user[0] != '\0';
	if (auth && !cfg->smtp_allow_plain_auth)
		return "require";
	if (strcmp(cfg->smtp_starttls, "auto") == 0)
		return "try"; /* no AUTH, or AUTH in the clear explicitly allowed */
	return cfg->smtp_starttls;
}

static int send_mail(const struct config *cfg, const struct store_outbox *o, char *errbuf,
		     size_t errsz)
{
	int rc = -1;
	CURL *h = NULL;
	struct curl_slist *rcpt = NULL;
	struct pbuf msg;
	pbuf_init(&msg, 0);
	char url[320], from[300], to[340], cerr[CURL_ERROR_SIZE];
	cerr[0] = '\0';
	if (notify_message_text(&msg, o) != 0) {
		snprintf(errbuf, errsz, "message too large");
		goto out;
	}
	bool v6 = strchr(cfg->smtp_host, ':') && cfg->smtp_host[0] != '[';
	snprintf(url, sizeof(url), "smtp://%s%s%s:%lld", v6 ? "[" : "", cfg->smtp_host,
		 v6 ? "]" : "", (long long)cfg->smtp_port);
	envelope_from(cfg->smtp_from, from, sizeof(from));
	snprintf(to, sizeof(to), "<%s>", o->recipient);
	h = curl_easy_init();
	rcpt = curl_slist_append(NULL, to);
	if (!h || !rcpt) {
		snprintf(errbuf, errsz, "out of memory");
		goto out;
	}
	struct reader r = { msg.ptr, msg.len };
	const char *tls = notify_smtp_starttls(cfg);
	long ssl = strcmp(tls, "require") == 0 ? (long)CURLUSESSL_ALL
		   : strcmp(tls, "try") == 0   ? (long)CURLUSESSL_TRY
					       : (long)CURLUSESSL_NONE;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &r);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_USE_SSL, ssl);
	if (cfg->smtp_user[0]) {
		curl_easy_setopt(h, CURLOPT_USERNAME, cfg->smtp_user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, cfg->smtp_password);
	}
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)cfg->smtp_timeout);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	CURLcode cc = curl_easy_perform(h);
	if (cc == CURLE_USE_SSL_FAILED && cfg->smtp_user[0]) {
		/* libcurl stops after EHLO, before AUTH, when STARTTLS is required
		** and not offered: say why the mail is held, for the outbox */
		snprintf(errbuf, errsz,
			 "smtp %s:%lld: no STARTTLS offered: AUTH refused without TLS, the "
			 "password was not sent (smtp.username is set; set "
			 "smtp.allow_plain_auth = true to send it in the clear)",
			 cfg->smtp_host, (long long)cfg->smtp_port);
		goto out;
	}
	if (cc != CURLE_OK) {
		long code = 0;
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		if (code)
			snprintf(errbuf, errsz, "smtp %s:%lld: %s (server said %ld)%s%s",
				 cfg->smtp_host, (long long)cfg->smtp_port, curl_easy_strerror(cc),
				 code, cerr[0] ? ": " : "", cerr);
		else
			snprintf(errbuf, errsz, "smtp %s:%lld: %s%s%s", cfg->smtp_host,
				 (long long)cfg->smtp_port, curl_easy_strerror(cc),
				 cerr[0] ? ": " : "", cerr);
		goto out;
	}
	rc = 0;
out:
	curl_slist_free_all(rcpt);
	if (h)
		curl_easy_cleanup(h);
	pbuf_free(&msg);
	return rc;
}

static int send_webhook(const struct config *cfg, const struct store_outbox *o, char *errbuf,
			size_t errsz)
{
	int rc = -1;
	CURL *h = NULL;
	struct curl_slist *hdr = NULL;
	char cerr[CURL_ERROR_SIZE], line[512];
	size_t got = 0;
	cerr[0] = '\0';
	h = curl_easy_init();
	if (!h) {
		snprintf(errbuf, errsz, "out of memory");
		goto out;
	}
	/* The stored header lines (event, signature), each "Name: value\r\n". */
	bool oom = false;
	for (const char *p = o->headers; *p;) {
		const char *e = strstr(p, "\r\n");
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l && l < sizeof(line)) {
			memcpy(line, p, l);
			line[l] = '\0';
			struct curl_slist *n = curl_slist_append(hdr, line);
			oom |= !n;
			hdr = n ? n : hdr;
		}
		p += l + (e ? 2 : 0);
	}
	const char *fixed[] = { "Content-Type: application/json", "Expect:",
				"User-Agent: parapet-notify" };
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++) {
		struct curl_slist *n = curl_slist_append(hdr, fixed[i]);
		oom |= !n;
		hdr = n ? n : hdr;
	}
	snprintf(line, sizeof(line), "X-Parapet-Delivery: %s", o->message_id);
	struct curl_slist *n = curl_slist_append(hdr, line);
	oom |= !n;
	hdr = n ? n : hdr;
	if (oom) {
		snprintf(errbuf, errsz, "out of memory");
		goto out;
	}
	curl_easy_setopt(h, CURLOPT_URL, o->recipient);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, o->body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(o->body));
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &got);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)cfg->smtp_timeout);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	CURLcode cc = curl_easy_perform(h);
	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (cc != CURLE_OK && !(cc == CURLE_WRITE_ERROR && code >= 200 && code < 300)) {
		snprintf(errbuf, errsz, "webhook: %s%s%s", curl_easy_strerror(cc),
			 cerr[0] ? ": " : "", cerr);
		goto out;
	}
	if (code < 200 || code > 299) {
		snprintf(errbuf, errsz, "webhook: HTTP status %ld", code);
		goto out;
	}
	rc = 0;
out:
	curl_slist_free_all(hdr);
	if (h)
		curl_easy_cleanup(h);
	return rc;
}

int notify_send_curl(void *ud, const struct store_outbox *o, char *errbuf, size_t errsz)
{
	const struct config *cfg = ud;
	errbuf[0] = '\0';
	int rc = strcmp(o->kind, "mail") == 0 ? send_mail(cfg, o, errbuf, errsz)
						: send_webhook(cfg, o, errbuf, errsz);
	scrub(errbuf, cfg->smtp_password);
	return rc;
}

/* ----------------------------------------------------------- one pass */

int64_t notify_backoff_ms(const struct config *cfg, int64_t failures)
{
	int64_t ms = (cfg->notify_retry_base > 0 ? cfg->notify_retry_base : 1) * 1000;
	for (int64_t i = 1; i < failures && ms < BACKOFF_CAP_MS; i++)
		ms *= 2;
	return ms < BACKOFF_CAP_MS ? ms : BACKOFF_CAP_MS;
}

/* A due row copied out of the store's statement. */
struct row {
	struct store_outbox o;
	char *subject, *body, *headers;
};

struct batch {
	struct row r[BATCH];
	int n;
	bool oom;
};

static int collect_due(void *ud, const struct store_outbox *o)
{
	struct batch *b = ud;
	if (b->n == BATCH)
		return 1;
	struct row *r = &b->r[b->n];
	r->o = *o;
	r->subject = strdup(o->subject ? o->subject : "");
	r->body = strdup(o->body ? o->body : "");
	r->headers = strdup(o->headers ? o->headers : "");
	if (!r->subject || !r->body || !r->headers) {
		free(r->subject);
		free(r->body);
		free(r->headers);
		b->oom = true;
		return 1;
	}
	r->o.subject = r->subject;
	r->o.body = r->body;
	r->o.headers = r->headers;
	b->n++;
	return 0;
}

int notify_process(struct store *st, const struct config *cfg, int64_t now_ms, int64_t limit,
		   notify_send_fn send, void *ud, const atomic_bool *stop,
		   struct notify_pass *pass, struct perr *err)
{
	int rc = -1;
	struct notify_pass local = { 0, 0, 0, 0, 0 };
	struct batch *b = calloc(1, sizeof(*b));
	if (!b)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	if (limit <= 0 || limit > BATCH)
		limit = BATCH;
	int r = store_outbox_due(st, now_ms, limit, collect_due, b, err);
	if (r < 0)
		goto out;
	if (b->oom) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	bool mail_off = cfg->smtp_host[0] == '\0';
	/* This pass's name in the claims: unique even between two passes of
	** one process (a test's two connections), so a claim is never mistaken
	** for one's own. */
	char who[64];
	uint8_t rnd[8];
	char rhex[sizeof(rnd) * 2 + 1];
	randombytes_buf(rnd, sizeof(rnd));
	core_hex(rnd, sizeof(rnd), rhex);
	snprintf(who, sizeof(who), "pid %ld %s", (long)getpid(), rhex);
	/* A delivery takes at most smtp.timeout (libcurl's whole-transfer
	** limit, for mail and webhooks); the lease outlasts it with a margin,
	** so no other sender takes an entry over while it is still being sent,
	** and a crashed sender's entries wait at most this long. */
	int64_t lease_ms = cfg->smtp_timeout * 1000 + LEASE_MARGIN_MS;
	/* Rows are sent one after another, a pass may take many timeouts: each
	** claim runs on the pass's clock moved on by the time spent since it
	** started, so a late row's lease is not already over when taken. */
	int64_t started = core_now_ms();
	for (int i = 0; i < b->n; i++) {
		if (stop && atomic_load(stop))
			break;
		const struct store_outbox *o = &b->r[i].o;
		/* the list was read without claiming: another sender may have
		** taken (or sent) this entry since; only a claim says it is ours */
		bool mine = false;
		int64_t spent = core_now_ms() - started;
		int64_t t = now_ms + (spent > 0 ? spent : 0);
		if (store_outbox_claim(st, o->id, who, t, t + lease_ms, &mine, err) != 0)
			goto out;
		if (!mine) {
			local.skipped++;
			continue;
		}
		if (mail_off && strcmp(o->kind, "mail") == 0) {
			if (store_outbox_mark_retry(st, o->id, who, o->attempts, now_ms + DEFER_MS,
						    "not sent: smtp.host is not set", false,
						    err) != 0)
				goto out;
			local.deferred++;
			continue;
		}
		char why[256];
		why[0] = '\0';
		if (send(ud, o, why, sizeof(why)) == 0) {
			atomic_fetch_add(&sent_total, 1);
			if (store_outbox_mark_sent(st, o->id, core_now_ms(), err) != 0)
				goto out;
			local.sent++;
			continue;
		}
		atomic_fetch_add(&failed_total, 1);
		if (!why[0])
			PSTRCPY(why, "delivery failed");
		int64_t failures = o->attempts + 1;
		bool give_up = failures >= cfg->notify_max_attempts;
		int64_t next = give_up ? 0 : now_ms + notify_backoff_ms(cfg, failures);
		plog(give_up ? PLOG_ERROR : PLOG_WARN,
		     "notify: %s %lld to %s: attempt %lld: %s%s", o->kind, (long long)o->id,
		     o->recipient, (long long)failures, why, give_up ? " (giving up)" : "");
		if (store_outbox_mark_retry(st, o->id, who, failures, next, why, give_up, err) != 0)
			goto out;
		if (give_up)
			local.failed++;
		else
			local.retried++;
	}
	rc = 0;
out:
	for (int i = 0; i < b->n; i++) {
		free(b->r[i].subject);
		free(b->r[i].body);
		free(b->r[i].headers);
	}
	free(b);
	if (pass)
		*pass = local;
	return rc;
}

/* ------------------------------------------------------------- thread */

struct notify_worker {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool kicked;
	atomic_bool stop;
	struct config cfg;
	struct store *st;
};

/* The worker notify_kick() wakes; guarded by running_mu. */
static pthread_mutex_t running_mu = PTHREAD_MUTEX_INITIALIZER;
static struct notify_worker *running;

void notify_kick(void)
{
	pthread_mutex_lock(&running_mu);
	struct notify_worker *w = running;
	if (w) {
		pthread_mutex_lock(&w->mu);
		w->kicked = true;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
	}
	pthread_mutex_unlock(&running_mu);
}

static void refresh_gauges(struct notify_worker *w)
{
	int64_t pending = 0, failed = 0;
	struct perr e;
	if (store_outbox_counts(w->st, &pending, NULL, &failed, &e) != 0)
		return;
	atomic_store(&gauge_pending, pending);
	atomic_store(&gauge_failed, failed);
	atomic_store(&gauges_valid, true);
}

static void *worker_main(void *arg)
{
	struct notify_worker *w = arg;
	int64_t last_gauges = 0;
	while (!atomic_load(&w->stop)) {
		struct notify_pass pass;
		struct perr e;
		perr_clear(&e);
		int r = notify_process(w->st, &w->cfg, core_now_ms(), BATCH, notify_send_curl,
				       &w->cfg, &w->stop, &pass, &e);
		if (r != 0)
			plog(PLOG_ERROR, "notify: outbox: %s", e.msg);
		int64_t now = core_now_ms();
		bool busy = r == 0 && pass.sent + pass.retried + pass.failed + pass.deferred == BATCH;
		if (pass.sent + pass.retried + pass.failed || now - last_gauges >= 1000 ||
		    !atomic_load(&gauges_valid)) {
			refresh_gauges(w);
			last_gauges = now;
		}
		if (busy)
			continue; /* a full batch: there may be more due now */
		pthread_mutex_lock(&w->mu);
		if (!w->kicked && !atomic_load(&w->stop)) {
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_sec += w->cfg.notify_poll_ms / 1000;
			ts.tv_nsec += (w->cfg.notify_poll_ms % 1000) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			int wr = 0;
			while (!w->kicked && !atomic_load(&w->stop) && wr != ETIMEDOUT)
				wr = pthread_cond_timedwait(&w->cv, &w->mu, &ts);
		}
		w->kicked = false;
		pthread_mutex_unlock(&w->mu);
	}
	return NULL;
}

int notify_start(const struct config *cfg, const char *db_path, struct notify_worker **out,
		 struct perr *err)
{
	int rc = -1;
	bool mu = false, cv = false, curl = false;
	pthread_condattr_t ca;
	struct notify_worker *w = calloc(1, sizeof(*w));
	if (!w)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	w->cfg = *cfg;
	atomic_init(&w->stop, false);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		perr_set(err, PERR_INTERNAL, NULL, "libcurl failed to initialise");
		goto out;
	}
	curl = true;
	if (pthread_mutex_init(&w->mu, NULL) != 0) {
		perr_set(err, PERR_INTERNAL, NULL, "notify: mutex");
		goto out;
	}
	mu = true;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	int cr = pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (cr != 0) {
		perr_set(err, PERR_INTERNAL, NULL, "notify: condition variable");
		goto out;
	}
	cv = true;
	if (store_open(db_path, &w->st, err) != 0)
		goto out;
	if (!cfg->smtp_host[0])
		plog(PLOG_WARN, "notify: smtp.host is empty: mail stays in the outbox until it "
				"is set (webhooks are delivered)");
	if (cfg->smtp_user[0] && cfg->smtp_allow_plain_auth)
		plog(PLOG_WARN, "notify: smtp.allow_plain_auth = true: the SMTP password is sent "
				"without TLS to a server that offers no STARTTLS, or to anyone in "
				"the path who strips it");
	else if (cfg->smtp_user[0] && strcmp(cfg->smtp_starttls, "auto") != 0 &&
		 strcmp(cfg->smtp_starttls, "require") != 0)
		plog(PLOG_WARN, "notify: smtp.starttls = %s is raised to require because "
				"smtp.username is set (smtp.allow_plain_auth = true would allow "
				"AUTH without TLS)",
		     cfg->smtp_starttls);
	if (pthread_create(&w->th, NULL, worker_main, w) != 0) {
		perr_set(err, PERR_INTERNAL, NULL, "notify: cannot start thread");
		goto out;
	}
	pthread_mutex_lock(&running_mu);
	running = w;
	pthread_mutex_unlock(&running_mu);
	plog(PLOG_INFO, "notify: worker started (poll %lld ms, smtp %s:%lld)",
	     (long long)cfg->notify_poll_ms, cfg->smtp_host[0] ? cfg->smtp_host : "(none)",
	     (long long)cfg->smtp_port);
	*out = w;
	w = NULL;
	rc = 0;
out:
	if (w) {
		store_close(w->st);
		if (cv)
			pthread_cond_destroy(&w->cv);
		if (mu)
			pthread_mutex_destroy(&w->mu);
		if (curl)
			curl_global_cleanup();
		free(w);
	}
	return rc;
}

void notify_stop(struct notify_worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&running_mu);
	if (running == w)
		running = NULL;
	pthread_mutex_unlock(&running_mu);
	pthread_mutex_lock(&w->mu);
	atomic_store(&w->stop, true);
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	store_close(w->st);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	curl_global_cleanup();
	free(w);
	plog(PLOG_INFO, "notify: worker stopped");
}
