//! Parsing raw RFC 5322 bytes into a [`ParsedMail`] that never fails and never panics.

use std::borrow::Cow;
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

use chrono::{DateTime, TimeZone, Utc};
use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::decoders::quoted_printable::quoted_printable_decode;
use mail_parser::{
    Encoding, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders, PartType,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// HTML larger than this is cut before being turned into text (the full HTML stays in `html`).
const HTML_TO_TEXT_LIMIT: usize = 1024 * 1024;
/// HTML nested deeper than this is shown without tags instead of laid out (real mail stays far
/// below; the layout's cost grows with the square of the depth).
const HTML_MAX_DEPTH: usize = 500;

/// An e-mail address with its display name. `address` is lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub address: String,
    pub name: Option<String>,
}

impl std::fmt::Display for Address {
    /// `Nombre <direccion>` or just the address.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.name {
            Some(n) => write!(f, "{n} <{}>", self.address),
            None => f.write_str(&self.address),
        }
    }
}

impl Address {
    /// The domain part of the address (after the last `@`), if any.
    pub fn domain(&self) -> Option<&str> {
        self.address.rsplit_once('@').map(|(_, d)| d)
    }
}

/// A file carried by the mail. A forwarded mail (`message/rfc822`) is kept as an `.eml`
/// attachment; `winmail.dat` (application/ms-tnef) is kept as it came.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// File name (from Content-Disposition/Content-Type; a made-up `adjunto-N` when absent).
    pub name: String,
    /// MIME type, lower-cased, without parameters (`application/pdf`).
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// `true` for parts shown inside the body (e.g. an image referenced by `cid:`).
    pub inline: bool,
    /// Content-ID without `<>`, for inline images.
    pub content_id: Option<String>,
}

/// What [`parse`] read from a mail. Everything is optional or empty when missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedMail {
    /// Message-ID without `<>`.
    pub message_id: Option<String>,
    /// In-Reply-To ids, without `<>`.
    pub in_reply_to: Vec<String>,
    /// References ids, without `<>`, oldest first.
    pub references: Vec<String>,
    pub from: Option<Address>,
    pub reply_to: Vec<Address>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    /// Subject, RFC 2047 decoded; empty when missing.
    pub subject: String,
    /// The sender's `Date:` header, for display only (the arrival time is IMAP INTERNALDATE).
    pub date_header: Option<DateTime<Utc>>,
    /// The readable body: text/plain when present, else the HTML turned into text.
    pub text: String,
    /// The HTML body, when there is one.
    pub html: Option<String>,
    pub attachments: Vec<Attachment>,
    /// Top-level headers in order: (name as written, raw value unfolded and trimmed).
    pub headers: Vec<(String, String)>,
    /// Top-level MIME type, lower-cased, without parameters (`multipart/report`).
    pub content_type: String,
    /// Size of the raw mail in bytes.
    pub size: usize,
    /// Problems found while reading (malformed MIME, unknown charset…), in Spanish.
    pub warnings: Vec<String>,
}

impl ParsedMail {
    /// The first top-level header with this name (case-insensitive), raw and trimmed.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every top-level header with this name (case-insensitive).
    pub fn header_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// SHA-256 of the raw bytes, lower-case hex, for dedupe (with the Message-ID).
pub fn content_hash(raw: &[u8]) -> String {
    let digest = Sha256::digest(raw);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Reads a mail. Never fails: what cannot be read is left empty and explained in `warnings`.
pub fn parse(raw: &[u8]) -> ParsedMail {
    match catch_unwind(AssertUnwindSafe(|| parse_inner(raw))) {
        Ok(m) => m,
        Err(_) => {
            let mut m = empty(raw);
            m.text = bytes_to_text(raw);
            m.warnings.push(
                "El correo tiene una estructura que no se pudo interpretar; se muestra el \
                 contenido sin formato"
                    .into(),
            );
            m
        }
    }
}

fn empty(raw: &[u8]) -> ParsedMail {
    ParsedMail {
        message_id: None,
        in_reply_to: Vec::new(),
        references: Vec::new(),
        from: None,
        reply_to: Vec::new(),
        to: Vec::new(),
        cc: Vec::new(),
        subject: String::new(),
        date_header: None,
        text: String::new(),
        html: None,
        attachments: Vec::new(),
        headers: Vec::new(),
        content_type: "text/plain".into(),
        size: raw.len(),
        warnings: Vec::new(),
    }
}

fn parse_inner(raw: &[u8]) -> ParsedMail {
    let mut out = empty(raw);
    let Some(mut msg) = MessageParser::default().parse(raw) else {
        out.text = bytes_to_text(raw);
        out.warnings.push(
            "El correo no tiene encabezados reconocibles; se muestra el contenido sin formato"
                .into(),
        );
        return out;
    };
    if msg.headers().is_empty() {
        out.warnings
            .push("El correo no tiene encabezados reconocibles".into());
    }

    out.headers = msg
        .headers_raw()
        .map(|(n, v)| (n.to_string(), unfold(v)))
        .collect();
    out.message_id = msg.message_id().and_then(clean_id);
    out.in_reply_to = ids(msg.in_reply_to());
    out.references = ids(msg.references());
    out.from = msg.from().and_then(|a| addresses(a).into_iter().next());
    out.reply_to = msg.reply_to().map(addresses).unwrap_or_default();
    out.to = msg.all_to().flat_map(addresses).collect();
    out.cc = msg.all_cc().flat_map(addresses).collect();
    out.subject = msg
        .subject()
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    if let Some(fixed) = out
        .header("subject")
        .and_then(|raw| mislabelled_utf8_header(&out.subject, raw))
    {
        out.subject = fixed;
    }
    if let Some(name) = out.from.as_mut().and_then(|a| a.name.as_mut()) {
        let raw_from = out
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("from"))
            .map(|(_, v)| v.as_str());
        if let Some(fixed) = raw_from.and_then(|raw| mislabelled_utf8_header(name, raw)) {
            *name = fixed;
        }
    }
    if out.subject.contains('\u{FFFD}') {
        if let Some(s) = raw_8bit_header(&msg, "subject") {
            out.subject = s;
        }
    }
    out.date_header = msg
        .date()
        .and_then(|d| Utc.timestamp_opt(d.to_timestamp(), 0).single());
    if out.from.is_none() {
        out.warnings
            .push("El correo no tiene un remitente válido (encabezado De/From)".into());
    }

    let root = msg.root_part();
    if let Some(ct) = root.content_type() {
        out.content_type = mime_of(ct.ctype(), ct.subtype());
    }
    check_structure(&msg, raw, &mut out.warnings);

    // Bodies: the text/plain parts, else the HTML turned into text.
    let mut is_body = vec![false; msg.parts.len()];
    let mut text = String::new();
    for &id in &msg.text_body {
        if let Some(part) = msg.parts.get(id as usize) {
            if let PartType::Text(_) = part.body {
                if !part.is_content_type("text", "html") {
                    push_body(
                        &mut text,
                        &part_text(&msg, part, id as usize, &mut out.warnings),
                    );
                    if let Some(b) = is_body.get_mut(id as usize) {
                        *b = true;
                    }
                }
            }
        }
    }
    let mut html = String::new();
    for &id in &msg.html_body {
        if let Some(part) = msg.parts.get(id as usize) {
            if let PartType::Html(_) = part.body {
                push_body(
                    &mut html,
                    &part_text(&msg, part, id as usize, &mut out.warnings),
                );
                if let Some(b) = is_body.get_mut(id as usize) {
                    *b = true;
                }
            }
        }
    }
    if text.trim().is_empty() && !html.is_empty() {
        text = html_to_text(&html, &mut out.warnings);
    }
    out.text = text;
    out.html = (!html.is_empty()).then_some(html);

    // Attachments: every leaf part that is not one of the bodies above.
    let mut n = 0usize;
    for id in 0..msg.parts.len() {
        let part = &msg.parts[id];
        // Parts of a forwarded mail live inside its own `Message`, so each part here is either
        // a body, a multipart container, or a file.
        if is_body.get(id).copied().unwrap_or(false) {
            continue;
        }
        if part.is_encoding_problem {
            out.warnings.push(format!(
                "La parte {} del correo tiene una codificación de transferencia dañada (base64 o \
                 quoted-printable); se guardó lo que se pudo leer",
                id + 1
            ));
        }
        // A text part mail-parser could not decode ends up among the attachments; when the
        // mail has no other body, it is the body (decoded leniently).
        if out.text.trim().is_empty() && is_orphan_text(part) {
            let base64 = part
                .content_transfer_encoding()
                .map(|e| e.trim().eq_ignore_ascii_case("base64"))
                .unwrap_or(false);
            let text = match (&part.body, base64) {
                (PartType::Binary(_) | PartType::Text(_), true) if part.is_encoding_problem => {
                    raw_slice(&msg, part)
                        .map(lenient_base64)
                        .map(|b| bytes_to_text(&b))
                        .unwrap_or_default()
                }
                (PartType::Text(t), _) => t.to_string(),
                (PartType::Binary(b), _) => bytes_to_text(b),
                _ => String::new(),
            };
            if !text.trim().is_empty() {
                out.text = text;
                continue;
            }
        }
        if let Some(mut att) = attachment(&msg, part, &mut n) {
            // The decoded bytes (base64 or quoted-printable) are moved out of mail-parser's
            // part, not copied: a 25 MB attachment is held once.
            if let Some(bytes) = take_decoded(&mut msg.parts[id].body) {
                att.bytes = bytes;
            }
            out.attachments.push(att);
        }
    }
    if out.text.contains('\r') {
        out.text = out.text.replace("\r\n", "\n");
    }
    out
}

/// A header sent with raw 8-bit bytes that are not UTF-8 (old clients), read as windows-1252.
fn raw_8bit_header(msg: &Message<'_>, name: &str) -> Option<String> {
    let raw = msg.raw_message.as_ref();
    let h = msg
        .headers()
        .iter()
        .find(|h| h.name().eq_ignore_ascii_case(name))?;
    let bytes = raw.get(h.offset_start() as usize..(h.offset_end() as usize).min(raw.len()))?;
    if std::str::from_utf8(bytes).is_ok() {
        return None;
    }
    let text = encoding_rs::WINDOWS_1252.decode(bytes).0;
    Some(unfold(&text))
}

/// A text/plain part (or one without a type) with no file name and not marked as attachment.
fn is_orphan_text(part: &MessagePart<'_>) -> bool {
    let plain = part
        .content_type()
        .map(|c| {
            c.ctype().eq_ignore_ascii_case("text")
                && c.subtype()
                    .map(|s| s.eq_ignore_ascii_case("plain"))
                    .unwrap_or(true)
        })
        .unwrap_or(true);
    let attached = part
        .content_disposition()
        .map(|d| d.ctype().eq_ignore_ascii_case("attachment"))
        .unwrap_or(false);
    plain
        && !attached
        && part.attachment_name().is_none()
        && !matches!(part.body, PartType::Multipart(_) | PartType::Message(_))
}

fn raw_slice<'a>(msg: &'a Message<'_>, part: &MessagePart<'_>) -> Option<&'a [u8]> {
    let raw = msg.raw_message.as_ref();
    let start = part.offset_body as usize;
    let end = (part.offset_end as usize).min(raw.len());
    raw.get(start..end)
}

/// Base64 that skips every character outside the alphabet and a trailing incomplete group.
fn lenient_base64(input: &[u8]) -> Vec<u8> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut n = 0;
    for &c in input {
        let Some(v) = val(c) else {
            continue;
        };
        acc = (acc << 6) | v;
        n += 1;
        if n == 4 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            acc = 0;
            n = 0;
        }
    }
    match n {
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        _ => {}
    }
    out
}

/// UTF-8 when valid, else windows-1252.
fn bytes_to_text(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(b).0.into_owned(),
    }
}

fn attachment(msg: &Message<'_>, part: &MessagePart<'_>, n: &mut usize) -> Option<Attachment> {
    let ct = part
        .content_type()
        .map(|c| mime_of(c.ctype(), c.subtype()))
        .unwrap_or_else(|| "text/plain".into());
    let inline = part
        .content_disposition()
        .map(|d| d.ctype().eq_ignore_ascii_case("inline"))
        .unwrap_or(false)
        || matches!(part.body, PartType::InlineBinary(_));
    let content_id = part.content_id().and_then(clean_id);
    let (bytes, default_ext, ctype): (Cow<'_, [u8]>, &str, String) = match &part.body {
        PartType::Multipart(_) => return None,
        // A nested message borrows the whole outer mail; its own bytes are the part's body
        // (unless it was transfer-encoded, then mail-parser owns the decoded bytes).
        PartType::Message(m) => (
            match (&m.raw_message, raw_slice(msg, part)) {
                (Cow::Borrowed(_), Some(body)) => Cow::Borrowed(body),
                (other, _) => Cow::Borrowed(other.as_ref()),
            },
            "eml",
            "message/rfc822".into(),
        ),
        PartType::Text(t) | PartType::Html(t) => (Cow::Borrowed(t.as_bytes()), "txt", ct),
        PartType::Binary(b) | PartType::InlineBinary(b) => (Cow::Borrowed(b.as_ref()), "bin", ct),
    };
    *n += 1;
    let name = match part
        .attachment_name()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(name) => safe_name(name),
        None => match &part.body {
            PartType::Message(m) => {
                let subject = m.subject().map(str::trim).filter(|s| !s.is_empty());
                match subject {
                    Some(s) => format!("{}.eml", safe_name(s)),
                    None => format!("correo-reenviado-{n}.eml"),
                }
            }
            _ => format!("adjunto-{n}.{}", ext_for(&ctype).unwrap_or(default_ext)),
        },
    };
    // Bytes mail-parser decoded are moved out by the caller (`take_decoded`); only bytes that
    // are a slice of the raw mail are copied here.
    let owned_by_parser = matches!(
        &part.body,
        PartType::Binary(Cow::Owned(_)) | PartType::InlineBinary(Cow::Owned(_))
    );
    Some(Attachment {
        name,
        content_type: ctype,
        bytes: if owned_by_parser {
            Vec::new()
        } else {
            bytes.into_owned()
        },
        inline,
        content_id,
    })
}

/// The bytes mail-parser decoded for a file part, taken out of the part (left empty).
fn take_decoded(body: &mut PartType<'_>) -> Option<Vec<u8>> {
    match body {
        PartType::Binary(b @ Cow::Owned(_)) | PartType::InlineBinary(b @ Cow::Owned(_)) => {
            Some(std::mem::take(b).into_owned())
        }
        _ => None,
    }
}

fn ext_for(ctype: &str) -> Option<&'static str> {
    Some(match ctype {
        "application/pdf" => "pdf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "text/calendar" => "ics",
        "text/html" => "html",
        "message/delivery-status" => "txt",
        "application/ms-tnef" | "application/vnd.ms-tnef" => "dat",
        _ => return None,
    })
}

/// A file name without path separators or control characters, at most 150 characters.
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .take(150)
        .collect();
    let cleaned = cleaned.trim().trim_matches('.').to_string();
    if cleaned.is_empty() {
        "adjunto".into()
    } else {
        cleaned
    }
}

fn push_body(acc: &mut String, s: &str) {
    if s.trim().is_empty() {
        return;
    }
    if !acc.is_empty() {
        acc.push_str("\n\n");
    }
    acc.push_str(s);
}

/// The text of a body part, re-read as windows-1252 when the charset is missing or unknown and
/// the bytes are not valid UTF-8.
fn part_text(
    msg: &Message<'_>,
    part: &MessagePart<'_>,
    id: usize,
    warnings: &mut Vec<String>,
) -> String {
    let decoded = match &part.body {
        PartType::Text(t) | PartType::Html(t) => t.as_ref(),
        _ => return String::new(),
    };
    if part.is_encoding_problem {
        warnings.push(format!(
            "La parte {} del correo tiene una codificación de transferencia dañada (base64 o \
             quoted-printable); se leyó lo que se pudo",
            id + 1
        ));
    }
    let charset = part
        .content_type()
        .and_then(|c| c.attribute("charset"))
        .map(|c| c.trim().to_string());
    let known = match &charset {
        None => false,
        Some(c) => is_utf8_name(c) || charset_decoder(c.as_bytes()).is_some(),
    };
    if let Some(c) = &charset {
        if !known {
            warnings.push(format!(
                "El juego de caracteres «{}» de la parte {} no se reconoce; se leyó como UTF-8 \
                 (o windows-1252)",
                truncate_chars(c, 40),
                id + 1
            ));
        }
    }
    // UTF-8 sent under a single-byte Western label (windows-1252, ISO-8859-1/15): the bytes are
    // valid UTF-8 with multibyte sequences, which real windows-1252 text practically never is.
    // Read them as UTF-8, as mail clients do, instead of showing «Ã³».
    if !decoded.is_ascii() && charset.as_deref().is_some_and(is_western_single_byte) {
        if let Some(bytes) = raw_part_bytes(msg, part) {
            if let Some(text) = utf8_multibyte(bytes) {
                return text;
            }
        }
    }
    let utf8_declared = charset.as_deref().map(is_utf8_name).unwrap_or(false);
    if decoded.contains('\u{FFFD}') && (!known || utf8_declared) {
        if let Some(bytes) = raw_part_bytes(msg, part) {
            if std::str::from_utf8(&bytes).is_err() {
                let (s, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
                return s.into_owned();
            }
        }
    }
    decoded.to_string()
}

/// A label for windows-1252 or ISO-8859-1/15 (encoding_rs reads ISO-8859-1 and US-ASCII as
/// windows-1252, as browsers do).
fn is_western_single_byte(label: &str) -> bool {
    encoding_rs::Encoding::for_label(label.trim().as_bytes())
        .is_some_and(|e| e == encoding_rs::WINDOWS_1252 || e == encoding_rs::ISO_8859_15)
}

/// The bytes as text when they are valid UTF-8 and not plain ASCII.
fn utf8_multibyte(bytes: Vec<u8>) -> Option<String> {
    if bytes.is_ascii() {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// A header that was decoded as windows-1252/ISO-8859-1 (RFC 2047 `=?windows-1252?…?=`) but
/// whose bytes were UTF-8: the same text read as UTF-8 (`Impresión`, not `ImpresiÃ³n`).
fn mislabelled_utf8_header(decoded: &str, raw_value: &str) -> Option<String> {
    let raw = raw_value.to_ascii_lowercase();
    let western = [
        "=?windows-1252?",
        "=?iso-8859-1?",
        "=?iso-8859-15?",
        "=?cp1252?",
    ]
    .iter()
    .any(|w| raw.contains(w));
    if !western || decoded.is_ascii() {
        return None;
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(decoded);
    if unmappable {
        return None;
    }
    utf8_multibyte(bytes.into_owned())
}

fn is_utf8_name(c: &str) -> bool {
    let c = c.to_ascii_lowercase();
    c == "utf-8" || c == "utf8" || c == "us-ascii" || c == "ascii"
}

/// The transfer-decoded bytes of a part, read again from the raw mail.
fn raw_part_bytes(msg: &Message<'_>, part: &MessagePart<'_>) -> Option<Vec<u8>> {
    let body = raw_slice(msg, part)?;
    match part.encoding {
        Encoding::None => Some(body.to_vec()),
        Encoding::QuotedPrintable => quoted_printable_decode(body),
        Encoding::Base64 => {
            let compact: Vec<u8> = body
                .iter()
                .copied()
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            base64_decode(&compact)
        }
    }
}

fn html_to_text(html: &str, warnings: &mut Vec<String>) -> String {
    let input = if html.len() > HTML_TO_TEXT_LIMIT {
        warnings.push(format!(
            "El cuerpo HTML es muy grande ({} KB); solo se convirtió a texto el primer {} KB",
            html.len() / 1024,
            HTML_TO_TEXT_LIMIT / 1024
        ));
        let mut cut = HTML_TO_TEXT_LIMIT;
        while !html.is_char_boundary(cut) {
            cut -= 1;
        }
        &html[..cut]
    } else {
        html
    };
    let depth = html_depth(input);
    if depth > HTML_MAX_DEPTH {
        warnings.push(format!(
            "El cuerpo HTML tiene {depth} niveles de anidamiento; se muestra sin etiquetas"
        ));
        return strip_tags(input);
    }
    let rendered = catch_unwind(AssertUnwindSafe(|| {
        html2text::config::plain_no_decorate()
            .string_from_read(input.as_bytes(), 100)
            .ok()
    }))
    .ok()
    .flatten();
    match rendered {
        Some(t) => t
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string(),
        None => {
            warnings.push(
                "No se pudo convertir el cuerpo HTML a texto; se muestra sin etiquetas".into(),
            );
            strip_tags(input)
        }
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// Structural problems mail-parser tolerates silently: a multipart without a boundary or
/// without its closing delimiter. One pass over the raw lines (never one per part), and at most
/// a few warnings of each kind.
fn check_structure(msg: &Message<'_>, raw: &[u8], warnings: &mut Vec<String>) {
    const MAX_WARNINGS: usize = 3;
    let mut closed: HashSet<&[u8]> = HashSet::new();
    for line in raw.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let line = trim_ascii_end(line);
        if line.len() > 4 && line.starts_with(b"--") && line.ends_with(b"--") {
            closed.insert(&line[2..line.len() - 2]);
        }
    }
    let mut no_boundary = 0usize;
    let mut unclosed: Vec<String> = Vec::new();
    let mut unclosed_count = 0usize;
    for part in &msg.parts {
        let Some(ct) = part.content_type() else {
            continue;
        };
        if !ct.ctype().eq_ignore_ascii_case("multipart") {
            continue;
        }
        match ct.attribute("boundary") {
            None => no_boundary += 1,
            Some(b) if !closed.contains(b.as_bytes()) => {
                unclosed_count += 1;
                if unclosed.len() < MAX_WARNINGS {
                    unclosed.push(truncate_chars(b, 70));
                }
            }
            Some(_) => {}
        }
    }
    if no_boundary > 0 {
        warnings.push(format!(
            "{} parte(s) multipart no declaran su separador (boundary); el contenido puede estar \
             incompleto",
            no_boundary
        ));
    }
    for b in &unclosed {
        warnings.push(format!(
            "Falta el cierre del bloque MIME «--{b}--»; el correo pudo llegar incompleto"
        ));
    }
    if unclosed_count > unclosed.len() {
        warnings.push(format!(
            "Faltan además {} cierres de bloques MIME",
            unclosed_count - unclosed.len()
        ));
    }
}

fn trim_ascii_end(b: &[u8]) -> &[u8] {
    let mut end = b.len();
    while end > 0 && (b[end - 1] == b' ' || b[end - 1] == b'\t') {
        end -= 1;
    }
    &b[..end]
}

/// The deepest element nesting of the HTML, counted roughly from its tags (void elements and
/// self-closing tags do not nest). Used to keep the HTML-to-text conversion bounded: its cost
/// grows with the square of the depth.
fn html_depth(html: &str) -> usize {
    const VOID: [&str; 16] = [
        "br", "img", "hr", "meta", "link", "input", "area", "base", "col", "embed", "source",
        "track", "wbr", "p", "li", "!",
    ];
    let bytes = html.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &bytes[i + 1..];
        let closing = rest.first() == Some(&b'/');
        let rest = if closing { &rest[1..] } else { rest };
        let name_len = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'!')
            .count();
        let name = std::str::from_utf8(&rest[..name_len]).unwrap_or("");
        let void = name.starts_with('!') || VOID.iter().any(|v| v.eq_ignore_ascii_case(name));
        if name_len > 0 && !void {
            if closing {
                depth = depth.saturating_sub(1);
            } else {
                // Look for "/>" only within this tag (bounded, so the scan stays linear).
                let end = rest.iter().take(512).position(|&b| b == b'>').unwrap_or(0);
                let self_closing = end > 0 && rest[end - 1] == b'/';
                if !self_closing {
                    depth += 1;
                    max = max.max(depth);
                }
            }
        }
        i += 1 + usize::from(closing) + name_len;
    }
    max
}

fn truncate_chars(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn mime_of(ctype: &str, subtype: Option<&str>) -> String {
    match subtype {
        Some(s) => format!("{}/{}", ctype.trim(), s.trim()).to_ascii_lowercase(),
        None => ctype.trim().to_ascii_lowercase(),
    }
}

fn unfold(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut last_space = false;
    for c in v.chars() {
        if c == '\r' || c == '\n' || c == '\t' || c == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out.trim().to_string()
}

fn clean_id(s: &str) -> Option<String> {
    let s = s
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => t.split_whitespace().filter_map(clean_id).collect(),
        HeaderValue::TextList(l) => l
            .iter()
            .flat_map(|t| t.split_whitespace())
            .filter_map(clean_id)
            .collect(),
        _ => Vec::new(),
    }
}

fn addresses(a: &mail_parser::Address<'_>) -> Vec<Address> {
    a.iter()
        .filter_map(|addr| {
            let address = addr.address()?.trim().to_lowercase();
            if address.is_empty() {
                return None;
            }
            let name = addr
                .name()
                .map(|n| n.trim().trim_matches('"').trim().to_string())
                .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case(&address));
            Some(Address { address, name })
        })
        .collect()
}
