-- 0014_flow: what the flow collector inside `parapet serve` (issue 16)
-- shows to people who are not in its process: the CLI (`parapet flow top`,
-- `flow attacks`), the API and the UI read these tables; only the flow job
-- writes them.
--
-- flow_live: the latest snapshot of the busiest protected (host, direction)
-- pairs, replaced whole once a second: the union of the top pairs by each of
-- pps, bps, flows and SYN/s (flow_collector_top), so a query sorts it by the
-- figure asked. org_id is the host's owner in the owner index (NULL when no
-- organisation owns it), which scopes what a constituent sees.
CREATE TABLE flow_live (
	host       TEXT NOT NULL,          -- address text, canonical (inet_ntop)
	direction  TEXT NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
	org_id     INTEGER REFERENCES org(id) ON DELETE SET NULL,
	at_ms      INTEGER NOT NULL,       -- the tick it was taken at (unix ms)
	pps INTEGER NOT NULL, bps INTEGER NOT NULL, flows INTEGER NOT NULL,
	syn_pps INTEGER NOT NULL, tcp_pps INTEGER NOT NULL, udp_pps INTEGER NOT NULL,
	icmp_pps INTEGER NOT NULL, frag_pps INTEGER NOT NULL,
	PRIMARY KEY (host, direction)
);

-- flow_history: one point per FLOW_HISTORY_STEP seconds for every pair that
-- was in flow_live or under attack during that step (its peak over the
-- step), kept for an hour: the per-host chart of the last hour.
CREATE TABLE flow_history (
	host       TEXT NOT NULL,
	direction  TEXT NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
	org_id     INTEGER REFERENCES org(id) ON DELETE SET NULL,
	at_ms      INTEGER NOT NULL,       -- the step's start (unix ms)
	pps INTEGER NOT NULL, bps INTEGER NOT NULL, flows INTEGER NOT NULL,
	syn_pps INTEGER NOT NULL, tcp_pps INTEGER NOT NULL, udp_pps INTEGER NOT NULL,
	icmp_pps INTEGER NOT NULL, frag_pps INTEGER NOT NULL,
	PRIMARY KEY (host, direction, at_ms)
);
CREATE INDEX flow_history_at ON flow_history(at_ms);

-- flow_attack: every attack the detector reported, open (end_ms NULL) or
-- ended, with the incident it went to. It outlives a restart of serve: the
-- job reads the open ones back at start, so an attack that ended while serve
-- was down is still ended, its incident recovered and its route withdrawn.
CREATE TABLE flow_attack (
	id          INTEGER PRIMARY KEY,
	host        TEXT NOT NULL,
	direction   TEXT NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
	org_id      INTEGER REFERENCES org(id) ON DELETE SET NULL,
	incident_id INTEGER REFERENCES incident(id) ON DELETE SET NULL,
	type        TEXT NOT NULL,          -- flow_attack_type_name()
	amp_port    INTEGER NOT NULL DEFAULT 0,
	metric      TEXT NOT NULL,          -- flow_ctr_name() of the threshold crossed
	threshold   INTEGER NOT NULL,
	value       INTEGER NOT NULL,
	learned     INTEGER NOT NULL DEFAULT 0,
	start_ms    INTEGER NOT NULL,
	end_ms      INTEGER,                -- NULL while open
	peak_pps INTEGER NOT NULL DEFAULT 0, peak_bps INTEGER NOT NULL DEFAULT 0,
	peak_flows INTEGER NOT NULL DEFAULT 0,
	announced   INTEGER NOT NULL DEFAULT 0, -- a BGP route is announced for it now
	banned      INTEGER NOT NULL DEFAULT 0  -- the notify script ran "ban" (no "unban" yet)
);
CREATE INDEX flow_attack_open ON flow_attack(end_ms) WHERE end_ms IS NULL;
CREATE INDEX flow_attack_start ON flow_attack(start_ms);
CREATE INDEX flow_attack_host ON flow_attack(host, direction);
