-- Improvement plan (plan de mejoramiento, issue 18): findings (hallazgos) numbered H-YYYY-NNN
-- per registration year from `plan_finding_counters` inside the finding's own transaction
-- (gap-free, never reused), their causes, the improvement actions of each finding and the
-- follow-ups of each action. The state of an action (abierta, en ejecución, cumplida, vencida)
-- is computed when read: cumplida = verified (by someone other than the owner), vencida = end
-- date passed and not verified, en ejecución = a follow-up with progress > 0.
CREATE TABLE plan_finding_counters (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
) STRICT;

CREATE TABLE plan_findings (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    year        INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    description TEXT NOT NULL CHECK (length(description) > 0),
    source      TEXT NOT NULL
                CHECK (source IN ('indicador', 'encuesta', 'auditoria', 'riesgo', 'informe', 'otro')),
    source_ref  TEXT,
    found_on    TEXT NOT NULL,
    effect      TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    UNIQUE (year, seq)
) STRICT;

CREATE TABLE plan_causes (
    id          INTEGER PRIMARY KEY,
    finding_id  INTEGER NOT NULL REFERENCES plan_findings(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    description TEXT NOT NULL CHECK (length(description) > 0),
    UNIQUE (finding_id, position)
) STRICT;

CREATE TABLE plan_actions (
    id                INTEGER PRIMARY KEY,
    finding_id        INTEGER NOT NULL REFERENCES plan_findings(id) ON DELETE CASCADE,
    description       TEXT NOT NULL CHECK (length(description) > 0),
    objective         TEXT,
    goal              TEXT,
    unit              TEXT,
    quantity          REAL CHECK (quantity IS NULL OR quantity >= 0),
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
) STRICT;
CREATE INDEX plan_actions_finding ON plan_actions(finding_id, id);
CREATE INDEX plan_actions_ends_on ON plan_actions(ends_on) WHERE verified_at IS NULL;

CREATE TABLE plan_followups (
    id         INTEGER PRIMARY KEY,
    action_id  INTEGER NOT NULL REFERENCES plan_actions(id) ON DELETE CASCADE,
    done_on    TEXT NOT NULL,
    progress   INTEGER NOT NULL CHECK (progress BETWEEN 0 AND 100),
    comment    TEXT NOT NULL CHECK (length(comment) > 0),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;
CREATE INDEX plan_followups_action ON plan_followups(action_id, done_on, id);

-- Attachments gain a third owner: a follow-up of an improvement action (its evidence). SQLite
-- cannot change a CHECK, so the table is rebuilt with the same rows and ids (exactly one owner).
CREATE TABLE attachments_new (
    id               INTEGER PRIMARY KEY,
    ticket_id        INTEGER REFERENCES tickets(id) ON DELETE CASCADE,
    asset_id         INTEGER REFERENCES assets(id) ON DELETE CASCADE,
    plan_followup_id INTEGER REFERENCES plan_followups(id) ON DELETE CASCADE,
    name             TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    size             INTEGER NOT NULL CHECK (size > 0),
    media_type       TEXT NOT NULL,
    sha256           TEXT NOT NULL CHECK (length(sha256) = 64),
    executable       INTEGER NOT NULL DEFAULT 0 CHECK (executable IN (0, 1)),
    is_photo         INTEGER NOT NULL DEFAULT 0 CHECK (is_photo IN (0, 1)),
    added_at         TEXT NOT NULL,
    added_by         TEXT NOT NULL,
    removed_at       TEXT,
    removed_by       TEXT,
    remove_reason    TEXT,
    CHECK ((ticket_id IS NOT NULL) + (asset_id IS NOT NULL) + (plan_followup_id IS NOT NULL) = 1),
    CHECK (is_photo = 0 OR asset_id IS NOT NULL)
) STRICT;
INSERT INTO attachments_new(id, ticket_id, asset_id, name, size, media_type, sha256, executable,
    is_photo, added_at, added_by, removed_at, removed_by, remove_reason)
SELECT id, ticket_id, asset_id, name, size, media_type, sha256, executable, is_photo, added_at,
    added_by, removed_at, removed_by, remove_reason
FROM attachments;
DROP TABLE attachments;
ALTER TABLE attachments_new RENAME TO attachments;
CREATE INDEX attachments_ticket ON attachments(ticket_id, id) WHERE ticket_id IS NOT NULL;
CREATE INDEX attachments_asset ON attachments(asset_id, id) WHERE asset_id IS NOT NULL;
CREATE INDEX attachments_plan_followup ON attachments(plan_followup_id, id)
    WHERE plan_followup_id IS NOT NULL;
CREATE INDEX attachments_sha256 ON attachments(sha256);
