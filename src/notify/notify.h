/*
** notify.h — Parapet's notifications: e-mail to people, webhooks to programs.
**
** A change that should notify someone calls notify_mail() or
** notify_webhooks() inside its own store transaction: the notification is
** rendered at once (template, variables, every header) and written to the
** outbox table, so it commits, or is rolled back, with the change that caused
** it. One worker thread (notify_start) then delivers the outbox at least once:
** a row is marked sent only after the SMTP server or the webhook endpoint
** accepted it, so a crash at any moment loses nothing that committed, and may
** at worst deliver a duplicate, recognisable by its Message-ID or
** X-Parapet-Delivery. Before delivering a row the worker claims it with a
** lease (migration 0010, store_outbox_claim), so two senders on one database
** never both send it; a crashed sender's claims run out and its rows are
** sent by the next (`serve` also locks its data directory, so two servers
** on one directory do not even start). Failed attempts are retried with exponential backoff
** (notify.retry_base doubled per attempt, at most 6 hours) until
** notify.max_attempts, after which the row is marked failed; the last error is
** kept in the row (never with the SMTP password in it).
**
** Mail is plain text UTF-8 (8bit), from templates compiled into the binary
** (data/templates/LANG_NAME.txt, English and Persian). Every mail about one
** incident carries In-Reply-To and References to the same root id
** <incident-ID@notify.message_id_domain>, so mail clients show one thread per
** incident. Webhooks are JSON POSTs signed with HMAC-SHA-256 under the
** webhook's secret (X-Parapet-Signature: sha256=HEX).
**
** Thread safety: notify_mail and notify_webhooks use only the store handle
** they are given; notify_kick and notify_metrics may be called from any
** thread.
*/
#ifndef PARAPET_NOTIFY_H
#define PARAPET_NOTIFY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/core.h"
#include "store/store.h"

/* ------------------------------------------------------------- enqueue */

/* One template variable: {{name}} in the template is replaced by value. */
struct notify_var {
	const char *name;
	const char *value; /* valid UTF-8; no CR/LF when used in the subject */
};

struct notify_mail {
	const char *to;    /* one address: local@domain, printable ASCII, <= 254 bytes */
	const char *lang;  /* "en" or "fa"; NULL or "" = "en" */
	const char *tmpl;  /* assigned, message, state, sla, test, digest */
	const struct notify_var *vars;
	size_t nvars;
	int64_t incident_id; /* 0 = none */
	/* Thread root for mail outside an incident (e.g. "advisory-7": ASCII
	** letters, digits, '.', '-', at most 64): the mail gets In-Reply-To and
	** References <THREAD@domain>. NULL = <incident-ID@domain> when
	** incident_id is set, no threading headers otherwise. */
	const char *thread;
	/* One file attached (a digest's CSV of hosts), or NULL: the mail is
	** then multipart/mixed with the text first and the file base64
	** encoded. attach_name: 1-100 of [A-Za-z0-9._-]; attach_type: a MIME
	** type such as "text/csv". */
	const char *attach_name;
	const char *attach_type;
	const void *attach;
	size_t attach_len;
};

/* Variables every template may use without the caller passing them (a
** caller's variable of the same name wins):
**   {{url}}          notify.public_url
**   {{incident_id}}  the incident id (incident mails only)
**   {{link}}         {{url}}/incidents/ID (incident mails only)
** The variables each template expects are listed at the top of notify.c. */

/* Render m and insert one pending mail into the outbox, in the caller's
** transaction (call store_begin before, commit after, then notify_kick()).
** Fails with PERR_INVALID (field names the culprit: "to", "lang", "template",
** "vars", "thread", "smtp.from") when the recipient is not one plain address,
** the template or language is unknown, the template uses a variable not
** given, a value is not UTF-8, or a subject value holds a control character
** (CR, LF: header injection is impossible by construction). Does not send. */
int notify_mail(struct store *st, const struct config *cfg, const struct notify_mail *m,
		struct perr *err);

/* Insert one webhook delivery per webhook subscribed to event (its events
** list names it, or is "*"), in the caller's transaction. event: 1-64 of
** [a-z0-9._-]; json: the payload, a valid JSON text, sent byte for byte and
** signed now with each webhook's secret. No subscriber is not an error. */
int notify_webhooks(struct store *st, const char *event, const char *json, struct perr *err);

/* Validate and add a webhook (url http:// or https://, secret 16-127
** printable ASCII bytes, events "*" or a comma list of event names; NULL or
** "" = "*"), with an audit entry by actor (the secret is not audited), in the
** caller's transaction. *out (may be NULL) gets the row. */
int notify_webhook_add(struct store *st, const char *actor, const char *url,
		       const char *secret, const char *events, struct store_webhook *out,
		       struct perr *err);
/* Remove a webhook (NOTFOUND when absent), audited, in the caller's
** transaction. Pending deliveries already queued for it are still sent. */
int notify_webhook_remove(struct store *st, const char *actor, int64_t id, struct perr *err);

/* Render one template without touching the store: *subject and *body get
** malloc'd text (the subject decoded, one line). Returns 0 or -1 with err as
** for notify_mail. For tests, previews and notify_mail itself. */
int notify_render(const char *lang, const char *tmpl, const struct notify_var *vars,
		  size_t nvars, char **subject, char **body, struct perr *err);

/* The Subject header value for a subject: as is when it is short printable
** ASCII, else RFC 2047 encoded-words (UTF-8, base64), folded with CRLF SP so
** no line exceeds 78 characters. Appends to b; -1 when b is full. */
int notify_encode_subject(struct pbuf *b, const char *subject);

/* True when addr is one bare address this module will put in a header. */
bool notify_address_ok(const char *addr);
/* Send user_id's notifications to addr ("" = none): an address this module
** will put in a header, else PERR_INVALID naming "email"; PERR_NOTFOUND
** for an unknown user. Audited; call in a transaction. */
int notify_user_email_set(struct store *st, const char *actor, int64_t user_id,
			  const char *addr, struct perr *err);

/* ------------------------------------------------------------- worker */

/* ------------------------------------------------------------ timed jobs */

/* One pass of a timed job (job.c) in the job's transaction: returns the
** number of things done that queued mail (> 0 wakes the sender), or -1
** with err (the pass is rolled back and logged). */
typedef int (*notify_job_fn)(struct store *st, const struct config *cfg, int64_t now_ms,
			     struct perr *err);
struct notify_job;
/* Run fn every interval_ms (at once first) on its own connection to
** db_path until notify_job_stop; what names it in logs (a static string). */
int notify_job_start(const struct config *cfg, const char *db_path, int64_t interval_ms,
		     const char *what, notify_job_fn fn, struct notify_job **out,
		     struct perr *err);
void notify_job_stop(struct notify_job *j); /* NULL is a no-op */

struct notify_worker;

/* Start the sending thread with its own store connection to db_path. cfg is
** copied. Returns 0 or -1 with err. Mail is not sent while smtp.host is ""
** (mail rows stay pending; logged once); webhooks still are. */
int notify_start(const struct config *cfg, const char *db_path, struct notify_worker **out,
		 struct perr *err);
/* Ask the thread to stop, let it finish the delivery in progress, join it
** and free w. NULL is a no-op. */
void notify_stop(struct notify_worker *w);
/* Wake the running worker now instead of at its next poll; call after the
** transaction that enqueued something has committed. In-process only (a CLI
** process enqueuing relies on the server's polling); no-op without a worker. */
void notify_kick(void);

/* Prometheus text for /metrics:
**   parapet_notify_sent_total     counter: deliveries accepted by the peer
**   parapet_notify_failed_total   counter: failed delivery attempts
**   parapet_outbox_pending        gauge: pending rows
**   parapet_outbox_failed         gauge: rows that gave up
** Counters are kept in this process's memory (since start). The gauges are
** read from the store by the worker after each pass (so at most one poll
** interval old) and are only emitted while a worker has run a pass. */
void notify_metrics(struct pbuf *b);

/* ----------------------------------------------- worker step, for tests */

/* Deliver one outbox row. Returns 0 when the peer accepted it; otherwise -1
** with a message for the row's last_error in errbuf (no secrets). */
typedef int (*notify_send_fn)(void *ud, const struct store_outbox *o, char *errbuf,
			      size_t errsz);

/* The STARTTLS mode mail is sent with: "none", "try" or "require". The rule
** that keeps the SMTP password off the wire without TLS lives here: with
** smtp.username set and smtp.allow_plain_auth false it is "require" whatever
** smtp.starttls says, so AUTH is only ever sent after STARTTLS succeeded
** (a server, or an attacker in the path, offering no STARTTLS gets no AUTH,
** and the mail stays in the outbox with the reason). smtp.starttls = auto
** (the default) is "require" with a username, else "try". */
const char *notify_smtp_starttls(const struct config *cfg);

/* The real sender (libcurl SMTP and HTTP) for cfg; ud is the config. */
int notify_send_curl(void *ud, const struct store_outbox *o, char *errbuf, size_t errsz);

/* Delay before the next attempt after `failures` failed attempts (>= 1):
** retry_base * 2^(failures-1) seconds, at most 6 hours, in ms. */
int64_t notify_backoff_ms(const struct config *cfg, int64_t failures);

struct notify_pass {
	int sent;     /* rows marked sent */
	int retried;  /* failed attempts that will be retried */
	int failed;   /* rows that reached max_attempts and are now failed */
	int deferred; /* mail rows left pending because smtp.host is "" */
	int skipped;  /* due rows another sender claimed first (not ours to send) */
};

/* One pass of the worker at time now_ms, without threads or sleeping: read
** up to limit due rows, claim each (store_outbox_claim, a lease of
** smtp.timeout + 10 s) and skip it when another sender holds it, so that two
** senders on one database never both send one row, deliver each claimed row
** with send, and record the outcome
** (mark_sent, or mark_retry with the backoff, or failed at max_attempts).
** Mail rows are deferred (next try in one minute, attempts unchanged) while
** cfg->smtp_host is "". *stop (may be NULL) is checked between rows. The
** pass's counts go to *pass (may be NULL). Returns 0, or -1 with err on a
** store error. */
int notify_process(struct store *st, const struct config *cfg, int64_t now_ms, int64_t limit,
		   notify_send_fn send, void *ud, const atomic_bool *stop,
		   struct notify_pass *pass, struct perr *err);

/* The full RFC 5322 message for a mail row as sent: the stored headers, an
** empty line, the body with every line ending CRLF and lines longer than 998
** bytes broken (at a UTF-8 character boundary). Appends to b. */
int notify_message_text(struct pbuf *b, const struct store_outbox *o);

#endif
