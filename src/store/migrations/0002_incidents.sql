-- 0002: incidents and everything around them: observations from detectors,
-- the transition history, the thread of messages, evidence, links, on-call
-- rotas and routing rules; the notification outbox and webhooks.
ALTER TABLE team ADD COLUMN lead_id INTEGER REFERENCES user(id) ON DELETE SET NULL;

CREATE TABLE incident (
  id              INTEGER PRIMARY KEY,
  org_id          INTEGER NOT NULL REFERENCES org(id),
  title           TEXT NOT NULL,
  summary         TEXT NOT NULL DEFAULT '',
  class           TEXT NOT NULL,
  type            TEXT NOT NULL,
  severity        TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  tlp             TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
  source          TEXT NOT NULL CHECK (source IN ('monitor', 'feed', 'flow', 'report', 'manual')),
  status          TEXT NOT NULL CHECK (status IN ('new', 'triaged', 'in_progress', 'contained',
                                  'recovered', 'closed', 'rejected', 'duplicate')),
  kind            TEXT NOT NULL DEFAULT '',
  dedup_key       TEXT,
  assignee_id     INTEGER REFERENCES user(id) ON DELETE SET NULL,
  team_id         INTEGER REFERENCES team(id) ON DELETE SET NULL,
  merged_into     INTEGER REFERENCES incident(id),
  reopened_from   INTEGER REFERENCES incident(id),
  observations    INTEGER NOT NULL DEFAULT 1,
  created_by      TEXT NOT NULL,
  detected_ms     INTEGER NOT NULL,
  opened_ms       INTEGER NOT NULL,
  acknowledged_ms INTEGER NOT NULL DEFAULT 0,
  contained_ms    INTEGER NOT NULL DEFAULT 0,
  recovered_ms    INTEGER NOT NULL DEFAULT 0,
  closed_ms       INTEGER NOT NULL DEFAULT 0,
  updated_ms      INTEGER NOT NULL,
  sla_flags       INTEGER NOT NULL DEFAULT 0
);
-- One open incident per (organisation, detector key): a second report with
-- the same key is an observation of the first.
CREATE UNIQUE INDEX incident_open_key ON incident(org_id, dedup_key)
  WHERE dedup_key IS NOT NULL AND status NOT IN ('closed', 'rejected', 'duplicate');
CREATE INDEX incident_updated ON incident(updated_ms DESC, id DESC);
CREATE INDEX incident_org ON incident(org_id, updated_ms DESC, id DESC);
CREATE INDEX incident_status ON incident(status, updated_ms DESC, id DESC);
CREATE INDEX incident_assignee ON incident(assignee_id);
CREATE INDEX incident_team ON incident(team_id);
CREATE INDEX incident_key ON incident(org_id, dedup_key, closed_ms);

CREATE TABLE incident_observation (
  id          INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
  ts_ms       INTEGER NOT NULL,
  severity    TEXT NOT NULL,
  summary     TEXT NOT NULL DEFAULT '',
  evidence    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX observation_incident ON incident_observation(incident_id, ts_ms);

CREATE TABLE incident_transition (
  id          INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
  ts_ms       INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  from_status TEXT NOT NULL,
  to_status   TEXT NOT NULL
);
CREATE INDEX transition_incident ON incident_transition(incident_id, ts_ms);

CREATE TABLE incident_message (
  id          INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
  ts_ms       INTEGER NOT NULL,
  author_id   INTEGER REFERENCES user(id) ON DELETE SET NULL,
  author      TEXT NOT NULL,
  visibility  TEXT NOT NULL CHECK (visibility IN ('internal', 'shared')),
  body        TEXT NOT NULL
);
CREATE INDEX message_incident ON incident_message(incident_id, ts_ms);

-- Free text over title, summary and messages (FTS5, unicode61 tokenizer:
-- Persian and English words both split on spaces). internal = 1 marks text
-- of internal notes, which constituents' searches must not match.
CREATE VIRTUAL TABLE incident_fts USING fts5(incident_id UNINDEXED, internal UNINDEXED,
  body, tokenize = 'unicode61 remove_diacritics 2');

CREATE TABLE incident_link (
  a    INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
  b    INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('related', 'reopened', 'duplicate')),
  PRIMARY KEY (a, b)
);
CREATE INDEX link_b ON incident_link(b);

CREATE TABLE evidence (
  id          INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
  sha256      TEXT NOT NULL,
  name        TEXT NOT NULL,
  size        INTEGER NOT NULL,
  visibility  TEXT NOT NULL DEFAULT 'shared' CHECK (visibility IN ('internal', 'shared')),
  author      TEXT NOT NULL,
  ts_ms       INTEGER NOT NULL
);
CREATE INDEX evidence_incident ON evidence(incident_id);

-- Weekly on-call slots (minutes from Monday 00:00 UTC) and dated overrides.
CREATE TABLE rota_slot (
  id        INTEGER PRIMARY KEY,
  team_id   INTEGER NOT NULL REFERENCES team(id) ON DELETE CASCADE,
  user_id   INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
  start_min INTEGER NOT NULL CHECK (start_min >= 0 AND start_min < 10080),
  end_min   INTEGER NOT NULL CHECK (end_min > 0 AND end_min <= 10080)
);
CREATE TABLE rota_override (
  id       INTEGER PRIMARY KEY,
  team_id  INTEGER NOT NULL REFERENCES team(id) ON DELETE CASCADE,
  user_id  INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
  start_ms INTEGER NOT NULL,
  end_ms   INTEGER NOT NULL
);

-- Which team takes a new incident: the first rule by priority whose
-- non-empty fields all match.
CREATE TABLE route_rule (
  id       INTEGER PRIMARY KEY,
  priority INTEGER NOT NULL DEFAULT 100,
  province TEXT NOT NULL DEFAULT '',
  kind     TEXT NOT NULL DEFAULT '',
  class    TEXT NOT NULL DEFAULT '',
  team_id  INTEGER NOT NULL REFERENCES team(id) ON DELETE CASCADE
);

-- Notifications committed with the change that caused them; a worker sends
-- them at least once.
CREATE TABLE outbox (
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('mail', 'webhook')),
  recipient  TEXT NOT NULL,
  subject    TEXT NOT NULL DEFAULT '',
  body       TEXT NOT NULL,
  headers    TEXT NOT NULL DEFAULT '',
  message_id TEXT NOT NULL,
  incident_id INTEGER,
  status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts   INTEGER NOT NULL DEFAULT 0,
  next_ms    INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  sent_ms    INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox(status, next_ms);

CREATE TABLE webhook (
  id     INTEGER PRIMARY KEY,
  url    TEXT NOT NULL,
  secret TEXT NOT NULL,
  events TEXT NOT NULL DEFAULT '*'
);

-- Users get an address for notifications (assignments, escalations).
ALTER TABLE user ADD COLUMN email TEXT NOT NULL DEFAULT '';
