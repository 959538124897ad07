/*
** test_indicator_export.c — the export writers (src/indicator/export*.c)
** loaded into the consumers they are written for, no mocks:
**
**  - unbound (Debian) loads the RPZ zone through `rpz:` (zonefile) on a
**    loopback port. The names it resolves come from an auth-zone used for
**    upstream ("example."), which holds the listed AND the unlisted names:
**    without the policy every one of them resolves, so an NXDOMAIN is the
**    policy's doing and not missing data. A listed domain and its
**    subdomains answer NXDOMAIN; a second policy zone written with the
**    CNAME action sends its domain to the walled garden; an unlisted name
**    resolves; a name whose address is listed (rpz-ip, v4 and v6) is
**    rewritten. The zone is then rewritten (one domain delisted, another
**    listed), `unbound-control auth_zone_reload` asked, and the change is
**    seen. Queries are made with dig (bind9-dnsutils).
**  - nft (nftables): `nft -c -f` accepts the script, with thousands of
**    elements in batches and overlapping networks; in a network namespace
**    of its own (unshare -n) the script is loaded for real, loaded again
**    (replacing, not adding), and the set answers for a listed address; an
**    empty export is a valid script too.
**  - STIX: the bundle validates against OASIS's STIX 2.1 schemas (read at
**    run time from STIX_DATA, the shared data directory;
**    tests/data/stix/validate.py, python3-jsonschema); ids are the same
**    in two exports made at different times; a quote in a URL is escaped
**    in the pattern.
**  - MISP: the event and the feed directory (manifest.json + one file an
**    event) validate against the schema written from MISP's documentation
**    (tests/data/misp/), and every attribute carries its MISP type.
*/
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "indicator/indicator.h"
#include "store/store.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */

static struct {
	char *dir;
	pid_t unbound;
	int port, ctl_port;
	char conf[512];
} U;

static struct store_indicator mk(int64_t id, const char *type, const char *value, const char *tlp)
{
	struct store_indicator r;
	memset(&r, 0, sizeof(r));
	r.id = id;
	pstrtrunc(r.type, type, sizeof(r.type));
	pstrtrunc(r.value, value, sizeof(r.value));
	PSTRCPY(r.status, "active");
	pstrtrunc(r.tlp, tlp, sizeof(r.tlp));
	PSTRCPY(r.source, "analyst");
	PSTRCPY(r.class_, "malicious-code");
	PSTRCPY(r.reason, "seen in the campaign of issue 15");
	r.confidence = 70;
	r.first_seen_ms = T0;
	r.last_seen_ms = T0 + 3600000;
	r.expires_ms = T0 + 86400000LL * 365;
	r.created_ms = T0;
	r.updated_ms = T0 + 60000;
	return r;
}

/* Export rows as fmt into path, draining the buffer after every row. */
static void export_file(enum indicator_export_format fmt, const struct indicator_export_opts *o,
			const struct store_indicator *rows, size_t n, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		fail_msg("cannot write %s: %s", path, strerror(errno));
	struct pbuf out;
	pbuf_init(&out, 0);
	struct indicator_export *x;
	struct perr err = { 0 };
	if (indicator_export_open(fmt, o, &out, &x, &err) != 0)
		fail_msg("open %s: %s", indicator_export_format_name(fmt), err.msg);
	for (size_t i = 0; i < n; i++) {
		if (indicator_export_add(x, &rows[i], &err) != 0)
			fail_msg("add: %s", err.msg);
		fwrite(out.ptr, 1, out.len, f);
		pbuf_reset(&out);
	}
	if (indicator_export_close(x, &err) != 0)
		fail_msg("close: %s", err.msg);
	fwrite(out.ptr, 1, out.len, f);
	pbuf_free(&out);
	if (fclose(f) != 0)
		fail_msg("write %s failed", path);
}

static struct h_proc run(const char *const *argv)
{
	struct h_proc p;
	if (h_run(&p, NULL, NULL, argv) != 0)
		fail_msg("could not run %s", argv[0]);
	return p;
}

/* ------------------------------------------------------------------ unbound */

static void stop_unbound(void)
{
	if (U.unbound <= 0)
		return;
	kill(U.unbound, SIGTERM);
	for (int i = 0; i < 200; i++) {
		if (waitpid(U.unbound, NULL, WNOHANG) == U.unbound) {
			U.unbound = 0;
			return;
		}
		usleep(20000);
	}
	kill(U.unbound, SIGKILL);
	waitpid(U.unbound, NULL, 0);
	U.unbound = 0;
}

/* dig @127.0.0.1 -p PORT name type: "STATUS answer answer ..." (malloc'd),
** the rcode and the answer section's data, in order. */
static char *dig(const char *name, const char *type)
{
	char port[16];
	snprintf(port, sizeof(port), "%d", U.port);
	const char *argv[] = { "dig",      "@127.0.0.1", "-p",      port, "+time=2", "+tries=2",
			       "+noall", "+comments",  "+answer", name, type,      NULL };
	struct h_proc p = run(argv);
	char *status = strstr(p.out, "status: ");
	if (p.status != 0 || !status)
		fail_msg("dig %s %s: exit %d: %s%s", name, type, p.status, p.out, p.err);
	struct pbuf b;
	pbuf_init(&b, 0);
	pbuf_add(&b, status + 8, strcspn(status + 8, ","));
	/* answer lines: name ttl class type data */
	for (char *l = strtok(p.out, "\n"); l; l = strtok(NULL, "\n")) {
		if (*l == ';' || !*l)
			continue;
		char rn[256], cls[16], rt[16], data[256];
		long ttl;
		if (sscanf(l, "%255s %ld %15s %15s %255s", rn, &ttl, cls, rt, data) == 5)
			pbuf_addf(&b, " %s", data);
	}
	h_proc_free(&p);
	return pbuf_take(&b);
}

static void expect_dig(const char *name, const char *type, const char *want)
{
	char *got = dig(name, type);
	if (strcmp(got, want) != 0)
		fail_msg("%s %s: got '%s', want '%s'", name, type, got, want);
	free(got);
}

/* Two distinct loopback ports free right now (for unbound's UDP+TCP
** listener and its TCP control channel): both sockets are held while the
** second is picked, so the kernel cannot hand out the same port twice. */
static void free_ports(int *a, int *b)
{
	int s[2];
	int *out[2] = { a, b };
	for (int i = 0; i < 2; i++) {
		s[i] = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in sa = { .sin_family = AF_INET };
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		socklen_t al = sizeof(sa);
		if (s[i] < 0 || bind(s[i], (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
		    getsockname(s[i], (struct sockaddr *)&sa, &al) != 0)
			fail_msg("no free port");
		*out[i] = ntohs(sa.sin_port);
	}
	close(s[0]);
	close(s[1]);
}

static const char example_zone[] =
	"$ORIGIN example.\n$TTL 60\n"
	"@ SOA ns.example. hostmaster.example. 1 3600 600 604800 60\n"
	"@ NS ns.example.\nns A 127.0.0.1\n"
	"evil A 192.0.2.1\nwww.evil A 192.0.2.2\na.b.evil A 192.0.2.5\n"
	"good A 192.0.2.3\nwww.good A 192.0.2.6\n"
	"garden-me A 192.0.2.4\nwalled A 192.0.2.99\n"
	"flux A 198.51.100.7\nflux6 AAAA 2001:db8::1\nnet A 203.0.113.77\n"
	"unlisted A 192.0.2.8\n";

/* the registry's rows of the RPZ test; first = with evil.example, else
** with good.example instead (the update) */
static size_t rpz_rows(struct store_indicator *rows, bool first)
{
	size_t n = 0;
	rows[n++] = mk(1, "domain", first ? "evil.example" : "good.example", "GREEN");
	rows[n++] = mk(2, "ipv4", "198.51.100.7", "GREEN");
	rows[n++] = mk(3, "ipv6", "2001:db8::1", "GREEN");
	rows[n++] = mk(4, "cidr", "203.0.113.0/24", "GREEN");
	/* a URL is not its host: unlisted.example stays resolvable */
	rows[n++] = mk(5, "url", "http://unlisted.example/phish", "GREEN");
	rows[n++] = mk(6, "sha256",
		       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "GREEN");
	/* a trigger label at the end would read as an address trigger */
	rows[n++] = mk(7, "domain", "x.rpz-ip", "GREEN");
	/* the address again as a /32 network (both may be listed): the zone
	** then holds one record twice, which a loader must accept */
	rows[n++] = mk(8, "cidr", "198.51.100.7/32", "GREEN");
	return n;
}

static void write_zones(bool first)
{
	struct store_indicator rows[16];
	size_t n = rpz_rows(rows, first);
	struct indicator_export_opts o = { .now_ms = T0, .serial = first ? 1 : 2,
					   .producer = "CERT test" };
	char *zone = h_fmt("%s/parapet.rpz", U.dir);
	export_file(INDICATOR_EXPORT_RPZ, &o, rows, n, zone);
	free(zone);
	/* the second policy zone: the walled-garden action */
	struct store_indicator g = mk(1, "domain", "garden-me.example", "GREEN");
	struct indicator_export_opts og = { .now_ms = T0, .serial = 1,
					    .rpz_origin = "garden.rpz.parapet",
					    .rpz_action = "walled.example" };
	char *gz = h_fmt("%s/garden.rpz", U.dir);
	export_file(INDICATOR_EXPORT_RPZ, &og, &g, 1, gz);
	free(gz);
}

static void start_unbound(void)
{
	free_ports(&U.port, &U.ctl_port);
	char *conf = h_fmt(
		"server:\n  interface: 127.0.0.1\n  port: %d\n  do-ip6: no\n"
		"  use-syslog: no\n  logfile: \"%s/unbound.log\"\n  verbosity: 1\n"
		"  username: \"\"\n  chroot: \"\"\n  directory: \"%s\"\n"
		"  pidfile: \"%s/unbound.pid\"\n  do-daemonize: no\n"
		"  module-config: \"respip validator iterator\"\n"
		"  trust-anchor-file: \"\"\n  auto-trust-anchor-file: \"\"\n"
		"  rrset-cache-size: 4m\n  msg-cache-size: 4m\n"
		"remote-control:\n  control-enable: yes\n  control-interface: 127.0.0.1\n"
		"  control-port: %d\n  control-use-cert: no\n"
		"auth-zone:\n  name: \"example.\"\n  zonefile: \"%s/example.zone\"\n"
		"  for-upstream: yes\n  for-downstream: no\n  fallback-enabled: no\n"
		"rpz:\n  name: \"rpz.parapet.\"\n  zonefile: \"%s/parapet.rpz\"\n  rpz-log: yes\n"
		"rpz:\n  name: \"garden.rpz.parapet.\"\n  zonefile: \"%s/garden.rpz\"\n",
		U.port, U.dir, U.dir, U.dir, U.ctl_port, U.dir, U.dir, U.dir);
	char *path = h_write_file(U.dir, "unbound.conf", conf);
	snprintf(U.conf, sizeof(U.conf), "%s", path);
	free(path);
	free(conf);
	free(h_write_file(U.dir, "example.zone", example_zone));

	const char *chk[] = { "unbound-checkconf", U.conf, NULL };
	struct h_proc p = run(chk);
	if (p.status != 0)
		fail_msg("unbound-checkconf: %s%s", p.out, p.err);
	h_proc_free(&p);

	pid_t pid = fork();
	if (pid < 0)
		fail_msg("fork failed");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the test */
		execlp("unbound", "unbound", "-d", "-c", U.conf, (char *)NULL);
		_exit(127);
	}
	U.unbound = pid;
	/* ready when the control channel answers */
	char port[16];
	snprintf(port, sizeof(port), "%d", U.ctl_port);
	for (int i = 0; i < 100; i++) {
		const char *st[] = { "unbound-control", "-c", U.conf, "status", NULL };
		struct h_proc q = run(st);
		int ok = q.status == 0;
		h_proc_free(&q);
		if (ok)
			return;
		if (waitpid(U.unbound, NULL, WNOHANG) == U.unbound) {
			U.unbound = 0;
			char *log = h_fmt("%s/unbound.log", U.dir);
			char *text = h_slurp(log);
			fail_msg("unbound exited at start:\n%s", text);
		}
		usleep(100000);
	}
	fail_msg("unbound did not answer its control channel");
}

static void rpz_unbound(void **state)
{
	(void)state;
	U.dir = h_tmpdir("rpz");
	write_zones(true);
	start_unbound();

	/* listed: the domain and any name under it */
	expect_dig("evil.example", "A", "NXDOMAIN");
	expect_dig("www.evil.example", "A", "NXDOMAIN");
	expect_dig("a.b.evil.example", "A", "NXDOMAIN");
	/* unlisted: resolves (also the host of a listed URL) */
	expect_dig("good.example", "A", "NOERROR 192.0.2.3");
	expect_dig("unlisted.example", "A", "NOERROR 192.0.2.8");
	/* the walled garden: a CNAME to it, followed */
	expect_dig("garden-me.example", "A", "NOERROR walled.example. 192.0.2.99");
	expect_dig("x.garden-me.example", "A", "NOERROR walled.example. 192.0.2.99");
	/* response-IP triggers: unlisted names resolving to listed addresses */
	expect_dig("flux.example", "A", "NXDOMAIN");
	expect_dig("flux6.example", "AAAA", "NXDOMAIN");
	expect_dig("net.example", "A", "NXDOMAIN");

	/* the update: evil.example delisted, good.example listed */
	write_zones(false);
	const char *reload[] = { "unbound-control", "-c", U.conf, "auth_zone_reload",
				 "rpz.parapet.", NULL };
	struct h_proc p = run(reload);
	if (p.status != 0)
		fail_msg("unbound-control auth_zone_reload: %s%s", p.out, p.err);
	h_proc_free(&p);
	expect_dig("good.example", "A", "NXDOMAIN");
	expect_dig("www.good.example", "A", "NXDOMAIN");
	expect_dig("evil.example", "A", "NOERROR 192.0.2.1");
	expect_dig("flux.example", "A", "NXDOMAIN");

	stop_unbound();
	h_rmdir(U.dir);
	U.dir = NULL;
}

/* ---------------------------------------------------------------------- nft */

static void nft_loads(void **state)
{
	(void)state;
	char *dir = h_tmpdir("nft");
	size_t n = 3000 + 9;
	struct store_indicator *rows = calloc(n, sizeof(*rows));
	size_t k = 0;
	rows[k++] = mk(1, "ipv4", "192.0.2.1", "GREEN");
	rows[k++] = mk(2, "cidr", "192.0.2.0/24", "GREEN"); /* holds the one before */
	rows[k++] = mk(3, "ipv6", "2001:db8::1", "GREEN");
	rows[k++] = mk(4, "cidr", "2001:db8::/32", "GREEN");
	rows[k++] = mk(5, "domain", "evil.example", "GREEN");
	rows[k++] = mk(6, "cidr", "10.0.0.0/8", "GREEN");
	rows[k++] = mk(7, "cidr", "192.0.2.1/32", "GREEN"); /* the address again */
	for (int i = 0; k < n; i++, k++) {
		char v[32];
		snprintf(v, sizeof(v), "%s%d.%d.%d.%d", "", 100 + i / 65536 % 100, i / 256 % 256,
			 i % 256, 1 + i % 200);
		if (i % 3 == 2)
			snprintf(v, sizeof(v), "2001:db8:%x::%x", 1 + i, 1 + i);
		rows[k] = mk((int64_t)k + 1, i % 3 == 2 ? "ipv6" : "ipv4", v, "GREEN");
	}
	char *file = h_fmt("%s/parapet.nft", dir);
	export_file(INDICATOR_EXPORT_NFT, NULL, rows, n, file);
	char *empty = h_fmt("%s/empty.nft", dir);
	export_file(INDICATOR_EXPORT_NFT, NULL, NULL, 0, empty);
	char *text = h_slurp(file);
	H_CONTAINS(text, "table inet parapet {");
	H_CONTAINS(text, "type ipv4_addr");
	H_CONTAINS(text, "flags interval");
	assert_null(strstr(text, "evil.example"));
	free(text);

	const char *chk[] = { "unshare", "-n", "nft", "-c", "-f", file, NULL };
	struct h_proc p = run(chk);
	if (p.status != 0)
		fail_msg("nft -c -f refused the export: %s%s", p.out, p.err);
	h_proc_free(&p);
	const char *chk0[] = { "unshare", "-n", "nft", "-c", "-f", empty, NULL };
	p = run(chk0);
	if (p.status != 0)
		fail_msg("nft -c -f refused the empty export: %s%s", p.out, p.err);
	h_proc_free(&p);

	/* loaded for real in a namespace of its own, twice (a reload), then
	** asked for a listed address, one inside a listed network, and one
	** not listed */
	char *script = h_fmt("nft -f %s && nft -f %s && "
			     "nft get element inet parapet indicators_v4 '{ 192.0.2.1 }' && "
			     "nft get element inet parapet indicators_v4 '{ 10.9.8.7 }' && "
			     "nft get element inet parapet indicators_v6 '{ 2001:db8::77 }' && "
			     "nft list set inet parapet indicators_v6 | grep -c 2001:db8: && "
			     "! nft get element inet parapet indicators_v4 '{ 8.8.8.8 }' 2>/dev/null && "
			     "nft -f %s && echo '== after the empty export' && "
			     "nft list set inet parapet indicators_v4",
			     file, file, empty);
	const char *load[] = { "unshare", "-n", "sh", "-ec", script, NULL };
	p = run(load);
	if (p.status != 0)
		fail_msg("nft load in a namespace: exit %d: %s%s", p.status, p.out, p.err);
	/* the empty export emptied the set (a reload replaces) */
	char *after = strstr(p.out, "== after the empty export");
	assert_non_null(after);
	H_CONTAINS(after, "set indicators_v4");
	assert_null(strstr(after, "elements = {"));
	h_proc_free(&p);
	free(script);
	free(file);
	free(empty);
	free(rows);
	h_rmdir(dir);
}

/* --------------------------------------------------------------------- STIX */

static size_t all_rows(struct store_indicator *rows)
{
	size_t n = 0;
	rows[n++] = mk(1, "ipv4", "192.0.2.1", "CLEAR");
	rows[n++] = mk(2, "ipv6", "2001:db8::1", "GREEN");
	rows[n++] = mk(3, "cidr", "198.51.100.0/24", "AMBER");
	rows[n++] = mk(4, "cidr", "2001:db8:bad::/48", "AMBER+STRICT");
	rows[n++] = mk(5, "domain", "evil.example", "GREEN");
	rows[n++] = mk(6, "url", "http://evil.example/it's\\here?q=1", "GREEN");
	rows[n++] = mk(7, "email", "phish@evil.example", "GREEN");
	rows[n++] = mk(8, "sha256",
		       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "GREEN");
	rows[n++] = mk(9, "sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709", "GREEN");
	rows[n++] = mk(10, "md5", "d41d8cd98f00b204e9800998ecf8427e", "RED");
	rows[n++] = mk(11, "tls", "4f0b7cf0b2a5a1c0f7d3e8b6a9c2d1e0f3a4b5c6d7e8f90112233445566778899",
		       "GREEN");
	rows[n - 1].value[64] = 0;
	rows[n++] = mk(12, "asn", "AS64500", "GREEN");
	rows[n++] = mk(13, "app",
		       "com.example.fakebank:"
		       "aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233",
		       "AMBER");
	PSTRCPY(rows[n - 1].attribution, "CN=Fake Bank Dev, O=\"Nobody\"");
	PSTRCPY(rows[n - 1].tags, ",android,banker,");
	return n;
}

static const char *stix_schemas(void)
{
	const char *d = getenv("STIX_DATA");
	if (!d || !*d)
		fail_msg("STIX_DATA (OASIS's cti-stix2-json-schemas) is not set");
	return d;
}

static void validate_stix(const char *file)
{
	char *schemas = h_fmt("%s/schemas", stix_schemas());
	char *script = h_fmt("%s/tests/data/stix/validate.py", getenv("SRC_ROOT"));
	const char *argv[] = { "python3", script, schemas, file, NULL };
	struct h_proc p = run(argv);
	if (p.status != 0 || !strstr(p.out, ": valid"))
		fail_msg("%s is not valid STIX 2.1 (exit %d):\n%s%s", file, p.status, p.out, p.err);
	h_proc_free(&p);
	free(schemas);
	free(script);
}

static json_t *load_json(const char *path)
{
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);
	if (!j)
		fail_msg("%s: invalid JSON: %s (line %d)", path, je.text, je.line);
	return j;
}

/* the object of type whose name (or pattern) holds needle */
static json_t *find_obj(json_t *objects, const char *type, const char *key, const char *needle)
{
	size_t i;
	json_t *o;
	json_array_foreach(objects, i, o)
	{
		const char *t = json_string_value(json_object_get(o, "type"));
		const char *v = json_string_value(json_object_get(o, key));
		if (t && !strcmp(t, type) && v && strstr(v, needle))
			return o;
	}
	fail_msg("no %s with %s holding %s", type, key, needle);
	return NULL;
}

static void stix_valid(void **state)
{
	(void)state;
	char *dir = h_tmpdir("stix");
	struct store_indicator rows[32];
	size_t n = all_rows(rows);
	struct indicator_export_opts o = { .now_ms = T0 + 86400000, .producer = "CERT test" };
	char *f1 = h_fmt("%s/a.json", dir), *f2 = h_fmt("%s/b.json", dir);
	export_file(INDICATOR_EXPORT_STIX, &o, rows, n, f1);
	o.now_ms += 86400000;
	export_file(INDICATOR_EXPORT_STIX, &o, rows, n, f2);
	validate_stix(f1);
	/* an empty bundle is valid too */
	char *f0 = h_fmt("%s/empty.json", dir);
	export_file(INDICATOR_EXPORT_STIX, &o, NULL, 0, f0);
	validate_stix(f0);

	json_t *a = load_json(f1), *b = load_json(f2);
	json_t *oa = json_object_get(a, "objects"), *ob = json_object_get(b, "objects");
	/* 1 identity + 5 TLP markings + 13 indicators + malware + relationship */
	assert_int_equal(json_array_size(oa), 1 + 5 + 13 + 2);
	/* deterministic: the same objects, the same ids, whatever the day */
	assert_int_equal(json_array_size(ob), json_array_size(oa));
	for (size_t i = 0; i < json_array_size(oa); i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(oa, i), "id")),
				    json_string_value(json_object_get(json_array_get(ob, i), "id")));
	assert_string_not_equal(json_string_value(json_object_get(a, "id")),
				json_string_value(json_object_get(b, "id")));
	/* another CERT running Parapet never publishes the same ids */
	struct indicator_export_opts other = { .now_ms = T0, .producer = "Other CERT" };
	char *f3 = h_fmt("%s/c.json", dir);
	export_file(INDICATOR_EXPORT_STIX, &other, rows, n, f3);
	json_t *c = load_json(f3);
	json_t *oc = json_object_get(c, "objects");
	assert_string_not_equal(
		json_string_value(json_object_get(find_obj(oa, "indicator", "pattern", "url:value"), "id")),
		json_string_value(json_object_get(find_obj(oc, "indicator", "pattern", "url:value"), "id")));
	json_decref(c);
	free(f3);
	json_t *url = find_obj(oa, "indicator", "pattern", "url:value");
	assert_string_equal(json_string_value(json_object_get(url, "pattern")),
			    "[url:value = 'http://evil.example/it\\'s\\\\here?q=1']");
	json_t *v6net = find_obj(oa, "indicator", "pattern", "2001:db8:bad::/48");
	assert_string_equal(json_string_value(json_object_get(v6net, "pattern")),
			    "[ipv6-addr:value = '2001:db8:bad::/48']");
	assert_string_equal(json_string_value(json_array_get(
				    json_object_get(v6net, "object_marking_refs"), 0)),
			    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003");
	json_t *asn = find_obj(oa, "indicator", "pattern", "autonomous-system");
	assert_string_equal(json_string_value(json_object_get(asn, "pattern")),
			    "[autonomous-system:number = 64500]");
	json_t *h = find_obj(oa, "indicator", "pattern", "file:hashes.'SHA-256'");
	assert_string_equal(json_string_value(json_object_get(h, "valid_from")),
			    "2026-01-01T00:00:00.000Z");
	assert_string_equal(json_string_value(json_object_get(h, "valid_until")),
			    "2027-01-01T00:00:00.000Z");
	assert_int_equal(json_integer_value(json_object_get(h, "confidence")), 70);
	/* the app: malware named by its package, an indicator on its
	** certificate, and the relationship between them */
	json_t *mal = find_obj(oa, "malware", "name", "com.example.fakebank");
	assert_true(json_is_false(json_object_get(mal, "is_family")));
	json_t *cert = find_obj(oa, "indicator", "name", "com.example.fakebank");
	assert_string_equal(json_string_value(json_object_get(cert, "pattern")),
			    "[x509-certificate:hashes.'SHA-256' = "
			    "'aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233']");
	json_t *rel = find_obj(oa, "relationship", "relationship_type", "indicates");
	assert_string_equal(json_string_value(json_object_get(rel, "source_ref")),
			    json_string_value(json_object_get(cert, "id")));
	assert_string_equal(json_string_value(json_object_get(rel, "target_ref")),
			    json_string_value(json_object_get(mal, "id")));
	json_decref(a);
	json_decref(b);
	free(f0);
	free(f1);
	free(f2);
	h_rmdir(dir);
}

/* --------------------------------------------------------------------- MISP */

static void validate_misp(const char *const *files)
{
	char *script = h_fmt("%s/tests/data/misp/validate.py", getenv("SRC_ROOT"));
	const char *argv[16] = { "python3", script };
	size_t k = 2;
	for (size_t i = 0; files[i] && k < 15; i++)
		argv[k++] = files[i];
	argv[k] = NULL;
	struct h_proc p = run(argv);
	if (p.status != 0)
		fail_msg("not valid MISP (exit %d):\n%s%s", p.status, p.out, p.err);
	h_proc_free(&p);
	free(script);
}

/* the attribute whose value is v */
static json_t *misp_attr(json_t *event, const char *v)
{
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(json_object_get(event, "Event"), "Attribute"), i, a)
	{
		if (!strcmp(json_string_value(json_object_get(a, "value")), v))
			return a;
	}
	fail_msg("no attribute %s", v);
	return NULL;
}

static void expect_attr(json_t *ev, const char *value, const char *type, const char *category,
			bool to_ids, const char *tag)
{
	json_t *a = misp_attr(ev, value);
	assert_string_equal(json_string_value(json_object_get(a, "type")), type);
	assert_string_equal(json_string_value(json_object_get(a, "category")), category);
	assert_int_equal(json_is_true(json_object_get(a, "to_ids")), to_ids);
	json_t *t = json_array_get(json_object_get(a, "Tag"), 0);
	assert_string_equal(json_string_value(json_object_get(t, "name")), tag);
}

static void misp_valid(void **state)
{
	(void)state;
	char *dir = h_tmpdir("misp");
	struct store_indicator rows[32];
	size_t n = all_rows(rows);
	for (size_t i = 0; i < n; i++)
		pstrtrunc(rows[i].class_, i % 3 == 0 ? "phishing" : i % 3 == 1 ? "" : "malicious-code",
			  sizeof(rows[i].class_));
	struct indicator_export_opts o = { .now_ms = T0 + 86400000, .producer = "CERT test" };

	/* the single event (HTTP) */
	char *one = h_fmt("%s/event.json", dir);
	export_file(INDICATOR_EXPORT_MISP, &o, rows, n, one);
	const char *files1[] = { one, NULL };
	validate_misp(files1);
	json_t *ev = load_json(one);
	assert_int_equal(json_array_size(json_object_get(json_object_get(ev, "Event"), "Attribute")), n);
	expect_attr(ev, "192.0.2.1", "ip-dst", "Network activity", true, "tlp:clear");
	expect_attr(ev, "198.51.100.0/24", "ip-dst", "Network activity", true, "tlp:amber");
	expect_attr(ev, "evil.example", "domain", "Network activity", true, "tlp:green");
	expect_attr(ev, "phish@evil.example", "email-src", "Payload delivery", true, "tlp:green");
	expect_attr(ev, "d41d8cd98f00b204e9800998ecf8427e", "md5", "Payload delivery", true,
		    "tlp:red");
	expect_attr(ev, "64500", "AS", "Network activity", true, "tlp:green");
	json_t *app = misp_attr(ev, "com.example.fakebank:"
				    "aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233");
	assert_string_equal(json_string_value(json_object_get(app, "type")), "text");
	assert_true(json_is_false(json_object_get(app, "to_ids")));
	H_CONTAINS(json_string_value(json_object_get(app, "comment")), "Android app com.example.fakebank");
	/* the event is as restricted as its most restricted attribute (a RED md5) */
	json_t *e = json_object_get(ev, "Event");
	assert_string_equal(json_string_value(json_object_get(e, "distribution")), "0");
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(json_object_get(e, "Tag"), 0), "name")),
		"tlp:red");
	json_decref(ev);

	/* the feed directory (CLI): one event per class, and a manifest */
	char *feed = h_fmt("%s/feed", dir);
	struct indicator_misp_feed *f;
	struct perr err = { 0 };
	if (indicator_misp_feed_open(feed, &o, &f, &err) != 0)
		fail_msg("feed open: %s", err.msg);
	for (size_t i = 0; i < n; i++)
		if (indicator_misp_feed_add(f, &rows[i], &err) != 0)
			fail_msg("feed add: %s", err.msg);
	struct indicator_export_counts c;
	if (indicator_misp_feed_close(f, &c, &err) != 0)
		fail_msg("feed close: %s", err.msg);
	assert_int_equal(c.written, n);
	char *manifest = h_fmt("%s/manifest.json", feed);
	json_t *m = load_json(manifest);
	assert_int_equal(json_object_size(m), 3); /* phishing, unclassified, malicious-code */
	const char *files2[8] = { manifest };
	size_t k = 1;
	const char *uuid;
	json_t *summary;
	size_t total = 0;
	json_object_foreach(m, uuid, summary)
	{
		char *evf = h_fmt("%s/%s.json", feed, uuid);
		files2[k++] = evf;
		json_t *one_ev = load_json(evf);
		total += json_array_size(
			json_object_get(json_object_get(one_ev, "Event"), "Attribute"));
		json_decref(one_ev);
	}
	files2[k] = NULL;
	validate_misp(files2);
	assert_int_equal(total, n);
	for (size_t i = 1; i < k; i++)
		free((char *)files2[i]);
	json_decref(m);
	free(manifest);
	free(feed);
	free(one);
	h_rmdir(dir);
}

static int teardown(void **state)
{
	(void)state;
	stop_unbound();
	return 0;
}

int main(void)
{
	h_init();
	atexit(stop_unbound);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(rpz_unbound, teardown),
		cmocka_unit_test(nft_loads),
		cmocka_unit_test(stix_valid),
		cmocka_unit_test(misp_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
