//! The OAuth2 side of the mail account in the store (issue 16, migration 0019): which OAuth2
//! application the account uses (`mail_oauth`, never a token) and the remembered
//! «Vuelva a conectar la cuenta de correo» state. The network side (token refresh, XOAUTH2)
//! is mesa-mailnet's; mesa-mailsync records here what it met.

use crate::db::{params, OptionalExt, Row};
use chrono::{DateTime, Utc};

use super::types::{MailOAuth, MailReconnect};
use crate::clock::{from_db, to_db, to_rfc3339_local};
use crate::error::{CoreError, Result};
use crate::people::{allows, Permission, Principal};
use crate::store::Store;

/// The banner the app shows while the account needs to be connected again.
pub const RECONNECT_MESSAGE: &str = "Vuelva a conectar la cuenta de correo";

/// The OAuth2 providers: `auth` value of `mail_account` for each `provider` of `mail_oauth`.
pub const PROVIDERS: [(&str, &str); 3] = [
    ("microsoft", "oauth2_microsoft"),
    ("google", "oauth2_google"),
    ("custom", "oauth2_custom"),
];

/// The `mail_account.auth` value of an OAuth2 provider (`microsoft` → `oauth2_microsoft`).
pub fn auth_of_provider(provider: &str) -> Option<&'static str> {
    PROVIDERS
        .iter()
        .find(|(p, _)| *p == provider)
        .map(|(_, a)| *a)
}

const OAUTH_COLUMNS: &str = "provider, client_id, auth_endpoint, token_endpoint, device_endpoint, \
    scopes, connected_at, reconnect_since, reconnect_detail";

/// The application, `reconnect_since` and `reconnect_detail` as stored.
type OAuthRow = (MailOAuth, Option<String>, Option<String>);

fn oauth_from_row(r: &Row<'_>) -> crate::error::Result<OAuthRow> {
    let scopes: String = r.get("scopes")?;
    let connected: Option<String> = r.get("connected_at")?;
    Ok((
        MailOAuth {
            provider: r.get("provider")?,
            client_id: r.get("client_id")?,
            auth_endpoint: r.get("auth_endpoint")?,
            token_endpoint: r.get("token_endpoint")?,
            device_endpoint: r.get("device_endpoint")?,
            scopes: scopes.split_whitespace().map(str::to_string).collect(),
            connected_at: connected,
        },
        r.get("reconnect_since")?,
        r.get("reconnect_detail")?,
    ))
}

fn local(stored: Option<String>) -> Result<Option<String>> {
    stored
        .map(|s| from_db(&s).map(to_rfc3339_local))
        .transpose()
}

impl Store {
    /// The account the app's background collector runs under: the one that saved the mail
    /// settings, while it is active and its role may register cases (the collector's
    /// permission). `None` without accounts (everything is allowed then) or when that account
    /// can no longer collect — the app then collects only for a session that may.
    pub fn mail_collector_principal(&self) -> Result<Option<Principal>> {
        let login: Option<String> = self
            .conn
            .query_row(
                "SELECT configured_by FROM mail_account WHERE id = 1",
                [],
                |r| r.get("configured_by"),
            )
            .optional()?
            .flatten();
        let Some(login) = login else {
            return Ok(None);
        };
        let account = match self.account(&login) {
            Ok(a) => a,
            Err(_) => return Ok(None),
        };
        if !account.active || !allows(account.role, Permission::CaseRegister) {
            return Ok(None);
        }
        Ok(Some(Principal {
            login: account.login,
            name: account.name,
            cargo: account.cargo,
            role: account.role,
        }))
    }

    fn oauth_row(&self) -> Result<Option<OAuthRow>> {
        self.conn
            .query_row(
                &format!("SELECT {OAUTH_COLUMNS} FROM mail_oauth WHERE id = 1"),
                [],
                oauth_from_row,
            )
            .optional()
    }

    /// The OAuth2 application of the mail account, if one was configured.
    pub fn mail_oauth(&self) -> Result<Option<MailOAuth>> {
        match self.oauth_row()? {
            Some((mut o, _, _)) => {
                o.connected_at = local(o.connected_at.take())?;
                Ok(Some(o))
            }
            None => Ok(None),
        }
    }

    /// Saves the OAuth2 application (provider, client id, endpoints, scopes). Changing it does
    /// not mark the account connected: [`Store::mail_oauth_connected`] does, once tokens are
    /// stored.
    pub fn set_mail_oauth(&mut self, o: &MailOAuth) -> Result<()> {
        self.authorize(Permission::Settings)?;
        if auth_of_provider(&o.provider).is_none() {
            return Err(CoreError::validation(
                "proveedor OAuth2",
                format!("«{}» no es microsoft, google ni custom", o.provider),
            ));
        }
        if o.client_id.trim().is_empty() {
            return Err(CoreError::validation(
                "identificador de cliente OAuth2",
                "está vacío: el administrador lo entrega al registrar la aplicación",
            ));
        }
        for (field, value) in [
            ("punto de token OAuth2", o.token_endpoint.as_str()),
            ("punto de autorización OAuth2", o.auth_endpoint.as_str()),
        ] {
            if !(value.starts_with("https://") || value.starts_with("http://127.0.0.1")) {
                return Err(CoreError::validation(
                    field,
                    format!(
                        "«{value}» debe empezar por https:// (o ser http://127.0.0.1, pruebas)"
                    ),
                ));
            }
        }
        if o.scopes.is_empty() {
            return Err(CoreError::validation("alcances OAuth2", "no hay ninguno"));
        }
        let scopes = o.scopes.join(" ");
        self.session_write(|tx| {
            tx.execute(
                "INSERT INTO mail_oauth(id, provider, client_id, auth_endpoint, token_endpoint,
                    device_endpoint, scopes)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(id) DO UPDATE SET provider = excluded.provider,
                    client_id = excluded.client_id, auth_endpoint = excluded.auth_endpoint,
                    token_endpoint = excluded.token_endpoint,
                    device_endpoint = excluded.device_endpoint, scopes = excluded.scopes",
                params![
                    o.provider,
                    o.client_id.trim(),
                    o.auth_endpoint,
                    o.token_endpoint,
                    o.device_endpoint,
                    scopes
                ],
            )?;
            Ok(())
        })
    }

    /// The account was connected (tokens just stored in the credential store): records when,
    /// and clears the reconnect state.
    pub fn mail_oauth_connected(&mut self, now: DateTime<Utc>) -> Result<()> {
        self.authorize(Permission::Settings)?;
        let n = self.session_write(|tx| {
            tx.execute(
                "UPDATE mail_oauth SET connected_at = ?1, reconnect_since = NULL,
                    reconnect_detail = NULL WHERE id = 1",
                [to_db(now)],
            )
        })?;
        if n == 0 {
            return Err(CoreError::validation(
                "cuenta de correo",
                "no tiene configurada una aplicación OAuth2",
            ));
        }
        Ok(())
    }

    /// Whether the account must be connected again («Vuelva a conectar la cuenta de correo»),
    /// and since when. `None` for a password account or a connected OAuth2 one.
    pub fn mail_reconnect_state(&self) -> Result<Option<MailReconnect>> {
        let Some((_, since, detail)) = self.oauth_row()? else {
            return Ok(None);
        };
        Ok(match since {
            Some(s) => Some(MailReconnect {
                since: to_rfc3339_local(from_db(&s)?),
                detail: detail.unwrap_or_default(),
                message: RECONNECT_MESSAGE.to_string(),
            }),
            None => None,
        })
    }

    /// Records that the provider refused the account's tokens (the collector or the sender
    /// met `mail_reconnect`). The first refusal's time is kept; the detail is the latest.
    /// Needs the collector's permission (it is written by a collector pass).
    pub fn mark_mail_reconnect(&mut self, detail: &str, now: DateTime<Utc>) -> Result<()> {
        self.authorize(Permission::CaseRegister)?;
        self.session_write(|tx| {
            tx.execute(
                "UPDATE mail_oauth SET reconnect_since = coalesce(reconnect_since, ?1),
                    reconnect_detail = ?2 WHERE id = 1",
                params![to_db(now), detail],
            )?;
            Ok(())
        })
    }

    /// Clears the reconnect state after the provider accepted the account again (a pass that
    /// logged in). Writes nothing when there was no such state.
    pub fn clear_mail_reconnect(&mut self) -> Result<()> {
        if self.mail_reconnect_state()?.is_none() {
            return Ok(());
        }
        self.authorize(Permission::CaseRegister)?;
        self.session_write(|tx| {
            tx.execute(
                "UPDATE mail_oauth SET reconnect_since = NULL, reconnect_detail = NULL
                 WHERE id = 1",
                [],
            )?;
            Ok(())
        })
    }
}
