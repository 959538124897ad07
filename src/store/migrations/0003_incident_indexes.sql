-- 0003: indexes for the SLA clock (only open incidents are ever overdue)
-- and for the common triage filter, status with severity, in list order.
CREATE INDEX incident_open_opened ON incident(opened_ms)
  WHERE status NOT IN ('closed', 'rejected', 'duplicate');
CREATE INDEX incident_status_severity ON incident(status, severity, updated_ms DESC, id DESC);
