-- PostgreSQL twin of migrations/0019_mail_oauth.sql (issue 16): OAuth2 mail accounts
-- (Microsoft 365, Google Workspace, or a custom provider), who configured the account, and the
-- «Vuelva a conectar la cuenta de correo» state. PostgreSQL changes the CHECK and adds the
-- column in place (SQLite had to rebuild the table); the column order is the same.
ALTER TABLE mail_account DROP CONSTRAINT mail_account_auth_check;
ALTER TABLE mail_account ADD CONSTRAINT mail_account_auth_check
    CHECK (auth IN ('password', 'oauth2_microsoft', 'oauth2_google', 'oauth2_custom'));
ALTER TABLE mail_account ADD COLUMN configured_by TEXT;

CREATE TABLE mail_oauth (
    id               BIGINT PRIMARY KEY CHECK (id = 1),
    provider         TEXT NOT NULL CHECK (provider IN ('microsoft', 'google', 'custom')),
    client_id        TEXT NOT NULL CHECK (client_id <> ''),
    auth_endpoint    TEXT NOT NULL,
    token_endpoint   TEXT NOT NULL CHECK (token_endpoint <> ''),
    device_endpoint  TEXT,
    scopes           TEXT NOT NULL,
    connected_at     TEXT,
    reconnect_since  TEXT,
    reconnect_detail TEXT
);
CREATE TRIGGER audit_mail_oauth AFTER INSERT OR UPDATE OR DELETE ON mail_oauth
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('X.provider || '' '' || X.client_id');
