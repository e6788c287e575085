-- 0006: SLA targets per service type and incidence level. A case takes the targets of its
-- (service type, level) when a row exists, else those of ('', level) for any type, else the
-- service type's own targets, else the general defaults. Escalating recomputes them.
CREATE TABLE sla_level_targets (
    service_type       TEXT NOT NULL DEFAULT '',
    level              INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    response_minutes   INTEGER NOT NULL CHECK (response_minutes > 0),
    resolution_minutes INTEGER NOT NULL CHECK (resolution_minutes > 0),
    PRIMARY KEY (service_type, level)
) STRICT;
