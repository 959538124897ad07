/*
** indicator_export_cmds.c — `parapet indicator export` and `parapet
** indicator consumer add|list|show|set|rotate|rm`: the registry's exports
** and their consumers on the command line (issue 15).
**
** The same domain calls as the API (src/indicator/consumer.c), run as the
** local operator. What scripts rely on (the contract): `indicator
** export --format F [--consumer NAME] [--out FILE]` writes the export and
** nothing else to standard output, or to FILE all or nothing (a temporary
** file beside it, renamed over it: a resolver reloading the zone never reads
** half of one), streaming in bounded memory (1 MiB chunks) either way; `consumer add` and `consumer rotate` print the token alone
** on a line ({"id","token"} with --json), the only time it is shown.
**
** Without --consumer an export follows the staff default rule
** (indicator_export_allows: TLP:CLEAR, GREEN and AMBER; never AMBER+STRICT,
** never RED); with it, exactly what that consumer receives over HTTP.
*/
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "indicator/indicator.h"

static const char *const formats[] = { "plain", "csv",	    "json", "stix",
				       "misp",	"rpz", "suricata", "nft" };
#define VALUES(a) a, sizeof(a) / sizeof(a[0])

const struct cli_opt indicator_export_opts[] = {
	{ "--format", "F", "the format (default the consumer's)", VALUES(formats) },
	{ "--consumer", "NAME", "what this consumer receives (its TLP marks and filter)" },
	{ "--out", "FILE", "write to FILE (atomically) instead of standard output; misp: a feed "
			   "directory (manifest.json and one file per event)" },
	{ NULL },
};

const struct cli_opt indicator_consumer_add_opts[] = {
	{ "--format", "F", "the format it polls", VALUES(formats), .required = true },
	{ "--member", NULL, "a member of the constituency: receives TLP:AMBER" },
	{ "--strict", NULL, "named for TLP:AMBER+STRICT: receives it" },
	{ "--types", "a,b", "only these indicator types (repeatable)", .repeat = true },
	{ "--classes", "a,b", "only these RSIT classes (repeatable)", .repeat = true },
	{ "--tags", "a,b", "only indicators with one of these tags (repeatable)", .repeat = true },
	{ "--min-confidence", "N", "only indicators of at least this confidence (0-100)" },
	{ NULL },
};

const struct cli_opt indicator_consumer_set_opts[] = {
	{ "--format", "F", "the format it polls", VALUES(formats) },
	{ "--member", NULL, "a member of the constituency: receives TLP:AMBER" },
	{ "--no-member", NULL, "no longer a member: no TLP:AMBER" },
	{ "--strict", NULL, "named for TLP:AMBER+STRICT" },
	{ "--no-strict", NULL, "no longer named for TLP:AMBER+STRICT" },
	{ "--disable", NULL, "refuse its token until enabled" },
	{ "--enable", NULL, "accept its token again" },
	{ "--types", "a,b", "only these indicator types (\"\" = every type)", .repeat = true },
	{ "--classes", "a,b", "only these RSIT classes (\"\" = every class)", .repeat = true },
	{ "--tags", "a,b", "only these tags (\"\" = any)", .repeat = true },
	{ "--min-confidence", "N", "only indicators of at least this confidence (0-100)" },
	{ NULL },
};

/* The consumer spec of the options both add and set take. */
static int spec_from(struct cli_call *x, struct indicator_consumer_spec *s, struct perr *err)
{
	memset(s, 0, sizeof(*s));
	s->min_confidence = -1;
	s->member = s->strict = s->disabled = -1;
	s->format = cli_val(x, "--format");
	s->types = cli_val(x, "--types");
	s->classes = cli_val(x, "--classes");
	s->tags = cli_val(x, "--tags");
	const char *mc = cli_val(x, "--min-confidence");
	int64_t v;
	if (mc) {
		if (parse_i64(mc, 0, 100, &v) != 0)
			return perr_set(err, PERR_INVALID, "min_confidence",
					"--min-confidence is from 0 to 100");
		s->min_confidence = (int)v;
	}
	if (cli_val(x, "--member"))
		s->member = 1;
	if (cli_val(x, "--strict"))
		s->strict = 1;
	return 0;
}

/* Print a new token: alone on its line, or {"id","token"}. */
static void print_token(const struct cli_call *x, int64_t id, char *token)
{
	if (x->c->json)
		cli_print_json(json_pack("{sI ss}", "id", (json_int_t)id, "token", token));
	else
		printf("%s\n", token);
	sodium_memzero(token, INDICATOR_CONSUMER_TOKEN_SIZE);
}

int cmd_indicator_consumer_add(struct cli_call *x, struct perr *err)
{
	struct indicator_consumer_spec s;
	if (spec_from(x, &s, err) != 0)
		return -1;
	s.name = x->pos[0];
	char token[INDICATOR_CONSUMER_TOKEN_SIZE];
	struct indicator_consumer c;
	if (indicator_consumer_create(x->st, NULL, x->actor, &s, core_now_ms(), token, &c, err) !=
	    0)
		return -1;
	print_token(x, c.id, token);
	return 0;
}

int cmd_indicator_consumer_set(struct cli_call *x, struct perr *err)
{
	struct indicator_consumer_spec s;
	struct indicator_consumer c;
	if (spec_from(x, &s, err) != 0)
		return -1;
	if (cli_val(x, "--no-member"))
		s.member = 0;
	if (cli_val(x, "--no-strict"))
		s.strict = 0;
	if (cli_val(x, "--disable"))
		s.disabled = 1;
	if (cli_val(x, "--enable"))
		s.disabled = 0;
	if (indicator_consumer_find(x->st, NULL, x->pos[0], &c, err) != 0 ||
	    indicator_consumer_update(x->st, NULL, x->actor, c.id, &s, &c, err) != 0)
		return -1;
	cli_print_json(indicator_consumer_json(&c));
	return 0;
}

struct list_ctx {
	bool json;
	json_t *arr;
};

static int list_row(void *ud, const struct indicator_consumer *c)
{
	struct list_ctx *l = ud;
	if (l->json)
		return json_array_append_new(l->arr, indicator_consumer_json(c));
	char lf[40] = "never";
	if (c->last_fetch_ms)
		core_iso8601(c->last_fetch_ms, lf, sizeof(lf));
	printf("%-6lld %-24s %-9s %-7s %-7s %-9s %-24s %s\n", (long long)c->id, c->name,
	       c->format, c->member ? "member" : "-", c->strict ? "strict" : "-",
	       c->disabled ? "disabled" : "enabled", lf, c->filter_json);
	return 0;
}

int cmd_indicator_consumer_list(struct cli_call *x, struct perr *err)
{
	struct list_ctx l = { x->c->json, json_array() };
	if (!l.json)
		printf("%-6s %-24s %-9s %-7s %-7s %-9s %-24s %s\n", "ID", "NAME", "FORMAT", "AMBER",
		       "STRICT", "STATE", "LAST FETCH", "FILTER");
	int rc = indicator_consumer_list(x->st, NULL, list_row, &l, err);
	if (rc == 0 && l.json)
		cli_print_json(json_incref(l.arr));
	json_decref(l.arr);
	return rc;
}

int cmd_indicator_consumer_show(struct cli_call *x, struct perr *err)
{
	struct indicator_consumer c;
	if (indicator_consumer_find(x->st, NULL, x->pos[0], &c, err) != 0)
		return -1;
	cli_print_json(indicator_consumer_json(&c));
	return 0;
}

int cmd_indicator_consumer_rotate(struct cli_call *x, struct perr *err)
{
	struct indicator_consumer c;
	char token[INDICATOR_CONSUMER_TOKEN_SIZE];
	if (indicator_consumer_find(x->st, NULL, x->pos[0], &c, err) != 0 ||
	    indicator_consumer_rotate(x->st, NULL, x->actor, c.id, token, err) != 0)
		return -1;
	print_token(x, c.id, token);
	return 0;
}

int cmd_indicator_consumer_rm(struct cli_call *x, struct perr *err)
{
	struct indicator_consumer c;
	if (indicator_consumer_find(x->st, NULL, x->pos[0], &c, err) != 0 ||
	    indicator_consumer_delete(x->st, NULL, x->actor, c.id, err) != 0)
		return -1;
	if (x->c->json)
		cli_print_json(json_pack("{sI sb}", "id", (json_int_t)c.id, "removed", 1));
	else
		printf("consumer %s removed\n", c.name);
	return 0;
}

/* Where an export streams: standard output, or a temporary file beside
** --out that is renamed over it once whole. */
struct sink {
	FILE *f;
	const char *what; /* for messages */
};

static int sink_write(void *ud, const char *p, size_t n, struct perr *err)
{
	struct sink *k = ud;
	if (fwrite(p, 1, n, k->f) != n)
		return perr_set(err, PERR_INTERNAL, NULL, "cannot write %s", k->what);
	return 0;
}

int cmd_indicator_export(struct cli_call *x, struct perr *err)
{
	const char *cname = cli_val(x, "--consumer");
	const char *out = cli_val(x, "--out");
	struct indicator_consumer c;
	struct indicator_export_req rq = { .consumer = NULL, .format = cli_val(x, "--format") };
	if (cname) {
		if (indicator_consumer_find(x->st, NULL, cname, &c, err) != 0)
			return -1;
		rq.consumer = &c;
	} else if (!rq.format) {
		return perr_set(err, PERR_INVALID, "format",
				"--format is needed without --consumer");
	}
	/* MISP to a directory: the feed MISP subscribes to (manifest.json and
	** one file per event) */
	const char *fname = rq.format ? rq.format : rq.consumer->format;
	if (out && out[0] && indicator_export_format_parse(fname) == INDICATOR_EXPORT_MISP) {
		int64_t n = 0;
		if (indicator_export_misp_dir(x->st, &x->c->cfg, NULL, &rq, core_now_ms(), out, &n,
					      err) != 0)
			return -1;
		fprintf(stderr, "%lld indicators written to the MISP feed %s\n", (long long)n,
			out);
		return 0;
	}
	char tmp[1200] = "";
	struct sink k = { stdout, "standard output" };
	if (out && out[0]) {
		/* all or nothing: a resolver reloading the zone, or a firewall
		** loading the set, never reads half of one */
		int n = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", out, (long)getpid());
		if (n < 0 || (size_t)n >= sizeof(tmp))
			return perr_set(err, PERR_INVALID, "out", "the path is too long");
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0 || !(k.f = fdopen(fd, "w"))) {
			if (fd >= 0)
				close(fd);
			return perr_set(err, PERR_INTERNAL, "out", "cannot write %s: %s", tmp,
					strerror(errno));
		}
		k.what = tmp;
	}
	rq.drain = sink_write;
	rq.drain_ud = &k;
	/* the writer's buffer: a chunk and one row at most, drained as it fills */
	struct pbuf b;
	pbuf_init(&b, INDICATOR_EXPORT_CHUNK * 4);
	int64_t count = 0;
	int rc = indicator_export_run(x->st, &x->c->cfg, NULL, &rq, core_now_ms(), &b, NULL, NULL,
				      &count, err);
	pbuf_free(&b);
	if (k.f == stdout) {
		if (rc == 0 && fflush(stdout) != 0)
			rc = perr_set(err, PERR_INTERNAL, NULL, "cannot write to standard output");
		return rc;
	}
	if (rc == 0 && (fflush(k.f) != 0 || fsync(fileno(k.f)) != 0))
		rc = perr_set(err, PERR_INTERNAL, "out", "cannot write %s: %s", tmp, strerror(errno));
	if (fclose(k.f) != 0 && rc == 0)
		rc = perr_set(err, PERR_INTERNAL, "out", "cannot write %s: %s", tmp, strerror(errno));
	if (rc == 0 && rename(tmp, out) != 0)
		rc = perr_set(err, PERR_INTERNAL, "out", "cannot replace %s: %s", out,
			      strerror(errno));
	if (rc != 0) {
		unlink(tmp);
		return -1;
	}
	/* the file is the result; what went into it goes to stderr, so that
	** a script's standard output stays empty */
	fprintf(stderr, "%lld indicators written to %s\n", (long long)count, out);
	return 0;
}
