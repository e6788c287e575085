-- 0018: stored management reports (informe de gestión, seed 001 activity 16; issue 18): the
-- period, the analysis text per indicator (JSON object: indicator code → text) and the general
-- conclusions the office types. The figures are always computed again from the data.

CREATE TABLE management_reports (
    id           INTEGER PRIMARY KEY,
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
) STRICT;
