-- 0005: a counter that moves whenever anything an incident list or search
-- shows changes (incidents, their messages, the organisations' names and
-- provinces), so an HTTP worker can keep a rendered list and know cheaply,
-- with one single-row read, whether it is still right.
INSERT INTO meta(key, value) VALUES ('incident_generation', 0);
CREATE TRIGGER incident_gen_ins AFTER INSERT ON incident
BEGIN UPDATE meta SET value = value + 1 WHERE key = 'incident_generation'; END;
CREATE TRIGGER incident_gen_upd AFTER UPDATE ON incident
BEGIN UPDATE meta SET value = value + 1 WHERE key = 'incident_generation'; END;
CREATE TRIGGER incident_gen_del AFTER DELETE ON incident
BEGIN UPDATE meta SET value = value + 1 WHERE key = 'incident_generation'; END;
CREATE TRIGGER incident_gen_msg_ins AFTER INSERT ON incident_message
BEGIN UPDATE meta SET value = value + 1 WHERE key = 'incident_generation'; END;
CREATE TRIGGER incident_gen_msg_upd AFTER UPDATE ON incident_message
BEGIN UPDATE meta SET value = value + 1 WHERE key = 'incident_generation'; END;
CREATE TRIGGER incident_gen_msg_del AFTER DELETE ON incident_message
BEGIN UPDATE meta SET value = value + 1 WHERE key = 'incident_generation'; END;
CREATE TRIGGER incident_gen_org_upd AFTER UPDATE ON org
BEGIN UPDATE meta SET value = value + 1 WHERE key = 'incident_generation'; END;
CREATE TRIGGER incident_gen_org_del AFTER DELETE ON org
BEGIN UPDATE meta SET value = value + 1 WHERE key = 'incident_generation'; END;
