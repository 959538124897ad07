/*
** monitor.c — one pass of the website monitor, and the thread that runs a
** pass every second inside `parapet serve`.
**
** A pass runs in four stages over a batch of due sites (monitor.h has the
** why of each):
**
**   1. load     the due sites from the store, each copied into a job;
**   2. resolve  A/AAAA of each host and NS, parent NS, MX and CAA of its
**               domain, in two c-ares batches;
**   3. fetch    every URL at once on one libcurl multi loop, pinned to the
**               address resolved; each finished transfer is handed to the
**               analysis workers (extract, judge, learn, diff) while the
**               others are still in flight; the judge is told whose hosts
**               are whose (owners.c: every organisation's domains, loaded
**               once per pass);
**   4. decide   on this thread, in one transaction per batch: the check
**               row, the new state and schedule, DNS and certificate
**               changes (judged against the constituency: an address or a
**               name server the organisation does not own is a hijack), the
**               incident report and automatic recovery, and the sightings
**               of listed hosts the page newly loads from. Each site in
**               three steps: evidence (what the check showed), the pure
**               monitor_transition of state.c (where the site goes and
**               what the incident hub is told), report (the writes).
**
** Only stages 1 and 4 use the store, on the caller's connection; the
** workers touch nothing but their job and the blob directory.
**
** The batches overlap, two at a time (see "pass" below): while one batch
** is decided on the caller's thread, the next is fetched and analysed, and
** the one after that is loaded and resolved while the fetch before it
** still runs.
*/
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "constituency/constituency.h"
#include "dns/dns.h"
#include "fetch/fetch.h"
#include "incident/incident.h"
#include "indicator/indicator.h"
#include "monitor/monitor.h"
#include "posture/posture.h"
#include "watch/watch.h"

#define ACTOR "parapet-watch"
#define RETRY_MS 30000        /* a first failed fetch is tried again this soon */
#define DIFF_MAX (32u << 10)  /* bytes of text diff kept in the evidence */
#define BLOB_READ_MAX (64u << 20)

/* Process-wide counters for /metrics. */
static atomic_llong m_checks, m_alerts, m_down, m_missed, m_incidents, m_recovered, m_passes;
static atomic_llong m_bytes, m_dns_changes, m_cert_changes;

struct job {
	/* the site, as loaded (pointers are this job's copies) */
	struct store_watch_site site;
	char *samples;
	unsigned char *baseline;
	size_t baseline_len;
	char *dns_expected, *cert_expected;
	char host[WATCH_HOST_MAX], domain[WATCH_HOST_MAX];
	bool host_is_ip;
	char pin[64];
	struct dns_result dns;
	bool dns_asked;
	bool expected_changed;  /* dns_expected or cert_expected replaced */
	/* the fetch, copied out of its result */
	json_t *fetch_json;
	enum fetch_err ferr;
	char ferrmsg[256];
	long status;
	char final_host[WATCH_HOST_MAX];
	bool have_cert;
	char cert_sha[65], spki[65], issuer[512];
	int64_t cert_not_after;
	bool cert_valid;
	int64_t cert_not_before;
	char verify_reason[128];
	char *hdr[6];          /* posture headers of the final response, or NULL */
	char ctype[256];       /* its Content-Type (the charset of the page), or "" */
	struct pbuf body;
	int64_t elapsed_ms;
	/* the analysis (worker) */
	char body_sha[65];
	bool judged;
	struct watch_verdict v;
	json_t *before, *after; /* feature summaries for evidence */
	unsigned char *new_baseline;
	size_t new_baseline_len;
	char *new_samples;
	char *diff;
	char werr[256];
	/* hosts the page loads from that its baseline does not know (all of
	** them while learning): the decide stage asks the indicator registry
	** about these only */
	struct watch_set new_hosts;
};

/* ------------------------------------------------------------- job queue */

struct queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job **v;
	size_t head, tail, cap;
	bool closed;
	const struct config *cfg;
	const char *blob_dir;
	const struct monitor_owners *owners; /* whose hosts are whose, for the pass */
};

static void queue_push(struct queue *q, struct job *j)
{
	pthread_mutex_lock(&q->mu);
	q->v[q->tail++] = j; /* cap is the batch size: never overflows */
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

static struct job *queue_pop(struct queue *q)
{
	pthread_mutex_lock(&q->mu);
	while (q->head == q->tail && !q->closed)
		pthread_cond_wait(&q->cv, &q->mu);
	struct job *j = q->head < q->tail ? q->v[q->head++] : NULL;
	pthread_mutex_unlock(&q->mu);
	return j;
}

/* ---------------------------------------------------------------- blobs */

static void sha_hex(const void *data, size_t n, char out[65])
{
	uint8_t d[32];
	core_sha256(data, n, d);
	core_hex(d, 32, out);
}

/* Read blob sha into a new pbuf; -1 when missing or unreadable. */
static int blob_read(const char *blob_dir, const char *sha, struct pbuf *out)
{
	char path[1400];
	pbuf_init(out, BLOB_READ_MAX);
	if (core_blob_path(blob_dir, sha, path, sizeof(path)) != 0)
		return -1;
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char buf[65536];
	size_t n;
	int rc = 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (pbuf_add(out, buf, n) != 0) {
			rc = -1;
			break;
		}
	if (ferror(f))
		rc = -1;
	fclose(f);
	if (rc)
		pbuf_free(out);
	return rc;
}

/* ------------------------------------------------------------- analysis */

static json_t *set_json(const struct watch_set *s)
{
	json_t *a = json_array();
	for (uint32_t i = 0; i < s->n; i++)
		json_array_append_new(a, json_string(s->v[i]));
	return a;
}

static json_t *features_json(const struct watch_features *f)
{
	json_t *j = json_object();
	json_object_set_new(j, "title", json_string(f->title));
	json_object_set_new(j, "script_hosts", set_json(&f->script_hosts));
	json_object_set_new(j, "iframe_hosts", set_json(&f->iframe_hosts));
	json_object_set_new(j, "form_hosts", set_json(&f->form_hosts));
	json_object_set_new(j, "link_hosts", set_json(&f->link_hosts));
	json_object_set_new(j, "inline_scripts", json_integer(f->inline_hashes.n));
	json_object_set_new(j, "refresh_host", json_string(f->refresh_host));
	json_object_set_new(j, "script_redirect_host", json_string(f->js_host));
	json_object_set_new(j, "links", json_integer(f->links));
	json_object_set_new(j, "outbound_links", json_integer(f->outbound_links));
	json_object_set_new(j, "text_bytes", json_integer((json_int_t)f->text_len));
	return j;
}

static json_t *baseline_json(const struct watch_baseline *b)
{
	json_t *j = json_object();
	json_object_set_new(j, "title", json_string(b->title));
	json_object_set_new(j, "script_hosts", set_json(&b->script_hosts));
	json_object_set_new(j, "iframe_hosts", set_json(&b->iframe_hosts));
	json_object_set_new(j, "form_hosts", set_json(&b->form_hosts));
	json_object_set_new(j, "similarity_floor", json_real(b->floor));
	json_object_set_new(j, "learned_from", json_integer(b->n));
	return j;
}

/* The sample hashes of a site (JSON array of strings) into v (at most max). */
static size_t samples_parse(const char *text, char v[][65], size_t max)
{
	json_t *a = json_loads(text ? text : "[]", 0, NULL);
	size_t n = 0;
	for (size_t i = 0; a && i < json_array_size(a) && n < max; i++) {
		const char *s = json_string_value(json_array_get(a, i));
		if (s && strlen(s) == 64)
			memcpy(v[n++], s, 65);
	}
	json_decref(a);
	return n;
}

static char *samples_text(char v[][65], size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	char *t = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return t;
}

/* Learn a baseline from the sample bodies and pack it into the job. The
** current page (cur, already extracted; borrowed) is the newest sample. */
static int learn(struct job *j, const struct queue *q, char samples[][65], size_t n,
		 const struct watch_features *cur, struct perr *e)
{
	struct watch_features *obs = calloc(n + 1, sizeof(*obs));
	size_t k = 0; /* obs[0..k) are ours to free */
	int rc = -1;
	struct watch_baseline b;
	memset(&b, 0, sizeof(b));
	if (!obs)
		return perr_set(e, PERR_INTERNAL, NULL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (strcmp(samples[i], j->body_sha) == 0)
			continue;
		struct pbuf body;
		if (blob_read(q->blob_dir, samples[i], &body) != 0)
			continue; /* a lost sample: learn from the others */
		/* a stored sample has no header of its own: the site's current
		** Content-Type is the best guess of its charset */
		int r = watch_extract_ct(body.ptr ? body.ptr : "", body.len, j->site.url,
					 j->ctype[0] ? j->ctype : NULL, &obs[k], e);
		pbuf_free(&body);
		if (r != 0) {
			watch_features_free(&obs[k]);
			goto out;
		}
		k++;
	}
	obs[k] = *cur;
	if (watch_learn(obs, k + 1, &b, e) != 0 ||
	    watch_baseline_pack(&b, &j->new_baseline, &j->new_baseline_len, e) != 0)
		goto out;
	json_decref(j->before);
	j->before = baseline_json(&b);
	rc = 0;
out:
	for (size_t i = 0; i < k; i++)
		watch_features_free(&obs[i]);
	watch_baseline_free(&b);
	free(obs);
	return rc;
}

#define NEW_HOSTS_MAX 64 /* hosts of one check handed to the registry */

/* The hosts f loads from (scripts, frames, forms, redirects, pop-ups,
** styles, images) that b (NULL: learning, nothing known) has not seen in
** the same role, into j->new_hosts: a site that starts loading from a host
** is what the indicator registry is asked about (issue 15's "a watched
** site that starts loading from a listed host"). */
static void collect_new_hosts(struct job *j, const struct watch_baseline *b,
			      const struct watch_features *f)
{
	watch_set_init(&j->new_hosts, NEW_HOSTS_MAX);
	for (uint32_t i = 0; i < f->nrefs; i++) {
		const struct watch_ref *r = &f->refs[i];
		if (!r->host[0] || strcmp(r->host, f->host) == 0)
			continue;
		const struct watch_set *known = NULL;
		if (b) {
			switch (r->kind) {
			case WATCH_REF_SCRIPT:
				known = &b->script_hosts;
				break;
			case WATCH_REF_IFRAME:
				known = &b->iframe_hosts;
				break;
			case WATCH_REF_FORM:
				known = &b->form_hosts;
				break;
			case WATCH_REF_REDIRECT:
				known = &b->redirect_hosts;
				break;
			default: /* styles, images, pop-ups: the baseline's other hosts */
				known = &b->other_hosts;
				break;
			}
		}
		if (known && watch_set_has(known, r->host))
			continue;
		if (watch_set_add(&j->new_hosts, r->host) < 0 && j->new_hosts.full)
			break;
	}
}

/* Worker: everything CPU-heavy about one fetched page. */
static void analyse(struct job *j, const struct queue *q)
{
	struct perr e;
	perr_clear(&e);
	const struct config *cfg = q->cfg;
	if (j->ferr != FETCH_OK && j->ferr != FETCH_E_CUT)
		return;
	const char *body = j->body.ptr ? j->body.ptr : "";
	sha_hex(body, j->body.len, j->body_sha);
	if (j->baseline && j->site.last_good[0] && strcmp(j->body_sha, j->site.last_good) == 0) {
		/* Byte for byte the page last judged clean against this baseline:
		** the same verdict, without parsing it again (most checks of most
		** sites, and half the CPU of a pass). */
		memset(&j->v, 0, sizeof(j->v));
		j->v.severity = "none";
		j->v.similarity = 1.0;
		j->judged = true;
		return;
	}
	struct watch_features f;
	if (watch_extract_ct(body, j->body.len, j->site.url, j->ctype[0] ? j->ctype : NULL, &f,
			     &e) != 0) {
		snprintf(j->werr, sizeof(j->werr), "analysis: %.200s", e.msg);
		watch_features_free(&f);
		return;
	}
	char samples[21][65];
	size_t ns = samples_parse(j->samples, samples, 20);
	struct watch_baseline b;
	bool have_b = j->baseline &&
		      watch_baseline_unpack(j->baseline, j->baseline_len, &b, &e) == 0;
	collect_new_hosts(j, have_b ? &b : NULL, &f);
	if (!have_b) {
		/* learning (or a damaged baseline): this page joins the samples */
		if (core_blob_write_lazy(q->blob_dir, j->body_sha, body, j->body.len, &e) != 0 ||
		    learn(j, q, samples, ns, &f, &e) != 0) {
			snprintf(j->werr, sizeof(j->werr), "learning: %.200s", e.msg);
			goto out;
		}
		bool seen = false;
		for (size_t i = 0; i < ns; i++)
			seen |= strcmp(samples[i], j->body_sha) == 0;
		if (!seen)
			memcpy(samples[ns++], j->body_sha, 65);
		j->new_samples = samples_text(samples, ns);
		goto out;
	}
	/* the owner's domains and everybody else's: a state body's shared
	** service or the organisation's other domain is not a foreign host */
	struct watch_context wctx;
	monitor_owners_context(q->owners, j->site.org_id, &wctx);
	watch_judge(&b, &f, &wctx, &j->v);
	j->judged = true;
	if (strcmp(j->v.severity, "none") != 0 && strcmp(j->v.severity, "low") != 0) {
		j->before = baseline_json(&b);
		j->after = features_json(&f);
	}
	if (strcmp(j->v.severity, "none") != 0 && strcmp(j->v.severity, "low") != 0) {
		/* evidence: the page itself and what its text lost and gained
		** against the newest sample */
		core_blob_write_lazy(q->blob_dir, j->body_sha, body, j->body.len, &e);
		struct pbuf prev;
		if (ns && blob_read(q->blob_dir, samples[ns - 1], &prev) == 0) {
			struct watch_features pf;
			if (watch_extract_ct(prev.ptr ? prev.ptr : "", prev.len, j->site.url,
					     j->ctype[0] ? j->ctype : NULL, &pf, &e) == 0) {
				struct pbuf d;
				pbuf_init(&d, DIFF_MAX);
				if (watch_text_diff(pf.text, pf.text_len, f.text, f.text_len, &d, &e) == 0)
					j->diff = pbuf_take(&d);
				pbuf_free(&d);
			}
			watch_features_free(&pf);
			pbuf_free(&prev);
		}
	} else if (strcmp(j->v.severity, "none") == 0 && j->v.similarity < 0.98) {
		/* The page moved on in an ordinary way (news, banners): it rolls
		** into the samples so the baseline follows the site. */
		bool seen = false;
		for (size_t i = 0; i < ns; i++)
			seen |= strcmp(samples[i], j->body_sha) == 0;
		if (!seen && core_blob_write_lazy(q->blob_dir, j->body_sha, body, j->body.len, &e) == 0) {
			size_t keep = (size_t)cfg->watch_samples;
			if (ns >= keep) {
				memmove(samples, samples + (ns - keep + 1), (keep - 1) * 65);
				ns = keep - 1;
			}
			if (learn(j, q, samples, ns, &f, &e) == 0) {
				memcpy(samples[ns++], j->body_sha, 65);
				j->new_samples = samples_text(samples, ns);
			}
		}
	}
	watch_baseline_free(&b);
out:
	watch_features_free(&f);
}

static void *worker_main(void *arg)
{
	struct queue *q = arg;
	struct job *j;
	while ((j = queue_pop(q)) != NULL) {
		analyse(j, q);
		/* the body is no longer needed: keep memory at the pass in flight */
		pbuf_free(&j->body);
	}
	return NULL;
}

/* ---------------------------------------------------------------- load */

struct loader {
	struct job *jobs;
	size_t n, max;
	/* sites of the batch still in flight (loaded, not yet decided, so the
	** store still calls them due): skipped; sorted ids, borrowed */
	const int64_t *skip;
	size_t nskip;
};

static int id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int load_site(void *ud, const struct store_watch_site *w)
{
	struct loader *l = ud;
	if (l->n >= l->max)
		return 1;
	if (l->nskip && bsearch(&w->id, l->skip, l->nskip, sizeof(*l->skip), id_cmp))
		return 0;
	struct job *j = &l->jobs[l->n];
	memset(j, 0, sizeof(*j));
	j->site = *w;
	j->samples = strdup(w->samples ? w->samples : "[]");
	j->dns_expected = dup_or_null(w->dns_expected);
	j->cert_expected = dup_or_null(w->cert_expected);
	if (w->baseline && w->baseline_len) {
		j->baseline = malloc(w->baseline_len);
		if (j->baseline) {
			memcpy(j->baseline, w->baseline, w->baseline_len);
			j->baseline_len = w->baseline_len;
		}
	}
	j->site.samples = j->samples;
	j->site.baseline = NULL;
	j->site.dns_expected = NULL;
	j->site.cert_expected = NULL;
	pbuf_init(&j->body, 1);
	char host[WATCH_HOST_MAX];
	if (watch_url_host(w->url, strlen(w->url), "", host) == WATCH_URL_HOST && host[0]) {
		PSTRCPY(j->host, host);
		/* an address literal has no DNS to watch */
		j->host_is_ip = strchr(host, ':') || strspn(host, "0123456789.") == strlen(host);
		const char *d = strncmp(host, "www.", 4) == 0 ? host + 4 : host;
		if (pstrlcpy(j->domain, d, sizeof(j->domain)) != 0)
			j->domain[0] = '\0'; /* no DNS watch rather than another name's */
	}
	l->n++;
	return 0;
}

static void job_free(struct job *j)
{
	free(j->samples);
	free(j->baseline);
	free(j->dns_expected);
	free(j->cert_expected);
	if (j->dns_asked)
		dns_result_free(&j->dns);
	json_decref(j->fetch_json);
	json_decref(j->before);
	json_decref(j->after);
	pbuf_free(&j->body);
	free(j->new_baseline);
	free(j->new_samples);
	free(j->diff);
	watch_set_free(&j->new_hosts);
	for (int k = 0; k < 6; k++)
		free(j->hdr[k]);
}

/* ------------------------------------------------------------ resolve */

/* The domain's own records (NS, NS at the parent, MX, CAA) change rarely
** and cost four queries: they are asked on a site's first check and every
** DNS_DOMAIN_EVERY-th after (hourly at the default 5 minutes). A and AAAA,
** which decide where the page comes from, are asked on every check. */
#define DNS_DOMAIN_EVERY 12

static void resolve(const struct config *cfg, struct job *jobs, size_t n)
{
	const char **hosts = calloc(n ? n : 1, sizeof(*hosts));
	const char **domains = calloc(n ? n : 1, sizeof(*domains));
	struct dns_result *r1 = calloc(n ? n : 1, sizeof(*r1));
	struct dns_result *r2 = calloc(n ? n : 1, sizeof(*r2));
	size_t *idx = calloc(n ? n : 1, sizeof(*idx));
	size_t *idx2 = calloc(n ? n : 1, sizeof(*idx2));
	size_t m = 0, m2 = 0;
	if (!hosts || !domains || !r1 || !r2 || !idx || !idx2)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		if (!j->host[0] || j->host_is_ip)
			continue;
		if (!j->dns_expected || j->site.checks % DNS_DOMAIN_EVERY == 0) {
			domains[m2] = j->domain;
			idx2[m2++] = m;
		}
		hosts[m] = j->host;
		idx[m++] = i;
	}
	if (!m)
		goto out;
	struct dns_opts o = { .servers = cfg->watch_dns_servers[0] ? cfg->watch_dns_servers : NULL,
			      .timeout_ms = (int)cfg->watch_dns_timeout,
			      .auth_port = (int)cfg->watch_dns_auth_port };
	struct perr e;
	if (dns_resolve_batch(&o, hosts, m, DNS_BIT(DNS_A) | DNS_BIT(DNS_AAAA), r1, &e) != 0) {
		plog(PLOG_WARN, "watch: DNS: %s", e.msg);
		goto out;
	}
	if (m2 && dns_resolve_batch(&o, domains, m2,
				    DNS_BIT(DNS_NS) | DNS_BIT(DNS_NS_PARENT) | DNS_BIT(DNS_MX) |
					    DNS_BIT(DNS_CAA),
				    r2, &e) != 0) {
		plog(PLOG_WARN, "watch: DNS: %s", e.msg);
		m2 = 0; /* the addresses still count */
	}
	for (size_t k = 0; k < m; k++) {
		struct job *j = &jobs[idx[k]];
		j->dns = r1[k];
		j->dns_asked = true;
		const struct dns_rrset *a = &j->dns.rr[DNS_A], *aaaa = &j->dns.rr[DNS_AAAA];
		const char *pin = a->status == DNS_ST_OK && a->n	   ? a->v[0]
				  : aaaa->status == DNS_ST_OK && aaaa->n ? aaaa->v[0]
									 : NULL;
		if (pin && pstrlcpy(j->pin, pin, sizeof(j->pin)) != 0)
			j->pin[0] = '\0'; /* no pin rather than a cut address */
	}
	for (size_t k2 = 0; k2 < m2; k2++) {
		/* the domain's records join the host's result */
		struct job *j = &jobs[idx[idx2[k2]]];
		for (int t = DNS_NS; t < DNS_NTYPES; t++) {
			j->dns.rr[t] = r2[k2].rr[t];
			memset(&r2[k2].rr[t], 0, sizeof(r2[k2].rr[t]));
		}
		dns_result_free(&r2[k2]);
	}
out:
	free(hosts);
	free(domains);
	free(r1);
	free(r2);
	free(idx);
	free(idx2);
}

/* -------------------------------------------------------------- fetch */

static void fetched(struct fetch_job *fj, struct fetch_result *r, void *ud)
{
	struct job *j = fj->user;
	struct queue *q = ud;
	j->ferr = r->err;
	PSTRCPY(j->ferrmsg, r->errmsg);
	j->status = r->status;
	if (r->final_host)
		pstrtrunc(j->final_host, r->final_host, sizeof(j->final_host)); /* shown */
	j->elapsed_ms = r->elapsed_us / 1000;
	if (r->tls.present && r->tls.have_cert) {
		j->have_cert = true;
		PSTRCPY(j->cert_sha, r->tls.cert.sha256);
		PSTRCPY(j->spki, r->tls.cert.spki_sha256);
		pstrtrunc(j->issuer, r->tls.cert.issuer, sizeof(j->issuer)); /* shown */
		j->cert_not_after = r->tls.cert.not_after_ms;
		j->cert_not_before = r->tls.cert.not_before_ms;
		j->cert_valid = r->tls.cert_valid;
		PSTRCPY(j->verify_reason, r->tls.verify_reason);
	}
	static const enum fetch_hdr_id posture_hdrs[6] = { FETCH_H_STS, FETCH_H_CSP, FETCH_H_XFO,
							   FETCH_H_XCTO, FETCH_H_SERVER,
							   FETCH_H_POWERED_BY };
	for (int k = 0; k < 6; k++)
		j->hdr[k] = r->headers.v[posture_hdrs[k]] ? strdup(r->headers.v[posture_hdrs[k]])
							  : NULL;
	if (r->headers.v[FETCH_H_CONTENT_TYPE])
		/* a hint for the charset: a cut one is read as far as it goes */
		pstrtrunc(j->ctype, r->headers.v[FETCH_H_CONTENT_TYPE], sizeof(j->ctype));
	fetch_result_json(r, &j->fetch_json);
	j->body = r->body;
	memset(&r->body, 0, sizeof(r->body));
	queue_push(q, j);
}

/* ------------------------------------------------------------- decide */

static int add_signal(struct watch_verdict *v, const char *name, int weight, const char *fmt,
		      ...) __attribute__((format(printf, 4, 5)));
static int add_signal(struct watch_verdict *v, const char *name, int weight, const char *fmt,
		      ...)
{
	if (v->nsig >= WATCH_SIGNALS_MAX)
		return 0;
	struct watch_signal *s = &v->sig[v->nsig++];
	pstrtrunc(s->name, name, sizeof(s->name)); /* the program's own names */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->detail, sizeof(s->detail), fmt, ap);
	va_end(ap);
	if (!utf8_valid(s->detail, strlen(s->detail)))
		PSTRCPY(s->detail, "(detail not shown: not UTF-8)");
	s->weight = weight;
	if (weight > v->score)
		v->score = weight;
	return 0;
}

static const char *severity_of(int score)
{
	return score >= 80 ? "critical" : score >= 60 ? "high" : score >= 30 ? "medium"
	       : score > 0 ? "low" : "none";
}

/* The incident kind of the strongest signal. */
static const char *kind_of(const struct watch_verdict *v)
{
	const struct watch_signal *best = NULL;
	for (size_t i = 0; i < v->nsig; i++)
		if (!best || v->sig[i].weight > best->weight)
			best = &v->sig[i];
	if (!best)
		return "defacement";
	/* The page's signals are the watch's to classify; these are the
	** monitor's own (HTTP, DNS, certificate, outage). */
	const char *k = watch_signal_kind(best->name);
	if (k)
		return k;
	static const struct { const char *sig, *kind; } map[] = {
		{ "http_redirect_offsite", "redirect" },  { "dns_hijack", "dns-hijack" },
		{ "certificate_changed", "certificate-change" }, { "status_changed", "outage" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strcmp(best->name, map[i].sig) == 0)
			return map[i].kind;
	return "defacement";
}

/* Is every added address (A/AAAA) or name server (NS) owned by org? The
** first outsider is named in out. */
static bool dns_added_owned(struct store *st, const struct dns_change *c, int64_t org,
			    char *out, size_t outsz)
{
	for (uint32_t i = 0; i < c->nadded; i++) {
		struct lookup_result r;
		struct perr e;
		enum lookup_kind k = (c->type == DNS_A || c->type == DNS_AAAA) ? LOOKUP_IP
									  : LOOKUP_DOMAIN;
		int f = constituency_lookup(st, k, c->added[i], &r, &e);
		if (f != 1 || r.org_id != org) {
			pstrtrunc(out, c->added[i], outsz); /* named in a message */
			return false;
		}
	}
	return true;
}

/* DNS: learn the expected answers, or compare with them. Adds signals to
** v; returns the changes as JSON (NULL when none). */
static json_t *judge_dns(struct store *st, struct job *j, struct watch_verdict *v,
			 struct monitor_stats *stats)
{
	if (!j->dns_asked)
		return NULL;
	json_t *obs = NULL;
	struct perr e;
	if (dns_result_json(&j->dns, &obs, &e) != 0)
		return NULL;
	bool answered = j->dns.rr[DNS_A].status == DNS_ST_OK ||
			j->dns.rr[DNS_AAAA].status == DNS_ST_OK;
	if (!j->dns_expected) {
		if (answered)
			j->dns_expected = json_dumps(obs, JSON_COMPACT | JSON_SORT_KEYS);
		j->expected_changed = true;
		json_decref(obs);
		return NULL;
	}
	struct dns_result exp;
	json_t *ej = json_loads(j->dns_expected, 0, NULL);
	json_t *changes = NULL;
	if (!ej || dns_result_from_json(ej, &exp, &e) != 0) {
		json_decref(ej);
		free(j->dns_expected);
		j->dns_expected = answered ? json_dumps(obs, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		j->expected_changed = true;
		json_decref(obs);
		return NULL;
	}
	json_decref(ej);
	struct dns_diff d;
	if (dns_diff(&exp, &j->dns, &d) > 0) {
		stats->dns_changes++;
		atomic_fetch_add(&m_dns_changes, 1);
		changes = dns_diff_json(&d);
		bool hijack = false;
		for (size_t k = 0; k < d.n; k++) {
			const struct dns_change *c = &d.ch[k];
			if (c->type != DNS_A && c->type != DNS_AAAA && c->type != DNS_NS &&
			    c->type != DNS_NS_PARENT)
				continue;
			char who[DNS_VALUE_MAX];
			if (c->nadded && !dns_added_owned(st, c, j->site.org_id, who, sizeof(who))) {
				add_signal(v, "dns_hijack", 75,
					   "%s of %s now includes %s, which %s does not own",
					   dns_type_name(c->type), j->host, who, j->site.org_name);
				hijack = true;
			}
		}
		/* Inside what the organisation owns, a change is its own business:
		** recorded, and expected from now on, unless an analyst declared
		** the answers. A hijack stays unexpected until it is undone. */
		if (!hijack && !j->site.dns_declared) {
			/* only the types asked this time replace what was expected */
			json_t *merged = json_loads(j->dns_expected, 0, NULL);
			const char *key;
			json_t *val;
			if (merged) {
				json_object_foreach(obs, key, val)
					json_object_set(merged, key, val);
				char *t = json_dumps(merged, JSON_COMPACT | JSON_SORT_KEYS);
				json_decref(merged);
				if (t) {
					free(j->dns_expected);
					j->dns_expected = t;
					j->expected_changed = true;
				}
			}
		}
	}
	dns_result_free(&exp);
	json_decref(obs);
	return changes;
}

/* Certificate: learn it, accept a renewal, flag a replacement. */
static json_t *judge_cert(struct job *j, struct watch_verdict *v, int64_t now,
			  struct monitor_stats *stats)
{
	if (!j->have_cert)
		return NULL;
	json_t *cur = json_pack("{ss ss ss sI sb}", "sha256", j->cert_sha, "spki", j->spki,
				"issuer", j->issuer, "not_after", (json_int_t)j->cert_not_after,
				"valid", j->cert_valid);
	json_t *exp = j->cert_expected ? json_loads(j->cert_expected, 0, NULL) : NULL;
	json_t *change = NULL;
	const char *esha = json_string_value(json_object_get(exp, "sha256"));
	if (exp && esha && strcmp(esha, j->cert_sha) != 0) {
		const char *eissuer = json_string_value(json_object_get(exp, "issuer"));
		const char *espki = json_string_value(json_object_get(exp, "spki"));
		int64_t enot_after = json_integer_value(json_object_get(exp, "not_after"));
		bool same_issuer = eissuer && strcmp(eissuer, j->issuer) == 0;
		bool same_key = espki && strcmp(espki, j->spki) == 0;
		/* Renewal: the same issuer, and either the same key or the old
		** certificate within 30 days of its end (when ACME clients renew,
		** often with a new key). Anything else is a replacement. */
		bool renewal = same_issuer &&
			       (same_key || enot_after - now < 30LL * 86400 * 1000);
		stats->cert_changes++;
		atomic_fetch_add(&m_cert_changes, 1);
		change = json_pack("{sO sO sb}", "before", exp, "after", cur, "renewal", renewal);
		if (!renewal)
			add_signal(v, "certificate_changed", 70,
				   "certificate replaced: %s%s", same_issuer ? "" : "new issuer ",
				   same_key ? "" : "new key");
	}
	if (!exp || !esha || (change && json_is_true(json_object_get(change, "renewal")))) {
		free(j->cert_expected);
		j->cert_expected = json_dumps(cur, JSON_COMPACT | JSON_SORT_KEYS);
		j->expected_changed = true;
	}
	json_decref(exp);
	json_decref(cur);
	return change;
}

/* Tell the incident hub about the site of j: an alert (the strongest
** signal of v names the kind) or, with outage, the site unreachable;
** detail is the evidence. The first report of an incident attaches the
** page. Sets the site's incident and alert kind. */
static int hub_report(struct store *st, const struct config *cfg, const char *blob_dir,
		      struct job *j, const struct watch_verdict *v, json_t *detail, bool outage,
		      struct monitor_stats *stats, struct perr *err)
{
	char key[64], summary[3000], title[700];
	snprintf(key, sizeof(key), "site:%lld", (long long)j->site.id);
	const char *kind = outage ? "outage" : kind_of(v);
	const struct watch_signal *best = NULL;
	for (size_t i = 0; i < v->nsig; i++)
		if (!best || v->sig[i].weight > best->weight)
			best = &v->sig[i];
	if (outage)
		snprintf(summary, sizeof(summary), "%.2047s is unreachable: %.256s", j->site.url,
			 j->ferrmsg[0] ? j->ferrmsg : "error status");
	else
		snprintf(summary, sizeof(summary), "%.2047s: %.256s", j->site.url,
			 best ? best->detail : "page changed");
	snprintf(title, sizeof(title), "%.32s: %.255s", kind, j->host[0] ? j->host : j->site.url);
	char *ev = json_dumps(detail, JSON_COMPACT);
	struct incident_report_spec spec = {
		.org_id = j->site.org_id, .kind = kind, .key = key,
		.severity = outage ? "medium" : v->severity, .summary = summary,
		.evidence = ev, .title = title, .source = "monitor",
	};
	struct incident_report_result res;
	int rc = incident_report(st, cfg, NULL, ACTOR, &spec, &res, err);
	free(ev);
	if (rc != 0)
		return -1;
	stats->incidents++;
	atomic_fetch_add(&m_incidents, 1);
	if (res.created && !outage && j->body_sha[0]) {
		/* the page as served, for both sides to see (a download, never
		** rendered; its hash is in every observation) */
		struct pbuf body;
		if (blob_read(blob_dir, j->body_sha, &body) == 0) {
			struct store_evidence se;
			struct perr e2;
			if (incident_evidence_add(st, cfg, NULL, ACTOR, blob_dir, res.id, "page.html",
						  body.ptr ? body.ptr : "", body.len, "shared", &se,
						  &e2) != 0)
				plog(PLOG_WARN, "watch: site %lld: evidence not stored: %s",
				     (long long)j->site.id, e2.msg);
			pbuf_free(&body);
		}
	}
	j->site.incident_id = res.id;
	pstrtrunc(j->site.alert_kind, kind, sizeof(j->site.alert_kind)); /* our own kinds */
	return 0;
}

static int64_t next_due(const struct store_watch_site *w, int64_t now)
{
	int64_t iv = w->interval_s * 1000;
	/* checked before it was due (a forced pass): a whole interval from now */
	if (w->next_due_ms > now)
		return now + iv;
	int64_t n = w->next_due_ms + iv;
	/* keep the phase while on time */
	if (n > now)
		return n;
	/* After a stall (a restart after downtime, an overloaded pass) every
	** late site is checked now, once, rather than in a burst of catch-ups;
	** their next checks are spread over the interval again, not left
	** bunched at the same instant for ever. */
	uint64_t x = (uint64_t)w->id * 0x9e3779b97f4a7c15ull ^ (uint64_t)now;
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	return now + iv / 2 + (int64_t)(x % (uint64_t)iv);
}

/* The check row, the site's state and what the hub is told, in three
** steps: evidence (what this check showed), monitor_transition (state.c:
** where the site goes, pure) and report (what is written, which incident
** call is made). */

struct check {
	struct store_watch_check row; /* the check's row, but for its detail */
	json_t *detail;               /* the row's detail, and the incident's evidence */
	struct watch_verdict v;       /* page verdict with DNS, certificate and HTTP signals */
	bool fetch_failed;
	const char *error;            /* the check's error line, or NULL */
	struct monitor_evidence ev;
};

static void set_state(struct store_watch_site *w, enum monitor_state s)
{
	/* the names of monitor_state_names fit the column (8 bytes at most) */
	pstrtrunc(w->state, monitor_state_name(s), sizeof(w->state));
}

/* Evidence: what the check of j at now showed, into *c (c->detail is the
** caller's to release). Judges the DNS answers and the certificate against
** what the site is expected to give (learning them when new, j's expected
** answers may change) and counts those changes in stats. Writes nothing. */
static void evidence(struct store *st, struct job *j, int64_t now, struct monitor_stats *stats,
		     struct check *c)
{
	const struct store_watch_site *w = &j->site;
	memset(c, 0, sizeof(*c));
	c->row.site_id = w->id;
	c->row.ts_ms = now;
	c->row.http_status = j->status;
	c->row.duration_ms = j->elapsed_ms;
	PSTRCPY(c->row.body_sha256, j->body_sha);
	json_t *detail = c->detail = json_object();
	json_object_set_new(detail, "url", json_string(w->url));
	if (j->fetch_json)
		json_object_set(detail, "fetch", j->fetch_json);
	if (j->dns_asked) {
		json_t *dj = NULL;
		struct perr e;
		if (dns_result_json(&j->dns, &dj, &e) == 0)
			json_object_set_new(detail, "dns", dj);
	}
	if (w->missed_ms) {
		/* this check ran more than one interval late: say so on the check */
		json_object_set_new(detail, "missed", json_true());
		json_object_set_new(detail, "late_s", json_integer((now - w->next_due_ms) / 1000));
	}
	struct watch_verdict *v = &c->v;
	if (j->judged)
		*v = j->v;
	else
		memset(v, 0, sizeof(*v)), v->severity = "none";
	c->fetch_failed = (j->ferr != FETCH_OK && j->ferr != FETCH_E_CUT) || j->status >= 500;
	json_t *dns_changes = judge_dns(st, j, v, stats);
	json_t *cert_change = c->fetch_failed ? NULL : judge_cert(j, v, now, stats);
	if (dns_changes)
		json_object_set_new(detail, "dns_changes", dns_changes);
	if (cert_change)
		json_object_set_new(detail, "certificate_change", cert_change);
	struct monitor_facts f = { .fetch_failed = c->fetch_failed };
	for (size_t i = 0; i < v->nsig; i++)
		f.dns_hijack |= strcmp(v->sig[i].name, "dns_hijack") == 0;
	f.page = j->werr[0] || (!j->judged && !j->new_baseline) ? MONITOR_PAGE_UNREAD
		 : !j->judged                                   ? MONITOR_PAGE_LEARNED
								: MONITOR_PAGE_JUDGED;
	bool judged = !c->fetch_failed && f.page == MONITOR_PAGE_JUDGED;
	if (judged) {
		/* HTTP-level signals the page analysis cannot see */
		if (j->final_host[0] && j->host[0] && !watch_same_site(j->final_host, j->host))
			add_signal(v, "http_redirect_offsite", 70, "redirects to %s", j->final_host);
		if (j->status >= 400)
			add_signal(v, "status_changed", 35, "answers HTTP %ld", j->status);
	}
	f.score = v->score;
	c->ev = monitor_evidence_of(&f, w->fail_streak, w->ok_streak);
	if (judged || (c->fetch_failed && f.dns_hijack)) {
		/* a verdict was reached (of a page, or of the DNS alone) */
		v->severity = severity_of(v->score);
		json_t *vj = watch_verdict_json(v);
		if (vj)
			json_object_set_new(detail, "verdict", vj);
		c->row.score = v->score;
	}
	if (judged && c->ev.outcome == MONITOR_CHECK_ALERT) {
		if (j->before)
			json_object_set(detail, "before", j->before);
		if (j->after)
			json_object_set(detail, "after", j->after);
		if (j->diff)
			json_object_set_new(detail, "text_diff", json_string(j->diff));
		json_object_set_new(detail, "body_sha256", json_string(j->body_sha));
	}
	if (c->fetch_failed)
		c->error = j->ferrmsg[0] ? j->ferrmsg : NULL;
	else if (f.page == MONITOR_PAGE_UNREAD)
		c->error = j->werr[0] ? j->werr : "not analysed";
	/* An outage's error is in its incident's summary, not in the evidence
	** the hub is given: report adds the line after the incident call. */
	if (c->error && c->ev.outcome != MONITOR_CHECK_DOWN)
		json_object_set_new(detail, "error", json_string(c->error));
	/* outcome and severity names are short constants that fit */
	pstrtrunc(c->row.outcome, monitor_outcome_name(c->ev.outcome), sizeof(c->row.outcome));
	pstrtrunc(c->row.severity, severity_of(v->score), sizeof(c->row.severity));
}

/* The pass's and the process's counters for one check of j. */
static void count_check(struct monitor_stats *stats, const struct job *j, enum monitor_outcome o)
{
	stats->checked++;
	atomic_fetch_add(&m_checks, 1);
	int64_t nbytes = j->fetch_json ? json_integer_value(json_object_get(j->fetch_json,
									    "body_bytes"))
				       : 0;
	stats->bytes += nbytes;
	atomic_fetch_add(&m_bytes, nbytes);
	switch (o) {
	case MONITOR_CHECK_OK:
		stats->ok++;
		break;
	case MONITOR_CHECK_CHANGED:
		stats->changed++;
		break;
	case MONITOR_CHECK_LEARNING:
		stats->learning++;
		break;
	case MONITOR_CHECK_ALERT:
		stats->alerts++;
		atomic_fetch_add(&m_alerts, 1);
		break;
	case MONITOR_CHECK_DOWN:
		stats->down++;
		atomic_fetch_add(&m_down, 1);
		break;
	case MONITOR_CHECK_ERROR:
	case MONITOR_NOUTCOMES:
		stats->errors++;
		break;
	}
}

/* Report: write the check c of j and the site after step (its state,
** counters, schedule, baseline and expected answers), and make the
** incident call the step asks for. Adds to stats. */
static int report(struct store *st, const struct config *cfg, const char *blob_dir,
		  struct job *j, struct check *c, struct monitor_step step, int64_t now,
		  struct monitor_stats *stats, struct perr *err)
{
	struct store_watch_site *w = &j->site;
	w->checks++;
	w->last_check_ms = now;
	w->missed_ms = 0;
	w->updated_ms = now;
	w->fail_streak = c->ev.fail_streak;
	w->ok_streak = c->ev.ok_streak;
	count_check(stats, j, c->ev.outcome);
	if (c->ev.outcome == MONITOR_CHECK_ERROR && c->fetch_failed)
		/* confirm before calling it an outage */
		w->next_due_ms = now + (w->interval_s * 1000 < RETRY_MS ? w->interval_s * 1000
									 : RETRY_MS);
	else
		w->next_due_ms = next_due(w, now);
	/* the page judged clean, or learned from (by definition one the site
	** is known to serve): the next identical one needs no parsing */
	if (c->ev.outcome == MONITOR_CHECK_OK || c->ev.outcome == MONITOR_CHECK_CHANGED ||
	    (c->ev.outcome == MONITOR_CHECK_LEARNING && j->body_sha[0]))
		PSTRCPY(w->last_good, j->body_sha);
	set_state(w, step.next);
	int rc = -1;
	char *dtext = NULL;
	switch (step.call) {
	case MONITOR_CALL_NONE:
		break;
	case MONITOR_CALL_ALERT:
	case MONITOR_CALL_OUTAGE:
		if (hub_report(st, cfg, blob_dir, j, &c->v, c->detail,
			       step.call == MONITOR_CALL_OUTAGE, stats, err) != 0)
			goto out;
		break;
	case MONITOR_CALL_RECOVER:
		if (w->incident_id) {
			bool moved;
			if (incident_detector_recovered(st, cfg, ACTOR, w->incident_id, &moved, err) != 0)
				goto out;
			if (moved) {
				stats->recovered++;
				atomic_fetch_add(&m_recovered, 1);
			}
		}
		w->incident_id = 0;
		w->alert_kind[0] = '\0';
		break;
	}
	if (c->error && c->ev.outcome == MONITOR_CHECK_DOWN)
		json_object_set_new(c->detail, "error", json_string(c->error)); /* see evidence */
	if (j->new_baseline) {
		w->baseline = j->new_baseline;
		w->baseline_len = j->new_baseline_len;
	} else {
		w->baseline = j->baseline;
		w->baseline_len = j->baseline_len;
	}
	if (j->new_samples)
		w->samples = j->new_samples;
	w->dns_expected = j->dns_expected;
	w->cert_expected = j->cert_expected;
	dtext = json_dumps(c->detail, JSON_COMPACT);
	c->row.detail = dtext;
	/* the packed baseline, samples and expected answers are rewritten only
	** when they changed: most checks touch a few integers of the row */
	bool heavy = j->new_baseline || j->new_samples || j->expected_changed;
	if (store_watch_check_insert(st, &c->row, err) != 0 ||
	    store_watch_save(st, w, heavy, err) != 0)
		goto out;
	/* a host the page newly loads from that the registry lists is a
	** sighting of it (once per site: the registry keeps count) */
	if (j->new_hosts.n &&
	    indicator_sight_hosts(st, w->id, w->org_id, (const char *const *)j->new_hosts.v,
				  j->new_hosts.n, now, NULL, err) != 0)
		goto out;
	rc = 0;
out:
	free(dtext);
	return rc;
}

/* One site's check, from its job to its rows: 0, or -1 with err (the
** caller undoes the site's writes). */
static int decide(struct store *st, const struct config *cfg, const char *blob_dir,
		  struct job *j, int64_t now, struct monitor_stats *stats, struct perr *err)
{
	enum monitor_state cur;
	if (monitor_state_parse(j->site.state, &cur) != 0)
		return perr_set(err, PERR_INTERNAL, NULL, "unknown site state \"%.16s\"",
				j->site.state);
	struct check c;
	evidence(st, j, now, stats, &c);
	struct monitor_step step = monitor_transition(cur, &c.ev, cfg->watch_recover_after);
	int rc = report(st, cfg, blob_dir, j, &c, step, now, stats, err);
	json_decref(c.detail);
	return rc;
}

/* ---------------------------------------------------------------- posture */

#define POSTURE_PER_BATCH 200 /* sites graded per batch: the probes cost handshakes */

/* scheme://host[:port] of url into out; -1 when it has none. */
static int origin_of(const char *url, char *out, size_t n)
{
	const char *p = strstr(url, "://");
	if (!p)
		return -1;
	const char *e = strchr(p + 3, '/');
	size_t len = e ? (size_t)(e - url) : strlen(url);
	if (len + 1 > n)
		return -1;
	memcpy(out, url, len);
	out[len] = '\0';
	return 0;
}

struct stxt {
	struct pbuf body;
	char ctype[128];
	bool ok;
};

static void stxt_done(struct fetch_job *fj, struct fetch_result *r, void *ud)
{
	(void)ud;
	struct stxt *t = fj->user;
	if ((r->err == FETCH_OK || r->err == FETCH_E_CUT) && r->status == 200) {
		t->ok = true;
		t->body = r->body;
		memset(&r->body, 0, sizeof(r->body));
		if (r->headers.v[FETCH_H_CONTENT_TYPE])
			pstrtrunc(t->ctype, r->headers.v[FETCH_H_CONTENT_TYPE], sizeof(t->ctype)); /* a hint */
	}
}

/* Grade the security posture of the batch's sites whose last grade is older
** than watch.posture_every: TLS versions offered (one handshake per
** version), the certificate and headers of this check, security.txt. One
** row per site in watch_posture; errors are logged, never fatal. */
static void grade_posture(struct store *st, const struct config *cfg, struct job *jobs, size_t n,
			  int64_t now)
{
	size_t *pick = calloc(POSTURE_PER_BATCH, sizeof(*pick));
	struct fetch_job *fj = calloc(POSTURE_PER_BATCH, sizeof(*fj));
	struct stxt *tx = calloc(POSTURE_PER_BATCH, sizeof(*tx));
	char (*urls)[2100] = calloc(POSTURE_PER_BATCH, sizeof(*urls));
	size_t m = 0;
	if (!pick || !fj || !tx || !urls)
		goto out;
	for (size_t i = 0; i < n && m < POSTURE_PER_BATCH; i++) {
		struct job *j = &jobs[i];
		if (j->site.posture_ms && now - j->site.posture_ms < cfg->watch_posture_every * 1000)
			continue;
		if ((j->ferr != FETCH_OK && j->ferr != FETCH_E_CUT) || j->status >= 400)
			continue;
		char origin[2048];
		if (origin_of(j->site.url, origin, sizeof(origin)) != 0)
			continue;
		snprintf(urls[m], sizeof(urls[m]), "%s/.well-known/security.txt", origin);
		fj[m].url = urls[m];
		fj[m].pin_ip = j->pin[0] ? j->pin : NULL;
		fj[m].user = &tx[m];
		pbuf_init(&tx[m].body, 1);
		pick[m++] = i;
	}
	if (!m)
		goto out;
	struct fetch_opts fo;
	fetch_opts_default(&fo);
	fo.max_parallel = (int)cfg->watch_parallel;
	fo.connect_timeout_ms = (int)cfg->watch_connect_timeout * 1000;
	fo.total_timeout_ms = (int)cfg->watch_timeout * 1000;
	fo.body_max = 65536;
	fo.max_redirects = 3;
	fo.ca_file = cfg->watch_ca_file[0] ? cfg->watch_ca_file : NULL;
	struct perr e;
	if (fetch_run(&fo, fj, m, stxt_done, NULL, &e) != 0) {
		plog(PLOG_WARN, "watch: posture: %s", e.msg);
		goto out;
	}
	struct perr te;
	if (store_begin(st, &te) != 0) {
		plog(PLOG_WARN, "watch: posture: %s", te.msg);
		goto out;
	}
	for (size_t k = 0; k < m; k++) {
		struct job *j = &jobs[pick[k]];
		bool https = strncmp(j->site.url, "https://", 8) == 0;
		char probe[2200];
		if (https)
			PSTRCPY(probe, j->site.url);
		else
			snprintf(probe, sizeof(probe), "https://%s/", j->host);
		unsigned mask = 0;
		fo.total_timeout_ms = (int)cfg->watch_connect_timeout * 1000;
		bool tls_ok = fetch_tls_versions(&fo, probe, j->pin[0] ? j->pin : NULL, &mask, &e) == 0;
		struct posture_input in = {
			.https_missing = !https && (!tls_ok || !mask),
			.tls_versions = mask,
			.cert_not_after_ms = https ? j->cert_not_after : 0,
			.cert_not_before_ms = https ? j->cert_not_before : 0,
			.cert_chain_valid = https && j->cert_valid,
			.cert_chain_error = j->verify_reason[0] ? j->verify_reason : NULL,
			.cert_hostname_ok = https && j->cert_valid,
			.http = https ? POSTURE_HTTP_UNKNOWN : POSTURE_HTTP_PLAIN,
			.hsts = j->hdr[0], .csp = j->hdr[1], .xfo = j->hdr[2], .xcto = j->hdr[3],
			.server = j->hdr[4], .powered_by = j->hdr[5],
			.securitytxt = tx[k].ok ? (tx[k].body.ptr ? tx[k].body.ptr : "") : NULL,
			.securitytxt_len = tx[k].ok ? tx[k].body.len : 0,
			.securitytxt_type = tx[k].ctype[0] ? tx[k].ctype : NULL,
			.now_ms = now,
		};
		/* A plain-http site that also speaks HTTPS is graded on what its
		** http:// URL serves; the redirect check needs a second fetch we
		** do not make, so say "plain" only when HTTPS is absent. */
		if (!https && !in.https_missing)
			in.http = POSTURE_HTTP_UNKNOWN;
		struct posture_result *res = calloc(1, sizeof(*res));
		if (!res)
			continue;
		if (posture_judge(&in, res, &e) == 0) {
			json_t *pj = posture_result_json(res);
			char *pt = pj ? json_dumps(pj, JSON_COMPACT) : NULL;
			if (pt && store_watch_posture_insert(st, j->site.id, now,
							     posture_grade_name(res->grade), res->score,
							     pt, &te) != 0)
				plog(PLOG_WARN, "watch: posture of site %lld: %s",
				     (long long)j->site.id, te.msg);
			free(pt);
			json_decref(pj);
		}
		free(res);
	}
	if (store_commit(st, &te) != 0) {
		store_rollback(st);
		plog(PLOG_WARN, "watch: posture: %s", te.msg);
	}
out:
	for (size_t k = 0; tx && k < m; k++)
		pbuf_free(&tx[k].body);
	free(pick);
	free(fj);
	free(tx);
	free(urls);
}

/* ------------------------------------------------------------------- pass */

static int flag_missed(void *ud, const struct store_watch_site *w)
{
	struct store_watch_site **list = ud;
	/* collected, saved after the walk (no writes while the statement runs) */
	for (int i = 0; i < 256; i++)
		if (!list[i]) {
			list[i] = malloc(sizeof(*w));
			if (list[i]) {
				*list[i] = *w;
				list[i]->samples = NULL;
				list[i]->baseline = NULL;
				list[i]->dns_expected = NULL;
				list[i]->cert_expected = NULL;
			}
			return 0;
		}
	return 1;
}

/* Sites more than one interval late are flagged once (missed_ms) until
** checked again. A flag is an update of that column alone. */
static int note_missed(struct store *st, int64_t now, struct monitor_stats *stats,
		       struct perr *err)
{
	struct store_watch_site *list[256] = { 0 };
	int rc = store_watch_missed(st, now, 256, flag_missed, list, err);
	if (rc < 0)
		goto out;
	rc = 0;
	for (int i = 0; i < 256 && list[i]; i++) {
		plog(PLOG_WARN, "watch: missed check: site %lld (%s) was due %lld s ago",
		     (long long)list[i]->id, list[i]->url,
		     (long long)((now - list[i]->next_due_ms) / 1000));
		stats->missed++;
		atomic_fetch_add(&m_missed, 1);
		if (store_watch_mark_missed(st, list[i]->id, now, err) != 0) {
			rc = -1;
			break;
		}
	}
out:
	for (int i = 0; i < 256; i++)
		free(list[i]);
	return rc;
}

/* The batches of a pass run as a pipeline of two, so that no stage waits
** for another to finish a whole batch (issue 12: resolving, fetching and
** deciding ran one after the other, each leaving the other cores idle):
**
**   caller thread   load N+1 .... decide N (one transaction), posture N
**   batch N+1       resolve N+1 (while N fetches), its turn, fetch N+1
**   batch N         fetch N, analysed on the workers as pages arrive
**
** The caller thread keeps the store to itself (load, decide, posture) and
** decides the batches in the order it loaded them, each in a transaction
** of its own, so what is stored is what the serial loop stored. A batch's
** network stage runs on a thread of its own: it resolves at once,
** overlapping the fetch of the batch before, and fetches when that fetch
** is over (one fetch loop at a time: the watch.parallel cap holds for the
** pass), while the workers of the batch before finish its last pages. At
** most two batches are loaded at once, each of half of watch.batch, so the
** jobs in memory stay within watch.batch as before. */

struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t turn; /* the batch whose turn it is to fetch */
};

struct batch {
	const struct config *cfg;
	const char *blob_dir;
	const struct monitor_owners *owners; /* whose domains: for the judge */
	struct pipe *pipe;
	uint64_t seq; /* its place in the pass: fetch turns go in this order */
	struct loader l;
	struct fetch_job *fj;
	pthread_t th;
	bool threaded;
	int rc; /* of the network stage; err says why */
	struct perr err;
};

static void pipe_wait_turn(struct pipe *p, uint64_t seq)
{
	pthread_mutex_lock(&p->mu);
	while (p->turn != seq)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

static void pipe_pass_turn(struct pipe *p)
{
	pthread_mutex_lock(&p->mu);
	p->turn++;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* The network stage of a batch: resolve, wait for its turn, fetch while
** the workers analyse the pages, pass the turn on as soon as the fetch is
** over (also on failure: the batches after must not wait forever), then
** let the workers finish. Returns 0, or -1 with err set. */
static int batch_fetch(struct batch *b, struct perr *err)
{
	const struct config *cfg = b->cfg;
	struct queue q = { .cfg = cfg, .blob_dir = b->blob_dir, .owners = b->owners,
			   .v = calloc(b->l.n ? b->l.n : 1, sizeof(struct job *)), .cap = b->l.n };
	pthread_t th[64];
	int nth = 0, rc = -1;
	resolve(cfg, b->l.jobs, b->l.n);
	for (size_t i = 0; i < b->l.n; i++) {
		b->fj[i].url = b->l.jobs[i].site.url;
		b->fj[i].pin_ip = b->l.jobs[i].pin[0] ? b->l.jobs[i].pin : NULL;
		b->fj[i].user = &b->l.jobs[i];
	}
	pipe_wait_turn(b->pipe, b->seq);
	if (!q.v) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		pipe_pass_turn(b->pipe);
		return -1;
	}
	pthread_mutex_init(&q.mu, NULL);
	pthread_cond_init(&q.cv, NULL);
	/* Four per core by default: the analysis waits on the disk as much as
	** it computes. Every page learned from or rolled into the samples is a
	** blob written (made durable once per batch, in batch_decide), and
	** learning reads the site's older samples back; with one thread per
	** core the cores sat idle through those waits (issue 12: the learning
	** pass's analysis took 8 s for 3 s of CPU, behind a fetch that was
	** over in 2, when each blob was fsync'ed on its own). */
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int want = cfg->watch_workers ? (int)cfg->watch_workers : (int)(4 * (cores > 0 ? cores : 1));
	if (want > 64)
		want = 64;
	for (nth = 0; nth < want; nth++)
		if (pthread_create(&th[nth], NULL, worker_main, &q) != 0)
			break;
	if (!nth) {
		perr_set(err, PERR_INTERNAL, NULL, "cannot start analysis threads");
		pipe_pass_turn(b->pipe);
		goto out;
	}
	struct fetch_opts fo;
	fetch_opts_default(&fo);
	fo.max_parallel = (int)cfg->watch_parallel;
	fo.connect_timeout_ms = (int)cfg->watch_connect_timeout * 1000;
	fo.total_timeout_ms = (int)cfg->watch_timeout * 1000;
	fo.body_max = (size_t)cfg->watch_body_max;
	fo.max_redirects = cfg->watch_max_redirects ? (int)cfg->watch_max_redirects : -1;
	fo.ca_file = cfg->watch_ca_file[0] ? cfg->watch_ca_file : NULL;
	rc = fetch_run(&fo, b->fj, b->l.n, fetched, &q, err) == 0 ? 0 : -1;
	pipe_pass_turn(b->pipe);
	pthread_mutex_lock(&q.mu);
	q.closed = true;
	pthread_cond_broadcast(&q.cv);
	pthread_mutex_unlock(&q.mu);
	for (int i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
out:
	pthread_mutex_destroy(&q.mu);
	pthread_cond_destroy(&q.cv);
	free(q.v);
	return rc;
}

static void *batch_main(void *arg)
{
	struct batch *b = arg;
	b->rc = batch_fetch(b, &b->err);
	return NULL;
}

static void batch_free(struct batch *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->l.n; i++)
		job_free(&b->l.jobs[i]);
	free(b->l.jobs);
	free(b->fj);
	free(b);
}

/* Load the next batch of at most max due sites, leaving out those of
** inflight (loaded, not yet decided; NULL for none). Returns the batch (it
** may hold no site), or NULL with err set; the caller frees it with
** batch_free(). */
static struct batch *batch_load(struct store *st, const struct config *cfg, const char *blob_dir,
				const struct monitor_owners *owners, struct pipe *p, uint64_t seq,
				size_t max, int64_t now, bool all, const struct batch *inflight,
				struct perr *err)
{
	struct batch *b = calloc(1, sizeof(*b));
	int64_t *skip = NULL;
	size_t nskip = inflight ? inflight->l.n : 0;
	bool ok = false;
	if (!b || !(b->l.jobs = calloc(max, sizeof(struct job))) ||
	    !(b->fj = calloc(max, sizeof(*b->fj))) ||
	    (nskip && !(skip = malloc(nskip * sizeof(*skip))))) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	b->cfg = cfg;
	b->blob_dir = blob_dir;
	b->owners = owners;
	b->pipe = p;
	b->seq = seq;
	b->l.max = max;
	for (size_t i = 0; i < nskip; i++)
		skip[i] = inflight->l.jobs[i].site.id;
	if (nskip)
		qsort(skip, nskip, sizeof(*skip), id_cmp);
	b->l.skip = skip;
	b->l.nskip = nskip;
	ok = store_watch_due(st, all ? INT64_MAX : now, now, (int64_t)(max + nskip), load_site,
			     &b->l, err) >= 0;
	b->l.skip = NULL;
	b->l.nskip = 0;
out:
	free(skip);
	if (!ok) {
		batch_free(b);
		b = NULL;
	}
	return b;
}

/* Start the network stage of b on a thread of its own, or, when no thread
** can be had, run it here (the pass goes on, without the overlap). */
static void batch_start(struct batch *b)
{
	b->threaded = pthread_create(&b->th, NULL, batch_main, b) == 0;
	if (!b->threaded)
		batch_main(b);
}

static void batch_join(struct batch *b)
{
	if (b && b->threaded) {
		pthread_join(b->th, NULL);
		b->threaded = false;
	}
}

/* Decide a fetched and analysed batch: one transaction; each site in a
** savepoint, so a site that fails is logged and undone alone (it stays due
** and is tried again next pass) without deciding the others twice. Then
** the posture of the sites whose grade is due. Returns 0, or -1 with err
** set (the transaction rolled back). */
static int batch_decide(struct store *st, const struct config *cfg, const char *blob_dir,
			struct batch *b, int64_t now, struct monitor_stats *stats, struct perr *err)
{
	/* The workers wrote the batch's pages without waiting for the disk;
	** they are made durable here, once, before any row names them. */
	if (core_blob_sync(blob_dir, err) != 0)
		return -1;
	if (store_begin(st, err) != 0)
		return -1;
	for (size_t i = 0; i < b->l.n; i++) {
		struct perr e;
		perr_clear(&e);
		if (store_savepoint(st, err) != 0) {
			store_rollback(st);
			return -1;
		}
		bool ok = decide(st, cfg, blob_dir, &b->l.jobs[i], now, stats, &e) == 0;
		if (!ok)
			plog(PLOG_ERROR, "watch: site %lld: %s", (long long)b->l.jobs[i].site.id, e.msg);
		store_savepoint_end(st, ok);
	}
	if (store_commit(st, err) != 0) {
		store_rollback(st);
		return -1;
	}
	grade_posture(st, cfg, b->l.jobs, b->l.n, now);
	return 0;
}

int monitor_pass(struct store *st, const struct config *cfg, const char *blob_dir,
		 int64_t now_ms, bool all, struct monitor_stats *stats, struct perr *err)
{
	atomic_fetch_add(&m_passes, 1);
	if (store_begin(st, err) != 0)
		return -1;
	if (note_missed(st, now_ms, stats, err) != 0) {
		store_rollback(st);
		return -1;
	}
	if (store_commit(st, err) != 0)
		return -1;
	/* Batches until nothing is due: each decided batch marks its sites
	** checked at now_ms, which later loads leave out (the one batch loaded
	** and not yet decided is left out by its ids), so this ends. */
	/* every organisation's domains, once for the whole pass (not per site) */
	struct monitor_owners *owners = NULL;
	if (monitor_owners_load(st, &owners, err) != 0)
		return -1;
	size_t half = cfg->watch_batch > 1 ? ((size_t)cfg->watch_batch + 1) / 2 : 1;
	struct pipe p = { .turn = 0 };
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	uint64_t seq = 0;
	int rc = 0;
	struct batch *cur = batch_load(st, cfg, blob_dir, owners, &p, seq++, half, now_ms, all, NULL, err);
	if (!cur)
		rc = -1;
	else if (cur->l.n)
		batch_start(cur);
	while (rc == 0 && cur && cur->l.n) {
		struct batch *next = NULL;
		if (cur->l.n == half) {
			next = batch_load(st, cfg, blob_dir, owners, &p, seq++, half, now_ms, all, cur, err);
			if (!next)
				rc = -1;
			else if (next->l.n)
				batch_start(next);
		}
		batch_join(cur);
		if (rc == 0 && cur->rc != 0) {
			*err = cur->err;
			rc = -1;
		}
		if (rc == 0 && batch_decide(st, cfg, blob_dir, cur, now_ms, stats, err) != 0)
			rc = -1;
		batch_free(cur);
		cur = next;
	}
	batch_join(cur); /* after a failure: its fetch is not decided */
	batch_free(cur);
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.cv);
	monitor_owners_free(owners);
	return rc;
}

/* ------------------------------------------------------------ accepting */

struct latest {
	char sha[72];
};

static int take_latest(void *ud, const struct store_watch_check *c)
{
	struct latest *l = ud;
	if (!l->sha[0] && c->body_sha256[0])
		PSTRCPY(l->sha, c->body_sha256);
	return 0;
}

struct site_copy {
	struct store_watch_site w;
	char *dns_expected, *cert_expected;
};

static int copy_site(void *ud, const struct store_watch_site *w)
{
	struct site_copy *s = ud;
	s->w = *w;
	s->dns_expected = dup_or_null(w->dns_expected);
	s->cert_expected = dup_or_null(w->cert_expected);
	s->w.samples = NULL;
	s->w.baseline = NULL;
	return 0;
}

int monitor_accept_baseline(struct store *st, const struct config *cfg, const char *blob_dir,
			    const struct principal *p, const char *actor, int64_t site_id,
			    struct perr *err)
{
	if (p && !identity_is_analyst(p))
		return perr_set(err, PERR_FORBIDDEN, NULL,
				"only analysts and admins can accept a baseline");
	struct site_copy s = { 0 };
	struct latest l = { "" };
	struct pbuf body = { 0 };
	struct watch_features f;
	struct watch_baseline b;
	unsigned char *packed = NULL;
	size_t plen = 0;
	char *samples = NULL;
	int rc = -1;
	memset(&f, 0, sizeof(f));
	memset(&b, 0, sizeof(b));
	if (store_watch_get(st, site_id, copy_site, &s, err) != 0)
		goto out;
	if (p) {
		struct target t = { s.w.org_id, s.w.province, false, 0, 0 };
		if (identity_allow_object(p, &t, err) != 0) {
			perr_set(err, PERR_NOTFOUND, NULL, "site not found");
			goto out;
		}
	}
	/* the newest of the last 50 checks that fetched a page */
	if (store_watch_checks(st, site_id, 0, 50, take_latest, &l, err) != 0)
		goto out;
	if (!l.sha[0]) {
		perr_set(err, PERR_CONFLICT, NULL, "no page fetched from this site yet");
		goto out;
	}
	if (blob_read(blob_dir, l.sha, &body) != 0) {
		perr_set(err, PERR_CONFLICT, NULL,
			 "the latest page is not stored; wait for the next check and try again");
		goto out;
	}
	if (watch_extract(body.ptr ? body.ptr : "", body.len, s.w.url, &f, err) != 0 ||
	    watch_learn(&f, 1, &b, err) != 0 || watch_baseline_pack(&b, &packed, &plen, err) != 0)
		goto out;
	char one[1][65];
	memcpy(one[0], l.sha, 65);
	samples = samples_text(one, 1);
	if (s.w.incident_id) {
		bool moved;
		if (incident_detector_recovered(st, cfg, actor, s.w.incident_id, &moved, err) != 0)
			goto out;
	}
	s.w.baseline = packed;
	s.w.baseline_len = plen;
	s.w.samples = samples;
	s.w.dns_expected = s.dns_expected;
	s.w.cert_expected = s.cert_expected;
	set_state(&s.w, MONITOR_OK);
	s.w.incident_id = 0;
	s.w.alert_kind[0] = '\0';
	s.w.ok_streak = 0;
	PSTRCPY(s.w.last_good, l.sha);
	s.w.updated_ms = core_now_ms();
	rc = store_watch_save(st, &s.w, true, err);
out:
	free(s.dns_expected);
	free(s.cert_expected);
	pbuf_free(&body);
	watch_features_free(&f);
	watch_baseline_free(&b);
	free(packed);
	free(samples);
	return rc;
}

/* ----------------------------------------------------------------- thread */

struct monitor {
	pthread_t th;
	atomic_bool stop;
	struct config cfg;
	struct store *st;
	char blob_dir[1100];
};

static void *monitor_main(void *arg)
{
	struct monitor *m = arg;
	while (!atomic_load(&m->stop)) {
		struct monitor_stats s = { 0 };
		struct perr e;
		perr_clear(&e);
		if (monitor_pass(m->st, &m->cfg, m->blob_dir, core_now_ms(), false, &s, &e) != 0)
			plog(PLOG_ERROR, "watch: pass failed: %s", e.msg);
		else if (s.checked)
			plog(PLOG_INFO, "watch: checked %lld sites: %lld ok, %lld changed, %lld alerts, "
					"%lld down, %lld errors, %lld learning",
			     (long long)s.checked, (long long)s.ok, (long long)s.changed,
			     (long long)s.alerts, (long long)s.down, (long long)s.errors,
			     (long long)s.learning);
		for (int i = 0; i < 10 && !atomic_load(&m->stop); i++)
			usleep(100000);
	}
	return NULL;
}

int monitor_start(const struct config *cfg, const char *db_path, struct monitor **out,
		  struct perr *err)
{
	*out = NULL;
	struct monitor *m = calloc(1, sizeof(*m));
	if (!m)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	m->cfg = *cfg;
	atomic_init(&m->stop, false);
	core_blob_dir(db_path, m->blob_dir, sizeof(m->blob_dir));
	if (store_open(db_path, &m->st, err) != 0) {
		free(m);
		return -1;
	}
	store_lean(m->st);
	if (pthread_create(&m->th, NULL, monitor_main, m) != 0) {
		store_close(m->st);
		free(m);
		return perr_set(err, PERR_INTERNAL, NULL, "watch: cannot start thread");
	}
	plog(PLOG_INFO, "watch: monitor started (%lld at once, DNS %s)",
	     (long long)cfg->watch_parallel,
	     cfg->watch_dns_servers[0] ? cfg->watch_dns_servers : "system");
	*out = m;
	return 0;
}

void monitor_stop(struct monitor *m)
{
	if (!m)
		return;
	atomic_store(&m->stop, true);
	pthread_join(m->th, NULL);
	store_close(m->st);
	free(m);
}

void monitor_metrics(struct pbuf *out)
{
	static const struct { const char *name, *help; atomic_llong *v; } c[] = {
		{ "parapet_watch_passes_total", "Monitor passes run.", &m_passes },
		{ "parapet_watch_checks_total", "Website checks made.", &m_checks },
		{ "parapet_watch_alerts_total", "Checks that raised an alert.", &m_alerts },
		{ "parapet_watch_down_total", "Checks that found a site down (confirmed).", &m_down },
		{ "parapet_watch_missed_total", "Checks found more than one interval late.", &m_missed },
		{ "parapet_watch_incident_reports_total", "Incident reports made by the monitor.",
		  &m_incidents },
		{ "parapet_watch_recovered_total", "Incidents the monitor moved to recovered.",
		  &m_recovered },
		{ "parapet_watch_dns_changes_total", "DNS answers that changed.", &m_dns_changes },
		{ "parapet_watch_cert_changes_total", "Certificates that changed.", &m_cert_changes },
		{ "parapet_watch_bytes_total", "Page bytes fetched.", &m_bytes },
	};
	for (size_t i = 0; i < ARRAY_SIZE(c); i++)
		pbuf_addf(out, "# HELP %s %s\n# TYPE %s counter\n%s %lld\n", c[i].name, c[i].help,
			  c[i].name, c[i].name, (long long)atomic_load(c[i].v));
}
