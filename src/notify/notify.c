/*
** notify.c — rendering and enqueuing notifications (see notify.h).
**
** Templates are data/templates/LANG_NAME.txt, compiled into the binary as
** notify_templates[] by scripts/embed.py. A template's first line is
** "Subject: ...", then one empty line, then the body; {{name}} is replaced by
** the variable's value, inserted as is (mail is plain text: nothing to
** escape). A template naming a variable the caller did not give is an error,
** so a renamed variable can never send a mail with a hole in it. Variables:
**
**   assigned  incident_id title severity org link      (to the assignee)
**   message   incident_id title author body link       (to org contacts)
**   state     incident_id title from to link           (to org contacts)
**   sla       incident_id title severity org deadline late link (team lead)
**   test      url time                                 (parapet notify test)
**   advisory, advisory_update, advisory_reminder, advisory_escalation:
**             ref title summary severity score cves exploited deadline
**             actions version org name read_link ack_link changes state
**             left (src/advisory/track.c passes them all)
**   apk_takedown  package version version_code label sha256 sha1 md5 size
**             signer signer_subject author date incident reason
**             permissions indicators (a letter to an app store, not a mail:
**             src/apk/record.c renders it with notify_render)
**
** Variables a template does not use are ignored (callers may pass a common
** set, such as name and org, to every template). Values are inserted in
** whatever language the caller has them: for the Persian templates, pass
** Persian text where there is one (deadline, late, from, to).
**
** url, incident_id and link are supplied here (notify.h). Everything that
** reaches a header is checked here: the recipient is one bare address, the
** subject has no control characters and is RFC 2047-encoded when it is not
** short ASCII, and the configuration's From and Message-ID domain are
** checked too, so no value can add a header line. The complete header block
** is stored with the row, so every attempt sends the same bytes and a
** duplicate after a crash carries the same Message-ID.
*/
#include "notify/notify.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"

struct embed_file {
	const char *name;
	const unsigned char *data;
	size_t len;
};
extern const struct embed_file notify_templates[];

#define SUBJECT_MAX 2048       /* rendered subject, bytes */
#define BODY_MAX (1u << 20)    /* rendered body, bytes */
#define HEADERS_MAX 16384

static const char *const template_names[] = { "assigned", "message", "state", "sla", "test",
					      "digest", "advisory", "advisory_update",
					      "advisory_reminder", "advisory_escalation",
					      "apk_takedown", NULL };

/* --------------------------------------------------------- validation */

bool notify_address_ok(const char *addr)
{
	return core_email_ok(addr);
}

/* A token for Message-ID parts and thread keys: 1-max of [A-Za-z0-9.-]. */
static bool token_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > max || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!(ch == '.' || ch == '-' || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= 'A' && ch <= 'Z')))
			return false;
	}
	return true;
}

/* Printable ASCII only (for the configured From header). */
static bool printable_ascii(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

/* A value that goes into the subject line: no control character at all. */
static bool subject_value_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return false;
	return true;
}

/* ---------------------------------------------------------- templates */

static const struct embed_file *find_template(const char *lang, const char *tmpl)
{
	char name[64];
	if (snprintf(name, sizeof(name), "%s_%s.txt", lang, tmpl) >= (int)sizeof(name))
		return NULL;
	for (const struct embed_file *f = notify_templates; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

struct vars {
	const struct notify_var *user;
	size_t nuser;
	const struct notify_var *builtin;
	size_t nbuiltin;
};

static const char *var_lookup(const struct vars *v, const char *name, size_t n)
{
	for (size_t i = 0; i < v->nuser; i++)
		if (v->user[i].name && strlen(v->user[i].name) == n &&
		    memcmp(v->user[i].name, name, n) == 0)
			return v->user[i].value ? v->user[i].value : "";
	for (size_t i = 0; i < v->nbuiltin; i++)
		if (strlen(v->builtin[i].name) == n && memcmp(v->builtin[i].name, name, n) == 0)
			return v->builtin[i].value;
	return NULL;
}

/* Expand {{name}} in t[0..n) into out. in_subject: values must not hold
** control characters. */
static int expand(struct pbuf *out, const char *t, size_t n, const struct vars *v,
		  bool in_subject, const char *tname, struct perr *err)
{
	size_t i = 0;
	while (i < n) {
		const char *open = NULL;
		for (size_t k = i; k + 1 < n; k++)
			if (t[k] == '{' && t[k + 1] == '{') {
				open = t + k;
				break;
			}
		size_t lit = open ? (size_t)(open - (t + i)) : n - i;
		if (pbuf_add(out, t + i, lit) != 0)
			return perr_set(err, PERR_LIMIT, "vars", "notification too long");
		if (!open)
			break;
		const char *name = open + 2;
		const char *close = NULL;
		for (const char *k = name; k + 1 < t + n; k++)
			if (k[0] == '}' && k[1] == '}') {
				close = k;
				break;
			}
		if (!close)
			return perr_set(err, PERR_INTERNAL, "template", "template %s: unclosed {{",
					tname);
		size_t nlen = (size_t)(close - name);
		const char *val = var_lookup(v, name, nlen);
		if (!val)
			return perr_set(err, PERR_INVALID, "vars",
					"template %s uses {{%.*s}}, which was not given", tname,
					(int)(nlen > 64 ? 64 : nlen), name);
		if (!utf8_valid(val, strlen(val)))
			return perr_set(err, PERR_INVALID, "vars", "value of %.*s is not UTF-8",
					(int)(nlen > 64 ? 64 : nlen), name);
		if (in_subject && !subject_value_ok(val))
			return perr_set(err, PERR_INVALID, "vars",
					"value of %.*s holds a line break or control character, "
					"and it goes into the subject",
					(int)(nlen > 64 ? 64 : nlen), name);
		if (pbuf_adds(out, val) != 0)
			return perr_set(err, PERR_LIMIT, "vars", "notification too long");
		i = (size_t)(close + 2 - t);
	}
	return 0;
}

static int render_with(const char *lang, const char *tmpl, const struct vars *v,
		       char **subject, char **body, struct perr *err)
{
	int rc = -1;
	struct pbuf sb, bb;
	pbuf_init(&sb, SUBJECT_MAX);
	pbuf_init(&bb, BODY_MAX);
	*subject = *body = NULL;
	if (!lang || !*lang)
		lang = "en";
	if (strcmp(lang, "en") != 0 && strcmp(lang, "fa") != 0) {
		perr_set(err, PERR_INVALID, "lang", "language must be en or fa");
		goto out;
	}
	bool known = false;
	for (const char *const *t = template_names; tmpl && *t; t++)
		if (strcmp(*t, tmpl) == 0)
			known = true;
	const struct embed_file *f = known ? find_template(lang, tmpl) : NULL;
	if (!f) {
		perr_set(err, PERR_INVALID, "template",
			 "no template %s: must be assigned, message, state, sla or test",
			 tmpl ? tmpl : "(none)");
		goto out;
	}
	const char *t = (const char *)f->data;
	size_t n = f->len;
	const char *nl = memchr(t, '\n', n);
	static const char pfx[] = "Subject: ";
	if (!nl || (size_t)(nl - t) < sizeof(pfx) - 1 || memcmp(t, pfx, sizeof(pfx) - 1) != 0) {
		perr_set(err, PERR_INTERNAL, "template", "template %s has no Subject line", f->name);
		goto out;
	}
	size_t slen = (size_t)(nl - t) - (sizeof(pfx) - 1);
	if (slen && t[sizeof(pfx) - 1 + slen - 1] == '\r')
		slen--;
	if (expand(&sb, t + sizeof(pfx) - 1, slen, v, true, f->name, err) != 0)
		goto out;
	const char *b = nl + 1;
	size_t blen = n - (size_t)(b - t);
	/* The empty line between subject and body is not part of the body. */
	if (blen && b[0] == '\n') {
		b++;
		blen--;
	} else if (blen >= 2 && b[0] == '\r' && b[1] == '\n') {
		b += 2;
		blen -= 2;
	}
	if (expand(&bb, b, blen, v, false, f->name, err) != 0)
		goto out;
	*subject = pbuf_take(&sb);
	*body = pbuf_take(&bb);
	if (!*subject || !*body) {
		free(*subject);
		free(*body);
		*subject = *body = NULL;
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	rc = 0;
out:
	pbuf_free(&sb);
	pbuf_free(&bb);
	return rc;
}

int notify_render(const char *lang, const char *tmpl, const struct notify_var *vars,
		  size_t nvars, char **subject, char **body, struct perr *err)
{
	struct vars v = { vars, nvars, NULL, 0 };
	return render_with(lang, tmpl, &v, subject, body, err);
}

/* ------------------------------------------------------------ headers */

int notify_encode_subject(struct pbuf *b, const char *subject)
{
	size_t n = strlen(subject);
	bool plain = n <= 66;
	for (size_t i = 0; plain && i < n; i++)
		if ((unsigned char)subject[i] < 0x20 || (unsigned char)subject[i] >= 0x7f)
			plain = false;
	/* "=?" in plain text would be read as the start of an encoded-word. */
	if (plain && !strstr(subject, "=?"))
		return pbuf_adds(b, subject);
	/* Encoded-words of at most 75 characters: "=?UTF-8?B?" + base64 of at
	** most 45 bytes (60 characters) + "?=", never splitting a UTF-8
	** character (RFC 2047 section 5), one per folded line.
	** The first word shares its line with "Subject: ", so it takes at most
	** 39 bytes (52 characters) to keep every line within 76 characters. */
	size_t i = 0;
	bool first = true;
	while (i < n || first) {
		size_t max = first ? 39 : 45;
		size_t take = n - i < max ? n - i : max;
		while (take > 0 && i + take < n && ((unsigned char)subject[i + take] & 0xC0) == 0x80)
			take--;
		if (take == 0 && i < n)
			take = n - i < max ? n - i : max; /* not UTF-8: cannot happen after validation */
		char enc[sodium_base64_ENCODED_LEN(45, sodium_base64_VARIANT_ORIGINAL)];
		sodium_bin2base64(enc, sizeof(enc), (const unsigned char *)subject + i, take,
				  sodium_base64_VARIANT_ORIGINAL);
		if (pbuf_addf(b, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", enc) != 0)
			return -1;
		first = false;
		i += take;
	}
	return 0;
}

/* RFC 5322 date-time in UTC, independent of the locale. */
static void rfc5322_date(int64_t ms, char *out, size_t n)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, n, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7],
		 tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		 tm.tm_sec);
}

static void random_hex(char out[17])
{
	uint8_t r[8];
	randombytes_buf(r, sizeof(r));
	core_hex(r, sizeof(r), out);
}

/* ------------------------------------------------------------ enqueue */

/* The body of a mail with an attachment: the text part, then the file in
** base64 lines of 76 characters, between boundaries made from the message's
** random id (so no text can contain it by chance). *out is malloc'd. */
static int multipart(const char *text, const struct notify_mail *m, const char *hex, char **out)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct pbuf b;
	pbuf_init(&b, (size_t)256 << 20);
	int e = 0;
	e |= pbuf_addf(&b, "This is a MIME message with an attachment.\n\n--=_parapet_%s\n"
			   "Content-Type: text/plain; charset=UTF-8\n"
			   "Content-Transfer-Encoding: 8bit\n\n",
		       hex);
	e |= pbuf_adds(&b, text);
	e |= pbuf_addf(&b, "\n--=_parapet_%s\nContent-Type: %s; name=\"%s\"\n"
			   "Content-Disposition: attachment; filename=\"%s\"\n"
			   "Content-Transfer-Encoding: base64\n\n",
		       hex, m->attach_type, m->attach_name, m->attach_name);
	const unsigned char *in = m->attach;
	size_t n = m->attach_len, col = 0;
	for (size_t i = 0; i < n && !e; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		char q[4] = { b64[v >> 18], b64[(v >> 12) & 63],
			      i + 1 < n ? b64[(v >> 6) & 63] : '=', i + 2 < n ? b64[v & 63] : '=' };
		e |= pbuf_add(&b, q, 4);
		col += 4;
		if (col == 76) {
			e |= pbuf_add(&b, "\n", 1);
			col = 0;
		}
	}
	e |= pbuf_addf(&b, "%s--=_parapet_%s--\n", col ? "\n" : "", hex);
	if (e) {
		pbuf_free(&b);
		return -1;
	}
	*out = pbuf_take(&b);
	return 0;
}

int notify_mail(struct store *st, const struct config *cfg, const struct notify_mail *m,
		struct perr *err)
{
	int rc = -1;
	char *subject = NULL, *body = NULL;
	struct pbuf h;
	pbuf_init(&h, HEADERS_MAX);
	if (!notify_address_ok(m->to)) {
		perr_set(err, PERR_INVALID, "to", "not a single e-mail address");
		goto out;
	}
	if (m->incident_id < 0) {
		perr_set(err, PERR_INVALID, "incident_id", "must not be negative");
		goto out;
	}
	if (m->thread && !token_ok(m->thread, 64)) {
		perr_set(err, PERR_INVALID, "thread", "thread key must be 1-64 of A-Z a-z 0-9 . -");
		goto out;
	}
	if (!printable_ascii(cfg->smtp_from)) {
		perr_set(err, PERR_INVALID, "smtp.from",
			 "smtp.from must be printable ASCII on one line");
		goto out;
	}
	if (!token_ok(cfg->msgid_domain, 120)) {
		perr_set(err, PERR_INVALID, "notify.message_id_domain",
			 "notify.message_id_domain must be a domain name");
		goto out;
	}

	/* Built-in variables. */
	char idbuf[24], link[400], url[300];
	PSTRCPY(url, cfg->public_url);
	size_t ul = strlen(url);
	while (ul && url[ul - 1] == '/')
		url[--ul] = '\0';
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)m->incident_id);
	snprintf(link, sizeof(link), "%s/incidents/%lld", url, (long long)m->incident_id);
	struct notify_var builtin[3] = { { "url", url }, { "incident_id", idbuf },
					 { "link", link } };
	struct vars v = { m->vars, m->nvars, builtin, m->incident_id ? 3 : 1 };
	if (render_with(m->lang, m->tmpl, &v, &subject, &body, err) != 0)
		goto out;

	int64_t now = core_now_ms();
	char date[64], hex[17], msgid[200], root[160];
	rfc5322_date(now, date, sizeof(date));
	random_hex(hex);
	root[0] = '\0';
	if (m->thread)
		snprintf(root, sizeof(root), "%s@%s", m->thread, cfg->msgid_domain);
	else if (m->incident_id)
		snprintf(root, sizeof(root), "incident-%lld@%s", (long long)m->incident_id,
			 cfg->msgid_domain);
	if (m->thread)
		snprintf(msgid, sizeof(msgid), "%s-n%s@%s", m->thread, hex, cfg->msgid_domain);
	else if (m->incident_id)
		snprintf(msgid, sizeof(msgid), "incident-%lld-n%s@%s", (long long)m->incident_id,
			 hex, cfg->msgid_domain);
	else
		snprintf(msgid, sizeof(msgid), "parapet-%s-n%s@%s", m->tmpl, hex,
			 cfg->msgid_domain);

	int e = 0;
	e |= pbuf_addf(&h, "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: ", date, cfg->smtp_from,
		       m->to);
	e |= notify_encode_subject(&h, subject);
	e |= pbuf_addf(&h, "\r\nMessage-ID: <%s>\r\n", msgid);
	if (root[0])
		e |= pbuf_addf(&h, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", root, root);
	if (m->attach) {
		if (!token_ok(m->attach_name ? m->attach_name : "", 100) || !m->attach_type ||
		    !printable_ascii(m->attach_type) || strchr(m->attach_type, ';') ||
		    strchr(m->attach_type, ' ')) {
			perr_set(err, PERR_INVALID, "attachment",
				 "attachment name must be 1-100 of A-Z a-z 0-9 . - and its "
				 "type a MIME type");
			goto out;
		}
		char *mixed = NULL;
		if (multipart(body, m, hex, &mixed) != 0) {
			perr_set(err, PERR_LIMIT, "attachment", "attachment too large");
			goto out;
		}
		free(body);
		body = mixed;
		e |= pbuf_addf(&h, "MIME-Version: 1.0\r\n"
				   "Content-Type: multipart/mixed; boundary=\"=_parapet_%s\"\r\n",
			       hex);
	} else {
		e |= pbuf_adds(&h, "MIME-Version: 1.0\r\n"
				   "Content-Type: text/plain; charset=UTF-8\r\n"
				   "Content-Transfer-Encoding: 8bit\r\n");
	}
	e |= pbuf_adds(&h, "Auto-Submitted: auto-generated\r\n"
			   "X-Auto-Response-Suppress: All\r\n");
	e |= pbuf_addf(&h, "X-Parapet-Template: %s\r\n", m->tmpl);
	if (m->incident_id)
		e |= pbuf_addf(&h, "X-Parapet-Incident: %lld\r\n", (long long)m->incident_id);
	if (e) {
		perr_set(err, PERR_LIMIT, NULL, "mail headers too long");
		goto out;
	}

	struct store_outbox o;
	memset(&o, 0, sizeof(o));
	PSTRCPY(o.kind, "mail");
	if (PSTRCPY_OR_ERR(o.recipient, m->to, "to", err))
		goto out;
	PSTRCPY(o.message_id, msgid);
	o.subject = subject;
	o.body = body;
	o.headers = h.ptr;
	o.incident_id = m->incident_id;
	o.next_ms = now;
	o.created_ms = now;
	if (store_outbox_insert(st, &o, err) != 0)
		goto out;
	rc = 0;
out:
	free(subject);
	free(body);
	pbuf_free(&h);
	return rc;
}

/* ------------------------------------------------------------ webhooks */

static bool event_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!(ch == '.' || ch == '-' || ch == '_' || (ch >= '0' && ch <= '9') ||
		      (ch >= 'a' && ch <= 'z')))
			return false;
	}
	return true;
}

/* Does a webhook's events list ("*" or "a,b,c") name event? */
static bool subscribed(const char *events, const char *event)
{
	struct pstr rest = pstr_c(events), item;
	if (pstr_eqc(pstr_trim(rest), "*"))
		return true;
	while (rest.n) {
		pstr_cut(rest, ',', &item, &rest);
		item = pstr_trim(item);
		if (pstr_eqc(item, event) || pstr_eqc(item, "*"))
			return true;
	}
	return false;
}

struct hooks {
	struct store_webhook *w;
	size_t n, cap;
};

static int collect_hook(void *ud, const struct store_webhook *w)
{
	struct hooks *h = ud;
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 8;
		struct store_webhook *nw = realloc(h->w, cap * sizeof(*nw));
		if (!nw)
			return -1;
		h->w = nw;
		h->cap = cap;
	}
	h->w[h->n++] = *w;
	return 0;
}

int notify_webhooks(struct store *st, const char *event, const char *json, struct perr *err)
{
	int rc = -1;
	struct hooks hooks = { NULL, 0, 0 };
	struct pbuf h;
	pbuf_init(&h, 4096);
	if (!event || !event_name_ok(event, strlen(event))) {
		perr_set(err, PERR_INVALID, "event", "event name must be 1-64 of a-z 0-9 . _ -");
		goto out;
	}
	size_t jl = json ? strlen(json) : 0;
	json_error_t je;
	json_t *parsed = jl && utf8_valid(json, jl)
				 ? json_loadb(json, jl, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je)
				 : NULL;
	if (!parsed) {
		perr_set(err, PERR_INVALID, "json", "webhook payload is not a JSON text");
		goto out;
	}
	json_decref(parsed);
	int r = store_webhook_list(st, collect_hook, &hooks, err);
	if (r != 0) {
		if (r > 0 || err == NULL || err->kind == PERR_OK)
			perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	int64_t now = core_now_ms();
	for (size_t i = 0; i < hooks.n; i++) {
		const struct store_webhook *w = &hooks.w[i];
		if (!subscribed(w->events, event))
			continue;
		uint8_t mac[crypto_auth_hmacsha256_BYTES];
		char machex[2 * sizeof(mac) + 1], hex[17], msgid[200];
		/* HMAC-SHA-256 takes keys of any length; libsodium's one-shot
		** crypto_auth_hmacsha256 wants exactly 32 bytes, so use its
		** streaming form, which hashes longer keys as RFC 2104 says. */
		crypto_auth_hmacsha256_state hs;
		crypto_auth_hmacsha256_init(&hs, (const unsigned char *)w->secret,
					    strlen(w->secret));
		crypto_auth_hmacsha256_update(&hs, (const unsigned char *)json, jl);
		crypto_auth_hmacsha256_final(&hs, mac);
		sodium_memzero(&hs, sizeof(hs));
		core_hex(mac, sizeof(mac), machex);
		random_hex(hex);
		snprintf(msgid, sizeof(msgid), "webhook-%lld-n%s", (long long)w->id, hex);
		pbuf_reset(&h);
		if (pbuf_addf(&h, "X-Parapet-Event: %s\r\nX-Parapet-Signature: sha256=%s\r\n",
			      event, machex) != 0) {
			perr_set(err, PERR_INTERNAL, NULL, "out of memory");
			goto out;
		}
		struct store_outbox o;
		memset(&o, 0, sizeof(o));
		PSTRCPY(o.kind, "webhook");
		if (pstrlcpy(o.recipient, w->url, sizeof(o.recipient)) != 0) {
			plog(PLOG_WARN, "notify: webhook %lld: URL too long, skipped",
			     (long long)w->id);
			continue;
		}
		PSTRCPY(o.message_id, msgid);
		o.subject = event;
		o.body = json;
		o.headers = h.ptr;
		o.next_ms = now;
		o.created_ms = now;
		if (store_outbox_insert(st, &o, err) != 0)
			goto out;
	}
	rc = 0;
out:
	free(hooks.w);
	pbuf_free(&h);
	return rc;
}

int notify_webhook_add(struct store *st, const char *actor, const char *url,
		       const char *secret, const char *events, struct store_webhook *out,
		       struct perr *err)
{
	struct store_webhook w;
	memset(&w, 0, sizeof(w));
	if (!url || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) ||
	    !printable_ascii(url) || strchr(url, ' ') || pstrlcpy(w.url, url, sizeof(w.url)) != 0 ||
	    strlen(url) >= 320)
		return perr_set(err, PERR_INVALID, "url",
				"webhook URL must be http:// or https://, printable ASCII, "
				"under 320 bytes");
	size_t sl = secret ? strlen(secret) : 0;
	if (sl < 16 || sl >= sizeof(w.secret) || !printable_ascii(secret))
		return perr_set(err, PERR_INVALID, "secret",
				"webhook secret must be 16-127 printable ASCII characters");
	if (PSTRCPY_OR_ERR(w.secret, secret, "secret", err))
		return -1;
	if (!events || !*events)
		events = "*";
	if (pstrlcpy(w.events, events, sizeof(w.events)) != 0)
		return perr_set(err, PERR_INVALID, "events", "events list too long");
	if (strcmp(events, "*") != 0) {
		struct pstr rest = pstr_c(events), item;
		while (rest.n) {
			pstr_cut(rest, ',', &item, &rest);
			item = pstr_trim(item);
			if (!event_name_ok(item.p, item.n))
				return perr_set(err, PERR_INVALID, "events",
						"events must be * or a comma list of event names "
						"(a-z 0-9 . _ -)");
		}
	}
	if (store_webhook_insert(st, &w, err) != 0)
		return -1;
	char object[64];
	snprintf(object, sizeof(object), "webhook:%lld", (long long)w.id);
	json_t *after = json_pack("{sI ss ss}", "id", (json_int_t)w.id, "url", w.url, "events",
				  w.events);
	char *after_s = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(after);
	int rc = after_s ? audit_append(st, actor, "webhook.add", object, NULL, after_s, err)
			 : perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	free(after_s);
	if (rc == 0 && out)
		*out = w;
	sodium_memzero(&w, sizeof(w));
	return rc;
}

struct find_hook {
	int64_t id;
	struct store_webhook w;
	bool found;
};

static int find_hook_row(void *ud, const struct store_webhook *w)
{
	struct find_hook *f = ud;
	if (w->id == f->id) {
		f->w = *w;
		f->found = true;
		return 1;
	}
	return 0;
}

int notify_webhook_remove(struct store *st, const char *actor, int64_t id, struct perr *err)
{
	struct find_hook f;
	memset(&f, 0, sizeof(f));
	f.id = id;
	int r = store_webhook_list(st, find_hook_row, &f, err);
	if (r < 0)
		return -1;
	if (!f.found)
		return perr_set(err, PERR_NOTFOUND, NULL, "webhook %lld not found", (long long)id);
	if (store_webhook_delete(st, id, err) != 0)
		return -1;
	char object[64];
	snprintf(object, sizeof(object), "webhook:%lld", (long long)id);
	json_t *before = json_pack("{sI ss ss}", "id", (json_int_t)id, "url", f.w.url, "events",
				   f.w.events);
	char *before_s = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(before);
	sodium_memzero(&f, sizeof(f));
	int rc = before_s ? audit_append(st, actor, "webhook.remove", object, before_s, NULL, err)
			  : perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	free(before_s);
	return rc;
}

int notify_user_email_set(struct store *st, const char *actor, int64_t user_id,
			  const char *addr, struct perr *err)
{
	struct store_user u;
	if (store_user_get(st, user_id, &u, NULL) != 0)
		return perr_set(err, PERR_NOTFOUND, NULL, "no such user");
	if (addr[0] && (strlen(addr) >= sizeof(u.email) || !notify_address_ok(addr)))
		return perr_set(err, PERR_INVALID, "email", "%s is not an address Parapet can mail",
				addr);
	if (store_user_set_email(st, u.id, addr, err) != 0)
		return -1;
	char obj[48];
	snprintf(obj, sizeof(obj), "user:%lld", (long long)u.id);
	return audit_append(st, actor, "user.email", obj, NULL, NULL, err);
}
