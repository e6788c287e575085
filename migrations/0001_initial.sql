-- 0001: settings, catalogs and cases (casos) with their timeline, pauses and surveys.
-- Instants are stored as UTC text 'YYYY-MM-DDTHH:MM:SSZ' (sortable); America/Bogota on display.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

INSERT INTO settings(key, value) VALUES
    ('entity_name', 'Instituto Municipal de Deporte y Recreación de Valledupar — INDUPAL'),
    ('entity_nit', ''),
    ('ticket_prefix', 'MA'),
    ('default_response_minutes', '720'),
    ('default_resolution_minutes', '2880'),
    ('survey_business_days', '2'),
    ('due_soon_minutes', '120'),
    ('calendar', '');

CREATE TABLE departments (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL UNIQUE COLLATE NOCASE,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

INSERT INTO departments(name) VALUES
    ('Dirección General'), ('Subdirección Administrativa y Financiera'), ('Oficina Jurídica'),
    ('Control Interno'), ('Talento Humano'), ('Tesorería'), ('Contabilidad'), ('Presupuesto'),
    ('Almacén'), ('Área de Deportes'), ('Área de Recreación'), ('Escuelas Deportivas'),
    ('Comunicaciones'), ('Atención al Ciudadano'), ('Sistemas');

CREATE TABLE staff (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role   TEXT NOT NULL CHECK (role IN ('tecnico', 'ingeniero', 'proveedor')),
    level  INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    email  TEXT,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

INSERT INTO staff(name, role, level) VALUES
    ('Técnico de sistemas', 'tecnico', 1),
    ('Ingeniero de sistemas', 'ingeniero', 2),
    ('Proveedor externo', 'proveedor', 3);

CREATE TABLE service_types (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE COLLATE NOCASE,
    default_level      INTEGER NOT NULL DEFAULT 1 CHECK (default_level BETWEEN 1 AND 3),
    response_minutes   INTEGER NOT NULL DEFAULT 720 CHECK (response_minutes > 0),
    resolution_minutes INTEGER NOT NULL DEFAULT 2880 CHECK (resolution_minutes > 0),
    default_assignee   TEXT REFERENCES staff(name) ON UPDATE CASCADE ON DELETE SET NULL,
    active             INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

-- The 8 services of the INDUPAL procedure (seed 000, activity 2).
INSERT INTO service_types(name, default_level, response_minutes, resolution_minutes, default_assignee) VALUES
    ('Publicación de archivo a sitio web', 1, 720, 960, 'Técnico de sistemas'),
    ('Administración de telefonía IP', 1, 720, 1440, 'Técnico de sistemas'),
    ('Mantenimiento de equipos de cómputo', 1, 720, 2400, 'Técnico de sistemas'),
    ('Actualización y soporte de aplicativos área financiera', 2, 720, 1440, 'Ingeniero de sistemas'),
    ('Administración de correo electrónico institucional', 1, 720, 960, 'Técnico de sistemas'),
    ('Atención a solicitudes de equipos de cómputo', 1, 720, 2400, 'Técnico de sistemas'),
    ('Concepto técnico para dar de baja equipos', 2, 720, 4800, 'Ingeniero de sistemas'),
    ('Apoyo para alistamiento de equipos en reuniones', 1, 720, 480, 'Técnico de sistemas');

-- Priority from urgency × impact (1 baja, 2 media, 3 alta), editable.
CREATE TABLE priority_matrix (
    urgency  INTEGER NOT NULL CHECK (urgency BETWEEN 1 AND 3),
    impact   INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 3),
    priority TEXT NOT NULL,
    PRIMARY KEY (urgency, impact)
) STRICT;

INSERT INTO priority_matrix VALUES
    (1, 1, 'baja'),  (1, 2, 'baja'),  (1, 3, 'media'),
    (2, 1, 'baja'),  (2, 2, 'media'), (2, 3, 'alta'),
    (3, 1, 'media'), (3, 2, 'alta'),  (3, 3, 'urgente');

CREATE TABLE survey_questions (
    position INTEGER PRIMARY KEY,
    text     TEXT NOT NULL
) STRICT;

INSERT INTO survey_questions VALUES
    (1, 'Oportunidad de la atención'),
    (2, 'Calidad de la solución'),
    (3, 'Trato y amabilidad del personal'),
    (4, 'Satisfacción general con el servicio');

-- Consecutive service numbers per year: never reused, no gaps.
CREATE TABLE ticket_counters (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
) STRICT;

CREATE TABLE tickets (
    id                 INTEGER PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    year               INTEGER NOT NULL,
    seq                INTEGER NOT NULL,
    legacy_number      TEXT,
    received_at        TEXT,
    received_date_only INTEGER NOT NULL DEFAULT 0 CHECK (received_date_only IN (0, 1)),
    registered_at      TEXT NOT NULL,
    requester          TEXT NOT NULL,
    department         TEXT NOT NULL,
    location           TEXT,
    phone              TEXT,
    email              TEXT,
    channel            TEXT NOT NULL,
    origin             TEXT NOT NULL CHECK (origin IN ('interna', 'externa')),
    service_type       TEXT,
    level              INTEGER NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 3),
    urgency            INTEGER NOT NULL DEFAULT 2 CHECK (urgency BETWEEN 1 AND 3),
    impact             INTEGER NOT NULL DEFAULT 2 CHECK (impact BETWEEN 1 AND 3),
    priority           TEXT NOT NULL,
    assignee           TEXT,
    status             TEXT NOT NULL CHECK (status IN
                         ('new', 'assigned', 'in_progress', 'on_hold', 'resolved', 'closed', 'cancelled')),
    response_minutes   INTEGER,
    resolution_minutes INTEGER,
    response_due_at    TEXT,
    resolution_due_at  TEXT,
    first_response_at  TEXT,
    resolved_at        TEXT,
    closed_at          TEXT,
    close_reason       TEXT CHECK (close_reason IN ('verified', 'survey', 'auto', 'imported')),
    survey_due_at      TEXT,
    description        TEXT NOT NULL,
    solution           TEXT,
    products           TEXT,
    time_spent_minutes INTEGER,
    cancel_reason      TEXT,
    reopen_count       INTEGER NOT NULL DEFAULT 0,
    escalation_count   INTEGER NOT NULL DEFAULT 0,
    asset_tag          TEXT,
    source_file        TEXT,
    source_hash        TEXT,
    source_sheet       TEXT,
    source_row         INTEGER,
    import_batch       INTEGER,
    sla_lacks_data     INTEGER NOT NULL DEFAULT 0 CHECK (sla_lacks_data IN (0, 1)),
    extra              TEXT NOT NULL DEFAULT '{}',
    UNIQUE (year, seq)
) STRICT;

-- The case list sorts by one of these indexes; the status and department columns they carry
-- let a page be found without reading the table (see tickets.rs, list_tickets).
CREATE INDEX tickets_received ON tickets(received_at, status, department);
CREATE INDEX tickets_number_cover ON tickets(year, seq, status, department);
CREATE INDEX tickets_status_received ON tickets(status, received_at);
CREATE INDEX tickets_department ON tickets(department, received_at, status);
CREATE INDEX tickets_department_status ON tickets(department, status, received_at);
CREATE INDEX tickets_assignee ON tickets(assignee, status);
CREATE INDEX tickets_type ON tickets(service_type, received_at, status, department);
CREATE INDEX tickets_resolution_due ON tickets(status, resolution_due_at);
CREATE INDEX tickets_due ON tickets(resolution_due_at, status, department);
CREATE INDEX tickets_level ON tickets(level, received_at, status, department);
CREATE INDEX tickets_response_due ON tickets(first_response_at, response_due_at);
CREATE INDEX tickets_survey_due ON tickets(status, survey_due_at);
CREATE INDEX tickets_requester ON tickets(requester COLLATE NOCASE, status, department);

-- Full-text search over number, requester, description and solution (accents ignored).
CREATE VIRTUAL TABLE tickets_fts USING fts5(
    number, requester, description, solution,
    content = 'tickets', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Imported rows are indexed in bulk by the importer (see import/commit.rs).
CREATE TRIGGER tickets_fts_ai AFTER INSERT ON tickets WHEN new.import_batch IS NULL BEGIN
    INSERT INTO tickets_fts(rowid, number, requester, description, solution)
    VALUES (new.id, new.number, new.requester, new.description, coalesce(new.solution, ''));
END;
CREATE TRIGGER tickets_fts_ad AFTER DELETE ON tickets BEGIN
    INSERT INTO tickets_fts(tickets_fts, rowid, number, requester, description, solution)
    VALUES ('delete', old.id, old.number, old.requester, old.description, coalesce(old.solution, ''));
END;
CREATE TRIGGER tickets_fts_au AFTER UPDATE OF number, requester, description, solution ON tickets BEGIN
    INSERT INTO tickets_fts(tickets_fts, rowid, number, requester, description, solution)
    VALUES ('delete', old.id, old.number, old.requester, old.description, coalesce(old.solution, ''));
    INSERT INTO tickets_fts(rowid, number, requester, description, solution)
    VALUES (new.id, new.number, new.requester, new.description, coalesce(new.solution, ''));
END;

-- Case counts per (status, department), kept by triggers: the case list's total for the
-- common filters (none, status, dependencia) without counting index entries.
CREATE TABLE ticket_counts (
    status     TEXT NOT NULL,
    department TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (status, department)
) STRICT;

CREATE TRIGGER ticket_counts_ai AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_counts(status, department, n) VALUES (new.status, new.department, 1)
    ON CONFLICT(status, department) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER ticket_counts_ad AFTER DELETE ON tickets BEGIN
    UPDATE ticket_counts SET n = n - 1 WHERE status = old.status AND department = old.department;
END;
CREATE TRIGGER ticket_counts_au AFTER UPDATE OF status, department ON tickets
WHEN old.status IS NOT new.status OR old.department IS NOT new.department BEGIN
    UPDATE ticket_counts SET n = n - 1 WHERE status = old.status AND department = old.department;
    INSERT INTO ticket_counts(status, department, n) VALUES (new.status, new.department, 1)
    ON CONFLICT(status, department) DO UPDATE SET n = n + 1;
END;

-- Timeline: append-only; every change of a case (who, when, what, old → new).
CREATE TABLE ticket_events (
    id        INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL,
    field     TEXT,
    old_value TEXT,
    new_value TEXT,
    note      TEXT
) STRICT;
CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, id);

CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events BEGIN
    SELECT RAISE(ABORT, 'la línea de tiempo de un caso no se modifica');
END;

-- "En espera" periods: the SLA clocks do not run inside them.
CREATE TABLE ticket_pauses (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    started_at TEXT NOT NULL,
    ended_at   TEXT,
    reason     TEXT NOT NULL
) STRICT;
CREATE INDEX ticket_pauses_ticket ON ticket_pauses(ticket_id);

CREATE TABLE surveys (
    ticket_id   INTEGER PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
    answered_at TEXT NOT NULL,
    scores      TEXT NOT NULL,
    comment     TEXT
) STRICT;
