-- 0007_sla_awaiting: the SLA sweep (every 30 s) looks only at open incidents
-- that still await acknowledgement or containment. With a million incidents
-- most open ones are acknowledged and contained already; scanning them all
-- cost the sweep about a second of CPU each time (issue 3), which showed as
-- a tail in the latency of everything else. The sweep's query repeats this
-- index's condition word for word so that SQLite can use it.
CREATE INDEX incident_sla_awaiting ON incident(opened_ms)
  WHERE status NOT IN ('closed', 'rejected', 'duplicate')
    AND (acknowledged_ms = 0 OR (contained_ms = 0 AND recovered_ms = 0));
