-- Mesa de Ayuda TI on PostgreSQL (issue 17): the baseline, equal to the SQLite schema after
-- migration 0018 (../0001_initial.sql … ../0018_management_reports.sql). Later changes get one
-- migration per engine (migrations/NNNN_x.sql and migrations/pg/NNNN_x.sql).
--
-- Type rules: INTEGER → BIGINT (`id` columns are identities, BY DEFAULT so copied rows keep
-- their ids), REAL → DOUBLE PRECISION, BLOB → BYTEA, TEXT stays TEXT; instants stay the same
-- ISO-8601 UTC text as in SQLite ('YYYY-MM-DDTHH:MM:SSZ'). SQLite's COLLATE NOCASE is the ICU
-- nondeterministic collation `mesa_nocase` (case-insensitive, accent-sensitive, Unicode-wide).
-- Who and when for the audit triggers come from `SET LOCAL mesa.actor` / `mesa.at` (the one
-- write path, crates/core/src/db/pg); `SET LOCAL mesa.copying = 'on'` is the bulk copy of
-- `mesa server migrate`, whose rows are not audited again (they keep their own history).

CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE COLLATION IF NOT EXISTS mesa_nocase
    (provider = icu, locale = 'und-u-ks-level2', deterministic = false);

-- ---------------------------------------------------------------------------------------------
-- Who, when, and the compatibility functions that keep core's statements one text.

-- The account acting: the write path sets it for each write (and the session's at connect). A
-- change without it (psql, another program) is refused: no silent edits, as on SQLite.
CREATE FUNCTION mesa_actor() RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE a text := nullif(current_setting('mesa.actor', true), '');
BEGIN
    IF a IS NULL THEN
        RAISE EXCEPTION 'cambio sin autor: Mesa de Ayuda TI registra quién hace cada cambio (mesa.actor no está definido)'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN a;
END $$;

-- The write's instant ('YYYY-MM-DDTHH:MM:SSZ'), NULL when none is set.
CREATE FUNCTION mesa_now() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('mesa.at', true), '')
$$;

CREATE FUNCTION mesa_copying() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('mesa.copying', true), '') = 'on'
$$;

-- SQLite's strftime(format, time) for the formats core uses (%Y %m %d %H %M %S %j %w %%), time
-- being 'now' or ISO-8601 text; UTC like SQLite.
CREATE FUNCTION strftime(fmt text, tv text) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    ts timestamp;
    out text := '';
    i int := 1;
    c text;
BEGIN
    IF tv IS NULL OR fmt IS NULL THEN RETURN NULL; END IF;
    IF lower(tv) = 'now' THEN
        ts := now() AT TIME ZONE 'UTC';
    ELSE
        BEGIN
            ts := replace(replace(tv, 'T', ' '), 'Z', '')::timestamp;
        EXCEPTION WHEN others THEN
            RETURN NULL;
        END;
    END IF;
    WHILE i <= length(fmt) LOOP
        c := substr(fmt, i, 1);
        IF c = '%' AND i < length(fmt) THEN
            i := i + 1;
            c := substr(fmt, i, 1);
            out := out || CASE c
                WHEN 'Y' THEN to_char(ts, 'YYYY')
                WHEN 'm' THEN to_char(ts, 'MM')
                WHEN 'd' THEN to_char(ts, 'DD')
                WHEN 'H' THEN to_char(ts, 'HH24')
                WHEN 'M' THEN to_char(ts, 'MI')
                WHEN 'S' THEN to_char(ts, 'SS')
                WHEN 'j' THEN to_char(ts, 'DDD')
                WHEN 'w' THEN extract(dow FROM ts)::int::text
                WHEN '%' THEN '%'
                ELSE '%' || c END;
        ELSE
            out := out || c;
        END IF;
        i := i + 1;
    END LOOP;
    RETURN out;
END $$;

-- SQLite's julianday(time) for ISO-8601 text or 'now'.
CREATE FUNCTION julianday(tv text) RETURNS double precision LANGUAGE sql STABLE AS $$
    SELECT extract(epoch FROM (CASE WHEN lower(tv) = 'now' THEN now() AT TIME ZONE 'UTC'
        ELSE replace(replace(tv, 'T', ' '), 'Z', '')::timestamp END)) / 86400.0 + 2440587.5
$$;

-- SQLite's instr(haystack, needle): 1-based position, 0 when absent.
CREATE FUNCTION instr(h text, n text) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT position(n IN h)::bigint
$$;

-- SQLite's json_extract(json, '$.a.b') for object paths; NULL on invalid JSON, like a missing key.
CREATE FUNCTION json_extract(doc text, path text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF path = '$' THEN RETURN doc; END IF;
    RETURN doc::jsonb #>> string_to_array(substr(path, 3), '.');
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;

CREATE FUNCTION json_valid(doc text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    PERFORM doc::jsonb;
    RETURN doc IS NOT NULL;
EXCEPTION WHEN others THEN
    RETURN false;
END $$;

-- SQLite's total(x): the sum as a float, 0.0 over no rows.
CREATE AGGREGATE total(double precision) (sfunc = float8pl, stype = float8, initcond = '0');

-- The full-text document of a case (SQLite: FTS5 `unicode61 remove_diacritics 2`): accents
-- removed, lower-cased (`simple`: no stemming), split on anything not a letter or a digit.
CREATE FUNCTION mesa_fts_doc(number text, requester text, description text, solution text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_tsvector('pg_catalog.simple'::regconfig,
        regexp_replace(public.unaccent('public.unaccent'::regdictionary,
            concat_ws(' ', number, requester, description, solution)), '[^[:alnum:]]+', ' ', 'g'))
$$;

-- A search text as a prefix query over the same words: every word must match (AND), each as
-- a prefix (`:*`), like the FTS5 query core builds.
CREATE FUNCTION mesa_fts_query(q text) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN w = '' THEN NULL ELSE
        to_tsquery('pg_catalog.simple'::regconfig,
            array_to_string(array(SELECT quote_literal(x) || ':*'
                FROM regexp_split_to_table(w, ' ') AS x), ' & ')) END
    FROM (SELECT btrim(regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary,
        coalesce(q, ''))), '[^[:alnum:]]+', ' ', 'g')) AS w) s
$$;

-- ---------------------------------------------------------------------------------------------
-- Tables and indexes (the SQLite schema after 0018).

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE departments (
    id     BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name   TEXT COLLATE mesa_nocase NOT NULL UNIQUE,
    active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE TABLE staff (
    id     BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name   TEXT COLLATE mesa_nocase NOT NULL UNIQUE,
    role   TEXT NOT NULL CHECK (role IN ('tecnico', 'ingeniero', 'proveedor')),
    level  BIGINT NOT NULL CHECK (level BETWEEN 1 AND 3),
    email  TEXT,
    active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE TABLE service_types (
    id                 BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name               TEXT COLLATE mesa_nocase NOT NULL UNIQUE,
    default_level      BIGINT NOT NULL DEFAULT 1 CHECK (default_level BETWEEN 1 AND 3),
    response_minutes   BIGINT NOT NULL DEFAULT 720 CHECK (response_minutes > 0),
    resolution_minutes BIGINT NOT NULL DEFAULT 2880 CHECK (resolution_minutes > 0),
    default_assignee   TEXT REFERENCES staff(name) ON UPDATE CASCADE ON DELETE SET NULL,
    active             BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE TABLE priority_matrix (
    urgency  BIGINT NOT NULL CHECK (urgency BETWEEN 1 AND 3),
    impact   BIGINT NOT NULL CHECK (impact BETWEEN 1 AND 3),
    priority TEXT NOT NULL,
    PRIMARY KEY (urgency, impact)
);
CREATE TABLE survey_questions (
    position BIGINT PRIMARY KEY,
    text     TEXT NOT NULL
);
CREATE TABLE ticket_counters (
    year BIGINT PRIMARY KEY,
    last BIGINT NOT NULL
);
CREATE TABLE tickets (
    id                 BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    year               BIGINT NOT NULL,
    seq                BIGINT NOT NULL,
    legacy_number      TEXT,
    received_at        TEXT,
    received_date_only BIGINT NOT NULL DEFAULT 0 CHECK (received_date_only IN (0, 1)),
    registered_at      TEXT NOT NULL,
    requester          TEXT NOT NULL,
    department         TEXT NOT NULL,
    location           TEXT,
    phone              TEXT,
    email              TEXT,
    channel            TEXT NOT NULL,
    origin             TEXT NOT NULL CHECK (origin IN ('interna', 'externa')),
    service_type       TEXT,
    level              BIGINT NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 3),
    urgency            BIGINT NOT NULL DEFAULT 2 CHECK (urgency BETWEEN 1 AND 3),
    impact             BIGINT NOT NULL DEFAULT 2 CHECK (impact BETWEEN 1 AND 3),
    priority           TEXT NOT NULL,
    assignee           TEXT,
    status             TEXT NOT NULL CHECK (status IN
                         ('new', 'assigned', 'in_progress', 'on_hold', 'resolved', 'closed', 'cancelled')),
    response_minutes   BIGINT,
    resolution_minutes BIGINT,
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
    time_spent_minutes BIGINT,
    cancel_reason      TEXT,
    reopen_count       BIGINT NOT NULL DEFAULT 0,
    escalation_count   BIGINT NOT NULL DEFAULT 0,
    asset_tag          TEXT,
    source_file        TEXT,
    source_hash        TEXT,
    source_sheet       TEXT,
    source_row         BIGINT,
    import_batch       BIGINT,
    sla_lacks_data     BIGINT NOT NULL DEFAULT 0 CHECK (sla_lacks_data IN (0, 1)),
    extra              TEXT NOT NULL DEFAULT '{}', import_key TEXT,
    UNIQUE (year, seq)
);
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
CREATE INDEX tickets_requester ON tickets(requester COLLATE mesa_nocase, status, department);
CREATE TABLE ticket_counts (
    status     TEXT NOT NULL,
    department TEXT NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (status, department)
);
CREATE TABLE ticket_events (
    id        BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL,
    field     TEXT,
    old_value TEXT,
    new_value TEXT,
    note      TEXT
);
CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, id);
CREATE TABLE ticket_pauses (
    id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    ticket_id  BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    started_at TEXT NOT NULL,
    ended_at   TEXT,
    reason     TEXT NOT NULL
);
CREATE INDEX ticket_pauses_ticket ON ticket_pauses(ticket_id);
CREATE TABLE surveys (
    ticket_id   BIGINT PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
    answered_at TEXT NOT NULL,
    scores      TEXT NOT NULL,
    comment     TEXT
);
CREATE TABLE assets (
    id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    tag            TEXT NOT NULL UNIQUE,           -- placa, normalised (IND0123)
    kind           TEXT NOT NULL,                  -- tipo: computador de escritorio, UPS, …
    brand          TEXT,
    model          TEXT,
    serial         TEXT,
    cpu            TEXT,
    ram_gb         DOUBLE PRECISION CHECK (ram_gb IS NULL OR ram_gb >= 0),
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
    value          DOUBLE PRECISION CHECK (value IS NULL OR value >= 0),
    warranty_until TEXT,
    status         TEXT NOT NULL DEFAULT 'good'
                   CHECK (status IN ('good', 'fair', 'poor', 'in_repair', 'decommissioned')),
    notes          TEXT,
    decommission_concept_id BIGINT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    source_file    TEXT,
    source_sheet   TEXT,
    source_row     BIGINT,
    import_batch   BIGINT,
    extra          TEXT NOT NULL DEFAULT '{}',
    tag_display TEXT);
CREATE INDEX assets_department ON assets(department COLLATE mesa_nocase);
CREATE INDEX assets_kind ON assets(kind COLLATE mesa_nocase);
CREATE INDEX assets_import_batch ON assets(import_batch);
CREATE TABLE asset_peripherals (
    id       BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    asset_id BIGINT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    brand    TEXT,
    model    TEXT,
    serial   TEXT,
    tag      TEXT,
    added_at TEXT NOT NULL
);
CREATE INDEX asset_peripherals_asset ON asset_peripherals(asset_id);
CREATE TABLE asset_events (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    asset_id    BIGINT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
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
    log_id      BIGINT,
    concept_id  BIGINT
);
CREATE INDEX asset_events_asset ON asset_events(asset_id, id);
CREATE TABLE decommission_concepts (
    id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE,           -- CTB-2026-0001
    asset_id       BIGINT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
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
    approved_at    TEXT,
    sod_justification TEXT);
CREATE INDEX decommission_concepts_asset ON decommission_concepts(asset_id);
CREATE TABLE maintenance_plans (
    id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    year       BIGINT NOT NULL UNIQUE CHECK (year BETWEEN 2000 AND 2100),
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE maintenance_items (
    id               BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    plan_id          BIGINT NOT NULL REFERENCES maintenance_plans(id) ON DELETE CASCADE,
    position         BIGINT NOT NULL,
    target           TEXT NOT NULL CHECK (target IN ('asset', 'group', 'area')),
    asset_id         BIGINT REFERENCES assets(id) ON DELETE RESTRICT,
    group_kind       TEXT,
    group_department TEXT,
    area             TEXT,
    activity         TEXT NOT NULL,
    checklist        TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings
    frequency        TEXT NOT NULL CHECK (frequency IN
                       ('monthly', 'bimonthly', 'quarterly', 'semiannual', 'annual')),
    start_month      BIGINT NOT NULL CHECK (start_month BETWEEN 1 AND 12),
    responsible      TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    CHECK ((target = 'asset') = (asset_id IS NOT NULL)),
    CHECK ((target = 'area') = (area IS NOT NULL))
);
CREATE INDEX maintenance_items_plan ON maintenance_items(plan_id, position);
CREATE TABLE maintenance_occurrences (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    item_id      BIGINT NOT NULL REFERENCES maintenance_items(id) ON DELETE CASCADE,
    year         BIGINT NOT NULL,
    month        BIGINT NOT NULL CHECK (month BETWEEN 1 AND 12),
    scheduled_on TEXT NOT NULL,                    -- first day of the programmed month
    due_on       TEXT NOT NULL,                    -- last day of the programmed month
    UNIQUE (item_id, year, month)
);
CREATE INDEX maintenance_occurrences_due ON maintenance_occurrences(due_on);
CREATE TABLE maintenance_logs (
    id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    occurrence_id  BIGINT REFERENCES maintenance_occurrences(id) ON DELETE RESTRICT,
    asset_id       BIGINT REFERENCES assets(id) ON DELETE RESTRICT,
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
    created_by     TEXT NOT NULL,
    sod_justification TEXT);
CREATE INDEX maintenance_logs_occurrence ON maintenance_logs(occurrence_id);
CREATE INDEX maintenance_logs_performed ON maintenance_logs(performed_on);
CREATE INDEX maintenance_logs_asset ON maintenance_logs(asset_id);
CREATE TABLE audit_log (
    id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    at         TEXT NOT NULL,                   -- UTC 'YYYY-MM-DDTHH:MM:SSZ'
    actor      TEXT NOT NULL,                   -- who (the --as user / the app user / 'sistema')
    table_name TEXT NOT NULL,
    record_key TEXT NOT NULL,                   -- number, placa, name…: what a person recognises
    action     TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'anonymize', 'export')),
    field      TEXT,                            -- for updates: the column that changed
    old_value  TEXT,                            -- update: previous value; delete: the row (JSON)
    new_value  TEXT                             -- update: new value; create: the row (JSON)
);
CREATE INDEX audit_log_record ON audit_log(table_name, record_key, id);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE TABLE import_batches (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('cases', 'assets')),
    file_name   TEXT NOT NULL,
    file_hash   TEXT NOT NULL,                  -- SHA-256 of the file's bytes
    format      TEXT NOT NULL,
    imported_at TEXT NOT NULL,                  -- UTC 'YYYY-MM-DDTHH:MM:SSZ'
    actor       TEXT NOT NULL,
    imported    BIGINT NOT NULL DEFAULT 0,
    duplicates  BIGINT NOT NULL DEFAULT 0,
    warnings    BIGINT NOT NULL DEFAULT 0,
    errors      BIGINT NOT NULL DEFAULT 0,
    mapping     TEXT NOT NULL DEFAULT '{}',     -- the mapping used (JSON), reusable
    undone_at   TEXT,
    undone_by   TEXT
);
CREATE UNIQUE INDEX tickets_import_key ON tickets(import_key) WHERE import_key IS NOT NULL;
CREATE INDEX tickets_import_batch ON tickets(import_batch) WHERE import_batch IS NOT NULL;
CREATE TABLE reports (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    kind         TEXT NOT NULL DEFAULT 'helpdesk' CHECK (kind IN ('helpdesk')),
    period_from  TEXT NOT NULL,                 -- 'YYYY-MM-DD' (Bogota), inclusive
    period_to    TEXT NOT NULL,                 -- 'YYYY-MM-DD' (Bogota), inclusive
    analysis     TEXT NOT NULL DEFAULT '',      -- análisis / observaciones
    actions      TEXT NOT NULL DEFAULT '',      -- acciones de mejora
    indicators   TEXT NOT NULL DEFAULT '{}',    -- indicator values at saving time (JSON)
    created_at   TEXT NOT NULL,                 -- UTC 'YYYY-MM-DDTHH:MM:SSZ'
    created_by   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (period_from <= period_to),
    UNIQUE (kind, period_from, period_to)
);
CREATE TABLE sla_level_targets (
    service_type       TEXT NOT NULL DEFAULT '',
    level              BIGINT NOT NULL CHECK (level BETWEEN 1 AND 3),
    response_minutes   BIGINT NOT NULL CHECK (response_minutes > 0),
    resolution_minutes BIGINT NOT NULL CHECK (resolution_minutes > 0),
    PRIMARY KEY (service_type, level)
);
CREATE TABLE decommission_counters (
    year BIGINT PRIMARY KEY,
    last BIGINT NOT NULL
);
CREATE TABLE ticket_followups (
    id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    ticket_id  BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),
    body       TEXT NOT NULL,
    minutes    BIGINT CHECK (minutes IS NULL OR minutes BETWEEN 0 AND 100000),
    contact    BIGINT NOT NULL DEFAULT 0 CHECK (contact IN (0, 1))
);
CREATE INDEX ticket_followups_ticket ON ticket_followups(ticket_id, id);
CREATE INDEX ticket_followups_at ON ticket_followups(at) WHERE minutes IS NOT NULL;
CREATE TABLE ticket_visits (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    ticket_id    BIGINT NOT NULL UNIQUE REFERENCES tickets(id) ON DELETE CASCADE,
    starts_at    TEXT NOT NULL,
    minutes      BIGINT NOT NULL CHECK (minutes BETWEEN 5 AND 1440),
    place        TEXT,
    who          TEXT,
    note         TEXT,
    sequence     BIGINT NOT NULL DEFAULT 0,
    scheduled_by TEXT NOT NULL,
    scheduled_at TEXT NOT NULL
);
CREATE INDEX ticket_visits_starts_at ON ticket_visits(starts_at);
CREATE TABLE ticket_links (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    from_ticket BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    to_ticket   BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('duplicate', 'related', 'parent')),
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL,
    CHECK (from_ticket <> to_ticket)
);
CREATE UNIQUE INDEX ticket_links_pair
    ON ticket_links(LEAST(from_ticket, to_ticket), GREATEST(from_ticket, to_ticket));
CREATE UNIQUE INDEX ticket_links_one_parent ON ticket_links(from_ticket) WHERE kind = 'parent';
CREATE UNIQUE INDEX ticket_links_one_original ON ticket_links(from_ticket) WHERE kind = 'duplicate';
CREATE INDEX ticket_links_to ON ticket_links(to_ticket, kind);
CREATE TABLE accounts (
    id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    login           TEXT COLLATE mesa_nocase NOT NULL UNIQUE,
    name            TEXT COLLATE mesa_nocase NOT NULL UNIQUE,
    cargo           TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL CHECK (role IN ('administrador', 'tecnico', 'auxiliar', 'consulta')),
    password_hash   TEXT,
    active          BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_logins   BIGINT NOT NULL DEFAULT 0,
    last_failed_at  TEXT,
    last_login_at   TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
);
CREATE TABLE access_log (
    id     BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    at     TEXT NOT NULL,
    login  TEXT NOT NULL,
    event  TEXT NOT NULL CHECK (event IN ('login', 'logout', 'failed', 'refused', 'lock',
                                          'password', 'reset', 'created', 'changed',
                                          'deactivated', 'activated')),
    actor  TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX access_log_at ON access_log(at);
CREATE TABLE indicators (
    id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    objective       TEXT NOT NULL DEFAULT '',
    process         TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL CHECK (kind IN ('eficacia', 'eficiencia', 'efectividad')),
    formula         TEXT NOT NULL DEFAULT '',
    unit            TEXT NOT NULL,
    frequency       TEXT NOT NULL
                    CHECK (frequency IN ('monthly', 'bimonthly', 'quarterly', 'semiannual', 'annual')),
    target          DOUBLE PRECISION NOT NULL,
    satisfactory    DOUBLE PRECISION NOT NULL,
    acceptable      DOUBLE PRECISION NOT NULL,
    direction       TEXT NOT NULL CHECK (direction IN ('up', 'down')),
    owner_measure   TEXT NOT NULL DEFAULT '',
    owner_analysis  TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL DEFAULT '',
    metric          TEXT UNIQUE,
    position        BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE indicator_values (
    indicator_id BIGINT NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    period       TEXT NOT NULL,
    value        DOUBLE PRECISION,
    analysis     TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    PRIMARY KEY (indicator_id, period)
);
CREATE TABLE indicator_dismissals (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    indicator_id BIGINT NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    first_period TEXT NOT NULL,
    last_period  TEXT NOT NULL,
    reason       TEXT NOT NULL CHECK (length(reason) > 0),
    actor        TEXT NOT NULL,
    at           TEXT NOT NULL,
    UNIQUE (indicator_id, first_period, last_period)
);
CREATE TABLE plan_finding_counters (
    year BIGINT PRIMARY KEY,
    last BIGINT NOT NULL
);
CREATE TABLE plan_findings (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    year        BIGINT NOT NULL,
    seq         BIGINT NOT NULL,
    description TEXT NOT NULL CHECK (length(description) > 0),
    source      TEXT NOT NULL
                CHECK (source IN ('indicador', 'encuesta', 'auditoria', 'riesgo', 'informe', 'otro')),
    source_ref  TEXT,
    found_on    TEXT NOT NULL,
    effect      TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    UNIQUE (year, seq)
);
CREATE TABLE plan_causes (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    finding_id  BIGINT NOT NULL REFERENCES plan_findings(id) ON DELETE CASCADE,
    position    BIGINT NOT NULL,
    description TEXT NOT NULL CHECK (length(description) > 0),
    UNIQUE (finding_id, position)
);
CREATE TABLE plan_actions (
    id                BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    finding_id        BIGINT NOT NULL REFERENCES plan_findings(id) ON DELETE CASCADE,
    description       TEXT NOT NULL CHECK (length(description) > 0),
    objective         TEXT,
    goal              TEXT,
    unit              TEXT,
    quantity          DOUBLE PRECISION CHECK (quantity IS NULL OR quantity >= 0),
    starts_on         TEXT NOT NULL,
    ends_on           TEXT NOT NULL CHECK (ends_on >= starts_on),
    owner             TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    verified_at       TEXT,
    verified_by       TEXT,
    verification_note TEXT,
    justification     TEXT,
    CHECK ((verified_at IS NULL) = (verified_by IS NULL))
);
CREATE INDEX plan_actions_finding ON plan_actions(finding_id, id);
CREATE INDEX plan_actions_ends_on ON plan_actions(ends_on) WHERE verified_at IS NULL;
CREATE TABLE plan_followups (
    id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    action_id  BIGINT NOT NULL REFERENCES plan_actions(id) ON DELETE CASCADE,
    done_on    TEXT NOT NULL,
    progress   BIGINT NOT NULL CHECK (progress BETWEEN 0 AND 100),
    comment    TEXT NOT NULL CHECK (length(comment) > 0),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX plan_followups_action ON plan_followups(action_id, done_on, id);
CREATE TABLE "attachments" (
    id               BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    ticket_id        BIGINT REFERENCES tickets(id) ON DELETE CASCADE,
    asset_id         BIGINT REFERENCES assets(id) ON DELETE CASCADE,
    plan_followup_id BIGINT REFERENCES plan_followups(id) ON DELETE CASCADE,
    name             TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    size             BIGINT NOT NULL CHECK (size > 0),
    media_type       TEXT NOT NULL,
    sha256           TEXT NOT NULL CHECK (length(sha256) = 64),
    executable       BIGINT NOT NULL DEFAULT 0 CHECK (executable IN (0, 1)),
    is_photo         BIGINT NOT NULL DEFAULT 0 CHECK (is_photo IN (0, 1)),
    added_at         TEXT NOT NULL,
    added_by         TEXT NOT NULL,
    removed_at       TEXT,
    removed_by       TEXT,
    remove_reason    TEXT,
    CHECK (num_nonnulls(ticket_id, asset_id, plan_followup_id) = 1),
    CHECK (is_photo = 0 OR asset_id IS NOT NULL)
);
CREATE INDEX attachments_ticket ON attachments(ticket_id, id) WHERE ticket_id IS NOT NULL;
CREATE INDEX attachments_asset ON attachments(asset_id, id) WHERE asset_id IS NOT NULL;
CREATE INDEX attachments_plan_followup ON attachments(plan_followup_id, id)
    WHERE plan_followup_id IS NOT NULL;
CREATE INDEX attachments_sha256 ON attachments(sha256);
CREATE TABLE risks (
    id                 BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    code               TEXT NOT NULL UNIQUE,
    process            TEXT NOT NULL,
    description        TEXT NOT NULL,
    classification     TEXT NOT NULL,
    causes             TEXT NOT NULL DEFAULT '',
    consequences       TEXT NOT NULL DEFAULT '',
    probability        BIGINT NOT NULL CHECK (probability BETWEEN 1 AND 5),
    impact             BIGINT NOT NULL CHECK (impact BETWEEN 1 AND 5),
    treatment          TEXT NOT NULL DEFAULT 'reduce'
                       CHECK (treatment IN ('accept', 'reduce', 'avoid', 'share')),
    plan_responsible   TEXT,
    plan_due           TEXT,
    plan_description   TEXT,
    plan_action_id     BIGINT,
    next_review        TEXT,
    last_review        TEXT,
    data_source        TEXT NOT NULL DEFAULT 'none'
                       CHECK (data_source IN ('none', 'backups', 'sla', 'maintenance')),
    created_by         TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_by         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE TABLE risk_controls (
    id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    risk_id        BIGINT NOT NULL REFERENCES risks(id) ON DELETE CASCADE,
    position       BIGINT NOT NULL,
    description    TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('preventive', 'detective', 'corrective')),
    implementation TEXT NOT NULL CHECK (implementation IN ('automatic', 'manual')),
    documented     BIGINT NOT NULL DEFAULT 0 CHECK (documented IN (0, 1)),
    frequency      TEXT NOT NULL DEFAULT 'continuous' CHECK (frequency IN ('continuous', 'random')),
    evidence       BIGINT NOT NULL DEFAULT 0 CHECK (evidence IN (0, 1)),
    responsible    TEXT,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    UNIQUE (risk_id, position)
);
CREATE TABLE mail_account (
    id               BIGINT PRIMARY KEY CHECK (id = 1),
    address          TEXT NOT NULL,
    display_name     TEXT NOT NULL DEFAULT 'Mesa de Ayuda TI',
    imap_host        TEXT NOT NULL,
    imap_port        BIGINT NOT NULL CHECK (imap_port BETWEEN 1 AND 65535),
    smtp_host        TEXT NOT NULL,
    smtp_port        BIGINT NOT NULL CHECK (smtp_port BETWEEN 1 AND 65535),
    security         TEXT NOT NULL CHECK (security IN ('tls', 'starttls', 'none')),
    auth             TEXT NOT NULL DEFAULT 'password' CHECK (auth IN ('password', 'oauth2_microsoft', 'oauth2_google')),
    username         TEXT NOT NULL,
    folder           TEXT NOT NULL DEFAULT 'INBOX',
    processed_folder TEXT NOT NULL DEFAULT 'Mesa de ayuda/Procesados',
    poll_minutes     BIGINT NOT NULL DEFAULT 2 CHECK (poll_minutes BETWEEN 1 AND 1440),
    max_mb           BIGINT NOT NULL DEFAULT 25 CHECK (max_mb BETWEEN 1 AND 500),
    auto_register    BIGINT NOT NULL DEFAULT 0 CHECK (auto_register IN (0, 1)),
    enabled          BIGINT NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1))
);
CREATE TABLE mail_sync (
    account     TEXT PRIMARY KEY,
    uidvalidity BIGINT NOT NULL,
    last_uid    BIGINT NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL
);
CREATE TABLE mail_messages (
    id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    message_id     TEXT,
    content_hash   TEXT,
    account        TEXT,
    uidvalidity    BIGINT,
    uid            BIGINT,
    received_at    TEXT NOT NULL,
    imported       BIGINT NOT NULL DEFAULT 0 CHECK (imported IN (0, 1)),
    from_address   TEXT NOT NULL DEFAULT '',
    from_name      TEXT NOT NULL DEFAULT '',
    to_addresses   TEXT NOT NULL DEFAULT '',
    cc_addresses   TEXT NOT NULL DEFAULT '',
    subject        TEXT NOT NULL DEFAULT '',
    body           TEXT NOT NULL DEFAULT '',
    in_reply_to    TEXT,
    references_ids TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL CHECK (kind IN ('request', 'auto_reply', 'bounce', 'list', 'own')),
    state          TEXT NOT NULL CHECK (state IN ('nuevo', 'registrado', 'descartado', 'seguimiento',
                       'ignorado', 'revisar_respuesta', 'demasiado_grande')),
    note           TEXT,
    discard_reason TEXT,
    ticket_id      BIGINT REFERENCES tickets(id) ON DELETE SET NULL,
    attachments    BIGINT NOT NULL DEFAULT 0,
    size           BIGINT NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    decided_at     TEXT,
    decided_by     TEXT,
    moved_at       TEXT,
    CHECK (state <> 'descartado' OR discard_reason IS NOT NULL)
);
CREATE UNIQUE INDEX mail_messages_identity ON mail_messages(message_id, content_hash)
    WHERE message_id IS NOT NULL AND content_hash IS NOT NULL;
CREATE UNIQUE INDEX mail_messages_uid ON mail_messages(account, uidvalidity, uid)
    WHERE uid IS NOT NULL;
CREATE INDEX mail_messages_hash ON mail_messages(content_hash);
CREATE INDEX mail_messages_msgid ON mail_messages(message_id);
CREATE INDEX mail_messages_state ON mail_messages(state, received_at);
CREATE INDEX mail_messages_ticket ON mail_messages(ticket_id) WHERE ticket_id IS NOT NULL;
CREATE INDEX mail_messages_from ON mail_messages(from_address, created_at);
CREATE TABLE mail_raw (
    mail_id BIGINT PRIMARY KEY REFERENCES mail_messages(id) ON DELETE CASCADE,
    bytes   BYTEA NOT NULL
);
CREATE TABLE mail_outbox (
    id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    ticket_id       BIGINT REFERENCES tickets(id) ON DELETE SET NULL,
    kind            TEXT NOT NULL,
    to_address      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    message_id      TEXT NOT NULL UNIQUE,
    state           TEXT NOT NULL DEFAULT 'pendiente' CHECK (state IN ('pendiente', 'enviado', 'fallido')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    last_reply      TEXT,
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    sent_at         TEXT,
    accepted_at     TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox(state, next_attempt_at);
CREATE INDEX mail_outbox_ticket ON mail_outbox(ticket_id) WHERE ticket_id IS NOT NULL;
CREATE INDEX mail_outbox_to ON mail_outbox(to_address, kind, created_at);
CREATE TABLE mail_outbox_raw (
    outbox_id BIGINT PRIMARY KEY REFERENCES mail_outbox(id) ON DELETE CASCADE,
    bytes     BYTEA NOT NULL
);
CREATE TABLE mail_templates (
    kind    TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    body    TEXT NOT NULL,
    enabled BIGINT NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1))
);
CREATE TABLE management_reports (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    period_from  TEXT NOT NULL,                 -- 'YYYY-MM-DD' (Bogota), inclusive
    period_to    TEXT NOT NULL,                 -- 'YYYY-MM-DD' (Bogota), inclusive
    analysis     TEXT NOT NULL DEFAULT '{}',    -- {"IND-01": "texto", …}
    conclusions  TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,                 -- UTC 'YYYY-MM-DDTHH:MM:SSZ'
    created_by   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    CHECK (period_from <= period_to),
    CHECK (json_valid(analysis)),
    UNIQUE (period_from, period_to)
);

-- ---------------------------------------------------------------------------------------------
-- The catalogs and settings a new SQLite database starts with (migrations 0001–0018), same ids.
INSERT INTO settings(key, value) VALUES
    ('entity_name', 'Instituto Municipal de Deporte y Recreación de Valledupar — INDUPAL'),
    ('entity_nit', ''),
    ('ticket_prefix', 'MA'),
    ('default_response_minutes', '720'),
    ('default_resolution_minutes', '2880'),
    ('survey_business_days', '2'),
    ('due_soon_minutes', '120'),
    ('calendar', '');
INSERT INTO departments(id, name, active) VALUES
    (1, 'Dirección General', 1),
    (2, 'Subdirección Administrativa y Financiera', 1),
    (3, 'Oficina Jurídica', 1),
    (4, 'Control Interno', 1),
    (5, 'Talento Humano', 1),
    (6, 'Tesorería', 1),
    (7, 'Contabilidad', 1),
    (8, 'Presupuesto', 1),
    (9, 'Almacén', 1),
    (10, 'Área de Deportes', 1),
    (11, 'Área de Recreación', 1),
    (12, 'Escuelas Deportivas', 1),
    (13, 'Comunicaciones', 1),
    (14, 'Atención al Ciudadano', 1),
    (15, 'Sistemas', 1);
SELECT setval(pg_get_serial_sequence('departments', 'id'), (SELECT max(id) FROM departments));
INSERT INTO staff(id, name, role, level, email, active) VALUES
    (1, 'Técnico de sistemas', 'tecnico', 1, NULL, 1),
    (2, 'Ingeniero de sistemas', 'ingeniero', 2, NULL, 1),
    (3, 'Proveedor externo', 'proveedor', 3, NULL, 1);
SELECT setval(pg_get_serial_sequence('staff', 'id'), (SELECT max(id) FROM staff));
INSERT INTO service_types(id, name, default_level, response_minutes, resolution_minutes, default_assignee, active) VALUES
    (1, 'Publicación de archivo a sitio web', 1, 720, 960, 'Técnico de sistemas', 1),
    (2, 'Administración de telefonía IP', 1, 720, 1440, 'Técnico de sistemas', 1),
    (3, 'Mantenimiento de equipos de cómputo', 1, 720, 2400, 'Técnico de sistemas', 1),
    (4, 'Actualización y soporte de aplicativos área financiera', 2, 720, 1440, 'Ingeniero de sistemas', 1),
    (5, 'Administración de correo electrónico institucional', 1, 720, 960, 'Técnico de sistemas', 1),
    (6, 'Atención a solicitudes de equipos de cómputo', 1, 720, 2400, 'Técnico de sistemas', 1),
    (7, 'Concepto técnico para dar de baja equipos', 2, 720, 4800, 'Ingeniero de sistemas', 1),
    (8, 'Apoyo para alistamiento de equipos en reuniones', 1, 720, 480, 'Técnico de sistemas', 1);
SELECT setval(pg_get_serial_sequence('service_types', 'id'), (SELECT max(id) FROM service_types));
INSERT INTO priority_matrix(urgency, impact, priority) VALUES
    (1, 1, 'baja'),
    (1, 2, 'baja'),
    (1, 3, 'media'),
    (2, 1, 'baja'),
    (2, 2, 'media'),
    (2, 3, 'alta'),
    (3, 1, 'media'),
    (3, 2, 'alta'),
    (3, 3, 'urgente');
INSERT INTO survey_questions(position, text) VALUES
    (1, 'Oportunidad de la atención'),
    (2, 'Calidad de la solución'),
    (3, 'Trato y amabilidad del personal'),
    (4, 'Satisfacción general con el servicio');
INSERT INTO indicators(id, code, name, objective, process, kind, formula, unit, frequency, target, satisfactory, acceptable, direction, owner_measure, owner_analysis, source, metric, position) VALUES
    (1, 'IND-01', 'Casos atendidos dentro del plazo de respuesta', 'Medir la oportunidad de la primera atención a las solicitudes de soporte.', 'Gestión de TI — Mesa de ayuda', 'eficacia', '', '%', 'monthly', 90.0, 90.0, 80.0, 'up', 'Técnico de sistemas', 'Líder de TI', 'Casos y línea de tiempo de Mesa de Ayuda TI', 'response_on_time', 1),
    (2, 'IND-02', 'Casos solucionados dentro del plazo de solución', 'Medir el cumplimiento de los tiempos de solución acordados.', 'Gestión de TI — Mesa de ayuda', 'eficacia', '', '%', 'monthly', 90.0, 90.0, 80.0, 'up', 'Técnico de sistemas', 'Líder de TI', 'Casos y línea de tiempo de Mesa de Ayuda TI', 'resolution_on_time', 2),
    (3, 'IND-03', 'Satisfacción general de los usuarios', 'Conocer la percepción de los usuarios sobre el servicio de soporte.', 'Gestión de TI — Mesa de ayuda', 'efectividad', '', 'puntos (1 a 5)', 'monthly', 4.0, 4.0, 3.5, 'up', 'Técnico de sistemas', 'Líder de TI', 'Encuestas de satisfacción de Mesa de Ayuda TI', 'satisfaction', 3),
    (4, 'IND-04', 'Tasa de respuesta de la encuesta', 'Medir la participación de los usuarios en la evaluación del servicio.', 'Gestión de TI — Mesa de ayuda', 'eficacia', '', '%', 'monthly', 50.0, 50.0, 30.0, 'up', 'Técnico de sistemas', 'Líder de TI', 'Encuestas de satisfacción de Mesa de Ayuda TI', 'survey_response', 4),
    (5, 'IND-05', 'Cumplimiento del mantenimiento preventivo', 'Verificar la ejecución del plan de mantenimiento preventivo de la vigencia.', 'Gestión de TI — Mantenimiento', 'eficacia', '', '%', 'monthly', 90.0, 90.0, 75.0, 'up', 'Técnico de sistemas', 'Líder de TI', 'Plan de mantenimiento y bitácoras de Mesa de Ayuda TI', 'maintenance', 5),
    (6, 'IND-06', 'Casos abiertos al cierre del periodo', 'Controlar el volumen de solicitudes pendientes.', 'Gestión de TI — Mesa de ayuda', 'eficiencia', '', 'casos', 'monthly', 10.0, 10.0, 20.0, 'down', 'Técnico de sistemas', 'Líder de TI', 'Casos de Mesa de Ayuda TI', 'backlog', 6),
    (7, 'IND-07', 'Casos escalados', 'Medir la capacidad de solución en el primer nivel de soporte.', 'Gestión de TI — Mesa de ayuda', 'eficiencia', '', '%', 'monthly', 15.0, 15.0, 25.0, 'down', 'Técnico de sistemas', 'Líder de TI', 'Casos y línea de tiempo de Mesa de Ayuda TI', 'escalated', 7),
    (8, 'IND-08', 'Casos reabiertos', 'Medir la calidad de las soluciones (soluciones rechazadas por el solicitante).', 'Gestión de TI — Mesa de ayuda', 'efectividad', '', '%', 'monthly', 5.0, 5.0, 10.0, 'down', 'Técnico de sistemas', 'Líder de TI', 'Casos y línea de tiempo de Mesa de Ayuda TI', 'reopened', 8),
    (9, 'IND-09', 'Casos cerrados automáticamente', 'Medir los cierres sin verificación del solicitante.', 'Gestión de TI — Mesa de ayuda', 'eficiencia', '', '%', 'monthly', 30.0, 30.0, 50.0, 'down', 'Técnico de sistemas', 'Líder de TI', 'Casos de Mesa de Ayuda TI', 'auto_closed', 9);
SELECT setval(pg_get_serial_sequence('indicators', 'id'), (SELECT max(id) FROM indicators));
INSERT INTO risks(id, code, process, description, classification, causes, consequences, probability, impact, treatment, plan_responsible, plan_due, plan_description, plan_action_id, next_review, last_review, data_source, created_by, created_at, updated_by, updated_at) VALUES
    (1, 'R-01', 'Gestión de TIC — Mesa de ayuda', 'Posibilidad de pérdida de la información de la mesa de ayuda y de los equipos debido a la falta de copias de seguridad verificadas por ausencia de un procedimiento de respaldo periódico', 'Fallas tecnológicas', 'No se hacen copias de seguridad periódicas; las copias no se verifican ni se prueba su restauración; daño del disco o del equipo.', 'Pérdida del historial de casos y del inventario; reprocesos; incumplimiento de la gestión documental.', 3, 5, 'reduce', NULL, NULL, NULL, NULL, NULL, NULL, 'backups', 'sistema', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'sistema', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    (2, 'R-02', 'Gestión de TIC — Mesa de ayuda', 'Posibilidad de afectación de la prestación del servicio debido al incumplimiento de los tiempos de respuesta y solución acordados por exceso de solicitudes o falta de priorización', 'Ejecución y administración de procesos', 'Volumen de solicitudes mayor que la capacidad; casos sin priorizar; falta de seguimiento a los vencimientos.', 'Quejas de los usuarios; baja satisfacción; dependencias detenidas.', 4, 3, 'reduce', NULL, NULL, NULL, NULL, NULL, NULL, 'sla', 'sistema', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'sistema', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    (3, 'R-03', 'Gestión de TIC — Mesa de ayuda', 'Posibilidad de interrupción del trabajo de las dependencias debido a fallas de los equipos de cómputo por falta de mantenimiento preventivo según el cronograma', 'Fallas tecnológicas', 'Mantenimientos preventivos no ejecutados o aplazados; equipos obsoletos; falta de repuestos.', 'Equipos fuera de servicio; aumento de casos correctivos; costos de reparación.', 3, 3, 'reduce', NULL, NULL, NULL, NULL, NULL, NULL, 'maintenance', 'sistema', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'sistema', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    (4, 'R-04', 'Gestión de TIC — Mesa de ayuda', 'Posibilidad de pérdida de confidencialidad de la información debido a accesos no autorizados a equipos y sistemas por contraseñas débiles o cuentas de usuario sin depurar', 'Fraude externo', 'Contraseñas débiles o compartidas; cuentas de funcionarios retirados activas; equipos sin bloqueo.', 'Divulgación de datos personales (Ley 1581 de 2012); investigaciones disciplinarias; daño a la imagen.', 2, 4, 'reduce', NULL, NULL, NULL, NULL, NULL, NULL, 'none', 'sistema', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'sistema', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    (5, 'R-05', 'Gestión de TIC — Mesa de ayuda', 'Posibilidad de suspensión del servicio de soporte debido a la ausencia del único técnico por concentración del conocimiento en una sola persona sin documentación de los procedimientos', 'Relaciones laborales', 'Un solo técnico atiende la mesa; procedimientos y claves sin documentar; vacaciones o incapacidades sin reemplazo.', 'Solicitudes sin atender; pérdida de conocimiento; dependencia de terceros.', 3, 4, 'reduce', NULL, NULL, NULL, NULL, NULL, NULL, 'none', 'sistema', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'sistema', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
SELECT setval(pg_get_serial_sequence('risks', 'id'), (SELECT max(id) FROM risks));
INSERT INTO mail_templates(kind, subject, body, enabled) VALUES
    ('acuse', 'Recibimos su solicitud: {asunto}', 'Cordial saludo, {solicitante}.

Recibimos su solicitud el {fecha} y quedó registrada con el número {numero}.
Meta de respuesta: {meta_respuesta}.

Qué sigue: un técnico la revisará y le escribirá por este medio. Si necesita agregar algo,
responda este correo sin cambiar el asunto.

Mesa de Ayuda TI
{entidad}', 1),
    ('visita', 'Visita programada', 'Cordial saludo, {solicitante}.

Programamos una visita para su caso {numero} el {fecha_visita}.
Lugar: {lugar}
Técnico: {tecnico}

Adjuntamos la cita para su calendario. Si no puede atenderla, responda este correo.

Mesa de Ayuda TI
{entidad}', 1),
    ('seguimiento', 'Novedad en su caso', 'Cordial saludo, {solicitante}.

{seguimiento}

Para responder, conteste este correo sin cambiar el asunto.

Mesa de Ayuda TI
{entidad}', 1),
    ('resuelto', 'Caso solucionado — encuesta de satisfacción', 'Cordial saludo, {solicitante}.

Su solicitud {numero} fue atendida por {tecnico}.
Solución: {solucion}

Por favor califique de 1 (muy malo) a 5 (excelente) respondiendo este correo con una línea por
pregunta (por ejemplo «1. 5»):
{preguntas}

Si no recibimos respuesta en {dias_encuesta} días hábiles, el caso se cerrará automáticamente.

Mesa de Ayuda TI
{entidad}', 1),
    ('cierre_automatico', 'Caso cerrado', 'Cordial saludo, {solicitante}.

Su caso {numero} se cerró automáticamente porque no recibimos la encuesta en el plazo.
Si el problema continúa, responda este correo y abriremos un caso nuevo.

Mesa de Ayuda TI
{entidad}', 1),
    ('reabierto', 'Caso reabierto', 'Cordial saludo, {solicitante}.

Usted nos indicó que la solución del caso {numero} no funcionó. Lo reabrimos y un técnico
continuará con la atención.
Motivo: {motivo}

Mesa de Ayuda TI
{entidad}', 1);

-- ---------------------------------------------------------------------------------------------
-- Full-text search over cases: an expression GIN index (no second table to keep in step; the
-- search module matches `mesa_fts_doc(number, requester, description, solution) @@ q`).
CREATE INDEX tickets_fts ON tickets USING gin (mesa_fts_doc(number, requester, description, solution));

-- ---------------------------------------------------------------------------------------------
-- Case counts per status and department (SQLite: ticket_counts_ai/_ad/_au).
CREATE FUNCTION mesa_ticket_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF mesa_copying() THEN RETURN NULL; END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        IF TG_OP = 'UPDATE' AND NEW.status IS NOT DISTINCT FROM OLD.status
           AND NEW.department IS NOT DISTINCT FROM OLD.department THEN
            RETURN NULL;
        END IF;
        UPDATE ticket_counts SET n = n - 1 WHERE status = OLD.status AND department = OLD.department;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO ticket_counts(status, department, n) VALUES (NEW.status, NEW.department, 1)
        ON CONFLICT (status, department) DO UPDATE SET n = ticket_counts.n + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER ticket_counts AFTER INSERT OR DELETE OR UPDATE OF status, department ON tickets
    FOR EACH ROW EXECUTE FUNCTION mesa_ticket_counts();

-- ---------------------------------------------------------------------------------------------
-- Append-only tables (SQLite: asset_events_no_update, access_log_no_*, audit_log_no_*,
-- ticket_events_no_update). Personal data can still be anonymised (Ley 1581): a field may be
-- replaced by '[anonimizado]', nothing else may change.
CREATE FUNCTION mesa_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER asset_events_no_update BEFORE UPDATE ON asset_events
    FOR EACH ROW EXECUTE FUNCTION mesa_refuse('la hoja de vida de un equipo no se modifica');
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
    FOR EACH ROW EXECUTE FUNCTION mesa_refuse('el registro de accesos no se modifica');
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION mesa_refuse('el registro de accesos no se borra');
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION mesa_refuse('el registro de auditoría no se borra');

CREATE FUNCTION mesa_audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT (NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor = OLD.actor
            AND NEW.table_name = OLD.table_name AND NEW.record_key = OLD.record_key
            AND NEW.action = OLD.action AND NEW.field IS NOT DISTINCT FROM OLD.field
            AND (NEW.old_value IS NOT DISTINCT FROM OLD.old_value OR NEW.old_value = '[anonimizado]')
            AND (NEW.new_value IS NOT DISTINCT FROM OLD.new_value OR NEW.new_value = '[anonimizado]')) THEN
        RAISE EXCEPTION 'el registro de auditoría no se modifica (solo se pueden anonimizar datos personales)'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION mesa_audit_log_guard();

CREATE FUNCTION mesa_ticket_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT (NEW.id = OLD.id AND NEW.ticket_id = OLD.ticket_id AND NEW.at = OLD.at
            AND NEW.actor = OLD.actor AND NEW.kind = OLD.kind
            AND NEW.field IS NOT DISTINCT FROM OLD.field
            AND (NEW.old_value IS NOT DISTINCT FROM OLD.old_value OR NEW.old_value = '[anonimizado]')
            AND (NEW.new_value IS NOT DISTINCT FROM OLD.new_value OR NEW.new_value = '[anonimizado]')
            AND (NEW.note IS NOT DISTINCT FROM OLD.note OR NEW.note = '[anonimizado]')) THEN
        RAISE EXCEPTION 'la línea de tiempo de un caso no se modifica' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
    FOR EACH ROW EXECUTE FUNCTION mesa_ticket_events_guard();

-- ---------------------------------------------------------------------------------------------
-- The audit trail (SQLite: audit_<table>_ai/_au/_ad generated from AUDITED in
-- crates/core/src/db/audit_triggers.rs). One generic function: the row as JSON for creations
-- and deletions, one row per changed column for updates (in column order), the key a person
-- recognises computed from the trigger's argument (the AUDITED expression, `X.` = the row).
-- Rows written by an import batch are recorded once, as the batch (as on SQLite). New columns
-- are covered without regenerating anything.
CREATE FUNCTION mesa_audit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_at text;
    v_actor text;
    v_key text;
    v_row record;
    o jsonb;
    n jsonb;
BEGIN
    IF mesa_copying() THEN RETURN NULL; END IF;
    IF TG_OP = 'DELETE' THEN v_row := OLD; ELSE v_row := NEW; END IF;
    n := to_jsonb(v_row);
    IF TG_OP <> 'UPDATE' AND n ? 'import_batch' AND n->>'import_batch' IS NOT NULL THEN
        RETURN NULL;
    END IF;
    v_actor := mesa_actor();
    v_at := coalesce(mesa_now(), to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
    EXECUTE 'SELECT (' || replace(TG_ARGV[0], 'X.', '($1).') || ')::text' INTO v_key USING v_row;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO audit_log(at, actor, table_name, record_key, action, new_value)
        VALUES (v_at, v_actor, TG_TABLE_NAME, coalesce(v_key, ''), 'create', row_to_json(NEW)::text);
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO audit_log(at, actor, table_name, record_key, action, old_value)
        VALUES (v_at, v_actor, TG_TABLE_NAME, coalesce(v_key, ''), 'delete', row_to_json(OLD)::text);
    ELSE
        o := to_jsonb(OLD);
        INSERT INTO audit_log(at, actor, table_name, record_key, action, field, old_value, new_value)
        SELECT v_at, v_actor, TG_TABLE_NAME, coalesce(v_key, ''), 'update', c.key, o->>c.key, n->>c.key
        FROM json_each(row_to_json(NEW)) WITH ORDINALITY AS c(key, value, pos)
        WHERE (o->c.key) IS DISTINCT FROM (n->c.key)
        ORDER BY c.pos;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER audit_tickets AFTER INSERT OR UPDATE OR DELETE ON tickets
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.number');
CREATE TRIGGER audit_ticket_followups AFTER INSERT OR UPDATE OR DELETE ON ticket_followups
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('coalesce((SELECT number FROM tickets WHERE id = X.ticket_id), X.ticket_id::text)');
CREATE TRIGGER audit_surveys AFTER INSERT OR UPDATE OR DELETE ON surveys
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('coalesce((SELECT number FROM tickets WHERE id = X.ticket_id), X.ticket_id::text)');
CREATE TRIGGER audit_ticket_visits AFTER INSERT OR UPDATE OR DELETE ON ticket_visits
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('coalesce((SELECT number FROM tickets WHERE id = X.ticket_id), X.ticket_id::text)');
CREATE TRIGGER audit_ticket_links AFTER INSERT OR UPDATE OR DELETE ON ticket_links
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('coalesce((SELECT number FROM tickets WHERE id = X.from_ticket), X.from_ticket::text) || '' '' || X.kind || '' '' || coalesce((SELECT number FROM tickets WHERE id = X.to_ticket), X.to_ticket::text)');
CREATE TRIGGER audit_settings AFTER INSERT OR UPDATE OR DELETE ON settings
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.key');
CREATE TRIGGER audit_departments AFTER INSERT OR UPDATE OR DELETE ON departments
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.name');
CREATE TRIGGER audit_staff AFTER INSERT OR UPDATE OR DELETE ON staff
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.name');
CREATE TRIGGER audit_service_types AFTER INSERT OR UPDATE OR DELETE ON service_types
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.name');
CREATE TRIGGER audit_priority_matrix AFTER INSERT OR UPDATE OR DELETE ON priority_matrix
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.urgency || ''×'' || X.impact');
CREATE TRIGGER audit_sla_level_targets AFTER INSERT OR UPDATE OR DELETE ON sla_level_targets
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('coalesce(nullif(X.service_type, ''''), ''*'') || '' / nivel '' || X.level');
CREATE TRIGGER audit_survey_questions AFTER INSERT OR UPDATE OR DELETE ON survey_questions
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.position');
CREATE TRIGGER audit_assets AFTER INSERT OR UPDATE OR DELETE ON assets
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.tag');
CREATE TRIGGER audit_asset_peripherals AFTER INSERT OR UPDATE OR DELETE ON asset_peripherals
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('coalesce((SELECT tag FROM assets WHERE id = X.asset_id), X.asset_id::text) || ''/'' || X.id');
CREATE TRIGGER audit_decommission_concepts AFTER INSERT OR UPDATE OR DELETE ON decommission_concepts
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.number');
CREATE TRIGGER audit_maintenance_plans AFTER INSERT OR UPDATE OR DELETE ON maintenance_plans
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.year');
CREATE TRIGGER audit_maintenance_items AFTER INSERT OR UPDATE OR DELETE ON maintenance_items
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('coalesce((SELECT year FROM maintenance_plans WHERE id = X.plan_id), X.plan_id::text) || ''/'' || X.position');
CREATE TRIGGER audit_maintenance_occurrences AFTER INSERT OR UPDATE OR DELETE ON maintenance_occurrences
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.item_id || ''/'' || X.year || ''-'' || X.month');
CREATE TRIGGER audit_maintenance_logs AFTER INSERT OR UPDATE OR DELETE ON maintenance_logs
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.id');
CREATE TRIGGER audit_import_batches AFTER INSERT OR UPDATE OR DELETE ON import_batches
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.id');
CREATE TRIGGER audit_reports AFTER INSERT OR UPDATE OR DELETE ON reports
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.period_from || ''/'' || X.period_to');
CREATE TRIGGER audit_management_reports AFTER INSERT OR UPDATE OR DELETE ON management_reports
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.period_from || ''/'' || X.period_to');
CREATE TRIGGER audit_risks AFTER INSERT OR UPDATE OR DELETE ON risks
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.code');
CREATE TRIGGER audit_risk_controls AFTER INSERT OR UPDATE OR DELETE ON risk_controls
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('coalesce((SELECT code FROM risks WHERE id = X.risk_id), X.risk_id::text) || ''/'' || X.position');
CREATE TRIGGER audit_indicators AFTER INSERT OR UPDATE OR DELETE ON indicators
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.code');
CREATE TRIGGER audit_indicator_values AFTER INSERT OR UPDATE OR DELETE ON indicator_values
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('coalesce((SELECT code FROM indicators WHERE id = X.indicator_id), X.indicator_id::text) || '' '' || X.period');
CREATE TRIGGER audit_indicator_dismissals AFTER INSERT OR UPDATE OR DELETE ON indicator_dismissals
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('coalesce((SELECT code FROM indicators WHERE id = X.indicator_id), X.indicator_id::text) || '' '' || X.first_period || ''/'' || X.last_period');
CREATE TRIGGER audit_attachments AFTER INSERT OR UPDATE OR DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('coalesce((SELECT number FROM tickets WHERE id = X.ticket_id), (SELECT tag FROM assets WHERE id = X.asset_id), ''seguimiento '' || X.plan_followup_id, '''') || ''/'' || X.id || '' '' || X.name');
CREATE TRIGGER audit_plan_findings AFTER INSERT OR UPDATE OR DELETE ON plan_findings
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.number');
CREATE TRIGGER audit_plan_causes AFTER INSERT OR UPDATE OR DELETE ON plan_causes
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('coalesce((SELECT number FROM plan_findings WHERE id = X.finding_id), X.finding_id::text) || ''/'' || X.position');
CREATE TRIGGER audit_plan_actions AFTER INSERT OR UPDATE OR DELETE ON plan_actions
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('coalesce((SELECT number FROM plan_findings WHERE id = X.finding_id), X.finding_id::text) || '' acción '' || X.id');
CREATE TRIGGER audit_plan_followups AFTER INSERT OR UPDATE OR DELETE ON plan_followups
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('coalesce((SELECT f.number FROM plan_actions a JOIN plan_findings f ON f.id = a.finding_id WHERE a.id = X.action_id), X.action_id::text) || '' acción '' || X.action_id || '' seguimiento '' || X.id');
CREATE TRIGGER audit_mail_account AFTER INSERT OR UPDATE OR DELETE ON mail_account
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.address');
CREATE TRIGGER audit_mail_messages AFTER INSERT OR UPDATE OR DELETE ON mail_messages
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('''correo '' || X.id || coalesce('' '' || X.message_id, '''')');
CREATE TRIGGER audit_mail_outbox AFTER INSERT OR UPDATE OR DELETE ON mail_outbox
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('''envío '' || X.id || '' '' || X.kind || '' '' || X.to_address');
CREATE TRIGGER audit_mail_templates AFTER INSERT OR UPDATE OR DELETE ON mail_templates
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.kind');
