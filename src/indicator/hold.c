/*
** hold.c — the decision on a held indicator: a value that hit a MISP
** warninglist (a public resolver, a cloud range, a top domain) is stored
** held, never exported, until an analyst confirms it (it is listed active
** and the lists it hit stay in held_lists, so the override is on record)
** or rejects it (retired: kept and searchable, so the same false positive
** is recognised when it comes back).
**
** Both decisions are audited with the lists that were overridden; the API
** (src/http/indicator_import.c) and the CLI (`parapet indicator confirm|
** reject ID`) call these functions and nothing else.
*/
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "identity/identity.h"
#include "indicator/indicator.h"
#include "store/store.h"

bool indicator_may_curate(const struct principal *p)
{
	/* the registry is the CERT's and national: what a constituent or a
	** responder proposes goes through an analyst, and a credential
	** narrowed to one organisation or province changes none of it (as
	** with advisories) */
	return !p || (identity_is_analyst(p) && !p->scope_org && !p->scope_province[0]);
}

json_t *indicator_held_lists_json(const char *held)
{
	json_t *a = json_array();
	struct pstr rest = pstr_c(held ? held : ""), head;
	while (a && rest.n) {
		bool more = pstr_cut(rest, ';', &head, &rest);
		head = pstr_trim(head);
		if (head.n)
			json_array_append_new(a, json_stringn(head.p, head.n));
		if (!more)
			break;
	}
	return a;
}

/* Move indicator id from held to status to, audited as action. */
static int decide(struct store *st, const struct principal *p, const char *actor, int64_t id,
		  const char *to, const char *action, const char *reason, int64_t now_ms,
		  struct perr *err)
{
	if (!indicator_may_curate(p))
		return perr_set(err, PERR_FORBIDDEN, NULL,
				"only CERT staff confirm or reject held indicators");
	struct store_indicator *r = malloc(sizeof(*r));
	int rc = -1;
	if (!r)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	if (store_indicator_get(st, id, r, err) != 0)
		goto out;
	if (strcmp(r->status, "held") != 0) {
		perr_set(err, PERR_CONFLICT, "status", "indicator %lld is %s, not held",
			 (long long)id, r->status);
		goto out;
	}
	pstrtrunc(r->status, to, sizeof(r->status)); /* "active", "retired": they fit */
	r->updated_ms = now_ms;
	if (store_indicator_update(st, r, err) != 0)
		goto out;
	char obj[48];
	snprintf(obj, sizeof(obj), "indicator:%lld", (long long)id);
	json_t *before = json_pack("{ss ss ss}", "status", "held", "type", r->type, "value",
				   r->value);
	json_t *after = json_pack("{ss so}", "status", to, "overridden",
				  indicator_held_lists_json(r->held_lists));
	if (after && reason && reason[0])
		json_object_set_new(after, "reason", json_string(reason));
	rc = audit_append_json(st, actor ? actor : "parapet", action, obj, before, after, err);
out:
	free(r);
	return rc;
}

int indicator_confirm(struct store *st, const struct principal *p, const char *actor,
		      int64_t id, int64_t now_ms, struct perr *err)
{
	return decide(st, p, actor, id, "active", "indicator.confirm", NULL, now_ms, err);
}

int indicator_reject(struct store *st, const struct principal *p, const char *actor,
		     int64_t id, const char *reason, int64_t now_ms, struct perr *err)
{
	if (reason && strlen(reason) > 1000)
		return perr_set(err, PERR_INVALID, "reason", "reason is longer than 1000 bytes");
	return decide(st, p, actor, id, "retired", "indicator.reject", reason, now_ms, err);
}

static int held_row(void *ud, const struct store_indicator *r)
{
	json_t *it = json_pack("{sI ss ss so ss ss ss si ss ss so so}", "id", (json_int_t)r->id,
			       "type", r->type, "value", r->value, "held_lists",
			       indicator_held_lists_json(r->held_lists), "reason", r->reason,
			       "class", r->class_,
			       "tlp", r->tlp, "confidence", r->confidence, "source", r->source,
			       "actor", r->actor, "created", core_json_time(r->created_ms),
			       "updated", core_json_time(r->updated_ms));
	if (!it)
		return 1;
	return json_array_append_new(ud, it) == 0 ? 0 : 1;
}

int indicator_held_list(struct store *st, const struct principal *p, int64_t limit,
			json_t **out, struct perr *err)
{
	*out = NULL;
	if (!indicator_may_curate(p))
		return perr_set(err, PERR_FORBIDDEN, NULL, "only CERT staff see held indicators");
	json_t *items = json_array();
	if (!items)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	struct store_indicator_filter f = { .status = "held", .expired = -1, .limit = limit };
	if (store_indicator_list(st, &f, held_row, items, err) != 0) {
		json_decref(items);
		return -1;
	}
	*out = json_pack("{so}", "items", items);
	return *out ? 0 : perr_set(err, PERR_INTERNAL, NULL, "out of memory");
}
