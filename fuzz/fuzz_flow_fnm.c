/*
** fuzz_flow_fnm.c -- libFuzzer target for FastNetMon's configuration as
** Parapet reads it (src/flow/fnm.c) and for the ExaBGP lines built from
** what it holds (src/flow/bgp.c). An operator's fastnetmon.conf and
** networks_list are files Parapet did not write; `parapet flow
** import-fastnetmon` must never crash or loop on one, and whatever it
** accepts must come out as [flow] text.
**
** The input is used three ways:
**   1. as fastnetmon.conf, parsed whole and fed again in pieces whose
**      sizes the first byte picks: both parses agree (same items, same
**      result); a mapped configuration renders as INI; a refusal says why;
**   2. as networks_list, mapped beside an empty configuration: every
**      network accepted is canonical (reads back as itself);
**   3. as the fields of an ExaBGP route and FlowSpec rule (split at the
**      first three newlines): an accepted line is ONE line, ending in its
**      only newline (a field can never smuggle a second command).
** Seeds in fuzz/corpus/flow_fnm/ are a hand-written fastnetmon.conf and
** networks_list (tests/data/fastnetmon/). A broken check calls abort().
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"

#define CHECK(cond)                                                                      \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "fuzz_flow_fnm: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                               \
			abort();                                                         \
		}                                                                        \
	} while (0)

static void as_conf(const uint8_t *data, size_t size)
{
	struct flow_fnm_doc whole, pieces = { .kind = FLOW_FNM_CONF };
	struct perr err = { 0 }, err2 = { 0 };
	int rc = flow_fnm_doc_parse(&whole, FLOW_FNM_CONF, data, size, &err);
	struct flow_fnm_parser *p = malloc(sizeof(*p));
	CHECK(p);
	flow_fnm_parser_init(p, FLOW_FNM_CONF, flow_fnm_doc_add, &pieces);
	size_t step = size ? (size_t)(data[0] % 13) + 1 : 1;
	int rc2 = 0;
	for (size_t i = 0; i < size && rc2 == 0; i += step)
		rc2 = flow_fnm_feed(p, data + i, i + step > size ? size - i : step, &err2);
	if (rc2 == 0)
		rc2 = flow_fnm_finish(p, &err2);
	free(p);
	CHECK(rc == rc2);
	if (rc == 0) {
		CHECK(whole.n == pieces.n);
		for (size_t i = 0; i < whole.n; i++) {
			CHECK(strcmp(whole.kv[i].key, pieces.kv[i].key) == 0);
			CHECK(strcmp(whole.kv[i].value, pieces.kv[i].value) == 0);
			CHECK(whole.kv[i].line == pieces.kv[i].line);
		}
		struct flow_fnm_conf c;
		if (flow_fnm_map(&whole, NULL, &c, &err) == 0) {
			struct pbuf o;
			pbuf_init(&o, 0);
			CHECK(flow_fnm_to_ini(&c, &o) == 0);
			CHECK(strstr(pbuf_cstr(&o), "\n[flow]\n") != NULL);
			pbuf_free(&o);
		} else {
			CHECK(err.msg[0] != 0);
		}
		flow_fnm_conf_free(&c);
	} else {
		CHECK(err.msg[0] != 0);
	}
	flow_fnm_doc_free(&whole);
	flow_fnm_doc_free(&pieces);
}

static void as_networks(const uint8_t *data, size_t size)
{
	struct flow_fnm_doc conf = { .kind = FLOW_FNM_CONF }, nets;
	struct perr err = { 0 };
	if (flow_fnm_doc_parse(&nets, FLOW_FNM_NETWORKS, data, size, &err) == 0) {
		struct flow_fnm_conf c;
		if (flow_fnm_map(&conf, &nets, &c, &err) == 0) {
			CHECK(c.n_nets == nets.n);
			for (size_t i = 0; i < c.n_nets; i++) {
				struct flow_fnm_doc one;
				const char *t = c.nets[i].text;
				CHECK(flow_fnm_doc_parse(&one, FLOW_FNM_NETWORKS, t, strlen(t), &err) == 0);
				struct flow_fnm_conf c2;
				CHECK(flow_fnm_map(&conf, &one, &c2, &err) == 0);
				CHECK(c2.n_nets == 1 && strcmp(c2.nets[0].text, t) == 0);
				flow_fnm_conf_free(&c2);
				flow_fnm_doc_free(&one);
			}
		}
		flow_fnm_conf_free(&c);
	}
	flow_fnm_doc_free(&nets);
}

/* field i of the input (split at '\n'), cut to fit */
static void field(const uint8_t *data, size_t size, int i, char *out, size_t outsz)
{
	size_t start = 0;
	for (int k = 0; k < i; k++) {
		const uint8_t *nl = memchr(data + start, '\n', size - start);
		if (!nl) {
			out[0] = 0;
			return;
		}
		start = (size_t)(nl - data) + 1;
	}
	const uint8_t *nl = memchr(data + start, '\n', size - start);
	size_t n = nl ? (size_t)(nl - (data + start)) : size - start;
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, data + start, n);
	out[n] = 0;
}

static void one_line(const struct pbuf *o)
{
	const char *s = pbuf_cstr(o);
	CHECK(s && o->len > 0 && s[o->len - 1] == '\n');
	CHECK(memchr(s, '\n', o->len) == s + o->len - 1);
	CHECK(strlen(s) == o->len);
}

static void as_bgp(const uint8_t *data, size_t size)
{
	struct flow_bgp_route r;
	field(data, size, 0, r.prefix, sizeof(r.prefix));
	field(data, size, 1, r.next_hop, sizeof(r.next_hop));
	field(data, size, 2, r.communities, sizeof(r.communities));
	struct pbuf o;
	struct perr err = { 0 };
	pbuf_init(&o, 0);
	for (int announce = 0; announce < 2; announce++) {
		pbuf_reset(&o);
		if (flow_bgp_route_line(announce, &r, &o, &err) == 0)
			one_line(&o);
	}
	struct flow_bgp_flowspec f = { 0 };
	field(data, size, 0, f.destination, sizeof(f.destination));
	field(data, size, 1, f.source, sizeof(f.source));
	if (size >= 8) {
		f.protocol = data[size - 1];
		f.source_port = (uint16_t)(data[size - 2] | data[size - 3] << 8);
		f.destination_port = (uint16_t)(data[size - 4] | data[size - 5] << 8);
		f.fragment = data[size - 6] & 1;
		f.tcp_syn = data[size - 6] & 2;
		f.rate_limit = data[size - 7] & 1 ? data[size - 8] * 1000u : 0;
	}
	pbuf_reset(&o);
	if (flow_bgp_flowspec_line(true, &f, &o, &err) == 0)
		one_line(&o);
	pbuf_free(&o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	as_conf(data, size);
	as_networks(data, size);
	as_bgp(data, size);
	return 0;
}
