//! What the app's Bandeja needs beyond the list (issue 16): one mail in full (the headers that
//! matter, the body, its attachments), the new-case form prefilled the way registering fills it
//! (`draft_in`, shared with `register_in`), a copy of one attachment of a mail not yet on a
//! case, and a survey recorded by hand from a reply waiting in «Revisar respuesta».

use crate::db::{params, Db, OptionalExt};
use chrono::{DateTime, Utc};

use super::{earlier_case, load_mail, raw_of, state_label, MailRow, UNKNOWN_DEPARTMENT};
use crate::clock::{from_db, to_db, to_rfc3339_local};
use crate::error::{CoreError, Result};
use crate::model::{NewTicket, TicketAction};
use crate::store::Store;
use crate::text::clean_opt;

use super::types::{MailAttachmentInfo, MailDetail, RegisterOverrides};

/// The case a mail would become: requester matched by address to the sender's latest case
/// (which fills dependencia, location and extension), description from subject and body,
/// `received_at` = arrival, channel correo; `o` overrides what the technician changed.
pub(super) fn draft_in(conn: &Db, m: &MailRow, o: &RegisterOverrides) -> Result<NewTicket> {
    let earlier = earlier_case(conn, &m.from_address)?;
    let name_or_address = [m.from_name.trim(), m.from_address.trim()]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or("Remitente desconocido")
        .to_string();
    let requester = clean_opt(o.requester.as_deref())
        .or_else(|| earlier.as_ref().map(|e| e.requester.clone()))
        .unwrap_or(name_or_address);
    let department = clean_opt(o.department.as_deref())
        .or_else(|| earlier.as_ref().map(|e| e.department.clone()))
        .unwrap_or_else(|| UNKNOWN_DEPARTMENT.to_string());
    let description = clean_opt(o.description.as_deref()).unwrap_or_else(|| {
        let body = m.body.trim();
        let subject = m.subject.trim();
        match (subject.is_empty(), body.is_empty()) {
            (true, true) => "(correo sin asunto ni texto)".to_string(),
            (false, true) => subject.to_string(),
            (true, false) => body.to_string(),
            (false, false) => format!("{subject}\n\n{body}"),
        }
    });
    let email = m.from_address.trim();
    let email = crate::tickets::check_email(clean_opt(Some(email))).unwrap_or(None);
    Ok(NewTicket {
        requester,
        department,
        description,
        received_at: Some(to_rfc3339_local(from_db(&m.received_at)?)),
        location: clean_opt(o.location.as_deref())
            .or_else(|| earlier.as_ref().and_then(|e| e.location.clone())),
        phone: clean_opt(o.phone.as_deref())
            .or_else(|| earlier.as_ref().and_then(|e| e.phone.clone())),
        email,
        channel: Some("correo".into()),
        origin: None,
        service_type: clean_opt(o.service_type.as_deref()),
        asset_tag: None,
        urgency: o.urgency,
        impact: o.impact,
    })
}

/// The attachments of a stored mail's raw bytes, in the order [`Store::mail_attachment`]
/// counts them (inline parts left out, as the Bandeja's count does).
fn listed_attachments(parsed: &mesa_mail::ParsedMail) -> Vec<&mesa_mail::Attachment> {
    parsed.attachments.iter().filter(|a| !a.inline).collect()
}

impl Store {
    /// One mail of the Bandeja in full: its entry, the headers that matter, the body as text,
    /// its attachments (names and sizes) and, for a reply on a case, the case's number.
    pub fn mail_detail(&self, id: i64) -> Result<MailDetail> {
        let entry = self
            .inbox(true)?
            .into_iter()
            .find(|e| e.id == id)
            .ok_or_else(|| {
                CoreError::validation(
                    "correo",
                    format!("no hay un correo con el número {id} en la Bandeja de entrada"),
                )
            })?;
        let m = load_mail(&self.conn, id)?;
        let (to, cc, in_reply_to): (String, String, Option<String>) = self.conn.query_row(
            "SELECT to_addresses, cc_addresses, in_reply_to FROM mail_messages WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get("to_addresses")?,
                    r.get("cc_addresses")?,
                    r.get("in_reply_to")?,
                ))
            },
        )?;
        let (attachments, date_header, warnings) = match raw_of(&self.conn, id)? {
            Some(raw) => {
                let parsed = mesa_mail::parse(&raw);
                let list = listed_attachments(&parsed)
                    .into_iter()
                    .enumerate()
                    .map(|(i, a)| MailAttachmentInfo {
                        index: i as i64,
                        name: a.name.clone(),
                        content_type: a.content_type.clone(),
                        size: a.bytes.len() as i64,
                    })
                    .collect();
                (
                    list,
                    parsed.date_header.map(to_rfc3339_local),
                    parsed.warnings,
                )
            }
            None => (Vec::new(), None, Vec::new()),
        };
        Ok(MailDetail {
            entry,
            to,
            cc,
            in_reply_to,
            date_header,
            body: m.body,
            attachment_list: attachments,
            warnings,
        })
    }

    /// The new-case form prefilled from mail `id` exactly as [`Store::register_mail`] would
    /// register it without changes.
    pub fn mail_draft(&self, id: i64) -> Result<NewTicket> {
        let m = load_mail(&self.conn, id)?;
        draft_in(&self.conn, &m, &RegisterOverrides::default())
    }

    /// Attachment `index` (as listed by [`Store::mail_detail`]) of mail `id`: its name and
    /// bytes, to save a copy before the mail is on a case.
    pub fn mail_attachment(&self, id: i64, index: i64) -> Result<(String, Vec<u8>)> {
        let raw = raw_of(&self.conn, id)?.ok_or_else(|| {
            CoreError::validation(
                "correo",
                format!("el correo {id} no se descargó: no tiene adjuntos guardados"),
            )
        })?;
        let parsed = mesa_mail::parse(&raw);
        let list = listed_attachments(&parsed);
        let a = usize::try_from(index)
            .ok()
            .and_then(|i| list.get(i))
            .ok_or_else(|| {
                CoreError::validation(
                    "adjunto",
                    format!("el correo {id} no tiene el adjunto número {}", index + 1),
                )
            })?;
        Ok((a.name.clone(), a.bytes.clone()))
    }

    /// Records the survey of the case a reply in «Revisar respuesta» belongs to (the technician
    /// read the mail and typed the scores), closing the case as any survey does; the mail
    /// leaves the review list as a follow-up of that case. Returns the case number.
    pub fn survey_from_mail(
        &mut self,
        id: i64,
        scores: Vec<i64>,
        comment: Option<String>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<String> {
        let number: Option<String> = self
            .conn
            .query_row(
                "SELECT t.number FROM mail_messages m JOIN tickets t ON t.id = m.ticket_id
                 WHERE m.id = ?1",
                [id],
                |r| r.get("number"),
            )
            .optional()?;
        let number = number.ok_or_else(|| {
            CoreError::validation(
                "correo",
                format!("el correo {id} no es la respuesta de un caso"),
            )
        })?;
        self.authorize_case(&number)?;
        let cal = self.calendar.clone();
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        let m = load_mail(&tx, id)?;
        if m.state != "revisar_respuesta" {
            return Err(CoreError::validation(
                "correo",
                format!(
                    "el correo {id} está «{}»; solo se registra la encuesta de una respuesta por revisar",
                    state_label(&m.state)
                ),
            ));
        }
        crate::tickets::apply_in(
            &tx,
            &cal,
            &number,
            &TicketAction::Survey { scores, comment },
            actor,
            now,
        )?;
        tx.execute(
            "UPDATE mail_messages SET state = 'seguimiento', note = ?2, decided_at = ?3,
                decided_by = ?4 WHERE id = ?1",
            params![
                id,
                "encuesta registrada a mano desde la respuesta",
                to_db(now),
                actor
            ],
        )?;
        tx.commit()?;
        Ok(number)
    }
}
