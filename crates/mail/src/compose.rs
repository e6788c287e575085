//! Building outgoing messages (RFC 5322) with our own Message-ID and thread headers.

use std::time::SystemTime;

use chrono::{DateTime, Datelike, Utc};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment as LettreAttachment, Mailbox, MultiPart, SinglePart};
use lettre::Message;
use serde::{Deserialize, Serialize};

use crate::error::{MailError, Result};
use crate::parse::Address;
use crate::tokens::subject_with_token;

/// Header every message we send carries, with the case number (or `notificacion`); mail that
/// comes back with it is classified as our own.
pub const MESA_HEADER: &str = "X-Mesa-Ayuda";

/// A file to attach to an outgoing message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingAttachment {
    pub name: String,
    /// Full content type with parameters, e.g. `text/calendar; method=REQUEST; charset=utf-8`.
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outgoing {
    pub from: Address,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub reply_to: Option<Address>,
    /// Subject without the token; `[case_number]` is put in front when missing.
    pub subject: String,
    /// Case number (`MA-2026-0042`), for the subject token and the `X-Mesa-Ayuda` header.
    pub case_number: Option<String>,
    /// Message-ID (without `<>`) of the mail this answers.
    pub in_reply_to: Option<String>,
    /// Earlier Message-IDs of the thread (without `<>`), oldest first.
    pub references: Vec<String>,
    /// Adds `Auto-Submitted: auto-replied` (acknowledgments and other automatic answers).
    pub auto_submitted: bool,
    /// UTF-8 plain-text body.
    pub text: String,
    pub attachments: Vec<OutgoingAttachment>,
    /// The `Date:` header (passed in, never read from the clock here).
    pub date: DateTime<Utc>,
}

/// Builds the message. Returns our new Message-ID (without `<>`, form
/// `mesa.<32 hex>@<domain of From>`) and the RFC 5322 bytes.
pub fn compose(out: &Outgoing) -> Result<(String, Vec<u8>)> {
    let from = mailbox(&out.from, "De")?;
    let domain = out
        .from
        .domain()
        .map(|d| d.trim().to_ascii_lowercase())
        .filter(|d| !d.is_empty())
        .ok_or_else(|| MailError::InvalidAddress {
            field: "De".into(),
            address: out.from.address.clone(),
        })?;
    if out.to.is_empty() {
        return Err(MailError::NoRecipients);
    }
    // The date formatter (httpdate) only knows 1970..9999.
    if !(1970..9999).contains(&out.date.year()) {
        return Err(MailError::Build(format!(
            "la fecha {} está fuera del rango admitido",
            out.date.format("%d/%m/%Y")
        )));
    }
    let message_id = format!("mesa.{}@{domain}", random_hex()?);

    let subject = one_line(&out.subject);
    let subject = match out
        .case_number
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(case) => subject_with_token(&subject, case),
        None => subject,
    };

    let mut b = Message::builder()
        .from(from)
        .subject(subject)
        .date(SystemTime::from(out.date))
        .message_id(Some(format!("<{message_id}>")));
    for a in &out.to {
        b = b.to(mailbox(a, "Para")?);
    }
    for a in &out.cc {
        b = b.cc(mailbox(a, "Cc")?);
    }
    if let Some(r) = &out.reply_to {
        b = b.reply_to(mailbox(r, "Responder a")?);
    }

    let parent = out.in_reply_to.as_deref().and_then(clean_id);
    let mut refs: Vec<String> = out.references.iter().filter_map(|r| clean_id(r)).collect();
    if let Some(p) = &parent {
        if !refs.contains(p) {
            refs.push(p.clone());
        }
        b = b.in_reply_to(format!("<{p}>"));
    }
    if !refs.is_empty() {
        let joined = refs
            .iter()
            .map(|r| format!("<{r}>"))
            .collect::<Vec<_>>()
            .join(" ");
        b = b.references(joined);
    }
    if out.auto_submitted {
        b = b.raw_header(header("Auto-Submitted", "auto-replied")?);
    }
    b = b.raw_header(header("X-Auto-Response-Suppress", "OOF, AutoReply")?);
    let case = out
        .case_number
        .as_deref()
        .map(one_line)
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "notificacion".into());
    b = b.raw_header(header(MESA_HEADER, &case)?);

    let text_part = SinglePart::plain(out.text.clone());
    let msg = if out.attachments.is_empty() {
        b.singlepart(text_part)
    } else {
        let mut mp = MultiPart::mixed().singlepart(text_part);
        for a in &out.attachments {
            let ct =
                ContentType::parse(&a.content_type).map_err(|_| MailError::InvalidContentType {
                    name: a.name.clone(),
                    content_type: a.content_type.clone(),
                })?;
            mp = mp.singlepart(LettreAttachment::new(one_line(&a.name)).body(a.bytes.clone(), ct));
        }
        b.multipart(mp)
    }
    .map_err(|e| MailError::Build(e.to_string()))?;
    Ok((message_id, msg.formatted()))
}

fn mailbox(a: &Address, field: &str) -> Result<Mailbox> {
    let invalid = || MailError::InvalidAddress {
        field: field.into(),
        address: a.address.clone(),
    };
    let addr = a.address.trim().parse().map_err(|_| invalid())?;
    let name = a.name.as_deref().map(one_line).filter(|n| !n.is_empty());
    Ok(Mailbox::new(name, addr))
}

fn header(name: &str, value: &str) -> Result<HeaderValue> {
    let n = HeaderName::new_from_ascii(name.to_string())
        .map_err(|_| MailError::Build(format!("nombre de encabezado no válido: {name}")))?;
    Ok(HeaderValue::new(n, one_line(value)))
}

/// A header-safe single line (no CR/LF, which would let a value inject headers).
fn one_line(s: &str) -> String {
    s.split(['\r', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A Message-ID as stored (no `<>`), or `None` when it has characters that do not belong in one.
fn clean_id(s: &str) -> Option<String> {
    let s = s
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    let ok = !s.is_empty()
        && s.len() <= 250
        && s.chars()
            .all(|c| c.is_ascii_graphic() && c != '<' && c != '>');
    ok.then(|| s.to_string())
}

fn random_hex() -> Result<String> {
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf)
        .map_err(|e| MailError::Build(format!("sin fuente de números aleatorios: {e}")))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}
