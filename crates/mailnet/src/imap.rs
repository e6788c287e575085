//! IMAP intake: connect (TLS / STARTTLS / none on loopback), LOGIN or AUTHENTICATE XOAUTH2,
//! select the folder, fetch new mail above a last UID (size first, body only under the limit),
//! move processed mail, append.
//!
//! Exactly-once is the store side's job; this module gives it what it needs: the folder's
//! UIDVALIDITY on every mail, UIDs in ascending order, and `move_processed` called only after the
//! mail is stored (a crash in between leaves the mail in the folder, recognised next time by
//! UID/Message-ID).

use std::cell::Cell;
use std::collections::VecDeque;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};

use crate::account::{check_security, Auth, MailAccount, Security};
use crate::error::{MailNetError, Result};
use crate::net::{connect_tcp, io_error, tls_detail, tls_handshake, MailStream, DEFAULT_TIMEOUT};
use crate::oauth::xoauth2_string;
use crate::Credential;

/// Default size limit for downloading a body: 25 MB.
pub const DEFAULT_MAX_SIZE: u64 = 25 * 1024 * 1024;

/// How many UIDs one `UID FETCH (RFC822.SIZE INTERNALDATE)` asks for.
const META_BATCH: usize = 200;

/// One new mail. `raw` is `None` when the mail is over the size limit (`oversized()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedMail {
    pub uidvalidity: u32,
    pub uid: u32,
    /// The server's arrival time (IMAP INTERNALDATE), not the `Date:` header.
    pub internal_date: DateTime<Utc>,
    /// RFC822.SIZE in bytes.
    pub size: u64,
    pub raw: Option<Vec<u8>>,
}

impl FetchedMail {
    pub fn oversized(&self) -> bool {
        self.raw.is_none()
    }
}

/// An authenticated IMAP session with the account's folder selected.
pub struct ImapSession {
    session: imap::Session<MailStream>,
    host: String,
    port: u16,
    timeout: Duration,
    folder: String,
    processed_folder: String,
    uidvalidity: u32,
    uid_next: Option<u32>,
    has_move: bool,
    has_uidplus: bool,
    processed_ready: bool,
}

struct XOAuth2 {
    response: String,
    sent: Cell<bool>,
}

impl imap::Authenticator for XOAuth2 {
    type Response = String;
    fn process(&self, _challenge: &[u8]) -> String {
        // First challenge: the XOAUTH2 string. A second one carries the server's error JSON;
        // the client must answer it with an empty line to get the tagged NO.
        if self.sent.replace(true) {
            String::new()
        } else {
            self.response.clone()
        }
    }
}

fn protocol_error(e: imap::Error, host: &str, port: u16, timeout: Duration) -> MailNetError {
    match e {
        imap::Error::Io(io) => io_error(host, port, timeout, io),
        imap::Error::Tls(t) => MailNetError::Tls {
            host: host.into(),
            port,
            detail: tls_detail(&t.to_string()),
        },
        imap::Error::TlsHandshake(t) => MailNetError::Tls {
            host: host.into(),
            port,
            detail: tls_detail(&t.to_string()),
        },
        imap::Error::ConnectionLost => MailNetError::Network {
            host: host.into(),
            port,
            detail: "el servidor cerró la conexión".into(),
        },
        imap::Error::StartTlsNotAvailable => {
            MailNetError::StartTlsUnavailable { host: host.into() }
        }
        other => MailNetError::Protocol {
            protocol: "IMAP",
            detail: other.to_string(),
        },
    }
}

impl ImapSession {
    /// Connects, authenticates with `credential` and selects `account.folder`.
    pub fn connect(account: &MailAccount, credential: &Credential) -> Result<ImapSession> {
        Self::connect_with_timeout(account, credential, DEFAULT_TIMEOUT)
    }

    pub fn connect_with_timeout(
        account: &MailAccount,
        credential: &Credential,
        timeout: Duration,
    ) -> Result<ImapSession> {
        account.validate()?;
        let mut s = Self::login(account, credential, timeout)?;
        s.select()?;
        Ok(s)
    }

    /// Connects and authenticates without selecting (used by `test_connection`).
    pub(crate) fn login(
        account: &MailAccount,
        credential: &Credential,
        timeout: Duration,
    ) -> Result<ImapSession> {
        let host = account.imap_host.trim().to_string();
        let port = account.imap_port;
        check_security(&host, account.security)?;
        let err = |e: imap::Error| protocol_error(e, &host, port, timeout);
        let tcp = connect_tcp(&host, port, timeout)?;
        let mut client = match account.security {
            Security::Tls => {
                let tls = tls_handshake(&host, port, tcp)?;
                let mut c = imap::Client::new(MailStream::Tls(Box::new(tls)));
                c.read_greeting().map_err(err)?;
                c
            }
            Security::None => {
                let mut c = imap::Client::new(MailStream::Plain(tcp));
                c.read_greeting().map_err(err)?;
                c
            }
            Security::StartTls => {
                let plain = starttls_upgrade(&host, port, timeout, tcp)?;
                let tls = tls_handshake(&host, port, plain)?;
                let mut c = imap::Client::new(MailStream::Tls(Box::new(tls)));
                c.greeting_read = true;
                c
            }
        };
        let user = account.user.trim().to_string();
        let session = match (&account.auth, credential) {
            (Auth::Password, Credential::Password(pw)) => {
                // Dovecot and most servers accept LOGIN; AUTHENTICATE PLAIN would be the same.
                if login_disabled(&mut client).is_some_and(|disabled| disabled) {
                    return Err(MailNetError::AuthFailed {
                        protocol: "IMAP",
                        user,
                        detail: "el servidor no permite iniciar sesión con contraseña (LOGINDISABLED); use TLS o STARTTLS".into(),
                    });
                }
                client.login(&user, pw).map_err(|(e, _)| match e {
                    imap::Error::No(no) => MailNetError::AuthFailed {
                        protocol: "IMAP",
                        user: user.clone(),
                        detail: no.information,
                    },
                    other => err(other),
                })?
            }
            (_, Credential::OAuth2Token(token)) => {
                let auth = XOAuth2 {
                    response: xoauth2_string(&user, token),
                    sent: Cell::new(false),
                };
                client
                    .authenticate("XOAUTH2", &auth)
                    .map_err(|(e, _)| match e {
                        imap::Error::No(no) => MailNetError::TokenRejected {
                            protocol: "IMAP",
                            user: user.clone(),
                            detail: no.information,
                        },
                        imap::Error::Bad(bad) => MailNetError::TokenRejected {
                            protocol: "IMAP",
                            user: user.clone(),
                            detail: bad.information,
                        },
                        other => err(other),
                    })?
            }
            (Auth::OAuth2(_), Credential::Password(_)) => {
                return Err(MailNetError::InvalidAccount {
                    field: "auth",
                    detail:
                        "la cuenta usa OAuth2: se necesita un token de acceso, no una contraseña"
                            .into(),
                })
            }
        };
        let mut s = ImapSession {
            session,
            host,
            port,
            timeout,
            folder: account.folder.clone(),
            processed_folder: account.processed_folder.clone(),
            uidvalidity: 0,
            uid_next: None,
            has_move: false,
            has_uidplus: false,
            processed_ready: false,
        };
        let caps = s.session.capabilities().map_err(|e| s.err(e))?;
        s.has_move = caps.has_str("MOVE");
        s.has_uidplus = caps.has_str("UIDPLUS");
        Ok(s)
    }

    fn err(&self, e: imap::Error) -> MailNetError {
        protocol_error(e, &self.host, self.port, self.timeout)
    }

    fn folder_error(&self, e: imap::Error, folder: &str) -> MailNetError {
        match e {
            imap::Error::No(no) => {
                let lower = no.information.to_ascii_lowercase();
                if lower.contains("exist")
                    || lower.contains("nonexistent")
                    || lower.contains("not found")
                    || no.code.is_some()
                {
                    MailNetError::FolderMissing {
                        folder: folder.to_string(),
                    }
                } else {
                    MailNetError::Protocol {
                        protocol: "IMAP",
                        detail: no.information,
                    }
                }
            }
            other => self.err(other),
        }
    }

    /// Selects the account's folder and reads UIDVALIDITY.
    pub(crate) fn select(&mut self) -> Result<()> {
        let name = encode_mailbox(&self.folder);
        let folder = self.folder.clone();
        let mb = self
            .session
            .select(&name)
            .map_err(|e| self.folder_error(e, &folder))?;
        self.uidvalidity = mb.uid_validity.ok_or_else(|| MailNetError::Protocol {
            protocol: "IMAP",
            detail: format!("la carpeta «{folder}» no informa UIDVALIDITY"),
        })?;
        self.uid_next = mb.uid_next;
        Ok(())
    }

    /// The selected folder's UIDVALIDITY (if it changes, every stored UID is void).
    pub fn uidvalidity(&self) -> u32 {
        self.uidvalidity
    }

    /// UIDNEXT when the server sent it at SELECT.
    pub fn uid_next(&self) -> Option<u32> {
        self.uid_next
    }

    /// True when the server offers MOVE (otherwise COPY + \Deleted + EXPUNGE).
    pub fn has_move(&self) -> bool {
        self.has_move
    }

    /// Makes this session use COPY + STORE \\Deleted + EXPUNGE as if the server had no MOVE
    /// (to test the fallback against a real server that offers MOVE).
    #[doc(hidden)]
    pub fn disable_move_for_tests(&mut self) {
        self.has_move = false;
    }

    /// True when a folder of that name exists.
    pub fn folder_exists(&mut self, folder: &str) -> Result<bool> {
        let name = encode_mailbox(folder);
        // The crate sends the pattern as given: quote it (names with spaces).
        let pattern = quoted(&name);
        let names = self
            .session
            .list(Some(""), Some(&pattern))
            .map_err(|e| self.err(e))?;
        Ok(names.iter().any(|n| n.name() == name))
    }

    /// New mail with UID > `last_uid`, in ascending UID order. Sizes and arrival times are
    /// fetched first; a body is downloaded only when its size is ≤ `max_size` (else the item is
    /// `oversized()`: the caller records it once and moves on; it is never fetched again as long
    /// as the caller advances past its UID).
    pub fn fetch_new(&mut self, last_uid: u32, max_size: u64) -> Result<NewMail<'_>> {
        let query = format!("UID {}:*", last_uid.saturating_add(1));
        let found = self.session.uid_search(&query).map_err(|e| self.err(e))?;
        // `n:*` always matches the highest UID, even when it is ≤ last_uid.
        let mut uids: Vec<u32> = found.into_iter().filter(|u| *u > last_uid).collect();
        uids.sort_unstable();
        Ok(NewMail {
            session: self,
            pending: uids.into(),
            meta: VecDeque::new(),
            max_size,
        })
    }

    fn fetch_meta(&mut self, uids: &[u32]) -> Result<Vec<(u32, u64, DateTime<Utc>)>> {
        let set = uid_set(uids);
        let fetches = self
            .session
            .uid_fetch(&set, "(UID RFC822.SIZE INTERNALDATE)")
            .map_err(|e| self.err(e))?;
        let mut out = Vec::with_capacity(uids.len());
        for f in fetches.iter() {
            let (Some(uid), Some(size), Some(date)) = (f.uid, f.size, f.internal_date()) else {
                continue;
            };
            if uids.binary_search(&uid).is_ok() {
                out.push((uid, u64::from(size), date.with_timezone(&Utc)));
            }
        }
        out.sort_unstable_by_key(|m| m.0);
        Ok(out)
    }

    /// The raw bytes of one mail. The body is moved to the front of the buffer the response
    /// was read into (no second copy: a 25 MB attachment is a 35 MB mail, and the crate's
    /// `Fetches` only lends its buffer).
    fn fetch_body(&mut self, uid: u32) -> Result<Option<Vec<u8>>> {
        let mut data = self
            .session
            .run_command_and_read_response(format!("UID FETCH {uid} (UID BODY.PEEK[])"))
            .map_err(|e| self.err(e))?;
        match body_in_response(&data, uid)? {
            None => Ok(None),
            Some(BodyAt::Range(range)) => {
                let len = range.len();
                data.copy_within(range, 0);
                data.truncate(len);
                Ok(Some(data))
            }
            Some(BodyAt::Owned(bytes)) => Ok(Some(bytes)),
        }
    }

    /// Creates the processed folder when missing (and its parents, for servers that need it).
    pub fn ensure_processed_folder(&mut self) -> Result<()> {
        if self.processed_ready {
            return Ok(());
        }
        let target = self.processed_folder.clone();
        if !self.folder_exists(&target)? {
            let mut path = String::new();
            for part in target.split('/') {
                if !path.is_empty() {
                    path.push('/');
                }
                path.push_str(part);
                if !self.folder_exists(&path)? {
                    let name = encode_mailbox(&path);
                    self.session.create(&name).map_err(|e| self.err(e))?;
                }
            }
            let _ = self.session.subscribe(encode_mailbox(&target));
        }
        self.processed_ready = true;
        Ok(())
    }

    /// Moves one processed mail from the folder to the processed folder (UID MOVE; without MOVE,
    /// COPY + STORE \Deleted + UID EXPUNGE, or EXPUNGE when UIDPLUS is missing). A UID that is
    /// no longer in the folder is not an error (already moved by an earlier, interrupted run).
    pub fn move_processed(&mut self, uid: u32) -> Result<()> {
        self.ensure_processed_folder()?;
        let target = encode_mailbox(&self.processed_folder);
        let present = self
            .session
            .uid_search(format!("UID {uid}"))
            .map_err(|e| self.err(e))?;
        if !present.contains(&uid) {
            return Ok(());
        }
        let set = uid.to_string();
        if self.has_move {
            self.session
                .uid_mv(&set, &target)
                .map_err(|e| self.err(e))?;
        } else {
            // The crate sends COPY's mailbox as given: quote it.
            self.session
                .uid_copy(&set, quoted(&target))
                .map_err(|e| self.err(e))?;
            self.session
                .uid_store(&set, "+FLAGS.SILENT (\\Deleted)")
                .map_err(|e| self.err(e))?;
            if self.has_uidplus {
                self.session.uid_expunge(&set).map_err(|e| self.err(e))?;
            } else {
                self.session.expunge().map_err(|e| self.err(e))?;
            }
        }
        Ok(())
    }

    /// Appends a raw message to `folder` with an explicit arrival time (INTERNALDATE); returns
    /// the new UID when the server reports it (UIDPLUS).
    pub fn append(
        &mut self,
        folder: &str,
        raw: &[u8],
        internal_date: DateTime<FixedOffset>,
    ) -> Result<Option<u32>> {
        let name = encode_mailbox(folder);
        let folder_owned = folder.to_string();
        let appended = self
            .session
            .append(&name, raw)
            .internal_date(internal_date)
            .finish()
            .map_err(|e| self.folder_error(e, &folder_owned))?;
        let uid = appended.uids.and_then(|v| {
            v.into_iter().next().map(|m| match m {
                imap_proto::UidSetMember::Uid(u) => u,
                imap_proto::UidSetMember::UidRange(r) => *r.end(),
            })
        });
        Ok(uid)
    }

    /// Creates a folder (tests; «Enviados» copies).
    pub fn create_folder(&mut self, folder: &str) -> Result<()> {
        self.session
            .create(encode_mailbox(folder))
            .map_err(|e| self.err(e))
    }

    /// Number of messages in a folder (STATUS MESSAGES).
    pub fn count(&mut self, folder: &str) -> Result<u32> {
        let name = encode_mailbox(folder);
        let folder_owned = folder.to_string();
        let mb = self
            .session
            .status(&name, "(MESSAGES)")
            .map_err(|e| self.folder_error(e, &folder_owned))?;
        Ok(mb.exists)
    }

    /// Logs out (errors ignored: the connection is closed either way).
    pub fn logout(mut self) {
        let _ = self.session.logout();
    }
}

/// Reads the greeting and asks STARTTLS on the raw socket (byte by byte, so nothing after the
/// server's OK is consumed before the TLS handshake).
fn starttls_upgrade(
    host: &str,
    port: u16,
    timeout: Duration,
    mut tcp: std::net::TcpStream,
) -> Result<std::net::TcpStream> {
    use std::io::{Read, Write};
    let read_line = |tcp: &mut std::net::TcpStream| -> Result<String> {
        let mut line = Vec::new();
        let mut byte = [0u8; 1];
        while line.len() < 8192 {
            let n = tcp
                .read(&mut byte)
                .map_err(|e| io_error(host, port, timeout, e))?;
            if n == 0 {
                return Err(MailNetError::Network {
                    host: host.into(),
                    port,
                    detail: "el servidor cerró la conexión".into(),
                });
            }
            line.push(byte[0]);
            if byte[0] == b'\n' {
                break;
            }
        }
        Ok(String::from_utf8_lossy(&line).into_owned())
    };
    let greeting = read_line(&mut tcp)?;
    if !greeting.starts_with("* OK") {
        return Err(MailNetError::Protocol {
            protocol: "IMAP",
            detail: format!("saludo inesperado: {}", greeting.trim()),
        });
    }
    tcp.write_all(b"M0 STARTTLS\r\n")
        .map_err(|e| io_error(host, port, timeout, e))?;
    loop {
        let line = read_line(&mut tcp)?;
        if let Some(rest) = line.strip_prefix("M0 ") {
            if rest.starts_with("OK") {
                return Ok(tcp);
            }
            return Err(MailNetError::StartTlsUnavailable { host: host.into() });
        }
    }
}

fn login_disabled(client: &mut imap::Client<MailStream>) -> Option<bool> {
    client
        .capabilities()
        .ok()
        .map(|c| c.has_str("LOGINDISABLED"))
}

/// Iterator over new mail; each step fetches at most one body.
pub struct NewMail<'a> {
    session: &'a mut ImapSession,
    pending: VecDeque<u32>,
    meta: VecDeque<(u32, u64, DateTime<Utc>)>,
    max_size: u64,
}

impl NewMail<'_> {
    /// The session, to move a mail as soon as it is stored, before fetching the next one
    /// (`while let Some(m) = new.next() { store(m?)…; new.session().move_processed(uid)? }`).
    /// UIDs stay valid when others are moved, so the iteration goes on.
    pub fn session(&mut self) -> &mut ImapSession {
        self.session
    }

    /// UIDs not yet returned (metadata not fetched yet included).
    pub fn remaining(&self) -> usize {
        self.pending.len() + self.meta.len()
    }
}

impl Iterator for NewMail<'_> {
    type Item = Result<FetchedMail>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((uid, size, internal_date)) = self.meta.pop_front() {
                let uidvalidity = self.session.uidvalidity;
                if size > self.max_size {
                    return Some(Ok(FetchedMail {
                        uidvalidity,
                        uid,
                        internal_date,
                        size,
                        raw: None,
                    }));
                }
                return match self.session.fetch_body(uid) {
                    // Expunged by someone else between the two fetches: skip it.
                    Ok(None) => continue,
                    Ok(Some(raw)) => Some(Ok(FetchedMail {
                        uidvalidity,
                        uid,
                        internal_date,
                        size,
                        raw: Some(raw),
                    })),
                    Err(e) => {
                        self.pending.clear();
                        self.meta.clear();
                        Some(Err(e))
                    }
                };
            }
            if self.pending.is_empty() {
                return None;
            }
            let take = self.pending.len().min(META_BATCH);
            let batch: Vec<u32> = self.pending.drain(..take).collect();
            match self.session.fetch_meta(&batch) {
                Ok(meta) => self.meta.extend(meta),
                Err(e) => {
                    self.pending.clear();
                    return Some(Err(e));
                }
            }
        }
    }
}

/// Where a FETCH response holds the body of a mail.
#[derive(Debug, PartialEq, Eq)]
enum BodyAt {
    /// Bytes `range` of the response buffer (a literal, the usual case).
    Range(std::ops::Range<usize>),
    /// Unescaped by the parser (a quoted string): a copy, small by nature.
    Owned(Vec<u8>),
}

/// Finds the `BODY[]` (or `RFC822`) of `uid` among the untagged responses in `data`; other
/// responses (EXISTS, FLAGS, FETCH of other messages) are skipped. `None` when the server sent
/// no body for that UID (expunged meanwhile).
fn body_in_response(data: &[u8], uid: u32) -> Result<Option<BodyAt>> {
    use imap_proto::{AttributeValue, Response};
    use std::borrow::Cow;
    let base = data.as_ptr() as usize;
    let mut rest = data;
    while !rest.is_empty() {
        let (next, response) =
            imap_proto::parser::parse_response(rest).map_err(|_| MailNetError::Protocol {
                protocol: "IMAP",
                detail: format!("respuesta ilegible del servidor al leer el correo {uid}"),
            })?;
        if let Response::Fetch(_, attrs) = &response {
            let mut this_uid = None;
            let mut body = None;
            for a in attrs {
                match a {
                    AttributeValue::Uid(u) => this_uid = Some(*u),
                    AttributeValue::BodySection { data: Some(d), .. }
                    | AttributeValue::Rfc822(Some(d)) => body = Some(d),
                    _ => {}
                }
            }
            if let (Some(u), Some(d)) = (this_uid, body) {
                if u == uid {
                    return Ok(Some(match d {
                        Cow::Borrowed(b) => {
                            let start = (b.as_ptr() as usize).wrapping_sub(base);
                            match data.get(start..start.saturating_add(b.len())) {
                                Some(inside) if inside.as_ptr() == b.as_ptr() => {
                                    BodyAt::Range(start..start + b.len())
                                }
                                _ => BodyAt::Owned(b.to_vec()),
                            }
                        }
                        Cow::Owned(v) => BodyAt::Owned(v.clone()),
                    }));
                }
            }
        }
        if next.len() >= rest.len() {
            break;
        }
        rest = next;
    }
    Ok(None)
}

/// An IMAP quoted string.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `1,3:5,9` from sorted UIDs.
fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end + 1 {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

/// Mailbox name in IMAP's modified UTF-7 (RFC 3501 §5.1.3): «Elementos enviados», «Cotización».
pub fn encode_mailbox(name: &str) -> String {
    use base64::Engine;
    let engine = base64::engine::general_purpose::STANDARD_NO_PAD;
    let mut out = String::new();
    let mut pending: Vec<u16> = Vec::new();
    let flush = |pending: &mut Vec<u16>, out: &mut String| {
        if pending.is_empty() {
            return;
        }
        let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
        out.push('&');
        out.push_str(&engine.encode(bytes).replace('/', ","));
        out.push('-');
        pending.clear();
    };
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut pending, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_found_in_place_among_other_responses() {
        let data: &[u8] = b"* 3 EXISTS\r\n* 1 FETCH (UID 7 BODY[] {5}\r\nhola!)\r\n\
                     * 2 FETCH (UID 9 BODY[] {11}\r\nSubject: x\n)\r\n";
        let at = |needle: &[u8]| {
            let start = data
                .windows(needle.len())
                .position(|w| w == needle)
                .unwrap();
            Some(BodyAt::Range(start..start + needle.len()))
        };
        assert_eq!(body_in_response(data, 9).unwrap(), at(b"Subject: x\n"));
        assert_eq!(body_in_response(data, 7).unwrap(), at(b"hola!"));
        assert_eq!(body_in_response(data, 8).unwrap(), None);
        // A quoted string (never seen for a whole mail, but legal) is read too.
        let quoted: &[u8] = b"* 1 FETCH (UID 4 BODY[] \"abc\")\r\n";
        let found = body_in_response(quoted, 4).unwrap();
        assert!(
            matches!(&found, Some(BodyAt::Range(r)) if &quoted[r.clone()] == b"abc")
                || found == Some(BodyAt::Owned(b"abc".to_vec())),
            "{found:?}"
        );
        assert_eq!(
            body_in_response(b"\x00garbage\r\n", 1).unwrap_err().code(),
            "mail_protocol"
        );
    }

    #[test]
    fn uid_sets_are_compact() {
        assert_eq!(uid_set(&[1, 2, 3, 5, 7, 8]), "1:3,5,7:8");
        assert_eq!(uid_set(&[42]), "42");
    }

    #[test]
    fn mailbox_names_use_modified_utf7() {
        assert_eq!(encode_mailbox("INBOX"), "INBOX");
        assert_eq!(encode_mailbox("Cotización"), "Cotizaci&APM-n");
        assert_eq!(encode_mailbox("A&B"), "A&-B");
        assert_eq!(
            encode_mailbox("Mesa de ayuda/Procesados"),
            "Mesa de ayuda/Procesados"
        );
    }
}
