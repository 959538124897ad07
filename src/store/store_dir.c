/*
** store_dir.c — the data directory around the database: is it writable, and
** is this process the only one running the jobs that must be alone in it.
**
** Both are about the directory, not the SQL backend, so they live here and
** not in store_sqlite.c. The writability check turns SQLite's "unable to open
** database file" for a read-only directory into a message that says
** read-only and names the path. The lock is flock(LOCK_EX | LOCK_NB) on
** DATA/parapet.lock, with the holder's pid written in the file: flock locks
** belong to the open file, so the kernel drops the lock when the holder dies
** (even by kill -9) and no stale lock ever needs cleaning; the pid is only
** there for the message a second server prints.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "store/store.h"

struct store_dir_lock {
	int fd;
	char path[1100];
};

int store_dir_writable(const char *dir, struct perr *err)
{
	if (access(dir, W_OK) == 0)
		return 0;
	int e = errno;
	if (e == EROFS)
		return perr_set(err, PERR_INVALID, "data",
				"data directory %s is read-only (read-only file system): Parapet "
				"writes its database, journal and files there",
				dir);
	if (e == EACCES || e == EPERM)
		return perr_set(err, PERR_INVALID, "data",
				"data directory %s is read-only for this user (%s): Parapet "
				"writes its database, journal and files there",
				dir, strerror(e));
	if (e == ENOENT)
		return 0; /* not made yet: the caller creates it, or SQLite says so */
	return perr_set(err, PERR_INVALID, "data", "data directory %s: %s", dir, strerror(e));
}

/* The pid written in the lock file at path, or 0 when unreadable. The
** holder writes it right after taking the lock, so a reader that races the
** write may briefly see an empty file: it retries for up to 200 ms. */
static long lock_holder(const char *path)
{
	for (int i = 0; i < 20; i++) {
		FILE *f = fopen(path, "r");
		if (f) {
			char line[32] = "";
			bool got = fgets(line, sizeof(line), f) != NULL;
			fclose(f);
			char *end = NULL;
			long pid = got ? strtol(line, &end, 10) : 0;
			if (pid > 0 && end && (*end == '\n' || *end == '\0'))
				return pid;
		}
		usleep(10000);
	}
	return 0;
}

int store_dir_lock(const char *dir, const char *what, struct store_dir_lock **out,
		   struct perr *err)
{
	int rc = -1;
	struct store_dir_lock *l = calloc(1, sizeof(*l));
	if (!l)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	l->fd = -1;
	if (snprintf(l->path, sizeof(l->path), "%s/parapet.lock", dir) >= (int)sizeof(l->path)) {
		perr_set(err, PERR_INVALID, "data", "data directory path too long");
		goto out;
	}
	if (store_dir_writable(dir, err) != 0)
		goto out;
	/* O_CLOEXEC: a program the server runs must not inherit (and so keep)
	** the lock after the server is gone */
	l->fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (l->fd < 0) {
		perr_set(err, PERR_INTERNAL, "data", "cannot open %s: %s", l->path,
			 strerror(errno));
		goto out;
	}
	if (flock(l->fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		if (e != EWOULDBLOCK) {
			perr_set(err, PERR_INTERNAL, "data", "cannot lock %s: %s", l->path,
				 strerror(e));
			goto out;
		}
		long pid = lock_holder(l->path);
		if (pid > 0)
			perr_set(err, PERR_CONFLICT, "data",
				 "data directory %s is in use by process %ld (%s holds %s); "
				 "only one %s may run on a data directory",
				 dir, pid, what, l->path, what);
		else
			perr_set(err, PERR_CONFLICT, "data",
				 "data directory %s is in use by another process (%s is "
				 "locked); only one %s may run on a data directory",
				 dir, l->path, what);
		goto out;
	}
	char line[32];
	int n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
	if (ftruncate(l->fd, 0) != 0 || pwrite(l->fd, line, (size_t)n, 0) != n) {
		perr_set(err, PERR_INTERNAL, "data", "cannot write %s: %s", l->path,
			 strerror(errno));
		goto out;
	}
	*out = l;
	l = NULL;
	rc = 0;
out:
	if (l) {
		if (l->fd >= 0)
			close(l->fd);
		free(l);
	}
	return rc;
}

void store_dir_unlock(struct store_dir_lock *l)
{
	if (!l)
		return;
	/* the pid goes first, so nobody reads a stale one; the file stays (an
	** unlink would race a newcomer that opened it before the unlink) */
	if (ftruncate(l->fd, 0) != 0) {
		/* nothing to do: the lock is released by close() all the same */
	}
	close(l->fd);
	free(l);
}
