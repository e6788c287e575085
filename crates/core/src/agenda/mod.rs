//! Scheduled visits and the Agenda (issue 13): a case can carry one current visit (date and
//! time, duration, place, who goes, note); scheduling, rescheduling and cancelling are timeline
//! entries written in the same transaction; `Store::agenda` lists the visits of a range of
//! Bogota days; `ics.rs` writes them as RFC 5545 events.

pub mod ics;
pub mod types;

use crate::db::{params, Db, OptionalExt, Row};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::{from_db, from_local, parse_time_input, to_db, to_local, to_rfc3339_local};
use crate::error::{CoreError, Result};
use crate::model::TicketStatus;
use crate::store::Store;
use crate::text::{clean, clean_opt, fold};
pub use types::{Visit, VisitInput};

/// Duration of a visit when none is given, in minutes.
pub const DEFAULT_MINUTES: i64 = 60;
const MIN_MINUTES: i64 = 5;
const MAX_MINUTES: i64 = 1440;
/// A visit further ahead than this is refused (a mistyped year).
const MAX_DAYS_AHEAD: i64 = 730;
/// The longest agenda range, in days.
const MAX_RANGE_DAYS: i64 = 400;
const MAX_PLACE: usize = 200;
const MAX_NOTE: usize = 2000;

const FIELD_AT: &str = "fecha y hora de la visita";
const FIELD_MINUTES: &str = "duración (minutos)";
const FIELD_PLACE: &str = "lugar";
const FIELD_NOTE: &str = "nota";
const FIELD_REASON: &str = "motivo";

/// Columns read for a [`Visit`] (by name, see [`visit_from_row`]).
const VISIT_COLUMNS: &str = "v.id, v.starts_at, v.minutes, v.place, v.who, v.note, v.sequence, \
    v.scheduled_by, v.scheduled_at";

/// One visit of the Agenda, with what the technician needs to know about its case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AgendaItem {
    pub number: String,
    pub requester: String,
    pub department: String,
    pub location: Option<String>,
    pub phone: Option<String>,
    pub service_type: Option<String>,
    pub assignee: Option<String>,
    pub status: TicketStatus,
    pub visit: Visit,
}

struct VisitRow {
    id: i64,
    starts_at: String,
    minutes: i64,
    place: Option<String>,
    who: Option<String>,
    note: Option<String>,
    sequence: i64,
    scheduled_by: String,
    scheduled_at: String,
}

fn visit_from_row(r: &Row<'_>) -> crate::error::Result<VisitRow> {
    Ok(VisitRow {
        id: r.get("id")?,
        starts_at: r.get("starts_at")?,
        minutes: r.get("minutes")?,
        place: r.get("place")?,
        who: r.get("who")?,
        note: r.get("note")?,
        sequence: r.get("sequence")?,
        scheduled_by: r.get("scheduled_by")?,
        scheduled_at: r.get("scheduled_at")?,
    })
}

fn build_visit(v: VisitRow) -> Result<Visit> {
    let start = from_db(&v.starts_at)?;
    Ok(Visit {
        id: v.id,
        starts_at: to_rfc3339_local(start),
        ends_at: to_rfc3339_local(start + Duration::minutes(v.minutes)),
        minutes: v.minutes,
        place: v.place,
        who: v.who,
        note: v.note,
        sequence: v.sequence,
        scheduled_by: v.scheduled_by,
        scheduled_at: to_rfc3339_local(from_db(&v.scheduled_at)?),
    })
}

/// The current visit of the case with row id `ticket_id` (for the case detail).
pub(crate) fn visit_of(conn: &Db, ticket_id: i64) -> Result<Option<Visit>> {
    let sql = format!("SELECT {VISIT_COLUMNS} FROM ticket_visits v WHERE v.ticket_id = ?1");
    conn.prepare_cached(&sql)?
        .query_row([ticket_id], visit_from_row)
        .optional()?
        .map(build_visit)
        .transpose()
}

/// What a visit needs to know about its case.
pub(crate) struct CaseInfo {
    pub id: i64,
    pub number: String,
    pub requester: String,
    pub department: String,
    pub location: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub assignee: Option<String>,
    pub description: String,
    pub service_type: Option<String>,
    pub status: TicketStatus,
}

const CASE_COLUMNS: &str = "t.id, t.number, t.requester, t.department, t.location, t.phone, \
    t.email, t.assignee, t.description, t.service_type, t.status";

fn case_from_row(r: &Row<'_>) -> crate::error::Result<CaseInfo> {
    Ok(CaseInfo {
        id: r.get("id")?,
        number: r.get("number")?,
        requester: r.get("requester")?,
        department: r.get("department")?,
        location: r.get("location")?,
        phone: r.get("phone")?,
        email: r.get("email")?,
        assignee: r.get("assignee")?,
        description: r.get("description")?,
        service_type: r.get("service_type")?,
        status: r.get("status")?,
    })
}

fn load_case(conn: &Db, number: &str) -> Result<CaseInfo> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM tickets t WHERE t.number = ?1 COLLATE NOCASE");
    conn.query_row(&sql, [number.trim()], case_from_row)
        .optional()?
        .ok_or_else(|| CoreError::TicketNotFound(number.trim().to_string()))
}

/// Appends one timeline entry about the visit (field `visit`).
#[allow(clippy::too_many_arguments)]
fn add_event(
    conn: &Db,
    ticket_id: i64,
    at: &str,
    actor: &str,
    kind: &str,
    old: Option<&str>,
    new: Option<&str>,
    note: Option<&str>,
) -> Result<()> {
    crate::tickets::timeline::add_event(
        conn,
        ticket_id,
        at,
        actor,
        kind,
        Some("visit"),
        old,
        new,
        note,
    )
}

/// Parses the time of a visit typed by a person: `dd/mm/aaaa hh:mm` (as the UI shows dates),
/// or what [`parse_time_input`] takes (`AAAA-MM-DD HH:MM`, `AAAA-MM-DDTHH:MM`, RFC 3339). A
/// date alone is refused: a visit has a time.
pub fn parse_visit_time(s: &str) -> Result<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() {
        return Err(CoreError::validation(
            FIELD_AT,
            "es obligatoria (dd/mm/aaaa hh:mm, hora de Bogotá)",
        ));
    }
    let date_only = NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
        || NaiveDate::parse_from_str(s, "%d/%m/%Y").is_ok();
    if date_only {
        return Err(CoreError::validation(
            FIELD_AT,
            format!("«{s}» no tiene hora; escriba la fecha y la hora (dd/mm/aaaa hh:mm)"),
        ));
    }
    parse_time_input(FIELD_AT, s).map_err(|_| {
        CoreError::validation(
            FIELD_AT,
            format!(
                "«{s}» no es una fecha y hora válida; use dd/mm/aaaa hh:mm o AAAA-MM-DD HH:MM \
                 (hora de Bogotá)"
            ),
        )
    })
}

/// A day of an agenda range: `AAAA-MM-DD` or `dd/mm/aaaa`.
pub fn parse_day(field: &str, s: &str) -> Result<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .map_err(|_| {
            CoreError::validation(
                field,
                format!("«{s}» no es una fecha válida; use AAAA-MM-DD o dd/mm/aaaa"),
            )
        })
}

fn local_text(t: DateTime<Utc>) -> String {
    to_local(t).format("%d/%m/%Y %H:%M").to_string()
}

/// The staff member named `who`, as the catalog spells it; an error when not in the catalog.
fn staff_member(conn: &Db, who: &str) -> Result<String> {
    let key = fold(who);
    let mut stmt = conn.prepare_cached("SELECT name FROM staff ORDER BY name")?;
    let names: Vec<String> = stmt
        .query_map([], |r| r.get("name"))?
        .collect::<crate::error::Result<_>>()?;
    names
        .into_iter()
        .find(|n| fold(n) == key)
        .ok_or_else(|| CoreError::CatalogNotFound {
            what: "la persona del equipo",
            name: who.to_string(),
        })
}

/// `s` when not longer than `max` characters, else a validation error on `field`.
fn limited(field: &str, s: Option<String>, max: usize) -> Result<Option<String>> {
    match s {
        Some(v) if v.chars().count() > max => Err(CoreError::validation(
            field,
            format!("tiene {} caracteres; el máximo es {max}", v.chars().count()),
        )),
        other => Ok(other),
    }
}

/// A short summary of a visit for the timeline note: «Lugar: … · Va: … · 60 min · Nota: …».
fn summary(place: Option<&str>, who: Option<&str>, minutes: i64, note: Option<&str>) -> String {
    let mut parts = Vec::new();
    if let Some(p) = place {
        parts.push(format!("Lugar: {p}"));
    }
    if let Some(w) = who {
        parts.push(format!("Va: {w}"));
    }
    parts.push(format!("{minutes} min"));
    if let Some(n) = note {
        parts.push(format!("Nota: {n}"));
    }
    parts.join(" · ")
}

impl Store {
    /// Schedules the visit of an open case, or reschedules/changes its current one. The time is
    /// Bogota wall time and must be in the future; the duration defaults to 60 minutes, the place
    /// to the case's location, who goes to its assignee (a staff member of the catalog). One
    /// transaction: the visit and its timeline entry (`visit_scheduled`, `visit_rescheduled` with
    /// the old → new time, or `visit_updated` when only the other data changed).
    pub fn schedule_visit(
        &mut self,
        number: &str,
        input: &VisitInput,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Visit> {
        self.authorize_case(number)?;
        let tx = self.begin_write(actor, now)?;
        let case = load_case(&tx, number)?;
        if !case.status.is_open() {
            return Err(CoreError::InvalidTransition {
                action: "programar una visita en".into(),
                status: case.status.label().into(),
            });
        }
        let start = parse_visit_time(&input.at)?;
        // To the minute: a visit starts at hh:mm.
        let start = start - Duration::seconds(start.timestamp().rem_euclid(60));
        if start <= now {
            return Err(CoreError::validation(
                FIELD_AT,
                format!(
                    "{} ya pasó (ahora son las {} en Bogotá); una visita se programa para una \
                     fecha y hora futuras",
                    local_text(start),
                    local_text(now)
                ),
            ));
        }
        if start > now + Duration::days(MAX_DAYS_AHEAD) {
            return Err(CoreError::validation(
                FIELD_AT,
                format!(
                    "{} está a más de {MAX_DAYS_AHEAD} días; revise el año",
                    local_text(start)
                ),
            ));
        }
        let minutes = input.minutes.unwrap_or(DEFAULT_MINUTES);
        if !(MIN_MINUTES..=MAX_MINUTES).contains(&minutes) {
            return Err(CoreError::validation(
                FIELD_MINUTES,
                format!("{minutes} no es una duración válida; use de {MIN_MINUTES} a {MAX_MINUTES} minutos"),
            ));
        }
        let place = limited(
            FIELD_PLACE,
            clean_opt(input.place.as_deref()).or_else(|| case.location.clone()),
            MAX_PLACE,
        )?;
        let who = match clean_opt(input.who.as_deref()) {
            Some(w) => Some(staff_member(&tx, &w)?),
            None => case.assignee.clone(),
        };
        let note = limited(FIELD_NOTE, clean_opt(input.note.as_deref()), MAX_NOTE)?;

        let old = {
            let sql = format!("SELECT {VISIT_COLUMNS} FROM ticket_visits v WHERE v.ticket_id = ?1");
            tx.query_row(&sql, [case.id], visit_from_row).optional()?
        };
        let now_s = to_db(now);
        let start_s = to_db(start);
        let note_text = summary(place.as_deref(), who.as_deref(), minutes, note.as_deref());
        match old {
            None => {
                tx.execute(
                    "INSERT INTO ticket_visits(ticket_id, starts_at, minutes, place, who, note,
                        sequence, scheduled_by, scheduled_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8)",
                    params![case.id, start_s, minutes, place, who, note, actor, now_s],
                )?;
                add_event(
                    &tx,
                    case.id,
                    &now_s,
                    actor,
                    "visit_scheduled",
                    None,
                    Some(&to_rfc3339_local(start)),
                    Some(&note_text),
                )?;
            }
            Some(old) => {
                let unchanged = old.starts_at == start_s
                    && old.minutes == minutes
                    && old.place == place
                    && old.who == who
                    && old.note == note;
                if unchanged {
                    drop(tx);
                    return self.current_visit(case.id);
                }
                tx.execute(
                    "UPDATE ticket_visits SET starts_at = ?2, minutes = ?3, place = ?4, who = ?5,
                        note = ?6, sequence = sequence + 1, scheduled_by = ?7, scheduled_at = ?8
                     WHERE id = ?1",
                    params![old.id, start_s, minutes, place, who, note, actor, now_s],
                )?;
                let old_start = to_rfc3339_local(from_db(&old.starts_at)?);
                let moved = old.starts_at != start_s;
                add_event(
                    &tx,
                    case.id,
                    &now_s,
                    actor,
                    if moved {
                        "visit_rescheduled"
                    } else {
                        "visit_updated"
                    },
                    Some(&old_start),
                    Some(&to_rfc3339_local(start)),
                    Some(&note_text),
                )?;
            }
        }
        // With mail on, the requester gets the visit with its `.ics` (same transaction).
        if let Some(v) = visit_of(&tx, case.id)? {
            let ics = ics::calendar(&[(&case, &v)], now)?;
            crate::mail::outbox::visit(&tx, case.id, start, place.as_deref(), ics, now)?;
        }
        tx.commit()?;
        self.current_visit(case.id)
    }

    fn current_visit(&self, ticket_id: i64) -> Result<Visit> {
        visit_of(&self.conn, ticket_id)?.ok_or_else(|| {
            CoreError::validation("visita", "la visita no quedó guardada; intente de nuevo")
        })
    }

    /// Cancels the current visit of a case, with a reason (timeline `visit_cancelled`). Allowed
    /// in any status: a visit that no longer makes sense (the case was solved by phone, or
    /// cancelled) must be able to leave the Agenda.
    pub fn cancel_visit(
        &mut self,
        number: &str,
        reason: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.authorize_case(number)?;
        let reason = clean(reason);
        if reason.is_empty() {
            return Err(CoreError::validation(
                FIELD_REASON,
                "es obligatorio para cancelar la visita",
            ));
        }
        let reason = limited(FIELD_REASON, Some(reason), MAX_NOTE)?.unwrap_or_default();
        self.write(actor, now, |tx| {
            let case = load_case(tx, number)?;
            let old: Option<String> = tx
                .query_row(
                    "SELECT starts_at FROM ticket_visits WHERE ticket_id = ?1",
                    [case.id],
                    |r| r.get("starts_at"),
                )
                .optional()?;
            let Some(old) = old else {
                return Err(CoreError::validation(
                    "visita",
                    format!("el caso {} no tiene una visita programada", case.number),
                ));
            };
            tx.execute("DELETE FROM ticket_visits WHERE ticket_id = ?1", [case.id])?;
            add_event(
                tx,
                case.id,
                &to_db(now),
                actor,
                "visit_cancelled",
                Some(&to_rfc3339_local(from_db(&old)?)),
                None,
                Some(&reason),
            )
        })
    }

    /// The visits starting on the Bogota days `from` ..= `to`, sorted by start time then case
    /// number. Visits of cancelled cases are left out.
    pub fn agenda(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<AgendaItem>> {
        if to < from {
            return Err(CoreError::validation(
                "hasta",
                format!(
                    "{} es anterior a la fecha inicial {}",
                    to.format("%d/%m/%Y"),
                    from.format("%d/%m/%Y")
                ),
            ));
        }
        if (to - from).num_days() >= MAX_RANGE_DAYS {
            return Err(CoreError::validation(
                "hasta",
                format!("el rango de la agenda es de máximo {MAX_RANGE_DAYS} días"),
            ));
        }
        let lo = from_local(from.and_time(NaiveTime::MIN));
        let hi = match to.succ_opt() {
            Some(next) => from_local(next.and_time(NaiveTime::MIN)),
            None => from_local(to.and_time(NaiveTime::MIN)) + Duration::days(1),
        };
        let sql = format!(
            "SELECT {VISIT_COLUMNS}, {CASE_COLUMNS} FROM ticket_visits v
             JOIN tickets t ON t.id = v.ticket_id
             WHERE v.starts_at >= ?1 AND v.starts_at < ?2 AND t.status <> 'cancelled'
             ORDER BY v.starts_at, t.number"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        // Both column lists name `id`: by name it reads `v.id` (the first), so the case's `id`
        // of these rows is not used.
        let rows = stmt.query_map([to_db(lo), to_db(hi)], |r| {
            Ok((visit_from_row(r)?, case_from_row(r)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (v, c) = row?;
            out.push(AgendaItem {
                number: c.number,
                requester: c.requester,
                department: c.department,
                location: c.location,
                phone: c.phone,
                service_type: c.service_type,
                assignee: c.assignee,
                status: c.status,
                visit: build_visit(v)?,
            });
        }
        Ok(out)
    }

    /// The `.ics` file (RFC 5545) of the current visit of a case, and its suggested file name.
    pub fn visit_ics(&self, number: &str, now: DateTime<Utc>) -> Result<(String, String)> {
        let case = load_case(&self.conn, number)?;
        let visit = visit_of(&self.conn, case.id)?.ok_or_else(|| {
            CoreError::validation(
                "visita",
                format!("el caso {} no tiene una visita programada", case.number),
            )
        })?;
        let name = format!("visita-{}.ics", case.number);
        Ok((name, ics::calendar(&[(&case, &visit)], now)?))
    }

    /// One `.ics` file with every visit of the agenda range (empty range: no events).
    pub fn agenda_ics(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(String, String)> {
        let items = self.agenda(from, to)?;
        let mut cases = Vec::with_capacity(items.len());
        for it in &items {
            cases.push(load_case(&self.conn, &it.number)?);
        }
        let pairs: Vec<(&CaseInfo, &Visit)> =
            cases.iter().zip(items.iter().map(|i| &i.visit)).collect();
        let name = format!(
            "agenda-{}-{}.ics",
            from.format("%Y%m%d"),
            to.format("%Y%m%d")
        );
        Ok((name, ics::calendar(&pairs, now)?))
    }
}
