/*
** audit.c — appending to and verifying the hash chain.
**
** The hash of an entry is SHA-256 over its fields, each written as a decimal
** length, a colon and the bytes (netstring style), so no choice of field
** contents can make two different entries encode alike. seq numbers are dense
** (1, 2, 3, ...) and part of the hash, so a deleted entry shows as a gap even
** at the very end of the log only if a later entry exists; the newest entry's
** hash is also what an operator can note down outside the system.
*/
#include "audit/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void field(struct pbuf *b, const char *s)
{
	(void)pbuf_addf(b, "%zu:", strlen(s));
	(void)pbuf_adds(b, s);
}

void audit_hash(const struct store_audit *a, char out[65])
{
	struct pbuf b;
	pbuf_init(&b, 0);
	(void)pbuf_addf(&b, "%lld|%lld|", (long long)a->seq, (long long)a->ts_ms);
	field(&b, a->actor);
	field(&b, a->action);
	field(&b, a->object);
	field(&b, a->before ? a->before : "");
	field(&b, a->after ? a->after : "");
	field(&b, a->prev_hash);
	uint8_t d[32];
	core_sha256(b.ptr ? b.ptr : "", b.len, d);
	core_hex(d, 32, out);
	pbuf_free(&b);
}

int audit_append(struct store *st, const char *actor, const char *action,
		 const char *object, const char *before, const char *after,
		 struct perr *err)
{
	struct store_audit a;
	memset(&a, 0, sizeof(a));
	int64_t last;
	if (store_audit_last(st, &last, a.prev_hash, err) != 0)
		return -1;
	a.seq = last + 1;
	a.ts_ms = core_now_ms();
	pstrlcpy(a.actor, actor, sizeof(a.actor));
	pstrlcpy(a.action, action, sizeof(a.action));
	pstrlcpy(a.object, object, sizeof(a.object));
	a.before = before ? before : "";
	a.after = after ? after : "";
	audit_hash(&a, a.hash);
	return store_audit_insert(st, &a, err);
}

int audit_append_json(struct store *st, const char *actor, const char *action,
		      const char *object, json_t *before, json_t *after, struct perr *err)
{
	char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = (before && !b) || (after && !a)
			 ? perr_set(err, PERR_INTERNAL, NULL, "out of memory")
			 : audit_append(st, actor, action, object, b, a, err);
	free(b);
	free(a);
	json_decref(before);
	json_decref(after);
	return rc;
}

struct walk {
	struct audit_report *rep;
	int64_t prev_seq;
	char prev_hash[65];
};

static int check_entry(void *ud, const struct store_audit *a)
{
	struct walk *w = ud;
	struct audit_report *r = w->rep;
	r->entries++;
	char h[65];
	audit_hash(a, h);
	if (strcmp(h, a->hash) != 0) {
		r->bad_seq = a->seq;
		snprintf(r->problem, sizeof(r->problem),
			 "entry %lld was edited: its content does not match its hash",
			 (long long)a->seq);
		return 1;
	}
	if (a->seq != w->prev_seq + 1) {
		r->bad_seq = a->seq;
		snprintf(r->problem, sizeof(r->problem),
			 "entries %lld to %lld were deleted (next entry is %lld)",
			 (long long)(w->prev_seq + 1), (long long)(a->seq - 1),
			 (long long)a->seq);
		return 1;
	}
	if (strcmp(a->prev_hash, w->prev_hash) != 0) {
		r->bad_seq = a->seq;
		snprintf(r->problem, sizeof(r->problem),
			 "entry %lld does not follow entry %lld: an entry was inserted "
			 "or replaced",
			 (long long)a->seq, (long long)w->prev_seq);
		return 1;
	}
	w->prev_seq = a->seq;
	memcpy(w->prev_hash, a->hash, sizeof(w->prev_hash));
	return 0;
}

int audit_verify(struct store *st, struct audit_report *rep, struct perr *err)
{
	memset(rep, 0, sizeof(*rep));
	struct walk w = { rep, 0, "" };
	int rc = store_audit_list(st, 0, 0, check_entry, &w, err);
	return rc < 0 ? -1 : 0;
}
