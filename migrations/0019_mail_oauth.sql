-- E-mail, part 2 (issue 16): OAuth2 accounts (Microsoft 365, Google Workspace, or a custom
-- provider) and the «Vuelva a conectar la cuenta de correo» state.

-- mail_account.auth gains 'oauth2_custom' (a provider given by its endpoints), and the table
-- remembers who configured it (configured_by). SQLite cannot
-- change a CHECK in place: the table is rebuilt with the same columns and rows. Its audit
-- triggers are generated again at open (db/audit_triggers.rs).
CREATE TABLE mail_account_new (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    address          TEXT NOT NULL,
    display_name     TEXT NOT NULL DEFAULT 'Mesa de Ayuda TI',
    imap_host        TEXT NOT NULL,
    imap_port        INTEGER NOT NULL CHECK (imap_port BETWEEN 1 AND 65535),
    smtp_host        TEXT NOT NULL,
    smtp_port        INTEGER NOT NULL CHECK (smtp_port BETWEEN 1 AND 65535),
    security         TEXT NOT NULL CHECK (security IN ('tls', 'starttls', 'none')),
    auth             TEXT NOT NULL DEFAULT 'password' CHECK (auth IN ('password', 'oauth2_microsoft', 'oauth2_google', 'oauth2_custom')),
    username         TEXT NOT NULL,
    folder           TEXT NOT NULL DEFAULT 'INBOX',
    processed_folder TEXT NOT NULL DEFAULT 'Mesa de ayuda/Procesados',
    poll_minutes     INTEGER NOT NULL DEFAULT 2 CHECK (poll_minutes BETWEEN 1 AND 1440),
    max_mb           INTEGER NOT NULL DEFAULT 25 CHECK (max_mb BETWEEN 1 AND 500),
    auto_register    INTEGER NOT NULL DEFAULT 0 CHECK (auto_register IN (0, 1)),
    enabled          INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    -- The login of the account that saved these settings (NULL without accounts): the app's
    -- background collector runs under it (Store::mail_collector_principal).
    configured_by    TEXT
) STRICT;
INSERT INTO mail_account_new (id, address, display_name, imap_host, imap_port, smtp_host,
    smtp_port, security, auth, username, folder, processed_folder, poll_minutes, max_mb,
    auto_register, enabled)
SELECT id, address, display_name, imap_host, imap_port, smtp_host, smtp_port, security, auth,
    username, folder, processed_folder, poll_minutes, max_mb, auto_register, enabled
FROM mail_account;
DROP TABLE mail_account;
ALTER TABLE mail_account_new RENAME TO mail_account;

-- The OAuth2 application of the account (never a token: tokens live in the OS credential
-- store) and its connection state. `reconnect_since` is set when the provider refused the
-- refresh token or the access token (revoked, expired): the app shows «Vuelva a conectar la
-- cuenta de correo» until the account is connected again (`connected_at` newer, the state
-- cleared).
CREATE TABLE mail_oauth (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    provider         TEXT NOT NULL CHECK (provider IN ('microsoft', 'google', 'custom')),
    client_id        TEXT NOT NULL CHECK (client_id <> ''),
    auth_endpoint    TEXT NOT NULL,
    token_endpoint   TEXT NOT NULL CHECK (token_endpoint <> ''),
    device_endpoint  TEXT,
    scopes           TEXT NOT NULL,
    connected_at     TEXT,
    reconnect_since  TEXT,
    reconnect_detail TEXT
) STRICT;
