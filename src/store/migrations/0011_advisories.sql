-- 0011_advisories: advisories (issue 14) and the host products that target
-- them.
--
-- An advisory is kept whole as its JSON document (advisory.c's form: titles
-- and summaries per language, CVEs, CVSS, affected products as CPE names
-- with NVD ranges, actions, references) plus the columns lists and filters
-- need. Every change makes a new version; advisory_version keeps each one
-- with what changed, so a target can be told what is new.

CREATE TABLE advisory (
	id           INTEGER PRIMARY KEY,
	ref          TEXT NOT NULL UNIQUE,  -- tracking id: PARAPET-2026-0001, or a vendor's (CSAF)
	version      INTEGER NOT NULL DEFAULT 1,
	status       TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'withdrawn')),
	title        TEXT NOT NULL,         -- English (the Persian is in doc)
	tlp          TEXT NOT NULL,         -- CLEAR, GREEN, AMBER, AMBER+STRICT, RED
	cvss_base    REAL NOT NULL DEFAULT 0,
	severity     TEXT NOT NULL DEFAULT '',
	exploited    INTEGER NOT NULL DEFAULT 0,
	deadline_ms  INTEGER NOT NULL DEFAULT 0,
	doc          TEXT NOT NULL,         -- the whole advisory, JSON
	actor        TEXT NOT NULL,
	created_ms   INTEGER NOT NULL,
	updated_ms   INTEGER NOT NULL,
	published_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX advisory_updated ON advisory(updated_ms);

CREATE TABLE advisory_version (
	advisory_id INTEGER NOT NULL REFERENCES advisory(id) ON DELETE CASCADE,
	version     INTEGER NOT NULL,
	doc         TEXT NOT NULL,
	changes     TEXT NOT NULL DEFAULT '', -- what changed from the version before, for people
	actor       TEXT NOT NULL,
	created_ms  INTEGER NOT NULL,
	PRIMARY KEY (advisory_id, version)
) WITHOUT ROWID;

-- Targets an analyst took out of the preview, with the reason.
CREATE TABLE advisory_exclusion (
	advisory_id INTEGER NOT NULL REFERENCES advisory(id) ON DELETE CASCADE,
	org_id      INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
	reason      TEXT NOT NULL,
	actor       TEXT NOT NULL,
	created_ms  INTEGER NOT NULL,
	PRIMARY KEY (advisory_id, org_id)
) WITHOUT ROWID;

-- One row per organisation an advisory was published to. state moves
-- notified -> read -> acknowledged -> patched | not_affected | overdue; scans
-- then make it verified ("fixed, verified by scan") or still_seen
-- ("claimed patched, still seen"). why: the evidence at publication (JSON).
CREATE TABLE advisory_target (
	advisory_id  INTEGER NOT NULL REFERENCES advisory(id) ON DELETE CASCADE,
	org_id       INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
	state        TEXT NOT NULL CHECK (state IN ('notified', 'read', 'acknowledged', 'patched',
	                                             'not_affected', 'overdue', 'verified',
	                                             'still_seen')),
	hosts        INTEGER NOT NULL DEFAULT 0,
	why          TEXT NOT NULL DEFAULT '[]',
	reason       TEXT NOT NULL DEFAULT '',  -- why not affected
	version      INTEGER NOT NULL DEFAULT 1, -- the advisory version last sent to it
	notified_ms  INTEGER NOT NULL,
	read_ms      INTEGER NOT NULL DEFAULT 0,
	ack_ms       INTEGER NOT NULL DEFAULT 0,
	patched_ms   INTEGER NOT NULL DEFAULT 0, -- said patched (or not affected)
	verified_ms  INTEGER NOT NULL DEFAULT 0, -- a scan's verdict (verified or still_seen)
	reminded_ms  INTEGER NOT NULL DEFAULT 0,
	escalated_ms INTEGER NOT NULL DEFAULT 0,
	updated_ms   INTEGER NOT NULL,
	PRIMARY KEY (advisory_id, org_id)
) WITHOUT ROWID;
CREATE INDEX advisory_target_org ON advisory_target(org_id, advisory_id);
CREATE INDEX advisory_target_state ON advisory_target(state, advisory_id);

-- The hosts that made an organisation a target (from host_product), so a
-- later scan can tell whether they are still seen vulnerable.
CREATE TABLE advisory_target_host (
	advisory_id INTEGER NOT NULL,
	org_id      INTEGER NOT NULL,
	ip          TEXT NOT NULL,
	port        INTEGER NOT NULL DEFAULT -1,
	PRIMARY KEY (advisory_id, org_id, ip, port),
	FOREIGN KEY (advisory_id, org_id) REFERENCES advisory_target(advisory_id, org_id)
		ON DELETE CASCADE
) WITHOUT ROWID;

-- Products seen on an organisation's hosts by report feeds: one row per
-- (organisation, host, port, report type), kept current by every import
-- (the product and version of the newest report that saw it). exposure: the
-- service a report type reveals (smart-install on 4786), '' for a banner
-- only. vendor/product are lower-case CPE-style words ("mikrotik",
-- "routeros"); cpe is the full CPE 2.3 name when one was derived.
CREATE TABLE host_product (
	org_id   INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
	ip       TEXT NOT NULL,
	port     INTEGER NOT NULL DEFAULT -1,
	type     TEXT NOT NULL,             -- the report type (scan_telnet)
	vendor   TEXT NOT NULL DEFAULT '',
	product  TEXT NOT NULL DEFAULT '',
	version  TEXT NOT NULL DEFAULT '',
	cpe      TEXT NOT NULL DEFAULT '',
	exposure TEXT NOT NULL DEFAULT '',
	first_ms INTEGER NOT NULL,
	last_ms  INTEGER NOT NULL,          -- time.source of the newest report that saw it
	file_id  INTEGER NOT NULL DEFAULT 0, -- the newest file that saw it
	PRIMARY KEY (org_id, ip, port, type)
) WITHOUT ROWID;
CREATE INDEX host_product_vp ON host_product(vendor, product);
CREATE INDEX host_product_exposure ON host_product(exposure) WHERE exposure <> '';

-- The newest file of each report type (verification asks "did the report of
-- the day after still see the host?").
CREATE TABLE feed_type_seen (
	type       TEXT PRIMARY KEY,
	file_id    INTEGER NOT NULL,
	last_ms    INTEGER NOT NULL
) WITHOUT ROWID;
