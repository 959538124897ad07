/*
** feeds_cmds.c — report feeds on the command line.
**
**   import report --type TYPE FILE   import one report file; the last line
**                                    printed is its summary, "rows N parsed N
**                                    rejected N owners N new N duplicate N"
**   feeds parse --type TYPE FILE     the normalised events as JSON Lines,
**                                    without touching the store (to check a
**                                    file or a new schema before importing)
**   feeds types                      the report types of the schema in effect
**   feeds schema update FILE         install a newer Shadowserver schema
**   feeds digest [--at ISO]          make the digests of finished periods
**   feeds files, feeds unowned       what was imported; hosts nobody owns
**
** Rejected rows are printed on stderr ("line N: reason") and do not fail the
** command: a report with a bad line is still imported. A file the type
** cannot read at all exits 65 (EX_DATAERR), a missing one 66; the other
** exit codes are the dispatcher's (dispatch.c). Imports and digests commit
** in their own batches (CLI_OWN_TX in the table in commands.c).
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "feeds/feeds.h"

static int parse_time_opt(const char *at, int64_t *ms)
{
	*ms = 0;
	if (!at)
		return 0;
	if (core_parse_iso8601(at, ms) != 0 || *ms <= 0) {
		fprintf(stderr, "parapet: --at must be an ISO 8601 time\n");
		return EX_USAGE;
	}
	return 0;
}

int cmd_import_report(struct cli_call *x, struct perr *err)
{
	struct cli *c = x->c;
	char **pos = x->pos;
	int64_t at_ms;
	int rc = parse_time_opt(cli_val(x, "--at"), &at_ms);
	if (rc != 0)
		return rc;
	struct feeds_import in = {
		.path = pos[0],
		.type = cli_val(x, "--type"),
		.mapping = cli_val(x, "--mapping"),
		.data_dir = c->data_dir,
		.db_path = c->db_path,
		.source = "cli",
		.actor = x->actor,
		.now_ms = at_ms,
	};
	const char *crash = getenv("PARAPET_FEEDS_CRASH_AFTER");
	int64_t n;
	if (crash && parse_i64(crash, 1, 1000000, &n) == 0)
		in.crash_after_batches = (int)n;
	struct feeds_result res;
	if (feeds_import_file(x->st, &c->cfg, &in, &res, err) != 0) {
		feeds_result_free(&res);
		return -1;
	}
	if (res.rejects.len)
		fputs(res.rejects.ptr, stderr);
	if (res.already)
		fprintf(stderr, "parapet: %s was imported before (file %lld): nothing added\n",
			pos[0], (long long)res.file_id);
	else if (res.resumed)
		fprintf(stderr, "parapet: resumed an interrupted import of %s (file %lld)\n", pos[0],
			(long long)res.file_id);
	printf("rows %lld parsed %lld rejected %lld owners %lld new %lld duplicate %lld\n",
	       (long long)res.rows, (long long)res.parsed, (long long)res.rejected,
	       (long long)res.owners, (long long)res.new_, (long long)res.duplicate);
	feeds_result_free(&res);
	return 0;
}

struct parse_out {
	struct pbuf line;
	int64_t rejects;
};

static int print_event(void *ud, const struct feeds_event *ev)
{
	struct parse_out *o = ud;
	pbuf_reset(&o->line);
	if (feeds_event_json(&o->line, ev) != 0 || pbuf_add(&o->line, "\n", 1) != 0)
		return 1;
	fwrite(o->line.ptr, 1, o->line.len, stdout);
	return 0;
}

static void print_reject(void *ud, size_t line, const char *reason)
{
	struct parse_out *o = ud;
	o->rejects++;
	fprintf(stderr, "line %zu: %s\n", line, reason);
}

/* The schema (or mapping) and the type to parse file with. Returns 0, or
** the exit code after saying why. */
static int load_type(struct cli *c, const char *type, const char *mapping, const char *file,
		     const char *schema_path, struct feeds_schema **s,
		     const struct feeds_type **t)
{
	struct perr err;
	perr_clear(&err);
	int rc;
	if (strcmp(type, "csv") == 0 || strcmp(type, "jsonl") == 0) {
		if (!mapping) {
			fprintf(stderr, "parapet: --type %s needs --mapping FILE\n", type);
			return EX_USAGE;
		}
		rc = feeds_mapping_load(mapping, type[0] == 'j' ? FEEDS_JSONL : FEEDS_CSV, s, &err);
	} else if (schema_path) {
		rc = feeds_schema_load(schema_path, s, &err);
	} else {
		rc = feeds_schema_for(c->data_dir, s, &err);
	}
	if (rc != 0)
		return cli_fail(&err);
	*t = strcmp(type, "auto") == 0 ? feeds_schema_detect(*s, file)
	     : (strcmp(type, "csv") == 0 || strcmp(type, "jsonl") == 0) ? feeds_schema_at(*s, 0)
								       : feeds_schema_find(*s, type);
	if (!*t) {
		fprintf(stderr, "parapet: unknown report type %s (see parapet feeds types)\n",
			type);
		feeds_schema_free(*s);
		*s = NULL;
		return EX_USAGE;
	}
	return 0;
}

int cmd_feeds_parse(struct cli_call *x, struct perr *err)
{
	(void)err;
	struct cli *c = x->c;
	char **pos = x->pos;
	const char *type = cli_val(x, "--type");
	const char *mapping = cli_val(x, "--mapping");
	const char *schema = cli_val(x, "--schema");
	struct feeds_schema *s = NULL;
	const struct feeds_type *t = NULL;
	int rc = load_type(c, type ? type : "auto", mapping, pos[0], schema, &s, &t);
	if (rc != 0)
		return rc;
	int fd = open(pos[0], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "parapet: cannot open %s: %s\n", pos[0], strerror(errno));
		feeds_schema_free(s);
		return EX_NOINPUT;
	}
	struct parse_out o = { 0 };
	pbuf_init(&o.line, 16u << 20);
	struct feeds_parser *p = feeds_parser_new(t, NULL, print_event, print_reject, &o);
	rc = p ? 0 : EX_SOFTWARE;
	char buf[65536];
	while (rc == 0) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "parapet: read %s: %s\n", pos[0], strerror(errno));
			rc = EX_IOERR;
			break;
		}
		int prc = n == 0 ? feeds_parser_finish(p) : feeds_parser_feed(p, buf, (size_t)n);
		if (prc != 0) {
			fprintf(stderr, "parapet: %s: %s\n", pos[0],
				prc < 0 ? feeds_parser_error(p) : "out of memory");
			rc = prc < 0 ? EX_DATAERR : EX_SOFTWARE;
		}
		if (n == 0)
			break;
	}
	if (rc == 0) {
		struct feeds_counts k;
		feeds_parser_counts(p, &k);
		fprintf(stderr, "%s: rows %lld parsed %lld rejected %lld\n", feeds_type_name(t),
			(long long)k.rows, (long long)k.parsed, (long long)k.rejected);
	}
	feeds_parser_free(p);
	pbuf_free(&o.line);
	close(fd);
	feeds_schema_free(s);
	return rc;
}

int cmd_feeds_types(struct cli_call *x, struct perr *err)
{
	struct feeds_schema *s;
	if (feeds_schema_for(x->c->data_dir, &s, err) != 0)
		return -1;
	printf("# schema of %s, %zu report types\n", feeds_schema_date(s)[0] ? feeds_schema_date(s)
									       : "unknown date",
	       feeds_schema_count(s));
	for (size_t i = 0; i < feeds_schema_count(s); i++) {
		const struct feeds_type *t = feeds_schema_at(s, i);
		printf("%-40s %s\n", feeds_type_name(t), feeds_type_feed_name(t));
	}
	feeds_schema_free(s);
	return 0;
}

int cmd_feeds_schema_update(struct cli_call *x, struct perr *err)
{
	struct cli *c = x->c;
	char **argv = x->pos;
	struct feeds_schema *s;
	/* validate the whole file before it replaces anything */
	if (feeds_schema_load(argv[0], &s, err) != 0)
		return -1;
	size_t n = feeds_schema_count(s);
	feeds_schema_free(s);
	char dir[1200], dst[1300];
	struct pbuf b1 = pbuf_fixed(dir, sizeof(dir));
	struct pbuf b3 = pbuf_fixed(dst, sizeof(dst));
	if (pbuf_addf(&b1, "%s/feeds", c->data_dir) || pbuf_addf(&b3, "%s/schema.json", dir)) {
		fprintf(stderr, "parapet: data directory path too long\n");
		return EX_USAGE;
	}
	(void)mkdir(c->data_dir, 0750);
	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		fprintf(stderr, "parapet: cannot create %s: %s\n", dir, strerror(errno));
		return EX_CANTCREAT;
	}
	/* the bytes just validated, installed whole or not at all */
	struct pbuf data;
	if (core_file_read(argv[0], 0, &data, err) != 0 ||
	    core_file_write_atomic(dst, data.ptr ? data.ptr : "", data.len, 0640, err) != 0) {
		pbuf_free(&data);
		fprintf(stderr, "parapet: cannot install the schema in %s: %s\n", dir, err->msg);
		return EX_CANTCREAT;
	}
	pbuf_free(&data);
	printf("installed %s: %zu report types\n", dst, n);
	return 0;
}

int cmd_feeds_digest(struct cli_call *x, struct perr *err)
{
	int64_t at_ms;
	int rc = parse_time_opt(cli_val(x, "--at"), &at_ms);
	if (rc != 0)
		return rc;
	struct feeds_digest_result r;
	if (feeds_digest_run(x->st, &x->c->cfg, at_ms ? at_ms : core_now_ms(), &r, err) != 0)
		return -1;
	printf("digests %d mails %d\n", r.digests, r.mails);
	return 0;
}

static int file_row(void *ud, const struct store_feed_file *f)
{
	(void)ud;
	char when[32];
	core_iso8601(f->received_ms, when, sizeof(when));
	printf("%-6lld %-8s %-24s %s rows %lld parsed %lld rejected %lld owners %lld new %lld "
	       "duplicate %lld  %s\n",
	       (long long)f->id, f->status, f->type, when, (long long)f->rows,
	       (long long)f->parsed, (long long)f->rejected, (long long)f->owners,
	       (long long)f->new_events, (long long)f->duplicates, f->name);
	return 0;
}

int cmd_feeds_files(struct cli_call *x, struct perr *err)
{
	return store_feed_files(x->st, 0, 1000, file_row, NULL, err);
}

static int unowned_row(void *ud, const char *key, int64_t asn, int64_t events, int64_t hosts)
{
	(void)ud;
	printf("%-44s AS%-10lld events %-8lld hosts %lld\n", key, (long long)asn,
	       (long long)events, (long long)hosts);
	return 0;
}

int cmd_feeds_unowned(struct cli_call *x, struct perr *err)
{
	const char *by = cli_val(x, "--by"); /* the table allows asn and prefix */
	return store_feed_unowned(x->st, by ? by : "asn", 1000, unowned_row, NULL, err);
}
