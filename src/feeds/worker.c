/*
** worker.c — report feeds inside `parapet serve`: the watched directory,
** uploads, and the digest clock.
**
** One thread polls the watched directory (feeds.dir, default
** DATA/feeds/incoming) every few seconds. A file is taken when its name does
** not start with '.' and it has not changed for FEEDS_SETTLE_S seconds (so a
** file still being copied in is left alone; writers that can should write a
** dot-file and rename it). Shadowserver files are typed by their name; a
** generic file X.csv or X.jsonl is imported with the mapping X.mapping.json
** beside it. After the import the file moves to done/ (or to failed/, with
** the reason in NAME.error), so the directory holds only what is waiting.
** The same thread makes the digests of finished periods once a minute.
**
** Uploads through the API are kept in the blob directory under their
** SHA-256 and imported on the request's thread, so the uploader gets the
** counts in the answer. An upload the server died in (kill -9, power) is
** left "running" with the counts of its last committed batch; when the
** thread starts it resumes each such upload from that checkpoint, as a file
** left in the watched directory is resumed on the next scan, so it ends
** with the counts of a clean import.
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "feeds/internal.h"
#include "notify/notify.h"

#define FEEDS_SETTLE_S 5
#define POLL_MS 3000
#define DIGEST_EVERY_MS 60000

struct feeds_worker {
	pthread_t t;
	atomic_bool stop;
	struct config cfg;
	char data_dir[1024];
	char db_path[1100];
	char dir[1100];
	int64_t started_ms; /* uploads started before this were cut short */
};

/* DATA for a database at DATA/parapet.db. */
static int data_dir_of(const char *db_path, char *out, size_t n)
{
	if (pstrlcpy(out, db_path, n) != 0)
		return -1; /* a cut path names another directory */
	char *slash = strrchr(out, '/');
	if (slash)
		*slash = '\0';
	else
		return pstrlcpy(out, ".", n);
	return 0;
}

static int mkdirs(const char *a, const char *b)
{
	char p[1200];
	struct pbuf pb = pbuf_fixed(p, sizeof(p));
	if (pbuf_addf(&pb, "%s%s%s", a, b ? "/" : "", b ? b : ""))
		return -1;
	return mkdir(p, 0750) == 0 || errno == EEXIST ? 0 : -1;
}

int feeds_import_upload(struct store *st, const struct config *cfg, const char *db_path,
			const char *name, const char *type, const void *data, size_t len,
			const char *actor, struct feeds_result *res, struct perr *err)
{
	char dd[1024], blobs[1100], path[1400];
	memset(res, 0, sizeof(*res));
	if (data_dir_of(db_path, dd, sizeof(dd)) != 0)
		return perr_set(err, PERR_INVALID, "data", "data directory path too long");
	/* kept content-addressed beside evidence, so the report an event came
	** from can always be produced again */
	uint8_t h[32];
	char hex[65];
	core_sha256(data, len, h);
	core_hex(h, 32, hex);
	core_blob_dir(db_path, blobs, sizeof(blobs));
	if (core_blob_write(blobs, hex, data, len, err) != 0)
		return -1;
	if (core_blob_path(blobs, hex, path, sizeof(path)) != 0)
		return perr_set(err, PERR_INTERNAL, NULL, "data directory path too long");
	struct feeds_import in = {
		.path = path,
		.name = name,
		.type = type,
		.data_dir = dd,
		.db_path = db_path,
		.source = "upload",
		.actor = actor,
	};
	/* test hook of the kill -9 tests (see feeds_import.stall_after_batches) */
	const char *stall = getenv("PARAPET_FEEDS_STALL_AFTER");
	int64_t n;
	if (stall && parse_i64(stall, 1, 1000000, &n) == 0)
		in.stall_after_batches = (int)n;
	return feeds_import_file(st, cfg, &in, res, err);
}

/* Move DIR/NAME into DIR/SUB/NAME, with a NAME.error beside it when why. */
static void file_away(const char *dir, const char *name, const char *sub, const char *why)
{
	char from[1400], to[1400];
	struct pbuf fb = pbuf_fixed(from, sizeof(from));
	struct pbuf tb = pbuf_fixed(to, sizeof(to));
	if (mkdirs(dir, sub) != 0 || pbuf_addf(&fb, "%s/%s", dir, name) ||
	    pbuf_addf(&tb, "%s/%s/%s", dir, sub, name))
		return;
	if (rename(from, to) != 0) {
		plog(PLOG_ERROR, "feeds: cannot move %s to %s/: %s", from, sub, strerror(errno));
		return;
	}
	if (why && pbuf_adds(&tb, ".error") == 0) {
		FILE *f = fopen(to, "we");
		if (f) {
			fprintf(f, "%s\n", why);
			fclose(f);
		}
	}
}

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

/* One look at the directory: import every settled file. */
static void scan_dir(struct feeds_worker *w, struct store *st)
{
	DIR *d = opendir(w->dir);
	if (!d)
		return;
	struct dirent *de;
	time_t now = time(NULL);
	while (!atomic_load(&w->stop) && (de = readdir(d))) {
		const char *name = de->d_name;
		if (name[0] == '.' || ends_with(name, ".mapping.json") || ends_with(name, ".error"))
			continue;
		char path[1400], map[1400];
		struct pbuf pb = pbuf_fixed(path, sizeof(path));
		if (pbuf_addf(&pb, "%s/%s", w->dir, name))
			continue;
		struct stat sb;
		if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || now - sb.st_mtime < FEEDS_SETTLE_S)
			continue;
		/* a generic file with its mapping beside it */
		const char *type = "auto", *mapping = NULL;
		bool csv = ends_with(name, ".csv"), jsonl = ends_with(name, ".jsonl");
		if (csv || jsonl) {
			struct pbuf mb = pbuf_fixed(map, sizeof(map));
			size_t stem = strlen(path) - (csv ? 4 : 6);
			if (pbuf_add(&mb, path, stem) == 0 && pbuf_adds(&mb, ".mapping.json") == 0 &&
			    access(map, R_OK) == 0) {
				type = csv ? "csv" : "jsonl";
				mapping = map;
			}
		}
		struct feeds_import in = {
			.path = path,
			.type = type,
			.mapping = mapping,
			.data_dir = w->data_dir,
			.db_path = w->db_path,
			.source = "dir",
			.actor = "parapet-feeds",
		};
		struct feeds_result res;
		struct perr err;
		perr_clear(&err);
		if (feeds_import_file(st, &w->cfg, &in, &res, &err) != 0) {
			plog(PLOG_WARN, "feeds: %s not imported: %s", name, err.msg);
			file_away(w->dir, name, "failed", err.msg);
		} else {
			plog(PLOG_INFO,
			     "feeds: %s: rows %lld parsed %lld rejected %lld owners %lld new %lld "
			     "duplicate %lld%s",
			     name, (long long)res.rows, (long long)res.parsed, (long long)res.rejected,
			     (long long)res.owners, (long long)res.new_, (long long)res.duplicate,
			     res.already ? " (imported before)" : "");
			/* a mapping stays for the next file of its feed */
			file_away(w->dir, name, "done", NULL);
		}
		feeds_result_free(&res);
	}
	closedir(d);
}

struct stale {
	struct store_feed_file *f;
	size_t n, cap;
};

static int add_stale(void *ud, const struct store_feed_file *f)
{
	struct stale *s = ud;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		void *m = realloc(s->f, cap * sizeof(*s->f));
		if (!m)
			return -1;
		s->f = m;
		s->cap = cap;
	}
	s->f[s->n++] = *f;
	return 0;
}

/* Resume every API upload a previous process left running (started before
** this worker, so none of this process's own uploads), from its bytes in
** the blob directory. One that cannot be resumed (its bytes gone, the store
** failing) is marked failed with the reason, "interrupted: ...", and keeps
** its partial counts; uploading the same bytes again resumes it then. */
static void resume_uploads(struct feeds_worker *w, struct store *st)
{
	struct stale s = { 0 };
	struct perr err;
	perr_clear(&err);
	if (store_feed_files_running(st, "upload", w->started_ms, add_stale, &s, &err) != 0) {
		plog(PLOG_ERROR, "feeds: cannot look for interrupted uploads: %s", err.msg);
		goto out;
	}
	char blobs[1100];
	core_blob_dir(w->db_path, blobs, sizeof(blobs));
	for (size_t i = 0; i < s.n && !atomic_load(&w->stop); i++) {
		const struct store_feed_file *f = &s.f[i];
		char path[1400];
		struct feeds_result res;
		perr_clear(&err);
		memset(&res, 0, sizeof(res));
		int rc = -1;
		if (core_blob_path(blobs, f->sha256, path, sizeof(path)) != 0) {
			perr_set(&err, PERR_INTERNAL, NULL, "data directory path too long");
		} else if (access(path, R_OK) != 0) {
			perr_set(&err, PERR_NOTFOUND, NULL, "the uploaded bytes are gone from %s",
				 path);
		} else {
			struct feeds_import in = {
				.path = path,
				.name = f->name,
				.type = f->type,
				.data_dir = w->data_dir,
				.db_path = w->db_path,
				.source = "upload",
				.actor = f->actor,
			};
			rc = feeds_import_file(st, &w->cfg, &in, &res, &err);
		}
		if (rc == 0) {
			plog(PLOG_INFO, "feeds: interrupted upload %s (file %lld) resumed: rows %lld "
					"new %lld", f->name, (long long)f->id, (long long)res.rows,
			     (long long)res.new_);
		} else {
			plog(PLOG_WARN, "feeds: interrupted upload %s (file %lld) not resumed: %s",
			     f->name, (long long)f->id, err.msg);
			struct store_feed_file g;
			struct perr e2;
			perr_clear(&e2);
			if (store_feed_file_get(st, f->id, &g, &e2) == 0 &&
			    strcmp(g.status, "running") == 0) {
				PSTRCPY(g.status, "failed");
				struct pbuf eb = pbuf_fixed(g.error, sizeof(g.error));
				(void)pbuf_addf(&eb, "interrupted: %s", err.msg);
				g.finished_ms = core_now_ms();
				if (store_begin(st, &e2) != 0 || store_feed_file_update(st, &g, &e2) != 0 ||
				    store_commit(st, &e2) != 0) {
					store_rollback(st);
					plog(PLOG_ERROR, "feeds: file %lld: %s", (long long)f->id,
					     e2.msg);
				}
			}
		}
		feeds_result_free(&res);
	}
out:
	free(s.f);
}

static void *worker_main(void *arg)
{
	struct feeds_worker *w = arg;
	struct store *st = NULL;
	struct perr err;
	perr_clear(&err);
	if (store_open(w->db_path, &st, &err) != 0) {
		plog(PLOG_ERROR, "feeds: cannot open the store: %s", err.msg);
		return NULL;
	}
	resume_uploads(w, st);
	int64_t next_digest = 0;
	/* with feeds.enabled off the thread only resumed the uploads */
	while (w->cfg.feeds_enabled && !atomic_load(&w->stop)) {
		scan_dir(w, st);
		int64_t now = core_now_ms();
		if (now >= next_digest) {
			struct feeds_digest_result r;
			perr_clear(&err);
			if (feeds_digest_run(st, &w->cfg, now, &r, &err) != 0)
				plog(PLOG_ERROR, "feeds: digests: %s", err.msg);
			else if (r.digests)
				plog(PLOG_INFO, "feeds: %d digests, %d mails queued", r.digests,
				     r.mails);
			if (r.mails)
				notify_kick();
			next_digest = now + DIGEST_EVERY_MS;
		}
		for (int i = 0; i < POLL_MS / 100 && !atomic_load(&w->stop); i++) {
			struct timespec ts = { 0, 100 * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
	store_close(st);
	return NULL;
}

int feeds_start(const struct config *cfg, const char *db_path, struct feeds_worker **out,
		struct perr *err)
{
	struct feeds_worker *w = calloc(1, sizeof(*w));
	if (!w)
		return perr_set(err, PERR_INTERNAL, NULL, "out of memory");
	w->cfg = *cfg;
	w->started_ms = core_now_ms();
	if (pstrlcpy(w->db_path, db_path, sizeof(w->db_path)) != 0 ||
	    data_dir_of(db_path, w->data_dir, sizeof(w->data_dir)) != 0) {
		free(w);
		return perr_set(err, PERR_INVALID, "data", "data directory path too long");
	}
	if (!cfg->feeds_enabled) {
		/* nothing watched: the thread resumes interrupted uploads only */
	} else if (cfg->feeds_dir[0]) {
		PSTRCPY(w->dir, cfg->feeds_dir);
	} else {
		struct pbuf b = pbuf_fixed(w->dir, sizeof(w->dir));
		if (pbuf_addf(&b, "%s/feeds/incoming", w->data_dir) != 0) {
			free(w);
			return perr_set(err, PERR_INVALID, "data", "data directory path too long");
		}
		(void)mkdirs(w->data_dir, "feeds");
	}
	if (cfg->feeds_enabled && mkdirs(w->dir, NULL) != 0) {
		int e = errno;
		free(w);
		return perr_set(err, PERR_INVALID, "feeds.dir", "cannot create %s: %s",
				cfg->feeds_dir[0] ? cfg->feeds_dir : "the watched directory",
				strerror(e));
	}
	if (pthread_create(&w->t, NULL, worker_main, w) != 0) {
		free(w);
		return perr_set(err, PERR_INTERNAL, NULL, "cannot start the feeds thread");
	}
	if (cfg->feeds_enabled)
		plog(PLOG_INFO, "feeds: watching %s", w->dir);
	*out = w;
	return 0;
}

void feeds_stop(struct feeds_worker *w)
{
	if (!w)
		return;
	atomic_store(&w->stop, true);
	pthread_join(w->t, NULL);
	free(w);
}
