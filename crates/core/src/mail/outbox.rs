//! The outbox: notifications composed inside the transaction of the event that causes them
//! (registration, resolution, visit, public follow-up, automatic close, reopening), only when a
//! mail account is configured, and sent later by the SMTP side ([`Store::pending_outbox`],
//! [`Store::mark_sent`], [`Store::mark_failed`]). Knows nothing of `tickets` (which calls it):
//! it reads the few case columns it needs itself.

use crate::db::{params, Db, OptionalExt, Row};
use chrono::{DateTime, Duration, Utc};

use super::types::{CaseMail, MailAccount, MailTemplate, OutboxEntry, OutgoingMail};
use crate::clock::{from_db, to_db, to_local, to_rfc3339_local};
use crate::error::{CoreError, Result};
use crate::store::{get_setting, get_setting_i64, Store};

/// Most attempts before a message stays failed for good (the user can retry it).
pub const MAX_ATTEMPTS: i64 = 8;
/// At most one acknowledgment per sender in this many minutes.
pub const ACK_WINDOW_MINUTES: i64 = 60;

/// The kinds of notification (template keys).
pub const KINDS: [&str; 6] = [
    "acuse",
    "visita",
    "seguimiento",
    "resuelto",
    "cierre_automatico",
    "reabierto",
];

const ACCOUNT_COLUMNS: &str = "address, display_name, imap_host, imap_port, smtp_host, smtp_port, \
    security, auth, username, folder, processed_folder, poll_minutes, max_mb, auto_register, enabled";

pub(crate) fn account_from_row(r: &Row<'_>) -> crate::error::Result<MailAccount> {
    Ok(MailAccount {
        address: r.get("address")?,
        display_name: r.get("display_name")?,
        imap_host: r.get("imap_host")?,
        imap_port: r.get("imap_port")?,
        smtp_host: r.get("smtp_host")?,
        smtp_port: r.get("smtp_port")?,
        security: r.get("security")?,
        auth: r.get("auth")?,
        username: r.get("username")?,
        folder: r.get("folder")?,
        processed_folder: r.get("processed_folder")?,
        poll_minutes: r.get("poll_minutes")?,
        max_mb: r.get("max_mb")?,
        auto_register: r.get::<_, i64>("auto_register")? == 1,
        enabled: r.get::<_, i64>("enabled")? == 1,
    })
}

/// The configured account (enabled or not).
pub(crate) fn account_in(conn: &Db) -> Result<Option<MailAccount>> {
    conn.query_row(
        &format!("SELECT {ACCOUNT_COLUMNS} FROM mail_account WHERE id = 1"),
        [],
        account_from_row,
    )
    .optional()
}

/// The account when mail is on (configured and enabled).
fn active_account(conn: &Db) -> Result<Option<MailAccount>> {
    Ok(account_in(conn)?.filter(|a| a.enabled))
}

fn template(conn: &Db, kind: &str) -> Result<Option<MailTemplate>> {
    conn.query_row(
        "SELECT kind, subject, body, enabled FROM mail_templates WHERE kind = ?1",
        [kind],
        |r| {
            Ok(MailTemplate {
                kind: r.get("kind")?,
                subject: r.get("subject")?,
                body: r.get("body")?,
                enabled: r.get::<_, i64>("enabled")? == 1,
            })
        },
    )
    .optional()
}

/// dd/mm/aaaa hh:mm in Bogota time.
pub(crate) fn date_time_text(t: DateTime<Utc>) -> String {
    to_local(t).format("%d/%m/%Y %H:%M").to_string()
}

fn db_time_text(s: Option<&str>) -> String {
    s.and_then(|s| from_db(s).ok())
        .map(date_time_text)
        .unwrap_or_else(|| "sin definir".into())
}

/// The case columns a notification needs.
struct CaseInfo {
    number: String,
    requester: String,
    email: Option<String>,
    received_at: Option<String>,
    response_due_at: Option<String>,
    solution: Option<String>,
    assignee: Option<String>,
    description: String,
}

fn case_info(conn: &Db, ticket_id: i64) -> Result<CaseInfo> {
    conn.query_row(
        "SELECT number, requester, email, received_at, response_due_at, solution, assignee,
                description FROM tickets WHERE id = ?1",
        [ticket_id],
        |r| {
            Ok(CaseInfo {
                number: r.get("number")?,
                requester: r.get("requester")?,
                email: r.get("email")?,
                received_at: r.get("received_at")?,
                response_due_at: r.get("response_due_at")?,
                solution: r.get("solution")?,
                assignee: r.get("assignee")?,
                description: r.get("description")?,
            })
        },
    )
}

/// Replaces `{name}` placeholders; unknown ones stay as written.
pub fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// The Message-IDs of the case's thread (incoming and outgoing), oldest first.
fn thread_ids(conn: &Db, ticket_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT message_id, at FROM (
            SELECT message_id, received_at AS at, id FROM mail_messages
             WHERE ticket_id = ?1 AND message_id IS NOT NULL
            UNION ALL
            SELECT message_id, created_at AS at, id FROM mail_outbox WHERE ticket_id = ?1) AS thread
         ORDER BY at, id",
    )?;
    let ids = stmt
        .query_map([ticket_id], |r| r.get::<_, String>("message_id"))?
        .collect::<crate::error::Result<Vec<_>>>()?;
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// The latest incoming Message-ID of the case (what a reply answers).
fn last_incoming(conn: &Db, ticket_id: i64) -> Result<Option<String>> {
    conn.query_row(
        "SELECT message_id FROM mail_messages WHERE ticket_id = ?1 AND message_id IS NOT NULL
             ORDER BY received_at DESC, id DESC LIMIT 1",
        [ticket_id],
        |r| r.get("message_id"),
    )
    .optional()
}

/// An address that must never get a notification: no-reply addresses and senders whose mails
/// to us were only auto-replies or bounces.
fn must_not_mail(conn: &Db, address: &str) -> Result<bool> {
    if mesa_mail::is_no_reply(address) {
        return Ok(true);
    }
    let automatic: i64 = conn.query_row(
        "SELECT count(*) FROM mail_messages WHERE from_address = ?1 COLLATE NOCASE
           AND kind IN ('auto_reply', 'bounce', 'list', 'own')
           AND NOT EXISTS (SELECT 1 FROM mail_messages m2 WHERE m2.from_address = ?1 COLLATE NOCASE
                           AND m2.kind = 'request')",
        [address],
        |r| r.get(0),
    )?;
    Ok(automatic > 0)
}

/// A file attached to a notification.
pub(crate) struct Extra {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Composes and queues one notification of `kind` about the case `ticket_id` (inside the
/// caller's transaction). Returns the outbox id, or `None` when nothing is sent (mail off,
/// template off, no address, a no-reply address, the hourly acknowledgment limit).
fn enqueue(
    tx: &Db,
    ticket_id: i64,
    kind: &str,
    extra_values: Vec<(&str, String)>,
    attachment: Option<Extra>,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let Some(account) = active_account(tx)? else {
        return Ok(None);
    };
    let Some(tpl) = template(tx, kind)?.filter(|t| t.enabled) else {
        return Ok(None);
    };
    let case = case_info(tx, ticket_id)?;
    let Some(to) = case.email.clone().filter(|e| !e.trim().is_empty()) else {
        return Ok(None);
    };
    if must_not_mail(tx, &to)? {
        return Ok(None);
    }
    if kind == "acuse" {
        let recent: i64 = tx.query_row(
            "SELECT count(*) FROM mail_outbox WHERE kind = 'acuse' AND to_address = ?1 COLLATE NOCASE
               AND created_at > ?2",
            params![to, to_db(now - Duration::minutes(ACK_WINDOW_MINUTES))],
            |r| r.get(0),
        )?;
        if recent > 0 {
            return Ok(None);
        }
    }
    let questions: Vec<String> = tx
        .prepare_cached("SELECT text FROM survey_questions ORDER BY position")?
        .query_map([], |r| r.get("text"))?
        .collect::<crate::error::Result<_>>()?;
    let questions = questions
        .iter()
        .enumerate()
        .map(|(i, q)| format!("{}. {q}: __", i + 1))
        .collect::<Vec<_>>()
        .join("\n");
    let subject_line = tx
        .query_row(
            "SELECT subject FROM mail_messages WHERE ticket_id = ?1 AND subject <> ''
             ORDER BY received_at, id LIMIT 1",
            [ticket_id],
            |r| r.get::<_, String>("subject"),
        )
        .optional()?
        .unwrap_or_else(|| case.description.lines().next().unwrap_or("").to_string());
    let mut values: Vec<(&str, String)> = vec![
        ("numero", case.number.clone()),
        ("solicitante", case.requester.clone()),
        ("fecha", db_time_text(case.received_at.as_deref())),
        (
            "meta_respuesta",
            db_time_text(case.response_due_at.as_deref()),
        ),
        ("solucion", case.solution.clone().unwrap_or_default()),
        (
            "tecnico",
            case.assignee
                .clone()
                .unwrap_or_else(|| "la Mesa de Ayuda TI".into()),
        ),
        ("preguntas", questions),
        (
            "dias_encuesta",
            get_setting_i64(tx, "survey_business_days", 2)?.to_string(),
        ),
        (
            "entidad",
            get_setting(tx, "entity_name")?.unwrap_or_default(),
        ),
        ("asunto", subject_line),
    ];
    values.extend(extra_values);
    let subject = fill(&tpl.subject, &values);
    let body = fill(&tpl.body, &values);
    let references = thread_ids(tx, ticket_id)?;
    let in_reply_to = last_incoming(tx, ticket_id)?.or_else(|| references.last().cloned());
    let composed = compose_message(
        &account,
        &to,
        &case.requester,
        &subject,
        &body,
        &case.number,
        in_reply_to,
        references,
        kind == "acuse",
        attachment,
        now,
    );
    let at = to_db(now);
    // A notice that cannot be built (an address the mail library refuses) never blocks the
    // event that caused it: the case's timeline says it was not queued, and why.
    let (message_id, raw) = match composed {
        Ok(v) => v,
        Err(e) => {
            crate::tickets::timeline::add_event(
                tx,
                ticket_id,
                &at,
                "sistema",
                "mail_not_queued",
                None,
                None,
                Some(&to),
                Some(&format!("No se preparó el correo «{subject}»: {e}")),
            )?;
            return Ok(None);
        }
    };
    let id: i64 = tx.query_row(
        "INSERT INTO mail_outbox(ticket_id, kind, to_address, subject, message_id, created_at,
            next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING id",
        params![ticket_id, kind, to, subject, message_id, at],
        |r| r.get("id"),
    )?;
    tx.execute(
        "INSERT INTO mail_outbox_raw(outbox_id, bytes) VALUES (?1, ?2)",
        params![id, raw],
    )?;
    crate::tickets::timeline::add_event(
        tx,
        ticket_id,
        &at,
        "sistema",
        "mail_queued",
        None,
        None,
        Some(&to),
        Some(&format!("Correo en cola: {subject}")),
    )?;
    Ok(Some(id))
}

/// Builds the message with `mesa_mail::compose`: our Message-ID, the thread's References, the
/// case token in the subject, `Auto-Submitted: auto-replied` for acknowledgments.
#[allow(clippy::too_many_arguments)]
fn compose_message(
    account: &MailAccount,
    to: &str,
    to_name: &str,
    subject: &str,
    body: &str,
    number: &str,
    in_reply_to: Option<String>,
    references: Vec<String>,
    auto_reply: bool,
    attachment: Option<Extra>,
    now: DateTime<Utc>,
) -> Result<(String, Vec<u8>)> {
    let out = mesa_mail::Outgoing {
        from: mesa_mail::Address {
            name: Some(account.display_name.clone()),
            address: account.address.clone(),
        },
        to: vec![mesa_mail::Address {
            name: Some(to_name.to_string()),
            address: to.to_string(),
        }],
        cc: vec![],
        reply_to: None,
        subject: subject.to_string(),
        text: body.to_string(),
        case_number: Some(number.to_string()),
        in_reply_to,
        references,
        auto_submitted: auto_reply,
        attachments: attachment
            .map(|a| {
                vec![mesa_mail::OutgoingAttachment {
                    name: a.name,
                    content_type: a.content_type,
                    bytes: a.bytes,
                }]
            })
            .unwrap_or_default(),
        date: now,
    };
    mesa_mail::compose(&out).map_err(|e| CoreError::validation("correo", e.to_string()))
}

/// A case was registered: the acknowledgment with its number and response target.
pub(crate) fn case_registered(tx: &Db, ticket_id: i64, now: DateTime<Utc>) -> Result<()> {
    enqueue(tx, ticket_id, "acuse", vec![], None, now)?;
    Ok(())
}

/// A case was resolved: the notice with the solution and the survey questions. Returns true
/// when the notice was queued: the survey window then starts when the SMTP server accepts it.
pub(crate) fn case_resolved(tx: &Db, ticket_id: i64, now: DateTime<Utc>) -> Result<bool> {
    Ok(enqueue(tx, ticket_id, "resuelto", vec![], None, now)?.is_some())
}

/// A public follow-up written by the help desk.
pub(crate) fn follow_up(tx: &Db, ticket_id: i64, text: &str, now: DateTime<Utc>) -> Result<()> {
    enqueue(
        tx,
        ticket_id,
        "seguimiento",
        vec![("seguimiento", text.to_string())],
        None,
        now,
    )?;
    Ok(())
}

/// The case was closed for lack of survey answer.
pub(crate) fn case_autoclosed(tx: &Db, ticket_id: i64, now: DateTime<Utc>) -> Result<()> {
    enqueue(tx, ticket_id, "cierre_automatico", vec![], None, now)?;
    Ok(())
}

/// The requester rejected the solution: the case was reopened.
pub(crate) fn case_reopened(
    tx: &Db,
    ticket_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    enqueue(
        tx,
        ticket_id,
        "reabierto",
        vec![("motivo", reason.to_string())],
        None,
        now,
    )?;
    Ok(())
}

/// A visit was scheduled or rescheduled: the notice with the `.ics`.
pub(crate) fn visit(
    tx: &Db,
    ticket_id: i64,
    starts_at: DateTime<Utc>,
    place: Option<&str>,
    ics: String,
    now: DateTime<Utc>,
) -> Result<()> {
    enqueue(
        tx,
        ticket_id,
        "visita",
        vec![
            ("fecha_visita", date_time_text(starts_at)),
            ("lugar", place.unwrap_or("por confirmar").to_string()),
        ],
        Some(Extra {
            name: "visita.ics".into(),
            content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
            bytes: ics.into_bytes(),
        }),
        now,
    )?;
    Ok(())
}

/// The case's survey was recorded (by hand or by reply): its survey replies waiting for review
/// leave the Bandeja.
pub(crate) fn survey_recorded(tx: &Db, ticket_id: i64) -> Result<()> {
    tx.execute(
        "UPDATE mail_messages SET state = 'seguimiento',
            note = coalesce(note || '; ', '') || 'encuesta registrada'
         WHERE ticket_id = ?1 AND state = 'revisar_respuesta'",
        [ticket_id],
    )?;
    Ok(())
}

/// `1,2,3` for `IN (…)`; `NULL` (matches nothing) for no ids: `IN ()` is SQLite-only.
fn id_list(ids: &[i64]) -> String {
    if ids.is_empty() {
        return "NULL".into();
    }
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// Ley 1581 export: the person's mails (those of the cases `ticket_ids` and those sent from or
/// to `emails`), in and out, with their text.
pub(crate) fn person_mails(
    conn: &Db,
    ticket_ids: &[i64],
    emails: &[String],
) -> Result<Vec<serde_json::Value>> {
    let ids = id_list(ticket_ids);
    let emails: Vec<String> = emails.iter().map(|e| e.trim().to_lowercase()).collect();
    let list = serde_json::to_string(&emails)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT 'entrada' AS direction, t.number, m.received_at AS at, m.from_address AS address,
                m.subject, m.message_id, m.state, m.body
           FROM mail_messages m LEFT JOIN tickets t ON t.id = m.ticket_id
          WHERE m.ticket_id IN ({ids}) OR lower(m.from_address) IN (SELECT value FROM json_each(?1))
         UNION ALL
         SELECT 'salida', t.number, o.created_at, o.to_address, o.subject, o.message_id, o.state, ''
           FROM mail_outbox o LEFT JOIN tickets t ON t.id = o.ticket_id
          WHERE o.ticket_id IN ({ids}) OR lower(o.to_address) IN (SELECT value FROM json_each(?1))
         ORDER BY at"
    ))?;
    let rows = stmt
        .query_map([&list], |r| {
            Ok(serde_json::json!({
                "direction": r.get::<_, String>("direction")?,
                "number": r.get::<_, Option<String>>("number")?,
                "at": r.get::<_, String>("at")?,
                "address": r.get::<_, String>("address")?,
                "subject": r.get::<_, String>("subject")?,
                "message_id": r.get::<_, Option<String>>("message_id")?,
                "state": r.get::<_, String>("state")?,
                "text": r.get::<_, String>("body")?,
            }))
        })?
        .collect::<crate::error::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Ley 1581: the person's mails (those of the cases `ticket_ids` and those sent from or to
/// `emails`) lose the personal strings `own` (replaced by `pseudonym`), their sender and
/// recipient addresses, and their raw bytes; their pending notices are not sent. Inside the
/// caller's transaction (`safety::privacy`). Returns the mails changed.
pub(crate) fn anonymize_mails(
    tx: &Db,
    ticket_ids: &[i64],
    emails: &[String],
    own: &[String],
    pseudonym: &str,
) -> Result<usize> {
    let ids = id_list(ticket_ids);
    let emails: Vec<String> = emails.iter().map(|e| e.trim().to_lowercase()).collect();
    let list = serde_json::to_string(&emails)?;
    let person = format!(
        "(ticket_id IN ({ids}) OR lower(from_address) IN (SELECT value FROM json_each(?1)))"
    );
    let out_person =
        format!("(ticket_id IN ({ids}) OR lower(to_address) IN (SELECT value FROM json_each(?1)))");
    let mail_ids: Vec<i64> = tx
        .prepare(&format!("SELECT id FROM mail_messages WHERE {person}"))?
        .query_map([&list], |r| r.get("id"))?
        .collect::<crate::error::Result<_>>()?;
    for s in own {
        tx.execute(
            &format!(
                "UPDATE mail_messages SET subject = replace(subject, ?2, ?3),
                    body = replace(body, ?2, ?3), from_name = replace(from_name, ?2, ?3),
                    to_addresses = replace(to_addresses, ?2, ?3),
                    cc_addresses = replace(cc_addresses, ?2, ?3)
                 WHERE {person}"
            ),
            params![list, s, pseudonym],
        )?;
        tx.execute(
            &format!(
                "UPDATE mail_outbox SET subject = replace(subject, ?2, ?3) WHERE {out_person}"
            ),
            params![list, s, pseudonym],
        )?;
    }
    tx.execute(
        "UPDATE mail_messages SET from_address = '', from_name = ?2
         WHERE lower(from_address) IN (SELECT value FROM json_each(?1))",
        params![list, pseudonym],
    )?;
    tx.execute(
        &format!(
            "DELETE FROM mail_raw WHERE mail_id IN (SELECT id FROM mail_messages WHERE {person})"
        ),
        [&list],
    )?;
    tx.execute(
        &format!(
            "DELETE FROM mail_outbox_raw WHERE outbox_id IN (SELECT id FROM mail_outbox WHERE {out_person})"
        ),
        [&list],
    )?;
    tx.execute(
        &format!(
            "UPDATE mail_outbox SET state = CASE WHEN state = 'pendiente' THEN 'fallido' ELSE state END,
                last_reply = CASE WHEN state = 'pendiente' THEN 'no enviado: datos anonimizados (Ley 1581)'
                                  ELSE last_reply END,
                to_address = ''
             WHERE {out_person}"
        ),
        [&list],
    )?;
    Ok(mail_ids.len())
}

/// The Message-IDs we sent (to recognise replies to them).
pub(crate) fn outgoing_case(conn: &Db, message_id: &str) -> Result<Option<i64>> {
    conn.query_row(
        "SELECT ticket_id FROM mail_outbox WHERE message_id = ?1 AND ticket_id IS NOT NULL",
        [message_id],
        |r| r.get("ticket_id"),
    )
    .optional()
}

/// The mails of the case with row id `ticket_id`, in and out, oldest first.
pub(crate) fn case_mails_of(conn: &Db, ticket_id: i64) -> Result<Vec<CaseMail>> {
    let mut stmt = conn.prepare_cached(
        "SELECT 'entrada' AS direction, id, message_id, from_address AS address, subject,
                received_at AS at, state, kind FROM mail_messages WHERE ticket_id = ?1
         UNION ALL
         SELECT 'salida', id, message_id, to_address, subject, created_at, state, kind
           FROM mail_outbox WHERE ticket_id = ?1
         ORDER BY at, direction, id",
    )?;
    let rows = stmt
        .query_map([ticket_id], |r| {
            Ok(CaseMail {
                direction: r.get("direction")?,
                id: r.get("id")?,
                message_id: r.get("message_id")?,
                address: r.get("address")?,
                subject: r.get("subject")?,
                at: r.get("at")?,
                state: r.get("state")?,
                kind: r.get("kind")?,
            })
        })?
        .collect::<crate::error::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|mut m| {
            m.at = to_rfc3339_local(from_db(&m.at)?);
            Ok(m)
        })
        .collect()
}

const OUTBOX_COLUMNS: &str = "o.id, t.number, o.kind, o.to_address, o.subject, o.message_id, \
    o.state, o.attempts, o.last_reply, o.created_at, o.next_attempt_at, o.sent_at, o.accepted_at";

struct OutboxRow {
    e: OutboxEntry,
}

fn outbox_from_row(r: &Row<'_>) -> crate::error::Result<OutboxRow> {
    Ok(OutboxRow {
        e: OutboxEntry {
            id: r.get("id")?,
            number: r.get("number")?,
            kind: r.get("kind")?,
            to: r.get("to_address")?,
            subject: r.get("subject")?,
            message_id: r.get("message_id")?,
            state: r.get("state")?,
            attempts: r.get("attempts")?,
            last_reply: r.get("last_reply")?,
            created_at: r.get("created_at")?,
            next_attempt_at: r.get("next_attempt_at")?,
            sent_at: r.get("sent_at")?,
            accepted_at: r.get("accepted_at")?,
        },
    })
}

fn local_opt(s: Option<String>) -> Result<Option<String>> {
    s.map(|s| from_db(&s).map(to_rfc3339_local)).transpose()
}

fn shown(mut e: OutboxEntry) -> Result<OutboxEntry> {
    e.created_at = to_rfc3339_local(from_db(&e.created_at)?);
    e.next_attempt_at = to_rfc3339_local(from_db(&e.next_attempt_at)?);
    e.sent_at = local_opt(e.sent_at)?;
    e.accepted_at = local_opt(e.accepted_at)?;
    Ok(e)
}

/// Minutes to wait before attempt `n + 1` after `n` failures: 1, 2, 4, … up to 4 hours.
pub fn backoff_minutes(attempts: i64) -> i64 {
    let n = attempts.clamp(1, 9) - 1;
    (1i64 << n).min(240)
}

impl Store {
    /// The configured mail account (no secret), if any.
    pub fn mail_account(&self) -> Result<Option<MailAccount>> {
        account_in(&self.conn)
    }

    /// Saves the mail account settings (no password: the credential store keeps it).
    pub fn set_mail_account(&mut self, a: &MailAccount) -> Result<()> {
        self.authorize(crate::people::Permission::Settings)?;
        if !a.address.contains('@') {
            return Err(CoreError::validation(
                "correo de la cuenta",
                format!("«{}» no es una dirección de correo", a.address),
            ));
        }
        if a.auth != "password" && !super::oauth::PROVIDERS.iter().any(|(_, x)| *x == a.auth) {
            return Err(CoreError::validation(
                "autenticación",
                format!(
                    "«{}» no es password, oauth2_microsoft, oauth2_google ni oauth2_custom",
                    a.auth
                ),
            ));
        }
        if !["tls", "starttls", "none"].contains(&a.security.as_str()) {
            return Err(CoreError::validation(
                "seguridad",
                "use tls, starttls o none",
            ));
        }
        if !(1..=1440).contains(&a.poll_minutes) {
            return Err(CoreError::validation(
                "revisar cada (minutos)",
                format!("{} no sirve: use de 1 a 1440 minutos", a.poll_minutes),
            ));
        }
        if !(1..=500).contains(&a.max_mb) {
            return Err(CoreError::validation(
                "tamaño máximo (MB)",
                format!("{} no sirve: use de 1 a 500 MB", a.max_mb),
            ));
        }
        let configured_by = self.principal().map(|p| p.login.clone());
        self.session_write(|tx| {
            tx.execute(
                "INSERT INTO mail_account(id, address, display_name, imap_host, imap_port, smtp_host,
                    smtp_port, security, auth, username, folder, processed_folder, poll_minutes,
                    max_mb, auto_register, enabled, configured_by)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                 ON CONFLICT(id) DO UPDATE SET address = excluded.address,
                    display_name = excluded.display_name, imap_host = excluded.imap_host,
                    imap_port = excluded.imap_port, smtp_host = excluded.smtp_host,
                    smtp_port = excluded.smtp_port, security = excluded.security,
                    auth = excluded.auth, username = excluded.username, folder = excluded.folder,
                    processed_folder = excluded.processed_folder,
                    poll_minutes = excluded.poll_minutes, max_mb = excluded.max_mb,
                    auto_register = excluded.auto_register, enabled = excluded.enabled,
                    configured_by = excluded.configured_by",
                params![
                    a.address.trim(),
                    a.display_name,
                    a.imap_host,
                    a.imap_port,
                    a.smtp_host,
                    a.smtp_port,
                    a.security,
                    a.auth,
                    a.username,
                    a.folder,
                    a.processed_folder,
                    a.poll_minutes,
                    a.max_mb,
                    a.auto_register as i64,
                    a.enabled as i64,
                    configured_by
                ],
            )?;
            Ok(())
        })
    }

    /// The notification templates.
    pub fn mail_templates(&self) -> Result<Vec<MailTemplate>> {
        let mut out = Vec::new();
        for k in KINDS {
            if let Some(t) = template(&self.conn, k)? {
                out.push(t);
            }
        }
        Ok(out)
    }

    /// Changes one template (subject, body, on/off).
    pub fn set_mail_template(&mut self, t: &MailTemplate) -> Result<()> {
        self.authorize(crate::people::Permission::Settings)?;
        if !KINDS.contains(&t.kind.as_str()) {
            return Err(CoreError::validation(
                "plantilla",
                format!(
                    "«{}» no es una plantilla; use: {}",
                    t.kind,
                    KINDS.join(", ")
                ),
            ));
        }
        if t.subject.trim().is_empty() || t.body.trim().is_empty() {
            return Err(CoreError::validation(
                "plantilla",
                format!("el asunto y el texto de «{}» son obligatorios", t.kind),
            ));
        }
        self.session_write(|tx| {
            tx.execute(
                "UPDATE mail_templates SET subject = ?2, body = ?3, enabled = ?4 WHERE kind = ?1",
                params![t.kind, t.subject, t.body, t.enabled as i64],
            )?;
            Ok(())
        })
    }

    /// The outbox, newest first (`all = false`: only pending and failed).
    pub fn outbox(&self, all: bool) -> Result<Vec<OutboxEntry>> {
        let filter = if all {
            ""
        } else {
            "WHERE o.state <> 'enviado'"
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {OUTBOX_COLUMNS} FROM mail_outbox o LEFT JOIN tickets t ON t.id = o.ticket_id
             {filter} ORDER BY o.id DESC"
        ))?;
        let rows = stmt
            .query_map([], outbox_from_row)?
            .collect::<crate::error::Result<Vec<_>>>()?;
        rows.into_iter().map(|r| shown(r.e)).collect()
    }

    /// The messages due to be sent at `now` (pending, their next attempt reached), oldest first.
    pub fn pending_outbox(&self, now: DateTime<Utc>) -> Result<Vec<OutgoingMail>> {
        let mut stmt = self.conn.prepare(
            "SELECT o.id, o.to_address, o.message_id, o.attempts, r.bytes FROM mail_outbox o
             JOIN mail_outbox_raw r ON r.outbox_id = o.id
             WHERE o.state = 'pendiente' AND o.next_attempt_at <= ?1 ORDER BY o.id",
        )?;
        let rows = stmt
            .query_map([to_db(now)], |r| {
                Ok(OutgoingMail {
                    id: r.get("id")?,
                    to: r.get("to_address")?,
                    message_id: r.get("message_id")?,
                    attempts: r.get("attempts")?,
                    raw: r.get("bytes")?,
                })
            })?
            .collect::<crate::error::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The SMTP server accepted message `id` at `accepted_at` with `server_reply`. For a
    /// resolved notice, the survey window starts now (when the case is still resolved).
    pub fn mark_sent(
        &mut self,
        id: i64,
        server_reply: &str,
        accepted_at: DateTime<Utc>,
    ) -> Result<()> {
        self.authorize(crate::people::Permission::CaseRegister)?;
        let cal = self.calendar.clone();
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, "sistema", accepted_at)?;
        let (kind, ticket_id, state): (String, Option<i64>, String) = tx
            .query_row(
                "SELECT kind, ticket_id, state FROM mail_outbox WHERE id = ?1",
                [id],
                |r| Ok((r.get("kind")?, r.get("ticket_id")?, r.get("state")?)),
            )
            .optional()?
            .ok_or_else(|| outbox_not_found(id))?;
        if state == "enviado" {
            return Ok(());
        }
        let at = to_db(accepted_at);
        tx.execute(
            "UPDATE mail_outbox SET state = 'enviado', attempts = attempts + 1, last_reply = ?2,
                sent_at = ?3, accepted_at = ?3 WHERE id = ?1",
            params![id, server_reply, at],
        )?;
        if let (Some(tid), "resuelto") = (ticket_id, kind.as_str()) {
            let days = get_setting_i64(&tx, "survey_business_days", 2)?.max(0) as u32;
            let due = crate::clock::from_local(cal.add_business_days(to_local(accepted_at), days));
            tx.execute(
                "UPDATE tickets SET survey_due_at = ?2
                 WHERE id = ?1 AND status = 'resolved' AND survey_due_at IS NULL",
                params![tid, to_db(due)],
            )?;
        }
        tx.commit()
    }

    /// Sending message `id` failed with `error` at `now`: it is retried later with a growing
    /// wait, and stays failed (visible with the server's answer) after [`MAX_ATTEMPTS`].
    ///
    /// A resolved notice that fails for good does not leave the case waiting for a survey
    /// forever: its survey window starts at that moment (as when mail is off), and the case's
    /// timeline says the notice was not delivered and when the survey is due, so the
    /// technician asks the requester by phone or with the `mailto:` link.
    pub fn mark_failed(&mut self, id: i64, error: &str, now: DateTime<Utc>) -> Result<()> {
        self.authorize(crate::people::Permission::CaseRegister)?;
        let cal = self.calendar.clone();
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, "sistema", now)?;
        let (attempts, kind, ticket_id, to, subject): (i64, String, Option<i64>, String, String) =
            tx.query_row(
                "SELECT attempts, kind, ticket_id, to_address, subject FROM mail_outbox
                 WHERE id = ?1 AND state <> 'enviado'",
                [id],
                |r| {
                    Ok((
                        r.get("attempts")?,
                        r.get("kind")?,
                        r.get("ticket_id")?,
                        r.get("to_address")?,
                        r.get("subject")?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| outbox_not_found(id))?;
        let attempts = attempts + 1;
        let state = if attempts >= MAX_ATTEMPTS {
            "fallido"
        } else {
            "pendiente"
        };
        tx.execute(
            "UPDATE mail_outbox SET state = ?2, attempts = ?3, last_reply = ?4, next_attempt_at = ?5
             WHERE id = ?1",
            params![
                id,
                state,
                attempts,
                error,
                to_db(now + Duration::minutes(backoff_minutes(attempts)))
            ],
        )?;
        if let (Some(tid), "fallido") = (ticket_id, state) {
            let mut note = format!(
                "No se pudo enviar el correo «{subject}» después de {attempts} intentos: {error}"
            );
            if kind == "resuelto" {
                if let Some(due) = start_survey_window(&tx, &cal, tid, now)? {
                    note.push_str(&format!(
                        ". El plazo de la encuesta empieza ahora y vence el {}: pida la \
                         evaluación por teléfono o con el enlace de correo",
                        to_local(due).format("%d/%m/%Y %H:%M")
                    ));
                }
            }
            crate::tickets::timeline::add_event(
                &tx,
                tid,
                &to_db(now),
                "sistema",
                "mail_failed",
                None,
                None,
                Some(&to),
                Some(&note),
            )?;
        }
        tx.commit()
    }
}

/// Starts the survey window of resolved case `ticket_id` at `now` when it has none yet (its
/// resolved notice will not be sent). Returns the due time set.
fn start_survey_window(
    tx: &Db,
    cal: &crate::calendar::BusinessCalendar,
    ticket_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let days = get_setting_i64(tx, "survey_business_days", 2)?.max(0) as u32;
    let due = crate::clock::from_local(cal.add_business_days(to_local(now), days));
    let n = tx.execute(
        "UPDATE tickets SET survey_due_at = ?2
         WHERE id = ?1 AND status = 'resolved' AND survey_due_at IS NULL
           AND import_batch IS NULL",
        params![ticket_id, to_db(due)],
    )?;
    Ok((n > 0).then_some(due))
}

/// Resolved cases still waiting for a notice that will not go (mail turned off or the account
/// removed while it was pending, or every notice failed or was withdrawn): their survey window
/// starts at `now`, with a timeline entry. Called by the auto-close sweep before it looks for
/// due surveys. Returns how many cases it started.
pub(crate) fn start_stalled_survey_windows(
    tx: &Db,
    cal: &crate::calendar::BusinessCalendar,
    now: DateTime<Utc>,
) -> Result<usize> {
    let mail_on = active_account(tx)?.is_some();
    let stalled: Vec<i64> = tx
        .prepare(
            "SELECT t.id FROM tickets t
             WHERE t.status = 'resolved' AND t.survey_due_at IS NULL
               AND t.import_batch IS NULL AND t.resolved_at IS NOT NULL
               AND (?1 = 0 OR NOT EXISTS (SELECT 1 FROM mail_outbox o WHERE o.ticket_id = t.id
                      AND o.kind = 'resuelto' AND o.created_at >= t.resolved_at
                      AND o.state IN ('pendiente', 'enviado')))",
        )?
        .query_map([mail_on as i64], |r| r.get("id"))?
        .collect::<crate::error::Result<_>>()?;
    let mut n = 0;
    for id in stalled {
        if let Some(due) = start_survey_window(tx, cal, id, now)? {
            let why = if mail_on {
                "el aviso de solución no se envió"
            } else {
                "el correo está desactivado y el aviso de solución no se enviará"
            };
            crate::tickets::timeline::add_event(
                tx,
                id,
                &to_db(now),
                "sistema",
                "survey_window",
                Some("survey_due_at"),
                None,
                Some(&to_db(due)),
                Some(&format!(
                    "{why}: el plazo de la encuesta empieza ahora y vence el {}",
                    to_local(due).format("%d/%m/%Y %H:%M")
                )),
            )?;
            n += 1;
        }
    }
    Ok(n)
}

fn outbox_not_found(id: i64) -> CoreError {
    CoreError::validation(
        "envío",
        format!("no hay un mensaje pendiente con el número {id} en la bandeja de salida"),
    )
}

/// The placeholders every template may use.
const COMMON_PLACEHOLDERS: [(&str, &str); 10] = [
    ("numero", "número del caso (MA-2026-0042)"),
    ("solicitante", "nombre del solicitante"),
    ("fecha", "fecha y hora de recibido (dd/mm/aaaa hh:mm)"),
    ("meta_respuesta", "fecha y hora límite de respuesta"),
    ("solucion", "texto de la solución"),
    ("tecnico", "técnico asignado"),
    ("preguntas", "preguntas de la encuesta, numeradas"),
    ("dias_encuesta", "días hábiles para responder la encuesta"),
    ("entidad", "nombre de la entidad"),
    (
        "asunto",
        "asunto del correo original, o la primera línea de la descripción",
    ),
];

/// The placeholders of template `kind` (the common ones plus its own), as `enqueue` fills
/// them. An unknown kind is a validation error.
pub fn placeholders(kind: &str) -> Result<Vec<super::types::MailPlaceholder>> {
    let own: &[(&str, &str)] = match kind {
        "visita" => &[
            ("fecha_visita", "fecha y hora de la visita"),
            ("lugar", "lugar de la visita"),
        ],
        "seguimiento" => &[("seguimiento", "texto del seguimiento público")],
        "reabierto" => &[("motivo", "motivo de la reapertura")],
        k if KINDS.contains(&k) => &[],
        k => {
            return Err(CoreError::validation(
                "plantilla",
                format!("«{k}» no es una plantilla; use: {}", KINDS.join(", ")),
            ))
        }
    };
    Ok(COMMON_PLACEHOLDERS
        .iter()
        .chain(own.iter())
        .map(|(n, d)| super::types::MailPlaceholder {
            name: (*n).to_string(),
            description: (*d).to_string(),
        })
        .collect())
}

impl Store {
    /// «Enviar ahora» / «Reintentar»: message `id` (pending or failed, not sent) becomes due at
    /// `now`. A failed one gets one more attempt (its attempts are kept: another refusal marks
    /// it failed again).
    pub fn retry_outbox(&mut self, id: i64, now: DateTime<Utc>) -> Result<()> {
        self.authorize(crate::people::Permission::CaseRegister)?;
        self.session_write(|tx| {
            let changed = tx.execute(
                "UPDATE mail_outbox SET state = 'pendiente', next_attempt_at = ?2
                 WHERE id = ?1 AND state <> 'enviado'",
                params![id, to_db(now)],
            )?;
            if changed == 0 {
                return Err(outbox_not_found(id));
            }
            Ok(())
        })
    }
}
