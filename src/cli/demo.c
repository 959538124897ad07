/*
** demo.c — the demo constituency behind `parapet serve --demo`.
**
** Twelve organisations over six provinces, with contacts and assets taken
** from the address and name ranges reserved for documentation (192.0.2.0/24,
** 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32, *.example), so nothing in
** the demo points at a real network. With --demo-farm, each organisation
** also gets a website of the site farm on loopback to watch. The admin account is created with a
** random password that is printed once, on the first start only.
*/
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "constituency/constituency.h"
#include "identity/identity.h"
#include "monitor/monitor.h"

struct demo_org {
	const char *name, *province, *sector;
	int parent; /* index+1 into the table, 0 = none */
	const char *assets[4][2];
	const char *contact[4]; /* name, email, role, lang */
};

static const struct demo_org orgs[] = {
	{ "Ministry of Finance", "Tehran", "government", 0,
	  { { "cidr", "203.0.113.0/26" }, { "domain", "mof.example" }, { "asn", "AS64500" },
	    { "product", "mikrotik routeros 6.42" } },
	  { "Sara Ahmadi", "soc@mof.example", "CISO", "fa" } },
	{ "Tax Administration", "Tehran", "government", 1,
	  { { "cidr", "203.0.113.64/27" }, { "domain", "tax.mof.example" }, { NULL, NULL },
	    { NULL, NULL } },
	  { "Reza Karimi", "security@tax.example", "network security", "fa" } },
	{ "Ministry of Health", "Tehran", "health", 0,
	  { { "cidr", "198.51.100.0/25" }, { "domain", "health.example" },
	    { "cidr", "2001:db8:100::/48" }, { NULL, NULL } },
	  { "Maryam Hosseini", "cert@health.example", "security officer", "en" } },
	{ "Isfahan Water and Wastewater", "Isfahan", "water", 0,
	  { { "cidr", "198.51.100.128/26" }, { "domain", "water-isfahan.example" },
	    { "product", "cisco ios 15.2" }, { NULL, NULL } },
	  { "Ali Rezaei", "it@water-isfahan.example", "IT manager", "fa" } },
	{ "Isfahan Province Governorate", "Isfahan", "government", 0,
	  { { "cidr", "198.51.100.192/27" }, { "domain", "ostan-isfahan.example" },
	    { NULL, NULL }, { NULL, NULL } },
	  { "Zahra Moradi", "security@ostan-isfahan.example", "CISO", "fa" } },
	{ "Fars Electricity Distribution", "Fars", "energy", 0,
	  { { "cidr", "192.0.2.0/27" }, { "domain", "fars-power.example" }, { "asn", "AS64501" },
	    { "product", "fortinet fortios 6.0.4" } },
	  { "Hamid Jafari", "soc@fars-power.example", "SOC lead", "fa" } },
	{ "Shiraz University of Medical Sciences", "Fars", "health", 0,
	  { { "cidr", "192.0.2.32/27" }, { "domain", "sums.example" }, { NULL, NULL },
	    { NULL, NULL } },
	  { "Neda Kazemi", "cert@sums.example", "security officer", "en" } },
	{ "Khorasan Regional Telecom", "Razavi Khorasan", "telecom", 0,
	  { { "cidr", "192.0.2.64/26" }, { "cidr", "2001:db8:200::/40" }, { "asn", "AS64502" },
	    { "product", "mikrotik routeros 6.40" } },
	  { "Mehdi Rahimi", "noc@khorasan-tel.example", "NOC", "fa" } },
	{ "Mashhad Municipality", "Razavi Khorasan", "government", 0,
	  { { "cidr", "192.0.2.128/27" }, { "domain", "mashhad.example" }, { NULL, NULL },
	    { NULL, NULL } },
	  { "Fatemeh Ebrahimi", "it-security@mashhad.example", "IT security", "fa" } },
	{ "Tabriz Petrochemical", "East Azerbaijan", "energy", 0,
	  { { "cidr", "192.0.2.160/27" }, { "domain", "tabriz-petro.example" },
	    { "product", "siemens simatic s7-1200" }, { NULL, NULL } },
	  { "Hossein Abbasi", "ot-security@tabriz-petro.example", "OT security", "en" } },
	{ "Khuzestan Ports Authority", "Khuzestan", "transport", 0,
	  { { "cidr", "192.0.2.192/27" }, { "domain", "ports-khuzestan.example" },
	    { NULL, NULL }, { NULL, NULL } },
	  { "Leila Sadeghi", "security@ports-khuzestan.example", "CISO", "fa" } },
	{ "Central Bank Data Centre", "Tehran", "finance", 0,
	  { { "cidr", "203.0.113.128/25" }, { "domain", "cbi-dc.example" }, { "asn", "AS64503" },
	    { "cidr", "2001:db8:300::/48" } },
	  { "Kaveh Najafi", "soc@cbi-dc.example", "SOC manager", "en" } },
};

struct site_ids {
	int64_t v[64];
	int n;
};

static int collect_site(void *ud, const struct store_watch_site *w)
{
	struct site_ids *s = ud;
	if (s->n < 64)
		s->v[s->n++] = w->id;
	return 0;
}

/* The demo's websites: the site farm's (tests/farm/farm.py, started by
** scripts/demo), one per organisation, hosted by a government hosting
** centre that owns the farm's loopback addresses and its domain, checked
** every minute so that the demo's defacement shows within a minute or two. */
static int demo_sites(struct store *st, const char *farm_json, const int64_t *ids, size_t nids,
		      const char *actor, struct perr *err)
{
	json_error_t je;
	json_t *f = json_load_file(farm_json, 0, &je);
	if (!f)
		return perr_set(err, PERR_INVALID, NULL, "cannot read %s: %s", farm_json, je.text);
	int rc = -1;
	const char *tmpl = json_string_value(json_object_get(f, "url_template"));
	json_t *sites = json_object_get(f, "sites");
	const char *mark = tmpl ? strstr(tmpl, "{site}") : NULL;
	if (!mark || !json_is_array(sites)) {
		perr_set(err, PERR_INVALID, NULL, "%s is not a farm.json", farm_json);
		goto out;
	}
	struct org_spec spec = { "National Government Hosting Centre", "government", "Tehran", 0 };
	struct store_org host;
	if (constituency_org_add(st, NULL, actor, &spec, &host, err) != 0)
		goto out;
	const char *own[3][2] = { { "cidr", "127.0.0.0/8" }, { "cidr", "::1/128" },
				  { "domain", "gov.test" } };
	for (int k = 0; k < 3; k++)
		if (constituency_asset_add(st, NULL, actor, host.id, own[k][0], own[k][1], true,
					   NULL, err) != 0)
			goto out;
	for (size_t i = 0; i < nids && i < json_array_size(sites); i++) {
		const char *name = json_string_value(json_array_get(sites, i));
		char url[512];
		if (!name || snprintf(url, sizeof(url), "%.*s%s%s", (int)(mark - tmpl), tmpl, name,
				      mark + 6) >= (int)sizeof(url))
			continue;
		/* each organisation's site is hosted by the centre above: an
		** overlap the demo means, so confirmed (and audited) */
		if (constituency_asset_add(st, NULL, actor, ids[i], "url", url, true, NULL,
					   err) != 0)
			goto out;
	}
	struct site_ids si = { .n = 0 };
	if (store_watch_list(st, 0, NULL, NULL, 0, 64, collect_site, &si, err) != 0)
		goto out;
	for (int k = 0; k < si.n; k++) {
		json_t *site;
		if (monitor_site_configure(st, NULL, actor, si.v[k], 60, -1, &site, err) != 0)
			goto out;
		json_decref(site);
	}
	rc = 0;
out:
	json_decref(f);
	return rc;
}

/* Load the demo (once: it does nothing when users exist); farm_json, when
** not NULL, gives the organisations websites of the site farm to watch.
** Returns 0 or 1. */
int demo_load(struct store *st, const struct config *cfg, bool print_password,
	      const char *farm_json)
{
	struct perr err;
	perr_clear(&err);
	if (store_user_count(st) > 0) {
		if (print_password)
			printf("parapet: demo already loaded; the admin password was printed on the "
			       "first start (reset it with: parapet user passwd admin "
			       "--password-stdin)\n");
		return 0;
	}
	const char *actor = "demo";
	int64_t ids[sizeof(orgs) / sizeof(orgs[0])];
	if (store_begin(st, &err) != 0)
		goto fail;
	for (size_t i = 0; i < sizeof(orgs) / sizeof(orgs[0]); i++) {
		const struct demo_org *d = &orgs[i];
		struct org_spec spec = { d->name, d->sector, d->province,
					 d->parent ? ids[d->parent - 1] : 0 };
		struct store_org o;
		if (constituency_org_add(st, NULL, actor, &spec, &o, &err) != 0)
			goto fail;
		ids[i] = o.id;
		/* a sub-organisation's domain lies under its parent's (the tax
		** office under the ministry): an overlap national staff confirm */
		for (int k = 0; k < 4 && d->assets[k][0]; k++)
			if (constituency_asset_add(st, NULL, actor, o.id, d->assets[k][0],
						   d->assets[k][1], d->parent != 0, NULL,
						   &err) != 0)
				goto fail;
		struct contact_spec cs = { d->contact[0], d->contact[1], "", d->contact[2],
					   d->contact[3], "" };
		if (constituency_contact_add(st, NULL, actor, o.id, &cs, NULL, &err) != 0)
			goto fail;
	}
	if (farm_json && demo_sites(st, farm_json, ids, sizeof(orgs) / sizeof(orgs[0]), actor,
				    &err) != 0)
		goto fail;
	/* 16 random bytes as 32 hex digits: well above any minimum length. */
	uint8_t r[16];
	char pw[33];
	randombytes_buf(r, sizeof(r));
	core_hex(r, sizeof(r), pw);
	struct user_spec us = { "admin", "admin", 0, NULL, pw };
	if (identity_user_add(st, cfg, actor, &us, NULL, &err) != 0)
		goto fail;
	if (store_commit(st, &err) != 0)
		goto fail;
	constituency_changed();
	if (print_password) {
		printf("parapet: demo constituency loaded: %zu organisations\n",
		       sizeof(orgs) / sizeof(orgs[0]));
		printf("parapet: admin login: admin\n");
		printf("parapet: admin password (shown once): %s\n", pw);
		fflush(stdout);
	}
	sodium_memzero(pw, sizeof(pw));
	return 0;
fail:
	store_rollback(st);
	fprintf(stderr, "parapet: demo: %s\n", err.msg);
	return 1;
}
