/*
** test_services.c — the well-known services list as an operator and
** the web UI reach it, through the real server and the real binary:
** GET /api/v1/watch/services and `parapet watch services` give the same
** list (the built-in one names YouTube's privacy-mode host as video),
** filtered by category, an unknown category refused by both (400 and 65);
** a constituent reads it, an anonymous caller does not; and a replacement
** file named by watch.services is what both serve, while a bad one stops
** check-config and every command with 78 and the file's line.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define PW "services-password-1"

static char *dir;

/* `parapet --data DIR ARGS...` with extra environment entries. */
static void run_env(struct h_proc *p, const char *const *env, const char *const *args)
{
	const char *argv[16] = { h_bin(), "--data", dir };
	size_t n = 3;
	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (h_run(p, NULL, env, argv) != 0)
		fail_msg("cannot run parapet");
}

/* The item of items whose host and (absent) path are host's. */
static const json_t *item_of(const json_t *items, const char *host)
{
	size_t i;
	const json_t *it;
	json_array_foreach(items, i, it)
		if (strcmp(h_jstr(it, "host"), host) == 0 && !json_object_get(it, "path"))
			return it;
	return NULL;
}

static void api_and_cli_list_the_same_services(void **state)
{
	(void)state;
	int64_t org = h_org_add(dir, "Org A", "Tehran");
	h_user_add(dir, "analyst", "analyst", 0, NULL, PW);
	h_user_add(dir, "cons", "constituent", org, NULL, PW);
	char *tok = h_token_add(dir, "analyst", "--name", "t", NULL);
	char *ctok = h_token_add(dir, "cons", "--name", "t", NULL);
	struct h_server srv;
	h_server_start(&srv, dir, NULL);
	struct h_cred an = { .token = tok }, co = { .token = ctok };
	struct h_resp r;

	h_http(&srv, &r, "GET", "/api/v1/watch/services", &an, NULL);
	H_STATUS(&r, 200);
	assert_string_equal(h_jstr(r.json, "origin"), "built-in");
	json_t *items = json_object_get(r.json, "items");
	assert_true(json_array_size(items) >= 100);
	const json_t *yt = item_of(items, "www.youtube-nocookie.com");
	assert_non_null(yt);
	assert_string_equal(h_jstr(yt, "name"), "YouTube");
	assert_string_equal(h_jstr(yt, "category"), "video");
	assert_string_equal(h_jstr(yt, "match"), "exact");
	assert_string_equal(json_string_value(json_array_get(json_object_get(yt, "roles"), 0)),
			    "iframe");
	/* a public CDN carries its user-content prefix */
	size_t i;
	const json_t *it;
	bool gh = false;
	json_array_foreach(items, i, it)
		gh |= json_object_get(it, "user_content") &&
		      strcmp(h_jstr(it, "user_content"), "/gh/:2") == 0 &&
		      strcmp(h_jstr(it, "host"), "jsdelivr.net") == 0;
	assert_true(gh);

	/* the CLI prints the same document */
	struct h_proc p;
	const char *json_args[] = { "watch", "services", "--json", NULL };
	run_env(&p, NULL, json_args);
	assert_int_equal(p.status, 0);
	json_t *cli = json_loads(p.out, 0, NULL);
	assert_non_null(cli);
	assert_true(json_equal(cli, r.json));
	json_decref(cli);
	h_proc_free(&p);
	h_resp_free(&r);

	/* the table: host, match, category, roles, name */
	const char *table_args[] = { "watch", "services", "--category", "video", NULL };
	run_env(&p, NULL, table_args);
	assert_int_equal(p.status, 0);
	H_CONTAINS(p.out, "www.youtube-nocookie.com");
	H_CONTAINS(p.out, "YouTube");
	H_CONTAINS(p.out, "Aparat");
	assert_null(strstr(p.out, "Shaparak"));
	h_proc_free(&p);

	/* filtered by category */
	h_http(&srv, &r, "GET", "/api/v1/watch/services?category=payment", &co, NULL);
	H_STATUS(&r, 200);
	items = json_object_get(r.json, "items");
	assert_true(json_array_size(items) >= 3);
	json_array_foreach(items, i, it)
		assert_string_equal(h_jstr(it, "category"), "payment");
	assert_non_null(item_of(items, "shaparak.ir"));
	h_resp_free(&r);

	/* an unknown category: refused by both, naming the field */
	h_http(&srv, &r, "GET", "/api/v1/watch/services?category=ads", &an, NULL);
	H_PROBLEM(&r, 400, "category");
	h_resp_free(&r);
	const char *bad_args[] = { "watch", "services", "--category", "ads", NULL };
	run_env(&p, NULL, bad_args);
	assert_int_equal(p.status, 65);
	H_CONTAINS(p.err, "category");
	h_proc_free(&p);

	/* signed-in users only */
	h_http(&srv, &r, "GET", "/api/v1/watch/services", NULL, NULL);
	H_STATUS(&r, 401);
	h_resp_free(&r);
	h_server_stop(&srv);
	free(tok);
	free(ctok);
}

static void a_replacement_file_is_served(void **state)
{
	(void)state;
	h_user_add(dir, "analyst2", "analyst", 0, NULL, PW);
	char *tok = h_token_add(dir, "analyst2", "--name", "t", NULL);
	char *file = h_write_file(dir, "services.csv",
				  "# the centre's own list\n"
				  "host,match,category,roles,name,user_content,path\n"
				  "video.example.org,suffix,video,iframe,National video,,\n"
				  "cdn.example.org,exact,cdn,script|style,National CDN,/pkg/:1,\n");
	char *env_kv = h_fmt("PARAPET_WATCH_SERVICES=%s", file);
	const char *env[] = { env_kv, NULL };
	struct h_server srv;
	h_server_start(&srv, dir, env);
	struct h_cred an = { .token = tok };
	struct h_resp r;
	h_http(&srv, &r, "GET", "/api/v1/watch/services", &an, NULL);
	H_STATUS(&r, 200);
	assert_string_equal(h_jstr(r.json, "origin"), file);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_string_equal(h_jstr(json_array_get(items, 0), "name"), "National video");
	assert_string_equal(h_jstr(json_array_get(items, 1), "user_content"), "/pkg/:1");
	assert_null(item_of(items, "www.youtube-nocookie.com"));
	h_resp_free(&r);
	h_server_stop(&srv);

	struct h_proc p;
	const char *check_args[] = { "check-config", NULL };
	run_env(&p, env, check_args);
	assert_int_equal(p.status, 0);
	char *said = h_fmt("well-known services: 2 (%s)", file);
	H_CONTAINS(p.out, said);
	free(said);
	h_proc_free(&p);
	const char *list_args[] = { "watch", "services", NULL };
	run_env(&p, env, list_args);
	assert_int_equal(p.status, 0);
	H_CONTAINS(p.out, "National video");
	assert_null(strstr(p.out, "YouTube"));
	h_proc_free(&p);

	/* a bad row: check-config and every other command stop with 78,
	** naming the file's line, and nothing runs with half a list */
	free(h_write_file(dir, "services.csv",
		     "host,match,category,roles,name\n"
		     "video.example.org,suffix,video,iframe,National video\n"
		     "github.io,suffix,cdn,script,Anyone's pages\n"));
	run_env(&p, env, check_args);
	assert_int_equal(p.status, 78);
	H_CONTAINS(p.err, "services.csv:3:");
	H_CONTAINS(p.err, "public suffix");
	h_proc_free(&p);
	run_env(&p, env, list_args);
	assert_int_equal(p.status, 78);
	h_proc_free(&p);
	/* a missing file likewise */
	const char *env_missing[] = { "PARAPET_WATCH_SERVICES=/nonexistent/services.csv", NULL };
	run_env(&p, env_missing, check_args);
	assert_int_equal(p.status, 78);
	H_CONTAINS(p.err, "watch.services");
	h_proc_free(&p);
	free(env_kv);
	free(file);
	free(tok);
}

static int setup(void **state)
{
	(void)state;
	dir = h_tmpdir("services");
	h_migrate(dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_rmdir(dir);
	return 0;
}

int main(void)
{
	h_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(api_and_cli_list_the_same_services),
		cmocka_unit_test(a_replacement_file_is_served),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
