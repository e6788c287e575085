//! mesa-mailnet: the network side of e-mail for Mesa de Ayuda TI — IMAP intake, SMTP sending,
//! OAuth2 (XOAUTH2) and the OS credential store. Synchronous (the app calls it from a worker
//! thread); knows nothing of mesa-core: the store side (exactly-once, tables) drives it.

pub mod account;
pub mod error;
pub mod imap;
pub mod net;
pub mod oauth;
pub mod secrets;
pub mod smtp;

use std::time::Duration;

use serde::Serialize;

pub use account::{
    default_ports, is_loopback_host, microsoft_tenant, oauth_preset, preset, Auth, MailAccount,
    OAuthConfig, Provider, Security,
};
pub use error::{MailNetError, Result};
pub use imap::{FetchedMail, ImapSession, NewMail, DEFAULT_MAX_SIZE};
pub use secrets::{delete_secret, get_secret, set_secret};
pub use smtp::{send, SmtpAccepted};

/// What authenticates a connection: a password (or app password), or an OAuth2 access token
/// (the caller refreshes it with `oauth::refresh_stored` first).
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    Password(String),
    OAuth2Token(String),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Password(_) => f.write_str("Password(***)"),
            Credential::OAuth2Token(_) => f.write_str("OAuth2Token(***)"),
        }
    }
}

/// The credential to connect `account` with, from the credential store: the password, or a
/// fresh access token refreshed with the stored refresh token (a rotated one is saved;
/// `mail_reconnect` when it was revoked or expired).
pub fn credential_for(
    account: &MailAccount,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Credential> {
    let key = account.secret_key();
    match &account.auth {
        Auth::Password => Ok(Credential::Password(secrets::get_secret(&key)?)),
        Auth::OAuth2(cfg) => Ok(Credential::OAuth2Token(
            oauth::refresh_stored(cfg, &key, now)?.access_token,
        )),
    }
}

/// The outcome of «Probar conexión»: each side's result, in Spanish, with the error code.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ConnectionReport {
    pub imap_ok: bool,
    pub smtp_ok: bool,
    /// Spanish summary lines, one per check.
    pub lines: Vec<String>,
    /// Codes of the failures (`MailNetError::code`), empty when all passed.
    pub codes: Vec<String>,
    /// The folder's UIDVALIDITY and message count when IMAP passed.
    pub uidvalidity: Option<u32>,
    pub messages: Option<u32>,
    /// False when the processed folder does not exist yet (it is created at the first move).
    pub processed_folder_exists: Option<bool>,
}

impl ConnectionReport {
    pub fn ok(&self) -> bool {
        self.imap_ok && self.smtp_ok
    }
}

/// Tries IMAP (connect, authenticate, select the folder) and SMTP (connect, EHLO,
/// authenticate). Returns the report when both were tried; `Err` only for an account that is
/// invalid before any connection (e.g. no encryption towards a non-loopback host). The first
/// failure of each side is also in `codes`.
pub fn test_connection(account: &MailAccount, credential: &Credential) -> Result<ConnectionReport> {
    test_connection_with_timeout(account, credential, net::DEFAULT_TIMEOUT)
}

pub fn test_connection_with_timeout(
    account: &MailAccount,
    credential: &Credential,
    timeout: Duration,
) -> Result<ConnectionReport> {
    account.validate()?;
    let mut report = ConnectionReport {
        imap_ok: false,
        smtp_ok: false,
        lines: Vec::new(),
        codes: Vec::new(),
        uidvalidity: None,
        messages: None,
        processed_folder_exists: None,
    };
    let imap_result = (|| -> Result<(u32, u32, bool)> {
        let mut s = ImapSession::login(account, credential, timeout)?;
        s.select()?;
        let uidvalidity = s.uidvalidity();
        let messages = s.count(&account.folder)?;
        let processed = s.folder_exists(&account.processed_folder)?;
        s.logout();
        Ok((uidvalidity, messages, processed))
    })();
    match imap_result {
        Ok((uidvalidity, messages, processed)) => {
            report.imap_ok = true;
            report.uidvalidity = Some(uidvalidity);
            report.messages = Some(messages);
            report.processed_folder_exists = Some(processed);
            report.lines.push(format!(
                "IMAP: conexión correcta con {}:{}; la carpeta «{}» tiene {} mensaje(s).",
                account.imap_host, account.imap_port, account.folder, messages
            ));
            if !processed {
                report.lines.push(format!(
                    "IMAP: la carpeta «{}» no existe; se creará al mover el primer correo procesado.",
                    account.processed_folder
                ));
            }
        }
        Err(e) => {
            report.codes.push(e.code().to_string());
            report.lines.push(format!("IMAP: {e}"));
        }
    }
    match smtp::check(account, credential, timeout) {
        Ok(()) => {
            report.smtp_ok = true;
            report.lines.push(format!(
                "SMTP: conexión y autenticación correctas con {}:{}.",
                account.smtp_host, account.smtp_port
            ));
        }
        Err(e) => {
            report.codes.push(e.code().to_string());
            report.lines.push(format!("SMTP: {e}"));
        }
    }
    Ok(report)
}
