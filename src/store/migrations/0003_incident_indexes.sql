-- 0003: what the incident lists and the SLA clock need at a million rows.
-- The province is copied onto each incident (kept in step by the store when
-- an organisation moves), so a province list walks one index in order.
ALTER TABLE incident ADD COLUMN province TEXT NOT NULL DEFAULT '';
UPDATE incident SET province = (SELECT province FROM org WHERE org.id = incident.org_id);
CREATE INDEX incident_org_status ON incident(org_id, status, updated_ms DESC, id DESC);
CREATE INDEX incident_province_status ON incident(province, status, updated_ms DESC, id DESC);
CREATE INDEX incident_province ON incident(province, updated_ms DESC, id DESC);
-- Only open incidents are ever overdue.
CREATE INDEX incident_open_opened ON incident(opened_ms)
  WHERE status NOT IN ('closed', 'rejected', 'duplicate');
CREATE INDEX incident_status_severity ON incident(status, severity, updated_ms DESC, id DESC);
