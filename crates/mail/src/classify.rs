//! Telling a request from mail that must never open a case or get an answer.

use serde::{Deserialize, Serialize};

use crate::compose::MESA_HEADER;
use crate::parse::ParsedMail;

/// What a received mail is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailKind {
    /// Written by a person: may open or follow up a case.
    Request,
    /// Out-of-office or other automatic answer (also read receipts).
    AutoReply,
    /// Delivery failure notice (DSN/NDR).
    Bounce,
    /// Mailing-list or bulk mail.
    List,
    /// Sent by this application (or from our own mailbox).
    Own,
}

impl MailKind {
    /// Stable code for storage (`request`, `auto_reply`, `bounce`, `list`, `own`).
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Request => "request",
            MailKind::AutoReply => "auto_reply",
            MailKind::Bounce => "bounce",
            MailKind::List => "list",
            MailKind::Own => "own",
        }
    }

    /// Inverse of [`MailKind::as_str`].
    pub fn parse(code: &str) -> Option<MailKind> {
        Some(match code {
            "request" => MailKind::Request,
            "auto_reply" => MailKind::AutoReply,
            "bounce" => MailKind::Bounce,
            "list" => MailKind::List,
            "own" => MailKind::Own,
            _ => return None,
        })
    }

    /// Spanish label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            MailKind::Request => "Solicitud",
            MailKind::AutoReply => "Respuesta automática",
            MailKind::Bounce => "Rebote (no entregado)",
            MailKind::List => "Lista de correo o masivo",
            MailKind::Own => "Enviado por la mesa de ayuda",
        }
    }
}

/// Classifies a mail. `own_addresses` are the office mailbox's own addresses (lower or upper
/// case): mail from them is [`MailKind::Own`].
pub fn classify(mail: &ParsedMail, own_addresses: &[String]) -> MailKind {
    classify_with_reason(mail, own_addresses).0
}

/// Like [`classify`], with a Spanish reason for the log («Encabezado Auto-Submitted: auto-replied»).
pub fn classify_with_reason(mail: &ParsedMail, own_addresses: &[String]) -> (MailKind, String) {
    let from = mail.from.as_ref().map(|a| a.address.as_str()).unwrap_or("");

    // Our own mail first: a notification we sent that came back to the mailbox.
    if let Some(v) = mail.header(MESA_HEADER) {
        return (
            MailKind::Own,
            format!("Encabezado {MESA_HEADER}: {}", short(v)),
        );
    }
    if !from.is_empty()
        && own_addresses
            .iter()
            .any(|o| o.trim().eq_ignore_ascii_case(from))
    {
        return (
            MailKind::Own,
            format!("Remitente {from}, que es el buzón de la mesa de ayuda"),
        );
    }

    // Our Message-ID form (`mesa.<hex>@<domain of our mailbox>`), even if a relay dropped the
    // X-Mesa-Ayuda header.
    if let Some(id) = mail.message_id.as_deref() {
        let id = id.to_ascii_lowercase();
        if let Some((local, domain)) = id.rsplit_once('@') {
            let ours = own_addresses.iter().any(|o| {
                o.trim()
                    .rsplit_once('@')
                    .is_some_and(|(_, d)| d.eq_ignore_ascii_case(domain))
            });
            if ours && local.starts_with("mesa.") {
                return (MailKind::Own, format!("Message-ID propio <{}>", short(&id)));
            }
        }
    }

    // Delivery reports.
    if mail.content_type == "multipart/report" {
        let ct = mail
            .header("Content-Type")
            .unwrap_or("")
            .to_ascii_lowercase();
        if ct.contains("disposition-notification") {
            return (
                MailKind::AutoReply,
                "Confirmación de lectura (multipart/report; disposition-notification)".into(),
            );
        }
        return (
            MailKind::Bounce,
            "Informe de entrega (multipart/report)".into(),
        );
    }
    let local = from.split('@').next().unwrap_or("");
    if local.eq_ignore_ascii_case("mailer-daemon") || local.eq_ignore_ascii_case("postmaster") {
        return (MailKind::Bounce, format!("Remitente {from}"));
    }
    if mail
        .attachments
        .iter()
        .any(|a| a.content_type == "message/delivery-status")
    {
        return (
            MailKind::Bounce,
            "Contiene un informe de entrega (message/delivery-status)".into(),
        );
    }

    // Automatic answers.
    if let Some(v) = mail.header("Auto-Submitted") {
        let value = v.split([';', '(']).next().unwrap_or("").trim();
        if !value.eq_ignore_ascii_case("no") {
            return (
                MailKind::AutoReply,
                format!("Encabezado Auto-Submitted: {}", short(v)),
            );
        }
    }
    for h in [
        "X-Autoreply",
        "X-Autorespond",
        "X-Autoresponder",
        "X-Autogenerated",
    ] {
        if let Some(v) = mail.header(h) {
            return (MailKind::AutoReply, format!("Encabezado {h}: {}", short(v)));
        }
    }
    if let Some(v) = mail.header("Precedence") {
        let p = v.trim().to_ascii_lowercase();
        match p.as_str() {
            "auto_reply" | "auto-reply" => {
                return (MailKind::AutoReply, format!("Encabezado Precedence: {p}"))
            }
            "bulk" | "list" | "junk" => {
                return (MailKind::List, format!("Encabezado Precedence: {p}"))
            }
            _ => {}
        }
    }
    if let Some(v) = mail.header("List-Id") {
        return (MailKind::List, format!("Encabezado List-Id: {}", short(v)));
    }
    if mail.header("List-Unsubscribe").is_some() {
        return (MailKind::List, "Encabezado List-Unsubscribe".into());
    }
    if is_oof_subject(&mail.subject) {
        let hint = if mail.header("X-Auto-Response-Suppress").is_some() {
            " (con X-Auto-Response-Suppress)"
        } else {
            ""
        };
        return (
            MailKind::AutoReply,
            format!(
                "Asunto de respuesta automática «{}»{hint}",
                short(&mail.subject)
            ),
        );
    }
    (MailKind::Request, "Escrito por una persona".into())
}

fn short(v: &str) -> String {
    let s: String = v.chars().take(80).collect();
    s.trim().to_string()
}

/// Out-of-office subjects in Spanish and English (accents and case folded).
fn is_oof_subject(subject: &str) -> bool {
    let s = fold(subject);
    const PREFIXES: [&str; 8] = [
        "respuesta automatica",
        "fuera de la oficina",
        "fuera de oficina",
        "automatic reply",
        "auto reply",
        "autoreply",
        "out of office",
        "out of the office",
    ];
    PREFIXES.iter().any(|p| s.starts_with(p))
        || s.contains("respuesta automatica:")
        || s.contains("automatic reply:")
        || s.contains("out of office:")
}

/// Lower-case, Spanish accents removed, runs of spaces collapsed.
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            c => c,
        };
        if c.is_whitespace() {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out.trim_end().to_string()
}

/// True for addresses that must never get an answer: no-reply senders, mailer daemons,
/// postmasters, bounce addresses.
pub fn is_no_reply(address: &str) -> bool {
    let a = address.trim().to_ascii_lowercase();
    let local = a.split('@').next().unwrap_or("");
    if local.is_empty() || !a.contains('@') {
        return true;
    }
    let compact: String = local
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    compact.starts_with("noreply")
        || compact.starts_with("donotreply")
        || compact.starts_with("noresponder")
        || compact.starts_with("norespond")
        || compact == "mailerdaemon"
        || compact == "postmaster"
        || compact.starts_with("bounce")
        || local.starts_with("no-reply")
        || local.starts_with("no.reply")
        || local.starts_with("no_reply")
}
