-- 0013_indicators: the indicator registry, its sightings and consumers, and
-- triaged Android apps (issue 15).
--
-- An indicator is one canonical value of one type (indicator.h's
-- indicator_value_canon), so (type, value) is unique: a second report of the
-- same domain updates the first. status: active (exported), held (it hit a
-- MISP warninglist and waits for an analyst's confirmation; held_lists names
-- the lists), retired (withdrawn: a false positive, or cleaned up; kept so
-- the decision and its sightings stay searchable). An expired indicator
-- (expires_ms in the past) stays active and searchable but leaves every
-- export at once: exports read expires_ms > now.
CREATE TABLE indicator (
	id            INTEGER PRIMARY KEY,
	type          TEXT NOT NULL,       -- indicator_type_name()
	value         TEXT NOT NULL,       -- canonical
	status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'held', 'retired')),
	held_lists    TEXT NOT NULL DEFAULT '',  -- warninglists hit, "name; name"
	class         TEXT NOT NULL DEFAULT '',  -- RSIT class (malicious-code, fraud, ...)
	reason        TEXT NOT NULL DEFAULT '',
	tlp           TEXT NOT NULL DEFAULT 'AMBER', -- CLEAR, GREEN, AMBER, AMBER+STRICT, RED
	source        TEXT NOT NULL DEFAULT 'analyst' CHECK (source IN ('analyst', 'feed', 'peer', 'apk')),
	source_ref    TEXT NOT NULL DEFAULT '',  -- the feed, peer or app it came from
	confidence    INTEGER NOT NULL DEFAULT 50 CHECK (confidence BETWEEN 0 AND 100),
	attribution   TEXT NOT NULL DEFAULT '',  -- the actor, or the app's author
	tags          TEXT NOT NULL DEFAULT '',  -- ",tag,tag," (searched with instr)
	org_id        INTEGER REFERENCES org(id) ON DELETE SET NULL, -- the organisation it concerns (TLP:AMBER sharing)
	family        INTEGER NOT NULL DEFAULT 0, -- 4 or 6 for ipv4, ipv6, cidr; else 0
	lo            BLOB,                       -- first address (16 bytes, network order)
	hi            BLOB,                       -- last address
	first_seen_ms INTEGER NOT NULL,
	last_seen_ms  INTEGER NOT NULL,
	expires_ms    INTEGER NOT NULL,
	sightings     INTEGER NOT NULL DEFAULT 0,
	actor         TEXT NOT NULL,
	created_ms    INTEGER NOT NULL,
	updated_ms    INTEGER NOT NULL,
	UNIQUE (type, value)
);
CREATE INDEX indicator_updated ON indicator(updated_ms);
CREATE INDEX indicator_expires ON indicator(expires_ms);
CREATE INDEX indicator_range ON indicator(family, lo) WHERE family != 0;

-- Incidents an indicator was seen in or learned from.
CREATE TABLE indicator_incident (
	indicator_id INTEGER NOT NULL REFERENCES indicator(id) ON DELETE CASCADE,
	incident_id  INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
	created_ms   INTEGER NOT NULL,
	PRIMARY KEY (indicator_id, incident_id)
) WITHOUT ROWID;
CREATE INDEX indicator_incident_inc ON indicator_incident(incident_id);

-- A sighting: the rest of Parapet met a listed value. kind: feed (a report
-- event's address), watch (a watched site loading from a listed host),
-- incident (an incident observation). ref: the feed event's or site's or
-- incident's id; org_id the organisation concerned.
CREATE TABLE indicator_sighting (
	id           INTEGER PRIMARY KEY,
	indicator_id INTEGER NOT NULL REFERENCES indicator(id) ON DELETE CASCADE,
	kind         TEXT NOT NULL CHECK (kind IN ('feed', 'watch', 'incident')),
	ref          INTEGER NOT NULL DEFAULT 0,
	org_id       INTEGER REFERENCES org(id) ON DELETE SET NULL,
	detail       TEXT NOT NULL DEFAULT '',
	seen_ms      INTEGER NOT NULL
);
CREATE INDEX indicator_sighting_ind ON indicator_sighting(indicator_id, seen_ms);

-- An export consumer: a resolver, firewall or peer that polls one export
-- with its own token (stored as SHA-256 only) through a saved filter.
-- member: a member of the constituency (may receive TLP:AMBER); strict:
-- named for TLP:AMBER+STRICT. TLP:RED never leaves, whatever the row says.
CREATE TABLE indicator_consumer (
	id            INTEGER PRIMARY KEY,
	name          TEXT NOT NULL UNIQUE,
	token_hash    TEXT NOT NULL UNIQUE,
	format        TEXT NOT NULL,             -- plain, csv, json, stix, misp, rpz, suricata, nft
	filter        TEXT NOT NULL DEFAULT '{}', -- JSON: types, classes, min_confidence, tags
	member        INTEGER NOT NULL DEFAULT 0,
	strict        INTEGER NOT NULL DEFAULT 0,
	disabled      INTEGER NOT NULL DEFAULT 0,
	actor         TEXT NOT NULL,
	created_ms    INTEGER NOT NULL,
	last_fetch_ms INTEGER NOT NULL DEFAULT 0
);

-- A triaged Android app: the verdict (apk.h's JSON) of one file, by its
-- SHA-256. status: triaged (analysed), malicious (an analyst confirmed it:
-- blacklisted, its app indicator created), benign.
CREATE TABLE apk_app (
	id             INTEGER PRIMARY KEY,
	sha256         TEXT NOT NULL UNIQUE,
	package        TEXT NOT NULL DEFAULT '',
	version_name   TEXT NOT NULL DEFAULT '',
	version_code   TEXT NOT NULL DEFAULT '',
	signer_sha256  TEXT NOT NULL DEFAULT '',
	author         TEXT NOT NULL DEFAULT '',
	size           INTEGER NOT NULL DEFAULT 0,
	status         TEXT NOT NULL DEFAULT 'triaged' CHECK (status IN ('triaged', 'malicious', 'benign')),
	verdict        TEXT NOT NULL,            -- JSON
	incident_id    INTEGER REFERENCES incident(id) ON DELETE SET NULL,
	actor          TEXT NOT NULL,
	created_ms     INTEGER NOT NULL,
	updated_ms     INTEGER NOT NULL,
	blacklisted_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX apk_app_package ON apk_app(package, created_ms);
CREATE INDEX apk_app_blacklisted ON apk_app(blacklisted_ms) WHERE blacklisted_ms != 0;
