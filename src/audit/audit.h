/*
** audit.h — the append-only, hash-chained record of every change.
**
** Each entry carries who, what, when, the object's state before and after
** (JSON text), the hash of the previous entry and its own hash, SHA-256 over
** a canonical encoding of all of that. Editing, inserting or deleting an entry
** breaks the chain at a place audit_verify() names. audit_append() must run in
** the same store transaction as the change it records, so the change and its
** record land together or not at all.
*/
#ifndef PARAPET_AUDIT_H
#define PARAPET_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "core/core.h"
#include "store/store.h"

/* Append one entry. actor is e.g. "user:alice" or "cli:root"; object e.g.
** "org:12"; before/after JSON text or NULL. Returns 0 or -1 with err. */
int audit_append(struct store *st, const char *actor, const char *action,
		 const char *object, const char *before, const char *after,
		 struct perr *err);

/* The same with the states as JSON values (NULL = none), written compactly
** with sorted keys. Steals both references, on failure too. */
int audit_append_json(struct store *st, const char *actor, const char *action,
		      const char *object, json_t *before, json_t *after, struct perr *err);

struct audit_report {
	int64_t entries;     /* entries checked */
	int64_t bad_seq;     /* first entry at fault, 0 when the chain is intact */
	char problem[256];   /* what is wrong there, for humans */
};

/* Walk the whole chain. Returns 0 when the walk completed (rep->bad_seq tells
** whether the chain is intact), -1 on a store error. */
int audit_verify(struct store *st, struct audit_report *rep, struct perr *err);

/* The entry's hash as hex, from its fields and the previous hash. */
void audit_hash(const struct store_audit *a, char out[65]);

#endif
