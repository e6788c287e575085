-- 0014: indicator sheets (hoja de vida / ficha técnica del indicador, issue 18), the values and
-- analysis per period, and the dismissed «abrir hallazgo» suggestions.
-- `metric` names the help-desk figure a computed indicator takes from the report
-- (management/indicators.rs `METRICS`); NULL for a manual indicator, whose values are typed.
-- The formula of a computed indicator is the report annex's (not stored, not editable).
-- Direction `up`: higher is better (value ≥ satisfactory → satisfactorio, ≥ acceptable →
-- aceptable, else crítico); `down`: lower is better (≤ satisfactory, ≤ acceptable).
CREATE TABLE indicators (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    objective       TEXT NOT NULL DEFAULT '',
    process         TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL CHECK (kind IN ('eficacia', 'eficiencia', 'efectividad')),
    formula         TEXT NOT NULL DEFAULT '',
    unit            TEXT NOT NULL,
    frequency       TEXT NOT NULL
                    CHECK (frequency IN ('monthly', 'bimonthly', 'quarterly', 'semiannual', 'annual')),
    target          REAL NOT NULL,
    satisfactory    REAL NOT NULL,
    acceptable      REAL NOT NULL,
    direction       TEXT NOT NULL CHECK (direction IN ('up', 'down')),
    owner_measure   TEXT NOT NULL DEFAULT '',
    owner_analysis  TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL DEFAULT '',
    metric          TEXT UNIQUE,
    position        INTEGER NOT NULL DEFAULT 0
) STRICT;

-- One row per indicator and period (`period` = 'YYYY-MM' of the period's first month): the
-- typed value of a manual indicator (NULL for a computed one) and the analysis text.
CREATE TABLE indicator_values (
    indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    period       TEXT NOT NULL,
    value        REAL,
    analysis     TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    PRIMARY KEY (indicator_id, period)
) STRICT;

-- A dismissed suggestion «abrir hallazgo» (two consecutive periods in critical), with the reason:
-- not suggested again for the same two periods.
CREATE TABLE indicator_dismissals (
    id           INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    first_period TEXT NOT NULL,
    last_period  TEXT NOT NULL,
    reason       TEXT NOT NULL CHECK (length(reason) > 0),
    actor        TEXT NOT NULL,
    at           TEXT NOT NULL,
    UNIQUE (indicator_id, first_period, last_period)
) STRICT;

INSERT INTO indicators(code, name, objective, process, kind, unit, frequency, target,
                       satisfactory, acceptable, direction, owner_measure, owner_analysis,
                       source, metric, position) VALUES
('IND-01', 'Casos atendidos dentro del plazo de respuesta',
 'Medir la oportunidad de la primera atención a las solicitudes de soporte.',
 'Gestión de TI — Mesa de ayuda', 'eficacia', '%', 'monthly', 90, 90, 80, 'up',
 'Técnico de sistemas', 'Líder de TI', 'Casos y línea de tiempo de Mesa de Ayuda TI',
 'response_on_time', 1),
('IND-02', 'Casos solucionados dentro del plazo de solución',
 'Medir el cumplimiento de los tiempos de solución acordados.',
 'Gestión de TI — Mesa de ayuda', 'eficacia', '%', 'monthly', 90, 90, 80, 'up',
 'Técnico de sistemas', 'Líder de TI', 'Casos y línea de tiempo de Mesa de Ayuda TI',
 'resolution_on_time', 2),
('IND-03', 'Satisfacción general de los usuarios',
 'Conocer la percepción de los usuarios sobre el servicio de soporte.',
 'Gestión de TI — Mesa de ayuda', 'efectividad', 'puntos (1 a 5)', 'monthly', 4, 4, 3.5, 'up',
 'Técnico de sistemas', 'Líder de TI', 'Encuestas de satisfacción de Mesa de Ayuda TI',
 'satisfaction', 3),
('IND-04', 'Tasa de respuesta de la encuesta',
 'Medir la participación de los usuarios en la evaluación del servicio.',
 'Gestión de TI — Mesa de ayuda', 'eficacia', '%', 'monthly', 50, 50, 30, 'up',
 'Técnico de sistemas', 'Líder de TI', 'Encuestas de satisfacción de Mesa de Ayuda TI',
 'survey_response', 4),
('IND-05', 'Cumplimiento del mantenimiento preventivo',
 'Verificar la ejecución del plan de mantenimiento preventivo de la vigencia.',
 'Gestión de TI — Mantenimiento', 'eficacia', '%', 'monthly', 90, 90, 75, 'up',
 'Técnico de sistemas', 'Líder de TI', 'Plan de mantenimiento y bitácoras de Mesa de Ayuda TI',
 'maintenance', 5),
('IND-06', 'Casos abiertos al cierre del periodo',
 'Controlar el volumen de solicitudes pendientes.',
 'Gestión de TI — Mesa de ayuda', 'eficiencia', 'casos', 'monthly', 10, 10, 20, 'down',
 'Técnico de sistemas', 'Líder de TI', 'Casos de Mesa de Ayuda TI', 'backlog', 6),
('IND-07', 'Casos escalados',
 'Medir la capacidad de solución en el primer nivel de soporte.',
 'Gestión de TI — Mesa de ayuda', 'eficiencia', '%', 'monthly', 15, 15, 25, 'down',
 'Técnico de sistemas', 'Líder de TI', 'Casos y línea de tiempo de Mesa de Ayuda TI',
 'escalated', 7),
('IND-08', 'Casos reabiertos',
 'Medir la calidad de las soluciones (soluciones rechazadas por el solicitante).',
 'Gestión de TI — Mesa de ayuda', 'efectividad', '%', 'monthly', 5, 5, 10, 'down',
 'Técnico de sistemas', 'Líder de TI', 'Casos y línea de tiempo de Mesa de Ayuda TI',
 'reopened', 8),
('IND-09', 'Casos cerrados automáticamente',
 'Medir los cierres sin verificación del solicitante.',
 'Gestión de TI — Mesa de ayuda', 'eficiencia', '%', 'monthly', 30, 30, 50, 'down',
 'Técnico de sistemas', 'Líder de TI', 'Casos de Mesa de Ayuda TI', 'auto_closed', 9);
