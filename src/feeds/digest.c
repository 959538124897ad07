/*
** digest.c — telling each organisation, once per period and feed, what the
** reports found on its hosts, and what classification calls for what.
**
** A digest is made when its period is over: every owned event of one
** organisation and feed received in that period, summarised per
** classification, listed host by host in a CSV attachment, followed by the
** remediation text of each classification (and of each device vendor that
** has one) in the contact's language. The digest record, the marks on its
** events and one outbox mail per contact commit in one transaction, so a
** digest is enqueued exactly once even if the job is killed and run again;
** the outbox then delivers it at least once, with a Message-ID that makes a
** repeat recognisable.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "feeds/internal.h"
#include "notify/notify.h"

extern const struct embed_file {
	const char *name;
	const unsigned char *data;
	size_t len;
} feeds_data[];

/* ----------------------------------------------------------- data files */

static const struct embed_file *data_file(const char *name)
{
	for (const struct embed_file *f = feeds_data; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

/* data/feeds/classes.csv, parsed once: the import asks for every new
** event of an owned host, so the file is not read again per event. */
#define MAX_CLASSES 128

struct class_rule {
	bool by_type;   /* "type:" rather than "identifier:" */
	char value[96];
	char sev[16];
	bool incident;
};

static struct class_rule class_rules[MAX_CLASSES];
static size_t nclass_rules;
static pthread_once_t classes_once = PTHREAD_ONCE_INIT;

static void load_classes(void)
{
	const struct embed_file *f = data_file("classes.csv");
	if (!f)
		return;
	struct pstr rest = { (const char *)f->data, f->len }, line;
	while (rest.n && nclass_rules < MAX_CLASSES) {
		if (!pstr_cut(rest, '\n', &line, &rest))
			line = rest, rest.n = 0;
		line = pstr_trim(line);
		if (line.n == 0 || line.p[0] == '#')
			continue;
		struct pstr match, s, action, kind, value;
		if (!pstr_cut(line, ',', &match, &line) || !pstr_cut(line, ',', &s, &action) ||
		    !pstr_cut(match, ':', &kind, &value))
			continue;
		struct class_rule *r = &class_rules[nclass_rules];
		r->by_type = pstr_eqc(kind, "type");
		if ((!r->by_type && !pstr_eqc(kind, "identifier")) ||
		    pstr_copy(value, r->value, sizeof(r->value)) != 0 ||
		    pstr_copy(s, r->sev, sizeof(r->sev)) != 0)
			continue;
		r->incident = pstr_eqc(pstr_trim(action), "incident");
		nclass_rules++;
	}
}

const char *feeds_class_severity(const char *identifier, const char *type, bool *incident)
{
	pthread_once(&classes_once, load_classes);
	*incident = false;
	for (size_t i = 0; i < nclass_rules; i++) {
		const struct class_rule *r = &class_rules[i];
		const char *v = r->by_type ? type : identifier;
		if (v && strcmp(v, r->value) == 0) {
			*incident = r->incident;
			return r->sev;
		}
	}
	return "medium";
}

/* A file name from a classification: [a-z0-9-] only, so a report cannot
** name a path. */
static bool safe_name(const char *s)
{
	if (!s || !*s || strlen(s) > 80)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

static const struct embed_file *remediation_file(const char *lang, const char *name)
{
	if (!safe_name(name))
		return NULL;
	char path[128];
	struct pbuf b = pbuf_fixed(path, sizeof(path));
	if (pbuf_addf(&b, "remediation/%s/%s.txt", lang, name) != 0)
		return NULL;
	return data_file(path);
}

char *feeds_remediation(const char *lang, const char *identifier, const char *type)
{
	if (!lang || strcmp(lang, "fa") != 0)
		lang = "en";
	const struct embed_file *f = remediation_file(lang, identifier);
	if (!f)
		f = remediation_file(lang, type);
	if (!f)
		f = remediation_file(lang, "default");
	if (!f)
		return strdup("");
	struct pstr v = { (const char *)f->data, f->len };
	return pstr_dup(v);
}

/* The vendor's text, or NULL: "product-mikrotik" for "MikroTik". */
static char *vendor_remediation(const char *lang, const char *vendor)
{
	char name[64] = "product-";
	size_t k = 8;
	for (const char *p = vendor; *p && k < sizeof(name) - 1; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			name[k++] = c;
	}
	name[k] = '\0';
	const struct embed_file *f =
		remediation_file(lang && strcmp(lang, "fa") == 0 ? "fa" : "en", name);
	return f ? pstr_dup((struct pstr){ (const char *)f->data, f->len }) : NULL;
}

/* ---------------------------------------------------------------- digest */

struct cls {
	char ident[96];
	char type[64];
	int64_t hosts;
};

struct digest {
	struct pbuf csv;
	int64_t events, hosts;
	struct cls cls[32];
	size_t ncls;
	char vendors[8][64];
	size_t nvendors;
	char last_ip[64];
};

static int digest_event(void *ud, const struct store_feed_event *ev)
{
	struct digest *d = ud;
	char first[32], last[32];
	core_iso8601(ev->first_ms, first, sizeof(first));
	core_iso8601(ev->last_ms, last, sizeof(last));
	int e = 0;
	e |= csv_write_field(&d->csv, ev->ip);
	e |= pbuf_addf(&d->csv, ",%lld,%lld,", (long long)ev->port, (long long)ev->asn);
	e |= csv_write_field(&d->csv, ev->fqdn);
	e |= pbuf_add(&d->csv, ",", 1);
	e |= csv_write_field(&d->csv, ev->identifier);
	e |= pbuf_add(&d->csv, ",", 1);
	e |= csv_write_field(&d->csv, ev->product);
	e |= pbuf_addf(&d->csv, ",%s,%s,%lld\n", first, last, (long long)ev->seen);
	if (e)
		return -1;
	d->events += ev->seen;
	/* rows come ordered by identifier then IP: a host is counted once per
	** classification */
	struct cls *c = d->ncls ? &d->cls[d->ncls - 1] : NULL;
	if (!c || strcmp(c->ident, ev->identifier) != 0) {
		if (d->ncls < ARRAY_SIZE(d->cls)) {
			c = &d->cls[d->ncls++];
			/* the digest lists classes for a human: a longer name
			** than the field shows cut */
			pstrtrunc(c->ident, ev->identifier, sizeof(c->ident));
			pstrtrunc(c->type, ev->type, sizeof(c->type));
			c->hosts = 0;
		}
		d->last_ip[0] = '\0';
	}
	if (strcmp(d->last_ip, ev->ip) != 0) {
		if (c)
			c->hosts++;
		d->hosts++;
		if (pstrlcpy(d->last_ip, ev->ip, sizeof(d->last_ip)) != 0)
			d->last_ip[0] = '\0'; /* never a cut address */
	}
	if (ev->product[0]) {
		char vendor[64];
		struct pstr v = pstr_c(ev->product), head, tail;
		if (pstr_cut(v, ' ', &head, &tail))
			v = head;
		(void)pstr_copy(v, vendor, sizeof(vendor));
		bool have = false;
		for (size_t i = 0; i < d->nvendors; i++)
			have |= strcmp(d->vendors[i], vendor) == 0;
		if (!have && d->nvendors < 8)
			pstrtrunc(d->vendors[d->nvendors++], vendor, sizeof(d->vendors[0])); /* shown */
	}
	return 0;
}

struct due {
	int64_t org, period;
	char feed[128];
};

struct due_list {
	struct due *d;
	size_t n, cap;
};

static int due_row(void *ud, int64_t org, const char *feed, int64_t period)
{
	struct due_list *l = ud;
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;
		struct due *d = realloc(l->d, nc * sizeof(*d));
		if (!d)
			return -1;
		l->d = d;
		l->cap = nc;
	}
	l->d[l->n].org = org;
	l->d[l->n].period = period;
	if (pstrlcpy(l->d[l->n].feed, feed, sizeof(l->d[0].feed)) != 0)
		return -1; /* a cut name would find another feed's events */
	l->n++;
	return 0;
}

struct contacts {
	struct store_contact c[64];
	size_t n;
};

static int contact_row(void *ud, const struct store_contact *c)
{
	struct contacts *l = ud;
	if (l->n < 64 && c->email[0])
		l->c[l->n++] = *c;
	return 0;
}

/* The mail of one digest to one contact. */
static int mail_one(struct store *st, const struct config *cfg, const struct store_org *org,
		    const struct due *du, const struct digest *d, const struct store_contact *c,
		    struct perr *err)
{
	int rc = -1;
	const char *lang = strcmp(c->lang, "fa") == 0 ? "fa" : "en";
	struct pbuf summary, rem;
	pbuf_init(&summary, 1u << 16);
	pbuf_init(&rem, 1u << 20);
	int e = 0;
	for (size_t i = 0; i < d->ncls; i++)
		e |= pbuf_addf(&summary, "  %-36s %6lld %s\n", d->cls[i].ident,
			       (long long)d->cls[i].hosts, lang[0] == 'f' ? "میزبان" : "hosts");
	for (size_t i = 0; i < d->ncls; i++) {
		char *t = feeds_remediation(lang, d->cls[i].ident, d->cls[i].type);
		e |= !t || pbuf_addf(&rem, "== %s ==\n%s\n", d->cls[i].ident, t);
		free(t);
	}
	for (size_t i = 0; i < d->nvendors; i++) {
		char *t = vendor_remediation(lang, d->vendors[i]);
		if (t)
			e |= pbuf_addf(&rem, "== %s ==\n%s\n", d->vendors[i], t);
		free(t);
	}
	if (e) {
		perr_set(err, PERR_LIMIT, NULL, "digest text too long");
		goto out;
	}
	char period[32], day[16], events[24], hosts[24], attach[96], thread[64];
	core_iso8601(du->period, period, sizeof(period));
	memcpy(day, period, 10);
	day[10] = '\0';
	struct pbuf b1 = pbuf_fixed(events, sizeof(events));
	struct pbuf b2 = pbuf_fixed(hosts, sizeof(hosts));
	struct pbuf b3 = pbuf_fixed(attach, sizeof(attach));
	struct pbuf b4 = pbuf_fixed(thread, sizeof(thread));
	(void)pbuf_addf(&b1, "%lld", (long long)d->events);
	(void)pbuf_addf(&b2, "%lld", (long long)d->hosts);
	(void)pbuf_addf(&b3, "parapet-%s-org%lld-", day, (long long)org->id);
	for (const char *p = du->feed; *p && b3.len < sizeof(attach) - 6; p++) {
		char ch = *p;
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '-' || ch == '.';
		(void)pbuf_add(&b3, ok ? &ch : "-", 1);
	}
	(void)pbuf_adds(&b3, ".csv");
	(void)pbuf_addf(&b4, "digest-%lld-%lld", (long long)org->id, (long long)(du->period / 1000));
	struct notify_var vars[] = {
		{ "org", org->name },     { "feed", du->feed },        { "period", day },
		{ "events", events },     { "hosts", hosts },          { "summary", summary.ptr },
		{ "remediation", rem.ptr }, { "attachment", attach },
	};
	struct notify_mail m = {
		.to = c->email,
		.lang = lang,
		.tmpl = "digest",
		.vars = vars,
		.nvars = ARRAY_SIZE(vars),
		.thread = thread,
		.attach_name = attach,
		.attach_type = "text/csv",
		.attach = d->csv.ptr,
		.attach_len = d->csv.len,
	};
	rc = notify_mail(st, cfg, &m, err);
out:
	pbuf_free(&summary);
	pbuf_free(&rem);
	return rc;
}

/* Make one digest; *made is 1 when it was made, 0 when its events were
** digested meanwhile by another process. */
static int digest_one(struct store *st, const struct config *cfg, const struct due *du,
		      int64_t now_ms, int *made, int *mails, struct perr *err)
{
	int rc = -1;
	struct digest *d = calloc(1, sizeof(*d));
	struct contacts *cs = calloc(1, sizeof(*cs));
	if (!d || !cs) {
		perr_set(err, PERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	pbuf_init(&d->csv, 64u << 20);
	if (pbuf_adds(&d->csv, "ip,port,asn,fqdn,classification,product,first_seen,last_seen,"
			       "reports\n") != 0)
		goto out;
	struct store_org org;
	if (store_begin(st, err) != 0)
		goto out;
	if (store_org_get(st, du->org, &org, err) != 0 ||
	    store_contact_list(st, du->org, contact_row, cs, err) != 0 ||
	    store_feed_digest_events(st, du->org, du->feed, du->period, digest_event, d, err) != 0)
		goto fail;
	if (d->events == 0) {
		/* another process digested them since we listed the work */
		store_rollback(st);
		rc = 0;
		goto out;
	}
	int n = 0;
	for (size_t i = 0; i < cs->n; i++) {
		if (mail_one(st, cfg, &org, du, d, &cs->c[i], err) != 0)
			goto fail;
		n++;
	}
	if (cs->n == 0)
		plog(PLOG_WARN, "feeds: organisation %lld (%s) has no contact with an e-mail "
				"address: its %s digest is recorded but mailed to no one",
		     (long long)org.id, org.name, du->feed);
	int64_t id;
	if (store_feed_digest_insert(st, du->org, du->feed, du->period, d->events, d->hosts, n,
				     now_ms, &id, err) != 0 ||
	    store_commit(st, err) != 0)
		goto fail;
	*mails += n;
	*made = 1;
	rc = 0;
	goto out;
fail:
	store_rollback(st);
out:
	if (d)
		pbuf_free(&d->csv);
	free(d);
	free(cs);
	return rc;
}

int feeds_digest_run(struct store *st, const struct config *cfg, int64_t now_ms,
		     struct feeds_digest_result *out, struct perr *err)
{
	int rc = -1;
	struct due_list l = { 0 };
	int64_t period = cfg->feeds_period * 1000;
	memset(out, 0, sizeof(*out));
	/* a period is over when its end is not after now */
	if (store_feed_due(st, now_ms - period + 1, due_row, &l, err) != 0)
		goto out;
	for (size_t i = 0; i < l.n; i++) {
		struct perr e;
		perr_clear(&e);
		int made = 0;
		if (digest_one(st, cfg, &l.d[i], now_ms, &made, &out->mails, &e) != 0) {
			*err = e;
			goto out;
		}
		out->digests += made;
	}
	rc = 0;
out:
	free(l.d);
	return rc;
}
