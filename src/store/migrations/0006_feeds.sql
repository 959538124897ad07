-- 0006_feeds: report feeds. Each imported file is recorded once by its
-- SHA-256 (importing it again adds nothing) with its counts and the line up
-- to which its events are committed (a crash resumes after it). An event is
-- one affected host: its owner (NULL: nobody in the constituency owns it),
-- its dedup key (owner, identifier, ip, port), when it was first and last
-- reported (time.source) and how often, and the digest that told the owner.

CREATE TABLE feed_file (
	id          INTEGER PRIMARY KEY,
	sha256      TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL,
	type        TEXT NOT NULL,
	feed        TEXT NOT NULL,
	source      TEXT NOT NULL,   -- cli, upload, dir
	actor       TEXT NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
	error       TEXT NOT NULL DEFAULT '',
	received_ms INTEGER NOT NULL, -- the events' period is taken from it
	started_ms  INTEGER NOT NULL,
	finished_ms INTEGER NOT NULL DEFAULT 0,
	done_line   INTEGER NOT NULL DEFAULT 0,
	rows        INTEGER NOT NULL DEFAULT 0,
	parsed      INTEGER NOT NULL DEFAULT 0,
	rejected    INTEGER NOT NULL DEFAULT 0,
	owners      INTEGER NOT NULL DEFAULT 0,
	new_events  INTEGER NOT NULL DEFAULT 0,
	duplicates  INTEGER NOT NULL DEFAULT 0,
	unowned     INTEGER NOT NULL DEFAULT 0,
	incidents   INTEGER NOT NULL DEFAULT 0
);

-- The first rejects of each file, with their line and reason.
CREATE TABLE feed_reject (
	file_id INTEGER NOT NULL REFERENCES feed_file(id) ON DELETE CASCADE,
	line    INTEGER NOT NULL,
	reason  TEXT NOT NULL,
	PRIMARY KEY (file_id, line)
) WITHOUT ROWID;

-- The organisations a file's events reached, new or counted again.
CREATE TABLE feed_file_org (
	file_id INTEGER NOT NULL REFERENCES feed_file(id) ON DELETE CASCADE,
	org_id  INTEGER NOT NULL,
	PRIMARY KEY (file_id, org_id)
) WITHOUT ROWID;

CREATE TABLE feed_event (
	id          INTEGER PRIMARY KEY,
	org_id      INTEGER REFERENCES org(id) ON DELETE SET NULL,
	feed        TEXT NOT NULL,
	identifier  TEXT NOT NULL,
	taxonomy    TEXT NOT NULL DEFAULT '',
	type        TEXT NOT NULL DEFAULT '',
	ip          TEXT NOT NULL,
	port        INTEGER NOT NULL DEFAULT -1,
	asn         INTEGER NOT NULL DEFAULT 0,
	prefix      TEXT NOT NULL DEFAULT '', -- /24 or /48 around ip, for the no-owner view
	fqdn        TEXT NOT NULL DEFAULT '',
	product     TEXT NOT NULL DEFAULT '', -- "vendor product version"
	severity    TEXT NOT NULL DEFAULT '',
	first_ms    INTEGER NOT NULL,
	period_ms   INTEGER NOT NULL,         -- start of the digest period it belongs to
	file_id     INTEGER NOT NULL REFERENCES feed_file(id),
	line        INTEGER NOT NULL,
	incident_id INTEGER REFERENCES incident(id) ON DELETE SET NULL,
	digest_id   INTEGER,
	event       TEXT NOT NULL             -- the normalised event, JSON
);
CREATE UNIQUE INDEX feed_event_file_line ON feed_event(file_id, line);
CREATE INDEX feed_event_key ON feed_event(org_id, identifier, ip, port);
CREATE INDEX feed_event_due ON feed_event(period_ms, org_id, feed) WHERE digest_id IS NULL;
CREATE INDEX feed_event_unowned ON feed_event(asn, prefix) WHERE org_id IS NULL;

-- How often and until when an event was reported. Apart from the event
-- because it is what changes: once a feed is steady, most rows of a daily
-- report count again on an event of the day before, and updating this small
-- row dirties a few pages where rewriting the event would dirty one per row.
CREATE TABLE feed_seen (
	id      INTEGER PRIMARY KEY REFERENCES feed_event(id) ON DELETE CASCADE,
	seen    INTEGER NOT NULL DEFAULT 1,
	last_ms INTEGER NOT NULL
);

CREATE TABLE feed_digest (
	id         INTEGER PRIMARY KEY,
	org_id     INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
	feed       TEXT NOT NULL,
	period_ms  INTEGER NOT NULL,
	events     INTEGER NOT NULL,
	hosts      INTEGER NOT NULL,
	mails      INTEGER NOT NULL,
	created_ms INTEGER NOT NULL
);
-- No uniqueness on (org, feed, period): an event is in one digest because
-- the digest marks it in the transaction that records the digest, and a
-- report received late for a period already digested gets a digest of its
-- own rather than none.
CREATE INDEX feed_digest_org ON feed_digest(org_id, period_ms);
