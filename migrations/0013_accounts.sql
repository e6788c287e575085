-- 0013: accounts (issue 14). Each person who uses the app has an account: name, cargo (for the
-- signature blocks), role, login and an Argon2id password hash (NULL: the person sets it at the
-- first login; staff entries turned into accounts start that way). With no account at all the
-- app works as before, under the default actor.
CREATE TABLE accounts (
    id              INTEGER PRIMARY KEY,
    login           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name            TEXT NOT NULL UNIQUE COLLATE NOCASE,
    cargo           TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL CHECK (role IN ('administrador', 'tecnico', 'auxiliar', 'consulta')),
    password_hash   TEXT,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    last_failed_at  TEXT,
    last_login_at   TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
) STRICT;

-- Logins, logouts, failed logins, locks and account changes: append-only.
CREATE TABLE access_log (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    login  TEXT NOT NULL,
    event  TEXT NOT NULL CHECK (event IN ('login', 'logout', 'failed', 'refused', 'lock',
                                          'password', 'reset', 'created', 'changed',
                                          'deactivated', 'activated')),
    actor  TEXT NOT NULL,
    detail TEXT
) STRICT;
CREATE INDEX access_log_at ON access_log(at);
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'el registro de accesos no se modifica'); END;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'el registro de accesos no se borra'); END;

-- Separation of duties: when the one who prepared a concepto de baja approves it, or the one who
-- executed a maintenance log verifies it (allowed only in a one-account office), why.
ALTER TABLE decommission_concepts ADD COLUMN sod_justification TEXT;
ALTER TABLE maintenance_logs ADD COLUMN sod_justification TEXT;
