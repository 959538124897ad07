-- 0004: website watch. Every URL asset of the constituency is a watched
-- site; the schedule (next_due_ms) lives here so a restart neither loses nor
-- bunches checks. The learned baseline is kept packed (watch_baseline_pack)
-- so the monitor holds no per-site state in memory between checks; the
-- bodies it was learned from stay in the blob store under their SHA-256
-- (samples) so it can be learned again when a sample rolls or an analyst
-- accepts a redesign.
CREATE TABLE watch_site (
  id            INTEGER PRIMARY KEY,
  asset_id      INTEGER NOT NULL UNIQUE REFERENCES asset(id) ON DELETE CASCADE,
  org_id        INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
  url           TEXT NOT NULL,
  interval_s    INTEGER NOT NULL DEFAULT 300 CHECK (interval_s >= 30),
  enabled       INTEGER NOT NULL DEFAULT 1,
  next_due_ms   INTEGER NOT NULL,
  last_check_ms INTEGER NOT NULL DEFAULT 0,
  -- learning (collecting first samples), ok, alert (an open detection),
  -- down (unreachable, confirmed by a retry)
  state         TEXT NOT NULL DEFAULT 'learning'
                CHECK (state IN ('learning', 'ok', 'alert', 'down')),
  ok_streak     INTEGER NOT NULL DEFAULT 0,   -- consecutive checks matching the baseline
  fail_streak   INTEGER NOT NULL DEFAULT 0,   -- consecutive failed fetches (2 = outage confirmed)
  posture_ms    INTEGER NOT NULL DEFAULT 0,   -- last posture grade
  incident_id   INTEGER REFERENCES incident(id) ON DELETE SET NULL,
  alert_kind    TEXT NOT NULL DEFAULT '',     -- kind of the open detection
  missed_ms     INTEGER NOT NULL DEFAULT 0,   -- a missed check was noticed then (0: none)
  samples       TEXT NOT NULL DEFAULT '[]',   -- JSON array of sample body hashes, oldest first
  baseline      BLOB,                         -- packed baseline, NULL while learning
  last_good     TEXT NOT NULL DEFAULT '',     -- hash of the last body matching the baseline
  dns_expected  TEXT,                         -- JSON (dns_result_json), learned or declared
  dns_declared  INTEGER NOT NULL DEFAULT 0,   -- dns_expected set by an analyst
  cert_expected TEXT,                         -- JSON {"issuer","spki","fingerprint"}
  checks        INTEGER NOT NULL DEFAULT 0,
  created_ms    INTEGER NOT NULL,
  updated_ms    INTEGER NOT NULL
);
CREATE INDEX watch_site_due ON watch_site(enabled, next_due_ms);

-- Every URL asset is watched from the moment it is registered, due at a
-- random point of its first interval so a bulk import is not checked all at
-- once. Existing URL assets get their sites here.
CREATE TRIGGER asset_url_watched AFTER INSERT ON asset WHEN NEW.type = 'url'
BEGIN
  INSERT INTO watch_site(asset_id, org_id, url, next_due_ms, created_ms, updated_ms)
  VALUES (NEW.id, NEW.org_id, NEW.value, NEW.created_ms + abs(random() % 300000),
          NEW.created_ms, NEW.created_ms);
END;
INSERT INTO watch_site(asset_id, org_id, url, next_due_ms, created_ms, updated_ms)
  SELECT id, org_id, value, created_ms + abs(random() % 300000), created_ms, created_ms
  FROM asset WHERE type = 'url';
CREATE INDEX watch_site_org ON watch_site(org_id);

CREATE TABLE watch_check (
  id          INTEGER PRIMARY KEY,
  site_id     INTEGER NOT NULL REFERENCES watch_site(id) ON DELETE CASCADE,
  ts_ms       INTEGER NOT NULL,
  outcome     TEXT NOT NULL,     -- ok, learning, changed, alert, down, error
  http_status INTEGER NOT NULL DEFAULT 0,
  score       INTEGER NOT NULL DEFAULT 0,
  severity    TEXT NOT NULL DEFAULT 'none',
  body_sha256 TEXT NOT NULL DEFAULT '',
  duration_ms INTEGER NOT NULL DEFAULT 0,
  detail      TEXT NOT NULL DEFAULT '{}'  -- JSON: fetch record, dns, verdict
);
CREATE INDEX watch_check_site ON watch_check(site_id, ts_ms);

-- Daily posture per site (the latest row is the current grade).
CREATE TABLE watch_posture (
  site_id INTEGER NOT NULL REFERENCES watch_site(id) ON DELETE CASCADE,
  ts_ms   INTEGER NOT NULL,
  grade   TEXT NOT NULL,
  score   INTEGER NOT NULL,
  detail  TEXT NOT NULL,
  PRIMARY KEY (site_id, ts_ms)
);
