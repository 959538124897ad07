-- 0001: the foundation schema: provinces, organisations, contacts, assets,
-- users, teams, sessions, API tokens and the hash-chained audit log.
CREATE TABLE province (
  name     TEXT PRIMARY KEY,
  name_fa  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE org (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  sector     TEXT NOT NULL DEFAULT '',
  province   TEXT NOT NULL REFERENCES province(name) ON UPDATE CASCADE,
  parent_id  INTEGER REFERENCES org(id),
  created_ms INTEGER NOT NULL
);
CREATE INDEX org_province ON org(province);
CREATE INDEX org_parent ON org(parent_id);

CREATE TABLE contact (
  id      INTEGER PRIMARY KEY,
  org_id  INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
  name    TEXT NOT NULL,
  email   TEXT NOT NULL,
  phone   TEXT NOT NULL DEFAULT '',
  role    TEXT NOT NULL DEFAULT '',
  lang    TEXT NOT NULL DEFAULT 'en' CHECK (lang IN ('en', 'fa')),
  pgp     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contact_org ON contact(org_id);

CREATE TABLE asset (
  id         INTEGER PRIMARY KEY,
  org_id     INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
  type       TEXT NOT NULL CHECK (type IN ('cidr', 'domain', 'url', 'asn', 'product')),
  value      TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
-- A network, domain, URL or ASN has one owner; a product tag is a fact about
-- an organisation that many organisations share.
CREATE UNIQUE INDEX asset_owned ON asset(type, value) WHERE type <> 'product';
CREATE UNIQUE INDEX asset_product ON asset(org_id, value) WHERE type = 'product';
CREATE INDEX asset_org ON asset(org_id);

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO meta(key, value) VALUES ('asset_generation', 0);

CREATE TABLE user (
  id         INTEGER PRIMARY KEY,
  login      TEXT NOT NULL UNIQUE,
  role       TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'provincial', 'responder', 'constituent')),
  org_id     INTEGER REFERENCES org(id),
  province   TEXT REFERENCES province(name),
  pwhash     TEXT NOT NULL,
  disabled   INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL
);

CREATE TABLE team (
  id       INTEGER PRIMARY KEY,
  name     TEXT NOT NULL UNIQUE,
  province TEXT REFERENCES province(name)
);

CREATE TABLE team_member (
  team_id INTEGER NOT NULL REFERENCES team(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
  PRIMARY KEY (team_id, user_id)
);

CREATE TABLE session (
  id_hash    TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
  csrf       TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL
);
CREATE INDEX session_expiry ON session(expires_ms);

CREATE TABLE token (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
  name         TEXT NOT NULL DEFAULT '',
  hash         TEXT NOT NULL UNIQUE,
  readonly     INTEGER NOT NULL DEFAULT 0,
  org_id       INTEGER REFERENCES org(id) ON DELETE CASCADE,
  province     TEXT NOT NULL DEFAULT '',
  created_ms   INTEGER NOT NULL,
  last_used_ms INTEGER NOT NULL DEFAULT 0,
  revoked_ms   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX token_user ON token(user_id);

CREATE TABLE audit (
  seq       INTEGER PRIMARY KEY,
  ts_ms     INTEGER NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  object    TEXT NOT NULL,
  before    TEXT NOT NULL DEFAULT '',
  after     TEXT NOT NULL DEFAULT '',
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
