/*
** counts.c — the registry's figures for a period, for the dashboard and
** period reports (issue 15: "the dashboard counts malware incidents
** countered and apps blacklisted for a period"; the report behind Parapet
** counts 53 malware attacks countered and 69 malicious apps blacklisted).
**
** One rule, here: a malware incident is countered when an incident of RSIT
** class malicious-code reached recovered in the period and has not been
** reopened since (it is recovered or closed now); it is counted in the
** caller's scope, as every incident figure of the dashboard is. The
** registry's own figures (apps, indicators, sightings) are national and
** shown to CERT staff who see the whole country only.
*/
#include <string.h>

#include "identity/identity.h"
#include "indicator/indicator.h"
#include "store/store.h"

int indicator_period_counts(struct store *st, const struct principal *p, int64_t from_ms,
			    int64_t to_ms, struct indicator_period_counts *c, struct perr *err)
{
	memset(c, 0, sizeof(*c));
	if (from_ms >= to_ms)
		return perr_set(err, PERR_INVALID, "from", "the period must start before it ends");
	const char *prov = NULL;
	int64_t org = 0, resp = 0;
	if (p) {
		identity_list_scope(p, &prov, &org);
		if (p->role == ROLE_RESPONDER)
			resp = p->user_id;
	}
	struct store_indicator_counts sc;
	if (store_indicator_counts(st, from_ms, to_ms, prov ? prov : "", org, resp, &sc, err) != 0)
		return -1;
	c->malware_countered = sc.malware_countered;
	c->registry = !p || identity_allow_route(p, ROLES_NATIONAL, false, NULL) == 0;
	if (c->registry) {
		c->apps_blacklisted = sc.apps_blacklisted;
		c->indicators_added = sc.indicators_added;
		c->sightings = sc.sightings;
	}
	return 0;
}
