/*
** testutil.h — shared setup for unit tests that need a real store: a fresh
** SQLite database in a temporary directory, migrated, with the built-in
** provinces, and a cheap password-hashing configuration.
*/
#ifndef PARAPET_TESTUTIL_H
#define PARAPET_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "constituency/constituency.h"
#include "store/store.h"

struct tdb {
	char dir[64];
	char path[128];
	struct store *st;
	struct config cfg;
};

static inline struct tdb *tdb_open(void)
{
	struct tdb *t = calloc(1, sizeof(*t));
	struct perr e;
	snprintf(t->dir, sizeof(t->dir), "/tmp/parapet-unit-XXXXXX");
	if (!mkdtemp(t->dir))
		abort();
	snprintf(t->path, sizeof(t->path), "%s/t.db", t->dir);
	config_defaults(&t->cfg);
	t->cfg.pwhash_ops = 1;
	t->cfg.pwhash_mem = 8192;
	if (store_create(t->path, &t->st, &e) != 0 || store_migrate(t->st, NULL, &e) != 0 ||
	    constituency_provinces_load(t->st, NULL, &e) != 0) {
		fprintf(stderr, "tdb_open: %s\n", e.msg);
		abort();
	}
	return t;
}

static inline void tdb_close(struct tdb *t)
{
	char p[160];
	constituency_index_shutdown();
	store_close(t->st);
	const char *sfx[] = { "", "-wal", "-shm" };
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", t->path, sfx[i]);
		unlink(p);
	}
	rmdir(t->dir);
	free(t);
}

#endif
