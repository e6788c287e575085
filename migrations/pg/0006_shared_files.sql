-- What several workstations must share (issue 17): attachment content and the day's backup.
-- IF NOT EXISTS: a dump made before this migration, restored into a database that has these
-- tables (pg_restore --clean drops only what the dump holds), is brought up to date again.
-- No SQLite twin: on SQLite the content lives in the data folder next to `mesa.db`
-- (`attachments/<2 hex>/<62 hex>`), one PC uses it.
--
-- Attachment content, stored once by SHA-256 (the `attachments.sha256` of its rows), written in
-- the same transaction as the row that first refers to it; deleted when no live row refers to
-- it. In pieces of 1 MiB (`attachment_blob_parts`): a 500 MB file goes in and out without ever
-- being whole in memory. Already-compressed content (images, PDF, Office) is not compressed
-- again (STORAGE EXTERNAL: out of line, uncompressed).
CREATE TABLE IF NOT EXISTS attachment_blobs (
    sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size   BIGINT NOT NULL CHECK (size > 0),
    parts  INTEGER NOT NULL CHECK (parts > 0)
);

CREATE TABLE IF NOT EXISTS attachment_blob_parts (
    sha256  TEXT NOT NULL REFERENCES attachment_blobs(sha256) ON DELETE CASCADE,
    part    INTEGER NOT NULL CHECK (part >= 0),
    content BYTEA NOT NULL,
    PRIMARY KEY (sha256, part)
);
ALTER TABLE attachment_blob_parts ALTER COLUMN content SET STORAGE EXTERNAL;

-- The day's automatic backup (pg_dump) is made by one workstation: the first that starts on a
-- Bogota day records it here (under an advisory lock), the others see it and skip.
CREATE TABLE IF NOT EXISTS daily_dumps (
    day         TEXT PRIMARY KEY,
    made_at     TEXT NOT NULL,
    workstation TEXT NOT NULL,
    file_name   TEXT NOT NULL
);
