//! Work on a case after registration: corrections and reclassification (each change on the
//! timeline, deadlines recomputed when the type, priority or reception time changes) and
//! follow-ups (seguimientos: public, or internal notes never shown to the requester).

use crate::db::{params, Row};
use chrono::{DateTime, Duration, Utc};

use super::{
    check_email, check_scale, deadlines, ensure_department, find_service_type, find_staff,
    level_targets, load_raw_in, load_sla_input, parse_channel, parse_origin, parse_received,
    required, status_error, Changes,
};
use crate::clock::{from_db, parse_time_input, to_db, to_rfc3339_local};
use crate::error::{CoreError, Result};
use crate::model::{
    can_work_on, FollowUp, FollowUpVisibility, NewFollowUp, Ticket, TicketEdit, TicketStatus,
};
use crate::store::{get_setting_i64, Store};
use crate::text::clean_opt;

/// Longest follow-up text accepted (characters).
pub const FOLLOW_UP_MAX_CHARS: usize = 20_000;
/// Most minutes one follow-up can record (a bit over ten working weeks).
pub const FOLLOW_UP_MAX_MINUTES: i64 = 100_000;

const FOLLOW_UP_COLUMNS: &str = "id, at, actor, visibility, body, minutes, contact";

fn follow_up_from_row(r: &Row<'_>) -> crate::error::Result<(String, FollowUp)> {
    let visibility: String = r.get("visibility")?;
    Ok((
        r.get("at")?,
        FollowUp {
            id: r.get("id")?,
            at: String::new(),
            actor: r.get("actor")?,
            visibility: FollowUpVisibility::parse(&visibility)
                .unwrap_or(FollowUpVisibility::Internal),
            text: r.get("body")?,
            minutes: r.get("minutes")?,
            contact: r.get::<_, i64>("contact")? == 1,
        },
    ))
}

/// The follow-ups of the case with row id `ticket_id`, oldest first.
pub(crate) fn follow_ups_of(conn: &crate::db::Db, ticket_id: i64) -> Result<Vec<FollowUp>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {FOLLOW_UP_COLUMNS} FROM ticket_followups WHERE ticket_id = ?1 ORDER BY at, id"
    ))?;
    let rows = stmt.query_map([ticket_id], follow_up_from_row)?;
    let mut out = Vec::new();
    for row in rows {
        let (at, mut f) = row?;
        f.at = to_rfc3339_local(from_db(&at)?);
        out.push(f);
    }
    Ok(out)
}

fn check_minutes(m: Option<i64>) -> Result<Option<i64>> {
    match m {
        Some(m) if !(0..=FOLLOW_UP_MAX_MINUTES).contains(&m) => Err(CoreError::validation(
            "tiempo invertido",
            format!("debe estar entre 0 y {FOLLOW_UP_MAX_MINUTES} minutos"),
        )),
        _ => Ok(m),
    }
}

/// Why the deadlines were recomputed, for the timeline.
fn recompute_note(reasons: &[&str]) -> String {
    format!("recalculado por cambio de {}", reasons.join(", "))
}

impl Store {
    /// Corrects or reclassifies a case: every changed field is a timeline entry (old → new,
    /// with the reason when given). A new service type brings its level (unless the case was
    /// escalated), its targets and, when the case had none, its default assignee; a change of
    /// type, priority or reception time recomputes the deadlines on the business calendar and
    /// the timeline shows the old and new deadline. Changing `received_at` needs a reason.
    /// Closed and cancelled cases are not editable.
    ///
    /// Acts on the case as it is now; a screen that showed the case uses
    /// [`Store::edit_ticket_if_unchanged`].
    pub fn edit_ticket(
        &mut self,
        number: &str,
        edit: &TicketEdit,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Ticket> {
        self.edit_ticket_checked(number, edit, None, actor, now)
    }

    /// [`Store::edit_ticket`] on the case as the caller read it: `seen` is the
    /// [`Ticket::version`] the form was filled from. When the case changed since (another
    /// user, another workstation), nothing is written and the error `conflicto_edicion` says
    /// who changed it and when (never a silent overwrite).
    pub fn edit_ticket_if_unchanged(
        &mut self,
        number: &str,
        edit: &TicketEdit,
        seen: i64,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Ticket> {
        self.edit_ticket_checked(number, edit, Some(seen), actor, now)
    }

    fn edit_ticket_checked(
        &mut self,
        number: &str,
        edit: &TicketEdit,
        seen: Option<i64>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Ticket> {
        self.authorize_case(number)?;
        let reason = clean_opt(edit.reason.as_deref());
        let received = match edit.received_at.as_deref() {
            Some(s) => {
                let r = parse_received(s, now)?;
                if reason.is_none() {
                    return Err(CoreError::validation(
                        "motivo",
                        "cambiar la fecha de recepción exige un motivo (cambia los plazos del caso)",
                    ));
                }
                Some(r)
            }
            None => None,
        };
        let cal = self.calendar.clone();
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        let raw = load_raw_in(&tx, number)?;
        let t = &raw.ticket;
        if let Some(seen) = seen {
            super::ensure_unchanged(&tx, number, seen)?;
        }
        if !can_work_on(t) {
            return Err(status_error("corregir", t.status));
        }
        let at = to_db(now);
        let mut ch = Changes::new(raw.id, &at, actor);
        let mut changed = false;
        let mut edit_field =
            |ch: &mut Changes, field: &str, old: Option<String>, new: Option<String>| {
                if old != new {
                    ch.event("edit", Some(field), old, new.clone(), reason.clone());
                    ch.col(field, new);
                    changed = true;
                }
            };
        if let Some(v) = &edit.requester {
            let v = required("solicitante", v)?;
            edit_field(&mut ch, "requester", Some(t.requester.clone()), Some(v));
        }
        if let Some(v) = &edit.department {
            let v = ensure_department(&tx, &required("dependencia", v)?)?;
            edit_field(&mut ch, "department", Some(t.department.clone()), Some(v));
        }
        if let Some(v) = &edit.location {
            edit_field(&mut ch, "location", t.location.clone(), clean_opt(Some(v)));
        }
        if let Some(v) = &edit.phone {
            edit_field(&mut ch, "phone", t.phone.clone(), clean_opt(Some(v)));
        }
        if let Some(v) = &edit.email {
            let v = check_email(clean_opt(Some(v)))?;
            edit_field(&mut ch, "email", t.email.clone(), v);
        }
        if let Some(v) = &edit.description {
            let v = v.trim().to_string();
            if v.is_empty() {
                return Err(CoreError::validation("descripción", "es obligatoria"));
            }
            edit_field(&mut ch, "description", Some(t.description.clone()), Some(v));
        }
        if let Some(v) = &edit.channel {
            let v = parse_channel(Some(v))?;
            edit_field(&mut ch, "channel", Some(t.channel.clone()), Some(v));
        }
        if let Some(v) = &edit.origin {
            let v = parse_origin(Some(v))?;
            edit_field(&mut ch, "origin", Some(t.origin.clone()), Some(v));
        }
        if let Some(v) = &edit.asset_tag {
            edit_field(
                &mut ch,
                "asset_tag",
                t.asset_tag.clone(),
                clean_opt(Some(v)),
            );
        }
        let mut reasons: Vec<&str> = Vec::new();
        let urgency = check_scale("urgencia", edit.urgency.unwrap_or(t.urgency))?;
        let impact = check_scale("impacto", edit.impact.unwrap_or(t.impact))?;
        if urgency != t.urgency || impact != t.impact {
            edit_field(
                &mut ch,
                "urgency",
                Some(t.urgency.to_string()),
                Some(urgency.to_string()),
            );
            edit_field(
                &mut ch,
                "impact",
                Some(t.impact.to_string()),
                Some(impact.to_string()),
            );
            let priority: String = tx.query_row(
                "SELECT priority FROM priority_matrix WHERE urgency = ?1 AND impact = ?2",
                [urgency, impact],
                |r| r.get("priority"),
            )?;
            if priority != t.priority {
                edit_field(
                    &mut ch,
                    "priority",
                    Some(t.priority.clone()),
                    Some(priority),
                );
                reasons.push("prioridad");
            }
        }
        if let Some(v) = &edit.service_type {
            let stype = match clean_opt(Some(v)) {
                Some(name) => Some(find_service_type(&tx, &name)?),
                None => None,
            };
            let new_name = stype.as_ref().map(|s| s.name.clone());
            if new_name != t.service_type {
                edit_field(&mut ch, "service_type", t.service_type.clone(), new_name);
                reasons.push("tipo de servicio");
                // An escalated case keeps the level it was escalated to.
                let escalations: i64 = tx.query_row(
                    "SELECT escalation_count FROM tickets WHERE id = ?1",
                    [raw.id],
                    |r| r.get("escalation_count"),
                )?;
                let level = match (&stype, escalations) {
                    (Some(st), 0) => st.default_level,
                    (None, 0) => 1,
                    _ => t.level,
                };
                if level != t.level {
                    edit_field(
                        &mut ch,
                        "level",
                        Some(t.level.to_string()),
                        Some(level.to_string()),
                    );
                }
                let (resp, resol) = match &stype {
                    Some(st) => (st.response_minutes, st.resolution_minutes),
                    None => (
                        get_setting_i64(&tx, "default_response_minutes", 720)?,
                        get_setting_i64(&tx, "default_resolution_minutes", 2880)?,
                    ),
                };
                let (resp, resol) =
                    level_targets(&tx, stype.as_ref().map(|s| s.name.as_str()), level)?
                        .unwrap_or((resp, resol));
                ch.col("response_minutes", Some(resp.to_string()));
                ch.col("resolution_minutes", Some(resol.to_string()));
                // Routing: a case nobody has yet goes to the type's default assignee.
                if t.assignee.is_none() {
                    if let Some(name) = stype.as_ref().and_then(|s| s.default_assignee.clone()) {
                        if let Ok(staff) = find_staff(&tx, &name) {
                            ch.event(
                                "assign",
                                Some("assignee"),
                                None,
                                Some(staff.name.clone()),
                                Some("asignación automática según el tipo de servicio".into()),
                            );
                            ch.col("assignee", Some(staff.name));
                            if t.status == TicketStatus::New {
                                ch.status(t.status, TicketStatus::Assigned, "assign", None);
                            }
                        }
                    }
                }
            }
        }
        if let Some(r) = received {
            let old = t.received_at.clone();
            let new = Some(to_rfc3339_local(r));
            if raw.received_utc != Some(r) {
                ch.event("edit", Some("received_at"), old, new, reason.clone());
                ch.col("received_at", Some(to_db(r)));
                ch.col("received_date_only", Some("0".into()));
                changed = true;
                reasons.push("fecha de recepción");
            }
        }
        if !changed {
            return Ok(raw.ticket);
        }
        let number = t.number.clone();
        let (old_resp, old_resol) = (t.response_due_at.clone(), t.resolution_due_at.clone());
        ch.apply(&tx)?;
        if !reasons.is_empty() {
            let sla = load_sla_input(&tx, raw.id)?;
            let (r, s) = deadlines(&cal, &sla);
            tx.execute(
                "UPDATE tickets SET response_due_at = ?2, resolution_due_at = ?3 WHERE id = ?1",
                params![raw.id, r.map(to_db), s.map(to_db)],
            )?;
            let note = recompute_note(&reasons);
            for (field, old, new) in [
                ("response_due_at", old_resp, r.map(to_rfc3339_local)),
                ("resolution_due_at", old_resol, s.map(to_rfc3339_local)),
            ] {
                if old != new {
                    super::add_event(
                        &tx,
                        raw.id,
                        &at,
                        actor,
                        "deadline",
                        Some(field),
                        old.as_deref(),
                        new.as_deref(),
                        Some(&note),
                    )?;
                }
            }
        }
        tx.commit()?;
        self.get_ticket(&number, now).map(|d| d.ticket)
    }

    /// Adds a follow-up. The first public follow-up or contact with the requester is the first
    /// attention: it stops the response clock at the follow-up's time.
    pub fn add_follow_up(
        &mut self,
        number: &str,
        input: &NewFollowUp,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<FollowUp> {
        self.authorize_case(number)?;
        let text = input.text.trim().to_string();
        if text.is_empty() {
            return Err(CoreError::validation("seguimiento", "escriba el texto"));
        }
        if text.chars().count() > FOLLOW_UP_MAX_CHARS {
            return Err(CoreError::validation(
                "seguimiento",
                format!("es demasiado largo (máximo {FOLLOW_UP_MAX_CHARS} caracteres)"),
            ));
        }
        let minutes = check_minutes(input.minutes)?;
        let when = match input.at.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => parse_time_input("fecha del seguimiento", s)?,
            _ => now,
        };
        if when > now + Duration::minutes(5) {
            return Err(CoreError::validation(
                "fecha del seguimiento",
                "no puede ser posterior a este momento",
            ));
        }
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        let raw = load_raw_in(&tx, number)?;
        let t = &raw.ticket;
        if !can_work_on(t) {
            return Err(status_error("agregar seguimientos a", t.status));
        }
        if let Some(r) = raw.received_utc {
            if when < r {
                return Err(CoreError::validation(
                    "fecha del seguimiento",
                    "es anterior a la recepción del caso",
                ));
            }
        }
        let when_db = to_db(when);
        let id: i64 = tx.query_row(
            "INSERT INTO ticket_followups(ticket_id, at, actor, visibility, body, minutes, contact)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
            params![
                raw.id,
                when_db,
                actor,
                input.visibility.as_str(),
                text,
                minutes,
                input.contact as i64
            ],
            |r| r.get("id"),
        )?;
        let attends = input.visibility == FollowUpVisibility::Public || input.contact;
        if t.first_response_at.is_none() && attends {
            tx.execute(
                "UPDATE tickets SET first_response_at = ?2 WHERE id = ?1",
                params![raw.id, when_db],
            )?;
            let note = if input.contact {
                "contacto con el solicitante"
            } else {
                "primer seguimiento público"
            };
            super::add_event(
                &tx,
                raw.id,
                &to_db(now),
                actor,
                "first_response",
                Some("first_response_at"),
                None,
                Some(&to_rfc3339_local(when)),
                Some(note),
            )?;
        }
        if input.visibility == FollowUpVisibility::Public {
            crate::mail::outbox::follow_up(&tx, raw.id, &text, now)?;
        }
        tx.commit()?;
        Ok(FollowUp {
            id,
            at: to_rfc3339_local(when),
            actor: actor.to_string(),
            visibility: input.visibility,
            text,
            minutes,
            contact: input.contact,
        })
    }
}
