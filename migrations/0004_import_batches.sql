-- 0004: import batches (lotes de importación) of legacy spreadsheets, and the identity of every
-- imported case so that importing the same file again, or a later version that overlaps,
-- creates no duplicates.

CREATE TABLE import_batches (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('cases', 'assets')),
    file_name   TEXT NOT NULL,
    file_hash   TEXT NOT NULL,                  -- SHA-256 of the file's bytes
    format      TEXT NOT NULL,
    imported_at TEXT NOT NULL,                  -- UTC 'YYYY-MM-DDTHH:MM:SSZ'
    actor       TEXT NOT NULL,
    imported    INTEGER NOT NULL DEFAULT 0,
    duplicates  INTEGER NOT NULL DEFAULT 0,
    warnings    INTEGER NOT NULL DEFAULT 0,
    errors      INTEGER NOT NULL DEFAULT 0,
    mapping     TEXT NOT NULL DEFAULT '{}',     -- the mapping used (JSON), reusable
    undone_at   TEXT,
    undone_by   TEXT
) STRICT;

-- Identity of an imported case: its old number and date, or a hash of the row's content.
ALTER TABLE tickets ADD COLUMN import_key TEXT;
CREATE UNIQUE INDEX tickets_import_key ON tickets(import_key) WHERE import_key IS NOT NULL;
CREATE INDEX tickets_import_batch ON tickets(import_batch) WHERE import_batch IS NOT NULL;
