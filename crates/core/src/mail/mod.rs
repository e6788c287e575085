//! E-mail (issue 16), the store's side: intake exactly once ([`Store::ingest_mail`]: dedupe,
//! classification, threading, survey replies), the Bandeja de entrada ([`Store::inbox`],
//! [`Store::register_mail`], [`Store::discard_mail`]) and the case's mails. The outbox is
//! [`outbox`] (called by `tickets` and `agenda` inside their transactions); the DTOs are
//! [`types`]. Parsing, classifying and composing are `mesa_mail`'s; the network is not here:
//! a collector passes [`Incoming`] mails and sends what [`Store::pending_outbox`] returns.

pub mod oauth;
pub mod outbox;
pub mod triage;
pub mod types;

use crate::db::{params, Db, OptionalExt, Row};
use chrono::{DateTime, Utc};

use crate::calendar::BusinessCalendar;
use crate::clock::{from_db, to_db, to_rfc3339_local};
use crate::error::{CoreError, Result};
use crate::model::{LinkKind, NewTicket, TicketAction};
use crate::store::Store;
pub use types::*;

/// Who writes what intake writes (timeline, audit trail).
pub const MAIL_ACTOR: &str = "correo";
/// The department of a case registered from a stranger's mail until someone corrects it.
pub const UNKNOWN_DEPARTMENT: &str = "Por definir";

/// The sender's `Date:` header of a raw mail (an imported `.eml` has no server arrival time).
pub fn header_date(raw: &[u8]) -> Option<DateTime<Utc>> {
    mesa_mail::parse(raw).date_header
}

/// What a mail row says about its sender and its case.
struct MailRow {
    id: i64,
    received_at: String,
    from_address: String,
    from_name: String,
    subject: String,
    body: String,
    state: String,
}

fn mail_from_row(r: &Row<'_>) -> crate::error::Result<MailRow> {
    Ok(MailRow {
        id: r.get("id")?,
        received_at: r.get("received_at")?,
        from_address: r.get("from_address")?,
        from_name: r.get("from_name")?,
        subject: r.get("subject")?,
        body: r.get("body")?,
        state: r.get("state")?,
    })
}

const MAIL_COLUMNS: &str = "id, received_at, from_address, from_name, subject, body, state";

fn load_mail(conn: &Db, id: i64) -> Result<MailRow> {
    conn.query_row(
        &format!("SELECT {MAIL_COLUMNS} FROM mail_messages WHERE id = ?1"),
        [id],
        mail_from_row,
    )
    .optional()?
    .ok_or_else(|| {
        CoreError::validation(
            "correo",
            format!("no hay un correo con el número {id} en la Bandeja de entrada"),
        )
    })
}

fn addresses(list: &[mesa_mail::Address]) -> String {
    list.iter()
        .map(|a| a.address.to_lowercase())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The case's status, number, requester e-mail and whether its survey was answered.
struct CaseState {
    number: String,
    status: crate::model::TicketStatus,
    email: Option<String>,
    surveyed: bool,
}

fn case_state(conn: &Db, ticket_id: i64) -> Result<CaseState> {
    conn.query_row(
        "SELECT t.number, t.status, t.email,
                EXISTS (SELECT 1 FROM surveys s WHERE s.ticket_id = t.id) AS surveyed
         FROM tickets t WHERE t.id = ?1",
        [ticket_id],
        |r| {
            Ok(CaseState {
                number: r.get("number")?,
                status: r.get("status")?,
                email: r.get("email")?,
                surveyed: r.get("surveyed")?,
            })
        },
    )
}

/// Is `address` the case's requester or already on the case (sender or copied on its mails)?
fn on_case(conn: &Db, ticket_id: i64, address: &str) -> Result<bool> {
    let a = address.trim().to_lowercase();
    if a.is_empty() {
        return Ok(false);
    }
    let found: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM tickets WHERE id = ?1 AND lower(email) = ?2)
             OR EXISTS (SELECT 1 FROM mail_messages WHERE ticket_id = ?1 AND (from_address = ?2
                 OR (', ' || cc_addresses || ',') LIKE '%, ' || ?2 || ',%'
                 OR (', ' || to_addresses || ',') LIKE '%, ' || ?2 || ',%'))",
        params![ticket_id, a],
        |r| r.get(0),
    )?;
    Ok(found)
}

/// The case a reply belongs to: In-Reply-To / References matching our outgoing or stored
/// incoming Message-IDs first (newest first), then a `[MA-…]` token in the subject, only when
/// the sender is the requester or already on the case.
fn thread_case(conn: &Db, parsed: &mesa_mail::ParsedMail, from: &str) -> Result<Option<i64>> {
    let mut ids: Vec<&String> = parsed.in_reply_to.iter().collect();
    ids.extend(parsed.references.iter().rev());
    for id in ids {
        if let Some(t) = outbox::outgoing_case(conn, id)? {
            return Ok(Some(t));
        }
        let incoming: Option<i64> = conn
            .query_row(
                "SELECT ticket_id FROM mail_messages WHERE message_id = ?1 AND ticket_id IS NOT NULL
                 ORDER BY id DESC LIMIT 1",
                [id],
                |r| r.get("ticket_id"),
            )
            .optional()?;
        if incoming.is_some() {
            return Ok(incoming);
        }
    }
    for token in mesa_mail::case_tokens(&parsed.subject) {
        let id: Option<i64> = conn
            .query_row(
                "SELECT id FROM tickets WHERE number = ?1 COLLATE NOCASE",
                [&token],
                |r| r.get("id"),
            )
            .optional()?;
        if let Some(id) = id {
            if on_case(conn, id, from)? {
                return Ok(Some(id));
            }
        }
    }
    Ok(None)
}

/// Attaches the raw `.eml` and the mail's own attachments to the case (inside `tx`). Without a
/// data folder (a database in memory) nothing is attached.
#[allow(clippy::too_many_arguments)]
fn attach_mail(
    tx: &Db,
    data_dir: Option<&std::path::Path>,
    ticket_id: i64,
    mail_id: i64,
    raw: &[u8],
    parsed: &mesa_mail::ParsedMail,
    with_eml: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(dir) = data_dir else {
        return Ok(());
    };
    let eml = format!("correo-{mail_id}.eml");
    if with_eml {
        attach_or_note(tx, dir, ticket_id, mail_id, &eml, &eml, raw, now)?;
    }
    for (i, a) in parsed.attachments.iter().enumerate() {
        if a.bytes.is_empty() {
            continue;
        }
        let fallback = format!("correo-{mail_id}-adjunto-{}", i + 1);
        attach_or_note(
            tx, dir, ticket_id, mail_id, &a.name, &fallback, &a.bytes, now,
        )?;
    }
    Ok(())
}

/// Attaches one file of a mail. A file the store refuses (over the size limit of Ajustes, a
/// name it cannot use) must not make the mail fail on every fetch: it is left out, and the
/// timeline says so.
#[allow(clippy::too_many_arguments)]
fn attach_or_note(
    tx: &Db,
    dir: &std::path::Path,
    ticket_id: i64,
    mail_id: i64,
    name: &str,
    fallback: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<()> {
    match crate::attachments::attach_in(tx, dir, ticket_id, name, fallback, bytes, MAIL_ACTOR, now)
    {
        Err(CoreError::Validation { message, .. }) => crate::tickets::timeline::add_event(
            tx,
            ticket_id,
            &to_db(now),
            MAIL_ACTOR,
            "attachment_skipped",
            None,
            None,
            Some(name),
            Some(&format!(
                "Adjunto del correo {mail_id} no guardado: {message}"
            )),
        ),
        other => other,
    }
}

/// The raw bytes of a stored mail.
fn raw_of(conn: &Db, mail_id: i64) -> Result<Option<Vec<u8>>> {
    conn.query_row(
        "SELECT bytes FROM mail_raw WHERE mail_id = ?1",
        [mail_id],
        |r| r.get("bytes"),
    )
    .optional()
}

/// The earlier case of this sender, to prefill requester, dependencia, location and phone.
fn earlier_case(conn: &Db, email: &str) -> Result<Option<NewTicket>> {
    if email.trim().is_empty() {
        return Ok(None);
    }
    conn.query_row(
        "SELECT requester, department, location, phone FROM tickets
             WHERE email = ?1 COLLATE NOCASE ORDER BY id DESC LIMIT 1",
        [email.trim()],
        |r| {
            Ok(NewTicket {
                requester: r.get("requester")?,
                department: r.get("department")?,
                location: r.get("location")?,
                phone: r.get("phone")?,
                ..Default::default()
            })
        },
    )
    .optional()
}

/// Registers the stored mail `m` as a new case inside `tx`: requester matched by address,
/// description from the body, `received_at` = arrival, channel correo; the `.eml` and the
/// attachments attached; the acknowledgment queued. Returns (case id, number).
#[allow(clippy::too_many_arguments)]
fn register_in(
    tx: &Db,
    cal: &BusinessCalendar,
    data_dir: Option<&std::path::Path>,
    m: &MailRow,
    o: &RegisterOverrides,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(i64, String)> {
    let input = triage::draft_in(tx, m, o)?;
    let (tid, number) = crate::tickets::create_in(tx, cal, &input, actor, now)?;
    tx.execute(
        "UPDATE mail_messages SET state = 'registrado', ticket_id = ?2, decided_at = ?3,
            decided_by = ?4 WHERE id = ?1",
        params![m.id, tid, to_db(now), actor],
    )?;
    if let Some(raw) = raw_of(tx, m.id)? {
        let parsed = mesa_mail::parse(&raw);
        attach_mail(tx, data_dir, tid, m.id, &raw, &parsed, true, now)?;
    }
    outbox::case_registered(tx, tid, now)?;
    Ok((tid, number))
}

/// A stored mail before its case work: the row inserted by [`insert_mail`].
struct NewMail<'a> {
    inc: &'a Incoming,
    parsed: Option<&'a mesa_mail::ParsedMail>,
    hash: Option<String>,
    kind: &'a str,
    state: &'a str,
    note: Option<String>,
    size: i64,
}

fn insert_mail(tx: &Db, m: &NewMail<'_>, now: DateTime<Utc>) -> Result<i64> {
    let p = m.parsed;
    let from = p.and_then(|p| p.from.as_ref());
    let body = p.map(|p| p.text.clone()).unwrap_or_default();
    let id: i64 = tx.query_row(
        "INSERT INTO mail_messages(message_id, content_hash, account, uidvalidity, uid, received_at,
            imported, from_address, from_name, to_addresses, cc_addresses, subject, body,
            in_reply_to, references_ids, kind, state, note, attachments, size, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
            ?19, ?20, ?21) RETURNING id",
        params![
            p.and_then(|p| p.message_id.clone()),
            m.hash,
            m.inc.account,
            m.inc.uidvalidity,
            m.inc.uid,
            to_db(m.inc.received_at),
            m.inc.imported as i64,
            from.map(|a| a.address.to_lowercase()).unwrap_or_default(),
            from.and_then(|a| a.name.clone()).unwrap_or_default(),
            p.map(|p| addresses(&p.to)).unwrap_or_default(),
            p.map(|p| addresses(&p.cc)).unwrap_or_default(),
            p.map(|p| p.subject.clone()).unwrap_or_default(),
            body,
            p.and_then(|p| p.in_reply_to.first().cloned()),
            p.map(|p| p.references.join(" ")).unwrap_or_default(),
            m.kind,
            m.state,
            m.note,
            p.map(|p| p.attachments.iter().filter(|a| !a.inline).count() as i64)
                .unwrap_or(0),
            m.size,
            to_db(now),
        ], |r| r.get("id"))?;
    Ok(id)
}

/// Records where the collector stands in the mailbox (same transaction as the mail).
fn update_sync(tx: &Db, inc: &Incoming, now: DateTime<Utc>) -> Result<()> {
    if let (Some(account), Some(v), Some(uid)) = (&inc.account, inc.uidvalidity, inc.uid) {
        tx.execute(
            "INSERT INTO mail_sync(account, uidvalidity, last_uid, updated_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(account) DO UPDATE SET
                last_uid = CASE WHEN mail_sync.uidvalidity = excluded.uidvalidity
                                 AND mail_sync.last_uid > excluded.last_uid
                                THEN mail_sync.last_uid
                                ELSE excluded.last_uid END,
                uidvalidity = excluded.uidvalidity, updated_at = excluded.updated_at",
            params![account, v, uid, to_db(now)],
        )?;
    }
    Ok(())
}

/// The mail already stored for this delivery, if any.
fn already_stored(
    tx: &Db,
    inc: &Incoming,
    message_id: Option<&str>,
    hash: Option<&str>,
) -> Result<Option<i64>> {
    if let (Some(a), Some(v), Some(u)) = (&inc.account, inc.uidvalidity, inc.uid) {
        let found: Option<i64> = tx
            .query_row(
                "SELECT id FROM mail_messages WHERE account = ?1 AND uidvalidity = ?2 AND uid = ?3",
                params![a, v, u],
                |r| r.get("id"),
            )
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    let found: Option<i64> = match (message_id, hash) {
        (Some(mid), Some(h)) => tx
            .query_row(
                "SELECT id FROM mail_messages WHERE message_id = ?1 AND content_hash = ?2",
                params![mid, h],
                |r| r.get("id"),
            )
            .optional()?,
        (None, Some(h)) => tx
            .query_row(
                "SELECT id FROM mail_messages WHERE message_id IS NULL AND content_hash = ?1",
                [h],
                |r| r.get("id"),
            )
            .optional()?,
        // Too large: the same Message-ID already refused.
        (Some(mid), None) => tx
            .query_row(
                "SELECT id FROM mail_messages WHERE message_id = ?1 AND state = 'demasiado_grande'",
                [mid],
                |r| r.get("id"),
            )
            .optional()?,
        (None, None) => None,
    };
    Ok(found)
}

fn kind_str(k: mesa_mail::MailKind) -> &'static str {
    match k {
        mesa_mail::MailKind::Request => "request",
        mesa_mail::MailKind::AutoReply => "auto_reply",
        mesa_mail::MailKind::Bounce => "bounce",
        mesa_mail::MailKind::List => "list",
        mesa_mail::MailKind::Own => "own",
    }
}

/// A public follow-up on the case from the requester's mail (not the help desk's attention: the
/// response clock is not stopped), with the timeline entry.
fn follow_up_from_mail(
    tx: &Db,
    ticket_id: i64,
    sender: &str,
    text: &str,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    let text = if text.trim().is_empty() {
        "(respuesta por correo sin texto)".to_string()
    } else {
        text.chars()
            .take(crate::tickets::work::FOLLOW_UP_MAX_CHARS)
            .collect()
    };
    let actor = format!("{MAIL_ACTOR}: {sender}");
    tx.execute(
        "INSERT INTO ticket_followups(ticket_id, at, actor, visibility, body, minutes, contact)
         VALUES (?1, ?2, ?3, 'public', ?4, NULL, 0)",
        params![ticket_id, to_db(at.min(now)), actor, text],
    )?;
    Ok(())
}

impl Store {
    /// A mail saved as a file (`mesa mail import`, a file dropped on the window) through the
    /// mailbox's intake: an Outlook `.msg` converted first ([`mail_file_bytes`]); it has no
    /// server arrival time, so it arrives at its `Date:` header (now when that is missing or in
    /// the future).
    pub fn import_mail_file(
        &mut self,
        path: &std::path::Path,
        now: DateTime<Utc>,
    ) -> Result<IngestOutcome> {
        let name = crate::files::shown(path);
        let refuse = |why: &str| CoreError::validation("archivo", format!("«{name}» {why}"));
        let raw = std::fs::read(path).map_err(|e| {
            refuse(&format!(
                "no se pudo leer: {}",
                crate::attachments::io_reason(&e)
            ))
        })?;
        if raw.is_empty() {
            return Err(refuse("está vacío (0 bytes); no se importó"));
        }
        let named_msg = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("msg"));
        if named_msg && !mesa_mail::is_msg(&raw) {
            return Err(refuse(
                "no es un mensaje de Outlook (.msg) válido; guárdelo de nuevo desde Outlook",
            ));
        }
        let raw = mail_file_bytes(raw)?;
        if !looks_like_mail(&raw) {
            return Err(refuse(
                "no parece un correo guardado: no empieza con encabezados como From:, \
                 Subject: o Date:; no se importó",
            ));
        }
        let received_at = header_date(&raw).filter(|d| *d <= now).unwrap_or(now);
        self.ingest_mail(
            &Incoming {
                account: None,
                uidvalidity: None,
                uid: None,
                received_at,
                body: MailBody::Full(raw),
                imported: true,
            },
            now,
        )
    }

    /// Stores one incoming mail exactly once and acts on it, in one write transaction:
    /// dedupe (UIDVALIDITY/UID, then Message-ID + content hash: a mail stored but not yet moved
    /// on the server is [`IngestOutcome::AlreadyStored`], so the collector just moves it);
    /// auto-replies, bounces, list mail and our own notifications stored as `ignorado`; replies
    /// threaded to their case (follow-up, survey answer, or a new linked case when the case is
    /// closed); anything else a `nuevo` entry of the Bandeja, or a case at once when the account
    /// registers automatically. The mailbox's sync state is updated in the same transaction.
    pub fn ingest_mail(&mut self, inc: &Incoming, now: DateTime<Utc>) -> Result<IngestOutcome> {
        self.authorize(crate::people::Permission::CaseRegister)?;
        let cal = self.calendar.clone();
        let data_dir = self.data_dir();
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, MAIL_ACTOR, now)?;
        let out = ingest_in(&tx, &cal, data_dir.as_deref(), inc, now)?;
        tx.commit()?;
        Ok(out)
    }

    /// Where the collector stands in the mailbox `account`: (UIDVALIDITY, last UID stored).
    pub fn mailbox_state(&self, account: &str) -> Result<Option<(u32, u32)>> {
        self.conn
            .query_row(
                "SELECT uidvalidity, last_uid FROM mail_sync WHERE account = ?1",
                [account],
                |r| Ok((r.get("uidvalidity")?, r.get("last_uid")?)),
            )
            .optional()
    }

    /// Records that mail `id` was moved on the server to the processed folder.
    pub fn mark_mail_moved(&mut self, id: i64, now: DateTime<Utc>) -> Result<()> {
        self.authorize(crate::people::Permission::CaseRegister)?;
        self.write(MAIL_ACTOR, now, |tx| {
            tx.execute(
                "UPDATE mail_messages SET moved_at = ?2 WHERE id = ?1 AND moved_at IS NULL",
                params![id, to_db(now)],
            )?;
            Ok(())
        })
    }

    /// The Bandeja de entrada, newest first: what awaits triage (nuevo, revisar_respuesta,
    /// demasiado_grande), or every stored mail with `all`.
    pub fn inbox(&self, all: bool) -> Result<Vec<InboxEntry>> {
        let filter = if all {
            ""
        } else {
            "WHERE m.state IN ('nuevo', 'revisar_respuesta', 'demasiado_grande')"
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT m.id, m.from_address, m.from_name, m.subject, m.received_at, m.attachments,
                    m.state, m.kind, m.message_id, t.number, m.note, m.discard_reason, m.imported,
                    m.size
             FROM mail_messages m LEFT JOIN tickets t ON t.id = m.ticket_id
             {filter} ORDER BY m.received_at DESC, m.id DESC"
        ))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(InboxEntry {
                    id: r.get("id")?,
                    from: r.get("from_address")?,
                    from_name: r.get("from_name")?,
                    subject: r.get("subject")?,
                    received_at: r.get("received_at")?,
                    attachments: r.get("attachments")?,
                    state: r.get("state")?,
                    kind: r.get("kind")?,
                    message_id: r.get("message_id")?,
                    number: r.get("number")?,
                    note: r.get("note")?,
                    discard_reason: r.get("discard_reason")?,
                    imported: r.get::<_, i64>("imported")? == 1,
                    size: r.get("size")?,
                })
            })?
            .collect::<crate::error::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|mut e| {
                e.received_at = to_rfc3339_local(from_db(&e.received_at)?);
                Ok(e)
            })
            .collect()
    }

    /// The body of a stored mail (the Bandeja's preview).
    pub fn mail_text(&self, id: i64) -> Result<String> {
        Ok(load_mail(&self.conn, id)?.body)
    }

    /// Registers mail `id` of the Bandeja as a new case (see `register_in`); returns the
    /// case number. Only a `nuevo` mail (or one to review) can be registered.
    pub fn register_mail(
        &mut self,
        id: i64,
        overrides: &RegisterOverrides,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<String> {
        self.authorize(crate::people::Permission::CaseRegister)?;
        let cal = self.calendar.clone();
        let data_dir = self.data_dir();
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        let m = load_mail(&tx, id)?;
        if !["nuevo", "revisar_respuesta", "descartado"].contains(&m.state.as_str()) {
            return Err(CoreError::validation(
                "correo",
                format!(
                    "el correo {id} está «{}»; solo se registra un correo nuevo de la Bandeja",
                    state_label(&m.state)
                ),
            ));
        }
        let (_, number) = register_in(&tx, &cal, data_dir.as_deref(), &m, overrides, actor, now)?;
        tx.commit()?;
        Ok(number)
    }

    /// Discards mail `id` with a reason: it stays stored, marked `descartado`.
    pub fn discard_mail(
        &mut self,
        id: i64,
        reason: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.authorize(crate::people::Permission::CaseRegister)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(CoreError::validation(
                "motivo",
                "escriba por qué se descarta el correo",
            ));
        }
        self.write(actor, now, |tx| {
            let m = load_mail(tx, id)?;
            if !["nuevo", "revisar_respuesta", "demasiado_grande"].contains(&m.state.as_str()) {
                return Err(CoreError::validation(
                    "correo",
                    format!(
                        "el correo {id} está «{}»; solo se descarta un correo pendiente de la Bandeja",
                        state_label(&m.state)
                    ),
                ));
            }
            tx.execute(
                "UPDATE mail_messages SET state = 'descartado', discard_reason = ?2,
                    decided_at = ?3, decided_by = ?4 WHERE id = ?1",
                params![id, reason, to_db(now), actor],
            )?;
            Ok(())
        })
    }

    /// The mails of a case, in and out, oldest first, with their Message-IDs.
    pub fn case_mails(&self, number: &str) -> Result<Vec<CaseMail>> {
        let id: i64 = self
            .conn
            .query_row(
                "SELECT id FROM tickets WHERE number = ?1 COLLATE NOCASE",
                [number.trim()],
                |r| r.get("id"),
            )
            .optional()?
            .ok_or_else(|| CoreError::TicketNotFound(number.trim().to_string()))?;
        outbox::case_mails_of(&self.conn, id)
    }
}

/// The rule of [`Store::ingest_mail`] inside the caller's transaction.
fn ingest_in(
    tx: &Db,
    cal: &BusinessCalendar,
    data_dir: Option<&std::path::Path>,
    inc: &Incoming,
    now: DateTime<Utc>,
) -> Result<IngestOutcome> {
    let account = outbox::account_in(tx)?;
    let (raw, too_large) = match &inc.body {
        MailBody::Full(raw) => (Some(raw.as_slice()), None),
        MailBody::TooLarge { size, headers } => (headers.as_deref(), Some(*size)),
    };
    let parsed = raw.map(mesa_mail::parse);
    let hash = match (&inc.body, raw) {
        (MailBody::Full(_), Some(r)) => Some(mesa_mail::content_hash(r)),
        _ => None,
    };
    let message_id = parsed.as_ref().and_then(|p| p.message_id.clone());
    if let Some(id) = already_stored(tx, inc, message_id.as_deref(), hash.as_deref())? {
        update_sync(tx, inc, now)?;
        return Ok(IngestOutcome::AlreadyStored { mail_id: id });
    }
    update_sync(tx, inc, now)?;
    if let Some(size) = too_large {
        let limit = account.as_ref().map(|a| a.max_mb).unwrap_or(25);
        let id = insert_mail(
            tx,
            &NewMail {
                inc,
                parsed: parsed.as_ref(),
                hash: None,
                kind: "request",
                state: "demasiado_grande",
                note: Some(format!(
                    "El correo pesa {} y supera el límite de {limit} MB: no se descargó. \
                     Pida al remitente que lo envíe en partes o como enlace.",
                    crate::attachments::size_text(size as i64)
                )),
                size: size as i64,
            },
            now,
        )?;
        return Ok(IngestOutcome::TooLarge { mail_id: id });
    }
    let (Some(raw), Some(parsed)) = (raw, parsed.as_ref()) else {
        return Err(CoreError::validation(
            "correo",
            "el correo llegó sin contenido",
        ));
    };
    let own: Vec<String> = account.iter().map(|a| a.address.to_lowercase()).collect();
    let kind = kind_str(mesa_mail::classify(parsed, &own));
    let from = parsed
        .from
        .as_ref()
        .map(|a| a.address.to_lowercase())
        .unwrap_or_default();
    let mut new = NewMail {
        inc,
        parsed: Some(parsed),
        hash,
        kind,
        state: "nuevo",
        note: None,
        size: raw.len() as i64,
    };
    let store_raw = |tx: &Db, id: i64| store_raw_in(tx, id, raw);
    if kind != "request" {
        new.state = "ignorado";
        new.note = Some(format!("{}: no crea casos", kind_label(kind)));
        let id = insert_mail(tx, &new, now)?;
        store_raw(tx, id)?;
        return Ok(IngestOutcome::Ignored {
            mail_id: id,
            kind: kind.to_string(),
        });
    }
    if let Some(tid) = thread_case(tx, parsed, &from)? {
        let case = case_state(tx, tid)?;
        let reply = mesa_mail::reply_text(&parsed.text);
        use crate::model::TicketStatus as S;
        match case.status {
            S::Closed | S::Cancelled => {
                // A new case linked to the old one, with the old case's requester data.
                new.state = "registrado";
                new.note = Some(format!("respuesta al caso cerrado {}", case.number));
                let id = insert_mail(tx, &new, now)?;
                store_raw(tx, id)?;
                let m = load_mail(tx, id)?;
                let (_, number) = register_in(
                    tx,
                    cal,
                    data_dir,
                    &m,
                    &RegisterOverrides {
                        description: Some(format!(
                            "Respuesta al caso {}: {}\n\n{}",
                            case.number,
                            parsed.subject.trim(),
                            reply.trim()
                        )),
                        ..Default::default()
                    },
                    MAIL_ACTOR,
                    now,
                )?;
                crate::tickets::links::link_in(
                    tx,
                    cal,
                    &number,
                    LinkKind::Related,
                    &case.number,
                    MAIL_ACTOR,
                    now,
                )?;
                return Ok(IngestOutcome::Reopened {
                    mail_id: id,
                    number,
                    previous: case.number,
                });
            }
            S::Resolved if !case.surveyed => {
                let requester = case
                    .email
                    .as_deref()
                    .is_some_and(|e| e.trim().eq_ignore_ascii_case(&from));
                let questions: i64 =
                    tx.query_row("SELECT count(*) FROM survey_questions", [], |r| r.get(0))?;
                let answer = mesa_mail::parse_survey_reply(&reply, questions as usize, 1..=5);
                let scores: Option<Vec<i64>> =
                    answer.answers.iter().map(|a| a.map(i64::from)).collect();
                let complete = match (answer.complete, scores, requester) {
                    (true, Some(scores), true) => Some((scores, answer.comment.clone())),
                    _ => None,
                };
                if let Some((scores, comment)) = complete {
                    new.state = "seguimiento";
                    new.note = Some("encuesta respondida por correo".into());
                    let id = insert_mail(tx, &new, now)?;
                    store_raw(tx, id)?;
                    link_mail(tx, id, tid, now)?;
                    crate::tickets::apply_in(
                        tx,
                        cal,
                        &case.number,
                        &TicketAction::Survey { scores, comment },
                        MAIL_ACTOR,
                        now,
                    )?;
                    return Ok(IngestOutcome::SurveyRecorded {
                        mail_id: id,
                        number: case.number,
                    });
                }
                new.state = "revisar_respuesta";
                new.note = Some(if requester {
                    "respuesta de encuesta incompleta o ambigua: revísela y registre la encuesta"
                        .into()
                } else {
                    "respuesta al caso solucionado de alguien que no es el solicitante".into()
                });
                let id = insert_mail(tx, &new, now)?;
                store_raw(tx, id)?;
                link_mail(tx, id, tid, now)?;
                return Ok(IngestOutcome::SurveyToReview {
                    mail_id: id,
                    number: case.number,
                });
            }
            S::Resolved => {
                // Surveyed already: a late reply waits for review.
                new.state = "revisar_respuesta";
                new.note = Some(format!(
                    "respuesta al caso {} ya solucionado y con encuesta",
                    case.number
                ));
                let id = insert_mail(tx, &new, now)?;
                store_raw(tx, id)?;
                link_mail(tx, id, tid, now)?;
                return Ok(IngestOutcome::SurveyToReview {
                    mail_id: id,
                    number: case.number,
                });
            }
            _ => {
                new.state = "seguimiento";
                let id = insert_mail(tx, &new, now)?;
                store_raw(tx, id)?;
                link_mail(tx, id, tid, now)?;
                let sender = if parsed.from.as_ref().and_then(|a| a.name.clone()).is_some() {
                    format!(
                        "{} <{from}>",
                        parsed
                            .from
                            .as_ref()
                            .and_then(|a| a.name.clone())
                            .unwrap_or_default()
                    )
                } else {
                    from.clone()
                };
                follow_up_from_mail(tx, tid, &sender, &reply, inc.received_at, now)?;
                attach_mail(tx, data_dir, tid, id, raw, parsed, false, now)?;
                return Ok(IngestOutcome::FollowUp {
                    mail_id: id,
                    number: case.number,
                });
            }
        }
    }
    let id = insert_mail(tx, &new, now)?;
    store_raw(tx, id)?;
    if account.as_ref().is_some_and(|a| a.auto_register) {
        let m = load_mail(tx, id)?;
        let (_, number) = register_in(
            tx,
            cal,
            data_dir,
            &m,
            &RegisterOverrides::default(),
            MAIL_ACTOR,
            now,
        )?;
        return Ok(IngestOutcome::Registered {
            mail_id: id,
            number,
        });
    }
    Ok(IngestOutcome::New { mail_id: id })
}

/// Piece size for writing a raw mail into SQLite (incremental blob I/O).
const RAW_CHUNK: usize = 1024 * 1024;

/// Stores the raw bytes of mail `id`, once. On SQLite the row is made with a `zeroblob` of the
/// right size and the bytes are written into it in 1 MB pieces (incremental blob I/O): a bound
/// blob would be copied whole by SQLite, and copied again into the row's record, i.e. a 35 MB
/// mail (a 25 MB attachment, base64) twice more in memory.
fn store_raw_in(tx: &Db, id: i64, raw: &[u8]) -> Result<()> {
    match tx.engine() {
        crate::db::Engine::Sqlite => {
            let conn = tx.sqlite_native()?;
            conn.execute(
                "INSERT INTO mail_raw(mail_id, bytes) VALUES (?1, zeroblob(?2))",
                rusqlite::params![id, raw.len() as i64],
            )?;
            let mut blob = conn.blob_open(rusqlite::MAIN_DB, "mail_raw", "bytes", id, false)?;
            for (i, chunk) in raw.chunks(RAW_CHUNK).enumerate() {
                blob.write_at(chunk, i * RAW_CHUNK)?;
            }
            Ok(())
        }
        // pg: `bytea` bound as one parameter (the driver sends it from the slice); no
        // incremental I/O on PostgreSQL short of large objects, which backups would not carry.
        crate::db::Engine::Postgres => {
            tx.execute(
                "INSERT INTO mail_raw(mail_id, bytes) VALUES (?1, ?2)",
                params![id, raw],
            )?;
            Ok(())
        }
    }
}

/// Links a stored mail to its case, with a timeline entry (sender and subject).
fn link_mail(tx: &Db, mail_id: i64, ticket_id: i64, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "UPDATE mail_messages SET ticket_id = ?2 WHERE id = ?1",
        params![mail_id, ticket_id],
    )?;
    let m = load_mail(tx, mail_id)?;
    crate::tickets::timeline::add_event(
        tx,
        ticket_id,
        &to_db(now),
        MAIL_ACTOR,
        "mail_received",
        None,
        None,
        Some(&m.from_address),
        Some(&format!("Correo recibido: {}", m.subject)),
    )
}

/// Whether `raw` starts like an RFC 5322 message: header lines (`Name: value`, or a folded
/// continuation) up to the first blank line, among them at least one a saved mail has (From,
/// Subject, Date, Message-ID, To, Received). A text file or a document renamed `.eml` does not.
pub fn looks_like_mail(raw: &[u8]) -> bool {
    const KNOWN: [&str; 6] = ["from", "subject", "date", "message-id", "to", "received"];
    let head = &raw[..raw.len().min(64 * 1024)];
    let text = String::from_utf8_lossy(head);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut known = false;
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() {
            break;
        }
        // An mbox separator («From alguien@… Mon Dec  1 …») that some programs keep.
        if i == 0 && line.starts_with("From ") {
            continue;
        }
        if line.starts_with([' ', '\t']) && i > 0 {
            continue;
        }
        let Some((field, _)) = line.split_once(':') else {
            return false;
        };
        if field.is_empty() || !field.bytes().all(|b| (33..=126).contains(&b)) {
            return false;
        }
        known |= KNOWN.iter().any(|k| field.eq_ignore_ascii_case(k));
    }
    known
}

/// Whether a file dropped on the window is a saved mail the intake takes (by its extension:
/// `.eml`, or Outlook's `.msg`); other dropped files are left alone.
pub fn is_mail_file(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("eml") || e.eq_ignore_ascii_case("msg"))
}

/// The bytes of a dropped or imported mail file for intake: an Outlook `.msg` converted to
/// RFC 5322 (`mesa_mail::msg_to_eml`), anything else (an `.eml`) as is. A damaged `.msg` is
/// `mail_msg`, in Spanish.
pub fn mail_file_bytes(raw: Vec<u8>) -> Result<Vec<u8>> {
    if mesa_mail::is_msg(&raw) {
        mesa_mail::msg_to_eml(&raw).map_err(|e| CoreError::mail("mail_msg", e.to_string()))
    } else {
        Ok(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::looks_like_mail;

    #[test]
    fn a_saved_mail_is_told_from_other_files() {
        for ok in [
            &b"Subject: sin remitente\r\n\r\ncuerpo"[..],
            b"\xef\xbb\xbfFrom: Ana <ana@x.co>\nTo: b@x.co\n\nhola",
            b"From ana@x.co Tue Dec  1 08:00:00 2026\nReceived: from x\n\tby y\nDate: x\n\n",
            b"X-Mailer: Outlook\r\nMessage-ID: <a@b>\r\n\r\n",
        ] {
            assert!(looks_like_mail(ok), "{}", String::from_utf8_lossy(ok));
        }
        for bad in [
            &b"hola, esto no es un correo\n"[..],
            b"",
            b"%PDF-1.4\n%\xe2\xe3\n",
            b"X-Nada: 1\n\ncuerpo",
            b"Nombre del campo: valor\n\n",
            b"\x00\x01\x02:",
        ] {
            assert!(!looks_like_mail(bad), "{}", String::from_utf8_lossy(bad));
        }
    }
}
