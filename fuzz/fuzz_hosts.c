/*
** fuzz_hosts.c -- libFuzzer target for whose a host is (src/watch/hosts.c):
** registrable domains, literal addresses (the WHATWG IPv4 forms included)
** and the classification the judge relies on.
**
** Hosts come from hostile pages, written any way a browser accepts: UTF-8,
** xn--, upper case, trailing dots, brackets, numbers. The input is split on
** '\n' into the host, the site's host and the path. Then:
**
**   1. watch_registrable gives a string that fits, and is its own
**      registrable domain (the form is canonical: asking again changes
**      nothing);
**   2. a host's registrable domain is a suffix of the host's canonical form,
**      so a host is always classified SITE on a site of the same host
**      (unless it holds "://": a site given as a URL is read for its host);
**   3. with the host's registrable domain as the organisation's own domain,
**      a host that is not the site's is OWN; an address is never a
**      look-alike and a classified host's strings are NUL-terminated.
** Seeds in fuzz/corpus/hosts/. A broken check calls abort().
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch/watch.h"

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "fuzz_hosts: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                                   \
			abort();                                                             \
		}                                                                            \
	} while (0)

/* The next '\n'-separated piece of data into out (cut to fit). */
static const uint8_t *piece(const uint8_t *p, const uint8_t *end, char *out, size_t n)
{
	size_t k = 0;
	while (p < end && *p != '\n') {
		if (k + 1 < n && *p)
			out[k++] = (char)*p;
		p++;
	}
	out[k] = '\0';
	return p < end ? p + 1 : p;
}

static bool terminated(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char host[WATCH_HOST_MAX], site[WATCH_HOST_MAX], path[WATCH_PATH_MAX];
	const uint8_t *p = data, *end = data + size;
	p = piece(p, end, host, sizeof(host));
	p = piece(p, end, site, sizeof(site));
	piece(p, end, path, sizeof(path));

	char reg[WATCH_HOST_MAX], again[WATCH_HOST_MAX];
	watch_registrable(host, reg);
	CHECK(terminated(reg, sizeof(reg)));
	watch_registrable(reg, again);
	CHECK(strcmp(reg, again) == 0);
	(void)watch_host_is_ip(host);
	(void)watch_host_is_ip(site);

	struct watch_host_info hi;
	watch_host_classify(NULL, host, host, path, &hi);
	if (reg[0] && !strstr(host, "://")) /* a site given as a URL is read for its host */
		CHECK(hi.cls == WATCH_HC_SITE);

	watch_host_classify(NULL, site, host, path, &hi);
	CHECK(terminated(hi.who, sizeof(hi.who)));
	CHECK(terminated(hi.category, sizeof(hi.category)));
	CHECK(terminated(hi.imitates, sizeof(hi.imitates)));
	if (hi.ip)
		CHECK(hi.lookalike == WATCH_LA_NONE);

	if (reg[0] && !hi.ip && hi.cls != WATCH_HC_SITE) {
		const char *own[] = { reg };
		struct watch_context ctx = { own, 1, NULL, 0, false };
		watch_host_classify(&ctx, site, host, path, &hi);
		CHECK(hi.cls == WATCH_HC_OWN);
		CHECK(hi.lookalike == WATCH_LA_NONE);
	}
	return 0;
}
