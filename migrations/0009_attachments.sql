-- Attachments (issue 13): files attached to a case or to an equipment. The content lives once
-- under the data folder, `attachments/<first 2 hex>/<other 62 hex>` of its SHA-256 (the same file
-- twice is stored once); each row names its owner, the original name, size, type sniffed from
-- the content, who and when. Removal keeps the row (removed_at/by/reason); the file goes when no
-- live row refers to its hash. `is_photo` marks the equipment's photo (hoja de vida).
CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    ticket_id     INTEGER REFERENCES tickets(id) ON DELETE CASCADE,
    asset_id      INTEGER REFERENCES assets(id) ON DELETE CASCADE,
    name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    size          INTEGER NOT NULL CHECK (size > 0),
    media_type    TEXT NOT NULL,
    sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
    executable    INTEGER NOT NULL DEFAULT 0 CHECK (executable IN (0, 1)),
    is_photo      INTEGER NOT NULL DEFAULT 0 CHECK (is_photo IN (0, 1)),
    added_at      TEXT NOT NULL,
    added_by      TEXT NOT NULL,
    removed_at    TEXT,
    removed_by    TEXT,
    remove_reason TEXT,
    CHECK ((ticket_id IS NULL) <> (asset_id IS NULL)),
    CHECK (is_photo = 0 OR asset_id IS NOT NULL)
) STRICT;
CREATE INDEX attachments_ticket ON attachments(ticket_id, id) WHERE ticket_id IS NOT NULL;
CREATE INDEX attachments_asset ON attachments(asset_id, id) WHERE asset_id IS NOT NULL;
CREATE INDEX attachments_sha256 ON attachments(sha256);
