/*
** watch_cmds.c — `parapet watch analyze BASE.html... -- NEW.html [--url URL]`:
** the website watch's content analysis, offline, on files.
**
** The files are read here (the analysis does no I/O) and handed to
** watch_analyze_pages(), the same call the monitor makes on fetched bodies,
** so what an analyst sees here is what the monitor would decide. The verdict
** is always printed as JSON and the exit status is 0 whatever it says: the
** command reports, it does not judge for a script. Usage errors exit 2,
** unreadable files 1.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "watch/watch.h"

/* Base pages accepted on one command line. */
#define BASE_FILES_MAX 64

/* Read at most WATCH_BODY_MAX + 1 bytes of path: one byte past the cap is
** enough for the analysis to see, and flag, a truncated body, and a huge
** file costs no more memory than that. */
static int read_page(const char *path, struct watch_page *pg)
{
	struct pbuf b;
	pbuf_init(&b, (size_t)WATCH_BODY_MAX + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "parapet: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	char chunk[65536];
	int rc = 0;
	while (b.len < (size_t)WATCH_BODY_MAX + 1) {
		size_t want = (size_t)WATCH_BODY_MAX + 1 - b.len;
		ssize_t got = read(fd, chunk, want < sizeof(chunk) ? want : sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			fprintf(stderr, "parapet: cannot read %s: %s\n", path, strerror(errno));
			rc = -1;
			break;
		}
		if (got == 0)
			break;
		if (pbuf_add(&b, chunk, (size_t)got) != 0) {
			fprintf(stderr, "parapet: cannot read %s: out of memory\n", path);
			rc = -1;
			break;
		}
	}
	close(fd);
	if (rc != 0) {
		pbuf_free(&b);
		return -1;
	}
	pg->len = b.len;
	pg->body = pbuf_take(&b);
	if (!pg->body) {
		fprintf(stderr, "parapet: cannot read %s: out of memory\n", path);
		return -1;
	}
	return 0;
}

int cmd_watch_analyze(struct cli *c, int argc, char **argv)
{
	(void)c;
	const char *base_paths[BASE_FILES_MAX], *new_path = NULL, *url = NULL;
	int nbase = 0, nnew = 0, rc = 1;
	bool after_sep = false;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--url") == 0) {
			if (i + 1 >= argc || url)
				return cli_usage_of("watch analyze");
			url = argv[++i];
		} else if (strcmp(argv[i], "--") == 0 && !after_sep) {
			after_sep = true;
		} else if (strncmp(argv[i], "--", 2) == 0) {
			fprintf(stderr, "parapet: unknown option %s\n", argv[i]);
			return cli_usage_of("watch analyze");
		} else if (after_sep) {
			new_path = argv[i];
			nnew++;
		} else if (nbase < BASE_FILES_MAX) {
			base_paths[nbase++] = argv[i];
		} else {
			fprintf(stderr, "parapet: at most %d base pages\n", BASE_FILES_MAX);
			return 2;
		}
	}
	if (!after_sep || nbase == 0 || nnew != 1)
		return cli_usage_of("watch analyze");

	struct watch_page base[BASE_FILES_MAX], page = { NULL, 0 };
	int nread = 0;
	for (; nread < nbase; nread++)
		if (read_page(base_paths[nread], &base[nread]) != 0)
			goto out;
	if (read_page(new_path, &page) != 0)
		goto out;

	struct watch_verdict v;
	struct perr err;
	perr_clear(&err);
	if (watch_analyze_pages(base, (size_t)nbase, &page, url, &v, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	json_t *j = watch_verdict_json(&v);
	if (!j) {
		fprintf(stderr, "parapet: out of memory\n");
		goto out;
	}
	/* Not cli_print_json(): similarity and floor read better with a few
	** digits than with the 17 that round-trip a double. */
	char *txt = json_dumps(j, JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(6));
	json_decref(j);
	if (!txt) {
		fprintf(stderr, "parapet: out of memory\n");
		goto out;
	}
	printf("%s\n", txt);
	free(txt);
	rc = 0;
out:
	for (int i = 0; i < nread; i++)
		free((char *)base[i].body);
	free((char *)page.body);
	return rc;
}
