/*
** test_flow_config.c — the [flow] keys the FastNetMon import writes are the
** keys the configuration reads, with the values the import meant: the
** sample tests/data/fastnetmon/fastnetmon.conf mapped by flow_fnm_map,
** written by flow_fnm_to_ini and loaded by config_load gives the same
** thresholds (bits/s from Mbit/s), switches, ExaBGP settings and hostgroup
** (IPv6 network included, nothing inherited). An operator relies on this:
** an import that loads with other meanings would protect the wrong hosts
** at the wrong rates.
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
#include "flow/flow.h"

static void import_loads_with_its_meaning(void **state)
{
	(void)state;
	const char *dir = getenv("FNM_DATA");
	assert_non_null(dir);
	char conf[1024], nets[1024];
	snprintf(conf, sizeof conf, "%s/fastnetmon.conf", dir);
	snprintf(nets, sizeof nets, "%s/networks_list", dir);
	struct flow_fnm_import im;
	struct perr err = { 0 };
	if (flow_fnm_import_read(conf, nets, &im, &err) != 0)
		fail_msg("%s", err.msg);
	struct pbuf o;
	pbuf_init(&o, 0);
	assert_int_equal(flow_fnm_to_ini(&im.conf, &o), 0);
	char path[] = "/tmp/parapet-flowconf-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, o.ptr, o.len), (ssize_t)o.len);
	close(fd);
	static struct config c; /* large: not on the stack */
	if (config_load(path, &c, &err) != 0)
		fail_msg("%s\n%s", err.msg, pbuf_cstr(&o));
	unlink(path);
	/* the values the sample gives (docs/flow.md shows the same text) */
	assert_int_equal(c.flow_th.pps, 50000);
	assert_int_equal(c.flow_th.bps, 800000000);
	assert_int_equal(c.flow_th.udp_pps, 30000);
	assert_int_equal(c.flow_th.syn_pps, 8000);
	assert_int_equal(c.flow_th.tcp_pps, 0);
	assert_true(c.flow_mitigate);
	assert_true(c.flow_process_incoming);
	assert_false(c.flow_process_outgoing);
	assert_int_equal(c.flow_ban_time, 600);
	assert_true(c.flow_exabgp);
	assert_string_equal(c.flow_exabgp_next_hop, "192.0.2.254");
	assert_string_equal(c.flow_exabgp_community_subnet, "[65535:666 64512:100]");
	/* the hostgroup: its own thresholds, its networks, both families */
	assert_int_equal(c.flow_ngroups, im.conf.n_groups);
	assert_string_equal(c.flow_groups[0].name, "web_farm");
	assert_true(c.flow_groups[0].mitigate);
	assert_false(c.flow_groups[0].mitigate_ipv6);
	assert_int_equal(c.flow_groups[0].th.pps, 200000);
	assert_int_equal(c.flow_groups[0].th.bps, 2000000000);
	assert_int_equal(c.flow_ngroup_nets, im.conf.groups[0].n_nets);
	bool v6 = false;
	for (size_t i = 0; i < c.flow_ngroup_nets; i++) {
		assert_int_equal(c.flow_group_nets[i].group, 0);
		v6 |= c.flow_group_nets[i].family == 6 && c.flow_group_nets[i].len == 48;
	}
	assert_true(v6);
	pbuf_free(&o);
	flow_fnm_import_free(&im);
}

/* A hostgroup's key can be overridden by nothing but its section; [flow]'s
** new keys by the environment, as every key. */
static void environment_overrides_new_keys(void **state)
{
	(void)state;
	static struct config c;
	struct perr err = { 0 };
	setenv("PARAPET_FLOW_THRESHOLD_UDP_PPS", "1234", 1);
	setenv("PARAPET_FLOW_LEARN_FACTOR", "2.5", 1);
	assert_int_equal(config_load(NULL, &c, &err), 0);
	assert_int_equal(c.flow_th.udp_pps, 1234);
	assert_true(c.flow_learn_factor > 2.49 && c.flow_learn_factor < 2.51);
	setenv("PARAPET_FLOW_LEARN_FACTOR", "0.9", 1);
	assert_int_equal(config_load(NULL, &c, &err), -1);
	assert_non_null(strstr(err.msg, "learn_factor"));
	unsetenv("PARAPET_FLOW_THRESHOLD_UDP_PPS");
	unsetenv("PARAPET_FLOW_LEARN_FACTOR");
}

int main(void)
{
	unsetenv("PARAPET_AUTH_ARGON2_OPS");
	unsetenv("PARAPET_AUTH_ARGON2_MEM");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(import_loads_with_its_meaning),
		cmocka_unit_test(environment_overrides_new_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
