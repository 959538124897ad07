/*
** test_config.c — configuration: every key has a default, bad files are
** refused with the line and key, environment overrides win.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"

static char path[64];

static void write_conf(const char *text)
{
	snprintf(path, sizeof(path), "/tmp/parapet-conf-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void defaults(void **state)
{
	(void)state;
	struct config c;
	struct perr e;
	assert_int_equal(config_load(NULL, &c, &e), 0);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_int_equal(c.max_body, 1048576);
	assert_int_equal(c.password_min, 12);
	assert_false(c.cookie_secure);
}

static void file_values(void **state)
{
	(void)state;
	struct config c;
	struct perr e;
	write_conf("[http]\nlisten = 127.0.0.1:9999\nmax_body = 4096\ntls = yes\n"
		   "[auth]\npassword_min = 16\n");
	assert_int_equal(config_load(path, &c, &e), 0);
	assert_string_equal(c.listen, "127.0.0.1:9999");
	assert_int_equal(c.max_body, 4096);
	assert_true(c.cookie_secure);
	assert_int_equal(c.password_min, 16);
	unlink(path);
}

static void unknown_key_names_line(void **state)
{
	(void)state;
	struct config c;
	struct perr e;
	write_conf("[http]\nlisten = 127.0.0.1:1\n\n[auth]\npasword_min = 16\n");
	assert_int_equal(config_load(path, &c, &e), -1);
	assert_non_null(strstr(e.msg, ":5:"));
	assert_non_null(strstr(e.msg, "auth.pasword_min"));
	unlink(path);
}

static void out_of_range(void **state)
{
	(void)state;
	struct config c;
	struct perr e;
	write_conf("[auth]\npassword_min = 3\n");
	assert_int_equal(config_load(path, &c, &e), -1);
	assert_non_null(strstr(e.msg, "password_min"));
	unlink(path);
	write_conf("[http]\nthreads = many\n");
	assert_int_equal(config_load(path, &c, &e), -1);
	unlink(path);
	write_conf("[log]\nlevel = loud\n");
	assert_int_equal(config_load(path, &c, &e), -1);
	assert_non_null(strstr(e.msg, "log.level"));
	unlink(path);
}

static void missing_file(void **state)
{
	(void)state;
	struct config c;
	struct perr e;
	assert_int_equal(config_load("/nonexistent/parapet.conf", &c, &e), -1);
	assert_non_null(strstr(e.msg, "cannot open"));
}

static void environment_overrides(void **state)
{
	(void)state;
	struct config c;
	struct perr e;
	write_conf("[http]\nthreads = 8\n");
	setenv("PARAPET_HTTP_THREADS", "2", 1);
	assert_int_equal(config_load(path, &c, &e), 0);
	assert_int_equal(c.http_threads, 2);
	setenv("PARAPET_HTTP_THREADS", "257", 1);
	assert_int_equal(config_load(path, &c, &e), -1);
	assert_non_null(strstr(e.msg, "PARAPET_HTTP_THREADS"));
	unsetenv("PARAPET_HTTP_THREADS");
	unlink(path);
}

static void dump_lists_every_key(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	config_dump(&c, f);
	fclose(f);
	assert_non_null(strstr(buf, "[http]"));
	assert_non_null(strstr(buf, "listen = 127.0.0.1:8080"));
	assert_non_null(strstr(buf, "session_ttl = 43200"));
	assert_non_null(strstr(buf, "[constituency]"));
	/* the dump is itself a valid configuration file */
	write_conf(buf);
	struct perr e;
	assert_int_equal(config_load(path, &c, &e), 0);
	unlink(path);
	free(buf);
}

/* docs/parapet.conf.md embeds the dump of the defaults: a key added to the
** table without regenerating the reference (scripts/gen-conf-doc) fails. */
static void reference_is_current(void **state)
{
	(void)state;
	const char *doc = getenv("CONF_DOC_PATH");
	assert_non_null(doc);
	FILE *f = fopen(doc, "r");
	assert_non_null(f);
	static char text[65536];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	struct config c;
	config_defaults(&c);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	config_dump(&c, m);
	fclose(m);
	if (!strstr(text, buf))
		fail_msg("docs/parapet.conf.md is stale: run scripts/gen-conf-doc");
	free(buf);
}

int main(void)
{
	unsetenv("PARAPET_AUTH_ARGON2_OPS");
	unsetenv("PARAPET_AUTH_ARGON2_MEM");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),         cmocka_unit_test(file_values),
		cmocka_unit_test(unknown_key_names_line), cmocka_unit_test(out_of_range),
		cmocka_unit_test(missing_file),     cmocka_unit_test(environment_overrides),
		cmocka_unit_test(dump_lists_every_key),
		cmocka_unit_test(reference_is_current),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
