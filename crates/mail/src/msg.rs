//! Outlook `.msg` files (OLE compound documents, MS-OXMSG) turned into RFC 5322 bytes, so a
//! `.msg` dropped on the window or given to `mesa mail import` goes through the same intake
//! path as an `.eml`. Reading is msg_parser's (0.3); this module only writes the MIME.
//!
//! A received `.msg` keeps its transport headers (From, To, Date, Message-ID, References,
//! Auto-Submitted…): they are copied as they were, except the MIME ones, which are ours. A
//! `.msg` that was never sent has none: From, To, Cc, Subject and Date are built from its
//! properties. Bodies: plain text and HTML as `multipart/alternative`; attachments by value
//! with their type and name, inline ones with their Content-ID; an attached Outlook message
//! as `message/rfc822` (three levels at most). Nothing here panics: msg_parser's reader is run
//! under `catch_unwind` and any failure is a Spanish error.

use base64::Engine;
use chrono::{DateTime, Utc};
use msg_parser::Outlook;

use crate::error::{MailError, Result};

/// The OLE compound document signature every `.msg` starts with.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Depth of attached messages converted (deeper ones are attached as `.msg` files).
const MAX_DEPTH: usize = 3;

/// True when `bytes` look like an Outlook `.msg` (an OLE compound document).
pub fn is_msg(bytes: &[u8]) -> bool {
    bytes.starts_with(&OLE_MAGIC)
}

/// Converts an Outlook `.msg` into an RFC 5322 message.
pub fn msg_to_eml(bytes: &[u8]) -> Result<Vec<u8>> {
    convert(bytes, 0)
}

fn bad(detail: impl Into<String>) -> MailError {
    MailError::Msg(detail.into())
}

fn read(bytes: &[u8]) -> Result<Outlook> {
    if !is_msg(bytes) {
        return Err(bad("no es un documento de Outlook (.msg)"));
    }
    let owned = bytes.to_vec();
    match std::panic::catch_unwind(move || Outlook::from_slice(owned)) {
        Ok(Ok(o)) => Ok(o),
        Ok(Err(e)) => Err(bad(format!("el archivo está dañado ({e})"))),
        Err(_) => Err(bad("el archivo está dañado (estructura interna ilegible)")),
    }
}

fn convert(bytes: &[u8], depth: usize) -> Result<Vec<u8>> {
    let o = read(bytes)?;
    let boundary = |tag: &str| format!("=_mesa_{tag}_{depth}_{:016x}", fnv(bytes));
    let mut out = String::new();
    let raw = o.headers.raw.trim();
    if raw.is_empty() {
        synthesize_headers(&o, &mut out);
    } else {
        copy_headers(raw, &mut out);
    }
    out.push_str("MIME-Version: 1.0\r\n");
    let mixed = boundary("mixed");
    out.push_str(&format!(
        "Content-Type: multipart/mixed; boundary=\"{mixed}\"\r\n\r\n"
    ));
    // The bodies.
    out.push_str(&format!("--{mixed}\r\n"));
    let text = o.body.trim_end_matches('\0');
    let html = o.html.trim_end_matches('\0');
    match (text.trim().is_empty(), html.trim().is_empty()) {
        (false, false) => {
            let alt = boundary("alt");
            out.push_str(&format!(
                "Content-Type: multipart/alternative; boundary=\"{alt}\"\r\n\r\n--{alt}\r\n"
            ));
            text_part(&mut out, "text/plain", text);
            out.push_str(&format!("--{alt}\r\n"));
            text_part(&mut out, "text/html", html);
            out.push_str(&format!("--{alt}--\r\n"));
        }
        (true, false) => text_part(&mut out, "text/html", html),
        _ => text_part(&mut out, "text/plain", text),
    }
    for a in &o.attachments {
        let name = [&a.long_file_name, &a.file_name, &a.display_name]
            .into_iter()
            .map(|s| s.trim_end_matches('\0').trim())
            .find(|s| !s.is_empty())
            .unwrap_or("adjunto")
            .to_string();
        if a.is_embedded_message() && depth + 1 < MAX_DEPTH {
            if let Ok(inner) = convert(&a.payload_bytes, depth + 1) {
                out.push_str(&format!("--{mixed}\r\n"));
                out.push_str(&format!(
                    "Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\"{}.eml\"\r\n\r\n",
                    header_safe(&name)
                ));
                out.push_str(&String::from_utf8_lossy(&inner));
                out.push_str("\r\n");
                continue;
            }
        }
        if a.payload_bytes.is_empty() {
            continue;
        }
        let mime = a.mime_tag.trim_end_matches('\0').trim();
        let mime = if mime.contains('/') && !mime.contains(['\r', '\n', '"']) {
            mime
        } else {
            "application/octet-stream"
        };
        out.push_str(&format!("--{mixed}\r\n"));
        out.push_str(&format!(
            "Content-Type: {mime}; name=\"{}\"\r\n",
            header_safe(&name)
        ));
        let cid = a.content_id.trim_end_matches('\0').trim();
        let cid = cid.trim_start_matches('<').trim_end_matches('>');
        // Inline only when the HTML body shows it (Outlook gives plain attachments a
        // Content-ID too).
        if cid.is_empty() || !html.contains(&format!("cid:{cid}")) {
            out.push_str(&format!(
                "Content-Disposition: attachment; filename=\"{}\"\r\n",
                header_safe(&name)
            ));
        } else {
            out.push_str(&format!(
                "Content-Disposition: inline; filename=\"{}\"\r\nContent-ID: <{}>\r\n",
                header_safe(&name),
                header_safe(cid)
            ));
        }
        out.push_str("Content-Transfer-Encoding: base64\r\n\r\n");
        base64_lines(&mut out, &a.payload_bytes);
    }
    out.push_str(&format!("--{mixed}--\r\n"));
    Ok(out.into_bytes())
}

/// A stable per-file tag for the MIME boundaries (FNV-1a of the bytes).
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Quotes and line breaks out of a header parameter; non-ASCII kept (RFC 6532 readers, and
/// mail-parser, take UTF-8 names).
fn header_safe(s: &str) -> String {
    s.chars()
        .map(|c| if c == '"' || c.is_control() { '_' } else { c })
        .collect()
}

/// RFC 2047 encoded word for a header value that is not plain ASCII.
fn encoded(s: &str) -> String {
    let s = s.trim_end_matches('\0').trim();
    if s.chars().all(|c| c.is_ascii() && !c.is_ascii_control()) {
        s.to_string()
    } else {
        format!(
            "=?utf-8?B?{}?=",
            base64::engine::general_purpose::STANDARD.encode(s.replace(['\r', '\n'], " "))
        )
    }
}

fn address(name: &str, email: &str) -> Option<String> {
    let email = email.trim_end_matches('\0').trim();
    let name = name.trim_end_matches('\0').trim();
    let email_ok = email.contains('@') && !email.contains(['<', '>', ' ', '\r', '\n']);
    match (name.is_empty(), email_ok) {
        (true, false) => None,
        (true, true) => Some(format!("<{email}>")),
        (false, true) => Some(format!("{} <{email}>", quoted_name(name))),
        // An Exchange-internal address (X.500): only the name is known.
        (false, false) => Some(format!("{} <>", quoted_name(name))),
    }
}

fn quoted_name(name: &str) -> String {
    if name.is_ascii() {
        format!("\"{}\"", header_safe(name).replace('\\', ""))
    } else {
        encoded(name)
    }
}

fn synthesize_headers(o: &Outlook, out: &mut String) {
    if let Some(from) = address(&o.sender.name, &o.sender.email) {
        out.push_str(&format!("From: {from}\r\n"));
    }
    for (header, people) in [("To", &o.to), ("Cc", &o.cc)] {
        let list: Vec<String> = people
            .iter()
            .filter_map(|p| address(&p.name, &p.email))
            .collect();
        if !list.is_empty() {
            out.push_str(&format!("{header}: {}\r\n", list.join(", ")));
        }
    }
    out.push_str(&format!("Subject: {}\r\n", encoded(&o.subject)));
    let date = [
        &o.client_submit_time,
        &o.message_delivery_time,
        &o.creation_time,
    ]
    .into_iter()
    .find_map(|t| DateTime::parse_from_rfc3339(t.trim_end_matches('\0').trim()).ok());
    if let Some(d) = date {
        out.push_str(&format!("Date: {}\r\n", d.with_timezone(&Utc).to_rfc2822()));
    }
    let mid = o.headers.message_id.trim();
    if !mid.is_empty() && !mid.contains(['\r', '\n']) {
        out.push_str(&format!("Message-ID: {mid}\r\n"));
    }
}

/// The transport headers as received, without the MIME ones (Content-*, MIME-Version): the
/// body is rebuilt here.
fn copy_headers(raw: &str, out: &mut String) {
    let mut skipping = false;
    for line in raw.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            break;
        }
        let continuation = line.starts_with([' ', '\t']);
        if !continuation {
            let name = line
                .split(':')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            skipping =
                name.starts_with("content-") || name == "mime-version" || !line.contains(':');
        }
        if !skipping {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
}

fn text_part(out: &mut String, kind: &str, text: &str) {
    out.push_str(&format!(
        "Content-Type: {kind}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    ));
    base64_lines(out, text.as_bytes());
}

fn base64_lines(out: &mut String, bytes: &[u8]) {
    let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
    for chunk in b64.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push_str("\r\n");
    }
}
