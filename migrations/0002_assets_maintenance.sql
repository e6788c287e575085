-- 0002: equipment (equipos) with their life record (hoja de vida), peripherals, technical
-- concepts to decommission (concepto técnico de baja), preventive maintenance plans per year
-- (vigencia) with their items and dated occurrences, and log entries (bitácoras).
-- Instants are UTC text 'YYYY-MM-DDTHH:MM:SSZ'; calendar dates are 'YYYY-MM-DD'.

CREATE TABLE assets (
    id             INTEGER PRIMARY KEY,
    tag            TEXT NOT NULL UNIQUE,           -- placa, normalised (IND0123)
    kind           TEXT NOT NULL,                  -- tipo: computador de escritorio, UPS, …
    brand          TEXT,
    model          TEXT,
    serial         TEXT,
    cpu            TEXT,
    ram_gb         REAL CHECK (ram_gb IS NULL OR ram_gb >= 0),
    disk           TEXT,
    os             TEXT,
    os_license     TEXT,
    office_license TEXT,
    hostname       TEXT,
    ip             TEXT,
    mac            TEXT,
    department     TEXT,
    location       TEXT,
    custodian      TEXT,                           -- responsable (funcionario)
    acquired_on    TEXT,                           -- 'YYYY-MM-DD' or 'YYYY' (year only)
    supplier       TEXT,
    value          REAL CHECK (value IS NULL OR value >= 0),
    warranty_until TEXT,
    status         TEXT NOT NULL DEFAULT 'good'
                   CHECK (status IN ('good', 'fair', 'poor', 'in_repair', 'decommissioned')),
    notes          TEXT,
    decommission_concept_id INTEGER,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    source_file    TEXT,
    source_sheet   TEXT,
    source_row     INTEGER,
    import_batch   INTEGER,
    extra          TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX assets_department ON assets(department COLLATE NOCASE);
CREATE INDEX assets_kind ON assets(kind COLLATE NOCASE);
CREATE INDEX assets_import_batch ON assets(import_batch);

-- Peripherals attached to a computer (monitor, teclado, mouse…), with or without their own tag.
CREATE TABLE asset_peripherals (
    id       INTEGER PRIMARY KEY,
    asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    brand    TEXT,
    model    TEXT,
    serial   TEXT,
    tag      TEXT,
    added_at TEXT NOT NULL
) STRICT;
CREATE INDEX asset_peripherals_asset ON asset_peripherals(asset_id);

-- Life record: append-only history of an equipment.
CREATE TABLE asset_events (
    id          INTEGER PRIMARY KEY,
    asset_id    INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,                     -- when it was recorded
    happened_on TEXT NOT NULL,                     -- 'YYYY-MM-DD' when it happened
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('created', 'preventive', 'corrective', 'transfer',
                  'custodian', 'upgrade', 'decommission', 'status', 'edit', 'peripheral', 'note')),
    description TEXT,
    field       TEXT,
    old_value   TEXT,
    new_value   TEXT,
    part        TEXT,
    part_serial TEXT,
    ticket_number TEXT,
    log_id      INTEGER,
    concept_id  INTEGER
) STRICT;
CREATE INDEX asset_events_asset ON asset_events(asset_id, id);

CREATE TRIGGER asset_events_no_update BEFORE UPDATE ON asset_events BEGIN
    SELECT RAISE(ABORT, 'la hoja de vida de un equipo no se modifica');
END;

-- Concepto técnico de baja.
CREATE TABLE decommission_concepts (
    id             INTEGER PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE,           -- CTB-2026-0001
    asset_id       INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    created_at     TEXT NOT NULL,
    concept_date   TEXT NOT NULL,                  -- 'YYYY-MM-DD'
    diagnosis      TEXT NOT NULL,
    cause          TEXT NOT NULL,
    recommendation TEXT NOT NULL,
    destination    TEXT NOT NULL,
    technician     TEXT NOT NULL,                  -- Elaboró
    engineer       TEXT,                           -- Revisó
    approver       TEXT,                           -- Aprobó
    status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved')),
    approved_at    TEXT
) STRICT;
CREATE INDEX decommission_concepts_asset ON decommission_concepts(asset_id);

CREATE TABLE maintenance_plans (
    id         INTEGER PRIMARY KEY,
    year       INTEGER NOT NULL UNIQUE CHECK (year BETWEEN 2000 AND 2100),
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;

CREATE TABLE maintenance_items (
    id               INTEGER PRIMARY KEY,
    plan_id          INTEGER NOT NULL REFERENCES maintenance_plans(id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    target           TEXT NOT NULL CHECK (target IN ('asset', 'group', 'area')),
    asset_id         INTEGER REFERENCES assets(id) ON DELETE RESTRICT,
    group_kind       TEXT,
    group_department TEXT,
    area             TEXT,
    activity         TEXT NOT NULL,
    checklist        TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings
    frequency        TEXT NOT NULL CHECK (frequency IN
                       ('monthly', 'bimonthly', 'quarterly', 'semiannual', 'annual')),
    start_month      INTEGER NOT NULL CHECK (start_month BETWEEN 1 AND 12),
    responsible      TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    CHECK ((target = 'asset') = (asset_id IS NOT NULL)),
    CHECK ((target = 'area') = (area IS NOT NULL))
) STRICT;
CREATE INDEX maintenance_items_plan ON maintenance_items(plan_id, position);

CREATE TABLE maintenance_occurrences (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES maintenance_items(id) ON DELETE CASCADE,
    year         INTEGER NOT NULL,
    month        INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    scheduled_on TEXT NOT NULL,                    -- first day of the programmed month
    due_on       TEXT NOT NULL,                    -- last day of the programmed month
    UNIQUE (item_id, year, month)
) STRICT;
CREATE INDEX maintenance_occurrences_due ON maintenance_occurrences(due_on);

-- Bitácora: what was done, when, by whom; tied to an occurrence or general.
CREATE TABLE maintenance_logs (
    id             INTEGER PRIMARY KEY,
    occurrence_id  INTEGER REFERENCES maintenance_occurrences(id) ON DELETE RESTRICT,
    asset_id       INTEGER REFERENCES assets(id) ON DELETE RESTRICT,
    area           TEXT,
    kind           TEXT NOT NULL CHECK (kind IN ('preventive', 'corrective', 'monitoring', 'other')),
    performed_on   TEXT NOT NULL,                  -- 'YYYY-MM-DD'
    performed_by   TEXT NOT NULL,
    activity       TEXT NOT NULL,
    checklist      TEXT NOT NULL DEFAULT '[]',     -- JSON [{item, ok, note}]
    findings       TEXT,
    parts_used     TEXT,
    next_actions   TEXT,
    ticket_number  TEXT,
    verified_by    TEXT,
    verified_at    TEXT,
    verification_note TEXT,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL
) STRICT;
CREATE INDEX maintenance_logs_occurrence ON maintenance_logs(occurrence_id);
CREATE INDEX maintenance_logs_performed ON maintenance_logs(performed_on);
CREATE INDEX maintenance_logs_asset ON maintenance_logs(asset_id);
