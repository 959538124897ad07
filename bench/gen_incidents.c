/*
** bench/gen_incidents.c — fills a migrated Parapet database with a year of
** synthetic incidents for the `incidents` benchmark (bench/incidents.sh).
**
** Writes rows straight into SQLite with prepared statements inside large
** transactions (synchronous=OFF, WAL, a big page cache), so a million
** incidents with five million messages and their FTS5 rows take minutes:
**   - ORGS organisations (default 2000) over the provinces already in the
**     database, weighted towards the populous ones (Tehran most);
**   - INCIDENTS incidents, ids in opening order over the last 365 days,
**     spread over the organisations with a skew (a few organisations have
**     many incidents, most have few); status depends on age (recent ones are
**     mostly open, old ones mostly closed), severity, TLP, source and RSIT
**     kind with realistic weights; updated_ms after opened_ms;
**   - MESSAGES thread messages (internal or shared) over the incidents, about
**     MESSAGES/INCIDENTS each, varying, the last one setting updated_ms;
**   - one incident_fts row per incident (title and summary) and one per
**     message (flagged internal for internal notes when the schema has that
**     column), as incident.c indexes them.
** Text is drawn from a small English and Persian vocabulary with Zipf
** frequencies, so a few words are in most rows and the tail is selective,
** plus host names (web123456) that occur in only a handful of rows.
**
** Usage: gen_incidents DB INCIDENTS MESSAGES [ORGS [WORDS-FILE]]
** WORDS-FILE, when given, receives search terms for the load generator, one
** a line as "common|medium|rare WORD". Progress and a summary go to stderr.
** The database is not ANALYZEd: Parapet never runs ANALYZE, so the planner
** sees what it would see in production.
*/
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 /* clock_gettime() under -std=c17 */
#endif

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY_MS INT64_C(86400000)
#define YEAR_MS (365 * DAY_MS)
#define BATCH 20000 /* incidents per transaction */
#define HOSTS 200000 /* distinct host-name tokens */

static uint64_t rng_state = UINT64_C(0x1dc1de27);

/* splitmix64: fast, fixed seed, so runs are comparable. */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* Uniform in [0, 1). */
static double unit(void)
{
	return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A weighted choice among n names. */
struct pick {
	const char *name;
	unsigned weight;
};

static const char *choose(const struct pick *p, size_t n)
{
	unsigned total = 0;
	for (size_t k = 0; k < n; k++)
		total += p[k].weight;
	unsigned r = (unsigned)below(total);
	for (size_t k = 0; k < n; k++) {
		if (r < p[k].weight)
			return p[k].name;
		r -= p[k].weight;
	}
	return p[n - 1].name;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct pick severities[] = {
	{ "low", 40 }, { "medium", 35 }, { "high", 20 }, { "critical", 5 },
};
static const struct pick tlps[] = {
	{ "CLEAR", 10 }, { "GREEN", 30 }, { "AMBER", 45 }, { "AMBER+STRICT", 10 }, { "RED", 5 },
};
static const struct pick sources[] = {
	{ "monitor", 35 }, { "feed", 40 }, { "flow", 5 }, { "report", 15 }, { "manual", 5 },
};
/* Open states for recent incidents; terminal ones for old. */
static const struct pick open_states[] = {
	{ "new", 30 }, { "triaged", 20 }, { "in_progress", 25 }, { "contained", 10 },
	{ "recovered", 15 },
};
static const struct pick done_states[] = {
	{ "closed", 85 }, { "rejected", 10 }, { "duplicate", 5 },
};
static const char *const sectors[] = {
	"ministry", "municipality", "university", "hospital", "bank", "telecom",
	"energy", "water", "court", "governorate", "school", "insurance",
};
static const char *const analysts[] = {
	"analyst.rezaei", "analyst.karimi", "analyst.hosseini", "analyst.moradi",
	"analyst.jafari", "analyst.ahmadi", "analyst.smith", "responder.nazari",
	"responder.ebrahimi", "constituent.sadeghi",
};

/* RSIT kinds as data/kinds.csv maps them, with how often each is seen. */
static const struct kind {
	const char *kind, *class_, *type, *title;
	unsigned weight;
} kinds[] = {
	{ "defacement", "information-content-security", "unauthorised-information-modification",
	  "Defacement of", 8 },
	{ "injected-code", "intrusions", "application-compromise", "Injected script on", 5 },
	{ "redirect", "intrusions", "application-compromise", "Malicious redirect on", 3 },
	{ "dns-hijack", "intrusions", "system-compromise", "DNS hijack of", 2 },
	{ "certificate-change", "intrusions", "system-compromise", "Certificate change on", 3 },
	{ "outage", "availability", "outage", "Outage of", 10 },
	{ "ddos", "availability", "ddos", "DDoS against", 6 },
	{ "dos", "availability", "dos", "Denial of service on", 2 },
	{ "phishing", "fraud", "phishing", "Phishing page on", 8 },
	{ "malware", "malicious-code", "infected-system", "Malware on", 10 },
	{ "sinkhole", "malicious-code", "infected-system", "Sinkhole hit from", 9 },
	{ "c2", "malicious-code", "c2-server", "Command and control server on", 1 },
	{ "scan", "information-gathering", "scanner", "Scanning from", 8 },
	{ "brute-force", "intrusion-attempts", "brute-force", "Brute force against", 6 },
	{ "exploit", "intrusion-attempts", "exploit", "Exploit attempt on", 5 },
	{ "vulnerable", "vulnerable", "vulnerable-system", "Vulnerable service on", 9 },
	{ "open-resolver", "vulnerable", "ddos-amplifier", "Open resolver at", 3 },
	{ "data-leak", "information-content-security", "data-leak", "Data leak from", 1 },
	{ "spam", "abusive-content", "spam", "Spam sent from", 1 },
};

/* Population weights (roughly, in hundred thousands) by English province
** name; provinces not listed get 10. */
static const struct pick province_weights[] = {
	{ "Tehran", 134 }, { "Razavi Khorasan", 65 }, { "Isfahan", 53 }, { "Fars", 49 },
	{ "Khuzestan", 47 }, { "East Azerbaijan", 39 }, { "Mazandaran", 33 },
	{ "West Azerbaijan", 33 }, { "Kerman", 32 }, { "Alborz", 27 },
	{ "Sistan and Baluchestan", 28 }, { "Gilan", 25 }, { "Kermanshah", 20 },
	{ "Golestan", 19 }, { "Hamadan", 17 }, { "Lorestan", 18 }, { "Kurdistan", 16 },
	{ "Markazi", 14 }, { "Qom", 13 }, { "Qazvin", 13 }, { "Ardabil", 13 },
};

/* The vocabulary, most frequent first within each language; the two lists
** are interleaved so that both languages have common and rare words. */
static const char *const words_en[] = {
	"server", "the", "website", "and", "attack", "access", "update", "user", "network",
	"incident", "report", "login", "traffic", "admin", "patch", "firewall", "malware",
	"request", "service", "domain", "address", "password", "account", "backup", "database",
	"portal", "email", "scan", "vulnerability", "version", "restored", "blocked",
	"detected", "suspicious", "analysis", "contact", "team", "logs", "certificate",
	"resolver", "router", "upload", "shell", "script", "redirect", "defaced", "homepage",
	"credentials", "phishing", "botnet", "payload", "exploit", "outage", "latency",
	"bandwidth", "proxy", "gateway", "plugin", "wordpress", "joomla", "apache", "nginx",
	"iis", "mysql", "openssl", "kernel", "ransomware", "encrypted", "decryptor",
	"mitigation", "remediation", "forensic", "timeline", "evidence", "hash", "sample",
	"signature", "antivirus", "endpoint", "workstation", "laptop", "printer", "camera",
	"modem", "mikrotik", "fortigate", "exchange", "outlook", "sharepoint", "citrix",
	"vpn", "rdp", "ssh", "telnet", "smb", "ftp", "snmp", "ntp", "memcached", "ldap",
	"kerberos", "token", "session", "cookie", "injection", "xss", "csrf", "traversal",
	"deserialization", "overflow", "zero-day", "advisory", "bulletin", "ticket",
	"escalation", "callback", "beacon", "exfiltration", "archive", "spreadsheet",
	"invoice", "macro", "dropper", "loader", "stealer", "keylogger", "rootkit",
	"webshell", "crypto", "miner", "sinkholed", "takedown", "registrar", "whois",
	"nameserver", "dnssec", "wildcard", "subdomain", "typosquat", "lookalike",
	"brand", "impersonation", "sms", "android", "apk", "permissions", "overlay",
	"banking", "wallet", "payment", "gateway-timeout", "healthcheck", "uptime",
	"recovery", "rollback", "snapshot", "hypervisor", "vmware", "esxi", "container",
	"kubernetes", "docker", "registry", "pipeline", "jenkins", "gitlab", "repository",
	"leaked", "paste", "dump", "breach", "pii", "passport", "payroll", "citizen",
	"pension", "tender", "procurement", "scada", "plc", "modbus", "substation",
	"turbine", "pumping", "telemetry", "satellite", "fiber", "backbone", "peering",
	"asn", "bgp", "hijack", "announcement", "rpki", "blackhole", "scrubbing",
	"amplification", "reflection", "syn", "flood", "udp", "volumetric", "layer7",
};
static const char *const words_fa[] = {
	"سرور", "حمله", "وبسایت", "دسترسی", "به‌روزرسانی", "کاربر", "شبکه", "گزارش",
	"رخداد", "ورود", "ترافیک", "مدیر", "وصله", "دیوارآتش", "بدافزار", "درخواست",
	"سرویس", "دامنه", "نشانی", "گذرواژه", "حساب", "پشتیبان", "پایگاه‌داده", "درگاه",
	"رایانامه", "پویش", "آسیب‌پذیری", "نسخه", "بازیابی", "مسدود", "شناسایی", "مشکوک",
	"تحلیل", "تماس", "تیم", "گزارش‌ها", "گواهی", "مسیریاب", "بارگذاری", "اسکریپت",
	"تغییرمسیر", "صفحه‌اصلی", "فیشینگ", "باتنت", "بهره‌برداری", "قطعی", "پهنای‌باند",
	"افزونه", "باج‌افزار", "رمزگذاری", "کاهش", "رفع", "شواهد", "نمونه", "امضا",
	"ضدویروس", "ایستگاه", "چاپگر", "دوربین", "مودم", "نفوذ", "تزریق", "سرریز",
	"اطلاعیه", "هشدار", "تیکت", "ارجاع", "نشت", "افشا", "شهروند", "حقوق", "مناقصه",
	"پست‌برق", "توربین", "تله‌متری", "ماهواره", "فیبر", "ستون‌فقرات", "ربایش",
	"سیاه‌چاله", "پالایش", "تقویت", "بازتاب", "سیل", "حجمی", "استان", "وزارتخانه",
	"شهرداری", "دانشگاه", "بیمارستان", "بانک", "مخابرات", "انرژی", "آب", "دادگاه",
	"استانداری", "مدرسه", "بیمه", "پیگیری", "فوری", "بررسی", "اقدام", "هماهنگی",
};

#define NVOCAB (N(words_en) + N(words_fa))
static const char *vocab[NVOCAB];
static double zipf_cdf[NVOCAB];

static void vocab_init(void)
{
	size_t e = 0, f = 0, n = 0;
	/* two English words per Persian word until one list runs out */
	while (e < N(words_en) || f < N(words_fa)) {
		if (e < N(words_en))
			vocab[n++] = words_en[e++];
		if (e < N(words_en) && (e % 2) == 0)
			vocab[n++] = words_en[e++];
		if (f < N(words_fa))
			vocab[n++] = words_fa[f++];
	}
	double sum = 0;
	for (size_t k = 0; k < NVOCAB; k++)
		sum += 1.0 / pow((double)(k + 1), 0.9);
	double acc = 0;
	for (size_t k = 0; k < NVOCAB; k++) {
		acc += 1.0 / pow((double)(k + 1), 0.9) / sum;
		zipf_cdf[k] = acc;
	}
	zipf_cdf[NVOCAB - 1] = 1.0;
}

static size_t zipf_rank(void)
{
	double u = unit();
	size_t lo = 0, hi = NVOCAB - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (zipf_cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A growing text buffer of fixed capacity; appends are truncated. */
struct text {
	char s[4096];
	size_t n;
};

static void put(struct text *t, const char *w)
{
	size_t l = strlen(w);
	if (t->n + l + 2 >= sizeof(t->s))
		return;
	if (t->n)
		t->s[t->n++] = ' ';
	memcpy(t->s + t->n, w, l);
	t->n += l;
	t->s[t->n] = '\0';
}

static void put_host(struct text *t, uint64_t host)
{
	char h[32];
	snprintf(h, sizeof(h), "web%06" PRIu64, host);
	put(t, h);
}

/* nwords vocabulary words, with a host-name token now and then. */
static void words(struct text *t, unsigned nwords, uint64_t host)
{
	for (unsigned k = 0; k < nwords; k++) {
		if (below(12) == 0)
			put_host(t, below(8) == 0 ? below(HOSTS) : host);
		else
			put(t, vocab[zipf_rank()]);
	}
}

static void die_db(sqlite3 *db, const char *what)
{
	fprintf(stderr, "gen_incidents: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "gen_incidents: %s: %s\n", sql, msg ? msg : "?");
		sqlite3_free(msg);
		exit(1);
	}
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		die_db(db, sql);
	return s;
}

static void step(sqlite3 *db, sqlite3_stmt *s, const char *what)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		die_db(db, what);
	sqlite3_reset(s);
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

static int parse_count(const char *s, int64_t min, int64_t *out)
{
	char *end = NULL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < min)
		return -1;
	*out = v;
	return 0;
}

/* Organisations: weights per province from the table above. */
struct org {
	int64_t id;
	double cum; /* cumulative share of incidents */
};

static int64_t make_orgs(sqlite3 *db, int64_t norgs, int64_t now, struct org **out)
{
	char (*prov)[128] = NULL;
	unsigned *pw = NULL;
	size_t np = 0, cap = 0;
	sqlite3_stmt *s = prep(db, "SELECT name FROM province ORDER BY name");
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (np == cap) {
			cap = cap ? cap * 2 : 64;
			prov = realloc(prov, cap * sizeof(*prov));
			pw = realloc(pw, cap * sizeof(*pw));
			if (!prov || !pw) {
				fprintf(stderr, "gen_incidents: out of memory\n");
				exit(1);
			}
		}
		const char *name = (const char *)sqlite3_column_text(s, 0);
		snprintf(prov[np], sizeof(prov[np]), "%s", name ? name : "");
		pw[np] = 10;
		for (size_t k = 0; k < N(province_weights); k++)
			if (strcmp(prov[np], province_weights[k].name) == 0)
				pw[np] = province_weights[k].weight;
		np++;
	}
	sqlite3_finalize(s);
	if (!np) {
		fprintf(stderr, "gen_incidents: no provinces: run `parapet migrate` first\n");
		exit(1);
	}
	unsigned ptotal = 0;
	for (size_t k = 0; k < np; k++)
		ptotal += pw[k];
	struct org *orgs = calloc((size_t)norgs, sizeof(*orgs));
	if (!orgs) {
		fprintf(stderr, "gen_incidents: out of memory\n");
		exit(1);
	}
	exec(db, "BEGIN");
	sqlite3_stmt *ins = prep(db,
		"INSERT INTO org(name, sector, province, parent_id, created_ms) VALUES (?, ?, ?, NULL, ?)");
	double sum = 0;
	for (int64_t k = 0; k < norgs; k++) {
		unsigned r = (unsigned)below(ptotal);
		size_t p = 0;
		while (r >= pw[p]) {
			r -= pw[p];
			p++;
		}
		const char *sector = sectors[below(N(sectors))];
		char name[200];
		snprintf(name, sizeof(name), "Bench %s %s %05lld", prov[p], sector, (long long)(k + 1));
		bind_text(ins, 1, name);
		bind_text(ins, 2, sector);
		bind_text(ins, 3, prov[p]);
		sqlite3_bind_int64(ins, 4, now - YEAR_MS - (int64_t)below(3 * (uint64_t)YEAR_MS));
		step(db, ins, "org");
		orgs[k].id = sqlite3_last_insert_rowid(db);
		/* Zipf-like share (s = 0.8) in a shuffled order of ids, so big
		** organisations are not all at the low ids */
		sum += 1.0 / pow((double)(k + 1), 0.8);
		orgs[k].cum = sum;
	}
	sqlite3_finalize(ins);
	exec(db, "COMMIT");
	/* shuffle the ids against the shares */
	for (int64_t k = norgs - 1; k > 0; k--) {
		int64_t j = (int64_t)below((uint64_t)k + 1);
		int64_t t = orgs[k].id;
		orgs[k].id = orgs[j].id;
		orgs[j].id = t;
	}
	for (int64_t k = 0; k < norgs; k++)
		orgs[k].cum /= sum;
	free(prov);
	free(pw);
	*out = orgs;
	return norgs;
}

static int64_t pick_org(const struct org *orgs, int64_t n)
{
	double u = unit();
	int64_t lo = 0, hi = n - 1;
	while (lo < hi) {
		int64_t mid = (lo + hi) / 2;
		if (orgs[mid].cum < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return orgs[lo].id;
}

/* The SLA bits the sweep of a running server would already have set, with
** the default deadlines (config.c), so that it finds nothing to escalate. */
static int64_t sla_flags(const char *severity, bool open, int64_t opened, int64_t ack,
			 int64_t contain, int64_t recover, int64_t now)
{
	static const char *const sev[4] = { "low", "medium", "high", "critical" };
	static const int64_t ack_s[4] = { 259200, 28800, 3600, 900 };
	static const int64_t contain_s[4] = { 1209600, 259200, 86400, 14400 };
	int r = 0;
	while (r < 3 && strcmp(severity, sev[r]) != 0)
		r++;
	int64_t f = 0;
	if (!open)
		return 0;
	if (!ack && now > opened + ack_s[r] * 1000)
		f |= 1;
	if (!contain && !recover && now > opened + contain_s[r] * 1000)
		f |= 2;
	return f;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static void write_words(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "gen_incidents: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	/* common: the top ranks (in a large share of rows); medium: ranks
	** 40-120; rare: the tail of the vocabulary and host names (a few
	** dozen rows each at full size) */
	for (size_t k = 0; k < 12; k++)
		fprintf(f, "common %s\n", vocab[k]);
	for (size_t k = 40; k < 120 && k < NVOCAB; k += 4)
		fprintf(f, "medium %s\n", vocab[k]);
	for (size_t k = NVOCAB - 40; k < NVOCAB; k += 2)
		fprintf(f, "rare %s\n", vocab[k]);
	for (int k = 0; k < 40; k++)
		fprintf(f, "rare web%06" PRIu64 "\n", below(HOSTS));
	fclose(f);
}

int main(int argc, char **argv)
{
	int64_t nincidents, nmessages, norgs = 2000;
	if (argc < 4 || argc > 6 || parse_count(argv[2], 1, &nincidents) != 0 ||
	    parse_count(argv[3], 0, &nmessages) != 0 ||
	    (argc > 4 && parse_count(argv[4], 1, &norgs) != 0)) {
		fprintf(stderr, "usage: gen_incidents DB INCIDENTS MESSAGES [ORGS [WORDS-FILE]]\n");
		return 2;
	}
	vocab_init();
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die_db(db, argv[1]);
	exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF;"
		 "PRAGMA cache_size=-1048576; PRAGMA temp_store=MEMORY;"
		 "PRAGMA wal_autocheckpoint=100000;");
	double t0 = now_s();
	struct timespec wall;
	clock_gettime(CLOCK_REALTIME, &wall);
	int64_t now = (int64_t)wall.tv_sec * 1000 + wall.tv_nsec / 1000000;
	struct org *orgs;
	make_orgs(db, norgs, now, &orgs);

	sqlite3_stmt *inc = prep(db,
		"INSERT INTO incident(id, org_id, title, summary, class, type, severity, tlp, source, "
		"status, kind, dedup_key, assignee_id, team_id, merged_into, reopened_from, "
		"observations, created_by, detected_ms, opened_ms, acknowledged_ms, contained_ms, "
		"recovered_ms, closed_ms, updated_ms, sla_flags) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
		"?8, ?9, ?10, ?11, ?12, NULL, NULL, NULL, NULL, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
		"?21, ?22)");
	sqlite3_stmt *msg = prep(db,
		"INSERT INTO incident_message(incident_id, ts_ms, author_id, author, visibility, body) "
		"VALUES (?, ?, NULL, ?, ?, ?)");
	/* incident_fts has an "internal" column (internal notes, hidden from
	** constituents' searches) since schema 2 gained it; older databases
	** lack it */
	sqlite3_stmt *fts = NULL;
	bool fts_internal = sqlite3_prepare_v2(db,
		"INSERT INTO incident_fts(incident_id, body, internal) VALUES (?1, ?2, ?3)", -1, &fts,
		NULL) == SQLITE_OK;
	if (!fts_internal)
		fts = prep(db, "INSERT INTO incident_fts(incident_id, body) VALUES (?1, ?2)");
	int64_t base_id = 0;
	{
		sqlite3_stmt *s = prep(db, "SELECT IFNULL(max(id), 0) FROM incident");
		if (sqlite3_step(s) == SQLITE_ROW)
			base_id = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	uint64_t kind_total = 0;
	for (size_t k = 0; k < N(kinds); k++)
		kind_total += kinds[k].weight;
	int64_t msgs_left = nmessages, msgs_done = 0;
	int64_t *ts = NULL;
	size_t ts_cap = 0;
	struct text title, summary, body;
	exec(db, "BEGIN");
	for (int64_t n = 0; n < nincidents; n++) {
		int64_t id = base_id + n + 1;
		/* opened in id order over the year, with jitter */
		int64_t opened = now - YEAR_MS + (int64_t)((double)YEAR_MS * ((double)n + unit()) /
							   (double)nincidents);
		if (opened > now - 1000)
			opened = now - 1000;
		int64_t age = now - opened;
		const char *severity = choose(severities, N(severities));
		/* recent incidents are mostly open, old ones mostly done */
		double p_open = age < 7 * DAY_MS ? 0.7 : age < 30 * DAY_MS ? 0.3 : 0.04;
		bool open = unit() < p_open;
		const char *status = open ? choose(open_states, N(open_states))
					  : choose(done_states, N(done_states));
		uint64_t r = below(kind_total);
		size_t kk = 0;
		while (r >= kinds[kk].weight) {
			r -= kinds[kk].weight;
			kk++;
		}
		const struct kind *kd = &kinds[kk];
		uint64_t host = below(HOSTS);
		title.n = summary.n = 0;
		title.s[0] = summary.s[0] = '\0';
		put(&title, kd->title);
		put_host(&title, host);
		words(&title, 1 + (unsigned)below(3), host);
		words(&summary, 10 + (unsigned)below(25), host);
		/* life: acknowledged within hours, contained and recovered within
		** days, closed after; updated_ms is the last thing that happened */
		int64_t detected = opened - (int64_t)below(30 * 60000);
		int64_t ack = 0, contain = 0, recover = 0, closed = 0;
		int64_t last = opened;
		bool is_new = strcmp(status, "new") == 0;
		if (!is_new) {
			ack = opened + 60000 + (int64_t)below(6 * 3600000);
			last = ack;
		}
		if (!strcmp(status, "contained") || !strcmp(status, "recovered") ||
		    !strcmp(status, "closed")) {
			contain = ack + (int64_t)below(2 * DAY_MS);
			last = contain;
		}
		if (!strcmp(status, "recovered") || !strcmp(status, "closed")) {
			recover = contain + (int64_t)below(3 * DAY_MS);
			last = recover;
		}
		if (!open) {
			closed = last + (int64_t)below(5 * DAY_MS);
			last = closed;
		}
		if (last > now)
			last = now - (int64_t)below(60000);
		if (last < opened)
			last = opened;
		/* messages: about the average left per incident left, varying */
		int64_t left = nincidents - n;
		int64_t nm;
		if (left == 1) {
			nm = msgs_left;
		} else {
			int64_t avg2 = 2 * msgs_left / left;
			nm = (int64_t)below((uint64_t)avg2 + 1);
		}
		msgs_left -= nm;
		if ((size_t)nm > ts_cap) {
			ts_cap = (size_t)nm * 2;
			ts = realloc(ts, ts_cap * sizeof(*ts));
			if (!ts) {
				fprintf(stderr, "gen_incidents: out of memory\n");
				return 1;
			}
		}
		for (int64_t m = 0; m < nm; m++)
			ts[m] = opened + (int64_t)below((uint64_t)(last - opened) + 1);
		qsort(ts, (size_t)nm, sizeof(*ts), cmp_i64);
		if (nm)
			ts[nm - 1] = last; /* posting a message updates the incident */
		int64_t updated = last;

		char key[96];
		snprintf(key, sizeof(key), "%s:web%06" PRIu64 ":%lld", kd->kind, host, (long long)id);
		sqlite3_bind_int64(inc, 1, id);
		sqlite3_bind_int64(inc, 2, pick_org(orgs, norgs));
		bind_text(inc, 3, title.s);
		bind_text(inc, 4, summary.s);
		bind_text(inc, 5, kd->class_);
		bind_text(inc, 6, kd->type);
		bind_text(inc, 7, severity);
		bind_text(inc, 8, choose(tlps, N(tlps)));
		bind_text(inc, 9, choose(sources, N(sources)));
		bind_text(inc, 10, status);
		bind_text(inc, 11, kd->kind);
		bind_text(inc, 12, key);
		sqlite3_bind_int64(inc, 13, 1 + (int64_t)(below(4) ? 0 : below(40)));
		bind_text(inc, 14, below(5) ? "feed:bench" : analysts[below(N(analysts))]);
		sqlite3_bind_int64(inc, 15, detected);
		sqlite3_bind_int64(inc, 16, opened);
		sqlite3_bind_int64(inc, 17, ack);
		sqlite3_bind_int64(inc, 18, contain);
		sqlite3_bind_int64(inc, 19, recover);
		sqlite3_bind_int64(inc, 20, closed);
		sqlite3_bind_int64(inc, 21, updated);
		sqlite3_bind_int64(inc, 22, sla_flags(severity, open, opened, ack, contain, recover, now));
		step(db, inc, "incident");

		/* the search index row of the incident, as incident.c writes it */
		body.n = 0;
		body.s[0] = '\0';
		put(&body, title.s);
		put(&body, summary.s);
		sqlite3_bind_int64(fts, 1, id);
		bind_text(fts, 2, body.s);
		if (fts_internal)
			sqlite3_bind_int(fts, 3, 0);
		step(db, fts, "incident_fts");

		for (int64_t m = 0; m < nm; m++) {
			body.n = 0;
			body.s[0] = '\0';
			words(&body, 6 + (unsigned)below(30), host);
			sqlite3_bind_int64(msg, 1, id);
			sqlite3_bind_int64(msg, 2, ts[m]);
			bind_text(msg, 3, analysts[below(N(analysts))]);
			bool internal = below(5) < 2;
			bind_text(msg, 4, internal ? "internal" : "shared");
			bind_text(msg, 5, body.s);
			step(db, msg, "incident_message");
			sqlite3_bind_int64(fts, 1, id);
			bind_text(fts, 2, body.s);
			if (fts_internal)
				sqlite3_bind_int(fts, 3, internal);
			step(db, fts, "incident_fts");
		}
		msgs_done += nm;
		if ((n + 1) % BATCH == 0) {
			exec(db, "COMMIT");
			exec(db, "BEGIN");
			if ((n + 1) % (BATCH * 10) == 0)
				fprintf(stderr, "gen_incidents: %lld incidents, %lld messages, %.0f s\n",
					(long long)(n + 1), (long long)msgs_done, now_s() - t0);
		}
	}
	exec(db, "COMMIT");
	sqlite3_finalize(inc);
	sqlite3_finalize(msg);
	sqlite3_finalize(fts);
	double t1 = now_s();
	exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	if (argc > 5)
		write_words(argv[5]);
	fprintf(stderr,
		"gen_incidents: %lld orgs, %lld incidents, %lld messages, %lld index rows in "
		"%.1f s (+%.1f s checkpoint)\n",
		(long long)norgs, (long long)nincidents, (long long)msgs_done,
		(long long)(nincidents + msgs_done), t1 - t0, now_s() - t1);
	free(ts);
	free(orgs);
	sqlite3_close(db);
	return 0;
}
