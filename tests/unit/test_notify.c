/*
** test_notify.c — the notify module on a real SQLite store: templates in
** English and Persian (RFC 2047 subjects that decode back to the text),
** unknown variables, header injection through the recipient and the
** subject, the headers of a queued mail (Message-ID, In-Reply-To and
** References on one root per incident), the retry schedule with an explicit
** clock up to the failed state, mail kept pending without smtp.host, the
** wire form of a message (CRLF, 998-byte lines), webhooks (subscription
** matching, HMAC-SHA-256 signature checked against an independent RFC 2104
** computation, and a real POST to a loopback socket), and metrics.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <sys/socket.h>

#include "notify/notify.h"
#include "testutil.h"

/* ------------------------------------------------------------- helpers */

struct rows {
	struct store_outbox o[64];
	char subject[64][512];
	char headers[64][2048];
	char body[64][4096];
	int n;
};

static int collect(void *ud, const struct store_outbox *o)
{
	struct rows *r = ud;
	if (r->n == 64)
		return 0;
	r->o[r->n] = *o;
	pstrtrunc(r->subject[r->n], o->subject, sizeof(r->subject[0])); /* a record for the checks below */
	pstrtrunc(r->headers[r->n], o->headers, sizeof(r->headers[0])); /* a record for the checks below */
	pstrtrunc(r->body[r->n], o->body, sizeof(r->body[0])); /* a record for the checks below */
	r->n++;
	return 0;
}

static struct rows *list(struct tdb *t, const char *status)
{
	struct rows *r = calloc(1, sizeof(*r));
	struct perr e;
	assert_int_equal(store_outbox_list(t->st, status, 0, 0, collect, r, &e), 0);
	return r;
}

/* The value of header name in a CRLF header block (unfolded), malloc'd. */
static char *header(const char *block, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = block; p && *p;) {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			struct pbuf b;
			pbuf_init(&b, 0);
			for (;;) {
				const char *e = strstr(v, "\r\n");
				assert_non_null(e);
				pbuf_add(&b, v, (size_t)(e - v));
				if (e[2] == ' ' || e[2] == '\t') {
					v = e + 2; /* folded: keep the space */
					continue;
				}
				break;
			}
			return pbuf_take(&b);
		}
		const char *e = strstr(p, "\r\n");
		p = e ? e + 2 : NULL;
	}
	return NULL;
}

/* Decode a header value made of RFC 2047 B encoded-words (UTF-8). */
static char *decode_words(const char *v)
{
	struct pbuf b;
	pbuf_init(&b, 0);
	const char *p = v;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		assert_int_equal(strncmp(p, "=?UTF-8?B?", 10), 0);
		p += 10;
		const char *end = strstr(p, "?=");
		assert_non_null(end);
		unsigned char bin[256];
		size_t bl = 0;
		assert_int_equal(sodium_base642bin(bin, sizeof(bin), p, (size_t)(end - p), NULL,
						   &bl, NULL, sodium_base64_VARIANT_ORIGINAL),
				 0);
		/* Every word holds whole characters (RFC 2047 section 5). */
		assert_true(utf8_valid((const char *)bin, bl));
		pbuf_add(&b, bin, bl);
		p = end + 2;
	}
	return pbuf_take(&b);
}

static const struct notify_var assigned_vars[] = {
	{ "title", "Defacement of www.moe.example" },
	{ "severity", "high" },
	{ "org", "Ministry of Energy" },
};

static struct notify_mail assigned_mail(const char *to, int64_t incident)
{
	struct notify_mail m = { .to = to, .lang = "en", .tmpl = "assigned",
				 .vars = assigned_vars, .nvars = 3, .incident_id = incident };
	return m;
}

/* ------------------------------------------------------------ templates */

static void render_en(void **state)
{
	(void)state;
	char *subject, *body;
	struct perr e;
	struct notify_var v[] = { { "incident_id", "42" }, { "title", "Site down" },
				  { "severity", "critical" }, { "org", "Ministry of Roads" },
				  { "link", "https://parapet.example/incidents/42" } };
	assert_int_equal(notify_render("en", "assigned", v, 5, &subject, &body, &e), 0);
	assert_string_equal(subject, "[Parapet #42] Assigned to you: Site down");
	assert_non_null(strstr(body, "Incident #42 has been assigned to you."));
	assert_non_null(strstr(body, "Severity:     critical"));
	assert_non_null(strstr(body, "Organisation: Ministry of Roads"));
	assert_non_null(strstr(body, "https://parapet.example/incidents/42"));
	assert_null(strstr(body, "{{"));
	assert_true(body[0] != '\n'); /* the blank line after Subject is dropped */
	free(subject);
	free(body);
	/* Every template of both languages renders with its documented variables. */
	struct notify_var all[] = { { "incident_id", "7" }, { "title", "t" }, { "severity", "low" },
				    { "link", "l" },        { "author", "a" }, { "body", "b\nc" },
				    { "from", "new" },      { "to", "triaged" }, { "deadline", "ack" },
				    { "late", "5 min" },    { "url", "u" },    { "time", "now" },
				    { "org", "o" },         { "name", "n" } };
	const char *names[] = { "assigned", "message", "state", "sla", "test" };
	const char *langs[] = { "en", "fa" };
	for (int l = 0; l < 2; l++)
		for (int i = 0; i < 5; i++) {
			assert_int_equal(notify_render(langs[l], names[i], all, 14, &subject, &body,
						       &e),
					 0);
			assert_true(strlen(subject) > 5);
			assert_true(utf8_valid(subject, strlen(subject)));
			assert_null(strchr(subject, '\n'));
			assert_null(strstr(body, "{{"));
			free(subject);
			free(body);
		}
}

static void render_fa_subject_encoded(void **state)
{
	(void)state;
	char *subject, *body;
	struct perr e;
	struct notify_var v[] = { { "url", "https://p.example" }, { "time", "2026-01-01" } };
	assert_int_equal(notify_render("fa", "test", v, 2, &subject, &body, &e), 0);
	assert_string_equal(subject, "پیام آزمایشی پاراپت");
	assert_non_null(strstr(body, "پیام آزمایشی از پاراپت (https://p.example)"));
	struct pbuf b;
	pbuf_init(&b, 0);
	assert_int_equal(notify_encode_subject(&b, subject), 0);
	assert_int_equal(strncmp(b.ptr, "=?UTF-8?B?", 10), 0);
	char *dec = decode_words(b.ptr);
	assert_string_equal(dec, subject);
	free(dec);
	pbuf_free(&b);
	free(subject);
	free(body);

	/* A long Persian title: folded words, every line within 76 characters,
	** decoding back to the exact text. */
	struct notify_var av[] = { { "incident_id", "9" },
				   { "title", "تغییر چهرهٔ وبگاه وزارت نیرو و از دسترس خارج شدن "
					      "سامانهٔ پرداخت الکترونیکی استان فارس" },
				   { "severity", "بحرانی" },
				   { "org", "وزارت نیرو" },
				   { "link", "l" } };
	assert_int_equal(notify_render("fa", "assigned", av, 5, &subject, &body, &e), 0);
	pbuf_init(&b, 0);
	pbuf_adds(&b, "Subject: ");
	assert_int_equal(notify_encode_subject(&b, subject), 0);
	pbuf_adds(&b, "\r\n");
	int lines = 0;
	for (const char *p = b.ptr; *p;) {
		const char *nl = strstr(p, "\r\n");
		assert_non_null(nl);
		assert_true(nl - p <= 76);
		lines++;
		p = nl + 2;
	}
	assert_true(lines > 1);
	char *v2 = header(b.ptr, "Subject");
	dec = decode_words(v2);
	assert_string_equal(dec, subject);
	free(dec);
	free(v2);
	pbuf_free(&b);
	free(subject);
	free(body);

	/* Short ASCII goes as is; "=?" in ASCII is encoded, not passed through. */
	pbuf_init(&b, 0);
	notify_encode_subject(&b, "Plain subject");
	assert_string_equal(b.ptr, "Plain subject");
	pbuf_reset(&b);
	notify_encode_subject(&b, "=?UTF-8?B?Zm9v?=");
	dec = decode_words(b.ptr);
	assert_string_equal(dec, "=?UTF-8?B?Zm9v?=");
	free(dec);
	pbuf_free(&b);
}

static void render_errors(void **state)
{
	(void)state;
	char *subject = NULL, *body = NULL;
	struct perr e;
	/* org, severity and link missing: the first unknown one is named. */
	struct notify_var v[] = { { "incident_id", "1" }, { "title", "x" } };
	assert_int_equal(notify_render("en", "assigned", v, 2, &subject, &body, &e), -1);
	assert_int_equal(e.kind, PERR_INVALID);
	assert_string_equal(e.field, "vars");
	assert_non_null(strstr(e.msg, "{{org}}"));
	assert_null(subject);
	assert_null(body);
	assert_int_equal(notify_render("de", "test", NULL, 0, &subject, &body, &e), -1);
	assert_string_equal(e.field, "lang");
	assert_int_equal(notify_render("en", "welcome", NULL, 0, &subject, &body, &e), -1);
	assert_string_equal(e.field, "template");
	assert_int_equal(notify_render("en", "../en_test", NULL, 0, &subject, &body, &e), -1);
	assert_string_equal(e.field, "template");
	/* Values must be UTF-8. */
	struct notify_var bad[] = { { "url", "\xff\xfe" }, { "time", "t" } };
	assert_int_equal(notify_render("en", "test", bad, 2, &subject, &body, &e), -1);
	assert_string_equal(e.field, "vars");
}

/* ------------------------------------------------- injection, addresses */

static void recipient_injection_rejected(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	char longaddr[300];
	memset(longaddr, 'a', sizeof(longaddr));
	memcpy(longaddr + 250, "@b.ex", 6);
	const char *bad[] = {
		"a@b.example\r\nBcc: victim@c.example",
		"a@b.example\nBcc: victim@c.example",
		"a@b.example\r",
		"a b@c.example",
		"a@b@c.example",
		"<a@b.example>",
		"Alice <a@b.example>",
		"a@b.example, c@d.example",
		"a@b.example;c@d.example",
		"",
		"@b.example",
		"a@",
		"a@b..example",
		"a@-b.example\t",
		"ali\xc3\xa9@b.example",
		longaddr,
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct notify_mail m = assigned_mail(bad[i], 5);
		assert_false(notify_address_ok(bad[i]));
		assert_int_equal(notify_mail(t->st, &t->cfg, &m, &e), -1);
		assert_int_equal(e.kind, PERR_INVALID);
		assert_string_equal(e.field, "to");
	}
	struct notify_mail none = assigned_mail(NULL, 5);
	assert_int_equal(notify_mail(t->st, &t->cfg, &none, &e), -1);
	assert_true(notify_address_ok("first.last+tag@mail.gov.example"));
	/* 254 bytes is the limit. */
	char max[255];
	memset(max, 'a', 254);
	max[254] = '\0';
	memcpy(max + 60, "@", 1);
	for (int i = 70; i < 254; i += 10)
		max[i] = '.';
	assert_true(notify_address_ok(max));
	struct rows *r = list(t, NULL);
	assert_int_equal(r->n, 0);
	free(r);
	tdb_close(t);
}

static void subject_injection_rejected(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	const char *titles[] = { "Site down\r\nBcc: victim@c.example", "Site down\nX: y",
				 "Site down\r", "tab\tinside", "nul-free but \x1b escape" };
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++) {
		struct notify_var v[] = { { "title", titles[i] }, { "severity", "low" },
					  { "org", "o" } };
		struct notify_mail m = { .to = "a@b.example", .tmpl = "assigned", .vars = v,
					 .nvars = 3, .incident_id = 3 };
		assert_int_equal(notify_mail(t->st, &t->cfg, &m, &e), -1);
		assert_string_equal(e.field, "vars");
		assert_non_null(strstr(e.msg, "title"));
	}
	/* A line break in the body (a message's text) is fine... */
	struct notify_var mv[] = { { "title", "Phishing" },
				   { "author", "Sara (CERT)" },
				   { "body", "Line one.\nBcc: not-a-header@c.example\r\nLine three." } };
	struct notify_mail m = { .to = "soc@org.example", .lang = "en", .tmpl = "message",
				 .vars = mv, .nvars = 3, .incident_id = 3 };
	assert_int_equal(notify_mail(t->st, &t->cfg, &m, &e), 0);
	/* ... and cannot reach the header block. */
	struct rows *r = list(t, "pending");
	assert_int_equal(r->n, 1);
	char *bcc = header(r->headers[0], "Bcc");
	assert_null(bcc);
	assert_non_null(strstr(r->body[0], "Bcc: not-a-header@c.example"));
	free(r);
	/* Configuration values that would add header lines are refused too. */
	struct config cfg = t->cfg;
	PSTRCPY(cfg.smtp_from, "parapet@x.example\r\nBcc: v@c.example");
	struct notify_mail ok = assigned_mail("a@b.example", 4);
	assert_int_equal(notify_mail(t->st, &cfg, &ok, &e), -1);
	assert_string_equal(e.field, "smtp.from");
	cfg = t->cfg;
	PSTRCPY(cfg.msgid_domain, "x.example>\r\nBcc: v");
	assert_int_equal(notify_mail(t->st, &cfg, &ok, &e), -1);
	struct notify_mail th = assigned_mail("a@b.example", 0);
	th.thread = "advisory-1>\r\nX";
	assert_int_equal(notify_mail(t->st, &t->cfg, &th, &e), -1);
	assert_string_equal(e.field, "thread");
	tdb_close(t);
}

/* ------------------------------------------------------------- enqueue */

static bool hex16(const char *s)
{
	for (int i = 0; i < 16; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static void enqueue_headers(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	PSTRCPY(t->cfg.smtp_from, "Parapet <noreply@cert.example>");
	PSTRCPY(t->cfg.msgid_domain, "cert.example");
	PSTRCPY(t->cfg.public_url, "https://parapet.cert.example/");
	struct notify_mail m = assigned_mail("analyst@cert.example", 42);
	int64_t before = core_now_ms();
	assert_int_equal(store_begin(t->st, &e), 0);
	assert_int_equal(notify_mail(t->st, &t->cfg, &m, &e), 0);
	assert_int_equal(notify_mail(t->st, &t->cfg, &m, &e), 0);
	struct notify_mail plain = { .to = "x@y.example", .lang = "fa", .tmpl = "test",
				     .vars = (struct notify_var[]){ { "time", "now" } },
				     .nvars = 1 };
	assert_int_equal(notify_mail(t->st, &t->cfg, &plain, &e), 0);
	struct notify_mail adv = plain;
	adv.thread = "advisory-7";
	adv.lang = "en";
	assert_int_equal(notify_mail(t->st, &t->cfg, &adv, &e), 0);
	assert_int_equal(store_commit(t->st, &e), 0);

	struct rows *r = list(t, "pending");
	assert_int_equal(r->n, 4);
	/* Newest first: [0] advisory, [1] fa test, [2] and [3] incident 42. */
	for (int i = 2; i < 4; i++) {
		const struct store_outbox *o = &r->o[i];
		const char *h = r->headers[i];
		assert_string_equal(o->kind, "mail");
		assert_string_equal(o->status, "pending");
		assert_string_equal(o->recipient, "analyst@cert.example");
		assert_int_equal(o->incident_id, 42);
		assert_int_equal(o->attempts, 0);
		assert_true(o->next_ms >= before && o->next_ms <= core_now_ms());
		assert_int_equal(o->next_ms, o->created_ms);
		assert_string_equal(r->subject[i],
				    "[Parapet #42] Assigned to you: Defacement of www.moe.example");
		assert_int_equal(strncmp(o->message_id, "incident-42-n", 13), 0);
		assert_true(hex16(o->message_id + 13));
		assert_string_equal(o->message_id + 29, "@cert.example");
		char *v = header(h, "Message-ID");
		char want[256];
		snprintf(want, sizeof(want), "<%s>", o->message_id);
		assert_string_equal(v, want);
		free(v);
		v = header(h, "In-Reply-To");
		assert_string_equal(v, "<incident-42@cert.example>");
		free(v);
		v = header(h, "References");
		assert_string_equal(v, "<incident-42@cert.example>");
		free(v);
		v = header(h, "From");
		assert_string_equal(v, "Parapet <noreply@cert.example>");
		free(v);
		v = header(h, "To");
		assert_string_equal(v, "analyst@cert.example");
		free(v);
		v = header(h, "Subject");
		assert_string_equal(v, r->subject[i]);
		free(v);
		v = header(h, "Content-Type");
		assert_string_equal(v, "text/plain; charset=UTF-8");
		free(v);
		v = header(h, "Content-Transfer-Encoding");
		assert_string_equal(v, "8bit");
		free(v);
		v = header(h, "MIME-Version");
		assert_string_equal(v, "1.0");
		free(v);
		v = header(h, "Auto-Submitted");
		assert_string_equal(v, "auto-generated");
		free(v);
		v = header(h, "Date");
		/* "Thu, 01 Jan 2026 12:00:00 +0000" */
		assert_int_equal(strlen(v), 31);
		assert_string_equal(v + 25, " +0000");
		assert_int_equal(v[3], ',');
		free(v);
		/* Every header line ends CRLF; no bare LF anywhere. */
		for (const char *p = h; *p; p++)
			if (*p == '\n')
				assert_int_equal(p[-1], '\r');
		/* Built-in link, with the public URL's trailing slash dropped. */
		assert_non_null(strstr(r->body[i], "https://parapet.cert.example/incidents/42\n"));
	}
	assert_string_not_equal(r->o[2].message_id, r->o[3].message_id);
	/* Outside an incident: no threading headers, unless a thread key. */
	assert_null(header(r->headers[1], "In-Reply-To"));
	assert_null(header(r->headers[1], "References"));
	assert_int_equal(strncmp(r->o[1].message_id, "parapet-test-n", 14), 0);
	assert_int_equal(r->o[1].incident_id, 0);
	char *v = header(r->headers[1], "Subject");
	char *dec = decode_words(v);
	assert_string_equal(dec, "پیام آزمایشی پاراپت");
	assert_string_equal(r->subject[1], "پیام آزمایشی پاراپت");
	free(dec);
	free(v);
	v = header(r->headers[0], "References");
	assert_string_equal(v, "<advisory-7@cert.example>");
	free(v);
	assert_int_equal(strncmp(r->o[0].message_id, "advisory-7-n", 12), 0);
	free(r);

	/* Rolled back with its transaction: no row. */
	assert_int_equal(store_begin(t->st, &e), 0);
	assert_int_equal(notify_mail(t->st, &t->cfg, &m, &e), 0);
	store_rollback(t->st);
	int64_t pending = 0;
	assert_int_equal(store_outbox_counts(t->st, &pending, NULL, NULL, &e), 0);
	assert_int_equal(pending, 4);
	tdb_close(t);
}

/* ------------------------------------------------------- retry, backoff */

struct fake {
	int calls;
	int fail_first; /* fail this many calls, then succeed; -1 = always fail */
	char last_id[200];
};

static int fake_send(void *ud, const struct store_outbox *o, char *errbuf, size_t errsz)
{
	struct fake *f = ud;
	f->calls++;
	PSTRCPY(f->last_id, o->message_id);
	if (f->fail_first < 0 || f->calls <= f->fail_first) {
		snprintf(errbuf, errsz, "smtp: 451 try again later (call %d)", f->calls);
		return -1;
	}
	return 0;
}

static void backoff_schedule(void **state)
{
	(void)state;
	struct config cfg;
	config_defaults(&cfg);
	cfg.notify_retry_base = 30;
	assert_int_equal(notify_backoff_ms(&cfg, 1), 30000);
	assert_int_equal(notify_backoff_ms(&cfg, 2), 60000);
	assert_int_equal(notify_backoff_ms(&cfg, 3), 120000);
	assert_int_equal(notify_backoff_ms(&cfg, 10), 30000LL << 9);       /* 4 h 16 min */
	assert_int_equal(notify_backoff_ms(&cfg, 11), 6LL * 3600 * 1000); /* 8 h 32 min > 6 h */
	assert_int_equal(notify_backoff_ms(&cfg, 1000), 6LL * 3600 * 1000);
	cfg.notify_retry_base = 86400;
	assert_int_equal(notify_backoff_ms(&cfg, 1), 6LL * 3600 * 1000);
}

static struct store_outbox one(struct tdb *t)
{
	struct rows *r = list(t, NULL);
	assert_int_equal(r->n, 1);
	struct store_outbox o = r->o[0];
	o.subject = o.body = o.headers = NULL;
	free(r);
	return o;
}

static void retry_then_failed(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	PSTRCPY(t->cfg.smtp_host, "mail.example");
	t->cfg.notify_retry_base = 30;
	t->cfg.notify_max_attempts = 4;
	struct notify_mail m = assigned_mail("a@b.example", 8);
	assert_int_equal(notify_mail(t->st, &t->cfg, &m, &e), 0);
	int64_t t0 = one(t).created_ms;
	struct fake f = { 0, -1, "" };
	struct notify_pass p;
	/* Nothing is due before it was created. */
	assert_int_equal(notify_process(t->st, &t->cfg, t0 - 1, 0, fake_send, &f, NULL, &p, &e), 0);
	assert_int_equal(f.calls, 0);
	/* Attempt 1 at t0: retry in 30 s. */
	int64_t now = t0;
	int64_t waits[] = { 30000, 60000, 120000 };
	for (int a = 1; a <= 3; a++) {
		assert_int_equal(notify_process(t->st, &t->cfg, now, 0, fake_send, &f, NULL, &p, &e),
				 0);
		assert_int_equal(f.calls, a);
		assert_int_equal(p.retried, 1);
		assert_int_equal(p.sent + p.failed, 0);
		struct store_outbox o = one(t);
		assert_string_equal(o.status, "pending");
		assert_int_equal(o.attempts, a);
		assert_int_equal(o.next_ms, now + waits[a - 1]);
		char want[64];
		snprintf(want, sizeof(want), "(call %d)", a);
		assert_non_null(strstr(o.last_error, want));
		/* One millisecond early: not due, not sent. */
		assert_int_equal(notify_process(t->st, &t->cfg, o.next_ms - 1, 0, fake_send, &f,
						NULL, &p, &e),
				 0);
		assert_int_equal(f.calls, a);
		now = o.next_ms;
	}
	/* Attempt 4 = notify.max_attempts: failed, never tried again. */
	assert_int_equal(notify_process(t->st, &t->cfg, now, 0, fake_send, &f, NULL, &p, &e), 0);
	assert_int_equal(p.failed, 1);
	struct store_outbox o = one(t);
	assert_string_equal(o.status, "failed");
	assert_int_equal(o.attempts, 4);
	assert_non_null(strstr(o.last_error, "451"));
	assert_int_equal(notify_process(t->st, &t->cfg, now + 365LL * 86400000, 0, fake_send, &f,
					NULL, &p, &e),
			 0);
	assert_int_equal(f.calls, 4);
	int64_t pending, sent, failed;
	assert_int_equal(store_outbox_counts(t->st, &pending, &sent, &failed, &e), 0);
	assert_int_equal(pending, 0);
	assert_int_equal(sent, 0);
	assert_int_equal(failed, 1);
	tdb_close(t);
}

static void retry_then_sent(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	PSTRCPY(t->cfg.smtp_host, "mail.example");
	t->cfg.notify_retry_base = 5;
	for (int i = 0; i < 3; i++) {
		struct notify_mail m = assigned_mail("a@b.example", 8 + i);
		assert_int_equal(notify_mail(t->st, &t->cfg, &m, &e), 0);
	}
	struct fake f = { 0, 1, "" };
	struct notify_pass p;
	int64_t now = core_now_ms() + 1000;
	assert_int_equal(notify_process(t->st, &t->cfg, now, 0, fake_send, &f, NULL, &p, &e), 0);
	assert_int_equal(p.retried, 1);
	assert_int_equal(p.sent, 2);
	assert_int_equal(notify_process(t->st, &t->cfg, now + 5000, 0, fake_send, &f, NULL, &p, &e),
			 0);
	assert_int_equal(p.sent, 1);
	struct rows *r = list(t, "sent");
	assert_int_equal(r->n, 3);
	for (int i = 0; i < 3; i++) {
		assert_true(r->o[i].sent_ms > 0);
		assert_string_equal(r->o[i].last_error, "");
	}
	free(r);
	/* limit bounds a pass; a set stop flag ends it before the next row. */
	for (int i = 0; i < 3; i++) {
		struct notify_mail m = assigned_mail("a@b.example", 20 + i);
		assert_int_equal(notify_mail(t->st, &t->cfg, &m, &e), 0);
	}
	f.calls = 0;
	assert_int_equal(notify_process(t->st, &t->cfg, now + 10000, 2, fake_send, &f, NULL, &p, &e),
			 0);
	assert_int_equal(f.calls, 2);
	atomic_bool stop;
	atomic_init(&stop, true);
	assert_int_equal(notify_process(t->st, &t->cfg, now + 10000, 0, fake_send, &f, &stop, &p,
					&e),
			 0);
	assert_int_equal(f.calls, 2);
	tdb_close(t);
}

/* The STARTTLS mode mail is sent with: with a username, AUTH only after
** STARTTLS unless smtp.allow_plain_auth says otherwise. */
static void smtp_starttls_mode(void **state)
{
	(void)state;
	static const struct {
		const char *starttls, *user;
		bool allow;
		const char *want;
	} cases[] = {
		{ "auto", "", false, "try" },         { "auto", "parapet", false, "require" },
		{ "try", "parapet", false, "require" }, { "none", "parapet", false, "require" },
		{ "require", "", false, "require" },  { "none", "", false, "none" },
		{ "auto", "parapet", true, "try" },   { "none", "parapet", true, "none" },
		{ "require", "parapet", true, "require" },
	};
	struct config cfg;
	config_defaults(&cfg);
	assert_string_equal(cfg.smtp_starttls, "auto"); /* the default */
	assert_false(cfg.smtp_allow_plain_auth);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(pstrlcpy(cfg.smtp_starttls, cases[i].starttls, sizeof(cfg.smtp_starttls)), 0);
		assert_int_equal(pstrlcpy(cfg.smtp_user, cases[i].user, sizeof(cfg.smtp_user)), 0);
		cfg.smtp_allow_plain_auth = cases[i].allow;
		assert_string_equal(notify_smtp_starttls(&cfg), cases[i].want);
	}
}

/* Two senders on one database (two connections, as two servers sharing it
** would have): sender A is in the middle of delivering its first entry when
** sender B runs a whole pass over the same due entries. B must leave A's
** entry alone, and A must then skip the ones B sent: every entry is
** delivered exactly once. Before claims, both delivered all of them. */
struct race {
	struct store *st2;
	const struct config *cfg;
	int64_t now;
	int calls;
	char ids[8][200];
	bool b_ran;
	struct notify_pass b_pass;
};

static int race_send(void *ud, const struct store_outbox *o, char *errbuf, size_t errsz)
{
	(void)errbuf;
	(void)errsz;
	struct race *r = ud;
	assert_true(r->calls < 8);
	pstrtrunc(r->ids[r->calls++], o->message_id, sizeof(r->ids[0])); /* a record for the checks below */
	if (!r->b_ran) {
		r->b_ran = true;
		struct perr e;
		assert_int_equal(notify_process(r->st2, r->cfg, r->now, 0, race_send, r, NULL,
						&r->b_pass, &e),
				 0);
	}
	return 0;
}

static void two_senders_send_once(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	PSTRCPY(t->cfg.smtp_host, "mail.example");
	for (int i = 0; i < 4; i++) {
		struct notify_mail m = assigned_mail("a@b.example", 40 + i);
		assert_int_equal(notify_mail(t->st, &t->cfg, &m, &e), 0);
	}
	struct race r;
	memset(&r, 0, sizeof(r));
	assert_int_equal(store_open(t->path, &r.st2, &e), 0);
	r.cfg = &t->cfg;
	r.now = core_now_ms() + 1000;
	struct notify_pass a;
	assert_int_equal(notify_process(t->st, &t->cfg, r.now, 0, race_send, &r, NULL, &a, &e), 0);
	assert_true(r.b_ran);
	assert_int_equal(r.calls, 4);
	for (int i = 0; i < r.calls; i++)
		for (int j = i + 1; j < r.calls; j++)
			assert_string_not_equal(r.ids[i], r.ids[j]);
	assert_int_equal(r.b_pass.sent, 3);   /* all but A's */
	assert_int_equal(r.b_pass.skipped, 0); /* A's, under its claim, is not even listed */
	assert_int_equal(a.sent, 1);
	assert_int_equal(a.skipped, 3); /* sent by B meanwhile */
	struct rows *rs = list(t, "sent");
	assert_int_equal(rs->n, 4);
	free(rs);
	/* A sender that crashed holding a claim: its entry waits for the lease
	** (smtp.timeout + 10 s) to run out, then another sender takes it over. */
	struct notify_mail m = assigned_mail("a@b.example", 50);
	assert_int_equal(notify_mail(t->st, &t->cfg, &m, &e), 0);
	struct rows *pend = list(t, "pending");
	assert_int_equal(pend->n, 1);
	int64_t id = pend->o[0].id;
	free(pend);
	bool got = false;
	int64_t lease = t->cfg.smtp_timeout * 1000 + 10000;
	assert_int_equal(store_outbox_claim(r.st2, id, "crashed", r.now, r.now + lease, &got, &e), 0);
	assert_true(got);
	assert_int_equal(store_outbox_claim(t->st, id, "other", r.now, r.now + lease, &got, &e), 0);
	assert_false(got);
	struct fake f = { 0, 0, "" };
	assert_int_equal(notify_process(t->st, &t->cfg, r.now + lease - 1, 0, fake_send, &f, NULL,
					&a, &e),
			 0);
	assert_int_equal(f.calls, 0);
	assert_int_equal(notify_process(t->st, &t->cfg, r.now + lease, 0, fake_send, &f, NULL, &a,
					&e),
			 0);
	assert_int_equal(f.calls, 1);
	assert_int_equal(a.sent, 1);
	/* the crashed sender's late failure report changes nothing now */
	assert_int_equal(store_outbox_mark_retry(r.st2, id, "crashed", 1, r.now, "late", false, &e),
			 0);
	rs = list(t, "sent");
	assert_int_equal(rs->n, 5);
	free(rs);
	store_close(r.st2);
	tdb_close(t);
}

static void no_smtp_host_keeps_mail_pending(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	assert_string_equal(t->cfg.smtp_host, ""); /* the default */
	struct notify_mail m = assigned_mail("a@b.example", 1);
	assert_int_equal(notify_mail(t->st, &t->cfg, &m, &e), 0);
	assert_int_equal(notify_webhook_add(t->st, "test", "http://127.0.0.1:9/hook",
					    "0123456789abcdef", NULL, NULL, &e),
			 0);
	assert_int_equal(notify_webhooks(t->st, "incident.created", "{\"id\":1}", &e), 0);
	struct fake f = { 0, 0, "" };
	struct notify_pass p;
	int64_t now = core_now_ms() + 1;
	assert_int_equal(notify_process(t->st, &t->cfg, now, 0, fake_send, &f, NULL, &p, &e), 0);
	assert_int_equal(p.deferred, 1);
	assert_int_equal(p.sent, 1); /* the webhook */
	assert_int_equal(f.calls, 1);
	assert_int_equal(strncmp(f.last_id, "webhook-", 8), 0);
	struct rows *r = list(t, "pending");
	assert_int_equal(r->n, 1);
	assert_string_equal(r->o[0].kind, "mail");
	assert_int_equal(r->o[0].attempts, 0);
	assert_true(r->o[0].next_ms > now);
	assert_non_null(strstr(r->o[0].last_error, "smtp.host"));
	free(r);
	/* Once a host is configured, the mail goes out. */
	PSTRCPY(t->cfg.smtp_host, "mail.example");
	assert_int_equal(notify_process(t->st, &t->cfg, now + 3600000, 0, fake_send, &f, NULL, &p,
					&e),
			 0);
	assert_int_equal(p.sent, 1);
	tdb_close(t);
}

/* The real libcurl sender against a closed port: the error is stored and
** never carries the SMTP password. */
static void smtp_error_has_no_password(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	/* A port nothing listens on: bind one, close it. */
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	getsockname(s, (struct sockaddr *)&a, &al);
	close(s);
	PSTRCPY(t->cfg.smtp_host, "127.0.0.1");
	t->cfg.smtp_port = ntohs(a.sin_port);
	PSTRCPY(t->cfg.smtp_user, "parapet");
	PSTRCPY(t->cfg.smtp_password, "127.0.0.1");
	PSTRCPY(t->cfg.smtp_starttls, "none");
	t->cfg.smtp_timeout = 5;
	struct notify_mail m = assigned_mail("a@b.example", 1);
	assert_int_equal(notify_mail(t->st, &t->cfg, &m, &e), 0);
	struct notify_pass p;
	assert_int_equal(notify_process(t->st, &t->cfg, core_now_ms() + 1, 0, notify_send_curl,
					&t->cfg, NULL, &p, &e),
			 0);
	assert_int_equal(p.retried, 1);
	struct store_outbox o = one(t);
	assert_int_equal(o.attempts, 1);
	assert_true(o.last_error[0] != '\0');
	/* The password here equals the host, which the message names: it must
	** have been blanked all the same. */
	assert_null(strstr(o.last_error, "127.0.0.1"));
	assert_non_null(strstr(o.last_error, "smtp"));
	tdb_close(t);
}

/* ----------------------------------------------------------- wire form */

static void message_text_crlf_and_long_lines(void **state)
{
	(void)state;
	struct pbuf body;
	pbuf_init(&body, 0);
	pbuf_adds(&body, "first\nsecond\r\nthird\rfourth\n");
	for (int i = 0; i < 700; i++)
		pbuf_adds(&body, "ش"); /* 2 bytes each: a 1400-byte line */
	pbuf_adds(&body, "\n.leading dot\nend");
	struct store_outbox o;
	memset(&o, 0, sizeof(o));
	o.headers = "Subject: x\r\nTo: a@b.example\r\n";
	o.body = body.ptr;
	struct pbuf b;
	pbuf_init(&b, 0);
	assert_int_equal(notify_message_text(&b, &o), 0);
	assert_int_equal(strncmp(b.ptr, "Subject: x\r\nTo: a@b.example\r\n\r\nfirst\r\nsecond\r\n"
					"third\r\nfourth\r\n",
				 strlen("Subject: x\r\nTo: a@b.example\r\n\r\nfirst\r\nsecond\r\n"
					"third\r\nfourth\r\n")),
			 0);
	size_t longest = 0;
	for (const char *p = b.ptr; *p;) {
		const char *nl = strstr(p, "\r\n");
		assert_non_null(nl); /* ends with CRLF */
		for (const char *q = p; q < nl; q++)
			assert_true(*q != '\r' && *q != '\n');
		if ((size_t)(nl - p) > longest)
			longest = (size_t)(nl - p);
		assert_true(utf8_valid(p, (size_t)(nl - p))); /* never splits a character */
		p = nl + 2;
	}
	assert_true(longest <= 998);
	/* Dot-stuffing is libcurl's job: the text keeps the dot as written. */
	assert_non_null(strstr(b.ptr, "\r\n.leading dot\r\nend\r\n"));
	pbuf_free(&b);
	pbuf_free(&body);
}

/* ------------------------------------------------------------ webhooks */

/* HMAC-SHA-256 per RFC 2104 from SHA-256 alone, to check the module's
** signature independently of crypto_auth_hmacsha256. */
static void hmac_ref(const char *key, const char *msg, char hex[65])
{
	unsigned char k[64] = { 0 }, ipad[64], opad[64], inner[32], mac[32];
	size_t kl = strlen(key);
	if (kl > 64)
		crypto_hash_sha256(k, (const unsigned char *)key, kl);
	else
		memcpy(k, key, kl);
	for (int i = 0; i < 64; i++) {
		ipad[i] = k[i] ^ 0x36;
		opad[i] = k[i] ^ 0x5c;
	}
	crypto_hash_sha256_state s;
	crypto_hash_sha256_init(&s);
	crypto_hash_sha256_update(&s, ipad, 64);
	crypto_hash_sha256_update(&s, (const unsigned char *)msg, strlen(msg));
	crypto_hash_sha256_final(&s, inner);
	crypto_hash_sha256_init(&s);
	crypto_hash_sha256_update(&s, opad, 64);
	crypto_hash_sha256_update(&s, inner, 32);
	crypto_hash_sha256_final(&s, mac);
	core_hex(mac, 32, hex);
}

static void webhook_signature(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	const char *k1 = "0123456789abcdef0123456789abcdef"; /* 32 bytes */
	const char *k2 = "a-much-longer-secret-for-the-second-subscriber-"
			 "that-exceeds-the-64-byte-block-size-of-sha256";
	struct store_webhook w1, w2, w3;
	assert_int_equal(notify_webhook_add(t->st, "test", "https://soc.example/hook", k1,
					    "incident.created, incident.updated", &w1, &e),
			 0);
	assert_int_equal(notify_webhook_add(t->st, "test", "http://siem.example:8080/in", k2, "*",
					    &w2, &e),
			 0);
	assert_int_equal(notify_webhook_add(t->st, "test", "http://other.example/", k1,
					    "advisory.published", &w3, &e),
			 0);
	const char *json = "{\"event\":\"incident.created\",\"id\":42,\"title\":\"تغییر چهره\"}";
	assert_int_equal(notify_webhooks(t->st, "incident.created", json, &e), 0);
	struct rows *r = list(t, "pending");
	assert_int_equal(r->n, 2);
	for (int i = 0; i < 2; i++) {
		const struct store_outbox *o = &r->o[i];
		bool first = strcmp(o->recipient, "https://soc.example/hook") == 0;
		assert_true(first || strcmp(o->recipient, "http://siem.example:8080/in") == 0);
		assert_string_equal(o->kind, "webhook");
		assert_string_equal(r->body[i], json);
		assert_string_equal(r->subject[i], "incident.created");
		char ref[65], want[80];
		hmac_ref(first ? k1 : k2, json, ref);
		snprintf(want, sizeof(want), "sha256=%s", ref);
		char *sig = header(r->headers[i], "X-Parapet-Signature");
		assert_string_equal(sig, want);
		free(sig);
		char *ev = header(r->headers[i], "X-Parapet-Event");
		assert_string_equal(ev, "incident.created");
		free(ev);
		if (first) {
			/* For a 32-byte key, libsodium's one-shot HMAC agrees as well. */
			unsigned char mac[32];
			char hex[65];
			crypto_auth_hmacsha256(mac, (const unsigned char *)json, strlen(json),
					       (const unsigned char *)k1);
			core_hex(mac, 32, hex);
			assert_string_equal(hex, ref);
		}
	}
	assert_string_not_equal(r->o[0].message_id, r->o[1].message_id);
	free(r);
	/* No subscriber: nothing queued, no error. */
	assert_int_equal(notify_webhooks(t->st, "incident.closed", "{}", &e), 0);
	int64_t pending;
	assert_int_equal(store_outbox_counts(t->st, &pending, NULL, NULL, &e), 0);
	assert_int_equal(pending, 3); /* "*" takes every event */
	/* Bad event names and payloads. */
	assert_int_equal(notify_webhooks(t->st, "Incident Created", "{}", &e), -1);
	assert_string_equal(e.field, "event");
	assert_int_equal(notify_webhooks(t->st, "x\r\nEvil: 1", "{}", &e), -1);
	assert_int_equal(notify_webhooks(t->st, "incident.created", "{not json", &e), -1);
	assert_string_equal(e.field, "json");
	assert_int_equal(notify_webhooks(t->st, "incident.created", "", &e), -1);
	/* Removal is audited and leaves the queued deliveries alone. */
	assert_int_equal(notify_webhook_remove(t->st, "test", w1.id, &e), 0);
	assert_int_equal(notify_webhook_remove(t->st, "test", w1.id, &e), -1);
	assert_int_equal(e.kind, PERR_NOTFOUND);
	assert_int_equal(store_outbox_counts(t->st, &pending, NULL, NULL, &e), 0);
	assert_int_equal(pending, 3);
	(void)w3;
	tdb_close(t);
}

static void webhook_add_validation(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	const char *k = "0123456789abcdef";
	assert_int_equal(notify_webhook_add(t->st, "t", "ftp://x.example/", k, NULL, NULL, &e), -1);
	assert_string_equal(e.field, "url");
	assert_int_equal(notify_webhook_add(t->st, "t", "file:///etc/passwd", k, NULL, NULL, &e),
			 -1);
	assert_int_equal(notify_webhook_add(t->st, "t", "http://x.example/a b", k, NULL, NULL, &e),
			 -1);
	assert_int_equal(
		notify_webhook_add(t->st, "t", "http://x.example/\r\nX: y", k, NULL, NULL, &e), -1);
	assert_int_equal(notify_webhook_add(t->st, "t", "http://x.example/", "short", NULL, NULL,
					    &e),
			 -1);
	assert_string_equal(e.field, "secret");
	assert_int_equal(notify_webhook_add(t->st, "t", "http://x.example/", k, "a,B C", NULL, &e),
			 -1);
	assert_string_equal(e.field, "events");
	struct store_webhook w;
	assert_int_equal(notify_webhook_add(t->st, "t", "http://x.example/", k, "", &w, &e), 0);
	assert_string_equal(w.events, "*");
	tdb_close(t);
}

/* A one-shot HTTP server on a loopback socket: reads one request, answers
** with the given status, keeps the request for the test. */
struct mini {
	int fd;
	int port;
	int status;
	char req[8192];
	size_t len;
	pthread_t th;
};

static void *mini_main(void *arg)
{
	struct mini *m = arg;
	int c = accept(m->fd, NULL, NULL);
	if (c < 0)
		return NULL;
	for (;;) {
		ssize_t r = recv(c, m->req + m->len, sizeof(m->req) - 1 - m->len, 0);
		if (r <= 0)
			break;
		m->len += (size_t)r;
		m->req[m->len] = '\0';
		const char *end = strstr(m->req, "\r\n\r\n");
		const char *cl = strcasestr(m->req, "\r\nContent-Length:");
		if (end && cl && m->len >= (size_t)(end + 4 - m->req) + strtoul(cl + 17, NULL, 10))
			break;
	}
	char resp[128];
	int n = snprintf(resp, sizeof(resp),
			 "HTTP/1.1 %d X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
			 m->status);
	if (send(c, resp, (size_t)n, 0) < 0)
		m->status = -1;
	close(c);
	return NULL;
}

static void mini_start(struct mini *m, int status)
{
	memset(m, 0, sizeof(*m));
	m->status = status;
	m->fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	assert_int_equal(bind(m->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(m->fd, 4), 0);
	getsockname(m->fd, (struct sockaddr *)&a, &al);
	m->port = ntohs(a.sin_port);
	pthread_create(&m->th, NULL, mini_main, m);
}

static void mini_end(struct mini *m)
{
	pthread_join(m->th, NULL);
	close(m->fd);
}

static void webhook_post(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	const char *k = "0123456789abcdef-secret";
	const char *json = "{\"id\":7,\"status\":\"triaged\"}";
	struct mini m;
	mini_start(&m, 204);
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/hook", m.port);
	assert_int_equal(notify_webhook_add(t->st, "t", url, k, "incident.updated", NULL, &e), 0);
	assert_int_equal(notify_webhooks(t->st, "incident.updated", json, &e), 0);
	struct notify_pass p;
	assert_int_equal(notify_process(t->st, &t->cfg, core_now_ms() + 1, 0, notify_send_curl,
					&t->cfg, NULL, &p, &e),
			 0);
	mini_end(&m);
	assert_int_equal(p.sent, 1);
	struct rows *r = list(t, "sent");
	assert_int_equal(r->n, 1);
	char ref[65], want[256];
	hmac_ref(k, json, ref);
	assert_int_equal(strncmp(m.req, "POST /hook HTTP/1.1\r\n", 21), 0);
	snprintf(want, sizeof(want), "\r\nX-Parapet-Signature: sha256=%s\r\n", ref);
	assert_non_null(strstr(m.req, want));
	snprintf(want, sizeof(want), "\r\nX-Parapet-Delivery: %s\r\n", r->o[0].message_id);
	assert_non_null(strstr(m.req, want));
	assert_non_null(strstr(m.req, "\r\nX-Parapet-Event: incident.updated\r\n"));
	assert_non_null(strstr(m.req, "\r\nContent-Type: application/json\r\n"));
	/* The body arrives byte for byte. */
	assert_string_equal(strstr(m.req, "\r\n\r\n") + 4, json);
	free(r);

	/* A 500 is a failed attempt with the status in last_error. */
	mini_start(&m, 500);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/hook", m.port);
	assert_int_equal(notify_webhook_add(t->st, "t", url, k, "x.y", NULL, &e), 0);
	assert_int_equal(notify_webhooks(t->st, "x.y", "[]", &e), 0);
	assert_int_equal(notify_process(t->st, &t->cfg, core_now_ms() + 1, 0, notify_send_curl,
					&t->cfg, NULL, &p, &e),
			 0);
	mini_end(&m);
	assert_int_equal(p.retried, 1);
	r = list(t, "pending");
	assert_int_equal(r->n, 1);
	assert_int_equal(r->o[0].attempts, 1);
	assert_non_null(strstr(r->o[0].last_error, "HTTP status 500"));
	free(r);
	tdb_close(t);
}

/* ------------------------------------------------------------- metrics */

static void metrics_text(void **state)
{
	(void)state;
	struct pbuf b;
	pbuf_init(&b, 0);
	notify_metrics(&b);
	assert_non_null(strstr(b.ptr, "# TYPE parapet_notify_sent_total counter\n"));
	assert_non_null(strstr(b.ptr, "\nparapet_notify_sent_total "));
	assert_non_null(strstr(b.ptr, "\nparapet_notify_failed_total "));
	pbuf_free(&b);
}

static void worker_thread_starts_and_stops(void **state)
{
	(void)state;
	struct tdb *t = tdb_open();
	struct perr e;
	struct notify_worker *w = NULL;
	t->cfg.notify_poll_ms = 10;
	assert_int_equal(notify_start(&t->cfg, t->path, &w, &e), 0);
	notify_kick();
	usleep(50000);
	struct pbuf b;
	pbuf_init(&b, 0);
	notify_metrics(&b);
	assert_non_null(strstr(b.ptr, "\nparapet_outbox_pending 0\n"));
	assert_non_null(strstr(b.ptr, "\nparapet_outbox_failed 0\n"));
	pbuf_free(&b);
	notify_stop(w);
	notify_kick(); /* no worker: a no-op */
	notify_stop(NULL);
	tdb_close(t);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(render_en),
		cmocka_unit_test(render_fa_subject_encoded),
		cmocka_unit_test(render_errors),
		cmocka_unit_test(recipient_injection_rejected),
		cmocka_unit_test(subject_injection_rejected),
		cmocka_unit_test(enqueue_headers),
		cmocka_unit_test(backoff_schedule),
		cmocka_unit_test(retry_then_failed),
		cmocka_unit_test(retry_then_sent),
		cmocka_unit_test(no_smtp_host_keeps_mail_pending),
		cmocka_unit_test(smtp_error_has_no_password),
		cmocka_unit_test(message_text_crlf_and_long_lines),
		cmocka_unit_test(webhook_signature),
		cmocka_unit_test(webhook_add_validation),
		cmocka_unit_test(webhook_post),
		cmocka_unit_test(metrics_text),
		cmocka_unit_test(worker_thread_starts_and_stops),
		cmocka_unit_test(two_senders_send_once),
		cmocka_unit_test(smtp_starttls_mode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
