/*
** product.c — what a report says a host runs: the service exposure of its
** report type (data/feeds/exposures.csv) and the product named by its
** device columns or its banner, as the CPE-style words advisories target.
**
** An advisory is matched against host_product rows (store_hostprod.c) by
** CPE vendor and product, or by exposure. Reports name products in two
** ways: Shadowserver's device_vendor/device_model/device_version columns
** (normalised into product.vendor/name/version by the schema), and the
** free text of a service banner, HTTP Server header, SNMP sysDescr or
** authentication realm ("MikroTik v6.42.1 (stable)", "nginx/1.18.0",
** 'Basic realm="RouterOS"'). Both are read through advisory_cpe_from_text,
** the one table of known product names, so a feed and a declared product
** asset name a product the same way. The pipeline asks only for owned
** events, in its writer thread: the parser's per-row path does none of it.
*/
#include <ctype.h>
#include <pthread.h>
#include <string.h>

#include "advisory/advisory.h"
#include "feeds/internal.h"

extern const struct embed_file {
	const char *name;
	const unsigned char *data;
	size_t len;
} feeds_data[];

/* ------------------------------------------------------------ exposures */

#define MAX_EXPOSURES 512

struct exposure {
	char type[64];
	char name[64];
	char service[128];
};

static struct exposure exposures[MAX_EXPOSURES];
static size_t nexposures;
static pthread_once_t exposures_once = PTHREAD_ONCE_INIT;

/* data/feeds/exposures.csv, parsed once (type,exposure,service); a line
** that does not parse is skipped (the unit tests check every line reads). */
static void load_exposures(void)
{
	const struct embed_file *f = NULL;
	for (const struct embed_file *e = feeds_data; e->name; e++)
		if (strcmp(e->name, "exposures.csv") == 0)
			f = e;
	if (!f)
		return;
	struct pstr rest = { (const char *)f->data, f->len }, line;
	while (rest.n && nexposures < MAX_EXPOSURES) {
		if (!pstr_cut(rest, '\n', &line, &rest))
			line = rest, rest.n = 0;
		line = pstr_trim(line);
		if (line.n == 0 || line.p[0] == '#')
			continue;
		struct pstr type, name, service;
		if (!pstr_cut(line, ',', &type, &line) || !pstr_cut(line, ',', &name, &service))
			continue;
		struct exposure *x = &exposures[nexposures];
		if (pstr_copy(pstr_trim(type), x->type, sizeof(x->type)) != 0 ||
		    pstr_copy(pstr_trim(name), x->name, sizeof(x->name)) != 0 ||
		    pstr_copy(pstr_trim(service), x->service, sizeof(x->service)) != 0 ||
		    !x->type[0] || !x->name[0])
			continue;
		nexposures++;
	}
}

const char *feeds_exposure_of(const char *type, const char **service)
{
	pthread_once(&exposures_once, load_exposures);
	for (size_t i = 0; type && i < nexposures; i++) {
		if (strcmp(exposures[i].type, type) == 0) {
			if (service)
				*service = exposures[i].service;
			return exposures[i].name;
		}
	}
	if (service)
		*service = NULL;
	return NULL;
}

size_t feeds_exposure_count(void)
{
	pthread_once(&exposures_once, load_exposures);
	return nexposures;
}

const char *feeds_exposure_at(size_t i, const char **type, const char **service)
{
	pthread_once(&exposures_once, load_exposures);
	if (i >= nexposures)
		return NULL;
	if (type)
		*type = exposures[i].type;
	if (service)
		*service = exposures[i].service;
	return exposures[i].name;
}

/* ------------------------------------------------------------- products */

_Static_assert(sizeof(((struct feeds_product *)0)->cpe) >= ADVISORY_CPE_MAX,
	       "feeds_product.cpe holds a formatted CPE name");

/* Try text (at most ADVISORY_CPE_TEXT_MAX bytes of it: a product names
** itself at the start of a banner) as a product name; fill out from the
** CPE when the table knows it. */
static bool from_text(const char *text, struct feeds_product *out)
{
	struct advisory_cpe c;
	size_t n = strlen(text);
	if (n > ADVISORY_CPE_TEXT_MAX)
		n = ADVISORY_CPE_TEXT_MAX;
	if (n == 0 || advisory_cpe_from_text(text, n, &c) != 1)
		return false;
	if (!advisory_cpe_format(&c, out->cpe))
		return false;
	pstrtrunc(out->vendor, c.f[ADVISORY_CPE_VENDOR], sizeof(out->vendor));
	pstrtrunc(out->product, c.f[ADVISORY_CPE_PRODUCT], sizeof(out->product));
	const char *v = c.f[ADVISORY_CPE_VERSION];
	/* ANY or NA: the banner named the product but not its version */
	pstrtrunc(out->version, strcmp(v, "*") == 0 || strcmp(v, "-") == 0 ? "" : v,
		  sizeof(out->version));
	return true;
}

/* A banner as product text: characters no product name or version uses
** (quotes, '=', ';', brackets, line ends) become spaces, so the name in
** 'Basic realm="RouterOS"' or "[MikroTik]" stands between word
** boundaries as advisory_cpe_from_text reads them. */
static void clean_banner(const char *in, char *out, size_t cap)
{
	size_t n = 0;
	for (; *in && n + 1 < cap; in++) {
		unsigned char c = (unsigned char)*in;
		bool keep = isalnum(c) || c == '.' || c == '(' || c == ')' || c == '_' ||
			    c == '-' || c == '/' || c == '+' || c == ',' || c == ':' || c == ' ';
		out[n++] = keep ? (char)c : ' ';
	}
	out[n] = '\0';
}

/* CPE-style word: lower case, blanks as '_' ("IP Camera" -> "ip_camera"). */
static void cpe_word(const char *in, char *out, size_t cap)
{
	size_t n = 0;
	while (*in && isspace((unsigned char)*in))
		in++;
	for (; *in && n + 1 < cap; in++) {
		unsigned char c = (unsigned char)*in;
		out[n++] = isspace(c) ? '_' : (char)tolower(c);
	}
	while (n && out[n - 1] == '_')
		n--;
	out[n] = '\0';
}

int feeds_product_of(const char *vendor, const char *product, const char *version,
		     const char *banner, struct feeds_product *out)
{
	memset(out, 0, sizeof(*out));
	vendor = vendor && *vendor ? vendor : NULL;
	product = product && *product ? product : NULL;
	version = version && *version ? version : NULL;
	char text[ADVISORY_CPE_TEXT_MAX + 1];
	struct pbuf b = pbuf_fixed(text, sizeof(text));
	if (vendor || product) {
		/* the report's own columns: "MikroTik RouterOS 6.42.1", "Cisco
		** IOS 15.2(4)E7"; scan_vnc names a product without a vendor */
		if (pbuf_addf(&b, "%s %s %s", vendor ? vendor : "", product ? product : "",
			      version ? version : "") == 0 &&
		    from_text(text, out))
			return 1;
	}
	if (vendor) {
		/* Shadowserver's device_model is the hardware ("RB951Ui-2HnD")
		** and device_version the firmware it runs. Where the vendor's
		** name alone is an operating system in the table (MikroTik:
		** RouterOS), its devices run that system and the version is
		** its; a vendor of many products ("Apache") is not read so. */
		if (version && product && from_text(vendor, out) &&
		    strncmp(out->cpe, "cpe:2.3:o:", 10) == 0) {
			pbuf_reset(&b);
			if (pbuf_addf(&b, "%s %s", vendor, version) == 0 && from_text(text, out))
				return 1;
		}
		memset(out, 0, sizeof(*out));
	}
	if (banner && *banner) {
		clean_banner(banner, text, sizeof(text));
		if (from_text(text, out))
			return 1;
	}
	if (!vendor)
		return 0;
	/* a product the table does not know: kept in the report's words, for
	** an advisory that names the vendor and product as NVD does */
	cpe_word(vendor, out->vendor, sizeof(out->vendor));
	cpe_word(product ? product : "", out->product, sizeof(out->product));
	cpe_word(version ? version : "", out->version, sizeof(out->version));
	out->cpe[0] = '\0';
	if (!out->vendor[0]) {
		/* a vendor column of blanks names no one */
		memset(out, 0, sizeof(*out));
		return 0;
	}
	return 1;
}
