-- 0005: stored help-desk reports (informes de mesa de ayuda): the period, the analysis and the
-- improvement actions the technician types (seed 001, activity 16) and the indicator values
-- computed when it was saved (JSON), so that a report can be re-read as it was presented.

CREATE TABLE reports (
    id           INTEGER PRIMARY KEY,
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
) STRICT;
