//! mesa-mailsync: the collector and the sender that join mesa-core's mail store to the network
//! (mesa-mailnet). No Tauri, no SQL: the store's public API on one side, IMAP/SMTP on the other.
//!
//! * [`fetch`]: one pass of the collector. Each new mail is first stored
//!   (`Store::ingest_mail`, exactly once: UIDVALIDITY/UID, then Message-ID + content hash) and
//!   only then moved on the server to the processed folder, so a crash between the two leaves a
//!   mail that the next pass recognises as already stored and just moves.
//! * [`send_pending`]: the outbox, one message at a time; a refusal marks that message failed
//!   (retried later by the store's backoff) and the others still go.
//! * [`CollectorLock`]: one collector per mailbox, an exclusive OS lock on a file next to the
//!   database (released by the OS when the process dies, even on SIGKILL).

mod connect;
mod lock;

use chrono::{DateTime, Utc};
use mesa_core::mail::{Incoming, IngestOutcome, MailBody, MailOAuth};
use mesa_core::{CoreError, Store};
use mesa_mailnet::{Auth, Credential, ImapSession, MailNetError, OAuthConfig, Provider, Security};
use serde::Serialize;

pub use connect::{
    client_secret_key, load_client_secret, needs_client_secret, oauth_application, oauth_form,
    oauth_from_form, set_client_secret, stored_oauth, OAuthFlow, OAuthOverrides,
};
pub use lock::CollectorLock;

/// Errors of a collector or sender pass, each with a stable code and a Spanish message.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0}")]
    Core(#[from] CoreError),
    #[error("{0}")]
    Net(#[from] MailNetError),
    #[error(
        "No hay una cuenta de correo configurada: use «mesa mail account» o Ajustes → Correo."
    )]
    NoAccount,
    #[error(
        "Otro proceso ya está revisando el buzón «{mailbox}» (bloqueo «{path}»). Espere a que \
         termine e intente de nuevo."
    )]
    Busy { mailbox: String, path: String },
    #[error("La cuenta de correo usa {auth}: conéctela desde Ajustes → Correo en la aplicación.")]
    UnsupportedAuth { auth: String },
}

impl SyncError {
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::Core(e) => e.code(),
            SyncError::Net(e) => e.code(),
            SyncError::NoAccount => "mail_no_account",
            SyncError::Busy { .. } => "mail_collector_busy",
            SyncError::UnsupportedAuth { .. } => "mail_unsupported_auth",
        }
    }
}

/// Every failure reaches the boundary (CLI, app) with its own stable code: a store error as
/// is, a network or collector error as [`CoreError::Mail`] with its `mail_*` code.
impl From<SyncError> for CoreError {
    fn from(e: SyncError) -> CoreError {
        match e {
            SyncError::Core(c) => c,
            other => CoreError::mail(other.code(), other.to_string()),
        }
    }
}

pub type Result<T> = std::result::Result<T, SyncError>;

/// The mailbox key the store keeps the sync state under: `address/folder`.
pub fn mailbox_key(account: &mesa_core::mail::MailAccount) -> String {
    format!(
        "{}/{}",
        account.address.trim().to_lowercase(),
        account.folder
    )
}

/// The network view of the stored (non-secret) account settings: a password account, or an
/// OAuth2 one with its application (`Store::mail_oauth`).
pub fn net_account(
    a: &mesa_core::mail::MailAccount,
    oauth: Option<&MailOAuth>,
) -> Result<mesa_mailnet::MailAccount> {
    let security = Security::parse(&a.security)?;
    let auth = match a.auth.as_str() {
        "password" => Auth::Password,
        other => {
            let o = oauth
                .filter(|o| mesa_core::mail::oauth::auth_of_provider(&o.provider) == Some(other))
                .ok_or_else(|| SyncError::UnsupportedAuth {
                    auth: other.to_string(),
                })?;
            Auth::OAuth2(OAuthConfig {
                provider: match o.provider.as_str() {
                    "microsoft" => Provider::Microsoft,
                    "google" => Provider::Google,
                    _ => Provider::Generic,
                },
                client_id: o.client_id.clone(),
                client_secret: None,
                auth_endpoint: o.auth_endpoint.clone(),
                token_endpoint: o.token_endpoint.clone(),
                device_endpoint: o.device_endpoint.clone(),
                scopes: o.scopes.clone(),
            })
        }
    };
    let user = if a.username.trim().is_empty() {
        a.address.trim().to_string()
    } else {
        a.username.trim().to_string()
    };
    let net = mesa_mailnet::MailAccount {
        imap_host: a.imap_host.trim().to_string(),
        imap_port: a.imap_port,
        security,
        smtp_host: a.smtp_host.trim().to_string(),
        smtp_port: a.smtp_port,
        // One security for both servers in the settings; port 587 is submission with STARTTLS
        // (RFC 8314: implicit TLS is 465), so «TLS» there means STARTTLS — Microsoft 365's
        // smtp.office365.com:587 next to outlook.office365.com:993.
        smtp_security: if security == Security::Tls && a.smtp_port == 587 {
            Security::StartTls
        } else {
            security
        },
        user,
        folder: a.folder.clone(),
        processed_folder: a.processed_folder.clone(),
        auth,
    };
    net.validate()?;
    Ok(net)
}

/// The network account of what the store holds (settings and OAuth2 application).
pub fn stored_net_account(
    store: &Store,
    account: &mesa_core::mail::MailAccount,
) -> Result<mesa_mailnet::MailAccount> {
    let oauth = if account.auth == "password" {
        None
    } else {
        store.mail_oauth()?
    };
    let mut net = net_account(account, oauth.as_ref())?;
    load_client_secret(&mut net);
    Ok(net)
}

/// Remembers in the store that the provider refused the account's tokens, when `err` is
/// `mail_reconnect` (the app's banner «Vuelva a conectar la cuenta de correo» reads
/// `Store::mail_reconnect_state`). A failure to record it is not allowed to hide `err`.
fn note_reconnect(store: &mut Store, err: &SyncError, now: DateTime<Utc>) {
    if let SyncError::Net(e) = err {
        if e.needs_reconnect() {
            let detail = match e {
                MailNetError::ReconnectRequired { detail }
                | MailNetError::TokenRejected { detail, .. } => detail.clone(),
                other => other.to_string(),
            };
            let _ = store.mark_mail_reconnect(&detail, now);
        }
    }
}

/// The credential to connect the stored account with: the password from the OS credential
/// store, or an access token refreshed with the stored refresh token (a rotated one saved).
/// A revoked or expired refresh token is `mail_reconnect`, and the store remembers it.
pub fn credential(
    store: &mut Store,
    account: &mesa_core::mail::MailAccount,
    now: DateTime<Utc>,
) -> Result<Credential> {
    let net = stored_net_account(store, account)?;
    match mesa_mailnet::credential_for(&net, now) {
        Ok(c) => Ok(c),
        Err(e) => {
            let e = SyncError::Net(e);
            note_reconnect(store, &e, now);
            Err(e)
        }
    }
}

/// Stores a freshly obtained OAuth2 refresh token for the stored account (after the browser
/// or device code flow, or handed in by a test) and checks it with one refresh against the
/// token endpoint; only then is the account marked connected (reconnect state cleared).
pub fn connect_with_refresh_token(
    store: &mut Store,
    account: &mesa_core::mail::MailAccount,
    refresh_token: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let net = stored_net_account(store, account)?;
    let Auth::OAuth2(cfg) = &net.auth else {
        return Err(SyncError::UnsupportedAuth {
            auth: account.auth.clone(),
        });
    };
    let key = net.secret_key();
    mesa_mailnet::oauth::refresh(cfg, refresh_token, now)?;
    mesa_mailnet::set_secret(&key, refresh_token)?;
    store.mail_oauth_connected(now)?;
    Ok(())
}

/// The stored account, or [`SyncError::NoAccount`].
pub fn stored_account(store: &Store) -> Result<mesa_core::mail::MailAccount> {
    store.mail_account()?.ok_or(SyncError::NoAccount)
}

/// What one collector pass did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct FetchReport {
    pub mailbox: String,
    pub uidvalidity: u32,
    /// True when the folder's UIDVALIDITY differed from the recorded one: every UID was read
    /// again and dedupe on Message-ID + content hash kept each mail once.
    pub uidvalidity_changed: bool,
    /// Mails read from the server in this pass.
    pub fetched: u32,
    /// New entries (Bandeja, registered, follow-ups, surveys, ignored, too large).
    pub stored: u32,
    /// Stored by an earlier, interrupted pass (only moved now).
    pub already_stored: u32,
    pub too_large: u32,
    pub ignored: u32,
    /// Moved to the processed folder.
    pub moved: u32,
    pub outcomes: Vec<IngestOutcome>,
}

impl FetchReport {
    /// Spanish summary for the CLI.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "Buzón {}: {} correo(s) leído(s), {} nuevo(s), {} ya guardado(s), {} ignorado(s), \
             {} demasiado grande(s), {} movido(s) a procesados.",
            self.mailbox,
            self.fetched,
            self.stored,
            self.already_stored,
            self.ignored,
            self.too_large,
            self.moved
        );
        if self.uidvalidity_changed {
            s.push_str(
                " El servidor renumeró la carpeta (UIDVALIDITY cambió): se revisó completa sin \
                 duplicar correos.",
            );
        }
        s
    }
}

/// Progress of a pass: mails done so far and mails still waiting on the server.
pub type Progress<'a> = &'a mut dyn FnMut(u32, usize);

/// One collector pass over the account's folder: lock, connect, read UIDVALIDITY, fetch mail
/// with UID above the recorded one (bodies only under the size limit), store each one and then
/// move it to the processed folder. Errors stop the pass; what was stored stays stored.
pub fn fetch(
    store: &mut Store,
    account: &mesa_core::mail::MailAccount,
    credential: &Credential,
    now: DateTime<Utc>,
    progress: Progress<'_>,
) -> Result<FetchReport> {
    store.authorize(mesa_core::people::Permission::CaseRegister)?;
    let _lock = CollectorLock::acquire(store, account)?;
    fetch_locked(store, account, credential, now, progress)
}

/// [`fetch`] for a caller that already holds the [`CollectorLock`].
pub fn fetch_locked(
    store: &mut Store,
    account: &mesa_core::mail::MailAccount,
    credential: &Credential,
    now: DateTime<Utc>,
    progress: Progress<'_>,
) -> Result<FetchReport> {
    // A read-only session (Consulta) may not collect: refused before touching the server.
    store.authorize(mesa_core::people::Permission::CaseRegister)?;
    match fetch_inner(store, account, credential, now, progress) {
        Ok(r) => {
            // The provider accepted the account again: the banner goes away.
            store.clear_mail_reconnect()?;
            Ok(r)
        }
        Err(e) => {
            note_reconnect(store, &e, now);
            Err(e)
        }
    }
}

fn fetch_inner(
    store: &mut Store,
    account: &mesa_core::mail::MailAccount,
    credential: &Credential,
    now: DateTime<Utc>,
    progress: Progress<'_>,
) -> Result<FetchReport> {
    let net = stored_net_account(store, account)?;
    let key = mailbox_key(account);
    let max_size = u64::try_from(account.max_mb.max(1))
        .unwrap_or(1)
        .saturating_mul(1024 * 1024);
    let mut session = ImapSession::connect(&net, credential)?;
    let uidvalidity = session.uidvalidity();
    let mut report = FetchReport {
        mailbox: key.clone(),
        uidvalidity,
        ..FetchReport::default()
    };
    if let Some((v, _)) = store.mailbox_state(&key)? {
        report.uidvalidity_changed = v != uidvalidity;
    }
    // Every mail still in the folder, not only UIDs above the recorded one: the store records
    // a UID in the same transaction that stores the mail, so a collector killed between storing
    // and moving leaves a mail at or below the recorded UID. It is read again, recognised
    // (`AlreadyStored`, by UID, or by Message-ID + hash after a UIDVALIDITY change) and moved.
    // Processed mail leaves the folder, so this costs only those stragglers.
    let mut new = session.fetch_new(0, max_size)?;
    while let Some(mail) = new.next() {
        let mail = mail?;
        let body = match mail.raw {
            Some(raw) => MailBody::Full(raw),
            None => MailBody::TooLarge {
                size: mail.size,
                headers: None,
            },
        };
        let incoming = Incoming {
            account: Some(key.clone()),
            uidvalidity: Some(mail.uidvalidity),
            uid: Some(mail.uid),
            received_at: mail.internal_date,
            body,
            imported: false,
        };
        // Stored (or recognised as stored) first, then moved: a crash in between is harmless.
        let outcome = store.ingest_mail(&incoming, now)?;
        drop(incoming);
        report.fetched += 1;
        match &outcome {
            IngestOutcome::AlreadyStored { .. } => report.already_stored += 1,
            IngestOutcome::TooLarge { .. } => {
                report.too_large += 1;
                report.stored += 1
            }
            IngestOutcome::Ignored { .. } => {
                report.ignored += 1;
                report.stored += 1
            }
            _ => report.stored += 1,
        }
        new.session().move_processed(mail.uid)?;
        store.mark_mail_moved(outcome.mail_id(), now)?;
        report.moved += 1;
        report.outcomes.push(outcome);
        let remaining = new.remaining();
        progress(report.fetched, remaining);
    }
    session.logout();
    Ok(report)
}

/// What one sender pass did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct SendReport {
    pub sent: u32,
    pub failed: u32,
    /// One Spanish line per message (sent with the server's answer, or why it failed).
    pub lines: Vec<String>,
}

impl SendReport {
    pub fn summary(&self) -> String {
        format!(
            "Notificaciones: {} enviada(s), {} con error (se reintentarán).",
            self.sent, self.failed
        )
    }
}

/// Sends every outbox message that is due: `mesa_mailnet::send`, then `mark_sent` with the
/// server's answer and `now` as the acceptance time; a refusal or a network error marks that
/// message failed (the store schedules the retry) and the pass goes on with the next one. A
/// refused OAuth2 token also sets the reconnect state.
pub fn send_pending(
    store: &mut Store,
    account: &mesa_core::mail::MailAccount,
    credential: &Credential,
    now: DateTime<Utc>,
) -> Result<SendReport> {
    store.authorize(mesa_core::people::Permission::CaseRegister)?;
    let net = stored_net_account(store, account)?;
    let from = account.address.trim().to_string();
    let mut report = SendReport::default();
    for mail in store.pending_outbox(now)? {
        let to = vec![mail.to.clone()];
        match mesa_mailnet::send(&net, credential, &from, &to, &mail.raw) {
            Ok(accepted) => {
                store.mark_sent(mail.id, &accepted.reply, now)?;
                report.sent += 1;
                report.lines.push(format!(
                    "Enviado a {} ({}): {}",
                    mail.to, mail.message_id, accepted.reply
                ));
            }
            Err(e) => {
                let text = e.to_string();
                store.mark_failed(mail.id, &text, now)?;
                note_reconnect(store, &SyncError::Net(e), now);
                report.failed += 1;
                report
                    .lines
                    .push(format!("No se pudo enviar a {}: {text}", mail.to));
            }
        }
    }
    Ok(report)
}

/// One whole pass, as the app's background collector and `mesa mail fetch` run it: the stored
/// account, its credential (OAuth2 refreshed), [`fetch`], then [`send_pending`]. `progress` is
/// called after each mail with (done, still waiting on the server).
pub fn collect(
    store: &mut Store,
    now: DateTime<Utc>,
    progress: Progress<'_>,
) -> Result<(FetchReport, SendReport)> {
    store.authorize(mesa_core::people::Permission::CaseRegister)?;
    let account = stored_account(store)?;
    let cred = credential(store, &account, now)?;
    let fetched = fetch(store, &account, &cred, now, progress)?;
    let sent = send_pending(store, &account, &cred, now)?;
    Ok((fetched, sent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_tls_choice_means_starttls_on_the_submission_port() {
        let a = mesa_core::mail::MailAccount {
            address: "sistemas@entidad.gov.co".into(),
            display_name: "Mesa de Ayuda TI".into(),
            imap_host: "outlook.office365.com".into(),
            imap_port: 993,
            smtp_host: "smtp.office365.com".into(),
            smtp_port: 587,
            security: "tls".into(),
            auth: "password".into(),
            username: String::new(),
            folder: "INBOX".into(),
            processed_folder: "Mesa de ayuda/Procesados".into(),
            poll_minutes: 2,
            max_mb: 25,
            auto_register: false,
            enabled: true,
        };
        let n = net_account(&a, None).unwrap();
        assert_eq!(
            (n.security, n.smtp_security),
            (Security::Tls, Security::StartTls)
        );
        assert_eq!(n.user, "sistemas@entidad.gov.co");
        let b = mesa_core::mail::MailAccount {
            smtp_port: 465,
            ..a.clone()
        };
        assert_eq!(net_account(&b, None).unwrap().smtp_security, Security::Tls);
        let c = mesa_core::mail::MailAccount {
            security: "starttls".into(),
            ..a
        };
        assert_eq!(
            net_account(&c, None).unwrap().smtp_security,
            Security::StartTls
        );
    }
}
