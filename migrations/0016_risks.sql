-- Risk map (issue 18, DAFP «Guía para la administración del riesgo y el diseño de controles en
-- entidades públicas»): the risks of the process with their inherent probability and impact
-- (levels 1..5), treatment, action plan and monitoring dates; their controls with the guide's
-- attributes, applied in `position` order (successive reduction, crates/core/src/risks/scales.rs).
-- `plan_action_id` may point to an improvement-plan action (another engineer's table): no
-- foreign key on purpose. `data_source` says which of the app's data is shown beside the risk.
-- Prefilled here with five risks of a help desk (editable and deletable).
CREATE TABLE risks (
    id                 INTEGER PRIMARY KEY,
    code               TEXT NOT NULL UNIQUE,
    process            TEXT NOT NULL,
    description        TEXT NOT NULL,
    classification     TEXT NOT NULL,
    causes             TEXT NOT NULL DEFAULT '',
    consequences       TEXT NOT NULL DEFAULT '',
    probability        INTEGER NOT NULL CHECK (probability BETWEEN 1 AND 5),
    impact             INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 5),
    treatment          TEXT NOT NULL DEFAULT 'reduce'
                       CHECK (treatment IN ('accept', 'reduce', 'avoid', 'share')),
    plan_responsible   TEXT,
    plan_due           TEXT,
    plan_description   TEXT,
    plan_action_id     INTEGER,
    next_review        TEXT,
    last_review        TEXT,
    data_source        TEXT NOT NULL DEFAULT 'none'
                       CHECK (data_source IN ('none', 'backups', 'sla', 'maintenance')),
    created_by         TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_by         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
) STRICT;

CREATE TABLE risk_controls (
    id             INTEGER PRIMARY KEY,
    risk_id        INTEGER NOT NULL REFERENCES risks(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    description    TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('preventive', 'detective', 'corrective')),
    implementation TEXT NOT NULL CHECK (implementation IN ('automatic', 'manual')),
    documented     INTEGER NOT NULL DEFAULT 0 CHECK (documented IN (0, 1)),
    frequency      TEXT NOT NULL DEFAULT 'continuous' CHECK (frequency IN ('continuous', 'random')),
    evidence       INTEGER NOT NULL DEFAULT 0 CHECK (evidence IN (0, 1)),
    responsible    TEXT,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    UNIQUE (risk_id, position)
) STRICT;

INSERT INTO risks (code, process, description, classification, causes, consequences,
                   probability, impact, treatment, data_source,
                   created_by, created_at, updated_by, updated_at)
VALUES
 ('R-01', 'Gestión de TIC — Mesa de ayuda',
  'Posibilidad de pérdida de la información de la mesa de ayuda y de los equipos debido a la falta de copias de seguridad verificadas por ausencia de un procedimiento de respaldo periódico',
  'Fallas tecnológicas',
  'No se hacen copias de seguridad periódicas; las copias no se verifican ni se prueba su restauración; daño del disco o del equipo.',
  'Pérdida del historial de casos y del inventario; reprocesos; incumplimiento de la gestión documental.',
  3, 5, 'reduce', 'backups', 'sistema', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'sistema', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
 ('R-02', 'Gestión de TIC — Mesa de ayuda',
  'Posibilidad de afectación de la prestación del servicio debido al incumplimiento de los tiempos de respuesta y solución acordados por exceso de solicitudes o falta de priorización',
  'Ejecución y administración de procesos',
  'Volumen de solicitudes mayor que la capacidad; casos sin priorizar; falta de seguimiento a los vencimientos.',
  'Quejas de los usuarios; baja satisfacción; dependencias detenidas.',
  4, 3, 'reduce', 'sla', 'sistema', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'sistema', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
 ('R-03', 'Gestión de TIC — Mesa de ayuda',
  'Posibilidad de interrupción del trabajo de las dependencias debido a fallas de los equipos de cómputo por falta de mantenimiento preventivo según el cronograma',
  'Fallas tecnológicas',
  'Mantenimientos preventivos no ejecutados o aplazados; equipos obsoletos; falta de repuestos.',
  'Equipos fuera de servicio; aumento de casos correctivos; costos de reparación.',
  3, 3, 'reduce', 'maintenance', 'sistema', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'sistema', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
 ('R-04', 'Gestión de TIC — Mesa de ayuda',
  'Posibilidad de pérdida de confidencialidad de la información debido a accesos no autorizados a equipos y sistemas por contraseñas débiles o cuentas de usuario sin depurar',
  'Fraude externo',
  'Contraseñas débiles o compartidas; cuentas de funcionarios retirados activas; equipos sin bloqueo.',
  'Divulgación de datos personales (Ley 1581 de 2012); investigaciones disciplinarias; daño a la imagen.',
  2, 4, 'reduce', 'none', 'sistema', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'sistema', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
 ('R-05', 'Gestión de TIC — Mesa de ayuda',
  'Posibilidad de suspensión del servicio de soporte debido a la ausencia del único técnico por concentración del conocimiento en una sola persona sin documentación de los procedimientos',
  'Relaciones laborales',
  'Un solo técnico atiende la mesa; procedimientos y claves sin documentar; vacaciones o incapacidades sin reemplazo.',
  'Solicitudes sin atender; pérdida de conocimiento; dependencia de terceros.',
  3, 4, 'reduce', 'none', 'sistema', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'sistema', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
