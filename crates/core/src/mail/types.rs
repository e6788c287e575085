//! The mail DTOs (a leaf): what the collector passes in, what intake answers, the Bandeja's
//! entries and the outbox's.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The body of an incoming mail as the collector got it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailBody {
    /// The whole raw RFC 5322 message.
    Full(Vec<u8>),
    /// Larger than the limit: not downloaded. `headers` are the raw header bytes when the
    /// collector fetched them (sender and subject shown in the Bandeja), `size` the server's.
    TooLarge { size: u64, headers: Option<Vec<u8>> },
}

/// One incoming mail, from the IMAP collector or an imported `.eml` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// The mailbox key (e.g. `sistemas@entidad.gov.co/INBOX`); `None` for an imported file.
    pub account: Option<String>,
    pub uidvalidity: Option<u32>,
    pub uid: Option<u32>,
    /// The server's arrival time (IMAP INTERNALDATE); for an imported file its Date header.
    pub received_at: DateTime<Utc>,
    pub body: MailBody,
    /// Read from a file (`mesa mail import`), not from the server.
    pub imported: bool,
}

/// What intake did with one mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum IngestOutcome {
    /// Stored before (same Message-ID and content, or same UID): the collector just moves it.
    AlreadyStored { mail_id: i64 },
    /// A new entry in the Bandeja awaiting triage.
    New { mail_id: i64 },
    /// Registered at once as a new case (auto-register on).
    Registered { mail_id: i64, number: String },
    /// A reply: a public follow-up on the case.
    FollowUp { mail_id: i64, number: String },
    /// A reply to a closed case: a new case linked to the old one.
    Reopened {
        mail_id: i64,
        number: String,
        previous: String,
    },
    /// A complete survey answer: survey recorded, case closed.
    SurveyRecorded { mail_id: i64, number: String },
    /// A survey answer to review by hand (incomplete or ambiguous).
    SurveyToReview { mail_id: i64, number: String },
    /// Auto-reply, bounce, list mail or our own: stored, visible, nothing else.
    Ignored { mail_id: i64, kind: String },
    /// Larger than the limit: one entry saying so.
    TooLarge { mail_id: i64 },
}

impl IngestOutcome {
    pub fn mail_id(&self) -> i64 {
        match self {
            IngestOutcome::AlreadyStored { mail_id }
            | IngestOutcome::New { mail_id }
            | IngestOutcome::Registered { mail_id, .. }
            | IngestOutcome::FollowUp { mail_id, .. }
            | IngestOutcome::Reopened { mail_id, .. }
            | IngestOutcome::SurveyRecorded { mail_id, .. }
            | IngestOutcome::SurveyToReview { mail_id, .. }
            | IngestOutcome::Ignored { mail_id, .. }
            | IngestOutcome::TooLarge { mail_id } => *mail_id,
        }
    }

    /// A line for the CLI and logs, in Spanish.
    pub fn describe(&self) -> String {
        match self {
            IngestOutcome::AlreadyStored { mail_id } => {
                format!("El correo ya estaba guardado (correo {mail_id}).")
            }
            IngestOutcome::New { mail_id } => {
                format!("Correo {mail_id} en la Bandeja de entrada.")
            }
            IngestOutcome::Registered { number, .. } => format!("Registrado como caso {number}."),
            IngestOutcome::FollowUp { number, .. } => {
                format!("Agregado como seguimiento público al caso {number}.")
            }
            IngestOutcome::Reopened {
                number, previous, ..
            } => format!("Respuesta a un caso cerrado ({previous}): se abrió el caso {number}."),
            IngestOutcome::SurveyRecorded { number, .. } => {
                format!("Encuesta registrada; el caso {number} quedó cerrado.")
            }
            IngestOutcome::SurveyToReview { number, .. } => {
                format!("Respuesta de encuesta del caso {number} por revisar.")
            }
            IngestOutcome::Ignored { mail_id, kind } => {
                format!("Correo {mail_id} ignorado ({}).", kind_label(kind))
            }
            IngestOutcome::TooLarge { mail_id } => {
                format!("Correo {mail_id} demasiado grande: no se descargó.")
            }
        }
    }
}

/// The Spanish name of a mail kind.
pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "request" => "solicitud",
        "auto_reply" => "respuesta automática",
        "bounce" => "rebote",
        "list" => "lista de correo",
        "own" => "notificación propia",
        _ => "otro",
    }
}

/// The Spanish name of a mail state.
pub fn state_label(state: &str) -> &'static str {
    match state {
        "nuevo" => "Nuevo",
        "registrado" => "Registrado",
        "descartado" => "Descartado",
        "seguimiento" => "Seguimiento de un caso",
        "ignorado" => "Ignorado",
        "revisar_respuesta" => "Revisar respuesta",
        "demasiado_grande" => "Demasiado grande",
        _ => "Desconocido",
    }
}

/// One entry of the Bandeja de entrada.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InboxEntry {
    pub id: i64,
    pub from: String,
    pub from_name: String,
    pub subject: String,
    /// RFC 3339 in Bogota time.
    pub received_at: String,
    pub attachments: i64,
    pub state: String,
    pub kind: String,
    pub message_id: Option<String>,
    pub number: Option<String>,
    pub note: Option<String>,
    pub discard_reason: Option<String>,
    pub imported: bool,
    pub size: i64,
}

/// Choices when registering a mail as a case (what the form changes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RegisterOverrides {
    pub service_type: Option<String>,
    pub requester: Option<String>,
    pub department: Option<String>,
    pub location: Option<String>,
    pub phone: Option<String>,
    pub description: Option<String>,
    pub urgency: Option<i64>,
    pub impact: Option<i64>,
}

/// One message of the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OutboxEntry {
    pub id: i64,
    pub number: Option<String>,
    pub kind: String,
    pub to: String,
    pub subject: String,
    pub message_id: String,
    pub state: String,
    pub attempts: i64,
    pub last_reply: Option<String>,
    pub created_at: String,
    pub next_attempt_at: String,
    pub sent_at: Option<String>,
    pub accepted_at: Option<String>,
}

/// A message ready to send (what the SMTP sender reads from [`crate::Store::pending_outbox`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub id: i64,
    pub to: String,
    pub message_id: String,
    pub raw: Vec<u8>,
    pub attempts: i64,
}

/// A mail of a case, in or out (`ticket show --json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CaseMail {
    /// `entrada` or `salida`.
    pub direction: String,
    pub id: i64,
    pub message_id: Option<String>,
    pub address: String,
    pub subject: String,
    /// RFC 3339 in Bogota time (arrival, or creation of the outgoing message).
    pub at: String,
    pub state: String,
    pub kind: String,
}

/// A notification template (Ajustes → Correo).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MailTemplate {
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub enabled: bool,
}

/// The non-secret account settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MailAccount {
    pub address: String,
    pub display_name: String,
    pub imap_host: String,
    pub imap_port: u16,
    pub smtp_host: String,
    pub smtp_port: u16,
    /// `tls`, `starttls` or `none` (loopback only).
    pub security: String,
    /// `password`, `oauth2_microsoft`, `oauth2_google` or `oauth2_custom` (the application
    /// in `Store::mail_oauth`).
    pub auth: String,
    pub username: String,
    pub folder: String,
    pub processed_folder: String,
    pub poll_minutes: i64,
    pub max_mb: i64,
    pub auto_register: bool,
    pub enabled: bool,
}

/// The OAuth2 application of the mail account (Microsoft 365, Google Workspace or a custom
/// provider given by its endpoints). Never a token: tokens live in the OS credential store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MailOAuth {
    /// `microsoft`, `google` or `custom`.
    pub provider: String,
    /// The app registration's client id (Entra ID / Google Cloud), given by the administrator.
    pub client_id: String,
    pub auth_endpoint: String,
    pub token_endpoint: String,
    /// Microsoft's device code endpoint (the fallback flow), when the provider has one.
    pub device_endpoint: Option<String>,
    pub scopes: Vec<String>,
    /// When the account was last connected (tokens stored), RFC 3339 in Bogota time.
    pub connected_at: Option<String>,
}

/// Ajustes → Correo's OAuth2 fields as the window edits them. Endpoints left empty are the
/// provider's own (mesa-mailnet's presets, with Microsoft's tenant); a value replaces it (a
/// national cloud, or the tests' loopback token stub).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MailOAuthForm {
    /// `microsoft`, `google` or `custom`.
    pub provider: String,
    pub client_id: String,
    /// Microsoft's tenant (directory id or domain); empty: any work account (`organizations`).
    pub tenant: String,
    pub auth_endpoint: String,
    pub token_endpoint: String,
    pub device_endpoint: String,
    /// Typed once and sent to the OS credential store (only providers that require one of a
    /// desktop app: Google); never read back (always empty from the back end).
    pub client_secret: String,
    /// A client secret is kept in the credential store.
    pub client_secret_stored: bool,
    /// When the account was last connected, RFC 3339 in Bogota time (read only).
    pub connected_at: Option<String>,
}

/// «Conectar» (OAuth2) from Ajustes → Correo or the reconnect banner: where the flow is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MailConnectStatus {
    /// `idle`, `waiting` (for the browser or the device code), `testing` (tokens stored,
    /// «Probar conexión» running), `connected`, `failed` or `cancelled`.
    pub state: String,
    /// What is happening, in Spanish.
    pub message: String,
    /// The page to open: the authorization URL, or the device code's verification page.
    pub url: Option<String>,
    /// The code to type on that page (device code flow).
    pub user_code: Option<String>,
    /// The app opened the system browser on `url`.
    pub browser_opened: bool,
    /// «Probar conexión» once connected.
    pub report: Option<MailTestReport>,
    /// The failure's stable code (`failed`).
    pub error_code: Option<String>,
}

/// «Vuelva a conectar la cuenta de correo»: the provider refused the account's refresh token or
/// access token (revoked, expired). Remembered until the account is connected again, so the
/// app shows the banner on every start, not only right after the failed pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MailReconnect {
    /// When the refusal was first seen, RFC 3339 in Bogota time.
    pub since: String,
    /// The provider's answer (e.g. `invalid_grant: …`).
    pub detail: String,
    /// The Spanish banner text.
    pub message: String,
}

/// A placeholder a notification template may use (Ajustes → Correo lists them per template).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MailPlaceholder {
    /// Written in a template as `{name}`.
    pub name: String,
    /// What it is replaced with, in Spanish.
    pub description: String,
}

/// «Probar conexión»: each side's result and the Spanish diagnosis lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MailTestReport {
    pub imap_ok: bool,
    pub smtp_ok: bool,
    /// One Spanish line per check (`IMAP: …`, `SMTP: …`).
    pub lines: Vec<String>,
    /// Stable codes of the failures, empty when both passed.
    pub codes: Vec<String>,
}

/// What one check of the mailbox did (fetch and send), for «Revisar correo» and the
/// `mail-progress` event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MailCheckSummary {
    /// Mails read from the server so far.
    pub fetched: u32,
    /// New entries (Bandeja, registered, follow-ups, surveys, ignored, too large).
    pub stored: u32,
    pub already_stored: u32,
    pub ignored: u32,
    pub too_large: u32,
    /// Still waiting on the server (progress events only).
    pub remaining: u32,
    pub sent: u32,
    /// Notifications that failed in this pass (retried later).
    pub failed: u32,
    /// Spanish summary lines.
    pub lines: Vec<String>,
}

/// The state of the background collector (`mail-status` event and `mail_status`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MailStatus {
    /// A mail account is configured and enabled.
    pub configured: bool,
    /// A check is running now.
    pub running: bool,
    /// Minutes between automatic checks.
    pub interval_minutes: i64,
    /// RFC 3339 (Bogota) of the last check that finished, well or not.
    pub last_check_at: Option<String>,
    /// RFC 3339 (Bogota) of the last check that succeeded.
    pub last_ok_at: Option<String>,
    /// The last check's error: stable code and Spanish message (None when it succeeded).
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    /// The account needs the user: `oauth` (authorization revoked or expired: connect again),
    /// `oauth_connect` (an OAuth2 account never authorised on this workstation) or `password`
    /// (the server refused the password). None otherwise. Cleared by a check that succeeds.
    pub reconnect: Option<String>,
    /// The last successful check's summary.
    pub last_summary: Option<MailCheckSummary>,
}

/// One attachment of a stored mail (the Bandeja's detail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MailAttachmentInfo {
    /// Position among the mail's attachments (what `mail_attachment` takes).
    pub index: i64,
    pub name: String,
    pub content_type: String,
    pub size: i64,
}

/// One mail of the Bandeja in full: its entry, the headers that matter, the body as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MailDetail {
    pub entry: InboxEntry,
    /// Addresses, comma-separated, lower-cased.
    pub to: String,
    pub cc: String,
    pub in_reply_to: Option<String>,
    /// The sender's `Date:` header (RFC 3339, Bogota), shown beside the arrival time.
    pub date_header: Option<String>,
    /// The body as text (HTML already turned into text, charsets decoded).
    pub body: String,
    pub attachment_list: Vec<MailAttachmentInfo>,
    /// Problems found reading the mail (malformed MIME…), in Spanish.
    pub warnings: Vec<String>,
}

/// What happened to one `.eml` file dropped on the app's window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MailImportLine {
    pub file: String,
    /// The outcome in Spanish (or why the file was refused).
    pub message: String,
    pub ok: bool,
}
