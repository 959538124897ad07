/*
** cpe.c — CPE 2.3 names (issue 14): the formatted-string binding of NIST IR
** 7695 (parse and bind), the attribute comparison of NIST IR 7696 (match),
** and a best-effort mapping of the free-text product strings the `product`
** asset holds ("mikrotik routeros 6.42") to a CPE, so an advisory that
** names NVD's CPEs can find the organisations that run the product.
**
** A formatted string is "cpe:2.3:" and eleven attribute values separated
** by unquoted ':'. A value is a logical value ("*" ANY, "-" NA) or a string
** of unreserved characters (letters, digits, '-', '.', '_'), quoted
** punctuation ("\(" "\:" "\\" "\*"...), and optionally wildcards at its two
** ends: one unquoted '*' or a run of unquoted '?' (IR 7695 §6.2 grammar,
** "spec_chrs").
**
** How values are stored in struct advisory_cpe (the header's "unquoted,
** lower-cased"): the quoting backslash is dropped, except where dropping it
** would change the meaning. So
**   "*"  is ANY and "-" is NA (the logical values, as written);
**   an unquoted '*' or '?' at an end of a value is a wildcard;
**   a literal '\', '*' or '?' keeps its backslash ("\*" is a star);
**   a literal lone hyphen keeps it ("\-"), not to be read as NA;
**   every other quoted character is stored bare: "15.2\(4\)e7" is stored
**   "15.2(4)e7", which is what a person and advisory_version_cmp read.
** advisory_cpe_format re-quotes every stored character the grammar does not
** allow bare, so format(parse(x)) == x for a canonical x (lower case, quoted
** only where needed); unneeded quoting ("\." "\_") is accepted and dropped.
**
** Where this is more lenient than the grammar, on purpose: quoting a
** character that needs none ("\." "\_" "\-", which some producers write)
** is accepted and the quoting dropped; a lone "\-" is kept as the literal
** hyphen the formatted string otherwise cannot say. The language value is
** checked as IR 7695's LANGTAG (2-3 letters, optional region).
*/
#include "advisory/advisory.h"

#include <ctype.h>
#include <string.h>

static const char *const cpe_field_name[ADVISORY_CPE_FIELDS] = {
	"part",	    "vendor",	  "product",   "version",   "update", "edition",
	"language", "sw_edition", "target_sw", "target_hw", "other",
};

static bool cpe_unreserved(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_';
}

/* Printable ASCII punctuation: what a backslash may quote (IR 7695's
** "escape / special / punc"). Letters and digits may not be quoted. */
static bool cpe_quotable(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !isalnum(c);
}

/* IR 7695's LANGTAG: a 2- or 3-letter language, optionally "-" and a
** 2-letter or 3-digit region (lower-cased already). */
static bool cpe_langtag(const char *v)
{
	size_t n = 0;
	while (isalpha((unsigned char)v[n]))
		n++;
	if (n < 2 || n > 3)
		return false;
	if (v[n] == '\0')
		return true;
	if (v[n] != '-')
		return false;
	const char *r = v + n + 1;
	if (isalpha((unsigned char)r[0]) && isalpha((unsigned char)r[1]) && r[2] == '\0')
		return true;
	return isdigit((unsigned char)r[0]) && isdigit((unsigned char)r[1]) &&
	       isdigit((unsigned char)r[2]) && r[3] == '\0';
}

/* Parse one attribute value s[0..len) (no unquoted ':' inside) into dst,
** stored as the file's comment says. 0, or -1 with err naming the field. */
static int cpe_value_parse(int fi, const char *s, size_t len, char dst[ADVISORY_CPE_FIELD_MAX],
			   struct perr *err)
{
	const char *name = cpe_field_name[fi];
	size_t n = 0;

	if (len == 0)
		return perr_set(err, PERR_INVALID, "cpe", "%s is empty (use * for any)", name);
	if (len == 1 && (s[0] == '*' || (s[0] == '-' && fi != ADVISORY_CPE_PART))) {
		dst[0] = s[0];
		dst[1] = '\0';
		return 0;
	}
	/* Where the wildcards may stand: a lone '*' or a run of '?' at the
	** start, the same at the end. */
	size_t lead = 0, trail = 0;
	if (s[0] == '*')
		lead = 1;
	else
		while (lead < len && s[lead] == '?')
			lead++;
	if (lead < len) {
		/* A trailing '*' or '?' is a wildcard only when unquoted: count
		** the backslashes before it. */
		size_t end = len;
		if (s[end - 1] == '*') {
			size_t bs = 0;
			while (end - 1 - bs > lead && s[end - 2 - bs] == '\\')
				bs++;
			if (bs % 2 == 0)
				trail = 1;
		} else {
			while (end > lead && s[end - 1] == '?') {
				size_t bs = 0;
				while (end - 1 - bs > lead && s[end - 2 - bs] == '\\')
					bs++;
				if (bs % 2)
					break;
				end--;
				trail++;
			}
		}
	}
	if (lead + trail >= len)
		return perr_set(err, PERR_INVALID, "cpe",
				"%s is only wildcards (a value needs a character between them)", name);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char buf[2];
		size_t k = 0;
		if (i < lead || i >= len - trail) {
			buf[k++] = (char)c; /* a wildcard, kept as written */
		} else if (c == '\\') {
			if (i + 1 >= len - trail)
				return perr_set(err, PERR_INVALID, "cpe",
						"%s ends with a lone backslash", name);
			unsigned char q = (unsigned char)s[++i];
			if (!cpe_quotable(q))
				return perr_set(err, PERR_INVALID, "cpe",
						"%s quotes a character that may not be quoted (0x%02x)",
						name, q);
			if (q == '\\' || q == '*' || q == '?' || (q == '-' && len == 2))
				buf[k++] = '\\';
			buf[k++] = (char)tolower(q);
		} else if (c == '*' || c == '?') {
			return perr_set(err, PERR_INVALID, "cpe",
					"%s has a wildcard '%c' inside the value (only at its ends)",
					name, c);
		} else if (cpe_unreserved(c)) {
			buf[k++] = (char)tolower(c);
		} else if (cpe_quotable(c)) {
			return perr_set(err, PERR_INVALID, "cpe",
					"%s has an unquoted special character '%c' (write \\%c)",
					name, c, c);
		} else {
			return perr_set(err, PERR_INVALID, "cpe",
					"%s has a character outside printable ASCII (0x%02x)", name, c);
		}
		if (n + k > ADVISORY_CPE_FIELD_MAX - 1)
			return perr_set(err, PERR_INVALID, "cpe", "%s is longer than %d characters",
					name, ADVISORY_CPE_FIELD_MAX - 1);
		memcpy(dst + n, buf, k);
		n += k;
	}
	dst[n] = '\0';
	if (fi == ADVISORY_CPE_LANGUAGE && !cpe_langtag(dst))
		return perr_set(err, PERR_INVALID, "cpe",
				"language must be a language tag (en, en-us, fa-ir, es-419) or * or -");
	if (fi == ADVISORY_CPE_PART && strcmp(dst, "a") != 0 && strcmp(dst, "o") != 0 &&
	    strcmp(dst, "h") != 0)
		return perr_set(err, PERR_INVALID, "cpe",
				"part must be a (application), o (operating system), h (hardware) or *");
	return 0;
}

int advisory_cpe_parse(const char *s, size_t len, struct advisory_cpe *out, struct perr *err)
{
	static const char prefix[] = "cpe:2.3:";
	const size_t plen = sizeof(prefix) - 1;

	memset(out, 0, sizeof(*out));
	if (len > ADVISORY_CPE_MAX - 1)
		return perr_set(err, PERR_INVALID, "cpe", "cpe name is longer than %d bytes",
				ADVISORY_CPE_MAX - 1);
	if (len < plen || strncasecmp(s, prefix, plen) != 0)
		return perr_set(err, PERR_INVALID, "cpe",
				"cpe name must begin with cpe:2.3: (the CPE 2.3 formatted string)");
	/* Count the values first, so a name with too few or too many is told
	** as such rather than by the value that happens to be last. */
	size_t nf = 1;
	for (size_t i = plen; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len)
			i++;
		else if (s[i] == ':')
			nf++;
	}
	if (nf != ADVISORY_CPE_FIELDS)
		return perr_set(err, PERR_INVALID, "cpe",
				"cpe name has %zu fields, a CPE 2.3 name has 13 (cpe, 2.3 and 11 attributes)",
				nf + 2);
	size_t start = plen;
	int fi = 0;
	for (size_t i = plen; i <= len; i++) {
		/* a backslash quotes the next character; one at the very end
		** stays in the last value, which refuses it */
		if (i + 1 < len && s[i] == '\\') {
			i++;
			continue;
		}
		if (i < len && s[i] != ':')
			continue;
		if (cpe_value_parse(fi, s + start, i - start, out->f[fi], err) < 0) {
			memset(out, 0, sizeof(*out));
			return -1;
		}
		fi++;
		start = i + 1;
	}
	return 0;
}

/* ------------------------------------------------------------- matching */

/* One stored value, read as characters: the logical values, the wildcards
** at its ends, and the body between them with quoting removed. */
struct cpe_val {
	bool any, na;
	int begins; /* -1: a leading '*'; n >= 0: that many leading '?' */
	int ends;   /* the same at the end */
	char body[ADVISORY_CPE_FIELD_MAX];
	size_t blen;
};

static void cpe_val_read(const char *v, struct cpe_val *o)
{
	size_t len = strnlen(v, ADVISORY_CPE_FIELD_MAX - 1);
	memset(o, 0, sizeof(*o));
	if (len == 1 && v[0] == '*') {
		o->any = true;
		return;
	}
	if (len == 1 && v[0] == '-') {
		o->na = true;
		return;
	}
	size_t i = 0;
	if (len && v[0] == '*') {
		o->begins = -1;
		i = 1;
	} else {
		while (i < len && v[i] == '?')
			i++, o->begins++;
	}
	/* Walk the rest: a backslash quotes the next character; a '*' or '?'
	** that is not quoted can only be a trailing wildcard (parse refused
	** any other). */
	for (; i < len; i++) {
		if (v[i] == '\\' && i + 1 < len) {
			o->body[o->blen++] = v[++i];
		} else if (v[i] == '*') {
			o->ends = -1;
		} else if (v[i] == '?') {
			if (o->ends >= 0)
				o->ends++;
		} else {
			o->body[o->blen++] = (char)tolower((unsigned char)v[i]);
		}
	}
}

static bool cpe_has_wild(const struct cpe_val *v)
{
	return v->begins != 0 || v->ends != 0;
}

/* IR 7696's compare_strings: does the pattern body, with its wildcards,
** cover the whole of target? A leading '*' lets any prefix stand before
** the body, n leading '?' up to n characters (the reference
** implementation's reading), and the same at the end. */
static bool cpe_wild_match(const struct cpe_val *p, const struct cpe_val *t)
{
	if (p->blen > t->blen)
		return false;
	for (size_t at = 0; at + p->blen <= t->blen; at++) {
		if (p->begins >= 0 && at > (size_t)p->begins)
			break;
		if (memcmp(t->body + at, p->body, p->blen) != 0)
			continue;
		size_t left = t->blen - at - p->blen;
		if (p->ends >= 0 && left > (size_t)p->ends)
			continue;
		return true;
	}
	return false;
}

/* One attribute: ANY in the pattern matches anything, NA only NA; a value
** matches the same value (case-insensitively: both were lower-cased, and
** are compared lower-cased again for structs filled by hand); a pattern
** with wildcards matches a plain string it covers. A name whose value is
** ANY or has wildcards is not matched by a narrower pattern (IR 7696 calls
** it SUBSET or UNDEFINED: the name does not say it is the product). */
static bool cpe_attr_match(const char *pat, const char *name)
{
	struct cpe_val p, t;
	cpe_val_read(pat, &p);
	if (p.any)
		return true;
	cpe_val_read(name, &t);
	if (p.na || t.na)
		return p.na && t.na;
	if (t.any)
		return false;
	if (p.begins == t.begins && p.ends == t.ends && p.blen == t.blen &&
	    memcmp(p.body, t.body, p.blen) == 0)
		return true;
	if (cpe_has_wild(&t) || !cpe_has_wild(&p))
		return false;
	return cpe_wild_match(&p, &t);
}

bool advisory_cpe_match(const struct advisory_cpe *pattern, const struct advisory_cpe *name,
			bool skip_version)
{
	for (int i = 0; i < ADVISORY_CPE_FIELDS; i++) {
		if (skip_version && i == ADVISORY_CPE_VERSION)
			continue;
		if (!cpe_attr_match(pattern->f[i], name->f[i]))
			return false;
	}
	return true;
}

/* ------------------------------------------------------------- binding */

const char *advisory_cpe_format(const struct advisory_cpe *cpe, char out[ADVISORY_CPE_MAX])
{
	size_t n = 0;
#define PUT(ch)                                          \
	do {                                             \
		if (n + 1 >= ADVISORY_CPE_MAX)           \
			goto overflow;                   \
		out[n++] = (ch);                         \
	} while (0)

	for (const char *p = "cpe:2.3"; *p; p++)
		PUT(*p);
	for (int fi = 0; fi < ADVISORY_CPE_FIELDS; fi++) {
		const char *v = cpe->f[fi];
		size_t len = strnlen(v, ADVISORY_CPE_FIELD_MAX - 1);
		PUT(':');
		if (len == 0) {
			PUT('*'); /* an unset value is ANY, as CPE's binding says */
			continue;
		}
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)v[i];
			if (c == '\\' && i + 1 < len) {
				PUT('\\');
				PUT(v[++i]);
			} else if (c == '*' || c == '?' || cpe_unreserved(c)) {
				PUT((char)tolower(c));
			} else {
				PUT('\\');
				PUT((char)c);
			}
		}
	}
#undef PUT
	out[n] = '\0';
	return out;
overflow:
	out[0] = '\0';
	return NULL;
}

/* -------------------------------------------------------- from free text */

/* Known products, by the names people and scanners write them, with the
** vendor and product of NVD's CPE dictionary (nvd.nist.gov/products/cpe).
** Each alias is lower case, its words separated by one space; in the text
** the words may be separated by spaces, '_', '-' or '/' ("OpenSSH_7.4",
** "Microsoft-IIS/10.0"). Longer aliases come first, so "cisco ios xe" is
** found before "cisco ios". Where NVD has renamed a product, the name of
** its recent entries is used: nginx is f5:nginx since 2020 (older CVEs
** say nginx:nginx), Citrix ADC is netscaler_application_delivery_controller,
** Pulse Connect Secure kept its pulsesecure name for the older releases. */
static const struct cpe_known {
	const char *alias;
	char part;
	const char *vendor, *product;
} cpe_known[] = {
	{ "mikrotik routeros", 'o', "mikrotik", "routeros" },
	{ "routeros", 'o', "mikrotik", "routeros" },
	/* what RouterOS says of itself in service banners: its web proxy's
	** Server header, its SSH server's identification string, and the
	** telnet / FTP greeting "MikroTik v6.42.1 (stable)" (after the longer
	** aliases, so "MikroTik RouterOS 6.42" is read by the first) */
	{ "mikrotik httpproxy", 'o', "mikrotik", "routeros" },
	{ "rosssh", 'o', "mikrotik", "routeros" },
	{ "mikrotik", 'o', "mikrotik", "routeros" },
	{ "cisco ios xe", 'o', "cisco", "ios_xe" },
	{ "ios xe", 'o', "cisco", "ios_xe" },
	{ "cisco ios", 'o', "cisco", "ios" },
	{ "fortinet fortios", 'o', "fortinet", "fortios" },
	{ "fortios", 'o', "fortinet", "fortios" },
	{ "openssh", 'a', "openbsd", "openssh" },
	{ "apache http server", 'a', "apache", "http_server" },
	{ "apache httpd", 'a', "apache", "http_server" },
	{ "apache", 'a', "apache", "http_server" },
	{ "nginx", 'a', "f5", "nginx" },
	{ "microsoft exchange server", 'a', "microsoft", "exchange_server" },
	{ "microsoft exchange", 'a', "microsoft", "exchange_server" },
	{ "exchange server", 'a', "microsoft", "exchange_server" },
	{ "microsoft internet information services", 'a', "microsoft",
	  "internet_information_services" },
	{ "microsoft iis", 'a', "microsoft", "internet_information_services" },
	{ "iis", 'a', "microsoft", "internet_information_services" },
	{ "ivanti connect secure", 'a', "ivanti", "connect_secure" },
	{ "pulse connect secure", 'a', "pulsesecure", "pulse_connect_secure" },
	{ "citrix netscaler adc", 'a', "citrix", "netscaler_application_delivery_controller" },
	{ "citrix adc", 'a', "citrix", "netscaler_application_delivery_controller" },
	{ "netscaler adc", 'a', "citrix", "netscaler_application_delivery_controller" },
	{ "citrix netscaler", 'a', "citrix", "netscaler_application_delivery_controller" },
	/* servers that name themselves and their version in the banners of
	** Shadowserver's scan reports (SSH identification, HTTP Server
	** header, FTP and SMTP greetings) */
	{ "dropbear", 'a', "dropbear_ssh_project", "dropbear_ssh" },
	{ "lighttpd", 'a', "lighttpd", "lighttpd" },
	{ "openresty", 'a', "openresty", "openresty" },
	{ "mini httpd", 'a', "acme", "mini_httpd" },
	{ "boa", 'a', "boa", "boa" },
	{ "squid", 'a', "squid-cache", "squid" },
	{ "proftpd", 'a', "proftpd", "proftpd" },
	{ "vsftpd", 'a', "beasts", "vsftpd" },
	{ "exim", 'a', "exim", "exim" },
};

static bool cpe_text_sep(char c)
{
	return c == ' ' || c == '\t' || c == '_' || c == '-' || c == '/' || c == ',' || c == ':';
}

/* Does alias stand in text at i, beginning and ending at word boundaries?
** Returns the index just past it, or 0. */
static size_t cpe_alias_at(const char *text, size_t len, size_t i, const char *alias)
{
	if (i > 0 && isalnum((unsigned char)text[i - 1]))
		return 0;
	for (const char *a = alias; *a; a++) {
		if (*a == ' ') {
			if (i >= len || !cpe_text_sep(text[i]))
				return 0;
			while (i < len && cpe_text_sep(text[i]))
				i++;
			continue;
		}
		if (i >= len || tolower((unsigned char)text[i]) != *a)
			return 0;
		i++;
	}
	if (i < len && isalnum((unsigned char)text[i]))
		return 0;
	return i;
}

static bool cpe_version_char(unsigned char c)
{
	return isalnum(c) || c == '.' || c == '(' || c == ')' || c == '_' || c == '-' || c == '+';
}

/* What follows a product's name: nothing (version unknown: "*"), or a
** version starting with a digit, after separators and an optional
** "version" or "v" ("RouterOS v6.42", "IOS Version 15.2(4)E7"). Anything
** else ("Apache Tomcat 9") means the alias named another product: 0. */
static int cpe_text_version(const char *text, size_t len, size_t i,
			    char version[ADVISORY_CPE_FIELD_MAX])
{
	static const char *const words[] = { "software", "version" };
	while (i < len && cpe_text_sep(text[i]))
		i++;
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		size_t wl = strlen(words[w]);
		if (len - i >= wl && strncasecmp(text + i, words[w], wl) == 0 &&
		    (len - i == wl || cpe_text_sep(text[i + wl]))) {
			i += wl;
			while (i < len && cpe_text_sep(text[i]))
				i++;
		}
	}
	if (i + 1 < len && (text[i] == 'v' || text[i] == 'V') &&
		   isdigit((unsigned char)text[i + 1])) {
		i++;
	}
	if (i >= len) {
		pstrtrunc(version, "*", ADVISORY_CPE_FIELD_MAX);
		return 1;
	}
	if (!isdigit((unsigned char)text[i]))
		return 0;
	size_t n = 0;
	while (i < len && cpe_version_char((unsigned char)text[i])) {
		if (n + 1 >= ADVISORY_CPE_FIELD_MAX)
			return 0;
		version[n++] = (char)tolower((unsigned char)text[i++]);
	}
	/* Keep "15.2(4)e7" whole, but an unbalanced ')' closes the sentence's
	** own parenthesis ("(Cisco IOS 15.2(4)E7)"), and a '.' or '-' at the
	** end is the sentence's too. */
	int depth = 0;
	for (size_t k = 0; k < n; k++) {
		if (version[k] == '(') {
			depth++;
		} else if (version[k] == ')' && --depth < 0) {
			n = k;
			break;
		}
	}
	while (n > 0 && (version[n - 1] == '.' || version[n - 1] == '-' || version[n - 1] == '_'))
		n--;
	version[n] = '\0';
	return 1;
}

int advisory_cpe_from_text(const char *text, size_t len, struct advisory_cpe *out)
{
	memset(out, 0, sizeof(*out));
	if (len > ADVISORY_CPE_TEXT_MAX)
		return 0;
	/* The product asset may hold a CPE name already (issue 14): take it
	** as it is when it parses; a malformed one is for the analyst. */
	while (len > 0 && isspace((unsigned char)*text))
		text++, len--;
	while (len > 0 && isspace((unsigned char)text[len - 1]))
		len--;
	if (len >= 8 && strncasecmp(text, "cpe:2.3:", 8) == 0)
		return advisory_cpe_parse(text, len, out, NULL) == 0 ? 1 : 0;
	for (size_t k = 0; k < sizeof(cpe_known) / sizeof(cpe_known[0]); k++) {
		const struct cpe_known *e = &cpe_known[k];
		for (size_t i = 0; i < len; i++) {
			size_t end = cpe_alias_at(text, len, i, e->alias);
			if (!end)
				continue;
			char version[ADVISORY_CPE_FIELD_MAX];
			if (!cpe_text_version(text, len, end, version))
				continue;
			for (int f = 0; f < ADVISORY_CPE_FIELDS; f++)
				PSTRCPY(out->f[f], "*");
			out->f[ADVISORY_CPE_PART][0] = e->part;
			out->f[ADVISORY_CPE_PART][1] = '\0';
			pstrtrunc(out->f[ADVISORY_CPE_VENDOR], e->vendor, ADVISORY_CPE_FIELD_MAX);
			pstrtrunc(out->f[ADVISORY_CPE_PRODUCT], e->product, ADVISORY_CPE_FIELD_MAX);
			pstrtrunc(out->f[ADVISORY_CPE_VERSION], version, ADVISORY_CPE_FIELD_MAX);
			return 1;
		}
	}
	return 0;
}
