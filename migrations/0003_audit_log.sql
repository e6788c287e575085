-- 0003: audit trail (auditoría). Every create/update/delete of cases, equipment, plans and
-- catalogs is appended here by triggers that the application (re)creates from the live schema
-- (see crates/core/src/audit.rs: the triggers follow the columns each table has). Append-only:
-- rows are never deleted, and the only update allowed is the redaction of personal data
-- (Ley 1581 de 2012) to the marker '[anonimizado]'.

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,                   -- UTC 'YYYY-MM-DDTHH:MM:SSZ'
    actor      TEXT NOT NULL,                   -- who (the --as user / the app user / 'sistema')
    table_name TEXT NOT NULL,
    record_key TEXT NOT NULL,                   -- number, placa, name…: what a person recognises
    action     TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'anonymize', 'export')),
    field      TEXT,                            -- for updates: the column that changed
    old_value  TEXT,                            -- update: previous value; delete: the row (JSON)
    new_value  TEXT                             -- update: new value; create: the row (JSON)
) STRICT;
CREATE INDEX audit_log_record ON audit_log(table_name, record_key, id);
CREATE INDEX audit_log_at ON audit_log(at);

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'el registro de auditoría no se borra');
END;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (new.id = old.id AND new.at = old.at AND new.actor = old.actor
          AND new.table_name = old.table_name AND new.record_key = old.record_key
          AND new.action = old.action AND new.field IS old.field
          AND (new.old_value IS old.old_value OR new.old_value = '[anonimizado]')
          AND (new.new_value IS old.new_value OR new.new_value = '[anonimizado]'))
BEGIN
    SELECT RAISE(ABORT, 'el registro de auditoría no se modifica (solo se pueden anonimizar datos personales)');
END;

-- The case timeline stays append-only; the one exception is the same redaction of personal
-- data on an anonymisation request.
DROP TRIGGER ticket_events_no_update;
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
WHEN NOT (new.id = old.id AND new.ticket_id = old.ticket_id AND new.at = old.at
          AND new.actor = old.actor AND new.kind = old.kind AND new.field IS old.field
          AND (new.old_value IS old.old_value OR new.old_value = '[anonimizado]')
          AND (new.new_value IS old.new_value OR new.new_value = '[anonimizado]')
          AND (new.note IS old.note OR new.note = '[anonimizado]'))
BEGIN
    SELECT RAISE(ABORT, 'la línea de tiempo de un caso no se modifica');
END;
